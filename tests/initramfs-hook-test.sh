#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The initramfs-tools hook, run by the real mkinitramfs against Debian's kernel: with a
# configuration present it brings vfioadm, the configuration, the udev rule and the VFIO
# modules; without one it adds nothing. Needs root (it places a test file in /etc/vfioadm.d,
# removed afterwards). Usage: initramfs-hook-test.sh BUILD_DIR     Output: TAP.
set -u
build=$1
vfioadm=unused
. "$(dirname "$0")/fixtures/tap.sh"
export PATH=$PATH:/usr/sbin:/sbin
rel=$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -n1)
if ! command -v mkinitramfs >/dev/null || [ -z "$rel" ]; then
	not_ok "mkinitramfs and a Debian kernel are installed (scripts/install-deps.sh)"; done_testing; exit 1
fi
conf=$tmp/conf
cp -a /etc/initramfs-tools "$conf"
mkdir -p "$conf/hooks"
# the hook as installed, but taking vfioadm and the rule from the build tree
sed "s|^copy_exec .*|copy_exec $build/src/vfioadm /sbin/vfioadm|; s| [^ ]*/rules.d/70-vfioadm.rules >| $build/data/70-vfioadm.rules >|" \
	"$build/data/vfioadm-initramfs-hook" >"$conf/hooks/vfioadm"
chmod +x "$conf/hooks/vfioadm"
sed -i 's/^MODULES=.*/MODULES=list/; s/^COMPRESS=.*/COMPRESS=gzip/' "$conf/initramfs.conf"

created_dir=0
[ -d /etc/vfioadm.d ] || { mkdir -p /etc/vfioadm.d; created_dir=1; }
trap 'rm -f /etc/vfioadm.d/zz-initramfs-hook-test.conf; [ $created_dir = 1 ] && rmdir /etc/vfioadm.d; rm -rf "$tmp"' EXIT
printf '[device 0000:00:10.0]\ndriver = auto\n' >/etc/vfioadm.d/zz-initramfs-hook-test.conf
if mkinitramfs -d "$conf" -o "$tmp/with.img" "$rel" 2>"$tmp/err"; then ok "mkinitramfs with the hook"; else
	not_ok "mkinitramfs with the hook"; sed 's/^/#   /' "$tmp/err"; fi
lsinitramfs "$tmp/with.img" >"$tmp/with.lst"
for want in sbin/vfioadm etc/vfioadm.d/zz-initramfs-hook-test.conf lib/udev/rules.d/70-vfioadm.rules \
	    "kernel/drivers/vfio/pci/vfio-pci.ko" "kernel/drivers/vfio/vfio_iommu_type1.ko"; do
	grep -q -- "$want" "$tmp/with.lst" && ok "the initramfs has $want" || not_ok "the initramfs has $want"
done
grep -q "libvfioadm.so" "$tmp/with.lst" && ok "with vfioadm's libraries" || not_ok "with vfioadm's libraries"
grep -q "libkmod.so.2" "$tmp/with.lst" && ok "with libkmod, which vfioadm opens at run time" || not_ok "with libkmod, which vfioadm opens at run time"
unmkinitramfs "$tmp/with.img" "$tmp/unpacked" 2>/dev/null
rule=$(find "$tmp/unpacked" -name 70-vfioadm.rules | head -n1)
grep -q 'IMPORT{program}="/sbin/vfioadm udev-helper %k"' "$rule" && ok "the rule in the initramfs calls /sbin/vfioadm" ||
	{ not_ok "the rule in the initramfs calls /sbin/vfioadm"; grep IMPORT "$rule" | sed 's/^/#   /'; }
rm /etc/vfioadm.d/zz-initramfs-hook-test.conf
[ $created_dir = 1 ] && ! ls /etc/vfioadm.conf /etc/vfioadm.d/*.conf >/dev/null 2>&1 && {
	mkinitramfs -d "$conf" -o "$tmp/without.img" "$rel" 2>/dev/null
	lsinitramfs "$tmp/without.img" | grep -q "sbin/vfioadm" && not_ok "no configuration: nothing added" || ok "no configuration: nothing added"
	# the package's /etc/vfioadm.conf: only comments, no section
	printf '# [device 0000:3b:00.0]\n# driver = auto\n' >/etc/vfioadm.d/zz-initramfs-hook-test.conf
	mkinitramfs -d "$conf" -o "$tmp/comments.img" "$rel" 2>/dev/null
	rm /etc/vfioadm.d/zz-initramfs-hook-test.conf
	lsinitramfs "$tmp/comments.img" | grep -q "sbin/vfioadm" && not_ok "a configuration of comments only: nothing added" ||
		ok "a configuration of comments only: nothing added"
}
done_testing

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build vfioadm's second test kernel from Debian's linux-source-6.12 with the VFIO device cdev
# and iommufd, which Debian's own kernels leave out (CONFIG_IOMMUFD is not set in 6.1 or 6.12).
# Built once per source version and config fragment, cached; prints the kernel's directory:
#   DIR/vmlinuz   DIR/rel (the release string)   DIR/root/lib/modules/REL (installed modules)
#   DIR/build     (the configured, built tree: external modules build against it with M=)
#
#   tests/vm/build-kernel.sh CACHE_DIR     (progress on stderr, the directory on stdout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: build-kernel.sh CACHE_DIR}
series=6.12
src=/usr/src/linux-source-$series.tar.xz
die() { echo "build-kernel: $*" >&2; exit 1; }
[ -f "$src" ] || die "no $src: run scripts/install-deps.sh (Debian package linux-source-$series)"
for t in make gcc bison flex bc; do command -v $t >/dev/null || die "missing $t: run scripts/install-deps.sh"; done

recipe=1 # bump when the steps below change
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || stat -c %Y "$src")
sum=$( (cat "$here/kernel/iommufd.config"; echo "$srcver $recipe") | sha256sum | cut -c1-16)
out=$cache/kernel-$series-iommufd-$sum
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi

rm -rf "$out"; mkdir -p "$out"
log=$out/build.log
echo "build-kernel: building Linux $srcver with iommufd into $out (once; ~20-40 min on 2 cores)" >&2
tar -xJf "$src" -C "$out"
mv "$out/linux-source-$series" "$out/build"
cd "$out/build"
{
	make x86_64_defconfig
	make kvm_guest.config
	scripts/kconfig/merge_config.sh -m .config "$here/kernel/iommufd.config"
	make olddefconfig
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuration failed (log: $log)"; }
# a fragment line the kernel's Kconfig dropped (a dependency unmet) would build the wrong kernel
missing=0
while read -r line; do
	case $line in CONFIG_*=*) grep -qxF "$line" .config || { echo "build-kernel: not in .config: $line" >&2; missing=1; } ;; esac
done <"$here/kernel/iommufd.config"
[ "$missing" = 0 ] || die "the config fragment did not apply (see above)"
jobs=$(( $(nproc) + 1 ))
make -j"$jobs" bzImage modules >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "build failed (log: $log)"; }
make -s INSTALL_MOD_PATH="$out/root" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "modules_install failed (log: $log)"; }
cp arch/x86/boot/bzImage "$out/vmlinuz"
make -s kernelrelease >"$out/rel"
touch "$out/.done"
echo "$out"

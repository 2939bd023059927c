#!/bin/bash
# Regenerate tests/data/kmod-debian/: the module indexes of Debian's kernel (depmod over the
# real modules of linux-image-amd64) plus alias-only stub modules (kmod-stubs/) for the shapes
# ranking must handle — ties, class-qualified and i00* patterns, hyphenated driver names — a
# built-in-only alias and a modprobe.d pin. The output is data, kept in git; run this only
# to refresh it. Needs the kernel image and matching headers (scripts/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rel=${1:-$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -n1)}
out=$here/kmod-debian
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
m=$work/lib/modules/$rel
mkdir -p "$m/extra"
cp -rs "/lib/modules/$rel/kernel" "$m/"
cp "/lib/modules/$rel"/modules.{order,builtin,builtin.modinfo} "$m/"
cp "$here"/kmod-stubs/* "$work/"
make -s -C "/usr/src/linux-headers-$rel" M="$work" modules
cp "$work"/*.ko "$m/extra/"
# a VFIO driver that exists only built in
echo "kernel/drivers/vfio/pci/builtin_vfio_pci.ko" >>"$m/modules.builtin"
printf 'builtin_vfio_pci.alias=vfio_pci:v0000ABCDd00001234sv*sd*bc*sc*i*\0' >>"$m/modules.builtin.modinfo"
depmod -b "$work" "$rel"
rm -rf "$out"
mkdir -p "$out/lib/modules/$rel" "$out/etc/modprobe.d" "$out/proc/sys/kernel"
for f in modules.alias modules.alias.bin modules.dep modules.dep.bin modules.builtin \
	 modules.builtin.bin modules.builtin.alias.bin modules.builtin.modinfo modules.softdep \
	 modules.devname modules.order modules.symbols modules.symbols.bin; do
	cp "$m/$f" "$out/lib/modules/$rel/"
done
echo "$rel" >"$out/proc/sys/kernel/osrelease"
cat >"$out/etc/modprobe.d/vfioadm-test-pin.conf" <<'PIN'
# An admin's pin: virtio 1042 devices get generic vfio-pci although virtio_vfio_pci matches.
alias vfio_pci:v00001AF4d00001042sv*sd*bc*sc*i* vfio_pci
PIN
echo "wrote $out ($rel)"

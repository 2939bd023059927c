#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build (once) and cache the "full" guest flavour: a debootstrap'd Debian bookworm root with
# systemd, udev and kmod (plus the peers the benchmarks compare with: driverctl, dpdk; podman,
# the CDI consumer of the scenario podman), the
# kernel release's modules, on an ext4 image labelled
# vfioadm-root. Prints the image's path. The mirror is the one this host's apt uses.
#
#   tests/vm/full-image.sh RELEASE CACHE_DIR
#
# At boot, the test initramfs mounts this image (through a qcow2 overlay, so the cached image
# is never written), copies in vfioadm and the scenario, and switches root to systemd; the unit
# vfioadm-scenario.service runs the scenario once the system is up and powers off.
set -euo pipefail
rel=$1 cache=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$cache/$rel
img=$out/debian-full.img
stamp=$img.$(cat "$0" "$here/guest/full-scenario.sh" | sha256sum | cut -c1-12)
if [ -f "$stamp" ] && [ -f "$img" ]; then echo "$img"; exit 0; fi
export PATH=$PATH:/usr/sbin:/sbin

mirror=$("$here/../../scripts/apt-mirror.sh") || exit 1

mkdir -p "$out"
root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
echo "full-image: debootstrap bookworm from the host's mirror (a few minutes, once)" >&2
debootstrap --variant=minbase \
	--include=systemd,systemd-sysv,udev,kmod,jq,libkmod2,libjson-c5,libpci3,libinih1,libmnl0,pci.ids,iproute2,procps,pciutils,driverctl,dpdk,python3,strace \
	bookworm "$root" "$mirror" >"$out/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$out/debootstrap.log" >&2; exit 1; }
# podman through apt in the new root: debootstrap's own resolver fails on its dependencies
echo "full-image: apt-get install podman in the guest root" >&2
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y --no-install-recommends \
	podman crun conmon golang-github-containers-common >"$out/apt.log" 2>&1 ||
	{ tail -n 20 "$out/apt.log" >&2; exit 1; }
chroot "$root" apt-get clean

mkdir -p "$root/lib/modules"
cp -a "/lib/modules/$rel" "$root/lib/modules/"
echo "vfioadm-guest" >"$root/etc/hostname"
echo "LABEL=vfioadm-root / ext4 defaults 0 1" >"$root/etc/fstab"
# nothing waits for a network or a login: the scenario unit is the point of the boot
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
ln -sf /dev/null "$root/etc/systemd/system/systemd-networkd-wait-online.service"
install -m 0755 "$here/guest/full-scenario.sh" "$root/usr/local/sbin/vfioadm-run-scenario"
cat >"$root/etc/systemd/system/vfioadm-scenario.service" <<'UNIT'
[Unit]
Description=vfioadm test scenario
After=multi-user.target systemd-udev-settle.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vfioadm-run-scenario
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/vfioadm-scenario.service \
	"$root/etc/systemd/system/multi-user.target.wants/vfioadm-scenario.service"
rm -f "$root"/var/cache/apt/archives/*.deb

rm -f "$img" "$img".*
size=$(( $(du -sm "$root" | cut -f1) + 512 ))
mkfs.ext4 -q -L vfioadm-root -d "$root" "$img" "${size}M" >&2
touch "$stamp"
echo "$img"

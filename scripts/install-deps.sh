#!/bin/bash
# Install everything vfioadm needs to build and to run its whole test suite, from Debian
# bookworm's packages. Idempotent; run as root (or it uses sudo).
set -euo pipefail
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
pkgs=(
	# build
	gcc pkg-config meson ninja-build libkmod-dev libjson-c-dev libpci-dev libinih-dev libmnl-dev pci.ids
	# tests
	jq valgrind kmod pciutils
	# ip and devlink read VF attributes back in the provisioning scenario
	iproute2
	# the Debian packages (debian/): built with dpkg-buildpackage, checked by lintian
	dpkg-dev debhelper lintian
	# CDI specs validated against the CDI project's schema (../shared/cdi), YAML read back
	python3-jsonschema python3-yaml
	# fuzzing (libFuzzer)
	clang libclang-rt-14-dev
	# the real-kernel test bed: Debian's kernel + matching headers (one transaction pins the
	# same ABI), QEMU, busybox for the guest, cpio for the initramfs, make for the test modules
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio make
	# the second distribution kernel the core scenarios run on: Debian's 6.12 for bookworm
	# (bookworm-security), image and headers from their meta-packages in the same transaction
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# the full guest flavour (a debootstrap'd Debian booted with systemd + udev)
	debootstrap qemu-utils e2fsprogs
	# the mdev sample driver (mtty.c) is built from the kernel source at test time
	linux-source-6.1 xz-utils
	# vfioadm's own test kernel: Debian's 6.12 source built with the VFIO device cdev, iommufd
	# and netdevsim, which Debian's kernels leave out (tests/vm/build-kernel.sh); the 6.12
	# source also gives the mdev sample for Debian's 6.12
	linux-source-6.12 bc bison flex libelf-dev libssl-dev
	# benchmarks against the peers
	hyperfine time driverctl dpdk
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vfioadm's real-kernel test bed: boot Debian's kernel in QEMU (TCG) with a busybox
# initramfs that holds vfioadm, the kernel modules a scenario needs and the scenario, then
# relay the scenario's TAP. One boot per scenario. A guest that does not boot, or a scenario
# that does not report, is a failure ("Bail out!"), never a skip.
#
#   tests/vm/vm.sh BUILD_DIR SCENARIO [--kernel NAME] [--keep]
#
# BUILD_DIR holds src/vfioadm and lib/libvfioadm.so* (a meson build directory).
# NAME is one of the test kernels (tests/vm/README.md): 6.1 (Debian bookworm's, the default),
# 6.12 (Debian's 6.12 for bookworm) or iommufd (vfioadm's own build of the 6.12 source with
# the VFIO device cdev, made by build-kernel.sh); it must be one the scenario's
# "# kernels:" header names.
# Environment: VFIOADM_VM_CACHE (default ~/.cache/vfioadm-vm), VFIOADM_VM_KERNEL (a release
# under /lib/modules with /boot/vmlinuz-<release>, overriding the Debian kernel NAME picks),
# VFIOADM_VM_TIMEOUT (seconds per boot, default 300), VFIOADM_VM_LOGDIR (keep logs there),
# VFIOADM_VM_ACCEL (tcg, kvm, or auto: KVM only if a probe guest boots with it; cached).
# Fixture capture: a scenario may write a tarball to /dev/vdb's raw disk ("results disk");
# the host extracts it to $VFIOADM_VM_LOGDIR/<scenario>.results.tar.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
builddir=$(cd "${1:?usage: vm.sh BUILD_DIR SCENARIO [--kernel NAME] [--keep]}" && pwd)
scenario=${2:?usage: vm.sh BUILD_DIR SCENARIO [--kernel NAME] [--keep]}
shift 2
keep= kernel_name=
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=--keep ;;
	--kernel) kernel_name=${2:?--kernel needs a name}; shift ;;
	*) echo "vm.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
scen_file=$here/scenarios/$scenario.sh
if [ -f "$scenario" ]; then # a path: benchmarks keep their scenarios under bench/
	scen_file=$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")
	scenario=$(basename "$scenario" .sh)
fi
cache=${VFIOADM_VM_CACHE:-$HOME/.cache/vfioadm-vm}
timeout_s=${VFIOADM_VM_TIMEOUT:-300}

bail() { echo "1..1"; echo "not ok 1 - $scenario: $*"; echo "Bail out! $*"; exit 1; }

[ -f "$scen_file" ] || bail "no scenario $scen_file"
for tool in qemu-system-x86_64 busybox cpio depmod modprobe meson ldconfig; do
	command -v "$tool" >/dev/null || PATH=$PATH:/sbin:/usr/sbin command -v "$tool" >/dev/null ||
		bail "missing $tool: run tests/vm/install-deps.sh (Debian packages)"
done
export PATH=$PATH:/sbin:/usr/sbin

# A Debian kernel of SERIES (6.1, 6.12): the newest release under /lib/modules of that series
# with its image and headers (scripts/install-deps.sh installs both in one transaction).
pick_debian_kernel() {
	if [ -n "${VFIOADM_VM_KERNEL:-}" ]; then echo "$VFIOADM_VM_KERNEL"; return; fi
	local rel
	for rel in $(ls /lib/modules | sort -V -r); do
		case $rel in "$1".[0-9]*-amd64) ;; *) continue ;; esac
		if [ -f "/boot/vmlinuz-$rel" ] && [ -d "/usr/src/linux-headers-$rel" ]; then
			echo "$rel"; return
		fi
	done
}
# The kernels a scenario runs on: "# kernels: 6.1 6.12" (default 6.1); --kernel picks one.
# modroot: where its /lib/modules/REL lives on this host ("" = /); headers: its build tree.
scen_kernels=$(sed -n 's/^# kernels: //p' "$scen_file")
scen_kernels=${scen_kernels:-6.1}
kernel_name=${kernel_name:-${scen_kernels%% *}}
case " $scen_kernels " in *" $kernel_name "*) ;;
*) bail "scenario $scenario runs on '$scen_kernels', not on kernel '$kernel_name'" ;;
esac
case $kernel_name in
6.1 | 6.12)
	rel=$(pick_debian_kernel "$kernel_name")
	[ -n "$rel" ] || bail "no Debian $kernel_name kernel with headers: run scripts/install-deps.sh"
	modroot="" vmlinuz=/boot/vmlinuz-$rel headers=/usr/src/linux-headers-$rel ;;
iommufd)
	# scripts/test.sh builds it before any test runs; a test never waits for a kernel build
	kd=$("$here/build-kernel.sh" --built "$cache") ||
		bail "the iommufd test kernel is not built: run tests/vm/build-kernel.sh $cache (scripts/test.sh does)"
	rel=$(cat "$kd/rel") modroot=$kd/root vmlinuz=$kd/vmlinuz headers=$kd/build ;;
*) bail "unknown kernel '$kernel_name' (6.1, 6.12 or iommufd)" ;;
esac
kdir=/lib/modules/$rel
modprobe_host() { modprobe ${modroot:+-d "$modroot"} -S "$rel" "$@"; }
# copy the modules (with their dependencies) into the guest root $root
copy_module_closure() {
	local m f
	for m in "$@"; do
		{ modprobe_host --show-depends "$m" 2>/dev/null || true; } | awk '$1=="insmod"{print $2}'
	done | sort -u | while read -r f; do
		mkdir -p "$root$(dirname "${f#"$modroot"}")"; cp "$f" "$root${f#"$modroot"}"
	done
	cp "$modroot$kdir"/modules.{order,builtin,builtin.modinfo} "$root$kdir/" 2>/dev/null || true
}

# ---- test kernel modules: built once per kernel and source version, cached ----
build_test_modules() {
	local sum out
	local recipe=2 # bump when the build below changes (2: + mtty from the kernel source)
	sum=$( (cat "$here"/kmod/*; echo "$recipe") | sha256sum | cut -c1-16)
	out=$cache/$rel/kmod-$sum
	if [ ! -f "$out/.done" ]; then
		rm -rf "$out"; mkdir -p "$out"
		cp "$here"/kmod/* "$out"/
		# the kernel's own mdev sample, from Debian's kernel source (extracted, never committed)
		local series src once
		series=$(echo "$rel" | cut -d. -f1-2) # the kernel's own series
		src=/usr/src/linux-source-$series.tar.xz
		[ -f "$src" ] || bail "no $src for mtty: run scripts/install-deps.sh"
		# unpacking one file reads the whole 140 MB tarball: once per source version, not per kernel
		once=$cache/src/mtty-$series-$(stat -c %s-%Y "$src").c
		if [ ! -f "$once" ]; then
			mkdir -p "$cache/src"
			tar -xJf "$src" --wildcards '*/samples/vfio-mdev/mtty.c' -O >"$once.tmp" && mv "$once.tmp" "$once" ||
				bail "could not extract samples/vfio-mdev/mtty.c from $src"
		fi
		cp "$once" "$out/mtty.c"
		echo 'obj-m += mtty.o' >>"$out/Kbuild"
		make -s -C "$headers" M="$out" modules >"$out/build.log" 2>&1 ||
			{ cat "$out/build.log" >&2; bail "test modules failed to build (see above)"; }
		touch "$out/.done"
	fi
	echo "$out"
}

# Scenario header lines: "# extra: mod…" (test modules to install), "# load: mod…" (kernel
# modules the guest loads at boot, like a host's udev would), "# qemu: args" (extra devices),
# "# tools: prog…" (host programs copied into the fast guest, for profiling),
# "# flavour: full" (boot the cached debootstrap'd Debian with systemd + udev instead of busybox),
# "# install: deb" (full flavour: the guest gets vfioadm's .deb files in /debs, not an install).
header() { sed -n "s/^# $1: //p" "$scen_file" | tr '\n' ' '; }

copy_with_libs() { # copy an executable and its shared-library closure into $root
	local bin=$1 dest=$2 lib
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$bin" "$root$dest"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
	done
}

flavour=$(sed -n 's/^# flavour: //p' "$scen_file")
flavour=${flavour:-fast}

# The full flavour: the initramfs only mounts the cached Debian root and carries the payload.
build_full_initramfs() {
	local kmods=$1 m f p
	root=$work/root
	p=$root/payload
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,newroot} "$p"/usr/local/{sbin,lib} "$p/scenario" \
		"$p/etc" "$p/usr$kdir/extra"
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
	copy_with_libs "$(command -v kmod)" /usr/bin/kmod
	ln -sf /usr/bin/kmod "$root/sbin/modprobe"
	copy_module_closure virtio_pci virtio_blk ext4
	depmod -b "$root" "$rel"
	# vfioadm exactly as `meson install` lays it out, boot units enabled by its own install step
	# (data/enable-units.sh), not by this harness: what a user gets. The Debian root is
	# merged-/usr (/lib is a link to usr/lib), so lib/ goes to usr/lib.
	if [ "$(header install | tr -d ' ')" = deb ]; then
		# "# install: deb": no vfioadm in the payload but its Debian packages, built from this
		# tree (scripts/build-deb.sh, reused while the tree is unchanged), for the scenario to
		# install with apt as an admin does
		local debs=$builddir/debs
		"$here/../../scripts/build-deb.sh" "$debs" >"$work/build-deb.log" 2>&1 ||
			{ cat "$work/build-deb.log" >&2; bail "the Debian packages did not build"; }
		mkdir -p "$p/debs"
		cp "$debs"/vfioadm_*.deb "$debs"/libvfioadm0_*.deb "$p/debs/"
	else
		cp -a "$stage/." "$p/"
		if [ -d "$p/lib" ]; then cp -a "$p/lib/." "$p/usr/lib/" && rm -rf "$p/lib"; fi
	fi
	for f in "$builddir"/tests/vm/*; do [ -x "$f" ] && [ -f "$f" ] && cp "$f" "$p/usr/local/sbin/"; done
	for m in $(header extra); do cp "$kmods/$m.ko" "$p/usr$kdir/extra/"; done
	header load >"$p/etc/vfioadm-load-modules"
	mkdir -p "$p/etc/systemd/system/sysinit.target.wants"
	# index the test modules before modules-load.d and udev's coldplug look for them
	cat >"$p/etc/systemd/system/vfioadm-test-depmod.service" <<'UNIT'
[Unit]
Description=vfioadm tests: index the test kernel modules
DefaultDependencies=no
Before=systemd-modules-load.service systemd-udev-trigger.service sysinit.target
[Service]
Type=oneshot
ExecStart=/sbin/depmod -a
UNIT
	ln -sf ../vfioadm-test-depmod.service "$p/etc/systemd/system/sysinit.target.wants/"
	# files the scenario brings (its configuration…): scenarios/NAME.root/
	[ -d "${scen_file%.sh}.root" ] && cp -a "${scen_file%.sh}.root/." "$p/"
	cp "$here/guest/lib.sh" "$here/guest/capture.sh" "$p/scenario/"
	cp "$scen_file" "$p/scenario/run.sh"
	cp "$here/guest/init-full" "$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initrd.img"
	local img
	img=$("$here/full-image.sh" "$rel" "$cache") || bail "could not build the full guest image"
	qemu-img create -q -f qcow2 -b "$img" -F raw "$work/root.qcow2"
	full_args="-drive file=$work/root.qcow2,if=none,id=rootd,format=qcow2 -device virtio-blk-pci,drive=rootd,addr=0x16"
}

build_initramfs() {
	local kmods=$1 m f
	root=$work/root
	mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,usr/lib,usr/sbin,usr/share/misc,scenario}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
	copy_with_libs "$(command -v kmod)" /usr/bin/kmod
	copy_with_libs "$(command -v jq)" /usr/bin/jq
	for f in $(header tools); do # "# tools: strace…": host programs a profiling scenario needs
		command -v "$f" >/dev/null || bail "scenario wants '$f', which this host does not have"
		copy_with_libs "$(command -v "$f")" "/usr/bin/$f"
		# a VMM in the guest (the VMM-agreement checks): the firmware its q35 machine loads
		# and its TCG accelerator (Debian builds it as a module)
		case $f in qemu-system-*)
			mkdir -p "$root/usr/share/seabios"; cp /usr/share/seabios/bios-256k.bin "$root/usr/share/seabios/"
			for m in /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so; do copy_with_libs "$m" "$m"; done ;;
		esac
	done
	for a in modprobe insmod rmmod lsmod depmod modinfo; do ln -sf /usr/bin/kmod "$root/sbin/$a"; done
	cp -a "$stage"/usr/local/lib/*/libvfioadm.so* "$root/usr/lib/"
	LD_LIBRARY_PATH=$(echo "$stage"/usr/local/lib/*/) copy_with_libs "$stage/usr/local/sbin/vfioadm" /usr/sbin/vfioadm
	# libkmod and libpci are dlopen()ed on first use, so ldd does not list them (lib/model/kmod.c,
	# src/names.c)
	local dl lib
	for dl in libkmod.so.2 libpci.so.3; do
		# awk reads to the end: an early exit would SIGPIPE ldconfig, and pipefail kill us
		lib=$(ldconfig -p | awk -v l="$dl" '$1 == l && /x86-64/ && !found {print $NF; found = 1}')
		[ -n "$lib" ] || bail "$dl not found on this host (scripts/install-deps.sh)"
		copy_with_libs "$lib" "$lib"
	done
	for f in "$builddir"/tests/vm/*; do # guest helpers built with the project (holders…)
		[ -x "$f" ] && [ -f "$f" ] && copy_with_libs "$f" "/usr/sbin/$(basename "$f")"
	done
	[ -f /usr/share/misc/pci.ids ] && cp /usr/share/misc/pci.ids "$root/usr/share/misc/"
	# kernel modules: the closure of what the scenario loads plus the standard host drivers
	# shellcheck disable=SC2046
	copy_module_closure vfio_pci vfio_iommu_type1 mdev nvme e1000e virtio_net virtio_pci virtio_blk \
		virtio_console virtio_balloon ahci lpc_ich i2c_i801 $(header load)
	mkdir -p "$root$kdir/extra"
	for m in $(header extra); do cp "$kmods/$m.ko" "$root$kdir/extra/"; done
	depmod -b "$root" "$rel"
	echo "$rel" >"$root/etc/kernel-release"
	header load >"$root/etc/load-modules"
	# a dynamic linker cache, as an installed system has: without one every library is looked
	# for in a dozen directories first, which start-up timings would carry
	printf '/usr/lib\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' >"$root/etc/ld.so.conf"
	ldconfig -r "$root"
	cp "$here/guest/init" "$root/init"
	cp "$here/guest/lib.sh" "$here/guest/capture.sh" "$root/scenario/"
	cp "$scen_file" "$root/scenario/run.sh"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initrd.img"
}

# KVM only if a guest really boots with it here (it exists on these machines but cannot boot
# stock kernels): probed once per kernel with a trivial initramfs, the answer cached.
pick_accel() {
	local probe=$cache/$rel/accel
	case ${VFIOADM_VM_ACCEL:-auto} in tcg|kvm) echo "$VFIOADM_VM_ACCEL"; return ;; esac
	if [ ! -f "$probe" ]; then
		local d; d=$(mktemp -d)
		mkdir -p "$d/r/bin" "$d/r/proc"
		cp /bin/busybox "$d/r/bin/"; ln -s busybox "$d/r/bin/sh"
		printf '#!/bin/sh\n/bin/busybox echo VFIOADM-KVM-OK\n/bin/busybox poweroff -f\n' >"$d/r/init"
		chmod +x "$d/r/init"
		(cd "$d/r" && find . | cpio -o -H newc --quiet) | gzip -1 >"$d/i.img"
		echo tcg >"$probe"
		if [ -w /dev/kvm ] && timeout -k 5 40 qemu-system-x86_64 -accel kvm -M q35 -m 512 \
			-kernel "$vmlinuz" -initrd "$d/i.img" -append "console=ttyS0 panic=-1" \
			-display none -monitor none -no-reboot -serial "file:$d/log" </dev/null >/dev/null 2>&1 &&
			grep -q VFIOADM-KVM-OK "$d/log"; then
			echo kvm >"$probe"
		fi
		rm -rf "$d"
	fi
	cat "$probe"
}

run_qemu() {
	local log=$work/serial.log boot=${1:-1}
	[ "$boot" = 1 ] || log=$work/serial.$boot.log
	truncate -s 64M "$work/nvme.img"
	truncate -s 32M "$work/results.img"
	# The standard device set (documented in tests/vm/README.md):
	#   00:10.0 edu (no host driver)          00:11.0 root port -> nvme PF (SR-IOV, 8 VFs)
	#   00:12.0 root port -> e1000e            00:13.0 virtio-net
	#   00:14.0 root port -> x3130 switch: downstream 0 -> e1000e, downstream 1 -> a
	#           two-function virtio device (one group of two endpoints)
	#   00:15.0 virtio-blk results disk        00:1f.x ICH9 (one multi-function group)
	# "# iommu: none" boots without a virtual IOMMU; "# iommu: intel-iommu,…" replaces the
	# default one (host readiness scenarios: interrupt remapping off…)
	local iommu iommu_args="-device intel-iommu,intremap=on,caching-mode=on" iommu_cmdline=intel_iommu=on
	iommu=$(header iommu | tr -d ' ')
	case $iommu in
	"") ;;
	none) iommu_args= iommu_cmdline= ;;
	*) iommu_args="-device $iommu" ;;
	esac
	# shellcheck disable=SC2046,SC2086
	timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
		-accel "$accel" -M q35,kernel-irqchip=split -cpu max -smp 2 -m 2048 \
		$iommu_args \
		-kernel "$vmlinuz" -initrd "$work/initrd.img" \
		-append "console=ttyS0 $iommu_cmdline panic=-1 loglevel=4 rdinit=/init vfioadm.boot=$boot $(header cmdline)" \
		-display none -monitor none -no-reboot -serial "file:$log" \
		-qmp "unix:$work/qmp.sock,server=on,wait=off" \
		-device edu,addr=0x10 \
		-device pcie-root-port,id=rp1,chassis=1,addr=0x11 \
		-device nvme-subsys,id=nvs0 \
		-device nvme,id=nvme0,serial=vfioadm-pf,subsys=nvs0,bus=rp1,sriov_max_vfs=8,sriov_vq_flexible=16,sriov_vi_flexible=8,max_ioqpairs=20,msix_qsize=20 \
		-drive file="$work/nvme.img",if=none,id=nvmd,format=raw \
		-device nvme-ns,drive=nvmd,bus=nvme0,nsid=1 \
		-device pcie-root-port,id=rp2,chassis=2,addr=0x12 \
		-netdev user,id=n1,restrict=on -device e1000e,netdev=n1,bus=rp2,id=nic0 \
		-netdev user,id=n2,restrict=on -device virtio-net-pci,netdev=n2,addr=0x13 \
		-device pcie-root-port,id=rp3,chassis=3,addr=0x14 \
		-device x3130-upstream,id=up0,bus=rp3 \
		-device xio3130-downstream,id=dn0,bus=up0,chassis=4,slot=0 \
		-device xio3130-downstream,id=dn1,bus=up0,chassis=5,slot=1 \
		-netdev user,id=n3,restrict=on -device e1000e,netdev=n3,bus=dn0 \
		-device virtio-serial-pci,bus=dn1,addr=0.0,multifunction=on \
		-device virtio-balloon-pci,bus=dn1,addr=0.1 \
		-drive file="$work/results.img",if=none,id=res,format=raw \
		-device virtio-blk-pci,drive=res,addr=0x15 \
		${full_args:-} $(header qemu) </dev/null >"$work/qemu.out" 2>&1 &
	qemu_pid=$!
	if [ -f "${scen_file%.sh}.host" ]; then # host-side actions (QMP hot-unplug…)
		QMP_SOCK=$work/qmp.sock SERIAL_LOG=$log VFIOADM_BOOT=$boot bash "${scen_file%.sh}.host" || true
	fi
	wait "$qemu_pid" || echo "qemu exited with $?" >>"$work/qemu.out"
}

relay_tap() {
	local tap=$work/tap.txt rc
	# every boot's log, in order (a scenario may reboot: "# boots: N")
	cat "$work/serial.log" $(ls "$work"/serial.[0-9]*.log 2>/dev/null | sort -V) | tr -d '\r' >"$work/serial.txt"
	if ! grep -q '^VFIOADM-SCENARIO-BEGIN' "$work/serial.txt"; then
		tail -n 40 "$work/serial.txt" >&2 || true; cat "$work/qemu.out" >&2
		bail "guest did not boot to the scenario (serial log above)"
	fi
	# the guest ran the kernel asked for (a scenario "on 6.12" that booted 6.1 proves nothing)
	local booted
	booted=$(sed -n 's/^VFIOADM-SCENARIO-BEGIN kernel=//p' "$work/serial.txt" | sort -u | tr '\n' ' ')
	[ "$booted" = "$rel " ] || bail "the guest ran kernel '${booted% }', not $rel ($kernel_name)"
	echo "# kernel $kernel_name: $rel"
	sed -n '/^VFIOADM-SCENARIO-BEGIN/,/^VFIOADM-SCENARIO-END/p' "$work/serial.txt" |
		grep -E '^(ok|not ok|1\.\.|#|Bail out!)' >"$tap" || true
	# "# cut: N": boot N ends by a power cut (QMP quit from the .host script), without its END
	local cut ends
	boots=$(header boots | tr -d ' ') cut=$(header cut | tr -d ' ')
	ends=${boots:-1}
	[ -z "$cut" ] || ends=$((ends - 1))
	if [ "${boots:-1}" -gt 1 ] && [ "$(grep -c '^VFIOADM-SCENARIO-END' "$work/serial.txt")" -lt "$ends" ]; then
		cat "$tap"; echo "Bail out! scenario $scenario ran in fewer than $boots boots"; return 1
	fi
	cat "$tap"
	if ! grep -q '^VFIOADM-SCENARIO-END' "$work/serial.txt"; then
		tail -n 40 "$work/serial.txt" >&2
		echo "Bail out! scenario did not finish (timeout ${timeout_s}s or guest crash)"
		return 1
	fi
	rc=$(sed -n 's/^VFIOADM-SCENARIO-END rc=//p' "$work/serial.txt" | tail -n1)
	# a scenario that stopped without its plan, or failed without saying what, is a failure
	if ! grep -q '^1\.\.[0-9]' "$tap" || { [ "$rc" != 0 ] && ! grep -q '^not ok' "$tap"; }; then
		sed -n '/^VFIOADM-SCENARIO-BEGIN/,/^VFIOADM-SCENARIO-END/p' "$work/serial.txt" | tail -n 20 | sed 's/^/# guest: /'
		echo "not ok - $scenario exited with rc=$rc without reporting its results"
		echo "Bail out! scenario $scenario broke off (rc=$rc)"
		return 1
	fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/vfioadm-vm.XXXXXX")
cleanup() {
	local logdir=${VFIOADM_VM_LOGDIR:-$builddir/vm-logs}
	mkdir -p "$logdir"
	local name=$scenario
	[ "$kernel_name" = "${scen_kernels%% *}" ] || name=$scenario@$kernel_name
	cp "$work/serial.txt" "$logdir/$name.serial.log" 2>/dev/null ||
		cp "$work/serial.log" "$logdir/$name.serial.log" 2>/dev/null || true
	if [ -f "$work/results.img" ] && [ "$(head -c 5 "$work/results.img" | od -An -c | tr -d ' ')" != "" ]; then
		tar -tf "$work/results.img" >/dev/null 2>&1 && cp "$work/results.img" "$logdir/$name.results.tar"
	fi
	[ "$keep" = --keep ] && echo "# kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# vfioadm as `meson install` lays it out (no build-tree RUNPATH: what an admin runs)
stage=$work/stage
meson install -C "$builddir" --destdir "$stage" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; bail "meson install of $builddir failed"; }
[ "$flavour" = full ] && [ -n "$modroot" ] && bail "'# flavour: full' boots Debian's kernels only"
# Scenarios run two at a time (meson): whatever fills the shared cache (test modules, the full
# guest image, the KVM probe) is made under one lock, so a second run waits and reuses it.
mkdir -p "$cache"
exec 9>"$cache/.prepare.lock"
flock 9 || bail "could not lock $cache/.prepare.lock"
kmods=$(build_test_modules) || bail "the test modules are not built: ${kmods##*Bail out! }"
accel=$(pick_accel)
if [ "$flavour" = full ]; then build_full_initramfs "$kmods"; else build_initramfs "$kmods"; fi
exec 9>&-
boots=$(header boots | tr -d ' ')
[ "${boots:-1}" -gt 1 ] && [ "$flavour" != full ] && bail "'# boots:' needs '# flavour: full' (a disk that survives)"
for b in $(seq 1 "${boots:-1}"); do run_qemu "$b"; done
relay_tap

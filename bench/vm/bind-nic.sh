# Benchmark (full Debian guest): the same as bind.sh on network functions, a device class all
# peers handle (dpdk-devbind.py only knows DPDK classes, not the nvme VFs of bind.sh): 6
# virtio-net functions from virtio-pci to vfio-pci and back to virtio-pci, ROUNDS (5)
# interleaved rounds of: raw sysfs writes (the limit), vfioadm, driverctl, dpdk-devbind.py.
# Prints "# bench METHOD round ms" lines; bench/bind-bench.sh turns them into a table.
# flavour: full
# load: vfio_pci
# qemu: -netdev user,id=bn0,restrict=on -device virtio-net-pci,netdev=bn0,addr=0x18 -netdev user,id=bn1,restrict=on -device virtio-net-pci,netdev=bn1,addr=0x19 -netdev user,id=bn2,restrict=on -device virtio-net-pci,netdev=bn2,addr=0x1a -netdev user,id=bn3,restrict=on -device virtio-net-pci,netdev=bn3,addr=0x1b -netdev user,id=bn4,restrict=on -device virtio-net-pci,netdev=bn4,addr=0x1c -netdev user,id=bn5,restrict=on -device virtio-net-pci,netdev=bn5,addr=0x1d
. ./lib.sh
S=/sys/bus/pci/devices
ROUNDS=${ROUNDS:-5}
# the six added here: their slots 0x18-0x1d on the root bus
fns=$(for i in 18 19 1a 1b 1c 1d; do echo 0000:00:$i.0; done)
n=$(for f in $fns; do sysfs_driver $f; done | grep -c virtio-pci)
is "$n" 6 "6 virtio-net functions on virtio-pci"
for f in $fns; do for i in /sys/bus/pci/devices/$f/virtio*/net/*; do ip link set "${i##*/}" down 2>/dev/null; done; done
ms() { echo $(( $(date +%s%N) / 1000000 )); }
raw_bind() {
	for f in $fns; do echo vfio-pci >$S/$f/driver_override; echo $f >$S/$f/driver/unbind; echo $f >/sys/bus/pci/drivers/vfio-pci/bind; done
}
raw_release() {
	for f in $fns; do echo $f >/sys/bus/pci/drivers/vfio-pci/unbind; echo >$S/$f/driver_override; echo $f >/sys/bus/pci/drivers/virtio-pci/bind; done
}
vfioadm_run_bind() { vfioadm bind --generic $fns >/dev/null; }
vfioadm_run_release() { vfioadm unbind $fns >/dev/null; }
driverctl_run_bind() { for f in $fns; do driverctl --nosave set-override $f vfio-pci; done; }
driverctl_run_release() { for f in $fns; do driverctl --nosave unset-override $f; done; }
dpdk_run_bind() { dpdk-devbind.py -b vfio-pci $fns >/tmp/dpdk.out 2>&1; }
dpdk_run_release() { dpdk-devbind.py -b virtio-pci $fns >/tmp/dpdk.out 2>&1; }
methods="raw vfioadm_run driverctl_run dpdk_run"
for m in $methods; do eval "$m() { ${m}_bind; ${m}_release; }"; done
all_on() { for f in $fns; do [ "$(sysfs_driver $f)" = "$1" ] || return 1; done; }
for m in $methods; do
	${m}_bind
	all_on vfio-pci && ok "nic_$m binds all 6 to vfio-pci" || { not_ok "nic_$m binds all 6 to vfio-pci"; sed 's/^/#   /' /tmp/dpdk.out | tail -n 3; }
	${m}_release
	all_on virtio-pci && ok "nic_$m gives them back to virtio-pci" || not_ok "nic_$m gives them back to virtio-pci"
	udevadm settle
done
for r in $(seq 1 "$ROUNDS"); do
	for m in $methods; do
		udevadm settle
		t0=$(ms); $m; t1=$(ms)
		echo "# bench nic_$m $r $((t1 - t0))"
	done
done
done_testing

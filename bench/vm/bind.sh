# Benchmark (full Debian guest): bind N nvme VFs to vfio-pci and give them back, four ways,
# each ROUNDS (9) times, interleaved: the minimal raw sysfs writes (the limit), vfioadm,
# driverctl --nosave set-override/unset-override, dpdk-devbind.py -b/-u. udev is settled
# before each timed run, so no method pays for the uevents of the one before it.
# Prints "# bench METHOD round ms" lines; bench/bind-bench.sh turns them into a table.
# flavour: full
# load: vfio_pci
. ./lib.sh
pf=0000:01:00.0 S=/sys/bus/pci/devices
ROUNDS=${ROUNDS:-9}
echo 0 >$S/$pf/sriov_drivers_autoprobe
echo 8 >$S/$pf/sriov_numvfs
vfs=$(for i in $(seq 0 7); do basename "$(readlink $S/$pf/virtfn$i)"; done)
n=$(echo $vfs | wc -w)
is "$n" 8 "8 VFs, unbound (autoprobe off)"
ms() { echo $(( $(date +%s%N) / 1000000 )); }

raw() {
	for v in $vfs; do echo vfio-pci >$S/$v/driver_override; echo $v >/sys/bus/pci/drivers/vfio-pci/bind; done
	for v in $vfs; do echo $v >/sys/bus/pci/drivers/vfio-pci/unbind; echo >$S/$v/driver_override; done
}
vfioadm_run() { vfioadm bind --generic $vfs >/dev/null && vfioadm unbind $vfs >/dev/null; }
driverctl_run() {
	for v in $vfs; do driverctl --nosave set-override $v vfio-pci; done
	for v in $vfs; do driverctl --nosave unset-override $v; done
}
dpdk_run() { dpdk-devbind.py -b vfio-pci $vfs >/dev/null 2>&1 && dpdk-devbind.py -u $vfs >/dev/null 2>&1; }

all_on() { for v in $vfs; do [ "$(sysfs_driver $v)" = "$1" ] || return 1; done; }
for m in raw vfioadm_run driverctl_run dpdk_run; do
	$m
	all_on null && ok "$m binds and releases all $n VFs" || not_ok "$m leaves every VF unbound at the end"
done
rounds() { # METHOD…: ROUNDS interleaved rounds of them
	for r in $(seq 1 "$ROUNDS"); do
		for m in "$@"; do
			udevadm settle # start from a quiet system: no other method's uevents still in flight
			t0=$(ms); $m; t1=$(ms)
			echo "# bench $m $r $((t1 - t0))"
		done
	done
}
rounds raw vfioadm_run driverctl_run dpdk_run
# Again on a host without driverctl's udev rule (89-vfio-uio.rules runs a bash script, plus
# basename and readlink, for every VFIO group node that appears): masked the standard way.
# That rule starves whatever starts right after a bind of CPU; the raw loop needs none then.
ln -sf /dev/null /etc/udev/rules.d/89-vfio-uio.rules
udevadm control --reload
raw_masked() { raw; }
vfioadm_masked() { vfioadm_run; }
rounds raw_masked vfioadm_masked
rm -f /etc/udev/rules.d/89-vfio-uio.rules
udevadm control --reload
vfioadm bind --generic $vfs >/dev/null; all_on vfio-pci && ok "vfioadm: all VFs on vfio-pci" || not_ok "vfioadm: all VFs on vfio-pci"
vfioadm unbind $vfs >/dev/null; all_on null && ok "vfioadm: all released" || not_ok "vfioadm: all released"
done_testing

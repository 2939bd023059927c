# Benchmark (full Debian guest): bind N nvme VFs to vfio-pci and give them back, six ways,
# each ROUNDS (9) times, interleaved: the minimal raw sysfs writes (the limit), the same with
# each VF's writes in a background subshell, vfioadm (default --jobs 8, and --jobs 1),
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

# each method in two halves, M_bind and M_release; a timed run is both
raw_bind() { for v in $vfs; do echo vfio-pci >$S/$v/driver_override; echo $v >/sys/bus/pci/drivers/vfio-pci/bind; done; }
raw_release() { for v in $vfs; do echo $v >/sys/bus/pci/drivers/vfio-pci/unbind; echo >$S/$v/driver_override; done; }
# the same writes, each VF's in a background subshell: the limit when the kernel's waits overlap
raw_parallel_bind() {
	for v in $vfs; do (echo vfio-pci >$S/$v/driver_override; echo $v >/sys/bus/pci/drivers/vfio-pci/bind) & done
	wait
}
raw_parallel_release() {
	for v in $vfs; do (echo $v >/sys/bus/pci/drivers/vfio-pci/unbind; echo >$S/$v/driver_override) & done
	wait
}
vfioadm_run_bind() { vfioadm bind --generic $vfs >/dev/null; }
vfioadm_run_release() { vfioadm unbind $vfs >/dev/null; }
vfioadm_serial_bind() { vfioadm bind --generic --jobs 1 $vfs >/dev/null; }
vfioadm_serial_release() { vfioadm unbind --jobs 1 $vfs >/dev/null; }
driverctl_run_bind() { for v in $vfs; do driverctl --nosave set-override $v vfio-pci; done; }
driverctl_run_release() { for v in $vfs; do driverctl --nosave unset-override $v; done; }
dpdk_run_bind() { dpdk-devbind.py -b vfio-pci $vfs >/tmp/dpdk.out 2>&1; }
dpdk_run_release() { dpdk-devbind.py -u $vfs >/dev/null 2>&1; }
methods="raw raw_parallel vfioadm_run vfioadm_serial driverctl_run dpdk_run"
for m in $methods; do eval "$m() { ${m}_bind; ${m}_release; }"; done

all_on() { for v in $vfs; do [ "$(sysfs_driver $v)" = "$1" ] || return 1; done; }
# Each method once, untimed, checked after each half: a time only counts for a method that does the job.
for m in $methods; do
	${m}_bind
	if all_on vfio-pci; then ok "$m binds all $n VFs to vfio-pci"; else
		not_ok "$m binds all $n VFs to vfio-pci"
		[ $m = dpdk_run ] && sed 's/^/#   /' /tmp/dpdk.out | tail -n 3
	fi
	${m}_release
	all_on null && ok "$m releases them" || not_ok "$m releases them"
	for v in $vfs; do [ -e $S/$v/driver ] && echo $v >$S/$v/driver/unbind; echo >$S/$v/driver_override; done
	udevadm settle
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
rounds $methods
# Again on a host without driverctl's udev rule (89-vfio-uio.rules runs a bash script, plus
# basename and readlink, for every VFIO group node that appears): masked the standard way.
# That rule starves whatever starts right after a bind of CPU; the raw loop needs none then.
ln -sf /dev/null /etc/udev/rules.d/89-vfio-uio.rules
udevadm control --reload
raw_masked() { raw; }
raw_parallel_masked() { raw_parallel; }
vfioadm_masked() { vfioadm_run; }
vfioadm_serial_masked() { vfioadm_serial; }
rounds raw_masked raw_parallel_masked vfioadm_masked vfioadm_serial_masked
rm -f /etc/udev/rules.d/89-vfio-uio.rules
udevadm control --reload
vfioadm bind --generic $vfs >/dev/null; all_on vfio-pci && ok "vfioadm: all VFs on vfio-pci" || not_ok "vfioadm: all VFs on vfio-pci"
vfioadm unbind $vfs >/dev/null; all_on null && ok "vfioadm: all released" || not_ok "vfioadm: all released"
done_testing

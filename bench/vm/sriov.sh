# Benchmark (full Debian guest): create 32 VFs on an nvme PF and put them on vfio-pci, timed
# from the first write until all 32 are bound, ROUNDS interleaved rounds of:
#  raw        autoprobe 0, sriov_numvfs, driver_override + bind per VF (the limit)
#  vfioadm    vfioadm sriov PF --vfs 32 --driver vfio
#  naive      sriov_numvfs with autoprobe on (nvme probes every VF), then unbind + override +
#             bind per VF: the autoprobe-on penalty vfioadm avoids
#  driverctl  sriov_numvfs (autoprobe on), then driverctl --nosave set-override per VF
#  dpdk       sriov_numvfs (autoprobe on), then dpdk-devbind.py -b vfio-pci
# flavour: full
# load: vfio_pci
# qemu: -device pcie-root-port,id=rp9,chassis=9,addr=0x17 -device nvme-subsys,id=nvs9 -device nvme,id=nvme9,serial=bench-pf,subsys=nvs9,bus=rp9,sriov_max_vfs=32,sriov_vq_flexible=64,sriov_vi_flexible=32,max_ioqpairs=66,msix_qsize=34
. ./lib.sh
S=/sys/bus/pci/devices
pf=$(basename "$(readlink -f /sys/bus/pci/devices/*/sriov_totalvfs | xargs -n1 dirname | while read -r d; do [ "$(cat $d/sriov_totalvfs)" = 32 ] && echo $d; done | head -n1)")
is "$(cat $S/$pf/sriov_totalvfs)" 32 "the benchmark PF $pf offers 32 VFs"
ROUNDS=${ROUNDS:-3}
ms() { echo $(( $(date +%s%N) / 1000000 )); }
vfs() { for l in $S/$pf/virtfn*; do basename "$(readlink $l)"; done; }
reset_pf() { echo 0 >$S/$pf/sriov_numvfs; echo 1 >$S/$pf/sriov_drivers_autoprobe; udevadm settle; }
all_vfio() { [ "$(for v in $(vfs); do sysfs_driver $v; done | sort -u)" = vfio-pci ] && [ "$(vfs | wc -l)" = 32 ]; }
to_vfio() { # unbind from whatever probed it, then vfio-pci
	for v in $(vfs); do
		echo vfio-pci >$S/$v/driver_override
		[ -e $S/$v/driver ] && echo $v >$S/$v/driver/unbind
		echo $v >/sys/bus/pci/drivers/vfio-pci/bind
	done
}
raw() { echo 0 >$S/$pf/sriov_drivers_autoprobe; echo 32 >$S/$pf/sriov_numvfs; to_vfio; echo 1 >$S/$pf/sriov_drivers_autoprobe; }
vfioadm_m() { vfioadm sriov $pf --vfs 32 --driver vfio >/dev/null; }
naive() { echo 32 >$S/$pf/sriov_numvfs; udevadm settle; to_vfio; }
driverctl_m() { echo 32 >$S/$pf/sriov_numvfs; udevadm settle; for v in $(vfs); do driverctl --nosave set-override $v vfio-pci; done; }
dpdk_m() { echo 32 >$S/$pf/sriov_numvfs; udevadm settle; dpdk-devbind.py -b vfio-pci $(vfs) >/dev/null 2>&1; }
for m in raw vfioadm_m naive driverctl_m dpdk_m; do
	reset_pf; $m
	all_vfio && ok "$m: 32 VFs on vfio-pci" || not_ok "$m: 32 VFs on vfio-pci"
done
for r in $(seq 1 "$ROUNDS"); do
	for m in raw vfioadm_m naive driverctl_m dpdk_m; do
		reset_pf
		t0=$(ms); $m; t1=$(ms)
		echo "# bench $m $r $((t1 - t0))"
	done
done
reset_pf
done_testing

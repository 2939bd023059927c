# Configure at run time with `vfioadm config`, reboot, and find everything in place: the
# configured functions were claimed before their host driver bound, the VFs and the mdev exist.
# flavour: full
# boots: 2
# extra: edu_vfio_pci mtty
. ./lib.sh
nic=0000:02:00.0 edu=0000:00:10.0 pf=0000:01:00.0 S=/sys/bus/pci/devices
u=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
if [ "$VFIOADM_BOOT" = 1 ]; then
	is "$(sysfs_driver $nic)" "e1000e" "boot 1: the NIC is on e1000e"
	check_exit "config add: edu" 0 vfioadm config add device $edu driver=auto
	check_exit "config add: the NIC" 0 vfioadm config add device $nic driver=vfio
	check_exit "config add: 4 VFs" 0 vfioadm config add sriov $pf vfs=4 driver=vfio
	check_exit "config add: an mdev" 0 vfioadm config add mdev $u parent=mtty type=mtty-2
	echo mtty >/etc/modules-load.d/vfioadm-test.conf
	is "$(sysfs_driver $nic)" "e1000e" "config add changes nothing by itself"
	end_of_boot
	exit
fi
is "$(systemctl show -p Result --value vfioadm-apply.service)" "success" "boot 2: vfioadm-apply.service succeeded"
is "$(sysfs_driver $nic)" "vfio-pci" "the NIC is on vfio-pci after the reboot"
is "$(dmesg | grep -c "e1000e $nic")" "0" "e1000e never bound it in this boot"
is "$(sysfs_driver $edu)" "edu-vfio-pci" "edu on its variant"
is "$(cat $S/$pf/sriov_numvfs):$(for l in $S/$pf/virtfn*; do sysfs_driver $(basename $(readlink $l)); done | sort -u)" \
	"4:vfio-pci" "4 VFs on vfio-pci"
is "$(dmesg | grep -cE "nvme 0000:01:00\.[1-9]")" "0" "nvme never probed a VF"
check "the mdev exists" test -e /sys/bus/mdev/devices/$u
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "the host matches the configuration"
done_testing

# Boot with a configuration in place (full Debian guest: systemd + udev): the udev rule claims
# the configured functions before their host driver binds, vfioadm-apply.service binds them,
# creates the VFs and the mdev. Then apply is a no-op, and removing the configuration gives
# everything back to the host.
# flavour: full
# extra: edu_vfio_pci mtty
. ./lib.sh
nic=0000:02:00.0 nic2=0000:05:00.0 edu=0000:00:10.0 pf=0000:01:00.0 S=/sys/bus/pci/devices
u=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
is "$(systemctl show -p Result --value vfioadm-apply.service):$(systemctl is-active vfioadm-apply.service)" \
	"success:active" "vfioadm-apply.service ran at boot and succeeded"
is "$(systemctl show -p Result --value vfioadm-claim.service)" "success" "vfioadm-claim.service ran before udev's coldplug"
journalctl -b -u vfioadm-claim.service --no-pager | grep -q "$nic: claimed for vfio-pci" && ok "it claimed the NIC" ||
	{ not_ok "it claimed the NIC"; journalctl -b -u vfioadm-claim.service --no-pager | tail -5 | sed 's/^/#   /'; }
is "$(sysfs_driver $nic)" "vfio-pci" "the configured e1000e is on vfio-pci"
is "$(dmesg | grep -c "e1000e $nic")" "0" "e1000e never bound it (no probe message for $nic)"
check "while e1000e did bind the other, unconfigured NIC" sh -c "dmesg | grep -q 'e1000e $nic2'"
is "$(sysfs_driver $edu)" "edu-vfio-pci" "edu on its variant (the test module was indexed for udev)"
is "$(cat $S/$pf/sriov_numvfs)" 4 "4 VFs"
is "$(for l in $S/$pf/virtfn*; do sysfs_driver $(basename $(readlink $l)); done | sort -u)" "vfio-pci" "every VF on vfio-pci"
is "$(dmesg | grep -cE "nvme 0000:01:00\.[1-9]")" "0" "nvme never probed a VF (autoprobe was off)"
is "$(cat $S/$pf/sriov_drivers_autoprobe)" 1 "autoprobe restored"
check "the mdev exists (its parent waited for)" test -e /sys/bus/mdev/devices/$u
journalctl -b -u vfioadm-apply.service --no-pager 2>&1 | tail -15 | sed 's/^/# apply: /'
ps -ef | grep -v grep | grep vfioadm | sed 's/^/# ps: /'
ls /sys/class/mdev_bus/ 2>&1 | sed 's/^/# mdev_bus: /'; lsmod | grep -E "mtty|mdev" | sed 's/^/# lsmod: /' 
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "after boot, the host matches"
check_exit "apply again: nothing to do" 0 vfioadm apply
rm /etc/vfioadm.d/10-boot.conf
check_exit "apply without the configuration" 0 vfioadm apply
i=0; while [ $i -lt 50 ] && [ "$(sysfs_driver $nic)" != e1000e ]; do sleep 0.1; i=$((i + 1)); done
is "$(sysfs_driver $nic):$(cat $S/$nic/driver_override)" "e1000e:(null)" "the NIC is back on its host driver"
is "$(sysfs_driver $edu)" "null" "edu released"
is "$(for l in $S/$pf/virtfn*; do sysfs_driver $(basename $(readlink $l)); done | grep -c vfio-pci)" "0" \
	"the VFs were released from vfio-pci (their count stays: removing a section does not remove VFs)"
done_testing

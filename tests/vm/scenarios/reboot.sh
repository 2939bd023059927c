# Configure at run time with `vfioadm config` and `bind --persist`, reboot, and find everything
# in place: the configured functions were claimed before their host driver bound, the VFs and
# the mdev exist. vfioadm is installed as `meson install` does it (tests/vm/vm.sh copies the
# staged tree): the boot units are enabled by the install, never by the harness (#17).
# Boot 1 ends in a power cut (QMP quit, reboot.host) while `vfioadm unbind` has the persisted
# NIC off vfio-pci and not yet on e1000e: boot 2 must still find it where the configuration
# says, and no function left with a driver_override and no driver.
# flavour: full
# boots: 2
# cut: 1
# extra: edu_vfio_pci mtty
. ./lib.sh
nic=0000:02:00.0 nic2=0000:05:00.0 edu=0000:00:10.0 pf=0000:01:00.0 S=/sys/bus/pci/devices
u=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
if [ "$VFIOADM_BOOT" = 1 ]; then
	is "$(sysfs_driver $nic)" "e1000e" "boot 1: the NIC is on e1000e"
	is "$(systemctl is-enabled vfioadm-claim.service):$(systemctl is-enabled vfioadm-apply.service)" \
		"enabled:enabled" "the install enabled both boot units"
	vfioadm bind --persist $nic2 >/tmp/out 2>&1
	is "$?:$(sysfs_driver $nic2)" "0:vfio-pci" "bind --persist: the second NIC on vfio-pci now"
	grep -q "recorded in /etc/vfioadm.d/50-vfioadm.conf" /tmp/out && ok "bind --persist recorded it" ||
		{ not_ok "bind --persist recorded it"; sed 's/^/#   /' /tmp/out; }
	is "$(grep -c "not enabled" /tmp/out)" 0 "no warning: the boot units are enabled"
	check_exit "config add: edu" 0 vfioadm config add device $edu driver=auto
	check_exit "config add: the NIC" 0 vfioadm config add device $nic driver=vfio
	check_exit "config add: 4 VFs" 0 vfioadm config add sriov $pf vfs=4 driver=vfio
	check_exit "config add: an mdev" 0 vfioadm config add mdev $u parent=mtty type=mtty-2
	echo mtty >/etc/modules-load.d/vfioadm-test.conf
	is "$(sysfs_driver $nic)" "e1000e" "config add changes nothing by itself"
	VFIOADM_TEST_PAUSE_AT=unbind:restore-unbind:300 vfioadm unbind $nic2 >/tmp/unbind.out 2>&1 &
	i=0; while [ $i -lt 300 ] && ! grep -q "paused at unbind:restore-unbind" /tmp/unbind.out; do sleep 0.1; i=$((i + 1)); done
	is "$(sysfs_driver $nic2)" "null" "an unbind of the persisted NIC is half-way (no driver) when the power goes"
	end_of_boot
	echo VFIOADM-POWER-CUT
	sleep 300
	exit 1 # not reached: the host quits QEMU
fi
is "$(systemctl show -p Result --value vfioadm-apply.service)" "success" "boot 2: vfioadm-apply.service succeeded"
is "$(sysfs_driver $nic)" "vfio-pci" "the NIC is on vfio-pci after the reboot"
is "$(dmesg | grep -c "e1000e $nic")" "0" "e1000e never bound it in this boot"
is "$(sysfs_driver $edu)" "edu-vfio-pci" "edu on its variant"
is "$(cat $S/$pf/sriov_numvfs):$(for l in $S/$pf/virtfn*; do sysfs_driver $(basename $(readlink $l)); done | sort -u)" \
	"4:vfio-pci" "4 VFs on vfio-pci"
is "$(dmesg | grep -cE "nvme 0000:01:00\.[1-9]")" "0" "nvme never probed a VF"
check "the mdev exists" test -e /sys/bus/mdev/devices/$u
is "$(sysfs_driver $nic2)" "vfio-pci" "the NIC bound with --persist is on vfio-pci after the reboot"
is "$(dmesg | grep -c "e1000e $nic2")" "0" "e1000e never bound it in this boot"
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "the host matches the configuration"
driverless=$(for d in $S/*; do
	[ -e $d/driver ] || [ "$(cat $d/driver_override)" = "(null)" ] || echo "${d##*/}"
done)
is "$driverless" "" "after the power cut: no function with a driver_override and no driver"
is "$(grep -l '^state=\(binding\|releasing\)' /run/vfioadm/journal/* 2>/dev/null)" "" "no transaction in flight"

# ---- the boot units switched off: say so, and never claim what nothing would bind ----
systemctl disable --quiet vfioadm-apply.service
vfioadm config add device $nic2 driver=vfio >/tmp/out 2>&1
is "$?" 0 "config add with the apply unit disabled: still exit 0"
grep -q "vfioadm-apply.service is not enabled.*systemctl enable vfioadm-claim.service vfioadm-apply.service" /tmp/out &&
	ok "it warns and names the systemctl command" || { not_ok "it warns and names the systemctl command"; sed 's/^/#   /' /tmp/out; }
vfioadm apply >/tmp/out 2>&1
grep -q "vfioadm-apply.service is not enabled" /tmp/out && ok "apply warns too" || { not_ok "apply warns too"; sed 's/^/#   /' /tmp/out; }
vfioadm udev-helper $nic2 >/tmp/out 2>/tmp/err
is "$(cat /tmp/out)" "" "the udev helper claims nothing (no VFIOADM_DRIVER) while the apply unit is off"
grep -q "not claimed: vfioadm-apply.service is not enabled" /tmp/err && ok "and says why" || { not_ok "and says why"; sed 's/^/#   /' /tmp/err; }
systemctl enable --quiet vfioadm-apply.service
is "$(vfioadm udev-helper $nic2 | head -n1)" "VFIOADM_DRIVER=vfio-pci" "enabled again: the helper claims it"
done_testing

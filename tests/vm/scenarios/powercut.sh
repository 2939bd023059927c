# A power cut (QMP quit) in the middle of `vfioadm apply`, with the configured NIC already
# unbound from e1000e and not yet on vfio-pci, and a second NIC bound by hand (not persisted).
# Then the same disk boots: every device on a driver, no journal left, the configuration in
# force (#17). vfioadm installed as meson install does it; the units enabled by that install.
# flavour: full
# boots: 2
# cut: 1
. ./lib.sh
nic=0000:02:00.0 nic2=0000:05:00.0 S=/sys/bus/pci/devices
if [ "$VFIOADM_BOOT" = 1 ]; then
	check_exit "config add: the NIC" 0 vfioadm config add device $nic driver=vfio
	check_exit "bind the second NIC by hand, not persisted" 0 vfioadm bind $nic2
	VFIOADM_TEST_PAUSE_AT=bind:unbind:300 vfioadm apply >/tmp/apply.out 2>&1 &
	i=0; while [ $i -lt 300 ] && ! grep -q "paused at bind:unbind" /tmp/apply.out; do sleep 0.1; i=$((i + 1)); done
	is "$(sysfs_driver $nic):$(cat $S/$nic/driver_override)" "null:vfio-pci" \
		"apply paused with the NIC driverless, override set: the power goes now"
	end_of_boot
	echo VFIOADM-POWER-CUT
	sleep 300
	exit 1 # not reached: the host quits QEMU
fi
is "$(systemctl show -p Result --value vfioadm-apply.service)" "success" "boot 2: vfioadm-apply.service succeeded"
is "$(sysfs_driver $nic)" "vfio-pci" "the configured NIC is on vfio-pci"
is "$(dmesg | grep -c "e1000e $nic")" "0" "e1000e never bound it in this boot"
is "$(sysfs_driver $nic2)" "e1000e" "the NIC bound by hand (not persisted) is back on e1000e"
driverless=$(for d in $S/*; do
	[ -e $d/driver ] || [ "$(cat $d/driver_override)" = "(null)" ] || echo "${d##*/}"
done)
is "$driverless" "" "no function is left with a driver_override and no driver"
is "$(ls /run/vfioadm/journal 2>/dev/null | wc -l)" "1" "one journal: the NIC's record, state bound"
is "$(sed -n 's/^state=//p' /run/vfioadm/journal/$nic)" "bound" "its state is bound"
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "the host matches the configuration"
done_testing

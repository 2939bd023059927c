# A device hot-removed (QMP device_del, real PCIe hot-unplug) between bind's unbind and bind
# steps: a clear error, no crash, and no journal left for a device that is gone.
# kernels: 6.1 6.12
# load: vfio_pci
. ./lib.sh
nic=0000:02:00.0
VFIOADM_TEST_PAUSE_AT=bind:unbind:12 vfioadm bind $nic >/tmp/out 2>&1 &
bg=$!
i=0; while [ $i -lt 100 ] && [ "$(sysfs_driver $nic)" != null ]; do sleep 0.1; i=$((i + 1)); done
is "$(sysfs_driver $nic)" "null" "unbound from e1000e, paused before binding"
echo VFIOADM-UNPLUG-NIC
i=0; while [ $i -lt 200 ] && [ -e /sys/bus/pci/devices/$nic ]; do sleep 0.1; i=$((i + 1)); done
check "the device is gone (hot-unplugged)" test ! -e /sys/bus/pci/devices/$nic
wait $bg
rc=$?
is "$rc" 1 "bind fails with exit 1 (no crash: not a signal)"
grep -q "disappeared" /tmp/out && ok "the message says the device disappeared" || { not_ok "the message says the device disappeared"; sed 's/^/#   /' /tmp/out; }
check "no journal left for a device that is gone" test ! -e /run/vfioadm/journal/$nic
check_exit "check of the vanished device: no such device" 1 vfioadm check $nic
check_exit "list still works" 0 vfioadm list
done_testing

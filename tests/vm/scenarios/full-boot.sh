# The full guest flavour: a real Debian boot with systemd and udev. udev, not the test, loads
# the host drivers (nvme, e1000e, virtio) from modaliases, and vfioadm works in that system.
# flavour: full
. ./lib.sh
check "PID 1 is systemd" sh -c '[ "$(cat /proc/1/comm)" = systemd ]'
check "systemd-udevd runs" pgrep -x systemd-udevd
is "$(sysfs_driver 0000:01:00.0)" "nvme" "udev bound nvme to the nvme PF"
is "$(sysfs_driver 0000:02:00.0)" "e1000e" "udev bound e1000e"
is "$(sysfs_driver 0000:00:10.0)" "null" "the edu device has no host driver"
check "vfioadm list runs" vfioadm list
is "$(vfioadm list --json | jq length)" "$(ls /sys/bus/pci/devices | wc -l)" "list sees every function"
is "$(vfioadm show --json 0000:01:00.0 | jq -r .driver_module)" "nvme" "show reads the driver's module"
done_testing

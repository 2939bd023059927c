# Capture a real-kernel sysfs tree for tests/fixtures/ (tests/vm/capture-fixture.sh extracts it).
# State: edu on vfio-pci; nvme PF with 2 VFs (autoprobe off), VF 0 on vfio-pci, VF 1 unbound.
# Raw sysfs writes on purpose: this scenario must not depend on vfioadm's own write paths.
# load: vfio_pci
# extra: edu_vfio_pci
. ./lib.sh
. ./capture.sh

edu=0000:00:10.0
pf=0000:01:00.0
echo vfio-pci >/sys/bus/pci/devices/$edu/driver_override
echo $edu >/sys/bus/pci/drivers/vfio-pci/bind
check "edu bound to vfio-pci" test -d /sys/bus/pci/devices/$edu/vfio-dev
echo 0 >/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe
echo 2 >/sys/bus/pci/devices/$pf/sriov_numvfs
vf0=$(basename "$(readlink /sys/bus/pci/devices/$pf/virtfn0)")
echo vfio-pci >/sys/bus/pci/devices/$vf0/driver_override
echo $vf0 >/sys/bus/pci/drivers/vfio-pci/bind
check "VF 0 bound to vfio-pci" test -d /sys/bus/pci/devices/$vf0/vfio-dev
echo 1 >/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe

capture_sysfs /tmp/cap
check "captured tree written to the results disk" tar -C /tmp/cap -cf /dev/vda .
done_testing

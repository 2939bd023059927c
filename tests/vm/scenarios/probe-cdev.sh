# vfioadm probe through the VFIO device cdev (/dev/vfio/devices/vfioX + /dev/iommu), which
# Debian's kernels lack: this boots vfioadm's own build of Debian's 6.12 source with
# CONFIG_VFIO_DEVICE_CDEV and CONFIG_IOMMUFD (tests/vm/build-kernel.sh). The cdev answer must
# equal the group answer and the kernel's own resource files; a cdev holder is refused.
# kernels: iommufd
# load: vfio_pci mdev
# extra: edu_vfio_pci mtty
. ./lib.sh
edu=0000:00:10.0 nic=0000:02:00.0 S=/sys/bus/pci/devices
check "this kernel has /dev/iommu" test -c /dev/iommu
vfioadm bind $edu >/dev/null && vfioadm bind $nic >/dev/null
is "$(sysfs_driver $edu) $(sysfs_driver $nic)" "edu-vfio-pci vfio-pci" "edu on the test variant, e1000e on vfio-pci"
for d in $edu $nic; do
	v=$(ls $S/$d/vfio-dev)
	check "$d: the kernel made its cdev /dev/vfio/devices/$v" test -c /dev/vfio/devices/$v
	vfioadm probe --json $d >/tmp/auto.json || { not_ok "$d: probe"; continue; }
	is "$(jq -r .access /tmp/auto.json)" "cdev" "$d: the default access is the cdev where there is one"
	vfioadm probe --access group --json $d >/tmp/group.json
	is "$(jq -r .access /tmp/group.json)" "group" "$d: --access group still takes the group way"
	check "$d: cdev and group give the same regions, IRQs and features" \
		sh -c "jq -S 'del(.access)' /tmp/auto.json >/tmp/a; jq -S 'del(.access)' /tmp/group.json >/tmp/g; cmp -s /tmp/a /tmp/g"
	for i in 0 1 2 3 4 5; do
		is "$(jq -r ".regions[$i].size" /tmp/auto.json)" "$(resource_size $d $i)" "$d: cdev region $i size equals resource line $i"
	done
	is "$(jq -r '.regions[7] | "\(.name) \(.size)"' /tmp/auto.json)" "CONFIG $(stat -c %s $S/$d/config)" \
		"$d: cdev CONFIG size as the config file says"
	check_exit "$d: --access cdev" 0 vfioadm probe --access cdev $d
	grep -q "via VFIO cdev access" /tmp/check.out && ok "$d: the text report says cdev" || not_ok "$d: the text report says cdev"
	is "$(sysfs_driver $d)" "$(vfioadm show --json $d | jq -r .driver)" "$d: still bound after probing"
	check_exit "$d: its group is free again" 0 vfioadm check $d
done

# ---- an mdev through its cdev ----
/sbin/modprobe mtty
u=$(vfioadm mdev create mtty mtty-2)
vfioadm probe --json $u >/tmp/m.json
is "$?:$(jq -r .access /tmp/m.json)" "0:cdev" "mdev: probed through its cdev"
is "$(jq -r '"\(.device.num_regions) \(.regions[7].name) \(.irqs[0].name)"' /tmp/m.json)" "9 CONFIG INTx" "mdev: PCI-style regions and IRQs"
vfioadm mdev remove $u

# ---- a VMM holding the device through the cdev is named and refused ----
v=$(ls $S/$nic/vfio-dev)
vfio-holder --cdev /dev/vfio/devices/$v >/tmp/holder.out 2>&1 &
holder=$!
i=0; while [ $i -lt 50 ] && ! grep -q holding /tmp/holder.out; do sleep 0.1; i=$((i + 1)); done
grep -q holding /tmp/holder.out && ok "a cdev holder (VMM-like) holds it" || { not_ok "a cdev holder holds it"; sed 's/^/#   /' /tmp/holder.out; }
vfioadm probe $nic >/tmp/out 2>&1
is "$?" 3 "held through the cdev: exit 3"
grep -q "open by pid $holder" /tmp/out && ok "names the cdev holder's pid" || { not_ok "names the cdev holder's pid"; sed 's/^/#   /' /tmp/out; }
check_exit "check names it too" 3 vfioadm check $nic
check_exit "and unbind refuses to pull it from under the VMM" 3 vfioadm unbind $nic
kill $holder; wait $holder 2>/dev/null
check_exit "once released, probe works again" 0 vfioadm probe $nic
vfioadm unbind $edu $nic >/dev/null
is "$(sysfs_driver $edu) $(sysfs_driver $nic)" "null e1000e" "released: edu to no driver, the NIC back to e1000e"
done_testing

# Host readiness with the kernel's intremap=off (the IOMMU can remap, the kernel was told not
# to): check refuses with the kernel's answer and agrees with QEMU; doctor's fix is to remove
# the parameter.
# cmdline: intremap=off
# load: vfio_pci vfio_iommu_type1
# tools: qemu-system-x86_64
. ./lib.sh
nic=0000:02:00.0
check "bind the NIC" vfioadm bind $nic
check_exit "check: refused" 3 vfioadm check $nic
vfioadm check --json $nic >/tmp/c.json
is "$(jq -r '.[0].trial.no_intremap' /tmp/c.json)" "true" "check: refused for interrupt remapping"
agree $nic "intremap=off"
check_exit "doctor: a FAIL" 1 vfioadm doctor
vfioadm doctor --json >/tmp/d.json
jq -r '.[] | select(.id == "intremap") | "\(.verdict) \(.finding) \(.fix)"' /tmp/d.json >/tmp/f
grep -q "^FAIL .*intremap=off on the kernel command line" /tmp/f && ok "doctor: names intremap=off" ||
	{ not_ok "doctor: names intremap=off"; sed 's/^/#   /' /tmp/f; }
grep -q "remove intremap=off from the kernel command line" /tmp/f && ok "doctor: the fix removes it" ||
	{ not_ok "doctor: the fix removes it"; sed 's/^/#   /' /tmp/f; }
done_testing

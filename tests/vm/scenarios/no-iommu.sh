# Host readiness without any IOMMU (no virtual IOMMU, no DMAR table), then in unsafe noiommu
# mode (vfioadm's own kernel has CONFIG_VFIO_NOIOMMU; Debian's do not). check and QEMU agree
# in both; doctor names the missing IOMMU, then warns loudly about noiommu.
# kernels: iommufd
# iommu: none
# load: vfio_pci
# tools: qemu-system-x86_64
. ./lib.sh
nic=0000:02:00.0
v() { jq -r --arg id "$1" '[.[] | select(.id == $id) | .verdict] | join(",")' /tmp/d.json; }
is "$(sysfs_group $nic)" "null" "no IOMMU: the NIC has no IOMMU group"
check_exit "doctor: FAIL" 1 vfioadm doctor
vfioadm doctor --json >/tmp/d.json
is "$(v iommu.firmware) $(v iommu.kernel)" "FAIL FAIL" "doctor: no IOMMU in the firmware, none in the kernel"
jq -r '.[] | select(.id == "iommu.firmware") | .fix' /tmp/d.json | grep -q "enable the IOMMU in the firmware setup" &&
	ok "doctor: the fix is the firmware setup (or a virtual IOMMU)" || not_ok "doctor: the firmware fix"
vfioadm bind $nic >/tmp/out 2>&1
rc=$?
[ "$rc" = 1 ] || [ "$rc" = 3 ] && ok "bind without an IOMMU fails or is refused (exit $rc)" ||
	{ not_ok "bind without an IOMMU fails or is refused (exit $rc)"; sed 's/^/#   /' /tmp/out; }
is "$(sysfs_driver $nic)" "e1000e" "the NIC is still on e1000e"
check_exit "check: no IOMMU group" 3 vfioadm check $nic
grep -q "has no IOMMU group: enable the IOMMU" /tmp/check.out && ok "check names the missing IOMMU" ||
	{ not_ok "check names the missing IOMMU"; sed 's/^/#   /' /tmp/check.out; }
agree $nic "no IOMMU"

# ---- unsafe noiommu mode ----
echo Y >/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
check "bind in noiommu mode" vfioadm bind $nic
g=$(sysfs_group $nic)
check "a noiommu group node" test -e /dev/vfio/noiommu-$g
check_exit "check: usable by VFIO (exit 0)" 0 vfioadm check $nic
grep -q "without isolation: by user-space drivers (DPDK, SPDK), not by a VMM" /tmp/check.out &&
	ok "check: not by a VMM" || { not_ok "check: not by a VMM"; sed 's/^/#   /' /tmp/check.out; }
vfioadm check --json $nic >/tmp/c.json
is "$(jq -r '.[0] | "\(.viable) \(.vmm_usable) \(.noiommu) \(.trial.accepted)"' /tmp/c.json)" "true false true true" \
	"--json: viable, noiommu, the noiommu IOMMU accepted, but no VMM"
agree $nic "noiommu mode"
check_exit "doctor: no FAIL beyond the IOMMU's" 1 vfioadm doctor
vfioadm doctor --json >/tmp/d.json
is "$(v noiommu)" "WARN" "doctor: noiommu WARNs"
jq -r '.[] | select(.id == "noiommu") | .finding' /tmp/d.json | grep -q "UNSAFE noiommu mode is on" &&
	ok "doctor: loudly" || not_ok "doctor: loudly"
vfioadm unbind $nic >/dev/null 2>&1
done_testing

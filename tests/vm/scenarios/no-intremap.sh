# Host readiness without interrupt remapping (the virtual IOMMU's intremap=off: VT-d without
# IR in the firmware): binding works, but the kernel refuses to attach the group. check's trial
# says so and agrees with QEMU; doctor names the cause and its fix; allow_unsafe_interrupts
# then makes both usable, and doctor warns.
# kernels: 6.1 iommufd
# iommu: intel-iommu,intremap=off,caching-mode=on
# load: vfio_pci vfio_iommu_type1
# tools: qemu-system-x86_64
. ./lib.sh
nic=0000:02:00.0
check "bind works without interrupt remapping" vfioadm bind $nic
check_exit "check: refused" 3 vfioadm check $nic
grep -q "no interrupt remapping" /tmp/check.out && ok "check names the missing interrupt remapping" ||
	{ not_ok "check names the missing interrupt remapping"; sed 's/^/#   /' /tmp/check.out; }
grep -q "allow_unsafe_interrupts=1" /tmp/check.out && ok "check's message gives the module option" ||
	{ not_ok "check's message gives the module option"; sed 's/^/#   /' /tmp/check.out; }
vfioadm check --json $nic >/tmp/c.json
is "$(jq -r '.[0].trial | "\(.accepted) \(.no_intremap) \(.step)"' /tmp/c.json)" "false true VFIO_SET_IOMMU(type1v2)" \
	"--json: the trial was refused at VFIO_SET_IOMMU for interrupt remapping"
is "$(jq -r '[.[0].blockers[] | select(.warning | not) | .kind] | join(",")' /tmp/c.json)" "no_intremap" "--json: the blocker is no_intremap"
check_exit "check --no-trial: refused from what it reads" 3 vfioadm check --no-trial $nic
grep -q "this host shows no interrupt remapping (/proc/interrupts" /tmp/check.out &&
	ok "check --no-trial: says it read it, not tried it" || { not_ok "check --no-trial: read"; sed 's/^/#   /' /tmp/check.out; }
agree $nic "no interrupt remapping"
grep -q "Operation not permitted" /tmp/vmm.err && ok "QEMU's refusal is the kernel's EPERM" ||
	{ not_ok "QEMU's refusal is the kernel's EPERM"; sed 's/^/#   /' /tmp/vmm.err; }

check_exit "doctor: a FAIL" 1 vfioadm doctor
vfioadm doctor --json >/tmp/d.json
v() { jq -r --arg id "$1" '[.[] | select(.id == $id) | .verdict] | join(",")' /tmp/d.json; }
ev() { jq -r --arg id "$1" '.[] | select(.id == $id) | "\(.evidence) \(.fix)"' /tmp/d.json; }
is "$(v intremap)" "FAIL" "doctor: intremap FAILs"
ev intremap | grep -q "refused at VFIO_SET_IOMMU(type1v2) (Operation not permitted)" &&
	ok "doctor: the evidence is the kernel's refusal of the trial" || { not_ok "doctor: trial evidence"; ev intremap | sed 's/^/#   /'; }
ev intremap | grep -q "turn interrupt remapping on: in the firmware" && ev intremap | grep -q "allow_unsafe_interrupts=1" &&
	ok "doctor: the fix names the firmware and the module option" || { not_ok "doctor: the fix"; ev intremap | sed 's/^/#   /'; }
is "$(v iommu.firmware) $(v iommu.kernel)" "PASS PASS" "doctor: the IOMMU itself is fine"

echo Y >/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
[ -e /sys/module/iommufd/parameters/allow_unsafe_interrupts ] &&
	echo Y >/sys/module/iommufd/parameters/allow_unsafe_interrupts
check_exit "allow_unsafe_interrupts: check usable" 0 vfioadm check $nic
agree $nic "allow_unsafe_interrupts=Y"
vfioadm doctor --json >/tmp/d.json
is "$(v intremap)" "WARN" "doctor: the override is a warning"
check_exit "doctor: warnings exit 0" 0 vfioadm doctor
done_testing

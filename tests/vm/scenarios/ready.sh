# Host readiness on a good host (virtual IOMMU with interrupt remapping, intel_iommu=on):
# check's trial attach is accepted, and check agrees with a real QEMU opening the device in
# every state — bound, held, given back, group member on a host driver; doctor passes.
# kernels: 6.1 iommufd
# load: vfio_pci
# extra: edu_vfio_pci
# tools: qemu-system-x86_64
. ./lib.sh
edu=0000:00:10.0 nic=0000:02:00.0 nic2=0000:05:00.0

# ---- bound to VFIO: the kernel takes the trial, QEMU opens it ----
check "bind the NIC" vfioadm bind $nic
check_exit "check: usable" 0 vfioadm check $nic
grep -q "the kernel accepted a trial attach" /tmp/check.out && ok "check says the kernel accepted its trial attach" ||
	{ not_ok "check says the kernel accepted its trial attach"; sed 's/^/#   /' /tmp/check.out; }
vfioadm check --json $nic >/tmp/c.json
is "$(jq -r '.[0].trial | "\(.tried) \(.accepted)"' /tmp/c.json)" "true true" "--json: trial tried and accepted"
want=group; [ -d /sys/class/vfio-dev ] && [ -e /dev/iommu ] && want=group+cdev
is "$(jq -r '.[0].trial.access' /tmp/c.json)" "$want" "--json: the trial took the models this kernel has ($want)"
agree $nic "bound to vfio-pci"
vfioadm check --no-trial --json $nic >/tmp/c.json
is "$(jq -r '.[0].trial | "\(.tried) \(.reason)"' /tmp/c.json)" "false --no-trial" "--no-trial: the kernel is not asked"
check "a variant driver too: bind edu" vfioadm bind $edu
agree $edu "bound to the edu variant"

# ---- held by another process: check refuses without trying; QEMU cannot open it ----
g=$(sysfs_group $nic)
sleep 600 </dev/vfio/$g &
holder=$!
sleep 0.2
vfioadm check --json $nic >/tmp/c.json
is "$(jq -r '.[0].trial.tried' /tmp/c.json)" "false" "held: no trial (it would disturb the holder)"
agree $nic "group held open"
kill $holder; wait $holder 2>/dev/null

# ---- given back to its host driver: not usable, by either ----
check "unbind the NIC" vfioadm unbind $nic
agree $nic "given back to e1000e"

# ---- a group member on a host driver (05:00.0 shares its group with switch port 04:00.0,
# which is on pcieport and fine; 06:00.x: the virtio pair, one function bound) ----
vfioadm bind --force 0000:06:00.1 >/dev/null 2>&1 || vfioadm bind 0000:06:00.1 >/dev/null 2>&1
if [ "$(sysfs_driver 0000:06:00.1)" = vfio-pci ]; then
	agree 0000:06:00.1 "group member 06:00.0 still on virtio-pci"
else
	agree 0000:06:00.1 "virtio pair: bind refused, both on virtio-pci"
fi
vfioadm unbind 0000:06:00.1 >/dev/null 2>&1
check "bind the switch's NIC" vfioadm bind $nic2
agree $nic2 "NIC behind a switch port (pcieport member)"

# ---- doctor on a good host: nothing fails, and the kernel was asked ----
check_exit "doctor: nothing fails" 0 vfioadm doctor
vfioadm doctor --json >/tmp/d.json
v() { jq -r --arg id "$1" '[.[] | select(.id == $id) | .verdict] | join(",")' /tmp/d.json; }
is "$(v iommu.firmware) $(v iommu.kernel) $(v intremap) $(v noiommu) $(v vfio.modules)" "PASS PASS PASS PASS PASS" \
	"doctor: IOMMU, remapping, no noiommu, VFIO all pass"
jq -r '.[] | select(.id == "intremap") | .evidence' /tmp/d.json | grep -q "trial attach of group [0-9]*: accepted" &&
	ok "doctor: the kernel accepted a trial attach of a free group" ||
	{ not_ok "doctor: the kernel accepted a trial attach"; jq . /tmp/d.json | sed 's/^/#   /'; }
# as root, config space is readable: QEMU's ICH9 functions are conventional (256 bytes, no ACS);
# every shared group names its device or bridge with a known ACS answer
grep -q "ACS unknown" /tmp/d.json && { not_ok "doctor as root: ACS known for every shared group"; sed 's/^/#   /' /tmp/d.json; } ||
	ok "doctor as root: ACS known for every shared group"
jq -r '.[] | select(.id == "groups.shared") | .evidence' /tmp/d.json >/tmp/acs
grep -q "0000:00:1f.0 0000:00:1f.2 0000:00:1f.3; multi-function device 0000:00:1f.0: no ACS (a 256-byte config space" /tmp/acs &&
	ok "doctor: the ICH9 group and its missing ACS, read from config space" ||
	{ not_ok "doctor: the ICH9 group and its missing ACS"; sed 's/^/#   /' /tmp/acs; }
is "$(v vfio.cdev)" "PASS" "doctor: the cdev finding is information"
want=absent; [ -e /dev/iommu ] && want=present
jq -r '.[] | select(.id == "vfio.cdev") | .evidence' /tmp/d.json | grep -q "/dev/iommu: $want" &&
	ok "doctor: /dev/iommu $want, as the kernel has it" || not_ok "doctor: /dev/iommu $want"
# ---- the guest's users: root's QEMU, and nobody's ----
printf 'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n' >/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >/etc/group
vfioadm doctor --json --user nobody --guest-memory 1G >/tmp/d.json
is "$(v consumer.access) $(v consumer.memlock)" "WARN FAIL" \
	"doctor --user nobody: the group nodes are root's, and 8 MiB memlock < 1 GiB"
check_exit "doctor: a FAIL exits 1" 1 vfioadm doctor --user nobody --guest-memory 1G
check_exit "doctor --user root: nothing fails" 0 vfioadm doctor --user root --guest-memory 1G
done_testing

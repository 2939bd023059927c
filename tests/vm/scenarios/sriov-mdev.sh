# SR-IOV on the nvme PF and mediated devices on the kernel's mtty sample, real kernel.
# kernels: 6.1 6.12
# load: vfio_pci mdev
# extra: mtty
. ./lib.sh
pf=0000:01:00.0 S=/sys/bus/pci/devices
vfs_of() { for l in $S/$pf/virtfn*; do [ -e "$l" ] && basename "$(readlink "$l")"; done; }

# ---- 4 VFs straight onto vfio-pci, autoprobe restored ----
check_exit "sriov --vfs 4 --driver vfio" 0 vfioadm sriov $pf --vfs 4 --driver vfio
is "$(cat $S/$pf/sriov_numvfs)" 4 "4 VFs"
drivers=$(for v in $(vfs_of); do sysfs_driver $v; done | sort -u)
is "$drivers" "vfio-pci" "every VF on vfio-pci"
groups=$(for v in $(vfs_of); do sysfs_group $v; done | sort -u | wc -l)
is "$groups" 4 "each VF in its own IOMMU group"
is "$(cat $S/$pf/sriov_drivers_autoprobe)" 1 "autoprobe restored to 1"
is "$(vfioadm sriov --json $pf | jq -r '[.vfs[].driver] | unique | join(",")')" "vfio-pci" "sriov status JSON"
check_exit "the same request again is a no-op" 0 vfioadm sriov $pf --vfs 4 --driver vfio

# ---- 4 -> 2 writes 0 first ----
vfioadm sriov $pf --vfs 2 --driver vfio --dry-run >/tmp/plan
is "$(grep -o "write '[0-9]' to [^ ]*sriov_numvfs" /tmp/plan | cut -d"'" -f2 | tr '\n' ' ')" "0 2 " "the plan writes 0, then 2"
check_exit "sriov --vfs 2" 0 vfioadm sriov $pf --vfs 2 --driver vfio
is "$(cat $S/$pf/sriov_numvfs):$(for v in $(vfs_of); do sysfs_driver $v; done | sort -u)" "2:vfio-pci" "2 VFs, on vfio-pci"

# ---- removing VFs that are in use is refused ----
vf0=$(vfs_of | head -n1)
sleep 600 </dev/vfio/$(sysfs_group $vf0) &
holder=$!; sleep 0.2
vfioadm sriov $pf --vfs 0 >/tmp/out 2>&1
is "$?" 3 "--vfs 0 while a VF's group is held: refused"
grep -q "open by pid $holder" /tmp/out && ok "names the holder" || { not_ok "names the holder"; sed 's/^/#   /' /tmp/out; }
is "$(cat $S/$pf/sriov_numvfs)" 2 "VFs untouched"
kill $holder; wait $holder 2>/dev/null
check_exit "--vfs 0 once released" 0 vfioadm sriov $pf --vfs 0
is "$(cat $S/$pf/sriov_numvfs)" 0 "no VFs"
check "their journals are gone" sh -c '! ls /run/vfioadm/journal/ 2>/dev/null | grep -q .'

# ---- errors mapped to actions ----
vfioadm sriov $pf --vfs 9 >/tmp/out 2>&1
is "$?" 2 "above sriov_totalvfs: exit 2"
grep -q "at most 8 (sriov_totalvfs)" /tmp/out && ok "shows sriov_totalvfs" || { not_ok "shows sriov_totalvfs"; sed 's/^/#   /' /tmp/out; }
echo $pf >/sys/bus/pci/drivers/nvme/unbind
vfioadm sriov $pf --vfs 2 >/tmp/out 2>&1
is "$?" 1 "PF without a driver: exit 1"
grep -q "has no driver" /tmp/out && ok "says the PF has no driver" || { not_ok "says the PF has no driver"; sed 's/^/#   /' /tmp/out; }
echo $pf >/sys/bus/pci/drivers/nvme/bind
check_exit "sriov of a non-PF" 1 vfioadm sriov 0000:00:10.0 --vfs 1
check_exit "bad --vfs" 2 vfioadm sriov $pf --vfs -1
check_exit "bad --driver" 2 vfioadm sriov $pf --vfs 1 --driver 'a/b'
check_exit "sriov of a malformed BDF" 2 vfioadm sriov 1:2 --vfs 1
check_exit "auto mode" 0 vfioadm sriov $pf --vfs 2
is "$(for v in $(vfs_of); do sysfs_driver $v; done | sort -u)" "vfio-pci" "auto: each VF's best VFIO driver (vfio-pci here)"
check_exit "back to 0" 0 vfioadm sriov $pf --vfs 0

# ---- mdev on mtty ----
/sbin/modprobe mtty
vfioadm mdev types --json >/tmp/t.json
is "$(jq -r '.[] | select(.parent=="mtty") | [.types[] | "\(.type)=\(.available_instances)"] | join(" ")' /tmp/t.json)" \
	"mtty-1=$(cat /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/available_instances) mtty-2=$(cat /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances)" \
	"types and available instances as the kernel reports them"
u=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
check_exit "create with a given UUID" 0 vfioadm mdev create mtty mtty-1 --uuid $u
check "the mdev exists" test -e /sys/bus/mdev/devices/$u
is "$(vfioadm mdev list --json | jq -r --arg u $u '.[] | select(.uuid==$u) | "\(.parent) \(.type)"')" "mtty mtty-1" "list: parent and type"
check_exit "a duplicate UUID: exit 1" 1 vfioadm mdev create mtty mtty-1 --uuid $u
grep -q "exists already" /tmp/check.out && ok "duplicate message" || not_ok "duplicate message"
g=$(vfioadm mdev list --json | jq -r --arg u $u '.[] | select(.uuid==$u) | .iommu_group')
sleep 600 </dev/vfio/$g &
holder=$!; sleep 0.2
vfioadm mdev remove $u >/tmp/out 2>&1
is "$?" 3 "remove while its group is open: refused"
grep -q "open by pid $holder" /tmp/out && ok "names the holder" || { not_ok "names the holder"; sed 's/^/#   /' /tmp/out; }
check "still there" test -e /sys/bus/mdev/devices/$u
kill $holder; wait $holder 2>/dev/null
check_exit "remove" 0 vfioadm mdev remove $u
check "gone" test ! -e /sys/bus/mdev/devices/$u
r=$(vfioadm mdev create mtty mtty-2)
check "create with a random UUID prints it" test -e /sys/bus/mdev/devices/$r
vfioadm mdev remove "$r"
n=$(cat /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances)
made=""
for i in $(seq 1 "$n"); do made="$made $(vfioadm mdev create mtty mtty-2)"; done
is "$(cat /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances)" 0 "all $n instances used"
vfioadm mdev create mtty mtty-2 >/tmp/out 2>&1
is "$?" 1 "one more: exit 1"
grep -q "no instances of this type are left" /tmp/out && ok "exhausted message" || { not_ok "exhausted message"; sed 's/^/#   /' /tmp/out; }
for m in $made; do vfioadm mdev remove $m; done
is "$(vfioadm mdev list --json | jq length)" 0 "all removed"
for bad in not-a-uuid 83b8f4f2-509f-382f-3c1e-e6bfe0fa100 83b8f4f2509f382f3c1ee6bfe0fa1001 '../../x'; do
	check_exit "create --uuid '$bad': exit 2" 2 vfioadm mdev create mtty mtty-1 --uuid "$bad"
done
check_exit "remove of a malformed UUID: exit 2" 2 vfioadm mdev remove nope
check_exit "create on a parent that does not exist: exit 1" 1 vfioadm mdev create nosuch mtty-1
check_exit "create with a parent that is a path: exit 2" 2 vfioadm mdev create ../mtty mtty-1
is "$(vfioadm mdev list --json | jq length)" 0 "none of the bad calls created anything"

# ---- mdev create/remove wait for another run's lock, as bind and sriov do ----
mkdir -p /run/vfioadm && chmod 755 /run/vfioadm
vfio-holder --flock /run/vfioadm/lock >/tmp/holder.out 2>&1 &
locker=$!
sleep 0.3
vfioadm mdev create mtty mtty-1 --uuid $u --timeout 1 >/tmp/out 2>&1
is "$?" 1 "mdev create while another run holds the lock: exit 1 after --timeout"
grep -q "another vfioadm run (pid $locker) is changing devices" /tmp/out && ok "names the run holding the lock" ||
	{ not_ok "names the run holding the lock"; sed 's/^/#   /' /tmp/out /tmp/holder.out; }
check "nothing was created" test ! -e /sys/bus/mdev/devices/$u
kill $locker; wait $locker 2>/dev/null
check_exit "create once the lock is free" 0 vfioadm mdev create mtty mtty-1 --uuid $u
vfio-holder --flock /run/vfioadm/lock >/tmp/holder.out 2>&1 &
locker=$!
sleep 0.3
check_exit "mdev remove while the lock is held: exit 1" 1 vfioadm mdev remove $u --timeout 1
check "the mdev is still there" test -e /sys/bus/mdev/devices/$u
kill $locker; wait $locker 2>/dev/null
check_exit "remove once the lock is free" 0 vfioadm mdev remove $u
check_exit "mdev create --timeout 0: exit 2" 2 vfioadm mdev create mtty mtty-1 --timeout 0
done_testing

# bind / unbind / check against the real kernel, with the fault-injecting edu variant.
# kernels: 6.1 6.12
# load: vfio_pci ext4
# extra: edu_vfio_pci
. ./lib.sh
edu=0000:00:10.0 pf=0000:01:00.0 nic=0000:02:00.0 nic2=0000:05:00.0
S=/sys/bus/pci/devices
override() { cat $S/$1/driver_override; }
group_of() { sysfs_group "$1"; }

# ---- edu: the test variant is chosen and bound; a second bind touches nothing ----
check_exit "bind edu" 0 vfioadm bind $edu
is "$(sysfs_driver $edu)" "edu-vfio-pci" "edu is on the test variant (chosen, loaded, bound)"
is "$(override $edu)" "edu-vfio-pci" "driver_override names the variant's driver"
check "edu has vfio-dev/" test -d $S/$edu/vfio-dev
check "the group node exists" test -c /dev/vfio/$(group_of $edu)
is "$(sed -n 's/^state=//p' /run/vfioadm/journal/$edu)" "bound" "journal records the binding"
is "$(vfioadm list --vfio --json | jq -r '.[].bdf')" "$edu" "list --vfio shows it"
vfioadm bind $edu >/tmp/out 2>&1
is "$?:$(grep -c already /tmp/out)" "0:1" "second bind: already bound, exit 0"
check_exit "check: edu's group is usable" 0 vfioadm check $edu

# ---- release: back to no driver, override cleared, journal gone ----
check_exit "unbind edu" 0 vfioadm unbind $edu
is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "edu back to no driver, override cleared"
check "journal removed" test ! -e /run/vfioadm/journal/$edu

# ---- from one VFIO driver to another: rebound, and release still restores the host state ----
check_exit "bind edu (variant)" 0 vfioadm bind $edu
check_exit "bind --generic edu: rebind" 0 vfioadm bind --generic $edu
is "$(sysfs_driver $edu):$(override $edu)" "vfio-pci:vfio-pci" "moved from the variant to vfio-pci"
is "$(sed -n 's/^orig_driver=//p' /run/vfioadm/journal/$edu)" "" "the journal still holds the host state (no driver)"
check_exit "unbind" 0 vfioadm unbind $edu
is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "back to the host state, not to the variant"

# ---- --generic ----
check_exit "bind --generic edu" 0 vfioadm bind --generic $edu
is "$(sysfs_driver $edu)" "vfio-pci" "--generic: vfio-pci"
check_exit "unbind" 0 vfioadm unbind $edu
is "$(sysfs_driver $edu)" "null" "released again"

# ---- nvme: a host driver with asynchronous probe, and its namespace ----
check "nvme namespace before" test -e /sys/block/nvme0n1
check_exit "bind the nvme PF" 0 vfioadm bind $pf
is "$(sysfs_driver $pf)" "vfio-pci" "nvme PF on vfio-pci"
check "namespace gone while on vfio" test ! -e /sys/block/nvme0n1
check_exit "unbind the nvme PF" 0 vfioadm unbind $pf
is "$(sysfs_driver $pf)" "nvme" "nvme PF back on nvme"
i=0; while [ $i -lt 100 ] && [ ! -e /sys/block/nvme0n1 ]; do sleep 0.1; i=$((i + 1)); done
check "namespace block device reappears" test -e /sys/block/nvme0n1

# ---- a probe that fails: rolled back, the kernel's reason shown ----
echo 5 >/sys/module/edu_vfio_pci/parameters/fail_probe
vfioadm bind $edu >/tmp/out 2>&1
is "$?" 1 "failing probe: exit 1"
grep -q "rolled back" /tmp/out && ok "says it rolled back" || { not_ok "says it rolled back"; sed 's/^/#   /' /tmp/out; }
grep -q "failed with error -5" /tmp/out && ok "shows the kernel's reason" || { not_ok "shows the kernel's reason"; sed 's/^/#   /' /tmp/out; }
is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "edu as before: no driver, no override"
check "no journal left" test ! -e /run/vfioadm/journal/$edu
echo 0 >/sys/module/edu_vfio_pci/parameters/fail_probe

# ---- a probe slower than --timeout: rolled back ----
echo 3000 >/sys/module/edu_vfio_pci/parameters/probe_delay_ms
vfioadm bind --timeout 1 $edu >/tmp/out 2>&1
is "$?" 1 "slow probe: exit 1"
grep -q "did not finish probing" /tmp/out && ok "says the probe was too slow" || { not_ok "says the probe was too slow"; sed 's/^/#   /' /tmp/out; }
is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "slow probe rolled back"
echo 0 >/sys/module/edu_vfio_pci/parameters/probe_delay_ms

# ---- an unbind blocked in the kernel: abandoned after --timeout; its writer keeps neither the
# run lock nor vfioadm's output open ----
vfioadm bind $edu >/dev/null
echo 1 >/sys/module/edu_vfio_pci/parameters/block_remove
t0=$(date +%s)
out=$(vfioadm unbind --timeout 1 $edu 2>&1)
rc=$? t1=$(date +%s)
is "$rc" 1 "blocked unbind: exit 1"
check "blocked unbind: \$(vfioadm …) returns within seconds ($((t1 - t0)) s)" test $((t1 - t0)) -le 8
echo "$out" | grep -q "did not finish\|timed out\|Timer expired" && ok "blocked unbind: says it timed out" ||
	{ not_ok "blocked unbind: says it timed out"; echo "$out" | sed 's/^/#   /'; }
check_exit "the abandoned writer does not hold the run lock" 0 vfioadm bind --dry-run --timeout 2 $nic2
echo 0 >/sys/module/edu_vfio_pci/parameters/block_remove
i=0; while [ $i -lt 50 ] && [ "$(sysfs_driver $edu)" != null ]; do sleep 0.1; i=$((i + 1)); done
vfioadm unbind $edu >/dev/null 2>&1
is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "once the kernel lets go, unbind restores edu from its journal"

# ---- killed between unbind and bind: unbind recovers from the journal ----
VFIOADM_TEST_PAUSE_AT=bind:unbind:30 vfioadm bind $nic >/dev/null 2>&1 &
bg=$!
i=0; while [ $i -lt 100 ] && [ "$(sysfs_driver $nic)" != null ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $bg; wait $bg 2>/dev/null
is "$(sysfs_driver $nic):$(override $nic)" "null:vfio-pci" "after SIGKILL: unbound, override set (the damage)"
vfioadm check $nic >/tmp/out 2>&1
grep -q "interrupted vfioadm run left a journal" /tmp/out && ok "check reports the leftover journal" || { not_ok "check reports the leftover journal"; sed 's/^/#   /' /tmp/out; }
check_exit "unbind recovers" 0 vfioadm unbind $nic
is "$(sysfs_driver $nic):$(override $nic)" "e1000e:(null)" "e1000e and no override again"

# ---- someone holds the group: check names them, rebinding and unbind refuse ----
vfioadm bind $edu >/dev/null 2>&1
g=$(group_of $edu)
sleep 600 </dev/vfio/$g &
holder=$!
sleep 0.2
vfioadm check --json $edu >/tmp/out.json
is "$(jq -r '.[0].blockers[] | select(.kind=="open") | .pid' /tmp/out.json)" "$holder" "check names the holder's pid"
check_exit "check: not usable while held" 3 vfioadm check $edu
vfioadm bind --generic --group $edu >/tmp/out 2>&1
is "$?" 3 "bind --group refuses to rebind a held device"
grep -q "open by pid $holder" /tmp/out && ok "refusal names the pid" || { not_ok "refusal names the pid"; sed 's/^/#   /' /tmp/out; }
check_exit "unbind refuses while held" 3 vfioadm unbind $edu
is "$(sysfs_driver $edu)" "edu-vfio-pci" "still bound after the refusals"
kill $holder; wait $holder 2>/dev/null
check_exit "unbind once released" 0 vfioadm unbind $edu

# ---- a multi-function group: every other member is named ----
vfioadm check --json 0000:00:1f.2 >/tmp/out.json
is "$(jq -r '[.[0].blockers[] | select(.kind=="group_member") | .subject] | join(" ")' /tmp/out.json)" \
	"0000:00:1f.0 0000:00:1f.2 0000:00:1f.3" "ICH9 group: each member on a DMA-API driver"
check_exit "check exit 3" 3 vfioadm check 0000:00:1f.2

# ---- two runs at once are serialised ----
VFIOADM_TEST_PAUSE_AT=bind:unbind:4 vfioadm bind $nic >/dev/null 2>&1 &
bg=$!
sleep 1
vfioadm bind --timeout 1 $nic2 >/tmp/out 2>&1
is "$?" 1 "a second run gives up after --timeout"
grep -q "another vfioadm run (pid $bg)" /tmp/out && ok "names the run holding the lock" || { not_ok "names the run holding the lock"; sed 's/^/#   /' /tmp/out; }
check_exit "without the short timeout it waits its turn" 0 vfioadm bind --timeout 20 $nic2
wait $bg
is "$(sysfs_driver $nic):$(sysfs_driver $nic2)" "vfio-pci:vfio-pci" "both bound"
vfioadm unbind $nic $nic2 >/dev/null 2>&1
is "$(sysfs_driver $nic):$(sysfs_driver $nic2)" "e1000e:e1000e" "both released in one run"

# ---- the host uses it: an address on the NIC, a mounted namespace ----
ifc=$(ls $S/$nic/net)
ip link set "$ifc" up && ip addr add 192.0.2.10/24 dev "$ifc"
vfioadm bind $nic >/tmp/out 2>&1
is "$?" 3 "a NIC with an address is refused"
grep -q "interface $ifc has an IPv4 route 192.0.2.0/24" /tmp/out && ok "names the interface and its route" || { not_ok "names the interface and its route"; sed 's/^/#   /' /tmp/out; }
is "$(sysfs_driver $nic):$(override $nic)" "e1000e:(null)" "refusal wrote nothing"
check_exit "--force binds it anyway" 0 vfioadm bind --force $nic
check_exit "and it can be given back" 0 vfioadm unbind $nic
mkfs.ext2 -q /dev/nvme0n1 >/dev/null 2>&1 || mke2fs /dev/nvme0n1 >/dev/null 2>&1
mkdir -p /mnt/ns && mount /dev/nvme0n1 /mnt/ns
vfioadm bind $pf >/tmp/out 2>&1
is "$?" 3 "a PF whose namespace is mounted is refused"
grep -q "/dev/nvme0n1 is mounted on /mnt/ns" /tmp/out && ok "names the mount" || { not_ok "names the mount"; sed 's/^/#   /' /tmp/out; }
umount /mnt/ns
sleep 600 </dev/nvme0n1 &
holder=$!; sleep 0.2
vfioadm bind $pf >/tmp/out 2>&1
is "$?" 3 "a PF whose namespace is held open is refused"
grep -q "/dev/nvme0n1 is open by pid $holder" /tmp/out && ok "names the process" || { not_ok "names the process"; sed 's/^/#   /' /tmp/out; }
kill $holder; wait $holder 2>/dev/null
is "$(sysfs_driver $pf)" "nvme" "the PF stayed on nvme"

# ---- many at once (--jobs): each its own transaction; one failing leaves the others done ----
echo 0 >$S/$pf/sriov_drivers_autoprobe
echo 4 >$S/$pf/sriov_numvfs
vfs=$(for l in $S/$pf/virtfn*; do basename "$(readlink "$l")"; done)
all="$edu $nic $nic2 $vfs"
echo 5 >/sys/module/edu_vfio_pci/parameters/fail_probe
vfioadm bind --json $all >/tmp/out.json 2>/tmp/err
is "$?" 1 "batch bind with one failing probe: exit 1"
echo 0 >/sys/module/edu_vfio_pci/parameters/fail_probe
is "$(jq -r '[.[].bdf] | join(" ")' /tmp/out.json)" "$(echo $all)" "JSON results in the order the BDFs were named"
is "$(jq -r '[.[] | select(.ok | not) | .bdf] | join(" ")' /tmp/out.json):$(jq -r '.[0].rolled_back' /tmp/out.json)" \
	"$edu:true" "only edu failed, and it was rolled back"
is "$(for d in $edu $nic $nic2 $vfs; do sysfs_driver $d; done | tr '\n' ' ')" \
	"null vfio-pci vfio-pci vfio-pci vfio-pci vfio-pci vfio-pci " "the other six are on vfio-pci, edu as it was"
vfioadm bind --jobs 3 $all >/tmp/out 2>&1
is "$?" 0 "batch bind again with --jobs 3: exit 0"
is "$(grep -c '^\[[0-9]/7\] ' /tmp/out):$(grep -c 'already bound' /tmp/out)" "7:6" \
	"a progress line for each of the 7; the six bound before are left alone"
is "$(tail -n1 /tmp/out)" "7 of 7 bound" "the summary"
# release all; edu's remove blocks in the kernel: only edu is abandoned, the others come back
echo 1 >/sys/module/edu_vfio_pci/parameters/block_remove
t0=$(date +%s)
vfioadm unbind --timeout 2 --json $all >/tmp/out.json 2>/tmp/err
rc=$? t1=$(date +%s)
is "$rc" 1 "batch unbind with one blocked remove: exit 1"
check "it returns within seconds ($((t1 - t0)) s)" test $((t1 - t0)) -le 10
is "$(jq -r '[.[] | select(.ok | not) | .bdf] | join(" ")' /tmp/out.json)" "$edu" "only edu's release failed"
is "$(for d in $nic $nic2 $vfs; do sysfs_driver $d; done | tr '\n' ' ')" "e1000e e1000e null null null null " \
	"the NICs are back on e1000e, the VFs on no driver, as they were"
is "$(ls /run/vfioadm/journal)" "$edu" "only edu's journal remains"
echo 0 >/sys/module/edu_vfio_pci/parameters/block_remove
i=0; while [ $i -lt 50 ] && [ "$(sysfs_driver $edu)" != null ]; do sleep 0.1; i=$((i + 1)); done
check_exit "once the kernel lets go, unbind finishes edu" 0 vfioadm unbind $edu
is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "edu restored"
echo 0 >$S/$pf/sriov_numvfs
echo 1 >$S/$pf/sriov_drivers_autoprobe

# ---- bad input: exit 2, nothing written ----
before=$(for d in $edu $nic; do echo "$(sysfs_driver $d):$(override $d)"; done)
for bad in 'a/b' '..' 'x
y' "$(printf 'v%.0s' $(seq 70))"; do
	check_exit "bind --driver '$(printf %s "$bad" | head -c 12 | tr '\n' '~')…' refused" 2 vfioadm bind --driver "$bad" $edu
done
check_exit "bind --driver of an unknown driver" 2 vfioadm bind --driver no_such_vfio $edu
check_exit "bind --driver of a host driver" 2 vfioadm bind --driver e1000e $edu
check_exit "bind of a malformed BDF" 2 vfioadm bind 00:10
check_exit "unbind of a malformed BDF" 2 vfioadm unbind zz
check_exit "bind of a bridge is refused" 3 vfioadm bind 0000:00:11.0
after=$(for d in $edu $nic; do echo "$(sysfs_driver $d):$(override $d)"; done)
is "$after" "$before" "nothing was written by any of them"
done_testing

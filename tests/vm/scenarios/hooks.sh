# Vendor hooks (/etc/vfioadm/hooks.d) on the real kernel: order and stages, the clean room
# (environment, fds, umask, stdin, process group), a failing or hung pre-bind hook leaves the
# device untouched, a failing post-bind hook rolls the bind back, pre-release can stop a
# release, post-release only warns, a VF's hook is told its PF and index, output is escaped.
# load: vfio_pci
. ./lib.sh
nic=0000:02:00.0 pf=0000:01:00.0 S=/sys/bus/pci/devices H=/etc/vfioadm/hooks.d L=/tmp/hooks.log
state() { echo "$(sysfs_driver $nic):$(cat $S/$nic/driver_override)"; }
mkdir -p $H
# a hook that logs its stage and its world; FAIL_STAGE/FAIL_HOW in /tmp/fail make it misbehave
cat >$H/10-record <<'HOOK'
#!/bin/sh
echo "$(basename "$0") $1 $VFIOADM_STAGE $VFIOADM_REASON $VFIOADM_BDF" >>/tmp/hooks.log
env | sort >/tmp/env.$1
ls /proc/self/fd >/tmp/fds.$1
umask >/tmp/umask.$1
cat >/tmp/stdin.$1
echo "$$ $(cut -d' ' -f5 /proc/$$/stat)" >/tmp/pgrp.$1
echo "recorded $1"
HOOK
cat >$H/20-fail <<'HOOK'
#!/bin/sh
echo "20-fail $1 $VFIOADM_STAGE $VFIOADM_REASON" >>/tmp/hooks.log
[ -f /tmp/fail ] && . /tmp/fail
[ "$FAIL_STAGE" = "$1" ] || exit 0
case $FAIL_HOW in
exit) echo "first line"; echo "no profile for $VFIOADM_BDF"; exit 3 ;;
hang) sleep 300 & echo $! >/tmp/orphan; sleep 300 ;;
esc) printf 'evil \033[2J\r line\n'; exit 1 ;;
esac
HOOK
chmod 755 $H/10-record $H/20-fail
fail() { printf 'FAIL_STAGE=%s FAIL_HOW=%s\n' "$1" "$2" >/tmp/fail; : >$L; }
fail none none

# ---- a bind and a release run every stage, in name order ----
LD_PRELOAD=/nonexistent.so IFS=: BASH_ENV=/tmp/x SECRET=1 vfioadm bind $nic >/tmp/out 2>&1
is "$?:$(state)" "0:vfio-pci:vfio-pci" "bind with hooks (an odd caller environment) succeeds"
is "$(cat $L | tr '\n' ';')" "10-record pre-bind pre-bind bind $nic;20-fail pre-bind pre-bind bind;10-record post-bind post-bind bind $nic;20-fail post-bind post-bind bind;" \
	"pre-bind then post-bind, each in name order"
grep -q "hook 10-record (pre-bind): recorded pre-bind" /tmp/out && ok "a hook's output reaches the admin, named" ||
	{ not_ok "a hook's output reaches the admin, named"; sed 's/^/#   /' /tmp/out; }
is "$(grep -c 'LD_PRELOAD\|IFS\|BASH_ENV\|SECRET' /tmp/env.pre-bind)" 0 "nothing of the caller's environment is inherited"
grep -qx "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" /tmp/env.pre-bind && ok "a fixed PATH" || not_ok "a fixed PATH"
is "$(grep -E '^VFIOADM_(BDF|DRIVER|HOST_DRIVER|VENDOR|DEVICE|STAGE)=' /tmp/env.pre-bind | tr '\n' ' ')" \
	"VFIOADM_BDF=$nic VFIOADM_DEVICE=10d3 VFIOADM_DRIVER=vfio-pci VFIOADM_HOST_DRIVER=e1000e VFIOADM_STAGE=pre-bind VFIOADM_VENDOR=8086 " \
	"the device's facts, one variable each"
is "$(grep -c '^VFIOADM_IOMMU_GROUP=[0-9]' /tmp/env.pre-bind):$(grep -c '^VFIOADM_PF=' /tmp/env.pre-bind)" "1:0" \
	"its IOMMU group; no PF for a PF"
is "$(tr '\n' ' ' </tmp/fds.pre-bind)" "0 1 2 3 " "fds 0-2 only (3: ls's own directory)"
is "$(cat /tmp/umask.pre-bind)" "0022" "umask 022"
is "$(wc -c </tmp/stdin.pre-bind)" 0 "stdin is /dev/null"
read -r hpid hpgrp </tmp/pgrp.pre-bind
is "$hpgrp" "$hpid" "each hook leads its own process group"
fail none none
vfioadm unbind $nic >/tmp/out 2>&1
is "$?:$(state)" "0:e1000e:(null)" "unbind with hooks succeeds"
is "$(cut -d' ' -f1,2,4 $L | tr '\n' ';')" "10-record pre-release release;20-fail pre-release release;10-record post-release release;20-fail post-release release;" \
	"pre-release then post-release"
is "$(sed -n 's/^VFIOADM_DRIVER=//p' /tmp/env.pre-release):$(sed -n 's/^VFIOADM_HOST_DRIVER=//p' /tmp/env.pre-release)" \
	"vfio-pci:e1000e" "release: the VFIO driver and the host driver it goes back to"

# ---- a failing pre-bind hook: nothing changed, the hooks that ran undo at post-release ----
fail pre-bind exit
vfioadm bind $nic >/tmp/out 2>&1
is "$?:$(state)" "1:e1000e:(null)" "pre-bind hook exits 3: bind fails, the NIC untouched"
grep -q "bind failed: hook 20-fail (pre-bind) exited with status 3: no profile for $nic" /tmp/out &&
	grep -q "$nic: nothing changed" /tmp/out && ok "says which hook, its status and its last line; nothing changed" ||
	{ not_ok "says which hook, its status and its last line; nothing changed"; sed 's/^/#   /' /tmp/out; }
check "no journal left" test ! -e /run/vfioadm/journal/$nic
is "$(cut -d' ' -f1,2,4 $L | tr '\n' ';')" "10-record pre-bind bind;20-fail pre-bind bind;10-record post-release rollback;20-fail post-release rollback;" \
	"post-release runs with VFIOADM_REASON=rollback"

# ---- a failing post-bind hook: the bind is rolled back ----
fail post-bind exit
vfioadm bind $nic >/tmp/out 2>&1
is "$?:$(state)" "1:e1000e:(null)" "post-bind hook fails: rolled back onto e1000e"
grep -q "rolled back: on e1000e again" /tmp/out && ok "says it rolled back" || { not_ok "says it rolled back"; sed 's/^/#   /' /tmp/out; }
check "no journal left" test ! -e /run/vfioadm/journal/$nic

# ---- a hung pre-bind hook: killed at the limit with everything it started ----
fail pre-bind hang
t0=$(date +%s)
VFIOADM_HOOK_TIMEOUT=3 vfioadm bind $nic >/tmp/out 2>&1
rc=$?
is "$rc:$(state)" "1:e1000e:(null)" "hung pre-bind hook: bind fails, the NIC untouched"
check "it gave up at the limit ($(($(date +%s) - t0)) s)" test $(($(date +%s) - t0)) -lt 10
grep -q "hook 20-fail (pre-bind) did not finish in 3 s: killed with its process group" /tmp/out &&
	ok "says so" || { not_ok "says so"; sed 's/^/#   /' /tmp/out; }
sleep 0.5
gone() { [ ! -e /proc/$1 ] || grep -q '^[0-9]* ([^)]*) Z' /proc/$1/stat; } # dead, perhaps not yet reaped
check "the child it left in the background is gone too" gone "$(cat /tmp/orphan)"

# ---- hostile output is escaped ----
fail pre-bind esc
vfioadm bind $nic >/tmp/out 2>&1
is "$?" 1 "a hook printing escapes fails the bind"
grep -qF 'evil \x1b[2J\x0d line' /tmp/out && ok "its output is shown escaped" || { not_ok "its output is shown escaped"; od -c /tmp/out | sed 's/^/#   /'; }
is "$(grep -c "$(printf '\033')" /tmp/out)" 0 "no raw escape reaches the terminal"

# ---- pre-release can stop a release; post-release only warns ----
fail none none
check_exit "bind" 0 vfioadm bind $nic
fail pre-release exit
vfioadm unbind $nic >/tmp/out 2>&1
is "$?:$(state)" "1:vfio-pci:vfio-pci" "pre-release hook fails: the release does not happen"
check "the journal still records the host driver" grep -q "orig_driver=e1000e" /run/vfioadm/journal/$nic
fail post-release exit
vfioadm unbind $nic >/tmp/out 2>&1
is "$?:$(state)" "0:e1000e:(null)" "post-release hook fails: released all the same (exit 0)"
grep -q "warning: $nic: hook 20-fail (post-release) exited with status 3" /tmp/out && ok "with a warning" ||
	{ not_ok "with a warning"; sed 's/^/#   /' /tmp/out; }

# ---- a VF's hooks are told its PF and index (VFs made by sriov go through the same stages) ----
fail none none
check_exit "sriov --vfs 2 --driver vfio" 0 vfioadm sriov $pf --vfs 2 --driver vfio
vf1=$(basename "$(readlink $S/$pf/virtfn1)")
grep -q "10-record pre-bind pre-bind bind $vf1" $L && ok "the new VF went through pre-bind" || { not_ok "the new VF went through pre-bind"; sed 's/^/#   /' $L; }
check_exit "unbind VF 1" 0 vfioadm unbind $vf1
fail none none
check_exit "bind VF 1 again" 0 vfioadm bind $vf1
is "$(grep -E '^VFIOADM_(PF|VF_INDEX|BDF)=' /tmp/env.pre-bind | tr '\n' ' ')" "VFIOADM_BDF=$vf1 VFIOADM_PF=$pf VFIOADM_VF_INDEX=1 " \
	"a VF's hook gets VFIOADM_PF and VFIOADM_VF_INDEX"
check_exit "sriov --vfs 0" 0 vfioadm sriov $pf --vfs 0

# ---- a hook another user may change stops every run before any hook runs ----
chmod 666 $H/20-fail; : >$L
vfioadm bind $nic >/tmp/out 2>&1
is "$?:$(state)" "2:e1000e:(null)" "a world-writable hook: bind refused, exit 2, the NIC untouched"
grep -q "refused: the hook $H/20-fail is writable by every user (chmod go-w); no hook was run" /tmp/out &&
	ok "names the file and the fix" || { not_ok "names the file and the fix"; sed 's/^/#   /' /tmp/out; }
is "$(wc -c <$L)" 0 "no hook ran, not even the trusted one"
done_testing

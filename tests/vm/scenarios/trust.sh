# The full guest flavour (a real Debian boot with systemd and udev: udev, not the test, loads
# the host drivers from modaliases), and in it the trust boundaries (#22): with an unprivileged
# user, nobody can stall, steer or silently unlock root's runs (fs.protected_regular as Debian
# ships it).
# flavour: full
. ./lib.sh
nic=0000:02:00.0 S=/sys/bus/pci/devices
as_nobody() { runuser -u nobody -- "$@"; }
state() { echo "$(sysfs_driver $nic):$(cat $S/$nic/driver_override)"; }

# ---- the full guest itself ----
check "PID 1 is systemd" sh -c '[ "$(cat /proc/1/comm)" = systemd ]'
check "systemd-udevd runs" pgrep -x systemd-udevd
is "$(sysfs_driver 0000:01:00.0)" "nvme" "udev bound nvme to the nvme PF"
is "$(sysfs_driver $nic)" "e1000e" "udev bound e1000e"
is "$(sysfs_driver 0000:00:10.0)" "null" "the edu device has no host driver"
check "vfioadm list runs" vfioadm list
is "$(vfioadm list --json | jq length)" "$(ls /sys/bus/pci/devices | wc -l)" "list sees every function"
is "$(vfioadm show --json 0000:01:00.0 | jq -r .driver_module)" "nvme" "show reads the driver's module"

is "$(sysctl -n fs.protected_regular)" 2 "fs.protected_regular is 2, as Debian ships it"

# ---- the old lock path, pre-created and held by the user, no longer matters ----
as_nobody flock /run/lock/vfioadm.lock sleep 300 &
squatter=$!
sleep 0.5
check "the user holds /run/lock/vfioadm.lock" test "$(stat -c %U /run/lock/vfioadm.lock)" = nobody
t0=$(date +%s)
check_exit "root's bind is unaffected" 0 vfioadm bind --timeout 5 $nic
check "and did not wait for the user ($(($(date +%s) - t0)) s)" test $(($(date +%s) - t0)) -lt 5
is "$(stat -c '%U %a' /run/vfioadm):$(stat -c '%U %a' /run/vfioadm/lock)" "root 755:root 600" \
	"the lock lives in root's /run/vfioadm, 0600"
check "the user cannot create a file there" sh -c "! runuser -u nobody -- touch /run/vfioadm/x 2>/dev/null"
check "nor open the lock" sh -c "! runuser -u nobody -- flock -n /run/vfioadm/lock true 2>/dev/null"
check "nor read the journals" sh -c "! runuser -u nobody -- ls /run/vfioadm/journal >/dev/null 2>&1"
check_exit "unbind" 0 vfioadm unbind $nic

# ---- two root runs still serialise while the user interferes ----
VFIOADM_TEST_PAUSE_AT=bind:unbind:4 vfioadm bind $nic >/dev/null 2>&1 &
bg=$!
sleep 1
vfioadm bind --timeout 1 0000:05:00.0 >/tmp/out 2>&1
is "$?" 1 "a second root run waits for the first and gives up after --timeout"
grep -q "another vfioadm run (pid $bg)" /tmp/out && ok "it names the root run holding the lock" ||
	{ not_ok "it names the root run holding the lock"; sed 's/^/#   /' /tmp/out; }
wait $bg
check_exit "unbind" 0 vfioadm unbind $nic
kill $squatter 2>/dev/null; wait $squatter 2>/dev/null

# ---- a run directory that is not root's alone: every write refused, nothing touched ----
refused_lock() { # DESC MESSAGE-PART
	vfioadm bind $nic >/tmp/out 2>&1
	is "$?:$(state)" "1:e1000e:(null)" "$1: bind fails, the NIC untouched"
	grep -q "cannot take vfioadm's lock /run/vfioadm/lock" /tmp/out && grep -q "$2" /tmp/out &&
		ok "$1: says so and why" || { not_ok "$1: says so and why"; sed 's/^/#   /' /tmp/out; }
}
chown nobody /run/vfioadm
refused_lock "/run/vfioadm owned by the user" "owned by uid 65534"
chown root /run/vfioadm; chmod 777 /run/vfioadm
refused_lock "/run/vfioadm writable by everyone" "mode 0777"
chmod 755 /run/vfioadm; chown nobody /run/vfioadm/lock
refused_lock "a lock file owned by the user" "/run/vfioadm/lock is owned by uid 65534"
rm -rf /run/vfioadm; mkdir -m 755 /tmp/evil; chown nobody /tmp/evil; ln -s /tmp/evil /run/vfioadm
refused_lock "/run/vfioadm a link to the user's directory" "symbolic link"
rm /run/vfioadm
check_exit "once it is gone, vfioadm makes it again and binds" 0 vfioadm bind $nic
check_exit "unbind" 0 vfioadm unbind $nic

# ---- a journal the user planted (as if written for them) is never acted on ----
j=/run/vfioadm/journal/$nic
printf 'bdf=%s\norig_driver=\norig_override=vfio-pci\ntarget=vfio-pci\nstate=binding\nstarted=1\norigin=cli\n' $nic >$j
chown nobody $j
vfioadm apply >/tmp/out 2>&1
is "$(state)" "e1000e:(null)" "the next run does not 'recover' from it: the NIC stays on e1000e"
vfioadm check --json $nic >/tmp/out.json 2>/dev/null
is "$(jq -r '[.[0].blockers[] | select(.kind=="journal_corrupt") | .detail] | join("")' /tmp/out.json)" \
	"not a journal vfioadm wrote: another user owns or may write it (planted?)" "check reports it as not vfioadm's"
check_exit "bind refuses while it is there" 3 vfioadm bind $nic
rm $j

# ---- configuration another user owns or may write is refused (exit 2), nothing applied ----
mkdir -p /etc/vfioadm.d; echo "[device $nic]" >/etc/vfioadm.d/60-trust.conf; echo "driver = vfio" >>/etc/vfioadm.d/60-trust.conf
chmod 666 /etc/vfioadm.d/60-trust.conf
vfioadm apply >/tmp/out 2>&1
is "$?:$(state)" "2:e1000e:(null)" "a world-writable fragment: apply refuses it, exit 2, nothing bound"
grep -q "60-trust.conf: refused: the file is writable by every user (chmod go-w)" /tmp/out &&
	ok "names the file and the fix" || { not_ok "names the file and the fix"; sed 's/^/#   /' /tmp/out; }
chmod 644 /etc/vfioadm.d/60-trust.conf; chown nobody /etc/vfioadm.d/60-trust.conf
vfioadm plan >/tmp/out 2>&1
is "$?" 2 "a fragment the user owns: plan refuses it"
grep -q "owned by another user (chown root)" /tmp/out && ok "names the fix" || { not_ok "names the fix"; sed 's/^/#   /' /tmp/out; }
rm /etc/vfioadm.d/60-trust.conf
chmod 777 /etc/vfioadm.d
vfioadm config add device $nic driver=vfio >/tmp/out 2>&1
is "$?" 1 "config add into a world-writable /etc/vfioadm.d: refused"
grep -q "refusing to write /etc/vfioadm.d/50-vfioadm.conf" /tmp/out && ok "says so" || { not_ok "says so"; sed 's/^/#   /' /tmp/out; }
check "nothing was written" test ! -e /etc/vfioadm.d/50-vfioadm.conf
chmod 755 /etc/vfioadm.d

# ---- a hook the user planted, owns or may write is never run (it would run as root) ----
H=/etc/vfioadm/hooks.d
mkdir -p $H; chmod 755 /etc/vfioadm $H
printf '#!/bin/sh\ntouch /tmp/hook-ran\n' >/tmp/user-hook; chown nobody /tmp/user-hook; chmod 755 /tmp/user-hook
refused_hook() { # DESC MESSAGE-PART
	rm -f /tmp/hook-ran
	vfioadm bind $nic >/tmp/out 2>&1
	is "$?:$(state)" "2:e1000e:(null)" "$1: bind refused, exit 2, the NIC untouched"
	grep -q "$2" /tmp/out && ok "$1: names the hook and the fix" || { not_ok "$1: names the hook and the fix"; sed 's/^/#   /' /tmp/out; }
	check "$1: it did not run" test ! -e /tmp/hook-ran
}
cp /tmp/user-hook $H/50-user; chown nobody $H/50-user
refused_hook "a hook owned by the user" "the hook $H/50-user is owned by another user (chown root)"
chown root $H/50-user; chmod 757 $H/50-user
refused_hook "a hook the user may write" "the hook $H/50-user is writable by every user (chmod go-w)"
chmod 646 $H/50-user
refused_hook "a hook the user may write, not yet executable" "the hook $H/50-user is writable by every user"
chmod 644 $H/50-user; rm -f /tmp/hook-ran
check_exit "root's own hook without the x bit is disabled: bind works" 0 vfioadm bind $nic
check "and it did not run" test ! -e /tmp/hook-ran
check_exit "unbind" 0 vfioadm unbind $nic
rm $H/50-user; ln -s /tmp/user-hook $H/50-user
refused_hook "a link to the user's file" "the hook $H/50-user is a symbolic link"
rm $H/50-user; chown nobody $H
refused_hook "hooks.d owned by the user" "the directory $H is owned by another user"
chown root $H; chmod 777 $H
refused_hook "hooks.d writable by everyone" "the directory $H is writable by every user"
chmod 755 $H
rm -f /tmp/hook-ran
check_exit "with the user's hook gone, bind works" 0 vfioadm bind $nic
check "and ran no hook" test ! -e /tmp/hook-ran
check_exit "unbind" 0 vfioadm unbind $nic

# ---- an unprivileged user: reads work, writes stop before trying ----
check_exit "list as the user" 0 runuser -u nobody -- vfioadm list
check_exit "show as the user" 0 runuser -u nobody -- vfioadm show $nic
check_exit "bind --dry-run as the user" 0 runuser -u nobody -- vfioadm bind --dry-run $nic
for c in "bind $nic" "unbind $nic" "apply" "sriov 0000:01:00.0 --vfs 1" "config add device $nic driver=vfio" \
	"mdev remove 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001" "vf 0000:01:00.0 0 --set trust=on"; do
	# shellcheck disable=SC2086
	runuser -u nobody -- vfioadm $c >/tmp/out 2>&1
	is "$?" 3 "as the user, '${c%% *}': exit 3"
	grep -q "needs root" /tmp/out && ok "'${c%% *}' says it needs root" || { not_ok "'${c%% *}' says it needs root"; sed 's/^/#   /' /tmp/out; }
done
is "$(state):$(cat $S/0000:01:00.0/sriov_numvfs)" "e1000e:(null):0" "nothing was changed by the user's attempts"
done_testing

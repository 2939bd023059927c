# The SIGKILL matrix (#17): a run killed at every step boundary of bind, unbind and rollback,
# then the next run that takes the lock. After it: the NIC on e1000e with no driver_override,
# no journal left, and the next run said what it finished.
# load: vfio_pci
# extra: edu_vfio_pci
. ./lib.sh
nic=0000:02:00.0 nic2=0000:05:00.0 S=/sys/bus/pci/devices J=/run/vfioadm/journal
override() { cat $S/$1/driver_override; }
state() { echo "$(sysfs_driver $nic):$(override $nic)"; }
journals() { ls $J 2>/dev/null | wc -l; }

# kill_at OP:STEP CMD…: run CMD paused at that step, SIGKILL it there (the pause is logged)
kill_at() {
	local at=$1 i=0; shift
	VFIOADM_TEST_PAUSE_AT=$at:30 "$@" >/tmp/killed.out 2>&1 &
	local bg=$!
	while [ $i -lt 200 ] && ! grep -q "paused at $at" /tmp/killed.out; do sleep 0.1; i=$((i + 1)); done
	grep -q "paused at $at" /tmp/killed.out && ok "$at: the run reached the step" ||
		{ not_ok "$at: the run reached the step"; sed 's/^/#   /' /tmp/killed.out; }
	kill -9 $bg; wait $bg 2>/dev/null
}

# healed CELL [NEXT…]: the next locking run (default: an apply with nothing configured) heals
healed() {
	local cell=$1; shift
	[ $# -gt 0 ] || set -- vfioadm apply
	"$@" >/tmp/next.out 2>&1
	is "$?" 0 "$cell: the next run ($*) exits 0"
	is "$(state):$(journals)" "e1000e:(null):0" "$cell: on e1000e, no override, no journal"
	grep -q "interrupted" /tmp/next.out && ok "$cell: the next run says what it finished" ||
		{ not_ok "$cell: the next run says what it finished"; sed 's/^/#   /' /tmp/next.out; }
}

is "$(state):$(journals)" "e1000e:(null):0" "start: the NIC on e1000e"

# ---- bind, killed after each step ----
for step in journal override unbind bind; do
	kill_at bind:$step vfioadm bind $nic
	healed "bind killed after $step"
done
# the natural next run is the same bind again: it recovers first, then binds
kill_at bind:unbind vfioadm bind $nic
vfioadm bind $nic >/tmp/next.out 2>&1
is "$?:$(sysfs_driver $nic):$(journals)" "0:vfio-pci:1" "bind killed after unbind, bind again: bound, one journal"
grep -q "interrupted bind was rolled back" /tmp/next.out && ok "the bind said it rolled back the first" ||
	{ not_ok "the bind said it rolled back the first"; sed 's/^/#   /' /tmp/next.out; }

# ---- unbind (release) with a journal, killed after each step ----
for step in journal restore-unbind restore-override; do
	[ "$(sysfs_driver $nic)" = vfio-pci ] || vfioadm bind $nic >/dev/null 2>&1
	kill_at unbind:$step vfioadm unbind $nic
	healed "unbind killed after $step"
done

# ---- unbind of a function bound without vfioadm (no journal): to the default driver ----
for step in override unbind; do
	echo vfio-pci >$S/$nic/driver_override
	echo $nic >/sys/bus/pci/drivers/e1000e/unbind
	echo $nic >/sys/bus/pci/drivers/vfio-pci/bind
	[ "$(sysfs_driver $nic):$(journals)" = vfio-pci:0 ] || not_ok "setup: $nic on vfio-pci by hand"
	kill_at unbind:$step vfioadm unbind $nic
	healed "journal-less unbind killed after $step"
done

# ---- rollback of a failed bind (the test variant's probe fails), killed during it ----
modprobe edu_vfio_pci
echo 5 >/sys/module/edu_vfio_pci/parameters/fail_probe
for step in restore-unbind restore-override; do
	kill_at rollback:$step vfioadm bind --driver edu-vfio-pci $nic
	healed "rollback killed after $step"
done
echo 0 >/sys/module/edu_vfio_pci/parameters/fail_probe

# ---- recovery itself killed: the run after it finishes the job ----
kill_at bind:unbind vfioadm bind $nic
kill_at recover:restore-override vfioadm apply
healed "recovery killed after restore-override"

# ---- a release a VFIO user still holds waits; it is finished once the user is gone ----
vfioadm bind $nic >/dev/null 2>&1
g=$(sysfs_group $nic)
sleep 600 </dev/vfio/$g &
holder=$!
sleep 0.2
kill_at unbind:journal vfioadm unbind --force $nic
vfioadm apply >/tmp/next.out 2>&1
is "$?:$(sysfs_driver $nic):$(journals)" "0:vfio-pci:1" "held open: the next run leaves it on vfio-pci"
grep -q "waits: a VFIO user still has the device open" /tmp/next.out && ok "and says why" ||
	{ not_ok "and says why"; sed 's/^/#   /' /tmp/next.out; }
kill $holder; wait $holder 2>/dev/null
healed "release finished once the holder closed"

# ---- SIGTERM / SIGINT during a batch: the bind under way finishes, no new one starts ----
for sig in TERM INT; do
	want=$((128 + $(kill -l $sig)))
	VFIOADM_TEST_PAUSE_AT=bind:unbind:3 vfioadm bind --jobs 1 $nic $nic2 >/tmp/sig.out 2>&1 &
	bg=$! i=0
	while [ $i -lt 200 ] && ! grep -q "paused at bind:unbind" /tmp/sig.out; do sleep 0.1; i=$((i + 1)); done
	kill -$sig $bg
	wait $bg
	is "$?" "$want" "SIG$sig during a batch: exit $want"
	is "$(sysfs_driver $nic):$(sysfs_driver $nic2):$(journals)" "vfio-pci:e1000e:1" \
		"SIG$sig: the bind under way finished, the next was not started"
	grep -q "$nic2: not started (stopped)" /tmp/sig.out && grep -q "stopped by SIG$sig" /tmp/sig.out &&
		grep -q "1 of 2 bound" /tmp/sig.out && ok "SIG$sig: the summary says so" ||
		{ not_ok "SIG$sig: the summary says so"; sed 's/^/#   /' /tmp/sig.out; }
	vfioadm unbind $nic >/dev/null 2>&1
	is "$(state):$(journals)" "e1000e:(null):0" "SIG$sig: released afterwards"
done
done_testing

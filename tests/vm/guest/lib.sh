# TAP helpers for guest scenarios (busybox sh). Source it; end with done_testing.
# Scenarios that reboot keep their counts on disk between boots
_state=/var/lib/vfioadm-tap
_n=0
_failed=0
[ -f "$_state" ] && . "$_state"

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }

# check DESC CMD…: passes when CMD exits 0; its output is shown as a TAP comment otherwise.
check() {
	_d=$1; shift
	if "$@" >/tmp/check.out 2>&1; then ok "$_d"; else not_ok "$_d"; sed 's/^/#   /' /tmp/check.out; fi
}

# check_fails DESC CODE CMD…: passes when CMD exits with exactly CODE.
check_exit() {
	_d=$1; _want=$2; shift 2
	"$@" >/tmp/check.out 2>&1
	_rc=$?
	if [ "$_rc" = "$_want" ]; then ok "$_d"; else
		not_ok "$_d"; echo "#   exit $_rc, wanted $_want"; sed 's/^/#   /' /tmp/check.out; fi
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3"; echo "#   got:      '$1'"; echo "#   expected: '$2'"; fi
}

done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; }
# end of a boot that is not the last: keep the counts for the next boot, no plan yet
end_of_boot() { mkdir -p "${_state%/*}"; echo "_n=$_n _failed=$_failed" >"$_state"; sync; [ "$_failed" = 0 ]; }

# Helpers to read the kernel's view directly.
sysfs_driver() { [ -e "/sys/bus/pci/devices/$1/driver" ] && basename "$(readlink "/sys/bus/pci/devices/$1/driver")" || echo null; }
sysfs_group() { [ -e "/sys/bus/pci/devices/$1/iommu_group" ] && basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")" || echo null; }
# resource_size BDF N: the size of the function's resource N (BAR0-5, 6 = ROM) from the kernel's
# own resource file, 0 when unused
resource_size() {
	sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource" |
		{ read -r _start _end _flags; [ $((_end)) -ne 0 ] && echo $((_end - _start + 1)) || echo 0; }
}

# The VMM-agreement checks ("# tools: qemu-system-x86_64"): does a real QEMU, in the guest,
# open the device (container, group, type1, DMA map of its RAM, device fd: what it does before
# a guest runs)? QEMU gets the arguments 'vfioadm show --for qemu' prints (with an id to find
# the device by); where vfioadm refuses to give any, the plain -device vfio-pci,host=BDF, to
# see QEMU refuse too. Exit 0 when the device is on its PCI bus (QMP query-pci); QEMU's
# messages are left in /tmp/vmm.err, whether vfioadm gave the arguments in $_given.
vmm_opens() {
	if vfioadm show --for qemu --json "$1" >/tmp/handoff.json 2>/tmp/handoff.err; then
		_given=true
		_args=$(jq -r '.argv | (.[:-1][]), (.[-1] + ",id=hostdev0")' /tmp/handoff.json)
	else
		_given=false
		_args="-device vfio-pci,host=$1,id=hostdev0"
	fi
	# shellcheck disable=SC2086 # vfioadm's arguments have no spaces (a BDF, fixed words)
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-pci"}' '{"execute":"quit"}' |
		timeout 120 qemu-system-x86_64 -L /usr/share/seabios -M q35 -accel tcg -nodefaults \
			-display none -S -m 64 $_args -qmp stdio >/tmp/vmm.out 2>/tmp/vmm.err
	grep -q '"qdev_id": "hostdev0"' /tmp/vmm.out
}
# agree BDF DESC: vfioadm check's verdict for a VMM (--json vmm_usable), whether 'vfioadm show
# --for qemu' gives arguments, and what QEMU finds are one and the same
agree() {
	vfioadm check --json "$1" >/tmp/agree.json 2>/tmp/agree.err
	_v=$(jq -r '.[0].vmm_usable' /tmp/agree.json 2>/dev/null)
	if vmm_opens "$1"; then _q=true; else _q=false; fi
	is "$_v" "$_q" "$2: vfioadm check says a VMM can use $1 ($_v), and QEMU did ($_q)"
	[ "$_v" = "$_q" ] || { sed 's/^/#   check: /' /tmp/agree.err; sed 's/^/#   qemu: /' /tmp/vmm.err; }
	is "$_given" "$_v" "$2: 'vfioadm show --for qemu' gives arguments exactly when check says usable"
	[ "$_given" = "$_v" ] && [ "$_v" = true ] || sed 's/^/#   show --for: /' /tmp/handoff.err
	# a QEMU that fails must fail on the device, not for want of a module or firmware
	if [ "$_q" = false ] && ! grep -q "vfio" /tmp/vmm.err; then
		not_ok "$2: QEMU failed for a reason of its own"; sed 's/^/#   qemu: /' /tmp/vmm.err
	fi
}

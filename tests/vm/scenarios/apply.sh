# vfioadm plan / apply against the real kernel: the configuration is applied once; a second
# apply writes nothing; an entry removed from the configuration is given back; malformed
# configurations are refused with file:line and change nothing.
# kernels: 6.1 6.12
# load: vfio_pci mdev
# extra: edu_vfio_pci mtty
. ./lib.sh
edu=0000:00:10.0 pf=0000:01:00.0 S=/sys/bus/pci/devices
u=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
/sbin/modprobe mtty
mkdir -p /etc/vfioadm.d
cat >/etc/vfioadm.d/10-test.conf <<CONF
# the test configuration
[device $edu]
driver = auto

[sriov $pf]
vfs = 4
driver = vfio

[mdev $u]
parent = mtty
type = mtty-2
CONF
vfioadm plan >/tmp/plan
is "$(awk '{print $1, $2}' /tmp/plan | tr '\n' ';')" "sriov $pf;bind $edu;mdev-create $u;" "plan: VFs, then the binding, then the mdev"
check_exit "apply" 0 vfioadm apply
is "$(sysfs_driver $edu)" "edu-vfio-pci" "edu on its variant"
is "$(cat $S/$pf/sriov_numvfs):$(for l in $S/$pf/virtfn*; do sysfs_driver $(basename $(readlink $l)); done | sort -u)" "4:vfio-pci" "4 VFs on vfio-pci"
check "the mdev exists" test -e /sys/bus/mdev/devices/$u
is "$(sed -n 's/^origin=//p' /run/vfioadm/journal/$edu)" "config" "journalled as the configuration's"

# ---- a second apply: nothing to do, nothing written ----
stamp() { ls -l --time-style=+%s.%N /run/vfioadm/journal/ 2>/dev/null | md5sum; }
before=$(stamp)
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "plan after apply: nothing"
is "$(vfioadm apply --dry-run | grep -c 'write ')" "0" "dry run of a second apply: no write"
check_exit "second apply" 0 vfioadm apply
is "$(stamp)" "$before" "no journal touched"
is "$(sysfs_driver $edu)" "edu-vfio-pci" "edu untouched"

# ---- a device in use is never rebound by apply ----
sleep 600 </dev/vfio/$(sysfs_group $edu) &
holder=$!; sleep 0.2
check_exit "apply while edu is held: nothing to do" 0 vfioadm apply
kill $holder; wait $holder 2>/dev/null

# ---- removed from the configuration: given back ----
cat >/etc/vfioadm.d/10-test.conf <<CONF
[sriov $pf]
vfs = 0
CONF
vfioadm plan >/tmp/plan
grep -q "unbind *$edu .*no longer configured" /tmp/plan && ok "plan: edu goes back (no longer configured)" || { not_ok "plan: edu goes back"; sed 's/^/#   /' /tmp/plan; }
check_exit "apply" 0 vfioadm apply
is "$(sysfs_driver $edu):$(cat $S/$edu/driver_override)" "null:(null)" "edu back to no driver, override cleared"
is "$(cat $S/$pf/sriov_numvfs)" 0 "VFs removed"

# ---- a manual bind is not the configuration's: apply leaves it alone ----
vfioadm bind $edu >/dev/null
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "a manually bound device is not released by apply"
vfioadm unbind $edu >/dev/null

# ---- config add / remove / show, bind --persist ----
check_exit "config add" 0 vfioadm config add device $edu driver=vfio
is "$(vfioadm config show --json | jq -r --arg d $edu '.devices[] | select(.selector==$d) | "\(.driver) \(.file)"')" \
	"vfio /etc/vfioadm.d/50-vfioadm.conf" "config show: the entry and its file"
is "$(vfioadm plan --json | jq -r '.[] | select(.action=="bind") | .target')" "$edu" "plan: the added entry"
check_exit "config add of a malformed entry" 2 vfioadm config add device $edu driver=a/b
grep -q "driver = vfio" /etc/vfioadm.d/50-vfioadm.conf && ok "the file kept the previous entry" || not_ok "the file kept the previous entry"
check_exit "config remove" 0 vfioadm config remove device $edu
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "removed: nothing planned"
check_exit "config remove of an absent entry" 1 vfioadm config remove device $edu
nic=0000:02:00.0
check_exit "bind --persist" 0 vfioadm bind --persist --generic $nic
grep -q "^\[device $nic\]" /etc/vfioadm.d/50-vfioadm.conf && ok "recorded in the configuration" || not_ok "recorded in the configuration"
is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "the persisted binding is what the configuration says"
check_exit "unbind --persist" 0 vfioadm unbind --persist $nic
is "$(sysfs_driver $nic)" "e1000e" "back on e1000e"
grep -q "$nic" /etc/vfioadm.d/50-vfioadm.conf && not_ok "removed from the configuration" || ok "removed from the configuration"

# ---- malformed configurations: file:line, exit 2, nothing applied ----
before="$(sysfs_driver $edu):$(cat $S/$pf/sriov_numvfs)"
bad() { # DESC LINE-EXPECTED MESSAGE-PART CONTENT
	printf '%b' "$4" >/etc/vfioadm.d/50-bad.conf
	vfioadm apply >/tmp/out 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q "/etc/vfioadm.d/50-bad.conf:$2: .*$3" /tmp/out; then ok "$1"; else
		not_ok "$1 (exit $rc)"; sed 's/^/#   /' /tmp/out; fi
}
bad "unknown key" 2 "unknown key 'drvier'" "[device $edu]\ndrvier = vfio\n"
bad "bad selector (reported at the first key of the section)" 2 "expected \\[device BDF\\]" "[device zz:zz]\ndriver = vfio\n"
bad "unknown section (reported at its first key)" 2 "unknown section" "[devices $edu]\ndriver = vfio\n"
bad "bad driver name" 2 "driver: expected auto, vfio, host" "[device $edu]\ndriver = a/b\n"
bad "duplicate UUID with other values" 5 "set twice for mdev" "[mdev $u]\nparent = mtty\ntype = mtty-1\n[mdev $u]\nparent = other\n"
bad "conflicting entries" 3 "driver set twice" "[device $edu]\ndriver = vfio\ndriver = auto\n"
bad "key outside a section" 1 "outside a section" "driver = vfio\n"
bad "bad VF count" 2 "vfs: expected a VF count" "[sriov $pf]\nvfs = many\n"
is "$(sysfs_driver $edu):$(cat $S/$pf/sriov_numvfs)" "$before" "none of them applied anything"
rm /etc/vfioadm.d/50-bad.conf
done_testing

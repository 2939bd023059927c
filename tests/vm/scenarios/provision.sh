# VF provisioning on the real kernel (#14): the test PF driver (vfioadm_test_pf, on the nvme PF
# by driver_override) gives the PF a netdev with the rtnetlink VF ops and a devlink instance
# with a port per VF; the test variant tpf-vf-vfio-pci refuses a VF not provisioned migratable.
# vfioadm sets the attributes between unbind and probe, rolls them back, restores them at
# release, and apply keeps them idempotently from [vf PF N] sections.
# kernels: 6.12
# load: vfio_pci
# extra: vfioadm_test_pf tpf_vf_vfio_pci
# tools: ip devlink
. ./lib.sh
pf=0000:01:00.0 S=/sys/bus/pci/devices
vfs_of() { for l in $S/$pf/virtfn*; do [ -e "$l" ] && basename "$(readlink "$l")"; done; }
vf_n() { basename "$(readlink $S/$pf/virtfn$1)"; }
attr() { vfioadm vf --json $pf $1 | jq -r ".vfs[0].attributes.$2"; }
say() { sed 's/^/#   /' "$1"; }

# ---- the test bed: the nvme PF on the test PF driver ----
/sbin/modprobe vfioadm_test_pf
/sbin/modprobe tpf_vf_vfio_pci
echo vfioadm-test-pf >$S/$pf/driver_override
echo $pf >$S/$pf/driver/unbind
echo $pf >/sys/bus/pci/drivers/vfioadm-test-pf/bind
is "$(sysfs_driver $pf)" vfioadm-test-pf "the PF is on the test PF driver"
netdev=$(ls $S/$pf/net 2>/dev/null | head -n1)
check "it has a netdev" test -n "$netdev"

# ---- vfioadm vf: bad input first, nothing written ----
check_exit "vf of a PF without VFs: VF 0 does not exist" 2 vfioadm vf $pf 0
check_exit "vf of a non-PF" 2 vfioadm vf 0000:00:10.0
check_exit "vf --set without an index" 2 vfioadm vf $pf --set mac=02:00:00:00:00:01
check_exit "vf --set a bad MAC" 2 vfioadm vf $pf 0 --set mac=02:00:00:00:00
check_exit "vf --set a multicast MAC" 2 vfioadm vf $pf 0 --set mac=01:00:5e:00:00:01
check_exit "vf --set VLAN 4096" 2 vfioadm vf $pf 0 --set vlan=4096
check_exit "vf --set an unknown attribute" 2 vfioadm vf $pf 0 --set colour=blue
grep -q "unknown VF attribute 'colour'" /tmp/check.out && ok "names the unknown attribute" || { not_ok "names the unknown attribute"; say /tmp/check.out; }

# ---- VFs on the host side (autoprobe off: nothing binds), read and set one ----
echo 0 >$S/$pf/sriov_drivers_autoprobe
echo 4 >$S/$pf/sriov_numvfs
echo 1 >$S/$pf/sriov_drivers_autoprobe
is "$(vfs_of | wc -l)" 4 "4 VFs, no driver"
vfioadm vf --json $pf >/tmp/vf.json 2>/tmp/vf.err
is "$?" 0 "vf PF --json reads every VF"
is "$(jq '.vfs | length' /tmp/vf.json)" 4 "4 VFs listed"
is "$(jq -r '.vfs[1].attributes.migratable' /tmp/vf.json)" false "migratable off at first (devlink port function)"
is "$(jq -r '.vfs[1].attributes.trust' /tmp/vf.json)" false "trust off at first (IFLA_VF_TRUST)"
check_exit "vf --set on VF 1" 0 vfioadm vf $pf 1 --set mac=02:00:00:00:01:01,vlan=101,trust=on
is "$(attr 1 mac)" "02:00:00:00:01:01" "the kernel reports the MAC"
is "$(attr 1 vlan):$(attr 1 trust)" "101:true" "and the VLAN and trust"
/usr/bin/ip link show "$netdev" | grep -q "vf 1 .*02:00:00:00:01:01.*vlan 101.*trust on" &&
	ok "ip link agrees" || { not_ok "ip link agrees"; /usr/bin/ip link show "$netdev" | sed 's/^/#   /'; }
check_exit "the same again changes nothing" 0 vfioadm vf $pf 1 --set mac=02:00:00:00:01:01,vlan=101,trust=on
grep -q "as it was" /tmp/check.out && ok "says so" || { not_ok "says so"; say /tmp/check.out; }
check_exit "migratable while the VF has no driver" 0 vfioadm vf $pf 1 --set migratable=on
is "$(attr 1 migratable)" true "migratable on (devlink port function get)"
check_exit "state of VF 2's port function" 0 vfioadm vf $pf 2 --set state=active
is "$(attr 2 state)" active "the port function is active (DEVLINK_PORT_FN_ATTR_STATE)"
/usr/bin/devlink port show pci/$pf/3 2>&1 | grep -q "state active" && ok "devlink agrees on the state" ||
	{ not_ok "devlink agrees on the state"; /usr/bin/devlink port show pci/$pf/3 2>&1 | sed 's/^/#   /'; }
vfioadm vf $pf 2 --set state=inactive >/dev/null
check_exit "hw_addr of VF 1's port function" 0 vfioadm vf $pf 1 --set hw_addr=02:00:00:00:aa:01
/usr/bin/devlink port show pci/$pf/2 2>&1 | grep -q "hw_addr 02:00:00:00:aa:01" && ok "devlink agrees" ||
	{ not_ok "devlink agrees"; /usr/bin/devlink port show 2>&1 | sed 's/^/#   /'; }
vfioadm vf $pf 2 --set trust=on --dry-run >/tmp/dry
is "$(attr 2 trust)" false "a dry run changes nothing"
grep -q "netlink: set $pf vf 2 trust=on" /tmp/dry && ok "and prints the netlink change" || { not_ok "prints the change"; say /tmp/dry; }
vfioadm vf $pf 1 --set migratable=off,trust=off,mac=00:00:00:00:00:00,vlan=0,hw_addr=00:00:00:00:00:00 >/dev/null

# state VF: driver, override, and the attributes a test sets
state() { echo "$(sysfs_driver $1):$(cat $S/$1/driver_override):$(vfioadm vf $pf $2 --json | jq -r '.vfs[0].attributes | "\(.mac) \(.vlan) \(.trust) \(.migratable)"')"; }
v0=$(vf_n 0) J=/run/vfioadm/journal
clean="null:(null):00:00:00:00:00:00 0 false false"
is "$(state $v0 0)" "$clean" "VF 0 starts without a driver, unprovisioned"

# ---- the variant refuses an unprovisioned VF: rolled back ----
check_exit "bind without provisioning: the variant's probe refuses" 1 vfioadm bind $v0
grep -q "probe with driver tpf-vf-vfio-pci failed" /tmp/check.out && ok "the kernel's reason is shown" || { not_ok "the kernel's reason"; say /tmp/check.out; }
is "$(state $v0 0)" "$clean" "rolled back: no driver, no override, nothing set"
check "no journal left" test ! -e $J/$v0

# ---- bind --set: provisioned after the unbind, before the probe ----
vfioadm bind --set mac=02:00:00:00:00:10,vlan=10,trust=on,migratable=on --dry-run $v0 >/tmp/dry
grep -q "netlink: set $pf vf 0 mac=02:00:00:00:00:10,vlan=10,qos=0,vlan_proto=802.1Q,trust=on" /tmp/dry &&
	grep -q "devlink: set pci/$pf vf 0 port function migratable=on" /tmp/dry &&
	ok "--dry-run prints each netlink change" || { not_ok "--dry-run prints each netlink change"; say /tmp/dry; }
is "$(state $v0 0)" "$clean" "and changes nothing"
spec=mac=02:00:00:00:00:10,vlan=10,trust=on,migratable=on
check_exit "bind --set $spec" 0 vfioadm bind --set $spec $v0
is "$(state $v0 0)" "tpf-vf-vfio-pci:tpf-vf-vfio-pci:02:00:00:00:00:10 10 true true" "on the variant, provisioned as asked"
grep -q "^vf_prev=mac=00:00:00:00:00:00,vlan=0,trust=off,migratable=off$" $J/$v0 && ok "the journal holds the old values" ||
	{ not_ok "the journal holds the old values"; say $J/$v0; }
check_exit "the same bind again" 0 vfioadm bind --set $spec $v0
grep -q "already" /tmp/check.out && ok "is a no-op" || { not_ok "is a no-op"; say /tmp/check.out; }
check_exit "bind --set with another MAC rebinds it" 0 vfioadm bind --set mac=02:00:00:00:00:11 $v0
is "$(state $v0 0)" "tpf-vf-vfio-pci:tpf-vf-vfio-pci:02:00:00:00:00:11 10 true true" "the new MAC, the rest kept"
grep -q "^vf_prev=mac=00:00:00:00:00:00,vlan=0,trust=off,migratable=off$" $J/$v0 && ok "the journal keeps the oldest values" ||
	{ not_ok "the journal keeps the oldest values"; say $J/$v0; }
check_exit "unbind" 0 vfioadm unbind $v0
is "$(state $v0 0)" "$clean" "release restores every attribute, and no driver as before"
check "no journal left" test ! -e $J/$v0

# ---- a refusal half-way: rtnetlink took the MAC, devlink refuses; all of it rolled back ----
check_exit "bind --set with max_io_eqs the PF refuses" 1 vfioadm bind --set mac=02:00:00:00:00:12,migratable=on,max_io_eqs=100 $v0
grep -q "at most 64 event queues" /tmp/check.out && ok "the kernel's extack message" || { not_ok "extack message"; say /tmp/check.out; }
is "$(state $v0 0)" "$clean" "the MAC is back, nothing bound"

# ---- bad input: nothing written ----
check_exit "bind --set on a device that is not a VF" 2 vfioadm bind --set trust=on 0000:02:00.0
grep -q "not an SR-IOV VF" /tmp/check.out && ok "says it is not a VF" || { not_ok "says it is not a VF"; say /tmp/check.out; }
is "$(sysfs_driver 0000:02:00.0)" e1000e "that device untouched"
check_exit "bind --set with a bad attribute" 2 vfioadm bind --set vlan=5000 $v0
check_exit "unbind --set" 2 vfioadm unbind --set trust=on $v0

# ---- a failing pre-bind hook leaves the VF as it was ----
mkdir -p /etc/vfioadm/hooks.d
printf '#!/bin/sh\n[ "$1" = pre-bind ] && { echo "no profile for $VFIOADM_BDF"; exit 1; }\nexit 0\n' >/etc/vfioadm/hooks.d/10-profile
chmod 755 /etc/vfioadm/hooks.d/10-profile
check_exit "bind --set with a failing pre-bind hook" 1 vfioadm bind --set $spec $v0
grep -q "no profile for $v0" /tmp/check.out && ok "the hook's words" || { not_ok "the hook's words"; say /tmp/check.out; }
is "$(state $v0 0)" "$clean" "the VF as it was: nothing set, nothing bound"
rm /etc/vfioadm/hooks.d/10-profile

# ---- killed after provisioning: the next run puts the attributes back ----
VFIOADM_TEST_PAUSE_AT=bind:provision:30 vfioadm bind --set $spec $v0 >/tmp/killed.out 2>&1 &
bg=$! i=0
while [ $i -lt 200 ] && ! grep -q "paused at bind:provision" /tmp/killed.out; do sleep 0.1; i=$((i + 1)); done
is "$(state $v0 0)" "null:tpf-vf-vfio-pci:02:00:00:00:00:10 10 true true" "paused after provisioning"
kill -9 $bg; wait $bg 2>/dev/null
check_exit "the next run recovers" 0 vfioadm apply
is "$(state $v0 0)" "$clean" "the attributes are back"

# ---- sriov --set: every VF, and one by its index ----
check_exit "sriov --vfs 0" 0 vfioadm sriov $pf --vfs 0
vfioadm sriov $pf --vfs 2 --set migratable=on --set 1:mac=02:00:00:00:01:21 --dry-run >/tmp/dry
grep -q "devlink: set pci/$pf vf 0 port function migratable=on" /tmp/dry &&
	grep -q "netlink: set $pf vf 1 mac=02:00:00:00:01:21" /tmp/dry && ok "sriov --dry-run prints each VF's provisioning" ||
	{ not_ok "sriov --dry-run prints each VF's provisioning"; say /tmp/dry; }
check_exit "sriov --vfs 2 --set migratable=on --set 1:mac=…" 0 vfioadm sriov $pf --vfs 2 --set migratable=on --set 1:mac=02:00:00:00:01:21
is "$(state $(vf_n 0) 0 | cut -d: -f1)$(attr 0 migratable)" "tpf-vf-vfio-pcitrue" "VF 0 migratable, on the variant"
is "$(attr 1 mac):$(attr 1 migratable):$(sysfs_driver $(vf_n 1))" "02:00:00:00:01:21:true:tpf-vf-vfio-pci" "VF 1 with its MAC too"
check_exit "sriov --vfs 0" 0 vfioadm sriov $pf --vfs 0
check_exit "sriov --vfs 2 without --set: the variant refuses the new VFs" 1 vfioadm sriov $pf --vfs 2
is "$(cat $S/$pf/sriov_numvfs)" 0 "rolled back to 0 VFs"
check_exit "sriov --set without --vfs" 2 vfioadm sriov $pf --set trust=on
check_exit "sriov --set with --driver host" 2 vfioadm sriov $pf --vfs 2 --driver host --set trust=on
check_exit "sriov --set with a bad index" 2 vfioadm sriov $pf --vfs 2 --set x:trust=on

# ---- the configuration: 4 VFs, each with its MAC, VLAN, trust and migratable ----
conf() {
	printf '[sriov %s]\nvfs = 4\n' $pf
	for n in 0 1 2 3; do
		printf '[vf %s %s]\nmac = 02:00:00:00:02:0%s\nvlan = 20%s\ntrust = on\n' $pf $n $n $n
		[ "$n" = "$1" ] || echo "migratable = on"
	done
}
conf 3 >/etc/vfioadm.conf
check_exit "apply with VF 3 not migratable: the variant refuses it" 1 vfioadm apply
is "$(cat $S/$pf/sriov_numvfs):$(ls $J 2>/dev/null | wc -l)" "0:0" "the PF is back to 0 VFs, no journal left"
conf none >/etc/vfioadm.conf
check_exit "apply: 4 provisioned VFs" 0 vfioadm apply
for n in 0 1 2 3; do
	is "$(state $(vf_n $n) $n)" "tpf-vf-vfio-pci:tpf-vf-vfio-pci:02:00:00:00:02:0$n 20$n true true" "VF $n as configured, read back"
done
/usr/bin/ip link show "$netdev" | grep -q "vf 3 .*02:00:00:00:02:03.*vlan 203.*trust on" &&
	ok "ip link agrees" || { not_ok "ip link agrees"; /usr/bin/ip link show "$netdev" | sed 's/^/#   /'; }
is "$(vfioadm show --json $pf | jq -r '[.sriov.vf_attributes[] | "\(.mac)/\(.vlan)"] | join(" ")')" \
	"02:00:00:00:02:00/200 02:00:00:00:02:01/201 02:00:00:00:02:02/202 02:00:00:00:02:03/203" "show --json lists each VF's attributes"
check_exit "apply again" 0 vfioadm apply
grep -q "nothing to do" /tmp/check.out && ok "is idempotent" || { not_ok "is idempotent"; say /tmp/check.out; }
cp -r $J /tmp/journals.before
/usr/bin/ip link set "$netdev" vf 2 mac 02:00:00:00:09:09
vfioadm plan >/tmp/plan
grep -Eq "bind +$(vf_n 2) .*its VF attributes differ" /tmp/plan && [ "$(grep -c 'bind ' /tmp/plan)" = 1 ] &&
	ok "a MAC changed behind its back: plan says which VF" || { not_ok "plan says which VF"; say /tmp/plan; }
check_exit "apply fixes it" 0 vfioadm apply
is "$(attr 2 mac):$(sysfs_driver $(vf_n 2))" "02:00:00:00:02:02:tpf-vf-vfio-pci" "VF 2 provisioned again, on the variant"
same=0; for n in 0 1 3; do cmp -s /tmp/journals.before/$(vf_n $n) $J/$(vf_n $n) && same=$((same + 1)); done
is "$same" 3 "the other VFs were not touched"
grep -q "^vf_prev=mac=00:00:00:00:00:00,vlan=0,trust=off,migratable=off$" $J/$(vf_n 2) &&
	ok "VF 2's journal still holds the values from before vfioadm" || { not_ok "VF 2's journal"; say $J/$(vf_n 2); }

# ---- release: the configuration dropped, every attribute back ----
printf '[sriov %s]\nvfs = 4\ndriver = host\n' $pf >/etc/vfioadm.conf
check_exit "apply without the VFs: releases them" 0 vfioadm apply
for n in 0 1 2 3; do
	is "$(state $(vf_n $n) $n | cut -d: -f3-)" "00:00:00:00:00:00 0 false false" "VF $n: every attribute restored"
done
is "$(ls $J 2>/dev/null | wc -l)" 0 "no journal left"

# ---- vfioadm sriov itself takes each VF's profile from its [vf] section ----
conf none >/etc/vfioadm.conf
check_exit "sriov --vfs 0" 0 vfioadm sriov $pf --vfs 0
check_exit "sriov --vfs 4 with the [vf] sections configured" 0 vfioadm sriov $pf --vfs 4
for n in 0 1 2 3; do
	is "$(state $(vf_n $n) $n)" "tpf-vf-vfio-pci:tpf-vf-vfio-pci:02:00:00:00:02:0$n 20$n true true" "sriov: VF $n as configured"
done

# ---- a PF with neither a netdev nor devlink (the nvme PF on nvme): refused as bad input ----
rm /etc/vfioadm.conf
check_exit "sriov --vfs 0" 0 vfioadm sriov $pf --vfs 0
echo > $S/$pf/driver_override
echo $pf >$S/$pf/driver/unbind
echo $pf >/sys/bus/pci/drivers/nvme/bind
is "$(sysfs_driver $pf)" nvme "the PF back on nvme"
check_exit "2 VFs on vfio-pci" 0 vfioadm sriov $pf --vfs 2 --driver vfio
check_exit "vf of a PF without netdev or devlink" 2 vfioadm vf $pf
grep -q "no netdev and no devlink port" /tmp/check.out && ok "says why" || { not_ok "says why"; say /tmp/check.out; }
v=$(vf_n 1)
check_exit "unbind a VF" 0 vfioadm unbind $v
before=$(sysfs_driver $v):$(cat $S/$v/driver_override)
check_exit "bind --set on its VF" 2 vfioadm bind --set trust=on $v
grep -q "nothing to provision" /tmp/check.out && ok "says there is nothing to provision" || { not_ok "nothing to provision"; say /tmp/check.out; }
is "$(sysfs_driver $v):$(cat $S/$v/driver_override)" "$before" "the VF untouched"
check "no journal" test ! -e $J/$v
check_exit "back to 0 VFs" 0 vfioadm sriov $pf --vfs 0
done_testing

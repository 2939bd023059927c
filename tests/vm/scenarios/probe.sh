# vfioadm probe against the real kernel: what the VFIO fd exposes equals what the kernel says
# elsewhere (resource file, config space), for a variant driver, vfio-pci and an mdev.
# kernels: 6.1 6.12
# load: vfio_pci mdev
# extra: edu_vfio_pci mtty
. ./lib.sh
edu=0000:00:10.0 nic=0000:02:00.0 S=/sys/bus/pci/devices
vfioadm bind $edu >/dev/null && vfioadm bind $nic >/dev/null
is "$(sysfs_driver $edu) $(sysfs_driver $nic)" "edu-vfio-pci vfio-pci" "edu on the test variant, e1000e on vfio-pci"

cfg_byte() { od -An -tu1 -j "$2" -N1 "$S/$1/config" | tr -d ' '; }
cfg_word() { echo $(( $(cfg_byte $1 $2) + 256 * $(cfg_byte $1 $(($2 + 1))) )); }
# the offset of capability ID $2 in $1's config space, or nothing
cap() {
	[ $(( $(cfg_word $1 6) & 0x10 )) -ne 0 ] || return 0
	p=$(( $(cfg_byte $1 52) & 0xfc )); n=0
	while [ "$p" -ne 0 ] && [ $n -lt 48 ]; do
		[ "$(cfg_byte $1 $p)" -eq "$2" ] && { echo $p; return 0; }
		p=$(( $(cfg_byte $1 $((p + 1))) & 0xfc )); n=$((n + 1))
	done
}
for d in $edu $nic; do
	vfioadm probe --json $d >/tmp/p.json || { not_ok "$d: probe"; continue; }
	ok "$d: probe"
	is "$(jq -r .access /tmp/p.json)" "group" "$d: access through the group model"
	for i in 0 1 2 3 4 5 6; do
		is "$(jq -r ".regions[$i].size" /tmp/p.json)" "$(resource_size $d $i)" "$d: region $i size equals resource line $i"
	done
	is "$(jq -r '.regions[7] | "\(.name) \(.size)"' /tmp/p.json)" "CONFIG $(stat -c %s $S/$d/config)" "$d: CONFIG size as the config file says"
	pin=$(cfg_byte $d 61); intx=0; [ "$pin" -ne 0 ] && intx=1
	is "$(jq -r '.irqs[0].count' /tmp/p.json)" "$intx" "$d: INTx count from the interrupt pin ($pin)"
	m=$(cap $d 5); msi=0
	[ -n "$m" ] && msi=$(( 1 << (( $(cfg_word $d $((m + 2))) & 0x0e ) >> 1) ))
	is "$(jq -r '.irqs[1].count' /tmp/p.json)" "$msi" "$d: MSI count from the MSI capability"
	x=$(cap $d 17); msix=0
	[ -n "$x" ] && msix=$(( ($(cfg_word $d $((x + 2))) & 0x7ff) + 1 ))
	is "$(jq -r '.irqs[2].count' /tmp/p.json)" "$msix" "$d: MSI-X count from the MSI-X capability"
	cp /tmp/p.json /tmp/first.json
	check_exit "$d: probed again" 0 vfioadm probe --json $d
	vfioadm probe --json $d >/tmp/again.json
	check "$d: the same answer twice" cmp -s /tmp/first.json /tmp/again.json
	is "$(sysfs_driver $d)" "$(vfioadm show --json $d | jq -r .driver)" "$d: still bound after probing"
	check_exit "$d: its group is free again" 0 vfioadm check $d
done
check "e1000e: MSI-X table BAR is mmap-able around the table (msix_mappable)" \
	sh -c "vfioadm probe --json $nic | jq -e '[.regions[] | select(.caps.msix_mappable)] | length == 1' >/dev/null"
is "$(vfioadm probe --json $nic | jq -r '.features | "\(.migration) \(.dma_logging)"')" "null false" \
	"vfio-pci has no migration or dirty logging: reported as such, not an error"

# ---- an mdev, through its UUID ----
/sbin/modprobe mtty
u=$(vfioadm mdev create mtty mtty-2)
vfioadm probe --json $u >/tmp/m.json
is "$?" 0 "mdev: probe by UUID"
is "$(jq -r '"\(.name) \(.device.num_regions) \(.regions[7].name) \(.irqs[0].name)"' /tmp/m.json)" "$u 9 CONFIG INTx" "mdev: PCI-style regions and IRQs"
is "$(jq -r '.device.flags | index("pci") != null' /tmp/m.json)" "true" "mdev: a PCI device to the VMM"

# ---- refusals and bad input ----
g=$(sysfs_group $nic)
vfio-holder $g $nic >/tmp/holder.out &
holder=$!
i=0; while [ $i -lt 50 ] && ! grep -q holding /tmp/holder.out; do sleep 0.1; i=$((i + 1)); done
vfioadm probe $nic >/tmp/out 2>&1
is "$?" 3 "held by a VMM-like holder: exit 3"
grep -q "open by pid $holder" /tmp/out && ok "names the holder's pid" || { not_ok "names the holder's pid"; sed 's/^/#   /' /tmp/out; }
kill $holder; wait $holder 2>/dev/null
check_exit "once released, probe works again" 0 vfioadm probe $nic
check_exit "not on a VFIO driver: exit 1" 1 vfioadm probe 0000:05:00.0
grep -q "vfioadm bind 0000:05:00.0" /tmp/check.out && ok "says how to bind it" || not_ok "says how to bind it"
check_exit "--access cdev on a kernel without the device cdev: exit 1" 1 vfioadm probe --access cdev $edu
grep -q "no VFIO device cdev.*CONFIG_VFIO_DEVICE_CDEV.*use --access group" /tmp/check.out && ok "says what the cdev needs, and the way that works" ||
	{ not_ok "says what the cdev needs, and the way that works"; sed 's/^/#   /' /tmp/check.out; }
is "$(vfioadm probe --access group --json $edu | jq -r .access)" "group" "--access group on 6.1"
check_exit "malformed argument: exit 2" 2 vfioadm probe not-a-device
check_exit "absent device: exit 1" 1 vfioadm probe 0000:09:00.0
vfioadm mdev remove $u
vfioadm unbind $edu $nic >/dev/null
done_testing

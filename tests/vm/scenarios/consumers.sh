# Handing devices to their consumers, real kernel: with [cdi] output configured, the CDI spec
# follows every bind, unbind and sriov; every device it offers has its nodes in /dev, and a
# real QEMU opens every function the spec offers — a generic, a variant and a VF binding.
# On vfioadm's iommufd kernel (no SR-IOV in it: allnoconfig-based) the spec's cdev nodes are
# checked; on Debian's 6.1 (SR-IOV, no cdev) the VF binding. QEMU is given what 'vfioadm show
# --for qemu' prints (lib.sh, vmm_opens); --for libvirt and qemu-iommufd are read back.
# kernels: 6.1 iommufd
# load: vfio_pci
# extra: edu_vfio_pci
# tools: qemu-system-x86_64
. ./lib.sh
edu=0000:00:10.0 nic=0000:02:00.0 pf=0000:01:00.0 S=/sys/bus/pci/devices
spec=/run/cdi/vfioadm.io-vfio.json
mkdir -p /etc /run/cdi && chmod 0755 /run/cdi
printf '[cdi]\noutput = /run/cdi\n' >/etc/vfioadm.conf
names() { jq -r '[.devices[].name] | join(" ")' "$spec" 2>/dev/null; }
# offered BDF DESC: the spec offers the function, every node it lists exists, and QEMU opens it
offered() {
	local name; name=$(echo "$1" | tr : -)
	jq -e --arg n "$name" '.devices[] | select(.name == $n)' "$spec" >/dev/null 2>&1 &&
		ok "$2: the spec offers $name" || { not_ok "$2: the spec offers $name"; cat "$spec" 2>&1 | sed 's/^/#   /'; }
	local missing=""
	for p in $(jq -r --arg n "$name" '.devices[] | select(.name == $n) | .containerEdits.deviceNodes[].path' "$spec"); do
		[ -c "$p" ] || missing="$missing $p"
	done
	is "$missing" "" "$2: every node the spec lists for $name is a character device"
	agree "$1" "$2"
	is "$(jq -r '.[0].vmm_usable' /tmp/agree.json)" true "$2: usable, as the spec says"
}

# ---- nothing on VFIO: no spec ----
check "a bind --dry-run" vfioadm bind --dry-run $nic
[ ! -e "$spec" ] && ok "nothing on VFIO, a dry run: no spec" || not_ok "nothing on VFIO, a dry run: no spec"

# ---- a generic binding ----
check "bind the NIC" vfioadm bind $nic
is "$(names)" "0000-02-00.0 group-$(sysfs_group $nic)" "bind wrote the spec: the function and its group"
is "$(stat -c '%a %u' $spec)" "644 0" "root's, mode 0644"
iommufd=false; case $(uname -r) in *-vfioadm-iommufd) iommufd=true ;; esac
if ! $iommufd; then
	is "$(jq -r '.devices[0].containerEdits.deviceNodes[].path' $spec | tr '\n' ' ')" \
		"/dev/vfio/vfio /dev/vfio/$(sysfs_group $nic) " "group nodes only (this kernel has no VFIO cdev)"
elif [ -d $S/$nic/vfio-dev ] && [ -e /dev/iommu ]; then
	is "$(jq -r '.devices[0].containerEdits.deviceNodes[].path' $spec | tr '\n' ' ')" \
		"/dev/vfio/vfio /dev/vfio/$(sysfs_group $nic) /dev/iommu /dev/vfio/devices/$(ls $S/$nic/vfio-dev) " \
		"group and cdev nodes (this kernel has both)"
else
	not_ok "the iommufd kernel has VFIO cdevs and /dev/iommu"
fi
offered $nic "generic (vfio-pci)"

# ---- a variant binding ----
check "bind edu to its variant" vfioadm bind $edu
is "$(sysfs_driver $edu)" edu-vfio-pci "edu on the variant"
offered $edu "variant (edu_vfio_pci)"
# edu on the root bus has no FLR, no PM reset, no bus to reset: check warns, QEMU says so too
is "$(jq -r '[.[0].blockers[] | select(.kind == "no_reset") | .subject] | join(" ")' /tmp/agree.json)" "$edu" \
	"check warns that nothing resets edu (the kernel shows no reset attribute)"
grep -q "no available reset mechanism" /tmp/vmm.err && ok "QEMU meets the same: no available reset mechanism" ||
	{ not_ok "QEMU meets the same: no available reset mechanism"; sed 's/^/#   qemu: /' /tmp/vmm.err; }
vfioadm show --for libvirt $edu >/tmp/hostdev.xml 2>&1
grep -q "<driver model='edu-vfio-pci'/>" /tmp/hostdev.xml && grep -q "bus='0x00' slot='0x10' function='0x0'" /tmp/hostdev.xml &&
	ok "show --for libvirt: the variant in <driver model>, the address" ||
	{ not_ok "show --for libvirt: the variant in <driver model>, the address"; sed 's/^/#   /' /tmp/hostdev.xml; }
# the DRA inventory: what the spec offers, each CDI id resolving in it; --probe asks the kernel
vfioadm list --format dra --probe >/tmp/dra.json 2>/tmp/dra.err
is "$(jq -r '[.devices[].attributes.pciBusID.string] | join(" ")' /tmp/dra.json 2>&1)" "$edu $nic" \
	"list --format dra: the two functions on VFIO"
missing=""
for id in $(jq -r '.devices[].attributes.cdiDeviceID.string' /tmp/dra.json); do
	jq -e --arg n "${id#*=}" 'any(.devices[]; .name == $n)' $spec >/dev/null || missing="$missing $id"
done
is "$missing" "" "list --format dra: every cdiDeviceID is a device of the spec"
is "$(jq -r '[.devices[] | "\(.attributes.driver.string):\(.attributes.variant.bool):\(.attributes.migratable.bool)"] | join(" ")' /tmp/dra.json)" \
	"edu-vfio-pci:true:false vfio-pci:false:false" "list --format dra --probe: driver, variant, and the kernel's answer on migration"
# the iommufd form needs the device cdev and /dev/iommu (QEMU >= 8.2 uses it; the guest's 7.2 cannot)
if $iommufd; then
	vfioadm show --for qemu-iommufd --json $edu >/tmp/iommufd.json 2>&1
	is "$(jq -r '.argv | join(" ")' /tmp/iommufd.json 2>&1)" \
		"-object iommufd,id=iommufd0 -device vfio-pci,host=$edu,iommufd=iommufd0" "show --for qemu-iommufd on a cdev kernel"
else
	check_exit "show --for qemu-iommufd on a kernel without VFIO cdevs: refused" 3 vfioadm show --for qemu-iommufd $edu
fi

# ---- a VF binding (Debian's kernel has SR-IOV) ----
if ! $iommufd; then
	check "sriov: 1 VF onto vfio" vfioadm sriov $pf --vfs 1 --driver vfio
	vf=$(basename "$(readlink $S/$pf/virtfn0)")
	offered "$vf" "VF ($vf)"
fi

# ---- given back: the spec no longer offers it, and check and QEMU agree it is not usable ----
check "unbind the NIC" vfioadm unbind $nic
jq -e '.devices[] | select(.name == "0000-02-00.0")' $spec >/dev/null 2>&1 &&
	not_ok "after unbind the spec no longer offers the NIC" || ok "after unbind the spec no longer offers the NIC"
agree $nic "given back to its host driver"
vfioadm list --format dra >/tmp/dra.json 2>&1
is "$(jq -r --arg b $nic '[.devices[].attributes.pciBusID.string | select(. == $b)] | length' /tmp/dra.json 2>&1)" 0 \
	"after unbind list --format dra no longer publishes the NIC"
$iommufd || check "sriov: no VFs" vfioadm sriov $pf --vfs 0
check "unbind edu" vfioadm unbind $edu
[ ! -e "$spec" ] && ok "nothing left on VFIO: the spec is removed" || { not_ok "nothing left on VFIO: the spec is removed"; cat $spec | sed 's/^/#   /'; }
is "$(ls -A /run/cdi)" "" "no temporary file is left in /run/cdi"

# ---- a directory another user may write is refused ----
mkdir -p /tmp/cdi-open && chmod 1777 /tmp/cdi-open
check_exit "cdi --output into a world-writable directory" 3 vfioadm cdi --output /tmp/cdi-open
is "$(ls -A /tmp/cdi-open)" "" "nothing written there"
check_exit "cdi --output /run/cdi (nothing on VFIO)" 0 vfioadm cdi --output /run/cdi
done_testing

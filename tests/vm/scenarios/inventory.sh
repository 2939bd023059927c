# The inventory against the kernel: `vfioadm show --json` for every PCI function equals what
# sysfs says, and `list --json` agrees with show.
# kernels: 6.1 6.12
# load:
. ./lib.sh

vfioadm list >/tmp/list.txt 2>&1
check "vfioadm list runs" test -s /tmp/list.txt
sed 's/^/# /' /tmp/list.txt

vfioadm list --json >/tmp/list.json
n_kernel=$(ls /sys/bus/pci/devices | wc -l)
n_list=$(jq length /tmp/list.json)
is "$n_list" "$n_kernel" "list --json has one entry per PCI function"
is "$(jq -r '.[].bdf' /tmp/list.json | tr '\n' ' ')" "$(ls /sys/bus/pci/devices | sort | tr '\n' ' ')" \
	"list is sorted by BDF and names every function"

for d in $(ls /sys/bus/pci/devices); do
	s=/sys/bus/pci/devices/$d
	vfioadm show --json "$d" >/tmp/show.json || { not_ok "$d: show --json"; continue; }
	got=$(jq -r '[.modalias, (.driver // "null"), (.iommu_group|tostring), (.vfio.bound|tostring),
		(.sriov.role // "none"), (.numa_node|tostring), (.vendor_id), (.class)] | join(" ")' /tmp/show.json)
	role=none
	[ -e "$s/sriov_totalvfs" ] && role=pf
	[ -e "$s/physfn" ] && role=vf
	vfio=false
	[ -d "$s/vfio-dev" ] && vfio=true
	numa=$(cat "$s/numa_node"); [ "$numa" -lt 0 ] && numa=null
	want="$(cat "$s/modalias") $(sysfs_driver "$d") $(sysfs_group "$d") $vfio $role $numa $(sed 's/^0x//' "$s/vendor") $(sed 's/^0x//' "$s/class")"
	is "$got" "$want" "$d: show --json matches sysfs"
	members=$(jq -r '.group_members[].bdf' /tmp/show.json | tr '\n' ' ')
	g=$(sysfs_group "$d")
	[ "$g" != null ] && is "$members" "$(ls /sys/kernel/iommu_groups/$g/devices | sort | tr '\n' ' ')" "$d: group members"
	jq -e --arg d "$d" '.[] | select(.bdf == $d) | .modalias' /tmp/list.json >/dev/null ||
		not_ok "$d: in list --json"
done

# the SR-IOV PF reports its totals as the kernel does
pf=0000:01:00.0
is "$(vfioadm show --json $pf | jq -r '.sriov.totalvfs')" "$(cat /sys/bus/pci/devices/$pf/sriov_totalvfs)" "nvme PF totalvfs"
done_testing

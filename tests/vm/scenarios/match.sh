# vfioadm match against the guest's real module directory: the edu test variant (built at
# test time, installed under extra/, depmod'ed) wins over vfio_pci; the driver name is known
# after loading; candidate sets equal the guest's modprobe -R for every device.
# kernels: 6.1 6.12
# load: vfio_pci
# extra: edu_vfio_pci
. ./lib.sh
edu=0000:00:10.0 pf=0000:01:00.0
rel=$(uname -r)
check "edu_vfio_pci is in modules.alias" grep -q '^alias vfio_pci:v00001234d000011E8sv\*sd\*bc\*sc\*i\* edu_vfio_pci$' /lib/modules/$rel/modules.alias

vfioadm match --json $edu >/tmp/m.json
is "$(jq -r '.[0] | "\(.choice.module) \(.loaded) \(.choice.driver)"' /tmp/m.json)" "edu_vfio_pci false null" \
	"edu: the test variant is chosen; not loaded yet, so no driver name"
is "$(jq -r '[.[0].candidates[].module] | join(" ")' /tmp/m.json)" "edu_vfio_pci vfio_pci" "edu: variant ranked above vfio_pci"
/sbin/modprobe edu_vfio_pci
vfioadm match --json $edu >/tmp/m.json
is "$(jq -r '.[0] | "\(.choice.module) \(.loaded) \(.choice.driver)"' /tmp/m.json)" "edu_vfio_pci true edu-vfio-pci" \
	"edu: after loading, the driver name comes from /sys/module (module != driver name)"
vfioadm match --json $pf >/tmp/m.json
is "$(jq -r '.[0] | "\(.choice.module) \(.choice.driver) \(.reason)"' /tmp/m.json)" "vfio_pci vfio-pci ranked" "nvme PF: vfio_pci"
is "$(vfioadm show --json $edu | jq -r .vfio_driver.driver)" "edu-vfio-pci" "show carries the recommended driver"

# the variant is override-only: it did not bind the edu device on its own
is "$(sysfs_driver $edu)" "null" "loading the variant binds nothing by itself"

mism=0
for d in $(ls /sys/bus/pci/devices); do
	key=vfio_$(cat /sys/bus/pci/devices/$d/modalias)
	want=$(/sbin/modprobe -R "$key" 2>/dev/null | sort -u | tr '\n' ' ')
	got=$(vfioadm match --json "$d" | jq -r '[.[0].candidates[].module] | sort | unique | join(" ")')
	[ -n "$got" ] && got="$got "
	[ "$got" = "$want" ] || { mism=$((mism + 1)); echo "# $d: vfioadm '$got' modprobe '$want'"; }
done
is "$mism" 0 "candidate sets equal the guest's modprobe -R for every device"
done_testing

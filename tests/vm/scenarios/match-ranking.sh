# Ranking with three real variants for one device: a class-qualified one (…bc00scFFi*) beats the
# id-only ones; denying it leaves an id-only tie between two modules, decided by modules.alias
# order and reported.
# kernels: 6.1 6.12
# load: vfio_pci
# extra: edu_vfio_pci edu_tie_vfio_pci edu_class_vfio_pci
. ./lib.sh
edu=0000:00:10.0
vfioadm match --json $edu >/tmp/m.json
is "$(jq -r '.[0] | "\(.choice.module) \(.choice.tie)"' /tmp/m.json)" "edu_class_vfio_pci false" "class-qualified variant wins"
is "$(jq -r '.[0].candidates[0].pattern' /tmp/m.json)" 'vfio_pci:v00001234d000011E8sv*sd*bc00scFFi*' "its pattern, as modpost wrote it"
vfioadm match --json --deny edu_class_vfio_pci $edu >/tmp/m.json
first=$(grep -n 'edu_vfio_pci$\|edu_tie_vfio_pci$' /lib/modules/$(uname -r)/modules.alias | head -n1 | awk '{print $3}')
is "$(jq -r '.[0] | "\(.choice.module) \(.choice.tie)"' /tmp/m.json)" "$first true" "denied class variant: tie, earlier line wins"
is "$(jq -r '.[0].warnings | length' /tmp/m.json)" "2" "tie and deny both reported"
/sbin/modprobe edu_tie_vfio_pci
vfioadm match --json --driver edu-tie-vfio-pci $edu >/tmp/m.json
is "$(jq -r '.[0] | "\(.choice.module) \(.choice.driver) \(.reason)"' /tmp/m.json)" "edu_tie_vfio_pci edu-tie-vfio-pci forced" \
	"--driver by driver name resolves the module through sysfs"
check_exit "--driver e1000e refused" 2 vfioadm match --driver e1000e $edu
done_testing

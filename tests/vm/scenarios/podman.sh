# A real container consumer of the CDI spec (#15), in the full guest (Debian's podman 4.3): a
# container started with the CDI name of a function vfioadm bound sees exactly the /dev/vfio
# nodes the spec lists; after 'vfioadm unbind' the spec no longer offers it and podman refuses
# the name. There is no registry: the image is imported from a tarball of the guest's own
# dash and ls (with their libraries).
# flavour: full
. ./lib.sh
nic=0000:02:00.0 name=vfioadm.io/vfio=0000-02-00.0
spec=/run/cdi/vfioadm.io-vfio.json
mkdir -p /run/cdi && chmod 0755 /run/cdi
printf '[cdi]\noutput = /run/cdi\n' >/etc/vfioadm.conf
# storage and cgroups that need neither the overlay module nor a D-Bus session, set before
# podman first runs (its database remembers the storage driver)
mkdir -p /etc/containers
printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
	>/etc/containers/storage.conf
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >/etc/containers/containers.conf
pm() { podman "$@"; }

check "podman is installed" podman --version
img=/tmp/img
mkdir -p $img
for f in /bin/sh /usr/bin/ls; do
	cp -L --parents "$f" $img/
	for lib in $(ldd "$f" | grep -o '/[^ ]*'); do cp -L --parents "$lib" $img/; done
done
tar -C $img -cf /tmp/img.tar .
check "podman import of a local tarball" pm import /tmp/img.tar localhost/vfioadm-test

check "bind the NIC (the spec is written)" vfioadm bind $nic
group=$(sysfs_group $nic)
is "$(jq -r --arg n 0000-02-00.0 '[.devices[] | select(.name == $n) | .containerEdits.deviceNodes[].path] | join(" ")' $spec)" \
	"/dev/vfio/vfio /dev/vfio/$group" "the spec lists the container and the group node"
pm run --rm --network none --device "$name" localhost/vfioadm-test /usr/bin/ls /dev/vfio >/tmp/ls.out 2>/tmp/ls.err
is "$(sort /tmp/ls.out | tr '\n' ' ')" "$(printf '%s\n' "$group" vfio | sort | tr '\n' ' ')" \
	"podman run --device $name: the container sees exactly the spec's /dev/vfio nodes"
[ -s /tmp/ls.err ] && sed 's/^/#   podman: /' /tmp/ls.err
pm run --rm --network none --device "vfioadm.io/vfio=group-$group" localhost/vfioadm-test /usr/bin/ls /dev/vfio >/tmp/ls.out 2>&1
is "$(sort /tmp/ls.out | tr '\n' ' ')" "$(printf '%s\n' "$group" vfio | sort | tr '\n' ' ')" \
	"podman run --device vfioadm.io/vfio=group-$group: the group's nodes"
pm run --rm --network none localhost/vfioadm-test /usr/bin/ls /dev/vfio >/tmp/ls.out 2>/tmp/ls.err
[ -s /tmp/ls.out ] && { not_ok "without --device the container has no /dev/vfio nodes"; sed 's/^/#   /' /tmp/ls.out; } ||
	ok "without --device the container has no /dev/vfio nodes"

check "unbind the NIC" vfioadm unbind $nic
[ ! -e $spec ] && ok "nothing on VFIO: the spec is removed" || not_ok "nothing on VFIO: the spec is removed"
# podman 4.3 exits 126 ("the command cannot be invoked") when a CDI name does not resolve
check_exit "podman refuses the name the spec no longer offers" 126 \
	pm run --rm --network none --device "$name" localhost/vfioadm-test /usr/bin/ls /dev/vfio
grep -qi "unresolvable CDI devices" /tmp/check.out && ok "podman says it cannot resolve the CDI device" ||
	{ not_ok "podman says it cannot resolve the CDI device"; sed 's/^/#   /' /tmp/check.out; }
done_testing

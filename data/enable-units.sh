#!/bin/sh
# meson install step (-Denable_units=true, the default): enable vfioadm's boot units, as a
# package's postinst would, so a persisted binding holds after a reboot without a step the admin
# has to know about. DESTDIR is honoured: the links are made in the staged tree. Then, on the
# live host, refresh the dynamic linker's cache for the library just installed.
#   enable-units.sh UNITDIR
set -eu
unitdir=$1
root=${DESTDIR:-/}
units="vfioadm-claim.service vfioadm-apply.service"
if command -v systemctl >/dev/null 2>&1; then
	# --root: offline, no running systemd needed (a container, a chroot, a staged tree)
	systemctl --root="$root" enable $units
else # no systemctl where we install: the links it would make, from the units' [Install]
	for u in $units; do
		target=$(sed -n 's/^WantedBy=//p' "$root$unitdir/$u")
		mkdir -p "$root/etc/systemd/system/$target.wants"
		ln -sfn "$unitdir/$u" "$root/etc/systemd/system/$target.wants/$u"
		echo "enabled $u ($target.wants)"
	done
fi
[ -n "${DESTDIR:-}" ] || ldconfig 2>/dev/null || true

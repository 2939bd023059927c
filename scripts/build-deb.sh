#!/bin/bash
# Build vfioadm's Debian packages (vfioadm, libvfioadm0, libvfioadm-dev) from this tree as it
# is now (tracked and new files, not build directories) in a clean copy, with
# `dpkg-buildpackage -us -uc -b`. Reused while the tree is unchanged; one build at a time.
# Usage: scripts/build-deb.sh [--chroot ROOT] OUTDIR     Prints the paths of the .deb files.
# --chroot ROOT builds inside a Debian root (e.g. debootstrap --variant=buildd), after apt-get
# build-dep has installed the Build-Depends there: proof that nothing else is needed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
chroot=
if [ "${1:-}" = --chroot ]; then chroot=$(cd "${2:?--chroot ROOT}" && pwd); shift 2; fi
out=${1:?usage: build-deb.sh [--chroot ROOT] OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
exec 8>"$out/.lock"
flock 8
files() { (cd "$src" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done); }
# the tree as one stream (links stay links, times and owners fixed): what is built, and its sum
# every file dated as the changelog's last entry, as a reproducible build would
date=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Date)
files | (cd "$src" && tar --null -T - --sort=name --mtime="$date" --owner=0 --group=0 --numeric-owner -cf -) >"$out/src.tar"
sum=$(sha256sum <"$out/src.tar" | cut -c1-16)
if [ -z "$chroot" ] && [ -f "$out/.built-$sum" ]; then
	rm -f "$out/src.tar"
	ls "$out"/*.deb
	exit 0
fi
rm -rf "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out"/.built-* "$out/tree"
tree=$out/tree
[ -z "$chroot" ] || tree=$chroot/build
rm -rf "$tree"
mkdir -p "$tree/vfioadm"
tar -xf "$out/src.tar" -C "$tree/vfioadm"
if [ -n "$chroot" ]; then
	mount --bind /proc "$chroot/proc"
	trap 'umount "$chroot/proc"' EXIT
	build() {
		chroot "$chroot" sh -c 'cd /build/vfioadm && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./ &&
			dpkg-buildpackage -us -uc -b'
	}
else
	build() { (cd "$tree/vfioadm" && dpkg-buildpackage -us -uc -b); }
fi
if ! build >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "dpkg-buildpackage failed: $out/build.log" >&2
	exit 1
fi
mv "$tree"/*.deb "$tree"/*.changes "$tree"/*.buildinfo "$out/"
rm -rf "$tree"
rm -f "$out/src.tar"
touch "$out/.built-$sum"
ls "$out"/*.deb

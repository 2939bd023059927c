#!/bin/bash
# The Debian bookworm mirror this host's apt uses (deb822 sources first, then sources.list),
# for debootstrap: the full VM guest (tests/vm/full-image.sh) and the clean package build
# (tests/package-test.sh). Prints it, or fails with a message when there is none.
set -u
mirrors() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ {print u; exit}' "$f"
	done
	grep -hE '^deb +[^ ]+ +bookworm( |$)' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'
}
mirror=$(mirrors | awk 'NR == 1') # reads all: no SIGPIPE
[ -n "$mirror" ] || { echo "no bookworm mirror in this host's apt sources" >&2; exit 1; }
echo "$mirror"

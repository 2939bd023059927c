#!/bin/bash
# Refresh tests/fixtures/<name>/ from a real kernel: boot the capture scenario and extract the
# tree it wrote. Usage: tests/vm/capture-fixture.sh BUILD_DIR [NAME]   (default NAME: vm-basic)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 name=${2:-vm-basic}
logs=$(mktemp -d)
VFIOADM_VM_LOGDIR=$logs "$here/vm.sh" "$build" capture
dest=$here/../fixtures/$name
rm -rf "$dest"; mkdir -p "$dest"
tar -C "$dest" -xf "$logs/capture.results.tar"
rm -rf "$logs"
echo "fixture written to $dest"

#!/bin/bash
# Quick start, step 1: install dependencies, build, list this host's PCI functions, and say
# whether this host can assign devices at all (vfioadm doctor: read only; its FAILs are
# findings about the host, not a failed setup).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
meson compile -C build
build/src/vfioadm list
echo
echo "vfioadm doctor: can this host assign devices through VFIO?"
build/src/vfioadm doctor || echo "(vfioadm doctor found what stops device assignment here: see its fixes above)"

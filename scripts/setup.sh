#!/bin/bash
# Quick start, step 1: install dependencies, build, and list this host's PCI functions.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
meson compile -C build
build/src/vfioadm list

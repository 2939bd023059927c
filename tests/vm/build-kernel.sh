#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build vfioadm's own test kernel from Debian's linux-source-6.12 with the VFIO device cdev and
# iommufd, which Debian's kernels leave out (CONFIG_IOMMUFD is not set in 6.1 or 6.12), and
# netdevsim, which they leave out too. It starts from allnoconfig and sets exactly the options
# in kernel/iommufd.config: every driver the guests do not use stays off, so a cold build takes
# minutes, not the better part of an hour (tests/vm/README.md has the measured time).
# Built once per source version and fragment, cached; prints the kernel's directory:
#   DIR/vmlinuz   DIR/rel (the release string)   DIR/root/lib/modules/REL (installed modules)
#   DIR/build     (the configured, built tree: external modules build against it with M=)
#
#   tests/vm/build-kernel.sh CACHE_DIR           build if needed (progress on stderr)
#   tests/vm/build-kernel.sh --built CACHE_DIR   print the directory if it is built, else fail
#
# scripts/test.sh runs it before any test, so no test's timeout ever covers a kernel build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
query=0
[ "${1:-}" = --built ] && { query=1; shift; }
cache=${1:?usage: build-kernel.sh [--built] CACHE_DIR}
series=6.12
src=/usr/src/linux-source-$series.tar.xz
fragment=$here/kernel/iommufd.config
die() { echo "build-kernel: $*" >&2; exit 1; }
[ -f "$src" ] || die "no $src: run scripts/install-deps.sh (Debian package linux-source-$series)"

recipe=2 # bump when the steps below change (2: allnoconfig base)
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || stat -c %Y "$src")
sum=$( (cat "$fragment"; echo "$srcver $recipe") | sha256sum | cut -c1-16)
out=$cache/kernel-$series-iommufd-$sum
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi
[ "$query" = 0 ] || die "not built yet: $out"
for t in make gcc bison flex bc; do command -v $t >/dev/null || die "missing $t: run scripts/install-deps.sh"; done

start=$(date +%s)
step() { echo "build-kernel: [$(( $(date +%s) - start ))s] $*" >&2; }
rm -rf "$cache"/kernel-$series-iommufd-*/ "$out" # older recipes' trees: 1-2 GB each
mkdir -p "$out"
log=$out/build.log
step "building Linux $srcver (allnoconfig + $(grep -c '^CONFIG_' "$fragment") options) into $out"
tar -xJf "$src" -C "$out"
mv "$out/linux-source-$series" "$out/build"
cd "$out/build"
make KCONFIG_ALLCONFIG="$fragment" allnoconfig >"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "configuration failed (log: $log)"; }
# a fragment line the kernel's Kconfig dropped (a dependency unmet) would build the wrong kernel
missing=0
while read -r line; do
	case $line in
	CONFIG_*=*) grep -qxF "$line" .config || { echo "build-kernel: not in .config: $line" >&2; missing=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" .config || { echo "build-kernel: set in .config: $opt" >&2; missing=1; } ;;
	esac
done <"$fragment"
[ "$missing" = 0 ] || die "the config fragment did not apply (see above)"
jobs=$(( $(nproc) + 1 ))
step "configured; compiling with make -j$jobs (log: $log)"
# progress: one line a minute with the number of objects compiled so far
make -j"$jobs" bzImage modules >>"$log" 2>&1 &
mk=$!
while kill -0 "$mk" 2>/dev/null; do
	for _ in $(seq 60); do kill -0 "$mk" 2>/dev/null || break; sleep 1; done
	kill -0 "$mk" 2>/dev/null && step "compiling: $(grep -c '^  CC ' "$log") objects so far"
done
wait "$mk" || { tail -n 40 "$log" >&2; die "build failed (log: $log)"; }
make -s INSTALL_MOD_PATH="$out/root" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "modules_install failed (log: $log)"; }
cp arch/x86/boot/bzImage "$out/vmlinuz"
make -s kernelrelease >"$out/rel"
touch "$out/.done"
step "done: $(cat "$out/rel"), $(du -sh "$out" | cut -f1) with its build tree"
echo "$out"

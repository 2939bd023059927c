#!/bin/bash
# Quick start, step 2: the whole test suite. Installs what it needs, builds the test kernel,
# then runs
#   build/       unit + fixture suites, then the real-kernel (QEMU) suite on every test kernel
#   build-asan/  unit + fixture suites under ASan+UBSan
#   build-fuzz/  libFuzzer targets (clang), 30 s each from the committed corpus
# and ends with "N passed, N failed, N skipped" counted over every TAP result. The time of
# each phase goes to stderr at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
phases=()
t0=$(date +%s)
phase_start=$t0
phase_end() { # NAME: record the time since the last phase ended
	local now; now=$(date +%s)
	phases+=("$(printf '%-28s %4ss' "$1" $((now - phase_start)))")
	phase_start=$now
}
print_phases() {
	echo "time by phase:" >&2
	printf '  %s\n' "${phases[@]}" >&2
	printf '  %-28s %4ss\n' total $(($(date +%s) - t0)) >&2
}
# results of the steps outside meson, in meson's testlog format so they are counted alike
extra=$(mktemp)
trap 'rm -f "$extra"' EXIT
record() { # NAME OK|FAIL
	printf '{"name": "%s", "result": "%s", "stdout": ""}\n' "$1" "$2" >>"$extra"
}

if ! scripts/install-deps.sh; then
	echo "install-deps failed" >&2; phase_end deps; print_phases
	echo "0 passed, 1 failed"; exit 1
fi
phase_end deps

# The test kernel (vfioadm's iommufd build) is made here, outside every test's timeout: no
# test pays for it. Cached in VFIOADM_VM_CACHE; a failure is one counted failure.
cache=${VFIOADM_VM_CACHE:-$HOME/.cache/vfioadm-vm}
if tests/vm/build-kernel.sh "$cache" >/dev/null; then record build-kernel OK; else
	echo "building the iommufd test kernel failed (above)" >&2; record build-kernel FAIL; rc=1
fi
phase_end "kernel build"

setup() { # DIR [meson options]: configure once
	local dir=$1; shift
	[ -d "$dir" ] || meson setup "$dir" "$@"
}
logs=("$extra")
# Each build is compiled and tested on its own: one that fails to build is a failure (its
# missing test log is counted as one), and does not keep the others from running.
suite() { # DIR LOGBASE [meson test options]
	local dir=$1 base=$2; shift 2
	logs+=("$dir/meson-logs/$base.json")
	if meson compile -C "$dir"; then
		meson test -C "$dir" --logbase "$base" --print-errorlogs "$@" || rc=1
	else
		echo "build in $dir failed" >&2; rc=1; rm -f "$dir/meson-logs/$base.json"
	fi
}
setup build || rc=1
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dvm_tests=false || rc=1
CC=clang setup build-fuzz -Dfuzz=true -Db_lundef=false -Dvm_tests=false || rc=1
phase_end "configure"
suite build testlog --num-processes 2 --no-suite vm
phase_end "build/ (unit, fixture)"
suite build testlog-vm --suite vm
phase_end "build/ (VM scenarios)"
suite build-asan testlog
phase_end "build-asan/"
suite build-fuzz testlog --suite fuzz # 30 s of libFuzzer per target
phase_end "build-fuzz/"
print_phases
python3 scripts/count-results.py "${logs[@]}" || rc=1
exit $rc

#!/bin/bash
# Quick start, step 2: the whole test suite. Installs what it needs, then runs
#   build/       unit + fixture + real-kernel (QEMU) suites
#   build-asan/  unit + fixture suites under ASan+UBSan
#   build-fuzz/  libFuzzer targets (clang), 30 s each from the committed corpus
# and ends with "N passed, N failed, N skipped" counted over every TAP result.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
rc=0
setup() { # DIR [meson options]: configure once
	local dir=$1; shift
	[ -d "$dir" ] || meson setup "$dir" "$@"
}
# Each build is compiled and tested on its own: one that fails to build is a failure (its
# missing test log is counted as one), and does not keep the others from running.
suite() { # DIR [meson test options]
	local dir=$1; shift
	if meson compile -C "$dir"; then
		meson test -C "$dir" --print-errorlogs "$@" || rc=1
	else
		echo "build in $dir failed" >&2; rc=1; rm -f "$dir/meson-logs/testlog.json"
	fi
}
setup build || rc=1
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dvm_tests=false || rc=1
CC=clang setup build-fuzz -Dfuzz=true -Db_lundef=false -Dvm_tests=false || rc=1
suite build --num-processes 2
suite build-asan
suite build-fuzz --suite fuzz  # 30 s of libFuzzer per target
python3 scripts/count-results.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
	build-fuzz/meson-logs/testlog.json || rc=1
exit $rc

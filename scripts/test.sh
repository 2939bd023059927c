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
[ -d build ] || meson setup build || rc=1
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dvm_tests=false || rc=1
[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dvm_tests=false || rc=1
meson compile -C build && meson compile -C build-asan && meson compile -C build-fuzz || rc=1
if [ $rc = 0 ]; then
	meson test -C build --print-errorlogs --num-processes 2 || rc=1
	meson test -C build-asan --print-errorlogs || rc=1
	meson test -C build-fuzz --suite fuzz --print-errorlogs || rc=1  # 30 s of libFuzzer per target
fi
python3 scripts/count-results.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
	build-fuzz/meson-logs/testlog.json || rc=1
exit $rc

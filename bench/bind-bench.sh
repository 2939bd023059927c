#!/bin/bash
# bind + unbind of 8 nvme VFs in the full Debian guest (QEMU, TCG): raw sysfs writes (the
# limit), vfioadm, driverctl, dpdk-devbind.py, interleaved rounds. Usage: bench/bind-bench.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
"$here/../tests/vm/vm.sh" "$1" "$here/vm/bind.sh" | tee "$out" | grep -v '^# bench' || true
python3 - "$out" <<'PY'
import statistics, sys, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 5 and p[:2] == ["#", "bench"]:
        t[p[2]].append(int(p[4]))
names = {"raw": "raw sysfs writes (the limit)", "vfioadm_run": "vfioadm bind/unbind",
         "driverctl_run": "driverctl set/unset-override", "dpdk_run": "dpdk-devbind.py -b/-u",
         "raw_masked": "raw sysfs writes, without driverctl's udev rule",
         "vfioadm_masked": "vfioadm bind/unbind, without driverctl's udev rule"}
# Rounds are interleaved, so each round's own ratio to raw cancels the drift of a busy host;
# the median of those is the figure the target is judged by.
print("| method (8 VFs, bind + release) | median | min–max | rounds | × raw (median of per-round ratios) |")
print("|---|---|---|---|---|")
for k in [k for k in names if k in t]:
    base = t["raw_masked" if k.endswith("_masked") else "raw"]
    m = statistics.median(t[k])
    ratio = statistics.median(a / b for a, b in zip(t[k], base))
    print(f"| {names[k]} | {m:.0f} ms | {min(t[k])}–{max(t[k])} | {len(t[k])} | {ratio:.2f} |")
PY
rm -f "$out"

#!/bin/bash
# Create + bind 32 VFs to vfio-pci in the full Debian guest: raw writes (the limit), vfioadm,
# the naive autoprobe-on sequence, driverctl and dpdk-devbind. Usage: bench/sriov-bench.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
VFIOADM_VM_TIMEOUT=${VFIOADM_VM_TIMEOUT:-1500} "$here/../tests/vm/vm.sh" "$1" "$here/vm/sriov.sh" | tee "$out" | grep -v '^# bench' || true
python3 - "$out" <<'PY'
import statistics, sys, collections
t = collections.defaultdict(list)
failed = set()  # methods whose checked run did not do the job: their times are of a failure
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 5 and p[:2] == ["#", "bench"]:
        t[p[2]].append(int(p[4]))
    if line.startswith("not ok") and len(p) > 4:
        failed.add(p[4].rstrip(":"))
raw = statistics.median(t["raw"])
names = {"raw": "raw: autoprobe 0, numvfs, override + bind (the limit)",
         "vfioadm_m": "vfioadm sriov --vfs 32 --driver vfio",
         "naive": "naive: numvfs with autoprobe on, then rebind",
         "driverctl_m": "numvfs (autoprobe on) + driverctl set-override",
         "dpdk_m": "numvfs (autoprobe on) + dpdk-devbind.py -b"}
print("| method (32 VFs created and on vfio-pci) | median | rounds | × raw |")
print("|---|---|---|---|")
for k in names:
    m = statistics.median(t[k])
    note = " — **did not do the job** (its check failed): the time of a failure" if k in failed else ""
    print(f"| {names[k]} | {m:.0f} ms | {len(t[k])} | {m / raw:.2f}{note} |")
PY
rm -f "$out"

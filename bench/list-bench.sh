#!/bin/bash
# vfioadm list --json vs lspci -k, driverctl list-devices and dpdk-devbind.py --status on one
# synthetic tree of ≥10,000 functions, side by side in one run (hyperfine), plus peak RSS and
# the per-device cost of choosing the VFIO driver.
#
#   bench/list-bench.sh BUILD_DIR [--pfs 40 --vfs 250]
#
# The peers read /sys and /lib/modules directly, so every command runs inside one private
# mount namespace (unshare -m) with the synthetic sys and module indexes bind-mounted over
# /sys and /lib/modules; vfioadm runs there with its default root "/". Needs root and the
# Debian packages hyperfine, time, pciutils, driverctl, dpdk.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd); shift
out=${BENCH_OUT:-$(mktemp -d /tmp/vfioadm-bench.XXXXXX)}
synth=$out/tree
rel=$(uname -r)
for t in hyperfine lspci driverctl dpdk-devbind.py /usr/bin/time unshare; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
		{ echo "missing $t: apt-get install hyperfine time pciutils driverctl dpdk"; exit 1; }
done
export PATH=$PATH:/usr/sbin:/sbin
rm -rf "$synth"
python3 "$here/gen-sysfs.py" "$synth" "$@"
mkdir -p "$synth/lib/modules/$rel"
cp "$here"/../tests/data/kmod-debian/lib/modules/*/modules.* "$synth/lib/modules/$rel/"
n=$(ls "$synth/sys/bus/pci/devices" | wc -l)

unshare -m bash -s -- "$build" "$synth" "$out" <<'INNER'
set -euo pipefail
build=$1 synth=$2 out=$3
mount --bind "$synth/sys" /sys
mount --bind "$synth/lib/modules" /lib/modules
cd "$out"
hyperfine --warmup 1 --min-runs 5 --max-runs 20 -N --ignore-failure \
	--export-json "$out/list.json" --export-markdown "$out/list.md" \
	-n "vfioadm list --json" "$build/src/vfioadm list --json" \
	-n "lspci -k" "lspci -k" \
	-n "dpdk-devbind.py --status" "dpdk-devbind.py --status" \
	-n "driverctl list-devices" "driverctl list-devices" >"$out/hyperfine.log" 2>&1
for c in "$build/src/vfioadm list --json" "lspci -k"; do
	/usr/bin/time -f "%M" $c >/dev/null 2>"$out/rss.tmp" || true
	echo "$c: $(tail -n1 "$out/rss.tmp") KiB" >>"$out/rss.txt"
done
INNER

python3 - "$out/list.json" "$n" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
v = res["vfioadm list --json"]["median"]
print(f"functions: {sys.argv[2]}")
print("| command | median | mean ± sd | vfioadm is faster by |")
print("|---|---|---|---|")
for name, r in res.items():
    print(f"| `{name}` | {r['median']*1000:.0f} ms | {r['mean']*1000:.0f} ± {r['stddev']*1000:.0f} ms | "
          f"{r['median']/v:.2f}x |")
PY
echo; echo "peak RSS:"; cat "$out/rss.txt"
echo; "$build/bench/match-cost" "$synth" 200
echo; echo "(raw results in $out)"

#!/bin/bash
# libvfioadm's layers, checked on what the compiler built (lib/README.md has the picture):
#   access < model < choice < txn < cap < config
# Every symbol an object of lib/LAYER/ uses from another lib object must be defined in LAYER or
# a layer below it. nm on the objects of the internal static library sees every call, whatever
# header or cast it came through. Also: no lib file over 800 lines.
#
#   tests/layers-test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=${1:?usage: layers-test.sh BUILD_DIR SOURCE_DIR} src=${2:?usage: layers-test.sh BUILD_DIR SOURCE_DIR}
layers=(access model choice txn cap config)
objdir=$build/lib/libvfioadm-internal.a.p
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
rank() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }

objs=("$objdir"/*.o)
[ -e "${objs[0]}" ] || { echo "1..1"; echo "not ok 1 - no objects in $objdir (build first)"; exit 1; }
# the object "txn_bind.c.o" is lib/txn/bind.c; its layer is the part before the first '_'
defs=$(mktemp); trap 'rm -f "$defs"' EXIT
for o in "${objs[@]}"; do
	b=$(basename "$o" .o); layer=${b%%_*}
	nm -g --defined-only "$o" | awk -v l="$layer" -v f="$layer/${b#*_}" 'NF == 3 {print $3, l, f}'
done | sort -u >"$defs"

for o in "${objs[@]}"; do
	b=$(basename "$o" .o); layer=${b%%_*} file="$layer/${b#*_}"
	me=$(rank "$layer")
	if [ "$me" -lt 0 ]; then not_ok "lib/$file is in no layer (${layers[*]})"; continue; fi
	bad=$(nm -u "$o" | awk '{print $NF}' | sort -u | join - "$defs" | while read -r sym l f; do
		[ "$(rank "$l")" -gt "$me" ] && echo "$sym ($f)"
	done)
	if [ -z "$bad" ]; then ok "lib/$file ($layer) calls no higher layer"; else
		not_ok "lib/$file ($layer) calls into a higher layer: $(echo $bad)"
	fi
done
# every source file is in a layer's directory, and short enough to read
for f in "$src"/lib/*.c "$src"/lib/*/*.c; do
	[ -e "$f" ] || continue
	rel=${f#"$src"/}
	d=$(basename "$(dirname "$f")")
	[ "$(rank "$d")" -ge 0 ] || { not_ok "$rel is outside the layer directories"; continue; }
	lines=$(wc -l <"$f")
	if [ "$lines" -le 800 ]; then ok "$rel: $lines lines"; else not_ok "$rel: $lines lines (over 800)"; fi
done
echo "1..$n"
[ "$failed" = 0 ]

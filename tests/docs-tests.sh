#!/bin/bash
# Every command in the CLI's table has a man page, is named in vfioadm(8), has a completion
# entry, and answers --help with exit 0. Usage: docs-tests.sh VFIOADM SOURCE_ROOT   (TAP)
set -u
vfioadm=$1 src=$2
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
t() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }

cmds=$("$vfioadm" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && $1 != "Commands:" {print $1}')
[ -n "$cmds" ] && ok "--help lists commands" || not_ok "--help lists commands"
comp=$src/data/bash-completion/vfioadm
for c in $cmds; do
	t "$c: man page" test -s "$src/man/vfioadm-$c.8"
	t "$c: named in vfioadm(8)" grep -q "vfioadm-$c (8)\|^\\.B $c\$" "$src/man/vfioadm.8"
	t "$c: installed by man/meson.build" grep -q "vfioadm-$c.8" "$src/man/meson.build"
	t "$c: in the completion's command list" grep -Eq "commands=\"([a-z-]+ )*$c( [a-z-]+)*\"" "$comp"
	t "$c: has a completion branch" grep -Eq "^	$c\)|^	$c\|" "$comp"
	t "$c: in the SEE ALSO of vfioadm(8)" grep -q "^\.BR vfioadm-$c (8)" "$src/man/vfioadm.8"
	t "$c: --help exits 0" "$vfioadm" "$c" --help
	# every option its --help names is in its man page and its completion
	for o in $("$vfioadm" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		t "$c $o: in its man page" sh -c 'sed "s/\\\\//g" "$1" | grep -q -- "$2"' _ "$src/man/vfioadm-$c.8" "$o"
		t "$c $o: in the completion" grep -q -- "$o" "$comp"
	done
done
t "completion script parses" bash -n "$comp"
echo "1..$n"
[ "$failed" = 0 ]

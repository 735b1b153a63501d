#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# teaching.sh - every command of docs/teaching.md runs as printed (issue 18)
#
# Each line of the page's ```sh blocks is one kmemsim command; it is run
# verbatim (with `kmemsim` the binary under test) in an empty directory,
# in the page's order, and must exit 0; every file it writes with -o must
# exist and not be empty.  A line that is not a kmemsim command fails: the
# page promises commands a student can type.  (The ```lua blocks of the
# page are tests/docs-examples.sh's.)
#
# And what the lab relies on in the scenarios: every bundled scenario's
# header says what to look at ("Look at:"); a scenario that declares its
# policy ("-- policy: slab") runs under it unless --policy says otherwise,
# a bad declaration is a usage error naming the file and line, and compare
# names the declared policy in its report ("teaches").
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
doc=$srcdir/docs/teaching.md
tmp=${TMPDIR:-/tmp}/kmemsim-teaching.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0
kmemsim() { "$km" "$@"; }

awk '/^```sh$/ { f = 1; next } /^```/ { f = 0 } f && NF' "$doc" >"$tmp/commands"
[ -s "$tmp/commands" ] || { echo "FAIL: no shell block in $doc"; exit 1; }
cd "$tmp" || exit 99
while IFS= read -r line; do
	n=$((n + 1))
	case $line in
	"kmemsim "*) ;;
	*) echo "FAIL: not a kmemsim command: $line"; fails=$((fails + 1)); continue ;;
	esac
	if eval "$line" >out.txt 2>err.txt </dev/null; then
		echo "ok: $line ($(wc -l <out.txt) lines)"
	else
		echo "FAIL: $line: exit status $?"; head -20 err.txt; fails=$((fails + 1))
	fi
	file=$(printf '%s\n' "$line" | sed -n 's/.* -o \([^ ]*\).*/\1/p')
	if [ -n "$file" ] && [ ! -s "$file" ]; then
		echo "FAIL: $line: no $file written"; fails=$((fails + 1))
	fi
done <"$tmp/commands"
echo "$n commands"

# ---- the scenarios' headers ----
for f in "$srcdir"/scenarios/*.lua; do
	awk '!/^--/ { exit } /^-- Look at:/ { found = 1 } END { exit !found }' "$f" ||
		{ echo "FAIL: $f: no 'Look at:' in its header"; fails=$((fails + 1)); }
done
expect() { # description, expected output line, command...
	what=$1; want=$2; shift 2
	if out=$("$@" 2>&1) && printf '%s\n' "$out" | grep -q -- "$want"; then
		echo "ok: $what"
	else
		echo "FAIL: $what: no '$want' in:"; printf '%s\n' "$out" | head -5; fails=$((fails + 1))
	fi
}
expect "06 declares slab" "^policy slab" "$km" run 06-slab-colouring
expect "--policy overrides the declaration" "^policy slub" "$km" run 06-slab-colouring --policy slub
expect "05 declares slob" "^policy slob" "$km" run 05-slob-search-cost
printf -- '-- a test\n-- policy: slob   (a remark)\nprint(require("kmemsim").new{}:config().policy)\n' >decl.lua
expect "a file's declaration" "^slob$" "$km" run decl.lua
printf -- '-- a test\n--\n-- policy: slib\nprint(1)\n' >bad.lua
"$km" run bad.lua >out.txt 2>err.txt
rc=$?
if [ "$rc" = 2 ] && grep -q "bad.lua:3: the header declares policy 'slib'" err.txt; then
	echo "ok: a bad declaration: usage error naming the line"
else
	echo "FAIL: a bad declaration: exit $rc"; cat err.txt; fails=$((fails + 1))
fi
printf -- 'print(1)\n-- policy: slib\n' >late.lua
expect "a declaration after the header is a comment" "^1$" "$km" run late.lua
expect "compare names the declared policy" '"teaches": "slab"' "$km" compare 06-slab-colouring --format json
[ "$fails" -eq 0 ]

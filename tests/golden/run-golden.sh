#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-golden.sh [--update] tests/golden/expected/NAME.out
#
# Runs tests/golden/NAME.lua twice with --seed=1 (plus the options on the
# scenario's first line if it reads "-- kmemsim-args: ..."), and checks that
# both transcripts are byte-identical to each other and to NAME.out.
# With --update, writes NAME.out instead (review the diff by hand!).
set -u
update=no
if [ "${1:-}" = "--update" ]; then update=yes; shift; fi
out=$1
name=$(basename "$out" .out)
srcdir=${KMEMSIM_SRCDIR:-$(cd "$(dirname "$out")/../../.." && pwd)}
kmemsim=${KMEMSIM:-src/kmemsim}
scenario="$srcdir/tests/golden/$name.lua"
expected="$srcdir/tests/golden/expected/$name.out"
[ -f "$scenario" ] || { echo "no scenario $scenario"; exit 99; }
args=$(sed -n '1s/^-- kmemsim-args: *//p' "$scenario")
cmd=$(sed -n '2s/^-- kmemsim-cmd: *//p' "$scenario")
[ -n "$cmd" ] || cmd=run
tmp=${TMPDIR:-/tmp}/golden.$$
trap 'rm -f "$tmp".1 "$tmp".2' EXIT
# run from the source tree so the transcript shows tests/golden/NAME.lua
(cd "$srcdir" && $kmemsim $cmd "tests/golden/$name.lua" --seed=1 $args) >"$tmp.1" 2>&1
rc1=$?
(cd "$srcdir" && $kmemsim $cmd "tests/golden/$name.lua" --seed=1 $args) >"$tmp.2" 2>&1
rc2=$?
if [ "$update" = yes ]; then
	cp "$tmp.1" "$expected"
	echo "updated $expected (exit $rc1)"
	exit 0
fi
if ! cmp -s "$tmp.1" "$tmp.2"; then
	echo "FAIL: two runs of $name differ (determinism)"
	diff -u "$tmp.1" "$tmp.2" | head -40
	exit 1
fi
if [ "$rc1" != "$rc2" ]; then
	echo "FAIL: exit codes differ ($rc1, $rc2)"
	exit 1
fi
if ! diff -u "$expected" "$tmp.1"; then
	echo "FAIL: $name differs from expected/$name.out"
	exit 1
fi
echo "PASS: $name (twice, byte-identical, exit $rc1)"
exit 0

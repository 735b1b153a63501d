#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# progress.sh - the progress line of run, compare and replay: on stderr
# only, only on a terminal unless --progress asks, never with --quiet, and
# never a change to standard output.  The terminal cases run under
# script(1) (util-linux); without it they SKIP, the rest still runs.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-progress.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

cd "$srcdir"
ops="--set ops=20000"

# into files: nothing on stderr, and the same stdout with --progress
"$km" compare $ops >"$tmp/plain.out" 2>"$tmp/plain.err" || fail "compare exit $?"
if [ -s "$tmp/plain.err" ]; then fail "compare wrote to stderr without a terminal:"; cat "$tmp/plain.err"
else pass "no progress into a file"; fi
"$km" compare $ops --progress >"$tmp/prog.out" 2>"$tmp/prog.err" || fail "compare --progress exit $?"
if cmp -s "$tmp/plain.out" "$tmp/prog.out"; then pass "--progress leaves stdout as it was"
else fail "--progress changed stdout"; diff "$tmp/plain.out" "$tmp/prog.out" | head; fi
for p in slab slub slob; do
	if grep -q "^kmemsim compare: $p done: [0-9][0-9]* ops in " "$tmp/prog.err"; then
		pass "--progress: $p's run is reported when it ends"
	else fail "--progress: no end line for $p in:"; cat "$tmp/prog.err"; fi
done
"$km" run $ops --progress >/dev/null 2>"$tmp/run.err" || fail "run --progress exit $?"
if grep -q "^kmemsim run: [0-9][0-9]* ops in " "$tmp/run.err"; then pass "run --progress"
else fail "run --progress: no line in:"; cat "$tmp/run.err"; fi
"$km" compare $ops --progress --quiet >/dev/null 2>"$tmp/q.err"
if [ -s "$tmp/q.err" ]; then fail "--quiet after --progress still drew"; else pass "--quiet wins when last"; fi
"$km" replay tests/data/replay-kmalloc.txt --progress >/dev/null 2>"$tmp/rp.err"
if grep -q "^kmemsim replay: [0-9][0-9]* events in " "$tmp/rp.err"; then pass "replay --progress"
else fail "replay --progress: no line in:"; cat "$tmp/rp.err"; fi

# on a terminal (script(1) gives the command one)
if script -q -c true /dev/null >/dev/null 2>&1; then
	script -q -c "'$km' compare --set ops=200000 >'$tmp/tty.out'" /dev/null >"$tmp/tty.log" 2>&1
	if grep -q "kmemsim compare: \[1/3 slab\] [a-z]* [0-9]*/[0-9]* ops" "$tmp/tty.log" &&
	   tr '\r' '\n' <"$tmp/tty.log" | grep -q "\[3/3 slob\]"; then
		pass "a terminal gets the line: policy, phase, ops done/expected"
	else fail "no progress line on a terminal:"; od -c "$tmp/tty.log" | head; fi
	if cmp -s "$tmp/tty.out" "$(
		"$km" compare --set ops=200000 >"$tmp/tty.ref" 2>/dev/null; echo "$tmp/tty.ref")"; then
		pass "stdout is the same with a terminal on stderr"
	else fail "a terminal changed stdout"; fi
	script -q -c "'$km' compare --set ops=200000 --quiet >/dev/null" /dev/null >"$tmp/ttyq.log" 2>&1
	if grep -q "kmemsim compare" "$tmp/ttyq.log"; then fail "--quiet drew on a terminal"
	else pass "--quiet: nothing on a terminal"; fi
else
	echo "SKIP: no script(1): the terminal cases"
fi

[ "$fails" = 0 ] || exit 1

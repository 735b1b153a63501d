#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay-input.sh - what `kmemsim replay` does with input that is not a kmem
# trace: each is refused with exit 1, a message that says what the input
# is (or what it held instead of kmem events), and no report; formats are
# told by their first bytes, not their names.  Option values the
# simulators cannot take are usage errors (exit 2) before any input is read.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-replay-input.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# refused: exit, message pattern, description, command...
refused() {
	want=$1; pat=$2; what=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$what: exit $rc, expected $want"; head -5 "$tmp/err"; return
	fi
	if ! grep -q -- "$pat" "$tmp/err"; then
		fail "$what: no '$pat' in the message:"; cat "$tmp/err"; return
	fi
	if [ -s "$tmp/out" ]; then
		fail "$what: a report was written anyway"; return
	fi
	pass "$what (exit $rc): $(head -1 "$tmp/err")"
}

cd "$srcdir"
ex=tests/data/trace-excerpt.txt

# empty inputs
: >"$tmp/empty.txt"
refused 1 "is empty" "empty file" "$km" replay "$tmp/empty.txt"
refused 1 "is empty" "/dev/null" "$km" replay /dev/null
refused 1 "is empty" "empty standard input" sh -c "'$km' replay - </dev/null"
if command -v xz >/dev/null 2>&1; then
	xz -c "$tmp/empty.txt" >"$tmp/empty.xz"
	refused 1 "holds no text" "an .xz of nothing" "$km" replay "$tmp/empty.xz"
fi

# events of other tracepoints only: named with their counts
grep -v "kmalloc\\|kfree\\|kmem_cache\\|mm_page" tests/data/replay-cmd.txt >"$tmp/sched.txt"
refused 1 "found 1 sched_wakeup events" "a trace of sched events only" "$km" replay "$tmp/sched.txt"
i=0; while [ $i -lt 1234 ]; do
	echo "          <idle>-0       [001] d..2. 100.$i: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=1 next_prio=120"
	i=$((i + 1))
done >"$tmp/sw.txt"
refused 1 "found 1234 sched_switch events, no kmem\\|no kmem events: found 1234 sched_switch events" \
	"1234 sched_switch events" "$km" replay "$tmp/sw.txt"
printf 'hello\nworld\n' >"$tmp/words.txt"
refused 1 'no "task-pid \[CPU\] timestamp: event:" head: hello' "text that is no trace: the first line quoted" \
	"$km" replay "$tmp/words.txt"

# binary formats, by their magic bytes whatever the name
printf 'PERFILE2\150\0\0\0\0\0\0\0' >"$tmp/perf.txt"
refused 1 "perf script" "perf.data (named .txt)" "$km" replay "$tmp/perf.txt"
refused 1 "ELF" "an ELF binary" "$km" replay "$km"
printf '\004\042\115\030\144\100\247' >"$tmp/t.lz4"
refused 1 "lz4" "lz4" "$km" replay "$tmp/t.lz4"
head -c 8192 /dev/urandom >"$tmp/random.trace" 2>/dev/null ||
	awk 'BEGIN { srand(7); for (i = 0; i < 8192; i++) printf "%c", int(rand() * 255) + 1 }' >"$tmp/random.trace"
# one random byte in 256 is 0x1f: make sure the head is not gzip's magic
printf 'X' | dd of="$tmp/random.trace" bs=1 count=1 conv=notrunc 2>/dev/null
refused 1 "binary data" "random bytes" "$km" replay "$tmp/random.trace"
if command -v gzip >/dev/null 2>&1; then
	gzip -c "$tmp/random.trace" >"$tmp/random.txt"	# gzip named .txt
	refused 1 "binary data" "gzip of random bytes named .txt" "$km" replay "$tmp/random.txt"
fi
if command -v xz >/dev/null 2>&1; then
	xz -c tests/data/trace-ls.dat >"$tmp/ls.dat.xz"
	refused 1 "compressed trace.dat" "an xz-compressed trace.dat" "$km" replay "$tmp/ls.dat.xz"
fi

# compressed traces under misleading names: read by their magic
for z in zstd bzip2; do
	command -v $z >/dev/null 2>&1 || { echo "skip: no $z"; continue; }
	$z -c "$ex" >"$tmp/trace.txt" 2>/dev/null
	"$km" replay --policies slub --format csv "$tmp/trace.txt" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q "built without" "$tmp/err"; then echo "skip: $z not built in"; continue; fi
	if [ $rc = 0 ] && grep -q "^events,int,3000," "$tmp/out"; then
		pass "$z data named .txt: 3000 events"
	else fail "$z data named .txt: exit $rc"; cat "$tmp/err"; fi
	# two streams one after the other (pzstd, pbzip2, cat a b)
	{ $z -c "$ex"; $z -c "$ex"; } >"$tmp/two.$z" 2>/dev/null
	"$km" replay --policies slub --format csv "$tmp/two.$z" >"$tmp/out" 2>"$tmp/err"
	if grep -q "^events,int,6000," "$tmp/out"; then pass "$z: two concatenated streams read"
	else fail "$z: concatenated streams"; cat "$tmp/err"; fi
	# cut short: exit 1, "truncated"; the events decoded before the cut
	# are reported (bzip2 decodes nothing before its first 900k block ends)
	$z -c "$ex" | head -c 20000 >"$tmp/cut.$z"
	"$km" replay --policies slub "$tmp/cut.$z" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 1 ] && grep -q "truncated" "$tmp/err"; then pass "truncated $z: exit 1, says truncated"
	else fail "truncated $z: exit $rc"; cat "$tmp/err"; fi
	if [ $z = zstd ]; then
		if grep -q "^What was read" "$tmp/out"; then pass "truncated zstd: report of what was read"
		else fail "truncated zstd: no report"; fi
	fi
done

# option values checked before anything runs (the trace need not exist)
refused 2 "at most" "--ram 16T names the limit" "$km" replay --ram 16T no-such-trace
refused 2 "below one pageblock" "--ram 1M names the limit" "$km" replay --ram 1M no-such-trace
if "$km" replay --ram 16T "$tmp/empty.txt" 2>&1 | grep -q "is empty"; then
	fail "--ram checked after the input was read"
else pass "--ram checked before the input is read"; fi

echo "$fails failure(s)"
[ "$fails" = 0 ]

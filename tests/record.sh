#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# record.sh - `kmemsim record` and `kmemsim replay --record` on the real
# kernel: a capture of `ls -R /usr/share/doc`, replayed with 100% SLUB
# size-class fidelity on this machine (the kernel's own bytes_alloc against
# the simulated SLUB's), its call sites in the call-site tables, and the
# instance gone on every way out (COMMAND failing, not found, SIGINT).
# Needs root, tracefs and the kmem tracepoints: SKIPs (exit 77) otherwise.
# Usage errors are checked whatever the machine.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-record.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
expect_exit() { # want, description, command...
	want=$1; what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ]; then pass "$what (exit $rc)"; else
		fail "$what: exit $rc, expected $want"; head -20 "$tmp/out" "$tmp/err"; fi
}
expect_grep() { # file, pattern, description
	if grep -q -- "$2" "$1"; then pass "$3"; else
		fail "$3: no '$2' in:"; head -20 "$1"; fi
}
no_file() { # path, description
	if ls "$1"* >/dev/null 2>&1; then fail "$2: left $(ls "$1"*)"; else pass "$2"; fi
}
cd "$tmp"

# usage: checked before anything touches tracefs, as any user
expect_exit 0 "record --help" "$km" record --help
expect_grep "$tmp/out" "usage: kmemsim record" "--help prints the usage"
expect_exit 2 "record without COMMAND" "$km" record -o x.trace
expect_exit 2 "unknown event" "$km" record --events kmalloc,sched_switch -o x.trace -- true
expect_grep "$tmp/err" "'sched_switch' is not a kmem event" "the bad event is named"
expect_exit 2 "--all with a COMMAND" "$km" record --all -- true
expect_exit 2 "--duration without --all" "$km" record --duration 1s -- true
expect_exit 2 "bad --buffer-kb" "$km" record --buffer-kb 0 -- true
expect_exit 2 "replay --record without COMMAND" "$km" replay --record
expect_exit 2 "replay --record and a TRACE" "$km" replay --record x.trace -- true
no_file x.trace "usage errors leave no file"

# can this machine record?
if [ "$(id -u)" != 0 ]; then
	expect_exit 1 "not root" "$km" record -o nr.trace -- true
	expect_grep "$tmp/err" "needs root" "not root: says root is needed"
	no_file nr.trace "not root: no file"
	echo "SKIP: not root: no real capture"; exit 77
fi
"$km" record -o probe.trace -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then
	if grep -q "tracefs\|lockdown\|no kmem tracepoints\|none of the kmem\|without libtracefs" "$tmp/err"; then
		echo "SKIP: cannot record here: $(cat "$tmp/err")"
		no_file probe.trace "failed recording leaves no file" >/dev/null
		exit 77
	fi
	fail "record -- true: exit $rc"; cat "$tmp/err"
fi
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] || T=/sys/kernel/tracing
# leaked instances: kmemsim-PID whose recorder is gone (other recorders,
# e.g. another test run on the same machine, may be running meanwhile)
inst_count() {
	n=0
	for i in $(ls "$T/instances" 2>/dev/null | grep '^kmemsim-[0-9][0-9]*$'); do
		kill -0 "${i#kmemsim-}" 2>/dev/null || n=$((n + 1))
	done
	echo $n
}
before=$(inst_count)

# the capture
expect_exit 0 "record ls -R /usr/share/doc" "$km" record -o ls.trace.xz -- ls -R /usr/share/doc
cp "$tmp/err" rec.err
cat rec.err
expect_grep rec.err "^kmemsim record: [0-9][0-9]* events recorded, [0-9][0-9]* lost" \
	"events recorded and lost reported"
if [ -f ls.trace.xz ] && xz -t ls.trace.xz 2>/dev/null; then pass "a complete .xz file"
else fail "ls.trace.xz missing or not valid xz"; fi
no_file ls.trace.xz.tmp "no temporary file left"
if [ "$(inst_count)" = "$before" ]; then pass "the instance is gone"
else fail "a kmemsim-* instance is left in $T/instances"; fi
n=$(sed -n 's/^kmemsim record: \([0-9]*\) events recorded.*/\1/p' rec.err)
lines=$(xz -dc ls.trace.xz | grep -c ': \(kmalloc\|kfree\|kmem_cache_alloc\|kmem_cache_free\|mm_page_alloc\|mm_page_free\|mm_page_free_batched\|kmalloc_node\|kmem_cache_alloc_node\): ')
if [ -n "$n" ] && [ "$n" -gt 1000 ] && [ "$n" = "$lines" ]; then
	pass "$n events recorded = $lines event lines in the file"
else fail "events recorded '$n' vs event lines $lines"; fi

# replayed: 100% SLUB fidelity, call sites
expect_exit 0 "replay the recording" "$km" replay --policies slub --format csv ls.trace.xz
cp "$tmp/out" ls.csv
ev=$(sed -n 's/^events,int,\([0-9]*\),.*/\1/p' ls.csv)
if [ "$ev" = "$n" ]; then pass "replay read all $ev events"; else fail "replay read '$ev' events, recorded $n"; fi
row=$(grep '^slub,' ls.csv | sed -n '/^slub,[0-9]*,[0-9]*,[0-9.]*,[0-9]*,[0-9]*,[0-9.]*$/p' | head -1)
echo "fidelity: $row"
case $row in
slub,*,*,100.00,*,*,100.00) pass "SLUB size classes and slot sizes 100% faithful ($row)" ;;
*) fail "SLUB fidelity below 100%: '$row'"; sed -n '/^# fidelity/,/^# callers/p' ls.csv | head -30 ;;
esac
# the most frequent kmalloc call site of the trace is in the call-site table
site=$(xz -dc ls.trace.xz | sed -n 's/.* kmalloc: call_site=\([^ ]*\) .*/\1/p' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
if [ -n "$site" ] && sed -n '/^# callers\/by-bytes/,/^$/p' ls.csv | grep -q "^$site,"; then
	pass "top kmalloc call site $site in the call-site table"
else fail "call site '$site' not in callers/by-bytes"; sed -n '/^# callers\/by-bytes/,/^$/p' ls.csv; fi

# record and replay in one step
expect_exit 0 "replay --record -- ls -R /usr/share/doc" "$km" replay --record --policies slub --format csv -- ls -R /usr/share/doc
cp "$tmp/out" rr.csv
row=$(grep '^slub,' rr.csv | sed -n '/^slub,[0-9]*,[0-9]*,[0-9.]*,[0-9]*,[0-9]*,[0-9.]*$/p' | head -1)
case $row in
slub,*,*,100.00,*,*,100.00) pass "replay --record: SLUB 100% faithful ($row)" ;;
*) fail "replay --record: SLUB fidelity '$row'" ;;
esac
expect_grep "$tmp/err" "events recorded" "replay --record reports the recording on stderr"
if grep -q "^usr/share/doc\|^/usr/share/doc:" rr.csv; then fail "COMMAND output in the report"
else pass "COMMAND's output kept out of the report"; fi

# every way out removes the instance
expect_exit 1 "COMMAND fails" "$km" record -o false.trace -- false
expect_grep "$tmp/err" "false exited with status 1" "the failing status is reported"
if [ -s false.trace ]; then pass "the failing COMMAND's trace is kept"; else fail "no false.trace"; fi
expect_exit 1 "COMMAND not found" "$km" record -o nf.trace -- /nonexistent/command
expect_grep "$tmp/err" "cannot run /nonexistent/command" "the missing command is named"
no_file nf.trace "COMMAND not found: no file"
"$km" record -o int.trace -- sleep 20 >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
if [ $rc = 1 ] && grep -q "stopped by SIGINT" "$tmp/err"; then pass "SIGINT stops the recording (exit 1: sleep was interrupted)"
else fail "SIGINT: exit $rc"; cat "$tmp/err"; fi
if tail -1 int.trace 2>/dev/null | grep -q "^# kmemsim record: [0-9]* events"; then
	pass "the interrupted trace is complete"; else fail "interrupted trace incomplete"; fi
expect_exit 1 "unwritable output" "$km" record -o /nonexistent/dir/x.trace -- true
# --all on a busy machine: the pipe refills as fast as it is read (the
# recorder's own writes allocate), yet the duration still ends it
expect_exit 0 "--all --duration 200ms" timeout 60 "$km" record --all --duration 200ms -o all.trace.zst
if [ "$(inst_count)" = "$before" ]; then pass "no instance left after all of these"
else fail "kmemsim-* instance left: $(ls "$T/instances")"; fi
# a recording of nothing but `true` still replays (exec's own allocations)
expect_exit 0 "replay a short recording" "$km" replay --policies slub probe.trace

echo "$fails failure(s)"
[ "$fails" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tracedat.sh - `kmemsim replay FILE.dat` reads trace-cmd's binary trace.dat:
# every event of every CPU buffer, counted per event exactly as `trace-cmd
# report` lists them.
#
#  1. tests/data/trace-ls.dat, a real trace.dat (tests/data/make-trace-dat.sh
#     says how it was made): kmemsim's events per type must equal
#     tests/data/trace-ls.dat.counts (trace-cmd report's, when the file was
#     made) and, when trace-cmd is installed, trace-cmd report's now.
#  2. As root with tracefs and trace-cmd: a trace.dat made here with
#     `trace-cmd extract` from a private instance that traced
#     `ls -R /usr/share/doc`, checked the same way against trace-cmd report.
#     Skipped (not failed) where that cannot run.
# The whole test SKIPs (exit 77) when kmemsim was built without libtracecmd.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-tracedat.$$
inst=
mkdir -p "$tmp"
cleanup() {
	[ -n "$inst" ] && [ -d "$inst" ] && rmdir "$inst" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

cd "$srcdir"
dat=tests/data/trace-ls.dat

"$km" replay --policies slub --format csv "$dat" >"$tmp/csv" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "without libtracecmd" "$tmp/err"; then
	echo "SKIP: kmemsim built without libtracecmd"; exit 77
fi

# kmemsim's "input/events" table as "name count" lines, zero rows dropped
kmemsim_counts() { # csv file
	sed -n '/^# input\/events$/,/^$/p' "$1" | sed '1,2d;/^$/d' |
		awk -F, '$2 != 0 { print $1, $2 }' | sort
}
# trace-cmd report's events per name: the token after the timestamp
report_counts() { # trace.dat
	trace-cmd report "$1" 2>/dev/null | awk '{
		for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) {
			n = $(i + 1); sub(/:$/, "", n); c[n]++; break } }
		END { for (k in c) print k, c[k] }' | sort
}
same_counts() { # expected-file, actual-file, what
	if cmp -s "$1" "$2"; then pass "$3"; else
		fail "$3"; echo "expected:"; cat "$1"; echo "kmemsim:"; cat "$2"; fi
}

# 1. the committed trace.dat
if [ $rc -eq 0 ]; then pass "replay $dat (exit 0)"; else
	fail "replay $dat: exit $rc"; cat "$tmp/err"; fi
kmemsim_counts "$tmp/csv" >"$tmp/k.counts"
same_counts tests/data/trace-ls.dat.counts "$tmp/k.counts" \
	"$dat: events per type = trace-cmd report's (recorded with the file)"
if grep -q "^slub,17,17,100.00,12,12,100.00$" "$tmp/csv"; then
	pass "$dat: SLUB size classes and slot sizes 100% faithful"
else fail "$dat: SLUB fidelity row"; grep "^slub," "$tmp/csv" | head -3; fi
if grep -q "^# callers/by-bytes" "$tmp/csv" && grep -q "^getname_flags.part.0+0x" "$tmp/csv"; then
	pass "$dat: call sites symbolised from the file's kallsyms"
else fail "$dat: no getname_flags call site"; fi
# the same bytes on standard input (a file: libtracecmd may seek it)
"$km" replay --policies slub --format csv - <"$dat" >"$tmp/csv2" 2>"$tmp/err"
kmemsim_counts "$tmp/csv2" >"$tmp/k2.counts"
same_counts tests/data/trace-ls.dat.counts "$tmp/k2.counts" "$dat on standard input"
# a pipe cannot be read: a clear error, exit 1
cat "$dat" | "$km" replay - >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "trace.dat must be read from a file" "$tmp/err"; then
	pass "trace.dat on a pipe refused (exit 1)"
else fail "trace.dat on a pipe: exit $rc"; cat "$tmp/err"; fi
# truncated in its headers, or in its ring-buffer data (where libtracecmd
# itself crashes: kmemsim must not): exit 1 with a message
for cut in 40000 70000; do
	head -c $cut "$dat" >"$tmp/cut.dat"
	"$km" replay "$tmp/cut.dat" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "truncated" "$tmp/err"; then
		pass "trace.dat cut at $cut bytes: exit 1, says truncated"
	else fail "trace.dat cut at $cut bytes: exit $rc"; cat "$tmp/err"; fi
done

if ! command -v trace-cmd >/dev/null 2>&1; then
	echo "skip: trace-cmd is not installed: no comparison with trace-cmd report"
	echo "$fails failure(s)"; [ "$fails" = 0 ]; exit
fi
report_counts "$dat" >"$tmp/r.counts"
same_counts "$tmp/r.counts" "$tmp/k.counts" "$dat: events per type = trace-cmd report's now"

# 2. a trace.dat made now with trace-cmd extract
T=/sys/kernel/tracing
if [ "$(id -u)" != 0 ]; then
	echo "skip: not root: no fresh trace.dat"
elif ! [ -d "$T/instances" ] && ! mount -t tracefs nodev "$T" 2>/dev/null; then
	echo "skip: no tracefs at $T: no fresh trace.dat"
elif ! [ -d "$T/events/kmem" ]; then
	echo "skip: this kernel has no kmem tracepoints: no fresh trace.dat"
else
	name=kmemsim-test-$$
	inst=$T/instances/$name
	if mkdir "$inst" 2>"$tmp/err"; then
		echo 0 >"$inst/tracing_on"
		echo 8192 >"$inst/buffer_size_kb"
		for e in kmalloc kfree kmem_cache_alloc kmem_cache_free mm_page_alloc mm_page_free mm_page_free_batched; do
			[ -d "$inst/events/kmem/$e" ] && echo 1 >"$inst/events/kmem/$e/enable"
		done
		echo 1 >"$inst/options/event-fork"
		sh -c 'echo $$ >"$1/set_event_pid"; echo 1 >"$1/tracing_on"; exec ls -R /usr/share/doc' sh "$inst" >/dev/null 2>&1
		echo 0 >"$inst/tracing_on"
		trace-cmd extract -B "$name" -o "$tmp/ls.dat" >"$tmp/extract.log" 2>&1
		rmdir "$inst" 2>/dev/null
		inst=
		if [ -s "$tmp/ls.dat" ]; then
			"$km" replay --policies slub --format csv "$tmp/ls.dat" >"$tmp/csv3" 2>"$tmp/err"
			rc=$?
			kmemsim_counts "$tmp/csv3" >"$tmp/k3.counts"
			report_counts "$tmp/ls.dat" >"$tmp/r3.counts"
			if [ $rc -eq 0 ]; then pass "trace-cmd extract's trace.dat replayed"; else
				fail "trace-cmd extract's trace.dat: exit $rc"; cat "$tmp/err"; fi
			same_counts "$tmp/r3.counts" "$tmp/k3.counts" \
				"fresh trace.dat ($(awk '{ s += $2 } END { print s }' "$tmp/r3.counts") events): events per type = trace-cmd report's"
		else
			echo "skip: trace-cmd extract made no file:"; cat "$tmp/extract.log"
		fi
	else
		echo "skip: cannot create a tracefs instance: $(cat "$tmp/err")"
	fi
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]

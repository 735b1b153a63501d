#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay.sh - the `kmemsim replay` command: formats, standard input,
# compressed input, bad input, exit codes, determinism.  Each check prints
# what it expected on failure.  The numbers are the excerpt's (grep -c, see
# tests/unit/check_replay.c); the engine's own rules are tested there.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-replay.$$
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
		fail "$3: no '$2' in:"; head -40 "$1"; fi
}
expect_empty() { # file, description
	if [ -s "$1" ]; then fail "$2: not empty:"; head -5 "$1"; else pass "$2"; fi
}
# the CSV report without the lines naming the input (title, meta, kv)
strip_name() { grep -v -e 'trace' -e 'Trace replay' "$1"; }

cd "$srcdir"
ex=tests/data/trace-excerpt.txt

# usage and exit codes
expect_exit 0 "replay --help" "$km" replay --help
expect_grep "$tmp/out" "usage: kmemsim replay TRACE|-" "--help prints the usage"
expect_exit 2 "no trace" "$km" replay
expect_exit 2 "unknown option" "$km" replay --frob "$ex"
expect_exit 2 "two traces" "$km" replay "$ex" "$ex"
expect_exit 2 "unknown policy" "$km" replay --policies slab,slab2 "$ex"
expect_grep "$tmp/err" "unknown policy 'slab2'" "the bad policy is named"
expect_exit 2 "repeated policy" "$km" replay --policies slub,slub "$ex"
expect_exit 2 "bad --ram" "$km" replay --ram 4X "$ex"
expect_exit 2 "bad --cpus" "$km" replay --cpus 0 "$ex"
expect_exit 2 "bad --format" "$km" replay --format svg "$ex"
expect_exit 2 "bad --series-interval" "$km" replay --series "$tmp/s.csv" --series-interval 5min "$ex"
expect_exit 1 "missing trace file" "$km" replay tests/data/no-such-trace.txt
expect_grep "$tmp/err" "no-such-trace.txt" "the missing file is named"
expect_exit 1 "unwritable output" "$km" replay -o "$tmp/no/such/dir/out" "$ex"

# the text report of the excerpt
expect_exit 0 "text report" "$km" replay "$ex"
expect_empty "$tmp/err" "no progress on stderr when it is not a terminal"
cp "$tmp/out" "$tmp/text"
expect_grep "$tmp/text" "^What was read" "the report opens with what was read"
expect_grep "$tmp/text" "^events  *3000$" "3000 events read"
expect_grep "$tmp/text" "^kmem_cache_free  *884$" "events per type"
expect_grep "$tmp/text" "^kmem_cache_free of an untraced allocation  *369$" "unmatched frees"
expect_grep "$tmp/text" "^slub  *77  *77  *100.00%  *27  *27  *100.00%$" "SLUB fidelity is 100%"
expect_grep "$tmp/text" "^Top call sites by waste" "call sites by waste"
expect_grep "$tmp/text" "^Run slob: slob" "a run per policy"

# JSON and CSV
expect_exit 0 "json report" "$km" replay --format json "$ex"
cp "$tmp/out" "$tmp/json"
expect_grep "$tmp/json" '"kind": "replay"' "JSON kind is replay"
if command -v python3 >/dev/null 2>&1; then
	if python3 -m json.tool "$tmp/json" >/dev/null 2>&1; then pass "JSON parses"
	else fail "JSON does not parse"; fi
fi
expect_exit 0 "csv report" "$km" replay --format=csv "$ex"
cp "$tmp/out" "$tmp/csv"
expect_grep "$tmp/csv" "^# fidelity/summary$" "CSV has the fidelity table"
expect_grep "$tmp/csv" "^slub,77,77,100.00,27,27,100.00$" "CSV fidelity row"
expect_exit 0 "html report" "$km" replay --format html -o "$tmp/o.html" "$ex"
expect_grep "$tmp/o.html" "<svg" "html report has inline charts"
if grep -q "<script" "$tmp/o.html"; then fail "html report has a script"; else pass "html report has no script"; fi
expect_exit 0 "-o FILE" "$km" replay --format csv -o "$tmp/o.csv" "$ex"
expect_empty "$tmp/out" "nothing on stdout with -o"
if cmp -s "$tmp/o.csv" "$tmp/csv"; then pass "-o writes the same report"
else fail "-o differs from stdout"; fi

# determinism: twice, byte for byte
"$km" replay --format json "$ex" >"$tmp/json2" 2>&1
if cmp -s "$tmp/json" "$tmp/json2"; then pass "replayed twice, byte-identical"
else fail "two replays differ"; fi

# standard input, and compressed files read directly
strip_name "$tmp/csv" >"$tmp/csv.ref"
"$km" replay --format csv - <"$ex" >"$tmp/stdin.csv" 2>"$tmp/err"
strip_name "$tmp/stdin.csv" >"$tmp/stdin.cmp"
if cmp -s "$tmp/csv.ref" "$tmp/stdin.cmp"; then pass "stdin gives the same report"
else fail "stdin differs"; diff "$tmp/csv.ref" "$tmp/stdin.cmp" | head; fi
for z in xz gzip zstd bzip2; do
	command -v $z >/dev/null 2>&1 || { echo "skip: no $z"; continue; }
	$z -c "$ex" >"$tmp/t.$z"
	"$km" replay --format csv "$tmp/t.$z" >"$tmp/z.csv" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q "built without" "$tmp/err"; then
		echo "skip: $z not configured in"; continue
	fi
	strip_name "$tmp/z.csv" >"$tmp/z.cmp"
	if [ $rc -eq 0 ] && cmp -s "$tmp/csv.ref" "$tmp/z.cmp"; then pass "$z file read directly"
	else fail "$z file: exit $rc"; cat "$tmp/err"; diff "$tmp/csv.ref" "$tmp/z.cmp" | head; fi
	cat "$tmp/t.$z" | "$km" replay --format csv - >"$tmp/z.csv" 2>"$tmp/err"
	strip_name "$tmp/z.csv" >"$tmp/z.cmp"
	if cmp -s "$tmp/csv.ref" "$tmp/z.cmp"; then pass "$z on stdin read directly"
	else fail "$z on stdin"; cat "$tmp/err"; fi
done

# bad input: counted and quoted, never fatal
expect_exit 0 "garbage" "$km" replay tests/data/trace-garbage.txt
expect_grep "$tmp/out" "^malformed lines  *12$" "malformed lines counted"
expect_grep "$tmp/out" "^ *2  *no .* head  *hello world$" "the first one quoted with its line"
expect_exit 0 "binary junk" "$km" replay tests/data/trace-binary.txt
expect_exit 0 "truncated last line" "$km" replay tests/data/trace-truncated.txt
# (empty, binary and event-less inputs are refused: tests/replay-input.sh)
head -c 20000 "$ex" >"$tmp/cut.txt"
expect_exit 0 "trace cut mid-line" "$km" replay "$tmp/cut.txt"
if command -v xz >/dev/null 2>&1; then
	xz -c "$ex" | head -c 12000 >"$tmp/cut.xz"
	expect_exit 1 "truncated .xz: read error" "$km" replay "$tmp/cut.xz"
	expect_grep "$tmp/out" "^What was read" "a truncated .xz still gets its report"
fi

# the line shapes of other tools
expect_exit 0 "trace-cmd report" "$km" replay tests/data/replay-cmd.txt
expect_grep "$tmp/out" "^sched_wakeup  *1$" "other events counted by name"
expect_exit 0 "perf script" "$km" replay tests/data/replay-perf.txt
expect_grep "$tmp/out" "^events without CPU  *1$" "perf without CPU column"

# options
expect_exit 0 "one policy" "$km" replay --policies slub --callers 3 "$ex"
expect_grep "$tmp/out" "^policies  slub$" "only SLUB replayed"
if grep -q "^Run slab" "$tmp/out"; then fail "SLAB ran"; else pass "no SLAB run"; fi
# counts: 0..100000 callers, 0..3 threads (one per policy); anything else is a usage error
for bad in x -1 100001 ""; do
	expect_exit 2 "--callers '$bad' refused" "$km" replay --callers "$bad" "$ex"
	expect_grep "$tmp/err" "--callers needs a number from 0 to 100000" "--callers '$bad': why"
done
expect_exit 0 "--callers 0x10 (hexadecimal, like every count)" "$km" replay --callers 0x10 "$ex"
expect_exit 2 "--threads 4 refused (3 policies)" "$km" replay --threads 4 "$ex"
expect_grep "$tmp/err" "--threads needs a number from 0 to 3" "--threads 4: why"
expect_exit 0 "--series" "$km" replay --series "$tmp/s.csv" --series-interval 1ms "$ex"
expect_grep "$tmp/s.csv" "^time_ns,slab,slub,slob$" "series header"
expect_grep "$tmp/s.csv" "^1000000," "series sampled every 1 ms"
expect_exit 0 "--progress" "$km" replay --progress "$ex"
expect_grep "$tmp/err" "events" "--progress reports on stderr"

# threads: the same bytes with the simulators on one thread each, on two,
# or all on the parsing thread (--threads 0).  A synthetic trace (awk, an
# LCG: the same on every machine) of 40,000 events over 4 CPUs, a little
# out of order, is ten blocks of simulator calls and more; --series samples
# every 1 ms; 16M of RAM makes every policy panic, each at its own line
# (order-7 page blocks), while the others go on; a truncated .xz stops the
# reader part way.  Deterministic, not timed.
awk -v N=40000 '
BEGIN {
	x = 12345; t = 5000000; live = 0; plive = 0
	split("vm_area_struct 192 192|dentry 192 192|kmalloc-64 64 64|filp 256 256|buffer_head 104 104|names_cache 4096 4096", c, "|")
	for (i = 1; i <= N; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		r = int(x / 65536) % 100
		cpu = int(x / 256) % 4
		t += (int(x / 4096) % 50) * 7
		ts = t; if (r % 17 == 0) ts = t - 3000	# a little out of order
		pre = sprintf("  t-%d [%03d] ..... %d.%06d: ", 100 + cpu, cpu, int(ts / 1000000), ts % 1000000)
		if (r < 30 || live == 0) {
			split(c[1 + int(x / 16) % 6], f, " ")
			p = sprintf("%016x", 4096 + int(x / 8) % 20000 * 64)
			printf "%skmem_cache_alloc: call_site=site%d+0x1/0x2 ptr=%s name=%s bytes_req=%d bytes_alloc=%d gfp_flags=GFP_KERNEL node=-1 accounted=false\n", pre, int(x / 32) % 7, p, f[1], f[2], f[3]
			obj[live++] = p
		} else if (r < 45) {
			sz = 8 + int(x / 64) % 3000
			p = sprintf("%016x", 90000000 + int(x / 8) % 20000 * 64)
			printf "%skmalloc: call_site=km%d+0x1/0x2 ptr=%s bytes_req=%d bytes_alloc=%d gfp_flags=GFP_KERNEL node=-1 accounted=false\n", pre, int(x / 32) % 5, p, sz, sz
			obj[live++] = p
		} else if (r < 80) {
			k = int(x / 128) % live
			printf "%skfree: call_site=fr+0x1/0x2 ptr=%s\n", pre, obj[k]
			obj[k] = obj[--live]
		} else if (r < 92 || plive == 0) {
			pfn = 65536 + int(x / 8) % 30000 * 4
			o = r % 11 == 0 ? 7 : int(x / 4) % 3
			printf "%smm_page_alloc: page=%016x pfn=0x%x order=%d migratetype=1 gfp_flags=GFP_KERNEL\n", pre, pfn * 64, pfn, o
			pg[plive] = pfn; po[plive++] = o
		} else {
			k = int(x / 128) % plive
			printf "%smm_page_free: page=%016x pfn=0x%x order=%d\n", pre, pg[k] * 64, pg[k], po[k]
			pg[k] = pg[--plive]; po[k] = po[plive]
		}
	}
}
' >"$tmp/gen.txt"
threads_same() { # description, input, options...
	what=$1; in=$2; shift 2
	"$km" replay --threads 0 "$@" "$in" >"$tmp/t0" 2>"$tmp/t0.err"
	rc0=$?
	for t in 1 2 3 default; do
		if [ $t = default ]; then "$km" replay "$@" "$in" >"$tmp/tn" 2>"$tmp/tn.err"
		else "$km" replay --threads $t "$@" "$in" >"$tmp/tn" 2>"$tmp/tn.err"; fi
		rc=$?
		if [ $rc = $rc0 ] && cmp -s "$tmp/t0" "$tmp/tn" && cmp -s "$tmp/t0.err" "$tmp/tn.err"
		then pass "$what: --threads $t as --threads 0 (exit $rc)"
		else fail "$what: --threads $t: exit $rc (serial $rc0), output differs"
			diff "$tmp/t0" "$tmp/tn" | head -5; diff "$tmp/t0.err" "$tmp/tn.err" | head -5; fi
	done
}
expect_grep "$tmp/gen.txt" "mm_page_free" "the synthetic trace has page frees"
threads_same "json with series" "$tmp/gen.txt" --format json --series-interval 1ms
threads_same "text" "$tmp/gen.txt" --callers 20
threads_same "16M: panics" "$tmp/gen.txt" --ram 16M --format csv
expect_grep "$tmp/tn.err" "slob: the simulated kernel panicked" "16M: a simulated kernel panicked"
threads_same "64M" "$tmp/gen.txt" --ram 64M --series "$tmp/gen-s.csv"
threads_same "two policies" "$tmp/gen.txt" --policies slob,slab --format json
threads_same "one policy" "$tmp/gen.txt" --policies slub --format json
if command -v xz >/dev/null 2>&1; then
	xz -c "$tmp/gen.txt" | head -c 150000 >"$tmp/gen-cut.xz"
	threads_same "truncated .xz" "$tmp/gen-cut.xz" --format json
	expect_grep "$tmp/tn.err" "the report covers what was read" "truncated .xz: a read error"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]

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
expect_exit 0 "--series" "$km" replay --series "$tmp/s.csv" --series-interval 1ms "$ex"
expect_grep "$tmp/s.csv" "^time_ns,slab,slub,slob$" "series header"
expect_grep "$tmp/s.csv" "^1000000," "series sampled every 1 ms"
expect_exit 0 "--progress" "$km" replay --progress "$ex"
expect_grep "$tmp/err" "events" "--progress reports on stderr"

echo "$fails failure(s)"
[ "$fails" = 0 ]

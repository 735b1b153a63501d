#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# compare.sh - `kmemsim compare` and the reports of `kmemsim run`: the pinned
# table of the default scenario (twice, byte-identical), valid JSON, the
# formats and -o, exit codes, --report/--no-report, and sampling being
# read-only (a run with and without time series is the same run).
#
#   compare.sh            the test (make check)
#   compare.sh --update   rewrite tests/golden/expected/compare-default.out
#                         (make update-golden does; review the diff!)
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
update=no
[ "${1:-}" = "--update" ] && update=yes
tmp=${TMPDIR:-/tmp}/kmemsim-compare.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

expect_exit() { # want, description, command...
	want=$1; what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ]; then pass "$what (exit $rc)"; else
		fail "$what: exit $rc, expected $want"; cat "$tmp/out" "$tmp/err"; fi
}
expect_grep() { # file, pattern, description
	if grep -q -- "$2" "$1"; then pass "$3"; else
		fail "$3: no '$2' in:"; head -40 "$1"; fi
}
expect_no_grep() { # file, pattern, description
	if grep -q -- "$2" "$1"; then fail "$3: '$2' found"; else pass "$3"; fi
}
# valid JSON, by python3 if there is one (a visible note otherwise)
expect_json() { # file, description
	if ! command -v python3 >/dev/null 2>&1; then
		echo "note: no python3, JSON of $2 not parsed"; return; fi
	if python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>"$tmp/jerr"
	then pass "$2 is valid JSON"; else fail "$2 is not valid JSON"; cat "$tmp/jerr"; fi
}

cd "$srcdir"

# ---- the default scenario, pinned ----
expected=tests/golden/expected/compare-default.out
"$km" compare >"$tmp/d1" 2>&1
rc1=$?
"$km" compare >"$tmp/d2" 2>&1
rc2=$?
if [ "$update" = yes ]; then
	cp "$tmp/d1" "$expected"
	echo "updated $expected (exit $rc1)"
	exit 0
fi
if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then pass "compare on the default scenario (exit 0)"; else
	fail "compare on the default scenario: exit $rc1, $rc2"; cat "$tmp/d1"; fi
if cmp -s "$tmp/d1" "$tmp/d2"; then pass "two compares byte-identical"; else
	fail "two compares differ"; diff -u "$tmp/d1" "$tmp/d2" | head -40; fi
if diff -u "$expected" "$tmp/d1" >"$tmp/diff"; then pass "compare matches $expected"; else
	fail "compare differs from $expected (make update-golden, then review)"
	head -60 "$tmp/diff"; fi
for p in slab slub slob; do
	expect_grep "$tmp/d1" "policy used  *.*$p" "the table has a $p column"
done

# ---- formats ----
expect_exit 0 "compare --format json" "$km" compare tests/golden/compare-mix.lua --format json
cp "$tmp/out" "$tmp/c.json"
expect_json "$tmp/c.json" "compare --format json"
expect_grep "$tmp/c.json" '"kind": *"compare"' "the JSON is a compare report"
expect_grep "$tmp/c.json" '"label": *"slob"' "the JSON carries the run of each policy"
expect_grep "$tmp/c.json" '"id": *"output"' "the runs keep the scenario's output"
"$km" compare tests/golden/compare-mix.lua >"$tmp/t.txt" 2>&1
# the scenario's output follows the table under its own heading, never in it
if awk '/^What the scenario printed$/ { sec = 1 } /captured, never in the table/ { n++; if (!sec) bad = 1 }
	END { exit !(n == 3 && !bad) }' "$tmp/t.txt"; then
	pass "the scenario's output (each policy's) follows the table in its own section"
else
	fail "the scenario's output is missing or inside the table"
fi
"$km" compare tests/golden/compare-mix.lua --format json >"$tmp/c2.json" 2>&1
if cmp -s "$tmp/c.json" "$tmp/c2.json"; then pass "compare JSON byte-identical twice"; else
	fail "compare JSON differs between two runs"; fi

expect_exit 0 "compare -o FILE.html" "$km" compare tests/golden/compare-mix.lua -o "$tmp/c.html"
expect_grep "$tmp/c.html" "<svg " "the HTML has inline SVG"
expect_no_grep "$tmp/c.html" "<script" "the HTML has no script"
expect_exit 0 "compare --format csv" "$km" compare tests/golden/compare-mix.lua --format csv
expect_grep "$tmp/out" "^metric,unit,slab,slub,slob" "CSV has the side-by-side table"
expect_exit 0 "compare --format svg --block" "$km" compare tests/golden/compare-mix.lua \
	--format svg --block compare/figures
expect_grep "$tmp/out" "^<svg " "one chart as SVG"

# run: the full report (JSON to stdout stays valid: the script's output goes to stderr)
cat >"$tmp/talk.lua" <<'LUA'
local km = require "kmemsim"
print("hello from the scenario")
local sim = km.new{ ram = "32M" }
for i = 1, 200 do sim:kmalloc(8 * i) end
LUA
expect_exit 0 "run --format json" "$km" run "$tmp/talk.lua" --format json
cp "$tmp/out" "$tmp/r.json"
expect_json "$tmp/r.json" "run --format json"
expect_grep "$tmp/err" "hello from the scenario" "the script's output went to stderr"
for sec in summary memory gfp slab latency timeline vmstat; do
	expect_grep "$tmp/r.json" "\"id\": *\"$sec\"" "run report has section $sec"
done
expect_grep "$tmp/r.json" '"type": *"memmap"' "run report has a memory map"
expect_grep "$tmp/r.json" '"type": *"series"' "run report has time series"
expect_exit 0 "run -o FILE.json (format from the name)" "$km" run "$tmp/talk.lua" -o "$tmp/r2.json"
expect_json "$tmp/r2.json" "run -o FILE.json"
expect_exit 0 "run -o FILE.html" "$km" run "$tmp/talk.lua" -o "$tmp/r.html"
expect_grep "$tmp/r.html" "<svg " "run HTML has inline SVG"
expect_exit 0 "run --format text" "$km" run "$tmp/talk.lua" --format text
expect_grep "$tmp/out" "^/proc/buddyinfo:" "text report has /proc/buddyinfo"
expect_grep "$tmp/out" "^Memory map" "text report has the memory map"
expect_grep "$tmp/out" "^hello from the scenario" "text report follows the script's output"

# ---- the short end-of-run report ----
expect_exit 0 "run, script silent" "$km" run tests/golden/run-report.lua
expect_grep "$tmp/out" "^End of run: sim<slub>#1" "short report when the script printed nothing"
expect_exit 0 "run, script printed" "$km" run "$tmp/talk.lua"
expect_no_grep "$tmp/out" "End of run" "no short report when the script printed"
expect_exit 0 "run --report" "$km" run "$tmp/talk.lua" --report
expect_grep "$tmp/out" "End of run: sim<slub>#1" "--report forces it"
expect_exit 0 "run --no-report" "$km" run tests/golden/run-report.lua --no-report
if [ -s "$tmp/out" ]; then fail "--no-report printed:"; cat "$tmp/out"; else
	pass "--no-report suppresses it"; fi

# ---- exit codes ----
expect_exit 1 "a policy fails" "$km" compare tests/golden/compare-fail.lua
expect_grep "$tmp/out" "failed" "the failing column says so"
expect_grep "$tmp/err" "compare-fail.lua:11:" "the error names FILE:LINE"
expect_exit 1 "--policies slob only, failing" "$km" compare tests/golden/compare-fail.lua --policies slob
expect_exit 0 "--policies slub only" "$km" compare tests/golden/compare-fail.lua --policies slub
expect_exit 2 "unknown policy" "$km" compare --policies slub,slab2
expect_exit 2 "policy twice" "$km" compare --policies slub,slub
expect_exit 2 "--policy is run's" "$km" compare --policy slab
expect_exit 2 "--policies is compare's" "$km" run --policies slab
expect_exit 2 "bad format" "$km" compare --format pdf
expect_exit 2 "svg needs a block" "$km" run --format svg
expect_exit 2 "bad --sample" "$km" run --sample 10parsecs
expect_exit 1 "missing scenario" "$km" compare tests/no-such-file.lua
expect_exit 1 "unwritable -o" "$km" compare tests/golden/compare-mix.lua -o "$tmp/no/such/dir/x.json"
expect_exit 2 "no such section: refused before the run" "$km" run "$tmp/talk.lua" --block nope/nothing
expect_exit 1 "no such block: known after the run" "$km" run "$tmp/talk.lua" --block memory/nothing

# ---- sampling only reads: the same run with and without it ----
cat >"$tmp/state.lua" <<'LUA'
local km = require "kmemsim"
local sim = km.new{ ram = "32M" }
local t = {}
for i = 1, 3000 do
  t[#t + 1] = sim:kmalloc(math.random(8, 2048))
  if i % 3 == 0 then sim:kfree(table.remove(t, math.random(1, #t))) end
  if i % 700 == 0 then sim:advance("3ms") end
end
print(sim:now(), sim:buddyinfo())
print(sim:slabinfo())
LUA
"$km" run "$tmp/state.lua" >"$tmp/s0" 2>&1
"$km" run "$tmp/state.lua" --sample 7 >"$tmp/s1" 2>&1
"$km" run "$tmp/state.lua" --sample 1ms >"$tmp/s2" 2>&1
"$km" run "$tmp/state.lua" --sample auto >"$tmp/s3" 2>&1
if cmp -s "$tmp/s0" "$tmp/s1" && cmp -s "$tmp/s0" "$tmp/s2" && cmp -s "$tmp/s0" "$tmp/s3"
then pass "sampling by operations, by time and auto leave the run unchanged"
else fail "sampling changed the run"; diff -u "$tmp/s0" "$tmp/s2" | head -20; fi
expect_exit 0 "run --sample 1ms --format json" "$km" run "$tmp/state.lua" --sample 1ms --format json
expect_grep "$tmp/out" '"kind": *"time_ns"' "time sampling gives a time axis"
expect_exit 0 "sim:report() from a script" "$km" run - <<'LUA'
local km = require "kmemsim"
local sim = km.new{ ram = "16M" }
sim:sample{ every = 10 }
for i = 1, 100 do sim:kmalloc(64) end
local j = sim:report("json")
assert(j:find('"kind": "run"', 1, true) and j:find('"timeline"', 1, true), j:sub(1, 200))
assert(sim:report():find("Object caches", 1, true))
print("ok")
LUA

echo "$fails failure(s)"
[ "$fails" = 0 ]

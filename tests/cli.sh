#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cli.sh - the kmemsim command's contract: exit codes, error locations,
# sandbox, determinism.  Each check prints what it expected on failure.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-cli.$$
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
		fail "$what: exit $rc, expected $want"; cat "$tmp/out" "$tmp/err"; fi
}
expect_grep() { # file, pattern, description
	if grep -q -- "$2" "$1"; then pass "$3"; else
		fail "$3: no '$2' in:"; cat "$1"; fi
}
expect_nogrep() { # file, pattern, description
	if grep -q -- "$2" "$1"; then fail "$3: '$2' in:"; cat "$1"; else
		pass "$3"; fi
}

cd "$srcdir"

expect_exit 0 "--help" "$km" --help
expect_grep "$tmp/out" "usage: kmemsim run" "--help prints usage"
expect_exit 0 "--version" "$km" --version
expect_grep "$tmp/out" "^kmemsim [0-9]" "--version prints the version"
expect_exit 2 "no command" "$km"
expect_exit 2 "unknown command" "$km" frobnicate
expect_exit 2 "unknown option" "$km" run --frob tests/lua/api_core.lua
expect_exit 2 "bad seed" "$km" run --seed=-3 tests/lua/api_core.lua
expect_exit 2 "bad policy" "$km" run --policy=slab2 tests/lua/api_core.lua
expect_grep "$tmp/err" "unknown policy 'slab2'" "bad policy is named"

# scenario errors: FILE:LINE and exit 1
expect_exit 1 "syntax error" "$km" run tests/lua/syntax_error.lua
expect_grep "$tmp/err" "tests/lua/syntax_error.lua:4:" "syntax error names FILE:LINE"
expect_exit 1 "runtime error" "$km" run tests/lua/runtime_error.lua
expect_grep "$tmp/err" "tests/lua/runtime_error.lua:4:" "runtime error names FILE:LINE"
expect_grep "$tmp/err" "stack traceback" "runtime error has a traceback"
# only frames that help: the function and its caller, no C frames (error,
# the method that raised, the "[C]: in ?" of the chunk's caller)
expect_grep "$tmp/err" "^	tests/lua/runtime_error.lua:4: in local 'go'$" "the traceback names the function"
expect_grep "$tmp/err" "^	tests/lua/runtime_error.lua:5: in main chunk$" "... and its caller"
expect_nogrep "$tmp/err" "\[C\]" "no C frame in the traceback"
# an error raised on the main chunk's own line: the message says it all
printf 'local km = require "kmemsim"\nkm.new{ rams = "64M" }\n' >"$tmp/typo.lua"
expect_exit 1 "an option typo" "$km" run "$tmp/typo.lua"
expect_grep "$tmp/err" "typo.lua:2: unknown option 'rams' (did you mean 'ram'?)" "the typo names its line"
expect_nogrep "$tmp/err" "stack traceback" "a one-frame traceback is left out"
expect_nogrep "$tmp/err" "in ?" "no empty '[C]: in ?' frame"
# one raised from an embedded module on the script's behalf: its frames are
# the machinery, the script's line is where to look
printf 'local km = require "kmemsim"\nlocal wl = require "kmemsim.workload"\nlocal function mk() local p = wl.steady{ opss = 1 }; return p end\nmk()\n' >"$tmp/wl.lua"
expect_exit 1 "a phase typo" "$km" run "$tmp/wl.lua"
expect_grep "$tmp/err" "wl.lua:3: wl.steady: unknown option 'opss' (did you mean 'ops'?)" "the phase typo names the script's line"
expect_grep "$tmp/err" "^	.*wl.lua:4: in main chunk$" "the caller is shown"
expect_nogrep "$tmp/err" "lua/kmemsim/workload.lua" "the module's own frames are not"
# a runaway recursion: the first and the last frames, the rest counted
printf 'local function f(n) return 1 + f(n + 1) end\nf(1)\n' >"$tmp/deep.lua"
expect_exit 1 "a runaway recursion" "$km" run "$tmp/deep.lua"
expect_grep "$tmp/err" "(skipping [0-9]* levels)" "a deep stack is cut"
if [ "$(grep -c "deep.lua:1: in " "$tmp/err")" -le 30 ]; then pass "a deep stack shows a few frames"
else fail "a deep stack shows $(grep -c "deep.lua:1: in " "$tmp/err") frames"; fi
expect_exit 1 "missing file" "$km" run tests/lua/no-such-file.lua
expect_grep "$tmp/err" "no-such-file.lua" "missing file is named"
expect_exit 1 "runaway script" "$km" run --max-steps=1000000 tests/lua/runaway.lua
expect_grep "$tmp/err" "max-steps" "runaway script names --max-steps"

# --block is checked before the scenario runs: a typo costs no run
printf 'require("kmemsim").new{ ram = "32M" }\nprint("the scenario ran")\n' >"$tmp/ran.lua"
expect_exit 2 "--block without a section" "$km" run "$tmp/ran.lua" --block nosuch
expect_grep "$tmp/err" "needs a path SECTION/BLOCK (e.g. memory/map" "a path is asked for"
expect_nogrep "$tmp/out" "the scenario ran" "before the scenario ran"
expect_exit 2 "--block with a misspelt section" "$km" run "$tmp/ran.lua" --block memry/map
expect_grep "$tmp/err" "no section 'memry' in a run's report (did you mean 'memory'?); sections: summary" "the section is named, with a suggestion"
expect_nogrep "$tmp/out" "the scenario ran" "before the scenario ran"
expect_exit 2 "--block with a run label that is none" "$km" run "$tmp/ran.lua" --block simx/memory/map
expect_exit 2 "compare --block of a policy not compared" "$km" compare "$tmp/ran.lua" --policies slab,slub --block slob/memory/map
expect_grep "$tmp/err" "'slob' is none of the policies compared (slab, slub)" "the policies are listed"
# a block a section lacks is known only after the run: the report is then
# not written, and the message lists what there is
expect_exit 1 "--block of a block the report lacks" "$km" run "$tmp/ran.lua" --block memory/mapp
expect_grep "$tmp/err" "the report has no block 'memory/mapp' (did you mean 'memory/map'?); its section has: .* memory/map " "the blocks of the section are listed"
# every section real reports have passes the check (the lists in
# cmd_scenario.c keep up with the report builders): a report lists its
# blocks when asked for one of a run it does not have
cat >"$tmp/bugs.lua" <<'LUA'
local km = require "kmemsim"
local a = km.new{ ram = "32M" }
a:kfree(0xffff888000000040)
if km.params.two then km.new{ ram = "32M" }:kfree(0xffff888000000040) end
print("lesson")
if km.policy == "slob" then error("slob fails here") end
LUA
printf 'error("stopped")\n' >"$tmp/stop.lua"
sections_of() { # command, block asked for, args...: the sections the report has
	c=$1; b=$2; shift 2
	"$km" "$c" "$tmp/bugs.lua" --block "$b" "$@" >/dev/null 2>"$tmp/blocks"
	sed -n 's/.* it has: //p' "$tmp/blocks" | tr ' ' '\n' | sed 's,/[^/]*$,,' | sort -u
}
{
	sections_of run sim1/summary/none | sed 's/^/run /'
	sections_of run sim7/summary/none --set two=1 | sed 's/^/run /'
	sections_of compare slab/error/none | sed 's/^/compare /'
} >"$tmp/sections"
for want in "run bugs" "run kernel-log" "run memory" "run sim2/bugs" "compare lesson" "compare slob/error" "compare slab/bugs"; do
	expect_grep "$tmp/sections" "^$want$" "the reports have $want"
done
while read -r c sec; do
	"$km" "$c" "$tmp/stop.lua" --block "$sec/x" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "stopped" "$tmp/err"; then pass "$c --block $sec/...: accepted"
	else fail "$c --block $sec/...: refused (exit $rc)"; cat "$tmp/err"; fi
done <"$tmp/sections"

# the sandbox
echo 'print(os == nil, io == nil, debug == nil)' >"$tmp/s.lua"
expect_exit 0 "sandboxed run" "$km" run "$tmp/s.lua"
expect_grep "$tmp/out" "^true	true	true$" "os, io, debug are nil"
expect_exit 0 "unsafe run" "$km" run --unsafe "$tmp/s.lua"
expect_grep "$tmp/out" "^false	false	false$" "--unsafe opens os, io, debug"

# stdin, --set, require from the scenario's directory
echo 'local km = require "kmemsim"; print("p=" .. km.params.p)' |
	"$km" run - --set p=42 >"$tmp/out" 2>&1
expect_grep "$tmp/out" "^p=42$" "scenario from stdin with --set"
mkdir -p "$tmp/mods"
echo 'return { answer = 41 + 1 }' >"$tmp/mods/helper.lua"
echo 'print(require("helper").answer)' >"$tmp/mods/main.lua"
expect_exit 0 "require from scenario dir" "$km" run "$tmp/mods/main.lua"
expect_grep "$tmp/out" "^42$" "local module loaded"

# determinism: same seed identical, different seeds differ
cat >"$tmp/d.lua" <<'LUA'
local km = require "kmemsim"
local s = km.new{}
local t = {}
for i = 1, 8 do t[i] = math.random(1, 1 << 40) .. ":" .. s:random(1, 1 << 40) end
print(table.concat(t, " "))
LUA
"$km" run "$tmp/d.lua" --seed=5 >"$tmp/a" 2>&1
"$km" run "$tmp/d.lua" --seed=5 >"$tmp/b" 2>&1
"$km" run "$tmp/d.lua" --seed=6 >"$tmp/c" 2>&1
if cmp -s "$tmp/a" "$tmp/b"; then pass "same seed, byte-identical"; else fail "same seed differs"; fi
if cmp -s "$tmp/a" "$tmp/c"; then fail "different seeds gave the same output"; else pass "different seeds differ"; fi

# --seed is decimal (or 0x), never octal: 010 is ten
"$km" run "$tmp/d.lua" --seed=010 >"$tmp/a" 2>&1
"$km" run "$tmp/d.lua" --seed=10 >"$tmp/b" 2>&1
"$km" run "$tmp/d.lua" --seed=0xa >"$tmp/c" 2>&1
if cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/a" "$tmp/c"; then pass "--seed 010 = 10 = 0xa"; else fail "--seed 010 is not ten"; fi

# --opt KEY=VALUE overrides kmemsim.new{} in the script; checked before it runs
cat >"$tmp/o.lua" <<'LUA'
local km = require "kmemsim"
local c = km.new{ cpus = 2, ram = "64M" }:config()
print(c.cpus, c.ram, c.slub_min_objects, c.policy)
LUA
expect_exit 0 "--opt overrides the script" "$km" run "$tmp/o.lua" --opt cpus=8 --opt=slub_min_objects=0x10 --policy slab
expect_grep "$tmp/out" "^8	67108864	16	slab$" "--opt values reach kmemsim.new"
expect_exit 2 "--opt unknown key" "$km" run "$tmp/o.lua" --opt cpu=8
expect_grep "$tmp/err" "unknown option 'cpu' (did you mean 'cpus'?)" "--opt suggests the closest option"
expect_exit 2 "--opt bad value" "$km" compare "$tmp/o.lua" --opt cpus=65
expect_grep "$tmp/err" "option 'cpus': 65 out of range (1..64)" "--opt names the range"
echo 'print("ran")' >"$tmp/ran.lua"
expect_exit 2 "--opt checked before the script runs" "$km" run "$tmp/ran.lua" --opt pcp=maybe
if grep -q ran "$tmp/out"; then fail "the script ran despite a bad --opt"; else pass "nothing ran"; fi
expect_exit 2 "replay --ram beyond the host limit" "$km" replay tests/data/trace-ftrace.txt --ram 16T
expect_grep "$tmp/err" "at most 4T" "replay --ram names the limit"

# the default scenario runs with no FILE
expect_exit 0 "default scenario" "$km" run

# ---- the command line (issue 19): getopt_long syntax, per-command help ----
expect_exit 0 "kmemsim --help" "$km" --help
for c in run compare replay list help; do
	expect_grep "$tmp/out" "^  $c  " "--help lists the command $c"
done
if grep -q "^  complete " "$tmp/out"; then fail "--help lists the hidden complete"; else pass "complete is hidden"; fi
for c in run compare replay list help; do
	expect_exit 0 "$c --help" "$km" $c --help
	expect_grep "$tmp/out" "^usage: kmemsim $c " "$c --help is $c's usage"
	cp "$tmp/out" "$tmp/help-$c"
	expect_exit 0 "help $c" "$km" help $c
	if cmp -s "$tmp/out" "$tmp/help-$c"; then pass "help $c = $c --help"; else fail "help $c differs from $c --help"; fi
done
# each page has that command's options only
expect_grep "$tmp/help-run" "^  --policy P" "run --help has --policy"
if grep -q -- "--policies" "$tmp/help-run"; then fail "run --help shows compare's --policies"; else pass "run --help: no --policies"; fi
expect_grep "$tmp/help-compare" "^  --policies LIST" "compare --help has --policies"
if grep -q -- "--explain\|--no-report" "$tmp/help-compare"; then fail "compare --help shows run's options"; else pass "compare --help: run's own options absent"; fi
expect_grep "$tmp/help-replay" "c % N" "replay --help prints %, not %%"
if grep -q -- "--sample\|--explain" "$tmp/help-replay"; then fail "replay --help shows run's options"; else pass "replay --help: its options only"; fi
expect_exit 2 "help of an unknown command" "$km" help frob
expect_exit 2 "a misspelt command" "$km" rnn
expect_grep "$tmp/err" "did you mean 'run'" "a misspelt command gets a suggestion"
expect_exit 2 "a misspelt option" "$km" run --polcy=slab
expect_grep "$tmp/err" "did you mean '--policy'" "a misspelt option gets a suggestion"
expect_exit 2 "an ambiguous abbreviation" "$km" run --se 3
expect_grep "$tmp/err" "ambiguous option '--se' (--seed, --set)" "ambiguity names the candidates"
expect_exit 2 "a value where none is taken" "$km" run --unsafe=yes
expect_exit 2 "a missing value" "$km" run "$tmp/d.lua" --seed
expect_grep "$tmp/err" "^kmemsim run: --seed needs a value (N)" "the missing value is named"
expect_exit 2 "two scenarios" "$km" run "$tmp/d.lua" "$tmp/s.lua"
# --opt=value, --opt value, an abbreviation, -oFILE, -o FILE: all the same
"$km" run "$tmp/d.lua" --seed=7 >"$tmp/a" 2>&1
"$km" run --seed 7 "$tmp/d.lua" >"$tmp/b" 2>&1
"$km" run --see=7 "$tmp/d.lua" >"$tmp/c" 2>&1
if cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/a" "$tmp/c"; then pass "--seed=7, --seed 7, --see=7 agree"; else fail "--seed spellings differ"; fi
expect_exit 0 "-oFILE" "$km" run "$tmp/d.lua" --no-report "-o$tmp/r1.json"
expect_exit 0 "-o FILE" "$km" run "$tmp/d.lua" --no-report -o "$tmp/r2.json"
if cmp -s "$tmp/r1.json" "$tmp/r2.json" && grep -q '"schema"' "$tmp/r1.json"; then pass "-oFILE = -o FILE (JSON by extension)"; else fail "-oFILE and -o FILE differ"; fi
# "--" ends the options: a scenario whose name starts with a dash
echo 'print("dash ok")' >"$tmp/-dash.lua"
(cd "$tmp" && "$km" run -- -dash.lua) >"$tmp/out" 2>&1
expect_grep "$tmp/out" "^dash ok$" "-- then a file named -dash.lua"
# bundled scenarios: listed with their header line, run by name from anywhere
expect_exit 0 "list" "$km" list
for f in "$srcdir"/scenarios/*.lua; do
	n=$(basename "$f" .lua)
	d=$(sed -n 's/^-- scenarios\/[^ ]*\.lua: //p' "$f" | head -1)
	if [ -n "$d" ] && grep -qF "$n  " "$tmp/out" && grep -qF "$d" "$tmp/out"; then
		pass "list: $n with its description"
	else fail "list lacks $n or '$d'"; fi
	# the policy a scenario declares in its header, and only then
	pol=$(sed -n 's/^-- policy: *\([a-z]*\).*/\1/p' "$f" | head -1)
	line=$(grep "^$n " "$tmp/out")
	case $pol:$line in
	:*"(runs under "*) fail "list: $n declares no policy but shows one" ;;
	:*) ;;
	*:*"(runs under $pol)") pass "list: $n runs under $pol" ;;
	*) fail "list: $n declares $pol: '$line'" ;;
	esac
done
(cd / && "$km" run 01-my-cache --seed=1) >"$tmp/a" 2>&1
"$km" run "$srcdir/scenarios/01-my-cache.lua" --seed=1 >"$tmp/b" 2>&1
if cmp -s "$tmp/a" "$tmp/b"; then pass "run 01-my-cache from / = the file"; else fail "run 01-my-cache from / differs from the file"; diff "$tmp/a" "$tmp/b" | head; fi
(cd / && "$km" run default.lua --no-report --format json) >"$tmp/a" 2>&1
expect_grep "$tmp/a" '"scenario": "scenarios/default.lua"' "run default.lua from / is the bundled default"
expect_exit 1 "a name that is neither file nor bundled" "$km" run no-such-scenario
expect_grep "$tmp/err" "kmemsim list" "the error points at kmemsim list"

echo "$fails failure(s)"
[ "$fails" = 0 ]

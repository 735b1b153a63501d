#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# output.sh - nothing is lost without a word, nothing is half written, and
# a simulated panic stops the simulated kernel (issue 14)
#
#   - `-o FILE` and `--series FILE` go to a temporary name renamed when
#     whole: a failing run leaves the old file, no temporary file stays;
#     permissions and symbolic links of the old file are kept
#   - a full device (/dev/full), a closed pipe or a lost print is a clear
#     error and exit status 1, for run, compare and replay
#   - 100,000 x kmalloc(4096) on a 16 MiB machine: the kernel panics once,
#     the run stops there with exit status 3 and the report still written
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-output.$$
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
no_leftovers() { # directory, description
	if ls -a "$1" | grep -q '\.tmp-'; then
		fail "$2: a temporary file is left:"; ls -a "$1"
	else pass "$2"; fi
}

cd "$srcdir"
scen=scenarios/01-my-cache.lua
trace=tests/data/replay-kmalloc.txt
if [ -w /dev/full ]; then
	# a full disk: every command says so and fails
	"$km" run "$scen" >/dev/full 2>"$tmp/err"; rc=$?
	[ "$rc" = 1 ] && pass "run > /dev/full (exit 1)" || fail "run > /dev/full: exit $rc"
	expect_grep "$tmp/err" "cannot write standard output: No space left on device" \
		"run > /dev/full names standard output and the reason"
	expect_exit 1 "run -o /dev/full" "$km" run "$scen" -o /dev/full
	expect_grep "$tmp/err" "cannot write /dev/full: No space left on device" \
		"run -o /dev/full names the file"
	"$km" compare "$scen" >/dev/full 2>"$tmp/err"; rc=$?
	[ "$rc" = 1 ] && pass "compare > /dev/full (exit 1)" || fail "compare > /dev/full: exit $rc"
	expect_exit 1 "compare -o /dev/full" "$km" compare "$scen" -o /dev/full
	expect_grep "$tmp/err" "cannot write /dev/full" "compare -o /dev/full says so"
	"$km" replay "$trace" >/dev/full 2>"$tmp/err"; rc=$?
	[ "$rc" = 1 ] && pass "replay > /dev/full (exit 1)" || fail "replay > /dev/full: exit $rc"
	expect_grep "$tmp/err" "kmemsim replay: cannot write standard output" \
		"replay > /dev/full says so"
	expect_exit 1 "replay -o /dev/full" "$km" replay "$trace" -o /dev/full
	expect_exit 1 "replay --series /dev/full" "$km" replay "$trace" --series /dev/full
	expect_grep "$tmp/err" "cannot write /dev/full" "replay --series /dev/full says so"
else
	echo "SKIP: no writable /dev/full here"
fi

# a closed pipe: the reader went away; an error, not a silent exit
printf 'for i = 1, 200000 do print(("line %%d of a long output"):format(i)) end\n' >"$tmp/long.lua"
{ "$km" run "$tmp/long.lua" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -n 1 >/dev/null
rc=$(cat "$tmp/rc")
[ "$rc" = 1 ] && pass "run into a closed pipe (exit 1)" || fail "run into a closed pipe: exit $rc"
expect_grep "$tmp/err" "cannot write standard output: Broken pipe" "a closed pipe is named"
{ "$km" replay --format json "$trace" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -c 10 >/dev/null
rc=$(cat "$tmp/rc")
[ "$rc" = 1 ] && pass "replay into a closed pipe (exit 1)" || fail "replay into a closed pipe: exit $rc"

# -o FILE: whole or not at all
mkdir "$tmp/d"
echo old >"$tmp/d/r.json"
expect_exit 1 "a failing run with -o" "$km" run tests/lua/runtime_error.lua -o "$tmp/d/r.json"
if [ "$(cat "$tmp/d/r.json")" = old ]; then pass "a failing run leaves the old report"; else
	fail "a failing run clobbered the old report"; fi
no_leftovers "$tmp/d" "no temporary file after a failing run"
expect_exit 0 "run -o FILE" "$km" run "$scen" -o "$tmp/d/r.json"
expect_grep "$tmp/d/r.json" '"schema": "kmemsim-report"' "the report replaced the old file"
no_leftovers "$tmp/d" "no temporary file after a good run"
chmod 640 "$tmp/d/r.json"
ln -s r.json "$tmp/d/link.json"
expect_exit 0 "run -o a symbolic link" "$km" run "$scen" -o "$tmp/d/link.json"
if [ -L "$tmp/d/link.json" ]; then pass "the symbolic link stays a link"; else
	fail "the symbolic link was replaced by a file"; fi
case $(ls -l "$tmp/d/r.json") in
-rw-r-----*) pass "the old file's permissions are kept" ;;
*) fail "permissions not kept: $(ls -l "$tmp/d/r.json")" ;;
esac
expect_exit 1 "-o in a missing directory" "$km" run "$scen" -o "$tmp/nodir/r.json"
expect_grep "$tmp/err" "$tmp/nodir/r.json" "the missing directory's file is named"
expect_exit 0 "replay -o FILE --series FILE" "$km" replay "$trace" -o "$tmp/d/rp.txt" \
	--series "$tmp/d/s.csv"
expect_grep "$tmp/d/s.csv" "slab" "the series is written"
no_leftovers "$tmp/d" "no temporary file after replay"

# a simulated panic stops the simulated kernel: exit 3, the report written
cat >"$tmp/flood.lua" <<'EOF'
local km = require "kmemsim"
local sim = km.new{ ram = "16M", cpus = 1 }
for i = 1, 100000 do sim:kmalloc(4096, "GFP_KERNEL") end
EOF
expect_exit 3 "100,000 x kmalloc(4096) on 16 MiB" "$km" run "$tmp/flood.lua" --format json -o "$tmp/flood.json"
n=$(grep -c "\] Kernel panic - not syncing" "$tmp/out")
[ "$n" = 1 ] && pass "the kernel panics once" || fail "the kernel panicked $n times"
n=$(wc -l <"$tmp/out")
[ "$n" -lt 20 ] && pass "the log stops at the panic ($n lines)" || fail "$n lines of log"
expect_grep "$tmp/err" "flood.lua:3: Kernel panic - not syncing: System is deadlocked on memory" \
	"the error names the scenario line and the panic"
expect_grep "$tmp/flood.json" '"status": "panicked"' "the report says panicked"
expect_grep "$tmp/flood.json" '"kernel panic"' "the report says when and why"
cat >"$tmp/caught.lua" <<'EOF'
local km = require "kmemsim"
local sim = km.new{ ram = "16M", cpus = 1 }
local ok, err = pcall(function() for i = 1, 100000 do sim:kmalloc(4096) end end)
print(ok, err:match("Kernel panic[^\n]*"))
ok, err = pcall(sim.kfree, sim, 0)
print(ok, err:match("nothing runs after a panic") ~= nil)
EOF
expect_exit 0 "a scenario that catches the panic goes on" "$km" run "$tmp/caught.lua"
expect_grep "$tmp/out" "^false	Kernel panic - not syncing: System is deadlocked on memory$" "pcall sees the panic"
expect_grep "$tmp/out" "^false	true$" "later calls are refused"
expect_exit 3 "compare: each policy panics" "$km" compare "$tmp/flood.lua"
expect_grep "$tmp/out" "panicked" "compare's table says panicked"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }

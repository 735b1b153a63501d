#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sandbox.sh - what the scenario sandbox refuses or bounds, seen from the
# command line (issue 14): finalizers under --unsafe, the instruction,
# engine-work and memory budgets, host addresses.  tests/lua/api_lifetime.lua
# and api_sandbox.lua test the rest from inside a scenario.  Run under the
# sanitizer build too, where a use-after-free is a crash.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-sandbox.$$
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

# --unsafe allows __gc finalizers, but not on a simulator: one that closes
# the simulator while sim:caches() builds its table (the collector runs it
# mid-call) is refused, and so is any other use of a simulator from one
cat >"$tmp/gc.lua" <<'LUA'
local km = require "kmemsim"
local s = km.new{ ram = "64M" }
local closed = 0
for round = 1, 200 do
  setmetatable({}, { __gc = function() pcall(s.close, s); closed = closed + 1 end })
  local all = s:caches()
  assert(#all > 0)
end
collectgarbage()
print("finalizers ran:", closed > 0, "simulator open:", pcall(s.now, s))
LUA
expect_exit 0 "__gc closing a simulator mid-call (--unsafe)" "$km" run --unsafe "$tmp/gc.lua"
expect_grep "$tmp/out" "finalizers ran:	true	simulator open:	true" "the finalizers could not close it"

# ---- the instruction budget (--max-steps) ----
# a runaway loop ends with a message naming the option; catching the error
# (pcall, xpcall's handler, a coroutine, a load() reader, a tail call)
# does not escape it: the next instruction raises it again
cat >"$tmp/loop.lua" <<'LUA'
local n = 0
while true do n = n + 1 end
LUA
cat >"$tmp/pcall.lua" <<'LUA'
while true do pcall(function() while true do end end) end
LUA
cat >"$tmp/xpcall.lua" <<'LUA'
while true do xpcall(function() while true do end end, function() while true do end end) end
LUA
cat >"$tmp/coro.lua" <<'LUA'
while true do coroutine.resume(coroutine.create(function() while true do end end)) end
LUA
cat >"$tmp/reader.lua" <<'LUA'
while true do load(function() while true do end end) end
LUA
cat >"$tmp/tail.lua" <<'LUA'
return pcall(function() while true do end end)
LUA
cat >"$tmp/close.lua" <<'LUA'
local ok = pcall(function()
  local guard <close> = setmetatable({}, { __close = function() while true do end end })
  while true do end
end)
print("escaped", ok)
LUA
for s in loop pcall xpcall coro reader tail close; do
	expect_exit 1 "runaway $s.lua stops" "$km" run --max-steps 2000000 "$tmp/$s.lua"
	expect_grep "$tmp/err" "scenario stopped after 2000000 Lua VM instructions (--max-steps 2000000)" "$s.lua: the budget is named"
	expect_nogrep "$tmp/out" "escaped" "$s.lua: nothing ran after the budget ran out"
done
expect_grep "$tmp/err" "close.lua:[0-9]*: scenario stopped" "the message names the scenario line"
# 0 is no limit: a script of ~3 million instructions passes only with it
cat >"$tmp/long.lua" <<'LUA'
local n = 0
for i = 1, 1000000 do n = n + i end
print(n)
LUA
expect_exit 1 "a long loop over --max-steps 1000000" "$km" run --max-steps 1000000 "$tmp/long.lua"
expect_exit 0 "the same loop with --max-steps 0" "$km" run --max-steps 0 "$tmp/long.lua"
expect_grep "$tmp/out" "^500000500000$" "and it ran to the end"
expect_exit 2 "--max-steps needs a number" "$km" run --max-steps lots "$tmp/long.lua"
# the default stops a runaway loop (1e9 instructions: a few seconds of CPU,
# where 2e10 took 144 s) and says which option to raise
expect_exit 1 "a runaway loop under the default budget" "$km" run "$tmp/loop.lua"
expect_grep "$tmp/err" "loop.lua:2: scenario stopped after 1000000000 Lua VM instructions (--max-steps 1000000000): a runaway loop? Give a larger --max-steps N if it is not (0: no limit)" "the default budget is named"

# --unsafe gives the script debug.sethook, but not the budget's hook: no
# hook, another hook, a hook on a coroutine, or a hook that loops itself
# leave the budget in force
cat >"$tmp/hook-off.lua" <<'LUA'
debug.sethook()
while true do end
LUA
cat >"$tmp/hook-other.lua" <<'LUA'
debug.sethook(function() end, "crl", 1000000000)
while true do end
LUA
cat >"$tmp/hook-co.lua" <<'LUA'
local co = coroutine.create(function() while true do end end)
debug.sethook(co)
coroutine.resume(co)
print("escaped")
LUA
cat >"$tmp/hook-loop.lua" <<'LUA'
debug.sethook(function() while true do end end, "l")
local x = 1
print("escaped")
LUA
for s in hook-off hook-other hook-co hook-loop; do
	timeout 60 "$km" run --unsafe --max-steps 2000000 "$tmp/$s.lua" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 1 ]; then pass "--unsafe $s.lua stops (exit 1)"; else
		fail "--unsafe $s.lua: exit $rc, expected 1 (124: it ran on)"; cat "$tmp/err"; fi
	expect_grep "$tmp/err" "scenario stopped after 2000000 Lua VM instructions" "$s.lua: the budget is named"
	expect_nogrep "$tmp/out" "escaped" "$s.lua: nothing ran after the budget ran out"
done
expect_grep "$tmp/err" "hook-loop.lua:1: scenario stopped" "the hook's own line is named"
# and the script's hooks work as Lua's do: the loop below runs two VM
# instructions an iteration (OP_ADD, which skips its OP_MMBIN, and
# OP_FORLOOP), so a count hook every 100 instructions is called 10000 * 2 /
# 100 = 200 times, give or take one for the loop's setup; one every 50000
# (above the budget's 10000) 100000 * 2 / 50000 = 4 times; line hooks get
# the line
cat >"$tmp/hook-works.lua" <<'LUA'
local calls = 0
debug.sethook(function(ev) assert(ev == "count"); calls = calls + 1 end, "", 100)
print("gethook", type(debug.gethook()), select(2, debug.gethook()), select(3, debug.gethook()))
local x = 0
for i = 1, 10000 do x = x + i end
debug.sethook()
print("count calls", calls >= 199 and calls <= 201, debug.gethook())
local lines = {}
debug.sethook(function(ev, line, th)
  lines[#lines + 1] = ev .. " " .. line .. " " .. debug.getinfo(th, 0, "S").what
end, "l")
x = x + 1
debug.sethook()
print(lines[1], lines[2])
local co = coroutine.create(function() return 1 end)
debug.sethook(co, function() end, "c")
print("coroutine hook", select(2, debug.gethook(co)), debug.gethook())
calls = 0
debug.sethook(function() calls = calls + 1 end, "", 50000)
for i = 1, 100000 do x = x + i end
debug.sethook()
print("long count", calls)
LUA
expect_exit 0 "--unsafe hooks run" "$km" run --unsafe "$tmp/hook-works.lua"
expect_grep "$tmp/out" "^gethook	function		100$" "debug.gethook returns the hook, mask and count"
expect_grep "$tmp/out" "^count calls	true	nil$" "a count hook every 100 instructions"
expect_grep "$tmp/out" "^line 12 main	line 13 main$" "a line hook gets the lines"
expect_grep "$tmp/out" "^long count	4$" "a count hook every 50000 instructions"
expect_grep "$tmp/out" "^coroutine hook	c	nil$" "a coroutine's hook is its own"

# pattern matching is bounded too: Lua's backtracking would run for years
cat >"$tmp/pattern.lua" <<'LUA'
print(string.find(("a"):rep(100000), ("a-"):rep(9) .. "b"))
LUA
expect_exit 1 "catastrophic backtracking stops" "$km" run --max-steps 5000000 "$tmp/pattern.lua"
expect_grep "$tmp/err" "pattern.lua:1: scenario stopped after 5000000" "backtracking names --max-steps and the line"

# ---- the work budget (--max-work): engine work a script drives ----
cat >"$tmp/wl.lua" <<'LUA'
local km = require "kmemsim"
local wl = require "kmemsim.workload"
local s = km.new{ ram = "64M", cpus = 1 }
local w = wl.new(s, { streams = { { name = "k", kmalloc = wl.uniform(8, 512) } },
  cpus = "current", phases = { wl.slots{ slots = 256, ops = 1000000000000 } } })
pcall(w.run, w)
print("escaped")
LUA
expect_exit 1 "a workload of 1e12 operations stops" "$km" run --max-work 20ms "$tmp/wl.lua"
expect_grep "$tmp/err" "(--max-work 0.020 s)" "the work budget is named"
expect_nogrep "$tmp/out" "escaped" "pcall does not escape the work budget"
cat >"$tmp/pc.lua" <<'LUA'
local km = require "kmemsim"
local s = km.new{ ram = "64M", cpus = 1 }
print(s:page_cache{ clean = 1 << 62 })
LUA
expect_exit 1 "2^62 pages of page cache stop" "$km" run --max-work 20ms "$tmp/pc.lua"
expect_grep "$tmp/err" "pc.lua:3: scenario stopped: its simulators did" "page cache: the line is named"
cat >"$tmp/compact.lua" <<'LUA'
local km = require "kmemsim"
local s = km.new{ ram = "256M", cpus = 1 }
while true do s:compact_memory() end
LUA
expect_exit 1 "compaction in a loop stops" "$km" run --max-work 20ms --max-steps 0 "$tmp/compact.lua"
expect_grep "$tmp/err" "max-work" "compaction: the work budget is named"
expect_exit 2 "--max-work needs a duration" "$km" run --max-work 5 "$tmp/long.lua"

# ---- the memory budget (--max-memory): the Lua heap and the simulators ----
cat >"$tmp/rep.lua" <<'LUA'
local t = {}
for i = 1, 20 do t[i] = string.rep("x", 1 << 30) end
LUA
expect_exit 1 "a string.rep bomb" "$km" run --max-memory 64M "$tmp/rep.lua"
expect_grep "$tmp/err" "rep.lua:2: string.rep: a string of 1.0 GiB is more than the memory this run has left (--max-memory 64.0 MiB)" "string.rep is refused at its line"
# the default --max-memory (4G, or half the host's RAM) stops a bomb too
cat >"$tmp/rep-default.lua" <<'LUA'
local t = {}
for i = 1, 64 do t[i] = string.rep("x", 1 << 32) end
LUA
expect_exit 1 "a string.rep bomb under the default budget" "$km" run "$tmp/rep-default.lua"
expect_grep "$tmp/err" "rep-default.lua:2: string.rep: a string of 4.0 GiB is more than the memory this run has left (--max-memory [0-9.]* [GM]iB)" "the default memory budget is named"
cat >"$tmp/table.lua" <<'LUA'
local t, i = {}, 0
while true do i = i + 1; t[i] = { i, tostring(i) } end
LUA
expect_exit 1 "a table bomb" "$km" run --max-memory 64M --max-steps 0 "$tmp/table.lua"
expect_grep "$tmp/err" "not enough memory: the scenario reached its memory budget (--max-memory 64.0 MiB" "the table bomb names --max-memory"
cat >"$tmp/concat.lua" <<'LUA'
local s = "x"
while true do s = s .. s end
LUA
expect_exit 1 "a concatenation bomb" "$km" run --max-memory 64M "$tmp/concat.lua"
expect_grep "$tmp/err" "memory budget (--max-memory 64.0 MiB" "the concatenation bomb names --max-memory"
# simulators count with their page metadata (16 bytes a page): a 1 GiB
# machine holds 4 MiB; kept simulators fill the budget, dropped ones are
# collected to make room
cat >"$tmp/sims.lua" <<'LUA'
local km = require "kmemsim"
local keep = {}
for i = 1, 40 do keep[i] = km.new{ ram = "1G" } end
LUA
expect_exit 1 "forty kept simulators over --max-memory 64M" "$km" run --max-memory 64M "$tmp/sims.lua"
expect_grep "$tmp/err" "sims.lua:3: kmemsim.new: .*needs 4 MiB of host memory for page metadata.*open simulators (close those you are done with, or give a larger --max-memory)" "kmemsim.new names the budget and the open simulators"
cat >"$tmp/drop.lua" <<'LUA'
local km = require "kmemsim"
for i = 1, 40 do local s = km.new{ ram = "1G" } end
print("forty made")
LUA
expect_exit 0 "forty dropped simulators fit --max-memory 64M" "$km" run --max-memory 64M "$tmp/drop.lua"
expect_exit 2 "--max-memory needs a size" "$km" run --max-memory 1K "$tmp/long.lua"
# a scenario on standard input is held whole: an endless one stops at the
# budget (read from a pipe that never ends)
yes "local x = 1 -- a scenario that never ends" | "$km" run - --max-memory 64M >"$tmp/out" 2>"$tmp/err"
rc=$?	# not expect_exit: a pipeline's commands may run in a subshell
if [ "$rc" = 2 ]; then pass "an endless scenario on stdin (exit 2)"; else
	fail "an endless scenario on stdin: exit $rc, expected 2"; cat "$tmp/err"; fi
expect_grep "$tmp/err" "the scenario on standard input is larger than --max-memory (64 MiB)" "stdin names --max-memory"

echo "$fails failure(s)"
[ "$fails" = 0 ]

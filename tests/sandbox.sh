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

echo "$fails failure(s)"
[ "$fails" = 0 ]

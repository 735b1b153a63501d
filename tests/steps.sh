#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# steps.sh - the step-through page of `kmemsim run --steps` (issue 18),
# without a browser (tests/browser-reports.sh drives it in Chromium)
#
#   - its embedded data, checked by tests/steps-check.lua against what the
#     buddy allocator's and SLUB's rules say each step of
#     tests/steps-scenario.lua does (cells changed, buddyinfo, the cache)
#   - self-contained: no http(s) URL, no external script, stylesheet or image
#   - the same run twice: the same bytes
#   - --steps=N caps the steps; the page and stderr say how many were left out
#   - usage errors: --steps with a format other than HTML, with --block
#   - a bundled scenario's page: one step per narrated operation
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-steps.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
cd "$srcdir"

# the JSON between <script type="application/json" id="steps-data"> and </script>
data() {
	sed -n '/<script type="application\/json" id="steps-data">/,/<\/script>/p' "$1" |
		sed '1d;$d'
}

if "$km" run tests/steps-scenario.lua --steps -o "$tmp/a.html" 2>"$tmp/err"; then
	pass "run --steps -o a.html"
else
	fail "run --steps: exit status"; cat "$tmp/err"
fi
data "$tmp/a.html" >"$tmp/a.json"
if "$km" run --unsafe tests/steps-check.lua --set "file=$tmp/a.json" >"$tmp/check" 2>&1; then
	pass "the page's data matches the buddy and SLUB rules"
else
	fail "the page's data:"; cat "$tmp/check"
fi
if grep -qi 'https\?://\|<script [^>]*src=\|<link \|<img ' "$tmp/a.html"; then
	fail "the page refers to something outside itself:"
	grep -oi 'https\?://[^"]*\|<script [^>]*src=[^>]*\|<link [^>]*\|<img [^>]*' "$tmp/a.html" | head
else
	pass "self-contained"
fi
"$km" run tests/steps-scenario.lua --steps -o "$tmp/b.html" 2>/dev/null
cmp -s "$tmp/a.html" "$tmp/b.html" && pass "the same bytes twice" || fail "two runs differ"

# the cap
"$km" run tests/steps-scenario.lua --steps=2 -o "$tmp/c.html" 2>"$tmp/err" || fail "--steps=2: exit status"
grep -q 'shows the first 2 of 6 operations' "$tmp/err" && pass "--steps=2: stderr says 2 of 6" ||
	{ fail "--steps=2: no word on stderr:"; cat "$tmp/err"; }
data "$tmp/c.html" | grep -q '"operations":6,"shown":2' && pass "--steps=2: the data says 2 of 6" ||
	fail "--steps=2: the data does not say 2 of 6"

# usage errors
usage() { # expected text, args...
	want=$1; shift
	"$km" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 2 ]; then fail "kmemsim $*: exit $rc, expected 2"
	elif ! grep -q -- "$want" "$tmp/err"; then fail "kmemsim $*: no '$want' in:"; cat "$tmp/err"
	else pass "kmemsim $*: usage error"; fi
}
usage "--steps writes an HTML page" run tests/steps-scenario.lua --steps --format json
usage "--steps writes an HTML page" run tests/steps-scenario.lua --steps -o "$tmp/x.txt"
usage "--steps and --block" run tests/steps-scenario.lua --steps --block zones/map -o "$tmp/x.html"
usage "--steps=N needs" run tests/steps-scenario.lua --steps=0 -o "$tmp/x.html"

# a bundled scenario: its four operations, and what it prints
"$km" run 01-my-cache --steps -o "$tmp/d.html" >"$tmp/out" 2>"$tmp/err" || fail "01-my-cache --steps: exit status"
n=$(data "$tmp/d.html" | grep -c '^{"sim":')
[ "$n" = 4 ] && pass "01-my-cache: 4 steps" || fail "01-my-cache: $n steps, expected 4"
grep -q 'allocate object is' "$tmp/out" && pass "01-my-cache: the script's output as usual" ||
	fail "01-my-cache: the script's output is lost"

if [ "$fails" -gt 0 ]; then echo "$fails failure(s)"; exit 1; fi
exit 0

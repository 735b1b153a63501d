#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# browser-reports.sh - the compare and replay HTML reports, and the
# step-through page of `run --steps`, in a real browser
#
# Renders the default compare scenario and a replay of a kernel trace
# excerpt as HTML and as JSON (the same report), then has headless
# Chromium check the pages against the JSON (tests/browser/report-test.js):
# the headline on the first 1280x720 screen, no overlapping or cut text,
# every bar's height proportional to its JSON value within 1 px.
#
# Screenshots are kept in tests/browser/artefacts/ of the build tree.  No
# node, no Chromium or no node modules (tests/browser/setup.sh): SKIP
# (exit 77), never PASS.
set -u
srcdir=${KMEMSIM_SRCDIR:-.}
km=${KMEMSIM:-./src/kmemsim}
out=tests/browser/artefacts
[ -x "$km" ] || { echo "FAIL: no kmemsim binary at $km"; exit 99; }
command -v node >/dev/null 2>&1 || { echo "SKIP: no node"; exit 77; }
mkdir -p "$out" || exit 99
km=$(cd "$(dirname "$km")" && pwd)/$(basename "$km")
out=$(cd "$out" && pwd)

(cd "$srcdir" &&
	"$km" compare -o "$out/compare.html" &&
	"$km" compare --format json -o "$out/compare.json" &&
	"$km" replay tests/data/trace-excerpt.txt --format html -o "$out/replay.html" &&
	"$km" replay tests/data/trace-excerpt.txt --format json -o "$out/replay.json") \
	>"$out/kmemsim.log" 2>&1 || { echo "FAIL: kmemsim could not write the reports"; cat "$out/kmemsim.log"; exit 1; }

node "$srcdir/tests/browser/report-test.js" "$out" \
	compare "$out/compare.html" "$out/compare.json" \
	replay "$out/replay.html" "$out/replay.json"
rc=$?

# the step-through page of `kmemsim run --steps` (issue 18): the slider,
# buttons and keys move the shown step (tests/browser/steps-test.js)
(cd "$srcdir" && "$km" run tests/steps-scenario.lua --steps -o "$out/steps.html") \
	>"$out/steps.log" 2>&1 || { echo "FAIL: kmemsim could not write the steps page"; cat "$out/steps.log"; exit 1; }
node "$srcdir/tests/browser/steps-test.js" "$out" "$out/steps.html"
src=$?
# both ran: a failure wins; SKIP only when both skipped
if [ "$rc" = 77 ] && [ "$src" = 77 ]; then exit 77; fi
[ "$rc" = 0 ] || [ "$rc" = 77 ] || exit "$rc"
[ "$src" = 0 ] || [ "$src" = 77 ] || exit "$src"
exit 0

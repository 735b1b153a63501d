#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sweep-html.sh - `kmemsim merge`'s HTML page in a real browser
#
# A small sweep (the default scenario, three policies, four values of
# slub_min_objects, three seeds: 36 jobs, run one after the other) merged
# as HTML and as JSON; headless Chromium then checks the page against the
# JSON (tests/browser/merge-test.js): nothing fetched, no overlapping or
# cut text, one chart per metric with its unit on the y axis, every dot
# and error bar where the JSON's mean and 95% interval put it on the
# chart's one scale.  The screenshot stays in tests/browser/artefacts/.
# No node, no Chromium or no node modules (tests/browser/setup.sh): SKIP
# (exit 77), never PASS.
set -u
srcdir=${KMEMSIM_SRCDIR:-.}
km=${KMEMSIM:-./src/kmemsim}
[ -x "$km" ] || { echo "FAIL: no kmemsim binary at $km"; exit 99; }
command -v node >/dev/null 2>&1 || { echo "SKIP: no node"; exit 77; }
out=tests/browser/artefacts
mkdir -p "$out" || exit 99
out=$(cd "$out" && pwd)
tmp=${TMPDIR:-/tmp}/kmemsim-sweep-html.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT

"$km" sweep default --out "$tmp/sw" --seeds 1-3 --set ops=300 \
	--opt slub_min_objects=4,8,16,32 --jobs >"$tmp/jobs.txt" 2>"$tmp/err" &&
	sh "$tmp/jobs.txt" &&
	"$km" merge "$tmp/sw" -o "$out/merge.html" 2>>"$tmp/err" &&
	"$km" merge "$tmp/sw" --format json -o "$out/merge.json" 2>>"$tmp/err" ||
	{ echo "FAIL: the sweep or its merge"; cat "$tmp/err"; exit 1; }
node "$srcdir/tests/browser/merge-test.js" "$out" "$out/merge.html" "$out/merge.json"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sweep-docs.sh - the commands of docs/sweep.md run as printed
#
# Every ```sh block of docs/sweep.md is cut out and run, in order, by one
# sh -e, in a scratch directory laid out as the top of a source tree
# (src/kmemsim, tests/data): the page says its commands run from there.
# One change keeps make check fast: "--seeds 1-10" becomes "--seeds 1-2"
# (KMEMSIM_SWEEP_DOCS_FULL=1 keeps ten; with KMEMSIM_SWEEP_DOCS_KEEP=DIR the
# outputs stay in DIR -- that is how docs/sweep-*.svg were made).  Then
# the files the page shows exist, the merged table says what the page
# prints (120 jobs with ten seeds, 24 with two), and the charts are SVG.
# The sweep runs through GNU parallel: SKIP (77) without it.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
doc=$srcdir/docs/sweep.md
if ! parallel --version 2>/dev/null | head -1 | grep -q "^GNU parallel"; then
	echo "SKIP: GNU parallel is not installed (docs/sweep.md runs it)"
	exit 77
fi
case $km in /*) ;; *) km=$(pwd)/$km ;; esac
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
if [ -n "${KMEMSIM_SWEEP_DOCS_KEEP:-}" ]; then
	tmp=$KMEMSIM_SWEEP_DOCS_KEEP
	mkdir -p "$tmp" || exit 99
else
	tmp=${TMPDIR:-/tmp}/kmemsim-sweep-docs.$$
	mkdir -p "$tmp" || exit 99
	trap 'rm -rf "$tmp"' EXIT
fi
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

mkdir -p "$tmp/src" "$tmp/tests" || exit 99
ln -sf "$km" "$tmp/src/kmemsim"
ln -sfn "$srcdir/tests/data" "$tmp/tests/data"
seeds=1-2
[ "${KMEMSIM_SWEEP_DOCS_FULL:-0}" = 1 ] && seeds=1-10
awk -v seeds="$seeds" '
	/^```sh[ \t]*$/ { f = 1; n++; print "echo \"== docs/sweep.md:" NR "\""; next }
	f && /^```[ \t]*$/ { f = 0; next }
	f { gsub(/--seeds 1-10/, "--seeds " seeds); print }
	END { if (n < 3) { print "echo \"only " n " sh blocks\"; exit 1" } }
' "$doc" >"$tmp/doc.sh" || exit 99
(cd "$tmp" && sh -e doc.sh) >"$tmp/doc.out" 2>&1
rc=$?
if [ $rc = 0 ]; then pass "the sh blocks of docs/sweep.md ($(grep -c '^== ' "$tmp/doc.out") of them) ran"; else
	fail "docs/sweep.md's commands: exit $rc"; tail -n 20 "$tmp/doc.out"; fi

ex=$tmp/sweep-example
njobs=24
[ "$seeds" = 1-10 ] && njobs=120
for f in jobs.txt merged.txt merged.html peak.svg pages.svg sw/sweep.json sc/sweep.json; do
	[ -s "$ex/$f" ] || fail "docs/sweep.md's commands wrote no sweep-example/$f"
done
[ -s "$ex/jobs.txt" ] && [ "$(wc -l <"$ex/jobs.txt")" = "$njobs" ] &&
	pass "$njobs job lines (4 values x 3 traces x seeds $seeds)" ||
	fail "jobs.txt: $(wc -l <"$ex/jobs.txt" 2>/dev/null) lines, expected $njobs"
grep -q "^kmemsim merge: $njobs results of $njobs jobs, 12 groups; seeds $seeds$" "$ex/merged.txt" &&
grep -q "^grouped by: trace (3), opt.slub_min_objects (4)$" "$ex/merged.txt" &&
grep -q "^trace=first.txt, opt.slub_min_objects=4: " "$ex/merged.txt" &&
	pass "the merged table's header is the page's" || { fail "merged.txt"; head -8 "$ex/merged.txt"; }
# the page's sample rows: a replay's figures do not depend on the seed
for row in "peak slab pages  *pages  *[0-9]*  *66.0  *0.0  *66  *66" \
	"free objects in partial slabs  *objects  *[0-9]*  *0.0  *0.0  *0  *0"; do
	grep -q "^$row$" "$ex/merged.txt" && pass "a row as the page shows it: $(echo "$row" | tr -s ' *' ' ')" ||
		fail "no row '$row' in merged.txt"
done
for f in peak.svg pages.svg; do
	head -2 "$ex/$f" | grep -q "<svg " && pass "$f is an SVG" || fail "$f is not an SVG"
done
"$km" merge "$ex/sc" >"$tmp/sc.txt" 2>&1 &&
grep -q "^kmemsim merge: $njobs results of $njobs jobs, 4 groups; seeds $seeds$" "$tmp/sc.txt" &&
	pass "the scenario sweep: $njobs runs (4 values x 3 policies x seeds $seeds)" ||
	{ fail "the scenario sweep"; head -3 "$tmp/sc.txt"; }

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0

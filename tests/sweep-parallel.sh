#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sweep-parallel.sh - a small sweep run with GNU parallel, two ways: its
# job lines fed to `parallel -j 4`, and `kmemsim sweep --run -j 3` (which
# hands them to parallel itself); both merged tables must be byte-identical
# to the one of the same jobs run one after the other.  SKIPs (77) without
# GNU parallel (./bootstrap installs it).
set -u
km=${KMEMSIM:?}
if ! parallel --version 2>/dev/null | head -1 | grep -q "^GNU parallel"; then
	echo "SKIP: GNU parallel is not installed"
	exit 77
fi
tmp=${TMPDIR:-/tmp}/kmemsim-sweep-par.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
cd "$tmp" || exit 99

sweep() {	# sweep DIR MODE...
	d=$1; shift
	"$km" sweep default --out "$d" --policies slab,slub,slob --seeds 1-4 \
		--set ops=200 "$@"
}
sweep seq --jobs >seq.jobs 2>/dev/null
sh seq.jobs || fail "the jobs one after the other"
"$km" merge seq --format csv >seq.csv 2>/dev/null || fail "merge of the sequential run"

start=$(date +%s)
sweep par --jobs 2>/dev/null >par.jobs
parallel --will-cite -j 4 <par.jobs
rc=$?
[ $rc = 0 ] && pass "parallel -j 4 < jobs: 12 jobs (exit 0, $(( $(date +%s) - start )) s)" ||
	fail "parallel: exit $rc"
"$km" merge par --format csv >par.csv 2>/dev/null
cmp -s seq.csv par.csv && pass "GNU parallel: the sequential run's merged table, byte for byte" ||
	{ fail "parallel's merge differs"; diff seq.csv par.csv | head; }

start=$(date +%s)
sweep run --run -j 3 2>run.err
rc=$?
[ $rc = 0 ] && grep -q "12 jobs run, 0 failed" run.err &&
	pass "sweep --run -j 3 (exit 0, $(( $(date +%s) - start )) s)" ||
	{ fail "sweep --run: exit $rc"; cat run.err; }
[ -s run/parallel.joblog ] && pass "--run went through GNU parallel (its joblog is there)" ||
	fail "--run did not use GNU parallel"
"$km" merge run --format csv >run.csv 2>/dev/null
cmp -s seq.csv run.csv && pass "sweep --run: the same merged table" ||
	{ fail "--run's merge differs"; diff seq.csv run.csv | head; }
# the reports themselves are the same, whoever ran them
for f in seq/default.*.json; do
	cmp -s "$f" "par/${f#seq/}" || fail "${f#seq/} differs under parallel"
done
[ $fails = 0 ] && pass "every report byte-identical under parallel"

# --run again: nothing to do
sweep run --run 2>again.err
grep -q "all 12 results are complete" again.err && pass "--run again: nothing left" ||
	fail "--run again: $(cat again.err)"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0

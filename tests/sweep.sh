#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sweep.sh - `kmemsim sweep` and `kmemsim merge` without a scheduler:
#   - merge's statistics on reports whose numbers are chosen here, checked
#     against the mean, the sample standard deviation and Student's t
#     quantiles of a printed table (t(0.975): df 1 12.706, df 4 2.776,
#     df 39 2.023), computed in awk -- not against merge's own output;
#   - a small sweep of the default scenario run one job after the other
#     (sh) and with xargs -P: byte-identical merged tables, each figure
#     recomputed from the job's own report;
#   - resuming (finished jobs are not listed again), a missing job, a job
#     that failed (its log's reason listed), a result of another point,
#     and corrupt JSON named with its line and column.
# tests/sweep-parallel.sh runs the same with GNU parallel, and
# tests/sweep-slurm.sh with a Slurm job array.
set -u
km=${KMEMSIM:?}
tmp=${TMPDIR:-/tmp}/kmemsim-sweep.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
cd "$tmp" || exit 99

# ---- merge's statistics, on numbers chosen here ----

# report FILE SEED POLICY X VALUE: a minimal run report (the JSON schema's
# required parts) with one figure, "pages in slabs and large kmallocs"
report() {
	cat >"$1" <<EOF
{"schema": "kmemsim-report", "version": 1, "kind": "run", "title": "t",
 "meta": {"scenario": "s.lua", "seed": $2, "policy": "$3", "set.x": "$4"},
 "sections": [{"id": "slab", "title": "", "blocks": [
   {"type": "kv", "id": "totals", "title": "", "items": [
     {"key": "pages in slabs and large kmallocs", "type": "real", "value": $5, "unit": "pages"},
     {"key": "policy", "type": "text", "value": "$3", "unit": ""}]}]}],
 "runs": []}
EOF
}
mkdir st
# x=8: n=5 under slub (1.001 .. 5.005) and slab (2.5 .. 12.5)
for i in 1 2 3 4 5; do
	report st/a-slub-$i.json $i slub 8 "$(awk "BEGIN{printf \"%.3f\", $i * 1.001}")"
	report st/a-slab-$i.json $i slab 8 "$(awk "BEGIN{printf \"%.1f\", $i * 2.5}")"
done
# x=16: n=2; x=100: n=1; x=w: n=40 (0.5 .. 20.0)
report st/b-1.json 1 slub 16 10.5
report st/b-2.json 2 slub 16 12.5
report st/c-1.json 1 slub 100 7.25
i=1; while [ $i -le 40 ]; do
	report st/d-$i.json $i slub w "$(awk "BEGIN{printf \"%.1f\", $i * 0.5}")"
	i=$((i + 1))
done
"$km" merge st --format csv >st.csv 2>st.err
rc=$?
[ $rc = 0 ] && pass "merge of chosen numbers (exit 0)" || { fail "merge exit $rc"; cat st.err; }
# expected: x policy n mean ci min max, from the values and a t table
cat >st.want <<'EOF'
8 slab 2.5 5.0 7.5 10.0 12.5 2.776
8 slub 1.001 2.002 3.003 4.004 5.005 2.776
16 slub 10.5 12.5 12.706
100 slub 7.25 0
EOF
awk 'BEGIN { s = ""; for (i = 1; i <= 40; i++) s = s " " i * 0.5; print "w slub" s " 2.023" }' >>st.want
awk -F, -v want=st.want '
	function abs(v) { return v < 0 ? -v : v }
	function close_to(have, want, rel) { return abs(have - want) <= rel * abs(want) + 1e-9 }
	BEGIN {
		while ((getline line < want) > 0) {
			k = split(line, f, " ")
			key = f[1] "," f[2]; t = f[k]; n = k - 3
			sum = 0; min = f[3]; max = f[3]
			for (i = 3; i < k; i++) { sum += f[i]; if (f[i] < min) min = f[i]; if (f[i] > max) max = f[i] }
			mean = sum / n; ss = 0
			for (i = 3; i < k; i++) ss += (f[i] - mean) ^ 2
			N[key] = n; M[key] = mean; MIN[key] = min; MAX[key] = max
			CI[key] = n > 1 ? t * sqrt(ss / (n - 1)) / sqrt(n) : ""
			order[++nk] = f[1]
		}
	}
	NR == 1 { next }
	$3 == "pages in slabs and large kmallocs" {
		# x,policy,metric,unit,n,mean,ci95,min,max
		key = $1 "," $2; seen[key] = 1; grp[++ng] = $1
		if ($5 != N[key]) { print "FAIL: " key " n " $5 ", expected " N[key]; bad++ }
		if (!close_to($6, M[key], 1e-6)) { print "FAIL: " key " mean " $6 ", expected " M[key]; bad++ }
		if (!close_to($8, MIN[key], 0) || !close_to($9, MAX[key], 0)) {
			print "FAIL: " key " min/max " $8 "/" $9 ", expected " MIN[key] "/" MAX[key]; bad++ }
		if (CI[key] == "" ? $7 != "" : !close_to($7, CI[key], 1e-3)) {
			print "FAIL: " key " 95% CI " $7 ", expected " CI[key]; bad++ }
		else print "ok: " key ": n " $5 ", mean " $6 " (" M[key] "), 95% CI " $7 " (" CI[key] ")"
	}
	END {
		for (k in N) if (!(k in seen)) { print "FAIL: no row for " k; bad++ }
		# groups in value order: numbers by value, then words
		if (grp[1] != "8" || grp[3] != "16" || grp[4] != "100" || grp[5] != "w") {
			print "FAIL: groups out of order: " grp[1] " " grp[3] " " grp[4] " " grp[5]; bad++ }
		exit bad ? 1 : 0
	}' st.csv || fail "statistics (above)"
# two rows worked by hand, as printed (values to 3 decimals, as slub's
# are given; means and intervals get one more):
#   x=8, slab: 2.5 5 7.5 10 12.5: mean 7.5, s^2 = (25 + 6.25 + 0 + 6.25 + 25) / 4
#     = 15.625, s = 3.95285; t(0.975, 4) = 2.776445;
#     2.776445 * 3.95285 / sqrt(5) = 4.9081
#   x=16, slub: 10.5 12.5: mean 11.5, s = sqrt(2); t(0.975, 1) = 12.706205;
#     12.706205 * sqrt(2) / sqrt(2) = 12.7062
for row in "8,slab,pages in slabs and large kmallocs,pages,5,7.5000,4.9081,2.500,12.500" \
	"16,slub,pages in slabs and large kmallocs,pages,2,11.5000,12.7062,10.500,12.500"; do
	grep -qxF "$row" st.csv && pass "by hand: $row" || fail "no row '$row' in: $(grep "^${row%%,*}," st.csv)"
done
# the order of the files given changes nothing
"$km" merge $(ls st/*.json) >st-fwd.txt 2>/dev/null
"$km" merge $(ls st/*.json | sort -r) >st-rev.txt 2>/dev/null
cmp -s st-fwd.txt st-rev.txt && pass "files in any order: the same merge" ||
	{ fail "merge depends on the order of its files"; diff st-fwd.txt st-rev.txt | head; }
# --by x pools nothing else; --by on an unknown key is a usage error
"$km" merge st --by nosuch >/dev/null 2>st.err
[ $? = 2 ] && grep -q "no key" st.err && pass "--by an unknown key: usage error" ||
	fail "--by nosuch: $(cat st.err)"
"$km" merge st --metric "pages in slab and large kmallocs" >/dev/null 2>st.err
[ $? = 2 ] && grep -q "did you mean 'pages in slabs and large kmallocs'" st.err &&
	pass "--metric misspelt: usage error with a suggestion" || fail "--metric: $(cat st.err)"
# corrupt JSON: named with line and column, exit 1, the rest still merged
printf '{"schema": "kmemsim-report",\n "kind": "run" "meta": {}}\n' >st/zz-bad.json
"$km" merge st >st-bad.txt 2>st.err
rc=$?
if [ $rc = 1 ] && grep -q "zz-bad.json:2:[0-9]*: not valid JSON" st.err &&
   grep -q "w slub\|x=w" st-bad.txt; then
	pass "corrupt JSON: exit 1, $(head -1 st.err)"
else
	fail "corrupt JSON: exit $rc: $(cat st.err)"
fi
"$km" merge st --allow-missing >/dev/null 2>&1
[ $? = 1 ] && pass "--allow-missing does not excuse a corrupt file" ||
	fail "--allow-missing accepted a corrupt file"
rm st/zz-bad.json

# ---- a sweep of the default scenario, one job after the other ----

sweep() {	# sweep DIR MODE...: the test's sweep, into DIR
	d=$1; shift
	"$km" sweep default --out "$d" --policies slub,slab --seeds 1-3 \
		--set ops=200 --opt slub_min_objects=4,16 "$@"
}
sweep "$tmp/seq" --jobs >jobs.txt 2>sweep.err
rc=$?
n=$(wc -l <jobs.txt)
[ $rc = 0 ] && [ "$n" = 12 ] && pass "12 job lines (2 policies x 2 values x 3 seeds)" ||
	{ fail "sweep --jobs: exit $rc, $n lines"; cat sweep.err; }
grep -q '"name": "default.slub.ops=200.slub_min_objects=16.seed=3"' seq/sweep.json &&
	pass "the manifest names each job by its point" || fail "manifest: $(head -20 seq/sweep.json)"
sh jobs.txt
rc=$?
[ $rc = 0 ] && [ "$(ls seq/*.json | wc -l)" = 13 ] && pass "the jobs ran one after the other" ||
	fail "sh jobs.txt: exit $rc; $(ls seq | head)"
grep -q '"set.ops": "200"' seq/default.slab.ops=200.slub_min_objects=4.seed=2.json &&
grep -q '"opt.slub_min_objects": "4"' seq/default.slab.ops=200.slub_min_objects=4.seed=2.json &&
	pass "a result's meta carries its point" || fail "no set.ops/opt.* in the result's meta"
"$km" merge seq >seq.txt 2>merge.err
[ $? = 0 ] && pass "merge of the sweep (exit 0)" || { fail "merge: $(cat merge.err)"; }
grep -q "12 results of 12 jobs, 2 groups; seeds 1-3" seq.txt &&
grep -q "grouped by: opt.slub_min_objects (2)" seq.txt &&
	pass "grouped by the swept option only (ops is the same everywhere)" ||
	{ fail "merge header"; head -5 seq.txt; }
# each figure from the jobs' own reports: slub's peak at slub_min_objects=16
vals=$(for s in 1 2 3; do
	grep -o '"key": "peak slab pages", "type": "int", "value": [0-9]*' \
		seq/default.slub.ops=200.slub_min_objects=16.seed=$s.json | sed 's/.* //'
done)
"$km" merge seq --format csv >seq.csv
echo "$vals" | awk -v row="$(grep '^16,slub,peak slab pages,' seq.csv)" '
	{ v[NR] = $1; sum += $1 }
	END {
		mean = sum / NR; for (i = 1; i <= NR; i++) ss += (v[i] - mean) ^ 2
		ci = 4.303 * sqrt(ss / (NR - 1)) / sqrt(NR)
		split(row, f, ",")
		if (NR != 3 || f[5] != 3 || f[6] - mean > 0.051 || mean - f[6] > 0.051 ||
		    f[7] - ci > 0.05 + ci * 1e-3 || ci - f[7] > 0.05 + ci * 1e-3) {
			print "FAIL: " row " from " v[1] " " v[2] " " v[3] ": mean " mean ", CI " ci; exit 1 }
		print "ok: slub peak at slub_min_objects=16: " v[1] ", " v[2] ", " v[3] " -> " row
	}' || fail "merged figure against the reports"

# the same sweep through xargs -P: the same merged table, byte for byte
sweep "$tmp/xa" --jobs 2>/dev/null | xargs -d '\n' -n 1 -P 3 sh -c
"$km" merge xa >xa.txt 2>/dev/null
cmp -s seq.txt xa.txt && pass "xargs -P 3: the same merged table" ||
	{ fail "xargs -P merge differs"; diff seq.txt xa.txt | head; }

# ---- resuming, missing, failed, stale ----

sweep "$tmp/seq" --jobs >again.txt 2>sweep.err
[ ! -s again.txt ] && grep -q "12 jobs, 12 with a complete result, 0 to run" sweep.err &&
	pass "a finished sweep has nothing left to run" || fail "resume: $(cat again.txt sweep.err)"
rm seq/default.slub.ops=200.slub_min_objects=4.seed=2.json \
	seq/default.slub.ops=200.slub_min_objects=4.seed=2.log
"$km" merge seq >missing.txt 2>merge.err
rc=$?
[ $rc = 1 ] && grep -q "missing    default.slub.ops=200.slub_min_objects=4.seed=2: no result" missing.txt &&
	pass "a missing job: listed, exit 1" || { fail "missing: exit $rc"; tail -3 missing.txt; }
"$km" merge seq --allow-missing >/dev/null 2>&1
[ $? = 0 ] && pass "--allow-missing: exit 0" || fail "--allow-missing: exit $?"
sweep "$tmp/seq" --jobs >again.txt 2>/dev/null
[ "$(wc -l <again.txt)" = 1 ] && grep -q "seed 2 .*slub_min_objects=4.seed=2.json" again.txt &&
	pass "resuming lists just the missing job" || fail "resume: $(cat again.txt)"
sh again.txt
"$km" merge seq >seq2.txt 2>/dev/null
cmp -s seq.txt seq2.txt && pass "resumed: the same merged table" || fail "resumed merge differs"
# another point's result in a job's place
cp seq/default.slab.ops=200.slub_min_objects=4.seed=1.json \
	seq/default.slab.ops=200.slub_min_objects=4.seed=3.json
"$km" merge seq >stale.txt 2>/dev/null
[ $? = 1 ] && grep -q "failed .*seed=3: .*seed 1, not 3" stale.txt &&
	pass "another point's result: listed as failed" || fail "stale: $(tail -3 stale.txt)"
sweep "$tmp/seq" --jobs 2>sweep.err | grep -q "slub_min_objects=4.seed=3.json" &&
grep -q "not this job's result (seed 1, not 3): running it again" sweep.err &&
	pass "sweep runs it again" || fail "stale rerun: $(cat sweep.err)"
# truncated JSON in a job's place
head -c 200 seq/default.slab.ops=200.slub_min_objects=16.seed=1.json \
	>seq/default.slab.ops=200.slub_min_objects=16.seed=1.json.t &&
	mv seq/default.slab.ops=200.slub_min_objects=16.seed=1.json.t \
	seq/default.slab.ops=200.slub_min_objects=16.seed=1.json
"$km" merge seq --allow-missing >/dev/null 2>merge.err
[ $? = 1 ] && grep -q "seed=1.json:[0-9]*:[0-9]*: not valid JSON" merge.err &&
	pass "truncated result: $(head -1 merge.err | cut -c1-100)..." || fail "truncated: $(cat merge.err)"

# a scenario that fails at one value: the job's log says why
cat >fail.lua <<'EOF'
-- a scenario that refuses a parameter that is not a number
local km = require "kmemsim"
local n = assert(tonumber(km.params.n), "n must be a number")
local sim = km.new{ ram = "64M" }
for _ = 1, n do assert(sim:kmalloc(64, "GFP_KERNEL")) end
EOF
"$km" sweep fail.lua --out "$tmp/fl" --policies slub --seeds 1-2 --set n=10,oops --jobs >fl.txt 2>/dev/null
sh fl.txt
"$km" merge fl >fl-merge.txt 2>fl.err
rc=$?
if [ $rc = 1 ] && [ "$(grep -c 'failed     fail.slub.n=oops.seed=[12]: kmemsim: .*n must be a number' fl-merge.txt)" = 2 ] &&
   grep -q "the same in every result: scenario=fail.lua, set.n=10" fl-merge.txt &&
   grep -q "^all results: 2 results" fl-merge.txt; then
	pass "failed jobs listed with their log's reason, the others merged"
else
	fail "failed jobs: exit $rc"; cat fl-merge.txt fl.err
fi

# usage errors
"$km" sweep --out "$tmp/u" --opt slub_min_objects=4,x >/dev/null 2>u.err
[ $? = 2 ] && pass "--opt with a value the simulator refuses: usage error" || fail "bad --opt: $(cat u.err)"
"$km" sweep --out "$tmp/u" --opt nosuch=1 >/dev/null 2>u.err
[ $? = 2 ] && pass "--opt unknown key: usage error" || fail "unknown --opt: $(cat u.err)"
"$km" sweep "$tmp/nosuch.lua" --out "$tmp/u" >/dev/null 2>u.err
[ $? = 2 ] && pass "a missing input: usage error" || fail "missing input: $(cat u.err)"
"$km" sweep --policies slub >/dev/null 2>u.err
[ $? = 2 ] && grep -q -- "--out DIR" u.err && pass "no --out: usage error" || fail "no --out: $(cat u.err)"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0

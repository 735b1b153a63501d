#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# real-6.1.sh - kmemsim against real Linux 6.1 kernels (issue 12)
#
# For each real result kept in tests/data/linux-6.1/ (figures printed by real
# UML 6.1 kernels; provenance in that folder's README.md), run the same
# workload under kmemsim.allocbench's profile of that machine and hold the
# simulator to the real figures (tests/real-6.1.lua says which and how
# close).  A missing data file is a failure, not a skip: the data is in the
# tree.  Each run is WORKLOAD:POLICY:FILE.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
data=tests/data/linux-6.1
runs="5:slab:results-w5.md 5:slub:results-w5.md 5:slob:results-w5.md
	4:slab:w4-slab.log 4:slub:w4-slub.log 4:slob:w4-slob.log
	6:slab:w6-slab.log 6:slub:w6-slub.log 6:slob:w6-slob.log"
fails=0
for run in $runs; do
	w=${run%%:*}
	rest=${run#*:}
	policy=${rest%%:*}
	file=$data/${rest#*:}
	if [ ! -r "$srcdir/$file" ]; then
		echo "FAIL: $file missing"
		fails=$((fails + 1))
		continue
	fi
	echo "== W$w under $policy ($file)"
	# from the source tree, so messages name the files as the tree does
	if ! (cd "$srcdir" && "$km" run --unsafe --policy "$policy" --seed=1 \
		tests/real-6.1.lua --set w="$w" --set data="$file"); then
		fails=$((fails + 1))
	fi
done
# a diagnostic log with a cut line is refused, naming file:line
bad=${TMPDIR:-/tmp}/real-6.1-$$.log
trap 'rm -f "$bad"' EXIT
{ echo 'allocbench w4 created slob-page list=1 units=30 free: 100+20 300+10'
  echo 'allocbench w4 created slob-page list=0 units=30 free: 100+20 300+5'; } >"$bad"
printf '%s\n' 'local km, ab = require "kmemsim", require "kmemsim.allocbench"' \
	"ab.slob_lists(km.new{ policy = 'slob' }, '$bad')" >"$bad.lua"
trap 'rm -f "$bad" "$bad.lua"' EXIT
out=$("$km" run --unsafe "$bad.lua" 2>&1); rc=$?
case $rc:$out in
1:*"$bad:2: the free blocks add up to 25 units, the page has 30 (a cut line?)"*)
	echo "ok:   a cut line of a diagnostic log names file:line" ;;
*)	echo "FAIL: a cut line: exit $rc: $out"; fails=$((fails + 1)) ;;
esac
[ $fails = 0 ]

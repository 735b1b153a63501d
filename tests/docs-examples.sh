#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# docs-examples.sh - every ```lua example of docs/dsl.md runs
#
# Each fenced ```lua block of the reference is cut out and run by
# `kmemsim run`, after a prelude that gives it what the reference assumes
# every example has:
#   local km = require "kmemsim"
#   local wl = require "kmemsim.workload"
#   local expect = require "kmemsim.expect"
#   local util = require "kmemsim.util"
#   local sim = km.new{}
# An example runs under the policy its section is about: a section whose
# heading names SLAB or SLOB (as a word) runs with --policy slab or slob,
# any other with the default (slub).  An example whose first line is
# "-- not run" is shown only (there should be few).  Any error fails the
# test and shows the example with its line numbers.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
kmemsim=${KMEMSIM:-src/kmemsim}
doc="$srcdir/docs/dsl.md"
tmp=${TMPDIR:-/tmp}/docs-examples.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT

# cut: tmp/N.lua (prelude + example) and tmp/N.policy; prints the count
awk -v dir="$tmp" '
	/^#+ / { policy = "slub"
		 if ($0 ~ /(^|[^A-Za-z])SLAB([^A-Za-z]|$)/) policy = "slab"
		 if ($0 ~ /(^|[^A-Za-z])SLOB([^A-Za-z]|$)/) policy = "slob" }
	/^[ \t]*```lua[ \t]*$/ { n++; inex = 1; line = NR
		f = dir "/" n ".lua"
		print "local km = require \"kmemsim\"; local wl = require \"kmemsim.workload\"; " \
		      "local expect = require \"kmemsim.expect\"; local util = require \"kmemsim.util\"; " \
		      "local sim = km.new{}" > f
		print policy > (dir "/" n ".policy")
		print line > (dir "/" n ".line")
		next }
	inex && /^[ \t]*```[ \t]*$/ { inex = 0; close(dir "/" n ".lua"); next }
	inex { sub(/^  /, ""); print >> (dir "/" n ".lua") }
	END { print n + 0 }
' "$doc" >"$tmp/count" || exit 99
count=$(cat "$tmp/count")
fail=0
run=0
i=1
while [ "$i" -le "$count" ]; do
	f="$tmp/$i.lua"
	policy=$(cat "$tmp/$i.policy")
	line=$(cat "$tmp/$i.line")
	if sed -n 2p "$f" | grep -q '^-- not run'; then
		i=$((i + 1))
		continue
	fi
	run=$((run + 1))
	if (cd "$srcdir" && "$kmemsim" run "$f" --policy "$policy" --seed=1) >"$tmp/out" 2>&1; then
		:
	else
		echo "FAIL: the example at docs/dsl.md:$line (policy $policy):"
		sed 1d "$f" | awk '{ printf "  %3d  %s\n", NR + 1, $0 }'
		sed 's/^/    /' "$tmp/out" | tail -15
		fail=1
	fi
	i=$((i + 1))
done
echo "$run of $count examples of docs/dsl.md run"
[ "$run" -gt 0 ] || fail=1
exit $fail

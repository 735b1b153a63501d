#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scenarios.sh - every scenario in scenarios/ runs under every policy
#
# Each scenarios/*.lua runs with `kmemsim run --policy P` for P in slab,
# slub, slob; any error (exit status not 0) fails the test, with the
# output.  A policy the binary does not have yet (its kmalloc fails with
# "not available") is skipped and named.  The scenarios are teaching
# material and the comparison default: they must keep running as the
# engine changes.  Each runs with a small --set ops= where it takes one.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
kmemsim=${KMEMSIM:-src/kmemsim}
tmp=${TMPDIR:-/tmp}/scenarios.$$
trap 'rm -f "$tmp"' EXIT
fail=0
count=0
for policy in slab slub slob; do
	probe=$(printf '%s\n' 'local s = require("kmemsim").new{}' \
		'local ok, why = s:kmalloc(8)' \
		'if not ok and tostring(why):find("not available") then print("no") else print("yes") end' |
		"$kmemsim" run --policy "$policy" - 2>/dev/null)
	if [ "$probe" != yes ]; then
		echo "SKIP: policy $policy is not available in this build"
		continue
	fi
	for f in "$srcdir"/scenarios/*.lua; do
		name=scenarios/$(basename "$f")
		count=$((count + 1))
		# run from the source tree so messages name scenarios/NAME.lua
		if (cd "$srcdir" && "$kmemsim" run "$name" --policy "$policy" --seed=1 \
			--set ops=20000) >"$tmp" 2>&1; then
			echo "ok: $name ($policy)"
		else
			echo "FAIL: $name ($policy)"
			sed 's/^/    /' "$tmp" | tail -20
			fail=1
		fi
	done
done
echo "$count scenario runs"
exit $fail

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# regress.sh - replay the fuzzing corpus through the normal build
#
# Every fuzz target (tests/fuzz/fuzz_*.c) is built for `make check` with
# tests/fuzz/driver.c instead of libFuzzer, by the normal compiler (and
# with ASan and UBSan in the sanitizer build).  This runs each over its
# seed inputs (tests/fuzz/fuzz.sh seeds) and over tests/fuzz/regress/TARGET/,
# where every input the fuzzer ever crashed on is kept: a crash, a
# sanitizer report or a broken invariant (abort) fails the test.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
bin=${KMEMSIM_BUILDDIR:-.}/tests/fuzz
tmp=${TMPDIR:-/tmp}/kmemsim-fuzz-regress.$$
trap 'rm -rf "$tmp"' EXIT
fails=0
for t in trace_text trace_input trace_dat replay lua; do
	if [ ! -x "$bin/regress_$t" ]; then
		echo "FAIL: $bin/regress_$t is not built"
		fails=$((fails + 1))
		continue
	fi
	sh "$srcdir/tests/fuzz/fuzz.sh" seeds "$srcdir" "$tmp/$t" "$t" || exit 99
	if out=$("$bin/regress_$t" "$tmp/$t" 2>&1); then
		echo "ok: $t: $out"
	else
		echo "FAIL: $t: $out" | tail -n 30
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }

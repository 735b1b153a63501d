#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# strlib.sh - the sandbox's pattern matcher (src/lsim_strlib.c) gives what
# Lua's gives: tests/lua/strlib_patterns.lua under tests/luaref (the stock
# string library) and under `kmemsim run`, compared byte for byte.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
ref=${LUAREF:-./tests/luaref}
tmp=${TMPDIR:-/tmp}/kmemsim-strlib.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
if [ ! -x "$ref" ]; then
	echo "strlib.sh: no $ref (make check builds it)"
	exit 99
fi
"$ref" "$srcdir/tests/lua/strlib_patterns.lua" >"$tmp/ref" 2>&1 || { cat "$tmp/ref"; exit 99; }
"$km" run "$srcdir/tests/lua/strlib_patterns.lua" >"$tmp/kmemsim" 2>&1 || { cat "$tmp/kmemsim"; exit 1; }
lines=$(wc -l <"$tmp/ref")
if [ "$lines" -lt 10000 ]; then
	echo "FAIL: only $lines lines from the reference"
	exit 1
fi
if diff -u "$tmp/ref" "$tmp/kmemsim" | head -40; then :; fi
if cmp -s "$tmp/ref" "$tmp/kmemsim"; then
	echo "ok: $lines results identical to Lua's string library"
	exit 0
fi
echo "FAIL: the sandbox's pattern matcher differs from Lua's"
exit 1

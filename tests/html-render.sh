#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# html-render.sh - HTML reports in a real browser: headless Chromium must
# render each page to a screenshot that is not blank, and its DOM must hold
# the inline SVG charts and memory maps.
#
# The pages are real scenario reports: the bundled default scenario
# rendered by `kmemsim run --format html -o run.html` (one simulator: its
# sections, memory map by owner and by migratetype, time series) and by
# `kmemsim compare -o compare.html` (the side-by-side bar charts plus every
# policy's run report).
#
# No browser, no check: the test prints a visible SKIP and exits 77, which
# automake counts as SKIP, never as PASS.  ./bootstrap installs Debian's
# chromium package so CI always has one.  The screenshot is decoded by
# tests/unit/check_report --png-stats (zlib) or, failing that, python3.
set -u
tmp=${TMPDIR:-/tmp}/kmemsim-html.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
fails=0

km=${KMEMSIM:-./src/kmemsim}
[ -x "$km" ] || { echo "FAIL: no kmemsim binary at $km"; exit 99; }
# the PNG decoder: built next to this test (make check builds it first)
demo=./tests/unit/check_report
[ -x "$demo" ] || demo=$(dirname "$km")/../tests/unit/check_report

browser=
for b in ${CHROMIUM:-} chromium chromium-browser google-chrome-stable google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
[ -n "$browser" ] || skip "no Chromium found (install Debian's chromium, or set CHROMIUM)"

# the pages, from the bundled default scenario
(cd "${KMEMSIM_SRCDIR:-.}" && "$km" run --format html -o "$tmp/run.html" >/dev/null) ||
	{ echo "FAIL: kmemsim run --format html"; exit 1; }
(cd "${KMEMSIM_SRCDIR:-.}" && "$km" compare --format html -o "$tmp/compare.html" >/dev/null) ||
	{ echo "FAIL: kmemsim compare --format html"; exit 1; }

# A fresh profile, nothing from the network, no sandbox (CI runs as root).
run_browser() { # extra options...
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--hide-scrollbars --user-data-dir="$tmp/profile" \
		"$@" "file://$tmp/$page.html" 2>"$tmp/browser.err"
}

# check_page NAME: tests/NAME.html in the DOM and on screen
check_page() {
	page=$1
	echo "== $page.html"
	nsvg=$(grep -o '<svg ' "$tmp/$page.html" | wc -l)
	[ "$nsvg" -gt 0 ] || { fail "$page: the page has no <svg>"; return; }
	run_browser --dump-dom >"$tmp/dom.html"
	rc=$?
	if [ "$rc" != 0 ] || [ ! -s "$tmp/dom.html" ]; then
		# a browser that cannot start at all here (no display libraries, ...)
		cat "$tmp/browser.err"
		skip "$browser --headless did not run (exit $rc)"
	fi
	for el in svg rect polyline line text; do
		n=$(grep -o "<$el[ >]" "$tmp/dom.html" | wc -l)
		if [ "$n" -gt 0 ]; then pass "DOM has $n <$el> elements"; else fail "DOM has no <$el>"; fi
	done
	n=$(grep -o '<svg ' "$tmp/dom.html" | wc -l)
	if [ "$n" = "$nsvg" ]; then pass "all $nsvg SVGs reached the DOM"; else
		fail "$n of $nsvg SVGs in the DOM"; fi
	if grep -q '<script' "$tmp/dom.html"; then fail "the page has a script"; else pass "no scripts"; fi

	run_browser --screenshot="$tmp/shot.png" --window-size=1200,1600 >/dev/null
	if [ ! -s "$tmp/shot.png" ]; then
		# once more: a browser starved of CPU (a loaded machine) can time
		# out before it paints; the page is the same both times
		echo "no screenshot on the first try; once more"
		cat "$tmp/browser.err"
		run_browser --screenshot="$tmp/shot.png" --window-size=1200,1600 >/dev/null
	fi
	if [ ! -s "$tmp/shot.png" ]; then
		cat "$tmp/browser.err"
		fail "no screenshot"
	else
		# "WxH colours=N nonbg=P": decoded by check_report (zlib) or python3
		stats=$([ -x "$demo" ] && "$demo" --png-stats "$tmp/shot.png" 2>/dev/null)
		if [ -z "$stats" ] && command -v python3 >/dev/null 2>&1; then
			stats=$(python3 - "$tmp/shot.png" <<-'PY'
	import struct, sys, zlib
	d = open(sys.argv[1], "rb").read()
	assert d[:8] == b"\x89PNG\r\n\x1a\n"
	i, idat = 8, b""
	while i < len(d):
	    n, t = struct.unpack(">I4s", d[i:i + 8])
	    c = d[i + 8:i + 8 + n]
	    if t == b"IHDR":
	        w, h, depth, ctype = struct.unpack(">IIBB", c[:10])
	    elif t == b"IDAT":
	        idat += c
	    i += 12 + n
	bpp = {2: 3, 6: 4}[ctype]
	raw, stride, prev, counts = zlib.decompress(idat), w * bpp, bytearray(w * bpp), {}
	for y in range(h):
	    f, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
	    for x in range(stride):
	        a = row[x - bpp] if x >= bpp else 0
	        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
	        if f == 1: row[x] = (row[x] + a) & 255
	        elif f == 2: row[x] = (row[x] + b) & 255
	        elif f == 3: row[x] = (row[x] + (a + b) // 2) & 255
	        elif f == 4:
	            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
	            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
	    for x in range(0, stride, bpp):
	        k = bytes(row[x:x + 3]); counts[k] = counts.get(k, 0) + 1
	    prev = row
	print("%dx%d colours=%d nonbg=%.1f" % (w, h, len(counts), 100.0 * (w * h - max(counts.values())) / (w * h)))
	PY
	)
		fi
		if [ -z "$stats" ]; then
			fail "cannot decode the screenshot (no zlib in check_report, no python3)"
		else
			echo "screenshot: $stats"
			colours=$(echo "$stats" | sed -n 's/.*colours=\([0-9]*\).*/\1/p')
			nonbg=$(echo "$stats" | sed -n 's/.*nonbg=\([0-9]*\).*/\1/p')
			# a blank page has one colour; this one has text, charts, maps
			if [ "${colours:-0}" -ge 32 ]; then pass "$colours colours"; else
				fail "only ${colours:-0} colours: blank page?"; fi
			if [ "${nonbg:-0}" -ge 5 ]; then pass "$nonbg% of pixels not background"; else
				fail "only ${nonbg:-0}% of pixels drawn: blank page?"; fi
		fi
	fi
}

check_page run
check_page compare

echo "$fails failure(s)"
[ "$fails" = 0 ]

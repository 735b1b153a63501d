#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# man-sync.sh - the manuals say what the binary does
#
#  1. docs/kmemsim.1 has a section (.SS NAME under COMMANDS) for every
#     command `kmemsim --help` lists, and none for a command it does not;
#  2. in each section, the option tags (the line after each .TP: "-o,
#     --output FILE", "--explain[=N]") are exactly the option lines of
#     `kmemsim help NAME`, name and value alike, in both directions
#     (-h/--help, which every command has, is documented once, under
#     OPTIONS);
#  3. the page's version is the binary's;
#  4. kmemsim-dsl(7), which make renders from docs/dsl.md, has every
#     section of it;
#  5. groff renders both pages without a warning (skipped without groff);
#  6. no --help line is wider than 80 columns.
# Each failure says which page, section and option.
set -u
srcdir=${KMEMSIM_SRCDIR:?}
km=${KMEMSIM:?}
man1=$srcdir/docs/kmemsim.1
man7=$(dirname "$(dirname "$km")")/docs/kmemsim-dsl.7	# built

tmp=${TMPDIR:-/tmp}/man-sync.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# what roff markup a tag line has, gone: "\fB\-o\fR, \fB\-\-output\fR \fIFILE\fR" -> "-o, --output FILE"
unroff() { sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/^\.[A-Z]* //' -e 's/"//g'; }

# 1. the commands
"$km" --help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit } f && /^  [a-z]/ { print $1 }' |
	sort >"$tmp/cmds"
awk '/^\.SH COMMANDS/ { f = 1; next } /^\.SH/ { f = 0 } f && /^\.SS / { print $2 }' "$man1" |
	sort >"$tmp/mancmds"
[ -s "$tmp/cmds" ] || { echo "FAIL: kmemsim --help lists no command"; exit 1; }
comm -23 "$tmp/cmds" "$tmp/mancmds" | while read -r c; do
	echo "FAIL: docs/kmemsim.1 has no section for the command '$c'"; done >"$tmp/f1"
comm -13 "$tmp/cmds" "$tmp/mancmds" | while read -r c; do
	echo "FAIL: docs/kmemsim.1 documents a command '$c' that kmemsim --help does not list"; done >>"$tmp/f1"
if [ -s "$tmp/f1" ]; then cat "$tmp/f1"; fails=$((fails + $(wc -l <"$tmp/f1"))); else
	pass "docs/kmemsim.1 has a section for each of: $(tr '\n' ' ' <"$tmp/cmds")"; fi

# 2. the options of each command
while read -r c; do
	"$km" help "$c" >"$tmp/help" 2>&1 || fail "kmemsim help $c failed"
	# option lines: two spaces, a dash; the label ends at two spaces
	awk '/^options:/ { f = 1; next } f && /^$/ { exit }
	     f && /^  -/ { s = substr($0, 3); i = index(s, "  "); print (i ? substr(s, 1, i - 1) : s) }' \
		"$tmp/help" | grep -v '^-h, --help$' | sort >"$tmp/opts"
	awk -v c="$c" '/^\.SH/ { f = 0 } /^\.SH COMMANDS/ { cmds = 1 }
	     cmds && /^\.SS / { f = ($2 == c) }
	     f && tp { print; tp = 0; next }
	     f && /^\.TP/ { tp = 1 }' "$man1" | unroff | sort >"$tmp/manopts"
	n=0
	for o in $(comm -23 "$tmp/opts" "$tmp/manopts" | tr ' ' '~'); do
		fail "docs/kmemsim.1, section $c: no '$(echo "$o" | tr '~' ' ')' (in kmemsim $c --help)"; n=1
	done
	for o in $(comm -13 "$tmp/opts" "$tmp/manopts" | tr ' ' '~'); do
		fail "docs/kmemsim.1, section $c: '$(echo "$o" | tr '~' ' ')' is not an option of kmemsim $c --help"; n=1
	done
	[ "$n" = 0 ] && pass "section $c: the $(wc -l <"$tmp/opts") options of kmemsim $c --help, no other"
	awk 'length > 80 { print FILENAME ": " $0 }' "$tmp/help" | grep . &&
		fail "kmemsim $c --help has lines wider than 80 columns"
done <"$tmp/cmds"
"$km" --help | awk 'length > 80' | grep . && fail "kmemsim --help has lines wider than 80 columns"

# 3. the version
v=$("$km" --version | awk '{ print $2 }')
if grep -q "^\.TH KMEMSIM 1 .*\"kmemsim $v\"" "$man1"; then pass "kmemsim.1 is of version $v"; else
	fail "docs/kmemsim.1's .TH does not say kmemsim $v"; fi

# 4. kmemsim-dsl(7), built from docs/dsl.md: every heading made it
if [ -f "$man7" ]; then
	sed -n 's/^##* //p' "$srcdir/docs/dsl.md" | sed 1d | tr -d '`' | while read -r h; do
		grep -qiF "$(printf '%s' "$h" | sed -e 's/\\/\\e/g' -e 's/—/\\(em/g')" "$man7" ||
			echo "FAIL: kmemsim-dsl.7 lacks the section '$h' of docs/dsl.md"
	done >"$tmp/f4"
	if [ -s "$tmp/f4" ]; then cat "$tmp/f4"; fails=$((fails + 1)); else
		pass "kmemsim-dsl.7 has every section of docs/dsl.md"; fi
else
	fail "no $man7 (make builds it)"
fi

# 5. both pages render cleanly
if command -v groff >/dev/null 2>&1; then
	for p in "$man1" "$man7"; do
		LC_ALL=C groff -man -t -Tutf8 -ww -Wbreak -z "$p" >"$tmp/groff" 2>&1
		if [ -s "$tmp/groff" ]; then fail "groff warns about $p:"; cat "$tmp/groff"; else
			pass "groff renders $(basename "$p") without a warning"; fi
	done
else
	echo "(no groff: pages not rendered)"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]

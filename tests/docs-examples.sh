#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# docs-examples.sh - every ```lua example of README.md and docs/*.md runs as
# printed, and prints what it says it prints
#
# Each fenced ```lua block is cut out as it stands (only the indentation
# of a block inside a list item is removed) and fed to `kmemsim run -`
# with nothing added: an example is self-contained, with its own require
# lines, exactly what a reader pastes.  Its "--> TEXT" comments claim what
# it prints; each must match a line of the output, in order:
#   - runs of blanks count as one space (a tab prints as two spaces);
#   - "..." at the end of a claim stands for the rest of that line;
#   - " -- " inside a claim starts a remark, which is not compared.
# An example fails if kmemsim exits non-zero or a claim finds no line.
# A block whose first line is "-- not run" is only shown (counted; there
# should be none).
set -u
srcdir=${KMEMSIM_SRCDIR:?}
kmemsim=${KMEMSIM:-src/kmemsim}
tmp=${TMPDIR:-/tmp}/docs-examples.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
run=0
skipped=0
claims=0
files=0

for doc in "$srcdir"/README.md "$srcdir"/docs/*.md; do
	name=${doc#"$srcdir"/}
	rm -f "$tmp"/ex.*
	# cut: ex.N.lua (the block), ex.N.line (where it starts), ex.N.claims
	# ("LINE<tab>CLAIM" per claim)
	awk -v dir="$tmp" '
		!inex && /^[ \t]*```lua[ \t]*$/ {
			n++; inex = 1; first = 1
			match($0, /^[ \t]*/); indent = RLENGTH
			print NR + 1 > (dir "/ex." n ".line")
			close(dir "/ex." n ".line")
			printf "" > (dir "/ex." n ".claims")
			next }
		inex && /^[ \t]*```[ \t]*$/ { inex = 0; close(dir "/ex." n ".lua"); close(dir "/ex." n ".claims"); next }
		inex {
			line = substr($0, 1, indent) ~ /^[ \t]*$/ ? substr($0, indent + 1) : $0
			print line > (dir "/ex." n ".lua")
			if ((i = index(line, "-->")) > 0) {
				c = substr(line, i + 3)
				if ((j = index(c, " -- ")) > 0)
					c = substr(c, 1, j - 1)
				gsub(/[ \t]+/, " ", c); sub(/^ /, "", c); sub(/ $/, "", c)
				if (c != "")
					print NR "\t" c > (dir "/ex." n ".claims")
			}
		}
		END { print n + 0 > (dir "/count") }
	' "$doc" || exit 99
	count=$(cat "$tmp/count")
	[ "$count" -gt 0 ] || continue
	files=$((files + 1))
	i=1
	while [ "$i" -le "$count" ]; do
		f=$tmp/ex.$i.lua
		line=$(cat "$tmp/ex.$i.line")
		if head -n 1 "$f" | grep -q '^-- not run'; then
			skipped=$((skipped + 1))
			i=$((i + 1))
			continue
		fi
		run=$((run + 1))
		(cd "$tmp" && "$kmemsim" run - <"$f") >"$tmp/out" 2>&1
		rc=$?
		# every claim, in order, against the lines of the output
		awk -F '\t' -v doc="$name" -v out="$tmp/out" '
			BEGIN {
				while ((getline l < out) > 0) {
					gsub(/[ \t]+/, " ", l); sub(/^ /, "", l); sub(/ $/, "", l)
					o[++no] = l
				}
			}
			{
				c = $2; at = pos; found = 0
				prefix = c ~ /\.\.\.$/
				if (prefix) { p = c; sub(/ ?\.\.\.$/, "", p) }
				while (++at <= no) {
					if ((prefix && index(o[at], p) == 1) || (!prefix && o[at] == c)) {
						found = 1; break
					}
				}
				if (found) { pos = at; ok++ }
				else { printf "FAIL: %s:%d: no output line after line %d matches the claim \"--> %s\"\n", doc, $1, pos, c; bad++ }
			}
			END { print ok + 0 > (out ".ok"); exit bad > 0 }
		' "$tmp/ex.$i.claims"
		crc=$?
		claims=$((claims + $(cat "$tmp/out.ok")))
		if [ "$rc" != 0 ] || [ "$crc" != 0 ]; then
			[ "$rc" != 0 ] && echo "FAIL: $name:$line: the example exits $rc"
			echo "  the example, as printed in $name:"
			awk -v l="$line" '{ printf "  %4d  %s\n", l + NR - 1, $0 }' "$f"
			echo "  its output:"
			sed 's/^/    /' "$tmp/out" | head -n 30
			fail=1
		fi
		i=$((i + 1))
	done
done
echo "$run examples in $files files run as printed, $claims claims (-->) matched" \
	"$([ "$skipped" = 0 ] || echo "; $skipped marked '-- not run'")"
[ "$run" -gt 0 ] || fail=1
exit $fail

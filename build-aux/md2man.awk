# SPDX-License-Identifier: GPL-2.0-or-later
# md2man.awk - the Markdown of docs/*.md as a man(7) page
#
#   awk -v name=kmemsim-dsl -v section=7 -v version=0.1.0 \
#       -v title="the Lua scenario API of kmemsim" -f md2man.awk docs/dsl.md
#
# So that kmemsim-dsl(7) is docs/dsl.md, never a second text to keep in
# step (`make update-man` regenerates docs/kmemsim-dsl.7; tests/man-sync.sh
# fails when it is stale).  Only what the docs use is understood: # ## ###
# headings (the first one is the page's title, dropped), paragraphs,
# ``` fences, - lists with indented continuation lines, | pipe tables |,
# `code`, **bold**, *italic* and [text](link).
# '-' as the ASCII minus (\-), for code one copies; not in "\(->"
function dashes(s) {
	gsub(/-/, "\\-", s)
	gsub(/\\\(\\->/, "\\(->", s)
	return s
}
function esc(s) {
	gsub(/\\/, "\\e", s)
	# the few non-ASCII characters the docs use, as groff's names
	gsub(/—/, "\\(em", s)
	gsub(/→/, "\\(->", s)
	gsub(/×/, "\\(mu", s)
	gsub(/−/, "\\(mi", s)
	gsub(/≥/, "\\(>=", s)
	gsub(/≤/, "\\(<=", s)
	gsub(/§/, "\\(sc", s)
	return s
}
# inline markup of one line of prose (already escaped)
function inline(s,    out, c, at, len) {
	out = ""
	while (length(s)) {
		if (match(s, /`[^`]+`/)) {
			at = RSTART	# emph() matches too: keep ours
			len = RLENGTH
			out = out emph(substr(s, 1, at - 1))
			c = dashes(substr(s, at + 1, len - 2))
			out = out "\\fB" c "\\fR"
			s = substr(s, at + len)
		} else {
			out = out emph(s)
			s = ""
		}
	}
	return out
}
function emph(s) {
	while (match(s, /\*\*[^*]+\*\*/))
		s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 2, RLENGTH - 4) "\\fR" substr(s, RSTART + RLENGTH)
	while (match(s, /\*[^* ][^*]*\*/))
		s = substr(s, 1, RSTART - 1) "\\fI" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
	while (match(s, /\[[^]]+\]\([^)]+\)/)) {
		link = substr(s, RSTART, RLENGTH)
		text = link; sub(/\].*/, "", text); sub(/^\[/, "", text)
		url = link; sub(/^[^(]*\(/, "", url); sub(/\)$/, "", url)
		s = substr(s, 1, RSTART - 1) text (text == url ? "" : " (" url ")") substr(s, RSTART + RLENGTH)
	}
	return s
}
# a line of running text: never starting with a control character
function put(s) {
	if (s ~ /^[.']/)
		s = "\\&" s
	print s
}
# split a table row (escaped by esc()) at the | that are neither in
# `code` nor escaped (\|, now \e|)
function cells(s,    n, i, c, code, cur) {
	sub(/^[ \t]*\|/, "", s)
	sub(/\|[ \t]*$/, "", s)
	n = 0
	cur = ""
	code = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "`")
			code = !code
		if (c == "|" && !code && substr(cur, length(cur) - 1) != "\\e") {
			cell[++n] = cur
			cur = ""
			continue
		}
		cur = cur c
	}
	cell[++n] = cur
	for (i = 1; i <= n; i++) {
		gsub(/^[ \t]+|[ \t]+$/, "", cell[i])
		gsub(/\\e\|/, "|", cell[i])	# \| (esc() made it \e|)
	}
	return n
}
# the table so far is in row[1..nrows][1..ncols]: print it, the columns
# that stay narrow as they are, the others (and the last) as text blocks
function end_table(    i, j, w, fmt, line, c, block) {
	if (!intable)
		return
	intable = 0
	print ".TS"
	print "tab(@) allbox;"
	fmt = ""
	for (j = 1; j <= ncols; j++) {
		w = 0
		for (i = 1; i <= nrows; i++)
			if (length(plain[i, j]) > w)
				w = length(plain[i, j])
		wide[j] = j == ncols || w > 30
		fmt = fmt (j > 1 ? " " : "") (wide[j] ? "lx" : "l")
	}
	print fmt "."
	for (i = 1; i <= nrows; i++) {
		line = ""
		for (j = 1; j <= ncols; j++) {
			c = row[i, j]
			if (i == 1)
				c = "\\fB" c "\\fR"
			if (wide[j])
				c = "T{\n" (c ~ /^[.']/ ? "\\&" : "") c "\nT}"
			line = line (j > 1 ? "@" : "") c
		}
		print line
	}
	print ".TE"
}
# the paragraph or list item gathered so far, as one line of text
function flush() {
	if (text == "")
		return
	if (kind == "item")
		print ".IP \\(bu 2"
	else if (need_pp)
		print ".PP"
	need_pp = 0
	put(inline(esc(text)))
	text = ""
}
BEGIN {
	print ".\\\" SPDX-License-Identifier: GPL-2.0-or-later"
	print ".\\\" Generated from " (src ? src : "docs/dsl.md") " by build-aux/md2man.awk (make update-man); do not edit."
	printf ".TH %s %s \"\" \"kmemsim %s\" \"kmemsim manual\"\n", toupper(name), section, version
	print ".SH NAME"
	printf "%s \\- %s\n", name, title
	print ".SH DESCRIPTION"
	need_pp = 0
}
# code fences
/^[ \t]*```/ {
	flush()
	end_table()
	if (!incode) {
		incode = 1
		print ".PP"
		print ".RS 4"
		print ".nf"
	} else {
		incode = 0
		print ".fi"
		print ".RE"
		need_pp = 1
	}
	next
}
incode {
	put(dashes(esc($0)))
	next
}
# tables: a header row, a --- row, then rows
/^[ \t]*\|/ {
	flush()
	if ($0 ~ /^[ \t]*\|[ \t:|-]+$/)
		next		# the --- row
	n = cells(esc($0))
	if (!intable) {
		intable = 1
		nrows = 0
		ncols = n
	}
	nrows++
	for (i = 1; i <= ncols; i++) {
		c = i <= n ? cell[i] : ""
		row[nrows, i] = inline(c)
		gsub(/@/, "\\(at", row[nrows, i])
		gsub(/`|\*\*/, "", c)
		plain[nrows, i] = c
	}
	need_pp = 1
	next
}
intable { end_table() }
/^# / { next }
/^##+ / {
	flush()
	s = $0
	level = index(s, " ") - 1
	s = substr(s, level + 2)
	gsub(/`/, "", s)
	if (level == 2)
		printf ".SH \"%s\"\n", toupper(esc(s))
	else
		printf ".SS \"%s\"\n", esc(s)
	need_pp = 0
	next
}
/^[ \t]*$/ { flush(); need_pp = 1; kind = ""; next }
/^[-*] / {
	flush()
	kind = "item"
	text = substr($0, 3)
	next
}
{
	s = $0
	sub(/^[ \t]+/, "", s)
	if (kind != "item")
		kind = "para"
	text = text (text == "" ? "" : " ") s
}
END { flush(); end_table() }

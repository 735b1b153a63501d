/* SPDX-License-Identifier: GPL-2.0-or-later */
/* merge_html.c - a merged sweep as a web page, and its charts as SVG
 *
 * One chart per metric, across the swept parameter: the x axis holds the
 * values of one group key (the first whose values are all numbers, in
 * sorted order and evenly spaced: they are the values swept, not a
 * measured scale), and every other combination of group keys and policy
 * is one line, a point at each mean with an error bar over its 95%
 * confidence interval.  All lines of a chart share one y axis that starts
 * at zero (unless a value is negative), so what is compared is drawn to
 * one scale; lines are nudged sideways a little so that error bars at the
 * same x do not hide each other.  Colours are the Okabe-Ito palette the
 * report charts use, then dashed.
 *
 * The page is self-contained (inline CSS and SVG, no script, nothing
 * fetched): the summary, the jobs without a result, the charts, then the
 * tables of the text rendering.  Coordinates are printed with one decimal,
 * so the same merge is the same bytes everywhere.  The report renderers
 * (report_svg.c) draw documents whose series have a time or operation
 * axis and no error bars; a merge's chart is neither, so it is drawn here.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "merge.h"

#define CH_W		760	/* as wide as the report charts */
#define CH_LEFT		84
#define CH_RIGHT	(CH_W - 24)
#define CH_TOP		64
#define CH_PLOT_H	270
#define CH_BOTTOM	(CH_TOP + CH_PLOT_H)
#define CH_LEGEND_ROW	20
#define CH_FONT		"DejaVu Sans, Verdana, Arial, sans-serif"
#define CH_CHAR_W	0.6	/* average glyph width / font size (estimate) */

/* Okabe & Ito, as report_svg.c; yellow last (low contrast) */
static const char *const ch_palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#D55E00",
	"#CC79A7", "#56B4E9", "#000000", "#F0E442",
};
#define CH_NR_COLOURS	(sizeof ch_palette / sizeof *ch_palette)
static const char *const ch_dashes[] = { NULL, "7 3", "2 2" };

static void ch_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* one line of a chart: a combination of the other group keys, and a column */
struct ch_line {
	size_t group;		/* a group with this combination (for its values) */
	size_t column;
	char label[256];
};

/* do groups @a and @b agree on every group key but the x axis? */
static bool ch_same_line(const struct merge *mg, size_t a, size_t b)
{
	for (size_t k = 0; k < mg->ngkeys; k++)
		if (k != mg->xkey && mg->groups[a].vals[k] != mg->groups[b].vals[k])
			return false;
	return true;
}

/* the group at x value @xi on @line's combination, or SIZE_MAX */
static size_t ch_group_at(const struct merge *mg, const struct ch_line *line,
			  size_t xi)
{
	for (size_t g = 0; g < mg->ngroups; g++)
		if ((mg->xkey == SIZE_MAX || mg->groups[g].vals[mg->xkey] == xi) &&
		    ch_same_line(mg, g, line->group))
			return g;
	return SIZE_MAX;
}

/* the lines, in group order then column order; NULL if out of memory */
static struct ch_line *ch_lines(const struct merge *mg, size_t *n)
{
	struct ch_line *lines = calloc(mg->ngroups * mg->ncolumns + 1, sizeof *lines);

	*n = 0;
	if (!lines)
		return NULL;
	for (size_t g = 0; g < mg->ngroups; g++) {
		bool first = true;

		for (size_t h = 0; h < g && first; h++)
			first = !ch_same_line(mg, g, h);
		if (!first)
			continue;
		for (size_t c = 0; c < mg->ncolumns; c++) {
			struct ch_line *l = &lines[(*n)++];
			size_t len = 0;

			l->group = g;
			l->column = c;
			for (size_t k = 0; k < mg->ngkeys; k++) {
				const struct mg_key *key = &mg->keys[mg->gkeys[k]];

				if (k == mg->xkey)
					continue;
				len += (size_t)snprintf(l->label + len, sizeof l->label - len,
							"%s%s=%s", len ? ", " : "", key->key,
							key->values[mg->groups[g].vals[k]]);
				if (len >= sizeof l->label)
					len = sizeof l->label - 1;
			}
			if (mg->ncolumns > 1 || !len)
				snprintf(l->label + len, sizeof l->label - len, "%s%s",
					 len ? ", " : "", mg->columns[c]);
		}
	}
	return lines;
}

/* a step of 1, 2, 2.5 or 5 times a power of ten, about a fifth of @range */
static double ch_step(double range, unsigned *decimals)
{
	static const double mult[] = { 1, 2, 2.5, 5, 10 };
	double mag = 1, rough = range / 5;
	int e = 0;

	while (mag * 10 <= rough) {
		mag *= 10;
		e++;
	}
	while (mag > rough && e > -9) {
		mag /= 10;
		e--;
	}
	for (size_t i = 0; i < sizeof mult / sizeof *mult; i++)
		if (mult[i] * mag >= rough) {
			*decimals = e >= 0 ? (i == 2 && e == 0 ? 1 : 0) :
				    (unsigned)(-e) + (i == 2);
			return mult[i] * mag;
		}
	*decimals = e > 0 ? 0 : (unsigned)(-e);
	return 10 * mag;
}

static void ch_text(FILE *f, double x, double y, const char *attrs, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"%s%s>", x, y, attrs ? " " : "",
		attrs ? attrs : "");
	ch_xml(f, s);
	fputs("</text>\n", f);
}

/* @s cut to fit @width pixels at @size px, with an ellipsis */
static void ch_fit(const char *s, double width, double size, char *buf, size_t len)
{
	size_t max = (size_t)(width / (size * CH_CHAR_W)), cp = 0, i = 0;

	snprintf(buf, len, "%s", s);
	for (; buf[i]; i++)
		if (((unsigned char)buf[i] & 0xC0) != 0x80 && ++cp > max)
			break;
	if (buf[i] && max > 1 && i + 4 < len) {
		/* back to the start of the last code point that fits, then "…" */
		while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
			i--;
		if (i > 0)
			i--;
		memcpy(buf + i, "\xE2\x80\xA6", 4);
	}
}

static void ch_chart(const struct merge *mg, size_t metric, FILE *f,
		     bool xml_decl, const struct ch_line *lines, size_t nlines)
{
	const struct mg_metric *mt = &mg->metrics[metric];
	const struct mg_key *xk = mg->xkey == SIZE_MAX ? NULL :
				  &mg->keys[mg->gkeys[mg->xkey]];
	size_t nx = xk ? xk->nvalues : 1, nmin = SIZE_MAX, nmax = 0;
	double lo = 0, hi = 0, step, y0, y1, band, dodge;
	unsigned dec;
	size_t per_row, rows, h;
	bool any = false;
	char buf[512], sub[256], ybuf[64];

	/* the y range: every mean and interval of every line */
	for (size_t l = 0; l < nlines; l++)
		for (size_t xi = 0; xi < nx; xi++) {
			size_t g = ch_group_at(mg, &lines[l], xi);
			struct mg_stat st;
			double a, b;

			if (g == SIZE_MAX)
				continue;
			mg_stat(mg, g, lines[l].column, metric, &st);
			if (!st.n)
				continue;
			a = isnan(st.ci) ? st.mean : st.mean - st.ci;
			b = isnan(st.ci) ? st.mean : st.mean + st.ci;
			if (!any || a < lo)
				lo = a;
			if (!any || b > hi)
				hi = b;
			nmin = st.n < nmin ? st.n : nmin;
			nmax = st.n > nmax ? st.n : nmax;
			any = true;
		}
	lo = lo < 0 ? lo : 0;	/* from zero, unless something is negative */
	if (hi <= lo)
		hi = lo + 1;
	step = ch_step(hi - lo, &dec);
	y0 = floor(lo / step) * step;
	y1 = ceil(hi / step) * step;
	if (y1 <= y0)
		y1 = y0 + step;
	/* the legend: entries as wide as the longest label, in rows */
	{
		size_t wmax = 1;

		for (size_t l = 0; l < nlines; l++) {
			size_t w = strlen(lines[l].label);

			wmax = w > wmax ? w : wmax;
		}
		if (wmax > 60)
			wmax = 60;
		per_row = (size_t)((CH_W - 40) / (30 + wmax * 12 * CH_CHAR_W + 16));
		per_row = per_row ? per_row : 1;
		rows = (nlines + per_row - 1) / per_row;
	}
	h = CH_BOTTOM + 56 + rows * CH_LEGEND_ROW + 8;
	if (xml_decl)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
		"viewBox=\"0 0 %d %zu\" font-family=\"%s\" font-size=\"12\" role=\"img\">\n",
		CH_W, h, CH_W, h, CH_FONT);
	fputs("<title>", f);
	ch_xml(f, mt->name);
	fputs("</title>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%zu\" fill=\"#ffffff\"/>\n", CH_W, h);
	ch_fit(mt->name, CH_W - 40, 15, buf, sizeof buf);
	ch_text(f, 20, 24, "font-size=\"15\" font-weight=\"bold\"", buf);
	if (!any)
		snprintf(sub, sizeof sub, "no values");
	else if (nmin == nmax)
		snprintf(sub, sizeof sub, "mean and 95%% confidence interval over %zu "
			 "result%s per point", nmin, nmin == 1 ? "" : "s");
	else
		snprintf(sub, sizeof sub, "mean and 95%% confidence interval over %zu to "
			 "%zu results per point", nmin, nmax);
	ch_text(f, 20, 44, "font-size=\"11\" fill=\"#555555\"", sub);
	/* y grid and labels */
	for (double v = y0; v <= y1 + step / 2; v += step) {
		double y = CH_BOTTOM - (v - y0) / (y1 - y0) * CH_PLOT_H;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			CH_LEFT, y, CH_RIGHT, y, fabs(v) < step / 2 ? "#999999" : "#e6e6e6");
		ch_text(f, CH_LEFT - 6, y + 4, "text-anchor=\"end\" fill=\"#333333\"",
			mg_fmt(v, dec, ybuf, sizeof ybuf));
	}
	/* a report's bare whole number counts something (events, slabs) */
	snprintf(buf, sizeof buf, "%s", *mt->unit ? mt->unit :
		 mt->decimals ? "value" : "count");
	fprintf(f, "<text x=\"18\" y=\"%.1f\" transform=\"rotate(-90 18 %.1f)\" "
		"text-anchor=\"middle\" fill=\"#333333\">", (CH_TOP + CH_BOTTOM) / 2.0,
		(CH_TOP + CH_BOTTOM) / 2.0);
	ch_xml(f, buf);
	fputs("</text>\n", f);
	/* x axis: the swept values, evenly spaced */
	band = (double)(CH_RIGHT - CH_LEFT) / (double)nx;
	for (size_t xi = 0; xi < nx; xi++) {
		double x = CH_LEFT + band * ((double)xi + 0.5);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			"stroke=\"#333333\"/>\n", x, CH_BOTTOM, x, CH_BOTTOM + 5);
		ch_fit(xk ? (*xk->values[xi] ? xk->values[xi] : "-") : "all results",
		       band - 4, 12, buf, sizeof buf);
		ch_text(f, x, CH_BOTTOM + 19, "text-anchor=\"middle\" fill=\"#333333\"", buf);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
		CH_LEFT, CH_TOP, CH_LEFT, CH_BOTTOM);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
		CH_LEFT, CH_BOTTOM, CH_RIGHT, CH_BOTTOM);
	ch_text(f, (CH_LEFT + CH_RIGHT) / 2.0, CH_BOTTOM + 40,
		"text-anchor=\"middle\" fill=\"#333333\"",
		xk ? xk->key : "(nothing swept but the seed)");
	/* the lines: means joined, error bars, points */
	dodge = nlines > 1 ? fmin(6.0, band * 0.4 / (double)nlines) : 0;
	for (size_t l = 0; l < nlines; l++) {
		const char *colour = ch_palette[l % CH_NR_COLOURS];
		const char *dash = ch_dashes[(l / CH_NR_COLOURS) % 3];
		double off = ((double)l - (double)(nlines - 1) / 2) * dodge;
		bool open = false;

		fprintf(f, "<g stroke=\"%s\" fill=\"%s\">\n", colour, colour);
		for (size_t xi = 0; xi < nx; xi++) {
			size_t g = ch_group_at(mg, &lines[l], xi);
			struct mg_stat st;
			double x = CH_LEFT + band * ((double)xi + 0.5) + off;

			if (g != SIZE_MAX)
				mg_stat(mg, g, lines[l].column, metric, &st);
			if (g == SIZE_MAX || !st.n) {
				if (open)
					fputs("\"/>\n", f);
				open = false;
				continue;
			}
			if (!open)
				fprintf(f, "<polyline fill=\"none\" stroke-width=\"1.8\"%s%s%s "
					"points=\"", dash ? " stroke-dasharray=\"" : "",
					dash ? dash : "", dash ? "\"" : "");
			fprintf(f, "%s%.1f,%.1f", open ? " " : "", x,
				CH_BOTTOM - (st.mean - y0) / (y1 - y0) * CH_PLOT_H);
			open = true;
		}
		if (open)
			fputs("\"/>\n", f);
		for (size_t xi = 0; xi < nx; xi++) {
			size_t g = ch_group_at(mg, &lines[l], xi);
			struct mg_stat st;
			double x = CH_LEFT + band * ((double)xi + 0.5) + off, y, ya, yb;

			if (g == SIZE_MAX)
				continue;
			mg_stat(mg, g, lines[l].column, metric, &st);
			if (!st.n)
				continue;
			y = CH_BOTTOM - (st.mean - y0) / (y1 - y0) * CH_PLOT_H;
			if (!isnan(st.ci) && st.ci > 0) {
				ya = CH_BOTTOM - (st.mean - st.ci - y0) / (y1 - y0) * CH_PLOT_H;
				yb = CH_BOTTOM - (st.mean + st.ci - y0) / (y1 - y0) * CH_PLOT_H;
				fprintf(f, "<path fill=\"none\" stroke-width=\"1.4\" d=\"M%.1f %.1fV%.1f"
					"M%.1f %.1fH%.1fM%.1f %.1fH%.1f\"/>\n", x, ya, yb,
					x - 4, ya, x + 4, x - 4, yb, x + 4);
			}
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"><title>", x, y);
			snprintf(buf, sizeof buf, "%s: ", lines[l].label);
			ch_xml(f, buf);
			ch_xml(f, mg_fmt(st.mean, mt->decimals + 1, ybuf, sizeof ybuf));
			if (!isnan(st.ci)) {
				fputs(" \xC2\xB1 ", f);
				ch_xml(f, mg_fmt(st.ci, mt->decimals + 1, ybuf, sizeof ybuf));
			}
			fprintf(f, " (n=%zu)</title></circle>\n", st.n);
		}
		fputs("</g>\n", f);
	}
	/* the legend */
	for (size_t l = 0; l < nlines; l++) {
		double cw = (double)(CH_W - 40) / (double)per_row;
		double x = 20 + cw * (double)(l % per_row);
		double y = CH_BOTTOM + 64 + CH_LEGEND_ROW * (double)(l / per_row);
		const char *dash = ch_dashes[(l / CH_NR_COLOURS) % 3];

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"1.8\"%s%s%s/>\n", x, y - 4, x + 22, y - 4,
			ch_palette[l % CH_NR_COLOURS], dash ? " stroke-dasharray=\"" : "",
			dash ? dash : "", dash ? "\"" : "");
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
			x + 11, y - 4, ch_palette[l % CH_NR_COLOURS]);
		ch_fit(lines[l].label, cw - 36, 12, buf, sizeof buf);
		ch_text(f, x + 28, y, "fill=\"#333333\"", buf);
	}
	fputs("</svg>\n", f);
}

int mg_write_svg(const struct merge *mg, size_t metric, FILE *f)
{
	size_t n;
	struct ch_line *lines = ch_lines(mg, &n);

	if (!lines)
		return -1;
	ch_chart(mg, metric, f, true, lines, n);
	free(lines);
	return 0;
}

/* ---- The page ---- */

static const char ch_css[] =
	"body{font-family:" CH_FONT ";margin:2em auto;max-width:1100px;color:#222;"
	"padding:0 1em}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\n"
	"h3{font-size:1em;margin:1.5em 0 .3em}\n"
	"p{margin:.3em 0}.problems{background:#fff3e0;border:1px solid #e69f00;"
	"padding:.5em 1em}\n"
	"figure{margin:1em 0}svg{max-width:100%;height:auto}\n"
	"table{border-collapse:collapse;font-size:.85em}\n"
	"th,td{padding:2px 8px;border-bottom:1px solid #eee}td.num{text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	"th{background:#f4f4f4;text-align:center}th.l{text-align:left}\n";

static const char *const ch_problem_names[] = {
	[MG_MISSING] = "missing", [MG_FAILED] = "failed", [MG_CORRUPT] = "unreadable",
};

static void ch_table(const struct merge *mg, size_t g, FILE *f)
{
	static const char *const heads[] = { "n", "mean", "\xC2\xB1" "95% CI", "min", "max" };

	fputs("<table>\n<tr><th class=\"l\" rowspan=\"2\">metric</th>"
	      "<th class=\"l\" rowspan=\"2\">unit</th>", f);
	for (size_t c = 0; c < mg->ncolumns; c++) {
		fputs("<th colspan=\"5\">", f);
		ch_xml(f, mg->columns[c]);
		fputs("</th>", f);
	}
	fputs("</tr>\n<tr>", f);
	for (size_t c = 0; c < mg->ncolumns; c++)
		for (size_t k = 0; k < 5; k++)
			fprintf(f, "<th>%s</th>", heads[k]);
	fputs("</tr>\n", f);
	for (size_t i = 0; i < mg->nshown; i++) {
		const struct mg_metric *mt = &mg->metrics[mg->shown[i]];

		fputs("<tr><td>", f);
		ch_xml(f, mt->name);
		fputs("</td><td>", f);
		ch_xml(f, mt->unit);
		fputs("</td>", f);
		for (size_t c = 0; c < mg->ncolumns; c++) {
			struct mg_stat st;
			char b[64];

			mg_stat(mg, g, c, mg->shown[i], &st);
			fprintf(f, "<td class=\"num\">%zu</td>", st.n);
			fprintf(f, "<td class=\"num\">%s</td>",
				mg_fmt(st.mean, mt->decimals + 1, b, sizeof b));
			fprintf(f, "<td class=\"num\">%s</td>",
				mg_fmt(st.ci, mt->decimals + 1, b, sizeof b));
			fprintf(f, "<td class=\"num\">%s</td>", mg_fmt(st.min, mt->decimals, b, sizeof b));
			fprintf(f, "<td class=\"num\">%s</td>", mg_fmt(st.max, mt->decimals, b, sizeof b));
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

int mg_write_html(const struct merge *mg, FILE *f)
{
	size_t nlines;
	struct ch_line *lines = ch_lines(mg, &nlines);
	char buf[1024];
	bool any;

	if (!lines)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>kmemsim merge</title>\n<style>\n", f);
	fputs(ch_css, f);
	fputs("</style>\n</head>\n<body>\n<h1>kmemsim merge</h1>\n", f);
	fprintf(f, "<p>%zu result%s", mg->nres, mg->nres == 1 ? "" : "s");
	if (mg->njobs)
		fprintf(f, " of %zu jobs", mg->njobs);
	fprintf(f, " in %zu group%s; seeds ", mg->ngroups, mg->ngroups == 1 ? "" : "s");
	ch_xml(f, mg_seeds_text(mg, buf, sizeof buf));
	fputs(".</p>\n", f);
	if (mg->ngkeys) {
		fputs("<p>Grouped by ", f);
		for (size_t k = 0; k < mg->ngkeys; k++) {
			fputs(k ? ", " : "", f);
			fputs("<code>", f);
			ch_xml(f, mg->keys[mg->gkeys[k]].key);
			fprintf(f, "</code> (%zu values)", mg->keys[mg->gkeys[k]].nvalues);
		}
		fputs(".</p>\n", f);
	}
	any = false;
	for (size_t k = 0; k < mg->nkeys; k++) {
		const struct mg_key *key = &mg->keys[k];

		if (key->grouped || key->nvalues != 1)
			continue;
		fputs(any ? ", " : "<p>The same in every result: ", f);
		fputs("<code>", f);
		ch_xml(f, key->key);
		fputc('=', f);
		ch_xml(f, key->values[0][0] ? key->values[0] : "-");
		fputs("</code>", f);
		any = true;
	}
	if (any)
		fputs(".</p>\n", f);
	any = false;
	for (size_t k = 0; k < mg->nkeys; k++) {
		const struct mg_key *key = &mg->keys[k];

		if (key->grouped || key->nvalues < 2)
			continue;
		fputs(any ? ", " : "<p>Pooled over: ", f);
		fputs("<code>", f);
		ch_xml(f, key->key);
		fprintf(f, "</code> (%zu values)", key->nvalues);
		any = true;
	}
	if (any)
		fputs(".</p>\n", f);
	fputs("<p>Per metric and policy: the mean of the results, the 95% confidence "
	      "interval of the mean (Student's t over the seeds), the minimum and the "
	      "maximum.</p>\n", f);
	if (mg->nproblems) {
		fprintf(f, "<div class=\"problems\"><p><b>%zu %s without a usable "
			"result:</b></p>\n<ul>\n", mg->nproblems, mg->njobs ? "jobs" : "files");
		for (size_t i = 0; i < mg->nproblems; i++) {
			fprintf(f, "<li>%s <code>", ch_problem_names[mg->problems[i].kind]);
			ch_xml(f, mg->problems[i].what);
			fputs("</code>: ", f);
			ch_xml(f, mg->problems[i].reason);
			fputs("</li>\n", f);
		}
		fputs("</ul></div>\n", f);
	}
	fputs("<h2>Charts</h2>\n", f);
	for (size_t i = 0; i < mg->nshown; i++) {
		fputs("<figure>\n", f);
		ch_chart(mg, mg->shown[i], f, false, lines, nlines);
		fputs("</figure>\n", f);
	}
	fputs("<h2>Tables</h2>\n", f);
	for (size_t g = 0; g < mg->ngroups; g++) {
		fputs("<h3>", f);
		ch_xml(f, mg_group_label(mg, &mg->groups[g], buf, sizeof buf));
		fprintf(f, " (%zu result%s)</h3>\n", mg->groups[g].n,
			mg->groups[g].n == 1 ? "" : "s");
		ch_table(mg, g, f);
	}
	fputs("</body>\n</html>\n", f);
	free(lines);
	return 0;
}

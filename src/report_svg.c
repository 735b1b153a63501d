/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_svg.c - charts and memory maps drawn as SVG by kmemsim itself
 *
 * Three pictures, each a standalone <svg> element that an .svg file or an
 * HTML page can hold as it is:
 *
 *   line chart  (a time series) the x axis is virtual time or operations,
 *               the y axis starts at zero (or below, for negative data) and
 *               covers every sample and reference line; one polyline per
 *               line (broken where a value is missing), dashed reference
 *               lines labelled at their right end, a legend on the right.
 *   bar chart   (a bar group) one small panel per metric, each with its own
 *               y axis, four to a row, one bar per series in the same colour
 *               in every panel, the value printed on each bar.  Metrics in
 *               pages, ns and percent share a chart without one squashing
 *               the others.
 *   memory map  one square per cell, row-major, 32 to 256 cells a row by
 *               map size; each zone starts on a new row under a rule and
 *               its name and pfn range; pfns down the left; coloured by
 *               owner (free blocks by order, pale to dark green; slab by
 *               cache) or by migratetype; a legend of what is present.
 *
 * Axis ticks are "nice" numbers: the step is 1, 2 or 5 times a power of
 * ten, chosen so an axis has about five intervals, and the bounds are
 * multiples of the step (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems, 1990).  Tick labels are built from integers (k * mant
 * and a decimal exponent), never from a rounded double, so 0.3 prints as
 * "0.3".  Large values get k, M or G suffixes.
 *
 * Colours come from fixed palettes: lines and series use Okabe & Ito's
 * eight colours, which stay distinguishable with any colour-vision
 * deficiency, with a dash pattern added past the eighth.  Everything about
 * the output - sizes, coordinates (two decimals at most), element order -
 * follows from the document alone, so the same report draws the same
 * bytes.  Sizes are fixed by the layout: a chart is 760 pixels wide and
 * grows in height only with its legend or number of panels.
 *
 * Renderers only draw.  Which lines to plot, which cache owns a pageblock,
 * and what to sample are the builders' decisions; the only arithmetic here
 * is geometry.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_render.h"

/* ---- Palettes ---- */

/* Okabe & Ito, in the order lines take them; yellow last (low contrast) */
const char *const rep_palette[REP_NR_COLOURS] = {
	"#0072B2", "#E69F00", "#009E73", "#D55E00",
	"#CC79A7", "#56B4E9", "#000000", "#F0E442",
};

/* dash patterns for lines 8-15 and 16-23, then again */
static const char *const svg_dashes[] = { NULL, "7 3", "2 2" };

/* free blocks by order: pale (fragmented) to dark (large free blocks) */
static const char *const svg_free_colours[SIM_MAX_ORDER + 1] = {
	"#f7fcb9", "#e4f4ac", "#d0eb9f", "#b5df90", "#97d183", "#78c679",
	"#56b567", "#3a9f52", "#238443", "#0f6b36", "#004529",
};

/* slab caches: warm colours, none of them green or blue */
#define SVG_NR_SLAB_COLOURS 8
static const char *const svg_slab_colours[SVG_NR_SLAB_COLOURS] = {
	"#E69F00", "#D55E00", "#CC79A7", "#F0E442",
	"#882255", "#AA4499", "#DDCC77", "#EE8866",
};

static const char *const svg_owner_colours[REPORT_NR_OWNERS] = {
	[REPORT_OWNER_NONE] = "#f0f0f0",
	[REPORT_OWNER_PAGECACHE] = "#56B4E9",
	[REPORT_OWNER_ANON] = "#0072B2",
	[REPORT_OWNER_RESERVED] = "#444444",
	[REPORT_OWNER_KERNEL] = "#999999",
};

static const char *const svg_mt_colours[MIGRATE_TYPES + 1] = {
	[MIGRATE_UNMOVABLE] = "#D55E00",
	[MIGRATE_MOVABLE] = "#0072B2",
	[MIGRATE_RECLAIMABLE] = "#009E73",
	[MIGRATE_HIGHATOMIC] = "#CC79A7",
	[MIGRATE_TYPES] = "#f0f0f0",
};

const char *rep_owner_colour(const struct rep_cell *c)
{
	switch (c->owner) {
	case REPORT_OWNER_FREE:
		return svg_free_colours[c->detail <= SIM_MAX_ORDER ? c->detail : SIM_MAX_ORDER];
	case REPORT_OWNER_SLAB:
		return svg_slab_colours[c->detail % SVG_NR_SLAB_COLOURS];
	default:
		return c->owner < REPORT_NR_OWNERS ? svg_owner_colours[c->owner]
						   : "#ff00ff";
	}
}

const char *rep_mt_colour(unsigned mt)
{
	return svg_mt_colours[mt <= MIGRATE_TYPES ? mt : MIGRATE_TYPES];
}

/* ---- Nice scales ---- */

/* 10^e as a double, by exact multiplications and one division */
static double svg_pow10(int e)
{
	double p = 1;

	for (int i = 0; i < (e < 0 ? -e : e); i++)
		p *= 10;
	return e < 0 ? 1 / p : p;
}

void rep_nice_scale(double min, double max, unsigned target,
		    struct rep_scale *s)
{
	double raw, m;
	int e = 0;

	if (!(min <= max) || !isfinite(min) || !isfinite(max)) {
		min = 0;
		max = 1;
	}
	if (min == max) {		/* a flat line: show it against zero */
		if (min > 0)
			min = 0;
		else if (max < 0)
			max = 0;
		else
			max = 1;
	}
	if (target < 2)
		target = 2;
	raw = (max - min) / target;
	for (m = raw; m >= 10 && e < 300; e++)
		m /= 10;
	for (; m < 1 && e > -300; e--)
		m *= 10;
	s->mant = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
	if (s->mant == 10) {
		s->mant = 1;
		e++;
	}
	s->exp10 = e;
	s->step = s->mant * svg_pow10(e);
	/* a hair of tolerance so 0.3 / 0.1 = 2.9999999999999996 is 3 */
	s->kmin = (int64_t)floor(min / s->step + 1e-9);
	s->kmax = (int64_t)ceil(max / s->step - 1e-9);
	if (s->kmax <= s->kmin)
		s->kmax = s->kmin + 1;
	s->lo = (double)s->kmin * s->step;
	s->hi = (double)s->kmax * s->step;
}

/* decimal digits of |v| * 10^shift, trailing fraction zeros dropped */
static size_t svg_shifted(char *buf, int64_t v, int shift)
{
	char digits[REP_NUMBUF];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, nd = rep_fmt_uint(digits, u);

	if (v < 0)
		buf[n++] = '-';
	if (shift >= 0) {
		memcpy(buf + n, digits, nd);
		n += nd;
		for (int i = 0; i < shift && n < REP_NUMBUF - 1 && u; i++)
			buf[n++] = '0';
	} else {
		size_t f = (size_t)-shift;	/* digits after the point */
		size_t lead = nd > f ? nd - f : 0;

		if (lead == 0)
			buf[n++] = '0';
		else {
			memcpy(buf + n, digits, lead);
			n += lead;
		}
		buf[n++] = '.';
		for (size_t i = nd; i < f && n < REP_NUMBUF - 2; i++)
			buf[n++] = '0';
		for (size_t i = lead; i < nd && n < REP_NUMBUF - 1; i++)
			buf[n++] = digits[i];
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
	}
	if (n == 2 && buf[0] == '-' && buf[1] == '0')
		n = 1, buf[0] = '0';
	buf[n] = '\0';
	return n;
}

size_t rep_tick_label(const struct rep_scale *s, int64_t k, char *buf)
{
	double big = fmax(fabs(s->lo), fabs(s->hi));
	int sfx = big >= 1e9 ? 9 : big >= 1e6 ? 6 : big >= 1e4 ? 3 : 0;
	size_t n = svg_shifted(buf, k * (int64_t)s->mant, s->exp10 - sfx);

	if (sfx && k != 0) {
		buf[n++] = sfx == 9 ? 'G' : sfx == 6 ? 'M' : 'k';
		buf[n] = '\0';
	}
	return n;
}

const char *rep_time_unit(double max_ns, double *per_unit)
{
	if (max_ns >= 1e9) {
		*per_unit = 1e9;
		return "s";
	}
	if (max_ns >= 1e6) {
		*per_unit = 1e6;
		return "ms";
	}
	if (max_ns >= 1e3) {
		*per_unit = 1e3;
		return "us";
	}
	*per_unit = 1;
	return "ns";
}

/* ---- SVG writing ---- */

#define SVG_W		760	/* every chart's width */
#define SVG_FONT	"DejaVu Sans, Verdana, Arial, sans-serif"
#define SVG_CHAR_W	0.6	/* average glyph width / font size (estimate) */

static void svg_num(struct rep_out *o, double v)
{
	char num[REP_NUMBUF];

	rep_fmt_coord(num, v);
	rep_puts(o, num);
}

/* x="..." y="..." with coordinates */
static void svg_xy(struct rep_out *o, const char *xn, double x, const char *yn,
		   double y)
{
	rep_printf(o, " %s=\"", xn);
	svg_num(o, x);
	rep_printf(o, "\" %s=\"", yn);
	svg_num(o, y);
	rep_putc(o, '"');
}

static void svg_open(struct rep_out *o, int w, int h, const char *title,
		     bool xml_decl)
{
	if (xml_decl)
		rep_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	rep_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\" "
		   "font-size=\"12\" role=\"img\">\n", w, h, w, h, SVG_FONT);
	rep_puts(o, "<title>");
	rep_xml_text(o, title);
	rep_puts(o, "</title>\n");
	rep_printf(o, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
}

static void svg_line(struct rep_out *o, double x1, double y1, double x2,
		     double y2, const char *attrs)
{
	rep_puts(o, "<line");
	svg_xy(o, "x1", x1, "y1", y1);
	svg_xy(o, "x2", x2, "y2", y2);
	rep_printf(o, " %s/>\n", attrs);
}

/* <text> at (x, y) with @attrs, the content cut to @maxcp code points
 * (0: no limit) with an ellipsis */
static void svg_text(struct rep_out *o, double x, double y, const char *attrs,
		     const char *s, size_t maxcp)
{
	rep_puts(o, "<text");
	svg_xy(o, "x", x, "y", y);
	if (attrs && *attrs)
		rep_printf(o, " %s", attrs);
	rep_putc(o, '>');
	if (maxcp && rep_utf8_width(s) > maxcp) {
		struct report_buf b = REPORT_BUF_INIT;
		size_t cp = 0, i = 0;

		for (; s[i]; i++) {
			if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cp == maxcp)
				break;		/* room for the ellipsis */
		}
		report_buf_write(&b, s, i);
		report_buf_write(&b, "\xE2\x80\xA6", 3);
		if (b.failed)
			o->buf->failed = true;
		else
			rep_xml_text(o, b.data);
		report_buf_release(&b);
	} else {
		rep_xml_text(o, s);
	}
	rep_puts(o, "</text>\n");
}

/* how many code points of @fs-pixel text fit in @px pixels */
static size_t svg_fit(double px, double fs)
{
	double n = px / (fs * SVG_CHAR_W);

	return n < 2 ? 2 : (size_t)n;
}

/* a rectangle with a fill, optionally a tooltip title */
static void svg_rect(struct rep_out *o, double x, double y, double w, double h,
		     const char *fill)
{
	rep_puts(o, "<rect");
	svg_xy(o, "x", x, "y", y);
	svg_xy(o, "width", w, "height", h);
	rep_printf(o, " fill=\"%s\"/>\n", fill);
}

/* ---- Text layout ---- */

/*
 * Word wrap: split @s at spaces into at most @max lines of about @maxcp
 * code points each; a word longer than a line gets a line of its own
 * (never cut).  @start/@len receive byte offsets; returns the line count.
 */
static size_t svg_wrap(const char *s, size_t maxcp, size_t *start, size_t *len,
		       size_t max)
{
	size_t n = 0, i = 0;

	while (s[i] == ' ')
		i++;
	while (s[i] && n < max) {
		size_t ls = i, last_space = 0, cp = 0, j = i;

		for (; s[j]; j++) {
			if (((unsigned char)s[j] & 0xC0) == 0x80)
				continue;
			if (s[j] == ' ')
				last_space = j;
			if (++cp > maxcp && last_space > ls)
				break;
		}
		if (!s[j] || n + 1 == max) {
			start[n] = ls;
			len[n++] = strlen(s + ls);
			break;
		}
		start[n] = ls;
		len[n++] = last_space - ls;
		i = last_space;
		while (s[i] == ' ')
			i++;
	}
	return n;
}

/* @s wrapped into lines @lh apart from baseline @y; returns lines drawn */
static size_t svg_text_wrap(struct rep_out *o, double x, double y, double lh,
			    const char *attrs, const char *s, size_t maxcp,
			    size_t max)
{
	size_t st[8], ln[8], n = svg_wrap(s, maxcp, st, ln, max < 8 ? max : 8);

	for (size_t k = 0; k < n; k++) {
		char *line = strndup(s + st[k], ln[k]);

		if (!line) {
			o->buf->failed = true;
			return n;
		}
		svg_text(o, x, y + lh * (double)k, attrs, line, 0);
		free(line);
	}
	return n;
}

/* ---- Line charts ---- */

/* plot area and legend of a line chart */
#define LC_LEFT		70
#define LC_RIGHT	590
#define LC_TOP		44
#define LC_BOTTOM	304
#define LC_LEGEND_X	604
#define LC_ROW		18
#define LC_REF_GAP	13	/* vertical room of a reference label */
#define LC_REF_X	(LC_RIGHT + 8)	/* reference labels, right of the plot */
#define LC_FEW_LINES	4	/* up to this many lines: widths stagger */

struct lc_map {
	struct rep_scale xs, ys;
	double per_unit;	/* x units per axis unit (ns per ms...) */
};

static double lc_px(const struct lc_map *m, double x)
{
	return LC_LEFT + (x / m->per_unit - m->xs.lo) / (m->xs.hi - m->xs.lo) *
		(LC_RIGHT - LC_LEFT);
}

static double lc_py(const struct lc_map *m, double y)
{
	return LC_BOTTOM - (y - m->ys.lo) / (m->ys.hi - m->ys.lo) *
		(LC_BOTTOM - LC_TOP);
}

/*
 * Line @i of @n: colour and dash by index.  With a few lines (policies
 * overlaid) the earlier ones are drawn wider, so where the policies agree
 * every line still shows around the one drawn over it.
 */
static void lc_style(struct rep_out *o, size_t i, size_t n)
{
	const char *dash = svg_dashes[(i / REP_NR_COLOURS) % ARRAY_SIZE(svg_dashes)];
	double w = n <= LC_FEW_LINES ? 2 + 1.2 * (double)(n - 1 - i) : 2;

	rep_printf(o, " stroke=\"%s\" stroke-width=\"", rep_palette[i % REP_NR_COLOURS]);
	svg_num(o, w);
	rep_putc(o, '"');
	if (dash)
		rep_printf(o, " stroke-dasharray=\"%s\"", dash);
}

static void lc_axes(struct rep_out *o, const struct report_series *ts,
		    const struct lc_map *m, const char *xunit)
{
	char label[REP_NUMBUF];

	/* horizontal grid and y labels */
	for (int64_t k = m->ys.kmin; k <= m->ys.kmax; k++) {
		double y = lc_py(m, (double)k * m->ys.step);

		svg_line(o, LC_LEFT, y, LC_RIGHT, y,
			 k == 0 ? "stroke=\"#999999\"" : "stroke=\"#e6e6e6\"");
		rep_tick_label(&m->ys, k, label);
		svg_text(o, LC_LEFT - 6, y + 4, "text-anchor=\"end\" fill=\"#333333\"",
			 label, 0);
	}
	/* x ticks and labels */
	for (int64_t k = m->xs.kmin; k <= m->xs.kmax; k++) {
		double x = LC_LEFT + (double)(k - m->xs.kmin) /
			(double)(m->xs.kmax - m->xs.kmin) * (LC_RIGHT - LC_LEFT);

		svg_line(o, x, LC_BOTTOM, x, LC_BOTTOM + 5, "stroke=\"#333333\"");
		rep_tick_label(&m->xs, k, label);
		svg_text(o, x, LC_BOTTOM + 19, "text-anchor=\"middle\" fill=\"#333333\"",
			 label, 0);
	}
	svg_line(o, LC_LEFT, LC_TOP, LC_LEFT, LC_BOTTOM, "stroke=\"#333333\"");
	svg_line(o, LC_LEFT, LC_BOTTOM, LC_RIGHT, LC_BOTTOM, "stroke=\"#333333\"");
	/* axis titles */
	{
		struct report_buf b = REPORT_BUF_INIT;
		struct rep_out t = { &b };

		if (ts->xaxis == REPORT_X_TIME)
			rep_printf(&t, "virtual time (%s)", xunit);
		else
			rep_puts(&t, "operations");
		if (!b.failed)
			svg_text(o, (LC_LEFT + LC_RIGHT) / 2.0, LC_BOTTOM + 40,
				 "text-anchor=\"middle\"", b.data, 0);
		b.len = 0;
		rep_heading(&t, *ts->y_label ? ts->y_label : "value", ts->y_unit);
		if (!b.failed) {
			rep_printf(o, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" "
				   "transform=\"rotate(-90 18 %d)\">",
				   (LC_TOP + LC_BOTTOM) / 2, (LC_TOP + LC_BOTTOM) / 2);
			rep_xml_text(o, b.data);
			rep_puts(o, "</text>\n");
		}
		if (b.failed)
			o->buf->failed = true;
		report_buf_release(&b);
	}
}

/* one line: polylines over runs of present values, a dot for a lone one */
static void lc_plot_line(struct rep_out *o, const struct report_series *ts,
			 const struct lc_map *m, size_t l)
{
	const double *y = ts->lines[l].y;

	for (size_t i = 0; i < ts->nsamples;) {
		size_t j = i;

		if (y[i] != y[i]) {
			i++;
			continue;
		}
		while (j < ts->nsamples && y[j] == y[j])
			j++;
		if (j - i == 1) {
			rep_puts(o, "<circle");
			svg_xy(o, "cx", lc_px(m, (double)ts->x[i]), "cy", lc_py(m, y[i]));
			rep_printf(o, " r=\"2.5\" fill=\"%s\"/>\n",
				   rep_palette[l % REP_NR_COLOURS]);
		} else {
			rep_puts(o, "<polyline fill=\"none\" stroke-linejoin=\"round\"");
			lc_style(o, l, ts->nlines);
			rep_puts(o, " points=\"");
			for (size_t k = i; k < j; k++) {
				if (k > i)
					rep_putc(o, ' ');
				svg_num(o, lc_px(m, (double)ts->x[k]));
				rep_putc(o, ',');
				svg_num(o, lc_py(m, y[k]));
			}
			rep_puts(o, "\"/>\n");
		}
		i = j;
	}
}

static int svg_series(struct rep_out *o, const struct report_series *ts,
		      bool xml_decl)
{
	struct lc_map m;
	double ymin = 0, ymax = 0, xmax;
	const char *xunit = "";
	int h = LC_BOTTOM + 56;
	bool any = false, legend_below;
	size_t legend_rows = 0;

	/* bounds: every present sample and every reference line */
	for (size_t l = 0; l < ts->nlines; l++) {
		for (size_t i = 0; i < ts->nsamples; i++) {
			double y = ts->lines[l].y[i];

			if (y != y)
				continue;
			ymin = any ? fmin(ymin, y) : fmin(0, y);
			ymax = any ? fmax(ymax, y) : fmax(0, y);
			any = true;
		}
	}
	for (size_t i = 0; i < ts->nrefs; i++) {
		ymin = fmin(ymin, ts->refs[i].y);
		ymax = fmax(ymax, ts->refs[i].y);
	}
	rep_nice_scale(ymin, ymax, 5, &m.ys);
	xmax = ts->nsamples ? (double)ts->x[ts->nsamples - 1] : 0;
	m.per_unit = 1;
	if (ts->xaxis == REPORT_X_TIME)
		xunit = rep_time_unit(xmax, &m.per_unit);
	rep_nice_scale(ts->nsamples ? (double)ts->x[0] / m.per_unit : 0,
		       xmax / m.per_unit, 6, &m.xs);
	/* the legend goes right of the plot, or under it when the right
	 * margin holds reference labels */
	legend_below = ts->nrefs > 0;
	if (legend_below) {
		double lx = LC_LEFT;

		legend_rows = ts->nlines ? 1 : 0;
		for (size_t l = 0; l < ts->nlines; l++) {
			double w = 28 + (double)rep_utf8_width(ts->lines[l].name) * 12 * SVG_CHAR_W + 18;

			if (lx + w > SVG_W - 10 && lx > LC_LEFT) {
				legend_rows++;
				lx = LC_LEFT;
			}
			lx += w;
		}
		h += (int)legend_rows * LC_ROW;
	} else if (LC_TOP + (int)ts->nlines * LC_ROW + 16 > h) {
		h = LC_TOP + (int)ts->nlines * LC_ROW + 16;
	}

	svg_open(o, SVG_W, h, *ts->b.title ? ts->b.title : ts->b.id, xml_decl);
	svg_text_wrap(o, LC_LEFT, 24, 18, "class=\"ctitle\" font-size=\"15\" font-weight=\"bold\"",
		      *ts->b.title ? ts->b.title : ts->b.id, 200, 1);
	lc_axes(o, ts, &m, xunit);
	for (size_t l = 0; l < ts->nlines; l++)
		lc_plot_line(o, ts, &m, l);
	if (!any)
		svg_text(o, (LC_LEFT + LC_RIGHT) / 2.0, (LC_TOP + LC_BOTTOM) / 2.0,
			 "text-anchor=\"middle\" fill=\"#777777\"", "no samples", 0);
	/* reference lines (watermarks) across the plot, labelled in the right
	 * margin at their height; labels are kept LC_REF_GAP apart (pushed
	 * down, then up from the x axis) and joined to their line by a short
	 * leader when moved, so close watermarks never print on each other */
	if (ts->nrefs) {
		size_t *ord = malloc(ts->nrefs * sizeof *ord);
		double *ly = malloc(ts->nrefs * sizeof *ly);

		if (!ord || !ly) {
			free(ord);
			free(ly);
			return SIM_ENOHOSTMEM;
		}
		for (size_t i = 0; i < ts->nrefs; i++) {
			double y = lc_py(&m, ts->refs[i].y);
			size_t k = i;

			svg_line(o, LC_LEFT, y, LC_RIGHT, y,
				 "stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"");
			/* insertion sort by height on the chart, ties by order */
			while (k > 0 && lc_py(&m, ts->refs[ord[k - 1]].y) > y) {
				ord[k] = ord[k - 1];
				k--;
			}
			ord[k] = i;
		}
		for (size_t k = 0; k < ts->nrefs; k++) {
			ly[k] = lc_py(&m, ts->refs[ord[k]].y) + 4;
			if (k > 0 && ly[k] < ly[k - 1] + LC_REF_GAP)
				ly[k] = ly[k - 1] + LC_REF_GAP;
		}
		for (size_t k = ts->nrefs; k-- > 0;) {
			double lim = k + 1 < ts->nrefs ? ly[k + 1] - LC_REF_GAP : LC_BOTTOM;

			if (ly[k] > lim)
				ly[k] = lim;
		}
		for (size_t k = 0; k < ts->nrefs; k++) {
			const struct rep_ref *ref = &ts->refs[ord[k]];
			double y = lc_py(&m, ref->y);
			char num[REP_NUMBUF];
			struct report_buf b = REPORT_BUF_INIT;
			struct rep_out t = { &b };

			svg_line(o, LC_RIGHT, y, LC_REF_X - 2, ly[k] - 4,
				 "stroke=\"#555555\" stroke-width=\"0.8\"");
			rep_fmt_fixed(num, ref->y, ts->y_decimals);
			rep_printf(&t, "%s %s", ref->name, num);
			if (!b.failed)
				svg_text(o, LC_REF_X, ly[k],
					 "class=\"ref\" font-size=\"11\" fill=\"#333333\"",
					 b.data, 0);
			else
				o->buf->failed = true;
			report_buf_release(&b);
		}
		free(ord);
		free(ly);
	}
	/* legend */
	{
		double lx = LC_LEFT, ly = LC_BOTTOM + 64;

		for (size_t l = 0; l < ts->nlines; l++) {
			double x, y, w = 28 + (double)rep_utf8_width(ts->lines[l].name) *
				12 * SVG_CHAR_W + 18;

			if (legend_below) {
				if (lx + w > SVG_W - 10 && lx > LC_LEFT) {
					lx = LC_LEFT;
					ly += LC_ROW;
				}
				x = lx;
				y = ly;
				lx += w;
			} else {
				x = LC_LEGEND_X;
				y = LC_TOP + 6 + (double)l * LC_ROW;
			}
			rep_puts(o, "<line");
			svg_xy(o, "x1", x, "y1", y);
			svg_xy(o, "x2", x + 22, "y2", y);
			lc_style(o, l, ts->nlines);
			rep_puts(o, "/>\n");
			svg_text(o, x + 28, y + 4, "", ts->lines[l].name, 0);
		}
	}
	rep_puts(o, "</svg>\n");
	return SIM_OK;
}

/* ---- Bar charts ---- */

/*
 * One panel per metric, four to a row; every bar of a panel shares one
 * axis that starts at zero, so heights compare within a metric.  Panels
 * whose values are all zero (or all missing) are not drawn: one line under
 * the chart names them ("all zero: ..."), which keeps a 29-metric chart to
 * what differs.  Titles wrap onto up to three lines instead of being cut.
 * Each bar carries class="bar" and data-metric / data-series attributes so
 * a browser test can match it to the JSON of the same report.
 */
#define BC_TOP		62	/* first panel row */
#define BC_PER_ROW	4
#define BC_PLOT_LEFT	44	/* inside a panel: room for y labels */
#define BC_TITLE_LH	15	/* title line height */
#define BC_PLOT_H	120
#define BC_BELOW	30	/* series names under the bars */
#define BC_TITLE_LINES	3
#define BC_BOLD_W	0.68	/* bold glyph width / font size (estimate) */

static size_t bc_title_cp(double pw)
{
	double n = (pw - 10) / (12 * BC_BOLD_W);

	return n < 4 ? 4 : (size_t)n;
}

static void bc_panel(struct rep_out *o, const struct report_bars *b, size_t c,
		     double px, double py, double pw, size_t title_lines)
{
	const struct rep_category *cat = &b->cats[c];
	double left = px + BC_PLOT_LEFT, right = px + pw - 10;
	double top = py + (double)title_lines * BC_TITLE_LH + 32;
	double bottom = top + BC_PLOT_H;
	double vmin = 0, vmax = 0, slot = (right - left) / (double)b->nseries;
	struct rep_scale s;
	struct rep_unit u;
	char label[REP_NUMBUF];

	for (size_t i = 0; i < b->nseries; i++) {
		if (cat->values[i] == cat->values[i]) {
			vmin = fmin(vmin, cat->values[i]);
			vmax = fmax(vmax, cat->values[i]);
		}
	}
	rep_pick_unit(cat->unit, fmax(fabs(vmin), fabs(vmax)), &u);
	/* a percentage axis spans at least one point, so 0.007 % against
	 * 0.002 % looks like the noise it is, not like a threefold gap */
	if (!strcmp(cat->unit, "%") && vmax < 1 && vmin >= 0)
		vmax = 1;
	rep_nice_scale(vmin / u.div, vmax / u.div, 4, &s);
#define BC_Y(v) (bottom - ((v) - s.lo) / (s.hi - s.lo) * (bottom - top))
	rep_puts(o, "<g class=\"panel\" data-metric=\"");
	rep_xml_text(o, cat->name);
	rep_puts(o, "\">\n");
	svg_text_wrap(o, px + pw / 2, py + 14, BC_TITLE_LH,
		      "class=\"ptitle\" text-anchor=\"middle\" font-weight=\"bold\"",
		      cat->name, bc_title_cp(pw), BC_TITLE_LINES);
	if (*u.unit)
		svg_text(o, px + pw / 2, top - 16,
			 "class=\"unit\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555555\"",
			 u.unit, 0);
	for (int64_t k = s.kmin; k <= s.kmax; k++) {
		double y = BC_Y((double)k * s.step);

		svg_line(o, left, y, right, y,
			 k == 0 ? "stroke=\"#999999\"" : "stroke=\"#e6e6e6\"");
		rep_tick_label(&s, k, label);
		svg_text(o, left - 5, y + 4,
			 "text-anchor=\"end\" font-size=\"10\" fill=\"#333333\"", label, 0);
	}
	svg_line(o, left, top, left, bottom, "stroke=\"#333333\"");
	for (size_t i = 0; i < b->nseries; i++) {
		double v = cat->values[i], cx = left + slot * ((double)i + 0.5);
		double bw = slot * 0.7, y0 = BC_Y(0);

		if (v != v) {
			svg_text(o, cx, y0 - 4, "text-anchor=\"middle\" font-size=\"10\" "
				 "fill=\"#777777\"", "n/a", 0);
		} else {
			double y1 = BC_Y(v / u.div);

			rep_puts(o, "<rect class=\"bar\"");
			svg_xy(o, "x", cx - bw / 2, "y", fmin(y0, y1));
			svg_xy(o, "width", bw, "height", fabs(y1 - y0));
			rep_puts(o, " data-metric=\"");
			rep_xml_text(o, cat->name);
			rep_puts(o, "\" data-series=\"");
			rep_xml_text(o, b->series[i]);
			rep_printf(o, "\" fill=\"%s\"/>\n", rep_palette[i % REP_NR_COLOURS]);
			rep_fmt_sig(label, v / u.div, u.suffix);
			svg_text(o, cx, v < 0 ? y1 + 12 : y1 - 4,
				 "class=\"value\" text-anchor=\"middle\" font-size=\"10\"",
				 label, 0);
		}
		svg_text(o, cx, bottom + 14, "text-anchor=\"middle\" font-size=\"10\" "
			 "fill=\"#333333\"", b->series[i], 0);
	}
	rep_puts(o, "</g>\n");
#undef BC_Y
}

/* does category @c have a value other than zero (or any value at all)? */
static bool bc_drawn(const struct rep_category *cat, size_t n, bool *any)
{
	bool nonzero = false;

	*any = false;
	for (size_t i = 0; i < n; i++) {
		if (cat->values[i] != cat->values[i])
			continue;
		*any = true;
		if (cat->values[i] != 0)
			nonzero = true;
	}
	return nonzero;
}

/* "all zero: a, b, c" under the panels; returns the height used */
static double bc_folded(struct rep_out *o, const struct report_bars *b,
			bool want_any, double y, bool draw)
{
	struct report_buf t = REPORT_BUF_INIT;
	struct rep_out to = { &t };
	size_t n = 0, st[64], ln[64], lines;
	double h;

	rep_puts(&to, want_any ? "all zero: " : "no value: ");
	for (size_t c = 0; c < b->ncats; c++) {
		bool any;

		if (bc_drawn(&b->cats[c], b->nseries, &any) || any != want_any)
			continue;
		rep_puts(&to, n++ ? ", " : "");
		rep_puts(&to, b->cats[c].name);
	}
	if (!n || t.failed) {
		if (t.failed)
			o->buf->failed = true;
		report_buf_release(&t);
		return 0;
	}
	lines = svg_wrap(t.data, svg_fit(SVG_W - 40, 12), st, ln, 64);
	h = (double)lines * 16 + 4;
	if (draw)
		svg_text_wrap(o, 20, y + 12, 16, "class=\"folded\" fill=\"#555555\"",
			      t.data, svg_fit(SVG_W - 40, 12), 64);
	report_buf_release(&t);
	return h;
}

static int svg_bars(struct rep_out *o, const struct report_bars *b,
		    bool xml_decl)
{
	size_t *shown = malloc((b->ncats ? b->ncats : 1) * sizeof *shown);
	size_t nshown = 0, per_row, rows, title_lines = 1;
	double pw, lx = 20, panel_h, y;
	const char *title = *b->b.title ? b->b.title : b->b.id;
	int h;

	if (!shown)
		return SIM_ENOHOSTMEM;
	for (size_t c = 0; c < b->ncats; c++) {
		bool any;

		if (bc_drawn(&b->cats[c], b->nseries, &any))
			shown[nshown++] = c;
	}
	per_row = nshown < BC_PER_ROW ? (nshown ? nshown : 1) : BC_PER_ROW;
	rows = (nshown + per_row - 1) / per_row;
	pw = (SVG_W - 20.0) / (double)per_row;
	for (size_t k = 0; k < nshown; k++) {
		size_t st[BC_TITLE_LINES], ln[BC_TITLE_LINES];
		size_t n = svg_wrap(b->cats[shown[k]].name, bc_title_cp(pw), st, ln,
				    BC_TITLE_LINES);

		if (n > title_lines)
			title_lines = n;
	}
	panel_h = (double)title_lines * BC_TITLE_LH + 32 + BC_PLOT_H + BC_BELOW;
	y = BC_TOP + (double)rows * panel_h;
	h = (int)ceil(y + bc_folded(o, b, true, y, false) +
		      bc_folded(o, b, false, y, false) + 8);
	if (!nshown)
		h += 30;

	svg_open(o, SVG_W, h, title, xml_decl);
	svg_text_wrap(o, 20, 24, 18, "class=\"ctitle\" font-size=\"15\" font-weight=\"bold\"",
		      title, svg_fit(SVG_W - 40, 15 * 1.1), 1);
	/* legend: one swatch per series, left to right */
	for (size_t i = 0; i < b->nseries; i++) {
		size_t w = rep_utf8_width(b->series[i]);

		svg_rect(o, lx, 36, 12, 12, rep_palette[i % REP_NR_COLOURS]);
		svg_text(o, lx + 17, 46, "", b->series[i], 0);
		lx += 17 + (double)w * 12 * SVG_CHAR_W + 18;
	}
	for (size_t k = 0; k < nshown; k++)
		bc_panel(o, b, shown[k], 10 + pw * (double)(k % per_row),
			 BC_TOP + (double)(k / per_row) * panel_h, pw, title_lines);
	if (!b->ncats)
		svg_text(o, SVG_W / 2.0, BC_TOP + 20, "text-anchor=\"middle\" "
			 "fill=\"#777777\"", "no metrics", 0);
	y += bc_folded(o, b, true, y, true);
	bc_folded(o, b, false, y, true);
	rep_puts(o, "</svg>\n");
	free(shown);
	return SIM_OK;
}

/* ---- Memory maps ---- */

#define MM_LEFT		76	/* room for pfn labels */
#define MM_TOP		36
#define MM_ZONE_H	24	/* zone heading above its rows */
#define MM_LEGEND_COL	184
#define MM_LEGEND_ROW	18
#define MM_TITLES_MAX	1024	/* cells with a hover tooltip, at most */

struct mm_layout {
	unsigned cols, cell, gap;
	unsigned label_every;	/* pfn label every N rows */
	int width;
};

static void mm_layout(const struct report_memmap *m, struct mm_layout *l)
{
	if (m->ncells <= 512)
		*l = (struct mm_layout){ 32, 20, 1, 1, 0 };
	else if (m->ncells <= 4096)
		*l = (struct mm_layout){ 64, 10, 1, 2, 0 };
	else if (m->ncells <= 32768)
		*l = (struct mm_layout){ 128, 5, 0, 4, 0 };
	else
		*l = (struct mm_layout){ 256, 3, 0, 6, 0 };
	l->width = MM_LEFT + (int)(l->cols * l->cell) + 16;
}

/* a legend entry: swatch and label */
struct mm_key {
	const char *colour;
	char label[96];
};

/* the legend of @mode: what the map shows, in a fixed order */
static size_t mm_legend(const struct report_memmap *m, enum report_map_mode mode,
			struct mm_key *keys, size_t max)
{
	bool owner[REPORT_NR_OWNERS] = { false }, mt[MIGRATE_TYPES + 1] = { false };
	bool order[SIM_MAX_ORDER + 1] = { false };
	bool *cache = calloc(m->ncaches ? m->ncaches : 1, sizeof *cache);
	size_t n = 0;

	if (!cache)
		return 0;
	for (uint64_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];

		owner[c->owner] = true;
		mt[c->mt] = true;
		if (c->owner == REPORT_OWNER_FREE)
			order[c->detail] = true;
		if (c->owner == REPORT_OWNER_SLAB)
			cache[c->detail] = true;
	}
	if (mode == REPORT_MAP_MIGRATETYPE) {
		for (unsigned k = 0; k <= MIGRATE_TYPES && n < max; k++) {
			if (!mt[k])
				continue;
			keys[n].colour = rep_mt_colour(k);
			snprintf(keys[n].label, sizeof keys[n].label, "%s",
				 rep_mt_name(k) ? rep_mt_name(k) : "none (hole)");
			n++;
		}
		free(cache);
		return n;
	}
	for (unsigned k = 0; k < REPORT_NR_OWNERS && n < max; k++) {
		struct rep_cell c = { (uint8_t)k, MIGRATE_TYPES, 0 };

		if (!owner[k])
			continue;
		if (k == REPORT_OWNER_FREE) {
			for (unsigned o = SIM_MAX_ORDER + 1; o-- > 0 && n < max;) {
				if (!order[o])
					continue;
				c.detail = (uint16_t)o;
				keys[n].colour = rep_owner_colour(&c);
				snprintf(keys[n].label, sizeof keys[n].label,
					 "free, order %u", o);
				n++;
			}
		} else if (k == REPORT_OWNER_SLAB) {
			for (size_t i = 0; i < m->ncaches && n < max; i++) {
				if (!cache[i])
					continue;
				c.detail = (uint16_t)i;
				keys[n].colour = rep_owner_colour(&c);
				snprintf(keys[n].label, sizeof keys[n].label, "slab %s",
					 m->caches[i]);
				n++;
			}
		} else {
			keys[n].colour = rep_owner_colour(&c);
			snprintf(keys[n].label, sizeof keys[n].label, "%s",
				 rep_owner_label((enum report_owner)k));
			n++;
		}
	}
	free(cache);
	return n;
}

static void mm_cell_title(struct rep_out *o, const struct report_memmap *m,
			  uint64_t i)
{
	const struct rep_cell *c = &m->cells[i];
	const char *mt = rep_mt_name(c->mt);

	rep_printf(o, "<title>pfn 0x%llx: %s", (unsigned long long)rep_cell_pfn(m, i),
		   rep_owner_label((enum report_owner)c->owner));
	if (c->owner == REPORT_OWNER_FREE)
		rep_printf(o, " order %u", c->detail);
	if (c->owner == REPORT_OWNER_SLAB) {
		rep_putc(o, ' ');
		rep_xml_text(o, m->caches[c->detail]);
	}
	if (mt)
		rep_printf(o, ", %s", mt);
	rep_puts(o, "</title>");
}

static int svg_memmap(struct rep_out *o, const struct report_memmap *m,
		      enum report_map_mode mode, bool xml_decl)
{
	struct rep_group *g = malloc((2 * m->nzones + 1) * sizeof *g);
	struct mm_key *keys = malloc((SIM_MAX_ORDER + 1 + m->ncaches +
				      REPORT_NR_OWNERS + MIGRATE_TYPES + 1) * sizeof *keys);
	struct report_buf tb = REPORT_BUF_INIT;
	struct rep_out t = { &tb };
	struct mm_layout l;
	size_t ng, nkeys, legend_cols, tlines, st[2], ln[2];
	double y, colw = MM_LEGEND_COL, top;
	int h;

	if (!g || !keys) {
		free(g);
		free(keys);
		return SIM_ENOHOSTMEM;
	}
	mm_layout(m, &l);
	ng = rep_memmap_groups(m, g);
	nkeys = mm_legend(m, mode, keys, SIM_MAX_ORDER + 1 + m->ncaches +
			  REPORT_NR_OWNERS + MIGRATE_TYPES + 1);
	/* legend columns as wide as the longest label: never cut one */
	for (size_t k = 0; k < nkeys; k++) {
		double w = 22 + (double)rep_utf8_width(keys[k].label) * 11 * SVG_CHAR_W + 12;

		if (w > colw)
			colw = w;
	}
	legend_cols = (size_t)((l.width - 16) / colw);
	if (legend_cols < 1)
		legend_cols = 1;
	h = MM_TOP;
	for (size_t k = 0; k < ng; k++)
		h += MM_ZONE_H + (int)((g[k].count + l.cols - 1) / l.cols * l.cell);
	h += 14 + (int)((nkeys + legend_cols - 1) / legend_cols) * MM_LEGEND_ROW + 8;

	rep_puts(&t, *m->b.title ? m->b.title : m->b.id);
	rep_puts(&t, mode == REPORT_MAP_OWNER ? " (by owner)" : " (by migratetype)");
	if (tb.failed) {
		free(g);
		free(keys);
		report_buf_release(&tb);
		return SIM_ENOHOSTMEM;
	}
	/* the title wraps onto a second line rather than being cut */
	tlines = svg_wrap(tb.data, svg_fit(l.width - 32, 15 * 1.1), st, ln, 2);
	top = MM_TOP + (tlines > 1 ? 18.0 : 0.0);
	h += (int)(top - MM_TOP);
	svg_open(o, l.width, h, tb.data, xml_decl);
	svg_text_wrap(o, 16, 24, 18, "class=\"ctitle\" font-size=\"15\" font-weight=\"bold\"",
		      tb.data, svg_fit(l.width - 32, 15 * 1.1), 2);
	report_buf_release(&tb);

	y = top;
	for (size_t k = 0; k < ng; k++) {
		uint64_t end = g[k].first + g[k].count;
		char head[160];

		/* the zone boundary: a rule and the zone's name and pfn range */
		if (k > 0)
			svg_line(o, 8, y + 2, l.width - 8, y + 2,
				 "stroke=\"#222222\" stroke-width=\"1.5\"");
		snprintf(head, sizeof head, " pfn 0x%llx-0x%llx, %llu cell%s",
			 (unsigned long long)rep_cell_pfn(m, g[k].first),
			 (unsigned long long)(rep_cell_pfn(m, end) - 1),
			 (unsigned long long)g[k].count, g[k].count == 1 ? "" : "s");
		rep_puts(o, "<text");
		svg_xy(o, "x", MM_LEFT, "y", y + 18);
		rep_puts(o, "><tspan font-weight=\"bold\">");
		rep_xml_text(o, *g[k].name ? g[k].name : "(no zone)");
		rep_puts(o, "</tspan><tspan fill=\"#555555\">");
		rep_xml_text(o, head);
		rep_puts(o, "</tspan></text>\n");
		y += MM_ZONE_H;
		for (uint64_t i = g[k].first; i < end; i++) {
			uint64_t at = i - g[k].first;
			double cx = MM_LEFT + (double)(at % l.cols * l.cell);
			double cy = y + (double)(at / l.cols * l.cell);
			const char *fill = mode == REPORT_MAP_OWNER ?
				rep_owner_colour(&m->cells[i]) : rep_mt_colour(m->cells[i].mt);

			if (at % l.cols == 0 && (at / l.cols) % l.label_every == 0) {
				char pfn[REP_NUMBUF];

				snprintf(pfn, sizeof pfn, "0x%llx",
					 (unsigned long long)rep_cell_pfn(m, i));
				svg_text(o, MM_LEFT - 6, cy + l.cell / 2.0 + 3.5,
					 "text-anchor=\"end\" font-size=\"10\" "
					 "font-family=\"DejaVu Sans Mono, monospace\" fill=\"#555555\"",
					 pfn, 0);
			}
			rep_puts(o, "<rect");
			svg_xy(o, "x", cx, "y", cy);
			rep_printf(o, " width=\"%u\" height=\"%u\" fill=\"%s\"",
				   l.cell - l.gap, l.cell - l.gap, fill);
			if (m->ncells <= MM_TITLES_MAX) {
				rep_putc(o, '>');
				mm_cell_title(o, m, i);
				rep_puts(o, "</rect>\n");
			} else {
				rep_puts(o, "/>\n");
			}
		}
		y += (double)((g[k].count + l.cols - 1) / l.cols * l.cell);
	}
	y += 14;
	for (size_t k = 0; k < nkeys; k++) {
		double kx = 16 + (double)(k % legend_cols) * colw;
		double ky = y + (double)(k / legend_cols) * MM_LEGEND_ROW;

		rep_puts(o, "<rect");
		svg_xy(o, "x", kx, "y", ky);
		rep_printf(o, " width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#999999\" "
			   "stroke-width=\"0.5\"/>\n", keys[k].colour);
		svg_text(o, kx + 17, ky + 10, "font-size=\"11\"", keys[k].label, 0);
	}
	rep_puts(o, "</svg>\n");
	free(g);
	free(keys);
	return SIM_OK;
}

/* ---- Entry ---- */

int rep_svg_block(struct rep_out *o, const struct rep_block *b,
		  enum report_map_mode mode, bool xml_decl)
{
	switch (b->type) {
	case REPORT_BLOCK_SERIES:
		return svg_series(o, (const struct report_series *)b, xml_decl);
	case REPORT_BLOCK_BARS:
		return svg_bars(o, (const struct report_bars *)b, xml_decl);
	case REPORT_BLOCK_MEMMAP:
		return svg_memmap(o, (const struct report_memmap *)b, mode, xml_decl);
	default:
		return SIM_EINVAL;	/* tables and text are not pictures */
	}
}

static int svg_render(struct rep_out *o, const struct report *r,
		      const struct rep_where *only, enum report_map_mode mode)
{
	(void)r;
	return only ? rep_svg_block(o, only->block, mode, true) : SIM_EINVAL;
}

/* one block at a time: a whole report is not one picture */
const struct rep_renderer rep_svg_renderer = {
	.fmt = REPORT_FMT_SVG,
	.whole = false,
	.render = svg_render,
};

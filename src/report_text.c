/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_text.c - the report as plain text for a terminal
 *
 * Layout, top to bottom:
 *
 *   Title                       the report title, underlined with '='
 *   =====
 *   kind     run                metadata, keys aligned
 *   seed     1
 *
 *   Section title               each section, underlined with '-'
 *   -------------
 *   Block title:                each block's caption, then its content
 *   ...
 *
 * and, for compare and replay reports, each run the same way under a
 * "Run LABEL: title" heading.  Tables are aligned as kmemsim.util's
 * table_format aligns them: two spaces between columns, numbers (and their
 * headers) right-aligned, text left-aligned, no trailing blanks.
 * Preformatted blocks (/proc files) are copied verbatim.  A time series is
 * shown as its table of samples, a bar group as a table with one column
 * per series, a memory map as a character grid (one character per cell,
 * 64 cells a line) once by owner and once by migratetype.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_render.h"

/* ---- Lines ---- */

/* A line being assembled, so trailing blanks can be dropped. */
struct text_line {
	struct report_buf buf;
	struct rep_out o;
};

static void text_line_init(struct text_line *l)
{
	l->buf = (struct report_buf)REPORT_BUF_INIT;
	l->o.buf = &l->buf;
}

/* write the line without trailing blanks, plus '\n'; start a new one */
static void text_line_end(struct text_line *l, struct rep_out *o)
{
	size_t n = l->buf.len;

	if (l->buf.failed)
		o->buf->failed = true;
	while (n > 0 && l->buf.data[n - 1] == ' ')
		n--;
	if (n)
		rep_put(o, l->buf.data, n);
	rep_putc(o, '\n');
	l->buf.len = 0;
}

static void text_line_free(struct text_line *l)
{
	report_buf_release(&l->buf);
}

/* @s in a field of @w code points, right- or left-aligned */
static void text_cell(struct rep_out *o, const char *s, size_t w, bool right)
{
	size_t sw = rep_utf8_width(s);

	if (right && sw < w)
		rep_pad(o, w - sw);
	rep_puts(o, s);
	if (!right && sw < w)
		rep_pad(o, w - sw);
}

/* a line of @w characters @c */
static void text_rule(struct rep_out *o, size_t w, char c)
{
	for (size_t i = 0; i < w; i++)
		rep_putc(o, c);
	rep_putc(o, '\n');
}

/* ---- A generic grid of strings ---- */

/*
 * Tables, series and bars all come out as a grid: a header row, then rows
 * of cells.  Cells are formatted on demand by a callback into a small
 * buffer, twice: once to measure the columns, once to print.  Nothing the
 * size of the grid is ever allocated, so a series of a million samples
 * costs no more memory than its own output.
 */
struct text_grid {
	size_t ncols, nrows;
	/* heading of column @c: name and unit ("name (unit)") */
	void (*head)(const void *ctx, size_t c, const char **name,
		     const char **unit);
	/* cell (@r, @c), formatted into @buf (REP_NUMBUF bytes) or a string of
	 * the document */
	const char *(*cell)(const void *ctx, size_t r, size_t c, char *buf);
	bool (*right)(const void *ctx, size_t c);	/* right-align @c */
	const void *ctx;
};

static size_t text_head_width(const struct text_grid *g, size_t c)
{
	const char *name, *unit;

	g->head(g->ctx, c, &name, &unit);
	return rep_utf8_width(name) + (unit && *unit ? rep_utf8_width(unit) + 3 : 0);
}

static int text_grid_print(struct rep_out *o, const struct text_grid *g)
{
	size_t *w = calloc(g->ncols ? g->ncols : 1, sizeof *w);
	struct text_line l;
	char num[REP_NUMBUF];

	if (!w)
		return SIM_ENOHOSTMEM;
	for (size_t c = 0; c < g->ncols; c++) {
		w[c] = text_head_width(g, c);
		for (size_t r = 0; r < g->nrows; r++) {
			size_t cw = rep_utf8_width(g->cell(g->ctx, r, c, num));

			if (cw > w[c])
				w[c] = cw;
		}
	}
	text_line_init(&l);
	for (size_t c = 0; c < g->ncols; c++) {
		const char *name, *unit;
		size_t hw = text_head_width(g, c);
		bool right = g->right(g->ctx, c);

		g->head(g->ctx, c, &name, &unit);
		if (c)
			rep_puts(&l.o, "  ");
		if (right && hw < w[c])
			rep_pad(&l.o, w[c] - hw);
		rep_heading(&l.o, name, unit);
		if (!right && hw < w[c])
			rep_pad(&l.o, w[c] - hw);
	}
	text_line_end(&l, o);
	for (size_t r = 0; r < g->nrows; r++) {
		for (size_t c = 0; c < g->ncols; c++) {
			if (c)
				rep_puts(&l.o, "  ");
			text_cell(&l.o, g->cell(g->ctx, r, c, num), w[c],
				  g->right(g->ctx, c));
		}
		text_line_end(&l, o);
	}
	text_line_free(&l);
	free(w);
	return SIM_OK;
}

/* ---- Blocks ---- */

/* key-value items (metadata too): keys aligned, numbers right-aligned */
static void text_items(struct rep_out *o, const struct rep_item *it, size_t n)
{
	char (*num)[REP_NUMBUF] = calloc(n ? n : 1, sizeof *num);
	const char **val = calloc(n ? n : 1, sizeof *val);
	size_t kw = 0, vw = 0;
	struct text_line l;

	if (!num || !val) {
		free(num);
		free(val);
		o->buf->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		val[i] = rep_human(&it[i].v, it[i].v.decimals, num[i]);
		if (rep_utf8_width(it[i].key) > kw)
			kw = rep_utf8_width(it[i].key);
		if (it[i].v.type != REPORT_TEXT && rep_utf8_width(val[i]) > vw)
			vw = rep_utf8_width(val[i]);
	}
	text_line_init(&l);
	for (size_t i = 0; i < n; i++) {
		bool text = it[i].v.type == REPORT_TEXT;

		text_cell(&l.o, it[i].key, kw, false);
		rep_puts(&l.o, "  ");
		text_cell(&l.o, val[i], text ? 0 : vw, !text);
		if (*it[i].unit) {
			rep_putc(&l.o, ' ');
			rep_puts(&l.o, it[i].unit);
		}
		text_line_end(&l, o);
	}
	text_line_free(&l);
	free(num);
	free(val);
}

/* tables */

static void text_table_head(const void *ctx, size_t c, const char **name,
			    const char **unit)
{
	const struct report_table *t = ctx;

	*name = t->cols[c].name;
	*unit = t->cols[c].unit;
}

static const char *text_table_cell(const void *ctx, size_t r, size_t c,
				   char *buf)
{
	const struct report_table *t = ctx;

	return rep_human(&t->cells[r * t->ncols + c], t->cols[c].decimals, buf);
}

static bool text_table_right(const void *ctx, size_t c)
{
	const struct report_table *t = ctx;

	return t->cols[c].type != REPORT_TEXT;
}

static int text_table(struct rep_out *o, const struct report_table *t)
{
	struct text_grid g = { t->ncols, t->nrows, text_table_head,
			       text_table_cell, text_table_right, t };

	return text_grid_print(o, &g);
}

static void text_pre(struct rep_out *o, const struct report_pre *p)
{
	rep_put(o, p->text, p->len);
	if (p->len && p->text[p->len - 1] != '\n')
		rep_putc(o, '\n');
}

/* series: x, then one column per line */

static void text_series_head(const void *ctx, size_t c, const char **name,
			     const char **unit)
{
	const struct report_series *ts = ctx;

	*name = c ? ts->lines[c - 1].name :
		ts->xaxis == REPORT_X_TIME ? "time" : "ops";
	*unit = NULL;
}

static const char *text_series_cell(const void *ctx, size_t r, size_t c,
				    char *buf)
{
	const struct report_series *ts = ctx;
	double y;

	if (c == 0) {
		if (ts->xaxis == REPORT_X_TIME)
			rep_fmt_ns(buf, (int64_t)ts->x[r]);
		else
			rep_fmt_uint(buf, ts->x[r]);
		return buf;
	}
	y = ts->lines[c - 1].y[r];
	if (y != y)
		return "-";
	rep_fmt_fixed(buf, y, ts->y_decimals);
	return buf;
}

static bool text_right(const void *ctx, size_t c)
{
	(void)ctx;
	(void)c;
	return true;
}

static int text_series(struct rep_out *o, const struct report_series *ts)
{
	struct text_grid g = { ts->nlines + 1, ts->nsamples, text_series_head,
			       text_series_cell, text_right, ts };
	int rc;

	rep_puts(o, "y: ");
	rep_heading(o, *ts->y_label ? ts->y_label : "value", ts->y_unit);
	rep_putc(o, '\n');
	rc = text_grid_print(o, &g);
	for (size_t i = 0; rc == SIM_OK && i < ts->nrefs; i++) {
		char num[REP_NUMBUF];

		rep_fmt_fixed(num, ts->refs[i].y, ts->y_decimals);
		rep_printf(o, "reference %s = %s\n", ts->refs[i].name, num);
	}
	return rc;
}

/* bars: metric, unit, then one column per series */

static void text_bars_head(const void *ctx, size_t c, const char **name,
			   const char **unit)
{
	const struct report_bars *b = ctx;

	*name = c == 0 ? "metric" : c == 1 ? "unit" : b->series[c - 2];
	*unit = NULL;
}

static const char *text_bars_cell(const void *ctx, size_t r, size_t c,
				  char *buf)
{
	const struct rep_category *cat = &((const struct report_bars *)ctx)->cats[r];

	if (c < 2)
		return c ? cat->unit : cat->name;
	if (cat->values[c - 2] != cat->values[c - 2])
		return "-";
	rep_fmt_fixed(buf, cat->values[c - 2], cat->decimals);
	return buf;
}

static bool text_bars_right(const void *ctx, size_t c)
{
	(void)ctx;
	return c >= 2;
}

static int text_bars(struct rep_out *o, const struct report_bars *b)
{
	struct text_grid g = { b->nseries + 2, b->ncats, text_bars_head,
			       text_bars_cell, text_bars_right, b };

	return text_grid_print(o, &g);
}

/* ---- Memory maps ---- */

#define TEXT_MAP_COLS 64

static char text_owner_char(const struct rep_cell *c)
{
	if (c->owner == REPORT_OWNER_FREE)
		return c->detail >= SIM_MAX_ORDER ? '.' : (char)('0' + c->detail);
	return rep_owner_char((enum report_owner)c->owner);
}

static char text_mt_char(unsigned mt)
{
	const char *n = rep_mt_name(mt);

	return n ? n[0] : '_';
}

static void text_map_grid(struct rep_out *o, const struct report_memmap *m,
			  const struct rep_group *g, size_t ng, bool by_mt)
{
	char hex[REP_NUMBUF];
	int pw = snprintf(hex, sizeof hex, "%llx",
			  (unsigned long long)rep_cell_pfn(m, m->ncells - 1));

	for (size_t k = 0; k < ng; k++) {
		uint64_t end = g[k].first + g[k].count;

		rep_printf(o, "%s: pfn 0x%llx-0x%llx\n",
			   *g[k].name ? g[k].name : "(no zone)",
			   (unsigned long long)rep_cell_pfn(m, g[k].first),
			   (unsigned long long)(rep_cell_pfn(m, end) - 1));
		for (uint64_t i = g[k].first; i < end; i += TEXT_MAP_COLS) {
			rep_printf(o, "  0x%0*llx  ", pw,
				   (unsigned long long)rep_cell_pfn(m, i));
			for (uint64_t j = i; j < end && j < i + TEXT_MAP_COLS; j++)
				rep_putc(o, by_mt ? text_mt_char(m->cells[j].mt)
						  : text_owner_char(&m->cells[j]));
			rep_putc(o, '\n');
		}
	}
}

static int text_memmap(struct rep_out *o, const struct report_memmap *m)
{
	struct rep_group *g = malloc((2 * m->nzones + 1) * sizeof *g);
	bool seen[REPORT_NR_OWNERS] = { false }, mt_seen[MIGRATE_TYPES + 1] = { false };
	bool low_order = false;
	size_t ng;

	if (!g)
		return SIM_ENOHOSTMEM;
	ng = rep_memmap_groups(m, g);
	for (uint64_t i = 0; i < m->ncells; i++) {
		seen[m->cells[i].owner] = true;
		mt_seen[m->cells[i].mt] = true;
		if (m->cells[i].owner == REPORT_OWNER_FREE &&
		    m->cells[i].detail < SIM_MAX_ORDER)
			low_order = true;
	}
	rep_printf(o, "%llu cells of %u page%s from pfn 0x%llx\n",
		   (unsigned long long)m->ncells, 1u << m->cell_order,
		   m->cell_order ? "s" : "", (unsigned long long)m->start_pfn);
	rep_puts(o, "owner:");
	for (unsigned k = 0; k < REPORT_NR_OWNERS; k++) {
		if (!seen[k])
			continue;
		if (k == REPORT_OWNER_FREE) {
			rep_printf(o, " . free (an order-%d block)", SIM_MAX_ORDER);
			if (low_order)
				rep_puts(o, ", 0-9 free (a block of that order)");
		} else {
			rep_printf(o, " %c %s", rep_owner_char((enum report_owner)k),
				   rep_owner_label((enum report_owner)k));
		}
		if (k == REPORT_OWNER_SLAB && m->ncaches) {
			rep_puts(o, " (");
			for (size_t c = 0; c < m->ncaches; c++)
				rep_printf(o, "%s%s", c ? ", " : "", m->caches[c]);
			rep_putc(o, ')');
		}
		rep_putc(o, ';');
	}
	rep_putc(o, '\n');
	text_map_grid(o, m, g, ng, false);
	rep_puts(o, "migratetype:");
	for (unsigned k = 0; k <= MIGRATE_TYPES; k++)
		if (mt_seen[k])
			rep_printf(o, " %c %s;", text_mt_char(k),
				   rep_mt_name(k) ? rep_mt_name(k) : "none (hole)");
	rep_putc(o, '\n');
	text_map_grid(o, m, g, ng, true);
	free(g);
	return SIM_OK;
}

static int text_block(struct rep_out *o, const struct rep_block *b)
{
	if (*b->title)
		rep_printf(o, "%s:\n", b->title);
	switch (b->type) {
	case REPORT_BLOCK_KV: {
		const struct report_kv *kv = (const struct report_kv *)b;

		text_items(o, kv->items, kv->nitems);
		return SIM_OK;
	}
	case REPORT_BLOCK_TABLE: {
		const struct report_table *t = (const struct report_table *)b;

		if (!t->headline)
			return text_table(o, t);
		/* the findings, one sentence each */
		for (size_t r = 0; r < t->nrows; r++)
			if (t->ncols && !t->cells[r * t->ncols].missing)
				rep_printf(o, "* %s\n", t->cells[r * t->ncols].u.s);
		return SIM_OK;
	}
	case REPORT_BLOCK_PRE:
		text_pre(o, (const struct report_pre *)b);
		return SIM_OK;
	case REPORT_BLOCK_SERIES:
		return text_series(o, (const struct report_series *)b);
	case REPORT_BLOCK_BARS:
		return text_bars(o, (const struct report_bars *)b);
	case REPORT_BLOCK_MEMMAP:
		return text_memmap(o, (const struct report_memmap *)b);
	default:
		return SIM_EINVAL;
	}
}

/* ---- The document ---- */

static int text_report(struct rep_out *o, const struct report *r,
		       const char *run_label)
{
	int rc = SIM_OK;

	if (run_label) {
		rep_printf(o, "Run %s: %s\n", run_label, r->title);
		text_rule(o, 6 + rep_utf8_width(run_label) + rep_utf8_width(r->title),
			  '=');
	} else {
		const char *t = *r->title ? r->title : "kmemsim report";

		rep_printf(o, "%s\n", t);
		text_rule(o, rep_utf8_width(t), '=');
	}
	{
		/* the kind first, then the metadata, aligned together */
		struct rep_item *items = calloc(r->nmeta + 1, sizeof *items);

		if (!items)
			return SIM_ENOHOSTMEM;
		items[0].key = (char *)"kind";
		items[0].unit = (char *)"";
		items[0].v.type = REPORT_TEXT;
		items[0].v.u.s = (char *)report_kind_name(r->kind);
		if (r->nmeta)
			memcpy(items + 1, r->meta, r->nmeta * sizeof *items);
		text_items(o, items, r->nmeta + 1);
		free(items);
	}
	for (size_t i = 0; rc == SIM_OK && i < r->nsections; i++) {
		const struct report_section *s = r->sections[i];

		rep_printf(o, "\n%s\n", s->title);
		text_rule(o, rep_utf8_width(s->title), '-');
		for (size_t j = 0; rc == SIM_OK && j < s->nblocks; j++) {
			if (j)
				rep_putc(o, '\n');
			rc = text_block(o, s->blocks[j]);
		}
	}
	return rc;
}

static int text_render(struct rep_out *o, const struct report *r,
		const struct rep_where *only, enum report_map_mode mode)
{
	int rc;

	(void)mode;
	if (only)
		return text_block(o, only->block);
	rc = text_report(o, r, NULL);
	for (size_t i = 0; rc == SIM_OK && i < r->nruns; i++) {
		rep_putc(o, '\n');
		rc = text_report(o, r->runs[i].report, r->runs[i].label);
	}
	return rc;
}

const struct rep_renderer rep_text_renderer = {
	.fmt = REPORT_FMT_TEXT,
	.whole = true,
	.render = text_render,
};

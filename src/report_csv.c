/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_csv.c - tables and time series as CSV
 *
 * One block renders as one RFC 4180 table: a header row, then one row per
 * table row, sample, metric or map cell.  Fields holding a comma, a quote,
 * CR or LF are quoted, quotes doubled; lines end in LF (which RFC 4180
 * readers accept and Unix tools expect).  Values are exact: integers,
 * bytes and ns as integers, reals with their fixed decimals, missing values
 * as empty fields.  Headers are "name" or "name (unit)".
 *
 *   kv      key,type,value,unit
 *   table   its columns
 *   series  time_ns|ops, then one column per line (reference lines are in
 *           the JSON; they are constants, not samples)
 *   bars    metric,unit, then one column per series
 *   memmap  cell,pfn,owner,order,cache,migratetype
 *   pre     has no CSV form (report_render() says SIM_EINVAL)
 *
 * A whole report is a sequence of such tables, each introduced by a line
 * "# PATH" (the block path, or "meta" / "RUN/meta" for the metadata) and
 * followed by an empty line; preformatted blocks are left out.  Ask for one
 * block (struct report_opts.block) for a single strict table.
 */
#include "config.h"

#include <math.h>

#include "report_render.h"

static void csv_num(struct rep_out *o, double v, unsigned decimals)
{
	char num[REP_NUMBUF];

	if (isfinite(v)) {
		rep_fmt_fixed(num, v, decimals);
		rep_puts(o, num);
	}
}

static void csv_value(struct rep_out *o, const struct rep_value *v,
		      unsigned decimals)
{
	char num[REP_NUMBUF];
	const char *s = rep_plain(v, decimals, num);

	if (s)
		rep_csv_field(o, s);
}

/* a header field "name (unit)" */
static void csv_head(struct rep_out *o, const char *name, const char *unit)
{
	struct report_buf b = REPORT_BUF_INIT;
	struct rep_out t = { &b };

	rep_heading(&t, name, unit);
	if (b.failed)
		o->buf->failed = true;
	else
		rep_csv_field(o, b.data ? b.data : "");
	report_buf_release(&b);
}

static void csv_items(struct rep_out *o, const struct rep_item *it, size_t n)
{
	rep_puts(o, "key,type,value,unit\n");
	for (size_t i = 0; i < n; i++) {
		rep_csv_field(o, it[i].key);
		rep_printf(o, ",%s,", rep_type_name((enum report_type)it[i].v.type));
		csv_value(o, &it[i].v, it[i].v.decimals);
		rep_putc(o, ',');
		rep_csv_field(o, it[i].unit);
		rep_putc(o, '\n');
	}
}

static void csv_table(struct rep_out *o, const struct report_table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			rep_putc(o, ',');
		csv_head(o, t->cols[c].name, t->cols[c].unit);
	}
	rep_putc(o, '\n');
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				rep_putc(o, ',');
			csv_value(o, &t->cells[r * t->ncols + c], t->cols[c].decimals);
		}
		rep_putc(o, '\n');
	}
}

static void csv_series(struct rep_out *o, const struct report_series *ts)
{
	rep_puts(o, rep_xaxis_name(ts->xaxis));
	for (size_t l = 0; l < ts->nlines; l++) {
		rep_putc(o, ',');
		rep_csv_field(o, ts->lines[l].name);
	}
	rep_putc(o, '\n');
	for (size_t i = 0; i < ts->nsamples; i++) {
		char num[REP_NUMBUF];

		rep_fmt_uint(num, ts->x[i]);
		rep_puts(o, num);
		for (size_t l = 0; l < ts->nlines; l++) {
			rep_putc(o, ',');
			csv_num(o, ts->lines[l].y[i], ts->y_decimals);
		}
		rep_putc(o, '\n');
	}
}

static void csv_bars(struct rep_out *o, const struct report_bars *b)
{
	rep_puts(o, "metric,unit");
	for (size_t i = 0; i < b->nseries; i++) {
		rep_putc(o, ',');
		rep_csv_field(o, b->series[i]);
	}
	rep_putc(o, '\n');
	for (size_t c = 0; c < b->ncats; c++) {
		rep_csv_field(o, b->cats[c].name);
		rep_putc(o, ',');
		rep_csv_field(o, b->cats[c].unit);
		for (size_t i = 0; i < b->nseries; i++) {
			rep_putc(o, ',');
			csv_num(o, b->cats[c].values[i], b->cats[c].decimals);
		}
		rep_putc(o, '\n');
	}
}

static void csv_memmap(struct rep_out *o, const struct report_memmap *m)
{
	rep_puts(o, "cell,pfn,owner,order,cache,migratetype\n");
	for (uint64_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];
		const char *mt = rep_mt_name(c->mt);

		rep_printf(o, "%llu,%llu,%s,", (unsigned long long)i,
			   (unsigned long long)rep_cell_pfn(m, i),
			   rep_owner_name((enum report_owner)c->owner));
		if (c->owner == REPORT_OWNER_FREE)
			rep_printf(o, "%u", c->detail);
		rep_putc(o, ',');
		if (c->owner == REPORT_OWNER_SLAB)
			rep_csv_field(o, m->caches[c->detail]);
		rep_printf(o, ",%s\n", mt ? mt : "");
	}
}

static int csv_block(struct rep_out *o, const struct rep_block *b)
{
	switch (b->type) {
	case REPORT_BLOCK_KV: {
		const struct report_kv *kv = (const struct report_kv *)b;

		csv_items(o, kv->items, kv->nitems);
		return SIM_OK;
	}
	case REPORT_BLOCK_TABLE:
		csv_table(o, (const struct report_table *)b);
		return SIM_OK;
	case REPORT_BLOCK_SERIES:
		csv_series(o, (const struct report_series *)b);
		return SIM_OK;
	case REPORT_BLOCK_BARS:
		csv_bars(o, (const struct report_bars *)b);
		return SIM_OK;
	case REPORT_BLOCK_MEMMAP:
		csv_memmap(o, (const struct report_memmap *)b);
		return SIM_OK;
	default:
		return SIM_EINVAL;	/* preformatted text */
	}
}

static void csv_report(struct rep_out *o, const struct report *r,
		       const char *label)
{
	struct rep_where w = { label ? r : NULL, label, NULL, NULL };
	char path[REP_PATHBUF];

	rep_printf(o, "# %s%smeta\n", label ? label : "", label ? "/" : "");
	csv_items(o, r->meta, r->nmeta);
	for (size_t i = 0; i < r->nsections; i++) {
		w.section = r->sections[i];
		for (size_t j = 0; j < w.section->nblocks; j++) {
			w.block = w.section->blocks[j];
			if (w.block->type == REPORT_BLOCK_PRE)
				continue;
			rep_block_path(&w, path);
			rep_printf(o, "\n# %s\n", path);
			csv_block(o, w.block);
		}
	}
}

static int csv_render(struct rep_out *o, const struct report *r,
		const struct rep_where *only, enum report_map_mode mode)
{
	(void)mode;
	if (only)
		return csv_block(o, only->block);
	csv_report(o, r, NULL);
	for (size_t i = 0; i < r->nruns; i++) {
		rep_putc(o, '\n');
		csv_report(o, r->runs[i].report, r->runs[i].label);
	}
	return SIM_OK;
}

const struct rep_renderer rep_csv_renderer = {
	.fmt = REPORT_FMT_CSV,
	.whole = true,
	.render = csv_render,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_json.c - the report as JSON (docs/report-schema.md)
 *
 * The layout is fixed by REPORT_SCHEMA_VERSION and documented field by
 * field in docs/report-schema.md; a change that could break a reader bumps
 * the version.  Keys come in a fixed order, arrays in document order, so
 * two runs that agree give byte-identical JSON that diffs line by line.
 *
 * Pretty-printed with two spaces; the innermost arrays (a table row, a
 * line's values, a map's spans) stay on one line each so large series do
 * not turn into thousands of lines.  Values keep their type: integers,
 * bytes and ns are exact JSON integers, reals and percents have the fixed
 * decimals chosen by their builder, a missing value is null.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "report_render.h"

/* ---- Writing ---- */

static void json_indent(struct rep_out *o, int level)
{
	rep_putc(o, '\n');
	rep_pad(o, (size_t)level * 2);
}

/* "key": at @level, preceded by a comma unless @first */
static void json_key(struct rep_out *o, int level, bool first, const char *key)
{
	if (!first)
		rep_putc(o, ',');
	json_indent(o, level);
	rep_json_string(o, key);
	rep_puts(o, ": ");
}

static void json_str_field(struct rep_out *o, int level, bool first,
			   const char *key, const char *v)
{
	json_key(o, level, first, key);
	rep_json_string(o, v);
}

static void json_int_field(struct rep_out *o, int level, bool first,
			   const char *key, int64_t v)
{
	char num[REP_NUMBUF];

	json_key(o, level, first, key);
	rep_fmt_int(num, v);
	rep_puts(o, num);
}

static void json_uint_field(struct rep_out *o, int level, bool first,
			    const char *key, uint64_t v)
{
	char num[REP_NUMBUF];

	json_key(o, level, first, key);
	rep_fmt_uint(num, v);
	rep_puts(o, num);
}

static void json_value(struct rep_out *o, const struct rep_value *v,
		       unsigned decimals)
{
	char num[REP_NUMBUF];
	const char *s = rep_plain(v, decimals, num);

	if (!s)
		rep_puts(o, "null");
	else if (v->type == REPORT_TEXT)
		rep_json_string(o, s);
	else
		rep_puts(o, s);
}

/* a double with @decimals, null for NAN */
static void json_real(struct rep_out *o, double v, unsigned decimals)
{
	char num[REP_NUMBUF];

	if (!isfinite(v)) {
		rep_puts(o, "null");
		return;
	}
	rep_fmt_fixed(num, v, decimals);
	rep_puts(o, num);
}

/* ---- Blocks ---- */

static void json_items(struct rep_out *o, int level, const struct rep_item *it,
		       size_t n)
{
	rep_putc(o, '[');
	for (size_t i = 0; i < n; i++) {
		rep_puts(o, i ? "," : "");
		json_indent(o, level + 1);
		rep_puts(o, "{\"key\": ");
		rep_json_string(o, it[i].key);
		rep_printf(o, ", \"type\": \"%s\", \"value\": ",
			   rep_type_name((enum report_type)it[i].v.type));
		json_value(o, &it[i].v, it[i].v.decimals);
		rep_puts(o, ", \"unit\": ");
		rep_json_string(o, it[i].unit);
		rep_putc(o, '}');
	}
	if (n)
		json_indent(o, level);
	rep_putc(o, ']');
}

static void json_table(struct rep_out *o, int level,
		       const struct report_table *t)
{
	json_key(o, level, false, "columns");
	rep_putc(o, '[');
	for (size_t c = 0; c < t->ncols; c++) {
		const struct rep_column *col = &t->cols[c];

		rep_puts(o, c ? "," : "");
		json_indent(o, level + 1);
		rep_puts(o, "{\"name\": ");
		rep_json_string(o, col->name);
		rep_printf(o, ", \"type\": \"%s\", \"decimals\": %u, \"unit\": ",
			   rep_type_name((enum report_type)col->type), col->decimals);
		rep_json_string(o, col->unit);
		rep_putc(o, '}');
	}
	if (t->ncols)
		json_indent(o, level);
	rep_putc(o, ']');
	json_key(o, level, false, "rows");
	rep_putc(o, '[');
	for (size_t r = 0; r < t->nrows; r++) {
		rep_puts(o, r ? "," : "");
		json_indent(o, level + 1);
		rep_putc(o, '[');
		for (size_t c = 0; c < t->ncols; c++) {
			rep_puts(o, c ? ", " : "");
			json_value(o, &t->cells[r * t->ncols + c], t->cols[c].decimals);
		}
		rep_putc(o, ']');
	}
	if (t->nrows)
		json_indent(o, level);
	rep_putc(o, ']');
}

static void json_series(struct rep_out *o, int level,
			const struct report_series *ts)
{
	json_key(o, level, false, "x");
	rep_printf(o, "{\"kind\": \"%s\"}", rep_xaxis_name(ts->xaxis));
	json_key(o, level, false, "y");
	rep_puts(o, "{\"label\": ");
	rep_json_string(o, ts->y_label);
	rep_puts(o, ", \"unit\": ");
	rep_json_string(o, ts->y_unit);
	rep_printf(o, ", \"decimals\": %u}", ts->y_decimals);
	json_key(o, level, false, "x_values");
	rep_putc(o, '[');
	for (size_t i = 0; i < ts->nsamples; i++) {
		char num[REP_NUMBUF];

		rep_puts(o, i ? ", " : "");
		rep_fmt_uint(num, ts->x[i]);
		rep_puts(o, num);
	}
	rep_putc(o, ']');
	json_key(o, level, false, "lines");
	rep_putc(o, '[');
	for (size_t l = 0; l < ts->nlines; l++) {
		rep_puts(o, l ? "," : "");
		json_indent(o, level + 1);
		rep_puts(o, "{\"name\": ");
		rep_json_string(o, ts->lines[l].name);
		rep_puts(o, ", \"values\": [");
		for (size_t i = 0; i < ts->nsamples; i++) {
			rep_puts(o, i ? ", " : "");
			json_real(o, ts->lines[l].y[i], ts->y_decimals);
		}
		rep_puts(o, "]}");
	}
	if (ts->nlines)
		json_indent(o, level);
	rep_putc(o, ']');
	json_key(o, level, false, "refs");
	rep_putc(o, '[');
	for (size_t i = 0; i < ts->nrefs; i++) {
		rep_puts(o, i ? "," : "");
		json_indent(o, level + 1);
		rep_puts(o, "{\"name\": ");
		rep_json_string(o, ts->refs[i].name);
		rep_puts(o, ", \"value\": ");
		json_real(o, ts->refs[i].y, ts->y_decimals);
		rep_putc(o, '}');
	}
	if (ts->nrefs)
		json_indent(o, level);
	rep_putc(o, ']');
}

static void json_bars(struct rep_out *o, int level, const struct report_bars *b)
{
	json_key(o, level, false, "series");
	rep_putc(o, '[');
	for (size_t i = 0; i < b->nseries; i++) {
		rep_puts(o, i ? ", " : "");
		rep_json_string(o, b->series[i]);
	}
	rep_putc(o, ']');
	json_key(o, level, false, "categories");
	rep_putc(o, '[');
	for (size_t c = 0; c < b->ncats; c++) {
		const struct rep_category *cat = &b->cats[c];

		rep_puts(o, c ? "," : "");
		json_indent(o, level + 1);
		rep_puts(o, "{\"name\": ");
		rep_json_string(o, cat->name);
		rep_puts(o, ", \"unit\": ");
		rep_json_string(o, cat->unit);
		rep_printf(o, ", \"decimals\": %u, \"values\": [", cat->decimals);
		for (size_t i = 0; i < b->nseries; i++) {
			rep_puts(o, i ? ", " : "");
			json_real(o, cat->values[i], cat->decimals);
		}
		rep_puts(o, "]}");
	}
	if (b->ncats)
		json_indent(o, level);
	rep_putc(o, ']');
}

static bool json_cell_eq(const struct rep_cell *a, const struct rep_cell *b)
{
	return a->owner == b->owner && a->mt == b->mt && a->detail == b->detail;
}

static void json_memmap(struct rep_out *o, int level,
			const struct report_memmap *m)
{
	size_t nspans = 0;

	json_uint_field(o, level, false, "start_pfn", m->start_pfn);
	json_uint_field(o, level, false, "cell_order", m->cell_order);
	json_uint_field(o, level, false, "cells", m->ncells);
	json_key(o, level, false, "caches");
	rep_putc(o, '[');
	for (size_t i = 0; i < m->ncaches; i++) {
		rep_puts(o, i ? ", " : "");
		rep_json_string(o, m->caches[i]);
	}
	rep_putc(o, ']');
	json_key(o, level, false, "zones");
	rep_putc(o, '[');
	for (size_t i = 0; i < m->nzones; i++) {
		const struct rep_zone *z = &m->zones[i];

		rep_puts(o, i ? "," : "");
		json_indent(o, level + 1);
		rep_puts(o, "{\"name\": ");
		rep_json_string(o, z->name);
		rep_printf(o, ", \"first\": %llu, \"count\": %llu}",
			   (unsigned long long)z->first, (unsigned long long)z->count);
	}
	if (m->nzones)
		json_indent(o, level);
	rep_putc(o, ']');
	/* runs of identical cells: an encoding, not a summary */
	json_key(o, level, false, "spans");
	rep_putc(o, '[');
	for (uint64_t i = 0; i < m->ncells;) {
		const struct rep_cell *c = &m->cells[i];
		uint64_t j = i + 1;
		const char *mt = rep_mt_name(c->mt);

		while (j < m->ncells && json_cell_eq(&m->cells[j], c))
			j++;
		rep_puts(o, nspans++ ? "," : "");
		json_indent(o, level + 1);
		rep_printf(o, "{\"first\": %llu, \"count\": %llu, \"owner\": \"%s\"",
			   (unsigned long long)i, (unsigned long long)(j - i),
			   rep_owner_name((enum report_owner)c->owner));
		if (c->owner == REPORT_OWNER_FREE)
			rep_printf(o, ", \"order\": %u", c->detail);
		if (c->owner == REPORT_OWNER_SLAB) {
			rep_puts(o, ", \"cache\": ");
			rep_json_string(o, m->caches[c->detail]);
		}
		rep_puts(o, ", \"migratetype\": ");
		if (mt)
			rep_json_string(o, mt);
		else
			rep_puts(o, "null");
		rep_putc(o, '}');
		i = j;
	}
	json_indent(o, level);
	rep_putc(o, ']');
}

static void json_block(struct rep_out *o, int level, const struct rep_block *b)
{
	rep_putc(o, '{');
	json_str_field(o, level + 1, true, "type", report_block_type_name(b->type));
	json_str_field(o, level + 1, false, "id", b->id);
	json_str_field(o, level + 1, false, "title", b->title);
	switch (b->type) {
	case REPORT_BLOCK_KV: {
		const struct report_kv *kv = (const struct report_kv *)b;

		json_key(o, level + 1, false, "items");
		json_items(o, level + 1, kv->items, kv->nitems);
		break;
	}
	case REPORT_BLOCK_TABLE:
		if (((const struct report_table *)b)->headline)
			json_str_field(o, level + 1, false, "role", "headline");
		json_table(o, level + 1, (const struct report_table *)b);
		break;
	case REPORT_BLOCK_PRE:
		json_str_field(o, level + 1, false, "text",
			       ((const struct report_pre *)b)->text);
		break;
	case REPORT_BLOCK_SERIES:
		json_series(o, level + 1, (const struct report_series *)b);
		break;
	case REPORT_BLOCK_BARS:
		json_bars(o, level + 1, (const struct report_bars *)b);
		break;
	case REPORT_BLOCK_MEMMAP:
		json_memmap(o, level + 1, (const struct report_memmap *)b);
		break;
	default:
		break;
	}
	json_indent(o, level);
	rep_putc(o, '}');
}

/* ---- The document ---- */

/* kind, title, meta, sections (and runs at the top); the caller opened
 * the object and wrote the fields before these */
static void json_report_body(struct rep_out *o, int level,
			     const struct report *r, bool first)
{
	json_str_field(o, level, first, "kind", report_kind_name(r->kind));
	json_str_field(o, level, false, "title", r->title);
	json_key(o, level, false, "meta");
	rep_putc(o, '{');
	for (size_t i = 0; i < r->nmeta; i++) {
		json_key(o, level + 1, i == 0, r->meta[i].key);
		json_value(o, &r->meta[i].v, r->meta[i].v.decimals);
	}
	if (r->nmeta)
		json_indent(o, level);
	rep_putc(o, '}');
	json_key(o, level, false, "sections");
	rep_putc(o, '[');
	for (size_t i = 0; i < r->nsections; i++) {
		const struct report_section *s = r->sections[i];

		rep_puts(o, i ? "," : "");
		json_indent(o, level + 1);
		rep_putc(o, '{');
		json_str_field(o, level + 2, true, "id", s->id);
		json_str_field(o, level + 2, false, "title", s->title);
		json_key(o, level + 2, false, "blocks");
		rep_putc(o, '[');
		for (size_t j = 0; j < s->nblocks; j++) {
			rep_puts(o, j ? "," : "");
			json_indent(o, level + 3);
			json_block(o, level + 3, s->blocks[j]);
		}
		if (s->nblocks)
			json_indent(o, level + 2);
		rep_putc(o, ']');
		json_indent(o, level + 1);
		rep_putc(o, '}');
	}
	if (r->nsections)
		json_indent(o, level);
	rep_putc(o, ']');
}

static int json_render(struct rep_out *o, const struct report *r,
		const struct rep_where *only, enum report_map_mode mode)
{
	(void)mode;
	rep_putc(o, '{');
	json_str_field(o, 1, true, "schema", REPORT_SCHEMA_NAME);
	json_int_field(o, 1, false, "version", REPORT_SCHEMA_VERSION);
	if (only) {
		char path[REP_PATHBUF];

		rep_block_path(only, path);
		json_str_field(o, 1, false, "path", path);
		json_key(o, 1, false, "block");
		json_block(o, 1, only->block);
		rep_puts(o, "\n}\n");
		return SIM_OK;
	}
	json_report_body(o, 1, r, false);
	json_key(o, 1, false, "runs");
	rep_putc(o, '[');
	for (size_t i = 0; i < r->nruns; i++) {
		rep_puts(o, i ? "," : "");
		json_indent(o, 2);
		rep_putc(o, '{');
		json_str_field(o, 3, true, "label", r->runs[i].label);
		json_key(o, 3, false, "report");
		rep_putc(o, '{');
		json_report_body(o, 4, r->runs[i].report, true);
		json_indent(o, 3);
		rep_putc(o, '}');
		json_indent(o, 2);
		rep_putc(o, '}');
	}
	if (r->nruns)
		json_indent(o, 1);
	rep_puts(o, "]\n}\n");
	return SIM_OK;
}

const struct rep_renderer rep_json_renderer = {
	.fmt = REPORT_FMT_JSON,
	.whole = true,
	.render = json_render,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_html.c - the report as one self-contained HTML page
 *
 * The page needs nothing but itself: the style sheet is inline, the charts
 * are inline SVG (report_svg.c), there is no script and no external
 * resource of any kind, so it opens offline, from a mail attachment or a
 * CI artefact, and it can be archived next to the JSON of the same run.
 * Data tables behind each chart sit in <details> elements: HTML, not
 * script, so they fold without JavaScript.
 *
 * Layout: a header (title, kind, metadata on one line), a navigation bar
 * that stays at the top (the report's sections, then its runs), then one
 * card per section; a section holding a headline is drawn as the lead, and
 * builders put it first, so a 1280x720 screen opens on it.  A compare or
 * replay report continues with one folded part per run (the policies),
 * each with its own metadata and sections, so the same document model
 * reads the same way for run, compare and replay.  Long preformatted text
 * (/proc files) and the migratetype colouring of a memory map are folded
 * too: the page is for reading the comparison first.
 *
 * Identifiers: a section is id="sec:PATH", a block id="blk:PATH", a run
 * (its <details>) id="run:LABEL", where PATH is the block path of report.h.  Ids in the
 * model are restricted to [A-Za-z0-9_.-], so these are valid HTML ids and
 * URL fragments; the SVGs carry no ids at all, so any number of them can
 * share the page.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "report_render.h"

/* ---- Style ---- */

static const char html_css[] =
	":root{color-scheme:light}\n"
	"body{margin:0;background:#f5f6f8;color:#1f2328;"
	"font:15px/1.45 system-ui,-apple-system,'Segoe UI','DejaVu Sans',Arial,sans-serif}\n"
	"header,nav,main,footer{max-width:1080px;margin:0 auto;padding:0 24px}\n"
	"header{padding-top:28px}\n"
	"h1{font-size:1.75em;margin:0 0 2px}\n"
	"h2{font-size:1.3em;margin:6px 0 10px;padding-bottom:4px;border-bottom:1px solid #e1e4e8}\n"
	"h3{font-size:1.05em;margin:20px 0 6px}\n"
	"h4{font-size:.98em;margin:18px 0 6px}\n"
	".kind{margin:0 0 12px;color:#57606a;font-size:.8em;letter-spacing:.08em;"
	"text-transform:uppercase}\n"
	"nav{margin-top:12px}\n"
	"nav ol{margin:4px 0;padding-left:22px}\n"
	"nav a,details summary{color:#0b5cad;text-decoration:none}\n"
	"section.sec{background:#fff;border:1px solid #dfe3e8;border-radius:8px;"
	"padding:10px 20px 18px;margin:18px 0}\n"
	"table{border-collapse:collapse;margin:4px 0 8px;font-size:.9em}\n"
	"th,td{padding:3px 10px;border-bottom:1px solid #eaecef;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f3f4f6;font-weight:600}\n"
	".n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"table.meta th,table.kv th{background:none;font-weight:normal;color:#57606a;"
	"padding-left:0}\n"
	".scroll{overflow-x:auto}\n"
	"pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:6px;"
	"padding:10px 12px;overflow-x:auto;font-size:.85em;line-height:1.35}\n"
	"figure{margin:8px 0}\n"
	"svg{display:block;max-width:100%;height:auto}\n"
	"details{margin:4px 0 10px}\n"
	"summary{cursor:pointer}\n"
	".refs{color:#57606a;font-size:.9em;margin:2px 0}\n"
	"footer{color:#6e7781;font-size:.8em;padding-bottom:28px}\n"
	"header{padding-top:16px}\n"
	"table.meta{display:flex;flex-wrap:wrap;gap:0 18px;margin:0}\n"
	"table.meta tbody,table.meta tr{display:contents}\n"
	"table.meta th,table.meta td{display:inline;border:0;padding:0 4px 0 0}\n"
	"nav.bar{position:sticky;top:0;z-index:1;background:#f5f6f8;"
	"border-bottom:1px solid #dfe3e8;padding:6px 24px;max-width:1032px}\n"
	"nav.bar a{margin-right:14px;white-space:nowrap}\n"
	"nav.bar span{color:#57606a;margin-right:8px}\n"
	"p.runnav a{margin-right:12px;white-space:nowrap}\n"
	"p.folded{color:#57606a}\n"
	"section.lead{border:2px solid #0072B2}\n"
	"ul.headline{margin:4px 0 6px;padding-left:20px;font-size:1.05em}\n"
	"ul.headline li{margin:3px 0}\n"
	"details.run{background:#fff;border:1px solid #dfe3e8;border-left:4px solid #0072B2;"
	"border-radius:8px;padding:6px 16px;margin:18px 0}\n"
	"details.run>summary{font-size:1.2em;font-weight:600;padding:4px 0}\n"
	"details.run section.sec{border:0;border-top:1px solid #e1e4e8;border-radius:0;"
	"padding:6px 0 10px;margin:6px 0}\n";

/* preformatted text longer than this many lines is folded */
#define HTML_PRE_FOLD 12

/* ---- Small pieces ---- */

static void html_text(struct rep_out *o, const char *s)
{
	rep_xml_text(o, s);
}

/* <tag class=...>text</tag> */
static void html_elem(struct rep_out *o, const char *tag, const char *attrs,
		      const char *text)
{
	rep_printf(o, "<%s%s%s>", tag, attrs && *attrs ? " " : "", attrs ? attrs : "");
	html_text(o, text);
	rep_printf(o, "</%s>\n", tag);
}

/* a value cell: numbers right-aligned */
static void html_td(struct rep_out *o, const struct rep_value *v,
		    unsigned decimals)
{
	char num[REP_NUMBUF];

	rep_puts(o, v->type == REPORT_TEXT ? "<td>" : "<td class=\"n\">");
	html_text(o, rep_human(v, decimals, num));
	rep_puts(o, "</td>");
}

static void html_num_td(struct rep_out *o, double v, unsigned decimals)
{
	char num[REP_NUMBUF];

	if (v != v)
		rep_puts(o, "<td class=\"n\">-</td>");
	else {
		rep_fmt_fixed(num, v, decimals);
		rep_printf(o, "<td class=\"n\">%s</td>", num);
	}
}

static void html_th(struct rep_out *o, const char *name, const char *unit,
		    bool num)
{
	rep_puts(o, num ? "<th class=\"n\">" : "<th>");
	html_text(o, name);
	if (unit && *unit) {
		rep_puts(o, " (");
		html_text(o, unit);
		rep_putc(o, ')');
	}
	rep_puts(o, "</th>");
}

static void html_items(struct rep_out *o, const char *cls,
		       const struct rep_item *it, size_t n)
{
	rep_printf(o, "<table class=\"%s\">\n", cls);
	for (size_t i = 0; i < n; i++) {
		char num[REP_NUMBUF];

		rep_puts(o, "<tr><th>");
		html_text(o, it[i].key);
		rep_puts(o, "</th><td>");
		html_text(o, rep_human(&it[i].v, it[i].v.decimals, num));
		if (*it[i].unit) {
			rep_putc(o, ' ');
			html_text(o, it[i].unit);
		}
		rep_puts(o, "</td></tr>\n");
	}
	rep_puts(o, "</table>\n");
}

/* ---- Blocks ---- */

static void html_table(struct rep_out *o, const struct report_table *t)
{
	rep_puts(o, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncols; c++)
		html_th(o, t->cols[c].name, t->cols[c].unit,
			t->cols[c].type != REPORT_TEXT);
	rep_puts(o, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		rep_puts(o, "<tr>");
		for (size_t c = 0; c < t->ncols; c++)
			html_td(o, &t->cells[r * t->ncols + c], t->cols[c].decimals);
		rep_puts(o, "</tr>\n");
	}
	rep_puts(o, "</tbody></table></div>\n");
}

static int html_series(struct rep_out *o, const struct report_series *ts)
{
	int rc;

	rep_puts(o, "<figure>\n");
	rc = rep_svg_block(o, &ts->b, REPORT_MAP_OWNER, false);
	rep_puts(o, "</figure>\n");
	if (ts->nrefs) {
		rep_puts(o, "<p class=\"refs\">Reference lines: ");
		for (size_t i = 0; i < ts->nrefs; i++) {
			char num[REP_NUMBUF];

			rep_fmt_fixed(num, ts->refs[i].y, ts->y_decimals);
			rep_puts(o, i ? ", " : "");
			html_text(o, ts->refs[i].name);
			rep_printf(o, " %s", num);
		}
		if (*ts->y_unit) {
			rep_putc(o, ' ');
			html_text(o, ts->y_unit);
		}
		rep_puts(o, "</p>\n");
	}
	rep_printf(o, "<details><summary>Data: %zu sample%s</summary>\n",
		   ts->nsamples, ts->nsamples == 1 ? "" : "s");
	rep_puts(o, "<div class=\"scroll\"><table>\n<thead><tr>");
	html_th(o, ts->xaxis == REPORT_X_TIME ? "time" : "operations", NULL, true);
	for (size_t l = 0; l < ts->nlines; l++)
		html_th(o, ts->lines[l].name, ts->y_unit, true);
	rep_puts(o, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < ts->nsamples; i++) {
		char num[REP_NUMBUF];

		if (ts->xaxis == REPORT_X_TIME)
			rep_fmt_ns(num, (int64_t)ts->x[i]);
		else
			rep_fmt_uint(num, ts->x[i]);
		rep_printf(o, "<tr><td class=\"n\">%s</td>", num);
		for (size_t l = 0; l < ts->nlines; l++)
			html_num_td(o, ts->lines[l].y[i], ts->y_decimals);
		rep_puts(o, "</tr>\n");
	}
	rep_puts(o, "</tbody></table></div></details>\n");
	return rc;
}

static int html_bars(struct rep_out *o, const struct report_bars *b)
{
	int rc;

	rep_puts(o, "<figure>\n");
	rc = rep_svg_block(o, &b->b, REPORT_MAP_OWNER, false);
	rep_puts(o, "</figure>\n<details><summary>Data</summary>\n");
	rep_puts(o, "<div class=\"scroll\"><table>\n<thead><tr><th>metric</th><th>unit</th>");
	for (size_t i = 0; i < b->nseries; i++)
		html_th(o, b->series[i], NULL, true);
	rep_puts(o, "</tr></thead>\n<tbody>\n");
	for (size_t c = 0; c < b->ncats; c++) {
		rep_puts(o, "<tr><td>");
		html_text(o, b->cats[c].name);
		rep_puts(o, "</td><td>");
		html_text(o, b->cats[c].unit);
		rep_puts(o, "</td>");
		for (size_t i = 0; i < b->nseries; i++)
			html_num_td(o, b->cats[c].values[i], b->cats[c].decimals);
		rep_puts(o, "</tr>\n");
	}
	rep_puts(o, "</tbody></table></div></details>\n");
	return rc;
}

static int html_memmap(struct rep_out *o, const struct report_memmap *m)
{
	int rc = SIM_OK;

	/* by owner in view; by migratetype folded under it */
	for (unsigned mode = 0; rc == SIM_OK && mode < REPORT_NR_MAP_MODES; mode++) {
		if (mode)
			rep_puts(o, "<details><summary>The same map by migratetype</summary>\n");
		rep_puts(o, "<figure>\n");
		rc = rep_svg_block(o, &m->b, (enum report_map_mode)mode, false);
		rep_puts(o, "</figure>\n");
		if (mode)
			rep_puts(o, "</details>\n");
	}
	return rc;
}

static int html_block(struct rep_out *o, const struct rep_where *w, int level)
{
	const struct rep_block *b = w->block;
	char path[REP_PATHBUF];

	rep_block_path(w, path);
	rep_printf(o, "<div class=\"block %s\" id=\"blk:%s\">\n",
		   report_block_type_name(b->type), path);
	/* charts carry their title inside the SVG */
	if (*b->title && b->type != REPORT_BLOCK_SERIES &&
	    b->type != REPORT_BLOCK_BARS && b->type != REPORT_BLOCK_MEMMAP) {
		rep_printf(o, "<h%d>", level);
		html_text(o, b->title);
		rep_printf(o, "</h%d>\n", level);
	}
	switch (b->type) {
	case REPORT_BLOCK_KV: {
		const struct report_kv *kv = (const struct report_kv *)b;

		html_items(o, "kv", kv->items, kv->nitems);
		break;
	}
	case REPORT_BLOCK_TABLE: {
		const struct report_table *t = (const struct report_table *)b;

		if (!t->headline) {
			html_table(o, t);
			break;
		}
		rep_puts(o, "<ul class=\"headline\">\n");
		for (size_t r = 0; r < t->nrows; r++) {
			if (!t->ncols || t->cells[r * t->ncols].missing)
				continue;
			rep_puts(o, "<li>");
			html_text(o, t->cells[r * t->ncols].u.s);
			rep_puts(o, "</li>\n");
		}
		rep_puts(o, "</ul>\n");
		break;
	}
	case REPORT_BLOCK_PRE: {
		const struct report_pre *p = (const struct report_pre *)b;
		size_t lines = 0;

		for (size_t i = 0; i < p->len; i++)
			lines += p->text[i] == '\n';
		/* a long /proc file is there to look up, not to scroll past */
		if (lines > HTML_PRE_FOLD)
			rep_printf(o, "<details><summary>%zu lines</summary>\n", lines);
		rep_puts(o, "<pre>");
		html_text(o, p->text);
		rep_puts(o, "</pre>\n");
		if (lines > HTML_PRE_FOLD)
			rep_puts(o, "</details>\n");
		break;
	}
	case REPORT_BLOCK_SERIES:
		if (html_series(o, (const struct report_series *)b) != SIM_OK)
			return SIM_ENOHOSTMEM;
		break;
	case REPORT_BLOCK_BARS:
		if (html_bars(o, (const struct report_bars *)b) != SIM_OK)
			return SIM_ENOHOSTMEM;
		break;
	case REPORT_BLOCK_MEMMAP:
		if (html_memmap(o, (const struct report_memmap *)b) != SIM_OK)
			return SIM_ENOHOSTMEM;
		break;
	default:
		return SIM_EINVAL;
	}
	rep_puts(o, "</div>\n");
	return SIM_OK;
}

/* ---- The page ---- */

static void html_head(struct rep_out *o, const char *title)
{
	rep_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		 "<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	rep_printf(o, "<meta name=\"generator\" content=\"kmemsim (%s version %d)\">\n",
		   REPORT_SCHEMA_NAME, REPORT_SCHEMA_VERSION);
	html_elem(o, "title", NULL, title);
	rep_printf(o, "<style>\n%s</style>\n</head>\n<body>\n", html_css);
}

static void html_foot(struct rep_out *o)
{
	rep_printf(o, "<footer>Written by kmemsim (%s version %d). Self-contained: "
		   "no scripts, no external resources.</footer>\n</body>\n</html>\n",
		   REPORT_SCHEMA_NAME, REPORT_SCHEMA_VERSION);
}

/* the navigation bar: the report's own sections, then its runs */
static void html_nav(struct rep_out *o, const struct report *r)
{
	rep_puts(o, "<nav class=\"bar\">");
	for (size_t i = 0; i < r->nsections; i++) {
		rep_printf(o, "<a href=\"#sec:%s\">", r->sections[i]->id);
		html_text(o, r->sections[i]->title);
		rep_puts(o, "</a>\n");
	}
	if (r->nruns)
		rep_puts(o, "<span>Runs:</span>\n");
	for (size_t i = 0; i < r->nruns; i++)
		rep_printf(o, "<a href=\"#run:%s\">%s</a>\n", r->runs[i].label,
			   r->runs[i].label);
	rep_puts(o, "</nav>\n");
}

/* a time series whose every value is zero (and no reference line): a
 * chart of it says less than its name in a list */
static bool html_all_zero(const struct rep_block *b)
{
	const struct report_series *ts = (const struct report_series *)b;

	if (b->type != REPORT_BLOCK_SERIES || ts->nrefs || !ts->nsamples)
		return false;
	for (size_t l = 0; l < ts->nlines; l++)
		for (size_t i = 0; i < ts->nsamples; i++)
			if (ts->lines[l].y[i] == ts->lines[l].y[i] && ts->lines[l].y[i] != 0)
				return false;
	return true;
}

/* a section holding a headline: drawn as the page's lead */
static bool html_is_lead(const struct report_section *s)
{
	for (size_t j = 0; j < s->nblocks; j++)
		if (s->blocks[j]->type == REPORT_BLOCK_TABLE &&
		    ((const struct report_table *)s->blocks[j])->headline)
			return true;
	return false;
}

static int html_sections(struct rep_out *o, const struct report *r,
			 const char *label, int level)
{
	struct rep_where w = { label ? r : NULL, label, NULL, NULL };
	int rc = SIM_OK;

	for (size_t i = 0; rc == SIM_OK && i < r->nsections; i++) {
		w.section = r->sections[i];
		rep_printf(o, "<section class=\"sec%s\" id=\"sec:%s%s%s\">\n<h%d>",
			   html_is_lead(w.section) ? " lead" : "",
			   label ? label : "", label ? "/" : "", w.section->id, level);
		html_text(o, w.section->title);
		rep_printf(o, "</h%d>\n", level);
		for (size_t j = 0; rc == SIM_OK && j < w.section->nblocks; j++) {
			size_t k = j;

			/* a run of charts with nothing but zeros: one line */
			while (k < w.section->nblocks && html_all_zero(w.section->blocks[k]))
				k++;
			if (k > j) {
				rep_puts(o, "<p class=\"folded\">all zero: ");
				for (size_t z = j; z < k; z++) {
					const struct rep_block *zb = w.section->blocks[z];

					rep_puts(o, z > j ? "; " : "");
					html_text(o, *zb->title ? zb->title : zb->id);
				}
				rep_puts(o, "</p>\n");
				j = k - 1;
				continue;
			}
			w.block = w.section->blocks[j];
			rc = html_block(o, &w, level + 1);
		}
		rep_puts(o, "</section>\n");
	}
	return rc;
}

static int html_render(struct rep_out *o, const struct report *r,
		const struct rep_where *only, enum report_map_mode mode)
{
	const char *title = *r->title ? r->title : "kmemsim report";
	int rc;

	(void)mode;
	if (only) {
		const char *bt = *only->block->title ? only->block->title : only->block->id;

		html_head(o, bt);
		rep_puts(o, "<main>\n<section class=\"sec\">\n");
		rc = html_block(o, only, 2);
		rep_puts(o, "</section>\n</main>\n");
		html_foot(o);
		return rc;
	}
	html_head(o, title);
	rep_puts(o, "<header>\n");
	html_elem(o, "h1", NULL, title);
	rep_printf(o, "<p class=\"kind\">%s report</p>\n", report_kind_name(r->kind));
	html_items(o, "meta", r->meta, r->nmeta);
	rep_puts(o, "</header>\n");
	html_nav(o, r);
	rep_puts(o, "<main>\n");
	rc = html_sections(o, r, NULL, 2);
	/* each policy's full run report, folded: the comparison above is what
	 * a reader came for; the runs are there to look things up */
	for (size_t i = 0; rc == SIM_OK && i < r->nruns; i++) {
		const struct report *run = r->runs[i].report;

		rep_printf(o, "<details class=\"run\" id=\"run:%s\">\n<summary>Run %s",
			   r->runs[i].label, r->runs[i].label);
		if (*run->title) {
			rep_puts(o, ": ");
			html_text(o, run->title);
		}
		rep_puts(o, "</summary>\n");
		html_items(o, "meta", run->meta, run->nmeta);
		rep_puts(o, "<p class=\"runnav\">");
		for (size_t k = 0; k < run->nsections; k++) {
			rep_printf(o, "<a href=\"#sec:%s/%s\">", r->runs[i].label,
				   run->sections[k]->id);
			html_text(o, run->sections[k]->title);
			rep_puts(o, "</a>\n");
		}
		rep_puts(o, "</p>\n");
		rc = html_sections(o, run, r->runs[i].label, 3);
		rep_puts(o, "</details>\n");
	}
	rep_puts(o, "</main>\n");
	html_foot(o);
	return rc;
}

const struct rep_renderer rep_html_renderer = {
	.fmt = REPORT_FMT_HTML,
	.whole = true,
	.render = html_render,
};

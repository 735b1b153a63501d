/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_steps.c - the step-through page: `kmemsim run SCENARIO --steps -o F.html`
 *
 * A classroom view of a scenario, one operation at a time: a slider (and
 * step/back buttons, arrow keys) over the operations the scenario did, and
 * at each step the memory map, /proc/buddyinfo, the slab lists of the cache
 * the step touched (the policy's own dump: per-CPU slabs, partial lists)
 * and the narration of that step (what --explain prints).  It stands in for
 * no kernel function: it watches the simulator's event stream (OP and NOTE
 * events, SLAB_* events for the cache touched) like --explain does.
 *
 * What is recorded, and why it stays small: each simulator's memory map is
 * stored whole once, before its first operation; every step then carries
 * only the cells it changed, with their old and new owner, so the page can
 * go forward and back by applying a step's changes either way.  Buddyinfo
 * is stored only when it changed; the slab lists only for a step that
 * touched a cache (at most STEPS_DUMP_LINES lines), the narration at most
 * STEPS_MAX_NOTES notes.  A map has at most STEPS_MAX_CELLS cells (a cell is
 * 2^order pages: its main user; free only if all its pages are, as the
 * report's memory map draws it).  The number of steps is capped (--steps=N,
 * default STEPS_DEFAULT); past it the page and stderr say how many
 * operations were left out.
 *
 * The page is one file: the data as JSON in a <script type=
 * "application/json"> element, about 100 lines of inline JavaScript and
 * CSS, no network.  A "large type" switch (key L) makes it readable on a
 * projector.  Nothing host-specific or time-dependent goes in: the same
 * scenario and seed give the same bytes.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_out.h"
#include "cmd_scenario.h"

#define STEPS_MAX_CELLS 16384	/* a 128 x 128 canvas at most */
#define STEPS_MAX_NOTES 40	/* narration lines kept per step */
#define STEPS_DUMP_LINES 48	/* slab list lines kept per step */

/* the memory map's cell codes: one character each (the page's legend) */
#define STEPS_NONE	'_'	/* a hole: no page */
#define STEPS_FREE	'.'
#define STEPS_PCP	','	/* free, on a per-CPU list */
#define STEPS_KERNEL	'k'
#define STEPS_PAGECACHE	'c'
#define STEPS_ANON	'a'
#define STEPS_RESERVED	'r'
#define STEPS_LARGE	'l'	/* a large kmalloc: whole pages */
#define STEPS_SLAB0	'A'	/* slab cache i: 'A' + i, up to STEPS_NR_SLAB */
#define STEPS_NR_SLAB	26
#define STEPS_SLAB_MORE	'*'	/* the 27th cache and later */

struct steps_buf {
	char *data;
	size_t len, cap;
	bool oom;
};

struct cmd_steps;

struct steps_sim {
	struct cmd_steps *st;	/* the recorder (the sink's closure) */
	unsigned index;		/* in st->sims */
	unsigned id;
	struct sim *sim;	/* NULL once closed */
	char policy[16];
	pfn_t base;
	unsigned co;		/* a cell is 2^co pages */
	uint64_t ncells;
	char *cells;		/* the map after the last recorded step */
	char *first;		/* the map before its first operation (JSON-ready) */
	char *names[STEPS_NR_SLAB];	/* slab caches by code */
	size_t nnames;
	char *buddy;		/* buddyinfo after the last recorded step */
	bool started;
};

struct steps_step {
	unsigned sim;		/* index into steps.sims */
	char *op;
	struct steps_buf notes;	/* JSON array items, comma-separated */
	size_t nnotes, dropped;
	struct steps_buf delta;	/* cell,old,new triples (JSON numbers and strings) */
	char *buddy;		/* NULL: unchanged */
	char *cache;		/* the cache touched last, NULL if none */
	char *dump;		/* its lists after the step */
	uint64_t cache_id;	/* SLAB_* events' cache id + 1; 0 none */
};

struct cmd_steps {
	const struct cmd_opts *o;
	unsigned cap;		/* steps recorded at most */
	struct steps_sim **sims;	/* by creation; each stays where it is */
	size_t nsims, sim_cap;
	struct steps_step *steps;
	size_t nsteps, scap;
	uint64_t ops;		/* operations seen, recorded or not */
	struct steps_step *open;	/* the step being narrated */
	bool oom;
};

/* ---- buffers ---- */

static void sb_put(struct steps_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void sb_str(struct steps_buf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_printf(struct steps_buf *b, const char *fmt, ...) sim_printf_like(2, 3);
static void sb_printf(struct steps_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* a JSON string; "</" is written "<\/" so that no text ends the <script> */
static void sb_json(struct steps_buf *b, const char *s)
{
	char prev = '\0';

	sb_put(b, "\"", 1);
	for (; *s; prev = *s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			sb_printf(b, "\\%c", ch);
		else if (ch == '\n')
			sb_str(b, "\\n");
		else if (ch < 0x20)
			sb_printf(b, "\\u%04x", ch);
		else if (ch == '/' && prev == '<')
			sb_str(b, "\\/");
		else
			sb_put(b, s, 1);
	}
	sb_put(b, "\"", 1);
}

/* ---- the memory map ---- */

static char steps_slab_code(struct steps_sim *ss, const char *name)
{
	for (size_t i = 0; i < ss->nnames; i++)
		if (strcmp(ss->names[i], name) == 0)
			return (char)(STEPS_SLAB0 + i);
	if (ss->nnames == STEPS_NR_SLAB)
		return STEPS_SLAB_MORE;
	ss->names[ss->nnames] = strdup(name);
	if (!ss->names[ss->nnames])
		return STEPS_SLAB_MORE;
	return (char)(STEPS_SLAB0 + ss->nnames++);
}

static char steps_code(struct steps_sim *ss, const struct sim_page_info *pi)
{
	const char *st = pi->state, *name;

	if (strcmp(st, "free") == 0)
		return STEPS_FREE;
	if (strcmp(st, "pcp") == 0)
		return STEPS_PCP;
	if (strcmp(st, "slab") == 0) {
		name = sim_page_cache_name(ss->sim, pi->head);
		return steps_slab_code(ss, name && *name ? name : "(no live objects)");
	}
	if (strcmp(st, "kmalloc_large") == 0)
		return STEPS_LARGE;
	if (strcmp(st, "pagecache") == 0)
		return STEPS_PAGECACHE;
	if (strcmp(st, "anon") == 0)
		return STEPS_ANON;
	if (strcmp(st, "reserved") == 0)
		return STEPS_RESERVED;
	return STEPS_KERNEL;
}

static bool steps_is_free(char c)
{
	return c == STEPS_FREE || c == STEPS_PCP || c == STEPS_NONE;
}

/* the map now into @out (ss->ncells codes): each cell's main user */
static void steps_map(struct steps_sim *ss, char *out)
{
	uint64_t tally[128];
	pfn_t end = ss->base + (ss->ncells << ss->co);

	for (uint64_t c = 0; c < ss->ncells; c++) {
		pfn_t pfn = ss->base + (c << ss->co), stop = pfn + ((pfn_t)1 << ss->co);
		char best = STEPS_NONE;

		memset(tally, 0, sizeof tally);
		while (pfn < stop && pfn < end) {
			struct sim_page_info pi;
			pfn_t next;
			char code;

			if (sim_page_info(ss->sim, pfn, &pi) != SIM_OK) {
				pfn++;
				continue;
			}
			next = pi.head + ((pfn_t)1 << pi.order);
			if (next > stop)
				next = stop;
			if (next <= pfn)
				next = pfn + 1;
			code = steps_code(ss, &pi);
			tally[(unsigned char)code & 127] += next - pfn;
			pfn = next;
		}
		/* the user with the most pages; free only if every page is */
		for (unsigned k = 0; k < 128; k++) {
			if (!tally[k])
				continue;
			if (best == STEPS_NONE ||
			    (steps_is_free(best) && !steps_is_free((char)k)) ||
			    (steps_is_free(best) == steps_is_free((char)k) &&
			     tally[k] > tally[(unsigned char)best]))
				best = (char)k;
		}
		out[c] = best;
	}
}

static char *steps_buddyinfo(struct steps_sim *ss)
{
	char *text = NULL;

	if (sim_proc_read(ss->sim, "buddyinfo", &text) != SIM_OK)
		return NULL;
	return text;
}

static void steps_sim_init(struct steps_sim *ss)
{
	pfn_t lo = (pfn_t)-1, hi = 0;

	for (size_t i = 0; i < sim_zone_count(ss->sim); i++) {
		struct sim_zone_info z;

		if (sim_zone_info(ss->sim, i, &z) != SIM_OK || !z.spanned)
			continue;
		if (z.start_pfn < lo)
			lo = z.start_pfn;
		if (z.start_pfn + z.spanned > hi)
			hi = z.start_pfn + z.spanned;
	}
	if (hi <= lo)
		lo = hi = 0;
	ss->co = 0;
	while (((hi - lo + ((pfn_t)1 << ss->co) - 1) >> ss->co) > STEPS_MAX_CELLS)
		ss->co++;
	ss->base = lo & ~(((pfn_t)1 << ss->co) - 1);
	ss->ncells = (hi - ss->base + ((pfn_t)1 << ss->co) - 1) >> ss->co;
}

/* ---- recording ---- */

static void steps_text(void *ud, const char *s, size_t n)
{
	sb_put(ud, s, n);
}

/* the open step is over: what changed, buddyinfo, the touched cache's lists */
static void steps_close_step(struct cmd_steps *st)
{
	struct steps_step *sp = st->open;
	struct steps_sim *ss;
	char *now;

	if (!sp)
		return;
	st->open = NULL;
	ss = st->sims[sp->sim];
	now = malloc(ss->ncells ? ss->ncells : 1);
	if (!now) {
		st->oom = true;
		return;
	}
	steps_map(ss, now);
	for (uint64_t c = 0; c < ss->ncells; c++) {
		if (now[c] == ss->cells[c])
			continue;
		sb_printf(&sp->delta, "%s%llu,\"%c\",\"%c\"", sp->delta.len ? "," : "",
			  (unsigned long long)c, ss->cells[c], now[c]);
	}
	free(ss->cells);
	ss->cells = now;
	{
		char *b = steps_buddyinfo(ss);

		if (b && (!ss->buddy || strcmp(b, ss->buddy) != 0)) {
			free(ss->buddy);
			ss->buddy = b;
			sp->buddy = strdup(b);
		} else {
			free(b);
		}
	}
	if (sp->cache_id) {
		/* the handle of cache id N is N + 1 in its low 32 bits (sim.h) */
		for (size_t i = 0; i < sim_cache_count(ss->sim); i++) {
			sim_cache_t h = sim_cache_at(ss->sim, i);
			struct sim_cache_info info;
			struct steps_buf d = { 0 };
			size_t lines = 0, cut = 0;

			if ((h & 0xffffffffu) != sp->cache_id)
				continue;
			if (sim_cache_get_info(ss->sim, h, &info) != SIM_OK)
				break;
			sp->cache = strdup(info.name);
			sim_cache_dump(ss->sim, h, steps_text, &d);
			for (size_t k = 0; d.data && k < d.len; k++)
				if (d.data[k] == '\n' && ++lines == STEPS_DUMP_LINES) {
					cut = k + 1;
					break;
				}
			if (cut && cut < d.len) {
				size_t more = 0;

				for (size_t k = cut; k < d.len; k++)
					more += d.data[k] == '\n';
				d.len = cut;
				d.data[cut] = '\0';
				sb_printf(&d, "... (%zu more lines)\n", more);
			}
			sp->dump = d.data;
			break;
		}
	}
	if (sp->delta.oom || sp->notes.oom)
		st->oom = true;
}

static void steps_sink(void *ud, const struct sim_event *ev)
{
	struct steps_sim *ss = ud;
	struct cmd_steps *st = ss->st;
	struct steps_step *sp = st->open;

	switch (ev->type) {
	case SIM_EV_OP:
		break;
	case SIM_EV_NOTE:
		if (!sp || sp->sim != ss->index || !ev->str)
			return;
		if (sp->nnotes == STEPS_MAX_NOTES) {
			sp->dropped++;
			return;
		}
		if (sp->nnotes++)
			sb_put(&sp->notes, ",", 1);
		sb_json(&sp->notes, ev->str);
		return;
	case SIM_EV_SLAB_ALLOC:
	case SIM_EV_SLAB_FREE:
		if (sp && sp->sim == ss->index && ev->b < UINT32_MAX)
			sp->cache_id = ev->b + 1;
		return;
	case SIM_EV_SLAB_NEW:
	case SIM_EV_SLAB_DISCARD:
	case SIM_EV_SLAB_REFILL:
		if (sp && sp->sim == ss->index && ev->a < UINT32_MAX)
			sp->cache_id = ev->a + 1;
		return;
	default:
		return;
	}
	/* an operation starts: the one before it is over */
	steps_close_step(st);
	st->ops++;
	if (st->nsteps == st->cap || st->oom)
		return;
	if (!ss->started) {
		/* the map before the simulator's first operation */
		ss->cells = malloc(ss->ncells ? ss->ncells : 1);
		ss->first = malloc(ss->ncells + 1);
		if (!ss->cells || !ss->first) {
			st->oom = true;
			return;
		}
		steps_map(ss, ss->cells);
		memcpy(ss->first, ss->cells, ss->ncells);
		ss->first[ss->ncells] = '\0';
		ss->buddy = steps_buddyinfo(ss);
		ss->started = true;
	}
	if (st->nsteps == st->scap) {
		size_t cap = st->scap ? 2 * st->scap : 64;
		struct steps_step *n = realloc(st->steps, cap * sizeof *n);

		if (!n) {
			st->oom = true;
			return;
		}
		st->steps = n;
		st->scap = cap;
	}
	sp = &st->steps[st->nsteps++];
	memset(sp, 0, sizeof *sp);
	sp->sim = ss->index;
	sp->op = strdup(ev->str ? ev->str : "(an operation)");
	if (!sp->op)
		st->oom = true;
	st->open = sp;
}

int cmd_steps_new(struct cmd_steps **out, const struct cmd_opts *o, unsigned cap)
{
	struct cmd_steps *st = calloc(1, sizeof *st);

	*out = st;
	if (!st)
		return -1;
	st->o = o;
	st->cap = cap;
	return 0;
}

void cmd_steps_created(void *ud, unsigned id, struct sim *sim)
{
	struct cmd_steps *st = ud;
	struct steps_sim *ss;

	if (st->nsims == st->sim_cap) {
		size_t cap = st->sim_cap ? 2 * st->sim_cap : 4;
		struct steps_sim **n = realloc(st->sims, cap * sizeof *n);

		if (!n) {
			st->oom = true;
			return;
		}
		st->sims = n;
		st->sim_cap = cap;
	}
	ss = calloc(1, sizeof *ss);
	if (!ss) {
		st->oom = true;
		return;
	}
	ss->st = st;
	ss->index = (unsigned)st->nsims;
	ss->id = id;
	ss->sim = sim;
	snprintf(ss->policy, sizeof ss->policy, "%s", sim_get_config(sim)->policy);
	steps_sim_init(ss);
	st->sims[st->nsims++] = ss;
	if (sim_sink_add(sim, steps_sink, ss) != SIM_OK)
		st->oom = true;
}

void cmd_steps_closing(void *ud, unsigned id, struct sim *sim)
{
	struct cmd_steps *st = ud;

	(void)id;
	for (size_t i = 0; i < st->nsims; i++) {
		struct steps_sim *ss = st->sims[i];

		if (ss->sim != sim)
			continue;
		if (st->open && st->open->sim == ss->index)
			steps_close_step(st);
		sim_sink_remove(sim, steps_sink, ss);
		ss->sim = NULL;
	}
}

void cmd_steps_free(struct cmd_steps *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nsteps; i++) {
		struct steps_step *sp = &st->steps[i];

		free(sp->op);
		free(sp->notes.data);
		free(sp->delta.data);
		free(sp->buddy);
		free(sp->cache);
		free(sp->dump);
	}
	free(st->steps);
	for (size_t i = 0; i < st->nsims; i++) {
		struct steps_sim *ss = st->sims[i];

		free(ss->cells);
		free(ss->first);
		free(ss->buddy);
		for (size_t k = 0; k < ss->nnames; k++)
			free(ss->names[k]);
		free(ss);
	}
	free(st->sims);
	free(st);
}

/* ---- the page ---- */

/*
 * The page: HTML, CSS and the JavaScript that reads the data (one
 * <script type="application/json"> element) and draws each step: the
 * memory map on a canvas (each step's changes applied forward or back),
 * buddyinfo, the narration and the slab lists.  No network, no library.
 */
static const char STEPS_PAGE_HEAD1[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>";
static const char STEPS_PAGE_HEAD2[] =
	"</title>\n"
	"<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}\n"
	"header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:6px 12px;z-index:1}\n"
	"h1{font-size:1.1em;margin:0 0 4px}\n"
	"#bar{display:flex;gap:6px;align-items:center;flex-wrap:wrap}\n"
	"#bar button{font:inherit;min-width:2.4em}\n"
	"#slider{flex:1;min-width:200px}\n"
	"#pos{font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"main{display:grid;grid-template-columns:minmax(300px,auto) 1fr;gap:12px;padding:12px}\n"
	"section{background:#fff;border:1px solid #ddd;border-radius:4px;padding:8px;margin-bottom:12px}\n"
	"h2{font-size:1em;margin:0 0 6px}\n"
	"pre{font:12px/1.3 ui-monospace,monospace;margin:0;white-space:pre;overflow-x:auto}\n"
	"#op{font:bold 1em ui-monospace,monospace}\n"
	"#notes{margin:4px 0 0;padding-left:1.2em}\n"
	"#notes li{font:0.95em ui-monospace,monospace}\n"
	"#legend span{display:inline-block;margin:0 8px 2px 0;font-size:0.9em}\n"
	"#legend i{display:inline-block;width:0.9em;height:0.9em;vertical-align:middle;margin-right:3px;border:1px solid #999}\n"
	"canvas{image-rendering:pixelated;border:1px solid #999;max-width:100%}\n"
	".note{color:#a40}\n"
	"body.large{font-size:24px}\n"
	"body.large pre,body.large #notes li{font-size:20px}\n"
	"body.large main{grid-template-columns:1fr}\n"
	"body.large main>div:last-child{order:-1}\n"
	"</style></head>\n"
	"<body>\n"
	"<header><h1 id=\"title\"></h1>\n"
	"<div id=\"bar\"><button id=\"first\" title=\"first step (Home)\">|&#x25C0;</button>\n"
	"<button id=\"back\" title=\"back (&#x2190;)\">&#x25C0;</button>\n"
	"<input id=\"slider\" type=\"range\" min=\"0\" value=\"0\" aria-label=\"step\">\n"
	"<button id=\"next\" title=\"step (&#x2192;)\">&#x25B6;</button>\n"
	"<button id=\"last\" title=\"last step (End)\">&#x25B6;|</button>\n"
	"<span id=\"pos\"></span>\n"
	"<label><input id=\"large\" type=\"checkbox\"> large type (L)</label></div>\n"
	"<div id=\"more\" class=\"note\"></div></header>\n"
	"<main><div><section><h2 id=\"maptitle\">Memory map</h2>\n"
	"<canvas id=\"map\"></canvas><div id=\"legend\"></div></section>\n"
	"<section><h2>/proc/buddyinfo</h2><pre id=\"buddy\"></pre></section></div>\n"
	"<div><section><h2>This step</h2><div id=\"op\"></div><ol id=\"notes\"></ol></section>\n"
	"<section><h2 id=\"liststitle\">Slab lists</h2><pre id=\"lists\"></pre></section></div></main>\n"
	"<script type=\"application/json\" id=\"steps-data\">\n";
static const char STEPS_PAGE_TAIL[] =
	"\n"
	"</script>\n"
	"<script>\n"
	"\"use strict\";\n"
	"(function () {\n"
	"var D = JSON.parse(document.getElementById(\"steps-data\").textContent);\n"
	"var S = D.steps, $ = function (id) { return document.getElementById(id); };\n"
	"var COL = {\"_\": \"#fff\", \".\": \"#e8f5e9\", \",\": \"#c8e6c9\", \"k\": \"#616161\", \"c\": \"#64b5f6\",\n"
	"  \"a\": \"#ffb74d\", \"r\": \"#212121\", \"l\": \"#ba68c8\", \"*\": \"#8d6e63\"};\n"
	"var NAME = {\"_\": \"no page\", \".\": \"free\", \",\": \"free (per-CPU list)\", \"k\": \"kernel\",\n"
	"  \"c\": \"page cache\", \"a\": \"anonymous\", \"r\": \"reserved\", \"l\": \"large kmalloc\", \"*\": \"other slab caches\"};\n"
	"var HUE = [0, 140, 220, 30, 280, 180, 330, 90, 250, 60, 200, 310, 10, 160, 240, 45];\n"
	"function slabColour(k) { var i = k.charCodeAt(0) - 65;\n"
	"  return \"hsl(\" + HUE[i % HUE.length] + \",\" + (i < 16 ? 75 : 45) + \"%,\" + (i < 16 ? 45 : 35) + \"%)\"; }\n"
	"function colour(k) { return COL[k] || slabColour(k); }\n"
	"var maps = D.sims.map(function (s) { return s.map.split(\"\"); });\n"
	"var shownSim = -1, cur = -1;\n"
	"var buddy = [], last = {};\n"
	"S.forEach(function (st, i) { if (st.buddyinfo !== undefined) last[st.sim] = st.buddyinfo;\n"
	"  buddy[i] = last[st.sim] || \"\"; });\n"
	"function apply(i, forward) { var d = S[i].d, m = maps[S[i].sim];\n"
	"  for (var k = 0; k < d.length; k += 3) m[d[k]] = forward ? d[k + 2] : d[k + 1]; }\n"
	"function draw(si) { var s = D.sims[si], m = maps[si], cv = $(\"map\");\n"
	"  var cols = s.cells > 4096 ? 128 : 64, rows = Math.ceil(s.cells / cols);\n"
	"  var big = document.body.classList.contains(\"large\");\n"
	"  var px = Math.max(2, Math.min(Math.floor((big ? 1200 : 640) / cols), Math.floor((big ? 480 : 400) / rows)));\n"
	"  if (cv.width !== cols * px || cv.height !== rows * px) { cv.width = cols * px; cv.height = rows * px; }\n"
	"  var g = cv.getContext(\"2d\");\n"
	"  for (var c = 0; c < s.cells; c++) { g.fillStyle = colour(m[c]);\n"
	"    g.fillRect((c % cols) * px, Math.floor(c / cols) * px, px, px); }\n"
	"  $(\"maptitle\").textContent = \"Memory map of sim#\" + s.id + \" (\" + s.policy + \"): \" +\n"
	"    (s.cell_pages > 1 ? \"one cell per \" + s.cell_pages + \" pages, its main user\" : \"one cell per page\") +\n"
	"    \", pfn 0x\" + s.base_pfn.toString(16) + \" upward, \" + cols + \" cells a row\";\n"
	"  var seen = {}, lg = $(\"legend\");\n"
	"  lg.textContent = \"\";\n"
	"  for (c = 0; c < s.cells; c++) seen[m[c]] = 1;\n"
	"  Object.keys(seen).sort().forEach(function (k) { var e = document.createElement(\"span\"),\n"
	"    sw = document.createElement(\"i\"); sw.style.background = colour(k); e.appendChild(sw);\n"
	"    e.appendChild(document.createTextNode(NAME[k] || \"slab: \" + (s.caches[k.charCodeAt(0) - 65] || \"?\")));\n"
	"    lg.appendChild(e); });\n"
	"}\n"
	"function show(t) {\n"
	"  t = Math.max(0, Math.min(S.length - 1, t | 0));\n"
	"  while (cur < t) apply(++cur, true);\n"
	"  while (cur > t) apply(cur--, false);\n"
	"  var st = S[t], s = D.sims[st.sim];\n"
	"  $(\"slider\").value = t;\n"
	"  $(\"pos\").textContent = \"step \" + (t + 1) + \" of \" + S.length;\n"
	"  $(\"op\").textContent = (D.sims.length > 1 ? \"sim#\" + s.id + \": \" : \"\") + st.op;\n"
	"  var ol = $(\"notes\"); ol.textContent = \"\";\n"
	"  st.notes.forEach(function (n) { var li = document.createElement(\"li\"); li.textContent = n; ol.appendChild(li); });\n"
	"  $(\"buddy\").textContent = buddy[t];\n"
	"  $(\"liststitle\").textContent = st.cache ? \"Slab lists of \" + st.cache + \" after this step\" : \"Slab lists\";\n"
	"  $(\"lists\").textContent = st.cache ? st.lists : \"(this step touched no slab cache)\";\n"
	"  draw(st.sim);\n"
	"  document.body.setAttribute(\"data-step\", t);\n"
	"}\n"
	"$(\"title\").textContent = \"kmemsim: \" + D.scenario + \" (seed \" + D.seed + \")\";\n"
	"if (D.operations > D.shown) $(\"more\").textContent = \"The page shows the first \" + D.shown +\n"
	"  \" of \" + D.operations + \" operations (kmemsim run --steps=N shows more).\";\n"
	"if (!S.length) { $(\"op\").textContent = \"The scenario did no operation.\"; return; }\n"
	"$(\"slider\").max = S.length - 1;\n"
	"$(\"slider\").addEventListener(\"input\", function () { show(+this.value); });\n"
	"$(\"first\").onclick = function () { show(0); };\n"
	"$(\"back\").onclick = function () { show(cur - 1); };\n"
	"$(\"next\").onclick = function () { show(cur + 1); };\n"
	"$(\"last\").onclick = function () { show(S.length - 1); };\n"
	"function large(on) { document.body.classList.toggle(\"large\", on); $(\"large\").checked = on; draw(S[cur].sim); }\n"
	"$(\"large\").onchange = function () { large(this.checked); };\n"
	"if (location.hash === \"#large\") large(true);\n"
	"document.addEventListener(\"keydown\", function (e) {\n"
	"  if (e.target.tagName === \"INPUT\" && e.target.type === \"range\" && /Arrow/.test(e.key)) return;\n"
	"  var k = e.key;\n"
	"  if (k === \"ArrowRight\" || k === \" \" || k === \"n\") show(cur + 1);\n"
	"  else if (k === \"ArrowLeft\" || k === \"Backspace\" || k === \"p\") show(cur - 1);\n"
	"  else if (k === \"PageDown\") show(cur + 10);\n"
	"  else if (k === \"PageUp\") show(cur - 10);\n"
	"  else if (k === \"Home\") show(0);\n"
	"  else if (k === \"End\") show(S.length - 1);\n"
	"  else if (k === \"l\" || k === \"L\") large(!document.body.classList.contains(\"large\"));\n"
	"  else return;\n"
	"  e.preventDefault();\n"
	"});\n"
	"show(0);\n"
	"})();\n"
	"</script>\n"
	"</body></html>\n";

static void steps_data(struct cmd_steps *st, struct steps_buf *b)
{
	const struct cmd_opts *o = st->o;

	sb_str(b, "{\"kmemsim\":");
	sb_json(b, PACKAGE_VERSION);
	sb_str(b, ",\"scenario\":");
	sb_json(b, cmd_scenario_name(o));
	sb_printf(b, ",\"seed\":%llu", (unsigned long long)o->rt.seed);
	sb_printf(b, ",\"operations\":%llu,\"shown\":%zu", (unsigned long long)st->ops,
		  st->nsteps);
	sb_str(b, ",\"sims\":[");
	for (size_t i = 0; i < st->nsims; i++) {
		struct steps_sim *ss = st->sims[i];

		sb_printf(b, "%s{\"id\":%u,\"policy\":", i ? "," : "", ss->id);
		sb_json(b, ss->policy);
		sb_printf(b, ",\"base_pfn\":%llu,\"cell_pages\":%llu,\"cells\":%llu,\"map\":",
			  (unsigned long long)ss->base, 1ULL << ss->co,
			  (unsigned long long)ss->ncells);
		sb_json(b, ss->first ? ss->first : "");
		sb_str(b, ",\"caches\":[");
		for (size_t k = 0; k < ss->nnames; k++) {
			if (k)
				sb_put(b, ",", 1);
			sb_json(b, ss->names[k]);
		}
		sb_str(b, "]}");
	}
	sb_str(b, "],\"steps\":[");
	for (size_t i = 0; i < st->nsteps; i++) {
		struct steps_step *sp = &st->steps[i];

		sb_printf(b, "%s\n{\"sim\":%u,\"op\":", i ? "," : "", sp->sim);
		sb_json(b, sp->op);
		sb_str(b, ",\"notes\":[");
		if (sp->notes.data)
			sb_put(b, sp->notes.data, sp->notes.len);
		if (sp->dropped)
			sb_printf(b, "%s\"... and %zu more notes\"", sp->nnotes ? "," : "",
				  sp->dropped);
		sb_str(b, "],\"d\":[");
		if (sp->delta.data)
			sb_put(b, sp->delta.data, sp->delta.len);
		sb_str(b, "]");
		if (sp->buddy) {
			sb_str(b, ",\"buddyinfo\":");
			sb_json(b, sp->buddy);
		}
		if (sp->cache) {
			sb_str(b, ",\"cache\":");
			sb_json(b, sp->cache);
			sb_str(b, ",\"lists\":");
			sb_json(b, sp->dump ? sp->dump : "");
		}
		sb_str(b, "}");
	}
	sb_str(b, "]}");
}

int cmd_steps_write(struct cmd_steps *st, const char *path)
{
	struct steps_buf data = { 0 }, title = { 0 };
	struct cmd_out out;
	int rc = 0;

	if (st->oom) {
		fprintf(stderr, "kmemsim: cannot build the step-through page: out of host memory\n");
		return -1;
	}
	if (st->ops > st->nsteps)
		fprintf(stderr, "kmemsim: the step-through page shows the first %zu of %llu "
			"operations (--steps=N shows more)\n", st->nsteps,
			(unsigned long long)st->ops);
	steps_data(st, &data);
	sb_str(&title, "kmemsim steps: ");
	sb_str(&title, cmd_scenario_name(st->o));
	if (data.oom || title.oom) {
		fprintf(stderr, "kmemsim: cannot build the step-through page: out of host memory\n");
		rc = -1;
		goto out;
	}
	if (cmd_out_open(&out, path, "kmemsim") != 0) {
		rc = -1;
		goto out;
	}
	cmd_out_write(&out, STEPS_PAGE_HEAD1, strlen(STEPS_PAGE_HEAD1));
	{
		/* the title, HTML-escaped */
		for (const char *p = title.data; *p; p++) {
			const char *e = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" :
					*p == '&' ? "&amp;" : NULL;

			if (e)
				cmd_out_write(&out, e, strlen(e));
			else
				cmd_out_write(&out, p, 1);
		}
	}
	cmd_out_write(&out, STEPS_PAGE_HEAD2, strlen(STEPS_PAGE_HEAD2));
	cmd_out_write(&out, data.data, data.len);
	cmd_out_write(&out, STEPS_PAGE_TAIL, strlen(STEPS_PAGE_TAIL));
	if (cmd_out_close(&out) != 0)
		rc = -1;
out:
	free(data.data);
	free(title.data);
	return rc;
}

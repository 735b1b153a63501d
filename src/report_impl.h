/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_impl.h - the report document's layout and the renderers' helpers
 *
 * Only report*.c (and the report unit test) include this.  It describes
 * the document and the helpers every renderer shares; the renderers' own
 * entry points are in report_render.h, which the document never includes.  The structs are
 * the document exactly as the builders left it; renderers read them and
 * never change them.  Helpers are grouped by the file that defines them, as
 * in mimalloc's internal header.
 *
 * Layout invariants (checked by report_validate()):
 *   table   cells has nrows * ncols entries, row-major; cell i has the type
 *           of column i % ncols
 *   series  x has nsamples entries, non-decreasing; every line's y has
 *           nsamples entries (NAN = gap); refs are finite
 *   bars    every category has nseries values
 *   memmap  cells has ncells entries; zones ascend and do not overlap;
 *           a SLAB cell's detail < ncaches, a FREE cell's <= SIM_MAX_ORDER
 *   ids     unique among siblings, [A-Za-z0-9_.-]{1,REPORT_MAX_ID}
 */
#ifndef SIM_REPORT_IMPL_H
#define SIM_REPORT_IMPL_H

#include "report.h"
#include "sim.h"

/* ---- The document ---- */

/* A stored value: like struct report_value, but owning its string. */
struct rep_value {
	uint8_t type;		/* enum report_type */
	uint8_t decimals;
	bool missing;
	union {
		int64_t i;
		double d;
		char *s;
	} u;
};

/* A key-value item (metadata and key-value blocks). */
struct rep_item {
	char *key;
	char *unit;		/* "" for none, never NULL */
	struct rep_value v;
};

/* Common head of every block; each block struct starts with one. */
struct rep_block {
	enum report_block_type type;
	struct report *owner;	/* for the sticky status */
	char *id;
	char *title;		/* "" for none */
};

struct report_kv {
	struct rep_block b;
	struct rep_item *items;
	size_t nitems, cap;
};

struct rep_column {
	char *name;
	char *unit;
	uint8_t type;
	uint8_t decimals;
};

struct report_table {
	struct rep_block b;
	struct rep_column *cols;
	size_t ncols, colcap;
	struct rep_value *cells;	/* nrows * ncols, row-major */
	size_t nrows, rowcap;		/* rowcap counts rows */
	bool headline;			/* report_headline(): findings, first column in words */
};

struct report_pre {
	struct rep_block b;
	char *text;			/* NUL-terminated, len bytes */
	size_t len, cap;
};

struct rep_line {
	char *name;
	double *y;			/* cap entries allocated, nsamples used */
};

struct rep_ref {
	char *name;
	double y;
};

struct report_series {
	struct rep_block b;
	enum report_xaxis xaxis;
	char *y_label;
	char *y_unit;
	unsigned y_decimals;
	uint64_t *x;
	size_t nsamples, cap;
	struct rep_line *lines;
	size_t nlines, linecap;
	struct rep_ref *refs;
	size_t nrefs, refcap;
};

struct rep_category {
	char *name;
	char *unit;
	unsigned decimals;
	double *values;			/* nseries entries, NAN = none */
};

struct report_bars {
	struct rep_block b;
	char **series;
	size_t nseries, seriescap;
	struct rep_category *cats;
	size_t ncats, catcap;
};

struct rep_cell {
	uint8_t owner;			/* enum report_owner */
	uint8_t mt;			/* enum migratetype; MIGRATE_TYPES = none */
	uint16_t detail;		/* FREE: order; SLAB: cache index */
};

struct rep_zone {
	char *name;
	uint64_t first, count;
};

struct report_memmap {
	struct rep_block b;
	pfn_t start_pfn;
	unsigned cell_order;
	uint64_t ncells;
	struct rep_cell *cells;
	char **caches;
	size_t ncaches, cachecap;
	struct rep_zone *zones;
	size_t nzones, zonecap;
};

struct report_section {
	struct report *owner;
	char *id;
	char *title;
	struct rep_block **blocks;
	size_t nblocks, cap;
};

struct rep_run {
	char *label;
	struct report *report;
};

struct report {
	enum report_kind kind;
	char *title;
	struct rep_item *meta;
	size_t nmeta, metacap;
	struct report_section **sections;
	size_t nsections, seccap;
	struct rep_run *runs;
	size_t nruns, runcap;
	bool is_run;			/* owned by a parent: no runs of its own */
	int status;			/* first failure, SIM_OK if none */
	char error[192];
};

/* A located block: where it is, for ids and headings. */
struct rep_where {
	const struct report *run;	/* the run report, or NULL at top level */
	const char *run_label;		/* NULL at top level */
	const struct report_section *section;
	const struct rep_block *block;
};

/* ---- Output ("report_fmt.c") ---- */

/* Renderers write through this; it wraps a report_buf. */
struct rep_out {
	struct report_buf *buf;
};

void rep_put(struct rep_out *o, const char *s, size_t n);
void rep_puts(struct rep_out *o, const char *s);
void rep_putc(struct rep_out *o, char c);
void rep_printf(struct rep_out *o, const char *fmt, ...) sim_printf_like(2, 3);
void rep_pad(struct rep_out *o, size_t n);	/* n spaces */

/* Text of numbers, locale-free.  Buffers of REP_NUMBUF bytes suffice. */
#define REP_NUMBUF 48
size_t rep_fmt_int(char *buf, int64_t v);
size_t rep_fmt_uint(char *buf, uint64_t v);
/* fixed decimals, rounding half away from zero; "nan", "inf", "-inf" */
size_t rep_fmt_fixed(char *buf, double v, unsigned decimals);
/* fixed, then trailing zeros and a bare point dropped (SVG coordinates) */
size_t rep_fmt_coord(char *buf, double v);
/* "512 B", "4.0 KiB", "1.5 MiB": kmemsim.util.fmt_bytes */
size_t rep_fmt_bytes(char *buf, int64_t v);
/* "750 ns", "12.5 us", "3.20 ms", "1.500 s": kmemsim.util.fmt_time */
size_t rep_fmt_ns(char *buf, int64_t v);
/*
 * struct rep_unit - how one metric's numbers are shown to people: divided
 * by @div and labelled @unit.  Bytes take binary prefixes (KiB, MiB), ns
 * take us/ms/s, anything else keeps its unit and, when @suffix, gets
 * k/M/G on large numbers.  Chosen once per metric from its largest
 * magnitude, so all its numbers share one unit.
 */
struct rep_unit {
	double div;
	const char *unit;	/* a constant, or the unit given (not copied) */
	bool suffix;
};
void rep_pick_unit(const char *unit, double maxabs, struct rep_unit *u);
/* three significant digits, never fewer than a non-zero value needs to
 * differ from zero ("0.0074"); "k"/"M"/"G" past 10^4 when @suffix */
size_t rep_fmt_sig(char *buf, double v, bool suffix);
/* "1.82 MiB", "98.3 us", "11309 pages", "50.3%": a value and its unit */
size_t rep_fmt_amount(char *buf, double v, const char *unit);
/* a value for people (text, HTML): units applied, missing is "-", text is
 * returned as it is; otherwise formatted into @buf (REP_NUMBUF bytes) */
const char *rep_human(const struct rep_value *v, unsigned decimals, char *buf);
/* a value for machines (JSON, CSV): exact integers, fixed reals, text as it
 * is; NULL for a missing value (JSON null, an empty CSV field) */
const char *rep_plain(const struct rep_value *v, unsigned decimals, char *buf);
/* the decimals a stored value is printed with: its column's for tables
 * (@col_decimals >= 0), else its own */
#define REP_DECIMALS(v, col) ((col) >= 0 ? (unsigned)(col) : (unsigned)(v)->decimals)

/* Escapes.  Input is valid UTF-8 (the model guarantees it). */
void rep_json_string(struct rep_out *o, const char *s);
/* XML/HTML character data and attribute values; control characters that
 * XML cannot carry at all become U+FFFD */
void rep_xml_text(struct rep_out *o, const char *s);
void rep_csv_field(struct rep_out *o, const char *s);

/* length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if none */
size_t rep_utf8_seq(const unsigned char *s, size_t n);
/* display width of a UTF-8 string in code points */
size_t rep_utf8_width(const char *s);

/* ---- The model ("report.c") ---- */

const char *rep_type_name(enum report_type type);
const char *rep_owner_name(enum report_owner owner);
char rep_owner_char(enum report_owner owner);
const char *rep_owner_label(enum report_owner owner);	/* for people: "page cache" */
const char *rep_mt_name(unsigned mt);	/* "Unmovable", ...; NULL for none */
const char *rep_xaxis_name(enum report_xaxis x);	/* "time_ns", "ops" */
/* record SIM_ENOHOSTMEM as @r's first failure, at @where; returns it */
int rep_oom(struct report *r, const char *where);
/** report_validate - check the layout invariants above; SIM_OK or SIM_EBUG */
int report_validate(const struct report *r);
/** rep_find_block - the block at @path ("[run/]section/block") */
bool rep_find_block(const struct report *r, const char *path,
		    struct rep_where *w);
/*
 * Memory map groups: each zone, and each run of cells outside every zone
 * (name ""), in cell order.  A map has at most 2 * nzones + 1 of them;
 * rep_memmap_groups() fills @out and returns how many.
 */
struct rep_group {
	const char *name;
	uint64_t first, count;
};
size_t rep_memmap_groups(const struct report_memmap *m, struct rep_group *out);
/* pfn of the first page of cell @i */
static inline pfn_t rep_cell_pfn(const struct report_memmap *m, uint64_t i)
{
	return m->start_pfn + (i << m->cell_order);
}
/* "name (unit)" or "name": a column or axis heading */
void rep_heading(struct rep_out *o, const char *name, const char *unit);
/* the "[run/]section/block" path of @w into @buf (REP_PATHBUF bytes) */
#define REP_PATHBUF (3 * (REPORT_MAX_ID + 1))
void rep_block_path(const struct rep_where *w, char *buf);

/* ---- Chart geometry ("report_svg.c") ---- */

/*
 * struct rep_scale - a "nice" axis: ticks at k * step for k in [kmin, kmax],
 * step = mant * 10^exp10 with mant in {1, 2, 5}.  Tick labels are made
 * from the integers k * mant and exp10, never from a rounded double.
 */
struct rep_scale {
	double lo, hi;		/* axis bounds: kmin * step, kmax * step */
	double step;
	int64_t kmin, kmax;
	unsigned mant;
	int exp10;
};

/** rep_nice_scale - an axis covering [min, max] with about @target ticks */
void rep_nice_scale(double min, double max, unsigned target,
		    struct rep_scale *s);
/** rep_tick_label - the label of tick @k ("0", "2.5", "250k", "1.5M") */
size_t rep_tick_label(const struct rep_scale *s, int64_t k, char *buf);

/* time axis: the unit in which to label [0, max_ns] and its ns per unit */
const char *rep_time_unit(double max_ns, double *per_unit);

/* The palette (Okabe & Ito, 2008: distinguishable with any colour-vision
 * deficiency); line i uses colour i % REP_NR_COLOURS and, beyond that,
 * dash pattern i / REP_NR_COLOURS. */
#define REP_NR_COLOURS 8
extern const char *const rep_palette[REP_NR_COLOURS];
const char *rep_owner_colour(const struct rep_cell *c);
const char *rep_mt_colour(unsigned mt);

#endif /* SIM_REPORT_IMPL_H */

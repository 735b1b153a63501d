/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h - the report model: one document, built once, rendered by format
 *
 * Glossary:
 *   report    an ordered document: a title, a kind (run, compare, replay),
 *             metadata (key -> value, insertion order), sections and, for
 *             compare and replay, the run reports of each policy ("runs")
 *   section   a titled group of blocks, in insertion order
 *   block     one piece of content: a key-value list, a table, preformatted
 *             text, a time series, a bar group or a memory map
 *   value     a typed datum (integer, real with fixed decimals, text, bytes,
 *             percent, nanoseconds); stored once, formatted by renderers
 *   id        a machine name ([A-Za-z0-9_.-], 1..63 chars) unique among its
 *             siblings; "run/section/block" paths name blocks for renderers
 *             that draw one block (SVG, single-table CSV) and are the JSON
 *             and HTML identifiers
 *   cell      one square of a memory map: a page or a pageblock (2^cell_order
 *             pages), with an owner class and a migratetype
 *
 * Why one model.  Every number a run reports is put into the document once,
 * by the layer that knows it, as data: a column of integers, a series of
 * samples.  The renderers (report_text.c, report_json.c, report_csv.c,
 * report_svg.c, report_html.c) only format what is there: they never ask
 * the simulator anything, never total, average or reorder, so the text, the
 * JSON and the pictures of one run cannot disagree.  Layout decisions
 * (where a tick goes, how wide a column is) are the renderers'; data
 * decisions (which cache owns a pageblock, what to sample) are the builders'.
 *
 * Determinism.  Everything is kept in insertion order (no hashing), numbers
 * are formatted without printf's %f (no locale, no host differences), and no
 * host pointer ever reaches the output.  The same document renders to the
 * same bytes on every machine.
 *
 * Building.  report_new() makes an empty document; report_section() appends
 * a section; report_table(), report_series() ... append blocks to a section
 * and return a handle to fill.  Sections and blocks may be created early
 * and filled later: a run can create its report at boot with the sections
 * in display order, keep the series handle, append a sample every N
 * operations, and add the end-of-run tables when it stops.  Handles stay
 * valid until report_free().
 *
 * Failure semantics.  Every builder call either succeeds completely or
 * changes nothing.  Failures are SIM_EINVAL (misuse: bad id, duplicate id,
 * wrong number or type of cells, NULL handle) and SIM_ENOHOSTMEM.  The first
 * failure is also remembered by the report (report_status() and
 * report_error() say what and where), so a builder may skip checking each
 * call and check once at the end; a function that returns a handle returns
 * NULL on failure, and passing that NULL on is harmless (SIM_EINVAL, no
 * effect).  Once a report has failed it stays failed: renderers refuse it
 * with its status, so an incomplete report is never mistaken for a whole
 * one.
 *
 * Rendering.  report_render() writes a whole report (or one block) in a
 * format to a caller-given sink, a write(ud, bytes, n) function: the engine
 * never opens files and never prints.  struct report_buf is a ready-made
 * sink that grows a string in host memory.  The JSON layout is documented
 * and versioned in docs/report-schema.md (REPORT_SCHEMA_VERSION).
 *
 * Strings given to the builders are copied.  Bytes that are not valid UTF-8
 * are stored as U+FFFD, so every output is valid UTF-8.
 */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simdefs.h"

/* ---- Types ---- */

struct report;			/* the document */
struct report_section;		/* a section of a report */
struct report_kv;		/* block: key-value list */
struct report_table;		/* block: table with typed columns */
struct report_pre;		/* block: preformatted text (/proc files) */
struct report_series;		/* block: time series, drawn as a line chart */
struct report_bars;		/* block: bar groups, drawn as bar charts */
struct report_memmap;		/* block: physical memory map */

/* What the report is about; each kind is rendered the same way. */
enum report_kind {
	REPORT_RUN,		/* one scenario on one simulator */
	REPORT_COMPARE,		/* one scenario under several policies */
	REPORT_REPLAY,		/* one kernel trace replayed under policies */
	REPORT_NR_KINDS
};

/*
 * Value types.  X(NAME, "json name").  Integers are exact (int64_t); reals
 * are doubles printed with a fixed number of decimals; percent is a real
 * that already is a percentage (12.5 means 12.5 %); bytes and ns are
 * integers that text and HTML show with binary or time units ("4.0 KiB",
 * "12.5 us") while JSON and CSV keep them exact.
 */
#define REPORT_TYPE_LIST(X) \
	X(INT,     "int") \
	X(REAL,    "real") \
	X(TEXT,    "text") \
	X(BYTES,   "bytes") \
	X(PERCENT, "percent") \
	X(NS,      "ns")

enum report_type {
#define REPORT_X_TYPE(n, s) REPORT_##n,
	REPORT_TYPE_LIST(REPORT_X_TYPE)
#undef REPORT_X_TYPE
	REPORT_NR_TYPES
};

/*
 * struct report_value - one typed value handed to a builder
 *
 * Make them with the RV_* macros below.  @decimals counts for REAL and
 * PERCENT values in key-value lists and metadata; in tables the column's
 * decimals win.  @missing stands for "no value" (JSON null, an empty CSV
 * field, "-" in text).  @s is copied by the builder.
 */
struct report_value {
	enum report_type type;
	unsigned decimals;		/* 0..REPORT_MAX_DECIMALS */
	bool missing;
	union {
		int64_t i;		/* INT, BYTES, NS */
		double d;		/* REAL, PERCENT */
		const char *s;		/* TEXT */
	} u;
};

/* The kinds of blocks, in the order the JSON schema lists them. */
enum report_block_type {
	REPORT_BLOCK_KV,
	REPORT_BLOCK_TABLE,
	REPORT_BLOCK_PRE,
	REPORT_BLOCK_SERIES,
	REPORT_BLOCK_BARS,
	REPORT_BLOCK_MEMMAP,
	REPORT_NR_BLOCK_TYPES
};

/* The x axis of a time series. */
enum report_xaxis {
	REPORT_X_TIME,		/* virtual time in ns (sim_now()) */
	REPORT_X_OPS,		/* operations performed */
	REPORT_NR_XAXES
};

/*
 * Owner classes of a memory map cell.  X(NAME, "json name", text char).
 * A pageblock cell holding several kinds of pages shows the class its
 * builder chose (usually the most pages; the builder decides, renderers
 * never look inside a cell).  FREE cells carry the order of the free block
 * that covers them; SLAB cells carry a cache index.
 */
#define REPORT_OWNER_LIST(X) \
	X(NONE,      "none",      '_')	/* a hole: no managed page here */ \
	X(FREE,      "free",      '.')	/* text shows free cells by order digit */ \
	X(SLAB,      "slab",      's') \
	X(PAGECACHE, "pagecache", 'c') \
	X(ANON,      "anon",      'a') \
	X(RESERVED,  "reserved",  'r')	/* memblock reserved, never managed */ \
	X(KERNEL,    "kernel",    'k')	/* other kernel pages (page tables, alloc_pages) */

enum report_owner {
#define REPORT_X_OWNER(n, s, c) REPORT_OWNER_##n,
	REPORT_OWNER_LIST(REPORT_X_OWNER)
#undef REPORT_X_OWNER
	REPORT_NR_OWNERS
};

/* How a memory map is coloured. */
enum report_map_mode {
	REPORT_MAP_OWNER,	/* by owner class (free by order, slab by cache) */
	REPORT_MAP_MIGRATETYPE,	/* by pageblock migratetype */
	REPORT_NR_MAP_MODES
};

enum report_format {
	REPORT_FMT_TEXT,	/* /proc formats verbatim, aligned summary tables */
	REPORT_FMT_JSON,	/* docs/report-schema.md */
	REPORT_FMT_CSV,		/* RFC 4180 tables and time series */
	REPORT_FMT_HTML,	/* one self-contained file, SVGs inline */
	REPORT_FMT_SVG,		/* one chart block (needs a block path) */
	REPORT_NR_FORMATS
};

/* A sink: receives the output in pieces, in order.  It cannot fail; a sink
 * that can (a file) remembers its own error for the caller to check. */
typedef void (*report_write_fn)(void *ud, const char *s, size_t n);

/*
 * struct report_opts - what report_render() draws, beyond the format
 * @block: NULL for the whole report, or a block path "section/block"
 *         ("run/section/block" inside a compare or replay report).  Needed
 *         for REPORT_FMT_SVG; optional for CSV (one strict RFC 4180 table)
 *         and for text, JSON and HTML (just that block).
 * @map_mode: the colouring of a memory map drawn as SVG on its own (HTML
 *         and whole-report output always show both)
 */
struct report_opts {
	const char *block;
	enum report_map_mode map_mode;
};

/*
 * struct report_buf - a growable string, and a sink that appends to it
 * Start from REPORT_BUF_INIT (or zeroes).  @data is NUL-terminated whenever
 * @len > 0.  A failed host allocation sets @failed and drops that and every
 * later write, so the text is never silently cut in the middle.
 */
struct report_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

/* ---- Implemented as macros ---- */

#define RV_INT(v)	((struct report_value){ .type = REPORT_INT, .u.i = (v) })
#define RV_REAL(v, dec)	((struct report_value){ .type = REPORT_REAL, .decimals = (dec), .u.d = (v) })
#define RV_TEXT(str)	((struct report_value){ .type = REPORT_TEXT, .u.s = (str) })
#define RV_BYTES(v)	((struct report_value){ .type = REPORT_BYTES, .u.i = (v) })
#define RV_PERCENT(v, dec) ((struct report_value){ .type = REPORT_PERCENT, .decimals = (dec), .u.d = (v) })
#define RV_NS(v)	((struct report_value){ .type = REPORT_NS, .u.i = (v) })
/* a missing value of type @t (JSON null); fits any column of that type */
#define RV_NONE(t)	((struct report_value){ .type = (t), .missing = true })

/* REPORT_ROW(t, RV_TEXT("DMA"), RV_INT(3), ...): report_row() with a count */
#define REPORT_ROW(t, ...) \
	report_row((t), (const struct report_value[]){ __VA_ARGS__ }, \
		   sizeof((const struct report_value[]){ __VA_ARGS__ }) / \
		   sizeof(struct report_value))

#define REPORT_BUF_INIT	{ NULL, 0, 0, false }

/* ---- The document ---- */

/**
 * report_new - an empty report
 * @kind: run, compare or replay
 * @title: shown as the heading of every rendering (copied; NULL = "")
 *
 * Return: the report, or NULL when host memory is exhausted (or @kind is out
 * of range).
 */
struct report *report_new(enum report_kind kind, const char *title);

/** report_free - release @r, its sections, blocks and runs (NULL ok) */
void report_free(struct report *r);

/**
 * report_status - SIM_OK, or the first failure any builder call on @r met
 * (including calls on its sections and blocks)
 */
int report_status(const struct report *r);

/** report_error - what the first failure was, naming the block ("" if none) */
const char *report_error(const struct report *r);

enum report_kind report_kind(const struct report *r);
const char *report_kind_name(enum report_kind kind);	/* "run", ... or NULL */

/**
 * report_meta - set metadata @key (kmemsim version, seed, policy, ...)
 *
 * A new key is appended; an existing key keeps its place and gets the new
 * value.  Return: SIM_OK, SIM_EINVAL (empty key, bad value type), or
 * SIM_ENOHOSTMEM; on failure the metadata is unchanged.
 */
int report_meta(struct report *r, const char *key, struct report_value v);

/**
 * report_section - append a section
 * @id: machine name, unique among @r's sections
 * @title: heading (copied; NULL = the id)
 *
 * Return: the section, or NULL (bad or duplicate id, host OOM) with the
 * report's status set.
 */
struct report_section *report_section(struct report *r, const char *id,
				      const char *title);

/**
 * report_find_section - the section named @id, or NULL
 * Lets a layer add its blocks to a section another layer created.
 */
struct report_section *report_find_section(struct report *r, const char *id);

/**
 * report_add_run - make @child one of @parent's runs (a policy of a compare)
 * @label: the run's id ("slub"), unique among @parent's runs
 *
 * @parent takes ownership of @child on success only.  Runs are rendered
 * after the parent's own sections, in the order they were added.
 * Return: SIM_OK; SIM_EINVAL if @child is NULL, failed, already has runs
 * of its own, or @label is bad or taken; SIM_ENOHOSTMEM.
 */
int report_add_run(struct report *parent, const char *label,
		   struct report *child);

/* ---- Blocks ---- */

/*
 * Each constructor appends a block to @s and returns it, or NULL (bad or
 * duplicate @id, NULL @s, host OOM) with the report's status set.  @title
 * is the block's caption (copied; NULL = none).
 */

struct report_kv *report_kv(struct report_section *s, const char *id,
			    const char *title);
/**
 * report_kv_add - append "key: value unit" to a key-value list
 * @unit: shown after the value ("pages"); NULL or "" for none
 * Return: SIM_OK, SIM_EINVAL (NULL @kv, empty key), SIM_ENOHOSTMEM.
 */
int report_kv_add(struct report_kv *kv, const char *key,
		  struct report_value v, const char *unit);

struct report_table *report_table(struct report_section *s, const char *id,
				  const char *title);
/**
 * report_column - append a column to @t
 * @type: the type every cell of the column has
 * @decimals: digits after the point for REAL and PERCENT (0..9)
 * @unit: shown in the header ("name (unit)"); NULL or "" for none
 *
 * Return: SIM_OK; SIM_EINVAL once @t has rows, or on a bad type or
 * decimals; SIM_ENOHOSTMEM.
 */
int report_column(struct report_table *t, const char *name,
		  enum report_type type, unsigned decimals, const char *unit);
/**
 * report_row - append a row of @n cells, one per column, in column order
 *
 * Each cell's type must be its column's type (RV_NONE(type) for a gap).
 * Return: SIM_OK; SIM_EINVAL (wrong count or type, no columns);
 * SIM_ENOHOSTMEM; the table is unchanged on failure.
 */
int report_row(struct report_table *t, const struct report_value *cells,
	       size_t n);

/**
 * report_pre - append preformatted text, rendered verbatim
 * @text: the initial text (copied; NULL = empty); /proc/buddyinfo and
 *        friends go here exactly as the kernel prints them
 */
struct report_pre *report_pre(struct report_section *s, const char *id,
			      const char *title, const char *text);
/** report_pre_append - add @len bytes to @p; SIM_OK, SIM_EINVAL, SIM_ENOHOSTMEM */
int report_pre_append(struct report_pre *p, const char *text, size_t len);

/**
 * report_series - append a time series (a line chart)
 * @xaxis: what x counts (virtual ns or operations)
 * @y_label: what the lines measure ("free pages"); @y_unit its unit
 * @y_decimals: digits printed after the point for y values (0..9)
 */
struct report_series *report_series(struct report_section *s, const char *id,
				    const char *title, enum report_xaxis xaxis,
				    const char *y_label, const char *y_unit,
				    unsigned y_decimals);
/**
 * report_series_line - add a named line; returns its index (>= 0) or a
 * negative status.  Lines added after samples have no value (a gap) at the
 * earlier samples, so a cache created half way through a run starts there.
 */
int report_series_line(struct report_series *ts, const char *name);
/**
 * report_series_ref - add a horizontal reference line (a watermark) at @y
 * Return: SIM_OK, SIM_EINVAL (non-finite @y), SIM_ENOHOSTMEM.
 */
int report_series_ref(struct report_series *ts, const char *name, double y);
/**
 * report_series_sample - append one sample: @y[i] is line i's value at @x
 * @n: how many leading lines have a value; the rest (and any NAN in @y)
 *     are gaps in their lines
 *
 * Return: SIM_OK; SIM_EINVAL if @x is below the previous sample's x, or
 * @n exceeds the number of lines, or a value is infinite; SIM_ENOHOSTMEM.
 */
int report_series_sample(struct report_series *ts, uint64_t x,
			 const double *y, size_t n);

/**
 * report_bars - append a bar group: categories are metrics, one bar per
 * series (policy) in each.  Each category is drawn on its own scale, so
 * pages, nanoseconds and percentages can share one chart.
 */
struct report_bars *report_bars(struct report_section *s, const char *id,
				const char *title);
/** report_bars_series - add a series (a policy); only before any category */
int report_bars_series(struct report_bars *b, const char *name);
/**
 * report_bars_category - add a metric with one value per series
 * @values: @n values, @n == the number of series; NAN for "no value"
 * Return: SIM_OK; SIM_EINVAL (wrong @n, infinite value, bad decimals);
 * SIM_ENOHOSTMEM.
 */
int report_bars_category(struct report_bars *b, const char *name,
			 const char *unit, unsigned decimals,
			 const double *values, size_t n);

/**
 * report_headline - append the headline: the figures of bar group @from
 * that differ most between its series (policies), in words and numbers
 * @leads: names of categories, the command's main cost in order of
 *        preference (NULL-terminated, or NULL): the first of them in which
 *        the series differ beyond noise is listed first
 * @max: at most this many findings
 *
 * A table with columns finding (the sentence), metric, unit, lowest,
 * lowest value, highest, highest value, spread; renderers show it as the
 * report's lead (text: a list of sentences; JSON: "role": "headline").
 * Computed from @from's values when called: add it after the bar group is
 * complete.  Return: the table, or NULL with the report's status set.
 */
struct report_table *report_headline(struct report_section *s, const char *id,
				     const char *title,
				     const struct report_bars *from,
				     const char *const *leads, size_t max);

/**
 * report_overlay - append a time series with one line per run of @r
 * @path: the series in each run ("section/block")
 * @line: the line of it to take, or NULL for the sum of all its lines
 *
 * The runs' lines share one x axis (the union of their samples; a run's
 * last sample holds until its next) and one y scale; reference lines are
 * kept when every run has the same.  Call it once @r's runs are added.
 * Return: the series; NULL when no run has that series (nothing is added)
 * or on failure (the report's status set).
 */
struct report_series *report_overlay(struct report_section *s, const char *id,
				     const char *title, const struct report *r,
				     const char *path, const char *line);

/**
 * report_memmap - append a memory map of @nr_cells cells
 * @start_pfn: pfn of cell 0
 * @cell_order: each cell is 2^@cell_order pages (0: pages,
 *              SIM_PAGEBLOCK_ORDER: pageblocks)
 *
 * Every cell starts as a hole (REPORT_OWNER_NONE, no migratetype).
 * @nr_cells must be 1..REPORT_MEMMAP_MAX_CELLS; pick the cell order so a
 * map stays below a few ten thousand cells.
 */
struct report_memmap *report_memmap(struct report_section *s, const char *id,
				    const char *title, pfn_t start_pfn,
				    uint64_t nr_cells, unsigned cell_order);
/**
 * report_memmap_zone - declare zone @name over cells [@first, @first+@count)
 * Zones are declared in ascending order and do not overlap; cells outside
 * every zone are drawn in an unnamed group.
 * Return: SIM_OK, SIM_EINVAL (overlap, out of range, out of order),
 * SIM_ENOHOSTMEM.
 */
int report_memmap_zone(struct report_memmap *m, const char *name,
		       uint64_t first, uint64_t count);
/**
 * report_memmap_cache - the index of slab cache @name in @m's legend,
 * added on first use; >= 0, or a negative status
 */
int report_memmap_cache(struct report_memmap *m, const char *name);
/**
 * report_memmap_set - give cells [@first, @first+@count) an owner
 * @detail: the free block's order (0..SIM_MAX_ORDER) for FREE, the cache
 *          index from report_memmap_cache() for SLAB, 0 otherwise
 * @mt: the pageblock's migratetype, or MIGRATE_TYPES for none
 *
 * Return: SIM_OK, SIM_EINVAL (range, class, detail or migratetype out of
 * range), nothing changed on failure.
 */
int report_memmap_set(struct report_memmap *m, uint64_t first, uint64_t count,
		      enum report_owner owner, unsigned detail,
		      enum migratetype mt);

/* ---- Rendering ---- */

/**
 * report_render - write @r (or one block of it) as @fmt to @write
 * @opts: which block and map colouring; NULL for the whole report
 *
 * Output is complete or absent: on failure nothing has been written.
 * Return: SIM_OK; the report's status if it failed while being built;
 * SIM_ENOENT if @opts->block names no block; SIM_EINVAL if the format
 * cannot show that block (SVG of a table, CSV of preformatted text) or SVG
 * was asked for the whole report; SIM_ENOHOSTMEM.
 */
int report_render(const struct report *r, enum report_format fmt,
		  const struct report_opts *opts, report_write_fn write,
		  void *ud);

/**
 * report_render_buf - report_render() appending to @buf
 * Return: as report_render(), or SIM_ENOHOSTMEM if @buf failed to grow.
 */
int report_render_buf(const struct report *r, enum report_format fmt,
		      const struct report_opts *opts, struct report_buf *buf);

/**
 * report_foreach_block - call @fn with the path and type of every block, in
 * rendering order (the report's sections, then each run's)
 * Lets a caller write one SVG file per chart.
 */
void report_foreach_block(const struct report *r,
			  void (*fn)(void *ud, const char *path,
				     enum report_block_type type),
			  void *ud);

/** report_format_name - "text", "json", "csv", "html", "svg" (NULL if none) */
const char *report_format_name(enum report_format fmt);
/** report_format_parse - the format called @name; SIM_EINVAL if unknown */
int report_format_parse(const char *name, enum report_format *fmt);
/** report_block_type_name - "kv", "table", "pre", "series", "bars", "memmap" */
const char *report_block_type_name(enum report_block_type type);

/* ---- Growable strings ---- */

/** report_buf_write - the report_write_fn that appends to a struct report_buf */
void report_buf_write(void *ud, const char *s, size_t n);
/** report_buf_release - free @buf's memory and make it empty again */
void report_buf_release(struct report_buf *buf);

/* ---- Constants ---- */

#define REPORT_SCHEMA_NAME	"kmemsim-report"
#define REPORT_SCHEMA_VERSION	1	/* bump on any incompatible JSON change */
#define REPORT_MAX_ID		63	/* bytes in an id */
#define REPORT_MAX_DECIMALS	9	/* a fixed real fits in int64 up to 1e9 */
#define REPORT_MEMMAP_MAX_CELLS	(UINT64_C(1) << 20)

#endif /* SIM_REPORT_H */

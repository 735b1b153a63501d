/* SPDX-License-Identifier: GPL-2.0-or-later */
/* trace.h - kernel kmem trace text: reader, parser, interning, ordering
 *
 * Glossary:
 *   line     one '\n'-terminated record of trace text (the terminator is
 *            not part of it; a last line without one is still a line)
 *   event    one kmem tracepoint hit (kmalloc, kfree, mm_page_alloc, ...)
 *            decoded into a struct trace_event
 *   string id  a small integer naming an interned string; ids are dense,
 *            per kind (comm, call site, cache name, gfp text, event name),
 *            assigned in first-seen order, and 0 always means "absent"
 *   disorder how far an event's timestamp lies behind the largest timestamp
 *            read before it, in nanoseconds
 *
 * The four parts, in the order data flows through them:
 *   struct trace_input    input bytes -> chunks of text (trace_input.h: format
 *                         detection, .gz .xz .zst .bz2, trace.dat)
 *   struct trace_reader   chunks -> lines
 *   struct trace_parser   lines -> struct trace_event, plus statistics
 *   trace_events_sort()   an array of events -> timestamp order (stable)
 *   struct trace_reorder  the same, streaming, with a bounded time window
 *
 * Nothing here prints, exits or keeps global state.  Every function states
 * what it does on failure; host allocation failure never leaves a half-made
 * object behind.  The text formats accepted, and why, are described at the
 * top of trace.c.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simdefs.h"

/* ---- Types ---- */

/* The kmem tracepoints kmemsim replays, in include/trace/events/kmem.h
 * order.  kmalloc_node and kmem_cache_alloc_node exist only in kernels
 * before 6.1 (6.1 folded them into kmalloc/kmem_cache_alloc with node=);
 * they are decoded exactly like their node-less twins. */
enum trace_ev_type {
	TRACE_KMALLOC,
	TRACE_KMALLOC_NODE,
	TRACE_KFREE,
	TRACE_KMEM_CACHE_ALLOC,
	TRACE_KMEM_CACHE_ALLOC_NODE,
	TRACE_KMEM_CACHE_FREE,
	TRACE_MM_PAGE_ALLOC,
	TRACE_MM_PAGE_FREE,
	TRACE_MM_PAGE_FREE_BATCHED,
	TRACE_NR_TYPES
};

/* Namespaces of interned strings.  Each has its own dense id space, so that
 * a replay can index plain arrays by cache id or call-site id. */
enum trace_str_kind {
	TRACE_STR_COMM,		/* task name ("bash", "<idle>", "kworker/0:1") */
	TRACE_STR_CALLSITE,	/* call_site= text ("alloc_fdtable+0x55/0x140") */
	TRACE_STR_CACHE,	/* name= of kmem_cache_* ("vmap_area") */
	TRACE_STR_GFP,		/* gfp_flags= text ("GFP_KERNEL|__GFP_ZERO") */
	TRACE_STR_EVENT,	/* names of events that are not replayed */
	TRACE_NR_STR_KINDS
};

/* Which shape a line had (struct trace_event.shape). */
enum trace_shape {
	TRACE_SHAPE_FTRACE,	/* comm-pid [cpu] flags ts: event: ... (also trace-cmd) */
	TRACE_SHAPE_PERF,	/* comm pid [cpu] ts: sys:event: ... */
	TRACE_SHAPE_PERF_NOCPU,	/* comm pid ts: sys:event: ... (perf without -a) */
	TRACE_NR_SHAPES
};

/*
 * struct trace_event - one decoded kmem event
 *
 * Fields a tracepoint does not print keep the defaults listed here, so every
 * event is fully defined.  Invariants:
 *   type < TRACE_NR_TYPES;  shape < TRACE_NR_SHAPES;
 *   gfp == 0 whenever (flags & TRACE_EVF_GFP_UNKNOWN);
 *   gfp_id == 0 exactly when the line had no gfp_flags=;
 *   ptr == 0 means NULL (kfree(NULL) is legal and does occur).
 */
struct trace_event {
	uint64_t ts_ns;		/* timestamp, exact integer nanoseconds */
	uint64_t ptr;		/* ptr= (slab events) or page= (mm_page_*): the
				 * kernel's hashed %p value, an identity only */
	uint64_t pfn;		/* pfn= of mm_page_*; SIM_PFN_NONE otherwise */
	uint64_t lineno;	/* line number given to trace_parse_line() */
	uint32_t bytes_req;	/* bytes_req= (0 when absent) */
	uint32_t bytes_alloc;	/* bytes_alloc= (0 when absent) */
	gfp_t gfp;		/* gfp_flags= decoded by gfp_parse() (0 when absent) */
	uint32_t gfp_id;	/* TRACE_STR_GFP id of the gfp_flags= text (0 absent) */
	uint32_t call_site;	/* TRACE_STR_CALLSITE id (0 absent) */
	uint32_t cache;		/* TRACE_STR_CACHE id of name= (0 absent) */
	uint32_t comm;		/* TRACE_STR_COMM id of the task name */
	int32_t pid;		/* task pid (the thread id) */
	int32_t node;		/* node=; -1 (NUMA_NO_NODE) when absent */
	uint16_t cpu;		/* [CPU]; TRACE_CPU_UNKNOWN for perf without -a */
	uint8_t type;		/* enum trace_ev_type */
	uint8_t order;		/* order= of mm_page_* (0 when absent) */
	int8_t migratetype;	/* migratetype=; -1 when absent */
	bool accounted;		/* accounted=true (false when absent) */
	uint8_t shape;		/* enum trace_shape the line had */
	uint8_t flags;		/* TRACE_EVF_* */
};

/* Parser statistics, one X-macro list (mimalloc's MI_STAT_FIELDS habit) so
 * the struct, any reset and any report can never disagree.
 * Equation: lines == events + skipped + other_events + malformed. */
#define TRACE_STAT_FIELDS(X) \
	X(lines,	"lines given to the parser") \
	X(bytes,	"bytes of those lines, terminators excluded") \
	X(events,	"kmem events produced") \
	X(skipped,	"non-event lines: '#' headers, blanks, tool banners, call chains") \
	X(other_events,	"well-formed events of other tracepoints") \
	X(malformed,	"lines that could not be decoded") \
	X(gfp_unknown,	"events whose gfp_flags= text gfp_parse() rejected") \
	X(no_cpu,	"events without a [CPU] column (perf script of a task)") \
	X(lost_events,	"events the tracer said it lost (CPU:N [LOST n EVENTS])")

struct trace_stats {
#define TRACE_X_FIELD(f, d) uint64_t f;
	TRACE_STAT_FIELDS(TRACE_X_FIELD)
#undef TRACE_X_FIELD
	uint64_t per_type[TRACE_NR_TYPES];	/* events by enum trace_ev_type */
};

/* One remembered malformed line (the first TRACE_MAX_PROBLEMS are kept).
 * The two sizes are here, not with the other constants, because the
 * struct needs them. */
#define TRACE_MAX_PROBLEMS	5	/* malformed lines remembered verbatim */
#define TRACE_EXCERPT_MAX	96	/* bytes of such a line kept */

struct trace_problem {
	uint64_t lineno;
	const char *reason;	/* static text, e.g. "bad number in bytes_req=" */
	char excerpt[TRACE_EXCERPT_MAX + 1];	/* line start, non-printables as '?' */
};

struct trace_parser;	/* interning tables, statistics; opaque */
struct trace_input;	/* trace_input.h */
struct trace_reader;	/* an input being cut into lines; opaque */
struct trace_reorder;	/* a streaming reorder buffer; opaque */

/* ---- Parser ---- */

/**
 * trace_parser_new - create a parser with empty string tables
 *
 * Return: the parser, or NULL when host memory is exhausted.
 */
struct trace_parser *trace_parser_new(void);

/** trace_parser_free - release a parser and every string it interned (NULL ok) */
void trace_parser_free(struct trace_parser *p);

/**
 * trace_parse_line - decode one line of trace text
 * @p: parser
 * @line: the line; need not be NUL-terminated and may contain NUL bytes
 * @len: its length, without the '\n' (a trailing '\r' is tolerated)
 * @lineno: number stored in the event and in problem reports
 * @out: filled when an event is produced; left untouched otherwise
 *
 * Never reads outside [line, line + len).  Updates the statistics.
 *
 * Return: TRACE_LINE_EVENT (1) when @out holds an event, TRACE_LINE_SKIPPED
 * (0) for headers, blank lines, tool banners and events of other
 * tracepoints, TRACE_LINE_MALFORMED (-1) for undecodable text (counted; the
 * first TRACE_MAX_PROBLEMS are kept, see trace_parser_problem()), and
 * TRACE_LINE_NOMEM (-2) when interning a new string ran out of host memory
 * (the line is not counted; the parser stays usable).
 */
int trace_parse_line(struct trace_parser *p, const char *line, size_t len,
		     uint64_t lineno, struct trace_event *out);

/**
 * trace_parse_next - read lines from @r until one produces an event
 * @p: parser
 * @r: reader; line numbers come from it
 * @out: the event
 *
 * Return: 1 with @out filled, 0 at end of input, TRACE_LINE_NOMEM on host
 * OOM, or TRACE_READ_ERROR when the reader failed (see
 * trace_reader_error()).  Malformed lines are counted and skipped.
 */
int trace_parse_next(struct trace_parser *p, struct trace_reader *r,
		     struct trace_event *out);

/** trace_parser_stats - the statistics so far (valid until the parser is freed) */
const struct trace_stats *trace_parser_stats(const struct trace_parser *p);

/**
 * trace_parser_problem - the @i-th remembered malformed line
 *
 * Return: NULL when fewer than @i + 1 were remembered (at most
 * TRACE_MAX_PROBLEMS are, in line order).
 */
const struct trace_problem *trace_parser_problem(const struct trace_parser *p,
						 unsigned i);

/**
 * trace_string - the text of an interned string
 *
 * Return: a NUL-terminated string that stays valid and unchanged until the
 * parser is freed; "" for id 0; NULL for an id never handed out.
 */
const char *trace_string(const struct trace_parser *p, enum trace_str_kind kind,
			 uint32_t id);

/** trace_string_count - ids handed out in @kind, counting id 0 ("") */
uint32_t trace_string_count(const struct trace_parser *p,
			    enum trace_str_kind kind);

/**
 * trace_intern - intern @len bytes at @s in @kind (what the parser does)
 *
 * Lets a caller look up or add a name, e.g. a cache it wants to refer to.
 *
 * Return: the id (0 for the empty string), or UINT32_MAX on host OOM.
 */
uint32_t trace_intern(struct trace_parser *p, enum trace_str_kind kind,
		      const char *s, size_t len);

/**
 * trace_gfp_of - decoded value of the gfp text with TRACE_STR_GFP id @id
 * @ok: set to whether gfp_parse() accepted the text (may be NULL)
 *
 * Return: the flags (0 when unknown or rejected).
 */
gfp_t trace_gfp_of(const struct trace_parser *p, uint32_t id, bool *ok);

/**
 * trace_gfp_error - gfp_parse()'s message for the first rejected gfp text
 *
 * The message (with its did-you-mean) is written on the first call after
 * that rejection, not by the parse, hence the parser is not const.
 *
 * Return: "" when every gfp text so far was accepted.
 */
const char *trace_gfp_error(struct trace_parser *p);

/** trace_other_count - how many events named TRACE_STR_EVENT @id were skipped */
uint64_t trace_other_count(const struct trace_parser *p, uint32_t id);

/** trace_type_name - the kernel's name of @type ("kmalloc", ...); "?" if out of range */
const char *trace_type_name(unsigned type);

/* ---- Reader ---- */

/**
 * trace_reader_open - open a trace for reading lines
 * @path: a file, or "-" for standard input.  The format is recognised by
 *        its magic bytes, not the name (trace_input_open(): text, gzip, xz,
 *        zstd, bzip2, trace.dat; perf.data and other binaries refused).
 * @err: on failure, why (may be NULL)
 * @errlen: size of @err
 *
 * Return: the reader, or NULL with @err filled (cannot open, a format that
 * is refused or not built in, host OOM).  Nothing stays allocated or open
 * on failure.
 */
struct trace_reader *trace_reader_open(const char *path, char *err,
				       size_t errlen);

/**
 * trace_reader_open_input - read lines out of an open input
 * @in: taken over: closed with the reader, or at once on failure
 *
 * Return: the reader, or NULL on host OOM (or when @in is NULL).
 */
struct trace_reader *trace_reader_open_input(struct trace_input *in);

/**
 * trace_reader_open_mem - read lines out of a plain-text memory buffer
 *
 * Lines point into @buf, which must outlive the reader (no copy is made,
 * except of a last line without '\n').
 *
 * Return: the reader, or NULL on host OOM.
 */
struct trace_reader *trace_reader_open_mem(const char *buf, size_t len);

/** trace_reader_input - the reader's input: its format, name, size */
struct trace_input *trace_reader_input(const struct trace_reader *r);

/**
 * trace_reader_next - the next line
 * @line: set to the line's first byte; valid until the next call
 * @len: set to its length without the '\n'
 *
 * A last line without '\n' is returned like any other.  A line longer than
 * TRACE_LINE_MAX is returned cut to TRACE_LINE_MAX bytes (the rest is
 * dropped and counted in trace_reader_overlong()).  NUL bytes are data.
 *
 * Return: 1 for a line, 0 at end of input, TRACE_READ_ERROR on an I/O or
 * decompression error or host OOM (message in trace_reader_error(); every
 * later call returns the same error).
 */
int trace_reader_next(struct trace_reader *r, const char **line, size_t *len);

/** trace_reader_lineno - number of the line last returned (1-based; 0 before any) */
uint64_t trace_reader_lineno(const struct trace_reader *r);

/**
 * trace_reader_progress - how far reading has got, for a progress display
 * @done: bytes of the input consumed so far (compressed bytes if compressed)
 * @total: the input's total size in the same unit, or 0 when unknown (a pipe)
 */
void trace_reader_progress(const struct trace_reader *r, uint64_t *done,
			   uint64_t *total);

/** trace_reader_overlong - lines that were cut to TRACE_LINE_MAX */
uint64_t trace_reader_overlong(const struct trace_reader *r);

/** trace_reader_error - text of the error that stopped the reader ("" if none) */
const char *trace_reader_error(const struct trace_reader *r);

/** trace_reader_close - release the reader and close its file (NULL ok) */
void trace_reader_close(struct trace_reader *r);

/* ---- Ordering ---- */

/**
 * trace_events_sort - sort @n events by timestamp, stable for ties
 *
 * Ties keep their array order, so reading order decides between events of
 * the same nanosecond.  An already sorted array (the common case) costs one
 * linear check.
 *
 * Return: 0, or -1 on host OOM with the array unchanged.
 */
int trace_events_sort(struct trace_event *ev, size_t n);

/**
 * trace_events_disorder - the largest disorder in an array, in ns
 *
 * Return: max over i of (max_{j<i} ev[j].ts_ns - ev[i].ts_ns), or 0 for a
 * sorted array.
 */
uint64_t trace_events_disorder(const struct trace_event *ev, size_t n);

/**
 * trace_reorder_new - a streaming reorder buffer with a time window
 * @window_ns: how far an event may lag behind the newest one read and still
 *             come out in order (TRACE_REORDER_WINDOW_NS is the default)
 *
 * Events go in with trace_reorder_push() in reading order and come out of
 * trace_reorder_pop() ordered by (ts_ns, push order).  An event leaves once
 * an event at least @window_ns newer has been pushed, or at drain time.
 *
 * Return: the buffer, or NULL on host OOM.
 */
struct trace_reorder *trace_reorder_new(uint64_t window_ns);

/**
 * trace_reorder_push - add an event
 *
 * An event older than one already popped cannot be put in order any more:
 * it is counted as late (trace_reorder_late()) and ordered as if it had the
 * timestamp of the last event popped (its own ts_ns is kept), so it comes
 * out right after the buffered events of that timestamp.  Output stays
 * deterministic and the ordering keys never go backwards.
 *
 * Return: 0, or -1 on host OOM (the event is not added).
 */
int trace_reorder_push(struct trace_reorder *q, const struct trace_event *ev);

/**
 * trace_reorder_pop - take the oldest event if it is ready
 * @drain: true at end of input: every buffered event is ready
 *
 * Return: 1 with @out filled, 0 when nothing is ready.
 */
int trace_reorder_pop(struct trace_reorder *q, struct trace_event *out,
		      bool drain);

/** trace_reorder_late - events that arrived after their place had passed */
uint64_t trace_reorder_late(const struct trace_reorder *q);

/** trace_reorder_peak - the most events the buffer ever held at once */
size_t trace_reorder_peak(const struct trace_reorder *q);

/** trace_reorder_free - release the buffer and any events still in it (NULL ok) */
void trace_reorder_free(struct trace_reorder *q);

/* ---- Constants ---- */

/* trace_parse_line() results */
#define TRACE_LINE_EVENT	1
#define TRACE_LINE_SKIPPED	0
#define TRACE_LINE_MALFORMED	(-1)
#define TRACE_LINE_NOMEM	(-2)
/* trace_reader_next() / trace_parse_next() failure */
#define TRACE_READ_ERROR	(-3)

#define TRACE_READER_ERR_MAX	320	/* bytes of trace_reader_error() */

#define TRACE_CPU_UNKNOWN	UINT16_MAX	/* line had no [CPU] column */

#define TRACE_EVF_GFP_UNKNOWN	0x01u	/* gfp_parse() rejected gfp_flags= */
#define TRACE_EVF_NO_CPU	0x02u	/* cpu is TRACE_CPU_UNKNOWN */

/* Longest line delivered whole.  Real kmem lines are under 300 bytes; the
 * limit only bounds memory on binary junk without newlines. */
#define TRACE_LINE_MAX		(64u * 1024u)

/* Default trace_reorder window: 10 ms.  The real 6.18 trace has disorder 0
 * (ftrace merges its per-CPU buffers by timestamp when printing); tools that
 * print per CPU or stream (trace_pipe with several readers) can interleave
 * by far less than a scheduler tick.  At the real trace's ~200k events/s the
 * window holds about 2,000 events (under 200 KB). */
#define TRACE_REORDER_WINDOW_NS	(10u * SIM_NSEC_PER_MSEC)

#endif /* SIM_TRACE_H */

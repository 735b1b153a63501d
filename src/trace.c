/* SPDX-License-Identifier: GPL-2.0-or-later */
/* trace.c - kernel kmem trace text: reader, parser, interning, ordering
 *
 * What comes in
 * -------------
 * kmemsim replays what a real kernel printed for its kmem tracepoints.  Three
 * tools print them, each line being one event:
 *
 *   ftrace (/sys/kernel/tracing/trace and trace_pipe):
 *       "            bash-2273    [001] .....   111.489620: kmalloc: call_site=..."
 *     the task name right-aligned in 16 columns, '-', the pid, the CPU in
 *     brackets, the latency column (irqs-off, need-resched, hard/softirq,
 *     preempt depth, migrate-disable: five characters since 5.x, four
 *     before, absent when the irq-info option is off), the
 *     timestamp "seconds.microseconds:", the event name and ':'.  With the
 *     record-tgid option a "(  2273)" column sits between pid and CPU.
 *     Header lines start with '#'; trace_pipe may print
 *     "CPU:1 [LOST 42 EVENTS]".
 *   trace-cmd report:
 *       "           bash-2273  [001]   111.489620: kmalloc:              call_site=..."
 *     the same head, latency column only with -l ("d..1."), event name
 *     padded with blanks, nanoseconds with -t; banners "cpus=2",
 *     "version = 6" and "CPU 0 is empty" before the events.
 *   perf script (perf record -e kmem:...):
 *       "            bash  2273 [001]   111.489620: kmem:kmalloc: call_site=... ptr=0xffff..."
 *     the task name and the thread id separated by blanks (or "pid/tid"),
 *     no latency column, a sample period before the event when -F asks
 *     for one, the event prefixed with its system "kmem:", no CPU
 *     column at all when the recording was per task rather than -a, and with
 *     -g a call chain of indented "  ffffffff8123abcd symbol+0x1f" lines
 *     after each event.
 *
 * After "event:" come the fields, "key=value" separated by blanks.  6.18
 * prints (include/trace/events/kmem.h):
 *   kmalloc            call_site ptr bytes_req bytes_alloc gfp_flags node accounted
 *   kmem_cache_alloc   call_site ptr name bytes_req bytes_alloc gfp_flags node accounted
 *   kfree              call_site ptr
 *   kmem_cache_free    call_site ptr name
 *   mm_page_alloc      page pfn order migratetype gfp_flags
 *   mm_page_free       page pfn order
 *   mm_page_free_batched page pfn order
 * call_site is "%pS" ("alloc_fdtable+0x55/0x140"), a raw hex address in
 * older kernels and in perf when it cannot symbolise.  ptr and page are
 * "%p": 16 hex digits hashed by the kernel (a stable identity, not an
 * address), "0x..." in perf, "(null)" in old kernels; all-zero is NULL.
 * pfn is "0x%lx" since 4.x and was decimal before.  gfp_flags is the
 * symbolic show_gfp_flags() text ("GFP_KERNEL|__GFP_ZERO", "none").
 *
 * What is tolerated, and why
 * --------------------------
 * The shape is recognised per line, not per file, so concatenated or mixed
 * inputs work and no mode has to be chosen.  Everything not needed to place
 * an event is skipped over rather than checked: padding of any width, the
 * latency column in any spelling of up to 8 characters, a tgid column, CR
 * before LF, fields this code does not know (newer kernels add fields; old
 * mm_page_free_batched had "cold="), fields in any order.  The pid is the
 * digits after the LAST '-' of the token before "[CPU]", so task names may
 * hold blanks and dashes ("systemd-journal", "Web Content"); the name is
 * everything from the first non-blank up to that '-'.
 *
 * A line is *skipped* (counted, not an error) when it is blank, starts with
 * '#', is a tool banner listed above, a perf call-chain frame, an ftrace
 * " => " stack line, or a well-formed event of another tracepoint (counted
 * per name: a trace of sched and kmem events is still a kmem trace).  A
 * line is *malformed* when its head cannot be found, a kmem event lacks a
 * field the replay needs (ptr for slab events, pfn or page for page events,
 * sizes and gfp_flags for allocations), or a number does not parse; the
 * first TRACE_MAX_PROBLEMS are kept with their line number, a reason and
 * the start of the line, because one look at a bad line says more than any
 * count.  An unknown gfp_flags text is neither: the event is kept with gfp
 * 0 and TRACE_EVF_GFP_UNKNOWN, since dropping it would unbalance allocs and
 * frees.  Binary junk is just bytes: nothing here stops at a NUL, and every
 * scan is bounded by the line length.
 *
 * Not accepted (every line malformed): ftrace's latency-format option,
 * whose head is "bash-2273  1d..1  4us : ", and the raw, hex and bin
 * output options; trace-cmd report -R.  These print no field names.
 *
 * Timestamps become integer nanoseconds without floating point:
 * "117.616002" is 117616002000 exactly; 1 to 9 fraction digits are scaled;
 * a timestamp without '.' (trace_clock=counter) is taken as nanoseconds.
 *
 * Speed
 * -----
 * Parsing must keep up with a disk (the project's target is 300 MB/s of text
 * on two cores), so a line is scanned once, left to right, by hand: memchr
 * for the '[' of the CPU column, then byte loops over the few tokens,
 * numbers converted digit by digit, field keys told apart by length and
 * then one memcmp.  No sscanf, no strtok, no regex, no allocation per line.
 * Strings that repeat on almost every line (task, call site, cache, gfp
 * text) are interned: a 64-bit multiplicative hash over 8-byte words, an
 * open-addressing table with linear probing at most half full, and the text
 * copied once into an arena of 64 KiB blocks that never move (so
 * trace_string() pointers stay valid).  Ids are dense and handed out in
 * first-seen order, so they depend on the input only, never on the hash.
 * gfp_parse() runs once per distinct gfp text (about 50 in the real trace),
 * not per line.  Events of other tracepoints are recognised from the head
 * alone; their fields are never scanned.
 *
 * Order
 * -----
 * ftrace and trace-cmd merge their per-CPU buffers by timestamp when they
 * print, and perf script sorts too, so a trace is normally ordered: the real
 * 6.18 trace (701,764 events on 2 CPUs) has a measured disorder of 0 at its
 * microsecond resolution (bench/bench_trace prints it), with 264,007 events
 * sharing the timestamp of the line before: the "not strictly sorted" of
 * its README holds only in that sense.  Ties are therefore the common
 * case, and the order of reading is what breaks them.  Traces stitched from per-CPU files or read
 * from trace_pipe by several readers are not ordered, and the replay must
 * apply events by time, so two deterministic tools are provided:
 * trace_events_sort(), a stable merge sort of a whole array (ties keep
 * reading order; a sorted array costs one pass), and struct trace_reorder,
 * a min-heap on (timestamp, push number) that releases an event once one at
 * least a window newer has arrived (TRACE_REORDER_WINDOW_NS by default),
 * for streaming.  Both depend on the input bytes only.
 *
 * The reader
 * ----------
 * struct trace_reader cuts an input into lines.  The bytes come from
 * trace_input.c, which detects the format by its magic bytes and decodes
 * it (text, gzip, xz, zstd, bzip2, trace-cmd's trace.dat printed as
 * ftrace lines) into chunks it lends.  A line wholly inside a chunk is
 * returned in place; a line that straddles two chunks is gathered in a
 * carry buffer; a last line without '\n' is returned like any other;
 * lines longer than TRACE_LINE_MAX (binary junk) are cut and counted.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L	/* open, read, fstat, ssize_t */
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "trace.h"
#include "trace_input.h"

/* ---- Tunables ---- */

/* Arena block: large enough that the ~400 distinct strings of a real trace
 * fit in one or two blocks, small enough not to matter. */
#define TRACE_ARENA_BLOCK	(64u * 1024u)
/* Initial hash slots per string kind (power of two; grows when half full). */
#define TRACE_STRTAB_SLOTS	64u


/* ---- String interning ---- */

struct trace_strent {
	const char *s;		/* NUL-terminated copy in the arena */
	uint32_t len;
	uint32_t hash;		/* low half of the 64-bit hash: home slot and tag */
	uint64_t aux;		/* GFP: value | TRACE_GFP_* bits; EVENT: count */
};

#define TRACE_GFP_PARSED	(UINT64_C(1) << 32)	/* aux holds a valid value */
#define TRACE_GFP_REJECTED	(UINT64_C(1) << 33)	/* gfp_parse() said no */

/*
 * One kind's table.  slot[i] is 0 (empty) or (hash << 32 | id) with id >= 1;
 * id 0 is the empty string and never stored in the slots.
 * Invariants: n <= cap; n - 1 <= (mask + 1) / 2; ent[0] is "".
 */
struct trace_strtab {
	struct trace_strent *ent;
	uint32_t n, cap;
	uint64_t *slot;
	uint32_t mask;
};

struct trace_arena {
	struct trace_arena *next;
	size_t used, cap;
	char data[];
};

struct trace_parser {
	struct trace_strtab tab[TRACE_NR_STR_KINDS];
	struct trace_arena *arena;
	struct trace_stats st;
	struct trace_problem prob[TRACE_MAX_PROBLEMS];
	unsigned nprob;
	uint32_t gfp_bad;	/* TRACE_STR_GFP id of the first rejected text, 0: none */
	char gfp_err[160];	/* its message, written when first asked for */
};

/* a string of 0..7 bytes as one word that no other such string of the
 * same length gives (4..7 bytes: two overlapping 4-byte loads) */
static inline uint64_t trace_load_short(const char *s, size_t n)
{
	uint32_t a, b;

	if (n >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return (uint64_t)a << 32 | b;
	}
	a = 0;
	for (size_t i = 0; i < n; i++)
		a |= (uint32_t)(unsigned char)s[i] << (8 * i);
	return a;
}

static uint64_t trace_hash(const char *s, size_t n)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)n;
	uint64_t w;
	size_t i = 0;

	if (n >= 8) {
		for (; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
			h ^= h >> 32;
		}
		if (i < n) {
			/* the last 8 bytes, overlapping the word before */
			memcpy(&w, s + n - 8, 8);
			h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
		}
	} else {
		h = (h ^ trace_load_short(s, n)) * UINT64_C(0xc4ceb9fe1a85ec53);
	}
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return h;
}

/* @a and @b hold the same @n bytes (word by word, no library call) */
static inline bool trace_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i = 0;

	if (n < 8)
		return trace_load_short(a, n) == trace_load_short(b, n);
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	if (i < n) {
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	return true;
}

static int trace_strtab_init(struct trace_strtab *t)
{
	t->cap = 16;
	t->ent = calloc(t->cap, sizeof *t->ent);
	t->slot = calloc(TRACE_STRTAB_SLOTS, sizeof *t->slot);
	if (!t->ent || !t->slot)
		return -1;
	t->mask = TRACE_STRTAB_SLOTS - 1;
	t->ent[0].s = "";
	t->n = 1;
	return 0;
}

static void trace_strtab_destroy(struct trace_strtab *t)
{
	free(t->ent);
	free(t->slot);
}

/* Double the slot array; on failure nothing changes. */
static int trace_strtab_rehash(struct trace_strtab *t)
{
	uint32_t nslots = (t->mask + 1) * 2, mask = nslots - 1, id;
	uint64_t *slot = calloc(nslots, sizeof *slot);

	if (!slot)
		return -1;
	for (id = 1; id < t->n; id++) {
		uint32_t i = t->ent[id].hash & mask;

		while (slot[i])
			i = (i + 1) & mask;
		slot[i] = (uint64_t)t->ent[id].hash << 32 | id;
	}
	free(t->slot);
	t->slot = slot;
	t->mask = mask;
	return 0;
}

/* Copy @len bytes plus a NUL into the arena; NULL on host OOM. */
static char *trace_arena_copy(struct trace_parser *p, const char *s, size_t len)
{
	struct trace_arena *a = p->arena;
	char *d;

	if (!a || a->cap - a->used < len + 1) {
		size_t cap = len + 1 > TRACE_ARENA_BLOCK ? len + 1 : TRACE_ARENA_BLOCK;

		a = malloc(sizeof *a + cap);
		if (!a)
			return NULL;
		a->cap = cap;
		a->used = 0;
		/* a block made for one huge string goes behind the current one
		 * so the current one keeps filling */
		if (p->arena && cap > TRACE_ARENA_BLOCK) {
			a->next = p->arena->next;
			p->arena->next = a;
		} else {
			a->next = p->arena;
			p->arena = a;
		}
	}
	d = a->data + a->used;
	memcpy(d, s, len);
	d[len] = '\0';
	a->used += len + 1;
	return d;
}

/*
 * Look up or add a string.  Sets *is_new when it was added.
 * Return: the id, or UINT32_MAX on host OOM (nothing changed).
 */
static uint32_t trace_strtab_intern(struct trace_parser *p,
				    struct trace_strtab *t, const char *s,
				    size_t len, bool *is_new)
{
	uint32_t h, i, id;
	char *copy;

	*is_new = false;
	if (len == 0)
		return 0;
	h = (uint32_t)trace_hash(s, len);
	i = h & t->mask;
	for (;;) {
		uint64_t sl = t->slot[i];

		if (!sl)
			break;
		id = (uint32_t)sl;
		if ((uint32_t)(sl >> 32) == h && t->ent[id].len == len &&
		    trace_eq(t->ent[id].s, s, len))
			return id;
		i = (i + 1) & t->mask;
	}
	if (len >= UINT32_MAX || t->n == UINT32_MAX - 1)
		return UINT32_MAX;
	/* make every allocation first, so failure leaves the table intact */
	if (t->n == t->cap) {
		uint32_t cap = t->cap * 2;
		struct trace_strent *ent = realloc(t->ent, cap * sizeof *ent);

		if (!ent)
			return UINT32_MAX;
		t->ent = ent;
		t->cap = cap;
	}
	if ((uint64_t)t->n * 2 > t->mask + 1) {
		if (trace_strtab_rehash(t))
			return UINT32_MAX;
		i = h & t->mask;
		while (t->slot[i])
			i = (i + 1) & t->mask;
	}
	copy = trace_arena_copy(p, s, len);
	if (!copy)
		return UINT32_MAX;
	id = t->n++;
	t->ent[id].s = copy;
	t->ent[id].len = (uint32_t)len;
	t->ent[id].hash = h;
	t->ent[id].aux = 0;
	t->slot[i] = (uint64_t)h << 32 | id;
	*is_new = true;
	return id;
}

/* ---- Parser life cycle and queries ---- */

struct trace_parser *trace_parser_new(void)
{
	struct trace_parser *p = calloc(1, sizeof *p);
	unsigned k;

	if (!p)
		return NULL;
	for (k = 0; k < TRACE_NR_STR_KINDS; k++) {
		if (trace_strtab_init(&p->tab[k])) {
			trace_parser_free(p);
			return NULL;
		}
	}
	return p;
}

void trace_parser_free(struct trace_parser *p)
{
	struct trace_arena *a, *next;
	unsigned k;

	if (!p)
		return;
	for (k = 0; k < TRACE_NR_STR_KINDS; k++)
		trace_strtab_destroy(&p->tab[k]);
	for (a = p->arena; a; a = next) {
		next = a->next;
		free(a);
	}
	free(p);
}

const struct trace_stats *trace_parser_stats(const struct trace_parser *p)
{
	return &p->st;
}

const struct trace_problem *trace_parser_problem(const struct trace_parser *p,
						 unsigned i)
{
	return i < p->nprob ? &p->prob[i] : NULL;
}

const char *trace_string(const struct trace_parser *p, enum trace_str_kind kind,
			 uint32_t id)
{
	if ((unsigned)kind >= TRACE_NR_STR_KINDS || id >= p->tab[kind].n)
		return NULL;
	return p->tab[kind].ent[id].s;
}

uint32_t trace_string_count(const struct trace_parser *p,
			    enum trace_str_kind kind)
{
	return (unsigned)kind < TRACE_NR_STR_KINDS ? p->tab[kind].n : 0;
}

/*
 * Decode a newly interned gfp text once; remember the first rejection.
 * Its message is written only when asked for (trace_gfp_error()): the
 * message's did-you-mean scores the token against every flag name, which
 * on a fuzzer's trace of garbage was a quarter of the parse when done for
 * every rejected text, and still a tenth when done for the first one of
 * every input, most of them never reported.
 */
static void trace_gfp_decode(struct trace_parser *p, uint32_t id)
{
	struct trace_strent *e = &p->tab[TRACE_STR_GFP].ent[id];
	gfp_t g = 0;

	if (gfp_parse(e->s, e->len, &g, NULL, 0) == 0) {
		e->aux = TRACE_GFP_PARSED | g;
	} else {
		e->aux = TRACE_GFP_REJECTED;
		if (!p->gfp_bad)
			p->gfp_bad = id;
	}
}

uint32_t trace_intern(struct trace_parser *p, enum trace_str_kind kind,
		      const char *s, size_t len)
{
	bool is_new;
	uint32_t id;

	if ((unsigned)kind >= TRACE_NR_STR_KINDS)
		return UINT32_MAX;
	id = trace_strtab_intern(p, &p->tab[kind], s, len, &is_new);
	if (is_new && kind == TRACE_STR_GFP)
		trace_gfp_decode(p, id);
	return id;
}

gfp_t trace_gfp_of(const struct trace_parser *p, uint32_t id, bool *ok)
{
	uint64_t aux = id < p->tab[TRACE_STR_GFP].n ?
		       p->tab[TRACE_STR_GFP].ent[id].aux : 0;

	if (ok)
		*ok = (aux & TRACE_GFP_PARSED) != 0;
	return (aux & TRACE_GFP_PARSED) ? (gfp_t)aux : 0;
}

const char *trace_gfp_error(struct trace_parser *p)
{
	const struct trace_strent *e;
	gfp_t g;

	if (!p->gfp_bad || p->gfp_err[0])
		return p->gfp_err;
	/* the same text, parsed again, is rejected again: now with words */
	e = &p->tab[TRACE_STR_GFP].ent[p->gfp_bad];
	if (gfp_parse(e->s, e->len, &g, p->gfp_err, sizeof p->gfp_err) == 0 ||
	    !p->gfp_err[0])
		snprintf(p->gfp_err, sizeof p->gfp_err, "gfp_parse() failed");
	return p->gfp_err;
}

uint64_t trace_other_count(const struct trace_parser *p, uint32_t id)
{
	return id < p->tab[TRACE_STR_EVENT].n ?
	       p->tab[TRACE_STR_EVENT].ent[id].aux : 0;
}

static const char *const trace_type_names[TRACE_NR_TYPES] = {
	[TRACE_KMALLOC]			= "kmalloc",
	[TRACE_KMALLOC_NODE]		= "kmalloc_node",
	[TRACE_KFREE]			= "kfree",
	[TRACE_KMEM_CACHE_ALLOC]	= "kmem_cache_alloc",
	[TRACE_KMEM_CACHE_ALLOC_NODE]	= "kmem_cache_alloc_node",
	[TRACE_KMEM_CACHE_FREE]		= "kmem_cache_free",
	[TRACE_MM_PAGE_ALLOC]		= "mm_page_alloc",
	[TRACE_MM_PAGE_FREE]		= "mm_page_free",
	[TRACE_MM_PAGE_FREE_BATCHED]	= "mm_page_free_batched",
};

const char *trace_type_name(unsigned type)
{
	return type < TRACE_NR_TYPES ? trace_type_names[type] : "?";
}

/* ---- Scanning helpers ---- */

static inline bool trace_isdigit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool trace_isblank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Eight bytes at a time (SWAR).  trace_low8(w) flags (top bit of the byte)
 * the bytes of @w below 0x21 -- blanks, and the control bytes junk may
 * hold -- exactly for the first such byte (a borrow only moves upwards),
 * possibly wrongly above it; trace_eq8(w, c) likewise flags bytes equal to
 * c.  Only the first flag is used, and the byte it names is then tested
 * exactly, so a control byte that is no blank costs a detour, never a
 * wrong answer.  Words are loaded with memcpy (any alignment) and only
 * when all eight bytes are inside the line.
 */
#define TRACE_ONES	UINT64_C(0x0101010101010101)
#define TRACE_HIGHS	UINT64_C(0x8080808080808080)

static inline uint64_t trace_load8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);	/* the first byte in the low bits */
#endif
	return w;
}

static inline uint64_t trace_low8(uint64_t w)
{
	return (w - TRACE_ONES * 0x21) & ~w & TRACE_HIGHS;
}

static inline uint64_t trace_eq8(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (TRACE_ONES * c);	/* zero bytes where c is */

	return (x - TRACE_ONES) & ~x & TRACE_HIGHS;
}

static inline const char *trace_skip_blanks(const char *s, const char *e)
{
	while (s < e && trace_isblank(*s))
		s++;
	return s;
}

static inline const char *trace_token_end(const char *s, const char *e)
{
	while (e - s >= 8) {
		uint64_t m = trace_low8(trace_load8(s));

		if (m) {
			s += __builtin_ctzll(m) >> 3;
			if (trace_isblank(*s))
				return s;
			s++;		/* a control byte inside the token */
			continue;
		}
		s += 8;
	}
	while (s < e && !trace_isblank(*s))
		s++;
	return s;
}

/* the first '=' or blank in [s, e), or e */
static inline const char *trace_key_end(const char *s, const char *e)
{
	while (e - s >= 8) {
		uint64_t w = trace_load8(s);
		uint64_t m = trace_low8(w) | trace_eq8(w, '=');

		if (m) {
			s += __builtin_ctzll(m) >> 3;
			if (*s == '=' || trace_isblank(*s))
				return s;
			s++;
			continue;
		}
		s += 8;
	}
	while (s < e && *s != '=' && !trace_isblank(*s))
		s++;
	return s;
}

/* Whole token [s, e) as a decimal u64; false on junk, empty or overflow.
 * Up to 19 digits cannot overflow, so only a 20-digit token is checked
 * digit by digit; junk is noted without a branch per digit. */
static bool trace_dec(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	bool bad = false;

	if (s == e || e - s > 20)
		return false;
	if (e - s == 20) {
		for (; s < e; s++) {
			unsigned d = (unsigned char)(*s - '0');

			if (d > 9 || v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
		}
		*out = v;
		return true;
	}
	for (; s < e; s++) {
		unsigned d = (unsigned char)(*s - '0');

		bad |= d > 9;
		v = v * 10 + d;
	}
	if (bad)
		return false;
	*out = v;
	return true;
}
static bool trace_sdec(const char *s, const char *e, int64_t *out)
{
	bool neg = s < e && *s == '-';
	uint64_t v;

	if (!trace_dec(s + neg, e, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* Hex digit values; 0xff for anything else.  A table instead of range
 * tests because ptr= and page= make hex the most frequent number format. */
#define TRACE_H16(b) \
	TRACE_H4(b), TRACE_H4(b), TRACE_H4(b), TRACE_H4(b)
#define TRACE_H4(b) b, b, b, b
static const unsigned char trace_hexval[256] = {
	TRACE_H16(0xff), TRACE_H16(0xff), TRACE_H16(0xff),	/* 0x00-0x2f */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, TRACE_H4(0xff), 0xff, 0xff, /* '0'-'?' */
	0xff, 10, 11, 12, 13, 14, 15, 0xff, TRACE_H4(0xff), TRACE_H4(0xff), /* '@'-'O' */
	TRACE_H16(0xff),					/* 'P'-'_' */
	0xff, 10, 11, 12, 13, 14, 15, 0xff, TRACE_H4(0xff), TRACE_H4(0xff), /* '`'-'o' */
	TRACE_H16(0xff),					/* 'p'-0x7f */
	TRACE_H16(0xff), TRACE_H16(0xff), TRACE_H16(0xff), TRACE_H16(0xff),
	TRACE_H16(0xff), TRACE_H16(0xff), TRACE_H16(0xff), TRACE_H16(0xff),
};
#undef TRACE_H16
#undef TRACE_H4

/*
 * Eight hex digits (the first in the low byte of @w) into *@out; false if
 * any byte is no hex digit.  Per byte: digits are 0x30..0x39, letters
 * 0x41..0x46 or 0x61..0x66 (0x20 apart); the range tests add a constant
 * that carries into the top bit exactly at the bound (bytes are < 0x80,
 * checked first, so no carry leaves a byte).
 */
static inline bool trace_hex8(uint64_t w, uint64_t *out)
{
	const uint64_t H = TRACE_HIGHS, O = TRACE_ONES;
	uint64_t l = w | O * 0x20;		/* letters lower case */
	uint64_t digit = (w + O * (0x80 - 0x30)) & ~(w + O * (0x7f - 0x39)) & H;
	uint64_t letter = (l + O * (0x80 - 0x61)) & ~(l + O * (0x7f - 0x66)) & H &
			  (w + O * (0x80 - 0x40));	/* not a digit or below */
	uint64_t v;

	if ((w & H) || (digit | letter) != H)
		return false;
	v = (w & O * 0x0f) + (letter >> 7) * 9;	/* each byte's value 0..15 */
	/* the first digit is the most significant: pack pairs, then quads */
	v = ((v & UINT64_C(0x000f000f000f000f)) << 4) | ((v >> 8) & UINT64_C(0x000f000f000f000f));
	v = ((v & UINT64_C(0x000000ff000000ff)) << 8) | ((v >> 16) & UINT64_C(0x000000ff000000ff));
	v = ((v & UINT64_C(0x000000000000ffff)) << 16) | ((v >> 32) & UINT64_C(0x000000000000ffff));
	*out = v;
	return true;
}

/* Whole token as hex, with or without "0x"; at most 16 digits. */
static bool trace_hex(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	unsigned bad = 0;

	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (s == e || e - s > 16)
		return false;
	if (e - s == 16) {		/* %p: the common case */
		uint64_t hi, lo;

		if (!trace_hex8(trace_load8(s), &hi) || !trace_hex8(trace_load8(s + 8), &lo))
			return false;
		*out = hi << 32 | lo;
		return true;
	}
	for (; s < e; s++) {
		unsigned d = trace_hexval[(unsigned char)*s];

		bad |= d;		/* 0xff for a non-digit */
		v = v << 4 | (d & 15);
	}
	if (bad > 15)
		return false;
	*out = v;
	return true;
}

/* A %p value: hex, "0x" hex, "(null)" (old kernels) or "(nil)" (glibc's
 * %p of NULL, which perf's libtraceevent may print). */
static bool trace_ptr(const char *s, const char *e, uint64_t *out)
{
	if ((e - s == 6 && memcmp(s, "(null)", 6) == 0) ||
	    (e - s == 5 && memcmp(s, "(nil)", 5) == 0)) {
		*out = 0;
		return true;
	}
	return trace_hex(s, e, out);
}

/* pfn: "0x%lx" since 4.x, "%lu" before. */
static bool trace_pfnval(const char *s, const char *e, uint64_t *out)
{
	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return trace_hex(s, e, out);
	return trace_dec(s, e, out);
}

/*
 * Timestamp token "SSSS.ffffff:" (1..9 fraction digits) or "NNNN:".
 * [s, e) excludes nothing: the ':' must be its last byte.
 */
static bool trace_timestamp(const char *s, const char *e, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	unsigned nd = 0;

	if (e - s < 2 || e[-1] != ':')
		return false;
	e--;
	if (!trace_isdigit(*s))
		return false;
	/* 18 digits of seconds cannot overflow; more are checked */
	for (unsigned n = 0; s < e && trace_isdigit(*s); n++) {
		if (n >= 18 && sec > UINT64_MAX / 10 - 1)
			return false;
		sec = sec * 10 + (unsigned)(*s++ - '0');
	}
	if (s == e) {		/* counter clock: already in its own units */
		*ns = sec;
		return true;
	}
	if (*s++ != '.' || s == e)
		return false;
	while (s < e && trace_isdigit(*s) && nd < 9) {
		frac = frac * 10 + (unsigned)(*s++ - '0');
		nd++;
	}
	if (s != e)
		return false;
	while (nd++ < 9)
		frac *= 10;
	if (sec > (UINT64_MAX - frac) / SIM_NSEC_PER_SEC)
		return false;
	*ns = sec * SIM_NSEC_PER_SEC + frac;
	return true;
}

/* ---- Line head: task, pid, CPU, timestamp, event name ---- */

struct trace_head {
	const char *comm;	/* task name */
	size_t comm_len;
	const char *sys;	/* "kmem" of "kmem:kmalloc:", or NULL */
	size_t sys_len;
	const char *ev;		/* event name without system and ':' */
	size_t ev_len;
	const char *fields;	/* first byte after "event:" */
	uint64_t ts_ns;
	int32_t pid;
	uint16_t cpu;
	uint8_t shape;
};

/*
 * After the timestamp: " event:" then the fields (perf may put a sample
 * period between them).  @s points at the blank before the event token.
 */
static bool trace_head_event(const char *s, const char *e, struct trace_head *h)
{
	const char *t, *te, *c;

	t = trace_skip_blanks(s, e);
	te = trace_token_end(t, e);
	if (te > t && trace_isdigit(*t) && trace_isdigit(te[-1])) {
		/* perf script -F ...,period,...: "     1 kmem:kfree:" */
		t = trace_skip_blanks(te, e);
		te = trace_token_end(t, e);
	}
	if (te - t < 2 || te[-1] != ':')
		return false;
	h->ev = t;
	h->ev_len = (size_t)(te - 1 - t);
	h->sys = NULL;
	h->sys_len = 0;
	for (c = te - 2; c > t; c--) {
		if (*c == ':') {
			h->sys = t;
			h->sys_len = (size_t)(c - t);
			h->ev = c + 1;
			h->ev_len = (size_t)(te - 1 - (c + 1));
			break;
		}
	}
	if (h->ev_len == 0)
		return false;
	h->fields = te;
	return true;
}

/*
 * Everything from "[CPU]" on, given the task part [q, b) and the '[' at b.
 * Return: NULL when the head was recognised, else what is wrong with it.
 */
static const char *trace_head_cpu(const char *q, const char *b,
				  const char *e, struct trace_head *h)
{
	const char *pe = b, *t, *d, *s, *te;
	uint64_t v;
	unsigned cpu = 0;

	/* [CPU] */
	s = b + 1;
	while (s < e && trace_isdigit(*s) && cpu < 100000)
		cpu = cpu * 10 + (unsigned)(*s++ - '0');
	if (s == e || *s != ']' || s == b + 1 || cpu >= TRACE_CPU_UNKNOWN)
		return "bad [CPU]";
	h->cpu = (uint16_t)cpu;
	s++;

	/* task part: trim, drop an optional "(tgid)" column */
	while (pe > q && trace_isblank(pe[-1]))
		pe--;
	if (pe > q && pe[-1] == ')') {
		const char *o = pe - 1;

		while (o > q && o[-1] != '(')
			o--;
		if (o == q)
			return "unbalanced (tgid) column";
		pe = o - 1;
		while (pe > q && trace_isblank(pe[-1]))
			pe--;
	}
	if (pe == q)
		return "no task-pid before [CPU]";
	t = pe;
	while (t > q && !trace_isblank(t[-1]))
		t--;
	d = pe;
	while (d > t && trace_isdigit(d[-1]))
		d--;
	if (d == pe || pe - d > 10)
		return "no task-pid before [CPU]";
	if (d > t && d[-1] == '-' && d - 1 > q) {
		/* ftrace / trace-cmd: "comm-pid", comm may hold '-' and blanks */
		h->comm = q;
		h->comm_len = (size_t)(d - 1 - q);
		h->shape = TRACE_SHAPE_FTRACE;
	} else if (t > q && (d == t || (d[-1] == '/' && d - 1 > t))) {
		/* perf: "comm tid" or "comm pid/tid" */
		if (d != t && !trace_dec(t, d - 1, &v))
			return "bad pid/tid before [CPU]";
		h->comm = q;
		te = t;
		while (te > q && trace_isblank(te[-1]))
			te--;
		h->comm_len = (size_t)(te - q);
		h->shape = TRACE_SHAPE_PERF;
	} else {
		return "no task-pid before [CPU]";
	}
	if (!trace_dec(d, pe, &v) || v > INT32_MAX)
		return "pid out of range";
	h->pid = (int32_t)v;

	/* optional latency column, then the timestamp */
	if (s == e || !trace_isblank(*s))
		return "nothing after [CPU]";
	s = trace_skip_blanks(s, e);
	te = trace_token_end(s, e);
	if (te > s && te[-1] != ':') {
		if (te - s > 8)
			return "bad latency column";
		s = trace_skip_blanks(te, e);
		te = trace_token_end(s, e);
	}
	if (!trace_timestamp(s, te, &h->ts_ns))
		return "bad timestamp";
	if (!trace_head_event(te, e, h))
		return "no event name";
	return NULL;
}

/*
 * perf script of a per-task recording: "comm tid ts: sys:event: ...",
 * no CPU column.  Tried only when no "[CPU]" fits.
 */
static bool trace_head_nocpu(const char *q, const char *e, struct trace_head *h)
{
	const char *t = q, *te, *prev = NULL, *prev_end = NULL;
	uint64_t v;

	while (t < e) {
		te = trace_token_end(t, e);
		if (prev && prev > q && te - t >= 2 && te[-1] == ':' &&
		    trace_isdigit(*t) && trace_timestamp(t, te, &h->ts_ns)) {
			const char *d = prev_end, *ce;

			while (d > prev && trace_isdigit(d[-1]))
				d--;
			if (d == prev_end || (d != prev && (d[-1] != '/' || d - 1 == prev)))
				return false;
			if (!trace_dec(d, prev_end, &v) || v > INT32_MAX)
				return false;
			h->pid = (int32_t)v;
			ce = prev;
			while (ce > q && trace_isblank(ce[-1]))
				ce--;
			h->comm = q;
			h->comm_len = (size_t)(ce - q);
			h->cpu = TRACE_CPU_UNKNOWN;
			h->shape = TRACE_SHAPE_PERF_NOCPU;
			return trace_head_event(te, e, h);
		}
		prev = t;
		prev_end = te;
		t = trace_skip_blanks(te, e);
	}
	return false;
}

/* ---- Non-event lines ---- */

static bool trace_has_prefix(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}

/*
 * Lines that carry no event but are known to appear: tool banners, lost
 * event notices, call chains.  @s is the line, @q its first non-blank.
 * Return: true when the line is one of them (and counts lost events).
 */
static bool trace_known_other(struct trace_parser *p, const char *s,
			      const char *q, const char *e)
{
	const char *t, *te;
	uint64_t v;

	/* trace-cmd report of several buffers puts "buffer: " first */
	te = trace_token_end(q, e);
	if (te > q + 1 && te[-1] == ':' && !trace_has_prefix(q, e, "CPU:")) {
		t = trace_skip_blanks(te, e);
		if (trace_has_prefix(t, e, "CPU:"))
			q = t;
	}
	if (trace_has_prefix(q, e, "CPU:")) {
		t = memchr(q, '[', (size_t)(e - q));
		if (t && trace_has_prefix(t, e, "[LOST ")) {
			/* trace_pipe, trace: CPU:1 [LOST 42 EVENTS] */
			t += 6;
			te = trace_token_end(t, e);
			if (trace_dec(t, te, &v))
				p->st.lost_events += v;
			return true;
		}
		if (t && t + 1 < e && trace_isdigit(t[1])) {
			/* trace-cmd report: CPU:0 [14909 EVENTS DROPPED] */
			te = trace_token_end(t + 1, e);
			if (trace_dec(t + 1, te, &v) &&
			    trace_has_prefix(trace_skip_blanks(te, e), e, "EVENTS DROPPED]")) {
				p->st.lost_events += v;
				return true;
			}
		}
		return false;
	}
	if (trace_has_prefix(q, e, "CPU ") && e - q >= 9 &&
	    memcmp(e - 9, " is empty", 9) == 0)
		return true;			/* trace-cmd: CPU 0 is empty */
	if (trace_has_prefix(q, e, "cpus=") || trace_has_prefix(q, e, "version ="))
		return true;			/* trace-cmd banners */
	if (trace_has_prefix(q, e, "=> ") || (e - q == 2 && q[0] == '=' && q[1] == '>'))
		return true;			/* ftrace stacktrace option */
	if (q > s) {				/* perf -g: "\t ffffffff8123 sym+0x1 (dso)" */
		te = trace_token_end(q, e);
		if (trace_hex(q, te, &v) && (te == e || trace_isblank(*te)))
			return true;
	}
	return false;
}

/* Count a malformed line and keep the first few. */
static int trace_malformed(struct trace_parser *p, const char *line, size_t len,
			   uint64_t lineno, const char *reason)
{
	p->st.malformed++;
	if (p->nprob < TRACE_MAX_PROBLEMS) {
		struct trace_problem *pr = &p->prob[p->nprob++];
		size_t i, n = len < TRACE_EXCERPT_MAX ? len : TRACE_EXCERPT_MAX;

		pr->lineno = lineno;
		pr->reason = reason;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];

			pr->excerpt[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		}
		pr->excerpt[n] = '\0';
	}
	return TRACE_LINE_MALFORMED;
}

/* ---- Event name and fields ---- */

static int trace_event_type(const char *s, size_t n)
{
#define TRACE_IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)
	switch (n) {
	case 5:  return TRACE_IS("kfree") ? TRACE_KFREE : -1;
	case 7:  return TRACE_IS("kmalloc") ? TRACE_KMALLOC : -1;
	case 12:
		if (TRACE_IS("mm_page_free"))
			return TRACE_MM_PAGE_FREE;
		return TRACE_IS("kmalloc_node") ? TRACE_KMALLOC_NODE : -1;
	case 13: return TRACE_IS("mm_page_alloc") ? TRACE_MM_PAGE_ALLOC : -1;
	case 15: return TRACE_IS("kmem_cache_free") ? TRACE_KMEM_CACHE_FREE : -1;
	case 16: return TRACE_IS("kmem_cache_alloc") ? TRACE_KMEM_CACHE_ALLOC : -1;
	case 20: return TRACE_IS("mm_page_free_batched") ? TRACE_MM_PAGE_FREE_BATCHED : -1;
	case 21: return TRACE_IS("kmem_cache_alloc_node") ? TRACE_KMEM_CACHE_ALLOC_NODE : -1;
	default: return -1;
	}
#undef TRACE_IS
}

/* field presence bits */
enum {
	TF_CALL_SITE = 1u << 0, TF_PTR = 1u << 1, TF_BYTES_REQ = 1u << 2,
	TF_BYTES_ALLOC = 1u << 3, TF_GFP = 1u << 4, TF_NODE = 1u << 5,
	TF_ACCOUNTED = 1u << 6, TF_NAME = 1u << 7, TF_PAGE = 1u << 8,
	TF_PFN = 1u << 9, TF_ORDER = 1u << 10, TF_MIGRATETYPE = 1u << 11,
};

#define TF_ALLOC_NEED	(TF_PTR | TF_BYTES_REQ | TF_BYTES_ALLOC | TF_GFP)

/* Fields the replay cannot do without, per type. */
static const unsigned trace_need[TRACE_NR_TYPES] = {
	[TRACE_KMALLOC]			= TF_ALLOC_NEED,
	[TRACE_KMALLOC_NODE]		= TF_ALLOC_NEED,
	[TRACE_KFREE]			= TF_PTR,
	[TRACE_KMEM_CACHE_ALLOC]	= TF_ALLOC_NEED,
	[TRACE_KMEM_CACHE_ALLOC_NODE]	= TF_ALLOC_NEED,
	[TRACE_KMEM_CACHE_FREE]		= TF_PTR,
	[TRACE_MM_PAGE_ALLOC]		= TF_ORDER | TF_GFP,
	[TRACE_MM_PAGE_FREE]		= TF_ORDER,
	[TRACE_MM_PAGE_FREE_BATCHED]	= 0,
};

static const char *trace_missing_reason(unsigned missing)
{
	if (missing & TF_PTR)
		return "missing ptr=";
	if (missing & TF_BYTES_REQ)
		return "missing bytes_req=";
	if (missing & TF_BYTES_ALLOC)
		return "missing bytes_alloc=";
	if (missing & TF_GFP)
		return "missing gfp_flags=";
	if (missing & TF_ORDER)
		return "missing order=";
	return "missing pfn= and page=";
}

#define TRACE_KEY(lit) (kl == sizeof(lit) - 1 && memcmp(k, lit, sizeof(lit) - 1) == 0)
#define TRACE_VAL(lit, v, ve) \
	((size_t)((ve) - (v)) == sizeof(lit) - 1 && memcmp(v, lit, sizeof(lit) - 1) == 0)

/*
 * Decode "key=value" fields of a kmem event into @ev.
 * Return: NULL on success, else the reason (a static string); on host OOM
 * *@nomem is set.
 */
static const char *trace_fields(struct trace_parser *p, const char *f,
				const char *e, struct trace_event *ev,
				unsigned *seen, bool *nomem)
{
	unsigned have = 0;
	bool is_new;

	while (f < e) {
		const char *k, *v, *ve;
		size_t kl;
		uint64_t u;
		int64_t sv;

		f = trace_skip_blanks(f, e);
		if (f == e)
			break;
		k = f;
		f = trace_key_end(f, e);
		if (f == e || *f != '=') {	/* a bare word: not ours */
			f = trace_token_end(f, e);
			continue;
		}
		kl = (size_t)(f - k);
		v = f + 1;
		ve = trace_token_end(v, e);
		f = ve;
		switch (kl) {
		case 3:
			if (TRACE_KEY("ptr")) {
				if (!trace_ptr(v, ve, &ev->ptr))
					return "bad ptr=";
				have |= TF_PTR;
			} else if (TRACE_KEY("pfn")) {
				if (!trace_pfnval(v, ve, &ev->pfn))
					return "bad pfn=";
				have |= TF_PFN;
			}
			break;
		case 4:
			if (TRACE_KEY("node")) {
				if (!trace_sdec(v, ve, &sv) || sv < INT32_MIN || sv > INT32_MAX)
					return "bad node=";
				ev->node = (int32_t)sv;
				have |= TF_NODE;
			} else if (TRACE_KEY("name")) {
				uint32_t id = trace_strtab_intern(p,
					&p->tab[TRACE_STR_CACHE], v,
					(size_t)(ve - v), &is_new);

				if (id == UINT32_MAX)
					goto oom;
				ev->cache = id;
				have |= TF_NAME;
			} else if (TRACE_KEY("page")) {
				/* mm_page_*: the struct page identity */
				if (!trace_ptr(v, ve, &ev->ptr))
					return "bad page=";
				have |= TF_PAGE;
			}
			break;
		case 5:
			if (TRACE_KEY("order")) {
				if (!trace_dec(v, ve, &u) || u > 63)
					return "bad order=";
				ev->order = (uint8_t)u;
				have |= TF_ORDER;
			}
			break;
		case 9:
			if (TRACE_KEY("call_site")) {
				uint32_t id = trace_strtab_intern(p,
					&p->tab[TRACE_STR_CALLSITE], v,
					(size_t)(ve - v), &is_new);

				if (id == UINT32_MAX)
					goto oom;
				ev->call_site = id;
				have |= TF_CALL_SITE;
			} else if (TRACE_KEY("bytes_req")) {
				if (!trace_dec(v, ve, &u) || u > UINT32_MAX)
					return "bad bytes_req=";
				ev->bytes_req = (uint32_t)u;
				have |= TF_BYTES_REQ;
			} else if (TRACE_KEY("gfp_flags")) {
				uint32_t id = trace_strtab_intern(p,
					&p->tab[TRACE_STR_GFP], v,
					(size_t)(ve - v), &is_new);
				uint64_t aux;

				if (id == UINT32_MAX)
					goto oom;
				if (id == 0)
					return "empty gfp_flags=";
				if (is_new)
					trace_gfp_decode(p, id);
				aux = p->tab[TRACE_STR_GFP].ent[id].aux;
				ev->gfp_id = id;
				if (aux & TRACE_GFP_PARSED) {
					ev->gfp = (gfp_t)aux;
					/* a repeated gfp_flags=: the last one counts */
					ev->flags &= (uint8_t)~TRACE_EVF_GFP_UNKNOWN;
				} else {
					ev->gfp = 0;
					ev->flags |= TRACE_EVF_GFP_UNKNOWN;
				}
				have |= TF_GFP;
			} else if (TRACE_KEY("accounted")) {
				if (TRACE_VAL("true", v, ve) || TRACE_VAL("1", v, ve))
					ev->accounted = true;
				else if (TRACE_VAL("false", v, ve) || TRACE_VAL("0", v, ve))
					ev->accounted = false;
				else
					return "bad accounted=";
				have |= TF_ACCOUNTED;
			}
			break;
		case 11:
			if (TRACE_KEY("bytes_alloc")) {
				if (!trace_dec(v, ve, &u) || u > UINT32_MAX)
					return "bad bytes_alloc=";
				ev->bytes_alloc = (uint32_t)u;
				have |= TF_BYTES_ALLOC;
			} else if (TRACE_KEY("migratetype")) {
				if (!trace_sdec(v, ve, &sv) || sv < INT8_MIN || sv > INT8_MAX)
					return "bad migratetype=";
				ev->migratetype = (int8_t)sv;
				have |= TF_MIGRATETYPE;
			}
			break;
		default:
			break;
		}
	}
	*seen = have;
	return NULL;
oom:
	*nomem = true;
	return NULL;
}

#undef TRACE_KEY
#undef TRACE_VAL

/* ---- The line parser ---- */

int trace_parse_line(struct trace_parser *p, const char *line, size_t len,
		     uint64_t lineno, struct trace_event *out)
{
	const char *s = line, *e = line + len, *q, *b;
	struct trace_head h;
	struct trace_event ev;
	const char *why = NULL;
	unsigned seen = 0, missing;
	bool found = false, nomem = false, is_new;
	int type;

	p->st.lines++;
	p->st.bytes += len;
	while (e > s && (e[-1] == '\r' || e[-1] == '\n' || trace_isblank(e[-1])))
		e--;
	q = trace_skip_blanks(s, e);
	if (q == e || *q == '#') {
		p->st.skipped++;
		return TRACE_LINE_SKIPPED;
	}

	/* the first "[digits]" after a blank that gives a complete head; a
	 * task name may itself hold such a bracket, so keep looking */
	for (b = q; (b = memchr(b, '[', (size_t)(e - b))) != NULL; b++) {
		if (b > q && trace_isblank(b[-1]) && b + 1 < e &&
		    trace_isdigit(b[1])) {
			why = trace_head_cpu(q, b, e, &h);
			if (!why) {
				found = true;
				break;
			}
		}
	}
	if (!found) {
		if (trace_known_other(p, s, q, e)) {
			p->st.skipped++;
			return TRACE_LINE_SKIPPED;
		}
		if (!trace_head_nocpu(q, e, &h))
			return trace_malformed(p, line, len, lineno, why ? why :
					       "no \"task-pid [CPU] timestamp: event:\" head");
	}

	type = trace_event_type(h.ev, h.ev_len);
	if (type < 0 || (h.sys && !(h.sys_len == 4 && memcmp(h.sys, "kmem", 4) == 0))) {
		size_t n = h.sys ? (size_t)(h.ev + h.ev_len - h.sys) : h.ev_len;
		uint32_t id = trace_strtab_intern(p, &p->tab[TRACE_STR_EVENT],
						  h.sys ? h.sys : h.ev, n, &is_new);

		if (id == UINT32_MAX)
			goto nomem;
		p->tab[TRACE_STR_EVENT].ent[id].aux++;
		p->st.other_events++;
		return TRACE_LINE_SKIPPED;
	}

	memset(&ev, 0, sizeof ev);
	ev.type = (uint8_t)type;
	ev.ts_ns = h.ts_ns;
	ev.pfn = SIM_PFN_NONE;
	ev.lineno = lineno;
	ev.pid = h.pid;
	ev.node = -1;
	ev.cpu = h.cpu;
	ev.migratetype = -1;
	ev.shape = h.shape;
	if (h.cpu == TRACE_CPU_UNKNOWN)
		ev.flags |= TRACE_EVF_NO_CPU;

	why = trace_fields(p, h.fields, e, &ev, &seen, &nomem);
	if (nomem)
		goto nomem;
	if (why)
		return trace_malformed(p, line, len, lineno, why);
	missing = trace_need[type] & ~seen;
	if (type >= TRACE_MM_PAGE_ALLOC && !(seen & (TF_PFN | TF_PAGE)))
		missing |= TF_PFN;
	if (missing)
		return trace_malformed(p, line, len, lineno,
				       trace_missing_reason(missing));

	ev.comm = trace_strtab_intern(p, &p->tab[TRACE_STR_COMM], h.comm,
				      h.comm_len, &is_new);
	if (ev.comm == UINT32_MAX)
		goto nomem;

	if (ev.flags & TRACE_EVF_GFP_UNKNOWN)
		p->st.gfp_unknown++;
	if (ev.flags & TRACE_EVF_NO_CPU)
		p->st.no_cpu++;
	p->st.events++;
	p->st.per_type[type]++;
	*out = ev;
	return TRACE_LINE_EVENT;

nomem:
	/* not counted: the caller may retry the line after freeing memory */
	p->st.lines--;
	p->st.bytes -= len;
	return TRACE_LINE_NOMEM;
}

int trace_parse_next(struct trace_parser *p, struct trace_reader *r,
		     struct trace_event *out)
{
	const char *line;
	size_t len;
	int rc;

	for (;;) {
		rc = trace_reader_next(r, &line, &len);
		if (rc <= 0)
			return rc;
		rc = trace_parse_line(p, line, len, trace_reader_lineno(r), out);
		if (rc == TRACE_LINE_EVENT || rc == TRACE_LINE_NOMEM)
			return rc;
	}
}

/* ---- Reader ---- */

/*
 * Lines are cut out of the chunks trace_input_pull() lends.  A line that
 * lies whole inside a chunk is returned in place (no copy: this is the
 * common case, all but one line per chunk); a line that straddles chunks
 * is gathered in @carry, at most TRACE_LINE_MAX bytes of it.
 */
struct trace_reader {
	struct trace_input *in;	/* owned */
	const char *cur, *end;	/* the unread part of the current chunk */
	char *carry;		/* a line begun in an earlier chunk */
	size_t carry_len;
	bool carry_out;		/* carry was handed out: empty it first */
	bool skipping;		/* dropping the rest of an overlong line */
	bool eof;		/* the input has no more chunks */
	bool failed;
	uint64_t lineno, overlong;
	char err[TRACE_READER_ERR_MAX];
};

/* append [s, s + n) to the carry, keeping at most TRACE_LINE_MAX bytes;
 * true when it had to cut (the line is overlong) */
static bool trace_carry(struct trace_reader *r, const char *s, size_t n)
{
	size_t room = TRACE_LINE_MAX - r->carry_len;
	bool cut = n > room;

	if (cut)
		n = room;
	memcpy(r->carry + r->carry_len, s, n);
	r->carry_len += n;
	return cut;
}

static int trace_reader_fail(struct trace_reader *r)
{
	if (!r->failed)
		snprintf(r->err, sizeof r->err, "%s", trace_input_error(r->in));
	r->failed = true;
	return TRACE_READ_ERROR;
}

int trace_reader_next(struct trace_reader *r, const char **line, size_t *len)
{
	if (r->failed)
		return TRACE_READ_ERROR;
	if (r->carry_out) {
		r->carry_out = false;
		r->carry_len = 0;
	}
	for (;;) {
		size_t avail = (size_t)(r->end - r->cur);
		const char *nl = avail ? memchr(r->cur, '\n', avail) : NULL;
		int rc;

		if (nl) {
			const char *start = r->cur;
			size_t n = (size_t)(nl - start);

			r->cur = nl + 1;
			if (r->skipping) {		/* the end of an overlong line */
				r->skipping = false;
				continue;
			}
			if (r->carry_len) {		/* the end of a straddling line */
				if (trace_carry(r, start, n))
					r->overlong++;
				r->carry_out = true;
				*line = r->carry;
				*len = r->carry_len;
			} else {
				if (n > TRACE_LINE_MAX) {
					n = TRACE_LINE_MAX;
					r->overlong++;
				}
				*line = start;
				*len = n;
			}
			r->lineno++;
			return 1;
		}
		/* no '\n' in the rest of this chunk: keep it for the next one */
		r->cur = r->end;
		if (avail && !r->skipping && trace_carry(r, r->end - avail, avail)) {
			/* overlong: hand out what fits now, drop the rest */
			r->skipping = true;
			r->overlong++;
			r->carry_out = true;
			*line = r->carry;
			*len = r->carry_len;
			r->lineno++;
			return 1;
		}
		if (r->eof) {
			if (!r->carry_len || r->skipping) {
				r->skipping = false;
				r->carry_len = 0;
				return 0;
			}
			/* the last line has no '\n' */
			r->carry_out = true;
			*line = r->carry;
			*len = r->carry_len;
			r->lineno++;
			return 1;
		}
		rc = trace_input_pull(r->in, &r->cur, &avail);
		if (rc < 0)
			return trace_reader_fail(r);
		if (rc == 0) {
			r->eof = true;
			r->cur = r->end = NULL;
		} else {
			r->end = r->cur + avail;
		}
	}
}

struct trace_reader *trace_reader_open_input(struct trace_input *in)
{
	struct trace_reader *r;

	if (!in)
		return NULL;
	r = calloc(1, sizeof *r);
	if (r)
		r->carry = malloc(TRACE_LINE_MAX);
	if (!r || !r->carry) {
		free(r);
		trace_input_close(in);
		return NULL;
	}
	r->in = in;
	return r;
}

struct trace_reader *trace_reader_open_mem(const char *buf, size_t len)
{
	return trace_reader_open_input(trace_input_open_mem(buf, len));
}

struct trace_reader *trace_reader_open(const char *path, char *err,
				       size_t errlen)
{
	struct trace_input *in = trace_input_open(path, err, errlen);
	struct trace_reader *r;

	if (!in)
		return NULL;
	r = trace_reader_open_input(in);
	if (!r && err && errlen)
		snprintf(err, errlen, "%s: out of memory", path);
	return r;
}

uint64_t trace_reader_lineno(const struct trace_reader *r)
{
	return r->lineno;
}

void trace_reader_progress(const struct trace_reader *r, uint64_t *done,
			   uint64_t *total)
{
	trace_input_progress(r->in, done, total);
}

uint64_t trace_reader_overlong(const struct trace_reader *r)
{
	return r->overlong;
}

const char *trace_reader_error(const struct trace_reader *r)
{
	return r->err;
}

struct trace_input *trace_reader_input(const struct trace_reader *r)
{
	return r->in;
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	trace_input_close(r->in);
	free(r->carry);
	free(r);
}

/* ---- Ordering: whole-array sort ---- */

uint64_t trace_events_disorder(const struct trace_event *ev, size_t n)
{
	uint64_t max = 0, worst = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ev[i].ts_ns >= max)
			max = ev[i].ts_ns;
		else if (max - ev[i].ts_ns > worst)
			worst = max - ev[i].ts_ns;
	}
	return worst;
}

/* Merge sorted runs [lo, mid) and [mid, hi) of @src into @dst; left wins ties. */
static void trace_merge(const struct trace_event *src, struct trace_event *dst,
			size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		dst[k++] = src[j].ts_ns < src[i].ts_ns ? src[j++] : src[i++];
	while (i < mid)
		dst[k++] = src[i++];
	while (j < hi)
		dst[k++] = src[j++];
}

int trace_events_sort(struct trace_event *ev, size_t n)
{
	struct trace_event *tmp, *src, *dst, *t;
	size_t i, w, run = 32;

	for (i = 1; i < n && ev[i - 1].ts_ns <= ev[i].ts_ns; i++)
		;
	if (i >= n)
		return 0;
	tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return -1;
	/* insertion sort of short runs (stable), then bottom-up merges */
	for (i = 0; i < n; i += run) {
		size_t hi = i + run < n ? i + run : n, a;

		for (a = i + 1; a < hi; a++) {
			struct trace_event x = ev[a];
			size_t b = a;

			while (b > i && ev[b - 1].ts_ns > x.ts_ns) {
				ev[b] = ev[b - 1];
				b--;
			}
			ev[b] = x;
		}
	}
	src = ev;
	dst = tmp;
	for (w = run; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t mid = i + w < n ? i + w : n;
			size_t hi = i + 2 * w < n ? i + 2 * w : n;

			trace_merge(src, dst, i, mid, hi);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != ev)
		memcpy(ev, src, n * sizeof *ev);
	free(tmp);
	return 0;
}

/* ---- Ordering: streaming reorder buffer ---- */

/*
 * A binary min-heap on (key, seq).  key is the event's timestamp, raised to
 * the last released key for late events, so the released keys never go
 * backwards; seq is the push number and makes the order total and stable.
 * Invariant: every element's (key, seq) >= its parent's.
 */
struct trace_rq_item {
	uint64_t key, seq;
	struct trace_event ev;
};

struct trace_reorder {
	struct trace_rq_item *heap;
	size_t n, cap, peak;
	uint64_t window, seq, newest, last_out, late;
	bool any_out;
};

static inline bool trace_rq_less(const struct trace_rq_item *a,
				 const struct trace_rq_item *b)
{
	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

struct trace_reorder *trace_reorder_new(uint64_t window_ns)
{
	struct trace_reorder *q = calloc(1, sizeof *q);

	if (q)
		q->window = window_ns;
	return q;
}

void trace_reorder_free(struct trace_reorder *q)
{
	if (!q)
		return;
	free(q->heap);
	free(q);
}

int trace_reorder_push(struct trace_reorder *q, const struct trace_event *ev)
{
	struct trace_rq_item it;
	size_t i;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct trace_rq_item *h = realloc(q->heap, cap * sizeof *h);

		if (!h)
			return -1;
		q->heap = h;
		q->cap = cap;
	}
	it.ev = *ev;
	it.seq = q->seq++;
	it.key = ev->ts_ns;
	if (q->any_out && it.key < q->last_out) {
		it.key = q->last_out;
		q->late++;
	}
	if (ev->ts_ns > q->newest)
		q->newest = ev->ts_ns;
	for (i = q->n++; i > 0; i = (i - 1) / 2) {
		if (!trace_rq_less(&it, &q->heap[(i - 1) / 2]))
			break;
		q->heap[i] = q->heap[(i - 1) / 2];
	}
	q->heap[i] = it;
	if (q->n > q->peak)
		q->peak = q->n;
	return 0;
}

int trace_reorder_pop(struct trace_reorder *q, struct trace_event *out,
		      bool drain)
{
	struct trace_rq_item last;
	size_t i, c;

	if (q->n == 0)
		return 0;
	if (!drain && (q->newest < q->window ||
		       q->heap[0].key > q->newest - q->window))
		return 0;
	*out = q->heap[0].ev;
	q->last_out = q->heap[0].key;
	q->any_out = true;
	last = q->heap[--q->n];
	for (i = 0; (c = 2 * i + 1) < q->n; i = c) {
		if (c + 1 < q->n && trace_rq_less(&q->heap[c + 1], &q->heap[c]))
			c++;
		if (!trace_rq_less(&q->heap[c], &last))
			break;
		q->heap[i] = q->heap[c];
	}
	if (q->n)
		q->heap[i] = last;
	return 1;
}

uint64_t trace_reorder_late(const struct trace_reorder *q)
{
	return q->late;
}

size_t trace_reorder_peak(const struct trace_reorder *q)
{
	return q->peak;
}

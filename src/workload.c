/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workload.c - the workload engine: generated allocations and frees, run in C
 *
 * How it works.  A workload is a set of streams (kinds of object: where
 * they come from, how big they are, how long they live, how often they are
 * wanted) and a mix of who allocates them (contexts with their GFP, CPUs).
 * It runs phase by phase, on a schedule of its own:
 *
 *   - the phase's events (an arrival in RAMP, STEADY and BURST, a slot
 *     visit in SLOTS, a drain step in DRAIN) are scheduled from the phase's
 *     start, one gap apart: 1e9/rate ns, fixed or drawn from an
 *     exponential with that mean (poisson); with no rate the gap is 0 and
 *     the events happen back to back, at one instant of the schedule;
 *   - an object is due at its event's scheduled time plus its lifetime;
 *     objects due at or before the next event are freed first, in (due,
 *     allocation) order;
 *   - the simulator's clock is advanced (sim_advance: periodic kernel work
 *     runs) to each event's scheduled time, unless the modelled costs of
 *     the operations so far already took it further: then the allocator is
 *     late and the event happens at once.
 *
 * The schedule never depends on how long the operations took, so SLAB,
 * SLUB and SLOB are asked for exactly the same sequence of operations
 * (until an allocation fails, which changes what follows); a slow policy
 * shows as latency and as a clock ahead of the schedule.  Time that passes
 * between phases (sim:advance from the scenario) moves the schedule too.
 * An operation is one allocation attempt or one free.  A phase stops when
 * it has done `ops` operations, when its schedule reaches its end time, or
 * (DRAIN) when its share of the live objects is freed; then the objects
 * with a phase-bound lifetime are freed in allocation order (those frees
 * are operations of the phase too).  A phase whose events are back to back
 * needs `ops`: its schedule does not move.
 *
 * Random draws, in this order, and only for a choice with more than one
 * candidate (an entry of weight 0 is no candidate; a range of one value,
 * or a single slot, draws nothing):
 *   arrival   stream, target, CPU, context, size (kmalloc targets only);
 *             then, if the allocation succeeded, the lifetime (exponential
 *             or pareto); then the gap to the next event (poisson);
 *   slots     the slot; if it is empty, an arrival's draws but no
 *             lifetime (a slot's object lives until the slot is drawn
 *             again); then the gap;
 *   drain     the victim (RANDOM order only), then the gap;
 *   free      the CPU, if frees run on any CPU of the mix.
 * A weighted choice draws r = sim_rand_range(1, total) and takes the first
 * entry whose cumulative weight reaches r.  kmemsim.workload's reference
 * loop makes the same draws through sim:random() and sim:rand(), which is
 * how tests prove that the engine and a per-operation Lua loop agree.
 *
 * Live objects.  Records (struct wl_obj, 32 bytes) live in one array, free
 * ones chained through `where`.  A record is on its stream's live array
 * (swap-remove: a RANDOM drain indexes it) and on exactly one of (its
 * kind): the min-heap by (due, seq) for finite lifetimes, the phase's
 * array of phase-bound objects, a slot, or nothing (forever).  The heap's
 * entries carry due and seq themselves, so a sift reads the heap only.
 * seq numbers allocations, so (due, seq) is a total order and any correct
 * heap pops the same sequence; allocation order (FIFO and LIFO drains,
 * listings) is seq order, sorted when needed rather than kept in lists:
 * an operation touches its own record and the arrays it is on, never
 * another record.  Phase-bound objects die only at their phase's end, in
 * allocation order, so their array is append-only; a drain allocates
 * nothing, so a record freed during it is never reused before it ends.
 *
 * Slots.  A slot's object has its record at a fixed place: the slots are
 * a block of records of their own, slot k's at obj[slot0 + k], off the
 * free chain (an empty slot's record has kind EMPTY), and taken[k] says
 * whether slot k holds an object.  A SLOTS event tests taken[k] -- a byte
 * per slot, an array that stays in the host's L1 cache, so the branch on
 * it seldom waits for a miss -- and a free then reads the record, which
 * holds the address kfree needs: one cache miss before kfree starts, where
 * an array of record numbers cost two dependent ones (the number, then
 * the record; issue 15: host time).  The price is a record and a byte per
 * slot, taken or not.  Slots outlive their phase; a later SLOTS phase with
 * more of them moves the block to the array's end (record numbers are
 * never shown: outputs stay the same).
 *
 * Invariants (sim_wl_validate()):
 *   st.live == sum over streams of nr_live;
 *   heap[i].id's record has kind HEAP and where == i + 1, its seq equals
 *   heap[i].seq, and heap[(i - 1) / 2] is before heap[i];
 *   obj[s->live[i]].pos == i; obj[slot0 + k] has kind SLOT (live) or
 *   EMPTY for every k < nr_slots, SLOT iff taken[k], and no other record
 *   has either kind;
 *   phase[] holds the live PHASE records; nr_obj == live records + the free
 *   chain's + the empty slots'.
 *
 * Ownership: the engine drives the simulator only through sim.h, the way a
 * scenario does; it never touches allocator state and keeps no globals.
 * One exception, for host speed (issue 15): the reads every operation
 * makes -- the virtual clock, the current CPU, the slab page counters, the
 * PRNG draw, the work budget and the panic flag -- are inlined from state.h
 * (wl_now() and friends below)
 * instead of called through sim.h; each does exactly what its sim.h
 * function does, so every draw and every result stay the same.  Likewise
 * kmalloc and kfree go through slab.h's inline bodies of sim_kmalloc() and
 * sim_kfree() (slab_api_kmalloc/kfree), which also put the latency into
 * the engine's own histogram.
 * Host memory needed for an object is reserved before the simulator is
 * asked for it, so running out of host memory never leaks a simulated
 * object.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sim.h"
#include "slab.h"
#include "state.h"
#include "workload.h"

#define WL_NIL		UINT32_MAX
#define WL_MAX_OBJS	(UINT32_MAX - 1)

/* ---- State ---- */

/* where a record is queued (wl_obj.kind) */
enum wl_where {
	WL_AT_NONE,			/* lives forever */
	WL_AT_HEAP,			/* finite lifetime: heap[where - 1] */
	WL_AT_SLOT,			/* a SLOTS object: its record is its slot's */
	WL_AT_PHASE,			/* phase-bound: on the phase array */
	WL_AT_FREE,			/* a free record: where = next free one */
	WL_AT_EMPTY,			/* an empty slot's record (not on the free chain) */
};

/* one live object */
struct wl_obj {
	sim_addr_t addr;
	uint64_t seq;			/* allocation number, 1.. */
	uint32_t size;			/* bytes requested (<= WL_MAX_SIZE) */
	uint32_t where;			/* by kind, see enum wl_where */
	uint32_t pos;			/* index in its stream's live array */
	uint8_t stream, target, cpu;	/* < WL_MAX_STREAMS, WL_MAX_TARGETS, SIM_MAX_CPUS */
	uint8_t ctx : 4, kind : 4;	/* enum sim_context, enum wl_where */
};
_Static_assert(sizeof(struct wl_obj) == 32, "a record is half a host cache line");
/*
 * the record array starts on a host cache line, so that no record straddles
 * two (malloc's 16-byte alignment put every other record across a line
 * boundary: two misses for one record; issue 15, host time)
 */
#define WL_LINE		64
_Static_assert(WL_MAX_STREAMS <= 256 && WL_MAX_TARGETS <= 256 && SIM_MAX_CPUS <= 256 &&
	       SIM_NR_CONTEXTS <= 16 && WL_MAX_SIZE <= UINT32_MAX,
	       "the record's fields hold every value");

/* one entry of the min-heap of finite lifetimes */
struct wl_hent {
	sim_time_t due;
	uint64_t seq;
	uint32_t id;
};

/* a weighted choice: nz candidates (weight > 0), `only` if there is one */
struct wl_pick {
	size_t n;
	uint64_t *cum;			/* cumulative weights */
	uint64_t total;
	size_t nz, only;
};

struct wl_size {
	enum sim_wl_size_kind kind;
	uint64_t lo, hi;
	uint64_t *value, *upper;
	struct wl_pick pick;
};

struct wl_target {
	sim_cache_t cache;		/* SIM_CACHE_NONE: kmalloc */
	uint64_t size;			/* a cache's object_size */
};

struct wl_stream {
	char *name;
	struct wl_target *targets;
	struct wl_pick tpick;
	struct wl_size size;
	struct sim_wl_life life;
	gfp_t flags;
	uint32_t *live;			/* live objects, swap-remove order */
	uint32_t nr_live, cap_live;
	uint64_t live_bytes;
	uint64_t allocs, frees, failures, peak_live;
};

struct wl_mix {
	struct sim_wl_context *ctx;
	size_t nr_ctx;
	struct wl_pick xpick;
	unsigned *cpu;			/* nr_cpus == 0: the CPU of the phase start */
	size_t nr_cpus;
	struct wl_pick cpick;
};


struct wl_reason {
	char key[WL_REASON_LEN + 1];
	uint64_t count;
};

/* what one run of sim_wl_run_phase() needs */
struct wl_run {
	const struct sim_wl_phase *ph;
	struct wl_pick spick;		/* streams, with the phase's weights */
	const struct wl_mix *mix;
	unsigned cpu0;			/* current CPU at the start */
	uint64_t peak;			/* slab pages, this phase */
	uint32_t *order;		/* FIFO/LIFO drain: eligible objects by seq */
	uint32_t nr_order, first;	/* ... entries, the next FIFO one */
};

struct sim_wl {
	struct sim *sim;
	struct wl_stream *streams;
	size_t nr_streams;
	uint64_t *weights;		/* the streams' own weights */
	uint64_t *ones;			/* a weight of 1 for every stream */
	struct wl_mix mix;
	bool free_any_cpu;

	struct wl_obj *obj;		/* at a WL_LINE boundary inside obj_mem */
	void *obj_mem;
	uint32_t nr_obj, cap_obj, free_obj;
	struct wl_hent *heap;
	uint32_t nr_heap, cap_heap;
	uint32_t slot0;			/* slot k's record: obj[slot0 + k] */
	uint64_t nr_slots;
	bool *taken;			/* [k]: slot k holds an object (its record: SLOT) */
	uint32_t *phase;		/* phase-bound objects, in allocation order */
	uint32_t nr_phase, cap_phase;
	uint64_t seq;
	sim_time_t sched;		/* the workload's schedule: time of the current event */
	sim_time_t mark;		/* the clock when the last phase ended */

	struct sim_wl_stats st;
	struct sim_lat_hist lat[2];		/* SIM_LAT_ALLOC, SIM_LAT_FREE */
	struct wl_reason reason[WL_MAX_REASONS + 1];	/* + "other" */
	size_t nr_reasons;
};

static const char *const wl_phase_names[SIM_WL_NR_PHASE_KINDS] = {
	"ramp", "steady", "burst", "drain", "slots",
};

const char *sim_wl_phase_kind_name(enum sim_wl_phase_kind kind)
{
	return (unsigned)kind < SIM_WL_NR_PHASE_KINDS ? wl_phase_names[kind] : "?";
}

static int wl_err(char *err, size_t errlen, int status, const char *fmt, ...)
	sim_printf_like(4, 5);
static int wl_err(char *err, size_t errlen, int status, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return status;
}

/*
 * grow *@arr of @elem-byte entries to hold @need; 0 or -1 (host OOM, *@arr
 * as it was).  With @mem, *@arr starts at a host cache line inside the
 * block *@mem, which has a line to spare: realloc keeps no alignment, so
 * the entries move to the boundary when realloc put them off it.  A big
 * block never needs that (realloc moves it with mremap, which keeps its
 * offset in the page), and so the pages it had are not touched anew; a
 * fresh aligned block and a copy at each doubling faulted them all in
 * again (issue 15: host time).
 */
static int wl_grow(void **arr, uint32_t *cap, uint64_t need, size_t elem, void **mem)
{
	uint64_t n = *cap ? *cap : 256;
	size_t shift;
	char *p, *at;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (n > WL_MAX_OBJS)
		n = WL_MAX_OBJS;
	if (n < need)
		return -1;
	if (!mem) {
		p = realloc(*arr, (size_t)n * elem);
		if (!p)
			return -1;
		*arr = p;
		*cap = (uint32_t)n;
		return 0;
	}
	shift = *mem ? (size_t)((char *)*arr - (char *)*mem) : 0;
	p = realloc(*mem, (size_t)n * elem + WL_LINE - 1);
	if (!p)
		return -1;
	at = p + (WL_LINE - (uintptr_t)p % WL_LINE) % WL_LINE;
	if (at != p + shift)
		memmove(at, p + shift, (size_t)*cap * elem);
	*mem = p;
	*arr = at;
	*cap = (uint32_t)n;
	return 0;
}

/* ---- The simulator's state read inline (see Ownership at the top) ---- */

/* sim_now() */
static inline sim_time_t wl_now(const struct sim *sim)
{
	return sim->now;
}

/* sim_current_cpu() */
static inline unsigned wl_cur_cpu(const struct sim *sim)
{
	return sim->cur_cpu;
}

/* sim_rand_range(): the same draw from the same generator */
static inline int64_t wl_rand_range(struct sim *sim, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo;

	if (span == UINT64_MAX)
		return (int64_t)rng_next(&sim->rng);
	return (int64_t)((uint64_t)lo + rng_below(&sim->rng, span + 1));
}

/* sim_over_budget() */
static inline bool wl_over_budget(const struct sim *sim)
{
	return sim->budget->limit && sim->budget->used > sim->budget->limit;
}

/* sim_panicked() */
static inline bool wl_panicked(const struct sim *sim)
{
	return sim->panicked;
}

/* sim_slab_vmstat(), reclaimable + unreclaimable */
static inline uint64_t wl_slab_pages(const struct sim *sim)
{
	return sim->node_stat.nr_slab_reclaimable + sim->node_stat.nr_slab_unreclaimable;
}

/* ---- Weighted choices ---- */

static int wl_pick_init(struct wl_pick *p, const uint64_t *w, size_t n,
			const char *what, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->n = n;
	p->cum = malloc((n ? n : 1) * sizeof *p->cum);
	if (!p->cum)
		return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	for (size_t i = 0; i < n; i++) {
		if (w[i] > WL_MAX_WEIGHT - p->total)
			return wl_err(err, errlen, SIM_EINVAL,
				      "%s: weights add up to more than 2^53", what);
		p->total += w[i];
		p->cum[i] = p->total;
		if (w[i]) {
			if (!p->nz)
				p->only = i;
			p->nz++;
		}
	}
	return SIM_OK;
}

static void wl_pick_fini(struct wl_pick *p)
{
	free(p->cum);
	p->cum = NULL;
}

static inline size_t wl_pick(struct sim *sim, const struct wl_pick *p)
{
	uint64_t r;
	size_t lo = 0, hi;

	/* most choices have one candidate: one target, one context, ... */
	if (likely(p->nz <= 1))
		return p->only;
	r = (uint64_t)wl_rand_range(sim, 1, (int64_t)p->total);
	hi = p->n - 1;
	while (lo < hi) {	/* the first entry whose cumulative weight reaches r */
		size_t mid = lo + (hi - lo) / 2;

		if (p->cum[mid] >= r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- Latency histograms (sim_lat_hist, as the simulator's own) ---- */

static const struct sim_lat_hist *wl_hist_of(const struct sim_wl *w,
					enum sim_lat_kind kind)
{
	return kind == SIM_LAT_FREE ? &w->lat[1] : kind == SIM_LAT_ALLOC ? &w->lat[0]
									   : NULL;
}

sim_time_t sim_wl_lat_percentile(const struct sim_wl *w, enum sim_lat_kind kind,
				 double pct)
{
	const struct sim_lat_hist *h = wl_hist_of(w, kind);

	return h ? sim_lat_hist_percentile(h, pct) : 0;
}

sim_time_t sim_wl_lat_max(const struct sim_wl *w, enum sim_lat_kind kind)
{
	const struct sim_lat_hist *h = wl_hist_of(w, kind);

	return h ? h->max : 0;
}

/* ---- Failure reasons ---- */

void wl_reason_key(const char *reason, char *key)
{
	const char *open = strchr(reason, '(');
	const char *colon = open ? strchr(open + 1, ':') : NULL;
	size_t n = colon ? (size_t)(colon - reason) : strlen(reason);

	if (n > WL_REASON_LEN)
		n = WL_REASON_LEN;
	memcpy(key, reason, n);
	if (colon && n < WL_REASON_LEN)
		key[n++] = ')';
	key[n] = '\0';
}

/* out of line: the hot paths that call these rarely keep a small frame */
#if defined(__GNUC__)
#define wl_noinline	__attribute__((noinline))
#define wl_cold		__attribute__((noinline, cold))
#else
#define wl_noinline
#define wl_cold
#endif

static wl_cold void wl_count_reason(struct sim_wl *w, const char *reason)
{
	char key[WL_REASON_LEN + 1];
	size_t i;

	wl_reason_key(reason, key);
	for (i = 0; i < w->nr_reasons; i++) {
		if (strcmp(w->reason[i].key, key) == 0) {
			w->reason[i].count++;
			return;
		}
	}
	if (w->nr_reasons == WL_MAX_REASONS) {
		/* the slot after the last kept key collects the rest */
		if (!w->reason[WL_MAX_REASONS].count)
			strcpy(w->reason[WL_MAX_REASONS].key, WL_REASON_OTHER);
		w->reason[WL_MAX_REASONS].count++;
		return;
	}
	strcpy(w->reason[i].key, key);
	w->reason[i].count = 1;
	w->nr_reasons++;
}

const char *sim_wl_reason_at(const struct sim_wl *w, size_t i, uint64_t *count)
{
	if (i < w->nr_reasons) {
		*count = w->reason[i].count;
		return w->reason[i].key;
	}
	if (i == w->nr_reasons && w->nr_reasons == WL_MAX_REASONS &&
	    w->reason[WL_MAX_REASONS].count) {
		*count = w->reason[WL_MAX_REASONS].count;
		return w->reason[WL_MAX_REASONS].key;
	}
	return NULL;
}

/* ---- The heap ---- */

static inline bool wl_before(const struct wl_hent *x, const struct wl_hent *y)
{
	return x->due < y->due || (x->due == y->due && x->seq < y->seq);
}

static inline void wl_heap_set(struct sim_wl *w, uint32_t i, const struct wl_hent *e)
{
	w->heap[i] = *e;
	w->obj[e->id].where = i + 1;
}

static void wl_sift_up(struct sim_wl *w, uint32_t i)
{
	struct wl_hent e = w->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!wl_before(&e, &w->heap[parent]))
			break;
		wl_heap_set(w, i, &w->heap[parent]);
		i = parent;
	}
	wl_heap_set(w, i, &e);
}

static void wl_sift_down(struct sim_wl *w, uint32_t i)
{
	struct wl_hent e = w->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= w->nr_heap)
			break;
		if (c + 1 < w->nr_heap && wl_before(&w->heap[c + 1], &w->heap[c]))
			c++;
		if (!wl_before(&w->heap[c], &e))
			break;
		wl_heap_set(w, i, &w->heap[c]);
		i = c;
	}
	wl_heap_set(w, i, &e);
}

static void wl_heap_remove(struct sim_wl *w, uint32_t id)
{
	uint32_t i = w->obj[id].where - 1;
	struct wl_hent last = w->heap[--w->nr_heap];

	if (last.id == id)
		return;
	wl_heap_set(w, i, &last);
	wl_sift_up(w, i);
	wl_sift_down(w, w->obj[last.id].where - 1);
}

/* ---- Objects ---- */

/* wl_reserve() when an array is full */
static wl_cold bool wl_reserve_grow(struct sim_wl *w, struct wl_stream *s, bool arrival)
{
	if (wl_grow((void **)&s->live, &s->cap_live, (uint64_t)s->nr_live + 1,
		    sizeof *s->live, NULL))
		return false;
	if (!arrival)
		return true;
	if (w->free_obj == WL_NIL &&
	    wl_grow((void **)&w->obj, &w->cap_obj, (uint64_t)w->nr_obj + 1,
		    sizeof *w->obj, &w->obj_mem))
		return false;
	if (wl_grow((void **)&w->phase, &w->cap_phase, (uint64_t)w->nr_phase + 1,
		    sizeof *w->phase, NULL))
		return false;
	return wl_grow((void **)&w->heap, &w->cap_heap, (uint64_t)w->nr_heap + 1,
		       sizeof *w->heap, NULL) == 0;
}

/*
 * room for one more live object of @s on its stream's array; for an
 * @arrival also a record, and room on the phase array and the heap (which
 * one its lifetime says).  A SLOTS object needs neither: its record is its
 * slot's, reserved with the slot.  False on host OOM (nothing changed).
 */
static inline bool wl_reserve(struct sim_wl *w, struct wl_stream *s, bool arrival)
{
	/* the common case: room everywhere, no call */
	if (s->nr_live < s->cap_live &&
	    (!arrival || ((w->free_obj != WL_NIL || w->nr_obj < w->cap_obj) &&
			  w->nr_phase < w->cap_phase && w->nr_heap < w->cap_heap)))
		return true;
	return wl_reserve_grow(w, s, arrival);
}

static uint32_t wl_obj_get(struct sim_wl *w)
{
	uint32_t id = w->free_obj;

	if (id != WL_NIL) {
		w->free_obj = w->obj[id].where;
		return id;
	}
	return w->nr_obj++;
}

/* a record of a live object (not a free one, not an empty slot's) */
static inline bool wl_obj_live(const struct wl_obj *o)
{
	return o->kind != WL_AT_FREE && o->kind != WL_AT_EMPTY;
}

/*
 * @n slots (more than now): a new block of records at the end of the
 * array, the live slot objects moved into it (their stream's live array
 * names the new record; nothing else names a slot's record), the old
 * block's records onto the free chain.  Records are numbers that no output
 * shows, so the move changes nothing but the host layout.  False on host
 * OOM (nothing changed).
 */
static bool wl_slots_grow(struct sim_wl *w, uint64_t n)
{
	uint32_t base = w->nr_obj;
	bool *taken = realloc(w->taken, (size_t)n * sizeof *taken);

	if (!taken)
		return false;
	memset(taken + w->nr_slots, 0, (size_t)(n - w->nr_slots) * sizeof *taken);
	w->taken = taken;
	if (wl_grow((void **)&w->obj, &w->cap_obj, (uint64_t)w->nr_obj + n, sizeof *w->obj,
		    &w->obj_mem))
		return false;
	memset(&w->obj[base], 0, (size_t)n * sizeof *w->obj);
	for (uint64_t k = 0; k < n; k++) {
		struct wl_obj *o = &w->obj[base + k];

		o->kind = WL_AT_EMPTY;
		if (k >= w->nr_slots)
			continue;
		*o = w->obj[w->slot0 + k];
		if (o->kind == WL_AT_SLOT)
			w->streams[o->stream].live[o->pos] = base + (uint32_t)k;
		w->obj[w->slot0 + k].kind = WL_AT_FREE;
		w->obj[w->slot0 + k].where = w->free_obj;
		w->free_obj = w->slot0 + (uint32_t)k;
	}
	w->nr_obj = base + (uint32_t)n;
	w->slot0 = base;
	w->nr_slots = n;
	return true;
}

/*
 * take @id (record @o, of stream @s: the caller has them at hand, and
 * would otherwise have them looked up again after its kfree call) off its
 * stream's array and its queue; the record goes back to the free chain (a
 * phase-bound one: its phase's end empties the array), a slot's record
 * stays its slot's, now empty
 */
static void wl_release(struct sim_wl *w, struct wl_stream *s, struct wl_obj *o,
		       uint32_t id)
{
	uint32_t last;

	if (o->kind == WL_AT_HEAP)
		wl_heap_remove(w, id);
	last = s->live[--s->nr_live];
	s->live[o->pos] = last;
	w->obj[last].pos = o->pos;
	o->ctx = 0;		/* meaningless in a dead record: one byte store */
	if (o->kind == WL_AT_SLOT) {
		w->taken[id - w->slot0] = false;
		o->kind = WL_AT_EMPTY;
		return;
	}
	o->kind = WL_AT_FREE;
	o->where = w->free_obj;
	w->free_obj = id;
}

static inline void wl_digest(struct sim_wl *w, uint64_t op, uint64_t addr,
			     uint64_t size)
{
	uint64_t h = w->st.digest;

	h = (h ^ op) * WL_FNV_PRIME;
	h = (h ^ addr) * WL_FNV_PRIME;
	h = (h ^ size) * WL_FNV_PRIME;
	w->st.digest = h;
}

/*
 * after every operation: the slab footprint's peak in this phase (the
 * workload's own peak takes the phase's at its end: one comparison per
 * operation instead of two, issue 15)
 */
static inline void wl_after_op(struct sim_wl *w, struct wl_run *run)
{
	uint64_t r = wl_slab_pages(w->sim);

	if (unlikely(r > run->peak))
		run->peak = r;
}

/* where an operation ran before wl_enter(): what wl_leave() undoes */
struct wl_env {
	unsigned old;			/* the CPU to go back to */
	bool moved;			/* anything to undo: another CPU or context */
	bool pushed;			/* a context was pushed */
};

/*
 * run on @cpu in @ctx.  The usual operation runs where the last one did,
 * in process context: then wl_leave() is one test (issue 15); the
 * allocator itself only ever puts back the CPU it borrows.
 */
static inline void wl_enter(struct sim *sim, unsigned cpu, enum sim_context ctx,
			    struct wl_env *e)
{
	e->old = wl_cur_cpu(sim);
	e->moved = cpu != e->old || ctx != SIM_CTX_PROCESS;
	e->pushed = false;
	if (likely(!e->moved))
		return;
	if (cpu != e->old)
		sim_set_cpu(sim, cpu);
	e->pushed = ctx != SIM_CTX_PROCESS && sim_context_push(sim, ctx) == SIM_OK;
}

static inline void wl_leave(struct sim *sim, const struct wl_env *e)
{
	if (likely(!e->moved))
		return;
	if (e->pushed)
		sim_context_pop(sim);
	if (wl_cur_cpu(sim) != e->old)
		sim_set_cpu(sim, e->old);
}

static void wl_free_obj(struct sim_wl *w, struct wl_run *run, uint32_t id)
{
	struct sim *sim = w->sim;
	struct wl_obj *o = &w->obj[id];
	struct wl_stream *s = &w->streams[o->stream];
	sim_cache_t cache = s->targets[o->target].cache;
	unsigned cpu = o->cpu;
	struct wl_env env;
	sim_time_t t0;
	int rc;

	/* free_any_cpu is an option, off by default */
	if (unlikely(w->free_any_cpu) && run->mix->nr_cpus)
		cpu = run->mix->cpu[wl_pick(sim, &run->mix->cpick)];
	wl_enter(sim, cpu, (enum sim_context)o->ctx, &env);
	if (cache) {
		t0 = wl_now(sim);
		rc = sim_cache_free(sim, cache, o->addr);
		sim_lat_hist_add(&w->lat[1], wl_now(sim) - t0);
	} else {
		/* sim_kfree(), then its latency into w->lat[1] */
		rc = slab_api_kfree(sim, o->addr, &w->lat[1]);
	}
	wl_leave(sim, &env);

	/* live and live_bytes on either side of a branch: as a pair, GCC
	 * makes them one vector update of 11 instructions (issue 15) */
	w->st.ops++;
	w->st.live--;
	if (rc == SIM_OK) {
		w->st.frees++;
		s->frees++;
	} else {
		w->st.free_errors++;
	}
	w->st.live_bytes -= o->size;
	s->live_bytes -= o->size;
	wl_digest(w, WL_OP_FREE, o->addr, o->size);
	wl_release(w, s, o, id);
	wl_after_op(w, run);
}

static uint64_t wl_size_draw(struct sim *sim, const struct wl_size *z)
{
	size_t i;

	/* a fixed size is the range [lo, lo] (wl_size_init): one test for
	 * both, before the table kinds (issue 15: a switch tested three) */
	if (z->kind == SIM_WL_SIZE_FIXED || z->kind == SIM_WL_SIZE_UNIFORM)
		return z->lo == z->hi ? z->lo
				      : (uint64_t)wl_rand_range(sim, (int64_t)z->lo,
								 (int64_t)z->hi);
	i = wl_pick(sim, &z->pick);
	if (z->kind == SIM_WL_SIZE_WEIGHTED || z->value[i] == z->upper[i])
		return z->value[i];
	return (uint64_t)wl_rand_range(sim, (int64_t)z->value[i], (int64_t)z->upper[i]);
}

static wl_noinline sim_time_t wl_lifetime_due(struct sim *sim, const struct sim_wl_life *l,
				  sim_time_t born)
{
	double x;

	switch (l->kind) {
	case SIM_WL_LIFE_IMMEDIATE:
		return born;
	case SIM_WL_LIFE_EXPONENTIAL:
		x = sim_rand_exponential(sim, l->mean);
		break;
	case SIM_WL_LIFE_PARETO:
		x = sim_rand_pareto(sim, l->xm, l->alpha);
		break;
	default:
		return WL_NEVER;
	}
	if (!(x < WL_LIFE_CAP))
		return WL_NEVER;
	return born + (sim_time_t)x;
}

/*
 * One allocation attempt; @slot + 1 gets the object in a SLOTS phase (0: an
 * arrival, with a lifetime).  Return: false on host OOM, before anything
 * was allocated.
 */
static bool wl_alloc(struct sim_wl *w, struct wl_run *run, uint64_t slot)
{
	struct sim *sim = w->sim;
	const struct wl_mix *m = run->mix;
	struct wl_stream *s;
	const struct wl_target *t;
	const struct sim_wl_context *c;
	size_t si, ti;
	unsigned cpu;
	struct wl_env env;
	uint64_t size;
	sim_addr_t a = SIM_ADDR_NONE;
	sim_time_t t0;
	int rc;

	si = wl_pick(sim, &run->spick);
	s = &w->streams[si];
	if (!wl_reserve(w, s, !slot))
		return false;	/* the run stops; nothing was allocated */
	ti = wl_pick(sim, &s->tpick);
	t = &s->targets[ti];
	cpu = m->nr_cpus ? m->cpu[wl_pick(sim, &m->cpick)] : run->cpu0;
	c = &m->ctx[wl_pick(sim, &m->xpick)];
	size = t->cache ? t->size : wl_size_draw(sim, &s->size);

	wl_enter(sim, cpu, c->ctx, &env);
	if (t->cache) {
		t0 = wl_now(sim);
		rc = sim_cache_alloc(sim, t->cache, c->gfp | s->flags, &a);
		sim_lat_hist_add(&w->lat[0], wl_now(sim) - t0);
	} else {
		/* sim_kmalloc(), then its latency into w->lat[0] */
		rc = slab_api_kmalloc(sim, size, c->gfp | s->flags, &a, &w->lat[0]);
	}
	if (rc != SIM_OK)
		wl_count_reason(w, sim_last_reason(sim));
	wl_leave(sim, &env);

	w->st.ops++;
	if (rc != SIM_OK) {
		w->st.failures++;
		s->failures++;
		wl_digest(w, WL_OP_FAIL, 0, size);
	} else {
		/* a SLOTS object's record is its slot's */
		uint32_t id = slot ? w->slot0 + (uint32_t)(slot - 1) : wl_obj_get(w);
		struct wl_obj *o = &w->obj[id];

		o->addr = a;
		o->seq = ++w->seq;
		o->size = (uint32_t)size;	/* a live object is <= WL_MAX_SIZE */
		o->stream = (uint8_t)si;
		o->target = (uint8_t)ti;
		o->cpu = (uint8_t)cpu;
		o->pos = s->nr_live;
		s->live[s->nr_live++] = id;
		if (slot) {
			o->ctx = (uint8_t)c->ctx & 0xf;
			o->kind = WL_AT_SLOT;
			o->where = 0;
			w->taken[slot - 1] = true;
		} else if (s->life.kind == SIM_WL_LIFE_PHASE) {
			o->ctx = (uint8_t)c->ctx & 0xf;
			o->kind = WL_AT_PHASE;
			o->where = 0;
			w->phase[w->nr_phase++] = id;
		} else {
			o->ctx = (uint8_t)c->ctx & 0xf;
			o->kind = WL_AT_NONE;
			o->where = 0;
			struct wl_hent e = { wl_lifetime_due(sim, &s->life, w->sched), o->seq, id };

			if (e.due != WL_NEVER) {
				o->kind = WL_AT_HEAP;
				w->heap[w->nr_heap] = e;
				wl_sift_up(w, w->nr_heap++);
			}
		}
		w->st.allocs++;
		s->allocs++;
		/* each count next to its peak's test: a new peak is rare, and
		 * GCC pairs no neighbours into a vector update (issue 15) */
		if (unlikely(++w->st.live > w->st.peak_live))
			w->st.peak_live = w->st.live;
		w->st.live_bytes += size;
		if (unlikely(w->st.live_bytes > w->st.peak_live_bytes))
			w->st.peak_live_bytes = w->st.live_bytes;
		s->live_bytes += size;
		if (unlikely(s->nr_live > s->peak_live))
			s->peak_live = s->nr_live;
		wl_digest(w, WL_OP_ALLOC, a, size);
	}
	wl_after_op(w, run);
	return true;
}

/* ---- Descriptions ---- */

static int wl_mix_init(struct sim_wl *w, struct wl_mix *m,
		       const struct sim_wl_mix *src, const char *what,
		       char *err, size_t errlen, gfp_t gfp_kernel)
{
	uint64_t *tmp;
	size_t n = src->nr_contexts ? src->nr_contexts : 1;
	int rc;

	memset(m, 0, sizeof *m);
	m->ctx = calloc(n, sizeof *m->ctx);
	m->cpu = calloc(src->nr_cpus ? src->nr_cpus : 1, sizeof *m->cpu);
	tmp = calloc(n > src->nr_cpus ? n : src->nr_cpus ? src->nr_cpus : 1,
		     sizeof *tmp);
	if (!m->ctx || !m->cpu || !tmp) {
		free(tmp);
		return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	}
	m->nr_ctx = n;
	if (!src->nr_contexts) {
		m->ctx[0].ctx = SIM_CTX_PROCESS;
		m->ctx[0].gfp = gfp_kernel;
		m->ctx[0].weight = 1;
	}
	for (size_t i = 0; i < src->nr_contexts; i++) {
		if ((unsigned)src->contexts[i].ctx >= SIM_NR_CONTEXTS) {
			free(tmp);
			return wl_err(err, errlen, SIM_EINVAL, "%s: context %zu: no such context",
				      what, i + 1);
		}
		m->ctx[i] = src->contexts[i];
	}
	for (size_t i = 0; i < n; i++)
		tmp[i] = m->ctx[i].weight;
	rc = wl_pick_init(&m->xpick, tmp, n, what, err, errlen);
	if (rc == SIM_OK && !m->xpick.nz)
		rc = wl_err(err, errlen, SIM_EINVAL, "%s: the contexts' weights are all 0", what);
	if (rc == SIM_OK) {
		m->nr_cpus = src->nr_cpus;
		for (size_t i = 0; i < src->nr_cpus; i++) {
			if (src->cpus[i].cpu >= sim_nr_cpus(w->sim)) {
				rc = wl_err(err, errlen, SIM_EINVAL,
					    "%s: cpu %u out of range (0..%u)", what,
					    src->cpus[i].cpu, sim_nr_cpus(w->sim) - 1);
				break;
			}
			m->cpu[i] = src->cpus[i].cpu;
			tmp[i] = src->cpus[i].weight;
		}
	}
	if (rc == SIM_OK && src->nr_cpus) {
		rc = wl_pick_init(&m->cpick, tmp, src->nr_cpus, what, err, errlen);
		if (rc == SIM_OK && !m->cpick.nz)
			rc = wl_err(err, errlen, SIM_EINVAL, "%s: the CPUs' weights are all 0", what);
	}
	free(tmp);
	return rc;
}

static void wl_mix_fini(struct wl_mix *m)
{
	free(m->ctx);
	free(m->cpu);
	wl_pick_fini(&m->xpick);
	wl_pick_fini(&m->cpick);
	memset(m, 0, sizeof *m);
}

static bool wl_size_ok(uint64_t v)
{
	return v >= 1 && v <= WL_MAX_SIZE;
}

static int wl_size_init(struct wl_size *z, const struct sim_wl_size *src,
			const char *name, char *err, size_t errlen)
{
	memset(z, 0, sizeof *z);
	z->kind = src->kind;
	switch (src->kind) {
	case SIM_WL_SIZE_FIXED:
		z->lo = z->hi = src->lo;
		if (!wl_size_ok(src->lo))
			return wl_err(err, errlen, SIM_EINVAL,
				      "stream '%s': size %llu out of range (1..%llu)", name,
				      (unsigned long long)src->lo,
				      (unsigned long long)WL_MAX_SIZE);
		return SIM_OK;
	case SIM_WL_SIZE_UNIFORM:
		z->lo = src->lo;
		z->hi = src->hi;
		if (!wl_size_ok(src->lo) || !wl_size_ok(src->hi) || src->lo > src->hi)
			return wl_err(err, errlen, SIM_EINVAL,
				      "stream '%s': sizes %llu..%llu: need 1 <= lo <= hi <= %llu",
				      name, (unsigned long long)src->lo,
				      (unsigned long long)src->hi,
				      (unsigned long long)WL_MAX_SIZE);
		return SIM_OK;
	case SIM_WL_SIZE_WEIGHTED:
	case SIM_WL_SIZE_HISTOGRAM: {
		bool hist = src->kind == SIM_WL_SIZE_HISTOGRAM;
		int rc;

		if (src->n < 1 || src->n > WL_MAX_ENTRIES || !src->value || !src->weight ||
		    (hist && !src->upper))
			return wl_err(err, errlen, SIM_EINVAL,
				      "stream '%s': a size list needs 1..%d entries", name,
				      WL_MAX_ENTRIES);
		z->value = malloc(src->n * sizeof *z->value);
		z->upper = malloc(src->n * sizeof *z->upper);
		if (!z->value || !z->upper)
			return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
		for (size_t i = 0; i < src->n; i++) {
			uint64_t lo = src->value[i], hi = hist ? src->upper[i] : lo;

			if (!wl_size_ok(lo) || !wl_size_ok(hi) || lo > hi)
				return wl_err(err, errlen, SIM_EINVAL,
					      "stream '%s': size entry %zu (%llu..%llu) out of range (1..%llu)",
					      name, i + 1, (unsigned long long)lo,
					      (unsigned long long)hi,
					      (unsigned long long)WL_MAX_SIZE);
			z->value[i] = lo;
			z->upper[i] = hi;
		}
		rc = wl_pick_init(&z->pick, src->weight, src->n, name, err, errlen);
		if (rc == SIM_OK && !z->pick.nz)
			rc = wl_err(err, errlen, SIM_EINVAL,
				    "stream '%s': the size weights are all 0", name);
		return rc;
	}
	default:
		return wl_err(err, errlen, SIM_EINVAL, "stream '%s': unknown size distribution",
			      name);
	}
}

static int wl_life_check(const struct sim_wl_life *l, const char *name,
			 char *err, size_t errlen)
{
	switch (l->kind) {
	case SIM_WL_LIFE_IMMEDIATE:
	case SIM_WL_LIFE_PHASE:
	case SIM_WL_LIFE_FOREVER:
		return SIM_OK;
	case SIM_WL_LIFE_EXPONENTIAL:
		if (l->mean > 0 && l->mean < WL_LIFE_CAP)
			return SIM_OK;
		return wl_err(err, errlen, SIM_EINVAL,
			      "stream '%s': exponential lifetime needs a mean > 0 ns", name);
	case SIM_WL_LIFE_PARETO:
		if (l->xm > 0 && l->xm < WL_LIFE_CAP && l->alpha > 0 && l->alpha < 1e6)
			return SIM_OK;
		return wl_err(err, errlen, SIM_EINVAL,
			      "stream '%s': pareto lifetime needs a scale > 0 ns and a shape > 0",
			      name);
	default:
		return wl_err(err, errlen, SIM_EINVAL, "stream '%s': unknown lifetime", name);
	}
}

static int wl_stream_init(struct sim_wl *w, struct wl_stream *s,
			  const struct sim_wl_stream *src, char *err, size_t errlen)
{
	uint64_t tw[WL_MAX_TARGETS];
	bool kmalloc = false;
	int rc;

	if (!src->name || !src->name[0])
		return wl_err(err, errlen, SIM_EINVAL, "a stream needs a name");
	s->name = strdup(src->name);
	if (!s->name)
		return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	if (src->nr_targets < 1 || src->nr_targets > WL_MAX_TARGETS || !src->targets)
		return wl_err(err, errlen, SIM_EINVAL, "stream '%s': 1..%d targets needed",
			      s->name, WL_MAX_TARGETS);
	s->targets = calloc(src->nr_targets, sizeof *s->targets);
	if (!s->targets)
		return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	for (size_t i = 0; i < src->nr_targets; i++) {
		struct sim_cache_info info;

		s->targets[i].cache = src->targets[i].cache;
		tw[i] = src->targets[i].weight;
		if (src->targets[i].cache == SIM_CACHE_NONE) {
			kmalloc = true;
			continue;
		}
		if (!sim_cache_valid(w->sim, src->targets[i].cache) ||
		    sim_cache_get_info(w->sim, src->targets[i].cache, &info) != SIM_OK ||
		    info.dead)
			return wl_err(err, errlen, SIM_EINVAL,
				      "stream '%s': target %zu is no live cache", s->name, i + 1);
		s->targets[i].size = info.object_size;
	}
	rc = wl_pick_init(&s->tpick, tw, src->nr_targets, s->name, err, errlen);
	if (rc == SIM_OK && !s->tpick.nz)
		rc = wl_err(err, errlen, SIM_EINVAL, "stream '%s': the targets' weights are all 0",
			    s->name);
	if (rc == SIM_OK && kmalloc)
		rc = wl_size_init(&s->size, &src->size, s->name, err, errlen);
	if (rc == SIM_OK)
		rc = wl_life_check(&src->life, s->name, err, errlen);
	s->life = src->life;
	s->flags = src->flags;
	return rc;
}

static void wl_stream_fini(struct wl_stream *s)
{
	free(s->name);
	free(s->targets);
	wl_pick_fini(&s->tpick);
	free(s->size.value);
	free(s->size.upper);
	wl_pick_fini(&s->size.pick);
	free(s->live);
}

void sim_wl_free(struct sim_wl *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nr_streams; i++)
		wl_stream_fini(&w->streams[i]);
	free(w->streams);
	free(w->weights);
	free(w->ones);
	wl_mix_fini(&w->mix);
	free(w->obj_mem);
	free(w->heap);
	free(w->taken);
	free(w->phase);
	free(w);
}

int sim_wl_new(struct sim *sim, const struct sim_wl_config *cfg,
	       struct sim_wl **out, char *err, size_t errlen)
{
	struct sim_wl *w;
	gfp_t gfp_kernel = 0;
	int rc = SIM_OK;

	*out = NULL;
	if (!cfg || cfg->nr_streams < 1 || cfg->nr_streams > WL_MAX_STREAMS ||
	    !cfg->streams)
		return wl_err(err, errlen, SIM_EINVAL, "a workload needs 1..%d streams",
			      WL_MAX_STREAMS);
	sim_gfp_parse("GFP_KERNEL", 10, &gfp_kernel, NULL, 0);
	w = calloc(1, sizeof *w);
	if (!w)
		return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	w->sim = sim;
	w->free_any_cpu = cfg->free_any_cpu;
	w->free_obj = WL_NIL;
	w->st.digest = WL_FNV_OFFSET;
	w->streams = calloc(cfg->nr_streams, sizeof *w->streams);
	w->weights = calloc(cfg->nr_streams, sizeof *w->weights);
	w->ones = calloc(cfg->nr_streams, sizeof *w->ones);
	if (!w->streams || !w->weights || !w->ones) {
		sim_wl_free(w);
		return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	}
	for (size_t i = 0; i < cfg->nr_streams && rc == SIM_OK; i++) {
		w->nr_streams = i + 1;
		rc = wl_stream_init(w, &w->streams[i], &cfg->streams[i], err, errlen);
		w->weights[i] = cfg->streams[i].weight;
		w->ones[i] = 1;
		for (size_t j = 0; rc == SIM_OK && j < i; j++)
			if (strcmp(w->streams[j].name, w->streams[i].name) == 0)
				rc = wl_err(err, errlen, SIM_EINVAL,
					    "two streams are called '%s'", w->streams[i].name);
	}
	if (rc == SIM_OK)
		rc = wl_mix_init(w, &w->mix, &cfg->mix, "workload", err, errlen, gfp_kernel);
	if (rc != SIM_OK) {
		sim_wl_free(w);
		return rc;
	}
	*out = w;
	return SIM_OK;
}

/* ---- Running a phase ---- */

static inline void wl_advance_to(struct sim *sim, sim_time_t t)
{
	sim_time_t now = wl_now(sim);

	if (t > now)
		sim_advance(sim, t - now);
}

static sim_time_t wl_gap(struct sim *sim, const struct sim_wl_phase *ph,
			 double frac)
{
	double r = ph->rate, g;

	if (ph->kind == SIM_WL_RAMP)
		r = ph->rate_from + (ph->rate - ph->rate_from) * frac;
	if (!(r > 0))
		return 0;
	g = 1e9 / r;
	if (ph->poisson)
		g = sim_rand_exponential(sim, g);
	return (sim_time_t)g;
}

static int wl_phase_check(const struct sim_wl *w, const struct sim_wl_phase *ph,
			  char *err, size_t errlen)
{
	bool drain;

	if ((unsigned)ph->kind >= SIM_WL_NR_PHASE_KINDS)
		return wl_err(err, errlen, SIM_EINVAL, "unknown phase kind");
	drain = ph->kind == SIM_WL_DRAIN;
	if (!drain && !ph->ops && !ph->duration && !ph->until)
		return wl_err(err, errlen, SIM_EINVAL,
			      "a %s phase needs ops, duration or until",
			      wl_phase_names[ph->kind]);
	if (!drain && !ph->ops &&
	    (ph->rate == 0 || (ph->kind == SIM_WL_RAMP && ph->rate_from == 0)))
		return wl_err(err, errlen, SIM_EINVAL,
			      "a %s phase with events back to back (rate 0) needs ops: "
			      "its schedule does not move", wl_phase_names[ph->kind]);
	if (!(ph->rate == 0 || (ph->rate >= WL_MIN_RATE && ph->rate <= WL_MAX_RATE)) ||
	    !(ph->rate_from == 0 ||
	      (ph->rate_from >= WL_MIN_RATE && ph->rate_from <= WL_MAX_RATE)))
		return wl_err(err, errlen, SIM_EINVAL,
			      "rate must be 0 or between %g and %g per second",
			      WL_MIN_RATE, WL_MAX_RATE);
	if (drain && ph->fraction >= 0 && !(ph->fraction <= 1))
		return wl_err(err, errlen, SIM_EINVAL, "drain fraction must be in 0..1");
	if (drain && (unsigned)ph->order > SIM_WL_LIFO)
		return wl_err(err, errlen, SIM_EINVAL, "unknown drain order");
	if (ph->kind == SIM_WL_SLOTS && (ph->slots < 1 || ph->slots > WL_MAX_SLOTS))
		return wl_err(err, errlen, SIM_EINVAL, "slots must be in 1..%llu",
			      (unsigned long long)WL_MAX_SLOTS);
	if (ph->duration > (sim_time_t)INT64_MAX || ph->until > (sim_time_t)INT64_MAX)
		return wl_err(err, errlen, SIM_EINVAL, "phase times out of range");
	(void)w;
	return SIM_OK;
}

/* the number of live objects a DRAIN may pick from */
static uint64_t wl_eligible(const struct sim_wl *w, const struct wl_pick *sp)
{
	uint64_t n = 0;

	for (size_t i = 0; i < w->nr_streams; i++)
		if (sp->cum[i] != (i ? sp->cum[i - 1] : 0))
			n += w->streams[i].nr_live;
	return n;
}

static inline bool wl_stream_eligible(const struct wl_pick *sp, size_t i)
{
	return sp->cum[i] != (i ? sp->cum[i - 1] : 0);
}

static int wl_cmp_seq(const void *a, const void *b, void *ud)
{
	const struct wl_obj *obj = ud;
	uint64_t x = obj[*(const uint32_t *)a].seq, y = obj[*(const uint32_t *)b].seq;

	return x < y ? -1 : x > y;
}

/* @n ids sorted by seq (allocation order); a heap sort, in place */
static void wl_sort_by_seq(const struct sim_wl *w, uint32_t *ids, size_t n)
{
	for (size_t k = n / 2; k-- > 0;) {
		for (size_t i = k;;) {		/* sift down @i in ids[0, n) */
			size_t c = 2 * i + 1;
			uint32_t t;

			if (c >= n)
				break;
			if (c + 1 < n && wl_cmp_seq(&ids[c + 1], &ids[c], w->obj) > 0)
				c++;
			if (wl_cmp_seq(&ids[c], &ids[i], w->obj) <= 0)
				break;
			t = ids[i], ids[i] = ids[c], ids[c] = t;
			i = c;
		}
	}
	for (size_t end = n; end > 1;) {
		uint32_t t = ids[0];

		ids[0] = ids[--end];
		ids[end] = t;
		for (size_t i = 0;;) {
			size_t c = 2 * i + 1;

			if (c >= end)
				break;
			if (c + 1 < end && wl_cmp_seq(&ids[c + 1], &ids[c], w->obj) > 0)
				c++;
			if (wl_cmp_seq(&ids[c], &ids[i], w->obj) <= 0)
				break;
			t = ids[i], ids[i] = ids[c], ids[c] = t;
			i = c;
		}
	}
}

/*
 * The live objects of the streams @sp makes eligible (all if @sp is NULL),
 * in allocation order, into a new array *@out (freed by the caller).
 * Return: SIM_OK or SIM_ENOHOSTMEM (*@out NULL).
 */
static int wl_live_by_seq(const struct sim_wl *w, const struct wl_pick *sp,
			  uint32_t **out, uint32_t *n)
{
	uint64_t total = 0;
	uint32_t *ids, k = 0;

	for (size_t i = 0; i < w->nr_streams; i++)
		if (!sp || wl_stream_eligible(sp, i))
			total += w->streams[i].nr_live;
	ids = malloc((size_t)(total ? total : 1) * sizeof *ids);
	*out = ids;
	*n = 0;
	if (!ids)
		return SIM_ENOHOSTMEM;
	for (size_t i = 0; i < w->nr_streams; i++)
		if (!sp || wl_stream_eligible(sp, i))
			for (uint32_t j = 0; j < w->streams[i].nr_live; j++)
				ids[k++] = w->streams[i].live[j];
	wl_sort_by_seq(w, ids, k);
	*n = k;
	return SIM_OK;
}

/*
 * The next DRAIN victim, or WL_NIL.  FIFO and LIFO take the oldest and the
 * newest eligible object from the phase's order array, skipping objects
 * that died in the meantime (their lifetime ran out: a drain allocates
 * nothing, so their records are not reused).
 */
static uint32_t wl_victim(struct sim_wl *w, struct wl_run *run)
{
	const struct wl_pick *sp = &run->spick;

	if (run->ph->order == SIM_WL_RANDOM) {
		uint64_t n = wl_eligible(w, sp), r;

		if (!n)
			return WL_NIL;
		r = n == 1 ? 0 : (uint64_t)wl_rand_range(w->sim, 0, (int64_t)n - 1);
		for (size_t i = 0; i < w->nr_streams; i++) {
			const struct wl_stream *s = &w->streams[i];

			if (!wl_stream_eligible(sp, i))
				continue;
			if (r < s->nr_live)
				return s->live[r];
			r -= s->nr_live;
		}
		return WL_NIL;
	}
	while (run->first < run->nr_order) {
		uint32_t id = run->ph->order == SIM_WL_FIFO ? run->order[run->first]
							    : run->order[run->nr_order - 1];

		if (run->ph->order == SIM_WL_FIFO)
			run->first++;
		else
			run->nr_order--;
		if (wl_obj_live(&w->obj[id]))
			return id;
	}
	return WL_NIL;
}

int sim_wl_run_phase(struct sim_wl *w, const struct sim_wl_phase *ph,
		     struct sim_wl_stats *out, char *err, size_t errlen)
{
	struct sim *sim = w->sim;
	struct wl_run run = { .ph = ph };
	struct wl_mix pmix;
	struct sim_wl_stats before = w->st;
	sim_time_t start, sstart, end = WL_NEVER, next, gap;
	bool timed_out = false, drain = ph->kind == SIM_WL_DRAIN, steady_gap;
	uint64_t drained = 0, target = 0, ops0 = w->st.ops;
	/* the count of w->st.ops at which the phase stops (never: UINT64_MAX) */
	uint64_t ops_end = ph->ops && ph->ops <= UINT64_MAX - ops0 ? ops0 + ph->ops
								     : UINT64_MAX;
	int rc;
	gfp_t gfp_kernel = 0;

	if (sim_panicked(sim))
		return wl_err(err, errlen, SIM_EPANIC,
			      "the simulated kernel has panicked (%s): nothing runs after a panic",
			      sim_panic_message(sim));
	rc = wl_phase_check(w, ph, err, errlen);
	if (rc != SIM_OK)
		return rc;
	memset(&pmix, 0, sizeof pmix);
	if (ph->weights)
		rc = wl_pick_init(&run.spick, ph->weights, w->nr_streams, "phase",
				  err, errlen);
	else if (drain)		/* a drain without weights may pick any stream */
		rc = wl_pick_init(&run.spick, w->ones, w->nr_streams, "phase",
				  err, errlen);
	else
		rc = wl_pick_init(&run.spick, w->weights, w->nr_streams, "phase",
				  err, errlen);
	if (rc == SIM_OK && !drain && !run.spick.nz)
		rc = wl_err(err, errlen, SIM_EINVAL,
			    "a %s phase needs a stream of weight > 0",
			    wl_phase_names[ph->kind]);
	run.mix = &w->mix;
	if (rc == SIM_OK && ph->mix) {
		sim_gfp_parse("GFP_KERNEL", 10, &gfp_kernel, NULL, 0);
		rc = wl_mix_init(w, &pmix, ph->mix, "phase", err, errlen, gfp_kernel);
		run.mix = &pmix;
	}
	if (rc == SIM_OK && ph->kind == SIM_WL_SLOTS && ph->slots > w->nr_slots &&
	    !wl_slots_grow(w, ph->slots))
		rc = wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
	if (rc != SIM_OK) {
		wl_pick_fini(&run.spick);
		wl_mix_fini(&pmix);
		return rc;
	}

	run.cpu0 = wl_cur_cpu(sim);
	start = wl_now(sim);
	if (!w->st.phases) {
		w->st.start = start;
		w->sched = start;
	} else {
		w->sched += start - w->mark;	/* time that passed outside the workload */
	}
	sstart = next = w->sched;
	if (ph->duration)
		end = sstart + ph->duration;
	if (ph->until && ph->until < end)
		end = ph->until;
	if (drain) {
		uint64_t n = wl_eligible(w, &run.spick);

		target = ph->fraction >= 0
			? (uint64_t)floor(ph->fraction * (double)n + 0.5)
			: SIM_MIN(ph->count, n);
		if (ph->order != SIM_WL_RANDOM &&
		    wl_live_by_seq(w, &run.spick, &run.order, &run.nr_order) != SIM_OK) {
			wl_pick_fini(&run.spick);
			wl_mix_fini(&pmix);
			return wl_err(err, errlen, SIM_ENOHOSTMEM, "out of host memory");
		}
	}
	run.peak = 0;
	wl_after_op(w, &run);	/* the footprint at the start counts for the peak */
	/* what a progress display can expect of this phase (sim.h) */
	sim_progress_expect(sim, wl_phase_names[ph->kind], drain ? target : ph->ops);
	/* the gap between operations, unless a ramp or Poisson arrivals
	 * make each one anew (what the loop checks per operation is
	 * worked out here once: issue 15, host time) */
	steady_gap = ph->kind != SIM_WL_RAMP && !ph->poisson;
	gap = steady_gap ? wl_gap(sim, ph, 1.0) : 0;

	for (;;) {
		double frac;

		if (w->st.ops >= ops_end)
			break;
		if (wl_over_budget(sim)) {	/* the caller's work budget */
			rc = SIM_EBUDGET;
			break;
		}
		if (drain && (drained >= target || !wl_eligible(w, &run.spick)))
			break;
		if (w->nr_heap && w->heap[0].due <= next) {
			uint32_t id = w->heap[0].id;

			if (w->heap[0].due > end) {
				timed_out = true;
				break;
			}
			w->sched = w->heap[0].due;
			wl_advance_to(sim, w->sched);
			wl_free_obj(w, &run, id);
			continue;
		}
		if (next > end) {
			timed_out = true;
			break;
		}
		w->sched = next;
		wl_advance_to(sim, next);
		if (drain) {
			uint32_t id = wl_victim(w, &run);

			if (id == WL_NIL)
				break;
			wl_free_obj(w, &run, id);
			drained++;
		} else if (ph->kind == SIM_WL_SLOTS) {
			/* sim_rand_range(0, slots - 1), the same draw */
			uint64_t k = ph->slots == 1 ? 0 : rng_below(&sim->rng, ph->slots);

			if (w->taken[k])
				wl_free_obj(w, &run, w->slot0 + (uint32_t)k);
			else if (!wl_alloc(w, &run, k + 1))
				rc = SIM_ENOHOSTMEM;
		} else if (!wl_alloc(w, &run, 0)) {
			rc = SIM_ENOHOSTMEM;
		}
		if (rc == SIM_OK && wl_panicked(sim))
			rc = SIM_EPANIC;	/* the machine stopped under the workload */
		if (rc != SIM_OK)
			break;
		if (steady_gap) {
			next += gap;
			continue;
		}
		frac = 1.0;	/* how far a ramp is: by operations, else by time */
		if (ph->kind == SIM_WL_RAMP)
			frac = ph->ops ? (double)(w->st.ops - ops0) / (double)ph->ops
				: (double)(next - sstart) / (double)(end - sstart);
		if (frac > 1.0)
			frac = 1.0;
		next += wl_gap(sim, ph, frac);
	}
	if (timed_out) {
		w->sched = end;		/* the phase ran out of time: its end is on the schedule */
		wl_advance_to(sim, end);
	}
	/* phase-bound objects die with their phase, oldest first: operations
	 * of the phase too, so a progress display learns of them (else its
	 * count runs past the phase's expected total) */
	if (w->nr_phase)
		sim_progress_expect(sim, wl_phase_names[ph->kind], w->nr_phase);
	for (uint32_t i = 0; i < w->nr_phase && !sim_panicked(sim); i++)
		wl_free_obj(w, &run, w->phase[i]);
	w->nr_phase = 0;
	free(run.order);

	if (run.peak > w->st.slab_pages_peak)
		w->st.slab_pages_peak = run.peak;
	w->mark = wl_now(sim);
	w->st.phases++;
	w->st.end = wl_now(sim);
	w->st.time += wl_now(sim) - start;
	if (out) {
		uint64_t r, u;

		memset(out, 0, sizeof *out);
		out->ops = w->st.ops - before.ops;
		out->allocs = w->st.allocs - before.allocs;
		out->frees = w->st.frees - before.frees;
		out->failures = w->st.failures - before.failures;
		out->free_errors = w->st.free_errors - before.free_errors;
		out->live = w->st.live;
		out->live_bytes = w->st.live_bytes;
		out->peak_live = w->st.peak_live;
		out->peak_live_bytes = w->st.peak_live_bytes;
		sim_slab_vmstat(sim, &r, &u);
		out->slab_pages = r + u;
		out->slab_pages_peak = run.peak;
		out->start = start;
		out->end = wl_now(sim);
		out->time = out->end - start;
		out->phases = 1;
		out->digest = w->st.digest;
	}
	wl_pick_fini(&run.spick);
	wl_mix_fini(&pmix);
	if (rc == SIM_EPANIC)
		return wl_err(err, errlen, rc, "%s", sim_last_reason(sim));
	if (rc == SIM_EBUDGET)
		return wl_err(err, errlen, rc, "work budget exhausted after %llu "
			      "operations of the phase",
			      (unsigned long long)(w->st.ops - ops0));
	if (rc != SIM_OK)
		return wl_err(err, errlen, rc, "out of host memory");
	return SIM_OK;
}

/* ---- Results ---- */

int sim_wl_check(const struct sim_wl *w, char *err, size_t errlen)
{
	for (size_t i = 0; i < w->nr_streams; i++) {
		const struct wl_stream *s = &w->streams[i];

		for (size_t t = 0; t < s->tpick.n; t++) {
			struct sim_cache_info info;
			sim_cache_t c = s->targets[t].cache;

			if (c == SIM_CACHE_NONE)
				continue;
			if (!sim_cache_valid(w->sim, c) ||
			    sim_cache_get_info(w->sim, c, &info) != SIM_OK || info.dead)
				return wl_err(err, errlen, SIM_ENOENT,
					      "stream '%s': its cache was destroyed", s->name);
		}
	}
	return SIM_OK;
}

bool sim_wl_validate(const struct sim_wl *w)
{
	uint64_t live = 0, queued = 0, in_slots = 0, nr_free = 0;

	if ((uintptr_t)w->obj % WL_LINE)
		return false;	/* host layout: records off their lines (wl_grow) */
	for (size_t i = 0; i < w->nr_streams; i++) {
		const struct wl_stream *s = &w->streams[i];

		live += s->nr_live;
		for (uint32_t k = 0; k < s->nr_live; k++) {
			const struct wl_obj *o = &w->obj[s->live[k]];

			if (s->live[k] >= w->nr_obj || o->pos != k || o->stream != i ||
			    !wl_obj_live(o))
				return false;
			queued += o->kind == WL_AT_HEAP || o->kind == WL_AT_SLOT ||
				  o->kind == WL_AT_PHASE;
			in_slots += o->kind == WL_AT_SLOT;
		}
	}
	if (live != w->st.live)
		return false;
	/* every record is a live object's, on the free chain or an empty slot's */
	for (uint32_t id = w->free_obj; id != WL_NIL; id = w->obj[id].where) {
		if (id >= w->nr_obj || w->obj[id].kind != WL_AT_FREE || ++nr_free > w->nr_obj)
			return false;
	}
	if ((uint64_t)w->slot0 + w->nr_slots > w->nr_obj ||
	    live - in_slots + nr_free + w->nr_slots != w->nr_obj)
		return false;
	for (uint32_t i = 0; i < w->nr_heap; i++) {
		const struct wl_obj *o = &w->obj[w->heap[i].id];

		if (o->kind != WL_AT_HEAP || o->where != i + 1 || o->seq != w->heap[i].seq)
			return false;
		if (i && wl_before(&w->heap[i], &w->heap[(i - 1) / 2]))
			return false;
	}
	for (uint64_t k = 0; k < w->nr_slots; k++) {
		const struct wl_obj *o = &w->obj[w->slot0 + k];

		if (o->kind != WL_AT_SLOT && o->kind != WL_AT_EMPTY)
			return false;
		if (w->taken[k] != (o->kind == WL_AT_SLOT))
			return false;
		queued -= o->kind == WL_AT_SLOT;
	}
	for (uint32_t i = 0; i < w->nr_phase; i++) {
		if (w->obj[w->phase[i]].kind != WL_AT_PHASE)
			return false;
		queued--;
	}
	return queued == w->nr_heap;
}

void sim_wl_get_stats(const struct sim_wl *w, struct sim_wl_stats *out)
{
	uint64_t r, u;

	*out = w->st;
	sim_slab_vmstat(w->sim, &r, &u);
	out->slab_pages = r + u;
}

int sim_wl_stream_stats(const struct sim_wl *w, size_t i,
			struct sim_wl_stream_stats *out)
{
	const struct wl_stream *s;

	if (i >= w->nr_streams)
		return SIM_EINVAL;
	s = &w->streams[i];
	out->name = s->name;
	out->allocs = s->allocs;
	out->frees = s->frees;
	out->failures = s->failures;
	out->live = s->nr_live;
	out->live_bytes = s->live_bytes;
	out->peak_live = s->peak_live;
	return SIM_OK;
}

int sim_wl_live_foreach(const struct sim_wl *w,
			void (*fn)(void *ud, sim_addr_t addr, size_t stream),
			void *ud)
{
	uint32_t *ids, n;

	if (wl_live_by_seq(w, NULL, &ids, &n) != SIM_OK)
		return SIM_ENOHOSTMEM;
	for (uint32_t i = 0; i < n; i++)
		fn(ud, w->obj[ids[i]].addr, w->obj[ids[i]].stream);
	free(ids);
	return SIM_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay.c - replay a kernel kmem trace into one simulator per slab policy
 *
 * What it does
 * ------------
 * A user traced the kmem tracepoints of a real kernel and asks what that
 * exact workload would have cost under SLAB, SLUB and SLOB.  The trace is
 * parsed once (trace.c); every event, in timestamp order, is applied to
 * one simulator per policy, so the policies see the same allocations and
 * frees, on the same CPUs, at the same trace times.  At the end the replay
 * builds one struct report (report.h): what was read, the policies side by
 * side, how faithful the simulated geometry was, and the call sites.
 *
 * How an event becomes simulator calls
 * ------------------------------------
 *   kmalloc, kmalloc_node        sim_kmalloc(bytes_req, gfp); ksize() of the
 *                                result is compared with bytes_alloc
 *   kmem_cache_alloc(_node)      sim_cache_alloc() on the cache called name=,
 *                                created on first sight (below)
 *   kfree, kmem_cache_free       the object is freed the way it was
 *                                allocated: sim_kfree() for a kmalloc object,
 *                                sim_cache_free() on its cache otherwise (a
 *                                kfree() of a cache object is legal in the
 *                                kernel; freeing it from its own cache keeps
 *                                every policy's books exact)
 *   mm_page_alloc                sim_alloc_pages(order, gfp)
 *   mm_page_free(_batched)       sim_free_pages() of the pages that pfn got,
 *                                with the order of the allocation
 *
 * Pointers are identities.  The kernel prints hashed pointers, stable
 * within a trace, so a free names the same value as its allocation.  An
 * identity map per kind (objects by ptr=, pages by pfn=) gives each live
 * traced allocation a handle, a small dense number reused last in first
 * out; each policy keeps what its simulator returned for the allocation
 * (its address, or 0 when that simulator failed) in its own array indexed
 * by handle.  The maps are hash tables with open addressing: linear
 * probing, at most half full, backward-shift deletion (no tombstones),
 * keys mixed by a multiplicative hash.  An event costs one lookup whatever
 * the number of simulators.  Nothing is allocated per event: the tables
 * grow by doubling, and caches and call sites live in arrays indexed by
 * the parser's interning ids, which are dense.  The maps are never walked
 * to produce output, so their layout cannot leak into a report.
 *
 * Front and policies
 * ------------------
 * An event's work splits in two.  The front does what every policy
 * shares, once: parsing, ordering, the identity maps, the trace's own
 * counters, call-site and cache bookkeeping, when the clocks move and to
 * which CPU.  It writes the simulator calls the event needs as ops
 * (struct rp_op, in the order the simulators are called).  Each policy
 * applies the ops to its own simulator and keeps everything that depends
 * on the simulator's answers (struct rp_policy).  With several policies,
 * replay_run() runs each policy on a thread of its own (by default), and
 * the front on the calling thread: ops go in blocks through a ring that
 * every policy thread reads in order; a block's slot is reused once the
 * slowest thread is done with it.  The policies share nothing writable
 * and the simulators keep no global state, so a policy's figures depend
 * only on its ops; the report is built after the threads are joined,
 * policy by policy in the configured order.  The output is therefore the
 * same byte for byte with any number of threads (replay_config.threads; 0
 * applies every block to each policy in turn on the calling thread).  A
 * read error stops the front; every op written before it is still
 * applied, then the threads are joined.
 *
 * What the trace cannot say, and what is assumed
 * ----------------------------------------------
 *   - Caches existed before tracing began: a cache is created in every
 *     simulator at its first allocation, with object size bytes_req and
 *     the flags that make SLUB's slot size equal bytes_alloc, tried in
 *     this order: none (ALIGN(size, 8)); SLAB_HWCACHE_ALIGN; a constructor
 *     (SLUB then keeps the free pointer outside the object: + 8 bytes; so
 *     do SLAB_TYPESAFE_BY_RCU caches, which a constructor stands in for);
 *     both.  If none fits, no flag is set and the cache is listed as a
 *     mismatch.  Every cache also gets SLAB_NO_MERGE, because a name in a
 *     trace is the kernel's own cache (a merged cache would have printed
 *     the name of the cache it was merged into), and SLAB_ACCOUNT when its
 *     first allocation says accounted=true.
 *   - Frees without a traced allocation (about 1% in a real trace) are
 *     counted per kind and otherwise ignored.  kfree(NULL) is counted.
 *   - An allocation returning a pointer that is still live means the
 *     kernel freed it without a tracepoint (kmem_cache_free_bulk,
 *     maple_node's bulk frees): the old object is freed first, counted.
 *   - The CPU column picks the simulated CPU (modulo the simulated CPU
 *     count; CPU 0 when the trace has no CPU column).  Every event runs in
 *     process context: the latency column is not decoded.
 *   - Simulated time follows trace time: before an event, each simulator's
 *     clock is advanced to the event's time since the first event, in steps
 *     of REPLAY_CLOCK_STEP_NS (unless its modelled costs already took it
 *     further), so periodic work (SLAB's cache_reap, pcp decay) runs at the
 *     traced pace.
 *   - mm_page_alloc events are the whole traced kernel's page traffic,
 *     including the traced kernel's own slab pages; the simulators'
 *     slab pages come on top.  Slab page counts are the simulator's own
 *     (NR_SLAB_*); only the external fragmentation figures see both.
 *   - node= is ignored (one node), accounted= only sets SLAB_ACCOUNT.
 *
 * A simulated failure (no memory) is counted for its policy and the replay
 * goes on; a later free of that allocation is skipped for that policy.
 * A policy whose slab layer is not built is "unavailable": it is reported
 * with the reason and gets no simulator.
 *
 * Order
 * -----
 * Events are applied in timestamp order, ties in reading order.
 * replay_run() parses straight into a window of events (REPLAY_BLOCK at a
 * time), sorts it with trace_events_sort() (stable; one linear check when
 * the input is already sorted, the common case), applies every event older
 * than the newest one read minus the reorder window, and keeps the rest for
 * the next block.  That is trace_reorder's rule (an event leaves once one at
 * least a window newer has been read), at a fraction of its cost: a heap
 * push and pop per event took about 15% of a three-policy replay, a sort
 * check per block takes nothing measurable.  An event older than one already applied is counted
 * late and runs next, at the time of the last event applied.
 *
 * Ownership: the replay owns its parser, its event window, its simulators
 * and the policy threads, which live only inside replay_run(); a report
 * it builds is the caller's.  Events reach the simulators only as ops, in
 * the order given.  Nothing here prints, exits, reads a clock or keeps
 * global state.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "replay.h"
#include "slab.h"		/* slab_ops_lookup() */
#include "trace.h"

/* ---- Identity maps ---- */

/*
 * One live traced allocation.  Objects: @key = ptr (never 0: NULL is
 * never live), @kind = cache index + 1 or 0 for kmalloc, @aux = bytes
 * requested, @v[0] = its handle (below).  Pages: @key = pfn + 1 (or the
 * page= identity with bit 63 set when pfn= is missing), @kind = order,
 * @v[0] = its handle.  A handle is a small dense number naming the
 * allocation while it is live; each policy keeps what its simulator
 * returned for it in its own array indexed by handle (rp_policy.addr), so
 * the map is the front's alone and the policies share nothing.  The
 * kmalloc mismatch lists use the same table with their own keys
 * (rp_mismatch(): @v[0] = ksize, @v[1] = events).
 */
struct rp_ent {
	uint64_t key;			/* 0: empty slot */
	uint32_t kind;
	uint32_t aux;
	uint64_t v[2];
};

/* Invariant: count <= (mask + 1) / 2, every key != 0 is reachable from
 * its home slot without crossing an empty slot. */
struct rp_map {
	struct rp_ent *slot;
	size_t mask;			/* capacity - 1 (capacity a power of 2) */
	size_t count;
	unsigned shift;			/* 64 - log2(capacity) */
};

#define RP_MAP_MIN_BITS	10	/* 1,024 slots (40 KiB) to start */
#define RP_PREFETCH_AHEAD 4	/* events: a miss's latency is a few events' work */
/*
 * A policy's consumer loop knows its coming frees (the rest of its block):
 * it fetches the handle's slot RP_SLOT_AHEAD ops ahead, then tells the
 * simulator about an object free RP_FREE_MAP_AHEAD ops ahead (the page map
 * entry) and RP_FREE_SLAB_AHEAD ops ahead (the descriptor, the object's
 * state): sim_prefetch_free(), host time only (issue 15).
 */
#define RP_SLOT_AHEAD		16
#define RP_FREE_MAP_AHEAD	8
#define RP_FREE_SLAB_AHEAD	3

static inline size_t rp_hash(const struct rp_map *m, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> m->shift);
}

static int rp_map_init(struct rp_map *m, unsigned bits)
{
	m->slot = calloc((size_t)1 << bits, sizeof *m->slot);
	if (!m->slot)
		return SIM_ENOHOSTMEM;
	m->mask = ((size_t)1 << bits) - 1;
	m->count = 0;
	m->shift = 64 - bits;
	return SIM_OK;
}

static void rp_map_destroy(struct rp_map *m)
{
	free(m->slot);
	memset(m, 0, sizeof *m);
}

static inline struct rp_ent *rp_map_find(const struct rp_map *m, uint64_t key)
{
	size_t i = rp_hash(m, key);

	for (;; i = (i + 1) & m->mask) {
		struct rp_ent *e = &m->slot[i];

		if (e->key == key)
			return e;
		if (e->key == 0)
			return NULL;
	}
}

/* double the table; on host OOM the map is unchanged */
static int rp_map_grow(struct rp_map *m)
{
	struct rp_map n;
	unsigned bits = 64 - m->shift + 1;

	if (rp_map_init(&n, bits) != SIM_OK)
		return SIM_ENOHOSTMEM;
	for (size_t i = 0; i <= m->mask; i++) {
		size_t j;

		if (!m->slot[i].key)
			continue;
		for (j = rp_hash(&n, m->slot[i].key); n.slot[j].key; j = (j + 1) & n.mask)
			;
		n.slot[j] = m->slot[i];
	}
	n.count = m->count;
	free(m->slot);
	*m = n;
	return SIM_OK;
}

/* a zeroed entry for @key, which must be absent; NULL on host OOM */
static struct rp_ent *rp_map_insert(struct rp_map *m, uint64_t key)
{
	size_t i;

	if ((m->count + 1) * 2 > m->mask + 1 && rp_map_grow(m) != SIM_OK)
		return NULL;
	for (i = rp_hash(m, key); m->slot[i].key; i = (i + 1) & m->mask)
		;
	memset(&m->slot[i], 0, sizeof m->slot[i]);
	m->slot[i].key = key;
	m->count++;
	return &m->slot[i];
}

/* remove @e (a pointer into @m): shift the following cluster back */
static void rp_map_remove(struct rp_map *m, struct rp_ent *e)
{
	size_t hole = (size_t)(e - m->slot), i = hole;

	for (;;) {
		size_t home;

		i = (i + 1) & m->mask;
		if (!m->slot[i].key)
			break;
		home = rp_hash(m, m->slot[i].key);
		/* may the entry at i move back to hole?  only if its home is
		 * not in the cyclic range (hole, i] */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			m->slot[hole] = m->slot[i];
			hole = i;
		}
	}
	m->slot[hole].key = 0;
	m->count--;
}

/* ---- State ---- */

/* A named cache of the trace, indexed by its TRACE_STR_CACHE id (front). */
struct rp_cache {
	bool seen;			/* created (or tried) in the simulators */
	bool ctor;			/* assumed: free pointer outside the object */
	uint32_t flags;			/* SLAB_* assumed */
	uint32_t object_size;		/* bytes_req of the first allocation */
	uint32_t slot_size;		/* bytes_alloc of the first allocation */
	uint64_t allocs;
};

/* What one policy's simulator made of a named cache (by cache id). */
struct rp_pcache {
	sim_cache_t h;			/* SIM_CACHE_NONE: not created */
	uint32_t sim_size;		/* simulated slot size */
};

/* A call site (TRACE_STR_CALLSITE id), perf kmem stat --caller style. */
struct rp_site {
	uint64_t hits;			/* allocations */
	uint64_t req;			/* bytes_req summed */
	uint64_t alloc;			/* bytes_alloc summed (the traced kernel) */
};

/*
 * What the front asks of every policy, in the order the simulators are
 * called.  One event becomes one or more ops (a kmalloc reusing a live
 * pointer: OBJ_FREE then KMALLOC; a series sample: SAMPLE first); the
 * first op of an event carries its clock and CPU move (@sync), and an
 * event that calls no simulator becomes a NOP (its clock move, its line).
 */
enum rp_op_type {
	RP_OP_NOP,			/* only @sync and @lineno */
	RP_OP_SAMPLE,			/* a series sample: slab pages now */
	RP_OP_KMALLOC,			/* u.km, @handle */
	RP_OP_OBJ_EXTS,			/* @handle: no simulated object */
	RP_OP_CACHE_CREATE,		/* u.cc, @handle = cache id */
	RP_OP_CACHE_ALLOC,		/* u.ca, @handle */
	RP_OP_OBJ_FREE,			/* u.fr, @handle */
	RP_OP_PAGE_ALLOC,		/* u.pg, @handle */
	RP_OP_PAGE_FREE,		/* u.pg, @handle */
};

#define RP_SYNC_CLOCK	1u		/* advance the clocks to @rel */
#define RP_SYNC_CPU	2u		/* run on CPU @cpu from now on */

struct rp_op {
	uint8_t type;			/* enum rp_op_type */
	uint8_t sync;			/* RP_SYNC_*, before the op */
	uint16_t cpu;
	uint32_t handle;
	uint64_t lineno;		/* the event's trace line */
	uint64_t rel;			/* trace time of the last clock move */
	union {
		struct { uint32_t req, alloc, site; gfp_t gfp; } km;
		struct { uint32_t id, size, site; gfp_t gfp; } ca;
		struct { uint32_t kind, aux; } fr;
		struct { uint32_t order; gfp_t gfp; } pg;
		struct {
			const char *name;	/* the parser's: stays valid */
			uint32_t size, slot, flags;
			bool ctor;
		} cc;
	} u;
};

/*
 * One policy: its simulator and everything that depends on what the
 * simulator returned.  Only the thread applying this policy's ops touches
 * it while a replay runs (no lock), so the policies never wait for each
 * other and their figures cannot depend on which ran first.
 */
struct rp_policy {
	const char *name;		/* static: from sim_policy_name() */
	struct sim *sim;		/* NULL: unavailable */
	char why[256];			/* the reason when unavailable */
	char first_fail[256];		/* first simulated failure, "" if none */
	uint64_t panic_line;		/* trace line where its kernel panicked, 0 */
	struct replay_policy_stats st;
	struct rp_map mismatch;		/* kmalloc: (req, alloc) -> ksize, count */
	uint64_t lineno;		/* of the op being applied (rp_where) */
	int err;			/* SIM_ENOHOSTMEM once the host ran out */
	uint64_t *addr;			/* by handle: address, or pfn + 1 */
	size_t nr_addr;
	struct rp_pcache *caches;	/* by cache id */
	size_t nr_caches;
	uint64_t *site_alloc;		/* by call-site id: simulated ksize summed */
	size_t nr_sites;
	uint64_t *samples;		/* slab pages at each series sample */
	size_t nr_samples, cap_samples;
};

/*
 * The ring of op blocks between the front (the thread calling
 * replay_run(), which parses) and the policy threads.  Block k lives in
 * slot k % RP_RING; the front fills the slot of block @head while every
 * worker's @tail is more than RP_RING - 1 behind, then publishes it.  A
 * block is immutable once published and read by every worker; its slot is
 * refilled once the slowest worker is done with it.  trace_input.c's
 * decoder ring, with one reader per policy thread instead of one.
 */
#define RP_RING		8		/* blocks in flight */

struct rp_worker {
	struct replay *rp;
	unsigned id;			/* runs policies id, id + nr_workers, ... */
	pthread_t tid;
};

struct rp_ring {
	pthread_mutex_t lock;
	pthread_cond_t more;		/* a block was published, or the end */
	pthread_cond_t room;		/* a worker let go of a block */
	struct rp_op *slot[RP_RING];
	size_t nr[RP_RING];		/* ops in each slot's block */
	uint64_t head;			/* blocks published */
	uint64_t tail[REPLAY_MAX_POLICIES];	/* blocks each worker finished */
	bool done;			/* no block will follow */
	bool waiting;			/* the front sleeps on @room */
	struct rp_worker w[REPLAY_MAX_POLICIES];
	unsigned nr_workers;		/* threads running now */
};

struct replay {
	struct replay_config cfg;
	size_t nr;			/* policies */
	struct rp_policy pol[REPLAY_MAX_POLICIES];
	struct trace_parser *parser;
	struct trace_event *win;	/* read, not yet applied; sorted by replay_run */
	size_t nr_win, cap_win;
	uint64_t newest;		/* largest timestamp read */
	uint64_t last_out;		/* timestamp of the last event applied */
	bool any_out;
	struct replay_trace_stats ts;

	struct rp_map objs;		/* live traced objects */
	struct rp_map pages;		/* live traced page blocks */
	uint64_t zero_ptr;		/* hashed ZERO_SIZE_PTR once kmalloc(0) was seen */
	uint32_t next_handle;		/* handles given out so far */
	uint32_t *free_handles;		/* handed back, reused last in first out */
	size_t nr_free, cap_free;

	struct rp_cache *caches;	/* by TRACE_STR_CACHE id */
	size_t nr_caches;
	struct rp_site *sites;		/* by TRACE_STR_CALLSITE id */
	size_t nr_sites;

	uint64_t *sample_x;		/* time series: trace time of each sample */
	size_t nr_samples, cap_samples;
	uint64_t next_sample;		/* trace time (since ts0) of the next one */

	bool started;			/* an event was applied: ts0 is valid */
	uint64_t ts0, last_rel;		/* first event's ts; last event's ts - ts0 */
	uint64_t synced;		/* trace time the simulators' clocks were moved to */
	uint64_t last_lineno;		/* of the event being applied */
	unsigned last_cpu;		/* CPU the simulators run on */
	unsigned last_trace_cpu;	/* the CPU column that mapped to it */
	uint8_t pending_sync;		/* RP_SYNC_* for the event's first op */
	bool event_op;			/* the event made an op other than SAMPLE */
	uint64_t next_progress;
	uint64_t overlong;		/* lines the readers cut */
	char read_error[256];		/* the first reader failure, "" if none */

	/* the ops being written: a block of the ring, or ops_own */
	struct rp_op *ops;
	size_t nr_ops, cap_ops;
	struct rp_op *ops_own;		/* serial: applied when full or flushed */
	unsigned nr_threads;		/* policy threads replay_run() starts */
	struct rp_ring ring;
	bool ring_init;

	/* SLAB_* bits, from sim_slab_flags_parse() */
	uint32_t f_hwcache, f_nomerge, f_account;
};

/* ---- Configuration and life cycle ---- */

void replay_config_init(struct replay_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < REPLAY_MAX_POLICIES && sim_policy_name(i); i++)
		cfg->policies[cfg->nr_policies++] = sim_policy_name(i);
	sim_config_init(&cfg->sim);
	cfg->sim.ram_bytes = REPLAY_DEFAULT_RAM;
	cfg->sim.cpus = REPLAY_DEFAULT_CPUS;
	cfg->callers = REPLAY_DEFAULT_CALLERS;
	cfg->mismatches = REPLAY_DEFAULT_MISMATCHES;
	cfg->reorder_window_ns = TRACE_REORDER_WINDOW_NS;
	cfg->progress_every = REPLAY_DEFAULT_PROGRESS;
	cfg->block = REPLAY_BLOCK;
	cfg->threads = REPLAY_THREADS_AUTO;
	cfg->op_block = REPLAY_OP_BLOCK;
}

/* simulated-kernel bug reports name the trace line being replayed */
static void rp_where(void *ud, char *buf, size_t len)
{
	const struct rp_policy *p = ud;

	snprintf(buf, len, "trace line %llu", (unsigned long long)p->lineno);
}

/* the static name of a known policy, so the replay keeps no copies */
static const char *rp_known_policy(const char *name)
{
	for (size_t i = 0; sim_policy_name(i); i++)
		if (strcmp(sim_policy_name(i), name) == 0)
			return sim_policy_name(i);
	return NULL;
}

/*
 * Create policy @p's simulator.  A policy that is known but not built
 * creates a simulator whose every slab call fails; a probe cache tells
 * why, on a small throwaway simulator so the real one starts untouched.
 * A built policy needs no probe: booting a second simulator for nothing
 * doubled the cost of a small replay (the fuzz target's, tests').
 */
static void rp_policy_start(struct replay *rp, struct rp_policy *p)
{
	struct sim_config cfg;

	if (!slab_ops_lookup(p->name)) {
		struct sim *probe;
		sim_cache_t c;

		cfg = rp->cfg.sim;
		cfg.policy = p->name;
		cfg.ram_bytes = UINT64_C(64) << 20;
		memset(cfg.zone_pages, 0, sizeof cfg.zone_pages);
		probe = sim_new(&cfg, p->why, sizeof p->why);
		if (!probe)
			return;
		if (sim_cache_create(probe, "kmemsim-probe", 64, NULL, &c) != SIM_OK) {
			snprintf(p->why, sizeof p->why, "%s", sim_last_reason(probe));
			sim_free(probe);
			return;
		}
		sim_free(probe);
	}
	cfg = rp->cfg.sim;
	cfg.policy = p->name;
	p->sim = sim_new(&cfg, p->why, sizeof p->why);
	if (!p->sim)
		return;
	if (rp_map_init(&p->mismatch, 6) != SIM_OK) {
		sim_free(p->sim);
		p->sim = NULL;
		snprintf(p->why, sizeof p->why, "%s", sim_strerror(SIM_ENOHOSTMEM));
		return;
	}
	p->why[0] = '\0';
	sim_set_where(p->sim, rp_where, p);
}

static uint32_t rp_flag(const char *name)
{
	uint32_t f = 0;

	if (sim_slab_flags_parse(name, strlen(name), &f, NULL, 0) != SIM_OK)
		return 0;
	return f;
}

struct replay *replay_new(const struct replay_config *cfg, char *err,
			  size_t errlen)
{
	struct replay *rp;
	char dummy[8];

	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	if (cfg->nr_policies < 1 || cfg->nr_policies > REPLAY_MAX_POLICIES) {
		snprintf(err, errlen, "between 1 and %d policies, not %zu",
			 REPLAY_MAX_POLICIES, cfg->nr_policies);
		return NULL;
	}
	if (cfg->sim.cpus < 1 || cfg->sim.cpus > SIM_MAX_CPUS) {
		snprintf(err, errlen, "CPUs must be 1..%d, not %u", SIM_MAX_CPUS,
			 cfg->sim.cpus);
		return NULL;
	}
	for (size_t i = 0; i < cfg->nr_policies; i++) {
		if (!cfg->policies[i] || !rp_known_policy(cfg->policies[i])) {
			snprintf(err, errlen, "unknown policy '%s' (slab, slub, slob)",
				 cfg->policies[i] ? cfg->policies[i] : "(null)");
			return NULL;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(cfg->policies[i], cfg->policies[j]) == 0) {
				snprintf(err, errlen, "policy '%s' given twice",
					 cfg->policies[i]);
				return NULL;
			}
	}
	rp = calloc(1, sizeof *rp);
	if (!rp)
		goto oom;
	rp->cfg = *cfg;
	rp->cfg.progress_every = cfg->progress_every ? cfg->progress_every
						      : REPLAY_DEFAULT_PROGRESS;
	rp->next_progress = rp->cfg.progress_every;
	rp->nr = cfg->nr_policies;
	/* one thread per policy by default, none for a single policy (the
	 * parsing thread applies its events: no hand-over to pay for) */
	rp->nr_threads = cfg->threads == REPLAY_THREADS_AUTO
		? (rp->nr > 1 ? (unsigned)rp->nr : 0) : cfg->threads;
	if (rp->nr_threads > rp->nr)
		rp->nr_threads = (unsigned)rp->nr;
	rp->cap_ops = cfg->op_block ? cfg->op_block : REPLAY_OP_BLOCK;
	rp->ops_own = malloc(rp->cap_ops * sizeof *rp->ops_own);
	rp->ops = rp->ops_own;
	rp->parser = trace_parser_new();
	rp->cap_win = cfg->block ? cfg->block : REPLAY_BLOCK;
	rp->win = malloc(rp->cap_win * sizeof *rp->win);
	if (!rp->parser || !rp->win || !rp->ops_own ||
	    rp_map_init(&rp->objs, RP_MAP_MIN_BITS) != SIM_OK ||
	    rp_map_init(&rp->pages, RP_MAP_MIN_BITS) != SIM_OK)
		goto oom;
	rp->f_hwcache = rp_flag("SLAB_HWCACHE_ALIGN");
	rp->f_nomerge = rp_flag("SLAB_NO_MERGE");
	rp->f_account = rp_flag("SLAB_ACCOUNT");
	for (size_t i = 0; i < rp->nr; i++) {
		rp->pol[i].name = rp_known_policy(cfg->policies[i]);
		rp_policy_start(rp, &rp->pol[i]);
	}
	return rp;
oom:
	replay_free(rp);
	snprintf(err, errlen, "%s", sim_strerror(SIM_ENOHOSTMEM));
	return NULL;
}

void replay_free(struct replay *rp)
{
	if (!rp)
		return;
	for (size_t i = 0; i < rp->nr; i++) {
		struct rp_policy *p = &rp->pol[i];

		sim_free(p->sim);
		rp_map_destroy(&p->mismatch);
		free(p->addr);
		free(p->caches);
		free(p->site_alloc);
		free(p->samples);
	}
	trace_parser_free(rp->parser);
	free(rp->win);
	free(rp->ops_own);
	for (unsigned k = 0; k < RP_RING; k++)
		free(rp->ring.slot[k]);
	if (rp->ring_init) {
		pthread_cond_destroy(&rp->ring.room);
		pthread_cond_destroy(&rp->ring.more);
		pthread_mutex_destroy(&rp->ring.lock);
	}
	rp_map_destroy(&rp->objs);
	rp_map_destroy(&rp->pages);
	free(rp->free_handles);
	free(rp->caches);
	free(rp->sites);
	free(rp->sample_x);
	free(rp);
}

struct trace_parser *replay_parser(struct replay *rp)
{
	return rp->parser;
}

/* ---- Growing the id-indexed arrays ---- */

/*
 * rp_grow - make array @arr (@*n elements of @size bytes) hold index @id
 * Return: the array, possibly moved, new elements zeroed and @*n updated;
 * NULL on host OOM with @arr and @*n untouched.
 */
static void *rp_grow(void *arr, size_t *n, size_t size, uint32_t id)
{
	size_t cap;
	char *p;

	if (id < *n)
		return arr;
	cap = *n ? *n : 64;
	while (cap <= id)
		cap *= 2;
	p = realloc(arr, cap * size);
	if (!p)
		return NULL;
	memset(p + *n * size, 0, (cap - *n) * size);
	*n = cap;
	return p;
}

/* ---- The policies: one simulator each, fed ops ---- */

/*
 * A policy that is replayed: it has a simulator and its kernel has not
 * panicked.  A panic stops that simulator (sim.h); its figures stay as the
 * panic left them and the other policies go on.
 */
static inline bool rp_live(const struct rp_policy *p)
{
	return p->sim && !sim_panicked(p->sim);
}

static void rp_fail(struct rp_policy *p, const char *what)
{
	if (sim_panicked(p->sim) && !p->panic_line) {
		p->panic_line = p->lineno;	/* it stopped here */
		snprintf(p->first_fail, sizeof p->first_fail, "trace line %llu: %s: %s",
			 (unsigned long long)p->lineno, what, sim_last_reason(p->sim));
		return;
	}
	if (p->first_fail[0])
		return;
	snprintf(p->first_fail, sizeof p->first_fail, "trace line %llu: %s: %s",
		 (unsigned long long)p->lineno, what, sim_last_reason(p->sim));
}

static inline uint64_t rp_slab_pages(const struct sim *sim)
{
	uint64_t r, u;

	sim_slab_vmstat(sim, &r, &u);
	return r + u;
}

static inline void rp_note_peak(struct rp_policy *p, const struct rp_op *op)
{
	uint64_t pages = rp_slab_pages(p->sim);

	if (pages > p->st.peak_slab_pages) {
		p->st.peak_slab_pages = pages;
		p->st.peak_ts_ns = op->rel;
		p->st.peak_req_bytes = p->st.live_req_bytes;
	}
}

/* the slot of handle @h in @p's address array; NULL on host OOM */
static inline uint64_t *rp_addr_slot(struct rp_policy *p, uint32_t h)
{
	if (h >= p->nr_addr) {
		uint64_t *a = rp_grow(p->addr, &p->nr_addr, sizeof *a, h);

		if (!a) {
			p->err = SIM_ENOHOSTMEM;
			return NULL;
		}
		p->addr = a;
	}
	return &p->addr[h];
}

/* @k more simulated bytes at call site @site */
static inline void rp_site_add(struct rp_policy *p, uint32_t site, uint64_t k)
{
	if (site >= p->nr_sites) {
		uint64_t *s = rp_grow(p->site_alloc, &p->nr_sites, sizeof *s, site);

		if (!s) {
			p->err = SIM_ENOHOSTMEM;
			return;
		}
		p->site_alloc = s;
	}
	p->site_alloc[site] += k;
}

/* a kmalloc whose ksize differs from bytes_alloc, grouped by (req, alloc) */
static void rp_mismatch(struct rp_policy *p, uint32_t req, uint32_t alloc,
			uint64_t ksize)
{
	uint64_t key = ((uint64_t)req << 32) | alloc;
	struct rp_ent *e;

	key = key ? key : UINT64_C(1) << 63;	/* 0 is the empty key */
	e = rp_map_find(&p->mismatch, key);
	if (!e) {
		e = rp_map_insert(&p->mismatch, key);
		if (!e)
			return;	/* host OOM: the list only loses a row */
		e->v[0] = ksize;
		e->kind = req;
		e->aux = alloc;
	}
	e->v[1]++;
}

static void rp_do_sample(struct rp_policy *p)
{
	if (p->nr_samples == p->cap_samples) {
		size_t cap = p->cap_samples ? p->cap_samples * 2 : 256;
		uint64_t *n = realloc(p->samples, cap * sizeof *n);

		if (!n) {
			p->err = SIM_ENOHOSTMEM;
			return;
		}
		p->samples = n;
		p->cap_samples = cap;
	}
	p->samples[p->nr_samples++] = p->sim ? rp_slab_pages(p->sim) : 0;
}

/* move the simulator to the op's trace time and CPU (rp_sync() decided) */
static void rp_do_sync(struct rp_policy *p, const struct rp_op *op)
{
	if (!p->sim)
		return;
	if (op->sync & RP_SYNC_CPU)
		sim_set_cpu(p->sim, op->cpu);
	if (op->sync & RP_SYNC_CLOCK) {
		sim_time_t now = sim_now(p->sim);

		if (now < op->rel)
			sim_advance(p->sim, op->rel - now);
	}
}

static void rp_do_kmalloc(struct rp_policy *p, const struct rp_op *op)
{
	uint64_t *slot = rp_addr_slot(p, op->handle);
	sim_addr_t a;
	uint64_t k;

	if (!slot)
		return;
	*slot = SIM_ADDR_NONE;
	if (!rp_live(p))
		return;
	if (sim_kmalloc(p->sim, op->u.km.req, op->u.km.gfp, &a) != SIM_OK) {
		p->st.alloc_fails++;
		rp_fail(p, "kmalloc");
		return;
	}
	*slot = a;
	k = sim_ksize(p->sim, a);
	p->st.allocs++;
	p->st.live_objects++;
	p->st.live_req_bytes += op->u.km.req;
	p->st.req_bytes += op->u.km.req;
	p->st.alloc_bytes += k;
	p->st.kmalloc_events++;
	rp_site_add(p, op->u.km.site, k);
	if (k == op->u.km.alloc)
		p->st.kmalloc_exact++;
	else
		rp_mismatch(p, op->u.km.req, op->u.km.alloc, k);
	rp_note_peak(p, op);
}

/* first sight of a cache: make it in this simulator (flags from the front) */
static void rp_do_cache_create(struct rp_policy *p, const struct rp_op *op)
{
	struct sim_cache_opts opts = { 0 };
	struct sim_cache_info info;
	struct rp_pcache *c;
	sim_cache_t h;

	if (op->handle >= p->nr_caches) {
		c = rp_grow(p->caches, &p->nr_caches, sizeof *c, op->handle);
		if (!c) {
			p->err = SIM_ENOHOSTMEM;
			return;
		}
		p->caches = c;
	}
	c = &p->caches[op->handle];
	if (!rp_live(p))
		return;
	opts.flags = op->u.cc.flags;
	opts.ctor = op->u.cc.ctor;
	/* a name the simulator already has (kmalloc-64 ...) is that cache */
	h = sim_cache_find(p->sim, op->u.cc.name);
	if (h == SIM_CACHE_NONE &&
	    sim_cache_create(p->sim, op->u.cc.name, op->u.cc.size, &opts, &h) != SIM_OK) {
		p->st.cache_create_fails++;
		rp_fail(p, "kmem_cache_create");
		return;
	}
	c->h = h;
	if (sim_cache_get_info(p->sim, h, &info) == SIM_OK)
		c->sim_size = info.size;
	p->st.caches++;
	p->st.caches_exact += c->sim_size == op->u.cc.slot;
}

static void rp_do_cache_alloc(struct rp_policy *p, const struct rp_op *op)
{
	uint64_t *slot = rp_addr_slot(p, op->handle);
	const struct rp_pcache *c;
	sim_addr_t a;

	if (!slot)
		return;
	*slot = SIM_ADDR_NONE;
	if (!rp_live(p))
		return;
	c = op->u.ca.id < p->nr_caches ? &p->caches[op->u.ca.id] : NULL;
	if (!c || c->h == SIM_CACHE_NONE) {
		p->st.alloc_fails++;	/* the cache could not be created */
		return;
	}
	if (sim_cache_alloc(p->sim, c->h, op->u.ca.gfp, &a) != SIM_OK) {
		p->st.alloc_fails++;
		rp_fail(p, "kmem_cache_alloc");
		return;
	}
	*slot = a;
	p->st.allocs++;
	p->st.live_objects++;
	p->st.live_req_bytes += op->u.ca.size;
	p->st.req_bytes += op->u.ca.size;
	p->st.alloc_bytes += c->sim_size;
	rp_site_add(p, op->u.ca.site, c->sim_size);
	rp_note_peak(p, op);
}

/* free the object the way it was allocated (kind: cache id + 1, 0 kmalloc) */
static void rp_do_obj_free(struct rp_policy *p, const struct rp_op *op)
{
	sim_addr_t a;
	int rc;

	if (!rp_live(p) || op->handle >= p->nr_addr)
		return;
	a = (sim_addr_t)p->addr[op->handle];
	if (a == SIM_ADDR_NONE)
		return;
	if (op->u.fr.kind)
		rc = sim_cache_free(p->sim, op->u.fr.kind - 1 < p->nr_caches
				    ? p->caches[op->u.fr.kind - 1].h : SIM_CACHE_NONE, a);
	else
		rc = sim_kfree(p->sim, a);
	if (rc != SIM_OK) {
		p->st.free_errors++;
		return;
	}
	p->st.live_objects--;
	p->st.live_req_bytes -= op->u.fr.aux;
}

static void rp_do_page_alloc(struct rp_policy *p, const struct rp_op *op)
{
	uint64_t *slot = rp_addr_slot(p, op->handle);
	pfn_t pfn;

	if (!slot)
		return;
	*slot = 0;
	if (!rp_live(p))
		return;
	if (sim_alloc_pages(p->sim, op->u.pg.order, op->u.pg.gfp, &pfn) != SIM_OK) {
		p->st.page_alloc_fails++;
		rp_fail(p, "alloc_pages");
		return;
	}
	p->st.page_allocs++;
	*slot = pfn + 1;
}

static void rp_do_page_free(struct rp_policy *p, const struct rp_op *op)
{
	if (rp_live(p) && op->handle < p->nr_addr && p->addr[op->handle])
		sim_free_pages(p->sim, (pfn_t)(p->addr[op->handle] - 1),
			       (int)op->u.pg.order);
}

/*
 * Apply @n ops to policy @p, in order.  The trace line is set after the
 * clock move, as the serial replay always did: work the move triggers
 * (a timer that reports a bug) names the line before.
 */
/* what the free @op of a later op will read (its handle's slot is
 * fetched by then; a slot written meanwhile is only a wasted hint) */
static inline void rp_prefetch_free(const struct rp_policy *p,
				    const struct rp_op *op,
				    enum sim_prefetch_stage stage)
{
	if (op->type == RP_OP_OBJ_FREE && op->handle < p->nr_addr && p->sim)
		slab_prefetch_free(p->sim, (sim_addr_t)p->addr[op->handle], stage);
}

static void rp_policy_apply(struct rp_policy *p, const struct rp_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rp_op *op = &ops[i];

		/* the handle's slot: a miss when it is an old object's */
		if (i + RP_SLOT_AHEAD < n && ops[i + RP_SLOT_AHEAD].handle < p->nr_addr)
			slab_host_prefetch(&p->addr[ops[i + RP_SLOT_AHEAD].handle]);
		if (i + RP_FREE_MAP_AHEAD < n)
			rp_prefetch_free(p, &ops[i + RP_FREE_MAP_AHEAD], SIM_PREFETCH_MAP);
		if (i + RP_FREE_SLAB_AHEAD < n)
			rp_prefetch_free(p, &ops[i + RP_FREE_SLAB_AHEAD], SIM_PREFETCH_SLAB);
		if (op->sync)
			rp_do_sync(p, op);
		if (op->type != RP_OP_SAMPLE)
			p->lineno = op->lineno;
		switch ((enum rp_op_type)op->type) {
		case RP_OP_NOP:
			break;
		case RP_OP_SAMPLE:
			rp_do_sample(p);
			break;
		case RP_OP_KMALLOC:
			rp_do_kmalloc(p, op);
			break;
		case RP_OP_OBJ_EXTS: {
			uint64_t *slot = rp_addr_slot(p, op->handle);

			if (slot)
				*slot = SIM_ADDR_NONE;
			break;
		}
		case RP_OP_CACHE_CREATE:
			rp_do_cache_create(p, op);
			break;
		case RP_OP_CACHE_ALLOC:
			rp_do_cache_alloc(p, op);
			break;
		case RP_OP_OBJ_FREE:
			rp_do_obj_free(p, op);
			break;
		case RP_OP_PAGE_ALLOC:
			rp_do_page_alloc(p, op);
			break;
		case RP_OP_PAGE_FREE:
			rp_do_page_free(p, op);
			break;
		}
	}
}

/* ---- The policy threads ---- */

/* the policies worker @w runs: @w, @w + nr_workers, ... (policy order) */
static void rp_worker_apply(struct replay *rp, unsigned w, unsigned nr_workers,
			    const struct rp_op *ops, size_t n)
{
	for (size_t i = w; i < rp->nr; i += nr_workers)
		rp_policy_apply(&rp->pol[i], ops, n);
}

static void *rp_worker_main(void *arg)
{
	struct rp_worker *wk = arg;
	struct replay *rp = wk->rp;
	struct rp_ring *rg = &rp->ring;
	unsigned nr_workers = rg->nr_workers;

	for (;;) {
		const struct rp_op *ops;
		size_t n;

		pthread_mutex_lock(&rg->lock);
		while (rg->tail[wk->id] == rg->head && !rg->done)
			pthread_cond_wait(&rg->more, &rg->lock);
		if (rg->tail[wk->id] == rg->head) {
			pthread_mutex_unlock(&rg->lock);
			break;
		}
		ops = rg->slot[rg->tail[wk->id] % RP_RING];
		n = rg->nr[rg->tail[wk->id] % RP_RING];
		pthread_mutex_unlock(&rg->lock);

		rp_worker_apply(rp, wk->id, nr_workers, ops, n);

		pthread_mutex_lock(&rg->lock);
		rg->tail[wk->id]++;
		if (rg->waiting)
			pthread_cond_signal(&rg->room);
		pthread_mutex_unlock(&rg->lock);
	}
	if (rp->cfg.thread_done)
		rp->cfg.thread_done(rp->cfg.thread_ud, wk->id);
	return NULL;
}

/* the slot block @head may be written into, once every worker left it */
static struct rp_op *rp_ring_claim(struct rp_ring *rg)
{
	pthread_mutex_lock(&rg->lock);
	for (;;) {
		uint64_t slowest = rg->head;

		for (unsigned w = 0; w < rg->nr_workers; w++)
			slowest = SIM_MIN(slowest, rg->tail[w]);
		if (rg->head - slowest < RP_RING)
			break;
		rg->waiting = true;
		pthread_cond_wait(&rg->room, &rg->lock);
		rg->waiting = false;
	}
	pthread_mutex_unlock(&rg->lock);
	return rg->slot[rg->head % RP_RING];
}

/* hand the ops written so far to the policies; writing goes on after them */
static void rp_ops_flush(struct replay *rp)
{
	struct rp_ring *rg = &rp->ring;

	if (!rp->nr_ops)
		return;
	if (!rg->nr_workers) {
		for (size_t i = 0; i < rp->nr; i++)
			rp_policy_apply(&rp->pol[i], rp->ops, rp->nr_ops);
		rp->nr_ops = 0;
		return;
	}
	pthread_mutex_lock(&rg->lock);
	rg->nr[rg->head % RP_RING] = rp->nr_ops;
	rg->head++;
	pthread_cond_broadcast(&rg->more);
	pthread_mutex_unlock(&rg->lock);
	rp->ops = rp_ring_claim(rg);
	rp->nr_ops = 0;
}

/*
 * Start the policy threads.  Any failure (host memory, the thread limit)
 * leaves the replay serial: the same output, one thread.
 */
static void rp_threads_start(struct replay *rp)
{
	struct rp_ring *rg = &rp->ring;
	unsigned nr = rp->nr_threads;

	if (nr < 1)
		return;
	if (!rp->ring_init) {
		if (pthread_mutex_init(&rg->lock, NULL))
			return;
		if (pthread_cond_init(&rg->more, NULL)) {
			pthread_mutex_destroy(&rg->lock);
			return;
		}
		if (pthread_cond_init(&rg->room, NULL)) {
			pthread_cond_destroy(&rg->more);
			pthread_mutex_destroy(&rg->lock);
			return;
		}
		rp->ring_init = true;
	}
	for (unsigned k = 0; k < RP_RING; k++) {
		if (!rg->slot[k])
			rg->slot[k] = malloc(rp->cap_ops * sizeof *rg->slot[k]);
		if (!rg->slot[k])
			return;
	}
	rg->head = 0;
	rg->done = false;
	rg->waiting = false;
	/* nr_workers is what the workers divide the policies by: set before
	 * any starts; if one cannot be started, the others are stopped
	 * before any block and joined, and the replay goes on serial */
	rg->nr_workers = nr;
	for (unsigned w = 0; w < nr; w++) {
		rg->tail[w] = 0;
		rg->w[w].rp = rp;
		rg->w[w].id = w;
	}
	for (unsigned w = 0; w < nr; w++)
		if (pthread_create(&rg->w[w].tid, NULL, rp_worker_main, &rg->w[w]) != 0) {
			/* stop the ones started (they saw no block) and go serial */
			pthread_mutex_lock(&rg->lock);
			rg->done = true;
			pthread_cond_broadcast(&rg->more);
			pthread_mutex_unlock(&rg->lock);
			for (unsigned k = 0; k < w; k++)
				pthread_join(rg->w[k].tid, NULL);
			rg->nr_workers = 0;
			return;
		}
	rp->ops = rg->slot[0];		/* nothing written yet: nr_ops == 0 */
}

/* publish what is written, let the workers finish every block, join them */
static void rp_threads_stop(struct replay *rp)
{
	struct rp_ring *rg = &rp->ring;

	if (!rg->nr_workers)
		return;
	rp_ops_flush(rp);
	pthread_mutex_lock(&rg->lock);
	rg->done = true;
	pthread_cond_broadcast(&rg->more);
	pthread_mutex_unlock(&rg->lock);
	for (unsigned w = 0; w < rg->nr_workers; w++)
		pthread_join(rg->w[w].tid, NULL);
	rg->nr_workers = 0;
	rp->ops = rp->ops_own;
	rp->nr_ops = 0;
}

/* ---- The front: what every policy shares ---- */

/*
 * The next op of the event being applied, with its line, time and (for
 * the event's first op) its clock and CPU move.  A full block is handed
 * on first, so this never fails.
 */
static struct rp_op *rp_op_new(struct replay *rp, enum rp_op_type type)
{
	struct rp_op *op;

	if (rp->nr_ops == rp->cap_ops)
		rp_ops_flush(rp);
	op = &rp->ops[rp->nr_ops++];
	op->type = (uint8_t)type;
	op->sync = rp->pending_sync;
	op->cpu = (uint16_t)rp->last_cpu;
	op->handle = 0;
	op->lineno = rp->last_lineno;
	op->rel = rp->last_rel;
	rp->pending_sync = 0;
	rp->event_op |= type != RP_OP_SAMPLE;
	return op;
}

/* a handle for a new live allocation; UINT32_MAX on host OOM */
static uint32_t rp_handle_get(struct replay *rp)
{
	if (rp->nr_free)
		return rp->free_handles[--rp->nr_free];
	/* room to hand every handle back, so rp_handle_put() cannot fail */
	if (rp->next_handle >= rp->cap_free) {
		size_t cap = rp->cap_free ? rp->cap_free * 2 : 1024;
		uint32_t *n;

		if (rp->next_handle == UINT32_MAX - 1)
			return UINT32_MAX;
		n = realloc(rp->free_handles, cap * sizeof *n);
		if (!n)
			return UINT32_MAX;
		rp->free_handles = n;
		rp->cap_free = cap;
	}
	return rp->next_handle++;
}

static inline void rp_handle_put(struct replay *rp, uint32_t h)
{
	rp->free_handles[rp->nr_free++] = h;
}

/* free, in every simulator, the object @e stands for (and forget it) */
static void rp_obj_release(struct replay *rp, struct rp_ent *e)
{
	struct rp_op *op = rp_op_new(rp, RP_OP_OBJ_FREE);

	op->handle = (uint32_t)e->v[0];
	op->u.fr.kind = e->kind;
	op->u.fr.aux = e->aux;
	rp_handle_put(rp, (uint32_t)e->v[0]);
	rp_map_remove(&rp->objs, e);
}

static void rp_page_release(struct replay *rp, struct rp_ent *e)
{
	struct rp_op *op = rp_op_new(rp, RP_OP_PAGE_FREE);

	op->handle = (uint32_t)e->v[0];
	op->u.pg.order = e->kind;
	rp_handle_put(rp, (uint32_t)e->v[0]);
	rp_map_remove(&rp->pages, e);
}

/* an entry (with a handle) for @key in @m, which must be absent */
static struct rp_ent *rp_ent_new(struct replay *rp, struct rp_map *m, uint64_t key)
{
	uint32_t h = rp_handle_get(rp);
	struct rp_ent *e;

	if (h == UINT32_MAX)
		return NULL;
	e = rp_map_insert(m, key);
	if (!e) {
		rp_handle_put(rp, h);
		return NULL;
	}
	e->v[0] = h;
	return e;
}

/* a new entry for traced object @ptr, freeing a still-live namesake first */
static struct rp_ent *rp_obj_new(struct replay *rp, uint64_t ptr)
{
	struct rp_ent *old = rp_map_find(&rp->objs, ptr);

	if (old) {
		rp->ts.untraced_frees++;
		rp_obj_release(rp, old);
	}
	return rp_ent_new(rp, &rp->objs, ptr);
}

static int rp_site_account(struct replay *rp, const struct trace_event *ev)
{
	struct rp_site *sites = rp_grow(rp->sites, &rp->nr_sites, sizeof *sites,
					ev->call_site);

	if (!sites)
		return SIM_ENOHOSTMEM;
	rp->sites = sites;
	sites[ev->call_site].hits++;
	sites[ev->call_site].req += ev->bytes_req;
	sites[ev->call_site].alloc += ev->bytes_alloc;
	return SIM_OK;
}

/* ---- Events ---- */

/*
 * The traced kernel's memcg vector of a new slab (6.18 alloc_slab_obj_exts(),
 * 6.1 memcg_alloc_slab_cgroups()): a kmalloc event of its own, which the
 * simulators must not replay, as they make their own (account_slab()).
 */
static bool rp_is_obj_exts(const struct replay *rp, const struct trace_event *ev)
{
	const char *site = trace_string(rp->parser, TRACE_STR_CALLSITE, ev->call_site);

	return site && (strncmp(site, "alloc_slab_obj_exts", 19) == 0 ||
			strncmp(site, "memcg_alloc_slab_cgroups", 24) == 0);
}

static int rp_kmalloc(struct replay *rp, const struct trace_event *ev)
{
	struct rp_ent *e;
	struct rp_op *op;

	if (ev->ptr == 0) {
		rp->ts.traced_failures++;
		return SIM_OK;
	}
	if (rp_site_account(rp, ev) != SIM_OK)
		return SIM_ENOHOSTMEM;
	if (ev->bytes_req == 0) {
		/* ZERO_SIZE_PTR: the same hashed value every time */
		rp->ts.zero_size++;
		rp->zero_ptr = ev->ptr;
		return SIM_OK;
	}
	e = rp_obj_new(rp, ev->ptr);
	if (!e)
		return SIM_ENOHOSTMEM;
	e->aux = ev->bytes_req;
	if (rp_is_obj_exts(rp, ev)) {
		/* each simulator allocates its own for its SLAB_ACCOUNT slabs:
		 * the entry (no simulator object) makes its kfree a no-op */
		rp->ts.obj_exts++;
		op = rp_op_new(rp, RP_OP_OBJ_EXTS);
		op->handle = (uint32_t)e->v[0];
		return SIM_OK;
	}
	op = rp_op_new(rp, RP_OP_KMALLOC);
	op->handle = (uint32_t)e->v[0];
	op->u.km.req = ev->bytes_req;
	op->u.km.alloc = ev->bytes_alloc;
	op->u.km.site = ev->call_site;
	op->u.km.gfp = ev->gfp;
	return SIM_OK;
}

/* the slot size SLUB gives @size with HWCACHE_ALIGN and/or a ctor */
static uint32_t rp_slub_size(uint32_t size, bool hwcache, bool ctor)
{
	uint32_t align = 8, s = SIM_ALIGN(size, 8u);

	if (hwcache) {
		uint32_t ralign = SIM_CACHE_LINE;

		/* ralign > 1: a trace's 0-byte cache (kmem_cache_create()
		 * refuses one) halved it to 0 and looped forever (fuzzing) */
		while (ralign > 1 && size <= ralign / 2)
			ralign /= 2;
		align = SIM_MAX(align, ralign);
	}
	if (ctor)
		s += 8;		/* the free pointer, after the object */
	return SIM_ALIGN(s, align);
}

/* first sight of cache @c, named @id: pick the flags, create it everywhere */
static void rp_cache_create(struct replay *rp, struct rp_cache *c, uint32_t id,
			    const struct trace_event *ev)
{
	static const bool tries[4][2] = {
		{ false, false }, { true, false }, { false, true }, { true, true },
	};
	struct rp_op *op;

	c->seen = true;
	c->object_size = ev->bytes_req;
	c->slot_size = ev->bytes_alloc;
	c->flags = rp->f_nomerge | (ev->accounted ? rp->f_account : 0);
	for (size_t t = 0; t < 4; t++) {
		if (rp_slub_size(ev->bytes_req, tries[t][0], tries[t][1]) ==
		    ev->bytes_alloc) {
			c->flags |= tries[t][0] ? rp->f_hwcache : 0;
			c->ctor = tries[t][1];
			break;
		}
	}
	op = rp_op_new(rp, RP_OP_CACHE_CREATE);
	op->handle = id;
	op->u.cc.name = trace_string(rp->parser, TRACE_STR_CACHE, id);
	op->u.cc.size = ev->bytes_req;
	op->u.cc.slot = c->slot_size;
	op->u.cc.flags = c->flags;
	op->u.cc.ctor = c->ctor;
}

/*
 * The cache id of a kmem_cache_alloc event.  Older kernels print no name=
 * (it came with the kmalloc/slab tracepoint rework of 6.0-6.1): such
 * caches are told apart by their sizes, as "size-REQ-ALLOC" (interned like
 * a name, so ids stay dense).  UINT32_MAX on host OOM.
 */
static uint32_t rp_cache_id(struct replay *rp, const struct trace_event *ev)
{
	char name[48];
	int n;

	if (ev->cache)
		return ev->cache;
	n = snprintf(name, sizeof name, "size-%u-%u", ev->bytes_req, ev->bytes_alloc);
	return trace_intern(rp->parser, TRACE_STR_CACHE, name, (size_t)n);
}

static int rp_cache_alloc(struct replay *rp, const struct trace_event *ev)
{
	struct rp_cache *c;
	struct rp_ent *e;
	struct rp_op *op;
	uint32_t id;

	if (ev->ptr == 0) {
		rp->ts.traced_failures++;
		return SIM_OK;
	}
	id = rp_cache_id(rp, ev);
	if (id == UINT32_MAX || rp_site_account(rp, ev) != SIM_OK)
		return SIM_ENOHOSTMEM;
	c = rp_grow(rp->caches, &rp->nr_caches, sizeof *c, id);
	if (!c)
		return SIM_ENOHOSTMEM;
	rp->caches = c;
	c = &rp->caches[id];
	if (!c->seen)
		rp_cache_create(rp, c, id, ev);
	else if (ev->bytes_req != c->object_size)
		rp->ts.cache_size_varies++;
	c->allocs++;
	e = rp_obj_new(rp, ev->ptr);
	if (!e)
		return SIM_ENOHOSTMEM;
	e->kind = id + 1;
	e->aux = c->object_size;
	op = rp_op_new(rp, RP_OP_CACHE_ALLOC);
	op->handle = (uint32_t)e->v[0];
	op->u.ca.id = id;
	op->u.ca.size = c->object_size;
	op->u.ca.site = ev->call_site;
	op->u.ca.gfp = ev->gfp;
	return SIM_OK;
}

static void rp_free(struct replay *rp, const struct trace_event *ev)
{
	bool is_kfree = ev->type == TRACE_KFREE;
	struct rp_ent *e;

	if (ev->ptr == 0) {
		rp->ts.null_frees++;
		return;
	}
	e = rp_map_find(&rp->objs, ev->ptr);
	if (!e) {
		if (is_kfree && rp->zero_ptr == ev->ptr)
			rp->ts.null_frees++;	/* kfree(ZERO_SIZE_PTR) is a no-op too */
		else if (is_kfree)
			rp->ts.unmatched_kfree++;
		else
			rp->ts.unmatched_cache_free++;
		return;
	}
	if (is_kfree && e->kind)
		rp->ts.kfree_of_cache_obj++;
	else if (!is_kfree && !e->kind)
		rp->ts.cache_free_of_kmalloc++;
	else if (!is_kfree && ev->cache && e->kind != ev->cache + 1)
		rp->ts.cache_free_other++;
	rp_obj_release(rp, e);
}

/* the map key of a page event: pfn + 1, or page= with bit 63 set */
static inline uint64_t rp_page_key(const struct trace_event *ev)
{
	if (ev->pfn != SIM_PFN_NONE)
		return ev->pfn + 1;
	return ev->ptr | (UINT64_C(1) << 63);
}

static int rp_page_alloc(struct replay *rp, const struct trace_event *ev)
{
	uint64_t key;
	struct rp_ent *e;
	struct rp_op *op;

	if ((ev->pfn == SIM_PFN_NONE && ev->ptr == 0)) {
		rp->ts.traced_failures++;
		return SIM_OK;
	}
	key = rp_page_key(ev);
	e = rp_map_find(&rp->pages, key);
	if (e) {
		rp->ts.untraced_page_frees++;
		rp_page_release(rp, e);
	}
	e = rp_ent_new(rp, &rp->pages, key);
	if (!e)
		return SIM_ENOHOSTMEM;
	e->kind = ev->order;
	op = rp_op_new(rp, RP_OP_PAGE_ALLOC);
	op->handle = (uint32_t)e->v[0];
	op->u.pg.order = ev->order;
	op->u.pg.gfp = ev->gfp;
	return SIM_OK;
}

static void rp_page_free(struct replay *rp, const struct trace_event *ev)
{
	struct rp_ent *e;

	if (ev->pfn == SIM_PFN_NONE && ev->ptr == 0) {
		rp->ts.null_frees++;
		return;
	}
	e = rp_map_find(&rp->pages, rp_page_key(ev));
	if (!e) {
		rp->ts.unmatched_page_free++;
		return;
	}
	if (e->kind != ev->order)
		rp->ts.page_order_mismatch++;
	rp_page_release(rp, e);
}

/* ---- Time ---- */

static int rp_sample(struct replay *rp, uint64_t x)
{
	if (rp->nr_samples == rp->cap_samples) {
		size_t cap = rp->cap_samples ? rp->cap_samples * 2 : 256;
		uint64_t *n = realloc(rp->sample_x, cap * sizeof *n);

		if (!n)
			return SIM_ENOHOSTMEM;
		rp->sample_x = n;
		rp->cap_samples = cap;
	}
	rp->sample_x[rp->nr_samples++] = x;
	rp_op_new(rp, RP_OP_SAMPLE);	/* each policy reads its slab pages */
	return SIM_OK;
}

/*
 * Samples due before trace time @rel, taken before the event at @rel is
 * applied.  Over a quiet stretch longer than two intervals only its two
 * ends are sampled (the level is flat in between), so a trace with an hour
 * of silence does not produce 360,000 identical rows.
 */
static int rp_series_catch_up(struct replay *rp, uint64_t rel)
{
	uint64_t iv = rp->cfg.series_interval_ns;

	if (rel < rp->next_sample)
		return SIM_OK;
	if (rp_sample(rp, rp->next_sample) != SIM_OK)
		return SIM_ENOHOSTMEM;
	rp->next_sample += iv;
	if (rel >= rp->next_sample) {
		uint64_t last = rel / iv * iv;

		if (last > rp->next_sample - iv && rp_sample(rp, last) != SIM_OK)
			return SIM_ENOHOSTMEM;
		rp->next_sample = last + iv;
	}
	return SIM_OK;
}

/* move every simulator to trace time @rel and to the event's CPU: decide
 * here, once; the event's first op carries the move to the policies */
static void rp_sync(struct replay *rp, const struct trace_event *ev, uint64_t rel)
{
	bool moved = rel >= rp->synced + REPLAY_CLOCK_STEP_NS;
	bool switched = ev->cpu != rp->last_trace_cpu;
	unsigned cpu = rp->last_cpu;

	if (switched) {		/* the modulo only when the CPU column changes */
		rp->last_trace_cpu = ev->cpu;
		cpu = ev->cpu == TRACE_CPU_UNKNOWN ? 0 : ev->cpu % rp->cfg.sim.cpus;
		switched = cpu != rp->last_cpu;
	}

	if (!moved && !switched)
		return;
	rp->pending_sync = (uint8_t)((moved ? RP_SYNC_CLOCK : 0) |
				     (switched ? RP_SYNC_CPU : 0));
	rp->last_cpu = cpu;
	rp->last_rel = rel;
	if (moved)
		rp->synced = rel;
}

/* ---- Applying events ---- */

/* the front's part of an event: counters, maps, and the ops it asks for */
static int rp_event(struct replay *rp, const struct trace_event *ev)
{
	uint64_t rel;
	int rc = SIM_OK;

	if (!rp->started) {
		rp->started = true;
		rp->ts0 = ev->ts_ns;
		rp->last_rel = 0;
		rp->next_sample = 0;
	}
	/* a late event (beyond the reorder window) runs at the current time */
	rel = ev->ts_ns > rp->ts0 ? ev->ts_ns - rp->ts0 : 0;
	rel = SIM_MAX(rel, rp->last_rel);
	if (rp->cfg.series_interval_ns && rp_series_catch_up(rp, rel) != SIM_OK)
		return SIM_ENOHOSTMEM;
	rp_sync(rp, ev, rel);
	rp->last_lineno = ev->lineno;
	rp->event_op = false;
	switch (ev->type) {
	case TRACE_KMALLOC:
	case TRACE_KMALLOC_NODE:
		rc = rp_kmalloc(rp, ev);
		break;
	case TRACE_KMEM_CACHE_ALLOC:
	case TRACE_KMEM_CACHE_ALLOC_NODE:
		rc = rp_cache_alloc(rp, ev);
		break;
	case TRACE_KFREE:
	case TRACE_KMEM_CACHE_FREE:
		rp_free(rp, ev);
		break;
	case TRACE_MM_PAGE_ALLOC:
		rc = rp_page_alloc(rp, ev);
		break;
	case TRACE_MM_PAGE_FREE:
	case TRACE_MM_PAGE_FREE_BATCHED:
		rp_page_free(rp, ev);
		break;
	default:
		break;
	}
	/* no simulator call: the clocks move anyway, and the policies learn
	 * the line (a bug their next clock move reports names this one) */
	if (!rp->event_op)
		rp_op_new(rp, RP_OP_NOP);
	if (rc == SIM_OK)
		rp->ts.applied++;
	return rc;
}

/* SIM_ENOHOSTMEM if a policy ran out of host memory */
static int rp_policies_status(const struct replay *rp)
{
	for (size_t i = 0; i < rp->nr; i++)
		if (rp->pol[i].err)
			return rp->pol[i].err;
	return SIM_OK;
}

int replay_event(struct replay *rp, const struct trace_event *ev)
{
	int rc = rp_event(rp, ev);

	rp_ops_flush(rp);	/* outside replay_run(): serial, now */
	return rc != SIM_OK ? rc : rp_policies_status(rp);
}

static void rp_progress(struct replay *rp, struct trace_reader *r, bool done)
{
	struct sim_progress pr = { .label = "replay", .finished = done };

	rp->next_progress = rp->ts.applied + rp->cfg.progress_every;
	if (!rp->cfg.progress)
		return;
	pr.done = rp->ts.applied;
	trace_reader_progress(r, &pr.bytes, &pr.bytes_total);
	rp->cfg.progress(rp->cfg.progress_ud, &pr);
}

/* events of the sorted window that are final: older than newest - window */
static size_t rp_window_ready(const struct replay *rp, bool drain)
{
	size_t lo = 0, hi = rp->nr_win;
	uint64_t limit;

	if (drain)
		return rp->nr_win;
	if (rp->newest < rp->cfg.reorder_window_ns)
		return 0;
	limit = rp->newest - rp->cfg.reorder_window_ns;
	while (lo < hi) {		/* first event newer than limit */
		size_t mid = lo + (hi - lo) / 2;

		if (rp->win[mid].ts_ns <= limit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Start loading the map slot event @ev will look up.  Trace pointers are
 * hashes, so every lookup is a cache miss in a map of a few MB; issued a
 * few events ahead, the load overlaps the front's work.
 */
static inline void rp_prefetch(const struct replay *rp, const struct trace_event *ev)
{
#if defined(__GNUC__)
	const struct rp_map *m;
	uint64_t key;

	if (ev->type >= TRACE_MM_PAGE_ALLOC) {
		m = &rp->pages;
		key = rp_page_key(ev);
	} else {
		m = &rp->objs;
		key = ev->ptr;
	}
	__builtin_prefetch(&m->slot[rp_hash(m, key)]);
#else
	(void)rp;
	(void)ev;
#endif
}

/* sort the window, apply its final events, keep the rest for later */
static int rp_window_flush(struct replay *rp, bool drain)
{
	size_t ready;

	if (trace_events_sort(rp->win, rp->nr_win) != 0)
		return SIM_ENOHOSTMEM;
	ready = rp_window_ready(rp, drain);
	for (size_t i = 0; i < ready; i++) {
		if (i + RP_PREFETCH_AHEAD < ready)
			rp_prefetch(rp, &rp->win[i + RP_PREFETCH_AHEAD]);
		if (rp_event(rp, &rp->win[i]) != SIM_OK)
			return SIM_ENOHOSTMEM;
	}
	/* the policies get what is final now, not one window later */
	rp_ops_flush(rp);
	/* serial: a policy out of host memory stops the replay now; threaded,
	 * its thread notes it and replay_run() says so at the end */
	if (!rp->ring.nr_workers && rp_policies_status(rp) != SIM_OK)
		return SIM_ENOHOSTMEM;
	if (ready) {
		rp->last_out = rp->win[ready - 1].ts_ns;
		rp->any_out = true;
		memmove(rp->win, rp->win + ready, (rp->nr_win - ready) * sizeof *rp->win);
		rp->nr_win -= ready;
	}
	/* a window holding more than half the buffer: make room to read on */
	if (rp->nr_win > rp->cap_win / 2) {
		struct trace_event *w = realloc(rp->win, 2 * rp->cap_win * sizeof *w);

		if (!w)
			return SIM_ENOHOSTMEM;
		rp->win = w;
		rp->cap_win *= 2;
	}
	return SIM_OK;
}

/* parse, order, apply (the front's loop): trace_parse_next()'s last
 * return, or 1 with @nomem set when the host ran out of memory */
static int rp_run(struct replay *rp, struct trace_reader *r, bool *nomem)
{
	int rc = 1;

	*nomem = false;
	while (rc == 1) {
		while (rp->nr_win < rp->cap_win &&
		       (rc = trace_parse_next(rp->parser, r, &rp->win[rp->nr_win])) == 1) {
			struct trace_event *e = &rp->win[rp->nr_win++];

			if (rp->any_out && e->ts_ns < rp->last_out) {
				/* too late to be put in place: it runs next */
				rp->ts.late_events++;
				e->ts_ns = rp->last_out;
			}
			if (e->ts_ns > rp->newest)
				rp->newest = e->ts_ns;
		}
		/* apply what was read even when the reader failed half way */
		if (rp_window_flush(rp, rc != 1) != SIM_OK) {
			*nomem = true;
			return 1;
		}
		if (rp->ts.applied >= rp->next_progress)
			rp_progress(rp, r, false);
	}
	return rc;
}

/*
 * The front (this thread) parses, orders and does the shared work of
 * every event; the policies' simulators run on their own threads, each
 * reading the same op blocks.  Everything a policy computes stays in its
 * struct rp_policy, and the report reads the policies in their order
 * after the threads are joined: the output cannot depend on timing.
 */
int replay_run(struct replay *rp, struct trace_reader *r)
{
	bool nomem;
	int rc;

	rp_threads_start(rp);
	rc = rp_run(rp, r, &nomem);
	/* at the end, on a reader failure too: the policies get every op
	 * written before the threads are joined, so nothing read is lost */
	rp_threads_stop(rp);
	if (nomem || rp_policies_status(rp) != SIM_OK)
		return SIM_ENOHOSTMEM;
	rp->overlong += trace_reader_overlong(r);
	if (rc != 0 && rc != TRACE_LINE_NOMEM && !rp->read_error[0])
		snprintf(rp->read_error, sizeof rp->read_error, "%s",
			 trace_reader_error(r));
	rp_progress(rp, r, true);
	if (rc == TRACE_LINE_NOMEM)
		return SIM_ENOHOSTMEM;
	return rc == 0 ? SIM_OK : SIM_ERR;
}

/* ---- Queries ---- */

size_t replay_nr_policies(const struct replay *rp)
{
	return rp->nr;
}

const char *replay_policy_name(const struct replay *rp, size_t i)
{
	return i < rp->nr ? rp->pol[i].name : NULL;
}

const char *replay_policy_panicked(const struct replay *rp, size_t i)
{
	if (i >= rp->nr || !rp->pol[i].sim || !sim_panicked(rp->pol[i].sim))
		return NULL;
	return rp->pol[i].first_fail[0] ? rp->pol[i].first_fail
					: sim_panic_message(rp->pol[i].sim);
}

const char *replay_policy_unavailable(const struct replay *rp, size_t i)
{
	if (i >= rp->nr || rp->pol[i].sim)
		return NULL;
	return rp->pol[i].why[0] ? rp->pol[i].why : "unavailable";
}

struct sim *replay_policy_sim(const struct replay *rp, size_t i)
{
	return i < rp->nr ? rp->pol[i].sim : NULL;
}

const struct replay_policy_stats *replay_policy_stats(const struct replay *rp,
						      size_t i)
{
	return &rp->pol[i < rp->nr ? i : 0].st;
}

uint64_t replay_policy_slab_pages(const struct replay *rp, size_t i)
{
	return i < rp->nr && rp->pol[i].sim ? rp_slab_pages(rp->pol[i].sim) : 0;
}

const struct replay_trace_stats *replay_trace_stats(const struct replay *rp)
{
	return &rp->ts;
}

uint64_t replay_live_objects(const struct replay *rp)
{
	return rp->objs.count;
}

uint64_t replay_live_pages(const struct replay *rp)
{
	return rp->pages.count;
}

sim_addr_t replay_sim_addr(const struct replay *rp, size_t i, uint64_t ptr)
{
	const struct rp_ent *e = ptr ? rp_map_find(&rp->objs, ptr) : NULL;

	if (!e || i >= rp->nr || e->v[0] >= rp->pol[i].nr_addr)
		return SIM_ADDR_NONE;
	return (sim_addr_t)rp->pol[i].addr[e->v[0]];
}

/* what policy @i's simulator made of cache @id (zeroes: nothing) */
static struct rp_pcache rp_pcache(const struct replay *rp, size_t i, size_t id)
{
	const struct rp_policy *p = &rp->pol[i];

	return id < p->nr_caches ? p->caches[id] : (struct rp_pcache){ 0 };
}

/* policy @i's simulated bytes allocated at call site @id */
static uint64_t rp_site_sim_alloc(const struct replay *rp, size_t i, size_t id)
{
	const struct rp_policy *p = &rp->pol[i];

	return id < p->nr_sites ? p->site_alloc[id] : 0;
}

/* ---- The report ---- */

/*
 * The document (docs/replay.md lists every field):
 *   headline   the figures that differ most between the policies, in
 *              words (report_headline() over the policies' figures)
 *   policies   status of each policy, then the figures side by side
 *   input      what was read: lines, events per type, skipped, other
 *              events, malformed lines quoted with their numbers
 *   trace      facts about the trace itself (unmatched frees, ...)
 *   fidelity   kmalloc size classes and cache slot sizes against the trace
 *   callers    top call sites by bytes and by waste
 *   series     slab pages over trace time (only with a series interval)
 * and one run per available policy: the simulator's own report
 * (sim_fill_report(): its state at the end of the trace) and the replay's
 * counters for that policy.  Rows are in fixed orders (policy order, event
 * type order, first-seen order, or sorted with ties broken by first-seen
 * order), never in hash order.
 */

static double rp_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : NAN;
}

static struct report_value rp_pct_value(uint64_t part, uint64_t whole)
{
	return whole ? RV_PERCENT(rp_pct(part, whole), 2) : RV_NONE(REPORT_PERCENT);
}

static void rp_report_input(struct replay *rp, struct report *r,
			    const char *input)
{
	const struct trace_stats *st = trace_parser_stats(rp->parser);
	struct report_section *s = report_section(r, "input", "What was read");
	struct report_kv *kv = report_kv(s, "read", NULL);
	struct report_table *t;
	uint32_t nev;

	report_kv_add(kv, "trace", RV_TEXT(input), NULL);
	report_kv_add(kv, "lines", RV_INT((int64_t)st->lines), NULL);
	report_kv_add(kv, "bytes", RV_BYTES((int64_t)st->bytes), NULL);
	report_kv_add(kv, "events", RV_INT((int64_t)st->events), NULL);
	report_kv_add(kv, "skipped lines", RV_INT((int64_t)st->skipped), NULL);
	report_kv_add(kv, "other events", RV_INT((int64_t)st->other_events), NULL);
	report_kv_add(kv, "malformed lines", RV_INT((int64_t)st->malformed), NULL);
	report_kv_add(kv, "lines cut (too long)", RV_INT((int64_t)rp->overlong), NULL);
	report_kv_add(kv, "unknown gfp_flags", RV_INT((int64_t)st->gfp_unknown), NULL);
	report_kv_add(kv, "events without CPU", RV_INT((int64_t)st->no_cpu), NULL);
	report_kv_add(kv, "events lost by the tracer",
		      RV_INT((int64_t)st->lost_events), NULL);
	report_kv_add(kv, "first timestamp", rp->started ? RV_NS((int64_t)rp->ts0)
							: RV_NONE(REPORT_NS), NULL);
	report_kv_add(kv, "trace span", RV_NS((int64_t)rp->last_rel), NULL);
	report_kv_add(kv, "reorder window", RV_NS((int64_t)rp->cfg.reorder_window_ns),
		      NULL);
	if (rp->read_error[0])
		report_kv_add(kv, "read error", RV_TEXT(rp->read_error), NULL);
	if (trace_gfp_error(rp->parser)[0])
		report_kv_add(kv, "first unknown gfp", RV_TEXT(trace_gfp_error(rp->parser)),
			      NULL);

	t = report_table(s, "events", "Events by type");
	report_column(t, "event", REPORT_TEXT, 0, NULL);
	report_column(t, "events", REPORT_INT, 0, NULL);
	for (unsigned i = 0; i < TRACE_NR_TYPES; i++)
		REPORT_ROW(t, RV_TEXT(trace_type_name(i)),
			   RV_INT((int64_t)st->per_type[i]));

	nev = trace_string_count(rp->parser, TRACE_STR_EVENT);
	t = report_table(s, "other-events", "Events of other tracepoints (skipped)");
	report_column(t, "event", REPORT_TEXT, 0, NULL);
	report_column(t, "events", REPORT_INT, 0, NULL);
	for (uint32_t id = 1; id < nev; id++)
		REPORT_ROW(t, RV_TEXT(trace_string(rp->parser, TRACE_STR_EVENT, id)),
			   RV_INT((int64_t)trace_other_count(rp->parser, id)));

	t = report_table(s, "malformed", "Malformed lines (the first few)");
	report_column(t, "line", REPORT_INT, 0, NULL);
	report_column(t, "reason", REPORT_TEXT, 0, NULL);
	report_column(t, "text", REPORT_TEXT, 0, NULL);
	for (unsigned i = 0; trace_parser_problem(rp->parser, i); i++) {
		const struct trace_problem *pr = trace_parser_problem(rp->parser, i);

		REPORT_ROW(t, RV_INT((int64_t)pr->lineno), RV_TEXT(pr->reason),
			   RV_TEXT(pr->excerpt));
	}
}

static void rp_report_trace(struct replay *rp, struct report *r)
{
	struct report_section *s = report_section(r, "trace", "The trace itself");
	struct report_kv *kv = report_kv(s, "facts", NULL);
	uint64_t caches = 0;

	for (size_t i = 0; i < rp->nr_caches; i++)
		caches += rp->caches[i].seen;
#define RP_X_KV(f, k) report_kv_add(kv, k, RV_INT((int64_t)rp->ts.f), NULL);
	REPLAY_TRACE_FIELDS(RP_X_KV)
#undef RP_X_KV
	report_kv_add(kv, "objects live at the end", RV_INT((int64_t)rp->objs.count),
		      NULL);
	report_kv_add(kv, "page blocks live at the end",
		      RV_INT((int64_t)rp->pages.count), NULL);
	report_kv_add(kv, "named caches", RV_INT((int64_t)caches), NULL);
}

/* the zone whose unusable index is reported: Normal, else the last populated */
static bool rp_frag_zone(const struct sim *sim, struct sim_zone_info *out)
{
	bool found = false;

	for (size_t i = 0; i < sim_zone_count(sim); i++) {
		struct sim_zone_info z;

		if (sim_zone_info(sim, i, &z) != SIM_OK || !z.populated)
			continue;
		if (!found || strcmp(out->name, "Normal") != 0)
			*out = z;
		found = true;
	}
	return found;
}

/* one figure per policy for the side-by-side bars */
struct rp_figures {
	double v[REPLAY_MAX_POLICIES];
};

static struct report_bars *rp_report_policies(struct replay *rp, struct report *r)
{
	struct report_section *s = report_section(r, "policies",
						  "The policies side by side");
	struct report_table *t = report_table(s, "status", NULL);
	struct report_bars *b;
	struct sim_slab_summary sum[REPLAY_MAX_POLICIES];
	struct sim_zone_info zone[REPLAY_MAX_POLICIES];
	bool zok[REPLAY_MAX_POLICIES];
	static const unsigned frag_orders[] = { 0, 3, 9 };

	report_column(t, "policy", REPORT_TEXT, 0, NULL);
	report_column(t, "status", REPORT_TEXT, 0, NULL);
	report_column(t, "peak at", REPORT_NS, 0, NULL);
	report_column(t, "zone", REPORT_TEXT, 0, NULL);
	report_column(t, "first failure", REPORT_TEXT, 0, NULL);
	for (size_t i = 0; i < rp->nr; i++) {
		struct rp_policy *p = &rp->pol[i];

		memset(&sum[i], 0, sizeof sum[i]);
		zok[i] = false;
		if (p->sim) {
			sim_slab_get_summary(p->sim, &sum[i]);
			zok[i] = rp_frag_zone(p->sim, &zone[i]);
		}
		REPORT_ROW(t, RV_TEXT(p->name),
			   RV_TEXT(!p->sim ? "unavailable" :
				   sim_panicked(p->sim) ? "panicked" : "replayed"),
			   p->sim ? RV_NS((int64_t)p->st.peak_ts_ns) : RV_NONE(REPORT_NS),
			   zok[i] ? RV_TEXT(zone[i].name) : RV_NONE(REPORT_TEXT),
			   RV_TEXT(p->sim ? p->first_fail : replay_policy_unavailable(rp, i)));
	}

	b = report_bars(s, "figures", "Figures");
	for (size_t i = 0; i < rp->nr; i++)
		report_bars_series(b, rp->pol[i].name);

#define RP_BAR(name, unit, dec, expr) do { \
		struct rp_figures f_; \
		for (size_t i = 0; i < rp->nr; i++) { \
			const struct rp_policy *p = &rp->pol[i]; \
			f_.v[i] = p->sim ? (double)(expr) : NAN; \
		} \
		report_bars_category(b, name, unit, dec, f_.v, rp->nr); \
	} while (0)

	RP_BAR("peak slab pages", "pages", 0, p->st.peak_slab_pages);
	RP_BAR("live requested bytes at the peak", "bytes", 0, p->st.peak_req_bytes);
	RP_BAR("final slab pages", "pages", 0, rp_slab_pages(p->sim));
	RP_BAR("final live objects", "objects", 0, p->st.live_objects);
	RP_BAR("final live requested bytes", "bytes", 0, p->st.live_req_bytes);
	RP_BAR("final slab overhead", "bytes", 0,
	       (double)rp_slab_pages(p->sim) * SIM_PAGE_SIZE - (double)p->st.live_req_bytes);
	RP_BAR("final slab overhead share", "%", 2,
	       rp_slab_pages(p->sim) ? 100.0 - rp_pct(p->st.live_req_bytes,
						      rp_slab_pages(p->sim) * SIM_PAGE_SIZE)
				     : NAN);
	RP_BAR("final unused slab tails", "bytes", 0, sum[i].caches.tail_bytes);
	RP_BAR("final free objects in partial slabs", "objects", 0,
	       sum[i].caches.free_in_partial);
	RP_BAR("final objects cached per CPU", "objects", 0, sum[i].caches.cached);
	RP_BAR("final large kmalloc pages", "pages", 0, sum[i].large_pages);
	RP_BAR("requested bytes", "bytes", 0, p->st.req_bytes);
	RP_BAR("allocated bytes", "bytes", 0, p->st.alloc_bytes);
	RP_BAR("internal fragmentation", "%", 2,
	       p->st.alloc_bytes ? 100.0 - rp_pct(p->st.req_bytes, p->st.alloc_bytes)
				 : NAN);
	for (size_t k = 0; k < ARRAY_SIZE(frag_orders); k++) {
		char name[64];

		snprintf(name, sizeof name, "unusable index order %u", frag_orders[k]);
		RP_BAR(name, "%", 1, zok[i] ? zone[i].unusable_index[frag_orders[k]] / 10.0
					   : NAN);
	}
	RP_BAR("object allocation failures", "", 0, p->st.alloc_fails);
	RP_BAR("page allocation failures", "", 0, p->st.page_alloc_fails);
	RP_BAR("cache creation failures", "", 0, p->st.cache_create_fails);
	RP_BAR("refused frees", "", 0, p->st.free_errors);
	RP_BAR("simulated-kernel bugs", "", 0, sim_bugs_total(p->sim));
#undef RP_BAR
	return b;
}

/* kmalloc mismatches of one policy, most frequent first */
static int rp_mismatch_cmp(const void *a, const void *b)
{
	const struct rp_ent *x = *(const struct rp_ent *const *)a;
	const struct rp_ent *y = *(const struct rp_ent *const *)b;

	if (x->v[1] != y->v[1])
		return x->v[1] > y->v[1] ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->aux < y->aux ? -1 : x->aux > y->aux;
}

static void rp_report_fidelity(struct replay *rp, struct report *r)
{
	struct report_section *s = report_section(r, "fidelity",
						  "Fidelity to the traced kernel");
	struct report_table *t = report_table(s, "summary", NULL);
	struct report_table *m, *c;

	report_column(t, "policy", REPORT_TEXT, 0, NULL);
	report_column(t, "kmalloc events", REPORT_INT, 0, NULL);
	report_column(t, "ksize == bytes_alloc", REPORT_INT, 0, NULL);
	report_column(t, "kmalloc share", REPORT_PERCENT, 2, NULL);
	report_column(t, "named caches", REPORT_INT, 0, NULL);
	report_column(t, "slot == bytes_alloc", REPORT_INT, 0, NULL);
	report_column(t, "cache share", REPORT_PERCENT, 2, NULL);
	for (size_t i = 0; i < rp->nr; i++) {
		const struct rp_policy *p = &rp->pol[i];

		if (!p->sim) {
			REPORT_ROW(t, RV_TEXT(p->name), RV_NONE(REPORT_INT),
				   RV_NONE(REPORT_INT), RV_NONE(REPORT_PERCENT),
				   RV_NONE(REPORT_INT), RV_NONE(REPORT_INT),
				   RV_NONE(REPORT_PERCENT));
			continue;
		}
		REPORT_ROW(t, RV_TEXT(p->name), RV_INT((int64_t)p->st.kmalloc_events),
			   RV_INT((int64_t)p->st.kmalloc_exact),
			   rp_pct_value(p->st.kmalloc_exact, p->st.kmalloc_events),
			   RV_INT((int64_t)p->st.caches),
			   RV_INT((int64_t)p->st.caches_exact),
			   rp_pct_value(p->st.caches_exact, p->st.caches));
	}

	m = report_table(s, "kmalloc-mismatches",
			 "kmalloc size classes that differ (most frequent first)");
	report_column(m, "policy", REPORT_TEXT, 0, NULL);
	report_column(m, "bytes_req", REPORT_INT, 0, NULL);
	report_column(m, "bytes_alloc", REPORT_INT, 0, NULL);
	report_column(m, "simulated ksize", REPORT_INT, 0, NULL);
	report_column(m, "events", REPORT_INT, 0, NULL);
	for (size_t i = 0; i < rp->nr; i++) {
		const struct rp_policy *p = &rp->pol[i];
		const struct rp_ent **v;
		size_t n = 0;

		if (!p->sim || !p->mismatch.count)
			continue;
		v = malloc(p->mismatch.count * sizeof *v);
		if (!v)
			continue;	/* host OOM: the list is left out */
		for (size_t j = 0; j <= p->mismatch.mask; j++)
			if (p->mismatch.slot[j].key)
				v[n++] = &p->mismatch.slot[j];
		qsort(v, n, sizeof *v, rp_mismatch_cmp);
		for (size_t j = 0; j < n && j < rp->cfg.mismatches; j++)
			REPORT_ROW(m, RV_TEXT(p->name), RV_INT(v[j]->kind),
				   RV_INT(v[j]->aux), RV_INT((int64_t)v[j]->v[0]),
				   RV_INT((int64_t)v[j]->v[1]));
		free(v);
	}

	m = report_table(s, "cache-mismatches",
			 "Named caches whose slot size differs from bytes_alloc");
	report_column(m, "policy", REPORT_TEXT, 0, NULL);
	report_column(m, "cache", REPORT_TEXT, 0, NULL);
	report_column(m, "object size", REPORT_INT, 0, "bytes");
	report_column(m, "bytes_alloc", REPORT_INT, 0, "bytes");
	report_column(m, "simulated slot", REPORT_INT, 0, "bytes");
	for (size_t i = 0; i < rp->nr; i++)
		for (size_t id = 0; id < rp->nr_caches; id++) {
			const struct rp_cache *k = &rp->caches[id];
			struct rp_pcache pc = rp_pcache(rp, i, id);

			if (!k->seen || pc.h == SIM_CACHE_NONE ||
			    pc.sim_size == k->slot_size)
				continue;
			REPORT_ROW(m, RV_TEXT(rp->pol[i].name),
				   RV_TEXT(trace_string(rp->parser, TRACE_STR_CACHE,
							(uint32_t)id)),
				   RV_INT(k->object_size), RV_INT(k->slot_size),
				   RV_INT(pc.sim_size));
		}

	c = report_table(s, "caches", "Named caches, as first seen");
	report_column(c, "cache", REPORT_TEXT, 0, NULL);
	report_column(c, "object size", REPORT_INT, 0, "bytes");
	report_column(c, "bytes_alloc", REPORT_INT, 0, "bytes");
	report_column(c, "flags assumed", REPORT_TEXT, 0, NULL);
	report_column(c, "allocations", REPORT_INT, 0, NULL);
	for (size_t i = 0; i < rp->nr; i++) {
		char col[64];

		snprintf(col, sizeof col, "slot (%s)", rp->pol[i].name);
		report_column(c, col, REPORT_INT, 0, "bytes");
	}
	for (size_t id = 0; id < rp->nr_caches; id++) {
		const struct rp_cache *k = &rp->caches[id];
		struct report_value row[5 + REPLAY_MAX_POLICIES];
		char flags[256];
		size_t n;

		if (!k->seen)
			continue;
		n = sim_slab_flags_format(k->flags, flags, sizeof flags);
		if (k->ctor && n + 6 < sizeof flags)
			snprintf(flags + n, sizeof flags - n, "%sctor",
				 k->flags ? "|" : "");
		row[0] = RV_TEXT(trace_string(rp->parser, TRACE_STR_CACHE, (uint32_t)id));
		row[1] = RV_INT(k->object_size);
		row[2] = RV_INT(k->slot_size);
		row[3] = RV_TEXT(flags);
		row[4] = RV_INT((int64_t)k->allocs);
		for (size_t i = 0; i < rp->nr; i++) {
			struct rp_pcache pc = rp_pcache(rp, i, id);

			row[5 + i] = pc.h != SIM_CACHE_NONE ? RV_INT(pc.sim_size)
							    : RV_NONE(REPORT_INT);
		}
		report_row(c, row, 5 + rp->nr);
	}
}

/* call sites ranked by allocated bytes or by waste, ties by first sight */
struct rp_rank {
	uint64_t key;
	uint32_t id;
};

static int rp_rank_cmp(const void *a, const void *b)
{
	const struct rp_rank *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void rp_report_site_table(struct replay *rp, struct report_section *s,
				 const char *id, const char *title, bool by_waste)
{
	struct report_table *t = report_table(s, id, title);
	struct rp_rank *rank;
	size_t n = 0;

	report_column(t, "call site", REPORT_TEXT, 0, NULL);
	report_column(t, "allocations", REPORT_INT, 0, NULL);
	report_column(t, "requested", REPORT_BYTES, 0, NULL);
	report_column(t, "allocated", REPORT_BYTES, 0, NULL);
	report_column(t, "waste", REPORT_BYTES, 0, NULL);
	report_column(t, "fragmentation", REPORT_PERCENT, 2, NULL);
	for (size_t i = 0; i < rp->nr; i++) {
		char col[64];

		snprintf(col, sizeof col, "waste (%s)", rp->pol[i].name);
		report_column(t, col, REPORT_BYTES, 0, NULL);
	}
	if (!rp->cfg.callers || !rp->nr_sites)
		return;
	rank = malloc(rp->nr_sites * sizeof *rank);
	if (!rank)
		return;		/* host OOM: the table stays empty */
	for (size_t i = 0; i < rp->nr_sites; i++) {
		const struct rp_site *st = &rp->sites[i];

		if (!st->hits)
			continue;
		rank[n].id = (uint32_t)i;
		rank[n].key = by_waste ? (st->alloc > st->req ? st->alloc - st->req : 0)
				       : st->alloc;
		n++;
	}
	qsort(rank, n, sizeof *rank, rp_rank_cmp);
	for (size_t j = 0; j < n && j < rp->cfg.callers; j++) {
		const struct rp_site *st = &rp->sites[rank[j].id];
		const char *name = trace_string(rp->parser, TRACE_STR_CALLSITE, rank[j].id);
		struct report_value row[6 + REPLAY_MAX_POLICIES];

		row[0] = RV_TEXT(name && *name ? name : "(none)");
		row[1] = RV_INT((int64_t)st->hits);
		row[2] = RV_BYTES((int64_t)st->req);
		row[3] = RV_BYTES((int64_t)st->alloc);
		row[4] = RV_BYTES((int64_t)st->alloc - (int64_t)st->req);
		row[5] = st->alloc ? RV_PERCENT(100.0 - rp_pct(st->req, st->alloc), 2)
				   : RV_NONE(REPORT_PERCENT);
		for (size_t i = 0; i < rp->nr; i++)
			row[6 + i] = rp->pol[i].sim
				? RV_BYTES((int64_t)rp_site_sim_alloc(rp, i, rank[j].id) -
					   (int64_t)st->req)
				: RV_NONE(REPORT_BYTES);
		report_row(t, row, 6 + rp->nr);
	}
	free(rank);
}

static void rp_report_callers(struct replay *rp, struct report *r)
{
	struct report_section *s = report_section(r, "callers",
						  "Call sites (perf kmem stat --caller)");

	rp_report_site_table(rp, s, "by-bytes", "Top call sites by bytes allocated",
			     false);
	rp_report_site_table(rp, s, "by-waste", "Top call sites by waste", true);
}

static void rp_report_series(struct replay *rp, struct report *r)
{
	struct report_section *s = report_section(r, "series", "Over time");
	struct report_series *ts;
	double y[REPLAY_MAX_POLICIES];
	size_t idx[REPLAY_MAX_POLICIES], n = 0;

	ts = report_series(s, "slab-pages", "Slab pages over trace time",
			   REPORT_X_TIME, "slab pages", "pages", 0);
	for (size_t i = 0; i < rp->nr; i++)
		if (rp->pol[i].sim) {
			report_series_line(ts, rp->pol[i].name);
			idx[n++] = i;
		}
	for (size_t k = 0; k < rp->nr_samples; k++) {
		for (size_t j = 0; j < n; j++) {
			const struct rp_policy *p = &rp->pol[idx[j]];

			y[j] = k < p->nr_samples ? (double)p->samples[k] : 0;
		}
		report_series_sample(ts, rp->sample_x[k], y, n);
	}
	/* and where the trace ended */
	if (rp->started && (!rp->nr_samples ||
			    rp->sample_x[rp->nr_samples - 1] < rp->last_rel)) {
		for (size_t j = 0; j < n; j++)
			y[j] = (double)rp_slab_pages(rp->pol[idx[j]].sim);
		report_series_sample(ts, rp->last_rel, y, n);
	}
}

/* one policy's run: the simulator's own report, then the replay's counters */
static struct report *rp_report_run(struct replay *rp, size_t i)
{
	const struct rp_policy *p = &rp->pol[i];
	struct report *run = report_new(REPORT_RUN, p->name);
	struct report_section *s;
	struct report_kv *kv;

	if (!run)
		return NULL;
	/* summary, memory, slab (totals, slabtop, slabinfo), vmstat, ... */
	sim_fill_report(p->sim, run);
	s = report_section(run, "replay-final", "Replay counters");
	kv = report_kv(s, "replay", NULL);
#define RP_X_KV(f, k) report_kv_add(kv, k, RV_INT((int64_t)p->st.f), NULL);
	REPLAY_POLICY_FIELDS(RP_X_KV)
#undef RP_X_KV
	return run;
}

struct report *replay_report(struct replay *rp, const char *input)
{
	struct report *r;
	struct report_section *hs;
	struct report_bars *fig;
	char title[512], pol[64] = "";

	snprintf(title, sizeof title, "Trace replay: %s", input);
	r = report_new(REPORT_REPLAY, title);
	if (!r)
		return NULL;
	for (size_t i = 0; i < rp->nr; i++)
		snprintf(pol + strlen(pol), sizeof pol - strlen(pol), "%s%s",
			 i ? "," : "", rp->pol[i].name);
	report_meta(r, "trace", RV_TEXT(input));
	report_meta(r, "policies", RV_TEXT(pol));
	report_meta(r, "cpus", RV_INT(rp->cfg.sim.cpus));
	report_meta(r, "ram", RV_BYTES((int64_t)rp->cfg.sim.ram_bytes));
	report_meta(r, "seed", RV_INT((int64_t)rp->cfg.sim.seed));
	/* the headline and the policies first: what a reader came for */
	hs = report_section(r, "headline", "In short");
	fig = rp_report_policies(rp, r);
	report_headline(hs, "findings", NULL, fig,
			(const char *const[]){ "peak slab pages", "final slab pages", NULL }, 4);
	rp_report_input(rp, r, input);
	rp_report_trace(rp, r);
	rp_report_fidelity(rp, r);
	rp_report_callers(rp, r);
	if (rp->cfg.series_interval_ns)
		rp_report_series(rp, r);
	for (size_t i = 0; i < rp->nr; i++) {
		struct report *run;

		if (!rp->pol[i].sim)
			continue;
		run = rp_report_run(rp, i);
		if (!run || report_add_run(r, rp->pol[i].name, run) != SIM_OK) {
			report_free(run);
			report_free(r);
			return NULL;
		}
	}
	if (report_status(r) == SIM_ENOHOSTMEM) {
		report_free(r);
		return NULL;
	}
	return r;	/* any other failure: the renderer refuses it, saying why */
}

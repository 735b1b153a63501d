/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay.h - replay a kernel kmem trace into one simulator per slab policy
 *
 * Glossary:
 *   trace pointer  the ptr= (objects) or pfn= (pages) value of a traced
 *                  event: an identity, never an address kmemsim uses
 *   identity map   trace pointer -> the simulated address (or pfn) each
 *                  policy's simulator gave the same allocation
 *   unmatched free a free whose allocation was not traced (it happened
 *                  before tracing began): counted, not a bug
 *   untraced free  an allocation returning a pointer that is still live in
 *                  the trace: the kernel freed it on a path with no
 *                  tracepoint (kmem_cache_free_bulk, ...); the replay frees
 *                  the old object first
 *   fidelity       how often a simulator's geometry equals the traced
 *                  kernel's: ksize() == bytes_alloc for kmalloc, slot size
 *                  == bytes_alloc for named caches
 *
 * Data flows one way: struct trace_reader -> struct trace_parser -> a
 * window of events put in timestamp order by trace_events_sort() (stable
 * for ties) -> replay_event() (the work every policy shares) -> the
 * simulator calls, in blocks, to every policy's simulator (each on a
 * thread of its own inside replay_run()).  replay_report() turns
 * the result into one struct report; nothing here prints, exits or reads
 * a clock.
 * How events map onto the simulators, and what is simplified, is the
 * essay at the top of replay.c.
 */
#ifndef SIM_REPLAY_H
#define SIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"
#include "trace.h"

/* ---- Types ---- */

struct replay;		/* the replay: parser, event window, simulators; opaque */

/* Here, not with the other constants, because the structs need it. */
#define REPLAY_MAX_POLICIES	3	/* slab, slub, slob: each at most once */


/*
 * struct replay_config - everything fixed when a replay starts
 * replay_config_init() fills in the defaults listed beside each field.
 */
struct replay_config {
	const char *policies[REPLAY_MAX_POLICIES];	/* "slab", "slub", "slob" */
	size_t nr_policies;		/* default 3: slab, slub, slob */
	/* the machine of every policy's simulator (policy set per simulator):
	 * sim_config_init()'s defaults but ram 4 GiB, like the traced machine;
	 * trace CPU n runs on simulated CPU n % sim.cpus */
	struct sim_config sim;
	unsigned callers;		/* rows of the call-site tables; default 10 */
	unsigned mismatches;		/* rows of each fidelity mismatch list; default 20 */
	uint64_t series_interval_ns;	/* 0: no time series; else sample period */
	uint64_t reorder_window_ns;	/* how far out of order an event may be
					 * read (default TRACE_REORDER_WINDOW_NS) */
	/* where the replay has got to (sim.h's progress interface: label
	 * "replay", done = events applied, bytes/bytes_total = input consumed
	 * and its size, compressed if compressed); NULL: none */
	sim_progress_fn progress;
	void *progress_ud;
	uint64_t progress_every;	/* events between progress calls (default
					 * 65536), and once more when done */
	/* events parsed before each window flush (default REPLAY_BLOCK); the
	 * window still grows when the reorder window holds more.  A small one
	 * spares a tiny input the 1.3 MB buffer (the fuzz target) */
	size_t block;
	/* threads applying events to the simulators while the calling thread
	 * parses: policies are dealt to them in turn (one each by default,
	 * REPLAY_THREADS_AUTO: none for a single policy); 0 applies them on
	 * the calling thread, one policy after the other.  The output is the
	 * same byte for byte whatever the number */
	unsigned threads;
	/* simulator calls handed to the threads per block (default
	 * REPLAY_OP_BLOCK); tests make it tiny to turn the ring often */
	size_t op_block;
	/* called on each of those threads as it ends, on that thread (the
	 * benchmark reads the thread's CPU clock there); NULL: none */
	void (*thread_done)(void *ud, unsigned thread);
	void *thread_ud;
};

/*
 * Trace-side counters: facts about the trace, the same for every policy.
 * X(field, report key); one list, so the struct and the report agree.
 * docs/replay.md explains each.
 */
#define REPLAY_TRACE_FIELDS(X) \
	X(applied,		"events applied") \
	X(null_frees,		"frees of NULL") \
	X(zero_size,		"kmalloc(0)") \
	X(traced_failures,	"allocations failed in the traced kernel") \
	X(unmatched_kfree,	"kfree of an untraced allocation") \
	X(unmatched_cache_free,	"kmem_cache_free of an untraced allocation") \
	X(unmatched_page_free,	"page frees of an untraced allocation") \
	X(untraced_frees,	"reused live pointers (untraced frees)") \
	X(untraced_page_frees,	"reused live pfns (untraced page frees)") \
	X(obj_exts,		"memcg vectors of the traced kernel (not replayed)") \
	X(kfree_of_cache_obj,	"kfree of kmem_cache objects") \
	X(cache_free_of_kmalloc, "kmem_cache_free of kmalloc objects") \
	X(cache_free_other,	"kmem_cache_free naming another cache") \
	X(cache_size_varies,	"cache allocations with another bytes_req") \
	X(page_order_mismatch,	"page frees with another order") \
	X(late_events,		"events beyond the reorder window")

struct replay_trace_stats {
#define REPLAY_X_FIELD(f, k) uint64_t f;
	REPLAY_TRACE_FIELDS(REPLAY_X_FIELD)
#undef REPLAY_X_FIELD
};

/* Per-policy counters, one X-macro list too: X(field, report key). */
#define REPLAY_POLICY_FIELDS(X) \
	X(allocs,		"object allocations") \
	X(alloc_fails,		"object allocation failures") \
	X(page_allocs,		"page allocations") \
	X(page_alloc_fails,	"page allocation failures") \
	X(cache_create_fails,	"cache creation failures") \
	X(free_errors,		"refused frees") \
	X(req_bytes,		"requested bytes") \
	X(alloc_bytes,		"allocated bytes") \
	X(kmalloc_events,	"kmalloc events") \
	X(kmalloc_exact,	"kmalloc ksize == bytes_alloc") \
	X(caches,		"named caches") \
	X(caches_exact,		"caches slot size == bytes_alloc") \
	X(live_objects,		"live objects") \
	X(live_req_bytes,	"live requested bytes") \
	X(peak_slab_pages,	"peak slab pages") \
	X(peak_ts_ns,		"peak at") \
	X(peak_req_bytes,	"live requested bytes at the peak")

/*
 * Meanings: allocs/page_allocs performed, *_fails failed (simulated OOM,
 * or the cache could not be created); free_errors are frees the simulator
 * refused with a bug report; req_bytes and alloc_bytes sum bytes_req and
 * the simulated ksize()/slot size over every allocation; kmalloc_exact
 * counts kmalloc events whose ksize() right after the allocation equals
 * bytes_alloc; caches_exact named caches whose slot size equals the
 * trace's bytes_alloc; live_objects and live_req_bytes are the traced
 * objects this simulator holds now and the bytes their callers asked for;
 * peak_slab_pages is the most NR_SLAB_RECLAIMABLE + NR_SLAB_UNRECLAIMABLE
 * pages at once, first reached at trace time peak_ts_ns (since the first
 * event) with peak_req_bytes live.
 */
struct replay_policy_stats {
#define REPLAY_X_FIELD(f, k) uint64_t f;
	REPLAY_POLICY_FIELDS(REPLAY_X_FIELD)
#undef REPLAY_X_FIELD
};

/* ---- The replay ---- */

/** replay_config_init - fill @cfg with the defaults */
void replay_config_init(struct replay_config *cfg);

/**
 * replay_new - a replay with one simulator per policy of @cfg
 * @err: on failure, why (may be NULL); @errlen: its size
 *
 * A policy whose simulator cannot be created, or whose slab layer is not
 * built yet (kmem_cache_create fails), is kept as "unavailable" with the
 * reason (replay_policy_unavailable()); every other policy runs.  Unknown
 * or repeated policy names and counts outside 1..REPLAY_MAX_POLICIES are
 * refused.
 *
 * Return: the replay, or NULL with @err filled (bad configuration, host
 * OOM).  Nothing stays allocated on failure.
 */
struct replay *replay_new(const struct replay_config *cfg, char *err,
			  size_t errlen);

/** replay_free - release the replay, its parser and its simulators (NULL ok) */
void replay_free(struct replay *rp);

/** replay_parser - the replay's parser: its statistics and strings */
struct trace_parser *replay_parser(struct replay *rp);

/**
 * replay_run - read @r to its end, parse, order and apply every event
 *
 * Malformed lines are counted and skipped; a simulated failure is counted
 * for its policy; nothing stops the replay but the reader failing or host
 * memory running out.  May be called more than once (the inputs are then
 * one trace, read in turn).  The policy threads (replay_config.threads)
 * start and end inside each call.
 *
 * Return: SIM_OK; SIM_ERR when @r failed (trace_reader_error() says why;
 * every event read before the failure has been applied); SIM_ENOHOSTMEM.
 */
int replay_run(struct replay *rp, struct trace_reader *r);

/**
 * replay_event - apply one event to every simulator, now, on this thread
 *
 * For callers that order events themselves (replay_run() does this for
 * parsed input).  @ev's string ids must come from replay_parser(@rp).
 * Return: SIM_OK, or SIM_ENOHOSTMEM (the event is not applied).
 */
int replay_event(struct replay *rp, const struct trace_event *ev);

/**
 * replay_report - the report of everything replayed so far
 * @input: the name shown for the trace ("-" for standard input)
 *
 * The document is described in docs/replay.md; it has a "series" section
 * only when the config asked for a time series.  The replay can go on
 * afterwards.  Return: the report (release it with report_free()), or
 * NULL on host OOM.
 */
struct report *replay_report(struct replay *rp, const char *input);

/* ---- Queries (tests, the command line) ---- */

size_t replay_nr_policies(const struct replay *rp);
/** replay_policy_name - the @i-th policy's name */
const char *replay_policy_name(const struct replay *rp, size_t i);
/** replay_policy_unavailable - why policy @i does not run, NULL if it does */
const char *replay_policy_unavailable(const struct replay *rp, size_t i);
/**
 * replay_policy_panicked - where policy @i's simulated kernel panicked
 * ("trace line 812: kmalloc: Kernel panic - not syncing: ..."), NULL if it
 * did not.  A panicked policy stops there (sim.h); the others go on.
 */
const char *replay_policy_panicked(const struct replay *rp, size_t i);
/** replay_policy_sim - policy @i's simulator, NULL when unavailable */
struct sim *replay_policy_sim(const struct replay *rp, size_t i);
/** replay_policy_stats - policy @i's counters (zeroes when unavailable) */
const struct replay_policy_stats *replay_policy_stats(const struct replay *rp,
						      size_t i);
/** replay_policy_slab_pages - policy @i's slab pages now */
uint64_t replay_policy_slab_pages(const struct replay *rp, size_t i);
const struct replay_trace_stats *replay_trace_stats(const struct replay *rp);
/** replay_live_objects, replay_live_pages - traced allocations not freed yet */
uint64_t replay_live_objects(const struct replay *rp);
uint64_t replay_live_pages(const struct replay *rp);
/**
 * replay_sim_addr - where policy @i put the live traced object @ptr
 * Return: the simulated address; SIM_ADDR_NONE when @ptr is not live or
 * the allocation failed in that simulator.
 */
sim_addr_t replay_sim_addr(const struct replay *rp, size_t i, uint64_t ptr);

/* ---- Constants ---- */

#define REPLAY_DEFAULT_RAM	(UINT64_C(4) << 30)	/* the traced machine's */
#define REPLAY_DEFAULT_CPUS	2			/* likewise */
#define REPLAY_DEFAULT_CALLERS	10	/* perf kmem stat --caller shows 20; a report, 10 */
#define REPLAY_DEFAULT_MISMATCHES 20
/* default --series interval: ~1,000 samples over the 10 s build trace */
#define REPLAY_DEFAULT_SERIES_NS (10u * SIM_NSEC_PER_MSEC)
#define REPLAY_DEFAULT_PROGRESS	65536u
/* events read, sorted and applied per step of replay_run(): ~1.2 MB of
 * events, so a step stays in cache; the buffer doubles when the reorder
 * window alone would fill half of it */
#define REPLAY_BLOCK		16384u
/* replay_config.threads: one thread per policy when there are several */
#define REPLAY_THREADS_AUTO	(~0u)
/* simulator calls per block handed to the policy threads (~1.1 per event;
 * 48 bytes each): 192 KiB, 8 blocks in flight */
#define REPLAY_OP_BLOCK		4096u
/* simulated clocks follow trace time in steps of 1 ms: the periodic work
 * they drive (pcp decay, vmstat, SLAB's cache_reap) runs every second or
 * two, and stepping every distinct microsecond costs a tenth of a replay */
#define REPLAY_CLOCK_STEP_NS	SIM_NSEC_PER_MSEC

#endif /* SIM_REPLAY_H */

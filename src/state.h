/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.h - struct sim, the whole state of one simulated machine
 *
 * The global_State of kmemsim: the only definition that knows every layer.
 * Each layer keeps its own state in a struct defined in its own header and
 * reached through a pointer here, created by the layer's init function in
 * sim_new() (lowest layer first) and destroyed in reverse order.
 *
 * Ownership: a layer changes only its own struct; lower layers never look at
 * upper ones (page_alloc never sees a kmem_cache).
 */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include "sim.h"
#include "rng.h"
#include "stats_fields.h"

struct sim_stats {
#define SIM_X_FIELD(f, n) uint64_t f;
	SIM_STAT_FIELDS(SIM_X_FIELD)
#undef SIM_X_FIELD
};

/* Per-CPU execution state: the context stack and the running task's flags. */
struct sim_cpu {
	uint8_t ctx[SIM_CTX_DEPTH];	/* enum sim_context; ctx[0] = PROCESS */
	unsigned depth;			/* entries used above ctx[0] */
	unsigned scope;			/* SIM_SCOPE_* of the current task */
};

#define SIM_TIME_NEVER	UINT64_MAX	/* a time the clock never reaches */

/*
 * A periodic timer.  @quiet and @skip (both optional, see
 * sim_timer_add_quiet()) let sim_advance() cross long stretches in
 * O(timers): every expiry before @quiet's answer is known to do nothing
 * but what @skip accounts for, so it need not run.
 */
struct sim_timer {
	sim_time_t due;			/* next expiry, virtual ns (SIM_TIME_NEVER: none) */
	sim_time_t period;		/* re-armed this far after each expiry */
	uint32_t seq;			/* registration order, breaks ties */
	void (*fn)(struct sim *sim, void *arg);
	sim_time_t (*quiet)(struct sim *sim, void *arg);
	void (*skip)(struct sim *sim, void *arg, sim_time_t first,
		     sim_time_t period, uint64_t n);
	void *arg;
};

/*
 * struct sim_ratelimit - the kernel's struct ratelimit_state, one per call
 * site (DEFINE_RATELIMIT_STATE): at most @burst messages per @interval,
 * counted in jiffies as ___ratelimit() does.  sim_ratelimit() says whether
 * a message may go out; the first call after an interval with messages
 * held back prints "<func>: N callbacks suppressed".
 */
struct sim_ratelimit {
	sim_time_t interval;		/* ns; 0: no limit */
	unsigned burst;
	unsigned printed, missed;	/* in the current interval */
	uint64_t begin;			/* jiffies at its start */
	bool started;
};

#define SIM_HZ			250	/* CONFIG_HZ of the x86_64 distribution kernels */
#define SIM_TICK_NSEC		(SIM_NSEC_PER_SEC / SIM_HZ)
/* include/linux/ratelimit_types.h: printk_ratelimited() and most sites */
#define SIM_DEFAULT_RATELIMIT_INTERVAL	(5 * SIM_NSEC_PER_SEC)
#define SIM_DEFAULT_RATELIMIT_BURST	10
#define SIM_RATELIMIT_INIT(ival, nburst) \
	((struct sim_ratelimit){ .interval = (ival), .burst = (nburst) })
#define SIM_RATELIMIT_DEFAULT \
	SIM_RATELIMIT_INIT(SIM_DEFAULT_RATELIMIT_INTERVAL, SIM_DEFAULT_RATELIMIT_BURST)

static inline uint64_t sim_jiffies(sim_time_t now)
{
	return now / SIM_TICK_NSEC;
}

struct sim_sink {
	sim_sink_fn fn;
	void *ud;
};

struct sim_bug_rec {
	enum sim_bug_kind kind;
	char *message;
	char *where;
};

/*
 * Node-level memory counters (the kernel's node_stat_item) that one layer
 * keeps and another reports: the slab layer writes NR_SLAB_*, the page
 * layer prints them in /proc/vmstat.  In pages, summed over nodes.
 */
struct sim_node_stat {
	uint64_t nr_slab_reclaimable;
	uint64_t nr_slab_unreclaimable;	/* slabs and large kmalloc */
};

struct pgalloc_state;		/* page.h/zone.h/buddy.h/page_alloc.h */
struct reclaim_state;		/* reclaim.h */
struct slab_state;		/* slab.h */
struct sampler;			/* sampler.h */

struct sim {
	struct sim_config cfg;		/* strings point into cfg_strings */
	char *cfg_strings;

	struct rng rng;
	sim_time_t now;			/* virtual ns since boot */
	struct sim_budget *budget;	/* work charged (own_budget unless shared) */
	struct sim_budget own_budget;	/* no limit */
	uint64_t host_limit;		/* sim_new_within(): page metadata cap */

	struct sim_cpu cpus[SIM_MAX_CPUS];
	unsigned cur_cpu;

	struct sim_timer *timers;	/* unsorted; few of them */
	size_t nr_timers, cap_timers;
	uint32_t timer_seq;
	bool in_advance;		/* timers don't nest sim_advance */
	bool timer_step;		/* tests: fire every expiry, no fast-forward */

	struct sim_sink *sinks;		/* NULL when none: one branch per event */
	size_t nr_sinks;
	unsigned note_mute;		/* > 0: SIM_NOTE narration suppressed */

	struct sim_bug_rec *bugs;	/* the first SIM_BUGS_KEPT - 1, then the latest */
	size_t nr_bugs, cap_bugs;
	uint64_t nr_bugs_total;		/* every bug reported */
	char *log;			/* kernel log, '\n'-separated */
	size_t log_len, log_cap;
	size_t log_start;		/* dmesg: from here (SIM_LOG_BUF_LEN window) */
	sim_log_fn log_fn;
	void *log_ud;
	sim_where_fn where_fn;
	void *where_ud;

	char reason[256];		/* sim_last_reason() */

	/* panic(): the machine has stopped (sim_panicked()) */
	bool panicked;
	sim_time_t panic_time;
	char panic_msg[192];
	char panic_where[128];

	struct sim_stats stats;
	struct sim_node_stat node_stat;
	struct sim_lat_hist lat[SIM_NR_LAT_KINDS];

	struct pgalloc_state *pg;
	struct reclaim_state *reclaim;
	struct slab_state *slab;
	struct sampler *sampler;	/* sampler.c; NULL when not sampling */

	/* progress (sim_set_progress): a countdown of operations to the next
	 * call; UINT64_MAX when no one listens (never reaches 0 in practice) */
	uint64_t progress_left;
	uint64_t progress_every;
	uint64_t progress_ops;		/* operations counted before the countdown */
	uint64_t progress_total;	/* progress_ops-based end of the stage; 0 unknown */
	sim_progress_fn progress_fn;
	void *progress_ud;
	const char *progress_label, *progress_stage;
};

/* ---- Internal helpers shared by the layers ("sim.c") ---- */

/** sim_set_reason - record why the current call failed; returns @status */
int sim_set_reason(struct sim *sim, int status, const char *fmt, ...)
	sim_printf_like(3, 4);
/**
 * sim_timer_add - run @fn every @period ns of virtual time, first at now+@first
 * Return: SIM_OK or SIM_ENOHOSTMEM.
 */
int sim_timer_add(struct sim *sim, sim_time_t first, sim_time_t period,
		  void (*fn)(struct sim *sim, void *arg), void *arg);
/**
 * sim_timer_add_quiet - sim_timer_add() for work that is often idle
 * @quiet: the earliest virtual time at which an expiry could do anything
 *         (change any state, counter, log line or event, or the clock),
 *         given that nothing else changes first; an expiry before it does
 *         nothing at all, except what @skip accounts for.  Returning a
 *         time <= the expiry's means "it may work now"; SIM_TIME_NEVER means
 *         "idle until something else happens".
 * @skip: may be NULL.  Called instead of @n expiries at @first, @first +
 *        @period, ...: it must leave the timer's own state exactly as those
 *        expiries would have (a deadline kept in jiffies, a round robin).
 *        It may change nothing another timer's @quiet or work reads.
 *
 * With these, sim_advance() crosses a stretch where every timer is quiet
 * in O(number of timers), whatever its length, with the same result as
 * firing every expiry (the determinism tests compare both ways).
 */
int sim_timer_add_quiet(struct sim *sim, sim_time_t first, sim_time_t period,
			void (*fn)(struct sim *sim, void *arg),
			sim_time_t (*quiet)(struct sim *sim, void *arg),
			void (*skip)(struct sim *sim, void *arg, sim_time_t first,
				     sim_time_t period, uint64_t n),
			void *arg);
void sim_event_emit(struct sim *sim, enum sim_event_type type, uint64_t a,
		    uint64_t b, uint64_t c, uint64_t d, const char *str);
/**
 * sim_ratelimit - __ratelimit(@rs) at the call site named @func: true if
 * the message may be printed; false if it is suppressed (counted in
 * printk_suppressed).  Once an interval with suppressed messages is over,
 * the next call prints "@func: N callbacks suppressed" first.
 */
bool sim_ratelimit(struct sim *sim, struct sim_ratelimit *rs, const char *func);
/**
 * sim_kernel_panic - panic(): print "Kernel panic - not syncing: <msg>" (a
 * SIM_BUG_PANIC record) and stop the simulated kernel (sim.h: sim_panicked).
 * The caller returns its failure; nothing it prints afterwards appears.
 */
void sim_kernel_panic(struct sim *sim, const char *fmt, ...) sim_printf_like(2, 3);
/** sim_refuse_panicked - SIM_EPANIC with the reason "the simulated kernel panicked ..." */
int sim_refuse_panicked(struct sim *sim);
/* the first statement of every API call that runs kernel code */
#define SIM_REFUSE_IF_PANICKED(sim) \
	do { \
		if (unlikely((sim)->panicked)) \
			return sim_refuse_panicked(sim); \
	} while (0)
/* an API call's status: SIM_EPANIC if the kernel panicked during it (the
 * reason is the panic's own line), else @rc (a function, so that @rc is
 * computed before the question is asked) */
static inline int sim_panic_status(const struct sim *sim, int rc)
{
	return unlikely(sim->panicked) ? SIM_EPANIC : rc;
}
#define SIM_PANIC_STATUS(sim, rc) sim_panic_status((sim), (rc))

/** sim_note - narrate a step for --explain (formatting only when listened to) */
void sim_note(struct sim *sim, const char *fmt, ...) sim_printf_like(2, 3);
/**
 * sim_charge - advance the clock by a modelled cost without running timers;
 * the cost counts against the work budget
 */
static inline void sim_charge(struct sim *sim, sim_time_t ns)
{
	sim->now += ns;
	sim->budget->used += ns;
}

/**
 * sim_count_work - count @ns of modelled work against the work budget
 * without charging the clock (work the caller sleeps: direct reclaim and
 * compaction; waits are not work)
 */
static inline void sim_count_work(struct sim *sim, sim_time_t ns)
{
	sim->budget->used += ns;
}

#define SIM_EVENT(sim, type, a, b, c, d) \
	do { \
		if (unlikely((sim)->sinks != NULL)) \
			sim_event_emit((sim), SIM_EV_##type, (a), (b), (c), (d), NULL); \
	} while (0)

#define SIM_NOTE(sim, ...) \
	do { \
		if (unlikely((sim)->sinks != NULL) && !(sim)->note_mute) \
			sim_note((sim), __VA_ARGS__); \
	} while (0)

static inline bool sim_listening(const struct sim *sim)
{
	return sim->sinks != NULL;
}

/*
 * The profile (docs/model.md "Profiles"): every layer reads the kernel
 * version and CONFIG_SMP through these, so a rule that differs between
 * versions has exactly one test, next to the source reference of each rule.
 */
static inline enum sim_kernel sim_kver(const struct sim *sim)
{
	return sim->cfg.kernel;
}

static inline bool sim_kver_before(const struct sim *sim, enum sim_kernel k)
{
	return sim->cfg.kernel < k;
}

static inline bool sim_smp(const struct sim *sim)
{
	return sim->cfg.smp;
}

static inline struct sim_cpu *sim_cpu_cur(struct sim *sim)
{
	return &sim->cpus[sim->cur_cpu];
}

/*
 * Latency histograms on the per-operation path (issue 15: host time only).
 * sim_lat_bucket_of() is sim.c's bucket rule without a branch: values
 * below 16 have ilog2(v | 8) == 3, so s == 0 and the bucket is v itself;
 * above, s == msb - 3 and v >> s is 8 + the three bits under the msb, so
 * (s << 3) + (v >> s) == ((msb - 2) << 3) + sub, the same bucket.
 */
static inline unsigned sim_lat_bucket_of(sim_time_t v)
{
	unsigned s = sim_ilog2(v | 8) - 3;

	return (s << 3) + (unsigned)(v >> s);
}

/*
 * sim_lat_hist_add() into bucket @i (sim_lat_bucket_of(@ns)).  Branches,
 * not a select: the max rarely moves and a bucket practically never
 * saturates, so both are predicted, and compare-with-memory plus an add
 * to memory is half the instructions of load, compare, select and store
 * (issue 15: host time; the same counts either way).
 */
static inline void sim_lat_hist_add_at(struct sim_lat_hist *h, sim_time_t ns,
				       unsigned i)
{
	h->count++;
	if (unlikely(ns > h->max))
		h->max = ns;
	if (likely(h->bucket[i] != UINT32_MAX))
		h->bucket[i]++;
}

/* sim_lat_hist_record(), inline: count, max, a saturating bucket */
static inline void sim_lat_hist_add(struct sim_lat_hist *h, sim_time_t ns)
{
	sim_lat_hist_add_at(h, ns, sim_lat_bucket_of(ns));
}

/* what sim_lat_record() does after the histogram, when a sampler listens
 * or the progress countdown ran out (out of line: rare) */
void sim_lat_rare(struct sim *sim, bool tick);

/*
 * sim_lat_record(), inline for the API's allocation and free calls; then
 * the same @ns into @also too if it is not NULL (the workload engine's own
 * histogram: one bucket computation for both, in the order of two calls)
 */
static inline void sim_lat_note_also(struct sim *sim, enum sim_lat_kind kind,
				     sim_time_t ns, struct sim_lat_hist *also)
{
	unsigned i = sim_lat_bucket_of(ns);
	bool tick;

	sim_lat_hist_add_at(&sim->lat[kind], ns, i);
	tick = --sim->progress_left == 0;
	if (unlikely(sim->sampler != NULL || tick))
		sim_lat_rare(sim, tick);
	if (also)
		sim_lat_hist_add_at(also, ns, i);
}

static inline void sim_lat_note(struct sim *sim, enum sim_lat_kind kind,
				sim_time_t ns)
{
	sim_lat_note_also(sim, kind, ns, NULL);
}

/* host allocation wrappers: NULL on failure, never abort */
void *sim_xmalloc(size_t n);
void *sim_xcalloc(size_t n, size_t size);
void *sim_xrealloc(void *p, size_t n);
char *sim_xstrdup(const char *s);

#endif /* SIM_STATE_H */

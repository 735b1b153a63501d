/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim.h - kmemsim's public engine API
 *
 * This is the only engine header the Lua bindings (l*.c) and the command line
 * (main.c) include, the way Lua's libraries see only lua.h.  Everything a
 * scenario can do goes through a function declared here.  The engine itself
 * never prints, never exits and keeps no global state: every simulated
 * machine is one `struct sim`, and any number of them can live in a process
 * without touching each other (that is how `compare` and trace replay run
 * one simulator per policy side by side).
 *
 * Conventions:
 *   - Functions return SIM_OK (0) or a negative enum sim_status; failure
 *     leaves the simulator unchanged unless stated otherwise.
 *   - Simulated failure (no memory) is data, not an error: it is reported as
 *     SIM_ENOMEM with a reason string (sim_last_reason()).
 *   - Caller misuse (bad argument) is SIM_EINVAL with a message in
 *     sim_last_reason(); what the *simulated kernel* would catch (double
 *     free, ...) is a bug report (sim_bugs()) and the run goes on.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdarg.h>

#include "simdefs.h"
#include "simversion.h"	/* SIM_VERSION_STRING, sim_version() */

struct sim;

/* ---- Status codes ---- */

/* X(name, value, message); update nothing else when adding one. */
#define SIM_STATUS_LIST(X) \
	X(SIM_OK,         0, "success") \
	X(SIM_ERR,       -1, "generic error") \
	X(SIM_ENOMEM,    -2, "out of simulated memory") \
	X(SIM_EINVAL,    -3, "invalid argument") \
	X(SIM_EFAULT,    -4, "bad simulated address") \
	X(SIM_EBUG,      -5, "simulated kernel bug") \
	X(SIM_ENOHOSTMEM,-6, "out of host memory") \
	X(SIM_ERANGE,    -7, "value out of range") \
	X(SIM_EBUSY,     -8, "object in use") \
	X(SIM_ENOENT,    -9, "no such object") \
	X(SIM_EPANIC,   -10, "the simulated kernel has panicked") \
	X(SIM_EBUDGET,  -11, "work budget exhausted")

enum sim_status {
#define SIM_X_ENUM(n, v, m) n = v,
	SIM_STATUS_LIST(SIM_X_ENUM)
#undef SIM_X_ENUM
};

/** sim_strerror - the message of a status code ("unknown status" if none) */
const char *sim_strerror(int status);

/* ---- Configuration ---- */

/*
 * enum sim_kernel - the kernel version whose rules apply where versions
 * differ (option `kernel`).  In version order, so a rule that appeared in
 * 6.18 tests `>= SIM_KERNEL_6_18`.  docs/model.md "Profiles" lists what
 * each version changes.
 */
enum sim_kernel {
	SIM_KERNEL_6_1,		/* 6.1 LTS: fixed pcp high/batch, no sheaves */
	SIM_KERNEL_6_18,	/* 6.18: the default */
};

/** sim_kernel_name - "6.1", "6.18"; NULL for an unknown value */
const char *sim_kernel_name(enum sim_kernel k);

/*
 * struct sim_config - everything fixed when a simulator is created.
 * sim_config_init() fills in the kernel's defaults; a zero or negative value
 * documented as "default" means "compute as the kernel does at boot".
 */
struct sim_config {
	uint64_t seed;				/* PRNG seed */
	unsigned cpus;				/* simulated CPUs, 1..SIM_MAX_CPUS */
	unsigned nodes;				/* NUMA nodes, 1..SIM_MAX_NODES */
	const char *policy;			/* "slab", "slub" or "slob" */
	enum sim_kernel kernel;			/* rules of this version (6.18) */
	bool smp;				/* CONFIG_SMP (true); false needs cpus = 1 */

	/* physical memory: either ram_bytes (x86_64 zone layout) or zone_pages */
	uint64_t ram_bytes;			/* 0: use zone_pages */
	uint64_t zone_pages[SIM_NR_ZONES];	/* managed pages per zone, per node */
	long min_free_kbytes;			/* < 0: kernel default at boot */
	unsigned watermark_scale_factor;	/* 10 = 0.1% of the zone */
	unsigned watermark_boost_factor;	/* 15000 = 150% of high */
	bool pcp;				/* per-CPU page lists on */
	bool thp;				/* THP: khugepaged raises min_free_kbytes */
	unsigned pageblock_order;		/* pageblock_order (x86_64: 9) */

	/* slab allocators */
	int slub_min_order;			/* slab_min_order= (0) */
	int slub_max_order;			/* slab_max_order= (3) */
	int slub_min_objects;			/* 0: 4 * (fls(cpus) + 1) */
	int slab_max_order;			/* SLAB: < 0 = 0, or 1 above 32 MiB */
	bool slab_nomerge;			/* slab_nomerge boot option */
	const char *slub_debug;			/* slub_debug= string or NULL */
	bool freelist_random;			/* CONFIG_SLAB_FREELIST_RANDOM (off) */
	bool memcg;				/* CONFIG_MEMCG (on): kmalloc-cg-*, obj_exts */

	/* kernel debugging options */
	bool debug_atomic_sleep;		/* CONFIG_DEBUG_ATOMIC_SLEEP (on) */
};

/** sim_config_init - fill @cfg with the defaults of a 2-CPU, 256 MiB machine */
void sim_config_init(struct sim_config *cfg);

/* ---- Options by name (simconfig.c: one table for Lua, CLI, docs) ---- */

enum sim_opt_type {
	SIM_OPT_INT,		/* decimal or 0x integer within [min, max] */
	SIM_OPT_SIZE,		/* bytes: 4096, 512K, 256M, 4G within [min, max] */
	SIM_OPT_BOOL,		/* true/false, yes/no, on/off, 1/0 */
	SIM_OPT_STRING,
	SIM_OPT_ZONES,		/* "Normal=62973,DMA32=1000" (pages per zone) */
};

/* struct sim_option - one option of struct sim_config, by its public name */
struct sim_option {
	const char *name;	/* kmemsim.new{} key and --opt KEY */
	enum sim_opt_type type;
	int64_t min, max;	/* INT and SIZE: the accepted range */
	const char *help;	/* one line, for --help and the manual */
};

/** sim_option - the @i-th option in documentation order, NULL past the last */
const struct sim_option *sim_option(size_t i);
/** sim_option_names - every option name in that order, then NULL */
const char *const *sim_option_names(void);
/** sim_option_find - the option called @name, or NULL */
const struct sim_option *sim_option_find(const char *name);
/** sim_option_suggest - the known option closest to @name, or NULL ("did you mean") */
const char *sim_option_suggest(const char *name);
/**
 * sim_suggest - the word of @candidates (@n of them, or up to a NULL) within
 * a few edits of @word, the closest and then the first; NULL if none
 */
const char *sim_suggest(const char *word, const char *const *candidates,
			size_t n);

/**
 * sim_config_set - set option @name of @cfg from its text @value
 * String values are kept by pointer (they must live until sim_new()).
 * Return: SIM_OK; SIM_ENOENT for an unknown name (with a did-you-mean in
 * @err), SIM_EINVAL or SIM_ERANGE for a bad value, @err saying which and
 * why ("option 'cpus': 99 out of range (1..64)"); @cfg is then unchanged.
 */
int sim_config_set(struct sim_config *cfg, const char *name, const char *value,
		   char *err, size_t errlen);

/**
 * sim_config_get - option @name of @cfg as the text sim_config_set() takes
 * ("" for an unset string or no zones)
 * Return: SIM_OK, or SIM_ENOENT for an unknown name.
 */
int sim_config_get(const struct sim_config *cfg, const char *name, char *buf,
		   size_t len);

/**
 * sim_parse_int - a decimal or 0x-hexadecimal integer, never octal ("010"
 * is ten), with an optional sign
 * Return: SIM_OK; SIM_EINVAL if malformed, SIM_ERANGE beyond int64_t.
 */
int sim_parse_int(const char *s, int64_t *out);

/* ---- Parsing sizes and durations (shared by every front end) ---- */

/**
 * sim_parse_size - "4096", "512K", "256 MiB", "4G", "1T" (binary units, an
 * optional "i" and "B") into bytes
 * Return: SIM_OK, or SIM_EINVAL when malformed or above @max (*out unchanged).
 */
int sim_parse_size(const char *s, uint64_t max, uint64_t *out);
/**
 * sim_parse_duration - "500ns", "10us", "2ms", "1.5s" into nanoseconds,
 * exactly (decimal fractions in integer arithmetic, rounded to the nearest
 * ns); a bare number is nanoseconds only if @bare_ns
 * Return: SIM_OK, or SIM_EINVAL when malformed or out of range.
 */
int sim_parse_duration(const char *s, bool bare_ns, uint64_t *out);

/* ---- Life cycle ---- */

/**
 * sim_new - create a simulator
 * @cfg: configuration (copied; strings are copied too)
 * @err: on failure, a message explaining why (may be NULL)
 * @errlen: size of @err
 *
 * Return: the simulator, or NULL with @err filled (bad configuration, or
 * host memory exhausted).  Nothing is left allocated on failure.
 */
struct sim *sim_new(const struct sim_config *cfg, char *err, size_t errlen);

/**
 * sim_new_within - sim_new() under a host memory cap: a simulator whose
 * page metadata alone would need more than @max_host bytes is refused
 * (NULL, @err says how much it needs) before any of it is allocated.
 * 0: no cap beyond sim_new()'s (half the host's RAM).
 */
struct sim *sim_new_within(const struct sim_config *cfg, uint64_t max_host,
			   char *err, size_t errlen);

/**
 * sim_host_bytes - the host memory a simulator holds from sim_new() to
 * sim_free(): its page metadata (16 bytes per page frame and a few per
 * pageblock), by far the largest part; what grows with use is not counted
 */
uint64_t sim_host_bytes(const struct sim *sim);

/** sim_free - release a simulator and all host memory it holds (NULL ok) */
void sim_free(struct sim *sim);

/** sim_config - the configuration the simulator runs with */
const struct sim_config *sim_get_config(const struct sim *sim);

/** sim_last_reason - text explaining the last failure of an API call */
const char *sim_last_reason(const struct sim *sim);

/* ---- Randomness (the one PRNG of a simulator) ---- */

uint64_t sim_rand_u64(struct sim *sim);
/** sim_rand_range - uniform integer in [lo, hi] (lo <= hi), unbiased */
int64_t sim_rand_range(struct sim *sim, int64_t lo, int64_t hi);
double sim_rand_double(struct sim *sim);	/* uniform in [0, 1) */
double sim_rand_normal(struct sim *sim, double mean, double stddev);
double sim_rand_exponential(struct sim *sim, double mean);
double sim_rand_pareto(struct sim *sim, double xm, double alpha);
uint64_t sim_rand_zipf(struct sim *sim, uint64_t n, double s);	/* 1..n */

/*
 * A standalone seeded stream (xoshiro256**), for users of randomness that
 * are not a simulator, such as math.random in scenarios.  The state is
 * caller-allocated: sim_rng_size() bytes, suitably aligned for uint64_t.
 */
size_t sim_rng_size(void);
void sim_rng_seed(void *state, uint64_t seed);
uint64_t sim_rng_next(void *state);
uint64_t sim_rng_below(void *state, uint64_t n);	/* [0, n) */
double sim_rng_double(void *state);			/* [0, 1) */

/* ---- Virtual time ---- */

sim_time_t sim_now(const struct sim *sim);
/**
 * sim_advance - let @ns of virtual time pass
 *
 * Periodic kernel work due in the interval (kswapd, pcp decay, SLAB's
 * cache_reap, ...) runs in time order, ties in registration order.
 * Stretches where every piece of it would be idle are crossed in
 * O(number of timers), whatever their length, with exactly the result of
 * running each expiry.  The clock saturates at UINT64_MAX - 1 ns.
 */
void sim_advance(struct sim *sim, sim_time_t ns);

/* ---- CPUs, contexts and task scope flags ---- */

enum sim_context {
	SIM_CTX_PROCESS,	/* may sleep */
	SIM_CTX_ATOMIC,		/* spinlock held / preemption disabled */
	SIM_CTX_SOFTIRQ,	/* serving a softirq */
	SIM_CTX_HARDIRQ,	/* in a hardware interrupt handler */
	SIM_NR_CONTEXTS
};

/* task scope flags (PF_* and memalloc_*_save scopes) */
#define SIM_SCOPE_MEMALLOC	0x1u	/* PF_MEMALLOC: may use all reserves */
#define SIM_SCOPE_NOIO		0x2u	/* memalloc_noio_save(): no IO, no FS */
#define SIM_SCOPE_NOFS		0x4u	/* memalloc_nofs_save(): no FS */

unsigned sim_nr_cpus(const struct sim *sim);
unsigned sim_current_cpu(const struct sim *sim);
/** sim_set_cpu - make @cpu the running CPU; SIM_EINVAL if out of range */
int sim_set_cpu(struct sim *sim, unsigned cpu);
/** sim_context_push - enter @ctx on the current CPU; SIM_ERANGE when nested too deep */
int sim_context_push(struct sim *sim, enum sim_context ctx);
/** sim_context_pop - leave the innermost context; SIM_EINVAL if in process context */
int sim_context_pop(struct sim *sim);
enum sim_context sim_context(const struct sim *sim);	/* innermost context */
bool sim_in_atomic(const struct sim *sim);	/* anything but process context */
bool sim_in_interrupt(const struct sim *sim);	/* softirq or hardirq */
const char *sim_context_name(enum sim_context ctx);
/** sim_scope_save - set scope @flags on the current task; returns the old set */
unsigned sim_scope_save(struct sim *sim, unsigned flags);
void sim_scope_restore(struct sim *sim, unsigned old);
unsigned sim_scope(const struct sim *sim);

/* ---- Kernel log and simulated-kernel bug reports ---- */

enum sim_bug_kind {
	SIM_BUG_BAD_PAGE,	/* BUG: Bad page state */
	SIM_BUG_DOUBLE_FREE,	/* double free of an object or pages */
	SIM_BUG_INVALID_FREE,	/* free of an address that is no object */
	SIM_BUG_WRONG_CACHE,	/* kmem_cache_free into the wrong cache */
	SIM_BUG_CACHE_BUSY,	/* kmem_cache_destroy with live objects */
	SIM_BUG_POISON,		/* use after free caught by poisoning */
	SIM_BUG_REDZONE,	/* write past an object caught by a red zone */
	SIM_BUG_SLEEP_ATOMIC,	/* sleeping function called from invalid context */
	SIM_BUG_ALLOC_FAIL,	/* WARNING: page allocation failure */
	SIM_BUG_WARN,		/* any other WARNING */
	SIM_BUG_OOM,		/* Out of memory: Killed process */
	SIM_BUG_PANIC,		/* Kernel panic - not syncing: the machine stops */
	SIM_NR_BUG_KINDS
};

struct sim_bug {
	enum sim_bug_kind kind;
	const char *message;	/* first line, kernel style ("BUG: ...") */
	const char *where;	/* scenario location "file.lua:12", or "" */
};

/*
 * Work budget.  Every modelled step charges its cost (cost.h) in virtual
 * nanoseconds of kernel CPU time; a budget caps the sum a caller lets one
 * or more simulators charge (sleeps and sim_advance() are not work), so
 * that a huge request -- a workload of 1e12 operations, 2^62 pages of page
 * cache -- ends instead of running for days.  The loops that a caller's
 * count drives (workload phases, page cache, faults) stop early with
 * SIM_EBUDGET once it has run out; sim_over_budget() says whether it has.
 * Modelled time is roughly host time: a kmalloc/kfree pair of a workload
 * is charged ~70 ns and simulated in ~100 ns.
 */
struct sim_budget {
	uint64_t used;		/* ns charged so far */
	uint64_t limit;		/* 0: no limit */
};

/** sim_set_budget - charge @sim's work to @b (shared; NULL: none) */
void sim_set_budget(struct sim *sim, struct sim_budget *b);
/** sim_over_budget - true once the budget @sim charges has run out */
bool sim_over_budget(const struct sim *sim);

/* Called for every line the simulated kernel prints (dmesg), in order. */
typedef void (*sim_log_fn)(void *ud, const char *line);
/* Asked for the scenario location when a bug is reported (may be NULL). */
typedef void (*sim_where_fn)(void *ud, char *buf, size_t len);

void sim_set_log(struct sim *sim, sim_log_fn fn, void *ud);
void sim_set_where(struct sim *sim, sim_where_fn fn, void *ud);
/*
 * The kernel log keeps its last SIM_LOG_BUF_LEN bytes, as the kernel's
 * ring buffer does (CONFIG_LOG_BUF_SHIFT, default 17: 128 KiB, init/Kconfig;
 * every line still reaches the log hook); sim_bug_at() keeps the first
 * SIM_BUGS_KEPT - 1 bug reports and the latest one, sim_bugs_total()
 * counts them all.  A run of a million refused frees holds a bounded
 * amount of host memory.
 */
#define SIM_LOG_BUF_LEN		(1u << 17)
#define SIM_BUGS_KEPT		1000

/** sim_printk - append one formatted line to the kernel log */
void sim_printk(struct sim *sim, const char *fmt, ...) sim_printf_like(2, 3);
/**
 * sim_report_bug - record a simulated-kernel bug and print it
 * @kind: what kind of bug
 * @fmt: the first line, as the kernel would print it
 *
 * The record carries the scenario location from the where hook.  The run
 * goes on; the caller keeps its state consistent.
 */
void sim_report_bug(struct sim *sim, enum sim_bug_kind kind,
		    const char *fmt, ...) sim_printf_like(3, 4);
/** sim_nr_bugs - bug reports kept (at most SIM_BUGS_KEPT; the last is the latest) */
size_t sim_nr_bugs(const struct sim *sim);
const struct sim_bug *sim_bug_at(const struct sim *sim, size_t i);
/** sim_bugs_total - every bug reported, kept or not */
uint64_t sim_bugs_total(const struct sim *sim);
const char *sim_bug_kind_name(enum sim_bug_kind kind);
/** sim_log_text - the kernel log's last SIM_LOG_BUF_LEN bytes (whole lines) */
const char *sim_log_text(const struct sim *sim);

/*
 * A panic ("Kernel panic - not syncing: ...", e.g. out of memory with no
 * task to kill) stops the simulated kernel, as panic() never returns: the
 * call that panicked fails, nothing more is printed, time stands still,
 * and every later call that would run kernel code is refused with
 * SIM_EPANIC (sim_last_reason() says where and why).  Everything can still
 * be read: statistics, /proc files, reports.
 */
/** sim_panicked - true once the simulated kernel has panicked */
bool sim_panicked(const struct sim *sim);
/** sim_panic_message - the panic's message ("System is deadlocked on memory"), "" if none */
const char *sim_panic_message(const struct sim *sim);
/** sim_panic_where - the scenario location of the panic ("flood.lua:3"), "" if none */
const char *sim_panic_where(const struct sim *sim);
/** sim_panic_time - the virtual time of the panic (0 if none) */
sim_time_t sim_panic_time(const struct sim *sim);
/**
 * sim_check_alive - for calls that return no status (sim_advance,
 * sim_free_pages, ...): SIM_OK, or SIM_EPANIC with sim_last_reason() saying
 * when, where and why the kernel panicked
 */
int sim_check_alive(struct sim *sim);

/* ---- Event stream ---- */

/* X(name): a..d are event specific, documented next to each emitter. */
#define SIM_EVENT_LIST(X) \
	X(PAGE_ALLOC)		/* a=pfn b=order c=gfp d=zone */ \
	X(PAGE_FREE)		/* a=pfn b=order */ \
	X(BUDDY_SPLIT)		/* a=pfn of block b=from order c=to order */ \
	X(BUDDY_MERGE)		/* a=pfn b=new order */ \
	X(FALLBACK)		/* a=pfn b=order c=start mt d=fallback mt (mm_page_alloc_extfrag) */ \
	X(PCP_REFILL)		/* a=cpu b=order c=pages */ \
	X(PCP_DRAIN)		/* a=cpu b=pages */ \
	X(WMARK_CHECK)		/* a=zone b=free c=mark d=ok */ \
	X(SLOWPATH)		/* a=order b=gfp */ \
	X(KSWAPD_WAKE)		/* a=node b=order */ \
	X(RECLAIM)		/* a=scanned b=reclaimed c=direct */ \
	X(COMPACT)		/* a=zone b=order c=result */ \
	X(STALL)		/* a=ns slept */ \
	X(RESERVE)		/* a=alloc flags used */ \
	X(OOM_KILL)		/* a=task id */ \
	X(ALLOC_FAIL)		/* a=order b=gfp */ \
	X(SLAB_ALLOC)		/* a=addr b=cache id c=size */ \
	X(SLAB_FREE)		/* a=addr b=cache id */ \
	X(SLAB_REFILL)		/* a=cache id b=objects */ \
	X(SLAB_NEW)		/* a=cache id b=pfn c=order */ \
	X(SLAB_DISCARD)		/* a=cache id b=pfn c=order */ \
	X(KMALLOC)		/* a=addr b=requested c=allocated d=gfp */ \
	X(KFREE)		/* a=addr */ \
	X(MEMPOOL)		/* a=pool id b=what */ \
	X(BUG)			/* a=kind */ \
	X(OP)			/* str = a top-level operation, e.g. "kmalloc(100, GFP_KERNEL)" */ \
	X(NOTE)			/* str = narration text of a step inside the operation */

enum sim_event_type {
#define SIM_X_EV(n) SIM_EV_##n,
	SIM_EVENT_LIST(SIM_X_EV)
#undef SIM_X_EV
	SIM_NR_EVENTS
};

struct sim_event {
	enum sim_event_type type;
	unsigned cpu;
	sim_time_t time;
	uint64_t a, b, c, d;
	const char *str;	/* valid only during the callback */
};

typedef void (*sim_sink_fn)(void *ud, const struct sim_event *ev);
/** sim_sink_add - attach a sink; SIM_ENOHOSTMEM on host OOM */
int sim_sink_add(struct sim *sim, sim_sink_fn fn, void *ud);
/** sim_sink_remove - detach the sink registered with @fn and @ud */
void sim_sink_remove(struct sim *sim, sim_sink_fn fn, void *ud);
const char *sim_event_name(enum sim_event_type type);
/** sim_has_sinks - true when at least one sink is attached */
bool sim_has_sinks(const struct sim *sim);
/**
 * sim_op - announce a top-level operation for narration (--explain)
 * Formats only when a sink listens; the steps of the operation follow as
 * NOTE events emitted by the layers.
 */
void sim_op(struct sim *sim, const char *fmt, ...) sim_printf_like(2, 3);

/* ---- Counters (/proc/vmstat names) ---- */

/** sim_stat_count - the number of vmstat-style counters */
size_t sim_stat_count(void);
/** sim_stat_name - name of counter @i as /proc/vmstat prints it */
const char *sim_stat_name(size_t i);
uint64_t sim_stat_value(const struct sim *sim, size_t i);

/* ---- GFP flags ---- */

/**
 * sim_gfp_parse - parse "GFP_KERNEL|__GFP_ZERO", "0xcc0" or "none"
 * Return: SIM_OK, or SIM_EINVAL with @err naming the bad token and the
 * closest valid names; *out is unchanged on failure.
 */
int sim_gfp_parse(const char *s, size_t len, gfp_t *out, char *err,
		  size_t errlen);
/** sim_gfp_format - flags as the kernel's tracepoints print them (snprintf-like) */
size_t sim_gfp_format(gfp_t gfp, char *buf, size_t len);
/** sim_gfp_name_at - the @i-th flag or composite name and value, NULL past the end */
const char *sim_gfp_name_at(size_t i, gfp_t *value);

/* ---- Modelled latency ---- */

/*
 * Each API operation records the virtual time it took (modelled costs plus
 * any sleep) in a log-linear histogram: 8 linear sub-buckets per power of
 * two, so a percentile is exact to within 12.5%, whatever the range.
 */
enum sim_lat_kind {
	SIM_LAT_ALLOC,		/* kmalloc, kmem_cache_alloc */
	SIM_LAT_FREE,		/* kfree, kmem_cache_free */
	SIM_LAT_PAGE_ALLOC,	/* alloc_pages from a scenario */
	SIM_LAT_PAGE_FREE,	/* free_pages from a scenario */
	SIM_NR_LAT_KINDS
};

#define SIM_LAT_SUB_BITS	3			/* 8 sub-buckets per octave */
#define SIM_LAT_BUCKETS		(64 << SIM_LAT_SUB_BITS)

/*
 * A log-linear latency histogram: values below 8 have a bucket each, then
 * 8 linear sub-buckets per power of two.  Used for the simulator-wide
 * sim_lat_* figures and for each workload's own.
 */
struct sim_lat_hist {
	uint64_t count;
	sim_time_t max;
	uint32_t bucket[SIM_LAT_BUCKETS];	/* saturating */
};

void sim_lat_hist_record(struct sim_lat_hist *h, sim_time_t ns);
/* nearest-rank percentile: the upper bound of its bucket, clamped to max */
sim_time_t sim_lat_hist_percentile(const struct sim_lat_hist *h, double pct);

void sim_lat_record(struct sim *sim, enum sim_lat_kind kind, sim_time_t ns);
uint64_t sim_lat_count(const struct sim *sim, enum sim_lat_kind kind);
/**
 * sim_lat_percentile - the @pct-th percentile (0..100) of @kind, in ns
 * Returns the upper bound of the bucket holding that rank; 0 if no samples.
 */
sim_time_t sim_lat_percentile(const struct sim *sim, enum sim_lat_kind kind,
			      double pct);
sim_time_t sim_lat_max(const struct sim *sim, enum sim_lat_kind kind);
const char *sim_lat_kind_name(enum sim_lat_kind kind);

/* ---- Object caches ---- */

/*
 * The kernel's slab API (kmem_cache_*, kmalloc & co.) for scenarios, over the
 * simulator's policy (SLAB, SLUB or SLOB).  A cache is named by a handle,
 * never by a host pointer: id + 1 in the low 32 bits, a generation in the
 * high ones, so a handle of a destroyed cache stays recognisably stale.
 * Simulated-kernel bugs (double free, ...) are reported (sim_bugs()) and
 * the call returns SIM_EBUG with the state consistent.  Every call records
 * its modelled latency (sim_lat_record).
 */
typedef uint64_t sim_cache_t;
#define SIM_CACHE_NONE	((sim_cache_t)0)

/* kmem_cache_create() options */
struct sim_cache_opts {
	unsigned align;			/* 0: no requirement */
	uint32_t flags;			/* SLAB_* bits from sim_slab_flags_parse() */
	bool ctor;			/* the cache has a constructor */
	unsigned sheaf_capacity;	/* SLUB per-CPU sheaves (6.18); 0: none */
};

/* a named number: policy-specific fields of cache info and stats */
struct sim_field {
	const char *name;
	uint64_t value;
};

/* a cache's geometry, as /sys/kernel/slab/<cache>/ shows it */
struct sim_cache_info {
	const char *name;		/* valid until the cache is destroyed */
	unsigned object_size;		/* bytes asked for (max over aliases) */
	unsigned size;			/* slot size, slabinfo's objsize */
	unsigned align;
	unsigned order;
	unsigned objects_per_slab;
	unsigned pages_per_slab;
	unsigned inuse, offset, red_left_pad;	/* SLUB layout */
	unsigned long min_partial;	/* SLUB */
	unsigned cpu_partial;		/* SLUB, objects */
	unsigned cpu_partial_slabs;	/* SLUB */
	unsigned sheaf_capacity;
	uint32_t flags;			/* SLAB_* after slub_debug */
	int refcount;			/* 1 + aliases; 0 once destroyed */
	unsigned nr_aliases;
	bool kmalloc;			/* a kmalloc cache */
	bool dead;			/* destroyed while objects were left */
	size_t nr_fields;		/* policy-specific extras */
	struct sim_field fields[64];
};

/* a cache's usage; totals add the same fields over all caches */
struct sim_cache_stats {
	uint64_t active_objs, num_objs;	/* as /proc/slabinfo counts them */
	uint64_t active_slabs, num_slabs;
	uint64_t pages;			/* pages in slabs */
	uint64_t live;			/* objects handed out and not freed */
	uint64_t req_bytes;		/* bytes requested by their callers */
	uint64_t obj_bytes;		/* live * object_size */
	uint64_t slot_bytes;		/* bytes their slots occupy */
	uint64_t tail_bytes;		/* unused tails of slabs (slab bytes - objects * size) */
	uint64_t free_in_partial;	/* free objects in partial slabs */
	uint64_t cached;		/* free objects held per CPU */
	uint64_t partial_slabs;
	uint64_t allocs, frees, alloc_fails;
	uint64_t fastpath_allocs, fastpath_frees;
	uint64_t slabs_created, slabs_freed, ctor_calls;
	size_t nr_fields;		/* policy-specific extras (per cache only) */
	struct sim_field fields[64];
};

/* everything slab-related at once (sim:slab_summary()) */
struct sim_slab_summary {
	struct sim_cache_stats caches;	/* sums over all caches (no fields) */
	uint64_t nr_caches;
	uint64_t large_objects;		/* live large kmallocs */
	uint64_t large_pages;
	uint64_t large_req_bytes;
	uint64_t nr_slab_reclaimable;	/* pages, as /proc/vmstat */
	uint64_t nr_slab_unreclaimable;	/* pages (slabs + large kmalloc) */
	uint64_t peak_pages;		/* peak of the two above over the run */
	size_t nr_fields;		/* policy-wide extras (SLOB: its heap) */
	struct sim_field fields[64];
};

typedef void (*sim_text_fn)(void *ud, const char *s, size_t n);

/**
 * sim_slab_flags_parse - "SLAB_HWCACHE_ALIGN|SLAB_ACCOUNT" (or "" / "0")
 * Return: SIM_OK, or SIM_EINVAL with @err naming every unknown flag and
 * *@out untouched.
 */
int sim_slab_flags_parse(const char *s, size_t len, uint32_t *out, char *err,
			 size_t errlen);
/** sim_slab_flags_format - "SLAB_HWCACHE_ALIGN|..." or "0" (snprintf-like) */
size_t sim_slab_flags_format(uint32_t flags, char *buf, size_t len);

/**
 * sim_cache_create - kmem_cache_create(); an alias returns the handle of the
 * cache it was merged into.  Return: SIM_OK, or SIM_EINVAL / SIM_ENOHOSTMEM
 * with the reason in sim_last_reason().
 */
int sim_cache_create(struct sim *sim, const char *name, uint64_t size,
		     const struct sim_cache_opts *opts, sim_cache_t *out);
/** sim_cache_valid - @c names a cache that exists (possibly dead) */
bool sim_cache_valid(const struct sim *sim, sim_cache_t c);
/** sim_cache_usable - @c names a cache that exists and was not destroyed */
bool sim_cache_usable(const struct sim *sim, sim_cache_t c);
/**
 * sim_cache_destroy - kmem_cache_destroy()
 * Return: SIM_OK; SIM_EBUSY when objects were left (a bug report);
 * SIM_ENOENT for a stale handle or a dead cache.
 */
int sim_cache_destroy(struct sim *sim, sim_cache_t c);
/** sim_cache_alloc - Return: SIM_OK, SIM_ENOMEM (reason), SIM_ENOENT */
int sim_cache_alloc(struct sim *sim, sim_cache_t c, gfp_t gfp, sim_addr_t *out);
/** sim_cache_free - Return: SIM_OK, SIM_EBUG (reported), SIM_ENOENT */
int sim_cache_free(struct sim *sim, sim_cache_t c, sim_addr_t obj);
/** sim_cache_free_rcu - call_rcu() freeing @obj into @c a grace period later.
 *  Return: SIM_OK, SIM_ENOENT, SIM_ENOHOSTMEM */
int sim_cache_free_rcu(struct sim *sim, sim_cache_t c, sim_addr_t obj);
/** sim_kfree_rcu - kfree_rcu(): kfree() after a batched grace period */
int sim_kfree_rcu(struct sim *sim, sim_addr_t p);
/** sim_rcu_barrier - rcu_barrier(): every pending RCU free done now */
void sim_rcu_barrier(struct sim *sim);
/* objects and slabs waiting for RCU, and the callbacks done */
struct sim_rcu_stats {
	uint64_t queued;	/* kfree_rcu() objects not yet in a batch */
	uint64_t waiting;	/* objects and slabs waiting for a grace period */
	uint64_t waiting_slabs;	/* SLAB_TYPESAFE_BY_RCU slabs among them */
	uint64_t freed;		/* objects freed by RCU callbacks */
	uint64_t slabs_freed;	/* slabs whose pages went back after a grace period */
};
void sim_rcu_get_stats(const struct sim *sim, struct sim_rcu_stats *out);
/** sim_cache_validate - validate_slab_cache(); *@errors as slub_kunit counts them.
 *  Return: SIM_OK, SIM_ENOENT */
int sim_cache_validate(struct sim *sim, sim_cache_t c, unsigned *errors);
/** sim_cache_shrink - Return: SIM_OK with *@pages freed, SIM_ENOENT */
int sim_cache_shrink(struct sim *sim, sim_cache_t c, uint64_t *pages);
/** sim_cache_tune - SLAB's "name limit batchcount shared" (SIM_EINVAL if not tunable) */
int sim_cache_tune(struct sim *sim, sim_cache_t c, int limit, int batchcount,
		   int shared);
int sim_cache_get_info(const struct sim *sim, sim_cache_t c,
		       struct sim_cache_info *out);
int sim_cache_get_stats(const struct sim *sim, sim_cache_t c,
			struct sim_cache_stats *out);
/**
 * sim_cache_dump - the policy's view of @c as text: per-CPU slabs and
 * partial lists, node lists (slab address and free objects), in list order
 * Return: SIM_OK, SIM_ENOENT (stale handle), SIM_EINVAL (policy has none)
 */
int sim_cache_dump(const struct sim *sim, sim_cache_t c, sim_text_fn fn, void *ud);
/** sim_cache_alias - the @i-th name merged into @c, NULL past the end */
const char *sim_cache_alias(const struct sim *sim, sim_cache_t c, size_t i);
/** sim_cache_count, sim_cache_at - every cache, in /proc/slabinfo order */
size_t sim_cache_count(const struct sim *sim);
sim_cache_t sim_cache_at(const struct sim *sim, size_t i);
/** sim_cache_find - the cache called @name (or with that alias) */
sim_cache_t sim_cache_find(const struct sim *sim, const char *name);

/**
 * sim_kmalloc - kmalloc(); size 0 gives SIM_ZERO_SIZE_PTR.
 * Return: SIM_OK, or SIM_ENOMEM with the reason (also above 4 MiB).
 */
int sim_kmalloc(struct sim *sim, uint64_t size, gfp_t gfp, sim_addr_t *out);
/** sim_kcalloc - kcalloc(); @n * @size overflowing is SIM_ENOMEM */
int sim_kcalloc(struct sim *sim, uint64_t n, uint64_t size, gfp_t gfp,
		sim_addr_t *out);
/** sim_krealloc - krealloc(); on failure @p stays allocated */
int sim_krealloc(struct sim *sim, sim_addr_t p, uint64_t size, gfp_t gfp,
		 sim_addr_t *out);
/** sim_kfree - kfree(); Return: SIM_OK or SIM_EBUG (reported) */
int sim_kfree(struct sim *sim, sim_addr_t p);

/*
 * sim_prefetch_free - host time only: a caller that knows its next frees
 * (of any kind: sim_kfree, sim_cache_free) tells the simulator ahead, so
 * the host cache misses of those frees overlap with the work before them
 * (at millions of live objects a free waits on three misses in a row:
 * the page map entry, the slab descriptor, the object's state).  Call it
 * for each coming free of @p with SIM_PREFETCH_MAP some frees ahead (eight
 * in bench_scale and replay), then with SIM_PREFETCH_SLAB a few frees
 * ahead (three); either alone helps less, and with few live objects
 * (everything in the host's caches) the calls are only a cost.  It
 * changes nothing: results are byte-identical with or without it, and a
 * pointer that is freed later or never, or is no object at all, costs
 * only the host time of the call.
 */
enum sim_prefetch_stage {
	SIM_PREFETCH_MAP,	/* the page map entry of @p */
	SIM_PREFETCH_SLAB,	/* reads it: the slab descriptor, @p's state */
};
void sim_prefetch_free(const struct sim *sim, sim_addr_t p,
		       enum sim_prefetch_stage stage);

/* a free block of a SLOB heap page, in SLOB units (2 bytes) from its start */
struct sim_slob_block {
	uint16_t off, units;
};
/**
 * sim_slob_add_page - a SLOB heap page with exactly the free blocks @free
 * (@nr, in address order, none touching, not the whole page) at the tail of
 * SLOB list @list (0 small, 1 medium, 2 large); each used run between them
 * is one live kmalloc object, its 8-byte header included.  Pages added in
 * a real list's order rebuild it (the boot's partly free pages a real run
 * began with).  Return: SIM_OK with the page's address in *@addr; SIM_EINVAL
 * (the reason names the block, or the policy is not SLOB), SIM_ENOMEM.
 */
int sim_slob_add_page(struct sim *sim, unsigned list,
		      const struct sim_slob_block *free, size_t nr, sim_addr_t *addr);
/** sim_ksize - ksize(); 0 if @p is no live object */
uint64_t sim_ksize(const struct sim *sim, sim_addr_t p);
/**
 * sim_kmem_poke - the simulated kernel writes @len bytes at @addr
 * Writes that slub_debug could see (a red zone of a live object, a freed
 * poisoned object) are remembered and reported by the check the kernel
 * makes later.  Return: what was hit ("object", "right red zone", ...).
 */
const char *sim_kmem_poke(struct sim *sim, sim_addr_t addr, uint64_t len);

/** sim_slabinfo - /proc/slabinfo; SIM_ENOENT (no output) under SLOB */
int sim_slabinfo(const struct sim *sim, sim_text_fn fn, void *ud);
/**
 * sim_slab_aliases - the merged caches as `slabinfo -a` lists them: one
 * line "cache        <- alias alias..." per cache others were merged into.
 * Return: SIM_OK, or SIM_ENOENT (no output) when no cache was merged.
 */
int sim_slab_aliases(const struct sim *sim, sim_text_fn fn, void *ud);
/** sim_slabtop - a slabtop-style summary, caches by memory */
void sim_slabtop(const struct sim *sim, sim_text_fn fn, void *ud);
/** sim_slab_get_summary - totals over all caches and large kmallocs */
void sim_slab_get_summary(const struct sim *sim, struct sim_slab_summary *out);
/** sim_slab_vmstat - NR_SLAB_RECLAIMABLE / NR_SLAB_UNRECLAIMABLE in pages */
void sim_slab_vmstat(const struct sim *sim, uint64_t *reclaimable,
		     uint64_t *unreclaimable);

/**
 * sim_page_cache_name - the slab cache that owns page frame @pfn
 *
 * The memory map's page owner -> slab -> cache lookup.  A SLAB or SLUB slab
 * belongs to one cache.  A SLOB page is shared by every cache, so its owner
 * is taken to be the cache with the most live bytes in the page ("kmalloc"
 * when kmalloc blocks hold the most, "" when no block in it is live).
 * Return: the name (valid until the cache is destroyed or the page freed),
 * or NULL if @pfn is no slab page (large kmallocs are not slabs).
 */
const char *sim_page_cache_name(const struct sim *sim, pfn_t pfn);

/* ---- Physical memory ---- */

/*
 * Page frames, zones and the page allocator (page.c, zone.c, buddy.c,
 * page_alloc.c, mmproc.c).  Pages are named by pfn; a page's simulated
 * address is SIM_DIRECT_MAP_BASE + pfn * SIM_PAGE_SIZE.
 */

#define SIM_NR_PAGE_USES 9	/* free pcp kernel slab kmalloc_large pagecache anon reserved other */
/** sim_page_use_name - "free", "pcp", "kernel", ... for 0..SIM_NR_PAGE_USES-1, NULL past the end */
const char *sim_page_use_name(size_t i);

/**
 * sim_alloc_pages - alloc_pages(@gfp, @order) through the fast path
 * Return: SIM_OK with *@pfn the first page (used as "kernel");
 * SIM_ENOMEM with sim_last_reason() naming the zone and cause, nothing
 * changed; SIM_EINVAL for an order outside 0..10 (also recorded as a
 * WARNING unless __GFP_NOWARN) or invalid zone modifiers / mobility hints.
 */
int sim_alloc_pages(struct sim *sim, int order, gfp_t gfp, pfn_t *pfn);

/**
 * sim_free_pages - __free_pages(@pfn, @order)
 * A bad free (order outside 0..10, no such page, already free, not the
 * first page of an allocation of that order) is recorded as a
 * "BUG: Bad page state" report and ignored.
 */
void sim_free_pages(struct sim *sim, pfn_t pfn, int order);

/* what one page frame is doing (sim_page_info) */
struct sim_page_info {
	pfn_t pfn;			/* the page asked about */
	pfn_t head;			/* first page of the block holding it */
	unsigned order;			/* that block's order */
	unsigned node;
	enum zone_type zone;
	const char *zone_name;		/* "DMA", "DMA32", "Normal", "Movable" */
	int migratetype;		/* of its pageblock */
	const char *migratetype_name;	/* "Unmovable", "Movable", ... */
	const char *state;		/* sim_page_use_name(): "free", "pcp", "slab", ... */
	uint32_t owner;			/* the user's id (allocated), CPU (pcp), else 0 */
	sim_addr_t addr;		/* direct-map address of @pfn */
};

/**
 * sim_page_info - describe page frame @pfn
 * Return: SIM_OK, or SIM_EINVAL if @pfn is not a page of any zone.
 */
int sim_page_info(const struct sim *sim, pfn_t pfn, struct sim_page_info *out);

/* one zone, as /proc/zoneinfo and buddyinfo show it (sim_zone_info) */
struct sim_zone_info {
	unsigned node;
	enum zone_type zone;
	const char *name;
	bool populated;			/* managed > 0 */
	uint64_t start_pfn, spanned, present, managed;
	uint64_t free;			/* NR_FREE_PAGES: buddy lists only, pcp excluded */
	uint64_t min, low, high, promo;	/* watermarks, boost included (as printed) */
	uint64_t boost;
	int64_t protection[SIM_NR_ZONES];	/* lowmem_reserve[] */
	uint64_t nr_free[SIM_NR_ORDERS];	/* free blocks per order (buddyinfo) */
	uint64_t pcp_pages;		/* pages on all CPUs' per-CPU lists */
	uint64_t reserved_highatomic;	/* pages in HIGHATOMIC pageblocks */
	uint64_t pages_by_use[SIM_NR_PAGE_USES];
	int unusable_index[SIM_NR_ORDERS];	/* thousandths (extfrag/unusable_index) */
	int fragmentation_index[SIM_NR_ORDERS];	/* thousandths, -1000: would succeed */
};

/** sim_zone_count - zones listed: every zone of every node, in /proc/zoneinfo order */
size_t sim_zone_count(const struct sim *sim);
/** sim_zone_info - zone @i (0..sim_zone_count()-1); SIM_EINVAL past the end */
int sim_zone_info(const struct sim *sim, size_t i, struct sim_zone_info *out);

/**
 * sim_proc_read - a kernel text file, byte for byte in the kernel's layout
 * @name: "buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "meminfo"
 *        (the fields kmemsim models), "extfrag/unusable_index" or
 *        "extfrag/extfrag_index"
 * @text: set to a NUL-terminated string the caller releases with free()
 * Return: SIM_OK, SIM_ENOENT for an unknown name, SIM_ENOHOSTMEM.
 */
int sim_proc_read(const struct sim *sim, const char *name, char **text);

/*
 * Memory state counters (the zone and node items of /proc/vmstat, summed
 * over zones, plus kmemsim's pages-by-use), next to the event counters of
 * sim_stat_*.
 */
size_t sim_vmstat_count(void);
const char *sim_vmstat_name(size_t i);		/* NULL past the end */
uint64_t sim_vmstat_value(const struct sim *sim, size_t i);

/* ---- Sampling ---- */

/*
 * Progress of long work (a scenario's workloads, a trace replay, a sweep's
 * runs).  The engine and the bindings report where they are through one
 * callback; only the command line draws it (cmd_progress.c: one line on
 * stderr, on a terminal unless --progress asks), so the engine never
 * writes to a terminal and never reads a clock for it.  Other front ends
 * (the sweep helper, a library user) set their own callback and draw the
 * same numbers as they like.
 *
 * A simulator counts operations -- calls that record a modelled latency:
 * kmalloc, kfree, kmem_cache_alloc, ..., as the sampler does -- and calls
 * back every @every of them, and once more with @finished when the
 * simulator is freed.  Whoever knows how much work is coming says so with
 * sim_progress_expect(): the workload engine at the start of each phase
 * (its ops, or the objects a drain will free); without it @total is 0.
 * Cost when no callback is set: one decrement and branch per operation.
 */
struct sim_progress {
	const char *label;	/* which run, as given to sim_set_progress(); NULL: none */
	const char *stage;	/* what it does now: a workload phase ("steady"); NULL */
	uint64_t done;		/* operations (replay: events applied) so far */
	uint64_t total;		/* @done expected when @stage ends; 0: unknown */
	uint64_t bytes;		/* replay: input read so far; else 0 */
	uint64_t bytes_total;	/* replay: the input's size if known; else 0 */
	bool finished;		/* the last call for this run */
};

typedef void (*sim_progress_fn)(void *ud, const struct sim_progress *p);

#define SIM_PROGRESS_EVERY	4096	/* default operations between calls */

/**
 * sim_set_progress - call @fn(@ud, ...) every @every operations of @sim
 * (0: SIM_PROGRESS_EVERY); @label is kept as a pointer (it must outlive
 * @sim).  @fn NULL stops the calls.
 */
void sim_set_progress(struct sim *sim, sim_progress_fn fn, void *ud,
		      const char *label, uint64_t every);
/**
 * sim_progress_expect - @n more operations are expected in stage @stage
 * (a static or long-lived string; NULL: none); @n 0: unknown.  Calls back
 * at once, so a display shows the new stage.
 */
void sim_progress_expect(struct sim *sim, const char *stage, uint64_t n);

/*
 * Time series of a run (sampler.c): free pages and watermarks per zone,
 * slab pages per cache, the unusable free space index at one order, and
 * stalls and failures, sampled every N operations (an operation is one
 * call that records a modelled latency: kmalloc, kfree, kmem_cache_alloc,
 * ...) or every T of virtual time.  Sampling only reads the simulator: a
 * run with and without it is the same run.  The samples become the
 * "timeline" section of sim_fill_report().
 *
 * Memory is bounded: when @max_samples are held, every other sample is
 * dropped and the interval doubles, so a run of any length ends with
 * between max_samples / 2 and max_samples evenly spaced samples.  "auto"
 * is every operation with that rule: the interval adapts to the run.
 */
struct sim_sample_opts {
	uint64_t every_ops;		/* sample every N operations, or 0 */
	sim_time_t every_ns;		/* or every T ns of virtual time, or 0 */
	unsigned order;			/* order of the unusable index line (3) */
	unsigned top_caches;		/* caches drawn on their own; the rest is "other" (8) */
	size_t max_samples;		/* memory bound, >= 4 (256) */
};

/* what the sampler saw (sim_sample_get_stats) */
struct sim_sample_stats {
	uint64_t samples;		/* samples held now */
	uint64_t ops;			/* operations seen since sampling started */
	uint64_t every_ops;		/* the interval now (after doublings), or 0 */
	sim_time_t every_ns;		/* or this, or 0 */
	uint64_t peak_slab_pages;	/* most slab + large kmalloc pages at any operation */
	sim_time_t peak_time;		/* when (virtual ns) */
};

/** sim_sample_opts_init - the defaults: every operation ("auto"), order 3, 8 caches, 256 samples */
void sim_sample_opts_init(struct sim_sample_opts *o);

/**
 * sim_sample_start - begin sampling @sim with @o (copied)
 * Takes a first sample now.  Exactly one of every_ops and every_ns may be
 * non-zero; both zero is "auto".
 * Return: SIM_OK; SIM_EINVAL (both set, order > 10, max_samples < 4);
 * SIM_EBUSY if @sim is already sampling; SIM_ENOHOSTMEM.  Nothing changes
 * on failure.
 */
int sim_sample_start(struct sim *sim, const struct sim_sample_opts *o);

/**
 * sim_sample_now - take one sample at this point, off the schedule (the
 * end of a run).  A sample at the same operation count and time as the
 * last one replaces it.  Return: SIM_OK, SIM_ENOENT if not sampling,
 * SIM_ENOHOSTMEM.
 */
int sim_sample_now(struct sim *sim);

/** sim_sample_get_stats - Return: SIM_OK, or SIM_ENOENT if not sampling */
int sim_sample_get_stats(const struct sim *sim, struct sim_sample_stats *out);

/* ---- Workloads ---- */

/*
 * The workload engine (workload.c): a generated stream of allocations and
 * frees run by C, described once by the scenario (kmemsim.workload compiles
 * its generators to these structures), so millions of operations cost no
 * Lua call each.  Every random choice comes from the simulator's PRNG in a
 * documented order (docs/dsl.md, "Workloads"), which is what lets the
 * per-operation Lua loop of kmemsim.workload reproduce a run exactly.
 *
 * A workload is bound to one simulator and drives only the public API above
 * (sim_kmalloc, sim_cache_alloc, sim_kfree, sim_cache_free, contexts, CPUs,
 * sim_advance).  A simulated allocation failure is data: it is counted with
 * its reason and the run goes on.  Weights are whole numbers; a choice with
 * a single candidate draws nothing.
 */
struct sim_wl;

enum sim_wl_size_kind {
	SIM_WL_SIZE_FIXED,	/* lo */
	SIM_WL_SIZE_UNIFORM,	/* uniform in [lo, hi] */
	SIM_WL_SIZE_WEIGHTED,	/* value[i] with weight[i] */
	SIM_WL_SIZE_HISTOGRAM,	/* bin [value[i], upper[i]] by weight[i], uniform inside */
};

struct sim_wl_size {
	enum sim_wl_size_kind kind;
	uint64_t lo, hi;		/* FIXED, UNIFORM: bytes */
	size_t n;			/* WEIGHTED, HISTOGRAM: entries (1..4096) */
	const uint64_t *value;		/* sizes, or lower bounds of bins */
	const uint64_t *upper;		/* HISTOGRAM: upper bounds (inclusive) */
	const uint64_t *weight;
};

enum sim_wl_life_kind {
	SIM_WL_LIFE_IMMEDIATE,		/* freed before the next operation */
	SIM_WL_LIFE_EXPONENTIAL,	/* mean ns */
	SIM_WL_LIFE_PARETO,		/* scale xm ns, shape alpha */
	SIM_WL_LIFE_PHASE,		/* freed when its phase ends */
	SIM_WL_LIFE_FOREVER,		/* only a drain frees it */
};

struct sim_wl_life {
	enum sim_wl_life_kind kind;
	double mean;			/* EXPONENTIAL, ns (> 0) */
	double xm, alpha;		/* PARETO, ns and shape (> 0) */
};

/* where an object comes from: a cache, or kmalloc (cache SIM_CACHE_NONE) */
struct sim_wl_target {
	sim_cache_t cache;
	uint64_t weight;
};

/* one kind of object: what to allocate, how big, for how long */
struct sim_wl_stream {
	const char *name;		/* unique within the workload */
	size_t nr_targets;		/* 1..64 */
	const struct sim_wl_target *targets;
	struct sim_wl_size size;	/* for kmalloc targets */
	struct sim_wl_life life;
	uint64_t weight;		/* share of the allocations (0: only by phase) */
	gfp_t flags;			/* ORed into the context's GFP (__GFP_ZERO, ...) */
};

/* who allocates: contexts with their GFP, and CPUs */
struct sim_wl_context {
	enum sim_context ctx;
	gfp_t gfp;
	uint64_t weight;
};

struct sim_wl_cpu {
	unsigned cpu;
	uint64_t weight;
};

struct sim_wl_mix {
	size_t nr_contexts;		/* 0: process context, GFP_KERNEL */
	const struct sim_wl_context *contexts;
	size_t nr_cpus;			/* 0: the CPU current when the phase starts */
	const struct sim_wl_cpu *cpus;
};

struct sim_wl_config {
	size_t nr_streams;		/* 1..256 */
	const struct sim_wl_stream *streams;
	struct sim_wl_mix mix;
	bool free_any_cpu;		/* frees on a CPU drawn from the mix, not the allocating one */
};

enum sim_wl_phase_kind {
	SIM_WL_RAMP,		/* arrivals, rate rising from rate_from to rate */
	SIM_WL_STEADY,		/* arrivals at rate: churn against the lifetimes */
	SIM_WL_BURST,		/* arrivals at rate, back to back if rate is 0 */
	SIM_WL_DRAIN,		/* no arrivals: free part of what is live */
	SIM_WL_SLOTS,		/* each op draws a slot: free it if taken, else allocate */
	SIM_WL_NR_PHASE_KINDS
};

enum sim_wl_order {
	SIM_WL_RANDOM,		/* uniform over the eligible live objects */
	SIM_WL_FIFO,		/* oldest first */
	SIM_WL_LIFO,		/* youngest first */
};

struct sim_wl_phase {
	enum sim_wl_phase_kind kind;
	uint64_t ops;			/* stop after this many operations (0: no limit) */
	sim_time_t duration;		/* stop this long after the start (0: no limit) */
	sim_time_t until;		/* stop at this virtual time (0: no limit) */
	double rate;			/* events per virtual second (0: back to back) */
	double rate_from;		/* RAMP: the rate at the start */
	bool poisson;			/* exponential gaps instead of fixed ones */
	const uint64_t *weights;	/* per stream, NULL: the streams' own */
	const struct sim_wl_mix *mix;	/* NULL: the workload's */
	double fraction;		/* DRAIN: share of the eligible objects (0..1) */
	uint64_t count;			/* DRAIN: or this many objects (when fraction < 0) */
	enum sim_wl_order order;	/* DRAIN */
	uint64_t slots;			/* SLOTS: 1..2^24 */
};

/* what a workload did so far (sim_wl_get_stats) or in one phase */
struct sim_wl_stats {
	uint64_t ops;			/* allocations tried + frees */
	uint64_t allocs, frees, failures;
	uint64_t free_errors;		/* frees the simulator refused (destroyed cache, bug) */
	uint64_t live, live_bytes;	/* objects (requested bytes) still allocated */
	uint64_t peak_live, peak_live_bytes;
	uint64_t slab_pages;		/* NR_SLAB_RECLAIMABLE + NR_SLAB_UNRECLAIMABLE now */
	uint64_t slab_pages_peak;	/* the highest after any operation */
	sim_time_t start, end;		/* virtual time of the first and last phase */
	sim_time_t time;		/* virtual time spent in phases */
	uint64_t phases;		/* phases run */
	uint64_t digest;		/* FNV-1a over (op, address, bytes) of every operation */
};

struct sim_wl_stream_stats {
	const char *name;
	uint64_t allocs, frees, failures;
	uint64_t live, live_bytes, peak_live;
};

/**
 * sim_wl_new - create a workload engine on @sim
 * @cfg: the description (copied; the caller may free it afterwards)
 * @out: the engine
 * @err: on failure, why (names the stream, context or CPU at fault)
 *
 * Return: SIM_OK; SIM_EINVAL for a bad description (unknown cache, weights
 * summing to 0, empty size range, ...); SIM_ENOHOSTMEM.  Nothing is
 * allocated on failure.  The simulator is not touched.
 */
int sim_wl_new(struct sim *sim, const struct sim_wl_config *cfg,
	       struct sim_wl **out, char *err, size_t errlen);

/**
 * sim_wl_free - release the engine's host memory (NULL ok)
 *
 * Objects still live stay allocated in the simulator (run a DRAIN phase
 * first to give them back); no simulation state changes.
 */
void sim_wl_free(struct sim_wl *w);

/**
 * sim_wl_run_phase - run one phase to its end
 * @out: what the phase did (may be NULL); its @live/@slab_pages are at the end
 *
 * Events follow the workload's own schedule (workload.c): one gap of
 * 1e9/rate ns apart from the phase's start, objects due at their event's
 * scheduled time plus their lifetime and freed before any later event.  The
 * clock is advanced to each event unless the operations' modelled costs
 * took it further, so the operations asked for never depend on the policy's
 * speed.  When the phase stops (@ops done, its schedule past @duration or
 * @until, or a drain's share freed), its phase-bound objects are freed in
 * allocation order.  A phase with rate 0 (back to back) needs @ops.
 * Return: SIM_OK; SIM_EINVAL for a bad phase (@err says why), nothing run;
 * SIM_ENOHOSTMEM or SIM_EBUDGET (the work budget ran out: sim_set_budget),
 * with the operations so far done and counted.
 */
int sim_wl_run_phase(struct sim_wl *w, const struct sim_wl_phase *ph,
		     struct sim_wl_stats *out, char *err, size_t errlen);

void sim_wl_get_stats(const struct sim_wl *w, struct sim_wl_stats *out);
/** sim_wl_stream_stats - stream @i; SIM_EINVAL past the end */
int sim_wl_stream_stats(const struct sim_wl *w, size_t i,
			struct sim_wl_stream_stats *out);
/**
 * sim_wl_reason_at - the @i-th failure reason (first-seen order) and its
 * count, NULL past the end.  Reasons are sim_last_reason() cut before the
 * first ':' inside parentheses ("order 0 unavailable in zone Normal (below
 * min watermark)"); after 16 distinct ones the rest count as "other".
 */
const char *sim_wl_reason_at(const struct sim_wl *w, size_t i, uint64_t *count);
/** sim_wl_lat_percentile - modelled latency of the workload's allocations
 * (SIM_LAT_ALLOC) or frees (SIM_LAT_FREE), as sim_lat_percentile() */
sim_time_t sim_wl_lat_percentile(const struct sim_wl *w, enum sim_lat_kind kind,
				 double pct);
sim_time_t sim_wl_lat_max(const struct sim_wl *w, enum sim_lat_kind kind);
/** sim_wl_live_foreach - call @fn for every live object in allocation order
 *  Return: SIM_OK, or SIM_ENOHOSTMEM (no call made) */
int sim_wl_live_foreach(const struct sim_wl *w,
			void (*fn)(void *ud, sim_addr_t addr, size_t stream),
			void *ud);
/**
 * sim_wl_check - every target cache still exists
 * Return: SIM_OK, or SIM_ENOENT with @err naming the stream whose cache
 * was destroyed (its allocations would all fail).
 */
int sim_wl_check(const struct sim_wl *w, char *err, size_t errlen);
/** sim_wl_validate - the engine's invariants hold (tests, --enable-debug=full) */
bool sim_wl_validate(const struct sim_wl *w);
/** sim_wl_phase_kind_name - "ramp", "steady", "burst", "drain", "slots" */
const char *sim_wl_phase_kind_name(enum sim_wl_phase_kind kind);

/* ---- GFP, reclaim and mempools ---- */

/*
 * What happens when the fast path fails (page_alloc.c's slow path,
 * reclaim.c, compaction.c, oom.c, mempool.c; kernel-model §3-§4, §9): kswapd
 * is woken, the min watermark and the emergency reserves are tried, a task
 * that may sleep reclaims and compacts (virtual time passes: a stall), and
 * when nothing helps the OOM killer picks a victim among the simulated
 * tasks.  Reclaimable memory is created by the scenario: page cache (clean
 * or dirty), tasks with anonymous memory (swappable once swap is set), and
 * objects of shrinker-backed caches.  Mempools keep a reserve of elements
 * for callers that must make progress.
 */

/** sim_might_alloc - might_alloc(): a @gfp that may block, called from
 * atomic, softirq or hardirq context, is reported as "BUG: sleeping function
 * called from invalid context" (once per virtual second, counted always in
 * sleep_in_atomic); nothing else changes.  Allocator entries call it. */
void sim_might_alloc(struct sim *sim, gfp_t gfp);

/**
 * sim_set_slowpath - the allocation slow path on (the kernel) or off (the
 * fast path alone: a request refused at the low watermark fails at once)
 * Return: the previous setting.
 */
bool sim_set_slowpath(struct sim *sim, bool on);
bool sim_slowpath(const struct sim *sim);

/* which emergency reserve an allocation needed (below the min watermark) */
enum sim_reserve {
	SIM_RESERVE_NONE,		/* above min: no reserve */
	SIM_RESERVE_MIN,		/* __GFP_HIGH: down to min/2 */
	SIM_RESERVE_ATOMIC,		/* __GFP_HIGH, cannot sleep: down to 3/8 of min */
	SIM_RESERVE_HIGHATOMIC,		/* a MIGRATE_HIGHATOMIC pageblock */
	SIM_RESERVE_OOM,		/* OOM victim: down to min/4 */
	SIM_RESERVE_NO_WATERMARKS,	/* __GFP_MEMALLOC / PF_MEMALLOC: everything */
	SIM_NR_RESERVES
};
/** sim_reserve_name - "none", "min", "atomic", "highatomic", "oom", "no_watermarks" */
const char *sim_reserve_name(enum sim_reserve r);

/* how the last page allocation went (alloc_pages from anywhere) */
struct sim_alloc_info {
	unsigned order;
	gfp_t gfp;			/* after memalloc_noio/nofs scopes */
	bool ok;
	bool slowpath;			/* the fast path refused it */
	enum sim_reserve reserve;
	unsigned alloc_flags;		/* ALLOC_* of the attempt that succeeded (or the last) */
	sim_time_t stall_ns;		/* slept in reclaim, compaction, backoff */
	uint64_t reclaimed;		/* pages its direct reclaim freed */
	unsigned reclaim_runs;		/* direct reclaim invocations */
	unsigned compact_runs;		/* direct compaction invocations (not skipped) */
	unsigned oom_kills;		/* tasks the OOM killer killed for it */
	unsigned retries;		/* passes through the slow path's retry loop */
	bool kswapd_woken;		/* it woke a sleeping kswapd */
};
/** sim_last_alloc - the most recent page allocation (also one made by the slab layer) */
void sim_last_alloc(const struct sim *sim, struct sim_alloc_info *out);

/**
 * sim_page_cache_add - read (@clean) and write (@dirty) file pages into the
 * page cache, one order-0 page each, newest at the LRU head.  Allocated like
 * readahead: GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN.
 * Return: SIM_OK with *@added == clean + dirty, or SIM_ENOMEM (reason set)
 * with *@added the pages that did fit; those stay.
 */
int sim_page_cache_add(struct sim *sim, uint64_t clean, uint64_t dirty,
		       uint64_t *added);
/** sim_drop_caches - vm.drop_caches: 1 clean page cache, 2 shrinkable objects, 3 both; returns pages freed */
uint64_t sim_drop_caches(struct sim *sim, int what);
/** sim_sync - sync(2): write back every dirty page-cache page; returns pages written */
uint64_t sim_sync(struct sim *sim);
/** sim_swap_set - swapon/swapoff: a swap device of @pages; SIM_EBUSY if that is below what is in use */
int sim_swap_set(struct sim *sim, uint64_t pages);

/* the reclaimable memory (a few /proc/meminfo lines, in pages) */
struct sim_reclaim_info {
	uint64_t file, dirty;		/* page cache; dirty part */
	uint64_t anon;			/* tasks' resident anonymous pages */
	uint64_t swap_total, swap_used;
	uint64_t shrinkable;		/* objects on shrinker-backed caches */
	uint64_t tasks;			/* live tasks */
	bool kswapd_running;		/* on any node */
};
void sim_reclaim_get_info(const struct sim *sim, struct sim_reclaim_info *out);

/** sim_compact_memory - write 1 to /proc/sys/vm/compact_memory: compact every zone fully */
void sim_compact_memory(struct sim *sim);

/*
 * Tasks: processes with anonymous memory, the OOM killer's candidates.
 * pid 1 is the scenario itself ("kmemsim", init: never killed); tasks get
 * pids from 1000 up.  A task is current while it faults pages in or while
 * sim_task_enter() made it so (task:run in Lua).
 */
typedef uint32_t sim_pid_t;

struct sim_task_info {
	sim_pid_t pid;
	const char *name;		/* valid until the next task is created */
	int oom_score_adj;		/* -1000 (never killed) .. 1000 */
	uint64_t rss;			/* resident anon pages (MM_ANONPAGES) */
	uint64_t swapents;		/* pages on swap (MM_SWAPENTS) */
	uint64_t total_vm;		/* pages mapped: rss + swapents */
	uint64_t pgtables_bytes;	/* one PTE page per 512 mapped pages */
	int64_t badness;		/* oom_badness() now (INT64_MIN: unkillable) */
	const char *state;		/* "running", "oom_victim", "killed", "exited" */
};

/**
 * sim_task_create - fork a task @name (at most 15 characters are kept)
 * Return: SIM_OK with *@pid, SIM_EINVAL (bad oom_score_adj), SIM_ENOHOSTMEM.
 */
int sim_task_create(struct sim *sim, const char *name, int oom_score_adj,
		    sim_pid_t *pid);
/**
 * sim_task_fault - the task touches @pages new anonymous pages
 * (GFP_HIGHUSER_MOVABLE page faults, as current).  Return: SIM_OK;
 * SIM_ENOMEM with *@faulted < @pages when an allocation failed or the OOM
 * killer chose the task itself (it is then killed); SIM_ENOENT if not live.
 */
int sim_task_fault(struct sim *sim, sim_pid_t pid, uint64_t pages,
		   uint64_t *faulted);
/** sim_task_exit - exit(2): free the task's memory; SIM_ENOENT if not live */
int sim_task_exit(struct sim *sim, sim_pid_t pid);
int sim_task_get_info(const struct sim *sim, sim_pid_t pid,
		      struct sim_task_info *out);
/** sim_task_count, sim_task_at - every task ever created, in pid order */
size_t sim_task_count(const struct sim *sim);
sim_pid_t sim_task_at(const struct sim *sim, size_t i);
/** sim_task_enter - make @pid the current task (0 or 1: the scenario); *@prev for sim_task_leave */
int sim_task_enter(struct sim *sim, sim_pid_t pid, sim_pid_t *prev);
/** sim_task_leave - back to @prev; an OOM victim that was current exits now */
void sim_task_leave(struct sim *sim, sim_pid_t prev);

/*
 * Mempools (mm/mempool.c): min_nr elements kept in reserve over a cache, a
 * fixed kmalloc size or a page order.  A blocking caller (__GFP_DIRECT_RECLAIM)
 * waits when the allocator and the reserve are both empty: a virtual sleep
 * that ends when an element comes back (a free scheduled with a delay, i.e.
 * "another CPU completing I/O") or after 5 s, then retries.  Handles are id
 * + 1 in the low 32 bits and a generation above.
 */
typedef uint64_t sim_mempool_t;

enum sim_mempool_kind {
	SIM_MEMPOOL_SLAB,		/* mempool_create_slab_pool(min_nr, cache) */
	SIM_MEMPOOL_KMALLOC,		/* mempool_create_kmalloc_pool(min_nr, size) */
	SIM_MEMPOOL_PAGES,		/* mempool_create_page_pool(min_nr, order) */
};

struct sim_mempool_backing {
	enum sim_mempool_kind kind;
	sim_cache_t cache;		/* SLAB */
	uint64_t size;			/* KMALLOC: bytes */
	unsigned order;			/* PAGES */
};

struct sim_mempool_info {
	int min_nr, curr_nr;		/* reserve size and elements in it now */
	enum sim_mempool_kind kind;
	uint64_t outstanding;		/* elements handed out, not yet freed */
	uint64_t allocs;		/* successful mempool_alloc() */
	uint64_t from_reserve;		/* ... served from the reserve */
	uint64_t waits;			/* sleeps on an empty pool */
	uint64_t failures;		/* NULL returns (non-blocking callers) */
	uint64_t frees, refills;	/* mempool_free(); those that refilled the reserve */
	uint64_t pending_frees;		/* delayed frees not yet done */
};

/**
 * sim_mempool_create - mempool_create(): pre-allocate @min_nr elements
 * with GFP_KERNEL.  Return: SIM_OK; SIM_ENOMEM (reason) if the elements
 * cannot be allocated (nothing is left allocated); SIM_EINVAL (bad backing);
 * SIM_ENOENT (stale cache handle).
 */
int sim_mempool_create(struct sim *sim, int min_nr,
		       const struct sim_mempool_backing *backing,
		       sim_mempool_t *out);
/**
 * sim_mempool_destroy - mempool_destroy(): the reserve and any delayed frees
 * go back to the allocator.  Elements still handed out stay allocated
 * (their owner frees them to the allocator directly, as in the kernel,
 * where the pool must be idle).  Return: SIM_OK; SIM_ENOENT (stale).
 */
int sim_mempool_destroy(struct sim *sim, sim_mempool_t pool);
/**
 * sim_mempool_alloc - mempool_alloc(): the allocator without reclaim, the
 * reserve, the allocator with @gfp, then (if @gfp may block) wait.
 * Return: SIM_OK with *@out; SIM_ENOMEM with a reason; SIM_ENOENT (stale).
 */
int sim_mempool_alloc(struct sim *sim, sim_mempool_t pool, gfp_t gfp,
		      sim_addr_t *out);
/**
 * sim_mempool_free - mempool_free(@addr), now or @delay ns later (another
 * CPU's completion).  The reserve is refilled first, then elements go back
 * to the allocator.  Return: SIM_OK; SIM_EBUG (reported) for an address
 * that is no element of this pool's kind; SIM_ENOENT (stale).
 */
int sim_mempool_free(struct sim *sim, sim_mempool_t pool, sim_addr_t addr,
		     sim_time_t delay);
int sim_mempool_get_info(const struct sim *sim, sim_mempool_t pool,
			 struct sim_mempool_info *out);

/*
 * Shrinker-backed object caches: objects of a kmem_cache kept on an LRU
 * (list_lru) while unused, like dentries and inodes; a shrinker registered
 * with reclaim frees them oldest first under memory pressure.  An FS
 * shrinker does nothing for reclaim without __GFP_FS (super_cache_scan).
 */
typedef uint64_t sim_shrinker_t;
#define SIM_SHRINKER_FS	0x1u		/* needs __GFP_FS, like super_cache_scan */

struct sim_shrinker_info {
	const char *name;
	uint64_t objects;		/* on the LRU now */
	uint64_t scanned, freed;	/* by reclaim */
	int seeks;
	bool fs;
};

/**
 * sim_shrinker_create - a cache of @cache's objects with a shrinker
 * @seeks: DEFAULT_SEEKS (2) is usual; 0 trims aggressively
 * Return: SIM_OK; SIM_ENOENT (bad cache), SIM_EINVAL, SIM_ENOHOSTMEM.
 */
int sim_shrinker_create(struct sim *sim, const char *name, sim_cache_t cache,
			unsigned flags, int seeks, sim_shrinker_t *out);
/** sim_shrinker_alloc - a new cached object (kmem_cache_alloc + list_lru_add) */
int sim_shrinker_alloc(struct sim *sim, sim_shrinker_t sh, gfp_t gfp,
		       sim_addr_t *out);
/** sim_shrinker_free - drop an object (list_lru_del + kmem_cache_free); SIM_ENOENT if not on the LRU */
int sim_shrinker_free(struct sim *sim, sim_shrinker_t sh, sim_addr_t addr);
int sim_shrinker_get_info(const struct sim *sim, sim_shrinker_t sh,
			  struct sim_shrinker_info *out);

/* ---- Policies ---- */

/** sim_policy_name - the @i-th known slab policy name, NULL past the end */
const char *sim_policy_name(size_t i);
bool sim_policy_known(const char *name);

/* ---- Reports ---- */

/*
 * The report model (report.h: build a document once, render it as text,
 * JSON, CSV, SVG or HTML) is part of the public API, so the bindings and
 * the command line build and render reports through this header alone.
 */
#include "report.h"

/**
 * sim_fill_report - add what the simulator core knows to run report @r
 *
 * Metadata (kmemsim version, seed, policy, CPUs, nodes, RAM) and the
 * sections "summary", then the layers' sections, lowest layer first
 * ("memory", "gfp", "slab", "latency", and "timeline" when sampling; see
 * report_layers.h and docs/reports.md), then "vmstat" (every counter),
 * "bugs" and "kernel-log" when there is something in them.  Section ids
 * must still be free in @r.
 * Return: report_status(@r) afterwards: SIM_OK, or the report's first
 * failure (SIM_EINVAL for a taken section id, SIM_ENOHOSTMEM).
 */
int sim_fill_report(const struct sim *sim, struct report *r);

#endif /* SIM_SIM_H */

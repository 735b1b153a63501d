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
	X(SIM_ENOENT,    -9, "no such object")

enum sim_status {
#define SIM_X_ENUM(n, v, m) n = v,
	SIM_STATUS_LIST(SIM_X_ENUM)
#undef SIM_X_ENUM
};

/** sim_strerror - the message of a status code ("unknown status" if none) */
const char *sim_strerror(int status);

/* ---- Configuration ---- */

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

	/* physical memory: either ram_bytes (x86_64 zone layout) or zone_pages */
	uint64_t ram_bytes;			/* 0: use zone_pages */
	uint64_t zone_pages[SIM_NR_ZONES];	/* managed pages per zone, per node */
	long min_free_kbytes;			/* < 0: kernel default at boot */
	unsigned watermark_scale_factor;	/* 10 = 0.1% of the zone */
	unsigned watermark_boost_factor;	/* 15000 = 150% of high */
	bool pcp;				/* per-CPU page lists on */
	bool thp;				/* THP: khugepaged raises min_free_kbytes */

	/* slab allocators */
	int slub_min_order;			/* slab_min_order= (0) */
	int slub_max_order;			/* slab_max_order= (3) */
	int slub_min_objects;			/* 0: 4 * (fls(cpus) + 1) */
	int slab_max_order;			/* SLAB: < 0 = 0, or 1 above 32 MiB */
	bool slab_nomerge;			/* slab_nomerge boot option */
	const char *slub_debug;			/* slub_debug= string or NULL */
};

/** sim_config_init - fill @cfg with the defaults of a 2-CPU, 256 MiB machine */
void sim_config_init(struct sim_config *cfg);

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
	SIM_NR_BUG_KINDS
};

struct sim_bug {
	enum sim_bug_kind kind;
	const char *message;	/* first line, kernel style ("BUG: ...") */
	const char *where;	/* scenario location "file.lua:12", or "" */
};

/* Called for every line the simulated kernel prints (dmesg), in order. */
typedef void (*sim_log_fn)(void *ud, const char *line);
/* Asked for the scenario location when a bug is reported (may be NULL). */
typedef void (*sim_where_fn)(void *ud, char *buf, size_t len);

void sim_set_log(struct sim *sim, sim_log_fn fn, void *ud);
void sim_set_where(struct sim *sim, sim_where_fn fn, void *ud);
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
size_t sim_nr_bugs(const struct sim *sim);
const struct sim_bug *sim_bug_at(const struct sim *sim, size_t i);
const char *sim_bug_kind_name(enum sim_bug_kind kind);
/** sim_log_text - the whole kernel log so far, lines joined by '\n' */
const char *sim_log_text(const struct sim *sim);

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
 * @name: "buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat",
 *        "extfrag/unusable_index" or "extfrag/extfrag_index"
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
 * sections "summary", then (once the engine layers add theirs) the layers'
 * sections, then "vmstat" (every counter), "bugs" and "kernel-log" when
 * there is something in them.  Section ids must still be free in @r.
 * Return: report_status(@r) afterwards: SIM_OK, or the report's first
 * failure (SIM_EINVAL for a taken section id, SIM_ENOHOSTMEM).
 */
int sim_fill_report(const struct sim *sim, struct report *r);

#endif /* SIM_SIM_H */

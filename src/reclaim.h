/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reclaim.h - page reclaim: LRU lists, kswapd, direct reclaim, shrinkers, swap
 *
 * Glossary (the kernel's own words):
 *   LRU        the per-node lists of reclaimable in-use pages, newest at the
 *              head, oldest at the tail where reclaim looks first; kmemsim
 *              keeps one file list (page cache) and one anon list per node
 *   page cache file pages; clean ones are dropped, dirty ones must be
 *              written back first (only kswapd writes them)
 *   anon       anonymous pages of tasks; reclaimable only by swapping them
 *              out, which needs swap space and __GFP_IO
 *   kswapd     the per-node reclaim thread: woken below the low watermark,
 *              it reclaims until a zone is above high (balance_pgdat)
 *   direct reclaim  reclaim run by the allocating task itself
 *              (try_to_free_pages): SWAP_CLUSTER_MAX pages, then retry
 *   priority   how hard a reclaim pass looks: it scans lru_size >> priority
 *              pages, from DEF_PRIORITY (12) down to 0 (everything)
 *   shrinker   a callback pair (count, scan) through which reclaim frees
 *              objects of upper layers (dentries, inodes...) without knowing
 *              them: the only way reclaim reaches the slab layer
 *   stall      time an allocating task spends in reclaim, compaction or
 *              backing off (alloc_stall_ns, PSI memstall)
 *
 * Invariants (checked by reclaim_validate()):
 *   every page on an LRU is an order-0 allocated block with use PAGECACHE
 *   (file list) or ANON (anon list) and PGL_LRU set, and the other way round;
 *   lru[t].nr == length of lru[t];
 *   nr_dirty == number of file pages with PGL_DIRTY;
 *   swap_used <= swap_total, swap_used == sum of the tasks' swap entries.
 */
#ifndef SIM_RECLAIM_H
#define SIM_RECLAIM_H

#include "sim.h"
#include "page_alloc.h"
#include "state.h"
#include "zone.h"

struct compact_zone_state;
struct oom_state;

/* ---- Types ---- */

/* page->list of an allocated LRU page (the field is unused by allocated blocks) */
#define PGL_LRU		0x1u	/* PG_lru: linked on its node's LRU */
#define PGL_DIRTY	0x2u	/* PG_dirty: a file page that must be written back */
#define PGL_RECLAIM	0x4u	/* PG_reclaim: reclaim saw it dirty; kswapd writes it next */

enum lru_type { LRU_FILE, LRU_ANON, NR_LRU_TYPES };

/* what a shrinker's scan asked for and what it did (struct shrink_control) */
struct shrink_control {
	gfp_t gfp_mask;			/* of the reclaim: FS shrinkers need __GFP_FS */
	unsigned long nr_to_scan;	/* objects to look at */
	unsigned long nr_scanned;	/* objects looked at (scan may lower it) */
	unsigned long pages_freed;	/* slab pages given back by the scan */
};

#define SHRINK_STOP	(~0ul)		/* scan_objects: cannot make progress now */
#define DEFAULT_SEEKS	2		/* cost of recreating an object (shrinker.h) */
#define SHRINK_BATCH	128		/* objects per scan_objects call */

/*
 * struct shrinker_ops - the callbacks of one shrinker (register_shrinker)
 * @count_objects: objects that could be freed now (0: nothing to do)
 * @scan_objects:  free up to sc->nr_to_scan objects in LRU order; returns
 *                 the number freed or SHRINK_STOP, sets sc->pages_freed
 */
struct shrinker_ops {
	unsigned long (*count_objects)(struct sim *sim, void *priv,
				       struct shrink_control *sc);
	unsigned long (*scan_objects)(struct sim *sim, void *priv,
				      struct shrink_control *sc);
};

struct shrinker {
	char name[32];
	const struct shrinker_ops *ops;
	void *priv;
	int seeks;			/* DEFAULT_SEEKS */
	long nr_deferred;		/* work carried to the next call */
	bool live;			/* registered */
	uint64_t scanned, freed;	/* statistics */
};

/*
 * struct scan_control - one reclaim run (mm/vmscan.c's struct of that name)
 * Filled by the caller; the counters are the run's results.
 */
struct scan_control {
	gfp_t gfp_mask;
	unsigned order;
	int reclaim_idx;		/* highest zone whose pages may be taken */
	int priority;			/* DEF_PRIORITY .. 0 */
	unsigned long nr_to_reclaim;	/* stop once this much is freed */
	bool may_writepage;		/* kswapd may write dirty file pages */
	bool may_swap;			/* anon pages may go to swap */
	bool is_kswapd;
	unsigned long nr_scanned;	/* LRU pages looked at */
	unsigned long nr_reclaimed;	/* pages freed (LRU + shrinker slab pages) */
	unsigned long nr_dirty;		/* dirty file pages it had to leave for kswapd */
	sim_time_t cost;		/* modelled ns of the work, not yet slept */
};

/* kswapd's per-node state: the run in progress, spread over timer ticks */
struct kswapd_node {
	bool running;			/* between wakeup and going back to sleep */
	unsigned order;			/* the run's sc.order (0 after compact_gap) */
	unsigned alloc_order;		/* the order it was woken for */
	int highest_zoneidx;
	int priority;
	bool in_pass;			/* a shrink_node pass is under way */
	unsigned long todo[NR_LRU_TYPES];	/* pages the pass still scans */
	unsigned long pass_scanned, pass_reclaimed, pass_target;
	unsigned long run_reclaimed;
	unsigned long boost_at_start[SIM_NR_ZONES];
	sim_time_t debt;		/* work done beyond the last ticks' budget */
	/* kcompactd of this node */
	bool kcompactd_wake;
	unsigned kcompactd_max_order;
	int kcompactd_highest_zoneidx;
};

struct reclaim_node {
	struct free_list lru[NR_LRU_TYPES];	/* head newest, tail oldest */
	unsigned long nr_dirty;			/* file pages with PGL_DIRTY */
	struct kswapd_node kswapd;
};

struct reclaim_state {
	struct reclaim_node *nodes;		/* [nr_nodes] */
	struct compact_zone_state *compact;	/* [nr_nodes * SIM_NR_ZONES] */
	struct oom_state *oom;			/* tasks (oom.c) */

	/* swap device (sim:swap) */
	unsigned long swap_total, swap_used;	/* pages */

	/* shrinkers, in registration order */
	struct shrinker *shrinkers;
	size_t nr_shrinkers, cap_shrinkers;

	/* the slow path */
	bool slowpath;				/* off: fast path only (issue 3 behaviour) */
	unsigned alloc_depth;			/* slow paths / mempool allocs under way */
	sim_time_t stall;			/* slept by the allocation under way */
	struct sim_alloc_info last;		/* sim_last_alloc() */
	unsigned warned_once;			/* WARN_ON_ONCE sites already reported */
	uint64_t might_sleep_prev_jiffy;	/* __might_resched(): last report (0: none) */
	unsigned might_alloc_nest;		/* allocator entries under way on this call */
	struct sim_ratelimit nopage_rs;		/* warn_alloc: 1 per 10 s */
	struct sim_ratelimit give_up_rs;	/* the livelock guard's warning */

	/* upper layers hanging off this one (mempool.c) */
	void *mempool;
	void (*mempool_destroy)(struct sim *sim);
};

/* ---- Prototypes: LRU pages ("reclaim.c") ---- */

/**
 * reclaim_add_lru_page - give an allocated order-0 page to the LRU
 * @pfn: a block from pgalloc_alloc() (use PAGE_USE_KERNEL, order 0)
 * @type: LRU_FILE (becomes PAGE_USE_PAGECACHE) or LRU_ANON (PAGE_USE_ANON)
 * @owner: the task's pid for anon pages, 0 for the page cache
 * @dirty: a file page that must be written back before it can be dropped
 * The page goes to the head (newest end) of its node's list.
 */
void reclaim_add_lru_page(struct sim *sim, pfn_t pfn, enum lru_type type,
			  uint32_t owner, bool dirty);

/**
 * reclaim_put_lru_page - take an LRU page off its list and free it
 * (the last put_page() of a folio that is on an LRU)
 */
void reclaim_put_lru_page(struct sim *sim, pfn_t pfn);

/**
 * reclaim_lru_replace - migration: @newpfn takes @oldpfn's place on its LRU
 * with its use, owner and flags; @oldpfn is left allocated (PAGE_USE_KERNEL,
 * off the LRU) for the caller to free.  Both order 0, same node.
 */
void reclaim_lru_replace(struct sim *sim, pfn_t oldpfn, pfn_t newpfn);

/** reclaim_page_is_lru - the block at @pfn is an allocated page on an LRU */
bool reclaim_page_is_lru(const struct sim *sim, pfn_t pfn);

/**
 * reclaim_free_task_pages - exit_mmap() of task @pid: free its anon pages
 * Return: pages freed.
 */
unsigned long reclaim_free_task_pages(struct sim *sim, uint32_t pid);

/* ---- Prototypes: reclaim ---- */

/**
 * reclaim_try_to_free_pages - try_to_free_pages(): direct reclaim
 * @ac: the allocation's zonelist (reclaim_idx = ac->highest_zoneidx)
 *
 * Counts allocstall for the reclaim_idx zone, scans the LRUs of the
 * zonelist's nodes from DEF_PRIORITY down until SWAP_CLUSTER_MAX pages are
 * freed, calls the shrinkers at every priority, and sleeps (virtual time
 * advances, so kswapd and timers run) for the work done; backs off
 * COST_CONGESTION_WAIT when nothing at all was freed.
 * Return: pages freed (0: no progress).
 */
unsigned long reclaim_try_to_free_pages(struct sim *sim, gfp_t gfp,
					unsigned order,
					const struct alloc_context *ac);

/**
 * reclaim_wakeup_kswapd - wakeup_kswapd(): record the request and wake the
 * node's kswapd unless it is already running, the node is hopeless
 * (kswapd_failures >= MAX_RECLAIM_RETRIES) or already balanced and not
 * boosted.  A balanced node wakes kcompactd for non-blocking callers.
 * Return: true if kswapd was woken now.
 */
bool reclaim_wakeup_kswapd(struct sim *sim, struct zone *z, gfp_t gfp,
			   unsigned order, int highest_zoneidx);

/**
 * reclaim_zone_reclaimable_pages - zone_reclaimable_pages(): the zone's
 * page cache pages, plus its anon pages when swap has room.
 */
unsigned long reclaim_zone_reclaimable_pages(const struct sim *sim,
					     const struct zone *z);

/**
 * reclaim_shrink_slab - shrink_slab(): call every shrinker in
 * registration order at @priority (do_shrink_slab's arithmetic).
 * Return: objects freed; *@pages gets the slab pages they gave back.
 */
unsigned long reclaim_shrink_slab(struct sim *sim, gfp_t gfp, int priority,
				  unsigned long *pages);

/**
 * reclaim_register_shrinker - register_shrinker(): @ops are called in
 * registration order.  Return: the shrinker's id (>= 0) or SIM_ENOHOSTMEM.
 */
int reclaim_register_shrinker(struct sim *sim, const char *name,
			      const struct shrinker_ops *ops, void *priv,
			      int seeks);
/** reclaim_unregister_shrinker - unregister_shrinker(@id); never fails */
void reclaim_unregister_shrinker(struct sim *sim, int id);

/**
 * reclaim_sleep - the allocating task sleeps @ns (reclaim work, compaction,
 * backoff): virtual time advances with timers, counted as its stall.
 */
void reclaim_sleep(struct sim *sim, sim_time_t ns);

/**
 * reclaim_alloc_enter - an allocator entry (slab_pre_alloc_hook(),
 * mempool_alloc()): might_alloc(@gfp), and the allocators it calls in turn
 * until reclaim_alloc_exit() are part of the same call, so their own
 * might_alloc() neither counts nor reports it again
 */
static inline void reclaim_alloc_enter(struct sim *sim, gfp_t gfp)
{
	/* inline (issue 15: host time): sim_might_alloc() does nothing unless
	 * @gfp may block and the CPU is in atomic context (sim_in_atomic) */
	if (unlikely((gfp & __GFP_DIRECT_RECLAIM) && sim->cpus[sim->cur_cpu].depth > 0))
		sim_might_alloc(sim, gfp);
	if (sim->reclaim)
		sim->reclaim->might_alloc_nest++;
}

static inline void reclaim_alloc_exit(struct sim *sim)
{
	/* nonzero: reclaim_alloc_enter() counted this call */
	if (sim->reclaim)
		sim->reclaim->might_alloc_nest--;
}
/**
 * reclaim_warn_once - WARN_ON_ONCE: report @msg (a "WARNING: ..." line)
 * the first time site @bit (0..31) fires in this simulator
 */
void reclaim_warn_once(struct sim *sim, unsigned bit, const char *msg);

/** reclaim_current_comm, reclaim_current_pid - the task allocating now */
const char *reclaim_current_comm(const struct sim *sim);
uint32_t reclaim_current_pid(const struct sim *sim);

/** reclaim_validate - every invariant above; SIM_ERR with @err on a violation */
int reclaim_validate(const struct sim *sim, char *err, size_t errlen);

/** reclaim_init / reclaim_destroy - the layer (layers.c) */
int reclaim_init(struct sim *sim, char *err, size_t errlen);
void reclaim_destroy(struct sim *sim);

/* ---- Defined in page_alloc.c (the slow path's helpers for reclaim) ---- */

/**
 * pgalloc_isolate_free_page - __isolate_free_page(): take the free block
 * (@pfn, @order) off the buddy lists unless that would leave the zone below
 * its min watermark plus the block; it becomes an allocated block of use
 * PAGE_USE_OTHER.  Return: true if isolated.
 */
bool pgalloc_isolate_free_page(struct sim *sim, struct zone *z, pfn_t pfn,
			       unsigned order);

/**
 * pgalloc_split_block - split_page(): an allocated block of order @order at
 * @pfn becomes 2^order allocated order-0 blocks with the same use and owner
 */
void pgalloc_split_block(struct sim *sim, pfn_t pfn, unsigned order);

/* ---- Constants ---- */

/*
 * The slow path (and with it kswapd and kcompactd) is on in a new simulator,
 * as in the kernel.  sim_set_slowpath(sim, false) (Lua: sim:slowpath(false))
 * leaves only get_page_from_freelist at the low watermark: for teaching the
 * fast path alone, and for the unit tests that pin its failure points.
 */
#ifndef RECLAIM_SLOWPATH_DEFAULT
#define RECLAIM_SLOWPATH_DEFAULT true
#endif
#define DEF_PRIORITY		12	/* scan lru >> 12 first */
#define MAX_RECLAIM_RETRIES	16	/* mm/internal.h */
#define VM_SWAPPINESS		60	/* vm.swappiness: anon vs file scan weight */
#define KSWAPD_TICK_NS		(100 * SIM_NSEC_PER_USEC)	/* kswapd's slice of work */
#define THROTTLE_WRITEBACK_NS	(100 * SIM_NSEC_PER_MSEC)	/* reclaim_throttle(WRITEBACK): HZ/10 */
#define SLOWPATH_GIVE_UP_NS	(10 * SIM_NSEC_PER_SEC)	/* kmemsim's livelock guard */
#define RECLAIM_RATELIMIT_NOPAGE (10 * SIM_NSEC_PER_SEC)	/* warn_alloc: DEFINE_RATELIMIT_STATE(nopage_rs, 10*HZ, 1) */

/* WARN_ON_ONCE sites (reclaim_warn_once bits) */
enum {
	WARN_NOFAIL_ORDER,	/* __GFP_NOFAIL with order > 1 */
	WARN_NOFAIL_NORECLAIM,	/* __GFP_NOFAIL without __GFP_DIRECT_RECLAIM */
	WARN_NOFAIL_MEMALLOC,	/* __GFP_NOFAIL from a PF_MEMALLOC task */
	WARN_NOFAIL_OOM,	/* __GFP_NOFAIL and the OOM killer found nothing */
};

#endif /* SIM_RECLAIM_H */

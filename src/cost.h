/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cost.h - the virtual-time cost model: what each modelled step costs
 *
 * kmemsim does not measure host time.  Each step of an allocation charges a
 * fixed number of virtual nanoseconds from this table (sim_charge()), so
 * latency distributions are a property of the algorithm and the state, the
 * same on every machine.  The figures are round numbers of the right order
 * of magnitude for a current x86_64 server (a cache-hot per-CPU fast path
 * is tens of ns; taking a zone lock and splitting buddies is hundreds; a
 * reclaim scan is microseconds).  They are documented in docs/model.md; a
 * comparison between policies depends on how often each step happens, not
 * on the exact figures.
 */
#ifndef SIM_COST_H
#define SIM_COST_H

/* page allocator */
#define COST_PCP_ALLOC		40	/* pop from a per-CPU page list */
#define COST_PCP_FREE		40	/* push onto a per-CPU page list */
#define COST_PCP_BATCH_PAGE	30	/* per page moved by rmqueue_bulk / free_pcppages_bulk */
#define COST_BUDDY_ALLOC	150	/* zone lock + __rmqueue_smallest, no split */
#define COST_BUDDY_SPLIT	25	/* per order split by expand() */
#define COST_BUDDY_FREE		120	/* zone lock + __free_one_page, no merge */
#define COST_BUDDY_MERGE	25	/* per order merged */
#define COST_FALLBACK		300	/* steal/claim from another migratetype */
#define COST_WMARK_CHECK	10	/* one __zone_watermark_ok */
#define COST_SLOWPATH		500	/* entering __alloc_pages_slowpath */
#define COST_KSWAPD_WAKE	200	/* wakeup_kswapd */
#define COST_RECLAIM_PAGE	400	/* scan + reclaim one clean page (direct) */
#define COST_WRITEBACK_PAGE	100000	/* write one dirty page back (100 us) */
#define COST_SWAPOUT_PAGE	100000	/* swap one anonymous page out (100 us) */
#define COST_COMPACT_PAGE	1000	/* isolate + migrate one page */
#define COST_COMPACT_SCAN	20	/* scan one pfn */
#define COST_OOM_KILL		1000000	/* select and kill a victim (1 ms) */
#define COST_CONGESTION_WAIT	100000	/* reclaim_throttle / retry backoff (100 us) */

/* object caches */
#define COST_SLAB_FASTPATH	15	/* per-CPU freelist / array pop or push */
#define COST_SLAB_SLOWPATH	80	/* ___slab_alloc, cache_alloc_refill, slob list walk */
#define COST_SLAB_PARTIAL	60	/* take a slab from a partial list */
#define COST_SLAB_NEW		300	/* set up a new slab (plus the page allocation) */
#define COST_SLAB_OBJ_INIT	5	/* per object initialised in a new slab */
#define COST_SLAB_DISCARD	200	/* free a slab's pages (plus the page free) */
#define COST_SLOB_BLOCK		10	/* per free block examined by SLOB's first fit */
#define COST_KMALLOC_LARGE	50	/* kmalloc_large bookkeeping (plus the pages) */

#endif /* SIM_COST_H */

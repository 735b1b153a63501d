/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page_alloc.h - alloc_pages/free_pages: zonelists, pcp lists, the fast path
 *
 * The entry points every upper layer (slab, reclaim, mempool) uses to get
 * and return pages, and the pieces of the allocator that the slow path
 * (__alloc_pages_slowpath, a later layer of this file) reuses with other
 * alloc flags: prepare_alloc_pages(), get_page_from_freelist(),
 * unreserve_highatomic_pageblock(), drain_all_pages().
 */
#ifndef SIM_PAGE_ALLOC_H
#define SIM_PAGE_ALLOC_H

#include "gfp.h"
#include "page.h"
#include "zone.h"

/* ---- Types ---- */

/* why get_page_from_freelist() gave up on a zone (for the failure reason) */
enum pgalloc_fail_why {
	PGALLOC_FAIL_NONE,		/* no zone was tried */
	PGALLOC_FAIL_WMARK,		/* the watermark check failed */
	PGALLOC_FAIL_NO_BLOCK,		/* watermark ok, no block it may take */
};

/*
 * struct alloc_context - what prepare_alloc_pages() works out once per
 * request; get_page_from_freelist() walks zonelist[preferred..] skipping
 * zones above highest_zoneidx.
 */
struct alloc_context {
	struct zone *const *zonelist;	/* the local node's FALLBACK or NOFALLBACK list */
	unsigned nr_zones;		/* entries in @zonelist */
	unsigned preferred;		/* index of the preferred zone; nr_zones if none */
	int highest_zoneidx;		/* gfp_zone() */
	int migratetype;		/* gfp_migratetype() (UNMOVABLE without grouping) */
	unsigned nid;			/* numa_node_id() of the running CPU */
	/* filled by get_page_from_freelist() when it fails */
	struct {
		const struct zone *zone;	/* the first zone that refused */
		enum pgalloc_fail_why why;
		unsigned alloc_flags;		/* of the last pass */
		long free;			/* its NR_FREE_PAGES then */
		unsigned long mark;		/* the watermark it failed */
		unsigned tried;			/* zones tried in the last pass */
	} fail;
};

/* ---- Prototypes ("page_alloc.c") ---- */

/**
 * pgalloc_alloc - alloc_pages(): 2^@order contiguous pages for the kernel
 * @order: 0..SIM_MAX_ORDER
 * @gfp: GFP flags (zone modifiers, migratetype hint, ALLOC_KSWAPD bit...)
 * @out: the first pfn on success
 *
 * The fast path: zonelist walk at the LOW watermark with the HIGH-watermark
 * pcp tuning check, ALLOC_NOFRAGMENT first when the preferred zone is
 * Normal, the pcp lists for orders 0..3 (and 9 with THP).
 *
 * Return: SIM_OK, the block's use set to PAGE_USE_KERNEL with owner 0;
 * SIM_ENOMEM with sim_last_reason() naming the zone and the cause, nothing
 * changed; SIM_EINVAL for @order > SIM_MAX_ORDER (also a WARNING record
 * unless __GFP_NOWARN, as the kernel's WARN_ON_ONCE_GFP) or an invalid
 * zone-modifier or migratetype combination.
 */
int pgalloc_alloc(struct sim *sim, unsigned order, gfp_t gfp, pfn_t *out);

/**
 * pgalloc_free - __free_pages(): give back a block from pgalloc_alloc()
 *
 * Orders 0..3 (and 9 with THP) go to the running CPU's pcp list, the rest
 * straight to the buddy lists.  A bad free (order outside 0..10, pfn out
 * of range, already free, not the head of a block of that order) is
 * reported as "BUG: Bad page state" (SIM_BUG_BAD_PAGE) and ignored; the
 * allocator state is untouched.
 */
void pgalloc_free(struct sim *sim, pfn_t pfn, unsigned order);

/**
 * pgalloc_prepare_alloc - prepare_alloc_pages(): zonelist, preferred zone,
 * highest zone and migratetype of a request from the running CPU
 * Return: SIM_OK, or SIM_EINVAL (reason set) for invalid GFP zone bits or
 * both mobility hints.
 */
int pgalloc_prepare_alloc(struct sim *sim, gfp_t gfp, struct alloc_context *ac);

/**
 * pgalloc_alloc_flags_nofragment - alloc_flags_nofragment(): ALLOC_KSWAPD
 * from __GFP_KSWAPD_RECLAIM, ALLOC_NOFRAGMENT when @preferred is Normal and
 * (on one node, always; on several, if this node's DMA32 is populated).
 */
unsigned pgalloc_alloc_flags_nofragment(const struct sim *sim,
					const struct zone *preferred, gfp_t gfp);

/**
 * pgalloc_get_page_from_freelist - get_page_from_freelist() with any alloc
 * flags: the watermark of ALLOC_WMARK_MASK (none with ALLOC_NO_WATERMARKS),
 * the reserves of ALLOC_MIN_RESERVE/NON_BLOCK/OOM/HIGHATOMIC; a successful
 * ALLOC_HIGHATOMIC allocation may reserve its pageblock.  Drops
 * ALLOC_NOFRAGMENT and retries before giving up.
 * Return: the pfn of a prepared block (PAGE_USE_KERNEL), or SIM_PFN_NONE
 * with ac->fail describing the first refusal.
 */
pfn_t pgalloc_get_page_from_freelist(struct sim *sim, gfp_t gfp, unsigned order,
				     unsigned alloc_flags, struct alloc_context *ac);

/**
 * pgalloc_unreserve_highatomic - unreserve_highatomic_pageblock(): give
 * one free HIGHATOMIC block back to ac->migratetype in the first zone of
 * the zonelist that can spare it (all reserves with @force).
 * Return: true if a block was converted.
 */
bool pgalloc_unreserve_highatomic(struct sim *sim, const struct alloc_context *ac,
				  bool force);

/** pgalloc_drain_all_pages - drain_all_pages(): empty every CPU's pcp lists of @z (NULL: all zones) */
void pgalloc_drain_all_pages(struct sim *sim, struct zone *z);

/**
 * pgalloc_wakeup_kswapd - wakeup_kswapd(): record a request for kswapd of
 * @z's node to balance at @order up to @highest_zoneidx.  The reclaim layer
 * acts on pgdat->kswapd_wake; this only records, counts and traces it.
 */
void pgalloc_wakeup_kswapd(struct sim *sim, struct zone *z, unsigned order,
			   int highest_zoneidx);

/**
 * pgalloc_validate - every invariant of every zone (buddy_validate())
 * Return: SIM_OK, or SIM_ERR with @err naming the first violation.
 */
int pgalloc_validate(const struct sim *sim, char *err, size_t errlen);

/** pgalloc_init - the layer's init for sim_new() (layers.c) */
int pgalloc_init(struct sim *sim, char *err, size_t errlen);
/** pgalloc_destroy - release the layer (NULL state ok) */
void pgalloc_destroy(struct sim *sim);

/** pgalloc_pcp_allowed_order - pcp_allowed_order(): 0..3, and 9 with THP */
static inline bool pgalloc_pcp_allowed_order(const struct pgalloc_state *pg,
					     unsigned order)
{
	return order <= SIM_COSTLY_ORDER ||
	       (pg->thp && order == SIM_PMD_ORDER);
}

/* ---- Constants ---- */

#define PGALLOC_VMSTAT_INTERVAL	SIM_NSEC_PER_SEC	/* vmstat_update: pcp decay */

#endif /* SIM_PAGE_ALLOC_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* buddy.h - the binary buddy allocator over page frame numbers
 *
 * The free lists of one zone, pageblock migratetypes, split and merge,
 * fallback between migratetypes and the HIGHATOMIC reserve (kernel-model
 * §1.1-1.6).  Only page_alloc.c calls into this file; every function works
 * on one zone, as the kernel's do under zone->lock.
 */
#ifndef SIM_BUDDY_H
#define SIM_BUDDY_H

#include "zone.h"

/* FPI_* flags of __free_one_page() */
#define FPI_NONE	0x0u
#define FPI_TO_TAIL	0x1u	/* put the freed block at the list tail (boot, bulk) */

/* __rmqueue() modes: a refill loop resumes where the last block came from */
enum rmqueue_mode {
	RMQUEUE_NORMAL,		/* the requested migratetype's lists */
	RMQUEUE_CLAIM,		/* take over a whole pageblock of another type */
	RMQUEUE_STEAL,		/* borrow one block of another type */
};

/* ---- Pageblocks ---- */

/**
 * buddy_set_pageblock_migratetype - set_pageblock_migratetype()
 * With mobility grouping disabled every PCP type is stored as UNMOVABLE.
 */
void buddy_set_pageblock_migratetype(struct pgalloc_state *pg, pfn_t pfn, int mt);
/** buddy_change_pageblock_range - retype every pageblock of a block of @order */
void buddy_change_pageblock_range(struct pgalloc_state *pg, pfn_t pfn,
				  unsigned order, int mt);

/* ---- Free lists ---- */

/**
 * buddy_add_to_free_list - __add_to_free_list() + set_buddy_order()
 * Marks @pfn a free block of @order on free_area[@order].list[@mt], at the
 * head or the tail.  No NR_FREE_PAGES accounting (the callers do it, as the
 * kernel's account_freepages()).
 */
void buddy_add_to_free_list(struct sim *sim, struct zone *z, pfn_t pfn,
			    unsigned order, int mt, bool tail);
/** buddy_del_from_free_list - unlink a free block and clear its buddy mark */
void buddy_del_from_free_list(struct sim *sim, struct zone *z, pfn_t pfn,
			      unsigned order, int mt);
/** buddy_account_freepages - account_freepages(): NR_FREE_PAGES and HIGHATOMIC */
void buddy_account_freepages(struct zone *z, long nr_pages, int mt);

/* ---- Free ---- */

/**
 * buddy_free_one_page - __free_one_page(): merge with free buddies of the
 * same order in the same zone, order by order, then insert the result at
 * the head of its list (at the tail with FPI_TO_TAIL, or when the next
 * merge looks likely, buddy_merge_likely()).
 * @pfn: aligned to 2^@order; its head mark already cleared
 * @mt: the migratetype of @pfn's pageblock now
 */
void buddy_free_one_page(struct sim *sim, struct zone *z, pfn_t pfn,
			 unsigned order, int mt, unsigned fpi);

/**
 * buddy_free_range - split_large_buddy(): free a block of any order one
 * pageblock at a time (or whole, below pageblock order), each with its own
 * pageblock's migratetype.
 */
void buddy_free_range(struct sim *sim, struct zone *z, pfn_t pfn,
		      unsigned order, unsigned fpi);

/* ---- Allocate ---- */

/**
 * buddy_rmqueue_smallest - __rmqueue_smallest(): the head of the first
 * non-empty list of @mt from @order up, split down to @order (expand).
 * Return: the pfn, or SIM_PFN_NONE with nothing changed.
 */
pfn_t buddy_rmqueue_smallest(struct sim *sim, struct zone *z, unsigned order,
			     int mt);

/**
 * buddy_rmqueue - __rmqueue(): NORMAL, then CLAIM a pageblock of a fallback
 * type, then (without ALLOC_NOFRAGMENT) STEAL a block; *@mode remembers the
 * mode that worked, for rmqueue_bulk().
 * Return: the pfn of a 2^@order block taken off the free lists (accounted),
 * or SIM_PFN_NONE.
 */
pfn_t buddy_rmqueue(struct sim *sim, struct zone *z, unsigned order, int mt,
		    unsigned alloc_flags, enum rmqueue_mode *mode);

/* ---- Moving free pages between types ---- */

/**
 * buddy_move_freepages_block - move_freepages_block(): every free block of
 * @pfn's pageblock moves from @old_mt's lists to the tail of @new_mt's,
 * and the pageblock takes @new_mt.
 * Return: pages moved, or -1 if the pageblock straddles the zone's edge.
 */
long buddy_move_freepages_block(struct sim *sim, struct zone *z, pfn_t pfn,
				int old_mt, int new_mt);

/**
 * buddy_reserve_highatomic - reserve_highatomic_pageblock(): after a
 * successful ALLOC_HIGHATOMIC allocation at @pfn, turn its pageblock into
 * a HIGHATOMIC reserve while the zone's reserve is under ~1% of managed.
 */
void buddy_reserve_highatomic(struct sim *sim, struct zone *z, pfn_t pfn,
			      unsigned order);

/**
 * buddy_unreserve_highatomic - one zone's step of
 * unreserve_highatomic_pageblock(): give the first free HIGHATOMIC block
 * (lowest order) back to @mt.
 * Return: true if a block was converted.  Unless @force, a zone keeps its
 * last reserved pageblock.
 */
bool buddy_unreserve_highatomic(struct sim *sim, struct zone *z, int mt,
				bool force);

/* ---- Validation ---- */

/**
 * buddy_validate - check every invariant of one zone's free lists, pcp
 * lists and block tiling (O(blocks in the zone))
 * Return: SIM_OK, or SIM_ERR with @err describing the first violation.
 */
int buddy_validate(const struct sim *sim, const struct zone *z, char *err,
		   size_t errlen);

/** buddy_migratetype_name - "Unmovable", "Movable", ... (pagetypeinfo's names) */
const char *buddy_migratetype_name(int mt);

#endif /* SIM_BUDDY_H */

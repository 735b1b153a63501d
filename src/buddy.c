/* SPDX-License-Identifier: GPL-2.0-or-later */
/* buddy.c - binary buddy allocator over page frame numbers
 *
 * Stands in for the zone->lock part of mm/page_alloc.c: __free_one_page(),
 * expand(), __rmqueue_smallest(), __rmqueue() with its claim and steal
 * fallbacks, move_freepages_block(), reserve_highatomic_pageblock() and
 * unreserve_highatomic_pageblock() (kernel-model §1.2-1.6).
 *
 * How it works (SQLite mem5's algorithm with the kernel's lists).  A free
 * block of 2^k pages at pfn P (P aligned to 2^k) is its head page marked
 * PG_buddy with order k, linked through 32-bit pfns into
 * zone->free_area[k].list[mt], where mt is the migratetype of its
 * pageblock.  Its buddy is P ^ 2^k.
 *   free:  while the buddy is a free block of the same order in the same
 *          zone (and, from pageblock order up, of a mergeable type), unlink
 *          it and double: at most MAX_ORDER steps.  The result goes to the
 *          list head, or the tail if the next-larger merge looks likely.
 *   alloc: take the head of the first non-empty list of the requested type
 *          from the requested order up; halve it, putting each upper half
 *          at the head of the list one order down, and keep the lowest
 *          2^order pages: at most MAX_ORDER steps.
 *   fallback: when the requested type's lists are empty, CLAIM a whole
 *          pageblock of another type (largest block first) if enough of it
 *          is free or alike, else STEAL one block (smallest first) leaving
 *          the pageblock's type alone.  Stealing and claiming below
 *          pageblock order boost the zone's watermarks.
 * Every operation is O(MAX_ORDER) except claiming and the HIGHATOMIC
 * reserve, which walk one pageblock (at most 512 blocks), as the kernel's.
 *
 * Invariants (buddy_validate()): see zone.h; in addition, no two free
 * buddies of the same order could have merged (except across pageblocks
 * whose types must not merge), and every free block sits on the list of
 * its pageblock's migratetype.
 *
 * "Movable in-use pages" (try_to_claim_block): the kernel counts pages on
 * an LRU or with movable_ops; kmemsim counts blocks whose use is
 * PAGE_USE_PAGECACHE or PAGE_USE_ANON.  Pages on per-CPU lists are neither
 * free nor movable, as in the kernel.
 *
 * Ownership: only page_alloc.c calls in; every function works on one zone
 * and leaves it consistent on return.  On failure nothing is changed.
 */
#include "config.h"

#include <stdio.h>

#include "buddy.h"
#include "cost.h"
#include "state.h"

/* fallbacks[]: which other types' lists a request may raid, in order */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE },
};

static const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic",
};

const char *buddy_migratetype_name(int mt)
{
	return (unsigned)mt < MIGRATE_TYPES ? migratetype_names[mt] : "?";
}

/* HIGHATOMIC (and the kernel's CMA, ISOLATE) never merge with other types */
static bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/* ---- Pageblocks ---- */

void buddy_set_pageblock_migratetype(struct pgalloc_state *pg, pfn_t pfn, int mt)
{
	if (pg->mobility_disabled && mt < MIGRATE_PCPTYPES)
		mt = MIGRATE_UNMOVABLE;
	pg->pb_migratetype[pfn >> pageblock_order(pg)] = (uint8_t)mt;
}

void buddy_change_pageblock_range(struct pgalloc_state *pg, pfn_t pfn,
				  unsigned order, int mt)
{
	unsigned long nr = order > pageblock_order(pg) ?
		1ul << (order - pageblock_order(pg)) : 1ul;

	pfn &= ~(pfn_t)(pageblock_nr_pages(pg) - 1);
	while (nr--) {
		buddy_set_pageblock_migratetype(pg, pfn, mt);
		pfn += pageblock_nr_pages(pg);
	}
}

/* ---- Free lists ---- */

void buddy_account_freepages(struct zone *z, long nr_pages, int mt)
{
	z->nr_free_pages = (unsigned long)((long)z->nr_free_pages + nr_pages);
	if (mt == MIGRATE_HIGHATOMIC)
		z->nr_free_highatomic =
			(unsigned long)((long)z->nr_free_highatomic + nr_pages);
}

void buddy_add_to_free_list(struct sim *sim, struct zone *z, pfn_t pfn,
			    unsigned order, int mt, bool tail)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *p = pg_page(pg, pfn);
	struct free_area *area = &z->free_area[order];

	p->flags = PG_buddy;
	p->order = (uint8_t)order;
	p->use = PAGE_USE_FREE;
	p->list = (uint8_t)mt;
	p->owner = 0;
	free_list_add(pg, &area->list[mt], pfn, tail);
	area->nr_free++;
	z->nr_use[PAGE_USE_FREE] += 1ul << order;
	if (order >= pageblock_order(pg))
		z->nr_free_pages_blocks += 1ul << order;
}

void buddy_del_from_free_list(struct sim *sim, struct zone *z, pfn_t pfn,
			      unsigned order, int mt)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *p = pg_page(pg, pfn);
	struct free_area *area = &z->free_area[order];

	SIM_ASSERT((p->flags & PG_buddy) && p->order == order && p->list == mt);
	free_list_del(pg, &area->list[mt], pfn);
	area->nr_free--;
	p->flags = 0;
	z->nr_use[PAGE_USE_FREE] -= 1ul << order;
	if (order >= pageblock_order(pg))
		z->nr_free_pages_blocks -= 1ul << order;
}

/* move_to_free_list(): to the tail of @new_mt's list, accounting both */
static void buddy_move_to_free_list(struct sim *sim, struct zone *z, pfn_t pfn,
				    unsigned order, int old_mt, int new_mt)
{
	struct pgalloc_state *pg = sim->pg;
	struct free_area *area = &z->free_area[order];

	SIM_ASSERT(pg_page(pg, pfn)->list == old_mt);
	free_list_del(pg, &area->list[old_mt], pfn);
	free_list_add(pg, &area->list[new_mt], pfn, true);
	pg_page(pg, pfn)->list = (uint8_t)new_mt;
	buddy_account_freepages(z, -(1l << order), old_mt);
	buddy_account_freepages(z, 1l << order, new_mt);
}

/* ---- Free ---- */

/* find_buddy_page_pfn(): the buddy of (pfn, order) if it is a free block of
 * exactly that order in the same zone, else SIM_PFN_NONE */
static pfn_t buddy_find(const struct pgalloc_state *pg, const struct zone *z,
			pfn_t pfn, unsigned order)
{
	pfn_t b = pfn ^ ((pfn_t)1 << order);
	const struct page *p;

	if (!zone_spans_pfn(z, b))
		return SIM_PFN_NONE;
	p = pg_page(pg, b);
	return ((p->flags & PG_buddy) && p->order == order) ? b : SIM_PFN_NONE;
}

/* buddy_merge_likely(): is the order+1 buddy of the merged block free?  Then
 * this block will probably merge soon: queue it at the tail so it stays free */
static bool buddy_merge_likely(const struct pgalloc_state *pg,
			       const struct zone *z, pfn_t pfn, unsigned order)
{
	pfn_t higher;

	if (order >= SIM_MAX_ORDER - 1)
		return false;
	higher = pfn & ~((pfn_t)1 << order);
	return buddy_find(pg, z, higher, order + 1) != SIM_PFN_NONE;
}

/*
 * --explain: what a free did.  "the order-0 block at pfn 0x100004 merges
 * with its free buddy 0x100005 (order 0), then 0x100006 (order 1): an
 * order-2 block at pfn 0x100004"; or, with no merge, why not (the buddy is
 * in use, split, or outside the zone).  A block queued at the tail of its
 * list (buddy_merge_likely) says so: the next allocation will not take it.
 */
static void buddy_note_free(struct sim *sim, const struct zone *z, pfn_t pfn,
			    unsigned order, const pfn_t *merged, unsigned nr,
			    pfn_t to_pfn, unsigned to_order, bool tail)
{
	char list[SIM_NR_ORDERS * 40] = "";
	size_t used = 0;

	if (!nr) {
		pfn_t b = pfn ^ ((pfn_t)1 << order);

		if (order >= SIM_MAX_ORDER)
			SIM_NOTE(sim, "buddy: the order-%u block at pfn 0x%llx goes to the order-%u free list (the largest order: no merging)",
				 order, (unsigned long long)pfn, order);
		else if (!zone_spans_pfn(z, b))
			SIM_NOTE(sim, "buddy: the order-%u block at pfn 0x%llx goes to the order-%u free list (its buddy 0x%llx is outside zone %s)",
				 order, (unsigned long long)pfn, order,
				 (unsigned long long)b, z->name);
		else
			SIM_NOTE(sim, "buddy: the order-%u block at pfn 0x%llx goes to the order-%u free list%s (its buddy 0x%llx is not a free order-%u block)",
				 order, (unsigned long long)pfn, order,
				 tail ? ", at the tail" : "", (unsigned long long)b, order);
		return;
	}
	for (unsigned i = 0; i < nr && used < sizeof list; i++) {
		int n = snprintf(list + used, sizeof list - used, "%s0x%llx (order %u)",
				 i == 0 ? "" : i + 1 == nr ? " and " : ", ",
				 (unsigned long long)merged[i], order + i);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	SIM_NOTE(sim, "buddy: the order-%u block at pfn 0x%llx merges with its free %s %s: an order-%u block at pfn 0x%llx%s",
		 order, (unsigned long long)pfn, nr > 1 ? "buddies" : "buddy", list,
		 to_order, (unsigned long long)to_pfn,
		 tail ? ", at the tail of its free list (its own buddy is free: a merge is likely)" : "");
}

void buddy_free_one_page(struct sim *sim, struct zone *z, pfn_t pfn,
			 unsigned order, int mt, unsigned fpi)
{
	struct pgalloc_state *pg = sim->pg;
	pfn_t merged[SIM_NR_ORDERS];	/* the buddies absorbed, for --explain */
	unsigned nr_merged = 0, first_order = order;
	pfn_t first_pfn = pfn;
	bool tail;

	SIM_ASSERT((pfn & (((pfn_t)1 << order) - 1)) == 0);
	buddy_account_freepages(z, 1l << order, mt);
	while (order < SIM_MAX_ORDER) {
		int buddy_mt = mt;
		pfn_t b = buddy_find(pg, z, pfn, order);

		if (b == SIM_PFN_NONE)
			break;
		if (order >= pageblock_order(pg)) {
			/* merging across pageblocks: only mergeable types mix */
			buddy_mt = (int)pageblock_migratetype(pg, b);
			if (mt != buddy_mt && (!migratetype_is_mergeable(mt) ||
					       !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		if (pg->kver < SIM_KERNEL_6_18) {
			/*
			 * 6.1 __free_one_page(): the buddy leaves whatever
			 * list it is on; pageblock types stay as they are
			 */
			int list_mt = pg_page(pg, b)->list;

			buddy_del_from_free_list(sim, z, b, order, list_mt);
			buddy_account_freepages(z, -(1l << order), list_mt);
			buddy_account_freepages(z, 1l << order, mt);
		} else {
			buddy_del_from_free_list(sim, z, b, order, buddy_mt);
			if (buddy_mt != mt)	/* sub-blocks must land on mt's lists */
				buddy_change_pageblock_range(pg, b, order, mt);
		}
		merged[nr_merged++] = b;
		pfn &= b;
		order++;
		sim_charge(sim, COST_BUDDY_MERGE);
		SIM_EVENT(sim, BUDDY_MERGE, pfn, order, 0, 0);
	}
	if (fpi & FPI_TO_TAIL)
		tail = true;
	else
		tail = buddy_merge_likely(pg, z, pfn, order);
	if (unlikely(sim_listening(sim)))
		buddy_note_free(sim, z, first_pfn, first_order, merged, nr_merged,
				pfn, order, tail);
	buddy_add_to_free_list(sim, z, pfn, order, mt, tail);
}

void buddy_free_range(struct sim *sim, struct zone *z, pfn_t pfn,
		      unsigned order, unsigned fpi)
{
	pfn_t end = pfn + ((pfn_t)1 << order);

	if (order > pageblock_order(sim->pg))
		order = pageblock_order(sim->pg);
	do {
		int mt = (int)pageblock_migratetype(sim->pg, pfn);

		buddy_free_one_page(sim, z, pfn, order, mt, fpi);
		pfn += (pfn_t)1 << order;
	} while (pfn != end);
}

/* ---- Split ---- */

/* expand(): split a 2^high block at pfn down to 2^low, upper halves to the
 * list heads; returns the pages put back on the lists */
static unsigned long buddy_expand(struct sim *sim, struct zone *z, pfn_t pfn,
				  unsigned low, unsigned high, int mt)
{
	unsigned long size = 1ul << high, added = 0;

	if (high == low + 1)
		SIM_NOTE(sim, "buddy splits an order-%u block at pfn 0x%llx: the upper half goes to the order-%u free list",
			 high, (unsigned long long)pfn, low);
	else if (high > low)
		SIM_NOTE(sim, "buddy splits an order-%u block at pfn 0x%llx: halves go to the order %u..%u free lists",
			 high, (unsigned long long)pfn, high - 1, low);
	else
		SIM_NOTE(sim, "buddy: the first block of the order-%u free list, at pfn 0x%llx",
			 low, (unsigned long long)pfn);
	while (high > low) {
		high--;
		size >>= 1;
		buddy_add_to_free_list(sim, z, pfn + size, high, mt, false);
		added += size;
		sim_charge(sim, COST_BUDDY_SPLIT);
		SIM_EVENT(sim, BUDDY_SPLIT, pfn, high + 1, high, 0);
	}
	return added;
}

/* page_del_and_expand(): take a free block off its list, keep 2^low pages */
static void buddy_del_and_expand(struct sim *sim, struct zone *z, pfn_t pfn,
				 unsigned low, unsigned high, int mt)
{
	long nr = 1l << high;

	buddy_del_from_free_list(sim, z, pfn, high, mt);
	nr -= (long)buddy_expand(sim, z, pfn, low, high, mt);
	buddy_account_freepages(z, -nr, mt);
}

pfn_t buddy_rmqueue_smallest(struct sim *sim, struct zone *z, unsigned order,
			     int mt)
{
	for (unsigned o = order; o < SIM_NR_ORDERS; o++) {
		uint32_t head = z->free_area[o].list[mt].head;

		if (head == PAGE_NIL)
			continue;
		buddy_del_and_expand(sim, z, head, order, o, mt);
		return head;
	}
	return SIM_PFN_NONE;
}

/* ---- Fallback ---- */

/* should_try_claim_block(): small movable requests only steal */
static bool buddy_should_try_claim(const struct pgalloc_state *pg,
				   unsigned order, int start_mt)
{
	if (order >= pageblock_order(pg))
		return true;
	return order >= pageblock_order(pg) / 2 ||
	       start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE || pg->mobility_disabled;
}

/* find_suitable_fallback(): -1 none at this order, -2 stop (too small to
 * claim), else the first fallback type with a free block */
static int buddy_find_fallback(const struct pgalloc_state *pg,
			       const struct free_area *area, unsigned order,
			       int mt, bool claimable)
{
	if (area->nr_free == 0)
		return -1;
	if (claimable && !buddy_should_try_claim(pg, order, mt))
		return -2;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int f = fallbacks[mt][i];

		if (area->list[f].head != PAGE_NIL)
			return f;
	}
	return -1;
}

/* prep_move_freepages_block(): the pageblock of pfn, if the zone holds all
 * of it; optionally count its free and movable pages */
static bool buddy_prep_move(const struct pgalloc_state *pg, const struct zone *z,
			    pfn_t pfn, pfn_t *start, unsigned long *nr_free,
			    unsigned long *nr_movable)
{
	pfn_t s = pfn & ~(pfn_t)(pageblock_nr_pages(pg) - 1);
	pfn_t e = s + pageblock_nr_pages(pg);

	if (!zone_spans_pfn(z, s) || !zone_spans_pfn(z, e - 1))
		return false;
	*start = s;
	if (nr_free) {
		*nr_free = *nr_movable = 0;
		for (pfn_t p = s; p < e;) {
			const struct page *pp = pg_page(pg, p);

			SIM_ASSERT(pp->flags != 0);
			if (pp->flags & PG_buddy)
				*nr_free += 1ul << pp->order;
			else if ((pp->flags & PG_head) &&
				 page_use_movable((enum page_use)pp->use))
				*nr_movable += 1ul << pp->order;
			p += (pfn_t)1 << pp->order;
		}
	}
	return true;
}

/* __move_freepages_block(): every free block of the pageblock to new_mt */
static long buddy_move_block_free(struct sim *sim, struct zone *z, pfn_t start,
				  int old_mt, int new_mt)
{
	(void)old_mt;
	struct pgalloc_state *pg = sim->pg;
	pfn_t end = start + pageblock_nr_pages(pg);
	long moved = 0;

	for (pfn_t p = start; p < end;) {
		const struct page *pp = pg_page(pg, p);
		unsigned order = pp->order;

		if (pp->flags & PG_buddy) {
			/* 6.18 keeps every block on its pageblock's list, so
			 * this is old_mt; in 6.1 a stolen block may be elsewhere */
			buddy_move_to_free_list(sim, z, p, order, pp->list, new_mt);
			moved += 1l << order;
		}
		p += (pfn_t)1 << order;
	}
	return moved;
}

long buddy_move_freepages_block(struct sim *sim, struct zone *z, pfn_t pfn,
				int old_mt, int new_mt)
{
	pfn_t start;
	long moved;

	if (!buddy_prep_move(sim->pg, z, pfn, &start, NULL, NULL))
		return -1;
	moved = buddy_move_block_free(sim, z, start, old_mt, new_mt);
	buddy_set_pageblock_migratetype(sim->pg, start, new_mt);
	return moved;
}

/* the mm_page_alloc_extfrag tracepoint, as an event and a narration */
static void buddy_trace_extfrag(struct sim *sim, pfn_t pfn, unsigned order,
				unsigned fallback_order, int start_mt,
				int fallback_mt)
{
	sim->stats.extfrag_fallback++;
	sim_charge(sim, COST_FALLBACK);
	SIM_EVENT(sim, FALLBACK, pfn, order, (uint64_t)start_mt, (uint64_t)fallback_mt);
	SIM_NOTE(sim,
		 "mm_page_alloc_extfrag: pfn=0x%llx alloc_order=%u fallback_order=%u pageblock_order=%u alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
		 (unsigned long long)pfn, order, fallback_order,
		 pageblock_order(sim->pg), start_mt, fallback_mt,
		 fallback_order < pageblock_order(sim->pg),
		 start_mt == (int)pageblock_migratetype(sim->pg, pfn));
}

/* try_to_claim_block(): take over the pageblock of a fallback block */
static pfn_t buddy_try_claim(struct sim *sim, struct zone *z, pfn_t pfn,
			     unsigned current_order, unsigned order,
			     int start_mt, int block_mt, unsigned alloc_flags)
{
	struct pgalloc_state *pg = sim->pg;
	unsigned long nr_free, nr_movable, alike;
	pfn_t start;

	if (current_order >= pageblock_order(pg)) {
		/* a whole pageblock or more: it is ours */
		buddy_del_from_free_list(sim, z, pfn, current_order, block_mt);
		buddy_account_freepages(z, -(1l << current_order), block_mt);
		buddy_change_pageblock_range(pg, pfn, current_order, start_mt);
		buddy_account_freepages(z, (long)buddy_expand(sim, z, pfn, order,
							       current_order,
							       start_mt),
					start_mt);
		return pfn;
	}
	/* fragmenting: raise the watermarks so kswapd makes room */
	if (zone_boost_watermark(pg, z) && (alloc_flags & ALLOC_KSWAPD))
		z->flags |= ZONE_BOOSTED_WATERMARK;
	if (!buddy_prep_move(pg, z, pfn, &start, &nr_free, &nr_movable))
		return SIM_PFN_NONE;
	if (start_mt == MIGRATE_MOVABLE)
		alike = nr_movable;
	else if (block_mt == MIGRATE_MOVABLE)
		alike = pageblock_nr_pages(pg) - (nr_free + nr_movable);
	else	/* UNMOVABLE <-> RECLAIMABLE: cannot tell, be conservative */
		alike = 0;
	if (nr_free + alike >= pageblock_nr_pages(pg) / 2 || pg->mobility_disabled) {
		buddy_move_block_free(sim, z, start, block_mt, start_mt);
		buddy_set_pageblock_migratetype(pg, start, start_mt);
		return buddy_rmqueue_smallest(sim, z, order, start_mt);
	}
	return SIM_PFN_NONE;
}

/* __rmqueue_claim(): largest fallback block first, down to min_order */
static pfn_t buddy_rmqueue_claim(struct sim *sim, struct zone *z, unsigned order,
				 int start_mt, unsigned alloc_flags)
{
	unsigned min_order = order;

	/* NOFRAGMENT: only whole pageblocks may change hands */
	if (order < pageblock_order(sim->pg) && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order(sim->pg);
	for (int co = SIM_MAX_ORDER; co >= (int)min_order; co--) {
		struct free_area *area = &z->free_area[co];
		int fmt = buddy_find_fallback(sim->pg, area, (unsigned)co, start_mt, true);
		pfn_t pfn;

		if (fmt == -1)
			continue;
		if (fmt == -2)
			break;
		pfn = buddy_try_claim(sim, z, area->list[fmt].head, (unsigned)co,
				      order, start_mt, fmt, alloc_flags);
		if (pfn != SIM_PFN_NONE) {
			buddy_trace_extfrag(sim, pfn, order, (unsigned)co, start_mt, fmt);
			return pfn;
		}
	}
	return SIM_PFN_NONE;
}

/* __rmqueue_steal(): smallest fallback block, pageblock type unchanged */
static pfn_t buddy_rmqueue_steal(struct sim *sim, struct zone *z, unsigned order,
				 int start_mt)
{
	for (unsigned co = order; co < SIM_NR_ORDERS; co++) {
		struct free_area *area = &z->free_area[co];
		int fmt = buddy_find_fallback(sim->pg, area, co, start_mt, false);
		pfn_t pfn;

		if (fmt == -1)
			continue;
		pfn = area->list[fmt].head;
		buddy_del_and_expand(sim, z, pfn, order, co, fmt);
		buddy_trace_extfrag(sim, pfn, order, co, start_mt, fmt);
		return pfn;
	}
	return SIM_PFN_NONE;
}

/*
 * 6.1 can_steal_fallback() and find_suitable_fallback(): the first
 * fallback type with a free block of this order; *can_steal if the whole
 * pageblock may be taken over.
 */
static int buddy_find_fallback_6_1(const struct pgalloc_state *pg,
				   const struct free_area *area, unsigned order,
				   int mt, bool *can_steal)
{
	if (area->nr_free == 0)
		return -1;
	*can_steal = false;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int f = fallbacks[mt][i];

		if (area->list[f].head == PAGE_NIL)
			continue;
		*can_steal = buddy_should_try_claim(pg, order, mt);
		return f;
	}
	return -1;
}

/*
 * 6.1 steal_suitable_fallback(): a fallback block of @current_order at
 * @pfn.  From pageblock order up the blocks become @start_mt's.  Below,
 * the zone's watermarks are boosted and, if @whole_block, every free block
 * of the pageblock moves to @start_mt's lists; the pageblock changes type
 * only if at least half of it is free or alike.  The block itself always
 * ends on @start_mt's list (single_page).
 */
static void buddy_steal_fallback_6_1(struct sim *sim, struct zone *z, pfn_t pfn,
				     unsigned current_order, int start_mt,
				     unsigned alloc_flags, bool whole_block)
{
	struct pgalloc_state *pg = sim->pg;
	int old_block_type = (int)pageblock_migratetype(pg, pfn);
	unsigned long nr_free, nr_movable, alike;
	pfn_t start;

	if (old_block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= pageblock_order(pg)) {
		buddy_change_pageblock_range(pg, pfn, current_order, start_mt);
		goto single_page;
	}
	if (zone_boost_watermark(pg, z) && (alloc_flags & ALLOC_KSWAPD))
		z->flags |= ZONE_BOOSTED_WATERMARK;
	if (!whole_block ||
	    !buddy_prep_move(pg, z, pfn, &start, &nr_free, &nr_movable) || !nr_free)
		goto single_page;
	/* move_freepages_block(): moved whether or not the block is claimed */
	buddy_move_block_free(sim, z, start, old_block_type, start_mt);
	if (start_mt == MIGRATE_MOVABLE)
		alike = nr_movable;
	else if (old_block_type == MIGRATE_MOVABLE)
		alike = pageblock_nr_pages(pg) - (nr_free + nr_movable);
	else
		alike = 0;
	if (nr_free + alike >= pageblock_nr_pages(pg) / 2 || pg->mobility_disabled)
		buddy_set_pageblock_migratetype(pg, start, start_mt);
	return;
single_page:
	buddy_move_to_free_list(sim, z, pfn, current_order, pg_page(pg, pfn)->list,
				start_mt);
}

/*
 * 6.1 __rmqueue_fallback(): the largest fallback block (down to
 * pageblock order with ALLOC_NOFRAGMENT), or for a movable request that
 * may not take the whole pageblock the smallest one; it is moved to the
 * requested type's lists and __rmqueue() retries from them.
 */
static bool buddy_rmqueue_fallback_6_1(struct sim *sim, struct zone *z,
				       unsigned order, int start_mt,
				       unsigned alloc_flags)
{
	const struct pgalloc_state *pg = sim->pg;
	unsigned min_order = order;
	bool can_steal = false;
	int co, fmt = -1;

	if (alloc_flags & ALLOC_NOFRAGMENT)
		min_order = pageblock_order(pg);
	for (co = SIM_MAX_ORDER; co >= (int)min_order; co--) {
		fmt = buddy_find_fallback_6_1(pg, &z->free_area[co], (unsigned)co,
					      start_mt, &can_steal);
		if (fmt == -1)
			continue;
		if (!can_steal && start_mt == MIGRATE_MOVABLE && co > (int)order)
			goto find_smallest;
		goto do_steal;
	}
	return false;
find_smallest:
	for (co = (int)order; co < SIM_NR_ORDERS; co++) {
		fmt = buddy_find_fallback_6_1(pg, &z->free_area[co], (unsigned)co,
					      start_mt, &can_steal);
		if (fmt != -1)
			break;
	}
	SIM_ASSERT(co < SIM_NR_ORDERS);
do_steal:
	{
		pfn_t pfn = z->free_area[co].list[fmt].head;

		buddy_steal_fallback_6_1(sim, z, pfn, (unsigned)co, start_mt,
					 alloc_flags, can_steal);
		buddy_trace_extfrag(sim, pfn, order, (unsigned)co, start_mt, fmt);
	}
	return true;
}

pfn_t buddy_rmqueue(struct sim *sim, struct zone *z, unsigned order, int mt,
		    unsigned alloc_flags, enum rmqueue_mode *mode)
{
	pfn_t pfn;

	if (sim->pg->kver < SIM_KERNEL_6_18) {
		/* 6.1 __rmqueue(): smallest, else move a fallback block over
		 * and retry (the rmqueue modes came with 6.15) */
		do {
			pfn = buddy_rmqueue_smallest(sim, z, order, mt);
		} while (pfn == SIM_PFN_NONE &&
			 buddy_rmqueue_fallback_6_1(sim, z, order, mt, alloc_flags));
		return pfn;
	}

	switch (*mode) {
	case RMQUEUE_NORMAL:
		pfn = buddy_rmqueue_smallest(sim, z, order, mt);
		if (pfn != SIM_PFN_NONE)
			return pfn;
		/* fall through */
	case RMQUEUE_CLAIM:
		pfn = buddy_rmqueue_claim(sim, z, order, mt, alloc_flags);
		if (pfn != SIM_PFN_NONE) {
			*mode = RMQUEUE_NORMAL;	/* our lists are replenished */
			return pfn;
		}
		/* fall through */
	case RMQUEUE_STEAL:
		if (!(alloc_flags & ALLOC_NOFRAGMENT)) {
			pfn = buddy_rmqueue_steal(sim, z, order, mt);
			if (pfn != SIM_PFN_NONE) {
				*mode = RMQUEUE_STEAL;
				return pfn;
			}
		}
		break;
	}
	return SIM_PFN_NONE;
}

/* ---- HIGHATOMIC reserve ---- */

void buddy_reserve_highatomic(struct sim *sim, struct zone *z, pfn_t pfn,
			      unsigned order)
{
	struct pgalloc_state *pg = sim->pg;
	unsigned long max_managed;
	int mt;

	/* at most ~1% of the zone, and nothing if that is under a pageblock */
	if (z->managed / 100 < pageblock_nr_pages(pg))
		return;
	max_managed = SIM_ALIGN(z->managed / 100, (unsigned long)pageblock_nr_pages(pg));
	if (z->nr_reserved_highatomic >= max_managed)
		return;
	mt = (int)pageblock_migratetype(pg, pfn);
	if (!migratetype_is_mergeable(mt))
		return;
	if (order < pageblock_order(pg)) {
		if (buddy_move_freepages_block(sim, z, pfn, mt, MIGRATE_HIGHATOMIC) == -1)
			return;
		z->nr_reserved_highatomic += pageblock_nr_pages(pg);
	} else {
		buddy_change_pageblock_range(pg, pfn, order, MIGRATE_HIGHATOMIC);
		z->nr_reserved_highatomic += 1ul << order;
	}
	SIM_NOTE(sim, "reserve_highatomic_pageblock: zone %s pfn 0x%llx, %lu pages reserved",
		 z->name, (unsigned long long)pfn, z->nr_reserved_highatomic);
}

bool buddy_unreserve_highatomic(struct sim *sim, struct zone *z, int mt,
				bool force)
{
	struct pgalloc_state *pg = sim->pg;

	/* keep one pageblock unless memory is really tight */
	if (!force && z->nr_reserved_highatomic <= pageblock_nr_pages(pg))
		return false;
	for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
		uint32_t head = z->free_area[o].list[MIGRATE_HIGHATOMIC].head;
		unsigned long size;
		long ret;

		if (head == PAGE_NIL)
			continue;
		size = SIM_MAX((unsigned long)pageblock_nr_pages(pg), 1ul << o);
		if (size > z->nr_reserved_highatomic)
			size = z->nr_reserved_highatomic;
		z->nr_reserved_highatomic -= size;
		/* straight to the requester's type, no claim heuristics */
		if (o < pageblock_order(pg)) {
			ret = buddy_move_freepages_block(sim, z, head,
							 MIGRATE_HIGHATOMIC, mt);
		} else {
			buddy_move_to_free_list(sim, z, head, o, MIGRATE_HIGHATOMIC, mt);
			buddy_change_pageblock_range(pg, head, o, mt);
			ret = 1;
		}
		if (ret > 0) {
			SIM_NOTE(sim, "unreserve_highatomic_pageblock: zone %s pfn 0x%llx to %s",
				 z->name, (unsigned long long)head,
				 buddy_migratetype_name(mt));
			return true;
		}
	}
	return false;
}

/* ---- Validation ---- */

#define BUDDY_FAIL(...) \
	do { snprintf(err, errlen, __VA_ARGS__); return SIM_ERR; } while (0)

static int buddy_validate_list(const struct pgalloc_state *pg,
			       const struct zone *z, const struct free_list *l,
			       unsigned order, int mt, char *err, size_t errlen)
{
	uint32_t prev = PAGE_NIL;
	unsigned long n = 0;

	for (uint32_t x = l->head; x != PAGE_NIL; x = pg_page(pg, x)->next) {
		const struct page *p;

		if (!zone_spans_pfn(z, x) || n > l->nr)
			BUDDY_FAIL("zone %s order %u %s list: pfn 0x%x outside the zone or list longer than %lu",
				   z->name, order, buddy_migratetype_name(mt), x, l->nr);
		p = pg_page(pg, x);
		if (p->prev != prev)
			BUDDY_FAIL("zone %s order %u %s list: bad back link at pfn 0x%x",
				   z->name, order, buddy_migratetype_name(mt), x);
		if (p->flags != PG_buddy || p->order != order || p->list != mt ||
		    p->use != PAGE_USE_FREE)
			BUDDY_FAIL("zone %s order %u %s list: pfn 0x%x is not a free block of that order/type (flags %u order %u list %u)",
				   z->name, order, buddy_migratetype_name(mt), x,
				   p->flags, p->order, p->list);
		if (x & ((1u << order) - 1))
			BUDDY_FAIL("zone %s: free block 0x%x not aligned to order %u",
				   z->name, x, order);
		if (x + (1ul << order) > zone_end_pfn(z))
			BUDDY_FAIL("zone %s: free block 0x%x order %u runs past the zone end",
				   z->name, x, order);
		/* 6.18 keeps blocks on their pageblock's list; 6.1 does not */
		for (pfn_t b = x; pg->kver >= SIM_KERNEL_6_18 &&
		     b < x + (1ul << order); b += pageblock_nr_pages(pg))
			if ((int)pageblock_migratetype(pg, b) != mt)
				BUDDY_FAIL("zone %s: free block 0x%x order %u on the %s list but its pageblock is %s",
					   z->name, x, order, buddy_migratetype_name(mt),
					   buddy_migratetype_name((int)pageblock_migratetype(pg, b)));
		prev = x;
		n++;
	}
	if (n != l->nr || l->tail != prev)
		BUDDY_FAIL("zone %s order %u %s list: %lu entries, counter says %lu (or bad tail)",
			   z->name, order, buddy_migratetype_name(mt), n, l->nr);
	return SIM_OK;
}

int buddy_validate(const struct sim *sim, const struct zone *z, char *err,
		   size_t errlen)
{
	const struct pgalloc_state *pg = sim->pg;
	unsigned long free_pages = 0, highatomic = 0, blocks_pages = 0;
	unsigned long buddy_heads = 0, pcp_heads = 0, pcp_entries = 0, pcp_pages = 0;
	unsigned long use[PAGE_USE_NR] = { 0 }, total = 0;

	for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
		unsigned long n = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			const struct free_list *l = &z->free_area[o].list[mt];

			if (buddy_validate_list(pg, z, l, o, mt, err, errlen) != SIM_OK)
				return SIM_ERR;
			n += l->nr;
			free_pages += l->nr << o;
			if (mt == MIGRATE_HIGHATOMIC)
				highatomic += l->nr << o;
			if (o >= pageblock_order(pg))
				blocks_pages += l->nr << o;
		}
		if (n != z->free_area[o].nr_free)
			BUDDY_FAIL("zone %s order %u: nr_free %lu but %lu blocks on the lists",
				   z->name, o, z->free_area[o].nr_free, n);
	}
	if (free_pages != z->nr_free_pages)
		BUDDY_FAIL("zone %s: NR_FREE_PAGES %lu but %lu pages on the free lists",
			   z->name, z->nr_free_pages, free_pages);
	if (highatomic != z->nr_free_highatomic)
		BUDDY_FAIL("zone %s: nr_free_highatomic %lu but %lu on the lists",
			   z->name, z->nr_free_highatomic, highatomic);
	if (blocks_pages != z->nr_free_pages_blocks)
		BUDDY_FAIL("zone %s: nr_free_pages_blocks %lu but %lu",
			   z->name, z->nr_free_pages_blocks, blocks_pages);

	/* the blocks tile the zone; nothing is free twice or lost */
	for (pfn_t p = z->start_pfn; p < zone_end_pfn(z);) {
		const struct page *pp = pg_page(pg, p);
		unsigned f = pp->flags;

		if (f != PG_buddy && f != PG_pcp && f != PG_head)
			BUDDY_FAIL("zone %s: pfn 0x%llx should be a block head (flags %u)",
				   z->name, (unsigned long long)p, f);
		if (p & (((pfn_t)1 << pp->order) - 1) ||
		    p + ((pfn_t)1 << pp->order) > zone_end_pfn(z))
			BUDDY_FAIL("zone %s: block 0x%llx order %u misaligned or past the end",
				   z->name, (unsigned long long)p, pp->order);
		if (pp->use >= PAGE_USE_NR ||
		    (f == PG_buddy) != (pp->use == PAGE_USE_FREE) ||
		    (f == PG_pcp) != (pp->use == PAGE_USE_PCP))
			BUDDY_FAIL("zone %s: block 0x%llx has use %u with flags %u",
				   z->name, (unsigned long long)p, pp->use, f);
		if (f == PG_buddy) {
			buddy_heads++;
			/* a free buddy of the same order would have merged */
			{
				pfn_t b = buddy_find(pg, z, p, pp->order);

				/* (from pageblock order up, retyping a block
				 * does not re-merge it, in the kernel too) */
				if (b != SIM_PFN_NONE && pp->order < pageblock_order(pg))
					BUDDY_FAIL("zone %s: free buddies 0x%llx and 0x%llx of order %u not merged",
						   z->name, (unsigned long long)p,
						   (unsigned long long)b, pp->order);
			}
		}
		if (f == PG_pcp)
			pcp_heads++;
		use[pp->use] += 1ul << pp->order;
		total += 1ul << pp->order;
		p += (pfn_t)1 << pp->order;
	}
	if (total != z->managed)
		BUDDY_FAIL("zone %s: blocks cover %lu pages, managed %lu",
			   z->name, total, z->managed);
	for (int u = 0; u < PAGE_USE_NR; u++)
		if (use[u] != z->nr_use[u])
			BUDDY_FAIL("zone %s: %lu %s pages counted, %lu found",
				   z->name, z->nr_use[u], page_use_name((enum page_use)u), use[u]);
	{
		unsigned long n = 0;

		for (unsigned o = 0; o < SIM_NR_ORDERS; o++)
			n += z->free_area[o].nr_free;
		if (n != buddy_heads)
			BUDDY_FAIL("zone %s: %lu PG_buddy heads, %lu blocks on lists",
				   z->name, buddy_heads, n);
	}

	/* per-CPU lists */
	if (z->pcp) {
		for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
			const struct per_cpu_pages *pcp = &z->pcp[cpu];
			long count = 0;

			for (unsigned i = 0; i < NR_PCP_LISTS_MAX; i++) {
				const struct free_list *l = &pcp->lists[i];
				unsigned order = pcp_pindex_to_order(i);
				unsigned long n = 0;
				uint32_t prev = PAGE_NIL;

				if (i >= pg->nr_pcp_lists && l->nr)
					BUDDY_FAIL("zone %s cpu %u: pcp list %u in use without THP",
						   z->name, cpu, i);
				for (uint32_t x = l->head; x != PAGE_NIL;
				     x = pg_page(pg, x)->next) {
					const struct page *pp;

					if (!zone_spans_pfn(z, x) || n > l->nr)
						BUDDY_FAIL("zone %s cpu %u pcp list %u: bad pfn 0x%x",
							   z->name, cpu, i, x);
					pp = pg_page(pg, x);
					if (pp->flags != PG_pcp || pp->order != order ||
					    pp->list != i || pp->owner != cpu ||
					    pp->prev != prev)
						BUDDY_FAIL("zone %s cpu %u pcp list %u: pfn 0x%x is not one of its pages",
							   z->name, cpu, i, x);
					prev = x;
					n++;
				}
				if (n != l->nr || l->tail != prev)
					BUDDY_FAIL("zone %s cpu %u pcp list %u: %lu entries, counter %lu",
						   z->name, cpu, i, n, l->nr);
				count += (long)(n << order);
				pcp_entries += n;
			}
			if (count != pcp->count)
				BUDDY_FAIL("zone %s cpu %u: pcp count %d but %ld pages listed",
					   z->name, cpu, pcp->count, count);
			pcp_pages += (unsigned long)count;
		}
	}
	if (pcp_entries != pcp_heads || pcp_pages != z->nr_use[PAGE_USE_PCP])
		BUDDY_FAIL("zone %s: %lu PG_pcp heads, %lu pcp entries, %lu pcp pages (use count %lu)",
			   z->name, pcp_heads, pcp_entries, pcp_pages,
			   z->nr_use[PAGE_USE_PCP]);
	return SIM_OK;
}

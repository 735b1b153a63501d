/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compaction.c - memory compaction: building high-order blocks by migration
 *
 * Stands in for mm/compaction.c: try_to_compact_pages, compact_zone_order,
 * compact_zone, compact_finished, compaction_suit_allocation_order,
 * compaction_suitable, compaction_zonelist_suitable, the deferral helpers
 * (defer_compaction, compaction_deferred, compaction_defer_reset),
 * isolate_migratepages / isolate_freepages, compaction_alloc, kcompactd
 * and the compact_memory sysctl; plus the page-copying half of
 * migrate_pages().
 *
 * How it works.  Free memory is often plentiful but cut into small pieces
 * by in-use pages.  If those pages are movable (page cache and anonymous
 * pages: the LRU pages of reclaim.c), compaction moves them from the bottom
 * of the zone to free pages at the top, so the bottom coalesces into large
 * free blocks.  Two scanners work one pageblock at a time:
 *   migrate scanner  upwards from the zone start (or where the last run
 *                    stopped): isolates the movable pages of a pageblock;
 *                    ASYNC direct compaction only takes pageblocks of the
 *                    request's migratetype (suitable_migration_source) and
 *                    skips dirty file pages (they need writeback to move)
 *   free scanner     downwards from the zone end: isolates the free blocks
 *                    of MOVABLE pageblocks (any pageblock at SYNC_FULL)
 *                    that start below the requested order, never below the
 *                    min watermark (__isolate_free_page)
 * Each isolated page is migrated into the lowest isolated free page: the new
 * page takes the old one's LRU place, use and owner, and the old page is
 * freed (through the per-CPU lists, which are drained after every pageblock
 * so that the freed pages merge at once, lru_add_drain_cpu_zone()).  After
 * every pageblock compact_finished() asks whether a free block of the
 * requested order now exists on the request's migratetype list or on a
 * list it could claim (find_suitable_fallback): COMPACT_SUCCESS.  When the
 * scanners meet the run is COMPACT_COMPLETE (it covered the whole zone) or
 * PARTIAL_SKIPPED (it started from cached positions); free pages still
 * isolated go back.  No capture_control: the allocator retries its
 * freelists after compaction.  No skip bits: a pageblock is looked at
 * again on the next run.
 *
 * Whether to run at all (compaction_suit_allocation_order): not if the
 * zone already passes the allocation's watermark at its order (SUCCESS);
 * not if order-0 free memory is below watermark + compact_gap(order) (+
 * low - min for costly orders): SKIPPED; for costly orders not if the
 * fragmentation index is 0..500, meaning the failure is lack of memory,
 * not fragmentation.  Direct compaction is skipped without __GFP_IO
 * (gfp_compaction_allowed), and above SYNC_FULL a zone whose compaction
 * is deferred (after a failed sync run, 1, 2, ... 64 attempts at that
 * order or above are skipped) is passed over.
 *
 * Costs: COST_COMPACT_SCAN per page frame scanned and COST_COMPACT_PAGE per
 * page migrated; direct compaction sleeps them (reclaim_sleep) after each
 * pageblock, kcompactd's work is background (not charged).
 *
 * Ordering and ownership: this file changes pages only through page_alloc
 * (pgalloc_isolate_free_page, pgalloc_split_block, pgalloc_free) and the LRU
 * through reclaim_lru_replace; between two pageblocks it holds only
 * isolated free pages (allocated blocks of PAGE_USE_OTHER, invisible to
 * everyone else), so timers running while it sleeps cannot confuse it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "cost.h"
#include "reclaim.h"
#include "state.h"

struct compact_control {
	struct zone *zone;
	int order;			/* -1: compact_memory, the whole zone */
	int migratetype;		/* of the request */
	unsigned alloc_flags;
	int highest_zoneidx;
	bool async;			/* MIGRATE_ASYNC */
	bool direct;			/* direct compaction (sleeps its work) */
	bool whole_zone;
	bool ignore_block_suitable;	/* SYNC_FULL: any pageblock is a target */
	pfn_t migrate_pfn;		/* next pageblock of the migrate scanner */
	pfn_t free_pfn;			/* next pageblock of the free scanner */
	pfn_t *freepages;		/* isolated order-0 targets, lowest last */
	size_t nr_free, cap_free;
	unsigned long migrate_scanned, free_scanned, isolated, migrated;
	sim_time_t cost;
	unsigned pb_order;		/* pageblock_order */
};

/* fallbacks[] of buddy.c: which types a request may claim from */
static const int compact_fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE },
};

static const char *const compact_result_names[] = {
#define COMPACT_X_NAME(e, n) n,
	COMPACT_RESULT_LIST(COMPACT_X_NAME)
#undef COMPACT_X_NAME
};

const char *compaction_result_name(enum compact_result r)
{
	return (unsigned)r < ARRAY_SIZE(compact_result_names) ?
	       compact_result_names[r] : "?";
}

static struct compact_zone_state *czs(const struct sim *sim, const struct zone *z)
{
	return &sim->reclaim->compact[z->id];
}

static pfn_t pageblock_start(const struct compact_control *cc, pfn_t pfn)
{
	return pfn & ~(((pfn_t)1 << cc->pb_order) - 1);
}

/* ---- Deferral ---- */

static void defer_compaction(struct sim *sim, const struct zone *z, unsigned order)
{
	struct compact_zone_state *c = czs(sim, z);

	c->considered = 0;
	if (++c->defer_shift > COMPACT_MAX_DEFER_SHIFT)
		c->defer_shift = COMPACT_MAX_DEFER_SHIFT;
	if ((int)order < c->order_failed)
		c->order_failed = (int)order;
}

static bool compaction_deferred(struct sim *sim, const struct zone *z,
				unsigned order)
{
	struct compact_zone_state *c = czs(sim, z);
	unsigned long limit = 1ul << c->defer_shift;

	if ((int)order < c->order_failed)
		return false;
	if (++c->considered >= limit) {
		c->considered = (unsigned)limit;
		return false;
	}
	return true;
}

void compaction_defer_reset(struct sim *sim, const struct zone *z,
			    unsigned order, bool alloc_success)
{
	struct compact_zone_state *c = czs(sim, z);

	if (alloc_success) {
		c->considered = 0;
		c->defer_shift = 0;
	}
	if ((int)order >= c->order_failed)
		c->order_failed = (int)order + 1;
}

/* ---- Suitability ---- */

static bool __compaction_suitable(const struct zone *z, unsigned order,
				  unsigned long watermark, int hz, long free)
{
	watermark += compact_gap(order);
	if (order > SIM_COSTLY_ORDER)
		watermark += low_wmark_pages(z) - min_wmark_pages(z);
	return zone_watermark_ok_free(z, 0, watermark, hz, ALLOC_CMA, free);
}

bool compaction_suitable(const struct zone *z, unsigned order,
			 unsigned long watermark, int highest_zoneidx)
{
	if (!__compaction_suitable(z, order, watermark, highest_zoneidx,
				   (long)z->nr_free_pages))
		return false;
	/* costly orders: only when the failure is due to fragmentation */
	if (order > SIM_COSTLY_ORDER) {
		int fragindex = zone_fragmentation_index(z, order);

		if (fragindex >= 0 && fragindex <= EXTFRAG_THRESHOLD)
			return false;
	}
	return true;
}

bool compaction_zonelist_suitable(struct sim *sim,
				  const struct alloc_context *ac,
				  unsigned order, unsigned alloc_flags)
{
	(void)alloc_flags;
	for (unsigned i = ac->preferred; i < ac->nr_zones; i++) {
		const struct zone *z = ac->zonelist[i];
		long available;

		if ((int)z->idx > ac->highest_zoneidx)
			continue;
		/* not all of the reclaimable memory: don't thrash for one request */
		available = (long)(reclaim_zone_reclaimable_pages(sim, z) / order) +
			    (long)z->nr_free_pages;
		if (__compaction_suitable(z, order, min_wmark_pages(z),
					  ac->highest_zoneidx, available))
			return true;
	}
	return false;
}

static enum compact_result compaction_suit_allocation_order(const struct zone *z,
		unsigned order, int hz, unsigned alloc_flags, bool async)
{
	unsigned long watermark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);

	if (zone_watermark_ok(z, order, watermark, hz, alloc_flags))
		return COMPACT_SUCCESS;
	if (order > SIM_COSTLY_ORDER && async && !(alloc_flags & ALLOC_CMA) &&
	    !zone_watermark_ok(z, 0, watermark + compact_gap(order), hz, 0))
		return COMPACT_SKIPPED;
	if (!compaction_suitable(z, order, watermark, hz))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

/* ---- The scanners ---- */

static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> cc->pb_order) <= (cc->migrate_pfn >> cc->pb_order);
}

/* suitable_migration_source() */
static bool compact_source_ok(const struct sim *sim,
			      const struct compact_control *cc, pfn_t pfn)
{
	int mt = (int)pageblock_migratetype(sim->pg, pfn);

	if (!cc->async || !cc->direct)
		return true;
	if (cc->migratetype == MIGRATE_MOVABLE)
		return mt == MIGRATE_MOVABLE;
	return mt == cc->migratetype;
}

/* suitable_migration_target(): not a large free block, a MOVABLE pageblock */
static bool compact_target_ok(const struct sim *sim,
			      const struct compact_control *cc, pfn_t block)
{
	const struct page *p = pg_page(sim->pg, page_block_head(sim, block));
	unsigned order = cc->order > 0 ? (unsigned)cc->order : cc->pb_order;

	if ((p->flags & PG_buddy) && p->order >= order)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return pageblock_migratetype(sim->pg, block) == MIGRATE_MOVABLE;
}

static bool compact_push_free(struct compact_control *cc, pfn_t pfn)
{
	if (cc->nr_free == cc->cap_free) {
		size_t cap = cc->cap_free ? 2 * cc->cap_free : (size_t)1 << cc->pb_order;
		pfn_t *n = sim_xrealloc(cc->freepages, cap * sizeof *n);

		if (!n)
			return false;
		cc->freepages = n;
		cc->cap_free = cap;
	}
	cc->freepages[cc->nr_free++] = pfn;
	return true;
}

/*
 * isolate_freepages(): walk pageblocks down from free_pfn until one gave
 * free pages or the scanners met.  Every free block of a suitable pageblock
 * is taken off the buddy lists and split into order-0 targets.
 */
static void compact_isolate_freepages(struct sim *sim, struct compact_control *cc)
{
	struct zone *z = cc->zone;

	while (!compact_scanners_met(cc) && cc->nr_free == 0) {
		pfn_t block = cc->free_pfn;
		pfn_t start = SIM_MAX(block, z->start_pfn);
		pfn_t end = SIM_MIN(block + ((pfn_t)1 << cc->pb_order), zone_end_pfn(z));
		bool stop = false;

		cc->free_pfn = block - ((pfn_t)1 << cc->pb_order);
		if (!compact_target_ok(sim, cc, start))
			continue;
		for (pfn_t pfn = start; pfn < end && !stop;) {
			pfn_t head = page_block_head(sim, pfn);
			const struct page *p = pg_page(sim->pg, head);
			unsigned order = p->order;
			pfn_t next = head + ((pfn_t)1 << order);

			cc->free_scanned += next - pfn;
			cc->cost += COST_COMPACT_SCAN;
			if (head != pfn) {	/* the tail of a block begun below */
				pfn = next;
				continue;
			}
			if (p->flags & PG_buddy) {
				if (!pgalloc_isolate_free_page(sim, z, pfn, order)) {
					stop = true;	/* at the min watermark */
					break;
				}
				cc->isolated += 1ul << order;
				pgalloc_split_block(sim, pfn, order);
				/* highest first in the array: lowest pops first */
				for (pfn_t q = pfn + (1ul << order); q-- > pfn;)
					if (!compact_push_free(cc, q))
						return;
			}
			pfn = next;
		}
		if (stop)
			break;
	}
}

/* compaction_alloc(): the lowest isolated free page, or SIM_PFN_NONE */
static pfn_t compaction_alloc(struct sim *sim, struct compact_control *cc)
{
	if (!cc->nr_free)
		compact_isolate_freepages(sim, cc);
	if (!cc->nr_free)
		return SIM_PFN_NONE;
	return cc->freepages[--cc->nr_free];
}

/* give every still-isolated free page back (release_free_list) */
static void compact_release_free(struct sim *sim, struct compact_control *cc)
{
	while (cc->nr_free)
		pgalloc_free(sim, cc->freepages[--cc->nr_free], 0);
	pgalloc_drain_all_pages(sim, cc->zone);
}

/*
 * One pageblock of the migrate scanner: isolate its movable pages and
 * migrate each into a free page from the other end.  Return: pages migrated.
 */
static unsigned long compact_one_block(struct sim *sim, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	pfn_t block = cc->migrate_pfn;
	pfn_t start = SIM_MAX(block, z->start_pfn);
	pfn_t end = SIM_MIN(pageblock_start(cc, block) + ((pfn_t)1 << cc->pb_order),
			    zone_end_pfn(z));
	pfn_t src[1u << SIM_MAX_ORDER];	/* a pageblock at most */
	unsigned nr = 0;
	unsigned long migrated = 0;

	cc->migrate_pfn = pageblock_start(cc, block) + ((pfn_t)1 << cc->pb_order);
	if (!compact_source_ok(sim, cc, start))
		return 0;
	for (pfn_t pfn = start; pfn < end;) {
		pfn_t head = page_block_head(sim, pfn);
		const struct page *p = pg_page(sim->pg, head);
		pfn_t next = head + ((pfn_t)1 << p->order);

		cc->migrate_scanned += next - pfn;
		cc->cost += COST_COMPACT_SCAN;
		/* async migration cannot move dirty file pages (writeback) */
		if (head == pfn && reclaim_page_is_lru(sim, pfn) &&
		    !(cc->async && (p->list & PGL_DIRTY)))
			src[nr++] = pfn;
		pfn = next;
	}
	cc->isolated += nr;
	for (unsigned i = 0; i < nr; i++) {
		pfn_t dst = compaction_alloc(sim, cc);

		if (dst == SIM_PFN_NONE)
			break;		/* no target left: the rest stays */
		if (dst < src[i]) {	/* the free scanner passed us: give it back */
			pgalloc_free(sim, dst, 0);
			break;
		}
		reclaim_lru_replace(sim, src[i], dst);
		pgalloc_free(sim, src[i], 0);
		sim->stats.pgmigrate_success++;
		cc->cost += COST_COMPACT_PAGE;
		migrated++;
	}
	if (migrated)	/* let the freed pages merge before the next check */
		pgalloc_drain_all_pages(sim, z);
	cc->migrated += migrated;
	return migrated;
}

/* find_suitable_fallback(claimable) >= 0 at @order for @mt */
static bool compact_claimable(const struct sim *sim, const struct free_area *area,
			      unsigned order, int mt)
{
	if (!area->nr_free || mt >= MIGRATE_PCPTYPES)
		return false;
	/* should_try_claim_block(): small movable requests only steal */
	if (order < pageblock_order(sim->pg) / 2 && mt == MIGRATE_MOVABLE &&
	    !sim->pg->mobility_disabled)
		return false;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++)
		if (area->list[compact_fallbacks[mt][i]].head != PAGE_NIL)
			return true;
	return false;
}

/* __compact_finished(), at a pageblock boundary */
static enum compact_result compact_finished(struct sim *sim,
					    struct compact_control *cc)
{
	struct compact_zone_state *c = czs(sim, cc->zone);

	if (compact_scanners_met(cc)) {
		/* the next run starts anew */
		c->cached_migrate_pfn = cc->zone->start_pfn;
		c->cached_free_pfn = pageblock_start(cc, zone_end_pfn(cc->zone) - 1);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->order < 0)	/* compact_memory: the whole zone */
		return COMPACT_CONTINUE;
	for (unsigned o = (unsigned)cc->order; o < SIM_NR_ORDERS; o++) {
		const struct free_area *area = &cc->zone->free_area[o];

		if (area->list[cc->migratetype].head != PAGE_NIL)
			return COMPACT_SUCCESS;
		if (compact_claimable(sim, area, o, cc->migratetype))
			return COMPACT_SUCCESS;
	}
	return COMPACT_CONTINUE;
}

/* compact_zone() */
static enum compact_result compact_zone(struct sim *sim, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	struct compact_zone_state *c = czs(sim, z);
	pfn_t zstart = z->start_pfn, zlast = pageblock_start(cc, zone_end_pfn(z) - 1);
	enum compact_result ret;
	unsigned long pages_before = sim->stats.pgmigrate_success;

	if (cc->order >= 0) {
		ret = compaction_suit_allocation_order(z, (unsigned)cc->order,
						       cc->highest_zoneidx,
						       cc->alloc_flags, cc->async);
		if (ret != COMPACT_CONTINUE)
			return ret;
	}
	if (cc->whole_zone) {
		cc->migrate_pfn = zstart;
		cc->free_pfn = zlast;
	} else {
		cc->migrate_pfn = c->cached_migrate_pfn;
		cc->free_pfn = c->cached_free_pfn;
		if (cc->free_pfn < zstart || cc->free_pfn > zlast)
			cc->free_pfn = zlast;
		if (cc->migrate_pfn < zstart || cc->migrate_pfn >= zone_end_pfn(z))
			cc->migrate_pfn = zstart;
		if (cc->migrate_pfn <= zstart)
			cc->whole_zone = true;
	}
	while ((ret = compact_finished(sim, cc)) == COMPACT_CONTINUE) {
		compact_one_block(sim, cc);
		if (cc->direct) {
			sim_count_work(sim, cc->cost);
			reclaim_sleep(sim, cc->cost);
			cc->cost = 0;
		}
	}
	compact_release_free(sim, cc);
	if (ret != COMPACT_COMPLETE && ret != COMPACT_PARTIAL_SKIPPED) {
		c->cached_migrate_pfn = cc->migrate_pfn;
		if (cc->free_pfn + ((pfn_t)1 << cc->pb_order) > c->cached_free_pfn ||
		    c->cached_free_pfn < zstart)
			c->cached_free_pfn = cc->free_pfn + ((pfn_t)1 << cc->pb_order);
	}
	sim->stats.compact_migrate_scanned += cc->migrate_scanned;
	sim->stats.compact_free_scanned += cc->free_scanned;
	sim->stats.compact_isolated += cc->isolated;
	SIM_NOTE(sim, "compaction of zone %s (order %d, %s): %lu pages migrated, %lu pfns scanned: %s",
		 z->name, cc->order, cc->async ? "async" : "sync",
		 (unsigned long)(sim->stats.pgmigrate_success - pages_before),
		 cc->migrate_scanned + cc->free_scanned, compaction_result_name(ret));
	free(cc->freepages);
	cc->freepages = NULL;
	cc->nr_free = cc->cap_free = 0;
	return ret;
}

/* ---- Direct compaction ---- */

enum compact_result compaction_try_to_compact_pages(struct sim *sim, gfp_t gfp,
		unsigned order, unsigned alloc_flags,
		const struct alloc_context *ac, enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;

	if (!gfp_compaction_allowed(gfp)) {
		SIM_NOTE(sim, "direct compaction: not allowed without __GFP_IO");
		return COMPACT_SKIPPED;
	}
	for (unsigned i = ac->preferred; i < ac->nr_zones; i++) {
		struct zone *z = ac->zonelist[i];
		struct compact_control cc = {
			.zone = z,
			.order = (int)order,
			.pb_order = pageblock_order(sim->pg),
			.migratetype = ac->migratetype,
			.alloc_flags = alloc_flags,
			.highest_zoneidx = ac->highest_zoneidx,
			.async = prio == COMPACT_PRIO_ASYNC,
			.direct = true,
			.whole_zone = prio == MIN_COMPACT_PRIORITY,
			.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
		};
		enum compact_result status;

		if ((int)z->idx > ac->highest_zoneidx || !zone_populated(z))
			continue;
		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(sim, z, order)) {
			SIM_NOTE(sim, "compaction of zone %s deferred (failed recently at order >= %d)",
				 z->name, czs(sim, z)->order_failed);
			rc = SIM_MAX(rc, COMPACT_DEFERRED);
			continue;
		}
		status = compact_zone(sim, &cc);
		SIM_EVENT(sim, COMPACT, z->id, order, status, prio);
		rc = SIM_MAX(status, rc);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(sim, z, order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(sim, z, order);
	}
	return rc;
}

/* ---- kcompactd ---- */

static bool kcompactd_node_suitable(const struct sim *sim, unsigned nid,
				    unsigned order, int hz)
{
	const struct pglist_data *pgdat = &sim->pg->nodes[nid];

	for (int zi = 0; zi <= hz && zi < SIM_NR_ZONES; zi++) {
		const struct zone *z = &pgdat->zones[zi];

		if (zone_populated(z) &&
		    compaction_suit_allocation_order(z, order, hz, ALLOC_WMARK_MIN,
						     false) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

void compaction_wakeup_kcompactd(struct sim *sim, unsigned nid, unsigned order,
				 int highest_zoneidx)
{
	struct kswapd_node *ks = &sim->reclaim->nodes[nid].kswapd;

	if (!order)
		return;
	if (ks->kcompactd_max_order < order)
		ks->kcompactd_max_order = order;
	if (!ks->kcompactd_wake || ks->kcompactd_highest_zoneidx > highest_zoneidx)
		ks->kcompactd_highest_zoneidx = highest_zoneidx;
	if (ks->kcompactd_wake)
		return;
	if (!kcompactd_node_suitable(sim, nid, ks->kcompactd_max_order,
				     ks->kcompactd_highest_zoneidx))
		return;
	ks->kcompactd_wake = true;
	SIM_NOTE(sim, "wakeup_kcompactd: node %u, order %u", nid, order);
}

void compaction_kcompactd_work(struct sim *sim, unsigned nid)
{
	struct kswapd_node *ks = &sim->reclaim->nodes[nid].kswapd;
	struct pglist_data *pgdat = &sim->pg->nodes[nid];
	unsigned order = ks->kcompactd_max_order;
	int hz = ks->kcompactd_highest_zoneidx;

	if (!ks->kcompactd_wake)
		return;
	ks->kcompactd_wake = false;
	ks->kcompactd_max_order = 0;
	sim->stats.compact_daemon_wake++;
	for (int zi = 0; zi <= hz && zi < SIM_NR_ZONES; zi++) {
		struct zone *z = &pgdat->zones[zi];
		struct compact_control cc = {
			.zone = z,
			.order = (int)order,
			.pb_order = pageblock_order(sim->pg),
			/* kcompactd's gfp_mask is GFP_KERNEL: UNMOVABLE */
			.migratetype = MIGRATE_UNMOVABLE,
			.alloc_flags = ALLOC_WMARK_MIN,
			.highest_zoneidx = zi,
		};
		enum compact_result status;

		if (!zone_populated(z) || compaction_deferred(sim, z, order))
			continue;
		if (compaction_suit_allocation_order(z, order, zi, cc.alloc_flags,
						     false) != COMPACT_CONTINUE)
			continue;
		status = compact_zone(sim, &cc);
		sim->stats.compact_daemon_migrate_scanned += cc.migrate_scanned;
		sim->stats.compact_daemon_free_scanned += cc.free_scanned;
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(sim, z, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED ||
			   status == COMPACT_COMPLETE) {
			pgalloc_drain_all_pages(sim, z);
			defer_compaction(sim, z, order);
		}
	}
}

/* ---- compact_memory ---- */

void sim_compact_memory(struct sim *sim)
{
	struct pgalloc_state *pg = sim->pg;
	sim_time_t cost = 0;

	if (sim->panicked)	/* a halted kernel compacts nothing */
		return;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = &pg->nodes[nid].zones[zi];
			struct compact_control cc = {
				.zone = z,
				.order = -1,
				.pb_order = pageblock_order(sim->pg),
				.migratetype = MIGRATE_MOVABLE,
				.alloc_flags = ALLOC_WMARK_MIN,
				.highest_zoneidx = zi,
				.whole_zone = true,
			};

			if (!zone_populated(z))
				continue;
			compact_zone(sim, &cc);
			cost += cc.cost;
		}
	}
	/* the writer of the sysctl does the work */
	sim_count_work(sim, cost);
	sim_advance(sim, cost);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page_alloc.c - alloc_pages/free_pages: the page allocator's fast and slow paths
 *
 * Stands in for mm/page_alloc.c above zone->lock: __alloc_frozen_pages(),
 * prepare_alloc_pages(), __alloc_pages_slowpath() with its helpers
 * (gfp_to_alloc_flags via gfp.c, __alloc_pages_direct_reclaim,
 * __alloc_pages_direct_compact, should_reclaim_retry,
 * should_compact_retry, __alloc_pages_may_oom, warn_alloc),
 * get_page_from_freelist(), rmqueue() with the per-CPU page lists
 * (rmqueue_pcplist, nr_pcp_alloc, rmqueue_bulk), __free_frozen_pages()
 * with free_frozen_page_commit(), nr_pcp_high(), nr_pcp_free(),
 * free_pcppages_bulk(), decay_pcp_high() and drain_all_pages(); plus the
 * boot of the physical memory layer (memmap_init, memblock_free_all).
 *
 * Fast path (kernel-model §1.9).  alloc_flags = ALLOC_WMARK_LOW plus
 * ALLOC_KSWAPD and ALLOC_NOFRAGMENT from alloc_flags_nofragment().  The
 * zonelist of the running CPU's node is walked from the preferred zone
 * (the first whose index is <= gfp_zone()) downwards.  For each zone: if
 * ZONE_BELOW_HIGH is clear and the zone passes its HIGH watermark, take
 * from it; otherwise mark it BELOW_HIGH (which makes pcp->high shrink) and
 * check the LOW watermark.  A zone that passes goes to rmqueue(): the pcp
 * list for orders 0..3, refilled from the buddy lists in batches, else the
 * buddy lists under the zone lock.  When every zone refuses and
 * ALLOC_NOFRAGMENT was set, the walk is repeated without it (allowing
 * pageblock stealing).  If that fails too, the request goes to the slow
 * path, or fails with SIM_ENOMEM when the slow path is switched off
 * (sim_set_slowpath; see reclaim.h for the default).
 *
 * Slow path (kernel-model §3.4; its own comment below has the steps).  It
 * reuses pgalloc_get_page_from_freelist() with the alloc flags of each
 * step, wakes kswapd, calls reclaim.c and compaction.c (the layers below
 * the page allocator's policy, which call back only pgalloc_alloc/free and
 * the compaction helpers here) and oom.c, and records in
 * sim_last_alloc() which reserve a success used and how long it slept.
 * Every decision is narrated (SIM_NOTE) for --explain, with the numbers
 * that were compared.
 *
 * Per-CPU lists (kernel-model §1.7).  Each CPU has, per zone, one list per
 * (order <= 3, PCP migratetype) and two for the PMD order with THP.  Frees
 * push at the head; allocations pop the head (LIFO, cache-hot); refills
 * append at the tail; drains take tails, round-robin over the lists,
 * starting at the list just used.  pcp->high floats between high_min (from
 * the low watermark) and high_max (managed/8 split over the node's CPUs):
 * it grows while a CPU allocates from a zone above its high watermark and
 * shrinks while the zone is below it; every second (the vmstat work) it
 * decays by 1/8 towards high_min and the excess is drained.  Pages on pcp
 * lists are not free in NR_FREE_PAGES, as in the kernel.  With cfg.pcp off,
 * requests and frees go straight to the buddy lists.
 *
 * Ordering and ownership: this file owns the pcp lists and calls buddy.c
 * for everything below them; upper layers call only pgalloc_alloc/free
 * (and the slow path the functions of page_alloc.h).  Every step charges
 * its modelled cost (cost.h) to the virtual clock.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddy.h"
#include "compaction.h"
#include "cost.h"
#include "oom.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "state.h"

/* ---- Counters ---- */

static void pgalloc_count_alloc(struct sim *sim, const struct zone *z,
				unsigned order)
{
	uint64_t n = UINT64_C(1) << order;

	switch (z->idx) {
	case ZONE_DMA:     sim->stats.pgalloc_dma += n; break;
	case ZONE_DMA32:   sim->stats.pgalloc_dma32 += n; break;
	case ZONE_NORMAL:  sim->stats.pgalloc_normal += n; break;
	case ZONE_MOVABLE: sim->stats.pgalloc_movable += n; break;
	default:           sim->stats.pgalloc_device += n; break;
	}
}

/* zone_statistics(): NUMA hit/miss/foreign/local/other, per allocation */
static void pgalloc_zone_statistics(struct sim *sim, struct zone *preferred,
				    struct zone *z)
{
	unsigned local = sim->pg->cpu_node[sim->cur_cpu];

	if (z->node == preferred->node) {
		z->numa_hit++;
	} else {
		z->numa_miss++;
		preferred->numa_foreign++;
	}
	if (z->node == local)
		z->numa_local++;
	else
		z->numa_other++;
}

/* the cheap part of the invariants, after every operation (debug builds) */
static bool pgalloc_zone_counters_ok(const struct zone *z)
{
	unsigned long sum = 0;

	for (int u = 0; u < PAGE_USE_NR; u++)
		sum += z->nr_use[u];
	return sum == z->managed && z->nr_use[PAGE_USE_FREE] == z->nr_free_pages;
}

/* ---- Per-CPU lists ---- */

static void pcp_list_add(struct pgalloc_state *pg, struct zone *z,
			 struct per_cpu_pages *pcp, unsigned cpu,
			 unsigned pindex, pfn_t pfn, unsigned order, bool tail)
{
	struct page *p = pg_page(pg, pfn);

	p->flags = PG_pcp;
	p->order = (uint8_t)order;
	p->use = PAGE_USE_PCP;
	p->owner = cpu;
	p->list = (uint8_t)pindex;
	free_list_add(pg, &pcp->lists[pindex], pfn, tail);
	z->nr_use[PAGE_USE_PCP] += 1ul << order;
}

static void pcp_list_del(struct pgalloc_state *pg, struct zone *z,
			 struct per_cpu_pages *pcp, pfn_t pfn)
{
	struct page *p = pg_page(pg, pfn);

	free_list_del(pg, &pcp->lists[p->list], pfn);
	z->nr_use[PAGE_USE_PCP] -= 1ul << p->order;
	p->flags = 0;
}

static int pcp_drain_migratetype(const struct pgalloc_state *pg, pfn_t pfn,
				 unsigned pindex)
{
	int block_mt = (int)pageblock_migratetype(pg, pfn);

	if (!pg->pcp_fixed_high || block_mt == MIGRATE_HIGHATOMIC ||
	    pindex >= NR_LOWORDER_PCP_LISTS)
		return block_mt;
	return (int)(pindex % MIGRATE_PCPTYPES);
}

/* free_pcppages_bulk(): @count pages from the list tails back to buddy,
 * round-robin over the lists starting with @pindex */
static void pcp_free_bulk(struct sim *sim, struct zone *z, int count,
			  struct per_cpu_pages *pcp, unsigned cpu, unsigned pindex)
{
	struct pgalloc_state *pg = sim->pg;
	int nr_lists = (int)pg->nr_pcp_lists;
	int i = (int)pindex - 1;
	int freed = 0;

	count = SIM_MIN(pcp->count, count);
	if (count <= 0)
		return;
	sim_charge(sim, COST_BUDDY_FREE);	/* the zone lock */
	while (count > 0) {
		struct free_list *l;
		unsigned order;

		do {
			if (++i > nr_lists - 1)
				i = 0;
			l = &pcp->lists[i];
		} while (l->head == PAGE_NIL);
		order = pcp_pindex_to_order((unsigned)i);
		do {
			pfn_t pfn = l->tail;
			int nr = 1 << order;

			pcp_list_del(pg, z, pcp, pfn);
			count -= nr;
			pcp->count -= nr;
			freed += nr;
			/*
			 * 6.18: the pageblock's type now.  6.1: the type the
			 * page had when it went on the list (get_pcppage_
			 * migratetype), which is the list's, or HIGHATOMIC
			 * for a reserve page freed onto the MOVABLE list
			 */
			buddy_free_one_page(sim, z, pfn, order,
					    pcp_drain_migratetype(pg, pfn, (unsigned)i),
					    FPI_NONE);
			sim_charge(sim, COST_PCP_BATCH_PAGE);
		} while (count > 0 && l->head != PAGE_NIL);
	}
	sim->stats.pcp_drain++;
	SIM_EVENT(sim, PCP_DRAIN, cpu, (uint64_t)freed, z->id, 0);
}

/*
 * nr_pcp_alloc(): how many blocks a refill takes.
 * 6.1 (__rmqueue_pcplist): pcp->batch, scaled down by the order.
 * 6.18 (nr_pcp_alloc): scaled up by alloc_factor for order 0 and bounded
 * by the room under pcp->high, which it grows.
 */
static int pcp_nr_alloc(const struct pgalloc_state *pg, struct per_cpu_pages *pcp,
			const struct zone *z, unsigned order)
{
	int base = pcp->batch, batch, high;

	if (pg->pcp_fixed_high) {	/* 6.1 */
		batch = base;
		if (batch > 1)
			batch = SIM_MAX(batch >> order, 2);
		return batch;
	}

	high = pcp->high = SIM_CLAMP(pcp->high, pcp->high_min, pcp->high_max);
	if (high < base)	/* pcp disabled or boot pageset */
		return 1;
	batch = order ? base : base << pcp->alloc_factor;
	/* a larger pcp->high would have saved a trip to the zone */
	if (pcp->high_min != pcp->high_max && !(z->flags & ZONE_BELOW_HIGH))
		high = pcp->high = SIM_MIN(high + batch, pcp->high_max);
	if (!order) {
		int max_nr = SIM_MAX(high - pcp->count - base, base);

		/* consecutive order-0 refills without frees double the batch */
		if (batch <= max_nr && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = SIM_MIN(batch, max_nr);
	}
	if (batch > 1)
		batch = SIM_MAX(batch >> order, 2);
	return batch;
}

/* rmqueue_bulk(): @count blocks of @order from buddy to the list tail */
static int pcp_rmqueue_bulk(struct sim *sim, struct zone *z, unsigned order,
			    int count, struct per_cpu_pages *pcp, unsigned cpu,
			    unsigned pindex, int mt, unsigned alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	int i;

	sim_charge(sim, COST_BUDDY_ALLOC);	/* the zone lock */
	for (i = 0; i < count; i++) {
		pfn_t pfn = buddy_rmqueue(sim, z, order, mt, alloc_flags, &mode);

		if (pfn == SIM_PFN_NONE)
			break;
		pcp_list_add(sim->pg, z, pcp, cpu, pindex, pfn, order, true);
		sim_charge(sim, COST_PCP_BATCH_PAGE);
	}
	sim->stats.pcp_refill++;
	SIM_EVENT(sim, PCP_REFILL, cpu, order, (uint64_t)i << order, z->id);
	return i;
}

/* rmqueue_pcplist() + __rmqueue_pcplist() */
static pfn_t pcp_rmqueue(struct sim *sim, struct zone *preferred, struct zone *z,
			 unsigned order, int mt, unsigned alloc_flags)
{
	struct pgalloc_state *pg = sim->pg;
	unsigned cpu = sim->cur_cpu;
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	unsigned pindex = pcp_order_to_pindex(mt, order);
	struct free_list *l = &pcp->lists[pindex];
	pfn_t pfn;

	/* an allocation: the "consecutive frees" run is broken */
	pcp->free_count >>= 1;
	pcp->free_factor >>= 1;		/* 6.1's name for it */
	if (l->head == PAGE_NIL) {
		int batch = pcp_nr_alloc(pg, pcp, z, order);
		int got;

		/* narrate the batch as one step, not each page's split */
		sim->note_mute++;
		got = pcp_rmqueue_bulk(sim, z, order, batch, pcp, cpu, pindex,
				       mt, alloc_flags);
		sim->note_mute--;
		SIM_NOTE(sim, "CPU %u's per-CPU list of order-%u pages is empty: %d pages come from zone %s's buddy lists in one batch",
			 cpu, order, got << order, z->name);
		pcp->count += got << order;
		if (l->head == PAGE_NIL)
			return SIM_PFN_NONE;
	}
	pfn = l->head;
	pcp_list_del(pg, z, pcp, pfn);
	pcp->count -= 1 << order;
	sim_charge(sim, COST_PCP_ALLOC);
	pgalloc_count_alloc(sim, z, order);
	pgalloc_zone_statistics(sim, preferred, z);
	return pfn;
}

/*
 * nr_pcp_high(): the level above which a free drains.
 * 6.1: pcp->high, 0 for a free_high run, 4 batches while reclaim runs.
 * 6.18: also moves pcp->high within [high_min, high_max].
 */
static int pcp_nr_high(const struct pgalloc_state *pg, struct per_cpu_pages *pcp,
		       const struct zone *z, int batch, bool free_high)
{
	int high_min = pcp->high_min, high_max = pcp->high_max;
	int high = pcp->high = SIM_CLAMP(pcp->high, high_min, high_max);

	if (pg->pcp_fixed_high) {	/* 6.1 */
		if (!high || free_high)
			return 0;
		if (z->flags & ZONE_RECLAIM_ACTIVE)
			return SIM_MIN(batch << 2, high);
		return high;
	}
	if (!high)
		return 0;
	if (free_high) {
		pcp->high = SIM_MAX(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	/* reclaim running: keep pcp lists small */
	if (z->flags & ZONE_RECLAIM_ACTIVE) {
		int free_count = SIM_MAX(pcp->free_count, batch);

		pcp->high = SIM_MAX(high - free_count, high_min);
		return SIM_MIN(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (z->flags & ZONE_BELOW_HIGH) {
		int free_count = SIM_MAX(pcp->free_count, batch);

		pcp->high = SIM_MAX(high - free_count, high_min);
		high = SIM_MAX(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		/* room for a batch of frees */
		if (pcp->high < need_high)
			pcp->high = SIM_CLAMP(need_high, high_min, high_max);
	}
	return high;
}

/*
 * nr_pcp_free(): how many pages a drain after a free returns.
 * 6.1: everything for a free_high run; else a batch doubled per drain
 * since the last allocation (free_factor), in [batch, high - batch].
 * 6.18: at most 32 batches for free_high; else the pages freed since the
 * last allocation (free_count), in [batch, high - batch].
 */
static int pcp_nr_free(const struct pgalloc_state *pg, struct per_cpu_pages *pcp,
		       int batch, int high, bool free_high)
{
	int min_nr, max_nr;

	if (pg->pcp_fixed_high) {	/* 6.1 */
		if (free_high)
			return pcp->count;
		if (high < batch)
			return 1;
		min_nr = batch;
		max_nr = high - batch;
		batch <<= pcp->free_factor;
		if (batch < max_nr && pcp->free_factor < PCP_BATCH_SCALE_MAX)
			pcp->free_factor++;
		return SIM_CLAMP(batch, min_nr, max_nr);
	}

	if (free_high)
		return SIM_MIN(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (high < batch)	/* pcp disabled or boot pageset */
		return 1;
	/* keep at least a batch; scale with the run of frees */
	min_nr = batch;
	max_nr = SIM_MAX(high - batch, min_nr);
	return SIM_CLAMP(pcp->free_count, min_nr, max_nr);
}

/* free_frozen_page_commit(): push a freed block on this CPU's list */
static void pcp_free_commit(struct sim *sim, struct zone *z, pfn_t pfn,
			    int mt, unsigned order)
{
	struct pgalloc_state *pg = sim->pg;
	unsigned cpu = sim->cur_cpu;
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	unsigned pindex = pcp_order_to_pindex(mt, order);
	bool free_high = false;
	int batch, high;

	pcp->alloc_factor >>= 1;
	sim->stats.pgfree += UINT64_C(1) << order;
	pcp_list_add(pg, z, pcp, cpu, pindex, pfn, order, false);
	pcp->count += 1 << order;
	sim_charge(sim, COST_PCP_FREE);
	batch = pcp->batch;
	if (pg->pcp_fixed_high) {
		/*
		 * 6.1 free_unref_page_commit(): a mid-order free right after
		 * a drain (no allocation since) drains the whole list
		 */
		free_high = pcp->free_factor && order && order <= SIM_COSTLY_ORDER;
		high = pcp_nr_high(pg, pcp, z, batch, free_high);
		if (pcp->count >= high)
			pcp_free_bulk(sim, z, pcp_nr_free(pg, pcp, batch, high, free_high),
				      pcp, cpu, pindex);
		return;
	}
	/* 6.18: mid-order pages freed in a run fragment memory: drain them hard */
	if (order && order <= SIM_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch + pcp->high_min / 2 &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) ||
			     pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= (uint8_t)~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = pcp_nr_high(pg, pcp, z, batch, free_high);
	if (pcp->count >= high) {
		pcp_free_bulk(sim, z, pcp_nr_free(pg, pcp, batch, high, free_high),
			      pcp, cpu, pindex);
		if ((z->flags & ZONE_BELOW_HIGH) &&
		    zone_watermark_ok(z, 0, high_wmark_pages(z), ZONE_MOVABLE, 0))
			z->flags &= ~ZONE_BELOW_HIGH;
	}
}

/* drain_pages_zone(): all of one CPU's pages of one zone, in big chunks */
static void pcp_drain_zone(struct sim *sim, struct zone *z, unsigned cpu)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];

	while (pcp->count) {
		int n = SIM_MIN(pcp->count, pcp->batch << PCP_BATCH_SCALE_MAX);

		pcp_free_bulk(sim, z, n, pcp, cpu, 0);
	}
}

void pgalloc_drain_all_pages(struct sim *sim, struct zone *only)
{
	struct pgalloc_state *pg = sim->pg;

	for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
		for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
			for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
				struct zone *z = &pg->nodes[nid].zones[zi];

				if (z->pcp && (!only || only == z))
					pcp_drain_zone(sim, z, cpu);
			}
		}
	}
}

/* the high decay_pcp_high() leaves: 1/8 less, down to high_min (6.1:
 * high_min == high, so it never moves) */
static int pcp_decayed_high(const struct per_cpu_pages *pcp)
{
	if (pcp->high <= pcp->high_min)
		return pcp->high;
	return SIM_MAX(SIM_MAX(pcp->count - (pcp->batch << PCP_BATCH_SCALE_MAX),
			       pcp->high - (pcp->high >> 3)),
		       pcp->high_min);
}

/*
 * decay_pcp_high() (6.7 and later): shrink an idle CPU's high by 1/8 and
 * drain the excess.  6.1 has no such decay (refresh_cpu_vm_stats() drains
 * only remote nodes' pagesets, which kmemsim does not model).
 */
static void pcp_decay_high(struct sim *sim, struct zone *z, unsigned cpu)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	int batch = pcp->batch, to_drain;

	if (sim->pg->pcp_fixed_high)
		return;
	pcp->high = pcp_decayed_high(pcp);
	to_drain = pcp->count - pcp->high;
	while (to_drain > 0) {
		int n = SIM_MIN(to_drain, batch);

		pcp_free_bulk(sim, z, n, pcp, cpu, 0);
		to_drain -= n;
	}
}

/* vmstat_update on every CPU, every second: refresh_cpu_vm_stats(true) */
static void pgalloc_vmstat_work(struct sim *sim, void *arg)
{
	struct pgalloc_state *pg = sim->pg;

	(void)arg;
	for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++)
		for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
			for (int zi = 0; zi < SIM_NR_ZONES; zi++)
				if (pg->nodes[nid].zones[zi].pcp)
					pcp_decay_high(sim, &pg->nodes[nid].zones[zi], cpu);
}

/*
 * sim_timer_add_quiet()'s question for vmstat_update: an expiry does
 * nothing once every list's high has stopped decaying (at high_min, or
 * where 1/8 rounds to nothing) and no list holds more than its high.  The
 * decay converges in a few dozen seconds, so a long idle stretch is
 * crossed at once.
 */
static sim_time_t pgalloc_vmstat_quiet(struct sim *sim, void *arg)
{
	const struct pgalloc_state *pg = sim->pg;

	(void)arg;
	if (pg->pcp_fixed_high)		/* 6.1: nothing decays */
		return SIM_TIME_NEVER;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];

			if (!z->pcp)
				continue;
			for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
				const struct per_cpu_pages *pcp = &z->pcp[cpu];
				int high = pcp_decayed_high(pcp);

				if (high != pcp->high || pcp->count > high)
					return 0;
			}
		}
	}
	return SIM_TIME_NEVER;
}

/* ---- Allocation ---- */

/* prep_new_page(): the block is the caller's now */
static void pgalloc_prep_new_page(struct pgalloc_state *pg, struct zone *z,
				  pfn_t pfn, unsigned order)
{
	struct page *p = pg_page(pg, pfn);

	p->flags = PG_head;
	p->order = (uint8_t)order;
	p->use = PAGE_USE_KERNEL;
	p->owner = 0;
	p->list = 0;
	p->next = p->prev = PAGE_NIL;
	z->nr_use[PAGE_USE_KERNEL] += 1ul << order;
}

/* rmqueue_buddy(): straight from the buddy lists under the zone lock */
static pfn_t pgalloc_rmqueue_buddy(struct sim *sim, struct zone *preferred,
				   struct zone *z, unsigned order,
				   unsigned alloc_flags, int mt)
{
	pfn_t pfn = SIM_PFN_NONE;

	sim_charge(sim, COST_BUDDY_ALLOC);
	if (alloc_flags & ALLOC_HIGHATOMIC) {
		pfn = buddy_rmqueue_smallest(sim, z, order, MIGRATE_HIGHATOMIC);
		if (pfn != SIM_PFN_NONE)
			sim->stats.reserve_highatomic_used++;
	}
	if (pfn == SIM_PFN_NONE) {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;

		pfn = buddy_rmqueue(sim, z, order, mt, alloc_flags, &mode);
		/* failing now is worse than failing a future high-order
		 * atomic: OOM victims and order-0 atomics may take the reserve */
		if (pfn == SIM_PFN_NONE &&
		    (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK))) {
			pfn = buddy_rmqueue_smallest(sim, z, order, MIGRATE_HIGHATOMIC);
			if (pfn != SIM_PFN_NONE)
				sim->stats.reserve_highatomic_used++;
		}
		if (pfn == SIM_PFN_NONE)
			return SIM_PFN_NONE;
	}
	pgalloc_count_alloc(sim, z, order);
	pgalloc_zone_statistics(sim, preferred, z);
	return pfn;
}

static pfn_t pgalloc_rmqueue(struct sim *sim, struct zone *preferred,
			     struct zone *z, unsigned order,
			     unsigned alloc_flags, int mt)
{
	struct pgalloc_state *pg = sim->pg;
	pfn_t pfn = SIM_PFN_NONE;

	if (pg->pcp_enabled && pgalloc_pcp_allowed_order(pg, order))
		pfn = pcp_rmqueue(sim, preferred, z, order, mt, alloc_flags);
	if (pfn == SIM_PFN_NONE)
		pfn = pgalloc_rmqueue_buddy(sim, preferred, z, order, alloc_flags, mt);
	/* a fallback boosted the watermarks: kswapd should restore them */
	if ((alloc_flags & ALLOC_KSWAPD) && (z->flags & ZONE_BOOSTED_WATERMARK)) {
		z->flags &= ~ZONE_BOOSTED_WATERMARK;
		pgalloc_wakeup_kswapd(sim, z, 0, (int)z->idx);
	}
	return pfn;
}

void pgalloc_wakeup_kswapd(struct sim *sim, struct zone *z, unsigned order,
			   int highest_zoneidx)
{
	struct pglist_data *pgdat = &sim->pg->nodes[z->node];

	/* kswapd balances for the largest request since its last run */
	if (pgdat->kswapd_order < order)
		pgdat->kswapd_order = order;
	if (pgdat->kswapd_highest_zoneidx < highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = highest_zoneidx;
	pgdat->kswapd_wake = true;
	sim->stats.kswapd_wakeups++;
	sim_charge(sim, COST_KSWAPD_WAKE);
	SIM_EVENT(sim, KSWAPD_WAKE, z->node, order, (uint64_t)highest_zoneidx, 0);
}

unsigned pgalloc_alloc_flags_nofragment(const struct sim *sim,
					const struct zone *preferred, gfp_t gfp)
{
	const struct pgalloc_state *pg = sim->pg;
	unsigned flags = gfp & __GFP_KSWAPD_RECLAIM;	/* == ALLOC_KSWAPD */

	if (!preferred || preferred->idx != ZONE_NORMAL)
		return flags;
	/* DMA32 exists: keep mixed pageblocks out of Normal while it can */
	if (pg->nr_nodes > 1 &&
	    !zone_populated(&pg->nodes[preferred->node].zones[ZONE_DMA32]))
		return flags;
	return flags | ALLOC_NOFRAGMENT;
}

int pgalloc_prepare_alloc(struct sim *sim, gfp_t gfp, struct alloc_context *ac)
{
	struct pgalloc_state *pg = sim->pg;
	struct pglist_data *pgdat;
	int hz = gfp_zone(gfp), mt = gfp_migratetype(gfp);

	memset(ac, 0, sizeof *ac);
	if (hz < 0) {
		char buf[GFP_FORMAT_MAX];

		gfp_format(gfp, buf, sizeof buf);
		return sim_set_reason(sim, SIM_EINVAL,
				      "invalid zone modifier combination in %s", buf);
	}
	if (mt < 0)
		return sim_set_reason(sim, SIM_EINVAL,
				      "__GFP_MOVABLE and __GFP_RECLAIMABLE together");
	ac->highest_zoneidx = hz;
	ac->migratetype = pg->mobility_disabled ? MIGRATE_UNMOVABLE : mt;
	ac->nid = pg->cpu_node[sim->cur_cpu];
	pgdat = &pg->nodes[ac->nid];
	if (gfp & __GFP_THISNODE) {
		ac->zonelist = pgdat->zonelist_nofallback;
		ac->nr_zones = pgdat->nr_zonelist_nofallback;
	} else {
		ac->zonelist = pgdat->zonelist;
		ac->nr_zones = pgdat->nr_zonelist;
	}
	for (ac->preferred = 0; ac->preferred < ac->nr_zones; ac->preferred++)
		if ((int)ac->zonelist[ac->preferred]->idx <= hz)
			break;
	return SIM_OK;
}

/* the watermark after __zone_watermark_ok()'s reserve discounts */
static unsigned long pgalloc_reserve_mark(unsigned long mark, unsigned alloc_flags)
{
	if (alloc_flags & ALLOC_MIN_RESERVE) {
		mark -= mark / 2;
		if (alloc_flags & ALLOC_NON_BLOCK)
			mark -= mark / 4;
	}
	if (alloc_flags & ALLOC_OOM)
		mark -= mark / 2;
	return mark;
}

/*
 * Narration of one watermark check, in the words of __zone_watermark_ok():
 * "zone Normal: free 5123 <= min 4649 + reserve 0: fail", with the
 * discounts a reserve flag gives spelled out.
 */
static void pgalloc_note_wmark(struct sim *sim, const struct zone *z,
			       unsigned order, unsigned long mark, int hz,
			       unsigned alloc_flags, bool ok)
{
	static const char *const names[] = { "min", "low", "high", "promo" };
	long usable = (long)z->nr_free_pages -
		      zone_watermark_unusable_free(z, order, alloc_flags);
	unsigned long m = mark;
	char how[96] = "";

	if (alloc_flags & ALLOC_NO_WATERMARKS) {
		SIM_NOTE(sim, "zone %s: ALLOC_NO_WATERMARKS: free %lu, the watermark is ignored",
			 z->name, z->nr_free_pages);
		return;
	}
	if (alloc_flags & ALLOC_RESERVES) {
		m = pgalloc_reserve_mark(mark, alloc_flags);
		if (m != mark)
			snprintf(how, sizeof how, " (%s %lu cut to %lu by %s%s%s)",
				 names[alloc_flags & ALLOC_WMARK_MASK], mark, m,
				 (alloc_flags & ALLOC_MIN_RESERVE) ? "__GFP_HIGH" : "",
				 (alloc_flags & (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK)) ==
				 (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK) ? " and cannot sleep" : "",
				 (alloc_flags & ALLOC_OOM) ? "OOM victim" : "");
	}
	if (usable > (long)m + z->lowmem_reserve[hz] && !ok)
		SIM_NOTE(sim, "zone %s: free %ld > %s %lu%s + reserve %ld, but no free block of order >= %u: fail",
			 z->name, usable, names[alloc_flags & ALLOC_WMARK_MASK], m, how,
			 z->lowmem_reserve[hz], order);
	else
		SIM_NOTE(sim, "zone %s: free %ld %s %s %lu%s + reserve %ld: %s",
			 z->name, usable, ok ? ">" : "<=",
			 names[alloc_flags & ALLOC_WMARK_MASK], m, how,
			 z->lowmem_reserve[hz], ok ? "ok" : "fail");
}

/* the watermark check, traced */
static bool pgalloc_check_wmark(struct sim *sim, struct zone *z, unsigned order,
				unsigned long mark, int hz, unsigned alloc_flags)
{
	bool ok = zone_watermark_fast(z, order, mark, hz, alloc_flags);

	sim_charge(sim, COST_WMARK_CHECK);
	SIM_EVENT(sim, WMARK_CHECK, z->id, z->nr_free_pages, mark, ok);
	if (unlikely(sim_listening(sim)))
		pgalloc_note_wmark(sim, z, order, mark, hz, alloc_flags, ok);
	return ok;
}

pfn_t pgalloc_get_page_from_freelist(struct sim *sim, gfp_t gfp, unsigned order,
				     unsigned alloc_flags, struct alloc_context *ac)
{
	struct pgalloc_state *pg = sim->pg;
	struct zone *preferred;
	bool no_fallback;

	(void)gfp;	/* cpusets, __GFP_WRITE spreading: not modelled */
	if (ac->preferred >= ac->nr_zones) {
		ac->fail.why = PGALLOC_FAIL_NONE;
		return SIM_PFN_NONE;
	}
	preferred = ac->zonelist[ac->preferred];
retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	ac->fail.zone = NULL;
	ac->fail.why = PGALLOC_FAIL_NONE;
	ac->fail.tried = 0;
	ac->fail.alloc_flags = alloc_flags;
	for (unsigned i = ac->preferred; i < ac->nr_zones; i++) {
		struct zone *z = ac->zonelist[i];
		unsigned long mark;
		pfn_t pfn;

		if ((int)z->idx > ac->highest_zoneidx)
			continue;
		/* locality beats fragmentation avoidance on a remote node */
		if (no_fallback && pg->nr_nodes > 1 && z != preferred &&
		    z->node != preferred->node) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		ac->fail.tried++;
		/* 6.7+: a zone below its high watermark shrinks its pcp lists;
		 * 6.1 has no ZONE_BELOW_HIGH and checks the mark only */
		if (!pg->pcp_fixed_high && !(z->flags & ZONE_BELOW_HIGH)) {
			if (pgalloc_check_wmark(sim, z, order, high_wmark_pages(z),
						ac->highest_zoneidx, alloc_flags))
				goto try_this_zone;
			z->flags |= ZONE_BELOW_HIGH;
		}
		mark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
		if (!pgalloc_check_wmark(sim, z, order, mark, ac->highest_zoneidx,
					 alloc_flags)) {
			if (alloc_flags & ALLOC_NO_WATERMARKS)
				goto try_this_zone;
			if (!ac->fail.zone) {
				ac->fail.zone = z;
				ac->fail.why = PGALLOC_FAIL_WMARK;
				ac->fail.free = (long)z->nr_free_pages;
				ac->fail.mark = mark;
			}
			continue;	/* node_reclaim_mode 0: next zone */
		}
try_this_zone:
		pfn = pgalloc_rmqueue(sim, preferred, z, order, alloc_flags,
				      ac->migratetype);
		if (pfn != SIM_PFN_NONE) {
			pgalloc_prep_new_page(pg, z, pfn, order);
			if (alloc_flags & ALLOC_HIGHATOMIC)
				buddy_reserve_highatomic(sim, z, pfn, order);
			return pfn;
		}
		if (!ac->fail.zone) {
			ac->fail.zone = z;
			ac->fail.why = PGALLOC_FAIL_NO_BLOCK;
			ac->fail.free = (long)z->nr_free_pages;
			ac->fail.mark = 0;
		}
	}
	/* every local zone refused without fragmenting: allow it and retry */
	if (no_fallback) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return SIM_PFN_NONE;
}

bool pgalloc_unreserve_highatomic(struct sim *sim, const struct alloc_context *ac,
				  bool force)
{
	for (unsigned i = ac->preferred; i < ac->nr_zones; i++) {
		struct zone *z = ac->zonelist[i];

		if ((int)z->idx > ac->highest_zoneidx)
			continue;
		if (buddy_unreserve_highatomic(sim, z, ac->migratetype, force))
			return true;
	}
	return false;
}

static const char *pgalloc_wmark_name(unsigned alloc_flags)
{
	static const char *const names[] = { "min", "low", "high", "promo" };

	return names[alloc_flags & ALLOC_WMARK_MASK];
}

/* SIM_ENOMEM with a reason naming the first zone that refused and why */
static int pgalloc_fail_reason(struct sim *sim, unsigned order, gfp_t gfp,
			       const struct alloc_context *ac)
{
	const struct zone *z = ac->fail.zone;
	char more[64] = "";

	if (ac->preferred >= ac->nr_zones)
		return sim_set_reason(sim, SIM_ENOMEM,
				      "order %u: no populated zone at or below %s%s on node %u",
				      order, zone_name((enum zone_type)ac->highest_zoneidx),
				      (gfp & __GFP_THISNODE) ? " (__GFP_THISNODE)" : "",
				      ac->nid);
	if (ac->fail.tried > 1)
		snprintf(more, sizeof more, "; %u lower zone%s failed too",
			 ac->fail.tried - 1, ac->fail.tried > 2 ? "s" : "");
	if (z && ac->fail.why == PGALLOC_FAIL_WMARK) {
		unsigned long mark = ac->fail.mark;
		long need, usable = ac->fail.free -
			zone_watermark_unusable_free(z, order, ac->fail.alloc_flags);
		char cut[48] = "";

		/* the slow path's reserves lower the mark (ALLOC_RESERVES) */
		if (ac->fail.alloc_flags & ALLOC_RESERVES) {
			mark = pgalloc_reserve_mark(mark, ac->fail.alloc_flags);
			if (mark != ac->fail.mark)
				snprintf(cut, sizeof cut, " (%lu with reserves)", mark);
		}
		need = (long)mark + z->lowmem_reserve[ac->highest_zoneidx];
		if (order && usable > need)
			return sim_set_reason(sim, SIM_ENOMEM,
					      "order %u unavailable in zone %s (fragmented: %ld pages free but no free block of order >= %u)%s",
					      order, z->name, ac->fail.free, order, more);
		return sim_set_reason(sim, SIM_ENOMEM,
				      "order %u unavailable in zone %s (below %s watermark: %ld free, needs more than %lu%s + %ld protected)%s",
				      order, z->name, pgalloc_wmark_name(ac->fail.alloc_flags),
				      usable, ac->fail.mark, cut,
				      z->lowmem_reserve[ac->highest_zoneidx], more);
	}
	if (z)
		return sim_set_reason(sim, SIM_ENOMEM,
				      "order %u unavailable in zone %s (no free block of order >= %u it may use)%s",
				      order, z->name, order, more);
	return sim_set_reason(sim, SIM_ENOMEM, "order %u unavailable", order);
}

/* ---- The slow path (__alloc_pages_slowpath) ---- */

/*
 * When the fast path fails (kernel-model §3.4, the 6.18 structure):
 *
 *   wake kswapd (ALLOC_KSWAPD) on every node of the zonelist
 *   retry with gfp_to_alloc_flags(): the MIN watermark, __GFP_HIGH's half
 *     of it (ALLOC_MIN_RESERVE), a quarter more for requests that cannot
 *     sleep (ALLOC_NON_BLOCK), the HIGHATOMIC reserve for high-order atomic
 *     requests
 *   costly or non-movable high-order requests that may sleep: async
 *     compaction first (a costly __GFP_NORETRY request gives up here if
 *     compaction was skipped or deferred)
 * retry:
 *   kswapd again; ALLOC_NO_WATERMARKS for __GFP_MEMALLOC or a PF_MEMALLOC
 *     task (not with __GFP_NOMEMALLOC), ALLOC_OOM for an OOM victim
 *   a request that cannot sleep, or a PF_MEMALLOC task, stops here
 *   direct reclaim (then drain the pcp lists and give back a HIGHATOMIC
 *     block before retrying), direct compaction at the current priority
 *   __GFP_NORETRY stops; costly orders stop unless __GFP_RETRY_MAYFAIL
 *   should_reclaim_retry(): up to MAX_RECLAIM_RETRIES rounds without
 *     progress while free + reclaimable memory could pass MIN;
 *     should_compact_retry(): raise the compaction priority
 *   the OOM killer (order <= 3, not __GFP_RETRY_MAYFAIL or __GFP_THISNODE,
 *     not for lowmem-only requests); progress loops back
 * nopage: __GFP_NOFAIL retries forever with ALLOC_MIN_RESERVE, else fail
 *   with a "page allocation failure" report unless __GFP_NOWARN.
 *
 * Sleeping: only reclaim, compaction and their backoff take virtual time
 * (reclaim_sleep); a request without __GFP_DIRECT_RECLAIM never gets
 * there.  Where the kernel would loop forever (GFP_NOFS waiting for others
 * to free memory, __GFP_NOFAIL with nothing reclaimable), kmemsim gives up
 * after SLOWPATH_GIVE_UP_NS of virtual time without success, with a
 * warning: a simulation must end.  No cpusets or memory hotplug, so the
 * kernel's restart label is never taken.
 */
struct slowpath {
	gfp_t gfp;
	unsigned order;
	struct alloc_context *ac;
	const char *stop;		/* why it gave up, for the reason */
	char stopbuf[128];
	unsigned long free_before[SIM_MAX_NODES * SIM_NR_ZONES];	/* per zonelist slot */
	unsigned long min_before[SIM_MAX_NODES * SIM_NR_ZONES];	/* min watermark, boost included */
};

/* which reserve a successful attempt at @flags dipped into */
static enum sim_reserve pgalloc_reserve_used(struct sim *sim, struct slowpath *sp,
					     pfn_t pfn, unsigned flags,
					     uint64_t highatomic_before)
{
	struct zone *z = pg_pfn_zone(sim->pg, pfn);
	int hz = sp->ac->highest_zoneidx;
	long free = (long)z->nr_free_pages;
	unsigned long min = min_wmark_pages(z);

	/* as the zone was before this allocation (a fallback may boost it) */
	for (unsigned i = 0; i < sp->ac->nr_zones; i++)
		if (sp->ac->zonelist[i] == z) {
			free = (long)sp->free_before[i];
			min = sp->min_before[i];
		}
	if (sim->stats.reserve_highatomic_used > highatomic_before)
		return SIM_RESERVE_HIGHATOMIC;
	if (zone_watermark_ok_free(z, sp->order, min, hz, 0, free))
		return SIM_RESERVE_NONE;
	if (flags & ALLOC_NO_WATERMARKS)
		return SIM_RESERVE_NO_WATERMARKS;
	if (flags & ALLOC_OOM)
		return SIM_RESERVE_OOM;
	if (!(flags & ALLOC_MIN_RESERVE))
		return SIM_RESERVE_NONE;
	if (!(flags & ALLOC_NON_BLOCK) ||
	    zone_watermark_ok_free(z, sp->order, min, hz, ALLOC_MIN_RESERVE, free))
		return SIM_RESERVE_MIN;
	return SIM_RESERVE_ATOMIC;
}

/* get_page_from_freelist() for the slow path, noting the reserve used */
static pfn_t pgalloc_slow_try(struct sim *sim, struct slowpath *sp, gfp_t gfp,
			      unsigned flags)
{
	struct sim_alloc_info *info = &sim->reclaim->last;
	uint64_t ha = sim->stats.reserve_highatomic_used;
	pfn_t pfn;

	for (unsigned i = 0; i < sp->ac->nr_zones && i < ARRAY_SIZE(sp->free_before); i++) {
		sp->free_before[i] = sp->ac->zonelist[i]->nr_free_pages;
		sp->min_before[i] = min_wmark_pages(sp->ac->zonelist[i]);
	}
	pfn = pgalloc_get_page_from_freelist(sim, gfp, sp->order, flags, sp->ac);
	info->alloc_flags = flags;
	if (pfn == SIM_PFN_NONE)
		return pfn;
	info->reserve = pgalloc_reserve_used(sim, sp, pfn, flags, ha);
	switch (info->reserve) {
	case SIM_RESERVE_MIN:
	case SIM_RESERVE_ATOMIC:
	case SIM_RESERVE_OOM:
		sim->stats.reserve_min_used++;
		break;
	case SIM_RESERVE_NO_WATERMARKS:
		sim->stats.reserve_nowmark_used++;
		break;
	default:
		break;
	}
	if (info->reserve != SIM_RESERVE_NONE) {
		SIM_EVENT(sim, RESERVE, flags, info->reserve, pfn, 0);
		const struct zone *z = pg_pfn_zone(sim->pg, pfn);
		unsigned long min = min_wmark_pages(z);

		for (unsigned i = 0; i < sp->ac->nr_zones && i < ARRAY_SIZE(sp->min_before); i++)
			if (sp->ac->zonelist[i] == z)
				min = sp->min_before[i];
		SIM_NOTE(sim, "success from the %s reserve (zone %s was below its min watermark %lu%s)",
			 sim_reserve_name(info->reserve), z->name, min,
			 min > z->_watermark[WMARK_MIN] ? ", boost included" : "");
	}
	return pfn;
}

/* wake_all_kswapds(): one wakeup per node of the zonelist */
static void pgalloc_wake_all_kswapds(struct sim *sim, struct slowpath *sp)
{
	bool woken[SIM_MAX_NODES] = { false };
	const struct alloc_context *ac = sp->ac;

	for (unsigned i = ac->preferred; i < ac->nr_zones; i++) {
		struct zone *z = ac->zonelist[i];

		if ((int)z->idx > ac->highest_zoneidx || !zone_populated(z) ||
		    woken[z->node])
			continue;
		woken[z->node] = true;
		if (reclaim_wakeup_kswapd(sim, z, sp->gfp, sp->order, ac->highest_zoneidx))
			sim->reclaim->last.kswapd_woken = true;
	}
}

/* __alloc_pages_direct_compact() */
static pfn_t pgalloc_direct_compact(struct sim *sim, struct slowpath *sp,
				    unsigned alloc_flags,
				    enum compact_priority prio,
				    enum compact_result *result)
{
	static const char *const prios[] = { "sync-full", "sync-light", "async" };
	unsigned scope;
	pfn_t pfn;

	if (!sp->order)
		return SIM_PFN_NONE;
	SIM_NOTE(sim, "direct compaction at %s priority for order %u", prios[prio],
		 sp->order);
	scope = sim_scope_save(sim, SIM_SCOPE_MEMALLOC);
	*result = compaction_try_to_compact_pages(sim, sp->gfp, sp->order, alloc_flags,
						  sp->ac, prio);
	sim_scope_restore(sim, scope);
	if (*result == COMPACT_SKIPPED) {
		SIM_NOTE(sim, "compaction skipped: not enough free memory to migrate into (or no __GFP_IO)");
		return SIM_PFN_NONE;
	}
	sim->stats.compact_stall++;
	sim->reclaim->last.compact_runs++;
	pfn = pgalloc_slow_try(sim, sp, sp->gfp, alloc_flags);
	if (pfn != SIM_PFN_NONE) {
		compaction_defer_reset(sim, pg_pfn_zone(sim->pg, pfn), sp->order, true);
		sim->stats.compact_success++;
		return pfn;
	}
	sim->stats.compact_fail++;
	return SIM_PFN_NONE;
}

/* __alloc_pages_direct_reclaim() */
static pfn_t pgalloc_direct_reclaim(struct sim *sim, struct slowpath *sp,
				    unsigned alloc_flags, unsigned long *progress)
{
	struct sim_alloc_info *info = &sim->reclaim->last;
	pfn_t pfn;

	info->reclaim_runs++;
	*progress = reclaim_try_to_free_pages(sim, sp->gfp, sp->order, sp->ac);
	info->reclaimed += *progress;
	if (!*progress)
		return SIM_PFN_NONE;
	pfn = pgalloc_slow_try(sim, sp, sp->gfp, alloc_flags);
	if (pfn == SIM_PFN_NONE) {
		/* pages may sit on pcp lists or in the HIGHATOMIC reserve */
		pgalloc_unreserve_highatomic(sim, sp->ac, false);
		pgalloc_drain_all_pages(sim, NULL);
		pfn = pgalloc_slow_try(sim, sp, sp->gfp, alloc_flags);
	}
	return pfn;
}

/* should_reclaim_retry() */
static bool pgalloc_should_reclaim_retry(struct sim *sim, struct slowpath *sp,
					 unsigned alloc_flags, bool progress,
					 unsigned *no_progress_loops)
{
	const struct alloc_context *ac = sp->ac;
	bool ret = false;

	/* costly orders may progress without ever getting their block */
	if (progress && sp->order <= SIM_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops <= MAX_RECLAIM_RETRIES) {
		for (unsigned i = ac->preferred; i < ac->nr_zones && !ret; i++) {
			const struct zone *z = ac->zonelist[i];
			long available;

			if ((int)z->idx > ac->highest_zoneidx)
				continue;
			/* would it succeed if every reclaimable page were freed? */
			available = (long)(reclaim_zone_reclaimable_pages(sim, z) +
					   z->nr_free_pages);
			ret = zone_watermark_ok_free(z, sp->order, min_wmark_pages(z),
						     ac->highest_zoneidx, alloc_flags,
						     available);
		}
	}
	if (!ret && pgalloc_unreserve_highatomic(sim, ac, true)) {
		SIM_NOTE(sim, "should_reclaim_retry: no: but a HIGHATOMIC block was given back, retry");
		return true;
	}
	SIM_NOTE(sim, "should_reclaim_retry: %s (%u rounds without progress, at most %d)",
		 ret ? "yes" : "no", *no_progress_loops, MAX_RECLAIM_RETRIES);
	return ret;
}

/* should_compact_retry() */
static bool pgalloc_should_compact_retry(struct sim *sim, struct slowpath *sp,
					 unsigned alloc_flags,
					 enum compact_result result,
					 enum compact_priority *prio,
					 unsigned *retries)
{
	unsigned max_retries = MAX_COMPACT_RETRIES;
	enum compact_priority min_prio;

	if (!sp->order)
		return false;
	if (result == COMPACT_SKIPPED)	/* reclaim may make room for it */
		return compaction_zonelist_suitable(sim, sp->ac, sp->order, alloc_flags);
	if (result == COMPACT_SUCCESS) {	/* it worked, someone took the block */
		if (sp->order > SIM_COSTLY_ORDER)
			max_retries /= 4;
		if (++*retries <= max_retries)
			return true;
	}
	min_prio = sp->order > SIM_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY
						: MIN_COMPACT_PRIORITY;
	if (*prio > min_prio) {
		(*prio)--;
		*retries = 0;
		SIM_NOTE(sim, "should_compact_retry: yes, harder (priority %d)", *prio);
		return true;
	}
	return false;
}

/* __alloc_pages_may_oom() */
static pfn_t pgalloc_may_oom(struct sim *sim, struct slowpath *sp,
			     unsigned long *progress)
{
	struct oom_state *o = sim->reclaim->oom;
	unsigned kills = o->kills;
	gfp_t gfp = sp->gfp;
	__typeof__(sp->ac->fail) saved;
	pfn_t pfn;

	*progress = 0;
	/* a parallel kill may have freed memory: try at the HIGH watermark
	 * (its refusal is not the reason: keep the last real attempt's) */
	saved = sp->ac->fail;
	pfn = pgalloc_slow_try(sim, sp, (gfp | __GFP_HARDWALL) & ~(gfp_t)__GFP_DIRECT_RECLAIM,
			       ALLOC_WMARK_HIGH | ALLOC_CPUSET);
	if (pfn != SIM_PFN_NONE)
		return pfn;
	sp->ac->fail = saved;
	if (sp->order > SIM_COSTLY_ORDER) {
		sp->stop = "the OOM killer does not help costly orders";
		return SIM_PFN_NONE;
	}
	if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) {
		sp->stop = (gfp & __GFP_RETRY_MAYFAIL) ?
			"__GFP_RETRY_MAYFAIL: reclaim gave up and the OOM killer is not used" :
			"__GFP_THISNODE: the OOM killer is not used";
		return SIM_PFN_NONE;
	}
	if (sp->ac->highest_zoneidx < ZONE_NORMAL) {
		sp->stop = "no OOM kill for a lowmem (DMA/DMA32) request";
		return SIM_PFN_NONE;
	}
	SIM_NOTE(sim, "reclaim has failed: the OOM killer");
	if (oom_out_of_memory(sim, gfp, sp->order)) {
		*progress = 1;
	} else if (gfp & __GFP_NOFAIL) {
		if (!(gfp & __GFP_NOWARN))
			reclaim_warn_once(sim, WARN_NOFAIL_OOM,
					  "WARNING: CPU: 0 PID: 1 at mm/page_alloc.c __alloc_pages_may_oom: __GFP_NOFAIL and nothing to kill");
		*progress = 1;
	} else {
		sp->stop = "out of memory and no killable task";
	}
	sim->reclaim->last.oom_kills += o->kills - kills;
	/* help non-failing allocations with all of the reserves */
	if (*progress && (gfp & __GFP_NOFAIL)) {
		pfn = pgalloc_slow_try(sim, sp, gfp, ALLOC_NO_WATERMARKS | ALLOC_CPUSET);
		if (pfn == SIM_PFN_NONE)
			pfn = pgalloc_slow_try(sim, sp, gfp, ALLOC_NO_WATERMARKS);
	}
	return pfn;
}

/* has_managed_dma() */
static bool pgalloc_has_managed_dma(const struct sim *sim)
{
	for (unsigned nid = 0; nid < sim->pg->nr_nodes; nid++)
		if (zone_populated(&sim->pg->nodes[nid].zones[ZONE_DMA]))
			return true;
	return false;
}

/* warn_alloc(): the report, rate-limited to one per 10 s (nopage_rs) */
static void pgalloc_warn_alloc(struct sim *sim, gfp_t gfp, unsigned order)
{
	const struct pgalloc_state *pg = sim->pg;
	char gbuf[GFP_FORMAT_MAX], mems[16];

	/* the kernel's order: __GFP_NOWARN, then __ratelimit(), then DMA */
	if ((gfp & __GFP_NOWARN) ||
	    !sim_ratelimit(sim, &sim->reclaim->nopage_rs, "warn_alloc") ||
	    ((gfp & __GFP_DMA) && !pgalloc_has_managed_dma(sim)))
		return;
	gfp_format(gfp, gbuf, sizeof gbuf);
	if (pg->nr_nodes == 1)
		snprintf(mems, sizeof mems, "0");
	else
		snprintf(mems, sizeof mems, "0-%u", pg->nr_nodes - 1);
	sim_report_bug(sim, SIM_BUG_ALLOC_FAIL,
		       "%s: page allocation failure: order:%u, mode:%#x(%s), nodemask=(null),cpuset=/,mems_allowed=%s",
		       reclaim_current_comm(sim), order, gfp, gbuf, mems);
	sim_printk(sim, "CPU: %u UID: 0 PID: %u Comm: %s", sim->cur_cpu,
		   reclaim_current_pid(sim), reclaim_current_comm(sim));
	sim_printk(sim, "Mem-Info:");
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];

			if (!zone_populated(z))
				continue;
			sim_printk(sim, "Node %u %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB reserved_highatomic:%luKB managed:%lukB",
				   nid, z->name, z->nr_free_pages << 2,
				   z->watermark_boost << 2, min_wmark_pages(z) << 2,
				   low_wmark_pages(z) << 2, high_wmark_pages(z) << 2,
				   z->nr_reserved_highatomic << 2, z->managed << 2);
		}
	}
}

static pfn_t pgalloc_slowpath(struct sim *sim, gfp_t gfp, unsigned order,
			      struct alloc_context *ac)
{
	struct reclaim_state *r = sim->reclaim;
	struct sim_alloc_info *info = &r->last;
	struct slowpath sp = { .gfp = gfp, .order = order, .ac = ac };
	bool can_direct = gfp & __GFP_DIRECT_RECLAIM;
	bool can_compact = gfp_compaction_allowed(gfp);
	bool nofail = gfp & __GFP_NOFAIL;
	bool costly = order > SIM_COSTLY_ORDER;
	bool pf_memalloc = sim_scope(sim) & SIM_SCOPE_MEMALLOC;
	bool in_irq = sim_in_interrupt(sim);
	bool serving_softirq = sim_context(sim) == SIM_CTX_SOFTIRQ;
	enum compact_result cresult = COMPACT_SKIPPED;
	enum compact_priority prio = DEF_COMPACT_PRIORITY;
	unsigned no_progress_loops = 0, compaction_retries = 0, alloc_flags, reserve;
	unsigned long progress = 0;
	sim_time_t start = sim->now, outer_stall = r->stall;
	unsigned loops = 0;
	pfn_t pfn;

	info->slowpath = true;
	sim->stats.alloc_slowpath++;
	sim_charge(sim, COST_SLOWPATH);
	SIM_EVENT(sim, SLOWPATH, order, gfp, 0, 0);
	r->alloc_depth++;
	r->stall = 0;
	if (nofail) {
		if (order > 1)
			reclaim_warn_once(sim, WARN_NOFAIL_ORDER,
					  "WARNING: CPU: 0 PID: 1 at mm/page_alloc.c __alloc_pages_slowpath: __GFP_NOFAIL with order > 1");
		/* WARN_ON_ONCE_GFP(): silent (and not yet "once") under __GFP_NOWARN */
		if (!can_direct && !(gfp & __GFP_NOWARN))
			reclaim_warn_once(sim, WARN_NOFAIL_NORECLAIM,
					  "WARNING: CPU: 0 PID: 1 at mm/page_alloc.c __alloc_pages_slowpath: __GFP_NOFAIL without __GFP_DIRECT_RECLAIM");
		if (pf_memalloc && !(gfp & __GFP_NOWARN))
			reclaim_warn_once(sim, WARN_NOFAIL_MEMALLOC,
					  "WARNING: CPU: 0 PID: 1 at mm/page_alloc.c __alloc_pages_slowpath: __GFP_NOFAIL from a PF_MEMALLOC task");
	}
	alloc_flags = gfp_to_alloc_flags(gfp, order, false);
	SIM_NOTE(sim, "slow path: order %u, %s%s%s", order,
		 can_direct ? "may sleep" : "cannot sleep",
		 (alloc_flags & ALLOC_MIN_RESERVE) ? ", __GFP_HIGH: half of min" : "",
		 (alloc_flags & ALLOC_HIGHATOMIC) ? ", may use the HIGHATOMIC reserve" : "");
	if (ac->preferred >= ac->nr_zones)
		goto nopage;	/* the reason says it: no zone */
	if (alloc_flags & ALLOC_KSWAPD)
		pgalloc_wake_all_kswapds(sim, &sp);
	/* the adjusted watermark may be enough */
	pfn = pgalloc_slow_try(sim, &sp, gfp, alloc_flags);
	if (pfn != SIM_PFN_NONE)
		goto got_pg;
	/* costly or unmovable high orders: compaction before reclaim */
	if (can_direct && can_compact &&
	    (costly || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) &&
	    !gfp_pfmemalloc_flags(gfp, pf_memalloc, in_irq, serving_softirq,
				  oom_current_is_victim(sim))) {
		pfn = pgalloc_direct_compact(sim, &sp, alloc_flags, INIT_COMPACT_PRIORITY,
					     &cresult);
		if (pfn != SIM_PFN_NONE)
			goto got_pg;
		if (costly && (gfp & __GFP_NORETRY)) {
			if (cresult == COMPACT_SKIPPED || cresult == COMPACT_DEFERRED) {
				snprintf(sp.stopbuf, sizeof sp.stopbuf,
					 "__GFP_NORETRY: order %u unavailable, compaction %s",
					 order, compaction_result_name(cresult));
				sp.stop = sp.stopbuf;
				goto nopage;
			}
			if (gfp & __GFP_THISNODE) {
				sp.stop = "__GFP_NORETRY|__GFP_THISNODE: compaction only";
				goto nopage;
			}
			prio = INIT_COMPACT_PRIORITY;	/* sync compaction is too expensive */
		}
	}
retry:
	if (++loops > 100000 || sim->now - start > SLOWPATH_GIVE_UP_NS) {
		char gbuf[GFP_FORMAT_MAX];

		/* kmemsim's own warning, as printk_ratelimited() would print it;
		 * the caller's __GFP_NOWARN silences it like any failure report */
		sim->stats.alloc_give_up++;
		if ((gfp & __GFP_NOWARN) ||
		    !sim_ratelimit(sim, &r->give_up_rs, "__alloc_pages_slowpath"))
			goto give_up;
		gfp_format(gfp, gbuf, sizeof gbuf);
		sim_report_bug(sim, SIM_BUG_WARN,
			       "kmemsim: order:%u, mode:%#x(%s) made no progress for %llu ms: giving up (the kernel would keep retrying)",
			       order, gfp, gbuf,
			       (unsigned long long)((sim->now - start) / SIM_NSEC_PER_MSEC));
give_up:
		sp.stop = "kmemsim's livelock guard: no progress in 10 s";
		goto fail_quiet;
	}
	info->retries++;
	if (alloc_flags & ALLOC_KSWAPD)
		pgalloc_wake_all_kswapds(sim, &sp);
	reserve = gfp_pfmemalloc_flags(gfp, pf_memalloc, in_irq, serving_softirq,
				       oom_current_is_victim(sim));
	if (reserve) {
		alloc_flags = gfp_reserve_alloc_flags(alloc_flags, reserve);
		SIM_NOTE(sim, "reserves: %s", reserve == ALLOC_OOM ?
			 "ALLOC_OOM (OOM victim)" :
			 "ALLOC_NO_WATERMARKS (__GFP_MEMALLOC or PF_MEMALLOC)");
	}
	pfn = pgalloc_slow_try(sim, &sp, gfp, alloc_flags);
	if (pfn != SIM_PFN_NONE)
		goto got_pg;
	if (!can_direct) {
		sp.stop = "cannot sleep (no __GFP_DIRECT_RECLAIM): no reclaim or compaction";
		goto nopage;
	}
	if (pf_memalloc) {
		sp.stop = "PF_MEMALLOC task: no reclaim from inside reclaim";
		goto nopage;
	}
	pfn = pgalloc_direct_reclaim(sim, &sp, alloc_flags, &progress);
	if (pfn != SIM_PFN_NONE)
		goto got_pg;
	pfn = pgalloc_direct_compact(sim, &sp, alloc_flags, prio, &cresult);
	if (pfn != SIM_PFN_NONE)
		goto got_pg;
	if (gfp & __GFP_NORETRY) {
		sp.stop = "__GFP_NORETRY: one round of reclaim and compaction only";
		goto nopage;
	}
	if (costly && (!can_compact || !(gfp & __GFP_RETRY_MAYFAIL))) {
		snprintf(sp.stopbuf, sizeof sp.stopbuf,
			 "order %u unavailable after reclaim and compaction (%s)", order,
			 can_compact ? compaction_result_name(cresult) : "not allowed without __GFP_IO");
		sp.stop = sp.stopbuf;
		goto nopage;
	}
	if (pgalloc_should_reclaim_retry(sim, &sp, alloc_flags, progress > 0,
					 &no_progress_loops))
		goto retry;
	if (progress > 0 && can_compact &&
	    pgalloc_should_compact_retry(sim, &sp, alloc_flags, cresult, &prio,
					 &compaction_retries))
		goto retry;
	pfn = pgalloc_may_oom(sim, &sp, &progress);
	if (pfn != SIM_PFN_NONE)
		goto got_pg;
	/* no looping on the reserves */
	if (oom_current_is_victim(sim) &&
	    ((alloc_flags & ALLOC_OOM) || (gfp & __GFP_NOMEMALLOC))) {
		sp.stop = "OOM victim: the reserves are not enough";
		goto nopage;
	}
	if (progress) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	if (nofail) {
		/* a non-blocking __GFP_NOFAIL is unreasonable: NULL after all */
		if (!can_direct)
			goto fail;
		pfn = pgalloc_slow_try(sim, &sp, gfp, ALLOC_MIN_RESERVE | ALLOC_CPUSET);
		if (pfn == SIM_PFN_NONE)
			pfn = pgalloc_slow_try(sim, &sp, gfp, ALLOC_MIN_RESERVE);
		if (pfn != SIM_PFN_NONE)
			goto got_pg;
		SIM_NOTE(sim, "__GFP_NOFAIL: retry");
		goto retry;
	}
fail:
	pgalloc_warn_alloc(sim, gfp, order);
fail_quiet:
	pgalloc_fail_reason(sim, order, gfp, ac);
	if (sp.stop && !sim->panicked) {	/* a panic is its own reason */
		size_t n = strlen(sim->reason);

		snprintf(sim->reason + n, sizeof sim->reason - n, "; %s", sp.stop);
	}
	SIM_NOTE(sim, "allocation failed: %s", sim->reason);
	pfn = SIM_PFN_NONE;
got_pg:
	info->stall_ns = r->stall;
	sim->stats.alloc_stall_ns += r->stall;
	if (r->stall)
		SIM_EVENT(sim, STALL, r->stall, order, gfp, 0);
	r->stall = outer_stall + r->stall;
	r->alloc_depth--;
	return pfn;
}

/* ---- Helpers of compaction (page_alloc.c in the kernel too) ---- */

bool pgalloc_isolate_free_page(struct sim *sim, struct zone *z, pfn_t pfn,
			       unsigned order)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *p = pg_page(pg, pfn);
	int mt = p->list;

	SIM_ASSERT((p->flags & PG_buddy) && p->order == order);
	/* never below min: compaction must not eat the reserves */
	if (!zone_watermark_ok(z, 0, z->_watermark[WMARK_MIN] + (1ul << order), 0,
			       ALLOC_CMA))
		return false;
	buddy_del_from_free_list(sim, z, pfn, order, mt);
	buddy_account_freepages(z, -(1l << order), mt);
	/* at least half a pageblock: the block becomes movable */
	if (order >= pageblock_order(pg) - 1 && mt != MIGRATE_HIGHATOMIC)
		buddy_change_pageblock_range(pg, pfn, order, MIGRATE_MOVABLE);
	p->flags = PG_head;
	p->order = (uint8_t)order;
	p->use = PAGE_USE_OTHER;
	p->owner = 0;
	p->list = 0;
	p->next = p->prev = PAGE_NIL;
	z->nr_use[PAGE_USE_OTHER] += 1ul << order;
	return true;
}

void pgalloc_split_block(struct sim *sim, pfn_t pfn, unsigned order)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *head = pg_page(pg, pfn);

	SIM_ASSERT(head->flags == PG_head && head->order == order);
	for (pfn_t i = 1; i < ((pfn_t)1 << order); i++) {
		struct page *p = pg_page(pg, pfn + i);

		p->flags = PG_head;
		p->order = 0;
		p->use = head->use;
		p->owner = head->owner;
		p->list = 0;
		p->next = p->prev = PAGE_NIL;
	}
	head->order = 0;
}

int pgalloc_alloc(struct sim *sim, unsigned order, gfp_t gfp, pfn_t *out)
{
	struct alloc_context ac;
	unsigned alloc_flags, scope = sim_scope(sim);
	pfn_t pfn;
	int rc;

	if (order > SIM_MAX_ORDER) {
		/* WARN_ON_ONCE_GFP(order > MAX_PAGE_ORDER, gfp) */
		if (!(gfp & __GFP_NOWARN))
			sim_report_bug(sim, SIM_BUG_WARN,
				       "WARNING: CPU: %u PID: 1 at mm/page_alloc.c __alloc_frozen_pages_noprof: order %d > MAX_PAGE_ORDER %d",
				       sim->cur_cpu, (int)order, SIM_MAX_ORDER);
		return sim_set_reason(sim, SIM_EINVAL,
				      "order %d out of range (0..%d)", (int)order,
				      SIM_MAX_ORDER);
	}
	if (sim_listening(sim)) {
		char g[GFP_FORMAT_MAX];

		gfp_format(gfp, g, sizeof g);
		SIM_NOTE(sim, "alloc_pages(order %u, %s)", order, g);
	}
	sim_might_alloc(sim, gfp);	/* prepare_alloc_pages(): might_alloc() */
	gfp = gfp_current_context(gfp, scope & SIM_SCOPE_NOIO,
				  scope & SIM_SCOPE_NOFS);
	rc = pgalloc_prepare_alloc(sim, gfp, &ac);
	if (rc != SIM_OK)
		return rc;
	if (sim->reclaim) {
		memset(&sim->reclaim->last, 0, sizeof sim->reclaim->last);
		sim->reclaim->last.order = order;
		sim->reclaim->last.gfp = gfp;
	}
	alloc_flags = ALLOC_WMARK_LOW |
		      pgalloc_alloc_flags_nofragment(sim,
				ac.preferred < ac.nr_zones ? ac.zonelist[ac.preferred] : NULL,
				gfp);
	pfn = pgalloc_get_page_from_freelist(sim, gfp, order, alloc_flags, &ac);
	if (pfn == SIM_PFN_NONE && sim->reclaim && sim->reclaim->slowpath)
		pfn = pgalloc_slowpath(sim, gfp, order, &ac);	/* sets the reason */
	else if (pfn == SIM_PFN_NONE)
		pgalloc_fail_reason(sim, order, gfp, &ac);
	if (pfn == SIM_PFN_NONE) {
		sim->stats.alloc_fail++;
		SIM_EVENT(sim, ALLOC_FAIL, order, gfp, 0, 0);
		return SIM_ENOMEM;
	}
	if (sim->reclaim)
		sim->reclaim->last.ok = true;
	SIM_ASSERT_EXPENSIVE(pgalloc_zone_counters_ok(pg_pfn_zone(sim->pg, pfn)));
	SIM_EVENT(sim, PAGE_ALLOC, pfn, order, gfp, pg_pfn_zone(sim->pg, pfn)->id);
	SIM_NOTE(sim, "%lu page%s at pfn 0x%llx from zone %s", 1ul << order,
		 order ? "s" : "", (unsigned long long)pfn,
		 pg_pfn_zone(sim->pg, pfn)->name);
	*out = pfn;
	return SIM_OK;
}

/* ---- Free ---- */

static void pgalloc_bad_page(struct sim *sim, pfn_t pfn, const char *fmt, ...)
	sim_printf_like(3, 4);

/*
 * bad_page(): "BUG: Bad page state" with the reason, then ignore the free.
 * Its own rate limit (mm/page_alloc.c): a burst of 60 reports, then silence
 * until a minute after the first of them, then "BUG: Bad page state: N
 * messages suppressed" and the next burst.
 */
static void pgalloc_bad_page(struct sim *sim, pfn_t pfn, const char *fmt, ...)
{
	struct pgalloc_state *pg = sim->pg;
	uint64_t j = sim_jiffies(sim->now);
	char why[192];
	va_list ap;

	if (pg->bad_shown == 60) {
		if (j < pg->bad_resume) {	/* time_before(jiffies, resume) */
			pg->bad_unshown++;
			sim->stats.printk_suppressed++;
			return;
		}
		if (pg->bad_unshown) {
			sim_printk(sim, "BUG: Bad page state: %lu messages suppressed",
				   pg->bad_unshown);
			pg->bad_unshown = 0;
		}
		pg->bad_shown = 0;
	}
	if (pg->bad_shown++ == 0)
		pg->bad_resume = j + 60 * SIM_HZ;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	sim_report_bug(sim, SIM_BUG_BAD_PAGE,
		       "BUG: Bad page state in process kmemsim  pfn:%05llx (%s)",
		       (unsigned long long)pfn, why);
}

void pgalloc_free(struct sim *sim, pfn_t pfn, unsigned order)
{
	struct pgalloc_state *pg = sim->pg;
	struct zone *z;
	struct page *p;
	pfn_t head;

	if (order > SIM_MAX_ORDER) {
		pgalloc_bad_page(sim, pfn, "freed at order %d, outside 0..MAX_PAGE_ORDER %d",
				 (int)order, SIM_MAX_ORDER);
		return;
	}
	if (!pfn_valid(sim, pfn)) {
		pgalloc_bad_page(sim, pfn, "no such page frame: outside every zone");
		return;
	}
	head = page_block_head(sim, pfn);
	p = pg_page(pg, head);
	if (p->flags & PG_buddy) {
		pgalloc_bad_page(sim, pfn, "double free: already free in the buddy allocator (order-%u block at %05llx)",
				 p->order, (unsigned long long)head);
		return;
	}
	if (p->flags & PG_pcp) {
		pgalloc_bad_page(sim, pfn, "double free: already free on cpu %u's per-CPU list",
				 p->owner);
		return;
	}
	if (head != pfn) {
		pgalloc_bad_page(sim, pfn, "not the first page of an allocation (inside the order-%u block at %05llx)",
				 p->order, (unsigned long long)head);
		return;
	}
	if (p->order != order) {
		pgalloc_bad_page(sim, pfn, "freed at order %u but allocated at order %u",
				 order, p->order);
		return;
	}
	if ((p->list & PGL_LRU) && page_use_movable((enum page_use)p->use)) {
		/* PAGE_FLAGS_CHECK_AT_FREE: PG_lru */
		pgalloc_bad_page(sim, pfn, "still on an LRU list (a %s page): only reclaim frees it",
				 page_use_name((enum page_use)p->use));
		return;
	}
	z = pg_pfn_zone(pg, pfn);
	z->nr_use[p->use] -= 1ul << order;
	p->flags = 0;
	SIM_EVENT(sim, PAGE_FREE, pfn, order, 0, 0);
	if (pg->pcp_enabled && pgalloc_pcp_allowed_order(pg, order)) {
		int mt = (int)pageblock_migratetype(pg, pfn);

		/* HIGHATOMIC pages go to the MOVABLE pcp list */
		if (mt >= MIGRATE_PCPTYPES)
			mt = MIGRATE_MOVABLE;
		pcp_free_commit(sim, z, pfn, mt, order);
	} else {
		/* free_one_page() */
		sim_charge(sim, COST_BUDDY_FREE);
		buddy_free_range(sim, z, pfn, order, FPI_NONE);
		sim->stats.pgfree += UINT64_C(1) << order;
	}
	SIM_ASSERT_EXPENSIVE(pgalloc_zone_counters_ok(z));
}

/* ---- Validation ---- */

int pgalloc_validate(const struct sim *sim, char *err, size_t errlen)
{
	const struct pgalloc_state *pg = sim->pg;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];

			if (!zone_populated(z))
				continue;
			if (buddy_validate(sim, z, err, errlen) != SIM_OK)
				return SIM_ERR;
			if (!pgalloc_zone_counters_ok(z)) {
				snprintf(err, errlen, "zone %s: page use counters disagree",
					 z->name);
				return SIM_ERR;
			}
		}
	}
	return SIM_OK;
}

/* ---- Boot ---- */

/* the page metadata of a layout: the page frame array, two pageblock bytes */
static uint64_t pgalloc_host_bytes(const struct pgalloc_state *pg)
{
	uint64_t pb = SIM_DIV_ROUND_UP(pg->max_pfn, (pfn_t)pageblock_nr_pages(pg));

	return pg->max_pfn * sizeof(struct page) + 2 * pb;
}

uint64_t sim_host_bytes(const struct sim *sim)
{
	return sim->pg ? pgalloc_host_bytes(sim->pg) : 0;
}

#define PGALLOC_HOST_ASK	(UINT64_C(1) << 20)	/* page metadata: 256 MiB of RAM */

/*
 * host memory a layout needs, and a cap: half of the host's RAM, and the
 * caller's (sim_new_within: what is left of a scenario's --max-memory)
 */
static int pgalloc_check_host(const struct pgalloc_state *pg,
			      const struct sim_config *cfg, uint64_t limit,
			      char *err, size_t errlen)
{
	uint64_t need = pgalloc_host_bytes(pg);
	uint64_t host = 0;

	if (limit && need > limit) {
		snprintf(err, errlen,
			 "%s of simulated RAM needs %llu MiB of host memory for page metadata (%zu bytes per page), more than the %llu MiB allowed",
			 cfg->ram_bytes ? "this amount" : "these zones",
			 (unsigned long long)(need >> 20), sizeof(struct page),
			 (unsigned long long)(limit >> 20));
		return SIM_ENOHOSTMEM;
	}

#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
	/* no host this runs on has less than twice PGALLOC_HOST_ASK: below
	 * it, no sysinfo() system call per boot (a fuzzer boots thousands) */
	if (need > PGALLOC_HOST_ASK) {
		long np = sysconf(_SC_PHYS_PAGES), ps = sysconf(_SC_PAGESIZE);

		if (np > 0 && ps > 0)
			host = (uint64_t)np * (uint64_t)ps;
	}
#endif
	if (need > SIZE_MAX / 2 || (host && need > host / 2)) {
		snprintf(err, errlen,
			 "%s of simulated RAM needs %llu MiB of host memory for page metadata (%zu bytes per page), more than half of this host's %llu MiB",
			 cfg->ram_bytes ? "this amount" : "these zones",
			 (unsigned long long)(need >> 20), sizeof(struct page),
			 (unsigned long long)(host >> 20));
		return SIM_EINVAL;
	}
	return SIM_OK;
}

/* memblock_free_all(): each zone's pages to the buddy lists in the largest
 * aligned blocks, at the list tails (FPI_TO_TAIL), merging as they go */
static void pgalloc_free_boot_pages(struct sim *sim, struct zone *z)
{
	pfn_t start = z->start_pfn, end = zone_end_pfn(z);

	while (start < end) {
		unsigned order = start ? SIM_MIN((unsigned)__builtin_ctzll(start),
						 (unsigned)SIM_MAX_ORDER)
				       : SIM_MAX_ORDER;

		while (start + ((pfn_t)1 << order) > end)
			order--;
		/* every pageblock is MOVABLE at boot, so split_large_buddy()'s
		 * pageblock-by-pageblock free would merge straight back:
		 * free the block whole (same lists, half the pages touched) */
		buddy_free_one_page(sim, z, start, order,
				    (int)pageblock_migratetype(sim->pg, start), FPI_TO_TAIL);
		start += (pfn_t)1 << order;
	}
}

static int pgalloc_init_zone(struct sim *sim, struct zone *z)
{
	struct pgalloc_state *pg = sim->pg;

	for (pfn_t pb = z->start_pfn >> pageblock_order(pg);
	     pb <= (zone_end_pfn(z) - 1) >> pageblock_order(pg); pb++) {
		pg->pb_zone[pb] = (uint8_t)(z->id + 1);
		/* memmap_init: every pageblock starts MOVABLE */
		pg->pb_migratetype[pb] = MIGRATE_MOVABLE;
	}
	for (unsigned o = 0; o < SIM_NR_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			z->free_area[o].list[mt].head = z->free_area[o].list[mt].tail = PAGE_NIL;
	z->unusable_reserved_ha = pg->kver < SIM_KERNEL_6_18;
	z->pcp = sim_xcalloc(pg->nr_cpus, sizeof *z->pcp);
	if (!z->pcp)
		return SIM_ENOHOSTMEM;
	for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &z->pcp[cpu];

		for (unsigned i = 0; i < NR_PCP_LISTS_MAX; i++)
			pcp->lists[i].head = pcp->lists[i].tail = PAGE_NIL;
		pcp->batch = 1;		/* the boot pageset until wmarks are set */
	}
	return SIM_OK;
}

int pgalloc_init(struct sim *sim, char *err, size_t errlen)
{
	const struct sim_config *cfg = &sim->cfg;
	struct pgalloc_state *pg;
	unsigned long total = 0;
	uint64_t nr_pb;
	int rc;

	pg = sim_xcalloc(1, sizeof *pg);
	if (!pg)
		return SIM_ENOHOSTMEM;
	sim->pg = pg;
	pg->pb_order = cfg->pageblock_order;	/* zone_layout() aligns to it */
	pg->pcp_fixed_high = cfg->kernel < SIM_KERNEL_6_18;
	pg->kver = cfg->kernel;
	pg->smp = cfg->smp;
	pg->nr_nodes = cfg->nodes;
	pg->nr_cpus = cfg->cpus;
	pg->nodes = sim_xcalloc(pg->nr_nodes, sizeof *pg->nodes);
	if (!pg->nodes)
		return SIM_ENOHOSTMEM;
	/* CPUs are spread over nodes in contiguous runs */
	for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
		pg->cpu_node[cpu] = (uint8_t)(cpu * pg->nr_nodes / pg->nr_cpus);
		pg->nodes[pg->cpu_node[cpu]].nr_cpus++;
	}
	rc = zone_layout(pg, cfg, err, errlen);
	if (rc != SIM_OK)
		return rc;
	rc = pgalloc_check_host(pg, cfg, sim->host_limit, err, errlen);
	if (rc != SIM_OK)
		return rc;
	/* calloc: untouched page metadata costs no host memory until used */
	pg->mem_map = sim_xcalloc((size_t)pg->max_pfn, sizeof *pg->mem_map);
	nr_pb = SIM_DIV_ROUND_UP(pg->max_pfn, (pfn_t)pageblock_nr_pages(pg));
	pg->pb_migratetype = sim_xcalloc((size_t)nr_pb, 1);
	pg->pb_zone = sim_xcalloc((size_t)nr_pb, 1);
	if (!pg->mem_map || !pg->pb_migratetype || !pg->pb_zone) {
		snprintf(err, errlen,
			 "cannot allocate %llu MiB of host memory for page metadata",
			 (unsigned long long)((pg->max_pfn * sizeof(struct page)) >> 20));
		return SIM_ENOHOSTMEM;
	}
	pg->watermark_scale_factor = cfg->watermark_scale_factor;
	pg->watermark_boost_factor = cfg->watermark_boost_factor;
	pg->pcp_enabled = cfg->pcp;
	pg->thp = cfg->thp;
	pg->nr_pcp_lists = cfg->thp ? NR_PCP_LISTS_MAX : NR_LOWORDER_PCP_LISTS;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = &pg->nodes[nid].zones[zi];

			if (!zone_populated(z))
				continue;
			rc = pgalloc_init_zone(sim, z);
			if (rc != SIM_OK) {
				snprintf(err, errlen, "%s", sim_strerror(rc));
				return rc;
			}
			total += z->managed;
		}
	}
	zone_build_zonelists(pg);
	/* build_all_zonelists(): tiny machines do not group by mobility */
	pg->mobility_disabled = total < (unsigned long)pageblock_nr_pages(pg) * MIGRATE_TYPES;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = 0; zi < SIM_NR_ZONES; zi++)
			if (zone_populated(&pg->nodes[nid].zones[zi]))
				pgalloc_free_boot_pages(sim, &pg->nodes[nid].zones[zi]);
	zone_init_per_zone_wmark_min(pg);
	if (cfg->thp)
		zone_set_recommended_min_free_kbytes(pg);
	if (cfg->min_free_kbytes >= 0)	/* the scenario's sysctl, after boot */
		zone_set_min_free_kbytes(pg, cfg->min_free_kbytes);
	sim->now = 0;	/* boot is free of charge */
	if (pg->pcp_enabled) {
		rc = sim_timer_add_quiet(sim, PGALLOC_VMSTAT_INTERVAL,
					 PGALLOC_VMSTAT_INTERVAL, pgalloc_vmstat_work,
					 pgalloc_vmstat_quiet, NULL, NULL);
		if (rc != SIM_OK)
			return rc;
	}
	return SIM_OK;
}

void pgalloc_destroy(struct sim *sim)
{
	struct pgalloc_state *pg = sim->pg;

	if (!pg)
		return;
	if (pg->nodes)
		for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
			for (int zi = 0; zi < SIM_NR_ZONES; zi++)
				free(pg->nodes[nid].zones[zi].pcp);
	free(pg->nodes);
	free(pg->mem_map);
	free(pg->pb_migratetype);
	free(pg->pb_zone);
	free(pg);
	sim->pg = NULL;
}

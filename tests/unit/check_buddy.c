/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_buddy.c - the buddy allocator: split and merge order, fallback
 * claims and steals, the HIGHATOMIC reserve, invariants under long random
 * workloads, merging back to the boot layout */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buddy.h"
#include "page_alloc.h"
#include "state.h"
#include "testutil.h"

#define GFP_MOV	(GFP_HIGHUSER_MOVABLE)
#define GFP_REC	(GFP_KERNEL | __GFP_RECLAIMABLE)

static struct zone *zone_of(struct sim *sim, enum zone_type zt)
{
	return &sim->pg->nodes[0].zones[zt];
}

static void validate(struct sim *sim)
{
	char err[256];

	ck_assert_msg(pgalloc_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
}

static pfn_t alloc_ok(struct sim *sim, unsigned order, gfp_t gfp)
{
	pfn_t pfn = SIM_PFN_NONE;
	int rc = pgalloc_alloc(sim, order, gfp, &pfn);

	ck_assert_msg(rc == SIM_OK, "order %u: %s", order, sim_last_reason(sim));
	return pfn;
}

/* the pfns of one free list, head first, into @out; returns the count */
static size_t list_pfns(struct sim *sim, struct zone *z, unsigned order, int mt,
			pfn_t *out, size_t max)
{
	size_t n = 0;

	for (uint32_t x = z->free_area[order].list[mt].head; x != PAGE_NIL && n < max;
	     x = pg_page(sim->pg, x)->next)
		out[n++] = x;
	return n;
}

/* ---- Split ---- */

START_TEST(test_split_and_claim_on_first_use)
{
	/* 4096 pages of DMA32 (4 MAX_ORDER blocks), pcp off: every request
	 * goes straight to the buddy lists */
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, 0, false);
	struct zone *z = zone_of(sim, ZONE_DMA32);
	pfn_t got[8];

	/* boot: the blocks were freed in address order to the list tails */
	ck_assert_uint_eq(list_pfns(sim, z, 10, MIGRATE_MOVABLE, got, 8), 4);
	ck_assert_uint_eq(got[0], 4096);
	ck_assert_uint_eq(got[3], 4096 + 3072);

	/*
	 * GFP_KERNEL is UNMOVABLE; every pageblock starts MOVABLE, so the
	 * first request falls back and CLAIMs the largest fallback block,
	 * the head of the order-10 MOVABLE list (4096): both pageblocks become
	 * UNMOVABLE and expand() leaves one UNMOVABLE block at each order
	 * 0..9, the upper halves: 4097, 4098, 4100, ..., 4096+512.
	 */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_KERNEL), 4096);
	ck_assert_uint_eq(sim->stats.extfrag_fallback, 1);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096), MIGRATE_UNMOVABLE);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096 + 512), MIGRATE_UNMOVABLE);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096 + 1024), MIGRATE_MOVABLE);
	for (unsigned o = 0; o < 10; o++) {
		ck_assert_uint_eq(list_pfns(sim, z, o, MIGRATE_UNMOVABLE, got, 8), 1);
		ck_assert_uint_eq(got[0], 4096 + (1u << o));
	}
	/* a whole-block claim does not boost the watermarks */
	ck_assert_uint_eq(z->watermark_boost, 0);

	/* a MOVABLE request splits the next MOVABLE block: lowest pages out */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), 5120);
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), 5121);	/* the order-0 half */
	ck_assert_uint_eq(alloc_ok(sim, 1, GFP_MOV), 5122);	/* the order-1 half */
	/* __rmqueue_smallest takes the smallest order first: 5124 (order 2)
	 * splits, 5126 goes to the order-1 list head, 5125 to order 0 */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), 5124);
	ck_assert_uint_eq(list_pfns(sim, z, 0, MIGRATE_MOVABLE, got, 8), 1);
	ck_assert_uint_eq(got[0], 5125);
	ck_assert_uint_eq(list_pfns(sim, z, 1, MIGRATE_MOVABLE, got, 8), 1);
	ck_assert_uint_eq(got[0], 5126);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Merge and list order ---- */

START_TEST(test_merge_and_list_order)
{
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, 0, false);
	struct zone *z = zone_of(sim, ZONE_DMA32);
	pfn_t got[8];
	const pfn_t b = 4096;

	/* eight MOVABLE order-0 pages come out in address order b..b+7 */
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), b + i);
	ck_assert_uint_eq(z->free_area[0].nr_free + z->free_area[1].nr_free +
			  z->free_area[2].nr_free, 0);

	/* b+5: buddy b+4 in use; the order-1 buddy of its pair (b+6) in
	 * use: no merge likely, list head */
	pgalloc_free(sim, b + 5, 0);
	/* b: buddy b+1 in use, pair buddy b+2 in use: head */
	pgalloc_free(sim, b, 0);
	ck_assert_uint_eq(list_pfns(sim, z, 0, MIGRATE_MOVABLE, got, 8), 2);
	ck_assert_uint_eq(got[0], b);
	ck_assert_uint_eq(got[1], b + 5);
	/* b+1 merges with b into (b, 1); its buddy b+2 is in use */
	pgalloc_free(sim, b + 1, 0);
	ck_assert_uint_eq(list_pfns(sim, z, 0, MIGRATE_MOVABLE, got, 8), 1);
	ck_assert_uint_eq(list_pfns(sim, z, 1, MIGRATE_MOVABLE, got, 8), 1);
	ck_assert_uint_eq(got[0], b);
	/*
	 * b+3: buddy b+2 in use, so no merge; but the order-1 block (b+2, 1)
	 * has a free buddy (b, 1): a merge is likely soon, so b+3 goes to the
	 * TAIL of the order-0 list (buddy_merge_likely), behind b+5.
	 */
	pgalloc_free(sim, b + 3, 0);
	ck_assert_uint_eq(list_pfns(sim, z, 0, MIGRATE_MOVABLE, got, 8), 2);
	ck_assert_uint_eq(got[0], b + 5);
	ck_assert_uint_eq(got[1], b + 3);
	/* b+2 merges three times: with b+3, with (b,1), then (b,2)'s buddy
	 * b+4 is in use: an order-2 block at b */
	pgalloc_free(sim, b + 2, 0);
	ck_assert_uint_eq(list_pfns(sim, z, 2, MIGRATE_MOVABLE, got, 8), 1);
	ck_assert_uint_eq(got[0], b);
	ck_assert_uint_eq(pg_page(sim->pg, b)->order, 2);
	validate(sim);
	/* the rest: everything merges back to four order-10 blocks */
	pgalloc_free(sim, b + 4, 0);
	pgalloc_free(sim, b + 6, 0);
	pgalloc_free(sim, b + 7, 0);
	ck_assert_uint_eq(z->free_area[10].nr_free, 4);
	ck_assert_uint_eq(z->nr_free_pages, 4096);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Fallback ---- */

START_TEST(test_fallback_steal)
{
	/* 8192 pages, min_free_kbytes 0: min 0, low 8, high 16 (8192*10/10000) */
	struct sim *sim = tu_sim_zones(0, 8192, 0, 0, 1, 0, false);
	struct zone *z = zone_of(sim, ZONE_DMA32);
	const pfn_t b = 4096;
	pfn_t got[4];

	/* UNMOVABLE order 0 claims the first MAX_ORDER block ... */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_KERNEL), b);
	/* ... whose halves 512, 256, ..., 16 we take too: left UNMOVABLE and
	 * free are b+1 (o0), b+2 (o1), b+4 (o2), b+8 (o3) */
	for (unsigned o = 9; o >= 4; o--)
		ck_assert_uint_eq(alloc_ok(sim, o, GFP_KERNEL), b + (1u << o));
	/* every MOVABLE block is taken: 15 free pages, all UNMOVABLE */
	for (unsigned i = 1; i < 8; i++)
		ck_assert_uint_eq(alloc_ok(sim, 10, GFP_MOV), b + 1024 * i);
	ck_assert_uint_eq(z->nr_free_pages, 15);

	/*
	 * MOVABLE order 0: its lists are empty.  CLAIM looks from order 10
	 * down: orders 10..4 have no free block (-1); at order 3 there is one,
	 * but should_try_claim_block(3, MOVABLE) is false (a small movable
	 * request never claims), so the search stops.  STEAL searches upwards
	 * and takes the order-0 UNMOVABLE block b+1; the pageblock stays
	 * UNMOVABLE and nothing is boosted.
	 */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), b + 1);
	ck_assert_uint_eq(sim->stats.extfrag_fallback, 2);	/* + the first claim */
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, b), MIGRATE_UNMOVABLE);
	ck_assert_uint_eq(z->watermark_boost, 0);
	/* next: order 0 is gone, b+2 (order 1) is stolen and split; its
	 * upper half b+3 stays on the UNMOVABLE order-0 list */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), b + 2);
	ck_assert_uint_eq(list_pfns(sim, z, 0, MIGRATE_UNMOVABLE, got, 4), 1);
	ck_assert_uint_eq(got[0], b + 3);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* a pageblock half full of pages: 300 MOVABLE order-0 pages at its start,
 * the first @movable of them page cache (movable in use) */
static struct sim *claim_setup(unsigned movable, pfn_t *block)
{
	struct sim *sim = tu_sim_zones(0, 8192, 0, 0, 1, 0, false);
	const pfn_t b = 4096;

	for (unsigned i = 0; i < 7; i++)
		ck_assert_uint_eq(alloc_ok(sim, 10, GFP_MOV), b + 1024 * i);
	/* the last block: its first pageblock allocated whole, then 300
	 * pages of the second one, in address order */
	ck_assert_uint_eq(alloc_ok(sim, 9, GFP_MOV), b + 7168);
	*block = b + 7168 + 512;
	for (unsigned i = 0; i < 300; i++)
		ck_assert_uint_eq(alloc_ok(sim, 0, GFP_MOV), *block + i);
	page_set_use(sim, *block, movable, PAGE_USE_PAGECACHE, 7);
	return sim;
}

START_TEST(test_fallback_claim_pageblock)
{
	pfn_t blk;
	struct sim *sim = claim_setup(100, &blk);
	struct zone *z = zone_of(sim, ZONE_DMA32);

	/*
	 * The only free pages: 212 in the pageblock at blk, in blocks
	 * blk+300 (o2), blk+304 (o4), blk+320 (o6), blk+384 (o7).
	 * A RECLAIMABLE order-0 request: CLAIM from the top finds the order-7
	 * MOVABLE block first.  Below pageblock order it boosts the zone and
	 * counts the pageblock: free 212, movable 100 (page cache), so the
	 * alike pages of a non-movable request in a MOVABLE block are
	 * 512 - 212 - 100 = 200, and 212 + 200 >= 256: the pageblock becomes
	 * RECLAIMABLE, its free blocks move over, and __rmqueue_smallest
	 * takes the smallest: blk+300 split, blk+302 (o1) and blk+301 (o0)
	 * stay on the RECLAIMABLE lists.
	 */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_REC), blk + 300);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, blk), MIGRATE_RECLAIMABLE);
	ck_assert_uint_eq(z->free_area[7].list[MIGRATE_RECLAIMABLE].head, blk + 384);
	ck_assert_uint_eq(z->free_area[0].list[MIGRATE_RECLAIMABLE].head, blk + 301);
	/*
	 * boost_watermark: high 16 -> max_boost 24, raised to a pageblock:
	 * 512.  ALLOC_KSWAPD (GFP_KERNEL has __GFP_KSWAPD_RECLAIM) set
	 * ZONE_BOOSTED_WATERMARK, which rmqueue() turned into a kswapd wakeup.
	 */
	ck_assert_uint_eq(z->watermark_boost, 512);
	ck_assert(!(z->flags & ZONE_BOOSTED_WATERMARK));
	ck_assert(sim->pg->nodes[0].kswapd_wake);
	ck_assert_uint_eq(sim->stats.kswapd_wakeups, 1);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_fallback_claim_refused_then_steal)
{
	pfn_t blk;
	struct sim *sim = claim_setup(300, &blk);
	struct zone *z = zone_of(sim, ZONE_DMA32);
	pfn_t got[4];

	/*
	 * Now all 300 pages in use are page cache: alike = 512 - 212 - 300 =
	 * 0 and 212 < 256, so every claim attempt (orders 7, 6, 4, 2, all in
	 * this pageblock) is refused, each boosting (capped at 512).  STEAL
	 * then takes the smallest fallback block, blk+300 (o2), splits it
	 * keeping MOVABLE, and the pageblock stays MOVABLE.
	 */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_REC), blk + 300);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, blk), MIGRATE_MOVABLE);
	ck_assert_uint_eq(z->watermark_boost, 512);
	ck_assert_uint_eq(list_pfns(sim, z, 0, MIGRATE_MOVABLE, got, 4), 1);
	ck_assert_uint_eq(got[0], blk + 301);
	ck_assert_uint_eq(list_pfns(sim, z, 1, MIGRATE_MOVABLE, got, 4), 1);
	ck_assert_uint_eq(got[0], blk + 302);
	ck_assert_uint_eq(z->free_area[0].list[MIGRATE_RECLAIMABLE].nr, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_nofragment_prefers_lower_zone)
{
	/* DMA32 and Normal, 4096 pages each; min_free_kbytes 0 */
	struct sim *sim = tu_sim_zones(0, 4096, 4096, 0, 1, 0, false);
	struct zone *normal = zone_of(sim, ZONE_NORMAL);
	const pfn_t nb = 1048576;

	/* Normal keeps one free order-8 MOVABLE block, nothing bigger */
	for (unsigned i = 0; i < 3; i++)
		ck_assert_uint_eq(alloc_ok(sim, 10, GFP_MOV), nb + 1024 * i);
	ck_assert_uint_eq(alloc_ok(sim, 9, GFP_MOV), nb + 3072);
	ck_assert_uint_eq(alloc_ok(sim, 8, GFP_MOV), nb + 3584);
	ck_assert_uint_eq(normal->nr_free_pages, 256);
	/*
	 * GFP_KERNEL prefers Normal, with DMA32 present: ALLOC_NOFRAGMENT.
	 * Normal has no UNMOVABLE block and no whole pageblock to claim
	 * (NOFRAGMENT claims from pageblock order only, never steals), so the
	 * walk goes on to DMA32 (free 4096 > low 4 + protection 4096/256 = 16)
	 * and claims a whole block there, leaving Normal unfragmented.
	 */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_KERNEL), 4096);
	ck_assert_uint_eq(normal->nr_free_pages, 256);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, nb + 3840), MIGRATE_MOVABLE);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_nofragment_dropped_before_going_remote)
{
	/* two nodes, each with DMA32 and Normal of 4096 pages; CPU 0 on node 0 */
	struct sim_config cfg;
	struct sim *sim;
	struct zone *dma32, *normal;
	pfn_t nb, pfn;

	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_DMA32] = 4096;
	cfg.zone_pages[ZONE_NORMAL] = 4096;
	cfg.nodes = 2;
	cfg.cpus = 2;
	cfg.pcp = false;
	cfg.min_free_kbytes = 0;
	sim = tu_sim_cfg(&cfg);
	sim_set_slowpath(sim, false);	/* the fast path's zonelist walk alone */
	dma32 = zone_of(sim, ZONE_DMA32);
	normal = zone_of(sim, ZONE_NORMAL);
	nb = normal->start_pfn;
	/* node 0's Normal: one free order-8 MOVABLE block left, as above */
	for (unsigned i = 0; i < 3; i++)
		alloc_ok(sim, 10, GFP_MOV);
	alloc_ok(sim, 9, GFP_MOV);
	alloc_ok(sim, 8, GFP_MOV);
	ck_assert_uint_eq(normal->nr_free_pages, 256);
	/* node 0's DMA32: filled with movable blocks of falling order while
	 * its watermark (low 4, high 8) lets them through: 8 pages stay */
	for (unsigned o = 9; o >= 3; o--)
		while (pgalloc_alloc(sim, o, GFP_DMA32 | __GFP_MOVABLE, &pfn) == SIM_OK)
			;
	ck_assert_uint_eq(dma32->nr_free_pages, 8);
	/*
	 * GFP_KERNEL on CPU 0: Normal preferred, DMA32 populated locally, so
	 * ALLOC_NOFRAGMENT.  Node 0's Normal has no whole pageblock to claim,
	 * its DMA32 is below low + protection; the next zone is node 1's
	 * Normal: a remote node.  Locality wins: NOFRAGMENT is dropped and
	 * the walk restarts, so node 0's Normal claims the pageblock of its
	 * order-8 block (256 free + 256 alike >= 256) and splits it.
	 */
	pfn = alloc_ok(sim, 0, GFP_KERNEL);
	ck_assert_uint_eq(pfn, nb + 3840);
	ck_assert_int_eq(page_node(sim, pfn), 0);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, nb + 3840), MIGRATE_UNMOVABLE);
	ck_assert_uint_eq(sim->pg->nodes[1].zones[ZONE_NORMAL].nr_free_pages, 4096);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- HIGHATOMIC ---- */

START_TEST(test_highatomic_reserve)
{
	/* 65536 pages: 1% = 655 >= a pageblock; limit roundup(655, 512) = 1024 */
	struct sim *sim = tu_sim_zones(0, 65536, 0, 0, 1, -1, false);
	struct zone *z = zone_of(sim, ZONE_DMA32);
	const unsigned atomic = ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE |
				ALLOC_NON_BLOCK | ALLOC_HIGHATOMIC | ALLOC_KSWAPD;
	struct alloc_context ac;
	pfn_t pfn;

	/*
	 * A high-order atomic allocation (the slow path's flags): UNMOVABLE
	 * claims the first block (pfn 4096), order 1 splits it, and because
	 * of ALLOC_HIGHATOMIC its pageblock becomes a HIGHATOMIC reserve: the
	 * 510 free pages of that pageblock move to the HIGHATOMIC lists.
	 */
	ck_assert_int_eq(pgalloc_prepare_alloc(sim, GFP_ATOMIC, &ac), SIM_OK);
	pfn = pgalloc_get_page_from_freelist(sim, GFP_ATOMIC, 1, atomic, &ac);
	ck_assert_uint_eq(pfn, 4096);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096), MIGRATE_HIGHATOMIC);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096 + 512), MIGRATE_UNMOVABLE);
	ck_assert_uint_eq(z->nr_reserved_highatomic, 512);
	ck_assert_uint_eq(z->nr_free_highatomic, 510);
	/* those pages do not count for requests without reserve rights */
	ck_assert_int_eq(zone_watermark_unusable_free(z, 0, ALLOC_WMARK_LOW), 510);
	ck_assert_int_eq(zone_watermark_unusable_free(z, 0, atomic), 0);
	/* the next one is served from the reserve, which does not grow */
	pfn = pgalloc_get_page_from_freelist(sim, GFP_ATOMIC, 1, atomic, &ac);
	ck_assert_uint_eq(pfn, 4098);
	ck_assert_uint_eq(z->nr_reserved_highatomic, 512);
	ck_assert_uint_eq(sim->stats.reserve_highatomic_used, 1);
	validate(sim);
	/* freed pages go back to the HIGHATOMIC lists (their pageblock's type) */
	pgalloc_free(sim, 4096, 1);
	pgalloc_free(sim, 4098, 1);
	ck_assert_uint_eq(z->nr_free_highatomic, 512);
	/* unreserve keeps the last pageblock unless forced */
	ck_assert(!pgalloc_unreserve_highatomic(sim, &ac, false));
	ck_assert(pgalloc_unreserve_highatomic(sim, &ac, true));
	ck_assert_uint_eq(z->nr_reserved_highatomic, 0);
	ck_assert_uint_eq(z->nr_free_highatomic, 0);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096), MIGRATE_UNMOVABLE);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_mobility_disabled)
{
	/* 1024 pages < 512 * MIGRATE_TYPES: no grouping by mobility; a
	 * movable request is treated as UNMOVABLE and claims for it */
	struct sim *sim = tu_sim_zones(0, 1024, 0, 0, 1, -1, false);

	ck_assert(sim->pg->mobility_disabled);
	alloc_ok(sim, 0, GFP_MOV);
	ck_assert_uint_eq(pageblock_migratetype(sim->pg, 4096), MIGRATE_UNMOVABLE);
	ck_assert_uint_eq(zone_of(sim, ZONE_DMA32)->free_area[0].list[MIGRATE_MOVABLE].nr, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Long random workloads ---- */

struct live {
	pfn_t pfn;
	unsigned order;
	unsigned cpu;
};

/* @kernel and @pb_order: the profile (6.1 keeps stolen blocks off their
 * pageblock's lists, drains pcp pages by their list's type) */
static void random_workload(bool pcp, unsigned ops, uint64_t seed,
			    enum sim_kernel kernel, unsigned pb_order)
{
	struct sim_config cfg;
	struct sim *sim;
	struct live *live;
	size_t n = 0, cap = 4096;
	uint8_t *used;
	char before[4096], *text;
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
		GFP_ATOMIC, GFP_DMA, GFP_NOWAIT,
	};
	unsigned long managed = 0;

	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_DMA] = 1536;
	cfg.zone_pages[ZONE_DMA32] = 8192;
	cfg.zone_pages[ZONE_NORMAL] = 6000;	/* not a multiple of a block */
	cfg.cpus = 3;
	cfg.pcp = pcp;
	cfg.seed = seed;
	cfg.thp = true;
	cfg.kernel = kernel;
	cfg.pageblock_order = pb_order;
	sim = tu_sim_cfg(&cfg);
	/* buddy invariants under the fast path: exhaustion is a plain failure */
	sim_set_slowpath(sim, false);
	live = malloc(cap * sizeof *live);
	used = calloc((size_t)sim->pg->max_pfn, 1);
	ck_assert(live && used);
	ck_assert_int_eq(sim_proc_read(sim, "buddyinfo", &text), SIM_OK);
	snprintf(before, sizeof before, "%s", text);
	free(text);
	for (unsigned i = 0; i < ops; i++) {
		unsigned cpu = (unsigned)sim_rand_range(sim, 0, 2);

		sim_set_cpu(sim, cpu);
		if (n && (n == cap || sim_rand_range(sim, 0, 99) < 45)) {
			size_t k = (size_t)sim_rand_range(sim, 0, (int64_t)n - 1);
			struct live l = live[k];

			live[k] = live[--n];
			pgalloc_free(sim, l.pfn, l.order);
			memset(used + l.pfn, 0, (size_t)1 << l.order);
		} else {
			/* mostly small orders, sometimes large ones, THP order 9 */
			static const unsigned orders[] = { 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 9, 10 };
			unsigned order = orders[sim_rand_range(sim, 0, ARRAY_SIZE(orders) - 1)];
			gfp_t gfp = gfps[sim_rand_range(sim, 0, ARRAY_SIZE(gfps) - 1)];
			pfn_t pfn;

			if (pgalloc_alloc(sim, order, gfp, &pfn) != SIM_OK)
				continue;
			/* aligned, inside a zone, not handed out twice */
			ck_assert_uint_eq(pfn & (((pfn_t)1 << order) - 1), 0);
			ck_assert(pfn_valid(sim, pfn));
			ck_assert(pfn_valid(sim, pfn + ((pfn_t)1 << order) - 1));
			for (pfn_t p = pfn; p < pfn + ((pfn_t)1 << order); p++) {
				ck_assert_msg(!used[p], "pfn %llu handed out twice",
					      (unsigned long long)p);
				used[p] = 1;
			}
			live[n++] = (struct live){ pfn, order, cpu };
		}
		if (i % 997 == 0)
			sim_advance(sim, 300 * SIM_NSEC_PER_MSEC);	/* pcp decay */
		if (i % 2000 == 0)
			validate(sim);
	}
	validate(sim);
	/* free pages are conserved: free + pcp + in use == managed */
	{
		unsigned long in_use = 0, free = 0, pcp_pages = 0;

		for (size_t k = 0; k < n; k++)
			in_use += 1ul << live[k].order;
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = zone_of(sim, (enum zone_type)zi);

			free += z->nr_free_pages;
			pcp_pages += z->nr_use[PAGE_USE_PCP];
			managed += z->managed;
		}
		ck_assert_uint_eq(free + pcp_pages + in_use, managed);
	}
	/* free everything: the boot layout comes back */
	while (n) {
		n--;
		sim_set_cpu(sim, live[n].cpu);
		pgalloc_free(sim, live[n].pfn, live[n].order);
	}
	pgalloc_drain_all_pages(sim, NULL);
	validate(sim);
	ck_assert_int_eq(sim_proc_read(sim, "buddyinfo", &text), SIM_OK);
	ck_assert_str_eq(text, before);
	free(text);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	free(live);
	free(used);
	sim_free(sim);
}

START_TEST(test_random_workload_pcp)
{
	random_workload(true, 30000, 11, SIM_KERNEL_6_18, 9);
}
END_TEST

START_TEST(test_random_workload_6_1)
{
	random_workload(true, 30000, 13, SIM_KERNEL_6_1, 10);
	random_workload(false, 20000, 14, SIM_KERNEL_6_1, 9);
}
END_TEST

START_TEST(test_random_workload_nopcp)
{
	random_workload(false, 30000, 12, SIM_KERNEL_6_18, 9);
}
END_TEST

START_TEST(test_validate_catches_corruption)
{
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, 0, false);
	char err[256];
	pfn_t p = alloc_ok(sim, 0, GFP_MOV);

	validate(sim);
	/* a counter off by one and a flag on a tail page are both caught */
	zone_of(sim, ZONE_DMA32)->nr_free_pages++;
	ck_assert_int_eq(pgalloc_validate(sim, err, sizeof err), SIM_ERR);
	ck_assert(strstr(err, "NR_FREE_PAGES") != NULL);
	zone_of(sim, ZONE_DMA32)->nr_free_pages--;
	validate(sim);
	pg_page(sim->pg, p)->order = 1;
	ck_assert_int_eq(pgalloc_validate(sim, err, sizeof err), SIM_ERR);
	pg_page(sim->pg, p)->order = 0;
	validate(sim);
	sim_free(sim);
}
END_TEST

static Suite *buddy_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *order = tcase_create("order");
	TCase *fb = tcase_create("fallback");
	TCase *rnd = tcase_create("random");

	tcase_add_test(order, test_split_and_claim_on_first_use);
	tcase_add_test(order, test_merge_and_list_order);
	tcase_add_test(order, test_validate_catches_corruption);
	tcase_add_test(fb, test_fallback_steal);
	tcase_add_test(fb, test_fallback_claim_pageblock);
	tcase_add_test(fb, test_fallback_claim_refused_then_steal);
	tcase_add_test(fb, test_nofragment_prefers_lower_zone);
	tcase_add_test(fb, test_nofragment_dropped_before_going_remote);
	tcase_add_test(fb, test_highatomic_reserve);
	tcase_add_test(fb, test_mobility_disabled);
	tcase_add_test(rnd, test_random_workload_pcp);
	tcase_add_test(rnd, test_random_workload_nopcp);
	tcase_add_test(rnd, test_random_workload_6_1);
	tcase_set_timeout(rnd, 120);
	suite_add_tcase(s, order);
	suite_add_tcase(s, fb);
	suite_add_tcase(s, rnd);
	return s;
}

int main(void)
{
	return tu_run_suite(buddy_suite());
}

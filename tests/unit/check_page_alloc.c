/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_page_alloc.c - alloc_pages/free_pages: bad input, failure reasons,
 * per-CPU lists, zone fallback, page use, the /proc texts (golden, for a
 * tiny machine computed by hand) and the fragmentation indices */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "page_alloc.h"
#include "state.h"
#include "testutil.h"

static struct zone *zone_of(struct sim *sim, unsigned nid, enum zone_type zt)
{
	return &sim->pg->nodes[nid].zones[zt];
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

static char *proc(struct sim *sim, const char *name)
{
	char *t;

	ck_assert_int_eq(sim_proc_read(sim, name, &t), SIM_OK);
	return t;
}

/* ---- Bad input ---- */

START_TEST(test_bad_frees_are_reported_and_ignored)
{
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 2, -1, true);
	char *before, *after;
	pfn_t a, b;
	size_t n0;

	a = alloc_ok(sim, 2, GFP_KERNEL);	/* pcp order, kept on a list when freed */
	b = alloc_ok(sim, 5, GFP_KERNEL);	/* buddy order */
	pgalloc_free(sim, b, 5);
	before = proc(sim, "zoneinfo");
	n0 = sim_nr_bugs(sim);
	ck_assert_uint_eq(n0, 0);

	pgalloc_free(sim, b, 5);		/* double free, in the buddy lists */
	pgalloc_free(sim, a + 1, 2);		/* not the first page */
	pgalloc_free(sim, a, 1);		/* wrong order */
	pgalloc_free(sim, a, 11);		/* no such order */
	pgalloc_free(sim, 5, 0);		/* below the zone: a hole */
	pgalloc_free(sim, 1u << 30, 0);		/* beyond the last pfn */
	pgalloc_free(sim, a, 2);		/* the right free */
	pgalloc_free(sim, a, 2);		/* double free, on cpu 0's pcp list */

	ck_assert_uint_eq(sim_nr_bugs(sim), 7);
	for (size_t i = 0; i < 7; i++) {
		const struct sim_bug *bug = sim_bug_at(sim, i);

		ck_assert_int_eq(bug->kind, SIM_BUG_BAD_PAGE);
		ck_assert_msg(strncmp(bug->message,
				      "BUG: Bad page state in process kmemsim  pfn:", 44) == 0,
			      "%s", bug->message);
	}
	ck_assert(strstr(sim_bug_at(sim, 0)->message, "double free") != NULL);
	ck_assert(strstr(sim_bug_at(sim, 0)->message, "pfn:0") != NULL);
	ck_assert(strstr(sim_bug_at(sim, 1)->message, "not the first page") != NULL);
	ck_assert(strstr(sim_bug_at(sim, 2)->message, "allocated at order 2") != NULL);
	ck_assert(strstr(sim_bug_at(sim, 3)->message, "order 11") != NULL);
	ck_assert(strstr(sim_bug_at(sim, 4)->message, "outside every zone") != NULL);
	ck_assert(strstr(sim_bug_at(sim, 6)->message, "per-CPU list") != NULL);
	/* the kernel log has the lines too */
	ck_assert(strstr(sim_log_text(sim), "BUG: Bad page state") != NULL);
	/* state intact: only the one good free changed anything */
	validate(sim);
	pgalloc_drain_all_pages(sim, NULL);
	after = proc(sim, "buddyinfo");
	ck_assert_str_eq(after, "Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0      4 \n");
	free(before);
	free(after);
	sim_free(sim);
}
END_TEST

START_TEST(test_bad_alloc_order)
{
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, -1, true);
	pfn_t pfn = 77;

	ck_assert_int_eq(pgalloc_alloc(sim, 11, GFP_KERNEL, &pfn), SIM_EINVAL);
	ck_assert_uint_eq(pfn, 77);
	ck_assert_str_eq(sim_last_reason(sim), "order 11 out of range (0..10)");
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	ck_assert_int_eq(sim_bug_at(sim, 0)->kind, SIM_BUG_WARN);
	ck_assert(strstr(sim_bug_at(sim, 0)->message, "MAX_PAGE_ORDER") != NULL);
	/* __GFP_NOWARN silences the warning, not the failure */
	ck_assert_int_eq(sim_alloc_pages(sim, -1, GFP_KERNEL | __GFP_NOWARN, &pfn), SIM_EINVAL);
	ck_assert_str_eq(sim_last_reason(sim), "order -1 out of range (0..10)");
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	/* invalid zone modifiers and mobility hints are misuse */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, __GFP_DMA | __GFP_DMA32, &pfn), SIM_EINVAL);
	ck_assert(strstr(sim_last_reason(sim), "zone modifier") != NULL);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, __GFP_MOVABLE | __GFP_RECLAIMABLE, &pfn),
			 SIM_EINVAL);
	validate(sim);
	ck_assert_uint_eq(zone_of(sim, 0, ZONE_DMA32)->nr_free_pages, 4096);
	sim_free(sim);
}
END_TEST

START_TEST(test_enomem_reason_and_atomicity)
{
	/* DMA32 of 4096 pages: default min_free_kbytes isqrt(16*16384) = 512
	 * kB -> min 128, low 160, high 192 */
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, -1, false);
	struct zone *z = zone_of(sim, 0, ZONE_DMA32);
	char *before, *after;
	pfn_t pfn = 99;
	unsigned n = 0;

	/* the fast path alone: the slow path would go on down to min */
	sim_set_slowpath(sim, false);
	ck_assert_uint_eq(low_wmark_pages(z), 160);
	/* order-5 blocks until the fast path refuses: it needs free - 31 > 160 */
	while (pgalloc_alloc(sim, 5, GFP_KERNEL, &pfn) == SIM_OK)
		n++;
	/* 4096 free: the allocation with 192 free (free - 31 = 161) is the
	 * last one; 4096 - 192 = 3904 = 122 blocks, then one more */
	ck_assert_uint_eq(n, 123);
	ck_assert_uint_eq(z->nr_free_pages, 160);
	ck_assert_str_eq(sim_last_reason(sim),
			 "order 5 unavailable in zone DMA32 (below low watermark: 129 free, needs more than 160 + 0 protected)");
	ck_assert_uint_eq(sim->stats.alloc_fail, 1);
	/* failure changes nothing */
	before = proc(sim, "zoneinfo");
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_ENOMEM);
	after = proc(sim, "zoneinfo");
	ck_assert_str_eq(before, after);
	ck_assert(strstr(sim_last_reason(sim), "below low watermark: 160 free") != NULL);
	validate(sim);
	free(before);
	free(after);
	sim_free(sim);
}
END_TEST

START_TEST(test_enomem_no_zone)
{
	/* GFP_DMA on a machine without ZONE_DMA */
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, -1, true);
	pfn_t pfn;

	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_DMA, &pfn), SIM_ENOMEM);
	ck_assert_str_eq(sim_last_reason(sim),
			 "order 0: no populated zone at or below DMA on node 0");
	sim_free(sim);
}
END_TEST

/* ---- Zone fallback ---- */

START_TEST(test_zonelist_fallback_and_protection)
{
	/* 256 MiB: DMA 4096 pages, DMA32 61440.  min_free_kbytes =
	 * isqrt(16 * 262144) = 2048 -> pages_min 512: DMA min 32 low 40,
	 * DMA32 min 480 low 600; DMA's protection against a DMA32-or-higher
	 * request: 61440/256 = 240.  pcp off, so counts are exact. */
	struct sim_config cfg;
	struct sim *sim;
	struct zone *dma, *dma32;
	pfn_t pfn;
	unsigned n = 0;

	sim_config_init(&cfg);
	cfg.cpus = 1;
	cfg.pcp = false;
	sim = tu_sim_cfg(&cfg);
	sim_set_slowpath(sim, false);	/* the fast path's fallback alone */
	dma = zone_of(sim, 0, ZONE_DMA);
	dma32 = zone_of(sim, 0, ZONE_DMA32);
	ck_assert_uint_eq(low_wmark_pages(dma32), 600);
	ck_assert_uint_eq(low_wmark_pages(dma), 40);
	ck_assert_int_eq(dma->lowmem_reserve[ZONE_NORMAL], 240);
	/* GFP_KERNEL (highest zone Normal, absent) prefers DMA32: 59 blocks of
	 * order 10 pass (the 59th with 2048 - 1023 = 1025 > 600 free) */
	while (dma32->nr_free_pages > 1700) {
		pfn = alloc_ok(sim, 10, GFP_KERNEL);
		ck_assert_uint_ge(pfn, 4096);
		n++;
	}
	ck_assert_uint_eq(n, 59);
	/* order 0 then: DMA32 down to its low mark (1024 - 600 = 424 pages),
	 * then DMA down to low + protection = 280 (4096 - 280 = 3816), then
	 * nothing more for GFP_KERNEL */
	n = 0;
	while (pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn) == SIM_OK)
		n++;
	ck_assert_uint_eq(n, 424 + 3816);
	ck_assert_uint_eq(dma32->nr_free_pages, 600);
	ck_assert_uint_eq(dma->nr_free_pages, 280);
	ck_assert(strstr(sim_last_reason(sim), "zone DMA32 (below low watermark") != NULL);
	ck_assert(strstr(sim_last_reason(sim), "1 lower zone failed too") != NULL);
	/* a GFP_DMA request is judged without the protection: 240 more */
	n = 0;
	while (pgalloc_alloc(sim, 0, GFP_DMA, &pfn) == SIM_OK) {
		ck_assert_uint_lt(pfn, 4096);
		n++;
	}
	ck_assert_uint_eq(n, 240);
	ck_assert_uint_eq(dma->nr_free_pages, 40);
	ck_assert_uint_eq(sim->stats.pgalloc_dma, 3816 + 240);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_numa_locality)
{
	struct sim_config cfg;
	struct sim *sim;
	pfn_t pfn;

	/* two nodes of Normal memory, CPU 0 on node 0 and CPU 1 on node 1 */
	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_NORMAL] = 8192;
	cfg.nodes = 2;
	cfg.cpus = 2;
	sim = tu_sim_cfg(&cfg);
	sim_set_cpu(sim, 1);
	pfn = alloc_ok(sim, 0, GFP_KERNEL);
	ck_assert_int_eq(page_node(sim, pfn), 1);
	ck_assert_uint_eq(zone_of(sim, 1, ZONE_NORMAL)->numa_hit, 1);
	ck_assert_uint_eq(zone_of(sim, 1, ZONE_NORMAL)->numa_local, 1);
	/* __GFP_THISNODE from node 0 stays on node 0 */
	sim_set_cpu(sim, 0);
	pfn = alloc_ok(sim, 0, GFP_KERNEL | __GFP_THISNODE);
	ck_assert_int_eq(page_node(sim, pfn), 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Per-CPU lists ---- */

START_TEST(test_pcp_refill_lifo_and_decay)
{
	/*
	 * 256 MiB: DMA32 batch = rounddown_pow2(15 + 7) - 1 = 15 (61440 >> 10
	 * = 60, /4 = 15); high_min = max(low 600 / 2 CPUs, 60) = 300,
	 * high_max = max(61440 / 8 / 2, 60) = 3840.
	 */
	struct sim *sim = tu_sim_new(UINT64_C(256) << 20, 2);
	struct zone *z = zone_of(sim, 0, ZONE_DMA32);
	struct per_cpu_pages *pcp = &z->pcp[0];
	pfn_t first, again;

	ck_assert_int_eq(pcp->batch, 15);
	ck_assert_int_eq(pcp->high_min, 300);
	ck_assert_int_eq(pcp->high_max, 3840);
	/*
	 * First order-0 request: the list is empty; nr_pcp_alloc: high =
	 * clamp(0, 300, 3840) = 300, raised by a batch to 315 (zone above its
	 * high mark); max_nr = max(315 - 0 - 15, 15) = 300 >= 15: alloc_factor
	 * becomes 1; batch 15.  15 pages come in, one goes out.
	 */
	first = alloc_ok(sim, 0, GFP_KERNEL);
	ck_assert_int_eq(pcp->count, 14);
	ck_assert_int_eq(pcp->high, 315);
	ck_assert_int_eq(pcp->alloc_factor, 1);
	ck_assert_uint_eq(sim->stats.pcp_refill, 1);
	/* NR_FREE_PAGES excludes pcp pages: 61440 - 15 */
	ck_assert_uint_eq(z->nr_free_pages, 61440 - 15);
	ck_assert_uint_eq(z->nr_use[PAGE_USE_PCP], 14);
	/* refills append in address order; pops take the head */
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_KERNEL), first + 1);
	/* LIFO: a freed page is the next one handed out */
	pgalloc_free(sim, first, 0);
	ck_assert_int_eq(pcp->count, 14);
	again = alloc_ok(sim, 0, GFP_KERNEL);
	ck_assert_uint_eq(again, first);
	/* another CPU has its own lists */
	sim_set_cpu(sim, 1);
	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_KERNEL), first + 15);
	ck_assert_int_eq(z->pcp[1].count, 14);
	sim_set_cpu(sim, 0);
	/*
	 * Decay, once a second: high > high_min, so high = max(count - 15*32,
	 * 315 - 315/8, 300) = max(-467, 276, 300) = 300; count 13 <= 300,
	 * nothing drained.  A second later high == high_min: unchanged.
	 */
	sim_advance(sim, SIM_NSEC_PER_SEC);
	ck_assert_int_eq(pcp->high, 300);
	ck_assert_int_eq(pcp->count, 13);
	sim_advance(sim, SIM_NSEC_PER_SEC);
	ck_assert_int_eq(pcp->high, 300);
	validate(sim);
	/* drain_all_pages empties every list; the memory merges back */
	pgalloc_free(sim, first, 0);
	pgalloc_free(sim, first + 1, 0);
	sim_set_cpu(sim, 1);
	pgalloc_free(sim, first + 15, 0);
	pgalloc_drain_all_pages(sim, NULL);
	ck_assert_int_eq(pcp->count, 0);
	ck_assert_int_eq(z->pcp[1].count, 0);
	ck_assert_uint_eq(z->nr_free_pages, 61440);
	ck_assert_uint_eq(z->free_area[SIM_MAX_ORDER].nr_free, 60);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_pcp_free_drains_above_high)
{
	struct sim *sim = tu_sim_new(UINT64_C(256) << 20, 1);
	struct zone *z = zone_of(sim, 0, ZONE_DMA32);
	struct per_cpu_pages *pcp = &z->pcp[0];
	pfn_t *p = malloc(9000 * sizeof *p);
	uint64_t drains;

	/* one CPU: high_min = low 600, high_max = 61440 / 8 = 7680, batch 15 */
	ck_assert_int_eq(pcp->high_min, 600);
	ck_assert_int_eq(pcp->high_max, 7680);
	/* every refill raises high by its batch (15, 30, ... 480 as the
	 * alloc_factor grows): 9000 allocations take it to high_max */
	for (int i = 0; i < 9000; i++)
		p[i] = alloc_ok(sim, 0, GFP_KERNEL);
	ck_assert_int_eq(pcp->high, 7680);
	drains = sim->stats.pcp_drain;
	ck_assert_uint_eq(drains, 0);
	for (int i = 0; i < 9000; i++) {
		pgalloc_free(sim, p[i], 0);
		/* a free that reaches high drains: the list stays below it */
		ck_assert_int_lt(pcp->count, pcp->high);
	}
	/* free_count caps at batch << 5 = 480, so drains take
	 * clamp(480, 15, high - 15) = 480 pages each */
	ck_assert_uint_gt(sim->stats.pcp_drain, drains);
	ck_assert_uint_eq(sim->stats.pgfree, 9000);
	ck_assert_uint_eq(sim->stats.pgalloc_dma32, 9000);
	/* conservation: buddy + pcp == managed */
	ck_assert_uint_eq(z->nr_free_pages + (unsigned long)pcp->count, 61440);
	/* a minute of decay brings high back to high_min and drains the rest */
	sim_advance(sim, 60 * SIM_NSEC_PER_SEC);
	ck_assert_int_eq(pcp->high, pcp->high_min);
	ck_assert_int_le(pcp->count, pcp->high_min);
	validate(sim);
	free(p);
	sim_free(sim);
}
END_TEST

START_TEST(test_pcp_off_and_thp_order)
{
	struct sim_config cfg;
	struct sim *sim;
	struct zone *z;
	pfn_t pfn;

	/* pcp off: frees go straight back and merge */
	sim = tu_sim_zones(0, 4096, 0, 0, 1, -1, false);
	z = zone_of(sim, 0, ZONE_DMA32);
	pfn = alloc_ok(sim, 0, GFP_KERNEL);
	ck_assert_int_eq(z->pcp[0].count, 0);
	pgalloc_free(sim, pfn, 0);
	ck_assert_uint_eq(z->free_area[SIM_MAX_ORDER].nr_free, 4);
	sim_free(sim);

	/* THP: order 9 is cached too, on its own list */
	sim_config_init(&cfg);
	cfg.thp = true;
	sim = tu_sim_cfg(&cfg);
	z = zone_of(sim, 0, ZONE_DMA32);
	/* nr_pcp_alloc at order 9: max(batch >> 9, 2) = 2 blocks come in */
	pfn = alloc_ok(sim, 9, GFP_HIGHUSER_MOVABLE);
	ck_assert_int_eq(z->pcp[0].count, 512);
	ck_assert_uint_eq(z->pcp[0].lists[NR_LOWORDER_PCP_LISTS + 1].nr, 1);
	pgalloc_free(sim, pfn, 9);
	ck_assert_int_eq(z->pcp[0].count, 1024);
	ck_assert_uint_eq(z->pcp[0].lists[NR_LOWORDER_PCP_LISTS + 1].nr, 2);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Page use, addresses ---- */

START_TEST(test_page_use_owner_and_addresses)
{
	struct sim *sim = tu_sim_zones(1024, 4096, 2048, 0, 1, -1, false);
	struct zone *z;
	pfn_t pfn = alloc_ok(sim, 3, GFP_KERNEL);
	struct sim_page_info pi;

	z = &sim->pg->nodes[0].zones[page_zone_idx(sim, pfn)];
	ck_assert_int_eq(page_zone_idx(sim, pfn), ZONE_NORMAL);
	ck_assert_int_eq(page_use(sim, pfn + 5), PAGE_USE_KERNEL);
	ck_assert_uint_eq(page_owner(sim, pfn + 5), 0);
	page_set_use(sim, pfn, 8, PAGE_USE_SLAB, 42);
	/* every page of the block answers for it, tails included */
	for (pfn_t p = pfn; p < pfn + 8; p++) {
		ck_assert_int_eq(page_use(sim, p), PAGE_USE_SLAB);
		ck_assert_uint_eq(page_owner(sim, p), 42);
		ck_assert_uint_eq(page_block_head(sim, p), pfn);
	}
	ck_assert_uint_eq(z->nr_use[PAGE_USE_SLAB], 8);
	ck_assert_uint_eq(z->nr_use[PAGE_USE_KERNEL], 0);
	ck_assert_int_eq(page_use(sim, pfn + 8), PAGE_USE_FREE);
	ck_assert_uint_eq(sim_vmstat_value(sim, 12), 8);	/* nr_slab_pages */
	ck_assert_str_eq(sim_vmstat_name(12), "nr_slab_pages");
	/* addresses: the direct map */
	ck_assert_uint_eq(pfn_to_addr(pfn), SIM_DIRECT_MAP_BASE + pfn * 4096);
	ck_assert_uint_eq(addr_to_pfn(pfn_to_addr(pfn) + 4095), pfn);
	ck_assert(!pfn_valid(sim, addr_to_pfn(0x1000)));
	/* holes between zones are not pages */
	ck_assert(pfn_valid(sim, 0));
	ck_assert(!pfn_valid(sim, 1024));	/* DMA ends at 1024, DMA32 starts at 4096 */
	ck_assert(pfn_valid(sim, 4096));
	ck_assert_int_eq(page_zone_idx(sim, 1024), -1);
	ck_assert_int_eq(page_use(sim, 1024), PAGE_USE_RESERVED);
	ck_assert_int_eq(sim_page_info(sim, pfn + 2, &pi), SIM_OK);
	ck_assert_uint_eq(pi.head, pfn);
	ck_assert_uint_eq(pi.order, 3);
	ck_assert_str_eq(pi.state, "slab");
	ck_assert_str_eq(pi.zone_name, "Normal");
	ck_assert_str_eq(pi.migratetype_name, "Unmovable");
	ck_assert_int_eq(sim_page_info(sim, 2000, &pi), SIM_EINVAL);
	/* freeing returns the pages whatever their use */
	pgalloc_free(sim, pfn, 3);
	ck_assert_uint_eq(z->nr_use[PAGE_USE_SLAB], 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_events_costs_and_counters)
{
	struct sim *sim = tu_sim_zones(0, 4096, 0, 0, 1, -1, false);
	pfn_t pfn;
	sim_time_t t0 = sim_now(sim);

	ck_assert_uint_eq(t0, 0);	/* boot is free */
	pfn = alloc_ok(sim, 0, GFP_HIGHUSER_MOVABLE);
	/* two watermark checks? no: the zone is above high, one check; the
	 * buddy path; a split from order 10 down to 0: 10 levels */
	ck_assert_uint_eq(sim_now(sim), 10 + 150 + 10 * 25);
	ck_assert_uint_eq(sim->stats.pgalloc_dma32, 1);
	pgalloc_free(sim, pfn, 0);
	/* buddy free with 10 merges */
	ck_assert_uint_eq(sim_now(sim), 410 + 120 + 10 * 25);
	ck_assert_uint_eq(sim->stats.pgfree, 1);
	sim_free(sim);
}
END_TEST

/* ---- /proc texts: a tiny machine, by hand ---- */

/*
 * zones = {DMA = 1024, Normal = 2048}, 1 CPU, default min_free_kbytes:
 *   lowmem 3072 pages = 12288 kB, isqrt(16 * 12288 = 196608) = 443 kB,
 *   pages_min = 443 >> 2 = 110.
 *   DMA:    min 110*1024/3072 = 36, step max(9, 1) = 9:  45 54 63
 *   Normal: min 110*2048/3072 = 73, step max(18, 2) = 18: 91 109 127
 *   Movable: 32 32 32 32; Device: 0 0 0 0
 *   protection: DMA (0, 0, 2048/256 = 8, 8, 8); DMA32, Normal all 0
 *   pcp: batch 1 for both (managed >> 10 = 1 or 2, /4 = 0 -> 1 -> 0 -> 1);
 *        high_min = low / 1 CPU: 45 and 91; high_max = managed / 8: 128, 256
 *   threshold 2 * fls(1) * (1 + fls(0)) = 2
 * Then one GFP_KERNEL order-0 allocation: preferred Normal, so
 *   ALLOC_NOFRAGMENT; high 109 < 2048 free, fine.  nr_pcp_alloc: high =
 *   clamp(0, 91, 256) = 91 -> 92 (+ batch 1); max_nr = max(92 - 0 - 1, 1)
 *   = 91 so alloc_factor 1, batch 1.  rmqueue_bulk(1): UNMOVABLE is empty,
 *   CLAIM (from pageblock order, NOFRAGMENT) takes the first order-10
 *   block whole: both its pageblocks turn UNMOVABLE and expand() leaves
 *   one UNMOVABLE block of each order 0..9.  The page goes to pcp and out.
 *   Normal free 2047: buddyinfo 1 at orders 0..9, 1 at order 10 (MOVABLE).
 *   nr_free_pages_blocks: the order-9 and order-10 blocks, 512 + 1024.
 *   unusable index of Normal at order k: (2^k - 1) * 1000 / 2047:
 *   0 0 1 3 7 15 30 62 124 249 499; DMA: all 0 (one order-10 block).
 *   extfrag index: a suitable block exists at every order: -1.000.
 */
static struct sim *tiny_sim(void)
{
	struct sim *sim = tu_sim_zones(1024, 0, 2048, 0, 1, -1, true);

	ck_assert_uint_eq(alloc_ok(sim, 0, GFP_KERNEL), 1048576);
	return sim;
}

START_TEST(test_golden_buddyinfo)
{
	struct sim *sim = tiny_sim();
	char *t = proc(sim, "buddyinfo");

	ck_assert_str_eq(t,
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      1 \n"
		"Node 0, zone   Normal      1      1      1      1      1      1      1      1      1      1      1 \n");
	free(t);
	sim_free(sim);
}
END_TEST

START_TEST(test_golden_pagetypeinfo)
{
	struct sim *sim = tiny_sim();
	char *t = proc(sim, "pagetypeinfo");

	ck_assert_str_eq(t,
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      0      1 \n"
		"Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type    Unmovable      1      1      1      1      1      1      1      1      1      1      0 \n"
		"Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0      1 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n"
		"Node 0, zone      DMA            0            2            0            0 \n"
		"Node 0, zone   Normal            2            2            0            0 \n");
	free(t);
	sim_free(sim);
}
END_TEST

START_TEST(test_golden_extfrag)
{
	struct sim *sim = tiny_sim();
	char *t = proc(sim, "extfrag/unusable_index");

	ck_assert_str_eq(t,
		"Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 \n"
		"Node 0, zone   Normal 0.000 0.000 0.001 0.003 0.007 0.015 0.030 0.062 0.124 0.249 0.499 \n");
	free(t);
	t = proc(sim, "extfrag/extfrag_index");
	ck_assert_str_eq(t,
		"Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n"
		"Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n");
	free(t);
	sim_free(sim);
}
END_TEST

START_TEST(test_golden_zoneinfo)
{
	struct sim *sim = tiny_sim();
	char *t = proc(sim, "zoneinfo");

	ck_assert_str_eq(t,
		"Node 0, zone      DMA"
		"\n  per-node stats"
		"\n      nr_anon_pages 0"
		"\n      nr_file_pages 0"
		"\n  pages free     1024"
		"\n        boost    0"
		"\n        min      36"
		"\n        low      45"
		"\n        high     54"
		"\n        promo    63"
		"\n        spanned  1024"
		"\n        present  1024"
		"\n        managed  1024"
		"\n        cma      0"
		"\n        protection: (0, 0, 8, 8, 8)"
		"\n      nr_free_pages 1024"
		"\n      nr_free_pages_blocks 1024"
		"\n      nr_free_cma  0"
		"\n      numa_hit     0"
		"\n      numa_miss    0"
		"\n      numa_foreign 0"
		"\n      numa_interleave 0"
		"\n      numa_local   0"
		"\n      numa_other   0"
		"\n  pagesets"
		"\n    cpu: 0"
		"\n              count:    0"
		"\n              high:     0"
		"\n              batch:    1"
		"\n              high_min: 45"
		"\n              high_max: 128"
		"\n  vm stats threshold: 2"
		"\n  node_unreclaimable:  0"
		"\n  start_pfn:           0"
		"\n"
		"Node 0, zone    DMA32"
		"\n  pages free     0"
		"\n        boost    0"
		"\n        min      0"
		"\n        low      0"
		"\n        high     0"
		"\n        promo    0"
		"\n        spanned  0"
		"\n        present  0"
		"\n        managed  0"
		"\n        cma      0"
		"\n        protection: (0, 0, 0, 0, 0)"
		"\n"
		"Node 0, zone   Normal"
		"\n  pages free     2047"
		"\n        boost    0"
		"\n        min      73"
		"\n        low      91"
		"\n        high     109"
		"\n        promo    127"
		"\n        spanned  2048"
		"\n        present  2048"
		"\n        managed  2048"
		"\n        cma      0"
		"\n        protection: (0, 0, 0, 0, 0)"
		"\n      nr_free_pages 2047"
		"\n      nr_free_pages_blocks 1536"
		"\n      nr_free_cma  0"
		"\n      numa_hit     1"
		"\n      numa_miss    0"
		"\n      numa_foreign 0"
		"\n      numa_interleave 0"
		"\n      numa_local   1"
		"\n      numa_other   0"
		"\n  pagesets"
		"\n    cpu: 0"
		"\n              count:    0"
		"\n              high:     92"
		"\n              batch:    1"
		"\n              high_min: 91"
		"\n              high_max: 256"
		"\n  vm stats threshold: 2"
		"\n  node_unreclaimable:  0"
		"\n  start_pfn:           1048576"
		"\n"
		"Node 0, zone  Movable"
		"\n  pages free     0"
		"\n        boost    0"
		"\n        min      32"
		"\n        low      32"
		"\n        high     32"
		"\n        promo    32"
		"\n        spanned  0"
		"\n        present  0"
		"\n        managed  0"
		"\n        cma      0"
		"\n        protection: (0, 0, 0, 0, 0)"
		"\n"
		"Node 0, zone   Device"
		"\n  pages free     0"
		"\n        boost    0"
		"\n        min      0"
		"\n        low      0"
		"\n        high     0"
		"\n        promo    0"
		"\n        spanned  0"
		"\n        present  0"
		"\n        managed  0"
		"\n        cma      0"
		"\n        protection: (0, 0, 0, 0, 0)"
		"\n");
	free(t);
	sim_free(sim);
}
END_TEST

START_TEST(test_vmstat_text)
{
	struct sim *sim = tiny_sim();
	char *t = proc(sim, "vmstat");

	ck_assert(strncmp(t, "nr_free_pages 3071\nnr_free_pages_blocks 2560\n", 45) == 0);
	ck_assert(strstr(t, "\npgalloc_normal 1\n") != NULL);
	ck_assert(strstr(t, "\npcp_refill 1\n") != NULL);
	ck_assert(strstr(t, "\nextfrag_fallback 1\n") != NULL);
	free(t);
	ck_assert_int_eq(sim_proc_read(sim, "slabinfo", &t), SIM_ENOENT);
	ck_assert_ptr_null(t);
	sim_free(sim);
}
END_TEST

/* ---- Fragmentation indices ---- */

START_TEST(test_frag_reference_buddyinfo)
{
	/*
	 * The Normal zone of tests/data/buddyinfo-6.18.txt:
	 *   810 551 390 229 99 71 26 18 6 7 60
	 * free pages = 810 + 1102 + 1560 + 1832 + 1584 + 2272 + 1664 + 2304
	 *              + 1536 + 3584 + 61440 = 79688 (= its zoneinfo nr_free_pages)
	 * pages in blocks below order k: 0, 810, 1912, 3472, 5304, 6888, 9160,
	 * 10824, 13128, 14664, 18248; times 1000 / 79688:
	 *   0 10 23 43 66 86 114 135 164 184 228 (kernel-model §5.1)
	 * Every order has a suitable block: fragmentation index -1000;
	 * extfrag_for_order(9) = 14664 * 100 / 79688 = 18 %.
	 */
	static const int want[SIM_NR_ORDERS] = { 0, 10, 23, 43, 66, 86, 114, 135, 164, 184, 228 };
	unsigned long nr[SIM_NR_ORDERS];
	char path[512], *text, *line;
	struct zone z;

	text = tu_read_file(tu_data_path("tests/data/buddyinfo-6.18.txt", 0, path, sizeof path));
	ck_assert_msg(text != NULL, "cannot read %s", path);
	line = strstr(text, "Normal");
	ck_assert_ptr_nonnull(line);
	line += strlen("Normal");
	memset(&z, 0, sizeof z);
	for (int o = 0; o < SIM_NR_ORDERS; o++) {
		nr[o] = strtoul(line, &line, 10);
		z.free_area[o].nr_free = nr[o];
	}
	ck_assert_uint_eq(nr[0], 810);
	ck_assert_uint_eq(nr[10], 60);
	for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
		ck_assert_int_eq(zone_unusable_free_index(&z, o), want[o]);
		ck_assert_int_eq(zone_fragmentation_index(&z, o), -1000);
	}
	ck_assert_uint_eq(zone_extfrag_for_order(&z, 9), 18);
	free(text);
}
END_TEST

START_TEST(test_frag_index_failing_orders)
{
	struct zone z;

	/*
	 * 100 free order-0 and 10 order-1 blocks: 120 pages in 110 blocks.
	 *   order 1: a suitable block exists: -1000
	 *   order 2: 1000 - (1000 + 120*1000/4) / 110 = 1000 - 31000/110
	 *            = 1000 - 281 = 719 (fragmentation, mostly)
	 *   order 3: 1000 - (1000 + 15000)/110 = 1000 - 145 = 855
	 *   unusable at order 2: all 120 pages: 1000
	 * No free block at all: fragmentation index 0, unusable 1000.
	 */
	memset(&z, 0, sizeof z);
	z.free_area[0].nr_free = 100;
	z.free_area[1].nr_free = 10;
	ck_assert_int_eq(zone_fragmentation_index(&z, 1), -1000);
	ck_assert_int_eq(zone_fragmentation_index(&z, 2), 719);
	ck_assert_int_eq(zone_fragmentation_index(&z, 3), 855);
	ck_assert_int_eq(zone_unusable_free_index(&z, 1), 833);	/* 100*1000/120 */
	ck_assert_int_eq(zone_unusable_free_index(&z, 2), 1000);
	/* 2 free order-0 pages, order 2: 1000 - (1000 + 2*1000/4) / 2 = 250
	 * (the division is exact: the kernel's 1000 + ..., not 999 + ...) */
	memset(&z, 0, sizeof z);
	z.free_area[0].nr_free = 2;
	ck_assert_int_eq(zone_fragmentation_index(&z, 2), 250);
	/*
	 * compaction_suitable() for a costly order: the watermark (here 0) plus
	 * compact_gap 2 << 4 = 32 pages, then an index at or below the extfrag
	 * threshold (500) blames lack of memory, not fragmentation.  4 order-2
	 * and 3 order-3 blocks, 40 pages: 1000 - (1000 + 2500) / 7 = 500, not
	 * suitable; one order-0 page more, 41 pages in 8 blocks:
	 * 1000 - (1000 + 2562) / 8 = 555, suitable.
	 */
	memset(&z, 0, sizeof z);
	z.free_area[2].nr_free = 4;
	z.free_area[3].nr_free = 3;
	z.nr_free_pages = 40;
	ck_assert_int_eq(zone_fragmentation_index(&z, 4), 500);
	ck_assert(!compaction_suitable(&z, 4, 0, 0));
	z.free_area[0].nr_free = 1;
	z.nr_free_pages = 41;
	ck_assert_int_eq(zone_fragmentation_index(&z, 4), 555);
	ck_assert(compaction_suitable(&z, 4, 0, 0));
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(zone_fragmentation_index(&z, 4), 0);
	ck_assert_int_eq(zone_unusable_free_index(&z, 4), 1000);
	ck_assert_uint_eq(zone_extfrag_for_order(&z, 9), 0);
}
END_TEST

START_TEST(test_big_machine_starts)
{
	/* 64 GiB: 16 Mi page frames; boot frees 16384 blocks, lazily backed */
	struct sim *sim = tu_sim_new(UINT64_C(64) << 30, 2);
	pfn_t pfn = alloc_ok(sim, 0, GFP_KERNEL);

	ck_assert_int_eq(page_zone_idx(sim, pfn), ZONE_NORMAL);
	ck_assert_uint_eq(zone_of(sim, 0, ZONE_NORMAL)->managed, (UINT64_C(60) << 30) >> 12);
	pgalloc_free(sim, pfn, 0);
	sim_free(sim);
}
END_TEST

static Suite *page_alloc_suite(void)
{
	Suite *s = suite_create("page_alloc");
	TCase *bad = tcase_create("bad");
	TCase *path = tcase_create("path");
	TCase *pcp = tcase_create("pcp");
	TCase *text = tcase_create("proc");

	tcase_add_test(bad, test_bad_frees_are_reported_and_ignored);
	tcase_add_test(bad, test_bad_alloc_order);
	tcase_add_test(bad, test_enomem_reason_and_atomicity);
	tcase_add_test(bad, test_enomem_no_zone);
	tcase_add_test(path, test_zonelist_fallback_and_protection);
	tcase_add_test(path, test_numa_locality);
	tcase_add_test(path, test_page_use_owner_and_addresses);
	tcase_add_test(path, test_events_costs_and_counters);
	tcase_add_test(path, test_big_machine_starts);
	tcase_add_test(pcp, test_pcp_refill_lifo_and_decay);
	tcase_add_test(pcp, test_pcp_free_drains_above_high);
	tcase_add_test(pcp, test_pcp_off_and_thp_order);
	tcase_add_test(text, test_golden_buddyinfo);
	tcase_add_test(text, test_golden_pagetypeinfo);
	tcase_add_test(text, test_golden_extfrag);
	tcase_add_test(text, test_golden_zoneinfo);
	tcase_add_test(text, test_vmstat_text);
	tcase_add_test(text, test_frag_reference_buddyinfo);
	tcase_add_test(text, test_frag_index_failing_orders);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, path);
	suite_add_tcase(s, pcp);
	suite_add_tcase(s, text);
	return s;
}

int main(void)
{
	return tu_run_suite(page_alloc_suite());
}

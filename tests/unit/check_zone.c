/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_zone.c - zone layout, watermarks, lowmem_reserve, pcp sizes,
 * watermark checks and boost, zonelists; against the kernel's formulas and
 * a real 6.18 machine's /proc/zoneinfo */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compaction.h"
#include "page_alloc.h"
#include "state.h"
#include "testutil.h"

/* the managed pages of tests/data/zoneinfo-6.18.txt (2 CPUs, 1 node) */
#define REF_DMA		3840
#define REF_DMA32	772918
#define REF_NORMAL	294912
#define REF_MIN_FREE_KB	67584	/* the THP raise, kernel-model §2.1 */

static struct sim *ref_sim(void)
{
	return tu_sim_zones(REF_DMA, REF_DMA32, REF_NORMAL, 0, 2, REF_MIN_FREE_KB, true);
}

static struct zone *zone_of(struct sim *sim, unsigned nid, enum zone_type zt)
{
	return &sim->pg->nodes[nid].zones[zt];
}

/* ---- The reference machine ---- */

START_TEST(test_reference_watermarks)
{
	struct sim *sim = ref_sim();
	struct zone *dma = zone_of(sim, 0, ZONE_DMA);
	struct zone *dma32 = zone_of(sim, 0, ZONE_DMA32);
	struct zone *normal = zone_of(sim, 0, ZONE_NORMAL);
	struct zone *movable = zone_of(sim, 0, ZONE_MOVABLE);
	struct zone *device = zone_of(sim, 0, ZONE_DEVICE);

	/*
	 * pages_min = 67584 kB >> 2 = 16896; lowmem = 3840 + 772918 + 294912
	 * = 1071670.  tmp = 16896 * managed / lowmem; step = max(tmp >> 2,
	 * managed * 10 / 10000); low = min + step, high = low + step,
	 * promo = high + step.
	 *   DMA:    16896*3840/1071670 = 60;     step max(15, 3) = 15
	 *   DMA32:  16896*772918/1071670 = 12185; step max(3046, 772) = 3046
	 *   Normal: 16896*294912/1071670 = 4649;  step max(1162, 294) = 1162
	 *   Movable: clamp(0/1024, 32, 128) = 32, step 0
	 *   Device: tmp 0 (neither highmem nor movable), step 0
	 */
	ck_assert_uint_eq(min_wmark_pages(dma), 60);
	ck_assert_uint_eq(low_wmark_pages(dma), 75);
	ck_assert_uint_eq(high_wmark_pages(dma), 90);
	ck_assert_uint_eq(promo_wmark_pages(dma), 105);
	ck_assert_uint_eq(min_wmark_pages(dma32), 12185);
	ck_assert_uint_eq(low_wmark_pages(dma32), 15231);
	ck_assert_uint_eq(high_wmark_pages(dma32), 18277);
	ck_assert_uint_eq(promo_wmark_pages(dma32), 21323);
	ck_assert_uint_eq(min_wmark_pages(normal), 4649);
	ck_assert_uint_eq(low_wmark_pages(normal), 5811);
	ck_assert_uint_eq(high_wmark_pages(normal), 6973);
	ck_assert_uint_eq(promo_wmark_pages(normal), 8135);
	ck_assert_uint_eq(min_wmark_pages(movable), 32);
	ck_assert_uint_eq(promo_wmark_pages(movable), 32);
	ck_assert_uint_eq(min_wmark_pages(device), 0);
	ck_assert_uint_eq(promo_wmark_pages(device), 0);
	sim_free(sim);
}
END_TEST

START_TEST(test_reference_protection)
{
	struct sim *sim = ref_sim();
	/*
	 * lowmem_reserve[j] of zone i = (managed of zones i+1..j) / ratio[i]:
	 *   DMA (256):   j=1: 772918/256 = 3019; j>=2: 1067830/256 = 4171
	 *   DMA32 (256): j>=2: 294912/256 = 1152
	 *   Normal (32): Movable is empty: 0
	 */
	static const long want[3][SIM_NR_ZONES] = {
		{ 0, 3019, 4171, 4171, 4171 },
		{ 0, 0, 1152, 1152, 1152 },
		{ 0, 0, 0, 0, 0 },
	};

	for (int zi = 0; zi < 3; zi++)
		for (int j = 0; j < SIM_NR_ZONES; j++)
			ck_assert_int_eq(zone_of(sim, 0, zi)->lowmem_reserve[j], want[zi][j]);
	sim_free(sim);
}
END_TEST

START_TEST(test_reference_pagesets)
{
	struct sim *sim = ref_sim();
	/*
	 * batch = rounddown_pow2(b + b/2) - 1 with b = min(managed >> 10, 256) / 4:
	 *   DMA: 3840>>10 = 3, /4 = 0 -> 1 -> rounddown(1) - 1 = 0 -> max(1, 0) = 1
	 *   DMA32, Normal: 256/4 = 64 -> 96 -> 64 - 1 = 63
	 * high_min = max(low / 2 CPUs, 4 * batch), high_max = max(managed / 8 / 2, 4 * batch):
	 *   DMA 75/2 = 37, 3840/16 = 240; DMA32 15231/2 = 7615, 772918/16 = 48307;
	 *   Normal 5811/2 = 2905, 294912/16 = 18432
	 * vm stats threshold = min(125, 2 * fls(2 CPUs) * (1 + fls(managed >> 15))):
	 *   DMA fls(0) = 0 -> 4; DMA32 fls(23) = 5 -> 24; Normal fls(9) = 4 -> 20
	 */
	static const int want[3][4] = {
		{ 1, 37, 240, 4 }, { 63, 7615, 48307, 24 }, { 63, 2905, 18432, 20 },
	};

	for (int zi = 0; zi < 3; zi++) {
		struct zone *z = zone_of(sim, 0, zi);

		for (unsigned cpu = 0; cpu < 2; cpu++) {
			ck_assert_int_eq(z->pcp[cpu].batch, want[zi][0]);
			ck_assert_int_eq(z->pcp[cpu].high_min, want[zi][1]);
			ck_assert_int_eq(z->pcp[cpu].high_max, want[zi][2]);
			ck_assert_int_eq(z->pcp[cpu].high, 0);	/* boot value */
		}
		ck_assert_int_eq(z->stat_threshold, want[zi][3]);
	}
	sim_free(sim);
}
END_TEST

/* the line of @text's section for zone @zone whose trimmed text starts with @key */
static const char *field(const char *text, const char *zone, const char *key,
			 char *buf, size_t len)
{
	char hdr[64];
	const char *p, *end;

	snprintf(hdr, sizeof hdr, "zone %8s", zone);
	p = strstr(text, hdr);
	ck_assert_msg(p != NULL, "no section for zone %s", zone);
	end = strstr(p + 1, "Node ");
	for (p = strchr(p, '\n'); p && (!end || p < end); p = strchr(p + 1, '\n')) {
		const char *q = p + 1;
		size_t n;

		while (*q == ' ')
			q++;
		if (strncmp(q, key, strlen(key)) == 0) {
			n = strcspn(q, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, q, n);
			buf[n] = '\0';
			return buf;
		}
	}
	ck_abort_msg("zone %s has no line %s", zone, key);
	return NULL;
}

START_TEST(test_reference_zoneinfo_lines)
{
	/* kmemsim's /proc/zoneinfo against the real machine's, line by line,
	 * for every field the model computes (not free/spanned/present, which
	 * depend on the real machine's history and firmware) */
	static const char *const zones[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
	static const char *const keys[] = {
		"min ", "low ", "high ", "promo ", "managed ", "cma ", "protection:",
		"batch:", "high_min:", "high_max:", "vm stats threshold:",
	};
	struct sim *sim = ref_sim();
	char path[512], *real, *ours, a[256], b[256];

	real = tu_read_file(tu_data_path("tests/data/zoneinfo-6.18.txt", 0, path, sizeof path));
	ck_assert_msg(real != NULL, "cannot read %s", path);
	ck_assert_int_eq(sim_proc_read(sim, "zoneinfo", &ours), SIM_OK);
	for (size_t z = 0; z < ARRAY_SIZE(zones); z++) {
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			bool pcp_key = k >= 7;

			if (pcp_key && z >= 3)	/* unpopulated: no pagesets */
				continue;
			ck_assert_str_eq(field(ours, zones[z], keys[k], a, sizeof a),
					 field(real, zones[z], keys[k], b, sizeof b));
		}
	}
	free(real);
	free(ours);
	sim_free(sim);
}
END_TEST

/* ---- min_free_kbytes ---- */

START_TEST(test_min_free_kbytes_default)
{
	struct sim *sim = tu_sim_new(UINT64_C(4) << 30, 2);
	struct sim_config cfg;

	/*
	 * 4 GiB = 1048576 pages in DMA (4096) + DMA32 (1044480); at boot the
	 * watermarks are 0, so lowmem_kb = 4 * 1048576 = 4194304 and
	 * isqrt(16 * 4194304) = 8192 kB.  pages_min = 2048:
	 * DMA 2048*4096/1048576 = 8, DMA32 2048*1044480/1048576 = 2040.
	 */
	ck_assert_int_eq(sim->pg->min_free_kbytes, 8192);
	ck_assert_uint_eq(min_wmark_pages(zone_of(sim, 0, ZONE_DMA)), 8);
	ck_assert_uint_eq(min_wmark_pages(zone_of(sim, 0, ZONE_DMA32)), 2040);
	sim_free(sim);

	/*
	 * THP raise: 2 populated zones <= Normal: 512*2*2 + 512*2*3*3 = 11264
	 * pages, under 5% of lowmem (managed - high: DMA high 8+4+4 = 16,
	 * DMA32 2040+1044+1044 = 4128: (4080 + 1040352) / 20 = 52221), so
	 * min_free_kbytes = 11264 * 4 = 45056.
	 */
	sim_config_init(&cfg);
	cfg.ram_bytes = UINT64_C(4) << 30;
	cfg.thp = true;
	sim = tu_sim_cfg(&cfg);
	ck_assert_int_eq(sim->pg->min_free_kbytes, 45056);
	sim_free(sim);

	/* 2 MiB: 512 pages, isqrt(16 * 2048) = 181 kB (above the 128 floor) */
	sim = tu_sim_new(UINT64_C(2) << 20, 1);
	ck_assert_int_eq(sim->pg->min_free_kbytes, 181);
	sim_free(sim);

	/* a scenario's value wins over both (a sysctl write after boot) */
	cfg.min_free_kbytes = 1000;
	sim = tu_sim_cfg(&cfg);
	ck_assert_int_eq(sim->pg->min_free_kbytes, 1000);
	/* 250 pages: DMA32 250*1044480/1048576 = 249 */
	ck_assert_uint_eq(min_wmark_pages(zone_of(sim, 0, ZONE_DMA32)), 249);
	sim_free(sim);
}
END_TEST

START_TEST(test_ram_layout_and_reserve)
{
	struct sim *sim = tu_sim_new(UINT64_C(8) << 30, 2);
	struct zone *dma = zone_of(sim, 0, ZONE_DMA);
	struct zone *dma32 = zone_of(sim, 0, ZONE_DMA32);
	struct zone *normal = zone_of(sim, 0, ZONE_NORMAL);

	/* x86_64: DMA the first 16 MiB, DMA32 up to 4 GiB, Normal the rest */
	ck_assert_uint_eq(dma->start_pfn, 0);
	ck_assert_uint_eq(dma->managed, 4096);
	ck_assert_uint_eq(dma32->start_pfn, 4096);
	ck_assert_uint_eq(dma32->managed, 1044480);
	ck_assert_uint_eq(normal->start_pfn, 1048576);
	ck_assert_uint_eq(normal->managed, 1048576);
	/* DMA: 1044480/256 = 4080, (1044480 + 1048576)/256 = 8176;
	 * DMA32: 1048576/256 = 4096 */
	ck_assert_int_eq(dma->lowmem_reserve[1], 4080);
	ck_assert_int_eq(dma->lowmem_reserve[2], 8176);
	ck_assert_int_eq(dma->lowmem_reserve[4], 8176);
	ck_assert_int_eq(dma32->lowmem_reserve[2], 4096);
	ck_assert_int_eq(normal->lowmem_reserve[3], 0);
	/* every free block is a MAX_ORDER block: 4 + 1020 + 1024 */
	ck_assert_uint_eq(dma->free_area[SIM_MAX_ORDER].nr_free, 4);
	ck_assert_uint_eq(dma32->free_area[SIM_MAX_ORDER].nr_free, 1020);
	ck_assert_uint_eq(normal->free_area[SIM_MAX_ORDER].nr_free, 1024);
	sim_free(sim);
}
END_TEST

START_TEST(test_layout_errors)
{
	struct sim_config cfg;
	char err[256];

	/* below one pageblock: 2 MiB - 4 KiB */
	sim_config_init(&cfg);
	cfg.ram_bytes = (UINT64_C(2) << 20) - 4096;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "below one pageblock") != NULL, "%s", err);
	/* 16 TiB: 2^32 pages do not fit 32-bit pfn links */
	cfg.ram_bytes = UINT64_C(16) << 40;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "32-bit") != NULL, "%s", err);
	/* more metadata than half the host: host RAM * 256 of simulated RAM
	 * needs host RAM bytes of metadata (16 bytes per 4 KiB page) */
	{
		long np = sysconf(_SC_PHYS_PAGES), ps = sysconf(_SC_PAGESIZE);
		uint64_t host = (uint64_t)np * (uint64_t)ps;

		cfg.ram_bytes = SIM_MIN(host * 256, (UINT64_C(16) << 40) - 4096);
		ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
		ck_assert_msg(strstr(err, "host memory") || strstr(err, "32-bit"), "%s", err);
	}
	/* zones: too few pages, no lowmem zone, Device pages */
	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_NORMAL] = 511;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "below one pageblock") != NULL, "%s", err);
	cfg.zone_pages[ZONE_NORMAL] = 0;
	cfg.zone_pages[ZONE_MOVABLE] = 4096;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "DMA, DMA32 and Normal") != NULL, "%s", err);
	cfg.zone_pages[ZONE_NORMAL] = 4096;
	cfg.zone_pages[ZONE_DEVICE] = 1;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "Device") != NULL, "%s", err);
	/* 4 nodes need at least a pageblock each */
	sim_config_init(&cfg);
	cfg.ram_bytes = UINT64_C(4) << 20;
	cfg.cpus = 4;
	cfg.nodes = 4;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "nodes") != NULL, "%s", err);
}
END_TEST

/* ---- Nodes and zonelists ---- */

START_TEST(test_numa_zonelists)
{
	struct sim_config cfg;
	struct sim *sim;
	struct pglist_data *n0, *n1;

	/* 8 GiB over 2 nodes: node 0 [0, 4G) has DMA and DMA32, node 1 [4G, 8G)
	 * has Normal only, as on a real two-socket x86_64 machine */
	sim_config_init(&cfg);
	cfg.ram_bytes = UINT64_C(8) << 30;
	cfg.cpus = 4;
	cfg.nodes = 2;
	sim = tu_sim_cfg(&cfg);
	n0 = &sim->pg->nodes[0];
	n1 = &sim->pg->nodes[1];
	ck_assert(zone_populated(&n0->zones[ZONE_DMA32]));
	ck_assert(!zone_populated(&n0->zones[ZONE_NORMAL]));
	ck_assert_uint_eq(n1->zones[ZONE_NORMAL].start_pfn, 1048576);
	ck_assert_uint_eq(n1->zones[ZONE_NORMAL].managed, 1048576);
	/* local node first, highest zone first */
	ck_assert_uint_eq(n0->nr_zonelist, 3);
	ck_assert_ptr_eq(n0->zonelist[0], &n0->zones[ZONE_DMA32]);
	ck_assert_ptr_eq(n0->zonelist[1], &n0->zones[ZONE_DMA]);
	ck_assert_ptr_eq(n0->zonelist[2], &n1->zones[ZONE_NORMAL]);
	ck_assert_ptr_eq(n1->zonelist[0], &n1->zones[ZONE_NORMAL]);
	ck_assert_ptr_eq(n1->zonelist[1], &n0->zones[ZONE_DMA32]);
	ck_assert_uint_eq(n1->nr_zonelist_nofallback, 1);
	/* CPUs 0,1 on node 0, 2,3 on node 1: high_min splits over 2 CPUs */
	ck_assert_uint_eq(sim->pg->cpu_node[1], 0);
	ck_assert_uint_eq(sim->pg->cpu_node[2], 1);
	ck_assert_uint_eq(n1->nr_cpus, 2);
	/* Normal preferred on node 1 without a local DMA32: no NOFRAGMENT;
	 * with one machine-wide node it would be set */
	ck_assert_uint_eq(pgalloc_alloc_flags_nofragment(sim, &n1->zones[ZONE_NORMAL],
							 __GFP_KSWAPD_RECLAIM),
			  ALLOC_KSWAPD);
	sim_free(sim);
	sim = tu_sim_zones(0, 4096, 4096, 0, 1, -1, true);
	ck_assert_uint_eq(pgalloc_alloc_flags_nofragment(sim,
				zone_of(sim, 0, ZONE_NORMAL), 0), ALLOC_NOFRAGMENT);
	ck_assert_uint_eq(pgalloc_alloc_flags_nofragment(sim,
				zone_of(sim, 0, ZONE_DMA32), 0), 0);
	sim_free(sim);
}
END_TEST

/* ---- The watermark decision ---- */

START_TEST(test_watermark_ok_flags)
{
	struct sim *sim = ref_sim();
	struct zone *normal = zone_of(sim, 0, ZONE_NORMAL);
	struct zone *dma32 = zone_of(sim, 0, ZONE_DMA32);
	struct zone *dma = zone_of(sim, 0, ZONE_DMA);
	const unsigned atomic = ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK;

	/* the worked thresholds of kernel-model §2.5 (Normal: min 4649, low 5811) */
	/* fast path: free must exceed low */
	ck_assert(zone_watermark_ok_free(normal, 0, 5811, ZONE_NORMAL, ALLOC_WMARK_LOW, 5812));
	ck_assert(!zone_watermark_ok_free(normal, 0, 5811, ZONE_NORMAL, ALLOC_WMARK_LOW, 5811));
	/* GFP_KERNEL slow path: above min */
	ck_assert(zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, 0, 4650));
	ck_assert(!zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, 0, 4649));
	/* GFP_ATOMIC: 4649 - 4649/2 = 2325, - 2325/4 = 1744 */
	ck_assert(zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, atomic, 1745));
	ck_assert(!zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, atomic, 1744));
	/* GFP_NOWAIT: non-blocking without __GFP_HIGH earns no discount */
	ck_assert(!zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, ALLOC_NON_BLOCK, 4649));
	/* OOM victim: half, 2325 */
	ck_assert(zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, ALLOC_OOM, 2326));
	ck_assert(!zone_watermark_ok_free(normal, 0, 4649, ZONE_NORMAL, ALLOC_OOM, 2325));
	/* spilling to DMA32 needs low + protection[Normal] = 15231 + 1152 */
	ck_assert(zone_watermark_ok_free(dma32, 0, 15231, ZONE_NORMAL, ALLOC_WMARK_LOW, 16384));
	ck_assert(!zone_watermark_ok_free(dma32, 0, 15231, ZONE_NORMAL, ALLOC_WMARK_LOW, 16383));
	/* and DMA needs 75 + 4171 = 4246 > its 3840 managed: unusable */
	ck_assert(!zone_watermark_ok(dma, 0, 75, ZONE_NORMAL, ALLOC_WMARK_LOW));
	ck_assert(zone_watermark_ok(dma, 0, 75, ZONE_DMA, ALLOC_WMARK_LOW));
	/* order 3 counts 7 pages unusable: 5812 + 7 free needed ... */
	ck_assert(zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL, 0, 5819));
	ck_assert(!zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL, 0, 5818));
	/* ... and a free block of order >= 3 on a list it may use */
	{
		struct free_area *top = &normal->free_area[SIM_MAX_ORDER];
		pfn_t block = top->list[MIGRATE_MOVABLE].head;

		top->list[MIGRATE_MOVABLE].head = PAGE_NIL;
		ck_assert(!zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL, 0, 100000));
		/* a HIGHATOMIC block serves only a request that may take the
		 * reserve: ALLOC_HIGHATOMIC, and an OOM victim (ALLOC_OOM) */
		top->list[MIGRATE_HIGHATOMIC].head = block;
		ck_assert(!zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL, 0, 100000));
		ck_assert(!zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL,
						  ALLOC_MIN_RESERVE, 100000));
		ck_assert(zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL,
						 ALLOC_HIGHATOMIC, 100000));
		ck_assert(zone_watermark_ok_free(normal, 3, 5811, ZONE_NORMAL, ALLOC_OOM, 100000));
	}
	/*
	 * compaction_suitable(): at min 4649 an order-3 request needs
	 * compact_gap 2 << 3 = 16 pages more, 4665; a costly order also the
	 * step from min to low, 5811 - 4649 = 1162: order 4 needs
	 * 4649 + 32 + 1162 = 5843.  With 5000 free only order 3 may compact.
	 */
	normal->nr_free_pages = 5000;
	ck_assert(compaction_suitable(normal, 3, 4649, ZONE_NORMAL));
	ck_assert(!compaction_suitable(normal, 4, 4649, ZONE_NORMAL));
	sim_free(sim);	/* (the zone was vandalised: no validation) */
}
END_TEST

START_TEST(test_watermark_highatomic_and_boost)
{
	struct sim *sim = ref_sim();
	struct zone *normal = zone_of(sim, 0, ZONE_NORMAL);

	/* free HIGHATOMIC pages do not count unless the request has reserves */
	normal->nr_free_highatomic = 1000;
	ck_assert_int_eq(zone_watermark_unusable_free(normal, 0, 0), 1000);
	ck_assert_int_eq(zone_watermark_unusable_free(normal, 2, ALLOC_MIN_RESERVE), 3);
	ck_assert(zone_watermark_ok_free(normal, 0, 5811, ZONE_NORMAL, 0, 6812));
	ck_assert(!zone_watermark_ok_free(normal, 0, 5811, ZONE_NORMAL, 0, 6811));
	normal->nr_free_highatomic = 0;

	/*
	 * boost: max_boost = mult_frac(high 6973, 15000, 10000) = 10459;
	 * each call adds a pageblock: 20 calls = 10240, the 21st caps at 10459
	 */
	for (int i = 0; i < 20; i++)
		ck_assert(zone_boost_watermark(sim->pg, normal));
	ck_assert_uint_eq(normal->watermark_boost, 10240);
	ck_assert(zone_boost_watermark(sim->pg, normal));
	ck_assert_uint_eq(normal->watermark_boost, 10459);
	/* every watermark reader sees the boost */
	ck_assert_uint_eq(min_wmark_pages(normal), 4649 + 10459);
	ck_assert_uint_eq(low_wmark_pages(normal), 5811 + 10459);

	/*
	 * zone_watermark_fast: an order-0 __GFP_HIGH check at WMARK_MIN falls
	 * back to the unboosted min.  Boosted: (4649+10459) halved = 7554;
	 * unboosted 4649 halved = 2325.  With 3000 free only the retry passes.
	 */
	normal->nr_free_pages = 3000;
	ck_assert(zone_watermark_fast(normal, 0, min_wmark_pages(normal), ZONE_NORMAL,
				      ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE));
	ck_assert(!zone_watermark_fast(normal, 0, min_wmark_pages(normal), ZONE_NORMAL,
				       ALLOC_WMARK_MIN));
	ck_assert(!zone_watermark_fast(normal, 0, low_wmark_pages(normal), ZONE_NORMAL,
				       ALLOC_WMARK_LOW | ALLOC_MIN_RESERVE));
	normal->nr_free_pages = 294912;

	/* DMA: high 90 -> max_boost 135, raised to a pageblock, 512 */
	ck_assert(zone_boost_watermark(sim->pg, zone_of(sim, 0, ZONE_DMA)));
	ck_assert(zone_boost_watermark(sim->pg, zone_of(sim, 0, ZONE_DMA)));
	ck_assert_uint_eq(zone_of(sim, 0, ZONE_DMA)->watermark_boost, 512);
	/* watermark_boost_factor 0: never */
	sim->pg->watermark_boost_factor = 0;
	ck_assert(!zone_boost_watermark(sim->pg, normal));
	sim_free(sim);

	/* zones under 4 pageblocks never boost */
	sim = tu_sim_zones(0, 2047, 0, 0, 1, -1, true);
	ck_assert(!zone_boost_watermark(sim->pg, zone_of(sim, 0, ZONE_DMA32)));
	sim_free(sim);
}
END_TEST

static Suite *zone_suite(void)
{
	Suite *s = suite_create("zone");
	TCase *ref = tcase_create("reference");
	TCase *boot = tcase_create("boot");
	TCase *wm = tcase_create("watermark");

	tcase_add_test(ref, test_reference_watermarks);
	tcase_add_test(ref, test_reference_protection);
	tcase_add_test(ref, test_reference_pagesets);
	tcase_add_test(ref, test_reference_zoneinfo_lines);
	tcase_add_test(boot, test_min_free_kbytes_default);
	tcase_add_test(boot, test_ram_layout_and_reserve);
	tcase_add_test(boot, test_layout_errors);
	tcase_add_test(boot, test_numa_zonelists);
	tcase_add_test(wm, test_watermark_ok_flags);
	tcase_add_test(wm, test_watermark_highatomic_and_boost);
	suite_add_tcase(s, ref);
	suite_add_tcase(s, boot);
	suite_add_tcase(s, wm);
	return s;
}

int main(void)
{
	return tu_run_suite(zone_suite());
}

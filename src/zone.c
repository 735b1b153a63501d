/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zone.c - node and zone layout, zonelists, watermarks and their checks
 *
 * Stands in for mm/mm_init.c (zone sizes, memmap layout), the zonelist
 * builder of mm/page_alloc.c, and the boot-time tuning of mm/page_alloc.c
 * and mm/khugepaged.c: calculate_min_free_kbytes(),
 * set_recommended_min_free_kbytes(), __setup_per_zone_wmarks(),
 * setup_per_zone_lowmem_reserve(), calculate_totalreserve_pages(),
 * zone_batchsize()/zone_highsize() and calculate_normal_threshold(); and
 * for the watermark decision itself: __zone_watermark_ok(),
 * zone_watermark_fast() and boost_watermark().
 *
 * Layout.  Given `ram`, each node gets an equal share of the physical
 * address range (node boundaries rounded down to a pageblock), and the zones
 * follow x86_64: DMA is the first 16 MiB, DMA32 up to 4 GiB, Normal above,
 * so DMA and DMA32 exist only in the node(s) owning those addresses, as on
 * a real NUMA machine.  There is no PCI hole and no firmware-reserved page:
 * spanned == present == managed.  Given `zones = {...}`, every node gets
 * those managed page counts; zones are placed in physical order, each at
 * or above its x86_64 start (DMA at 0, DMA32 at 16 MiB, Normal and Movable
 * at 4 GiB) and at least MAX_ORDER-aligned after the previous one, which
 * leaves holes (invalid pfns) between them.  Either way every zone start is
 * pageblock-aligned, so a pageblock belongs to at most one zone.
 *
 * Tunables are the kernel's defaults with the reason beside them; the
 * formulas reproduce a real 6.18 machine's /proc/zoneinfo exactly
 * (tests/unit/check_zone.c).
 */
#include "config.h"

#include <stdio.h>

#include "state.h"
#include "zone.h"

/* sysctl_lowmem_reserve_ratio: DMA, DMA32 keep 1/256 of the zones above,
 * Normal 1/32 of Movable; Movable and Device protect nothing */
static const int lowmem_reserve_ratio[SIM_NR_ZONES] = { 256, 256, 32, 0, 0 };

static const char *const zone_names[SIM_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device",
};

const char *zone_name(enum zone_type idx)
{
	return (unsigned)idx < SIM_NR_ZONES ? zone_names[idx] : "?";
}

/* ---- Layout ---- */

/* the lowest pfn a zone may start at on x86_64 */
static pfn_t zone_floor_pfn(enum zone_type idx)
{
	switch (idx) {
	case ZONE_DMA:
		return 0;
	case ZONE_DMA32:
		return SIM_DMA_PFN_END;
	default:
		return SIM_DMA32_PFN_END;
	}
}

/* the pfn a zone's addresses end at on x86_64 (ram layout) */
static pfn_t zone_ceiling_pfn(enum zone_type idx)
{
	switch (idx) {
	case ZONE_DMA:
		return SIM_DMA_PFN_END;
	case ZONE_DMA32:
		return SIM_DMA32_PFN_END;
	default:
		return SIM_PFN_NONE;
	}
}

static void zone_set_span(struct zone *z, pfn_t start, unsigned long pages)
{
	z->start_pfn = start;
	z->spanned = pages;
	z->present = pages;
	z->managed = pages;
}

static int zone_layout_ram(struct pgalloc_state *pg, uint64_t ram_bytes,
			   char *err, size_t errlen)
{
	uint64_t pages = ram_bytes >> SIM_PAGE_SHIFT;
	unsigned n = pg->nr_nodes;

	if (pages < pageblock_nr_pages(pg)) {
		snprintf(err, errlen,
			 "ram of %llu bytes is below one pageblock (%lu KiB)",
			 (unsigned long long)ram_bytes,
			 pageblock_nr_pages(pg) * (SIM_PAGE_SIZE / 1024));
		return SIM_EINVAL;
	}
	if (pages >= SIM_PFN_LIMIT) {
		snprintf(err, errlen,
			 "ram of %llu bytes needs more than 32-bit page frame numbers (at most %llu pages)",
			 (unsigned long long)ram_bytes,
			 (unsigned long long)SIM_PFN_LIMIT - 1);
		return SIM_EINVAL;
	}
	for (unsigned nid = 0; nid < n; nid++) {
		pfn_t lo = nid ? SIM_ALIGN_DOWN(pages * nid / n, (pfn_t)pageblock_nr_pages(pg)) : 0;
		pfn_t hi = nid + 1 < n ?
			SIM_ALIGN_DOWN(pages * (nid + 1) / n, (pfn_t)pageblock_nr_pages(pg)) : pages;

		if (hi <= lo) {
			snprintf(err, errlen,
				 "ram of %llu bytes is too small for %u nodes (each needs a pageblock)",
				 (unsigned long long)ram_bytes, n);
			return SIM_EINVAL;
		}
		for (int zi = ZONE_DMA; zi <= ZONE_NORMAL; zi++) {
			pfn_t s = SIM_MAX(lo, zone_floor_pfn(zi));
			pfn_t e = SIM_MIN(hi, zone_ceiling_pfn(zi));

			if (e > s)
				zone_set_span(&pg->nodes[nid].zones[zi], s,
					      (unsigned long)(e - s));
		}
	}
	return SIM_OK;
}

static int zone_layout_pages(struct pgalloc_state *pg,
			     const uint64_t zone_pages[SIM_NR_ZONES],
			     char *err, size_t errlen)
{
	pfn_t cursor = 0;
	uint64_t total = 0, lowmem = 0;

	for (int zi = ZONE_DMA; zi < ZONE_DEVICE; zi++) {
		total += zone_pages[zi];
		if (zi != ZONE_MOVABLE)
			lowmem += zone_pages[zi];
	}
	if (zone_pages[ZONE_DEVICE]) {
		snprintf(err, errlen, "zone Device never has managed pages");
		return SIM_EINVAL;
	}
	if (total < pageblock_nr_pages(pg)) {
		snprintf(err, errlen,
			 "zones hold %llu pages, below one pageblock (%lu pages)",
			 (unsigned long long)total, pageblock_nr_pages(pg));
		return SIM_EINVAL;
	}
	if (!lowmem) {
		snprintf(err, errlen,
			 "zones: at least one of DMA, DMA32 and Normal needs pages");
		return SIM_EINVAL;
	}
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = ZONE_DMA; zi < ZONE_DEVICE; zi++) {
			pfn_t start;

			if (!zone_pages[zi])
				continue;
			start = SIM_MAX(SIM_ALIGN(cursor, (pfn_t)SIM_MAX_ORDER_PAGES),
					zone_floor_pfn(zi));
			if (zone_pages[zi] >= SIM_PFN_LIMIT ||
			    start + zone_pages[zi] >= SIM_PFN_LIMIT) {
				snprintf(err, errlen,
					 "zones need more than 32-bit page frame numbers (%u nodes, zone %s ends past pfn %llu)",
					 pg->nr_nodes, zone_names[zi],
					 (unsigned long long)SIM_PFN_LIMIT - 1);
				return SIM_EINVAL;
			}
			zone_set_span(&pg->nodes[nid].zones[zi], start,
				      (unsigned long)zone_pages[zi]);
			cursor = start + zone_pages[zi];
		}
	}
	return SIM_OK;
}

int zone_layout(struct pgalloc_state *pg, const struct sim_config *cfg,
		char *err, size_t errlen)
{
	int rc;

	pg->max_pfn = 0;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		struct pglist_data *pgdat = &pg->nodes[nid];

		pgdat->node_id = nid;
		pgdat->kswapd_highest_zoneidx = -1;
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = &pgdat->zones[zi];

			z->name = zone_names[zi];
			z->node = nid;
			z->idx = (enum zone_type)zi;
			z->id = nid * SIM_NR_ZONES + (unsigned)zi;
			pg->zone_by_id[z->id] = z;
		}
	}
	rc = cfg->ram_bytes ? zone_layout_ram(pg, cfg->ram_bytes, err, errlen)
			    : zone_layout_pages(pg, cfg->zone_pages, err, errlen);
	if (rc != SIM_OK)
		return rc;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = &pg->nodes[nid].zones[zi];

			if (zone_populated(z) && zone_end_pfn(z) > pg->max_pfn)
				pg->max_pfn = zone_end_pfn(z);
			/* an empty zone sits where it would start */
			if (!zone_populated(z))
				z->start_pfn = 0;
		}
	}
	return SIM_OK;
}

/* ---- Zonelists ---- */

void zone_build_zonelists(struct pgalloc_state *pg)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		struct pglist_data *pgdat = &pg->nodes[nid];

		pgdat->nr_zonelist = 0;
		pgdat->nr_zonelist_nofallback = 0;
		/* nodes by distance: all remote nodes are equally far, so the
		 * local node first, then the others in id order after it */
		for (unsigned k = 0; k < pg->nr_nodes; k++) {
			struct pglist_data *other = &pg->nodes[(nid + k) % pg->nr_nodes];

			for (int zi = SIM_NR_ZONES - 1; zi >= 0; zi--) {
				struct zone *z = &other->zones[zi];

				if (!zone_populated(z))
					continue;
				pgdat->zonelist[pgdat->nr_zonelist++] = z;
				if (k == 0)
					pgdat->zonelist_nofallback[pgdat->nr_zonelist_nofallback++] = z;
			}
		}
	}
}

/* ---- Boot-time tuning ---- */

static uint64_t zone_isqrt(uint64_t x)
{
	uint64_t r = 0, bit = UINT64_C(1) << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* mult_frac(x, n, d) without overflowing x * n */
static unsigned long zone_mult_frac(unsigned long x, unsigned long n,
				    unsigned long d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

unsigned long zone_nr_free_buffer_pages(const struct pgalloc_state *pg)
{
	unsigned long sum = 0;

	/* nr_free_zone_pages(gfp_zone(GFP_USER)): zones up to Normal */
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = ZONE_DMA; zi <= ZONE_NORMAL; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];
			unsigned long high = high_wmark_pages(z);

			if (z->managed > high)
				sum += z->managed - high;
		}
	}
	return sum;
}

int zone_batchsize(const struct zone *z)
{
	/* about a quarter of a MiB's worth, or 1/4096 of the zone if smaller,
	 * rounded to 2^n - 1 so batches do not line up with cache colours */
	unsigned long batch = SIM_MIN(z->managed >> 10,
				      (unsigned long)((1u << 20) / SIM_PAGE_SIZE));

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = sim_rounddown_pow2(batch + batch / 2) - 1;
	return (int)SIM_MAX(batch, 1ul);
}

static int zone_highsize(const struct pgalloc_state *pg, const struct zone *z,
			 int batch, int high_fraction)
{
	unsigned long total = high_fraction ? z->managed / (unsigned long)high_fraction
					    : low_wmark_pages(z);
	unsigned split = pg->nodes[z->node].nr_cpus;
	long high;

	if (!split)
		split = pg->nr_cpus;
	high = (long)(total / split);
	return (int)SIM_MAX(high, (long)batch << 2);
}

/*
 * zone_set_pageset_high_and_batch(zone, 0), for every populated zone.
 * 6.18 (since 6.7): pcp->high floats between high_min (the low watermark
 * split over the node's CPUs) and high_max (managed / 8 split likewise).
 * 6.1: pcp->high is fixed at zone_highsize() from the low watermark and
 * never moves (6.1 mm/page_alloc.c zone_highsize(), pageset_update()):
 * here high_min == high_max == high.
 */
static void zone_setup_pageset(struct pgalloc_state *pg, struct zone *z)
{
	int batch = zone_batchsize(z);
	int high_min = zone_highsize(pg, z, batch, 0);
	int high_max = pg->pcp_fixed_high ? high_min
		: zone_highsize(pg, z, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);

	for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &z->pcp[cpu];

		pcp->batch = batch;
		pcp->high_min = high_min;
		pcp->high_max = high_max;
		if (pg->pcp_fixed_high)
			pcp->high = high_min;
	}
}

static void zone_calculate_totalreserve_pages(struct pgalloc_state *pg)
{
	unsigned long reserve = 0;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int i = 0; i < SIM_NR_ZONES; i++) {
			const struct zone *z = &pg->nodes[nid].zones[i];
			long max = 0;

			for (int j = i; j < SIM_NR_ZONES; j++)
				if (z->lowmem_reserve[j] > max)
					max = z->lowmem_reserve[j];
			/* the high watermark counts as reserved too */
			max += (long)high_wmark_pages(z);
			if (max > (long)z->managed)
				max = (long)z->managed;
			reserve += (unsigned long)max;
		}
	}
	pg->totalreserve_pages = reserve;
}

void zone_setup_per_zone_wmarks(struct pgalloc_state *pg)
{
	unsigned long pages_min = (unsigned long)pg->min_free_kbytes >>
				  (SIM_PAGE_SHIFT - 10);
	unsigned long lowmem = 0;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = 0; zi < SIM_NR_ZONES; zi++)
			if (zi != ZONE_MOVABLE)
				lowmem += pg->nodes[nid].zones[zi].managed;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = &pg->nodes[nid].zones[zi];
			/* this zone's share of min_free_kbytes */
			uint64_t tmp = lowmem ? (uint64_t)pages_min * z->managed / lowmem : 0;
			unsigned long step;

			if (zi == ZONE_MOVABLE) {
				/* no kernel allocations land here: a token
				 * reserve of 1/1024, 32..128 pages */
				unsigned long m = z->managed / 1024;

				z->_watermark[WMARK_MIN] = SIM_CLAMP(m, (unsigned long)SWAP_CLUSTER_MAX, 128ul);
			} else {
				z->_watermark[WMARK_MIN] = (unsigned long)tmp;
			}
			/* the gaps: a quarter of the share, or
			 * watermark_scale_factor / 10000 of the zone */
			step = SIM_MAX((unsigned long)(tmp >> 2),
				       zone_mult_frac(z->managed, pg->watermark_scale_factor, 10000));
			z->watermark_boost = 0;
			z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + step;
			z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_LOW] + step;
			z->_watermark[WMARK_PROMO] = z->_watermark[WMARK_HIGH] + step;
		}
	}
	/* pcp high_min follows the low watermark */
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = 0; zi < SIM_NR_ZONES; zi++)
			if (pg->nodes[nid].zones[zi].pcp)
				zone_setup_pageset(pg, &pg->nodes[nid].zones[zi]);
	zone_calculate_totalreserve_pages(pg);
}

void zone_setup_lowmem_reserve(struct pgalloc_state *pg)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		struct pglist_data *pgdat = &pg->nodes[nid];

		for (int i = 0; i < SIM_NR_ZONES; i++) {
			struct zone *z = &pgdat->zones[i];
			int ratio = lowmem_reserve_ratio[i];
			bool clear = !ratio || !z->managed;
			unsigned long upper = 0;

			for (int j = 0; j <= i; j++)
				z->lowmem_reserve[j] = 0;
			for (int j = i + 1; j < SIM_NR_ZONES; j++) {
				upper += pgdat->zones[j].managed;
				z->lowmem_reserve[j] = clear ? 0 : (long)(upper / (unsigned long)ratio);
			}
		}
	}
	zone_calculate_totalreserve_pages(pg);
}

/* calculate_normal_threshold(): per-CPU vmstat drift allowed, 128 MiB units */
static void zone_refresh_stat_thresholds(struct pgalloc_state *pg)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			struct zone *z = &pg->nodes[nid].zones[zi];
			unsigned long mem = z->managed >> (27 - SIM_PAGE_SHIFT);
			int t = 2 * (int)sim_fls(pg->nr_cpus) * (1 + (int)sim_fls(mem));

			z->stat_threshold = zone_populated(z) ? SIM_MIN(t, 125) : 0;
		}
	}
}

void zone_set_recommended_min_free_kbytes(struct pgalloc_state *pg)
{
	unsigned long nr_zones = 0, rec;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = ZONE_DMA; zi <= ZONE_NORMAL; zi++)
			if (zone_populated(&pg->nodes[nid].zones[zi]))
				nr_zones++;
	/* two free pageblocks per zone for fragmentation avoidance, plus
	 * MIGRATE_PCPTYPES^2 pageblocks so each type has one to fall back to */
	rec = pageblock_nr_pages(pg) * nr_zones * 2;
	rec += pageblock_nr_pages(pg) * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
	/* never more than 5% of lowmem */
	rec = SIM_MIN(rec, zone_nr_free_buffer_pages(pg) / 20);
	rec <<= (SIM_PAGE_SHIFT - 10);
	if ((long)rec > pg->min_free_kbytes) {
		pg->min_free_kbytes = (long)rec;
		zone_setup_per_zone_wmarks(pg);
	}
}

void zone_init_per_zone_wmark_min(struct pgalloc_state *pg)
{
	/* at boot the watermarks are 0: lowmem is every managed page <= Normal */
	uint64_t lowmem_kb = (uint64_t)zone_nr_free_buffer_pages(pg) *
			     (SIM_PAGE_SIZE >> 10);
	long new_min = (long)zone_isqrt(lowmem_kb * 16);

	pg->user_min_free_kbytes = -1;
	if (new_min > pg->user_min_free_kbytes)
		pg->min_free_kbytes = SIM_CLAMP(new_min, (long)MIN_FREE_KBYTES_MIN,
						(long)MIN_FREE_KBYTES_MAX);
	zone_setup_per_zone_wmarks(pg);
	zone_refresh_stat_thresholds(pg);
	zone_setup_lowmem_reserve(pg);
}

void zone_set_min_free_kbytes(struct pgalloc_state *pg, long kbytes)
{
	pg->min_free_kbytes = kbytes;
	pg->user_min_free_kbytes = kbytes;
	zone_setup_per_zone_wmarks(pg);
}

/* ---- Watermark boost ---- */

bool zone_boost_watermark(const struct pgalloc_state *pg, struct zone *z)
{
	unsigned long max_boost;

	if (!pg->watermark_boost_factor)
		return false;
	/* small zones: boosting could cause an immediate OOM */
	if ((unsigned long)pageblock_nr_pages(pg) * 4 > z->managed)
		return false;
	max_boost = zone_mult_frac(z->_watermark[WMARK_HIGH],
				   pg->watermark_boost_factor, 10000);
	if (!max_boost)
		return false;
	max_boost = SIM_MAX((unsigned long)pageblock_nr_pages(pg), max_boost);
	z->watermark_boost = SIM_MIN(z->watermark_boost + pageblock_nr_pages(pg),
				     max_boost);
	return true;
}

/* ---- Watermark checks ---- */

static bool zone_free_area_empty(const struct free_area *area, int mt)
{
	return area->list[mt].head == PAGE_NIL;
}

long zone_watermark_unusable_free(const struct zone *z, unsigned order,
				  unsigned alloc_flags)
{
	long unusable = (1l << order) - 1;

	/*
	 * without reserve rights, the HIGHATOMIC reserve is not ours: its
	 * free pages (6.18), or the whole reserve, used or not (6.1
	 * __zone_watermark_unusable_free(): an over-estimate that saves a
	 * search)
	 */
	if (!(alloc_flags & ALLOC_RESERVES))
		unusable += z->unusable_reserved_ha ? (long)z->nr_reserved_highatomic
						   : (long)z->nr_free_highatomic;
	/* no CMA in kmemsim: NR_FREE_CMA_PAGES is 0 */
	return unusable;
}

bool zone_watermark_ok_free(const struct zone *z, unsigned order,
			    unsigned long mark, int highest_zoneidx,
			    unsigned alloc_flags, long free_pages)
{
	long min = (long)mark;

	free_pages -= zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_RESERVES) {
		/* __GFP_HIGH: half of the min reserve */
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			/* and, unable to block (GFP_ATOMIC), a quarter more */
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		/* an OOM victim is about to free memory: half again */
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* a high-order request also needs a big enough block it may use */
	for (unsigned o = order; o < SIM_NR_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];

		if (!area->nr_free)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!zone_free_area_empty(area, mt))
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !zone_free_area_empty(area, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

bool zone_watermark_ok(const struct zone *z, unsigned order, unsigned long mark,
		       int highest_zoneidx, unsigned alloc_flags)
{
	return zone_watermark_ok_free(z, order, mark, highest_zoneidx,
				      alloc_flags, (long)z->nr_free_pages);
}

bool zone_watermark_fast(const struct zone *z, unsigned order,
			 unsigned long mark, int highest_zoneidx,
			 unsigned alloc_flags)
{
	long free_pages = (long)z->nr_free_pages;

	if (!order) {
		/* order 0: reserves may overestimate the HIGHATOMIC pages */
		long usable = free_pages;
		long reserved = zone_watermark_unusable_free(z, 0, alloc_flags);

		usable -= SIM_MIN(usable, reserved);
		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	if (zone_watermark_ok_free(z, order, mark, highest_zoneidx, alloc_flags,
				   free_pages))
		return true;
	/* order-0 __GFP_HIGH at the min watermark ignores the boost, so a
	 * boost wakes kswapd without failing atomic allocations */
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == ALLOC_WMARK_MIN)
		return zone_watermark_ok_free(z, order, z->_watermark[WMARK_MIN],
					      highest_zoneidx, alloc_flags,
					      free_pages);
	return false;
}

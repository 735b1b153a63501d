/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zone.h - nodes, zones, watermarks and the physical memory layer's state
 *
 * Glossary (the kernel's own words):
 *   node       a NUMA node (pg_data_t): a range of page frames and CPUs
 *   zone       a range of a node's frames with one addressing constraint:
 *              DMA (below 16 MiB), DMA32 (below 4 GiB), Normal, Movable;
 *              Device is never populated but is listed as the kernel does
 *   managed    pages the buddy allocator manages in a zone
 *   watermark  free-page levels min < low < high < promo; allocations in
 *              the fast path need free > low, kswapd works until high
 *   boost      a temporary raise of every watermark after a fragmenting
 *              fallback (boost_watermark)
 *   protection lowmem_reserve[]: pages a request whose highest usable zone
 *              is j must leave in this lower zone
 *   pcp        per-CPU page lists (struct per_cpu_pages) in front of the
 *              buddy lists for orders 0..3 (and 9 with THP)
 *   zonelist   the zones an allocation tries, preferred first
 *
 * Invariants (checked by pgalloc_validate()):
 *   nr_free_pages == sum over o, mt of (blocks on free_area[o].list[mt]) << o
 *                    (the kernel's NR_FREE_PAGES: pcp pages not included)
 *   free_area[o].nr_free == sum over mt of free_area[o].list[mt].nr
 *   nr_free_highatomic == pages on the MIGRATE_HIGHATOMIC lists
 *   nr_free_pages_blocks == pages in free blocks of order >= pageblock order
 *   sum over cpus of pcp[cpu].count == nr_use[PAGE_USE_PCP]
 *   sum over uses of nr_use[use] == managed
 *   every free block is on the list of its pageblock's migratetype
 */
#ifndef SIM_ZONE_H
#define SIM_ZONE_H

#include "sim.h"
#include "gfp.h"
#include "page.h"

/* ---- Types ---- */

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* zone->flags (enum zone_flags) */
#define ZONE_BOOSTED_WATERMARK	0x1u	/* boosted: wake kswapd on the next ALLOC_KSWAPD alloc */
#define ZONE_RECLAIM_ACTIVE	0x2u	/* kswapd scanning: pcp lists kept small */
#define ZONE_BELOW_HIGH		0x4u	/* below the high watermark: pcp->high shrinks */

/* A pfn-linked list: heads of blocks (or pcp pages), doubly linked. */
struct free_list {
	uint32_t head;			/* first pfn or PAGE_NIL */
	uint32_t tail;			/* last pfn or PAGE_NIL */
	unsigned long nr;		/* entries (blocks, not pages) */
};

struct free_area {
	struct free_list list[MIGRATE_TYPES];
	unsigned long nr_free;		/* blocks of this order, all types */
};

/* pcp list indices: 3 * order + mt for orders 0..3, then two PMD-order lists */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (SIM_COSTLY_ORDER + 1))
#define NR_PCP_LISTS_MAX	(NR_LOWORDER_PCP_LISTS + 2)
#define PCPF_PREV_FREE_HIGH_ORDER 0x1u	/* the previous free was of order 1..3 */
#define PCPF_FREE_HIGH_BATCH	0x2u	/* set from CPU cache size: never in kmemsim */
#define PCP_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX default */
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8	/* high_max = managed / 8 per node's CPUs */

/*
 * struct per_cpu_pages - one CPU's page cache in front of one zone
 *   count == sum over lists of (entries << order of the list)   (pages)
 */
struct per_cpu_pages {
	int count;			/* pages on the lists */
	int high;			/* drain above this; floats in [high_min, high_max] */
	int high_min;			/* from the low watermark */
	int high_max;			/* from managed / 8 */
	int batch;			/* chunk moved to/from the buddy lists */
	int free_count;			/* pages freed since the last allocation, capped */
	short alloc_factor;		/* refill batch scale for order 0 (0..5) */
	short free_factor;		/* 6.1: drain batch scale (0..5) */
	uint8_t flags;			/* PCPF_* */
	struct free_list lists[NR_PCP_LISTS_MAX];
};

struct zone {
	/* identity and span */
	const char *name;		/* "DMA", "DMA32", "Normal", "Movable", "Device" */
	unsigned node;			/* node id */
	enum zone_type idx;		/* zone_idx() */
	unsigned id;			/* node * SIM_NR_ZONES + idx: events, pb_zone */
	pfn_t start_pfn;		/* zone_start_pfn */
	unsigned long spanned;		/* pages from start_pfn to the end */
	unsigned long present;		/* pages that exist (== spanned: no holes) */
	unsigned long managed;		/* pages the buddy allocator manages */

	/* watermarks, in pages */
	unsigned long _watermark[NR_WMARK];	/* without the boost */
	unsigned long watermark_boost;		/* added to every watermark */
	long lowmem_reserve[SIM_NR_ZONES];	/* "protection", per highest_zoneidx */

	/* free memory */
	struct free_area free_area[SIM_NR_ORDERS];
	unsigned long nr_free_pages;		/* NR_FREE_PAGES (pcp excluded) */
	unsigned long nr_free_pages_blocks;	/* NR_FREE_PAGES_BLOCKS */
	unsigned long nr_free_highatomic;	/* free pages on HIGHATOMIC lists */
	unsigned long nr_reserved_highatomic;	/* pages in HIGHATOMIC pageblocks */
	bool unusable_reserved_ha;	/* 6.1: watermarks discount the whole HIGHATOMIC reserve */
	unsigned flags;				/* ZONE_* */

	/* per-CPU lists: NULL for an unpopulated zone, else [cpus] */
	struct per_cpu_pages *pcp;
	int stat_threshold;		/* "vm stats threshold" (calculate_normal_threshold) */

	/* accounting */
	unsigned long nr_use[PAGE_USE_NR];	/* pages by use */
	uint64_t numa_hit, numa_miss, numa_foreign, numa_local, numa_other;
};

/* pg_data_t: one node */
struct pglist_data {
	unsigned node_id;
	struct zone zones[SIM_NR_ZONES];
	/* zonelists: populated zones, highest zone first; FALLBACK over all
	 * nodes (this one first), NOFALLBACK this node only (__GFP_THISNODE) */
	struct zone *zonelist[SIM_MAX_NODES * SIM_NR_ZONES];
	unsigned nr_zonelist;
	struct zone *zonelist_nofallback[SIM_NR_ZONES];
	unsigned nr_zonelist_nofallback;
	unsigned nr_cpus;		/* CPUs of this node */
	/* kswapd wakeup requests, for the reclaim layer (wakeup_kswapd) */
	bool kswapd_wake;		/* a wakeup is pending */
	unsigned kswapd_order;		/* max order asked for */
	int kswapd_highest_zoneidx;	/* max highest_zoneidx asked for */
	unsigned kswapd_failures;	/* balance_pgdat runs that reclaimed nothing */
};

/* struct pgalloc_state - the whole physical memory layer of one simulator */
struct pgalloc_state {
	struct page *mem_map;		/* [max_pfn] */
	pfn_t max_pfn;			/* one past the highest pfn */
	uint8_t *pb_migratetype;	/* [pageblocks]: enum migratetype */
	uint8_t *pb_zone;		/* [pageblocks]: zone id + 1, 0 in a hole */
	struct zone *zone_by_id[SIM_MAX_NODES * SIM_NR_ZONES];
	unsigned nr_nodes;
	struct pglist_data *nodes;	/* [nr_nodes] */
	unsigned nr_cpus;
	uint8_t cpu_node[SIM_MAX_CPUS];	/* cpu_to_node() */

	/* tunables (sysctls) */
	long min_free_kbytes;		/* vm.min_free_kbytes in effect */
	long user_min_free_kbytes;	/* set by the scenario, -1 if not */
	unsigned watermark_scale_factor;
	unsigned watermark_boost_factor;
	unsigned long totalreserve_pages;

	/* configuration */
	bool mobility_disabled;		/* page_group_by_mobility_disabled */
	bool pcp_enabled;		/* cfg.pcp: per-CPU lists in use */
	bool thp;			/* cfg.thp: PMD-order pcp lists, min_free raise */
	unsigned nr_pcp_lists;		/* 12, or 14 with THP */
	unsigned pb_order;		/* cfg.pageblock_order */
	bool pcp_fixed_high;		/* kernel < 6.7: pcp->high = zone_highsize() */
	enum sim_kernel kver;		/* cfg.kernel: /proc formats */
	bool smp;			/* cfg.smp: /proc formats */

	/* bad_page()'s own flood control: 60 reports, then quiet for a minute */
	unsigned long bad_shown, bad_unshown;
	uint64_t bad_resume;		/* jiffies */
};

/* ---- Implemented as inlines ---- */

/*
 * pageblock_order and pageblock_nr_pages: a run-time value here (option
 * pageblock_order: 9 on x86_64, MAX_ORDER - 1 = 10 on a UML 6.1 kernel),
 * as with CONFIG_HUGETLB_PAGE_SIZE_VARIABLE.
 */
static inline unsigned pageblock_order(const struct pgalloc_state *pg)
{
	return pg->pb_order;
}

static inline unsigned long pageblock_nr_pages(const struct pgalloc_state *pg)
{
	return 1ul << pg->pb_order;
}

static inline struct page *pg_page(const struct pgalloc_state *pg, pfn_t pfn)
{
	return &pg->mem_map[pfn];
}

static inline unsigned pageblock_migratetype(const struct pgalloc_state *pg,
					     pfn_t pfn)
{
	return pg->pb_migratetype[pfn >> pageblock_order(pg)];
}

static inline bool zone_populated(const struct zone *z)
{
	return z->managed != 0;
}

static inline pfn_t zone_end_pfn(const struct zone *z)
{
	return z->start_pfn + z->spanned;
}

static inline bool zone_spans_pfn(const struct zone *z, pfn_t pfn)
{
	return pfn >= z->start_pfn && pfn < zone_end_pfn(z);
}

/* the zone of a valid pfn (pfn_valid() checked by the caller) */
static inline struct zone *pg_pfn_zone(const struct pgalloc_state *pg, pfn_t pfn)
{
	return pg->zone_by_id[pg->pb_zone[pfn >> pageblock_order(pg)] - 1];
}

/* link the head @pfn into @l, at the tail or the head; O(1) */
static inline void free_list_add(struct pgalloc_state *pg, struct free_list *l,
				 pfn_t pfn, bool tail)
{
	struct page *p = pg_page(pg, pfn);
	uint32_t x = (uint32_t)pfn;

	if (l->head == PAGE_NIL) {
		p->next = p->prev = PAGE_NIL;
		l->head = l->tail = x;
	} else if (tail) {
		p->prev = l->tail;
		p->next = PAGE_NIL;
		pg_page(pg, l->tail)->next = x;
		l->tail = x;
	} else {
		p->next = l->head;
		p->prev = PAGE_NIL;
		pg_page(pg, l->head)->prev = x;
		l->head = x;
	}
	l->nr++;
}

/* unlink the head @pfn from @l; O(1) */
static inline void free_list_del(struct pgalloc_state *pg, struct free_list *l,
				 pfn_t pfn)
{
	struct page *p = pg_page(pg, pfn);

	if (p->prev == PAGE_NIL)
		l->head = p->next;
	else
		pg_page(pg, p->prev)->next = p->next;
	if (p->next == PAGE_NIL)
		l->tail = p->prev;
	else
		pg_page(pg, p->next)->prev = p->prev;
	p->next = p->prev = PAGE_NIL;
	l->nr--;
}

/* order_to_pindex(): orders 0..3 by type, then the PMD order (THP) */
static inline unsigned pcp_order_to_pindex(int mt, unsigned order)
{
	if (order > SIM_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * order + (unsigned)mt;
}

static inline unsigned pcp_pindex_to_order(unsigned pindex)
{
	return pindex >= NR_LOWORDER_PCP_LISTS ? SIM_PMD_ORDER
					       : pindex / MIGRATE_PCPTYPES;
}

/* wmark_pages(): every reader sees the boost */
static inline unsigned long wmark_pages(const struct zone *z, unsigned i)
{
	return z->_watermark[i] + z->watermark_boost;
}
#define min_wmark_pages(z)	wmark_pages((z), WMARK_MIN)
#define low_wmark_pages(z)	wmark_pages((z), WMARK_LOW)
#define high_wmark_pages(z)	wmark_pages((z), WMARK_HIGH)
#define promo_wmark_pages(z)	wmark_pages((z), WMARK_PROMO)

/* ---- Prototypes ("zone.c") ---- */

/**
 * zone_layout - lay out nodes and zones from the configuration
 * @pg: state with nr_nodes/nr_cpus set; nodes[] and zone spans are filled
 * @cfg: ram_bytes (x86_64 layout) or zone_pages (per node)
 *
 * Nothing is allocated.  Return: SIM_OK, or SIM_EINVAL with @err saying why
 * (no memory, less than one pageblock, more than 32-bit pfns can address).
 */
int zone_layout(struct pgalloc_state *pg, const struct sim_config *cfg,
		char *err, size_t errlen);

/** zone_name - "DMA", "DMA32", "Normal", "Movable", "Device" */
const char *zone_name(enum zone_type idx);

/** zone_build_zonelists - fill every node's FALLBACK and NOFALLBACK zonelists */
void zone_build_zonelists(struct pgalloc_state *pg);

/**
 * zone_init_per_zone_wmark_min - boot-time tuning (init_per_zone_wmark_min)
 *
 * The min_free_kbytes default (isqrt(16 * lowmem kB), clamped to
 * 128..262144), then watermarks, pcp sizes, stat thresholds, lowmem_reserve.
 */
void zone_init_per_zone_wmark_min(struct pgalloc_state *pg);

/**
 * zone_set_recommended_min_free_kbytes - the THP raise at khugepaged start
 * (set_recommended_min_free_kbytes): 2 + 3*3 pageblocks per zone up to
 * Normal, at most 5% of lowmem; applied only if above the current value.
 */
void zone_set_recommended_min_free_kbytes(struct pgalloc_state *pg);

/** zone_set_min_free_kbytes - a write to vm.min_free_kbytes (>= 0) */
void zone_set_min_free_kbytes(struct pgalloc_state *pg, long kbytes);

/**
 * zone_setup_per_zone_wmarks - recompute min/low/high/promo of every zone
 * from min_free_kbytes and watermark_scale_factor, clear every boost, then
 * totalreserve_pages and the pcp high_min/high_max that depend on them.
 */
void zone_setup_per_zone_wmarks(struct pgalloc_state *pg);

/** zone_setup_lowmem_reserve - the protection vectors (setup_per_zone_lowmem_reserve) */
void zone_setup_lowmem_reserve(struct pgalloc_state *pg);

/** zone_nr_free_buffer_pages - sum over zones <= Normal of max(managed - high, 0) */
unsigned long zone_nr_free_buffer_pages(const struct pgalloc_state *pg);

/** zone_batchsize - pcp batch of a zone (zone_batchsize(), at least 1) */
int zone_batchsize(const struct zone *z);

/**
 * zone_boost_watermark - raise the zone's watermarks after a fallback
 * Return: true if the boost was raised (boost_watermark()).
 */
bool zone_boost_watermark(const struct pgalloc_state *pg, struct zone *z);

/**
 * zone_watermark_unusable_free - free pages a request may not count
 * (__zone_watermark_unusable_free): 2^order - 1, plus the free HIGHATOMIC
 * pages unless @alloc_flags has a reserve flag.
 */
long zone_watermark_unusable_free(const struct zone *z, unsigned order,
				  unsigned alloc_flags);

/**
 * zone_watermark_ok_free - __zone_watermark_ok(): would an allocation of
 * 2^@order pages leave more than @mark (after the reserve discounts of
 * @alloc_flags) plus lowmem_reserve[@highest_zoneidx] free, with a block
 * of order >= @order on a list it may use?
 * @free_pages: NR_FREE_PAGES to judge by
 */
bool zone_watermark_ok_free(const struct zone *z, unsigned order,
			    unsigned long mark, int highest_zoneidx,
			    unsigned alloc_flags, long free_pages);

/** zone_watermark_ok - zone_watermark_ok(): the above with the zone's free pages */
bool zone_watermark_ok(const struct zone *z, unsigned order, unsigned long mark,
		       int highest_zoneidx, unsigned alloc_flags);

/**
 * zone_watermark_fast - zone_watermark_fast(): the order-0 shortcut, the
 * full check, and the unboosted-min retry for order-0 __GFP_HIGH requests
 * checked at WMARK_MIN.
 */
bool zone_watermark_fast(const struct zone *z, unsigned order,
			 unsigned long mark, int highest_zoneidx,
			 unsigned alloc_flags);

/* ---- Fragmentation indices ("mmproc.c", mm/vmstat.c) ---- */

struct contig_page_info {
	unsigned long free_pages;		/* sum of nr_free[o] << o */
	unsigned long free_blocks_total;	/* sum of nr_free[o] */
	unsigned long free_blocks_suitable;	/* 2^order pieces obtainable */
};

void zone_fill_contig_page_info(const struct zone *z, unsigned order,
				struct contig_page_info *info);
/** zone_fragmentation_index - __fragmentation_index(), thousandths, -1000 if it would succeed */
int zone_fragmentation_index(const struct zone *z, unsigned order);
/** zone_unusable_free_index - unusable_free_index(), thousandths */
int zone_unusable_free_index(const struct zone *z, unsigned order);
/** zone_extfrag_for_order - extfrag_for_order(), percent */
unsigned zone_extfrag_for_order(const struct zone *z, unsigned order);

/* ---- Constants ---- */

#define SIM_DMA_PFN_END		((pfn_t)(UINT64_C(16) << (20 - SIM_PAGE_SHIFT)))	/* 16 MiB */
#define SIM_DMA32_PFN_END	((pfn_t)(UINT64_C(4) << (30 - SIM_PAGE_SHIFT)))	/* 4 GiB */
#define SIM_MAX_ORDER_PAGES	(1u << SIM_MAX_ORDER)
#define SWAP_CLUSTER_MAX	32	/* floor of the Movable zone's min watermark */
#define MIN_FREE_KBYTES_MIN	128	/* calculate_min_free_kbytes() clamp */
#define MIN_FREE_KBYTES_MAX	262144	/* 256 MiB */

#endif /* SIM_ZONE_H */

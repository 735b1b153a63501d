/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_layers.c - what the physical memory and slab layers put in a report
 *
 * These are the `report` hooks of layers.c's table, called by
 * sim_fill_report() between the summary and the counters.  Like
 * report_sim.c they read the simulator only through sim.h and put figures
 * into the document as data: typed tables and lists for people and
 * programs, the kernel's own text files verbatim for people who know them,
 * and a memory map for the eye.  Nothing here changes the simulation.
 *
 * Sections, in order:
 *   memory   Physical memory: zones and watermarks, pages by use, the
 *            unusable free space index per order, the memory map, then
 *            /proc/buddyinfo, /proc/pagetypeinfo and /proc/zoneinfo
 *   gfp      Page allocator and reclaim: the counters of the GFP paths
 *            (slow path, stalls, failures, reclaim, compaction, reserves),
 *            each with one line on what it counts
 *   slab     Object caches: totals with internal fragmentation (requested
 *            vs object vs slot bytes) and slab overhead (unused tails, free
 *            objects in partial slabs, objects cached per CPU), a
 *            slabtop-style table of caches by memory, /proc/slabinfo
 *   latency  Modelled latency of each operation kind (virtual time)
 *
 * The memory map.  One cell per page on small machines, growing by powers
 * of two up to one cell per pageblock (2 MiB) as memory grows, so the map
 * stays below RL_MAP_CELLS cells up to 2 GiB (and below RL_MAP_MAX_CELLS
 * beyond, with cells of several pageblocks).  A cell's owner is the use
 * holding most of its pages (ties: the first met in pfn order); within
 * that use, the free order or slab cache holding most pages.  Per-CPU list
 * pages count as free (they are free memory the buddy lists do not see);
 * large kmallocs are shown as slab pages of a "large kmalloc" legend entry,
 * as the kernel counts them in NR_SLAB_UNRECLAIMABLE.  The migratetype
 * colouring is the pageblock's (the most common one for cells of several
 * pageblocks).  Walking the map costs one sim_page_info() per block, not
 * per page.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "report_layers.h"

#define RL_MAP_CELLS		1024	/* up to pageblock cells: finer cells while below */
#define RL_MAP_MAX_CELLS	16384	/* beyond: cells of several pageblocks */
#define RL_ZOOM_BELOW		4	/* zoom when the pages in use span < 1/4 of RAM */
#define RL_MAX_ZONES		(SIM_MAX_NODES * SIM_NR_ZONES)
#define RL_TALLY		64	/* distinct (owner, detail) pairs per cell */

/* ---- Helpers ---- */

/* the index of counter @name, or SIZE_MAX */
static size_t rl_stat_index(const char *name)
{
	for (size_t i = 0; i < sim_stat_count(); i++)
		if (strcmp(sim_stat_name(i), name) == 0)
			return i;
	return SIZE_MAX;
}

/* "Normal", or "Node 1 Normal" on a NUMA machine */
static void rl_zone_name(const struct sim *sim, const struct sim_zone_info *z,
			 char *buf, size_t len)
{
	if (sim_get_config(sim)->nodes > 1)
		snprintf(buf, len, "Node %u %s", z->node, z->name);
	else
		snprintf(buf, len, "%s", z->name);
}

/* populated zones, in /proc/zoneinfo order; returns how many */
static size_t rl_zones(const struct sim *sim, struct sim_zone_info *out,
		       size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sim_zone_count(sim) && n < max; i++)
		if (sim_zone_info(sim, i, &out[n]) == SIM_OK && out[n].populated)
			n++;
	return n;
}

static void rl_proc(const struct sim *sim, struct report_section *s,
		    const char *file, const char *id, const char *title)
{
	char *text = NULL;

	if (sim_proc_read(sim, file, &text) == SIM_OK)
		report_pre(s, id, title, text);
	free(text);
}

/* ---- Physical memory: tables ---- */

static void rl_zone_table(const struct sim *sim, struct report_section *s,
			  const struct sim_zone_info *z, size_t nz)
{
	struct report_table *t = report_table(s, "zones", "Zones and watermarks");

	report_column(t, "zone", REPORT_TEXT, 0, NULL);
	report_column(t, "managed", REPORT_INT, 0, "pages");
	report_column(t, "free", REPORT_INT, 0, "pages");
	report_column(t, "min", REPORT_INT, 0, "pages");
	report_column(t, "low", REPORT_INT, 0, "pages");
	report_column(t, "high", REPORT_INT, 0, "pages");
	report_column(t, "boost", REPORT_INT, 0, "pages");
	report_column(t, "pcp", REPORT_INT, 0, "pages");
	report_column(t, "highatomic", REPORT_INT, 0, "pages");
	for (size_t i = 0; i < nz; i++) {
		char name[48];

		rl_zone_name(sim, &z[i], name, sizeof name);
		REPORT_ROW(t, RV_TEXT(name), RV_INT((int64_t)z[i].managed),
			   RV_INT((int64_t)z[i].free), RV_INT((int64_t)z[i].min),
			   RV_INT((int64_t)z[i].low), RV_INT((int64_t)z[i].high),
			   RV_INT((int64_t)z[i].boost),
			   RV_INT((int64_t)z[i].pcp_pages),
			   RV_INT((int64_t)z[i].reserved_highatomic));
	}
}

static void rl_use_table(const struct sim *sim, struct report_section *s,
			 const struct sim_zone_info *z, size_t nz)
{
	struct report_table *t = report_table(s, "use", "Pages by use");
	struct report_value row[1 + SIM_NR_PAGE_USES];

	report_column(t, "zone", REPORT_TEXT, 0, NULL);
	for (size_t u = 0; u < SIM_NR_PAGE_USES; u++)
		report_column(t, sim_page_use_name(u), REPORT_INT, 0, NULL);
	for (size_t i = 0; i < nz; i++) {
		char name[48];

		rl_zone_name(sim, &z[i], name, sizeof name);
		row[0] = RV_TEXT(name);
		for (size_t u = 0; u < SIM_NR_PAGE_USES; u++)
			row[1 + u] = RV_INT((int64_t)z[i].pages_by_use[u]);
		report_row(t, row, 1 + SIM_NR_PAGE_USES);
	}
}

static void rl_frag_table(const struct sim *sim, struct report_section *s,
			  const struct sim_zone_info *z, size_t nz)
{
	struct report_table *t = report_table(s, "fragmentation",
		"Unusable free space index by order (extfrag/unusable_index), percent");
	struct report_value row[2 + SIM_NR_ORDERS];

	report_column(t, "zone", REPORT_TEXT, 0, NULL);
	report_column(t, "free", REPORT_INT, 0, "pages");
	for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
		char col[16];

		snprintf(col, sizeof col, "order %u", o);
		report_column(t, col, REPORT_PERCENT, 1, NULL);
	}
	for (size_t i = 0; i < nz; i++) {
		char name[48];

		rl_zone_name(sim, &z[i], name, sizeof name);
		row[0] = RV_TEXT(name);
		row[1] = RV_INT((int64_t)z[i].free);
		for (unsigned o = 0; o < SIM_NR_ORDERS; o++)
			row[2 + o] = RV_PERCENT(z[i].unusable_index[o] / 10.0, 1);
		report_row(t, row, 2 + SIM_NR_ORDERS);
	}
}

/* ---- Physical memory: the map ---- */

struct rl_cell {
	struct { uint8_t owner; uint16_t detail; uint64_t pages; } tally[RL_TALLY];
	size_t n;
	uint64_t mt_pages[MIGRATE_TYPES];
	bool any;
};

static void rl_tally(struct rl_cell *c, enum report_owner owner,
		     unsigned detail, int mt, uint64_t pages)
{
	size_t i;

	c->any = true;
	if (mt >= 0 && mt < MIGRATE_TYPES)
		c->mt_pages[mt] += pages;
	for (i = 0; i < c->n; i++)
		if (c->tally[i].owner == owner && c->tally[i].detail == detail)
			break;
	if (i == c->n) {
		if (c->n == RL_TALLY)
			return;	/* a cell of 64+ distinct owners: the rest uncounted */
		c->tally[i].owner = (uint8_t)owner;
		c->tally[i].detail = (uint16_t)detail;
		c->tally[i].pages = 0;
		c->n++;
	}
	c->tally[i].pages += pages;
}

/* decide the cell's owner and migratetype, then start it afresh */
static void rl_flush(struct report_memmap *m, uint64_t cell, struct rl_cell *c)
{
	uint64_t by_owner[REPORT_NR_OWNERS] = { 0 };
	int owner = -1, mt = MIGRATE_TYPES;
	size_t best = SIZE_MAX;

	if (!c->any)
		return;	/* a hole: the map's default */
	for (size_t i = 0; i < c->n; i++)
		by_owner[c->tally[i].owner] += c->tally[i].pages;
	/*
	 * The class in use with most pages (ties to the first met); free only
	 * when every page of the cell is free.  A majority rule would paint a
	 * mostly idle 4 GiB machine one colour and hide every slab: a cell
	 * shows who uses it, however little (the map's title says so).
	 */
	for (size_t i = 0; i < c->n; i++) {
		int o = c->tally[i].owner;

		if (o == REPORT_OWNER_FREE || o == REPORT_OWNER_NONE)
			continue;
		if (owner < 0 || by_owner[o] > by_owner[owner])
			owner = o;
	}
	for (size_t i = 0; owner < 0 && i < c->n; i++)
		owner = c->tally[i].owner;
	for (size_t i = 0; i < c->n; i++)
		if (c->tally[i].owner == owner &&
		    (best == SIZE_MAX || c->tally[i].pages > c->tally[best].pages))
			best = i;
	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (c->mt_pages[t] && (mt == MIGRATE_TYPES ||
				       c->mt_pages[t] > c->mt_pages[mt]))
			mt = t;
	report_memmap_set(m, cell, 1, (enum report_owner)owner,
			  c->tally[best].detail, (enum migratetype)mt);
	/* tally[] past n is never read: clearing its 1.5 KB for every cell
	 * was most of a small machine's map */
	c->n = 0;
	c->any = false;
	memset(c->mt_pages, 0, sizeof c->mt_pages);
}

/* the owner class and detail of a block, from sim_page_info()'s state */
static enum report_owner rl_owner(const struct sim *sim,
				  struct report_memmap *m,
				  const struct sim_page_info *pi, unsigned *detail)
{
	const char *st = pi->state;
	const char *cache;
	int idx;

	*detail = 0;
	if (strcmp(st, "free") == 0 || strcmp(st, "pcp") == 0) {
		*detail = pi->order;
		return REPORT_OWNER_FREE;
	}
	if (strcmp(st, "slab") == 0 || strcmp(st, "kmalloc_large") == 0) {
		if (st[0] == 'k')
			cache = "large kmalloc";
		else if ((cache = sim_page_cache_name(sim, pi->head)) == NULL)
			cache = "?";
		else if (!*cache)
			cache = "(no live objects)";
		idx = report_memmap_cache(m, cache);
		*detail = idx >= 0 ? (unsigned)idx : 0;
		return REPORT_OWNER_SLAB;
	}
	if (strcmp(st, "pagecache") == 0)
		return REPORT_OWNER_PAGECACHE;
	if (strcmp(st, "anon") == 0)
		return REPORT_OWNER_ANON;
	if (strcmp(st, "reserved") == 0)
		return REPORT_OWNER_RESERVED;
	return REPORT_OWNER_KERNEL;	/* kernel, other */
}

/* pages [@lo, @hi) of owner class @owner are in use or not */
static void rl_used(enum report_owner owner, pfn_t lo, pfn_t hi,
		    pfn_t *used_lo, pfn_t *used_hi)
{
	if (owner == REPORT_OWNER_FREE || owner == REPORT_OWNER_NONE)
		return;
	if (lo < *used_lo)
		*used_lo = lo;
	if (hi - 1 > *used_hi || *used_hi == (pfn_t)-1)
		*used_hi = hi - 1;
}

/*
 * Fill map @m (cells of 2^@co pages from @base) from the pages of zones
 * @z in [@from, @to); the pfns of the first and last page in use (not
 * free, not a hole) go to *@used_lo, *@used_hi (unchanged if none).
 *
 * A block (buddy block, slab, ...) is looked up once per cell it touches,
 * from its first page there, except for the whole cells it covers within
 * one pageblock: each of those holds that block alone, so it is set as
 * such in one go -- a free order-10 block is 256 cells of a 16 MiB map.
 */
static void rl_fill(const struct sim *sim, struct report_memmap *m,
		    const struct sim_zone_info *z, size_t nz, pfn_t base,
		    unsigned co, pfn_t from, pfn_t to, pfn_t *used_lo,
		    pfn_t *used_hi)
{
	struct rl_cell *cell = calloc(1, sizeof *cell);
	uint64_t cur = UINT64_MAX;
	pfn_t pb_pages = (pfn_t)1 << sim_get_config(sim)->pageblock_order;

	if (!cell)
		return;
	for (size_t i = 0; i < nz; i++) {
		pfn_t pfn = z[i].start_pfn, end = z[i].start_pfn + z[i].spanned;

		if (pfn < from)
			pfn = from;
		if (end > to)
			end = to;
		while (pfn < end) {
			struct sim_page_info pi;
			uint64_t c = (pfn - base) >> co, whole;
			pfn_t cell_end = base + ((c + 1) << co), stop, run;
			enum report_owner owner;
			unsigned detail;

			if (c != cur) {
				if (cur != UINT64_MAX)
					rl_flush(m, cur, cell);
				cur = c;
			}
			if (sim_page_info(sim, pfn, &pi) != SIM_OK) {
				pfn++;		/* a hole inside the zone's span */
				continue;
			}
			stop = pi.head + ((pfn_t)1 << pi.order);
			if (stop > end)
				stop = end;
			/* the block's whole cells in this pageblock end by run */
			run = (pfn | (pb_pages - 1)) + 1;
			if (run > stop)
				run = stop;
			if (stop > cell_end)
				stop = cell_end;
			if (stop <= pfn)
				stop = pfn + 1;
			owner = rl_owner(sim, m, &pi, &detail);
			rl_used(owner, pfn, stop, used_lo, used_hi);
			rl_tally(cell, owner, detail, pi.migratetype, stop - pfn);
			pfn = stop;
			whole = pfn == cell_end && run > pfn ? (run - pfn) >> co : 0;
			if (whole) {
				/* what rl_flush() decides for a cell of one tally */
				int mt = pi.migratetype >= 0 && pi.migratetype < MIGRATE_TYPES ?
					 pi.migratetype : MIGRATE_TYPES;

				rl_flush(m, cur, cell);
				cur = UINT64_MAX;
				report_memmap_set(m, c + 1, whole, owner, detail,
						  (enum migratetype)mt);
				rl_used(owner, pfn, pfn + (whole << co), used_lo, used_hi);
				pfn += whole << co;
			}
		}
	}
	if (cur != UINT64_MAX)
		rl_flush(m, cur, cell);
	free(cell);
}

/* declare @z's zones over map @m's cells (cells of 2^@co pages from @base) */
static void rl_map_zones(const struct sim *sim, struct report_memmap *m,
			 const struct sim_zone_info *z, size_t nz, pfn_t base,
			 unsigned co, pfn_t from, pfn_t to)
{
	uint64_t last_cell = 0;
	bool any = false;

	for (size_t i = 0; i < nz; i++) {
		pfn_t zs = z[i].start_pfn, ze = z[i].start_pfn + z[i].spanned;
		uint64_t first, last;
		char name[48];

		if (zs < from)
			zs = from;
		if (ze > to)
			ze = to;
		if (ze <= zs)
			continue;
		first = (zs - base) >> co;
		last = (ze - 1 - base) >> co;
		if (any && first < last_cell + 1)
			first = last_cell + 1;	/* a boundary inside a cell: the lower zone has it */
		if (first > last)
			continue;
		rl_zone_name(sim, &z[i], name, sizeof name);
		report_memmap_zone(m, name, first, last - first + 1);
		last_cell = last;
		any = true;
	}
}

/* the cell order that keeps [lo, hi) near RL_MAP_CELLS cells */
static unsigned rl_cell_order(const struct sim *sim, pfn_t lo, pfn_t hi)
{
	unsigned co = 0;

	while (co < sim_get_config(sim)->pageblock_order && ((hi - lo) >> co) > RL_MAP_CELLS)
		co++;
	while (((hi - lo) >> co) > RL_MAP_MAX_CELLS)
		co++;
	return co;
}

/*
 * The memory map, and where the pages in use fill only a small part of
 * RAM (a mostly idle machine), a second map zoomed into that range with
 * finer cells: the whole map shows where, the zoom shows what.
 */
static void rl_memmap(const struct sim *sim, struct report_section *s,
		      const struct sim_zone_info *z, size_t nz)
{
	struct report_memmap *m;
	pfn_t lo = (pfn_t)-1, hi = 0, base, ulo = (pfn_t)-1, uhi = (pfn_t)-1;
	uint64_t ncells;
	unsigned co;
	char title[160];

	for (size_t i = 0; i < nz; i++) {
		if (z[i].start_pfn < lo)
			lo = z[i].start_pfn;
		if (z[i].start_pfn + z[i].spanned > hi)
			hi = z[i].start_pfn + z[i].spanned;
	}
	if (hi <= lo)
		return;
	co = rl_cell_order(sim, lo, hi);
	base = lo & ~(((pfn_t)1 << co) - 1);
	ncells = (hi - base + ((pfn_t)1 << co) - 1) >> co;
	if (co == 0)
		snprintf(title, sizeof title, "Memory map (one cell per page)");
	else
		snprintf(title, sizeof title, "Memory map (one cell per %llu pages: "
			 "its main user; free only if all its pages are)",
			 1ULL << co);
	m = report_memmap(s, "map", title, base, ncells, co);
	if (!m)
		return;
	rl_map_zones(sim, m, z, nz, base, co, lo, hi);
	rl_fill(sim, m, z, nz, base, co, lo, hi, &ulo, &uhi);

	/* the zoom: pages in use within less than a quarter of the span */
	if (co > 0 && ulo != (pfn_t)-1 && (uhi - ulo + 1) * RL_ZOOM_BELOW < hi - lo) {
		pfn_t zlo, zhi;
		unsigned zco = rl_cell_order(sim, ulo, uhi + 1);
		struct report_memmap *zm;
		pfn_t dummy_lo = (pfn_t)-1, dummy_hi = (pfn_t)-1;

		if (zco >= co)
			return;		/* no finer than the whole map */
		zlo = ulo & ~(((pfn_t)1 << zco) - 1);
		zhi = (uhi + ((pfn_t)1 << zco)) & ~(((pfn_t)1 << zco) - 1);
		snprintf(title, sizeof title, "Zoom: pfn 0x%llx-0x%llx, where every page "
			 "in use lies (one cell per %llu page%s)",
			 (unsigned long long)zlo, (unsigned long long)(zhi - 1),
			 1ULL << zco, zco ? "s" : "");
		zm = report_memmap(s, "map-zoom", title, zlo, (zhi - zlo) >> zco, zco);
		if (!zm)
			return;
		rl_map_zones(sim, zm, z, nz, zlo, zco, zlo, zhi);
		rl_fill(sim, zm, z, nz, zlo, zco, zlo, zhi, &dummy_lo, &dummy_hi);
	}
}

/* ---- The page allocator's counters ---- */

/* the counters a reader of the GFP paths looks at, with what they count */
static const struct { const char *name, *meaning; } rl_gfp_counters[] = {
	{ "pgalloc_dma", "pages allocated from ZONE_DMA" },
	{ "pgalloc_dma32", "pages allocated from ZONE_DMA32" },
	{ "pgalloc_normal", "pages allocated from ZONE_NORMAL" },
	{ "pgalloc_movable", "pages allocated from ZONE_MOVABLE" },
	{ "pgfree", "pages freed" },
	{ "pcp_refill", "per-CPU list refills from the buddy lists (kmemsim)" },
	{ "pcp_drain", "per-CPU list drains to the buddy lists (kmemsim)" },
	{ "extfrag_fallback", "allocations that fell back to another migratetype" },
	{ "alloc_slowpath", "allocations that entered __alloc_pages_slowpath (kmemsim)" },
	{ "kswapd_wakeups", "times kswapd was woken (kmemsim)" },
	{ "allocstall_normal", "direct reclaim stalls for ZONE_NORMAL" },
	{ "allocstall_dma32", "direct reclaim stalls for ZONE_DMA32" },
	{ "alloc_stall_ns", "virtual time allocations spent stalled, ns (kmemsim)" },
	{ "pgscan_kswapd", "pages scanned by kswapd" },
	{ "pgsteal_kswapd", "pages reclaimed by kswapd" },
	{ "pgscan_direct", "pages scanned by direct reclaim" },
	{ "pgsteal_direct", "pages reclaimed by direct reclaim" },
	{ "slabs_scanned", "slab objects scanned by shrinkers" },
	{ "compact_stall", "direct compaction attempts" },
	{ "compact_success", "direct compactions that made the allocation possible" },
	{ "compact_fail", "direct compactions that did not" },
	{ "reserve_min_used", "allocations that dipped below the min watermark (kmemsim)" },
	{ "reserve_highatomic_used", "allocations served from HIGHATOMIC reserves (kmemsim)" },
	{ "reserve_nowmark_used", "ALLOC_NO_WATERMARKS allocations (kmemsim)" },
	{ "alloc_fail", "page allocations that failed (kmemsim)" },
	{ "oom_kill", "OOM kills" },
	{ "sleep_in_atomic", "may-sleep allocations made in atomic context (kmemsim)" },
};

static void rl_gfp(const struct sim *sim, struct report *r)
{
	struct report_section *s = report_section(r, "gfp",
						  "Page allocator and reclaim");
	struct report_table *t = report_table(s, "counters",
		"GFP paths, reclaim and compaction (/proc/vmstat names)");

	report_column(t, "counter", REPORT_TEXT, 0, NULL);
	report_column(t, "value", REPORT_INT, 0, NULL);
	report_column(t, "meaning", REPORT_TEXT, 0, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(rl_gfp_counters); i++) {
		/* one search per counter, not one to know it and one to read it */
		size_t k = rl_stat_index(rl_gfp_counters[i].name);

		if (k == SIZE_MAX)
			continue;
		REPORT_ROW(t, RV_TEXT(rl_gfp_counters[i].name),
			   RV_INT((int64_t)sim_stat_value(sim, k)),
			   RV_TEXT(rl_gfp_counters[i].meaning));
	}
}

int report_layer_mem(const struct sim *sim, struct report *r)
{
	struct sim_zone_info *z = calloc(RL_MAX_ZONES, sizeof *z);
	struct report_section *s;
	size_t nz;

	if (!z)
		return SIM_ENOHOSTMEM;
	nz = rl_zones(sim, z, RL_MAX_ZONES);
	s = report_section(r, "memory", "Physical memory");
	rl_zone_table(sim, s, z, nz);
	rl_use_table(sim, s, z, nz);
	rl_frag_table(sim, s, z, nz);
	rl_memmap(sim, s, z, nz);
	rl_proc(sim, s, "meminfo", "meminfo", "/proc/meminfo");
	rl_proc(sim, s, "buddyinfo", "buddyinfo", "/proc/buddyinfo");
	rl_proc(sim, s, "pagetypeinfo", "pagetypeinfo", "/proc/pagetypeinfo");
	rl_proc(sim, s, "zoneinfo", "zoneinfo", "/proc/zoneinfo");
	free(z);
	rl_gfp(sim, r);
	return report_status(r);
}

/* ---- Object caches ---- */

struct rl_cache {
	const char *name;
	size_t pos;			/* /proc/slabinfo order: ties */
	struct sim_cache_info info;
	struct sim_cache_stats st;
};

static int rl_cache_cmp(const void *a, const void *b)
{
	const struct rl_cache *x = a, *y = b;

	if (x->st.pages != y->st.pages)
		return x->st.pages > y->st.pages ? -1 : 1;
	if (x->st.live != y->st.live)
		return x->st.live > y->st.live ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static double rl_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* (whole - part) / whole: the share of @whole that is not @part */
static double rl_waste(uint64_t part, uint64_t whole)
{
	return part < whole ? rl_pct(whole - part, whole) : 0.0;
}

/* a policy-wide field of the slab summary, 0 if the policy has none */
static uint64_t rl_field(const struct sim_slab_summary *sum, const char *name)
{
	for (size_t i = 0; i < sum->nr_fields; i++)
		if (strcmp(sum->fields[i].name, name) == 0)
			return sum->fields[i].value;
	return 0;
}

/*
 * The totals count every live object: those of caches, large kmallocs and,
 * under SLOB, the kmalloc blocks of its shared heap (they belong to no
 * cache), exactly as `kmemsim compare` does (docs/reports.md).
 */
static void rl_slab_totals(const struct sim *sim, struct report_section *s,
			   const struct sim_slab_summary *sum)
{
	const struct sim_cache_stats *c = &sum->caches;
	struct report_kv *kv = report_kv(s, "totals", "Totals");
	uint64_t slab_pages = sum->nr_slab_reclaimable + sum->nr_slab_unreclaimable;
	uint64_t slab_bytes = (slab_pages - sum->large_pages) * SIM_PAGE_SIZE;
	uint64_t live = c->live + sum->large_objects +
			rl_field(sum, "slob_kmalloc_objects");
	uint64_t req = c->req_bytes + sum->large_req_bytes +
		       rl_field(sum, "slob_kmalloc_req_bytes");
	uint64_t slot = c->slot_bytes + rl_field(sum, "slob_kmalloc_block_bytes");
	uint64_t alloc = slot + sum->large_pages * SIM_PAGE_SIZE;
	struct sim_sample_stats ss;

	report_kv_add(kv, "caches", RV_INT((int64_t)sum->nr_caches), NULL);
	report_kv_add(kv, "pages in slabs and large kmallocs",
		      RV_INT((int64_t)slab_pages), "pages");
	if (sim_sample_get_stats(sim, &ss) == SIM_OK)
		report_kv_add(kv, "peak (checked at every operation)",
			      RV_INT((int64_t)ss.peak_slab_pages), "pages");
	report_kv_add(kv, "NR_SLAB_RECLAIMABLE",
		      RV_INT((int64_t)sum->nr_slab_reclaimable), "pages");
	report_kv_add(kv, "NR_SLAB_UNRECLAIMABLE",
		      RV_INT((int64_t)sum->nr_slab_unreclaimable), "pages");
	report_kv_add(kv, "live objects", RV_INT((int64_t)live), NULL);
	report_kv_add(kv, "requested bytes", RV_BYTES((int64_t)req), NULL);
	report_kv_add(kv, "allocated bytes (slots, blocks, large pages)",
		      RV_BYTES((int64_t)alloc), NULL);
	report_kv_add(kv, "internal fragmentation (allocated - requested) / allocated",
		      RV_PERCENT(rl_waste(req, alloc), 1), NULL);
	report_kv_add(kv, "bytes in slab pages", RV_BYTES((int64_t)slab_bytes), NULL);
	report_kv_add(kv, "slab overhead (slab bytes - slot bytes) / slab bytes",
		      RV_PERCENT(rl_waste(slot, slab_bytes), 1), NULL);
	report_kv_add(kv, "unused slab tails", RV_BYTES((int64_t)c->tail_bytes), NULL);
	report_kv_add(kv, "free objects in partial slabs",
		      RV_INT((int64_t)c->free_in_partial), NULL);
	report_kv_add(kv, "free objects cached per CPU", RV_INT((int64_t)c->cached),
		      NULL);
	report_kv_add(kv, "partial slabs", RV_INT((int64_t)c->partial_slabs), NULL);
	report_kv_add(kv, "objects in caches", RV_INT((int64_t)c->live), NULL);
	report_kv_add(kv, "object bytes in caches (live * object size)",
		      RV_BYTES((int64_t)c->obj_bytes), NULL);
	report_kv_add(kv, "large kmalloc objects", RV_INT((int64_t)sum->large_objects),
		      NULL);
	report_kv_add(kv, "large kmalloc pages", RV_INT((int64_t)sum->large_pages),
		      "pages");
	report_kv_add(kv, "cache allocations", RV_INT((int64_t)c->allocs), NULL);
	report_kv_add(kv, "cache frees", RV_INT((int64_t)c->frees), NULL);
	report_kv_add(kv, "fast path allocations",
		      RV_PERCENT(rl_pct(c->fastpath_allocs, c->allocs), 1), NULL);
	report_kv_add(kv, "slabs created", RV_INT((int64_t)c->slabs_created), NULL);
	report_kv_add(kv, "slabs freed", RV_INT((int64_t)c->slabs_freed), NULL);
	if (sum->nr_fields) {
		/* figures of the policy as a whole (SLOB's heap belongs to no cache) */
		kv = report_kv(s, "policy", "Policy-wide figures");
		for (size_t i = 0; i < sum->nr_fields; i++)
			report_kv_add(kv, sum->fields[i].name,
				      RV_INT((int64_t)sum->fields[i].value), NULL);
	}
}

static void rl_slab_caches(const struct sim *sim, struct report_section *s)
{
	size_t n = sim_cache_count(sim), k = 0;
	struct rl_cache *c = calloc(n ? n : 1, sizeof *c);
	struct report_table *t;

	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		sim_cache_t h = sim_cache_at(sim, i);

		if (sim_cache_get_info(sim, h, &c[k].info) != SIM_OK ||
		    sim_cache_get_stats(sim, h, &c[k].st) != SIM_OK)
			continue;
		/* empty caches (most kmalloc classes) would drown the table */
		if (!c[k].st.pages && !c[k].st.live && !c[k].st.num_objs)
			continue;
		c[k].name = c[k].info.name;
		c[k].pos = i;
		k++;
	}
	qsort(c, k, sizeof *c, rl_cache_cmp);
	t = report_table(s, "caches",
			 "Caches by memory (slabtop; caches with no objects left out)");
	report_column(t, "cache", REPORT_TEXT, 0, NULL);
	report_column(t, "objsize", REPORT_INT, 0, "B");
	report_column(t, "slot", REPORT_INT, 0, "B");
	report_column(t, "obj/slab", REPORT_INT, 0, NULL);
	report_column(t, "order", REPORT_INT, 0, NULL);
	report_column(t, "slabs", REPORT_INT, 0, NULL);
	report_column(t, "pages", REPORT_INT, 0, NULL);
	report_column(t, "live", REPORT_INT, 0, NULL);
	report_column(t, "objs", REPORT_INT, 0, NULL);
	report_column(t, "requested", REPORT_BYTES, 0, NULL);
	report_column(t, "slot bytes", REPORT_BYTES, 0, NULL);
	report_column(t, "int. frag", REPORT_PERCENT, 1, NULL);
	report_column(t, "tails", REPORT_BYTES, 0, NULL);
	report_column(t, "free in partial", REPORT_INT, 0, NULL);
	report_column(t, "cached", REPORT_INT, 0, NULL);
	for (size_t i = 0; i < k; i++) {
		const struct sim_cache_stats *st = &c[i].st;

		REPORT_ROW(t, RV_TEXT(c[i].name),
			   RV_INT(c[i].info.object_size), RV_INT(c[i].info.size),
			   RV_INT(c[i].info.objects_per_slab), RV_INT(c[i].info.order),
			   RV_INT((int64_t)st->num_slabs), RV_INT((int64_t)st->pages),
			   RV_INT((int64_t)st->live), RV_INT((int64_t)st->num_objs),
			   RV_BYTES((int64_t)st->req_bytes),
			   RV_BYTES((int64_t)st->slot_bytes),
			   RV_PERCENT(rl_waste(st->req_bytes, st->slot_bytes), 1),
			   RV_BYTES((int64_t)st->tail_bytes),
			   RV_INT((int64_t)st->free_in_partial),
			   RV_INT((int64_t)st->cached));
	}
	free(c);
}

/* sim_text_fn appending to a report_buf */
static void rl_text(void *ud, const char *s, size_t n)
{
	report_buf_write(ud, s, n);
}

static void rl_latency(const struct sim *sim, struct report *r)
{
	struct report_section *s = report_section(r, "latency", "Modelled latency");
	struct report_table *t = report_table(s, "ops",
		"Per operation, in virtual time from the cost model (src/cost.h)");

	report_column(t, "operation", REPORT_TEXT, 0, NULL);
	report_column(t, "count", REPORT_INT, 0, NULL);
	report_column(t, "p50", REPORT_NS, 0, NULL);
	report_column(t, "p90", REPORT_NS, 0, NULL);
	report_column(t, "p99", REPORT_NS, 0, NULL);
	report_column(t, "max", REPORT_NS, 0, NULL);
	for (int k = 0; k < SIM_NR_LAT_KINDS; k++) {
		uint64_t n = sim_lat_count(sim, (enum sim_lat_kind)k);

		if (n == 0) {
			REPORT_ROW(t, RV_TEXT(sim_lat_kind_name((enum sim_lat_kind)k)),
				   RV_INT(0), RV_NONE(REPORT_NS), RV_NONE(REPORT_NS),
				   RV_NONE(REPORT_NS), RV_NONE(REPORT_NS));
			continue;
		}
		REPORT_ROW(t, RV_TEXT(sim_lat_kind_name((enum sim_lat_kind)k)),
			   RV_INT((int64_t)n),
			   RV_NS((int64_t)sim_lat_percentile(sim, (enum sim_lat_kind)k, 50)),
			   RV_NS((int64_t)sim_lat_percentile(sim, (enum sim_lat_kind)k, 90)),
			   RV_NS((int64_t)sim_lat_percentile(sim, (enum sim_lat_kind)k, 99)),
			   RV_NS((int64_t)sim_lat_max(sim, (enum sim_lat_kind)k)));
	}
}

int report_layer_slab(const struct sim *sim, struct report *r)
{
	struct sim_slab_summary *sum = calloc(1, sizeof *sum);
	struct report_buf buf = REPORT_BUF_INIT;
	struct report_section *s;
	char title[64];

	if (!sum)
		return SIM_ENOHOSTMEM;
	sim_slab_get_summary(sim, sum);
	snprintf(title, sizeof title, "Object caches (%s)",
		 sim_get_config(sim)->policy);
	s = report_section(r, "slab", title);
	rl_slab_totals(sim, s, sum);
	rl_slab_caches(sim, s);
	if (sim_slabinfo(sim, rl_text, &buf) == SIM_OK && !buf.failed && buf.len)
		report_pre(s, "slabinfo", "/proc/slabinfo", buf.data);
	report_buf_release(&buf);
	/* merged caches change what a cache's figures hold: always say so */
	if (sim_slab_aliases(sim, rl_text, &buf) != SIM_OK || buf.failed || !buf.len) {
		report_buf_release(&buf);
		report_buf_write(&buf, "(no cache was merged into another)\n", 35);
	}
	if (!buf.failed)
		report_pre(s, "aliases", "Merged caches (slabinfo -a)", buf.data);
	report_buf_release(&buf);
	free(sum);
	rl_latency(sim, r);
	return report_status(r);
}

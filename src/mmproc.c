/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mmproc.c - /proc and debugfs views of physical memory, fragmentation indices
 *
 * Stands in for mm/vmstat.c: frag_show (/proc/buddyinfo),
 * pagetypeinfo_show, zoneinfo_show, vmstat_show (/proc/vmstat), the
 * debugfs files extfrag/unusable_index and extfrag/extfrag_index, and the
 * formulas behind them (fill_contig_page_info, __fragmentation_index,
 * unusable_free_index, extfrag_for_order, kernel-model §5); plus the
 * sim.h accessors the Lua bindings use (sim_alloc_pages, sim_page_info,
 * sim_zone_info, sim_vmstat_*).
 *
 * Every text is built with the kernel's printf layouts, so a kmemsim file
 * can be diffed against a real one.  Only modelled fields are printed:
 *   zoneinfo  per-node stats: nr_anon_pages, nr_file_pages (pages of those
 *             uses); zone stats: nr_free_pages, nr_free_pages_blocks,
 *             nr_free_cma (0: no CMA) and the numa_* counters
 *             (numa_interleave 0: no mempolicies); everything else in the
 *             kernel's order and spacing.
 *   pagetypeinfo  four migratetypes (no CMA, no Isolate rows); no "mixed
 *             blocks" table (that needs page_owner).
 * Files are per node in node order; buddyinfo, pagetypeinfo and the
 * debugfs files list populated zones only, zoneinfo every zone (Device
 * included), as the kernel does.  Reading never changes the simulation.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buddy.h"
#include "page_alloc.h"
#include "state.h"

/* ---- Fragmentation indices ---- */

void zone_fill_contig_page_info(const struct zone *z, unsigned order,
				struct contig_page_info *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
		unsigned long blocks = z->free_area[o].nr_free;

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= order)
			info->free_blocks_suitable += blocks << (o - order);
	}
}

int zone_fragmentation_index(const struct zone *z, unsigned order)
{
	struct contig_page_info info;
	unsigned long requested = 1ul << order;

	zone_fill_contig_page_info(z, order, &info);
	if (!info.free_blocks_total)
		return 0;
	/* only meaningful when the request would fail */
	if (info.free_blocks_suitable)
		return -1000;
	/* 0: failure for lack of memory, 1000: for fragmentation */
	return 1000 - (int)((1000 + info.free_pages * 1000 / requested) /
			    info.free_blocks_total);
}

int zone_unusable_free_index(const struct zone *z, unsigned order)
{
	struct contig_page_info info;

	zone_fill_contig_page_info(z, order, &info);
	if (!info.free_pages)	/* no free memory: all of it is unusable */
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) *
		     1000 / info.free_pages);
}

unsigned zone_extfrag_for_order(const struct zone *z, unsigned order)
{
	struct contig_page_info info;

	zone_fill_contig_page_info(z, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned)((info.free_pages - (info.free_blocks_suitable << order)) *
			  100 / info.free_pages);
}

/* ---- A growable text buffer ---- */

struct mmproc_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void mmproc_printf(struct mmproc_buf *b, const char *fmt, ...)
	sim_printf_like(2, 3);

static void mmproc_printf(struct mmproc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = b->cap ? b->cap : 4096;
			char *p;

			while (cap - b->len <= (size_t)n)
				cap *= 2;
			p = sim_xrealloc(b->s, cap);
			if (!p) {
				b->oom = true;
				return;
			}
			b->s = p;
			b->cap = cap;
		}
	}
}

static void mmproc_putc(struct mmproc_buf *b, char c)
{
	mmproc_printf(b, "%c", c);
}

/* ---- /proc/buddyinfo ---- */

static void mmproc_buddyinfo(const struct pgalloc_state *pg, struct mmproc_buf *b)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];

			if (!zone_populated(z))
				continue;
			mmproc_printf(b, "Node %u, zone %8s ", nid, z->name);
			for (unsigned o = 0; o < SIM_NR_ORDERS; o++)
				mmproc_printf(b, "%6lu ", z->free_area[o].nr_free);
			mmproc_putc(b, '\n');
		}
	}
}

/* ---- /proc/pagetypeinfo ---- */

#define MMPROC_FREELIST_CAP 100000ul	/* the kernel stops counting a list here */

static bool mmproc_node_has_memory(const struct pglist_data *pgdat)
{
	for (int zi = 0; zi < SIM_NR_ZONES; zi++)
		if (zone_populated(&pgdat->zones[zi]))
			return true;
	return false;
}

static void mmproc_pagetypeinfo(const struct pgalloc_state *pg,
				struct mmproc_buf *b)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		const struct pglist_data *pgdat = &pg->nodes[nid];

		if (!mmproc_node_has_memory(pgdat))
			continue;
		mmproc_printf(b, "Page block order: %d\n", pageblock_order(pg));
		mmproc_printf(b, "Pages per block:  %lu\n", (unsigned long)pageblock_nr_pages(pg));
		mmproc_putc(b, '\n');
		mmproc_printf(b, "%-43s ", "Free pages count per migrate type at order");
		for (int o = 0; o < SIM_NR_ORDERS; o++)
			mmproc_printf(b, "%6d ", o);
		mmproc_putc(b, '\n');
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pgdat->zones[zi];

			if (!zone_populated(z))
				continue;
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				mmproc_printf(b, "Node %4u, zone %8s, type %12s ", nid,
					      z->name, buddy_migratetype_name(mt));
				for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
					unsigned long n = z->free_area[o].list[mt].nr;
					bool overflow = n >= MMPROC_FREELIST_CAP;

					mmproc_printf(b, "%s%6lu ", overflow ? ">" : "",
						      overflow ? MMPROC_FREELIST_CAP : n);
				}
				mmproc_putc(b, '\n');
			}
		}
		mmproc_printf(b, "\n%-23s", "Number of blocks type ");
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			mmproc_printf(b, "%12s ", buddy_migratetype_name(mt));
		mmproc_putc(b, '\n');
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pgdat->zones[zi];
			unsigned long count[MIGRATE_TYPES] = { 0 };

			if (!zone_populated(z))
				continue;
			for (pfn_t pfn = z->start_pfn; pfn < zone_end_pfn(z);
			     pfn += pageblock_nr_pages(pg))
				count[pageblock_migratetype(pg, pfn)]++;
			mmproc_printf(b, "Node %u, zone %8s ", nid, z->name);
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				mmproc_printf(b, "%12lu ", count[mt]);
			mmproc_putc(b, '\n');
		}
	}
}

/* ---- /proc/zoneinfo ---- */

static unsigned long mmproc_node_use(const struct pglist_data *pgdat,
				     enum page_use use)
{
	unsigned long n = 0;

	for (int zi = 0; zi < SIM_NR_ZONES; zi++)
		n += pgdat->zones[zi].nr_use[use];
	return n;
}

static void mmproc_zoneinfo_zone(const struct pgalloc_state *pg,
				 const struct pglist_data *pgdat,
				 const struct zone *z, bool first_populated,
				 struct mmproc_buf *b)
{
	mmproc_printf(b, "Node %u, zone %8s", pgdat->node_id, z->name);
	if (first_populated) {
		mmproc_printf(b, "\n  per-node stats");
		mmproc_printf(b, "\n      %-12s %lu", "nr_anon_pages",
			      mmproc_node_use(pgdat, PAGE_USE_ANON));
		mmproc_printf(b, "\n      %-12s %lu", "nr_file_pages",
			      mmproc_node_use(pgdat, PAGE_USE_PAGECACHE));
	}
	mmproc_printf(b,
		      "\n  pages free     %lu"
		      "\n        boost    %lu"
		      "\n        min      %lu"
		      "\n        low      %lu"
		      "\n        high     %lu"
		      "\n        promo    %lu"
		      "\n        spanned  %lu"
		      "\n        present  %lu"
		      "\n        managed  %lu"
		      "\n        cma      %lu",
		      z->nr_free_pages, z->watermark_boost, min_wmark_pages(z),
		      low_wmark_pages(z), high_wmark_pages(z), promo_wmark_pages(z),
		      z->spanned, z->present, z->managed, 0ul);
	mmproc_printf(b, "\n        protection: (%ld", z->lowmem_reserve[0]);
	for (int i = 1; i < SIM_NR_ZONES; i++)
		mmproc_printf(b, ", %ld", z->lowmem_reserve[i]);
	mmproc_putc(b, ')');
	if (!zone_populated(z)) {	/* nothing else is useful */
		mmproc_putc(b, '\n');
		return;
	}
	mmproc_printf(b, "\n      %-12s %lu", "nr_free_pages", z->nr_free_pages);
	mmproc_printf(b, "\n      %-12s %lu", "nr_free_pages_blocks", z->nr_free_pages_blocks);
	mmproc_printf(b, "\n      %-12s %lu", "nr_free_cma", 0ul);
	mmproc_printf(b, "\n      %-12s %llu", "numa_hit", (unsigned long long)z->numa_hit);
	mmproc_printf(b, "\n      %-12s %llu", "numa_miss", (unsigned long long)z->numa_miss);
	mmproc_printf(b, "\n      %-12s %llu", "numa_foreign", (unsigned long long)z->numa_foreign);
	mmproc_printf(b, "\n      %-12s %lu", "numa_interleave", 0ul);
	mmproc_printf(b, "\n      %-12s %llu", "numa_local", (unsigned long long)z->numa_local);
	mmproc_printf(b, "\n      %-12s %llu", "numa_other", (unsigned long long)z->numa_other);
	mmproc_printf(b, "\n  pagesets");
	for (unsigned cpu = 0; cpu < pg->nr_cpus; cpu++) {
		const struct per_cpu_pages *pcp = &z->pcp[cpu];

		if (pg->kver < SIM_KERNEL_6_18)	/* 6.1 zoneinfo_show_print() */
			mmproc_printf(b,
				      "\n    cpu: %i"
				      "\n              count: %i"
				      "\n              high:  %i"
				      "\n              batch: %i",
				      (int)cpu, pcp->count, pcp->high, pcp->batch);
		else
			mmproc_printf(b,
				      "\n    cpu: %i"
				      "\n              count:    %i"
				      "\n              high:     %i"
				      "\n              batch:    %i"
				      "\n              high_min: %i"
				      "\n              high_max: %i",
				      (int)cpu, pcp->count, pcp->high, pcp->batch,
				      pcp->high_min, pcp->high_max);
		if (pg->smp)	/* #ifdef CONFIG_SMP */
			mmproc_printf(b, "\n  vm stats threshold: %d", z->stat_threshold);
	}
	mmproc_printf(b,
		      "\n  node_unreclaimable:  %u"
		      "\n  start_pfn:           %lu",
		      pgdat->kswapd_failures >= 16 ? 1u : 0u,	/* MAX_RECLAIM_RETRIES */
		      (unsigned long)z->start_pfn);
	mmproc_putc(b, '\n');
}

static void mmproc_zoneinfo(const struct pgalloc_state *pg, struct mmproc_buf *b)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		const struct pglist_data *pgdat = &pg->nodes[nid];
		bool first = true;

		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pgdat->zones[zi];
			bool is_first = first && zone_populated(z);

			if (is_first)
				first = false;
			mmproc_zoneinfo_zone(pg, pgdat, z, is_first, b);
		}
	}
}

/* ---- debugfs extfrag/ ---- */

static void mmproc_extfrag(const struct pgalloc_state *pg, struct mmproc_buf *b,
			   bool unusable)
{
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];

			if (!zone_populated(z))
				continue;
			mmproc_printf(b, "Node %u, zone %8s ", nid, z->name);
			for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
				int index = unusable ? zone_unusable_free_index(z, o)
						     : zone_fragmentation_index(z, o);

				/* the index is -1000 or in 0..1000 */
				if (unusable)
					mmproc_printf(b, "%d.%03d ", index / 1000, index % 1000);
				else
					mmproc_printf(b, "%2d.%03d ", index / 1000, index % 1000);
			}
			mmproc_putc(b, '\n');
		}
	}
}

/* ---- vmstat: memory state counters ---- */

#define MMPROC_VMSTAT_LIST(X) \
	X("nr_free_pages") X("nr_free_pages_blocks") \
	X("numa_hit") X("numa_miss") X("numa_foreign") X("numa_local") X("numa_other") \
	X("nr_anon_pages") X("nr_file_pages") \
	X("nr_managed_pages") X("nr_pcp_pages") X("nr_kernel_pages") \
	X("nr_slab_pages") X("nr_kmalloc_large_pages") X("nr_reserved_pages") \
	X("nr_other_pages") X("nr_free_highatomic") X("nr_reserved_highatomic") \
	X("nr_slab_reclaimable") X("nr_slab_unreclaimable")

static const char *const mmproc_vmstat_names[] = {
#define MMPROC_X_NAME(n) n,
	MMPROC_VMSTAT_LIST(MMPROC_X_NAME)
#undef MMPROC_X_NAME
};

size_t sim_vmstat_count(void)
{
	return ARRAY_SIZE(mmproc_vmstat_names);
}

const char *sim_vmstat_name(size_t i)
{
	return i < ARRAY_SIZE(mmproc_vmstat_names) ? mmproc_vmstat_names[i] : NULL;
}

static uint64_t mmproc_zone_item(const struct zone *z, size_t i)
{
	switch (i) {
	case 0: return z->nr_free_pages;
	case 1: return z->nr_free_pages_blocks;
	case 2: return z->numa_hit;
	case 3: return z->numa_miss;
	case 4: return z->numa_foreign;
	case 5: return z->numa_local;
	case 6: return z->numa_other;
	case 7: return z->nr_use[PAGE_USE_ANON];
	case 8: return z->nr_use[PAGE_USE_PAGECACHE];
	case 9: return z->managed;
	case 10: return z->nr_use[PAGE_USE_PCP];
	case 11: return z->nr_use[PAGE_USE_KERNEL];
	case 12: return z->nr_use[PAGE_USE_SLAB];
	case 13: return z->nr_use[PAGE_USE_KMALLOC_LARGE];
	case 14: return z->nr_use[PAGE_USE_RESERVED];
	case 15: return z->nr_use[PAGE_USE_OTHER];
	case 16: return z->nr_free_highatomic;
	case 17: return z->nr_reserved_highatomic;
	default: return 0;
	}
}

uint64_t sim_vmstat_value(const struct sim *sim, size_t i)
{
	const struct pgalloc_state *pg = sim->pg;
	uint64_t sum = 0;

	if (!pg || i >= ARRAY_SIZE(mmproc_vmstat_names))
		return 0;
	/* node counters kept by upper layers (struct sim_node_stat) */
	if (strcmp(mmproc_vmstat_names[i], "nr_slab_reclaimable") == 0)
		return sim->node_stat.nr_slab_reclaimable;
	if (strcmp(mmproc_vmstat_names[i], "nr_slab_unreclaimable") == 0)
		return sim->node_stat.nr_slab_unreclaimable;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = 0; zi < SIM_NR_ZONES; zi++)
			sum += mmproc_zone_item(&pg->nodes[nid].zones[zi], i);
	return sum;
}

static void mmproc_vmstat(const struct sim *sim, struct mmproc_buf *b)
{
	for (size_t i = 0; i < sim_vmstat_count(); i++)
		mmproc_printf(b, "%s %llu\n", sim_vmstat_name(i),
			      (unsigned long long)sim_vmstat_value(sim, i));
	for (size_t i = 0; i < sim_stat_count(); i++)
		mmproc_printf(b, "%s %llu\n", sim_stat_name(i),
			      (unsigned long long)sim_stat_value(sim, i));
}

/* ---- meminfo: the fields kmemsim models ---- */

/* one "Label:      value kB" line, as fs/proc/meminfo.c's show_val_kb():
 * the label padded to 16 columns, the value 8 wide */
static void mmproc_kb(struct mmproc_buf *b, const char *label, uint64_t pages)
{
	mmproc_printf(b, "%-16s%8llu kB\n", label,
		      (unsigned long long)(pages * (SIM_PAGE_SIZE / 1024)));
}

/*
 * /proc/meminfo, in the kernel's order, only the lines kmemsim keeps a
 * count for: no Buffers, Active/Inactive, Mapped, Shmem, KernelStack,
 * MemAvailable (its estimate needs the LRU split kmemsim does not model).
 * Cached is the page cache (no swap cache, no buffers); Slab is
 * SReclaimable + SUnreclaim, large kmallocs counted as unreclaimable slab
 * as the kernel does.
 */
static void mmproc_meminfo(const struct sim *sim, struct mmproc_buf *b)
{
	struct sim_reclaim_info ri;
	uint64_t total = 0, free = 0, file = 0, anon = 0;
	uint64_t srec = sim->node_stat.nr_slab_reclaimable;
	uint64_t sunrec = sim->node_stat.nr_slab_unreclaimable;
	const struct pgalloc_state *pg = sim->pg;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
			const struct zone *z = &pg->nodes[nid].zones[zi];

			total += z->managed;
			free += z->nr_free_pages;
			file += z->nr_use[PAGE_USE_PAGECACHE];
			anon += z->nr_use[PAGE_USE_ANON];
		}
	sim_reclaim_get_info(sim, &ri);
	mmproc_kb(b, "MemTotal:", total);
	mmproc_kb(b, "MemFree:", free);
	mmproc_kb(b, "Cached:", file);
	mmproc_kb(b, "SwapTotal:", ri.swap_total);
	mmproc_kb(b, "SwapFree:", ri.swap_total - ri.swap_used);
	mmproc_kb(b, "Dirty:", ri.dirty);
	mmproc_kb(b, "AnonPages:", anon);
	mmproc_kb(b, "KReclaimable:", srec);
	mmproc_kb(b, "Slab:", srec + sunrec);
	mmproc_kb(b, "SReclaimable:", srec);
	mmproc_kb(b, "SUnreclaim:", sunrec);
}

int sim_proc_read(const struct sim *sim, const char *name, char **text)
{
	struct mmproc_buf b = { NULL, 0, 0, false };
	const struct pgalloc_state *pg = sim->pg;

	*text = NULL;
	if (strcmp(name, "buddyinfo") == 0)
		mmproc_buddyinfo(pg, &b);
	else if (strcmp(name, "pagetypeinfo") == 0)
		mmproc_pagetypeinfo(pg, &b);
	else if (strcmp(name, "zoneinfo") == 0)
		mmproc_zoneinfo(pg, &b);
	else if (strcmp(name, "vmstat") == 0)
		mmproc_vmstat(sim, &b);
	else if (strcmp(name, "meminfo") == 0)
		mmproc_meminfo(sim, &b);
	else if (strcmp(name, "extfrag/unusable_index") == 0)
		mmproc_extfrag(pg, &b, true);
	else if (strcmp(name, "extfrag/extfrag_index") == 0)
		mmproc_extfrag(pg, &b, false);
	/* the vm sysctls the watermarks come from, as the kernel runs with them */
	else if (strcmp(name, "sys/vm/min_free_kbytes") == 0)
		mmproc_printf(&b, "%ld\n", pg->min_free_kbytes);
	else if (strcmp(name, "sys/vm/watermark_scale_factor") == 0)
		mmproc_printf(&b, "%u\n", pg->watermark_scale_factor);
	else
		return SIM_ENOENT;
	if (!b.oom && !b.s)
		mmproc_printf(&b, "%s", "");
	if (b.oom) {
		free(b.s);
		return SIM_ENOHOSTMEM;
	}
	*text = b.s;
	return SIM_OK;
}

/* ---- sim.h accessors ---- */

_Static_assert(SIM_NR_PAGE_USES == PAGE_USE_NR, "sim.h knows every page use");

const char *sim_page_use_name(size_t i)
{
	return i < PAGE_USE_NR ? page_use_name((enum page_use)i) : NULL;
}

int sim_alloc_pages(struct sim *sim, int order, gfp_t gfp, pfn_t *pfn)
{
	SIM_REFUSE_IF_PANICKED(sim);
	return SIM_PANIC_STATUS(sim, pgalloc_alloc(sim, (unsigned)order, gfp, pfn));
}

void sim_free_pages(struct sim *sim, pfn_t pfn, int order)
{
	if (sim->panicked)	/* a halted kernel frees nothing */
		return;
	pgalloc_free(sim, pfn, (unsigned)order);
}

int sim_page_info(const struct sim *sim, pfn_t pfn, struct sim_page_info *out)
{
	const struct pgalloc_state *pg = sim->pg;
	const struct page *p;
	const struct zone *z;
	pfn_t head;

	if (!pfn_valid(sim, pfn))
		return SIM_EINVAL;
	head = page_block_head(sim, pfn);
	p = pg_page(pg, head);
	z = pg_pfn_zone(pg, pfn);
	out->pfn = pfn;
	out->head = head;
	out->order = p->order;
	out->node = z->node;
	out->zone = z->idx;
	out->zone_name = z->name;
	out->migratetype = (int)pageblock_migratetype(pg, pfn);
	out->migratetype_name = buddy_migratetype_name(out->migratetype);
	out->state = page_use_name((enum page_use)p->use);
	out->owner = (p->flags & (PG_head | PG_pcp)) ? p->owner : 0;
	out->addr = pfn_to_addr(pfn);
	return SIM_OK;
}

size_t sim_zone_count(const struct sim *sim)
{
	return sim->pg ? (size_t)sim->pg->nr_nodes * SIM_NR_ZONES : 0;
}

int sim_zone_info(const struct sim *sim, size_t i, struct sim_zone_info *out)
{
	const struct zone *z;

	if (i >= sim_zone_count(sim))
		return SIM_EINVAL;
	z = &sim->pg->nodes[i / SIM_NR_ZONES].zones[i % SIM_NR_ZONES];
	memset(out, 0, sizeof *out);
	out->node = z->node;
	out->zone = z->idx;
	out->name = z->name;
	out->populated = zone_populated(z);
	out->start_pfn = z->start_pfn;
	out->spanned = z->spanned;
	out->present = z->present;
	out->managed = z->managed;
	out->free = z->nr_free_pages;
	out->min = min_wmark_pages(z);
	out->low = low_wmark_pages(z);
	out->high = high_wmark_pages(z);
	out->promo = promo_wmark_pages(z);
	out->boost = z->watermark_boost;
	for (int j = 0; j < SIM_NR_ZONES; j++)
		out->protection[j] = z->lowmem_reserve[j];
	for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
		out->nr_free[o] = z->free_area[o].nr_free;
		out->unusable_index[o] = zone_unusable_free_index(z, o);
		out->fragmentation_index[o] = zone_fragmentation_index(z, o);
	}
	out->pcp_pages = z->nr_use[PAGE_USE_PCP];
	out->reserved_highatomic = z->nr_reserved_highatomic;
	for (int u = 0; u < PAGE_USE_NR; u++)
		out->pages_by_use[u] = z->nr_use[u];
	return SIM_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page.c - the page frame array: validity, block heads, use and owner
 *
 * Stands in for the parts of include/linux/mm.h and mm/page_alloc.c that
 * answer "what is this page frame": pfn_valid(), page_zone(),
 * compound_head() and the page flags the upper layers set (PageSlab,
 * PageLRU, PageAnon...).
 *
 * How it works: mem_map has one 16-byte struct page per frame from pfn 0 to
 * max_pfn (holes between zones included, never touched).  Only the head of
 * each block carries state, so allocating or freeing a block of any order
 * writes one struct page, like a compound page whose tails point at the
 * head.  To answer a question about any pfn, page_block_head() probes pfn
 * rounded down to 1, 2, 4, ... 1024 pages: tails have no flags, so the
 * first head found whose order covers pfn is the block's head (at most
 * SIM_NR_ORDERS probes, whatever the RAM size).
 *
 * The zone of a pfn comes from a byte per pageblock (zone starts are aligned
 * to MAX_ORDER blocks, so a pageblock is in at most one zone; a zone's end
 * may fall inside a pageblock, hence the span check in pfn_valid()).
 *
 * Ownership: page_alloc.c and buddy.c change flags, order and lists;
 * page_set_use() is the only way upper layers change a block's use.
 */
#include "config.h"

#include "page.h"
#include "state.h"
#include "zone.h"

/* ---- Validity and lookup ---- */

bool pfn_valid(const struct sim *sim, pfn_t pfn)
{
	const struct pgalloc_state *pg = sim->pg;
	uint8_t zid;

	if (!pg || pfn >= pg->max_pfn)
		return false;
	zid = pg->pb_zone[pfn >> pageblock_order(pg)];
	return zid != 0 && pfn < zone_end_pfn(pg->zone_by_id[zid - 1]);
}

/* the head of the block holding a valid pfn (see the essay above) */
static pfn_t page_find_head(const struct pgalloc_state *pg, pfn_t pfn)
{
	for (unsigned o = 0; o <= SIM_MAX_ORDER; o++) {
		pfn_t h = pfn & ~(((pfn_t)1 << o) - 1);
		const struct page *p = pg_page(pg, h);

		if (p->flags && p->order >= o)
			return h;
	}
	SIM_BUG_ON(1);	/* a valid pfn is always inside some block */
	return SIM_PFN_NONE;
}

pfn_t page_block_head(const struct sim *sim, pfn_t pfn)
{
	if (!pfn_valid(sim, pfn))
		return SIM_PFN_NONE;
	return page_find_head(sim->pg, pfn);
}

int page_zone_idx(const struct sim *sim, pfn_t pfn)
{
	if (!pfn_valid(sim, pfn))
		return -1;
	return (int)pg_pfn_zone(sim->pg, pfn)->idx;
}

int page_node(const struct sim *sim, pfn_t pfn)
{
	if (!pfn_valid(sim, pfn))
		return -1;
	return (int)pg_pfn_zone(sim->pg, pfn)->node;
}

/* ---- Use and owner ---- */

static const char *const page_use_names[PAGE_USE_NR] = {
#define PAGE_X_NAME(e, n) n,
	PAGE_USE_LIST(PAGE_X_NAME)
#undef PAGE_X_NAME
};

const char *page_use_name(enum page_use use)
{
	return (unsigned)use < PAGE_USE_NR ? page_use_names[use] : "?";
}

enum page_use page_use(const struct sim *sim, pfn_t pfn)
{
	if (!pfn_valid(sim, pfn))
		return PAGE_USE_RESERVED;
	return (enum page_use)pg_page(sim->pg, page_find_head(sim->pg, pfn))->use;
}

uint32_t page_owner(const struct sim *sim, pfn_t pfn)
{
	const struct page *p;

	if (!pfn_valid(sim, pfn))
		return 0;
	p = pg_page(sim->pg, page_find_head(sim->pg, pfn));
	return (p->flags & PG_head) ? p->owner : 0;
}

void page_set_use(struct sim *sim, pfn_t pfn, unsigned long nr_pages,
		  enum page_use use, uint32_t owner)
{
	struct pgalloc_state *pg = sim->pg;
	pfn_t end = pfn + nr_pages;

	SIM_ASSERT(use != PAGE_USE_FREE && use != PAGE_USE_PCP &&
		   (unsigned)use < PAGE_USE_NR);
	if (use == PAGE_USE_FREE || use == PAGE_USE_PCP || (unsigned)use >= PAGE_USE_NR)
		return;
	while (pfn < end) {
		pfn_t h;
		struct page *p;
		struct zone *z;

		SIM_ASSERT(pfn_valid(sim, pfn));
		if (!pfn_valid(sim, pfn))
			return;
		h = page_find_head(pg, pfn);
		p = pg_page(pg, h);
		SIM_ASSERT(p->flags & PG_head);	/* only allocated pages get a use */
		if (p->flags & PG_head) {
			unsigned long n = 1ul << p->order;

			z = pg_pfn_zone(pg, h);
			z->nr_use[p->use] -= n;
			z->nr_use[use] += n;
			p->use = (uint8_t)use;
			p->owner = owner;
		}
		pfn = h + ((pfn_t)1 << p->order);
	}
}

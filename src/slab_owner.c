/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slab_owner.c - which slab cache owns a page frame (sim_page_cache_name)
 *
 * The memory map of a report colours slab pages by cache.  The chain is the
 * kernel's page -> slab -> kmem_cache: a slab page's owner id is its slab
 * descriptor's id + 1 (slab.h), and a slot slab (SLAB, SLUB) names its
 * cache.  A SLOB page holds blocks of every cache and of kmalloc, so it has
 * no one owner; the lookup picks the cache with the most live bytes in the
 * page, which is what a picture of "who fills this page" should show.
 *
 * This is the only reason the file exists apart from slab_common.c: it
 * reads the registry through slab.h's services (slab_by_id, slab_cache_at)
 * and changes nothing.  Cost: O(caches) per page (a report walks the pages
 * once per run), plus O(blocks) for a SLOB page.
 */
#include "config.h"

#include <stddef.h>

#include "page.h"
#include "slab.h"
#include "state.h"

/* the cache with registry id @id, NULL if none is listed */
static const struct kmem_cache *slab_owner_cache(const struct sim *sim,
						 uint32_t id)
{
	for (size_t i = 0; i < slab_nr_caches(sim); i++) {
		const struct kmem_cache *s = slab_cache_at(sim, i);

		if (s && s->id == id)
			return s;
	}
	return NULL;
}

/* SLOB: the owner of the most live bytes among the page's blocks */
#define SLAB_OWNER_MAX	32	/* distinct owners tallied per page; the rest go uncounted */

static const char *slab_owner_blocks(const struct sim *sim,
				     const struct slab *slab)
{
	struct { uint32_t id; uint64_t bytes; } tally[SLAB_OWNER_MAX];
	size_t n = 0, best = SIZE_MAX;

	for (uint32_t b = 0; b < slab->nr_blocks; b++) {
		const struct slab_block *blk = &slab->blocks[b];
		size_t i = 0;

		if (!blk->live)
			continue;
		while (i < n && tally[i].id != blk->cache_id)
			i++;
		if (i == n) {
			if (n == SLAB_OWNER_MAX)
				continue;
			tally[n].id = blk->cache_id;
			tally[n++].bytes = 0;
		}
		tally[i].bytes += blk->bytes;
	}
	/* most bytes; ties to the owner met first in address order (stable) */
	for (size_t i = 0; i < n; i++)
		if (best == SIZE_MAX || tally[i].bytes > tally[best].bytes)
			best = i;
	if (best == SIZE_MAX)
		return "";
	if (tally[best].id == SLAB_NONE)
		return "kmalloc";
	{
		const struct kmem_cache *s = slab_owner_cache(sim, tally[best].id);

		return s ? s->name : "";
	}
}

const char *sim_page_cache_name(const struct sim *sim, pfn_t pfn)
{
	const struct slab *slab;
	uint32_t owner;

	if (!sim->slab || !pfn_valid(sim, pfn) ||
	    page_use(sim, pfn) != PAGE_USE_SLAB)
		return NULL;
	owner = page_owner(sim, pfn);
	if (owner == 0)
		return NULL;
	slab = slab_by_id(sim, owner - 1);
	if (!slab)
		return NULL;
	switch (slab->kind) {
	case SLAB_KIND_SLOTS: {
		const struct kmem_cache *s = slab_owner_cache(sim, slab->cache_id);

		return s ? s->name : NULL;
	}
	case SLAB_KIND_BLOCKS:
		return slab_owner_blocks(sim, slab);
	default:
		return NULL;
	}
}

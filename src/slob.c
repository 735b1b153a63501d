/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slob.c - SLOB, the simple list-of-blocks allocator (mm/slob.c, last shipped in 6.3)
 *
 * How SLOB works.  SLOB is a K&R-style heap with alignment, built for tiny
 * machines.  Its granularity is the SLOB_UNIT of 2 bytes (a slob_t holds an
 * s16 index).  Every page of the heap is one order-0 page, 2048 units, and
 * within a page the free space is a singly-linked, address-ordered list of
 * free blocks.  Partially free pages sit on one of three global lists by
 * the size of the request that first put them there: small (< 256 bytes),
 * medium (< 1024) and large (the rest).  There are no per-cache slabs: the
 * objects of every cache and every kmalloc share these pages.
 *
 * slob_alloc(size, align, align_offset) walks the list for the size from
 * its head, skips pages with fewer free units than SLOB_UNITS(size), and
 * runs a first fit inside each candidate page (slob_page_alloc): for each
 * free block, the position where block + align_offset is aligned gives a
 * head fragment of delta units; if the block holds units + delta, the head
 * fragment is split off and stays free, the request is cut from the front
 * of the rest (an exact fit unlinks it) and the page loses `units` free
 * units.  A page that satisfied the request and is still partially free is
 * rotated to the front of its list (list_rotate_to_front: the pages before
 * it move to the tail, in order), so the next search starts there -- the
 * "next fit" flavour from Knuth.  A page left without free units leaves
 * its list.  When no page fits, a new page is taken from the page
 * allocator (without __GFP_ZERO), made one free block of 2048 units, added
 * at the HEAD of the list, and the request is cut from it.
 *
 * slob_free(block, size) first checks whether the page becomes entirely
 * free: then it goes straight back to the page allocator.  A page that was
 * full (on no list) becomes a page with this one free block and is added
 * at the head of the list chosen by the *freed* size.  Otherwise the block
 * is inserted in address order and coalesced with the following free block
 * and with the preceding one when they touch.
 *
 * kmalloc (__do_kmalloc_node).  minalign = max(ARCH_KMALLOC_MINALIGN,
 * arch_slab_minalign()) = 8 on x86_64.  A request below PAGE_SIZE -
 * minalign takes size + minalign bytes with align_offset = minalign, so the
 * returned pointer (the block + 8) is aligned to minalign, or to the size
 * itself for power-of-two sizes (natural alignment); the first 4 bytes of
 * the block hold the requested size.  kfree reads it back and frees size +
 * minalign; ksize is SLOB_UNITS(size) * 2.  Larger requests are pages of
 * get_order(size) (compound if order > 0), outside the heap: kmemsim's
 * kmalloc_large_alloc() (slab.h).  kmalloc(100) therefore takes 108 bytes,
 * 54 units, from the small list; ksize is 100.
 *
 * kmem_cache emulation.  A cache is only a size and an alignment: objects
 * smaller than a page come from slob_alloc(c->size, c->align, offset 0)
 * with no header, bigger ones straight from the page allocator (order
 * get_order(c->size), not compound).  The constructor runs on every
 * allocation, never at "slab" creation -- there are no slabs.
 * SLAB_TYPESAFE_BY_RCU adds a struct slob_rcu footer (24 bytes) to c->size;
 * the kernel frees such objects after a grace period, kmemsim at once.
 * kmem_cache_shrink() gives nothing back; caches are never merged (SLOB's
 * __kmem_cache_alias() is NULL) and slub_debug does not exist.  SLOB prints
 * no /proc/slabinfo: kmemsim reports its heap through summary_fields
 * (pages and free units per list, fragmentation) and dump.
 *
 * Representation.  Offsets and sizes of blocks are exactly those the
 * kernel lays out; only the encoding differs.  The kernel writes [size,
 * next] into a free block of >= 2 units and -next into a 1-unit block;
 * here each page keeps its free blocks as an array of (offset, units)
 * sorted by offset, in host memory proportional to the number of free
 * blocks (at most 1024 per page), never to the bytes.  Allocated blocks
 * are the common layer's block registry (slab->blocks): a kmalloc block
 * is registered at the returned pointer (block + 8) with bytes = its units
 * * 2 - 8, a cache block at its start with bytes = its units * 2, a page
 * object at offset 0 with the whole allocation.  A free adds at most one
 * block; its array slot is reserved before anything changes, and running
 * out of host memory there is fatal, as for the common registry.
 *
 * Costs (cost.h): every slob_alloc and slob_free takes the global slob_lock
 * and is a slow path (COST_SLAB_SLOWPATH); each page whose free units are
 * checked and each free block examined by first fit or by the free-list
 * walk of slob_free costs COST_SLOB_BLOCK; a new page COST_SLAB_NEW, a page
 * given back COST_SLAB_DISCARD (plus the page allocator's own costs).
 *
 * Ordering and ownership.  Everything in struct slob_state and in the
 * private area of each SLOB page (struct slob_page) belongs to this file.
 * Pages come and go only through slab_new_pages()/slab_free_pages() and
 * kmalloc_large_alloc(); the common layer owns the registry of blocks, the
 * books and every bug check, and has recorded a free (block dead) before
 * ops->free/kfree runs.  There is no per-CPU state: every path is the
 * global, locked one.
 *
 * Invariants (slob_validate()):
 *   for every heap page: units == sum of its free blocks' units;
 *     free blocks are sorted, inside the page and never touch (coalesced);
 *     free blocks + live registry blocks tile the page exactly (2048 units);
 *     0 < units < 2048 and on the list it names, or units == 0 and on none;
 *   every list: nr == its length, links consistent, every page names it;
 *   nr_pages == pages on the lists + full pages; page objects are counted
 *     in nr_whole / whole_pages.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "cost.h"
#include "gfp.h"
#include "slab.h"
#include "state.h"

/* ---- Constants (mm/slob.c, x86_64, 4 KiB pages) ---- */

#define SLOB_UNIT	2u			/* sizeof(slob_t): an s16 */
#define SLOB_UNITS(n)	(((n) + SLOB_UNIT - 1) / SLOB_UNIT)
#define SLOB_PAGE_UNITS	(SIM_PAGE_SIZE / SLOB_UNIT)	/* 2048 per page */
#define SLOB_BREAK1	256u			/* below: the small list */
#define SLOB_BREAK2	1024u			/* below: the medium list */
#define SLOB_MINALIGN	ARCH_KMALLOC_MINALIGN	/* kmalloc header and alignment */
#define SLOB_RCU_FOOTER	24u			/* struct slob_rcu: rcu_head + int, padded */
#define SLOB_MAX_FREE	(SLOB_PAGE_UNITS / 2)	/* free blocks never touch */

_Static_assert(SLOB_PAGE_UNITS <= 32767, "a unit index fits slobidx_t (s16)");
_Static_assert(SLOB_MINALIGN % SLOB_UNIT == 0, "the kmalloc header is whole units");

#define SLOB_NIL	SLAB_NONE		/* no page */

/* which list a page is on; SLOB_FULL and SLOB_WHOLE pages are on none */
enum slob_list_id {
	SLOB_SMALL,
	SLOB_MEDIUM,
	SLOB_LARGE,
	SLOB_NR_LISTS,
	SLOB_FULL = SLOB_NR_LISTS,	/* heap page without free units */
	SLOB_WHOLE,			/* pages of one big cache object */
};

static const char *const slob_list_names[SLOB_NR_LISTS] = {
	"small", "medium", "large"
};

/* the counters of this file, by the names reports show */
#define SLOB_STAT_LIST(X) \
	X(ALLOC, allocs)			/* slob_alloc calls */ \
	X(FREE, frees)				/* slob_free calls */ \
	X(PAGE_NEW, pages_new)			/* heap pages from the page allocator */ \
	X(PAGE_FREE, pages_freed)		/* heap pages given back */ \
	X(PAGES_SCANNED, pages_scanned)		/* pages whose free units were checked */ \
	X(PAGE_MISS, page_misses)		/* enough units, but no block fitted */ \
	X(BLOCKS_SCANNED, blocks_scanned)	/* free blocks examined */ \
	X(ALIGN_FRAGMENTS, align_fragments)	/* head fragments split off */ \
	X(ROTATIONS, rotations)			/* list_rotate_to_front */ \
	X(FULL_TO_LIST, full_to_list)		/* a full page got a block back */ \
	X(MERGES, merges)			/* coalescings on free */ \
	X(PAGE_OBJECTS, page_objects)		/* cache objects of >= PAGE_SIZE */

enum slob_stat_item {
#define SLOB_X_ENUM(e, n) SLOB_##e,
	SLOB_STAT_LIST(SLOB_X_ENUM)
#undef SLOB_X_ENUM
	NR_SLOB_STATS
};

static const char *const slob_stat_names[NR_SLOB_STATS] = {
#define SLOB_X_NAME(e, n) "slob_" #n,
	SLOB_STAT_LIST(SLOB_X_NAME)
#undef SLOB_X_NAME
};

/* ---- Types ---- */

/* one free block: offset and size in units from the page start */
struct slob_free {
	uint16_t off;
	uint16_t units;
};

/* struct slab's SLOB fields (the private area of the descriptor) */
struct slob_page {
	uint32_t prev, next;		/* on its size list (slab ids) */
	uint32_t all_prev, all_next;	/* every SLOB page, newest first */
	uint16_t units;			/* sp->units: free units in the page */
	uint8_t list;			/* enum slob_list_id */
	uint16_t nr_free, cap_free;	/* free blocks, capacity of @free */
	struct slob_free *free;		/* sp->freelist, as a sorted array */
};

struct slob_list {
	uint32_t head, tail;		/* slab ids, SLOB_NIL if empty */
	uint32_t nr;			/* pages on the list */
};

/* the per-simulator state: the three lists and the books */
struct slob_state {
	struct slob_list lists[SLOB_NR_LISTS];
	uint32_t all;			/* newest SLOB page (any kind) */
	uint64_t nr_pages;		/* heap pages (listed + full) */
	uint64_t nr_full;		/* heap pages without free units */
	uint64_t nr_whole;		/* live cache objects of >= PAGE_SIZE */
	uint64_t whole_pages;		/* ... and their pages */
	uint64_t stat[NR_SLOB_STATS];
	bool warned_ctor_zero;		/* WARN_ON_ONCE in slob_alloc_node */
};

/* ---- Small helpers ---- */

static inline struct slob_state *slob_state(const struct sim *sim)
{
	return slab_policy_state(sim);
}

static inline struct slob_page *sp(struct slab *slab)
{
	return slab_priv(slab);
}

static inline struct slab *slob_slab(const struct sim *sim, uint32_t id)
{
	return slab_by_id(sim, id);
}

/* the list for a request of @size bytes (SLOB_BREAK1/2) */
static inline unsigned slob_list_of(size_t size)
{
	if (size < SLOB_BREAK1)
		return SLOB_SMALL;
	if (size < SLOB_BREAK2)
		return SLOB_MEDIUM;
	return SLOB_LARGE;
}

/* room for @need free blocks in @p; SIM_ENOHOSTMEM leaves it as it was */
static int slob_reserve(struct slob_page *p, unsigned need)
{
	unsigned cap = p->cap_free ? p->cap_free : 4;
	struct slob_free *n;

	if (need <= p->cap_free)
		return SIM_OK;
	while (cap < need)
		cap *= 2;
	cap = SIM_MIN(cap, SLOB_MAX_FREE + 1u);
	n = sim_xrealloc(p->free, cap * sizeof *n);
	if (!n)
		return SIM_ENOHOSTMEM;
	p->free = n;
	p->cap_free = (uint16_t)cap;
	return SIM_OK;
}

/* ---- The page lists ---- */

/* list_add(): at the head */
static void slob_list_add(const struct sim *sim, struct slob_state *st,
			  struct slab *slab, unsigned l)
{
	struct slob_list *lst = &st->lists[l];
	struct slob_page *p = sp(slab);

	p->list = (uint8_t)l;
	p->prev = SLOB_NIL;
	p->next = lst->head;
	if (lst->head != SLOB_NIL)
		sp(slob_slab(sim, lst->head))->prev = slab->id;
	else
		lst->tail = slab->id;
	lst->head = slab->id;
	lst->nr++;
}

/* list_del(): the page leaves its list and counts as full (or is going) */
static void slob_list_del(const struct sim *sim, struct slob_state *st,
			  struct slab *slab)
{
	struct slob_page *p = sp(slab);
	struct slob_list *lst = &st->lists[p->list];

	if (p->prev != SLOB_NIL)
		sp(slob_slab(sim, p->prev))->next = p->next;
	else
		lst->head = p->next;
	if (p->next != SLOB_NIL)
		sp(slob_slab(sim, p->next))->prev = p->prev;
	else
		lst->tail = p->prev;
	lst->nr--;
	p->prev = p->next = SLOB_NIL;
	p->list = SLOB_FULL;
}

/*
 * list_rotate_to_front(): @slab becomes the head; the pages before it
 * move, in order, behind the old tail (a rotation of the circular list).
 */
static void slob_list_rotate(const struct sim *sim, struct slob_state *st,
			     struct slab *slab)
{
	struct slob_page *p = sp(slab);
	struct slob_list *lst = &st->lists[p->list];
	uint32_t old_head = lst->head, old_tail = lst->tail, before = p->prev;

	if (before == SLOB_NIL)
		return;		/* already first */
	sp(slob_slab(sim, before))->next = SLOB_NIL;
	sp(slob_slab(sim, old_tail))->next = old_head;
	sp(slob_slab(sim, old_head))->prev = old_tail;
	p->prev = SLOB_NIL;
	lst->head = slab->id;
	lst->tail = before;
	st->stat[SLOB_ROTATIONS]++;
}

/* every SLOB page, for exit and the reports */
static void slob_all_add(const struct sim *sim, struct slob_state *st,
			 struct slab *slab)
{
	struct slob_page *p = sp(slab);

	p->all_prev = SLOB_NIL;
	p->all_next = st->all;
	if (st->all != SLOB_NIL)
		sp(slob_slab(sim, st->all))->all_prev = slab->id;
	st->all = slab->id;
}

static void slob_all_del(const struct sim *sim, struct slob_state *st,
			 struct slab *slab)
{
	struct slob_page *p = sp(slab);

	if (p->all_prev != SLOB_NIL)
		sp(slob_slab(sim, p->all_prev))->all_next = p->all_next;
	else
		st->all = p->all_next;
	if (p->all_next != SLOB_NIL)
		sp(slob_slab(sim, p->all_next))->all_prev = p->all_prev;
}

/* ---- The allocator proper: slob_page_alloc, slob_alloc, slob_free ---- */

/*
 * slob_page_alloc - first fit of @units inside @slab, with @align applying
 * to the block + @align_offset.  The caller has reserved room for one more
 * free block.  Return: the block's offset in units, or -1 (nothing changed).
 */
static int32_t slob_page_alloc(struct sim *sim, struct slob_state *st,
			       struct slab *slab, unsigned units, unsigned align,
			       unsigned align_offset)
{
	struct slob_page *p = sp(slab);
	const sim_addr_t base = slab_address(slab);

	for (unsigned i = 0; i < p->nr_free; i++) {
		struct slob_free *f = &p->free[i];
		unsigned avail = f->units, delta = 0, off;

		st->stat[SLOB_BLOCKS_SCANNED]++;
		sim_charge(sim, COST_SLOB_BLOCK);
		if (align) {
			/* where block + align_offset is aligned (absolute address) */
			sim_addr_t cur = base + (sim_addr_t)f->off * SLOB_UNIT;
			sim_addr_t aligned = SIM_ALIGN(cur + align_offset, (sim_addr_t)align) -
					     align_offset;

			delta = (unsigned)((aligned - cur) / SLOB_UNIT);
		}
		if (avail < units + delta)
			continue;	/* room enough? */
		off = f->off;
		if (delta) {
			/* fragment the head to align: it stays a free block */
			memmove(&p->free[i + 1], &p->free[i],
				(p->nr_free - i) * sizeof *p->free);
			p->nr_free++;
			f->units = (uint16_t)delta;
			i++;
			f = &p->free[i];
			off += delta;
			avail -= delta;
			f->off = (uint16_t)off;
			f->units = (uint16_t)avail;
			st->stat[SLOB_ALIGN_FRAGMENTS]++;
		}
		if (avail == units) {
			/* exact fit: unlink */
			memmove(&p->free[i], &p->free[i + 1],
				(p->nr_free - i - 1) * sizeof *p->free);
			p->nr_free--;
		} else {
			/* the rest of the block follows the allocation */
			f->off = (uint16_t)(off + units);
			f->units = (uint16_t)(avail - units);
		}
		p->units = (uint16_t)(p->units - units);
		return (int32_t)off;
	}
	return -1;
}

/* a new heap page of one free block, at the head of list @l; NULL on failure */
static struct slab *slob_new_page(struct sim *sim, struct slob_state *st,
				  gfp_t gfp, unsigned l)
{
	struct slob_free *blocks = sim_xmalloc(4 * sizeof *blocks);
	struct slab *slab;
	struct slob_page *p;

	if (!blocks) {
		sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		return NULL;
	}
	/* slob_new_pages(gfp & ~__GFP_ZERO, 0, node) */
	slab = slab_new_pages(sim, NULL, 0, gfp & ~(gfp_t)__GFP_ZERO,
			      SLAB_KIND_BLOCKS, 0, 0, 0);
	if (!slab) {
		free(blocks);
		return NULL;
	}
	p = sp(slab);
	p->free = blocks;
	p->cap_free = 4;
	p->nr_free = 1;
	p->free[0] = (struct slob_free){ 0, (uint16_t)SLOB_PAGE_UNITS };
	p->units = (uint16_t)SLOB_PAGE_UNITS;
	slob_list_add(sim, st, slab, l);
	slob_all_add(sim, st, slab);
	st->nr_pages++;
	st->stat[SLOB_PAGE_NEW]++;
	sim_charge(sim, COST_SLAB_NEW);
	SIM_NOTE(sim, "slob: new page at pfn %llu added at the head of the %s list",
		 (unsigned long long)slab->pfn, slob_list_names[l]);
	return slab;
}

/*
 * slob_alloc - @size bytes aligned so that block + @align_offset is a
 * multiple of @align.  Return: the block's offset in units within *@slabp,
 * or -1 with nothing changed and the reason set.
 */
static int32_t slob_alloc(struct sim *sim, size_t size, gfp_t gfp,
			  unsigned align, unsigned align_offset,
			  struct slab **slabp)
{
	struct slob_state *st = slob_state(sim);
	const unsigned units = (unsigned)SLOB_UNITS(size);
	const unsigned l = slob_list_of(size);
	struct slab *slab = NULL;
	int32_t b = -1;

	sim_charge(sim, COST_SLAB_SLOWPATH);	/* slob_lock, the list walk */
	st->stat[SLOB_ALLOC]++;
	/* iterate through each partially free page, try to find room */
	for (uint32_t id = st->lists[l].head; id != SLOB_NIL;) {
		struct slab *s2 = slob_slab(sim, id);
		struct slob_page *p = sp(s2);

		id = p->next;
		st->stat[SLOB_PAGES_SCANNED]++;
		sim_charge(sim, COST_SLOB_BLOCK);
		if (p->units < units)
			continue;	/* not enough room on this page */
		if (slob_reserve(p, p->nr_free + 1u) != SIM_OK) {
			sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
			return -1;
		}
		b = slob_page_alloc(sim, st, s2, units, align, align_offset);
		if (b < 0) {
			st->stat[SLOB_PAGE_MISS]++;
			continue;
		}
		slab = s2;
		if (p->units == 0) {
			slob_list_del(sim, st, slab);	/* full: leaves the list */
			st->nr_full++;
		} else {
			/* start the next search here (Knuth vol 1, 2.5) */
			slob_list_rotate(sim, st, slab);
		}
		break;
	}
	if (!slab) {
		/* not enough space: must allocate a new page */
		slab = slob_new_page(sim, st, gfp, l);
		if (!slab)
			return -1;
		b = slob_page_alloc(sim, st, slab, units, align, align_offset);
		SIM_BUG_ON(b < 0);	/* cache_init rejected what no page can hold */
		if (sp(slab)->units == 0) {
			slob_list_del(sim, st, slab);
			st->nr_full++;
		}
	}
	SIM_NOTE(sim, "slob: %zu bytes (%u units) at offset %d of pfn %llu, %u units left there",
		 size, units, b * (int)SLOB_UNIT, (unsigned long long)slab->pfn,
		 (unsigned)sp(slab)->units);
	*slabp = slab;
	return b;
}

/* give a heap page back to the page allocator */
static void slob_free_page(struct sim *sim, struct slob_state *st, struct slab *slab)
{
	struct slob_page *p = sp(slab);

	if (p->list < SLOB_NR_LISTS)
		slob_list_del(sim, st, slab);
	else
		st->nr_full--;
	slob_all_del(sim, st, slab);
	free(p->free);
	p->free = NULL;
	p->nr_free = p->cap_free = 0;
	st->nr_pages--;
	st->stat[SLOB_PAGE_FREE]++;
	sim_charge(sim, COST_SLAB_DISCARD);
	SIM_NOTE(sim, "slob: page at pfn %llu is free again, back to the page allocator",
		 (unsigned long long)slab->pfn);
	slab_free_pages(sim, slab);
}

/*
 * slob_free - give back @units units at unit offset @b of @slab; @size is
 * the byte size the kernel passes (it picks the list of a full page).
 */
static void slob_free(struct sim *sim, struct slab *slab, unsigned b,
		      unsigned units, size_t size)
{
	struct slob_state *st = slob_state(sim);
	struct slob_page *p = sp(slab);
	unsigned lo = 0, hi, i;
	bool merge_next, merge_prev;

	sim_charge(sim, COST_SLAB_SLOWPATH);	/* slob_lock */
	st->stat[SLOB_FREE]++;
	if (p->units + units == SLOB_PAGE_UNITS) {
		/* go directly to the page allocator */
		slob_free_page(sim, st, slab);
		return;
	}
	/* at most one more free block: host memory first, nothing changed yet */
	SIM_BUG_ON(slob_reserve(p, p->nr_free + 1u) != SIM_OK);
	if (p->list == SLOB_FULL) {
		/* this page is about to become partially free: easy */
		unsigned l = slob_list_of(size);

		p->units = (uint16_t)units;
		p->nr_free = 1;
		p->free[0] = (struct slob_free){ (uint16_t)b, (uint16_t)units };
		st->nr_full--;
		slob_list_add(sim, st, slab, l);
		st->stat[SLOB_FULL_TO_LIST]++;
		SIM_NOTE(sim, "slob: full page at pfn %llu gets %u units back, head of the %s list",
			 (unsigned long long)slab->pfn, units, slob_list_names[l]);
		return;
	}
	/* partially free already: find the reinsertion point, in address order */
	p->units = (uint16_t)(p->units + units);
	hi = p->nr_free;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (p->free[mid].off < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;		/* free[i - 1] < b < free[i] */
	/* the kernel's walk looks at the blocks up to the one before @b */
	st->stat[SLOB_BLOCKS_SCANNED] += i ? i : 1;
	sim_charge(sim, (sim_time_t)COST_SLOB_BLOCK * (i ? i : 1));
	merge_next = i < p->nr_free && b + units == p->free[i].off;
	merge_prev = i > 0 && p->free[i - 1].off + p->free[i - 1].units == b;
	if (merge_prev && merge_next) {
		p->free[i - 1].units = (uint16_t)(p->free[i - 1].units + units +
						  p->free[i].units);
		memmove(&p->free[i], &p->free[i + 1],
			(p->nr_free - i - 1) * sizeof *p->free);
		p->nr_free--;
		st->stat[SLOB_MERGES] += 2;
	} else if (merge_prev) {
		p->free[i - 1].units = (uint16_t)(p->free[i - 1].units + units);
		st->stat[SLOB_MERGES]++;
	} else if (merge_next) {
		p->free[i].off = (uint16_t)b;
		p->free[i].units = (uint16_t)(p->free[i].units + units);
		st->stat[SLOB_MERGES]++;
	} else {
		memmove(&p->free[i + 1], &p->free[i],
			(p->nr_free - i) * sizeof *p->free);
		p->free[i] = (struct slob_free){ (uint16_t)b, (uint16_t)units };
		p->nr_free++;
	}
}

/* ---- kmem_cache emulation ---- */

/* pages for one cache object of >= PAGE_SIZE (slob_new_pages) */
static struct slab *slob_page_object(struct sim *sim, struct slob_state *st,
				     const struct kmem_cache *s, gfp_t gfp)
{
	struct slab *slab = slab_new_pages(sim, NULL, s->order, gfp,
					   SLAB_KIND_BLOCKS, 0, 0, 0);

	if (!slab)
		return NULL;
	sp(slab)->list = SLOB_WHOLE;
	sp(slab)->units = 0;
	slob_all_add(sim, st, slab);
	st->nr_whole++;
	st->whole_pages += UINT64_C(1) << s->order;
	st->stat[SLOB_PAGE_OBJECTS]++;
	sim_charge(sim, COST_SLAB_NEW);
	return slab;
}

static void slob_free_page_object(struct sim *sim, struct slob_state *st,
				  struct slab *slab)
{
	slob_all_del(sim, st, slab);
	st->nr_whole--;
	st->whole_pages -= UINT64_C(1) << slab->order;
	sim_charge(sim, COST_SLAB_DISCARD);
	slab_free_pages(sim, slab);
}

static sim_addr_t slob_cache_alloc(struct sim *sim, struct kmem_cache *s,
				   gfp_t gfp, struct slab_objref *ref)
{
	struct slob_state *st = slob_state(sim);
	struct slab *slab;

	if (s->size < SIM_PAGE_SIZE) {
		int32_t b = slob_alloc(sim, s->size, gfp, s->align, 0, &slab);

		if (b < 0)
			return SIM_ADDR_NONE;
		ref->slot = (uint32_t)b * SLOB_UNIT;
		ref->bytes = (uint32_t)SLOB_UNITS(s->size) * SLOB_UNIT;
	} else {
		slab = slob_page_object(sim, st, s, gfp);
		if (!slab)
			return SIM_ADDR_NONE;
		ref->slot = 0;
		ref->bytes = SIM_PAGE_SIZE << s->order;
	}
	ref->slab = slab;
	ref->path = SLAB_PATH_SLOW;
	if (s->ctor) {
		if ((gfp & __GFP_ZERO) && !st->warned_ctor_zero) {
			st->warned_ctor_zero = true;
			sim_report_bug(sim, SIM_BUG_WARN,
				       "WARNING: CPU: %u PID: 0 at mm/slob.c slob_alloc_node: __GFP_ZERO with a constructor (%s)",
				       slab_cpu(sim), s->name);
		}
		slab_note_ctor(sim, s, 1);	/* on every allocation */
	}
	return slab_address(slab) + ref->slot;
}

static int slob_cache_free(struct sim *sim, struct kmem_cache *s, sim_addr_t obj,
			   const struct slab_objref *ref)
{
	struct slab *slab = ref->slab;

	(void)obj;
	if (sp(slab)->list == SLOB_WHOLE)
		slob_free_page_object(sim, slob_state(sim), slab);
	else
		slob_free(sim, slab, ref->slot / SLOB_UNIT, ref->bytes / SLOB_UNIT,
			  s->size);
	return SLAB_PATH_SLOW;
}

/* kmem_cache_shrink() and __kmem_cache_shutdown(): SLOB has nothing to give */
static unsigned long slob_shrink(struct sim *sim, struct kmem_cache *s)
{
	(void)sim;
	(void)s;
	return 0;
}

static int slob_cache_init(struct sim *sim, struct kmem_cache *s)
{
	/* debug flags are not in SLOB's CACHE_CREATE_MASK: dropped silently */
	s->flags &= ~(slab_flags_t)SLAB_DEBUG_FLAGS;
	/* __kmem_cache_alias() is NULL under SLOB: never a merge target */
	s->flags |= SLAB_NO_MERGE;
	s->size = s->object_size;
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		s->size += SLOB_RCU_FOOTER;	/* room for the rcu footer */
	s->inuse = s->object_size;
	s->offset = 0;
	s->red_left_pad = 0;
	s->min_partial = 0;
	s->cpu_partial = s->cpu_partial_slabs = 0;
	s->sheaf_capacity = 0;
	s->allocflags = 0;
	if (s->size < SIM_PAGE_SIZE) {
		/* a block: an alignment no page offset meets would BUG_ON(!b) */
		if (s->align > SIM_PAGE_SIZE)
			return sim_set_reason(sim, SIM_EINVAL,
					      "kmem_cache_create(%s): SLOB cannot align %u-byte objects to %u",
					      s->name, s->size, s->align);
		s->order = 0;
		s->objects = 0;		/* no slabs: objects share the heap */
	} else {
		s->order = sim_get_order(s->size);
		if (s->order > SIM_MAX_ORDER)
			return sim_set_reason(sim, SIM_EINVAL,
					      "kmem_cache_create(%s): %u-byte objects exceed order %u",
					      s->name, s->size, SIM_MAX_ORDER);
		s->objects = 1;		/* one object per page allocation */
	}
	s->min_order = s->order;
	s->min_objects = s->objects;
	return SIM_OK;
}

static void slob_cache_destroy(struct sim *sim, struct kmem_cache *s)
{
	(void)sim;
	(void)s;	/* no per-cache state, no slabs */
}

/* ---- kmalloc ---- */

static sim_addr_t slob_kmalloc(struct sim *sim, size_t size, gfp_t gfp,
			       struct slab_objref *ref)
{
	struct slab *slab;
	unsigned align = SLOB_MINALIGN;
	int32_t b;

	if (size >= SIM_PAGE_SIZE - SLOB_MINALIGN)
		return kmalloc_large_alloc(sim, size, gfp, ref);
	/* power-of-two sizes are naturally aligned */
	if (sim_is_pow2(size))
		align = SIM_MAX((unsigned)size, align);
	b = slob_alloc(sim, size + SLOB_MINALIGN, gfp, align, SLOB_MINALIGN, &slab);
	if (b < 0)
		return SIM_ADDR_NONE;
	/* the size header fills the first minalign bytes of the block */
	ref->slab = slab;
	ref->slot = (uint32_t)b * SLOB_UNIT + SLOB_MINALIGN;
	ref->bytes = (uint32_t)SLOB_UNITS(size + SLOB_MINALIGN) * SLOB_UNIT - SLOB_MINALIGN;
	ref->path = SLAB_PATH_SLOW;
	return slab_address(slab) + ref->slot;
}

/* the registry entry at byte offset @off of @slab (live or dead) */
static const struct slab_block *slob_block_at(const struct slab *slab, uint32_t off)
{
	uint32_t lo = 0, hi = slab->nr_blocks;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (slab->blocks[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < slab->nr_blocks && slab->blocks[lo].offset == off ?
	       &slab->blocks[lo] : NULL;
}

static void slob_kfree(struct sim *sim, sim_addr_t obj, const struct slab_objref *ref)
{
	struct slab *slab = ref->slab;
	size_t size = 0;

	(void)obj;
	if (sp(slab)->list == SLOB_FULL) {
		/* the header: the requested size, + minalign (the list choice) */
		const struct slab_block *blk = slob_block_at(slab, ref->slot);

		size = (blk ? blk->req : ref->bytes) + (size_t)SLOB_MINALIGN;
	}
	slob_free(sim, slab, (ref->slot - SLOB_MINALIGN) / SLOB_UNIT,
		  (ref->bytes + SLOB_MINALIGN) / SLOB_UNIT, size);
}

/* ---- Reports ---- */

/* one segment of a heap page's layout, in address order */
struct slob_seg {
	uint32_t start, len;		/* bytes from the page start */
	const struct slab_block *blk;	/* NULL: a free block */
};

/* where a live registry block really starts and how long it is */
static struct slob_seg slob_block_seg(const struct slab_block *blk)
{
	struct slob_seg g;

	if (blk->cache_id == SLAB_NONE) {	/* kmalloc: the header precedes */
		g.start = blk->offset - SLOB_MINALIGN;
		g.len = blk->bytes + SLOB_MINALIGN;
	} else {
		g.start = blk->offset;
		g.len = blk->bytes;
	}
	g.blk = blk;
	return g;
}

/*
 * slob_layout - call @fn for every free and live block of heap page
 * @slab in address order; stops early when @fn returns false.
 */
static bool slob_layout(const struct slab *slab, const struct slob_page *p,
			bool (*fn)(void *ud, const struct slob_seg *g), void *ud)
{
	uint32_t i = 0, j = 0;

	for (;;) {
		struct slob_seg g;

		while (j < slab->nr_blocks && !slab->blocks[j].live)
			j++;
		if (i < p->nr_free &&
		    (j >= slab->nr_blocks ||
		     (uint32_t)p->free[i].off * SLOB_UNIT < slob_block_seg(&slab->blocks[j]).start)) {
			g.start = (uint32_t)p->free[i].off * SLOB_UNIT;
			g.len = (uint32_t)p->free[i].units * SLOB_UNIT;
			g.blk = NULL;
			i++;
		} else if (j < slab->nr_blocks) {
			g = slob_block_seg(&slab->blocks[j]);
			j++;
		} else {
			return true;
		}
		if (!fn(ud, &g))
			return false;
	}
}

/* heap totals, for summary_fields (walks every page) */
struct slob_totals {
	uint64_t pages[SLOB_NR_LISTS], free_units[SLOB_NR_LISTS];
	uint64_t free_blocks;
	uint64_t kmalloc_objs, kmalloc_req, kmalloc_bytes;
	uint64_t cache_objs, cache_req, cache_bytes;
	uint64_t page_obj_bytes, page_obj_req;
};

static void slob_totals(const struct sim *sim, struct slob_totals *t)
{
	const struct slob_state *st = slob_state(sim);

	memset(t, 0, sizeof *t);
	for (uint32_t id = st->all; id != SLOB_NIL;) {
		struct slab *slab = slob_slab(sim, id);
		const struct slob_page *p = sp(slab);

		id = p->all_next;
		if (p->list < SLOB_NR_LISTS) {
			t->pages[p->list]++;
			t->free_units[p->list] += p->units;
			t->free_blocks += p->nr_free;
		}
		for (uint32_t b = 0; b < slab->nr_blocks; b++) {
			const struct slab_block *blk = &slab->blocks[b];

			if (!blk->live)
				continue;
			if (p->list == SLOB_WHOLE) {
				t->page_obj_bytes += blk->bytes;
				t->page_obj_req += blk->req;
			} else if (blk->cache_id == SLAB_NONE) {
				t->kmalloc_objs++;
				t->kmalloc_req += blk->req;
				t->kmalloc_bytes += blk->bytes + SLOB_MINALIGN;
			} else {
				t->cache_objs++;
				t->cache_req += blk->req;
				t->cache_bytes += blk->bytes;
			}
		}
	}
}

/*
 * The heap in numbers.  Internal fragmentation: bytes of live blocks minus
 * the bytes their users asked for (kmalloc header, unit rounding, RCU
 * footer); external: free bytes in heap pages (alignment fragments too).
 * slob_pages * PAGE_SIZE == slob_block_bytes + slob_free_bytes.
 */
static size_t slob_summary_fields(const struct sim *sim, struct sim_field *out,
				  size_t max)
{
	const struct slob_state *st = slob_state(sim);
	struct slob_totals t;
	uint64_t free_units = 0, block_bytes, req;
	size_t n = 0;

	slob_totals(sim, &t);
	for (unsigned l = 0; l < SLOB_NR_LISTS; l++)
		free_units += t.free_units[l];
	block_bytes = t.kmalloc_bytes + t.cache_bytes;
	req = t.kmalloc_req + t.cache_req;
	{
		const struct sim_field f[] = {
			{ "slob_pages", st->nr_pages },
			{ "slob_pages_small", t.pages[SLOB_SMALL] },
			{ "slob_pages_medium", t.pages[SLOB_MEDIUM] },
			{ "slob_pages_large", t.pages[SLOB_LARGE] },
			{ "slob_pages_full", st->nr_full },
			{ "slob_free_units_small", t.free_units[SLOB_SMALL] },
			{ "slob_free_units_medium", t.free_units[SLOB_MEDIUM] },
			{ "slob_free_units_large", t.free_units[SLOB_LARGE] },
			{ "slob_free_blocks", t.free_blocks },
			{ "slob_free_bytes", free_units * SLOB_UNIT },
			{ "slob_block_bytes", block_bytes },
			{ "slob_req_bytes", req },
			{ "slob_internal_frag_bytes", block_bytes - req },
			{ "slob_kmalloc_objects", t.kmalloc_objs },
			{ "slob_kmalloc_req_bytes", t.kmalloc_req },
			{ "slob_kmalloc_block_bytes", t.kmalloc_bytes },
			{ "slob_cache_objects", t.cache_objs },
			{ "slob_cache_req_bytes", t.cache_req },
			{ "slob_cache_block_bytes", t.cache_bytes },
			{ "slob_page_objects_live", st->nr_whole },
			{ "slob_page_objects_pages", st->whole_pages },
		};

		for (size_t i = 0; i < ARRAY_SIZE(f) && n < max; i++)
			out[n++] = f[i];
	}
	for (size_t i = 0; i < NR_SLOB_STATS && n < max; i++)
		out[n++] = (struct sim_field){ slob_stat_names[i], st->stat[i] };
	return n;
}

static size_t slob_info_fields(const struct sim *sim, const struct kmem_cache *s,
			       struct sim_field *out, size_t max)
{
	bool page = s->size >= SIM_PAGE_SIZE;
	const struct sim_field f[] = {
		/* units per object; 0 for page objects */
		{ "slob_units", page ? 0 : SLOB_UNITS(s->size) },
		/* 0 small, 1 medium, 2 large, 3 pages */
		{ "slob_list", page ? 3 : slob_list_of(s->size) },
		{ "rcu_footer", (s->flags & SLAB_TYPESAFE_BY_RCU) ? SLOB_RCU_FOOTER : 0 },
		{ "hwcache_align", !!(s->flags & SLAB_HWCACHE_ALIGN) },
		{ "reclaim_account", !!(s->flags & SLAB_RECLAIM_ACCOUNT) },
		{ "destroy_by_rcu", !!(s->flags & SLAB_TYPESAFE_BY_RCU) },
	};
	size_t n = SIM_MIN(ARRAY_SIZE(f), max);

	(void)sim;
	memcpy(out, f, n * sizeof *out);
	return n;
}

struct slob_out {
	struct slab_text text;		/* where the dump goes */
	const struct sim *sim;
	const struct kmem_cache *s;
	unsigned mine;			/* objects of @s in the page */
};

/* one segment as " start+len what" */
static bool slob_dump_seg(void *ud, const struct slob_seg *g)
{
	struct slob_out *o = ud;

	if (!g->blk) {
		slab_textf(&o->text, " %u+%u free", g->start, g->len);
	} else if (g->blk->cache_id == SLAB_NONE) {
		slab_textf(&o->text, " %u+%u kmalloc(%u)", g->start, g->len, g->blk->req);
	} else {
		const char *name = "?";

		for (size_t i = 0; i < slab_nr_caches(o->sim); i++) {
			const struct kmem_cache *c = slab_cache_at(o->sim, i);

			if (c->id == g->blk->cache_id) {
				name = c->name;
				break;
			}
		}
		if (o->s && o->s->id == g->blk->cache_id) {
			o->mine++;
			slab_textf(&o->text, " %u+%u *%s", g->start, g->len, name);
		} else {
			slab_textf(&o->text, " %u+%u %s", g->start, g->len, name);
		}
	}
	return true;
}

static void slob_dump_page(struct slob_out *o, struct slab *slab)
{
	const struct slob_page *p = sp(slab);

	slab_textf(&o->text, "  0x%llx(%u):", (unsigned long long)slab_address(slab),
		  (unsigned)p->units);
	slob_layout(slab, p, slob_dump_seg, o);
	slab_textf(&o->text, "\n");
}

/*
 * The heap as text, for teaching and tests: each list in search order,
 * then the full pages; each page as "0x<address>(<free units>):" and its
 * blocks as "<offset>+<bytes> <what>" in bytes, the objects of @s (may be
 * NULL: none marked) starred.
 */
static void slob_dump(const struct sim *sim, const struct kmem_cache *s,
		      sim_text_fn fn, void *ud)
{
	const struct slob_state *st = slob_state(sim);
	struct slob_out o = { { fn, ud }, sim, s, 0 };

	for (unsigned l = 0; l < SLOB_NR_LISTS; l++) {
		slab_textf(&o.text, "%s: %u pages\n", slob_list_names[l], st->lists[l].nr);
		for (uint32_t id = st->lists[l].head; id != SLOB_NIL;) {
			struct slab *slab = slob_slab(sim, id);

			id = sp(slab)->next;
			slob_dump_page(&o, slab);
		}
	}
	slab_textf(&o.text, "full: %llu pages\n", (unsigned long long)st->nr_full);
	for (uint32_t id = st->all; id != SLOB_NIL;) {
		struct slab *slab = slob_slab(sim, id);

		id = sp(slab)->all_next;
		if (sp(slab)->list == SLOB_FULL)
			slob_dump_page(&o, slab);
	}
	slab_textf(&o.text, "page objects: %llu (%llu pages)\n",
		  (unsigned long long)st->nr_whole, (unsigned long long)st->whole_pages);
}

/* ---- Validation ---- */

struct slob_check {
	uint32_t pos;			/* next byte the layout must cover */
	bool prev_free;
	bool ok;
};

static bool slob_check_seg(void *ud, const struct slob_seg *g)
{
	struct slob_check *c = ud;

	/* segments tile the page; two free blocks never touch */
	if (g->start != c->pos || g->len == 0 || (g->len % SLOB_UNIT) ||
	    (!g->blk && c->prev_free)) {
		c->ok = false;
		return false;
	}
	c->pos += g->len;
	c->prev_free = g->blk == NULL;
	return true;
}

static bool slob_check_page(const struct slab *slab, const struct slob_page *p)
{
	struct slob_check c = { 0, false, true };
	unsigned sum = 0;

	if (slab->kind != SLAB_KIND_BLOCKS || slab->order != 0)
		return false;
	for (unsigned i = 0; i < p->nr_free; i++) {
		sum += p->free[i].units;
		if (i && p->free[i - 1].off >= p->free[i].off)
			return false;
	}
	if (sum != p->units || p->nr_free > p->cap_free)
		return false;
	if (!slob_layout(slab, p, slob_check_seg, &c) || !c.ok)
		return false;
	return c.pos == SIM_PAGE_SIZE;
}

/*
 * slob_validate - the invariants of the essay over the whole heap; @s is
 * not needed (may be NULL): SLOB has no per-cache structures.
 */
static bool slob_validate(const struct sim *sim, const struct kmem_cache *s)
{
	const struct slob_state *st = slob_state(sim);
	uint64_t listed = 0, full = 0, heap = 0, whole = 0, whole_pages = 0;

	(void)s;
	for (unsigned l = 0; l < SLOB_NR_LISTS; l++) {
		uint32_t prev = SLOB_NIL, n = 0;

		for (uint32_t id = st->lists[l].head; id != SLOB_NIL;) {
			struct slab *slab = slob_slab(sim, id);
			const struct slob_page *p = sp(slab);

			if (p->list != l || p->prev != prev || p->units == 0 ||
			    p->units >= SLOB_PAGE_UNITS || !slob_check_page(slab, p))
				return false;
			if (++n > st->lists[l].nr)
				return false;
			prev = id;
			id = p->next;
		}
		if (n != st->lists[l].nr || st->lists[l].tail != prev)
			return false;
		listed += n;
	}
	for (uint32_t id = st->all, prev = SLOB_NIL; id != SLOB_NIL;) {
		struct slab *slab = slob_slab(sim, id);
		const struct slob_page *p = sp(slab);

		if (p->all_prev != prev)
			return false;
		if (p->list == SLOB_WHOLE) {
			if (slab->nr_live != 1)
				return false;
			whole++;
			whole_pages += UINT64_C(1) << slab->order;
		} else {
			heap++;
			if (p->list == SLOB_FULL) {
				if (p->units != 0 || p->nr_free != 0 ||
				    !slob_check_page(slab, p))
					return false;
				full++;
			}
		}
		prev = id;
		id = p->all_next;
	}
	return heap == st->nr_pages && listed + full == heap && full == st->nr_full &&
	       whole == st->nr_whole && whole_pages == st->whole_pages;
}

/* ---- Life cycle ---- */

static int slob_init(struct sim *sim)
{
	struct slob_state *st = sim_xcalloc(1, sizeof *st);

	if (!st)
		return SIM_ENOHOSTMEM;
	for (unsigned l = 0; l < SLOB_NR_LISTS; l++)
		st->lists[l].head = st->lists[l].tail = SLOB_NIL;
	st->all = SLOB_NIL;
	slab_set_policy_state(sim, st);
	return SIM_OK;
}

static void slob_exit(struct sim *sim)
{
	struct slob_state *st = slob_state(sim);

	if (!st)
		return;
	/* the pages themselves go with the page allocator */
	for (uint32_t id = st->all; id != SLOB_NIL;) {
		struct slab *slab = slob_slab(sim, id);

		id = sp(slab)->all_next;
		free(sp(slab)->free);
		sp(slab)->free = NULL;
	}
	free(st);
	slab_set_policy_state(sim, NULL);
}

const struct slab_ops sim_slob_ops = {
	.name = "slob",
	.cache_priv_size = 0,
	.slab_priv_size = sizeof(struct slob_page),
	.kmalloc_shift_low = 0,		/* no kmalloc caches: ->kmalloc below */
	.kmalloc_shift_high = 0,
	.init = slob_init,
	.exit = slob_exit,
	.cache_init = slob_cache_init,
	.cache_destroy = slob_cache_destroy,
	.alloc = slob_cache_alloc,
	.free = slob_cache_free,
	.shrink = slob_shrink,
	.shutdown = NULL,		/* __kmem_cache_shutdown: nothing to flush */
	.merged = NULL,
	.kmalloc = slob_kmalloc,
	.kfree = slob_kfree,
	.ksize = NULL,			/* the registry's bytes: SLOB_UNITS(header) * 2 */
	.slabinfo = NULL,		/* SLOB has no /proc/slabinfo */
	.tune = NULL,
	.stats = NULL,
	.info_fields = slob_info_fields,
	.stat_fields = NULL,
	.validate = slob_validate,
	.dump = slob_dump,
	.summary_fields = slob_summary_fields,
};

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
 * The list index.  The kernel walks a list page by page; on a big heap
 * that walk is most of an allocation (the list grows with the heap, and
 * every page before the first fit is looked at), and a simulator that
 * repeated it would be quadratic in the heap.  kmemsim charges the walk
 * the kernel does but finds its end without doing it.  Each list is a
 * circular sequence of pages, and only insertions and deletions change it:
 * list_rotate_to_front() moves the list's head, not the pages, and
 * list_add() inserts just before the head.  So each list is kept as its
 * head plus a treap (a binary tree in list order, heap-ordered by a fixed
 * hash of the slab id) whose in-order sequence, read from the head round
 * to the page before it, IS the kernel's list.  Every node (struct
 * slob_node, 32 bytes, indexed by slab id) copies its page's free units,
 * free blocks and largest free block, and sums up its subtree: pages,
 * free blocks, max and min free units, largest block; a parallel
 * struct slob_hist counts the subtree's pages and their free blocks by
 * class of free units (see slob_learn: the classes' boundaries are request
 * sizes the list has served).  A walk from the head (slob_walk_list) then
 * skips whole subtrees: one whose pages all lack a block as big as the
 * request adds its pages to the pages checked and, from its histogram,
 * its pages with enough units to the misses and their free blocks to the
 * blocks examined -- exactly what the kernel's walk over them costs -- and
 * only a page whose largest block fits is tried for real, by the same
 * slob_page_alloc the kernel's walk runs (it can still miss: alignment).
 *
 * Bound: a walk visits O(log n) subtrees plus the pages tried for real,
 * and, for a request size that is not a class boundary, the pages of its
 * own class in the subtrees it counts (expected O(log n) node visits per
 * visited page, n pages on the list); an update (a page's free space
 * changed, a page in or out) is O(log n) expected.  The charges -- pages
 * checked, misses, blocks examined, and so the clock -- are the kernel
 * walk's, whichever way they are found; the validator recomputes every
 * sum.
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
 *   every list: its treap's links are consistent (parent/child), each
 *     node's priority <= its parent's, each page on it names it; every
 *     node's copies equal its page (free units, free blocks, largest
 *     block) and its sums and histogram equal its page's plus its
 *     children's; the head is a page of the tree, SLOB_NIL iff empty;
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
	uint32_t all_prev, all_next;	/* every SLOB page, newest first */
	uint16_t units;			/* sp->units: free units in the page */
	uint8_t list;			/* enum slob_list_id */
	uint16_t nr_free, cap_free;	/* free blocks, capacity of @free */
	struct slob_free *free;		/* sp->freelist, as a sorted array */
};
_Static_assert(sizeof(struct slob_page) <= SLAB_PRIV_BYTES, "it fits struct slab's area");

/*
 * struct slob_node - a listed heap page in the index of its size list
 * (see "The list index" in the essay).  Indexed by slab id; the fields
 * below the links copy the page (slob_idx_sync) or sum up the subtree
 * (slob_idx_pull), so that a search reads this array only.
 */
struct slob_node {
	uint32_t left, right, parent;	/* slab ids, SLOB_NIL: none */
	uint32_t size;			/* pages in the subtree */
	uint32_t sum_free;		/* free blocks of the subtree's pages */
	uint16_t units, nr_free, big;	/* the page: free units, free blocks, largest block */
	uint16_t max_units, min_units;	/* over the subtree */
	uint16_t max_big;		/* largest free block in the subtree */
};
_Static_assert(sizeof(struct slob_node) == 32, "two nodes per host cache line");

/*
 * Classes of free units, per list: the list's class boundaries are request
 * sizes (in units) it has seen, the first SLOB_NR_CLASSES - 1 distinct
 * ones; class c holds the pages with at least boundary c and fewer than
 * boundary c + 1 free units (class 0: fewer than the smallest boundary).
 * A request whose size is a boundary knows from a histogram exactly which
 * pages have the units for it.
 */
#define SLOB_NR_CLASSES	32

/* struct slob_hist - a subtree's pages by class of free units (by slab id) */
struct slob_hist {
	struct {
		uint32_t cnt;		/* pages */
		uint32_t blk;		/* their free blocks */
	} c[SLOB_NR_CLASSES];		/* side by side: an update touches one line */
};

/* the per-simulator state: the three lists (as indexes) and the books */
struct slob_state {
	uint32_t root[SLOB_NR_LISTS];	/* each list's index; SLOB_NIL: empty */
	uint32_t head[SLOB_NR_LISTS];	/* each list's head page; SLOB_NIL: empty */
	struct slob_node *node;		/* by slab id */
	struct slob_hist *hist;		/* by slab id */
	struct slob_hist no_hist;	/* all zero: an empty subtree's */
	uint32_t cap_node;		/* entries in both */
	uint8_t cls[SLOB_NR_LISTS][SLOB_PAGE_UNITS + 1];	/* class of a number of units */
	uint16_t bound[SLOB_NR_LISTS][SLOB_NR_CLASSES - 1];	/* class boundaries, ascending */
	uint8_t nr_bounds[SLOB_NR_LISTS];
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

/* ---- The list index ---- */

static inline struct slob_node *nd(struct slob_state *st, uint32_t id)
{
	return &st->node[id];
}

/*
 * The treap priority of the page with slab id @id: a fixed mix of the id,
 * so that priorities look random (the tree stays balanced in expectation)
 * and cost no memory.  A page keeps its id while it is listed.
 */
static inline uint32_t slob_idx_prio(uint32_t id)
{
	uint32_t x = id + 0x9e3779b9U;

	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static inline uint32_t slob_idx_size(const struct slob_state *st, uint32_t id)
{
	return id == SLOB_NIL ? 0 : st->node[id].size;
}

/* what a node sums up over its subtree */
struct slob_sums {
	uint32_t size, sum_free;
	uint16_t max_units, min_units, max_big;
};

static inline void slob_sums_add(struct slob_sums *r, const struct slob_node *m)
{
	r->size += m->size;
	r->sum_free += m->sum_free;
	r->max_units = SIM_MAX(r->max_units, m->max_units);
	r->min_units = SIM_MIN(r->min_units, m->min_units);
	r->max_big = SIM_MAX(r->max_big, m->max_big);
}

/* the sums of node @n from its own page and its children's sums */
static inline struct slob_sums slob_idx_sums(const struct slob_state *st,
					     const struct slob_node *n)
{
	struct slob_sums r = { 1, n->nr_free, n->units, n->units, n->big };

	if (n->left != SLOB_NIL)
		slob_sums_add(&r, &st->node[n->left]);
	if (n->right != SLOB_NIL)
		slob_sums_add(&r, &st->node[n->right]);
	return r;
}

static inline bool slob_sums_same(const struct slob_sums *r, const struct slob_node *n)
{
	return r->size == n->size && r->sum_free == n->sum_free &&
	       r->max_units == n->max_units && r->min_units == n->min_units &&
	       r->max_big == n->max_big;
}

static inline void slob_sums_set(struct slob_node *n, const struct slob_sums *r)
{
	n->size = r->size;
	n->sum_free = r->sum_free;
	n->max_units = r->max_units;
	n->min_units = r->min_units;
	n->max_big = r->max_big;
}

/* the histogram of @x: its own page plus its children's (list @l) */
static void slob_hist_pull(struct slob_state *st, unsigned l, uint32_t x)
{
	const struct slob_node *n = nd(st, x);
	struct slob_hist *restrict h = &st->hist[x];
	/* a missing child counts as the empty histogram, so the loop has no
	 * test in it and the compiler adds whole vectors (issue 15: host time) */
	const struct slob_hist *restrict a = n->left != SLOB_NIL ? &st->hist[n->left] : &st->no_hist;
	const struct slob_hist *restrict b = n->right != SLOB_NIL ? &st->hist[n->right] : &st->no_hist;
	unsigned c = st->cls[l][n->units];

	for (unsigned k = 0; k < SLOB_NR_CLASSES; k++) {
		h->c[k].cnt = a->c[k].cnt + b->c[k].cnt;
		h->c[k].blk = a->c[k].blk + b->c[k].blk;
	}
	h->c[c].cnt++;
	h->c[c].blk += n->nr_free;
}

/* @x and its histogram from its page and its children (list @l) */
static inline void slob_idx_pull(struct slob_state *st, unsigned l, uint32_t x)
{
	struct slob_sums r = slob_idx_sums(st, nd(st, x));

	slob_sums_set(nd(st, x), &r);
	slob_hist_pull(st, l, x);
}

/* add @sign times a page of @units units and @nr_free blocks to the
 * histograms of @x and its ancestors (list @l) */
static void slob_hist_add(struct slob_state *st, unsigned l, uint32_t x,
			  unsigned units, unsigned nr_free, int sign)
{
	unsigned c = st->cls[l][units];

	for (; x != SLOB_NIL; x = nd(st, x)->parent) {
		st->hist[x].c[c].cnt += (uint32_t)sign;
		st->hist[x].c[c].blk += (uint32_t)(sign * (int)nr_free);
	}
}

/*
 * @x changed: the sums of it and of its ancestors, up to the first node
 * whose sums come out as they were (nothing above it can change then).
 */
static void slob_idx_fix(struct slob_state *st, uint32_t x)
{
	while (x != SLOB_NIL) {
		struct slob_node *n = nd(st, x);
		struct slob_sums r = slob_idx_sums(st, n);

		if (slob_sums_same(&r, n))
			return;
		slob_sums_set(n, &r);
		x = n->parent;
	}
}

/* all of @a's pages, then all of @b's, as one tree of list @l (its parent unset) */
static uint32_t slob_idx_merge(struct slob_state *st, unsigned l, uint32_t a,
			       uint32_t b)
{
	if (a == SLOB_NIL)
		return b;
	if (b == SLOB_NIL)
		return a;
	if (slob_idx_prio(a) >= slob_idx_prio(b)) {
		uint32_t r = slob_idx_merge(st, l, nd(st, a)->right, b);

		nd(st, a)->right = r;
		nd(st, r)->parent = a;
		slob_idx_pull(st, l, a);
		return a;
	} else {
		uint32_t m = slob_idx_merge(st, l, a, nd(st, b)->left);

		nd(st, b)->left = m;
		nd(st, m)->parent = b;
		slob_idx_pull(st, l, b);
		return b;
	}
}

/* make @c the child of @p where @old was (@p SLOB_NIL: the root of list @l) */
static void slob_idx_replace(struct slob_state *st, unsigned l, uint32_t p,
			     uint32_t old, uint32_t c)
{
	if (p == SLOB_NIL)
		st->root[l] = c;
	else if (nd(st, p)->left == old)
		nd(st, p)->left = c;
	else
		nd(st, p)->right = c;
	if (c != SLOB_NIL)
		nd(st, c)->parent = p;
}

/* a tree rotation lifting @x above its parent (order and sums kept) */
static void slob_idx_lift(struct slob_state *st, unsigned l, uint32_t x)
{
	struct slob_node *n = nd(st, x);
	uint32_t p = n->parent, g = nd(st, p)->parent, c;

	if (nd(st, p)->left == x) {
		c = n->right;
		nd(st, p)->left = c;
		n->right = p;
	} else {
		c = n->left;
		nd(st, p)->right = c;
		n->left = p;
	}
	if (c != SLOB_NIL)
		nd(st, c)->parent = p;
	slob_idx_replace(st, l, g, p, x);
	nd(st, p)->parent = x;
	slob_idx_pull(st, l, p);
	slob_idx_pull(st, l, x);
}

/* in-order iteration: the first page of the tree of list @l, the one after @x */
static uint32_t slob_idx_first(const struct slob_state *st, unsigned l)
{
	uint32_t x = st->root[l];

	while (x != SLOB_NIL && st->node[x].left != SLOB_NIL)
		x = st->node[x].left;
	return x;
}

static uint32_t slob_idx_next(const struct slob_state *st, uint32_t x)
{
	uint32_t p;

	if (st->node[x].right != SLOB_NIL) {
		for (x = st->node[x].right; st->node[x].left != SLOB_NIL;)
			x = st->node[x].left;
		return x;
	}
	for (p = st->node[x].parent; p != SLOB_NIL && st->node[p].right == x;
	     x = p, p = st->node[p].parent)
		;
	return p;
}

/* the page after @x in the circular order of list @l */
static uint32_t slob_idx_after(const struct slob_state *st, unsigned l, uint32_t x)
{
	uint32_t y = slob_idx_next(st, x);

	return y != SLOB_NIL ? y : slob_idx_first(st, l);
}

/* the page's free units and blocks, and its largest block, into its node */
static void slob_idx_values(struct slob_state *st, const struct slab *slab)
{
	struct slob_page *p = slab_priv((struct slab *)slab);
	struct slob_node *n = nd(st, slab->id);
	unsigned big = 0;

	for (unsigned i = 0; i < p->nr_free; i++)
		big = SIM_MAX(big, (unsigned)p->free[i].units);
	n->units = p->units;
	n->nr_free = p->nr_free;
	n->big = (uint16_t)big;
}

/*
 * A listed page changed (an allocation or a free in it): update the index.
 * The number of pages does not change, so no size does; the page moves
 * from one class to another in every histogram up to the root and the
 * change in free blocks is added to every sum, while the maxima and minima
 * are recomputed up to the first node where they stay as they were.
 */
static void slob_idx_sync(struct slob_state *st, const struct slab *slab)
{
	const unsigned l = sp((struct slab *)slab)->list;
	uint32_t x = slab->id;
	struct slob_node *n = nd(st, x);
	const unsigned a = st->cls[l][n->units], fa = n->nr_free;
	unsigned b, fb;
	bool extremes = true;

	slob_idx_values(st, slab);
	b = st->cls[l][n->units];
	fb = n->nr_free;
	if (a == b && fa == fb) {
		/* the histograms and the sums stay: only the extremes may move */
		for (; x != SLOB_NIL; x = nd(st, x)->parent) {
			struct slob_sums r = slob_idx_sums(st, nd(st, x));

			if (slob_sums_same(&r, nd(st, x)))
				return;
			slob_sums_set(nd(st, x), &r);
		}
		return;
	}
	for (; x != SLOB_NIL; x = nd(st, x)->parent) {
		struct slob_hist *h = &st->hist[x];

		n = nd(st, x);
		h->c[a].cnt--;
		h->c[a].blk -= fa;
		h->c[b].cnt++;
		h->c[b].blk += fb;
		n->sum_free += fb - fa;
		if (extremes) {
			struct slob_sums r = slob_idx_sums(st, n);

			extremes = r.max_units != n->max_units || r.min_units != n->min_units ||
				   r.max_big != n->max_big;
			n->max_units = r.max_units;
			n->min_units = r.min_units;
			n->max_big = r.max_big;
		}
	}
}

/* room in the node array for slab id @id; SIM_ENOHOSTMEM leaves it as it was */
static int slob_idx_reserve(struct slob_state *st, uint32_t id)
{
	uint32_t cap = st->cap_node ? st->cap_node : 64;
	struct slob_node *n;
	struct slob_hist *h;

	if (id < st->cap_node)
		return SIM_OK;
	while (cap <= id)
		cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
	h = sim_xrealloc(st->hist, (size_t)cap * sizeof *h);
	if (!h)
		return SIM_ENOHOSTMEM;
	st->hist = h;
	n = sim_xrealloc(st->node, (size_t)cap * sizeof *n);
	if (!n)
		return SIM_ENOHOSTMEM;	/* the bigger hist array is harmless */
	st->node = n;
	st->cap_node = cap;
	return SIM_OK;
}

/*
 * list_add() (@first) or list_add_tail(): @slab becomes the head or the
 * last page of list @l.  In the circular order it goes just before the old
 * head either way: as the last page of the old head's left subtree, then
 * lifted while its priority beats its parent's (a treap insertion); only
 * list_add() moves the head to it.  The node array has room for it.
 */
static void slob_list_insert(struct slob_state *st, struct slab *slab, unsigned l,
			     bool first)
{
	const uint32_t x = slab->id, prio = slob_idx_prio(x);
	struct slob_node *n = nd(st, x);
	uint32_t h = st->head[l];

	sp(slab)->list = (uint8_t)l;
	n->left = n->right = n->parent = SLOB_NIL;
	slob_idx_values(st, slab);
	slob_idx_pull(st, l, x);
	if (first || h == SLOB_NIL)
		st->head[l] = x;
	if (h == SLOB_NIL) {
		st->root[l] = x;
		return;
	}
	if (nd(st, h)->left == SLOB_NIL) {
		nd(st, h)->left = x;
	} else {
		for (h = nd(st, h)->left; nd(st, h)->right != SLOB_NIL;)
			h = nd(st, h)->right;
		nd(st, h)->right = x;
	}
	n->parent = h;
	while (n->parent != SLOB_NIL && slob_idx_prio(n->parent) < prio)
		slob_idx_lift(st, l, x);
	/* the nodes lifted over are below @x now; the rest gain the page */
	slob_hist_add(st, l, n->parent, n->units, n->nr_free, 1);
	slob_idx_fix(st, n->parent);
}

static inline void slob_list_add(struct slob_state *st, struct slab *slab, unsigned l)
{
	slob_list_insert(st, slab, l, true);
}

/* list_del(): the page leaves its list and counts as full (or is going) */
static void slob_list_del(struct slob_state *st, struct slab *slab)
{
	struct slob_page *p = sp(slab);
	const unsigned l = p->list;
	const uint32_t x = slab->id, par = nd(st, x)->parent;

	if (st->head[l] == x) {
		/* the next page becomes the head; the list's only page: empty */
		st->head[l] = slob_idx_after(st, l, x);
		if (st->head[l] == x)
			st->head[l] = SLOB_NIL;
	}
	slob_hist_add(st, l, par, nd(st, x)->units, nd(st, x)->nr_free, -1);
	slob_idx_replace(st, l, par, x,
			 slob_idx_merge(st, l, nd(st, x)->left, nd(st, x)->right));
	slob_idx_fix(st, par);
	p->list = SLOB_FULL;
}

/*
 * list_rotate_to_front(): @slab becomes the head; the pages before it
 * move, in order, behind the old tail.  In the circular order of the index
 * nothing moves: only the head does.
 */
static void slob_list_rotate(struct slob_state *st, struct slab *slab)
{
	unsigned l = sp(slab)->list;

	if (st->head[l] == slab->id)
		return;		/* already first */
	st->head[l] = slab->id;
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

/* a new heap page of one free block, for the head (@first) or the tail of
 * list @l, where the caller puts it (slob_list_insert); NULL on failure */
static struct slab *slob_new_page(struct sim *sim, struct slob_state *st,
				  gfp_t gfp, unsigned l, bool first)
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
	if (slob_idx_reserve(st, slab->id) != SIM_OK) {
		free(blocks);
		slab_free_pages(sim, slab);
		sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		return NULL;
	}
	p = sp(slab);
	p->free = blocks;
	p->cap_free = 4;
	p->nr_free = 1;
	p->free[0] = (struct slob_free){ 0, (uint16_t)SLOB_PAGE_UNITS };
	p->units = (uint16_t)SLOB_PAGE_UNITS;
	p->list = SLOB_FULL;	/* on no list until the caller's insert */
	slob_all_add(sim, st, slab);
	st->nr_pages++;
	st->stat[SLOB_PAGE_NEW]++;
	sim_charge(sim, COST_SLAB_NEW);
	SIM_NOTE(sim, "slob: new page at pfn 0x%llx added at the %s of the %s list",
		 (unsigned long long)slab->pfn, first ? "head" : "tail", slob_list_names[l]);
	return slab;
}

/* the histograms of the subtree @x of list @l, recomputed bottom up */
static void slob_hist_rebuild(struct slob_state *st, unsigned l, uint32_t x)
{
	if (x == SLOB_NIL)
		return;
	slob_hist_rebuild(st, l, nd(st, x)->left);
	slob_hist_rebuild(st, l, nd(st, x)->right);
	slob_hist_pull(st, l, x);
}

/*
 * slob_learn - make @units a class boundary of list @l if it is not one
 * and a class is left: the classes of the list and its histograms are
 * recomputed (O(pages), at most SLOB_NR_CLASSES - 1 times per list).
 */
static void slob_learn(struct slob_state *st, unsigned l, unsigned units)
{
	unsigned nb = st->nr_bounds[l], i = nb, c = 0;

	if (st->cls[l][units] != st->cls[l][units - 1] || nb == SLOB_NR_CLASSES - 1)
		return;
	while (i > 0 && st->bound[l][i - 1] > units) {
		st->bound[l][i] = st->bound[l][i - 1];
		i--;
	}
	st->bound[l][i] = (uint16_t)units;
	st->nr_bounds[l] = (uint8_t)++nb;
	for (unsigned u = 0; u <= SLOB_PAGE_UNITS; u++) {
		while (c < nb && st->bound[l][c] <= u)
			c++;
		st->cls[l][u] = (uint8_t)c;
	}
	slob_hist_rebuild(st, l, st->root[l]);
}

/* what a search of a list found on its way (struct slob_walk) */
struct slob_walk {
	unsigned units, align, align_offset;	/* the request */
	unsigned list;		/* the list walked */
	uint64_t pages;		/* pages whose free units were checked */
	uint64_t misses;	/* of them: enough units, but no block fitted */
	uint64_t blocks;	/* the free blocks of misses without a big enough block */
	int32_t b;		/* the block found, -1: none yet */
	bool oom;		/* no host memory to try a page */
};

/*
 * slob_walk_page - the walk reaches page @x: its free units are checked
 * and, if there are enough, slob_page_alloc runs.  A page whose largest
 * block is too small is a miss without looking (every block is examined
 * in vain: they are counted); else the page is tried for real.
 * Return: true if the request was served from @x (block in @w->b).
 */
static bool slob_walk_page(struct sim *sim, struct slob_state *st, uint32_t x,
			   struct slob_walk *w)
{
	const struct slob_node *n = nd(st, x);
	struct slab *slab;

	w->pages++;
	if (n->units < w->units)
		return false;		/* not enough room on this page */
	if (n->big < w->units) {
		w->misses++;
		w->blocks += n->nr_free;
		return false;
	}
	slab = slob_slab(sim, x);
	if (slob_reserve(sp(slab), sp(slab)->nr_free + 1u) != SIM_OK) {
		w->oom = true;
		return false;
	}
	/* slob_page_alloc charges the blocks it examines */
	w->b = slob_page_alloc(sim, st, slab, w->units, w->align, w->align_offset);
	if (w->b >= 0)
		return true;
	w->misses++;
	return false;
}

/* the pages of class @c in subtree @x with enough units: misses */
static void slob_walk_class(struct slob_state *st, unsigned l, uint32_t x,
			    unsigned c, struct slob_walk *w)
{
	while (x != SLOB_NIL && st->hist[x].c[c].cnt) {
		const struct slob_node *n = nd(st, x);

		if (n->max_units < w->units)
			return;
		if (n->min_units >= w->units) {
			w->misses += st->hist[x].c[c].cnt;
			w->blocks += st->hist[x].c[c].blk;
			return;
		}
		slob_walk_class(st, l, n->left, c, w);
		if (n->units >= w->units && st->cls[l][n->units] == c) {
			w->misses++;
			w->blocks += n->nr_free;
		}
		x = n->right;
	}
}

/*
 * slob_walk_none - the walk over the subtree @x of list @l, in which no
 * page has a block as big as the request: every page is checked, and
 * every page with enough units is a miss whose blocks are all examined.
 * Those are counted from the histograms; only the pages of the request's
 * own class need a look.
 */
static void slob_walk_none(struct slob_state *st, unsigned l, uint32_t x,
			   struct slob_walk *w)
{
	const struct slob_node *n = nd(st, x);
	const struct slob_hist *h = &st->hist[x];
	unsigned c;
	bool exact;

	w->pages += n->size;
	if (n->max_units < w->units)
		return;			/* not enough room on any */
	if (n->min_units >= w->units) {
		w->misses += n->size;	/* every page a miss */
		w->blocks += n->sum_free;
		return;
	}
	c = st->cls[l][w->units];
	/* a request at a boundary: its whole class has the units, else only
	 * the classes above it do and its own class needs a look */
	exact = st->cls[l][w->units - 1] != c;
	for (unsigned k = exact ? c : c + 1; k < SLOB_NR_CLASSES; k++) {
		w->misses += h->c[k].cnt;
		w->blocks += h->c[k].blk;
	}
	if (!exact)
		slob_walk_class(st, l, x, c, w);
}

/*
 * slob_walk_tree - the walk over every page of the subtree @x, in order.
 * A subtree whose pages all lack the units, or all have the units but no
 * block as big as the request, is counted as a whole.
 * Return: the page found, or SLOB_NIL (also when @w->oom is set).
 */
static uint32_t slob_walk_tree(struct sim *sim, struct slob_state *st, uint32_t x,
			       struct slob_walk *w)
{
	while (x != SLOB_NIL) {
		const struct slob_node *n = nd(st, x);

		if (n->max_big < w->units) {
			slob_walk_none(st, w->list, x, w);	/* no fit in here */
			return SLOB_NIL;
		}
		if (n->left != SLOB_NIL) {
			uint32_t found = slob_walk_tree(sim, st, n->left, w);

			if (found != SLOB_NIL || w->oom)
				return found;
		}
		if (slob_walk_page(sim, st, x, w))
			return x;
		if (w->oom)
			return SLOB_NIL;
		x = nd(st, x)->right;	/* a loop, not a call */
	}
	return SLOB_NIL;
}

/*
 * slob_walk_before - the walk over the pages before the subtree of @x (in
 * the tree's order): those of each ancestor reached from its right, the
 * ancestor's left subtree and then the ancestor, top down.
 */
static uint32_t slob_walk_before(struct sim *sim, struct slob_state *st, uint32_t x,
				 struct slob_walk *w)
{
	uint32_t p = nd(st, x)->parent, found;

	if (p == SLOB_NIL)
		return SLOB_NIL;
	found = slob_walk_before(sim, st, p, w);
	if (found != SLOB_NIL || w->oom || nd(st, p)->right != x)
		return found;
	found = slob_walk_tree(sim, st, nd(st, p)->left, w);
	if (found != SLOB_NIL || w->oom)
		return found;
	return slob_walk_page(sim, st, p, w) ? p : SLOB_NIL;
}

/*
 * slob_walk_list - the walk of list @l from its head: the head, the rest
 * of the tree after it (the head's right subtree, then each ancestor
 * reached from its left with its right subtree), then round from the
 * tree's first page up to the head.
 */
static uint32_t slob_walk_list(struct sim *sim, struct slob_state *st, unsigned l,
			       struct slob_walk *w)
{
	const uint32_t h = st->head[l];
	uint32_t x, p, found;

	if (h == SLOB_NIL)
		return SLOB_NIL;
	if (slob_walk_page(sim, st, h, w))
		return h;
	if (w->oom)
		return SLOB_NIL;
	found = slob_walk_tree(sim, st, nd(st, h)->right, w);
	for (x = h; found == SLOB_NIL && !w->oom &&
	     (p = nd(st, x)->parent) != SLOB_NIL; x = p) {
		if (nd(st, p)->left != x)
			continue;
		if (slob_walk_page(sim, st, p, w))
			return p;
		if (!w->oom)
			found = slob_walk_tree(sim, st, nd(st, p)->right, w);
	}
	if (found != SLOB_NIL || w->oom)
		return found;
	found = slob_walk_before(sim, st, h, w);
	if (found != SLOB_NIL || w->oom)
		return found;
	return slob_walk_tree(sim, st, nd(st, h)->left, w);
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
	struct slob_walk w = { units, align, align_offset, l, 0, 0, 0, -1, false };
	struct slab *slab = NULL;
	uint32_t id;
	int32_t b;

	sim_charge(sim, COST_SLAB_SLOWPATH);	/* slob_lock, the list walk */
	st->stat[SLOB_ALLOC]++;
	slob_learn(st, l, units);
	/* iterate through each partially free page, try to find room */
	id = slob_walk_list(sim, st, l, &w);
	/* the walk in virtual time: each page checked, each block of a miss */
	st->stat[SLOB_PAGES_SCANNED] += w.pages;
	st->stat[SLOB_PAGE_MISS] += w.misses;
	st->stat[SLOB_BLOCKS_SCANNED] += w.blocks;
	sim_charge(sim, (sim_time_t)COST_SLOB_BLOCK * (w.pages + w.blocks));
	if (w.oom) {
		sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		return -1;
	}
	b = w.b;
	if (id != SLOB_NIL) {
		slab = slob_slab(sim, id);
		if (sp(slab)->units == 0) {
			slob_list_del(st, slab);	/* full: leaves the list */
			st->nr_full++;
		} else {
			slob_idx_sync(st, slab);
			/* start the next search here (Knuth vol 1, 2.5) */
			slob_list_rotate(st, slab);
		}
	} else {
		/* not enough space: must allocate a new page */
		slab = slob_new_page(sim, st, gfp, l, true);
		if (!slab)
			return -1;
		b = slob_page_alloc(sim, st, slab, units, align, align_offset);
		SIM_BUG_ON(b < 0);	/* cache_init rejected what no page can hold */
		/*
		 * The kernel adds the page at the head, allocates, and takes
		 * it off again if that filled it.  Listed after the allocation
		 * instead, the list ends the same (the head goes back to the
		 * old one), and the index is updated once, not twice (issue
		 * 15: host time; a burst makes a page per allocation).
		 */
		if (sp(slab)->units == 0)
			st->nr_full++;
		else
			slob_list_insert(st, slab, l, true);
	}
	SIM_NOTE(sim, "slob: %zu bytes (%u units) at offset %d of pfn 0x%llx, %u units left there",
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
		slob_list_del(st, slab);
	else
		st->nr_full--;
	slob_all_del(sim, st, slab);
	free(p->free);
	p->free = NULL;
	p->nr_free = p->cap_free = 0;
	st->nr_pages--;
	st->stat[SLOB_PAGE_FREE]++;
	sim_charge(sim, COST_SLAB_DISCARD);
	SIM_NOTE(sim, "slob: page at pfn 0x%llx is free again, back to the page allocator",
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
		slob_list_add(st, slab, l);
		st->stat[SLOB_FULL_TO_LIST]++;
		SIM_NOTE(sim, "slob: full page at pfn 0x%llx gets %u units back, head of the %s list",
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
	slob_idx_sync(st, slab);
}

/*
 * slob_seed_page - a heap page as a real kernel's lists held it: free
 * blocks @free[0..@nr) exactly, each used run between them one live
 * kmalloc object (its header included), the page at the TAIL of list @l,
 * so that pages seeded in a list's order rebuild that list.  This is how a
 * run starts from the boot's partly free pages a real kernel had (all
 * caches share SLOB's lists, and their holes take objects before any new
 * page does).  Nothing the kernel does builds a page this way: the page is
 * taken as slob_alloc() takes one, and its layout checked as the
 * validator would.
 */
static int slob_seed_page(struct sim *sim, unsigned l,
			  const struct sim_slob_block *free, size_t nr, sim_addr_t *addr)
{
	/* the smallest kmalloc block: 1 byte + the header, in units */
	const unsigned min_run = SLOB_UNITS(1 + SLOB_MINALIGN);
	struct slob_state *st = slob_state(sim);
	struct slab *slab;
	struct slob_page *p;
	unsigned end = 0, units = 0;

	if (l >= SLOB_NR_LISTS)
		return sim_set_reason(sim, SIM_EINVAL,
				      "list %u: SLOB has lists 0 (small), 1 (medium) and 2 (large)", l);
	if (nr == 0)
		return sim_set_reason(sim, SIM_EINVAL,
				      "no free block: a full page is on no list");
	if (nr > SLOB_MAX_FREE)
		return sim_set_reason(sim, SIM_EINVAL,
				      "%zu free blocks: a page holds at most %u apart",
				      nr, SLOB_MAX_FREE);
	for (size_t i = 0; i <= nr; i++) {
		/* the used run before block i (before the page's end when i == nr) */
		unsigned off = i < nr ? free[i].off : SLOB_PAGE_UNITS;

		if (i < nr && free[i].units == 0)
			return sim_set_reason(sim, SIM_EINVAL,
					      "free block %zu (unit %u) has 0 units", i + 1, off);
		if (off < end || (i > 0 && i < nr && off == end))
			return sim_set_reason(sim, SIM_EINVAL,
					      "free block %zu (unit %u) %s the one before it: blocks are in address order and apart (SLOB coalesces touching blocks)",
					      i + 1, off, off < end ? "overlaps or precedes" : "touches");
		if (off > end && off - end < min_run)
			return sim_set_reason(sim, SIM_EINVAL,
					      "the used run of %u units at unit %u is smaller than the smallest kmalloc object (%u units)",
					      off - end, end, min_run);
		if (i == nr)
			break;
		if ((unsigned)free[i].off + free[i].units > SLOB_PAGE_UNITS)
			return sim_set_reason(sim, SIM_EINVAL,
					      "free block %zu (unit %u, %u units) ends past the page's %u units",
					      i + 1, off, free[i].units, SLOB_PAGE_UNITS);
		end = off + free[i].units;
		units += free[i].units;
	}
	if (units == SLOB_PAGE_UNITS)
		return sim_set_reason(sim, SIM_EINVAL,
				      "a wholly free page goes back to the page allocator");

	slab = slob_new_page(sim, st, GFP_KERNEL, l, false);
	if (!slab)
		return SIM_ENOMEM;
	slob_list_insert(st, slab, l, false);
	p = sp(slab);
	if (slob_reserve(p, (unsigned)nr + 1u) != SIM_OK) {
		slob_free_page(sim, st, slab);
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	}
	for (size_t i = 0; i < nr; i++)
		p->free[i] = (struct slob_free){ free[i].off, free[i].units };
	p->nr_free = (uint16_t)nr;
	p->units = (uint16_t)units;
	slob_idx_sync(st, slab);
	end = 0;
	for (size_t i = 0; i <= nr; i++) {
		unsigned off = i < nr ? free[i].off : SLOB_PAGE_UNITS;

		if (off > end) {
			/* registered as slob_kmalloc does: after the header */
			uint32_t bytes = (off - end) * SLOB_UNIT - SLOB_MINALIGN;

			slab_record_kmalloc(sim, slab, end * SLOB_UNIT + SLOB_MINALIGN,
					    bytes, bytes);
		}
		if (i < nr)
			end = (unsigned)free[i].off + free[i].units;
	}
	*addr = slab_address(slab);
	return SIM_OK;
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

	if (size >= SIM_PAGE_SIZE - SLOB_MINALIGN) {
		SIM_NOTE(sim, "slob: %zu bytes leave no room for the %d-byte header in a page: whole pages from the page allocator",
			 size, SLOB_MINALIGN);
		return kmalloc_large_alloc(sim, size, gfp, ref);
	}
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

static void slob_kfree(struct sim *sim, sim_addr_t obj, const struct slab_objref *ref)
{
	struct slab *slab = ref->slab;
	size_t size = 0;

	(void)obj;
	if (sp(slab)->list == SLOB_FULL) {
		/* the header: the requested size, + minalign (the list choice) */
		int64_t b = slab_block_find(slab, ref->slot);

		size = (b >= 0 ? slab->blocks[b].req : ref->bytes) + (size_t)SLOB_MINALIGN;
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
		slab_textf(&o.text, "%s: %u pages\n", slob_list_names[l],
			   slob_idx_size(st, st->root[l]));
		/* in list order: from the head, round the circle */
		for (uint32_t id = st->head[l]; id != SLOB_NIL;) {
			slob_dump_page(&o, slob_slab(sim, id));
			id = slob_idx_after(st, l, id);
			if (id == st->head[l])
				break;
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
 * slob_idx_check - the index invariants of the subtree @x of list @l, whose
 * parent is @parent: links, priorities, the copies of each page and the
 * sums; *@n counts its pages.  Recursion depth is the tree's height.
 */
static bool slob_idx_check(const struct sim *sim, const struct slob_state *st,
			   unsigned l, uint32_t x, uint32_t parent, uint32_t *n)
{
	const struct slob_node *v;
	struct slob_sums want;
	struct slab *slab;
	const struct slob_page *p;
	unsigned big = 0;

	if (x == SLOB_NIL)
		return true;
	if (x >= st->cap_node || ++*n > st->cap_node)
		return false;	/* out of the array, or a cycle */
	v = &st->node[x];
	slab = slob_slab(sim, x);
	p = sp(slab);
	if (v->parent != parent || p->list != l || p->units == 0 ||
	    p->units >= SLOB_PAGE_UNITS || !slob_check_page(slab, p))
		return false;
	if (parent != SLOB_NIL && slob_idx_prio(parent) < slob_idx_prio(x))
		return false;
	for (unsigned i = 0; i < p->nr_free; i++)
		big = SIM_MAX(big, (unsigned)p->free[i].units);
	if (v->units != p->units || v->nr_free != p->nr_free || v->big != big)
		return false;
	if (!slob_idx_check(sim, st, l, v->left, x, n) ||
	    !slob_idx_check(sim, st, l, v->right, x, n))
		return false;
	/* the histogram: the page's class plus the children's */
	for (unsigned k = 0; k < SLOB_NR_CLASSES; k++) {
		uint32_t cnt = k == st->cls[l][v->units], blk = cnt ? v->nr_free : 0;

		for (unsigned c = 0; c < 2; c++) {
			uint32_t ch = c ? v->right : v->left;

			if (ch != SLOB_NIL) {
				cnt += st->hist[ch].c[k].cnt;
				blk += st->hist[ch].c[k].blk;
			}
		}
		if (cnt != st->hist[x].c[k].cnt || blk != st->hist[x].c[k].blk)
			return false;
	}
	/* the sums, recomputed from the children (checked already) */
	want = slob_idx_sums(st, v);
	return want.size == v->size && want.sum_free == v->sum_free &&
	       want.max_units == v->max_units && want.min_units == v->min_units &&
	       want.max_big == v->max_big;
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
		uint32_t n = 0, k = 0;

		if (!slob_idx_check(sim, st, l, st->root[l], SLOB_NIL, &n))
			return false;
		if (n != slob_idx_size(st, st->root[l]))
			return false;
		/* in-order iteration visits the same pages */
		for (uint32_t id = slob_idx_first(st, l); id != SLOB_NIL;
		     id = slob_idx_next(st, id))
			if (++k > n)
				return false;
		if (k != n)
			return false;
		/* the head is a page of this tree, and there is one if the tree is not empty */
		if ((st->head[l] == SLOB_NIL) != (st->root[l] == SLOB_NIL))
			return false;
		if (st->head[l] != SLOB_NIL) {
			uint32_t r = st->head[l], up = 0;

			if (r >= st->cap_node)
				return false;
			while (st->node[r].parent != SLOB_NIL && ++up <= n)
				r = st->node[r].parent;
			if (r != st->root[l] || sp(slob_slab(sim, st->head[l]))->list != l)
				return false;
		}
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
		st->root[l] = st->head[l] = SLOB_NIL;	/* cls[][]: all class 0 */
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
	free(st->node);
	free(st->hist);
	free(st);
	slab_set_policy_state(sim, NULL);
}

const struct slab_ops sim_slob_ops = {
	.name = "slob",
	.cache_priv_size = NULL,
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
	.seed_page = slob_seed_page,
};

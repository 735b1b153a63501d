/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page.h - page frames: struct page, pfn <-> simulated address, page use
 *
 * Glossary (the kernel's own words):
 *   mem_map    the array of struct page, one per page frame, indexed by pfn
 *   block      2^order pages starting at a pfn aligned to 2^order; the unit
 *              the buddy allocator hands out and takes back
 *   head       the first page of a block; only heads carry state (flags,
 *              order, use, owner, list links), like a compound page's head
 *   tail       any other page of a block; its struct page is never read or
 *              written while it is a tail (its bytes may be stale)
 *   pageblock  2^SIM_PAGEBLOCK_ORDER pages sharing one migratetype
 *
 * Invariants (checked by pgalloc_validate()):
 *   - the pages of every zone are tiled by blocks: walking from the zone's
 *     start_pfn, each pfn reached is a head (flags != 0) and the next head
 *     is at pfn + (1 << order);
 *   - exactly one of PG_buddy (free, on a buddy list), PG_pcp (free, on a
 *     per-CPU list) and PG_head (allocated) is set on a head;
 *   - a head's pfn is aligned to 1 << order.
 * Because tails carry no flags, the block containing any pfn is found in at
 * most SIM_NR_ORDERS probes (page_block_head()): the first of pfn, pfn
 * rounded down to 2, to 4, ... that is a head whose order covers pfn.
 */
#ifndef SIM_PAGE_H
#define SIM_PAGE_H

#include "sim.h"

struct sim;
struct pgalloc_state;

/* ---- Types ---- */

/*
 * What an allocated block is used for.  PAGE_USE_FREE and PAGE_USE_PCP are
 * set by the page allocator only; the others by whoever allocated the block
 * (page_set_use()).  X(enum, name as reports print it).
 */
#define PAGE_USE_LIST(X) \
	X(PAGE_USE_FREE,          "free")          /* in the buddy free lists */ \
	X(PAGE_USE_PCP,           "pcp")           /* on a per-CPU page list */ \
	X(PAGE_USE_KERNEL,        "kernel")        /* plain alloc_pages() */ \
	X(PAGE_USE_SLAB,          "slab")          /* a slab of an object cache */ \
	X(PAGE_USE_KMALLOC_LARGE, "kmalloc_large") /* kmalloc above the largest class */ \
	X(PAGE_USE_PAGECACHE,     "pagecache")     /* file pages (on an LRU) */ \
	X(PAGE_USE_ANON,          "anon")          /* anonymous pages (on an LRU) */ \
	X(PAGE_USE_RESERVED,      "reserved")      /* taken out of the allocator's reach */ \
	X(PAGE_USE_OTHER,         "other")

enum page_use {
#define PAGE_X_ENUM(e, n) e,
	PAGE_USE_LIST(PAGE_X_ENUM)
#undef PAGE_X_ENUM
	PAGE_USE_NR
};

/* page->flags: exactly one of them on a head, none on a tail */
#define PG_buddy	0x1u	/* head of a free block on zone->free_area[order] */
#define PG_pcp		0x2u	/* head of a free block on a per-CPU list */
#define PG_head		0x4u	/* head of an allocated block */

#define PAGE_NIL	UINT32_MAX	/* end of a pfn-linked list */
/* pfns are stored in 32 bits with PAGE_NIL reserved: 16 TiB minus one page */
#define SIM_PFN_LIMIT	((pfn_t)UINT32_MAX)

/*
 * struct page - one simulated page frame, 16 host bytes
 *
 * Lists (buddy free lists, per-CPU lists) are doubly linked through pfns,
 * never host pointers (SQLite mem5): @next/@prev are pfns or PAGE_NIL.
 */
struct page {
	uint32_t next;		/* next pfn on the list this head is on */
	uint32_t prev;		/* previous pfn on that list */
	uint32_t owner;		/* allocated: the user's 32-bit id; PG_pcp: the CPU */
	uint8_t flags;		/* PG_buddy | PG_pcp | PG_head, on heads only */
	uint8_t order;		/* heads: the block's order */
	uint8_t use;		/* heads: enum page_use */
	uint8_t list;		/* PG_buddy: migratetype list; PG_pcp: pcp list index */
};
_Static_assert(sizeof(struct page) <= 16, "at most 16 host bytes per simulated page");
_Static_assert(SIM_MAX_ORDER < 256 && PAGE_USE_NR < 256, "order and use fit a byte");

/* ---- Implemented as macros / inlines ---- */

/** pfn_to_addr - the direct-map address of @pfn (no validity check) */
static inline sim_addr_t pfn_to_addr(pfn_t pfn)
{
	return SIM_DIRECT_MAP_BASE + (sim_addr_t)pfn * SIM_PAGE_SIZE;
}

/**
 * addr_to_pfn - the pfn of a direct-map address (inverse of pfn_to_addr)
 * An address below the direct map gives a huge pfn; check with pfn_valid().
 */
static inline pfn_t addr_to_pfn(sim_addr_t addr)
{
	return (pfn_t)((addr - SIM_DIRECT_MAP_BASE) >> SIM_PAGE_SHIFT);
}

/* ---- Prototypes ("page.c") ---- */

/** pfn_valid - @pfn lies inside some zone's span (a real, managed page) */
bool pfn_valid(const struct sim *sim, pfn_t pfn);

/**
 * page_set_use - record what the allocated pages [@pfn, @pfn + @nr_pages) are for
 * @use: anything but PAGE_USE_FREE and PAGE_USE_PCP
 * @owner: the caller's 32-bit id (slab index, task id, ...)
 *
 * Use and owner are kept per allocated block (like a folio's): every block
 * the range touches takes them.  Pages that are not allocated are left
 * alone (an engine bug caught by SIM_ASSERT in debug builds).  Per-zone
 * per-use page counts follow.  O(number of blocks in the range).
 */
void page_set_use(struct sim *sim, pfn_t pfn, unsigned long nr_pages,
		  enum page_use use, uint32_t owner);

/** page_use - the use of the block holding @pfn (PAGE_USE_RESERVED if not valid) */
enum page_use page_use(const struct sim *sim, pfn_t pfn);

/** page_owner - the owner id of the block holding @pfn (0 if free or not valid) */
uint32_t page_owner(const struct sim *sim, pfn_t pfn);

/** page_zone_idx - the enum zone_type of @pfn's zone, -1 if @pfn is not valid */
int page_zone_idx(const struct sim *sim, pfn_t pfn);

/** page_node - the node of @pfn, -1 if @pfn is not valid */
int page_node(const struct sim *sim, pfn_t pfn);

/**
 * page_block_head - the head of the block (free, pcp or allocated) holding @pfn
 * Return: the head's pfn, or SIM_PFN_NONE if @pfn is not valid.
 */
pfn_t page_block_head(const struct sim *sim, pfn_t pfn);

/** page_use_name - "free", "slab", ... ("?" if out of range) */
const char *page_use_name(enum page_use use);

/**
 * page_use_movable - pages of this use count as movable when the buddy
 * allocator decides whether to claim a pageblock (try_to_claim_block()):
 * the kernel counts pages that are on an LRU or have movable_ops, which in
 * kmemsim are the page cache and anonymous pages.
 */
static inline bool page_use_movable(enum page_use use)
{
	return use == PAGE_USE_PAGECACHE || use == PAGE_USE_ANON;
}

#endif /* SIM_PAGE_H */

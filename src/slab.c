/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slab.c - SLAB, the object allocator of Linux up to 6.7 (mm/slab.c)
 *
 * How SLAB works.  A cache's objects live in slabs of 2^gfporder pages.
 * Each slab has an index array ("freelist", one byte per object with 4 KiB
 * pages): entries [active, num) name the free objects, the next object to
 * hand out is index[active].  Where that array lives is decided once per
 * cache, trying three placements in the kernel's order:
 *   OBJFREELIST  inside a free object (the last object of a fresh slab; the
 *                first object freed into a full slab afterwards) - not for
 *                caches with a constructor or SLAB_TYPESAFE_BY_RCU, and only
 *                if num index bytes fit into one object;
 *   OFF_SLAB     a separate kmalloc() allocation made when the slab is
 *                grown and freed with it - unless the on-slab leftover could
 *                hold the array anyway, the kmalloc cache is itself off-slab,
 *                or that cache's objects are bigger than half an object;
 *   ON_SLAB      the last num bytes of the slab.
 * calculate_slab_order() takes the first order that holds an object and then
 * goes up while the waste is above 1/8 and the order is below slab_max_order
 * (0, or 1 above 32 MiB of RAM); RECLAIM_ACCOUNT caches stop at the first
 * fit.  Objects start at a colour offset: each node keeps colour_next,
 * advanced before every new slab, so successive slabs start 1, 2, ...,
 * colour-1, 0, 1, ... cache lines in.
 *
 * In front of the slabs sit LIFO arrays of object pointers: one per CPU
 * (limit 120/54/24/8/1 by object size, batchcount (limit+1)/2), one shared
 * per node (shared * batchcount entries, shared = 8 on SMP for objects up to
 * a page) and, with several nodes, one "alien" array per remote node for
 * objects freed away from their home.  An allocation pops the CPU array
 * (the fast path); an empty array is refilled with up to batchcount objects
 * (16 if it was not used since the last reap): from the shared array first,
 * then from partial slabs, then free slabs, and finally from a new slab.  A
 * free pushes on the CPU array; a full one first hands its batchcount oldest
 * objects to the shared array, or back to their slabs (free_block) when that
 * is full.  A slab whose last object comes back goes to the head of
 * slabs_free; while the node then has more than free_limit free objects,
 * the LAST slab of slabs_free is destroyed.
 *
 * A refill grows a slab with gfp_exact_node(): this node, no reclaim.  If
 * that fails, the allocation tries the node's lists once more and then
 * fallback_alloc(): any node with free objects, then a slab with the
 * caller's own flags (reclaim allowed).  This is the path of a CONFIG_NUMA
 * kernel, taken here with one node too.
 *
 * Each CPU reaps every cache 1 s after boot and then every 2 s of virtual
 * time (cache_reap, one timer per CPU registered at init, in CPU order): an
 * array touched since the last reap is only marked untouched, an untouched
 * one gives back a fifth of its limit.  Every 4 s per node (next_reap, in
 * jiffies) the same happens to the node's shared array and, if no refill
 * needed a free slab meanwhile, a fifth of free_limit's worth of free slabs
 * is destroyed from the tail.
 *
 * Ordering and ownership.  Everything here is private to SLAB: s->priv
 * (tunables, per-CPU arrays, per-node lists and arrays, statistics), the
 * private area of each slab (list links, active, where its index array is)
 * and its slots' links (slab_slot()->link), which *are* the index array.
 * Pages come and go only through slab_new_pages() and slab_free_pages();
 * the common layer keeps every count, check and the live map.  Objects in
 * any array are free as far as the common layer knows, but "active" for
 * their slab and for /proc/slabinfo, as in the kernel.  As in the kernel,
 * slabs to be destroyed are first taken off every list and only then
 * destroyed (slabs_destroy()), because destroying an off-slab slab calls
 * back into kmem_cache_free() for its index array - another cache, never
 * this one.
 * Work the kernel runs on a given CPU (cache_reap, the drain IPIs of
 * kmem_cache_shrink) runs with that CPU made current, so pages and
 * index arrays freed there go to that CPU's lists.
 *
 * Invariants (slab_validate_cache()):
 *   sum over nodes of total_slabs == the cache's slabs (acct.slabs);
 *   every slab of the cache is on exactly one list of its node:
 *     slabs_full (active == num), slabs_partial (0 < active < num) or
 *     slabs_free (active == 0);
 *   per node: total_slabs == slabs on the three lists, free_slabs ==
 *     length(slabs_free), free_objects == sum of (num - active);
 *   per slab: active == live objects + objects of it in any array; the
 *     entries index[active..num) are distinct and none is live or cached;
 *     an OBJFREELIST slab with free objects keeps its array in the object
 *     index[num - 1];
 *   every array: avail <= limit; no object is in two arrays;
 *   1 <= batchcount <= limit.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "cost.h"
#include "gfp.h"
#include "slab.h"
#include "state.h"

/* ---- Tunables and constants (the kernel's names and values) ---- */

#define SLAB_OBJ_MIN_SIZE	16	/* min(KMALLOC_MIN_SIZE, 16): a byte index covers a 4 KiB page */
#define FREELIST_IDX_SIZE	1u	/* sizeof(freelist_idx_t): PAGE_SIZE >> 8 <= 16, a byte */
#define SLAB_OBJ_MAX_NUM	255u	/* (1 << 8) - 1 objects a byte index can name */
#define SLAB_MAX_ORDER_LO	0	/* slab_max_order on small machines */
#define SLAB_MAX_ORDER_HI	1	/* ... above 32 MiB: fewer slabs, more waste-free fits */
#define SLAB_MAX_ORDER_RAM_PAGES ((UINT64_C(32) << 20) >> SIM_PAGE_SHIFT)
#define SLAB_KMALLOC_MAX_ORDER	(KMALLOC_SHIFT_MAX - SIM_PAGE_SHIFT)	/* 10: the largest slab */
#define BYTES_PER_WORD		8u	/* sizeof(void *): every buffer is word aligned */
#define BATCHREFILL_LIMIT	16	/* refill no more when the array sat unused: no bouncing */
#define SLAB_HZ			250	/* CONFIG_HZ: next_reap is kept in jiffies */
#define SLAB_TICK_NSEC		(SIM_NSEC_PER_SEC / SLAB_HZ)
#define REAPTIMEOUT_AC		(2 * SIM_NSEC_PER_SEC)	/* per-CPU cache_reap period (ns) */
#define REAPTIMEOUT_NODE	(4 * SLAB_HZ)	/* per-node part of cache_reap (jiffies) */
#define REAP_FIRST		SIM_NSEC_PER_SEC	/* start_cpu_timer(): about 1 s after boot */
#define ALIEN_LIMIT		12u	/* alloc_alien_cache(): entries when limit > 1 */
#define SHARED_FACTOR		8u	/* enable_cpucache(): shared = 8 on SMP */
#define ARRAY_CACHE_HDR		16u	/* sizeof(struct array_cache) before the entries */
#define PCPU_MIN_UNIT_SIZE	32768u	/* pcpu_alloc() refuses bigger per-CPU objects */

/* out of line: keeps the array hits free of calls and saved registers */
#if defined(__GNUC__)
#define slab_noinline	__attribute__((noinline))
#else
#define slab_noinline
#endif

/* mm/internal.h: what cache_grow_begin() passes on to the page allocator */
#define SLAB_GFP_RECLAIM_MASK	(__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | \
				 __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
				 __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC)
#define SLAB_GFP_CONSTRAINT_MASK (__GFP_HARDWALL | __GFP_THISNODE)

/* flags a SLAB kernel without CONFIG_DEBUG_SLAB drops (CACHE_CREATE_MASK) */
#define SLAB_DROPPED_FLAGS	(SLAB_DEBUG_FLAGS | SLAB_FAILSLAB | SLAB_OBJECT_POISON)

#define SLAB_NIL		SLAB_NONE	/* no slab (list end) */
#define SLAB_IDX_NONE		SLAB_LINK_END	/* no object index */

/* the statistics of a STATS build, by their /proc/slabinfo names */
#define SLAB_STAT_LIST(X) \
	X(ALLOCHIT, allochit)		/* allocation served by the CPU array */ \
	X(ALLOCMISS, allocmiss)		/* CPU array empty: refill */ \
	X(FREEHIT, freehit)		/* free with room in the CPU array */ \
	X(FREEMISS, freemiss)		/* CPU array full: flush first */ \
	X(GROWN, grown)			/* slabs created */ \
	X(REAPED, reaped)		/* free slabs destroyed by cache_reap */ \
	X(NODEALLOCS, nodeallocs)	/* objects taken straight from node lists */ \
	X(REMOTEFREES, remotefrees)	/* frees of objects of another node */ \
	X(ALIENOVERFLOW, alienoverflow)	/* alien array full on a remote free */ \
	X(REFILL_SHARED, refill_shared)	/* kmemsim: refills from the shared array */ \
	X(FLUSH_SHARED, flush_shared)	/* kmemsim: flushes into the shared array */ \
	X(FREE_LIMIT, free_limit_destroyed) /* kmemsim: slabs destroyed over free_limit */

enum slab_stat_item {
#define SLAB_X_ENUM(e, n) SLAB_STAT_##e,
	SLAB_STAT_LIST(SLAB_X_ENUM)
#undef SLAB_X_ENUM
	NR_SLAB_STAT_ITEMS
};

static const char *const slab_stat_names[NR_SLAB_STAT_ITEMS] = {
#define SLAB_X_NAME(e, n) #n,
	SLAB_STAT_LIST(SLAB_X_NAME)
#undef SLAB_X_NAME
};

/* ---- Types ---- */

/* where a cache keeps the index array of its slabs */
enum slab_mgmt {
	MGMT_ON_SLAB,		/* the last num bytes of the slab */
	MGMT_OFF_SLAB,		/* CFLGS_OFF_SLAB: a kmalloc() allocation */
	MGMT_OBJFREELIST,	/* CFLGS_OBJFREELIST_SLAB: inside a free object */
};

static const char *const slab_mgmt_names[] = {
	[MGMT_ON_SLAB] = "on-slab",
	[MGMT_OFF_SLAB] = "off-slab",
	[MGMT_OBJFREELIST] = "objfreelist",
};

/* which list of its node a slab is on */
enum slab_which { SL_NONE, SL_FULL, SL_PARTIAL, SL_FREE };

/* struct slab's SLAB fields (the private area of the descriptor) */
struct slab_desc {
	uint32_t prev, next;	/* list links (slab ids); next also chains doomed slabs */
	uint16_t active;	/* objects not on the index's free part */
	uint8_t list;		/* enum slab_which */
	uint16_t fl_slot;	/* OBJFREELIST: the object holding the index, SLAB_IDX_NONE */
	sim_addr_t fl_addr;	/* OFF_SLAB: the kmalloc'd index array */
	struct kmem_cache *fl_cache;	/* ... and its cache (kept alive by the object) */
};
_Static_assert(sizeof(struct slab_desc) <= SLAB_PRIV_BYTES, "it fits struct slab's area");

/* struct array_cache: a LIFO of free objects, entry[avail - 1] the newest */
struct array_cache {
	unsigned avail;
	unsigned limit;		/* 0: the array does not exist */
	unsigned batchcount;
	bool touched;		/* used since the last reap */
	sim_addr_t *entry;	/* [limit] */
};

struct slab_list {
	uint32_t head, tail;
	unsigned long nr;
};

/* struct kmem_cache_node */
struct kmem_cache_node {
	struct slab_list full, partial, free;	/* slabs_full, slabs_partial, slabs_free */
	unsigned long total_slabs;
	unsigned long free_slabs;	/* length of slabs_free */
	unsigned long free_objects;	/* free objects on the lists (arrays excluded) */
	unsigned long free_limit;	/* more free objects than this: destroy free slabs */
	unsigned colour_next;
	bool free_touched;		/* a refill needed slabs_free since the last reap */
	uint64_t next_reap;		/* jiffies of the next per-node reap */
	struct array_cache shared;	/* limit 0: none */
	struct array_cache *alien;	/* [nr_nodes]: objects of node i freed here */
};

/* struct kmem_cache's SLAB fields */
struct slab_cache {
	unsigned num;			/* objects per slab */
	unsigned colour;		/* colour offsets per slab */
	unsigned colour_off;		/* bytes per colour step */
	unsigned freelist_size;		/* num * sizeof(freelist_idx_t) */
	uint8_t mgmt;			/* enum slab_mgmt */
	unsigned limit, batchcount, shared;	/* the tunables */
	uint64_t stat[NR_SLAB_STAT_ITEMS];
	uint16_t *random_seq;		/* FREELIST_RANDOM: a permutation of num, or NULL */
	struct kmem_cache_node *node;	/* [nr_nodes], in this allocation after cpu[] */
	/*
	 * Sized by the simulator's CPUs and nodes, not SIM_MAX_*: the kernel's
	 * per-CPU and per-node structures exist for possible CPUs and online
	 * nodes only, and a boot creates some sixty caches -- at 64 CPUs and 8
	 * nodes of room each, 4 KiB of host memory per cache to set up, zero
	 * and walk at destruction, almost all of it never read.  One
	 * allocation (slab_cache_priv_size()): this header, cpu[nr_cpus],
	 * node[nr_nodes], then each node's alien[nr_nodes].
	 */
	struct array_cache cpu[];	/* [nr_cpus] */
};

/* the per-simulator state */
struct slab_global {
	unsigned slab_max_order;
	unsigned nr_cpus, nr_nodes;
	unsigned cpus_on_node[SIM_MAX_NODES];	/* nr_cpus_node() */
	unsigned reap_node[SIM_MAX_CPUS];	/* slab_reap_node: alien array reaped next */
	bool use_alien_caches;			/* more than one node */
};

/* ---- Small helpers ---- */

static inline struct slab_cache *slab_cache(const struct kmem_cache *s)
{
	return s->priv;
}

static inline struct slab_desc *sd(struct slab *slab)
{
	return slab_priv(slab);
}

static inline struct slab_global *slab_global(const struct sim *sim)
{
	return slab_policy_state(sim);
}

static inline void slab_stat_inc(struct slab_cache *sc, enum slab_stat_item i)
{
	sc->stat[i]++;
}

static inline struct array_cache *node_shared(struct kmem_cache_node *n)
{
	return n->shared.limit ? &n->shared : NULL;
}

/* obj_to_index(): a shift for a power-of-two stride (the kernel's
 * reciprocal_divide() spares it the division too; issue 15: host time) */
static inline uint32_t obj_to_index(const struct slab *slab, sim_addr_t obj)
{
	uint64_t off = obj - slab->obj_base;	/* slab_address + first */

	if (likely(slab->shift != 0xff))
		return (uint32_t)(off >> slab->shift);
	return (uint32_t)(off / slab->stride);
}

/* jiffies: the reap deadlines tick at HZ, not in nanoseconds */
static inline uint64_t slab_jiffies(const struct sim *sim)
{
	return sim_now(sim) / SLAB_TICK_NSEC;
}

/* gfp_exact_node(): this node only, no reclaim, no warning (CONFIG_NUMA) */
static inline gfp_t gfp_exact_node(gfp_t flags)
{
	return (flags | __GFP_THISNODE | __GFP_NOWARN) &
	       ~(gfp_t)(__GFP_RECLAIM | __GFP_NOFAIL);
}

/* ---- Lists ---- */

static struct slab_list *node_list(struct kmem_cache_node *n, uint8_t which)
{
	switch (which) {
	case SL_FULL:
		return &n->full;
	case SL_PARTIAL:
		return &n->partial;
	default:
		return &n->free;
	}
}

/* list_add() (head) or list_add_tail() */
static void slab_list_add(const struct sim *sim, struct kmem_cache_node *n,
			  struct slab *slab, uint8_t which, bool tail)
{
	struct slab_list *l = node_list(n, which);
	struct slab_desc *d = sd(slab);

	SIM_ASSERT(d->list == SL_NONE);
	if (tail) {
		d->prev = l->tail;
		d->next = SLAB_NIL;
		if (l->tail != SLAB_NIL)
			sd(slab_by_id(sim, l->tail))->next = slab->id;
		else
			l->head = slab->id;
		l->tail = slab->id;
	} else {
		d->next = l->head;
		d->prev = SLAB_NIL;
		if (l->head != SLAB_NIL)
			sd(slab_by_id(sim, l->head))->prev = slab->id;
		else
			l->tail = slab->id;
		l->head = slab->id;
	}
	d->list = which;
	l->nr++;
}

/* list_del(); a slab on no list is left alone */
static void slab_list_del(const struct sim *sim, struct kmem_cache_node *n,
			  struct slab *slab)
{
	struct slab_desc *d = sd(slab);
	struct slab_list *l;

	if (d->list == SL_NONE)
		return;
	l = node_list(n, d->list);
	if (d->prev != SLAB_NIL)
		sd(slab_by_id(sim, d->prev))->next = d->next;
	else
		l->head = d->next;
	if (d->next != SLAB_NIL)
		sd(slab_by_id(sim, d->next))->prev = d->prev;
	else
		l->tail = d->prev;
	d->prev = d->next = SLAB_NIL;
	d->list = SL_NONE;
	l->nr--;
}

/* ---- Objects in a slab ---- */

/* slab_get_obj(): index[active] is handed out */
static sim_addr_t slab_get_obj(struct slab *slab)
{
	struct slab_desc *d = sd(slab);
	uint16_t idx = slab_slot(slab, d->active++)->link;

	return slab_obj_addr(slab_address(slab), slab, idx);
}

/* slab_put_obj(): the object becomes index[active - 1] */
static void slab_put_obj(const struct slab_cache *sc, struct slab *slab,
			 sim_addr_t obj)
{
	struct slab_desc *d = sd(slab);
	uint32_t objnr = obj_to_index(slab, obj);

	SIM_ASSERT(d->active > 0);
	d->active--;
	/* a full OBJFREELIST slab keeps its index in the first object freed */
	if (sc->mgmt == MGMT_OBJFREELIST && d->fl_slot == SLAB_IDX_NONE)
		d->fl_slot = (uint16_t)objnr;
	slab_slot(slab, d->active)->link = (uint16_t)objnr;
}

/* fixup_slab_list(): to the head of slabs_full or slabs_partial */
static void fixup_slab_list(const struct sim *sim, const struct slab_cache *sc,
			    struct kmem_cache_node *n, struct slab *slab)
{
	struct slab_desc *d = sd(slab);

	slab_list_del(sim, n, slab);
	if (d->active == sc->num) {
		slab_list_add(sim, n, slab, SL_FULL, false);
		/* the object holding the index was the last one handed out */
		if (sc->mgmt == MGMT_OBJFREELIST)
			d->fl_slot = SLAB_IDX_NONE;
	} else {
		slab_list_add(sim, n, slab, SL_PARTIAL, false);
	}
}

/* get_first_slab(): the first partial slab, else the first free one */
static struct slab *get_first_slab(const struct sim *sim, struct kmem_cache_node *n)
{
	if (n->partial.head != SLAB_NIL)
		return slab_by_id(sim, n->partial.head);
	n->free_touched = true;
	if (n->free.head == SLAB_NIL)
		return NULL;
	n->free_slabs--;
	return slab_by_id(sim, n->free.head);
}

/* alloc_block(): up to @batch objects of @slab onto @ac (kernel arithmetic) */
static int alloc_block(const struct slab_cache *sc, struct array_cache *ac,
		       struct slab *slab, int batch)
{
	while (sd(slab)->active < sc->num && batch--)
		ac->entry[ac->avail++] = slab_get_obj(slab);
	return batch;
}

/* transfer_objects(): the newest @max (at most) entries of @from onto @to */
static unsigned transfer_objects(struct array_cache *to, struct array_cache *from,
				 unsigned max)
{
	unsigned nr = SIM_MIN(SIM_MIN(from->avail, max), to->limit - to->avail);

	if (!nr)
		return 0;
	memcpy(to->entry + to->avail, from->entry + from->avail - nr,
	       nr * sizeof *to->entry);
	from->avail -= nr;
	to->avail += nr;
	return nr;
}

/* ---- Slabs from and to the page allocator ---- */

/* cache_grow_begin(): a new slab on no list, objects initialised */
static struct slab *cache_grow_begin(struct sim *sim, struct kmem_cache *s,
				     gfp_t flags, unsigned nodeid)
{
	struct slab_cache *sc = slab_cache(s);
	struct kmem_cache_node *n = &sc->node[nodeid];
	gfp_t local_flags = flags & (SLAB_GFP_CONSTRAINT_MASK | SLAB_GFP_RECLAIM_MASK);
	unsigned next, offset;
	struct slab_desc *d;
	struct slab *slab;

	/* colour_next is advanced before use: 1, 2, ..., colour-1, 0, ... */
	next = n->colour_next + 1;
	if (next >= sc->colour)
		next = 0;
	offset = next * sc->colour_off;
	slab = slab_new_pages(sim, s, s->order, local_flags | s->allocflags,
			      SLAB_KIND_SLOTS, offset, s->size, sc->num);
	if (!slab)
		return NULL;	/* DEBUG builds print slab_out_of_memory() here */
	n->colour_next = next;
	d = sd(slab);
	d->prev = d->next = SLAB_NIL;
	d->active = 0;
	d->list = SL_NONE;
	d->fl_slot = SLAB_IDX_NONE;
	d->fl_addr = 0;
	d->fl_cache = NULL;
	if (sc->mgmt == MGMT_OFF_SLAB) {
		/* alloc_slabmgmt(): the index array from kmalloc, on any node */
		struct kmem_cache *fc = kmalloc_slab(sim, sc->freelist_size, 0);
		sim_addr_t fl = SIM_ADDR_NONE;

		if (fc)
			fl = kmem_cache_alloc(sim, fc, local_flags & ~(gfp_t)SLAB_GFP_CONSTRAINT_MASK);
		else
			sim_set_reason(sim, SIM_ENOMEM, "%s: no kmalloc cache for the %u-byte freelist",
				       s->name, sc->freelist_size);
		if (fl == SIM_ADDR_NONE) {
			/* opps1: the pages go back, colour_next stays advanced */
			sim_charge(sim, COST_SLAB_DISCARD);
			slab_free_pages(sim, slab);
			return NULL;
		}
		d->fl_addr = fl;
		d->fl_cache = fc;
	}
	/* cache_init_objs(): index i = object i, or shuffle_freelist() */
	if (sc->random_seq) {
		/* freelist_state_initialize(): a random start in the permutation */
		unsigned pos = (unsigned)rng_below(&sim->rng, sc->num), count = sc->num;
		unsigned objfreelist = 0;

		if (sc->mgmt == MGMT_OBJFREELIST) {
			/* a random object holds the index; it is handed out last */
			objfreelist = sc->random_seq[pos];
			pos = pos + 1 < sc->num ? pos + 1 : 0;
			count--;
		}
		for (uint32_t i = 0; i < count; i++) {
			/* next_random_slot() */
			slab_slot(slab, i)->link = sc->random_seq[pos];
			pos = pos + 1 < sc->num ? pos + 1 : 0;
		}
		if (sc->mgmt == MGMT_OBJFREELIST) {
			slab_slot(slab, sc->num - 1)->link = (uint16_t)objfreelist;
			d->fl_slot = (uint16_t)objfreelist;
		}
	} else {
		for (uint32_t i = 0; i < sc->num; i++)
			slab_slot(slab, i)->link = (uint16_t)i;
		if (sc->mgmt == MGMT_OBJFREELIST)
			d->fl_slot = (uint16_t)(sc->num - 1);
	}
	if (s->ctor)
		slab_note_ctor(sim, s, sc->num);	/* constructed once, at slab creation */
	sim_charge(sim, COST_SLAB_NEW + (sim_time_t)COST_SLAB_OBJ_INIT * sc->num);
	SIM_NOTE(sim, "slab %s: new slab at pfn 0x%llx (order %u, %u objects, colour offset %u)",
		 s->name, (unsigned long long)slab->pfn, s->order, sc->num, offset);
	return slab;
}

/* cache_grow_end(): onto the lists of its node */
static void cache_grow_end(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slab_cache *sc = slab_cache(s);
	struct kmem_cache_node *n;
	struct slab_desc *d;

	if (!slab)
		return;
	n = &sc->node[slab->node];
	d = sd(slab);
	n->total_slabs++;
	if (!d->active) {
		slab_list_add(sim, n, slab, SL_FREE, true);
		n->free_slabs++;
	} else {
		fixup_slab_list(sim, sc, n, slab);
	}
	slab_stat_inc(sc, SLAB_STAT_GROWN);
	n->free_objects += sc->num - d->active;
}

/* slab_destroy(): pages back, then the off-slab index array */
static void slab_destroy(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slab_desc *d = sd(slab);
	struct kmem_cache *fc = d->fl_cache;
	sim_addr_t fl = d->fl_addr;

	sim_charge(sim, COST_SLAB_DISCARD);
	SIM_NOTE(sim, "slab %s: slab at pfn 0x%llx freed to the page allocator",
		 s->name, (unsigned long long)slab->pfn);
	/* SLAB_TYPESAFE_BY_RCU would wait for a grace period: freed at once here */
	slab_free_pages(sim, slab);
	if (fc)
		kmem_cache_free(sim, fc, fl);
}

/* slabs_destroy(): the chain built by free_block(), head first */
static void slabs_destroy(struct sim *sim, struct kmem_cache *s, uint32_t list)
{
	while (list != SLAB_NIL) {
		struct slab *slab = slab_by_id(sim, list);

		list = sd(slab)->next;
		sd(slab)->next = SLAB_NIL;
		slab_destroy(sim, s, slab);
	}
}

/* ---- Free ---- */

/*
 * free_block() - @nr objects back into their slabs on node @node
 * Slabs over free_limit are taken off the lists and chained on *@list
 * (list_move: the last one taken is at the head) for slabs_destroy().
 */
static void free_block(struct sim *sim, struct kmem_cache *s,
		       const sim_addr_t *objpp, unsigned nr, unsigned node,
		       uint32_t *list)
{
	struct slab_cache *sc = slab_cache(s);
	struct kmem_cache_node *n = &sc->node[node];

	n->free_objects += nr;
	for (unsigned i = 0; i < nr; i++) {
		struct slab *slab = slab_of_addr(sim, objpp[i]);

		SIM_ASSERT(slab && slab->cache_id == s->id && slab->node == node);
		slab_list_del(sim, n, slab);
		slab_put_obj(sc, slab, objpp[i]);
		if (sd(slab)->active == 0) {
			slab_list_add(sim, n, slab, SL_FREE, false);
			n->free_slabs++;
		} else {
			/* the tail: the most time for its other objects to come back */
			slab_list_add(sim, n, slab, SL_PARTIAL, true);
		}
	}
	while (n->free_objects > n->free_limit && n->free.tail != SLAB_NIL) {
		struct slab *slab = slab_by_id(sim, n->free.tail);

		n->free_objects -= sc->num;
		slab_list_del(sim, n, slab);
		sd(slab)->next = *list;
		*list = slab->id;
		n->free_slabs--;
		n->total_slabs--;
		slab_stat_inc(sc, SLAB_STAT_FREE_LIMIT);
		SIM_NOTE(sim, "slab %s: node %u has %lu free objects (free_limit %lu): last free slab at pfn 0x%llx goes",
			 s->name, node, n->free_objects + sc->num, n->free_limit,
			 (unsigned long long)slab->pfn);
	}
}

/* cache_flusharray(): the batchcount oldest objects of a full CPU array go */
static void cache_flusharray(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slab_cache *sc = slab_cache(s);
	struct array_cache *ac = &sc->cpu[cpu];
	unsigned node = slab_cpu_node(sim, cpu);
	struct kmem_cache_node *n = &sc->node[node];
	struct array_cache *shared = node_shared(n);
	unsigned batchcount = ac->batchcount;
	uint32_t list = SLAB_NIL;

	if (shared) {
		unsigned max = shared->limit - shared->avail;

		if (max) {
			if (batchcount > max)
				batchcount = max;
			memcpy(shared->entry + shared->avail, ac->entry,
			       batchcount * sizeof *ac->entry);
			shared->avail += batchcount;
			slab_stat_inc(sc, SLAB_STAT_FLUSH_SHARED);
			SIM_NOTE(sim, "slab %s: cpu%u array full, %u objects to the shared array",
				 s->name, cpu, batchcount);
			goto free_done;
		}
	}
	SIM_NOTE(sim, "slab %s: cpu%u array full, %u objects back to their slabs",
		 s->name, cpu, batchcount);
	free_block(sim, s, ac->entry, batchcount, node, &list);
free_done:
	ac->avail -= batchcount;
	memmove(ac->entry, ac->entry + batchcount, ac->avail * sizeof *ac->entry);
	slabs_destroy(sim, s, list);
}

/* __drain_alien_cache(): remote node's shared array first, the rest to its slabs */
static void drain_alien_array(struct sim *sim, struct kmem_cache *s,
			      struct array_cache *ac, unsigned node, uint32_t *list)
{
	struct kmem_cache_node *n = &slab_cache(s)->node[node];
	struct array_cache *shared = node_shared(n);

	if (!ac->avail)
		return;
	if (shared)
		transfer_objects(shared, ac, ac->limit);
	free_block(sim, s, ac->entry, ac->avail, node, list);
	ac->avail = 0;
}

/* __cache_free_alien(): an object of node @slab_node freed on node @node */
static void cache_free_alien(struct sim *sim, struct kmem_cache *s, sim_addr_t obj,
			     unsigned node, unsigned slab_node)
{
	struct slab_cache *sc = slab_cache(s);
	struct array_cache *alien = &sc->node[node].alien[slab_node];
	uint32_t list = SLAB_NIL;

	slab_stat_inc(sc, SLAB_STAT_REMOTEFREES);
	sim_charge(sim, COST_SLAB_SLOWPATH);
	if (alien->limit) {
		if (alien->avail == alien->limit) {
			slab_stat_inc(sc, SLAB_STAT_ALIENOVERFLOW);
			drain_alien_array(sim, s, alien, slab_node, &list);
		}
		alien->entry[alien->avail++] = obj;
	} else {
		free_block(sim, s, &obj, 1, slab_node, &list);
	}
	slabs_destroy(sim, s, list);
}

/* ---- Allocation ---- */

/* cache_alloc_refill(): the CPU array is empty */
static sim_addr_t cache_alloc_refill(struct sim *sim, struct kmem_cache *s,
				     gfp_t flags, unsigned cpu)
{
	struct slab_cache *sc = slab_cache(s);
	unsigned node = slab_cpu_node(sim, cpu);
	struct array_cache *ac = &sc->cpu[cpu];
	struct kmem_cache_node *n = &sc->node[node];
	struct array_cache *shared = node_shared(n);
	int batchcount = (int)ac->batchcount;
	struct slab *slab;

	SIM_ASSERT(ac->avail == 0);
	sim_charge(sim, COST_SLAB_SLOWPATH);
	/* little recent activity: a partial refill, no bouncing */
	if (!ac->touched && batchcount > BATCHREFILL_LIMIT)
		batchcount = BATCHREFILL_LIMIT;
	if (!n->free_objects && (!shared || !shared->avail))
		goto direct_grow;

	/* the shared array first */
	if (shared && transfer_objects(ac, shared, (unsigned)batchcount)) {
		shared->touched = true;
		slab_stat_inc(sc, SLAB_STAT_REFILL_SHARED);
		SIM_NOTE(sim, "slab %s: cpu%u refills %u objects from the shared array",
			 s->name, cpu, ac->avail);
		goto alloc_done;
	}
	/* then partial slabs, then free ones */
	while (batchcount > 0) {
		slab = get_first_slab(sim, n);
		if (!slab)
			break;
		sim_charge(sim, COST_SLAB_PARTIAL);
		SIM_NOTE(sim, "slab %s: cpu%u refills from the %s slab at pfn 0x%llx",
			 s->name, cpu, sd(slab)->list == SL_PARTIAL ? "partial" : "free",
			 (unsigned long long)slab->pfn);
		batchcount = alloc_block(sc, ac, slab, batchcount);
		fixup_slab_list(sim, sc, n, slab);
	}
	n->free_objects -= ac->avail;
alloc_done:
direct_grow:
	if (!ac->avail) {
		slab = cache_grow_begin(sim, s, gfp_exact_node(flags), node);
		if (!ac->avail && slab)
			alloc_block(sc, ac, slab, batchcount);
		cache_grow_end(sim, s, slab);
		if (!ac->avail)
			return SIM_ADDR_NONE;
	}
	ac->touched = true;
	SIM_EVENT(sim, SLAB_REFILL, s->id, ac->avail, 0, 0);
	return ac->entry[--ac->avail];
}

static sim_addr_t fallback_alloc(struct sim *sim, struct kmem_cache *s, gfp_t flags);

/* ____cache_alloc_node(): one object from the lists of @nodeid */
static sim_addr_t cache_alloc_node(struct sim *sim, struct kmem_cache *s,
				   gfp_t flags, unsigned nodeid)
{
	struct slab_cache *sc = slab_cache(s);
	struct kmem_cache_node *n = &sc->node[nodeid];
	sim_addr_t obj = SIM_ADDR_NONE;
	struct slab *slab = get_first_slab(sim, n);

	if (slab) {
		slab_stat_inc(sc, SLAB_STAT_NODEALLOCS);
		sim_charge(sim, COST_SLAB_PARTIAL);
		obj = slab_get_obj(slab);
		n->free_objects--;
		fixup_slab_list(sim, sc, n, slab);
		return obj;
	}
	/* must_grow: the page allocator here serves the running CPU's node */
	if (nodeid == slab_cpu_node(sim, slab_cpu(sim)))
		slab = cache_grow_begin(sim, s, gfp_exact_node(flags), nodeid);
	if (slab)
		obj = slab_get_obj(slab);	/* not counted yet: no free_objects-- */
	cache_grow_end(sim, s, slab);
	return obj != SIM_ADDR_NONE ? obj : fallback_alloc(sim, s, flags);
}

/* fallback_alloc(): any node with free objects, else a slab from anywhere */
static sim_addr_t fallback_alloc(struct sim *sim, struct kmem_cache *s, gfp_t flags)
{
	struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	unsigned local = slab_cpu_node(sim, slab_cpu(sim));
	struct slab *slab;

	if (flags & __GFP_THISNODE)
		return SIM_ADDR_NONE;
	for (unsigned k = 0; k < g->nr_nodes; k++) {
		unsigned nid = (local + k) % g->nr_nodes;

		if (sc->node[nid].free_objects) {
			sim_addr_t obj = cache_alloc_node(sim, s, gfp_exact_node(flags), nid);

			if (obj != SIM_ADDR_NONE)
				return obj;
		}
	}
	/* within the caller's constraints: reclaim and reserves allowed */
	slab = cache_grow_begin(sim, s, flags, local);
	cache_grow_end(sim, s, slab);
	if (!slab)
		return SIM_ADDR_NONE;
	return cache_alloc_node(sim, s, gfp_exact_node(flags), slab->node);
}

/* ---- Draining and reaping ---- */

/* drain_array_locked(): a fifth of the limit (or all) from the bottom */
static void drain_array_locked(struct sim *sim, struct kmem_cache *s,
			       struct array_cache *ac, unsigned node, bool free_all,
			       uint32_t *list)
{
	unsigned tofree;

	if (!ac || !ac->avail)
		return;
	tofree = free_all ? ac->avail : (ac->limit + 4) / 5;
	if (tofree > ac->avail)
		tofree = (ac->avail + 1) / 2;
	free_block(sim, s, ac->entry, tofree, node, list);
	ac->avail -= tofree;
	memmove(ac->entry, ac->entry + tofree, ac->avail * sizeof *ac->entry);
}

/* drain_array(): a touched array is only marked untouched */
static void drain_array(struct sim *sim, struct kmem_cache *s,
			struct array_cache *ac, unsigned node)
{
	uint32_t list = SLAB_NIL;
	unsigned before;

	if (!ac || !ac->avail)
		return;
	if (ac->touched) {
		ac->touched = false;
		return;
	}
	before = ac->avail;
	drain_array_locked(sim, s, ac, node, false, &list);
	SIM_NOTE(sim, "slab %s: cache_reap drains %u of %u objects from an untouched array",
		 s->name, before - ac->avail, before);
	slabs_destroy(sim, s, list);
}

/* drain_freelist(): destroy up to @tofree slabs from the tail of slabs_free */
static unsigned long drain_freelist(struct sim *sim, struct kmem_cache *s,
				    struct kmem_cache_node *n, unsigned long tofree)
{
	struct slab_cache *sc = slab_cache(s);
	unsigned long nr_freed = 0;

	while (nr_freed < tofree && n->free.tail != SLAB_NIL) {
		struct slab *slab = slab_by_id(sim, n->free.tail);

		slab_list_del(sim, n, slab);
		n->free_slabs--;
		n->total_slabs--;
		n->free_objects -= sc->num;
		slab_destroy(sim, s, slab);
		nr_freed++;
	}
	return nr_freed;
}

/* reap_alien(): one remote node's alien array per reap, round robin */
static void reap_alien(struct sim *sim, struct kmem_cache *s,
		       struct kmem_cache_node *n, unsigned reap_node)
{
	struct array_cache *ac = &n->alien[reap_node];
	uint32_t list = SLAB_NIL;

	if (!ac->limit || !ac->avail)
		return;
	drain_alien_array(sim, s, ac, reap_node, &list);
	slabs_destroy(sim, s, list);
}

/* cache_reap() of @cpu over every cache, newest first (slab_caches order) */
static void cache_reap(struct sim *sim, unsigned cpu)
{
	struct slab_global *g = slab_global(sim);
	unsigned node = slab_cpu_node(sim, cpu);

	for (size_t i = 0; i < slab_nr_caches(sim); i++) {
		struct kmem_cache *s = slab_cache_at(sim, i);
		struct slab_cache *sc = slab_cache(s);
		struct kmem_cache_node *n = &sc->node[node];

		reap_alien(sim, s, n, g->reap_node[cpu]);
		drain_array(sim, s, &sc->cpu[cpu], node);
		if (n->next_reap > slab_jiffies(sim))
			continue;
		n->next_reap = slab_jiffies(sim) + REAPTIMEOUT_NODE;
		drain_array(sim, s, node_shared(n), node);
		if (n->free_touched) {
			n->free_touched = false;
		} else {
			unsigned long five = 5ul * sc->num;
			unsigned long freed = drain_freelist(sim, s, n,
							     (n->free_limit + five - 1) / five);

			sc->stat[SLAB_STAT_REAPED] += freed;
		}
	}
	/* next_reap_node() */
	g->reap_node[cpu] = (g->reap_node[cpu] + 1) % g->nr_nodes;
}

/* the deferrable work of one CPU: runs on that CPU */
static void cache_reap_timer(struct sim *sim, void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;
	unsigned saved = sim_current_cpu(sim);

	if (cpu >= sim_nr_cpus(sim))
		return;
	sim_set_cpu(sim, cpu);
	cache_reap(sim, cpu);
	sim_set_cpu(sim, saved);
}

/*
 * sim_timer_add_quiet()'s question for cache_reap: an expiry does nothing
 * but move each cache's per-node deadline (next_reap) and the alien round
 * robin when the CPU's arrays, the node's shared and alien arrays and its
 * free slab lists are empty and no refill touched slabs_free since the
 * last reap.  cache_reap_skip() moves those two exactly as the expiries
 * would; the rest of a quiet expiry is a no-op.
 */
static sim_time_t cache_reap_quiet(struct sim *sim, void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg, node;

	if (cpu >= sim_nr_cpus(sim))
		return SIM_TIME_NEVER;
	node = slab_cpu_node(sim, cpu);
	for (size_t i = 0; i < slab_nr_caches(sim); i++) {
		const struct slab_cache *sc = slab_cache(slab_cache_at(sim, i));
		const struct kmem_cache_node *n = &sc->node[node];

		if (sc->cpu[cpu].avail || n->shared.avail || n->free_touched ||
		    n->free.head != SLAB_NIL)
			return 0;
		for (unsigned a = 0; a < slab_global(sim)->nr_nodes; a++)
			if (n->alien[a].avail)
				return 0;
	}
	return SIM_TIME_NEVER;
}

/* the jiffies of cache_reap's expiries: a whole number apart */
_Static_assert(REAPTIMEOUT_AC % SLAB_TICK_NSEC == 0, "reap period in whole jiffies");

/*
 * @nr quiet expiries of @cpu's cache_reap at @first, @first + @period, ...:
 * at each, a node deadline that has passed moves to jiffies +
 * REAPTIMEOUT_NODE.  With expiry k at jiffy j0 + k * pj, the first update
 * is at the first k0 whose jiffy reaches the deadline and the next ones
 * every m = ceil(REAPTIMEOUT_NODE / pj) expiries, so the deadline after
 * @nr expiries is j(klast) + REAPTIMEOUT_NODE with klast the last of
 * k0, k0 + m, ... below @nr.  (Several CPUs of one node share the
 * deadline and expire together; applying this per CPU gives the same
 * result, as a second pass over the same expiries moves nothing.)
 */
static void cache_reap_skip(struct sim *sim, void *arg, sim_time_t first,
			    sim_time_t period, uint64_t nr)
{
	unsigned cpu = (unsigned)(uintptr_t)arg, node;
	struct slab_global *g;
	uint64_t j0 = first / SLAB_TICK_NSEC, pj = period / SLAB_TICK_NSEC;
	uint64_t m, jlast;

	if (cpu >= sim_nr_cpus(sim) || nr == 0)
		return;
	g = slab_global(sim);
	node = slab_cpu_node(sim, cpu);
	if (pj == 0)
		pj = 1;		/* never: the period is REAPTIMEOUT_AC */
	m = SIM_DIV_ROUND_UP((uint64_t)REAPTIMEOUT_NODE, pj);
	jlast = j0 + pj * (nr - 1);
	for (size_t i = 0; i < slab_nr_caches(sim); i++) {
		struct kmem_cache_node *n = &slab_cache(slab_cache_at(sim, i))->node[node];
		uint64_t k0, klast;

		if (n->next_reap > jlast)
			continue;	/* no expiry reaches the deadline */
		k0 = n->next_reap <= j0 ? 0 : SIM_DIV_ROUND_UP(n->next_reap - j0, pj);
		klast = k0 + m * ((nr - 1 - k0) / m);
		n->next_reap = j0 + pj * klast + REAPTIMEOUT_NODE;
	}
	g->reap_node[cpu] = (unsigned)((g->reap_node[cpu] + nr % g->nr_nodes) % g->nr_nodes);
}

/* drain_cpu_caches(): every CPU's array (on that CPU), aliens, shared arrays */
static void drain_cpu_caches(struct sim *sim, struct kmem_cache *s)
{
	struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	unsigned saved = sim_current_cpu(sim);

	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++) {
		/* do_drain() through on_each_cpu() */
		struct array_cache *ac = &sc->cpu[cpu];
		uint32_t list = SLAB_NIL;

		if (!ac->avail)
			continue;
		sim_set_cpu(sim, cpu);
		free_block(sim, s, ac->entry, ac->avail, slab_cpu_node(sim, cpu), &list);
		ac->avail = 0;
		slabs_destroy(sim, s, list);
	}
	sim_set_cpu(sim, saved);
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		struct kmem_cache_node *n = &sc->node[node];

		for (unsigned i = 0; i < g->nr_nodes; i++) {
			uint32_t list = SLAB_NIL;

			if (!n->alien[i].limit)
				continue;
			drain_alien_array(sim, s, &n->alien[i], i, &list);
			slabs_destroy(sim, s, list);
		}
	}
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		uint32_t list = SLAB_NIL;

		drain_array_locked(sim, s, node_shared(&sc->node[node]), node, true, &list);
		slabs_destroy(sim, s, list);
	}
}

/* ---- Tuning (do_tune_cpucache) ---- */

static void array_free(struct array_cache *ac)
{
	free(ac->entry);
	memset(ac, 0, sizeof *ac);
}

/*
 * do_tune_cpucache() - new per-CPU arrays and shared arrays
 * Everything is allocated first, so a failure changes nothing.  The old
 * arrays' objects go back to their slabs: the per-CPU ones under the old
 * free_limit, the shared ones under the new one (setup_kmem_cache_node()).
 * @initial: the cache is being created (nodes and alien arrays set up).
 */
static int do_tune_cpucache(struct sim *sim, struct kmem_cache *s, unsigned limit,
			    unsigned batchcount, unsigned shared, bool initial)
{
	struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	sim_addr_t *cpu_new[SIM_MAX_CPUS] = { NULL };
	sim_addr_t *shared_new[SIM_MAX_NODES] = { NULL };
	uint64_t shared_cap = (uint64_t)shared * batchcount;
	unsigned alien_limit = limit > 1 ? ALIEN_LIMIT : limit;
	bool ok = true;

	if (ARRAY_CACHE_HDR + (uint64_t)limit * sizeof(sim_addr_t) > PCPU_MIN_UNIT_SIZE)
		return sim_set_reason(sim, SIM_ENOMEM,
				      "%s: a per-CPU array of %u entries is larger than a percpu unit (%u bytes)",
				      s->name, limit, PCPU_MIN_UNIT_SIZE);
	if (shared_cap && ARRAY_CACHE_HDR + shared_cap * sizeof(sim_addr_t) > KMALLOC_MAX_SIZE)
		return sim_set_reason(sim, SIM_ENOMEM,
				      "%s: a shared array of %llu entries is larger than kmalloc allows",
				      s->name, (unsigned long long)shared_cap);
	for (unsigned cpu = 0; cpu < g->nr_cpus && ok; cpu++)
		ok = (cpu_new[cpu] = sim_xmalloc(limit * sizeof(sim_addr_t))) != NULL;
	for (unsigned node = 0; node < g->nr_nodes && ok && shared_cap; node++)
		ok = (shared_new[node] = sim_xmalloc((size_t)shared_cap * sizeof(sim_addr_t))) != NULL;
	if (ok && initial && g->use_alien_caches) {
		for (unsigned node = 0; node < g->nr_nodes && ok; node++)
			for (unsigned i = 0; i < g->nr_nodes && ok; i++) {
				struct array_cache *a = &sc->node[node].alien[i];

				if (i == node)
					continue;
				a->entry = sim_xmalloc(alien_limit * sizeof(sim_addr_t));
				ok = a->entry != NULL;
			}
	}
	if (!ok) {
		for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++)
			free(cpu_new[cpu]);
		for (unsigned node = 0; node < g->nr_nodes; node++) {
			free(shared_new[node]);
			if (initial)
				for (unsigned i = 0; i < g->nr_nodes; i++)
					array_free(&sc->node[node].alien[i]);
		}
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	}

	sc->batchcount = batchcount;
	sc->limit = limit;
	sc->shared = shared;
	/* the old per-CPU arrays go back to the slabs of their CPU's node */
	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++) {
		struct array_cache *ac = &sc->cpu[cpu];
		uint32_t list = SLAB_NIL;

		if (ac->avail)
			free_block(sim, s, ac->entry, ac->avail, slab_cpu_node(sim, cpu), &list);
		free(ac->entry);
		ac->entry = cpu_new[cpu];
		ac->avail = 0;
		ac->limit = limit;
		ac->batchcount = batchcount;
		ac->touched = false;
		slabs_destroy(sim, s, list);
	}
	/* setup_kmem_cache_nodes() */
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		struct kmem_cache_node *n = &sc->node[node];
		uint32_t list = SLAB_NIL;

		n->free_limit = (1ul + g->cpus_on_node[node]) * batchcount + sc->num;
		if (initial) {
			/* no stagger by the cache's address: deterministic */
			n->next_reap = slab_jiffies(sim) + REAPTIMEOUT_NODE;
			for (unsigned i = 0; i < g->nr_nodes; i++) {
				struct array_cache *a = &n->alien[i];

				if (!a->entry)
					continue;
				a->avail = 0;
				a->limit = alien_limit;
				a->batchcount = 0xbaadf00d;
				a->touched = false;
			}
		}
		if (n->shared.limit && n->shared.avail)
			free_block(sim, s, n->shared.entry, n->shared.avail, node, &list);
		free(n->shared.entry);
		n->shared.entry = shared_new[node];
		n->shared.avail = 0;
		n->shared.limit = (unsigned)shared_cap;
		n->shared.batchcount = 0xbaadf00d;
		n->shared.touched = false;
		slabs_destroy(sim, s, list);
	}
	return SIM_OK;
}

/* ---- Geometry (__kmem_cache_create) ---- */

/* cache_estimate(): objects of @size in a slab of @order and the leftover */
static unsigned cache_estimate(unsigned order, unsigned size, unsigned mgmt,
			       unsigned *left_over)
{
	uint64_t slab_size = (uint64_t)SIM_PAGE_SIZE << order;
	uint64_t per = mgmt == MGMT_ON_SLAB ? size + FREELIST_IDX_SIZE : size;

	*left_over = (unsigned)(slab_size % per);
	return (unsigned)(slab_size / per);
}

/* calculate_slab_order(): *num = 0 if nothing fits; returns the leftover */
static unsigned calculate_slab_order(const struct sim *sim, const struct kmem_cache *s,
				     unsigned size, unsigned mgmt, unsigned *num,
				     unsigned *order)
{
	const struct slab_global *g = slab_global(sim);
	unsigned left_over = 0;

	*num = 0;
	*order = 0;
	for (unsigned gfporder = 0; gfporder <= SLAB_KMALLOC_MAX_ORDER; gfporder++) {
		unsigned remainder, n = cache_estimate(gfporder, size, mgmt, &remainder);

		if (!n)
			continue;
		if (n > SLAB_OBJ_MAX_NUM)
			break;	/* a byte index cannot name them */
		if (mgmt == MGMT_OFF_SLAB) {
			const struct kmem_cache *fc = kmalloc_slab(sim, n * FREELIST_IDX_SIZE, 0);

			if (!fc)
				continue;	/* kmalloc not up yet (boot) */
			if (slab_cache(fc)->mgmt == MGMT_OFF_SLAB)
				continue;	/* would loop in cache_grow_begin() */
			/* worth it? (cachep->size is still the object size here) */
			if (fc->size > s->object_size / 2)
				continue;
		}
		*num = n;
		*order = gfporder;
		left_over = remainder;
		/* VFS-reclaimable caches: no higher orders under GFP_NOFS */
		if (s->flags & SLAB_RECLAIM_ACCOUNT)
			break;
		if (gfporder >= g->slab_max_order)
			break;
		/* at most 1/8 wasted */
		if ((uint64_t)left_over * 8 <= ((uint64_t)SIM_PAGE_SIZE << gfporder))
			break;
	}
	return left_over;
}

/* the three placements of the index array, in the kernel's order */
static bool slab_choose_mgmt(const struct sim *sim, struct kmem_cache *s,
			     unsigned size)
{
	struct slab_cache *sc = slab_cache(s);
	unsigned num, order, left;

	/* set_objfreelist_slab_cache(): no ctor, no RCU, no init_on_free */
	if (!s->ctor && !(s->flags & SLAB_TYPESAFE_BY_RCU)) {
		left = calculate_slab_order(sim, s, size, MGMT_OBJFREELIST, &num, &order);
		if (num && num * FREELIST_IDX_SIZE <= s->object_size) {
			sc->mgmt = MGMT_OBJFREELIST;
			goto done;
		}
	}
	/* set_off_slab_cache(): not for kmemleak's own caches */
	if (!(s->flags & SLAB_NOLEAKTRACE)) {
		left = calculate_slab_order(sim, s, size, MGMT_OFF_SLAB, &num, &order);
		/* off-slab only if the leftover could not hold the index anyway */
		if (num && left < num * FREELIST_IDX_SIZE) {
			sc->mgmt = MGMT_OFF_SLAB;
			goto done;
		}
	}
	/* set_on_slab_cache() */
	left = calculate_slab_order(sim, s, size, MGMT_ON_SLAB, &num, &order);
	if (!num)
		return false;
	sc->mgmt = MGMT_ON_SLAB;
done:
	sc->num = num;
	sc->colour = left / sc->colour_off;
	s->order = order;
	s->objects = num;
	if (unlikely(sim_listening(sim))) {
		static const char *const where[] = {
			[MGMT_ON_SLAB] = "at the end of the slab (on-slab)",
			[MGMT_OFF_SLAB] = "in a kmalloc buffer (off-slab)",
			[MGMT_OBJFREELIST] = "inside a free object (objfreelist)",
		};

		SIM_NOTE((struct sim *)sim, "slab %s: %u-byte objects (aligned to %u), the freelist index array %s",
			 s->name, size, s->align, where[sc->mgmt]);
		SIM_NOTE((struct sim *)sim, "slab %s: order %u (%s): %u object%s, %u bytes left over: %u colour%s of %u bytes",
			 s->name, order,
			 s->flags & SLAB_RECLAIM_ACCOUNT ? "the first that fits: SLAB_RECLAIM_ACCOUNT" :
			 order >= slab_global(sim)->slab_max_order ? "slab_max_order" :
			 "at most 1/8 of the slab left over",
			 num, num == 1 ? "" : "s", left, sc->colour,
			 sc->colour == 1 ? "" : "s", sc->colour_off);
	}
	return true;
}

/* enable_cpucache(): the limit table by object size */
static void enable_cpucache_values(const struct sim *sim, const struct kmem_cache *s,
				   unsigned *limit, unsigned *batchcount,
				   unsigned *shared)
{
	if (s->size > 131072)
		*limit = 1;
	else if (s->size > SIM_PAGE_SIZE)
		*limit = 8;
	else if (s->size > 1024)
		*limit = 24;
	else if (s->size > 256)
		*limit = 54;
	else
		*limit = 120;
	/* the shared array passes objects between CPUs; useless on UP */
	*shared = s->size <= SIM_PAGE_SIZE && sim_nr_cpus(sim) > 1 ? SHARED_FACTOR : 0;
	*batchcount = (*limit + 1) / 2;
}

static void slab_release_arrays(const struct sim *sim, struct slab_cache *sc)
{
	const struct slab_global *g = slab_global(sim);

	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++)
		array_free(&sc->cpu[cpu]);
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		array_free(&sc->node[node].shared);
		for (unsigned i = 0; i < g->nr_nodes; i++)
			array_free(&sc->node[node].alien[i]);
	}
}

/* bytes of s->priv: struct slab_cache and its per-CPU and per-node parts */
static size_t slab_cache_priv_size(const struct sim *sim)
{
	size_t cpus = sim->cfg.cpus, nodes = sim->cfg.nodes;

	return sizeof(struct slab_cache) + cpus * sizeof(struct array_cache) +
	       nodes * sizeof(struct kmem_cache_node) +
	       nodes * nodes * sizeof(struct array_cache);
}

static int slab_cache_init(struct sim *sim, struct kmem_cache *s)
{
	struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	slab_flags_t flags = s->flags & ~(slab_flags_t)SLAB_DROPPED_FLAGS;
	unsigned size, limit, batchcount, shared;
	int rc;

	/* kmem_cache_init() creates the kmalloc caches with ARCH_KMALLOC_FLAGS */
	if (flags & SLAB_KMALLOC) {
		flags |= SLAB_HWCACHE_ALIGN;
		s->align = calculate_alignment(flags, s->args.align, s->object_size);
	}
	s->flags = flags;
	s->align = SIM_MAX(s->align, BYTES_PER_WORD);
	sc->colour_off = SIM_MAX((unsigned)SIM_CACHE_LINE, s->align);
	size = SIM_ALIGN(s->object_size, BYTES_PER_WORD);
	size = SIM_ALIGN(size, s->align);
	/* a byte index needs objects of at least PAGE_SIZE >> 8 bytes */
	if (size < SLAB_OBJ_MIN_SIZE)
		size = SIM_ALIGN((unsigned)SLAB_OBJ_MIN_SIZE, s->align);
	sc->node = (struct kmem_cache_node *)&sc->cpu[g->nr_cpus];
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		struct kmem_cache_node *n = &sc->node[node];

		n->alien = (struct array_cache *)&sc->node[g->nr_nodes] +
			   (size_t)node * g->nr_nodes;
		n->full.head = n->full.tail = SLAB_NIL;
		n->partial.head = n->partial.tail = SLAB_NIL;
		n->free.head = n->free.tail = SLAB_NIL;
	}
	if (!slab_choose_mgmt(sim, s, size))
		return sim_set_reason(sim, SIM_EINVAL,
				      "kmem_cache_create(%s): no slab order up to %u fits %u-byte objects (E2BIG)",
				      s->name, SLAB_KMALLOC_MAX_ORDER, size);
	sc->freelist_size = sc->num * FREELIST_IDX_SIZE;
	s->size = size;
	s->inuse = size;
	s->offset = 0;
	s->red_left_pad = 0;
	s->min_order = s->order;
	s->min_objects = s->objects;
	s->allocflags = __GFP_COMP;
	if (flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	/* setup_cpu_cache(): the boot-time limit of 1 is final at once here */
	enable_cpucache_values(sim, s, &limit, &batchcount, &shared);
	rc = do_tune_cpucache(sim, s, limit, batchcount, shared, true);
	if (rc == SIM_OK && sim->cfg.freelist_random && sc->num >= 2) {
		/* enable_cpucache() -> cache_random_seq_create(): Fisher-Yates */
		sc->random_seq = sim_xmalloc(sc->num * sizeof *sc->random_seq);
		if (!sc->random_seq) {
			rc = sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		} else {
			for (unsigned i = 0; i < sc->num; i++)
				sc->random_seq[i] = (uint16_t)i;
			for (unsigned i = sc->num - 1; i > 0; i--) {
				unsigned r = (unsigned)rng_below(&sim->rng, i + 1);
				uint16_t t = sc->random_seq[i];

				sc->random_seq[i] = sc->random_seq[r];
				sc->random_seq[r] = t;
			}
		}
	}
	if (rc != SIM_OK)
		slab_release_arrays(sim, sc);
	return rc;
}

static void slab_cache_destroy(struct sim *sim, struct kmem_cache *s)
{
	free(slab_cache(s)->random_seq);
	slab_cache(s)->random_seq = NULL;
	slab_release_arrays(sim, slab_cache(s));
}

/* ---- The ops ---- */

/* where object @obj (of slab @slab) lives, for the common layer */
static inline sim_addr_t slab_objref_fill(struct slab *slab, sim_addr_t obj,
					  uint8_t path, struct slab_objref *ref)
{
	ref->slab = slab;
	ref->slot = obj_to_index(slab, obj);
	ref->bytes = 0;
	ref->path = path;
	return obj;
}

/* the CPU array is empty: refill it (SLAB_PATH_SLOW) */
static slab_noinline sim_addr_t slab_op_alloc_refill(struct sim *sim,
						     struct kmem_cache *s, gfp_t gfp,
						     struct slab_objref *ref)
{
	unsigned cpu = slab_cpu(sim);
	sim_addr_t obj;

	slab_stat_inc(slab_cache(s), SLAB_STAT_ALLOCMISS);
	obj = cache_alloc_refill(sim, s, gfp, cpu);
	/* the local node ran dry: its lists, then other nodes */
	if (obj == SIM_ADDR_NONE)
		obj = cache_alloc_node(sim, s, gfp, slab_cpu_node(sim, cpu));
	if (obj == SIM_ADDR_NONE)
		return SIM_ADDR_NONE;
	/* from a slab's list: its lines may be cold, prefetched */
	return slab_objref_fill(slab_of_addr(sim, obj), obj, SLAB_PATH_SLOW, ref);
}

/*
 * slab_alloc_node() -> __do_cache_alloc() of a NUMA kernel.  The array
 * hit makes no call (the refill is a tail call), so it saves no
 * registers (issue 15: host time).
 */
static sim_addr_t slab_op_alloc(struct sim *sim, struct kmem_cache *s, gfp_t gfp,
				struct slab_objref *ref)
{
	struct slab_cache *sc = slab_cache(s);
	struct array_cache *ac = &sc->cpu[slab_cpu(sim)];
	sim_addr_t obj;

	if (unlikely(!ac->avail))
		return slab_op_alloc_refill(sim, s, gfp, ref);
	/* ____cache_alloc(): LIFO, cache-warm */
	ac->touched = true;
	obj = ac->entry[--ac->avail];
	slab_stat_inc(sc, SLAB_STAT_ALLOCHIT);
	sim_charge(sim, COST_SLAB_FASTPATH);
	return slab_objref_fill(slab_of_live_addr(sim, obj), obj, SLAB_PATH_FAST, ref);
}

/* ___cache_free() of an object of another node (SLAB_PATH_SLOW) */
static slab_noinline int slab_op_free_alien(struct sim *sim, struct kmem_cache *s,
					    sim_addr_t obj, const struct slab_objref *ref)
{
	unsigned cpu = slab_cpu(sim);

	cache_free_alien(sim, s, obj, slab_cpu_node(sim, cpu), ref->slab->node);
	return SLAB_PATH_SLOW;
}

/* ___cache_free() into a full CPU array: flush a batch first (SLAB_PATH_SLOW) */
static slab_noinline int slab_op_free_flush(struct sim *sim, struct kmem_cache *s,
					    sim_addr_t obj)
{
	unsigned cpu = slab_cpu(sim);
	struct array_cache *ac = &slab_cache(s)->cpu[cpu];

	slab_stat_inc(slab_cache(s), SLAB_STAT_FREEMISS);
	sim_charge(sim, COST_SLAB_SLOWPATH);
	cache_flusharray(sim, s, cpu);
	ac->entry[ac->avail++] = obj;
	return SLAB_PATH_SLOW;
}

/* ___cache_free(); what calls out is a tail call, as in slab_op_alloc() */
static int slab_op_free(struct sim *sim, struct kmem_cache *s, sim_addr_t obj,
			const struct slab_objref *ref)
{
	struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	unsigned cpu = slab_cpu(sim);
	struct array_cache *ac = &sc->cpu[cpu];

	if (g->nr_nodes > 1 && ref->slab->node != slab_cpu_node(sim, cpu))
		return slab_op_free_alien(sim, s, obj, ref);
	if (unlikely(ac->avail >= ac->limit))
		return slab_op_free_flush(sim, s, obj);
	slab_stat_inc(sc, SLAB_STAT_FREEHIT);
	sim_charge(sim, COST_SLAB_FASTPATH);
	ac->entry[ac->avail++] = obj;
	return SLAB_PATH_FAST;
}

/* __kmem_cache_shrink(): drain every array, destroy every free slab */
static unsigned long slab_op_shrink(struct sim *sim, struct kmem_cache *s)
{
	struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	uint64_t before = s->acct.pages;

	drain_cpu_caches(sim, s);
	for (unsigned node = 0; node < g->nr_nodes; node++)
		drain_freelist(sim, s, &sc->node[node], ULONG_MAX);
	return (unsigned long)(before - s->acct.pages);
}

/* __kmem_cache_shutdown() is __kmem_cache_shrink() */
static void slab_op_shutdown(struct sim *sim, struct kmem_cache *s)
{
	slab_op_shrink(sim, s);
}

/* slabinfo_write(): "name limit batchcount shared" */
static int slab_op_tune(struct sim *sim, struct kmem_cache *s, int limit,
			int batchcount, int shared)
{
	if (limit < 1 || batchcount < 1 || batchcount > limit || shared < 0)
		return sim_set_reason(sim, SIM_EINVAL,
				      "slabinfo: '%s %d %d %d' ignored (the kernel needs limit >= 1, "
				      "1 <= batchcount <= limit, shared >= 0)",
				      s->name, limit, batchcount, shared);
	return do_tune_cpucache(sim, s, (unsigned)limit, (unsigned)batchcount,
				(unsigned)shared, false);
}

/* SLAB's slab_ksize(): the object size, not the buffer */
static size_t slab_op_ksize(const struct sim *sim, sim_addr_t obj,
			    const struct slab_objref *ref)
{
	(void)obj;
	return sim->slab->caches[ref->slab->cache_id]->object_size;
}

/* get_slabinfo() */
static void slab_op_slabinfo(const struct sim *sim, const struct kmem_cache *s,
			     struct slabinfo *out)
{
	const struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	unsigned long total_slabs = 0, free_slabs = 0, free_objs = 0, shared_avail = 0;

	for (unsigned node = 0; node < g->nr_nodes; node++) {
		const struct kmem_cache_node *n = &sc->node[node];

		total_slabs += n->total_slabs;
		free_slabs += n->free_slabs;
		free_objs += n->free_objects;
		if (n->shared.limit)
			shared_avail += n->shared.avail;
	}
	out->num_objs = total_slabs * sc->num;
	out->active_objs = out->num_objs - free_objs;
	out->active_slabs = total_slabs - free_slabs;
	out->num_slabs = total_slabs;
	out->shared_avail = shared_avail;
	out->limit = sc->limit;
	out->batchcount = sc->batchcount;
	out->shared = sc->shared;
	out->objects_per_slab = sc->num;
	out->cache_order = s->order;
}

static void slab_op_stats(const struct sim *sim, const struct kmem_cache *s,
			  struct slab_policy_stats *out)
{
	const struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);

	memset(out, 0, sizeof *out);
	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++)
		out->cached += sc->cpu[cpu].avail;
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		const struct kmem_cache_node *n = &sc->node[node];

		/* free objects on the node lists: partial and empty slabs */
		out->free_in_partial += n->free_objects;
		out->partial_slabs += n->partial.nr;
		out->cached += n->shared.avail;
		for (unsigned i = 0; i < g->nr_nodes; i++)
			out->cached += n->alien[i].avail;
	}
}

static size_t slab_op_info_fields(const struct sim *sim, const struct kmem_cache *s,
				  struct sim_field *out, size_t max)
{
	const struct slab_cache *sc = slab_cache(s);
	const struct sim_field f[] = {
		{ "limit", sc->limit },
		{ "batchcount", sc->batchcount },
		{ "shared", sc->shared },
		{ "colour", sc->colour },
		{ "colour_off", sc->colour_off },
		{ "objfreelist", sc->mgmt == MGMT_OBJFREELIST },
		{ "off_slab", sc->mgmt == MGMT_OFF_SLAB },
		{ "freelist_size", sc->freelist_size },
		{ "free_limit", sc->node[0].free_limit },
		{ "slab_max_order", slab_global(sim)->slab_max_order },
	};
	size_t n = SIM_MIN(ARRAY_SIZE(f), max);

	memcpy(out, f, n * sizeof *out);
	return n;
}

static size_t slab_op_stat_fields(const struct sim *sim, const struct kmem_cache *s,
				  struct sim_field *out, size_t max)
{
	const struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	uint64_t cpu_avail = 0, shared_avail = 0, alien_avail = 0;
	uint64_t full = 0, partial = 0, free_slabs = 0, free_objects = 0;
	size_t n = 0;

	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++)
		cpu_avail += sc->cpu[cpu].avail;
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		const struct kmem_cache_node *nd = &sc->node[node];

		shared_avail += nd->shared.avail;
		for (unsigned i = 0; i < g->nr_nodes; i++)
			alien_avail += nd->alien[i].avail;
		full += nd->full.nr;
		partial += nd->partial.nr;
		free_slabs += nd->free_slabs;
		free_objects += nd->free_objects;
	}
	{
		const struct sim_field f[] = {
			{ "cpu_avail", cpu_avail },
			{ "shared_avail", shared_avail },
			{ "alien_avail", alien_avail },
			{ "slabs_full", full },
			{ "slabs_partial", partial },
			{ "slabs_free", free_slabs },
			{ "free_objects", free_objects },
		};

		for (size_t i = 0; i < ARRAY_SIZE(f) && n < max; i++)
			out[n++] = f[i];
	}
	for (size_t i = 0; i < NR_SLAB_STAT_ITEMS && n < max; i++)
		out[n++] = (struct sim_field){ slab_stat_names[i], sc->stat[i] };
	return n;
}

/* ---- Validation ---- */

static int slab_addr_cmp(const void *a, const void *b)
{
	sim_addr_t x = *(const sim_addr_t *)a, y = *(const sim_addr_t *)b;

	return (x > y) - (x < y);
}

/* one list of a node: links, tags, counts */
static bool slab_validate_list(const struct sim *sim, const struct kmem_cache *s,
			       const struct slab_list *l, uint8_t which, unsigned node,
			       unsigned long *slabs, unsigned long *free_objs,
			       uint64_t *cached)
{
	const struct slab_cache *sc = slab_cache(s);
	uint32_t prev = SLAB_NIL;
	unsigned long count = 0;

	for (uint32_t id = l->head; id != SLAB_NIL;) {
		struct slab *slab = slab_by_id(sim, id);
		struct slab_desc *d = sd(slab);
		uint8_t mark[SLAB_OBJ_MAX_NUM + 1];

		if (d->list != which || d->prev != prev || slab->node != node ||
		    slab->cache_id != s->id || slab->nr_slots != sc->num ||
		    d->active > sc->num || d->active < slab->nr_live)
			return false;
		if ((which == SL_FULL && d->active != sc->num) ||
		    (which == SL_PARTIAL && (d->active == 0 || d->active == sc->num)) ||
		    (which == SL_FREE && d->active != 0))
			return false;
		/* the free part of the index: distinct, none live */
		memset(mark, 0, sizeof mark);
		for (uint32_t k = d->active; k < sc->num; k++) {
			uint16_t idx = slab_slot(slab, k)->link;

			if (idx >= sc->num || mark[idx] || slab_slot_live(slab, idx))
				return false;
			mark[idx] = 1;
		}
		if (sc->mgmt == MGMT_OBJFREELIST &&
		    (d->active < sc->num
		     ? d->fl_slot != slab_slot(slab, sc->num - 1)->link
		     : d->fl_slot != SLAB_IDX_NONE))
			return false;
		if ((sc->mgmt == MGMT_OFF_SLAB) != (d->fl_cache != NULL))
			return false;
		*free_objs += sc->num - d->active;
		*cached += d->active - slab->nr_live;
		count++;
		prev = id;
		id = d->next;
	}
	if (l->tail != prev || l->nr != count)
		return false;
	*slabs += count;
	return true;
}

/* every object in @ac: a free, non-cached slot of a slab of @s */
static bool slab_validate_array(const struct sim *sim, const struct kmem_cache *s,
				const struct array_cache *ac, sim_addr_t *all,
				size_t *nall)
{
	for (unsigned i = 0; i < ac->avail; i++) {
		sim_addr_t obj = ac->entry[i];
		struct slab *slab = slab_of_addr(sim, obj);
		uint32_t idx;

		if (!slab || slab->kind != SLAB_KIND_SLOTS || slab->cache_id != s->id)
			return false;
		idx = obj_to_index(slab, obj);
		if (slab_obj_addr(slab_address(slab), slab, idx) != obj ||
		    slab_slot_live(slab, idx))
			return false;
		for (uint32_t k = sd(slab)->active; k < slab->nr_slots; k++)
			if (slab_slot(slab, k)->link == idx)
				return false;	/* both cached and free in its slab */
		if (all)
			all[(*nall)++] = obj;
	}
	return ac->avail <= ac->limit;
}

static bool slab_validate_cache(const struct sim *sim, const struct kmem_cache *s)
{
	const struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	uint64_t cached_in_slabs = 0, in_arrays = 0, total = 0;
	sim_addr_t *all;
	size_t nall = 0;
	bool ok = true;

	if (sc->batchcount < 1 || sc->batchcount > sc->limit)
		return false;
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		const struct kmem_cache_node *n = &sc->node[node];
		unsigned long slabs = 0, free_objs = 0;

		if (!slab_validate_list(sim, s, &n->full, SL_FULL, node, &slabs, &free_objs,
					&cached_in_slabs) ||
		    !slab_validate_list(sim, s, &n->partial, SL_PARTIAL, node, &slabs,
					&free_objs, &cached_in_slabs) ||
		    !slab_validate_list(sim, s, &n->free, SL_FREE, node, &slabs, &free_objs,
					&cached_in_slabs))
			return false;
		if (slabs != n->total_slabs || n->free.nr != n->free_slabs ||
		    free_objs != n->free_objects)
			return false;
		total += slabs;
		in_arrays += n->shared.avail;
		for (unsigned i = 0; i < g->nr_nodes; i++)
			in_arrays += n->alien[i].avail;
	}
	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++)
		in_arrays += sc->cpu[cpu].avail;
	if (in_arrays != cached_in_slabs || total != s->acct.slabs)
		return false;
	/* no object in two arrays */
	all = in_arrays ? malloc(in_arrays * sizeof *all) : NULL;
	for (unsigned cpu = 0; cpu < g->nr_cpus && ok; cpu++)
		ok = slab_validate_array(sim, s, &sc->cpu[cpu], all, &nall);
	for (unsigned node = 0; node < g->nr_nodes && ok; node++) {
		const struct kmem_cache_node *n = &sc->node[node];

		ok = slab_validate_array(sim, s, &n->shared, all, &nall);
		for (unsigned i = 0; i < g->nr_nodes && ok; i++) {
			ok = slab_validate_array(sim, s, &n->alien[i], all, &nall);
			/* an alien array holds objects of node i only */
			for (unsigned k = 0; ok && k < n->alien[i].avail; k++)
				ok = slab_of_addr(sim, n->alien[i].entry[k])->node == i;
		}
	}
	if (ok && all) {
		qsort(all, nall, sizeof *all, slab_addr_cmp);
		for (size_t i = 1; i < nall && ok; i++)
			ok = all[i] != all[i - 1];
	}
	free(all);
	return ok;
}

/* ---- Dump ---- */

/* a list as " 0x<slab address>(<free objects>)" in list order */
static void slab_out_list(struct slab_text *o, const struct sim *sim,
			  const struct slab_cache *sc, const struct slab_list *l)
{
	for (uint32_t id = l->head; id != SLAB_NIL;) {
		struct slab *slab = slab_by_id(sim, id);

		slab_textf(o, " 0x%llx(%u)", (unsigned long long)slab_address(slab),
			  sc->num - sd(slab)->active);
		id = sd(slab)->next;
	}
}

static void slab_op_dump(const struct sim *sim, const struct kmem_cache *s,
			 sim_text_fn fn, void *ud)
{
	const struct slab_cache *sc = slab_cache(s);
	const struct slab_global *g = slab_global(sim);
	struct slab_text o = { fn, ud };

	slab_textf(&o, "cache: %s num %u order %u size %u colour %u x %u limit %u batchcount %u shared %u\n",
		  slab_mgmt_names[sc->mgmt], sc->num, s->order, s->size, sc->colour,
		  sc->colour_off, sc->limit, sc->batchcount, sc->shared);
	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++)
		slab_textf(&o, "cpu%u: avail %u/%u touched %d\n", cpu, sc->cpu[cpu].avail,
			  sc->cpu[cpu].limit, sc->cpu[cpu].touched);
	for (unsigned node = 0; node < g->nr_nodes; node++) {
		const struct kmem_cache_node *n = &sc->node[node];

		slab_textf(&o, "node%u: slabs %lu free_slabs %lu free_objects %lu free_limit %lu "
			  "colour_next %u free_touched %d shared %u/%u\n", node,
			  n->total_slabs, n->free_slabs, n->free_objects, n->free_limit,
			  n->colour_next, n->free_touched, n->shared.avail, n->shared.limit);
		slab_textf(&o, "node%u full:", node);
		slab_out_list(&o, sim, sc, &n->full);
		slab_textf(&o, "\nnode%u partial:", node);
		slab_out_list(&o, sim, sc, &n->partial);
		slab_textf(&o, "\nnode%u free:", node);
		slab_out_list(&o, sim, sc, &n->free);
		slab_textf(&o, "\n");
		for (unsigned i = 0; i < g->nr_nodes; i++)
			if (n->alien[i].limit)
				slab_textf(&o, "node%u alien%u: %u/%u\n", node, i,
					  n->alien[i].avail, n->alien[i].limit);
	}
}

/* ---- Per-simulator state ---- */

/* totalram_pages(): managed pages of every zone */
static uint64_t slab_totalram_pages(const struct sim *sim)
{
	struct sim_zone_info zi;
	uint64_t total = 0;

	for (size_t i = 0; i < sim_zone_count(sim); i++)
		if (sim_zone_info(sim, i, &zi) == SIM_OK)
			total += zi.managed;
	return total;
}

static int slab_op_init(struct sim *sim)
{
	struct slab_global *g = sim_xcalloc(1, sizeof *g);
	const struct sim_config *cfg = sim_get_config(sim);

	if (!g)
		return SIM_ENOHOSTMEM;
	g->nr_cpus = cfg->cpus;
	g->nr_nodes = cfg->nodes;
	g->use_alien_caches = cfg->nodes > 1;
	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++) {
		unsigned node = slab_cpu_node(sim, cpu);

		g->cpus_on_node[node]++;
		g->reap_node[cpu] = (node + 1) % g->nr_nodes;	/* init_reap_node() */
	}
	if (cfg->slab_max_order >= 0)
		g->slab_max_order = (unsigned)SIM_MIN(cfg->slab_max_order, SIM_MAX_ORDER);
	else	/* fragmentation resistance on small machines */
		g->slab_max_order = slab_totalram_pages(sim) > SLAB_MAX_ORDER_RAM_PAGES ?
				    SLAB_MAX_ORDER_HI : SLAB_MAX_ORDER_LO;
	slab_set_policy_state(sim, g);
	/* start_cpu_timer(): one deferrable reap work per CPU, CPU order */
	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++) {
		int rc = sim_timer_add_quiet(sim, REAP_FIRST, REAPTIMEOUT_AC,
					     cache_reap_timer, cache_reap_quiet,
					     cache_reap_skip, (void *)(uintptr_t)cpu);

		if (rc != SIM_OK)
			return rc;
	}
	return SIM_OK;
}

static void slab_op_exit(struct sim *sim)
{
	free(slab_policy_state(sim));
	slab_set_policy_state(sim, NULL);
}

const struct slab_ops sim_slab_ops = {
	.name = "slab",
	.cache_priv_size = slab_cache_priv_size,
	.slab_priv_size = sizeof(struct slab_desc),
	.kmalloc_shift_low = 5,			/* KMALLOC_SHIFT_LOW: kmalloc-32 */
	.kmalloc_shift_high = SIM_PAGE_SHIFT + 1,	/* 6.1..6.7 KMALLOC_SHIFT_HIGH under CONFIG_SLAB: kmalloc-8k, larger requests go to the page allocator */
	.init = slab_op_init,
	.exit = slab_op_exit,
	.cache_init = slab_cache_init,
	.cache_destroy = slab_cache_destroy,
	.alloc = slab_op_alloc,
	.free = slab_op_free,
	.shrink = slab_op_shrink,
	.shutdown = slab_op_shutdown,
	.merged = NULL,
	.kmalloc = NULL,
	.kfree = NULL,
	.ksize = slab_op_ksize,
	.slabinfo = slab_op_slabinfo,
	.tune = slab_op_tune,
	.stats = slab_op_stats,
	.info_fields = slab_op_info_fields,
	.stat_fields = slab_op_stat_fields,
	.validate = slab_validate_cache,
	.dump = slab_op_dump,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slub.c - SLUB, the object allocator of Linux 6.18 (mm/slub.c)
 *
 * How SLUB works.  A cache's objects live in slabs of 2^order pages, packed
 * back to back from offset 0 at a stride of s->size (the object plus its
 * metadata, aligned).  A free object holds the free pointer to the next one;
 * here the pointers are slot indices in the slots' links (slab_slot()), so
 * a freelist is a chain of u16 indices and no host memory stands for
 * simulated bytes.
 *
 * Each CPU owns at most one cpu slab, "frozen": the CPU allocates from
 * c->freelist without locks (the fast path) and frees of its objects by
 * that CPU push onto c->freelist.  Objects freed by anyone else go onto
 * the slab's own freelist (slab->freelist, with slab->inuse counting the
 * objects not on it).  When c->freelist runs dry the CPU takes the slab's
 * freelist (remote frees), then a slab from its per-CPU partial list, then
 * one from its node's partial list (taking up to cpu_partial_slabs/2 more
 * onto the per-CPU list), and finally a new slab from the page allocator.
 *
 * A full slab is on no list.  The first free into it (by a CPU that does
 * not own it) puts it on that CPU's partial list; when that list already
 * holds cpu_partial_slabs slabs, the whole list is first moved to the node
 * lists ("drain").  Empty slabs on the node lists are freed to the page
 * allocator only while the node keeps at least min_partial partial slabs.
 * Deactivating a cpu slab (flush, or a new cpu slab installed) splices
 * c->freelist back into the slab and puts it at the head of the node list,
 * at the tail if it had remote frees, or frees it when it is empty and the
 * node has min_partial slabs.  kmem_cache_shrink() flushes every CPU, frees
 * every empty partial slab and re-sorts the rest fullest first.
 *
 * Debug caches (slub_debug / SLAB_RED_ZONE, POISON, STORE_USER, TRACE,
 * CONSISTENCY_CHECKS) never use cpu slabs or per-CPU partial lists: every
 * allocation takes one object from the first node partial slab (or a new
 * slab) and every free goes straight back to the slab under the list lock.
 *
 * 6.18 sheaves: a cache created with sheaf_capacity > 0 puts a per-CPU
 * array of objects (main + spare sheaf, a per-node barn of full and empty
 * sheaves) in front of all of the above (§6.9).
 *
 * Ordering and ownership.  Everything here is private to SLUB: s->priv (per
 * CPU and per node state, stats), the private area of each slab and the
 * links of its slots.  Pages come and go only through slab_new_pages() and
 * slab_free_pages(); the common layer does every count and check.  All
 * "per CPU" operations take the CPU explicitly: flushing runs each CPU's
 * work in turn, as flush_all() queues work on every CPU.
 *
 * Invariants (slub_validate()):
 *   inuse + length(slab freelist) == objects for every slab not being a
 *     cpu slab; for a cpu slab, objects - inuse == 0 (frozen takes all) and
 *     free objects are on c->freelist or the slab freelist (remote frees);
 *   node nr_partial == length of its partial list, every slab on it has
 *     on_partial set and 0 < free;
 *   per-CPU partial chains: chain length == c->partial_slabs (the head's
 *     slab->slabs in the kernel, kept per CPU: a push reads no old head);
 *   list links are descriptor pointers, not slab ids: a walk at millions
 *     of slabs misses the host cache once per slab, not twice;
 *   node nr_slabs/total_objects == slabs/objects created minus freed.
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

/* ---- Tunables (the kernel's names and values) ---- */

#define MIN_PARTIAL		5	/* empty slabs a node keeps: avoid page allocator thrash */
#define MAX_PARTIAL		10	/* ... at most, for very large objects */
#define SHRINK_PROMOTE_MAX	32	/* shrink sorts slabs with up to this many free objects */
#define MAX_PARTIAL_TO_SCAN	10000	/* count_partial_free_approx() scans no more */
#define MAX_FULL_SHEAVES	10	/* full sheaves a barn holds */
#define MAX_EMPTY_SHEAVES	10	/* empty sheaves a barn holds */
#define PCS_BATCH_MAX		32u	/* objects flushed from a main sheaf at a time */
#define REMOTE_NODE_DEFRAG_RATIO 1000	/* get_any_partial(): out of 1024 */

/* out of line: keeps the fast paths free of calls and saved registers */
#if defined(__GNUC__)
#define slub_noinline	__attribute__((noinline))
#else
#define slub_noinline
#endif

#define SLUB_END	SLAB_LINK_END	/* end of an object freelist */

/* the statistics of CONFIG_SLUB_STATS, by their sysfs names */
#define SLUB_STAT_LIST(X) \
	X(ALLOC_PCS, alloc_cpu_sheaf) \
	X(ALLOC_FASTPATH, alloc_fastpath) \
	X(ALLOC_SLOWPATH, alloc_slowpath) \
	X(FREE_PCS, free_cpu_sheaf) \
	X(FREE_FASTPATH, free_fastpath) \
	X(FREE_SLOWPATH, free_slowpath) \
	X(FREE_FROZEN, free_frozen) \
	X(FREE_ADD_PARTIAL, free_add_partial) \
	X(FREE_REMOVE_PARTIAL, free_remove_partial) \
	X(ALLOC_FROM_PARTIAL, alloc_from_partial) \
	X(ALLOC_SLAB, alloc_slab) \
	X(ALLOC_REFILL, alloc_refill) \
	X(ALLOC_NODE_MISMATCH, alloc_node_mismatch) \
	X(FREE_SLAB, free_slab) \
	X(CPUSLAB_FLUSH, cpuslab_flush) \
	X(DEACTIVATE_FULL, deactivate_full) \
	X(DEACTIVATE_EMPTY, deactivate_empty) \
	X(DEACTIVATE_TO_HEAD, deactivate_to_head) \
	X(DEACTIVATE_TO_TAIL, deactivate_to_tail) \
	X(DEACTIVATE_REMOTE_FREES, deactivate_remote_frees) \
	X(DEACTIVATE_BYPASS, deactivate_bypass) \
	X(ORDER_FALLBACK, order_fallback) \
	X(CPU_PARTIAL_ALLOC, cpu_partial_alloc) \
	X(CPU_PARTIAL_FREE, cpu_partial_free) \
	X(CPU_PARTIAL_NODE, cpu_partial_node) \
	X(CPU_PARTIAL_DRAIN, cpu_partial_drain) \
	X(SHEAF_FLUSH, sheaf_flush) \
	X(SHEAF_REFILL, sheaf_refill) \
	X(SHEAF_SWAP, sheaf_swap) \
	X(SHEAF_ALLOC, sheaf_alloc) \
	X(SHEAF_FREE, sheaf_free) \
	X(BARN_GET, barn_get) \
	X(BARN_GET_FAIL, barn_get_fail) \
	X(BARN_PUT, barn_put) \
	X(BARN_PUT_FAIL, barn_put_fail)

enum slub_stat_item {
#define SLUB_X_ENUM(e, n) e,
	SLUB_STAT_LIST(SLUB_X_ENUM)
#undef SLUB_X_ENUM
	NR_SLUB_STAT_ITEMS
};

static const char *const slub_stat_names[NR_SLUB_STAT_ITEMS] = {
#define SLUB_X_NAME(e, n) #n,
	SLUB_STAT_LIST(SLUB_X_NAME)
#undef SLUB_X_NAME
};

/* add_partial() positions (also stat items, as in the kernel) */
enum { DEACTIVATE_HEAD, DEACTIVATE_TAIL };

/* ---- Types ---- */

/*
 * struct slab's SLUB fields (the private area of the descriptor).  The
 * first 16 bytes, what every slow free and refill reads and writes, share
 * the descriptor's first host cache line (slab.h); the node list's links
 * are on the next (issue 15: host time).
 */
struct slub_slab {
	uint16_t freelist;	/* slab->freelist: first free slot, SLUB_END if none */
	uint16_t inuse;		/* objects not on slab->freelist */
	uint16_t objects;	/* slots in the slab */
	uint8_t frozen;		/* a CPU's cpu slab */
	uint8_t on_partial;	/* on its node's partial list */
	/*
	 * Links as descriptors (NULL: none), not slab ids: following a slab
	 * id reads the descriptor table first, one more host cache miss per
	 * slab when a list walk meets cold slabs.  A slab is on a node's
	 * partial list or on a CPU's chain (or a discard stack), never on two
	 * (the kernel's slab_list and next share their bytes), but the chain's
	 * link is the one a free's push and a refill's pop write: it has its
	 * own bytes in the first line.
	 */
	struct slab *cpu_next;	/* slab->next on a per-CPU partial chain, a discard stack */
	struct slab *next;	/* node partial list (slab->slab_list) */
	struct slab *prev;
};
_Static_assert(sizeof(struct slub_slab) <= SLAB_PRIV_BYTES, "it fits struct slab's area");
_Static_assert(offsetof(struct slub_slab, next) == 16, "the hot fields are the first 16 bytes");

struct slub_sheaf {
	unsigned size;		/* objects in it */
	sim_addr_t objects[];	/* [sheaf_capacity] */
};

/* node_barn: LIFO stacks of full and empty sheaves (list_add/list_first) */
struct slub_barn {
	struct slub_sheaf **full, **empty;
	unsigned nr_full, nr_empty;
	unsigned cap_full, cap_empty;
};

/* struct kmem_cache_cpu (+ slub_percpu_sheaves) */
struct slub_cpu {
	struct slab *slab;	/* c->slab, NULL if none */
	sim_addr_t base;	/* address of object 0 of c->slab */
	uint16_t freelist;	/* c->freelist: first slot, SLUB_END */
	uint16_t partial_slabs;	/* the head's slab->slabs (0: no chain), kept here
				 * instead so a push need not read the old head's
				 * descriptor (a host cache miss at scale); a
				 * chain holds at most cpu_partial_slabs (<= 240)
				 * plus half that from one get_partial_node() */
	struct slab *partial;	/* c->partial: first slab of the chain, NULL */
	struct slub_sheaf *main, *spare;
};

/* struct kmem_cache_node */
struct slub_node {
	struct slab *head, *tail;	/* partial list (NULL: empty) */
	unsigned long nr_partial;
	unsigned long nr_slabs;		/* node_nr_slabs() */
	unsigned long total_objects;	/* node_nr_objs() */
	struct slub_barn barn;
};

struct slub_cache {
	uint64_t stat[NR_SLUB_STAT_ITEMS];
	bool debug;		/* kmem_cache_debug() */
	bool cpu_partial_on;	/* kmem_cache_has_cpu_partial() */
	uint16_t *random_seq;	/* FREELIST_RANDOM: s->random_seq, a permutation of oo_objects(s->oo) */
	uint32_t cycles;	/* get_cycles() for remote_node_defrag_ratio */
	struct slub_node *node;	/* [nr_nodes], in this allocation after cpu[] */
	/*
	 * Sized by the simulator's CPUs and nodes, not SIM_MAX_*: the kernel
	 * allocates kmem_cache_cpu for possible CPUs and kmem_cache_node for
	 * the nodes with memory, and a boot creates some sixty caches -- at
	 * 64 CPUs and 8 nodes of room each, 3.5 KiB of host memory per cache
	 * to zero, set up and walk at destruction, almost all of it never
	 * read.  One allocation (slub_cache_priv_size()): this header,
	 * cpu[nr_cpus], then node[nr_nodes].
	 */
	struct slub_cpu cpu[];	/* [nr_cpus] */
};

/* ---- Small helpers ---- */

static inline struct slub_cache *slub_cache(const struct kmem_cache *s)
{
	return s->priv;
}

static inline struct slub_slab *ss(struct slab *slab)
{
	return slab_priv(slab);
}

/* ss() of a slab only read (walks of the lists) */
static inline const struct slub_slab *css(const struct slab *slab)
{
	return (const struct slub_slab *)slab->priv;
}

static inline void stat(struct slub_cache *sc, enum slub_stat_item si)
{
	sc->stat[si]++;
}

static unsigned slub_nr_nodes(const struct sim *sim)
{
	return sim->cfg.nodes;
}

/* the slot of @obj in @slab */
static inline uint32_t slub_obj_index(const struct kmem_cache *s,
				      const struct slab *slab, sim_addr_t obj)
{
	return (uint32_t)((obj - slab_address(slab) - s->red_left_pad) / s->size);
}

static inline sim_addr_t slub_obj_addr(const struct kmem_cache *s,
				       const struct slab *slab, uint32_t i)
{
	return slab_address(slab) + s->red_left_pad + (sim_addr_t)i * s->size;
}

/* ---- Geometry (calculate_sizes, calculate_order) ---- */

static unsigned slub_max_order(const struct sim *sim)
{
	unsigned mx = (unsigned)SIM_CLAMP(sim->cfg.slub_max_order, 0, SIM_MAX_ORDER);
	unsigned mn = (unsigned)SIM_CLAMP(sim->cfg.slub_min_order, 0, SIM_MAX_ORDER);

	return SIM_MAX(mx, mn);
}

static unsigned slub_min_order(const struct sim *sim)
{
	return (unsigned)SIM_CLAMP(sim->cfg.slub_min_order, 0, SIM_MAX_ORDER);
}

static inline unsigned order_objects(unsigned order, unsigned size)
{
	return (unsigned)(((uint64_t)SIM_PAGE_SIZE << order) / size);
}

/* calc_slab_order(): the first order whose leftover is at most 1/fract */
static unsigned calc_slab_order(unsigned size, unsigned min_order,
				unsigned max_order, unsigned fract_leftover)
{
	unsigned order;

	for (order = min_order; order <= max_order; order++) {
		uint64_t slab_size = (uint64_t)SIM_PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/*
 * 6.1 calculate_order() (mm/slub.c until 6.7): for min_objects counting
 * down to 2, the first order from get_order(min_objects * size) up to
 * slub_max_order whose leftover is at most 1/16, 1/8 or 1/4 of the slab;
 * then one object per slab up to slub_max_order, then up to MAX_ORDER.
 */
static int calculate_order_6_1(const struct sim *sim, unsigned size,
			       unsigned min_objects, unsigned max_order)
{
	unsigned order;

	for (; min_objects > 1; min_objects--) {
		for (unsigned fraction = 16; fraction >= 4; fraction /= 2) {
			/* calc_slab_order(): the order holding min_objects first */
			unsigned lo = SIM_MAX(slub_min_order(sim),
					      sim_get_order((uint64_t)min_objects * size));

			if (order_objects(slub_min_order(sim), size) > SLAB_MAX_OBJS)
				return (int)sim_get_order((uint64_t)size * SLAB_MAX_OBJS) - 1;
			order = calc_slab_order(size, lo, max_order, fraction);
			if (order <= max_order)
				return (int)order;
		}
	}
	/* a single object, within slub_max_order, then within MAX_ORDER */
	order = calc_slab_order(size, SIM_MAX(slub_min_order(sim), sim_get_order(size)),
				max_order, 1);
	if (order <= max_order)
		return (int)order;
	order = calc_slab_order(size, SIM_MAX(slub_min_order(sim), sim_get_order(size)),
				SIM_MAX_ORDER, 1);
	return order <= SIM_MAX_ORDER ? (int)order : -1;
}

/*
 * calculate_order(): -1 if no order up to MAX_PAGE_ORDER holds one object.
 * 6.18 (since 6.8): one pass over the fractions 16, 8, 4, 2 from the
 * order that holds min_objects; 6.1: calculate_order_6_1().
 */
static int calculate_order(const struct sim *sim, unsigned size)
{
	unsigned min_objects, max_objects, min_order, order;
	unsigned max_order = slub_max_order(sim);

	min_objects = (unsigned)sim->cfg.slub_min_objects;
	if (!min_objects) {
		/* num_present_cpus(), or nr_cpu_ids if that is 1 */
		unsigned nr_cpus = sim->cfg.cpus;

		min_objects = 4 * (sim_fls(nr_cpus) + 1);
	}
	max_objects = SIM_MAX(order_objects(max_order, size), 1u);
	min_objects = SIM_MIN(min_objects, max_objects);
	if (sim_kver_before(sim, SIM_KERNEL_6_18))
		return calculate_order_6_1(sim, size, min_objects, max_order);

	min_order = SIM_MAX(slub_min_order(sim),
			    sim_get_order((uint64_t)min_objects * size));
	if (order_objects(min_order, size) > SLAB_MAX_OBJS)
		return (int)sim_get_order((uint64_t)size * SLAB_MAX_OBJS) - 1;

	for (unsigned fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, max_order, fraction);
		if (order <= max_order)
			return (int)order;
	}
	/* doh: this slab cannot be placed using slab_max_order */
	order = sim_get_order(size);
	if (order <= SIM_MAX_ORDER)
		return (int)order;
	return -1;
}

/*
 * --explain: the geometry calculate_sizes() arrived at, and why that
 * order: the smallest that holds min_objects, then the first whose
 * leftover is at most 1/16 (1/8, 1/4, 1/2) of the slab (6.18's rule; the
 * fraction is found again here, by the same search, for the words only).
 */
static void slub_note_geometry(const struct sim *sim, const struct kmem_cache *s)
{
	unsigned size = s->size, order = s->order;
	unsigned left = (unsigned)(((uint64_t)SIM_PAGE_SIZE << order) - (uint64_t)s->objects * size);
	unsigned min_objects = (unsigned)sim->cfg.slub_min_objects;
	unsigned max_order = slub_max_order(sim), min_order, fraction = 0;

	if (!min_objects)
		min_objects = 4 * (sim_fls(sim->cfg.cpus) + 1);
	min_objects = SIM_MIN(min_objects, SIM_MAX(order_objects(max_order, size), 1u));
	min_order = SIM_MAX(slub_min_order(sim), sim_get_order((uint64_t)min_objects * size));
	for (unsigned f = 16; f > 1 && !fraction; f /= 2)
		if (calc_slab_order(size, min_order, max_order, f) == order)
			fraction = f;
	SIM_NOTE((struct sim *)sim, "slub %s: %u-byte slots (object %u, aligned to %u), free pointer at offset %u",
		 s->name, size, s->object_size, s->align, s->offset);
	if (fraction && !sim_kver_before(sim, SIM_KERNEL_6_18))
		SIM_NOTE((struct sim *)sim, "slub %s: %u objects wanted (min_objects) need order %u; order %u leaves %u bytes, at most 1/%u of the slab: %u objects per slab",
			 s->name, min_objects, min_order, order, left, fraction, s->objects);
	else
		SIM_NOTE((struct sim *)sim, "slub %s: order %u: %u objects per slab, %u bytes left over",
			 s->name, order, s->objects, left);
}

/* calculate_sizes(): the slot layout of §6.2; false if no order fits */
static bool calculate_sizes(const struct sim *sim, struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned size = SIM_ALIGN(s->object_size, 8u);
	int order;

	/* poison the object itself only if nobody may touch it while free */
	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= SLAB_OBJECT_POISON;
	else
		s->flags &= ~(slab_flags_t)SLAB_OBJECT_POISON;

	/* red zoning needs a gap between object and free pointer */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += 8;
	s->inuse = size;

	if (((flags & SLAB_TYPESAFE_BY_RCU) && !s->args.use_freeptr_offset) ||
	    (flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) &&
	     (s->object_size < 8 ||
	      ((flags & SLAB_KMALLOC) && (flags & SLAB_STORE_USER))))) {
		/* the free pointer may not overwrite the object: after it */
		s->offset = size;
		size += 8;
	} else if ((flags & SLAB_TYPESAFE_BY_RCU) && s->args.use_freeptr_offset) {
		s->offset = s->args.freeptr_offset;
	} else {
		/* middle of the object, away from small over/underflows */
		s->offset = SIM_ALIGN_DOWN(s->object_size / 2, 8u);
	}

	if (flags & SLAB_STORE_USER) {
		size += 2 * 32;		/* struct track (with a stack depot handle), alloc + free */
		if (flags & SLAB_KMALLOC)
			size += 4;	/* orig_size of the kmalloc request */
	}
	s->red_left_pad = 0;
	if (flags & SLAB_RED_ZONE) {
		size += 8;		/* padding against writes before the next object */
		s->red_left_pad = SIM_ALIGN(8u, s->align);
		size += s->red_left_pad;
	}
	size = SIM_ALIGN(size, s->align);
	s->size = size;
	order = calculate_order(sim, size);
	if (order < 0)
		return false;
	s->allocflags = __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->order = (unsigned)order;
	s->objects = order_objects((unsigned)order, size);
	s->min_order = sim_get_order(size);
	s->min_objects = order_objects(s->min_order, size);
	if (unlikely(sim_listening(sim)) && s->objects)
		slub_note_geometry(sim, s);
	return s->objects != 0;
}

/* set_cpu_partial() and slub_set_cpu_partial() */
static void set_cpu_partial(struct kmem_cache *s, bool has_cpu_partial)
{
	unsigned nr_objects;

	if (!has_cpu_partial)
		nr_objects = 0;
	else if (s->size >= SIM_PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial = nr_objects;
	/* the real limit: slabs, assuming they are half full */
	s->cpu_partial_slabs = SIM_DIV_ROUND_UP(nr_objects * 2, s->objects);
}

/* ---- Node partial lists ---- */

static void add_partial(struct slub_node *n, struct slab *slab, int tail)
{
	struct slub_slab *p = ss(slab);

	SIM_ASSERT(!p->on_partial);
	n->nr_partial++;
	if (tail) {
		p->prev = n->tail;
		p->next = NULL;
		if (n->tail)
			ss(n->tail)->next = slab;
		else
			n->head = slab;
		n->tail = slab;
	} else {
		p->next = n->head;
		p->prev = NULL;
		if (n->head)
			ss(n->head)->prev = slab;
		else
			n->tail = slab;
		n->head = slab;
	}
	p->on_partial = 1;
}

static void remove_partial(struct slub_node *n, struct slab *slab)
{
	struct slub_slab *p = ss(slab);

	SIM_ASSERT(p->on_partial);
	if (p->prev)
		ss(p->prev)->next = p->next;
	else
		n->head = p->next;
	if (p->next)
		ss(p->next)->prev = p->prev;
	else
		n->tail = p->prev;
	p->prev = p->next = NULL;
	p->on_partial = 0;
	n->nr_partial--;
}

/* ---- Slabs from and to the page allocator ---- */

/*
 * shuffle_freelist() (CONFIG_SLAB_FREELIST_RANDOM): the freelist follows the
 * cache's random permutation from a random start, skipping indices a
 * min-order slab does not have; the draw comes from the simulator's PRNG.
 */
static bool shuffle_freelist(struct sim *sim, const struct kmem_cache *s,
			     struct slab *slab, unsigned objects)
{
	const struct slub_cache *sc = slub_cache(s);
	unsigned count = s->objects, pos, prev = SLUB_END;

	if (objects < 2 || !sc->random_seq)
		return false;
	pos = (unsigned)rng_below(&sim->rng, count);	/* get_random_u32_below() */
	for (unsigned n = 0; n < objects;) {
		unsigned idx = sc->random_seq[pos];

		pos = pos + 1 < count ? pos + 1 : 0;
		if (idx >= objects)
			continue;	/* next_freelist_entry(): not in this slab */
		if (prev == SLUB_END)
			ss(slab)->freelist = (uint16_t)idx;
		else
			slab_slot(slab, prev)->link = (uint16_t)idx;
		prev = idx;
		n++;
	}
	slab_slot(slab, prev)->link = SLUB_END;
	return true;
}

/* allocate_slab(): order oo with NOWARN|NORETRY, then always s->min with the caller's flags */
static struct slab *new_slab(struct sim *sim, struct kmem_cache *s, gfp_t flags)
{
	struct slub_cache *sc = slub_cache(s);
	const gfp_t reclaim_mask = __GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS |
		__GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_NORETRY |
		__GFP_MEMALLOC | __GFP_NOMEMALLOC;
	const gfp_t constraint_mask = __GFP_HARDWALL | __GFP_THISNODE;
	unsigned order = s->order, objects = s->objects;
	struct slab *slab;
	gfp_t alloc_gfp;
	struct slub_slab *p;

	flags = kmalloc_fix_flags(sim, flags);
	flags = (flags & (reclaim_mask | constraint_mask)) | s->allocflags;
	alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~(gfp_t)__GFP_NOFAIL;
	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && order > s->min_order)
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~(gfp_t)__GFP_RECLAIM;
	slab = slab_new_pages(sim, s, order, alloc_gfp, SLAB_KIND_SLOTS,
			      s->red_left_pad, s->size, objects);
	if (!slab) {
		/*
		 * Always a second try, at s->min with the caller's own flags:
		 * the first one had __GFP_NORETRY (and no reclaim at all when
		 * the order was higher), so even at the same order this one
		 * may reclaim, compact and retry as the caller allows.
		 */
		order = s->min_order;
		objects = s->min_objects;
		slab = slab_new_pages(sim, s, order, flags, SLAB_KIND_SLOTS,
				      s->red_left_pad, s->size, objects);
		if (slab)
			stat(sc, ORDER_FALLBACK);
	}
	if (!slab)
		return NULL;
	p = ss(slab);
	if (!shuffle_freelist(sim, s, slab, objects)) {
		/* link every object in address order */
		for (uint32_t i = 0; i + 1 < objects; i++)
			slab_slot(slab, i)->link = (uint16_t)(i + 1);
		slab_slot(slab, objects - 1)->link = SLUB_END;
		p->freelist = 0;
	}
	p->inuse = 0;
	p->objects = (uint16_t)objects;
	p->frozen = 0;
	p->on_partial = 0;
	p->cpu_next = p->prev = p->next = NULL;
	if (s->ctor)
		slab_note_ctor(sim, s, objects);	/* ctor runs at slab creation */
	sim_charge(sim, COST_SLAB_NEW + (sim_time_t)COST_SLAB_OBJ_INIT * objects);
	SIM_NOTE(sim, "slub %s: new slab of order %u at pfn 0x%llx (%u objects)",
		 s->name, order, (unsigned long long)slab->pfn, objects);
	return slab;
}

static void inc_slabs_node(struct slub_cache *sc, struct slab *slab)
{
	struct slub_node *n = &sc->node[slab->node];

	n->nr_slabs++;
	n->total_objects += ss(slab)->objects;
}

/* discard_slab(): dec_slabs_node + free_slab */
static void discard_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_node *n = &sc->node[slab->node];

	n->nr_slabs--;
	n->total_objects -= ss(slab)->objects;
	sim_charge(sim, COST_SLAB_DISCARD);
	SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx freed to the page allocator",
		 s->name, (unsigned long long)slab->pfn);
	slab_free_pages(sim, slab);
}

/* ---- Per-CPU partial lists ---- */

/* __put_partials(): a chain back to the node lists, empties freed */
static void put_partials_chain(struct sim *sim, struct kmem_cache *s,
			       struct slab *chain)
{
	struct slub_cache *sc = slub_cache(s);
	struct slab *discard = NULL;

	while (chain) {
		struct slab *slab = chain;
		struct slub_slab *p = ss(slab);
		struct slub_node *n = &sc->node[slab->node];

		chain = p->cpu_next;
		p->cpu_next = NULL;
		if (!p->inuse && n->nr_partial >= s->min_partial) {
			p->cpu_next = discard;	/* a LIFO stack, freed below */
			discard = slab;
		} else {
			add_partial(n, slab, DEACTIVATE_TAIL);
			stat(sc, FREE_ADD_PARTIAL);
		}
	}
	while (discard) {
		struct slab *slab = discard;

		discard = ss(slab)->cpu_next;
		stat(sc, DEACTIVATE_EMPTY);
		discard_slab(sim, s, slab);
		stat(sc, FREE_SLAB);
	}
}

/* put_cpu_partial() when the chain has room: push @slab on it */
static inline void cpu_partial_push(struct slub_cpu *c, struct slab *slab)
{
	ss(slab)->cpu_next = c->partial;
	c->partial_slabs = c->partial ? (uint16_t)(c->partial_slabs + 1) : 1;
	c->partial = slab;
}

/* put_cpu_partial() of a free would drain the chain first */
static inline bool cpu_partial_full(const struct kmem_cache *s,
				    const struct slub_cpu *c)
{
	return c->partial && c->partial_slabs >= s->cpu_partial_slabs;
}

/* ---- Deactivation and flushing ---- */

/* deactivate_slab(): give up a cpu slab, splicing @freelist back */
static void deactivate_slab(struct sim *sim, struct kmem_cache *s,
			    struct slab *slab, uint16_t freelist)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_node *n = &sc->node[slab->node];
	struct slub_slab *p = ss(slab);
	int tail = DEACTIVATE_HEAD;
	unsigned free_delta = 0;
	uint16_t it, last = SLUB_END;

	if (p->freelist != SLUB_END) {
		stat(sc, DEACTIVATE_REMOTE_FREES);
		tail = DEACTIVATE_TAIL;
	}
	for (it = freelist; it != SLUB_END; it = slab_slot(slab, it)->link) {
		last = it;
		free_delta++;
	}
	SIM_ASSERT(p->frozen);
	p->frozen = 0;
	if (last != SLUB_END) {
		p->inuse -= (uint16_t)free_delta;
		slab_slot(slab, last)->link = p->freelist;
		p->freelist = freelist;
	}
	if (!p->inuse && n->nr_partial >= s->min_partial) {
		stat(sc, DEACTIVATE_EMPTY);
		discard_slab(sim, s, slab);
		stat(sc, FREE_SLAB);
	} else if (p->freelist != SLUB_END) {
		add_partial(n, slab, tail);
		stat(sc, tail ? DEACTIVATE_TO_TAIL : DEACTIVATE_TO_HEAD);
	} else {
		stat(sc, DEACTIVATE_FULL);
	}
}

static inline void slub_set_cpu_slab(struct slub_cpu *c, struct slab *slab)
{
	c->slab = slab;
	c->base = slab ? slab->obj_base : 0;	/* slab_address + first */
}

/* flush_slab() + put_partials_cpu() for one CPU */
static void flush_cpu_slab(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];

	if (c->slab) {
		struct slab *slab = c->slab;
		uint16_t freelist = c->freelist;

		slub_set_cpu_slab(c, NULL);
		c->freelist = SLUB_END;
		deactivate_slab(sim, s, slab, freelist);
		stat(sc, CPUSLAB_FLUSH);
	}
	if (c->partial) {
		struct slab *chain = c->partial;

		c->partial = NULL;
		c->partial_slabs = 0;
		put_partials_chain(sim, s, chain);
	}
}

static void slab_free_to_slab(struct sim *sim, struct kmem_cache *s,
			      unsigned cpu, struct slab *slab, uint32_t idx);
static void pcs_flush_all(struct sim *sim, struct kmem_cache *s, unsigned cpu);

/* flush_all(): every CPU flushes its sheaves, cpu slab and partial list */
static void flush_all(struct sim *sim, struct kmem_cache *s)
{
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		if (s->sheaf_capacity)
			pcs_flush_all(sim, s, cpu);
		flush_cpu_slab(sim, s, cpu);
	}
}

/* ---- Allocation ---- */

/* get_freelist(): take the slab's whole freelist for the cpu slab */
static uint16_t get_freelist(struct slab *slab)
{
	struct slub_slab *p = ss(slab);
	uint16_t freelist = p->freelist;

	p->freelist = SLUB_END;
	p->inuse = p->objects;
	p->frozen = freelist != SLUB_END;
	return freelist;
}

/* get_partial_node(): first usable slab, more onto the cpu partial list */
static struct slab *get_partial_node(struct sim *sim, struct kmem_cache *s,
				     unsigned cpu, struct slub_node *n)
{
	struct slub_cache *sc = slub_cache(s);
	struct slab *partial = NULL;
	unsigned partial_slabs = 0;
	struct slab *next;

	if (!n->nr_partial)
		return NULL;
	sim_charge(sim, COST_SLAB_PARTIAL);
	for (next = n->head; next;) {
		struct slab *slab = next;

		next = ss(slab)->next;
		remove_partial(n, slab);
		if (!partial) {
			partial = slab;
			stat(sc, ALLOC_FROM_PARTIAL);
			if (s->cpu_partial_slabs == 0)
				break;
		} else {
			cpu_partial_push(&sc->cpu[cpu], slab);
			stat(sc, CPU_PARTIAL_NODE);
			if (++partial_slabs > s->cpu_partial_slabs / 2)
				break;
		}
	}
	return partial;
}

/* get_partial(): the local node, then (NUMA) others with enough partials */
static struct slab *get_partial(struct sim *sim, struct kmem_cache *s,
				unsigned cpu)
{
	struct slub_cache *sc = slub_cache(s);
	unsigned local = slab_cpu_node(sim, cpu);
	unsigned nodes = slub_nr_nodes(sim);
	struct slab *slab = get_partial_node(sim, s, cpu, &sc->node[local]);

	if (slab || nodes == 1)
		return slab;
	/* get_any_partial(): get_cycles() % 1024 > ratio refuses (a counter here) */
	if (sc->cycles++ % 1024 > REMOTE_NODE_DEFRAG_RATIO)
		return NULL;
	for (unsigned k = 1; k < nodes; k++) {
		struct slub_node *n = &sc->node[(local + k) % nodes];

		if (n->nr_partial > s->min_partial) {
			slab = get_partial_node(sim, s, cpu, n);
			if (slab)
				return slab;
		}
	}
	return NULL;
}

/* the per-simulator state: almost everything is per cache */
struct slub_global {
	struct sim_ratelimit oom_rs;	/* slab_out_of_memory(): slub_oom_rs */
};

/* slab_out_of_memory() */
static void slab_out_of_memory(struct sim *sim, struct kmem_cache *s, gfp_t gfp,
			       unsigned cpu)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_global *sg = slab_policy_state(sim);
	char g[GFP_FORMAT_MAX];

	/* at most 10 reports per 5 s, like every DEFAULT_RATELIMIT site */
	if ((gfp & __GFP_NOWARN) || !sim_ratelimit(sim, &sg->oom_rs, "slab_out_of_memory"))
		return;
	gfp_format(gfp, g, sizeof g);
	sim_printk(sim, "SLUB: Unable to allocate memory on CPU %u (of node %u) on node -1, gfp=%#x(%s)",
		   cpu, slab_cpu_node(sim, cpu), gfp, g);
	sim_printk(sim, "  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u",
		   s->name, s->object_size, s->size, s->order, s->min_order);
	if (s->min_order > sim_get_order(s->object_size))
		sim_printk(sim, "  %s debugging increased min order, use slab_debug=O to disable.",
			   s->name);
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		const struct slub_node *n = &sc->node[nid];
		unsigned long free = 0;

		for (const struct slab *slab = n->head; slab; slab = css(slab)->next)
			free += css(slab)->objects - css(slab)->inuse;
		sim_printk(sim, "  node %u: slabs: %lu, objs: %lu, free: %lu", nid,
			   n->nr_slabs, n->total_objects, free);
	}
}

/* the debug-cache slow path: one object under the list lock */
static slub_noinline sim_addr_t slub_alloc_debug(struct sim *sim, struct kmem_cache *s,
				   gfp_t gfp, unsigned cpu, struct slab_objref *ref)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_node *n = &sc->node[slab_cpu_node(sim, cpu)];
	struct slab *slab = NULL;
	struct slub_slab *p;
	uint16_t obj;

	if (n->nr_partial) {
		/* alloc_single_from_partial() on the first partial slab */
		sim_charge(sim, COST_SLAB_PARTIAL);
		slab = n->head;
		p = ss(slab);
		obj = p->freelist;
		p->freelist = slab_slot(slab, obj)->link;
		p->inuse++;
		if (p->inuse == p->objects)
			remove_partial(n, slab);	/* add_full() */
		stat(sc, ALLOC_FROM_PARTIAL);
	} else {
		/* alloc_single_from_new_slab() */
		slab = new_slab(sim, s, gfp);
		if (!slab) {
			slab_out_of_memory(sim, s, gfp, cpu);
			return SIM_ADDR_NONE;
		}
		stat(sc, ALLOC_SLAB);
		p = ss(slab);
		obj = p->freelist;
		p->freelist = slab_slot(slab, obj)->link;
		p->inuse = 1;
		n = &sc->node[slab->node];
		if (p->inuse < p->objects)
			add_partial(n, slab, DEACTIVATE_HEAD);
		inc_slabs_node(sc, slab);
	}
	ref->slab = slab;
	ref->slot = obj;
	ref->path = SLAB_PATH_SLOW;
	return slub_obj_addr(s, slab, obj);
}

/* why ___slab_alloc() had to look further than c->freelist (--explain) */
enum slub_refill_why {
	SLUB_REFILL_FREELIST,	/* c->freelist had objects after all */
	SLUB_REFILL_REMOTE,	/* the objects freed to the cpu slab meanwhile */
	SLUB_REFILL_FULL,	/* the cpu slab is full: another slab */
	SLUB_REFILL_NOSLAB,	/* no cpu slab: another slab */
	SLUB_REFILL_WHY = 3,	/* mask of the above */
	SLUB_REFILL_CPU_PARTIAL = 4,	/* flag: the slab came off c->partial */
};

/* the first words of ___slab_alloc()'s narration: why it looked further */
static void slub_note_refill_why(struct sim *sim, const struct kmem_cache *s,
				 unsigned cpu, unsigned why)
{
	switch (why & SLUB_REFILL_WHY) {
	case SLUB_REFILL_REMOTE:
		SIM_NOTE(sim, "CPU %u's freelist is empty: takes the objects freed to its slab meanwhile", cpu);
		break;
	case SLUB_REFILL_FULL:
		SIM_NOTE(sim, "CPU %u's slab is full, no object freed to it meanwhile", cpu);
		break;
	case SLUB_REFILL_NOSLAB:
		SIM_NOTE(sim, "CPU %u has no slab of %s", cpu, s->name);
		break;
	}
}

/* load_freelist: the first object of the cpu slab's freelist @freelist */
static inline sim_addr_t slub_load_freelist(const struct kmem_cache *s,
					    struct slub_cpu *c, uint16_t freelist,
					    struct slab_objref *ref)
{
	SIM_ASSERT(ss(c->slab)->frozen);
	c->freelist = slab_slot(c->slab, freelist)->link;
	ref->slab = c->slab;
	ref->slot = freelist;
	ref->path = SLAB_PATH_SLOW;
	return c->base + (sim_addr_t)freelist * s->size;
}

/*
 * --explain and events of a refill slub_alloc_slow() did without calls:
 * told after the fact (nothing it did prints), in the order it happened.
 * Return: the object's address, so that the caller ends in a tail call.
 */
static slub_noinline sim_addr_t slub_note_refill(struct sim *sim, struct kmem_cache *s,
						 unsigned cpu, unsigned why,
						 const struct slab_objref *ref)
{
	struct slab *slab = ref->slab;

	slub_note_refill_why(sim, s, cpu, why);
	if (why & SLUB_REFILL_CPU_PARTIAL)
		SIM_NOTE(sim, "slub %s: cpu%u takes slab at pfn 0x%llx from its partial list",
			 s->name, cpu, (unsigned long long)slab->pfn);
	SIM_EVENT(sim, SLAB_REFILL, s->id, ss(slab)->objects, 0, 0);
	return slab->obj_base + (sim_addr_t)ref->slot * s->size;
}

/* ___slab_alloc() from new_slab: with no cpu partial slab, the node's
 * partial list, else a new slab */
static slub_noinline sim_addr_t slub_alloc_new_slab(struct sim *sim, struct kmem_cache *s,
						    gfp_t gfp, unsigned cpu,
						    struct slab_objref *ref, unsigned why)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];
	struct slab *slab;
	uint16_t freelist;
	sim_addr_t obj;

	slub_note_refill_why(sim, s, cpu, why);
	slab = get_partial(sim, s, cpu);
	if (slab) {
		SIM_NOTE(sim, "slub %s: cpu%u takes slab at pfn 0x%llx from the node partial list",
			 s->name, cpu, (unsigned long long)slab->pfn);
		freelist = get_freelist(slab);	/* freeze_slab() */
		SIM_BUG_ON(freelist == SLUB_END);
		goto retry_load_slab;
	}
	SIM_NOTE(sim, "no partial slab on CPU %u or its node: a new slab", cpu);

	slab = new_slab(sim, s, gfp);
	if (!slab) {
		slab_out_of_memory(sim, s, gfp, cpu);
		return SIM_ADDR_NONE;
	}
	stat(sc, ALLOC_SLAB);
	freelist = ss(slab)->freelist;
	ss(slab)->freelist = SLUB_END;
	ss(slab)->inuse = ss(slab)->objects;
	ss(slab)->frozen = 1;
	inc_slabs_node(sc, slab);

retry_load_slab:
	if (c->slab) {
		/* a cpu slab appeared meanwhile (not in a serial model, kept for form) */
		struct slab *flush = c->slab;
		uint16_t flush_freelist = c->freelist;

		slub_set_cpu_slab(c, NULL);
		c->freelist = SLUB_END;
		deactivate_slab(sim, s, flush, flush_freelist);
		stat(sc, CPUSLAB_FLUSH);
	}
	slub_set_cpu_slab(c, slab);
	obj = slub_load_freelist(s, c, freelist, ref);
	SIM_EVENT(sim, SLAB_REFILL, s->id, ss(slab)->objects, 0, 0);
	return obj;
}

/*
 * ___slab_alloc().  The common refills -- the cpu slab's objects freed
 * meanwhile, or the next slab of the CPU's partial chain -- make no call:
 * everything else, narration included, is a tail call, so this saves no
 * registers (issue 15: host time).
 */
static slub_noinline sim_addr_t slub_alloc_slow(struct sim *sim, struct kmem_cache *s,
				  gfp_t gfp, unsigned cpu, struct slab_objref *ref)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];
	struct slab *slab;
	uint16_t freelist;
	unsigned why = SLUB_REFILL_NOSLAB;
	sim_addr_t obj;

	stat(sc, ALLOC_SLOWPATH);
	sim_charge(sim, COST_SLAB_SLOWPATH);
	if (sc->debug)
		return slub_alloc_debug(sim, s, gfp, cpu, ref);

	slab = c->slab;
	if (slab) {
		freelist = c->freelist;
		if (freelist != SLUB_END) {
			why = SLUB_REFILL_FREELIST;
			goto load_freelist;
		}
		/* the objects other CPUs freed meanwhile */
		freelist = get_freelist(slab);
		if (freelist != SLUB_END) {
			stat(sc, ALLOC_REFILL);
			why = SLUB_REFILL_REMOTE;
			goto load_freelist;
		}
		slub_set_cpu_slab(c, NULL);
		stat(sc, DEACTIVATE_BYPASS);
		why = SLUB_REFILL_FULL;
	}

	/* new_slab: */
	if (!c->partial)
		return slub_alloc_new_slab(sim, s, gfp, cpu, ref, why);
	slab = c->partial;
	c->partial = ss(slab)->cpu_next;
	if (c->partial) {
		/* the next slab taken: its descriptor's two lines, a
		 * host miss each at scale, asked for now (host time) */
		slab_host_prefetch(c->partial);
		slab_host_prefetch((const char *)c->partial + 64);
	}
	c->partial_slabs--;	/* the next one's slab->slabs: one fewer */
	ss(slab)->cpu_next = NULL;
	slub_set_cpu_slab(c, slab);
	freelist = get_freelist(slab);
	SIM_BUG_ON(freelist == SLUB_END);
	stat(sc, CPU_PARTIAL_ALLOC);
	why |= SLUB_REFILL_CPU_PARTIAL;

load_freelist:
	obj = slub_load_freelist(s, c, freelist, ref);
	if (unlikely(sim_listening(sim)))
		return slub_note_refill(sim, s, cpu, why, ref);
	return obj;
}

/* slab_alloc_node() without sheaves: fast path, else ___slab_alloc() */
static inline sim_addr_t slub_alloc_slab(struct sim *sim, struct kmem_cache *s,
					 gfp_t gfp, unsigned cpu,
					 struct slab_objref *ref)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];
	uint16_t obj = c->freelist;

	if (likely(obj != SLUB_END)) {
		struct slab *slab = c->slab;

		c->freelist = slab_slot(slab, obj)->link;
		ref->slab = slab;
		ref->slot = obj;
		ref->path = SLAB_PATH_FAST;
		stat(sc, ALLOC_FASTPATH);
		sim_charge(sim, COST_SLAB_FASTPATH);
		return c->base + (sim_addr_t)obj * s->size;
	}
	return slub_alloc_slow(sim, s, gfp, cpu, ref);
}

/* ---- Sheaves (6.18) ---- */

static struct slub_sheaf *alloc_empty_sheaf(struct kmem_cache *s)
{
	struct slub_sheaf *sheaf = sim_xcalloc(1, sizeof *sheaf +
					       s->sheaf_capacity * sizeof(sim_addr_t));

	if (sheaf)
		stat(slub_cache(s), SHEAF_ALLOC);
	return sheaf;
}

static void free_empty_sheaf(struct kmem_cache *s, struct slub_sheaf *sheaf)
{
	free(sheaf);
	stat(slub_cache(s), SHEAF_FREE);
}

static struct slub_barn *slub_barn(struct kmem_cache *s, const struct sim *sim,
				   unsigned cpu)
{
	return &slub_cache(s)->node[slab_cpu_node(sim, cpu)].barn;
}

static bool barn_push(struct slub_sheaf ***arr, unsigned *nr, unsigned *cap,
		      struct slub_sheaf *sheaf)
{
	if (*nr == *cap) {
		unsigned ncap = *cap ? *cap * 2 : MAX_FULL_SHEAVES + 2;
		struct slub_sheaf **n = sim_xrealloc(*arr, ncap * sizeof *n);

		if (!n)
			return false;
		*arr = n;
		*cap = ncap;
	}
	(*arr)[(*nr)++] = sheaf;
	return true;
}

/* barn_get_empty_sheaf(): counts nothing (BARN_GET* are about full sheaves) */
static struct slub_sheaf *barn_get_empty_sheaf(struct slub_barn *barn)
{
	if (!barn->nr_empty)
		return NULL;
	return barn->empty[--barn->nr_empty];
}

static bool barn_put_empty_sheaf(struct slub_barn *barn, struct slub_sheaf *sheaf,
				 bool ignore_limit)
{
	if (!ignore_limit && barn->nr_empty >= MAX_EMPTY_SHEAVES)
		return false;
	return barn_push(&barn->empty, &barn->nr_empty, &barn->cap_empty, sheaf);
}

static bool barn_put_full_sheaf(struct slub_barn *barn, struct slub_sheaf *sheaf,
				bool ignore_limit)
{
	if (!ignore_limit && barn->nr_full >= MAX_FULL_SHEAVES)
		return false;
	return barn_push(&barn->full, &barn->nr_full, &barn->cap_full, sheaf);
}

/* barn_replace_empty_sheaf(): a full one for @empty, or NULL */
static struct slub_sheaf *barn_replace_empty_sheaf(struct kmem_cache *s,
						   struct slub_barn *barn,
						   struct slub_sheaf *empty)
{
	struct slub_sheaf *full;

	if (!barn->nr_full) {
		stat(slub_cache(s), BARN_GET_FAIL);
		return NULL;
	}
	full = barn->full[--barn->nr_full];
	if (!barn_put_empty_sheaf(barn, empty, true)) {
		barn->full[barn->nr_full++] = full;
		return NULL;
	}
	stat(slub_cache(s), BARN_GET);
	return full;
}

/*
 * barn_replace_full_sheaf(): an empty one for @full; *@too_many if refused
 * (-E2BIG).  The caller counts: BARN_PUT on success, BARN_PUT_FAIL at once
 * for too many full sheaves, but for "no empty sheaf" only if it cannot
 * allocate one either (__pcs_replace_full_main()'s put_fail).
 */
static struct slub_sheaf *barn_replace_full_sheaf(struct slub_barn *barn,
						  struct slub_sheaf *full,
						  bool *too_many)
{
	struct slub_sheaf *empty;

	*too_many = false;
	if (barn->nr_full >= MAX_FULL_SHEAVES) {
		*too_many = true;
		return NULL;
	}
	if (!barn->nr_empty)
		return NULL;
	empty = barn->empty[--barn->nr_empty];
	if (!barn_put_full_sheaf(barn, full, true)) {
		barn->empty[barn->nr_empty++] = empty;
		return NULL;
	}
	return empty;
}

/* free one object to its slab as do_slab_free() would from @cpu */
static void slub_free_obj(struct sim *sim, struct kmem_cache *s, unsigned cpu,
			  sim_addr_t obj)
{
	struct slab *slab = slab_of_addr(sim, obj);

	slab_free_to_slab(sim, s, cpu, slab, slub_obj_index(s, slab, obj));
}

/* __kmem_cache_free_bulk() of a sheaf's top @n objects, last first */
static void sheaf_flush_objects(struct sim *sim, struct kmem_cache *s,
				unsigned cpu, struct slub_sheaf *sheaf, unsigned n)
{
	while (n--)
		slub_free_obj(sim, s, cpu, sheaf->objects[--sheaf->size]);
}

/* sheaf_flush_unused() */
static void sheaf_flush_unused(struct sim *sim, struct kmem_cache *s,
			       unsigned cpu, struct slub_sheaf *sheaf)
{
	if (!sheaf->size)
		return;
	slub_cache(s)->stat[SHEAF_FLUSH] += sheaf->size;
	sheaf_flush_objects(sim, s, cpu, sheaf, sheaf->size);
}

/* sheaf_flush_main(): in batches of PCS_BATCH_MAX */
static bool sheaf_flush_main(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_sheaf *main = slub_cache(s)->cpu[cpu].main;
	bool ret = false;

	while (main->size) {
		unsigned batch = SIM_MIN(PCS_BATCH_MAX, main->size);

		slub_cache(s)->stat[SHEAF_FLUSH] += batch;
		sheaf_flush_objects(sim, s, cpu, main, batch);
		ret = true;
	}
	return ret;
}

/* pcs_flush_all(): spare flushed and freed, main flushed */
static void pcs_flush_all(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_cpu *c = &slub_cache(s)->cpu[cpu];
	struct slub_sheaf *spare = c->spare;

	c->spare = NULL;
	if (spare) {
		sheaf_flush_unused(sim, s, cpu, spare);
		free_empty_sheaf(s, spare);
	}
	sheaf_flush_main(sim, s, cpu);
}

/* barn_shrink(): flush and free every sheaf of the barn */
static void barn_shrink(struct sim *sim, struct kmem_cache *s,
			struct slub_barn *barn)
{
	unsigned cpu = slab_cpu(sim);

	while (barn->nr_full) {
		struct slub_sheaf *sheaf = barn->full[--barn->nr_full];

		sheaf_flush_unused(sim, s, cpu, sheaf);
		free_empty_sheaf(s, sheaf);
	}
	while (barn->nr_empty)
		free_empty_sheaf(s, barn->empty[--barn->nr_empty]);
}

/* refill_sheaf(): bulk-allocate the missing objects, all or nothing */
static bool refill_sheaf(struct sim *sim, struct kmem_cache *s, unsigned cpu,
			 struct slub_sheaf *sheaf, gfp_t gfp)
{
	unsigned to_fill = s->sheaf_capacity - sheaf->size, filled = 0;

	while (filled < to_fill) {
		struct slab_objref ref;
		sim_addr_t obj = slub_alloc_slab(sim, s, gfp, cpu, &ref);

		if (obj == SIM_ADDR_NONE) {
			/* __kmem_cache_alloc_bulk() frees what it got */
			while (filled--)
				slub_free_obj(sim, s, cpu, sheaf->objects[--sheaf->size]);
			return false;
		}
		sheaf->objects[sheaf->size++] = obj;
		filled++;
	}
	slub_cache(s)->stat[SHEAF_REFILL] += filled;
	return true;
}

/* alloc_from_pcs(): SIM_ADDR_NONE means "use the slab path" */
static sim_addr_t alloc_from_pcs(struct sim *sim, struct kmem_cache *s,
				 gfp_t gfp, unsigned cpu)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];
	struct slub_barn *barn = slub_barn(s, sim, cpu);

	if (unlikely(c->main->size == 0)) {
		struct slub_sheaf *empty = NULL, *full;
		bool can_alloc;

		if (c->spare && c->spare->size > 0) {
			struct slub_sheaf *t = c->main;

			stat(sc, SHEAF_SWAP);
			c->main = c->spare;
			c->spare = t;
			goto do_alloc;
		}
		full = barn_replace_empty_sheaf(s, barn, c->main);
		if (full) {
			c->main = full;
			goto do_alloc;
		}
		can_alloc = gfp_allows_blocking(gfp);
		if (!can_alloc)
			return SIM_ADDR_NONE;
		if (c->spare) {
			empty = c->spare;
			c->spare = NULL;
		} else {
			empty = barn_get_empty_sheaf(barn);
		}
		if (empty) {
			if (refill_sheaf(sim, s, cpu, empty, gfp)) {
				full = empty;
			} else {
				free_empty_sheaf(s, empty);
				return SIM_ADDR_NONE;
			}
		} else {
			full = alloc_empty_sheaf(s);
			if (full && !refill_sheaf(sim, s, cpu, full, gfp)) {
				free_empty_sheaf(s, full);
				full = NULL;
			}
		}
		if (!full)
			return SIM_ADDR_NONE;
		/* install it: main is empty here */
		if (c->main->size == 0) {
			barn_put_empty_sheaf(barn, c->main, true);
			c->main = full;
		} else if (!c->spare) {
			c->spare = full;
		} else if (c->spare->size == 0) {
			barn_put_empty_sheaf(barn, c->spare, true);
			c->spare = full;
		} else {
			barn_put_full_sheaf(barn, full, true);
			stat(sc, BARN_PUT);
		}
	}
do_alloc:
	stat(sc, ALLOC_PCS);
	sim_charge(sim, COST_SLAB_FASTPATH);
	return c->main->objects[--c->main->size];
}

/* __pcs_install_empty_sheaf() */
static void pcs_install_empty_sheaf(struct kmem_cache *s, struct slub_cpu *c,
				    struct slub_barn *barn, struct slub_sheaf *empty)
{
	if (!c->spare) {
		c->spare = c->main;
		c->main = empty;
		return;
	}
	if (c->main->size < s->sheaf_capacity) {
		barn_put_empty_sheaf(barn, empty, true);
		return;
	}
	if (c->spare->size < s->sheaf_capacity) {
		struct slub_sheaf *t = c->main;

		stat(slub_cache(s), SHEAF_SWAP);
		c->main = c->spare;
		c->spare = t;
		barn_put_empty_sheaf(barn, empty, true);
		return;
	}
	/* barn_replace_full_sheaf() found no empty sheaf; we made one */
	barn_put_full_sheaf(barn, c->main, true);
	stat(slub_cache(s), BARN_PUT);
	c->main = empty;
}

/* free_to_pcs(): false means "free to the slab" */
static bool free_to_pcs(struct sim *sim, struct kmem_cache *s, unsigned cpu,
			sim_addr_t obj)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];
	struct slub_barn *barn = slub_barn(s, sim, cpu);

restart:
	if (unlikely(c->main->size == s->sheaf_capacity)) {
		struct slub_sheaf *empty;
		bool too_many, put_fail = false;

		if (!c->spare) {
			empty = barn_get_empty_sheaf(barn);
			if (empty) {
				c->spare = c->main;
				c->main = empty;
				goto do_free;
			}
			goto alloc_empty;
		}
		if (c->spare->size < s->sheaf_capacity) {
			struct slub_sheaf *t = c->main;

			stat(sc, SHEAF_SWAP);
			c->main = c->spare;
			c->spare = t;
			goto do_free;
		}
		empty = barn_replace_full_sheaf(barn, c->main, &too_many);
		if (empty) {
			stat(sc, BARN_PUT);
			c->main = empty;
			goto do_free;
		}
		if (too_many) {
			/* the spare exists and is full: flush it and reuse it */
			struct slub_sheaf *to_flush = c->spare;

			stat(sc, BARN_PUT_FAIL);
			c->spare = NULL;
			sheaf_flush_unused(sim, s, cpu, to_flush);
			pcs_install_empty_sheaf(s, c, barn, to_flush);
			goto do_free;
		}
		put_fail = true;	/* counted only if no sheaf can be allocated */
alloc_empty:
		empty = alloc_empty_sheaf(s);
		if (!empty) {
			if (put_fail)
				stat(sc, BARN_PUT_FAIL);
			if (sheaf_flush_main(sim, s, cpu))
				goto restart;
			return false;
		}
		pcs_install_empty_sheaf(s, c, barn, empty);
	}
do_free:
	c->main->objects[c->main->size++] = obj;
	stat(sc, FREE_PCS);
	sim_charge(sim, COST_SLAB_FASTPATH);
	return true;
}

/* ---- Free ---- */

/* free_to_partial_list(): a debug cache's free, under the list lock (SLAB_PATH_SLOW) */
static slub_noinline int free_to_partial_list(struct sim *sim, struct kmem_cache *s,
				 struct slab *slab, uint32_t idx)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_node *n = &sc->node[slab->node];
	struct slub_slab *p = ss(slab);
	uint16_t prior = p->freelist;
	bool slab_free = false;

	p->inuse--;
	slab_slot(slab, idx)->link = prior;
	p->freelist = (uint16_t)idx;
	if (p->inuse == 0 && n->nr_partial >= s->min_partial)
		slab_free = true;
	if (prior == SLUB_END) {
		/* was full (remove_full) */
		if (!slab_free) {
			add_partial(n, slab, DEACTIVATE_TAIL);
			stat(sc, FREE_ADD_PARTIAL);
		}
	} else if (slab_free) {
		remove_partial(n, slab);
		stat(sc, FREE_REMOVE_PARTIAL);
	}
	if (slab_free) {
		stat(sc, FREE_SLAB);
		discard_slab(sim, s, slab);
	}
	return SLAB_PATH_SLOW;
}

/* the CPU whose cpu slab @slab is, or -1 (--explain only: a walk) */
static int slub_frozen_owner(const struct sim *sim, const struct slub_cache *sc,
			     const struct slab *slab)
{
	for (unsigned cpu = 0; cpu < sim_nr_cpus(sim); cpu++)
		if (sc->cpu[cpu].slab == slab)
			return (int)cpu;
	return -1;
}

/*
 * --explain: where a slow-path free left the object and its slab, in the
 * terms of the lists (the decision is slab_free_slow()'s, this only
 * describes the state it produced).  Return: SLAB_PATH_SLOW, so that the
 * free paths can end in a tail call to it.
 */
static slub_noinline int slub_note_free(struct sim *sim, struct kmem_cache *s,
					struct slab *slab, bool was_frozen, bool was_full)
{
	const struct slub_cache *sc = slub_cache(s);
	const struct slub_slab *p = ss(slab);
	const struct slub_node *n = &sc->node[slab->node];
	unsigned long long pfn = (unsigned long long)slab->pfn;

	if (was_frozen) {
		int cpu = slub_frozen_owner(sim, sc, slab);

		if (cpu >= 0)
			SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx is CPU %d's slab (frozen), not this CPU's: the object goes on the slab's own freelist",
				 s->name, pfn, cpu);
		else
			SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx is frozen: the object goes on the slab's own freelist",
				 s->name, pfn);
	} else if (was_full && sc->cpu_partial_on) {
		SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx was full (on no list): with its first free object it goes to CPU %u's partial list",
			 s->name, pfn, sim->cur_cpu);
	} else if (was_full) {
		SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx was full (on no list): with its first free object it goes to the tail of node %u's partial list",
			 s->name, pfn, slab->node);
	} else if (!p->on_partial) {
		SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx is on a CPU's partial list: the object goes on its freelist (%u of %u objects in use)",
			 s->name, pfn, p->inuse, p->objects);
	} else if (!p->inuse) {
		SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx is empty but stays on node %u's partial list (%lu partial slabs, min_partial %lu)",
			 s->name, pfn, slab->node, (unsigned long)n->nr_partial,
			 s->min_partial);
	} else {
		SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx stays on node %u's partial list (%u of %u objects in use)",
			 s->name, pfn, slab->node, p->inuse, p->objects);
	}
	return SLAB_PATH_SLOW;
}

/*
 * put_cpu_partial() of a free onto a full chain: the chain goes to the node
 * first.  Out of line, as are the node list moves below, so that the
 * common slow frees -- into a frozen slab, into a partly free one, or the
 * first free into a full slab, pushed on the CPU's chain -- leave
 * slab_free_slow() a leaf without saved registers (issue 15: host time).
 */
static slub_noinline int put_cpu_partial_drain(struct sim *sim, struct kmem_cache *s,
					       unsigned cpu, struct slab *slab)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];
	struct slab *to_put = c->partial;

	if (unlikely(sim_listening(sim)))
		slub_note_free(sim, s, slab, false, true);
	c->partial = NULL;
	cpu_partial_push(c, slab);
	SIM_NOTE(sim, "slub %s: cpu%u partial list full (%u slabs), drained to the node",
		 s->name, cpu, s->cpu_partial_slabs);
	put_partials_chain(sim, s, to_put);
	stat(sc, CPU_PARTIAL_DRAIN);
	stat(sc, CPU_PARTIAL_FREE);
	return SLAB_PATH_SLOW;
}

/* a free into unfrozen @slab that was full (@prior SLUB_END) without cpu
 * partial lists, or that left it empty: its node's partial list */
static slub_noinline int slab_free_to_node(struct sim *sim, struct kmem_cache *s,
					   struct slab *slab, uint16_t prior)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_slab *p = ss(slab);
	struct slub_node *n = &sc->node[slab->node];
	bool on_node_partial = p->on_partial;

	if (unlikely(sim_listening(sim)) &&
	    !((prior == SLUB_END || on_node_partial) && !p->inuse &&
	      n->nr_partial >= s->min_partial))	/* slab_empty narrates that */
		slub_note_free(sim, s, slab, false, prior == SLUB_END);
	/* partly free but not on the node list: a per-CPU partial slab */
	if (prior != SLUB_END && !on_node_partial)
		return SLAB_PATH_SLOW;
	if (!p->inuse && n->nr_partial >= s->min_partial)
		goto slab_empty;
	if (prior == SLUB_END) {
		add_partial(n, slab, DEACTIVATE_TAIL);
		stat(sc, FREE_ADD_PARTIAL);
	}
	return SLAB_PATH_SLOW;
slab_empty:
	SIM_NOTE(sim, "slub %s: slab at pfn 0x%llx is empty and node %u has %lu partial slabs (min_partial %lu): it goes back",
		 s->name, (unsigned long long)slab->pfn, slab->node,
		 (unsigned long)n->nr_partial, s->min_partial);
	if (prior != SLUB_END) {
		remove_partial(n, slab);
		stat(sc, FREE_REMOVE_PARTIAL);
	}
	stat(sc, FREE_SLAB);
	discard_slab(sim, s, slab);
	return SLAB_PATH_SLOW;
}

/*
 * __slab_free(): the slow path of a free, one object (SLAB_PATH_SLOW).
 * What calls out is a tail call (see put_cpu_partial_drain()).
 */
static slub_noinline int slab_free_slow(struct sim *sim, struct kmem_cache *s, unsigned cpu,
			   struct slab *slab, uint32_t idx)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_slab *p = ss(slab);
	uint16_t prior;
	bool was_frozen;

	stat(sc, FREE_SLOWPATH);
	sim_charge(sim, COST_SLAB_SLOWPATH);
	if (sc->debug)
		return free_to_partial_list(sim, s, slab, idx);
	prior = p->freelist;
	slab_slot(slab, idx)->link = prior;
	p->freelist = (uint16_t)idx;
	p->inuse--;
	was_frozen = p->frozen;
	if (was_frozen) {
		stat(sc, FREE_FROZEN);
	} else if (prior == SLUB_END && sc->cpu_partial_on) {
		/* a full slab gets its first free: onto our partial list */
		if (cpu_partial_full(s, &sc->cpu[cpu]))
			return put_cpu_partial_drain(sim, s, cpu, slab);
		cpu_partial_push(&sc->cpu[cpu], slab);
		stat(sc, CPU_PARTIAL_FREE);
	} else if (prior == SLUB_END || !p->inuse) {
		return slab_free_to_node(sim, s, slab, prior);
	}
	/* else partly free, on a CPU's partial chain or its node's list: stays */
	if (unlikely(sim_listening(sim)))
		return slub_note_free(sim, s, slab, was_frozen, prior == SLUB_END);
	return SLAB_PATH_SLOW;
}

/* do_slab_free(): onto c->freelist if it is our cpu slab */
static inline void slab_free_to_slab(struct sim *sim, struct kmem_cache *s,
				     unsigned cpu, struct slab *slab, uint32_t idx)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[cpu];

	if (likely(slab == c->slab)) {
		slab_slot(slab, idx)->link = c->freelist;
		c->freelist = (uint16_t)idx;
		stat(sc, FREE_FASTPATH);
		sim_charge(sim, COST_SLAB_FASTPATH);
		return;
	}
	slab_free_slow(sim, s, cpu, slab, idx);
}

/* ---- The ops ---- */

/*
 * The fast paths stay tiny (no calls, so no saved registers); anything
 * else is a tail call into the out-of-line rest.
 */
static slub_noinline int slub_free_rest(struct sim *sim, struct kmem_cache *s,
					sim_addr_t obj, const struct slab_objref *ref)
{
	unsigned cpu = sim->cur_cpu;
	struct slab *slab = ref->slab;

	if (s->sheaf_capacity && slab->node == slab_cpu_node(sim, cpu) &&
	    free_to_pcs(sim, s, cpu, obj))
		return SLAB_PATH_FAST;
	if (slab == slub_cache(s)->cpu[cpu].slab) {
		slab_free_to_slab(sim, s, cpu, slab, ref->slot);
		return SLAB_PATH_FAST;
	}
	slab_free_to_slab(sim, s, cpu, slab, ref->slot);
	return SLAB_PATH_SLOW;
}

/* slab_free() -> do_slab_free(): onto c->freelist if it is our cpu slab */
static int slub_free(struct sim *sim, struct kmem_cache *s, sim_addr_t obj,
		     const struct slab_objref *ref)
{
	struct slub_cache *sc = slub_cache(s);
	struct slub_cpu *c = &sc->cpu[sim->cur_cpu];
	struct slab *slab = ref->slab;

	if (likely(!s->sheaf_capacity)) {
		if (likely(slab == c->slab)) {
			slab_slot(slab, ref->slot)->link = c->freelist;
			c->freelist = (uint16_t)ref->slot;
			stat(sc, FREE_FASTPATH);
			sim_charge(sim, COST_SLAB_FASTPATH);
			return SLAB_PATH_FAST;
		}
		/* slab_free_to_slab() of another slab: a tail call, one frame */
		return slab_free_slow(sim, s, sim->cur_cpu, slab, ref->slot);
	}
	return slub_free_rest(sim, s, obj, ref);
}

static slub_noinline sim_addr_t slub_alloc_rest(struct sim *sim,
						struct kmem_cache *s, gfp_t gfp,
						struct slab_objref *ref)
{
	unsigned cpu = sim->cur_cpu;

	if (s->sheaf_capacity) {
		sim_addr_t obj = alloc_from_pcs(sim, s, gfp, cpu);

		if (obj != SIM_ADDR_NONE) {
			struct slab *slab = slab_of_addr(sim, obj);

			ref->slab = slab;
			ref->slot = slub_obj_index(s, slab, obj);
			ref->path = SLAB_PATH_FAST;
			return obj;
		}
	}
	return slub_alloc_slab(sim, s, gfp, cpu, ref);
}

/* slab_alloc_node(): sheaves first if any, then the cpu freelist, then slow */
static sim_addr_t slub_alloc(struct sim *sim, struct kmem_cache *s, gfp_t gfp,
			     struct slab_objref *ref)
{
	/* slub_alloc_slab() is inlined here: its slow path is a tail call */
	if (likely(!s->sheaf_capacity))
		return slub_alloc_slab(sim, s, gfp, sim->cur_cpu, ref);
	return slub_alloc_rest(sim, s, gfp, ref);
}

/* __kmem_cache_do_shrink() for one node */
static void slub_shrink_node(struct sim *sim, struct kmem_cache *s,
			     struct slub_node *n)
{
	struct slab *bucket_head[SHRINK_PROMOTE_MAX], *bucket_tail[SHRINK_PROMOTE_MAX];
	struct slab *discard = NULL, *keep_head, *keep_tail, *next;

	for (int i = 0; i < SHRINK_PROMOTE_MAX; i++)
		bucket_head[i] = bucket_tail[i] = NULL;
	if (n->barn.nr_full || n->barn.nr_empty)
		barn_shrink(sim, s, &n->barn);
	/* walk the list; list_move() puts each slab at the head of its target */
	next = n->head;
	while (next) {
		struct slab *slab = next;
		struct slub_slab *p = ss(slab);
		unsigned free = p->objects - p->inuse;

		next = p->next;
		SIM_BUG_ON(free == 0);	/* no full slabs on the list */
		if (free == p->objects) {
			remove_partial(n, slab);
			p->cpu_next = discard;
			discard = slab;
			n->nr_slabs--;
			n->total_objects -= p->objects;
		} else if (free <= SHRINK_PROMOTE_MAX) {
			remove_partial(n, slab);
			p->on_partial = 1;	/* still on the node, re-linked below */
			p->next = bucket_head[free - 1];
			p->prev = NULL;
			if (!bucket_head[free - 1])
				bucket_tail[free - 1] = slab;
			else
				ss(bucket_head[free - 1])->prev = slab;
			bucket_head[free - 1] = slab;
			n->nr_partial++;
		}
	}
	/* what stayed on the list (more than 32 free) keeps its order */
	keep_head = n->head;
	keep_tail = n->tail;
	/* splice buckets 31..0 at the head: fullest (fewest free) first */
	for (int i = SHRINK_PROMOTE_MAX - 1; i >= 0; i--) {
		if (!bucket_head[i])
			continue;
		ss(bucket_tail[i])->next = keep_head;
		if (keep_head)
			ss(keep_head)->prev = bucket_tail[i];
		else
			keep_tail = bucket_tail[i];
		keep_head = bucket_head[i];
	}
	n->head = keep_head;
	n->tail = keep_tail;
	/* release empty slabs (discard list order: last moved first) */
	while (discard) {
		struct slab *slab = discard;

		discard = ss(slab)->cpu_next;
		ss(slab)->cpu_next = NULL;
		sim_charge(sim, COST_SLAB_DISCARD);
		slab_free_pages(sim, slab);
	}
}

static unsigned long slub_shrink(struct sim *sim, struct kmem_cache *s)
{
	struct slub_cache *sc = slub_cache(s);
	uint64_t before = s->acct.pages;

	flush_all(sim, s);
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++)
		slub_shrink_node(sim, s, &sc->node[nid]);
	return (unsigned long)(before - s->acct.pages);
}

/* __kmem_cache_shutdown(): flush, free every empty partial slab */
static void slub_shutdown(struct sim *sim, struct kmem_cache *s)
{
	struct slub_cache *sc = slub_cache(s);

	/* barns first: their objects must not land on a flushed CPU's list */
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++)
		barn_shrink(sim, s, &sc->node[nid].barn);
	flush_all(sim, s);
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		struct slub_node *n = &sc->node[nid];
		struct slab *discard = NULL, *next = n->head;

		while (next) {
			struct slab *slab = next;

			next = ss(slab)->next;
			if (!ss(slab)->inuse) {
				remove_partial(n, slab);
				ss(slab)->cpu_next = discard;
				discard = slab;
			}
		}
		while (discard) {
			struct slab *slab = discard;

			discard = ss(slab)->cpu_next;
			discard_slab(sim, s, slab);
		}
	}
}

static int slub_cache_init(struct sim *sim, struct kmem_cache *s)
{
	struct slub_cache *sc = slub_cache(s);

	sc->node = (struct slub_node *)&sc->cpu[sim->cfg.cpus];
	if (!calculate_sizes(sim, s))
		goto bad;
	if (slab_debug_disable_higher_order(sim) &&
	    sim_get_order(s->size) > sim_get_order(s->object_size)) {
		/* slub_debug=O: no metadata if it raises the min order */
		s->flags &= ~(slab_flags_t)DEBUG_METADATA_FLAGS;
		s->offset = 0;
		if (!calculate_sizes(sim, s))
			goto bad;
	}
	/* the larger the objects, the more empty slabs worth keeping */
	s->min_partial = SIM_CLAMP(sim_ilog2(s->size) / 2, (unsigned)MIN_PARTIAL,
				   (unsigned)MAX_PARTIAL);
	sc->debug = (s->flags & SLAB_DEBUG_FLAGS) != 0;
	/* SLUB_CPU_PARTIAL depends on SMP: a uniprocessor kernel has none */
	sc->cpu_partial_on = !sc->debug && sim_smp(sim);
	set_cpu_partial(s, sc->cpu_partial_on);
	if (s->sheaf_capacity && sc->debug)
		s->sheaf_capacity = 0;	/* sheaves are not set up for debug caches */
	sc->random_seq = NULL;
	if (sim->cfg.freelist_random && s->objects >= 2) {
		/* init_cache_random_seq() -> freelist_randomize(): Fisher-Yates */
		sc->random_seq = sim_xmalloc(s->objects * sizeof *sc->random_seq);
		if (!sc->random_seq)
			goto nomem;
		for (unsigned i = 0; i < s->objects; i++)
			sc->random_seq[i] = (uint16_t)i;
		for (unsigned i = s->objects - 1; i > 0; i--) {
			unsigned r = (unsigned)rng_below(&sim->rng, i + 1);
			uint16_t t = sc->random_seq[i];

			sc->random_seq[i] = sc->random_seq[r];
			sc->random_seq[r] = t;
		}
	}
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		struct slub_cpu *c = &sc->cpu[cpu];

		c->slab = NULL;
		c->base = 0;
		c->freelist = SLUB_END;
		c->partial = NULL;
		c->partial_slabs = 0;
		c->main = c->spare = NULL;
		if (s->sheaf_capacity) {
			c->main = alloc_empty_sheaf(s);
			if (!c->main)
				goto nomem;
		}
	}
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		struct slub_node *n = &sc->node[nid];

		n->head = n->tail = NULL;
		n->nr_partial = n->nr_slabs = n->total_objects = 0;
	}
	return SIM_OK;
bad:
	return sim_set_reason(sim, SIM_EINVAL,
			      "kmem_cache_create(%s): no slab order up to %u fits %u-byte objects",
			      s->name, SIM_MAX_ORDER, s->object_size);
nomem:
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++)
		free(sc->cpu[cpu].main);
	free(sc->random_seq);
	sc->random_seq = NULL;
	return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
}

/* bytes of s->priv: struct slub_cache and its per-CPU and per-node parts */
static size_t slub_cache_priv_size(const struct sim *sim)
{
	return sizeof(struct slub_cache) +
	       (size_t)sim->cfg.cpus * sizeof(struct slub_cpu) +
	       (size_t)sim->cfg.nodes * sizeof(struct slub_node);
}

static void slub_cache_destroy(struct sim *sim, struct kmem_cache *s)
{
	struct slub_cache *sc = slub_cache(s);

	free(sc->random_seq);
	sc->random_seq = NULL;
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		free(sc->cpu[cpu].main);
		free(sc->cpu[cpu].spare);
		sc->cpu[cpu].main = sc->cpu[cpu].spare = NULL;
	}
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		struct slub_barn *b = &sc->node[nid].barn;

		for (unsigned i = 0; i < b->nr_full; i++)
			free(b->full[i]);
		for (unsigned i = 0; i < b->nr_empty; i++)
			free(b->empty[i]);
		free(b->full);
		free(b->empty);
		memset(b, 0, sizeof *b);
	}
}

/* get_slabinfo() with count_partial_free_approx() */
static void slub_slabinfo(const struct sim *sim, const struct kmem_cache *s,
			  struct slabinfo *out)
{
	const struct slub_cache *sc = slub_cache(s);
	unsigned long nr_slabs = 0, nr_objs = 0, nr_free = 0;

	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		const struct slub_node *n = &sc->node[nid];
		unsigned long x = 0, scanned = 0;
		const struct slab *slab;

		nr_slabs += n->nr_slabs;
		nr_objs += n->total_objects;
		if (n->nr_partial <= MAX_PARTIAL_TO_SCAN) {
			for (slab = n->head; slab; slab = css(slab)->next) {
				const struct slub_slab *p = css(slab);

				x += p->objects - p->inuse;
			}
		} else {
			for (slab = n->head; slab; slab = css(slab)->next) {
				const struct slub_slab *p = css(slab);

				x += p->objects - p->inuse;
				if (++scanned == MAX_PARTIAL_TO_SCAN / 2)
					break;
			}
			for (slab = n->tail; slab; slab = css(slab)->prev) {
				const struct slub_slab *p = css(slab);

				x += p->objects - p->inuse;
				if (++scanned == MAX_PARTIAL_TO_SCAN)
					break;
			}
			/* mult_frac(x, nr_partial, scanned) */
			x = (x / scanned) * n->nr_partial + ((x % scanned) * n->nr_partial) / scanned;
			x = SIM_MIN(x, n->total_objects);
		}
		nr_free += x;
	}
	out->active_objs = nr_objs - nr_free;
	out->num_objs = nr_objs;
	out->active_slabs = nr_slabs;
	out->num_slabs = nr_slabs;
	out->objects_per_slab = s->objects;
	out->cache_order = s->order;
	out->limit = out->batchcount = out->shared = 0;
	out->shared_avail = 0;
}

static void slub_stats(const struct sim *sim, const struct kmem_cache *s,
		       struct slab_policy_stats *out)
{
	const struct slub_cache *sc = slub_cache(s);

	memset(out, 0, sizeof *out);
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		const struct slub_node *n = &sc->node[nid];

		out->partial_slabs += n->nr_partial;
		for (const struct slab *slab = n->head; slab; slab = css(slab)->next) {
			const struct slub_slab *p = css(slab);

			out->free_in_partial += p->objects - p->inuse;
		}
		for (unsigned i = 0; i < n->barn.nr_full; i++)
			out->cached += n->barn.full[i]->size;
	}
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		const struct slub_cpu *c = &sc->cpu[cpu];

		for (uint16_t i = c->freelist; i != SLUB_END;
		     i = slab_slot(c->slab, i)->link)
			out->cached++;
		if (c->slab)
			for (uint16_t i = ss(c->slab)->freelist; i != SLUB_END;
			     i = slab_slot(c->slab, i)->link)
				out->cached++;
		for (const struct slab *slab = c->partial; slab; slab = css(slab)->cpu_next) {
			const struct slub_slab *p = css(slab);

			out->cached += p->objects - p->inuse;
		}
		if (c->main)
			out->cached += c->main->size;
		if (c->spare)
			out->cached += c->spare->size;
	}
}

static size_t slub_info_fields(const struct sim *sim, const struct kmem_cache *s,
			       struct sim_field *out, size_t max)
{
	const struct sim_field f[] = {
		{ "slab_size", s->size },
		{ "objs_per_slab", s->objects },
		{ "min_order", s->min_order },
		{ "min_objects", s->min_objects },
		{ "hwcache_align", !!(s->flags & SLAB_HWCACHE_ALIGN) },
		{ "reclaim_account", !!(s->flags & SLAB_RECLAIM_ACCOUNT) },
		{ "cache_dma", !!(s->flags & SLAB_CACHE_DMA) },
		{ "destroy_by_rcu", !!(s->flags & SLAB_TYPESAFE_BY_RCU) },
		{ "sanity_checks", !!(s->flags & SLAB_CONSISTENCY_CHECKS) },
		{ "red_zone", !!(s->flags & SLAB_RED_ZONE) },
		{ "poison", !!(s->flags & SLAB_POISON) },
		{ "store_user", !!(s->flags & SLAB_STORE_USER) },
		{ "trace", !!(s->flags & SLAB_TRACE) },
		{ "remote_node_defrag_ratio", REMOTE_NODE_DEFRAG_RATIO / 10 },
	};
	size_t n = SIM_MIN(ARRAY_SIZE(f), max);

	(void)sim;
	memcpy(out, f, n * sizeof *out);
	return n;
}

static size_t slub_stat_fields(const struct sim *sim, const struct kmem_cache *s,
			       struct sim_field *out, size_t max)
{
	const struct slub_cache *sc = slub_cache(s);
	size_t n = 0;
	uint64_t cpu_slabs = 0, cpu_partial_slabs = 0, nr_partial = 0;

	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		cpu_slabs += sc->cpu[cpu].slab != NULL;
		for (const struct slab *slab = sc->cpu[cpu].partial; slab;
		     slab = css(slab)->cpu_next)
			cpu_partial_slabs++;
	}
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++)
		nr_partial += sc->node[nid].nr_partial;
	if (n < max)
		out[n++] = (struct sim_field){ "partial", nr_partial };
	if (n < max)
		out[n++] = (struct sim_field){ "cpu_slabs", cpu_slabs };
	if (n < max)
		out[n++] = (struct sim_field){ "slabs_cpu_partial", cpu_partial_slabs };
	for (size_t i = 0; i < NR_SLUB_STAT_ITEMS && n < max; i++)
		out[n++] = (struct sim_field){ slub_stat_names[i], sc->stat[i] };
	return n;
}

/* on_freelist()'s walk: free objects chained after @slot (slab, then cpu freelists) */
static unsigned slub_freelist_after(const struct sim *sim, const struct kmem_cache *s,
				    struct slab *slab, uint32_t slot)
{
	const struct slub_cache *sc = slub_cache(s);
	unsigned n = 0;
	bool seen = false;

	for (uint16_t i = ss(slab)->freelist; i != SLUB_END;
	     i = slab_slot(slab, i)->link) {
		n += seen;
		seen |= i == slot;
	}
	for (unsigned cpu = 0; cpu < sim->cfg.cpus && !seen; cpu++) {
		if (sc->cpu[cpu].slab != slab)
			continue;
		n = 0;
		for (uint16_t i = sc->cpu[cpu].freelist; i != SLUB_END;
		     i = slab_slot(slab, i)->link) {
			n += seen;
			seen |= i == slot;
		}
	}
	return seen ? n : 0;
}

/* slub_validate(): the invariants of the essay */
static bool slub_validate(const struct sim *sim, const struct kmem_cache *s)
{
	const struct slub_cache *sc = slub_cache(s);

	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		const struct slub_node *n = &sc->node[nid];
		unsigned long count = 0;
		const struct slab *prev = NULL, *next;

		for (next = n->head; next;) {
			const struct slab *slab = next;
			const struct slub_slab *p = css(slab);
			unsigned len = 0;

			if (!p->on_partial || p->prev != prev || p->frozen ||
			    p->inuse >= p->objects || slab->node != nid)
				return false;
			for (uint16_t i = p->freelist; i != SLUB_END;
			     i = slab_slot(slab, i)->link)
				if (++len > p->objects)
					return false;
			if (p->inuse + len != p->objects)
				return false;
			count++;
			prev = slab;
			next = p->next;
		}
		if (count != n->nr_partial || n->tail != prev)
			return false;
	}
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		const struct slub_cpu *c = &sc->cpu[cpu];
		uint32_t len = 0;

		if (c->slab && (!ss(c->slab)->frozen || ss(c->slab)->on_partial))
			return false;
		if (!c->slab && c->freelist != SLUB_END)
			return false;
		for (const struct slab *slab = c->partial; slab;) {
			const struct slub_slab *p = css(slab);

			if (p->on_partial || p->frozen || slab->pfn == SIM_PFN_NONE)
				return false;
			if (++len > UINT16_MAX)
				return false;	/* a cycle */
			slab = p->cpu_next;
		}
		if (c->partial_slabs != len)
			return false;
	}
	return true;
}

/* one slab as "0x<address>(<free objects>)" */
static void slub_out_slab(struct slab_text *o, struct slab *slab)
{
	struct slub_slab *p = ss(slab);

	slab_textf(o, " 0x%llx(%u)", (unsigned long long)slab_address(slab),
		  (unsigned)(p->objects - p->inuse));
}

static void slub_dump(const struct sim *sim, const struct kmem_cache *s,
		      sim_text_fn fn, void *ud)
{
	const struct slub_cache *sc = slub_cache(s);
	struct slab_text o = { fn, ud };

	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++) {
		const struct slub_cpu *c = &sc->cpu[cpu];
		unsigned nfree = 0, remote = 0;

		slab_textf(&o, "cpu%u: slab", cpu);
		if (c->slab) {
			for (uint16_t i = c->freelist; i != SLUB_END;
			     i = slab_slot(c->slab, i)->link)
				nfree++;
			for (uint16_t i = ss(c->slab)->freelist; i != SLUB_END;
			     i = slab_slot(c->slab, i)->link)
				remote++;
			slab_textf(&o, " 0x%llx(%u+%u)", (unsigned long long)slab_address(c->slab),
				  nfree, remote);
		} else {
			slab_textf(&o, " -");
		}
		slab_textf(&o, "; partial");
		for (struct slab *slab = c->partial; slab; slab = ss(slab)->cpu_next)
			slub_out_slab(&o, slab);
		if (c->main)
			slab_textf(&o, "; sheaves main %u spare %s%u", c->main->size,
				  c->spare ? "" : "-", c->spare ? c->spare->size : 0);
		slab_textf(&o, "\n");
	}
	for (unsigned nid = 0; nid < slub_nr_nodes(sim); nid++) {
		const struct slub_node *n = &sc->node[nid];

		slab_textf(&o, "node%u: slabs %lu objects %lu partial %lu:", nid,
			  n->nr_slabs, n->total_objects, n->nr_partial);
		for (struct slab *slab = n->head; slab; slab = ss(slab)->next)
			slub_out_slab(&o, slab);
		if (s->sheaf_capacity)
			slab_textf(&o, "; barn full %u empty %u", n->barn.nr_full,
				  n->barn.nr_empty);
		slab_textf(&o, "\n");
	}
}

static int slub_init(struct sim *sim)
{
	struct slub_global *g = sim_xcalloc(1, sizeof *g);

	if (!g)
		return SIM_ENOHOSTMEM;
	g->oom_rs = SIM_RATELIMIT_DEFAULT;
	slab_set_policy_state(sim, g);
	return SIM_OK;
}

static void slub_exit(struct sim *sim)
{
	free(slab_policy_state(sim));
	slab_set_policy_state(sim, NULL);
}

const struct slab_ops sim_slub_ops = {
	.name = "slub",
	.cache_priv_size = slub_cache_priv_size,
	.slab_priv_size = sizeof(struct slub_slab),
	.kmalloc_shift_low = 3,			/* KMALLOC_SHIFT_LOW: kmalloc-8 */
	.kmalloc_shift_high = SIM_PAGE_SHIFT + 1,	/* kmalloc-8k */
	.init = slub_init,
	.exit = slub_exit,
	.cache_init = slub_cache_init,
	.cache_destroy = slub_cache_destroy,
	.alloc = slub_alloc,
	.free = slub_free,
	.shrink = slub_shrink,
	.shutdown = slub_shutdown,
	.merged = NULL,
	.kmalloc = NULL,
	.kfree = NULL,
	.ksize = NULL,
	.slabinfo = slub_slabinfo,
	.tune = NULL,
	.stats = slub_stats,
	.info_fields = slub_info_fields,
	.stat_fields = slub_stat_fields,
	.validate = slub_validate,
	.freelist_after = slub_freelist_after,
	.dump = slub_dump,
};

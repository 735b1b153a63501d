/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slab.h - object caches: struct kmem_cache, the policy interface, the object registry
 *
 * Glossary (the kernel's own words):
 *   cache      a struct kmem_cache: objects of one size and alignment,
 *              created with kmem_cache_create(); kmalloc is a set of caches
 *   policy     the allocator behind the caches: SLAB (mm/slab.c, last in
 *              6.7), SLUB (6.18) or SLOB (last in 6.3); one per simulator,
 *              chosen by cfg.policy, reached only through struct slab_ops
 *   slab       a run of 2^order pages holding objects, described by a
 *              struct slab (this file); its pages have PAGE_USE_SLAB and
 *              page owner == slab id + 1
 *   slot       the fixed-size place of one object in a SLUB/SLAB slab:
 *              object i is at slab_address + first + i * stride
 *   block      a variable-size piece of a SLOB page (offset, bytes)
 *   live       handed to a user by an allocation and not yet freed
 *   alias      a cache name merged into an existing cache (refcount > 1)
 *   requested  bytes the caller asked for (kmalloc's size, the cache's
 *              object_size); object = the cache's object_size; slot = the
 *              bytes the object occupies in its slab (size, or the block)
 *
 * Layers.  slab_common.c is the kernel's mm/slab_common.c plus the checks
 * and accounting of all three policies: it owns the cache registry, the
 * kmalloc size classes, merging, the registry of live objects, bug reports,
 * /proc/slabinfo, and it is the only caller of struct slab_ops.  A policy
 * (slab.c, slub.c, slob.c) exports exactly one const struct slab_ops,
 * declared below, and gets pages only through the helpers of this header,
 * which call page_alloc and keep the books (NR_SLAB_*, slab_new, events).
 *
 * Object truth lives here, not in the policies, so all three report the
 * same way.  Every slab has a struct slab descriptor owned by the common
 * layer.  For slot slabs (SLAB, SLUB) it holds the requested size of each
 * slot (0: the slot is free, so the array doubles as the live map); for block
 * slabs (SLOB) a vector of blocks sorted by offset; for large kmalloc the
 * one object.  An address is resolved in O(1) (slot slabs) or O(log n)
 * (blocks): page owner -> descriptor -> slot.  Nothing is hashed, so every
 * listing is in address order by construction.
 *
 * Ownership and ordering rules:
 *   - A policy changes only its own private state (s->priv, the slab's
 *     private area, its per-sim state) and the per-slot links
 *     (slab_slot()->link).  It never writes the requested sizes
 *     (slab_slot()->req, the live map), the blocks or any counter: it
 *     returns facts (struct slab_objref, the pages it freed) and the
 *     common layer records them.
 *   - The common layer checks an object before the policy sees a free
 *     (live, of this cache, not damaged), so ops->free never fails.
 *   - A policy may call back into the public kmem_cache_*, kmalloc and
 *     kfree (SLAB's off-slab freelists do): the common layer keeps no state
 *     across a call into a policy.
 *   - Failure is atomic: an op that fails leaves everything as it was and
 *     the reason in sim_last_reason() (usually set by the page allocator).
 *
 * Invariants (checked by slab_validate()):
 *   for every slot slab:  nr_live == number of slots with a req != 0
 *   for every cache:      acct.live == sum of live objects of the cache
 *                         acct.slabs, acct.pages, acct.objects == sums over
 *                         the cache's slabs
 *   NR_SLAB_RECLAIMABLE + NR_SLAB_UNRECLAIMABLE == pages of all slabs and
 *                         large kmallocs (in pages)
 *   every slab's pages have PAGE_USE_SLAB (large: PAGE_USE_KMALLOC_LARGE)
 *                         and owner == id + 1
 */
#ifndef SIM_SLAB_H
#define SIM_SLAB_H

#include "sim.h"
#include "gfp.h"
#include "page.h"
#include "state.h"
#include "zone.h"

struct kmem_cache;
struct slab;

/* ---- Cache flags (include/linux/slab.h, 6.18) ---- */

typedef uint32_t slab_flags_t;

/*
 * SLAB_FLAG_TABLE(X) - X(NAME, user): every SLAB_* flag, in the bit order of
 * 6.18's enum _slab_flag_bits for an x86_64 config without DEBUG_OBJECTS and
 * KASAN.  user = 1 if kmem_cache_create() callers (and Lua) may pass it;
 * 0 for flags the allocator sets itself.
 */
#define SLAB_FLAG_TABLE(X) \
	X(CONSISTENCY_CHECKS, 1)	/* slub_debug=F: sanity checks on alloc/free */ \
	X(RED_ZONE,           1)	/* slub_debug=Z: red zones around objects */ \
	X(POISON,             1)	/* slub_debug=P: poison free objects */ \
	X(KMALLOC,            0)	/* a kmalloc cache */ \
	X(HWCACHE_ALIGN,      1)	/* align objects to cache lines */ \
	X(CACHE_DMA,          1)	/* pages from ZONE_DMA */ \
	X(CACHE_DMA32,        1)	/* pages from ZONE_DMA32 */ \
	X(STORE_USER,         1)	/* slub_debug=U: alloc/free tracks */ \
	X(PANIC,              1)	/* panic if creation fails */ \
	X(TYPESAFE_BY_RCU,    1)	/* slab pages freed after an RCU grace period */ \
	X(TRACE,              1)	/* slub_debug=T: print every alloc/free */ \
	X(NOLEAKTRACE,        1)	/* kmemleak ignores the cache */ \
	X(NO_MERGE,           1)	/* never merge with another cache */ \
	X(FAILSLAB,           1)	/* slub_debug=A: fault injection allowed */ \
	X(ACCOUNT,            1)	/* charge objects to memcg */ \
	X(NO_USER_FLAGS,      0)	/* ignore slub_debug (bootstrap caches) */ \
	X(RECLAIM_ACCOUNT,    1)	/* pages count as NR_SLAB_RECLAIMABLE */ \
	X(OBJECT_POISON,      0)	/* __OBJECT_POISON: the object itself is poisoned */

enum slab_flag_bit {
#define SLAB_X_BIT(n, u) _SLAB_##n,
	SLAB_FLAG_TABLE(SLAB_X_BIT)
#undef SLAB_X_BIT
	_SLAB_FLAGS_LAST_BIT
};

#define SLAB_X_VAL(n, u) SLAB_##n = 1u << _SLAB_##n,
enum slab_flag_value { SLAB_FLAG_TABLE(SLAB_X_VAL) };
#undef SLAB_X_VAL

/* debug flags: a cache with any of them takes SLUB's debug paths */
#define SLAB_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
				 SLAB_TRACE | SLAB_CONSISTENCY_CHECKS)
/* slub_debug without flag letters: FZPU */
#define DEBUG_DEFAULT_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
/* flags that need metadata in the slot (dropped by slub_debug=O) */
#define DEBUG_METADATA_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)
/* a cache with any of these is never a merge target nor merged (§6.8) */
#define SLAB_NEVER_MERGE	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
				 SLAB_TRACE | SLAB_TYPESAFE_BY_RCU | \
				 SLAB_NOLEAKTRACE | SLAB_FAILSLAB | SLAB_NO_MERGE)
/* merged caches must agree on these */
#define SLAB_MERGE_SAME		(SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | \
				 SLAB_CACHE_DMA32 | SLAB_ACCOUNT)

/* ---- kmem_cache_create() arguments (struct kmem_cache_args, 6.18) ---- */

struct kmem_cache_args {
	unsigned align;			/* requested alignment (0: none) */
	unsigned useroffset;		/* usercopy region; usersize 0 = none */
	unsigned usersize;
	unsigned freeptr_offset;	/* with use_freeptr_offset (RCU caches) */
	bool use_freeptr_offset;
	bool ctor;			/* has a constructor (simulated: counted) */
	unsigned sheaf_capacity;	/* SLUB 6.18 per-CPU sheaves; 0 = none */
};

/* ---- The object registry ---- */

enum slab_kind {
	SLAB_KIND_SLOTS,	/* SLAB/SLUB: fixed slots, bitmap of live ones */
	SLAB_KIND_BLOCKS,	/* SLOB: variable blocks in one page */
	SLAB_KIND_LARGE,	/* large kmalloc: one object, the whole block */
};

#define SLAB_NONE	UINT32_MAX	/* no slab id / no cache id */
#define SLAB_LINK_END	UINT16_MAX	/* end of a per-slot link chain */
#define SLAB_MAX_OBJS	32767u		/* MAX_OBJS_PER_PAGE (slab->objects is 15 bits) */

/* One block of a SLOB page.  Dead blocks are kept until the space is reused
 * so that freeing one twice is recognised as a double free. */
struct slab_block {
	uint32_t offset;	/* bytes from the slab's address to the object */
	uint32_t bytes;		/* bytes reserved (the slot, for fragmentation) */
	uint32_t req;		/* bytes requested */
	uint32_t cache_id;	/* owning cache, or SLAB_NONE for a kmalloc object */
	bool live;
};

/*
 * struct slab - a run of slab pages, owned by the common layer
 *
 * Invariants: nr_live == the number of slots with slab_slot()->req != 0
 * (slots) or of live blocks.  Objects are never 0 bytes (kmalloc(0) is
 * ZERO_SIZE_PTR), so slot i's req != 0 exactly when it is live.  The
 * descriptor (with the policy's private state, slab_priv()) and its slots'
 * records are one host allocation, in that order, so a free touches
 * neighbouring host memory only.
 *
 * A slot's requested size and the policy's link are one 6-byte record
 * (struct slab_slot), not two arrays: a free reads req and the policy
 * then writes link (SLUB's freelist push), and at millions of live
 * objects two arrays made that two host cache misses, the second waiting
 * on the descriptor for its address and not covered by the page map
 * hint's prefetch.  Side by side they are one line (two only for a record
 * across a 64-byte boundary, 2 in 32) that the hint prefetches, at the
 * same 6 host bytes per slot (issue 15: host time).
 *
 * The descriptor is 64-byte aligned.  Its first host cache line holds what
 * every kmalloc and kfree reads, then the first 16 bytes of the policy's
 * state: a policy puts there what its own paths read on every operation
 * (SLUB: the slab's freelist, inuse, frozen, its per-CPU chain link; the
 * slab's address is obj_base - first), so that a free which misses
 * in the host's cache misses one line, not two (issue 15: host time).
 * Hence a fixed area, not a flexible array after the rest.
 */
#define SLAB_PRIV_BYTES	32	/* the largest policy's state (SLAB's struct slab_desc) */

/*
 * struct slab_slot - one slot's state, right after its slab's descriptor
 * @req:  requested bytes of a live object, 0 if the slot is free (the
 *        common layer's live map; a policy never writes it)
 * @link: the policy's per-slot link (SLUB: the next free slot of a
 *        freelist; SLAB: this position of the index array, bufctl)
 * Packed to 6 bytes, the two arrays' cost per slot (see struct slab):
 * read and write the members through the struct, never through a pointer
 * to one (req is not 4-byte aligned in every record).
 */
struct slab_slot {
	uint32_t req;
	uint16_t link;
} __attribute__((packed));
_Static_assert(sizeof(struct slab_slot) == 6, "a slot is 6 host bytes");

struct slab {
	/* first host cache line: what every operation looks at, and pfn,
	 * nr_slots and first (the slots' records need no pointer here, see
	 * slab_slot()) */
	_Alignas(64) sim_addr_t obj_base; /* slots: address of object 0 */
	pfn_t pfn;		/* first page; slab_address() = pfn_to_addr(pfn) */
	uint32_t id;		/* index in the descriptor table; page owner = id + 1 */
	uint32_t cache_id;	/* owning cache (slots), SLAB_NONE otherwise */
	uint32_t stride;	/* slots: bytes from one object to the next */
	uint32_t span;		/* slots: nr_slots * stride */
	uint32_t nr_slots;	/* slots: objects in this slab */
	uint32_t first;		/* slots: offset of object 0 (SLAB colour, red_left_pad) */
	uint32_t nr_live;	/* live objects, all kinds */
	uint8_t order;		/* 2^order pages */
	uint8_t kind;		/* enum slab_kind */
	uint8_t node;		/* NUMA node of the pages */
	uint8_t shift;		/* slots: log2(stride) if a power of two, else 0xff */
	/* the policy's per-slab state (ops->slab_priv_size bytes of it used);
	 * its first 16 bytes end the first line */
	uint64_t priv[SLAB_PRIV_BYTES / 8];
	/* the rest */
	uint32_t cap_slots;	/* slot records after the descriptor */
	uint8_t reclaimable;	/* pages counted in NR_SLAB_RECLAIMABLE */
	union {			/* by kind (kmalloc_large_free() clears large_req) */
		sim_addr_t obj_exts;	/* slots, memcg: the slabobj_ext vector
					 * (a kmalloc object), 0 if none */
		uint64_t large_req;	/* large: bytes requested */
	};
	struct slab_block *blocks;	/* blocks: sorted by offset */
	uint32_t nr_blocks, cap_blocks;
};
_Static_assert(offsetof(struct slab, priv) == 48,
	       "the policy's first 16 bytes share the descriptor's first host line");
/* two host lines (64-byte aligned: the page map's hint lives in the low
 * bits of its address), slab_slot()'s records right after them: at 10M
 * live objects a slab's descriptor is part of the <= 16 host bytes per
 * live object (issue 15) */
_Static_assert(sizeof(struct slab) == 128, "a descriptor is two host lines");

/*
 * slab_slot - slot @i's state (slot slabs only).  The records follow the
 * descriptor in its own host allocation (cap_slots of them), so their
 * address is the descriptor's plus a constant: no pointer to load first
 * (a free computes it while the descriptor's line is still on its way,
 * and the page map hint's prefetch needs nothing but the descriptor's
 * address).  Writable records of a const descriptor: they are not its
 * state (a policy writes links of a slab it otherwise only reads).
 */
static inline struct slab_slot *slab_slot(const struct slab *slab, uint32_t i)
{
	return (struct slab_slot *)(uintptr_t)(slab + 1) + i;
}

/*
 * struct slab_objref - where an object lives, filled by ops->alloc
 * @slab:  the slab holding it
 * @slot:  slots: the slot index; blocks: byte offset in the slab
 * @bytes: blocks: bytes reserved for it (ignored for slots)
 * @path:  enum slab_path: how the policy got it (for the common counters)
 */
struct slab_objref {
	struct slab *slab;
	uint32_t slot;
	uint32_t bytes;
	uint8_t path;
};

/* how an allocation or a free went (struct slab_acct fastpath counts) */
enum slab_path {
	SLAB_PATH_FAST,		/* per-CPU freelist / array / sheaf */
	SLAB_PATH_SLOW,		/* anything that took a list or made a slab */
};

/* ---- Accounting (kept by the common layer) ---- */

/*
 * struct slab_acct - one cache's books
 * Invariants: objects == sum of nr_slots of its slabs; live <= objects for
 * slot policies; req_bytes <= live * object_size (kmalloc: <= class size).
 * The counters every allocation or free changes alternate with the others:
 * side by side, GCC's SLP vectorizer fused them into some dozen SSE loads,
 * shuffles and stores where four scalar adds do (issue 15: host time).
 */
struct slab_acct {
	uint64_t live;		/* live objects */
	uint64_t slabs;		/* slabs of this cache (slot policies) */
	uint64_t req_bytes;	/* requested bytes of live objects */
	uint64_t pages;		/* pages in the slabs */
	uint64_t slot_bytes;	/* slot bytes of live objects */
	uint64_t objects;	/* object slots in the slabs */
	uint64_t allocs;	/* successful operations */
	uint64_t alloc_fails;
	uint64_t frees;
	uint64_t slabs_created;
	uint64_t fastpath_allocs;
	uint64_t slabs_freed;
	uint64_t fastpath_frees;
	uint64_t ctor_calls;	/* objects constructed */
};

/* one line of /proc/slabinfo, as get_slabinfo() fills struct slabinfo */
struct slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned long shared_avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;
	unsigned int objects_per_slab;
	unsigned int cache_order;
};

/* policy fields of cache:info()/cache:stats() are struct sim_field (sim.h) */
#define SLAB_MAX_FIELDS	64	/* ARRAY_SIZE of sim_cache_info.fields */

/* what a policy knows about one cache beyond the common books */
struct slab_policy_stats {
	uint64_t free_in_partial;	/* free objects in partial slabs (node lists) */
	uint64_t cached;		/* free objects held per CPU (cpu slabs, arrays, sheaves) */
	uint64_t partial_slabs;		/* slabs on partial lists */
};

/* ---- struct kmem_cache ---- */

enum kmalloc_cache_type {
	KMALLOC_NORMAL,		/* "kmalloc-" */
	KMALLOC_RECLAIM,	/* "kmalloc-rcl-": __GFP_RECLAIMABLE */
	KMALLOC_DMA,		/* "dma-kmalloc-": __GFP_DMA */
	KMALLOC_CGROUP,		/* "kmalloc-cg-": __GFP_ACCOUNT */
	NR_KMALLOC_TYPES
};

/*
 * struct kmem_cache - one cache (mm/slab.h)
 *
 * The common fields are filled by the common layer (name, object_size,
 * flags, align, args) and by ops->cache_init (size and the geometry).
 * Policy-specific state is in @priv.  A cache with refcount 0 and
 * @dead set failed kmem_cache_destroy() (objects were left): it stays
 * listed, as the kernel leaves it on slab_caches, and its objects can
 * still be freed with kfree().
 */
struct kmem_cache {
	char *name;
	uint32_t id;			/* index in the registry */
	uint32_t gen;			/* bumped when the id is reused */
	uint64_t seq;			/* creation order (slab_caches is newest first) */
	int refcount;			/* 1 + aliases */
	bool dead;			/* destroyed with live objects */

	/* geometry */
	unsigned object_size;		/* bytes the user asked for (max over aliases) */
	unsigned size;			/* slot stride including metadata */
	unsigned inuse;			/* bytes up to in-object metadata */
	unsigned offset;		/* free pointer offset (SLUB) */
	unsigned align;			/* object alignment */
	unsigned red_left_pad;		/* left red zone (SLUB debug) */
	unsigned order;			/* pages per slab = 1 << order */
	unsigned objects;		/* objects per slab */
	unsigned min_order;		/* fallback order (SLUB s->min) */
	unsigned min_objects;
	unsigned long min_partial;	/* SLUB; 0 elsewhere */
	unsigned cpu_partial;		/* SLUB, objects */
	unsigned cpu_partial_slabs;	/* SLUB */
	unsigned sheaf_capacity;	/* SLUB sheaves */
	slab_flags_t flags;		/* after slub_debug */
	gfp_t allocflags;		/* __GFP_COMP | DMA | DMA32 | RECLAIMABLE */
	bool ctor;
	unsigned useroffset, usersize;
	struct kmem_cache_args args;	/* as created (for re-calculation) */

	/* kmalloc caches */
	int8_t kmalloc_type;		/* enum kmalloc_cache_type, -1 if not kmalloc */
	uint8_t kmalloc_index;

	/* merged names (aliases), in merge order */
	char **aliases;
	unsigned nr_aliases;

	struct slab_acct acct;		/* books of the common layer */
	void *priv;			/* the policy's state (ops->cache_priv_size()) */
};

/* ---- The policy interface ---- */

/*
 * struct slab_ops - one object-cache policy
 *
 * Every hook takes the simulator first.  Hooks marked optional may be NULL.
 * Only slab_common.c calls them.  "Nothing changed" on failure means the
 * policy's state, the pages and the clock beyond the costs charged.
 */
struct slab_ops {
	const char *name;		/* "slab" | "slub" | "slob" */
	/* bytes of s->priv (zeroed), sized by the simulator's CPUs and
	 * nodes; NULL: no private state */
	size_t (*cache_priv_size)(const struct sim *sim);
	size_t slab_priv_size;		/* bytes of slab_priv() (zeroed on creation) */
	/*
	 * kmalloc geometry: caches kmalloc-(1 << shift_low) .. (1 << shift_high)
	 * (plus 96 and 192 when shift_low <= 5 / 6) are created at boot and
	 * larger requests go to the page allocator.  0/0 with ->kmalloc set:
	 * the policy does kmalloc itself.
	 */
	unsigned kmalloc_shift_low;
	unsigned kmalloc_shift_high;

	/** init - per-simulator state (s->slab->policy); may register timers.
	 *  Return: SIM_OK or SIM_ENOHOSTMEM. */
	int (*init)(struct sim *sim);
	/** exit - free the per-simulator state (caches are gone already) */
	void (*exit)(struct sim *sim);

	/**
	 * cache_init - compute the geometry of a new cache and set up s->priv
	 * @s: name, object_size, align (calculate_alignment done), flags (after
	 *     slub_debug), ctor, args are set; s->priv is zeroed
	 * Fills size, inuse, offset, order, objects, ... Return: SIM_OK, or
	 * SIM_EINVAL with sim_set_reason() if no geometry fits (nothing kept).
	 */
	int (*cache_init)(struct sim *sim, struct kmem_cache *s);
	/** cache_destroy - release the cache's host state and all its slabs'
	 *  private state; the common layer frees the slabs afterwards */
	void (*cache_destroy)(struct sim *sim, struct kmem_cache *s);

	/**
	 * alloc - one object
	 * Return: its address with @ref filled, or SIM_ADDR_NONE with nothing
	 * changed and the reason set.
	 */
	sim_addr_t (*alloc)(struct sim *sim, struct kmem_cache *s, gfp_t gfp,
			    struct slab_objref *ref);
	/**
	 * free - take back a live object of @s the common layer has checked
	 * Return: enum slab_path.  Never fails.
	 */
	int (*free)(struct sim *sim, struct kmem_cache *s, sim_addr_t obj,
		    const struct slab_objref *ref);
	/**
	 * shrink - kmem_cache_shrink(): give back what can be given back
	 * Return: pages returned to the page allocator.
	 */
	unsigned long (*shrink)(struct sim *sim, struct kmem_cache *s);
	/**
	 * shutdown - __kmem_cache_shutdown(): flush everything and free every
	 * slab without live objects (min_partial does not apply).  Optional:
	 * NULL uses shrink.
	 */
	void (*shutdown)(struct sim *sim, struct kmem_cache *s);
	/** merged - an alias was merged into @s (object_size/inuse grew); optional */
	void (*merged)(struct sim *sim, struct kmem_cache *s);

	/* -- optional: a policy that does kmalloc itself (SLOB) -- */
	/** kmalloc - @size > 0; may use kmalloc_large_alloc(); as alloc */
	sim_addr_t (*kmalloc)(struct sim *sim, size_t size, gfp_t gfp,
			      struct slab_objref *ref);
	/** kfree - a live object from ->kmalloc, checked */
	void (*kfree)(struct sim *sim, sim_addr_t obj, const struct slab_objref *ref);
	/** ksize - usable bytes of a live object; NULL: the common rule */
	size_t (*ksize)(const struct sim *sim, sim_addr_t obj,
			const struct slab_objref *ref);

	/* -- optional reports and tuning -- */
	/** slabinfo - fill one /proc/slabinfo line; NULL: no /proc/slabinfo */
	void (*slabinfo)(const struct sim *sim, const struct kmem_cache *s,
			 struct slabinfo *out);
	/** tune - "name limit batchcount shared" written to /proc/slabinfo;
	 *  SIM_EINVAL (reason set) if rejected; NULL: not tunable */
	int (*tune)(struct sim *sim, struct kmem_cache *s, int limit,
		    int batchcount, int shared);
	/** stats - what only the policy knows about @s */
	void (*stats)(const struct sim *sim, const struct kmem_cache *s,
		      struct slab_policy_stats *out);
	/** info_fields, stat_fields - extra named numbers for cache:info()
	 *  and cache:stats(); return how many were written (<= @max) */
	size_t (*info_fields)(const struct sim *sim, const struct kmem_cache *s,
			      struct sim_field *out, size_t max);
	size_t (*stat_fields)(const struct sim *sim, const struct kmem_cache *s,
			      struct sim_field *out, size_t max);
	/**
	 * freelist_after - how many free objects the free pointer of free
	 * slot @slot of @slab leads to (on_freelist()'s walk); optional
	 */
	unsigned (*freelist_after)(const struct sim *sim, const struct kmem_cache *s,
				   struct slab *slab, uint32_t slot);
	/** validate - check the policy's invariants for @s; false on a break */
	bool (*validate)(const struct sim *sim, const struct kmem_cache *s);
	/** dump - the policy's lists for @s as text (teaching, tests); optional */
	void (*dump)(const struct sim *sim, const struct kmem_cache *s,
		     sim_text_fn fn, void *ud);
	/** summary_fields - policy-wide named numbers for the slab summary
	 *  (SLOB's heap belongs to no cache); optional; return how many were
	 *  written (<= @max) */
	size_t (*summary_fields)(const struct sim *sim, struct sim_field *out,
				 size_t max);
	/**
	 * seed_page - a heap page laid out as given at the tail of list
	 * @list (sim_slob_add_page()); optional: only SLOB keeps lists of
	 * partly free pages shared by all.  Return: SIM_OK with the page's
	 * address in *@addr, or SIM_EINVAL / SIM_ENOMEM / SIM_ENOHOSTMEM with
	 * the reason set.
	 */
	int (*seed_page)(struct sim *sim, unsigned list,
			 const struct sim_slob_block *free, size_t nr, sim_addr_t *addr);
};

/* The policies.  Adding one: define it in its own file and add it to
 * slab_policies[] in slab_common.c (and its name to sim.c). */
extern const struct slab_ops sim_slub_ops;
extern const struct slab_ops sim_slab_ops;
extern const struct slab_ops sim_slob_ops;

/** slab_ops_lookup - the policy called @name, NULL if unknown or not built */
const struct slab_ops *slab_ops_lookup(const char *name);

/* ---- Implemented as inlines ---- */

/** slab_priv - the policy's per-slab state */
static inline void *slab_priv(struct slab *slab)
{
	return slab->priv;
}

/**
 * slab_block_find - the block at byte offset @off of a block slab (live or
 * dead): its index in slab->blocks, or -1 if no block starts there
 */
static inline int64_t slab_block_find(const struct slab *slab, uint32_t off)
{
	uint32_t lo = 0, hi = slab->nr_blocks;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (slab->blocks[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < slab->nr_blocks && slab->blocks[lo].offset == off)
		return lo;
	return -1;
}

/* the CPU an operation runs on (the current one) */
static inline unsigned slab_cpu(const struct sim *sim)
{
	return sim->cur_cpu;
}

/* the NUMA node of a CPU (cpu_to_mem()) */
static inline unsigned slab_cpu_node(const struct sim *sim, unsigned cpu)
{
	if (sim->cfg.nodes <= 1 || !sim->pg)
		return 0;
	return sim->pg->cpu_node[cpu];
}

/* ---- Services for the policies ("slab_common.c") ---- */

/* the policy's per-simulator state (slab_policy_state(): inline, below) */
void slab_set_policy_state(struct sim *sim, void *state);

/**
 * slab_new_pages - allocate the pages of a new slab and its descriptor
 * @s: the owning cache, or NULL (SLOB blocks)
 * @order: pages = 1 << order
 * @gfp: page allocator flags as passed to pgalloc_alloc() (the policy adds
 *       __GFP_COMP and s->allocflags; GFP_SLAB_BUG_MASK is not checked here,
 *       see kmalloc_fix_flags())
 * @kind: SLAB_KIND_SLOTS (needs @s, @first, @stride, @nr_slots) or
 *        SLAB_KIND_BLOCKS
 *
 * Sets PAGE_USE_SLAB, counts NR_SLAB_(UN)RECLAIMABLE, slab_new, the
 * cache's books and emits SLAB_NEW.  All slots start free (every
 * slot's record zeroed, link too) and the policy's private area zeroed.
 * Return: the descriptor, or NULL with nothing changed and the page
 * allocator's reason (or "out of host memory") in sim_last_reason().
 */
struct slab *slab_new_pages(struct sim *sim, struct kmem_cache *s,
			    unsigned order, gfp_t gfp, enum slab_kind kind,
			    uint32_t first, uint32_t stride, uint32_t nr_slots);
/**
 * slab_free_pages - give a slab's pages back and drop its descriptor
 * The slab must hold no live object (an engine bug otherwise).  With
 * poisoning or red zones, damage recorded in its objects is reported
 * first (free_slab()'s check_object).  Counts slab_discard.
 */
void slab_free_pages(struct sim *sim, struct slab *slab);
/** slab_address - the simulated address of the slab's first byte */
static inline sim_addr_t slab_address(const struct slab *slab)
{
	return pfn_to_addr(slab->pfn);
}
/** slab_obj_addr - the address of slot @i of a slot slab at @base */
static inline sim_addr_t slab_obj_addr(sim_addr_t base, const struct slab *slab,
				       uint32_t i)
{
	return base + slab->first + (sim_addr_t)i * slab->stride;
}
/** slab_slot_live - is slot @i live (handed out)? */
static inline bool slab_slot_live(const struct slab *slab, uint32_t i)
{
	return slab_slot(slab, i)->req != 0;
}
/**
 * slab_record_kmalloc - a live kmalloc object no ->kmalloc call made (a
 * page built by ->seed_page): @bytes reserved at byte @slot of blocks slab
 * @slab, @req requested; kept in the books as any kmalloc object
 */
void slab_record_kmalloc(struct sim *sim, struct slab *slab, uint32_t slot,
			 uint32_t bytes, size_t req);
/** slab_note_ctor - @n objects of @s were constructed (counts ctor calls) */
void slab_note_ctor(struct sim *sim, struct kmem_cache *s, unsigned n);

/**
 * kmalloc_fix_flags - GFP_SLAB_BUG_MASK bits in a slab allocation's flags
 * are a caller bug: one WARNING ("Unexpected gfp: ... Fix your code!") and
 * the bits cleared.  SLUB checks the caller's flags before a new slab, as
 * new_slab() does.  Return: @gfp without the bad bits.
 */
gfp_t kmalloc_fix_flags(struct sim *sim, gfp_t gfp);

/**
 * kmalloc_large_alloc - __kmalloc_large_node(): pages of get_order(@size)
 * with __GFP_COMP, PAGE_USE_KMALLOC_LARGE, counted in NR_SLAB_UNRECLAIMABLE
 * Return: the address with @ref filled, or SIM_ADDR_NONE (nothing changed).
 */
sim_addr_t kmalloc_large_alloc(struct sim *sim, size_t size, gfp_t gfp,
			       struct slab_objref *ref);

/* ---- The kernel API ("slab_common.c") ---- */

/**
 * kmem_cache_create - a new cache, or an alias of a compatible one
 * @name: copied
 * @size: object size, 1 .. KMALLOC_MAX_SIZE
 * @args: may be NULL (all zero)
 * @flags: SLAB_* flags callers may pass
 *
 * Applies slub_debug, tries to merge (find_mergeable), else calls the
 * policy's cache_init.  Return: the cache (for an alias: the cache it was
 * merged into, refcount raised), or NULL with the reason set (EINVAL:
 * bad arguments or no geometry; with SLAB_PANIC a "Kernel panic" bug
 * report is recorded as well).
 */
struct kmem_cache *kmem_cache_create(struct sim *sim, const char *name,
				     unsigned size,
				     const struct kmem_cache_args *args,
				     slab_flags_t flags);
/**
 * kmem_cache_destroy - drop a reference; the last one shuts the cache down
 * Return: SIM_OK; SIM_EBUSY if objects were left (reported as the kernel
 * does, objects listed; the cache stays listed, dead).
 */
int kmem_cache_destroy(struct sim *sim, struct kmem_cache *s);
/**
 * kmem_cache_alloc - one object of @s (kmem_cache_zalloc: gfp | __GFP_ZERO)
 * Return: the address, or SIM_ADDR_NONE (reason set, nothing changed).
 */
sim_addr_t kmem_cache_alloc(struct sim *sim, struct kmem_cache *s, gfp_t gfp);
/**
 * kmem_cache_free - free @obj into @s
 * A simulated-kernel bug (not a live object, wrong cache, damaged red
 * zone) is reported and the state stays consistent; see slab_common.c.
 * Return: SIM_OK, or SIM_EBUG when a bug was reported.
 */
int kmem_cache_free(struct sim *sim, struct kmem_cache *s, sim_addr_t obj);
/** kmem_cache_zalloc - kmem_cache_alloc() with __GFP_ZERO */
static inline sim_addr_t kmem_cache_zalloc(struct sim *sim, struct kmem_cache *s,
					   gfp_t gfp)
{
	return kmem_cache_alloc(sim, s, gfp | __GFP_ZERO);
}
/** kmem_cache_alloc_bulk - @n objects into @p; all or nothing. Return: n or 0 */
size_t kmem_cache_alloc_bulk(struct sim *sim, struct kmem_cache *s, gfp_t gfp,
			     size_t n, sim_addr_t *p);
/** kmem_cache_free_bulk - kmem_cache_free() of each */
void kmem_cache_free_bulk(struct sim *sim, struct kmem_cache *s, size_t n,
			  const sim_addr_t *p);
/** kmem_cache_shrink - Return: pages returned to the page allocator */
unsigned long kmem_cache_shrink(struct sim *sim, struct kmem_cache *s);
/** kmem_cache_size - object_size; kmem_cache_name - the name */
unsigned kmem_cache_size(const struct kmem_cache *s);
const char *kmem_cache_name(const struct kmem_cache *s);

/**
 * kmalloc - @size bytes: ZERO_SIZE_PTR for 0, a kmalloc cache up to
 * KMALLOC_MAX_CACHE_SIZE, pages above; SIM_ADDR_NONE (reason set) on
 * failure or above KMALLOC_MAX_SIZE.
 */
sim_addr_t kmalloc(struct sim *sim, size_t size, gfp_t gfp);
/** kmalloc_array / kcalloc - @n * @size, NULL (SIM_ADDR_NONE) on overflow */
sim_addr_t kmalloc_array(struct sim *sim, size_t n, size_t size, gfp_t gfp);
/**
 * krealloc - resize @p (§6.10): in place if the new size fits ksize's
 * object, else allocate, "copy", free.  @size 0 frees and returns
 * ZERO_SIZE_PTR.  On failure @p is untouched and SIM_ADDR_NONE returned.
 */
sim_addr_t krealloc(struct sim *sim, sim_addr_t p, size_t size, gfp_t gfp);
/** kzalloc - kmalloc() with __GFP_ZERO */
static inline sim_addr_t kzalloc(struct sim *sim, size_t size, gfp_t gfp)
{
	return kmalloc(sim, size, gfp | __GFP_ZERO);
}
/** kcalloc - kmalloc_array() with __GFP_ZERO */
static inline sim_addr_t kcalloc(struct sim *sim, size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(sim, n, size, gfp | __GFP_ZERO);
}
/** kfree - NULL and ZERO_SIZE_PTR are no-ops; Return as kmem_cache_free */
int kfree(struct sim *sim, sim_addr_t p);
/**
 * kfree_rcu - kvfree_rcu(): @p is kfree()d after its CPU's batch waited a
 * grace period (see slab_common.c "RCU"); NULL and ZERO_SIZE_PTR are no-ops.
 * The object stays live until then; a bad pointer is reported by that
 * kfree().  Return: SIM_OK or SIM_ENOHOSTMEM.
 */
int kfree_rcu(struct sim *sim, sim_addr_t p);

/*
 * sim_kmalloc() and sim_kfree() (sim.h), inline: the API functions are
 * these with @also NULL; the workload engine passes its own latency
 * histogram, which then gets the operation's latency as a call to
 * sim_lat_hist_add() after the API call would (issue 15: host time, one
 * call level and one bucket computation fewer per operation).
 */
static inline int slab_api_kmalloc(struct sim *sim, uint64_t size, gfp_t gfp,
				   sim_addr_t *out, struct sim_lat_hist *also)
{
	sim_time_t t0 = sim->now;
	int rc;

	if (unlikely(sim->panicked)) {
		rc = sim_refuse_panicked(sim);
		goto refused;
	}
	if (unlikely(size > SIZE_MAX)) {
		rc = sim_set_reason(sim, SIM_ENOMEM, "kmalloc: size too large");
		goto refused;
	}
	*out = kmalloc(sim, (size_t)size, gfp);
	sim_lat_note_also(sim, SIM_LAT_ALLOC, sim->now - t0, also);
	return SIM_PANIC_STATUS(sim, *out == SIM_ADDR_NONE ? SIM_ENOMEM : SIM_OK);
refused:
	if (also)
		sim_lat_hist_add(also, sim->now - t0);
	return rc;
}

static inline int slab_api_kfree(struct sim *sim, sim_addr_t p,
				 struct sim_lat_hist *also)
{
	sim_time_t t0 = sim->now;
	int rc;

	if (unlikely(sim->panicked)) {
		rc = sim_refuse_panicked(sim);
		if (also)
			sim_lat_hist_add(also, sim->now - t0);
		return rc;
	}
	rc = kfree(sim, p);
	sim_lat_note_also(sim, SIM_LAT_FREE, sim->now - t0, also);
	return SIM_PANIC_STATUS(sim, rc);
}
/** kmem_cache_free_rcu - call_rcu() whose callback is kmem_cache_free(@s, @obj) */
int kmem_cache_free_rcu(struct sim *sim, struct kmem_cache *s, sim_addr_t obj);
/** slab_rcu_barrier - rcu_barrier() + kvfree_rcu_barrier(): every pending RCU free now */
void slab_rcu_barrier(struct sim *sim);
/** ksize - usable bytes of a live object, 0 for ZERO_SIZE_PTR/not an object */
size_t ksize(const struct sim *sim, sim_addr_t p);
/** kmalloc_size_roundup - the bytes kmalloc(@size) would really reserve */
size_t kmalloc_size_roundup(const struct sim *sim, size_t size);
/** kmalloc_slab - the cache kmalloc(@size, @gfp) uses, NULL above the classes */
struct kmem_cache *kmalloc_slab(const struct sim *sim, size_t size, gfp_t gfp);
/** kmalloc_type - enum kmalloc_cache_type of @gfp (kmalloc_type()) */
enum kmalloc_cache_type kmalloc_type(gfp_t gfp);
/** kmalloc_index - the class index of @size (kmalloc_index(); 0 for 0) */
unsigned kmalloc_index(size_t size);

/**
 * kmem_cache_validate - validate_slab_cache(): check every object of @s the
 * kernel would check (free pointers, red zones, poison) and report what
 * kmem_poke() damaged, restoring it.  Return: the errors a slub_kunit test
 * counts (one per BUG or FIX line); 0 for a cache without debug flags.
 */
unsigned kmem_cache_validate(struct sim *sim, struct kmem_cache *s);

/** kmem_poke - the simulated kernel writes @len bytes at @addr (see slab_common.c)
 *  Return: what was hit, e.g. "object", "right red zone", "free object" */
const char *kmem_poke(struct sim *sim, sim_addr_t addr, size_t len);

/* ---- Calculations shared by policies ("slab_common.c") ---- */

/** calculate_alignment - the alignment rule of §6.2 */
unsigned calculate_alignment(slab_flags_t flags, unsigned align, unsigned size);
/** kmem_cache_flags - @flags plus what slub_debug= asks for @name */
slab_flags_t kmem_cache_flags(const struct sim *sim, slab_flags_t flags,
			      const char *name);
/** slab_debug_disable_higher_order - slub_debug=O was given */
bool slab_debug_disable_higher_order(const struct sim *sim);

/* ---- Registry and checks ---- */

/** slab_nr_caches, slab_cache_at - every cache in /proc/slabinfo order */
size_t slab_nr_caches(const struct sim *sim);
struct kmem_cache *slab_cache_at(const struct sim *sim, size_t i);
/** slab_cache_by_name - a live cache (or alias) called @name, else NULL */
struct kmem_cache *slab_cache_by_name(const struct sim *sim, const char *name);
/** slab_policy - the simulator's policy */
const struct slab_ops *slab_policy(const struct sim *sim);
/** slab_validate - check every invariant above (and the policy's) */
bool slab_validate(const struct sim *sim);

/* ---- Layer life cycle (layers.c) ---- */

int slab_layer_init(struct sim *sim, char *err, size_t errlen);
void slab_layer_destroy(struct sim *sim);

/* ---- Constants (x86_64, 4 KiB pages, §6.10) ---- */

#define ARCH_KMALLOC_MINALIGN	8	/* also ARCH_SLAB_MINALIGN */
/* flags no slab allocation may carry (kmalloc_fix_flags()) */
#define GFP_SLAB_BUG_MASK	((gfp_t)(__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK))
#define KMALLOC_SHIFT_MAX	(SIM_MAX_ORDER + SIM_PAGE_SHIFT)	/* 22 */
#define KMALLOC_MAX_SIZE	(UINT64_C(1) << KMALLOC_SHIFT_MAX)	/* 4 MiB */
#define SLAB_MAX_KMALLOC_INDEX	KMALLOC_SHIFT_MAX

/* ---- Text output of dumps (policies' ops->dump) ---- */

struct slab_text {
	sim_text_fn fn;
	void *ud;
};

/** slab_textf - format one piece of a dump (at most 255 bytes) to @t */
void slab_textf(struct slab_text *t, const char *fmt, ...) sim_printf_like(2, 3);

/**
 * struct slab_state - the common layer's state (sim->slab).  slab_common.c
 * owns it and is the only writer; it is defined here so that what every
 * operation reads (a descriptor by id, the page map, the kmalloc caches)
 * is read inline rather than through a call (issue 15: host time).
 */
struct slab_state {
	const struct slab_ops *ops;	/* NULL: the policy is not built */
	void *policy;			/* the policy's per-sim state */

	/* caches: registry by id, and slab_caches in creation order */
	struct kmem_cache **caches;
	uint32_t *gens;
	uint32_t nr_ids, cap_ids;
	struct kmem_cache **list;	/* oldest first */
	size_t nr_list, cap_list;
	uint64_t next_seq;

	/* slab descriptors */
	struct slab **slabs;		/* by id; freed ones kept for reuse */
	bool *slab_used;
	uint32_t nr_slab_ids, cap_slab_ids;
	uint32_t *free_slab_ids;
	uint32_t nr_free_slab_ids;
	uintptr_t **pb_map;		/* [pfn >> pageblock order]: NULL or [512]
					 * descriptors with a hint (SLAB_MAP_HINT) */
	size_t nr_pb_map;
	/* descriptors without slots (SLOB pages, large kmalloc) are carved
	 * from chunks, never freed one by one: a SLOB burst makes one per
	 * page, and malloc's aligned path and headers cost more than the
	 * descriptor (issue 15: host time) */
	char **desc_chunks;
	size_t nr_desc_chunks, cap_desc_chunks;
	size_t desc_chunk_left;		/* descriptors left in the newest chunk */

	/* kmalloc */
	struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_MAX + 1];
	uint8_t size_index[24];
	unsigned shift_low, shift_high;
	size_t max_cache_size;		/* KMALLOC_MAX_CACHE_SIZE */

	/* large kmalloc and vmstat */
	uint64_t large_objects, large_pages, large_req_bytes;
	/* NR_SLAB_RECLAIMABLE/UNRECLAIMABLE live in sim->node_stat (read by
	 * the page layer's /proc/vmstat); the peak of their sum is ours */
	uint64_t peak_pages;

	/* slub_debug= */
	bool debug_parsed;		/* the policy takes slub_debug */
	slab_flags_t debug_global;
	struct slab_debug_block *debug_blocks;
	size_t nr_debug_blocks, cap_debug_blocks;
	bool debug_higher_order_off;	/* 'O' */

	/* kmem_poke damage, sorted by object address */
	struct slab_damage *damage;
	size_t nr_damage, cap_damage;

	/* RCU: kfree_rcu() batches per CPU, callbacks waiting for a grace period */
	struct slab_rcu_cpu {
		struct slab_rcu_item *q;	/* kfree_rcu() objects not yet in a batch */
		size_t nr, cap;
		sim_time_t monitor_due;		/* kfree_rcu_monitor() runs then */
	} rcu_cpu[SIM_MAX_CPUS];
	struct slab_rcu_item *rcu_wait;		/* FIFO, done times nondecreasing */
	size_t rcu_head, rcu_nr, rcu_cap;	/* entries [head, nr) are waiting */
	bool rcu_timer;				/* the tick is registered */
	uint64_t rcu_freed, rcu_slabs_freed;	/* callbacks done */
};

/* the policy's per-simulator state (inline: SLAB reads it on every free) */
static inline void *slab_policy_state(const struct sim *sim)
{
	return sim->slab->policy;
}

/** slab_by_id - the descriptor with @id (must exist) */
static inline struct slab *slab_by_id(const struct sim *sim, uint32_t id)
{
	return sim->slab->slabs[id];
}


/*
 * The page map (virt_to_slab()'s struct page -> slab in the kernel): one
 * entry per page, the descriptor's host address (64-byte aligned) with a
 * hint in its six low bits.  For a slot slab of up to four pages whose
 * objects start at its first byte with a power-of-two stride, bits 0-3
 * hold log2(stride) - 2 and bits 4-5 the page's index in the slab: that
 * is enough to find an object's slot record, so a lookup can ask the
 * host for that line (and the descriptor's second one) while the
 * descriptor's first line is still on its way -- at millions of live
 * objects each is a cache miss, and the free needs all three.  Host time
 * only: nothing the simulator computes reads the hint.
 */
#define SLAB_MAP_HINT	((uintptr_t)63)

/*
 * slab_host_prefetch - ask the host for the line at @p.  The empty asm
 * keeps a function made of prefetches from being found pure (it has no
 * visible effect) and its calls deleted as useless: GCC does just that.
 */
#if defined(__GNUC__)
#define slab_host_prefetch(p) do {					\
		const void *p_ = (p);					\
		__builtin_prefetch(p_);					\
		__asm__ volatile("" : : "r"(p_));			\
	} while (0)
#else
#define slab_host_prefetch(p) ((void)(p))
#endif

/* the host lines a free of @addr reads besides the page map entry @v:
 * the descriptor's first two and, with a hint, the object's slot record
 * (its req, which the common layer reads, and its link, which the policy
 * writes; the record's first byte: in 2 records of 32 the link is on the
 * next line, not worth a second prefetch on every free) */
static inline void slab_map_prefetch(uintptr_t v, sim_addr_t addr, bool first)
{
	const char *slab = (const char *)(v & ~SLAB_MAP_HINT);

	if (first)
		slab_host_prefetch(slab);
	if (v & 15) {
		uint64_t off = ((uint64_t)((v >> 4) & 3) << SIM_PAGE_SHIFT) +
			       (addr & (SIM_PAGE_SIZE - 1));

		slab_host_prefetch(slab + 64);
		slab_host_prefetch(slab_slot((const struct slab *)slab,
					     (uint32_t)(off >> ((v & 15) + 2))));
	}
}

/* the page map's leaf entry of @addr, NULL if it has none */
static inline const uintptr_t *slab_map_entry(const struct slab_state *st,
					      sim_addr_t addr)
{
	const uintptr_t *leaf;
	size_t pb;
	pfn_t pfn;

	if (addr < SIM_DIRECT_MAP_BASE)
		return NULL;
	pfn = addr_to_pfn(addr);
	pb = (size_t)(pfn >> SIM_PAGEBLOCK_ORDER);
	if (pb >= st->nr_pb_map || !(leaf = st->pb_map[pb]))
		return NULL;
	return &leaf[pfn & (SIM_PAGEBLOCK_PAGES - 1)];
}

/*
 * slab_of_addr - the slab (any kind) holding @addr, NULL if none
 * (virt_to_slab()): one page map entry, as the kernel reads one struct
 * page.  A one-entry cache of the last slab found was tried in front of it
 * and taken out: with frees spread over many slabs it missed nearly every
 * time, and its check and refill cost more host instructions (~15 per
 * free) than its hits saved on a trace's runs of frees from one slab.
 */
static inline struct slab *slab_of_addr(const struct sim *sim, sim_addr_t addr)
{
	const struct slab_state *st = sim->slab;
	const uintptr_t *e = slab_map_entry(st, addr);
	uintptr_t v;

	if (!e)
		return NULL;
	v = *e;
	slab_map_prefetch(v, addr, false);
	return (struct slab *)(v & ~SLAB_MAP_HINT);
}

/*
 * slab_of_live_addr - slab_of_addr() without its prefetches, for an object
 * whose slab is known to exist and is read at once (an object SLAB's
 * array cache hands out again, freed a moment ago: its lines are warm,
 * and the prefetches' dozen host instructions would buy nothing)
 */
static inline struct slab *slab_of_live_addr(const struct sim *sim, sim_addr_t addr)
{
	return (struct slab *)(*slab_map_entry(sim->slab, addr) & ~SLAB_MAP_HINT);
}

/*
 * slab_prefetch_free - host time only (sim_prefetch_free() in sim.h): ask
 * the host for what a later free of @addr will read, so that a caller who
 * knows its next frees overlaps their cache misses instead of waiting on
 * each in turn.  @stage SIM_PREFETCH_MAP: the page map entry (a few frees
 * ahead); SIM_PREFETCH_SLAB: reads that entry (it should be in the cache
 * by now) and asks for the descriptor's lines and the object's slot
 * record (a free or two ahead).  Reads nothing the simulation computes
 * from and writes nothing: a stale or bogus @addr costs only host time.
 */
static inline void slab_prefetch_free(const struct sim *sim, sim_addr_t addr,
				      enum sim_prefetch_stage stage)
{
	const struct slab_state *st = sim->slab;
	const uintptr_t *e;

	if (!st)
		return;
	e = slab_map_entry(st, addr);
	if (!e)
		return;
	if (stage == SIM_PREFETCH_MAP) {
		slab_host_prefetch(e);
		return;
	}
	if (*e)
		slab_map_prefetch(*e, addr, true);
}

#endif /* SIM_SLAB_H */

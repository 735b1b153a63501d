/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mempool.h - element reserves and shrinkable object caches above the slab layer
 *
 * Glossary (the kernel's own words):
 *   mempool    min_nr elements allocated up front and kept in reserve, so
 *              that a caller that must make progress (I/O completion paths)
 *              can get one when the allocator cannot provide it
 *   element    one object of the pool's backing: a slab object, a kmalloc
 *              buffer of a fixed size or 2^order pages
 *   curr_nr    elements in the reserve now (0 .. min_nr)
 *   list_lru   the LRU of unused cached objects a shrinker walks
 *
 * Invariants (mempool_validate()): 0 <= curr_nr <= max(min_nr, 1) of every
 * live pool; the deferred frees are sorted by due time (ties by sequence);
 * every object on a shrinkable cache's LRU is a live object of its cache.
 */
#ifndef SIM_MEMPOOL_H
#define SIM_MEMPOOL_H

#include "sim.h"
#include "state.h"

/* ---- Types ---- */

struct mempool {
	bool live;
	uint32_t id;
	struct sim_mempool_backing backing;
	int min_nr, curr_nr;
	sim_addr_t *elements;		/* the reserve, a stack: [0, curr_nr) */
	struct sim_mempool_info stats;	/* min_nr/curr_nr/kind filled on read */
};

/* a mempool_free() that happens later (another CPU's completion) */
struct mempool_deferred {
	sim_time_t due;
	uint32_t seq;			/* order among equal due times */
	uint32_t pool;			/* pool id */
	sim_addr_t addr;
};

/* a shrinkable object cache: a kmem_cache, its list_lru and its shrinker */
struct objlru {
	bool live;
	char name[32];
	sim_cache_t cache;
	unsigned flags;			/* SIM_SHRINKER_* */
	int seeks;
	int shrinker_id;		/* reclaim's registry */
	sim_addr_t *objs;		/* oldest first */
	size_t nr, cap;
	uint64_t scanned, freed;
};

struct mempool_state {
	struct mempool **pools;		/* by id; destroyed pools stay, !live */
	size_t nr_pools, cap_pools;
	struct mempool_deferred *deferred;	/* sorted by (due, seq) */
	size_t nr_deferred, cap_deferred;
	uint32_t deferred_seq;
	struct objlru **lrus;		/* by id */
	size_t nr_lrus, cap_lrus;
	bool timer;			/* the deferred-free timer is registered */
	struct sim_ratelimit wait_rs;	/* the "waited ... giving up" warning */
};

/* ---- Prototypes ("mempool.c") ---- */

/** mempool_validate - the invariants above; SIM_ERR with @err on a violation */
int mempool_validate(const struct sim *sim, char *err, size_t errlen);

/* ---- Constants ---- */

#define MEMPOOL_WAIT_NS		(5 * SIM_NSEC_PER_SEC)	/* io_schedule_timeout(5*HZ) */
#define MEMPOOL_TICK_NS		(100 * SIM_NSEC_PER_USEC)	/* delayed frees checked this often */
#define MEMPOOL_GIVE_UP_NS	(120 * SIM_NSEC_PER_SEC)	/* kmemsim's livelock guard */

#endif /* SIM_MEMPOOL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mempool.c - element reserves and shrinkable object caches above the slab layer
 *
 * Stands in for mm/mempool.c (mempool_create with the slab, kmalloc and page
 * helpers, mempool_alloc, mempool_free, mempool_destroy) and for the
 * list_lru + shrinker pairing of caches like the dcache and the icache
 * (list_lru_add/del, a count_objects/scan_objects shrinker), the two users
 * of the slab layer that the reclaim machinery is about.
 *
 * Mempools.  mempool_create() allocates min_nr elements with GFP_KERNEL
 * into a stack (the reserve); any failure undoes everything.
 * mempool_alloc(gfp) adds __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN
 * (never the emergency reserves, never the OOM killer, no warnings), then:
 *   1. the allocator, without __GFP_DIRECT_RECLAIM and __GFP_IO;
 *   2. the reserve, if it has an element;
 *   3. the allocator again with the caller's full flags (once);
 *   4. a caller that cannot block gets NULL; a blocking one sleeps on the
 *      pool until an element is freed into it, or 5 s, then back to 1 with
 *      the full flags.
 * mempool_free() refills the reserve first (while curr_nr < min_nr, or
 * keeps one element when min_nr is 0 and the pool is empty) and wakes a
 * waiter; otherwise the element goes back to the allocator.
 *
 * Waking a waiter.  Scenarios are single-threaded, so "someone frees an
 * element" is a free scheduled ahead: mempool_free(addr, delay) with a
 * delay is queued and done `delay` of virtual time later, as another CPU
 * completing an I/O would.  A waiting caller advances virtual time to the
 * next queued free (or to its 5 s timeout), performs the frees that are
 * due, and looks at the reserve again.  Outside a wait, queued frees are
 * done by a timer every MEMPOOL_TICK_NS, but never while a page allocation
 * or a mempool allocation is under way (reclaim_state.alloc_depth): a free
 * may call into the slab layer, which must not be re-entered from the
 * middle of one of its own allocations.  A blocking caller that has waited
 * MEMPOOL_GIVE_UP_NS with nothing ever coming back gets NULL and a warning:
 * the kernel would wait forever; a simulation must end.
 *
 * Shrinkable object caches (objlru).  Objects of a kmem_cache kept while
 * unused on an LRU, oldest first, like dentries with no references.  The
 * cache registers a shrinker with reclaim: count_objects is the LRU's
 * length; scan_objects frees the oldest objects (kmem_cache_free) and
 * reports the slab pages that gave back; an FS cache returns SHRINK_STOP
 * for reclaim without __GFP_FS (super_cache_scan).
 *
 * Ownership: the state hangs off the reclaim layer (reclaim_state.mempool)
 * and is created on first use; this file calls the slab layer through the
 * public sim_cache_* / sim_kmalloc API and the page allocator directly.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mempool.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "state.h"

/* ---- State ---- */

static void mempool_state_destroy(struct sim *sim)
{
	struct mempool_state *ms = sim->reclaim->mempool;

	if (!ms)
		return;
	for (size_t i = 0; i < ms->nr_pools; i++) {
		free(ms->pools[i]->elements);
		free(ms->pools[i]);
	}
	for (size_t i = 0; i < ms->nr_lrus; i++) {
		free(ms->lrus[i]->objs);
		free(ms->lrus[i]);
	}
	free(ms->pools);
	free(ms->lrus);
	free(ms->deferred);
	free(ms);
	sim->reclaim->mempool = NULL;
}

static struct mempool_state *mempool_state(struct sim *sim)
{
	struct mempool_state *ms = sim->reclaim->mempool;

	if (ms)
		return ms;
	ms = sim_xcalloc(1, sizeof *ms);
	if (!ms)
		return NULL;
	ms->wait_rs = SIM_RATELIMIT_DEFAULT;
	sim->reclaim->mempool = ms;
	sim->reclaim->mempool_destroy = mempool_state_destroy;
	return ms;
}

static const char *mempool_kind_name(enum sim_mempool_kind k)
{
	switch (k) {
	case SIM_MEMPOOL_SLAB: return "slab";
	case SIM_MEMPOOL_KMALLOC: return "kmalloc";
	default: return "page";
	}
}

/* ---- Elements: mempool_alloc_slab / _kmalloc / _pages and their frees ---- */

static int mempool_element_alloc(struct sim *sim, const struct mempool *pool,
				 gfp_t gfp, sim_addr_t *out)
{
	const struct sim_mempool_backing *b = &pool->backing;
	pfn_t pfn;
	int rc;

	switch (b->kind) {
	case SIM_MEMPOOL_SLAB:
		return sim_cache_alloc(sim, b->cache, gfp, out);
	case SIM_MEMPOOL_KMALLOC:
		return sim_kmalloc(sim, b->size, gfp, out);
	default:
		rc = pgalloc_alloc(sim, b->order, gfp, &pfn);
		if (rc == SIM_OK)
			*out = pfn_to_addr(pfn);
		return rc;
	}
}

static void mempool_element_free(struct sim *sim, const struct mempool *pool,
				 sim_addr_t addr)
{
	const struct sim_mempool_backing *b = &pool->backing;

	switch (b->kind) {
	case SIM_MEMPOOL_SLAB:
		sim_cache_free(sim, b->cache, addr);
		break;
	case SIM_MEMPOOL_KMALLOC:
		sim_kfree(sim, addr);
		break;
	default:
		pgalloc_free(sim, addr_to_pfn(addr), b->order);
		break;
	}
}

/* is @addr something this pool could have handed out (now allocated)? */
static bool mempool_element_valid(const struct sim *sim, const struct mempool *pool,
				  sim_addr_t addr)
{
	const struct sim_mempool_backing *b = &pool->backing;
	struct sim_page_info pi;

	switch (b->kind) {
	case SIM_MEMPOOL_SLAB:
		return sim_ksize(sim, addr) > 0;
	case SIM_MEMPOOL_KMALLOC:
		return sim_ksize(sim, addr) >= b->size;
	default:
		if (addr & (SIM_PAGE_SIZE - 1) ||
		    sim_page_info(sim, addr_to_pfn(addr), &pi) != SIM_OK)
			return false;
		return pi.head == pi.pfn && pi.order == b->order &&
		       strcmp(pi.state, "kernel") == 0;
	}
}

/* ---- Handles ---- */

static struct mempool *mempool_get(const struct sim *sim, sim_mempool_t h)
{
	const struct mempool_state *ms = sim->reclaim->mempool;
	uint32_t id = (uint32_t)h;

	if (!ms || !id || id > ms->nr_pools || !ms->pools[id - 1]->live)
		return NULL;
	return ms->pools[id - 1];
}

/* ---- Free (refill first) ---- */

static void mempool_do_free(struct sim *sim, struct mempool *pool, sim_addr_t addr)
{
	pool->stats.frees++;
	if (pool->stats.outstanding)
		pool->stats.outstanding--;
	sim->stats.mempool_free++;
	if (pool->live && (pool->curr_nr < pool->min_nr ||
			   (pool->min_nr == 0 && pool->curr_nr == 0))) {
		pool->elements[pool->curr_nr++] = addr;
		pool->stats.refills++;
		SIM_EVENT(sim, MEMPOOL, pool->id, 2, addr, pool->curr_nr);
		SIM_NOTE(sim, "mempool#%u: element 0x%llx refills the reserve (%d of %d)",
			 pool->id, (unsigned long long)addr, pool->curr_nr, pool->min_nr);
		return;
	}
	SIM_NOTE(sim, "mempool#%u: reserve full, element 0x%llx goes back to the allocator",
		 pool->id, (unsigned long long)addr);
	mempool_element_free(sim, pool, addr);
}

/* perform every queued free due by now */
static void mempool_run_deferred(struct sim *sim)
{
	struct mempool_state *ms = sim->reclaim->mempool;

	while (ms->nr_deferred && ms->deferred[0].due <= sim->now) {
		struct mempool_deferred d = ms->deferred[0];
		struct mempool *pool = ms->pools[d.pool - 1];

		memmove(&ms->deferred[0], &ms->deferred[1],
			(ms->nr_deferred - 1) * sizeof *ms->deferred);
		ms->nr_deferred--;
		if (pool->stats.pending_frees)
			pool->stats.pending_frees--;
		SIM_NOTE(sim, "mempool#%u: a delayed free of 0x%llx completes",
			 pool->id, (unsigned long long)d.addr);
		mempool_do_free(sim, pool, d.addr);
	}
}

static void mempool_tick(struct sim *sim, void *arg)
{
	(void)arg;
	/* never from the middle of an allocation: the free may enter slab */
	if (sim->reclaim->alloc_depth || !sim->reclaim->mempool)
		return;
	mempool_run_deferred(sim);
}

/* sim_timer_add_quiet()'s question: nothing to do before the first delayed
 * free is due (nor at all in the middle of an allocation) */
static sim_time_t mempool_tick_quiet(struct sim *sim, void *arg)
{
	const struct mempool_state *ms = sim->reclaim->mempool;

	(void)arg;
	if (sim->reclaim->alloc_depth || !ms || !ms->nr_deferred)
		return SIM_TIME_NEVER;
	return ms->deferred[0].due;
}

static int mempool_defer(struct sim *sim, struct mempool *pool, sim_addr_t addr,
			 sim_time_t delay)
{
	struct mempool_state *ms = sim->reclaim->mempool;
	struct mempool_deferred d = {
		.due = sim->now + delay, .seq = ms->deferred_seq++,
		.pool = pool->id, .addr = addr,
	};
	size_t i;

	if (!ms->timer) {
		int rc = sim_timer_add_quiet(sim, MEMPOOL_TICK_NS, MEMPOOL_TICK_NS,
					     mempool_tick, mempool_tick_quiet,
					     NULL, NULL);

		if (rc != SIM_OK)
			return sim_set_reason(sim, rc, "out of host memory");
		ms->timer = true;
	}
	if (ms->nr_deferred == ms->cap_deferred) {
		size_t cap = ms->cap_deferred ? 2 * ms->cap_deferred : 16;
		struct mempool_deferred *n = sim_xrealloc(ms->deferred, cap * sizeof *n);

		if (!n)
			return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		ms->deferred = n;
		ms->cap_deferred = cap;
	}
	for (i = ms->nr_deferred; i > 0 && ms->deferred[i - 1].due > d.due; i--)
		ms->deferred[i] = ms->deferred[i - 1];
	ms->deferred[i] = d;
	ms->nr_deferred++;
	pool->stats.pending_frees++;
	return SIM_OK;
}

int sim_mempool_free(struct sim *sim, sim_mempool_t h, sim_addr_t addr,
		     sim_time_t delay)
{
	struct mempool *pool = mempool_get(sim, h);
	struct mempool_state *ms;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!pool)
		return sim_set_reason(sim, SIM_ENOENT, "no such mempool");
	if (!addr)		/* mempool_free(NULL) */
		return SIM_OK;
	ms = sim->reclaim->mempool;
	for (int i = 0; i < pool->curr_nr; i++)
		if (pool->elements[i] == addr)
			goto bad;
	for (size_t i = 0; i < ms->nr_deferred; i++)
		if (ms->deferred[i].addr == addr)
			goto bad;
	if (!mempool_element_valid(sim, pool, addr))
		goto bad;
	if (delay)
		return mempool_defer(sim, pool, addr, delay);
	mempool_do_free(sim, pool, addr);
	return SIM_OK;
bad:
	sim_report_bug(sim, SIM_BUG_INVALID_FREE,
		       "mempool_free: 0x%llx is not an element of mempool#%u handed out (%s pool)",
		       (unsigned long long)addr, pool->id,
		       mempool_kind_name(pool->backing.kind));
	return SIM_EBUG;
}

/* ---- Alloc ---- */

/* sleep on the pool until an element comes back or MEMPOOL_WAIT_NS pass */
static void mempool_wait(struct sim *sim, struct mempool *pool)
{
	struct mempool_state *ms = sim->reclaim->mempool;
	sim_time_t deadline = sim->now + MEMPOOL_WAIT_NS;

	pool->stats.waits++;
	sim->stats.mempool_wait++;
	SIM_EVENT(sim, MEMPOOL, pool->id, 3, 0, 0);
	SIM_NOTE(sim, "mempool#%u: allocator and reserve empty: sleep until an element is freed (at most 5 s)",
		 pool->id);
	while (sim->now < deadline && pool->curr_nr == 0) {
		sim_time_t next = ms->nr_deferred ? ms->deferred[0].due : deadline;

		if (next > deadline)
			next = deadline;
		if (next > sim->now)
			sim_advance(sim, next - sim->now);
		mempool_run_deferred(sim);
	}
}

int sim_mempool_alloc(struct sim *sim, sim_mempool_t h, gfp_t gfp,
		      sim_addr_t *out)
{
	struct mempool *pool = mempool_get(sim, h);
	struct reclaim_state *r = sim->reclaim;
	gfp_t gfp_temp, caller_gfp;
	sim_time_t started = sim->now;
	char why[256];
	int rc = SIM_OK;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!pool)
		return sim_set_reason(sim, SIM_ENOENT, "no such mempool");
	reclaim_alloc_enter(sim, gfp);	/* mempool_alloc(): might_alloc() */
	caller_gfp = gfp;
	gfp |= __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN;
	gfp_temp = gfp & ~(gfp_t)(__GFP_DIRECT_RECLAIM | __GFP_IO);
	r->alloc_depth++;
	for (;;) {
		sim_addr_t a;

		rc = mempool_element_alloc(sim, pool, gfp_temp, &a);
		if (rc == SIM_OK) {
			*out = a;
			SIM_NOTE(sim, "mempool#%u: the allocator gave 0x%llx", pool->id,
				 (unsigned long long)a);
			break;
		}
		snprintf(why, sizeof why, "%s", sim_last_reason(sim));
		if (pool->curr_nr) {
			*out = pool->elements[--pool->curr_nr];
			pool->stats.from_reserve++;
			sim->stats.mempool_reserve_used++;
			SIM_EVENT(sim, MEMPOOL, pool->id, 1, *out, pool->curr_nr);
			SIM_NOTE(sim, "mempool#%u: allocator failed, element 0x%llx from the reserve (%d left)",
				 pool->id, (unsigned long long)*out, pool->curr_nr);
			rc = SIM_OK;
			break;
		}
		if (gfp_temp != gfp) {	/* once more with the full flags */
			gfp_temp = gfp;
			continue;
		}
		if (!(gfp & __GFP_DIRECT_RECLAIM)) {
			pool->stats.failures++;
			sim->stats.mempool_fail++;
			rc = sim_set_reason(sim, SIM_ENOMEM,
					    "mempool#%u: reserve empty, the caller cannot wait, and the allocator failed: %s",
					    pool->id, why);
			break;
		}
		if (sim->now - started >= MEMPOOL_GIVE_UP_NS) {
			pool->stats.failures++;
			sim->stats.mempool_fail++;
			/* kmemsim's own warning: printk_ratelimited(), and the
			 * caller's __GFP_NOWARN silences it */
			if (!(caller_gfp & __GFP_NOWARN) &&
			    sim_ratelimit(sim, &mempool_state(sim)->wait_rs, "mempool_alloc"))
				sim_report_bug(sim, SIM_BUG_WARN,
					       "kmemsim: %s:%u waited %llu s in mempool_alloc for mempool#%u and nothing frees an element: giving up (the kernel would wait forever)",
					       reclaim_current_comm(sim), reclaim_current_pid(sim),
					       (unsigned long long)((sim->now - started) / SIM_NSEC_PER_SEC),
					       pool->id);
			rc = sim_set_reason(sim, SIM_ENOMEM,
					    "mempool#%u: waited %llu s, nothing freed an element",
					    pool->id,
					    (unsigned long long)((sim->now - started) / SIM_NSEC_PER_SEC));
			break;
		}
		mempool_wait(sim, pool);
	}
	r->alloc_depth--;
	reclaim_alloc_exit(sim);
	if (rc == SIM_OK) {
		pool->stats.allocs++;
		pool->stats.outstanding++;
		sim->stats.mempool_alloc++;
	}
	return rc;
}

/* ---- Create and destroy ---- */

int sim_mempool_create(struct sim *sim, int min_nr,
		       const struct sim_mempool_backing *backing,
		       sim_mempool_t *out)
{
	struct mempool_state *ms;
	struct mempool *pool;

	SIM_REFUSE_IF_PANICKED(sim);
	ms = mempool_state(sim);
	if (!ms)
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	if (min_nr < 0 || min_nr > 1 << 20)
		return sim_set_reason(sim, SIM_EINVAL, "mempool min_nr %d out of range", min_nr);
	switch (backing->kind) {
	case SIM_MEMPOOL_SLAB:
		if (!sim_cache_valid(sim, backing->cache))
			return sim_set_reason(sim, SIM_ENOENT, "mempool: no such cache");
		break;
	case SIM_MEMPOOL_KMALLOC:
		if (!backing->size)
			return sim_set_reason(sim, SIM_EINVAL, "mempool: kmalloc size 0");
		break;
	case SIM_MEMPOOL_PAGES:
		if (backing->order > SIM_MAX_ORDER)
			return sim_set_reason(sim, SIM_EINVAL,
					      "mempool: order %u out of range (0..%d)",
					      backing->order, SIM_MAX_ORDER);
		break;
	default:
		return sim_set_reason(sim, SIM_EINVAL, "mempool: bad backing kind");
	}
	if (ms->nr_pools == ms->cap_pools) {
		size_t cap = ms->cap_pools ? 2 * ms->cap_pools : 4;
		struct mempool **n = sim_xrealloc(ms->pools, cap * sizeof *n);

		if (!n)
			return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		ms->pools = n;
		ms->cap_pools = cap;
	}
	pool = sim_xcalloc(1, sizeof *pool);
	if (pool)
		pool->elements = sim_xcalloc((size_t)SIM_MAX(min_nr, 1), sizeof *pool->elements);
	if (!pool || !pool->elements) {
		if (pool)
			free(pool->elements);
		free(pool);
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	}
	pool->id = (uint32_t)ms->nr_pools + 1;
	pool->backing = *backing;
	pool->min_nr = min_nr;
	pool->live = true;
	/* pre-allocate the reserve; any failure undoes it all */
	while (pool->curr_nr < min_nr) {
		sim_addr_t a;
		int rc = mempool_element_alloc(sim, pool, GFP_KERNEL, &a);

		if (rc != SIM_OK) {
			char why[200];
			int got = pool->curr_nr;

			snprintf(why, sizeof why, "%s", sim_last_reason(sim));
			while (pool->curr_nr)
				mempool_element_free(sim, pool, pool->elements[--pool->curr_nr]);
			free(pool->elements);
			free(pool);
			return sim_set_reason(sim, rc, "mempool_create: element %d of %d: %s",
					      got + 1, min_nr, why);
		}
		pool->elements[pool->curr_nr++] = a;
	}
	ms->pools[ms->nr_pools++] = pool;
	*out = pool->id;
	SIM_NOTE(sim, "mempool#%u: %d %s elements in reserve", pool->id, min_nr,
		 mempool_kind_name(backing->kind));
	return SIM_OK;
}

int sim_mempool_destroy(struct sim *sim, sim_mempool_t h)
{
	struct mempool *pool = mempool_get(sim, h);
	struct mempool_state *ms;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!pool)
		return sim_set_reason(sim, SIM_ENOENT, "no such mempool");
	ms = sim->reclaim->mempool;
	pool->live = false;
	/* queued frees of this pool go straight back to the allocator */
	for (size_t i = 0; i < ms->nr_deferred;) {
		if (ms->deferred[i].pool == pool->id) {
			sim_addr_t a = ms->deferred[i].addr;

			memmove(&ms->deferred[i], &ms->deferred[i + 1],
				(ms->nr_deferred - i - 1) * sizeof *ms->deferred);
			ms->nr_deferred--;
			mempool_element_free(sim, pool, a);
		} else {
			i++;
		}
	}
	pool->stats.pending_frees = 0;
	while (pool->curr_nr)
		mempool_element_free(sim, pool, pool->elements[--pool->curr_nr]);
	return SIM_OK;
}

int sim_mempool_get_info(const struct sim *sim, sim_mempool_t h,
			 struct sim_mempool_info *out)
{
	const struct mempool *pool = mempool_get(sim, h);

	if (!pool)
		return SIM_ENOENT;
	*out = pool->stats;
	out->min_nr = pool->min_nr;
	out->curr_nr = pool->curr_nr;
	out->kind = pool->backing.kind;
	return SIM_OK;
}

/* ---- Shrinkable object caches ---- */

static uint64_t objlru_slab_pages(const struct sim *sim)
{
	uint64_t rec, unrec;

	sim_slab_vmstat(sim, &rec, &unrec);
	return rec + unrec;
}

static unsigned long objlru_count(struct sim *sim, void *priv,
				  struct shrink_control *sc)
{
	const struct objlru *lru = priv;

	(void)sim;
	(void)sc;
	return lru->live ? lru->nr : 0;
}

/* the shrinker's scan: free the oldest objects (prune_dcache_sb and co.) */
static unsigned long objlru_scan(struct sim *sim, void *priv,
				 struct shrink_control *sc)
{
	struct objlru *lru = priv;
	uint64_t before, after;
	size_t n;

	if ((lru->flags & SIM_SHRINKER_FS) && !(sc->gfp_mask & __GFP_FS))
		return SHRINK_STOP;
	n = SIM_MIN(sc->nr_to_scan, lru->nr);
	before = objlru_slab_pages(sim);
	for (size_t i = 0; i < n; i++)
		sim_cache_free(sim, lru->cache, lru->objs[i]);
	memmove(lru->objs, lru->objs + n, (lru->nr - n) * sizeof *lru->objs);
	lru->nr -= n;
	after = objlru_slab_pages(sim);
	sc->nr_scanned = n;
	sc->pages_freed = before > after ? (unsigned long)(before - after) : 0;
	lru->scanned += n;
	lru->freed += n;
	return n;
}

static const struct shrinker_ops objlru_shrinker_ops = {
	.count_objects = objlru_count,
	.scan_objects = objlru_scan,
};

static struct objlru *objlru_get(const struct sim *sim, sim_shrinker_t h)
{
	const struct mempool_state *ms = sim->reclaim->mempool;
	uint32_t id = (uint32_t)h;

	if (!ms || !id || id > ms->nr_lrus || !ms->lrus[id - 1]->live)
		return NULL;
	return ms->lrus[id - 1];
}

int sim_shrinker_create(struct sim *sim, const char *name, sim_cache_t cache,
			unsigned flags, int seeks, sim_shrinker_t *out)
{
	struct mempool_state *ms;
	struct objlru *lru;
	int id;

	SIM_REFUSE_IF_PANICKED(sim);
	ms = mempool_state(sim);
	if (!ms)
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	if (!sim_cache_valid(sim, cache))
		return sim_set_reason(sim, SIM_ENOENT, "shrinker: no such cache");
	if (seeks < 0 || seeks > 1000)
		return sim_set_reason(sim, SIM_EINVAL, "shrinker: seeks %d out of range", seeks);
	if (ms->nr_lrus == ms->cap_lrus) {
		size_t cap = ms->cap_lrus ? 2 * ms->cap_lrus : 4;
		struct objlru **n = sim_xrealloc(ms->lrus, cap * sizeof *n);

		if (!n)
			return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		ms->lrus = n;
		ms->cap_lrus = cap;
	}
	lru = sim_xcalloc(1, sizeof *lru);
	if (!lru)
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	snprintf(lru->name, sizeof lru->name, "%s", name && *name ? name : "shrinker");
	lru->cache = cache;
	lru->flags = flags;
	lru->seeks = seeks;
	lru->live = true;
	id = reclaim_register_shrinker(sim, lru->name, &objlru_shrinker_ops, lru, seeks);
	if (id < 0) {
		free(lru);
		return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	}
	lru->shrinker_id = id;
	ms->lrus[ms->nr_lrus++] = lru;
	*out = ms->nr_lrus;
	return SIM_OK;
}

int sim_shrinker_alloc(struct sim *sim, sim_shrinker_t h, gfp_t gfp,
		       sim_addr_t *out)
{
	struct objlru *lru = objlru_get(sim, h);
	sim_addr_t a;
	int rc;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!lru)
		return sim_set_reason(sim, SIM_ENOENT, "no such shrinker");
	if (lru->nr == lru->cap) {
		size_t cap = lru->cap ? 2 * lru->cap : 64;
		sim_addr_t *n = sim_xrealloc(lru->objs, cap * sizeof *n);

		if (!n)
			return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		lru->objs = n;
		lru->cap = cap;
	}
	rc = sim_cache_alloc(sim, lru->cache, gfp, &a);
	if (rc != SIM_OK)
		return rc;
	/* the allocation may have shrunk this very LRU: append after it */
	lru->objs[lru->nr++] = a;
	*out = a;
	return SIM_OK;
}

int sim_shrinker_free(struct sim *sim, sim_shrinker_t h, sim_addr_t addr)
{
	struct objlru *lru = objlru_get(sim, h);

	SIM_REFUSE_IF_PANICKED(sim);
	if (!lru)
		return sim_set_reason(sim, SIM_ENOENT, "no such shrinker");
	for (size_t i = 0; i < lru->nr; i++) {
		if (lru->objs[i] == addr) {
			memmove(&lru->objs[i], &lru->objs[i + 1],
				(lru->nr - i - 1) * sizeof *lru->objs);
			lru->nr--;
			return sim_cache_free(sim, lru->cache, addr);
		}
	}
	return sim_set_reason(sim, SIM_ENOENT,
			      "0x%llx is not on the LRU of %s (freed by reclaim?)",
			      (unsigned long long)addr, lru->name);
}

int sim_shrinker_get_info(const struct sim *sim, sim_shrinker_t h,
			  struct sim_shrinker_info *out)
{
	const struct objlru *lru = objlru_get(sim, h);

	if (!lru)
		return SIM_ENOENT;
	out->name = lru->name;
	out->objects = lru->nr;
	out->scanned = lru->scanned;
	out->freed = lru->freed;
	out->seeks = lru->seeks;
	out->fs = lru->flags & SIM_SHRINKER_FS;
	return SIM_OK;
}

/* ---- Validation ---- */

int mempool_validate(const struct sim *sim, char *err, size_t errlen)
{
	const struct mempool_state *ms = sim->reclaim ? sim->reclaim->mempool : NULL;

	if (!ms)
		return SIM_OK;
	for (size_t i = 0; i < ms->nr_pools; i++) {
		const struct mempool *p = ms->pools[i];

		if (p->live && (p->curr_nr < 0 || p->curr_nr > SIM_MAX(p->min_nr, 1))) {
			snprintf(err, errlen, "mempool#%u: curr_nr %d, min_nr %d", p->id,
				 p->curr_nr, p->min_nr);
			return SIM_ERR;
		}
	}
	for (size_t i = 1; i < ms->nr_deferred; i++) {
		if (ms->deferred[i - 1].due > ms->deferred[i].due) {
			snprintf(err, errlen, "mempool: delayed frees out of order");
			return SIM_ERR;
		}
	}
	for (size_t i = 0; i < ms->nr_lrus; i++) {
		const struct objlru *l = ms->lrus[i];

		for (size_t j = 0; l->live && j < l->nr; j++) {
			if (!sim_ksize(sim, l->objs[j])) {
				snprintf(err, errlen, "shrinker %s: 0x%llx on the LRU is no live object",
					 l->name, (unsigned long long)l->objs[j]);
				return SIM_ERR;
			}
		}
	}
	return SIM_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reclaim.c - page reclaim: LRU lists, kswapd, direct reclaim, shrinkers, swap
 *
 * Stands in for mm/vmscan.c (try_to_free_pages, shrink_node, shrink_lruvec,
 * get_scan_count, isolate_lru_folios, shrink_folio_list, balance_pgdat,
 * wakeup_kswapd, pgdat_balanced), mm/shrinker.c (shrink_slab,
 * do_shrink_slab), the swap-out half of mm/page_io.c, drop_caches and
 * sync, and the might_alloc() check of include/linux/sched/mm.h.
 *
 * The pages.  Reclaimable memory is what the scenario creates: page-cache
 * pages (clean or dirty) and tasks' anonymous pages, each an order-0
 * allocated block whose use is PAGE_USE_PAGECACHE or PAGE_USE_ANON, linked
 * into its node's file or anon LRU list through the struct page pfn links
 * (free for allocated blocks) with its flags in page->list (PGL_*).  New
 * pages go to the head; reclaim takes from the tail, so the oldest go
 * first.  There is one list per type (no active/inactive pair): a page that
 * cannot be reclaimed now is rotated to the head, which is what activating
 * it amounts to in a model without access bits.
 *
 * What reclaim may do with a page (shrink_folio_list):
 *   clean file page   drop it (any reclaimer)
 *   dirty file page   direct reclaim never writes file pages: it marks the
 *                     page PG_reclaim and rotates it; kswapd writes a page it
 *                     finds already marked (COST_WRITEBACK_PAGE) and drops it
 *   anon page         swap it out if there is swap space and the reclaimer
 *                     may do I/O (__GFP_IO: may_enter_fs for swap-backed
 *                     pages), else rotate; without swap anon lists are not
 *                     scanned at all (get_scan_count's SCAN_FILE)
 * so GFP_NOIO reclaim can only drop clean page cache, GFP_NOFS can also swap
 * but its FS shrinkers stop, and dirty page cache needs kswapd whatever the
 * caller.  Pages of zones above the reclaimer's reclaim_idx are skipped
 * (rotated) as isolate_lru_folios() does.
 *
 * How much to scan (get_scan_count, simplified): a pass at priority p scans
 * file >> p pages; while that is non-zero the file list alone is trimmed
 * (cache_trim_mode: plenty of page cache that is not thrashing); anon pages
 * are scanned, anon >> p of them, once the file list is too small for this
 * priority, and at priority 0 both lists whole.  Work goes in batches of
 * SWAP_CLUSTER_MAX pages, anon batch first, as for_each_evictable_lru().
 * Shrinkers run after each pass at the pass's priority (do_shrink_slab: a
 * cache of n objects is asked for (n >> p) * 4 / seeks, deferred work
 * carried over, capped at 2n).
 *
 * Direct reclaim (try_to_free_pages): nr_to_reclaim = SWAP_CLUSTER_MAX;
 * priorities 12..0 over the nodes of the zonelist until 32 pages are freed.
 * Costly orders skip zones where compaction could already run
 * (compaction_ready) and report progress if every zone was.  The task does
 * the work itself: the modelled cost of every batch is slept
 * (reclaim_sleep: virtual time advances and timers, kswapd among them, run
 * in between) and counted as its stall; a run that freed nothing backs off
 * COST_CONGESTION_WAIT (reclaim_throttle, VMSCAN_THROTTLE_NOPROGRESS).
 * allocstall_<zone> counts runs by reclaim_idx, pgscan/pgsteal_direct the
 * pages.  PF_MEMALLOC is set while it runs (memalloc_noreclaim_save).
 *
 * kswapd (balance_pgdat) is background work of a timer that fires every
 * KSWAPD_TICK_NS of virtual time: a woken node's kswapd gets that much
 * modelled work per tick (a 100 us writeback takes a whole tick; debt
 * carries over), without charging the clock, as a thread on another CPU
 * would.  A run starts at DEF_PRIORITY for the order and highest zone it was
 * woken for; each pass targets sum over its zones of max(high, 32) pages;
 * the priority drops when a pass scanned less than that or freed nothing;
 * once a high-order run has freed compact_gap(order) it balances for order
 * 0.  The node is balanced when any zone up to the highest passes its high
 * watermark (boost included) at the run's order.  A run that gets to
 * priority 0 without freeing anything counts a kswapd failure; at
 * MAX_RECLAIM_RETRIES the node is hopeless (node_unreclaimable) and kswapd
 * sleeps until some reclaim succeeds.  A balanced or hopeless kswapd goes
 * to sleep, waking kcompactd for the order it was asked for; a watermark
 * boost recorded at the run's start is cleared at its end (reclaim of
 * only a boost does not write back or swap).
 *
 * Ordering and ownership: this file owns the LRU lists, the shrinker
 * registry and the swap counters; it frees pages only through pgalloc_free
 * and allocates only through pgalloc_alloc.  It never calls the slab layer:
 * shrinkers are callbacks registered from above.  Every place where virtual
 * time passes (reclaim_sleep) is between batches, holding no list cursor,
 * because timers may change the lists meanwhile.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "cost.h"
#include "oom.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "state.h"

/* the per-pass overhead of kswapd, so a pass over empty lists still costs */
#define KSWAPD_PASS_COST	(1 * SIM_NSEC_PER_USEC)

static struct reclaim_node *rnode(const struct sim *sim, unsigned nid)
{
	return &sim->reclaim->nodes[nid];
}

static enum lru_type lru_type_of(const struct page *p)
{
	return p->use == PAGE_USE_ANON ? LRU_ANON : LRU_FILE;
}

/* ---- Time and reports ---- */

void reclaim_sleep(struct sim *sim, sim_time_t ns)
{
	if (!ns)
		return;
	sim->reclaim->stall += ns;
	sim_advance(sim, ns);
}

uint32_t reclaim_current_pid(const struct sim *sim)
{
	const struct oom_state *o = sim->reclaim ? sim->reclaim->oom : NULL;

	return o ? o->current : 1;
}

const char *reclaim_current_comm(const struct sim *sim)
{
	const struct task *t = oom_task(sim, reclaim_current_pid(sim));

	return t ? t->comm : "kmemsim";
}

void reclaim_warn_once(struct sim *sim, unsigned bit, const char *msg)
{
	struct reclaim_state *r = sim->reclaim;

	if (r->warned_once & (1u << bit))
		return;
	r->warned_once |= 1u << bit;
	sim_report_bug(sim, SIM_BUG_WARN, "%s", msg);
}

/* preempt_count() of the running context: spinlock 1, softirq 0x100, hardirq 0x10000 */
static unsigned reclaim_preempt_count(const struct sim *sim, bool *irqs_off)
{
	const struct sim_cpu *c = &sim->cpus[sim->cur_cpu];
	unsigned pc = 0;

	*irqs_off = false;
	for (unsigned i = 1; i <= c->depth; i++) {
		switch (c->ctx[i]) {
		case SIM_CTX_ATOMIC:  pc += 1; break;
		case SIM_CTX_SOFTIRQ: pc += 0x100; break;
		case SIM_CTX_HARDIRQ: pc += 0x10000; *irqs_off = true; break;
		default: break;
		}
	}
	return pc;
}

/*
 * The line of might_alloc()'s might_sleep_if() in include/linux/sched/mm.h:
 * __might_sleep() prints __FILE__:__LINE__ of its caller, and might_alloc()
 * is an inline function there, so every allocator entry reports the same
 * place.  6.1: line 274 (linux-source-6.1); 6.18: line 323.
 */
static const char *might_alloc_line(const struct sim *sim)
{
	return sim_get_config(sim)->kernel >= SIM_KERNEL_6_18
	       ? "include/linux/sched/mm.h:323" : "include/linux/sched/mm.h:274";
}

void sim_might_alloc(struct sim *sim, gfp_t gfp)
{
	struct reclaim_state *r = sim->reclaim;
	uint64_t j;
	bool irqs_off;
	unsigned pc;

	if (!(gfp & __GFP_DIRECT_RECLAIM) || !sim_in_atomic(sim))
		return;
	/* an inner allocator of a call already checked at its entry: one
	 * offending call is one count and at most one report */
	if (r && r->might_alloc_nest)
		return;
	sim->stats.sleep_in_atomic++;
	/* without CONFIG_DEBUG_ATOMIC_SLEEP, might_sleep() is only might_resched() */
	if (!r || !sim_get_config(sim)->debug_atomic_sleep)
		return;
	/*
	 * __might_resched()'s own rate limit, in jiffies: nothing if
	 * time_before(jiffies, prev_jiffy + HZ) after a first report.  One
	 * timestamp for the whole machine (a static in the kernel), no
	 * "callbacks suppressed" line.
	 */
	j = sim_jiffies(sim->now);
	if (r->might_sleep_prev_jiffy && j < r->might_sleep_prev_jiffy - 1 + SIM_HZ) {
		SIM_NOTE(sim, "might_sleep: a blocking allocation in %s context (report rate-limited)",
			 sim_context_name(sim_context(sim)));
		return;
	}
	r->might_sleep_prev_jiffy = j + 1;	/* 0 stays "never reported" */
	pc = reclaim_preempt_count(sim, &irqs_off);
	SIM_NOTE(sim, "might_sleep: %s may block (__GFP_DIRECT_RECLAIM) but runs in %s context: bug report",
		 "the allocation", sim_context_name(sim_context(sim)));
	sim_report_bug(sim, SIM_BUG_SLEEP_ATOMIC,
		       "BUG: sleeping function called from invalid context at %s",
		       might_alloc_line(sim));
	sim_printk(sim, "in_atomic(): 1, irqs_disabled(): %d, non_block: 0, pid: %u, name: %s",
		   irqs_off ? 1 : 0, reclaim_current_pid(sim), reclaim_current_comm(sim));
	sim_printk(sim, "preempt_count: %x, expected: 0", pc);
}

/* ---- LRU lists ---- */

void reclaim_add_lru_page(struct sim *sim, pfn_t pfn, enum lru_type type,
			  uint32_t owner, bool dirty)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *p = pg_page(pg, pfn);
	struct reclaim_node *rn = rnode(sim, (unsigned)page_node(sim, pfn));

	SIM_ASSERT(p->flags == PG_head && p->order == 0 && !(p->list & PGL_LRU));
	page_set_use(sim, pfn, 1, type == LRU_FILE ? PAGE_USE_PAGECACHE : PAGE_USE_ANON,
		     owner);
	p->list = (uint8_t)(PGL_LRU | (dirty ? PGL_DIRTY : 0));
	free_list_add(pg, &rn->lru[type], pfn, false);
	if (dirty) {
		rn->nr_dirty++;
		sim->stats.nr_dirtied++;
	}
}

/* unlink a page from its LRU; it stays allocated with its use */
static void lru_del(struct sim *sim, pfn_t pfn)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *p = pg_page(pg, pfn);
	struct reclaim_node *rn = rnode(sim, (unsigned)page_node(sim, pfn));

	SIM_ASSERT(p->list & PGL_LRU);
	free_list_del(pg, &rn->lru[lru_type_of(p)], pfn);
	if (p->list & PGL_DIRTY)
		rn->nr_dirty--;
	p->list = 0;
}

/* to the head of its list: "activate" / keep */
static void lru_rotate(struct sim *sim, struct reclaim_node *rn, pfn_t pfn)
{
	struct page *p = pg_page(sim->pg, pfn);
	struct free_list *l = &rn->lru[lru_type_of(p)];

	free_list_del(sim->pg, l, pfn);
	free_list_add(sim->pg, l, pfn, false);
}

void reclaim_put_lru_page(struct sim *sim, pfn_t pfn)
{
	lru_del(sim, pfn);
	pgalloc_free(sim, pfn, 0);
}

bool reclaim_page_is_lru(const struct sim *sim, pfn_t pfn)
{
	const struct page *p;

	if (!pfn_valid(sim, pfn))
		return false;
	p = pg_page(sim->pg, pfn);
	return p->flags == PG_head && p->order == 0 && (p->list & PGL_LRU) &&
	       page_use_movable((enum page_use)p->use);
}

void reclaim_lru_replace(struct sim *sim, pfn_t oldpfn, pfn_t newpfn)
{
	struct pgalloc_state *pg = sim->pg;
	struct page *o = pg_page(pg, oldpfn), *n = pg_page(pg, newpfn);
	struct reclaim_node *rn = rnode(sim, (unsigned)page_node(sim, oldpfn));
	struct free_list *l = &rn->lru[lru_type_of(o)];
	uint32_t x = (uint32_t)newpfn;

	SIM_ASSERT(page_node(sim, oldpfn) == page_node(sim, newpfn));
	SIM_ASSERT(n->flags == PG_head && n->order == 0 && !(n->list & PGL_LRU));
	page_set_use(sim, newpfn, 1, (enum page_use)o->use, o->owner);
	n->list = o->list;
	n->prev = o->prev;
	n->next = o->next;
	if (o->prev == PAGE_NIL)
		l->head = x;
	else
		pg_page(pg, o->prev)->next = x;
	if (o->next == PAGE_NIL)
		l->tail = x;
	else
		pg_page(pg, o->next)->prev = x;
	o->list = 0;
	o->next = o->prev = PAGE_NIL;
	page_set_use(sim, oldpfn, 1, PAGE_USE_KERNEL, 0);
}

unsigned long reclaim_free_task_pages(struct sim *sim, uint32_t pid)
{
	struct pgalloc_state *pg = sim->pg;
	unsigned long n = 0;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		uint32_t x = rnode(sim, nid)->lru[LRU_ANON].head;

		while (x != PAGE_NIL) {
			uint32_t next = pg_page(pg, x)->next;

			if (pg_page(pg, x)->owner == pid) {
				reclaim_put_lru_page(sim, x);
				n++;
			}
			x = next;
		}
	}
	return n;
}

/* ---- Reclaimable pages and swap ---- */

static bool reclaim_can_swap(const struct sim *sim)
{
	return sim->reclaim->swap_used < sim->reclaim->swap_total;
}

unsigned long reclaim_zone_reclaimable_pages(const struct sim *sim,
					     const struct zone *z)
{
	unsigned long n = z->nr_use[PAGE_USE_PAGECACHE];

	/* can_reclaim_anon_pages(): swap space left */
	if (reclaim_can_swap(sim))
		n += z->nr_use[PAGE_USE_ANON];
	return n;
}

int sim_swap_set(struct sim *sim, uint64_t pages)
{
	struct reclaim_state *r = sim->reclaim;

	SIM_REFUSE_IF_PANICKED(sim);
	if (pages < r->swap_used)
		return sim_set_reason(sim, SIM_EBUSY,
				      "swap: %lu pages in use, cannot shrink to %llu",
				      r->swap_used, (unsigned long long)pages);
	r->swap_total = (unsigned long)pages;
	SIM_NOTE(sim, "swapon: %lu pages of swap (%lu in use)", r->swap_total,
		 r->swap_used);
	return SIM_OK;
}

/* ---- Shrinking one batch of one LRU (isolate_lru_folios + shrink_folio_list) ---- */

/* what reclaim did with one page */
enum reclaim_verdict { PAGE_KEPT, PAGE_FREED };

static enum reclaim_verdict reclaim_one_page(struct sim *sim,
					     struct scan_control *sc,
					     struct reclaim_node *rn, pfn_t pfn)
{
	struct page *p = pg_page(sim->pg, pfn);
	bool anon = p->use == PAGE_USE_ANON;

	sc->cost += COST_RECLAIM_PAGE;
	if (anon) {
		sim->stats.pgscan_anon++;
		/* add_to_swap + pageout: swap space and may_enter_fs (IO) */
		if (!sc->may_swap || !reclaim_can_swap(sim) ||
		    !(sc->gfp_mask & __GFP_IO)) {
			lru_rotate(sim, rn, pfn);
			return PAGE_KEPT;
		}
		sc->cost += COST_SWAPOUT_PAGE;
		sim->reclaim->swap_used++;
		sim->stats.pswpout++;
		sim->stats.pgsteal_anon++;
		oom_task_swapped(sim, p->owner);
		reclaim_put_lru_page(sim, pfn);
		return PAGE_FREED;
	}
	sim->stats.pgscan_file++;
	if (p->list & PGL_DIRTY) {
		/* only kswapd writes file pages, and only ones seen before */
		if (!sc->is_kswapd || !(p->list & PGL_RECLAIM) ||
		    !sc->may_writepage || !(sc->gfp_mask & __GFP_FS)) {
			p->list |= PGL_RECLAIM;
			lru_rotate(sim, rn, pfn);
			sc->nr_dirty++;
			return PAGE_KEPT;
		}
		sc->cost += COST_WRITEBACK_PAGE;
		p->list &= (uint8_t)~(PGL_DIRTY | PGL_RECLAIM);
		rn->nr_dirty--;
		sim->stats.nr_written++;
	}
	sim->stats.pgsteal_file++;
	reclaim_put_lru_page(sim, pfn);
	return PAGE_FREED;
}

/*
 * Take up to @nr eligible pages from the tail of @type's list on node @nid
 * and reclaim them.  Pages of zones above reclaim_idx are rotated without
 * counting (as folios_skipped).  Return: pages freed.
 */
static unsigned long reclaim_shrink_batch(struct sim *sim,
					  struct scan_control *sc,
					  unsigned nid, enum lru_type type,
					  unsigned long nr)
{
	struct reclaim_node *rn = rnode(sim, nid);
	struct free_list *l = &rn->lru[type];
	unsigned long scanned = 0, freed = 0, seen = 0, len = l->nr;

	while (scanned < nr && seen < len && l->tail != PAGE_NIL) {
		pfn_t pfn = l->tail;

		seen++;
		if (page_zone_idx(sim, pfn) > sc->reclaim_idx) {
			lru_rotate(sim, rn, pfn);
			continue;
		}
		scanned++;
		if (reclaim_one_page(sim, sc, rn, pfn) == PAGE_FREED)
			freed++;
	}
	sc->nr_scanned += scanned;
	sc->nr_reclaimed += freed;
	if (sc->is_kswapd) {
		sim->stats.pgscan_kswapd += scanned;
		sim->stats.pgsteal_kswapd += freed;
	} else {
		sim->stats.pgscan_direct += scanned;
		sim->stats.pgsteal_direct += freed;
	}
	/* any reclaim progress makes the node hopeful again */
	if (freed)
		sim->pg->nodes[nid].kswapd_failures = 0;
	return freed;
}

/*
 * get_scan_count() as the file essay says: how many pages of each list a
 * pass at @priority scans on node @nid.
 */
static void reclaim_scan_count(const struct sim *sim,
			       const struct scan_control *sc, unsigned nid,
			       unsigned long nr[NR_LRU_TYPES])
{
	const struct reclaim_node *rn = rnode(sim, nid);
	unsigned long file = rn->lru[LRU_FILE].nr, anon = rn->lru[LRU_ANON].nr;
	bool anon_ok = sc->may_swap && reclaim_can_swap(sim);
	int p = sc->priority;

	nr[LRU_FILE] = p ? file >> p : file;
	nr[LRU_ANON] = 0;
	if (anon_ok && (!nr[LRU_FILE] || !p))
		nr[LRU_ANON] = p ? anon >> p : anon;
}

/*
 * One shrink_node() pass of direct reclaim on node @nid: batches until the
 * pass's scan counts run out or the target is met.  Each batch's work is
 * slept before the next (the lists may change meanwhile).
 */
static void reclaim_direct_node_pass(struct sim *sim, struct scan_control *sc,
				     unsigned nid)
{
	unsigned long nr[NR_LRU_TYPES];

	reclaim_scan_count(sim, sc, nid, nr);
	while ((nr[LRU_FILE] || nr[LRU_ANON]) &&
	       sc->nr_reclaimed < sc->nr_to_reclaim) {
		for (int t = LRU_ANON; t >= LRU_FILE; t--) {
			unsigned long take = SIM_MIN(nr[t], (unsigned long)SWAP_CLUSTER_MAX);

			if (!take)
				continue;
			nr[t] -= take;
			reclaim_shrink_batch(sim, sc, nid, (enum lru_type)t, take);
		}
		sim_count_work(sim, sc->cost);	/* slept, but work all the same */
		reclaim_sleep(sim, sc->cost);
		sc->cost = 0;
	}
}

/* ---- Shrinkers ---- */

int reclaim_register_shrinker(struct sim *sim, const char *name,
			      const struct shrinker_ops *ops, void *priv,
			      int seeks)
{
	struct reclaim_state *r = sim->reclaim;
	struct shrinker *s;

	if (r->nr_shrinkers == r->cap_shrinkers) {
		size_t cap = r->cap_shrinkers ? 2 * r->cap_shrinkers : 4;
		struct shrinker *n = sim_xrealloc(r->shrinkers, cap * sizeof *n);

		if (!n)
			return SIM_ENOHOSTMEM;
		r->shrinkers = n;
		r->cap_shrinkers = cap;
	}
	s = &r->shrinkers[r->nr_shrinkers];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->ops = ops;
	s->priv = priv;
	s->seeks = seeks;
	s->live = true;
	return (int)r->nr_shrinkers++;
}

void reclaim_unregister_shrinker(struct sim *sim, int id)
{
	struct reclaim_state *r = sim->reclaim;

	if (id >= 0 && (size_t)id < r->nr_shrinkers)
		r->shrinkers[id].live = false;
}

/* do_shrink_slab() */
static unsigned long reclaim_do_shrink(struct sim *sim, struct shrinker *s,
				       gfp_t gfp, int priority,
				       unsigned long *pages)
{
	struct shrink_control sc = { .gfp_mask = gfp };
	unsigned long freeable, total_scan, scanned = 0, freed = 0;
	long nr, delta, next;

	freeable = s->ops->count_objects(sim, s->priv, &sc);
	if (!freeable)
		return 0;
	nr = s->nr_deferred;
	s->nr_deferred = 0;
	if (s->seeks)
		delta = (long)(((freeable >> priority) * 4) / (unsigned long)s->seeks);
	else
		delta = (long)(freeable / 2);	/* no IO to recreate: trim hard */
	total_scan = ((unsigned long)nr >> priority) + (unsigned long)delta;
	total_scan = SIM_MIN(total_scan, 2 * freeable);
	while (total_scan >= SHRINK_BATCH || total_scan >= freeable) {
		unsigned long ret;

		sc.nr_to_scan = sc.nr_scanned = SIM_MIN((unsigned long)SHRINK_BATCH, total_scan);
		sc.pages_freed = 0;
		ret = s->ops->scan_objects(sim, s->priv, &sc);
		if (ret == SHRINK_STOP) {
			SIM_NOTE(sim, "shrinker %s: stop (needs __GFP_FS)", s->name);
			break;
		}
		freed += ret;
		*pages += sc.pages_freed;
		sim->stats.slabs_scanned += sc.nr_scanned;
		if (!sc.nr_scanned)
			break;
		total_scan -= SIM_MIN(total_scan, sc.nr_scanned);
		scanned += sc.nr_scanned;
	}
	/* work not done now is deferred, capped at twice what exists */
	next = SIM_MAX(nr + delta - (long)scanned, 0l);
	next = SIM_MIN(next, (long)(2 * freeable));
	s->nr_deferred = next;
	s->scanned += scanned;
	s->freed += freed;
	if (scanned)
		SIM_NOTE(sim, "shrinker %s: %lu of %lu objects scanned at priority %d, %lu freed",
			 s->name, scanned, freeable, priority, freed);
	return freed;
}

unsigned long reclaim_shrink_slab(struct sim *sim, gfp_t gfp, int priority,
				  unsigned long *pages)
{
	struct reclaim_state *r = sim->reclaim;
	unsigned long freed = 0;

	*pages = 0;
	/* by index: a callback may register another shrinker (realloc) */
	for (size_t i = 0; i < r->nr_shrinkers; i++) {
		if (!r->shrinkers[i].live)
			continue;
		freed += reclaim_do_shrink(sim, &r->shrinkers[i], gfp, priority, pages);
	}
	return freed;
}

/* ---- Direct reclaim ---- */

static void reclaim_count_allocstall(struct sim *sim, int reclaim_idx)
{
	switch (reclaim_idx) {
	case ZONE_DMA:     sim->stats.allocstall_dma++; break;
	case ZONE_DMA32:   sim->stats.allocstall_dma32++; break;
	case ZONE_NORMAL:  sim->stats.allocstall_normal++; break;
	case ZONE_MOVABLE: sim->stats.allocstall_movable++; break;
	default:           sim->stats.allocstall_device++; break;
	}
}

/* compaction_ready(): a costly request's zone already has room to compact */
static bool reclaim_compaction_ready(const struct zone *z, unsigned order,
				     int reclaim_idx)
{
	unsigned long wm = high_wmark_pages(z) + compact_gap(order);

	if (!compaction_suitable(z, order, min_wmark_pages(z), reclaim_idx))
		return false;
	return zone_watermark_ok(z, 0, wm, reclaim_idx, 0);
}

unsigned long reclaim_try_to_free_pages(struct sim *sim, gfp_t gfp,
					unsigned order,
					const struct alloc_context *ac)
{
	struct scan_control sc = {
		.gfp_mask = gfp,
		.order = order,
		.reclaim_idx = ac->highest_zoneidx,
		.priority = DEF_PRIORITY,
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.may_writepage = true,
		.may_swap = true,
	};
	bool nodes[SIM_MAX_NODES] = { false };
	unsigned scope;
	bool all_ready = true, any_zone = false;
	sim_time_t t0 = sim->now;

	reclaim_count_allocstall(sim, sc.reclaim_idx);
	for (unsigned i = ac->preferred; i < ac->nr_zones; i++) {
		const struct zone *z = ac->zonelist[i];

		if ((int)z->idx > ac->highest_zoneidx || !zone_populated(z))
			continue;
		any_zone = true;
		/* costly orders: no reclaim where compaction can already run */
		if (order > SIM_COSTLY_ORDER &&
		    reclaim_compaction_ready(z, order, sc.reclaim_idx))
			continue;
		all_ready = false;
		nodes[z->node] = true;
	}
	if (any_zone && all_ready) {
		SIM_NOTE(sim, "direct reclaim: skipped, compaction can already make an order-%u block",
			 order);
		return 1;
	}
	SIM_NOTE(sim, "direct reclaim (try_to_free_pages): target %u pages, allocstall_%s",
		 SWAP_CLUSTER_MAX, zone_name((enum zone_type)sc.reclaim_idx));
	scope = sim_scope_save(sim, SIM_SCOPE_MEMALLOC);
	do {
		unsigned long pages, before = sc.nr_reclaimed;

		for (unsigned nid = 0; nid < sim->pg->nr_nodes; nid++)
			if (nodes[nid])
				reclaim_direct_node_pass(sim, &sc, nid);
		reclaim_shrink_slab(sim, gfp, sc.priority, &pages);
		sc.nr_reclaimed += pages;
		if (sc.nr_reclaimed > before)
			SIM_NOTE(sim, "direct reclaim: priority %d freed %lu pages (%lu so far)",
				 sc.priority, sc.nr_reclaimed - before, sc.nr_reclaimed);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	} while (--sc.priority >= 0);
	sim_scope_restore(sim, scope);
	SIM_EVENT(sim, RECLAIM, sc.nr_scanned, sc.nr_reclaimed, 1, 0);
	if (!sc.nr_reclaimed && sc.nr_dirty) {
		/* reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): until kswapd has
		 * written a batch (SWAP_CLUSTER_MAX pages), at most HZ/10 */
		sim_time_t wait = SIM_MIN((sim_time_t)SWAP_CLUSTER_MAX * COST_WRITEBACK_PAGE,
					  THROTTLE_WRITEBACK_NS);

		SIM_NOTE(sim, "direct reclaim: only dirty page cache (%lu pages): wait %llu ns for kswapd's writeback",
			 sc.nr_dirty, (unsigned long long)wait);
		reclaim_sleep(sim, wait);
	} else if (!sc.nr_reclaimed) {
		/* reclaim_throttle(VMSCAN_THROTTLE_NOPROGRESS) */
		SIM_NOTE(sim, "direct reclaim: nothing reclaimable (%lu pages scanned): back off %llu ns",
			 sc.nr_scanned, (unsigned long long)COST_CONGESTION_WAIT);
		reclaim_sleep(sim, COST_CONGESTION_WAIT);
	} else {
		SIM_NOTE(sim, "direct reclaim: %lu pages scanned, %lu freed, %llu ns",
			 sc.nr_scanned, sc.nr_reclaimed,
			 (unsigned long long)(sim->now - t0));
	}
	return sc.nr_reclaimed;
}

/* ---- kswapd ---- */

/* pgdat_balanced(): any eligible zone above its (boosted) high watermark */
static bool kswapd_balanced(const struct sim *sim, unsigned nid, unsigned order,
			    int hz, bool unboosted)
{
	const struct pglist_data *pgdat = &sim->pg->nodes[nid];
	bool any = false;

	for (int zi = 0; zi <= hz && zi < SIM_NR_ZONES; zi++) {
		const struct zone *z = &pgdat->zones[zi];
		unsigned long mark;

		if (!zone_populated(z))
			continue;
		any = true;
		mark = unboosted ? z->_watermark[WMARK_HIGH] : high_wmark_pages(z);
		if (zone_watermark_ok(z, order, mark, hz, 0))
			return true;
	}
	return !any;
}

static bool kswapd_boosted(const struct sim *sim, unsigned nid, int hz)
{
	const struct pglist_data *pgdat = &sim->pg->nodes[nid];

	for (int zi = 0; zi <= hz && zi < SIM_NR_ZONES; zi++)
		if (pgdat->zones[zi].watermark_boost)
			return true;
	return false;
}

static int kswapd_top_zone(const struct sim *sim, unsigned nid)
{
	const struct pglist_data *pgdat = &sim->pg->nodes[nid];

	for (int zi = SIM_NR_ZONES - 1; zi > 0; zi--)
		if (zone_populated(&pgdat->zones[zi]))
			return zi;
	return 0;
}

bool reclaim_wakeup_kswapd(struct sim *sim, struct zone *z, gfp_t gfp,
			   unsigned order, int highest_zoneidx)
{
	struct pglist_data *pgdat = &sim->pg->nodes[z->node];

	if (!zone_populated(z))
		return false;
	if (pgdat->kswapd_highest_zoneidx < highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kswapd_order < order)
		pgdat->kswapd_order = order;
	if (pgdat->kswapd_wake)		/* already running: it will see the order */
		return false;
	if (pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    (kswapd_balanced(sim, z->node, order, highest_zoneidx, false) &&
	     !kswapd_boosted(sim, z->node, highest_zoneidx))) {
		SIM_NOTE(sim, "wakeup_kswapd: node %u %s, kswapd stays asleep", z->node,
			 pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ?
			 "is hopeless (node_unreclaimable)" : "is balanced");
		/* free memory may just be fragmented: let kcompactd look */
		if (!(gfp & __GFP_DIRECT_RECLAIM))
			compaction_wakeup_kcompactd(sim, z->node, order, highest_zoneidx);
		return false;
	}
	SIM_NOTE(sim, "wakeup_kswapd: node %u below its low watermark, kswapd woken for order %u up to %s",
		 z->node, order, zone_name((enum zone_type)highest_zoneidx));
	pgalloc_wakeup_kswapd(sim, z, order, highest_zoneidx);
	return true;
}

static void kswapd_start_run(struct sim *sim, unsigned nid)
{
	struct pglist_data *pgdat = &sim->pg->nodes[nid];
	struct kswapd_node *ks = &rnode(sim, nid)->kswapd;

	ks->running = true;
	ks->alloc_order = ks->order = pgdat->kswapd_order;
	ks->highest_zoneidx = pgdat->kswapd_highest_zoneidx >= 0 ?
		pgdat->kswapd_highest_zoneidx : kswapd_top_zone(sim, nid);
	pgdat->kswapd_order = 0;
	pgdat->kswapd_highest_zoneidx = -1;
	ks->priority = DEF_PRIORITY;
	ks->in_pass = false;
	ks->run_reclaimed = 0;
	for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
		struct zone *z = &pgdat->zones[zi];

		ks->boost_at_start[zi] = z->watermark_boost;
		if (zi <= ks->highest_zoneidx && zone_populated(z))
			z->flags |= ZONE_RECLAIM_ACTIVE;
	}
	sim->stats.pageoutrun++;
	SIM_NOTE(sim, "kswapd%u: balancing for order %u up to %s", nid, ks->order,
		 zone_name((enum zone_type)ks->highest_zoneidx));
}

/* the end of balance_pgdat() and kswapd_try_to_sleep() */
static void kswapd_end_run(struct sim *sim, unsigned nid, bool balanced)
{
	struct pglist_data *pgdat = &sim->pg->nodes[nid];
	struct kswapd_node *ks = &rnode(sim, nid)->kswapd;
	bool boosted = false, again;

	if (!ks->run_reclaimed && !balanced)
		pgdat->kswapd_failures++;
	for (int zi = 0; zi < SIM_NR_ZONES; zi++) {
		struct zone *z = &pgdat->zones[zi];
		unsigned long b = ks->boost_at_start[zi];

		z->flags &= ~ZONE_RECLAIM_ACTIVE;
		if (b) {
			/* boost raised meanwhile survives */
			z->watermark_boost -= SIM_MIN(z->watermark_boost, b);
			boosted = true;
		}
	}
	if (boosted)
		compaction_wakeup_kcompactd(sim, nid, pageblock_order(sim->pg),
					    ks->highest_zoneidx);
	if (balanced && ks->alloc_order)
		compaction_wakeup_kcompactd(sim, nid, ks->alloc_order,
					    ks->highest_zoneidx);
	ks->running = false;
	ks->in_pass = false;
	/* woken again meanwhile, or not balanced and not hopeless: go on */
	again = pgdat->kswapd_failures < MAX_RECLAIM_RETRIES &&
		(!balanced || pgdat->kswapd_order || pgdat->kswapd_highest_zoneidx >= 0);
	if (again && balanced &&
	    kswapd_balanced(sim, nid, pgdat->kswapd_order,
			    pgdat->kswapd_highest_zoneidx >= 0 ?
			    pgdat->kswapd_highest_zoneidx : ks->highest_zoneidx, false))
		again = false;
	SIM_NOTE(sim, "kswapd%u: %s after freeing %lu pages%s", nid,
		 balanced ? "balanced" : "gave up a run", ks->run_reclaimed,
		 again ? ", runs again" :
		 pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ?
		 ", node hopeless: sleeps" : ", sleeps");
	if (!again) {
		pgdat->kswapd_wake = false;
		pgdat->kswapd_order = 0;
		pgdat->kswapd_highest_zoneidx = -1;
	}
}

static void kswapd_start_pass(struct sim *sim, unsigned nid,
			      struct scan_control *sc)
{
	struct kswapd_node *ks = &rnode(sim, nid)->kswapd;
	const struct pglist_data *pgdat = &sim->pg->nodes[nid];

	ks->pass_target = 0;
	for (int zi = 0; zi <= ks->highest_zoneidx; zi++) {
		const struct zone *z = &pgdat->zones[zi];

		if (zone_populated(z))
			ks->pass_target += SIM_MAX(high_wmark_pages(z),
						   (unsigned long)SWAP_CLUSTER_MAX);
	}
	reclaim_scan_count(sim, sc, nid, ks->todo);
	ks->pass_scanned = ks->pass_reclaimed = 0;
	ks->in_pass = true;
}

/* the end of one kswapd_shrink_node() pass: shrinkers, then the priority */
static void kswapd_end_pass(struct sim *sim, unsigned nid,
			    struct scan_control *sc)
{
	struct kswapd_node *ks = &rnode(sim, nid)->kswapd;
	unsigned long pages;

	reclaim_shrink_slab(sim, GFP_KERNEL, ks->priority, &pages);
	ks->pass_reclaimed += pages;
	ks->run_reclaimed += ks->pass_reclaimed;
	ks->in_pass = false;
	sc->cost += KSWAPD_PASS_COST;
	if (ks->order && ks->run_reclaimed >= compact_gap(ks->order))
		ks->order = 0;	/* enough for compaction: stop over-reclaiming */
	if (ks->pass_scanned < ks->pass_target || !ks->pass_reclaimed)
		ks->priority--;
	SIM_EVENT(sim, RECLAIM, ks->pass_scanned, ks->pass_reclaimed, 0, nid);
}

/* one tick of kswapd on node @nid: at most KSWAPD_TICK_NS of work */
static void kswapd_work(struct sim *sim, unsigned nid)
{
	struct pglist_data *pgdat = &sim->pg->nodes[nid];
	struct kswapd_node *ks = &rnode(sim, nid)->kswapd;
	sim_time_t budget = KSWAPD_TICK_NS;

	if (!pgdat->kswapd_wake)
		return;
	if (ks->debt >= budget) {
		ks->debt -= budget;
		return;
	}
	budget -= ks->debt;
	ks->debt = 0;
	if (!ks->running)
		kswapd_start_run(sim, nid);
	while (budget > 0) {
		bool boost_only = kswapd_balanced(sim, nid, ks->order,
						  ks->highest_zoneidx, true);
		struct scan_control sc = {
			.gfp_mask = GFP_KERNEL,
			.order = ks->order,
			.reclaim_idx = ks->highest_zoneidx,
			.priority = ks->priority,
			.nr_to_reclaim = ULONG_MAX,
			/* reclaiming only a boost neither writes nor swaps */
			.may_writepage = !boost_only,
			.may_swap = !boost_only,
			.is_kswapd = true,
		};

		if (!ks->in_pass) {
			if (kswapd_balanced(sim, nid, ks->order, ks->highest_zoneidx, false)) {
				kswapd_end_run(sim, nid, true);
				return;
			}
			if (ks->priority < 1) {
				kswapd_end_run(sim, nid, false);
				return;
			}
			kswapd_start_pass(sim, nid, &sc);
		}
		for (int t = LRU_ANON; t >= LRU_FILE; t--) {
			unsigned long take = SIM_MIN(ks->todo[t], (unsigned long)SWAP_CLUSTER_MAX);

			if (!take)
				continue;
			ks->todo[t] -= take;
			reclaim_shrink_batch(sim, &sc, nid, (enum lru_type)t, take);
		}
		ks->pass_scanned += sc.nr_scanned;
		ks->pass_reclaimed += sc.nr_reclaimed;
		if (!ks->todo[LRU_FILE] && !ks->todo[LRU_ANON])
			kswapd_end_pass(sim, nid, &sc);
		if (sc.cost >= budget) {
			ks->debt = sc.cost - budget;
			return;
		}
		budget -= sc.cost;
		if (!ks->running)
			return;
	}
}

/* the periodic background work: kswapd, then kcompactd, per node */
static void reclaim_tick(struct sim *sim, void *arg)
{
	(void)arg;
	if (!sim->reclaim->slowpath)	/* the fast-path-only allocator has no kswapd */
		return;
	for (unsigned nid = 0; nid < sim->pg->nr_nodes; nid++) {
		kswapd_work(sim, nid);
		compaction_kcompactd_work(sim, nid);
	}
}

/*
 * sim_timer_add_quiet()'s question for the background work: a tick does
 * nothing while no node's kswapd or kcompactd has been woken (a kswapd
 * paying off its debt is awake too).  Only an allocation wakes them, so
 * an idle machine crosses any stretch of time at once.
 */
static sim_time_t reclaim_tick_quiet(struct sim *sim, void *arg)
{
	(void)arg;
	if (!sim->reclaim->slowpath)
		return SIM_TIME_NEVER;
	for (unsigned nid = 0; nid < sim->pg->nr_nodes; nid++)
		if (sim->pg->nodes[nid].kswapd_wake ||
		    rnode(sim, nid)->kswapd.kcompactd_wake)
			return 0;
	return SIM_TIME_NEVER;
}

/* ---- Page cache, drop_caches, sync ---- */

int sim_page_cache_add(struct sim *sim, uint64_t clean, uint64_t dirty,
		       uint64_t *added)
{
	const gfp_t gfp = GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN;
	uint64_t n = 0;
	int rc = SIM_OK;

	if (added)
		*added = 0;
	SIM_REFUSE_IF_PANICKED(sim);
	for (; n < clean + dirty; n++) {
		pfn_t pfn;

		if (sim_over_budget(sim)) {
			rc = sim_set_reason(sim, SIM_EBUDGET, "work budget exhausted "
					    "after %llu pages of page cache",
					    (unsigned long long)n);
			break;
		}
		rc = pgalloc_alloc(sim, 0, gfp, &pfn);
		if (rc != SIM_OK)
			break;
		reclaim_add_lru_page(sim, pfn, LRU_FILE, 0, n >= clean);
	}
	if (added)
		*added = n;
	return SIM_PANIC_STATUS(sim, rc);
}

uint64_t sim_drop_caches(struct sim *sim, int what)
{
	struct pgalloc_state *pg = sim->pg;
	uint64_t freed = 0;

	if (sim->panicked)
		return 0;
	if (what & 1) {		/* drop_pagecache_sb: clean, unmapped pages */
		for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
			uint32_t x = rnode(sim, nid)->lru[LRU_FILE].head;

			while (x != PAGE_NIL) {
				uint32_t next = pg_page(pg, x)->next;

				if (!(pg_page(pg, x)->list & PGL_DIRTY)) {
					reclaim_put_lru_page(sim, x);
					freed++;
				}
				x = next;
			}
		}
	}
	if (what & 2) {		/* drop_slab: priority 0 until it stops paying */
		unsigned long objs, pages;
		unsigned shift = 0;

		do {
			objs = reclaim_shrink_slab(sim, GFP_KERNEL, 0, &pages);
			freed += pages;
		} while ((objs >> shift++) > 1);
	}
	SIM_NOTE(sim, "drop_caches %d: %llu pages freed", what, (unsigned long long)freed);
	return freed;
}

uint64_t sim_sync(struct sim *sim)
{
	struct pgalloc_state *pg = sim->pg;
	uint64_t written = 0;

	if (sim->panicked)
		return 0;
	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		struct reclaim_node *rn = rnode(sim, nid);

		for (uint32_t x = rn->lru[LRU_FILE].head; x != PAGE_NIL;
		     x = pg_page(pg, x)->next) {
			struct page *p = pg_page(pg, x);

			if (p->list & PGL_DIRTY) {
				p->list &= (uint8_t)~(PGL_DIRTY | PGL_RECLAIM);
				rn->nr_dirty--;
				written++;
			}
		}
	}
	sim->stats.nr_written += written;
	/* sync(2) waits for the writeback */
	sim_advance(sim, written * COST_WRITEBACK_PAGE);
	SIM_NOTE(sim, "sync: %llu dirty pages written back", (unsigned long long)written);
	return written;
}

void sim_reclaim_get_info(const struct sim *sim, struct sim_reclaim_info *out)
{
	const struct reclaim_state *r = sim->reclaim;

	memset(out, 0, sizeof *out);
	for (unsigned nid = 0; nid < sim->pg->nr_nodes; nid++) {
		const struct reclaim_node *rn = rnode(sim, nid);

		out->file += rn->lru[LRU_FILE].nr;
		out->anon += rn->lru[LRU_ANON].nr;
		out->dirty += rn->nr_dirty;
		out->kswapd_running |= sim->pg->nodes[nid].kswapd_wake;
	}
	out->swap_total = r->swap_total;
	out->swap_used = r->swap_used;
	out->tasks = oom_live_tasks(sim);
	for (size_t i = 0; i < r->nr_shrinkers; i++) {
		struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
		const struct shrinker *s = &r->shrinkers[i];

		if (s->live)
			out->shrinkable += s->ops->count_objects((struct sim *)sim,
								 s->priv, &sc);
	}
}

/* ---- The switch ---- */

bool sim_set_slowpath(struct sim *sim, bool on)
{
	bool old = sim->reclaim->slowpath;

	sim->reclaim->slowpath = on;
	return old;
}

bool sim_slowpath(const struct sim *sim)
{
	return sim->reclaim && sim->reclaim->slowpath;
}

void sim_last_alloc(const struct sim *sim, struct sim_alloc_info *out)
{
	if (sim->reclaim)
		*out = sim->reclaim->last;
	else
		memset(out, 0, sizeof *out);
}

const char *sim_reserve_name(enum sim_reserve r)
{
	static const char *const names[SIM_NR_RESERVES] = {
		"none", "min", "atomic", "highatomic", "oom", "no_watermarks",
	};

	return (unsigned)r < SIM_NR_RESERVES ? names[r] : "?";
}

/* ---- Validation ---- */

#define RECLAIM_FAIL(...) \
	do { snprintf(err, errlen, __VA_ARGS__); return SIM_ERR; } while (0)

int reclaim_validate(const struct sim *sim, char *err, size_t errlen)
{
	const struct pgalloc_state *pg = sim->pg;
	const struct reclaim_state *r = sim->reclaim;
	unsigned long lru_pages = 0, use_pages = 0, swapents = 0;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++) {
		const struct reclaim_node *rn = rnode(sim, nid);
		unsigned long dirty = 0;

		for (int t = 0; t < NR_LRU_TYPES; t++) {
			uint32_t prev = PAGE_NIL;
			unsigned long n = 0;

			for (uint32_t x = rn->lru[t].head; x != PAGE_NIL;
			     x = pg_page(pg, x)->next) {
				const struct page *p = pg_page(pg, x);

				if (n > rn->lru[t].nr || !pfn_valid(sim, x) ||
				    page_node(sim, x) != (int)nid)
					RECLAIM_FAIL("node %u %s LRU: bad pfn 0x%x", nid,
						     t ? "anon" : "file", x);
				if (p->prev != prev || p->flags != PG_head || p->order ||
				    !(p->list & PGL_LRU) ||
				    p->use != (t == LRU_ANON ? PAGE_USE_ANON : PAGE_USE_PAGECACHE))
					RECLAIM_FAIL("node %u %s LRU: pfn 0x%x is not one of its pages",
						     nid, t ? "anon" : "file", x);
				if (p->list & PGL_DIRTY)
					dirty++;
				prev = x;
				n++;
			}
			if (n != rn->lru[t].nr || rn->lru[t].tail != prev)
				RECLAIM_FAIL("node %u %s LRU: %lu pages listed, counter %lu",
					     nid, t ? "anon" : "file", n, rn->lru[t].nr);
			lru_pages += n;
		}
		if (dirty != rn->nr_dirty)
			RECLAIM_FAIL("node %u: %lu dirty pages, counter %lu", nid, dirty,
				     rn->nr_dirty);
		for (int zi = 0; zi < SIM_NR_ZONES; zi++)
			use_pages += pg->nodes[nid].zones[zi].nr_use[PAGE_USE_PAGECACHE] +
				     pg->nodes[nid].zones[zi].nr_use[PAGE_USE_ANON];
	}
	if (lru_pages != use_pages)
		RECLAIM_FAIL("%lu LRU pages but %lu pagecache+anon pages", lru_pages,
			     use_pages);
	for (size_t i = 0; r->oom && i < r->oom->nr; i++)
		swapents += r->oom->tasks[i].swapents;
	if (r->swap_used > r->swap_total || swapents != r->swap_used)
		RECLAIM_FAIL("swap: %lu used of %lu, tasks hold %lu", r->swap_used,
			     r->swap_total, swapents);
	return SIM_OK;
}

/* ---- The layer ---- */

int reclaim_init(struct sim *sim, char *err, size_t errlen)
{
	struct reclaim_state *r = sim_xcalloc(1, sizeof *r);
	unsigned nn = sim->pg->nr_nodes;
	int rc;

	(void)err;
	(void)errlen;
	if (!r)
		return SIM_ENOHOSTMEM;
	sim->reclaim = r;
	r->nodes = sim_xcalloc(nn, sizeof *r->nodes);
	r->compact = sim_xcalloc((size_t)nn * SIM_NR_ZONES, sizeof *r->compact);
	if (!r->nodes || !r->compact)
		return SIM_ENOHOSTMEM;
	for (unsigned nid = 0; nid < nn; nid++)
		for (int t = 0; t < NR_LRU_TYPES; t++)
			r->nodes[nid].lru[t].head = r->nodes[nid].lru[t].tail = PAGE_NIL;
	r->slowpath = RECLAIM_SLOWPATH_DEFAULT;
	r->nopage_rs = SIM_RATELIMIT_INIT(RECLAIM_RATELIMIT_NOPAGE, 1);
	r->give_up_rs = SIM_RATELIMIT_DEFAULT;
	rc = oom_init(sim);
	if (rc != SIM_OK)
		return rc;
	return sim_timer_add_quiet(sim, KSWAPD_TICK_NS, KSWAPD_TICK_NS, reclaim_tick,
				   reclaim_tick_quiet, NULL, NULL);
}

void reclaim_destroy(struct sim *sim)
{
	struct reclaim_state *r = sim->reclaim;

	if (!r)
		return;
	if (r->mempool_destroy)
		r->mempool_destroy(sim);
	oom_destroy(sim);
	free(r->shrinkers);
	free(r->compact);
	free(r->nodes);
	free(r);
	sim->reclaim = NULL;
}

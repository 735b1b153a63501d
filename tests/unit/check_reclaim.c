/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_reclaim.c - reclaim, kswapd, shrinkers, the OOM killer, compaction
 *
 * The machine is the one of check_slowpath.c: ZONE_NORMAL of 4096 pages,
 * 1 CPU, no per-CPU lists, min_free_kbytes 1024: min 256, low 320, high
 * 384, no watermark boost.  Expectations are derived in the comments from
 * kernel-model §3-§4 and the rules in reclaim.c / compaction.c / oom.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "oom.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "state.h"
#include "testutil.h"

static void validate(struct sim *sim)
{
	char err[256];

	ck_assert_msg(pgalloc_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
	ck_assert_msg(reclaim_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
}

static sim_pid_t task(struct sim *sim, const char *name, int adj, uint64_t pages)
{
	sim_pid_t pid;
	uint64_t n;

	ck_assert_int_eq(sim_task_create(sim, name, adj, &pid), SIM_OK);
	ck_assert_int_eq(sim_task_fault(sim, pid, pages, &n), SIM_OK);
	ck_assert_uint_eq(n, pages);
	return pid;
}

/* ---- Page cache and kswapd ---- */

START_TEST(test_page_cache_and_lru)
{
	struct sim *sim = tu_sim_gfp();
	struct sim_reclaim_info ri;
	uint64_t added;
	pfn_t first;

	ck_assert_int_eq(sim_page_cache_add(sim, 100, 50, &added), SIM_OK);
	ck_assert_uint_eq(added, 150);
	sim_reclaim_get_info(sim, &ri);
	ck_assert_uint_eq(ri.file, 150);
	ck_assert_uint_eq(ri.dirty, 50);
	ck_assert_uint_eq(sim->stats.nr_dirtied, 50);
	ck_assert_uint_eq(tu_normal(sim)->nr_use[PAGE_USE_PAGECACHE], 150);
	/* the oldest page (the tail) was the first allocated */
	first = sim->reclaim->nodes[0].lru[LRU_FILE].tail;
	ck_assert(reclaim_page_is_lru(sim, first));
	/* a page-cache page freed behind reclaim's back: Bad page state */
	sim_free_pages(sim, first, 0);
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	ck_assert(strstr(sim_bug_at(sim, 0)->message, "still on an LRU list") != NULL);
	validate(sim);
	/* drop_caches 1 drops the 100 clean pages, sync writes the 50 dirty */
	ck_assert_uint_eq(sim_drop_caches(sim, 1), 100);
	ck_assert_uint_eq(sim_sync(sim), 50);
	ck_assert_uint_eq(sim->stats.nr_written, 50);
	ck_assert_uint_eq(sim_drop_caches(sim, 1), 50);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 4096);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_kswapd_reclaims_to_high)
{
	/*
	 * 3500 clean page-cache pages, then GFP_KERNEL pages until the fast
	 * path refuses (free 320 = low): the slow path wakes kswapd and takes
	 * the page at min (free 319 after it).  No time has passed: kswapd has
	 * not run.  Then 1 ms: kswapd's run at order 0 for Normal.  Each pass
	 * scans file >> priority pages of what is left on the list, and frees
	 * all it scans (clean): priority 12: 3500 >> 12 = 0; 11: 1 (3499
	 * left); 10: 3499 >> 10 = 3 (3496); 9: 6 (3490); 8: 13 (3477); 7: 27
	 * (3450).  Every pass scanned less than its target max(high 384, 32),
	 * so the priority drops each time.  After the priority-7 pass free is
	 * 319 + 50 = 369, not above high; the priority-6 pass frees 3450 >> 6
	 * = 53: 422 > 384, balanced: kswapd sleeps.  One run (pageoutrun 1),
	 * 103 pages scanned and stolen by kswapd.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_reclaim_info ri;
	uint64_t added;
	pfn_t pfn;

	ck_assert_int_eq(sim_page_cache_add(sim, 3500, 0, &added), SIM_OK);
	while (tu_normal(sim)->nr_free_pages > 320)
		ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim->stats.alloc_slowpath, 0);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim->stats.alloc_slowpath, 1);
	ck_assert(sim->pg->nodes[0].kswapd_wake);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 319);
	sim_advance(sim, SIM_NSEC_PER_MSEC);
	sim_reclaim_get_info(sim, &ri);
	ck_assert(!ri.kswapd_running);
	ck_assert_uint_eq(sim->stats.pageoutrun, 1);
	ck_assert_uint_eq(sim->stats.pgscan_kswapd, 103);
	ck_assert_uint_eq(sim->stats.pgsteal_kswapd, 103);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 422);
	ck_assert_uint_eq(sim->stats.allocstall_normal, 0);	/* nobody stalled */
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_direct_reclaim_page_cache)
{
	/*
	 * 3000 clean page-cache pages, free brought to 200 (below min).
	 * try_to_free_pages() for a GFP_KERNEL order-0 request: allocstall_normal
	 * 1; each pass scans what is left >> priority and frees it all (clean):
	 * priority 12: 3000 >> 12 = 0; 11: 1 (2999 left); 10: 2 (2997); 9: 5
	 * (2992); 8: 11 (2981); 7: 23: 42 in total, >= SWAP_CLUSTER_MAX after
	 * the priority-7 pass: stop.  kswapd was never woken, so it is all the
	 * task's own work, slept.
	 */
	struct sim *sim = tu_sim_gfp();
	struct alloc_context ac;
	uint64_t added;
	sim_time_t t0;

	ck_assert_int_eq(sim_page_cache_add(sim, 3000, 0, &added), SIM_OK);
	tu_fill_to(sim, 200);
	ck_assert_int_eq(pgalloc_prepare_alloc(sim, GFP_KERNEL, &ac), SIM_OK);
	t0 = sim_now(sim);
	ck_assert_uint_eq(reclaim_try_to_free_pages(sim, GFP_KERNEL, 0, &ac), 42);
	ck_assert_uint_eq(sim->stats.allocstall_normal, 1);
	ck_assert_uint_eq(sim->stats.pgscan_direct, 42);
	ck_assert_uint_eq(sim->stats.pgsteal_direct, 42);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 242);
	/* 42 pages at COST_RECLAIM_PAGE (400 ns) each, slept (the page frees
	 * charge their buddy costs on top) */
	ck_assert_uint_eq(sim->reclaim->stall, 42 * 400);
	ck_assert_uint_gt(sim_now(sim) - t0, 42 * 400);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_direct_reclaim_then_success)
{
	/*
	 * The same through the allocator: min refuses at 200 free, direct
	 * reclaim frees 42 (242: still <= 256), the allocator retries; kswapd,
	 * woken at the start of the slow path, works while the task sleeps.
	 * Success without an OOM kill, after a stall, with at least one direct
	 * reclaim run of at least SWAP_CLUSTER_MAX pages.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_alloc_info info;
	uint64_t added;
	pfn_t pfn;

	ck_assert_int_eq(sim_page_cache_add(sim, 3000, 0, &added), SIM_OK);
	tu_fill_to(sim, 200);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert_uint_ge(info.reclaim_runs, 1);
	ck_assert_uint_ge(info.reclaimed, SWAP_CLUSTER_MAX);
	ck_assert_uint_ge(sim->stats.allocstall_normal, 1);
	ck_assert_uint_eq(info.oom_kills, 0);
	ck_assert_uint_gt(info.stall_ns, 0);
	ck_assert_uint_eq(sim->stats.alloc_stall_ns, info.stall_ns);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_noio_cannot_swap)
{
	/*
	 * Only anonymous memory (a task of 3000 pages) and 1 GiB of swap.
	 * Below min, GFP_KERNEL's direct reclaim swaps anon pages out
	 * (__GFP_IO: may_enter_fs for swap-backed pages): pgsteal_direct and
	 * pswpout grow.  GFP_NOIO's direct reclaim scans the same pages but
	 * must keep them: it steals nothing itself (pgsteal_direct stays 0);
	 * it only gets its page because kswapd, which may do I/O, swaps while
	 * the task backs off and retries.
	 */
	for (int noio = 0; noio <= 1; noio++) {
		struct sim *sim = tu_sim_gfp();
		struct sim_alloc_info info;
		sim_pid_t pid;
		pfn_t pfn;

		ck_assert_int_eq(sim_swap_set(sim, 262144), SIM_OK);
		pid = task(sim, "anon", 0, 3000);
		tu_fill_to(sim, 200);
		ck_assert_int_eq(pgalloc_alloc(sim, 0, noio ? GFP_NOIO : GFP_KERNEL, &pfn),
				 SIM_OK);
		sim_last_alloc(sim, &info);
		ck_assert_uint_eq(info.oom_kills, 0);
		ck_assert_uint_gt(info.stall_ns, 0);
		if (noio) {
			ck_assert_uint_eq(sim->stats.pgsteal_direct, 0);
			ck_assert_uint_gt(sim->stats.pgscan_direct, 0);
			ck_assert_uint_gt(sim->stats.pgsteal_kswapd, 0);
			ck_assert_uint_eq(sim->stats.pswpout, sim->stats.pgsteal_kswapd);
		} else {
			ck_assert_uint_ge(sim->stats.pgsteal_direct, SWAP_CLUSTER_MAX);
			ck_assert_uint_eq(sim->stats.pswpout,
					  sim->stats.pgsteal_direct + sim->stats.pgsteal_kswapd);
		}
		{
			struct sim_task_info ti;

			ck_assert_int_eq(sim_task_get_info(sim, pid, &ti), SIM_OK);
			ck_assert_uint_eq(ti.swapents, sim->stats.pswpout);
			ck_assert_uint_eq(ti.rss + ti.swapents, 3000);
		}
		validate(sim);
		sim_free(sim);
	}
}
END_TEST

START_TEST(test_dirty_page_cache_needs_kswapd)
{
	/*
	 * Only dirty page cache.  Direct reclaim never writes file pages: it
	 * marks them PG_reclaim and rotates them (pgsteal_direct stays 0), then
	 * waits for kswapd's writeback (reclaim_throttle).  kswapd writes a page
	 * it meets again with PG_reclaim set (nr_written) and drops it; the
	 * allocation succeeds on a retry, with a long stall and no OOM kill.
	 * The same holds for GFP_NOIO: the writer is kswapd either way.
	 */
	for (int noio = 0; noio <= 1; noio++) {
		struct sim *sim = tu_sim_gfp();
		struct sim_alloc_info info;
		uint64_t added;
		pfn_t pfn;

		ck_assert_int_eq(sim_page_cache_add(sim, 0, 3000, &added), SIM_OK);
		tu_fill_to(sim, 200);
		ck_assert_int_eq(pgalloc_alloc(sim, 0, noio ? GFP_NOIO : GFP_KERNEL, &pfn),
				 SIM_OK);
		sim_last_alloc(sim, &info);
		ck_assert_uint_eq(sim->stats.pgsteal_direct, 0);
		ck_assert_uint_gt(sim->stats.nr_written, 0);
		ck_assert_uint_eq(sim->stats.nr_written, sim->stats.pgsteal_kswapd);
		ck_assert_uint_eq(info.oom_kills, 0);
		/* it waited at least one writeback throttle: 32 x 100 us */
		ck_assert_uint_ge(info.stall_ns, 3200 * SIM_NSEC_PER_USEC);
		validate(sim);
		sim_free(sim);
	}
}
END_TEST

START_TEST(test_kswapd_hopeless)
{
	/*
	 * Nothing reclaimable: every kswapd run goes from priority 12 to 1
	 * without freeing a page: a kswapd failure each; after
	 * MAX_RECLAIM_RETRIES (16) the node is hopeless: kswapd sleeps and
	 * /proc/zoneinfo says node_unreclaimable 1.  Further wakeups leave it
	 * asleep.
	 */
	struct sim *sim = tu_sim_gfp();
	pfn_t pfn;
	char *zi;

	tu_fill_to(sim, 300);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert(sim->pg->nodes[0].kswapd_wake);
	sim_advance(sim, 100 * SIM_NSEC_PER_MSEC);
	ck_assert(!sim->pg->nodes[0].kswapd_wake);
	ck_assert_uint_eq(sim->pg->nodes[0].kswapd_failures, MAX_RECLAIM_RETRIES);
	ck_assert_uint_eq(sim->stats.pageoutrun, MAX_RECLAIM_RETRIES);
	ck_assert_int_eq(sim_proc_read(sim, "zoneinfo", &zi), SIM_OK);
	ck_assert(strstr(zi, "node_unreclaimable:  1") != NULL);
	free(zi);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert(!sim->pg->nodes[0].kswapd_wake);
	sim_free(sim);
}
END_TEST

/* ---- Shrinkers ---- */

START_TEST(test_shrinker_arithmetic_and_lru_order)
{
	/*
	 * 1000 objects of a 192-byte cache behind an FS shrinker (seeks 2).
	 *   priority 12: delta = (1000 >> 12) * 4 / 2 = 0: nothing scanned
	 *   priority 3:  delta = 125 * 4 / 2 = 250 (nothing deferred yet):
	 *                one batch of 128, the oldest objects; 122 left over
	 *                do not make a batch (122 < 128 and < 1000); deferred
	 *                next time: 0 + 250 - 128 = 122
	 *   GFP_NOFS:    the scan returns SHRINK_STOP; deferred grows to
	 *                min(122 + 2000... at priority 0: nr 122, delta 2000:
	 *                122 + 2000 - 0 capped at 2 * 872 = 1744
	 *   priority 0 with GFP_KERNEL: nr = 1744, delta = 872 * 4 / 2 = 1744,
	 *                total min(3488, 1744): batches of 128 until every
	 *                object is gone (the scan of an empty LRU stops it)
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_shrinker_info si;
	struct sim_cache_opts opts = { 0 };
	sim_addr_t objs[1000];
	unsigned long pages;
	sim_cache_t c;
	sim_shrinker_t sh;

	ck_assert_int_eq(sim_cache_create(sim, "test_dentry", 192, &opts, &c), SIM_OK);
	ck_assert_int_eq(sim_shrinker_create(sim, "dcache", c, SIM_SHRINKER_FS,
					     DEFAULT_SEEKS, &sh), SIM_OK);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(sim_shrinker_alloc(sim, sh, GFP_KERNEL, &objs[i]), SIM_OK);
	ck_assert_uint_eq(reclaim_shrink_slab(sim, GFP_KERNEL, 12, &pages), 0);
	ck_assert_uint_eq(reclaim_shrink_slab(sim, GFP_KERNEL, 3, &pages), 128);
	ck_assert_uint_eq(sim_ksize(sim, objs[127]), 0);	/* oldest first */
	ck_assert_uint_gt(sim_ksize(sim, objs[128]), 0);
	ck_assert_int_eq(sim->reclaim->shrinkers[0].nr_deferred, 122);
	ck_assert_uint_eq(sim->stats.slabs_scanned, 128);
	ck_assert_uint_eq(reclaim_shrink_slab(sim, GFP_NOFS, 0, &pages), 0);
	ck_assert_int_eq(sim->reclaim->shrinkers[0].nr_deferred, 1744);
	ck_assert_uint_eq(reclaim_shrink_slab(sim, GFP_KERNEL, 0, &pages), 872);
	ck_assert_int_eq(sim_shrinker_get_info(sim, sh, &si), SIM_OK);
	ck_assert_uint_eq(si.objects, 0);
	ck_assert_uint_eq(si.freed, 1000);
	ck_assert_uint_eq(sim_ksize(sim, objs[999]), 0);
	/* freeing an object that reclaim already took */
	ck_assert_int_eq(sim_shrinker_free(sim, sh, objs[5]), SIM_ENOENT);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_drop_caches_slab)
{
	/* drop_caches 2: shrink_slab at priority 0 until it stops paying */
	struct sim *sim = tu_sim_gfp();
	struct sim_cache_opts opts = { 0 };
	struct sim_reclaim_info ri;
	sim_cache_t c;
	sim_shrinker_t sh;
	sim_addr_t a;

	ck_assert_int_eq(sim_cache_create(sim, "test_inode", 600, &opts, &c), SIM_OK);
	ck_assert_int_eq(sim_shrinker_create(sim, "icache", c, SIM_SHRINKER_FS, 2, &sh),
			 SIM_OK);
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(sim_shrinker_alloc(sim, sh, GFP_KERNEL, &a), SIM_OK);
	sim_reclaim_get_info(sim, &ri);
	ck_assert_uint_eq(ri.shrinkable, 300);
	sim_drop_caches(sim, 2);
	sim_reclaim_get_info(sim, &ri);
	ck_assert_uint_eq(ri.shrinkable, 0);
	sim_free(sim);
}
END_TEST

/* ---- The OOM killer ---- */

START_TEST(test_oom_picks_by_badness)
{
	/*
	 * totalpages = 4096 managed + 0 swap: one oom_score_adj unit is
	 * 4096 / 1000 = 4 pages.  Badness = rss + page tables (one page per 512
	 * mapped pages) + adj * 4:
	 *   a    rss 100               101
	 *   b    rss 300               301
	 *   c    rss 300               301 (ties with b; later in the list wins)
	 *   d    rss 2000, adj -1000   never
	 *   e    rss 50, adj +500      50 + 1 + 2000 = 2051
	 * Tasks hold 2750 pages; free brought to 200.  GFP_KERNEL: reclaim has
	 * nothing; the OOM killer takes e (50 pages back: 250, still <= min
	 * 256); the next round takes c (300 back: 550 > 256): success.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_alloc_info info;
	struct sim_task_info ti;
	sim_pid_t a, b, c, d, e;
	pfn_t pfn;

	a = task(sim, "a", 0, 100);
	b = task(sim, "b", 0, 300);
	c = task(sim, "c", 0, 300);
	d = task(sim, "d", -1000, 2000);
	e = task(sim, "e", 500, 50);
	ck_assert_int_eq(sim_task_get_info(sim, e, &ti), SIM_OK);
	ck_assert_int_eq(ti.badness, 2051);
	ck_assert_int_eq(sim_task_get_info(sim, d, &ti), SIM_OK);
	ck_assert_int_eq(ti.badness, INT64_MIN);
	tu_fill_to(sim, 200);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert_uint_eq(info.oom_kills, 2);
	ck_assert_uint_eq(sim->stats.oom_kill, 2);
	ck_assert_int_eq(sim_task_get_info(sim, e, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "killed");
	ck_assert_int_eq(sim_task_get_info(sim, c, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "killed");
	ck_assert_int_eq(sim_task_get_info(sim, b, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "running");
	ck_assert_int_eq(sim_task_get_info(sim, a, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "running");
	/* the reports: e first (pid 1004), then c (1002); 50 pages = 200 kB */
	ck_assert_str_eq(sim_bug_at(sim, 0)->message,
			 "Out of memory: Killed process 1004 (e) total-vm:200kB, anon-rss:200kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:500");
	ck_assert_str_eq(sim_bug_at(sim, 1)->message,
			 "Out of memory: Killed process 1002 (c) total-vm:1200kB, anon-rss:1200kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0");
	ck_assert(strstr(sim_log_text(sim),
			 "kmemsim invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0") != NULL);
	ck_assert(strstr(sim_log_text(sim),
			 "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=e,pid=1004,uid=0") != NULL);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 549);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_oom_not_for_costly_or_lowmem)
{
	/*
	 * The OOM killer is not used for order > 3, for __GFP_RETRY_MAYFAIL,
	 * or for requests limited to DMA/DMA32; a request without __GFP_FS
	 * does not kill either.  The task survives all of these.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_task_info ti;
	sim_pid_t t;
	pfn_t pfn;

	t = task(sim, "hog", 0, 1000);
	tu_fill_to(sim, 0);
	ck_assert_int_eq(pgalloc_alloc(sim, 4, GFP_KERNEL, &pfn), SIM_ENOMEM);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL | __GFP_RETRY_MAYFAIL, &pfn),
			 SIM_ENOMEM);
	ck_assert(strstr(sim_last_reason(sim), "__GFP_RETRY_MAYFAIL") != NULL);
	ck_assert_int_eq(sim_task_get_info(sim, t, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "running");
	ck_assert_uint_eq(sim->stats.oom_kill, 0);
	sim_free(sim);
}
END_TEST

START_TEST(test_task_killed_while_faulting)
{
	/*
	 * The only task faults in more than memory holds: once reclaim cannot
	 * help, the OOM killer chooses the faulting task itself.  It finishes
	 * that fault from the OOM reserve, then dies: the fault loop stops with
	 * ENOMEM and all its memory comes back.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_task_info ti;
	sim_pid_t pid;
	uint64_t n;

	ck_assert_int_eq(sim_task_create(sim, "grower", 0, &pid), SIM_OK);
	ck_assert_int_eq(sim_task_fault(sim, pid, 10000, &n), SIM_ENOMEM);
	ck_assert(strstr(sim_last_reason(sim), "killed by the OOM killer") != NULL);
	ck_assert_uint_lt(n, 4096);
	ck_assert_uint_gt(n, 3800);
	ck_assert_int_eq(sim_task_get_info(sim, pid, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "killed");
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 4096);
	ck_assert_uint_eq(sim->stats.oom_kill, 1);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Compaction ---- */

/*
 * Fragment Normal: tasks A and B fault pages alternately over the first
 * 3072 pages (pageblocks 0-5: A on even pfns, B on odd ones), kernel pages
 * fill the last 1024 (pageblocks 6-7 become UNMOVABLE), then A exits: 1536
 * free single pages, no two of them buddies.  Fragmentation index at order
 * 4: 1000 - (1000 + 1536 * 1000 / 16) / 1536 = 937 > 500.
 */
static struct sim *fragmented_sim(void)
{
	struct sim *sim = tu_sim_gfp();
	sim_pid_t a, b;
	uint64_t n;

	ck_assert_int_eq(sim_task_create(sim, "A", 0, &a), SIM_OK);
	ck_assert_int_eq(sim_task_create(sim, "B", 0, &b), SIM_OK);
	for (int i = 0; i < 1536; i++) {
		ck_assert_int_eq(sim_task_fault(sim, a, 1, &n), SIM_OK);
		ck_assert_int_eq(sim_task_fault(sim, b, 1, &n), SIM_OK);
	}
	tu_fill_to(sim, 0);
	ck_assert_int_eq(sim_task_exit(sim, a), SIM_OK);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 1536);
	ck_assert_uint_eq(tu_normal(sim)->free_area[0].nr_free, 1536);
	ck_assert_int_eq(zone_fragmentation_index(tu_normal(sim), 4), 937);
	return sim;
}

START_TEST(test_compaction_makes_order4)
{
	/*
	 * GFP_KERNEL order 4 (costly, UNMOVABLE): the fast and min attempts
	 * find no block of order >= 4.  Compaction is suitable (1536 free >
	 * min 256 + gap 32 + low - min 64; index 937 > 500).
	 *   async first: it only takes source pageblocks of the request's type,
	 *     UNMOVABLE, where there is nothing movable: the scanners meet,
	 *     COMPLETE; compact_stall 1, compact_fail 1 (async: not deferred)
	 *   direct reclaim: nothing (anon without swap)
	 *   sync-light compaction: moves B's 256 pages of pageblock 0 into the
	 *     holes of pageblock 5 (the highest MOVABLE one); pageblock 0 is
	 *     then free, an order-9 block the request may claim: SUCCESS, and
	 *     the allocation succeeds: compact_stall 2, compact_success 1
	 */
	struct sim *sim = fragmented_sim();
	struct sim_alloc_info info;
	pfn_t pfn;

	ck_assert_int_eq(pgalloc_alloc(sim, 4, GFP_KERNEL, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert_uint_eq(info.compact_runs, 2);
	ck_assert_uint_eq(sim->stats.compact_stall, 2);
	ck_assert_uint_eq(sim->stats.compact_fail, 1);
	ck_assert_uint_eq(sim->stats.compact_success, 1);
	ck_assert_uint_eq(sim->stats.pgmigrate_success, 256);
	ck_assert_uint_eq(pfn, tu_normal(sim)->start_pfn);
	ck_assert_uint_gt(info.stall_ns, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_no_compaction_without_io)
{
	/*
	 * GFP_NOIO order 4: compaction needs __GFP_IO, reclaim finds nothing,
	 * and a costly order without compaction is not retried: failure, "order
	 * 4 unavailable after reclaim and compaction"; no OOM (order > 3).
	 */
	struct sim *sim = fragmented_sim();
	pfn_t pfn;

	ck_assert_int_eq(pgalloc_alloc(sim, 4, GFP_NOIO, &pfn), SIM_ENOMEM);
	ck_assert(strstr(sim_last_reason(sim),
			 "order 4 unavailable after reclaim and compaction (not allowed without __GFP_IO)") != NULL);
	ck_assert(strstr(sim_last_reason(sim), "fragmented") != NULL);
	ck_assert_uint_eq(sim->stats.compact_stall, 0);
	ck_assert_uint_eq(sim->stats.oom_kill, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_compaction_deferral)
{
	/*
	 * Kernel pages with holes: nothing movable.  A sync-light run covers
	 * the zone (COMPLETE) and defers the order: defer_shift 1, so the next
	 * attempt is skipped (considered 1 < 2: DEFERRED) and the one after runs
	 * again (2 >= 2); its failure raises the shift to 2.
	 */
	struct sim *sim = tu_sim_gfp();
	struct alloc_context ac;
	pfn_t pfns[4096];
	unsigned n = 0;

	while (tu_normal(sim)->nr_free_pages > 0)
		ck_assert_int_eq(pgalloc_alloc(sim, 0, __GFP_MEMALLOC, &pfns[n++]), SIM_OK);
	for (unsigned i = 0; i < n; i += 2)
		pgalloc_free(sim, pfns[i], 0);
	ck_assert_int_eq(pgalloc_prepare_alloc(sim, GFP_KERNEL, &ac), SIM_OK);
	ck_assert_int_eq(compaction_try_to_compact_pages(sim, GFP_KERNEL, 4, ALLOC_WMARK_MIN,
							 &ac, COMPACT_PRIO_SYNC_LIGHT),
			 COMPACT_COMPLETE);
	ck_assert_int_eq(compaction_try_to_compact_pages(sim, GFP_KERNEL, 4, ALLOC_WMARK_MIN,
							 &ac, COMPACT_PRIO_SYNC_LIGHT),
			 COMPACT_DEFERRED);
	ck_assert_int_eq(compaction_try_to_compact_pages(sim, GFP_KERNEL, 4, ALLOC_WMARK_MIN,
							 &ac, COMPACT_PRIO_SYNC_LIGHT),
			 COMPACT_COMPLETE);
	ck_assert_uint_eq(sim->reclaim->compact[tu_normal(sim)->id].defer_shift, 2);
	/* a success at order 2 resets the deferral (shift 0) and marks orders
	 * below 3 as not failed: order 2 is not deferred, order 4 is, once */
	compaction_defer_reset(sim, tu_normal(sim), 2, true);
	ck_assert_int_eq(sim->reclaim->compact[tu_normal(sim)->id].order_failed, 3);
	/* at the order that failed itself (>=): the next order up */
	compaction_defer_reset(sim, tu_normal(sim), 3, false);
	ck_assert_int_eq(sim->reclaim->compact[tu_normal(sim)->id].order_failed, 4);
	ck_assert_int_ne(compaction_try_to_compact_pages(sim, GFP_KERNEL, 2, ALLOC_WMARK_MIN,
							 &ac, COMPACT_PRIO_SYNC_LIGHT),
			 COMPACT_DEFERRED);
	/* SYNC_FULL ignores deferral */
	ck_assert_int_eq(compaction_try_to_compact_pages(sim, GFP_KERNEL, 4, ALLOC_WMARK_MIN,
							 &ac, COMPACT_PRIO_SYNC_FULL),
			 COMPACT_COMPLETE);
	/* and no compaction at all without __GFP_IO */
	ck_assert_int_eq(compaction_try_to_compact_pages(sim, GFP_NOIO, 4, ALLOC_WMARK_MIN,
							 &ac, COMPACT_PRIO_SYNC_FULL),
			 COMPACT_SKIPPED);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_compact_memory)
{
	/* compact_memory moves every movable page up: the holes coalesce */
	struct sim *sim = fragmented_sim();

	sim_compact_memory(sim);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 1536);
	ck_assert_int_eq(zone_fragmentation_index(tu_normal(sim), 9), -1000);
	ck_assert_uint_gt(sim->stats.pgmigrate_success, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

static Suite *reclaim_suite(void)
{
	Suite *s = suite_create("reclaim");
	TCase *lru = tcase_create("lru");
	TCase *shrink = tcase_create("shrinker");
	TCase *oom = tcase_create("oom");
	TCase *compact = tcase_create("compaction");

	tcase_add_test(lru, test_page_cache_and_lru);
	tcase_add_test(lru, test_kswapd_reclaims_to_high);
	tcase_add_test(lru, test_direct_reclaim_page_cache);
	tcase_add_test(lru, test_direct_reclaim_then_success);
	tcase_add_test(lru, test_noio_cannot_swap);
	tcase_add_test(lru, test_dirty_page_cache_needs_kswapd);
	tcase_add_test(lru, test_kswapd_hopeless);
	tcase_add_test(shrink, test_shrinker_arithmetic_and_lru_order);
	tcase_add_test(shrink, test_drop_caches_slab);
	tcase_add_test(oom, test_oom_picks_by_badness);
	tcase_add_test(oom, test_oom_not_for_costly_or_lowmem);
	tcase_add_test(oom, test_task_killed_while_faulting);
	tcase_add_test(compact, test_compaction_makes_order4);
	tcase_add_test(compact, test_no_compaction_without_io);
	tcase_add_test(compact, test_compaction_deferral);
	tcase_add_test(compact, test_compact_memory);
	tcase_set_timeout(lru, 60);
	suite_add_tcase(s, lru);
	suite_add_tcase(s, shrink);
	suite_add_tcase(s, oom);
	suite_add_tcase(s, compact);
	return s;
}

int main(void)
{
	return tu_run_suite(reclaim_suite());
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slowpath.c - the allocation slow path: GFP flags against free-memory
 * levels (which succeed, which reserve they use, which sleep), the OOM
 * victim's reserve, __GFP_NOFAIL, warn_alloc and might_sleep reports
 *
 * Every expectation is derived by hand in the comments from kernel-model
 * §2.5 (the watermark decision) and §3.3-§3.4 (alloc flags, slow path).
 *
 * The machine (gfp_sim): one node, ZONE_NORMAL of 4096 pages, 1 CPU, no
 * per-CPU lists (free counts are exact), vm.min_free_kbytes = 1024, no
 * watermark boost.  __setup_per_zone_wmarks: pages_min = 1024 >> 2 = 256,
 * all of it for the only zone: min 256; step = max(256 >> 2, 4096 * 10 /
 * 10000) = 64: low 320, high 384.  The discounts of __zone_watermark_ok at
 * the min mark: __GFP_HIGH (ALLOC_MIN_RESERVE) 256 - 128 = 128; and unable
 * to sleep (ALLOC_NON_BLOCK) 128 - 32 = 96; OOM victim (ALLOC_OOM) 128.
 * An order-0 request needs free > mark (no lowmem protection in Normal).
 *
 * A task "victim" holds 500 anonymous pages; there is no swap and no page
 * cache, so nothing is reclaimable: reclaim frees nothing, and the OOM
 * killer's only candidate is that task (500 + 1 page-table page = badness
 * 501).  Free memory is then brought to the level with __GFP_MEMALLOC
 * allocations (no kswapd bit, no watermark).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "oom.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "state.h"
#include "testutil.h"

#define LEVEL_ABOVE_HIGH	1000	/* > high 384 */
#define LEVEL_LOW_MIN		300	/* min 256 < 300 <= low 320 */
#define LEVEL_BELOW_MIN		200	/* 128 < 200 <= min 256 */
#define LEVEL_ATOMIC		110	/* 96 < 110 <= 128 */

static struct sim *gfp_sim(bool with_task)
{
	struct sim *sim = tu_sim_gfp();

	ck_assert_uint_eq(min_wmark_pages(tu_normal(sim)), 256);
	ck_assert_uint_eq(low_wmark_pages(tu_normal(sim)), 320);
	ck_assert_uint_eq(high_wmark_pages(tu_normal(sim)), 384);
	if (with_task) {
		sim_pid_t pid;
		uint64_t n;

		ck_assert_int_eq(sim_task_create(sim, "victim", 0, &pid), SIM_OK);
		ck_assert_int_eq(sim_task_fault(sim, pid, 500, &n), SIM_OK);
		ck_assert_uint_eq(n, 500);
	}
	return sim;
}

static void validate(struct sim *sim)
{
	char err[256];

	ck_assert_msg(pgalloc_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
	ck_assert_msg(reclaim_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
}

/* ---- The table ---- */

enum { OK, FAIL };
enum { AWAKE = 1, ASLEEP = 0 };

struct gfp_case {
	const char *what;
	gfp_t gfp;
	bool pf_memalloc;		/* inside memalloc_noreclaim scope */
	unsigned long level;
	int result;
	bool slowpath;
	enum sim_reserve reserve;
	bool slept;
	unsigned oom_kills;
	const char *reason;		/* a substring of the failure reason */
};

/*
 * Level above high (1000 free): the fast path takes every request (1000 >
 * high 384, the first check), no slow path, no reserve, no sleep.
 *
 * Level between low and min (300 free): the fast path refuses everyone
 * (300 <= low 320); the slow path's first attempt at the min watermark
 * succeeds for everyone (300 > 256), before any reclaim: no reserve (the
 * plain min would have passed), no sleep.  (GFP_NOWAIT too: it gets no
 * discount, but needs none here.)
 *
 * Level below min (200 free):
 *   GFP_ATOMIC      __GFP_HIGH and non-blocking: 200 > 96, first slow
 *                   attempt; the half-min reserve suffices (200 > 128):
 *                   reserve "min", no sleep
 *   __GFP_HIGH      alone (no reclaim bits, so ALLOC_NON_BLOCK too): same
 *   GFP_NOWAIT      no discount: 200 <= 256; cannot sleep: fails at once
 *   GFP_KERNEL      200 <= 256; direct reclaim finds nothing (anon without
 *                   swap): a 100 us backoff (slept); order 0, no compaction;
 *                   should_reclaim_retry: free + reclaimable 200 <= 256, no;
 *                   the OOM killer (order 0, __GFP_FS, highest zone Normal)
 *                   kills "victim": 500 pages come back, the retry at min
 *                   succeeds with 700 free: no reserve, 1 kill
 *   GFP_NOFAIL      the same as GFP_KERNEL here
 *   __GFP_NORETRY   one reclaim round (slept), then gives up: no OOM
 *   __GFP_RETRY_MAYFAIL  should_reclaim_retry says no, and the OOM killer is
 *                   not for it: fails after sleeping, no kill
 *   GFP_NOIO/NOFS   as GFP_KERNEL until the OOM killer, which kills nothing
 *                   for a request without __GFP_FS but reports progress: the
 *                   kernel loops forever; kmemsim's guard gives up after
 *                   10 s of virtual time without success
 *   __GFP_MEMALLOC  (with GFP_KERNEL) the first attempt at min fails; the
 *                   retry grants ALLOC_NO_WATERMARKS: success before any
 *                   reclaim, reserve "no_watermarks", no sleep
 *   PF_MEMALLOC     GFP_KERNEL inside the scope: the same
 *
 * Level 110 free: GFP_ATOMIC needs the non-blocking quarter (110 <= 128,
 * 110 > 96): reserve "atomic".
 */
static const struct gfp_case gfp_cases[] = {
	{ "GFP_KERNEL above high", GFP_KERNEL, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_ATOMIC above high", GFP_ATOMIC, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_NOWAIT above high", GFP_NOWAIT, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_NOIO above high", GFP_NOIO, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_NOFS above high", GFP_NOFS, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_HIGH above high", __GFP_HIGH, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_MEMALLOC above high", GFP_KERNEL | __GFP_MEMALLOC, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "PF_MEMALLOC above high", GFP_KERNEL, true, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_NORETRY above high", GFP_KERNEL | __GFP_NORETRY, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_RETRY_MAYFAIL above high", GFP_KERNEL | __GFP_RETRY_MAYFAIL, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_NOFAIL above high", GFP_KERNEL | __GFP_NOFAIL, false, LEVEL_ABOVE_HIGH, OK, false, SIM_RESERVE_NONE, false, 0, NULL },

	{ "GFP_KERNEL low..min", GFP_KERNEL, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_ATOMIC low..min", GFP_ATOMIC, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_NOWAIT low..min", GFP_NOWAIT, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_NOIO low..min", GFP_NOIO, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "GFP_NOFS low..min", GFP_NOFS, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_HIGH low..min", __GFP_HIGH, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_MEMALLOC low..min", GFP_KERNEL | __GFP_MEMALLOC, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "PF_MEMALLOC low..min", GFP_KERNEL, true, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_NORETRY low..min", GFP_KERNEL | __GFP_NORETRY, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_RETRY_MAYFAIL low..min", GFP_KERNEL | __GFP_RETRY_MAYFAIL, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },
	{ "__GFP_NOFAIL low..min", GFP_KERNEL | __GFP_NOFAIL, false, LEVEL_LOW_MIN, OK, true, SIM_RESERVE_NONE, false, 0, NULL },

	{ "GFP_KERNEL below min", GFP_KERNEL, false, LEVEL_BELOW_MIN, OK, true, SIM_RESERVE_NONE, true, 1, NULL },
	{ "GFP_ATOMIC below min", GFP_ATOMIC, false, LEVEL_BELOW_MIN, OK, true, SIM_RESERVE_MIN, false, 0, NULL },
	{ "GFP_NOWAIT below min", GFP_NOWAIT, false, LEVEL_BELOW_MIN, FAIL, true, SIM_RESERVE_NONE, false, 0, "below min watermark" },
	{ "GFP_NOIO below min", GFP_NOIO, false, LEVEL_BELOW_MIN, FAIL, true, SIM_RESERVE_NONE, true, 0, "livelock" },
	{ "GFP_NOFS below min", GFP_NOFS, false, LEVEL_BELOW_MIN, FAIL, true, SIM_RESERVE_NONE, true, 0, "livelock" },
	{ "__GFP_HIGH below min", __GFP_HIGH, false, LEVEL_BELOW_MIN, OK, true, SIM_RESERVE_MIN, false, 0, NULL },
	{ "__GFP_MEMALLOC below min", GFP_KERNEL | __GFP_MEMALLOC, false, LEVEL_BELOW_MIN, OK, true, SIM_RESERVE_NO_WATERMARKS, false, 0, NULL },
	{ "PF_MEMALLOC below min", GFP_KERNEL, true, LEVEL_BELOW_MIN, OK, true, SIM_RESERVE_NO_WATERMARKS, false, 0, NULL },
	{ "__GFP_NORETRY below min", GFP_KERNEL | __GFP_NORETRY, false, LEVEL_BELOW_MIN, FAIL, true, SIM_RESERVE_NONE, true, 0, "__GFP_NORETRY" },
	{ "__GFP_RETRY_MAYFAIL below min", GFP_KERNEL | __GFP_RETRY_MAYFAIL, false, LEVEL_BELOW_MIN, FAIL, true, SIM_RESERVE_NONE, true, 0, "__GFP_RETRY_MAYFAIL" },
	{ "__GFP_NOFAIL below min", GFP_KERNEL | __GFP_NOFAIL, false, LEVEL_BELOW_MIN, OK, true, SIM_RESERVE_NONE, true, 1, NULL },

	{ "GFP_ATOMIC at 110", GFP_ATOMIC, false, LEVEL_ATOMIC, OK, true, SIM_RESERVE_ATOMIC, false, 0, NULL },
	{ "__GFP_HIGH at 110", __GFP_HIGH, false, LEVEL_ATOMIC, OK, true, SIM_RESERVE_ATOMIC, false, 0, NULL },
};

START_TEST(test_gfp_table)
{
	const struct gfp_case *c = &gfp_cases[_i];
	struct sim *sim = gfp_sim(true);
	struct sim_alloc_info info;
	unsigned scope = 0;
	pfn_t pfn;
	int rc;

	tu_fill_to(sim, c->level);
	if (c->pf_memalloc)
		scope = sim_scope_save(sim, SIM_SCOPE_MEMALLOC);
	rc = pgalloc_alloc(sim, 0, c->gfp, &pfn);
	if (c->pf_memalloc)
		sim_scope_restore(sim, scope);
	sim_last_alloc(sim, &info);
	ck_assert_msg((rc == SIM_OK) == (c->result == OK), "%s: %s", c->what,
		      rc == SIM_OK ? "succeeded" : sim_last_reason(sim));
	ck_assert_msg(info.ok == (c->result == OK), "%s: info.ok", c->what);
	ck_assert_msg(info.slowpath == c->slowpath, "%s: slowpath %d", c->what, info.slowpath);
	ck_assert_msg(info.reserve == c->reserve, "%s: reserve %s, expected %s", c->what,
		      sim_reserve_name(info.reserve), sim_reserve_name(c->reserve));
	ck_assert_msg((info.stall_ns > 0) == c->slept, "%s: stall %llu ns", c->what,
		      (unsigned long long)info.stall_ns);
	ck_assert_msg(info.oom_kills == c->oom_kills, "%s: %u kills", c->what, info.oom_kills);
	if (c->reason)
		ck_assert_msg(strstr(sim_last_reason(sim), c->reason) != NULL,
			      "%s: reason '%s'", c->what, sim_last_reason(sim));
	/* a request that cannot sleep never sleeps, whatever happens */
	if (!(c->gfp & __GFP_DIRECT_RECLAIM))
		ck_assert_uint_eq(sim->stats.alloc_stall_ns, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

/* ---- Beyond the table ---- */

START_TEST(test_kswapd_woken_by_slowpath_only)
{
	/* above high: no slow path, kswapd stays asleep; between low and min:
	 * wake_all_kswapds() runs, the node is below high: woken, counted */
	struct sim *sim = gfp_sim(false);
	struct sim_alloc_info info;
	pfn_t pfn;

	tu_fill_to(sim, LEVEL_ABOVE_HIGH);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert(!sim->pg->nodes[0].kswapd_wake);
	tu_fill_to(sim, LEVEL_LOW_MIN);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert(info.kswapd_woken);
	ck_assert(sim->pg->nodes[0].kswapd_wake);
	ck_assert_uint_eq(sim->stats.kswapd_wakeups, 1);
	/* a second request while kswapd runs does not wake it again */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim->stats.kswapd_wakeups, 1);
	/* __GFP_HIGH alone has no __GFP_KSWAPD_RECLAIM: no wakeup attempt */
	sim_free(sim);
}
END_TEST

START_TEST(test_oom_victim_uses_alloc_oom)
{
	/*
	 * The task allocating is the OOM killer's only candidate: it kills
	 * current, which gets ALLOC_OOM on the retry: min 256 -> 128, and 200
	 * free > 128 succeeds from the "oom" reserve.  When the task's
	 * operation returns it exits and its 500 pages come back.
	 */
	struct sim *sim = gfp_sim(true);
	struct sim_alloc_info info;
	struct sim_task_info ti;
	sim_pid_t prev;
	pfn_t pfn;

	tu_fill_to(sim, LEVEL_BELOW_MIN);
	ck_assert_int_eq(sim_task_enter(sim, SIM_FIRST_PID, &prev), SIM_OK);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert_str_eq(sim_reserve_name(info.reserve), "oom");
	ck_assert_uint_eq(info.oom_kills, 1);
	ck_assert_int_eq(sim_task_get_info(sim, SIM_FIRST_PID, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "oom_victim");
	ck_assert_uint_eq(ti.rss, 500);
	sim_task_leave(sim, prev);
	ck_assert_int_eq(sim_task_get_info(sim, SIM_FIRST_PID, &ti), SIM_OK);
	ck_assert_str_eq(ti.state, "killed");
	ck_assert_uint_eq(ti.rss, 0);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, LEVEL_BELOW_MIN - 1 + 500);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_nofail_without_victims)
{
	/*
	 * No task at all, 200 free: GFP_KERNEL goes through reclaim (nothing)
	 * to the OOM killer, which finds nobody: "Out of memory and no
	 * killable processes" and out_of_memory() panics ("System is
	 * deadlocked on memory", mm/oom_kill.c), before __GFP_NOFAIL is even
	 * looked at.  panic() never returns: the call fails with the panic's
	 * line, nothing more is printed (no warn_alloc), time stands still and
	 * every later call is refused.
	 */
	const gfp_t masks[] = { GFP_KERNEL, GFP_KERNEL | __GFP_NOFAIL };

	for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
		struct sim *sim = gfp_sim(false);
		size_t bugs;
		sim_time_t t;
		pfn_t pfn;

		tu_fill_to(sim, LEVEL_BELOW_MIN);
		bugs = sim_nr_bugs(sim);
		ck_assert_int_eq(sim_alloc_pages(sim, 0, masks[i], &pfn), SIM_EPANIC);
		ck_assert_str_eq(sim_last_reason(sim),
				 "Kernel panic - not syncing: System is deadlocked on memory");
		ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
		ck_assert_int_eq(sim_bug_at(sim, bugs)->kind, SIM_BUG_PANIC);
		ck_assert_str_eq(sim_bug_at(sim, bugs)->message,
				 "Kernel panic - not syncing: System is deadlocked on memory");
		ck_assert(strstr(sim_log_text(sim), "Out of memory and no killable processes...\n") != NULL);
		ck_assert(strstr(sim_log_text(sim), "---[ end Kernel panic - not syncing: System is deadlocked on memory ]---\n") != NULL);
		ck_assert(strstr(sim_log_text(sim), "page allocation failure") == NULL);
		ck_assert(sim_panicked(sim));
		ck_assert_str_eq(sim_panic_message(sim), "System is deadlocked on memory");
		/* the machine has stopped */
		t = sim_now(sim);
		sim_advance(sim, 10 * SIM_NSEC_PER_SEC);
		ck_assert_uint_eq(sim_now(sim), t);
		ck_assert_int_eq(sim_alloc_pages(sim, 0, GFP_ATOMIC, &pfn), SIM_EPANIC);
		ck_assert(strstr(sim_last_reason(sim), "the simulated kernel panicked at ") != NULL);
		ck_assert(strstr(sim_last_reason(sim), "System is deadlocked on memory") != NULL);
		ck_assert_int_eq(sim_kfree(sim, 0x1000), SIM_EPANIC);
		ck_assert_int_eq(sim_check_alive(sim), SIM_EPANIC);
		ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
		validate(sim);
		sim_free(sim);
	}
}
END_TEST

START_TEST(test_nofail_misuse_warns_once)
{
	/*
	 * 6.18 warns (WARN_ON_ONCE) at the start of the slow path about
	 * __GFP_NOFAIL with order > 1 and without __GFP_DIRECT_RECLAIM.  A
	 * non-blocking __GFP_NOFAIL that cannot be satisfied still returns
	 * NULL ("we disregard these unreasonable nofail requests").
	 */
	struct sim *sim = gfp_sim(false);
	size_t bugs = sim_nr_bugs(sim);
	pfn_t pfn;

	tu_fill_to(sim, 0);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC | __GFP_NOFAIL, &pfn), SIM_ENOMEM);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC | __GFP_NOFAIL | __GFP_NOWARN, &pfn),
			 SIM_ENOMEM);
	ck_assert_uint_ge(sim_nr_bugs(sim), bugs + 2);
	ck_assert(strstr(sim_bug_at(sim, bugs)->message,
			 "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM") != NULL);
	ck_assert_int_eq(sim_bug_at(sim, bugs)->kind, SIM_BUG_WARN);
	/* then warn_alloc for the first failure; the second is NOWARN */
	ck_assert_int_eq(sim_bug_at(sim, bugs + 1)->kind, SIM_BUG_ALLOC_FAIL);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 2);
	sim_free(sim);

	/* order 2: fails for lack of memory as usual (nothing to kill), but warns first */
	sim = gfp_sim(false);
	tu_fill_to(sim, 1000);
	bugs = sim_nr_bugs(sim);
	ck_assert_int_eq(pgalloc_alloc(sim, 2, GFP_KERNEL | __GFP_NOFAIL, &pfn), SIM_OK);
	ck_assert_int_eq(pgalloc_alloc(sim, 2, GFP_KERNEL | __GFP_NOFAIL, &pfn), SIM_OK);
	/* above high: the fast path serves it, no slow path, no warning */
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs);
	tu_fill_to(sim, LEVEL_LOW_MIN);
	ck_assert_int_eq(pgalloc_alloc(sim, 2, GFP_KERNEL | __GFP_NOFAIL, &pfn), SIM_OK);
	ck_assert_int_eq(pgalloc_alloc(sim, 2, GFP_KERNEL | __GFP_NOFAIL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	ck_assert(strstr(sim_bug_at(sim, bugs)->message, "__GFP_NOFAIL with order > 1") != NULL);
	sim_free(sim);
}
END_TEST

START_TEST(test_warn_alloc_format_and_ratelimit)
{
	/*
	 * GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM = 0x820.  At 0 free
	 * it fails (0 <= 96).  warn_alloc() prints one report per 10 s; the
	 * next one after that says how many were suppressed.
	 */
	struct sim *sim = gfp_sim(false);
	size_t bugs;
	pfn_t pfn;

	tu_fill_to(sim, 0);
	bugs = sim_nr_bugs(sim);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_ENOMEM);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	ck_assert_str_eq(sim_bug_at(sim, bugs)->message,
			 "kmemsim: page allocation failure: order:0, mode:0x820(GFP_ATOMIC), nodemask=(null),cpuset=/,mems_allowed=0");
	ck_assert_int_eq(sim_bug_at(sim, bugs)->kind, SIM_BUG_ALLOC_FAIL);
	ck_assert(strstr(sim_last_reason(sim), "cannot sleep") != NULL);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_ENOMEM);
	ck_assert_int_eq(pgalloc_alloc(sim, 3, GFP_ATOMIC, &pfn), SIM_ENOMEM);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	/* GFP_NOWAIT carries __GFP_NOWARN: never a report */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_NOWAIT, &pfn), SIM_ENOMEM);
	/* ___ratelimit(): the interval is over once jiffies is past
	 * begin + 10 * HZ, not at it */
	sim_advance(sim, 10 * SIM_NSEC_PER_SEC);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_ENOMEM);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	sim_advance(sim, SIM_NSEC_PER_SEC / 250);	/* one jiffy at HZ=250 */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_ENOMEM);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 2);
	ck_assert(strstr(sim_log_text(sim), "warn_alloc: 3 callbacks suppressed") != NULL);
	ck_assert_uint_eq(sim->stats.printk_suppressed, 3);
	ck_assert_uint_eq(sim->stats.alloc_fail, 6);
	sim_free(sim);
}
END_TEST

START_TEST(test_might_sleep_in_atomic)
{
	/*
	 * GFP_KERNEL may block (__GFP_DIRECT_RECLAIM): from atomic, softirq or
	 * hardirq context it is a "sleeping function called from invalid
	 * context" bug, reported at most once per second, counted every time;
	 * GFP_ATOMIC is fine anywhere.  The allocation itself goes on.
	 */
	struct sim *sim = gfp_sim(false);
	size_t bugs = sim_nr_bugs(sim);
	pfn_t pfn;

	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_ATOMIC), SIM_OK);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	ck_assert_int_eq(sim_bug_at(sim, bugs)->kind, SIM_BUG_SLEEP_ATOMIC);
	ck_assert_str_eq(sim_bug_at(sim, bugs)->message,
			 "BUG: sleeping function called from invalid context at include/linux/sched/mm.h:323");
	ck_assert(strstr(sim_log_text(sim),
			 "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: kmemsim") != NULL);
	ck_assert(strstr(sim_log_text(sim), "preempt_count: 1, expected: 0") != NULL);
	/* again within a second: counted, not reported */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_NOIO, &pfn), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	ck_assert_uint_eq(sim->stats.sleep_in_atomic, 2);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	/* a hardirq a second later: irqs off, preempt_count 0x10000 */
	sim_advance(sim, SIM_NSEC_PER_SEC);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_HARDIRQ), SIM_OK);
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 2);
	ck_assert(strstr(sim_log_text(sim), "irqs_disabled(): 1") != NULL);
	ck_assert(strstr(sim_log_text(sim), "preempt_count: 10000, expected: 0") != NULL);
	/* process context: nothing */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim->stats.sleep_in_atomic, 3);
	/* the slab layer's entry checks too */
	sim_advance(sim, SIM_NSEC_PER_SEC);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_SOFTIRQ), SIM_OK);
	{
		sim_addr_t a;

		ck_assert_int_eq(sim_kmalloc(sim, 64, GFP_KERNEL, &a), SIM_OK);
		ck_assert_int_eq(sim_kfree(sim, a), SIM_OK);
	}
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 3);
	/* one offending call, one count: the slab entry's check covers the
	 * page allocator's inside the same kmalloc */
	ck_assert_uint_eq(sim->stats.sleep_in_atomic, 4);
	sim_free(sim);
}
END_TEST

/* how many times @needle occurs in @hay */
static unsigned count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

START_TEST(test_log_rate_limits)
{
	/*
	 * The kernel's log floods are rate-limited where the kernel's are:
	 * slab_out_of_memory() (DEFAULT_RATELIMIT: 10 per 5 s), the OOM
	 * killer's dump_header() on a kill (the same), bad_page() (60, then a
	 * minute of silence); what is held back is counted in
	 * printk_suppressed and announced on the next report after the
	 * interval ("<function>: N callbacks suppressed").
	 */
	struct sim *sim = gfp_sim(false);
	const char *log;
	sim_addr_t a;
	uint64_t sup;

	/* slab_out_of_memory: 12 GFP_ATOMIC kmallocs that cannot get a slab */
	tu_fill_to(sim, 0);
	for (int i = 0; i < 12; i++)
		ck_assert_int_eq(sim_kmalloc(sim, 1024, GFP_ATOMIC, &a), SIM_ENOMEM);
	log = sim_log_text(sim);
	ck_assert_uint_eq(count_of(log, "SLUB: Unable to allocate memory"), 10);
	sup = sim->stats.printk_suppressed;
	ck_assert_uint_ge(sup, 2);	/* warn_alloc's own limit holds back more */
	sim_advance(sim, 5 * SIM_NSEC_PER_SEC + SIM_NSEC_PER_SEC / 250);
	ck_assert_int_eq(sim_kmalloc(sim, 1024, GFP_ATOMIC, &a), SIM_ENOMEM);
	log = sim_log_text(sim);
	ck_assert(strstr(log, "slab_out_of_memory: 2 callbacks suppressed\n") != NULL);
	ck_assert_uint_eq(count_of(log, "SLUB: Unable to allocate memory"), 11);
	/* __GFP_NOWARN: never, and not counted as suppressed */
	sup = sim->stats.printk_suppressed;
	ck_assert_int_eq(sim_kmalloc(sim, 1024, GFP_ATOMIC | __GFP_NOWARN, &a), SIM_ENOMEM);
	ck_assert_uint_eq(count_of(sim_log_text(sim), "SLUB: Unable to allocate memory"), 11);
	ck_assert_uint_eq(sim->stats.printk_suppressed, sup);
	sim_free(sim);

	/* bad_page(): 70 bad frees, 60 reports; a minute later the count */
	sim = gfp_sim(false);
	for (int i = 0; i < 70; i++)
		sim_free_pages(sim, 100 + (pfn_t)i, 0);	/* free pages: already free */
	ck_assert_uint_eq(count_of(sim_log_text(sim), "BUG: Bad page state in process"), 60);
	ck_assert_uint_eq(sim->stats.printk_suppressed, 10);
	sim_advance(sim, 59 * SIM_NSEC_PER_SEC);
	sim_free_pages(sim, 300, 0);
	ck_assert_uint_eq(count_of(sim_log_text(sim), "BUG: Bad page state in process"), 60);
	sim_advance(sim, 1 * SIM_NSEC_PER_SEC);
	sim_free_pages(sim, 301, 0);
	ck_assert(strstr(sim_log_text(sim), "BUG: Bad page state: 11 messages suppressed\n") != NULL);
	ck_assert_uint_eq(count_of(sim_log_text(sim), "BUG: Bad page state in process"), 61);
	sim_free(sim);

	/* the OOM killer: every kill is logged, its header 10 times per 5 s */
	sim = gfp_sim(false);
	for (int i = 0; i < 14; i++) {
		sim_pid_t pid;
		uint64_t n;

		ck_assert_int_eq(sim_task_create(sim, "hog", 0, &pid), SIM_OK);
		ck_assert_int_eq(sim_task_fault(sim, pid, 250, &n), SIM_OK);
	}
	tu_fill_to(sim, LEVEL_BELOW_MIN);
	while (sim->stats.oom_kill < 12) {
		pfn_t pfn;

		sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn);	/* an OOM kill each */
		ck_assert(!sim_panicked(sim));
		tu_fill_to(sim, LEVEL_BELOW_MIN);
	}
	ck_assert_uint_lt(sim_now(sim), 5 * SIM_NSEC_PER_SEC);
	log = sim_log_text(sim);
	ck_assert_uint_eq(count_of(log, "Out of memory: Killed process"), 12);
	ck_assert_uint_eq(count_of(log, "invoked oom-killer"), 10);
	ck_assert_uint_eq(count_of(log, "oom-kill:constraint="), 10);
	sim_free(sim);
}
END_TEST

/* a simulator like gfp_sim()'s with one option changed */
static struct sim *gfp_sim_opt(const char *name, const char *value)
{
	struct sim_config cfg;
	char err[256];

	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_NORMAL] = 4096;
	cfg.cpus = 1;
	cfg.pcp = false;
	ck_assert_msg(sim_config_set(&cfg, name, value, err, sizeof err) == SIM_OK, "%s", err);
	return tu_sim_cfg(&cfg);
}

START_TEST(test_might_sleep_rules)
{
	/*
	 * __might_resched(): one timestamp for the machine, in jiffies (HZ =
	 * 250): no report while time_before(jiffies, prev_jiffy + HZ).  The
	 * file:line is might_alloc()'s in include/linux/sched/mm.h of the
	 * kernel version in use.  Without CONFIG_DEBUG_ATOMIC_SLEEP there is
	 * no report at all (still counted: kmemsim's own counter).
	 */
	struct sim *sim = gfp_sim_opt("kernel", "6.1");
	sim_addr_t a;
	pfn_t pfn;

	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_ATOMIC), SIM_OK);
	sim_advance(sim, 3 * SIM_NSEC_PER_MSEC);	/* jiffy 0, late in it */
	ck_assert_int_eq(sim_kmalloc(sim, 100, GFP_KERNEL, &a), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	ck_assert_str_eq(sim_bug_at(sim, 0)->message,
			 "BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274");
	/* jiffy 249 (0.996 s): still inside; jiffy 250 (1.000 s): reported,
	 * although less than a second passed since the first report */
	sim_advance(sim, 993 * SIM_NSEC_PER_MSEC);
	ck_assert_int_eq(sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	sim_advance(sim, 4 * SIM_NSEC_PER_MSEC);
	ck_assert_int_eq(sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 2);
	ck_assert_uint_eq(sim->stats.sleep_in_atomic, 3);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	sim_free(sim);

	sim = gfp_sim_opt("debug_atomic_sleep", "false");
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_HARDIRQ), SIM_OK);
	ck_assert_int_eq(sim_kmalloc(sim, 100, GFP_KERNEL, &a), SIM_OK);
	ck_assert_int_eq(sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert_str_eq(sim_log_text(sim), "");
	ck_assert_uint_eq(sim->stats.sleep_in_atomic, 2);
	sim_free(sim);
}
END_TEST

START_TEST(test_highatomic_reserve)
{
	/*
	 * An order-1 GFP_ATOMIC request in the slow path gets ALLOC_HIGHATOMIC
	 * (order > 0, __GFP_HIGH, cannot sleep); a success turns its pageblock
	 * into a HIGHATOMIC reserve if the zone is large enough: managed / 100
	 * must be at least a pageblock, so Normal here has 65536 pages (limit
	 * roundup(655, 512) = 1024 reserved pages).  min_free_kbytes 1024: min
	 * 256, step max(64, 65) = 65: low 321.  At 300 free the fast path
	 * refuses (order 1: 300 - 1 <= 321), the slow path's first attempt
	 * succeeds and reserves the pageblock: 512 pages.  GFP_KERNEL may not
	 * count the reserve's free pages; the next GFP_ATOMIC order-1 request
	 * takes its block from the reserve ("highatomic").
	 */
	struct sim_config cfg;
	struct sim *sim;
	struct sim_alloc_info info;
	pfn_t pfn;

	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_NORMAL] = 65536;
	cfg.cpus = 1;
	cfg.pcp = false;
	cfg.min_free_kbytes = 1024;
	cfg.watermark_boost_factor = 0;
	sim = tu_sim_cfg(&cfg);
	sim_set_slowpath(sim, true);
	ck_assert_uint_eq(low_wmark_pages(tu_normal(sim)), 321);
	tu_fill_to(sim, LEVEL_LOW_MIN);
	ck_assert_int_eq(pgalloc_alloc(sim, 1, GFP_ATOMIC, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert(info.slowpath);
	ck_assert_uint_eq(tu_normal(sim)->nr_reserved_highatomic, 512);
	ck_assert_uint_gt(tu_normal(sim)->nr_free_highatomic, 0);
	ck_assert_int_eq(pgalloc_alloc(sim, 1, GFP_ATOMIC, &pfn), SIM_OK);
	sim_last_alloc(sim, &info);
	ck_assert_str_eq(sim_reserve_name(info.reserve), "highatomic");
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_slowpath_off_is_the_fast_path)
{
	/* sim_set_slowpath(false): a refusal at the low watermark is final */
	struct sim *sim = gfp_sim(false);
	uint64_t slow;
	pfn_t pfn;


	tu_fill_to(sim, LEVEL_LOW_MIN);
	slow = sim->stats.alloc_slowpath;
	ck_assert(sim_set_slowpath(sim, false));
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_ENOMEM);
	ck_assert(strstr(sim_last_reason(sim), "below low watermark") != NULL);
	ck_assert_uint_eq(sim->stats.alloc_slowpath, slow);
	ck_assert(!sim_set_slowpath(sim, true));
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_ATOMIC, &pfn), SIM_OK);
	ck_assert_uint_eq(sim->stats.alloc_slowpath, slow + 1);
	sim_free(sim);
}
END_TEST

static Suite *slowpath_suite(void)
{
	Suite *s = suite_create("slowpath");
	TCase *table = tcase_create("table");
	TCase *more = tcase_create("more");

	tcase_add_loop_test(table, test_gfp_table, 0, (int)ARRAY_SIZE(gfp_cases));
	tcase_set_timeout(table, 60);
	tcase_add_test(more, test_kswapd_woken_by_slowpath_only);
	tcase_add_test(more, test_oom_victim_uses_alloc_oom);
	tcase_add_test(more, test_nofail_without_victims);
	tcase_add_test(more, test_nofail_misuse_warns_once);
	tcase_add_test(more, test_warn_alloc_format_and_ratelimit);
	tcase_add_test(more, test_might_sleep_in_atomic);
	tcase_add_test(more, test_might_sleep_rules);
	tcase_add_test(more, test_log_rate_limits);
	tcase_add_test(more, test_highatomic_reserve);
	tcase_add_test(more, test_slowpath_off_is_the_fast_path);
	suite_add_tcase(s, table);
	suite_add_tcase(s, more);
	return s;
}

int main(void)
{
	return tu_run_suite(slowpath_suite());
}

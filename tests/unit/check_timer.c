/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_timer.c - sim_advance()'s fast-forward over quiet timers
 *
 * The periodic kernel work (pcp decay, kswapd and kcompactd, SLAB's
 * cache_reap, delayed mempool frees, the time-mode sampler) skips the
 * expiries that would do nothing, so a jump of any length costs
 * O(timers).  The promise is that nothing observable changes: each test
 * runs the same busy-then-idle history twice, once firing every expiry
 * (sim->timer_step) and once fast-forwarding, and compares everything the
 * simulator can show (the full JSON report, the kernel log, every
 * counter).  A quiet hook that lied, or a skip that miscounted, makes the
 * two differ; a fast-forward that did not happen makes the 2^62 ns jump at
 * the end hang until the test times out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "gfp.h"
#include "reclaim.h"
#include "state.h"
#include "testutil.h"

static void timer_text(void *ud, const char *s, size_t n)
{
	report_buf_write(ud, s, n);
}

/* one history: objects on two nodes' CPUs, pressure, delayed frees, idle */
static char *timer_history(const char *policy, bool step, sim_time_t jump)
{
	struct sim_config cfg;
	struct sim_sample_opts so;
	struct sim_mempool_backing mb = { .kind = SIM_MEMPOOL_KMALLOC, .size = 512 };
	struct report_buf buf = REPORT_BUF_INIT, dump = REPORT_BUF_INIT;
	struct report *r;
	sim_addr_t objs[3000];
	sim_cache_t c;
	sim_mempool_t pool;
	sim_pid_t pid;
	struct sim *sim;
	char *out;
	uint64_t n;

	sim_config_init(&cfg);
	cfg.policy = policy;
	cfg.ram_bytes = UINT64_C(64) << 20;
	cfg.cpus = 2;
	cfg.nodes = 2;		/* SLAB's alien arrays and per-node reaps */
	sim = tu_sim_cfg(&cfg);
	sim->timer_step = step;
	sim_sample_opts_init(&so);
	so.every_ns = 10 * SIM_NSEC_PER_MSEC;
	so.max_samples = 16;	/* halves the interval many times over the jump */
	ck_assert_int_eq(sim_sample_start(sim, &so), SIM_OK);

	ck_assert_int_eq(sim_cache_create(sim, "ff_cache", 200, NULL, &c), SIM_OK);
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
		ck_assert_int_eq(sim_set_cpu(sim, (unsigned)(i & 1)), SIM_OK);
		ck_assert_int_eq(i % 3 ? sim_cache_alloc(sim, c, GFP_KERNEL, &objs[i])
				       : sim_kmalloc(sim, 64 + i % 700, GFP_KERNEL, &objs[i]),
				 SIM_OK);
		if (i % 97 == 0)
			sim_advance(sim, 3 * SIM_NSEC_PER_MSEC + i);
	}
	/* free on the other CPU (remote node): aliens, shared arrays, pcp */
	for (size_t i = 0; i < ARRAY_SIZE(objs); i += 2) {
		ck_assert_int_eq(sim_set_cpu(sim, (unsigned)(~i & 1)), SIM_OK);
		if (i % 3)
			sim_cache_free(sim, c, objs[i]);
		else
			sim_kfree(sim, objs[i]);
	}
	/* memory pressure: page cache and a task, so kswapd wakes and works */
	ck_assert_int_eq(sim_set_cpu(sim, 0), SIM_OK);
	sim_page_cache_add(sim, 9000, 2000, &n);
	ck_assert_int_eq(sim_task_create(sim, "hog", 0, &pid), SIM_OK);
	sim_task_fault(sim, pid, 4000, &n);
	/* high orders in fragmented memory: compaction, and kcompactd woken
	 * by atomic requests that cannot reclaim */
	for (int i = 0; i < 4000; i++) {
		pfn_t pfn;

		if (sim_alloc_pages(sim, 0, GFP_KERNEL | __GFP_NOWARN, &pfn) == SIM_OK &&
		    i % 2)
			sim_free_pages(sim, pfn, 0);
	}
	for (int i = 0; i < 64; i++) {
		pfn_t pfn;

		if (sim_alloc_pages(sim, 3, (i % 4 ? GFP_NOWAIT : GFP_KERNEL) | __GFP_NOWARN,
				    &pfn) == SIM_OK && i % 2)
			sim_free_pages(sim, pfn, 3);
	}
	/* delayed mempool frees, due in the middle of the idle stretch */
	ck_assert_int_eq(sim_mempool_create(sim, 4, &mb, &pool), SIM_OK);
	for (int i = 0; i < 6; i++) {
		sim_addr_t a;

		ck_assert_int_eq(sim_mempool_alloc(sim, pool, GFP_KERNEL, &a), SIM_OK);
		ck_assert_int_eq(sim_mempool_free(sim, pool, a,
						  (sim_time_t)(i + 1) * 1700 * SIM_NSEC_PER_MSEC),
				 SIM_OK);
	}
	sim_advance(sim, 1234567);
	sim_advance(sim, 7 * SIM_NSEC_PER_SEC + 3);
	sim_advance(sim, jump);
	/* busy again after the idle stretch, then idle once more */
	for (size_t i = 1; i < ARRAY_SIZE(objs); i += 2) {
		if (i % 3)
			sim_cache_free(sim, c, objs[i]);
		else
			sim_kfree(sim, objs[i]);
	}
	sim_task_exit(sim, pid);
	sim_advance(sim, jump / 3 + 11);
	/* and a last burst, caught half-way through its reaps and decays */
	for (size_t i = 0; i < 600; i++) {
		ck_assert_int_eq(sim_set_cpu(sim, (unsigned)(i & 1)), SIM_OK);
		ck_assert_int_eq(sim_cache_alloc(sim, c, GFP_KERNEL, &objs[i]), SIM_OK);
	}
	for (size_t i = 0; i < 600; i++) {
		ck_assert_int_eq(sim_set_cpu(sim, (unsigned)(~i & 1)), SIM_OK);
		sim_cache_free(sim, c, objs[i]);
	}
	/* when each reap and decay happens shows in the cache, step by step */
	for (int i = 0; i < 90; i++) {
		sim_advance(sim, 100 * SIM_NSEC_PER_MSEC + 1);
		sim_cache_dump(sim, c, timer_text, &dump);
	}
	sim_sample_now(sim);

	r = report_new(REPORT_RUN, "fast-forward");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sim_fill_report(sim, r), SIM_OK);
	ck_assert_int_eq(report_render_buf(r, REPORT_FMT_JSON, NULL, &buf), SIM_OK);
	report_free(r);
	out = malloc(buf.len + dump.len + strlen(sim_log_text(sim)) + 64);
	ck_assert_ptr_nonnull(out);
	sprintf(out, "%s\n%s\n%s\nnow=%llu\n", buf.data, dump.data ? dump.data : "",
		sim_log_text(sim), (unsigned long long)sim_now(sim));
	report_buf_release(&buf);
	report_buf_release(&dump);
	sim_free(sim);
	return out;
}

/*
 * kcompactd: every other page free, so no free pageblock anywhere, then
 * woken as kswapd does after a boosted run; it compacts on a later tick.
 */
static char *kcompactd_history(const char *policy, bool step, sim_time_t jump)
{
	struct sim_config cfg;
	struct report_buf buf = REPORT_BUF_INIT;
	struct report *r;
	static pfn_t pages[20000];
	size_t n = 0;
	struct sim *sim;
	char *out;

	sim_config_init(&cfg);
	cfg.policy = policy;
	cfg.ram_bytes = UINT64_C(64) << 20;
	cfg.cpus = 1;
	sim = tu_sim_cfg(&cfg);
	sim->timer_step = step;
	while (n < ARRAY_SIZE(pages) &&
	       sim_alloc_pages(sim, 0, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
			       &pages[n]) == SIM_OK)
		n++;
	for (size_t i = 0; i < n; i += 2)
		sim_free_pages(sim, pages[i], 0);
	sim_advance(sim, 3 * SIM_NSEC_PER_SEC / 7);
	compaction_wakeup_kcompactd(sim, 0, 9, ZONE_DMA32);
	ck_assert(sim->reclaim->nodes[0].kswapd.kcompactd_wake);
	sim_advance(sim, jump);
	ck_assert_uint_gt(sim->stats.compact_daemon_wake, 0);
	r = report_new(REPORT_RUN, "kcompactd");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sim_fill_report(sim, r), SIM_OK);
	ck_assert_int_eq(report_render_buf(r, REPORT_FMT_JSON, NULL, &buf), SIM_OK);
	report_free(r);
	out = strdup(buf.data);
	report_buf_release(&buf);
	sim_free(sim);
	return out;
}

static void timer_compare(const char *policy, char *fast, char *stepped)
{
	if (strcmp(fast, stepped) != 0) {
		/* the first line that differs, not two megabytes of JSON */
		const char *a = fast, *b = stepped, *la = fast;
		unsigned line = 1;

		for (; *a && *a == *b; a++, b++)
			if (*a == '\n') {
				line++;
				la = a + 1;
			}
		ck_abort_msg("%s: fast-forward differs at line %u: \"%.120s\" (stepped: \"%.120s\")",
			     policy, line, la, stepped + (la - fast));
	}
	free(stepped);
	free(fast);
}

static void timer_same_both_ways(const char *policy, sim_time_t jump)
{
	timer_compare(policy, timer_history(policy, false, jump),
		      timer_history(policy, true, jump));
}

START_TEST(test_fast_forward_slab)
{
	timer_same_both_ways("slab", 600 * SIM_NSEC_PER_SEC + 777);
}
END_TEST

START_TEST(test_fast_forward_slub)
{
	timer_same_both_ways("slub", 600 * SIM_NSEC_PER_SEC + 777);
}
END_TEST

START_TEST(test_fast_forward_slob)
{
	timer_same_both_ways("slob", 600 * SIM_NSEC_PER_SEC + 777);
}
END_TEST

START_TEST(test_fast_forward_kcompactd)
{
	timer_compare("slub", kcompactd_history("slub", false, 30 * SIM_NSEC_PER_SEC),
		      kcompactd_history("slub", true, 30 * SIM_NSEC_PER_SEC));
}
END_TEST

/* a short jump: the fast path must also agree where little is skipped */
START_TEST(test_fast_forward_short)
{
	timer_same_both_ways("slab", 5 * SIM_NSEC_PER_SEC + 1);
}
END_TEST

START_TEST(test_jump_to_the_end_of_time)
{
	/*
	 * 2^62 ns is 146 years: at one expiry per 100 us that would be 4.6e13
	 * expiries.  It must return at once, and the clock saturates instead
	 * of wrapping.
	 */
	static const char *const policies[] = { "slab", "slub", "slob" };

	for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
		char *s = timer_history(policies[i], false, UINT64_C(1) << 62);

		ck_assert(strstr(s, "now=") != NULL);
		free(s);
	}
	{
		struct sim *sim = tu_sim_new(UINT64_C(16) << 20, 1);

		sim_advance(sim, UINT64_MAX);
		ck_assert_uint_eq(sim_now(sim), UINT64_MAX - 1);
		sim_advance(sim, UINT64_MAX);
		ck_assert_uint_eq(sim_now(sim), UINT64_MAX - 1);
		sim_free(sim);
	}
}
END_TEST

static Suite *timer_suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("fast_forward");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fast_forward_slab);
	tcase_add_test(tc, test_fast_forward_slub);
	tcase_add_test(tc, test_fast_forward_slob);
	tcase_add_test(tc, test_fast_forward_short);
	tcase_add_test(tc, test_fast_forward_kcompactd);
	tcase_add_test(tc, test_jump_to_the_end_of_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(timer_suite());
}

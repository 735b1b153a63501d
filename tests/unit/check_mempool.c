/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_mempool.c - mempools: the reserve, the order of attempts, waiting,
 * refill-first frees, and forward progress when the page allocator is out
 *
 * The machine: ZONE_NORMAL of 4096 pages, 1 CPU, no per-CPU lists,
 * min_free_kbytes 1024 (min 256, low 320, high 384), no boost, the slow
 * path on.  Nothing is reclaimable and there is no task: once the free
 * pages are gone, every allocation of the underlying allocator fails
 * (mempool_alloc adds __GFP_NORETRY and __GFP_NOMEMALLOC: no OOM killer,
 * no reserves), which is exactly when the pool's reserve matters.
 */
#include "config.h"

#include <string.h>

#include "mempool.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "state.h"
#include "testutil.h"

static void validate(struct sim *sim)
{
	char err[256];

	ck_assert_msg(pgalloc_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
	ck_assert_msg(mempool_validate(sim, err, sizeof err) == SIM_OK, "%s", err);
}

static sim_mempool_t page_pool(struct sim *sim, int min_nr)
{
	struct sim_mempool_backing b = { .kind = SIM_MEMPOOL_PAGES, .order = 0 };
	sim_mempool_t p;

	ck_assert_int_eq(sim_mempool_create(sim, min_nr, &b, &p), SIM_OK);
	return p;
}

START_TEST(test_create_preallocates)
{
	/* min_nr elements come from the allocator at creation, GFP_KERNEL */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_backing kb = { .kind = SIM_MEMPOOL_KMALLOC, .size = 256 };
	struct sim_mempool_info mi;
	sim_mempool_t p, k;

	p = page_pool(sim, 4);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 4096 - 4);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_int_eq(mi.min_nr, 4);
	ck_assert_int_eq(mi.curr_nr, 4);
	ck_assert_uint_eq(mi.outstanding, 0);
	ck_assert_int_eq(sim_mempool_create(sim, 8, &kb, &k), SIM_OK);
	ck_assert_int_eq(sim_mempool_get_info(sim, k, &mi), SIM_OK);
	ck_assert_int_eq(mi.curr_nr, 8);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_create_failure_undoes)
{
	/*
	 * With the slow path off, GFP_KERNEL order 0 succeeds while free >
	 * low 320: at 322 free two elements come, the third fails: the two are
	 * given back and creation fails with the allocator's reason.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_backing b = { .kind = SIM_MEMPOOL_PAGES, .order = 0 };
	sim_mempool_t p;

	tu_fill_to(sim, 322);
	sim_set_slowpath(sim, false);
	ck_assert_int_eq(sim_mempool_create(sim, 4, &b, &p), SIM_ENOMEM);
	ck_assert(strncmp(sim_last_reason(sim), "mempool_create: element 3 of 4: order 0 unavailable", 51) == 0);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 322);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_order_of_attempts)
{
	/*
	 * 1. the allocator (without __GFP_DIRECT_RECLAIM and __GFP_IO) while it
	 *    can: the reserve stays full
	 * 2. when it cannot: the reserve, last element in first out
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_info mi;
	sim_mempool_t p = page_pool(sim, 2);
	sim_addr_t a, r1, r2;
	unsigned long free0;

	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_OK);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_int_eq(mi.curr_nr, 2);
	ck_assert_uint_eq(mi.from_reserve, 0);
	/* the reserve is a stack: elements[0] pushed first, popped last */
	r1 = ((struct mempool_state *)sim->reclaim->mempool)->pools[0]->elements[0];
	r2 = ((struct mempool_state *)sim->reclaim->mempool)->pools[0]->elements[1];
	tu_fill_to(sim, 0);
	free0 = tu_normal(sim)->nr_free_pages;
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_OK);
	ck_assert_uint_eq(a, r2);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_OK);
	ck_assert_uint_eq(a, r1);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.from_reserve, 2);
	ck_assert_uint_eq(mi.outstanding, 3);
	ck_assert_uint_eq(sim->stats.mempool_reserve_used, 2);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, free0);
	/* the first reserve attempt never sleeps: no reclaim, no stall */
	ck_assert_uint_eq(mi.waits, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_blocking_caller_makes_progress)
{
	/*
	 * The page allocator is exhausted and the reserve is empty: a
	 * GFP_KERNEL caller does not fail.  It retries the allocator with its
	 * full flags (one reclaim round: nothing), then sleeps on the pool.
	 * Another CPU frees an element 2 ms later: it refills the reserve
	 * (curr_nr 0 < min_nr 2) and wakes the caller, which takes it.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_info mi;
	sim_mempool_t p = page_pool(sim, 2);
	sim_addr_t e1, e2, e3;
	sim_time_t t0;

	tu_fill_to(sim, 0);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &e1), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &e2), SIM_OK);
	ck_assert_int_eq(sim_mempool_free(sim, p, e1, 2 * SIM_NSEC_PER_MSEC), SIM_OK);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.pending_frees, 1);
	t0 = sim_now(sim);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &e3), SIM_OK);
	ck_assert_uint_eq(e3, e1);
	ck_assert_uint_ge(sim_now(sim) - t0, 2 * SIM_NSEC_PER_MSEC);
	ck_assert_uint_lt(sim_now(sim) - t0, 3 * SIM_NSEC_PER_MSEC);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.waits, 1);
	ck_assert_uint_eq(mi.refills, 1);
	ck_assert_uint_eq(mi.pending_frees, 0);
	ck_assert_int_eq(mi.curr_nr, 0);
	ck_assert_uint_eq(sim->stats.mempool_wait, 1);
	ck_assert_uint_eq(sim->stats.oom_kill, 0);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_atomic_caller_fails_when_empty)
{
	/*
	 * GFP_ATOMIC in atomic context: the reserve serves it while it has
	 * elements; then the allocator (no reserves for mempools: NOMEMALLOC)
	 * fails and it cannot sleep: NULL.  No might_sleep report.
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_info mi;
	sim_mempool_t p = page_pool(sim, 1);
	sim_addr_t a;

	tu_fill_to(sim, 0);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_ATOMIC), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_ATOMIC, &a), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_ATOMIC, &a), SIM_ENOMEM);
	ck_assert(strstr(sim_last_reason(sim), "reserve empty") != NULL);
	ck_assert(strstr(sim_last_reason(sim), "cannot sleep") != NULL);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.failures, 1);
	ck_assert_uint_eq(sim->stats.mempool_fail, 1);
	ck_assert_uint_eq(sim->stats.sleep_in_atomic, 0);
	ck_assert_uint_eq(sim->stats.alloc_stall_ns, 0);
	sim_free(sim);
}
END_TEST

START_TEST(test_free_refills_first)
{
	/*
	 * c comes from the allocator; then memory runs out and a, b come from
	 * the reserve (empty now).  Freeing a and b refills the reserve to
	 * min_nr 2 (free pages unchanged); c then finds the reserve full and
	 * goes back to the page allocator (one more free page).
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_info mi;
	sim_mempool_t p = page_pool(sim, 2);
	sim_addr_t a, b, c;
	unsigned long f;

	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &c), SIM_OK);
	tu_fill_to(sim, 0);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_ATOMIC, &a), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_ATOMIC, &b), SIM_OK);
	f = tu_normal(sim)->nr_free_pages;
	ck_assert_int_eq(sim_mempool_free(sim, p, a, 0), SIM_OK);
	ck_assert_int_eq(sim_mempool_free(sim, p, b, 0), SIM_OK);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_int_eq(mi.curr_nr, 2);
	ck_assert_uint_eq(mi.refills, 2);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, f);
	ck_assert_int_eq(sim_mempool_free(sim, p, c, 0), SIM_OK);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_int_eq(mi.curr_nr, 2);
	ck_assert_uint_eq(mi.outstanding, 0);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, f + 1);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_kmalloc_and_slab_pools)
{
	/* kmalloc pool: elements are kmalloc(128) objects; a slab pool's come
	 * from its cache; with a full reserve a free is kfree/kmem_cache_free */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_backing kb = { .kind = SIM_MEMPOOL_KMALLOC, .size = 128 };
	struct sim_mempool_backing sb = { .kind = SIM_MEMPOOL_SLAB };
	struct sim_cache_opts opts = { 0 };
	struct sim_mempool_info mi;
	sim_mempool_t k, s;
	sim_addr_t x, y;

	ck_assert_int_eq(sim_mempool_create(sim, 1, &kb, &k), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, k, GFP_KERNEL, &x), SIM_OK);
	ck_assert_uint_ge(sim_ksize(sim, x), 128);
	ck_assert_int_eq(sim_mempool_get_info(sim, k, &mi), SIM_OK);
	ck_assert_int_eq(mi.curr_nr, 1);
	ck_assert_int_eq(sim_mempool_free(sim, k, x, 0), SIM_OK);
	ck_assert_uint_eq(sim_ksize(sim, x), 0);
	ck_assert_int_eq(sim_cache_create(sim, "bio_test", 200, &opts, &sb.cache), SIM_OK);
	ck_assert_int_eq(sim_mempool_create(sim, 3, &sb, &s), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, s, GFP_NOIO, &y), SIM_OK);
	ck_assert_uint_gt(sim_ksize(sim, y), 0);
	ck_assert_int_eq(sim_mempool_free(sim, s, y, 0), SIM_OK);
	ck_assert_int_eq(sim_mempool_destroy(sim, s), SIM_OK);
	ck_assert_int_eq(sim_mempool_destroy(sim, k), SIM_OK);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_wait_gives_up)
{
	/*
	 * Nothing ever frees an element: the caller sleeps 5 s at a time
	 * (io_schedule_timeout(5*HZ)) and retries.  The kernel would go on
	 * forever; kmemsim gives up when 120 s have passed: 24 waits (each
	 * retry also costs a little time, so 24 * 5 s is already past 120 s).
	 */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_info mi;
	sim_mempool_t p = page_pool(sim, 1);
	sim_addr_t a;
	sim_time_t t0;
	size_t bugs;

	tu_fill_to(sim, 0);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_OK);
	bugs = sim_nr_bugs(sim);
	t0 = sim_now(sim);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_NOIO, &a), SIM_ENOMEM);
	ck_assert_uint_ge(sim_now(sim) - t0, 120 * SIM_NSEC_PER_SEC);
	ck_assert_uint_lt(sim_now(sim) - t0, 121 * SIM_NSEC_PER_SEC);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.waits, 24);
	ck_assert_uint_eq(sim_nr_bugs(sim), bugs + 1);
	ck_assert(strstr(sim_bug_at(sim, bugs)->message, "waited 120 s in mempool_alloc") != NULL);
	sim_free(sim);
}
END_TEST

START_TEST(test_bad_frees)
{
	/* not an element: a bug report; an element already in the reserve: too */
	struct sim *sim = tu_sim_gfp();
	sim_mempool_t p = page_pool(sim, 2);
	struct mempool_state *ms;
	sim_addr_t a;
	pfn_t pfn;

	ck_assert_int_eq(pgalloc_alloc(sim, 1, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_int_eq(sim_mempool_free(sim, p, pfn_to_addr(pfn), 0), SIM_EBUG);	/* order 1 */
	ck_assert_int_eq(sim_nr_bugs(sim), 1);
	ck_assert_int_eq(sim_bug_at(sim, 0)->kind, SIM_BUG_INVALID_FREE);
	ms = sim->reclaim->mempool;
	a = ms->pools[0]->elements[0];
	ck_assert_int_eq(sim_mempool_free(sim, p, a, 0), SIM_EBUG);
	ck_assert_int_eq(sim_nr_bugs(sim), 2);
	ck_assert_int_eq(sim_mempool_free(sim, p, 0, 0), SIM_OK);	/* NULL */
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_destroy_with_pending_frees)
{
	/* the reserve and the delayed frees go back to the allocator */
	struct sim *sim = tu_sim_gfp();
	sim_mempool_t p = page_pool(sim, 2);
	sim_addr_t a;

	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_OK);
	ck_assert_int_eq(sim_mempool_free(sim, p, a, SIM_NSEC_PER_SEC), SIM_OK);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 4096 - 3);
	ck_assert_int_eq(sim_mempool_destroy(sim, p), SIM_OK);
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, 4096);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_ENOENT);
	sim_advance(sim, 2 * SIM_NSEC_PER_SEC);
	validate(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_deferred_free_by_timer)
{
	/* outside a wait, a delayed free happens on the next tick after it is due */
	struct sim *sim = tu_sim_gfp();
	struct sim_mempool_info mi;
	sim_mempool_t p = page_pool(sim, 1);
	sim_addr_t a, b;

	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &a), SIM_OK);
	ck_assert_int_eq(sim_mempool_alloc(sim, p, GFP_KERNEL, &b), SIM_OK);
	ck_assert_int_eq(sim_mempool_free(sim, p, a, 250 * SIM_NSEC_PER_USEC), SIM_OK);
	sim_advance(sim, 200 * SIM_NSEC_PER_USEC);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.pending_frees, 1);
	sim_advance(sim, 200 * SIM_NSEC_PER_USEC);
	ck_assert_int_eq(sim_mempool_get_info(sim, p, &mi), SIM_OK);
	ck_assert_uint_eq(mi.pending_frees, 0);
	ck_assert_uint_eq(mi.frees, 1);
	validate(sim);
	sim_free(sim);
}
END_TEST

static Suite *mempool_suite(void)
{
	Suite *s = suite_create("mempool");
	TCase *tc = tcase_create("mempool");

	tcase_add_test(tc, test_create_preallocates);
	tcase_add_test(tc, test_create_failure_undoes);
	tcase_add_test(tc, test_order_of_attempts);
	tcase_add_test(tc, test_blocking_caller_makes_progress);
	tcase_add_test(tc, test_atomic_caller_fails_when_empty);
	tcase_add_test(tc, test_free_refills_first);
	tcase_add_test(tc, test_kmalloc_and_slab_pools);
	tcase_add_test(tc, test_wait_gives_up);
	tcase_add_test(tc, test_bad_frees);
	tcase_add_test(tc, test_destroy_with_pending_frees);
	tcase_add_test(tc, test_deferred_free_by_timer);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(mempool_suite());
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_sim.c - the simulator core: config, contexts, clock and timers,
 * the kernel log, bug reports, events and counters */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "state.h"
#include "testutil.h"

START_TEST(test_config_validation)
{
	struct sim_config cfg;
	char err[256];

	sim_config_init(&cfg);
	cfg.cpus = 0;
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert(strstr(err, "cpus") != NULL);

	sim_config_init(&cfg);
	cfg.policy = "slab2";
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
	ck_assert(strstr(err, "slab2") != NULL);

	sim_config_init(&cfg);
	cfg.nodes = 3;
	cfg.cpus = 2;	/* a node needs a CPU */
	ck_assert_ptr_null(sim_new(&cfg, err, sizeof err));
}
END_TEST

START_TEST(test_config_copied)
{
	struct sim_config cfg;
	char policy[8] = "slob";
	struct sim *sim;

	sim_config_init(&cfg);
	cfg.policy = policy;
	sim = sim_new(&cfg, NULL, 0);
	ck_assert_ptr_nonnull(sim);
	strcpy(policy, "xxxx");	/* the sim owns its own copy */
	ck_assert_str_eq(sim_get_config(sim)->policy, "slob");
	sim_free(sim);
	sim_free(NULL);
}
END_TEST

START_TEST(test_contexts)
{
	struct sim *sim = tu_sim_new(0, 2);

	ck_assert_int_eq(sim_context(sim), SIM_CTX_PROCESS);
	ck_assert(!sim_in_atomic(sim));
	ck_assert_int_eq(sim_context_pop(sim), SIM_EINVAL);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_SOFTIRQ), SIM_OK);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_ATOMIC), SIM_OK);
	ck_assert(sim_in_atomic(sim));
	ck_assert(sim_in_interrupt(sim));	/* softirq below atomic */
	ck_assert_int_eq(sim_context(sim), SIM_CTX_ATOMIC);
	/* contexts are per CPU */
	ck_assert_int_eq(sim_set_cpu(sim, 1), SIM_OK);
	ck_assert(!sim_in_atomic(sim));
	ck_assert_int_eq(sim_set_cpu(sim, 2), SIM_EINVAL);
	ck_assert_int_eq(sim_set_cpu(sim, 0), SIM_OK);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	ck_assert_int_eq(sim_context_pop(sim), SIM_OK);
	ck_assert(!sim_in_interrupt(sim));
	/* the nesting limit is an error, not a crash */
	for (int i = 0; i < SIM_CTX_DEPTH - 1; i++)
		ck_assert_int_eq(sim_context_push(sim, SIM_CTX_ATOMIC), SIM_OK);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_ATOMIC), SIM_ERANGE);
	ck_assert_int_eq(sim_context_push(sim, SIM_CTX_PROCESS), SIM_EINVAL);
	sim_free(sim);
}
END_TEST

START_TEST(test_scopes)
{
	struct sim *sim = tu_sim_new(0, 2);
	unsigned old = sim_scope_save(sim, SIM_SCOPE_NOIO);
	unsigned old2 = sim_scope_save(sim, SIM_SCOPE_NOFS);

	ck_assert_uint_eq(sim_scope(sim), SIM_SCOPE_NOIO | SIM_SCOPE_NOFS);
	sim_scope_restore(sim, old2);
	ck_assert_uint_eq(sim_scope(sim), SIM_SCOPE_NOIO);
	sim_scope_restore(sim, old);
	ck_assert_uint_eq(sim_scope(sim), 0);
	sim_free(sim);
}
END_TEST

struct timer_log {
	char order[64];
	size_t n;
	sim_time_t at[64];
};

static void timer_a(struct sim *sim, void *arg)
{
	struct timer_log *l = arg;

	l->at[l->n] = sim_now(sim);
	l->order[l->n++] = 'a';
}

static void timer_b(struct sim *sim, void *arg)
{
	struct timer_log *l = arg;

	l->at[l->n] = sim_now(sim);
	l->order[l->n++] = 'b';
}

START_TEST(test_timers_in_time_order)
{
	struct sim *sim = tu_sim_new(0, 1);
	struct timer_log log = { .n = 0 };

	/* a every 2 s from t=2s; b every 3 s from t=1s (ties: a first) */
	ck_assert_int_eq(sim_timer_add(sim, 2 * SIM_NSEC_PER_SEC,
				       2 * SIM_NSEC_PER_SEC, timer_a, &log), SIM_OK);
	ck_assert_int_eq(sim_timer_add(sim, 1 * SIM_NSEC_PER_SEC,
				       3 * SIM_NSEC_PER_SEC, timer_b, &log), SIM_OK);
	sim_advance(sim, 7 * SIM_NSEC_PER_SEC);
	/* b@1 a@2 a@4 b@4 a@6 b@7: a registered first wins the tie at 4 */
	ck_assert_uint_eq(log.n, 6);
	ck_assert(memcmp(log.order, "baabab", 6) == 0);
	ck_assert_uint_eq(log.at[0], 1 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(log.at[3], 4 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(log.at[5], 7 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(sim_now(sim), 7 * SIM_NSEC_PER_SEC);
	sim_advance(sim, 500);
	ck_assert_uint_eq(log.n, 6);
	ck_assert_uint_eq(sim_now(sim), 7 * SIM_NSEC_PER_SEC + 500);
	sim_free(sim);
}
END_TEST

static void where_fixed(void *ud, char *buf, size_t len)
{
	snprintf(buf, len, "%s", (const char *)ud);
}

struct log_capture {
	char text[4096];
};

static void log_capture_fn(void *ud, const char *line)
{
	struct log_capture *c = ud;

	strncat(c->text, line, sizeof c->text - strlen(c->text) - 2);
	strcat(c->text, "\n");
}

START_TEST(test_bug_reports_and_log)
{
	struct sim *sim = tu_sim_new(0, 1);
	struct log_capture cap = { "" };
	const struct sim_bug *b;

	sim_set_log(sim, log_capture_fn, &cap);
	sim_set_where(sim, where_fixed, (void *)"scenario.lua:12");
	sim_advance(sim, 1500000);	/* 1.5 ms */
	sim_report_bug(sim, SIM_BUG_DOUBLE_FREE, "BUG: double free of 0x%llx",
		       0xffff888000001000ull);
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	b = sim_bug_at(sim, 0);
	ck_assert_int_eq(b->kind, SIM_BUG_DOUBLE_FREE);
	ck_assert_str_eq(b->message, "BUG: double free of 0xffff888000001000");
	ck_assert_str_eq(b->where, "scenario.lua:12");
	ck_assert_ptr_null(sim_bug_at(sim, 1));
	ck_assert_str_eq(sim_bug_kind_name(b->kind), "double_free");
	/* dmesg-style timestamps from the virtual clock */
	ck_assert_str_eq(cap.text,
		"[    0.001500] BUG: double free of 0xffff888000001000\n"
		"[    0.001500]  scenario: scenario.lua:12\n");
	ck_assert_str_eq(sim_log_text(sim), cap.text);
	sim_free(sim);
}
END_TEST

struct ev_capture {
	unsigned n;
	enum sim_event_type last;
	uint64_t a;
	char note[64];
};

static void ev_sink(void *ud, const struct sim_event *ev)
{
	struct ev_capture *c = ud;

	c->n++;
	c->last = ev->type;
	c->a = ev->a;
	if (ev->str)
		snprintf(c->note, sizeof c->note, "%s", ev->str);
}

START_TEST(test_events)
{
	struct sim *sim = tu_sim_new(0, 1);
	struct ev_capture c = { 0 };

	SIM_EVENT(sim, PAGE_ALLOC, 1, 2, 3, 4);	/* no sink: nothing */
	ck_assert(!sim_listening(sim));
	ck_assert_int_eq(sim_sink_add(sim, ev_sink, &c), SIM_OK);
	SIM_EVENT(sim, PAGE_ALLOC, 77, 0, 0, 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(c.last, SIM_EV_PAGE_ALLOC);
	ck_assert_uint_eq(c.a, 77);
	SIM_NOTE(sim, "split order %d", 3);
	ck_assert_str_eq(c.note, "split order 3");
	ck_assert_str_eq(sim_event_name(SIM_EV_BUDDY_SPLIT), "BUDDY_SPLIT");
	sim_sink_remove(sim, ev_sink, &c);
	ck_assert(!sim_listening(sim));
	SIM_EVENT(sim, PAGE_FREE, 1, 0, 0, 0);
	ck_assert_uint_eq(c.n, 2);
	sim_free(sim);
}
END_TEST

START_TEST(test_counters)
{
	struct sim *sim = tu_sim_new(0, 1);
	size_t n = sim_stat_count();
	size_t i_pgfree = n;

	ck_assert_uint_gt(n, 10);
	for (size_t i = 0; i < n; i++)
		if (strcmp(sim_stat_name(i), "pgfree") == 0)
			i_pgfree = i;
	ck_assert_uint_lt(i_pgfree, n);
	sim->stats.pgfree = 12345;
	ck_assert_uint_eq(sim_stat_value(sim, i_pgfree), 12345);
	ck_assert_ptr_null(sim_stat_name(n));
	sim_free(sim);
}
END_TEST

START_TEST(test_independent_instances)
{
	struct sim *a = tu_sim_new(0, 1), *b = tu_sim_new(0, 1);

	ck_assert_uint_eq(sim_rand_u64(a), sim_rand_u64(b));	/* same seed */
	sim_advance(a, 1000);
	ck_assert_uint_eq(sim_now(b), 0);
	sim_report_bug(a, SIM_BUG_WARN, "WARNING: test");
	ck_assert_uint_eq(sim_nr_bugs(b), 0);
	sim_free(a);
	sim_free(b);
}
END_TEST

START_TEST(test_latency_histogram)
{
	struct sim *sim = tu_sim_new(0, 1);

	ck_assert_uint_eq(sim_lat_percentile(sim, SIM_LAT_ALLOC, 50), 0);
	for (sim_time_t v = 1; v <= 100; v++)
		sim_lat_record(sim, SIM_LAT_ALLOC, v);
	ck_assert_uint_eq(sim_lat_count(sim, SIM_LAT_ALLOC), 100);
	ck_assert_uint_eq(sim_lat_count(sim, SIM_LAT_FREE), 0);
	/* rank 50 is the value 50: msb 5, sub-bucket (50 >> 2) & 7 = 4, which
	 * holds 48..51; the percentile reports the bucket's upper bound */
	ck_assert_uint_eq(sim_lat_percentile(sim, SIM_LAT_ALLOC, 50), 51);
	/* values below 8 have exact buckets */
	ck_assert_uint_eq(sim_lat_percentile(sim, SIM_LAT_ALLOC, 1), 1);
	ck_assert_uint_eq(sim_lat_percentile(sim, SIM_LAT_ALLOC, 7), 7);
	/* the top is clamped to the true maximum (bucket 96..103 holds 100) */
	ck_assert_uint_eq(sim_lat_percentile(sim, SIM_LAT_ALLOC, 100), 100);
	ck_assert_uint_eq(sim_lat_max(sim, SIM_LAT_ALLOC), 100);
	/* huge values do not overflow the bucket index */
	sim_lat_record(sim, SIM_LAT_FREE, UINT64_C(1) << 62);
	ck_assert_uint_eq(sim_lat_percentile(sim, SIM_LAT_FREE, 50), UINT64_C(1) << 62);
	ck_assert_str_eq(sim_lat_kind_name(SIM_LAT_PAGE_FREE), "page_free");
	sim_free(sim);
}
END_TEST

START_TEST(test_parse_size_and_duration)
{
	uint64_t v = 7;

	ck_assert_int_eq(sim_parse_size("4G", UINT64_MAX, &v), SIM_OK);
	ck_assert_uint_eq(v, UINT64_C(4) << 30);
	ck_assert_int_eq(sim_parse_size(" 512 KiB", UINT64_MAX, &v), SIM_OK);
	ck_assert_uint_eq(v, 524288);
	ck_assert_int_eq(sim_parse_size("4096", UINT64_MAX, &v), SIM_OK);
	ck_assert_uint_eq(v, 4096);
	v = 7;
	ck_assert_int_eq(sim_parse_size("4Q", UINT64_MAX, &v), SIM_EINVAL);
	ck_assert_int_eq(sim_parse_size("-1", UINT64_MAX, &v), SIM_EINVAL);
	ck_assert_int_eq(sim_parse_size("2K", 2047, &v), SIM_EINVAL);	/* above max */
	ck_assert_int_eq(sim_parse_size("99999999999T", UINT64_MAX, &v), SIM_EINVAL);
	ck_assert_uint_eq(v, 7);	/* unchanged on failure */

	ck_assert_int_eq(sim_parse_duration("1.5s", false, &v), SIM_OK);
	ck_assert_uint_eq(v, 1500000000);
	ck_assert_int_eq(sim_parse_duration("0.1us", false, &v), SIM_OK);
	ck_assert_uint_eq(v, 100);
	ck_assert_int_eq(sim_parse_duration("2ms", false, &v), SIM_OK);
	ck_assert_uint_eq(v, 2000000);
	/* 2.5 ns rounds half up to 3 */
	ck_assert_int_eq(sim_parse_duration("2.5ns", false, &v), SIM_OK);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(sim_parse_duration("10", true, &v), SIM_OK);
	ck_assert_uint_eq(v, 10);
	v = 7;
	ck_assert_int_eq(sim_parse_duration("10", false, &v), SIM_EINVAL);
	ck_assert_int_eq(sim_parse_duration("1.5", true, &v), SIM_EINVAL);
	ck_assert_int_eq(sim_parse_duration("1.0000000001s", false, &v), SIM_EINVAL);
	ck_assert_int_eq(sim_parse_duration("10 parsecs", false, &v), SIM_EINVAL);
	ck_assert_int_eq(sim_parse_duration("99999999999999s", false, &v), SIM_EINVAL);
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(sim_strerror(SIM_OK), "success");
	ck_assert_str_eq(sim_strerror(SIM_ENOMEM), "out of simulated memory");
	ck_assert_str_eq(sim_strerror(-1000), "unknown status");
}
END_TEST

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_config_validation);
	tcase_add_test(tc, test_config_copied);
	tcase_add_test(tc, test_contexts);
	tcase_add_test(tc, test_scopes);
	tcase_add_test(tc, test_timers_in_time_order);
	tcase_add_test(tc, test_bug_reports_and_log);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_independent_instances);
	tcase_add_test(tc, test_latency_histogram);
	tcase_add_test(tc, test_parse_size_and_duration);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(sim_suite());
}

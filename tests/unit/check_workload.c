/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_workload.c - the C workload engine through its public API (sim.h)
 *
 * What the Lua tests (tests/lua/api_workload.lua) cannot reach: the C
 * checks of a description and of a phase, the invariants after every kind
 * of phase (sim_wl_validate), the reason keys, and a sanitizer run of the
 * engine without Lua in the way.
 */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "workload.h"

static const struct sim_wl_target kmalloc_target = { .cache = SIM_CACHE_NONE, .weight = 1 };

static struct sim_wl_stream stream(const char *name, enum sim_wl_life_kind life)
{
	struct sim_wl_stream s = {
		.name = name,
		.nr_targets = 1,
		.targets = &kmalloc_target,
		.size = { .kind = SIM_WL_SIZE_UNIFORM, .lo = 8, .hi = 2048 },
		.life = { .kind = life, .mean = 20000, .xm = 1000, .alpha = 1.5 },
		.weight = 1,
	};
	return s;
}

static struct sim_wl *new_wl(struct sim *sim, const struct sim_wl_stream *st, size_t n)
{
	struct sim_wl_config cfg = { .nr_streams = n, .streams = st };
	struct sim_wl *w = NULL;
	char err[256];
	int rc = sim_wl_new(sim, &cfg, &w, err, sizeof err);

	ck_assert_msg(rc == SIM_OK, "sim_wl_new: %s", err);
	return w;
}

static int run(struct sim_wl *w, struct sim_wl_phase ph, struct sim_wl_stats *st)
{
	char err[256] = "";
	int rc;

	if (ph.kind != SIM_WL_DRAIN && ph.fraction == 0 && !ph.count)
		ph.fraction = -1;
	rc = sim_wl_run_phase(w, &ph, st, err, sizeof err);
	ck_assert(sim_wl_validate(w));
	return rc;
}

START_TEST(test_bad_descriptions)
{
	struct sim *sim = tu_sim_new(64ull << 20, 2);
	struct sim_wl_stream s[2] = { stream("a", SIM_WL_LIFE_IMMEDIATE),
				      stream("a", SIM_WL_LIFE_IMMEDIATE) };
	struct sim_wl_config cfg = { .nr_streams = 1, .streams = s };
	struct sim_wl_context ctx = { .ctx = SIM_CTX_ATOMIC, .gfp = 0x820, .weight = 0 };
	struct sim_wl_cpu cpu = { .cpu = 5, .weight = 1 };
	struct sim_wl_target dead = { .cache = 0x500000001ull, .weight = 1 };
	struct sim_wl *w = NULL;
	char err[256];

	cfg.nr_streams = 0;
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	ck_assert_ptr_null(w);
	cfg.nr_streams = 2;	/* two streams called "a" */
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "two streams are called 'a'"));
	cfg.nr_streams = 1;
	s[0].size.lo = 0;	/* a size of 0 */
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "stream 'a'"));
	s[0].size.lo = 4096;	/* lo > hi */
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	s[0].size.lo = 8;
	s[0].life.mean = 0;	/* exponential without a mean */
	s[0].life.kind = SIM_WL_LIFE_EXPONENTIAL;
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	s[0].life.kind = SIM_WL_LIFE_IMMEDIATE;
	cfg.mix.nr_contexts = 1;	/* weights all 0 */
	cfg.mix.contexts = &ctx;
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	ctx.weight = 1;
	cfg.mix.nr_cpus = 1;	/* cpu 5 of 2 */
	cfg.mix.cpus = &cpu;
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cpu 5 out of range"));
	cpu.cpu = 1;
	s[0].targets = &dead;	/* no such cache */
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no live cache"));
	s[0].targets = &kmalloc_target;
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_OK);
	sim_wl_free(w);
	sim_free(sim);
}
END_TEST

START_TEST(test_bad_phases)
{
	struct sim *sim = tu_sim_new(64ull << 20, 1);
	struct sim_wl_stream s = stream("a", SIM_WL_LIFE_EXPONENTIAL);
	struct sim_wl *w = new_wl(sim, &s, 1);
	struct sim_wl_stats st;
	uint64_t zero = 0;

	/* no end */
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_STEADY, .rate = 1e6 }, &st),
			 SIM_EINVAL);
	/* back to back with only a duration: the schedule would not move */
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_BURST, .duration = 1000 }, &st),
			 SIM_EINVAL);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_STEADY, .ops = 1, .rate = -1 }, &st),
			 SIM_EINVAL);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_SLOTS, .ops = 1 }, &st),
			 SIM_EINVAL);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_DRAIN, .fraction = 1.5 }, &st),
			 SIM_EINVAL);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_STEADY, .ops = 5,
						      .weights = &zero }, &st), SIM_EINVAL);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = (enum sim_wl_phase_kind)99, .ops = 5 }, &st), SIM_EINVAL);
	sim_wl_get_stats(w, &st);
	ck_assert_uint_eq(st.ops, 0);	/* nothing ran */
	ck_assert_uint_eq(st.phases, 0);
	sim_wl_free(w);
	sim_free(sim);
}
END_TEST

struct count {
	uint64_t n;
	sim_addr_t last;
};

static void count_one(void *ud, sim_addr_t addr, size_t stream)
{
	struct count *c = ud;

	(void)stream;
	c->n++;
	c->last = addr;
}

START_TEST(test_every_phase_kind)
{
	struct sim *sim = tu_sim_new(256ull << 20, 2);
	struct sim_wl_stream s[3] = { stream("exp", SIM_WL_LIFE_EXPONENTIAL),
				      stream("phase", SIM_WL_LIFE_PHASE),
				      stream("forever", SIM_WL_LIFE_FOREVER) };
	struct sim_wl *w = new_wl(sim, s, 3);
	struct sim_wl_stats st, total;
	struct sim_wl_stream_stats ss;
	struct count c = { 0, 0 };
	uint64_t forever_only[3] = { 0, 0, 1 };

	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_RAMP, .ops = 3000,
						      .rate = 1e6, .rate_from = 1e5 }, &st), SIM_OK);
	ck_assert_uint_ge(st.ops, 3000);
	ck_assert_int_eq(sim_wl_stream_stats(w, 1, &ss), SIM_OK);
	ck_assert_uint_eq(ss.live, 0);	/* phase-bound objects died with the phase */
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_STEADY, .duration = 2000000,
						      .rate = 1e6, .poisson = true }, &st), SIM_OK);
	/* 2 ms of schedule; the clock may have started late by the ramp's costs */
	ck_assert_uint_ge(st.end - st.start, 1900000);
	ck_assert_uint_le(st.end - st.start, 2100000);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_BURST, .ops = 500 }, &st),
			 SIM_OK);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_SLOTS, .ops = 2000,
						      .slots = 64 }, &st), SIM_OK);
	/* more slots: the first phase's slot objects live on, moved to the new block */
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_SLOTS, .ops = 2000,
						      .slots = 256 }, &st), SIM_OK);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_DRAIN, .count = 10,
						      .fraction = -1, .order = SIM_WL_FIFO,
						      .weights = forever_only }, &st), SIM_OK);
	ck_assert_uint_eq(st.frees, 10);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_DRAIN, .fraction = 0.5,
						      .order = SIM_WL_LIFO }, &st), SIM_OK);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_DRAIN, .fraction = 1 }, &st),
			 SIM_OK);
	sim_wl_get_stats(w, &total);
	ck_assert_uint_eq(total.live, 0);
	ck_assert_uint_eq(total.allocs, total.frees);
	ck_assert_uint_eq(total.ops, total.allocs + total.frees + total.failures);
	ck_assert_uint_eq(total.phases, 8);
	ck_assert_uint_ge(total.slab_pages_peak, 1);
	ck_assert_uint_le(sim_wl_lat_percentile(w, SIM_LAT_ALLOC, 50),
			  sim_wl_lat_percentile(w, SIM_LAT_ALLOC, 99));
	ck_assert_int_eq(sim_wl_live_foreach(w, count_one, &c), SIM_OK);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_ptr_null(sim_wl_reason_at(w, 0, &c.n));
	ck_assert_str_eq(sim_wl_phase_kind_name(SIM_WL_SLOTS), "slots");
	sim_wl_free(w);
	sim_free(sim);
}
END_TEST

/* what a progress display is told: never more operations done than expected */
struct progress_seen {
	uint64_t calls, over, last_done, last_total;
};

static void on_progress(void *ud, const struct sim_progress *p)
{
	struct progress_seen *g = ud;

	g->calls++;
	if (p->total && p->done > p->total)
		g->over++;
	g->last_done = p->done;
	g->last_total = p->total;
}

START_TEST(test_progress_totals)
{
	struct sim *sim = tu_sim_new(256ull << 20, 2);
	struct sim_wl_stream s[2] = { stream("exp", SIM_WL_LIFE_EXPONENTIAL),
				      stream("phase", SIM_WL_LIFE_PHASE) };
	struct sim_wl *w = new_wl(sim, s, 2);
	struct progress_seen g = { 0, 0, 0, 0 };
	struct sim_wl_stats st;

	sim_set_progress(sim, on_progress, &g, "test", 1);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_RAMP, .ops = 3000,
						      .rate = 1e6, .rate_from = 1e5 }, &st), SIM_OK);
	/* half the allocations are phase-bound: their frees at the phase's
	 * end are operations past the phase's 3000 */
	ck_assert_uint_gt(st.ops, 3000);
	ck_assert_uint_eq(g.last_done, g.last_total);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_BURST, .ops = 500 }, &st),
			 SIM_OK);
	ck_assert_uint_gt(st.ops, 500);
	ck_assert_uint_eq(g.last_done, g.last_total);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_DRAIN, .fraction = 1 }, &st),
			 SIM_OK);
	ck_assert_uint_eq(g.last_done, g.last_total);
	ck_assert_uint_gt(g.calls, 3500);
	ck_assert_uint_eq(g.over, 0);
	sim_wl_free(w);
	sim_free(sim);
}
END_TEST

START_TEST(test_failures_are_data)
{
	struct sim *sim = tu_sim_new(8ull << 20, 1);
	struct sim_wl_stream s = stream("big", SIM_WL_LIFE_FOREVER);
	struct sim_wl_context ctx = { .ctx = SIM_CTX_PROCESS, .weight = 1 };
	struct sim_wl_config cfg = { .nr_streams = 1, .streams = &s,
				     .mix = { .nr_contexts = 1, .contexts = &ctx } };
	struct sim_wl *w = NULL;
	struct sim_wl_stats st;
	uint64_t n = 0;
	const char *r;
	char err[256];

	ck_assert_int_eq(sim_gfp_parse("GFP_NOWAIT|__GFP_NOWARN", 23, &ctx.gfp, err, sizeof err),
			 SIM_OK);
	s.size.lo = 4096;
	s.size.hi = 8192;
	ck_assert_int_eq(sim_wl_new(sim, &cfg, &w, err, sizeof err), SIM_OK);
	ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_BURST, .ops = 4000 }, &st),
			 SIM_OK);
	ck_assert_uint_gt(st.failures, 0);
	ck_assert_uint_eq(st.allocs + st.failures, 4000);
	r = sim_wl_reason_at(w, 0, &n);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_gt(n, 0);
	ck_assert_ptr_null(strchr(r, ':'));	/* cut before the details */
	sim_wl_free(w);	/* objects stay: nothing else changes */
	sim_free(sim);
}
END_TEST

START_TEST(test_same_seed_same_run)
{
	uint64_t d[2];

	for (int i = 0; i < 2; i++) {
		struct sim *sim = tu_sim_new(64ull << 20, 2);
		struct sim_wl_stream s = stream("x", SIM_WL_LIFE_PARETO);
		struct sim_wl *w = new_wl(sim, &s, 1);
		struct sim_wl_stats st;

		ck_assert_int_eq(run(w, (struct sim_wl_phase){ .kind = SIM_WL_STEADY, .ops = 5000,
							      .rate = 2e6 }, &st), SIM_OK);
		d[i] = st.digest;
		sim_wl_free(w);
		sim_free(sim);
	}
	ck_assert_uint_eq(d[0], d[1]);
}
END_TEST

START_TEST(test_reason_keys)
{
	char key[WL_REASON_LEN + 1];
	char longer[300];

	wl_reason_key("order 0 unavailable in zone DMA32 (below low watermark: 195 free, x)", key);
	ck_assert_str_eq(key, "order 0 unavailable in zone DMA32 (below low watermark)");
	wl_reason_key("order 3 unavailable", key);
	ck_assert_str_eq(key, "order 3 unavailable");
	wl_reason_key("a: b (c)", key);	/* a colon before the parenthesis stays */
	ck_assert_str_eq(key, "a: b (c)");
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	wl_reason_key(longer, key);
	ck_assert_uint_eq(strlen(key), WL_REASON_LEN);
}
END_TEST

static Suite *workload_suite(void)
{
	Suite *s = suite_create("workload");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, test_bad_descriptions);
	tcase_add_test(tc, test_bad_phases);
	tcase_add_test(tc, test_every_phase_kind);
	tcase_add_test(tc, test_progress_totals);
	tcase_add_test(tc, test_failures_are_data);
	tcase_add_test(tc, test_same_seed_same_run);
	tcase_add_test(tc, test_reason_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(workload_suite());
}

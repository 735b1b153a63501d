/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_sampler.c - time series (sampler.c), the page -> cache lookup
 * (slab_owner.c) and the layers' report sections (report_layers.c) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "testutil.h"

/* @n kmallocs of a few sizes, every third one freed again */
static void churn(struct sim *sim, unsigned n)
{
	sim_addr_t keep = 0;

	for (unsigned i = 0; i < n; i++) {
		sim_addr_t p;

		ck_assert_int_eq(sim_kmalloc(sim, 32 + (i * 37) % 900, GFP_KERNEL, &p),
				 SIM_OK);
		if (i % 3 == 0)
			ck_assert_int_eq(sim_kfree(sim, p), SIM_OK);
		keep = p;
	}
	(void)keep;
}

START_TEST(test_options)
{
	struct sim *sim = tu_sim_new(64 << 20, 2);
	struct sim_sample_opts o;
	struct sim_sample_stats st;

	ck_assert_int_eq(sim_sample_get_stats(sim, &st), SIM_ENOENT);
	ck_assert_int_eq(sim_sample_now(sim), SIM_ENOENT);
	sim_sample_opts_init(&o);
	ck_assert_uint_eq(o.order, 3);
	ck_assert_uint_eq(o.top_caches, 8);
	ck_assert_uint_eq(o.max_samples, 256);
	o.every_ops = 10;
	o.every_ns = 1000;
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_EINVAL);	/* not both */
	o.every_ns = 0;
	o.order = 11;
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_EINVAL);
	o.order = 3;
	o.max_samples = 3;
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_EINVAL);
	o.max_samples = 16;
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_OK);
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_EBUSY);
	ck_assert_int_eq(sim_sample_get_stats(sim, &st), SIM_OK);
	ck_assert_uint_eq(st.samples, 1);	/* the first one, at the start */
	ck_assert_uint_eq(st.every_ops, 10);
	sim_free(sim);
}
END_TEST

/* the bound: max/2..max samples, the interval doubling */
START_TEST(test_halving)
{
	struct sim *sim = tu_sim_new(64 << 20, 2);
	struct sim_sample_opts o;
	struct sim_sample_stats st;

	sim_sample_opts_init(&o);		/* auto: every operation */
	o.max_samples = 16;
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_OK);
	churn(sim, 1000);
	ck_assert_int_eq(sim_sample_get_stats(sim, &st), SIM_OK);
	ck_assert_uint_eq(st.ops, 1000 + 334);	/* kmallocs and kfrees */
	ck_assert_uint_ge(st.samples, 8);
	ck_assert_uint_le(st.samples, 16);
	ck_assert_uint_ge(st.every_ops, st.ops / 16);
	ck_assert_uint_le(st.every_ops, st.ops / 4);
	ck_assert_uint_gt(st.peak_slab_pages, 0);
	sim_free(sim);
}
END_TEST

/* sampling only reads: the same operations give the same machine */
START_TEST(test_read_only)
{
	struct sim *a = tu_sim_new(64 << 20, 2), *b = tu_sim_new(64 << 20, 2);
	struct sim_sample_opts o;
	char *ta, *tb;

	sim_sample_opts_init(&o);
	o.every_ns = 1000;
	ck_assert_int_eq(sim_sample_start(b, &o), SIM_OK);
	churn(a, 500);
	churn(b, 500);
	sim_advance(a, 5000000);
	sim_advance(b, 5000000);
	ck_assert_uint_eq(sim_now(a), sim_now(b));
	ck_assert_int_eq(sim_proc_read(a, "zoneinfo", &ta), SIM_OK);
	ck_assert_int_eq(sim_proc_read(b, "zoneinfo", &tb), SIM_OK);
	ck_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	for (size_t i = 0; i < sim_stat_count(); i++)
		ck_assert_uint_eq(sim_stat_value(a, i), sim_stat_value(b, i));
	sim_free(a);
	sim_free(b);
}
END_TEST

START_TEST(test_page_cache_name)
{
	struct sim *sim = tu_sim_new(64 << 20, 2);
	struct sim_cache_opts co = { 0 };
	sim_cache_t c;
	sim_addr_t obj, k;
	pfn_t pfn;

	ck_assert_int_eq(sim_cache_create(sim, "my_cache", 35, &co, &c), SIM_OK);
	ck_assert_int_eq(sim_cache_alloc(sim, c, GFP_KERNEL, &obj), SIM_OK);
	ck_assert_str_eq(sim_page_cache_name(sim, (pfn_t)((obj - SIM_DIRECT_MAP_BASE) >> SIM_PAGE_SHIFT)),
			 "my_cache");
	ck_assert_int_eq(sim_kmalloc(sim, 100, GFP_KERNEL, &k), SIM_OK);
	ck_assert_str_eq(sim_page_cache_name(sim, (pfn_t)((k - SIM_DIRECT_MAP_BASE) >> SIM_PAGE_SHIFT)),
			 "kmalloc-128");
	ck_assert_int_eq(sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	ck_assert_ptr_null(sim_page_cache_name(sim, pfn));	/* not a slab */
	ck_assert_ptr_null(sim_page_cache_name(sim, (pfn_t)1 << 30));	/* no page */
	sim_free(sim);
}
END_TEST

#define PFN_OF(a)	((pfn_t)(((a) - SIM_DIRECT_MAP_BASE) >> SIM_PAGE_SHIFT))

START_TEST(test_page_cache_name_slob)
{
	struct sim_config cfg;
	struct sim_cache_opts co = { 0 };
	struct sim *sim;
	sim_cache_t c;
	sim_addr_t obj, k;

	sim_config_init(&cfg);
	cfg.ram_bytes = 32 << 20;
	cfg.policy = "slob";
	sim = tu_sim_cfg(&cfg);
	/* both on SLOB's small list, so in one shared page */
	ck_assert_int_eq(sim_cache_create(sim, "small_one", 200, &co, &c), SIM_OK);
	ck_assert_int_eq(sim_cache_alloc(sim, c, GFP_KERNEL, &obj), SIM_OK);
	ck_assert_int_eq(sim_kmalloc(sim, 40, GFP_KERNEL, &k), SIM_OK);
	ck_assert_uint_eq(PFN_OF(obj), PFN_OF(k));
	/* the owner of most live bytes: 200 > 40 + header */
	ck_assert_str_eq(sim_page_cache_name(sim, PFN_OF(obj)), "small_one");
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(sim_kmalloc(sim, 40, GFP_KERNEL, &k), SIM_OK);
		ck_assert_uint_eq(PFN_OF(obj), PFN_OF(k));
	}
	ck_assert_str_eq(sim_page_cache_name(sim, PFN_OF(obj)), "kmalloc");
	ck_assert_int_eq(sim_cache_free(sim, c, obj), SIM_OK);
	ck_assert_str_eq(sim_page_cache_name(sim, PFN_OF(k)), "kmalloc");
	sim_free(sim);
}
END_TEST

static int section_index(const char *json, const char *id)
{
	char key[80];
	const char *p;

	snprintf(key, sizeof key, "\"id\": \"%s\"", id);
	p = strstr(json, key);
	return p ? (int)(p - json) : -1;
}

START_TEST(test_report_sections)
{
	struct sim *sim = tu_sim_new(64 << 20, 2);
	struct report *r = report_new(REPORT_RUN, "t");
	struct report_buf buf = REPORT_BUF_INIT;
	struct sim_sample_opts o;
	static const char *const order[] = {
		"summary", "memory", "gfp", "slab", "latency", "timeline", "vmstat",
	};
	int last = -1;

	sim_sample_opts_init(&o);
	ck_assert_int_eq(sim_sample_start(sim, &o), SIM_OK);
	churn(sim, 300);
	ck_assert_int_eq(sim_fill_report(sim, r), SIM_OK);
	ck_assert_int_eq(report_render_buf(r, REPORT_FMT_JSON, NULL, &buf), SIM_OK);
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		int at = section_index(buf.data, order[i]);

		ck_assert_msg(at > last, "section %s missing or out of order", order[i]);
		last = at;
	}
	ck_assert_ptr_nonnull(strstr(buf.data, "\"type\": \"memmap\""));
	ck_assert_ptr_nonnull(strstr(buf.data, "\"id\": \"slabinfo\""));
	ck_assert_ptr_nonnull(strstr(buf.data, "\"id\": \"free-DMA32\""));
	ck_assert_ptr_nonnull(strstr(buf.data, "\"name\": \"kmalloc-1k\""));
	report_buf_release(&buf);
	/* one block alone: the map as SVG */
	{
		struct report_opts ro = { "memory/map", REPORT_MAP_OWNER };

		ck_assert_int_eq(report_render_buf(r, REPORT_FMT_SVG, &ro, &buf), SIM_OK);
		ck_assert_ptr_nonnull(strstr(buf.data, "<svg"));
		ck_assert_ptr_nonnull(strstr(buf.data, "kmalloc-1k"));
		report_buf_release(&buf);
	}
	report_free(r);
	sim_free(sim);
}
END_TEST

static Suite *sampler_suite(void)
{
	Suite *s = suite_create("sampler");
	TCase *tc = tcase_create("sampler");

	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_halving);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_page_cache_name);
	tcase_add_test(tc, test_page_cache_name_slob);
	tcase_add_test(tc, test_report_sections);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(sampler_suite());
}

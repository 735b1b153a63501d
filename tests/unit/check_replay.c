/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_replay.c - unit tests of the trace replay (src/replay.c)
 *
 * Expected numbers are never computed by the code under test.  For the real
 * excerpt (tests/data/trace-excerpt.txt, 3,000 events of build-6.18.trace)
 * they come from grep and from an awk script that applies the replay's
 * identity rules on its own (quoted at excerpt_trace_facts); for the
 * hand-written traces (tests/data/replay-*.txt) they follow from how each
 * file was written, as its header comment says.
 *
 * Data files are found through $KMEMSIM_SRCDIR (set by `make check`), then
 * automake's $srcdir, then the current directory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"
#include "sim.h"
#include "trace.h"

/* ---- Helpers ---- */

static const char *data_path(const char *name)
{
	static char buf[4096];
	const char *dirs[3] = { getenv("KMEMSIM_SRCDIR"), getenv("srcdir"), "." };

	for (unsigned i = 0; i < 3; i++) {
		if (!dirs[i])
			continue;
		snprintf(buf, sizeof buf, "%s/tests/data/%s", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return buf;
		snprintf(buf, sizeof buf, "%s/../../tests/data/%s", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, sizeof buf, "tests/data/%s", name);
	return buf;
}

/* a replay of @policies ("slab,slub,slob"; NULL: the default) */
static struct replay *new_replay(const char *policies, struct replay_config *cfg)
{
	static char list[64];
	struct replay_config def;
	struct replay *rp;
	char err[256];

	if (!cfg) {
		replay_config_init(&def);
		cfg = &def;
	}
	if (policies) {
		char *save = NULL;

		snprintf(list, sizeof list, "%s", policies);
		cfg->nr_policies = 0;
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
			cfg->policies[cfg->nr_policies++] = t;
	}
	rp = replay_new(cfg, err, sizeof err);
	ck_assert_msg(rp != NULL, "replay_new: %s", err);
	return rp;
}

static struct replay *replay_file(const char *name, const char *policies,
				  struct replay_config *cfg)
{
	struct replay *rp = new_replay(policies, cfg);
	char err[256];
	struct trace_reader *r = trace_reader_open(data_path(name), err, sizeof err);

	ck_assert_msg(r != NULL, "cannot open %s: %s", name, err);
	ck_assert_int_eq(replay_run(rp, r), SIM_OK);
	trace_reader_close(r);
	return rp;
}

static struct replay *replay_text(const char *text, const char *policies,
				  struct replay_config *cfg)
{
	struct replay *rp = new_replay(policies, cfg);
	struct trace_reader *r = trace_reader_open_mem(text, strlen(text));

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(replay_run(rp, r), SIM_OK);
	trace_reader_close(r);
	return rp;
}

/* index of policy @name in @rp */
static size_t pol(const struct replay *rp, const char *name)
{
	for (size_t i = 0; i < replay_nr_policies(rp); i++)
		if (strcmp(replay_policy_name(rp, i), name) == 0)
			return i;
	ck_abort_msg("no policy %s", name);
	return 0;
}

static char *render(struct replay *rp, enum report_format fmt, const char *block)
{
	struct report *r = replay_report(rp, "test");
	struct report_buf b = REPORT_BUF_INIT;
	struct report_opts o = { .block = block };
	int rc;

	ck_assert_ptr_nonnull(r);
	rc = report_render_buf(r, fmt, block ? &o : NULL, &b);
	ck_assert_msg(rc == SIM_OK, "render: %s (%s)", sim_strerror(rc), report_error(r));
	report_free(r);
	return b.data;
}

static uint64_t vmstat(const struct sim *sim, const char *name)
{
	for (size_t i = 0; sim_vmstat_name(i); i++)
		if (strcmp(sim_vmstat_name(i), name) == 0)
			return sim_vmstat_value(sim, i);
	ck_abort_msg("no vmstat %s", name);
	return 0;
}

/* every available policy ran without a failure or a bug report */
static void check_clean(const struct replay *rp)
{
	for (size_t i = 0; i < replay_nr_policies(rp); i++) {
		const struct replay_policy_stats *st = replay_policy_stats(rp, i);
		struct sim *sim = replay_policy_sim(rp, i);

		if (!sim)
			continue;
		ck_assert_uint_eq(st->alloc_fails, 0);
		ck_assert_uint_eq(st->page_alloc_fails, 0);
		ck_assert_uint_eq(st->cache_create_fails, 0);
		ck_assert_uint_eq(st->free_errors, 0);
		ck_assert_msg(sim_nr_bugs(sim) == 0, "%s: %s",
			      replay_policy_name(rp, i), sim_bug_at(sim, 0)->message);
	}
}

/* ---- The real excerpt ---- */

START_TEST(excerpt_counts)
{
	struct replay *rp = replay_file("trace-excerpt.txt", NULL, NULL);
	const struct trace_stats *st = trace_parser_stats(replay_parser(rp));

	/* grep -c '' trace-excerpt.txt; grep -c '^#' ... */
	ck_assert_uint_eq(st->lines, 3012);
	ck_assert_uint_eq(st->skipped, 12);
	ck_assert_uint_eq(st->events, 3000);
	ck_assert_uint_eq(st->malformed, 0);
	/* grep -c ': EVENT: ' trace-excerpt.txt */
	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC], 77);
	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC_NODE], 0);
	ck_assert_uint_eq(st->per_type[TRACE_KFREE], 405);
	ck_assert_uint_eq(st->per_type[TRACE_KMEM_CACHE_ALLOC], 840);
	ck_assert_uint_eq(st->per_type[TRACE_KMEM_CACHE_FREE], 884);
	ck_assert_uint_eq(st->per_type[TRACE_MM_PAGE_ALLOC], 326);
	ck_assert_uint_eq(st->per_type[TRACE_MM_PAGE_FREE], 468);
	ck_assert_uint_eq(replay_trace_stats(rp)->applied, 3000);
	ck_assert_uint_eq(replay_trace_stats(rp)->late_events, 0);
	replay_free(rp);
}
END_TEST

/*
 * The identity rules applied by awk, independently of the C code:
 *
 *   function field(n, i) { for (i = 1; i <= NF; i++) if (index($i, n "=") == 1)
 *                              return substr($i, length(n) + 2); return "" }
 *   / kmalloc: | kmem_cache_alloc: / { p = field("ptr"); if (p ~ /^0+$/) next;
 *       if (p in live) reused++; live[p] = / kmalloc: / ? "k" : "c"; next }
 *   / kfree: | kmem_cache_free: / { p = field("ptr"); kf = / kfree: /;
 *       if (p ~ /^0+$/) { null++; next }
 *       if (!(p in live)) { if (kf) ukf++; else ucf++; next }
 *       if (kf && live[p] == "c") kfc++; delete live[p]; next }
 *   / mm_page_alloc: / { p = field("pfn"); if (p in pg) preused++; pg[p] = 1 }
 *   / mm_page_free: / { p = field("pfn"); if (!(p in pg)) upf++; else delete pg[p] }
 *
 * gives: null 301, ukf 20, ucf 369, upf 259, reused 4, preused 0, kfc 15,
 * live objects 314, live pfns 117.
 */
START_TEST(excerpt_trace_facts)
{
	struct replay *rp = replay_file("trace-excerpt.txt", NULL, NULL);
	const struct replay_trace_stats *ts = replay_trace_stats(rp);

	ck_assert_uint_eq(ts->null_frees, 301);
	ck_assert_uint_eq(ts->unmatched_kfree, 20);
	ck_assert_uint_eq(ts->unmatched_cache_free, 369);
	ck_assert_uint_eq(ts->unmatched_page_free, 259);
	ck_assert_uint_eq(ts->untraced_frees, 4);
	ck_assert_uint_eq(ts->untraced_page_frees, 0);
	ck_assert_uint_eq(ts->kfree_of_cache_obj, 15);
	ck_assert_uint_eq(ts->cache_free_of_kmalloc, 0);
	ck_assert_uint_eq(ts->traced_failures, 0);
	ck_assert_uint_eq(replay_live_objects(rp), 314);
	ck_assert_uint_eq(replay_live_pages(rp), 117);
	for (size_t i = 0; i < replay_nr_policies(rp); i++)
		if (replay_policy_sim(rp, i))
			ck_assert_uint_eq(replay_policy_stats(rp, i)->live_objects, 314);
	replay_free(rp);
}
END_TEST

/* Every kmalloc of the excerpt lands in the size class the real SLUB
 * chose, and every named cache gets the real slot size. */
START_TEST(excerpt_slub_fidelity)
{
	struct replay *rp = replay_file("trace-excerpt.txt", NULL, NULL);
	size_t s = pol(rp, "slub");
	const struct replay_policy_stats *st = replay_policy_stats(rp, s);

	ck_assert_ptr_nonnull(replay_policy_sim(rp, s));
	/* grep ' kmalloc: ' | grep -c 'ptr=0000000000000000\|bytes_req=0 ' is 0 */
	ck_assert_uint_eq(st->kmalloc_events, 77);
	ck_assert_uint_eq(st->kmalloc_exact, 77);
	/* grep ' kmem_cache_alloc: ' | grep -o 'name=[^ ]*' | sort -u | wc -l */
	ck_assert_uint_eq(st->caches, 27);
	ck_assert_uint_eq(st->caches_exact, 27);
	ck_assert_uint_eq(st->allocs, 77 + 840);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* The report says it too, in every format. */
START_TEST(excerpt_report)
{
	struct replay *rp = replay_file("trace-excerpt.txt", NULL, NULL);
	char *json = render(rp, REPORT_FMT_JSON, NULL);
	char *text = render(rp, REPORT_FMT_TEXT, NULL);
	char *csv = render(rp, REPORT_FMT_CSV, "fidelity/summary");

	ck_assert_ptr_nonnull(strstr(json, "\"kind\": \"replay\""));
	ck_assert_ptr_nonnull(strstr(json, "\"id\": \"input\""));
	ck_assert_ptr_nonnull(strstr(json, "\"label\": \"slub\""));
	ck_assert_ptr_nonnull(strstr(text, "What was read"));
	ck_assert_ptr_nonnull(strstr(csv, "\nslub,77,77,100.00,27,27,100.00\n"));
	free(json);
	free(text);
	free(csv);
	replay_free(rp);
}
END_TEST

/* Replaying twice gives byte-identical reports. */
START_TEST(excerpt_deterministic)
{
	struct replay *a = replay_file("trace-excerpt.txt", NULL, NULL);
	struct replay *b = replay_file("trace-excerpt.txt", NULL, NULL);
	char *ja = render(a, REPORT_FMT_JSON, NULL), *jb = render(b, REPORT_FMT_JSON, NULL);
	char *ta = render(a, REPORT_FMT_TEXT, NULL), *tb = render(b, REPORT_FMT_TEXT, NULL);

	ck_assert_str_eq(ja, jb);
	ck_assert_str_eq(ta, tb);
	free(ja);
	free(jb);
	free(ta);
	free(tb);
	replay_free(a);
	replay_free(b);
}
END_TEST

/* ---- Hand-written traces, one per event family and line shape ---- */

START_TEST(kmalloc_outcome)
{
	struct replay *rp = replay_file("replay-kmalloc.txt", NULL, NULL);
	const struct trace_stats *st = trace_parser_stats(replay_parser(rp));
	const struct replay_trace_stats *ts = replay_trace_stats(rp);
	size_t s = pol(rp, "slub");
	struct sim *sim = replay_policy_sim(rp, s);

	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC], 7);
	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC_NODE], 1);
	ck_assert_uint_eq(st->per_type[TRACE_KFREE], 6);
	ck_assert_uint_eq(ts->applied, 14);
	ck_assert_uint_eq(ts->untraced_frees, 1);
	ck_assert_uint_eq(ts->zero_size, 1);
	ck_assert_uint_eq(ts->traced_failures, 1);
	ck_assert_uint_eq(ts->null_frees, 2);
	ck_assert_uint_eq(ts->unmatched_kfree, 1);
	ck_assert_uint_eq(replay_live_objects(rp), 2);
	ck_assert_uint_eq(replay_policy_stats(rp, s)->kmalloc_events, 6);
	ck_assert_uint_eq(replay_policy_stats(rp, s)->kmalloc_exact, 6);
	ck_assert_uint_eq(replay_policy_stats(rp, s)->live_req_bytes, 48);
	ck_assert_uint_eq(replay_policy_stats(rp, s)->req_bytes,
			  72 + 24 + 3000 + 20000 + 40 + 8);
	/* the reused pointer now stands for the 40-byte object */
	ck_assert_uint_eq(sim_ksize(sim, replay_sim_addr(rp, s, 0x2000)), 64);
	ck_assert_uint_eq(sim_ksize(sim, replay_sim_addr(rp, s, 0x5000)), 8);
	ck_assert_uint_eq(replay_sim_addr(rp, s, 0x1000), SIM_ADDR_NONE);
	/* the 20000-byte kmalloc went to pages and came back */
	ck_assert_uint_eq(vmstat(sim, "nr_kmalloc_large_pages"), 0);
	for (size_t i = 0; i < replay_nr_policies(rp); i++)
		if (replay_policy_sim(rp, i))
			ck_assert_uint_eq(replay_policy_stats(rp, i)->live_objects, 2);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

START_TEST(cache_outcome)
{
	struct replay *rp = replay_file("replay-cache.txt", NULL, NULL);
	const struct replay_trace_stats *ts = replay_trace_stats(rp);
	size_t s = pol(rp, "slub");
	const struct replay_policy_stats *st = replay_policy_stats(rp, s);
	struct sim *sim = replay_policy_sim(rp, s);
	struct sim_cache_info info;
	sim_cache_t c;
	char *csv;

	ck_assert_uint_eq(ts->applied, 13);
	ck_assert_uint_eq(ts->kfree_of_cache_obj, 1);
	ck_assert_uint_eq(ts->cache_free_other, 1);
	ck_assert_uint_eq(ts->null_frees, 1);
	ck_assert_uint_eq(ts->unmatched_cache_free, 1);
	ck_assert_uint_eq(ts->cache_size_varies, 1);
	ck_assert_uint_eq(replay_live_objects(rp), 5);
	ck_assert_uint_eq(st->caches, 6);
	ck_assert_uint_eq(st->caches_exact, 5);		/* odd_cache: 104, not 200 */
	c = sim_cache_find(sim, "sock_inode_cache");
	ck_assert_uint_ne(c, SIM_CACHE_NONE);
	ck_assert_int_eq(sim_cache_get_info(sim, c, &info), SIM_OK);
	ck_assert_uint_eq(info.size, 832);
	ck_assert_uint_eq(info.object_size, 768);
	/* the skbuff object freed through "vmap_area" left its own cache */
	c = sim_cache_find(sim, "skbuff_head_cache");
	ck_assert_int_eq(sim_cache_get_info(sim, c, &info), SIM_OK);
	ck_assert_uint_eq(info.size, 256);

	csv = render(rp, REPORT_FMT_CSV, "fidelity/caches");
	ck_assert_ptr_nonnull(strstr(csv, "\nvmap_area,72,72,SLAB_NO_MERGE,2,"));
	ck_assert_ptr_nonnull(strstr(csv, "\nskbuff_head_cache,224,256,SLAB_HWCACHE_ALIGN|SLAB_NO_MERGE,1,"));
	ck_assert_ptr_nonnull(strstr(csv, "\nanon_vma,96,104,SLAB_NO_MERGE|SLAB_ACCOUNT|ctor,1,"));
	ck_assert_ptr_nonnull(strstr(csv, "\nsock_inode_cache,768,832,SLAB_HWCACHE_ALIGN|SLAB_NO_MERGE|SLAB_ACCOUNT|ctor,1,"));
	ck_assert_ptr_nonnull(strstr(csv, "\nodd_cache,100,200,SLAB_NO_MERGE,2,"));
	free(csv);
	csv = render(rp, REPORT_FMT_CSV, "fidelity/cache-mismatches");
	ck_assert_ptr_nonnull(strstr(csv, "\nslub,odd_cache,100,200,104\n"));
	free(csv);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

START_TEST(pages_outcome)
{
	struct replay *rp = replay_file("replay-pages.txt", NULL, NULL);
	const struct replay_trace_stats *ts = replay_trace_stats(rp);

	ck_assert_uint_eq(ts->applied, 10);
	ck_assert_uint_eq(ts->unmatched_page_free, 1);
	ck_assert_uint_eq(ts->untraced_page_frees, 1);
	ck_assert_uint_eq(ts->page_order_mismatch, 1);
	ck_assert_uint_eq(replay_live_pages(rp), 2);
	for (size_t i = 0; i < replay_nr_policies(rp); i++) {
		struct sim *sim = replay_policy_sim(rp, i);

		if (!sim)
			continue;
		ck_assert_uint_eq(replay_policy_stats(rp, i)->page_allocs, 6);
		/* the order-3 block went back whole: 2 single pages are left */
		ck_assert_uint_eq(vmstat(sim, "nr_kernel_pages"), 2);
	}
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* trace-cmd report: banners, padded event names, -l latency, -t ns */
START_TEST(trace_cmd_shape)
{
	struct replay *rp = replay_file("replay-cmd.txt", NULL, NULL);
	const struct trace_stats *st = trace_parser_stats(replay_parser(rp));
	size_t s = pol(rp, "slub");

	ck_assert_uint_eq(st->events, 7);
	ck_assert_uint_eq(st->skipped, 3);
	ck_assert_uint_eq(st->other_events, 1);
	ck_assert_uint_eq(st->malformed, 0);
	ck_assert_uint_eq(replay_trace_stats(rp)->applied, 7);
	ck_assert_uint_eq(replay_trace_stats(rp)->unmatched_kfree, 0);
	ck_assert_uint_eq(replay_trace_stats(rp)->unmatched_cache_free, 0);
	ck_assert_uint_eq(replay_trace_stats(rp)->unmatched_page_free, 0);
	ck_assert_uint_eq(replay_live_objects(rp), 1);	/* the 640-byte skb head */
	ck_assert_uint_eq(replay_live_pages(rp), 0);
	ck_assert_uint_eq(replay_policy_stats(rp, s)->kmalloc_exact, 2);
	ck_assert_uint_eq(sim_ksize(replay_policy_sim(rp, s),
				    replay_sim_addr(rp, s, 0x1c2b3a4d)), 1024);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* perf script: kmem: prefixes, 0x pointers, call chains, a line without
 * a CPU column (replayed on CPU 0) */
START_TEST(perf_shape)
{
	struct replay *rp = replay_file("replay-perf.txt", NULL, NULL);
	const struct trace_stats *st = trace_parser_stats(replay_parser(rp));
	const struct replay_trace_stats *ts = replay_trace_stats(rp);
	size_t s = pol(rp, "slub");

	ck_assert_uint_eq(st->events, 9);
	ck_assert_uint_eq(st->no_cpu, 1);
	ck_assert_uint_eq(st->other_events, 1);
	ck_assert_uint_eq(st->malformed, 0);
	ck_assert_uint_eq(ts->applied, 9);
	ck_assert_uint_eq(ts->null_frees, 1);
	ck_assert_uint_eq(ts->unmatched_kfree + ts->unmatched_cache_free +
			  ts->unmatched_page_free, 0);
	ck_assert_uint_eq(replay_live_objects(rp), 2);
	ck_assert_uint_ne(replay_sim_addr(rp, s, UINT64_C(0xffff8881055aa5c0)),
			  SIM_ADDR_NONE);
	ck_assert_uint_eq(sim_ksize(replay_policy_sim(rp, s),
				    replay_sim_addr(rp, s, UINT64_C(0xffff888107700040))),
			  128);
	ck_assert_uint_eq(replay_policy_stats(rp, s)->caches_exact, 2);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* Disorder between CPUs is undone; ties keep reading order. */
START_TEST(order_outcome)
{
	struct replay *rp = replay_file("replay-order.txt", NULL, NULL);
	const struct replay_trace_stats *ts = replay_trace_stats(rp);

	ck_assert_uint_eq(ts->applied, 8);
	ck_assert_uint_eq(ts->unmatched_kfree, 1);
	ck_assert_uint_eq(ts->late_events, 0);
	ck_assert_uint_eq(replay_live_objects(rp), 1);
	ck_assert_uint_ne(replay_sim_addr(rp, pol(rp, "slub"), 0x400), SIM_ADDR_NONE);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* A kmem_cache_free naming the cache its object came from is no finding;
 * one naming another cache is counted, once per such free. */
START_TEST(cache_free_names)
{
	static const char text[] =
		"  t-1 [000] ..... 1.000001: kmem_cache_alloc: call_site=a+0x1/0x2 "
		"ptr=0000000000000100 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL name=vmap_area\n"
		"  t-1 [000] ..... 1.000002: kmem_cache_alloc: call_site=a+0x1/0x2 "
		"ptr=0000000000000200 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL name=vmap_area\n"
		"  t-1 [000] ..... 1.000003: kmem_cache_alloc: call_site=c+0x1/0x2 "
		"ptr=0000000000000300 bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL name=filp\n"
		"  t-1 [000] ..... 1.000004: kmem_cache_free: call_site=b+0x1/0x2 "
		"ptr=0000000000000100 name=vmap_area\n"
		"  t-1 [000] ..... 1.000005: kmem_cache_free: call_site=b+0x1/0x2 "
		"ptr=0000000000000200 name=vmap_area\n"
		"  t-1 [000] ..... 1.000006: kmem_cache_free: call_site=b+0x1/0x2 "
		"ptr=0000000000000300 name=vmap_area\n";
	struct replay *rp = replay_text(text, "slub", NULL);
	const struct replay_trace_stats *ts = replay_trace_stats(rp);

	ck_assert_uint_eq(ts->applied, 6);
	ck_assert_uint_eq(ts->cache_free_other, 1);
	ck_assert_uint_eq(ts->unmatched_cache_free, 0);
	ck_assert_uint_eq(ts->cache_free_of_kmalloc, 0);
	ck_assert_uint_eq(replay_live_objects(rp), 0);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* Older kernels print kmem_cache_alloc without name=: caches are told
 * apart by their sizes. */
START_TEST(nameless_caches)
{
	static const char text[] =
		"  t-1 [000] ..... 1.000001: kmem_cache_alloc: call_site=a+0x1/0x2 "
		"ptr=0000000000000100 bytes_req=184 bytes_alloc=192 gfp_flags=GFP_KERNEL\n"
		"  t-1 [000] ..... 1.000002: kmem_cache_alloc: call_site=a+0x1/0x2 "
		"ptr=0000000000000200 bytes_req=184 bytes_alloc=192 gfp_flags=GFP_KERNEL\n"
		"  t-1 [000] ..... 1.000003: kmem_cache_alloc: call_site=c+0x1/0x2 "
		"ptr=0000000000000300 bytes_req=96 bytes_alloc=104 gfp_flags=GFP_KERNEL\n"
		"  t-1 [000] ..... 1.000004: kmem_cache_free: call_site=b+0x1/0x2 "
		"ptr=0000000000000100\n";
	struct replay *rp = replay_text(text, "slub", NULL);
	struct sim *sim = replay_policy_sim(rp, 0);
	struct sim_cache_info info;

	ck_assert_uint_eq(replay_policy_stats(rp, 0)->caches, 2);
	ck_assert_uint_eq(replay_policy_stats(rp, 0)->caches_exact, 2);
	ck_assert_int_eq(sim_cache_get_info(sim, sim_cache_find(sim, "size-184-192"),
					    &info), SIM_OK);
	ck_assert_uint_eq(info.size, 192);
	ck_assert_uint_ne(sim_cache_find(sim, "size-96-104"), SIM_CACHE_NONE);
	ck_assert_uint_eq(replay_trace_stats(rp)->cache_free_other, 0);
	ck_assert_uint_eq(replay_live_objects(rp), 2);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

/* More than a block of events, then one older than the reorder window
 * allows: it is counted late and applied next, not dropped. */
START_TEST(late_event)
{
	struct replay_config cfg;
	struct replay *rp;
	size_t n = REPLAY_BLOCK + 1000, cap = (n + 1) * 200, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
			"  t-1 [000] ..... %zu.%06zu: kmalloc: call_site=x+0x1/0x2 "
			"ptr=%016zx bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL\n",
			10 + i / 1000, (i % 1000) * 1000, 0x1000 + i);
	/* frees the first object, 20 s too late */
	len += (size_t)snprintf(text + len, cap - len,
		"  t-1 [001] ..... 1.000000: kfree: call_site=y+0x1/0x2 ptr=%016x\n",
		0x1000);
	replay_config_init(&cfg);
	cfg.reorder_window_ns = SIM_NSEC_PER_MSEC;
	rp = replay_text(text, "slub", &cfg);
	ck_assert_uint_eq(replay_trace_stats(rp)->applied, n + 1);
	ck_assert_uint_eq(replay_trace_stats(rp)->late_events, 1);
	ck_assert_uint_eq(replay_trace_stats(rp)->unmatched_kfree, 0);
	ck_assert_uint_eq(replay_live_objects(rp), n - 1);
	check_clean(rp);
	replay_free(rp);
	free(text);
}
END_TEST

/* ---- Bad input: counted, quoted, never fatal ---- */

START_TEST(garbage_input)
{
	struct replay *rp = replay_file("trace-garbage.txt", NULL, NULL);
	const struct trace_stats *st = trace_parser_stats(replay_parser(rp));
	char *csv;

	/* trace-garbage.txt: 3 good events, 12 malformed (check_trace.c) */
	ck_assert_uint_eq(st->malformed, 12);
	ck_assert_uint_eq(replay_trace_stats(rp)->applied, 3);
	csv = render(rp, REPORT_FMT_CSV, "input/malformed");
	ck_assert_ptr_nonnull(strstr(csv, "\n2,"));
	ck_assert_ptr_nonnull(strstr(csv, "hello world"));
	free(csv);
	check_clean(rp);
	replay_free(rp);
}
END_TEST

START_TEST(binary_and_truncated_input)
{
	static const char *const files[] = { "trace-binary.txt", "trace-truncated.txt" };

	for (size_t f = 0; f < 2; f++) {
		struct replay *rp = replay_file(files[f], NULL, NULL);
		const struct trace_stats *st = trace_parser_stats(replay_parser(rp));
		char *json = render(rp, REPORT_FMT_JSON, NULL);

		ck_assert_uint_eq(replay_trace_stats(rp)->applied, st->events);
		ck_assert_uint_eq(st->lines, st->events + st->skipped +
				  st->other_events + st->malformed);
		ck_assert_ptr_nonnull(strstr(json, "\"schema\": \"kmemsim-report\""));
		free(json);
		check_clean(rp);
		replay_free(rp);
	}
}
END_TEST

/* ---- Simulated failure, unavailable policies, configuration ---- */

/* 16 MiB of RAM and 100 kmallocs of 1 MiB: most fail, each counted, and a
 * free of a failed allocation is skipped quietly. */
START_TEST(simulated_oom)
{
	struct replay_config cfg;
	struct replay *rp;
	char *text = malloc(100 * 400), *p = text;

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "  t-1 [000] ..... 5.%06d: kmalloc: call_site=big+0x1/0x2 "
			     "ptr=%016x bytes_req=1048576 bytes_alloc=1048576 "
			     "gfp_flags=GFP_KERNEL\n", i, 0x100000 + i);
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "  t-1 [000] ..... 6.%06d: kfree: call_site=big+0x2/0x2 "
			     "ptr=%016x\n", i, 0x100000 + i);
	replay_config_init(&cfg);
	cfg.sim.ram_bytes = UINT64_C(16) << 20;
	rp = replay_text(text, NULL, &cfg);
	for (size_t i = 0; i < replay_nr_policies(rp); i++) {
		const struct replay_policy_stats *st = replay_policy_stats(rp, i);

		if (!replay_policy_sim(rp, i))
			continue;
		ck_assert_uint_gt(st->alloc_fails, 80);
		ck_assert_uint_eq(st->allocs + st->alloc_fails, 100);
		ck_assert_uint_eq(st->free_errors, 0);
		ck_assert_uint_eq(st->live_objects, 0);
		/* SLUB's large kmallocs go straight back to the page allocator */
		if (strcmp(replay_policy_name(rp, i), "slub") == 0)
			ck_assert_uint_eq(replay_policy_slab_pages(rp, i), 0);
	}
	free(render(rp, REPORT_FMT_TEXT, NULL));
	replay_free(rp);
	free(text);
}
END_TEST

/* A simulator that cannot be created makes its policy "unavailable":
 * reported, never fatal. */
START_TEST(unavailable_policy)
{
	struct replay_config cfg;
	struct replay *rp;
	char *json;

	replay_config_init(&cfg);
	cfg.sim.ram_bytes = 4096;		/* one page: no zone can be built */
	rp = replay_file("replay-kmalloc.txt", NULL, &cfg);
	for (size_t i = 0; i < replay_nr_policies(rp); i++) {
		ck_assert_ptr_null(replay_policy_sim(rp, i));
		ck_assert_ptr_nonnull(replay_policy_unavailable(rp, i));
	}
	ck_assert_uint_eq(replay_trace_stats(rp)->applied, 14);
	json = render(rp, REPORT_FMT_JSON, NULL);
	ck_assert_ptr_nonnull(strstr(json, "\"unavailable\""));
	ck_assert_ptr_nonnull(strstr(json, "\"runs\": []"));
	free(json);
	replay_free(rp);
}
END_TEST

START_TEST(bad_config)
{
	struct replay_config cfg;
	char err[128];

	replay_config_init(&cfg);
	cfg.policies[0] = "slab2";
	cfg.nr_policies = 1;
	ck_assert_ptr_null(replay_new(&cfg, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "slab2"));
	cfg.policies[0] = "slub";
	cfg.policies[1] = "slub";
	cfg.nr_policies = 2;
	ck_assert_ptr_null(replay_new(&cfg, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "twice"));
	cfg.nr_policies = 0;
	ck_assert_ptr_null(replay_new(&cfg, err, sizeof err));
	replay_config_init(&cfg);
	cfg.sim.cpus = 0;
	ck_assert_ptr_null(replay_new(&cfg, err, sizeof err));
}
END_TEST

/* The CPU column picks the simulated CPU, modulo --cpus. */
START_TEST(cpu_column)
{
	static const char text[] =
		"  t-1 [002] ..... 1.000001: kmalloc: call_site=a+0x1/0x2 ptr=0000000000000100 "
		"bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL\n"
		"  t-1 [003] ..... 1.000002: kmalloc: call_site=a+0x1/0x2 ptr=0000000000000200 "
		"bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL\n";
	struct replay_config cfg;
	struct replay *rp = replay_text(text, "slub", NULL);

	/* the last event ran on CPU 3 % 2 */
	ck_assert_uint_eq(sim_current_cpu(replay_policy_sim(rp, 0)), 1);
	replay_free(rp);
	replay_config_init(&cfg);
	cfg.sim.cpus = 4;
	rp = replay_text(text, "slub", &cfg);
	ck_assert_uint_eq(sim_current_cpu(replay_policy_sim(rp, 0)), 3);
	replay_free(rp);
}
END_TEST

/* --series: slab pages per policy, sampled on trace time */
START_TEST(time_series)
{
	struct replay_config cfg;
	struct replay *rp;
	char *csv;

	replay_config_init(&cfg);
	cfg.series_interval_ns = SIM_NSEC_PER_MSEC;
	rp = replay_file("trace-excerpt.txt", NULL, &cfg);
	csv = render(rp, REPORT_FMT_CSV, "series/slab-pages");
	ck_assert(strncmp(csv, "time_ns,slab,slub,slob\n0,", 25) == 0);
	ck_assert_ptr_nonnull(strstr(csv, "\n1000000,"));
	ck_assert_ptr_nonnull(strstr(csv, "\n11000000,"));
	free(csv);
	replay_free(rp);
}
END_TEST

/* replay_config.thread_done: count the policy threads that ran */
static void count_thread(void *ud, unsigned thread)
{
	(void)thread;
	__atomic_add_fetch((unsigned *)ud, 1, __ATOMIC_RELAXED);
}

/*
 * Threads change nothing: the simulators on one thread per policy, on
 * fewer threads, and on the parsing thread alone (threads = 0) give the
 * same report, byte for byte.  Blocks of 1, 3 and 4096 simulator calls:
 * 1 turns the ring of blocks once per call, so a block lost, applied twice
 * or overwritten while a policy still reads it shows.  With a time series
 * (samples taken between events) and with 16 MiB of RAM (failures).  A
 * read error part way: tests/replay.sh (a truncated .xz).
 */
START_TEST(threads_same_bytes)
{
	static const char *const files[] = {
		"trace-excerpt.txt", "replay-cache.txt", "replay-pages.txt",
		"replay-order.txt", "replay-kmalloc.txt",
	};
	static const size_t blocks[] = { 1, 3, 4096 };

	for (size_t f = 0; f < ARRAY_SIZE(files); f++)
		for (int small = 0; small < 2; small++) {
			struct replay_config cfg;
			struct replay *rp;
			char *ref;

			replay_config_init(&cfg);
			cfg.series_interval_ns = SIM_NSEC_PER_MSEC;
			cfg.sim.ram_bytes = small ? UINT64_C(16) << 20 : cfg.sim.ram_bytes;
			cfg.threads = 0;
			rp = replay_file(files[f], NULL, &cfg);
			ref = render(rp, REPORT_FMT_JSON, NULL);
			replay_free(rp);
			for (unsigned t = 1; t <= 3; t++)
				for (size_t b = 0; b < ARRAY_SIZE(blocks); b++) {
					unsigned ran = 0;
					char *got;

					cfg.threads = t;
					cfg.op_block = blocks[b];
					cfg.thread_done = count_thread;
					cfg.thread_ud = &ran;
					rp = replay_file(files[f], NULL, &cfg);
					got = render(rp, REPORT_FMT_JSON, NULL);
					ck_assert_uint_eq(ran, t);
					ck_assert_msg(strcmp(ref, got) == 0, "%s%s: %u threads, "
						      "blocks of %zu: the report differs", files[f],
						      small ? " (16 MiB)" : "", t, blocks[b]);
					free(got);
					replay_free(rp);
				}
			free(ref);
		}
}
END_TEST


int main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc;
	SRunner *sr;
	int nf;

	tc = tcase_create("excerpt");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, excerpt_counts);
	tcase_add_test(tc, excerpt_trace_facts);
	tcase_add_test(tc, excerpt_slub_fidelity);
	tcase_add_test(tc, excerpt_report);
	tcase_add_test(tc, excerpt_deterministic);
	tcase_add_test(tc, time_series);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kmalloc_outcome);
	tcase_add_test(tc, cache_outcome);
	tcase_add_test(tc, pages_outcome);
	tcase_add_test(tc, trace_cmd_shape);
	tcase_add_test(tc, perf_shape);
	tcase_add_test(tc, order_outcome);
	tcase_add_test(tc, late_event);
	tcase_add_test(tc, nameless_caches);
	tcase_add_test(tc, cache_free_names);
	tcase_add_test(tc, cpu_column);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, garbage_input);
	tcase_add_test(tc, binary_and_truncated_input);
	tcase_add_test(tc, simulated_oom);
	tcase_add_test(tc, unavailable_policy);
	tcase_add_test(tc, bad_config);
	tcase_add_test(tc, threads_same_bytes);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}

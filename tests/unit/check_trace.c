/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_trace.c - unit tests of the kmem trace reader, parser and ordering
 *
 * Expected numbers are never computed by the code under test.  For the real
 * excerpt (tests/data/trace-excerpt.txt, 3,000 events cut from
 * build-6.18.trace at event 630,001) they come from grep/awk, with the
 * command next to each number; for the hand-written traces they follow from
 * how the files were written (each file's quirks are listed at its test).
 *
 * Data files are found through $KMEMSIM_SRCDIR (set by `make check`), then
 * automake's $srcdir, then the current directory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LIBLZMA
#include <lzma.h>
#endif

#include "gfp.h"
#include "trace.h"
#include "trace_input.h"

/* ---- Fixtures and helpers ---- */

/* Path of a file under tests/data, in a static buffer. */
static const char *data_path(const char *name)
{
	static char buf[4096];
	const char *dirs[3] = { getenv("KMEMSIM_SRCDIR"), getenv("srcdir"), "." };
	unsigned i;

	for (i = 0; i < 3; i++) {
		if (!dirs[i])
			continue;
		snprintf(buf, sizeof buf, "%s/tests/data/%s", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return buf;
		/* $srcdir may be tests/unit's own directory */
		snprintf(buf, sizeof buf, "%s/../../tests/data/%s", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, sizeof buf, "tests/data/%s", name);
	return buf;
}

/* A whole trace parsed into a growing array. */
struct parsed {
	struct trace_parser *p;
	struct trace_event *ev;
	size_t n, cap;
	int rc;			/* last trace_parse_next() result */
	uint64_t overlong;
};

static void parsed_push(struct parsed *r, const struct trace_event *e)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
		ck_assert_ptr_nonnull(r->ev);
	}
	r->ev[r->n++] = *e;
}

static void parse_reader(struct parsed *r, struct trace_reader *rd)
{
	struct trace_event e;

	ck_assert_ptr_nonnull(rd);
	memset(r, 0, sizeof *r);
	r->p = trace_parser_new();
	ck_assert_ptr_nonnull(r->p);
	while ((r->rc = trace_parse_next(r->p, rd, &e)) == 1)
		parsed_push(r, &e);
	r->overlong = trace_reader_overlong(rd);
	trace_reader_close(rd);
}

static void parse_file(struct parsed *r, const char *name)
{
	char err[256];
	struct trace_reader *rd = trace_reader_open(data_path(name), err, sizeof err);

	ck_assert_msg(rd != NULL, "cannot open %s: %s", name, err);
	parse_reader(r, rd);
	ck_assert_int_eq(r->rc, 0);
}

static void parse_text(struct parsed *r, const char *text)
{
	struct trace_reader *rd = trace_reader_open_mem(text, strlen(text));

	ck_assert_ptr_nonnull(rd);
	parse_reader(r, rd);
	ck_assert_int_eq(r->rc, 0);
}

static void parsed_free(struct parsed *r)
{
	trace_parser_free(r->p);
	free(r->ev);
}

static const struct trace_event *find_line(const struct parsed *r, uint64_t lineno)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->ev[i].lineno == lineno)
			return &r->ev[i];
	ck_abort_msg("no event from line %llu", (unsigned long long)lineno);
	return NULL;
}

static const char *str(const struct parsed *r, enum trace_str_kind k, uint32_t id)
{
	const char *s = trace_string(r->p, k, id);

	ck_assert_ptr_nonnull(s);
	return s;
}

/* lines == events + skipped + other_events + malformed, always */
static void check_balance(const struct trace_stats *st)
{
	ck_assert_uint_eq(st->lines, st->events + st->skipped +
			  st->other_events + st->malformed);
}

/* Parse one line on a fresh parser; the parser is returned for queries. */
static int parse_one(struct trace_parser **pp, const char *line,
		     struct trace_event *e)
{
	*pp = trace_parser_new();
	ck_assert_ptr_nonnull(*pp);
	return trace_parse_line(*pp, line, strlen(line), 1, e);
}

/* ---- The real excerpt ---- */

START_TEST(excerpt_counts)
{
	struct parsed r;
	const struct trace_stats *st;

	parse_file(&r, "trace-excerpt.txt");
	st = trace_parser_stats(r.p);
	/* grep -c '' trace-excerpt.txt */
	ck_assert_uint_eq(st->lines, 3012);
	/* grep -c '^#' */
	ck_assert_uint_eq(st->skipped, 12);
	/* grep -c ' kmalloc: ' etc. */
	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC], 77);
	ck_assert_uint_eq(st->per_type[TRACE_KFREE], 405);
	ck_assert_uint_eq(st->per_type[TRACE_KMEM_CACHE_ALLOC], 840);
	ck_assert_uint_eq(st->per_type[TRACE_KMEM_CACHE_FREE], 884);
	ck_assert_uint_eq(st->per_type[TRACE_MM_PAGE_ALLOC], 326);
	ck_assert_uint_eq(st->per_type[TRACE_MM_PAGE_FREE], 468);
	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC_NODE], 0);
	ck_assert_uint_eq(st->per_type[TRACE_KMEM_CACHE_ALLOC_NODE], 0);
	ck_assert_uint_eq(st->per_type[TRACE_MM_PAGE_FREE_BATCHED], 0);
	ck_assert_uint_eq(st->events, 3000);
	ck_assert_uint_eq(r.n, 3000);
	ck_assert_uint_eq(st->malformed, 0);
	ck_assert_uint_eq(st->other_events, 0);
	ck_assert_uint_eq(st->gfp_unknown, 0);
	/* wc -c */
	ck_assert_uint_eq(st->bytes + st->lines, 478968);
	check_balance(st);
	parsed_free(&r);
}
END_TEST

START_TEST(excerpt_fields)
{
	struct parsed r;
	const struct trace_event *e;

	parse_file(&r, "trace-excerpt.txt");

	/* line 13: curl-2595 [001] ..... 120.917336: mm_page_alloc:
	 * page=00000000f5af180b pfn=0x13e3f4 order=0 migratetype=1
	 * gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP */
	e = &r.ev[0];
	ck_assert_uint_eq(e->lineno, 13);
	ck_assert_uint_eq(e->type, TRACE_MM_PAGE_ALLOC);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "curl");
	ck_assert_int_eq(e->pid, 2595);
	ck_assert_uint_eq(e->cpu, 1);
	ck_assert_uint_eq(e->ts_ns, UINT64_C(120917336000));
	ck_assert_uint_eq(e->ptr, UINT64_C(0xf5af180b));
	ck_assert_uint_eq(e->pfn, UINT64_C(0x13e3f4));
	ck_assert_uint_eq(e->order, 0);
	ck_assert_int_eq(e->migratetype, 1);
	ck_assert_str_eq(str(&r, TRACE_STR_GFP, e->gfp_id),
			 "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	ck_assert_uint_eq(e->gfp, (gfp_t)(GFP_HIGHUSER_MOVABLE | __GFP_COMP));
	ck_assert_uint_eq(e->call_site, 0);
	ck_assert_uint_eq(e->shape, TRACE_SHAPE_FTRACE);

	/* line 175: kmalloc: call_site=alloc_empty_sheaf+0x1f/0x40
	 * ptr=00000000889e7fd7 bytes_req=288 bytes_alloc=512
	 * gfp_flags=GFP_NOWAIT|__GFP_ZERO node=-1 accounted=false */
	e = find_line(&r, 175);
	ck_assert_uint_eq(e->type, TRACE_KMALLOC);
	ck_assert_uint_eq(e->ts_ns, UINT64_C(120920738000));
	ck_assert_str_eq(str(&r, TRACE_STR_CALLSITE, e->call_site),
			 "alloc_empty_sheaf+0x1f/0x40");
	ck_assert_uint_eq(e->ptr, UINT64_C(0x889e7fd7));
	ck_assert_uint_eq(e->bytes_req, 288);
	ck_assert_uint_eq(e->bytes_alloc, 512);
	ck_assert_uint_eq(e->gfp, (gfp_t)(GFP_NOWAIT | __GFP_ZERO));
	ck_assert_int_eq(e->node, -1);
	ck_assert(!e->accounted);
	ck_assert_uint_eq(e->cache, 0);
	ck_assert_uint_eq(e->pfn, SIM_PFN_NONE);

	/* line 30: kmem_cache_alloc: call_site=vm_area_dup+0x1e/0x190
	 * ptr=000000009cf21f5e name=vm_area_struct bytes_req=192
	 * bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=true */
	e = find_line(&r, 30);
	ck_assert_uint_eq(e->type, TRACE_KMEM_CACHE_ALLOC);
	ck_assert_str_eq(str(&r, TRACE_STR_CACHE, e->cache), "vm_area_struct");
	ck_assert_uint_eq(e->bytes_req, 192);
	ck_assert_uint_eq(e->bytes_alloc, 192);
	ck_assert_uint_eq(e->gfp, (gfp_t)GFP_KERNEL);
	ck_assert(e->accounted);

	/* line 2060: bash-2306 [000] d..1. 120.927101: kmem_cache_free:
	 * call_site=release_task+0x2fb/0x5a0 ptr=0000000055b48bc2
	 * name=sighand_cache */
	e = find_line(&r, 2060);
	ck_assert_uint_eq(e->type, TRACE_KMEM_CACHE_FREE);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "bash");
	ck_assert_int_eq(e->pid, 2306);
	ck_assert_uint_eq(e->cpu, 0);
	ck_assert_uint_eq(e->ts_ns, UINT64_C(120927101000));
	ck_assert_uint_eq(e->ptr, UINT64_C(0x55b48bc2));
	ck_assert_str_eq(str(&r, TRACE_STR_CACHE, e->cache), "sighand_cache");
	ck_assert_str_eq(str(&r, TRACE_STR_CALLSITE, e->call_site),
			 "release_task+0x2fb/0x5a0");
	ck_assert_uint_eq(e->gfp_id, 0);

	/* line 722: kworker/0:1-11 [000] ..... 120.924619: mm_page_free:
	 * page=00000000ef101f1b pfn=0x12a0b2 order=0 */
	e = find_line(&r, 722);
	ck_assert_uint_eq(e->type, TRACE_MM_PAGE_FREE);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "kworker/0:1");
	ck_assert_int_eq(e->pid, 11);
	ck_assert_uint_eq(e->pfn, UINT64_C(0x12a0b2));

	/* line 705: <idle>-0 [001] .Ns1. */
	e = find_line(&r, 705);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "<idle>");
	ck_assert_int_eq(e->pid, 0);
	ck_assert_uint_eq(e->cpu, 1);
	parsed_free(&r);
}
END_TEST

START_TEST(excerpt_null_kfree)
{
	struct parsed r;
	size_t i, nulls = 0;
	const struct trace_event *e;

	parse_file(&r, "trace-excerpt.txt");
	for (i = 0; i < r.n; i++)
		nulls += r.ev[i].type == TRACE_KFREE && r.ev[i].ptr == 0;
	/* grep -c 'kfree: .*ptr=0000000000000000' */
	ck_assert_uint_eq(nulls, 301);
	/* line 218: kfree: call_site=vm_area_free+0x1c/0x90 ptr=0000000000000000 */
	e = find_line(&r, 218);
	ck_assert_uint_eq(e->type, TRACE_KFREE);
	ck_assert_uint_eq(e->ptr, 0);
	ck_assert_str_eq(str(&r, TRACE_STR_CALLSITE, e->call_site),
			 "vm_area_free+0x1c/0x90");
	parsed_free(&r);
}
END_TEST

/* Frees of objects allocated before the excerpt begins are ordinary events;
 * matching them is the replay's business.  The awk reference:
 *   live[ptr] on kmalloc/kmem_cache_alloc; a non-NULL kfree/kmem_cache_free
 *   of a live ptr is matched (and ends it), otherwise unmatched
 * gives 599 matched, 389 unmatched, the first unmatched on line 219. */
START_TEST(excerpt_unmatched_frees)
{
	struct parsed r;
	uint64_t *live;
	size_t i, j, nlive = 0, matched = 0, unmatched = 0;
	uint64_t first = 0;

	parse_file(&r, "trace-excerpt.txt");
	live = malloc(r.n * sizeof *live);
	ck_assert_ptr_nonnull(live);
	for (i = 0; i < r.n; i++) {
		const struct trace_event *e = &r.ev[i];

		if (e->type == TRACE_KMALLOC || e->type == TRACE_KMEM_CACHE_ALLOC) {
			live[nlive++] = e->ptr;
		} else if ((e->type == TRACE_KFREE ||
			    e->type == TRACE_KMEM_CACHE_FREE) && e->ptr) {
			for (j = 0; j < nlive && live[j] != e->ptr; j++)
				;
			if (j < nlive) {
				live[j] = live[--nlive];
				matched++;
			} else {
				unmatched++;
				if (!first)
					first = e->lineno;
			}
		}
	}
	ck_assert_uint_eq(matched, 599);
	ck_assert_uint_eq(unmatched, 389);
	ck_assert_uint_eq(first, 219);
	free(live);
	parsed_free(&r);
}
END_TEST

/* Every gfp text of the excerpt parses, and prints back the same way. */
START_TEST(excerpt_gfp_roundtrip)
{
	struct parsed r;
	size_t i, kmallocs = 0;
	uint32_t id;
	char err[160], back[GFP_FORMAT_MAX];

	parse_file(&r, "trace-excerpt.txt");
	for (i = 0; i < r.n; i++) {
		const struct trace_event *e = &r.ev[i];
		const char *text;
		gfp_t g = 0;

		if (e->type != TRACE_KMALLOC)
			continue;
		kmallocs++;
		text = str(&r, TRACE_STR_GFP, e->gfp_id);
		ck_assert_msg(gfp_parse(text, strlen(text), &g, err, sizeof err) == 0,
			      "line %llu: %s", (unsigned long long)e->lineno, err);
		ck_assert_uint_eq(e->gfp, g);
		ck_assert(!(e->flags & TRACE_EVF_GFP_UNKNOWN));
		gfp_format(g, back, sizeof back);
		ck_assert_str_eq(back, text);
	}
	ck_assert_uint_eq(kmallocs, 77);
	/* every distinct text: grep -o 'gfp_flags=[^ ]*' | sort -u | wc -l */
	ck_assert_uint_eq(trace_string_count(r.p, TRACE_STR_GFP), 16 + 1);
	for (id = 1; id < trace_string_count(r.p, TRACE_STR_GFP); id++) {
		bool ok = false;
		gfp_t g = trace_gfp_of(r.p, id, &ok);

		ck_assert(ok);
		gfp_format(g, back, sizeof back);
		ck_assert_str_eq(back, str(&r, TRACE_STR_GFP, id));
	}
	ck_assert_str_eq(trace_gfp_error(r.p), "");
	parsed_free(&r);
}
END_TEST

/* ---- Shapes: ftrace, trace-cmd report, perf script ---- */

/* The three files hold the same ten events (one of each type, a kfree of
 * NULL, a task name with a blank and one with dashes), each written the way
 * its tool prints them, with that tool's extra lines around them. */
static void check_same_events(const struct parsed *a, const struct parsed *b)
{
	size_t i;

	ck_assert_uint_eq(a->n, 10);
	ck_assert_uint_eq(b->n, a->n);
	for (i = 0; i < a->n; i++) {
		const struct trace_event *x = &a->ev[i], *y = &b->ev[i];

		ck_assert_uint_eq(x->type, y->type);
		ck_assert_uint_eq(x->ts_ns, y->ts_ns);
		ck_assert_uint_eq(x->ptr, y->ptr);
		ck_assert_uint_eq(x->pfn, y->pfn);
		ck_assert_uint_eq(x->bytes_req, y->bytes_req);
		ck_assert_uint_eq(x->bytes_alloc, y->bytes_alloc);
		ck_assert_uint_eq(x->gfp, y->gfp);
		ck_assert_int_eq(x->pid, y->pid);
		ck_assert_int_eq(x->node, y->node);
		ck_assert_uint_eq(x->cpu, y->cpu);
		ck_assert_uint_eq(x->order, y->order);
		ck_assert_int_eq(x->migratetype, y->migratetype);
		ck_assert_int_eq(x->accounted, y->accounted);
		ck_assert_uint_eq(x->flags, y->flags);
		ck_assert_str_eq(str(a, TRACE_STR_COMM, x->comm),
				 str(b, TRACE_STR_COMM, y->comm));
		ck_assert_str_eq(str(a, TRACE_STR_CALLSITE, x->call_site),
				 str(b, TRACE_STR_CALLSITE, y->call_site));
		ck_assert_str_eq(str(a, TRACE_STR_CACHE, x->cache),
				 str(b, TRACE_STR_CACHE, y->cache));
		ck_assert_str_eq(str(a, TRACE_STR_GFP, x->gfp_id),
				 str(b, TRACE_STR_GFP, y->gfp_id));
	}
}

START_TEST(shapes_identical)
{
	struct parsed f, c, p;

	parse_file(&f, "trace-ftrace.txt");
	parse_file(&c, "trace-cmd.txt");
	parse_file(&p, "trace-perf.txt");
	check_same_events(&f, &c);
	check_same_events(&f, &p);
	ck_assert_uint_eq(f.ev[0].shape, TRACE_SHAPE_FTRACE);
	ck_assert_uint_eq(c.ev[0].shape, TRACE_SHAPE_FTRACE);
	ck_assert_uint_eq(p.ev[0].shape, TRACE_SHAPE_PERF);
	parsed_free(&f);
	parsed_free(&c);
	parsed_free(&p);
}
END_TEST

/* trace-ftrace.txt: 12 '#' header lines, a record-tgid column (line 14), a
 * line without latency column (18), a sched_switch (16), "CPU:1 [LOST 3
 * EVENTS]" (19), a "#####" buffer banner (20), a CRLF line (22), a blank
 * line (24). */
START_TEST(shape_ftrace)
{
	struct parsed r;
	const struct trace_stats *st;
	const struct trace_event *e;
	uint32_t id;

	parse_file(&r, "trace-ftrace.txt");
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(st->lines, 26);
	ck_assert_uint_eq(st->events, 10);
	ck_assert_uint_eq(st->skipped, 12 + 1 + 1 + 1);
	ck_assert_uint_eq(st->other_events, 1);
	ck_assert_uint_eq(st->malformed, 0);
	ck_assert_uint_eq(st->lost_events, 3);
	ck_assert_uint_eq(st->per_type[TRACE_KFREE], 2);
	ck_assert_uint_eq(st->per_type[TRACE_KMALLOC_NODE], 1);
	ck_assert_uint_eq(st->per_type[TRACE_KMEM_CACHE_ALLOC_NODE], 1);
	ck_assert_uint_eq(st->per_type[TRACE_MM_PAGE_FREE_BATCHED], 1);
	check_balance(st);

	e = find_line(&r, 14);		/* tgid column */
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "bash");
	ck_assert_int_eq(e->pid, 2273);
	ck_assert_uint_eq(e->ts_ns, UINT64_C(111489621000));
	e = find_line(&r, 15);		/* "     Web Content-4242" */
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "Web Content");
	ck_assert_int_eq(e->pid, 4242);
	ck_assert_int_eq(e->node, 0);
	ck_assert(e->accounted);
	e = find_line(&r, 17);		/* " systemd-journal-312" */
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "systemd-journal");
	ck_assert_int_eq(e->pid, 312);
	ck_assert_str_eq(str(&r, TRACE_STR_CACHE, e->cache), "skbuff_head_cache");
	e = find_line(&r, 18);		/* no latency column */
	ck_assert_uint_eq(e->type, TRACE_KFREE);
	ck_assert_uint_eq(e->ptr, UINT64_C(0xfa02b159));
	e = find_line(&r, 21);		/* kfree(NULL) from <idle> */
	ck_assert_uint_eq(e->ptr, 0);
	ck_assert_int_eq(e->pid, 0);
	e = find_line(&r, 22);		/* CRLF */
	ck_assert_str_eq(str(&r, TRACE_STR_CACHE, e->cache), "filp");
	e = find_line(&r, 25);
	ck_assert_uint_eq(e->order, 2);
	ck_assert_uint_eq(e->pfn, UINT64_C(0x116ac1));
	e = find_line(&r, 26);
	ck_assert_uint_eq(e->type, TRACE_MM_PAGE_FREE_BATCHED);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "kswapd0");

	ck_assert_uint_eq(trace_string_count(r.p, TRACE_STR_EVENT), 2);
	id = trace_intern(r.p, TRACE_STR_EVENT, "sched_switch", 12);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(trace_other_count(r.p, id), 1);
	parsed_free(&r);
}
END_TEST

/* trace-cmd.txt: banners "cpus=4", "CPU 2 is empty", "CPU 3 is empty";
 * padded event names; latency columns on lines 6 and 9; nanosecond
 * timestamps on lines 7 and 13; a sched_wakeup of "<...>" on line 10. */
START_TEST(shape_trace_cmd)
{
	struct parsed r;
	const struct trace_stats *st;

	parse_file(&r, "trace-cmd.txt");
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(st->lines, 14);
	ck_assert_uint_eq(st->events, 10);
	ck_assert_uint_eq(st->skipped, 3);
	ck_assert_uint_eq(st->other_events, 1);
	ck_assert_uint_eq(st->malformed, 0);
	check_balance(st);
	ck_assert_uint_eq(find_line(&r, 7)->ts_ns, UINT64_C(111489705000));
	ck_assert_uint_eq(find_line(&r, 9)->ptr, 0);
	parsed_free(&r);
}
END_TEST

/* trace-perf.txt: "kmem:" prefixes, 0x pointers, "pid/tid" on line 7, two
 * call chains of two frames plus a blank line each, a sched event. */
START_TEST(shape_perf)
{
	struct parsed r;
	const struct trace_stats *st;
	const struct trace_event *e;
	uint32_t id;

	parse_file(&r, "trace-perf.txt");
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(st->lines, 17);
	ck_assert_uint_eq(st->events, 10);
	ck_assert_uint_eq(st->skipped, 6);
	ck_assert_uint_eq(st->other_events, 1);
	ck_assert_uint_eq(st->malformed, 0);
	check_balance(st);
	e = find_line(&r, 7);
	ck_assert_int_eq(e->pid, 312);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "systemd-journal");
	e = find_line(&r, 6);
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, e->comm), "Web Content");
	id = trace_intern(r.p, TRACE_STR_EVENT, "sched:sched_stat_runtime", 24);
	ck_assert_uint_eq(trace_other_count(r.p, id), 1);
	parsed_free(&r);
}
END_TEST

/* perf script of a per-task recording prints no CPU column. */
START_TEST(shape_perf_nocpu)
{
	struct trace_parser *p;
	struct trace_event e;

	ck_assert_int_eq(parse_one(&p, "            bash  2273   111.489800: "
				   "kmem:kfree: call_site=ffffffff8123abcd ptr=(nil)", &e),
			 TRACE_LINE_EVENT);
	ck_assert_uint_eq(e.cpu, TRACE_CPU_UNKNOWN);
	ck_assert(e.flags & TRACE_EVF_NO_CPU);
	ck_assert_uint_eq(e.shape, TRACE_SHAPE_PERF_NOCPU);
	ck_assert_int_eq(e.pid, 2273);
	ck_assert_uint_eq(e.ptr, 0);
	ck_assert_uint_eq(e.ts_ns, UINT64_C(111489800000));
	ck_assert_str_eq(trace_string(p, TRACE_STR_COMM, e.comm), "bash");
	ck_assert_str_eq(trace_string(p, TRACE_STR_CALLSITE, e.call_site),
			 "ffffffff8123abcd");
	ck_assert_uint_eq(trace_parser_stats(p)->no_cpu, 1);
	trace_parser_free(p);
}
END_TEST

/* perf script -F comm,pid,tid,cpu,time,period,event,trace: a period
 * column before the event, blanks-indented call chain frames after it. */
START_TEST(shape_perf_period)
{
	static const char text[] =
		"client  2344/2345  [007] 342165.258739:          1 kmem:kfree: "
		"call_site=kfree_skb+0x1f ptr=0xffff888012345678\n"
		"            7fff8168dbb0 __schedule ([kernel.kallsyms])\n"
		"            7fff8168e069 schedule+0x29 ([kernel.kallsyms])\n";
	struct parsed r;
	const struct trace_stats *st;

	parse_text(&r, text);
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(st->skipped, 2);
	ck_assert_uint_eq(st->malformed, 0);
	ck_assert_int_eq(r.ev[0].pid, 2345);
	ck_assert_uint_eq(r.ev[0].cpu, 7);
	ck_assert_uint_eq(r.ev[0].ts_ns, UINT64_C(342165258739000));
	ck_assert_uint_eq(r.ev[0].ptr, UINT64_C(0xffff888012345678));
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, r.ev[0].comm), "client");
	parsed_free(&r);
}
END_TEST

/* Older kernels: (null) pointers, decimal pfn, no name=, hex call_site. */
START_TEST(shape_old_kernel)
{
	struct trace_parser *p;
	struct trace_event e;

	ck_assert_int_eq(parse_one(&p, "  cc1-99  [000]  5.000001: kfree: "
				   "call_site=ffffffff811d6b2e ptr=(null)", &e),
			 TRACE_LINE_EVENT);
	ck_assert_uint_eq(e.ptr, 0);
	ck_assert_uint_eq(e.ts_ns, UINT64_C(5000001000));
	trace_parser_free(p);
	ck_assert_int_eq(parse_one(&p, "  cc1-99  [000] d..1  5.5: mm_page_free_batched: "
				   "page=ffffea0000fb1200 pfn=1027144 order=0 cold=1", &e),
			 TRACE_LINE_EVENT);
	ck_assert_uint_eq(e.pfn, 1027144);
	ck_assert_uint_eq(e.ptr, UINT64_C(0xffffea0000fb1200));
	ck_assert_uint_eq(e.ts_ns, UINT64_C(5500000000));
	trace_parser_free(p);
	ck_assert_int_eq(parse_one(&p, "  cc1-99  [001] ....  7.000002: kmem_cache_alloc: "
				   "call_site=ffffffff81234567 ptr=ffff88003c9f9800 "
				   "bytes_req=24 bytes_alloc=32 gfp_flags=GFP_KERNEL", &e),
			 TRACE_LINE_EVENT);
	ck_assert_uint_eq(e.cache, 0);
	ck_assert_int_eq(e.node, -1);
	ck_assert_uint_eq(e.ptr, UINT64_C(0xffff88003c9f9800));
	trace_parser_free(p);
}
END_TEST

/* ---- Timestamps ---- */

START_TEST(timestamps_exact)
{
	static const struct { const char *ts; uint64_t ns; int rc; } cases[] = {
		{ "117.616002:",   UINT64_C(117616002000), TRACE_LINE_EVENT },
		{ "1.000000001:",  UINT64_C(1000000001),   TRACE_LINE_EVENT },
		{ "0.5:",          UINT64_C(500000000),    TRACE_LINE_EVENT },
		{ "18446744073.709551615:", UINT64_C(18446744073709551615), TRACE_LINE_EVENT },
		{ "123456:",       UINT64_C(123456),       TRACE_LINE_EVENT },
		{ "1.0000000001:", 0, TRACE_LINE_MALFORMED },	/* 10 digits */
		{ "18446744074.0:", 0, TRACE_LINE_MALFORMED },	/* overflow */
		{ "1.:",           0, TRACE_LINE_MALFORMED },
		{ ".5:",           0, TRACE_LINE_MALFORMED },
	};
	unsigned i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct trace_parser *p;
		struct trace_event e;
		char line[256];

		snprintf(line, sizeof line, " a-1 [000] ..... %s kfree: ptr=1",
			 cases[i].ts);
		ck_assert_msg(parse_one(&p, line, &e) == cases[i].rc, "%s", line);
		if (cases[i].rc == TRACE_LINE_EVENT)
			ck_assert_uint_eq(e.ts_ns, cases[i].ns);
		else
			ck_assert_str_eq(trace_parser_problem(p, 0)->reason,
					 "bad timestamp");
		trace_parser_free(p);
	}
}
END_TEST

/* ---- Decimal fields ---- */

/*
 * trace_dec: up to 19 digits cannot overflow and are read without a test
 * per digit, the 20th is checked digit by digit.  pfn= in decimal (before
 * 4.x) takes all 64 bits, bytes_req= 32; any byte that is no digit makes
 * the field bad -- ':' and '/' first, one past each end of '0'..'9'.
 */
START_TEST(decimals_exact)
{
	static const struct { const char *field; const char *v; uint64_t want; } cases[] = {
		{ "pfn",       "18446744073709551615", UINT64_MAX },		/* 20 digits */
		{ "pfn",       "09999999999999999999", UINT64_C(9999999999999999999) },
		{ "pfn",       "9999999999999999999",  UINT64_C(9999999999999999999) },	/* 19 */
		{ "pfn",       "18446744073709551616", 0 },	/* 2^64 */
		{ "pfn",       "99999999999999999999", 0 },
		{ "pfn",       "100000000000000000000", 0 },	/* 21 digits */
		{ "pfn",       "12:4",                 0 },
		{ "pfn",       "12/4",                 0 },
		{ "pfn",       "1234567890123456789:", 0 },	/* 20 bytes, the last no digit */
		{ "bytes_req", "4294967295",           UINT32_MAX },
		{ "bytes_req", "4294967296",           0 },
		{ "bytes_req", "2:",                   0 },
		{ "bytes_req", "/2",                   0 },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool pfn = strcmp(cases[i].field, "pfn") == 0;
		struct trace_parser *p;
		struct trace_event e;
		char line[256], reason[32];
		int rc;

		if (pfn)
			snprintf(line, sizeof line, " a-1 [000] ..... 1.0: mm_page_alloc: "
				 "pfn=%s order=0 migratetype=0 gfp_flags=GFP_KERNEL", cases[i].v);
		else
			snprintf(line, sizeof line, " a-1 [000] ..... 1.0: kmalloc: "
				 "call_site=f+0x1 ptr=1 bytes_req=%s bytes_alloc=8 "
				 "gfp_flags=GFP_KERNEL", cases[i].v);
		rc = parse_one(&p, line, &e);
		if (cases[i].want) {
			ck_assert_msg(rc == TRACE_LINE_EVENT, "%s", line);
			ck_assert_uint_eq(pfn ? e.pfn : e.bytes_req, cases[i].want);
		} else {
			ck_assert_msg(rc == TRACE_LINE_MALFORMED, "%s", line);
			snprintf(reason, sizeof reason, "bad %s=", cases[i].field);
			ck_assert_str_eq(trace_parser_problem(p, 0)->reason, reason);
		}
		trace_parser_free(p);
	}
}
END_TEST

/* ---- Bad input ---- */

/* trace-garbage.txt: one '#' line, 3 good events (lines 5, 9, 14; line 9
 * has an unknown gfp name), 12 malformed lines. */
START_TEST(garbage_counted_and_quoted)
{
	static const struct { uint64_t lineno; const char *reason; } first[] = {
		{ 2, "no \"task-pid [CPU] timestamp: event:\" head" },
		{ 3, "bad ptr=" },
		{ 4, "missing ptr=" },
		{ 6, "bad timestamp" },
		{ 7, "bad bytes_req=" },
	};
	struct parsed r;
	const struct trace_stats *st;
	const struct trace_problem *pr;
	const struct trace_event *e;
	unsigned i;

	parse_file(&r, "trace-garbage.txt");
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(st->lines, 16);
	ck_assert_uint_eq(st->events, 3);
	ck_assert_uint_eq(st->skipped, 1);
	ck_assert_uint_eq(st->malformed, 12);
	ck_assert_uint_eq(st->gfp_unknown, 1);
	check_balance(st);
	for (i = 0; i < TRACE_MAX_PROBLEMS; i++) {
		pr = trace_parser_problem(r.p, i);
		ck_assert_ptr_nonnull(pr);
		ck_assert_uint_eq(pr->lineno, first[i].lineno);
		ck_assert_str_eq(pr->reason, first[i].reason);
	}
	ck_assert_ptr_null(trace_parser_problem(r.p, TRACE_MAX_PROBLEMS));
	ck_assert_str_eq(trace_parser_problem(r.p, 0)->excerpt, "hello world");
	pr = trace_parser_problem(r.p, 1);
	ck_assert_uint_eq(strlen(pr->excerpt), TRACE_EXCERPT_MAX);
	ck_assert(strncmp(pr->excerpt, "            bash-2273    [001]", 30) == 0);

	e = find_line(&r, 9);
	ck_assert(e->flags & TRACE_EVF_GFP_UNKNOWN);
	ck_assert_uint_eq(e->gfp, 0);
	ck_assert_str_eq(str(&r, TRACE_STR_GFP, e->gfp_id), "GFP_BOGUS|__GFP_ZERO");
	/* the message is written when asked for: the first rejected item */
	ck_assert(strncmp(trace_gfp_error(r.p), "unknown GFP flag 'GFP_BOGUS'",
			  28) == 0);
	ck_assert_ptr_eq(trace_gfp_error(r.p), trace_gfp_error(r.p));
	e = find_line(&r, 14);		/* page= but no pfn=: still usable */
	ck_assert_uint_eq(e->pfn, SIM_PFN_NONE);
	ck_assert_uint_eq(e->ptr, 9);
	parsed_free(&r);
}
END_TEST

/* trace-truncated.txt: the 14 first lines of trace-ftrace.txt, then a
 * kmalloc cut in its fields with no '\n' at the end. */
START_TEST(truncated_last_line)
{
	struct parsed r;
	const struct trace_stats *st;

	parse_file(&r, "trace-truncated.txt");
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(st->lines, 15);
	ck_assert_uint_eq(st->events, 2);
	ck_assert_uint_eq(st->malformed, 1);
	ck_assert_uint_eq(trace_parser_problem(r.p, 0)->lineno, 15);
	ck_assert_str_eq(trace_parser_problem(r.p, 0)->reason, "missing bytes_alloc=");
	parsed_free(&r);

	/* a complete last line without '\n' is an ordinary event */
	parse_text(&r, "# x\n a-1 [000] ..... 1.000001: kfree: ptr=00000000000000ab");
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.ev[0].ptr, 0xab);
	ck_assert_uint_eq(r.ev[0].lineno, 2);
	parsed_free(&r);
}
END_TEST

/* trace-binary.txt: 8 lines of which 3 are good kfree/kmem_cache_free
 * (ptr aa, bb, dd); the rest hold NULs, 0xff bytes, 3000 random bytes, a
 * NUL inside a ptr, a gzip magic mid-file, and 100 NULs without '\n'. */
START_TEST(binary_junk)
{
	struct parsed r;
	const struct trace_stats *st;

	parse_file(&r, "trace-binary.txt");
	st = trace_parser_stats(r.p);
	ck_assert_uint_eq(st->lines, 8);
	ck_assert_uint_eq(st->events, 3);
	ck_assert_uint_eq(st->malformed, 5);
	check_balance(st);
	ck_assert_uint_eq(r.ev[0].ptr, 0xaa);
	ck_assert_uint_eq(r.ev[1].ptr, 0xbb);
	ck_assert_uint_eq(r.ev[2].ptr, 0xdd);
	ck_assert_str_eq(str(&r, TRACE_STR_CACHE, r.ev[2].cache), "f\xc3\xa9lp");
	ck_assert_uint_eq(trace_parser_problem(r.p, 2)->lineno, 5);
	ck_assert_str_eq(trace_parser_problem(r.p, 2)->reason, "bad ptr=");
	parsed_free(&r);
}
END_TEST

/* Every prefix of a good line, and the line with each byte replaced by a
 * NUL, stays within its bounds (run under valgrind/ASan to see) and never
 * produces an event with a wrong ptr. */
START_TEST(prefixes_and_nuls)
{
	static const char good[] = "            bash-2273    [001] .....   111.489620: "
		"kmalloc: call_site=a+0x1/0x2 ptr=00000000fa02b159 bytes_req=72 "
		"bytes_alloc=96 gfp_flags=GFP_KERNEL node=-1 accounted=false";
	struct trace_parser *p = trace_parser_new();
	struct trace_event e;
	size_t n = sizeof good - 1, i;
	char *buf = malloc(n);

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i <= n; i++) {
		/* an exact-size heap copy, so a read past the end is caught */
		char *cut = malloc(i ? i : 1);
		int rc;

		memcpy(cut, good, i);
		rc = trace_parse_line(p, cut, i, i, &e);
		ck_assert(rc == TRACE_LINE_EVENT || rc == TRACE_LINE_SKIPPED ||
			  rc == TRACE_LINE_MALFORMED);
		if (rc == TRACE_LINE_EVENT)
			ck_assert_uint_eq(e.bytes_req, 72);
		free(cut);
	}
	for (i = 0; i < n; i++) {
		memcpy(buf, good, n);
		buf[i] = '\0';
		if (trace_parse_line(p, buf, n, i, &e) == TRACE_LINE_EVENT)
			ck_assert_uint_eq(e.ptr, UINT64_C(0xfa02b159));
	}
	check_balance(trace_parser_stats(p));
	free(buf);
	trace_parser_free(p);
}
END_TEST

/* ---- The reader ---- */

static const char good_line[] =
	" a-1 [000] ..... 1.000001: kfree: call_site=x+0x1/0x2 ptr=00000000000000ab";

START_TEST(reader_mem_overlong)
{
	size_t big = TRACE_LINE_MAX + 5000, n = big + 1 + sizeof good_line - 1;
	char *text = malloc(n);
	struct trace_reader *r;
	const char *line;
	size_t len;

	ck_assert_ptr_nonnull(text);
	memset(text, 'x', big);
	text[big] = '\n';
	memcpy(text + big + 1, good_line, sizeof good_line - 1);
	r = trace_reader_open_mem(text, n);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(trace_reader_next(r, &line, &len), 1);
	ck_assert_uint_eq(len, TRACE_LINE_MAX);
	ck_assert_uint_eq(trace_reader_overlong(r), 1);
	ck_assert_int_eq(trace_reader_next(r, &line, &len), 1);
	ck_assert_uint_eq(len, sizeof good_line - 1);
	ck_assert(memcmp(line, good_line, len) == 0);
	ck_assert_uint_eq(trace_reader_lineno(r), 2);
	ck_assert_int_eq(trace_reader_next(r, &line, &len), 0);
	ck_assert_int_eq(trace_reader_next(r, &line, &len), 0);
	trace_reader_close(r);
	free(text);
}
END_TEST

/* Write @len bytes to a new temporary file; its path goes to @path. */
static void write_temp(char *path, size_t pathlen, const void *data, size_t len)
{
	int fd;

	snprintf(path, pathlen, "%s/check_trace.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A file bigger than the reader's buffer, with an overlong line in the
 * middle and no '\n' at the end: every line comes back in order. */
START_TEST(reader_file_buffering)
{
	enum { N = 40000 };
	size_t cap = (size_t)N * 100 + 3 * TRACE_LINE_MAX, len = 0, i;
	char *text = malloc(cap), path[512];
	struct parsed r;
	struct trace_reader *rd;
	char err[256];
	uint64_t done, total;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < N; i++) {
		len += (size_t)sprintf(text + len, " t-%zu [001] ..... %zu.000001: "
				       "kfree: call_site=f+0x1/0x2 ptr=%016zx%s", i,
				       i, i + 1, i + 1 < N ? "\n" : "");
		if (i == N / 2) {
			memset(text + len, 'y', 2 * TRACE_LINE_MAX);
			len += 2 * TRACE_LINE_MAX;
			text[len++] = '\n';
		}
	}
	write_temp(path, sizeof path, text, len);
	rd = trace_reader_open(path, err, sizeof err);
	ck_assert_msg(rd != NULL, "%s", err);
	parse_reader(&r, rd);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.n, N);
	ck_assert_uint_eq(r.overlong, 1);
	for (i = 0; i < N; i++) {
		ck_assert_uint_eq(r.ev[i].ptr, i + 1);
		ck_assert_int_eq(r.ev[i].pid, (int)i);
		ck_assert_uint_eq(r.ev[i].ts_ns, i * SIM_NSEC_PER_SEC + 1000);
	}
	ck_assert_uint_eq(trace_parser_stats(r.p)->malformed, 1);
	parsed_free(&r);

	/* progress ends at the file size */
	rd = trace_reader_open(path, err, sizeof err);
	ck_assert_ptr_nonnull(rd);
	{
		const char *line;
		size_t l;

		while (trace_reader_next(rd, &line, &l) == 1)
			;
	}
	trace_reader_progress(rd, &done, &total);
	ck_assert_uint_eq(total, len);
	ck_assert_uint_eq(done, len);
	trace_reader_close(rd);
	unlink(path);
	free(text);
}
END_TEST

/* "-" reads standard input; a regular file there still gives a total. */
START_TEST(reader_stdin)
{
	const char *path = data_path("trace-perf.txt");
	int fd = open(path, O_RDONLY), saved = dup(STDIN_FILENO);
	char err[256];
	struct parsed r;
	struct trace_reader *rd;
	uint64_t done, total;
	struct stat sb;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_int_ge(dup2(fd, STDIN_FILENO), 0);
	close(fd);
	rd = trace_reader_open("-", err, sizeof err);
	ck_assert_msg(rd != NULL, "%s", err);
	trace_reader_progress(rd, &done, &total);
	ck_assert_uint_eq(total, (uint64_t)sb.st_size);
	parse_reader(&r, rd);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.n, 10);
	parsed_free(&r);
	if (saved >= 0) {
		dup2(saved, STDIN_FILENO);
		close(saved);
	}
}
END_TEST

START_TEST(reader_open_errors)
{
	char err[256];

	ck_assert_ptr_null(trace_reader_open("/nonexistent/trace.txt", err, sizeof err));
	ck_assert(strstr(err, "/nonexistent/trace.txt") != NULL);
	ck_assert_ptr_null(trace_reader_open("/nonexistent/trace.txt", NULL, 0));
}
END_TEST

#if defined(HAVE_ZLIB) || defined(HAVE_LIBLZMA)
/* Read a data file into memory. */
static char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(data_path(name), "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}
#endif

#ifdef HAVE_ZLIB
START_TEST(reader_gzip)
{
	size_t len;
	char *text = slurp("trace-ftrace.txt", &len), path[512], err[256];
	struct parsed a, b;
	gzFile gz;
	int fd;

	snprintf(path, sizeof path, "%s/check_trace.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	gz = gzdopen(fd, "wb");
	ck_assert_ptr_nonnull(gz);
	/* two gzip members back to back, as `cat a.gz b.gz` makes */
	ck_assert_int_eq(gzwrite(gz, text, (unsigned)len), (int)len);
	gzclose(gz);
	gz = gzopen(path, "ab");
	ck_assert_int_eq(gzwrite(gz, text, (unsigned)len), (int)len);
	gzclose(gz);
	parse_reader(&a, trace_reader_open(path, err, sizeof err));
	ck_assert_int_eq(a.rc, 0);
	ck_assert_uint_eq(a.n, 20);
	parse_file(&b, "trace-ftrace.txt");
	a.n = 10;
	check_same_events(&a, &b);
	parsed_free(&a);
	parsed_free(&b);
	unlink(path);
	free(text);
}
END_TEST
#endif

#ifdef HAVE_LIBLZMA
START_TEST(reader_xz)
{
	size_t len, cap, out = 0;
	char *text = slurp("trace-excerpt.txt", &len), path[512], err[256];
	uint8_t *xz;
	struct parsed a, b;
	uint64_t done, total;
	size_t i;

	cap = lzma_stream_buffer_bound(len);
	xz = malloc(cap);
	ck_assert_ptr_nonnull(xz);
	ck_assert_int_eq(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL,
						 (const uint8_t *)text, len,
						 xz, &out, cap), LZMA_OK);
	write_temp(path, sizeof path, xz, out);
	parse_reader(&a, trace_reader_open(path, err, sizeof err));
	ck_assert_int_eq(a.rc, 0);
	parse_file(&b, "trace-excerpt.txt");
	ck_assert_uint_eq(a.n, 3000);
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		ck_assert_uint_eq(a.ev[i].ptr, b.ev[i].ptr);
		ck_assert_uint_eq(a.ev[i].ts_ns, b.ev[i].ts_ns);
		ck_assert_uint_eq(a.ev[i].lineno, b.ev[i].lineno);
	}
	parsed_free(&a);
	parsed_free(&b);

	/* a truncated .xz is an error, reported once and then again */
	write_temp(path, sizeof path, xz, out / 2);
	{
		struct trace_reader *r = trace_reader_open(path, err, sizeof err);
		const char *line;
		size_t l;
		int rc;

		ck_assert_ptr_nonnull(r);
		while ((rc = trace_reader_next(r, &line, &l)) == 1)
			;
		ck_assert_int_eq(rc, TRACE_READ_ERROR);
		ck_assert_str_ne(trace_reader_error(r), "");
		ck_assert_int_eq(trace_reader_next(r, &line, &l), TRACE_READ_ERROR);
		trace_reader_progress(r, &done, &total);
		ck_assert_uint_eq(total, out / 2);
		trace_reader_close(r);
	}
	unlink(path);
	free(xz);
	free(text);
}
END_TEST
#endif

#ifdef HAVE_LIBLZMA
/*
 * The decompression thread (trace_input.c): an .xz of 4.5 chunks of text,
 * more than the ring of chunk buffers holds, comes out of trace_input_pull()
 * byte for byte, in chunks of exactly TRACE_INPUT_CHUNK bytes but the last
 * (the chunking does not depend on the threads' timing); a close while the
 * producer is ahead stops it; a truncated file hands out every chunk decoded
 * before the cut, then the error, again at every later pull.
 */
START_TEST(input_xz_thread)
{
	size_t len = TRACE_INPUT_CHUNK * 4 + TRACE_INPUT_CHUNK / 2, cap, out = 0;
	size_t got = 0, nchunks = 0, cut_got = 0;
	char *text = malloc(len), path[512], err[256];
	const char *chunk;
	struct trace_input *in;
	uint8_t *xz;
	size_t n;
	int rc;

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < len; i++)	/* lines of varied digits */
		text[i] = (i % 97 == 96) ? '\n' : (char)('0' + (i * 7 + i / 97) % 10);
	cap = lzma_stream_buffer_bound(len);
	xz = malloc(cap);
	ck_assert_ptr_nonnull(xz);
	ck_assert_int_eq(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL,
						 (const uint8_t *)text, len,
						 xz, &out, cap), LZMA_OK);
	write_temp(path, sizeof path, xz, out);

	in = trace_input_open(path, err, sizeof err);
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(trace_input_format(in), TRACE_INPUT_XZ);
	while ((rc = trace_input_pull(in, &chunk, &n)) == 1) {
		ck_assert_uint_le(got + n, len);
		ck_assert(memcmp(chunk, text + got, n) == 0);
		if (got + n < len)
			ck_assert_uint_eq(n, TRACE_INPUT_CHUNK);
		got += n;
		nchunks++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(got, len);
	ck_assert_uint_eq(nchunks, 5);
	ck_assert_int_eq(trace_input_pull(in, &chunk, &n), 0);	/* the end stays */
	ck_assert_str_eq(trace_input_error(in), "");
	ck_assert_uint_eq(trace_input_bytes(in), out);
	trace_input_close(in);

	/* closed after one chunk, the producer waiting on a full ring */
	in = trace_input_open(path, err, sizeof err);
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(trace_input_pull(in, &chunk, &n), 1);
	{
		struct timespec ts = { 0, 20 * 1000 * 1000 };	/* let it fill the ring */

		nanosleep(&ts, NULL);
	}
	trace_input_close(in);

	/* cut at 3/4 of the compressed bytes */
	unlink(path);
	write_temp(path, sizeof path, xz, out * 3 / 4);
	in = trace_input_open(path, err, sizeof err);
	ck_assert_ptr_nonnull(in);
	while ((rc = trace_input_pull(in, &chunk, &n)) == 1) {
		ck_assert(memcmp(chunk, text + cut_got, n) == 0);
		cut_got += n;
	}
	ck_assert_int_eq(rc, TRACE_READ_ERROR);
	ck_assert_uint_gt(cut_got, TRACE_INPUT_CHUNK);
	ck_assert_uint_lt(cut_got, len);
	ck_assert(strstr(trace_input_error(in), "xz: corrupt or truncated") != NULL);
	ck_assert_int_eq(trace_input_pull(in, &chunk, &n), TRACE_READ_ERROR);
	trace_input_close(in);
	unlink(path);
	free(xz);
	free(text);
}
END_TEST
#endif

/* ---- Interning ---- */

START_TEST(intern_ids)
{
	struct trace_parser *p = trace_parser_new();
	const char *first;
	char name[32], *huge;
	uint32_t i, id;

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(trace_string(p, TRACE_STR_CACHE, 0), "");
	ck_assert_ptr_null(trace_string(p, TRACE_STR_CACHE, 1));
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_CACHE, "", 0), 0);
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_CACHE, "filp", 4), 1);
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_CACHE, "dentry", 6), 2);
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_CACHE, "filpx", 4), 1);
	/* kinds are separate id spaces */
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_COMM, "dentry", 6), 1);
	first = trace_string(p, TRACE_STR_CACHE, 1);
	/* enough strings to grow the table and the arena several times */
	for (i = 0; i < 50000; i++) {
		snprintf(name, sizeof name, "cache-%u", i);
		ck_assert_uint_eq(trace_intern(p, TRACE_STR_CACHE, name, strlen(name)),
				  i + 3);
	}
	for (i = 0; i < 50000; i += 997) {
		snprintf(name, sizeof name, "cache-%u", i);
		ck_assert_uint_eq(trace_intern(p, TRACE_STR_CACHE, name, strlen(name)),
				  i + 3);
		ck_assert_str_eq(trace_string(p, TRACE_STR_CACHE, i + 3), name);
	}
	ck_assert_uint_eq(trace_string_count(p, TRACE_STR_CACHE), 50003);
	ck_assert_ptr_eq(trace_string(p, TRACE_STR_CACHE, 1), first);
	ck_assert_str_eq(first, "filp");
	/* a string bigger than an arena block */
	huge = malloc(200000);
	ck_assert_ptr_nonnull(huge);
	memset(huge, 'h', 200000);
	id = trace_intern(p, TRACE_STR_CALLSITE, huge, 200000);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(strlen(trace_string(p, TRACE_STR_CALLSITE, id)), 200000);
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_CALLSITE, "small", 5), 2);
	ck_assert_uint_eq(trace_intern(p, TRACE_STR_CALLSITE, huge, 200000), 1);
	free(huge);
	trace_parser_free(p);
}
END_TEST

/* Ids follow first appearance in the input, whatever the hash does. */
START_TEST(intern_first_seen_order)
{
	struct parsed r;

	parse_file(&r, "trace-ftrace.txt");
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, 1), "bash");
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, 2), "Web Content");
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, 3), "systemd-journal");
	ck_assert_str_eq(str(&r, TRACE_STR_COMM, 4), "<idle>");
	ck_assert_str_eq(str(&r, TRACE_STR_CACHE, 1), "vmap_area");
	ck_assert_str_eq(str(&r, TRACE_STR_GFP, 1), "GFP_KERNEL|__GFP_ZERO");
	ck_assert_str_eq(str(&r, TRACE_STR_CALLSITE, 1), "__get_vm_area_node+0x80/0x140");
	parsed_free(&r);
}
END_TEST

/* ---- Ordering ---- */

/* Seven events; timestamps (in µs) 5 3 3 9 1 3 7 on lines 1..7. */
static const char disordered[] =
	" a-1 [000] ..... 0.000005: kfree: ptr=1\n"
	" a-1 [001] ..... 0.000003: kfree: ptr=2\n"
	" a-1 [000] ..... 0.000003: kfree: ptr=3\n"
	" a-1 [001] ..... 0.000009: kfree: ptr=4\n"
	" a-1 [000] ..... 0.000001: kfree: ptr=5\n"
	" a-1 [001] ..... 0.000003: kfree: ptr=6\n"
	" a-1 [000] ..... 0.000007: kfree: ptr=7\n";

START_TEST(order_sort_stable)
{
	static const uint64_t want[7] = { 5, 2, 3, 6, 1, 7, 4 };
	struct parsed r;
	unsigned i;

	parse_text(&r, disordered);
	ck_assert_uint_eq(r.n, 7);
	/* worst: 1 µs read after 9 µs */
	ck_assert_uint_eq(trace_events_disorder(r.ev, r.n), 8000);
	ck_assert_int_eq(trace_events_sort(r.ev, r.n), 0);
	for (i = 0; i < 7; i++)
		ck_assert_uint_eq(r.ev[i].ptr, want[i]);
	ck_assert_uint_eq(trace_events_disorder(r.ev, r.n), 0);
	parsed_free(&r);
}
END_TEST

START_TEST(order_reorder_window)
{
	static const uint64_t want[7] = { 5, 2, 3, 6, 1, 7, 4 };
	struct parsed r;
	struct trace_reorder *q;
	struct trace_event e;
	unsigned i, out = 0;

	parse_text(&r, disordered);
	/* window 8 µs covers the worst disorder: the output is sorted */
	q = trace_reorder_new(8000);
	ck_assert_ptr_nonnull(q);
	for (i = 0; i < r.n; i++) {
		ck_assert_int_eq(trace_reorder_push(q, &r.ev[i]), 0);
		while (trace_reorder_pop(q, &e, false))
			ck_assert_uint_eq(e.ptr, want[out++]);
	}
	while (trace_reorder_pop(q, &e, true))
		ck_assert_uint_eq(e.ptr, want[out++]);
	ck_assert_uint_eq(out, 7);
	ck_assert_uint_eq(trace_reorder_late(q), 0);
	trace_reorder_free(q);

	/* window 2 µs: 1 and the third 3 arrive after 5 has come out, so
	 * both are late; they still come out, keyed at 5 µs */
	q = trace_reorder_new(2000);
	out = 0;
	for (i = 0; i < r.n; i++) {
		trace_reorder_push(q, &r.ev[i]);
		while (trace_reorder_pop(q, &e, false))
			out++;
	}
	while (trace_reorder_pop(q, &e, true))
		out++;
	ck_assert_uint_eq(out, 7);
	ck_assert_uint_eq(trace_reorder_late(q), 2);
	trace_reorder_free(q);
	parsed_free(&r);
}
END_TEST

/* Reorder with a window >= the jitter gives exactly the stable sort. */
START_TEST(order_reorder_matches_sort)
{
	enum { N = 20000 };
	const uint64_t jitter = 50000;	/* ns */
	struct trace_event *ev = calloc(N, sizeof *ev), *sorted = calloc(N, sizeof *ev);
	struct trace_reorder *q = trace_reorder_new(jitter);
	struct trace_event e;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t i, out = 0;

	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(sorted);
	ck_assert_ptr_nonnull(q);
	for (i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* coarse times so that many ties occur */
		ev[i].ts_ns = (i * 1000 + x % jitter) / 5000 * 5000;
		ev[i].lineno = i;
	}
	memcpy(sorted, ev, N * sizeof *ev);
	ck_assert_int_eq(trace_events_sort(sorted, N), 0);
	for (i = 1; i < N; i++) {
		ck_assert(sorted[i - 1].ts_ns <= sorted[i].ts_ns);
		if (sorted[i - 1].ts_ns == sorted[i].ts_ns)
			ck_assert(sorted[i - 1].lineno < sorted[i].lineno);
	}
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(trace_reorder_push(q, &ev[i]), 0);
		while (trace_reorder_pop(q, &e, false))
			ck_assert_uint_eq(e.lineno, sorted[out++].lineno);
	}
	while (trace_reorder_pop(q, &e, true))
		ck_assert_uint_eq(e.lineno, sorted[out++].lineno);
	ck_assert_uint_eq(out, N);
	ck_assert_uint_eq(trace_reorder_late(q), 0);
	ck_assert(trace_reorder_peak(q) < N / 4);
	trace_reorder_free(q);
	free(ev);
	free(sorted);
}
END_TEST

/* The real excerpt is already in order: sorting it changes nothing. */
START_TEST(order_excerpt_sorted)
{
	struct parsed r;
	size_t i;

	parse_file(&r, "trace-excerpt.txt");
	ck_assert_uint_eq(trace_events_disorder(r.ev, r.n), 0);
	ck_assert_int_eq(trace_events_sort(r.ev, r.n), 0);
	for (i = 0; i < r.n; i++)
		if (i)
			ck_assert(r.ev[i - 1].lineno < r.ev[i].lineno);
	parsed_free(&r);
}
END_TEST

/* ---- Small API pieces ---- */

START_TEST(api_misc)
{
	struct trace_parser *p;
	struct trace_event e;

	ck_assert_str_eq(trace_type_name(TRACE_KMEM_CACHE_ALLOC_NODE),
			 "kmem_cache_alloc_node");
	ck_assert_str_eq(trace_type_name(TRACE_NR_TYPES), "?");
	trace_parser_free(NULL);
	trace_reader_close(NULL);
	trace_reorder_free(NULL);

	/* blank and whitespace-only lines are skipped, not malformed */
	p = trace_parser_new();
	ck_assert_int_eq(trace_parse_line(p, "", 0, 1, &e), TRACE_LINE_SKIPPED);
	ck_assert_int_eq(trace_parse_line(p, " \t \r", 4, 2, &e), TRACE_LINE_SKIPPED);
	ck_assert_int_eq(trace_parse_line(p, "#", 1, 3, &e), TRACE_LINE_SKIPPED);
	ck_assert_uint_eq(trace_parser_stats(p)->skipped, 3);
	ck_assert_uint_eq(trace_parser_stats(p)->malformed, 0);
	/* an event of another system with a kmem name is not ours */
	{
		static const char other[] = " a 1 [000] 1.0: foo:kfree: ptr=1";

		ck_assert_int_eq(trace_parse_line(p, other, sizeof other - 1, 4, &e),
				 TRACE_LINE_SKIPPED);
	}
	ck_assert_uint_eq(trace_parser_stats(p)->other_events, 1);
	trace_parser_free(p);
}
END_TEST

/* ---- Suite ---- */

/*
 * The parser scans eight bytes at a time and decodes a 16-digit %p in two
 * words.  Every byte value at every position of a ptr= value must give
 * what the definition says: a hex digit (0-9, a-f, A-F) keeps the line an
 * event with the value computed here digit by digit; anything else makes
 * it malformed ("bad ptr=") -- except a blank, which ends the token early
 * (then "bad ptr=" only if nothing hexadecimal is left: a shorter ptr is
 * still a number, its rest an unknown bare word).  Control bytes inside
 * tokens must not be taken for blanks.
 */
START_TEST(word_scan_matches_bytes)
{
	static const char digits[] = "0123456789abcdef";
	char line[256], ptr[17];
	unsigned checked = 0;

	for (unsigned pos = 0; pos < 16; pos++) {
		for (unsigned c = 1; c < 256; c++) {
			struct trace_parser *p;
			struct trace_event e;
			uint64_t want = 0;
			int hexval = -1, rc;

			if (c == '\n' || c == '\r')
				continue;	/* would end the line itself */
			for (unsigned i = 0; i < 16; i++)
				ptr[i] = digits[(i * 7 + 3) % 16];
			ptr[pos] = (char)c;
			ptr[16] = '\0';
			if (c >= '0' && c <= '9')
				hexval = (int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				hexval = (int)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				hexval = (int)(c - 'A' + 10);
			snprintf(line, sizeof line,
				 "            bash-2303    [000] .....   117.616002: kfree: call_site=x+0x1/0x2 ptr=%s",
				 ptr);
			rc = parse_one(&p, line, &e);
			if (hexval >= 0) {
				for (unsigned i = 0; i < 16; i++) {
					char d = ptr[i];

					want = want << 4 | (uint64_t)(d <= '9' ? d - '0' :
							  d <= 'F' ? d - 'A' + 10 : d - 'a' + 10);
				}
				ck_assert_int_eq(rc, TRACE_LINE_EVENT);
				ck_assert_uint_eq(e.ptr, want);
			} else if ((c == ' ' || c == '\t') && pos > 0) {
				/* the token ends at the blank: pos digits remain */
				for (unsigned i = 0; i < pos; i++)
					want = want << 4 | (uint64_t)(strchr(digits, ptr[i]) - digits);
				ck_assert_int_eq(rc, TRACE_LINE_EVENT);
				ck_assert_uint_eq(e.ptr, want);
			} else {
				/* a blank first leaves "ptr=" empty: bad too */
				ck_assert_int_eq(rc, TRACE_LINE_MALFORMED);
				ck_assert_str_eq(trace_parser_problem(p, 0)->reason, "bad ptr=");
			}
			trace_parser_free(p);
			checked++;
		}
	}
	ck_assert_uint_eq(checked, 16 * 253);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc;

	tc = tcase_create("excerpt");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, excerpt_counts);
	tcase_add_test(tc, excerpt_fields);
	tcase_add_test(tc, excerpt_null_kfree);
	tcase_add_test(tc, excerpt_unmatched_frees);
	tcase_add_test(tc, excerpt_gfp_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("shapes");
	tcase_add_test(tc, shapes_identical);
	tcase_add_test(tc, shape_ftrace);
	tcase_add_test(tc, shape_trace_cmd);
	tcase_add_test(tc, shape_perf);
	tcase_add_test(tc, shape_perf_nocpu);
	tcase_add_test(tc, shape_perf_period);
	tcase_add_test(tc, shape_old_kernel);
	tcase_add_test(tc, timestamps_exact);
	tcase_add_test(tc, decimals_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_input");
	tcase_add_test(tc, garbage_counted_and_quoted);
	tcase_add_test(tc, truncated_last_line);
	tcase_add_test(tc, binary_junk);
	tcase_add_test(tc, prefixes_and_nuls);
	tcase_add_test(tc, word_scan_matches_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("reader");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, reader_mem_overlong);
	tcase_add_test(tc, reader_file_buffering);
	tcase_add_test(tc, reader_stdin);
	tcase_add_test(tc, reader_open_errors);
#ifdef HAVE_ZLIB
	tcase_add_test(tc, reader_gzip);
#endif
#ifdef HAVE_LIBLZMA
	tcase_add_test(tc, reader_xz);
	tcase_add_test(tc, input_xz_thread);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("intern");
	tcase_add_test(tc, intern_ids);
	tcase_add_test(tc, intern_first_seen_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_test(tc, order_sort_stable);
	tcase_add_test(tc, order_reorder_window);
	tcase_add_test(tc, order_reorder_matches_sort);
	tcase_add_test(tc, order_excerpt_sorted);
	tcase_add_test(tc, api_misc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failures;

	srunner_run_all(sr, CK_ENV);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}

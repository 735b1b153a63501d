/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_gfp.c - unit tests for gfp.c: names, parsing, printing, semantics
 *
 * Every expected value here was worked out by hand from the kernel facts
 * (kernel-model.md §1.8, §2.5, §3.1-§3.3), not produced by the code under
 * test.  The trace strings are every distinct gfp_flags= value of the real
 * 6.18 trace (data/traces/build-6.18.trace.xz), each with the migratetype
 * that its mm_page_alloc lines report (or, for strings seen only in slab
 * events, the one its mobility bits select).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"

#define UNTOUCHED	((gfp_t)0xdeadbeefu)

/* parse a NUL-terminated string that must be valid */
static gfp_t parse_ok(const char *s)
{
	char err[256];
	gfp_t v = UNTOUCHED;
	int rc = gfp_parse(s, strlen(s), &v, err, sizeof(err));

	ck_assert_msg(rc == 0, "parse of '%s' failed: %s", s, err);
	ck_assert_str_eq(err, "");
	return v;
}

/* parse a string that must fail; returns the message */
static const char *parse_bad(const char *s, char *err, size_t errlen)
{
	gfp_t v = UNTOUCHED;
	int rc = gfp_parse(s, strlen(s), &v, err, errlen);

	ck_assert_msg(rc == -1, "parse of '%s' should fail", s);
	ck_assert_msg(v == UNTOUCHED, "*out changed on failure for '%s'", s);
	return err;
}

static const char *fmt(gfp_t v, char *buf, size_t len)
{
	size_t n = gfp_format(v, buf, len);

	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

/* ---- Values ---- */

START_TEST(test_bit_values)
{
	/* §3.1: bit n is 1 << n; bit 9 unused; config-dependent bits */
	ck_assert_uint_eq(__GFP_DMA, 0x1);
	ck_assert_uint_eq(__GFP_HIGHMEM, 0x2);
	ck_assert_uint_eq(__GFP_DMA32, 0x4);
	ck_assert_uint_eq(__GFP_MOVABLE, 0x8);
	ck_assert_uint_eq(__GFP_RECLAIMABLE, 0x10);
	ck_assert_uint_eq(__GFP_HIGH, 0x20);
	ck_assert_uint_eq(__GFP_IO, 0x40);
	ck_assert_uint_eq(__GFP_FS, 0x80);
	ck_assert_uint_eq(__GFP_ZERO, 0x100);
	ck_assert_uint_eq(__GFP_DIRECT_RECLAIM, 0x400);
	ck_assert_uint_eq(__GFP_KSWAPD_RECLAIM, 0x800);
	ck_assert_uint_eq(__GFP_WRITE, 0x1000);
	ck_assert_uint_eq(__GFP_NOWARN, 0x2000);
	ck_assert_uint_eq(__GFP_RETRY_MAYFAIL, 0x4000);
	ck_assert_uint_eq(__GFP_NOFAIL, 0x8000);
	ck_assert_uint_eq(__GFP_NORETRY, 0x10000);
	ck_assert_uint_eq(__GFP_MEMALLOC, 0x20000);
	ck_assert_uint_eq(__GFP_COMP, 0x40000);
	ck_assert_uint_eq(__GFP_NOMEMALLOC, 0x80000);
	ck_assert_uint_eq(__GFP_HARDWALL, 0x100000);
	ck_assert_uint_eq(__GFP_THISNODE, 0x200000);
	ck_assert_uint_eq(__GFP_ACCOUNT, 0x400000);
	ck_assert_uint_eq(__GFP_ZEROTAGS, 0x800000);
	ck_assert_uint_eq(__GFP_SKIP_ZERO, 0);
	ck_assert_uint_eq(__GFP_SKIP_KASAN, 0);
	ck_assert_uint_eq(__GFP_NOLOCKDEP, 0);
	ck_assert_uint_eq(__GFP_NO_OBJ_EXT, 0x1000000);
	ck_assert_int_eq(___GFP_UNUSED_BIT, 9);
	ck_assert_int_eq(___GFP_NO_OBJ_EXT_BIT, 24);
	ck_assert_int_eq(___GFP_LAST_BIT, 25);
	ck_assert_uint_eq(__GFP_BITS_MASK, 0x1ffffff);
}
END_TEST

START_TEST(test_composite_values)
{
	/* §3.2, added up by hand */
	ck_assert_uint_eq(__GFP_RECLAIM, 0xc00);
	ck_assert_uint_eq(GFP_ATOMIC, 0x820);
	ck_assert_uint_eq(GFP_KERNEL, 0xcc0);
	ck_assert_uint_eq(GFP_KERNEL_ACCOUNT, 0x400cc0);
	ck_assert_uint_eq(GFP_NOWAIT, 0x2800);
	ck_assert_uint_eq(GFP_NOIO, 0xc00);
	ck_assert_uint_eq(GFP_NOFS, 0xc40);
	ck_assert_uint_eq(GFP_USER, 0x100cc0);
	ck_assert_uint_eq(GFP_DMA, 0x1);
	ck_assert_uint_eq(GFP_DMA32, 0x4);
	ck_assert_uint_eq(GFP_HIGHUSER, 0x100cc2);
	ck_assert_uint_eq(GFP_HIGHUSER_MOVABLE, 0x100cca);
	ck_assert_uint_eq(GFP_TRANSHUGE_LIGHT, 0x1c20ca);
	ck_assert_uint_eq(GFP_TRANSHUGE, 0x1c24ca);
}
END_TEST

START_TEST(test_alloc_flag_values)
{
	ck_assert_uint_eq(ALLOC_WMARK_MIN, 0);
	ck_assert_uint_eq(ALLOC_WMARK_LOW, 1);
	ck_assert_uint_eq(ALLOC_WMARK_HIGH, 2);
	ck_assert_uint_eq(ALLOC_WMARK_MASK, 3);
	ck_assert_uint_eq(ALLOC_NO_WATERMARKS, 0x4);
	ck_assert_uint_eq(ALLOC_OOM, 0x8);
	ck_assert_uint_eq(ALLOC_NON_BLOCK, 0x10);
	ck_assert_uint_eq(ALLOC_MIN_RESERVE, 0x20);
	ck_assert_uint_eq(ALLOC_CPUSET, 0x40);
	ck_assert_uint_eq(ALLOC_CMA, 0x80);
	ck_assert_uint_eq(ALLOC_NOFRAGMENT, 0x100);
	ck_assert_uint_eq(ALLOC_HIGHATOMIC, 0x200);
	ck_assert_uint_eq(ALLOC_TRYLOCK, 0x400);
	ck_assert_uint_eq(ALLOC_KSWAPD, 0x800);
	ck_assert_uint_eq(ALLOC_RESERVES, 0x238);
	ck_assert_uint_eq(GFP_RESERVE_NONE, 0);
	ck_assert_uint_eq(GFP_RESERVE_NO_WATERMARKS, ALLOC_NO_WATERMARKS);
	ck_assert_uint_eq(GFP_RESERVE_OOM, ALLOC_OOM);
}
END_TEST

START_TEST(test_name_list)
{
	gfp_t v = UNTOUCHED;
	size_t n = gfp_nr_names();

	/* 13 composites + __GFP_RECLAIM + 23 named bits + 3 off + NO_OBJ_EXT */
	ck_assert_uint_eq(n, 41);
	ck_assert_str_eq(gfp_name_at(0, &v), "GFP_TRANSHUGE");
	ck_assert_uint_eq(v, 0x1c24ca);
	ck_assert_str_eq(gfp_name_at(6, &v), "GFP_KERNEL");
	ck_assert_uint_eq(v, 0xcc0);
	ck_assert_str_eq(gfp_name_at(13, &v), "__GFP_RECLAIM");
	ck_assert_str_eq(gfp_name_at(14, &v), "__GFP_DMA");
	ck_assert_uint_eq(v, 0x1);
	ck_assert_str_eq(gfp_name_at(23, &v), "__GFP_DIRECT_RECLAIM");
	ck_assert_str_eq(gfp_name_at(n - 1, &v), "__GFP_NO_OBJ_EXT");
	ck_assert_uint_eq(v, 0x1000000);
	ck_assert_str_eq(gfp_name_at(n - 2, &v), "__GFP_NOLOCKDEP");
	ck_assert_uint_eq(v, 0);
	v = UNTOUCHED;
	ck_assert_ptr_null(gfp_name_at(n, &v));
	ck_assert_uint_eq(v, UNTOUCHED);
	ck_assert_ptr_nonnull(gfp_name_at(0, NULL));

	for (size_t i = 0; i < n; i++) {
		gfp_t w = UNTOUCHED;
		const char *name = gfp_name_at(i, &v);

		ck_assert_msg(strlen(name) <= GFP_NAME_MAX, "%s too long", name);
		ck_assert_msg(gfp_lookup(name, strlen(name), &w), "%s not found", name);
		ck_assert_uint_eq(w, v);
		ck_assert_uint_eq(parse_ok(name), v);
		ck_assert_msg(strcmp(name, "__GFP_UNUSED") != 0, "bit 9 has no name");
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(gfp_name_at(j, NULL), name);
	}
	ck_assert(!gfp_lookup("GFP_KERNE", 9, &v));
	ck_assert(gfp_lookup("GFP_KERNELxxx", 10, NULL));	/* only @len bytes count */
	ck_assert(!gfp_lookup("none", 4, NULL));		/* a parse word, not a name */
}
END_TEST

/* ---- The real trace ---- */

static const struct {
	const char *s;
	int mt;
} trace_cases[] = {
	{ "GFP_ATOMIC", MIGRATE_UNMOVABLE },
	{ "GFP_ATOMIC|__GFP_NOWARN", MIGRATE_UNMOVABLE },
	{ "GFP_ATOMIC|__GFP_NOWARN|__GFP_NOMEMALLOC", MIGRATE_UNMOVABLE },
	{ "GFP_ATOMIC|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_ATOMIC|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC",
	  MIGRATE_UNMOVABLE },
	{ "GFP_ATOMIC|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP",
	  MIGRATE_RECLAIMABLE },
	{ "GFP_ATOMIC|__GFP_ZERO|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_ATOMIC|__GFP_ZERO|__GFP_NOWARN|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_COMP", MIGRATE_MOVABLE },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_COMP", MIGRATE_MOVABLE },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP", MIGRATE_MOVABLE },
	{ "GFP_HIGHUSER|__GFP_ACCOUNT", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL_ACCOUNT", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL_ACCOUNT|__GFP_RECLAIMABLE", MIGRATE_RECLAIMABLE },
	{ "GFP_KERNEL_ACCOUNT|__GFP_ZERO", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_NOWARN", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL|__GFP_NOWARN|__GFP_NOMEMALLOC", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP",
	  MIGRATE_RECLAIMABLE },
	{ "GFP_KERNEL|__GFP_ZERO", MIGRATE_UNMOVABLE },
	{ "GFP_KERNEL|__GFP_ZERO|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN"
	  "|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL",
	  MIGRATE_MOVABLE },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL",
	  MIGRATE_MOVABLE },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_ZERO|__GFP_HARDWALL", MIGRATE_MOVABLE },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_ZERO|__GFP_NOFAIL"
	  "|__GFP_HARDWALL|__GFP_ACCOUNT",
	  MIGRATE_MOVABLE },
	{ "GFP_NOFS|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP",
	  MIGRATE_RECLAIMABLE },
	{ "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY"
	  "|__GFP_COMP|__GFP_HARDWALL",
	  MIGRATE_RECLAIMABLE },
	{ "GFP_NOFS|__GFP_ZERO", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_ZERO|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_ZERO|__GFP_NOFAIL", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_ZERO|__GFP_NOFAIL|__GFP_ACCOUNT", MIGRATE_UNMOVABLE },
	{ "GFP_NOFS|__GFP_ZERO|__GFP_NOFAIL|__GFP_HARDWALL|__GFP_ACCOUNT",
	  MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT", MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_ACCOUNT", MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_COMP", MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_FS|__GFP_NORETRY|__GFP_NOMEMALLOC",
	  MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_IO|__GFP_FS|__GFP_NORETRY|__GFP_COMP",
	  MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC",
	  MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP|__GFP_THISNODE",
	  MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_NORETRY|__GFP_NOMEMALLOC", MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_RECLAIMABLE|__GFP_NORETRY|__GFP_COMP",
	  MIGRATE_RECLAIMABLE },
	{ "GFP_NOWAIT|__GFP_ZERO", MIGRATE_UNMOVABLE },
	{ "GFP_NOWAIT|__GFP_ZERO|__GFP_ACCOUNT", MIGRATE_UNMOVABLE },
	{ "__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP"
	  "|__GFP_NOMEMALLOC",
	  MIGRATE_UNMOVABLE },
	{ "__GFP_RECLAIMABLE|__GFP_IO|__GFP_FS|__GFP_NOWARN"
	  "|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC",
	  MIGRATE_RECLAIMABLE },
	{ "__GFP_RECLAIMABLE|__GFP_IO|__GFP_NOWARN|__GFP_NORETRY"
	  "|__GFP_COMP|__GFP_NOMEMALLOC",
	  MIGRATE_RECLAIMABLE },
};

START_TEST(test_trace_string)
{
	const char *s = trace_cases[_i].s;
	char buf[GFP_FORMAT_MAX];
	gfp_t v = parse_ok(s);

	ck_assert_str_eq(fmt(v, buf, sizeof(buf)), s);
	ck_assert_int_eq(gfp_migratetype(v), trace_cases[_i].mt);
	ck_assert_uint_eq(v & ~__GFP_BITS_MASK, 0);
}
END_TEST

START_TEST(test_trace_values)
{
	/* a few of the trace strings, added up by hand */
	ck_assert_uint_eq(parse_ok("GFP_KERNEL|__GFP_ZERO"), 0xdc0);
	ck_assert_uint_eq(parse_ok("GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP"), 0x440dc0);
	ck_assert_uint_eq(parse_ok("GFP_NOWAIT|__GFP_ZERO"), 0x2900);
	ck_assert_uint_eq(parse_ok("GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP"), 0x140dca);
	ck_assert_uint_eq(parse_ok("GFP_ATOMIC|__GFP_NOWARN|__GFP_NOMEMALLOC"), 0x82820);
	ck_assert_uint_eq(parse_ok("GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|"
				   "__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL"), 0x152c4a);
	ck_assert_uint_eq(parse_ok("GFP_NOWAIT|__GFP_IO|__GFP_FS|__GFP_NORETRY|__GFP_COMP"),
			  0x528c0);
	ck_assert_uint_eq(parse_ok("__GFP_RECLAIMABLE|__GFP_IO|__GFP_NOWARN|__GFP_NORETRY|"
				   "__GFP_COMP|__GFP_NOMEMALLOC"), 0xd2050);
}
END_TEST

/* ---- Printing ---- */

START_TEST(test_format_order)
{
	char b[GFP_FORMAT_MAX];

	ck_assert_str_eq(fmt(0, b, sizeof(b)), "none");
	ck_assert_str_eq(fmt(GFP_KERNEL, b, sizeof(b)), "GFP_KERNEL");
	ck_assert_str_eq(fmt(GFP_TRANSHUGE, b, sizeof(b)), "GFP_TRANSHUGE");
	ck_assert_str_eq(fmt(GFP_TRANSHUGE_LIGHT, b, sizeof(b)), "GFP_TRANSHUGE_LIGHT");
	/* the larger composite wins: ACCOUNT before KERNEL, USER before KERNEL */
	ck_assert_str_eq(fmt(GFP_KERNEL | __GFP_ACCOUNT, b, sizeof(b)), "GFP_KERNEL_ACCOUNT");
	ck_assert_str_eq(fmt(GFP_KERNEL | __GFP_HARDWALL, b, sizeof(b)), "GFP_USER");
	/* ATOMIC is tried before NOWAIT, so the NOWARN bit is left on its own */
	ck_assert_str_eq(fmt(0x2820, b, sizeof(b)), "GFP_ATOMIC|__GFP_NOWARN");
	/* NOIO comes before __GFP_RECLAIM, which therefore never prints */
	ck_assert_str_eq(fmt(__GFP_RECLAIM, b, sizeof(b)), "GFP_NOIO");
	ck_assert_str_eq(fmt(__GFP_DMA, b, sizeof(b)), "GFP_DMA");
	ck_assert_str_eq(fmt(__GFP_DMA32 | __GFP_MOVABLE, b, sizeof(b)),
			 "GFP_DMA32|__GFP_MOVABLE");
	ck_assert_str_eq(fmt(__GFP_DIRECT_RECLAIM, b, sizeof(b)), "__GFP_DIRECT_RECLAIM");
	ck_assert_str_eq(fmt(__GFP_KSWAPD_RECLAIM, b, sizeof(b)), "__GFP_KSWAPD_RECLAIM");
	/* ... and ATOMIC before NOIO: it takes KSWAPD, so NOIO no longer fits */
	ck_assert_str_eq(fmt(__GFP_KSWAPD_RECLAIM | __GFP_HIGH | __GFP_DIRECT_RECLAIM, b, sizeof(b)),
			 "GFP_ATOMIC|__GFP_DIRECT_RECLAIM");
	/* single bits in bit order after the composites */
	ck_assert_str_eq(fmt(__GFP_ZEROTAGS | __GFP_MEMALLOC | __GFP_WRITE | __GFP_RETRY_MAYFAIL,
			     b, sizeof(b)),
			 "__GFP_WRITE|__GFP_RETRY_MAYFAIL|__GFP_MEMALLOC|__GFP_ZEROTAGS");
}
END_TEST

START_TEST(test_format_leftover)
{
	char b[GFP_FORMAT_MAX];

	/* bits without a tracepoint name print as hex, after the names */
	ck_assert_str_eq(fmt(0x200, b, sizeof(b)), "0x200");
	ck_assert_str_eq(fmt(GFP_KERNEL | 0x200, b, sizeof(b)), "GFP_KERNEL|0x200");
	ck_assert_str_eq(fmt(GFP_KERNEL | __GFP_NO_OBJ_EXT, b, sizeof(b)),
			 "GFP_KERNEL|0x1000000");
	ck_assert_str_eq(fmt(0x80000000u | 0x200 | __GFP_ZERO, b, sizeof(b)),
			 "__GFP_ZERO|0x80000200");
	ck_assert_uint_eq(parse_ok("GFP_KERNEL|0x1000000"), 0x1000cc0);
	ck_assert_uint_eq(parse_ok("__GFP_NO_OBJ_EXT"), 0x1000000);
}
END_TEST

START_TEST(test_format_truncation)
{
	char b[8];
	const char *full = "GFP_KERNEL|__GFP_ZERO";

	memset(b, 'X', sizeof(b));
	ck_assert_uint_eq(gfp_format(0xdc0, b, sizeof(b)), strlen(full));
	ck_assert_str_eq(b, "GFP_KER");
	ck_assert_uint_eq(gfp_format(0xdc0, NULL, 0), strlen(full));
	memset(b, 'X', sizeof(b));
	ck_assert_uint_eq(gfp_format(0xdc0, b, 1), strlen(full));
	ck_assert_str_eq(b, "");
	ck_assert_uint_eq(gfp_format(0, b, 5), 4);
	ck_assert_str_eq(b, "none");
	ck_assert_uint_eq(gfp_format(0, b, 4), 4);
	ck_assert_str_eq(b, "non");
}
END_TEST

START_TEST(test_format_max)
{
	/*
	 * All bits: TRANSHUGE takes IO, FS and DIRECT_RECLAIM, so no other
	 * reclaiming composite fits; ATOMIC (HIGH|KSWAPD) still does, NOWAIT
	 * (its NOWARN is gone) does not.  Left over: bit 9, NO_OBJ_EXT (24)
	 * and 25-31.  An upper bound on any output: the sum of all names.
	 */
	char b[GFP_FORMAT_MAX];
	size_t n = gfp_format(0xffffffffu, b, sizeof(b)), bound = 0;

	ck_assert_str_eq(b, "GFP_TRANSHUGE|GFP_ATOMIC|GFP_DMA|GFP_DMA32|"
			 "__GFP_RECLAIMABLE|__GFP_ZERO|__GFP_WRITE|__GFP_RETRY_MAYFAIL|"
			 "__GFP_NOFAIL|__GFP_NORETRY|__GFP_MEMALLOC|__GFP_THISNODE|"
			 "__GFP_ACCOUNT|__GFP_ZEROTAGS|0xff000200");
	ck_assert_uint_eq(n, strlen(b));
	/* the longest output of all (an exhaustive search over bits 0-23) */
	n = gfp_format(0xfff57fu | 0xff000200u, b, sizeof(b));
	ck_assert_uint_eq(n, 300);
	ck_assert_str_eq(b + 280, "_ZEROTAGS|0xff000200");
	for (size_t i = 0; i < gfp_nr_names(); i++)
		bound += strlen(gfp_name_at(i, NULL)) + 1;
	bound += strlen("0xffffffff") + 1;
	ck_assert_uint_lt(bound, GFP_FORMAT_MAX);
}
END_TEST

START_TEST(test_roundtrip_values)
{
	/* parse(format(v)) == v for a deterministic spread of 32-bit masks */
	char b[GFP_FORMAT_MAX];
	uint32_t x = 12345;

	for (int i = 0; i < 20000; i++) {
		gfp_t v;

		x = x * 1103515245u + 12345u;
		v = (i & 1) ? (x & __GFP_BITS_MASK) : x;
		if (i % 3 == 0)
			v &= 0x3fff;	/* keep composites likely */
		gfp_format(v, b, sizeof(b));
		ck_assert_msg(parse_ok(b) == v, "0x%x -> '%s'", (unsigned)v, b);
	}
}
END_TEST

/* ---- Parsing ---- */

START_TEST(test_parse_numbers)
{
	char err[128];

	ck_assert_uint_eq(parse_ok("0xcc0"), 0xcc0);
	ck_assert_uint_eq(parse_ok("0XCC0"), 0xcc0);
	ck_assert_uint_eq(parse_ok("3264"), 0xcc0);
	ck_assert_uint_eq(parse_ok("0"), 0);
	ck_assert_uint_eq(parse_ok("0x0"), 0);
	ck_assert_uint_eq(parse_ok("010"), 10);		/* no octal */
	ck_assert_uint_eq(parse_ok("4294967295"), 0xffffffffu);
	ck_assert_uint_eq(parse_ok("0xffffffff"), 0xffffffffu);
	ck_assert_uint_eq(parse_ok("GFP_KERNEL|0x100|__GFP_COMP"), 0x40dc0);
	ck_assert_uint_eq(parse_ok("256|GFP_KERNEL"), 0xdc0);
	ck_assert_str_eq(parse_bad("4294967296", err, sizeof(err)),
			 "GFP value '4294967296' does not fit in 32 bits");
	ck_assert_str_eq(parse_bad("0x100000000", err, sizeof(err)),
			 "GFP value '0x100000000' does not fit in 32 bits");
	ck_assert_str_eq(parse_bad("GFP_KERNEL|12abc", err, sizeof(err)),
			 "bad number '12abc' in GFP flags");
	ck_assert_str_eq(parse_bad("0x", err, sizeof(err)), "bad number '0x' in GFP flags");
	ck_assert_str_eq(parse_bad("0xg", err, sizeof(err)), "bad number '0xg' in GFP flags");
}
END_TEST

START_TEST(test_parse_whitespace_and_none)
{
	char err[128];

	ck_assert_uint_eq(parse_ok("GFP_KERNEL | __GFP_ZERO"), 0xdc0);
	ck_assert_uint_eq(parse_ok("  GFP_KERNEL|__GFP_ZERO  "), 0xdc0);
	ck_assert_uint_eq(parse_ok("\tGFP_KERNEL\t|\t0x100\n"), 0xdc0);
	ck_assert_uint_eq(parse_ok("none"), 0);
	ck_assert_uint_eq(parse_ok(" none "), 0);
	ck_assert_uint_eq(parse_ok("none|GFP_KERNEL"), 0xcc0);
	ck_assert_str_eq(parse_bad("NONE", err, sizeof(err)),
			 "unknown GFP flag 'NONE' (did you mean none?)");
	/* blanks inside a name are not allowed */
	parse_bad("GFP_ KERNEL", err, sizeof(err));
}
END_TEST

START_TEST(test_parse_len)
{
	const char *s = "GFP_KERNEL|__GFP_ZERO";
	gfp_t v = UNTOUCHED;
	char err[64];

	/* only @len bytes are read: no NUL needed */
	ck_assert_int_eq(gfp_parse(s, 10, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, GFP_KERNEL);
	ck_assert_int_eq(gfp_parse(s, 11, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "empty item in GFP flags 'GFP_KERNEL|'");
	/* an embedded NUL is just a bad character */
	ck_assert_int_eq(gfp_parse("GFP_KERNEL\0x", 12, &v, NULL, 0), -1);
	ck_assert_uint_eq(v, GFP_KERNEL);
}
END_TEST

START_TEST(test_parse_empty)
{
	char err[128];

	ck_assert_str_eq(parse_bad("", err, sizeof(err)), "empty GFP flags");
	ck_assert_str_eq(parse_bad("   ", err, sizeof(err)), "empty GFP flags");
	ck_assert_str_eq(parse_bad("GFP_KERNEL|", err, sizeof(err)),
			 "empty item in GFP flags 'GFP_KERNEL|'");
	ck_assert_str_eq(parse_bad("|GFP_KERNEL", err, sizeof(err)),
			 "empty item in GFP flags '|GFP_KERNEL'");
	ck_assert_str_eq(parse_bad("GFP_KERNEL| |__GFP_ZERO", err, sizeof(err)),
			 "empty item in GFP flags 'GFP_KERNEL| |__GFP_ZERO'");
	ck_assert_str_eq(parse_bad("|", err, sizeof(err)), "empty item in GFP flags '|'");
	{
		gfp_t v = UNTOUCHED;

		ck_assert_int_eq(gfp_parse(NULL, 0, &v, err, sizeof(err)), -1);
		ck_assert_uint_eq(v, UNTOUCHED);
	}
}
END_TEST

START_TEST(test_parse_unknown)
{
	char err[256];

	ck_assert_str_eq(parse_bad("GFP_KERNL", err, sizeof(err)),
			 "unknown GFP flag 'GFP_KERNL' (did you mean GFP_KERNEL, GFP_KERNEL_ACCOUNT?)");
	ck_assert_str_eq(parse_bad("GFP_KERNEL|__GFP_ZER0", err, sizeof(err)),
			 "unknown GFP flag '__GFP_ZER0' (did you mean __GFP_ZERO, __GFP_ZEROTAGS?)");
	/* names are case-sensitive, but the suggestion forgives case */
	ck_assert_str_eq(parse_bad("gfp_kernel", err, sizeof(err)),
			 "unknown GFP flag 'gfp_kernel' (did you mean GFP_KERNEL, GFP_KERNEL_ACCOUNT?)");
	/* a missing prefix is one edit */
	ck_assert_str_eq(parse_bad("ZERO", err, sizeof(err)),
			 "unknown GFP flag 'ZERO' (did you mean __GFP_ZERO, __GFP_ZEROTAGS?)");
	/* __GFP_ATOMIC was removed in 6.3 */
	ck_assert_str_eq(parse_bad("__GFP_ATOMIC", err, sizeof(err)),
			 "unknown GFP flag '__GFP_ATOMIC' (did you mean GFP_ATOMIC?)");
	/* at most three suggestions, best first */
	ck_assert_str_eq(parse_bad("GFP_NO", err, sizeof(err)),
			 "unknown GFP flag 'GFP_NO' (did you mean GFP_NOFS, GFP_NOIO, GFP_NOWAIT?)");
	/* nothing close: no suggestion at all */
	ck_assert_str_eq(parse_bad("xyzzy", err, sizeof(err)), "unknown GFP flag 'xyzzy'");
	ck_assert_str_eq(parse_bad("-1", err, sizeof(err)), "unknown GFP flag '-1'");
}
END_TEST

START_TEST(test_parse_error_buffers)
{
	char err[16], big[256];
	char tok[201];
	gfp_t v = UNTOUCHED;

	/* a short buffer gets a truncated, terminated message */
	memset(err, 'X', sizeof(err));
	parse_bad("GFP_KERNL", err, sizeof(err));
	ck_assert_str_eq(err, "unknown GFP fla");
	/* no buffer at all */
	ck_assert_int_eq(gfp_parse("GFP_KERNL", 9, &v, NULL, 0), -1);
	ck_assert_int_eq(gfp_parse("", 0, &v, NULL, 0), -1);
	ck_assert_uint_eq(v, UNTOUCHED);
	/* a huge token is quoted in part */
	memset(tok, 'A', 200);
	tok[200] = '\0';
	parse_bad(tok, big, sizeof(big));
	ck_assert_uint_eq(strlen(big), strlen("unknown GFP flag ''...") + 64);
	ck_assert_ptr_nonnull(strstr(big, "AAA...'"));
}
END_TEST

/* ---- What a mask means ---- */

START_TEST(test_zone)
{
	/* §1.8, every combination of DMA(1) HIGHMEM(2) DMA32(4) MOVABLE(8) */
	static const int want[16] = {
		[0x0] = ZONE_NORMAL,  [0x1] = ZONE_DMA,   [0x2] = ZONE_NORMAL, [0x3] = -1,
		[0x4] = ZONE_DMA32,   [0x5] = -1,         [0x6] = -1,          [0x7] = -1,
		[0x8] = ZONE_NORMAL,  [0x9] = ZONE_DMA,   [0xa] = ZONE_MOVABLE, [0xb] = -1,
		[0xc] = ZONE_DMA32,   [0xd] = -1,         [0xe] = -1,          [0xf] = -1,
	};

	for (gfp_t z = 0; z < 16; z++) {
		ck_assert_msg(gfp_zone(z) == want[z], "zone bits 0x%x", (unsigned)z);
		/* other bits do not matter */
		ck_assert_int_eq(gfp_zone(z | GFP_KERNEL | __GFP_COMP | __GFP_NO_OBJ_EXT), want[z]);
	}
	ck_assert_int_eq(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	ck_assert_int_eq(gfp_zone(GFP_USER), ZONE_NORMAL);
	ck_assert_int_eq(gfp_zone(GFP_HIGHUSER), ZONE_NORMAL);
	ck_assert_int_eq(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	ck_assert_int_eq(gfp_zone(GFP_TRANSHUGE), ZONE_MOVABLE);
	ck_assert_int_eq(gfp_zone(GFP_KERNEL | GFP_DMA), ZONE_DMA);
	ck_assert_int_eq(gfp_zone(GFP_KERNEL | GFP_DMA32), ZONE_DMA32);
	ck_assert_int_eq(gfp_zone(GFP_KERNEL | __GFP_MOVABLE), ZONE_NORMAL);
	ck_assert_int_eq(gfp_zone(GFP_DMA | GFP_DMA32), -1);
	ck_assert_int_eq(gfp_zone(GFP_HIGHUSER_MOVABLE | GFP_DMA32), -1);
}
END_TEST

START_TEST(test_migratetype)
{
	ck_assert_int_eq(gfp_migratetype(0), MIGRATE_UNMOVABLE);
	ck_assert_int_eq(gfp_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	ck_assert_int_eq(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	ck_assert_int_eq(gfp_migratetype(__GFP_MOVABLE), MIGRATE_MOVABLE);
	ck_assert_int_eq(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	ck_assert_int_eq(gfp_migratetype(__GFP_MOVABLE | __GFP_RECLAIMABLE), -1);
	ck_assert_int_eq(gfp_migratetype(GFP_TRANSHUGE | __GFP_RECLAIMABLE), -1);
}
END_TEST

START_TEST(test_blocking_and_context)
{
	ck_assert(gfp_allows_blocking(GFP_KERNEL));
	ck_assert(gfp_allows_blocking(GFP_NOIO));
	ck_assert(gfp_allows_blocking(GFP_TRANSHUGE));
	ck_assert(!gfp_allows_blocking(GFP_ATOMIC));
	ck_assert(!gfp_allows_blocking(GFP_NOWAIT));
	ck_assert(!gfp_allows_blocking(GFP_TRANSHUGE_LIGHT));
	ck_assert(!gfp_allows_blocking(__GFP_KSWAPD_RECLAIM));
	ck_assert(gfp_compaction_allowed(GFP_KERNEL));
	ck_assert(gfp_compaction_allowed(GFP_NOFS));
	ck_assert(!gfp_compaction_allowed(GFP_NOIO));

	ck_assert_uint_eq(gfp_current_context(GFP_KERNEL, false, false), GFP_KERNEL);
	ck_assert_uint_eq(gfp_current_context(GFP_KERNEL, true, false), GFP_NOIO);
	ck_assert_uint_eq(gfp_current_context(GFP_KERNEL, false, true), GFP_NOFS);
	ck_assert_uint_eq(gfp_current_context(GFP_KERNEL, true, true), GFP_NOIO);
	ck_assert_uint_eq(gfp_current_context(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, true, false),
			  0x100d0a);	/* IO and FS gone, MOVABLE kept */
	ck_assert_uint_eq(gfp_current_context(GFP_ATOMIC, true, true), GFP_ATOMIC);
}
END_TEST

START_TEST(test_alloc_flags)
{
	/* §3.3 by hand: MIN(0) | CPUSET(0x40) | HIGH->MIN_RESERVE(0x20) |
	 * KSWAPD(0x800); no direct reclaim adds NON_BLOCK(0x10), and for
	 * __GFP_HIGH drops CPUSET and (order > 0) adds HIGHATOMIC(0x200) */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_KERNEL, 0, false), 0x840);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_KERNEL, 3, false), 0x840);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_KERNEL, 0, true), 0x860);	/* RT task */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_ATOMIC, 0, false), 0x830);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_ATOMIC, 2, false), 0xa30);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_ATOMIC, 2, true), 0xa30);	/* RT: no change */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_NOWAIT, 0, false), 0x850);
	/* highatomic only for __GFP_HIGH: NOWAIT at order 2 does not get it */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_NOWAIT, 2, false), 0x850);
	/* NOMEMALLOC: no NON_BLOCK, no HIGHATOMIC, but cpuset still ignored */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_ATOMIC | __GFP_NOMEMALLOC, 0, false), 0x820);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_ATOMIC | __GFP_NOMEMALLOC, 2, false), 0x820);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_NOWAIT | __GFP_NOMEMALLOC, 0, false), 0x840);
	/* __GFP_HIGH that may reclaim: MIN_RESERVE, keeps CPUSET, no NON_BLOCK */
	ck_assert_uint_eq(gfp_to_alloc_flags(__GFP_HIGH | __GFP_DIRECT_RECLAIM, 0, false), 0x60);
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_KERNEL | __GFP_HIGH, 2, false), 0x860);
	/* no kswapd bit, no direct reclaim (THP fault) */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_TRANSHUGE_LIGHT, 9, false), 0x40);
	/* movable: no ALLOC_CMA without CONFIG_CMA */
	ck_assert_uint_eq(gfp_to_alloc_flags(GFP_HIGHUSER_MOVABLE, 0, false), 0x840);
	ck_assert_uint_eq(gfp_to_alloc_flags(0, 0, false), 0x50);
}
END_TEST

START_TEST(test_pfmemalloc)
{
	/* (gfp, pf_memalloc, in_interrupt, in_serving_softirq, oom_victim) */
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_KERNEL, false, false, false, false), 0);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_KERNEL | __GFP_MEMALLOC, false, false, false,
					       false), ALLOC_NO_WATERMARKS);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_ATOMIC | __GFP_MEMALLOC, false, true, false,
					       false), ALLOC_NO_WATERMARKS);
	/* NOMEMALLOC beats MEMALLOC, PF_MEMALLOC and OOM victims */
	ck_assert_uint_eq(gfp_pfmemalloc_flags(__GFP_MEMALLOC | __GFP_NOMEMALLOC, true, false,
					       false, true), 0);
	/* PF_MEMALLOC: task context yes, hard interrupt no, serving softirq yes */
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_KERNEL, true, false, false, false),
			  ALLOC_NO_WATERMARKS);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_ATOMIC, true, true, false, false), 0);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_ATOMIC, true, true, true, false),
			  ALLOC_NO_WATERMARKS);
	/* OOM victim: ALLOC_OOM in task context only; PF_MEMALLOC wins */
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_KERNEL, false, false, false, true), ALLOC_OOM);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_ATOMIC, false, true, false, true), 0);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_ATOMIC, false, true, true, true), 0);
	ck_assert_uint_eq(gfp_pfmemalloc_flags(GFP_KERNEL, true, false, false, true),
			  ALLOC_NO_WATERMARKS);
}
END_TEST

START_TEST(test_reserve_alloc_flags)
{
	/* reserve replaces everything but ALLOC_KSWAPD */
	ck_assert_uint_eq(gfp_reserve_alloc_flags(0xa30, ALLOC_NO_WATERMARKS), 0x804);
	ck_assert_uint_eq(gfp_reserve_alloc_flags(0x840, ALLOC_OOM), 0x808);
	ck_assert_uint_eq(gfp_reserve_alloc_flags(0x40, ALLOC_OOM), 0x8);
	ck_assert_uint_eq(gfp_reserve_alloc_flags(0x860, 0), 0x860);
}
END_TEST

static Suite *gfp_suite(void)
{
	Suite *s = suite_create("gfp");
	TCase *tc;

	tc = tcase_create("values");
	tcase_add_test(tc, test_bit_values);
	tcase_add_test(tc, test_composite_values);
	tcase_add_test(tc, test_alloc_flag_values);
	tcase_add_test(tc, test_name_list);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_loop_test(tc, test_trace_string, 0, (int)(sizeof(trace_cases) /
							     sizeof(trace_cases[0])));
	tcase_add_test(tc, test_trace_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_format_order);
	tcase_add_test(tc, test_format_leftover);
	tcase_add_test(tc, test_format_truncation);
	tcase_add_test(tc, test_format_max);
	tcase_add_test(tc, test_roundtrip_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_numbers);
	tcase_add_test(tc, test_parse_whitespace_and_none);
	tcase_add_test(tc, test_parse_len);
	tcase_add_test(tc, test_parse_empty);
	tcase_add_test(tc, test_parse_unknown);
	tcase_add_test(tc, test_parse_error_buffers);
	suite_add_tcase(s, tc);

	tc = tcase_create("semantics");
	tcase_add_test(tc, test_zone);
	tcase_add_test(tc, test_migratetype);
	tcase_add_test(tc, test_blocking_and_context);
	tcase_add_test(tc, test_alloc_flags);
	tcase_add_test(tc, test_pfmemalloc);
	tcase_add_test(tc, test_reserve_alloc_flags);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(gfp_suite());
	int failures;

	srunner_run_all(sr, CK_ENV);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}

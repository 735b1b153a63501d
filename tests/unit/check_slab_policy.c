/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slab_policy.c - one conformance suite, run over every slab policy
 *
 * Each test is a loop test over the policies built into slab_policies[]
 * (found by asking slab_ops_lookup() about every name kmemsim knows), so a
 * policy joins the suite by being registered.  What is checked is what the
 * kernel's API promises whatever the allocator: the semantics of
 * kmem_cache_* and kmalloc & co., one bug report per simulated-kernel bug
 * with the state left usable, alignment, __GFP_ZERO, ksize, krealloc,
 * the books (objects and pages add up, everything returns to the buddy
 * allocator) and deterministic addresses.  Nothing here knows a policy's
 * layout; check_slub.c, check_slab.c and check_slob.c do.
 *
 * kmemsim models no object contents (no backing store), so "krealloc
 * keeps the contents" is checked by what can be seen: an object that
 * still fits keeps its address, one that does not is a new live object of
 * at least the new size and the old one is freed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "slab.h"
#include "testutil.h"

/* ---- The policies ---- */

#define MAX_POLICIES 8

static const char *policies[MAX_POLICIES];
static int nr_policies;

static void find_policies(void)
{
	const char *name;

	for (size_t i = 0; (name = sim_policy_name(i)) != NULL; i++)
		if (slab_ops_lookup(name) && nr_policies < MAX_POLICIES)
			policies[nr_policies++] = name;
}

/* ---- Fixtures ---- */

static struct sim *mk_seed(int i, bool pcp, uint64_t seed)
{
	struct sim_config cfg;

	ck_assert_int_lt(i, nr_policies);
	sim_config_init(&cfg);
	cfg.cpus = 2;
	cfg.policy = policies[i];
	cfg.pcp = pcp;
	cfg.seed = seed;
	return tu_sim_cfg(&cfg);
}

static struct sim *mk(int i)
{
	return mk_seed(i, true, 1);
}

static struct kmem_cache *mkcache(struct sim *sim, const char *name, unsigned size,
				  unsigned align, slab_flags_t flags)
{
	struct kmem_cache_args a = { .align = align };
	struct kmem_cache *s = kmem_cache_create(sim, name, size, &a, flags);

	ck_assert_msg(s != NULL, "%s: create %s: %s", sim_get_config(sim)->policy,
		      name, sim_last_reason(sim));
	return s;
}

static sim_addr_t xalloc(struct sim *sim, struct kmem_cache *s, gfp_t gfp)
{
	sim_addr_t a = kmem_cache_alloc(sim, s, gfp);

	ck_assert_msg(a != SIM_ADDR_NONE, "%s: alloc %s: %s", sim_get_config(sim)->policy,
		      s->name, sim_last_reason(sim));
	return a;
}

static sim_addr_t xkmalloc(struct sim *sim, size_t size, gfp_t gfp)
{
	sim_addr_t a = kmalloc(sim, size, gfp);

	ck_assert_msg(a != SIM_ADDR_NONE, "%s: kmalloc(%zu): %s",
		      sim_get_config(sim)->policy, size, sim_last_reason(sim));
	return a;
}

static uint64_t stat(const struct sim *sim, const char *name)
{
	for (size_t i = 0; i < sim_stat_count(); i++)
		if (strcmp(sim_stat_name(i), name) == 0)
			return sim_stat_value(sim, i);
	ck_abort_msg("no counter %s", name);
	return 0;
}

/* free pages: buddy lists plus per-CPU lists, all zones */
static uint64_t free_pages(const struct sim *sim)
{
	uint64_t n = 0;

	for (size_t i = 0; i < sim_zone_count(sim); i++) {
		struct sim_zone_info z;

		ck_assert_int_eq(sim_zone_info(sim, i, &z), SIM_OK);
		n += z.free + z.pcp_pages;
	}
	return n;
}

/* pages of all zones used as @use ("slab", "kmalloc_large", ...) */
static uint64_t pages_used_as(const struct sim *sim, const char *use)
{
	size_t u = 0;
	const char *name;
	uint64_t n = 0;

	while ((name = sim_page_use_name(u)) != NULL && strcmp(name, use) != 0)
		u++;
	ck_assert_ptr_nonnull(name);
	for (size_t i = 0; i < sim_zone_count(sim); i++) {
		struct sim_zone_info z;

		ck_assert_int_eq(sim_zone_info(sim, i, &z), SIM_OK);
		n += z.pages_by_use[u];
	}
	return n;
}

/* exactly one new bug report, of @kind */
static void one_bug(const struct sim *sim, size_t before, enum sim_bug_kind kind)
{
	ck_assert_msg(sim_nr_bugs(sim) == before + 1, "%s: %zu reports, want 1",
		      sim_get_config(sim)->policy, sim_nr_bugs(sim) - before);
	ck_assert_msg(sim_bug_at(sim, before)->kind == kind, "%s: report %s, want %s",
		      sim_get_config(sim)->policy,
		      sim_bug_kind_name(sim_bug_at(sim, before)->kind),
		      sim_bug_kind_name(kind));
}

static int cmp_addr(const void *a, const void *b)
{
	sim_addr_t x = *(const sim_addr_t *)a, y = *(const sim_addr_t *)b;

	return x < y ? -1 : x > y;
}

/* every address distinct */
static void distinct(sim_addr_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_addr);
	for (size_t i = 1; i < n; i++)
		ck_assert_msg(v[i] != v[i - 1], "address 0x%llx handed out twice",
			      (unsigned long long)v[i]);
}

/* shrink every cache (kmalloc caches too): what can go back, goes back */
static void shrink_all(struct sim *sim)
{
	for (size_t i = 0; i < slab_nr_caches(sim); i++)
		kmem_cache_shrink(sim, slab_cache_at(sim, i));
}

/* ---- kmem_cache_* ---- */

START_TEST(test_cache_api)
{
	struct sim *sim = mk(_i);
	struct kmem_cache *s = mkcache(sim, "conf_obj", 100, 0, 0);
	sim_addr_t v[300], bulk[16];

	ck_assert_str_eq(kmem_cache_name(s), "conf_obj");
	ck_assert_uint_eq(kmem_cache_size(s), 100);
	for (int i = 0; i < 300; i++) {
		v[i] = xalloc(sim, s, i % 3 ? GFP_KERNEL : GFP_KERNEL | __GFP_ZERO);
		ck_assert_uint_eq(v[i] % 8, 0);	/* ARCH_SLAB_MINALIGN */
	}
	ck_assert_uint_eq(s->acct.live, 300);
	ck_assert_uint_eq(s->acct.allocs, 300);
	ck_assert_uint_eq(s->acct.req_bytes, 300 * 100);
	ck_assert(slab_validate(sim));
	/* bulk: all or nothing */
	ck_assert_uint_eq(kmem_cache_alloc_bulk(sim, s, GFP_KERNEL, 16, bulk), 16);
	ck_assert_uint_eq(s->acct.live, 316);
	kmem_cache_free_bulk(sim, s, 16, bulk);
	ck_assert_uint_eq(s->acct.live, 300);
	{
		sim_addr_t w[300];

		memcpy(w, v, sizeof w);
		distinct(w, 300);
	}
	for (int i = 0; i < 300; i += 2)
		ck_assert_int_eq(kmem_cache_free(sim, s, v[i]), SIM_OK);
	ck_assert_uint_eq(s->acct.live, 150);
	(void)kmem_cache_shrink(sim, s);	/* any number of pages, objects stay */
	ck_assert_uint_eq(s->acct.live, 150);
	for (int i = 0; i < 300; i += 2)
		v[i] = xalloc(sim, s, GFP_KERNEL);
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(kmem_cache_free(sim, s, v[i]), SIM_OK);
	ck_assert_uint_eq(s->acct.live, 0);
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- kmalloc & co. ---- */

START_TEST(test_kmalloc_api)
{
	struct sim *sim = mk(_i);
	sim_addr_t keep[64];
	size_t nkeep = 0;

	/* size 0: ZERO_SIZE_PTR; kfree of it and of NULL is a no-op */
	ck_assert_uint_eq(kmalloc(sim, 0, GFP_KERNEL), SIM_ZERO_SIZE_PTR);
	ck_assert_uint_eq(ksize(sim, SIM_ZERO_SIZE_PTR), 0);
	ck_assert_int_eq(kfree(sim, SIM_ZERO_SIZE_PTR), SIM_OK);
	ck_assert_int_eq(kfree(sim, 0), SIM_OK);

	/* ksize >= requested for every small size and many large ones */
	for (size_t size = 1; size <= 20000; size += size < 1024 ? 1 : size < 9000 ? 13 : 997) {
		sim_addr_t a = xkmalloc(sim, size, GFP_KERNEL);

		ck_assert_msg(ksize(sim, a) >= size, "%s: ksize(kmalloc(%zu)) = %zu",
			      policies[_i], size, ksize(sim, a));
		if (size % 61 == 0 && nkeep < 64)
			keep[nkeep++] = a;	/* keep some to vary the layout */
		else
			ck_assert_int_eq(kfree(sim, a), SIM_OK);
	}
	{
		/* the boundaries of every policy's paths */
		static const size_t edge[] = { 4087, 4088, 4095, 4096, 4097, 8191, 8192, 8193,
					       KMALLOC_MAX_SIZE };

		for (size_t k = 0; k < ARRAY_SIZE(edge); k++) {
			sim_addr_t a = xkmalloc(sim, edge[k], GFP_KERNEL);

			ck_assert(ksize(sim, a) >= edge[k]);
			ck_assert_int_eq(kfree(sim, a), SIM_OK);
			ck_assert_uint_eq(ksize(sim, a), 0);
		}
	}
	/* kzalloc, kcalloc, kmalloc_array */
	{
		sim_addr_t z = xkmalloc(sim, 100, GFP_KERNEL | __GFP_ZERO);
		sim_addr_t c = kmalloc_array(sim, 10, 30, GFP_KERNEL | __GFP_ZERO);

		ck_assert(ksize(sim, z) >= 100);
		ck_assert(c != SIM_ADDR_NONE && ksize(sim, c) >= 300);
		ck_assert_int_eq(kfree(sim, z), SIM_OK);
		ck_assert_int_eq(kfree(sim, c), SIM_OK);
	}
	/* failures: overflow and above KMALLOC_MAX_SIZE, nothing changed */
	{
		uint64_t free0 = free_pages(sim);

		ck_assert_uint_eq(kmalloc_array(sim, SIZE_MAX / 2, 16, GFP_KERNEL), SIM_ADDR_NONE);
		ck_assert_uint_eq(kmalloc(sim, KMALLOC_MAX_SIZE + 1, GFP_KERNEL), SIM_ADDR_NONE);
		ck_assert_uint_eq(free_pages(sim), free0);
	}
	for (size_t k = 0; k < nkeep; k++)
		ck_assert_int_eq(kfree(sim, keep[k]), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_krealloc)
{
	struct sim *sim = mk(_i);
	sim_addr_t p, q, r;
	size_t ks;

	p = xkmalloc(sim, 100, GFP_KERNEL);
	ks = ksize(sim, p);
	ck_assert(ks >= 100);
	/* shrinking, or growing within ksize, keeps the object in place */
	q = krealloc(sim, p, 50, GFP_KERNEL);
	ck_assert_uint_eq(q, p);
	ck_assert_uint_eq(ksize(sim, p), ks);
	q = krealloc(sim, p, ks, GFP_KERNEL);
	ck_assert_uint_eq(q, p);
	/* growing past ksize: a new object, the old one freed */
	r = krealloc(sim, p, ks + 1, GFP_KERNEL | __GFP_ZERO);
	ck_assert(r != SIM_ADDR_NONE && r != p);
	ck_assert(ksize(sim, r) >= ks + 1);
	ck_assert_uint_eq(ksize(sim, p), 0);
	/* size 0 frees and gives ZERO_SIZE_PTR; NULL and ZERO_SIZE_PTR allocate */
	ck_assert_uint_eq(krealloc(sim, r, 0, GFP_KERNEL), SIM_ZERO_SIZE_PTR);
	ck_assert_uint_eq(ksize(sim, r), 0);
	p = krealloc(sim, SIM_ZERO_SIZE_PTR, 40, GFP_KERNEL);
	ck_assert(p != SIM_ADDR_NONE && ksize(sim, p) >= 40);
	q = krealloc(sim, 0, 40, GFP_KERNEL);
	ck_assert(q != SIM_ADDR_NONE && q != p);
	/* large kmalloc: in place while the pages hold it */
	r = xkmalloc(sim, 10000, GFP_KERNEL);
	ck_assert_uint_eq(krealloc(sim, r, 9000, GFP_KERNEL), r);
	{
		sim_addr_t n = krealloc(sim, r, 40000, GFP_KERNEL);

		ck_assert(n != SIM_ADDR_NONE && n != r);
		ck_assert(ksize(sim, n) >= 40000);
		r = n;
	}
	/* a failed krealloc leaves the object alone */
	ck_assert_uint_eq(krealloc(sim, p, KMALLOC_MAX_SIZE + 1, GFP_KERNEL), SIM_ADDR_NONE);
	ck_assert(ksize(sim, p) >= 40);
	ck_assert_int_eq(kfree(sim, p), SIM_OK);
	ck_assert_int_eq(kfree(sim, q), SIM_OK);
	ck_assert_int_eq(kfree(sim, r), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Simulated-kernel bugs: one report each, the state usable ---- */

START_TEST(test_bug_reports)
{
	struct sim *sim = mk(_i);
	struct kmem_cache *a = mkcache(sim, "conf_a", 64, 0, SLAB_NO_MERGE);
	struct kmem_cache *b = mkcache(sim, "conf_b", 200, 0, SLAB_NO_MERGE);
	sim_addr_t x, y, pin_a, pin_k;
	size_t n;
	pfn_t pfn;

	/*
	 * A double free is recognised while the memory is still slab memory:
	 * a second object keeps the page (SLOB gives a page back with its
	 * last block; SLUB and SLAB may discard an empty slab).
	 */
	pin_a = xalloc(sim, a, GFP_KERNEL);
	pin_k = xkmalloc(sim, 64, GFP_KERNEL);

	/* double free */
	x = xalloc(sim, a, GFP_KERNEL);
	ck_assert_int_eq(kmem_cache_free(sim, a, x), SIM_OK);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, a, x), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_DOUBLE_FREE);
	ck_assert(slab_validate(sim));
	ck_assert_uint_eq(a->acct.live, 1);

	/* kfree twice: the same */
	x = xkmalloc(sim, 64, GFP_KERNEL);
	ck_assert_int_eq(kfree(sim, x), SIM_OK);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kfree(sim, x), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_DOUBLE_FREE);

	/* free of a non-object: inside an object, and a page that is no slab */
	x = xalloc(sim, a, GFP_KERNEL);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, a, x + 8), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_INVALID_FREE);
	ck_assert_uint_eq(a->acct.live, 2);
	ck_assert_int_eq(sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, a, SIM_DIRECT_MAP_BASE +
					 (sim_addr_t)pfn * SIM_PAGE_SIZE), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_INVALID_FREE);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kfree(sim, SIM_DIRECT_MAP_BASE + (sim_addr_t)pfn * SIM_PAGE_SIZE),
			 SIM_EBUG);
	one_bug(sim, n, SIM_BUG_INVALID_FREE);
	sim_free_pages(sim, pfn, 0);
	ck_assert(slab_validate(sim));

	/* the wrong cache: reported, then freed into the object's own cache */
	y = xalloc(sim, b, GFP_KERNEL);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, a, y), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_WRONG_CACHE);
	ck_assert_uint_eq(b->acct.live, 0);
	ck_assert_uint_eq(a->acct.live, 2);
	ck_assert(slab_validate(sim));

	/* both caches still work */
	y = xalloc(sim, b, GFP_KERNEL);
	ck_assert_int_eq(kmem_cache_free(sim, b, y), SIM_OK);
	ck_assert_int_eq(kmem_cache_free(sim, a, x), SIM_OK);
	ck_assert_int_eq(kmem_cache_free(sim, a, pin_a), SIM_OK);
	ck_assert_int_eq(kfree(sim, pin_k), SIM_OK);
	ck_assert_int_eq(kmem_cache_destroy(sim, b), SIM_OK);

	/* destroy with a live object: reported, the object can still be freed */
	x = xalloc(sim, a, GFP_KERNEL);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_destroy(sim, a), SIM_EBUSY);
	one_bug(sim, n, SIM_BUG_CACHE_BUSY);
	ck_assert(slab_validate(sim));
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, a, x), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), n);
	ck_assert_uint_eq(a->acct.live, 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Alignment ---- */

START_TEST(test_alignment)
{
	static const unsigned aligns[] = { 0, 8, 16, 32, 64, 128, 256, 512 };
	static const unsigned sizes[] = { 1, 7, 24, 35, 100, 200, 700, 3000 };
	struct sim *sim = mk(_i);
	char name[32];

	/* the requested alignment, at least ARCH_SLAB_MINALIGN */
	for (size_t ai = 0; ai < ARRAY_SIZE(aligns); ai++) {
		for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
			struct kmem_cache *s;
			sim_addr_t v[20];
			unsigned want = SIM_MAX(aligns[ai], 8u);

			snprintf(name, sizeof name, "al%u_%u", aligns[ai], sizes[si]);
			s = mkcache(sim, name, sizes[si], aligns[ai], 0);
			for (int k = 0; k < 20; k++) {
				v[k] = xalloc(sim, s, GFP_KERNEL);
				ck_assert_msg(v[k] % want == 0, "%s: %s object 0x%llx not %u-aligned",
					      policies[_i], name, (unsigned long long)v[k], want);
				/* interleave odd kmallocs to disturb shared memory */
				kfree(sim, xkmalloc(sim, 1 + (size_t)k * 3, GFP_KERNEL));
			}
			for (int k = 0; k < 20; k++)
				ck_assert_int_eq(kmem_cache_free(sim, s, v[k]), SIM_OK);
			ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
		}
	}
	/* SLAB_HWCACHE_ALIGN: a cache line for objects above half a line */
	{
		struct kmem_cache *s = mkcache(sim, "hw", 100, 0, SLAB_HWCACHE_ALIGN);
		sim_addr_t v[10];

		ck_assert_uint_eq(s->align, SIM_CACHE_LINE);
		for (int k = 0; k < 10; k++) {
			v[k] = xalloc(sim, s, GFP_KERNEL);
			ck_assert_uint_eq(v[k] % SIM_CACHE_LINE, 0);
		}
		for (int k = 0; k < 10; k++)
			kmem_cache_free(sim, s, v[k]);
		kmem_cache_destroy(sim, s);
	}
	/* kmalloc: natural alignment for power-of-two sizes (all three promise it) */
	{
		sim_addr_t v[14 * 4];
		size_t n = 0;

		for (size_t size = 8; size <= 65536; size *= 2) {
			for (int k = 0; k < 4; k++) {
				v[n] = xkmalloc(sim, size, GFP_KERNEL);
				ck_assert_msg(v[n] % size == 0, "%s: kmalloc(%zu) = 0x%llx",
					      policies[_i], size, (unsigned long long)v[n]);
				n++;
				kfree(sim, xkmalloc(sim, 13, GFP_KERNEL));
			}
		}
		for (size_t k = 0; k < n; k++)
			ck_assert_int_eq(kfree(sim, v[k]), SIM_OK);
	}
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- __GFP_ZERO: contents only, never placement ---- */

START_TEST(test_gfp_zero)
{
	struct sim *plain = mk(_i), *zero = mk(_i);
	struct kmem_cache *s1 = mkcache(plain, "z", 72, 0, 0);
	struct kmem_cache *s2 = mkcache(zero, "z", 72, 0, 0);

	for (int k = 0; k < 200; k++) {
		size_t size = 1 + (size_t)(k * 37) % 5000;
		sim_addr_t a = xkmalloc(plain, size, GFP_KERNEL);
		sim_addr_t b = xkmalloc(zero, size, GFP_KERNEL | __GFP_ZERO);

		ck_assert_uint_eq(a, b);
		ck_assert_uint_eq(ksize(plain, a), ksize(zero, b));
		a = xalloc(plain, s1, GFP_KERNEL);
		b = xalloc(zero, s2, GFP_KERNEL | __GFP_ZERO);
		ck_assert_uint_eq(a, b);
		if (k % 3 == 0) {
			kmem_cache_free(plain, s1, a);
			kmem_cache_free(zero, s2, b);
		}
	}
	ck_assert_uint_eq(sim_nr_bugs(plain), 0);
	ck_assert_uint_eq(sim_nr_bugs(zero), 0);
	sim_free(plain);
	sim_free(zero);
}
END_TEST

/* ---- The books ---- */

/* a live object of the workload: its cache (NULL: kmalloc) and address */
struct live {
	struct kmem_cache *s;
	sim_addr_t a;
};

static void check_books(struct sim *sim, struct kmem_cache **c, const uint64_t *live_c,
			size_t nlive)
{
	struct sim_slab_summary sum;
	uint64_t r, u;

	ck_assert(slab_validate(sim));
	for (int k = 0; k < 3; k++)
		ck_assert_uint_eq(c[k]->acct.live, live_c[k]);
	/* every live object is a slab object or a large kmalloc */
	sim_slab_get_summary(sim, &sum);
	ck_assert_uint_eq(stat(sim, "slab_alloc") - stat(sim, "slab_free") + sum.large_objects,
			  nlive);
	/* NR_SLAB_* are exactly the pages used by slabs and large kmallocs */
	sim_slab_vmstat(sim, &r, &u);
	ck_assert_uint_eq(r + u, pages_used_as(sim, "slab") + pages_used_as(sim, "kmalloc_large"));
	ck_assert_uint_eq(pages_used_as(sim, "kmalloc_large"), sum.large_pages);
}

START_TEST(test_accounting)
{
	struct sim *sim = mk_seed(_i, false, 7);	/* no pcp: frees reach the buddy lists */
	uint64_t free0 = free_pages(sim);
	struct kmem_cache *c[3];
	uint64_t live_c[3] = { 0, 0, 0 };
	static struct live live[4000];
	size_t nlive = 0;

	ck_assert_uint_eq(pages_used_as(sim, "slab") + pages_used_as(sim, "kmalloc_large"), 0);
	c[0] = mkcache(sim, "acct_small", 32, 0, SLAB_NO_MERGE);
	c[1] = mkcache(sim, "acct_mid", 200, 0, SLAB_RECLAIM_ACCOUNT | SLAB_NO_MERGE);
	c[2] = mkcache(sim, "acct_big", 5000, 0, SLAB_NO_MERGE);
	for (int op = 0; op < 6000; op++) {
		int64_t what = sim_rand_range(sim, 0, 9);

		if (what < 6 && nlive < ARRAY_SIZE(live)) {
			struct live *l = &live[nlive];

			if (what < 3) {
				l->s = c[what];
				l->a = xalloc(sim, l->s, GFP_KERNEL);
				live_c[what]++;
			} else {
				l->s = NULL;
				l->a = xkmalloc(sim, (size_t)sim_rand_range(sim, 1, what == 5 ? 20000 : 600),
						GFP_KERNEL);
			}
			nlive++;
		} else if (nlive) {
			size_t k = (size_t)sim_rand_range(sim, 0, (int64_t)nlive - 1);
			struct live l = live[k];

			live[k] = live[--nlive];
			if (l.s) {
				ck_assert_int_eq(kmem_cache_free(sim, l.s, l.a), SIM_OK);
				live_c[l.s == c[0] ? 0 : l.s == c[1] ? 1 : 2]--;
			} else {
				ck_assert_int_eq(kfree(sim, l.a), SIM_OK);
			}
		}
		if (op % 500 == 0)
			check_books(sim, c, live_c, nlive);
	}
	check_books(sim, c, live_c, nlive);
	/* free everything, destroy every cache: every page back in the buddy allocator */
	while (nlive) {
		struct live l = live[--nlive];

		ck_assert_int_eq(l.s ? kmem_cache_free(sim, l.s, l.a) : kfree(sim, l.a), SIM_OK);
	}
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(kmem_cache_destroy(sim, c[k]), SIM_OK);
	shrink_all(sim);
	ck_assert(slab_validate(sim));
	ck_assert_uint_eq(pages_used_as(sim, "slab"), 0);
	ck_assert_uint_eq(pages_used_as(sim, "kmalloc_large"), 0);
	{
		uint64_t r, u;

		sim_slab_vmstat(sim, &r, &u);
		ck_assert_uint_eq(r + u, 0);
	}
	ck_assert_uint_eq(free_pages(sim), free0);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	sim_free(sim);
}
END_TEST

/* ---- Determinism ---- */

/* a fixed workload; the addresses it was given, in order */
static size_t workload(struct sim *sim, sim_addr_t *out, size_t max)
{
	struct kmem_cache *s = mkcache(sim, "det", 48, 0, 0);
	sim_addr_t held[256];
	size_t n = 0, nh = 0;

	for (int op = 0; op < 3000 && n < max; op++) {
		int64_t what = sim_rand_range(sim, 0, 3);

		if (what < 2 || nh == 0) {
			sim_addr_t a = what == 0 ? xalloc(sim, s, GFP_KERNEL) :
				       xkmalloc(sim, (size_t)sim_rand_range(sim, 1, 9000), GFP_KERNEL);

			out[n++] = a;
			if (nh < ARRAY_SIZE(held))
				held[nh++] = a;
			else
				kfree(sim, a);
		} else {
			size_t k = (size_t)sim_rand_range(sim, 0, (int64_t)nh - 1);

			kfree(sim, held[k]);
			held[k] = held[--nh];
		}
		if (op % 700 == 0)
			sim_advance(sim, 3000000000ull);	/* let periodic work run */
	}
	return n;
}

START_TEST(test_determinism)
{
	static sim_addr_t a1[3000], a2[3000];
	struct sim *s1 = mk_seed(_i, true, 42), *s2 = mk_seed(_i, true, 42);
	size_t n1 = workload(s1, a1, 3000), n2 = workload(s2, a2, 3000);

	ck_assert_uint_eq(n1, n2);
	ck_assert(n1 > 1000);
	for (size_t k = 0; k < n1; k++)
		ck_assert_msg(a1[k] == a2[k], "%s: address %zu differs", policies[_i], k);
	ck_assert_uint_eq(sim_now(s1), sim_now(s2));
	ck_assert_uint_eq(sim_nr_bugs(s1), 0);
	sim_free(s1);
	sim_free(s2);
}
END_TEST

/* ---- Suite ---- */

static Suite *policy_suite(void)
{
	Suite *s = suite_create("slab_policy");
	TCase *tc = tcase_create("conformance");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cache_api, 0, nr_policies);
	tcase_add_loop_test(tc, test_kmalloc_api, 0, nr_policies);
	tcase_add_loop_test(tc, test_krealloc, 0, nr_policies);
	tcase_add_loop_test(tc, test_bug_reports, 0, nr_policies);
	tcase_add_loop_test(tc, test_alignment, 0, nr_policies);
	tcase_add_loop_test(tc, test_gfp_zero, 0, nr_policies);
	tcase_add_loop_test(tc, test_accounting, 0, nr_policies);
	tcase_add_loop_test(tc, test_determinism, 0, nr_policies);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	find_policies();
	if (nr_policies < 2) {
		fprintf(stderr, "check_slab_policy: only %d slab policies built\n", nr_policies);
		return EXIT_FAILURE;
	}
	return tu_run_suite(policy_suite());
}

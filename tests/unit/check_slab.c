/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slab.c - SLAB (mm/slab.c, 6.7): geometry and freelist placement,
 * colouring, per-CPU and shared arrays, refill and flush order, free_limit,
 * cache_reap, kmem_cache_shrink, tuning, /proc/slabinfo, NUMA alien arrays
 *
 * Every expectation is derived by hand from kernel-model.md §7 and §10
 * (reasoning in the comments), never by running the code under test.
 * Conventions: 4 KiB pages, cache line 64, a one-byte freelist index.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "slab.h"
#include "state.h"
#include "testutil.h"

/* ---- Fixtures ---- */

/* a SLAB simulator; slab_max_order < 0: the boot rule; ram 0: 256 MiB */
static struct sim *mk_ram(unsigned cpus, unsigned nodes, int slab_max_order,
			  uint64_t ram)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.cpus = cpus;
	cfg.nodes = nodes;
	cfg.policy = "slab";
	cfg.slab_nomerge = true;	/* every test cache is its own */
	cfg.slab_max_order = slab_max_order;
	if (ram)
		cfg.ram_bytes = ram;
	return tu_sim_cfg(&cfg);
}

static struct sim *mk(unsigned cpus)
{
	return mk_ram(cpus, 1, -1, 0);
}

static struct kmem_cache *mkcache(struct sim *sim, const char *name,
				  unsigned size, unsigned align, bool ctor,
				  slab_flags_t flags)
{
	struct kmem_cache_args a = { .align = align, .ctor = ctor };
	struct kmem_cache *s = kmem_cache_create(sim, name, size, &a, flags);

	ck_assert_msg(s != NULL, "create %s: %s", name, sim_last_reason(sim));
	return s;
}

static sim_addr_t xalloc(struct sim *sim, struct kmem_cache *s)
{
	sim_addr_t a = kmem_cache_alloc(sim, s, GFP_KERNEL);

	ck_assert_msg(a != SIM_ADDR_NONE, "alloc %s: %s", s->name, sim_last_reason(sim));
	return a;
}

static void xfree(struct sim *sim, struct kmem_cache *s, sim_addr_t a)
{
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_OK);
}

static void on_cpu(struct sim *sim, unsigned cpu)
{
	ck_assert_int_eq(sim_set_cpu(sim, cpu), SIM_OK);
}

static uint64_t field(const struct sim_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].value;
	ck_abort_msg("no field %s", name);
	return 0;
}

/* a cache:info() extra of SLAB (limit, colour, objfreelist, ...) */
static uint64_t info(const struct sim *sim, const struct kmem_cache *s,
		     const char *name)
{
	struct sim_field f[SLAB_MAX_FIELDS];
	size_t n = slab_policy(sim)->info_fields(sim, s, f, SLAB_MAX_FIELDS);

	return field(f, n, name);
}

/* a cache:stats() extra of SLAB (cpu_avail, allochit, ...) */
static uint64_t stat(const struct sim *sim, const struct kmem_cache *s,
		     const char *name)
{
	struct sim_field f[SLAB_MAX_FIELDS];
	size_t n = slab_policy(sim)->stat_fields(sim, s, f, SLAB_MAX_FIELDS);

	return field(f, n, name);
}

static struct slabinfo slabinfo(const struct sim *sim, const struct kmem_cache *s)
{
	struct slabinfo si;

	memset(&si, 0, sizeof si);
	slab_policy(sim)->slabinfo(sim, s, &si);
	return si;
}

struct tbuf {
	char s[32768];
	size_t n;
};

static void tbuf_write(void *ud, const char *s, size_t n)
{
	struct tbuf *b = ud;

	if (b->n + n >= sizeof b->s)
		n = sizeof b->s - 1 - b->n;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* the /proc/slabinfo line of @name (without the newline) */
static const char *slabinfo_line(const struct sim *sim, const char *name,
				 struct tbuf *b, char *line, size_t len)
{
	char key[64];
	const char *p, *e;

	b->n = 0;
	b->s[0] = '\0';
	ck_assert_int_eq(sim_slabinfo(sim, tbuf_write, b), SIM_OK);
	snprintf(key, sizeof key, "\n%s ", name);
	p = strstr(b->s, key);
	ck_assert_msg(p != NULL, "no slabinfo line for %s", name);
	p++;
	e = strchr(p, '\n');
	snprintf(line, len, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
	return line;
}

/* the base address of the slab holding @a */
static sim_addr_t base_of(const struct sim *sim, sim_addr_t a)
{
	struct slab *slab = slab_of_addr(sim, a);

	ck_assert_msg(slab != NULL, "0x%llx is in no slab", (unsigned long long)a);
	return slab_address(slab);
}

/* ---- Geometry ---- */

struct geo {
	unsigned size;		/* object size asked for */
	unsigned buf;		/* expected buffer size (s->size) */
	int mgmt;		/* 0 on-slab, 1 off-slab, 2 objfreelist */
	unsigned num, order, colour;
};

static void check_geo(struct sim *sim, const char *name, unsigned align,
		      bool ctor, slab_flags_t flags, const struct geo *g)
{
	struct kmem_cache *s = mkcache(sim, name, g->size, align, ctor, flags);

	ck_assert_msg(s->size == g->buf, "%s: size %u, want %u", name, s->size, g->buf);
	ck_assert_msg(s->objects == g->num, "%s: %u objects, want %u", name, s->objects, g->num);
	ck_assert_msg(s->order == g->order, "%s: order %u, want %u", name, s->order, g->order);
	ck_assert_msg(info(sim, s, "colour") == g->colour, "%s: colour %llu, want %u", name,
		      (unsigned long long)info(sim, s, "colour"), g->colour);
	ck_assert_msg(info(sim, s, "off_slab") == (g->mgmt == 1) &&
		      info(sim, s, "objfreelist") == (g->mgmt == 2),
		      "%s: wrong freelist placement", name);
	ck_assert_uint_eq(info(sim, s, "freelist_size"), g->num);	/* one byte per object */
}

/* the issue's examples: no ctor, align 8, slab_max_order 1 (256 MiB > 32 MiB) */
START_TEST(test_geometry_issue_examples)
{
	struct sim *sim = mk(2);
	static const struct geo ex[] = {
		/* 16: OBJFREELIST and OFF_SLAB both see 4096/16 = 256 > 255 objects at
		 * order 0 and stop; ON_SLAB: 4096 / (16 + 1) = 240, 16 left */
		{ 16, 16, 0, 240, 0, 0 },
		/* 32: OBJFREELIST needs 128 index bytes in a 32-byte object: no.
		 * OFF_SLAB: a 128-byte index lives in kmalloc-128, more than 32/2:
		 * skip; order 1 has 256 > 255: stop.  ON_SLAB: 4096/33 = 124, 4 left */
		{ 32, 32, 0, 124, 0, 0 },
		/* 64: 64 objects, 64 index bytes fit one object: OBJFREELIST */
		{ 64, 64, 2, 64, 0, 0 },
		/* 192: 21 objects, 4096 - 21*192 = 64 left (8*64 <= 4096: order 0),
		 * colour 64/64 = 1 */
		{ 192, 192, 2, 21, 0, 1 },
		/* 3000: order 0 holds 1 with 1096 left (8*1096 > 4096, and 0 is below
		 * slab_max_order 1: go on); order 1: 2 objects, 2192 left, stop at
		 * slab_max_order; colour 2192/64 = 34 */
		{ 3000, 3000, 2, 2, 1, 34 },
		/* 8192: nothing at order 0; order 1: 1 object, 0 left */
		{ 8192, 8192, 2, 1, 1, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ex); i++) {
		char name[32];

		snprintf(name, sizeof name, "geo-%u", ex[i].size);
		check_geo(sim, name, 8, false, 0, &ex[i]);
	}
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_geometry_placement_rules)
{
	struct sim *sim = mk(2);
	/* 8: below SLAB_OBJ_MIN_SIZE, rounded up to 16: as the 16-byte cache */
	static const struct geo tiny = { 8, 16, 0, 240, 0, 0 };
	/* 512 + ctor: no OBJFREELIST; OFF_SLAB: 8 objects, 0 left, an 8-byte
	 * index in kmalloc-32 (SLAB's smallest), 32 <= 512/2; 0 left < 8 */
	static const struct geo ctor512 = { 512, 512, 1, 8, 0, 0 };
	/* 192 + ctor: OFF_SLAB finds 64 bytes left >= 21: "move it on-slab";
	 * ON_SLAB: 4096/193 = 21, 43 left, colour 0 */
	static const struct geo ctor192 = { 192, 192, 0, 21, 0, 0 };
	/* 64 + TYPESAFE_BY_RCU: no OBJFREELIST; OFF_SLAB: a 64-byte index
	 * (kmalloc-64) or a 128-byte one (order 1) is more than 64/2, order 2
	 * has 256 > 255; ON_SLAB: 4096/65 = 63, 1 left */
	static const struct geo rcu64 = { 64, 64, 0, 63, 0, 0 };
	/* 512 + ctor + NOLEAKTRACE: no OBJFREELIST, no OFF_SLAB; ON_SLAB:
	 * 4096/513 = 7, 505 left (8*505 <= 4096), colour 505/64 = 7 */
	static const struct geo noleak = { 512, 512, 0, 7, 0, 7 };
	/* 3000 + RECLAIM_ACCOUNT: the first fit, order 0: 1 object, 1096 left,
	 * colour 1096/64 = 17 */
	static const struct geo recl = { 3000, 3000, 2, 1, 0, 17 };
	/* 100 + HWCACHE_ALIGN: align 64 (100 > 32), buffer 128: 32 per slab */
	static const struct geo hw = { 100, 128, 2, 32, 0, 0 };
	/* 300, align 128: buffer 384, 10 per slab, 256 left (8*256 <= 4096);
	 * colour_off = max(64, 128) = 128, colour 2 */
	static const struct geo al128 = { 300, 384, 2, 10, 0, 2 };
	/* the 12.5% rule: 1100 -> 1104 bytes; order 0 holds 3 and wastes 784
	 * (8*784 = 6272 > 4096, though less than a quarter): order 1 holds 7
	 * and wastes 8192 - 7728 = 464 (8*464 <= 8192); colour 464/64 = 7 */
	static const struct geo waste = { 1100, 1104, 2, 7, 1, 7 };
	struct kmem_cache *s;

	check_geo(sim, "tiny", 8, false, 0, &tiny);
	check_geo(sim, "ctor512", 8, true, 0, &ctor512);
	check_geo(sim, "ctor192", 8, true, 0, &ctor192);
	check_geo(sim, "rcu64", 8, false, SLAB_TYPESAFE_BY_RCU, &rcu64);
	check_geo(sim, "noleak", 8, true, SLAB_NOLEAKTRACE, &noleak);
	check_geo(sim, "recl", 8, false, SLAB_RECLAIM_ACCOUNT, &recl);
	check_geo(sim, "hw", 0, false, SLAB_HWCACHE_ALIGN, &hw);
	check_geo(sim, "al128", 128, false, 0, &al128);
	check_geo(sim, "waste", 8, false, 0, &waste);
	s = slab_cache_by_name(sim, "al128");
	ck_assert_uint_eq(info(sim, s, "colour_off"), 128);
	s = slab_cache_by_name(sim, "hw");
	ck_assert_uint_eq(info(sim, s, "colour_off"), 64);
	/* a non-debug SLAB kernel drops the debug flags (CACHE_CREATE_MASK) */
	s = mkcache(sim, "rz", 100, 8, false, SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER);
	ck_assert_uint_eq(s->flags & SLAB_DEBUG_FLAGS, 0);
	ck_assert_uint_eq(s->size, 104);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_slab_max_order)
{
	/* 3000-byte objects under different slab_max_order */
	static const struct geo o0 = { 3000, 3000, 2, 1, 0, 17 };	/* stop at order 0 */
	/* slab_max_order 2: order 1 leaves 2192 (8*2192 > 8192): go on; order 2:
	 * 16384/3000 = 5, 1384 left (8*1384 <= 16384), colour 1384/64 = 21 */
	static const struct geo o2 = { 3000, 3000, 2, 5, 2, 21 };
	static const struct geo o1 = { 3000, 3000, 2, 2, 1, 34 };
	struct sim *sim;

	/* 32 MiB: totalram_pages() <= 8192, so slab_max_order stays 0 */
	sim = mk_ram(1, 1, -1, UINT64_C(32) << 20);
	check_geo(sim, "a", 8, false, 0, &o0);
	ck_assert_uint_eq(info(sim, slab_cache_by_name(sim, "a"), "slab_max_order"), 0);
	sim_free(sim);
	/* 64 MiB: more than 8192 pages: SLAB_MAX_ORDER_HI */
	sim = mk_ram(1, 1, -1, UINT64_C(64) << 20);
	check_geo(sim, "a", 8, false, 0, &o1);
	sim_free(sim);
	/* slab_max_order= on the command line wins either way */
	sim = mk_ram(1, 1, 0, 0);
	check_geo(sim, "a", 8, false, 0, &o0);
	sim_free(sim);
	sim = mk_ram(1, 1, 2, 0);
	check_geo(sim, "a", 8, false, 0, &o2);
	sim_free(sim);
}
END_TEST

/* limit by buffer size, batchcount (limit + 1) / 2, shared 8 with > 1 CPU */
START_TEST(test_array_limits)
{
	static const struct {
		unsigned size, limit, batch, shared2;
	} ex[] = {
		{ 256, 120, 60, 8 },		/* not > 256 */
		{ 257, 54, 27, 8 },		/* buffer 264 > 256 */
		{ 1024, 54, 27, 8 },		/* not > 1024 */
		{ 1025, 24, 12, 8 },		/* buffer 1032 */
		{ 4096, 24, 12, 8 },		/* not > PAGE_SIZE: still shared */
		{ 4097, 8, 4, 0 },		/* buffer 4104 > PAGE_SIZE: no shared array */
		{ 131072, 8, 4, 0 },		/* not > 128 KiB */
		{ 131073, 1, 1, 0 },		/* buffer 131080 > 128 KiB */
	};
	struct sim *sim2 = mk(2), *sim1 = mk(1);

	for (size_t i = 0; i < ARRAY_SIZE(ex); i++) {
		char name[32];
		struct kmem_cache *s2, *s1;

		snprintf(name, sizeof name, "lim-%u", ex[i].size);
		s2 = mkcache(sim2, name, ex[i].size, 8, false, 0);
		s1 = mkcache(sim1, name, ex[i].size, 8, false, 0);
		ck_assert_msg(info(sim2, s2, "limit") == ex[i].limit, "%s limit", name);
		ck_assert_msg(info(sim2, s2, "batchcount") == ex[i].batch, "%s batchcount", name);
		ck_assert_msg(info(sim2, s2, "shared") == ex[i].shared2, "%s shared", name);
		/* one CPU: the shared array would only be a bigger limit */
		ck_assert_msg(info(sim1, s1, "shared") == 0, "%s shared on UP", name);
		ck_assert_uint_eq(slabinfo(sim2, s2).limit, ex[i].limit);
		ck_assert_uint_eq(slabinfo(sim2, s2).batchcount, ex[i].batch);
		ck_assert_uint_eq(slabinfo(sim2, s2).shared, ex[i].shared2);
	}
	/* free_limit = (1 + CPUs of the node) * batchcount + num: 192 on 2 CPUs
	 * is 3 * 60 + 21 = 201; on one CPU 2 * 60 + 21 = 141 */
	ck_assert_uint_eq(info(sim2, mkcache(sim2, "fl", 192, 8, false, 0), "free_limit"), 201);
	ck_assert_uint_eq(info(sim1, mkcache(sim1, "fl", 192, 8, false, 0), "free_limit"), 141);
	sim_free(sim2);
	sim_free(sim1);
}
END_TEST

/* kmalloc under SLAB: kmalloc-32 .. kmalloc-8k.  6.1's include/linux/slab.h
 * sets KMALLOC_SHIFT_HIGH to PAGE_SHIFT + 1 under CONFIG_SLAB too (it was
 * up to 22 before 6.1), so larger requests go to __kmalloc_large_node() */
START_TEST(test_kmalloc_classes)
{
	struct sim *sim = mk(2);
	struct sim_slab_summary sum;
	struct kmem_cache *s;
	sim_addr_t a;

	/* KMALLOC_MIN_SIZE 32: no kmalloc-8 or -16, small requests go to 32 */
	ck_assert_ptr_null(slab_cache_by_name(sim, "kmalloc-8"));
	ck_assert_ptr_null(slab_cache_by_name(sim, "kmalloc-16"));
	ck_assert_ptr_nonnull(slab_cache_by_name(sim, "kmalloc-32"));
	ck_assert_uint_eq(kmalloc_slab(sim, 1, GFP_KERNEL)->object_size, 32);
	ck_assert_uint_eq(kmalloc_slab(sim, 16, GFP_KERNEL)->object_size, 32);
	a = kmalloc(sim, 8, GFP_KERNEL);
	ck_assert_uint_eq(ksize(sim, a), 32);
	kfree(sim, a);
	/* kmalloc-96: ARCH_KMALLOC_FLAGS = HWCACHE_ALIGN, 96 > 64/2 so align
	 * 64 and a 128-byte buffer (32 per slab); ksize is object_size (96) */
	s = kmalloc_slab(sim, 96, GFP_KERNEL);
	ck_assert_uint_eq(s->object_size, 96);
	ck_assert_uint_eq(s->size, 128);
	ck_assert_uint_eq(s->objects, 32);
	a = kmalloc(sim, 90, GFP_KERNEL);
	ck_assert_uint_eq(ksize(sim, a), 96);
	kfree(sim, a);
	/* the biggest class is kmalloc-8k; 8193 bytes and up are pages */
	ck_assert_ptr_nonnull(slab_cache_by_name(sim, "kmalloc-8k"));
	ck_assert_ptr_null(slab_cache_by_name(sim, "kmalloc-16k"));
	ck_assert_ptr_null(slab_cache_by_name(sim, "kmalloc-4M"));
	ck_assert_ptr_null(kmalloc_slab(sim, 8193, GFP_KERNEL));
	a = kmalloc(sim, UINT64_C(3) << 20, GFP_KERNEL);
	ck_assert(a != SIM_ADDR_NONE);
	ck_assert_uint_eq(ksize(sim, a), UINT64_C(4) << 20);	/* the folio: order 10 */
	sim_slab_get_summary(sim, &sum);
	ck_assert_uint_eq(sum.large_objects, 1);	/* __kmalloc_large_node() */
	kfree(sim, a);
	a = kmalloc(sim, 8193, GFP_KERNEL);
	ck_assert_uint_eq(ksize(sim, a), 16384);	/* get_order(8193) = 2 */
	kfree(sim, a);
	ck_assert(kmalloc(sim, (UINT64_C(4) << 20) + 1, GFP_KERNEL) == SIM_ADDR_NONE);
	/* 5000 bytes: kmalloc-8k, two pages, one object */
	s = kmalloc_slab(sim, 5000, GFP_KERNEL);
	ck_assert_uint_eq(s->size, 8192);
	ck_assert_uint_eq(s->order, 1);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Colouring ---- */

START_TEST(test_colour_sequence)
{
	/* 600 bytes: 6 per slab, 4096 - 3600 = 496 left, colour 496/64 = 7.
	 * limit 54 (> 256), batch 27; each refill on an empty node grows one
	 * slab and takes its 6 objects (object 5 is handed out first).  The
	 * node's colour_next goes 1, 2, ..., 6, 0, 1, 2: offsets x 64. */
	static const unsigned off[] = { 64, 128, 192, 256, 320, 384, 0, 64, 128 };
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "c600", 600, 8, false, 0);

	ck_assert_uint_eq(info(sim, s, "colour"), 7);
	for (unsigned k = 0; k < ARRAY_SIZE(off); k++) {
		for (unsigned j = 0; j < 6; j++) {
			sim_addr_t a = xalloc(sim, s);

			/* LIFO: objects 5, 4, ..., 0 of the new slab */
			ck_assert_msg(a - base_of(sim, a) == off[k] + (5 - j) * 600,
				      "slab %u object %u at offset %llu", k, 5 - j,
				      (unsigned long long)(a - base_of(sim, a)));
		}
		ck_assert_uint_eq(s->acct.slabs, k + 1);
	}
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Refill ---- */

START_TEST(test_refill_batch_limit)
{
	/* 192 bytes on one CPU: limit 120, batchcount 60, no shared array */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "r192", 192, 8, false, 0);
	sim_addr_t a, A, B;

	/* an untouched array refills only BATCHREFILL_LIMIT = 16: a new slab
	 * A gives objects 0..15, object 15 is returned (colour 1: offset 0) */
	a = xalloc(sim, s);
	A = base_of(sim, a);
	ck_assert_uint_eq(a - A, 15 * 192);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 15);
	for (int i = 14; i >= 0; i--)
		ck_assert_uint_eq(xalloc(sim, s) - A, (unsigned)i * 192);
	/* now touched: batch 60, but A's partial list has 5 left (16..20) and
	 * there is nothing else; object 20 is returned, 4 stay */
	ck_assert_uint_eq(xalloc(sim, s) - A, 20 * 192);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 4);
	for (unsigned i = 19; i >= 16; i--)
		ck_assert_uint_eq(xalloc(sim, s) - A, i * 192);
	/* empty node: grow B and take all 21 (batch 60) */
	a = xalloc(sim, s);
	B = base_of(sim, a);
	ck_assert(B != A);
	ck_assert_uint_eq(a - B, 20 * 192);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 20);
	/* 22 allocations: misses at 1, 17 and 22 */
	ck_assert_uint_eq(stat(sim, s, "allocmiss"), 3);
	ck_assert_uint_eq(stat(sim, s, "allochit"), 19);
	ck_assert_uint_eq(stat(sim, s, "grown"), 2);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_refill_partial_before_free)
{
	/* 192 bytes, one CPU, tuned to limit 1, batchcount 1, no shared array:
	 * free_limit = (1 + 1) * 1 + 21 = 23 */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "p192", 192, 8, false, 0);
	sim_addr_t o[42], a;

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 1, 1, 0), SIM_OK);
	ck_assert_uint_eq(info(sim, s, "free_limit"), 23);
	/* each refill takes one object: A0..A20 fill slab A, B0..B20 slab B */
	for (int i = 0; i < 42; i++)
		o[i] = xalloc(sim, s);
	ck_assert_uint_eq(o[1] - o[0], 192);
	ck_assert_uint_eq(o[41] - o[21], 20 * 192);
	/* free A0, all of B, then A1.  A free pushes the object and flushes the
	 * one before it to its slab: A0 goes back to A (partial), B0..B20 to B
	 * (empty: slabs_free), A1 stays in the array.  free_objects = 1 + 21 =
	 * 22 <= 23, so B survives */
	xfree(sim, s, o[0]);
	for (int i = 21; i < 42; i++)
		xfree(sim, s, o[i]);
	xfree(sim, s, o[1]);
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 1);
	ck_assert_uint_eq(stat(sim, s, "slabs_partial"), 1);
	/* the array gives A1 back; the next refill must take A0 from the
	 * partial slab A although B is entirely free */
	ck_assert_uint_eq(xalloc(sim, s), o[1]);
	ck_assert_uint_eq(xalloc(sim, s), o[0]);
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 1);
	/* then B: its index stack has B20 (freed last) on top */
	a = xalloc(sim, s);
	ck_assert_uint_eq(a, o[41]);
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_refill_partial_stays_head)
{
	/* limit 1, batchcount 1: each refill takes one object */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "ph192", 192, 8, false, 0);
	sim_addr_t o[42];

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 1, 1, 0), SIM_OK);
	for (int i = 0; i < 42; i++)
		o[i] = xalloc(sim, s);		/* A = o[0..20], B = o[21..41] */
	/* free a0, b0, a1, b1, a2: flushes of a0, b0, a1, b1 leave slabs_partial
	 * A B (each flush moves its slab to the tail); a2 stays in the array */
	xfree(sim, s, o[0]);
	xfree(sim, s, o[21]);
	xfree(sim, s, o[1]);
	xfree(sim, s, o[22]);
	xfree(sim, s, o[2]);
	ck_assert_uint_eq(xalloc(sim, s), o[2]);
	/* refill from the head, A: a1 (its newest free); A keeps a free object
	 * and goes back to the HEAD of slabs_partial, so a0 comes next */
	ck_assert_uint_eq(xalloc(sim, s), o[1]);
	ck_assert_uint_eq(xalloc(sim, s), o[0]);
	/* A is full; B gives b1, then b0 */
	ck_assert_uint_eq(xalloc(sim, s), o[22]);
	ck_assert_uint_eq(xalloc(sim, s), o[21]);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_refill_batch_across_slabs)
{
	/* limit 4, batchcount 4 on one CPU; a refill that empties one slab
	 * goes on with what is left of its batch (alloc_block()'s count) */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "bx192", 192, 8, false, 0);
	sim_addr_t o[42];

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 4, 4, 0), SIM_OK);
	for (int i = 0; i < 42; i++)
		o[i] = xalloc(sim, s);		/* A = o[0..20], B = o[21..41] */
	ck_assert(slab_of_addr(sim, o[20]) == slab_of_addr(sim, o[0]));
	ck_assert(slab_of_addr(sim, o[21]) != slab_of_addr(sim, o[0]));
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 0);
	/* free a0, a1, b0, b1 (array full), b2: the flush sends a0 a1 b0 b1 to
	 * their slabs (slabs_partial: A B); b3, b4 join b2 in the array */
	xfree(sim, s, o[0]);
	xfree(sim, s, o[1]);
	xfree(sim, s, o[21]);
	xfree(sim, s, o[22]);
	xfree(sim, s, o[23]);
	xfree(sim, s, o[24]);
	xfree(sim, s, o[25]);
	ck_assert_uint_eq(xalloc(sim, s), o[25]);
	ck_assert_uint_eq(xalloc(sim, s), o[24]);
	ck_assert_uint_eq(xalloc(sim, s), o[23]);
	/* refill, batch 4: A gives a1 a0 and is full (2 left of the batch), B
	 * gives b1 b0; the array holds a1 a0 b1 b0 and b0 is returned */
	ck_assert_uint_eq(xalloc(sim, s), o[21]);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 3);
	ck_assert_uint_eq(xalloc(sim, s), o[22]);
	ck_assert_uint_eq(xalloc(sim, s), o[0]);
	ck_assert_uint_eq(xalloc(sim, s), o[1]);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Free ---- */

START_TEST(test_free_to_partial_tail)
{
	/* limit 1, batchcount 1: each free flushes the object freed before it */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "pt192", 192, 8, false, 0);
	sim_addr_t o[42];

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 1, 1, 0), SIM_OK);
	for (int i = 0; i < 42; i++)
		o[i] = xalloc(sim, s);		/* A = o[0..20], B = o[21..41] */
	/* free a0, b0, a1, b1: the flushes of a0, b0, a1 move A, B, A to the
	 * TAIL of slabs_partial: A; A B; B A.  b1 stays in the array */
	xfree(sim, s, o[0]);
	xfree(sim, s, o[21]);
	xfree(sim, s, o[1]);
	xfree(sim, s, o[22]);
	ck_assert_uint_eq(xalloc(sim, s), o[22]);	/* the array */
	/* the refill takes the head of slabs_partial, B: its newest free, b0 */
	ck_assert_uint_eq(xalloc(sim, s), o[21]);
	/* B is full again; A, now the head, gives a1 (freed after a0) */
	ck_assert_uint_eq(xalloc(sim, s), o[1]);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_free_limit_destroys_last_free_slab)
{
	/* 192 bytes, one CPU, limit 22, batchcount 11: free_limit 2*11+21 = 43 */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "f192", 192, 8, false, 0);
	sim_addr_t o[63];
	struct slab *A, *B, *C;

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 22, 11, 0), SIM_OK);
	ck_assert_uint_eq(info(sim, s, "free_limit"), 43);
	/* refills of 11 (untouched: 11 <= 16) and 10 (the rest of the slab):
	 * allocations 1..21 come from A, 22..42 from B, 43..63 from C */
	for (int i = 0; i < 63; i++)
		o[i] = xalloc(sim, s);
	A = slab_of_addr(sim, o[0]);
	B = slab_of_addr(sim, o[21]);
	C = slab_of_addr(sim, o[42]);
	for (int i = 0; i < 63; i++)
		ck_assert(slab_of_addr(sim, o[i]) == (i < 21 ? A : i < 42 ? B : C));
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 0);
	/* free A's, then B's, then C's objects.  The array (22) flushes its 11
	 * oldest at frees 23, 34, 45, 56:
	 *   23: frees 1..11 (A)                      free_objects 11
	 *   34: frees 12..22 (A empty -> slabs_free)  22
	 *   45: frees 23..33 (B)                      33
	 *   56: frees 34..44: B empty (slabs_free head: B, A), two of C: 44 > 43
	 *       -> the LAST free slab, A, is destroyed; 23 left */
	for (int i = 0; i < 55; i++)
		xfree(sim, s, o[i]);
	ck_assert_uint_eq(s->acct.slabs, 3);
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 1);	/* A */
	xfree(sim, s, o[55]);
	ck_assert_uint_eq(s->acct.slabs, 2);
	ck_assert_ptr_null(slab_of_addr(sim, o[0]));		/* A's pages are gone */
	ck_assert(slab_of_addr(sim, o[21]) == B);		/* B, free, survives */
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 1);
	ck_assert_uint_eq(stat(sim, s, "free_objects"), 23);
	ck_assert_uint_eq(stat(sim, s, "free_limit_destroyed"), 1);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_shared_array)
{
	/* two CPUs, 192 bytes tuned to limit 2, batchcount 1, shared 8: the
	 * node's shared array holds 8 * 1 = 8 */
	struct sim *sim = mk(2);
	struct kmem_cache *s = mkcache(sim, "s192", 192, 8, false, 0);
	sim_addr_t a0, a1, a2;

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 2, 1, 8), SIM_OK);
	on_cpu(sim, 0);
	a0 = xalloc(sim, s);	/* a new slab, one object */
	a1 = xalloc(sim, s);	/* refill of 1 from the partial slab */
	a2 = xalloc(sim, s);
	ck_assert_uint_eq(a1 - a0, 192);
	xfree(sim, s, a0);
	xfree(sim, s, a1);	/* the array is full (2) */
	xfree(sim, s, a2);	/* flush: the oldest (a0) to the shared array */
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 1);
	ck_assert_uint_eq(slabinfo(sim, s).shared_avail, 1);
	ck_assert_uint_eq(slabinfo(sim, s).active_objs, 3);	/* arrays count as active */
	/* CPU 1 refills from the shared array before the partial slab */
	on_cpu(sim, 1);
	ck_assert_uint_eq(xalloc(sim, s), a0);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 0);
	ck_assert_uint_eq(stat(sim, s, "refill_shared"), 1);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/*
 * cache_flusharray() moves at most the room left in the shared array,
 * min(batchcount, limit - avail), and takes only that many off the CPU
 * array.  Two CPUs, 192 bytes tuned to limit 4, batchcount 3, shared 1:
 * the node's shared array holds 1 * 3 = 3 objects.
 */
START_TEST(test_shared_array_room)
{
	struct sim *sim = mk(2);
	struct kmem_cache *s = mkcache(sim, "room", 192, 8, false, 0);
	sim_addr_t o[13];

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 4, 3, 1), SIM_OK);
	on_cpu(sim, 1);
	o[12] = xalloc(sim, s);		/* for the last free, on CPU 0 */
	on_cpu(sim, 0);
	/* refills of 3 at the 1st, 4th, 7th and 10th: the array ends empty */
	for (int i = 0; i < 12; i++)
		o[i] = xalloc(sim, s);
	/* the 5th free finds the array full (4): 3 go to the empty shared
	 * array; the 8th finds it full again, the shared array too: 3 go
	 * back to their slabs */
	for (int i = 0; i < 8; i++)
		xfree(sim, s, o[i]);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 3);
	/* cpu_avail sums the CPUs: 2 here, and CPU 1's refill of 3 less one */
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 2 + 2);
	/* cache_reap: at 1 s each CPU array is only untouched, at 3 s and 5 s
	 * (4 + 4) / 5 = 1 goes from each; at 5 s the node part drains the
	 * untouched shared array by (3 + 4) / 5 = 1 */
	sim_advance(sim, 5 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 0);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 2);
	for (int i = 8; i < 12; i++)
		xfree(sim, s, o[i]);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 4);
	/* full again: room for 1 in the shared array, so 1 moves, not 3 */
	xfree(sim, s, o[12]);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 3);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 4);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Reaping ---- */

START_TEST(test_cache_reap)
{
	/* 192 bytes, one CPU: limit 120, batch 60, free_limit 141.  The reap
	 * work runs at 1 s, 3 s, 5 s, ...; the node part once next_reap
	 * (creation + 4 s) has passed, then every 4 s. */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "reap", 192, 8, false, 0);
	sim_addr_t o[40];

	ck_assert(sim_now(sim) < SIM_NSEC_PER_SEC / 2);
	/* allocations: A0..A15 (refill 16), A16..A20 (refill: the rest of A,
	 * and slabs_free was looked at: free_touched), B0..B20 (refill 21);
	 * 40 handed out, B0 and B1 stay in the array */
	for (int i = 0; i < 40; i++)
		o[i] = xalloc(sim, s);
	for (int i = 0; i < 40; i++)
		xfree(sim, s, o[i]);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 42);
	/* 1 s: the array was touched: only the mark is cleared */
	sim_advance(sim, SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 42);
	/* 3 s: untouched: (120 + 4) / 5 = 24 oldest go back: B0, B1, all of A
	 * (A is empty now) and B20 */
	sim_advance(sim, 2 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 42 - 24);
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 1);
	ck_assert_uint_eq(s->acct.slabs, 2);
	/* 5 s: 24 > 18 so (18 + 1) / 2 = 9 go; the node part runs (next_reap
	 * passed) but free_touched is set: it is only cleared */
	sim_advance(sim, 2 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 9);
	ck_assert_uint_eq(s->acct.slabs, 2);
	/* 7 s: (9 + 1) / 2 = 5 go, 4 left; no node part (next at 9 s) */
	sim_advance(sim, 2 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 4);
	ck_assert_uint_eq(s->acct.slabs, 2);
	/* 9 s: 2 go; node part: free_touched clear, so (141 + 105 - 1) / 105 =
	 * 2 free slabs may go from the tail: A, the only one */
	sim_advance(sim, 2 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 2);
	ck_assert_uint_eq(s->acct.slabs, 1);
	ck_assert_uint_eq(stat(sim, s, "reaped"), 1);
	ck_assert_ptr_null(slab_of_addr(sim, o[0]));
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_reap_free_slabs)
{
	/* one CPU, 192 bytes tuned to limit 120, batchcount 120: free_limit
	 * 2 * 120 + 21 = 261, so a node reap destroys up to
	 * (261 + 5 * 21 - 1) / (5 * 21) = 3 free slabs */
	struct sim *sim = mk(1);
	struct kmem_cache *s = mkcache(sim, "rf192", 192, 8, false, 0);
	sim_addr_t o[105];

	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 120, 120, 0), SIM_OK);
	/* 5 full slabs (the second refill saw slabs_free: free_touched) */
	for (int i = 0; i < 105; i++)
		o[i] = xalloc(sim, s);
	ck_assert_uint_eq(s->acct.slabs, 5);
	for (int i = 0; i < 105; i++)
		xfree(sim, s, o[i]);		/* all in the array (105 <= 120) */
	/* retuning empties the array into the slabs: 105 <= 261, all 5 stay */
	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 120, 120, 0), SIM_OK);
	ck_assert_uint_eq(stat(sim, s, "slabs_free"), 5);
	/* 5 s: the first node reap only clears free_touched */
	sim_advance(sim, 5 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(s->acct.slabs, 5);
	/* 9 s: 3 go, from the tail; 13 s: the other 2 */
	sim_advance(sim, 4 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(s->acct.slabs, 2);
	ck_assert_uint_eq(stat(sim, s, "reaped"), 3);
	sim_advance(sim, 4 * SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(s->acct.slabs, 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Shrink, destroy, off-slab freelists ---- */

START_TEST(test_shrink)
{
	struct sim *sim = mk(2);
	struct kmem_cache *s = mkcache(sim, "sh", 192, 8, false, 0);
	sim_addr_t keep, o[30];

	/* 30 objects on CPU 0: slab A (21) and 9 of B */
	for (int i = 0; i < 30; i++)
		o[i] = xalloc(sim, s);
	keep = o[29];
	for (int i = 0; i < 29; i++)
		xfree(sim, s, o[i]);
	/* everything but one object sits in CPU 0's array or slabs */
	ck_assert_uint_eq(s->acct.slabs, 2);
	/* shrink: the arrays go back, every slab without objects is freed:
	 * only the slab holding `keep` stays */
	ck_assert_uint_eq(kmem_cache_shrink(sim, s), 1);
	ck_assert_uint_eq(s->acct.slabs, 1);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 0);
	ck_assert_uint_eq(slabinfo(sim, s).active_objs, 1);
	xfree(sim, s, keep);
	ck_assert_uint_eq(kmem_cache_shrink(sim, s), 1);
	ck_assert_uint_eq(s->acct.slabs, 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_off_slab_freelist)
{
	struct sim *sim = mk(2);
	struct kmem_cache *k32 = slab_cache_by_name(sim, "kmalloc-32");
	struct kmem_cache *s = mkcache(sim, "ctor512", 512, 8, true, 0);
	uint64_t live0 = k32->acct.live;
	sim_addr_t a;

	ck_assert_uint_eq(info(sim, s, "off_slab"), 1);
	/* growing a slab kmallocs its 8-byte index from kmalloc-32 */
	a = xalloc(sim, s);
	ck_assert_uint_eq(k32->acct.live, live0 + 1);
	ck_assert_uint_eq(s->acct.ctor_calls, 8);	/* the whole slab constructed */
	xfree(sim, s, a);
	/* destroying the slab gives the index back */
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert_uint_eq(k32->acct.live, live0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Tuning ---- */

START_TEST(test_tune_rules)
{
	struct sim *sim = mk(2);
	struct kmem_cache *s = mkcache(sim, "t", 192, 8, false, 0);
	const struct slab_ops *ops = slab_policy(sim);
	static const int bad[][3] = {
		{ 0, 1, 0 },	/* limit < 1 */
		{ 10, 0, 0 },	/* batchcount < 1 */
		{ 10, 11, 0 },	/* batchcount > limit */
		{ 10, 5, -1 },	/* shared < 0 */
	};
	struct sim_config cfg;
	struct sim *slub;
	sim_cache_t h;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(ops->tune(sim, s, bad[i][0], bad[i][1], bad[i][2]), SIM_EINVAL);
		ck_assert_ptr_nonnull(strstr(sim_last_reason(sim), "ignored"));
		ck_assert_uint_eq(slabinfo(sim, s).limit, 120);
		ck_assert_uint_eq(slabinfo(sim, s).batchcount, 60);
		ck_assert_uint_eq(slabinfo(sim, s).shared, 8);
	}
	/* one allocation leaves 15 objects in CPU 0's array */
	xalloc(sim, s);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 15);
	/* retune: the old arrays go back to the slabs; free_limit = 3 * 5 + 21 */
	ck_assert_int_eq(ops->tune(sim, s, 10, 5, 2), SIM_OK);
	ck_assert_uint_eq(slabinfo(sim, s).limit, 10);
	ck_assert_uint_eq(slabinfo(sim, s).batchcount, 5);
	ck_assert_uint_eq(slabinfo(sim, s).shared, 2);
	ck_assert_uint_eq(stat(sim, s, "cpu_avail"), 0);
	ck_assert_uint_eq(slabinfo(sim, s).active_objs, 1);
	ck_assert_uint_eq(info(sim, s, "free_limit"), 36);
	/* a per-CPU array is one percpu unit at most: 16 + 8 * 4094 = 32768 */
	ck_assert_int_eq(ops->tune(sim, s, 4095, 1, 0), SIM_ENOMEM);
	ck_assert_uint_eq(slabinfo(sim, s).limit, 10);
	ck_assert_int_eq(ops->tune(sim, s, 4094, 1, 0), SIM_OK);
	/* through the public API */
	h = sim_cache_find(sim, "t");
	ck_assert_int_eq(sim_cache_tune(sim, h, 32, 16, 0), SIM_OK);
	ck_assert_uint_eq(slabinfo(sim, s).limit, 32);
	ck_assert(slab_validate(sim));
	sim_free(sim);
	/* SLUB has no tunables */
	sim_config_init(&cfg);
	cfg.policy = "slub";
	slub = tu_sim_cfg(&cfg);
	ck_assert_int_eq(sim_cache_create(slub, "t", 192, NULL, &h), SIM_OK);
	ck_assert_int_eq(sim_cache_tune(slub, h, 10, 5, 2), SIM_EINVAL);
	sim_free(slub);
}
END_TEST

/* ---- /proc/slabinfo ---- */

START_TEST(test_slabinfo_lines)
{
	struct sim *sim = mk(2);
	struct kmem_cache *s = mkcache(sim, "t192", 192, 8, false, 0);
	struct tbuf b;
	char line[256];
	sim_addr_t o[3];

	/* one allocation: a slab of 21, 16 taken by the refill (15 cached):
	 * free_objects 5, active_objs 21 - 5 = 16; 1 slab, not free */
	xalloc(sim, s);
	ck_assert_str_eq(slabinfo_line(sim, "t192", &b, line, sizeof line),
			 "t192             "		/* %-17s */
			 "     16"			/* active_objs */
			 "     21"			/* num_objs */
			 "    192"			/* objsize */
			 "   21"			/* objperslab */
			 "    1"			/* pagesperslab */
			 " : tunables  120   60    8"
			 " : slabdata      1      1      0");
	/* limit 2, batchcount 1, shared 8: allocate 3 and free them on CPU 0;
	 * the third free flushes the oldest into the shared array */
	ck_assert_int_eq(slab_policy(sim)->tune(sim, s, 2, 1, 8), SIM_OK);
	kmem_cache_shrink(sim, s);
	ck_assert_uint_eq(s->acct.slabs, 1);	/* the live object's slab */
	for (int i = 0; i < 3; i++)
		o[i] = xalloc(sim, s);
	for (int i = 0; i < 3; i++)
		xfree(sim, s, o[i]);
	/* 1 live + 2 in CPU 0's array + 1 shared = 4 active, sharedavail 1 */
	ck_assert_str_eq(slabinfo_line(sim, "t192", &b, line, sizeof line),
			 "t192             "
			 "      4"
			 "     21"
			 "    192"
			 "   21"
			 "    1"
			 " : tunables    2    1    8"
			 " : slabdata      1      1      1");
	sim_free(sim);
}
END_TEST

/* ---- NUMA ---- */

START_TEST(test_alien_arrays)
{
	/* two nodes, CPU 0 on node 0 and CPU 1 on node 1; 192 bytes: limit
	 * 120, so the alien arrays hold 12 */
	struct sim *sim = mk_ram(2, 2, -1, 0);
	struct kmem_cache *s = mkcache(sim, "n192", 192, 8, false, 0);
	struct tbuf b = { .n = 0 };
	sim_addr_t o[13];

	on_cpu(sim, 0);
	for (int i = 0; i < 13; i++)
		o[i] = xalloc(sim, s);
	ck_assert_uint_eq(slab_of_addr(sim, o[0])->node, 0);
	/* freed on node 1: into node 1's alien array for node 0 */
	on_cpu(sim, 1);
	for (int i = 0; i < 12; i++)
		xfree(sim, s, o[i]);
	ck_assert_uint_eq(stat(sim, s, "alien_avail"), 12);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 0);
	/* the 13th finds it full: its 12 go to node 0's shared array first */
	xfree(sim, s, o[12]);
	ck_assert_uint_eq(stat(sim, s, "alienoverflow"), 1);
	ck_assert_uint_eq(stat(sim, s, "remotefrees"), 13);
	ck_assert_uint_eq(stat(sim, s, "alien_avail"), 1);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 12);
	slab_policy(sim)->dump(sim, s, tbuf_write, &b);
	ck_assert_ptr_nonnull(strstr(b.s, "node1 alien0: 1/12\n"));
	ck_assert(slab_validate(sim));
	/* 1 s: CPU 1 reaps its alien array for node 0 (slab_reap_node starts
	 * at the next node): into node 0's shared array, room for it */
	sim_advance(sim, SIM_NSEC_PER_SEC);
	ck_assert_uint_eq(stat(sim, s, "alien_avail"), 0);
	ck_assert_uint_eq(stat(sim, s, "shared_avail"), 13);
	ck_assert_uint_eq(sim_current_cpu(sim), 1);	/* the reaper restored the CPU */
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Workloads: invariants, determinism, exhaustion ---- */

static void workload(struct sim *sim, sim_addr_t *trace, size_t n)
{
	struct kmem_cache *c[3];
	sim_addr_t live[512] = { 0 };
	struct kmem_cache *lc[512] = { NULL };

	c[0] = mkcache(sim, "w64", 64, 8, false, 0);
	c[1] = mkcache(sim, "w700", 700, 8, true, 0);	/* off-slab */
	c[2] = mkcache(sim, "w3000", 3000, 8, false, 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = sim_rand_u64(sim);
		size_t k = (r >> 8) % 512;

		on_cpu(sim, (unsigned)((r >> 20) % sim_nr_cpus(sim)));
		if (live[k]) {
			if (lc[k])
				xfree(sim, lc[k], live[k]);
			else
				kfree(sim, live[k]);
			live[k] = 0;
			trace[i] = 0;
		} else if ((r & 7) < 6) {
			lc[k] = c[(r >> 32) % 3];
			live[k] = trace[i] = xalloc(sim, lc[k]);
		} else {
			lc[k] = NULL;
			live[k] = trace[i] = kmalloc(sim, 1 + (r >> 40) % 5000, GFP_KERNEL);
			ck_assert(live[k] != SIM_ADDR_NONE);
		}
		if (i % 1000 == 999)
			sim_advance(sim, SIM_NSEC_PER_SEC / 2);
		if (i % 3001 == 3000)
			kmem_cache_shrink(sim, c[(r >> 44) % 3]);
		if (i % 4001 == 4000)
			ck_assert_int_eq(slab_policy(sim)->tune(sim, c[0], 16 + (int)(r % 64),
								8, (int)(r >> 50) % 3), SIM_OK);
		if (i % 997 == 0)
			ck_assert(slab_validate(sim));
	}
	for (size_t k = 0; k < 512; k++) {
		if (!live[k])
			continue;
		if (lc[k])
			xfree(sim, lc[k], live[k]);
		else
			kfree(sim, live[k]);
	}
	ck_assert(slab_validate(sim));
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(c[i]->acct.live, 0);
		ck_assert_int_eq(kmem_cache_destroy(sim, c[i]), SIM_OK);
	}
	ck_assert(slab_validate(sim));
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
}

START_TEST(test_workload_numa)
{
	enum { N = 12000 };
	sim_addr_t *t = calloc(N, sizeof *t);
	struct sim *sim = mk_ram(4, 2, -1, 0);

	workload(sim, t, N);
	sim_free(sim);
	free(t);
}
END_TEST

START_TEST(test_determinism)
{
	enum { N = 12000 };
	sim_addr_t *a = calloc(N, sizeof *a), *b = calloc(N, sizeof *b);
	struct sim *s1 = mk(2), *s2 = mk(2);

	workload(s1, a, N);
	workload(s2, b, N);
	ck_assert(memcmp(a, b, N * sizeof *a) == 0);
	ck_assert_uint_eq(sim_now(s1), sim_now(s2));
	sim_free(s1);
	sim_free(s2);
	free(a);
	free(b);
}
END_TEST

/* the gfp of the page allocations and failures seen by a sink */
struct gfp_log {
	unsigned nalloc, nfail;
	gfp_t first_alloc;
	gfp_t fail[8];
};

static void gfp_sink(void *ud, const struct sim_event *ev)
{
	struct gfp_log *l = ud;

	if (ev->type == SIM_EV_PAGE_ALLOC && l->nalloc++ == 0)
		l->first_alloc = (gfp_t)ev->c;
	if (ev->type == SIM_EV_ALLOC_FAIL && l->nfail < ARRAY_SIZE(l->fail))
		l->fail[l->nfail++] = (gfp_t)ev->b;
}

START_TEST(test_exhaustion)
{
	/* 16 MiB: 8 KiB objects (order 1) until the page allocator says no */
	struct sim *sim = mk_ram(1, 1, -1, UINT64_C(16) << 20);
	struct kmem_cache *s = mkcache(sim, "big", 8192, 8, false, 0);
	sim_addr_t *o = calloc(4096, sizeof *o);
	struct gfp_log log = { 0 };
	/* gfp_exact_node(GFP_KERNEL) | __GFP_COMP: this node, no reclaim at
	 * all (kswapd included), no warning */
	const gfp_t exact = __GFP_IO | __GFP_FS | __GFP_THISNODE | __GFP_NOWARN | __GFP_COMP;
	size_t n = 0;

	ck_assert_int_eq(sim_sink_add(sim, gfp_sink, &log), SIM_OK);
	while (n < 4096 && (o[n] = kmem_cache_alloc(sim, s, GFP_KERNEL)) != SIM_ADDR_NONE)
		n++;
	ck_assert_msg(n > 100 && n < 4096, "%zu objects", n);
	ck_assert_uint_eq(s->acct.alloc_fails, 1);
	/* a refill grows with gfp_exact_node() */
	ck_assert_uint_eq(log.first_alloc, exact);
	/* the failure tried three times: the refill's grow, ____cache_alloc_node()'s
	 * grow (both exact), then fallback_alloc() with the caller's flags */
	ck_assert_uint_eq(log.nfail, 3);
	ck_assert_uint_eq(log.fail[0], exact);
	ck_assert_uint_eq(log.fail[1], exact);
	ck_assert_uint_eq(log.fail[2], GFP_KERNEL | __GFP_COMP);
	sim_sink_remove(sim, gfp_sink, &log);
	ck_assert(slab_validate(sim));
	while (n)
		xfree(sim, s, o[--n]);
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert(slab_validate(sim));
	free(o);
	sim_free(sim);
}
END_TEST

static Suite *slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("slab");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_geometry_issue_examples);
	tcase_add_test(tc, test_geometry_placement_rules);
	tcase_add_test(tc, test_slab_max_order);
	tcase_add_test(tc, test_array_limits);
	tcase_add_test(tc, test_kmalloc_classes);
	tcase_add_test(tc, test_colour_sequence);
	tcase_add_test(tc, test_refill_batch_limit);
	tcase_add_test(tc, test_refill_partial_before_free);
	tcase_add_test(tc, test_refill_partial_stays_head);
	tcase_add_test(tc, test_refill_batch_across_slabs);
	tcase_add_test(tc, test_free_to_partial_tail);
	tcase_add_test(tc, test_free_limit_destroys_last_free_slab);
	tcase_add_test(tc, test_shared_array);
	tcase_add_test(tc, test_shared_array_room);
	tcase_add_test(tc, test_cache_reap);
	tcase_add_test(tc, test_reap_free_slabs);
	tcase_add_test(tc, test_shrink);
	tcase_add_test(tc, test_off_slab_freelist);
	tcase_add_test(tc, test_tune_rules);
	tcase_add_test(tc, test_slabinfo_lines);
	tcase_add_test(tc, test_alien_arrays);
	tcase_add_test(tc, test_workload_numa);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_exhaustion);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(slab_suite());
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slub.c - SLUB against a real 6.18 kernel: geometry of the kmalloc
 * caches (tests/data/kmalloc-caches-6.18.txt), §6.2/§11 examples, partial
 * lists, deactivation, drain, shrink, merging, sheaves, slub_debug
 *
 * Every expectation is derived by hand from kernel-model.md §6 (reasoning
 * in the comments), never by running the code under test.
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

static struct sim *mk(unsigned cpus, const char *slub_debug, bool nomerge)
{
	struct sim_config cfg;
	char err[256];
	struct sim *sim;

	sim_config_init(&cfg);
	cfg.cpus = cpus;
	cfg.policy = "slub";
	cfg.slub_debug = slub_debug;
	cfg.slab_nomerge = nomerge;
	sim = sim_new(&cfg, err, sizeof err);
	ck_assert_msg(sim != NULL, "sim_new: %s", err);
	return sim;
}

struct tbuf {
	char s[8192];
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

static const char *dump(const struct sim *sim, const struct kmem_cache *s,
			struct tbuf *b)
{
	b->n = 0;
	b->s[0] = '\0';
	slab_policy(sim)->dump(sim, s, tbuf_write, b);
	return b->s;
}

/* the value of a SLUB statistic by its sysfs name */
static uint64_t slub_stat(const struct sim *sim, const struct kmem_cache *s,
			  const char *name)
{
	struct sim_field f[SLAB_MAX_FIELDS];
	size_t n = slab_policy(sim)->stat_fields(sim, s, f, SLAB_MAX_FIELDS);

	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].value;
	ck_abort_msg("no statistic %s", name);
	return 0;
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

static void on_cpu(struct sim *sim, unsigned cpu)
{
	ck_assert_int_eq(sim_set_cpu(sim, cpu), SIM_OK);
}

/* ---- kmalloc caches against the real 6.18 machine ---- */

START_TEST(test_kmalloc_caches_reference)
{
	struct sim *sim = mk(2, NULL, false);
	char path[512], line[512];
	FILE *f = fopen(tu_data_path("tests/data/kmalloc-caches-6.18.txt", 0, path,
				     sizeof path), "r");
	int lines = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f)) {
		char name[64];
		unsigned osz, ssz, order, objs, align, hw, ra, dma, minp, cpup;
		static const char *const prefixes[] = {
			"kmalloc-", "kmalloc-rcl-", "dma-kmalloc-", "kmalloc-cg-"
		};

		if (line[0] == '#' || line[0] == '\n')
			continue;
		ck_assert_int_eq(sscanf(line, "%63s object_size=%u slab_size=%u order=%u "
					"objs_per_slab=%u align=%u hwcache_align=%u "
					"reclaim_account=%u cache_dma=%u min_partial=%u "
					"cpu_partial=%u", name, &osz, &ssz, &order, &objs,
					&align, &hw, &ra, &dma, &minp, &cpup), 11);
		/* the same geometry for all four types of the class */
		for (size_t t = 0; t < 4; t++) {
			char nm[80];
			struct kmem_cache *s;

			snprintf(nm, sizeof nm, "%s%s", prefixes[t], name + 8);
			s = slab_cache_by_name(sim, nm);
			ck_assert_msg(s != NULL, "no cache %s", nm);
			ck_assert_uint_eq(s->object_size, osz);
			ck_assert_uint_eq(s->size, ssz);
			ck_assert_uint_eq(s->order, order);
			ck_assert_uint_eq(s->objects, objs);
			ck_assert_uint_eq(s->align, align);
			ck_assert_uint_eq(s->min_partial, minp);
			ck_assert_uint_eq(s->cpu_partial, cpup);
			ck_assert_uint_eq(!!(s->flags & SLAB_HWCACHE_ALIGN), hw);
			ck_assert_uint_eq(!!(s->flags & SLAB_RECLAIM_ACCOUNT), t == 1);
			ck_assert_uint_eq(!!(s->flags & SLAB_CACHE_DMA), t == 2);
			ck_assert_uint_eq(!!(s->flags & SLAB_ACCOUNT), t == 3);
		}
		lines++;
	}
	fclose(f);
	/* 13 classes: 8 16 32 64 96 128 192 256 512 1k 2k 4k 8k, 4 types each */
	ck_assert_int_eq(lines, 13);
	ck_assert_uint_eq(slab_nr_caches(sim), 52);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* kmalloc_index() closed form (§6.10), written independently of the table */
static size_t expected_class(size_t size)
{
	size_t p = 8;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	while (p < size)
		p *= 2;
	return p;
}

START_TEST(test_kmalloc_classes)
{
	struct sim *sim = mk(2, NULL, false);
	uint64_t pages0, un0, re0, un, re;

	for (size_t size = 1; size <= 8192; size++) {
		struct kmem_cache *s = kmalloc_slab(sim, size, GFP_KERNEL);

		ck_assert_msg(s && s->object_size == expected_class(size),
			      "size %zu -> %s", size, s ? s->name : "none");
		ck_assert_str_eq(s->name, slab_cache_by_name(sim, s->name)->name);
		ck_assert_uint_eq(kmalloc_size_roundup(sim, size), expected_class(size));
	}
	/* the types: DMA > RECLAIMABLE > ACCOUNT */
	ck_assert_str_eq(kmalloc_slab(sim, 100, GFP_KERNEL)->name, "kmalloc-128");
	ck_assert_str_eq(kmalloc_slab(sim, 100, GFP_KERNEL_ACCOUNT)->name, "kmalloc-cg-128");
	ck_assert_str_eq(kmalloc_slab(sim, 100, GFP_KERNEL | __GFP_RECLAIMABLE)->name,
			 "kmalloc-rcl-128");
	ck_assert_str_eq(kmalloc_slab(sim, 100, GFP_KERNEL_ACCOUNT | __GFP_RECLAIMABLE)->name,
			 "kmalloc-rcl-128");
	ck_assert_str_eq(kmalloc_slab(sim, 100, GFP_DMA | __GFP_RECLAIMABLE)->name,
			 "dma-kmalloc-128");
	ck_assert_str_eq(kmalloc_slab(sim, 3000, GFP_ATOMIC)->name, "kmalloc-4k");
	ck_assert_str_eq(kmalloc_slab(sim, 8192, GFP_KERNEL)->name, "kmalloc-8k");
	ck_assert_ptr_null(kmalloc_slab(sim, 8193, GFP_KERNEL));

	/* large path: 8193 bytes are get_order(8193) = 2: four pages, unreclaimable */
	sim_slab_vmstat(sim, &re0, &un0);
	pages0 = sim->stats.kmalloc_large;
	{
		sim_addr_t p = kmalloc(sim, 8193, GFP_KERNEL | __GFP_RECLAIMABLE);

		ck_assert(p != SIM_ADDR_NONE);
		ck_assert_uint_eq(ksize(sim, p), 16384);
		ck_assert_uint_eq(kmalloc_size_roundup(sim, 8193), 16384);
		sim_slab_vmstat(sim, &re, &un);
		ck_assert_uint_eq(un - un0, 4);
		ck_assert_uint_eq(re, re0);
		ck_assert_uint_eq(sim->stats.kmalloc_large - pages0, 1);
		ck_assert_int_eq(kfree(sim, p), SIM_OK);
		sim_slab_vmstat(sim, &re, &un);
		ck_assert_uint_eq(un, un0);
	}
	/* 4 MiB is order 10, the largest; one byte more fails */
	{
		sim_addr_t p = kmalloc(sim, 4u << 20, GFP_KERNEL);

		ck_assert(p != SIM_ADDR_NONE);
		ck_assert_uint_eq(ksize(sim, p), 4u << 20);
		kfree(sim, p);
		ck_assert(kmalloc(sim, (4u << 20) + 1, GFP_KERNEL) == SIM_ADDR_NONE);
		ck_assert(strstr(sim_last_reason(sim), "KMALLOC_MAX_SIZE") != NULL);
	}
	/* a reclaimable kmalloc object's slab counts as NR_SLAB_RECLAIMABLE */
	{
		sim_addr_t p = kmalloc(sim, 64, GFP_KERNEL | __GFP_RECLAIMABLE);

		sim_slab_vmstat(sim, &re, &un);
		ck_assert_uint_eq(re - re0, 1);	/* kmalloc-rcl-64: order 0 */
		kfree(sim, p);
	}
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_trace_pairs)
{
	struct sim *sim = mk(2, NULL, false);
	char path[512], line[128];
	FILE *f = fopen(tu_data_path("tests/data/kmalloc-trace-pairs.txt", 0, path,
				     sizeof path), "r");
	int n = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f)) {
		unsigned long req, alloc;
		sim_addr_t p;

		if (line[0] == '#')
			continue;
		ck_assert_int_eq(sscanf(line, "%lu %lu", &req, &alloc), 2);
		p = kmalloc(sim, req, GFP_KERNEL);
		ck_assert(p != SIM_ADDR_NONE);
		ck_assert_msg(ksize(sim, p) == alloc, "kmalloc(%lu): ksize %zu, trace %lu",
			      req, ksize(sim, p), alloc);
		kfree(sim, p);
		n++;
	}
	fclose(f);
	ck_assert_int_eq(n, 77);
	sim_free(sim);
}
END_TEST

/* ---- §6.2 and §11 geometry examples ---- */

START_TEST(test_geometry_examples)
{
	struct sim *sim = mk(2, NULL, true);
	struct kmem_cache *s;

	/*
	 * anon_vma: 96-byte objects, SLAB_TYPESAFE_BY_RCU and a ctor: the free
	 * pointer cannot live in the object, so it goes after it: offset 96,
	 * size 96 + 8 = 104 (align 8).  Order: min_objects = 4 * (fls(2) + 1)
	 * = 12, 12 * 104 = 1248 -> order 0; 4096 % 104 = 40 <= 4096/16 -> 0,
	 * 39 objects.
	 */
	s = mkcache(sim, "anon_vma", 96, 0, true, SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT);
	ck_assert_uint_eq(s->size, 104);
	ck_assert_uint_eq(s->offset, 96);
	ck_assert_uint_eq(s->inuse, 96);
	ck_assert_uint_eq(s->order, 0);
	ck_assert_uint_eq(s->objects, 39);
	/* ksize of an RCU cache is inuse: the free pointer is not usable */
	ck_assert_uint_eq(ksize(sim, xalloc(sim, s)), 96);

	/*
	 * radix_tree_node: 576 bytes with a ctor -> 584.  12 * 584 = 7008 ->
	 * order 1; 8192 % 584 = 16 <= 512 -> order 1, 14 objects.
	 */
	s = mkcache(sim, "radix_tree_node", 576, 0, true, SLAB_RECLAIM_ACCOUNT);
	ck_assert_uint_eq(s->size, 584);
	ck_assert_uint_eq(s->order, 1);
	ck_assert_uint_eq(s->objects, 14);
	ck_assert_uint_eq(s->min_partial, 5);	/* ilog2(584)/2 = 4 -> 5 */
	ck_assert_uint_eq(s->cpu_partial, 52);	/* 256 <= 584 < 1024 */
	ck_assert_uint_eq(s->cpu_partial_slabs, 8);	/* ceil(104 / 14) */

	/* TCP: 2304 bytes, HWCACHE_ALIGN | RCU: 2312 aligned to 64 = 2368;
	 * 12 * 2368 -> order 3: 32768 % 2368 = 1984 <= 2048 -> 13 objects */
	s = mkcache(sim, "TCP", 2304, 0, false, SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU);
	ck_assert_uint_eq(s->size, 2368);
	ck_assert_uint_eq(s->align, 64);
	ck_assert_uint_eq(s->order, 3);
	ck_assert_uint_eq(s->objects, 13);
	ck_assert_uint_eq(s->cpu_partial, 24);

	/* sock_inode_cache 768 + ctor -> 776 -> 832; bio-448 + RCU -> 456 -> 512 */
	s = mkcache(sim, "sock_inode_cache", 768, 0, true,
		    SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT);
	ck_assert_uint_eq(s->size, 832);
	s = mkcache(sim, "bio-448", 448, 8, false, SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU);
	ck_assert_uint_eq(s->size, 512);

	/* without ctor/RCU the free pointer sits in the middle: 96/2 = 48 */
	s = mkcache(sim, "plain96", 96, 0, false, 0);
	ck_assert_uint_eq(s->size, 96);
	ck_assert_uint_eq(s->offset, 48);
	ck_assert_uint_eq(ksize(sim, xalloc(sim, s)), 96);

	/* HWCACHE_ALIGN shrinks for small objects: 64 -> 32 -> 16 for 16 bytes */
	s = mkcache(sim, "hw16", 16, 0, false, SLAB_HWCACHE_ALIGN);
	ck_assert_uint_eq(s->align, 16);
	ck_assert_uint_eq(s->size, 16);
	s = mkcache(sim, "hw72", 72, 0, false, SLAB_HWCACHE_ALIGN);
	ck_assert_uint_eq(s->align, 64);
	ck_assert_uint_eq(s->size, 128);
	s = mkcache(sim, "hw8", 8, 0, false, SLAB_HWCACHE_ALIGN);
	ck_assert_uint_eq(s->align, 8);
	s = mkcache(sim, "hw33", 33, 0, false, SLAB_HWCACHE_ALIGN);
	ck_assert_uint_eq(s->align, 64);	/* 33 > 32: no halving */
	ck_assert_uint_eq(calculate_alignment(0, 0, 1), 8);
	ck_assert_uint_eq(calculate_alignment(0, 4, 100), 8);
	ck_assert_uint_eq(calculate_alignment(0, 256, 100), 256);

	/* a large object: 51472 bytes (kvm_vcpu) -> order 4, one object,
	 * min_partial = ilog2(51472)/2 = 7, cpu_partial 6 */
	s = mkcache(sim, "kvm_vcpu", 51472, 0, false, 0);
	ck_assert_uint_eq(s->order, 4);
	ck_assert_uint_eq(s->objects, 1);
	ck_assert_uint_eq(s->min_partial, 7);
	ck_assert_uint_eq(s->cpu_partial, 6);
	ck_assert_uint_eq(s->cpu_partial_slabs, 12);

	/* an impossible object is refused */
	ck_assert_ptr_null(kmem_cache_create(sim, "huge", (4u << 20) + 1, NULL, 0));
	ck_assert_ptr_null(kmem_cache_create(sim, "zero", 0, NULL, 0));
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_order_options)
{
	struct sim_config cfg;
	struct sim *sim;
	struct kmem_cache *s;

	/* 4 CPUs: min_objects = 4 * (fls(4) + 1) = 16; 584 * 16 = 9344 ->
	 * order 2: 16384 % 584 = 32 <= 1024 -> 28 objects (the familiar
	 * radix_tree_node line of bigger machines) */
	sim = mk(4, NULL, true);
	s = mkcache(sim, "radix_tree_node", 576, 0, true, SLAB_RECLAIM_ACCOUNT);
	ck_assert_uint_eq(s->order, 2);
	ck_assert_uint_eq(s->objects, 28);
	sim_free(sim);

	/* slub_max_order=0 puts a 1024-byte cache on single pages (4 objects);
	 * slub_min_objects=2 takes order 0 for 1k objects too */
	sim_config_init(&cfg);
	cfg.slub_max_order = 0;
	sim = sim_new(&cfg, NULL, 0);
	ck_assert_ptr_nonnull(sim);
	s = slab_cache_by_name(sim, "kmalloc-1k");
	ck_assert_uint_eq(s->order, 0);
	ck_assert_uint_eq(s->objects, 4);
	/* 8k cannot fit order 0: get_order(8192) = 1 */
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-8k")->order, 1);
	sim_free(sim);

	sim_config_init(&cfg);
	cfg.slub_min_objects = 2;
	sim = sim_new(&cfg, NULL, 0);
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-1k")->order, 0);
	/* 2 * 4096 -> order 1, 2 objects */
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-4k")->order, 1);
	sim_free(sim);

	sim_config_init(&cfg);
	cfg.slub_min_order = 2;
	sim = sim_new(&cfg, NULL, 0);
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-8")->order, 2);
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-8")->objects, 2048);
	sim_free(sim);
}
END_TEST

/* ---- Partial lists ---- */

/*
 * "t256": 256-byte objects, 16 per order-0 slab; min_partial =
 * clamp(ilog2(256)/2 = 4, 5, 10) = 5; cpu_partial = 52 (size >= 256),
 * cpu_partial_slabs = ceil(2 * 52 / 16) = 7.
 */
START_TEST(test_partial_drain_and_min_partial)
{
	struct sim *sim = mk(2, NULL, true);
	struct kmem_cache *s = mkcache(sim, "t256", 256, 0, false, 0);
	sim_addr_t obj[10][16];
	uint64_t pages0;
	struct tbuf b;

	ck_assert_uint_eq(s->min_partial, 5);
	ck_assert_uint_eq(s->cpu_partial_slabs, 7);

	/* CPU 0 fills ten slabs S1..S10; S10 stays its (full) cpu slab */
	on_cpu(sim, 0);
	for (int k = 0; k < 10; k++)
		for (int i = 0; i < 16; i++)
			obj[k][i] = xalloc(sim, s);
	ck_assert_uint_eq(s->acct.slabs, 10);
	/* a new slab hands out its objects in address order */
	for (int i = 1; i < 16; i++)
		ck_assert(obj[0][i] == obj[0][i - 1] + 256);
	pages0 = s->acct.pages;

	/*
	 * CPU 1 frees everything.  The first free into each full slab puts it
	 * on CPU 1's partial list; emptied slabs there stay put.  S1..S7 fill
	 * the list to cpu_partial_slabs = 7 without a drain.
	 */
	on_cpu(sim, 1);
	for (int k = 0; k < 7; k++)
		for (int i = 0; i < 16; i++)
			ck_assert_int_eq(kmem_cache_free(sim, s, obj[k][i]), SIM_OK);
	ck_assert_uint_eq(slub_stat(sim, s, "cpu_partial_drain"), 0);
	ck_assert_uint_eq(slub_stat(sim, s, "cpu_partial_free"), 7);
	ck_assert_uint_eq(s->acct.pages, pages0);	/* nothing freed yet */

	/*
	 * The first free into S8 finds the list full: the chain S7..S1 goes to
	 * the node (__put_partials, in chain order).  The node has no partial
	 * slab, so S7, S6, S5, S4, S3 are kept (empty, at the tail) until
	 * nr_partial reaches min_partial = 5; S2 and S1 are freed.
	 */
	ck_assert_int_eq(kmem_cache_free(sim, s, obj[7][0]), SIM_OK);
	ck_assert_uint_eq(slub_stat(sim, s, "cpu_partial_drain"), 1);
	ck_assert_uint_eq(slub_stat(sim, s, "deactivate_empty"), 2);
	ck_assert_uint_eq(s->acct.pages, pages0 - 2);
	{
		char want[512];

		snprintf(want, sizeof want,
			 "node0: slabs 8 objects 128 partial 5: 0x%llx(16) 0x%llx(16) "
			 "0x%llx(16) 0x%llx(16) 0x%llx(16)\n",
			 (unsigned long long)obj[6][0], (unsigned long long)obj[5][0],
			 (unsigned long long)obj[4][0], (unsigned long long)obj[3][0],
			 (unsigned long long)obj[2][0]);
		ck_assert_str_eq(strstr(dump(sim, s, &b), "node0"), want);
	}
	for (int i = 1; i < 16; i++)
		kmem_cache_free(sim, s, obj[7][i]);
	for (int i = 0; i < 16; i++)
		kmem_cache_free(sim, s, obj[8][i]);
	/* S10 is CPU 0's frozen cpu slab: frees from CPU 1 are FREE_FROZEN */
	for (int i = 0; i < 16; i++)
		kmem_cache_free(sim, s, obj[9][i]);
	ck_assert_uint_eq(slub_stat(sim, s, "free_frozen"), 16);
	ck_assert_uint_eq(s->acct.live, 0);
	/* slabinfo: cpu slab and cpu partial slabs count as active */
	{
		struct slabinfo si;

		slab_policy(sim)->slabinfo(sim, s, &si);
		ck_assert_uint_eq(si.num_slabs, 8);
		ck_assert_uint_eq(si.num_objs, 128);
		ck_assert_uint_eq(si.active_objs, 128 - 5 * 16);
	}
	/*
	 * Shrink: flush CPU 0 (S10 empty, 5 on the node -> freed), CPU 1's
	 * chain S9, S8 (empty, node has 5 -> freed), then the five empty node
	 * slabs: everything goes back, 8 pages.
	 */
	ck_assert_uint_eq(kmem_cache_shrink(sim, s), 8);
	ck_assert_uint_eq(s->acct.pages, 0);
	ck_assert(slab_validate(sim));
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	sim_free(sim);
}
END_TEST

START_TEST(test_shrink_sorts_fullest_first)
{
	struct sim *sim = mk(2, NULL, true);
	struct kmem_cache *s = mkcache(sim, "t256", 256, 0, false, 0);
	struct kmem_cache *t = mkcache(sim, "t8", 8, 0, false, 0);
	sim_addr_t o[4][16], e[1025];
	static const int nfree[4] = { 10, 3, 16, 7 };	/* A B C D */
	struct tbuf b;
	char want[512];

	/* four full slabs A B C D on CPU 0; D is its cpu slab */
	on_cpu(sim, 0);
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < 16; i++)
			o[k][i] = xalloc(sim, s);
	on_cpu(sim, 1);
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < nfree[k]; i++)
			kmem_cache_free(sim, s, o[k][i]);
	/* CPU 1's chain is C B A (LIFO); D stays CPU 0's cpu slab */
	snprintf(want, sizeof want, "cpu1: slab -; partial 0x%llx(16) 0x%llx(3) 0x%llx(10)\n",
		 (unsigned long long)o[2][0], (unsigned long long)o[1][0],
		 (unsigned long long)o[0][0]);
	ck_assert(strstr(dump(sim, s, &b), want) != NULL);
	/*
	 * Shrink: CPU 0 deactivates D (remote frees -> tail): node [D]; CPU 1's
	 * chain C B A goes to the tail: [D C B A].  Then C (empty) is freed and
	 * the rest sorted by free objects: B(3) D(7) A(10).
	 */
	ck_assert_uint_eq(kmem_cache_shrink(sim, s), 1);
	snprintf(want, sizeof want, "node0: slabs 3 objects 48 partial 3: 0x%llx(3) 0x%llx(7) 0x%llx(10)\n",
		 (unsigned long long)o[1][0], (unsigned long long)o[3][0],
		 (unsigned long long)o[0][0]);
	ck_assert_str_eq(strstr(dump(sim, s, &b), "node0"), want);

	/*
	 * "t8": 512 objects per slab.  E and F full, G holds 1 object and is
	 * CPU 0's cpu slab.  CPU 1 frees 100 of E and 5 of F: chain F E.
	 * Shrink: G deactivated to the head (no remote frees): [G], then F, E
	 * at the tail: [G F E].  F (5 free) is promoted to the head; G (511)
	 * and E (100) have more than 32 free and keep their order: [F G E].
	 */
	on_cpu(sim, 0);
	for (int i = 0; i < 1025; i++)
		e[i] = xalloc(sim, t);
	on_cpu(sim, 1);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(sim, t, e[i]);
	for (int i = 0; i < 5; i++)
		kmem_cache_free(sim, t, e[512 + i]);
	ck_assert_uint_eq(kmem_cache_shrink(sim, t), 0);
	snprintf(want, sizeof want, "node0: slabs 3 objects 1536 partial 3: 0x%llx(5) 0x%llx(511) 0x%llx(100)\n",
		 (unsigned long long)e[512], (unsigned long long)e[1024],
		 (unsigned long long)e[0]);
	ck_assert_str_eq(strstr(dump(sim, t, &b), "node0"), want);

	/* the next allocation on CPU 1 takes the head (fullest) slab F */
	{
		sim_addr_t a = xalloc(sim, t);

		ck_assert(a >= e[512] - 8 * 5 && a < e[512] + 8 * 512);
	}
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_cpu_slab_paths)
{
	struct sim *sim = mk(2, NULL, true);
	struct kmem_cache *s = mkcache(sim, "t256", 256, 0, false, 0);
	sim_addr_t a, b2, c;
	struct tbuf b;

	on_cpu(sim, 0);
	a = xalloc(sim, s);			/* new slab: ALLOC_SLAB */
	b2 = xalloc(sim, s);			/* fast path */
	ck_assert(b2 == a + 256);
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_slab"), 1);
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_fastpath"), 1);
	/* free on the owning CPU: LIFO on c->freelist */
	kmem_cache_free(sim, s, b2);
	ck_assert_uint_eq(slub_stat(sim, s, "free_fastpath"), 1);
	/* the common books count what the policy says each path was */
	ck_assert_uint_eq(s->acct.fastpath_allocs, 1);
	ck_assert_uint_eq(s->acct.fastpath_frees, 1);
	ck_assert(xalloc(sim, s) == b2);
	ck_assert_uint_eq(s->acct.fastpath_allocs, 2);	/* c->freelist again */
	/* free from CPU 1 into CPU 0's cpu slab: the slab freelist (remote) */
	on_cpu(sim, 1);
	kmem_cache_free(sim, s, a);
	ck_assert_uint_eq(slub_stat(sim, s, "free_frozen"), 1);
	ck_assert_uint_eq(s->acct.fastpath_frees, 1);	/* a slow path */
	/* CPU 0 empties c->freelist (14 more) and then refills from the
	 * slab's own freelist: a comes back (ALLOC_REFILL) */
	on_cpu(sim, 0);
	for (int i = 0; i < 14; i++)
		xalloc(sim, s);
	c = xalloc(sim, s);
	ck_assert(c == a);
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_refill"), 1);
	/* full now: the next allocation bypasses it and makes a new slab */
	xalloc(sim, s);
	ck_assert_uint_eq(slub_stat(sim, s, "deactivate_bypass"), 1);
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_slab"), 2);
	ck_assert(strstr(dump(sim, s, &b), "cpu0: slab 0x") != NULL);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

/* ---- Merging ---- */

START_TEST(test_merging)
{
	struct sim *sim = mk(2, NULL, false);
	struct kmem_cache *a, *b, *c, *d, *e;

	a = mkcache(sim, "a24", 24, 0, false, 0);
	/* 20 -> ALIGN(20, 8) = 24 <= 24 and 24 - 24 < 8: an alias of a24 */
	b = mkcache(sim, "b20", 20, 0, false, 0);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(a->refcount, 2);
	ck_assert_uint_eq(a->nr_aliases, 1);
	ck_assert_str_eq(a->aliases[0], "b20");
	ck_assert_ptr_eq(slab_cache_by_name(sim, "b20"), a);
	/* different SLAB_MERGE_SAME bits: a new cache */
	c = mkcache(sim, "c24", 24, 0, false, SLAB_ACCOUNT);
	ck_assert_ptr_ne(c, a);
	/* a second SLAB_ACCOUNT cache merges into c24, not a24 */
	ck_assert_ptr_eq(mkcache(sim, "c17", 17, 0, false, SLAB_ACCOUNT), c);
	/* a ctor, debug flags or NO_MERGE prevent merging */
	ck_assert_ptr_ne(mkcache(sim, "d24", 24, 0, true, 0), a);
	ck_assert_ptr_ne(mkcache(sim, "e24", 24, 0, false, SLAB_RED_ZONE), a);
	ck_assert_ptr_ne(mkcache(sim, "f24", 24, 0, false, SLAB_NO_MERGE), a);
	/* 16 bytes would waste 8 of a24's: no; 32 is bigger: no */
	d = mkcache(sim, "g16", 16, 0, false, 0);
	ck_assert_ptr_ne(d, a);
	ck_assert_uint_eq(d->size, 16);
	/* kmalloc caches are never merge targets (usercopy region) */
	e = mkcache(sim, "h64", 64, 0, false, 0);
	ck_assert_ptr_ne(e, slab_cache_by_name(sim, "kmalloc-64"));
	ck_assert_ptr_eq(mkcache(sim, "i60", 60, 0, false, 0), e);
	/* sheaves: never merged */
	{
		struct kmem_cache_args args = { .sheaf_capacity = 8 };

		ck_assert_ptr_ne(kmem_cache_create(sim, "j64", 64, &args, 0), e);
	}
	/* destroying an alias only drops a reference */
	ck_assert_int_eq(kmem_cache_destroy(sim, b), SIM_OK);
	ck_assert_int_eq(a->refcount, 1);
	ck_assert_ptr_eq(slab_cache_by_name(sim, "a24"), a);
	xalloc(sim, a);
	sim_free(sim);

	/* slab_nomerge */
	sim = mk(2, NULL, true);
	a = mkcache(sim, "a24", 24, 0, false, 0);
	ck_assert_ptr_ne(mkcache(sim, "b20", 20, 0, false, 0), a);
	sim_free(sim);
}
END_TEST

/* ---- Sheaves ---- */

START_TEST(test_sheaves)
{
	struct sim *sim = mk(2, NULL, true);
	struct kmem_cache_args args = { .sheaf_capacity = 32 };
	struct kmem_cache *s = kmem_cache_create(sim, "maple_node", 256, &args, 0);
	sim_addr_t first, x, y;
	struct tbuf b;

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->sheaf_capacity, 32);
	on_cpu(sim, 0);
	/*
	 * The first allocation finds main empty, no spare, an empty barn and
	 * may block: a new sheaf is filled with 32 objects from the slabs (two
	 * 16-object slabs: the first goes full onto no list, the second is the
	 * cpu slab) and the object on top (the 32nd) is returned.
	 */
	first = xalloc(sim, s);
	ck_assert_uint_eq(slub_stat(sim, s, "sheaf_refill"), 32);
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_cpu_sheaf"), 1);
	ck_assert_uint_eq(s->acct.slabs, 2);
	ck_assert_uint_eq(s->acct.live, 1);
	x = xalloc(sim, s);
	ck_assert(x == first - 256);	/* LIFO: the 31st */
	/* frees go back on the main sheaf, LIFO */
	kmem_cache_free(sim, s, x);
	ck_assert_uint_eq(slub_stat(sim, s, "free_cpu_sheaf"), 1);
	ck_assert(xalloc(sim, s) == x);
	/* slabinfo sees sheaf objects as allocated: 32 active, 32 total */
	{
		struct slabinfo si;

		slab_policy(sim)->slabinfo(sim, s, &si);
		ck_assert_uint_eq(si.active_objs, 32);
		ck_assert_uint_eq(si.num_objs, 32);
	}
	/* CPU 1 cannot block (GFP_ATOMIC): it falls back to the slab path */
	on_cpu(sim, 1);
	y = kmem_cache_alloc(sim, s, GFP_ATOMIC);
	ck_assert(y != SIM_ADDR_NONE);
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_cpu_sheaf"), 3);
	ck_assert(strstr(dump(sim, s, &b), "cpu0: slab") != NULL);
	/* free everything and shrink: sheaves flushed, every slab freed */
	kmem_cache_free(sim, s, y);
	on_cpu(sim, 0);
	kmem_cache_free(sim, s, first);
	kmem_cache_free(sim, s, x);
	ck_assert_uint_eq(s->acct.live, 0);
	kmem_cache_shrink(sim, s);
	ck_assert(slab_validate(sim));
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	sim_free(sim);
}
END_TEST

/* ---- slub_debug ---- */

START_TEST(test_slub_debug)
{
	struct sim *sim = mk(2, "FZPU,dbg*;Z,kmalloc-64", true);
	struct kmem_cache *s, *p;
	sim_addr_t a, b2;

	/*
	 * dbg32 (align 8) with FZPU: 32 -> +8 red zone word = 40 (inuse);
	 * poison puts the free pointer after it: offset 40, 48; two tracks of
	 * 32 bytes: 112; +8 padding = 120; red_left_pad ALIGN(8, 8) = 8: 128.
	 */
	s = mkcache(sim, "dbg32", 32, 0, false, 0);
	ck_assert_uint_eq(s->flags & DEBUG_DEFAULT_FLAGS, DEBUG_DEFAULT_FLAGS);
	ck_assert_uint_eq(s->inuse, 40);
	ck_assert_uint_eq(s->offset, 40);
	ck_assert_uint_eq(s->red_left_pad, 8);
	ck_assert_uint_eq(s->size, 128);
	ck_assert_uint_eq(s->cpu_partial, 0);	/* debug: no cpu partial */
	/* not on the list: untouched */
	p = mkcache(sim, "plain32", 32, 0, false, 0);
	ck_assert_uint_eq(p->size, 32);
	ck_assert_uint_eq(p->flags & SLAB_DEBUG_FLAGS, 0);
	/* kmalloc-64 with Z only: 64 == ALIGN(64, 8) -> 72, +8 = 80,
	 * red_left_pad ALIGN(8, 64) = 64: 144 -> ALIGN(144, 64) = 192 */
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-64")->size, 192);
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-64")->red_left_pad, 64);
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-cg-64")->size, 64);

	/* debug caches never have a cpu slab: every alloc is a slow path */
	a = xalloc(sim, s);
	b2 = xalloc(sim, s);
	ck_assert(b2 == a + 128);
	ck_assert(a == slab_address(slab_of_addr(sim, a)) + 8);	/* red_left_pad */
	ck_assert_uint_eq(slub_stat(sim, s, "alloc_fastpath"), 0);
	ck_assert_uint_eq(ksize(sim, a), 32);	/* red zone: object_size */
	kmem_cache_free(sim, s, b2);
	ck_assert(xalloc(sim, s) == b2);	/* head slab's freelist, LIFO */
	ck_assert(slab_validate(sim));
	sim_free(sim);

	/* 'O': drop the metadata when it would raise the min order: a
	 * 4096-byte object (order 0) would need 4096 + ... > 4096 -> order 1 */
	sim = mk(2, "FZPUO", true);
	s = mkcache(sim, "big", 4096, 0, false, 0);
	ck_assert_uint_eq(s->size, 4096);
	ck_assert_uint_eq(s->flags & DEBUG_METADATA_FLAGS, 0);
	ck_assert(s->flags & SLAB_CONSISTENCY_CHECKS);
	s = mkcache(sim, "small", 64, 0, false, 0);
	ck_assert(s->flags & SLAB_RED_ZONE);
	sim_free(sim);

	/* plain "slub_debug" (empty string): FZPU everywhere; '-' none */
	sim = mk(2, "", true);
	ck_assert(slab_cache_by_name(sim, "kmalloc-8")->flags & SLAB_POISON);
	sim_free(sim);
	sim = mk(2, "-", true);
	ck_assert_uint_eq(slab_cache_by_name(sim, "kmalloc-8")->flags & SLAB_DEBUG_FLAGS, 0);
	sim_free(sim);
	/* an unknown letter is logged and skipped, as the kernel does */
	sim = mk(2, "Zq", true);
	ck_assert(strstr(sim_log_text(sim), "slab_debug option 'q' unknown. skipped") != NULL);
	ck_assert(slab_cache_by_name(sim, "kmalloc-8")->flags & SLAB_RED_ZONE);
	sim_free(sim);
}
END_TEST

/* ---- Determinism and a random workload under the validators ---- */

static void workload(struct sim *sim, sim_addr_t *out, size_t n)
{
	struct kmem_cache *s = mkcache(sim, "w", 200, 0, false, 0);
	sim_addr_t live[512] = { 0 };
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned r = (unsigned)sim_rand_range(sim, 0, 999);

		sim_set_cpu(sim, r % 2);
		if (r < 550) {
			size_t slot = r % 512;

			if (live[slot]) {
				ck_assert_int_eq(kmem_cache_free(sim, s, live[slot]), SIM_OK);
				live[slot] = 0;
			} else {
				live[slot] = xalloc(sim, s);
				out[k++ % n] = live[slot];
			}
		} else if (r < 900) {
			sim_addr_t p = kmalloc(sim, 1 + r * 7, GFP_KERNEL);

			out[k++ % n] = p;
			kfree(sim, p);
		} else if (r < 905) {
			kmem_cache_shrink(sim, s);
		}
		if (i % 997 == 0)
			ck_assert(slab_validate(sim));
	}
	for (size_t i = 0; i < 512; i++)
		if (live[i])
			kmem_cache_free(sim, s, live[i]);
	ck_assert_uint_eq(s->acct.live, 0);
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert(slab_validate(sim));
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
}

START_TEST(test_determinism)
{
	enum { N = 20000 };
	sim_addr_t *a = calloc(N, sizeof *a), *b = calloc(N, sizeof *b);
	struct sim *s1 = mk(2, NULL, false), *s2 = mk(2, NULL, false);

	workload(s1, a, N);
	workload(s2, b, N);
	ck_assert(memcmp(a, b, N * sizeof *a) == 0);
	sim_free(s1);
	sim_free(s2);
	free(a);
	free(b);
}
END_TEST

/* random traffic on a sheaf cache and a plain one, several CPUs and nodes;
 * every invariant holds throughout and destroy finds nothing left */
START_TEST(test_random_numa_sheaves)
{
	struct sim_config cfg;
	struct sim *sim;
	struct kmem_cache_args args = { .sheaf_capacity = 8 };
	struct kmem_cache *sh, *pl;
	sim_addr_t live[2][300] = { { 0 } };

	sim_config_init(&cfg);
	cfg.cpus = 4;
	cfg.nodes = 2;
	cfg.slab_nomerge = true;
	sim = sim_new(&cfg, NULL, 0);
	ck_assert_ptr_nonnull(sim);
	sh = kmem_cache_create(sim, "sheafy", 96, &args, 0);
	pl = mkcache(sim, "plain", 700, 0, false, 0);
	for (int i = 0; i < 60000; i++) {
		unsigned r = (unsigned)sim_rand_range(sim, 0, 99999);
		int k = r & 1;
		struct kmem_cache *s = k ? sh : pl;
		unsigned slot = (r >> 1) % 300;

		sim_set_cpu(sim, (r >> 10) % 4);
		if (live[k][slot]) {
			ck_assert_int_eq(kmem_cache_free(sim, s, live[k][slot]), SIM_OK);
			live[k][slot] = 0;
		} else {
			live[k][slot] = kmem_cache_alloc(sim, s, (r % 7) ? GFP_KERNEL : GFP_ATOMIC);
			ck_assert(live[k][slot] != SIM_ADDR_NONE);
		}
		if (r % 1000 == 0)
			kmem_cache_shrink(sim, s);
		if (i % 1999 == 0)
			ck_assert(slab_validate(sim));
	}
	ck_assert_uint_gt(slub_stat(sim, sh, "barn_put") + slub_stat(sim, sh, "barn_get"), 0);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 300; i++)
			if (live[k][i])
				kmem_cache_free(sim, k ? sh : pl, live[k][i]);
	ck_assert_int_eq(kmem_cache_destroy(sim, sh), SIM_OK);
	ck_assert_int_eq(kmem_cache_destroy(sim, pl), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

static Suite *slub_suite(void)
{
	Suite *s = suite_create("slub");
	TCase *tc = tcase_create("slub");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kmalloc_caches_reference);
	tcase_add_test(tc, test_kmalloc_classes);
	tcase_add_test(tc, test_trace_pairs);
	tcase_add_test(tc, test_geometry_examples);
	tcase_add_test(tc, test_order_options);
	tcase_add_test(tc, test_partial_drain_and_min_partial);
	tcase_add_test(tc, test_shrink_sorts_fullest_first);
	tcase_add_test(tc, test_cpu_slab_paths);
	tcase_add_test(tc, test_merging);
	tcase_add_test(tc, test_sheaves);
	tcase_add_test(tc, test_slub_debug);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_random_numa_sheaves);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(slub_suite());
}

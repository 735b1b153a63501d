/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slab_common.c - the common object-cache layer: API semantics,
 * kmalloc family, simulated-kernel bug reports (one per bug, cache still
 * usable), red zone and poison checks, accounting, /proc/slabinfo */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "page.h"
#include "page_alloc.h"
#include "slab.h"
#include "state.h"
#include "testutil.h"

static struct sim *mk(const char *slub_debug)
{
	struct sim_config cfg;
	char err[256];
	struct sim *sim;

	sim_config_init(&cfg);
	cfg.slub_debug = slub_debug;
	cfg.slab_nomerge = true;
	sim = sim_new(&cfg, err, sizeof err);
	ck_assert_msg(sim != NULL, "sim_new: %s", err);
	return sim;
}

static struct kmem_cache *mkcache(struct sim *sim, const char *name,
				  unsigned size, slab_flags_t flags)
{
	struct kmem_cache *s = kmem_cache_create(sim, name, size, NULL, flags);

	ck_assert_msg(s != NULL, "create %s: %s", name, sim_last_reason(sim));
	return s;
}

static sim_addr_t xalloc(struct sim *sim, struct kmem_cache *s)
{
	sim_addr_t a = kmem_cache_alloc(sim, s, GFP_KERNEL);

	ck_assert(a != SIM_ADDR_NONE);
	return a;
}

/* exactly one new bug of @kind since @before, whose message contains @text */
static void one_bug(const struct sim *sim, size_t before, enum sim_bug_kind kind,
		    const char *text)
{
	const struct sim_bug *b;

	ck_assert_uint_eq(sim_nr_bugs(sim), before + 1);
	b = sim_bug_at(sim, before);
	ck_assert_msg(b->kind == kind, "kind %s, want %s", sim_bug_kind_name(b->kind),
		      sim_bug_kind_name(kind));
	ck_assert_msg(strstr(b->message, text) != NULL, "message '%s' lacks '%s'",
		      b->message, text);
}

/* the cache still works: allocate, free, no new report */
static void still_usable(struct sim *sim, struct kmem_cache *s)
{
	size_t n = sim_nr_bugs(sim);
	sim_addr_t a = xalloc(sim, s);

	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), n);
	ck_assert(slab_validate(sim));
}

/* ---- API semantics ---- */

START_TEST(test_kmalloc_api)
{
	struct sim *sim = mk(NULL);
	sim_addr_t p, q;

	/* kmalloc(0) is ZERO_SIZE_PTR; kfree of NULL and of it are no-ops */
	ck_assert(kmalloc(sim, 0, GFP_KERNEL) == SIM_ZERO_SIZE_PTR);
	ck_assert_int_eq(kfree(sim, 0), SIM_OK);
	ck_assert_int_eq(kfree(sim, SIM_ZERO_SIZE_PTR), SIM_OK);
	ck_assert_uint_eq(ksize(sim, SIM_ZERO_SIZE_PTR), 0);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);

	/* natural alignment of kmalloc objects: a 96-byte object is 32-aligned */
	p = kmalloc(sim, 72, GFP_KERNEL);
	ck_assert_uint_eq(p % 32, 0);
	ck_assert_uint_eq(ksize(sim, p), 96);
	ck_assert_uint_eq(p >> 47, SIM_DIRECT_MAP_BASE >> 47);	/* a direct-map address */

	/* krealloc: in place while the new size fits object_size (96) */
	q = krealloc(sim, p, 90, GFP_KERNEL);
	ck_assert(q == p);
	q = krealloc(sim, p, 96, GFP_KERNEL);
	ck_assert(q == p);
	/* bigger: a new object of kmalloc-128, the old one freed */
	q = krealloc(sim, p, 100, GFP_KERNEL);
	ck_assert(q != p);
	ck_assert_uint_eq(ksize(sim, q), 128);
	ck_assert_uint_eq(ksize(sim, p), 0);
	/* size 0 frees and returns ZERO_SIZE_PTR; NULL reallocs like kmalloc */
	ck_assert(krealloc(sim, q, 0, GFP_KERNEL) == SIM_ZERO_SIZE_PTR);
	ck_assert_uint_eq(ksize(sim, q), 0);
	p = krealloc(sim, 0, 50, GFP_KERNEL);
	ck_assert_uint_eq(ksize(sim, p), 64);
	kfree(sim, p);
	/* a large kmalloc grows in place up to its folio (16 KiB) */
	p = kmalloc(sim, 10000, GFP_KERNEL);
	ck_assert(krealloc(sim, p, 16384, GFP_KERNEL) == p);
	q = krealloc(sim, p, 16385, GFP_KERNEL);
	ck_assert(q != p);
	ck_assert_uint_eq(ksize(sim, q), 32768);
	kfree(sim, q);

	/* kcalloc / kmalloc_array overflow is NULL, not a bug */
	ck_assert(kmalloc_array(sim, SIZE_MAX / 2, 3, GFP_KERNEL) == SIM_ADDR_NONE);
	ck_assert(strstr(sim_last_reason(sim), "overflow") != NULL);
	p = kmalloc_array(sim, 10, 10, GFP_KERNEL | __GFP_ZERO);
	ck_assert_uint_eq(ksize(sim, p), 128);
	kfree(sim, p);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_cache_api)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "foo", 35, SLAB_HWCACHE_ALIGN);
	sim_addr_t v[100];

	ck_assert_uint_eq(kmem_cache_size(s), 35);
	ck_assert_str_eq(kmem_cache_name(s), "foo");
	ck_assert_uint_eq(s->align, 64);	/* 35 > 32: a whole line */
	/* bulk: all or nothing */
	ck_assert_uint_eq(kmem_cache_alloc_bulk(sim, s, GFP_KERNEL, 100, v), 100);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(v[i] % 64, 0);
	kmem_cache_free_bulk(sim, s, 100, v);
	ck_assert_uint_eq(s->acct.live, 0);
	/* flags a caller may not pass, bad alignment, no name */
	ck_assert_ptr_null(kmem_cache_create(sim, "bad", 10, NULL, SLAB_KMALLOC));
	{
		struct kmem_cache_args a = { .align = 24 };

		ck_assert_ptr_null(kmem_cache_create(sim, "bad", 10, &a, 0));
	}
	ck_assert_ptr_null(kmem_cache_create(sim, "", 10, NULL, 0));
	/* SLAB_PANIC turns a failure into a panic: that machine stops */
	{
		struct sim *other = mk(NULL);
		size_t n = sim_nr_bugs(other);
		sim_cache_t h;

		ck_assert_ptr_null(kmem_cache_create(other, "p", 0, NULL, SLAB_PANIC));
		one_bug(other, n, SIM_BUG_PANIC,
			"Kernel panic - not syncing: __kmem_cache_create_args: Failed to create slab 'p'. Error -22");
		ck_assert(sim_panicked(other));
		ck_assert_int_eq(sim_cache_create(other, "q", 8, NULL, &h), SIM_EPANIC);
		sim_free(other);
	}
	/* flag strings */
	{
		uint32_t f = 0;
		char err[512], buf[256];

		ck_assert_int_eq(sim_slab_flags_parse("SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT", 33,
						      &f, err, sizeof err), SIM_OK);
		ck_assert_uint_eq(f, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
		sim_slab_flags_format(f, buf, sizeof buf);
		ck_assert_str_eq(buf, "SLAB_HWCACHE_ALIGN|SLAB_ACCOUNT");
		ck_assert_int_eq(sim_slab_flags_parse("SLAB_POISN|SLAB_FOO|SLAB_POISON", 31,
						      &f, err, sizeof err), SIM_EINVAL);
		ck_assert(strstr(err, "'SLAB_POISN'") && strstr(err, "'SLAB_FOO'"));
		ck_assert_int_eq(sim_slab_flags_parse("SLAB_KMALLOC", 12, &f, err,
						      sizeof err), SIM_EINVAL);
		ck_assert_int_eq(sim_slab_flags_parse("", 0, &f, err, sizeof err), SIM_OK);
		ck_assert_uint_eq(f, 0);
	}
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	sim_free(sim);
}
END_TEST

/* ---- Bug reports ---- */

START_TEST(test_double_free)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "df", 64, 0);
	sim_addr_t a = xalloc(sim, s);
	size_t n;

	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_OK);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_DOUBLE_FREE, "BUG df (Not tainted): Object already free");
	ck_assert_uint_eq(s->acct.live, 0);
	still_usable(sim, s);
	/* the same through kfree, and a kmalloc object */
	a = kmalloc(sim, 100, GFP_KERNEL);
	kfree(sim, a);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kfree(sim, a), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_DOUBLE_FREE, "BUG kmalloc-128 (Not tainted): Object already free");
	sim_free(sim);
}
END_TEST

START_TEST(test_invalid_free)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "inv", 64, 0);
	sim_addr_t a = xalloc(sim, s);
	pfn_t pfn;
	size_t n = sim_nr_bugs(sim);
	char want[128];

	/* inside an object: Invalid object pointer, the object stays live */
	ck_assert_int_eq(kmem_cache_free(sim, s, a + 8), SIM_EBUG);
	snprintf(want, sizeof want, "BUG inv (Not tainted): Invalid object pointer 0x%llx",
		 (unsigned long long)(a + 8));
	one_bug(sim, n, SIM_BUG_INVALID_FREE, want);
	ck_assert_uint_eq(s->acct.live, 1);
	/* every byte past the start, whatever its low bits: the check of a
	 * power-of-two stride is a mask (64: 1 << 6), of another a division */
	for (unsigned off = 1; off < 64; off++) {
		n = sim_nr_bugs(sim);
		ck_assert_int_eq(kmem_cache_free(sim, s, a + off), SIM_EBUG);
		ck_assert_uint_eq(sim_nr_bugs(sim), n + 1);
	}
	ck_assert_uint_eq(s->acct.live, 1);
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_OK);
	still_usable(sim, s);
	{
		struct kmem_cache *odd = mkcache(sim, "inv96", 96, 0);
		sim_addr_t b = xalloc(sim, odd);

		ck_assert_uint_eq(odd->size, 96);	/* not a power of two */
		for (unsigned off = 1; off < 96; off++) {
			n = sim_nr_bugs(sim);
			ck_assert_int_eq(kmem_cache_free(sim, odd, b + off), SIM_EBUG);
			ck_assert_uint_eq(sim_nr_bugs(sim), n + 1);
		}
		ck_assert_int_eq(kmem_cache_free(sim, odd, b), SIM_OK);
	}
	n = sim_nr_bugs(sim);

	/* memory that is no slab: kmem_cache_free and kfree say so */
	ck_assert_int_eq(pgalloc_alloc(sim, 0, GFP_KERNEL, &pfn), SIM_OK);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, s, pfn_to_addr(pfn)), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_INVALID_FREE, "virt_to_cache: Object is not a Slab page!");
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kfree(sim, pfn_to_addr(pfn) + 64), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_INVALID_FREE, "Not a kmalloc allocation");
	/* an address outside the direct map */
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kfree(sim, 0x1000), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_INVALID_FREE, "Not a kmalloc allocation");
	pgalloc_free(sim, pfn, 0);
	still_usable(sim, s);
	sim_free(sim);
}
END_TEST

START_TEST(test_wrong_cache)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "one", 64, 0);
	struct kmem_cache *t = mkcache(sim, "two", 64, 0);
	sim_addr_t a = xalloc(sim, s);
	size_t n = sim_nr_bugs(sim);

	/* cache_from_obj() warns and frees into the object's own cache */
	ck_assert_int_eq(kmem_cache_free(sim, t, a), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_WRONG_CACHE,
		"cache_from_obj: Wrong slab cache. two but object is from one");
	ck_assert_uint_eq(s->acct.live, 0);
	ck_assert_uint_eq(t->acct.live, 0);
	still_usable(sim, s);
	still_usable(sim, t);
	/* kfree of any slab object finds its cache itself: no report */
	a = xalloc(sim, s);
	ck_assert_int_eq(kfree(sim, a), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), n + 1);
	sim_free(sim);
}
END_TEST

START_TEST(test_destroy_busy)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "busy", 512, 0);
	sim_addr_t a, b, c;
	size_t n;
	char want[128];
	const char *log;

	a = xalloc(sim, s);
	b = xalloc(sim, s);
	c = xalloc(sim, s);
	kmem_cache_free(sim, s, b);
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_EBUSY);
	one_bug(sim, n, SIM_BUG_CACHE_BUSY,
		"kmem_cache_destroy busy: Slab cache still has objects when called from");
	/* the objects are listed in address order, as list_slab_objects() does */
	log = sim_log_text(sim);
	ck_assert(strstr(log, "BUG busy (Not tainted): Objects remaining on __kmem_cache_shutdown()"));
	snprintf(want, sizeof want, "Object 0x%llx @offset=0\n", (unsigned long long)a);
	ck_assert(strstr(log, want) != NULL);
	snprintf(want, sizeof want, "Object 0x%llx @offset=1024\n", (unsigned long long)c);
	ck_assert(strstr(log, want) != NULL);
	ck_assert(strstr(log, want) > strstr(log, "@offset=0\n"));
	snprintf(want, sizeof want, "Object 0x%llx @", (unsigned long long)b);
	ck_assert(strstr(log, want) == NULL);
	/* the cache stays listed, dead; its objects can still be kfree()d */
	ck_assert(s->dead);
	ck_assert_ptr_null(slab_cache_by_name(sim, "busy"));
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_ENOENT);
	ck_assert_int_eq(kfree(sim, a), SIM_OK);
	ck_assert_int_eq(kfree(sim, c), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), n + 1);
	/* a new cache of the same name works */
	still_usable(sim, mkcache(sim, "busy", 512, 0));
	sim_free(sim);
}
END_TEST

START_TEST(test_redzone)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "rz", 24, SLAB_RED_ZONE);
	sim_addr_t a = xalloc(sim, s);
	size_t n;

	/* a write inside the object is fine */
	ck_assert_str_eq(kmem_poke(sim, a, 24), "object");
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_OK);
	/* one past the object: the right red zone (24..32 = inuse) */
	a = xalloc(sim, s);
	ck_assert_str_eq(kmem_poke(sim, a + 20, 8), "right red zone");
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_REDZONE, "BUG rz (Not tainted): Right Redzone overwritten");
	ck_assert(strstr(sim_log_text(sim), "Object at 0x") != NULL);
	/* the bytes were restored and the object not freed: a second free works */
	ck_assert_uint_eq(s->acct.live, 1);
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), n + 1);
	/* before the object: the left red zone */
	a = xalloc(sim, s);
	ck_assert_str_eq(kmem_poke(sim, a - 4, 4), "left red zone");
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kmem_cache_free(sim, s, a), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_REDZONE, "Left Redzone overwritten");
	kmem_cache_free(sim, s, a);
	still_usable(sim, s);
	sim_free(sim);
}
END_TEST

START_TEST(test_poison)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "pz", 64, SLAB_POISON);
	struct kmem_cache *plain = mkcache(sim, "np", 64, 0);
	sim_addr_t a = xalloc(sim, s), b;
	size_t n;

	ck_assert(s->flags & SLAB_OBJECT_POISON);
	kmem_cache_free(sim, s, a);
	/* use after free: the write lands in a poisoned free object */
	ck_assert_str_eq(kmem_poke(sim, a + 8, 1), "free object (poisoned)");
	n = sim_nr_bugs(sim);
	/* SLUB's debug path hands the same object out again; the allocation
	 * check finds the poison overwritten */
	b = xalloc(sim, s);
	ck_assert(b == a);
	one_bug(sim, n, SIM_BUG_POISON, "BUG pz (Not tainted): Poison overwritten");
	ck_assert(strstr(sim_log_text(sim), "First byte 0x0 instead of 0x6b") != NULL);
	kmem_cache_free(sim, s, b);
	still_usable(sim, s);
	/* without SLAB_POISON nobody notices */
	a = xalloc(sim, plain);
	kmem_cache_free(sim, plain, a);
	ck_assert_str_eq(kmem_poke(sim, a, 8), "free object (unchecked)");
	n = sim_nr_bugs(sim);
	xalloc(sim, plain);
	ck_assert_uint_eq(sim_nr_bugs(sim), n);
	/* damage in a free object is also found when its slab is discarded */
	a = xalloc(sim, s);
	kmem_cache_free(sim, s, a);
	kmem_poke(sim, a, 4);
	n = sim_nr_bugs(sim);
	kmem_cache_shrink(sim, s);
	one_bug(sim, n, SIM_BUG_POISON, "Poison overwritten");
	sim_free(sim);
}
END_TEST

START_TEST(test_kmalloc_redzone)
{
	/* slub_debug=ZU for kmalloc-32: the kmalloc red zone covers the bytes
	 * between the requested size and the object size */
	struct sim *sim = mk("ZU,kmalloc-32");
	sim_addr_t p = kmalloc(sim, 20, GFP_KERNEL);
	size_t n;

	ck_assert_uint_eq(ksize(sim, p), 32);	/* red zone: object_size */
	ck_assert_str_eq(kmem_poke(sim, p, 20), "object");
	ck_assert_str_eq(kmem_poke(sim, p + 20, 4), "kmalloc red zone");
	n = sim_nr_bugs(sim);
	ck_assert_int_eq(kfree(sim, p), SIM_EBUG);
	one_bug(sim, n, SIM_BUG_REDZONE, "BUG kmalloc-32 (Not tainted): kmalloc Redzone overwritten");
	ck_assert_int_eq(kfree(sim, p), SIM_OK);
	sim_free(sim);
}
END_TEST

/* ---- Accounting and reports ---- */

struct tbuf {
	char s[65536];
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

START_TEST(test_accounting)
{
	struct sim *sim = mk(NULL);
	sim_cache_t h = sim_cache_find(sim, "kmalloc-128");
	struct sim_cache_stats st;
	struct sim_slab_summary sum;
	sim_addr_t p[3];
	uint64_t re, un, un0;

	sim_slab_vmstat(sim, &re, &un0);
	for (int i = 0; i < 3; i++)
		p[i] = kmalloc(sim, 100, GFP_KERNEL);
	ck_assert_int_eq(sim_cache_get_stats(sim, h, &st), SIM_OK);
	/* requested 3 * 100, objects 3 * 128, slots 3 * 128 */
	ck_assert_uint_eq(st.live, 3);
	ck_assert_uint_eq(st.req_bytes, 300);
	ck_assert_uint_eq(st.obj_bytes, 384);
	ck_assert_uint_eq(st.slot_bytes, 384);
	ck_assert_uint_eq(st.num_slabs, 1);
	ck_assert_uint_eq(st.pages, 1);
	ck_assert_uint_eq(st.tail_bytes, 0);	/* 32 * 128 = 4096 */
	/* the cpu slab's 29 free objects are held by CPU 0 */
	ck_assert_uint_eq(st.cached, 29);
	ck_assert_uint_eq(st.free_in_partial, 0);
	sim_slab_vmstat(sim, &re, &un);
	ck_assert_uint_eq(un - un0, 1);
	/* kmalloc-192: 21 objects, 4096 - 21 * 192 = 64 unused bytes per slab */
	kfree(sim, kmalloc(sim, 150, GFP_KERNEL));
	sim_cache_get_stats(sim, sim_cache_find(sim, "kmalloc-192"), &st);
	ck_assert_uint_eq(st.tail_bytes, 64);
	sim_slab_get_summary(sim, &sum);
	sim_slab_vmstat(sim, &re, &un);
	ck_assert_uint_eq(un - un0, 2);
	ck_assert_uint_eq(sum.caches.live, 3);
	ck_assert_uint_eq(sum.caches.req_bytes, 300);
	ck_assert_uint_eq(sum.nr_caches, 52);
	ck_assert_uint_eq(sum.nr_slab_unreclaimable, un);
	ck_assert_uint_eq(sum.caches.pages, 2);
	for (int i = 0; i < 3; i++)
		kfree(sim, p[i]);
	ck_assert(slab_validate(sim));
	sim_free(sim);
}
END_TEST

START_TEST(test_slabinfo_format)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "t256", 256, 0);
	struct tbuf b = { .n = 0 };
	const char *line;

	for (int i = 0; i < 5; i++)
		xalloc(sim, s);
	ck_assert_int_eq(sim_slabinfo(sim, tbuf_write, &b), SIM_OK);
	ck_assert(strncmp(b.s, "slabinfo - version: 2.1\n"
		  "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		  "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		  "slabdata <active_slabs> <num_slabs> <sharedavail>\n", 204) == 0);
	/* the newest cache comes first: its line follows the header.  One slab
	 * of 16: the cpu slab counts as active entirely (16 16). */
	line = b.s + 204;
	ck_assert(strncmp(line,
		  "t256                  16     16    256   16    1 : tunables    0    0    0 : slabdata      1      1      0\n",
		  107) == 0);
	ck_assert(strstr(b.s, "\nkmalloc-8              0      0      8  512    1 : tunables    0    0    0 : slabdata      0      0      0\n"));
	/* the kmalloc caches were created normal, rcl, dma, cg, each 96 192 8 .. 8k:
	 * the last line is the oldest, kmalloc-96 */
	ck_assert(strstr(b.s, "kmalloc-8k") < strstr(b.s, "kmalloc-96 "));
	ck_assert(strstr(b.s, "kmalloc-cg-96") < strstr(b.s, "kmalloc-96 "));
	b.n = 0;
	sim_slabtop(sim, tbuf_write, &b);
	ck_assert(strstr(b.s, "OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME"));
	ck_assert(strstr(b.s, "    16     16 100%    0.25K      1       16         4K t256\n"));
	sim_free(sim);
}
END_TEST

START_TEST(test_public_handles)
{
	struct sim *sim = mk(NULL);
	struct sim_cache_opts o = { .align = 0, .flags = 0 };
	struct sim_cache_info info;
	sim_cache_t c, d;
	sim_addr_t a;

	ck_assert_int_eq(sim_cache_create(sim, "h", 100, &o, &c), SIM_OK);
	ck_assert(sim_cache_valid(sim, c));
	ck_assert_int_eq(sim_cache_get_info(sim, c, &info), SIM_OK);
	ck_assert_str_eq(info.name, "h");
	ck_assert_uint_eq(info.size, 104);
	ck_assert_uint_eq(info.pages_per_slab, 1);
	ck_assert_int_eq(sim_cache_alloc(sim, c, GFP_KERNEL, &a), SIM_OK);
	ck_assert_int_eq(sim_cache_free(sim, c, a), SIM_OK);
	ck_assert_uint_eq(sim_lat_count(sim, SIM_LAT_ALLOC), 1);
	ck_assert_int_eq(sim_cache_destroy(sim, c), SIM_OK);
	/* stale: the id may be reused, the generation differs */
	ck_assert(!sim_cache_valid(sim, c));
	ck_assert_int_eq(sim_cache_alloc(sim, c, GFP_KERNEL, &a), SIM_ENOENT);
	ck_assert_int_eq(sim_cache_create(sim, "h2", 100, &o, &d), SIM_OK);
	ck_assert(d != c);
	ck_assert(!sim_cache_valid(sim, c));
	ck_assert_uint_eq(sim_cache_count(sim), 53);
	ck_assert(sim_cache_at(sim, 0) == d);	/* newest first */
	sim_free(sim);
}
END_TEST

START_TEST(test_gfp_fix)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *s = mkcache(sim, "dma32", 64, SLAB_CACHE_DMA32);
	sim_addr_t p;
	size_t n;

	/* a SLAB_CACHE_DMA32 cache adds __GFP_DMA32 itself: no warning */
	xalloc(sim, s);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	ck_assert_int_eq(page_zone_idx(sim, addr_to_pfn(xalloc(sim, s))), ZONE_DMA32);
	/* a caller passing __GFP_DMA32 to kmalloc: new_slab() warns once and
	 * drops the bit (GFP_KERNEL | __GFP_DMA32 = 0xcc4) */
	n = sim_nr_bugs(sim);
	p = kmalloc(sim, 100, GFP_KERNEL | __GFP_DMA32);
	ck_assert(p != SIM_ADDR_NONE);
	one_bug(sim, n, SIM_BUG_WARN, "Unexpected gfp: 0xcc4 (GFP_KERNEL|GFP_DMA32). "
		"Fixing up to gfp: 0xcc0 (GFP_KERNEL). Fix your code!");
	/* the cpu slab exists now: the fast path has no check, as in the kernel */
	kmalloc(sim, 100, GFP_KERNEL | __GFP_DMA32);
	ck_assert_uint_eq(sim_nr_bugs(sim), n + 1);
	/* large kmalloc checks every time */
	p = kmalloc(sim, 10000, GFP_KERNEL | __GFP_HIGHMEM);
	ck_assert_uint_eq(sim_nr_bugs(sim), n + 2);
	kfree(sim, p);
	sim_free(sim);
}
END_TEST

START_TEST(test_policy_not_built)
{
	struct sim_config cfg;
	struct sim *sim;

	/* until SLAB and SLOB exist, such a simulator has no slab layer to use */
	sim_config_init(&cfg);
	cfg.policy = "slob";
	sim = sim_new(&cfg, NULL, 0);
	ck_assert_ptr_nonnull(sim);
	if (!slab_policy(sim)) {
		ck_assert(kmalloc(sim, 10, GFP_KERNEL) == SIM_ADDR_NONE);
		ck_assert(strstr(sim_last_reason(sim), "not available") != NULL);
		ck_assert_ptr_null(kmem_cache_create(sim, "x", 10, NULL, 0));
		/* a hint finds no page map and does nothing */
		sim_prefetch_free(sim, SIM_DIRECT_MAP_BASE, SIM_PREFETCH_MAP);
		sim_prefetch_free(sim, SIM_DIRECT_MAP_BASE, SIM_PREFETCH_SLAB);
	}
	sim_free(sim);
}
END_TEST

/* every address a caller could pass, live or not: each stage of the hint */
static void prefetch_all_kinds(const struct sim *sim, const sim_addr_t *live,
			       size_t nr, sim_addr_t freed, uint64_t r)
{
	const sim_addr_t odd[] = {
		0, SIM_ZERO_SIZE_PTR, SIM_ADDR_NONE, SIM_DIRECT_MAP_BASE - 1,
		SIM_DIRECT_MAP_BASE, SIM_DIRECT_MAP_BASE + ((uint64_t)64 << 20) - 8,
		SIM_DIRECT_MAP_BASE + ((uint64_t)1 << 40), freed, freed + 3, r,
		SIM_DIRECT_MAP_BASE + (r & ((UINT64_C(1) << 36) - 1)),
	};

	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		sim_prefetch_free(sim, odd[i], SIM_PREFETCH_MAP);
		sim_prefetch_free(sim, odd[i], SIM_PREFETCH_SLAB);
	}
	if (nr) {
		sim_prefetch_free(sim, live[r % nr], SIM_PREFETCH_MAP);
		sim_prefetch_free(sim, live[(r >> 20) % nr] + 1, SIM_PREFETCH_SLAB);
	}
}

/* the state a hint must not change: every cache's books and lists */
static char *sim_state_text(const struct sim *sim)
{
	struct tu_text t = { NULL, 0, 0 };
	char *proc = NULL;

	tu_text_write(&t, "", 0);
	sim_slabinfo(sim, tu_text_write, &t);
	for (size_t i = 0; i < sim_cache_count(sim); i++)
		sim_cache_dump(sim, sim_cache_at(sim, i), tu_text_write, &t);
	ck_assert_int_eq(sim_proc_read(sim, "meminfo", &proc), SIM_OK);
	tu_text_write(&t, proc, strlen(proc));
	free(proc);
	return t.s;
}

/*
 * sim_prefetch_free() is host time only: a simulator told about every
 * free ahead (and about pointers that are no object, freed ones, NULL)
 * hands out the same addresses and ends in the same state as its twin
 * that was told nothing -- under every policy, with large kmallocs and a
 * cache of its own among the objects.
 */
START_TEST(test_prefetch_free_changes_nothing)
{
	static const char *const policies[] = { "slub", "slab", "slob" };

	for (size_t p = 0; p < sizeof policies / sizeof policies[0]; p++) {
		struct sim *sim[2];
		sim_cache_t c[2];
		sim_addr_t *live[2];
		size_t nr[2] = { 0, 0 };
		sim_addr_t freed[2] = { 0, 0 };
		char *text[2];
		uint64_t x[2];

		for (int k = 0; k < 2; k++) {
			struct sim_config cfg;
			char err[256];

			sim_config_init(&cfg);
			cfg.policy = policies[p];
			cfg.ram_bytes = (uint64_t)64 << 20;
			cfg.cpus = 2;
			sim[k] = sim_new(&cfg, err, sizeof err);
			ck_assert_msg(sim[k] != NULL, "sim_new %s: %s", policies[p], err);
			ck_assert_int_eq(sim_cache_create(sim[k], "hinted", 200, NULL, &c[k]),
					 SIM_OK);
			live[k] = calloc(4096, sizeof *live[k]);
			ck_assert_ptr_nonnull(live[k]);
			x[k] = 0x9e3779b97f4a7c15ull;
		}
		for (int step = 0; step < 20000; step++) {
			for (int k = 0; k < 2; k++) {
				uint64_t r;

				x[k] ^= x[k] << 13;
				x[k] ^= x[k] >> 7;
				x[k] ^= x[k] << 17;
				r = x[k];
				if (k == 0)
					prefetch_all_kinds(sim[k], live[k], nr[k], freed[k], r);
				sim_set_cpu(sim[k], (unsigned)(r >> 62) & 1);
				if (nr[k] && (nr[k] == 4096 || r % 5 < 2)) {
					size_t i = (r >> 8) % nr[k];

					freed[k] = live[k][i];
					if (k == 0) {
						sim_prefetch_free(sim[k], freed[k], SIM_PREFETCH_MAP);
						sim_prefetch_free(sim[k], freed[k], SIM_PREFETCH_SLAB);
					}
					if ((freed[k] & 1) == 0)
						ck_assert_int_eq(sim_kfree(sim[k], freed[k]), SIM_OK);
					else
						ck_assert_int_eq(sim_cache_free(sim[k], c[k],
										freed[k] - 1), SIM_OK);
					live[k][i] = live[k][--nr[k]];
				} else {
					sim_addr_t a = SIM_ADDR_NONE;
					/* mostly small, one in 64 a large kmalloc (pages) */
					uint64_t size = r % 64 == 0 ? 9000 + (r >> 20) % 30000 :
						8 + (r >> 16) % 1500;

					if (r % 7 == 0) {
						ck_assert_int_eq(sim_cache_alloc(sim[k], c[k],
										 GFP_KERNEL, &a), SIM_OK);
						a |= 1;	/* tagged: a cache object */
					} else {
						ck_assert_int_eq(sim_kmalloc(sim[k], size, GFP_KERNEL,
									     &a), SIM_OK);
					}
					live[k][nr[k]++] = a;
				}
			}
			ck_assert_uint_eq(nr[0], nr[1]);
			ck_assert_msg(nr[0] == 0 || live[0][nr[0] - 1] == live[1][nr[1] - 1],
				      "%s: step %d: 0x%llx with hints, 0x%llx without",
				      policies[p], step,
				      (unsigned long long)live[0][nr[0] - 1],
				      (unsigned long long)live[1][nr[1] - 1]);
		}
		for (int k = 0; k < 2; k++)
			text[k] = sim_state_text(sim[k]);
		ck_assert_msg(strcmp(text[0], text[1]) == 0,
			      "%s: the hinted simulator ended in another state", policies[p]);
		ck_assert(strstr(text[0], "hinted") != NULL || strcmp(policies[p], "slob") == 0);
		for (int k = 0; k < 2; k++) {
			free(text[k]);
			free(live[k]);
			sim_free(sim[k]);
		}
	}
}
END_TEST

struct text_out {
	char s[256];
	size_t n;
};

/* a sim_text_fn that collects into a fixed buffer (cut, NUL-terminated) */
static void text_append(void *ud, const char *s, size_t n)
{
	struct text_out *t = ud;

	if (n > sizeof t->s - 1 - t->n)
		n = sizeof t->s - 1 - t->n;
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

/* slabinfo -a: a cache merged into another is listed after "<-" */
START_TEST(test_aliases_listed)
{
	struct sim_config cfg;
	struct text_out out = { "", 0 };
	char err[256];
	struct sim *sim;

	sim_config_init(&cfg);
	cfg.slab_nomerge = false;
	sim = sim_new(&cfg, err, sizeof err);
	ck_assert_msg(sim != NULL, "sim_new: %s", err);
	/* nothing merged yet: no output at all */
	ck_assert_int_eq(sim_slab_aliases(sim, text_append, &out), SIM_ENOENT);
	mkcache(sim, "first_cache", 200, 0);
	/* same size, same flags, no constructor: __kmem_cache_alias() merges */
	mkcache(sim, "second", 200, 0);
	mkcache(sim, "third", 200, 0);
	ck_assert_int_eq(sim_slab_aliases(sim, text_append, &out), SIM_OK);
	/* tools/mm/slabinfo.c alias(): "%-12s <- %s", then " %s" per alias */
	ck_assert_str_eq(out.s, "first_cache  <- second third\n");
	sim_free(sim);
}
END_TEST

/* /proc/meminfo: show_val_kb() lines, figures from the zones and slabs */
START_TEST(test_meminfo)
{
	struct sim *sim = mk(NULL);
	struct kmem_cache *c = mkcache(sim, "mi_cache", 512, 0);
	struct sim_slab_summary *sum = calloc(1, sizeof *sum);
	uint64_t managed = 0, free_pages = 0, total_kb, slab_kb, srec, sunrec;
	char *text = NULL, *p;
	size_t lines = 0;

	ck_assert_ptr_nonnull(sum);
	for (int i = 0; i < 300; i++)
		xalloc(sim, c);
	for (size_t z = 0; z < sim_zone_count(sim); z++) {
		struct sim_zone_info zi;

		ck_assert_int_eq(sim_zone_info(sim, z, &zi), SIM_OK);
		managed += zi.managed;
		free_pages += zi.free;
	}
	sim_slab_get_summary(sim, sum);
	ck_assert_int_eq(sim_proc_read(sim, "meminfo", &text), SIM_OK);
	/* every line: a label padded to 16 columns, 8 digits wide, " kB" */
	for (p = text; *p; lines++) {
		char *nl = strchr(p, '\n');

		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_eq((size_t)(nl - p), 16 + 8 + 3);
		ck_assert(strncmp(nl - 3, " kB", 3) == 0);
		p = nl + 1;
	}
	ck_assert_uint_ge(lines, 11);
	ck_assert(sscanf(strstr(text, "MemTotal:"), "MemTotal: %" SCNu64, &total_kb) == 1);
	ck_assert_uint_eq(total_kb, managed * (SIM_PAGE_SIZE / 1024));
	ck_assert(sscanf(strstr(text, "SReclaimable:"), "SReclaimable: %" SCNu64, &srec) == 1);
	ck_assert(sscanf(strstr(text, "SUnreclaim:"), "SUnreclaim: %" SCNu64, &sunrec) == 1);
	ck_assert(sscanf(strstr(text, "\nSlab:"), "\nSlab: %" SCNu64, &slab_kb) == 1);
	ck_assert_uint_eq(slab_kb, srec + sunrec);
	ck_assert_uint_eq(sunrec, sum->nr_slab_unreclaimable * (SIM_PAGE_SIZE / 1024));
	/* 300 objects of 512 B need at least 300 * 512 B of slab pages */
	ck_assert_uint_ge(slab_kb * 1024, 300 * 512);
	free(text);
	free(sum);
	sim_free(sim);
}
END_TEST

static Suite *slab_common_suite(void)
{
	Suite *s = suite_create("slab_common");
	TCase *tc = tcase_create("common");

	tcase_add_test(tc, test_kmalloc_api);
	tcase_add_test(tc, test_cache_api);
	tcase_add_test(tc, test_double_free);
	tcase_add_test(tc, test_invalid_free);
	tcase_add_test(tc, test_wrong_cache);
	tcase_add_test(tc, test_destroy_busy);
	tcase_add_test(tc, test_redzone);
	tcase_add_test(tc, test_poison);
	tcase_add_test(tc, test_kmalloc_redzone);
	tcase_add_test(tc, test_accounting);
	tcase_add_test(tc, test_slabinfo_format);
	tcase_add_test(tc, test_public_handles);
	tcase_add_test(tc, test_gfp_fix);
	tcase_add_test(tc, test_policy_not_built);
	tcase_add_test(tc, test_aliases_listed);
	tcase_add_test(tc, test_meminfo);
	tcase_add_test(tc, test_prefetch_free_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(slab_common_suite());
}

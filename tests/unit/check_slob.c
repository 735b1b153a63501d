/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slob.c - SLOB against mm/slob.c (6.3): units, lists, first fit with
 * alignment, head fragments, coalescing, list rotation, pages given back,
 * kmalloc's header and natural alignment, large kmalloc, cache emulation
 *
 * Every expectation is derived by hand from kernel-model.md §8 (reasoning
 * in the comments), never by running the code under test.  Offsets and
 * sizes are in bytes from the page start unless said otherwise; one unit
 * is 2 bytes, a page 2048 units.  Page layouts are read from the policy's
 * dump: "<free units>: <offset>+<bytes> <what> ...", where a kmalloc block
 * starts at its 8-byte size header.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "gfp.h"
#include "slab.h"
#include "testutil.h"

/* ---- Fixtures ---- */

static struct sim *mk(void)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.cpus = 2;
	cfg.policy = "slob";
	cfg.pcp = false;	/* freed pages go straight to the buddy lists */
	return tu_sim_cfg(&cfg);
}

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

static struct tbuf dumpbuf;

/* the whole heap as the policy dumps it (@s marks its objects) */
static const char *dump(const struct sim *sim, const struct kmem_cache *s)
{
	dumpbuf.n = 0;
	dumpbuf.s[0] = '\0';
	slab_policy(sim)->dump(sim, s, tbuf_write, &dumpbuf);
	return dumpbuf.s;
}

/* the layout of the heap page holding @a: "<free units>: <blocks>" */
static const char *layout(const struct sim *sim, sim_addr_t a)
{
	static char line[4096];
	char key[64];
	const char *p, *e;

	snprintf(key, sizeof key, "  0x%llx(",
		 (unsigned long long)(a & ~(sim_addr_t)(SIM_PAGE_SIZE - 1)));
	p = strstr(dump(sim, NULL), key);
	ck_assert_msg(p != NULL, "page of 0x%llx not in the heap:\n%s",
		      (unsigned long long)a, dumpbuf.s);
	p += strlen(key);
	e = strchr(p, '\n');
	snprintf(line, sizeof line, "%.*s", (int)(e - p), p);
	/* "1943): 0+108 ..." -> "1943: 0+108 ..." */
	memmove(strchr(line, ')'), strchr(line, ')') + 1, strlen(strchr(line, ')')));
	return line;
}

#define ck_layout(sim, a, want) \
	ck_assert_str_eq(layout(sim, a), want)

/* a policy-wide number of the slab summary (SLOB's heap) */
static uint64_t heap(const struct sim *sim, const char *name)
{
	static struct sim_slab_summary sum;

	sim_slab_get_summary(sim, &sum);
	for (size_t i = 0; i < sum.nr_fields; i++)
		if (strcmp(sum.fields[i].name, name) == 0)
			return sum.fields[i].value;
	ck_abort_msg("no summary field %s", name);
	return 0;
}

static void valid(const struct sim *sim)
{
	ck_assert(slab_validate(sim));
	ck_assert(slab_policy(sim)->validate(sim, NULL));
}

static sim_addr_t km(struct sim *sim, size_t size)
{
	sim_addr_t a = kmalloc(sim, size, GFP_KERNEL);

	ck_assert_msg(a != SIM_ADDR_NONE, "kmalloc(%zu): %s", size, sim_last_reason(sim));
	valid(sim);
	return a;
}

static void kf(struct sim *sim, sim_addr_t a)
{
	ck_assert_int_eq(kfree(sim, a), SIM_OK);
	valid(sim);
}

static unsigned off(sim_addr_t a)
{
	return (unsigned)(a & (SIM_PAGE_SIZE - 1));
}

static sim_addr_t pagebase(sim_addr_t a)
{
	return a & ~(sim_addr_t)(SIM_PAGE_SIZE - 1);
}

static struct kmem_cache *mkcache(struct sim *sim, const char *name, unsigned size,
				  unsigned align, bool ctor, slab_flags_t flags)
{
	struct kmem_cache_args a = { .align = align, .ctor = ctor };
	struct kmem_cache *s = kmem_cache_create(sim, name, size, &a, flags);

	ck_assert_msg(s != NULL, "create %s: %s", name, sim_last_reason(sim));
	return s;
}

static sim_addr_t ca(struct sim *sim, struct kmem_cache *s)
{
	sim_addr_t a = kmem_cache_alloc(sim, s, GFP_KERNEL);

	ck_assert_msg(a != SIM_ADDR_NONE, "alloc %s: %s", s->name, sim_last_reason(sim));
	valid(sim);
	return a;
}

/* free pages of all zones (the buddy lists: pcp is off) */
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

/* the page addresses of list @name in search order, from the dump */
static size_t list_pages(const struct sim *sim, const char *name, sim_addr_t *out,
			 size_t max)
{
	char key[32];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof key, "%s: ", name);
	p = strstr(dump(sim, NULL), key);
	ck_assert(p != NULL);
	p = strchr(p, '\n') + 1;
	while (strncmp(p, "  0x", 4) == 0 && n < max) {
		out[n++] = strtoull(p + 2, NULL, 16);
		p = strchr(p, '\n') + 1;
	}
	return n;
}

/* ---- kmalloc: header, units, lists ---- */

START_TEST(test_kmalloc_100)
{
	struct sim *sim = mk();
	sim_addr_t a;

	/*
	 * kmalloc(100): 100 < PAGE_SIZE - 8, not a power of two -> align 8;
	 * slob_alloc(108, align 8, align_offset 8): SLOB_UNITS(108) = 54
	 * units, and 108 < 256 -> the small list.  The heap is empty, so a
	 * new page is added at the head of the small list and the block cut
	 * from its start: header at 0, object at 8; 2048 - 54 = 1994 units
	 * stay free in one block [108, 4096).  ksize = SLOB_UNITS(100) * 2.
	 */
	a = km(sim, 100);
	ck_assert_uint_eq(off(a), 8);
	ck_assert_uint_eq(ksize(sim, a), 100);
	ck_layout(sim, a, "1994: 0+108 kmalloc(100) 108+3988 free");
	ck_assert_uint_eq(heap(sim, "slob_pages"), 1);
	ck_assert_uint_eq(heap(sim, "slob_pages_small"), 1);
	ck_assert_uint_eq(heap(sim, "slob_pages_medium"), 0);
	ck_assert_uint_eq(heap(sim, "slob_free_units_small"), 1994);
	ck_assert_uint_eq(heap(sim, "slob_kmalloc_objects"), 1);
	ck_assert_uint_eq(heap(sim, "slob_kmalloc_req_bytes"), 100);
	ck_assert_uint_eq(heap(sim, "slob_kmalloc_block_bytes"), 108);
	ck_assert_uint_eq(heap(sim, "slob_internal_frag_bytes"), 8);
	ck_assert_uint_eq(heap(sim, "slob_free_bytes"), 3988);
	/* one page, unreclaimable slab memory (slob_new_pages) */
	{
		uint64_t r, u;

		sim_slab_vmstat(sim, &r, &u);
		ck_assert_uint_eq(r, 0);
		ck_assert_uint_eq(u, 1);
	}
	/*
	 * An odd size rounds its block up to whole units: 101 + 8 = 109 ->
	 * 55 units.  The free block starts at 108, and 108 + 8 = 116 is not
	 * 8-aligned: ALIGN(116, 8) - 8 = 112, a 2-unit head fragment
	 * [108,112), the block [112,222), the object at 120; ksize 102.
	 */
	{
		sim_addr_t b = km(sim, 101);

		ck_assert_uint_eq(off(b), 120);
		ck_assert_uint_eq(ksize(sim, b), 102);
		ck_layout(sim, a, "1939: 0+108 kmalloc(100) 108+4 free 112+110 kmalloc(101) "
			  "222+3874 free");
	}
	/* no /proc/slabinfo under SLOB */
	ck_assert_int_eq(sim_slabinfo(sim, tbuf_write, &dumpbuf), SIM_ENOENT);
	sim_free(sim);
}
END_TEST

START_TEST(test_lists_by_size)
{
	struct sim *sim = mk();
	sim_addr_t s, m, l;

	/*
	 * The list is chosen by the size slob_alloc() sees, header included:
	 * kmalloc(247) -> 255 < 256 small; kmalloc(248) -> 256 medium;
	 * kmalloc(1015) -> 1023 medium; kmalloc(1016) -> 1024 large.  Each
	 * list starts empty, so each takes a page of its own.
	 */
	s = km(sim, 247);
	m = km(sim, 248);
	ck_assert(pagebase(s) != pagebase(m));
	ck_assert_uint_eq(heap(sim, "slob_pages_small"), 1);
	ck_assert_uint_eq(heap(sim, "slob_pages_medium"), 1);
	/* 1015 + 8 = 1023 bytes = 512 units: fits the medium page (1920 free) */
	ck_assert_uint_eq(pagebase(km(sim, 1015)), pagebase(m));
	l = km(sim, 1016);
	ck_assert_uint_eq(heap(sim, "slob_pages_large"), 1);
	ck_assert(pagebase(l) != pagebase(s) && pagebase(l) != pagebase(m));
	ck_assert_uint_eq(heap(sim, "slob_free_units_small"), 2048 - 128);
	ck_assert_uint_eq(heap(sim, "slob_free_units_medium"), 2048 - 128 - 512);
	ck_assert_uint_eq(heap(sim, "slob_free_units_large"), 2048 - 512);
	sim_free(sim);
}
END_TEST

/* ---- A hand-worked page: alignment fragments and coalescing ---- */

START_TEST(test_page_layout)
{
	struct sim *sim = mk();
	uint64_t free0 = free_pages(sim), scanned;
	sim_addr_t a, b, c, d, e;

	/* A: kmalloc(100) -> block [0,108), object at 8 (see test_kmalloc_100) */
	a = km(sim, 100);
	ck_layout(sim, a, "1994: 0+108 kmalloc(100) 108+3988 free");

	/*
	 * B: kmalloc(64), a power of two: align 64; 72 bytes = 36 units.
	 * The free block starts at 108: ALIGN(108 + 8, 64) - 8 = 120, so
	 * delta = 6 units; 1994 >= 36 + 6.  The head fragment [108,120)
	 * stays free, the block is [120,192) (object at 128, 64-aligned) and
	 * the rest [192,4096) = 1952 units.  Free: 6 + 1952 = 1958.
	 */
	b = km(sim, 64);
	ck_assert_uint_eq(off(b), 128);
	ck_assert_uint_eq(pagebase(b), pagebase(a));
	ck_layout(sim, a, "1958: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) 192+3904 free");

	/*
	 * C: kmalloc(10): 18 bytes = 9 units, align 8.  First fit: the
	 * 6-unit block at 108 would need ALIGN(116, 8) - 8 = 112, delta 2,
	 * 6 < 9 + 2: no.  The block at 192: 192 + 8 = 200 is aligned, delta
	 * 0: [192,210), object at 200.  Two free blocks examined.
	 */
	scanned = heap(sim, "slob_blocks_scanned");
	c = km(sim, 10);
	ck_assert_uint_eq(off(c), 200);
	ck_assert_uint_eq(heap(sim, "slob_blocks_scanned") - scanned, 2);
	ck_layout(sim, a, "1949: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) "
		  "192+18 kmalloc(10) 210+3886 free");

	/*
	 * D: kmalloc(3): 11 bytes -> 6 units.  At 108: delta 2, 6 < 8: no.
	 * At 210: ALIGN(218, 8) - 8 = 216, delta 3 units: a 6-byte head
	 * fragment [210,216), the block [216,228), object at 224, the rest
	 * [228,4096) = 1934 units.  Free: 6 + 3 + 1934 = 1943.
	 */
	d = km(sim, 3);
	ck_assert_uint_eq(off(d), 224);
	ck_assert_uint_eq(ksize(sim, d), 4);
	ck_layout(sim, a, "1943: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) "
		  "192+18 kmalloc(10) 210+6 free 216+12 kmalloc(3) 228+3868 free");
	ck_assert_uint_eq(heap(sim, "slob_align_fragments"), 2);
	ck_assert_uint_eq(heap(sim, "slob_free_blocks"), 3);

	/*
	 * Free C ([192,210), 9 units at unit 96): free blocks at units 54,
	 * 105, 114.  96 + 9 == 105: merges with the following block into
	 * [192,216); 54 + 6 = 60 != 96: not with the preceding one.
	 */
	kf(sim, c);
	ck_layout(sim, a, "1952: 0+108 kmalloc(100) 108+12 free 120+72 kmalloc(64) "
		  "192+24 free 216+12 kmalloc(3) 228+3868 free");

	/*
	 * Free B ([120,192), 36 units at unit 60): 54 + 6 == 60 and 60 + 36
	 * == 96: it joins both neighbours into [108,216), 54 units.
	 */
	kf(sim, b);
	ck_layout(sim, a, "1988: 0+108 kmalloc(100) 108+108 free 216+12 kmalloc(3) 228+3868 free");
	ck_assert_uint_eq(ksize(sim, b), 0);

	/*
	 * E: kmalloc(96): not a power of two, 104 bytes = 52 units.  At 108:
	 * ALIGN(116, 8) - 8 = 112, delta 2; 54 >= 52 + 2: a 4-byte fragment
	 * [108,112), then an exact fit [112,216), object at 120.
	 */
	e = km(sim, 96);
	ck_assert_uint_eq(off(e), 120);
	ck_layout(sim, a, "1936: 0+108 kmalloc(100) 108+4 free 112+104 kmalloc(96) "
		  "216+12 kmalloc(3) 228+3868 free");

	/* Free A: in front of the first free block, 0 + 54 == 54: merged */
	kf(sim, a);
	ck_layout(sim, e, "1990: 0+112 free 112+104 kmalloc(96) 216+12 kmalloc(3) 228+3868 free");
	/* Free E: joins the preceding block [0,112) into [0,216) */
	kf(sim, e);
	ck_layout(sim, d, "2042: 0+216 free 216+12 kmalloc(3) 228+3868 free");
	ck_assert_uint_eq(heap(sim, "slob_pages"), 1);

	/* Free D: 2042 + 6 == 2048 -> the page goes back to the buddy allocator */
	kf(sim, d);
	ck_assert_uint_eq(heap(sim, "slob_pages"), 0);
	ck_assert_uint_eq(heap(sim, "slob_pages_small"), 0);
	ck_assert_uint_eq(heap(sim, "slob_pages_freed"), 1);
	ck_assert_uint_eq(free_pages(sim), free0);
	{
		uint64_t r, u;

		sim_slab_vmstat(sim, &r, &u);
		ck_assert_uint_eq(r + u, 0);
	}
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	sim_free(sim);
}
END_TEST

/* ---- Cache objects: no header, 1-unit fragments ---- */

START_TEST(test_cache_layout)
{
	struct sim *sim = mk();
	struct kmem_cache *s = mkcache(sim, "c30", 30, 0, false, 0);
	sim_addr_t x0, x1, x2, y;

	/*
	 * A 30-byte cache: align = max(0, ARCH_SLAB_MINALIGN 8) = 8, c->size
	 * 30 = 15 units, no header, small list.  x0 = [0,30).  Next: the
	 * free block at 30 -> ALIGN(30, 8) = 32, delta 1 unit: a 1-unit
	 * fragment [30,32), x1 = [32,62); then [62,64) and x2 = [64,94).
	 */
	ck_assert_uint_eq(s->size, 30);
	ck_assert_uint_eq(s->align, 8);
	x0 = ca(sim, s);
	x1 = ca(sim, s);
	x2 = ca(sim, s);
	ck_assert_uint_eq(off(x0), 0);
	ck_assert_uint_eq(off(x1), 32);
	ck_assert_uint_eq(off(x2), 64);
	ck_layout(sim, x0, "2003: 0+30 c30 30+2 free 32+30 c30 62+2 free 64+30 c30 94+4002 free");
	/* SLOB's per-cache books: no slabs, the live blocks only */
	ck_assert_uint_eq(s->acct.live, 3);
	ck_assert_uint_eq(s->acct.slot_bytes, 90);
	ck_assert_uint_eq(s->acct.pages, 0);
	ck_assert_uint_eq(ksize(sim, x1), 30);

	/* the dump stars the objects of the cache asked about */
	ck_assert_ptr_nonnull(strstr(dump(sim, s), "32+30 *c30"));

	/*
	 * Free x1 (unit 16, 15 units): 15 + 1 == 16 and 16 + 15 == 31: both
	 * 1-unit neighbours join, [30,64) = 17 units.  Allocating again cuts
	 * the same 1-unit fragment and gives the same address back.
	 */
	ck_assert_int_eq(kmem_cache_free(sim, s, x1), SIM_OK);
	valid(sim);
	ck_layout(sim, x0, "2018: 0+30 c30 30+34 free 64+30 c30 94+4002 free");
	y = ca(sim, s);
	ck_assert_uint_eq(y, x1);
	ck_layout(sim, x0, "2003: 0+30 c30 30+2 free 32+30 c30 62+2 free 64+30 c30 94+4002 free");

	/* kmem_cache_shrink gives nothing back under SLOB */
	ck_assert_uint_eq(kmem_cache_shrink(sim, s), 0);
	ck_assert_int_eq(kmem_cache_free(sim, s, x0), SIM_OK);
	ck_assert_int_eq(kmem_cache_free(sim, s, x2), SIM_OK);
	ck_assert_int_eq(kmem_cache_free(sim, s, y), SIM_OK);
	valid(sim);
	ck_assert_uint_eq(heap(sim, "slob_pages"), 0);
	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	sim_free(sim);
}
END_TEST

START_TEST(test_cache_alignment_and_rcu)
{
	struct sim *sim = mk();
	struct kmem_cache *s35 = mkcache(sim, "c35", 35, 0, false, 0);
	struct kmem_cache *hw = mkcache(sim, "hw", 35, 0, false, SLAB_HWCACHE_ALIGN);
	struct kmem_cache *rcu = mkcache(sim, "rcu", 100, 0, false, SLAB_TYPESAFE_BY_RCU);
	sim_addr_t a0, a1, h0, h1, r0;

	/*
	 * c35: 35 bytes -> 18 units (36 bytes), align 8: objects at 0 and
	 * ALIGN(36, 8) = 40 (a 2-unit fragment [36,40) between them).
	 */
	a0 = ca(sim, s35);
	a1 = ca(sim, s35);
	ck_assert_uint_eq(off(a1) - off(a0), 40);
	ck_layout(sim, a0, "2012: 0+36 c35 36+4 free 40+36 c35 76+4020 free");

	/*
	 * hw: SLAB_HWCACHE_ALIGN for 35 bytes: 64 / 2 = 32 < 35 -> align 64;
	 * the page of c35 is the head of the small list.  The 2-unit block
	 * at 36 would need ALIGN(36, 64) = 64, delta 14: no.  At 76:
	 * ALIGN(76, 64) = 128, delta 26, object [128,164); then 36 and 76
	 * are too small and at 164: ALIGN(164, 64) = 192 -> [192,228).
	 * Free: 2 + 26 + 14 + 1934 = 1976 = 2048 - 4 * 18.
	 */
	ck_assert_uint_eq(hw->align, 64);
	h0 = ca(sim, hw);
	h1 = ca(sim, hw);
	ck_assert_uint_eq(pagebase(h0), pagebase(a0));
	ck_assert_uint_eq(off(h0), 128);
	ck_assert_uint_eq(off(h1), 192);
	ck_layout(sim, a0, "1976: 0+36 c35 36+4 free 40+36 c35 76+52 free 128+36 hw "
		  "164+28 free 192+36 hw 228+3868 free");

	/*
	 * SLAB_TYPESAFE_BY_RCU appends struct slob_rcu (24 bytes): c->size =
	 * 124 = 62 units.  At 228: ALIGN(228, 8) = 232, delta 2 units.
	 */
	ck_assert_uint_eq(rcu->size, 124);
	r0 = ca(sim, rcu);
	ck_assert_uint_eq(off(r0), 232);
	ck_assert_uint_eq(ksize(sim, r0), 124);
	sim_free(sim);
}
END_TEST

/* ---- Lists: new pages at the head, rotation, full pages back at the head ---- */

START_TEST(test_list_rotation)
{
	struct sim *sim = mk();
	sim_addr_t obj[4][16], pages[8], p[4];
	size_t n;

	/*
	 * kmalloc(240): 248 bytes = 124 units, small list, 8-aligned
	 * (248 is a multiple of 8: no fragments).  A page holds 16 of them
	 * (1984 units), 64 units stay free: the 17th does not fit, so a new
	 * page is taken and added at the HEAD.  64 allocations make four
	 * pages P0..P3 with the small list [P3, P2, P1, P0].
	 */
	for (int pg = 0; pg < 4; pg++) {
		for (int i = 0; i < 16; i++) {
			obj[pg][i] = km(sim, 240);
			ck_assert_uint_eq(off(obj[pg][i]), (unsigned)i * 248 + 8);
		}
		p[pg] = pagebase(obj[pg][0]);
	}
	n = list_pages(sim, "small", pages, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(pages[0], p[3]);
	ck_assert_uint_eq(pages[1], p[2]);
	ck_assert_uint_eq(pages[2], p[1]);
	ck_assert_uint_eq(pages[3], p[0]);

	/*
	 * Free the first object of P1: P1 has 64 + 124 = 188 units.  The next
	 * kmalloc(240) walks P3 and P2 (64 < 124: skipped) and fits at offset
	 * 0 of P1, which keeps 64 units and stays listed.  P1 is not first:
	 * list_rotate_to_front() moves the pages before it (P3, P2) behind
	 * the tail in order: [P1, P0, P3, P2] (moving P1 alone to the front
	 * would have given [P1, P3, P2, P0]).
	 */
	kf(sim, obj[1][0]);
	obj[1][0] = km(sim, 240);
	ck_assert_uint_eq(obj[1][0], p[1] + 8);
	ck_assert_uint_eq(heap(sim, "slob_rotations"), 1);
	n = list_pages(sim, "small", pages, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(pages[0], p[1]);
	ck_assert_uint_eq(pages[1], p[0]);
	ck_assert_uint_eq(pages[2], p[3]);
	ck_assert_uint_eq(pages[3], p[2]);

	/*
	 * Fill P1's tail with kmalloc(120) (128 bytes = 64 units): the walk
	 * starts at P1, which fits exactly -> P1 is full and leaves the list:
	 * [P0, P3, P2].  Freeing a block of a full page makes it a page with
	 * one free block at the HEAD of the list of the freed size (small).
	 */
	{
		sim_addr_t t = km(sim, 120);

		ck_assert_uint_eq(pagebase(t), p[1]);
		ck_assert_uint_eq(off(t), 16 * 248 + 8);
		ck_assert_uint_eq(heap(sim, "slob_pages_full"), 1);
		n = list_pages(sim, "small", pages, 8);
		ck_assert_uint_eq(n, 3);
		ck_assert_uint_eq(pages[0], p[0]);
		kf(sim, obj[1][5]);
		ck_assert_uint_eq(heap(sim, "slob_pages_full"), 0);
		n = list_pages(sim, "small", pages, 8);
		ck_assert_uint_eq(n, 4);
		ck_assert_uint_eq(pages[0], p[1]);
		ck_assert_uint_eq(pages[1], p[0]);
		{
			char want[1024] = "124:";
			size_t w = strlen(want);

			for (int i = 0; i < 16; i++)
				w += (size_t)snprintf(want + w, sizeof want - w, " %d+248 %s",
						      i * 248, i == 5 ? "free" : "kmalloc(240)");
			snprintf(want + w, sizeof want - w, " 3968+128 kmalloc(120)");
			ck_layout(sim, p[1], want);
		}
		(void)t;
	}
	sim_free(sim);
}
END_TEST

/* ---- kmalloc: natural alignment, the page threshold, large kmalloc ---- */

START_TEST(test_kmalloc_alignment_and_large)
{
	struct sim *sim = mk();
	uint64_t free0 = free_pages(sim);
	sim_addr_t a, b, c, big;

	/*
	 * kmalloc(2048): power of two -> align 2048; 2056 bytes = 1028 units
	 * (large list).  In a new page ALIGN(0 + 8, 2048) - 8 = 2040: delta
	 * 1020 units, 2048 >= 1028 + 1020: the head fragment [0,2040) stays
	 * free, the block fills [2040,4096) exactly, the object is at 2048.
	 */
	a = km(sim, 2048);
	ck_assert_uint_eq(off(a), 2048);
	ck_layout(sim, a, "1020: 0+2040 free 2040+2056 kmalloc(2048)");
	ck_assert_uint_eq(ksize(sim, a), 2048);

	/* every power of two up to 2048 comes back naturally aligned */
	for (size_t sz = 8; sz <= 2048; sz *= 2) {
		b = km(sim, sz);
		ck_assert_msg(b % sz == 0, "kmalloc(%zu) at 0x%llx", sz, (unsigned long long)b);
		kf(sim, b);
	}

	/*
	 * kmalloc(4087): 4087 < 4096 - 8 -> the heap: 4095 bytes = 2048 units,
	 * a whole page, full at once (on no list); ksize 4088.
	 * kmalloc(4088) is >= PAGE_SIZE - minalign -> an order-0 page of its
	 * own, ksize 4096, outside the heap.
	 */
	b = km(sim, 4087);
	ck_assert_uint_eq(off(b), 8);
	ck_assert_uint_eq(ksize(sim, b), 4088);
	ck_assert_uint_eq(heap(sim, "slob_pages_full"), 1);
	c = km(sim, 4088);
	ck_assert_uint_eq(off(c), 0);
	ck_assert_uint_eq(ksize(sim, c), 4096);
	/* 8193 bytes: get_order = 2, four pages (compound) */
	big = km(sim, 8193);
	ck_assert_uint_eq(ksize(sim, big), 16384);
	{
		struct sim_slab_summary sum;

		sim_slab_get_summary(sim, &sum);
		ck_assert_uint_eq(sum.large_objects, 2);
		ck_assert_uint_eq(sum.large_pages, 5);
		ck_assert_uint_eq(sum.nr_slab_unreclaimable, 2 + 5);
	}
	kf(sim, a);
	kf(sim, b);
	kf(sim, c);
	kf(sim, big);
	ck_assert_uint_eq(free_pages(sim), free0);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);
	sim_free(sim);
}
END_TEST

/* ---- kmem_cache emulation ---- */

START_TEST(test_cache_emulation)
{
	struct sim *sim = mk();
	uint64_t free0 = free_pages(sim);
	struct kmem_cache *s = mkcache(sim, "ctor", 64, 0, true, 0);
	struct kmem_cache *t = mkcache(sim, "plain", 64, 0, false, 0);
	struct kmem_cache *dbg = mkcache(sim, "dbg", 64, 0, false, SLAB_RED_ZONE | SLAB_POISON);
	struct kmem_cache *big = mkcache(sim, "big", 5000, 0, false, 0);
	sim_addr_t x[3], y;

	/* no merging under SLOB: two caches of the same geometry stay apart */
	ck_assert_ptr_ne(s, t);
	ck_assert_int_eq(s->refcount, 1);
	ck_assert_int_eq(t->refcount, 1);
	/* SLOB has no debug flags: dropped by the creation mask */
	ck_assert_uint_eq(dbg->flags & (SLAB_RED_ZONE | SLAB_POISON), 0);

	/* the constructor runs on every allocation, not once per slab */
	for (int i = 0; i < 3; i++)
		x[i] = ca(sim, s);
	ck_assert_uint_eq(s->acct.ctor_calls, 3);
	ck_assert_int_eq(kmem_cache_free(sim, s, x[1]), SIM_OK);
	x[1] = ca(sim, s);
	ck_assert_uint_eq(s->acct.ctor_calls, 4);
	ck_assert_uint_eq(t->acct.ctor_calls, 0);
	ck_assert_uint_eq(kmem_cache_shrink(sim, s), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(kmem_cache_free(sim, s, x[i]), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 0);

	/*
	 * A ctor and __GFP_ZERO: WARN_ON_ONCE in slob_alloc_node(), once per
	 * boot; the object is still returned (and constructed).
	 */
	y = kmem_cache_alloc(sim, s, GFP_KERNEL | __GFP_ZERO);
	ck_assert(y != SIM_ADDR_NONE);
	ck_assert_int_eq(kmem_cache_free(sim, s, y), SIM_OK);
	y = kmem_cache_alloc(sim, s, GFP_KERNEL | __GFP_ZERO);
	ck_assert_int_eq(kmem_cache_free(sim, s, y), SIM_OK);
	ck_assert_uint_eq(sim_nr_bugs(sim), 1);
	ck_assert_int_eq(sim_bug_at(sim, 0)->kind, SIM_BUG_WARN);

	/*
	 * 5000-byte objects are >= PAGE_SIZE: pages of get_order(5000) = 1,
	 * page aligned, outside the heap; freeing gives them straight back.
	 */
	ck_assert_uint_eq(big->order, 1);
	y = ca(sim, big);
	ck_assert_uint_eq(y % (2 * SIM_PAGE_SIZE), 0);
	ck_assert_uint_eq(heap(sim, "slob_page_objects_pages"), 2);
	ck_assert_uint_eq(heap(sim, "slob_pages"), 0);
	ck_assert_int_eq(kmem_cache_free(sim, big, y), SIM_OK);
	valid(sim);
	ck_assert_uint_eq(heap(sim, "slob_page_objects_pages"), 0);

	ck_assert_int_eq(kmem_cache_destroy(sim, s), SIM_OK);
	ck_assert_int_eq(kmem_cache_destroy(sim, t), SIM_OK);
	ck_assert_int_eq(kmem_cache_destroy(sim, dbg), SIM_OK);
	ck_assert_int_eq(kmem_cache_destroy(sim, big), SIM_OK);
	ck_assert_uint_eq(free_pages(sim), free0);
	sim_free(sim);
}
END_TEST

/* ---- krealloc keeps the header: ksize and the freed units ---- */

START_TEST(test_krealloc_header)
{
	struct sim *sim = mk();
	sim_addr_t a, b;

	/*
	 * kmalloc(100) has ksize 100; krealloc to 60 stays in place and the
	 * kernel leaves the header at 100: ksize stays 100 and kfree gives
	 * back all 54 units.  krealloc to 101 > ksize moves.
	 */
	a = km(sim, 100);
	b = krealloc(sim, a, 60, GFP_KERNEL);
	ck_assert_uint_eq(b, a);
	ck_assert_uint_eq(ksize(sim, a), 100);
	b = krealloc(sim, a, 101, GFP_KERNEL);
	ck_assert(b != a);
	valid(sim);
	/*
	 * The new block (109 -> 55 units) was cut before the old one was
	 * freed: at 108, ALIGN(116, 8) - 8 = 112 leaves a 2-unit fragment;
	 * the old [0,108) then merges with that fragment into [0,112).
	 */
	ck_layout(sim, b, "1993: 0+112 free 112+110 kmalloc(101) 222+3874 free");
	kf(sim, b);
	ck_assert_uint_eq(heap(sim, "slob_pages"), 0);
	sim_free(sim);
}
END_TEST

/* ---- Costs: the search is what SLOB pays for ---- */

START_TEST(test_search_cost)
{
	struct sim *sim = mk();
	sim_addr_t keep[64];
	sim_time_t t0, t1, t2;

	/*
	 * Fragment one page into many small free blocks: 64 kmalloc(24)
	 * (32 bytes = 16 units each), then free every other one.  A request
	 * that fits none of the 16-unit holes walks them all before cutting
	 * from the tail; one that fits the first hole stops there.
	 */
	for (int i = 0; i < 64; i++)
		keep[i] = km(sim, 24);
	for (int i = 0; i < 63; i += 2)
		kf(sim, keep[i]);
	t0 = sim_now(sim);
	keep[0] = km(sim, 24);
	t1 = sim_now(sim);
	keep[2] = km(sim, 40);		/* 48 bytes: no 32-byte hole holds it */
	t2 = sim_now(sim);
	ck_assert_uint_eq(off(keep[0]), 8);
	ck_assert_uint_eq(off(keep[2]), 64 * 32 + 8);
	/* first fit stopped at hole 1; the other examined 31 holes + the tail */
	ck_assert_uint_eq((t2 - t1) - (t1 - t0), 31 * COST_SLOB_BLOCK);
	sim_free(sim);
}
END_TEST

/* ---- The list index against the kernel's walk ---- */

/*
 * The oracle: the kernel's slob_alloc walk done by hand over the heap as
 * the dump shows it (each list in search order, each page's free blocks
 * in address order), with first fit and alignment as in slob_page_alloc:
 * pages checked, misses (enough units, no fitting block) and blocks
 * examined, and where the object lands.  The policy finds its first fit
 * through an index instead of walking; its counters must say the same.
 */
struct walk_page {
	sim_addr_t base;
	unsigned units;
	unsigned nr;
	unsigned off[1100], len[1100];	/* free blocks, bytes */
};

struct walk_want {
	uint64_t pages, misses, blocks;
	sim_addr_t at;		/* the block (not the object), 0: a new page */
};

/* the walk of list @name ("small", ...) for @units units, @align, @offset */
static struct walk_want walk_by_hand(const struct sim *sim, const char *name,
				     unsigned units, unsigned align, unsigned offset)
{
	static struct tu_text d;
	static struct walk_page pg;
	struct walk_want w = { 0, 0, 0, 0 };
	char key[32];
	const char *p;

	d.n = 0;
	slab_policy(sim)->dump(sim, NULL, tu_text_write, &d);
	snprintf(key, sizeof key, "%s: ", name);
	p = strstr(d.s, key);
	ck_assert_ptr_nonnull(p);
	p = strchr(p, '\n') + 1;
	while (strncmp(p, "  0x", 4) == 0) {
		unsigned long long base;
		char *e;

		base = strtoull(p + 2, &e, 16);
		pg.base = base;
		pg.units = (unsigned)strtoul(e + 1, &e, 10);
		pg.nr = 0;
		p = e + 2;		/* past "):" */
		while (*p == ' ') {
			unsigned o = (unsigned)strtoul(p + 1, &e, 10);
			unsigned n = (unsigned)strtoul(e + 1, &e, 10);

			if (strncmp(e, " free", 5) == 0 && (e[5] == ' ' || e[5] == '\n')) {
				ck_assert_uint_lt(pg.nr, 1100);
				pg.off[pg.nr] = o;
				pg.len[pg.nr] = n;
				pg.nr++;
			}
			p = strpbrk(e, " \n");
			while (*p == ' ' && p[1] != '\0' && !(p[1] >= '0' && p[1] <= '9'))
				p = strpbrk(p + 1, " \n");	/* past the block's description */
		}
		p++;
		if (w.at)
			continue;	/* found: the rest is parsed, not walked */
		w.pages++;
		if (pg.units < units)
			continue;
		for (unsigned i = 0; i < pg.nr; i++) {
			sim_addr_t cur = pg.base + pg.off[i];
			sim_addr_t aligned = cur;
			unsigned delta;

			w.blocks++;
			if (align)
				aligned = ((cur + offset + align - 1) & ~(sim_addr_t)(align - 1)) - offset;
			delta = (unsigned)(aligned - cur) / 2;
			if (pg.len[i] / 2 >= units + delta) {
				w.at = aligned;
				break;
			}
		}
		if (!w.at)
			w.misses++;
	}
	return w;
}

static uint64_t heap_stat(const struct sim *sim, const char *name)
{
	return heap(sim, name);
}

/*
 * @many_sizes: kmalloc sizes drawn from 8..2040 instead of the table, so
 * that each list sees far more distinct request sizes than it has class
 * boundaries (31): most requests then fall inside a class, and the walk
 * counts that class's pages one by one (slob_walk_class) -- with the
 * table's 20 sizes every request is a boundary and that path never runs.
 */
static void index_matches_walk(bool many_sizes)
{
	/* kmalloc sizes: every list, odd and power-of-two (aligned) sizes */
	static const unsigned sizes[] = {
		8, 24, 40, 64, 100, 128, 200, 300, 256, 500, 512, 700,
		1000, 1024, 1500, 2000, 2048, 3000,
	};
	struct sim *sim = mk();
	struct kmem_cache *maple, *dentry;
	struct kmem_cache_args args = { .align = 256 };
	sim_addr_t live[400] = { 0 };
	struct kmem_cache *owner[400] = { NULL };
	uint64_t x = 0x9e3779b97f4a7c15ull;

	maple = kmem_cache_create(sim, "maple", 256, &args, 0);
	dentry = kmem_cache_create(sim, "dentry", 192, NULL, SLAB_HWCACHE_ALIGN);
	ck_assert(maple && dentry);
	for (int op = 0; op < (many_sizes ? 20000 : 3000); op++) {
		unsigned k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (unsigned)(x % 400);
		if (live[k]) {
			if (owner[k])
				ck_assert_int_eq(kmem_cache_free(sim, owner[k], live[k]), SIM_OK);
			else
				ck_assert_int_eq(kfree(sim, live[k]), SIM_OK);
			live[k] = 0;
		} else {
			unsigned pick = (unsigned)((x >> 20) % (ARRAY_SIZE(sizes) + 2));
			uint64_t p0 = heap_stat(sim, "slob_pages_scanned");
			uint64_t m0 = heap_stat(sim, "slob_page_misses");
			uint64_t b0 = heap_stat(sim, "slob_blocks_scanned");
			struct walk_want w;
			sim_addr_t a, block;

			if (pick >= ARRAY_SIZE(sizes)) {
				/* a cache: its size, its alignment, no header */
				struct kmem_cache *c = pick == ARRAY_SIZE(sizes) ? maple : dentry;

				w = walk_by_hand(sim, c->size < 256 ? "small" : "medium",
						 (c->size + 1) / 2, c->align, 0);
				a = kmem_cache_alloc(sim, c, GFP_KERNEL);
				block = a;
				owner[k] = c;
			} else {
				/* kmalloc: size + 8 (the header), aligned to 8 or the
				 * size itself for a power of two, block + 8 aligned */
				unsigned sz = many_sizes ? 8 + (unsigned)((x >> 24) % 2033)
							  : sizes[pick];
				unsigned need = sz + 8;
				unsigned align = (sz & (sz - 1)) == 0 && sz > 8 ? sz : 8;

				if (need >= SIM_PAGE_SIZE)
					continue;	/* large kmalloc: pages, no list */
				w = walk_by_hand(sim, need < 256 ? "small" :
						 need < 1024 ? "medium" : "large",
						 (need + 1) / 2, align, 8);
				a = kmalloc(sim, sz, GFP_KERNEL);
				block = a - 8;
				owner[k] = NULL;
			}
			ck_assert(a != SIM_ADDR_NONE);
			live[k] = a;
			ck_assert_uint_eq(heap_stat(sim, "slob_pages_scanned") - p0, w.pages);
			ck_assert_uint_eq(heap_stat(sim, "slob_page_misses") - m0, w.misses);
			/* a new page: its first block is examined too */
			ck_assert_uint_eq(heap_stat(sim, "slob_blocks_scanned") - b0,
					  w.blocks + (w.at ? 0 : 1));
			if (w.at)
				ck_assert_uint_eq(block, w.at);
		}
		if (op % 151 == 0)
			valid(sim);
	}
	valid(sim);
	sim_free(sim);
}

START_TEST(test_index_matches_walk)
{
	index_matches_walk(false);
}
END_TEST

START_TEST(test_index_matches_walk_many_sizes)
{
	index_matches_walk(true);
}
END_TEST

/* ---- Suite ---- */

static Suite *slob_suite(void)
{
	Suite *s = suite_create("slob");
	TCase *tc = tcase_create("slob");

	tcase_add_test(tc, test_kmalloc_100);
	tcase_add_test(tc, test_lists_by_size);
	tcase_add_test(tc, test_page_layout);
	tcase_add_test(tc, test_cache_layout);
	tcase_add_test(tc, test_cache_alignment_and_rcu);
	tcase_add_test(tc, test_list_rotation);
	tcase_add_test(tc, test_kmalloc_alignment_and_large);
	tcase_add_test(tc, test_cache_emulation);
	tcase_add_test(tc, test_krealloc_header);
	tcase_add_test(tc, test_search_cost);
	tcase_add_test(tc, test_index_matches_walk);
	tcase_add_test(tc, test_index_matches_walk_many_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(slob_suite());
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slab_common.c - the object-cache layer shared by SLAB, SLUB and SLOB
 *
 * How it works.  This is the kernel's mm/slab_common.c plus what the three
 * policies must do identically so that they can be compared: the cache
 * registry, kmem_cache_create() with slub_debug= and merging into aliases,
 * the kmalloc size classes and their caches, large kmalloc, krealloc and
 * ksize, the registry of live objects with the simulated-kernel bug checks,
 * the books (per cache, NR_SLAB_*, counters, events), /proc/slabinfo and a
 * slabtop summary.  The policy (struct slab_ops, slab.h) only decides where
 * objects come from; it is called from this file and nowhere else.
 *
 * The object registry.  Every slab has a descriptor (struct slab) in a table
 * indexed by id; its pages carry PAGE_USE_SLAB and owner id + 1, so
 * virt_to_slab() is a page lookup (a sparse map from pfn to the slab's
 * descriptor, two levels, pageblocks with slabs only, stands in for the
 * page owner so that a free needs no probe for the head of the block, and
 * holds the descriptor itself, as the kernel's struct page is the slab:
 * finding the slab of a freed object costs one dependent host cache miss
 * beyond the small top level; slab_validate() checks that it names the
 * slabs the page owners name).  A slot slab keeps
 * the requested size of each slot, 0 for a free one, next to the policy's
 * link of that slot (its freelists: struct slab_slot); a block slab (SLOB)
 * keeps its blocks sorted by offset, dead ones too until their bytes are
 * reused, which is how a second free of the same block is told from a
 * free of garbage.
 *
 * Order of a free (kmem_cache_free, kfree):
 *   1. resolve the address: not in a slab page -> "not a slab page" /
 *      "Not a kmalloc allocation"; not at an object boundary -> "Invalid
 *      object pointer"; in another cache -> "Wrong slab cache" (then, as
 *      the kernel's cache_from_obj() does, go on with the object's cache);
 *   2. not live -> "Object already free";
 *   3. a red zone hit by kmem_poke() -> "Redzone overwritten", the bytes
 *      are restored and the object is not freed (slab_fix "Object at ...
 *      not freed"), as free_debug_processing() does;
 *   4. clear the slot, update the books, then ops->free (which may free the
 *      slab, so the descriptor is not touched afterwards).
 * Each bug is one sim_report_bug() with the kernel's first line; detail
 * lines go to the kernel log.  The state stays consistent, the cache usable.
 *
 * Order of an allocation: ops->alloc returns the address and where it is;
 * the slot is marked live and the books updated; poison damage recorded in
 * the slot while it was free is reported (check_object() on allocation).
 *
 * Simulated memory writes (kmem_poke).  kmemsim has no backing store, so a
 * scenario that wants slub_debug to catch something says what the kernel
 * wrote: kmem_poke(addr, len).  A write into the red zone of a live object
 * of a SLAB_RED_ZONE cache, past the requested size of a kmalloc object of
 * a cache with red zones and user tracking (the kmalloc red zone), or into
 * a free object of a SLAB_POISON cache is remembered in a small sorted
 * table and reported where SLUB's check_object() would see it: at free
 * (red zones), at the next allocation of the slot or when its slab is
 * discarded (poison).  Anything else is invisible to slub_debug, as in
 * the kernel.
 *
 * Fast paths.  kmem_cache_alloc() is the policy's alloc plus a few
 * stores; kmem_cache_free() and kfree() first try the slab of the last
 * lookup and, for a power-of-two stride, a shift instead of a division,
 * and fall back to the full, checked path on anything unusual (a miss,
 * damage recorded anywhere, an event sink, SLAB_TRACE).  Rare work lives
 * in out-of-line functions so that the fast paths need few registers.
 *
 * Determinism: no hashing, no host addresses; listings are by address or
 * by creation order.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "cost.h"
#include "gfp.h"
#include "page.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "slab.h"
#include "state.h"
#include "zone.h"

/* ---- State ---- */

enum slab_damage_kind {
	DAMAGE_POISON,		/* a free object of a SLAB_POISON cache written */
	DAMAGE_RED_LEFT,	/* left red zone of a live object */
	DAMAGE_RED_RIGHT,	/* right red zone (object_size .. inuse) */
	DAMAGE_RED_KMALLOC,	/* between the requested size and object_size */
	DAMAGE_RED_LEFT_FREE,	/* left red zone of a free object (SLUB_RED_INACTIVE) */
	DAMAGE_RED_RIGHT_FREE,	/* right red zone of a free object */
	DAMAGE_FREEPTR,		/* the free pointer of a free object of a debug cache */
};

/* the kinds a live object can have, and those of a free one */
#define DAMAGE_LIVE_MASK	((1u << DAMAGE_RED_LEFT) | (1u << DAMAGE_RED_RIGHT) | \
				 (1u << DAMAGE_RED_KMALLOC))
#define DAMAGE_RED_FREE_MASK	((1u << DAMAGE_RED_LEFT_FREE) | (1u << DAMAGE_RED_RIGHT_FREE))

static const char *const slab_damage_what[] = {
	[DAMAGE_POISON] = "Poison",
	[DAMAGE_RED_LEFT] = "Left Redzone",
	[DAMAGE_RED_RIGHT] = "Right Redzone",
	[DAMAGE_RED_KMALLOC] = "kmalloc Redzone",
	[DAMAGE_RED_LEFT_FREE] = "Left Redzone",
	[DAMAGE_RED_RIGHT_FREE] = "Right Redzone",
	[DAMAGE_FREEPTR] = "Freepointer",
};
/* the byte check_bytes_and_report() expected to find */
static const unsigned slab_damage_value[] = {
	[DAMAGE_POISON] = 0x6b,		/* POISON_FREE */
	[DAMAGE_RED_LEFT] = 0xcc,	/* SLUB_RED_ACTIVE */
	[DAMAGE_RED_RIGHT] = 0xcc,
	[DAMAGE_RED_KMALLOC] = 0xcc,
	[DAMAGE_RED_LEFT_FREE] = 0xbb,	/* SLUB_RED_INACTIVE */
	[DAMAGE_RED_RIGHT_FREE] = 0xbb,
	[DAMAGE_FREEPTR] = 0,		/* not a byte pattern: a pointer */
};

/* one damaged object: what was overwritten, first byte and extent */
struct slab_damage {
	sim_addr_t obj;		/* object address (sort key) */
	uint8_t kind;		/* enum slab_damage_kind */
	sim_addr_t start;	/* first byte written */
	uint64_t len;
};

/* one object or slab waiting for RCU */
enum slab_rcu_kind {
	RCU_KFREE,		/* kvfree_rcu(): kfree() after the batch's grace period */
	RCU_CACHE_FREE,		/* call_rcu() -> kmem_cache_free() */
	RCU_SLAB_PAGES,		/* SLAB_TYPESAFE_BY_RCU: call_rcu(rcu_free_slab) */
};

struct slab_rcu_item {
	uint64_t what;		/* object address, or slab id */
	sim_time_t done;	/* end of its grace period */
	uint32_t cache_id, cache_gen;	/* RCU_CACHE_FREE */
	uint8_t kind;		/* enum slab_rcu_kind */
	uint8_t cpu;		/* where it was queued: the callback runs there */
};

/* one block of slub_debug=: flags for a list of cache names */
struct slab_debug_block {
	slab_flags_t flags;
	char *list;		/* "name1,name2*" (no ';'), NULL: global */
};

/* struct slab_state is in slab.h (its lookups are inline there) */

/* The policies, Lua's linit.c style.  Add SLAB and SLOB here when built:
 *   &sim_slab_ops, &sim_slub_ops, &sim_slob_ops, NULL */
static const struct slab_ops *const slab_policies[] = {
	&sim_slab_ops,
	&sim_slub_ops,
	&sim_slob_ops,
	NULL
};

const struct slab_ops *slab_ops_lookup(const char *name)
{
	for (size_t i = 0; slab_policies[i]; i++)
		if (strcmp(slab_policies[i]->name, name) == 0)
			return slab_policies[i];
	return NULL;
}

const struct slab_ops *slab_policy(const struct sim *sim)
{
	return sim->slab ? sim->slab->ops : NULL;
}

void slab_set_policy_state(struct sim *sim, void *state)
{
	sim->slab->policy = state;
}

/* ---- Small helpers ---- */

/* room for @need elements in *@arr, first @first of them, then doubling */
static int slab_grow_from(void **arr, uint32_t *cap, uint32_t need, size_t elem,
			  uint32_t first)
{
	uint32_t ncap;
	void *n;

	if (need <= *cap)
		return SIM_OK;
	ncap = *cap ? *cap : first;
	while (ncap < need)
		ncap *= 2;
	n = sim_xrealloc(*arr, (size_t)ncap * elem);
	if (!n)
		return SIM_ENOHOSTMEM;
	*arr = n;
	*cap = ncap;
	return SIM_OK;
}

static int slab_grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	return slab_grow_from(arr, cap, need, elem, 16);
}

static int slab_grow_size(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *n;

	if (need <= *cap)
		return SIM_OK;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	n = sim_xrealloc(*arr, ncap * elem);
	if (!n)
		return SIM_ENOHOSTMEM;
	*arr = n;
	*cap = ncap;
	return SIM_OK;
}

static void slab_where(const struct sim *sim, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sim->where_fn)
		sim->where_fn(sim->where_ud, buf, len);
	if (!buf[0])
		snprintf(buf, len, "%s", "kmemsim");
}

/* ---- Flags ---- */

static const struct {
	const char *name;
	slab_flags_t value;
	bool user;
} slab_flag_names[] = {
#define SLAB_X_NAME(n, u) { "SLAB_" #n, SLAB_##n, u },
	SLAB_FLAG_TABLE(SLAB_X_NAME)
#undef SLAB_X_NAME
};

static slab_flags_t slab_user_flags(void)
{
	slab_flags_t m = 0;

	for (size_t i = 0; i < ARRAY_SIZE(slab_flag_names); i++)
		if (slab_flag_names[i].user)
			m |= slab_flag_names[i].value;
	return m;
}

int sim_slab_flags_parse(const char *s, size_t len, uint32_t *out, char *err,
			 size_t errlen)
{
	slab_flags_t v = 0;
	size_t i = 0, errpos = 0;
	int nbad = 0;

	if (errlen)
		err[0] = '\0';
	while (i <= len) {
		size_t b, e;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		b = i;
		while (i < len && s[i] != '|')
			i++;
		e = i;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b) {
			size_t n = e - b;
			bool found = false;

			if (n == 1 && s[b] == '0')
				found = true;
			for (size_t k = 0; !found && k < ARRAY_SIZE(slab_flag_names); k++) {
				const char *nm = slab_flag_names[k].name;

				if (slab_flag_names[k].user && strlen(nm) == n &&
				    memcmp(nm, s + b, n) == 0) {
					v |= slab_flag_names[k].value;
					found = true;
				}
			}
			if (!found) {
				if (errlen && errpos < errlen) {
					int w = snprintf(err + errpos, errlen - errpos,
							 "%s'%.*s'", nbad ? ", " : "unknown SLAB flag ",
							 (int)n, s + b);
					if (w > 0)
						errpos += (size_t)w;
				}
				nbad++;
			}
		}
		i++;
	}
	if (nbad) {
		if (errlen && errpos < errlen)
			snprintf(err + errpos, errlen - errpos,
				 " (known: SLAB_HWCACHE_ALIGN, SLAB_RECLAIM_ACCOUNT, "
				 "SLAB_CACHE_DMA, SLAB_CACHE_DMA32, SLAB_ACCOUNT, "
				 "SLAB_PANIC, SLAB_TYPESAFE_BY_RCU, SLAB_POISON, "
				 "SLAB_RED_ZONE, SLAB_STORE_USER, SLAB_NO_MERGE, "
				 "SLAB_CONSISTENCY_CHECKS, SLAB_TRACE, SLAB_NOLEAKTRACE, "
				 "SLAB_FAILSLAB)");
		return SIM_EINVAL;
	}
	*out = v;
	return SIM_OK;
}

size_t sim_slab_flags_format(uint32_t flags, char *buf, size_t len)
{
	size_t pos = 0;

	if (len)
		buf[0] = '\0';
	if (!flags)
		return (size_t)snprintf(buf, len, "0");
	for (size_t i = 0; i < ARRAY_SIZE(slab_flag_names); i++) {
		if (!(flags & slab_flag_names[i].value))
			continue;
		int w = snprintf(pos < len ? buf + pos : NULL,
				 pos < len ? len - pos : 0, "%s%s",
				 pos ? "|" : "", slab_flag_names[i].name);
		if (w > 0)
			pos += (size_t)w;
	}
	return pos;
}

/* ---- slub_debug= (parse_slub_debug_flags, kmem_cache_flags) ---- */

/* one block from @p; *@end is past its ';' run; flags and list filled */
static const char *slab_debug_parse_block(struct sim *sim, const char *p,
					  slab_flags_t *flags, const char **list,
					  size_t *list_len, bool *higher_off)
{
	while (*p == ';')
		p++;
	*flags = 0;
	if (*p == ',') {
		/* no letters but a list: full debugging for those caches */
		*flags = DEBUG_DEFAULT_FLAGS;
	} else {
		for (; *p && *p != ',' && *p != ';'; p++) {
			switch (*p | 0x20) {
			case '-': *flags = 0; break;
			case 'f': *flags |= SLAB_CONSISTENCY_CHECKS; break;
			case 'z': *flags |= SLAB_RED_ZONE; break;
			case 'p': *flags |= SLAB_POISON; break;
			case 'u': *flags |= SLAB_STORE_USER; break;
			case 't': *flags |= SLAB_TRACE; break;
			case 'a': *flags |= SLAB_FAILSLAB; break;
			case 'o': *higher_off = true; break;
			default:
				sim_printk(sim, "slab_debug option '%c' unknown. skipped", *p);
			}
		}
	}
	if (*p == ',') {
		*list = ++p;
		while (*p && *p != ';')
			p++;
		*list_len = (size_t)(p - *list);
	} else {
		*list = NULL;
		*list_len = 0;
		while (*p && *p != ';')
			p++;
	}
	while (*p == ';')
		p++;
	return p;
}

static int slab_debug_setup(struct sim *sim)
{
	struct slab_state *st = sim->slab;
	const char *p = sim->cfg.slub_debug;
	slab_flags_t global = DEBUG_DEFAULT_FLAGS;
	bool global_changed = false, list_given = false;

	st->debug_parsed = true;
	st->debug_global = 0;
	if (!p)
		return SIM_OK;		/* no slub_debug on the command line */
	if (!*p) {
		st->debug_global = DEBUG_DEFAULT_FLAGS;	/* plain "slub_debug" */
		return SIM_OK;
	}
	while (*p) {
		slab_flags_t f;
		const char *list;
		size_t n;
		bool off = false;

		p = slab_debug_parse_block(sim, p, &f, &list, &n, &off);
		if (off)
			st->debug_higher_order_off = true;
		if (!list) {
			global = f;
			global_changed = true;
			continue;
		}
		list_given = true;
		if (slab_grow_size((void **)&st->debug_blocks, &st->cap_debug_blocks,
				   st->nr_debug_blocks + 1, sizeof *st->debug_blocks) != SIM_OK)
			return SIM_ENOHOSTMEM;
		{
			struct slab_debug_block *b = &st->debug_blocks[st->nr_debug_blocks];

			b->flags = f;
			b->list = sim_xmalloc(n + 1);
			if (!b->list)
				return SIM_ENOHOSTMEM;
			memcpy(b->list, list, n);
			b->list[n] = '\0';
			st->nr_debug_blocks++;
		}
	}
	/* a list without a global block leaves the global flags alone (0) */
	st->debug_global = (list_given && !global_changed) ? 0 : global;
	return SIM_OK;
}

slab_flags_t kmem_cache_flags(const struct sim *sim, slab_flags_t flags,
			      const char *name)
{
	const struct slab_state *st = sim->slab;
	slab_flags_t global;
	size_t len = strlen(name);

	if (!st || !st->debug_parsed || (flags & SLAB_NO_USER_FLAGS))
		return flags;
	global = st->debug_global;
	if (flags & SLAB_NOLEAKTRACE)
		global &= ~(slab_flags_t)SLAB_STORE_USER;
	for (size_t i = 0; i < st->nr_debug_blocks; i++) {
		const char *it = st->debug_blocks[i].list;

		while (*it) {
			const char *end = strchr(it, ',');
			const char *glob;
			size_t n, cmplen;

			if (!end)
				end = it + strlen(it);
			n = (size_t)(end - it);
			glob = memchr(it, '*', n);
			cmplen = glob ? (size_t)(glob - it) : SIM_MAX(len, n);
			if (strncmp(name, it, cmplen) == 0)
				return flags | st->debug_blocks[i].flags;
			if (!*end)
				break;
			it = end + 1;
		}
	}
	return flags | global;
}

bool slab_debug_disable_higher_order(const struct sim *sim)
{
	return sim->slab->debug_higher_order_off;
}

/* ---- Alignment ---- */

unsigned calculate_alignment(slab_flags_t flags, unsigned align, unsigned size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned ralign = SIM_CACHE_LINE;

		/* small objects share a cache line: halve while they fit twice */
		while (size <= ralign / 2)
			ralign /= 2;
		align = SIM_MAX(align, ralign);
	}
	align = SIM_MAX(align, (unsigned)ARCH_KMALLOC_MINALIGN);	/* arch_slab_minalign() */
	return SIM_ALIGN(align, 8u);
}

/* ---- Slab descriptors ---- */

/* bytes of a descriptor with room for @nslots slots */
static size_t slab_desc_bytes(uint32_t nslots)
{
	return sizeof(struct slab) + (size_t)nslots * sizeof(struct slab_slot);
}

#define SLAB_DESC_CHUNK	512	/* slot-less descriptors per chunk (64 KiB) */

/* host memory for a descriptor, aligned to a host cache line so that its
 * first 64 bytes (what a free reads) are one line.  One without slots comes
 * from the chunks and has cap_slots 0 for as long as it lives (see struct
 * slab_state); one with slots is its own allocation. */
static struct slab *slab_desc_alloc(struct slab_state *st, uint32_t nslots)
{
	if (nslots) {
		size_t n = SIM_ALIGN(slab_desc_bytes(nslots), (size_t)64);

		return aligned_alloc(64, n);
	}
	if (!st->desc_chunk_left) {
		size_t cap = st->cap_desc_chunks;
		char *c;

		if (slab_grow_size((void **)&st->desc_chunks, &cap,
				   st->nr_desc_chunks + 1, sizeof *st->desc_chunks) != SIM_OK)
			return NULL;
		st->cap_desc_chunks = cap;
		c = aligned_alloc(64, SLAB_DESC_CHUNK * sizeof(struct slab));
		if (!c)
			return NULL;
		st->desc_chunks[st->nr_desc_chunks++] = c;
		st->desc_chunk_left = SLAB_DESC_CHUNK;
	}
	return (struct slab *)st->desc_chunks[st->nr_desc_chunks - 1] +
	       (SLAB_DESC_CHUNK - st->desc_chunk_left--);
}

/* a descriptor's own allocation, if it has one */
static void slab_desc_release(struct slab *slab)
{
	if (slab->cap_slots)
		free(slab);
}

/* a descriptor with room for @nslots slots (reused or new), NULL on host OOM */
static struct slab *slab_desc_get(struct sim *sim, uint32_t nslots)
{
	struct slab_state *st = sim->slab;
	struct slab *slab;
	uint32_t id;

	if (st->nr_free_slab_ids) {
		id = st->free_slab_ids[st->nr_free_slab_ids - 1];
		slab = st->slabs[id];
		if (slab->cap_slots < nslots) {
			struct slab *n = slab_desc_alloc(st, nslots);

			if (!n)
				return NULL;
			memcpy(n, slab, sizeof *n);
			slab_desc_release(slab);	/* a chunk's stays unused */
			slab = n;
			slab->cap_slots = nslots;
			st->slabs[id] = slab;
		}
		st->nr_free_slab_ids--;
	} else {
		uint32_t cap = st->cap_slab_ids;

		if (st->nr_slab_ids == UINT32_MAX - 1)
			return NULL;
		if (slab_grow((void **)&st->slabs, &cap, st->nr_slab_ids + 1,
			      sizeof *st->slabs) != SIM_OK)
			return NULL;
		cap = st->cap_slab_ids;
		if (slab_grow((void **)&st->slab_used, &cap, st->nr_slab_ids + 1,
			      sizeof *st->slab_used) != SIM_OK)
			return NULL;
		cap = st->cap_slab_ids;
		if (slab_grow((void **)&st->free_slab_ids, &cap,
			      st->nr_slab_ids + 1, sizeof *st->free_slab_ids) != SIM_OK)
			return NULL;
		st->cap_slab_ids = cap;
		slab = slab_desc_alloc(st, nslots);
		if (!slab)
			return NULL;
		memset(slab, 0, sizeof *slab);
		slab->pfn = SIM_PFN_NONE;
		id = st->nr_slab_ids++;
		st->slabs[id] = slab;
		slab->id = id;
		slab->cap_slots = nslots;
	}
	st->slab_used[id] = false;
	memset(slab_slot(slab, 0), 0, (size_t)nslots * sizeof(struct slab_slot));
	return slab;
}

static void slab_desc_put(struct sim *sim, struct slab *slab)
{
	struct slab_state *st = sim->slab;

	st->slab_used[slab->id] = false;
	slab->pfn = SIM_PFN_NONE;	/* a stale page owner finds no slab here */
	st->free_slab_ids[st->nr_free_slab_ids++] = slab->id;
}

static void slab_account_pages(struct sim *sim, struct slab *slab, long sign)
{
	struct slab_state *st = sim->slab;
	uint64_t pages = UINT64_C(1) << slab->order;

	struct sim_node_stat *ns = &sim->node_stat;

	if (slab->reclaimable)
		ns->nr_slab_reclaimable += sign > 0 ? pages : -pages;
	else
		ns->nr_slab_unreclaimable += sign > 0 ? pages : -pages;
	/* pages only grow here, so this is the one place a peak can be set */
	if (sign > 0 && ns->nr_slab_reclaimable + ns->nr_slab_unreclaimable >
	    st->peak_pages)
		st->peak_pages = ns->nr_slab_reclaimable + ns->nr_slab_unreclaimable;
}

gfp_t kmalloc_fix_flags(struct sim *sim, gfp_t gfp)
{
	const gfp_t bug_mask = GFP_SLAB_BUG_MASK;

	if (unlikely(gfp & bug_mask)) {
		char b1[GFP_FORMAT_MAX], b2[GFP_FORMAT_MAX];
		gfp_t fixed = gfp & ~bug_mask;

		gfp_format(gfp, b1, sizeof b1);
		gfp_format(fixed, b2, sizeof b2);
		sim_report_bug(sim, SIM_BUG_WARN,
			       "Unexpected gfp: %#x (%s). Fixing up to gfp: %#x (%s). Fix your code!",
			       gfp, b1, fixed, b2);
		gfp = fixed;
	}
	return gfp;
}

/* the page map hint of a new slab (slab.h: SLAB_MAP_HINT), 0 for none */
static uintptr_t slab_map_hint(enum slab_kind kind, unsigned order,
			       uint32_t first, uint32_t stride)
{
	if (kind != SLAB_KIND_SLOTS || first || order > 2 || stride < 8 ||
	    stride > SIM_PAGE_SIZE || !sim_is_pow2(stride))
		return 0;
	return (uintptr_t)__builtin_ctz(stride) - 2;	/* 1..10 */
}

/* record @slab (NULL: none) for the 2^@order pages at @pfn, with @hint
 * (slab.h: SLAB_MAP_HINT) in each entry's low bits */
static int slab_map_set(struct slab_state *st, pfn_t pfn, unsigned order,
			struct slab *val, uintptr_t hint)
{
	pfn_t end = pfn + ((pfn_t)1 << order);

	for (pfn_t p = pfn; p < end; p = (p | (SIM_PAGEBLOCK_PAGES - 1)) + 1) {
		size_t pb = (size_t)(p >> SIM_PAGEBLOCK_ORDER);
		pfn_t stop = SIM_MIN(end, ((pfn_t)pb + 1) << SIM_PAGEBLOCK_ORDER);

		if (pb >= st->nr_pb_map) {
			size_t n = SIM_MAX(pb + 1, st->nr_pb_map * 2);
			uintptr_t **m;

			if (!val)
				continue;
			m = sim_xrealloc(st->pb_map, n * sizeof *m);
			if (!m)
				return SIM_ENOHOSTMEM;
			memset(m + st->nr_pb_map, 0, (n - st->nr_pb_map) * sizeof *m);
			st->pb_map = m;
			st->nr_pb_map = n;
		}
		if (!st->pb_map[pb]) {
			if (!val)
				continue;
			st->pb_map[pb] = sim_xcalloc(SIM_PAGEBLOCK_PAGES, sizeof(uintptr_t));
			if (!st->pb_map[pb])
				return SIM_ENOHOSTMEM;
		}
		for (pfn_t q = p; q < stop; q++)
			st->pb_map[pb][q & (SIM_PAGEBLOCK_PAGES - 1)] = !val ? 0 :
				(uintptr_t)val | (hint ? hint | (uintptr_t)(q - pfn) << 4 : 0);
	}
	return SIM_OK;
}

/*
 * account_slab() with memcg: a new slab of a SLAB_ACCOUNT cache gets a
 * vector of one struct slabobj_ext (6.1: struct obj_cgroup *) per object,
 * kcalloc()ed from a plain kmalloc cache (OBJCGS_CLEAR_MASK drops the
 * DMA, RECLAIMABLE, ACCOUNT and NOFAIL bits); if that fails the slab goes
 * on without one, as alloc_slab_obj_exts()'s -ENOMEM is ignored there.
 */
#define SLABOBJ_EXT_SIZE	8	/* struct slabobj_ext without MEM_ALLOC_PROFILING */
#define OBJCGS_CLEAR_MASK	(__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT | __GFP_NOFAIL)

static void slab_alloc_obj_exts(struct sim *sim, struct slab *slab, gfp_t gfp)
{
	sim_addr_t vec = kcalloc(sim, slab->nr_slots, SLABOBJ_EXT_SIZE,
				 gfp & ~(gfp_t)(OBJCGS_CLEAR_MASK | __GFP_COMP));

	slab->obj_exts = vec == SIM_ADDR_NONE ? 0 : vec;
}

/* unaccount_slab() -> free_slab_obj_exts() */
static void slab_free_obj_exts(struct sim *sim, struct slab *slab)
{
	sim_addr_t vec = slab->obj_exts;

	slab->obj_exts = 0;
	if (vec)
		kfree(sim, vec);
}

struct slab *slab_new_pages(struct sim *sim, struct kmem_cache *s,
			    unsigned order, gfp_t gfp, enum slab_kind kind,
			    uint32_t first, uint32_t stride, uint32_t nr_slots)
{
	struct slab_state *st = sim->slab;
	struct slab *slab;
	pfn_t pfn;
	int rc;

	slab = slab_desc_get(sim, kind == SLAB_KIND_SLOTS ? nr_slots : 0);
	if (!slab) {
		sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		return NULL;
	}
	rc = pgalloc_alloc(sim, order, gfp, &pfn);
	if (rc != SIM_OK) {
		st->free_slab_ids[st->nr_free_slab_ids++] = slab->id;
		return NULL;
	}
	if (slab_map_set(st, pfn, order, slab,
			 slab_map_hint(kind, order, first, stride)) != SIM_OK) {
		slab_map_set(st, pfn, order, NULL, 0);
		pgalloc_free(sim, pfn, order);
		st->free_slab_ids[st->nr_free_slab_ids++] = slab->id;
		sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		return NULL;
	}
	page_set_use(sim, pfn, 1ul << order,
		     kind == SLAB_KIND_LARGE ? PAGE_USE_KMALLOC_LARGE : PAGE_USE_SLAB,
		     slab->id + 1);
	st->slab_used[slab->id] = true;
	slab->pfn = pfn;
	slab->order = (uint8_t)order;
	slab->kind = (uint8_t)kind;
	slab->node = (uint8_t)SIM_MAX(page_node(sim, pfn), 0);
	slab->cache_id = s ? s->id : SLAB_NONE;
	slab->reclaimable = s && (s->flags & SLAB_RECLAIM_ACCOUNT);
	slab->first = first;
	slab->stride = stride;
	slab->nr_slots = kind == SLAB_KIND_SLOTS ? nr_slots : 0;
	slab->obj_base = pfn_to_addr(pfn) + first;
	slab->span = stride * slab->nr_slots;
	slab->shift = (stride && sim_is_pow2(stride)) ? (uint8_t)__builtin_ctz(stride) : 0xff;
	slab->nr_live = 0;
	slab->nr_blocks = 0;
	slab->large_req = 0;
	if (st->ops && st->ops->slab_priv_size)
		memset(slab->priv, 0, st->ops->slab_priv_size);
	slab->obj_exts = 0;
	slab_account_pages(sim, slab, 1);
	if (kind == SLAB_KIND_SLOTS && s && (s->flags & SLAB_ACCOUNT) && sim->cfg.memcg)
		slab_alloc_obj_exts(sim, slab, gfp);
	if (kind != SLAB_KIND_LARGE) {
		sim->stats.slab_new++;
		if (s) {
			s->acct.slabs++;
			s->acct.pages += UINT64_C(1) << order;
			s->acct.objects += slab->nr_slots;
			s->acct.slabs_created++;
		}
		SIM_EVENT(sim, SLAB_NEW, s ? s->id : SLAB_NONE, pfn, order, 0);
	}
	return slab;
}

static void slab_damage_check_range(struct sim *sim, struct slab *slab);

/* ---- RCU (kvfree_rcu, call_rcu, SLAB_TYPESAFE_BY_RCU) ----
 *
 * An RCU free waits for a grace period in virtual time.  call_rcu()
 * callbacks (cache:free_rcu(), the pages of a SLAB_TYPESAFE_BY_RCU slab)
 * run RCU_GP_NS after the call.  kfree_rcu() objects are batched per CPU
 * as kvfree_rcu() does: kfree_rcu_monitor() takes the CPU's batch
 * KFREE_DRAIN_NS after its first object, or one jiffy after it reaches
 * KVFREE_BULK_MAX_ENTR objects, and frees it a grace period later.  A tick
 * of one jiffy does the work (so times are exact to a jiffy); it is
 * registered at the first RCU free and never runs inside an allocation's
 * slow path (the slab layer is not re-entered there), where the work
 * waits for the next tick.  Until then the objects stay allocated and the
 * slab pages stay counted in NR_SLAB_*, as in the kernel.
 */
#define RCU_HZ			250			/* CONFIG_HZ_250 */
#define RCU_JIFFY_NS		(SIM_NSEC_PER_SEC / RCU_HZ)
#define RCU_GP_NS		(3 * RCU_JIFFY_NS)	/* a grace period: 12 ms, see docs/model.md */
#define KFREE_DRAIN_NS		(5 * SIM_NSEC_PER_SEC)	/* KFREE_DRAIN_JIFFIES = 5 * HZ */
#define KVFREE_BULK_MAX_ENTR	((SIM_PAGE_SIZE - 16) / 8)	/* pointers in a bulk page: 510 */

static void slab_rcu_tick(struct sim *sim, void *arg);
static sim_time_t slab_rcu_quiet(struct sim *sim, void *arg);

static int slab_rcu_push(struct slab_rcu_item **v, size_t *nr, size_t *cap,
			 const struct slab_rcu_item *it)
{
	if (slab_grow_size((void **)v, cap, *nr + 1, sizeof **v) != SIM_OK)
		return SIM_ENOHOSTMEM;
	(*v)[(*nr)++] = *it;
	return SIM_OK;
}

static int slab_rcu_start(struct sim *sim)
{
	struct slab_state *st = sim->slab;

	if (st->rcu_timer)
		return SIM_OK;
	if (sim_timer_add_quiet(sim, RCU_JIFFY_NS, RCU_JIFFY_NS, slab_rcu_tick,
				slab_rcu_quiet, NULL, NULL) != SIM_OK)
		return SIM_ENOHOSTMEM;
	st->rcu_timer = true;
	return SIM_OK;
}

/* queue a callback that runs a grace period from now (call_rcu()) */
static int slab_rcu_call(struct sim *sim, struct slab_rcu_item *it)
{
	struct slab_state *st = sim->slab;

	if (slab_rcu_start(sim) != SIM_OK)
		return SIM_ENOHOSTMEM;
	it->done = sim->now + RCU_GP_NS;
	it->cpu = (uint8_t)sim->cur_cpu;
	return slab_rcu_push(&st->rcu_wait, &st->rcu_nr, &st->rcu_cap, it);
}

/* free_slab() of a SLAB_TYPESAFE_BY_RCU cache: the cache lets go now, the
 * pages go back after a grace period (rcu_free_slab()) */
static void slab_rcu_defer_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slab_state *st = sim->slab;
	struct slab_rcu_item it = { .what = slab->id, .kind = RCU_SLAB_PAGES,
				    .cache_id = s->id, .cache_gen = s->gen };

	sim->stats.slab_discard++;
	s->acct.slabs--;
	s->acct.pages -= UINT64_C(1) << slab->order;
	s->acct.objects -= slab->nr_slots;
	s->acct.slabs_freed++;
	SIM_EVENT(sim, SLAB_DISCARD, slab->cache_id, slab->pfn, slab->order, 0);
	/* no cache's slab any more: an object pointer into it is no object */
	slab->kind = SLAB_KIND_BLOCKS;
	slab->cache_id = SLAB_NONE;
	slab->nr_blocks = 0;
	if (slab_rcu_call(sim, &it) != SIM_OK) {
		/* no host memory to wait with: free the pages at once */
		if (slab->obj_exts)
			slab_free_obj_exts(sim, slab);
		slab_account_pages(sim, slab, -1);
		slab_map_set(st, slab->pfn, slab->order, NULL, 0);
		pgalloc_free(sim, slab->pfn, slab->order);
		slab_desc_put(sim, slab);
	}
}

/* run one callback on the CPU that queued it */
static void slab_rcu_run(struct sim *sim, const struct slab_rcu_item *it)
{
	struct slab_state *st = sim->slab;
	unsigned cpu = sim->cur_cpu;

	sim->cur_cpu = it->cpu < sim->cfg.cpus ? it->cpu : 0;
	switch (it->kind) {
	case RCU_KFREE:
		kfree(sim, it->what);
		st->rcu_freed++;
		break;
	case RCU_CACHE_FREE: {
		struct kmem_cache *s = it->cache_id < st->nr_ids ? st->caches[it->cache_id] : NULL;

		if (s && s->gen == it->cache_gen)
			kmem_cache_free(sim, s, it->what);
		st->rcu_freed++;
		break;
	}
	case RCU_SLAB_PAGES: {
		struct slab *slab = st->slabs[it->what];

		if (slab->obj_exts)
			slab_free_obj_exts(sim, slab);
		slab_account_pages(sim, slab, -1);
		slab_map_set(st, slab->pfn, slab->order, NULL, 0);
		pgalloc_free(sim, slab->pfn, slab->order);
		slab_desc_put(sim, slab);
		st->rcu_slabs_freed++;
		break;
	}
	}
	sim->cur_cpu = cpu;
}

/* kfree_rcu_monitor() of @cpu: its batch starts waiting for a grace period */
static void slab_rcu_monitor(struct sim *sim, unsigned cpu)
{
	struct slab_state *st = sim->slab;
	struct slab_rcu_cpu *c = &st->rcu_cpu[cpu];

	for (size_t i = 0; i < c->nr; i++) {
		c->q[i].done = sim->now + RCU_GP_NS;
		if (slab_rcu_push(&st->rcu_wait, &st->rcu_nr, &st->rcu_cap, &c->q[i]) != SIM_OK)
			slab_rcu_run(sim, &c->q[i]);	/* no host memory: free now */
	}
	c->nr = 0;
	c->monitor_due = 0;
}

/* the callbacks whose grace period ended (all of them: rcu_barrier()) */
static void slab_rcu_complete(struct sim *sim, bool all)
{
	struct slab_state *st = sim->slab;

	while (st->rcu_head < st->rcu_nr &&
	       (all || st->rcu_wait[st->rcu_head].done <= sim->now)) {
		struct slab_rcu_item it = st->rcu_wait[st->rcu_head++];

		slab_rcu_run(sim, &it);	/* may queue more (a kfree into a TYPESAFE cache) */
	}
	if (st->rcu_head == st->rcu_nr)
		st->rcu_head = st->rcu_nr = 0;
}

/* the tick's quiet time: the first monitor or grace-period end due */
static sim_time_t slab_rcu_quiet(struct sim *sim, void *arg)
{
	const struct slab_state *st = sim->slab;
	sim_time_t t = SIM_TIME_NEVER;

	(void)arg;
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++)
		if (st->rcu_cpu[cpu].nr && st->rcu_cpu[cpu].monitor_due < t)
			t = st->rcu_cpu[cpu].monitor_due;
	if (st->rcu_head < st->rcu_nr && st->rcu_wait[st->rcu_head].done < t)
		t = st->rcu_wait[st->rcu_head].done;
	return t;
}

static void slab_rcu_tick(struct sim *sim, void *arg)
{
	struct slab_state *st = sim->slab;

	(void)arg;
	if (sim->reclaim && sim->reclaim->alloc_depth)
		return;		/* not inside an allocation: next jiffy */
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++)
		if (st->rcu_cpu[cpu].nr && sim->now >= st->rcu_cpu[cpu].monitor_due)
			slab_rcu_monitor(sim, cpu);
	slab_rcu_complete(sim, false);
}

/* rcu_barrier() + kvfree_rcu_barrier(): every pending RCU free, now */
void slab_rcu_barrier(struct sim *sim)
{
	struct slab_state *st = sim->slab;
	bool more = true;

	if (!st)
		return;
	while (more) {
		for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++)
			if (st->rcu_cpu[cpu].nr)
				slab_rcu_monitor(sim, cpu);
		slab_rcu_complete(sim, true);
		more = false;
		for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++)
			more |= st->rcu_cpu[cpu].nr != 0;
	}
}

int kfree_rcu(struct sim *sim, sim_addr_t p)
{
	struct slab_state *st = sim->slab;
	struct slab_rcu_cpu *c;
	struct slab_rcu_item it = { .what = p, .kind = RCU_KFREE };

	if (!p || p == SIM_ZERO_SIZE_PTR)
		return SIM_OK;
	if (slab_rcu_start(sim) != SIM_OK)
		return SIM_ENOHOSTMEM;
	c = &st->rcu_cpu[sim->cur_cpu];
	it.cpu = (uint8_t)sim->cur_cpu;
	if (slab_rcu_push(&c->q, &c->nr, &c->cap, &it) != SIM_OK)
		return SIM_ENOHOSTMEM;
	/* schedule_delayed_monitor_work(): 5 s, or a jiffy once a page is full */
	if (c->nr == 1)
		c->monitor_due = sim->now + KFREE_DRAIN_NS;
	if (c->nr >= KVFREE_BULK_MAX_ENTR && c->monitor_due > sim->now + RCU_JIFFY_NS)
		c->monitor_due = sim->now + RCU_JIFFY_NS;
	return SIM_OK;
}

int kmem_cache_free_rcu(struct sim *sim, struct kmem_cache *s, sim_addr_t obj)
{
	struct slab_rcu_item it = { .what = obj, .kind = RCU_CACHE_FREE,
				    .cache_id = s->id, .cache_gen = s->gen };

	return slab_rcu_call(sim, &it);
}

void slab_free_pages(struct sim *sim, struct slab *slab)
{
	struct kmem_cache *s = NULL;
	struct slab_state *st = sim->slab;

	SIM_BUG_ON(slab->nr_live != 0);
	if (slab->cache_id != SLAB_NONE)
		s = st->caches[slab->cache_id];
	if (st->nr_damage)
		slab_damage_check_range(sim, slab);
	if (s && (s->flags & SLAB_TYPESAFE_BY_RCU) && slab->kind == SLAB_KIND_SLOTS) {
		slab_rcu_defer_slab(sim, s, slab);
		return;
	}
	if (slab->obj_exts)
		slab_free_obj_exts(sim, slab);
	slab_account_pages(sim, slab, -1);
	if (slab->kind != SLAB_KIND_LARGE) {
		sim->stats.slab_discard++;
		if (s) {
			s->acct.slabs--;
			s->acct.pages -= UINT64_C(1) << slab->order;
			s->acct.objects -= slab->nr_slots;
			s->acct.slabs_freed++;
		}
		SIM_EVENT(sim, SLAB_DISCARD, slab->cache_id, slab->pfn, slab->order, 0);
	}
	slab_map_set(st, slab->pfn, slab->order, NULL, 0);
	pgalloc_free(sim, slab->pfn, slab->order);
	slab_desc_put(sim, slab);
}

void slab_note_ctor(struct sim *sim, struct kmem_cache *s, unsigned n)
{
	(void)sim;
	s->acct.ctor_calls += n;
}

/* slot index of @addr in a slot slab, or -1 if it is not an object start */
static inline int64_t slab_slot_of(const struct slab *slab, sim_addr_t addr)
{
	uint64_t off = addr - slab->obj_base;
	uint32_t idx;

	if (off >= slab->span)
		return -1;
	if (likely(slab->shift != 0xff)) {
		if (off & ((UINT64_C(1) << slab->shift) - 1))
			return -1;
		return (int64_t)(off >> slab->shift);
	}
	idx = (uint32_t)off / slab->stride;
	if ((uint32_t)off != idx * slab->stride)
		return -1;
	return (int64_t)idx;
}

/* record a new live block: drop dead blocks its bytes overlap */
static int slab_block_insert(struct slab *slab, uint32_t off, uint32_t bytes,
			     uint32_t req, uint32_t cache_id)
{
	uint32_t i = 0, j, hi = slab->nr_blocks;

	/* i: the first block that ends after @off.  The blocks are sorted
	 * and do not overlap, so their ends ascend too: a binary search, not
	 * a walk over a SLOB page's hundreds of blocks (issue 15: host time) */
	while (i < hi) {
		uint32_t mid = i + (hi - i) / 2;

		if (slab->blocks[mid].offset + SIM_MAX(slab->blocks[mid].bytes, 1u) <= off)
			i = mid + 1;
		else
			hi = mid;
	}
	j = i;
	while (j < slab->nr_blocks && slab->blocks[j].offset < off + SIM_MAX(bytes, 1u)) {
		SIM_BUG_ON(slab->blocks[j].live);	/* the policy gave out live bytes */
		j++;
	}
	/* room for 4 blocks first: many SLOB pages hold one or two objects
	 * (a burst of 2 KiB buffers makes a page each), and 16 made the
	 * registry half of a SLOB page's host memory (issue 15: host time) */
	if (j == i && slab_grow_from((void **)&slab->blocks, &slab->cap_blocks,
				     slab->nr_blocks + 1, sizeof *slab->blocks, 4) != SIM_OK)
		return SIM_ENOHOSTMEM;
	/* replace blocks [i, j) by the new one */
	memmove(&slab->blocks[i + 1], &slab->blocks[j],
		(slab->nr_blocks - j) * sizeof *slab->blocks);
	slab->nr_blocks = slab->nr_blocks - (j - i) + 1;
	slab->blocks[i] = (struct slab_block){ off, bytes, req, cache_id, true };
	return SIM_OK;
}

/* ---- Damage (kmem_poke) ---- */

static size_t slab_damage_lower(const struct slab_state *st, sim_addr_t obj)
{
	size_t lo = 0, hi = st->nr_damage;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->damage[mid].obj < obj)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void slab_damage_add(struct sim *sim, sim_addr_t obj, unsigned kind,
			    sim_addr_t start, uint64_t len)
{
	struct slab_state *st = sim->slab;
	size_t i = slab_damage_lower(st, obj);

	/* merge with an existing record of the same object and kind */
	for (size_t k = i; k < st->nr_damage && st->damage[k].obj == obj; k++) {
		struct slab_damage *d = &st->damage[k];

		if (d->kind == kind) {
			sim_addr_t end = SIM_MAX(d->start + d->len, start + len);

			d->start = SIM_MIN(d->start, start);
			d->len = end - d->start;
			return;
		}
	}
	if (slab_grow_size((void **)&st->damage, &st->cap_damage,
			   st->nr_damage + 1, sizeof *st->damage) != SIM_OK)
		return;		/* best effort: the write goes unnoticed */
	memmove(&st->damage[i + 1], &st->damage[i],
		(st->nr_damage - i) * sizeof *st->damage);
	st->damage[i] = (struct slab_damage){ obj, (uint8_t)kind, start, len };
	st->nr_damage++;
}

/*
 * Report and restore the damage of @obj whose kinds are in @mask, as
 * check_object() does: check_bytes_and_report() for a byte pattern (a BUG
 * and a FIX line), object_err("Freepointer corrupt") for a free pointer (the
 * kernel zaps it; kmemsim keeps its freelist).  Return: the errors a kunit
 * test would count (slab_add_kunit_errors(): one per BUG or FIX line).
 */
static unsigned slab_damage_report(struct sim *sim, const struct kmem_cache *s,
				   sim_addr_t obj, sim_addr_t slab_base,
				   unsigned mask)
{
	struct slab_state *st = sim->slab;
	size_t i = slab_damage_lower(st, obj);
	unsigned n = 0;

	while (i < st->nr_damage && st->damage[i].obj == obj) {
		struct slab_damage d = st->damage[i];

		if (!(mask & (1u << d.kind))) {
			i++;
			continue;
		}
		memmove(&st->damage[i], &st->damage[i + 1],
			(st->nr_damage - i - 1) * sizeof *st->damage);
		st->nr_damage--;
		sim_printk(sim, "=============================================================================");
		if (d.kind == DAMAGE_FREEPTR) {
			sim_report_bug(sim, SIM_BUG_POISON, "BUG %s (Not tainted): Freepointer corrupt",
				       s->name);
			sim_printk(sim, "-----------------------------------------------------------------------------");
			sim_printk(sim, "Object 0x%llx @offset=%llu: free pointer at +%u overwritten",
				   (unsigned long long)obj, (unsigned long long)(obj - slab_base),
				   s->offset);
			n++;
			continue;
		}
		sim_report_bug(sim, d.kind == DAMAGE_POISON ? SIM_BUG_POISON : SIM_BUG_REDZONE,
			       "BUG %s (Not tainted): %s overwritten", s->name,
			       slab_damage_what[d.kind]);
		sim_printk(sim, "-----------------------------------------------------------------------------");
		sim_printk(sim, "0x%llx-0x%llx @offset=%llu. First byte 0x0 instead of 0x%x",
			   (unsigned long long)d.start,
			   (unsigned long long)(d.start + d.len - 1),
			   (unsigned long long)(d.start - slab_base),
			   slab_damage_value[d.kind]);
		sim_printk(sim, "FIX %s: Restoring %s 0x%llx-0x%llx=0x%x", s->name,
			   slab_damage_what[d.kind], (unsigned long long)d.start,
			   (unsigned long long)(d.start + d.len - 1),
			   slab_damage_value[d.kind]);
		n += 2;
	}
	return n;
}

/* forget the damage of @obj whose kinds are in @mask (overwritten unseen) */
static void slab_damage_drop(struct slab_state *st, sim_addr_t obj, unsigned mask)
{
	size_t i = slab_damage_lower(st, obj);

	while (i < st->nr_damage && st->damage[i].obj == obj) {
		if (mask & (1u << st->damage[i].kind)) {
			memmove(&st->damage[i], &st->damage[i + 1],
				(st->nr_damage - i - 1) * sizeof *st->damage);
			st->nr_damage--;
		} else {
			i++;
		}
	}
}

/* the damage record of @obj of @kind, or NULL */
static const struct slab_damage *slab_damage_find(const struct slab_state *st,
						  sim_addr_t obj, unsigned kind)
{
	for (size_t i = slab_damage_lower(st, obj);
	     i < st->nr_damage && st->damage[i].obj == obj; i++)
		if (st->damage[i].kind == kind)
			return &st->damage[i];
	return NULL;
}

/* free_slab() with consistency checks: damage of a slab about to go */
static void slab_damage_check_range(struct sim *sim, struct slab *slab)
{
	struct slab_state *st = sim->slab;
	sim_addr_t base = slab_address(slab);
	sim_addr_t end = base + ((sim_addr_t)SIM_PAGE_SIZE << slab->order);
	const struct kmem_cache *s;
	size_t i;

	if (slab->cache_id == SLAB_NONE)
		return;
	s = st->caches[slab->cache_id];
	i = slab_damage_lower(st, base);
	while (i < st->nr_damage && st->damage[i].obj < end) {
		if (slab_damage_report(sim, s, st->damage[i].obj, base, ~0u) == 0)
			i++;
	}
}

/* validate_slab() of one slot slab: on_freelist(), then check_object() of each */
static unsigned slab_validate_slab(struct sim *sim, const struct kmem_cache *s,
				   struct slab *slab)
{
	struct slab_state *st = sim->slab;
	sim_addr_t base = slab_address(slab);
	unsigned errors = 0;

	/* on_freelist(): a bad free pointer cuts the chain after its object */
	for (uint32_t i = 0; i < slab->nr_slots; i++) {
		sim_addr_t obj = slab_obj_addr(base, slab, i);
		unsigned after;

		if (slab_slot_live(slab, i) || !slab_damage_find(st, obj, DAMAGE_FREEPTR))
			continue;
		slab_damage_drop(st, obj, 1u << DAMAGE_FREEPTR);
		sim_printk(sim, "=============================================================================");
		sim_report_bug(sim, SIM_BUG_POISON, "BUG %s (Not tainted): Freechain corrupt",
			       s->name);
		sim_printk(sim, "-----------------------------------------------------------------------------");
		sim_printk(sim, "Object 0x%llx @offset=%llu: free pointer at +%u overwritten",
			   (unsigned long long)obj, (unsigned long long)(obj - base), s->offset);
		errors++;
		after = st->ops->freelist_after ? st->ops->freelist_after(sim, s, slab, i) : 0;
		if (after) {
			/* the objects behind it look allocated: inuse is "wrong" */
			unsigned free = slab->nr_slots - slab->nr_live;

			sim_printk(sim, "=============================================================================");
			sim_printk(sim, "BUG %s (Not tainted): Wrong object count. Counter is %u but counted were %u",
				   s->name, slab->nr_live, slab->nr_slots - (free - after));
			sim_printk(sim, "-----------------------------------------------------------------------------");
			sim_printk(sim, "FIX %s: Object count adjusted", s->name);
			errors += 2;
		}
	}
	/* check_object() with SLUB_RED_ACTIVE or SLUB_RED_INACTIVE */
	for (uint32_t i = 0; i < slab->nr_slots; i++) {
		sim_addr_t obj = slab_obj_addr(base, slab, i);

		if (!st->nr_damage)
			break;
		errors += slab_damage_report(sim, s, obj, base,
					     slab_slot_live(slab, i) ? DAMAGE_LIVE_MASK : ~DAMAGE_LIVE_MASK);
	}
	return errors;
}

unsigned kmem_cache_validate(struct sim *sim, struct kmem_cache *s)
{
	struct slab_state *st = sim->slab;
	unsigned errors = 0;

	if (!(s->flags & SLAB_DEBUG_FLAGS))
		return 0;	/* nothing recorded: kmem_poke damages debug caches only */
	for (uint32_t id = 0; id < st->nr_slab_ids; id++) {
		struct slab *slab = st->slabs[id];

		if (!st->slab_used[id] || slab->kind != SLAB_KIND_SLOTS || slab->cache_id != s->id)
			continue;
		/* full slabs are on a list (n->full) only with SLAB_STORE_USER */
		if (slab->nr_live == slab->nr_slots && !(s->flags & SLAB_STORE_USER))
			continue;
		errors += slab_validate_slab(sim, s, slab);
	}
	return errors;
}

const char *kmem_poke(struct sim *sim, sim_addr_t addr, size_t len)
{
	struct slab_state *st = sim->slab;
	const struct kmem_cache *s;
	struct slab *slab;
	sim_addr_t base, obj;
	int64_t idx;
	uint64_t rel;

	if (!st || len == 0)
		return "nothing";
	slab = slab_of_addr(sim, addr);
	if (!slab)
		return "not slab memory";
	if (slab->kind != SLAB_KIND_SLOTS)
		return slab->kind == SLAB_KIND_LARGE ? "large kmalloc (unchecked)"
						       : "slab page (unchecked)";
	s = st->caches[slab->cache_id];
	base = slab_address(slab);
	/* the slot containing addr: objects start red_left_pad into a slot */
	rel = addr - base;
	if (rel < slab->first - s->red_left_pad ||
	    rel >= slab->first - s->red_left_pad + (uint64_t)slab->nr_slots * slab->stride)
		return "slab padding (unchecked)";
	idx = (int64_t)((rel - (slab->first - s->red_left_pad)) / slab->stride);
	obj = slab_obj_addr(base, slab, (uint32_t)idx);
	if (!slab_slot_live(slab, (uint32_t)idx)) {
		sim_addr_t fp = obj + s->offset;

		/* a debug cache checks the free pointer (check_object, on_freelist) */
		if ((s->flags & SLAB_DEBUG_FLAGS) && addr < fp + 8 && addr + len > fp) {
			slab_damage_add(sim, obj, DAMAGE_FREEPTR, addr, len);
			return "free pointer";
		}
		if ((s->flags & SLAB_OBJECT_POISON) && addr >= obj &&
		    addr < obj + s->object_size) {
			slab_damage_add(sim, obj, DAMAGE_POISON, addr, len);
			return "free object (poisoned)";
		}
		if ((s->flags & SLAB_RED_ZONE) && addr < obj) {
			slab_damage_add(sim, obj, DAMAGE_RED_LEFT_FREE, addr,
					SIM_MIN(len, obj - addr));
			return "left red zone (free object)";
		}
		if ((s->flags & SLAB_RED_ZONE) && addr >= obj + s->object_size &&
		    addr < obj + s->inuse) {
			slab_damage_add(sim, obj, DAMAGE_RED_RIGHT_FREE, addr,
					SIM_MIN(len, obj + s->inuse - addr));
			return "right red zone (free object)";
		}
		return "free object (unchecked)";
	}
	if (addr < obj) {
		if (s->flags & SLAB_RED_ZONE) {
			slab_damage_add(sim, obj, DAMAGE_RED_LEFT, addr,
					SIM_MIN(len, obj - addr));
			return "left red zone";
		}
		return "before the object (unchecked)";
	}
	if (addr + len <= obj + s->object_size) {
		uint32_t req = slab_slot(slab, idx)->req;

		if ((s->flags & (SLAB_KMALLOC | SLAB_RED_ZONE | SLAB_STORE_USER)) ==
		    (SLAB_KMALLOC | SLAB_RED_ZONE | SLAB_STORE_USER) &&
		    addr + len > obj + req) {
			sim_addr_t b = SIM_MAX(addr, obj + req);

			slab_damage_add(sim, obj, DAMAGE_RED_KMALLOC, b, addr + len - b);
			return "kmalloc red zone";
		}
		return "object";
	}
	if ((s->flags & SLAB_RED_ZONE) && addr < obj + s->inuse) {
		sim_addr_t b = SIM_MAX(addr, obj + s->object_size);
		sim_addr_t e = SIM_MIN(addr + len, obj + s->inuse);

		slab_damage_add(sim, obj, DAMAGE_RED_RIGHT, b, e - b);
		return "right red zone";
	}
	return "past the object (unchecked)";
}

/* ---- Cache registry ---- */

static int slab_registry_add(struct sim *sim, struct kmem_cache *s)
{
	struct slab_state *st = sim->slab;
	uint32_t id;

	for (id = 0; id < st->nr_ids; id++)
		if (!st->caches[id])
			break;
	if (id == st->nr_ids) {
		uint32_t cap = st->cap_ids;

		if (slab_grow((void **)&st->caches, &cap, id + 1, sizeof *st->caches) ||
		    slab_grow((void **)&st->gens, &st->cap_ids, id + 1, sizeof *st->gens))
			return SIM_ENOHOSTMEM;
		st->gens[id] = 0;
		st->nr_ids++;
	}
	if (slab_grow_size((void **)&st->list, &st->cap_list, st->nr_list + 1,
			   sizeof *st->list) != SIM_OK)
		return SIM_ENOHOSTMEM;
	st->caches[id] = s;
	s->id = id;
	s->gen = st->gens[id];
	s->seq = st->next_seq++;
	st->list[st->nr_list++] = s;
	return SIM_OK;
}

static void slab_registry_del(struct sim *sim, struct kmem_cache *s)
{
	struct slab_state *st = sim->slab;

	for (size_t i = 0; i < st->nr_list; i++) {
		if (st->list[i] == s) {
			memmove(&st->list[i], &st->list[i + 1],
				(st->nr_list - i - 1) * sizeof *st->list);
			st->nr_list--;
			break;
		}
	}
	st->caches[s->id] = NULL;
	st->gens[s->id]++;
}

size_t slab_nr_caches(const struct sim *sim)
{
	return sim->slab ? sim->slab->nr_list : 0;
}

/* /proc/slabinfo walks slab_caches from its head: newest first */
struct kmem_cache *slab_cache_at(const struct sim *sim, size_t i)
{
	const struct slab_state *st = sim->slab;

	return i < st->nr_list ? st->list[st->nr_list - 1 - i] : NULL;
}

struct kmem_cache *slab_cache_by_name(const struct sim *sim, const char *name)
{
	const struct slab_state *st = sim->slab;

	if (!st)
		return NULL;
	for (size_t i = 0; i < st->nr_list; i++) {
		struct kmem_cache *s = st->list[i];

		if (s->dead)
			continue;
		if (strcmp(s->name, name) == 0)
			return s;
		for (unsigned a = 0; a < s->nr_aliases; a++)
			if (strcmp(s->aliases[a], name) == 0)
				return s;
	}
	return NULL;
}

/* the descriptor, its name and its policy state are one allocation */
static void slab_cache_free_host(struct kmem_cache *s)
{
	for (unsigned a = 0; a < s->nr_aliases; a++)
		free(s->aliases[a]);
	free(s->aliases);
	free(s);
}

/* ---- kmem_cache_create ---- */

/* slab_unmergeable() */
static bool slab_unmergeable(const struct sim *sim, const struct kmem_cache *s)
{
	if (sim->cfg.slab_nomerge || (s->flags & SLAB_NEVER_MERGE))
		return true;
	if (s->ctor || s->usersize || s->sheaf_capacity || s->dead ||
	    s->refcount < 0)
		return true;
	return false;
}

/* find_mergeable(): the oldest compatible cache */
static struct kmem_cache *slab_find_mergeable(struct sim *sim, unsigned size,
					      unsigned align, slab_flags_t flags,
					      const char *name, bool ctor)
{
	const struct slab_state *st = sim->slab;

	if (sim->cfg.slab_nomerge || ctor)
		return NULL;
	flags = kmem_cache_flags(sim, flags, name);
	if (flags & SLAB_NEVER_MERGE)
		return NULL;
	size = SIM_ALIGN(size, 8u);
	align = calculate_alignment(flags, align, size);
	size = SIM_ALIGN(size, align);
	for (size_t i = 0; i < st->nr_list; i++) {
		struct kmem_cache *s = st->list[i];

		if (slab_unmergeable(sim, s))
			continue;
		if (size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)	/* alignment compatible */
			continue;
		if (s->size - size >= 8)	/* would waste a word or more */
			continue;
		return s;
	}
	return NULL;
}

static struct kmem_cache *slab_alias(struct sim *sim, struct kmem_cache *s,
				     const char *name, unsigned size)
{
	char **n = sim_xrealloc(s->aliases, (s->nr_aliases + 1) * sizeof *n);
	char *copy = sim_xstrdup(name);

	if (!n || !copy) {
		if (n)
			s->aliases = n;
		free(copy);
		sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		return NULL;
	}
	s->aliases = n;
	s->aliases[s->nr_aliases++] = copy;
	s->refcount++;
	s->object_size = SIM_MAX(s->object_size, size);
	s->inuse = SIM_MAX(s->inuse, SIM_ALIGN(size, 8u));
	if (sim->slab->ops->merged)
		sim->slab->ops->merged(sim, s);
	SIM_NOTE(sim, "kmem_cache_create(%s): merged into %s (refcount %d)",
		 name, s->name, s->refcount);
	return s;
}

static struct kmem_cache *slab_create_cache(struct sim *sim, const char *name,
					    unsigned size, unsigned align,
					    slab_flags_t flags,
					    const struct kmem_cache_args *args)
{
	struct slab_state *st = sim->slab;
	size_t priv = st->ops->cache_priv_size ? st->ops->cache_priv_size(sim) : 0;
	size_t len = strlen(name) + 1;
	/* one host allocation, not three (a boot creates some sixty caches,
	 * and a fuzzer boots thousands of times): the descriptor, the name,
	 * then the policy state, last so that an overrun of its per-CPU and
	 * per-node arrays meets the end of the block (ASan's red zone) */
	size_t at = SIM_ALIGN(sizeof(struct kmem_cache) + len,
			      _Alignof(max_align_t));
	struct kmem_cache *s = sim_xcalloc(1, at + priv);
	int rc;

	if (!s)
		goto nomem;
	s->name = (char *)(s + 1);
	memcpy(s->name, name, len);
	s->priv = priv ? (char *)s + at : NULL;
	s->object_size = size;
	s->align = align;
	s->flags = kmem_cache_flags(sim, flags, name);
	s->ctor = args->ctor;
	s->useroffset = args->useroffset;
	s->usersize = args->usersize;
	s->sheaf_capacity = args->sheaf_capacity;
	s->args = *args;
	s->refcount = 1;
	s->kmalloc_type = -1;
	if (slab_registry_add(sim, s) != SIM_OK)
		goto nomem;
	rc = st->ops->cache_init(sim, s);
	if (rc != SIM_OK) {
		slab_registry_del(sim, s);
		slab_cache_free_host(s);
		return NULL;
	}
	return s;
nomem:
	if (s)
		slab_cache_free_host(s);
	sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
	return NULL;
}

struct kmem_cache *kmem_cache_create(struct sim *sim, const char *name,
				     unsigned size,
				     const struct kmem_cache_args *args,
				     slab_flags_t flags)
{
	static const struct kmem_cache_args noargs;
	struct slab_state *st = sim->slab;
	struct kmem_cache_args a = args ? *args : noargs;
	struct kmem_cache *s = NULL;
	int err = SIM_EINVAL;

	if (!st || !st->ops) {
		sim_set_reason(sim, SIM_EINVAL, "slab policy '%s' is not available",
			       sim->cfg.policy);
		return NULL;
	}
	if (!name || !*name) {
		sim_set_reason(sim, SIM_EINVAL, "kmem_cache_create: a name is required");
		goto fail;
	}
	if (size == 0 || size > KMALLOC_MAX_SIZE) {
		sim_set_reason(sim, SIM_EINVAL,
			       "kmem_cache_create(%s): object size %u out of range (1..%llu)",
			       name, size, (unsigned long long)KMALLOC_MAX_SIZE);
		goto fail;
	}
	if (sim_in_interrupt(sim)) {
		sim_set_reason(sim, SIM_EINVAL,
			       "kmem_cache_create(%s) from interrupt context", name);
		goto fail;
	}
	if (flags & ~slab_user_flags()) {
		sim_set_reason(sim, SIM_EINVAL,
			       "kmem_cache_create(%s): flags %#x not allowed",
			       name, flags & ~slab_user_flags());
		goto fail;
	}
	if (a.align && !sim_is_pow2(a.align)) {
		sim_set_reason(sim, SIM_EINVAL,
			       "kmem_cache_create(%s): align %u is not a power of two",
			       name, a.align);
		goto fail;
	}
	if (a.usersize && (a.useroffset > size || size - a.useroffset < a.usersize)) {
		/* WARN_ON in the kernel; the region is dropped */
		a.usersize = a.useroffset = 0;
	}
	if (a.sheaf_capacity > 1024) {
		sim_set_reason(sim, SIM_EINVAL,
			       "kmem_cache_create(%s): sheaf_capacity %u too large",
			       name, a.sheaf_capacity);
		goto fail;
	}
	/* sheaves came with 6.18's kmem_cache_args: a 6.1 cache has none */
	if (sim_kver_before(sim, SIM_KERNEL_6_18))
		a.sheaf_capacity = 0;
	if (!a.usersize && !a.sheaf_capacity) {
		struct kmem_cache *t = slab_find_mergeable(sim, size, a.align, flags,
							   name, a.ctor);

		if (t) {
			s = slab_alias(sim, t, name, size);
			if (!s)
				err = SIM_ENOHOSTMEM;
			goto out;
		}
	}
	s = slab_create_cache(sim, name, size,
			      calculate_alignment(flags, a.align, size), flags, &a);
	if (!s && strstr(sim_last_reason(sim), "host memory"))
		err = SIM_ENOHOSTMEM;
out:
	if (s)
		return s;
fail:
	{
		int kerr = err == SIM_ENOHOSTMEM ? -12 : -22;	/* -ENOMEM, -EINVAL */

		if (flags & SLAB_PANIC)
			sim_kernel_panic(sim, "__kmem_cache_create_args: Failed to create slab '%s'. Error %d",
					 name ? name : "(null)", kerr);
		else
			sim_printk(sim, "__kmem_cache_create_args(%s) failed with error %d",
				   name ? name : "(null)", kerr);
	}
	return NULL;
}

/* ---- Allocation and free ---- */

/* the hot paths are folded into their callers; the rare parts are not */
#if defined(__GNUC__)
#define slab_hot	__attribute__((always_inline)) inline
#define slab_cold	__attribute__((noinline, cold))
#define slab_noinline	__attribute__((noinline))
#else
#define slab_hot	inline
#define slab_cold
#define slab_noinline
#endif

/* what an allocation does besides the books: checks, TRACE, events */
/*
 * --explain: the fast paths narrate nothing themselves (they stay free of
 * calls); the common layer says where the object came from or went.
 */
static slab_cold void slab_note_fastpath(struct sim *sim,
					 const struct kmem_cache *s, bool alloc)
{
	const char *policy = sim->slab->ops->name;
	unsigned cpu = sim->cur_cpu;

	if (strcmp(policy, "slub") == 0)
		SIM_NOTE(sim, alloc ?
			 "fast path: the first object on CPU %u's freelist (its slab of %s)" :
			 "fast path: the object's slab is CPU %u's slab of %s: onto its freelist",
			 cpu, s ? s->name : "?");
	else if (strcmp(policy, "slab") == 0)
		SIM_NOTE(sim, alloc ?
			 "fast path: the newest object in CPU %u's array cache of %s" :
			 "fast path: into CPU %u's array cache of %s",
			 cpu, s ? s->name : "?");
}

static slab_cold void slab_alloc_extras(struct sim *sim, struct kmem_cache *s,
					struct slab *slab, sim_addr_t a, size_t req,
					int path)
{
	if (path == SLAB_PATH_FAST && sim->sinks)
		slab_note_fastpath(sim, s, true);
	if (sim->slab->nr_damage && s) {
		/*
		 * Poison and the free pointer are checked at every allocation
		 * (kmemsim's simplification: the kernel needs SLAB_CONSISTENCY_
		 * CHECKS); the red zones of the free object only with them
		 * (alloc_consistency_checks() -> check_object(SLUB_RED_INACTIVE)),
		 * else init_object(SLUB_RED_ACTIVE) rewrites them unseen.
		 */
		unsigned mask = (1u << DAMAGE_POISON) | (1u << DAMAGE_FREEPTR);

		if (s->flags & SLAB_CONSISTENCY_CHECKS)
			mask |= DAMAGE_RED_FREE_MASK;
		slab_damage_report(sim, s, a, slab_address(slab), mask);
		slab_damage_drop(sim->slab, a, ~0u);
	}
	if (s && (s->flags & SLAB_TRACE))
		sim_printk(sim, "TRACE %s alloc 0x%llx inuse=%u", s->name,
			   (unsigned long long)a, slab->nr_live);
	SIM_EVENT(sim, SLAB_ALLOC, a, s ? s->id : SLAB_NONE, req, 0);
}

static slab_cold void slab_record_block(struct slab *slab, struct kmem_cache *s,
					const struct slab_objref *ref, size_t req)
{
	if (slab_block_insert(slab, ref->slot, ref->bytes, (uint32_t)req,
			      s ? s->id : SLAB_NONE) != SIM_OK)
		SIM_BUG_ON("host memory for the object registry" == NULL);
}

/* mark the object the policy returned live and keep the books */
static slab_hot void slab_record_alloc(struct sim *sim, struct kmem_cache *s,
				       sim_addr_t a, const struct slab_objref *ref,
				       size_t req)
{
	struct slab *slab = ref->slab;
	uint64_t slot_bytes;

	if (likely(slab->kind == SLAB_KIND_SLOTS)) {
		uint32_t i = ref->slot;

		SIM_ASSERT(i < slab->nr_slots && !slab_slot_live(slab, i) && req);
		slab_slot(slab, i)->req = (uint32_t)req;
		slot_bytes = slab->stride;
	} else {
		slab_record_block(slab, s, ref, req);
		slot_bytes = ref->bytes;
	}
	slab->nr_live++;
	if (likely(s != NULL)) {
		s->acct.live++;
		s->acct.req_bytes += req;
		s->acct.slot_bytes += slot_bytes;
		s->acct.allocs++;
		s->acct.fastpath_allocs += ref->path == SLAB_PATH_FAST;
	}
	sim->stats.slab_alloc++;
	if (unlikely(sim->slab->nr_damage || sim->sinks ||
		     (s && (s->flags & SLAB_TRACE))))
		slab_alloc_extras(sim, s, slab, a, req, ref->path);
}

static slab_hot sim_addr_t slab_alloc(struct sim *sim, struct kmem_cache *s,
				      gfp_t gfp, size_t req)
{
	struct slab_objref ref;
	sim_addr_t a;

	reclaim_alloc_enter(sim, gfp);	/* slab_pre_alloc_hook(): might_alloc() */
	a = sim->slab->ops->alloc(sim, s, gfp, &ref);
	reclaim_alloc_exit(sim);
	if (unlikely(a == SIM_ADDR_NONE)) {
		s->acct.alloc_fails++;
		sim->stats.slab_alloc_fail++;
		return SIM_ADDR_NONE;
	}
	slab_record_alloc(sim, s, a, &ref, req);
	return a;
}

void slab_record_kmalloc(struct sim *sim, struct slab *slab, uint32_t slot,
			 uint32_t bytes, size_t req)
{
	struct slab_objref ref = { .slab = slab, .slot = slot, .bytes = bytes,
				   .path = SLAB_PATH_SLOW };

	slab_record_alloc(sim, NULL, slab_address(slab) + slot, &ref, req);
}

sim_addr_t kmem_cache_alloc(struct sim *sim, struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(sim, s, gfp, s->object_size);
}

/* the report of a free of something that is no live object */
static slab_cold int slab_bad_free(struct sim *sim, const char *name,
				   sim_addr_t obj, bool double_free)
{
	sim_printk(sim, "=============================================================================");
	if (double_free)
		sim_report_bug(sim, SIM_BUG_DOUBLE_FREE,
			       "BUG %s (Not tainted): Object already free", name);
	else
		sim_report_bug(sim, SIM_BUG_INVALID_FREE,
			       "BUG %s (Not tainted): Invalid object pointer 0x%llx",
			       name, (unsigned long long)obj);
	sim_printk(sim, "-----------------------------------------------------------------------------");
	sim_printk(sim, "FIX %s: Object at 0x%llx not freed", name,
		   (unsigned long long)obj);
	return SIM_EBUG;
}

/* check 3: red zones hit while the object was live.  True: reported, not freed */
static slab_cold bool slab_free_damaged(struct sim *sim, struct kmem_cache *s,
					struct slab *slab, sim_addr_t obj)
{
	if (!slab_damage_report(sim, s, obj, slab_address(slab), DAMAGE_LIVE_MASK))
		return false;
	sim_printk(sim, "FIX %s: Object at 0x%llx not freed", s->name,
		   (unsigned long long)obj);
	return true;
}

static slab_cold void slab_free_extras(struct sim *sim, struct kmem_cache *s,
				       struct slab *slab, sim_addr_t obj)
{
	if (s && (s->flags & SLAB_TRACE))
		sim_printk(sim, "TRACE %s free 0x%llx inuse=%u", s->name,
			   (unsigned long long)obj, slab->nr_live);
	SIM_EVENT(sim, SLAB_FREE, obj, s ? s->id : SLAB_NONE, 0, 0);
}

/*
 * The books of a free, then the policy (which may free the slab).
 * @extras false: the caller found no sink, no recorded damage and no
 * SLAB_TRACE before the free (slab_free_plain()), so the checks before the
 * policy's call are known false and compiled out; nothing runs between
 * that test and them.  What follows the policy's call is tested again
 * (it may run timers and shrinkers, which may attach a sink).
 */
static slab_hot int slab_free_commit(struct sim *sim, struct kmem_cache *s,
				     struct slab *slab, sim_addr_t obj,
				     const struct slab_objref *ref, uint64_t req,
				     uint64_t slot_bytes, const bool extras)
{
	const struct slab_ops *ops = sim->slab->ops;
	int path;

	slab->nr_live--;
	if (likely(s != NULL)) {
		s->acct.live--;
		s->acct.req_bytes -= req;
		s->acct.slot_bytes -= slot_bytes;
		s->acct.frees++;
	}
	sim->stats.slab_free++;
	if (extras && unlikely(sim->sinks || (s && (s->flags & SLAB_TRACE))))
		slab_free_extras(sim, s, slab, obj);
	if (likely(s != NULL)) {
		path = ops->free(sim, s, obj, ref);
		s->acct.fastpath_frees += path == SLAB_PATH_FAST;
		if (unlikely(sim->sinks) && path == SLAB_PATH_FAST)
			slab_note_fastpath(sim, s, false);
	} else {
		ops->kfree(sim, obj, ref);
	}
	return SIM_OK;
}

/* checks 2-4 of the essay for a slot object of its own cache @s
 * (@extras: as slab_free_commit()) */
static slab_hot int slab_free_slot(struct sim *sim, struct kmem_cache *s,
				   struct slab *slab, sim_addr_t obj, const bool extras)
{
	struct slab_objref ref;
	int64_t i = slab_slot_of(slab, obj);
	uint32_t req;

	if (unlikely(i < 0))
		return slab_bad_free(sim, s->name, obj, false);
	req = slab_slot(slab, i)->req;
	if (unlikely(!req))
		return slab_bad_free(sim, s->name, obj, true);
	if (extras && unlikely(sim->slab->nr_damage) &&
	    slab_free_damaged(sim, s, slab, obj))
		return SIM_EBUG;
	slab_slot(slab, i)->req = 0;
	ref.slab = slab;
	ref.slot = (uint32_t)i;
	ref.bytes = 0;
	ref.path = 0;
	return slab_free_commit(sim, s, slab, obj, &ref, req, slab->stride, extras);
}

/* the same for a block (SLOB); @s NULL for a policy-kmalloc object */
static slab_cold int slab_free_block(struct sim *sim, struct kmem_cache *s,
				     struct slab *slab, sim_addr_t obj)
{
	int64_t b = slab_block_find(slab, (uint32_t)(obj - slab_address(slab)));
	struct slab_objref ref = { slab, 0, 0, 0 };
	struct slab_block *blk;

	if (b < 0 || !slab->blocks[b].live)
		/* a dead block is a double free, anything else garbage */
		return slab_bad_free(sim, s ? s->name : "kmalloc", obj, b >= 0);
	blk = &slab->blocks[b];
	blk->live = false;
	ref.slot = blk->offset;
	ref.bytes = blk->bytes;
	return slab_free_commit(sim, s, slab, obj, &ref, blk->req, blk->bytes, true);
}

static int slab_free_checked(struct sim *sim, struct kmem_cache *s,
			     struct slab *slab, sim_addr_t obj)
{
	if (likely(slab->kind == SLAB_KIND_SLOTS))
		return slab_free_slot(sim, s, slab, obj, true);
	return slab_free_block(sim, s, slab, obj);
}

/* the cache of the object at @obj in @slab (blocks: may be NULL = kmalloc) */
static struct kmem_cache *slab_obj_cache(const struct sim *sim,
					 const struct slab *slab, sim_addr_t obj)
{
	const struct slab_state *st = sim->slab;

	if (slab->kind == SLAB_KIND_SLOTS)
		return st->caches[slab->cache_id];
	if (slab->kind == SLAB_KIND_BLOCKS) {
		int64_t b = slab_block_find(slab, (uint32_t)(obj - slab_address(slab)));

		if (b >= 0 && slab->blocks[b].cache_id != SLAB_NONE)
			return st->caches[slab->blocks[b].cache_id];
	}
	return NULL;
}

/* kmem_cache_free() of anything but a slot object of @s itself */
static slab_cold int kmem_cache_free_other(struct sim *sim, struct kmem_cache *s,
					   struct slab *slab, sim_addr_t obj)
{
	struct kmem_cache *t;

	if (!slab || slab->kind == SLAB_KIND_LARGE) {
		/* virt_to_cache() */
		sim_report_bug(sim, SIM_BUG_INVALID_FREE,
			       "virt_to_cache: Object is not a Slab page!");
		sim_printk(sim, "kmem_cache_free(%s, 0x%llx): object not freed",
			   s->name, (unsigned long long)obj);
		return SIM_EBUG;
	}
	/* SLOB: no block (live or dead) starts here -> not an object at all */
	if (slab->kind == SLAB_KIND_BLOCKS &&
	    slab_block_find(slab, (uint32_t)(obj - slab_address(slab))) < 0)
		return slab_bad_free(sim, s->name, obj, false);
	t = slab_obj_cache(sim, slab, obj);
	if (t == s)
		return slab_free_checked(sim, s, slab, obj);
	/* cache_from_obj(): warn, then free into the object's cache */
	sim_report_bug(sim, SIM_BUG_WRONG_CACHE,
		       "cache_from_obj: Wrong slab cache. %s but object is from %s",
		       s->name, t ? t->name : "kmalloc");
	if (!t) {
		sim_printk(sim, "kmem_cache_free(%s, 0x%llx): object not freed",
			   s->name, (unsigned long long)obj);
		return SIM_EBUG;
	}
	slab_free_checked(sim, t, slab, obj);
	return SIM_EBUG;
}

/*
 * A free of an object of @s needs none of the extras: no sink listens, no
 * damage is recorded, @s does not TRACE.  Tested once before the free, so
 * that the common one makes no call before the policy's and keeps little
 * in saved registers (issue 15: host time).
 */
static inline bool slab_free_plain(const struct sim *sim, const struct kmem_cache *s)
{
	return !sim->sinks && !sim->slab->nr_damage && !(s->flags & SLAB_TRACE);
}

static slab_cold int kmem_cache_free_slow(struct sim *sim, struct kmem_cache *s,
					  struct slab *slab, sim_addr_t obj)
{
	if (likely(slab && slab->kind == SLAB_KIND_SLOTS && slab->cache_id == s->id))
		return slab_free_slot(sim, s, slab, obj, true);
	return kmem_cache_free_other(sim, s, slab, obj);
}

/*
 * A slot object of @s with none of the extras about (slab_free_plain())
 * takes the plain path, as in kfree(); anything else, and every check that
 * fails, the full one: kmem_cache_free_slow().
 */
int kmem_cache_free(struct sim *sim, struct kmem_cache *s, sim_addr_t obj)
{
	struct slab *slab = slab_of_addr(sim, obj);

	if (likely(slab && slab->kind == SLAB_KIND_SLOTS && slab->cache_id == s->id &&
		   slab_free_plain(sim, s)))
		return slab_free_slot(sim, s, slab, obj, false);
	return kmem_cache_free_slow(sim, s, slab, obj);
}

size_t kmem_cache_alloc_bulk(struct sim *sim, struct kmem_cache *s, gfp_t gfp,
			     size_t n, sim_addr_t *p)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(sim, s, gfp);
		if (p[i] == SIM_ADDR_NONE) {
			/* all or nothing, like kmem_cache_alloc_bulk() */
			kmem_cache_free_bulk(sim, s, i, p);
			return 0;
		}
	}
	return n;
}

void kmem_cache_free_bulk(struct sim *sim, struct kmem_cache *s, size_t n,
			  const sim_addr_t *p)
{
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(sim, s, p[i]);
}

unsigned long kmem_cache_shrink(struct sim *sim, struct kmem_cache *s)
{
	return sim->slab->ops->shrink(sim, s);
}

unsigned kmem_cache_size(const struct kmem_cache *s)
{
	return s->object_size;
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

/* list the live objects of @s per slab, as list_slab_objects() does */
static void slab_list_objects(struct sim *sim, struct kmem_cache *s)
{
	struct slab_state *st = sim->slab;
	struct slab **v;
	size_t n = 0;

	v = sim_xmalloc(st->nr_slab_ids * sizeof *v + 1);
	if (!v)
		return;
	for (uint32_t id = 0; id < st->nr_slab_ids; id++) {
		struct slab *slab = st->slabs[id];

		if (st->slab_used[id] && slab->cache_id == s->id && slab->nr_live)
			v[n++] = slab;
	}
	/* address order: insertion sort (few slabs) */
	for (size_t i = 1; i < n; i++) {
		struct slab *x = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1]->pfn > x->pfn) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		struct slab *slab = v[i];
		sim_addr_t base = slab_address(slab);

		sim_printk(sim, "=============================================================================");
		sim_printk(sim, "BUG %s (Not tainted): Objects remaining on __kmem_cache_shutdown()",
			   s->name);
		sim_printk(sim, "-----------------------------------------------------------------------------");
		for (uint32_t k = 0; k < slab->nr_slots; k++)
			if (slab_slot_live(slab, k))
				sim_printk(sim, "Object 0x%llx @offset=%llu",
					   (unsigned long long)slab_obj_addr(base, slab, k),
					   (unsigned long long)(slab->first +
								(uint64_t)k * slab->stride));
		sim_printk(sim, "Slab 0x%llx objects=%u used=%u", (unsigned long long)base,
			   slab->nr_slots, slab->nr_live);
	}
	/* SLOB-style caches: their objects live in shared pages */
	if (n == 0) {
		for (uint32_t id = 0; id < st->nr_slab_ids; id++) {
			struct slab *slab = st->slabs[id];

			if (!st->slab_used[id] || slab->kind != SLAB_KIND_BLOCKS)
				continue;
			for (uint32_t b = 0; b < slab->nr_blocks; b++)
				if (slab->blocks[b].live && slab->blocks[b].cache_id == s->id)
					sim_printk(sim, "Object 0x%llx @offset=%u",
						   (unsigned long long)(slab_address(slab) +
									slab->blocks[b].offset),
						   slab->blocks[b].offset);
		}
	}
	free(v);
}

int kmem_cache_destroy(struct sim *sim, struct kmem_cache *s)
{
	struct slab_state *st = sim->slab;
	char where[256];

	if (!s)
		return SIM_OK;
	if (s->dead || s->refcount <= 0)
		return sim_set_reason(sim, SIM_ENOENT,
				      "kmem_cache_destroy(%s): already destroyed", s->name);
	if (--s->refcount > 0)
		return SIM_OK;
	/* kvfree_rcu_barrier() and, for SLAB_TYPESAFE_BY_RCU, rcu_barrier() */
	slab_rcu_barrier(sim);
	if (st->ops->shutdown)
		st->ops->shutdown(sim, s);
	else
		st->ops->shrink(sim, s);
	if (s->acct.live > 0) {
		slab_list_objects(sim, s);
		slab_where(sim, where, sizeof where);
		sim_report_bug(sim, SIM_BUG_CACHE_BUSY,
			       "kmem_cache_destroy %s: Slab cache still has objects when called from %s",
			       s->name, where);
		s->dead = true;
		return SIM_EBUSY;
	}
	SIM_BUG_ON(s->acct.slabs != 0);
	st->ops->cache_destroy(sim, s);
	for (int t = 0; t < NR_KMALLOC_TYPES; t++)
		for (int i = 0; i <= KMALLOC_SHIFT_MAX; i++)
			if (st->kmalloc_caches[t][i] == s)
				st->kmalloc_caches[t][i] = NULL;
	slab_registry_del(sim, s);
	slab_cache_free_host(s);
	return SIM_OK;
}

/* ---- kmalloc ---- */

/* kmalloc_size_index[(size - 1) / 8] for sizes up to 192 (§6.10) */
static const uint8_t kmalloc_size_index_init[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,		/* 8 16 32 32 64 64 64 64 */
	1, 1, 1, 1, 7, 7, 7, 7,		/* 96 x4, 128 x4 */
	2, 2, 2, 2, 2, 2, 2, 2,		/* 192 x8 */
};

static const char *const kmalloc_type_prefix[NR_KMALLOC_TYPES] = {
	[KMALLOC_NORMAL] = "kmalloc-",
	[KMALLOC_RECLAIM] = "kmalloc-rcl-",
	[KMALLOC_DMA] = "dma-kmalloc-",
	[KMALLOC_CGROUP] = "kmalloc-cg-",
};

/* the byte size of class @idx (1 = 96, 2 = 192, n = 2^n) */
static size_t kmalloc_class_size(unsigned idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : (size_t)1 << idx;
}

unsigned kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= 8)
		return 3;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	return sim_fls(size - 1);
}

/* kmalloc_type(), inline in kmalloc() (issue 15: host time) */
static inline enum kmalloc_cache_type kmalloc_type_of(gfp_t gfp)
{
	if (likely(!(gfp & (__GFP_RECLAIMABLE | __GFP_DMA | __GFP_ACCOUNT))))
		return KMALLOC_NORMAL;
	if (gfp & __GFP_DMA)
		return KMALLOC_DMA;
	if (gfp & __GFP_RECLAIMABLE)
		return KMALLOC_RECLAIM;
	return KMALLOC_CGROUP;
}

enum kmalloc_cache_type kmalloc_type(gfp_t gfp)
{
	return kmalloc_type_of(gfp);
}

/* kmalloc_slab(): the class index of @size (0 < size <= max cache size) */
static inline unsigned kmalloc_slab_index(const struct slab_state *st, size_t size)
{
	if (size <= 192)
		return st->size_index[(size - 1) / 8];
	return sim_fls(size - 1);
}

struct kmem_cache *kmalloc_slab(const struct sim *sim, size_t size, gfp_t gfp)
{
	const struct slab_state *st = sim->slab;

	if (!st || !st->ops || !size || size > st->max_cache_size || st->ops->kmalloc)
		return NULL;
	return st->kmalloc_caches[kmalloc_type_of(gfp)][kmalloc_slab_index(st, size)];
}

/* the kmalloc caches the kernel creates at boot (create_kmalloc_caches) */
static int kmalloc_caches_create(struct sim *sim, char *err, size_t errlen)
{
	struct slab_state *st = sim->slab;
	const unsigned lo = st->ops->kmalloc_shift_low, hi = st->ops->kmalloc_shift_high;
	static const slab_flags_t type_flags[NR_KMALLOC_TYPES] = {
		[KMALLOC_NORMAL] = SLAB_NO_MERGE,	/* CONFIG_MEMCG: unmergeable */
		[KMALLOC_RECLAIM] = SLAB_RECLAIM_ACCOUNT,
		[KMALLOC_DMA] = SLAB_CACHE_DMA,
		[KMALLOC_CGROUP] = SLAB_ACCOUNT,
	};

	memcpy(st->size_index, kmalloc_size_index_init, sizeof st->size_index);
	/* setup_kmalloc_cache_index_table(): sizes below the minimum */
	for (unsigned i = 8; i < (1u << lo) && i <= 192; i += 8)
		st->size_index[(i - 1) / 8] = (uint8_t)lo;
	if (lo >= 6) {		/* KMALLOC_MIN_SIZE >= 64: no kmalloc-96 */
		for (unsigned i = 64 + 8; i <= 96; i += 8)
			st->size_index[(i - 1) / 8] = 7;
	}
	if (lo >= 7) {		/* KMALLOC_MIN_SIZE >= 128: no kmalloc-192 */
		for (unsigned i = 128 + 8; i <= 192; i += 8)
			st->size_index[(i - 1) / 8] = 8;
	}
	st->shift_low = lo;
	st->shift_high = hi;
	st->max_cache_size = (size_t)1 << hi;

	for (int t = 0; t < NR_KMALLOC_TYPES; t++) {
		unsigned order[KMALLOC_SHIFT_MAX + 3];
		slab_flags_t tflags = type_flags[t];
		unsigned n = 0;

		if (!sim->cfg.memcg) {
			/* no CONFIG_MEMCG: KMALLOC_CGROUP is KMALLOC_NORMAL, which merges */
			if (t == KMALLOC_CGROUP) {
				memcpy(st->kmalloc_caches[t], st->kmalloc_caches[KMALLOC_NORMAL],
				       sizeof st->kmalloc_caches[t]);
				continue;
			}
			if (t == KMALLOC_NORMAL)
				tflags &= ~(slab_flags_t)SLAB_NO_MERGE;
		}

		if (lo <= 5)
			order[n++] = 1;
		if (lo <= 6)
			order[n++] = 2;
		for (unsigned i = lo; i <= hi; i++)
			order[n++] = i;
		for (unsigned k = 0; k < n; k++) {
			unsigned idx = order[k];
			size_t size = kmalloc_class_size(idx);
			struct kmem_cache_args a = { 0 };
			struct kmem_cache *s;
			char name[40];

			/* kmalloc_info[] names: 8 .. 512, 1k .. 512k, 1M .. 4M */
			if (size >= (1u << 20))
				snprintf(name, sizeof name, "%s%zuM", kmalloc_type_prefix[t],
					 size >> 20);
			else if (size >= 1024)
				snprintf(name, sizeof name, "%s%zuk", kmalloc_type_prefix[t],
					 size >> 10);
			else
				snprintf(name, sizeof name, "%s%zu", kmalloc_type_prefix[t], size);
			/* create_boot_cache(): natural alignment, whole-object usercopy */
			a.align = SIM_MAX((unsigned)ARCH_KMALLOC_MINALIGN,
					  1u << __builtin_ctz((unsigned)size));
			a.useroffset = 0;
			a.usersize = (unsigned)size;
			s = slab_create_cache(sim, name, (unsigned)size,
					      calculate_alignment(tflags | SLAB_KMALLOC,
								  a.align, (unsigned)size),
					      tflags | SLAB_KMALLOC, &a);
			if (!s) {
				snprintf(err, errlen, "creating %s: %s", name,
					 sim_last_reason(sim));
				return SIM_EINVAL;
			}
			s->kmalloc_type = (int8_t)t;
			s->kmalloc_index = (uint8_t)idx;
			st->kmalloc_caches[t][idx] = s;
		}
	}
	return SIM_OK;
}

size_t kmalloc_size_roundup(const struct sim *sim, size_t size)
{
	const struct slab_state *st = sim->slab;

	if (!st || !st->ops || !size)
		return 0;
	if (size <= st->max_cache_size && !st->ops->kmalloc)
		return kmalloc_slab(sim, size, 0)->size;
	if (size > KMALLOC_MAX_SIZE)
		return size;
	return (size_t)SIM_PAGE_SIZE << sim_get_order(size);
}

sim_addr_t kmalloc_large_alloc(struct sim *sim, size_t size, gfp_t gfp,
			       struct slab_objref *ref)
{
	struct slab_state *st = sim->slab;
	unsigned order = sim_get_order(size);
	struct slab *slab;

	if (order > SIM_MAX_ORDER) {
		sim_set_reason(sim, SIM_ENOMEM,
			       "kmalloc: %zu bytes is more than KMALLOC_MAX_SIZE (%llu)",
			       size, (unsigned long long)KMALLOC_MAX_SIZE);
		return SIM_ADDR_NONE;
	}
	sim_charge(sim, COST_KMALLOC_LARGE);
	gfp = kmalloc_fix_flags(sim, gfp);
	slab = slab_new_pages(sim, NULL, order, gfp | __GFP_COMP, SLAB_KIND_LARGE,
			      0, 0, 0);
	if (!slab)
		return SIM_ADDR_NONE;
	ref->slab = slab;
	ref->slot = 0;
	ref->bytes = (uint32_t)SIM_MIN((uint64_t)SIM_PAGE_SIZE << order, UINT32_MAX);
	ref->path = SLAB_PATH_SLOW;
	slab->large_req = size;
	slab->nr_live = 1;
	st->large_objects++;
	st->large_pages += UINT64_C(1) << order;
	st->large_req_bytes += size;
	sim->stats.kmalloc_large++;
	return slab_address(slab);
}

static void kmalloc_large_free(struct sim *sim, struct slab *slab)
{
	struct slab_state *st = sim->slab;

	st->large_objects--;
	st->large_pages -= UINT64_C(1) << slab->order;
	st->large_req_bytes -= slab->large_req;
	slab->large_req = 0;	/* it shares its bytes with obj_exts */
	slab->nr_live = 0;
	sim_charge(sim, COST_KMALLOC_LARGE);
	slab_free_pages(sim, slab);
}

/* what kmalloc() does with a pointer it returns */
static inline sim_addr_t kmalloc_done(struct sim *sim, sim_addr_t a, size_t size,
				      gfp_t gfp)
{
	if (a != SIM_ADDR_NONE) {
		sim->stats.kmalloc++;
		SIM_EVENT(sim, KMALLOC, a, size, ksize(sim, a), gfp);
		SIM_NOTE(sim, "object 0x%llx", (unsigned long long)a);
	}
	return a;
}

/* kmalloc() of anything but a kmalloc cache's object: no policy, size 0,
 * a policy's own kmalloc (SLOB), a large kmalloc */
static slab_noinline sim_addr_t kmalloc_other(struct sim *sim, size_t size, gfp_t gfp)
{
	struct slab_state *st = sim->slab;
	struct slab_objref ref;
	sim_addr_t a;

	if (!st || !st->ops) {
		sim_set_reason(sim, SIM_ENOMEM, "slab policy '%s' is not available",
			       sim->cfg.policy);
		return SIM_ADDR_NONE;
	}
	if (!size) {
		sim->stats.kmalloc++;
		SIM_NOTE(sim, "size 0: ZERO_SIZE_PTR (16), no memory at all (any access faults)");
		return SIM_ZERO_SIZE_PTR;
	}
	if (st->ops->kmalloc) {
		reclaim_alloc_enter(sim, gfp);	/* slab_pre_alloc_hook() */
		a = st->ops->kmalloc(sim, size, gfp, &ref);
		reclaim_alloc_exit(sim);
		if (a == SIM_ADDR_NONE) {
			sim->stats.slab_alloc_fail++;
			return a;
		}
		if (ref.slab->kind != SLAB_KIND_LARGE)
			slab_record_alloc(sim, NULL, a, &ref, size);
		return kmalloc_done(sim, a, size, gfp);
	}
	SIM_NOTE(sim, "above %zu bytes: a large kmalloc, pages straight from the page allocator",
		 st->max_cache_size);
	a = kmalloc_large_alloc(sim, size, gfp, &ref);
	if (a == SIM_ADDR_NONE)
		sim->stats.slab_alloc_fail++;
	return kmalloc_done(sim, a, size, gfp);
}

sim_addr_t kmalloc(struct sim *sim, size_t size, gfp_t gfp)
{
	const struct slab_state *st = sim->slab;
	struct kmem_cache *s;

	/*
	 * One compare sends everything but a kmalloc cache's object to
	 * kmalloc_other(): max_cache_size is 0 without kmalloc caches (no
	 * policy, or one with its own kmalloc), and size 0 wraps around.
	 */
	if (unlikely(!st || size - 1 >= st->max_cache_size))
		return kmalloc_other(sim, size, gfp);
	s = st->kmalloc_caches[kmalloc_type_of(gfp)][kmalloc_slab_index(st, size)];
	SIM_NOTE(sim, "%s (%zu bytes of padding)", s->name, (size_t)s->size - size);
	return kmalloc_done(sim, slab_alloc(sim, s, gfp, size), size, gfp);
}

sim_addr_t kmalloc_array(struct sim *sim, size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size) {
		sim_set_reason(sim, SIM_ENOMEM,
			       "kmalloc_array: %zu * %zu bytes overflows size_t", n, size);
		return SIM_ADDR_NONE;
	}
	return kmalloc(sim, n * size, gfp);
}

/*
 * Resolve a kfree/ksize/krealloc address.  Return: SIM_OK with the slab and
 * the object's cache (NULL: large or policy kmalloc); SIM_EFAULT if @p is
 * not in slab or large-kmalloc memory.
 */
static int kmem_resolve(struct sim *sim, sim_addr_t p, struct slab **slabp,
			struct kmem_cache **sp)
{
	struct slab *slab = slab_of_addr(sim, p);

	if (!slab)
		return SIM_EFAULT;
	*slabp = slab;
	*sp = slab_obj_cache(sim, slab, p);
	return SIM_OK;
}

/* kfree() of anything but a slot object */
static slab_cold int kfree_other(struct sim *sim, struct slab *slab, sim_addr_t p)
{
	if (!slab) {
		/* free_large_kmalloc() on a folio that is no large kmalloc */
		sim_report_bug(sim, SIM_BUG_INVALID_FREE,
			       "WARNING: CPU: %u PID: 0 at mm/slub.c free_large_kmalloc: Not a kmalloc allocation",
			       sim->cur_cpu);
		sim_printk(sim, "page dumped because: Not a kmalloc allocation");
		sim_printk(sim, "object pointer: 0x%llx", (unsigned long long)p);
		return SIM_EBUG;
	}
	SIM_EVENT(sim, KFREE, p, 0, 0, 0);
	sim->stats.kfree++;
	if (slab->kind == SLAB_KIND_LARGE) {
		/* the whole folio goes, whatever pointer into it was passed */
		kmalloc_large_free(sim, slab);
		return SIM_OK;
	}
	return slab_free_block(sim, slab_obj_cache(sim, slab, p), slab, p);
}

/* kfree() of a slot object of @s with a sink, damage or SLAB_TRACE about */
static slab_noinline int kfree_slot_extras(struct sim *sim, struct kmem_cache *s,
					   struct slab *slab, sim_addr_t p)
{
	SIM_EVENT(sim, KFREE, p, 0, 0, 0);
	sim->stats.kfree++;
	return slab_free_slot(sim, s, slab, p, true);
}

int kfree(struct sim *sim, sim_addr_t p)
{
	const struct slab_state *st = sim->slab;
	struct slab *slab;

	if (p <= SIM_ZERO_SIZE_PTR || !st || !st->ops)
		return SIM_OK;		/* ZERO_OR_NULL_PTR */
	slab = slab_of_addr(sim, p);
	if (likely(slab && slab->kind == SLAB_KIND_SLOTS)) {
		struct kmem_cache *s = st->caches[slab->cache_id];

		if (unlikely(!slab_free_plain(sim, s)))
			return kfree_slot_extras(sim, s, slab, p);
		sim->stats.kfree++;
		return slab_free_slot(sim, s, slab, p, false);
	}
	return kfree_other(sim, slab, p);
}

/* slab_ksize() for a live slot object of @s */
static size_t slab_ksize(const struct kmem_cache *s)
{
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return s->inuse;
	return s->size;
}

size_t ksize(const struct sim *sim, sim_addr_t p)
{
	const struct slab_state *st = sim->slab;
	struct slab *slab;

	if (p <= SIM_ZERO_SIZE_PTR || !st || !st->ops)
		return 0;
	slab = slab_of_addr(sim, p);
	if (!slab)
		return 0;
	switch (slab->kind) {
	case SLAB_KIND_LARGE:
		return p == slab_address(slab) ? (size_t)SIM_PAGE_SIZE << slab->order : 0;
	case SLAB_KIND_SLOTS: {
		int64_t i = slab_slot_of(slab, p);
		struct slab_objref ref = { slab, 0, 0, 0 };

		if (i < 0 || !slab_slot_live(slab, (uint32_t)i))
			return 0;
		ref.slot = (uint32_t)i;
		if (st->ops->ksize)
			return st->ops->ksize(sim, p, &ref);
		return slab_ksize(st->caches[slab->cache_id]);
	}
	default: {
		int64_t b = slab_block_find(slab, (uint32_t)(p - slab_address(slab)));
		struct slab_objref ref = { slab, 0, 0, 0 };

		if (b < 0 || !slab->blocks[b].live)
			return 0;
		ref.slot = slab->blocks[b].offset;
		ref.bytes = slab->blocks[b].bytes;
		if (st->ops->ksize)
			return st->ops->ksize(sim, p, &ref);
		return slab->blocks[b].bytes;
	}
	}
}

/* set the requested size of a live object (krealloc in place) */
static void kmem_set_req(struct sim *sim, struct slab *slab, sim_addr_t p,
			 size_t req)
{
	struct kmem_cache *s = slab_obj_cache(sim, slab, p);
	uint64_t old;

	if (slab->kind == SLAB_KIND_LARGE) {
		sim->slab->large_req_bytes += req - slab->large_req;
		slab->large_req = req;
		return;
	}
	if (slab->kind == SLAB_KIND_SLOTS) {
		uint32_t i = (uint32_t)slab_slot_of(slab, p);

		old = slab_slot(slab, i)->req;
		slab_slot(slab, i)->req = (uint32_t)req;
	} else {
		int64_t b = slab_block_find(slab, (uint32_t)(p - slab_address(slab)));

		old = slab->blocks[b].req;
		slab->blocks[b].req = (uint32_t)req;
	}
	if (s)
		s->acct.req_bytes += req - old;
}

sim_addr_t krealloc(struct sim *sim, sim_addr_t p, size_t size, gfp_t gfp)
{
	struct slab_state *st = sim->slab;
	struct kmem_cache *s = NULL;
	struct slab *slab = NULL;
	size_t ks;
	sim_addr_t n;

	if (!st || !st->ops) {
		sim_set_reason(sim, SIM_ENOMEM, "slab policy '%s' is not available",
			       sim->cfg.policy);
		return SIM_ADDR_NONE;
	}
	if (!size) {
		kfree(sim, p);
		return SIM_ZERO_SIZE_PTR;
	}
	if (p <= SIM_ZERO_SIZE_PTR)
		return kmalloc(sim, size, gfp);
	if (kmem_resolve(sim, p, &slab, &s) != SIM_OK || ksize(sim, p) == 0) {
		/* not a live object: what kfree() would say about it */
		kfree(sim, p);
		sim_set_reason(sim, SIM_EBUG, "krealloc: 0x%llx is not a live object",
			       (unsigned long long)p);
		return SIM_ADDR_NONE;
	}
	if (slab->kind == SLAB_KIND_LARGE)
		ks = (size_t)SIM_PAGE_SIZE << slab->order;
	else if (s)
		ks = s->object_size;
	else
		ks = ksize(sim, p);	/* policy kmalloc (SLOB) */
	if (size <= ks && p == (slab->kind == SLAB_KIND_LARGE ? slab_address(slab) : p)) {
		kmem_set_req(sim, slab, p, size);
		return p;
	}
	n = kmalloc(sim, size, gfp);
	if (n == SIM_ADDR_NONE)
		return SIM_ADDR_NONE;		/* p untouched */
	kfree(sim, p);
	return n;
}

/* ---- Reports ---- */

struct slab_out {
	sim_text_fn fn;
	void *ud;
};

static void slab_outf(struct slab_out *o, const char *fmt, ...) sim_printf_like(2, 3);
static void slab_outf(struct slab_out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->fn(o->ud, buf, (size_t)SIM_MIN((size_t)n, sizeof buf - 1));
}

static void slab_fill_stats(const struct sim *sim, const struct kmem_cache *s,
			    struct sim_cache_stats *o)
{
	const struct slab_ops *ops = sim->slab->ops;
	struct slab_policy_stats ps = { 0 };
	struct slabinfo si;

	memset(o, 0, offsetof(struct sim_cache_stats, nr_fields));
	o->nr_fields = 0;
	if (ops->stats)
		ops->stats(sim, s, &ps);
	if (ops->slabinfo) {
		memset(&si, 0, sizeof si);
		ops->slabinfo(sim, s, &si);
		o->active_objs = si.active_objs;
		o->num_objs = si.num_objs;
		o->active_slabs = si.active_slabs;
		o->num_slabs = si.num_slabs;
	} else {
		o->active_objs = s->acct.live;
		o->num_objs = s->acct.objects;
		o->active_slabs = o->num_slabs = s->acct.slabs;
	}
	o->pages = s->acct.pages;
	o->live = s->acct.live;
	o->req_bytes = s->acct.req_bytes;
	o->obj_bytes = s->acct.live * s->object_size;
	o->slot_bytes = s->acct.slot_bytes;
	o->tail_bytes = s->acct.pages * SIM_PAGE_SIZE - s->acct.objects * s->size;
	o->free_in_partial = ps.free_in_partial;
	o->cached = ps.cached;
	o->partial_slabs = ps.partial_slabs;
	o->allocs = s->acct.allocs;
	o->frees = s->acct.frees;
	o->alloc_fails = s->acct.alloc_fails;
	o->fastpath_allocs = s->acct.fastpath_allocs;
	o->fastpath_frees = s->acct.fastpath_frees;
	o->slabs_created = s->acct.slabs_created;
	o->slabs_freed = s->acct.slabs_freed;
	o->ctor_calls = s->acct.ctor_calls;
}

int sim_slabinfo(const struct sim *sim, sim_text_fn fn, void *ud)
{
	const struct slab_state *st = sim->slab;
	struct slab_out o = { fn, ud };

	if (!st || !st->ops || !st->ops->slabinfo)
		return SIM_ENOENT;
	slab_outf(&o, "slabinfo - version: 2.1\n");
	slab_outf(&o, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		  "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		  "slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (size_t i = 0; i < st->nr_list; i++) {
		const struct kmem_cache *s = slab_cache_at(sim, i);
		struct slabinfo si;

		memset(&si, 0, sizeof si);
		st->ops->slabinfo(sim, s, &si);
		slab_outf(&o, "%-17s %6lu %6lu %6u %4u %4d", s->name, si.active_objs,
			  si.num_objs, s->size, si.objects_per_slab, 1 << si.cache_order);
		slab_outf(&o, " : tunables %4u %4u %4u", si.limit, si.batchcount,
			  si.shared);
		slab_outf(&o, " : slabdata %6lu %6lu %6lu\n", si.active_slabs,
			  si.num_slabs, si.shared_avail);
	}
	return SIM_OK;
}

/* a percentage with one decimal, without floating point formatting of
 * host-dependent values: 1000 * a / b rounded, printed as x.y */
static void slab_fmt_pct(char *buf, size_t len, uint64_t a, uint64_t b)
{
	uint64_t permille = b ? (a * 1000 + b / 2) / b : 0;

	snprintf(buf, len, "%llu.%llu%%", (unsigned long long)(permille / 10),
		 (unsigned long long)(permille % 10));
}

/* bytes as procps prints kibibytes with "%.2fK", computed in integers:
 * hundredths of a KiB, an exact half rounded to even as printf does */
static void slab_fmt_k2(char *buf, size_t len, uint64_t bytes)
{
	uint64_t h = bytes * 100 / 1024, r = bytes * 100 % 1024;

	if (r > 512 || (r == 512 && (h & 1)))
		h++;

	snprintf(buf, len, "%llu.%02lluK", (unsigned long long)(h / 100),
		 (unsigned long long)(h % 100));
}

/*
 * slabtop's summary (procps), caches by memory (then name); plus one line
 * of kmemsim's own: where the bytes go (requested, object, slot, unused
 * slab tails, large kmalloc).
 */
void sim_slabtop(const struct sim *sim, sim_text_fn fn, void *ud)
{
	const struct slab_state *st = sim->slab;
	struct slab_out o = { fn, ud };
	struct sim_cache_stats *cs;
	const struct kmem_cache **v;
	uint64_t *mem;
	uint64_t aobj = 0, tobj = 0, asl = 0, tsl = 0, acache = 0, asize = 0, tsize = 0;
	uint64_t req = 0, objb = 0, slot = 0, tail = 0, minsz = UINT64_MAX, maxsz = 0;
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	size_t n;

	if (!st || !st->ops)
		return;
	n = st->nr_list;
	v = sim_xmalloc(n * sizeof *v + 1);
	mem = sim_xmalloc(n * sizeof *mem + 1);
	cs = sim_xmalloc(n * sizeof *cs + 1);
	if (!v || !mem || !cs) {
		free(v);
		free(mem);
		free(cs);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = slab_cache_at(sim, i);
		slab_fill_stats(sim, v[i], &cs[i]);
		mem[i] = cs[i].num_slabs * ((uint64_t)SIM_PAGE_SIZE << v[i]->order);
		aobj += cs[i].active_objs;
		tobj += cs[i].num_objs;
		asl += cs[i].active_slabs;
		tsl += cs[i].num_slabs;
		acache += cs[i].active_objs != 0;
		asize += cs[i].active_objs * v[i]->size;
		tsize += cs[i].num_objs * v[i]->size;
		req += cs[i].req_bytes;
		objb += cs[i].obj_bytes;
		slot += cs[i].slot_bytes;
		tail += cs[i].tail_bytes;
		if (cs[i].num_objs) {
			minsz = SIM_MIN(minsz, (uint64_t)v[i]->size);
			maxsz = SIM_MAX(maxsz, (uint64_t)v[i]->size);
		}
	}
	slab_fmt_pct(b1, sizeof b1, aobj, tobj);
	slab_outf(&o, " Active / Total Objects (%% used)    : %llu / %llu (%s)\n",
		  (unsigned long long)aobj, (unsigned long long)tobj, b1);
	slab_fmt_pct(b1, sizeof b1, asl, tsl);
	slab_outf(&o, " Active / Total Slabs (%% used)      : %llu / %llu (%s)\n",
		  (unsigned long long)asl, (unsigned long long)tsl, b1);
	slab_fmt_pct(b1, sizeof b1, acache, n);
	slab_outf(&o, " Active / Total Caches (%% used)     : %llu / %llu (%s)\n",
		  (unsigned long long)acache, (unsigned long long)n, b1);
	slab_fmt_k2(b1, sizeof b1, asize);
	slab_fmt_k2(b2, sizeof b2, tsize);
	slab_fmt_pct(b3, sizeof b3, asize, tsize);
	slab_outf(&o, " Active / Total Size (%% used)       : %s / %s (%s)\n", b1, b2, b3);
	slab_fmt_k2(b1, sizeof b1, minsz == UINT64_MAX ? 0 : minsz);
	slab_fmt_k2(b2, sizeof b2, aobj ? asize / aobj : 0);
	slab_fmt_k2(b3, sizeof b3, maxsz);
	slab_outf(&o, " Minimum / Average / Maximum Object : %s / %s / %s\n", b1, b2, b3);
	slab_fmt_k2(b1, sizeof b1, req);
	slab_fmt_k2(b2, sizeof b2, objb);
	slab_fmt_k2(b3, sizeof b3, slot);
	slab_fmt_k2(b4, sizeof b4, tail);
	slab_fmt_k2(b5, sizeof b5, st->large_pages * SIM_PAGE_SIZE);
	slab_outf(&o, " Live bytes (kmemsim): requested %s, object %s, slot %s; "
		  "slab tails %s; large kmalloc %s\n\n", b1, b2, b3, b4, b5);
	slab_outf(&o, "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n");
	/* by memory, then by name: a stable order */
	for (size_t i = 1; i < n; i++) {
		const struct kmem_cache *x = v[i];
		struct sim_cache_stats xs = cs[i];
		uint64_t mx = mem[i];
		size_t j = i;

		while (j > 0 && (mem[j - 1] < mx ||
				 (mem[j - 1] == mx && strcmp(v[j - 1]->name, x->name) > 0))) {
			v[j] = v[j - 1];
			mem[j] = mem[j - 1];
			cs[j] = cs[j - 1];
			j--;
		}
		v[j] = x;
		mem[j] = mx;
		cs[j] = xs;
	}
	for (size_t i = 0; i < n; i++) {
		slab_fmt_k2(b1, sizeof b1, v[i]->size);
		slab_outf(&o, "%6llu %6llu %3llu%% %8s %6llu %8u %9lluK %s\n",
			  (unsigned long long)cs[i].num_objs,
			  (unsigned long long)cs[i].active_objs,
			  (unsigned long long)(cs[i].num_objs ?
					       (cs[i].active_objs * 100 + cs[i].num_objs / 2) /
					       cs[i].num_objs : 0),
			  b1, (unsigned long long)cs[i].num_slabs, v[i]->objects,
			  (unsigned long long)(mem[i] / 1024), v[i]->name);
	}
	free(v);
	free(mem);
	free(cs);
}

void sim_slab_get_summary(const struct sim *sim, struct sim_slab_summary *out)
{
	const struct slab_state *st = sim->slab;

	memset(out, 0, sizeof *out);
	if (!st)
		return;
	out->nr_slab_reclaimable = sim->node_stat.nr_slab_reclaimable;
	out->nr_slab_unreclaimable = sim->node_stat.nr_slab_unreclaimable;
	out->peak_pages = st->peak_pages;
	out->large_objects = st->large_objects;
	out->large_pages = st->large_pages;
	out->large_req_bytes = st->large_req_bytes;
	if (!st->ops)
		return;
	if (st->ops->summary_fields)
		out->nr_fields = st->ops->summary_fields(sim, out->fields,
							 ARRAY_SIZE(out->fields));
	out->nr_caches = st->nr_list;
	for (size_t i = 0; i < st->nr_list; i++) {
		struct sim_cache_stats cs;
		struct sim_cache_stats *t = &out->caches;

		slab_fill_stats(sim, st->list[i], &cs);
		t->active_objs += cs.active_objs;
		t->num_objs += cs.num_objs;
		t->active_slabs += cs.active_slabs;
		t->num_slabs += cs.num_slabs;
		t->pages += cs.pages;
		t->live += cs.live;
		t->req_bytes += cs.req_bytes;
		t->obj_bytes += cs.obj_bytes;
		t->slot_bytes += cs.slot_bytes;
		t->tail_bytes += cs.tail_bytes;
		t->free_in_partial += cs.free_in_partial;
		t->cached += cs.cached;
		t->partial_slabs += cs.partial_slabs;
		t->allocs += cs.allocs;
		t->frees += cs.frees;
		t->alloc_fails += cs.alloc_fails;
		t->fastpath_allocs += cs.fastpath_allocs;
		t->fastpath_frees += cs.fastpath_frees;
		t->slabs_created += cs.slabs_created;
		t->slabs_freed += cs.slabs_freed;
		t->ctor_calls += cs.ctor_calls;
	}
}

void sim_slab_vmstat(const struct sim *sim, uint64_t *reclaimable,
		     uint64_t *unreclaimable)
{
	*reclaimable = sim->node_stat.nr_slab_reclaimable;
	*unreclaimable = sim->node_stat.nr_slab_unreclaimable;
}

/* ---- The public API (sim.h) ---- */

static struct kmem_cache *slab_handle(const struct sim *sim, sim_cache_t c)
{
	const struct slab_state *st = sim->slab;
	uint32_t id = (uint32_t)c;

	if (!st || id == 0 || id > st->nr_ids)
		return NULL;
	id--;
	if (!st->caches[id] || st->gens[id] != (uint32_t)(c >> 32))
		return NULL;
	return st->caches[id];
}

static sim_cache_t slab_handle_of(const struct kmem_cache *s)
{
	return ((sim_cache_t)s->gen << 32) | (s->id + 1);
}

/* a usable cache or SIM_ENOENT with the reason */
static struct kmem_cache *slab_handle_live(struct sim *sim, sim_cache_t c,
					   int *rc)
{
	struct kmem_cache *s = slab_handle(sim, c);

	*rc = SIM_OK;
	if (!s || s->dead || s->refcount <= 0) {
		*rc = sim_set_reason(sim, SIM_ENOENT, "no such cache (destroyed)");
		return NULL;
	}
	return s;
}

int sim_cache_create(struct sim *sim, const char *name, uint64_t size,
		     const struct sim_cache_opts *opts, sim_cache_t *out)
{
	struct kmem_cache_args a = { 0 };
	struct kmem_cache *s;

	SIM_REFUSE_IF_PANICKED(sim);
	if (opts) {
		a.align = opts->align;
		a.ctor = opts->ctor;
		a.sheaf_capacity = opts->sheaf_capacity;
	}
	if (size > KMALLOC_MAX_SIZE)
		return sim_set_reason(sim, SIM_EINVAL,
				      "kmem_cache_create(%s): object size %llu out of range (1..%llu)",
				      name, (unsigned long long)size,
				      (unsigned long long)KMALLOC_MAX_SIZE);
	s = kmem_cache_create(sim, name, (unsigned)size, &a, opts ? opts->flags : 0);
	if (!s)
		return SIM_PANIC_STATUS(sim, strstr(sim_last_reason(sim), "host memory")
					? SIM_ENOHOSTMEM : SIM_EINVAL);
	*out = slab_handle_of(s);
	return SIM_OK;
}

bool sim_cache_valid(const struct sim *sim, sim_cache_t c)
{
	return slab_handle(sim, c) != NULL;
}

bool sim_cache_usable(const struct sim *sim, sim_cache_t c)
{
	const struct kmem_cache *s = slab_handle(sim, c);

	return s && !s->dead && s->refcount > 0;
}

int sim_cache_destroy(struct sim *sim, sim_cache_t c)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);

	SIM_REFUSE_IF_PANICKED(sim);
	if (!s)
		return rc;
	return SIM_PANIC_STATUS(sim, kmem_cache_destroy(sim, s));
}

int sim_cache_alloc(struct sim *sim, sim_cache_t c, gfp_t gfp, sim_addr_t *out)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);
	sim_time_t t0 = sim->now;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!s)
		return rc;
	*out = kmem_cache_alloc(sim, s, gfp);
	sim_lat_note(sim, SIM_LAT_ALLOC, sim->now - t0);
	return SIM_PANIC_STATUS(sim, *out == SIM_ADDR_NONE ? SIM_ENOMEM : SIM_OK);
}

int sim_cache_free(struct sim *sim, sim_cache_t c, sim_addr_t obj)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);
	sim_time_t t0 = sim->now;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!s)
		return rc;
	rc = kmem_cache_free(sim, s, obj);
	sim_lat_note(sim, SIM_LAT_FREE, sim->now - t0);
	return SIM_PANIC_STATUS(sim, rc);
}

int sim_cache_free_rcu(struct sim *sim, sim_cache_t c, sim_addr_t obj)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);

	if (!s)
		return rc;
	return kmem_cache_free_rcu(sim, s, obj);
}

int sim_kfree_rcu(struct sim *sim, sim_addr_t p)
{
	return kfree_rcu(sim, p);
}

void sim_rcu_barrier(struct sim *sim)
{
	slab_rcu_barrier(sim);
}

void sim_rcu_get_stats(const struct sim *sim, struct sim_rcu_stats *out)
{
	const struct slab_state *st = sim->slab;

	memset(out, 0, sizeof *out);
	if (!st)
		return;
	for (unsigned cpu = 0; cpu < sim->cfg.cpus; cpu++)
		out->queued += st->rcu_cpu[cpu].nr;
	for (size_t i = st->rcu_head; i < st->rcu_nr; i++) {
		out->waiting++;
		out->waiting_slabs += st->rcu_wait[i].kind == RCU_SLAB_PAGES;
	}
	out->freed = st->rcu_freed;
	out->slabs_freed = st->rcu_slabs_freed;
}

int sim_cache_validate(struct sim *sim, sim_cache_t c, unsigned *errors)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);

	if (!s)
		return rc;
	*errors = kmem_cache_validate(sim, s);
	return SIM_OK;
}

int sim_cache_shrink(struct sim *sim, sim_cache_t c, uint64_t *pages)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);

	SIM_REFUSE_IF_PANICKED(sim);
	if (!s)
		return rc;
	*pages = kmem_cache_shrink(sim, s);
	return SIM_PANIC_STATUS(sim, SIM_OK);
}

int sim_cache_tune(struct sim *sim, sim_cache_t c, int limit, int batchcount,
		   int shared)
{
	int rc;
	struct kmem_cache *s = slab_handle_live(sim, c, &rc);

	SIM_REFUSE_IF_PANICKED(sim);
	if (!s)
		return rc;
	if (!sim->slab->ops->tune)
		return sim_set_reason(sim, SIM_EINVAL,
				      "the %s policy has no tunables (SLAB only)",
				      sim->slab->ops->name);
	return sim->slab->ops->tune(sim, s, limit, batchcount, shared);
}

int sim_cache_get_info(const struct sim *sim, sim_cache_t c,
		       struct sim_cache_info *o)
{
	const struct kmem_cache *s = slab_handle(sim, c);
	const struct slab_ops *ops;

	if (!s)
		return SIM_ENOENT;
	ops = sim->slab->ops;
	memset(o, 0, sizeof *o);
	o->name = s->name;
	o->object_size = s->object_size;
	o->size = s->size;
	o->align = s->align;
	o->order = s->order;
	o->objects_per_slab = s->objects;
	o->pages_per_slab = 1u << s->order;
	o->inuse = s->inuse;
	o->offset = s->offset;
	o->red_left_pad = s->red_left_pad;
	o->min_partial = s->min_partial;
	o->cpu_partial = s->cpu_partial;
	o->cpu_partial_slabs = s->cpu_partial_slabs;
	o->sheaf_capacity = s->sheaf_capacity;
	o->flags = s->flags;
	o->refcount = s->dead ? 0 : s->refcount;
	o->nr_aliases = s->nr_aliases;
	o->kmalloc = s->kmalloc_type >= 0;
	o->dead = s->dead;
	if (ops->info_fields)
		o->nr_fields = ops->info_fields(sim, s, o->fields, ARRAY_SIZE(o->fields));
	return SIM_OK;
}

int sim_cache_get_stats(const struct sim *sim, sim_cache_t c,
			struct sim_cache_stats *o)
{
	const struct kmem_cache *s = slab_handle(sim, c);
	const struct slab_ops *ops;

	if (!s)
		return SIM_ENOENT;
	ops = sim->slab->ops;
	slab_fill_stats(sim, s, o);
	if (ops->stat_fields)
		o->nr_fields = ops->stat_fields(sim, s, o->fields, ARRAY_SIZE(o->fields));
	return SIM_OK;
}

int sim_cache_dump(const struct sim *sim, sim_cache_t c, sim_text_fn fn, void *ud)
{
	const struct kmem_cache *s = slab_handle(sim, c);

	if (!s)
		return SIM_ENOENT;
	if (!sim->slab->ops->dump)
		return SIM_EINVAL;
	sim->slab->ops->dump(sim, s, fn, ud);
	return SIM_OK;
}

const char *sim_cache_alias(const struct sim *sim, sim_cache_t c, size_t i)
{
	const struct kmem_cache *s = slab_handle(sim, c);

	return s && i < s->nr_aliases ? s->aliases[i] : NULL;
}

/*
 * "slabinfo -a" (tools/mm/slabinfo.c, alias()): each cache that absorbed
 * others by merging, then "<-" and the names merged into it.  The kernel
 * shows a merged cache under its sysfs id (":0000256") with every name as
 * an alias; kmemsim names it by the cache that was created first.
 */
int sim_slab_aliases(const struct sim *sim, sim_text_fn fn, void *ud)
{
	size_t n = slab_nr_caches(sim), shown = 0;
	char line[160];

	for (size_t i = 0; i < n; i++) {
		const struct kmem_cache *s = slab_cache_at(sim, i);
		int len;

		if (!s || !s->nr_aliases)
			continue;
		len = snprintf(line, sizeof line, "%-12s <-", s->name);
		fn(ud, line, (size_t)len);
		for (unsigned a = 0; a < s->nr_aliases; a++) {
			fn(ud, " ", 1);
			fn(ud, s->aliases[a], strlen(s->aliases[a]));
		}
		fn(ud, "\n", 1);
		shown++;
	}
	return shown ? SIM_OK : SIM_ENOENT;
}

size_t sim_cache_count(const struct sim *sim)
{
	return slab_nr_caches(sim);
}

sim_cache_t sim_cache_at(const struct sim *sim, size_t i)
{
	const struct kmem_cache *s = i < slab_nr_caches(sim) ? slab_cache_at(sim, i) : NULL;

	return s ? slab_handle_of(s) : SIM_CACHE_NONE;
}

sim_cache_t sim_cache_find(const struct sim *sim, const char *name)
{
	const struct kmem_cache *s = slab_cache_by_name(sim, name);

	return s ? slab_handle_of(s) : SIM_CACHE_NONE;
}

int sim_kmalloc(struct sim *sim, uint64_t size, gfp_t gfp, sim_addr_t *out)
{
	return slab_api_kmalloc(sim, size, gfp, out, NULL);
}

int sim_kcalloc(struct sim *sim, uint64_t n, uint64_t size, gfp_t gfp,
		sim_addr_t *out)
{
	sim_time_t t0 = sim->now;

	SIM_REFUSE_IF_PANICKED(sim);
	*out = kmalloc_array(sim, (size_t)n, (size_t)size, gfp | __GFP_ZERO);
	sim_lat_note(sim, SIM_LAT_ALLOC, sim->now - t0);
	return SIM_PANIC_STATUS(sim, *out == SIM_ADDR_NONE ? SIM_ENOMEM : SIM_OK);
}

int sim_krealloc(struct sim *sim, sim_addr_t p, uint64_t size, gfp_t gfp,
		 sim_addr_t *out)
{
	sim_time_t t0 = sim->now;
	size_t before = sim->nr_bugs;

	SIM_REFUSE_IF_PANICKED(sim);
	*out = krealloc(sim, p, (size_t)size, gfp);
	sim_lat_note(sim, SIM_LAT_ALLOC, sim->now - t0);
	if (*out == SIM_ADDR_NONE)
		return SIM_PANIC_STATUS(sim, sim->nr_bugs != before ? SIM_EBUG : SIM_ENOMEM);
	return SIM_OK;
}

int sim_kfree(struct sim *sim, sim_addr_t p)
{
	return slab_api_kfree(sim, p, NULL);
}

void sim_prefetch_free(const struct sim *sim, sim_addr_t p,
		       enum sim_prefetch_stage stage)
{
	slab_prefetch_free(sim, p, stage);
}

int sim_slob_add_page(struct sim *sim, unsigned list,
		      const struct sim_slob_block *free, size_t nr, sim_addr_t *addr)
{
	const struct slab_ops *ops = sim->slab->ops;

	SIM_REFUSE_IF_PANICKED(sim);
	if (!ops->seed_page)
		return sim_set_reason(sim, SIM_EINVAL,
				      "the slab policy is %s: only SLOB keeps lists of partly free pages",
				      ops->name);
	return SIM_PANIC_STATUS(sim, ops->seed_page(sim, list, free, nr, addr));
}

uint64_t sim_ksize(const struct sim *sim, sim_addr_t p)
{
	return ksize(sim, p);
}

const char *sim_kmem_poke(struct sim *sim, sim_addr_t addr, uint64_t len)
{
	if (sim->panicked)
		return "nothing: the simulated kernel has panicked";
	return kmem_poke(sim, addr, (size_t)SIM_MIN(len, (uint64_t)SIZE_MAX));
}

/* ---- Validation ---- */

bool slab_validate(const struct sim *sim)
{
	const struct slab_state *st = sim->slab;
	uint64_t recl = 0, unrecl = 0;

	if (!st || !st->ops)
		return true;
	for (size_t i = 0; i < st->nr_list; i++) {
		const struct kmem_cache *s = st->list[i];
		uint64_t slabs = 0, pages = 0, objects = 0, live = 0;

		for (uint32_t id = 0; id < st->nr_slab_ids; id++) {
			const struct slab *slab = st->slabs[id];

			if (!st->slab_used[id] || slab->cache_id != s->id)
				continue;
			slabs++;
			pages += UINT64_C(1) << slab->order;
			objects += slab->nr_slots;
			live += slab->nr_live;
		}
		if (s->acct.slabs != slabs || s->acct.pages != pages ||
		    s->acct.objects != objects)
			return false;
		if (slabs && s->acct.live != live)
			return false;
		if (st->ops->validate && !st->ops->validate(sim, s))
			return false;
	}
	for (uint32_t id = 0; id < st->nr_slab_ids; id++) {
		const struct slab *slab = st->slabs[id];
		uint64_t pages;

		if (!st->slab_used[id])
			continue;
		pages = UINT64_C(1) << slab->order;
		if (slab->reclaimable)
			recl += pages;
		else
			unrecl += pages;
		if (page_owner(sim, slab->pfn) != id + 1 ||
		    slab_of_addr(sim, pfn_to_addr(slab->pfn)) != slab ||
		    slab_of_addr(sim, pfn_to_addr(slab->pfn) +
				     ((sim_addr_t)SIM_PAGE_SIZE << slab->order) - 1) != slab)
			return false;
		if (page_use(sim, slab->pfn) != (slab->kind == SLAB_KIND_LARGE ?
						  PAGE_USE_KMALLOC_LARGE : PAGE_USE_SLAB))
			return false;
		if (slab->kind == SLAB_KIND_SLOTS) {
			uint32_t n = 0;

			for (uint32_t k = 0; k < slab->nr_slots; k++)
				n += slab_slot(slab, k)->req != 0;
			if (n != slab->nr_live)
				return false;
		}
	}
	return recl == sim->node_stat.nr_slab_reclaimable &&
	       unrecl == sim->node_stat.nr_slab_unreclaimable;
}

/* ---- Life cycle ---- */

int slab_layer_init(struct sim *sim, char *err, size_t errlen)
{
	struct slab_state *st = sim_xcalloc(1, sizeof *st);
	int rc;

	if (!st)
		return SIM_ENOHOSTMEM;
	sim->slab = st;
	st->ops = slab_ops_lookup(sim->cfg.policy);
	if (!st->ops)
		return SIM_OK;	/* not built yet: every slab call says so */
	if (strcmp(st->ops->name, "slub") == 0) {
		rc = slab_debug_setup(sim);
		if (rc != SIM_OK)
			return rc;
	}
	rc = st->ops->init(sim);
	if (rc != SIM_OK) {
		snprintf(err, errlen, "%s: %s", st->ops->name, sim_strerror(rc));
		return rc;
	}
	if (!st->ops->kmalloc) {
		rc = kmalloc_caches_create(sim, err, errlen);
		if (rc != SIM_OK)
			return rc;
	}
	return SIM_OK;
}

void slab_layer_destroy(struct sim *sim)
{
	struct slab_state *st = sim->slab;

	if (!st)
		return;
	if (st->ops) {
		/* newest first, as a module unload order would */
		while (st->nr_list) {
			struct kmem_cache *s = st->list[st->nr_list - 1];

			st->ops->cache_destroy(sim, s);
			st->nr_list--;
			slab_cache_free_host(s);
		}
		if (st->ops->exit)
			st->ops->exit(sim);
	}
	/* the page allocator goes down next: slab pages need not go back */
	for (uint32_t id = 0; id < st->nr_slab_ids; id++) {
		struct slab *slab = st->slabs[id];

		free(slab->blocks);
		slab_desc_release(slab);
	}
	for (size_t i = 0; i < st->nr_desc_chunks; i++)
		free(st->desc_chunks[i]);
	free(st->desc_chunks);
	for (unsigned cpu = 0; cpu < SIM_MAX_CPUS; cpu++)
		free(st->rcu_cpu[cpu].q);
	free(st->rcu_wait);
	for (size_t i = 0; i < st->nr_debug_blocks; i++)
		free(st->debug_blocks[i].list);
	free(st->debug_blocks);
	for (size_t i = 0; i < st->nr_pb_map; i++)
		free(st->pb_map[i]);
	free(st->pb_map);
	free(st->slabs);
	free(st->slab_used);
	free(st->free_slab_ids);
	free(st->caches);
	free(st->gens);
	free(st->list);
	free(st->damage);
	free(st);
	sim->slab = NULL;
}

/* ---- Text output of dumps ---- */

void slab_textf(struct slab_text *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->fn(t->ud, buf, SIM_MIN((size_t)n, sizeof buf - 1));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gfp.c - GFP flags: names, parsing, printing and what a mask means
 *
 * A GFP mask is the whole contract between an allocation and the allocator:
 * which zones it may use, which pageblocks it belongs in, whether it may
 * sleep, start I/O or recurse into a filesystem, how hard to try and how
 * much of the emergency reserve it may eat.  This file models the parts of
 * the kernel that read a mask and nothing else:
 *
 *   gfp_zone()             gfp_zone() and its GFP_ZONE_TABLE / GFP_ZONE_BAD
 *   gfp_migratetype()      gfp_migratetype()
 *   gfp_allows_blocking()  gfpflags_allow_blocking()
 *   gfp_to_alloc_flags()   gfp_to_alloc_flags() in mm/page_alloc.c
 *   gfp_pfmemalloc_flags() __gfp_pfmemalloc_flags() in mm/page_alloc.c
 *   gfp_current_context()  current_gfp_context() in sched/mm.h
 *   gfp_format()           show_gfp_flags() (trace events) and %pGg
 *   gfp_parse()            the inverse of gfp_format(), for traces and Lua
 *
 * Everything here is a pure function of its arguments: no state, no
 * allocation, no output.  The facts about the *context* of an allocation
 * (PF_MEMALLOC, interrupt, RT task, OOM victim, memalloc scopes) belong to
 * the caller, which passes them in as booleans.
 *
 * Names.  GFP_FLAG_TABLE in gfp.h is the single list.  gfp_names[] below is
 * generated from it and keeps its order, which is the order of the kernel's
 * __def_gfpflag_names: composites with most bits first, so that printing
 * picks the largest name that fits (GFP_KERNEL_ACCOUNT before GFP_KERNEL),
 * then single bits.  Printing walks that list, prints every entry whose bits
 * are all still set and clears them; what is left over prints as hex.  The
 * result is byte-for-byte the kernel's, so a trace line parses and prints
 * back to itself (the unit test holds every gfp_flags= string of the real
 * 6.18 trace).
 *
 * Parsing is a linear scan over ~40 names with a length check first, which
 * is cheaper than hashing at this size.  Only an unknown name costs more:
 * the error message ranks every name by an edit distance (ASCII case
 * ignored, a missing "GFP_"/"__GFP_" or a truncated name counted as one
 * edit) to suggest the closest.  Neither path allocates.
 */
#include "config.h"

#include <string.h>

#include "sim.h"
#include "gfp.h"

/* ---- The kernel's own definitions, checked against the table ---- */

/* gfp_types.h builds composites from each other; the table spells them out. */
_Static_assert(__GFP_RECLAIM == (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM), "RECLAIM");
_Static_assert(GFP_ATOMIC == (__GFP_HIGH | __GFP_KSWAPD_RECLAIM), "ATOMIC");
_Static_assert(GFP_KERNEL == (__GFP_RECLAIM | __GFP_IO | __GFP_FS), "KERNEL");
_Static_assert(GFP_KERNEL_ACCOUNT == (GFP_KERNEL | __GFP_ACCOUNT), "KERNEL_ACCOUNT");
_Static_assert(GFP_NOWAIT == (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN), "NOWAIT");
_Static_assert(GFP_NOIO == __GFP_RECLAIM, "NOIO");
_Static_assert(GFP_NOFS == (__GFP_RECLAIM | __GFP_IO), "NOFS");
_Static_assert(GFP_USER == (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL), "USER");
_Static_assert(GFP_DMA == __GFP_DMA && GFP_DMA32 == __GFP_DMA32, "DMA");
_Static_assert(GFP_HIGHUSER == (GFP_USER | __GFP_HIGHMEM), "HIGHUSER");
_Static_assert(GFP_HIGHUSER_MOVABLE == (GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN),
	       "HIGHUSER_MOVABLE");
_Static_assert(GFP_TRANSHUGE_LIGHT == ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC |
					__GFP_NOWARN) & ~__GFP_RECLAIM), "TRANSHUGE_LIGHT");
_Static_assert(GFP_TRANSHUGE == (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM), "TRANSHUGE");

/* bit numbers the rest of the simulator relies on */
_Static_assert(___GFP_UNUSED_BIT == 9 && ___GFP_ZEROTAGS_BIT == 23, "bit numbering");
_Static_assert(GFP_ZONEMASK == 0xf, "zone bits are the low four");
_Static_assert(GFP_MOVABLE_MASK >> GFP_MOVABLE_SHIFT == 3, "mobility bits are 3 and 4");
_Static_assert(__GFP_MOVABLE >> GFP_MOVABLE_SHIFT == MIGRATE_MOVABLE &&
	       __GFP_RECLAIMABLE >> GFP_MOVABLE_SHIFT == MIGRATE_RECLAIMABLE,
	       "migratetype is read straight from the mobility bits");
_Static_assert(ALLOC_WMARK_MASK == 3, "two watermark bits");

/* ---- Name table ---- */

#define GFPN_PRINTED	0x1u	/* show_gfp_flags() knows this name */

struct gfp_name {
	const char *name;
	uint8_t len;		/* strlen(name) */
	uint8_t flags;		/* GFPN_* */
	gfp_t value;
};

#define GFP_X_NAME_COMPOSITE(n) { #n, sizeof(#n) - 1, GFPN_PRINTED, (gfp_t)(n) },
#define GFP_X_NAME_BIT(n) \
	{ "__GFP_" #n, sizeof("__GFP_" #n) - 1, GFPN_PRINTED, (gfp_t)__GFP_##n },
#define GFP_X_NAME_HOLE(n)
#define GFP_X_NAME_HIDDEN(n) \
	{ "__GFP_" #n, sizeof("__GFP_" #n) - 1, 0, (gfp_t)__GFP_##n },
#define GFP_X_NAME_OFF(n)	{ "__GFP_" #n, sizeof("__GFP_" #n) - 1, 0, 0 },
#define GFP_X_NAME(kind, n, v)	GFP_X_NAME_##kind(n)

static const struct gfp_name gfp_names[] = {
	GFP_FLAG_TABLE(GFP_X_NAME)
};

#define GFP_NR_NAMES	ARRAY_SIZE(gfp_names)

size_t gfp_nr_names(void)
{
	return GFP_NR_NAMES;
}

const char *gfp_name_at(size_t i, gfp_t *value)
{
	if (i >= GFP_NR_NAMES)
		return NULL;
	if (value)
		*value = gfp_names[i].value;
	return gfp_names[i].name;
}

bool gfp_lookup(const char *name, size_t len, gfp_t *value)
{
	for (size_t i = 0; i < GFP_NR_NAMES; i++) {
		const struct gfp_name *e = &gfp_names[i];

		if (e->len == len && memcmp(e->name, name, len) == 0) {
			if (value)
				*value = e->value;
			return true;
		}
	}
	return false;
}

/* ---- Bounded output (snprintf semantics without snprintf) ---- */

/* pos counts every byte offered, so it is the untruncated length. */
struct gfp_out {
	char *buf;
	size_t len;		/* size of buf, NUL included */
	size_t pos;
};

static void gfp_out_put(struct gfp_out *o, const char *s, size_t n)
{
	if (o->len && o->pos < o->len - 1) {
		size_t room = o->len - 1 - o->pos;

		memcpy(o->buf + o->pos, s, n < room ? n : room);
	}
	o->pos += n;
}

static void gfp_out_str(struct gfp_out *o, const char *s)
{
	gfp_out_put(o, s, strlen(s));
}

static void gfp_out_hex(struct gfp_out *o, uint32_t v)
{
	char tmp[2 + 8];
	size_t n = sizeof(tmp);

	do {		/* "%#x" for v > 0: lower case, no leading zeros */
		tmp[--n] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	tmp[--n] = 'x';
	tmp[--n] = '0';
	gfp_out_put(o, tmp + n, sizeof(tmp) - n);
}

/* NUL-terminate what fits; returns the full length */
static size_t gfp_out_end(struct gfp_out *o)
{
	if (o->len)
		o->buf[o->pos < o->len - 1 ? o->pos : o->len - 1] = '\0';
	return o->pos;
}

/* ---- Printing ---- */

size_t gfp_format(gfp_t gfp, char *buf, size_t len)
{
	struct gfp_out o = { buf, len, 0 };

	if (gfp == 0)
		gfp_out_str(&o, "none");
	for (size_t i = 0; i < GFP_NR_NAMES && gfp; i++) {
		const struct gfp_name *e = &gfp_names[i];

		if (!(e->flags & GFPN_PRINTED) || (gfp & e->value) != e->value)
			continue;
		if (o.pos)
			gfp_out_put(&o, "|", 1);
		gfp_out_put(&o, e->name, e->len);
		gfp &= ~e->value;
	}
	if (gfp) {		/* bits without a name, e.g. __GFP_NO_OBJ_EXT */
		if (o.pos)
			gfp_out_put(&o, "|", 1);
		gfp_out_hex(&o, gfp);
	}
	return gfp_out_end(&o);
}

/* ---- Suggestions for unknown names ---- */

#define GFP_SUGGEST_MAX		3	/* names offered in "did you mean" */
#define GFP_SUGGEST_TOKEN_MAX	48	/* longer tokens are not typos of a name */
#define GFP_SHOW_TOKEN_MAX	64	/* bytes of a bad token quoted in a message */

static char gfp_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/*
 * gfp_editdist - Levenshtein distance from @a to @b, ASCII case ignored
 * *@prefix receives the distance from @a to the closest prefix of @b, so
 * that a truncated name ("GFP_KERNEL" for GFP_KERNEL_ACCOUNT) scores well.
 * One row of the table at a time; @n <= GFP_NAME_MAX.  Once a whole row
 * exceeds @cut, both results are only known to exceed it (every later
 * cell is at least its row's minimum): @cut + 1 is returned for both.
 */
static unsigned gfp_editdist(const char *a, size_t m, const char *b, size_t n,
			     unsigned *prefix, unsigned cut)
{
	unsigned row[GFP_NAME_MAX + 1];
	unsigned best;

	for (size_t j = 0; j <= n; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= m; i++) {
		unsigned diag = row[0];	/* D[i-1][j-1] */
		unsigned low;

		row[0] = (unsigned)i;
		low = row[0];
		for (size_t j = 1; j <= n; j++) {
			unsigned up = row[j];	/* D[i-1][j] */
			unsigned d = diag + (gfp_upper(a[i - 1]) != gfp_upper(b[j - 1]));

			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			diag = up;
			row[j] = d;
			if (d < low)
				low = d;
		}
		if (low > cut) {
			*prefix = cut + 1;
			return cut + 1;
		}
	}
	best = row[0];
	for (size_t j = 1; j <= n; j++)
		if (row[j] < best)
			best = row[j];
	*prefix = best;
	return row[n];
}

/*
 * how far @tok is from @name; each shortcut taken costs one edit.  Exact
 * up to @limit; beyond it, only known to be more than @limit (a token of
 * garbage leaves every name after a few rows, not after all of them).
 */
static unsigned gfp_suggest_score(const char *tok, size_t m, const char *name, size_t n,
				  unsigned limit)
{
	unsigned pre, spre, full, sfull, s;
	size_t skip = 0;

	full = gfp_editdist(tok, m, name, n, &pre, limit);
	s = SIM_MIN(full, pre + 1);
	if (n > 6 && memcmp(name, "__GFP_", 6) == 0)
		skip = 6;
	else if (n > 4 && memcmp(name, "GFP_", 4) == 0)
		skip = 4;
	if (skip && limit) {
		/* a shortcut costs one edit: only a distance under @limit helps */
		sfull = gfp_editdist(tok, m, name + skip, n - skip, &spre, limit - 1);
		s = SIM_MIN(s, sfull + 1);
		s = SIM_MIN(s, spre + 2);
	}
	return s;
}

/* the edits a token of length @m may be away from a suggestion */
static unsigned gfp_suggest_limit(size_t m)
{
	return m <= 3 ? 1 : m <= 6 ? 2 : 3;
}

static void gfp_consider(const char *tok, size_t m, const char *name, size_t n,
			 const char **best, unsigned *score, size_t *nbest)
{
	unsigned s = gfp_suggest_score(tok, m, name, n, gfp_suggest_limit(m));
	size_t k;

	if (s > gfp_suggest_limit(m))
		return;
	/* insert after every entry scoring <= s: ties keep table order */
	for (k = *nbest; k > 0 && score[k - 1] > s; k--)
		if (k < GFP_SUGGEST_MAX) {
			best[k] = best[k - 1];
			score[k] = score[k - 1];
		}
	if (k < GFP_SUGGEST_MAX) {
		best[k] = name;
		score[k] = s;
		if (*nbest < GFP_SUGGEST_MAX)
			(*nbest)++;
	}
}

/* ---- Parsing ---- */

static bool gfp_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void gfp_out_quoted(struct gfp_out *o, const char *s, size_t n)
{
	gfp_out_put(o, "'", 1);
	if (n > GFP_SHOW_TOKEN_MAX) {
		gfp_out_put(o, s, GFP_SHOW_TOKEN_MAX);
		gfp_out_str(o, "...");
	} else {
		gfp_out_put(o, s, n);
	}
	gfp_out_put(o, "'", 1);
}

/* one message: "@what 'TOKEN'@tail" */
static void gfp_error(char *err, size_t errlen, const char *what,
		      const char *tok, size_t n, const char *tail)
{
	struct gfp_out o = { err, errlen, 0 };

	gfp_out_str(&o, what);
	gfp_out_put(&o, " ", 1);
	gfp_out_quoted(&o, tok, n);
	gfp_out_str(&o, tail);
	gfp_out_end(&o);
}

static void gfp_unknown(const char *tok, size_t m, char *err, size_t errlen)
{
	struct gfp_out o = { err, errlen, 0 };
	const char *best[GFP_SUGGEST_MAX];
	unsigned score[GFP_SUGGEST_MAX];
	size_t nbest = 0;

	if (!errlen)
		return;
	if (m <= GFP_SUGGEST_TOKEN_MAX) {
		for (size_t i = 0; i < GFP_NR_NAMES; i++)
			gfp_consider(tok, m, gfp_names[i].name, gfp_names[i].len,
				     best, score, &nbest);
		gfp_consider(tok, m, "none", 4, best, score, &nbest);
	}
	gfp_out_str(&o, "unknown GFP flag ");
	gfp_out_quoted(&o, tok, m);
	for (size_t k = 0; k < nbest; k++) {
		gfp_out_str(&o, k ? ", " : " (did you mean ");
		gfp_out_str(&o, best[k]);
	}
	if (nbest)
		gfp_out_str(&o, "?)");
	gfp_out_end(&o);
}

/* decimal or 0x-hex, no sign, no octal; SIM_ERR if not a number or > 32 bits */
static int gfp_number(const char *s, size_t n, gfp_t *v, char *err, size_t errlen)
{
	uint64_t acc = 0;
	size_t i = 0;
	unsigned base = 10;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < n; i++) {
		char c = gfp_upper(s[i]);
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			goto bad;
		acc = acc * base + d;
		if (acc > UINT32_MAX) {
			gfp_error(err, errlen, "GFP value", s, n, " does not fit in 32 bits");
			return SIM_ERR;
		}
	}
	*v = (gfp_t)acc;
	return SIM_OK;
bad:
	gfp_error(err, errlen, "bad number", s, n, " in GFP flags");
	return SIM_ERR;
}

int gfp_parse(const char *s, size_t len, gfp_t *out, char *err, size_t errlen)
{
	gfp_t acc = 0;
	size_t pos = 0;

	if (err && errlen)
		err[0] = '\0';
	else
		errlen = 0;
	if (!s)
		len = 0;
	for (;;) {
		size_t end = pos, b, e;
		gfp_t v;

		while (end < len && s[end] != '|')
			end++;
		for (b = pos; b < end && gfp_is_blank(s[b]); b++)
			;
		for (e = end; e > b && gfp_is_blank(s[e - 1]); e--)
			;
		if (b == e) {
			if (pos == 0 && end == len) {
				struct gfp_out o = { err, errlen, 0 };

				gfp_out_str(&o, "empty GFP flags");
				gfp_out_end(&o);
			} else {
				gfp_error(err, errlen, "empty item in GFP flags", s, len, "");
			}
			return SIM_ERR;
		}
		if (s[b] >= '0' && s[b] <= '9') {
			if (gfp_number(s + b, e - b, &v, err, errlen) != SIM_OK)
				return SIM_ERR;
		} else if (e - b == 4 && memcmp(s + b, "none", 4) == 0) {
			v = 0;
		} else if (!gfp_lookup(s + b, e - b, &v)) {
			gfp_unknown(s + b, e - b, err, errlen);
			return SIM_ERR;
		}
		acc |= v;
		if (end == len)
			break;
		pos = end + 1;
	}
	*out = acc;
	return SIM_OK;
}

/* ---- What a mask means ---- */

/*
 * Highest usable zone for each combination of the four zone bits on x86_64
 * without CONFIG_HIGHMEM (§1.8).  HIGHMEM alone folds to Normal; MOVABLE
 * only reaches ZONE_MOVABLE together with HIGHMEM (GFP_HIGHUSER_MOVABLE);
 * MOVABLE with DMA or DMA32 stays in that zone.  Two of DMA, DMA32 and
 * HIGHMEM together make no sense: the kernel's GFP_ZONE_BAD (-1 here).
 */
static const signed char gfp_zone_table[GFP_ZONEMASK + 1] = {
	[0]					= ZONE_NORMAL,
	[__GFP_DMA]				= ZONE_DMA,
	[__GFP_HIGHMEM]				= ZONE_NORMAL,
	[__GFP_DMA | __GFP_HIGHMEM]		= -1,
	[__GFP_DMA32]				= ZONE_DMA32,
	[__GFP_DMA | __GFP_DMA32]		= -1,
	[__GFP_DMA32 | __GFP_HIGHMEM]		= -1,
	[__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM] = -1,
	[__GFP_MOVABLE]				= ZONE_NORMAL,
	[__GFP_MOVABLE | __GFP_DMA]		= ZONE_DMA,
	[__GFP_MOVABLE | __GFP_HIGHMEM]		= ZONE_MOVABLE,
	[__GFP_MOVABLE | __GFP_HIGHMEM | __GFP_DMA] = -1,
	[__GFP_MOVABLE | __GFP_DMA32]		= ZONE_DMA32,
	[__GFP_MOVABLE | __GFP_DMA32 | __GFP_DMA] = -1,
	[__GFP_MOVABLE | __GFP_DMA32 | __GFP_HIGHMEM] = -1,
	[GFP_ZONEMASK]				= -1,
};

int gfp_zone(gfp_t gfp)
{
	return gfp_zone_table[gfp & GFP_ZONEMASK];
}

int gfp_migratetype(gfp_t gfp)
{
	unsigned mt = (gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT;

	return mt == 3 ? -1 : (int)mt;	/* both hints: the kernel warns */
}

bool gfp_allows_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

bool gfp_compaction_allowed(gfp_t gfp)
{
	return gfp & __GFP_IO;
}

unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order, bool rt_task_in_task_ctx)
{
	/* the slow path starts at the min watermark, inside the cpuset */
	unsigned flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	/* __GFP_HIGH is ALLOC_MIN_RESERVE, __GFP_KSWAPD_RECLAIM is ALLOC_KSWAPD */
	flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);

	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		/* cannot reclaim: may dig deeper, unless reserves are forbidden */
		if (!(gfp & __GFP_NOMEMALLOC)) {
			flags |= ALLOC_NON_BLOCK;
			/* highatomic blocks only for __GFP_HIGH (fixed in 6.14) */
			if (order > 0 && (flags & ALLOC_MIN_RESERVE))
				flags |= ALLOC_HIGHATOMIC;
		}
		/* atomic __GFP_HIGH would rather break cpusets than fail */
		if (flags & ALLOC_MIN_RESERVE)
			flags &= ~ALLOC_CPUSET;
	} else if (rt_task_in_task_ctx) {
		flags |= ALLOC_MIN_RESERVE;	/* RT/DL tasks get __GFP_HIGH's share */
	}
	/* no CONFIG_CMA: no ALLOC_CMA; defrag_mode off: no ALLOC_NOFRAGMENT */
	return flags;
}

unsigned gfp_pfmemalloc_flags(gfp_t gfp, bool pf_memalloc, bool in_interrupt,
			      bool in_serving_softirq, bool oom_victim)
{
	if (gfp & __GFP_NOMEMALLOC)
		return GFP_RESERVE_NONE;
	if (gfp & __GFP_MEMALLOC)
		return GFP_RESERVE_NO_WATERMARKS;
	/* a softirq running on a reclaimer's stack may help it finish */
	if (in_serving_softirq && pf_memalloc)
		return GFP_RESERVE_NO_WATERMARKS;
	if (!in_interrupt) {
		if (pf_memalloc)
			return GFP_RESERVE_NO_WATERMARKS;
		if (oom_victim)	/* with an MMU the oom reaper backs this up */
			return GFP_RESERVE_OOM;
	}
	return GFP_RESERVE_NONE;
}

unsigned gfp_reserve_alloc_flags(unsigned alloc_flags, unsigned reserve)
{
	if (!reserve)
		return alloc_flags;
	/* the reserve replaces watermark, reserve and cpuset bits */
	return reserve | (alloc_flags & ALLOC_KSWAPD);
}

gfp_t gfp_current_context(gfp_t gfp, bool noio_scope, bool nofs_scope)
{
	if (noio_scope)
		gfp &= ~(gfp_t)(__GFP_IO | __GFP_FS);
	else if (nofs_scope)
		gfp &= ~(gfp_t)__GFP_FS;
	return gfp;
}

/* ---- The public API for the bindings (sim.h) ---- */

int sim_gfp_parse(const char *s, size_t len, gfp_t *out, char *err,
		  size_t errlen)
{
	return gfp_parse(s, len, out, err, errlen) == 0 ? SIM_OK : SIM_EINVAL;
}

size_t sim_gfp_format(gfp_t gfp, char *buf, size_t len)
{
	return gfp_format(gfp, buf, len);
}

const char *sim_gfp_name_at(size_t i, gfp_t *value)
{
	return gfp_name_at(i, value);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gfp.h - GFP flags, alloc flags and their names (Linux 6.18)
 *
 * Glossary (the kernel's own words):
 *   gfp         "get free pages" flags: what an allocation may do (sleep,
 *               reclaim, do I/O, call the filesystem), where it may come from
 *               (zone modifiers) and how mobile it is (migratetype hints)
 *   composite   a named combination such as GFP_KERNEL; most callers start
 *               from one and add or remove single __GFP_* bits
 *   alloc flags ALLOC_*: the page allocator's private translation of a gfp
 *               mask into "which watermark, which reserves" (mm/internal.h)
 *   reserve     memory below the min watermark; reachable only with
 *               ALLOC_RESERVES bits, or all of it with ALLOC_NO_WATERMARKS
 *
 * Every GFP name lives in one X-macro table, GFP_FLAG_TABLE below.  It
 * generates the bit numbers, the __GFP_* and GFP_* constants, and (in gfp.c)
 * the name list used for parsing, printing and the Lua table kmemsim.GFP, so
 * a name can never be known to one of them and missing from another.
 */
#ifndef SIM_GFP_H
#define SIM_GFP_H

#include "simdefs.h"

/* ---- The flag table ---- */

/*
 * GFP_FLAG_TABLE(X) - every GFP name, in the order tracepoints try them
 *
 * Rows are X(kind, NAME, value).  Kinds:
 *   COMPOSITE  a named combination; NAME is the full identifier and value its
 *              bits.  Values are spelled out in single bits because an enum
 *              constant cannot name a later one, and the print order below
 *              is not the order in which the kernel builds composites from
 *              each other (gfp.c checks the kernel's own definitions, e.g.
 *              GFP_KERNEL_ACCOUNT == GFP_KERNEL | __GFP_ACCOUNT).
 *   BIT        a bit named __GFP_NAME; its bit number is its rank among the
 *              BIT, HOLE and HIDDEN rows, exactly as the kernel numbers
 *              ___GFP_*_BIT by position in an enum (gfp_types.h).
 *   HOLE       a numbered bit without a name (bit 9, the old __GFP_ATOMIC).
 *   HIDDEN     a real bit that show_gfp_flags() has no name for, so the kernel
 *              prints it as leftover hex (__GFP_NO_OBJ_EXT, see below).
 *   OFF        a bit configured out: the name exists and is 0, it takes no
 *              bit number and is never printed.
 *
 * Order: the composites, then __GFP_RECLAIM, then the single bits, is the
 * order of __def_gfpflag_names in include/trace/events/mmflags.h (6.18):
 * show_gfp_flags() prints the first entry whose bits are all set, clears
 * them and goes on, so GFP_TRANSHUGE must be tried before GFP_TRANSHUGE_LIGHT,
 * GFP_KERNEL_ACCOUNT before GFP_KERNEL, GFP_ATOMIC before GFP_NOWAIT.  In
 * 6.18 the single bits are listed in bit order (the same TRACE_GFP_FLAGS
 * list that numbers them), which the real trace confirms: "GFP_NOFS|
 * __GFP_MOVABLE|__GFP_ZERO|__GFP_NOFAIL|__GFP_HARDWALL|__GFP_ACCOUNT".
 *
 * Configuration of the simulated kernel (default x86_64 build):
 *   CONFIG_KASAN_HW_TAGS is arm64-only, so __GFP_SKIP_ZERO and
 *   __GFP_SKIP_KASAN are 0 (and GFP_HIGHUSER_MOVABLE carries no extra bit);
 *   CONFIG_LOCKDEP is off, so __GFP_NOLOCKDEP is 0;
 *   CONFIG_MEMCG=y selects CONFIG_SLAB_OBJ_EXT, so __GFP_NO_OBJ_EXT is a
 *   real bit.  With the two config blocks before it empty, it is bit 24
 *   (0x1000000) and ___GFP_LAST_BIT is 25; a BTF dump of an x86_64 kernel
 *   of this era shows the same numbering.  mmflags.h has no entry for it,
 *   so a trace prints it as "0x1000000".
 *
 * GFP_NOWAIT is __GFP_KSWAPD_RECLAIM | __GFP_NOWARN since the 6.18 cycle
 * (before: __GFP_KSWAPD_RECLAIM alone).  The real 6.18 trace agrees: it has
 * 510 "GFP_ATOMIC|__GFP_NOWARN" lines but not one "GFP_NOWAIT|__GFP_NOWARN"
 * among ~28,000 GFP_NOWAIT lines, although "GFP_NOWAIT | __GFP_NOWARN" was a
 * common idiom; with the old value those callers would print exactly that.
 * Strings round-trip under either value, so this is the decisive evidence.
 */
#define GFP_FLAG_TABLE(X) \
	X(COMPOSITE, GFP_TRANSHUGE,        /* GFP_TRANSHUGE_LIGHT | DIRECT_RECLAIM */ \
	  __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_IO | __GFP_FS | __GFP_HARDWALL | \
	  __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN | __GFP_SKIP_KASAN | \
	  __GFP_DIRECT_RECLAIM) \
	X(COMPOSITE, GFP_TRANSHUGE_LIGHT,  /* (HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NOWARN) & ~RECLAIM */ \
	  __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_IO | __GFP_FS | __GFP_HARDWALL | \
	  __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN | __GFP_SKIP_KASAN) \
	X(COMPOSITE, GFP_HIGHUSER_MOVABLE, /* GFP_HIGHUSER | MOVABLE | SKIP_KASAN */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS | \
	  __GFP_HARDWALL | __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_SKIP_KASAN) \
	X(COMPOSITE, GFP_HIGHUSER,         /* GFP_USER | HIGHMEM */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS | \
	  __GFP_HARDWALL | __GFP_HIGHMEM) \
	X(COMPOSITE, GFP_USER,             /* may sleep, I/O, FS; obeys cpusets */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS | \
	  __GFP_HARDWALL) \
	X(COMPOSITE, GFP_KERNEL_ACCOUNT,   /* GFP_KERNEL | ACCOUNT */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS | \
	  __GFP_ACCOUNT) \
	X(COMPOSITE, GFP_KERNEL,           /* the normal kernel allocation */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS) \
	X(COMPOSITE, GFP_NOFS,             /* reclaim and I/O, no FS recursion */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO) \
	X(COMPOSITE, GFP_ATOMIC,           /* no sleeping; dips into reserves */ \
	  __GFP_HIGH | __GFP_KSWAPD_RECLAIM) \
	X(COMPOSITE, GFP_NOIO,             /* reclaim without starting I/O */ \
	  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM) \
	X(COMPOSITE, GFP_NOWAIT,           /* no sleeping, no reserves, no warning */ \
	  __GFP_KSWAPD_RECLAIM | __GFP_NOWARN) \
	X(COMPOSITE, GFP_DMA,              __GFP_DMA) \
	X(COMPOSITE, GFP_DMA32,            __GFP_DMA32) \
	X(COMPOSITE, __GFP_RECLAIM,        __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM) \
	X(BIT,    DMA,            -)	/*  0 zone modifier: ZONE_DMA */ \
	X(BIT,    HIGHMEM,        -)	/*  1 zone modifier: highmem (Normal here) */ \
	X(BIT,    DMA32,          -)	/*  2 zone modifier: ZONE_DMA32 */ \
	X(BIT,    MOVABLE,        -)	/*  3 movable; ZONE_MOVABLE with HIGHMEM */ \
	X(BIT,    RECLAIMABLE,    -)	/*  4 reclaimable slab (shrinkers) */ \
	X(BIT,    HIGH,           -)	/*  5 may use half the min reserve */ \
	X(BIT,    IO,             -)	/*  6 reclaim may start physical I/O */ \
	X(BIT,    FS,             -)	/*  7 reclaim may call into filesystems */ \
	X(BIT,    ZERO,           -)	/*  8 return zeroed memory */ \
	X(HOLE,   UNUSED,         -)	/*  9 unused since 6.3 (was __GFP_ATOMIC) */ \
	X(BIT,    DIRECT_RECLAIM, -)	/* 10 may sleep in direct reclaim */ \
	X(BIT,    KSWAPD_RECLAIM, -)	/* 11 wake kswapd below the low mark */ \
	X(BIT,    WRITE,          -)	/* 12 page will be dirtied */ \
	X(BIT,    NOWARN,         -)	/* 13 no allocation failure report */ \
	X(BIT,    RETRY_MAYFAIL,  -)	/* 14 retry hard, never OOM-kill */ \
	X(BIT,    NOFAIL,         -)	/* 15 never fail */ \
	X(BIT,    NORETRY,        -)	/* 16 one light attempt, no OOM */ \
	X(BIT,    MEMALLOC,       -)	/* 17 ignore watermarks */ \
	X(BIT,    COMP,           -)	/* 18 compound page metadata */ \
	X(BIT,    NOMEMALLOC,     -)	/* 19 never use reserves (beats MEMALLOC) */ \
	X(BIT,    HARDWALL,       -)	/* 20 enforce cpuset policy */ \
	X(BIT,    THISNODE,       -)	/* 21 this node only, no fallback */ \
	X(BIT,    ACCOUNT,        -)	/* 22 charge to kmemcg */ \
	X(BIT,    ZEROTAGS,       -)	/* 23 zero MTE tags with the memory */ \
	X(OFF,    SKIP_ZERO,      -)	/* CONFIG_KASAN_HW_TAGS only */ \
	X(OFF,    SKIP_KASAN,     -)	/* CONFIG_KASAN_HW_TAGS only */ \
	X(OFF,    NOLOCKDEP,      -)	/* CONFIG_LOCKDEP only */ \
	X(HIDDEN, NO_OBJ_EXT,     -)	/* 24 CONFIG_SLAB_OBJ_EXT: no obj_exts vector */

/* ---- Generated constants ---- */

/* Bit numbers: ___GFP_DMA_BIT == 0 ... ___GFP_NO_OBJ_EXT_BIT == 24. */
#define GFP_X_BITNR_COMPOSITE(n)
#define GFP_X_BITNR_BIT(n)	___GFP_##n##_BIT,
#define GFP_X_BITNR_HOLE(n)	___GFP_##n##_BIT,
#define GFP_X_BITNR_HIDDEN(n)	___GFP_##n##_BIT,
#define GFP_X_BITNR_OFF(n)
#define GFP_X_BITNR(kind, n, v)	GFP_X_BITNR_##kind(n)
enum gfp_bit_nr {
	GFP_FLAG_TABLE(GFP_X_BITNR)
	___GFP_LAST_BIT		/* number of bits in use: __GFP_BITS_SHIFT */
};

/*
 * Values: single bits (__GFP_DMA == 0x1 ...) then composites (GFP_KERNEL ==
 * 0xcc0 ...), in one enum so that comparing any two is warning-free.  They
 * are int constants and convert freely to gfp_t.
 */
#define GFP_X_BITVAL_COMPOSITE(n)
#define GFP_X_BITVAL_BIT(n)	__GFP_##n = 1 << ___GFP_##n##_BIT,
#define GFP_X_BITVAL_HOLE(n)
#define GFP_X_BITVAL_HIDDEN(n)	__GFP_##n = 1 << ___GFP_##n##_BIT,
#define GFP_X_BITVAL_OFF(n)	__GFP_##n = 0,
#define GFP_X_BITVAL(kind, n, v) GFP_X_BITVAL_##kind(n)
#define GFP_X_COMPVAL_COMPOSITE(n, v) n = (v),
#define GFP_X_COMPVAL_BIT(n, v)
#define GFP_X_COMPVAL_HOLE(n, v)
#define GFP_X_COMPVAL_HIDDEN(n, v)
#define GFP_X_COMPVAL_OFF(n, v)
#define GFP_X_COMPVAL(kind, n, v) GFP_X_COMPVAL_##kind(n, v)
enum gfp_value {
	GFP_FLAG_TABLE(GFP_X_BITVAL)
	GFP_FLAG_TABLE(GFP_X_COMPVAL)
};

/* ---- Masks ---- */

#define __GFP_BITS_SHIFT	___GFP_LAST_BIT
#define __GFP_BITS_MASK		((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))
#define GFP_ZONEMASK		(__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK	(__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT	3	/* migratetype == (gfp & GFP_MOVABLE_MASK) >> 3 */

/* ---- Alloc flags (mm/internal.h) ---- */

/*
 * The low two bits select the watermark (an index into zone->_watermark);
 * the others grant reserves or restrict placement.  ALLOC_MIN_RESERVE and
 * ALLOC_KSWAPD share their bit with __GFP_HIGH and __GFP_KSWAPD_RECLAIM so
 * that gfp_to_alloc_flags() can copy both with one mask.
 */
#define ALLOC_WMARK_MIN		0x00u	/* WMARK_MIN: the slow path */
#define ALLOC_WMARK_LOW		0x01u	/* WMARK_LOW: the fast path */
#define ALLOC_WMARK_HIGH	0x02u	/* WMARK_HIGH: the pre-OOM attempt */
#define ALLOC_NO_WATERMARKS	0x04u	/* skip the watermark check entirely */
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08u	/* OOM victim: half of what is left (MMU) */
#define ALLOC_NON_BLOCK		0x10u	/* cannot block: a quarter more of min */
#define ALLOC_MIN_RESERVE	0x20u	/* __GFP_HIGH or RT task: half of min */
#define ALLOC_CPUSET		0x40u	/* check cpuset mems_allowed */
#define ALLOC_CMA		0x80u	/* may use CMA pageblocks (no CMA here) */
#define ALLOC_NOFRAGMENT	0x100u	/* avoid mixing pageblock types (DMA32 exists) */
#define ALLOC_HIGHATOMIC	0x200u	/* may use MIGRATE_HIGHATOMIC blocks */
#define ALLOC_TRYLOCK		0x400u	/* only spin_trylock (alloc_pages_nolock) */
#define ALLOC_KSWAPD		0x800u	/* may wake kswapd */
/* the flags that allow an allocation below the min watermark */
#define ALLOC_RESERVES \
	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

_Static_assert(ALLOC_MIN_RESERVE == (unsigned)__GFP_HIGH,
	       "gfp_to_alloc_flags copies __GFP_HIGH as ALLOC_MIN_RESERVE");
_Static_assert(ALLOC_KSWAPD == (unsigned)__GFP_KSWAPD_RECLAIM,
	       "gfp_to_alloc_flags copies __GFP_KSWAPD_RECLAIM as ALLOC_KSWAPD");
_Static_assert(___GFP_LAST_BIT == 25, "x86_64 default config uses 25 GFP bits");

/*
 * enum gfp_ctx_reserve - what __gfp_pfmemalloc_flags() grants
 * The values are alloc flags, so a result can be used as one directly.
 */
enum gfp_ctx_reserve {
	GFP_RESERVE_NONE = 0,				/* ordinary watermarks */
	GFP_RESERVE_NO_WATERMARKS = ALLOC_NO_WATERMARKS,/* all of the reserves */
	GFP_RESERVE_OOM = ALLOC_OOM,			/* OOM victim's share */
};

/* ---- Prototypes ---- */

/**
 * gfp_parse - read a GFP mask written the way the kernel prints it
 * @s: the text, e.g. "GFP_KERNEL|__GFP_ZERO"; need not be NUL-terminated
 * @len: bytes of @s
 * @out: where the mask goes
 * @err: buffer for an error message (may be NULL if @errlen is 0)
 * @errlen: size of @err
 *
 * Accepts names (kernel spelling, case-sensitive) and numbers (decimal or
 * 0x-hex; no octal: leading zeros are decimal) joined by '|', with blanks
 * around each item; "none" is 0.  Any 32-bit value is accepted, including
 * bits the kernel has no name for.  Does not allocate.
 *
 * Return: 0 (SIM_OK) and *@out set; or -1 (SIM_ERR), *@out untouched and
 * @err holding a message such as
 *   unknown GFP flag 'GFP_KERNL' (did you mean GFP_KERNEL, GFP_KERNEL_ACCOUNT?)
 * (up to three suggestions, closest first by edit distance).
 */
int gfp_parse(const char *s, size_t len, gfp_t *out, char *err, size_t errlen);

/**
 * gfp_format - print a mask exactly as the kernel's tracepoints do
 * @gfp: the mask
 * @buf: output buffer (may be NULL if @len is 0)
 * @len: size of @buf
 *
 * show_gfp_flags(): every name of GFP_FLAG_TABLE that tracepoints know is
 * tried in table order; one whose bits are all still set is printed and its
 * bits cleared.  Names are joined with '|'; bits left over print as one
 * "0x%x" item; 0 prints "none".  The output is truncated to fit @len (always
 * NUL-terminated when @len > 0).
 *
 * Return: the length of the full text (snprintf-like; at most GFP_FORMAT_MAX - 1).
 */
size_t gfp_format(gfp_t gfp, char *buf, size_t len);

/**
 * gfp_lookup - the value of one exact name
 * @name: e.g. "GFP_KERNEL" or "__GFP_ZERO" (need not be NUL-terminated)
 * @len: bytes of @name
 * @value: set on success (may be NULL)
 * Return: true if @name is a GFP name; false and *@value untouched otherwise.
 */
bool gfp_lookup(const char *name, size_t len, gfp_t *value);

/**
 * gfp_zone - the highest zone a mask may use (gfp_zone(), §1.8)
 * @gfp: the mask; only the four zone modifier bits matter
 * Return: ZONE_DMA, ZONE_DMA32, ZONE_NORMAL or ZONE_MOVABLE; -1 for a
 * combination the kernel rejects (GFP_ZONE_BAD, a BUG with DEBUG_VM).
 */
int gfp_zone(gfp_t gfp);

/**
 * gfp_migratetype - the migratetype a mask allocates from (gfp_migratetype())
 * Return: MIGRATE_UNMOVABLE, MIGRATE_MOVABLE or MIGRATE_RECLAIMABLE; -1 when
 * both __GFP_MOVABLE and __GFP_RECLAIMABLE are set (a kernel VM_WARN).
 */
int gfp_migratetype(gfp_t gfp);

/** gfp_allows_blocking - __GFP_DIRECT_RECLAIM set (gfpflags_allow_blocking) */
bool gfp_allows_blocking(gfp_t gfp);

/**
 * gfp_compaction_allowed - may direct compaction run (gfp_compaction_allowed)
 * With CONFIG_COMPACTION: __GFP_IO is set.  The caller checks blocking.
 */
bool gfp_compaction_allowed(gfp_t gfp);

/**
 * gfp_to_alloc_flags - slow-path alloc flags of a request (§3.3)
 * @gfp: the mask
 * @order: the request's order
 * @rt_task_in_task_ctx: current is an RT or deadline task running in task
 *                       context (rt_or_dl_task(current) && in_task())
 *
 * Simulated config: no CONFIG_CMA (ALLOC_CMA never set), defrag_mode off
 * (ALLOC_NOFRAGMENT never set here).
 * Return: ALLOC_WMARK_MIN plus CPUSET, MIN_RESERVE, KSWAPD, NON_BLOCK and
 * HIGHATOMIC as the kernel computes them.
 */
unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order, bool rt_task_in_task_ctx);

/**
 * gfp_pfmemalloc_flags - reserve access from the context (__gfp_pfmemalloc_flags)
 * @gfp: the mask
 * @pf_memalloc: current has PF_MEMALLOC (reclaimer, kswapd)
 * @in_interrupt: in_interrupt(): hard or soft interrupt, or BH disabled
 * @in_serving_softirq: in_serving_softirq() (implies @in_interrupt)
 * @oom_victim: current was chosen by the OOM killer
 *
 * __GFP_NOMEMALLOC beats everything; __GFP_MEMALLOC, or PF_MEMALLOC in task
 * context or while serving a softirq, gives ALLOC_NO_WATERMARKS; an OOM
 * victim in task context gets ALLOC_OOM.
 * Return: a value of enum gfp_ctx_reserve (0, ALLOC_NO_WATERMARKS or ALLOC_OOM).
 */
unsigned gfp_pfmemalloc_flags(gfp_t gfp, bool pf_memalloc, bool in_interrupt,
			      bool in_serving_softirq, bool oom_victim);

/**
 * gfp_reserve_alloc_flags - alloc flags once reserves are granted (§3.3)
 * @alloc_flags: the flags from gfp_to_alloc_flags()
 * @reserve: a non-zero result of gfp_pfmemalloc_flags()
 * Return: @reserve replacing the watermark and reserve bits, keeping only
 * ALLOC_KSWAPD of @alloc_flags (no CMA in the simulated config).  With
 * @reserve == 0 returns @alloc_flags unchanged.
 */
unsigned gfp_reserve_alloc_flags(unsigned alloc_flags, unsigned reserve);

/**
 * gfp_current_context - apply scoped constraints (current_gfp_context)
 * @noio_scope: inside memalloc_noio_save(): removes __GFP_IO and __GFP_FS
 * @nofs_scope: inside memalloc_nofs_save(): removes __GFP_FS
 */
gfp_t gfp_current_context(gfp_t gfp, bool noio_scope, bool nofs_scope);

/**
 * gfp_nr_names, gfp_name_at - iterate over every GFP name
 *
 * The order is GFP_FLAG_TABLE's: the composites and __GFP_RECLAIM in the
 * kernel's print order, then the single bits by bit number, then the
 * configured-out bits (value 0) and __GFP_NO_OBJ_EXT.  The unnamed bit 9 is
 * not listed.  gfp_name_at() returns NULL (and leaves *@value) for
 * @i >= gfp_nr_names(); @value may be NULL.
 */
size_t gfp_nr_names(void);
const char *gfp_name_at(size_t i, gfp_t *value);

/* ---- Constants ---- */

/*
 * gfp_format() never needs more than this, NUL included: printed names
 * never repeat, so all names plus separators plus one hex item (580 bytes)
 * bound any output (checked in tests).  The longest real output is 300
 * bytes: every single bit but KSWAPD and FS, plus unnamed bits.
 */
#define GFP_FORMAT_MAX		640
/* bound on the length of a name (the longest, e.g. "GFP_HIGHUSER_MOVABLE", has 20) */
#define GFP_NAME_MAX		24

#endif /* SIM_GFP_H */

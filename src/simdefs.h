/* SPDX-License-Identifier: GPL-2.0-or-later */
/* simdefs.h - basic types, assertion levels and small helpers
 *
 * Glossary (the kernel's own words):
 *   pfn        page frame number of a simulated page (index, never a pointer)
 *   order      log2 of a block's size in pages; a block of order k is 2^k pages
 *   sim_addr_t a simulated kernel virtual address in the direct map
 *   gfp_t      "get free pages" flags, bit-compatible with Linux 6.18
 *   ns         virtual nanoseconds of the simulator clock (sim_time_t)
 *
 * Three assertion levels, as in mimalloc:
 *   SIM_BUG_ON(c)           always on: an engine invariant broke (our bug)
 *   SIM_ASSERT(c)           --enable-debug (SIM_DEBUG >= 1): cheap checks
 *   SIM_ASSERT_EXPENSIVE(c) --enable-debug=full (SIM_DEBUG >= 2): validators
 * A *simulated* kernel bug (double free, ...) is never an assertion: it is a
 * report recorded by sim_report_bug() and the run goes on.
 */
#ifndef SIM_SIMDEFS_H
#define SIM_SIMDEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simconf.h"

typedef uint64_t pfn_t;		/* page frame number */
typedef uint64_t sim_addr_t;	/* simulated kernel virtual address */
typedef uint32_t gfp_t;		/* GFP flags (include/linux/gfp_types.h) */
typedef uint64_t sim_time_t;	/* virtual nanoseconds */

/* Zone indices on x86_64 without HIGHMEM, in /proc/zoneinfo order (the order
 * of the "protection:" vector).  ZONE_DEVICE never has managed pages; it is
 * kept so that the kernel's five-column layouts come out right. */
enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	SIM_NR_ZONES
};

/* Migratetypes (include/linux/mmzone.h); no CMA, no ISOLATE in kmemsim. */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,	/* the number of types on pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_TYPES
};

#define SIM_PFN_NONE	((pfn_t)-1)
#define SIM_ADDR_NONE	((sim_addr_t)0)
/* kmalloc(0) returns ZERO_SIZE_PTR, (void *)16, in the kernel */
#define SIM_ZERO_SIZE_PTR ((sim_addr_t)16)

#define SIM_NSEC_PER_USEC UINT64_C(1000)
#define SIM_NSEC_PER_MSEC UINT64_C(1000000)
#define SIM_NSEC_PER_SEC  UINT64_C(1000000000)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SIM_ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define SIM_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define SIM_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define SIM_MIN(a, b)	((a) < (b) ? (a) : (b))
#define SIM_MAX(a, b)	((a) > (b) ? (a) : (b))
#define SIM_CLAMP(v, lo, hi) SIM_MIN(SIM_MAX((v), (lo)), (hi))

#if defined(__GNUC__)
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define sim_printf_like(f, a) __attribute__((format(printf, f, a)))
#else
#define likely(x)	(x)
#define unlikely(x)	(x)
#define sim_printf_like(f, a)
#endif
#define sim_noret _Noreturn void

/* ---- Assertions ---- */

sim_noret sim_panic(const char *file, int line, const char *func,
		    const char *cond);

#define SIM_BUG_ON(c) \
	do { if (unlikely(c)) sim_panic(__FILE__, __LINE__, __func__, #c); } while (0)

#ifndef SIM_DEBUG
#define SIM_DEBUG 0
#endif
#if SIM_DEBUG >= 1
#define SIM_ASSERT(c) SIM_BUG_ON(!(c))
#else
#define SIM_ASSERT(c) ((void)0)
#endif
#if SIM_DEBUG >= 2
#define SIM_ASSERT_EXPENSIVE(c) SIM_BUG_ON(!(c))
#else
#define SIM_ASSERT_EXPENSIVE(c) ((void)0)
#endif

/* ---- Small integer helpers (the kernel's fls/ilog2/get_order) ---- */

/* fls(x): position of the most significant set bit, 1-based; fls(0) == 0 */
static inline unsigned sim_fls(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

/* ilog2(x) for x > 0 */
static inline unsigned sim_ilog2(uint64_t x)
{
	return sim_fls(x) - 1u;
}

/* get_order(size): smallest order whose block holds size bytes (size > 0) */
static inline unsigned sim_get_order(uint64_t size)
{
	if (size <= SIM_PAGE_SIZE)
		return 0;
	return sim_fls((size - 1) >> SIM_PAGE_SHIFT);
}

static inline bool sim_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static inline uint64_t sim_rounddown_pow2(uint64_t x)
{
	return x ? UINT64_C(1) << sim_ilog2(x) : 0;
}

#endif /* SIM_SIMDEFS_H */

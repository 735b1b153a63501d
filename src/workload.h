/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workload.h - the workload engine's constants (the API is in sim.h)
 *
 * kmemsim.workload's per-operation Lua loop (lua/kmemsim/workload.lua)
 * reproduces the engine exactly, so every constant that shapes a result is
 * named here once and mirrored there under the same name; change both or
 * neither.
 */
#ifndef SIM_WORKLOAD_H
#define SIM_WORKLOAD_H

#include "sim.h"

/* an object that is never due (lifetime forever, phase-bound, or too long) */
#define WL_NEVER		((sim_time_t)INT64_MAX)
/* lifetimes at or above 2^62 ns (146 years) count as forever */
#define WL_LIFE_CAP		0x1p62

/* descriptions: bounds that keep arrays small and weights exact in a double */
#define WL_MAX_STREAMS		256
#define WL_MAX_TARGETS		64
#define WL_MAX_ENTRIES		4096	/* entries of a weighted or histogram size */
#define WL_MAX_SIZE		(UINT64_C(1) << 30)	/* larger requests are absurd */
#define WL_MAX_WEIGHT		(UINT64_C(1) << 53)	/* sum of one list's weights */
#define WL_MAX_SLOTS		(UINT64_C(1) << 24)
#define WL_MIN_RATE		1e-3	/* events per second: one per 1000 s */
#define WL_MAX_RATE		1e12	/* gaps under 1 ns round to 0: back to back */

/* failure reasons: distinct keys kept, and their length */
#define WL_MAX_REASONS		16
#define WL_REASON_LEN		127
#define WL_REASON_OTHER		"other"

/* the digest: FNV-1a's constants, applied to 64-bit words, not bytes */
#define WL_FNV_OFFSET		UINT64_C(0xcbf29ce484222325)
#define WL_FNV_PRIME		UINT64_C(0x100000001b3)
enum wl_digest_op {
	WL_OP_ALLOC = 1,	/* (1, address, requested bytes) */
	WL_OP_FAIL = 2,		/* (2, 0, requested bytes) */
	WL_OP_FREE = 3,		/* (3, address, requested bytes) */
};

/**
 * wl_reason_key - the key a failure reason is counted under
 * @reason: sim_last_reason() of the failed call
 * @key: at least WL_REASON_LEN + 1 bytes
 *
 * The reason up to the first ':' after the first '(' plus ")", so that
 * "order 0 unavailable in zone Normal (below min watermark: 12 free, ...)"
 * counts as "order 0 unavailable in zone Normal (below min watermark)";
 * then cut to WL_REASON_LEN bytes.
 */
void wl_reason_key(const char *reason, char *key);

#endif /* SIM_WORKLOAD_H */

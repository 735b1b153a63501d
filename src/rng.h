/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rng.h - the simulator's one source of randomness */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include "simdefs.h"

/* xoshiro256** state; never all zero (rng_seed guarantees it). */
struct rng {
	uint64_t s[4];
};

/** rng_seed - derive the state from @seed with splitmix64 (any seed is fine) */
void rng_seed(struct rng *r, uint64_t seed);

/* ---- Implemented inline: every simulated operation draws (issue 15) ---- */

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/** rng_next - the next 64 bits of xoshiro256** */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

/** rng_below - uniform integer in [0, n) without modulo bias; 0 if n == 0
 * (Lemire's multiply-and-reject) */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	unsigned __int128 m;
	uint64_t lo;

	if (n == 0)
		return 0;
	m = (unsigned __int128)rng_next(r) * n;
	lo = (uint64_t)m;
	if (lo < n) {
		uint64_t threshold = -n % n;	/* 2^64 mod n */

		while (lo < threshold) {
			m = (unsigned __int128)rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/** rng_double - uniform double in [0, 1) with 53 random bits */
double rng_double(struct rng *r);
/** rng_normal - normal deviate (Marsaglia's polar method) */
double rng_normal(struct rng *r, double mean, double stddev);
/** rng_exponential - exponential deviate with the given mean (> 0) */
double rng_exponential(struct rng *r, double mean);
/** rng_pareto - Pareto deviate with scale @xm > 0 and shape @alpha > 0 */
double rng_pareto(struct rng *r, double xm, double alpha);
/** rng_zipf - Zipf-distributed integer in [1, n] with exponent @s > 0 */
uint64_t rng_zipf(struct rng *r, uint64_t n, double s);

#endif /* SIM_RNG_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rng.c - deterministic pseudo-random numbers (xoshiro256**)
 *
 * Every random choice a simulation makes comes from here, seeded from the
 * scenario or --seed, so a run is a pure function of script, seed and
 * options.  The generator is xoshiro256** (Blackman and Vigna): 256 bits of
 * state, period 2^256 - 1, fast and statistically solid.  The state is seeded
 * through splitmix64 so that nearby seeds give unrelated streams.
 *
 * Distributions are computed with plain IEEE double arithmetic; the build
 * uses -ffp-contract=off so no fused multiply-add changes a last bit
 * between optimisation levels.  Integer draws are exact:
 *   rng_below  Lemire's multiply-and-reject, no modulo bias;
 *   rng_zipf   Hörmann and Derflinger's rejection-inversion, O(1) per draw
 *              whatever n is, so a zipf over a million objects costs what a
 *              zipf over ten does.
 */
#include "config.h"

#include <math.h>

#include "rng.h"
#include "sim.h"

static uint64_t rng_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = rng_splitmix64(&x);
	/* splitmix64 is a bijection on successive outputs: never all zero */
}

double rng_double(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double rng_normal(struct rng *r, double mean, double stddev)
{
	double u, v, s;

	/* polar method; the second deviate is dropped so that one draw always
	 * consumes a whole number of rejection rounds and nothing is cached */
	do {
		u = 2.0 * rng_double(r) - 1.0;
		v = 2.0 * rng_double(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return mean + stddev * u * sqrt(-2.0 * log(s) / s);
}

double rng_exponential(struct rng *r, double mean)
{
	/* 1 - U lies in (0, 1], so the log is finite */
	return -mean * log(1.0 - rng_double(r));
}

double rng_pareto(struct rng *r, double xm, double alpha)
{
	return xm / pow(1.0 - rng_double(r), 1.0 / alpha);
}

/* ---- Zipf by rejection-inversion ---- */

/* H(x) = integral of x^-s: (x^(1-s) - 1) / (1 - s), log(x) when s == 1 */
static double zipf_h_integral(double x, double s)
{
	double lx = log(x);
	double t = (1.0 - s) * lx;

	/* expm1(t)/t -> 1 as t -> 0 keeps s near 1 accurate */
	return fabs(t) > 1e-8 ? expm1(t) / (1.0 - s) : lx * (1.0 + t / 2.0);
}

static double zipf_h(double x, double s)
{
	return exp(-s * log(x));
}

static double zipf_h_integral_inv(double y, double s)
{
	double t = y * (1.0 - s);

	if (t < -1.0)
		t = -1.0;	/* rounding guard */
	return exp(fabs(t) > 1e-8 ? log1p(t) / (1.0 - s) : y * (1.0 - t / 2.0));
}

uint64_t rng_zipf(struct rng *r, uint64_t n, double s)
{
	double hx1, hn, shift;

	if (n <= 1)
		return 1;
	hx1 = zipf_h_integral(1.5, s) - 1.0;
	hn = zipf_h_integral((double)n + 0.5, s);
	shift = 2.0 - zipf_h_integral_inv(zipf_h_integral(2.5, s) -
					  zipf_h(2.0, s), s);
	for (;;) {
		double u = hn + rng_double(r) * (hx1 - hn);
		double x = zipf_h_integral_inv(u, s);
		double kd = floor(x + 0.5);
		uint64_t k;

		if (kd < 1.0)
			kd = 1.0;
		else if (kd > (double)n)
			kd = (double)n;
		k = (uint64_t)kd;
		if (kd - x <= shift ||
		    u >= zipf_h_integral(kd + 0.5, s) - zipf_h(kd, s))
			return k;
	}
}

/* ---- The public standalone stream (sim.h) ---- */

size_t sim_rng_size(void)
{
	return sizeof(struct rng);
}

void sim_rng_seed(void *state, uint64_t seed)
{
	rng_seed(state, seed);
}

uint64_t sim_rng_next(void *state)
{
	return rng_next(state);
}

uint64_t sim_rng_below(void *state, uint64_t n)
{
	return rng_below(state, n);
}

double sim_rng_double(void *state)
{
	return rng_double(state);
}

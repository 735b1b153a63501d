/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_page_alloc.c - page allocator throughput, memory and start-up cost
 *
 * Usage: bench_page_alloc [PAIRS]      (default 2,000,000 per measurement)
 *
 * Measures, on the host's wall clock:
 *   - alloc_pages/free_pages pairs per second at order 0 and at mixed
 *     orders (0..10, mostly small), for 256 MiB and 64 GiB of simulated
 *     RAM.  Each pair frees a random block of a live working set and
 *     allocates a replacement, so the allocator sees churn rather than one
 *     hot page.  The 64G/256M ratio shows whether per-operation cost grows
 *     with RAM (it should stay near 1);
 *   - glibc malloc/free of 4 KiB blocks with the same pattern, as the
 *     baseline, and the simulator's cost as a multiple of it;
 *   - host bytes per simulated page (page metadata and pageblock arrays);
 *   - start-up (sim_new + first allocation) and teardown of 64 GiB.
 * The best of three rounds is reported.  This is a benchmark, not a test:
 * it uses the wall clock and prints.
 */
#define _GNU_SOURCE	/* sched_setaffinity(), CPU_SET(): bench.h */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gfp.h"
#include "page.h"
#include "bench.h"
#include "sim.h"

#define LIVE	1024	/* order-0 blocks kept allocated while churning */
#define LIVE_MIXED 256	/* mixed-order blocks (about 40 pages each on average) */
#define ROUNDS	3

static double bench_now(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

/* xorshift64*: the benchmark's own randomness, independent of the sim */
static uint64_t bench_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* mostly small orders, as kernel traffic is; sometimes up to MAX_ORDER */
static int bench_order(uint64_t *s, bool mixed)
{
	static const int orders[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3,
				      4, 5, 6, 7, 8, 9, 10, 0 };

	return mixed ? orders[bench_rand(s) % 21] : 0;
}

static struct sim *bench_sim(uint64_t ram, char *err, size_t errlen)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.ram_bytes = ram;
	cfg.cpus = 2;
	return sim_new(&cfg, err, errlen);
}

/* pairs/s of free-random + alloc-replacement on a live set; *@failed is
 * the fraction of allocations that failed (watermarks) in the last round */
static double bench_pairs(uint64_t ram, bool mixed, long pairs, double *failed)
{
	int live = mixed ? LIVE_MIXED : LIVE;
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		char err[256];
		struct sim *sim = bench_sim(ram, err, sizeof err);
		pfn_t pfn[LIVE];
		int ord[LIVE];
		uint64_t seed = 0x9e3779b97f4a7c15u + (uint64_t)r;
		long fails = 0;
		double t0, dt;

		if (!sim) {
			fprintf(stderr, "bench_page_alloc: %s\n", err);
			exit(1);
		}
		for (int i = 0; i < live; i++) {
			ord[i] = bench_order(&seed, mixed);
			if (sim_alloc_pages(sim, ord[i], GFP_KERNEL, &pfn[i]) != SIM_OK)
				ord[i] = -1;
		}
		t0 = bench_now();
		for (long n = 0; n < pairs; n++) {
			int k = (int)(bench_rand(&seed) % (uint64_t)live);

			if (ord[k] >= 0)
				sim_free_pages(sim, pfn[k], ord[k]);
			ord[k] = bench_order(&seed, mixed);
			/* alternate CPUs, as two tasks would */
			sim_set_cpu(sim, (unsigned)(n & 1));
			if (sim_alloc_pages(sim, ord[k], GFP_KERNEL, &pfn[k]) != SIM_OK) {
				ord[k] = -1;
				fails++;
			}
		}
		dt = bench_now() - t0;
		*failed = (double)fails / (double)pairs;
		if (pairs / dt > best)
			best = pairs / dt;
		sim_free(sim);
	}
	return best;
}

static double bench_malloc(long pairs)
{
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		void *p[LIVE];
		uint64_t seed = 0x9e3779b97f4a7c15u + (uint64_t)r;
		volatile uintptr_t sink = 0;
		double t0, dt;

		for (int i = 0; i < LIVE; i++)
			p[i] = malloc(4096);
		t0 = bench_now();
		for (long n = 0; n < pairs; n++) {
			int k = (int)(bench_rand(&seed) % LIVE);

			free(p[k]);
			p[k] = malloc(4096);
			sink ^= (uintptr_t)p[k];
		}
		dt = bench_now() - t0;
		for (int i = 0; i < LIVE; i++)
			free(p[i]);
		(void)sink;
		if (pairs / dt > best)
			best = pairs / dt;
	}
	return best;
}

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 2000000;
	const uint64_t small = UINT64_C(256) << 20, large = UINT64_C(64) << 30;
	double s0, s1, m0, m1, base, t_new = 1e9, t_free = 1e9;
	double f_s0, f_s1, f_m0, f_m1;
	double per_page;

	if (pairs <= 0) {
		fprintf(stderr, "usage: %s [PAIRS]\n", argv[0]);
		return 2;
	}
	bench_pin_cpu();
	for (int r = 0; r < ROUNDS; r++) {
		char err[256];
		double t0 = bench_now(), t1, t2;
		struct sim *sim = bench_sim(large, err, sizeof err);
		pfn_t pfn;

		if (!sim || sim_alloc_pages(sim, 0, GFP_KERNEL, &pfn) != SIM_OK) {
			fprintf(stderr, "bench_page_alloc: 64G: %s\n", sim ? "alloc failed" : err);
			return 1;
		}
		t1 = bench_now();
		sim_free(sim);
		t2 = bench_now();
		if (t1 - t0 < t_new)
			t_new = t1 - t0;
		if (t2 - t1 < t_free)
			t_free = t2 - t1;
	}
	/* struct page per frame, plus two bytes per pageblock (type, zone) */
	per_page = (double)sizeof(struct page) + 2.0 / SIM_PAGEBLOCK_PAGES;

	s0 = bench_pairs(small, false, pairs, &f_s0);
	s1 = bench_pairs(large, false, pairs, &f_s1);
	m0 = bench_pairs(small, true, pairs, &f_m0);
	m1 = bench_pairs(large, true, pairs, &f_m1);
	base = bench_malloc(pairs);

	printf("alloc/free pairs per second (best of %d rounds, %ld pairs; live set %d order-0 or %d mixed blocks):\n",
	       ROUNDS, pairs, LIVE, LIVE_MIXED);
	printf("  order 0     256 MiB  %12.0f /s  %7.1f ns/pair  (%.1f%% failed)\n",
	       s0, 1e9 / s0, 100 * f_s0);
	printf("  order 0      64 GiB  %12.0f /s  %7.1f ns/pair  (%.1f%% failed; cost 64G/256M: %.2f)\n",
	       s1, 1e9 / s1, 100 * f_s1, s0 / s1);
	printf("  mixed 0..10 256 MiB  %12.0f /s  %7.1f ns/pair  (%.1f%% failed)\n",
	       m0, 1e9 / m0, 100 * f_m0);
	printf("  mixed 0..10  64 GiB  %12.0f /s  %7.1f ns/pair  (%.1f%% failed; cost 64G/256M: %.2f)\n",
	       m1, 1e9 / m1, 100 * f_m1, m0 / m1);
	printf("  glibc malloc/free 4 KiB %9.0f /s  %7.1f ns/pair  (baseline)\n",
	       base, 1e9 / base);
	printf("  simulator cost vs malloc: order 0 %.1fx, mixed %.1fx\n",
	       base / s0, base / m0);
	printf("host bytes per simulated page: %.3f (struct page %zu + pageblock bytes)\n",
	       per_page, sizeof(struct page));
	printf("64 GiB: start-up %.1f ms (sim_new + first allocation), teardown %.1f ms, metadata %.0f MiB\n",
	       t_new * 1e3, t_free * 1e3, per_page * (double)(large >> 12) / 1048576.0);
	return 0;
}

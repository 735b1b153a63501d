/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_slub.c - SLUB kmem_cache_alloc + kmem_cache_free pairs per second
 *
 * Two workloads, each run through the simulator's C API and, with the same
 * sizes and the same operation sequence, through glibc malloc/free in the
 * same process, so the ratio compares like with like on this host:
 *
 *   hot    one 64-byte cache, alloc then free at once: SLUB's fast path
 *          (c->freelist pop and push) every time
 *   mixed  eight caches (32 B .. 1 KiB), a working set of 64 Ki slots filled
 *          at random, operations spread over two CPUs so that half of the
 *          frees are remote: cpu slabs run dry, partial lists, new slabs
 *          and deactivations keep the slow path busy
 *
 * Target (issue 5): a simulated pair costs at most 2x a glibc pair.  This is
 * a benchmark, not a test: `make bench` prints the figures and the ratio.
 */
#define _GNU_SOURCE	/* sched_setaffinity(), CPU_SET(): bench.h */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gfp.h"
#include "bench.h"
#include "sim.h"
#include "slab.h"

#define HOT_PAIRS	20000000u
#define MIX_OPS		20000000u
#define MIX_SLOTS	65536u
#define NR_SIZES	8
#define ROUNDS		5

static const unsigned sizes[NR_SIZES] = { 32, 64, 96, 128, 192, 256, 512, 1024 };

static double now_sec(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

/* keep the compiler from eliding a malloc/free pair */
static inline void escape(void *p)
{
	__asm__ volatile("" : : "g"(p) : "memory");
}

/* the operation stream: xorshift, identical for both allocators */
struct op {
	uint32_t slot;
	uint8_t size_idx;
	uint8_t cpu;
};

static struct op *make_ops(unsigned n)
{
	struct op *ops = malloc(n * sizeof *ops);
	uint64_t x = 88172645463325252ull;

	if (!ops)
		abort();
	for (unsigned i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ops[i].slot = (uint32_t)(x % MIX_SLOTS);
		ops[i].size_idx = (uint8_t)((x >> 32) % NR_SIZES);
		ops[i].cpu = (uint8_t)((x >> 40) & 1);
	}
	return ops;
}

int main(void)
{
	struct sim_config cfg;
	struct sim *sim;
	struct kmem_cache *hot, *mix[NR_SIZES];
	struct op *ops = make_ops(MIX_OPS);
	sim_addr_t *sslot = calloc(MIX_SLOTS, sizeof *sslot);
	uint8_t *sidx = calloc(MIX_SLOTS, 1);
	void **gslot = calloc(MIX_SLOTS, sizeof *gslot);
	double t0, sim_hot, glibc_hot, sim_mix, glibc_mix;
	unsigned long sim_pairs = 0, glibc_pairs = 0;
	char err[256];

	if (!sslot || !sidx || !gslot)
		abort();
	bench_pin_cpu();
	sim_config_init(&cfg);
	cfg.ram_bytes = UINT64_C(1) << 30;
	cfg.cpus = 2;
	cfg.slab_nomerge = true;
	sim = sim_new(&cfg, err, sizeof err);
	if (!sim) {
		fprintf(stderr, "bench_slub: %s\n", err);
		return 1;
	}
	hot = kmem_cache_create(sim, "bench-hot", 64, NULL, 0);
	for (int i = 0; i < NR_SIZES; i++) {
		char name[32];

		snprintf(name, sizeof name, "bench-%u", sizes[i]);
		mix[i] = kmem_cache_create(sim, name, sizes[i], NULL, 0);
	}

	/*
	 * Each workload runs in ROUNDS chunks, simulator and glibc alternating,
	 * and the fastest chunk of each counts: on a shared machine the noise
	 * only ever adds time, and alternating exposes both to the same load.
	 */
	sim_hot = glibc_hot = sim_mix = glibc_mix = 1e9;
	for (unsigned r = 0; r < ROUNDS; r++) {
		double t;

		t0 = now_sec();
		for (unsigned i = 0; i < HOT_PAIRS / ROUNDS; i++) {
			sim_addr_t a = kmem_cache_alloc(sim, hot, GFP_KERNEL);

			kmem_cache_free(sim, hot, a);
		}
		t = now_sec() - t0;
		if (t < sim_hot)
			sim_hot = t;
		t0 = now_sec();
		for (unsigned i = 0; i < HOT_PAIRS / ROUNDS; i++) {
			void *p = malloc(64);

			escape(p);
			free(p);
		}
		t = now_sec() - t0;
		if (t < glibc_hot)
			glibc_hot = t;
	}
	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned lo = r * (MIX_OPS / ROUNDS), hi = lo + MIX_OPS / ROUNDS;
		unsigned long sp = 0, gp = 0;
		double ts, tg;

		t0 = now_sec();
		for (unsigned i = lo; i < hi; i++) {
			const struct op *o = &ops[i];

			sim_set_cpu(sim, o->cpu);
			if (sslot[o->slot]) {
				kmem_cache_free(sim, mix[sidx[o->slot]], sslot[o->slot]);
				sslot[o->slot] = 0;
			} else {
				sslot[o->slot] = kmem_cache_alloc(sim, mix[o->size_idx], GFP_KERNEL);
				sidx[o->slot] = o->size_idx;
				sp++;
			}
		}
		ts = now_sec() - t0;
		t0 = now_sec();
		for (unsigned i = lo; i < hi; i++) {
			const struct op *o = &ops[i];

			if (gslot[o->slot]) {
				free(gslot[o->slot]);
				gslot[o->slot] = NULL;
			} else {
				gslot[o->slot] = malloc(sizes[o->size_idx]);
				escape(gslot[o->slot]);
				gp++;
			}
		}
		tg = now_sec() - t0;
		/* per pair, so chunks with different numbers of pairs compare */
		if (ts / (double)sp < sim_mix)
			sim_mix = ts / (double)sp;
		if (tg / (double)gp < glibc_mix)
			glibc_mix = tg / (double)gp;
		sim_pairs += sp;
		glibc_pairs += gp;
	}

	printf("hot   (64 B, fast path)   : sim %6.1f ns/pair (%5.1f M pairs/s), glibc %6.1f ns/pair, ratio %.2f\n",
	       sim_hot * 1e9 / (HOT_PAIRS / ROUNDS), (HOT_PAIRS / ROUNDS) / sim_hot / 1e6,
	       glibc_hot * 1e9 / (HOT_PAIRS / ROUNDS), sim_hot / glibc_hot);
	printf("mixed (8 sizes, 64Ki set) : sim %6.1f ns/pair (%5.1f M pairs/s), glibc %6.1f ns/pair, ratio %.2f\n",
	       sim_mix * 1e9, 1e-6 / sim_mix, glibc_mix * 1e9, sim_mix / glibc_mix);
	printf("(best of %u rounds; %lu simulated and %lu glibc pairs in the mixed run)\n",
	       ROUNDS, sim_pairs, glibc_pairs);
	{
		struct sim_slab_summary sum;

		sim_slab_get_summary(sim, &sum);
		printf("mixed: %llu slabs created, %llu freed, %llu slow-path allocations\n",
		       (unsigned long long)sum.caches.slabs_created,
		       (unsigned long long)sum.caches.slabs_freed,
		       (unsigned long long)(sum.caches.allocs - sum.caches.fastpath_allocs));
	}
	for (unsigned i = 0; i < MIX_SLOTS; i++)
		free(gslot[i]);
	sim_free(sim);
	free(ops);
	free(sslot);
	free(sidx);
	free(gslot);
	return 0;
}

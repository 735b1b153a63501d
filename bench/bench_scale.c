/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_scale.c - the scaling table: host time and host memory per operation
 * as the simulated world grows
 *
 * One workload, varied along one dimension at a time from a fixed middle
 * (SLUB, 4 GiB, 2 CPUs, kmalloc, 100,000 live objects):
 *
 *   live objects   1k, 100k, 1M, 10M (RAM 16 GiB for all four)
 *   RAM            256 MiB, 4 GiB, 64 GiB, 1 TiB
 *   CPUs           1, 4, 16, 64 (each operation on a random CPU: remote frees)
 *   caches         10, 100, 1000 kmem_caches of 16..1024 bytes instead of kmalloc
 *
 * The driver keeps the live set in an array of slots: it fills every slot,
 * then each step frees the object of a random slot and allocates a new
 * one of a random size (8..512 bytes) into it; an operation is one
 * allocation or one free.  The driver draws from its own xorshift, so the
 * simulator's PRNG is not in the loop.  glibc malloc/free runs the same
 * steps over the same live set in the same process: the ratio compares
 * like with like on this host, whatever else loads it.
 *
 * Host bytes are the simulator's heap (glibc mallinfo2: bytes in use plus
 * mapped blocks): in MiB after the fill, minus what it was before sim_new
 * (the page metadata of all RAM included), and per live object what the
 * fill added (slabs' descriptors and per-object state, maps); the
 * driver's own slot array (8 bytes per object) is not counted.  Times are
 * the thread's CPU time, the best of a few rounds.  Targets (issue 15): at
 * 10M live objects <= 250 ns per operation and <= 16 host bytes per live
 * object.
 *
 * Hints (the live-object rows): the same steps again, the driver drawing
 * its victims HINT_AHEAD steps ahead and telling the simulator about each
 * coming free twice (sim_prefetch_free(): the page map entry
 * HINT_MAP steps ahead, the descriptor and the object's state HINT_SLAB
 * steps ahead), as a caller that knows its next frees can.  At millions
 * of live objects each free otherwise waits on its misses one after the
 * other.  Results are the same either way (the simulator computes nothing
 * from a hint); glibc gets the same driver (its slot array read ahead,
 * the chunk header of each coming free prefetched), so both ratios
 * compare like with like.
 *
 * SLOB (issue 15): the same fill of 1M live objects under SLOB, its time
 * (target: under 10 s), and the default scenario at 300k operations run
 * by the kmemsim binary under SLUB and under SLOB (`kmemsim run default
 * --policy P --set ops=300000`), CPU time of the child, best of 7 each,
 * alternating: SLOB's time over SLUB's (target: within 3x).
 *
 * This is a benchmark, not a test: `make bench` prints the table.
 */
#define _GNU_SOURCE	/* sched_setaffinity(), CPU_SET(): bench.h */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "bench.h"
#include "sim.h"

#define GFP_KERNEL_BITS	0xcc0u		/* GFP_KERNEL */
#define SIZE_LO		8
#define SIZE_HI		512

static double now_sec(void)
{
	return bench_clock(CLOCK_THREAD_CPUTIME_ID);
}

/* the simulator's heap: bytes handed out by malloc, small and mapped */
static double heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();

	return (double)mi.uordblks + (double)mi.hblkhd;
#else
	return 0;
#endif
}

static inline uint64_t xs(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static inline void escape(void *p)
{
	__asm__ volatile("" : : "g"(p) : "memory");
}

/* the hinted driver: victims drawn HINT_AHEAD steps ahead (a power of
 * two), their slots fetched then, the page map asked for HINT_MAP steps
 * ahead, the descriptor HINT_SLAB steps ahead */
#define HINT_AHEAD	16
#define HINT_MAP	8
#define HINT_SLAB	3

struct row {
	const char *what;
	uint64_t live;		/* objects kept live */
	uint64_t ram;		/* bytes */
	unsigned cpus;
	unsigned caches;	/* 0: kmalloc */
	uint64_t steps;		/* free + alloc each */
	const char *policy;	/* NULL: slub */
	bool hints;		/* also run the hinted driver */
};

struct result {
	double ns_op;		/* simulator, per operation */
	double glibc_ns_op;	/* glibc, per operation */
	double hint_ns_op;	/* the same with the hinted driver (0: not run) */
	double hint_glibc_ns_op;
	double bytes;		/* simulator heap after the fill */
	double live_bytes;	/* ... of which the fill added */
	double fill_s;		/* CPU seconds of the fill */
	bool ok;
};

/*
 * The host's latency of one dependent load from memory, to read the 10M
 * row against: a pointer chase through the 64-byte lines of 256 MiB (more
 * than any cache holds) in one random cycle, so that neither a cache nor
 * a prefetcher can help and each load waits for the one before.  A free
 * at 10M live objects waits on three such loads in a row: the driver's
 * slot (the object's address), the page map entry, the descriptor and
 * the slot's record (fetched together).  The kernel waits on two: the
 * address gives struct page by arithmetic, read with the object itself.
 * Return: ns per load, or a negative value without the host memory.
 */
#define CHASE_BYTES	(UINT64_C(256) << 20)
#define CHASE_LOADS	2000000

static double load_latency_ns(void)
{
	const uint64_t nr = CHASE_BYTES / 64;	/* lines, 8 uint64_t each */
	uint64_t *line = malloc(CHASE_BYTES);
	uint32_t *order = malloc(nr * sizeof *order);
	uint64_t x = 0x9e3779b97f4a7c15ull, p = 0;
	double t0, t;

	if (!line || !order) {
		free(line);
		free(order);
		return -1;
	}
	for (uint64_t i = 0; i < nr; i++)
		order[i] = (uint32_t)i;
	for (uint64_t i = nr - 1; i > 0; i--) {	/* Fisher-Yates */
		uint64_t j = xs(&x) % (i + 1);
		uint32_t tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (uint64_t i = 0; i < nr; i++)	/* one cycle through every line */
		line[(uint64_t)order[i] * 8] = order[(i + 1) % nr];
	free(order);
	t0 = now_sec();
	for (unsigned i = 0; i < CHASE_LOADS; i++)
		p = line[p * 8];
	t = now_sec() - t0;
	escape(&p);
	free(line);
	return t * 1e9 / CHASE_LOADS;
}

/* the step's allocation: kmalloc or a cache, on @cpu */
static sim_addr_t sim_one(struct sim *sim, const sim_cache_t *caches, unsigned nc,
			  uint64_t r)
{
	sim_addr_t a = SIM_ADDR_NONE;
	unsigned size = SIZE_LO + (unsigned)((r >> 8) % (SIZE_HI - SIZE_LO + 1));

	if (nc) {
		if (sim_cache_alloc(sim, caches[(r >> 24) % nc], GFP_KERNEL_BITS, &a) != SIM_OK)
			return SIM_ADDR_NONE;
		return a;
	}
	if (sim_kmalloc(sim, size, GFP_KERNEL_BITS, &a) != SIM_OK)
		return SIM_ADDR_NONE;
	return a;
}

static bool run_sim(const struct row *r, sim_addr_t *slot, uint32_t *owner,
		    bool hints, struct result *res)
{
	uint64_t ahead[HINT_AHEAD];
	struct sim_config cfg;
	struct sim *sim;
	sim_cache_t *caches = NULL;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	double h0, h1, t0, t;
	char err[256];

	h0 = heap_bytes();
	sim_config_init(&cfg);
	cfg.ram_bytes = r->ram;
	cfg.cpus = r->cpus;
	cfg.seed = 1;
	cfg.policy = r->policy ? r->policy : "slub";
	sim = sim_new(&cfg, err, sizeof err);
	if (!sim) {
		fprintf(stderr, "bench_scale: %s: %s\n", r->what, err);
		return false;
	}
	if (r->caches) {
		struct sim_cache_opts opts = { 0 };

		caches = calloc(r->caches, sizeof *caches);
		if (!caches || sim_slab_flags_parse("SLAB_NO_MERGE", 13, &opts.flags,
						    err, sizeof err) != SIM_OK)
			abort();
		for (unsigned i = 0; i < r->caches; i++) {
			char name[32];

			snprintf(name, sizeof name, "bench_%u", i);
			/* 16..1024 bytes; separate caches, as drivers' often are */
			if (sim_cache_create(sim, name, 16 + (i * 8) % 1009, &opts,
					     &caches[i]) != SIM_OK) {
				fprintf(stderr, "bench_scale: cache %s: %s\n", name,
					sim_last_reason(sim));
				return false;
			}
		}
	}
	h1 = heap_bytes();
	t0 = now_sec();
	for (uint64_t i = 0; i < r->live; i++) {
		uint64_t v = xs(&x);

		if (r->cpus > 1)
			sim_set_cpu(sim, (unsigned)(v % r->cpus));
		slot[i] = sim_one(sim, caches, r->caches, v);
		if (r->caches)
			owner[i] = (uint32_t)((v >> 24) % r->caches);
		if (slot[i] == SIM_ADDR_NONE) {
			fprintf(stderr, "bench_scale: %s: fill failed at %llu: %s\n", r->what,
				(unsigned long long)i, sim_last_reason(sim));
			return false;
		}
	}
	res->fill_s = now_sec() - t0;
	res->bytes = heap_bytes() - h0;
	res->live_bytes = heap_bytes() - h1;
	t0 = now_sec();
	if (hints)
		for (unsigned j = 0; j < HINT_AHEAD; j++)
			ahead[j] = xs(&x);
	for (uint64_t i = 0; i < r->steps; i++) {
		uint64_t v, k;

		if (hints) {
			/* this step's draw out of the ring, step i + AHEAD's in */
			v = ahead[i & (HINT_AHEAD - 1)];
			ahead[i & (HINT_AHEAD - 1)] = xs(&x);
			__builtin_prefetch(&slot[ahead[i & (HINT_AHEAD - 1)] % r->live]);
			sim_prefetch_free(sim, slot[ahead[(i + HINT_MAP) & (HINT_AHEAD - 1)] %
						    r->live], SIM_PREFETCH_MAP);
			sim_prefetch_free(sim, slot[ahead[(i + HINT_SLAB) & (HINT_AHEAD - 1)] %
						    r->live], SIM_PREFETCH_SLAB);
		} else {
			v = xs(&x);
		}
		k = v % r->live;
		if (r->cpus > 1)
			sim_set_cpu(sim, (unsigned)((v >> 40) % r->cpus));
		if (r->caches)
			sim_cache_free(sim, caches[owner[k]], slot[k]);
		else
			sim_kfree(sim, slot[k]);
		slot[k] = sim_one(sim, caches, r->caches, v);
		if (r->caches)	/* kmalloc rows: no store a glibc step lacks */
			owner[k] = (uint32_t)((v >> 24) % r->caches);
		if (slot[k] == SIM_ADDR_NONE) {
			fprintf(stderr, "bench_scale: %s: allocation failed: %s\n", r->what,
				sim_last_reason(sim));
			return false;
		}
	}
	t = now_sec() - t0;
	if (hints)
		res->hint_ns_op = t * 1e9 / (double)(2 * r->steps);
	else
		res->ns_op = t * 1e9 / (double)(2 * r->steps);
	sim_free(sim);
	free(caches);
	return true;
}

/* the same steps through glibc over the same live set (@hints: the same
 * driver as the simulator's, the chunk header of a coming free asked for
 * where the simulator is asked for its descriptor) */
static double run_glibc(const struct row *r, void **slot, bool hints)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, ahead[HINT_AHEAD];
	double t0, t;

	for (uint64_t i = 0; i < r->live; i++) {
		uint64_t v = xs(&x);

		slot[i] = malloc(SIZE_LO + (size_t)((v >> 8) % (SIZE_HI - SIZE_LO + 1)));
		escape(slot[i]);
	}
	t0 = now_sec();
	if (hints)
		for (unsigned j = 0; j < HINT_AHEAD; j++)
			ahead[j] = xs(&x);
	for (uint64_t i = 0; i < r->steps; i++) {
		uint64_t v, k;

		if (hints) {
			v = ahead[i & (HINT_AHEAD - 1)];
			ahead[i & (HINT_AHEAD - 1)] = xs(&x);
			__builtin_prefetch(&slot[ahead[i & (HINT_AHEAD - 1)] % r->live]);
			__builtin_prefetch((char *)slot[ahead[(i + HINT_SLAB) &
							      (HINT_AHEAD - 1)] % r->live] - 16);
		} else {
			v = xs(&x);
		}
		k = v % r->live;
		free(slot[k]);
		slot[k] = malloc(SIZE_LO + (size_t)((v >> 8) % (SIZE_HI - SIZE_LO + 1)));
		escape(slot[k]);
	}
	t = now_sec() - t0;
	for (uint64_t i = 0; i < r->live; i++)
		free(slot[i]);
	return t * 1e9 / (double)(2 * r->steps);
}

static void run_row(const struct row *r, struct result *res)
{
	sim_addr_t *slot = malloc(r->live * sizeof *slot);
	uint32_t *owner = malloc(r->live * sizeof *owner);
	unsigned rounds = r->live >= 10000000 ? 1 : 3;

	memset(res, 0, sizeof *res);
	res->ns_op = res->glibc_ns_op = 1e18;
	if (!slot || !owner)
		abort();
	for (unsigned i = 0; i < rounds; i++) {
		struct result one;
		double g;

		memset(&one, 0, sizeof one);
		if (!run_sim(r, slot, owner, false, &one) ||
		    (r->hints && !run_sim(r, slot, owner, true, &one))) {
			res->ok = false;
			break;
		}
		g = run_glibc(r, (void **)slot, false);
		if (r->hints) {
			double gh = run_glibc(r, (void **)slot, true);

			if (i == 0 || one.hint_ns_op < res->hint_ns_op)
				res->hint_ns_op = one.hint_ns_op;
			if (i == 0 || gh < res->hint_glibc_ns_op)
				res->hint_glibc_ns_op = gh;
		}
		res->ok = true;
		res->bytes = one.bytes;
		res->live_bytes = one.live_bytes;
		if (i == 0 || one.fill_s < res->fill_s)
			res->fill_s = one.fill_s;
		if (one.ns_op < res->ns_op)
			res->ns_op = one.ns_op;
		if (g < res->glibc_ns_op)
			res->glibc_ns_op = g;
	}
	free(slot);
	free(owner);
}

/* CPU seconds (user + system) of `kmemsim run default --policy P --set
 * ops=N --quiet`, output discarded; < 0 when it cannot run */
static double run_binary(const char *policy, unsigned ops)
{
	const char *bin = getenv("KMEMSIM");
	struct rusage r0, r1;
	char opsarg[32];
	pid_t pid;
	int st;

	if (!bin)
		bin = "./src/kmemsim";
	if (access(bin, X_OK) != 0)
		return -1;
	snprintf(opsarg, sizeof opsarg, "ops=%u", ops);
	fflush(NULL);
	getrusage(RUSAGE_CHILDREN, &r0);	/* children waited for so far */
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(bin, bin, "run", "default", "--policy", policy, "--set", opsarg,
		      "--quiet", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	getrusage(RUSAGE_CHILDREN, &r1);
	return (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
	       (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) * 1e-6 +
	       (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
	       (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) * 1e-6;
}

/* SLOB against SLUB on the default scenario (see the top) */
static void slob_vs_slub(void)
{
	double slub = 1e9, slob = 1e9;

	/* 7 rounds: a run is a tenth of a second, and on a shared machine one
	 * round in three can be a fifth slower than the quiet ones */
	for (int i = 0; i < 7; i++) {
		double a = run_binary("slub", 300000), b = run_binary("slob", 300000);

		if (a < 0 || b < 0) {
			printf("SLOB/SLUB on the default scenario: SKIP (cannot run ./src/kmemsim)\n");
			return;
		}
		if (a < slub)
			slub = a;
		if (b < slob)
			slob = b;
	}
	printf("default scenario, 300k ops (kmemsim run, CPU time, best of 7): slub %.3f s, "
	       "slob %.3f s: slob/slub %.2f (target <= 3: %s)\n", slub, slob, slob / slub,
	       slob / slub <= 3 ? "met" : "MISSED");
}

int main(int argc, char **argv)
{
	const uint64_t G = UINT64_C(1) << 30;
	/* --quick: up to 1M live objects; ROW: that row only (profiling);
	 * "default scenario": SLOB against SLUB only */
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	const char *only = argc > 1 && !quick ? argv[1] : NULL;
	const struct row rows[] = {
		{ "live objects 1k",     1000,      16 * G, 2, 0,  1000000, NULL, true },
		{ "live objects 100k",   100000,    16 * G, 2, 0,  1000000, NULL, true },
		{ "live objects 1M",     1000000,   16 * G, 2, 0,  1000000, NULL, true },
		{ "live objects 10M",    10000000,  16 * G, 2, 0,  1000000, NULL, true },
		{ "RAM 256 MiB",         100000,    G / 4,  2, 0,  1000000, NULL, false },
		{ "RAM 4 GiB",           100000,    4 * G,  2, 0,  1000000, NULL, false },
		{ "RAM 64 GiB",          100000,    64 * G, 2, 0,  1000000, NULL, false },
		{ "RAM 1 TiB",           100000,    1024 * G, 2, 0, 1000000, NULL, false },
		{ "CPUs 1",              100000,    4 * G,  1, 0,  1000000, NULL, false },
		{ "CPUs 4",              100000,    4 * G,  4, 0,  1000000, NULL, false },
		{ "CPUs 16",             100000,    4 * G,  16, 0, 1000000, NULL, false },
		{ "CPUs 64",             100000,    4 * G,  64, 0, 1000000, NULL, false },
		{ "caches 10",           100000,    4 * G,  2, 10, 1000000, NULL, false },
		{ "caches 100",          100000,    4 * G,  2, 100, 1000000, NULL, false },
		{ "caches 1000",         100000,    4 * G,  2, 1000, 1000000, NULL, false },
		{ "SLOB live 1M",        1000000,   16 * G, 2, 0,  100000, "slob", false },
	};
	double at10m_ns = 0, at10m_hint_ns = 0, at10m_bytes = 0;

	bench_pin_cpu();	/* the kmemsim runs of the SLOB line too */

	printf("scaling (SLUB; base: 4 GiB, 2 CPUs, kmalloc 8..512 B, 100k live objects; "
	       "an op is one kmalloc or kfree; glibc runs the same steps):\n");
	printf("  %-20s %9s %9s %7s %10s %12s %9s %9s %7s\n", "", "ns/op", "glibc", "ratio",
	       "host MiB", "B/live obj", "hinted", "glibc", "ratio");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct result res;

		if ((quick && rows[i].live > 1000000) ||
		    (only && strcmp(only, rows[i].what) != 0))
			continue;
		run_row(&rows[i], &res);
		if (!res.ok) {
			printf("  %-20s failed\n", rows[i].what);
			continue;
		}
		printf("  %-20s %9.1f %9.1f %7.2f %10.1f %12.1f", rows[i].what,
		       res.ns_op, res.glibc_ns_op, res.ns_op / res.glibc_ns_op,
		       res.bytes / 1048576.0, res.live_bytes / (double)rows[i].live);
		if (rows[i].hints)
			printf(" %9.1f %9.1f %7.2f\n", res.hint_ns_op, res.hint_glibc_ns_op,
			       res.hint_ns_op / res.hint_glibc_ns_op);
		else
			printf("\n");
		if (rows[i].policy)
			printf("  %-20s fill of %llu live objects: %.2f s (target < 10 s: %s)\n",
			       "", (unsigned long long)rows[i].live, res.fill_s,
			       res.fill_s < 10 ? "met" : "MISSED");
		if (rows[i].live == 10000000) {
			at10m_ns = res.ns_op;
			at10m_hint_ns = res.hint_ns_op;
			at10m_bytes = res.live_bytes / (double)rows[i].live;
		}
	}
	if (at10m_ns > 0)
		printf("10M live objects: %.1f ns/op (target <= 250: %s), %.1f with hints (%s), %.1f host bytes per live object (target <= 16: %s)\n",
		       at10m_ns, at10m_ns <= 250 ? "met" : "MISSED",
		       at10m_hint_ns, at10m_hint_ns <= 250 ? "met" : "MISSED", at10m_bytes,
		       at10m_bytes <= 16 ? "met" : "MISSED");
	if (at10m_ns > 0) {
		double lat = load_latency_ns();

		if (lat > 0)
			printf("host memory: one dependent load takes %.0f ns here (a chase through 256 MiB,\n"
			       " measured now): 250 ns/op is %.1f of them per step, a free and an allocation;\n"
			       " a free at 10M waits on 3 in a row (the driver's slot, the page map entry, the\n"
			       " descriptor with the slot's record), the kernel's on 2 (the slot; struct page\n"
			       " by arithmetic, with the object)\n", lat, 500.0 / lat);
	}
	printf("(host MiB: the simulator's heap after the fill, page metadata of all RAM included;\n"
	       " B/live obj: what the fill added to it, per live object; CPU time, best of 3 rounds, 1 at 10M;\n"
	       " hinted: the driver tells the simulator its next frees, sim_prefetch_free(), and glibc's\n"
	       " driver prefetches their chunk headers)\n");
	if (!only || strcmp(only, "default scenario") == 0)
		slob_vs_slub();
	return 0;
}

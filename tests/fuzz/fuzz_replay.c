/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_replay.c - libFuzzer target: the replay engine (replay.c)
 *
 * The input is trace text, replayed into one simulator per policy, as
 * `kmemsim replay` does, but on a small machine: 16 MiB of RAM instead of
 * the traced machine's 4 GiB, so that building the simulators costs tens
 * of microseconds, not tens of milliseconds, and the fuzzer runs thousands
 * of inputs a second.  Small memory also makes the interesting paths
 * common: allocation failures, reclaim, the OOM killer's panic (a policy
 * that panics stops, the others go on), timers crossing time gaps.
 *
 * The first byte picks the configuration: which policies (all three, or
 * one), one or two CPUs, the 6.1 or 6.18 rules, a time series or not, and
 * the report's format (text, or JSON).  The engine's validators run at the
 * end, and on one input in eight the report is built and rendered -- the
 * report code reads every figure the replay keeps.  Bit 0x10 puts the
 * simulators on their own threads (replay_config.threads), fed in blocks
 * of 16 calls so that even a short input turns the ring of blocks, on one
 * such input in eight by the same hash; the others run on the parsing
 * thread.  Three seeds in five set the bit, and so did seven inputs in ten
 * of a grown corpus: starting and joining up to three threads per input
 * (clone, futex wake-ups) was an eighth of the target's CPU time under
 * UBSan, for code that is the same on every input, and on one input in
 * four still a ninth under ASan (whose runtime reads /proc/self/maps and
 * maps and unmaps each thread's stack bookkeeping).
 *
 * Where the time goes (perf, ASan+UBSan): building and rendering the
 * report costs four to five times the rest of an input -- booting the
 * simulators, replaying up to 2 KB of trace, tearing down -- so it is
 * done on one input in eight, and is then a fifth of the target's time
 * (docs/style.md, "Fuzzing", has the figures).  Which inputs render is
 * decided by a hash of the whole input, not by option bits: the fuzzer
 * keeps the inputs that render (the report adds thousands of features),
 * so with bits seven in ten inputs of a grown corpus rendered, and so did
 * nearly all their mutations, which keep the first byte; a hash gives
 * every mutation its own one-in-eight chance.  The report code still runs
 * on every kind of replay, and the rest run at several times the rate.
 * The `make check` build (tests/fuzz/driver.c, FUZZ_RENDER_ALL) renders
 * every input and runs every input with bit 0x10 on threads: it replays
 * few, and a crash the fuzzer found is then found whatever the hash.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "page_alloc.h"
#include "reclaim.h"
#include "replay.h"
#include "sim.h"
#include "slab.h"
#include "trace.h"

#define FUZZ_CHECK(c) do { if (!(c)) abort(); } while (0)
#define FUZZ_RAM	(UINT64_C(16) << 20)	/* the small machine */

/* FNV-1a of the whole input: what the option bits do not decide */
static uint32_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

/* render the report on one input in eight */
static bool fuzz_render(uint32_t h)
{
#ifdef FUZZ_RENDER_ALL
	(void)h;
	return true;
#else
	return h >> 29 == 0;
#endif
}

/* of the inputs whose bit 0x10 asks for them, one in eight on threads */
static bool fuzz_threads(unsigned opt, uint32_t h)
{
#ifdef FUZZ_RENDER_ALL
	(void)h;
	return opt & 0x10;
#else
	return (opt & 0x10) && (h >> 26 & 7) == 0;
#endif
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Keep the heap: every input allocates and frees the same few hundred KB
 * (three simulators, the parser, the report), and glibc gave the top of
 * it back to the kernel (brk, a TLB flush on every CPU) and mapped the
 * report's bigger tables afresh, to fault them in again on the next
 * input -- a tenth of the target's time under UBSan (perf).  ASan has its
 * own allocator and ignores this.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
#endif
	return 0;
}

static void fuzz_sink(void *ud, const char *s, size_t n)
{
	(void)s;
	*(size_t *)ud += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const one[] = { "slub", "slab", "slob" };
	struct replay_config cfg;
	struct trace_reader *r;
	struct replay *rp;
	struct report *rep;
	unsigned opt = size ? data[0] : 0;
	uint32_t h = fuzz_hash(data, size);
	bool render = fuzz_render(h);
	char err[256];
	size_t bytes = 0;
	int rc;

	if (size)
		data++, size--;
	replay_config_init(&cfg);
	cfg.sim.ram_bytes = FUZZ_RAM;
	cfg.sim.cpus = opt & 0x4 ? 2 : 1;
	cfg.sim.kernel = opt & 0x20 ? SIM_KERNEL_6_1 : SIM_KERNEL_6_18;
	if (opt & 0x3) {	/* one policy: the faster, the more inputs */
		cfg.policies[0] = one[(opt & 0x3) - 1];
		cfg.nr_policies = 1;
	}
	cfg.series_interval_ns = opt & 0x8 ? REPLAY_DEFAULT_SERIES_NS : 0;
	cfg.block = 256;	/* not the 1.3 MB buffer of a real trace */
	cfg.threads = fuzz_threads(opt, h) ? REPLAY_THREADS_AUTO : 0;
	cfg.op_block = 16;
	cfg.callers = 3;
	cfg.mismatches = 3;
	rp = replay_new(&cfg, err, sizeof err);
	FUZZ_CHECK(rp != NULL);
	r = trace_reader_open_mem((const char *)data, size);
	if (!r)
		goto out;
	rc = replay_run(rp, r);
	FUZZ_CHECK(rc == SIM_OK || rc == SIM_ENOHOSTMEM);
	trace_reader_close(r);
	for (size_t i = 0; i < replay_nr_policies(rp); i++) {
		struct sim *sim = replay_policy_sim(rp, i);
		const struct replay_policy_stats *st = replay_policy_stats(rp, i);

		if (!sim)
			continue;
		FUZZ_CHECK(st->kmalloc_exact <= st->kmalloc_events);
		FUZZ_CHECK(st->caches_exact <= st->caches);
		if (sim_panicked(sim))
			FUZZ_CHECK(replay_policy_panicked(rp, i) != NULL);
		/* a panic leaves the state as consistent as any other failure */
		FUZZ_CHECK(pgalloc_validate(sim, err, sizeof err) == SIM_OK);
		FUZZ_CHECK(reclaim_validate(sim, err, sizeof err) == SIM_OK);
		FUZZ_CHECK(slab_validate(sim));
	}
	if (render) {
		rep = replay_report(rp, "fuzz");
		if (rep) {
			FUZZ_CHECK(report_render(rep, opt & 0x40 ? REPORT_FMT_JSON
							       : REPORT_FMT_TEXT,
						 NULL, fuzz_sink, &bytes) == SIM_OK);
			FUZZ_CHECK(bytes > 0);
			report_free(rep);
		}
	}
out:
	replay_free(rp);
	return 0;
}

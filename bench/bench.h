/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench.h - what the benchmark programs share: clocks, and one CPU a run
 *
 * A ratio is only fair between times taken on the same CPU.  On a shared
 * or virtual machine the CPUs are not alike: here one of the two vCPUs
 * ran the same process a third slower than the other, for minutes at a
 * time, so a best-of-N that took the simulator's best round on one CPU
 * and glibc's on the other measured the machine, not the code.
 * bench_pin_cpu() keeps a whole single-threaded benchmark, and the
 * programs it starts, on the CPU it began on.
 */
#ifndef KMEMSIM_BENCH_H
#define KMEMSIM_BENCH_H

#include <sched.h>
#include <stdio.h>
#include <time.h>

/* seconds on clock @id (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID, ...) */
static inline double bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* this process and its children on the CPU it runs on now; says which */
static inline void bench_pin_cpu(void)
{
#if defined(__linux__)
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) == 0)
		printf("(pinned to CPU %d: every time in this run is taken there)\n", cpu);
#endif
}

#endif /* KMEMSIM_BENCH_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.h - fixtures shared by the Check unit tests */
#ifndef SIM_TESTUTIL_H
#define SIM_TESTUTIL_H

#include <check.h>

#include "sim.h"

/*
 * tu_sim_new - a simulator from the default configuration with @ram bytes
 * (0: keep the default) and @cpus CPUs; fails the test if creation fails.
 */
struct sim *tu_sim_new(uint64_t ram, unsigned cpus);

/*
 * tu_sim_zones - a simulator whose single node has exactly these managed
 * pages per zone (0: none), @cpus CPUs, vm.min_free_kbytes @min_free_kbytes
 * (< 0: the kernel's boot default) and per-CPU lists on or off; fails the
 * test if creation fails.
 */
struct sim *tu_sim_zones(uint64_t dma, uint64_t dma32, uint64_t normal,
			 uint64_t movable, unsigned cpus, long min_free_kbytes,
			 bool pcp);

/* tu_sim_cfg - sim_new(@cfg) or fail the test with the error text */
struct sim *tu_sim_cfg(const struct sim_config *cfg);

/* tu_read_file - a whole file as a malloc'd string (NULL if unreadable) */
char *tu_read_file(const char *path);

/*
 * struct tu_text - a growing, always NUL-terminated text; tu_text_write()
 * is a sim_text_fn appending to it (ud: the tu_text).  Fails the test on
 * host OOM.  Free @s when done.
 */
struct tu_text {
	char *s;
	size_t n, cap;
};
void tu_text_write(void *ud, const char *s, size_t n);

/* tu_run_suite - run @s with CK_ENV verbosity; the process exit status */
int tu_run_suite(Suite *s);

/* tu_data_path - "$KMEMSIM_SRCDIR/rel" (or "$KMEMSIM_SHARED/rel" if @shared) */
const char *tu_data_path(const char *rel, int shared, char *buf, size_t len);

/*
 * The machine of the GFP, reclaim and mempool tests: Normal 4096 pages,
 * 1 CPU, no pcp lists, min_free_kbytes 1024 (min 256, low 320, high 384),
 * no watermark boost, the slow path on.
 */
struct sim *tu_sim_gfp(void);
/* zone Normal of node 0 */
struct zone *tu_normal(struct sim *sim);
/*
 * tu_fill_to - bring Normal's NR_FREE_PAGES down to @level with order-0
 * __GFP_MEMALLOC allocations (which never wake kswapd); fails the test if
 * the level is not reached exactly
 */
void tu_fill_to(struct sim *sim, unsigned long level);

#endif /* SIM_TESTUTIL_H */

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

/* tu_run_suite - run @s with CK_ENV verbosity; the process exit status */
int tu_run_suite(Suite *s);

/* tu_data_path - "$KMEMSIM_SRCDIR/rel" (or "$KMEMSIM_SHARED/rel" if @shared) */
const char *tu_data_path(const char *rel, int shared, char *buf, size_t len);

#endif /* SIM_TESTUTIL_H */

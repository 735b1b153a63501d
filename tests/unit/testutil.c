/* testutil.c - fixtures shared by the Check unit tests */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

struct sim *tu_sim_new(uint64_t ram, unsigned cpus)
{
	struct sim_config cfg;
	char err[256];
	struct sim *sim;

	sim_config_init(&cfg);
	if (ram)
		cfg.ram_bytes = ram;
	if (cpus)
		cfg.cpus = cpus;
	sim = sim_new(&cfg, err, sizeof err);
	ck_assert_msg(sim != NULL, "sim_new failed: %s", err);
	return sim;
}

int tu_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *tu_data_path(const char *rel, int shared, char *buf, size_t len)
{
	const char *base = getenv(shared ? "KMEMSIM_SHARED" : "KMEMSIM_SRCDIR");

	if (!base)
		base = shared ? "../shared" : ".";
	snprintf(buf, len, "%s/%s", base, rel);
	return buf;
}

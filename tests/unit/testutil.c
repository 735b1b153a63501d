/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.c - fixtures shared by the Check unit tests */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "page_alloc.h"
#include "state.h"
#include "testutil.h"
#include "zone.h"

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

struct sim *tu_sim_cfg(const struct sim_config *cfg)
{
	char err[256];
	struct sim *sim = sim_new(cfg, err, sizeof err);

	ck_assert_msg(sim != NULL, "sim_new failed: %s", err);
	return sim;
}

struct sim *tu_sim_zones(uint64_t dma, uint64_t dma32, uint64_t normal,
			 uint64_t movable, unsigned cpus, long min_free_kbytes,
			 bool pcp)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_DMA] = dma;
	cfg.zone_pages[ZONE_DMA32] = dma32;
	cfg.zone_pages[ZONE_NORMAL] = normal;
	cfg.zone_pages[ZONE_MOVABLE] = movable;
	cfg.cpus = cpus;
	cfg.min_free_kbytes = min_free_kbytes;
	cfg.pcp = pcp;
	return tu_sim_cfg(&cfg);
}

char *tu_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *p = realloc(buf, cap + 65536);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
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

struct sim *tu_sim_gfp(void)
{
	struct sim_config cfg;
	struct sim *sim;

	sim_config_init(&cfg);
	cfg.ram_bytes = 0;
	cfg.zone_pages[ZONE_NORMAL] = 4096;
	cfg.cpus = 1;
	cfg.pcp = false;
	cfg.min_free_kbytes = 1024;
	cfg.watermark_boost_factor = 0;
	sim = tu_sim_cfg(&cfg);
	sim_set_slowpath(sim, true);
	return sim;
}

struct zone *tu_normal(struct sim *sim)
{
	return &sim->pg->nodes[0].zones[ZONE_NORMAL];
}

void tu_fill_to(struct sim *sim, unsigned long level)
{
	while (tu_normal(sim)->nr_free_pages > level) {
		pfn_t pfn;

		ck_assert_int_eq(pgalloc_alloc(sim, 0, __GFP_MEMALLOC, &pfn), SIM_OK);
	}
	ck_assert_uint_eq(tu_normal(sim)->nr_free_pages, level);
}

void tu_text_write(void *ud, const char *s, size_t n)
{
	struct tu_text *t = ud;

	if (t->n + n + 1 > t->cap) {
		t->cap = (t->n + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

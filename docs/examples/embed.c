/* SPDX-License-Identifier: GPL-2.0-or-later */
/* embed.c - the kmemsim engine inside a C program, without Lua
 *
 * Build it against an installed kmemsim:
 *   cc embed.c $(pkg-config --cflags --libs kmemsim) -o embed && ./embed
 * (a static build: pkg-config --static --libs kmemsim).
 *
 * It makes a small simulated machine under SLUB, does what a driver does
 * with kmalloc and a cache of its own, and prints /proc/slabinfo's line for
 * that cache.  Every call returns SIM_OK or a negative status whose text
 * is sim_strerror(); sim_last_reason() says why an allocation failed.
 * tests/embed.sh builds and runs this file against `make install`.
 */
#include <stdio.h>
#include <string.h>

#include <kmemsim/sim.h>

/* sim_slabinfo() hands out text in pieces: keep the lines naming "mydev" */
struct grep {
	char line[512];
	size_t len;
};

static void grep_mydev(void *ud, const char *s, size_t n)
{
	struct grep *g = ud;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n') {
			if (g->len < sizeof g->line - 1)
				g->line[g->len++] = s[i];
			continue;
		}
		g->line[g->len] = '\0';
		if (strncmp(g->line, "mydev ", 6) == 0)
			printf("%s\n", g->line);
		g->len = 0;
	}
}

int main(void)
{
	struct sim_config cfg;
	struct sim_cache_opts opts;
	struct grep g = { .len = 0 };
	struct sim *sim;
	sim_cache_t cache;
	sim_addr_t buf, obj;
	gfp_t gfp;
	char err[256];

	printf("kmemsim library %s (headers %s)\n", sim_version(), SIM_VERSION_STRING);

	sim_config_init(&cfg);		/* the defaults: 2 CPUs, 256 MiB, SLUB */
	if (sim_config_set(&cfg, "ram", "64M", err, sizeof err) != SIM_OK ||
	    sim_config_set(&cfg, "policy", "slub", err, sizeof err) != SIM_OK) {
		fprintf(stderr, "embed: %s\n", err);
		return 1;
	}
	sim = sim_new(&cfg, err, sizeof err);
	if (!sim) {
		fprintf(stderr, "embed: %s\n", err);
		return 1;
	}
	if (sim_gfp_parse("GFP_KERNEL", strlen("GFP_KERNEL"), &gfp, err,
			  sizeof err) != SIM_OK) {
		fprintf(stderr, "embed: %s\n", err);
		return 1;
	}

	/* kmalloc(72) is served by the next size class up: kmalloc-96 */
	if (sim_kmalloc(sim, 72, gfp, &buf) != SIM_OK) {
		fprintf(stderr, "embed: kmalloc: %s\n", sim_last_reason(sim));
		return 1;
	}
	printf("kmalloc(72) = 0x%llx, ksize %llu\n", (unsigned long long)buf,
	       (unsigned long long)sim_ksize(sim, buf));

	/* a cache of one's own: kmem_cache_create("mydev", 200, ...) */
	memset(&opts, 0, sizeof opts);
	if (sim_cache_create(sim, "mydev", 200, &opts, &cache) != SIM_OK ||
	    sim_cache_alloc(sim, cache, gfp, &obj) != SIM_OK) {
		fprintf(stderr, "embed: mydev: %s\n", sim_last_reason(sim));
		return 1;
	}
	sim_slabinfo(sim, grep_mydev, &g);

	sim_cache_free(sim, cache, obj);
	sim_cache_destroy(sim, cache);
	sim_kfree(sim, buf);
	sim_free(sim);
	return 0;
}

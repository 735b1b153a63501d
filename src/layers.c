/* SPDX-License-Identifier: GPL-2.0-or-later */
/* layers.c - the order in which the engine's layers come up and go down
 *
 * One table, lowest layer first.  sim_new() walks it upwards; sim_free()
 * walks it downwards and skips layers that never came up (their state
 * pointer is NULL), so a failure half way through creation unwinds cleanly.
 * sim_fill_report() walks it upwards too: each layer adds its report
 * sections in table order, lowest layer first.
 */
#include "config.h"

#include "layers.h"
#include "page_alloc.h"
#include "reclaim.h"
#include "report_layers.h"
#include "sampler.h"
#include "slab.h"
#include "state.h"

struct sim_layer {
	const char *name;
	int (*init)(struct sim *sim, char *err, size_t errlen);
	void (*destroy)(struct sim *sim);
	/* add the layer's sections to a run report (report_layers.h); may be NULL */
	int (*report)(const struct sim *sim, struct report *r);
};

static const struct sim_layer sim_layer_table[] = {
	/* physical memory, reclaim and slab layers register here */
	{ "physical memory", pgalloc_init, pgalloc_destroy, report_layer_mem },
	{ "reclaim", reclaim_init, reclaim_destroy, NULL },
	{ "slab", slab_layer_init, slab_layer_destroy, report_layer_slab },
	/* time series of the run: reads every layer below, owns nothing of theirs */
	{ "sampler", sampler_layer_init, sampler_layer_destroy, sampler_report },
	{ NULL, NULL, NULL, NULL },
};

int sim_layers_init(struct sim *sim, char *err, size_t errlen)
{
	for (size_t i = 0; sim_layer_table[i].init; i++) {
		int rc = sim_layer_table[i].init(sim, err, errlen);

		if (rc != SIM_OK)
			return rc;
	}
	return SIM_OK;
}

void sim_layers_destroy(struct sim *sim)
{
	size_t n = 0;

	while (sim_layer_table[n].init)
		n++;
	while (n-- > 0)
		sim_layer_table[n].destroy(sim);
}

int sim_layers_report(const struct sim *sim, struct report *r)
{
	for (size_t i = 0; sim_layer_table[i].init; i++)
		if (sim_layer_table[i].report)
			sim_layer_table[i].report(sim, r);
	return report_status(r);
}

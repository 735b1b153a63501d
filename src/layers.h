/* SPDX-License-Identifier: GPL-2.0-or-later */
/* layers.h - creation and destruction of the engine's layers, in order */
#ifndef SIM_LAYERS_H
#define SIM_LAYERS_H

#include "sim.h"

/*
 * sim_layers_init - create every layer's state, lowest first
 * Return: SIM_OK, or an error with @err filled; on failure the layers that
 * were created are left for sim_layers_destroy() (called by sim_free()).
 */
int sim_layers_init(struct sim *sim, char *err, size_t errlen);
/* sim_layers_destroy - destroy whatever layers exist, highest first */
void sim_layers_destroy(struct sim *sim);
/*
 * sim_layers_report - let every layer add its sections to run report @r,
 * lowest first (called by sim_fill_report()).  Return: report_status(@r).
 */
int sim_layers_report(const struct sim *sim, struct report *r);

#endif /* SIM_LAYERS_H */

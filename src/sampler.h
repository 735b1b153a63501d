/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sampler.h - the time-series sampler's hooks into the engine
 *
 * The public interface is sim.h's "Sampling" section; this header is what
 * the core (sim.c: the operation hook) and the layer table (layers.c: life
 * cycle and report) call.
 */
#ifndef SIM_SAMPLER_H
#define SIM_SAMPLER_H

#include "sim.h"

struct sampler;

/** sampler_op - one operation finished (called by sim_lat_record() when sampling) */
void sampler_op(struct sim *sim);

/* ---- Layer life cycle and report (layers.c) ---- */

/** sampler_layer_init - nothing to do: sampling starts on request */
int sampler_layer_init(struct sim *sim, char *err, size_t errlen);
/** sampler_layer_destroy - free the samples (NULL sampler ok) */
void sampler_layer_destroy(struct sim *sim);
/**
 * sampler_report - add the "timeline" section (time series) to @r
 * Nothing when @sim is not sampling.  Return: report_status(@r).
 */
int sampler_report(const struct sim *sim, struct report *r);

#endif /* SIM_SAMPLER_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_layers.h - the report sections of the engine's layers
 *
 * Each function is a layer's `report` hook in layers.c's table: it adds
 * that layer's sections to a run report, reading the simulator only
 * through the public API (sim.h), and returns report_status(@r).
 */
#ifndef SIM_REPORT_LAYERS_H
#define SIM_REPORT_LAYERS_H

#include "sim.h"

/*
 * report_layer_mem - physical memory and the page allocator
 *   memory  "Physical memory": zones (free pages and watermarks), pages by
 *           use, fragmentation (unusable free space index per order), the
 *           memory map, /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo
 *   gfp     "Page allocator and reclaim": the GFP, slow path, reclaim,
 *           compaction and reserve counters, each with its meaning
 */
int report_layer_mem(const struct sim *sim, struct report *r);

/*
 * report_layer_slab - object caches
 *   slab     "Object caches (POLICY)": totals, internal fragmentation and
 *            slab overhead, a slabtop-style table of caches by memory,
 *            /proc/slabinfo (not under SLOB: it has none)
 *   latency  "Modelled latency": p50/p90/p99/max per operation kind
 */
int report_layer_slab(const struct sim *sim, struct report *r);

#endif /* SIM_REPORT_LAYERS_H */

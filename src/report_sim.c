/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_sim.c - what the simulator core puts into a run report
 *
 * sim_fill_report() is the example every layer follows: it reads its
 * figures through the public API (sim.h) and adds them to the document as
 * data, in sections of its own, once, at the end of a run.  It never
 * formats a number itself; the renderers do.
 *
 * Sections, in order:
 *   summary     the machine and the run (a key-value list)
 *   <layers>    each engine layer adds its own sections here, lowest layer
 *               first (physical memory: zones, buddyinfo, the memory map;
 *               slab: slabinfo and caches; time series of the run)
 *   vmstat      every counter of stats_fields.h, in /proc/vmstat order:
 *               the X-macro list means no counter can be missing
 *   bugs        simulated-kernel bug reports, if there were any
 *   kernel-log  the simulated dmesg, verbatim, if anything was printed
 *
 * Metadata: kmemsim version, seed, policy, CPUs, nodes, RAM, and
 * "status": "panicked" when the simulated kernel panicked (the summary
 * then says when, where and why).  A compare or
 * replay report holds one such run report per policy (report_add_run()).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim.h"
#include "layers.h"

static uint64_t rs_ram_bytes(const struct sim_config *cfg)
{
	uint64_t pages = 0;

	if (cfg->ram_bytes)
		return cfg->ram_bytes;
	for (unsigned z = 0; z < SIM_NR_ZONES; z++)
		pages += cfg->zone_pages[z];
	return pages * cfg->nodes * SIM_PAGE_SIZE;
}

static void rs_meta(const struct sim *sim, struct report *r)
{
	const struct sim_config *cfg = sim_get_config(sim);

	report_meta(r, "kmemsim", RV_TEXT(PACKAGE_VERSION));
	report_meta(r, "seed", RV_INT((int64_t)cfg->seed));
	report_meta(r, "policy", RV_TEXT(cfg->policy));
	report_meta(r, "cpus", RV_INT(cfg->cpus));
	report_meta(r, "nodes", RV_INT(cfg->nodes));
	report_meta(r, "ram", RV_BYTES((int64_t)rs_ram_bytes(cfg)));
	if (sim_panicked(sim))	/* the run did not end: the kernel stopped */
		report_meta(r, "status", RV_TEXT("panicked"));
}

static void rs_summary(const struct sim *sim, struct report *r)
{
	const struct sim_config *cfg = sim_get_config(sim);
	struct report_section *s = report_section(r, "summary", "Summary");
	struct report_kv *kv = report_kv(s, "run", "The run");

	report_kv_add(kv, "policy", RV_TEXT(cfg->policy), NULL);
	report_kv_add(kv, "CPUs", RV_INT(cfg->cpus), NULL);
	report_kv_add(kv, "NUMA nodes", RV_INT(cfg->nodes), NULL);
	report_kv_add(kv, "RAM", RV_BYTES((int64_t)rs_ram_bytes(cfg)), NULL);
	report_kv_add(kv, "virtual time", RV_NS((int64_t)sim_now(sim)), NULL);
	report_kv_add(kv, "simulated-kernel bugs", RV_INT((int64_t)sim_bugs_total(sim)),
		      NULL);
	if (sim_panicked(sim)) {
		char what[320];
		sim_time_t t = sim_panic_time(sim);

		snprintf(what, sizeof what, "at %llu.%06llu s%s%s%s: %s",
			 (unsigned long long)(t / SIM_NSEC_PER_SEC),
			 (unsigned long long)(t % SIM_NSEC_PER_SEC / 1000),
			 *sim_panic_where(sim) ? " (" : "", sim_panic_where(sim),
			 *sim_panic_where(sim) ? ")" : "", sim_panic_message(sim));
		report_kv_add(kv, "kernel panic", RV_TEXT(what), NULL);
	}
	for (size_t i = 0; i < sim_stat_count(); i++) {
		/* messages held back by the kernel's rate limits */
		if (strcmp(sim_stat_name(i), "printk_suppressed") == 0 &&
		    sim_stat_value(sim, i))
			report_kv_add(kv, "log messages suppressed",
				      RV_INT((int64_t)sim_stat_value(sim, i)), NULL);
	}
}

static void rs_vmstat(const struct sim *sim, struct report *r)
{
	struct report_section *s = report_section(r, "vmstat", "Event counters");
	struct report_table *t = report_table(s, "counters", "/proc/vmstat names");

	report_column(t, "counter", REPORT_TEXT, 0, NULL);
	report_column(t, "value", REPORT_INT, 0, NULL);
	for (size_t i = 0; i < sim_stat_count(); i++)
		REPORT_ROW(t, RV_TEXT(sim_stat_name(i)),
			   RV_INT((int64_t)sim_stat_value(sim, i)));
}

static void rs_bugs(const struct sim *sim, struct report *r)
{
	struct report_section *s;
	struct report_table *t;

	if (sim_nr_bugs(sim) == 0)
		return;
	s = report_section(r, "bugs", "Simulated-kernel bugs");
	t = report_table(s, "reports", sim_bugs_total(sim) > sim_nr_bugs(sim) ?
			 "The first reports and the latest (the summary counts them all)" :
			 NULL);
	report_column(t, "kind", REPORT_TEXT, 0, NULL);
	report_column(t, "report", REPORT_TEXT, 0, NULL);
	report_column(t, "where", REPORT_TEXT, 0, NULL);
	for (size_t i = 0; i < sim_nr_bugs(sim); i++) {
		const struct sim_bug *b = sim_bug_at(sim, i);

		REPORT_ROW(t, RV_TEXT(sim_bug_kind_name(b->kind)),
			   RV_TEXT(b->message), RV_TEXT(b->where));
	}
}

static void rs_log(const struct sim *sim, struct report *r)
{
	const char *log = sim_log_text(sim);
	struct report_section *s;

	if (!log || !*log)
		return;
	s = report_section(r, "kernel-log", "Kernel log");
	report_pre(s, "dmesg", "dmesg", log);
}

int sim_fill_report(const struct sim *sim, struct report *r)
{
	if (!sim || !r)
		return SIM_EINVAL;
	rs_meta(sim, r);
	rs_summary(sim, r);
	/* engine layers add their sections here, lowest layer first */
	sim_layers_report(sim, r);
	rs_vmstat(sim, r);
	rs_bugs(sim, r);
	rs_log(sim, r);
	return report_status(r);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_run.c - the `kmemsim run` command
 *
 *   kmemsim run [FILE.lua|SCENARIO|-] [options]     (options: run_options)
 *
 * Runs the scenario once.  What is printed at the end:
 *   - nothing more, if the script printed anything itself (it has its own
 *     idea of what to show; --report prints the short report anyway);
 *   - otherwise a short end-of-run report for each simulator the script
 *     created, in creation order: the headline figures (the rows of
 *     `kmemsim compare`) and the zones (--no-report: never);
 *   - with --format, -o or --block, the full run report instead: every layer's
 *     sections and, sampled adaptively unless --sample says otherwise, the
 *     time series.  One simulator: its report.  Several: one report with a
 *     run per simulator ("sim1", "sim2", ...).  When the full report goes
 *     to standard output in a machine format (json, csv, html, svg), the
 *     script's own output goes to standard error so that stdout stays
 *     valid.
 *   - with --steps, instead of the full report, the step-through page
 *     (cmd_steps.c): the scenario's operations one at a time.
 * Nothing is printed after a scenario error: exit status 1 and the error
 * with its traceback on stderr.  A simulated kernel panic is not an error
 * of the scenario: the error is printed, the reports follow as usual (the
 * panicked simulator's says "status: panicked") and the exit status is 3.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_out.h"
#include "cmd_scenario.h"

/* one simulator's reports, taken when it went */
struct run_sim {
	unsigned id;
	struct report *full;	/* --format/-o */
	struct report *brief;	/* the short end-of-run report */
};

struct run_ctx {
	const struct cmd_opts *o;
	bool full, brief;
	struct run_sim *sims;
	size_t n, cap;
	bool failed;		/* host memory: a report could not be built */
	unsigned panicked;	/* simulators whose kernel panicked */
	struct cmd_steps *steps;	/* --steps: the page's recorder */
};

/* where the script's output goes; a progress line on the terminal goes first */
struct run_out {
	struct cmd_out *so;
	struct cmd_progress *pg;
};

static void run_write_stdout(void *ud, const char *s, size_t n)
{
	struct run_out *ro = ud;

	cmd_progress_end(ro->pg);
	cmd_out_writer(ro->so, s, n);
}

static void run_write_stderr(void *ud, const char *s, size_t n)
{
	struct run_out *ro = ud;

	cmd_progress_end(ro->pg);
	fwrite(s, 1, n, stderr);
}

/* the short report: the headline figures and the zones */
static struct report *run_brief(const struct sim *sim, const char *title)
{
	struct report *r = report_new(REPORT_RUN, title);
	const struct sim_config *cfg;
	struct cmd_metrics m;
	struct report_section *s;
	struct report_kv *kv;
	struct report_table *t;

	if (!r)
		return NULL;
	cfg = sim_get_config(sim);
	report_meta(r, "policy", RV_TEXT(cfg->policy));
	report_meta(r, "seed", RV_INT((int64_t)cfg->seed));
	report_meta(r, "cpus", RV_INT(cfg->cpus));
	if (sim_panicked(sim))
		report_meta(r, "status", RV_TEXT("panicked"));
	cmd_metrics_collect(sim, &m);
	s = report_section(r, "summary", "At the end of the run");
	kv = report_kv(s, "figures", NULL);
	for (int i = 0; i < CMD_NR_METRICS; i++) {
		struct report_value v = cmd_metric_value(&m, (enum cmd_metric)i);
		const char *unit = cmd_metric_unit((enum cmd_metric)i);

		if (!cmd_metric_brief((enum cmd_metric)i) ||
		    (i == CMD_M_SLAB_PEAK && v.missing))
			continue;	/* the peak is known only when sampling */
		/* typed values print their own units */
		if (v.type == REPORT_BYTES || v.type == REPORT_NS ||
		    v.type == REPORT_PERCENT)
			unit = NULL;
		report_kv_add(kv, cmd_metric_name((enum cmd_metric)i), v, unit);
	}
	t = report_table(s, "zones", "Zones");
	report_column(t, "zone", REPORT_TEXT, 0, NULL);
	report_column(t, "free", REPORT_INT, 0, "pages");
	report_column(t, "min", REPORT_INT, 0, "pages");
	report_column(t, "low", REPORT_INT, 0, "pages");
	report_column(t, "high", REPORT_INT, 0, "pages");
	report_column(t, "managed", REPORT_INT, 0, "pages");
	for (size_t i = 0; i < sim_zone_count(sim); i++) {
		struct sim_zone_info z;
		char name[48];

		if (sim_zone_info(sim, i, &z) != SIM_OK || !z.populated)
			continue;
		if (cfg->nodes > 1)
			snprintf(name, sizeof name, "Node %u %s", z.node, z.name);
		else
			snprintf(name, sizeof name, "%s", z.name);
		REPORT_ROW(t, RV_TEXT(name), RV_INT((int64_t)z.free),
			   RV_INT((int64_t)z.min), RV_INT((int64_t)z.low),
			   RV_INT((int64_t)z.high), RV_INT((int64_t)z.managed));
	}
	return r;
}

/*
 * The point of the run: every --set as meta "set.KEY" and every --opt (and
 * --kernel) as "opt.KEY", values as given, so that `kmemsim merge` can tell
 * a sweep's results apart from the reports alone (docs/report-schema.md).
 */
static void run_meta_point(struct report *r, const struct cmd_opts *o)
{
	char key[96];

	for (size_t i = 0; i < o->rt.nr_params; i++) {
		snprintf(key, sizeof key, "set.%s", o->params[i].key);
		report_meta(r, key, RV_TEXT(o->params[i].value));
	}
	for (size_t i = 0; i < o->rt.nr_opts; i++) {
		snprintf(key, sizeof key, "opt.%s", o->opts[i].key);
		report_meta(r, key, RV_TEXT(o->opts[i].value));
	}
}

/* lsim_runtime.sim_closing: take what will be printed, now */
static void run_closing(void *ud, unsigned id, struct sim *sim)
{
	struct run_ctx *c = ud;
	struct run_sim *rs;
	char title[160];

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4;
		struct run_sim *n = realloc(c->sims, cap * sizeof *n);

		if (!n) {
			c->failed = true;
			return;
		}
		c->sims = n;
		c->cap = cap;
	}
	rs = &c->sims[c->n++];
	memset(rs, 0, sizeof *rs);
	rs->id = id;
	if (c->steps)
		cmd_steps_closing(c->steps, id, sim);	/* its last step ends here */
	if (sim_panicked(sim))
		c->panicked++;
	sim_sample_now(sim);	/* the series end where the simulator did */
	if (c->full) {
		snprintf(title, sizeof title, "sim<%s>#%u: %s",
			 sim_get_config(sim)->policy, id, cmd_scenario_name(c->o));
		rs->full = report_new(REPORT_RUN, title);
		if (rs->full) {
			report_meta(rs->full, "scenario",
				    RV_TEXT(cmd_scenario_name(c->o)));
			sim_fill_report(sim, rs->full);
			run_meta_point(rs->full, c->o);
		}
		if (!rs->full || report_status(rs->full) != SIM_OK)
			c->failed = true;
	}
	if (c->brief) {
		snprintf(title, sizeof title, "End of run: sim<%s>#%u",
			 sim_get_config(sim)->policy, id);
		rs->brief = run_brief(sim, title);
		if (!rs->brief || report_status(rs->brief) != SIM_OK)
			c->failed = true;
	}
}

static int run_sim_cmp(const void *a, const void *b)
{
	const struct run_sim *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* the full report: one simulator's, or one run per simulator */
static struct report *run_full_report(struct run_ctx *c)
{
	struct report *r;
	char title[160], label[32];

	if (c->n == 1) {
		r = c->sims[0].full;
		c->sims[0].full = NULL;
		return r;
	}
	snprintf(title, sizeof title, "kmemsim run: %s", cmd_scenario_name(c->o));
	r = report_new(REPORT_RUN, title);
	if (!r)
		return NULL;
	report_meta(r, "kmemsim", RV_TEXT(PACKAGE_VERSION));
	report_meta(r, "scenario", RV_TEXT(cmd_scenario_name(c->o)));
	report_meta(r, "seed", RV_INT((int64_t)c->o->rt.seed));
	report_meta(r, "simulators", RV_INT((int64_t)c->n));
	run_meta_point(r, c->o);
	if (c->n == 0) {
		struct report_section *s = report_section(r, "run", "The run");

		report_kv_add(report_kv(s, "simulators", NULL), "simulators created",
			      RV_INT(0), NULL);
	}
	for (size_t i = 0; i < c->n; i++) {
		snprintf(label, sizeof label, "sim%u", c->sims[i].id);
		if (report_add_run(r, label, c->sims[i].full) == SIM_OK)
			c->sims[i].full = NULL;	/* owned by @r now */
	}
	return r;
}

static const struct cmd_option run_options[] = {
	CMD_OPT_SEED,
	{ "policy", CMD_K_POLICY, CMD_ARG_REQUIRED, "P", CMD_V_POLICY,
	  "default slab policy of kmemsim.new: slab, slub or slob\n"
	  "(default slub)" },
	CMD_OPT_SET,
	CMD_OPT_SIMOPT,
	CMD_OPT_KERNEL,
	{ "format", CMD_K_FORMAT, CMD_ARG_REQUIRED, "FMT", CMD_V_FORMAT,
	  "write the full report of each simulator as text, json,\n"
	  "csv, html or svg (svg needs --block); default: from -o's\n"
	  "extension, else text" },
	CMD_OPT_OUTPUT,
	CMD_OPT_BLOCK,
	{ "report", CMD_K_REPORT, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "print the short end-of-run report even if the script\n"
	  "printed something" },
	{ "no-report", CMD_K_NO_REPORT, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "never print the short end-of-run report" },
	CMD_OPT_SAMPLE,
	CMD_OPT_PROGRESS,
	CMD_OPT_QUIET,
	CMD_OPT_MAX_STEPS,
	CMD_OPT_MAX_WORK,
	CMD_OPT_MAX_MEMORY,
	{ "explain", CMD_K_EXPLAIN, CMD_ARG_OPTIONAL, "N", CMD_V_TEXT,
	  "narrate each operation (only the first N) step by step" },
	{ "steps", CMD_K_STEPS, CMD_ARG_OPTIONAL, "N", CMD_V_TEXT,
	  "instead of the report, an HTML page that steps through\n"
	  "the operations (the first N, default 1000): memory map,\n"
	  "buddyinfo, slab lists and narration of each" },
	CMD_OPT_UNSAFE,
	CMD_OPT_LUA_PATH,
	{ NULL }
};

static int run_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_run = {
	.name = "run",
	.synopsis = "[FILE.lua|SCENARIO|-] [options]",
	.summary = "run a Lua scenario against one simulated kernel",
	.description =
		"Runs a Lua scenario against a simulated Linux kernel memory allocator\n"
		"(buddy allocator, GFP semantics, and the SLAB, SLUB or SLOB policy).\n"
		"If the script prints nothing, a short end-of-run report of each\n"
		"simulator follows; --format, -o or --block write the full report.\n"
		CMD_SCENARIO_OPERAND,
	.exit_status = "0 ok, 1 scenario error or the report could not be\n"
		       "written, 2 usage error, 3 the simulated kernel panicked\n"
		       "(the scenario stopped there; the report is written)",
	.options = run_options,
	.operand = CMD_V_SCENARIO,
	.main = run_main,
};

static int run_main(const struct cmd *cmd, int argc, char **argv)
{
	struct cmd_opts o;
	struct run_ctx c;
	struct lsim_runtime rt;
	struct cmd_out so;
	struct cmd_progress pg;
	struct run_out ro = { &so, &pg };
	struct cmd_steps *steps = NULL;
	char *error = NULL;
	bool ok, to_stdout, printed_ok;
	int status = 0, rc;

	rc = cmd_parse(cmd, argc, argv, CMD_RUN, &o);
	if (rc != 0) {
		cmd_opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	memset(&c, 0, sizeof c);
	c.o = &o;
	c.full = o.format_set || o.output || o.block;
	c.brief = o.report == 1 || (o.report < 0 && !c.full);
	if (o.steps) {
		/* the step-through page replaces the full report */
		c.full = false;
		c.brief = o.report == 1;
		if (cmd_steps_new(&steps, &o, o.steps) != 0) {
			fprintf(stderr, "kmemsim: out of host memory\n");
			cmd_opts_free(&o);
			return CMD_EXIT_FAILED;
		}
	}
	to_stdout = !o.output || strcmp(o.output, "-") == 0;

	rt = o.rt;
	cmd_progress_start(&pg, "run", o.progress);
	if (pg.on) {
		rt.progress = cmd_progress_fn;
		rt.progress_ud = &pg;
	}
	/* the script's prints and the kernel log: a lost line is an error */
	cmd_out_open(&so, NULL, "kmemsim");
	rt.write = run_write_stdout;
	rt.write_ud = &ro;
	if ((c.full || steps) && to_stdout && (o.format != REPORT_FMT_TEXT || steps))
		rt.write = run_write_stderr;	/* keep stdout a valid document */
	if (o.sample_mode == CMD_SAMPLE_ON ||
	    (o.sample_mode == CMD_SAMPLE_DEFAULT && c.full))
		rt.sample = &o.sample;
	rt.sim_closing = run_closing;	/* reports, and whether a kernel panicked */
	rt.sim_closing_ud = &c;
	if (steps) {
		rt.sim_created = cmd_steps_created;
		rt.sim_created_ud = steps;
		c.steps = steps;
	}

	ok = cmd_run_scenario(&o, &rt, &error);
	cmd_progress_end(&pg);
	printed_ok = cmd_out_close(&so) == 0;
	if (!ok)
		fprintf(stderr, "kmemsim: %s\n", error ? error : "(no message)");
	/* the scenario stopped at a panic: report what the machine came to */
	if (!ok && c.panicked && error && strstr(error, "panic")) {
		ok = true;
		status = CMD_EXIT_PANIC;
	}
	if (!printed_ok)
		status = CMD_EXIT_FAILED;	/* what the script printed was lost */
	if (!ok) {
		status = CMD_EXIT_FAILED;
	} else if (c.failed) {
		fprintf(stderr, "kmemsim: cannot build the report: out of host memory\n");
		status = CMD_EXIT_FAILED;
	} else {
		if (c.n)
			qsort(c.sims, c.n, sizeof *c.sims, run_sim_cmp);
		/* the short report only when the script said nothing itself
		 * (and not after standard output failed) */
		if (c.brief && printed_ok && (o.report == 1 || !rt.printed)) {
			for (size_t i = 0; i < c.n; i++) {
				if (rt.printed || i)
					fputc('\n', stdout);
				if (!cmd_write_report(c.sims[i].brief, REPORT_FMT_TEXT,
						      NULL, NULL))
					status = CMD_EXIT_FAILED;
			}
		}
		if (steps && (printed_ok || (o.output && strcmp(o.output, "-") != 0)) &&
		    cmd_steps_write(steps, o.output) != 0)
			status = CMD_EXIT_FAILED;
		if (c.full && (printed_ok || (o.output && strcmp(o.output, "-") != 0))) {
			struct report *r = run_full_report(&c);

			if (!r || !cmd_write_report(r, o.format, o.block, o.output))
				status = CMD_EXIT_FAILED;
			report_free(r);
		}
	}
	for (size_t i = 0; i < c.n; i++) {
		report_free(c.sims[i].full);
		report_free(c.sims[i].brief);
	}
	free(c.sims);
	cmd_steps_free(steps);
	free(error);
	cmd_opts_free(&o);
	if (cmd_stdout_finish("kmemsim") != 0)
		status = CMD_EXIT_FAILED;
	return status;
}

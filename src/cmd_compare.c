/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_compare.c - the `kmemsim compare` command
 *
 *   kmemsim compare [FILE.lua|SCENARIO|-] [options] (options: cmp_options)
 *
 * Runs the same scenario once per policy.  Each run gets a fresh Lua state
 * and therefore fresh simulators, the same seed (kmemsim.seed, math.random
 * and every kmemsim.new's PRNG start alike) and the policy as the default
 * of kmemsim.new (kmemsim.policy).  A scenario that hard-codes a policy
 * keeps it; the table says so ("policy used").
 *
 * What is compared: the first simulator the scenario created (the one
 * with the lowest creation number), at the moment it went: closed by the
 * script or at the end of the run.  Figures of different machines do not
 * add up (percentiles, indices), so other simulators are counted, not
 * summed; the table shows how many there were.
 *
 * The report opens with a headline ("In short"): the figures that differ
 * most between the policies, in words (report_headline()), and any run
 * that failed.  The scenario's own output (print, the simulated kernel
 * log) is captured per policy and never mixed into the table: it follows
 * it in its own section ("What the scenario printed": a teaching
 * scenario's lesson), once if every policy printed the same; a scenario
 * that sets a policy itself is flagged there.  The text rendering stops
 * there; JSON, CSV and HTML add one run per policy: that simulator's full
 * run report plus an "output" section with what the scenario printed (and
 * an "error" section if it failed).
 *
 * A run that fails (a scenario error, or a policy that is not available)
 * shows its error in its column, its figures are "-", and the others are
 * printed as usual; the exit status is then 1.
 *
 * Sampling: every simulator is sampled ("auto" unless --sample says
 * otherwise), which gives the peak pages in slabs, checked at every
 * operation, and the time series of the per-policy reports.  With
 * --sample off the peak is "-".
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_scenario.h"

/* one policy's run */
struct cmp_run {
	const char *policy;		/* asked for */
	bool ok;			/* the scenario ran to its end */
	char *error;			/* else why (with traceback) */
	struct report_buf output;	/* what the scenario printed */
	struct report_buf aliases;	/* slabinfo -a of the first simulator */
	unsigned nr_sims;		/* simulators it created */
	/* the first simulator, taken when it went */
	unsigned first_id;		/* 0: none yet */
	char used[16];			/* its policy */
	char other[16];			/* a policy the scenario set itself, "" if none */
	struct cmd_metrics m;
	struct report *report;		/* its full run report (json, csv, html) */
	bool failed;			/* host memory while building it */
	bool panicked;			/* a simulated kernel of this run panicked */
};

struct cmp_ctx {
	const struct cmd_opts *o;
	bool want_reports;
	struct cmp_run *cur;
};

static void cmp_capture(void *ud, const char *s, size_t n)
{
	report_buf_write(ud, s, n);
}

/* lsim_runtime.sim_closing: keep the first simulator's figures and report */
static void cmp_closing(void *ud, unsigned id, struct sim *sim)
{
	struct cmp_ctx *c = ud;
	struct cmp_run *run = c->cur;
	char title[160];

	if (sim_panicked(sim))
		run->panicked = true;
	/* kmemsim.new{policy=...} anywhere: the scenario is policy-specific */
	if (!run->other[0] && strcmp(sim_get_config(sim)->policy, run->policy) != 0)
		snprintf(run->other, sizeof run->other, "%s", sim_get_config(sim)->policy);
	if (run->first_id && run->first_id < id)
		return;
	report_free(run->report);
	run->report = NULL;
	run->first_id = id;
	snprintf(run->used, sizeof run->used, "%s", sim_get_config(sim)->policy);
	sim_sample_now(sim);
	cmd_metrics_collect(sim, &run->m);
	run->aliases.len = 0;
	if (sim_slab_aliases(sim, cmp_capture, &run->aliases) != SIM_OK)
		run->aliases.len = 0;
	if (!c->want_reports)
		return;
	snprintf(title, sizeof title, "%s: %s", run->policy, cmd_scenario_name(c->o));
	run->report = report_new(REPORT_RUN, title);
	if (run->report) {
		report_meta(run->report, "scenario", RV_TEXT(cmd_scenario_name(c->o)));
		sim_fill_report(sim, run->report);
	}
	if (!run->report || report_status(run->report) != SIM_OK)
		run->failed = true;
}

/* the run ended because its simulated kernel panicked */
static bool cmp_stopped_by_panic(const struct cmp_run *run)
{
	return !run->ok && run->panicked && run->error && strstr(run->error, "panic");
}

/* the first line of @msg (the traceback follows it) */
static char *cmp_first_line(const char *msg)
{
	const char *nl = strchr(msg, '\n');

	return nl ? strndup(msg, (size_t)(nl - msg)) : strdup(msg);
}

/* "Runs": what happened per policy, one column each */
static void cmp_runs_table(struct report_section *s, struct cmp_run *runs,
			   size_t n)
{
	struct report_table *t = report_table(s, "runs", "Runs");
	struct report_value *row = calloc(n + 1, sizeof *row);
	char (*buf)[32] = calloc(n + 1, sizeof *buf);
	char **err = calloc(n + 1, sizeof *err);

	if (!row || !buf || !err) {
		free(row);
		free(buf);
		free(err);
		return;
	}
	report_column(t, "", REPORT_TEXT, 0, NULL);
	for (size_t i = 0; i < n; i++)
		report_column(t, runs[i].policy, REPORT_TEXT, 0, NULL);

	row[0] = RV_TEXT("status");
	for (size_t i = 0; i < n; i++)
		row[i + 1] = RV_TEXT(runs[i].ok ? "ok" : cmp_stopped_by_panic(&runs[i])
				     ? "panicked" : "failed");
	report_row(t, row, n + 1);

	row[0] = RV_TEXT("policy used");
	for (size_t i = 0; i < n; i++) {
		if (!runs[i].first_id) {
			row[i + 1] = RV_NONE(REPORT_TEXT);
		} else if (strcmp(runs[i].used, runs[i].policy) != 0) {
			/* kmemsim.new{policy=...}: the scenario chose it */
			snprintf(buf[i], sizeof buf[i], "%s (set by the scenario)",
				 runs[i].used);
			row[i + 1] = RV_TEXT(buf[i]);
		} else {
			row[i + 1] = RV_TEXT(runs[i].used);
		}
	}
	report_row(t, row, n + 1);

	row[0] = RV_TEXT("simulators");
	for (size_t i = 0; i < n; i++) {
		if (runs[i].nr_sims > 1)
			snprintf(buf[i], sizeof buf[i], "%u (first compared)",
				 runs[i].nr_sims);
		else
			snprintf(buf[i], sizeof buf[i], "%u", runs[i].nr_sims);
		row[i + 1] = RV_TEXT(buf[i]);
	}
	report_row(t, row, n + 1);

	row[0] = RV_TEXT("error");
	for (size_t i = 0; i < n; i++) {
		if (!runs[i].ok)
			err[i] = cmp_first_line(runs[i].error ? runs[i].error : "?");
		else if (!runs[i].first_id)
			err[i] = strdup("the scenario created no simulator");
		row[i + 1] = err[i] ? RV_TEXT(err[i]) : RV_NONE(REPORT_TEXT);
	}
	report_row(t, row, n + 1);
	for (size_t i = 0; i < n; i++)
		free(err[i]);
	free(err);
	free(buf);
	free(row);
}

/* "Side by side": the headline figures, one bar series per policy */
static struct report_bars *cmp_figures(struct report_section *s,
				       struct cmp_run *runs, size_t n)
{
	struct report_bars *b = report_bars(s, "figures",
					    "Side by side (the first simulator of each run)");
	double *v = calloc(n ? n : 1, sizeof *v);

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		report_bars_series(b, runs[i].policy);
	for (int k = 0; k < CMD_NR_METRICS; k++) {
		for (size_t i = 0; i < n; i++)
			v[i] = runs[i].ok && runs[i].first_id ? runs[i].m.v[k] : NAN;
		report_bars_category(b, cmd_metric_name((enum cmd_metric)k),
				     cmd_metric_unit((enum cmd_metric)k),
				     cmd_metric_decimals((enum cmd_metric)k), v, n);
	}
	free(v);
	return b;
}

/*
 * "Merged caches": which caches the first simulator of each run merged
 * (slabinfo -a), since a merged cache's figures hold its aliases' objects
 * too.  The same under every policy: shown once.
 */
static void cmp_aliases(struct report *r, struct cmp_run *runs, size_t n)
{
	struct report_section *s = report_section(r, "aliases",
						  "Merged caches (slabinfo -a)");
	bool same = true;

	for (size_t i = 1; i < n; i++) {
		const char *a = runs[i].aliases.len ? runs[i].aliases.data : "";
		const char *b = runs[0].aliases.len ? runs[0].aliases.data : "";

		if (strcmp(a, b) != 0)
			same = false;
	}
	for (size_t i = 0; i < (same ? 1 : n) && i < n; i++) {
		char title[64];

		snprintf(title, sizeof title, same ? "Under every policy" : "Under %s",
			 runs[i].policy);
		report_pre(s, same ? "all" : runs[i].policy, title,
			   runs[i].aliases.len ? runs[i].aliases.data
					       : "(no cache was merged into another)\n");
	}
}

/*
 * "What the scenario printed": the lesson of a teaching scenario sits next
 * to the figures, not only inside each run.  Identical output under every
 * policy is shown once; otherwise one block per policy.  A scenario that
 * sets a policy itself is flagged: its columns do not all show the policy
 * they are headed by.
 */
static void cmp_lesson(struct report *r, struct cmp_run *runs, size_t n,
		       const struct cmd_opts *o)
{
	struct report_section *s = NULL;
	bool same = n > 1, any = false;

	/* a scenario that teaches one policy ("-- policy: NAME", issue 18) */
	if (o->declared_policy[0]) {
		char note[256];

		s = report_section(r, "lesson", "What the scenario printed");
		snprintf(note, sizeof note,
			 "Policy-specific: this scenario teaches %s (its header says "
			 "\"-- policy: %s\"); `kmemsim run %s` shows the lesson under "
			 "%s alone.\n", o->declared_policy, o->declared_policy,
			 cmd_scenario_name(o), o->declared_policy);
		report_pre(s, "teaches", "Note", note);
	}

	for (size_t i = 0; i < n; i++) {
		const char *a = runs[i].output.len ? runs[i].output.data : "";
		const char *b = runs[0].output.len ? runs[0].output.data : "";

		if (*a)
			any = true;
		if (strcmp(a, b) != 0)
			same = false;
	}
	for (size_t i = 0; i < n; i++) {
		char note[192];

		if (!runs[i].other[0])
			continue;
		if (!s)
			s = report_section(r, "lesson", "What the scenario printed");
		snprintf(note, sizeof note,
			 "Policy-specific: under %s the scenario also ran a simulator "
			 "with policy %s, which it set itself; run it with "
			 "`kmemsim run --policy %s` to study that policy.\n",
			 runs[i].policy, runs[i].other, runs[i].other);
		{
			char id[32];

			snprintf(id, sizeof id, "policy-%s", runs[i].policy);
			report_pre(s, id, "Note", note);
		}
	}
	if (!any)
		return;
	if (!s)
		s = report_section(r, "lesson", "What the scenario printed");
	if (same) {
		report_pre(s, "all", "Under every policy (the same text)",
			   runs[0].output.data);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char title[64];

		snprintf(title, sizeof title, "Under %s", runs[i].policy);
		report_pre(s, runs[i].policy, title,
			   runs[i].output.len ? runs[i].output.data : "(nothing)\n");
	}
}

/* the per-policy run report: the simulator's, then error and output */
static struct report *cmp_run_report(const struct cmd_opts *o,
				     struct cmp_run *run)
{
	struct report *r = run->report;
	struct report_section *s;
	char title[160];

	run->report = NULL;
	if (!r) {
		snprintf(title, sizeof title, "%s: %s", run->policy,
			 cmd_scenario_name(o));
		r = report_new(REPORT_RUN, title);
		if (!r)
			return NULL;
		report_meta(r, "scenario", RV_TEXT(cmd_scenario_name(o)));
		report_meta(r, "policy", RV_TEXT(run->policy));
	}
	if (!run->ok) {
		s = report_section(r, "error", "Error");
		report_pre(s, "message", NULL, run->error ? run->error : "?");
	}
	s = report_section(r, "output", "What the scenario printed");
	report_pre(s, "output", NULL, run->output.len ? run->output.data : "");
	return r;
}

/* the zones of the runs' free-page charts ("timeline/free-ZONE") */
struct cmp_zones {
	const char *prefix;		/* "slab/timeline/free-" */
	char names[8][32];
	size_t n;
};

static void cmp_zone_block(void *ud, const char *path,
			   enum report_block_type type)
{
	struct cmp_zones *z = ud;
	size_t pl = strlen(z->prefix);

	if (type != REPORT_BLOCK_SERIES || strncmp(path, z->prefix, pl) != 0 ||
	    z->n >= ARRAY_SIZE(z->names))
		return;
	snprintf(z->names[z->n++], sizeof z->names[0], "%s", path + pl);
}

/*
 * "Over time": the policies overlaid on one time axis, from the runs'
 * own series: slab pages (all caches), free pages and the unusable index
 * of each zone, with the watermarks as reference lines.
 */
static void cmp_over_time(struct report *r, const char *first_label)
{
	struct report_section *s;
	struct cmp_zones z = { NULL, { "" }, 0 };
	char prefix[64];

	if (!first_label)
		return;
	snprintf(prefix, sizeof prefix, "%s/timeline/free-", first_label);
	z.prefix = prefix;
	report_foreach_block(r, cmp_zone_block, &z);
	s = report_section(r, "overtime", "Over time, policies overlaid");
	report_overlay(s, "slab", "Slab pages (all caches) by policy", r,
		       "timeline/slab", NULL);
	for (size_t i = 0; i < z.n; i++) {
		char id[64], path[64], title[96];

		snprintf(id, sizeof id, "free-%s", z.names[i]);
		snprintf(path, sizeof path, "timeline/free-%s", z.names[i]);
		snprintf(title, sizeof title, "Free pages in zone %s by policy",
			 z.names[i]);
		report_overlay(s, id, title, r, path, "free");
	}
	for (size_t i = 0; i < z.n; i++) {
		char id[64], title[96];

		snprintf(id, sizeof id, "unusable-%s", z.names[i]);
		snprintf(title, sizeof title,
			 "Unusable free space index, zone %s, by policy", z.names[i]);
		report_overlay(s, id, title, r, "timeline/unusable", z.names[i]);
	}
}


static const struct cmd_option cmp_options[] = {
	CMD_OPT_SEED,
	{ "policies", CMD_K_POLICIES, CMD_ARG_REQUIRED, "LIST", CMD_V_POLICIES,
	  "the policies, comma-separated, in order (default\n"
	  "slab,slub,slob)" },
	CMD_OPT_SET,
	CMD_OPT_SIMOPT,
	CMD_OPT_KERNEL,
	{ "format", CMD_K_FORMAT, CMD_ARG_REQUIRED, "FMT", CMD_V_FORMAT,
	  "text (the table), json, csv or html (the table and every\n"
	  "run), svg (one --block); default: from -o's extension,\n"
	  "else text" },
	CMD_OPT_OUTPUT,
	CMD_OPT_BLOCK,
	CMD_OPT_SAMPLE,
	CMD_OPT_PROGRESS,
	CMD_OPT_QUIET,
	CMD_OPT_MAX_STEPS,
	CMD_OPT_MAX_WORK,
	CMD_OPT_MAX_MEMORY,
	CMD_OPT_UNSAFE,
	CMD_OPT_LUA_PATH,
	{ NULL }
};

static int cmp_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_compare = {
	.name = "compare",
	.synopsis = "[FILE.lua|SCENARIO|-] [options]",
	.summary = "run a scenario under SLAB, SLUB and SLOB, side by side",
	.description =
		"Runs the scenario once per policy, each in a fresh simulator with the\n"
		"same seed, and prints the headline figures side by side.  Every\n"
		"simulator is sampled (--sample auto) unless --sample off.\n"
		CMD_SCENARIO_OPERAND,
	.exit_status = "0 ok, 1 a scenario error in any policy's run or the\n"
		       "report could not be written, 2 usage error, 3 a policy's\n"
		       "simulated kernel panicked (its run stopped there)",
	.options = cmp_options,
	.operand = CMD_V_SCENARIO,
	.main = cmp_main,
};

static int cmp_main(const struct cmd *cmd, int argc, char **argv)
{
	struct cmd_opts o;
	struct cmp_ctx c;
	struct cmp_run *runs;
	struct report *r;
	struct report_section *s, *hs;
	struct report_bars *fig;
	struct report_table *hl;
	char title[160], list[64] = "";
	struct cmd_progress pg;
	int status = 0, rc;

	rc = cmd_parse(cmd, argc, argv, CMD_COMPARE, &o);
	if (rc != 0) {
		cmd_opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	runs = calloc(o.nr_policies, sizeof *runs);
	if (!runs) {
		fprintf(stderr, "kmemsim compare: out of host memory\n");
		cmd_opts_free(&o);
		return CMD_EXIT_FAILED;
	}
	memset(&c, 0, sizeof c);
	c.o = &o;
	c.want_reports = o.format != REPORT_FMT_TEXT || o.block;
	cmd_progress_start(&pg, "compare", o.progress);

	for (size_t i = 0; i < o.nr_policies; i++) {
		struct lsim_runtime rt = o.rt;
		struct cmp_run *run = &runs[i];

		run->policy = o.policies[i];
		c.cur = run;
		rt.policy = run->policy;
		cmd_progress_run(&pg, (unsigned)i + 1, (unsigned)o.nr_policies, run->policy);
		if (pg.on) {
			rt.progress = cmd_progress_fn;
			rt.progress_ud = &pg;
			rt.progress_label = run->policy;
		}
		rt.write = cmp_capture;
		rt.write_ud = &run->output;
		if (o.sample_mode != CMD_SAMPLE_OFF)
			rt.sample = &o.sample;
		rt.sim_closing = cmp_closing;
		rt.sim_closing_ud = &c;
		run->ok = cmd_run_scenario(&o, &rt, &run->error);
		cmd_progress_end(&pg);
		run->nr_sims = rt.nr_sims;
		if (!run->ok) {
			fprintf(stderr, "kmemsim compare: %s: %s\n", run->policy,
				run->error ? run->error : "(no message)");
			if (!cmp_stopped_by_panic(run))
				status = CMD_EXIT_FAILED;
			else if (!status)
				status = CMD_EXIT_PANIC;
		}
		if (run->failed || run->output.failed) {
			fprintf(stderr, "kmemsim compare: %s: out of host memory\n",
				run->policy);
			status = CMD_EXIT_FAILED;
		}
		if (i)
			strncat(list, ",", sizeof list - strlen(list) - 1);
		strncat(list, run->policy, sizeof list - strlen(list) - 1);
	}

	snprintf(title, sizeof title, "kmemsim compare: %s", cmd_scenario_name(&o));
	r = report_new(REPORT_COMPARE, title);
	if (!r) {
		fprintf(stderr, "kmemsim compare: out of host memory\n");
		status = CMD_EXIT_FAILED;
		goto out;
	}
	report_meta(r, "kmemsim", RV_TEXT(PACKAGE_VERSION));
	report_meta(r, "scenario", RV_TEXT(cmd_scenario_name(&o)));
	report_meta(r, "seed", RV_INT((int64_t)o.rt.seed));
	report_meta(r, "policies", RV_TEXT(list));
	if (o.declared_policy[0])
		report_meta(r, "teaches", RV_TEXT(o.declared_policy));
	hs = report_section(r, "headline", "In short");
	s = report_section(r, "compare", "Comparison");
	cmp_runs_table(s, runs, o.nr_policies);
	fig = cmp_figures(s, runs, o.nr_policies);
	hl = report_headline(hs, "findings", NULL, fig,
			     (const char *const[]){ cmd_metric_name(CMD_M_SLAB_PEAK),
						    cmd_metric_name(CMD_M_SLAB_PAGES), NULL }, 4);
	/* a run that failed is news too: its figures are missing above */
	for (size_t i = 0; i < o.nr_policies; i++) {
		char *first, line[256];

		if (runs[i].ok)
			continue;
		first = cmp_first_line(runs[i].error ? runs[i].error : "?");
		snprintf(line, sizeof line, "%s %s: %s", runs[i].policy,
			 cmp_stopped_by_panic(&runs[i]) ? "panicked" : "failed",
			 first ? first : "?");
		free(first);
		REPORT_ROW(hl, RV_TEXT(line), RV_NONE(REPORT_TEXT), RV_NONE(REPORT_TEXT),
			   RV_NONE(REPORT_TEXT), RV_NONE(REPORT_REAL),
			   RV_NONE(REPORT_TEXT), RV_NONE(REPORT_REAL),
			   RV_NONE(REPORT_PERCENT));
	}
	cmp_lesson(r, runs, o.nr_policies, &o);
	cmp_aliases(r, runs, o.nr_policies);
	/* text is the comparison alone; the other formats carry every run */
	if (c.want_reports) {
		const char *first = NULL;

		for (size_t i = 0; i < o.nr_policies; i++) {
			struct report *run = cmp_run_report(&o, &runs[i]);

			if (!run || report_add_run(r, runs[i].policy, run) != SIM_OK)
				report_free(run);
			else if (!first)
				first = runs[i].policy;
		}
		cmp_over_time(r, first);
	}
	if (!cmd_write_report(r, o.format, o.block, o.output))
		status = CMD_EXIT_FAILED;
	report_free(r);
out:
	for (size_t i = 0; i < o.nr_policies; i++) {
		free(runs[i].error);
		report_buf_release(&runs[i].output);
		report_buf_release(&runs[i].aliases);
		report_free(runs[i].report);
	}
	free(runs);
	cmd_opts_free(&o);
	return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_sweep.c - the `kmemsim sweep` command: a parameter sweep as job lines
 *
 *   kmemsim sweep [SCENARIO|TRACE...] --out DIR [--policies LIST]
 *                 [--seeds A-B] [--set KEY=V1,V2...] [--opt KEY=V1,V2...]
 *                 [--kernel V1,V2] [--jobs | --slurm FILE | --run [-j N]]
 *
 * A sweep runs one scenario or trace many times: under each policy, at
 * each combination of the --set (scenario parameter) and --opt (simulator
 * option) values, and for each seed.  kmemsim schedules nothing itself:
 * every point is one ordinary command line -- `kmemsim run` for a
 * scenario, `kmemsim replay` for a trace -- that writes its JSON report to
 * DIR/NAME.json and everything it prints to DIR/NAME.log, so the lines can
 * go to whatever spreads work over cores and machines:
 *   --jobs        prints them, for `parallel -j N` (GNU parallel) or
 *                 `xargs -P N`;
 *   --slurm FILE  writes an sbatch script running them as a job array;
 *   --run         runs them here, through GNU parallel when it is
 *                 installed, one after the other otherwise.
 * A replay job replays the trace under all of --policies in one pass (the
 * trace is read once); a run job runs one policy.
 *
 * NAME encodes the point: "default.slub.ops=1000.slub_min_objects=8.seed=3"
 * (input, policy, each key=value in the order given, seed), with anything
 * but [A-Za-z0-9._+=-] replaced, so it is a file name on any file system
 * and the same on every machine.  A job whose DIR/NAME.json already holds
 * its complete result (sweep_result_matches: same point, seed and
 * policies, not marked incomplete) is left out, so a sweep that was
 * interrupted is finished by running the same command again.  Every run
 * also writes DIR/sweep.json, the manifest of all the jobs, which `kmemsim
 * merge DIR` reads to list the missing and failed ones.  docs/sweep.md is
 * the user's page.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "cmd.h"
#include "cmd_out.h"
#include "cmd_scenario.h"
#include "sweep.h"

#define SW_MAX_AXES	32
#define SW_MAX_INPUTS	64
#define SW_MAX_JOBS	1000000u	/* a sweep past this is a typo */
#define SW_MAX_NAME	200		/* then a hash: names stay under NAME_MAX */
#define SW_NOTES	5		/* stale results named, then counted */

enum {
	SW_K_SEEDS = CMD_K_OWN,
	SW_K_OUT,
	SW_K_JOBS,
	SW_K_SLURM,
	SW_K_SLURM_OPTS,
	SW_K_SLURM_MAX,
	SW_K_RUN,
	SW_K_KMEMSIM,
	SW_K_PROCS = 'j',
};

static const struct cmd_option sw_options[] = {
	{ "out", SW_K_OUT, CMD_ARG_REQUIRED, "DIR", CMD_V_DIR,
	  "where the results go: DIR/NAME.json, DIR/NAME.log and\n"
	  "the manifest DIR/sweep.json (created if needed)" },
	{ "policies", CMD_K_POLICIES, CMD_ARG_REQUIRED, "LIST", CMD_V_POLICIES,
	  "comma-separated: slab,slub,slob (default all three)" },
	{ "seeds", SW_K_SEEDS, CMD_ARG_REQUIRED, "A-B", CMD_V_TEXT,
	  "the seeds: a range A-B, N, or a list of both (1-5,9);\n"
	  "default 1" },
	{ "set", CMD_K_SET, CMD_ARG_REQUIRED, "KEY=V1,V2", CMD_V_PARAM,
	  "sweep a scenario parameter over the values (\\, for a\n"
	  "comma in a value); repeatable" },
	{ "opt", CMD_K_OPT, CMD_ARG_REQUIRED, "KEY=V1,V2", CMD_V_SIMOPT,
	  "sweep a kmemsim.new{} option (slub_min_objects, ram,\n"
	  "cpus, ...) over the values; repeatable" },
	{ "kernel", CMD_K_KERNEL, CMD_ARG_REQUIRED, "V1,V2", CMD_V_KERNEL,
	  "--opt kernel=V1,V2: the rules of Linux 6.1 and/or 6.18" },
	{ "jobs", SW_K_JOBS, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "print one shell command per job left to run (the\n"
	  "default), for parallel -j N or xargs -P N" },
	{ "slurm", SW_K_SLURM, CMD_ARG_REQUIRED, "FILE", CMD_V_FILE,
	  "write an sbatch script running the jobs left as a\n"
	  "Slurm job array" },
	{ "slurm-opts", SW_K_SLURM_OPTS, CMD_ARG_REQUIRED, "OPTS", CMD_V_TEXT,
	  "sbatch options for the script, e.g.\n"
	  "\"--partition=short --time=10 --mem=2G\"" },
	{ "slurm-max", SW_K_SLURM_MAX, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "at most N array tasks at once (--array=0-M%N)" },
	{ "run", SW_K_RUN, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "run the jobs left here: with GNU parallel if installed,\n"
	  "else one after the other" },
	{ "procs", SW_K_PROCS, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "--run: jobs at once (default: the number of CPUs)" },
	CMD_OPT_PROGRESS,
	CMD_OPT_QUIET,
	{ "kmemsim", SW_K_KMEMSIM, CMD_ARG_REQUIRED, "PATH", CMD_V_FILE,
	  "the kmemsim the job lines call (default: this one)" },
	{ NULL }
};

static int sw_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_sweep = {
	.name = "sweep",
	.synopsis = "[SCENARIO|TRACE...] --out DIR [options]",
	.summary = "a parameter sweep as job lines for GNU parallel or Slurm",
	.description =
		"Expands the cartesian product of inputs, policies, --set and --opt\n"
		"values and seeds into jobs, each one ordinary `kmemsim run` (a scenario)\n"
		"or `kmemsim replay` (a trace, all policies in one pass) writing\n"
		"DIR/NAME.json, NAME encoding the point.  Jobs whose result is already\n"
		"complete are left out, so the same command resumes a sweep.  The jobs\n"
		"are printed (--jobs), written as a Slurm array script (--slurm) or run\n"
		"here (--run).  Without an input the default scenario is swept.\n"
		"`kmemsim merge DIR` aggregates the results; docs/sweep.md has an\n"
		"example.",
	.exit_status = "0 ok, 1 a job of --run failed or a file could not be\n"
		       "written, 2 usage error",
	.options = sw_options,
	.operand = CMD_V_SCENARIO,
	.main = sw_main,
};

/* one swept coordinate: a --set or --opt key and its values */
struct sw_axis {
	char key[80];		/* "set.ops", "opt.slub_min_objects" */
	const char *name;	/* "ops": in job names and the command line */
	bool opt;
	char **values;		/* owned */
	size_t nvalues;
};

struct sw_input {
	const char *arg;	/* as given (the command line's operand) */
	const char *meta;	/* what the report's meta calls it */
	char stem[64];		/* the input's part of job names */
	bool trace;
};

struct sw_opts {
	struct sw_input inputs[SW_MAX_INPUTS];
	size_t ninputs;
	const char *policies[CMD_MAX_POLICIES];
	size_t npolicies;
	uint64_t *seeds;
	size_t nseeds;
	struct sw_axis axes[SW_MAX_AXES];
	size_t naxes;
	const char *out;
	enum { SW_JOBS, SW_SLURM, SW_RUN } mode;
	bool mode_set;
	const char *slurm;
	const char *slurm_opts;
	uint64_t slurm_max;
	uint64_t procs;
	enum cmd_progress_mode progress;	/* --run's progress line */
	const char *kmemsim;
	char self[4096];
};

/* ---- Options ---- */

/* "1-10", "3", "1-5,9": appended to o->seeds */
static int sw_parse_seeds(const struct cmd *cmd, const char *s, struct sw_opts *o)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int rc = 0;

	free(o->seeds);
	o->seeds = NULL;
	o->nseeds = 0;
	if (!copy)
		return cmd_error(cmd, "out of host memory");
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t a, b;
		uint64_t *n;

		if (dash)
			*dash = '\0';
		if (cmd_parse_u64(tok, &a) || (dash && cmd_parse_u64(dash + 1, &b))) {
			rc = cmd_error(cmd, "--seeds needs A-B, N or a list of them, got '%s'", s);
			break;
		}
		if (!dash)
			b = a;
		if (b < a || b - a >= SW_MAX_JOBS || o->nseeds + (b - a) >= SW_MAX_JOBS) {
			rc = cmd_error(cmd, "--seeds %s: a range from low to high, at most "
				       "%u seeds", s, SW_MAX_JOBS);
			break;
		}
		n = realloc(o->seeds, (o->nseeds + (size_t)(b - a) + 1) * sizeof *n);
		if (!n) {
			rc = cmd_error(cmd, "out of host memory");
			break;
		}
		o->seeds = n;
		for (uint64_t v = a; ; v++) {
			for (size_t i = 0; i < o->nseeds; i++)
				if (o->seeds[i] == v) {
					rc = cmd_error(cmd, "--seeds %s: seed %llu twice", s,
						       (unsigned long long)v);
					break;
				}
			if (rc)
				break;
			o->seeds[o->nseeds++] = v;
			if (v == b)
				break;
		}
	}
	free(copy);
	if (!rc && !o->nseeds)
		rc = cmd_error(cmd, "--seeds needs at least one seed");
	return rc;
}

/* split "V1,V2" at commas that are not escaped as "\," into a->values */
static int sw_split_values(const char *s, struct sw_axis *a)
{
	size_t len = strlen(s);

	for (size_t i = 0; i <= len; ) {
		char *v = malloc(len + 1), **n;
		size_t k = 0;

		if (!v)
			return -1;
		for (; i < len && s[i] != ','; i++) {
			if (s[i] == '\\' && s[i + 1] == ',')
				i++;
			v[k++] = s[i];
		}
		v[k] = '\0';
		i++;		/* past the comma (or the end) */
		n = realloc(a->values, (a->nvalues + 1) * sizeof *n);
		if (!n) {
			free(v);
			return -1;
		}
		a->values = n;
		a->values[a->nvalues++] = v;
	}
	return 0;
}

static void sw_axis_free(struct sw_axis *a)
{
	for (size_t i = 0; i < a->nvalues; i++)
		free(a->values[i]);
	free(a->values);
	a->values = NULL;
	a->nvalues = 0;
}

/* --set KEY=V1,V2 / --opt KEY=V1,V2 / --kernel V1,V2 */
static int sw_parse_axis(const struct cmd *cmd, int key, const char *spelled,
			 const char *v, struct sw_opts *o)
{
	struct sw_axis *a;
	const char *eq = key == CMD_K_KERNEL ? NULL : strchr(v, '=');
	const char *name = key == CMD_K_KERNEL ? "kernel" : v;
	size_t nl = key == CMD_K_KERNEL ? strlen(name) : eq ? (size_t)(eq - v) : 0;
	const char *values = key == CMD_K_KERNEL ? v : eq ? eq + 1 : "";

	if (key != CMD_K_KERNEL && (!eq || eq == v))
		return cmd_error(cmd, "%s needs KEY=V1,V2,..., got '%s'", spelled, v);
	if (nl > 64)
		return cmd_error(cmd, "%s: key '%.*s...' is too long", spelled, 16, v);
	if (o->naxes == SW_MAX_AXES)
		return cmd_error(cmd, "too many --set and --opt options");
	a = &o->axes[o->naxes];
	memset(a, 0, sizeof *a);
	a->opt = key != CMD_K_SET;
	snprintf(a->key, sizeof a->key, "%s.%.*s", a->opt ? "opt" : "set", (int)nl, name);
	a->name = a->key + 4;
	for (size_t i = 0; i < o->naxes; i++)
		if (strcmp(o->axes[i].key, a->key) == 0)
			return cmd_error(cmd, "%s %s given twice: list all its values in one",
					 a->opt ? "--opt" : "--set", a->name);
	if (sw_split_values(values, a)) {
		sw_axis_free(a);
		return cmd_error(cmd, "out of host memory");
	}
	o->naxes++;
	for (size_t i = 0; i < a->nvalues; i++) {
		struct sim_config scratch;
		char err[256];

		if (!a->values[i][0])
			return cmd_error(cmd, "%s %s: an empty value", spelled, a->name);
		for (size_t k = 0; k < i; k++)
			if (strcmp(a->values[k], a->values[i]) == 0)
				return cmd_error(cmd, "%s %s: value '%s' given twice", spelled,
						 a->name, a->values[i]);
		if (!a->opt)
			continue;
		/* every value is checked now, as run would: no job fails on it */
		sim_config_init(&scratch);
		if (strcmp(a->name, "seed") == 0 || strcmp(a->name, "policy") == 0)
			return cmd_error(cmd, "--opt %s: sweep it with --%s", a->name,
					 strcmp(a->name, "seed") == 0 ? "seeds" : "policies");
		if (sim_config_set(&scratch, a->name, a->values[i], err, sizeof err) != SIM_OK)
			return cmd_error(cmd, "%s", err);
	}
	return 0;
}

/* the input's part of job names: its file name without the extensions */
static void sw_stem(const char *arg, char *stem, size_t len)
{
	static const char *const exts[] = {
		".gz", ".xz", ".zst", ".bz2", ".lua", ".txt", ".dat", ".trace",
	};
	const char *base = strrchr(arg, '/');
	size_t n;
	bool cut = true;

	base = base ? base + 1 : arg;
	snprintf(stem, len, "%s", base);
	while (cut) {
		cut = false;
		n = strlen(stem);
		for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
			size_t e = strlen(exts[i]);

			if (n > e && strcmp(stem + n - e, exts[i]) == 0) {
				stem[n - e] = '\0';
				cut = true;
				break;
			}
		}
	}
}

static int sw_parse_input(const struct cmd *cmd, const char *arg, struct sw_opts *o)
{
	struct sw_input *in;
	const struct lsim_embedded *bundled = NULL;
	size_t n = strlen(arg);

	if (o->ninputs == SW_MAX_INPUTS)
		return cmd_error(cmd, "too many inputs (at most %d)", SW_MAX_INPUTS);
	if (strcmp(arg, "-") == 0)
		return cmd_error(cmd, "every job reads its input: a file, not standard input");
	in = &o->inputs[o->ninputs];
	memset(in, 0, sizeof *in);
	in->arg = arg;
	in->meta = arg;
	if (access(arg, F_OK) != 0) {
		bundled = cmd_bundled_scenario(arg);
		if (!bundled)
			return cmd_error(cmd, "%s: no such file, and no bundled scenario of "
					 "that name (kmemsim list)", arg);
		in->meta = bundled->name;	/* what run's meta says */
	} else if (access(arg, R_OK) != 0) {
		return cmd_error(cmd, "%s: %s", arg, strerror(errno));
	}
	/* a scenario is Lua: a bundled one or a .lua file; anything else is a
	 * trace (replay tells its format by its first bytes) */
	in->trace = !bundled && !(n > 4 && strcmp(arg + n - 4, ".lua") == 0);
	sw_stem(arg, in->stem, sizeof in->stem);
	for (size_t i = 0; i < o->ninputs; i++)
		if (strcmp(o->inputs[i].meta, in->meta) == 0)
			return cmd_error(cmd, "input %s given twice", arg);
	o->ninputs++;
	return 0;
}

static int sw_parse(const struct cmd *cmd, int argc, char **argv, struct sw_opts *o)
{
	struct cmd_getopt g;
	int key, rc;
	ssize_t sn;

	memset(o, 0, sizeof *o);
	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		const char *v = g.arg;

		if (key == CMD_GETOPT_HELP)
			return -1;
		if (key == CMD_GETOPT_ERROR)
			return CMD_EXIT_USAGE;
		rc = 0;
		switch (key) {
		case SW_K_OUT:
			if (!*v)
				return cmd_error(cmd, "--out needs a directory");
			o->out = v;
			break;
		case CMD_K_POLICIES:
			rc = cmd_parse_policies(cmd, (char *)v, o->policies,
						 CMD_MAX_POLICIES, &o->npolicies);
			break;
		case SW_K_SEEDS:
			rc = sw_parse_seeds(cmd, v, o);
			break;
		case CMD_K_SET:
		case CMD_K_OPT:
		case CMD_K_KERNEL:
			rc = sw_parse_axis(cmd, key, g.spelled, v, o);
			break;
		case SW_K_JOBS:
		case SW_K_SLURM:
		case SW_K_RUN:
			if (o->mode_set)
				return cmd_error(cmd, "one of --jobs, --slurm and --run");
			o->mode_set = true;
			o->mode = key == SW_K_JOBS ? SW_JOBS : key == SW_K_RUN ? SW_RUN : SW_SLURM;
			if (key == SW_K_SLURM) {
				if (!*v)
					return cmd_error(cmd, "--slurm needs a file name");
				o->slurm = v;
			}
			break;
		case SW_K_SLURM_OPTS:
			o->slurm_opts = v;
			break;
		case SW_K_SLURM_MAX:
			if (cmd_parse_u64(v, &o->slurm_max) || !o->slurm_max)
				return cmd_error(cmd, "--slurm-max needs a positive integer, got '%s'", v);
			break;
		case SW_K_PROCS:
			if (cmd_parse_u64(v, &o->procs) || !o->procs || o->procs > 4096)
				return cmd_error(cmd, "-j needs a number of jobs from 1 to 4096, got '%s'", v);
			break;
		case CMD_K_PROGRESS:
			o->progress = CMD_PROGRESS_ON;
			break;
		case CMD_K_QUIET:
			o->progress = CMD_PROGRESS_OFF;
			break;
		case SW_K_KMEMSIM:
			if (!*v)
				return cmd_error(cmd, "--kmemsim needs a path");
			o->kmemsim = v;
			break;
		default:	/* a row without a case: a bug, said as such */
			return cmd_error(cmd, "option %s is not handled", g.spelled);
		}
		if (rc)
			return rc;
	}
	for (int i = g.optind; i < argc; i++)
		if ((rc = sw_parse_input(cmd, argv[i], o)) != 0)
			return rc;
	if (!o->ninputs && (rc = sw_parse_input(cmd, "default", o)) != 0)
		return rc;
	if (!o->out)
		return cmd_error(cmd, "--out DIR is needed: where the results go");
	if (!o->npolicies)
		for (size_t i = 0; sim_policy_name(i) && i < CMD_MAX_POLICIES; i++)
			o->policies[o->npolicies++] = sim_policy_name(i);
	if (!o->nseeds && (rc = sw_parse_seeds(cmd, "1", o)) != 0)
		return rc;
	if ((o->slurm_opts || o->slurm_max) && o->mode != SW_SLURM)
		return cmd_error(cmd, "--slurm-opts and --slurm-max go with --slurm FILE");
	if (o->procs && o->mode != SW_RUN)
		return cmd_error(cmd, "-j N goes with --run");
	for (size_t i = 0; i < o->ninputs; i++)
		for (size_t k = 0; k < o->naxes; k++)
			if (o->inputs[i].trace && !o->axes[k].opt)
				return cmd_error(cmd, "--set %s: %s is a trace, which has no "
						 "scenario parameters", o->axes[k].name,
						 o->inputs[i].arg);
	/* the binary the job lines call: this one, wherever the jobs run */
	if (!o->kmemsim) {
		sn = readlink("/proc/self/exe", o->self, sizeof o->self - 1);
		if (sn <= 0 || (size_t)sn >= sizeof o->self - 1)
			snprintf(o->self, sizeof o->self, "kmemsim");
		else
			o->self[sn] = '\0';
		o->kmemsim = o->self;
	}
	return 0;
}

static void sw_opts_free(struct sw_opts *o)
{
	for (size_t i = 0; i < o->naxes; i++)
		sw_axis_free(&o->axes[i]);
	free(o->seeds);
}

/* ---- Jobs ---- */

/* a word as the shell reads it back: bare if safe, else in single quotes */
static void sw_quote(struct report_buf *b, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_./=,+:@%-";

	if (*s && strspn(s, safe) == strlen(s)) {
		report_buf_write(b, s, strlen(s));
		return;
	}
	report_buf_write(b, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			report_buf_write(b, "'\\''", 4);
		else
			report_buf_write(b, s, 1);
	}
	report_buf_write(b, "'", 1);
}

static void sw_word(struct report_buf *b, const char *s)
{
	report_buf_write(b, " ", 1);
	sw_quote(b, s);
}

/* append @s to the job name, anything outside [A-Za-z0-9._+=-] as '_' */
static void sw_name_add(struct report_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("._+=-", c)))
			c = '_';
		report_buf_write(b, &c, 1);
	}
}

/* FNV-1a: a long name keeps its head and gets a hash of the whole */
static uint64_t sw_fnv(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static int sw_kv_set(struct sweep_kv *kv, const char *key, const char *value)
{
	kv->key = strdup(key);
	kv->value = strdup(value);
	return kv->key && kv->value ? 0 : -1;
}

/*
 * The job at input @in, policy @pol (NULL: a replay of all of them),
 * values @idx[] of the axes, seed @seed.
 */
static int sw_make_job(const struct sw_opts *o, const struct sw_input *in,
		       const char *pol, const size_t *idx, uint64_t seed,
		       struct sweep_job *j)
{
	struct report_buf name = REPORT_BUF_INIT, line = REPORT_BUF_INIT;
	char num[32], plist[64] = "";
	char *json = NULL, *log = NULL;
	size_t n = 0;
	int rc = -1;

	memset(j, 0, sizeof *j);
	for (size_t i = 0; i < o->npolicies; i++)
		n += (size_t)snprintf(plist + n, sizeof plist - n, "%s%s", i ? "," : "",
				      o->policies[i]);
	/* the name: input.policy.key=value....seed=N */
	if (in->stem[0] == '.' || in->stem[0] == '-')
		report_buf_write(&name, "_", 1);
	sw_name_add(&name, in->stem);
	if (pol) {
		report_buf_write(&name, ".", 1);
		sw_name_add(&name, pol);
	}
	for (size_t k = 0; k < o->naxes; k++) {
		report_buf_write(&name, ".", 1);
		sw_name_add(&name, o->axes[k].name);
		report_buf_write(&name, "=", 1);
		sw_name_add(&name, o->axes[k].values[idx[k]]);
	}
	snprintf(num, sizeof num, ".seed=%llu", (unsigned long long)seed);
	report_buf_write(&name, num, strlen(num));
	if (name.failed)
		goto out;
	if (name.len > SW_MAX_NAME) {
		snprintf(num, sizeof num, "-%016llx", (unsigned long long)sw_fnv(name.data));
		name.len = SW_MAX_NAME - strlen(num);
		report_buf_write(&name, num, strlen(num));
	}
	j->name = strndup(name.data, name.len);
	j->kind = strdup(in->trace ? "replay" : "run");
	j->policy = strdup(pol ? pol : plist);
	j->seed = seed;
	j->point = calloc(o->naxes + 1, sizeof *j->point);
	if (!j->name || !j->kind || !j->policy || !j->point)
		goto out;
	if (sw_kv_set(&j->point[j->npoint++], in->trace ? "trace" : "scenario", in->meta))
		goto out;
	for (size_t k = 0; k < o->naxes; k++)
		if (sw_kv_set(&j->point[j->npoint++], o->axes[k].key, o->axes[k].values[idx[k]]))
			goto out;
	json = sweep_path(o->out, j->name, ".json");
	log = sweep_path(o->out, j->name, ".log");
	if (!json || !log)
		goto out;
	/* the command: an ordinary run or replay */
	sw_quote(&line, o->kmemsim);
	sw_word(&line, in->trace ? "replay" : "run");
	/* an operand that looks like an option gets a "./" */
	if (in->arg[0] == '-') {
		char *p = malloc(strlen(in->arg) + 3);

		if (!p)
			goto out;
		sprintf(p, "./%s", in->arg);
		sw_word(&line, p);
		free(p);
	} else {
		sw_word(&line, in->arg);
	}
	sw_word(&line, pol ? "--policy" : "--policies");
	sw_word(&line, pol ? pol : plist);
	snprintf(num, sizeof num, "%llu", (unsigned long long)seed);
	sw_word(&line, "--seed");
	sw_word(&line, num);
	for (size_t k = 0; k < o->naxes; k++) {
		struct report_buf kv = REPORT_BUF_INIT;

		report_buf_write(&kv, o->axes[k].name, strlen(o->axes[k].name));
		report_buf_write(&kv, "=", 1);
		report_buf_write(&kv, o->axes[k].values[idx[k]], strlen(o->axes[k].values[idx[k]]));
		sw_word(&line, o->axes[k].opt ? "--opt" : "--set");
		if (!kv.failed)
			sw_word(&line, kv.data);
		report_buf_release(&kv);
	}
	if (in->trace) {
		sw_word(&line, "--format");
		sw_word(&line, "json");
		sw_word(&line, "--no-progress");
	}
	sw_word(&line, "-o");
	sw_word(&line, json);
	report_buf_write(&line, " >", 2);
	sw_quote(&line, log);
	report_buf_write(&line, " 2>&1", 5);
	if (line.failed)
		goto out;
	j->command = strndup(line.data, line.len);
	rc = j->command ? 0 : -1;
out:
	report_buf_release(&name);
	report_buf_release(&line);
	free(json);
	free(log);
	return rc;
}

static int sw_job_name_cmp(const void *a, const void *b)
{
	const struct sweep_job *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* every job, inputs outermost and seeds innermost */
static int sw_expand(const struct cmd *cmd, const struct sw_opts *o,
		     struct sweep_manifest *m)
{
	size_t idx[SW_MAX_AXES] = { 0 };
	uint64_t total = 0, per = o->nseeds;
	struct sweep_job **sorted;

	for (size_t k = 0; k < o->naxes; k++)
		per *= o->axes[k].nvalues;
	for (size_t i = 0; i < o->ninputs; i++) {
		total += per * (o->inputs[i].trace ? 1 : o->npolicies);
		if (per > SW_MAX_JOBS || total > SW_MAX_JOBS) {
			fprintf(stderr, "kmemsim sweep: more than %u jobs: narrow the sweep\n",
				SW_MAX_JOBS);
			return CMD_EXIT_USAGE;
		}
	}
	m->jobs = calloc(total + 1, sizeof *m->jobs);
	if (!m->jobs)
		goto oom;
	for (size_t i = 0; i < o->ninputs; i++) {
		const struct sw_input *in = &o->inputs[i];
		size_t np = in->trace ? 1 : o->npolicies;

		for (size_t p = 0; p < np; p++) {
			memset(idx, 0, sizeof idx);
			for (;;) {
				for (size_t s = 0; s < o->nseeds; s++)
					if (sw_make_job(o, in, in->trace ? NULL : o->policies[p],
							idx, o->seeds[s], &m->jobs[m->njobs++]))
						goto oom;
				/* the next combination: the last axis fastest */
				size_t k = o->naxes;
				while (k > 0 && ++idx[k - 1] == o->axes[k - 1].nvalues)
					idx[--k] = 0;
				if (k == 0)
					break;
			}
		}
	}
	/* two points may not share a name (values that differ only in
	 * characters a file name cannot hold, or two inputs' stems) */
	sorted = malloc(m->njobs * sizeof *sorted + 1);
	if (!sorted)
		goto oom;
	for (size_t i = 0; i < m->njobs; i++)
		sorted[i] = &m->jobs[i];
	qsort(sorted, m->njobs, sizeof *sorted, sw_job_name_cmp);
	for (size_t i = 1; i < m->njobs; i++)
		if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
			fprintf(stderr, "kmemsim sweep: two jobs would both be named %s;\n"
				"  %s\n  %s\n", sorted[i]->name, sorted[i - 1]->command,
				sorted[i]->command);
			free(sorted);
			return cmd_error(cmd, "inputs or values that differ only in "
					 "characters outside [A-Za-z0-9._+=-]");
		}
	free(sorted);
	return 0;
oom:
	fprintf(stderr, "kmemsim sweep: out of host memory\n");
	return CMD_EXIT_FAILED;
}

/* mkdir -p */
static int sw_mkdirs(const char *dir)
{
	char *p = strdup(dir);
	int rc = 0;

	if (!p)
		return -1;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	if (rc == 0) {
		struct stat st;

		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	}
	return rc;
}

/* the jobs whose result is not there, or not the complete one: @todo */
static size_t sw_pending(const struct sw_opts *o, const struct sweep_manifest *m,
			 size_t *todo)
{
	size_t n = 0, noted = 0;

	for (size_t i = 0; i < m->njobs; i++) {
		struct sweep_result r;
		char *path = sweep_path(o->out, m->jobs[i].name, ".json");
		char err[1024], why[512];
		int rc;

		rc = path ? sweep_result_load(path, &r, err, sizeof err) : SWEEP_EBAD;
		if (!path)
			snprintf(err, sizeof err, "out of host memory");
		if (rc == 0 && sweep_result_matches(&r, &m->jobs[i], why, sizeof why)) {
			sweep_result_free(&r);
			free(path);
			continue;
		}
		if (rc != SWEEP_ENOENT && noted++ < SW_NOTES) {
			if (rc == 0)
				fprintf(stderr, "kmemsim sweep: %s is not this job's result "
					"(%s): running it again\n", path, why);
			else
				fprintf(stderr, "kmemsim sweep: %s: running it again\n", err);
		}
		if (rc == 0)
			sweep_result_free(&r);
		free(path);
		todo[n++] = i;
	}
	if (noted > SW_NOTES)
		fprintf(stderr, "kmemsim sweep: and %zu more results to redo\n",
			noted - SW_NOTES);
	return n;
}

/* ---- --slurm ---- */

static int sw_write_slurm(const struct sw_opts *o, const struct sweep_manifest *m,
			  const size_t *todo, size_t n)
{
	struct cmd_out out;
	char cwd[4096];
	FILE *f;

	if (!getcwd(cwd, sizeof cwd)) {
		fprintf(stderr, "kmemsim sweep: cannot tell the current directory: %s\n",
			strerror(errno));
		return CMD_EXIT_FAILED;
	}
	if (cmd_out_open(&out, o->slurm, "kmemsim sweep") != 0)
		return CMD_EXIT_FAILED;
	f = out.f;
	fprintf(f, "#!/bin/sh\n");
	fprintf(f, "# kmemsim sweep: %zu of %zu jobs, one per array task; their results\n"
		"# go to %s.  Submit with: sbatch %s\n"
		"# Run the same `kmemsim sweep` again for a script of the jobs still to do.\n",
		n, m->njobs, o->out, o->slurm);
	fprintf(f, "#SBATCH --job-name=kmemsim-sweep\n");
	if (n) {
		fprintf(f, "#SBATCH --array=0-%zu", n - 1);
		if (o->slurm_max)
			fprintf(f, "%%%llu", (unsigned long long)o->slurm_max);
		fputc('\n', f);
	}
	/* each job writes its own log: Slurm's file only sees the script fail */
	fprintf(f, "#SBATCH --output=%s/slurm-%%A.out\n", o->out);
	fprintf(f, "#SBATCH --open-mode=append\n");
	fprintf(f, "#SBATCH --chdir=%s\n", cwd);
	if (o->slurm_opts) {
		char *copy = strdup(o->slurm_opts), *save = NULL, *tok;

		for (tok = copy ? strtok_r(copy, " \t\n", &save) : NULL; tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			fprintf(f, "#SBATCH %s\n", tok);
		free(copy);
	}
	if (!n) {
		fprintf(f, "echo 'kmemsim sweep: every result is complete; nothing to run'\n");
	} else {
		fprintf(f, "case \"$SLURM_ARRAY_TASK_ID\" in\n");
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%zu) %s ;;\n", i, m->jobs[todo[i]].command);
		fprintf(f, "*) echo \"kmemsim sweep: no job $SLURM_ARRAY_TASK_ID in $0\" >&2; "
			"exit 2 ;;\nesac\n");
	}
	if (cmd_out_close(&out) != 0)
		return CMD_EXIT_FAILED;
	if (strcmp(o->slurm, "-") != 0)
		chmod(o->slurm, 0755);
	return 0;
}

/* ---- --run ---- */

/* the progress line (cmd_progress.c): jobs finished of @n, and failures */
static void sw_progress(struct cmd_progress *pg, size_t done, size_t failed,
			size_t n)
{
	struct sim_progress p = { .label = "sweep", .done = done, .total = n };
	char stage[48];

	if (failed) {
		snprintf(stage, sizeof stage, "%zu failed", failed);
		p.stage = stage;
	}
	cmd_progress_fn(pg, &p);
}

/* is `parallel` GNU parallel (and not moreutils' parallel)? */
static bool sw_have_gnu_parallel(void)
{
	int fds[2], st;
	char buf[64] = "";
	ssize_t r;
	pid_t pid;

	if (pipe(fds) != 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fds[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		close(fds[0]);
		execlp("parallel", "parallel", "--version", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	r = read(fds[0], buf, sizeof buf - 1);
	for (char drain[256]; read(fds[0], drain, sizeof drain) > 0; )
		;		/* the rest: the child must not die of SIGPIPE */
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return r > 0 && strncmp(buf, "GNU parallel", 12) == 0 &&
	       WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * GNU parallel's joblog: a header, then per finished job "Seq Host
 * Starttime JobRuntime Send Receive Exitval Signal Command", tab-separated.
 * Seq is the job's line number in the input, from 1.  Marks @failed[] and
 * returns the number of jobs finished.
 */
static size_t sw_joblog(const char *path, bool *failed, size_t n, size_t *nfailed)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	size_t done = 0;

	*nfailed = 0;
	if (!f)
		return 0;
	if (!fgets(line, sizeof line, f)) {	/* the header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof line, f)) {
		char *save = NULL, *fld[8];
		unsigned long seq;
		int k;

		if (!strchr(line, '\n'))
			break;		/* a line parallel is still writing */
		for (k = 0; k < 8; k++)
			if (!(fld[k] = strtok_r(k ? NULL : line, "\t", &save)))
				break;
		if (k < 8)
			continue;
		seq = strtoul(fld[0], NULL, 10);
		done++;
		if (seq >= 1 && seq <= n && (atoi(fld[6]) != 0 || atoi(fld[7]) != 0)) {
			failed[seq - 1] = true;
			(*nfailed)++;
		}
	}
	fclose(f);
	return done;
}

static pid_t sw_spawn_sh(const char *line)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int sw_run(const struct sw_opts *o, const struct sweep_manifest *m,
		  const size_t *todo, size_t n)
{
	struct cmd_progress pg;
	bool *failed = calloc(n + 1, sizeof *failed);
	char *list = sweep_path(o->out, "jobs", ".txt");
	char *joblog = sweep_path(o->out, "parallel", ".joblog");
	size_t done = 0, nfailed = 0, shown = 0;
	uint64_t procs = o->procs;
	int rc = 0;

	if (!failed || !list || !joblog) {
		fprintf(stderr, "kmemsim sweep: out of host memory\n");
		rc = CMD_EXIT_FAILED;
		goto out;
	}
	cmd_progress_start(&pg, "sweep", o->progress);
	if (!procs) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		procs = c > 0 ? (uint64_t)c : 1;
	}
	if (sw_have_gnu_parallel()) {
		/* the lines in a file (DIR/jobs.txt), GNU parallel reading them:
		 * its joblog says which finished and how */
		struct cmd_out out;
		char jn[32];
		pid_t pid;
		int st = 0;

		if (cmd_out_open(&out, list, "kmemsim sweep") != 0) {
			rc = CMD_EXIT_FAILED;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			fprintf(out.f, "%s\n", m->jobs[todo[i]].command);
		if (cmd_out_close(&out) != 0) {
			rc = CMD_EXIT_FAILED;
			goto out;
		}
		unlink(joblog);
		snprintf(jn, sizeof jn, "%llu", (unsigned long long)procs);
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_RDONLY);

			if (null >= 0)
				dup2(null, 0);
			setenv("PARALLEL_SHELL", "/bin/sh", 1);
			execlp("parallel", "parallel", "--will-cite", "-j", jn,
			       "--joblog", joblog, "-a", list, (char *)NULL);
			_exit(127);
		}
		if (pid < 0) {
			fprintf(stderr, "kmemsim sweep: cannot start parallel: %s\n",
				strerror(errno));
			rc = CMD_EXIT_FAILED;
			goto out;
		}
		for (;;) {
			pid_t w = waitpid(pid, &st, WNOHANG);

			if (w == pid || (w < 0 && errno != EINTR))
				break;
			done = sw_joblog(joblog, failed, n, &nfailed);
			sw_progress(&pg, done, nfailed, n);
			nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
		}
		memset(failed, 0, n * sizeof *failed);
		done = sw_joblog(joblog, failed, n, &nfailed);
		if (done < n) {		/* parallel itself failed, or was stopped */
			for (size_t i = 0; i < n; i++)
				failed[i] = true;
			fprintf(stderr, "kmemsim sweep: GNU parallel stopped after %zu of "
				"%zu jobs (status %d)\n", done, n,
				WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			nfailed = n - done + nfailed;
		}
	} else {
		fprintf(stderr, "kmemsim sweep: GNU parallel is not installed: running "
			"the %zu jobs one after the other\n", n);
		for (size_t i = 0; i < n; i++) {
			pid_t pid = sw_spawn_sh(m->jobs[todo[i]].command);
			int st = 0;

			if (pid < 0) {
				failed[i] = true;
			} else {
				while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
					;
				failed[i] = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
				if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT) {
					raise(SIGINT);	/* Ctrl-C stops the sweep too */
				}
			}
			nfailed += failed[i];
			done++;
			sw_progress(&pg, done, nfailed, n);
		}
	}
	cmd_progress_end(&pg);
	fprintf(stderr, "kmemsim sweep: %zu jobs run, %zu failed; results in %s\n",
		n, nfailed, o->out);
	for (size_t i = 0; i < n; i++) {
		char why[512];

		if (!failed[i])
			continue;
		if (shown++ == 10) {
			fprintf(stderr, "  ... and %zu more (kmemsim merge %s lists them)\n",
				nfailed - 10, o->out);
			break;
		}
		sweep_log_reason(o->out, m->jobs[todo[i]].name, why, sizeof why);
		fprintf(stderr, "  %s: %s\n", m->jobs[todo[i]].name,
			why[0] ? why : "failed (no message)");
	}
	if (nfailed)
		rc = CMD_EXIT_FAILED;
out:
	free(failed);
	free(list);
	free(joblog);
	return rc;
}

/* ---- The command ---- */

static int sw_main(const struct cmd *cmd, int argc, char **argv)
{
	struct sw_opts o;
	struct sweep_manifest m = { 0 };
	size_t *todo = NULL, n;
	int rc;

	rc = sw_parse(cmd, argc, argv, &o);
	if (rc != 0) {
		sw_opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	rc = sw_expand(cmd, &o, &m);
	if (rc)
		goto out;
	if (sw_mkdirs(o.out) != 0) {
		fprintf(stderr, "kmemsim sweep: cannot create %s: %s\n", o.out, strerror(errno));
		rc = CMD_EXIT_FAILED;
		goto out;
	}
	if (sweep_manifest_write(o.out, &m) != 0) {
		rc = CMD_EXIT_FAILED;
		goto out;
	}
	todo = malloc((m.njobs + 1) * sizeof *todo);
	if (!todo) {
		fprintf(stderr, "kmemsim sweep: out of host memory\n");
		rc = CMD_EXIT_FAILED;
		goto out;
	}
	n = sw_pending(&o, &m, todo);
	switch (o.mode) {
	case SW_JOBS:
		for (size_t i = 0; i < n; i++)
			printf("%s\n", m.jobs[todo[i]].command);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "kmemsim sweep: cannot write the job lines: %s\n",
				strerror(errno));
			rc = CMD_EXIT_FAILED;
		}
		fprintf(stderr, "kmemsim sweep: %zu jobs, %zu with a complete result, "
			"%zu to run\n", m.njobs, m.njobs - n, n);
		break;
	case SW_SLURM:
		rc = sw_write_slurm(&o, &m, todo, n);
		if (!rc)
			fprintf(stderr, "kmemsim sweep: %zu jobs, %zu to run: sbatch %s\n",
				m.njobs, n, o.slurm);
		break;
	case SW_RUN:
		if (!n)
			fprintf(stderr, "kmemsim sweep: all %zu results are complete; "
				"nothing to run\n", m.njobs);
		else
			rc = sw_run(&o, &m, todo, n);
		break;
	}
out:
	free(todo);
	sweep_manifest_free(&m);
	sw_opts_free(&o);
	return rc;
}

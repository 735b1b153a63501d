/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_merge.c - the `kmemsim merge` command: a sweep's results over seeds
 *
 *   kmemsim merge DIR|FILE... [--by KEYS] [--metric NAME]...
 *                 [--format text|json|csv|html|svg] [-o FILE] [--allow-missing]
 *
 * Reads run and replay reports (JSON, docs/report-schema.md) -- a sweep's
 * directory, whose manifest (DIR/sweep.json) says which jobs to expect, or
 * report files -- and never a simulator: each report's meta says its point
 * (input, set.*, opt.*, seed) and its sections its figures (sweep.h).
 * Results are grouped by every key that takes more than one value across
 * them, the seed aside, or by --by KEYS (the other keys are then pooled);
 * for each group, policy and metric merge reports n, the mean, a 95%
 * confidence interval of the mean (Student's t, n - 1 degrees of freedom:
 * the seeds are independent samples of the same experiment), the minimum
 * and the maximum, the policies side by side.
 *
 * A job the manifest lists without a result (missing), whose run failed
 * (its log says why), whose report is incomplete or is another point's
 * (failed) is listed in the output, and merge exits 1 unless
 * --allow-missing; a file that is not JSON, or not a report, is an error
 * naming it (and the line and column), exit 1 whatever the options.  What
 * could be merged is always written.
 *
 * The output is deterministic: groups, policies and metrics in a defined
 * order (merge.h), never the order the jobs finished in, no file names of
 * results and no clock, so the same results merge to the same bytes
 * whether they came from one core, GNU parallel or a Slurm array.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim.h"
#include "cmd.h"
#include "cmd_out.h"
#include "merge.h"
#include "sweep.h"

#define MG_MAX_BY	16

enum {
	MG_K_BY = CMD_K_OWN,
	MG_K_METRIC,
	MG_K_ALLOW_MISSING,
};

static const struct cmd_option mg_options[] = {
	{ "by", MG_K_BY, CMD_ARG_REQUIRED, "KEYS", CMD_V_TEXT,
	  "group by these keys (comma-separated: trace, set.ops,\n"
	  "opt.slub_min_objects or just slub_min_objects); default:\n"
	  "every key that varies, the seed aside" },
	{ "metric", MG_K_METRIC, CMD_ARG_REQUIRED, "NAME", CMD_V_TEXT,
	  "report this metric (repeatable; \"all\" for every one);\n"
	  "default: the headline figures" },
	{ "format", CMD_K_FORMAT, CMD_ARG_REQUIRED, "FMT", CMD_V_FORMAT,
	  "text, json, csv, html or svg (one --metric's chart);\n"
	  "default: from -o's extension, else text" },
	CMD_OPT_OUTPUT,
	{ "allow-missing", MG_K_ALLOW_MISSING, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "exit 0 even if jobs are missing or failed (still listed)" },
	{ NULL }
};

static int mg_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_merge = {
	.name = "merge",
	.synopsis = "DIR|FILE... [options]",
	.summary = "merge a sweep's results: mean and 95% CI over seeds",
	.description =
		"Reads the JSON reports of a sweep (a directory written by kmemsim sweep,\n"
		"or report files), groups them by every swept key except the seed, and\n"
		"reports for each group, policy and metric n, the mean, the 95%\n"
		"confidence interval of the mean (Student's t), the minimum and the\n"
		"maximum, the policies side by side.  HTML has one chart per metric\n"
		"across the swept parameter, with error bars.  Jobs of the sweep with\n"
		"no result, or a failed one, are listed.",
	.exit_status = "0 ok, 1 a job is missing or failed (unless\n"
		       "--allow-missing), a file is not a readable report, or the\n"
		       "output could not be written; 2 usage error",
	.options = mg_options,
	.operand = CMD_V_FILE,
	.main = mg_main,
};

/*
 * The figures a merge shows unless --metric says otherwise: the headline
 * figures of run and replay reports alike (docs/sweep.md), each with the
 * unit it counts in.  Some reports give a bare number (replay's totals
 * say "peak slab pages" without "pages", the cache layer "free objects in
 * partial slabs" without "objects"): a chart's axis must still say what
 * it counts, so a headline figure without a unit takes this one.
 */
static const struct { const char *name, *unit; } mg_headline[] = {
	{ "peak slab pages", "pages" },
	{ "pages in slabs and large kmallocs", "pages" },
	{ "internal fragmentation (allocated - requested) / allocated", "%" },
	{ "slab overhead (slab bytes - slot bytes) / slab bytes", "%" },
	{ "free objects in partial slabs", "objects" },
	{ "alloc latency p50", "ns" },
	{ "alloc latency p99", "ns" },
};

/* @m's unit, or the headline figure's when the report gave none */
static const char *mg_unit(const struct sweep_metric *m)
{
	if (*m->unit)
		return m->unit;
	for (size_t i = 0; i < ARRAY_SIZE(mg_headline); i++)
		if (strcmp(mg_headline[i].name, m->name) == 0)
			return mg_headline[i].unit;
	return "";
}

struct mg_opts {
	char **inputs;
	size_t ninputs;
	const char *by[MG_MAX_BY];
	size_t nby;
	char *by_copy;
	const char **metrics;
	size_t nmetrics;
	bool all_metrics;
	enum report_format format;
	bool format_set;
	const char *output;
	bool allow_missing;
};

/* ---- Statistics ---- */

/* t(0.975, df) for df = 1..30 (computed to 9 digits with mpmath) */
static const double mg_t_table[30] = {
	12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
	2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
	2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546,
	2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
	2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553,
	2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
};

double mg_t975(size_t df)
{
	/* beyond the table, the Cornish-Fisher expansion of t in 1/df around
	 * the normal quantile (Abramowitz & Stegun 26.7.5): off by < 3e-8
	 * from df = 31, and only + - * / so every host agrees */
	const double z = 1.959963984540054, n = (double)df;
	double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;

	if (df == 0)
		return NAN;
	if (df <= 30)
		return mg_t_table[df - 1];
	return z + (z3 + z) / (4 * n) +
	       (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n) +
	       (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) /
	       (92160 * n * n * n * n);
}

void mg_stat(const struct merge *mg, size_t group, size_t column, size_t metric,
	     struct mg_stat *st)
{
	const struct mg_group *g = &mg->groups[group];
	double sum = 0, ss = 0;

	st->n = 0;
	st->mean = st->ci = st->min = st->max = NAN;
	for (size_t r = g->first; r < g->first + g->n; r++)
		for (size_t s = 0; s < mg->res[r].nsims; s++) {
			double v = mg->vals[r][s * mg->nmetrics + metric];

			if (mg->cols[r][s] != column || isnan(v))
				continue;
			if (!st->n || v < st->min)
				st->min = v;
			if (!st->n || v > st->max)
				st->max = v;
			sum += v;
			st->n++;
		}
	if (!st->n)
		return;
	st->mean = sum / (double)st->n;
	if (st->n < 2)
		return;
	/* two passes: the deviations from the mean, in the same order */
	for (size_t r = g->first; r < g->first + g->n; r++)
		for (size_t s = 0; s < mg->res[r].nsims; s++) {
			double v = mg->vals[r][s * mg->nmetrics + metric];

			if (mg->cols[r][s] == column && !isnan(v))
				ss += (v - st->mean) * (v - st->mean);
		}
	st->ci = mg_t975(st->n - 1) * sqrt(ss / (double)(st->n - 1)) /
		 sqrt((double)st->n);
}

/* ---- Formatting ---- */

const char *mg_fmt(double v, unsigned decimals, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else {
		snprintf(buf, len, "%.*f", (int)decimals, v);
		if (strspn(buf, "-0.") == strlen(buf) && buf[0] == '-')
			memmove(buf, buf + 1, strlen(buf));	/* no "-0.0" */
	}
	return buf;
}

const char *mg_group_label(const struct merge *mg, const struct mg_group *g,
			   char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < mg->ngkeys && n < len; k++) {
		const struct mg_key *key = &mg->keys[mg->gkeys[k]];
		const char *v = key->values[g->vals[k]];

		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", k ? ", " : "",
				      key->key, *v ? v : "-");
	}
	if (!mg->ngkeys)
		snprintf(buf, len, "all results");
	return buf;
}

const char *mg_seeds_text(const struct merge *mg, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < mg->nseeds && n < len; ) {
		size_t j = i;

		while (j + 1 < mg->nseeds && mg->seeds[j + 1] == mg->seeds[j] + 1)
			j++;
		if (j > i)
			n += (size_t)snprintf(buf + n, len - n, "%s%llu-%llu", i ? ", " : "",
					      (unsigned long long)mg->seeds[i],
					      (unsigned long long)mg->seeds[j]);
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%llu", i ? ", " : "",
					      (unsigned long long)mg->seeds[i]);
		i = j + 1;
	}
	if (!mg->nseeds)
		snprintf(buf, len, "none");
	return buf;
}

/* display width of UTF-8 text: code points */
static size_t mg_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void mg_pad(FILE *f, const char *s, size_t width, bool right)
{
	size_t w = mg_width(s);

	if (right)
		fprintf(f, "%*s%s", (int)(width > w ? width - w : 0), "", s);
	else
		fprintf(f, "%s%*s", s, (int)(width > w ? width - w : 0), "");
}

/* ---- Loading ---- */

static int mg_problem(struct merge *mg, enum mg_problem_kind kind,
		      const char *what, const char *reason)
{
	struct mg_problem *n = realloc(mg->problems, (mg->nproblems + 1) * sizeof *n);

	if (!n)
		return -1;
	mg->problems = n;
	n[mg->nproblems].kind = kind;
	n[mg->nproblems].what = strdup(what);
	n[mg->nproblems].reason = strdup(reason);
	if (!n[mg->nproblems].what || !n[mg->nproblems].reason) {
		free(n[mg->nproblems].what);
		free(n[mg->nproblems].reason);
		return -1;
	}
	mg->nproblems++;
	return 0;
}

/* take @r (moved: the caller's copy is emptied) */
static int mg_take(struct merge *mg, struct sweep_result *r)
{
	struct sweep_result *n = realloc(mg->res, (mg->nres + 1) * sizeof *n);

	if (!n)
		return -1;
	mg->res = n;
	n[mg->nres++] = *r;
	memset(r, 0, sizeof *r);
	return 0;
}

/* one report file: a result, or a problem */
static int mg_load_file(struct merge *mg, const char *path)
{
	struct sweep_result r;
	char err[1024];
	int rc = sweep_result_load(path, &r, err, sizeof err);

	if (rc)
		return mg_problem(mg, MG_CORRUPT, path, err);
	if (r.incomplete) {
		snprintf(err, sizeof err, "incomplete: %s", r.incomplete);
		sweep_result_free(&r);
		return mg_problem(mg, MG_FAILED, path, err);
	}
	rc = mg_take(mg, &r);
	sweep_result_free(&r);
	return rc;
}

/* a sweep's directory: the jobs its manifest lists */
static int mg_load_jobs(struct merge *mg, const char *dir,
			const struct sweep_manifest *m)
{
	for (size_t i = 0; i < m->njobs; i++) {
		const struct sweep_job *j = &m->jobs[i];
		char *path = sweep_path(dir, j->name, ".json");
		struct sweep_result r;
		char err[1024], why[512], log[512];
		int rc;

		if (!path)
			return -1;
		mg->njobs++;
		rc = sweep_result_load(path, &r, err, sizeof err);
		if (rc == SWEEP_ENOENT) {
			/* no result: the log says whether it ran and how it failed */
			if (sweep_log_reason(dir, j->name, log, sizeof log))
				rc = mg_problem(mg, MG_FAILED, j->name,
						log[0] ? log : "no result, and nothing in its log");
			else
				rc = mg_problem(mg, MG_MISSING, j->name,
						"no result (not run yet?)");
		} else if (rc) {
			rc = mg_problem(mg, MG_CORRUPT, j->name, err);
		} else if (!sweep_result_matches(&r, j, why, sizeof why)) {
			char msg[1100];

			/* an old result in the job's place: its failed rerun's log */
			if (sweep_log_reason(dir, j->name, log, sizeof log) && log[0])
				snprintf(msg, sizeof msg, "%s (the result there: %s)", log, why);
			else
				snprintf(msg, sizeof msg, "the result there is not this job's: %s",
					 why);
			rc = mg_problem(mg, MG_FAILED, j->name, msg);
			sweep_result_free(&r);
		} else {
			rc = mg_take(mg, &r);
			sweep_result_free(&r);
		}
		free(path);
		if (rc)
			return -1;
	}
	return 0;
}

static int mg_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* a directory without a manifest: every *.json in it, by name */
static int mg_load_listing(struct merge *mg, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!d) {
		char msg[512];

		snprintf(msg, sizeof msg, "%s: %s", dir, strerror(errno));
		return mg_problem(mg, MG_CORRUPT, dir, msg);
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **nn;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0 ||
		    strcmp(e->d_name, SWEEP_MANIFEST) == 0)
			continue;
		nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn || !(nn[n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			rc = -1;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, mg_strcmp);
	for (size_t i = 0; i < n; i++) {
		char *path = sweep_path(dir, names[i], "");

		if (!rc && (!path || mg_load_file(mg, path)))
			rc = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int mg_load(struct merge *mg, const struct mg_opts *o)
{
	for (size_t i = 0; i < o->ninputs; i++) {
		const char *in = o->inputs[i];
		struct stat st;
		struct sweep_manifest m;
		char err[1024];
		int rc;

		if (stat(in, &st) != 0) {
			snprintf(err, sizeof err, "%s: %s", in, strerror(errno));
			rc = mg_problem(mg, MG_CORRUPT, in, err);
		} else if (!S_ISDIR(st.st_mode)) {
			rc = mg_load_file(mg, in);
		} else {
			rc = sweep_manifest_load(in, &m, err, sizeof err);
			if (rc == SWEEP_ENOENT) {
				rc = mg_load_listing(mg, in);
			} else if (rc) {
				rc = mg_problem(mg, MG_CORRUPT, in, err);
			} else {
				rc = mg_load_jobs(mg, in, &m);
				sweep_manifest_free(&m);
			}
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- Grouping ---- */

static struct mg_key *mg_key_find(struct merge *mg, const char *key)
{
	for (size_t i = 0; i < mg->nkeys; i++)
		if (strcmp(mg->keys[i].key, key) == 0)
			return &mg->keys[i];
	return NULL;
}

static int mg_key_add(struct merge *mg, const char *key)
{
	struct mg_key *n;

	if (mg_key_find(mg, key))
		return 0;
	n = realloc(mg->keys, (mg->nkeys + 1) * sizeof *n);
	if (!n)
		return -1;
	mg->keys = n;
	memset(&n[mg->nkeys], 0, sizeof *n);
	if (!(n[mg->nkeys].key = strdup(key)))
		return -1;
	mg->nkeys++;
	return 0;
}

static int mg_value_cmp(const void *a, const void *b)
{
	return sweep_value_cmp(*(char *const *)a, *(char *const *)b);
}

static size_t mg_value_index(const struct mg_key *k, const char *v)
{
	for (size_t i = 0; i < k->nvalues; i++)
		if (strcmp(k->values[i], v) == 0)
			return i;
	return 0;	/* cannot be: every value was collected */
}

/* every key (the input's first, then as the results name them) and its values */
static int mg_keys(struct merge *mg)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t r = 0; r < mg->nres; r++)
			for (size_t i = 0; i < mg->res[r].npoint; i++) {
				const char *k = mg->res[r].point[i].key;
				bool input = strcmp(k, "scenario") == 0 || strcmp(k, "trace") == 0;

				if (input == (pass == 0) && mg_key_add(mg, k))
					return -1;
			}
	for (size_t k = 0; k < mg->nkeys; k++) {
		struct mg_key *key = &mg->keys[k];

		for (size_t r = 0; r < mg->nres; r++) {
			const char *v = sweep_result_get(&mg->res[r], key->key);
			char **n;
			bool seen = false;

			v = v ? v : "";
			for (size_t i = 0; i < key->nvalues && !seen; i++)
				seen = strcmp(key->values[i], v) == 0;
			if (seen)
				continue;
			n = realloc(key->values, (key->nvalues + 1) * sizeof *n);
			if (!n)
				return -1;
			key->values = n;
			if (!(n[key->nvalues] = strdup(v)))
				return -1;
			key->nvalues++;
		}
		if (key->nvalues)
			qsort(key->values, key->nvalues, sizeof *key->values, mg_value_cmp);
	}
	return 0;
}

/* the group keys: --by's, or those that vary */
static int mg_group_keys(const struct cmd *cmd, struct merge *mg,
			 const struct mg_opts *o)
{
	mg->gkeys = calloc(mg->nkeys + 1, sizeof *mg->gkeys);
	if (!mg->gkeys)
		return -1;
	if (!o->nby) {
		for (size_t k = 0; k < mg->nkeys; k++)
			if (mg->keys[k].nvalues > 1) {
				mg->keys[k].grouped = true;
				mg->gkeys[mg->ngkeys++] = k;
			}
	}
	for (size_t b = 0; b < o->nby; b++) {
		const char *want = o->by[b];
		size_t found = SIZE_MAX, hits = 0;
		char list[1024];
		size_t n = 0;

		for (size_t k = 0; k < mg->nkeys; k++) {
			const char *key = mg->keys[k].key;
			bool input = strcmp(key, "scenario") == 0 || strcmp(key, "trace") == 0;

			if (strcmp(key, want) == 0) {
				found = k;
				hits = 1;
				break;
			}
			/* "slub_min_objects" for opt.slub_min_objects; "input" */
			if ((strlen(key) > 4 && strcmp(key + 4, want) == 0) ||
			    (input && strcmp(want, "input") == 0)) {
				found = k;
				hits++;
			}
		}
		if (hits != 1) {
			for (size_t k = 0; k < mg->nkeys && n < sizeof list; k++)
				n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
						      k ? ", " : "", mg->keys[k].key);
			return cmd_error(cmd, "--by %s: %s key of that name (the keys: %s)",
					 want, hits ? "more than one" : "no", n ? list : "none");
		}
		if (mg->keys[found].grouped)
			return cmd_error(cmd, "--by: key %s twice", mg->keys[found].key);
		mg->keys[found].grouped = true;
		mg->gkeys[mg->ngkeys++] = found;
	}
	/* the charts' x axis: the first group key whose values are numbers */
	mg->xkey = mg->ngkeys ? 0 : SIZE_MAX;
	for (size_t g = 0; g < mg->ngkeys; g++) {
		const struct mg_key *key = &mg->keys[mg->gkeys[g]];
		bool numeric = true;

		for (size_t i = 0; i < key->nvalues && numeric; i++) {
			char *end;

			numeric = key->values[i][0] && (strtod(key->values[i], &end), !*end);
		}
		if (numeric) {
			mg->xkey = g;
			break;
		}
	}
	return 0;
}

struct mg_sortkey {
	size_t *vals;		/* value index per group key */
	size_t n;		/* how many: qsort passes no context */
	uint64_t seed;
	const char *path;
	size_t index;
};

static int mg_sortkey_cmp(const void *a, const void *b)
{
	const struct mg_sortkey *x = a, *y = b;

	for (size_t k = 0; k < x->n; k++)
		if (x->vals[k] != y->vals[k])
			return x->vals[k] < y->vals[k] ? -1 : 1;
	if (x->seed != y->seed)
		return x->seed < y->seed ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* sort the results by group, seed and path, and cut them into groups */
static int mg_groups(struct merge *mg)
{
	struct mg_sortkey *sk = calloc(mg->nres + 1, sizeof *sk);
	struct sweep_result *sorted = calloc(mg->nres + 1, sizeof *sorted);
	size_t *vals = calloc((mg->nres + 1) * (mg->ngkeys + 1), sizeof *vals);
	int rc = -1;

	mg->res_group = calloc(mg->nres + 1, sizeof *mg->res_group);
	mg->groups = calloc(mg->nres + 1, sizeof *mg->groups);
	if (!sk || !sorted || !vals || !mg->res_group || !mg->groups)
		goto out;
	for (size_t r = 0; r < mg->nres; r++) {
		sk[r].vals = vals + r * (mg->ngkeys + 1);
		sk[r].n = mg->ngkeys;
		for (size_t k = 0; k < mg->ngkeys; k++) {
			const struct mg_key *key = &mg->keys[mg->gkeys[k]];
			const char *v = sweep_result_get(&mg->res[r], key->key);

			sk[r].vals[k] = mg_value_index(key, v ? v : "");
		}
		sk[r].seed = mg->res[r].has_seed ? mg->res[r].seed : UINT64_MAX;
		sk[r].path = mg->res[r].path;
		sk[r].index = r;
	}
	qsort(sk, mg->nres, sizeof *sk, mg_sortkey_cmp);
	for (size_t r = 0; r < mg->nres; r++) {
		struct mg_group *g = mg->ngroups ? &mg->groups[mg->ngroups - 1] : NULL;

		sorted[r] = mg->res[sk[r].index];
		if (!g || memcmp(g->vals, sk[r].vals, mg->ngkeys * sizeof *vals) != 0) {
			g = &mg->groups[mg->ngroups++];
			g->vals = malloc((mg->ngkeys + 1) * sizeof *g->vals);
			if (!g->vals)
				goto out;
			memcpy(g->vals, sk[r].vals, mg->ngkeys * sizeof *vals);
			g->first = r;
		}
		g->n++;
		mg->res_group[r] = mg->ngroups - 1;
	}
	free(mg->res);
	mg->res = sorted;
	sorted = NULL;
	rc = 0;
out:
	free(sk);
	free(sorted);
	free(vals);
	return rc;
}

/* the policies first, in the kernel's order, then any other column */
static int mg_column_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t ix = SIZE_MAX, iy = SIZE_MAX;

	for (size_t i = 0; sim_policy_name(i); i++) {
		if (strcmp(sim_policy_name(i), x) == 0)
			ix = i;
		if (strcmp(sim_policy_name(i), y) == 0)
			iy = i;
	}
	if (ix != iy)
		return ix < iy ? -1 : 1;
	return strcmp(x, y);
}

static size_t mg_column_index(const struct merge *mg, const char *c)
{
	for (size_t i = 0; i < mg->ncolumns; i++)
		if (strcmp(mg->columns[i], c) == 0)
			return i;
	return SIZE_MAX;
}

static size_t mg_metric_index(const struct merge *mg, const char *name)
{
	for (size_t i = 0; i < mg->nmetrics; i++)
		if (strcmp(mg->metrics[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* columns, the metric registry, the seeds, and each simulator's values */
static int mg_index(struct merge *mg)
{
	for (size_t r = 0; r < mg->nres; r++)
		for (size_t s = 0; s < mg->res[r].nsims; s++) {
			const struct sweep_sim *sim = &mg->res[r].sims[s];
			char **n;

			for (size_t i = 0; i < sim->nm; i++) {
				const struct sweep_metric *m = &sim->m[i];
				size_t k = mg_metric_index(mg, m->name);
				struct mg_metric *nm;

				if (k != SIZE_MAX) {
					if (m->decimals > mg->metrics[k].decimals)
						mg->metrics[k].decimals = m->decimals;
					continue;
				}
				nm = realloc(mg->metrics, (mg->nmetrics + 1) * sizeof *nm);
				if (!nm)
					return -1;
				mg->metrics = nm;
				nm[mg->nmetrics].name = strdup(m->name);
				nm[mg->nmetrics].unit = strdup(mg_unit(m));
				nm[mg->nmetrics].decimals = m->decimals;
				mg->nmetrics++;
				if (!nm[mg->nmetrics - 1].name || !nm[mg->nmetrics - 1].unit)
					return -1;
			}
			if (mg_column_index(mg, sim->column) != SIZE_MAX)
				continue;
			n = realloc(mg->columns, (mg->ncolumns + 1) * sizeof *n);
			if (!n)
				return -1;
			mg->columns = n;
			if (!(n[mg->ncolumns] = strdup(sim->column)))
				return -1;
			mg->ncolumns++;
		}
	if (mg->ncolumns)
		qsort(mg->columns, mg->ncolumns, sizeof *mg->columns, mg_column_cmp);
	mg->seeds = calloc(mg->nres + 1, sizeof *mg->seeds);
	mg->vals = calloc(mg->nres + 1, sizeof *mg->vals);
	mg->cols = calloc(mg->nres + 1, sizeof *mg->cols);
	if (!mg->seeds || !mg->vals || !mg->cols)
		return -1;
	for (size_t r = 0; r < mg->nres; r++) {
		const struct sweep_result *res = &mg->res[r];
		bool seen = false;

		for (size_t i = 0; i < mg->nseeds && res->has_seed && !seen; i++)
			seen = mg->seeds[i] == res->seed;
		if (res->has_seed && !seen) {
			size_t i = mg->nseeds++;

			while (i > 0 && mg->seeds[i - 1] > res->seed) {
				mg->seeds[i] = mg->seeds[i - 1];
				i--;
			}
			mg->seeds[i] = res->seed;
		}
		mg->vals[r] = malloc((res->nsims * mg->nmetrics + 1) * sizeof **mg->vals);
		mg->cols[r] = malloc((res->nsims + 1) * sizeof **mg->cols);
		if (!mg->vals[r] || !mg->cols[r])
			return -1;
		for (size_t s = 0; s < res->nsims; s++) {
			double *v = mg->vals[r] + s * mg->nmetrics;

			mg->cols[r][s] = mg_column_index(mg, res->sims[s].column);
			for (size_t k = 0; k < mg->nmetrics; k++)
				v[k] = NAN;
			for (size_t i = 0; i < res->sims[s].nm; i++)
				v[mg_metric_index(mg, res->sims[s].m[i].name)] =
					res->sims[s].m[i].value;
		}
	}
	return 0;
}

/* which metrics to show: --metric's, all, or the headline figures present */
static int mg_select(const struct cmd *cmd, struct merge *mg, const struct mg_opts *o)
{
	mg->shown = calloc(mg->nmetrics + o->nmetrics + 1, sizeof *mg->shown);
	if (!mg->shown)
		return -1;
	if (o->all_metrics) {
		for (size_t i = 0; i < mg->nmetrics; i++)
			mg->shown[mg->nshown++] = i;
		return 0;
	}
	for (size_t i = 0; i < o->nmetrics; i++) {
		size_t k = mg_metric_index(mg, o->metrics[i]);

		if (k == SIZE_MAX) {
			const char **names = calloc(mg->nmetrics + 1, sizeof *names);
			const char *hint;

			if (!names)
				return -1;
			for (size_t j = 0; j < mg->nmetrics; j++)
				names[j] = mg->metrics[j].name;
			hint = sim_suggest(o->metrics[i], names, mg->nmetrics);
			if (hint)
				cmd_error(cmd, "--metric '%s': no such metric in the results "
					  "(did you mean '%s'?)", o->metrics[i], hint);
			else
				cmd_error(cmd, "--metric '%s': no such metric in the results "
					  "(--metric all shows every one)", o->metrics[i]);
			free(names);
			return CMD_EXIT_USAGE;
		}
		for (size_t j = 0; j < mg->nshown; j++)
			if (mg->shown[j] == k)
				return cmd_error(cmd, "--metric '%s' twice", o->metrics[i]);
		mg->shown[mg->nshown++] = k;
	}
	if (o->nmetrics)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(mg_headline); i++) {
		size_t k = mg_metric_index(mg, mg_headline[i].name);

		if (k != SIZE_MAX)
			mg->shown[mg->nshown++] = k;
	}
	if (!mg->nshown)	/* not a simulator's report: everything it has */
		for (size_t i = 0; i < mg->nmetrics; i++)
			mg->shown[mg->nshown++] = i;
	return 0;
}

static void mg_free(struct merge *mg)
{
	for (size_t r = 0; r < mg->nres; r++) {
		sweep_result_free(&mg->res[r]);
		if (mg->vals)
			free(mg->vals[r]);
		if (mg->cols)
			free(mg->cols[r]);
	}
	free(mg->vals);
	free(mg->cols);
	free(mg->res);
	free(mg->res_group);
	for (size_t k = 0; k < mg->nkeys; k++) {
		for (size_t i = 0; i < mg->keys[k].nvalues; i++)
			free(mg->keys[k].values[i]);
		free(mg->keys[k].values);
		free(mg->keys[k].key);
	}
	free(mg->keys);
	free(mg->gkeys);
	for (size_t i = 0; i < mg->ncolumns; i++)
		free(mg->columns[i]);
	free(mg->columns);
	for (size_t i = 0; i < mg->nmetrics; i++) {
		free(mg->metrics[i].name);
		free(mg->metrics[i].unit);
	}
	free(mg->metrics);
	free(mg->shown);
	for (size_t g = 0; g < mg->ngroups; g++)
		free(mg->groups[g].vals);
	free(mg->groups);
	free(mg->seeds);
	for (size_t i = 0; i < mg->nproblems; i++) {
		free(mg->problems[i].what);
		free(mg->problems[i].reason);
	}
	free(mg->problems);
	memset(mg, 0, sizeof *mg);
}

/* ---- Text ---- */

static const char *const mg_problem_names[] = {
	[MG_MISSING] = "missing", [MG_FAILED] = "failed", [MG_CORRUPT] = "unreadable",
};

/* the keys every result shares, and those pooled (not grouped, varying) */
static void mg_text_keys(const struct merge *mg, FILE *f)
{
	bool any = false;

	for (size_t k = 0; k < mg->nkeys; k++) {
		const struct mg_key *key = &mg->keys[k];

		if (key->grouped || key->nvalues != 1)
			continue;
		fprintf(f, "%s%s=%s", any ? ", " : "the same in every result: ", key->key,
			key->values[0][0] ? key->values[0] : "-");
		any = true;
	}
	if (any)
		fputc('\n', f);
	any = false;
	for (size_t k = 0; k < mg->nkeys; k++) {
		const struct mg_key *key = &mg->keys[k];

		if (key->grouped || key->nvalues < 2)
			continue;
		fprintf(f, "%s%s (%zu values)", any ? ", " : "pooled over: ", key->key,
			key->nvalues);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

/* the cells of one row: n, mean, +-CI, min, max per column */
#define MG_CELLS 5

static void mg_cells(const struct merge *mg, size_t g, size_t c, size_t m,
		     char cells[MG_CELLS][48])
{
	const struct mg_metric *mt = &mg->metrics[m];
	struct mg_stat st;

	mg_stat(mg, g, c, m, &st);
	snprintf(cells[0], 48, "%zu", st.n);
	mg_fmt(st.mean, mt->decimals + 1, cells[1], 48);
	mg_fmt(st.ci, mt->decimals + 1, cells[2], 48);
	mg_fmt(st.min, mt->decimals, cells[3], 48);
	mg_fmt(st.max, mt->decimals, cells[4], 48);
}

static void mg_write_text(const struct merge *mg, FILE *f)
{
	static const char *const heads[MG_CELLS] = { "n", "mean", "\xC2\xB1" "95% CI",
						     "min", "max" };
	char buf[1024];
	size_t wname = strlen("metric"), wunit = strlen("unit");
	size_t *w = calloc(mg->ncolumns * MG_CELLS + 1, sizeof *w);

	fprintf(f, "kmemsim merge: %zu result%s", mg->nres, mg->nres == 1 ? "" : "s");
	if (mg->njobs)
		fprintf(f, " of %zu jobs", mg->njobs);
	fprintf(f, ", %zu group%s; seeds %s\n", mg->ngroups, mg->ngroups == 1 ? "" : "s",
		mg_seeds_text(mg, buf, sizeof buf));
	if (mg->ngkeys) {
		fprintf(f, "grouped by: ");
		for (size_t k = 0; k < mg->ngkeys; k++)
			fprintf(f, "%s%s (%zu)", k ? ", " : "", mg->keys[mg->gkeys[k]].key,
				mg->keys[mg->gkeys[k]].nvalues);
		fputc('\n', f);
	}
	mg_text_keys(mg, f);
	fprintf(f, "per metric and policy: n results, their mean, the 95%% confidence "
		"interval\nof the mean (Student's t), minimum and maximum\n");
	if (!w)
		return;
	/* one width per cell column over every group, so tables line up */
	for (size_t i = 0; i < mg->nshown; i++) {
		const struct mg_metric *mt = &mg->metrics[mg->shown[i]];

		wname = mg_width(mt->name) > wname ? mg_width(mt->name) : wname;
		wunit = mg_width(mt->unit) > wunit ? mg_width(mt->unit) : wunit;
	}
	for (size_t c = 0; c < mg->ncolumns; c++)
		for (size_t k = 0; k < MG_CELLS; k++) {
			size_t *cw = &w[c * MG_CELLS + k];

			*cw = mg_width(heads[k]);
			for (size_t g = 0; g < mg->ngroups; g++)
				for (size_t i = 0; i < mg->nshown; i++) {
					char cells[MG_CELLS][48];

					mg_cells(mg, g, c, mg->shown[i], cells);
					if (strlen(cells[k]) > *cw)
						*cw = strlen(cells[k]);
				}
		}
	for (size_t g = 0; g < mg->ngroups; g++) {
		fprintf(f, "\n%s: %zu result%s\n",
			mg_group_label(mg, &mg->groups[g], buf, sizeof buf), mg->groups[g].n,
			mg->groups[g].n == 1 ? "" : "s");
		/* the policies over their cells */
		mg_pad(f, "", wname + 2 + wunit, false);
		for (size_t c = 0; c < mg->ncolumns; c++) {
			size_t bw = 0;

			for (size_t k = 0; k < MG_CELLS; k++)
				bw += w[c * MG_CELLS + k] + (k ? 2 : 0);
			fputs("   ", f);
			mg_pad(f, mg->columns[c], c + 1 < mg->ncolumns ? bw : 0, false);
		}
		fputc('\n', f);
		mg_pad(f, "metric", wname, false);
		fputs("  ", f);
		mg_pad(f, "unit", wunit, false);
		for (size_t c = 0; c < mg->ncolumns; c++)
			for (size_t k = 0; k < MG_CELLS; k++) {
				fputs(k ? "  " : "   ", f);
				mg_pad(f, heads[k], w[c * MG_CELLS + k], true);
			}
		fputc('\n', f);
		for (size_t i = 0; i < mg->nshown; i++) {
			const struct mg_metric *mt = &mg->metrics[mg->shown[i]];

			mg_pad(f, mt->name, wname, false);
			fputs("  ", f);
			mg_pad(f, mt->unit, wunit, false);
			for (size_t c = 0; c < mg->ncolumns; c++) {
				char cells[MG_CELLS][48];

				mg_cells(mg, g, c, mg->shown[i], cells);
				for (size_t k = 0; k < MG_CELLS; k++) {
					fputs(k ? "  " : "   ", f);
					mg_pad(f, cells[k], w[c * MG_CELLS + k], true);
				}
			}
			fputc('\n', f);
		}
	}
	free(w);
	if (mg->nproblems) {
		fprintf(f, "\n%zu %s without a usable result:\n", mg->nproblems,
			mg->njobs ? "jobs" : "files");
		for (size_t i = 0; i < mg->nproblems; i++)
			fprintf(f, "  %-10s %s: %s\n", mg_problem_names[mg->problems[i].kind],
				mg->problems[i].what, mg->problems[i].reason);
	}
}

/* ---- JSON ---- */

static void mg_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void mg_json_num(FILE *f, double v, unsigned decimals)
{
	char buf[64];

	if (isnan(v))
		fputs("null", f);
	else
		fputs(mg_fmt(v, decimals, buf, sizeof buf), f);
}

static void mg_write_json(const struct merge *mg, FILE *f)
{
	fprintf(f, "{\n  \"schema\": \"kmemsim-merge\",\n  \"version\": 1,\n");
	fprintf(f, "  \"results\": %zu,\n  \"jobs\": %zu,\n  \"seeds\": [", mg->nres,
		mg->njobs);
	for (size_t i = 0; i < mg->nseeds; i++)
		fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)mg->seeds[i]);
	fprintf(f, "],\n  \"group_keys\": [");
	for (size_t k = 0; k < mg->ngkeys; k++) {
		fputs(k ? ", " : "", f);
		mg_json_str(f, mg->keys[mg->gkeys[k]].key);
	}
	fprintf(f, "],\n  \"fixed\": {");
	for (size_t k = 0, n = 0; k < mg->nkeys; k++)
		if (!mg->keys[k].grouped && mg->keys[k].nvalues == 1) {
			fputs(n++ ? ", " : "", f);
			mg_json_str(f, mg->keys[k].key);
			fputs(": ", f);
			mg_json_str(f, mg->keys[k].values[0]);
		}
	fprintf(f, "},\n  \"pooled\": [");
	for (size_t k = 0, n = 0; k < mg->nkeys; k++)
		if (!mg->keys[k].grouped && mg->keys[k].nvalues > 1) {
			fputs(n++ ? ", " : "", f);
			mg_json_str(f, mg->keys[k].key);
		}
	fprintf(f, "],\n  \"columns\": [");
	for (size_t c = 0; c < mg->ncolumns; c++) {
		fputs(c ? ", " : "", f);
		mg_json_str(f, mg->columns[c]);
	}
	fprintf(f, "],\n  \"metrics\": [");
	for (size_t i = 0; i < mg->nshown; i++) {
		const struct mg_metric *mt = &mg->metrics[mg->shown[i]];

		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		mg_json_str(f, mt->name);
		fputs(", \"unit\": ", f);
		mg_json_str(f, mt->unit);
		fprintf(f, ", \"decimals\": %u}", mt->decimals);
	}
	fprintf(f, "\n  ],\n  \"groups\": [");
	for (size_t g = 0; g < mg->ngroups; g++) {
		fprintf(f, "%s\n    {\"point\": {", g ? "," : "");
		for (size_t k = 0; k < mg->ngkeys; k++) {
			const struct mg_key *key = &mg->keys[mg->gkeys[k]];

			fputs(k ? ", " : "", f);
			mg_json_str(f, key->key);
			fputs(": ", f);
			mg_json_str(f, key->values[mg->groups[g].vals[k]]);
		}
		fprintf(f, "}, \"results\": %zu,\n     \"stats\": [", mg->groups[g].n);
		for (size_t i = 0; i < mg->nshown; i++) {
			const struct mg_metric *mt = &mg->metrics[mg->shown[i]];

			fprintf(f, "%s\n      {\"metric\": ", i ? "," : "");
			mg_json_str(f, mt->name);
			fputs(", \"columns\": {", f);
			for (size_t c = 0; c < mg->ncolumns; c++) {
				struct mg_stat st;

				mg_stat(mg, g, c, mg->shown[i], &st);
				fputs(c ? ", " : "", f);
				mg_json_str(f, mg->columns[c]);
				fprintf(f, ": {\"n\": %zu, \"mean\": ", st.n);
				mg_json_num(f, st.mean, mt->decimals + 1);
				fputs(", \"ci95\": ", f);
				mg_json_num(f, st.ci, mt->decimals + 1);
				fputs(", \"min\": ", f);
				mg_json_num(f, st.min, mt->decimals);
				fputs(", \"max\": ", f);
				mg_json_num(f, st.max, mt->decimals);
				fputc('}', f);
			}
			fputs("}}", f);
		}
		fprintf(f, "\n     ]}");
	}
	fprintf(f, "\n  ],\n  \"problems\": [");
	for (size_t i = 0; i < mg->nproblems; i++) {
		fprintf(f, "%s\n    {\"job\": ", i ? "," : "");
		mg_json_str(f, mg->problems[i].what);
		fprintf(f, ", \"status\": \"%s\", \"reason\": ",
			mg_problem_names[mg->problems[i].kind]);
		mg_json_str(f, mg->problems[i].reason);
		fputc('}', f);
	}
	fprintf(f, "%s]\n}\n", mg->nproblems ? "\n  " : "");
}

/* ---- CSV (RFC 4180) ---- */

static void mg_csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

/* one row per group, policy and metric that has values; then "# problems"
 * and a table of them */
static void mg_write_csv(const struct merge *mg, FILE *f)
{
	static const char *const tail[] = { "policy", "metric", "unit", "n", "mean",
					    "ci95", "min", "max" };

	for (size_t k = 0; k < mg->ngkeys; k++)
		mg_csv_field(f, mg->keys[mg->gkeys[k]].key, false);
	for (size_t i = 0; i < ARRAY_SIZE(tail); i++)
		mg_csv_field(f, tail[i], i + 1 == ARRAY_SIZE(tail));
	for (size_t g = 0; g < mg->ngroups; g++)
		for (size_t c = 0; c < mg->ncolumns; c++)
			for (size_t i = 0; i < mg->nshown; i++) {
				const struct mg_metric *mt = &mg->metrics[mg->shown[i]];
				struct mg_stat st;
				char buf[64];

				mg_stat(mg, g, c, mg->shown[i], &st);
				if (!st.n)
					continue;	/* no such simulator in this group */
				for (size_t k = 0; k < mg->ngkeys; k++)
					mg_csv_field(f, mg->keys[mg->gkeys[k]].values[mg->groups[g].vals[k]],
						     false);
				mg_csv_field(f, mg->columns[c], false);
				mg_csv_field(f, mt->name, false);
				mg_csv_field(f, mt->unit, false);
				snprintf(buf, sizeof buf, "%zu", st.n);
				mg_csv_field(f, buf, false);
				mg_csv_field(f, isnan(st.mean) ? "" : mg_fmt(st.mean, mt->decimals + 1, buf, sizeof buf), false);
				mg_csv_field(f, isnan(st.ci) ? "" : mg_fmt(st.ci, mt->decimals + 1, buf, sizeof buf), false);
				mg_csv_field(f, isnan(st.min) ? "" : mg_fmt(st.min, mt->decimals, buf, sizeof buf), false);
				mg_csv_field(f, isnan(st.max) ? "" : mg_fmt(st.max, mt->decimals, buf, sizeof buf), true);
			}
	if (!mg->nproblems)
		return;
	fputs("\n# problems\njob,status,reason\n", f);
	for (size_t i = 0; i < mg->nproblems; i++) {
		mg_csv_field(f, mg->problems[i].what, false);
		mg_csv_field(f, mg_problem_names[mg->problems[i].kind], false);
		mg_csv_field(f, mg->problems[i].reason, true);
	}
}

/* ---- The command ---- */

static int mg_parse(const struct cmd *cmd, int argc, char **argv, struct mg_opts *o)
{
	struct cmd_getopt g;
	int key;

	memset(o, 0, sizeof *o);
	o->format = REPORT_FMT_TEXT;
	o->metrics = calloc((size_t)argc + 1, sizeof *o->metrics);
	if (!o->metrics)
		return cmd_error(cmd, "out of host memory");
	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		const char *v = g.arg;

		switch (key) {
		case CMD_GETOPT_HELP:
			return -1;
		case CMD_GETOPT_ERROR:
			return CMD_EXIT_USAGE;
		case MG_K_BY: {
			char *save = NULL, *tok;

			free(o->by_copy);
			o->nby = 0;
			if (!(o->by_copy = strdup(v)))
				return cmd_error(cmd, "out of host memory");
			for (tok = strtok_r(o->by_copy, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (o->nby == MG_MAX_BY)
					return cmd_error(cmd, "--by: at most %d keys", MG_MAX_BY);
				o->by[o->nby++] = tok;
			}
			if (!o->nby)
				return cmd_error(cmd, "--by needs at least one key");
			break;
		}
		case MG_K_METRIC:
			if (!*v)
				return cmd_error(cmd, "--metric needs a metric's name");
			if (strcmp(v, "all") == 0)
				o->all_metrics = true;
			else
				o->metrics[o->nmetrics++] = v;
			break;
		case CMD_K_FORMAT:
			if (report_format_parse(v, &o->format) != SIM_OK)
				return cmd_error(cmd, "unknown format '%s' (text, json, csv, "
						 "html, svg)", v);
			o->format_set = true;
			break;
		case CMD_K_OUTPUT:
			if (!*v)
				return cmd_error(cmd, "%s needs a file name", g.spelled);
			o->output = v;
			break;
		case MG_K_ALLOW_MISSING:
			o->allow_missing = true;
			break;
		default:	/* a row without a case: a bug, said as such */
			return cmd_error(cmd, "option %s is not handled", g.spelled);
		}
	}
	o->inputs = argv + g.optind;
	o->ninputs = (size_t)(argc - g.optind);
	if (!o->ninputs)
		return cmd_error(cmd, "missing DIR or FILE: the results to merge");
	if (!o->format_set && o->output)
		cmd_format_of(o->output, &o->format);
	if (o->all_metrics && o->nmetrics)
		return cmd_error(cmd, "--metric all, or metrics by name: not both");
	if (o->format == REPORT_FMT_SVG && (o->nmetrics != 1 || o->all_metrics))
		return cmd_error(cmd, "an SVG is one chart: name its metric with one --metric");
	return 0;
}

static int mg_main(const struct cmd *cmd, int argc, char **argv)
{
	struct mg_opts o;
	struct merge mg = { 0 };
	struct cmd_out out;
	size_t bad = 0, unreadable = 0;
	int rc = 0;

	rc = mg_parse(cmd, argc, argv, &o);
	if (rc != 0)
		goto done;
	if (mg_load(&mg, &o) || mg_keys(&mg)) {
		fprintf(stderr, "kmemsim merge: out of host memory\n");
		rc = CMD_EXIT_FAILED;
		goto done;
	}
	rc = mg_group_keys(cmd, &mg, &o);
	if (rc)
		goto done;
	if (mg_groups(&mg) || mg_index(&mg)) {
		fprintf(stderr, "kmemsim merge: out of host memory\n");
		rc = CMD_EXIT_FAILED;
		goto done;
	}
	rc = mg_select(cmd, &mg, &o);
	if (rc)
		goto done;
	for (size_t i = 0; i < mg.nproblems; i++) {
		if (mg.problems[i].kind == MG_CORRUPT) {
			fprintf(stderr, "kmemsim merge: %s\n", mg.problems[i].reason);
			unreadable++;
		}
		bad++;
	}
	if (!mg.nres)
		fprintf(stderr, "kmemsim merge: no result to merge\n");
	/* what could be merged is written, whatever is missing */
	if (cmd_out_open(&out, o.output, "kmemsim merge") != 0) {
		rc = CMD_EXIT_FAILED;
		goto done;
	}
	switch (o.format) {
	case REPORT_FMT_TEXT:
		mg_write_text(&mg, out.f);
		break;
	case REPORT_FMT_JSON:
		mg_write_json(&mg, out.f);
		break;
	case REPORT_FMT_CSV:
		mg_write_csv(&mg, out.f);
		break;
	case REPORT_FMT_HTML:
		rc = mg_write_html(&mg, out.f);
		break;
	case REPORT_FMT_SVG:
		rc = mg_write_svg(&mg, mg.shown[0], out.f);
		break;
	default:
		break;
	}
	if (rc) {
		fprintf(stderr, "kmemsim merge: out of host memory\n");
		cmd_out_abort(&out);
		rc = CMD_EXIT_FAILED;
		goto done;
	}
	if (cmd_out_close(&out) != 0) {
		rc = CMD_EXIT_FAILED;
		goto done;
	}
	if (rc)
		rc = CMD_EXIT_FAILED;
	else if (unreadable || !mg.nres)
		rc = CMD_EXIT_FAILED;
	else if (bad && !o.allow_missing) {
		fprintf(stderr, "kmemsim merge: %zu of %zu jobs have no usable result "
			"(listed in the output; --allow-missing to accept)\n", bad,
			mg.njobs ? mg.njobs : mg.nres + bad);
		rc = CMD_EXIT_FAILED;
	}
done:
	mg_free(&mg);
	free(o.metrics);
	free(o.by_copy);
	return rc < 0 ? 0 : rc;
}

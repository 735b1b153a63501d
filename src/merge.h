/* SPDX-License-Identifier: GPL-2.0-or-later */
/* merge.h - a merged sweep: results grouped by point, statistics over seeds
 *
 * `kmemsim merge` (cmd_merge.c) reads a sweep's results (sweep.h), groups
 * them by every swept key but the seed (or by --by KEYS), and for each
 * group, simulator column (policy) and metric computes n, the mean, the
 * minimum, the maximum and a 95% confidence interval of the mean over the
 * group's results (Student's t with n - 1 degrees of freedom).  The text,
 * JSON and CSV renderings are in cmd_merge.c; the HTML page and its SVG
 * charts (one per metric, across the swept parameter, with error bars) in
 * merge_html.c.
 *
 * Everything is in a defined order -- keys as the results name them,
 * values and groups sorted (numbers by value), results by group, seed and
 * file name -- so the output does not depend on the order the jobs ran
 * or finished in, and sums are taken in that order too.
 */
#ifndef SIM_MERGE_H
#define SIM_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep.h"

/* ---- Types ---- */

/* n, mean, min, max and the half-width of the 95% CI of one cell */
struct mg_stat {
	size_t n;
	double mean, ci, min, max;	/* NAN when not known (n = 0; ci: n < 2) */
};

struct mg_metric {
	char *name;
	char *unit;
	unsigned decimals;	/* of the values; means and CIs get one more */
};

/* a point key and its distinct values, sorted (sweep_value_cmp) */
struct mg_key {
	char *key;
	char **values;		/* "" where a result lacks the key */
	size_t nvalues;
	bool grouped;		/* a group key (swept, or named by --by) */
};

struct mg_group {
	size_t *vals;		/* per group key: the index of its value */
	size_t first, n;	/* its results: mg->res[first .. first + n) */
};

/* a job without a usable result */
enum mg_problem_kind { MG_MISSING, MG_FAILED, MG_CORRUPT };

struct mg_problem {
	enum mg_problem_kind kind;
	char *what;		/* the job's name, or the file */
	char *reason;
};

struct merge {
	struct sweep_result *res;	/* sorted by group, seed, path */
	size_t nres;
	size_t *res_group;		/* the group of each result */
	struct mg_key *keys;		/* every point key, the input's first */
	size_t nkeys;
	size_t *gkeys;			/* the group keys (indices into keys), in order */
	size_t ngkeys;
	size_t xkey;			/* the charts' x axis: an index into gkeys, or SIZE_MAX */
	char **columns;			/* policies, in the kernel's order, then others */
	size_t ncolumns;
	struct mg_metric *metrics;	/* every metric, first seen first */
	size_t nmetrics;
	size_t *shown;			/* the metrics reported (indices), in order */
	size_t nshown;
	struct mg_group *groups;
	size_t ngroups;
	uint64_t *seeds;		/* distinct, ascending */
	size_t nseeds;
	struct mg_problem *problems;
	size_t nproblems;
	size_t njobs;			/* jobs the manifests list (0: none read) */
	double **vals;			/* [result][sim * nmetrics + metric], NAN: absent */
	size_t **cols;			/* [result][sim]: the sim's column */
};

/* ---- Prototypes ---- */

/** mg_stat - the statistics of @metric in @group's results, simulators @column */
void mg_stat(const struct merge *mg, size_t group, size_t column, size_t metric,
	     struct mg_stat *st);

/** mg_t975 - Student's t quantile 0.975 with @df degrees of freedom (df >= 1) */
double mg_t975(size_t df);

/** mg_fmt - @v with @decimals digits after the point ("-" for NAN) into @buf */
const char *mg_fmt(double v, unsigned decimals, char *buf, size_t len);

/** mg_group_label - "key=value, key=value" of @g's group keys into @buf */
const char *mg_group_label(const struct merge *mg, const struct mg_group *g,
			   char *buf, size_t len);

/** mg_seeds_text - the seeds as ranges, "1-10" or "1-5, 9", into @buf */
const char *mg_seeds_text(const struct merge *mg, char *buf, size_t len);

/**
 * mg_write_html - the whole merge as one self-contained page on @f
 * mg_write_svg - the chart of metric @metric alone, as an SVG file
 * Return: 0, or -1 if host memory ran out (nothing useful written).
 */
int mg_write_html(const struct merge *mg, FILE *f);
int mg_write_svg(const struct merge *mg, size_t metric, FILE *f);

#endif /* SIM_MERGE_H */

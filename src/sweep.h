/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sweep.h - what `kmemsim sweep` and `kmemsim merge` share
 *
 * A sweep is a list of ordinary `kmemsim run` and `kmemsim replay` command
 * lines, one per point of a cartesian product (input x policy x --set and
 * --opt values x seed), each writing its JSON report to DIR/NAME.json and
 * its own output to DIR/NAME.log.  sweep writes that list, and a manifest
 * DIR/sweep.json naming every job and its point, so that:
 *   - a resumed sweep skips the jobs whose result is complete
 *     (sweep_result_matches());
 *   - merge knows which jobs are missing or failed.
 *
 * merge never asks a simulator anything: what a result is about (its
 * point) and what it measured (its metrics) are read back from the report
 * itself, with Jansson: the meta keys "scenario" or "trace", "seed",
 * "set.KEY" and "opt.KEY" that run and replay write, and the figures of
 * each simulator's sections (docs/report-schema.md, docs/sweep.md).
 *
 * Glossary:
 *   point    the coordinates of one job or result: the input ("scenario"
 *            or "trace" = FILE) then "set.KEY" and "opt.KEY" = VALUE, in
 *            the order given; the seed and the policy are kept apart
 *   column   one simulator of a result: its policy ("slub"), the unit merge
 *            puts side by side
 *   metric   one number a simulator's report gives ("peak slab pages")
 *
 * Errors are returned, with a message naming the file (and for JSON that
 * does not parse, the line and column); nothing here exits, and only
 * writing the manifest prints (its failure, as every output file's).
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Types ---- */

/* one coordinate of a point */
struct sweep_kv {
	char *key;		/* "scenario", "trace", "set.ops", "opt.slub_min_objects" */
	char *value;		/* as given on the command line */
};

/* one number of one simulator's report */
struct sweep_metric {
	char *name;		/* "peak slab pages", "alloc latency p99" */
	char *unit;		/* "pages", "bytes", "ns", "%" or "" */
	unsigned decimals;	/* how the report prints it */
	double value;
};

/* one simulator of a result */
struct sweep_sim {
	char *column;		/* its policy, or "POLICY/LABEL" if one result has two */
	struct sweep_metric *m;
	size_t nm;
};

/* one result file: a run or replay report */
struct sweep_result {
	char *path;
	char *kind;		/* "run", "replay" */
	struct sweep_kv *point;	/* the input first, then set.* and opt.* in meta order */
	size_t npoint;
	bool has_seed;
	uint64_t seed;
	char *incomplete;	/* meta "incomplete": why the report is partial */
	struct sweep_sim *sims;
	size_t nsims;
};

/* one job of a sweep, as its manifest lists it */
struct sweep_job {
	char *name;		/* results in DIR/NAME.json, output in DIR/NAME.log */
	char *kind;		/* "run" or "replay" */
	char *policy;		/* run: the policy; replay: the comma-separated list */
	uint64_t seed;
	struct sweep_kv *point;
	size_t npoint;
	char *command;		/* the shell command line */
};

struct sweep_manifest {
	struct sweep_job *jobs;
	size_t njobs;
};

/* ---- Prototypes ---- */

/**
 * sweep_result_load - read the report at @path
 * Return: 0; SWEEP_ENOENT if there is no such file; SWEEP_EBAD if it
 * cannot be read, is not JSON ("FILE:LINE:COLUMN: reason" in @err) or not
 * a kmemsim run or replay report.  @r is empty after a failure.
 */
int sweep_result_load(const char *path, struct sweep_result *r, char *err,
		      size_t errlen);
void sweep_result_free(struct sweep_result *r);
/** sweep_result_get - @r's value of point key @key, or NULL */
const char *sweep_result_get(const struct sweep_result *r, const char *key);
/**
 * sweep_result_matches - is @r the complete result of @job?
 * Same kind, same point, same seed, the same policies, and not incomplete.
 * Return: true, or false with the first difference in @why.
 */
bool sweep_result_matches(const struct sweep_result *r,
			  const struct sweep_job *job, char *why, size_t whylen);

/**
 * sweep_manifest_load - read DIR/sweep.json
 * Return: 0; SWEEP_ENOENT if @dir has none; SWEEP_EBAD with the reason.
 */
int sweep_manifest_load(const char *dir, struct sweep_manifest *m, char *err,
			size_t errlen);
/**
 * sweep_manifest_write - write @m as DIR/sweep.json (whole or not at all)
 * Return: 0, or -1 after printing why on stderr (cmd_out does).
 */
int sweep_manifest_write(const char *dir, const struct sweep_manifest *m);
void sweep_manifest_free(struct sweep_manifest *m);
void sweep_job_free(struct sweep_job *j);

/**
 * sweep_path - "DIR/NAME.EXT" in a new string (free() it); NULL when host
 * memory is exhausted
 */
char *sweep_path(const char *dir, const char *name, const char *ext);

/**
 * sweep_log_reason - what DIR/NAME.log says went wrong: its first line
 * starting "kmemsim", else its last non-empty line, into @buf ("" if none)
 * Return: true if the log exists.
 */
bool sweep_log_reason(const char *dir, const char *name, char *buf, size_t len);

/**
 * sweep_value_cmp - the order of two values of one key: numbers by value
 * ("8" before "16"), numbers before words, words by bytes; never 0 for
 * different strings, so sorting is total
 */
int sweep_value_cmp(const char *a, const char *b);

/* ---- Constants ---- */

#define SWEEP_ENOENT	1	/* no such file */
#define SWEEP_EBAD	2	/* unreadable, not JSON, or not what was expected */

#define SWEEP_MANIFEST		"sweep.json"
#define SWEEP_SCHEMA		"kmemsim-sweep"
#define SWEEP_SCHEMA_VERSION	1

#endif /* SIM_SWEEP_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sweep_result.c - reading a sweep back: result reports and the manifest
 *
 * Every result of a sweep is an ordinary run or replay report in JSON
 * (docs/report-schema.md).  Reading one gives
 *   - its point, from the meta the command line wrote: the input
 *     ("scenario" or "trace"), "seed", "set.KEY", "opt.KEY", "incomplete";
 *   - its simulators: the report itself for a run of one simulator, else
 *     each of its runs (a replay has one run per policy);
 *   - each simulator's metrics: every number of its key-value blocks (slab
 *     totals, the sampling summary, replay's final figures, ...), the
 *     latency percentiles of latency/ops ("alloc latency p99") and the
 *     /proc/vmstat counters ("allocstall_normal"), in document order.
 * Text values, tables of caches or zones, series and maps are not metrics:
 * they have no single number to average over seeds.
 *
 * The JSON is parsed by Jansson (json_load_file), which gives the line and
 * column of a syntax error; everything else is checked here, so a file
 * that is JSON but not a report is refused by name too.  The manifest
 * (DIR/sweep.json) is written and read with Jansson as well, written
 * through cmd_out (whole or not at all).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "cmd_out.h"
#include "sweep.h"

/* ---- Small helpers ---- */

static char *sr_strdup(const char *s)
{
	return strdup(s ? s : "");
}

char *sweep_path(const char *dir, const char *name, const char *ext)
{
	size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s%s%s", dir,
			 dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", name, ext);
	return p;
}

bool sweep_log_reason(const char *dir, const char *name, char *buf, size_t len)
{
	char *path = sweep_path(dir, name, ".log"), line[1024];
	FILE *f = path ? fopen(path, "r") : NULL;
	bool found = false;

	buf[0] = '\0';
	while (f && fgets(line, sizeof line, f)) {
		if (!strchr(line, '\n') && !feof(f)) {
			/* a long line: keep its head, skip the rest of it */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "kmemsim", 7) == 0) {
			snprintf(buf, len, "%s", line);
			found = true;
			break;
		}
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	if (f)
		fclose(f);
	free(path);
	return f != NULL || found;
}

/* is @s a decimal number ("16", "-2", "0.5", "1e3")? */
static bool sr_numeric(const char *s, double *v)
{
	char *end;

	if (!*s || (*s != '-' && *s != '+' && *s != '.' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !*end && !errno && isfinite(*v);
}

int sweep_value_cmp(const char *a, const char *b)
{
	double x, y;
	bool na = sr_numeric(a, &x), nb = sr_numeric(b, &y);

	if (na && nb && x != y)
		return x < y ? -1 : 1;
	if (na != nb)
		return na ? -1 : 1;
	return strcmp(a, b);
}

/* a JSON scalar as the text the command line would have given */
static char *sr_scalar_text(const json_t *v)
{
	char buf[64];

	if (json_is_string(v))
		return sr_strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return sr_strdup(buf);
	}
	if (json_is_real(v)) {
		snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
		return sr_strdup(buf);
	}
	if (json_is_boolean(v))
		return sr_strdup(json_is_true(v) ? "true" : "false");
	return sr_strdup("");
}

/* the fewest decimals (up to 6) that print @v exactly as the report did */
static unsigned sr_decimals(double v)
{
	double scale = 1;

	for (unsigned d = 0; d < 6; d++, scale *= 10) {
		double s = v * scale;

		if (fabs(s - nearbyint(s)) <= 1e-9 * fmax(1.0, fabs(s)))
			return d;
	}
	return 6;
}

/* ---- Results ---- */

static void sr_sim_free(struct sweep_sim *s)
{
	for (size_t i = 0; i < s->nm; i++) {
		free(s->m[i].name);
		free(s->m[i].unit);
	}
	free(s->m);
	free(s->column);
}

void sweep_result_free(struct sweep_result *r)
{
	for (size_t i = 0; i < r->npoint; i++) {
		free(r->point[i].key);
		free(r->point[i].value);
	}
	free(r->point);
	for (size_t i = 0; i < r->nsims; i++)
		sr_sim_free(&r->sims[i]);
	free(r->sims);
	free(r->path);
	free(r->kind);
	free(r->incomplete);
	memset(r, 0, sizeof *r);
}

const char *sweep_result_get(const struct sweep_result *r, const char *key)
{
	for (size_t i = 0; i < r->npoint; i++)
		if (strcmp(r->point[i].key, key) == 0)
			return r->point[i].value;
	return NULL;
}

static bool sr_has_metric(const struct sweep_sim *s, const char *name)
{
	for (size_t i = 0; i < s->nm; i++)
		if (strcmp(s->m[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Append a metric.  A name already taken in this simulator (replay's
 * final "live objects" after the slab totals' own) is qualified by its
 * block: "replay-final: live objects".
 */
static int sr_add_metric(struct sweep_sim *s, const char *block,
			 const char *name, const char *unit, unsigned decimals,
			 double value)
{
	struct sweep_metric *m, *n;
	char qualified[256];

	if (sr_has_metric(s, name)) {
		snprintf(qualified, sizeof qualified, "%s: %s", block, name);
		if (sr_has_metric(s, qualified))
			return 0;	/* a block with one key twice: keep the first */
		name = qualified;
	}
	n = realloc(s->m, (s->nm + 1) * sizeof *s->m);
	if (!n)
		return -1;
	s->m = n;
	m = &s->m[s->nm];
	m->name = sr_strdup(name);
	m->unit = sr_strdup(unit);
	if (!m->name || !m->unit) {
		free(m->name);
		free(m->unit);
		return -1;
	}
	m->decimals = decimals;
	m->value = value;
	s->nm++;
	return 0;
}

/* the unit a typed value is shown in when its item names none */
static const char *sr_type_unit(const char *type)
{
	if (strcmp(type, "bytes") == 0)
		return "bytes";
	if (strcmp(type, "ns") == 0)
		return "ns";
	if (strcmp(type, "percent") == 0)
		return "%";
	return "";
}

static bool sr_numeric_type(const char *type)
{
	return strcmp(type, "int") == 0 || strcmp(type, "real") == 0 ||
	       strcmp(type, "bytes") == 0 || strcmp(type, "ns") == 0 ||
	       strcmp(type, "percent") == 0;
}

static int sr_kv_metrics(struct sweep_sim *s, const char *bid, json_t *items)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it) {
		const char *key = json_string_value(json_object_get(it, "key"));
		const char *type = json_string_value(json_object_get(it, "type"));
		const char *unit = json_string_value(json_object_get(it, "unit"));
		json_t *v = json_object_get(it, "value");
		double d;

		if (!key || !type || !json_is_number(v) || !sr_numeric_type(type))
			continue;	/* text, or a value the report left out (null) */
		d = json_number_value(v);
		if (sr_add_metric(s, bid, key, unit && *unit ? unit : sr_type_unit(type),
				  json_is_integer(v) ? 0 : sr_decimals(d), d))
			return -1;
	}
	return 0;
}

/* latency/ops: a row per operation, columns p50 p90 p99 max (ns) */
static int sr_latency_metrics(struct sweep_sim *s, const char *bid, json_t *t)
{
	static const char *const wanted[] = { "p50", "p90", "p99", "max" };
	json_t *cols = json_object_get(t, "columns"), *rows = json_object_get(t, "rows");
	json_t *row, *col;
	size_t i, j;

	json_array_foreach(rows, i, row) {
		const char *op = json_string_value(json_array_get(row, 0));

		if (!op)
			continue;
		json_array_foreach(cols, j, col) {
			const char *cname = json_string_value(json_object_get(col, "name"));
			json_t *v = json_array_get(row, j);
			char name[160];

			if (!cname || !json_is_number(v))
				continue;
			for (size_t k = 0; k < sizeof wanted / sizeof *wanted; k++) {
				if (strcmp(cname, wanted[k]) != 0)
					continue;
				snprintf(name, sizeof name, "%s latency %s", op, cname);
				if (sr_add_metric(s, bid, name, "ns", 0, json_number_value(v)))
					return -1;
			}
		}
	}
	return 0;
}

/* vmstat/counters: rows [name, value]: each counter by its kernel name */
static int sr_counter_metrics(struct sweep_sim *s, const char *bid, json_t *t)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(t, "rows"), i, row) {
		const char *name = json_string_value(json_array_get(row, 0));
		json_t *v = json_array_get(row, 1);

		if (name && json_is_number(v) &&
		    sr_add_metric(s, bid, name, "", 0, json_number_value(v)))
			return -1;
	}
	return 0;
}

static int sr_sim_metrics(struct sweep_sim *s, json_t *rep)
{
	json_t *sec, *blk;
	size_t i, j;

	json_array_foreach(json_object_get(rep, "sections"), i, sec) {
		const char *sid = json_string_value(json_object_get(sec, "id"));

		json_array_foreach(json_object_get(sec, "blocks"), j, blk) {
			const char *type = json_string_value(json_object_get(blk, "type"));
			const char *bid = json_string_value(json_object_get(blk, "id"));
			int rc = 0;

			if (!sid || !type || !bid)
				continue;
			if (strcmp(type, "kv") == 0)
				rc = sr_kv_metrics(s, bid, json_object_get(blk, "items"));
			else if (strcmp(type, "table") == 0 && strcmp(sid, "latency") == 0 &&
				 strcmp(bid, "ops") == 0)
				rc = sr_latency_metrics(s, bid, blk);
			else if (strcmp(type, "table") == 0 && strcmp(sid, "vmstat") == 0 &&
				 strcmp(bid, "counters") == 0)
				rc = sr_counter_metrics(s, bid, blk);
			if (rc)
				return -1;
		}
	}
	return 0;
}

static int sr_add_point(struct sweep_result *r, const char *key, const json_t *v)
{
	struct sweep_kv *n = realloc(r->point, (r->npoint + 1) * sizeof *n);

	if (!n)
		return -1;
	r->point = n;
	n[r->npoint].key = sr_strdup(key);
	n[r->npoint].value = sr_scalar_text(v);
	if (!n[r->npoint].key || !n[r->npoint].value) {
		free(n[r->npoint].key);
		free(n[r->npoint].value);
		return -1;
	}
	r->npoint++;
	return 0;
}

static int sr_meta(struct sweep_result *r, json_t *meta)
{
	const char *input = json_object_get(meta, "trace") ? "trace" : "scenario";
	const char *key;
	json_t *v;

	if (json_object_get(meta, input) && sr_add_point(r, input, json_object_get(meta, input)))
		return -1;
	json_object_foreach(meta, key, v) {
		if ((strncmp(key, "set.", 4) == 0 || strncmp(key, "opt.", 4) == 0) &&
		    sr_add_point(r, key, v))
			return -1;
	}
	v = json_object_get(meta, "seed");
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		r->has_seed = true;
		r->seed = (uint64_t)json_integer_value(v);
	}
	v = json_object_get(meta, "incomplete");
	if (v && !(r->incomplete = sr_scalar_text(v)))
		return -1;
	return 0;
}

/* the simulators: the report itself, or each of its runs */
static int sr_sims(struct sweep_result *r, json_t *root)
{
	json_t *runs = json_object_get(root, "runs"), *run;
	size_t n = json_array_size(runs), i;

	if (n == 0) {
		const char *pol = json_string_value(json_object_get(
			json_object_get(root, "meta"), "policy"));

		r->sims = calloc(1, sizeof *r->sims);
		if (!r->sims)
			return -1;
		r->nsims = 1;
		r->sims[0].column = sr_strdup(pol ? pol : "-");
		if (!r->sims[0].column)
			return -1;
		return sr_sim_metrics(&r->sims[0], root);
	}
	r->sims = calloc(n, sizeof *r->sims);
	if (!r->sims)
		return -1;
	json_array_foreach(runs, i, run) {
		json_t *rep = json_object_get(run, "report");
		const char *label = json_string_value(json_object_get(run, "label"));
		const char *pol = json_string_value(json_object_get(
			json_object_get(rep, "meta"), "policy"));

		r->nsims++;
		r->sims[i].column = sr_strdup(pol ? pol : label ? label : "-");
		if (!r->sims[i].column || sr_sim_metrics(&r->sims[i], rep))
			return -1;
	}
	/* two simulators of one policy (a scenario's own pair): by label */
	for (i = 0; i < r->nsims; i++) {
		bool dup = false;

		for (size_t k = 0; k < r->nsims; k++)
			dup |= k != i && strcmp(r->sims[k].column, r->sims[i].column) == 0;
		if (dup) {
			const char *label = json_string_value(json_object_get(
				json_array_get(runs, i), "label"));
			char col[160];

			snprintf(col, sizeof col, "%s/%s", r->sims[i].column,
				 label ? label : "?");
			free(r->sims[i].column);
			if (!(r->sims[i].column = sr_strdup(col)))
				return -1;
		}
	}
	return 0;
}

/*
 * the JSON document in @path into *@rootp: SWEEP_ENOENT if there is no such
 * file, SWEEP_EBAD if it is not JSON (Jansson's line, column and reason in
 * @err), else 0
 */
static int sr_load_json(const char *path, json_t **rootp, char *err, size_t errlen)
{
	json_error_t je;

	if (access(path, F_OK) != 0 && errno == ENOENT) {
		snprintf(err, errlen, "%s: no such file", path);
		return SWEEP_ENOENT;
	}
	*rootp = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!*rootp) {
		if (je.line > 0)
			snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", path,
				 je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s: %s", path, je.text);
		return SWEEP_EBAD;
	}
	return 0;
}

int sweep_result_load(const char *path, struct sweep_result *r, char *err,
		      size_t errlen)
{
	json_t *root;
	const char *schema, *kind;
	int rc;

	memset(r, 0, sizeof *r);
	rc = sr_load_json(path, &root, err, errlen);
	if (rc)
		return rc;
	schema = json_string_value(json_object_get(root, "schema"));
	kind = json_string_value(json_object_get(root, "kind"));
	if (!schema || strcmp(schema, "kmemsim-report") != 0) {
		snprintf(err, errlen, "%s: not a kmemsim report (no \"schema\": "
			 "\"kmemsim-report\")", path);
		json_decref(root);
		return SWEEP_EBAD;
	}
	if (!kind || (strcmp(kind, "run") != 0 && strcmp(kind, "replay") != 0)) {
		snprintf(err, errlen, "%s: a %s report, not a run or replay report",
			 path, kind ? kind : "kindless");
		json_decref(root);
		return SWEEP_EBAD;
	}
	if (!json_is_object(json_object_get(root, "meta")) ||
	    !json_is_array(json_object_get(root, "sections"))) {
		snprintf(err, errlen, "%s: a kmemsim report without meta or sections", path);
		json_decref(root);
		return SWEEP_EBAD;
	}
	if (!(r->path = sr_strdup(path)) || !(r->kind = sr_strdup(kind)) ||
	    sr_meta(r, json_object_get(root, "meta")) || sr_sims(r, root)) {
		snprintf(err, errlen, "%s: out of host memory", path);
		json_decref(root);
		sweep_result_free(r);
		return SWEEP_EBAD;
	}
	json_decref(root);
	return 0;
}

bool sweep_result_matches(const struct sweep_result *r,
			  const struct sweep_job *job, char *why, size_t whylen)
{
	if (r->incomplete) {
		snprintf(why, whylen, "incomplete: %s", r->incomplete);
		return false;
	}
	if (strcmp(r->kind, job->kind) != 0) {
		snprintf(why, whylen, "a %s report, not a %s report", r->kind, job->kind);
		return false;
	}
	for (size_t i = 0; i < job->npoint; i++) {
		const char *v = sweep_result_get(r, job->point[i].key);

		if (!v || strcmp(v, job->point[i].value) != 0) {
			snprintf(why, whylen, "%s is %s, not %s", job->point[i].key,
				 v ? v : "not set", job->point[i].value);
			return false;
		}
	}
	if (r->npoint != job->npoint) {
		snprintf(why, whylen, "it has %zu coordinates, the job %zu",
			 r->npoint, job->npoint);
		return false;
	}
	if (!r->has_seed || r->seed != job->seed) {
		snprintf(why, whylen, "seed %llu, not %llu",
			 (unsigned long long)r->seed, (unsigned long long)job->seed);
		return false;
	}
	/* the job's policies, each simulator's in turn (a run: the one) */
	if (strcmp(job->kind, "run") == 0) {
		if (r->nsims == 1 && strcmp(r->sims[0].column, job->policy) != 0) {
			snprintf(why, whylen, "policy %s, not %s", r->sims[0].column,
				 job->policy);
			return false;
		}
	} else {
		char list[256] = "";
		size_t n = 0;

		for (size_t i = 0; i < r->nsims; i++)
			n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0,
					      "%s%s", i ? "," : "", r->sims[i].column);
		if (strcmp(list, job->policy) != 0) {
			snprintf(why, whylen, "policies %s, not %s", list, job->policy);
			return false;
		}
	}
	return true;
}

/* ---- The manifest ---- */

void sweep_job_free(struct sweep_job *j)
{
	for (size_t i = 0; i < j->npoint; i++) {
		free(j->point[i].key);
		free(j->point[i].value);
	}
	free(j->point);
	free(j->name);
	free(j->kind);
	free(j->policy);
	free(j->command);
	memset(j, 0, sizeof *j);
}

void sweep_manifest_free(struct sweep_manifest *m)
{
	for (size_t i = 0; i < m->njobs; i++)
		sweep_job_free(&m->jobs[i]);
	free(m->jobs);
	memset(m, 0, sizeof *m);
}

int sweep_manifest_write(const char *dir, const struct sweep_manifest *m)
{
	json_t *root = json_object(), *jobs = json_array();
	char *path = sweep_path(dir, SWEEP_MANIFEST, "");
	struct cmd_out out;
	bool ok = root && jobs && path;
	int rc;

	if (ok) {
		ok &= !json_object_set_new(root, "schema", json_string(SWEEP_SCHEMA));
		ok &= !json_object_set_new(root, "version",
					   json_integer(SWEEP_SCHEMA_VERSION));
		ok &= !json_object_set(root, "jobs", jobs);
	}
	for (size_t i = 0; ok && i < m->njobs; i++) {
		const struct sweep_job *j = &m->jobs[i];
		json_t *o = json_object(), *pt = json_object();

		ok = o && pt;
		ok = ok && !json_object_set_new(o, "name", json_string(j->name));
		ok = ok && !json_object_set_new(o, "kind", json_string(j->kind));
		ok = ok && !json_object_set_new(o, "policy", json_string(j->policy));
		ok = ok && !json_object_set_new(o, "seed", json_integer((json_int_t)j->seed));
		for (size_t k = 0; ok && k < j->npoint; k++)
			ok = !json_object_set_new(pt, j->point[k].key,
						  json_string(j->point[k].value));
		ok = ok && !json_object_set(o, "point", pt);
		ok = ok && !json_object_set_new(o, "command", json_string(j->command));
		ok = ok && !json_array_append(jobs, o);
		json_decref(pt);
		json_decref(o);
	}
	if (!ok) {
		fprintf(stderr, "kmemsim sweep: cannot write the manifest: out of host memory\n");
		rc = -1;
	} else if ((rc = cmd_out_open(&out, path, "kmemsim sweep")) == 0) {
		if (json_dumpf(root, out.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
		    fputc('\n', out.f) == EOF) {
			fprintf(stderr, "kmemsim sweep: cannot write %s\n", path);
			cmd_out_abort(&out);
			rc = -1;
		} else {
			rc = cmd_out_close(&out);
		}
	}
	json_decref(jobs);
	json_decref(root);
	free(path);
	return rc;
}

static int sr_bad(char *err, size_t errlen, const char *path, size_t job,
		  const char *what)
{
	snprintf(err, errlen, "%s: job %zu: %s", path, job, what);
	return SWEEP_EBAD;
}

int sweep_manifest_load(const char *dir, struct sweep_manifest *m, char *err,
			size_t errlen)
{
	char *path = sweep_path(dir, SWEEP_MANIFEST, "");
	json_t *root, *jobs, *o;
	const char *schema;
	size_t i;
	int rc = 0;

	memset(m, 0, sizeof *m);
	if (!path) {
		snprintf(err, errlen, "out of host memory");
		return SWEEP_EBAD;
	}
	rc = sr_load_json(path, &root, err, errlen);
	if (rc) {
		free(path);
		return rc;
	}
	schema = json_string_value(json_object_get(root, "schema"));
	jobs = json_object_get(root, "jobs");
	if (!schema || strcmp(schema, SWEEP_SCHEMA) != 0 || !json_is_array(jobs)) {
		snprintf(err, errlen, "%s: not a kmemsim sweep manifest", path);
		json_decref(root);
		free(path);
		return SWEEP_EBAD;
	}
	m->jobs = calloc(json_array_size(jobs) + 1, sizeof *m->jobs);
	if (!m->jobs) {
		snprintf(err, errlen, "out of host memory");
		rc = SWEEP_EBAD;
	}
	json_array_foreach(jobs, i, o) {
		struct sweep_job *j;
		json_t *pt = json_object_get(o, "point"), *v;
		const char *key;

		if (rc)
			break;
		j = &m->jobs[m->njobs++];
		if (!json_is_string(json_object_get(o, "name")) ||
		    !json_is_string(json_object_get(o, "kind")) ||
		    !json_is_string(json_object_get(o, "policy")) ||
		    !json_is_integer(json_object_get(o, "seed")) ||
		    !json_is_object(pt)) {
			rc = sr_bad(err, errlen, path, i, "needs name, kind, policy, seed and point");
			break;
		}
		j->name = sr_strdup(json_string_value(json_object_get(o, "name")));
		j->kind = sr_strdup(json_string_value(json_object_get(o, "kind")));
		j->policy = sr_strdup(json_string_value(json_object_get(o, "policy")));
		j->command = sr_strdup(json_string_value(json_object_get(o, "command")));
		j->seed = (uint64_t)json_integer_value(json_object_get(o, "seed"));
		if (!j->name || !j->kind || !j->policy || !j->command) {
			rc = sr_bad(err, errlen, path, i, "out of host memory");
			break;
		}
		if (!*j->name || strchr(j->name, '/')) {
			rc = sr_bad(err, errlen, path, i, "a name that is not a file name");
			break;
		}
		j->point = calloc(json_object_size(pt) + 1, sizeof *j->point);
		if (!j->point) {
			rc = sr_bad(err, errlen, path, i, "out of host memory");
			break;
		}
		json_object_foreach(pt, key, v) {
			j->point[j->npoint].key = sr_strdup(key);
			j->point[j->npoint].value = sr_scalar_text(v);
			j->npoint++;
			if (!j->point[j->npoint - 1].key || !j->point[j->npoint - 1].value) {
				rc = sr_bad(err, errlen, path, i, "out of host memory");
				break;
			}
		}
	}
	json_decref(root);
	free(path);
	if (rc)
		sweep_manifest_free(m);
	return rc;
}

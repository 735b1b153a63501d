/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_replay.c - the `kmemsim replay` command
 *
 *   kmemsim replay TRACE|- [--policies slab,slub,slob] [--ram SIZE]
 *                  [--cpus N] [--format text|json|csv|html] [-o FILE]
 *                  [--callers N] [--series FILE.csv] [--series-interval T]
 *                  [--progress | --no-progress]
 *
 * The command is glue: it parses options, opens the trace (trace.h reads
 * files, "-", .gz and .xz), hands it to the replay engine (replay.h),
 * renders the one report the engine builds, and decides the exit status.
 * Everything printed on stdout (or -o FILE) is the report; stderr gets
 * errors and, when it is a terminal or --progress asks, a progress line
 * that is the only place a wall clock is read.  Exit status: 0 ok, 1 the
 * trace could not be read (the report of what was read is still written)
 * or the output could not be written, 2 usage error.  docs/replay.md is
 * the user's page.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "cmd.h"
#include "replay.h"
#include "trace.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

#define CMD_MAX_CALLERS	100000u

static const char replay_usage[] =
	"usage: kmemsim replay TRACE|- [options]\n"
	"\n"
	"Replays a kernel kmem trace (ftrace text, trace-cmd report or perf\n"
	"script output; .gz and .xz are read directly; - reads standard input)\n"
	"under the SLAB, SLUB and SLOB policies in one pass, and reports what\n"
	"the workload would have cost under each.\n"
	"\n"
	"options:\n"
	"  --policies LIST       comma-separated: slab,slub,slob (default all three)\n"
	"  --ram SIZE            simulated RAM per policy (default 4G)\n"
	"  --cpus N              simulated CPUs; trace CPU c runs on c %% N (default 2)\n"
	"  --seed N              seed of the simulators' PRNG (default 1)\n"
	"  --opt KEY=VALUE       a kmemsim.new{} option for every simulator, e.g.\n"
	"                        --opt slub_min_objects=16 (repeatable)\n"
	"  --kernel V            --opt kernel=V: the rules of Linux 6.1 or 6.18\n"
	"  --format FMT          text, json, csv or html (default text)\n"
	"  -o, --output FILE     write the report to FILE instead of standard output\n"
	"  --callers N           rows of each call-site table (default 10)\n"
	"  --series FILE.csv     write slab pages per policy over trace time to FILE\n"
	"  --series-interval T   sample period of the series in trace time:\n"
	"                        500us, 10ms (default), 1s, or nanoseconds\n"
	"  --progress            progress on stderr even when it is not a terminal\n"
	"  --no-progress         no progress, even on a terminal\n"
	"\n"
	"exit status: 0 ok, 1 the trace could not be read or the output written,\n"
	"2 usage error\n";

struct replay_opts {
	const char *trace;
	const char *output;
	const char *series;
	enum report_format format;
	int progress;			/* -1 auto, 0 off, 1 on */
	struct replay_config cfg;
};

/* ---- Option values ---- */

static int rpc_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "kmemsim replay: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kmemsim replay --help'.\n");
	return EXIT_USAGE;
}

/* digits, then an optional unit from @units (name, shift or multiplier) */
static int rpc_parse_uint(const char **pp, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*out = v;
	return 0;
}

/* "slab,slub": fills cfg->policies (pointing into @list, which is argv) */
static int rpc_parse_policies(char *list, struct replay_config *cfg)
{
	char *save = NULL, *tok;

	cfg->nr_policies = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!sim_policy_known(tok))
			return rpc_usage("unknown policy '%s' (slab, slub, slob)", tok);
		for (size_t i = 0; i < cfg->nr_policies; i++)
			if (strcmp(cfg->policies[i], tok) == 0)
				return rpc_usage("policy '%s' given twice", tok);
		if (cfg->nr_policies == REPLAY_MAX_POLICIES)
			return rpc_usage("%s", "too many policies");
		cfg->policies[cfg->nr_policies++] = tok;
	}
	if (!cfg->nr_policies)
		return rpc_usage("%s", "--policies needs at least one policy");
	return 0;
}

/* Return: 0 to go on, -1 after --help, or the usage exit status */
static int rpc_parse(int argc, char **argv, struct replay_opts *o)
{
	const char *v;
	uint64_t n;

	memset(o, 0, sizeof *o);
	replay_config_init(&o->cfg);
	o->format = REPORT_FMT_TEXT;
	o->progress = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(replay_usage, stdout);
			return -1;
		} else if (cmd_opt_is(a, "--policies")) {
			int rc;

			if (!(v = cmd_opt_value(argc, argv, &i, "--policies")))
				return rpc_usage("%s", "--policies needs a list");
			if ((rc = rpc_parse_policies((char *)v, &o->cfg)) != 0)
				return rc;
		} else if (cmd_opt_is(a, "--ram") || cmd_opt_is(a, "--cpus") ||
			   cmd_opt_is(a, "--seed") || cmd_opt_is(a, "--opt") ||
			   cmd_opt_is(a, "--kernel")) {
			/* --ram X is --opt ram=X: one parser, kmemsim.new's */
			char err[256];
			const char *name = a + 2;
			size_t nlen = strcspn(name, "=");
			char key[32];

			snprintf(key, sizeof key, "--%.*s", (int)nlen, name);
			if (!(v = cmd_opt_value(argc, argv, &i, key)))
				return rpc_usage("%s needs a value", key);
			if (strcmp(key, "--opt") == 0
			    ? cmd_config_set_kv(&o->cfg.sim, v, err, sizeof err)
			    : sim_config_set(&o->cfg.sim, key + 2, v, err, sizeof err))
				return rpc_usage("%s", err);
		} else if (cmd_opt_is(a, "--format")) {
			if (!(v = cmd_opt_value(argc, argv, &i, "--format")))
				return rpc_usage("%s", "--format needs text, json, csv or html");
			if (report_format_parse(v, &o->format) != SIM_OK ||
			    o->format == REPORT_FMT_SVG)
				return rpc_usage("unknown format '%s' (text, json, csv, html)", v);
		} else if (strcmp(a, "-o") == 0 || cmd_opt_is(a, "--output")) {
			if (strcmp(a, "-o") == 0)
				v = i + 1 < argc ? argv[++i] : NULL;
			else
				v = cmd_opt_value(argc, argv, &i, "--output");
			if (!v || !*v)
				return rpc_usage("%s", "-o needs a file name");
			o->output = v;
		} else if (cmd_opt_is(a, "--callers")) {
			if (!(v = cmd_opt_value(argc, argv, &i, "--callers")) ||
			    rpc_parse_uint(&v, &n) || *v || n > CMD_MAX_CALLERS)
				return rpc_usage("%s", "--callers needs a number from 0 to 100000");
			o->cfg.callers = (unsigned)n;
		} else if (cmd_opt_is(a, "--series-interval")) {
			if (!(v = cmd_opt_value(argc, argv, &i, "--series-interval")) ||
			    sim_parse_duration(v, true, &n) || n == 0)
				return rpc_usage("%s", "--series-interval needs a duration like 10ms");
			o->cfg.series_interval_ns = n;
		} else if (cmd_opt_is(a, "--series")) {
			if (!(v = cmd_opt_value(argc, argv, &i, "--series")) || !*v)
				return rpc_usage("%s", "--series needs a file name");
			o->series = v;
		} else if (strcmp(a, "--progress") == 0) {
			o->progress = 1;
		} else if (strcmp(a, "--no-progress") == 0) {
			o->progress = 0;
		} else if (a[0] == '-' && a[1] != '\0') {
			return rpc_usage("unknown option '%s'", a);
		} else if (!o->trace) {
			o->trace = a;
		} else {
			return rpc_usage("unexpected argument '%s'", a);
		}
	}
	if (!o->trace)
		return rpc_usage("%s", "missing TRACE (a file, or - for standard input)");
	if (o->series && !o->cfg.series_interval_ns)
		o->cfg.series_interval_ns = REPLAY_DEFAULT_SERIES_NS;
	if (!o->series)
		o->cfg.series_interval_ns = 0;
	return 0;
}

/* ---- Progress (stderr only) ---- */

struct rpc_progress {
	bool tty;		/* rewrite one line with \r */
	bool shown;
	double t0, last;
};

static double rpc_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void rpc_progress_fn(void *ud, const struct replay_progress *p)
{
	struct rpc_progress *pg = ud;
	double now = rpc_clock(), secs = now - pg->t0;
	char pct[32] = "";

	if (p->finished) {
		if (pg->tty && pg->shown)
			fputs("\r\033[K", stderr);	/* leave the terminal clean */
		else if (!pg->tty)
			fprintf(stderr, "kmemsim replay: %llu events in %.2f s\n",
				(unsigned long long)p->events, secs);
		return;
	}
	if (now - pg->last < (pg->tty ? 0.1 : 1.0))
		return;
	pg->last = now;
	if (p->total)
		snprintf(pct, sizeof pct, ", %.0f%%", 100.0 * (double)p->done /
						     (double)p->total);
	fprintf(stderr, "%skmemsim replay: %llu events, %.2f M events/s%s%s",
		pg->tty ? "\r" : "", (unsigned long long)p->events,
		secs > 0 ? (double)p->events / secs / 1e6 : 0.0, pct,
		pg->tty ? "   " : "\n");
	fflush(stderr);
	pg->shown = true;
}

/* ---- Output ---- */

static void rpc_write(void *ud, const char *s, size_t n)
{
	fwrite(s, 1, n, ud);
}

/* render @block (NULL: all) of @r as @fmt into @path ("-" or NULL: stdout) */
static int rpc_render(const struct report *r, enum report_format fmt,
		      const char *block, const char *path)
{
	struct report_opts ro = { .block = block };
	FILE *f = stdout;
	int rc;

	if (path && strcmp(path, "-") != 0) {
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "kmemsim replay: cannot write %s: %s\n", path,
				strerror(errno));
			return EXIT_FAILED;
		}
	}
	rc = report_render(r, fmt, block ? &ro : NULL, rpc_write, f);
	if (rc != SIM_OK)
		fprintf(stderr, "kmemsim replay: cannot render the report: %s%s%s\n",
			sim_strerror(rc), report_error(r)[0] ? ": " : "",
			report_error(r));
	if (f != stdout) {
		if (fclose(f) != 0 && rc == SIM_OK) {
			fprintf(stderr, "kmemsim replay: cannot write %s: %s\n", path,
				strerror(errno));
			return EXIT_FAILED;
		}
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kmemsim replay: cannot write the report: %s\n",
			strerror(errno));
		return EXIT_FAILED;
	}
	return rc == SIM_OK ? 0 : EXIT_FAILED;
}

/* ---- The command ---- */

int cmd_replay(int argc, char **argv)
{
	struct replay_opts o;
	struct rpc_progress pg = { 0 };
	struct trace_reader *rd;
	struct replay *rp;
	struct report *r;
	char err[512];
	int rc, status = 0;

	rc = rpc_parse(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (o.progress == 1 || (o.progress < 0 && isatty(STDERR_FILENO))) {
		pg.tty = isatty(STDERR_FILENO);
		pg.t0 = pg.last = rpc_clock();
		o.cfg.progress = rpc_progress_fn;
		o.cfg.progress_ud = &pg;
	}
	rp = replay_new(&o.cfg, err, sizeof err);
	if (!rp) {
		fprintf(stderr, "kmemsim replay: %s\n", err);
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < replay_nr_policies(rp); i++)
		if (replay_policy_unavailable(rp, i))
			fprintf(stderr, "kmemsim replay: policy %s is unavailable: %s\n",
				replay_policy_name(rp, i),
				replay_policy_unavailable(rp, i));
	rd = trace_reader_open(o.trace, err, sizeof err);
	if (!rd) {
		fprintf(stderr, "kmemsim replay: %s\n", err);
		replay_free(rp);
		return EXIT_FAILED;
	}
	rc = replay_run(rp, rd);
	if (rc == SIM_ERR) {
		fprintf(stderr, "kmemsim replay: %s: %s (the report covers what was read)\n",
			o.trace, trace_reader_error(rd));
		status = EXIT_FAILED;
	} else if (rc != SIM_OK) {
		fprintf(stderr, "kmemsim replay: %s\n", sim_strerror(rc));
		trace_reader_close(rd);
		replay_free(rp);
		return EXIT_FAILED;
	}
	trace_reader_close(rd);
	r = replay_report(rp, o.trace);
	if (!r) {
		fprintf(stderr, "kmemsim replay: %s\n", sim_strerror(SIM_ENOHOSTMEM));
		replay_free(rp);
		return EXIT_FAILED;
	}
	if (o.series && rpc_render(r, REPORT_FMT_CSV, "series/slab-pages", o.series))
		status = EXIT_FAILED;
	if (rpc_render(r, o.format, NULL, o.output))
		status = EXIT_FAILED;
	report_free(r);
	replay_free(rp);
	return status;
}

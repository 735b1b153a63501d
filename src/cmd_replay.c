/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_replay.c - the `kmemsim replay` command
 *
 *   kmemsim replay TRACE|- [options]                 (options: rpc_options)
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
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "cmd.h"
#include "cmd_out.h"
#include "replay.h"
#include "trace.h"
#include "trace_input.h"

#define EXIT_FAILED CMD_EXIT_FAILED
#define EXIT_USAGE CMD_EXIT_USAGE

#define CMD_MAX_CALLERS	100000u
#define RPC_MAX_OPTS	64	/* --opt, --ram, --cpus, --kernel kept for the meta */

enum {
	RPC_K_RAM = CMD_K_OWN,
	RPC_K_CPUS,
	RPC_K_CALLERS,
	RPC_K_SERIES,
	RPC_K_SERIES_INTERVAL,
	RPC_K_NO_PROGRESS,
	RPC_K_RECORD,
	RPC_K_THREADS,
};

static const struct cmd_option rpc_options[] = {
	{ "policies", CMD_K_POLICIES, CMD_ARG_REQUIRED, "LIST", CMD_V_POLICIES,
	  "comma-separated: slab,slub,slob (default all three)" },
	{ "ram", RPC_K_RAM, CMD_ARG_REQUIRED, "SIZE", CMD_V_TEXT,
	  "simulated RAM per policy (default 4G)" },
	{ "cpus", RPC_K_CPUS, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "simulated CPUs; trace CPU c runs on c % N (default 2)" },
	{ "seed", CMD_K_SEED, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "seed of the simulators' PRNG (default 1)" },
	CMD_OPT_SIMOPT,
	CMD_OPT_KERNEL,
	{ "format", CMD_K_FORMAT, CMD_ARG_REQUIRED, "FMT", CMD_V_DOCFORMAT,
	  "text, json, csv or html (default text)" },
	CMD_OPT_OUTPUT,
	{ "callers", RPC_K_CALLERS, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "rows of each call-site table (default 10)" },
	{ "series", RPC_K_SERIES, CMD_ARG_REQUIRED, "FILE.csv", CMD_V_FILE,
	  "write slab pages per policy over trace time to FILE" },
	{ "series-interval", RPC_K_SERIES_INTERVAL, CMD_ARG_REQUIRED, "T", CMD_V_TEXT,
	  "sample period of the series in trace time:\n"
	  "500us, 10ms (default), 1s, or nanoseconds" },
	{ "threads", RPC_K_THREADS, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "threads running the simulators beside the one parsing;\n"
	  "0: all on that one, one after the other (default: one\n"
	  "per policy, 0 for one policy); the output is the same" },
	CMD_OPT_PROGRESS,
	CMD_OPT_QUIET,
	{ "no-progress", RPC_K_NO_PROGRESS, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "the same as --quiet" },
	{ "record", RPC_K_RECORD, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "record COMMAND (after --, as root) and replay it as it\n"
	  "comes: no TRACE, no file (see kmemsim record --help)" },
	{ NULL }
};

static int rpc_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_replay = {
	.name = "replay",
	.synopsis = "TRACE|- [options]  |  --record [options] -- COMMAND [ARGS...]",
	.summary = "replay a kernel kmem trace under each policy",
	.description =
		"Replays a kernel kmem trace (ftrace text, trace-cmd report or perf\n"
		"script output, or trace-cmd's binary trace.dat; .gz, .xz, .zst and\n"
		".bz2 are read directly, told by their first bytes; - reads standard\n"
		"input) under the SLAB, SLUB and SLOB policies in one pass, and\n"
		"reports what the workload would have cost under each.  Input with no\n"
		"kmem event is refused, saying what it held.  --record records\n"
		"COMMAND's kmem events (as root) and replays them as they come.\n"
		"docs/replay.md explains how to record a trace.",
	.exit_status = "0 ok, 1 the trace could not be read (the report of\n"
		       "what was read is still written), held no kmem event, could\n"
		       "not be recorded, or the output could not be written; 2 usage\n"
		       "error, including option values the simulators cannot take;\n"
		       "3 a policy's simulated kernel panicked (that policy stopped\n"
		       "there, the others went on; the report is written)",
	.options = rpc_options,
	.operand = CMD_V_FILE,
	.main = rpc_main,
};

struct replay_opts {
	const char *trace;
	bool record;			/* --record: argv holds COMMAND */
	char **argv;
	const char *output;
	const char *series;
	enum report_format format;
	enum cmd_progress_mode progress;	/* --progress, --quiet, neither */
	struct replay_config cfg;
	struct {			/* the simulator options as given: meta "opt.KEY" */
		char key[64];
		const char *value;
	} opts[RPC_MAX_OPTS];
	size_t nr_opts;
};

/* ---- Option values ---- */

/* "slab,slub": fills cfg->policies (pointing into @list, which is argv) */
static int rpc_parse_policies(const struct cmd *cmd, char *list,
			      struct replay_config *cfg)
{
	char *save = NULL, *tok;

	cfg->nr_policies = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!sim_policy_known(tok))
			return cmd_error(cmd, "unknown policy '%s' (slab, slub, slob)", tok);
		for (size_t i = 0; i < cfg->nr_policies; i++)
			if (strcmp(cfg->policies[i], tok) == 0)
				return cmd_error(cmd, "policy '%s' given twice", tok);
		if (cfg->nr_policies == REPLAY_MAX_POLICIES)
			return cmd_error(cmd, "too many policies");
		cfg->policies[cfg->nr_policies++] = tok;
	}
	if (!cfg->nr_policies)
		return cmd_error(cmd, "--policies needs at least one policy");
	return 0;
}

/* remember --opt KEY=VALUE (or --ram X as ram=X) for the report's meta */
static int rpc_keep_opt(const struct cmd *cmd, struct replay_opts *o,
			const char *key, size_t keylen, const char *value)
{
	if (o->nr_opts == RPC_MAX_OPTS)
		return cmd_error(cmd, "too many --opt options");
	if (keylen >= sizeof o->opts[0].key)
		keylen = sizeof o->opts[0].key - 1;	/* sim_config_set refused it already */
	memcpy(o->opts[o->nr_opts].key, key, keylen);
	o->opts[o->nr_opts].key[keylen] = '\0';
	o->opts[o->nr_opts++].value = value;
	return 0;
}

static int rpc_parse_one(struct cmd_getopt *g, int key, struct replay_opts *o)
{
	const struct cmd *cmd = g->cmd;
	const char *v = g->arg;
	char err[256];
	uint64_t n;

	switch (key) {
	case CMD_K_POLICIES:
		return rpc_parse_policies(cmd, (char *)v, &o->cfg);
	case RPC_K_RAM:
	case RPC_K_CPUS:
	case CMD_K_SEED:
	case CMD_K_KERNEL:
		/* --ram X is --opt ram=X: one parser, kmemsim.new's */
		if (sim_config_set(&o->cfg.sim, g->spelled + 2, v, err, sizeof err))
			return cmd_error(cmd, "%s", err);
		if (key != CMD_K_SEED)	/* the seed has its own meta key */
			return rpc_keep_opt(cmd, o, g->spelled + 2,
					    strlen(g->spelled + 2), v);
		break;
	case CMD_K_OPT:
		if (cmd_config_set_kv(&o->cfg.sim, v, err, sizeof err))
			return cmd_error(cmd, "%s", err);
		return rpc_keep_opt(cmd, o, v, strcspn(v, "="), v + strcspn(v, "=") + 1);
	case CMD_K_FORMAT:
		if (report_format_parse(v, &o->format) != SIM_OK ||
		    o->format == REPORT_FMT_SVG)
			return cmd_error(cmd, "unknown format '%s' (text, json, csv, html)", v);
		break;
	case CMD_K_OUTPUT:
		if (!*v)
			return cmd_error(cmd, "%s needs a file name", g->spelled);
		o->output = v;
		break;
	case RPC_K_CALLERS:
		if (cmd_parse_u64(v, &n) || n > CMD_MAX_CALLERS)
			return cmd_error(cmd, "--callers needs a number from 0 to 100000");
		o->cfg.callers = (unsigned)n;
		break;
	case RPC_K_SERIES_INTERVAL:
		if (sim_parse_duration(v, true, &n) || n == 0)
			return cmd_error(cmd, "--series-interval needs a duration like 10ms");
		o->cfg.series_interval_ns = n;
		break;
	case RPC_K_THREADS:
		if (cmd_parse_u64(v, &n) || n > REPLAY_MAX_POLICIES)
			return cmd_error(cmd, "--threads needs a number from 0 to %d "
					 "(one per policy at most)", REPLAY_MAX_POLICIES);
		o->cfg.threads = (unsigned)n;
		break;
	case RPC_K_SERIES:
		if (!*v)
			return cmd_error(cmd, "--series needs a file name");
		o->series = v;
		break;
	case CMD_K_PROGRESS:
		o->progress = CMD_PROGRESS_ON;
		break;
	case CMD_K_QUIET:
	case RPC_K_NO_PROGRESS:
		o->progress = CMD_PROGRESS_OFF;
		break;
	case RPC_K_RECORD:
		o->record = true;
		break;
	default:	/* a row without a case: a bug, said as such */
		return cmd_error(cmd, "option %s is not handled", g->spelled);
	}
	return 0;
}

/* Return: 0 to go on, -1 after --help, or the usage exit status */
static int rpc_parse(const struct cmd *cmd, int argc, char **argv,
		     struct replay_opts *o)
{
	struct cmd_getopt g;
	int key, rc, dashdash;

	memset(o, 0, sizeof *o);
	replay_config_init(&o->cfg);
	o->format = REPORT_FMT_TEXT;
	o->progress = CMD_PROGRESS_AUTO;
	/* where "--" is, before getopt moves the operands around: what
	 * follows it is --record's COMMAND, and nothing may come before */
	for (dashdash = 1; dashdash < argc && strcmp(argv[dashdash], "--"); dashdash++)
		;
	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		if (key == CMD_GETOPT_HELP)
			return -1;
		if (key == CMD_GETOPT_ERROR)
			return EXIT_USAGE;
		if ((rc = rpc_parse_one(&g, key, o)) != 0)
			return rc;
	}
	if (o->record) {
		/* COMMAND comes after "--" (getopt stops there); before it,
		 * getopt would have taken COMMAND's options for ours */
		if (g.optind >= argc)
			return cmd_error(cmd, "--record needs a COMMAND: kmemsim replay "
					 "--record -- COMMAND [ARGS]");
		if (argc - g.optind > argc - 1 - dashdash || dashdash == argc)
			return cmd_error(cmd, "--record replays what it records: no TRACE "
					 "('%s'); put COMMAND after --", argv[g.optind]);
		o->argv = argv + g.optind;
	} else {
		if (g.optind >= argc)
			return cmd_error(cmd, "missing TRACE (a file, or - for standard input)");
		o->trace = argv[g.optind];
		if (g.optind + 1 < argc)
			return cmd_error(cmd, "unexpected argument '%s' (one trace at a time)",
					 argv[g.optind + 1]);
	}
	/* the series over trace time: for --series, and in every report that
	 * draws or carries it (JSON, CSV, HTML: the policies overlaid on one
	 * time axis); the text report stays a summary */
	if ((o->series || o->format != REPORT_FMT_TEXT) && !o->cfg.series_interval_ns)
		o->cfg.series_interval_ns = REPLAY_DEFAULT_SERIES_NS;
	if (!o->series && o->format == REPORT_FMT_TEXT)
		o->cfg.series_interval_ns = 0;
	return 0;
}

/* ---- Output ---- */

/* render @block (NULL: all) of @r as @fmt into @path ("-" or NULL: stdout) */
static int rpc_render(const struct report *r, enum report_format fmt,
		      const char *block, const char *path)
{
	struct report_opts ro = { .block = block };
	struct cmd_out out;
	int rc;

	/* a file is written under a temporary name and renamed when whole */
	if (cmd_out_open(&out, path, "kmemsim replay") != 0)
		return EXIT_FAILED;
	rc = report_render(r, fmt, block ? &ro : NULL, cmd_out_writer, &out);
	if (rc != SIM_OK) {
		fprintf(stderr, "kmemsim replay: cannot render the report: %s%s%s\n",
			sim_strerror(rc), report_error(r)[0] ? ": " : "",
			report_error(r));
		cmd_out_abort(&out);
		return EXIT_FAILED;
	}
	return cmd_out_close(&out) == 0 ? 0 : EXIT_FAILED;
}

/* ---- No kmem events: say what the input held instead ---- */

struct rpc_other {
	uint32_t id;
	uint64_t n;
};

static int rpc_other_cmp(const void *a, const void *b)
{
	const struct rpc_other *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;	/* first seen first */
}

/* "found 1234 sched_switch, 56 sched_wakeup events" and the like */
static void rpc_no_events(struct replay *rp, struct trace_reader *rd,
			  const char *name)
{
	const struct trace_parser *p = replay_parser(rp);
	const struct trace_stats *st = trace_parser_stats(p);
	const struct trace_input *in = trace_reader_input(rd);
	uint32_t nev = trace_string_count(p, TRACE_STR_EVENT);
	char what[512] = "no event of any tracepoint";
	size_t n = 0;

	if (trace_input_bytes(in) == 0) {
		fprintf(stderr, "kmemsim replay: %s is empty: there is no trace in it\n", name);
		return;
	}
	if (st->lines == 0) {
		fprintf(stderr, "kmemsim replay: %s (%s) holds no text: no kmem events\n",
			name, trace_input_format_name(trace_input_format(in)));
		return;
	}
	if (nev > 1) {
		struct rpc_other *o = calloc(nev, sizeof *o);
		uint32_t k = 0;

		for (uint32_t id = 1; o && id < nev; id++) {
			o[k].id = id;
			o[k++].n = trace_other_count(p, id);
		}
		if (o) {
			qsort(o, k, sizeof *o, rpc_other_cmp);
			for (uint32_t i = 0; i < k && i < 4 && n < sizeof what - 100; i++)
				n += (size_t)snprintf(what + n, sizeof what - n, "%s%llu %s events",
						      i ? ", " : "", (unsigned long long)o[i].n,
						      trace_string(p, TRACE_STR_EVENT, o[i].id));
			if (k > 4)
				snprintf(what + n, sizeof what - n, " and events of %u "
					 "other tracepoints", k - 4);
			free(o);
		}
	}
	if (trace_input_binary(in))
		fprintf(stderr, "kmemsim replay: %s looks like binary data, not trace "
			"text (NUL or control bytes at its start): %llu lines, no kmem "
			"events\n", name, (unsigned long long)st->lines);
	else
		fprintf(stderr, "kmemsim replay: %s: no kmem events: found %s in %llu "
			"lines (%llu malformed, %llu headers or blank)\n", name, what,
			(unsigned long long)st->lines, (unsigned long long)st->malformed,
			(unsigned long long)st->skipped);
	if (trace_parser_problem(p, 0) && !trace_input_binary(in)) {
		const struct trace_problem *pr = trace_parser_problem(p, 0);

		fprintf(stderr, "kmemsim replay: %s:%llu: %s: %s\n", name,
			(unsigned long long)pr->lineno, pr->reason, pr->excerpt);
	}
	fprintf(stderr, "kmemsim replay: record the kmem events with `kmemsim record -- "
		"COMMAND` (as root), or enable events/kmem in tracefs\n");
}

/* ---- The command ---- */

/* the simulators are built before any input is read: a value they refuse
 * (--ram past what the host or the pfn width allows) is a usage error */
static int rpc_new(const struct replay_opts *o, struct replay **out)
{
	char err[512];
	struct replay *rp = replay_new(&o->cfg, err, sizeof err);
	bool refused = false;

	*out = NULL;
	if (!rp) {
		fprintf(stderr, "kmemsim replay: cannot build %zu simulators of %llu MiB "
			"of RAM each: %s\n", o->cfg.nr_policies,
			(unsigned long long)(o->cfg.sim.ram_bytes >> 20), err);
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < replay_nr_policies(rp); i++)
		if (replay_policy_unavailable(rp, i)) {
			fprintf(stderr, "kmemsim replay: policy %s is unavailable: %s\n",
				replay_policy_name(rp, i),
				replay_policy_unavailable(rp, i));
			refused = true;
		}
	if (refused) {
		fprintf(stderr, "The simulators cannot be built with these options "
			"(--ram, --cpus, --opt); see 'kmemsim replay --help'.\n");
		replay_free(rp);
		return EXIT_USAGE;
	}
	*out = rp;
	return 0;
}

static int rpc_main(const struct cmd *cmd, int argc, char **argv)
{
	struct replay_opts o;
	struct cmd_progress pg;
	struct trace_reader *rd;
	struct replay *rp;
	struct report *r;
	char err[512], name[256], incomplete[512] = "";
	const char *shown;
	pid_t recorder = 0;
	int rc, status = 0, rec_status = 0;

	rc = rpc_parse(cmd, argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	cmd_progress_start(&pg, "replay", o.progress);
	if (pg.on) {
		o.cfg.progress = cmd_progress_fn;
		o.cfg.progress_ud = &pg;
	}
	rc = rpc_new(&o, &rp);
	if (rc != 0)
		return rc;
	if (o.record) {
		int fd;
		size_t n = (size_t)snprintf(name, sizeof name, "kmemsim record --");

		for (char **a = o.argv; *a && n < sizeof name; a++)
			n += (size_t)snprintf(name + n, sizeof name - n, " %s", *a);
		if (cmd_record_spawn(o.argv, !o.output || strcmp(o.output, "-") == 0,
				     &recorder, &fd) != 0) {
			replay_free(rp);
			return EXIT_FAILED;
		}
		/* Ctrl-C stops the recording (the recorder tears down and
		 * closes the pipe); the replay reports what was recorded */
		signal(SIGINT, SIG_IGN);
		rd = trace_reader_open_input(trace_input_open_fd(fd, true, name, err,
								 sizeof err));
		if (!rd)
			fprintf(stderr, "kmemsim replay: %s\n",
				err[0] ? err : sim_strerror(SIM_ENOHOSTMEM));
		shown = name;
	} else {
		rd = trace_reader_open(o.trace, err, sizeof err);
		if (!rd)
			fprintf(stderr, "kmemsim replay: %s\n", err);
		shown = o.trace;
	}
	if (!rd) {
		if (recorder > 0)
			waitpid(recorder, NULL, 0);	/* it sees EPIPE and tears down */
		replay_free(rp);
		return EXIT_FAILED;
	}
	rc = replay_run(rp, rd);
	if (recorder > 0) {
		int st = 0;

		while (waitpid(recorder, &st, 0) < 0 && errno == EINTR)
			;
		rec_status = WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_FAILED;
		signal(SIGINT, SIG_DFL);
	}
	if (rc == SIM_ERR) {
		bool none = trace_parser_stats(replay_parser(rp))->events == 0;

		fprintf(stderr, "kmemsim replay: %s: %s%s\n", shown, trace_reader_error(rd),
			none ? " (no kmem event before it)" :
			" (the report covers what was read)");
		snprintf(incomplete, sizeof incomplete, "%s", trace_reader_error(rd));
		status = EXIT_FAILED;
	} else if (rc != SIM_OK) {
		fprintf(stderr, "kmemsim replay: %s\n", sim_strerror(rc));
		trace_reader_close(rd);
		replay_free(rp);
		return EXIT_FAILED;
	}
	if (trace_parser_stats(replay_parser(rp))->events == 0) {
		/* nothing to report: say what was there instead (unless
		 * reading failed, or a recorder that failed said why) */
		if (rc == SIM_OK && !(recorder > 0 && rec_status != 0))
			rpc_no_events(rp, rd, shown);
		trace_reader_close(rd);
		replay_free(rp);
		return EXIT_FAILED;
	}
	trace_reader_close(rd);
	if (rec_status != 0)
		status = EXIT_FAILED;	/* the recorder said why (COMMAND failed) */
	for (size_t i = 0; i < replay_nr_policies(rp); i++) {
		const char *where = replay_policy_panicked(rp, i);

		if (!where)
			continue;
		fprintf(stderr, "kmemsim replay: %s: the simulated kernel panicked and "
			"stopped at %s\n", replay_policy_name(rp, i), where);
		if (!status)
			status = CMD_EXIT_PANIC;
	}
	r = replay_report(rp, shown);
	if (!r) {
		fprintf(stderr, "kmemsim replay: %s\n", sim_strerror(SIM_ENOHOSTMEM));
		replay_free(rp);
		return EXIT_FAILED;
	}
	/* the point of the replay, for `kmemsim merge`: each simulator option
	 * as given ("opt.KEY"), and "incomplete" when the report covers less
	 * than the whole input (docs/report-schema.md) */
	for (size_t i = 0; i < o.nr_opts; i++) {
		char key[80];

		snprintf(key, sizeof key, "opt.%s", o.opts[i].key);
		report_meta(r, key, RV_TEXT(o.opts[i].value));
	}
	if (incomplete[0])
		report_meta(r, "incomplete", RV_TEXT(incomplete));
	if (o.series && rpc_render(r, REPORT_FMT_CSV, "series/slab-pages", o.series))
		status = EXIT_FAILED;
	if (rpc_render(r, o.format, NULL, o.output))
		status = EXIT_FAILED;
	report_free(r);
	replay_free(rp);
	return status;
}

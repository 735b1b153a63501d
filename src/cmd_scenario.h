/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_scenario.h - what `kmemsim run` and `kmemsim compare` share
 *
 * Both commands run a Lua scenario in a fresh sandboxed state (lua.c's
 * pmain/docall/msghandler skeleton), look at every simulator the script
 * created just before it goes (lsim_runtime.sim_closing), and write a
 * report in a format to standard output or a file.  cmd_scenario.c holds
 * those pieces and the headline figures of one simulator: the rows of the
 * compare table and of run's short end-of-run report.
 *
 * Only the command line includes this header; it sees the engine through
 * sim.h and the bindings through lsimaux.h, like main.c.
 */
#ifndef SIM_CMD_SCENARIO_H
#define SIM_CMD_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "lsimaux.h"
#include "sim.h"
#include "cmd.h"

#define CMD_MAX_PARAMS	64
#define CMD_MAX_POLICIES 8

/* ---- Options ---- */

/* which options a command accepts, beyond the scenario's own */
enum cmd_kind {
	CMD_RUN,
	CMD_COMPARE,
};

/* the keys of run's and compare's own options (cmd.h has the common ones) */
enum {
	CMD_K_REPORT = CMD_K_OWN,
	CMD_K_NO_REPORT,
	CMD_K_EXPLAIN,
	CMD_K_MAX_WORK,
	CMD_K_MAX_MEMORY,
	CMD_K_STEPS,		/* run --steps[=N] (issue 18) */
};

/*
 * The option rows run and compare share, described alike; each command's
 * table (cmd_run.c, cmd_compare.c) lists them in its own order.
 */
#define CMD_OPT_SET \
	{ "set", CMD_K_SET, CMD_ARG_REQUIRED, "KEY=VALUE", CMD_V_PARAM, \
	  "scenario parameter, seen as kmemsim.params.KEY;\n" \
	  "repeatable" }
#define CMD_OPT_BLOCK \
	{ "block", CMD_K_BLOCK, CMD_ARG_REQUIRED, "PATH", CMD_V_TEXT, \
	  "only that block of the report (e.g. memory/map)" }
#define CMD_OPT_SAMPLE \
	{ "sample", CMD_K_SAMPLE, CMD_ARG_REQUIRED, "S", CMD_V_TEXT, \
	  "time series: every N operations, every T of virtual\n" \
	  "time (500us, 10ms, 1s), auto (adaptive) or off" }
#define CMD_OPT_MAX_STEPS \
	{ "max-steps", CMD_K_MAX_STEPS, CMD_ARG_REQUIRED, "N", CMD_V_TEXT, \
	  "stop a runaway script after N Lua VM instructions\n" \
	  "(default 1000000000, a few seconds; 0: no limit)" }
#define CMD_OPT_MAX_WORK \
	{ "max-work", CMD_K_MAX_WORK, CMD_ARG_REQUIRED, "T", CMD_V_TEXT, \
	  "stop after the simulators were charged T of modelled\n" \
	  "kernel CPU time (workloads, reclaim...; default 1h;\n" \
	  "0: no limit)" }
#define CMD_OPT_MAX_MEMORY \
	{ "max-memory", CMD_K_MAX_MEMORY, CMD_ARG_REQUIRED, "SIZE", CMD_V_TEXT, \
	  "host memory the script's Lua heap and simulators may\n" \
	  "hold (default 4G, or half this host's RAM; 0: no limit)" }
#define CMD_OPT_UNSAFE \
	{ "unsafe", CMD_K_UNSAFE, CMD_ARG_NONE, NULL, CMD_V_TEXT, \
	  "give the script io, os and debug (trusted scripts:\n" \
	  "debug.sethook keeps the --max-steps budget, os and\n" \
	  "io calls and __gc finalizers are outside it)" }
#define CMD_OPT_LUA_PATH \
	{ "lua-path", CMD_K_LUA_PATH, CMD_ARG_REQUIRED, "DIR", CMD_V_DIR, \
	  "load kmemsim.* modules from DIR/kmemsim/ first\n" \
	  "(also $KMEMSIM_LUA_PATH)" }

/* what FILE may be, and what it does by default, in both synopses */
#define CMD_SCENARIO_OPERAND \
	"FILE is a Lua scenario, the name of a bundled scenario (kmemsim list:\n" \
	"default, 01-my-cache, ...; a file of that name comes first) or - for\n" \
	"standard input.  Without FILE the bundled default scenario runs."

/*
 * struct cmd_opts - the parsed command line of run or compare
 * @rt: the run time handed to each Lua state (seed, policy, params, ...);
 *      the commands copy it and set the hooks
 * @format_set: --format given (else from -o's extension, else text)
 * @report: --report (1), --no-report (0), neither (-1)
 * @sample: --sample: "auto" (every operation, adaptive), N operations or
 *          a duration; @sample_mode says which was given
 */
struct cmd_opts {
	enum cmd_kind kind;
	const char *file;		/* as given; NULL: the default scenario */
	const struct lsim_embedded *bundled;	/* the bundled scenario run, if any */
	struct lsim_runtime rt;
	struct lsim_param params[CMD_MAX_PARAMS];
	struct lsim_param opts[CMD_MAX_PARAMS];	/* --opt KEY=VALUE */
	const char *policies[CMD_MAX_POLICIES];	/* compare: in order */
	size_t nr_policies;
	bool format_set;
	enum report_format format;
	const char *output;		/* -o FILE; NULL: standard output */
	const char *block;		/* --block PATH: one block only */
	int report;
	enum { CMD_SAMPLE_DEFAULT, CMD_SAMPLE_OFF, CMD_SAMPLE_ON } sample_mode;
	enum cmd_progress_mode progress;	/* --progress, --quiet, neither */
	struct sim_sample_opts sample;
	char *script_dir;		/* owned */
	char *stdin_text;		/* FILE "-": read once, run per policy (owned) */
	size_t stdin_len;
	bool policy_given;		/* --policy */
	char declared_policy[16];	/* "-- policy: NAME" in the header; "" if none */
	unsigned steps;			/* run --steps[=N]: the step-through page, N steps at most */
};

/**
 * cmd_parse - parse run's or compare's options (argv[0] is the command)
 * Return: 0 to go on, -1 after printing --help, or CMD_EXIT_USAGE after
 * printing the error.  Release with cmd_opts_free() in every case.
 */
int cmd_parse(const struct cmd *cmd, int argc, char **argv, enum cmd_kind kind,
	      struct cmd_opts *o);
void cmd_opts_free(struct cmd_opts *o);
/**
 * cmd_scenario_policy - read the policy the scenario declares in its header
 * ("-- policy: slab") into @o->declared_policy and make it the default of
 * kmemsim.new unless --policy was given (cmd_parse calls it)
 * Return: 0, or CMD_EXIT_USAGE after naming the file, line and bad value.
 */
int cmd_scenario_policy(const struct cmd *cmd, struct cmd_opts *o);

/** cmd_scenario_name - what reports call the scenario: FILE, "stdin" or the bundled one's path */
const char *cmd_scenario_name(const struct cmd_opts *o);

/* ---- Bundled scenarios (embedded in the binary, installed too) ---- */

/**
 * cmd_bundled_scenario - the bundled scenario called @name: "default",
 * "default.lua" or "scenarios/default.lua"; NULL if none
 */
const struct lsim_embedded *cmd_bundled_scenario(const char *name);
/** cmd_bundled_next - the bundled scenario after @prev (NULL: the first), in name order */
const struct lsim_embedded *cmd_bundled_next(const struct lsim_embedded *prev);
/** cmd_bundled_name - @m's short name ("01-my-cache") into @buf */
const char *cmd_bundled_name(const struct lsim_embedded *m, char *buf, size_t len);
/**
 * cmd_bundled_policy - the policy bundled scenario @m declares in its
 * header ("-- policy: NAME"), in @buf; NULL if none (or not a policy)
 */
const char *cmd_bundled_policy(const struct lsim_embedded *m, char *buf, size_t len);
/**
 * cmd_bundled_summary - @m's one-line description, from its header
 * comment ("-- scenarios/NAME.lua: DESCRIPTION") into @buf; "" if none
 */
const char *cmd_bundled_summary(const struct lsim_embedded *m, char *buf,
				size_t len);

/* ---- The step-through page (cmd_steps.c) ---- */

#define CMD_STEPS_DEFAULT 1000	/* steps a page shows unless --steps=N */
#define CMD_STEPS_MAX 100000	/* a page a browser still opens at once */

struct cmd_steps;
/** cmd_steps_new - a recorder of at most @cap steps; -1 on host OOM */
int cmd_steps_new(struct cmd_steps **out, const struct cmd_opts *o, unsigned cap);
/** cmd_steps_created - lsim_runtime.sim_created: watch @sim's operations */
void cmd_steps_created(void *ud, unsigned id, struct sim *sim);
/** cmd_steps_closing - @sim goes: its last step ends (call from sim_closing) */
void cmd_steps_closing(void *ud, unsigned id, struct sim *sim);
/**
 * cmd_steps_write - the page to @path (NULL or "-": standard output),
 * written whole or not at all
 * Return: 0, or -1 after printing why.
 */
int cmd_steps_write(struct cmd_steps *st, const char *path);
void cmd_steps_free(struct cmd_steps *st);

/* ---- Running a scenario ---- */

/**
 * cmd_run_scenario - run the scenario once in a fresh Lua state with @rt
 * @rt: a copy of o->rt with the policy, output and closing hooks set; it
 *      must stay valid until this returns (the state is closed inside, so
 *      every simulator has gone through rt->sim_closing by then)
 * @error: on failure, the message with its traceback (free() it)
 * Return: true if the scenario ran to its end.
 */
bool cmd_run_scenario(const struct cmd_opts *o, struct lsim_runtime *rt,
		      char **error);

/* ---- Output ---- */

/**
 * cmd_write_report - render @r as @fmt (one @block, or all of it) to @path,
 * or to standard output when @path is NULL
 * Errors (rendering, opening or writing the file) are printed on stderr.
 * Return: true on success.
 */
bool cmd_write_report(const struct report *r, enum report_format fmt,
		      const char *block, const char *path);

/* ---- Headline figures of one simulator ---- */

/*
 * X(id, name, unit, decimals, kv type, brief): the rows of the compare
 * table, in order; those with brief = 1 are also run's short end-of-run
 * report.  docs/reports.md explains each one.
 */
#define CMD_METRICS(X) \
	X(SLAB_PEAK,    "peak pages in slabs",            "pages",   0, INT, 1) \
	X(SLAB_PAGES,   "final pages in slabs",           "pages",   0, INT, 1) \
	X(LIVE_OBJS,    "live objects",                   "objects", 0, INT, 1) \
	X(LIVE_BYTES,   "live bytes (requested)",         "bytes",   0, BYTES, 1) \
	X(ALLOC_BYTES,  "allocated bytes (slots)",        "bytes",   0, BYTES, 0) \
	X(INT_FRAG,     "internal fragmentation",         "%",       1, PERCENT, 1) \
	X(OVERHEAD,     "slab overhead",                  "%",       1, PERCENT, 1) \
	X(TAILS,        "unused slab tails",              "bytes",   0, BYTES, 0) \
	X(FREE_PARTIAL, "free objects in partial slabs",  "objects", 0, INT, 0) \
	X(CACHED,       "free objects cached per CPU",    "objects", 0, INT, 0) \
	X(UNUSABLE0,    "unusable index, order 0",        "%",       1, PERCENT, 1) \
	X(UNUSABLE3,    "unusable index, order 3",        "%",       1, PERCENT, 1) \
	X(UNUSABLE9,    "unusable index, order 9",        "%",       1, PERCENT, 1) \
	X(PAGE_FAILS,   "page allocation failures",       "",        0, INT, 1) \
	X(SLAB_FAILS,   "slab allocation failures",       "",        0, INT, 1) \
	X(STALLS,       "allocation stalls",              "",        0, INT, 1) \
	X(STALL_NS,     "time stalled",                   "ns",      0, NS, 0) \
	X(SLOWPATH,     "slow-path entries",              "",        0, INT, 1) \
	X(PGALLOC,      "pages allocated (pgalloc_*)",    "pages",   0, INT, 0) \
	X(PGFREE,       "pages freed (pgfree)",           "pages",   0, INT, 0) \
	X(SLAB_NEW,     "new slabs",                      "",        0, INT, 0) \
	X(SLAB_FREED,   "slabs freed",                    "",        0, INT, 0) \
	X(ALLOCS,       "allocations",                    "",        0, INT, 1) \
	X(ALLOC_P50,    "alloc latency p50",              "ns",      0, NS, 1) \
	X(ALLOC_P99,    "alloc latency p99",              "ns",      0, NS, 1) \
	X(FREES,        "frees",                          "",        0, INT, 1) \
	X(FREE_P50,     "free latency p50",               "ns",      0, NS, 1) \
	X(FREE_P99,     "free latency p99",               "ns",      0, NS, 1) \
	X(VTIME,        "virtual time",                   "ns",      0, NS, 1)

enum cmd_metric {
#define CMD_X_ENUM(id, n, u, d, t, b) CMD_M_##id,
	CMD_METRICS(CMD_X_ENUM)
#undef CMD_X_ENUM
	CMD_NR_METRICS
};

struct cmd_metrics {
	double v[CMD_NR_METRICS];	/* NAN: not known (peak without sampling) */
};

/** cmd_metrics_collect - the headline figures of @sim now (reads only) */
void cmd_metrics_collect(const struct sim *sim, struct cmd_metrics *m);
/** cmd_metric_name, cmd_metric_unit, cmd_metric_decimals, cmd_metric_type */
const char *cmd_metric_name(enum cmd_metric i);
const char *cmd_metric_unit(enum cmd_metric i);
unsigned cmd_metric_decimals(enum cmd_metric i);
enum report_type cmd_metric_type(enum cmd_metric i);
bool cmd_metric_brief(enum cmd_metric i);	/* in run's short report */
/** cmd_metric_value - @m's value @i as a typed report value (RV_NONE if unknown) */
struct report_value cmd_metric_value(const struct cmd_metrics *m,
				     enum cmd_metric i);

#endif /* SIM_CMD_SCENARIO_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.h - the commands of kmemsim: one table row each
 *
 * A command is one file, src/cmd_NAME.c, that defines a `const struct cmd
 * cmd_NAME` (its name, synopsis, one-line summary, description, option
 * table and entry point) and one row in KMEMSIM_COMMANDS (main.c).  From
 * the option table alone come:
 *   - the parser (cmd_getopt(): getopt_long, so --opt=value, --opt value,
 *     -oFILE, -o FILE, unique abbreviations and "--" all work, options and
 *     operands may be mixed), with one error style for every command;
 *   - `kmemsim COMMAND --help` and `kmemsim help COMMAND`;
 *   - the shell completion (`kmemsim complete`, cmd_complete.c);
 *   - and, through tests/man-sync.sh, the check that docs/kmemsim.1 lists
 *     exactly these options.
 *
 * The entry point gets the argument vector from the command's own name on
 * (argv[0] is "run") and returns the process exit status: CMD_EXIT_OK,
 * CMD_EXIT_FAILED (the command failed: a scenario error, an unreadable
 * trace, an unwritable output), CMD_EXIT_USAGE (a bad command line) or
 * CMD_EXIT_PANIC (a simulated kernel panicked and stopped: the scenario
 * ended there, or a replayed policy did; everything else was done and the
 * report written).
 */
#ifndef SIM_CMD_H
#define SIM_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <getopt.h>
#include <sys/types.h>

#include "simdefs.h"
#include "sim.h"
#include "report.h"

#define CMD_EXIT_OK	0
#define CMD_EXIT_FAILED	1	/* the command failed */
#define CMD_EXIT_USAGE	2	/* a bad command line */
#define CMD_EXIT_PANIC	3	/* a simulated kernel panicked (the report is written) */

/* ---- Option tables ---- */

enum cmd_arg {
	CMD_ARG_NONE,		/* --unsafe */
	CMD_ARG_REQUIRED,	/* --seed N, --seed=N, -o FILE, -oFILE */
	CMD_ARG_OPTIONAL,	/* --explain, --explain=N (never a separate word) */
};

/* what an option's value (or a command's operand) is: for the completion */
enum cmd_value {
	CMD_V_TEXT,		/* anything: no completion */
	CMD_V_FILE,
	CMD_V_DIR,
	CMD_V_POLICY,		/* slab, slub, slob */
	CMD_V_POLICIES,		/* a comma-separated list of them */
	CMD_V_FORMAT,		/* text, json, csv, html, svg */
	CMD_V_DOCFORMAT,	/* text, json, csv, html: a whole document, no chart */
	CMD_V_SIMOPT,		/* KEY=VALUE, KEY a kmemsim.new{} option */
	CMD_V_KERNEL,		/* a kernel profile: 6.1, 6.18 */
	CMD_V_PARAM,		/* KEY=VALUE, a scenario parameter (GFP flags complete) */
	CMD_V_SCENARIO,		/* a bundled scenario's name or a file */
	CMD_V_COMMAND,		/* a command's name */
	CMD_V_QUIZ_TOPIC,	/* a quiz topic (cmd_quiz_topics) */
	CMD_V_QUIZ_FORMAT,	/* text, json (quiz) */
};

/*
 * Keys: an option's short letter, or for a long-only option a number
 * from CMD_K_LONG on.  The common ones are here so that every command
 * spells them alike; a command numbers its own from CMD_K_OWN on.
 */
enum cmd_key {
	CMD_K_HELP = 'h',
	CMD_K_OUTPUT = 'o',
	CMD_K_LONG = 256,
	CMD_K_SEED,
	CMD_K_POLICY,
	CMD_K_POLICIES,
	CMD_K_SET,
	CMD_K_OPT,
	CMD_K_FORMAT,
	CMD_K_BLOCK,
	CMD_K_SAMPLE,
	CMD_K_MAX_STEPS,
	CMD_K_UNSAFE,
	CMD_K_LUA_PATH,
	CMD_K_KERNEL,
	CMD_K_PROGRESS,
	CMD_K_QUIET,
	CMD_K_OWN = 1024,
};

/*
 * struct cmd_option - one option of a command
 * @name: the long name without "--"
 * @key: the short letter ('o' gives -o too) or a long-only key (cmd_key)
 * @argname: how --help names the value ("N", "FILE"); NULL with CMD_ARG_NONE
 * @help: what it does, for --help, which reflows it to 80 columns (a '\n'
 *        is a space: break the source lines anywhere)
 */
struct cmd_option {
	const char *name;
	int key;
	enum cmd_arg arg;
	const char *argname;
	enum cmd_value value;
	const char *help;
};

/* the options every command that has them describes alike */
#define CMD_OPT_SEED \
	{ "seed", CMD_K_SEED, CMD_ARG_REQUIRED, "N", CMD_V_TEXT, \
	  "seed of the simulator PRNG and math.random (default 1);\n" \
	  "decimal or 0x hexadecimal, never octal" }
#define CMD_OPT_SIMOPT \
	{ "opt", CMD_K_OPT, CMD_ARG_REQUIRED, "KEY=VALUE", CMD_V_SIMOPT, \
	  "a kmemsim.new{} option for every simulator, over the\n" \
	  "script's own (e.g. slub_min_objects=16); repeatable" }
#define CMD_OPT_KERNEL \
	{ "kernel", CMD_K_KERNEL, CMD_ARG_REQUIRED, "V", CMD_V_KERNEL, \
	  "--opt kernel=V: the rules of Linux 6.1 or 6.18" }
#define CMD_OPT_OUTPUT \
	{ "output", CMD_K_OUTPUT, CMD_ARG_REQUIRED, "FILE", CMD_V_FILE, \
	  "write the report to FILE instead of standard output\n" \
	  "(- is standard output)" }

/* ---- Commands ---- */

struct cmd {
	const char *name;		/* "run" */
	const char *synopsis;		/* after "kmemsim run ": "[FILE.lua|-] [options]" */
	const char *summary;		/* one line, for kmemsim --help and `list` */
	const char *description;	/* paragraphs, for COMMAND --help */
	const char *exit_status;	/* "0 ok, 1 ..., 2 usage error" */
	const struct cmd_option *options;	/* ends with { NULL } (no -h/--help: implied) */
	enum cmd_value operand;		/* what the operands are (completion) */
	bool hidden;			/* not in --help nor the manual (complete) */
	int (*main)(const struct cmd *cmd, int argc, char **argv);
};

/* the command table (main.c), in --help order, NULL-terminated */
extern const struct cmd *const kmemsim_commands[];

/** cmd_find - the command called @name (hidden ones too), or NULL */
const struct cmd *cmd_find(const char *name);

/** cmd_usage - print @cmd's --help page on @f: synopsis, description, options */
void cmd_usage(const struct cmd *cmd, FILE *f);
/** cmd_main_usage - print kmemsim --help on @f: the commands */
void cmd_main_usage(FILE *f);

/**
 * cmd_format_of - the report format a file name's extension suggests
 * (.json, .csv, .html/.htm, .svg, .txt), for -o without --format
 *
 * Return: true and @fmt set, or false for any other name.
 */
bool cmd_format_of(const char *path, enum report_format *fmt);

/**
 * cmd_parse_policies - "slab,slub" (--policies of compare and sweep) into
 * @policies (at most @max, pointing into @list, which is cut at the
 * commas) and @n
 *
 * Return: 0, or cmd_error()'s CMD_EXIT_USAGE for an unknown, repeated or
 * missing policy.
 */
int cmd_parse_policies(const struct cmd *cmd, char *list,
		       const char *policies[], size_t max, size_t *n);

/**
 * cmd_error - print "kmemsim CMD: <message>" and "Try 'kmemsim help CMD'."
 * on stderr (printf-style)
 * Return: CMD_EXIT_USAGE, so a parser can `return cmd_error(...)`.
 */
int cmd_error(const struct cmd *cmd, const char *fmt, ...)
	sim_printf_like(2, 3);

/* ---- Parsing ---- */

#define CMD_MAX_OPTIONS	64

/*
 * struct cmd_getopt - the state of one command line's parse
 * @arg: after cmd_getopt() returned a key: the option's value, or NULL
 * @spelled: how the option was written ("--seed", "-o"), for messages
 * @optind: after CMD_GETOPT_END: the first operand is argv[optind]
 *          (getopt_long moves operands after the options)
 */
struct cmd_getopt {
	const struct cmd *cmd;
	int argc;
	char **argv;
	const char *arg;
	char spelled[64];
	int optind;
	struct option longopts[CMD_MAX_OPTIONS + 2];
	char shortopts[3 * CMD_MAX_OPTIONS + 4];
};

#define CMD_GETOPT_END		(-1)	/* no more options */
#define CMD_GETOPT_HELP		(-2)	/* --help was printed: exit 0 */
#define CMD_GETOPT_ERROR	(-3)	/* the error was printed: exit 2 */

/** cmd_getopt_init - start parsing @argv (argv[0] is the command's name) */
void cmd_getopt_init(struct cmd_getopt *g, const struct cmd *cmd, int argc,
		     char **argv);
/**
 * cmd_getopt - the next option
 * Return: its key (g->arg holds its value), or CMD_GETOPT_END,
 * CMD_GETOPT_HELP (--help/-h, the usage is printed on stdout) or
 * CMD_GETOPT_ERROR (unknown, ambiguous or missing value: said on stderr).
 */
int cmd_getopt(struct cmd_getopt *g);
/** cmd_option_of - the row of @key in @cmd's option table, or NULL */
const struct cmd_option *cmd_option_of(const struct cmd *cmd, int key);

/* ---- Progress (cmd_progress.c) ---- */

/*
 * The one place kmemsim draws progress.  The engine reports through
 * sim.h's sim_progress_fn (a simulator's operations, a workload's phases,
 * a replay's events and input bytes); the commands hand it
 * cmd_progress_fn with a struct cmd_progress.  Shown on stderr, never on
 * stdout: on a terminal one line rewritten in place at most ten times a
 * second and cleared at the end; with --progress into a pipe or file a
 * line at most once a second and one when a run ends; with --quiet (or
 * when stderr is no terminal and --progress was not given) nothing.  The
 * clock read here is the host's wall clock, shown as elapsed time only:
 * nothing of it reaches a report.
 */
enum cmd_progress_mode {
	CMD_PROGRESS_AUTO,	/* only when stderr is a terminal */
	CMD_PROGRESS_ON,	/* --progress */
	CMD_PROGRESS_OFF,	/* --quiet */
};

struct cmd_progress {
	const char *cmd;	/* "run", "compare", "replay" */
	bool on;		/* drawing at all */
	bool tty;		/* one line rewritten with \r */
	bool shown;		/* a line is on the terminal */
	bool fresh;		/* no line drawn yet for this run */
	double t0, t_run, last;	/* the command's start, the run's, the last line */
	unsigned run, runs;	/* compare: run @run of @runs (1-based); 0: one run */
	const char *label;	/* the run's label (compare: its policy) */
	struct sim_progress p;	/* the latest report */
};

#define CMD_OPT_PROGRESS \
	{ "progress", CMD_K_PROGRESS, CMD_ARG_NONE, NULL, CMD_V_TEXT, \
	  "a progress line on stderr even when it is not a terminal" }
#define CMD_OPT_QUIET \
	{ "quiet", CMD_K_QUIET, CMD_ARG_NONE, NULL, CMD_V_TEXT, \
	  "no progress line, even on a terminal" }

/** cmd_progress_start - begin drawing for command @cmd in @mode */
void cmd_progress_start(struct cmd_progress *pg, const char *cmd,
			enum cmd_progress_mode mode);
/** cmd_progress_run - compare: run @run of @runs begins, labelled @label */
void cmd_progress_run(struct cmd_progress *pg, unsigned run, unsigned runs,
		      const char *label);
/** cmd_progress_fn - a sim_progress_fn; @ud is the struct cmd_progress */
void cmd_progress_fn(void *ud, const struct sim_progress *p);
/** cmd_progress_end - clear the line (a terminal) before the output */
void cmd_progress_end(struct cmd_progress *pg);

/* ---- Shared values ---- */

/*
 * cmd_record_spawn - replay --record: record COMMAND (cmd_record.c) in a
 * child process streaming plain text into *fd (read it to EOF, then reap
 * *pid: its exit status is record's), COMMAND's standard output going to
 * stderr if asked; -1 with a message printed when it could not start
 */
int cmd_record_spawn(char *const *argv, bool cmd_stdout_to_stderr, pid_t *pid,
		     int *fd);

/* the quiz topics (cmd_quiz.c), NULL-terminated, in --list order */
extern const char *const cmd_quiz_topics[];

/** cmd_parse_u64 - a non-negative decimal or 0x integer ("010" is ten) */
int cmd_parse_u64(const char *s, uint64_t *out);

/*
 * cmd_config_set_kv - apply "KEY=VALUE" (--opt) to @cfg through
 * sim_config_set(); 0, or -1 with the reason in @err
 */
struct sim_config;
int cmd_config_set_kv(struct sim_config *cfg, const char *kv, char *err,
		      size_t errlen);

#endif /* SIM_CMD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - the kmemsim command: the table of commands, and dispatch
 *
 *   kmemsim COMMAND [options] [operands]
 *   kmemsim --help | --version
 *
 * Every command is one file, src/cmd_NAME.c, defining `const struct cmd
 * cmd_NAME` (cmd.h: its synopsis, options, help and entry point), and one
 * row of KMEMSIM_COMMANDS below; --help, `kmemsim help`, the shell
 * completion and the manual's sync test all read this table.
 *
 * Each command parses its own options and returns the exit status (cmd.h):
 * 0 ok, 1 the command failed, 2 usage error.  The scenario runner
 * (cmd_scenario.c) follows lua.c: the scenario runs inside one protected
 * call with a message handler that adds a traceback.  The engine never
 * prints and never exits.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <lua.h>

#include "sim.h"
#include "cmd.h"
#include "cmd_out.h"

/* the commands, in the order kmemsim --help lists them */
#define KMEMSIM_COMMANDS(X) \
	X(run)		/* cmd_run.c: one scenario */ \
	X(compare)	/* cmd_compare.c: one scenario under each policy */ \
	X(replay)	/* cmd_replay.c: a kernel trace under each policy */ \
	X(record)	/* cmd_record.c: a workload's kmem events, as root */ \
	X(sweep)	/* cmd_sweep.c: a parameter sweep as job lines */ \
	X(merge)	/* cmd_merge.c: a sweep's results over seeds */ \
	X(quiz)		/* cmd_quiz.c: a seeded exercise, answers with -c */ \
	X(list)		/* cmd_list.c: the bundled scenarios */ \
	X(help)		/* cmd_help.c: a command's options */ \
	X(complete)	/* cmd_complete.c: the shell completion (hidden) */

#define KMEMSIM_DECLARE(name) extern const struct cmd cmd_##name;
KMEMSIM_COMMANDS(KMEMSIM_DECLARE)
#undef KMEMSIM_DECLARE

const struct cmd *const kmemsim_commands[] = {
#define KMEMSIM_ROW(name) &cmd_##name,
	KMEMSIM_COMMANDS(KMEMSIM_ROW)
#undef KMEMSIM_ROW
	NULL
};

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	const char *names[64], *hint;
	const struct cmd *cmd;
	size_t n = 0;

	cmd_out_init();		/* a closed pipe is a write error, not a silent death */
	if (!name) {
		fprintf(stderr, "kmemsim: missing command\nTry 'kmemsim --help'.\n");
		return CMD_EXIT_USAGE;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		printf("kmemsim %s (Lua %s.%s)\n", PACKAGE_VERSION,
		       LUA_VERSION_MAJOR, LUA_VERSION_MINOR);
		return CMD_EXIT_OK;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		cmd_main_usage(stdout);
		return CMD_EXIT_OK;
	}
	cmd = cmd_find(name);
	if (cmd)
		return cmd->main(cmd, argc - 1, argv + 1);
	for (const struct cmd *const *c = kmemsim_commands; *c && n < 64; c++)
		if (!(*c)->hidden)
			names[n++] = (*c)->name;
	hint = name[0] != '-' ? sim_suggest(name, names, n) : NULL;
	if (hint)
		fprintf(stderr, "kmemsim: unknown command '%s' (did you mean '%s'?)\n",
			name, hint);
	else if (name[0] == '-')
		fprintf(stderr, "kmemsim: '%s' before a command; options follow "
			"the command (kmemsim run %s ...)\n", name, name);
	else
		fprintf(stderr, "kmemsim: unknown command '%s'\n", name);
	fprintf(stderr, "Try 'kmemsim --help'.\n");
	return CMD_EXIT_USAGE;
}

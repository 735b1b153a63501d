/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - the kmemsim command: dispatch
 *
 *   kmemsim run [FILE.lua|-] [options]        cmd_run.c
 *   kmemsim compare [FILE.lua|-] [options]    cmd_compare.c
 *   kmemsim replay TRACE|- [options]          cmd_replay.c
 *   kmemsim --help | --version
 *
 * Each command parses its own options and returns the exit status (cmd.h):
 * 0 ok, 1 scenario error (or the command failed), 2 usage error.  run and
 * compare share the scenario runner (cmd_scenario.c), whose skeleton is
 * lua.c's: the scenario runs inside one protected call with a message
 * handler that adds a traceback, so an error prints "kmemsim: FILE:LINE:
 * message" plus the traceback.  The engine never prints and never exits.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <lua.h>

#include "cmd.h"

#define EXIT_USAGE 2

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fprintf(stderr, "kmemsim: missing command\nTry 'kmemsim --help'.\n");
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("kmemsim %s (Lua %s.%s)\n", PACKAGE_VERSION,
		       LUA_VERSION_MAJOR, LUA_VERSION_MINOR);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(cmd_run_usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);		/* cmd_run.c */
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);	/* cmd_compare.c */
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);	/* cmd_replay.c */
	fprintf(stderr, "kmemsim: unknown command '%s'\nTry 'kmemsim --help'.\n", cmd);
	return EXIT_USAGE;
}

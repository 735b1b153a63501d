/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_help.c - `kmemsim help [COMMAND]`: a command's options, or the commands
 *
 * `kmemsim help run` prints what `kmemsim run --help` does: both come
 * from the command's table row (cmd_usage), so they cannot disagree.
 */
#include "config.h"

#include <stdio.h>

#include "sim.h"
#include "cmd.h"

static int help_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_help = {
	.name = "help",
	.synopsis = "[COMMAND]",
	.summary = "show a command's options (without COMMAND: the commands)",
	.description =
		"Prints the options of COMMAND, as `kmemsim COMMAND --help` does;\n"
		"without COMMAND, the list of commands (kmemsim --help).",
	.exit_status = "0 ok, 2 unknown command",
	.options = NULL,
	.operand = CMD_V_COMMAND,
	.main = help_main,
};

static int help_main(const struct cmd *cmd, int argc, char **argv)
{
	const struct cmd *about;
	struct cmd_getopt g;
	int key;

	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END)
		return key == CMD_GETOPT_HELP ? CMD_EXIT_OK : CMD_EXIT_USAGE;
	if (g.optind >= argc) {
		cmd_main_usage(stdout);
		return CMD_EXIT_OK;
	}
	if (g.optind + 1 < argc)
		return cmd_error(cmd, "one command at a time");
	about = cmd_find(argv[g.optind]);
	if (!about)
		return cmd_error(cmd, "unknown command '%s' (kmemsim --help lists them)",
				 argv[g.optind]);
	cmd_usage(about, stdout);
	return CMD_EXIT_OK;
}

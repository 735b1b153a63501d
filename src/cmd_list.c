/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list.c - `kmemsim list`: the bundled scenarios and what each shows
 *
 * The scenarios under scenarios/ are embedded in the binary (and installed
 * to $(pkgdatadir)/scenarios for reading and copying), so `kmemsim run
 * NAME` works from any directory.  Each one's description is the first
 * line of its header comment ("-- scenarios/NAME.lua: DESCRIPTION"), so
 * the list cannot drift from the files.  A scenario that declares the
 * policy it teaches ("-- policy: NAME", see cmd_scenario.c) says so.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_scenario.h"

enum { LIST_K_NAMES = CMD_K_OWN };

static const struct cmd_option list_options[] = {
	{ "names", LIST_K_NAMES, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "only the names, one per line" },
	{ NULL }
};

static int list_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_list = {
	.name = "list",
	.synopsis = "[options]",
	.summary = "list the bundled scenarios with a line on each",
	.description =
		"Lists the scenarios bundled with kmemsim, by name, with the first line\n"
		"of each one's header comment and the policy it runs under when it\n"
		"declares one (\"-- policy: NAME\"; --policy overrides it).\n"
		"`kmemsim run NAME` runs one from any directory; the files are installed\n"
		"in the scenarios directory of kmemsim's data (see FILES in kmemsim(1))\n"
		"to read and copy.",
	.exit_status = "0 ok, 2 usage error",
	.options = list_options,
	.operand = CMD_V_TEXT,
	.main = list_main,
};

static int list_main(const struct cmd *cmd, int argc, char **argv)
{
	const struct lsim_embedded *m;
	struct cmd_getopt g;
	bool names = false;
	size_t width = 0;
	char name[128], summary[256], policy[16];
	int key;

	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		if (key == CMD_GETOPT_HELP)
			return CMD_EXIT_OK;
		if (key == CMD_GETOPT_ERROR)
			return CMD_EXIT_USAGE;
		names = true;	/* LIST_K_NAMES, the only option */
	}
	if (g.optind < argc)
		return cmd_error(cmd, "unexpected argument '%s'", argv[g.optind]);
	for (m = cmd_bundled_next(NULL); m; m = cmd_bundled_next(m)) {
		size_t n = strlen(cmd_bundled_name(m, name, sizeof name));

		if (n > width)
			width = n;
	}
	for (m = cmd_bundled_next(NULL); m; m = cmd_bundled_next(m)) {
		cmd_bundled_name(m, name, sizeof name);
		if (names)
			printf("%s\n", name);
		else if (cmd_bundled_policy(m, policy, sizeof policy))
			printf("%-*s  %s (runs under %s)\n", (int)width, name,
			       cmd_bundled_summary(m, summary, sizeof summary), policy);
		else
			printf("%-*s  %s\n", (int)width, name,
			       cmd_bundled_summary(m, summary, sizeof summary));
	}
	return fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_FAILED;
}

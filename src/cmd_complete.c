/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_complete.c - `kmemsim complete -- WORD...`: the shell completion's oracle
 *
 * The bash completion (completion/kmemsim.bash) hands over the words typed
 * after "kmemsim", the last one being the word under the cursor (maybe
 * empty), and prints what that word may become, one candidate per line,
 * each a whole word that starts with it.  Two lines are requests to the
 * shell instead: "@file" (complete a file name) and "@dir" (a directory).
 * Everything comes from the tables the commands parse with: the command
 * table, each command's options, the policies, report formats, kmemsim.new
 * options, GFP flags and bundled scenarios of this very binary, so the
 * completion cannot offer what the binary would refuse.
 *
 * A hidden command: it is for the shell, not listed by --help.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_scenario.h"

static int cpl_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_complete = {
	.name = "complete",
	.synopsis = "-- WORD...",
	.summary = "what the shell may complete the last WORD to",
	.description =
		"Prints the completions of the last WORD of `kmemsim WORD...` (the\n"
		"shell completion's helper), one per line; @file or @dir asks the\n"
		"shell to complete a file or directory name.",
	.exit_status = "0 ok, 2 usage error",
	.options = NULL,
	.operand = CMD_V_TEXT,
	.hidden = true,
	.main = cpl_main,
};

/* print @pre@word if it extends @cur */
static void cpl_offer(const char *cur, const char *pre, const char *word)
{
	size_t pl = strlen(pre);

	if (strncmp(pre, cur, pl < strlen(cur) ? pl : strlen(cur)) != 0)
		return;
	if (strlen(cur) > pl && strncmp(word, cur + pl, strlen(cur) - pl) != 0)
		return;
	printf("%s%s\n", pre, word);
}

static void cpl_commands(const char *cur)
{
	for (const struct cmd *const *c = kmemsim_commands; *c; c++)
		if (!(*c)->hidden)
			cpl_offer(cur, "", (*c)->name);
}

/* the last element of a list: @head is "slab,"/"GFP_KERNEL|", @tail the rest */
static size_t cpl_split(const char *v, const char *seps)
{
	size_t head = 0;

	for (size_t i = 0; v[i]; i++)
		if (strchr(seps, v[i]))
			head = i + 1;
	return head;
}

/* the values of @kind for the word @cur, whose value part starts at @val */
static void cpl_values(enum cmd_value kind, const char *cur, const char *val)
{
	char pre[512], buf[256];
	size_t head;

	snprintf(pre, sizeof pre, "%.*s", (int)(val - cur), cur);
	switch (kind) {
	case CMD_V_TEXT:
		break;
	case CMD_V_FILE:
		puts("@file");
		break;
	case CMD_V_DIR:
		puts("@dir");
		break;
	case CMD_V_POLICY:
		for (size_t i = 0; sim_policy_name(i); i++)
			cpl_offer(cur, pre, sim_policy_name(i));
		break;
	case CMD_V_POLICIES:
		/* "slab,sl": complete the last one, never one already listed */
		head = cpl_split(val, ",");
		snprintf(pre, sizeof pre, "%.*s", (int)(val - cur + (long)head), cur);
		for (size_t i = 0; sim_policy_name(i); i++) {
			const char *p = sim_policy_name(i);
			size_t n = strlen(p);
			const char *s = val;
			bool seen = false;

			while ((s = strstr(s, p)) && s < val + head) {
				if ((s == val || s[-1] == ',') && s[n] == ',')
					seen = true;
				s += n;
			}
			if (!seen)
				cpl_offer(cur, pre, p);
		}
		break;
	case CMD_V_KERNEL:
		for (int i = 0; sim_kernel_name((enum sim_kernel)i); i++)
			cpl_offer(cur, pre, sim_kernel_name((enum sim_kernel)i));
		break;
	case CMD_V_FORMAT:
	case CMD_V_DOCFORMAT:
		for (int i = 0; i < REPORT_NR_FORMATS; i++)
			if (kind == CMD_V_FORMAT || i != REPORT_FMT_SVG)
				cpl_offer(cur, pre, report_format_name((enum report_format)i));
		break;
	case CMD_V_SIMOPT:
		if (strchr(val, '='))
			break;		/* the value: free text */
		for (size_t i = 0; sim_option(i); i++) {
			snprintf(buf, sizeof buf, "%s=", sim_option(i)->name);
			cpl_offer(cur, pre, buf);
		}
		break;
	case CMD_V_PARAM: {
		/* the key is the scenario's own; a value may be GFP flags */
		const char *eq = strchr(val, '=');
		gfp_t v;

		if (!eq)
			break;
		head = cpl_split(eq + 1, "|");
		if (!head && eq[1] != 'G' && eq[1] != '_')
			break;		/* offer flags once they are begun */
		snprintf(pre, sizeof pre, "%.*s", (int)(eq + 1 - cur + (long)head), cur);
		for (size_t i = 0; sim_gfp_name_at(i, &v); i++)
			cpl_offer(cur, pre, sim_gfp_name_at(i, &v));
		break;
	}
	case CMD_V_SCENARIO:
		for (const struct lsim_embedded *m = cmd_bundled_next(NULL); m;
		     m = cmd_bundled_next(m))
			cpl_offer(cur, pre, cmd_bundled_name(m, buf, sizeof buf));
		puts("@file");
		break;
	case CMD_V_COMMAND:
		cpl_commands(cur);
		break;
	case CMD_V_QUIZ_TOPIC:
		for (const char *const *t = cmd_quiz_topics; *t; t++)
			cpl_offer(cur, pre, *t);
		break;
	case CMD_V_QUIZ_FORMAT:
		cpl_offer(cur, pre, "text");
		cpl_offer(cur, pre, "json");
		break;
	}
}

/* the option of @cmd that the word "--NAME" or "--NA" (a unique prefix) names */
static const struct cmd_option *cpl_long(const struct cmd *cmd, const char *w,
					 size_t len)
{
	const struct cmd_option *found = NULL;

	for (const struct cmd_option *o = cmd->options; o && o->name; o++) {
		if (strncmp(o->name, w, len) != 0)
			continue;
		if (strlen(o->name) == len)
			return o;	/* exact beats a prefix */
		if (found)
			return NULL;	/* ambiguous */
		found = o;
	}
	return found;
}

static int cpl_main(const struct cmd *self, int argc, char **argv)
{
	const struct cmd_option *pending = NULL;
	const struct cmd *cmd;
	const char *cur;
	bool operands_only = false;
	int first = 1;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cmd_usage(self, stdout);
		return CMD_EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "--") == 0)
		first = 2;
	if (argc <= first)
		return cmd_error(self, "no WORD to complete");
	cur = argv[argc - 1];
	if (argc - first == 1) {		/* the command itself */
		if (cur[0] == '-') {
			cpl_offer(cur, "", "--help");
			cpl_offer(cur, "", "--version");
		} else {
			cpl_commands(cur);
		}
		return CMD_EXIT_OK;
	}
	cmd = cmd_find(argv[first]);
	if (!cmd)
		return CMD_EXIT_OK;
	/* the words between the command and the cursor: a value still owed? */
	for (int i = first + 1; i < argc - 1; i++) {
		const char *w = argv[i];

		if (pending) {
			pending = NULL;
			continue;
		}
		if (operands_only || w[0] != '-' || !w[1])
			continue;
		if (strcmp(w, "--") == 0) {
			operands_only = true;
		} else if (w[1] == '-') {
			const struct cmd_option *o = cpl_long(cmd, w + 2, strcspn(w + 2, "="));

			if (o && o->arg == CMD_ARG_REQUIRED && !strchr(w, '='))
				pending = o;
		} else if (!w[2]) {
			const struct cmd_option *o = cmd_option_of(cmd, w[1]);

			if (o && o->arg == CMD_ARG_REQUIRED)
				pending = o;
		}
	}
	if (pending) {
		cpl_values(pending->value, cur, cur);
	} else if (!operands_only && strncmp(cur, "--", 2) == 0) {
		const char *eq = strchr(cur, '=');

		if (eq) {
			const struct cmd_option *o = cpl_long(cmd, cur + 2,
							      (size_t)(eq - cur - 2));

			if (o && o->arg != CMD_ARG_NONE)
				cpl_values(o->value, cur, eq + 1);
			return CMD_EXIT_OK;
		}
		for (const struct cmd_option *o = cmd->options; o && o->name; o++) {
			char buf[128];

			snprintf(buf, sizeof buf, "--%s", o->name);
			cpl_offer(cur, "", buf);
		}
		cpl_offer(cur, "", "--help");
	} else if (!operands_only && cur[0] == '-' && cur[1]) {
		const struct cmd_option *o = cmd_option_of(cmd, cur[1]);

		if (o && o->arg == CMD_ARG_REQUIRED)	/* -oFILE */
			cpl_values(o->value, cur, cur + 2);
	} else {
		cpl_values(cmd->operand, cur, cur);
	}
	return CMD_EXIT_OK;
}

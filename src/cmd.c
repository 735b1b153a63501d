/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.c - what every command shares: option parsing, --help, errors
 *
 * Parsing is getopt_long's, driven by the command's option table (cmd.h),
 * so every command gets the same, standard syntax: --name=value and
 * --name value, -oFILE and -o FILE, unique abbreviations (--pol for
 * --policies), operands between options, and "--" before an operand that
 * starts with a dash.  getopt's own messages are off (opterr = 0): errors
 * are said here, once, naming the command and the option the way the user
 * wrote it, with a did-you-mean for a misspelt option.
 *
 * --help is built from the same table, so it can never omit an option;
 * tests/man-sync.sh checks that docs/kmemsim.1 lists the same ones.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "cmd.h"
#include "report.h"

#define CMD_HELP_COLUMN	24	/* where option descriptions start */
#define CMD_WIDTH	80	/* --help fits a terminal of this width */

/* ---- The table ---- */

const struct cmd *cmd_find(const char *name)
{
	for (const struct cmd *const *c = kmemsim_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

const struct cmd_option *cmd_option_of(const struct cmd *cmd, int key)
{
	for (const struct cmd_option *o = cmd->options; o && o->name; o++)
		if (o->key == key)
			return o;
	return NULL;
}

/* ---- --help ---- */

/* "-o, --output FILE", "--explain[=N]", "--seed N" */
static void cmd_option_label(const struct cmd_option *o, char *buf, size_t len)
{
	int n = 0;

	if (o->key > 0 && o->key < CMD_K_LONG)
		n = snprintf(buf, len, "-%c, ", o->key);
	if (n < 0 || (size_t)n >= len)
		n = 0;
	switch (o->arg) {
	case CMD_ARG_NONE:
		snprintf(buf + n, len - (size_t)n, "--%s", o->name);
		break;
	case CMD_ARG_REQUIRED:
		snprintf(buf + n, len - (size_t)n, "--%s %s", o->name, o->argname);
		break;
	case CMD_ARG_OPTIONAL:
		snprintf(buf + n, len - (size_t)n, "--%s[=%s]", o->name, o->argname);
		break;
	}
}

/*
 * print @len bytes of @s from column @col, breaking at a space or after a
 * comma so no line passes CMD_WIDTH; continuation lines start at @indent
 */
static void cmd_wrap(FILE *f, int col, int indent, const char *s, int len)
{
	while (len > 0) {
		int room = CMD_WIDTH - col, cut = len, next;

		if (len > room && room > 0) {
			for (cut = room; cut > 0; cut--)
				if (s[cut] == ' ' || s[cut - 1] == ',')
					break;
			if (cut == 0)
				cut = room;	/* one word longer than the line */
		}
		fprintf(f, "%.*s\n", cut, s);
		next = cut;
		while (next < len && s[next] == ' ')
			next++;
		s += next;
		len -= next;
		if (len > 0) {
			fprintf(f, "%*s", indent, "");
			col = indent;
		}
	}
}

/*
 * "  LABEL     help, reflowed\n                 to the width\n": a '\n' in
 * @help is a space, so a table row wraps its text however it likes
 */
static void cmd_print_option(FILE *f, const char *label, const char *help)
{
	char text[1024];
	int col = fprintf(f, "  %s", label), n;

	if (col >= CMD_HELP_COLUMN - 1) {
		fputc('\n', f);
		col = 0;
	}
	n = snprintf(text, sizeof text, "%s", help);
	if (n >= (int)sizeof text)
		n = (int)sizeof text - 1;
	for (int i = 0; i < n; i++)
		if (text[i] == '\n')
			text[i] = ' ';
	fprintf(f, "%*s", CMD_HELP_COLUMN - col, "");
	cmd_wrap(f, CMD_HELP_COLUMN, CMD_HELP_COLUMN, text, n);
}

/* "usage: kmemsim NAME SYNOPSIS", wrapped under the synopsis */
static void cmd_print_synopsis(FILE *f, const char *lead, const struct cmd *cmd)
{
	int col = fprintf(f, "%-6s kmemsim %s ", lead, cmd->name);

	cmd_wrap(f, col, col, cmd->synopsis, (int)strlen(cmd->synopsis));
}

void cmd_usage(const struct cmd *cmd, FILE *f)
{
	char label[96];

	cmd_print_synopsis(f, "usage:", cmd);
	fprintf(f, "\n%s\n", cmd->description);
	fputs("\noptions:\n", f);
	for (const struct cmd_option *o = cmd->options; o && o->name; o++) {
		cmd_option_label(o, label, sizeof label);
		cmd_print_option(f, label, o->help);
	}
	cmd_print_option(f, "-h, --help", "print this help and exit");
	if (cmd->exit_status)
		fprintf(f, "\nexit status: %s\n", cmd->exit_status);
}

void cmd_main_usage(FILE *f)
{
	const char *lead = "usage:";

	for (const struct cmd *const *c = kmemsim_commands; *c; c++) {
		if ((*c)->hidden)
			continue;
		cmd_print_synopsis(f, lead, *c);
		lead = "";
	}
	fprintf(f, "%-6s kmemsim --help | --version\n", lead);
	fputs("\n"
	      "kmemsim simulates the Linux kernel's memory allocators -- page frames,\n"
	      "zones and watermarks, the buddy allocator, GFP semantics and the SLAB,\n"
	      "SLUB and SLOB object caches -- driven by Lua scenarios or replaying\n"
	      "real kernel traces.  The same scenario and seed always give the same\n"
	      "output, byte for byte.\n"
	      "\ncommands:\n", f);
	for (const struct cmd *const *c = kmemsim_commands; *c; c++)
		if (!(*c)->hidden)
			cmd_print_option(f, (*c)->name, (*c)->summary);
	fputs("\n"
	      "'kmemsim help COMMAND' or 'kmemsim COMMAND --help' shows a command's\n"
	      "options; man kmemsim has them all, man kmemsim-dsl the Lua API.\n"
	      "\n"
	      "exit status: 0 ok, 1 the command failed, 2 usage error\n", f);
}

int cmd_error(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kmemsim %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kmemsim %s --help'.\n", cmd->name);
	return CMD_EXIT_USAGE;
}

/* ---- Parsing ---- */

void cmd_getopt_init(struct cmd_getopt *g, const struct cmd *cmd, int argc,
		     char **argv)
{
	size_t n = 0, s = 0;

	memset(g, 0, sizeof *g);
	g->cmd = cmd;
	g->argc = argc;
	g->argv = argv;
	/* ':' first: a missing value returns ':' rather than '?' */
	g->shortopts[s++] = ':';
	for (const struct cmd_option *o = cmd->options; o && o->name; o++) {
		if (n == CMD_MAX_OPTIONS)
			break;	/* a table this long is a bug: cmd_usage shows all */
		g->longopts[n].name = o->name;
		g->longopts[n].has_arg = o->arg == CMD_ARG_NONE ? no_argument :
					 o->arg == CMD_ARG_REQUIRED ? required_argument :
					 optional_argument;
		g->longopts[n].flag = NULL;
		g->longopts[n].val = o->key;
		n++;
		if (o->key > 0 && o->key < CMD_K_LONG) {
			g->shortopts[s++] = (char)o->key;
			if (o->arg != CMD_ARG_NONE)
				g->shortopts[s++] = ':';
			if (o->arg == CMD_ARG_OPTIONAL)
				g->shortopts[s++] = ':';
		}
	}
	g->longopts[n].name = "help";
	g->longopts[n].has_arg = no_argument;
	g->longopts[n].val = CMD_K_HELP;
	g->shortopts[s++] = 'h';
	g->shortopts[s] = '\0';
	/* 0, not 1: glibc then starts afresh (a second parse in one process) */
	optind = 0;
	opterr = 0;
}

/* the long option names @word ("--se", "--frob=1") is a prefix of */
static size_t cmd_prefix_matches(const struct cmd_getopt *g, const char *word,
				 char *list, size_t len)
{
	size_t wl = strcspn(word + 2, "="), n = 0;

	list[0] = '\0';
	for (const struct option *o = g->longopts; o->name; o++)
		if (strncmp(o->name, word + 2, wl) == 0) {
			size_t used = strlen(list);

			snprintf(list + used, len - used, "%s--%s", n ? ", " : "",
				 o->name);
			n++;
		}
	return n;
}

static int cmd_unknown(struct cmd_getopt *g, const char *word)
{
	const char *names[CMD_MAX_OPTIONS + 2];
	char list[512], name[64];
	const char *hint;
	size_t n = 0;

	if (cmd_prefix_matches(g, word, list, sizeof list) > 1)
		return cmd_error(g->cmd, "ambiguous option '%s' (%s)", word, list);
	for (const struct option *o = g->longopts; o->name; o++)
		names[n++] = o->name;
	snprintf(name, sizeof name, "%.*s", (int)strcspn(word + 2, "="), word + 2);
	hint = sim_suggest(name, names, n);
	if (hint)
		return cmd_error(g->cmd, "unknown option '%s' (did you mean '--%s'?)",
				 word, hint);
	return cmd_error(g->cmd, "unknown option '%s'", word);
}

int cmd_getopt(struct cmd_getopt *g)
{
	int longindex = -1, c;
	const char *word;

	g->arg = NULL;
	g->spelled[0] = '\0';
	c = getopt_long(g->argc, g->argv, g->shortopts, g->longopts, &longindex);
	g->optind = optind;
	if (c == -1)
		return CMD_GETOPT_END;
	/* the word just read: getopt has moved past it */
	word = optind > 0 && optind <= g->argc ? g->argv[optind - 1] : "";
	if (c == '?') {
		if (strncmp(word, "--", 2) == 0 && optopt)
			cmd_error(g->cmd, "option '--%.*s' takes no value",
				  (int)strcspn(word + 2, "="), word + 2);
		else if (strncmp(word, "--", 2) == 0)
			cmd_unknown(g, word);
		else
			cmd_error(g->cmd, "unknown option '-%c'", optopt ? optopt : '?');
		return CMD_GETOPT_ERROR;
	}
	if (c == ':') {
		const struct cmd_option *o = cmd_option_of(g->cmd, optopt);

		if (!o)		/* cannot be: getopt knows only the table */
			cmd_error(g->cmd, "option '%s' needs a value", word);
		else if (strncmp(word, "--", 2) == 0 || optopt >= CMD_K_LONG)
			cmd_error(g->cmd, "--%s needs a value (%s)", o->name, o->argname);
		else
			cmd_error(g->cmd, "-%c needs a value (%s)", optopt, o->argname);
		return CMD_GETOPT_ERROR;
	}
	if (longindex >= 0)
		snprintf(g->spelled, sizeof g->spelled, "--%s",
			 g->longopts[longindex].name);
	else
		snprintf(g->spelled, sizeof g->spelled, "-%c", c);
	if (c == CMD_K_HELP) {
		cmd_usage(g->cmd, stdout);
		return CMD_GETOPT_HELP;
	}
	g->arg = optarg;
	return c;
}

/* ---- Shared values ---- */

int cmd_parse_u64(const char *s, uint64_t *out)
{
	int64_t v;

	if (*s < '0' || *s > '9' || sim_parse_int(s, &v) != SIM_OK)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int cmd_config_set_kv(struct sim_config *cfg, const char *kv, char *err,
		      size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[64];

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof key) {
		snprintf(err, errlen, "--opt needs KEY=VALUE, got '%s'", kv);
		return -1;
	}
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	return sim_config_set(cfg, key, eq + 1, err, errlen) == SIM_OK ? 0 : -1;
}

int cmd_parse_policies(const struct cmd *cmd, char *list,
		       const char *policies[], size_t max, size_t *n)
{
	char *save = NULL, *tok;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!sim_policy_known(tok))
			return cmd_error(cmd, "unknown policy '%s' (slab, slub, slob)", tok);
		for (size_t i = 0; i < *n; i++)
			if (strcmp(policies[i], tok) == 0)
				return cmd_error(cmd, "policy '%s' given twice", tok);
		if (*n == max)
			return cmd_error(cmd, "too many policies");
		policies[(*n)++] = tok;
	}
	if (!*n)
		return cmd_error(cmd, "--policies needs at least one policy");
	return 0;
}

bool cmd_format_of(const char *path, enum report_format *fmt)
{
	static const struct { const char *ext; enum report_format fmt; } exts[] = {
		{ ".json", REPORT_FMT_JSON }, { ".csv", REPORT_FMT_CSV },
		{ ".html", REPORT_FMT_HTML }, { ".htm", REPORT_FMT_HTML },
		{ ".svg", REPORT_FMT_SVG }, { ".txt", REPORT_FMT_TEXT },
	};
	size_t n = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i].ext);

		if (n > e && strcmp(path + n - e, exts[i].ext) == 0) {
			*fmt = exts[i].fmt;
			return true;
		}
	}
	return false;
}

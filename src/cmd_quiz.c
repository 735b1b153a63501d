/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_quiz.c - the `kmemsim quiz` command: seeded exercises with answers
 *
 *   kmemsim quiz TOPIC [--seed N] [-c] [--policy P] [--difficulty 1..3]
 *                [--format text|json]
 *   kmemsim quiz --list
 *
 * OSTEP's homework habit for the kernel's allocators: a seeded problem is
 * printed, students work it out, and -c prints the same questions with the
 * answers the simulator computed, each with a one-line why taken from its
 * narration.  The problems and their answers are Lua (lua/kmemsim/quiz.lua
 * and one module per topic in lua/kmemsim/quiz/), run in the same sandbox
 * as a scenario against fresh simulators: this file parses the command
 * line, checks it, and prints what kmemsim.quiz.run() returns.  The kernel
 * log of those simulators (a BUG report a probe provokes on purpose) is
 * not part of the exercise and goes nowhere.
 *
 * The topics are listed here too (quiz_topics[]) for the completion and
 * the did-you-mean of a misspelt topic; `kmemsim quiz --list` loads each
 * one's module, so a name without a module fails the test suite.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "cmd.h"
#include "lsimaux.h"

/* the topics, in --list order (lua/kmemsim/quiz.lua has the same list) */
const char *const cmd_quiz_topics[] = {
	"buddy", "kmalloc", "slab", "slub", "slob", "gfp", "watermarks", NULL
};

enum {
	QUIZ_K_ANSWERS = 'c',
	QUIZ_K_DIFFICULTY = CMD_K_OWN,
	QUIZ_K_LIST,
};

static const struct cmd_option quiz_options[] = {
	CMD_OPT_SEED,
	{ "answers", QUIZ_K_ANSWERS, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "print the answers, each with a one-line why (OSTEP's -c)" },
	{ "policy", CMD_K_POLICY, CMD_ARG_REQUIRED, "P", CMD_V_POLICY,
	  "the slab policy the problem is about (kmalloc: only\n"
	  "that one instead of all three; slab: slab or slub)" },
	{ "difficulty", QUIZ_K_DIFFICULTY, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "1 (a few steps, the default) to 3 (more steps, the\n"
	  "tricky cases)" },
	{ "format", CMD_K_FORMAT, CMD_ARG_REQUIRED, "FMT", CMD_V_QUIZ_FORMAT,
	  "text (default) or json (for auto-graders: the problem's\n"
	  "data and, with -c, typed answers)" },
	{ "list", QUIZ_K_LIST, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "list the topics" },
	{ NULL }
};

static int quiz_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_quiz = {
	.name = "quiz",
	.synopsis = "TOPIC [--seed N] [-c] [options] | --list",
	.summary = "a seeded exercise on an allocator, answers with -c",
	.description =
		"Prints a problem on TOPIC drawn from the seed (the same seed, the same\n"
		"problem) and its questions; with -c the same questions with the\n"
		"answers and a one-line why for each.  Every answer is computed by\n"
		"running the problem on the simulator, never stored.  Topics (--list):\n"
		"buddy, kmalloc, slab, slub, slob, gfp, watermarks.",
	.exit_status = "0 ok, 1 the problem could not be built, 2 usage error",
	.options = quiz_options,
	.operand = CMD_V_QUIZ_TOPIC,
	.main = quiz_main,
};

struct quiz_opts {
	const char *topic;
	uint64_t seed;
	const char *policy;	/* NULL: the topic's default */
	int difficulty;
	bool answers, json, list;
};

/* the simulators' kernel log and print(): not part of the exercise */
static void quiz_discard(void *ud, const char *s, size_t n)
{
	(void)ud;
	(void)s;
	(void)n;
}

static int quiz_msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
	return 1;
}

/*
 * In the protected call: kmemsim.quiz.list() or .run(o).  Leaves the text
 * and, for a usage error, its message (nil text) on the stack.
 */
static int quiz_pmain(lua_State *L)
{
	const struct quiz_opts *o = lua_touserdata(L, 1);

	lua_getglobal(L, "require");
	lua_pushliteral(L, "kmemsim.quiz");
	lua_call(L, 1, 1);
	if (o->list) {
		lua_getfield(L, -1, "list");
		lua_call(L, 0, 1);
		lua_pushnil(L);
		return 2;
	}
	lua_getfield(L, -1, "run");
	lua_createtable(L, 0, 8);
	lua_pushstring(L, o->topic);
	lua_setfield(L, -2, "topic");
	lua_pushinteger(L, (lua_Integer)o->seed);
	lua_setfield(L, -2, "seed");
	lua_pushinteger(L, o->difficulty);
	lua_setfield(L, -2, "difficulty");
	if (o->policy) {
		lua_pushstring(L, o->policy);
		lua_setfield(L, -2, "policy");
	}
	lua_pushboolean(L, o->answers);
	lua_setfield(L, -2, "answers");
	lua_pushstring(L, o->json ? "json" : "text");
	lua_setfield(L, -2, "format");
	lua_pushstring(L, PACKAGE_VERSION);
	lua_setfield(L, -2, "version");
	lua_call(L, 1, 2);
	return 2;
}

static int quiz_parse(const struct cmd *cmd, int argc, char **argv,
		      struct quiz_opts *o)
{
	struct cmd_getopt g;
	uint64_t d;
	int key;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->difficulty = 1;
	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		const char *v = g.arg;

		switch (key) {
		case CMD_GETOPT_HELP:
			return -1;
		case CMD_GETOPT_ERROR:
			return CMD_EXIT_USAGE;
		case CMD_K_SEED:
			if (cmd_parse_u64(v, &o->seed) || o->seed > INT64_MAX)
				return cmd_error(cmd, "--seed needs a non-negative integer, got '%s'", v);
			break;
		case QUIZ_K_ANSWERS:
			o->answers = true;
			break;
		case CMD_K_POLICY:
			if (!sim_policy_known(v))
				return cmd_error(cmd, "unknown policy '%s' (slab, slub, slob)", v);
			o->policy = v;
			break;
		case QUIZ_K_DIFFICULTY:
			if (cmd_parse_u64(v, &d) || d < 1 || d > 3)
				return cmd_error(cmd, "--difficulty needs 1, 2 or 3, got '%s'", v);
			o->difficulty = (int)d;
			break;
		case CMD_K_FORMAT:
			if (strcmp(v, "json") == 0)
				o->json = true;
			else if (strcmp(v, "text") != 0)
				return cmd_error(cmd, "unknown format '%s' (text, json)", v);
			break;
		case QUIZ_K_LIST:
			o->list = true;
			break;
		}
	}
	if (o->list) {
		if (g.optind < argc)
			return cmd_error(cmd, "--list takes no topic");
		return 0;
	}
	if (g.optind >= argc)
		return cmd_error(cmd, "which topic? (kmemsim quiz --list)");
	if (g.optind + 1 < argc)
		return cmd_error(cmd, "one topic at a time, got '%s' and '%s'",
				 argv[g.optind], argv[g.optind + 1]);
	o->topic = argv[g.optind];
	for (const char *const *t = cmd_quiz_topics; *t; t++)
		if (strcmp(*t, o->topic) == 0)
			return 0;
	{
		size_t n = 0;
		const char *hint;

		while (cmd_quiz_topics[n])
			n++;
		hint = sim_suggest(o->topic, cmd_quiz_topics, n);
		if (hint)
			return cmd_error(cmd, "unknown topic '%s' (did you mean '%s'?)",
					 o->topic, hint);
		return cmd_error(cmd, "unknown topic '%s' (kmemsim quiz --list)",
				 o->topic);
	}
}

static int quiz_main(const struct cmd *cmd, int argc, char **argv)
{
	struct quiz_opts o;
	struct lsim_runtime rt;
	lua_State *L;
	int rc, status = CMD_EXIT_OK;

	rc = quiz_parse(cmd, argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	memset(&rt, 0, sizeof rt);
	rt.seed = o.seed;
	rt.policy = o.policy;
	rt.max_steps = LSIM_DEFAULT_MAX_STEPS;
	rt.write = quiz_discard;
	L = lsim_newstate(&rt);
	if (!L) {
		fprintf(stderr, "kmemsim quiz: cannot create the Lua state\n");
		return CMD_EXIT_FAILED;
	}
	lua_pushcfunction(L, quiz_msghandler);
	lua_pushcfunction(L, quiz_pmain);
	lua_pushlightuserdata(L, &o);
	if (lua_pcall(L, 1, 2, 1) != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		fprintf(stderr, "kmemsim quiz: %s\n", msg ? msg : "(no message)");
		status = CMD_EXIT_FAILED;
	} else if (lua_isnil(L, -2)) {
		status = cmd_error(cmd, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1)
								  : "(no message)");
	} else {
		size_t len;
		const char *text = lua_tolstring(L, -2, &len);

		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "kmemsim quiz: cannot write the problem\n");
			status = CMD_EXIT_FAILED;
		}
	}
	lua_close(L);
	return status;
}

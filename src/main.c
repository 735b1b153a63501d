/* main.c - the kmemsim command
 *
 *   kmemsim run [FILE.lua|-] [--seed N] [--policy P] [--set k=v]...
 *               [--max-steps N] [--unsafe] [--lua-path DIR]
 *   kmemsim --help | --version
 *
 * The skeleton is lua.c's: everything runs inside one protected call
 * (pmain) with a message handler that adds a traceback, so a scenario error
 * prints "kmemsim: FILE:LINE: message" plus the traceback and exits 1.
 * Exit codes: 0 ok, 1 scenario error, 2 usage error.  Only this file decides
 * exit codes and writes to stderr; the engine never does.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lsimaux.h"
#include "sim.h"

#define EXIT_SCENARIO 1
#define EXIT_USAGE 2
#define MAX_PARAMS 64

static const char usage_text[] =
	"usage: kmemsim run [FILE.lua|-] [options]\n"
	"       kmemsim --help | --version\n"
	"\n"
	"Runs a Lua scenario against a simulated Linux kernel memory allocator\n"
	"(buddy allocator, GFP semantics, and the SLAB, SLUB or SLOB policy).\n"
	"Without FILE, `run` runs the bundled default scenario; `-` reads the\n"
	"scenario from standard input.\n"
	"\n"
	"options:\n"
	"  --seed N         seed of the simulator PRNG and math.random (default 1)\n"
	"  --policy P       default slab policy: slab, slub or slob (default slub)\n"
	"  --set KEY=VALUE  scenario parameter, seen as kmemsim.params.KEY\n"
	"  --max-steps N    stop a runaway script after N VM instructions\n"
	"  --explain[=N]    narrate each operation (only the first N) step by step\n"
	"  --unsafe         give the script io, os and debug\n"
	"  --lua-path DIR   load kmemsim.* modules from DIR/kmemsim/ first\n"
	"                   (also $KMEMSIM_LUA_PATH)\n"
	"\n"
	"exit status: 0 ok, 1 scenario error, 2 usage error\n";

struct options {
	const char *command;
	const char *file;
	struct lsim_runtime rt;
	struct lsim_param params[MAX_PARAMS];
	char *script_dir;
};

/* ---- Output ---- */

static void write_stdout(void *ud, const char *s, size_t n)
{
	(void)ud;
	fwrite(s, 1, n, stdout);
}

/* ---- Argument parsing ---- */

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kmemsim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kmemsim --help'.\n");
	return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* "--name=value" or "--name value": the value, or NULL if absent */
static const char *option_value(int argc, char **argv, int *i,
				const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int parse_args(int argc, char **argv, struct options *o)
{
	const char *v;

	memset(o, 0, sizeof *o);
	o->rt.seed = 1;
	o->rt.policy = "slub";
	o->rt.max_steps = LSIM_DEFAULT_MAX_STEPS;
	o->rt.params = o->params;
	o->rt.lua_path = getenv("KMEMSIM_LUA_PATH");
	if (argc < 2)
		return usage_error("%s", "missing command");
	o->command = argv[1];
	if (strcmp(o->command, "--help") == 0 || strcmp(o->command, "-h") == 0 ||
	    strcmp(o->command, "--version") == 0)
		return 0;
	if (strcmp(o->command, "run") != 0)
		return usage_error("unknown command '%s'", o->command);

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (is_option(a, "--seed")) {
			if (!(v = option_value(argc, argv, &i, "--seed")) ||
			    parse_u64(v, &o->rt.seed))
				return usage_error("--seed needs a non-negative integer%s", "");
		} else if (is_option(a, "--policy")) {
			if (!(v = option_value(argc, argv, &i, "--policy")))
				return usage_error("--policy needs a value%s", "");
			if (!sim_policy_known(v))
				return usage_error("unknown policy '%s' (slab, slub, slob)", v);
			o->rt.policy = v;
		} else if (is_option(a, "--set")) {
			const char *eq;

			if (!(v = option_value(argc, argv, &i, "--set")) ||
			    !(eq = strchr(v, '=')) || eq == v)
				return usage_error("--set needs KEY=VALUE%s", "");
			if (o->rt.nr_params == MAX_PARAMS)
				return usage_error("too many --set options%s", "");
			{
				char *key = strndup(v, (size_t)(eq - v));

				if (!key)
					return usage_error("%s", "out of memory");
				o->params[o->rt.nr_params].key = key;
				o->params[o->rt.nr_params].value = eq + 1;
				o->rt.nr_params++;
			}
		} else if (is_option(a, "--max-steps")) {
			if (!(v = option_value(argc, argv, &i, "--max-steps")) ||
			    parse_u64(v, &o->rt.max_steps))
				return usage_error("--max-steps needs a non-negative integer%s", "");
		} else if (is_option(a, "--explain")) {
			if (a[9] == '=') {
				if (parse_u64(a + 10, &o->rt.explain) || !o->rt.explain)
					return usage_error("--explain=N needs a positive integer%s", "");
			} else {
				o->rt.explain = UINT64_MAX;
			}
		} else if (strcmp(a, "--unsafe") == 0) {
			o->rt.unsafe = true;
		} else if (is_option(a, "--lua-path")) {
			if (!(v = option_value(argc, argv, &i, "--lua-path")))
				return usage_error("--lua-path needs a directory%s", "");
			o->rt.lua_path = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option '%s'", a);
		} else if (!o->file) {
			o->file = a;
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	return 0;
}

/* ---- Running a scenario (lua.c's pmain/docall/msghandler) ---- */

static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") &&
		    lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)",
				      luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static int load_scenario(lua_State *L, const char *file)
{
	if (file == NULL) {
		for (const struct lsim_embedded *m = lsim_embedded; m->name; m++)
			if (strcmp(m->name, "scenarios/default.lua") == 0)
				return luaL_loadbufferx(L, (const char *)m->src,
							m->len, m->chunkname, "t");
		lua_pushliteral(L, "the default scenario is not embedded");
		return LUA_ERRFILE;
	}
	if (strcmp(file, "-") == 0)
		return luaL_loadfilex(L, NULL, "t");	/* chunk "=stdin" */
	return luaL_loadfilex(L, file, "t");
}

static int pmain(lua_State *L)
{
	const char *file = lua_touserdata(L, 1);

	if (load_scenario(L, file) != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 0);
	return 0;
}

static char *dir_of(const char *file)
{
	const char *slash;

	if (!file || strcmp(file, "-") == 0)
		return strdup(".");
	slash = strrchr(file, '/');
	if (!slash)
		return strdup(".");
	if (slash == file)
		return strdup("/");
	return strndup(file, (size_t)(slash - file));
}

static int run_scenario(struct options *o)
{
	lua_State *L;
	int status;

	o->script_dir = dir_of(o->file);
	o->rt.script_dir = o->script_dir;
	o->rt.write = write_stdout;
	L = lsim_newstate(&o->rt);
	if (!L) {
		fprintf(stderr, "kmemsim: cannot create the Lua state\n");
		return EXIT_SCENARIO;
	}
	lua_pushcfunction(L, msghandler);
	lua_pushcfunction(L, pmain);
	lua_pushlightuserdata(L, (void *)o->file);
	status = lua_pcall(L, 1, 0, 1);
	fflush(stdout);
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		fprintf(stderr, "kmemsim: %s\n", msg ? msg : "(no message)");
	}
	lua_close(L);
	fflush(stdout);
	return status == LUA_OK ? 0 : EXIT_SCENARIO;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_args(argc, argv, &o);

	if (rc != 0)
		return rc;
	if (strcmp(o.command, "--version") == 0) {
		printf("kmemsim %s (Lua %s.%s)\n", PACKAGE_VERSION,
		       LUA_VERSION_MAJOR, LUA_VERSION_MINOR);
		return 0;
	}
	if (strcmp(o.command, "--help") == 0 || strcmp(o.command, "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	rc = run_scenario(&o);
	for (size_t i = 0; i < o.rt.nr_params; i++)
		free((char *)o.params[i].key);
	free(o.script_dir);
	return rc;
}

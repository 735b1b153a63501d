/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_lua.c - libFuzzer target: a Lua scenario in the sandbox
 *
 * The input is a scenario's text, run as `kmemsim run` runs one: a fresh
 * sandboxed state (lsim_newstate), one protected call, the state closed
 * at the end (every simulator it made is freed then).  The budgets of
 * kmemsim run keep each input short and small: 2e5 VM instructions
 * (--max-steps), 5 ms of modelled kernel work (--max-work: reclaim and
 * compaction loops, workloads) and 64 MiB of host memory (--max-memory:
 * the Lua heap and the simulators' page metadata), and every
 * kmemsim.new{} gets a 16 MiB machine whatever the script asks (the
 * command line's --opt ram=16M override).  Errors of the script, a budget
 * running out included, are expected; crashes, sanitizer reports and
 * hangs are findings.  What the script prints is dropped.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lsimaux.h"

#define FUZZ_MAX_STEPS	UINT64_C(200000)	/* VM instructions per input */
#define FUZZ_MAX_WORK	UINT64_C(5000000)	/* modelled kernel ns per input */
#define FUZZ_MAX_MEMORY	(UINT64_C(64) << 20)	/* host bytes per input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_drop(void *ud, const char *s, size_t n)
{
	(void)ud;
	(void)s;
	(void)n;
}

static int fuzz_main(lua_State *L)
{
	const char *src = lua_touserdata(L, 1);
	size_t len = (size_t)lua_tointeger(L, 2);

	if (luaL_loadbufferx(L, src, len, "=fuzz", "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lsim_param opts[] = {
		{ "ram", "16M" },	/* the small machine, whatever the script asks */
	};
	struct lsim_runtime rt;
	lua_State *L;

	memset(&rt, 0, sizeof rt);
	rt.seed = 1;
	rt.policy = "slub";
	rt.max_steps = FUZZ_MAX_STEPS;
	rt.max_work = FUZZ_MAX_WORK;
	rt.max_memory = FUZZ_MAX_MEMORY;
	rt.script_dir = "/nonexistent/kmemsim-fuzz";	/* require finds no files */
	rt.opts = opts;
	rt.nr_opts = sizeof opts / sizeof opts[0];
	rt.write = fuzz_drop;
	L = lsim_newstate(&rt);
	if (!L)
		return 0;
	lua_pushcfunction(L, fuzz_main);
	lua_pushlightuserdata(L, (void *)data);
	lua_pushinteger(L, (lua_Integer)size);
	(void)lua_pcall(L, 2, 0, 0);
	lua_close(L);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_init.c - the sandboxed Lua state a scenario runs in
 *
 * What a scenario can reach (as Redis does for its scripts, and linit.c for
 * the standard libraries):
 *   base       without dofile and loadfile; load() accepts text chunks only
 *              (no bytecode); print writes to the run's output stream;
 *              collectgarbage("count") is refused (host memory is not
 *              simulation output)
 *   table string math utf8 coroutine
 *              math.random/randomseed draw from a seeded xoshiro256**
 *              stream (--seed), never from the host's time
 *   package    require finds only the embedded kmemsim.* modules (or a
 *              --lua-path working copy) and files in the scenario's own
 *              directory; no C modules
 *   io os debug only with --unsafe; debug.sethook and debug.gethook are
 *              then kmemsim's own (below): a script's hook runs beside the
 *              instruction budget's, never instead of it
 * lua/kmemsim/sandbox.lua then makes pairs() iterate in a defined order
 * and tostring() print stable identities instead of host addresses: Lua 5.4
 * seeds its string hashes per state, so plain pairs() order changes from
 * run to run.
 *
 * An instruction-count hook enforces --max-steps so a runaway loop ends
 * with a clear message instead of hanging.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lualib.h>

#include "lsimaux.h"

#define LSIM_HOOK_COUNT 10000	/* instructions between budget checks */

/* ---- Instruction budget ---- */

static void lsim_count_hook(lua_State *L, lua_Debug *ar);

/*
 * End the run: raise, with the hook on every instruction from now on.  The
 * error raised is a memory error -- the allocator refuses everything once
 * the run is stopped -- because Lua calls no message handler for those: a
 * handler (xpcall's) would otherwise run with hooks off when the error
 * comes from the count hook, and could loop for ever.  lsim_outcome() says
 * what really happened.
 */
static int lsim_raise_stop(lua_State *L)
{
	struct lsim_runtime *rt = lsim_runtime(L);

	lua_sethook(L, lsim_count_hook, LUA_MASKCOUNT, 1);
	rt->alloc_refused = true;
	lua_newuserdatauv(L, 1, 0);	/* raises LUA_ERRMEM */
	lua_pushstring(L, rt->stop_msg);	/* not reached */
	return lua_error(L);
}

int lsim_budget_stop(lua_State *L, int level, const char *fmt, ...)
{
	struct lsim_runtime *rt = lsim_runtime(L);

	if (!rt->stopped) {
		va_list ap;
		size_t n;

		luaL_where(L, level);
		n = (size_t)snprintf(rt->stop_msg, sizeof rt->stop_msg, "%s",
				     lua_tostring(L, -1));
		lua_pop(L, 1);
		if (n >= sizeof rt->stop_msg)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(rt->stop_msg + n, sizeof rt->stop_msg - n, fmt, ap);
		va_end(ap);
		rt->stopped = true;
	}
	return lsim_raise_stop(L);
}

static int lsim_steps_exhausted(lua_State *L, int level)
{
	struct lsim_runtime *rt = lsim_runtime(L);

	return lsim_budget_stop(L, level,
		"scenario stopped after %llu Lua VM instructions (--max-steps %llu): "
		"a runaway loop? Give a larger --max-steps N if it is not "
		"(0: no limit)", (unsigned long long)rt->max_steps,
		(unsigned long long)rt->max_steps);
}

/* "1.5 GiB" into @buf */
static const char *lsim_fmt_bytes(char *buf, size_t len, uint64_t n)
{
	if (n >= UINT64_C(1) << 30)
		snprintf(buf, len, "%.1f GiB", (double)n / (double)(UINT64_C(1) << 30));
	else if (n >= 1 << 20)
		snprintf(buf, len, "%.1f MiB", (double)n / (double)(1 << 20));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
	return buf;
}

/* "61.5 s" of modelled time into @buf */
static const char *lsim_fmt_secs(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%llu.%03llu s", (unsigned long long)(ns / 1000000000),
		 (unsigned long long)(ns / 1000000 % 1000));
	return buf;
}

int lsim_work_stop(lua_State *L, int level)
{
	struct lsim_runtime *rt = lsim_runtime(L);
	char used[32], max[32];

	return lsim_budget_stop(L, level,
		"scenario stopped: its simulators did %s of modelled kernel work "
		"(--max-work %s): an endless workload? Give a larger --max-work T "
		"if it is not (0: no limit)",
		lsim_fmt_secs(used, sizeof used, rt->work.used),
		lsim_fmt_secs(max, sizeof max, rt->work.limit));
}

void lsim_check_work(lua_State *L, struct sim *sim)
{
	if (sim_over_budget(sim))
		lsim_work_stop(L, 1);
}

static void lsim_user_hook(lua_State *L, lua_Debug *ar);

/*
 * The one hook of every thread.  Count events charge the budget with the
 * instructions since the last one (LSIM_HOOK_COUNT, or fewer where a
 * script's own count hook asked for more frequent calls); under --unsafe,
 * a hook the script set with debug.sethook is called after that.  In a
 * count hook, level 0 is the Lua function being run.
 */
static void lsim_count_hook(lua_State *L, lua_Debug *ar)
{
	struct lsim_runtime *rt = lsim_runtime(L);

	if (ar->event == LUA_HOOKCOUNT) {
		int n = lua_gethookcount(L);

		if (rt->stopped) {
			lsim_raise_stop(L);
			return;
		}
		rt->steps += n > 0 ? (uint64_t)n : LSIM_HOOK_COUNT;
		if (rt->max_steps && rt->steps > rt->max_steps)
			lsim_steps_exhausted(L, 0);
	}
	if (rt->unsafe)
		lsim_user_hook(L, ar);
}

void lsim_charge(lua_State *L, uint64_t n)
{
	struct lsim_runtime *rt = lsim_runtime(L);

	if (rt->stopped) {
		lsim_raise_stop(L);
		return;
	}
	rt->steps += n;
	if (rt->max_steps && rt->steps > rt->max_steps)
		lsim_steps_exhausted(L, 1);
}

int lsim_outcome(lua_State *L, int status)
{
	struct lsim_runtime *rt = lsim_runtime(L);
	const char *tb = NULL;

	rt->alloc_refused = false;	/* the messages below need memory */
	if (!rt->stopped && rt->work.limit && rt->work.used > rt->work.limit) {
		/* the last engine call ran the budget out: stop all the same */
		char used[32], max[32];

		snprintf(rt->stop_msg, sizeof rt->stop_msg,
			 "scenario stopped: its simulators did %s of modelled "
			 "kernel work (--max-work %s)",
			 lsim_fmt_secs(used, sizeof used, rt->work.used),
			 lsim_fmt_secs(max, sizeof max, rt->work.limit));
		rt->stopped = true;
	}
	if (!rt->stopped) {
		const char *msg = lua_tostring(L, -1);
		char max[32], ask[32];

		if (status == LUA_OK || !rt->mem_refused || !msg ||
		    strncmp(msg, "not enough memory", 17) != 0)
			return status;
		lua_pushfstring(L, "not enough memory: the scenario reached its memory "
				"budget (--max-memory %s for the Lua heap and the "
				"simulators; a request for %s was refused)",
				lsim_fmt_bytes(max, sizeof max, rt->max_memory),
				lsim_fmt_bytes(ask, sizeof ask, rt->mem_refused));
		return status;
	}
	/* the traceback of whatever error ended the run, after the reason */
	if (status != LUA_OK && lua_type(L, -1) == LUA_TSTRING)
		tb = strstr(lua_tostring(L, -1), "\nstack traceback:");
	lua_pushfstring(L, "%s%s", rt->stop_msg, tb ? tb : "");
	return LUA_ERRRUN;
}

/* ---- print ---- */

/* print through the global tostring, as Lua 5.3 did, so the sandbox's
 * stable identities show instead of host addresses */
static int lsim_print(lua_State *L)
{
	int n = lua_gettop(L);

	lua_getglobal(L, "tostring");
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s;

		lua_pushvalue(L, -1);
		lua_pushvalue(L, i);
		lua_call(L, 1, 1);
		s = lua_tolstring(L, -1, &len);
		if (s == NULL)
			return luaL_error(L, "'tostring' must return a string to 'print'");
		if (i > 1)
			lsim_write(L, "\t", 1);
		lsim_write(L, s, len);
		lua_pop(L, 1);
	}
	lsim_write(L, "\n", 1);
	return 0;
}

/* ---- Deterministic math.random ---- */

#define LSIM_RNG_KEY "kmemsim.rng"

static void *lsim_rng(lua_State *L)
{
	void *r;

	lua_getfield(L, LUA_REGISTRYINDEX, LSIM_RNG_KEY);
	r = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return r;
}

/* math.random with Lua 5.4's argument rules, over the seeded generator */
static int lsim_math_random(lua_State *L)
{
	void *r = lsim_rng(L);
	lua_Integer lo, hi;

	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, (lua_Number)sim_rng_double(r));
		return 1;
	case 1:
		lo = 1;
		hi = luaL_checkinteger(L, 1);
		if (hi == 0) {	/* math.random(0): a whole random integer */
			lua_pushinteger(L, (lua_Integer)sim_rng_next(r));
			return 1;
		}
		break;
	case 2:
		lo = luaL_checkinteger(L, 1);
		hi = luaL_checkinteger(L, 2);
		break;
	default:
		return luaL_error(L, "wrong number of arguments");
	}
	luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
	{
		uint64_t span = (uint64_t)hi - (uint64_t)lo;

		lua_pushinteger(L, (lua_Integer)((uint64_t)lo +
				(span == UINT64_MAX ? sim_rng_next(r) :
				 sim_rng_below(r, span + 1))));
	}
	return 1;
}

static int lsim_math_randomseed(lua_State *L)
{
	lua_Integer n = luaL_optinteger(L, 1, (lua_Integer)lsim_runtime(L)->seed);

	sim_rng_seed(lsim_rng(L), (uint64_t)n);
	return 0;
}

/* ---- Guards ---- */

/*
 * A guard checks its arguments, then calls the standard function it wraps
 * (upvalue 1).  An error that function raises itself (a bad argument)
 * would name no line and call it '?', because its caller is the guard, a C
 * function; the message handler below (upvalue 2 of the guard) rewrites
 * such a message as if the script had called the function directly.
 * Errors from deeper down (a chunk that load() runs, gsub's callback) are
 * left as they are.
 */
static int lsim_guard_msgh(lua_State *L)
{
	lua_Debug ar;
	const char *msg = lua_tostring(L, 1);

	if (!msg || !lua_getstack(L, 1, &ar) || !lua_getinfo(L, "f", &ar))
		return 1;
	if (!lua_rawequal(L, -1, lua_upvalueindex(1))) {	/* from deeper */
		lua_settop(L, 1);
		return 1;
	}
	lua_settop(L, 1);
	/* level 0 this handler, 1 the function, 2 the guard, 3 the script */
	luaL_where(L, 3);
	lua_pushfstring(L, " to '%s' ", lua_tostring(L, lua_upvalueindex(2)));
	luaL_gsub(L, msg, " to '?' ", lua_tostring(L, -1));
	lua_remove(L, -2);
	lua_concat(L, 2);
	return 1;
}

/* call the wrapped function with the guard's arguments; its results */
static int lsim_guard_call(lua_State *L)
{
	int n = lua_gettop(L);

	lua_pushvalue(L, lua_upvalueindex(2));	/* the message handler */
	lua_insert(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 2);
	if (lua_pcall(L, n, LUA_MULTRET, 1) != LUA_OK)
		return lua_error(L);
	return lua_gettop(L) - 1;
}

/* load(chunk, name, mode, env) with mode forced to text */
static int lsim_load(lua_State *L)
{
	int top = lua_gettop(L);

	if (top >= 3 && !lua_isnil(L, 3)) {
		const char *mode = luaL_checkstring(L, 3);

		if (strchr(mode, 'b'))
			return luaL_error(L, "binary chunks are not allowed in the sandbox");
	}
	if (top < 3)
		lua_settop(L, 4);
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	return lsim_guard_call(L);
}

static int lsim_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");

	if (strcmp(opt, "count") == 0)
		return luaL_error(L, "collectgarbage(\"count\") is not available "
				  "in the sandbox (host memory is not deterministic)");
	return lsim_guard_call(L);
}

/*
 * setmetatable without __gc: the collector runs finalizers at moments that
 * depend on host memory (so anything they did would make runs differ),
 * with the instruction budget's hook off, and possibly in the middle of a
 * binding.  A <close> variable is the deterministic way to clean up.
 */
static int lsim_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE &&
	    lsimL_rawfield(L, 2, "__gc") != LUA_TNIL)
		return luaL_error(L, "__gc finalizers are not available in the sandbox "
				  "(they run when the host's collector decides; use a "
				  "<close> variable)");
	lua_settop(L, 2);
	return lsim_guard_call(L);
}

#define LSIM_TOSTRING_KEY "kmemsim.tostring"	/* registry: the sandbox's tostring */

/*
 * string.format without host addresses: no %p anywhere in the format (the
 * whole string, past any \0), and %s of a table, function, thread or
 * userdata goes through the sandbox's tostring ("table#3"), never
 * luaL_tolstring's "table: 0x...".
 */
static int lsim_string_format(lua_State *L)
{
	size_t len;
	const char *fmt = luaL_checklstring(L, 1, &len);
	const char *end = fmt + len;
	int arg = 1;

	for (const char *p = fmt; p < end; p++) {
		if (*p != '%')
			continue;
		if (++p < end && *p == '%')
			continue;
		while (p < end && strchr("-+ #0123456789.", *p) && *p)
			p++;
		arg++;
		if (p >= end)
			break;	/* the wrapped format names the error */
		if (*p == 'p')
			return luaL_error(L, "string.format('%%p') is not available "
					  "in the sandbox (host addresses)");
		if (*p == 's') {
			int t = lua_type(L, arg);

			if (t == LUA_TTABLE || t == LUA_TFUNCTION ||
			    t == LUA_TTHREAD || t == LUA_TUSERDATA ||
			    t == LUA_TLIGHTUSERDATA) {
				lua_getfield(L, LUA_REGISTRYINDEX, LSIM_TOSTRING_KEY);
				lua_pushvalue(L, arg);
				lua_call(L, 1, 1);
				if (!lua_isstring(L, -1))
					return luaL_error(L, "'__tostring' must return a string");
				lua_replace(L, arg);
			}
		}
	}
	return lsim_guard_call(L);
}

/* ---- debug.sethook and debug.gethook (--unsafe) ---- */

/*
 * Lua keeps one hook per thread, and the instruction budget is that hook:
 * the standard debug.sethook would replace it (debug.sethook() alone, and
 * a loop runs for ever).  So these two are kmemsim's own, with the
 * standard arguments and results.  A script's hook is kept in a registry
 * table (thread -> { function, mask, count, instructions counted }) and
 * lsim_count_hook() calls it after charging the budget; the thread keeps
 * lsim_count_hook with the script's events added, and with count events
 * at least every LSIM_HOOK_COUNT instructions.  A count hook of N
 * instructions is exact for N up to LSIM_HOOK_COUNT; above, it is called
 * at the budget's checks, N instructions apart on average.
 *
 * Lua runs a hook with hooks off: a script's hook called directly could
 * loop unbounded.  It runs in a new coroutine instead, which has the
 * budget's hook (and none of the script's, or it would call itself), so
 * the hook is charged like any other code.  Its arguments are the
 * standard ones (the event name, the line for "line" events) and the
 * hooked thread: debug.getinfo(thread, 0) is the function that caused the
 * event (debug.getinfo(2) is, in a standard hook).
 */
static const char lsim_hooks_key;	/* registry[&lsim_hooks_key]: the table */

static const char *const lsim_hook_names[] = {
	"call", "return", "line", "count", "tail call"
};

static void lsim_user_hook(lua_State *L, lua_Debug *ar)
{
	struct lsim_runtime *rt = lsim_runtime(L);
	lua_State *co;
	lua_Integer mask, count, seen;
	int status, nres;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lsim_hooks_key) != LUA_TTABLE) {
		lua_pop(L, 1);
		return;		/* no script ever set a hook */
	}
	lua_pushthread(L);
	if (lua_rawget(L, -2) != LUA_TTABLE) {
		lua_pop(L, 2);
		return;		/* none on this thread */
	}
	lua_rawgeti(L, -1, 2);
	mask = lua_tointeger(L, -1);
	lua_rawgeti(L, -2, 3);
	count = lua_tointeger(L, -1);
	lua_pop(L, 2);
	if (ar->event == LUA_HOOKCOUNT) {
		if (!(mask & LUA_MASKCOUNT) || count <= 0) {
			lua_pop(L, 2);
			return;		/* the budget's own check */
		}
		lua_rawgeti(L, -1, 4);
		seen = lua_tointeger(L, -1) + lua_gethookcount(L);
		lua_pop(L, 1);
		lua_pushinteger(L, seen >= count ? seen - count : seen);
		lua_rawseti(L, -2, 4);
		if (seen < count) {
			lua_pop(L, 2);
			return;
		}
	}
	co = lua_newthread(L);
	lua_sethook(co, lsim_count_hook, LUA_MASKCOUNT, LSIM_HOOK_COUNT);
	lua_rawgeti(L, -2, 1);		/* the script's hook */
	lua_pushstring(L, (unsigned)ar->event < 5 ? lsim_hook_names[ar->event] : "?");
	if (ar->event == LUA_HOOKLINE)
		lua_pushinteger(L, ar->currentline);
	else
		lua_pushnil(L);
	lua_pushthread(L);
	lua_xmove(L, co, 4);
	status = lua_resume(co, L, 3, &nres);
	if (status == LUA_OK || status == LUA_YIELD) {
		lua_pop(L, 3);		/* the thread, the entry, the table */
		return;
	}
	if (rt->stopped)		/* a budget ran out inside the hook */
		lsim_raise_stop(L);
	lua_xmove(co, L, 1);
	lua_error(L);
}

/* the thread a debug function is about: an optional first argument */
static lua_State *lsim_db_thread(lua_State *L, int *arg)
{
	if (lua_type(L, 1) == LUA_TTHREAD) {
		*arg = 1;
		return lua_tothread(L, 1);
	}
	*arg = 0;
	return L;
}

/* debug.sethook([thread,] hook, mask [, count]); no hook: remove the script's */
static int lsim_db_sethook(lua_State *L)
{
	struct lsim_runtime *rt = lsim_runtime(L);
	int arg, mask = 0, every = LSIM_HOOK_COUNT;
	lua_Integer count = 0;
	lua_State *L1 = lsim_db_thread(L, &arg);

	if (rt->stopped)
		return lsim_raise_stop(L);
	if (!lua_isnoneornil(L, arg + 1)) {
		const char *smask = luaL_checkstring(L, arg + 2);

		luaL_checktype(L, arg + 1, LUA_TFUNCTION);
		count = luaL_optinteger(L, arg + 3, 0);
		if (strchr(smask, 'c'))
			mask |= LUA_MASKCALL;
		if (strchr(smask, 'r'))
			mask |= LUA_MASKRET;
		if (strchr(smask, 'l'))
			mask |= LUA_MASKLINE;
		if (count > 0) {
			mask |= LUA_MASKCOUNT;
			if (count < LSIM_HOOK_COUNT)
				every = (int)count;
		}
	}
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lsim_hooks_key) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 2);
		lua_createtable(L, 0, 1);	/* weak keys: threads still collected */
		lua_pushliteral(L, "k");
		lua_setfield(L, -2, "__mode");
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &lsim_hooks_key);
	}
	if (arg)		/* the key: the thread itself */
		lua_pushvalue(L, 1);
	else
		lua_pushthread(L);
	if (mask) {
		lua_createtable(L, 4, 0);
		lua_pushvalue(L, arg + 1);
		lua_rawseti(L, -2, 1);
		lua_pushinteger(L, mask);
		lua_rawseti(L, -2, 2);
		lua_pushinteger(L, count > 0 ? count : 0);
		lua_rawseti(L, -2, 3);
		lua_pushinteger(L, 0);
		lua_rawseti(L, -2, 4);
	} else {
		lua_pushnil(L);
	}
	lua_rawset(L, -3);
	/* the budget's count events always, the script's events besides */
	lua_sethook(L1, lsim_count_hook, (mask & ~LUA_MASKCOUNT) | LUA_MASKCOUNT, every);
	return 0;
}

/* debug.gethook([thread]): the script's hook, mask and count, or fail */
static int lsim_db_gethook(lua_State *L)
{
	int arg = lua_type(L, 1) == LUA_TTHREAD, mask;
	char smask[4], *p = smask;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lsim_hooks_key) != LUA_TTABLE)
		return luaL_pushfail(L), 1;
	if (arg)		/* the key: the thread itself */
		lua_pushvalue(L, 1);
	else
		lua_pushthread(L);
	if (lua_rawget(L, -2) != LUA_TTABLE)
		return luaL_pushfail(L), 1;
	lua_rawgeti(L, -1, 2);
	mask = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	if (mask & LUA_MASKCALL)
		*p++ = 'c';
	if (mask & LUA_MASKRET)
		*p++ = 'r';
	if (mask & LUA_MASKLINE)
		*p++ = 'l';
	*p = '\0';
	lua_rawgeti(L, -1, 1);
	lua_pushstring(L, smask);
	lua_rawgeti(L, -3, 3);
	return 3;
}

/* ---- Memory budget ---- */

uint64_t lsim_default_max_memory(void)
{
	uint64_t max = LSIM_DEFAULT_MAX_MEMORY;
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
	long np = sysconf(_SC_PHYS_PAGES), ps = sysconf(_SC_PAGESIZE);

	if (np > 0 && ps > 0 && (uint64_t)np * (uint64_t)ps / 2 < max)
		max = (uint64_t)np * (uint64_t)ps / 2;
#endif
	return max;
}

uint64_t lsim_mem_room(const struct lsim_runtime *rt)
{
	uint64_t used = rt->mem_used + rt->sim_bytes;

	if (!rt->max_memory)
		return UINT64_MAX;
	return used < rt->max_memory ? rt->max_memory - used : 0;
}

/* string.rep: refuse a result the budget cannot hold, naming the line */
static int lsim_string_rep(lua_State *L)
{
	struct lsim_runtime *rt = lsim_runtime(L);
	size_t l, lsep = 0;
	lua_Integer n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n > 0 && rt->max_memory) {
		/* in doubles: the product may not fit 64 bits */
		double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
		char want[32], max[32];

		/* built in a buffer, then copied into the string: twice the size */
		if (2 * total > (double)lsim_mem_room(rt))
			return luaL_error(L, "string.rep: a string of %s is more than "
					  "the memory this run has left (--max-memory %s)",
					  lsim_fmt_bytes(want, sizeof want, (uint64_t)total),
					  lsim_fmt_bytes(max, sizeof max, rt->max_memory));
	}
	return lsim_guard_call(L);
}

/* replace field `name` of the table at -1 by guard @f around the original */
static void lsim_wrap(lua_State *L, const char *name, lua_CFunction f)
{
	lua_getfield(L, -1, name);		/* the original */
	lua_pushvalue(L, -1);
	lua_pushstring(L, name);
	lua_pushcclosure(L, lsim_guard_msgh, 2);
	lua_pushcclosure(L, f, 2);
	lua_setfield(L, -2, name);
}

/* ---- require ---- */

static const struct lsim_embedded *lsim_find_embedded(const char *name)
{
	for (const struct lsim_embedded *m = lsim_embedded; m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* load DIR/a/b.lua for module "a.b"; 1 = loader pushed, 0 = not found */
static int lsim_search_dir(lua_State *L, const char *dir, const char *name)
{
	luaL_Buffer b;
	const char *path;
	FILE *f;

	luaL_buffinit(L, &b);
	luaL_addstring(&b, dir);
	luaL_addchar(&b, '/');
	for (const char *p = name; *p; p++)
		luaL_addchar(&b, *p == '.' ? '/' : *p);
	luaL_addstring(&b, ".lua");
	luaL_pushresult(&b);
	path = lua_tostring(L, -1);
	f = fopen(path, "r");
	if (!f) {
		lua_pop(L, 1);
		return 0;
	}
	fclose(f);
	if (luaL_loadfilex(L, path, "t") != LUA_OK)
		return lua_error(L);
	lua_insert(L, -2);	/* loader, path */
	return 1;
}

/* package.searchers[1]: --lua-path copy, then the embedded modules */
static int lsim_searcher_embedded(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct lsim_runtime *rt = lsim_runtime(L);
	const struct lsim_embedded *m;

	if (rt->lua_path && strncmp(name, "kmemsim.", 8) == 0 &&
	    lsim_search_dir(L, rt->lua_path, name))
		return 2;
	m = lsim_find_embedded(name);
	if (!m) {
		lua_pushfstring(L, "no embedded module '%s'", name);
		return 1;
	}
	if (luaL_loadbufferx(L, (const char *)m->src, m->len, m->chunkname,
			     "t") != LUA_OK)
		return lua_error(L);
	lua_pushstring(L, m->chunkname + 1);
	return 2;
}

/* package.searchers[2]: the scenario's own directory */
static int lsim_searcher_scenario_dir(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct lsim_runtime *rt = lsim_runtime(L);

	if (rt->script_dir && lsim_search_dir(L, rt->script_dir, name))
		return 2;
	lua_pushfstring(L, "no file '%s/%s.lua' (require sees only kmemsim.* "
			"modules and the scenario's directory)",
			rt->script_dir ? rt->script_dir : ".", name);
	return 1;
}

static void lsim_setup_package(lua_State *L, bool unsafe)
{
	lua_getglobal(L, "package");
	lua_createtable(L, 4, 0);	/* the new package.searchers */
	lua_getfield(L, -2, "searchers");
	lua_rawgeti(L, -1, 1);	/* the standard preload searcher */
	lua_rawseti(L, -3, 1);
	lua_pop(L, 1);
	lua_pushcfunction(L, lsim_searcher_embedded);
	lua_rawseti(L, -2, 2);
	lua_pushcfunction(L, lsim_searcher_scenario_dir);
	lua_rawseti(L, -2, 3);
	if (unsafe) {
		/* keep the standard file searchers after ours */
		lua_getfield(L, -2, "searchers");
		lua_rawgeti(L, -1, 2);
		lua_rawseti(L, -3, 4);
		lua_pop(L, 1);
	}
	lua_setfield(L, -2, "searchers");
	if (!unsafe) {
		lua_pushliteral(L, "");
		lua_setfield(L, -2, "path");
		lua_pushliteral(L, "");
		lua_setfield(L, -2, "cpath");
		lua_pushnil(L);
		lua_setfield(L, -2, "loadlib");
		lua_pushnil(L);
		lua_setfield(L, -2, "searchpath");
	}
	lua_pop(L, 1);
}

/* ---- State creation ---- */

static int lsim_init_state(lua_State *L)
{
	struct lsim_runtime *rt = lua_touserdata(L, 1);
	static const luaL_Reg safe_libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_LOADLIBNAME, luaopen_package },
		{ LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL },
	};
	static const luaL_Reg unsafe_libs[] = {
		{ LUA_IOLIBNAME, luaopen_io },
		{ LUA_OSLIBNAME, luaopen_os },
		{ LUA_DBLIBNAME, luaopen_debug },
		{ NULL, NULL },
	};
	void *r;

	for (const luaL_Reg *l = safe_libs; l->func; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	if (rt->unsafe) {
		for (const luaL_Reg *l = unsafe_libs; l->func; l++) {
			luaL_requiref(L, l->name, l->func, 1);
			lua_pop(L, 1);
		}
	}

	/* seeded PRNG for math.random */
	r = lua_newuserdatauv(L, sim_rng_size(), 0);
	sim_rng_seed(r, rt->seed);
	lua_setfield(L, LUA_REGISTRYINDEX, LSIM_RNG_KEY);

	lua_pushglobaltable(L);
	lua_pushcfunction(L, lsim_print);
	lua_setfield(L, -2, "print");
	if (!rt->unsafe) {
		lua_pushnil(L);
		lua_setfield(L, -2, "dofile");
		lua_pushnil(L);
		lua_setfield(L, -2, "loadfile");
		lsim_wrap(L, "load", lsim_load);
		lsim_wrap(L, "collectgarbage", lsim_collectgarbage);
		lsim_wrap(L, "setmetatable", lsim_setmetatable);
	}
	lua_getfield(L, -1, "math");
	lua_pushcfunction(L, lsim_math_random);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, lsim_math_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_getfield(L, -1, "string");
	lsim_wrap(L, "format", lsim_string_format);
	lsim_wrap(L, "rep", lsim_string_rep);
	lsim_open_strlib(L);	/* pattern matching on the step budget */
	lua_pop(L, 2);

	if (rt->unsafe) {	/* the budget stays the hook: see above */
		lua_getglobal(L, LUA_DBLIBNAME);
		lua_pushcfunction(L, lsim_db_sethook);
		lua_setfield(L, -2, "sethook");
		lua_pushcfunction(L, lsim_db_gethook);
		lua_setfield(L, -2, "gethook");
		lua_pop(L, 1);
	}

	lsim_setup_package(L, rt->unsafe);

	/* require "kmemsim" is the C module */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
	lua_pushcfunction(L, luaopen_kmemsim);
	lua_setfield(L, -2, "kmemsim");
	lua_pop(L, 1);

	/* deterministic next(), pairs() and tostring() */
	lua_getglobal(L, "require");
	lua_pushliteral(L, "kmemsim.sandbox");
	lua_call(L, 1, 1);
	lua_getfield(L, -1, "tostring");
	lua_setfield(L, LUA_REGISTRYINDEX, LSIM_TOSTRING_KEY);
	return 0;
}

/*
 * The Lua state's allocator (lua_Alloc): counts the heap and refuses to
 * grow it past --max-memory, with the simulators' page metadata counted
 * too.  Lua then collects garbage and tries again once before raising
 * "not enough memory", which lsim_outcome() explains.  Shrinking never
 * fails, as Lua requires.
 */
#define LSIM_MALLOC_OVERHEAD 16	/* a malloc block's header, roughly */

static void *lsim_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lsim_runtime *rt = ud;
	/* what the host spends: the block and its malloc header */
	uint64_t old = ptr ? osize + LSIM_MALLOC_OVERHEAD : 0;
	uint64_t new = nsize + LSIM_MALLOC_OVERHEAD;
	void *p;

	if (nsize == 0) {
		free(ptr);
		rt->mem_used -= old;
		return NULL;
	}
	if (new > old && rt->alloc_refused)	/* the run is stopped */
		return NULL;
	if (new > old && new - old > lsim_mem_room(rt)) {
		if (nsize > rt->mem_refused)
			rt->mem_refused = nsize;
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	rt->mem_used += new - old;
	return p;
}

lua_State *lsim_newstate(struct lsim_runtime *rt)
{
	lua_State *L;

	rt->mem_used = 0;
	rt->sim_bytes = 0;
	rt->mem_refused = 0;
	L = lua_newstate(lsim_lua_alloc, rt);

	if (!L)
		return NULL;
	*(struct lsim_runtime **)lua_getextraspace(L) = rt;
	rt->work.used = 0;
	rt->work.limit = rt->max_work;
	lua_pushcfunction(L, lsim_init_state);
	lua_pushlightuserdata(L, rt);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		if (rt->write) {
			rt->write(rt->write_ud, "kmemsim: ", 9);
			rt->write(rt->write_ud, msg ? msg : "?", strlen(msg ? msg : "?"));
			rt->write(rt->write_ud, "\n", 1);
		}
		lua_close(L);
		return NULL;
	}
	lua_sethook(L, lsim_count_hook, LUA_MASKCOUNT, LSIM_HOOK_COUNT);
	return L;
}

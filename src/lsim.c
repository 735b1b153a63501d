/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim.c - the `kmemsim` Lua module and the simulator userdata
 *
 * require "kmemsim" gives:
 *   kmemsim.new{...}    a new simulator (a "kmemsim.sim" userdata)
 *   kmemsim.version     "0.1.0"
 *   kmemsim.policies()  {"slab", "slub", "slob"}
 *   kmemsim.params      the --set key=value pairs (strings)
 *   kmemsim.seed        the --seed value
 *   kmemsim.policy      the --policy value (default of new{})
 *   kmemsim.GFP         every GFP flag and composite by name, without the
 *                       underscores: GFP.KERNEL, GFP.ZERO, GFP.HIGH ...
 *
 * The simulator userdata owns its struct sim: __gc and __close free the host
 * memory (that changes no simulation state anyone can observe).  Handles to
 * things inside a simulator (caches, pools) keep the simulator userdata
 * alive through a user value, whatever the collection order.  The rules
 * that keep a binding from using a freed simulator are in lsimaux.h
 * ("Lifetime rules"): closing is refused while one of the simulator's
 * callbacks runs, and from a __gc finalizer.
 *
 * Methods are grouped by layer; each binding file adds its own to the one
 * method table (lsim_open_*_methods), this file has the core ones: time,
 * CPUs and contexts, randomness, bugs and the kernel log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lsimaux.h"

/* ---- The userdata ---- */

static struct lsim_sim *lsim_tosimud(lua_State *L, int arg)
{
	return luaL_checkudata(L, arg, LSIM_SIM_MT);
}

struct lsim_sim *lsim_tosim(lua_State *L, int arg)
{
	return lsim_tosimud(L, arg);
}

/*
 * Inside a __gc finalizer the collector refuses every request (lua_gc()
 * answers -1): the one way a C function can tell it runs in one.  The
 * collector runs finalizers at moments that depend on host memory, so a
 * simulator touched from one would make the run non-deterministic -- and
 * the binding it interrupted may hold the simulator's state.
 */
static bool lsim_in_finalizer(lua_State *L)
{
	return lua_gc(L, LUA_GCISRUNNING) < 0;
}

int lsim_call_pinned(lua_State *L, struct lsim_sim *s, const char *what,
		     int nargs, int nresults)
{
	const char *outer = s->busy_in;
	int status;

	s->busy++;
	s->busy_in = what;
	status = lua_pcall(L, nargs, nresults, 0);
	s->busy--;
	s->busy_in = outer;
	return status;
}

/* the scenario location for bug reports: first Lua frame outside lua/kmemsim/ */
static void lsim_where_hook(void *ud, char *buf, size_t len)
{
	lua_State *L = ud;
	lua_Debug ar;
	char fallback[256] = "";

	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		if (!fallback[0])
			snprintf(fallback, sizeof fallback, "%s:%d", ar.short_src,
				 ar.currentline);
		if (strncmp(ar.source, "@lua/kmemsim/", 13) != 0) {
			snprintf(buf, len, "%s:%d", ar.short_src, ar.currentline);
			return;
		}
	}
	snprintf(buf, len, "%s", fallback);
}

struct sim *lsim_checksim(lua_State *L, int arg)
{
	struct lsim_sim *s = lsim_tosimud(L, arg);

	if (!s->sim)
		luaL_error(L, "sim#%d: simulator is closed", (int)s->id);
	if (lsim_in_finalizer(L))
		luaL_error(L, "sim#%d cannot be used from a __gc finalizer "
			   "(collection times are not deterministic)", (int)s->id);
	lsim_check_work(L, s->sim);
	/* bugs reported during this call name the caller's line */
	sim_set_where(s->sim, lsim_where_hook, L);
	return s->sim;
}

static void lsim_log_hook(void *ud, const char *line)
{
	struct lsim_runtime *rt = ud;

	if (rt->write) {
		rt->write(rt->write_ud, line, strlen(line));
		rt->write(rt->write_ud, "\n", 1);
	}
}

/* ---- Narration (--explain, sim:explain) ---- */

/* prints each OP as a line and each NOTE as an indented step under it */
static void lsim_explain_sink(void *ud, const struct sim_event *ev)
{
	struct lsim_sim *s = ud;
	struct lsim_runtime *rt = s->rt;

	if (!rt->write || !ev->str)
		return;
	if (ev->type == SIM_EV_OP) {
		if (s->explain_left == 0) {
			s->explain_muted = true;
			return;
		}
		s->explain_left--;
		s->explain_muted = false;
		rt->write(rt->write_ud, ev->str, strlen(ev->str));
		rt->write(rt->write_ud, "\n", 1);
	} else if (ev->type == SIM_EV_NOTE && !s->explain_muted) {
		rt->write(rt->write_ud, "  \xe2\x86\x92 ", 6);	/* "  → " */
		rt->write(rt->write_ud, ev->str, strlen(ev->str));
		rt->write(rt->write_ud, "\n", 1);
	}
}

static void lsim_explain_set(struct lsim_sim *s, uint64_t nops)
{
	if (nops && !s->explaining) {
		if (sim_sink_add(s->sim, lsim_explain_sink, s) != SIM_OK)
			return;
		s->explaining = true;
	} else if (!nops && s->explaining) {
		sim_sink_remove(s->sim, lsim_explain_sink, s);
		s->explaining = false;
	}
	s->explain_left = nops;
	s->explain_muted = false;
}

/* sim:explain(true | false | n): narrate every / no / the next n operations */
static int lsim_sim_explain(lua_State *L)
{
	struct lsim_sim *s = lsim_tosimud(L, 1);
	uint64_t n;

	lsim_checksim(L, 1);
	if (lua_isboolean(L, 2) || lua_isnoneornil(L, 2))
		n = lua_toboolean(L, 2) ? UINT64_MAX : 0;
	else
		n = (uint64_t)lsimL_checkrange(L, 2, 0, INT64_MAX);
	lsim_explain_set(s, n);
	return 0;
}

/* free the engine's simulator (host memory only) */
static void lsim_release(struct lsim_sim *s)
{
	if (!s->sim)
		return;
	/* the command line's last look, before the state goes (reads only) */
	if (s->rt && s->rt->sim_closing)
		s->rt->sim_closing(s->rt->sim_closing_ud, s->id, s->sim);
	sim_free(s->sim);
	s->sim = NULL;
	if (s->rt) {
		s->rt->sim_bytes -= s->host_bytes;
		s->rt->nr_open--;
	}
	s->host_bytes = 0;
}

/* sim:close() and __close: refused while the simulator is in use */
static int lsim_sim_close(lua_State *L)
{
	struct lsim_sim *s = lsim_tosimud(L, 1);

	if (!s->sim)
		return 0;
	if (s->busy)
		return luaL_error(L, "sim#%d cannot be closed inside its own %s "
				  "(close it after that returns)", (int)s->id,
				  s->busy_in);
	if (lsim_in_finalizer(L))
		return luaL_error(L, "sim#%d cannot be closed from a __gc finalizer "
				  "(collection times are not deterministic)", (int)s->id);
	lsim_release(s);
	return 0;
}

/*
 * __gc: nothing can reach the simulator any more, so nothing is using it
 * (a running callback keeps it on the stack); lua_close() ends every run
 * after the last protected call returned.
 */
static int lsim_sim_gc(lua_State *L)
{
	lsim_release(lsim_tosimud(L, 1));
	return 0;
}

static int lsim_sim_tostring(lua_State *L)
{
	struct lsim_sim *s = lsim_tosimud(L, 1);

	if (!s->sim)
		lua_pushfstring(L, "sim#%d (closed)", (int)s->id);
	else
		lua_pushfstring(L, "sim<%s>#%d", sim_get_config(s->sim)->policy,
				(int)s->id);
	return 1;
}

/* ---- kmemsim.new ---- */

/*
 * The options are the engine's (simconfig.c): kmemsim.new checks the Lua
 * type of each value, turns it into the text `--opt KEY=VALUE` would give,
 * and lets sim_config_set() parse and range-check it, so a script and the
 * command line can never disagree on what an option means.
 */

/* integer option @key of the table at @idx within [lo, hi], or @def */
static lua_Integer lsim_optint(lua_State *L, int idx, const char *key,
			       lua_Integer def, lua_Integer lo, lua_Integer hi)
{
	lua_Integer v = def;
	int isnum;

	if (lsimL_rawfield(L, idx, key) != LUA_TNIL) {
		v = lua_tointegerx(L, -1, &isnum);
		if (!isnum)
			luaL_error(L, "option '%s': integer expected, got %s", key,
				   luaL_typename(L, -1));
		if (v < lo || v > hi)
			luaL_error(L, "option '%s': %I out of range (%I..%I)", key,
				   v, lo, hi);
	}
	lua_pop(L, 1);
	return v;
}

static const char *const lsim_zone_names[] = {
	"DMA", "DMA32", "Normal", "Movable", NULL,
};

static void lsim_opt_type_error(lua_State *L, const char *key,
				const char *expected)
{
	luaL_error(L, "option '%s': %s expected, got %s", key, expected,
		   luaL_typename(L, -1));
}

/* the value at the top of the stack as option @o's text (pushed) */
static const char *lsim_opt_text(lua_State *L, const struct sim_option *o)
{
	switch (o->type) {
	case SIM_OPT_INT:
		if (!lua_isinteger(L, -1)) {
			lua_Number d = lua_tonumber(L, -1);

			if (lua_type(L, -1) != LUA_TNUMBER || d != (lua_Number)(lua_Integer)d)
				lsim_opt_type_error(L, o->name, "integer");
		}
		return lua_pushfstring(L, "%I", (lua_Integer)lua_tonumber(L, -1));
	case SIM_OPT_SIZE: {
		char what[64];

		if (lua_type(L, -1) == LUA_TSTRING) {	/* "4G": the engine parses it */
			lua_pushvalue(L, -1);
			return lua_tostring(L, -1);
		}
		snprintf(what, sizeof what, "option '%s'", o->name);
		return lua_pushfstring(L, "%I", (lua_Integer)lsimL_tosize(L, -1, what,
						(uint64_t)INT64_MAX));
	}
	case SIM_OPT_BOOL:
		if (!lua_isboolean(L, -1))
			lsim_opt_type_error(L, o->name, "boolean");
		return lua_pushstring(L, lua_toboolean(L, -1) ? "true" : "false");
	case SIM_OPT_STRING:
		if (lua_type(L, -1) != LUA_TSTRING)
			lsim_opt_type_error(L, o->name, "string");
		lua_pushvalue(L, -1);	/* the table keeps the string alive */
		return lua_tostring(L, -1);
	case SIM_OPT_ZONES: {
		luaL_Buffer b;
		int t = lua_gettop(L);

		if (!lua_istable(L, -1))
			lsim_opt_type_error(L, o->name, "table { Normal = pages, ... }");
		lsimL_checkoptions(L, -1, lsim_zone_names);
		luaL_buffinit(L, &b);
		for (size_t z = 0; lsim_zone_names[z]; z++) {
			char what[48];

			if (lsimL_rawfield(L, t, lsim_zone_names[z]) == LUA_TNIL) {
				lua_pop(L, 1);
				continue;
			}
			snprintf(what, sizeof what, "zones.%s", lsim_zone_names[z]);
			lua_pushfstring(L, "%s%s=%I", luaL_bufflen(&b) ? "," : "",
					lsim_zone_names[z],
					(lua_Integer)lsimL_tosize(L, -1, what,
						(uint64_t)o->max));
			lua_remove(L, -2);
			luaL_addvalue(&b);
		}
		luaL_pushresult(&b);
		return lua_tostring(L, -1);
	}
	}
	return NULL;
}

/* set @cfg's option @name from text, or raise the engine's message */
static void lsim_opt_set(lua_State *L, struct sim_config *cfg,
			 const char *name, const char *text, const char *from)
{
	char err[256];

	if (sim_config_set(cfg, name, text, err, sizeof err) != SIM_OK)
		luaL_error(L, "%s%s", from, err);
}

/* sim_new_within()'s cap: what --max-memory has left (0 there: no cap) */
static uint64_t lsim_sim_room(const struct lsim_runtime *rt)
{
	uint64_t room = lsim_mem_room(rt);

	if (!rt->max_memory)
		return 0;
	return room ? room : 1;
}

static int lsim_new(lua_State *L)
{
	struct lsim_runtime *rt = lsim_runtime(L);
	struct sim_config cfg;
	struct lsim_sim *s;
	const struct sim_option *o;
	char err[256];

	sim_config_init(&cfg);
	cfg.seed = rt->seed;
	if (rt->policy)
		cfg.policy = rt->policy;
	if (lua_isnoneornil(L, 1))
		lua_newtable(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lsimL_checkoptions(L, 1, sim_option_names());
	/* the script's options, in the table's documented order (ram, zones, ...) */
	for (size_t i = 0; (o = sim_option(i)) != NULL; i++) {
		if (lsimL_rawfield(L, 1, o->name) != LUA_TNIL)
			lsim_opt_set(L, &cfg, o->name, lsim_opt_text(L, o), "");
		lua_settop(L, 1);
	}
	/* then the command line's --opt KEY=VALUE, which override them */
	for (size_t i = 0; i < rt->nr_opts; i++)
		lsim_opt_set(L, &cfg, rt->opts[i].key, rt->opts[i].value, "--opt: ");

	s = lua_newuserdatauv(L, sizeof *s, 0);
	memset(s, 0, sizeof *s);
	s->rt = rt;
	s->id = ++rt->next_sim_id;
	luaL_setmetatable(L, LSIM_SIM_MT);
	/*
	 * The page metadata counts against --max-memory.  Simulators nobody
	 * can reach still hold theirs until collected: if this one does not
	 * fit, collect and try once more before saying no.
	 */
	s->sim = sim_new_within(&cfg, lsim_sim_room(rt), err, sizeof err);
	if (!s->sim && rt->max_memory) {
		lua_gc(L, LUA_GCCOLLECT);
		s->sim = sim_new_within(&cfg, lsim_sim_room(rt), err, sizeof err);
		/* the cap was what refused it (sim_new_within's message) */
		if (!s->sim && strstr(err, "MiB allowed"))
			return luaL_error(L, "kmemsim.new: %s: the run's --max-memory is "
					  "%I MiB, %I MiB of it held by the Lua heap and "
					  "%d open simulator%s (close those you are done "
					  "with, or give a larger --max-memory)", err,
					  (lua_Integer)(rt->max_memory >> 20),
					  (lua_Integer)((rt->mem_used + rt->sim_bytes) >> 20),
					  (int)rt->nr_open, rt->nr_open == 1 ? "" : "s");
	}
	if (!s->sim)
		return luaL_error(L, "kmemsim.new: %s", err);
	s->host_bytes = sim_host_bytes(s->sim);
	rt->sim_bytes += s->host_bytes;
	rt->nr_sims++;
	rt->nr_open++;
	/* the collector learns what the userdata stands for */
	lua_gc(L, LUA_GCSTEP, (int)SIM_MIN(s->host_bytes >> 10, (uint64_t)INT32_MAX));
	sim_set_budget(s->sim, &rt->work);
	sim_set_log(s->sim, lsim_log_hook, rt);
	if (rt->progress)
		sim_set_progress(s->sim, rt->progress, rt->progress_ud,
				 rt->progress_label, 0);
	if (rt->explain)
		lsim_explain_set(s, rt->explain);
	if (rt->sim_created)
		rt->sim_created(rt->sim_created_ud, s->id, s->sim);
	if (rt->sample && sim_sample_start(s->sim, rt->sample) != SIM_OK)
		return luaL_error(L, "kmemsim.new: --sample: %s",
				  sim_last_reason(s->sim));
	return 1;
}

static int lsim_policies(lua_State *L)
{
	const char *name;

	lua_newtable(L);
	for (size_t i = 0; (name = sim_policy_name(i)) != NULL; i++) {
		lua_pushstring(L, name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/*
 * kmemsim.suggest(word, candidates): the candidate closest to @word within
 * a few edits, or nil -- the "did you mean" of kmemsim's own option
 * checks, for Lua modules (kmemsim.workload) and scenarios to give theirs
 */
static int lsim_suggest(lua_State *L)
{
	const char *word = luaL_checkstring(L, 1);
	lua_Integer n;
	const char **cand;
	const char *hit;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = (lua_Integer)lua_rawlen(L, 2);
	luaL_argcheck(L, n <= 4096, 2, "at most 4096 candidates");
	cand = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *cand, 0);
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_rawgeti(L, 2, i) != LUA_TSTRING)
			return luaL_argerror(L, 2, "array of strings expected");
		cand[i - 1] = lua_tostring(L, -1);	/* kept alive by the table */
		lua_pop(L, 1);
	}
	cand[n] = NULL;
	hit = sim_suggest(word, cand, (size_t)n);
	if (hit)
		lua_pushstring(L, hit);
	else
		lua_pushnil(L);
	return 1;
}

/* ---- Time ---- */

/* a duration: integer nanoseconds or "10ms", "2s", "1.5s", "500us", "7ns" */
static sim_time_t lsim_checktime(lua_State *L, int arg)
{
	if (lua_type(L, arg) == LUA_TNUMBER) {
		lua_Integer v = luaL_checkinteger(L, arg);

		luaL_argcheck(L, v >= 0, arg, "time must not be negative");
		return (sim_time_t)v;
	}
	if (lua_type(L, arg) == LUA_TSTRING) {
		const char *s = lua_tostring(L, arg);
		uint64_t ns;

		if (sim_parse_duration(s, true, &ns) == SIM_OK)
			return ns;
		luaL_argerror(L, arg, lua_pushfstring(L,
			"bad duration '%s' (expected e.g. 500, \"10us\", \"2ms\", \"1.5s\")", s));
	}
	luaL_typeerror(L, arg, "duration (ns or string like \"2ms\")");
	return 0;
}

static int lsim_sim_now(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)sim_now(lsim_checksim(L, 1)));
	return 1;
}

static int lsim_sim_advance(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	sim_time_t ns = lsim_checktime(L, 2);

	lsimL_checkalive(L, sim);	/* a halted machine's clock stands still */
	sim_advance(sim, ns);
	lsim_check_work(L, sim);	/* the periodic work that ran meanwhile */
	lua_pushinteger(L, (lua_Integer)sim_now(sim));
	return 1;
}

/* ---- CPUs, contexts and scopes ---- */

/*
 * Call the function at @fn with no arguments, then run @undo, then rethrow.
 * The simulator at 1 is pinned meanwhile (it cannot be closed), and the
 * scope ends where it began: on the CPU it was opened on, whatever CPU the
 * function switched to (contexts and scopes are per CPU).
 */
static int lsim_call_scoped(lua_State *L, int fn, const char *what,
			    void (*undo)(struct sim *, unsigned), unsigned arg)
{
	struct lsim_sim *s = lsim_tosimud(L, 1);
	struct sim *sim = s->sim;
	unsigned cpu = sim_current_cpu(sim);
	int base = lua_gettop(L);
	int status;

	luaL_checktype(L, fn, LUA_TFUNCTION);
	lua_pushvalue(L, fn);
	status = lsim_call_pinned(L, s, what, 0, LUA_MULTRET);
	sim_set_cpu(sim, cpu);
	undo(sim, arg);
	if (status != LUA_OK)
		return lua_error(L);
	return lua_gettop(L) - base;
}

static void lsim_undo_context(struct sim *sim, unsigned unused)
{
	(void)unused;
	sim_context_pop(sim);
}

static void lsim_undo_cpu(struct sim *sim, unsigned old)
{
	sim_set_cpu(sim, old);
}

static int lsim_in_context(lua_State *L, enum sim_context ctx,
			   const char *what)
{
	struct sim *sim = lsim_checksim(L, 1);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	if (sim_context_push(sim, ctx) != SIM_OK)
		return luaL_error(L, "%s", sim_last_reason(sim));
	return lsim_call_scoped(L, 2, what, lsim_undo_context, 0);
}

static int lsim_sim_atomic(lua_State *L)
{
	return lsim_in_context(L, SIM_CTX_ATOMIC, "sim:atomic()");
}

static int lsim_sim_softirq(lua_State *L)
{
	return lsim_in_context(L, SIM_CTX_SOFTIRQ, "sim:softirq()");
}

static int lsim_sim_irq(lua_State *L)
{
	return lsim_in_context(L, SIM_CTX_HARDIRQ, "sim:irq()");
}

static int lsim_in_scope(lua_State *L, unsigned flags, const char *what)
{
	struct sim *sim = lsim_checksim(L, 1);
	unsigned old;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	old = sim_scope_save(sim, flags);
	return lsim_call_scoped(L, 2, what, sim_scope_restore, old);
}

static int lsim_sim_memalloc(lua_State *L)
{
	return lsim_in_scope(L, SIM_SCOPE_MEMALLOC, "sim:memalloc()");
}

static int lsim_sim_noio(lua_State *L)
{
	return lsim_in_scope(L, SIM_SCOPE_NOIO, "sim:noio()");
}

static int lsim_sim_nofs(lua_State *L)
{
	return lsim_in_scope(L, SIM_SCOPE_NOFS, "sim:nofs()");
}

static int lsim_sim_on_cpu(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	lua_Integer cpu = luaL_checkinteger(L, 2);
	unsigned old = sim_current_cpu(sim);

	if (cpu < 0 || cpu >= (lua_Integer)sim_nr_cpus(sim))
		return luaL_argerror(L, 2, lua_pushfstring(L,
				     "cpu %I out of range (0..%d)", cpu,
				     (int)sim_nr_cpus(sim) - 1));
	if (lua_isnoneornil(L, 3)) {	/* sim:on_cpu(i): switch for good */
		sim_set_cpu(sim, (unsigned)cpu);
		return 0;
	}
	luaL_checktype(L, 3, LUA_TFUNCTION);
	sim_set_cpu(sim, (unsigned)cpu);
	return lsim_call_scoped(L, 3, "sim:on_cpu()", lsim_undo_cpu, old);
}

static int lsim_sim_cpu(lua_State *L)
{
	lua_pushinteger(L, sim_current_cpu(lsim_checksim(L, 1)));
	return 1;
}

static int lsim_sim_context(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);

	lua_pushstring(L, sim_context_name(sim_context(sim)));
	return 1;
}

/* ---- Randomness ---- */

/* sim:random([m [, n]]): math.random's rules over the simulator's PRNG */
static int lsim_sim_random(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	lua_Integer lo = 1, hi;

	switch (lua_gettop(L)) {
	case 1:
		lua_pushnumber(L, sim_rand_double(sim));
		return 1;
	case 2:
		hi = luaL_checkinteger(L, 2);
		break;
	default:
		lo = luaL_checkinteger(L, 2);
		hi = luaL_checkinteger(L, 3);
		break;
	}
	luaL_argcheck(L, lo <= hi, 2, "interval is empty");
	lua_pushinteger(L, sim_rand_range(sim, lo, hi));
	return 1;
}

/* sim:rand(dist, ...): "normal", mean, sd | "exponential", mean |
 * "pareto", xm, alpha | "zipf", n, s */
static int lsim_sim_rand(lua_State *L)
{
	static const char *const dists[] = {
		"uniform", "normal", "exponential", "pareto", "zipf", NULL
	};
	struct sim *sim = lsim_checksim(L, 1);
	int d = luaL_checkoption(L, 2, NULL, dists);
	double p1 = luaL_optnumber(L, 3, 0), p2 = luaL_optnumber(L, 4, 1);

	switch (d) {
	case 0:
		lua_pushnumber(L, p1 + (p2 - p1) * sim_rand_double(sim));
		break;
	case 1:
		luaL_argcheck(L, p2 >= 0, 4, "stddev must be >= 0");
		lua_pushnumber(L, sim_rand_normal(sim, p1, p2));
		break;
	case 2:
		luaL_argcheck(L, p1 > 0, 3, "mean must be > 0");
		lua_pushnumber(L, sim_rand_exponential(sim, p1));
		break;
	case 3:
		luaL_argcheck(L, p1 > 0, 3, "scale must be > 0");
		luaL_argcheck(L, p2 > 0, 4, "shape must be > 0");
		lua_pushnumber(L, sim_rand_pareto(sim, p1, p2));
		break;
	default: {
		lua_Integer n = luaL_checkinteger(L, 3);

		luaL_argcheck(L, n >= 1, 3, "n must be >= 1");
		luaL_argcheck(L, p2 > 0, 4, "exponent must be > 0");
		lua_pushinteger(L, (lua_Integer)sim_rand_zipf(sim, (uint64_t)n, p2));
		break;
	}
	}
	return 1;
}

/* ---- Time series and reports ---- */

/* sim:sample{every = n | "1ms" | "auto", order = 3, top = 8, max = 256} */
static int lsim_sim_sample(lua_State *L)
{
	static const char *const valid[] = { "every", "order", "top", "max", NULL };
	struct sim *sim = lsim_checksim(L, 1);
	struct sim_sample_opts o;
	int rc;

	sim_sample_opts_init(&o);
	if (lua_isnoneornil(L, 2))
		lua_newtable(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	lsimL_checkoptions(L, 2, valid);
	lsimL_rawfield(L, 2, "every");		/* stack index 3 */
	switch (lua_type(L, 3)) {
	case LUA_TNIL:
		break;
	case LUA_TNUMBER:
		o.every_ops = (uint64_t)lsimL_checkrange(L, 3, 1, INT64_MAX);
		break;
	case LUA_TSTRING:
		if (strcmp(lua_tostring(L, 3), "auto") == 0)
			break;
		o.every_ns = lsim_checktime(L, 3);
		if (o.every_ns == 0)
			return luaL_error(L, "option 'every': the period must be positive");
		break;
	default:
		return luaL_error(L, "option 'every': operations (integer), a "
				  "duration (\"1ms\") or \"auto\" expected, got %s",
				  luaL_typename(L, 3));
	}
	o.order = (unsigned)lsim_optint(L, 2, "order", o.order, 0, SIM_MAX_ORDER);
	o.top_caches = (unsigned)lsim_optint(L, 2, "top", o.top_caches, 0, 64);
	o.max_samples = (size_t)lsim_optint(L, 2, "max", (lua_Integer)o.max_samples,
					    4, 1 << 20);
	rc = sim_sample_start(sim, &o);
	if (rc != SIM_OK)
		return luaL_error(L, "sim:sample: %s", sim_last_reason(sim));
	return 0;
}

/* sim:report([format [, block]]): the run report rendered ("text" default) */
static int lsim_sim_report(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	const char *fmt = luaL_optstring(L, 2, "text");
	struct report_opts opts = { luaL_optstring(L, 3, NULL), REPORT_MAP_OWNER };
	struct report_buf buf = REPORT_BUF_INIT;
	enum report_format f;
	struct report *r;
	int rc;

	if (report_format_parse(fmt, &f) != SIM_OK)
		return luaL_argerror(L, 2, lua_pushfstring(L,
			"unknown format '%s' (text, json, csv, html, svg)", fmt));
	lua_pushfstring(L, "sim<%s>#%d", sim_get_config(sim)->policy,
			(int)lsim_tosimud(L, 1)->id);
	r = report_new(REPORT_RUN, lua_tostring(L, -1));
	if (!r)
		return luaL_error(L, "sim:report: out of host memory");
	sim_sample_now(sim);	/* the series end here (if sampling) */
	rc = sim_fill_report(sim, r);
	if (rc == SIM_OK)
		rc = report_render_buf(r, f, &opts, &buf);
	if (rc == SIM_ENOENT) {
		report_free(r);
		report_buf_release(&buf);
		return luaL_error(L, "sim:report: no block '%s' (paths are "
				  "\"section/block\", e.g. \"memory/map\")", opts.block);
	}
	if (rc != SIM_OK || buf.failed) {
		lua_pushfstring(L, "sim:report: %s%s%s", sim_strerror(rc),
				*report_error(r) ? ": " : "", report_error(r));
		report_free(r);
		report_buf_release(&buf);
		return lua_error(L);
	}
	report_free(r);
	lua_pushlstring(L, buf.data ? buf.data : "", buf.len);
	report_buf_release(&buf);
	return 1;
}

/* ---- Bugs and the kernel log ---- */

static int lsim_sim_bugs(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	size_t n = sim_nr_bugs(sim);

	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct sim_bug *b = sim_bug_at(sim, i);

		lua_createtable(L, 0, 3);
		lua_pushstring(L, sim_bug_kind_name(b->kind));
		lua_setfield(L, -2, "kind");
		lua_pushstring(L, b->message);
		lua_setfield(L, -2, "message");
		lua_pushstring(L, b->where);
		lua_setfield(L, -2, "where");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	/* the records kept are bounded (sim.h, SIM_BUGS_KEPT): all counted */
	lua_pushinteger(L, (lua_Integer)sim_bugs_total(sim));
	return 2;
}

static int lsim_sim_dmesg(lua_State *L)
{
	lua_pushstring(L, sim_log_text(lsim_checksim(L, 1)));
	return 1;
}

/* sim:config(): every option of kmemsim.new, as the simulator runs with it */
static int lsim_sim_config(lua_State *L)
{
	const struct sim_config *c = sim_get_config(lsim_checksim(L, 1));
	const struct sim_option *o;
	char text[256];

	lua_newtable(L);
	for (size_t i = 0; (o = sim_option(i)) != NULL; i++) {
		sim_config_get(c, o->name, text, sizeof text);
		switch (o->type) {
		case SIM_OPT_INT:
		case SIM_OPT_SIZE: {
			int64_t v = 0;

			sim_parse_int(text, &v);
			lua_pushinteger(L, (lua_Integer)v);
			break;
		}
		case SIM_OPT_BOOL:
			lua_pushboolean(L, strcmp(text, "true") == 0);
			break;
		case SIM_OPT_STRING:
		case SIM_OPT_ZONES:
			if (!text[0])
				continue;	/* unset: nil */
			lua_pushstring(L, text);
			break;
		}
		lua_setfield(L, -2, o->name);
	}
	return 1;
}

void lsim_open_core_methods(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "now", lsim_sim_now },
		{ "advance", lsim_sim_advance },
		{ "atomic", lsim_sim_atomic },
		{ "softirq", lsim_sim_softirq },
		{ "irq", lsim_sim_irq },
		{ "memalloc", lsim_sim_memalloc },
		{ "noio", lsim_sim_noio },
		{ "nofs", lsim_sim_nofs },
		{ "on_cpu", lsim_sim_on_cpu },
		{ "cpu", lsim_sim_cpu },
		{ "context", lsim_sim_context },
		{ "random", lsim_sim_random },
		{ "rand", lsim_sim_rand },
		{ "bugs", lsim_sim_bugs },
		{ "dmesg", lsim_sim_dmesg },
		{ "explain", lsim_sim_explain },
		{ "config", lsim_sim_config },
		{ "sample", lsim_sim_sample },
		{ "report", lsim_sim_report },
		{ "close", lsim_sim_close },
		{ NULL, NULL },
	};

	luaL_setfuncs(L, methods, 0);
}

/* ---- Module ---- */

static void lsim_push_gfp_table(lua_State *L)
{
	const char *name;
	gfp_t v;

	lua_newtable(L);
	for (size_t i = 0; (name = sim_gfp_name_at(i, &v)) != NULL; i++) {
		/* GFP.KERNEL for GFP_KERNEL, GFP.ZERO for __GFP_ZERO */
		const char *key = name;

		while (*key == '_')
			key++;
		if (strncmp(key, "GFP_", 4) == 0)
			key += 4;
		lua_pushinteger(L, (lua_Integer)v);
		lua_setfield(L, -2, key);
	}
}

int luaopen_kmemsim(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "new", lsim_new },
		{ "policies", lsim_policies },
		{ "suggest", lsim_suggest },
		{ NULL, NULL },
	};
	static const luaL_Reg metameth[] = {
		{ "__index", NULL },
		{ "__gc", lsim_sim_gc },
		{ "__close", lsim_sim_close },
		{ "__tostring", lsim_sim_tostring },
		{ NULL, NULL },
	};
	struct lsim_runtime *rt = lsim_runtime(L);

	luaL_newmetatable(L, LSIM_SIM_MT);
	luaL_setfuncs(L, metameth, 0);
	lua_pushliteral(L, LSIM_SIM_MT);	/* protected, as lsimL_newmeta's */
	lua_setfield(L, -2, "__metatable");
	lua_newtable(L);
	lsim_open_core_methods(L);
	lsim_open_layer_methods(L);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);

	luaL_newlib(L, funcs);
	lua_pushliteral(L, PACKAGE_VERSION);
	lua_setfield(L, -2, "version");
	lua_pushinteger(L, (lua_Integer)rt->seed);
	lua_setfield(L, -2, "seed");
	lua_pushstring(L, rt->policy ? rt->policy : "slub");
	lua_setfield(L, -2, "policy");
	lua_createtable(L, 0, (int)rt->nr_params);
	for (size_t i = 0; i < rt->nr_params; i++) {
		lua_pushstring(L, rt->params[i].value);
		lua_setfield(L, -2, rt->params[i].key);
	}
	lua_setfield(L, -2, "params");
	lsim_push_gfp_table(L);
	lua_setfield(L, -2, "GFP");
	return 1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_workload.c - the workload engine for Lua: sim:workload_engine(desc)
 *
 *   sim:workload_engine(desc)   a workload (a "kmemsim.workload" userdata)
 *                               from the description kmemsim.workload
 *                               compiles (docs/dsl.md, "The compiled form")
 *
 *   w:run([n])                  run the next n phases of desc.phases (all
 *                               remaining ones by default); the results
 *   w:run_phase(phase)          run one more phase (a compiled phase table);
 *                               that phase's results
 *   w:stats()                   the results so far (a fresh table)
 *   w:live()                    addresses of the live objects, oldest first
 *   w:summary()                 the results as a few lines of text
 *   w:name()                    desc.name
 *   w:close()                   release the engine (objects stay allocated)
 *
 * The userdata is a handle: the engine (struct sim_wl) plus, in user
 * values, the simulator userdata (which keeps the simulator alive), the
 * description and the list of phase results.  __tostring is "workload#N",
 * numbered per Lua state in creation order.  __gc and __close release host
 * memory only, never simulation state; a closed workload, or one whose
 * simulator was closed, raises a clear error when used.  Running it after
 * its phases are done ("finished") is an error too; run_phase still works.
 *
 * A simulated allocation failure is data in the results, never an error;
 * a malformed description raises an error naming the field.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lsimaux.h"

#define LSIM_WL_MT	"kmemsim.workload"
#define LSIM_WL_COUNTER	"kmemsim.workload.count"

/*
 * User values of a workload userdata.  UV_STREAMS is a private copy of the
 * streams' names and weights taken when the engine was made: phases name
 * streams through it, so a script that changes desc.streams afterwards
 * cannot make a phase disagree with the engine's streams.
 */
enum { UV_SIM = 1, UV_DESC, UV_RESULTS, UV_STREAMS, NR_UV = UV_STREAMS };

struct lsim_wl {
	struct sim_wl *w;	/* NULL once closed */
	struct sim *sim;	/* the simulator it was made on */
	unsigned id;
	lua_Integer next_phase;	/* index in desc.phases of the next to run */
};

static const char *const lwl_ctx_names[] = {
	"process", "atomic", "softirq", "hardirq", NULL
};
static const char *const lwl_size_kinds[] = {
	"fixed", "uniform", "weighted", "histogram", NULL
};
static const char *const lwl_life_kinds[] = {
	"immediate", "exponential", "pareto", "phase", "forever", NULL
};
static const char *const lwl_phase_kinds[] = {
	"ramp", "steady", "burst", "drain", "slots", NULL
};
static const char *const lwl_orders[] = { "random", "fifo", "lifo", NULL };

/* ---- Reading the description ---- */

/*
 * Everything converted lives in userdata anchored in a scratch table, so
 * an error half way leaks nothing; the table goes when the call returns.
 */
struct lwl_scratch {
	lua_State *L;
	int table;		/* absolute index of the anchor table */
	int n;
};

static void *lwl_alloc(struct lwl_scratch *sc, size_t bytes)
{
	void *p = lua_newuserdatauv(sc->L, bytes ? bytes : 1, 0);

	memset(p, 0, bytes ? bytes : 1);
	lua_rawseti(sc->L, sc->table, ++sc->n);
	return p;
}

/* field @key of the table at @idx, pushed; raises unless its type is @type */
static int lwl_field(lua_State *L, int idx, const char *key, int type,
		     const char *where, bool optional)
{
	int t = lsimL_rawfield(L, idx, key);

	if (t == LUA_TNIL && optional)
		return LUA_TNIL;
	if (t != type)
		luaL_error(L, "%s.%s: %s expected, got %s", where, key,
			   lua_typename(L, type), luaL_typename(L, -1));
	return t;
}

static lua_Integer lwl_int(lua_State *L, int idx, const char *key,
			   const char *where, lua_Integer def, lua_Integer lo,
			   lua_Integer hi)
{
	lua_Integer v = def;
	int isint;

	if (lwl_field(L, idx, key, LUA_TNUMBER, where, true) != LUA_TNIL) {
		v = lua_tointegerx(L, -1, &isint);
		if (!isint)
			luaL_error(L, "%s.%s: whole number expected, got %s", where, key,
				   lua_tostring(L, -1));
	}
	lua_pop(L, 1);
	if (v < lo || v > hi)
		luaL_error(L, "%s.%s: %I out of range (%I..%I)", where, key, v, lo, hi);
	return v;
}

static double lwl_num(lua_State *L, int idx, const char *key, const char *where,
		      double def)
{
	double v = def;

	if (lwl_field(L, idx, key, LUA_TNUMBER, where, true) != LUA_TNIL)
		v = lua_tonumber(L, -1);
	lua_pop(L, 1);
	if (v != v)
		luaL_error(L, "%s.%s: not a number", where, key);
	return v;
}

static int lwl_option(lua_State *L, int idx, const char *key, const char *where,
		      const char *def, const char *const opts[])
{
	const char *v = def;

	if (lwl_field(L, idx, key, LUA_TSTRING, where, def != NULL) != LUA_TNIL)
		v = lua_tostring(L, -1);
	for (int i = 0; opts[i]; i++) {
		if (strcmp(opts[i], v) == 0) {
			lua_pop(L, 1);
			return i;
		}
	}
	return luaL_error(L, "%s.%s: unknown value '%s'", where, key, v);
}

/* GFP flags at field @key (string or integer), @def if absent */
static gfp_t lwl_gfp(lua_State *L, int idx, const char *key, const char *where,
		     gfp_t def)
{
	gfp_t gfp = def;
	char err[256];
	size_t len;
	const char *s;

	switch (lsimL_rawfield(L, idx, key)) {
	case LUA_TNIL:
		break;
	case LUA_TNUMBER: {
		lua_Integer v = lua_tointeger(L, -1);

		if (!lua_isinteger(L, -1) || v < 0 || v > (lua_Integer)UINT32_MAX)
			luaL_error(L, "%s.%s: GFP flags out of range", where, key);
		gfp = (gfp_t)v;
		break;
	}
	case LUA_TSTRING:
		s = lua_tolstring(L, -1, &len);
		if (sim_gfp_parse(s, len, &gfp, err, sizeof err) != SIM_OK)
			luaL_error(L, "%s.%s: %s", where, key, err);
		break;
	default:
		luaL_error(L, "%s.%s: GFP flags (string or integer) expected, got %s",
			   where, key, luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	return gfp;
}

/* the array at field @key of @idx, pushed; its length */
static size_t lwl_array(lua_State *L, int idx, const char *key, const char *where,
			bool optional, size_t max)
{
	size_t n;

	if (lwl_field(L, idx, key, LUA_TTABLE, where, optional) == LUA_TNIL)
		return 0;
	n = (size_t)lua_rawlen(L, -1);
	if (n > max)
		luaL_error(L, "%s.%s: more than %d entries", where, key, (int)max);
	return n;
}

static uint64_t *lwl_u64s(struct lwl_scratch *sc, int idx, const char *key,
			  const char *where, size_t n, lua_Integer lo, lua_Integer hi)
{
	lua_State *L = sc->L;
	uint64_t *v = lwl_alloc(sc, n * sizeof *v);
	char w[128];

	if (lwl_array(L, idx, key, where, false, n) != n)
		luaL_error(L, "%s.%s: %d entries expected", where, key, (int)n);
	for (size_t i = 0; i < n; i++) {
		lua_Integer x;
		int isint;

		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		x = lua_tointegerx(L, -1, &isint);
		snprintf(w, sizeof w, "%s.%s[%zu]", where, key, i + 1);
		if (!isint || x < lo || x > hi)
			luaL_error(L, "%s: whole number in %I..%I expected", w, lo, hi);
		v[i] = (uint64_t)x;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return v;
}

static void lwl_read_size(struct lwl_scratch *sc, int idx, const char *where,
			  struct sim_wl_size *z)
{
	lua_State *L = sc->L;
	char w[128];
	int t = lua_absindex(L, idx);
	const lua_Integer max = (lua_Integer)1 << 53;

	snprintf(w, sizeof w, "%s.size", where);
	z->kind = (enum sim_wl_size_kind)lwl_option(L, t, "kind", w, NULL, lwl_size_kinds);
	z->lo = (uint64_t)lwl_int(L, t, "lo", w, 1, 0, max);
	z->hi = (uint64_t)lwl_int(L, t, "hi", w, (lua_Integer)z->lo, 0, max);
	if (z->kind == SIM_WL_SIZE_WEIGHTED || z->kind == SIM_WL_SIZE_HISTOGRAM) {
		size_t n = lwl_array(L, t, "values", w, false, 4096);

		lua_pop(L, 1);
		z->n = n;
		z->value = lwl_u64s(sc, t, "values", w, n, 0, max);
		z->weight = lwl_u64s(sc, t, "weights", w, n, 0, max);
		if (z->kind == SIM_WL_SIZE_HISTOGRAM)
			z->upper = lwl_u64s(sc, t, "uppers", w, n, 0, max);
	}
}

static void lwl_read_life(lua_State *L, int idx, const char *where,
			  struct sim_wl_life *l)
{
	char w[128];
	int t = lua_absindex(L, idx);

	snprintf(w, sizeof w, "%s.life", where);
	l->kind = (enum sim_wl_life_kind)lwl_option(L, t, "kind", w, "immediate",
						    lwl_life_kinds);
	l->mean = lwl_num(L, t, "mean", w, 0);
	l->xm = lwl_num(L, t, "xm", w, 0);
	l->alpha = lwl_num(L, t, "alpha", w, 0);
}

static void lwl_read_stream(struct lwl_scratch *sc, struct sim *sim, int idx,
			    size_t i, struct sim_wl_stream *s)
{
	lua_State *L = sc->L;
	char where[96], tw[128];
	int t = lua_absindex(L, idx);
	struct sim_wl_target *tg;
	size_t n;

	snprintf(where, sizeof where, "streams[%zu]", i + 1);
	lwl_field(L, t, "name", LUA_TSTRING, where, false);
	s->name = lua_tostring(L, -1);	/* anchored by the description */
	lua_pop(L, 1);
	n = lwl_array(L, t, "targets", where, false, 64);
	tg = lwl_alloc(sc, n * sizeof *tg);
	for (size_t k = 0; k < n; k++) {
		lua_rawgeti(L, -1, (lua_Integer)k + 1);
		snprintf(tw, sizeof tw, "%s.targets[%zu]", where, k + 1);
		if (!lua_istable(L, -1))
			luaL_error(L, "%s: table expected", tw);
		if (lsimL_rawfield(L, -1, "cache") == LUA_TSTRING) {
			const char *name = lua_tostring(L, -1);

			tg[k].cache = sim_cache_find(sim, name);
			if (tg[k].cache == SIM_CACHE_NONE)
				luaL_error(L, "%s: no cache called '%s'", tw, name);
		} else if (!lua_isnil(L, -1) && !(lua_isboolean(L, -1) && !lua_toboolean(L, -1))) {
			luaL_error(L, "%s.cache: cache name or false (kmalloc) expected", tw);
		}
		lua_pop(L, 1);
		tg[k].weight = (uint64_t)lwl_int(L, lua_gettop(L), "weight", tw, 1, 0,
						 (lua_Integer)1 << 53);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	s->nr_targets = n;
	s->targets = tg;
	if (lwl_field(L, t, "size", LUA_TTABLE, where, true) != LUA_TNIL)
		lwl_read_size(sc, -1, where, &s->size);
	else
		s->size.kind = SIM_WL_SIZE_FIXED;
	lua_pop(L, 1);
	if (lwl_field(L, t, "life", LUA_TTABLE, where, true) != LUA_TNIL)
		lwl_read_life(L, -1, where, &s->life);
	lua_pop(L, 1);
	s->weight = (uint64_t)lwl_int(L, t, "weight", where, 1, 0, (lua_Integer)1 << 53);
	s->flags = lwl_gfp(L, t, "flags", where, 0);
}

/* the contexts field of the table at @idx into @m; false if absent */
static bool lwl_read_contexts(struct lwl_scratch *sc, int idx, const char *where,
			      struct sim_wl_mix *m)
{
	lua_State *L = sc->L;
	int t = lua_absindex(L, idx);
	struct sim_wl_context *c;
	char w[128];
	gfp_t kernel = 0;
	size_t n;

	if (lsimL_rawfield(L, t, "contexts") == LUA_TNIL) {
		lua_pop(L, 1);
		return false;
	}
	lua_pop(L, 1);
	sim_gfp_parse("GFP_KERNEL", 10, &kernel, NULL, 0);
	n = lwl_array(L, t, "contexts", where, false, 64);
	c = lwl_alloc(sc, n * sizeof *c);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		snprintf(w, sizeof w, "%s.contexts[%zu]", where, i + 1);
		if (!lua_istable(L, -1))
			luaL_error(L, "%s: table expected", w);
		c[i].ctx = (enum sim_context)lwl_option(L, lua_gettop(L), "ctx", w,
						      NULL, lwl_ctx_names);
		c[i].gfp = lwl_gfp(L, lua_gettop(L), "gfp", w, kernel);
		c[i].weight = (uint64_t)lwl_int(L, lua_gettop(L), "weight", w, 1, 0,
						(lua_Integer)1 << 53);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	m->nr_contexts = n;
	m->contexts = c;
	return true;
}

/* the cpus field ("all" or an array of {cpu=, weight=}); false if absent */
static bool lwl_read_cpus(struct lwl_scratch *sc, struct sim *sim, int idx,
			  const char *where, struct sim_wl_mix *m)
{
	lua_State *L = sc->L;
	int t = lua_absindex(L, idx);
	struct sim_wl_cpu *c;
	char w[128];
	size_t n;

	switch (lsimL_rawfield(L, t, "cpus")) {
	case LUA_TNIL:
		lua_pop(L, 1);
		return false;
	case LUA_TSTRING:
		if (strcmp(lua_tostring(L, -1), "all") != 0)
			luaL_error(L, "%s.cpus: \"all\" or a list expected", where);
		lua_pop(L, 1);
		n = sim_nr_cpus(sim);
		c = lwl_alloc(sc, n * sizeof *c);
		for (size_t i = 0; i < n; i++) {
			c[i].cpu = (unsigned)i;
			c[i].weight = 1;
		}
		m->nr_cpus = n;
		m->cpus = c;
		return true;
	default:
		lua_pop(L, 1);
		break;
	}
	n = lwl_array(L, t, "cpus", where, false, SIM_MAX_CPUS);
	c = lwl_alloc(sc, n * sizeof *c);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		snprintf(w, sizeof w, "%s.cpus[%zu]", where, i + 1);
		if (!lua_istable(L, -1))
			luaL_error(L, "%s: table expected", w);
		c[i].cpu = (unsigned)lwl_int(L, lua_gettop(L), "cpu", w, 0, 0,
					     SIM_MAX_CPUS - 1);
		c[i].weight = (uint64_t)lwl_int(L, lua_gettop(L), "weight", w, 1, 0,
						(lua_Integer)1 << 53);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	m->nr_cpus = n;
	m->cpus = c;
	return true;
}

/* the phase table at @idx; weights by stream name resolved against @desc */
static void lwl_read_phase(struct lwl_scratch *sc, struct sim *sim, int idx,
			   int desc, struct sim_wl_phase *ph)
{
	lua_State *L = sc->L;
	int t = lua_absindex(L, idx);
	const char *where = "phase";
	const lua_Integer tmax = INT64_MAX;

	memset(ph, 0, sizeof *ph);
	ph->kind = (enum sim_wl_phase_kind)lwl_option(L, t, "kind", where, NULL,
						     lwl_phase_kinds);
	ph->ops = (uint64_t)lwl_int(L, t, "ops", where, 0, 0, tmax);
	ph->duration = (sim_time_t)lwl_int(L, t, "duration", where, 0, 0, tmax);
	ph->until = (sim_time_t)lwl_int(L, t, "until", where, 0, 0, tmax);
	/* ramp and steady arrive at the workload's rate unless they say */
	lua_getiuservalue(L, desc, UV_DESC);
	ph->rate = lwl_num(L, lua_gettop(L), "rate", "desc", 0);
	if (lsimL_rawfield(L, -1, "poisson") != LUA_TNIL && !lua_isboolean(L, -1))
		luaL_error(L, "desc.poisson: boolean expected");
	ph->poisson = lua_toboolean(L, -1);
	lua_pop(L, 2);
	if (ph->kind != SIM_WL_RAMP && ph->kind != SIM_WL_STEADY)
		ph->rate = 0;
	ph->rate = lwl_num(L, t, "rate", where, ph->rate);
	ph->rate_from = lwl_num(L, t, "rate_from", where, ph->rate / 10);
	if (lsimL_rawfield(L, t, "poisson") != LUA_TNIL) {
		if (!lua_isboolean(L, -1))
			luaL_error(L, "phase.poisson: boolean expected");
		ph->poisson = lua_toboolean(L, -1);
	}
	lua_pop(L, 1);
	ph->fraction = lwl_num(L, t, "fraction", where, -1);
	ph->count = (uint64_t)lwl_int(L, t, "count", where, 0, 0, tmax);
	ph->order = (enum sim_wl_order)lwl_option(L, t, "order", where, "random",
						 lwl_orders);
	ph->slots = (uint64_t)lwl_int(L, t, "slots", where, 0, 0, tmax);
	if (ph->kind == SIM_WL_DRAIN && ph->fraction < 0 && !ph->count)
		ph->fraction = 1;

	if (lwl_field(L, t, "streams", LUA_TTABLE, where, true) != LUA_TNIL) {
		size_t ns, nl = (size_t)lua_rawlen(L, -1);
		uint64_t *wt;

		lua_pushnil(L);		/* the stack as below, with UV_STREAMS */
		lua_getiuservalue(L, desc, UV_STREAMS);
		ns = (size_t)lua_rawlen(L, -1);
		wt = lwl_alloc(sc, ns * sizeof *wt);
		for (size_t k = 0; k < nl; k++) {
			const char *want;
			size_t i;

			lua_rawgeti(L, -3, (lua_Integer)k + 1);
			want = lua_tostring(L, -1);
			if (!want)
				luaL_error(L, "phase.streams[%d]: stream name expected", (int)k + 1);
			for (i = 0; i < ns; i++) {
				bool same;

				lua_rawgeti(L, -2, (lua_Integer)i + 1);
				lsimL_rawfield(L, -1, "name");
				same = lua_tostring(L, -1) && strcmp(lua_tostring(L, -1), want) == 0;
				lua_pop(L, 1);
				if (same) {
					/* the stream's own weight; 1 if that is 0 */
					lua_Integer v = lwl_int(L, lua_gettop(L), "weight",
								"stream", 1, 0,
								(lua_Integer)1 << 53);

					wt[i] = v ? (uint64_t)v : 1;
					lua_pop(L, 1);
					break;
				}
				lua_pop(L, 1);
			}
			if (i == ns)
				luaL_error(L, "phase.streams: the workload has no stream '%s'", want);
			lua_pop(L, 1);
		}
		lua_pop(L, 2);
		ph->weights = wt;
	}
	lua_pop(L, 1);
	if (lwl_field(L, t, "weights", LUA_TTABLE, where, true) != LUA_TNIL) {
		size_t ns, known = 0, keys = 0;
		uint64_t *wt;

		lua_pushnil(L);
		lua_getiuservalue(L, desc, UV_STREAMS);
		ns = (size_t)lua_rawlen(L, -1);
		wt = lwl_alloc(sc, ns * sizeof *wt);
		for (size_t i = 0; i < ns; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			lsimL_rawfield(L, -1, "name");
			if (lua_rawget(L, -5) != LUA_TNIL) {	/* weights[name] */
				lua_Integer v;
				int isint;

				v = lua_tointegerx(L, -1, &isint);
				if (!isint || v < 0 || v > (lua_Integer)1 << 53)
					luaL_error(L, "phase.weights: whole number >= 0 expected");
				wt[i] = (uint64_t)v;
				known++;
			}
			lua_pop(L, 2);
		}
		lua_pop(L, 2);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pop(L, 1);
			keys++;
		}
		if (keys != known)
			luaL_error(L, "phase.weights: names a stream the workload does not have");
		ph->weights = wt;
	}
	lua_pop(L, 1);
	{
		struct sim_wl_mix *m = lwl_alloc(sc, sizeof *m);
		bool ctx = lwl_read_contexts(sc, t, "phase", m);
		bool cpus = lwl_read_cpus(sc, sim, t, "phase", m);

		/* a phase that overrides one half of the mix keeps the other */
		if (ctx || cpus) {
			lua_getiuservalue(L, desc, UV_DESC);
			if (!ctx)
				lwl_read_contexts(sc, -1, "desc", m);
			if (!cpus)
				lwl_read_cpus(sc, sim, -1, "desc", m);
			lua_pop(L, 1);
			ph->mix = m;
		}
	}
}

/* ---- The userdata ---- */

static struct lsim_wl *lwl_toud(lua_State *L, int arg)
{
	return luaL_checkudata(L, arg, LSIM_WL_MT);
}

/* the open workload at @arg, with its simulator still open */
static struct lsim_wl *lwl_check(lua_State *L, int arg)
{
	struct lsim_wl *u = lwl_toud(L, arg);

	if (!u->w)
		luaL_error(L, "attempt to use a closed workload (workload#%d)", (int)u->id);
	lua_getiuservalue(L, arg, UV_SIM);
	if (lsim_checksim(L, lua_gettop(L)) != u->sim)
		luaL_error(L, "workload#%d: its simulator was replaced", (int)u->id);
	lua_pop(L, 1);
	return u;
}

static int lwl_tostring(lua_State *L)
{
	struct lsim_wl *u = lwl_toud(L, 1);

	if (!u->w)
		lua_pushfstring(L, "workload#%d (closed)", (int)u->id);
	else
		lua_pushfstring(L, "workload#%d", (int)u->id);
	return 1;
}

/* __gc, __close and close(): host memory only, never simulation state */
static int lwl_close(lua_State *L)
{
	struct lsim_wl *u = lwl_toud(L, 1);

	sim_wl_free(u->w);
	u->w = NULL;
	return 0;
}

static void lwl_setint(lua_State *L, const char *key, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, key);
}

static void lwl_push_counts(lua_State *L, const struct sim_wl_stats *st)
{
	lwl_setint(L, "ops", st->ops);
	lwl_setint(L, "allocs", st->allocs);
	lwl_setint(L, "frees", st->frees);
	lwl_setint(L, "failures", st->failures);
	lwl_setint(L, "free_errors", st->free_errors);
	lwl_setint(L, "live", st->live);
	lwl_setint(L, "live_bytes", st->live_bytes);
	lwl_setint(L, "slab_pages", st->slab_pages);
	lwl_setint(L, "slab_pages_peak", st->slab_pages_peak);
	lwl_setint(L, "start", st->start);
	lwl_setint(L, "stop", st->end);
	lwl_setint(L, "time", st->time);
}

/* the results table of one phase */
static void lwl_push_phase(lua_State *L, const struct sim_wl_stats *st,
			   const struct sim_wl_phase *ph, int phtable)
{
	lua_createtable(L, 0, 16);
	lua_pushstring(L, sim_wl_phase_kind_name(ph->kind));
	lua_setfield(L, -2, "kind");
	if (lsimL_rawfield(L, phtable, "name") != LUA_TSTRING) {
		lua_pop(L, 1);
		lua_pushstring(L, sim_wl_phase_kind_name(ph->kind));
	}
	lua_setfield(L, -2, "name");
	lwl_push_counts(L, st);
}

static void lwl_digest_str(lua_State *L, uint64_t d)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%016llx", (unsigned long long)d);
	lua_pushstring(L, buf);
}

static void lwl_push_stats(lua_State *L, int ud, struct lsim_wl *u)
{
	struct sim_wl_stats st;
	struct sim_wl_stream_stats ss;
	const char *reason;
	uint64_t count;
	lua_Integer n;

	sim_wl_get_stats(u->w, &st);
	lua_createtable(L, 0, 32);
	lwl_push_counts(L, &st);
	lwl_setint(L, "peak_live", st.peak_live);
	lwl_setint(L, "peak_live_bytes", st.peak_live_bytes);
	lwl_digest_str(L, st.digest);
	lua_setfield(L, -2, "digest");
	lwl_setint(L, "alloc_p50", sim_wl_lat_percentile(u->w, SIM_LAT_ALLOC, 50));
	lwl_setint(L, "alloc_p99", sim_wl_lat_percentile(u->w, SIM_LAT_ALLOC, 99));
	lwl_setint(L, "alloc_max", sim_wl_lat_max(u->w, SIM_LAT_ALLOC));
	lwl_setint(L, "free_p50", sim_wl_lat_percentile(u->w, SIM_LAT_FREE, 50));
	lwl_setint(L, "free_p99", sim_wl_lat_percentile(u->w, SIM_LAT_FREE, 99));
	lwl_setint(L, "free_max", sim_wl_lat_max(u->w, SIM_LAT_FREE));

	lua_newtable(L);
	for (size_t i = 0; (reason = sim_wl_reason_at(u->w, i, &count)) != NULL; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, reason);
		lua_setfield(L, -2, "reason");
		lwl_setint(L, "count", count);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "reasons");

	lua_newtable(L);
	for (size_t i = 0; sim_wl_stream_stats(u->w, i, &ss) == SIM_OK; i++) {
		lua_createtable(L, 0, 8);
		lua_pushstring(L, ss.name);
		lua_setfield(L, -2, "name");
		lwl_setint(L, "allocs", ss.allocs);
		lwl_setint(L, "frees", ss.frees);
		lwl_setint(L, "failures", ss.failures);
		lwl_setint(L, "live", ss.live);
		lwl_setint(L, "live_bytes", ss.live_bytes);
		lwl_setint(L, "peak_live", ss.peak_live);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "streams");

	/* a copy of the phase list, so the caller may keep or change it */
	lua_getiuservalue(L, ud, UV_RESULTS);
	n = (lua_Integer)lua_rawlen(L, -1);
	lua_createtable(L, (int)n, 0);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -2, i);
		lua_rawseti(L, -2, i);
	}
	lua_setfield(L, -3, "phases");
	lua_pop(L, 1);
}

/*
 * Run the phase table at @phidx: checks, the engine, the results appended
 * to the list and handed to desc.on_phase.  Leaves the phase's results on
 * the stack.
 */
static void lwl_run_one(lua_State *L, int ud, struct lsim_wl *u, int phidx)
{
	struct lwl_scratch sc = { L, 0, 0 };
	struct sim_wl_phase ph;
	struct sim_wl_stats st;
	char err[256];
	int rc;

	phidx = lua_absindex(L, phidx);
	if (!lua_istable(L, phidx))
		luaL_error(L, "phase table expected, got %s", luaL_typename(L, phidx));
	if (sim_wl_check(u->w, err, sizeof err) != SIM_OK)
		luaL_error(L, "workload#%d: %s", (int)u->id, err);
	lua_newtable(L);
	sc.table = lua_gettop(L);
	lwl_read_phase(&sc, u->sim, phidx, ud, &ph);
	rc = sim_wl_run_phase(u->w, &ph, &st, err, sizeof err);
	if (rc == SIM_EBUDGET)
		lsim_work_stop(L, 1);
	if (rc == SIM_EINVAL)
		luaL_error(L, "workload#%d: %s", (int)u->id, err);
	if (rc != SIM_OK)
		luaL_error(L, "workload#%d: %s", (int)u->id, err);	/* host OOM */
	lwl_push_phase(L, &st, &ph, phidx);
	lua_remove(L, sc.table);
	/* append to the results list */
	lua_getiuservalue(L, ud, UV_RESULTS);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
	/* desc.on_phase(w, results) */
	lua_getiuservalue(L, ud, UV_DESC);
	if (lsimL_rawfield(L, -1, "on_phase") == LUA_TFUNCTION) {
		lua_pushvalue(L, ud);
		lua_pushvalue(L, -4);
		lua_getiuservalue(L, ud, UV_SIM);	/* pinned meanwhile */
		lua_insert(L, -4);
		if (lsim_call_pinned(L, lsim_tosim(L, -4), "on_phase callback",
				     2, 0) != LUA_OK)
			lua_error(L);
		lua_pop(L, 1);
		lwl_check(L, ud);	/* the callback may have closed it */
	} else {
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* w:run([n]): the next n phases of the description (all by default) */
static int lwl_run(lua_State *L)
{
	struct lsim_wl *u = lwl_check(L, 1);
	lua_Integer nphases, todo, want = luaL_optinteger(L, 2, 0);

	lua_settop(L, 1);
	lua_getiuservalue(L, 1, UV_DESC);
	lsimL_rawfield(L, -1, "phases");
	nphases = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
	if (nphases == 0)
		return luaL_error(L, "workload#%d has no phases (give it phases, "
				  "or run some with w:run_phase())", (int)u->id);
	if (u->next_phase > nphases)
		return luaL_error(L, "workload#%d is finished: its %I phase%s ran "
				  "(w:run_phase() runs another)", (int)u->id, nphases,
				  nphases == 1 ? "" : "s");
	todo = want ? want : nphases - u->next_phase + 1;
	luaL_argcheck(L, todo >= 1, 2, "at least one phase");
	for (lua_Integer i = 0; i < todo && u->next_phase <= nphases; i++) {
		lua_rawgeti(L, -1, u->next_phase++);
		lwl_run_one(L, 1, u, -1);
		lua_pop(L, 2);
	}
	lwl_push_stats(L, 1, u);
	return 1;
}

/* w:run_phase(phase): one more phase; its results */
static int lwl_run_phase(lua_State *L)
{
	struct lsim_wl *u = lwl_check(L, 1);

	luaL_checktype(L, 2, LUA_TTABLE);
	lwl_run_one(L, 1, u, 2);
	return 1;
}

static int lwl_stats(lua_State *L)
{
	struct lsim_wl *u = lwl_check(L, 1);

	lwl_push_stats(L, 1, u);
	return 1;
}

struct lwl_live {
	lua_State *L;
	lua_Integer n;
};

static void lwl_live_one(void *ud, sim_addr_t addr, size_t stream)
{
	struct lwl_live *lv = ud;

	(void)stream;
	lua_pushinteger(lv->L, (lua_Integer)addr);
	lua_rawseti(lv->L, -2, ++lv->n);
}

static int lwl_live(lua_State *L)
{
	struct lsim_wl *u = lwl_check(L, 1);
	struct sim_wl_stats st;
	struct lwl_live lv = { L, 0 };

	sim_wl_get_stats(u->w, &st);
	lua_createtable(L, st.live > INT32_MAX ? 0 : (int)st.live, 0);
	if (sim_wl_live_foreach(u->w, lwl_live_one, &lv) != SIM_OK)
		return luaL_error(L, "out of host memory");
	return 1;
}

static int lwl_name(lua_State *L)
{
	lwl_check(L, 1);
	lua_getiuservalue(L, 1, UV_DESC);
	if (lsimL_rawfield(L, -1, "name") != LUA_TSTRING) {
		lua_pop(L, 1);
		lua_pushliteral(L, "workload");
	}
	return 1;
}

/* "12.5 KiB" */
static void lwl_fmt_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* "750 ns", "12.5 us", "3.20 ms", "1.500 s" */
static void lwl_fmt_time(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
}

static int lwl_summary(lua_State *L)
{
	struct lsim_wl *u = lwl_check(L, 1);
	struct sim_wl_stats st;
	char line[512], b1[32], b2[32], t1[32], t2[32], t3[32], t4[32];
	const char *reason, *name;
	uint64_t count;
	luaL_Buffer b;

	sim_wl_get_stats(u->w, &st);
	lwl_name(L);
	name = lua_tostring(L, -1);
	luaL_buffinit(L, &b);
	lwl_fmt_time(t1, sizeof t1, st.time);
	snprintf(line, sizeof line,
		 "workload#%u %s: %llu ops (%llu allocs, %llu frees, %llu failures) in %s of virtual time\n",
		 u->id, name, (unsigned long long)st.ops, (unsigned long long)st.allocs,
		 (unsigned long long)st.frees, (unsigned long long)st.failures, t1);
	luaL_addstring(&b, line);
	lwl_fmt_bytes(b1, sizeof b1, st.live_bytes);
	lwl_fmt_bytes(b2, sizeof b2, st.peak_live_bytes);
	snprintf(line, sizeof line,
		 "  live %llu objects (%s requested), peak %llu objects (%s)\n",
		 (unsigned long long)st.live, b1, (unsigned long long)st.peak_live, b2);
	luaL_addstring(&b, line);
	snprintf(line, sizeof line, "  slab pages %llu now, %llu at peak\n",
		 (unsigned long long)st.slab_pages,
		 (unsigned long long)st.slab_pages_peak);
	luaL_addstring(&b, line);
	lwl_fmt_time(t1, sizeof t1, sim_wl_lat_percentile(u->w, SIM_LAT_ALLOC, 50));
	lwl_fmt_time(t2, sizeof t2, sim_wl_lat_percentile(u->w, SIM_LAT_ALLOC, 99));
	lwl_fmt_time(t3, sizeof t3, sim_wl_lat_percentile(u->w, SIM_LAT_FREE, 50));
	lwl_fmt_time(t4, sizeof t4, sim_wl_lat_percentile(u->w, SIM_LAT_FREE, 99));
	snprintf(line, sizeof line,
		 "  modelled latency: alloc p50 %s, p99 %s; free p50 %s, p99 %s\n",
		 t1, t2, t3, t4);
	luaL_addstring(&b, line);
	for (size_t i = 0; (reason = sim_wl_reason_at(u->w, i, &count)) != NULL; i++) {
		snprintf(line, sizeof line, "  failed %llu x: %s\n",
			 (unsigned long long)count, reason);
		luaL_addstring(&b, line);
	}
	luaL_pushresult(&b);
	return 1;
}

/* ---- sim:workload_engine(desc) ---- */

static int lwl_new(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	struct lwl_scratch sc = { L, 0, 0 };
	struct sim_wl_config cfg;
	struct sim_wl_stream *streams;
	struct lsim_wl *u;
	char err[256];
	size_t n;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	lua_newtable(L);
	sc.table = 3;
	memset(&cfg, 0, sizeof cfg);
	n = lwl_array(L, 2, "streams", "desc", false, 256);
	streams = lwl_alloc(&sc, n * sizeof *streams);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		if (!lua_istable(L, -1))
			return luaL_error(L, "desc.streams[%d]: table expected", (int)i + 1);
		lwl_read_stream(&sc, sim, -1, i, &streams[i]);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	cfg.nr_streams = n;
	cfg.streams = streams;
	lwl_read_contexts(&sc, 2, "desc", &cfg.mix);
	lwl_read_cpus(&sc, sim, 2, "desc", &cfg.mix);
	cfg.free_any_cpu = lwl_option(L, 2, "free_cpu", "desc", "same",
				      (const char *const[]){ "same", "any", NULL }) == 1;
	if (lsimL_rawfield(L, 2, "phases") != LUA_TNIL && !lua_istable(L, -1))
		return luaL_error(L, "desc.phases: table expected");
	lua_pop(L, 1);

	u = lua_newuserdatauv(L, sizeof *u, NR_UV);
	memset(u, 0, sizeof *u);
	u->next_phase = 1;
	u->sim = sim;
	luaL_setmetatable(L, LSIM_WL_MT);
	rc = sim_wl_new(sim, &cfg, &u->w, err, sizeof err);
	if (rc != SIM_OK)
		return luaL_error(L, "workload: %s", err);
	lua_getfield(L, LUA_REGISTRYINDEX, LSIM_WL_COUNTER);
	u->id = (unsigned)lua_tointeger(L, -1) + 1;
	lua_pop(L, 1);
	lua_pushinteger(L, u->id);
	lua_setfield(L, LUA_REGISTRYINDEX, LSIM_WL_COUNTER);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, UV_SIM);
	lua_pushvalue(L, 2);
	lua_setiuservalue(L, -2, UV_DESC);
	lua_newtable(L);
	lua_setiuservalue(L, -2, UV_RESULTS);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, streams[i].name);
		lua_setfield(L, -2, "name");
		lua_pushinteger(L, (lua_Integer)streams[i].weight);
		lua_setfield(L, -2, "weight");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setiuservalue(L, -2, UV_STREAMS);
	return 1;
}

static void lwl_createmeta(lua_State *L)
{
	static const luaL_Reg meth[] = {
		{ "run", lwl_run },
		{ "run_phase", lwl_run_phase },
		{ "stats", lwl_stats },
		{ "live", lwl_live },
		{ "summary", lwl_summary },
		{ "name", lwl_name },
		{ "close", lwl_close },
		{ NULL, NULL },
	};
	static const luaL_Reg metameth[] = {
		{ "__index", NULL },
		{ "__tostring", lwl_tostring },
		{ "__gc", lwl_close },
		{ "__close", lwl_close },
		{ NULL, NULL },
	};

	lsimL_newmeta(L, LSIM_WL_MT, metameth, meth);
}

void lsim_open_workload_methods(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "workload_engine", lwl_new },
		{ NULL, NULL },
	};

	lwl_createmeta(L);
	luaL_setfuncs(L, methods, 0);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_slab.c - the object-cache methods and the cache userdata
 *
 *   sim:cache_create(name, size [, {align=, flags=, ctor=, sheaf_capacity=}])
 *                                       a cache (an alias: the merged cache)
 *   sim:cache(name)                     the cache called name (or alias), or nil
 *   sim:caches()                        every cache, in /proc/slabinfo order
 *   sim:kmalloc(size [, gfp]), sim:kzalloc, sim:kcalloc(n, size [, gfp]),
 *   sim:krealloc(addr, size [, gfp])    address, or nil and the reason
 *   sim:kfree(addr)                     true, or false and the bug report
 *   sim:ksize(addr)                     usable bytes (0: no live object)
 *   sim:poke(addr, len)                 a simulated write; what it hit
 *   sim:slabinfo()                      /proc/slabinfo text (nil, reason under SLOB)
 *   sim:slabtop()                       a slabtop-style summary
 *   sim:slab_summary()                  totals: objects, bytes, pages, NR_SLAB_*
 *
 *   cache:alloc([gfp]), cache:zalloc([gfp])   address, or nil and the reason
 *   cache:free(addr)                    true, or false and the bug report
 *   cache:info(), cache:stats()         tables (geometry; usage)
 *   cache:shrink()                      pages given back
 *   cache:destroy()                     true, or false and the report (objects left)
 *   cache:tune(limit, batchcount, shared)  SLAB only: true, or nil and why
 *   cache:dump()                        the policy's lists as text
 *   cache:name()                        the cache's name
 *
 * A cache userdata ("kmemsim.cache") is a handle, never an owner: the
 * engine's handle (id and generation) plus the simulator userdata in user
 * value 1, which keeps the simulator alive as long as the handle.  Using a
 * destroyed cache raises "attempt to use a destroyed cache".  __gc only
 * lets go of the handle; __close destroys the cache (`local c <close> =`),
 * which is explicit in the script and therefore deterministic.
 *
 * Simulated failure is `nil, reason`; simulated-kernel bugs (double free,
 * ...) are reported in sim:bugs() and the call returns false and the
 * report's first line; misuse of the API raises an error.  Addresses are
 * integers (direct-map addresses print as 0xffff888...).
 */
#include "config.h"

#include <string.h>

#include "lsimaux.h"

#define LSIM_CACHE_MT "kmemsim.cache"

struct lsim_cache {
	sim_cache_t h;
	bool closed;		/* destroyed through this handle */
};

/* ---- Helpers ---- */

static void lslab_setint(lua_State *L, const char *key, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, key);
}

static void lslab_setbool(lua_State *L, const char *key, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, key);
}

static gfp_t lslab_optgfp(lua_State *L, int arg, bool zero)
{
	gfp_t gfp = 0, z = 0;
	char err[128];

	if (lua_isnoneornil(L, arg)) {
		if (sim_gfp_parse("GFP_KERNEL", 10, &gfp, err, sizeof err) != SIM_OK)
			luaL_error(L, "%s", err);
	} else {
		gfp = lsimL_checkgfp(L, arg);
	}
	if (zero && sim_gfp_parse("__GFP_ZERO", 10, &z, err, sizeof err) == SIM_OK)
		gfp |= z;
	return gfp;
}

static sim_addr_t lslab_checkaddr(lua_State *L, int arg)
{
	return (sim_addr_t)luaL_checkinteger(L, arg);
}

/* an address or nil and the reason */
static int lslab_pushaddr(lua_State *L, struct sim *sim, int rc, sim_addr_t a)
{
	if (rc == SIM_OK) {
		lua_pushinteger(L, (lua_Integer)a);
		return 1;
	}
	if (rc == SIM_ENOMEM || rc == SIM_EBUG)
		return lsimL_pushfail(L, sim_last_reason(sim));
	return luaL_error(L, "%s", sim_last_reason(sim));
}

/* true, or false and the first line of the newest bug report */
static int lslab_pushfree(lua_State *L, struct sim *sim, int rc)
{
	const struct sim_bug *b;

	if (rc == SIM_OK) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (rc == SIM_EPANIC)	/* no kernel runs any more: an error, not a bug */
		return luaL_error(L, "%s", sim_last_reason(sim));
	lua_pushboolean(L, 0);
	b = sim_nr_bugs(sim) ? sim_bug_at(sim, sim_nr_bugs(sim) - 1) : NULL;
	lua_pushstring(L, b ? b->message : sim_strerror(rc));
	return 2;
}

static void lslab_text(void *ud, const char *s, size_t n)
{
	luaL_addlstring((luaL_Buffer *)ud, s, n);
}

/* ---- The cache userdata ---- */

/* a new handle for @h with the simulator at @simarg and display name @name */
static void lslab_pushcache(lua_State *L, int simarg, sim_cache_t h,
			    const char *name)
{
	struct lsim_cache *c = lua_newuserdatauv(L, sizeof *c, 2);

	c->h = h;
	c->closed = false;
	luaL_setmetatable(L, LSIM_CACHE_MT);
	lua_pushvalue(L, simarg);
	lua_setiuservalue(L, -2, 1);
	lua_pushstring(L, name);
	lua_setiuservalue(L, -2, 2);
}

static struct lsim_cache *lslab_tocache(lua_State *L, int arg)
{
	return luaL_checkudata(L, arg, LSIM_CACHE_MT);
}

sim_cache_t lsimL_checkcache(lua_State *L, int simarg, int idx)
{
	struct sim *sim = lsim_checksim(L, simarg);
	struct lsim_cache *c;
	sim_cache_t h;
	bool same;

	idx = lua_absindex(L, idx);
	simarg = lua_absindex(L, simarg);
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *name = lua_tostring(L, idx);

		h = sim_cache_find(sim, name);
		if (h == SIM_CACHE_NONE)
			luaL_error(L, "no cache called '%s'", name);
		return h;
	}
	c = luaL_testudata(L, idx, LSIM_CACHE_MT);
	if (!c)
		luaL_error(L, "cache expected (a cache or its name), got %s",
			   luaL_typename(L, idx));
	lua_getiuservalue(L, idx, 1);
	same = lua_rawequal(L, -1, simarg);
	lua_pop(L, 1);
	if (!same)
		luaL_error(L, "the cache belongs to another simulator");
	if (c->closed || !sim_cache_usable(sim, c->h))
		luaL_error(L, "attempt to use a destroyed cache");
	return c->h;
}

/*
 * the simulator of the cache at @arg and its handle, or an error; @usable:
 * the cache must not have been destroyed (info and stats of a cache that
 * failed kmem_cache_destroy() still work)
 */
static struct sim *lslab_getcache(lua_State *L, int arg, sim_cache_t *h,
				  bool usable)
{
	struct lsim_cache *c = lslab_tocache(L, arg);
	struct sim *sim;

	arg = lua_absindex(L, arg);
	if (c->closed)
		luaL_error(L, "attempt to use a destroyed cache");
	lua_getiuservalue(L, arg, 1);
	sim = lsim_checksim(L, lua_gettop(L));
	lua_pop(L, 1);
	if (usable ? !sim_cache_usable(sim, c->h) : !sim_cache_valid(sim, c->h))
		luaL_error(L, "attempt to use a destroyed cache");
	*h = c->h;
	return sim;
}

static struct sim *lslab_checkcache(lua_State *L, int arg, sim_cache_t *h)
{
	return lslab_getcache(L, arg, h, true);
}

static int lslab_cache_tostring(lua_State *L)
{
	struct lsim_cache *c = lslab_tocache(L, 1);

	lua_getiuservalue(L, 1, 2);
	if (c->closed)
		lua_pushfstring(L, "cache<%s> (destroyed)", lua_tostring(L, -1));
	else
		lua_pushfstring(L, "cache<%s>", lua_tostring(L, -1));
	return 1;
}

static int lslab_cache_eq(lua_State *L)
{
	struct lsim_cache *a = luaL_testudata(L, 1, LSIM_CACHE_MT);
	struct lsim_cache *b = luaL_testudata(L, 2, LSIM_CACHE_MT);
	bool same = a && b && a->h == b->h;

	if (same) {
		lua_getiuservalue(L, 1, 1);
		lua_getiuservalue(L, 2, 1);
		same = lua_rawequal(L, -1, -2);
		lua_pop(L, 2);
	}
	lua_pushboolean(L, same);
	return 1;
}

/* __gc: the handle goes away, the cache stays (no simulation state changes) */
static int lslab_cache_gc(lua_State *L)
{
	(void)L;
	return 0;
}

/*
 * Announce an operation for --explain: "kmalloc(100, GFP_KERNEL)".  The
 * layers narrate its steps; nothing is formatted unless someone listens.
 */
static void lslab_op(struct sim *sim, const char *what, const char *arg,
		     uint64_t n, gfp_t gfp)
{
	char g[256];

	if (!sim_has_sinks(sim))
		return;
	sim_gfp_format(gfp, g, sizeof g);
	if (arg)
		sim_op(sim, "%s(%s, %s)", what, arg, g);
	else
		sim_op(sim, "%s(%llu, %s)", what, (unsigned long long)n, g);
}

static void lslab_op_addr(struct sim *sim, const char *what, const char *cache,
			  sim_addr_t a)
{
	if (!sim_has_sinks(sim))
		return;
	if (cache)
		sim_op(sim, "%s(%s, 0x%llx)", what, cache, (unsigned long long)a);
	else
		sim_op(sim, "%s(0x%llx)", what, (unsigned long long)a);
}

static int lslab_cache_alloc_common(lua_State *L, bool zero)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	gfp_t gfp = lslab_optgfp(L, 2, zero);
	sim_addr_t a = SIM_ADDR_NONE;
	int rc;

	if (sim_has_sinks(sim)) {
		struct sim_cache_info info;

		if (sim_cache_get_info(sim, h, &info) == SIM_OK)
			lslab_op(sim, zero ? "kmem_cache_zalloc" : "kmem_cache_alloc",
				 info.name, 0, gfp);
	}
	rc = sim_cache_alloc(sim, h, gfp, &a);
	return lslab_pushaddr(L, sim, rc, a);
}

static int lslab_cache_alloc(lua_State *L)
{
	return lslab_cache_alloc_common(L, false);
}

static int lslab_cache_zalloc(lua_State *L)
{
	return lslab_cache_alloc_common(L, true);
}

static int lslab_cache_free(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	sim_addr_t a = lslab_checkaddr(L, 2);

	if (sim_has_sinks(sim)) {
		struct sim_cache_info info;

		if (sim_cache_get_info(sim, h, &info) == SIM_OK)
			lslab_op_addr(sim, "kmem_cache_free", info.name, a);
	}
	return lslab_pushfree(L, sim, sim_cache_free(sim, h, a));
}

/* c:free_rcu(obj): call_rcu() whose callback frees obj into c */
static int lslab_cache_free_rcu(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	sim_addr_t a = lslab_checkaddr(L, 2);

	return lslab_pushfree(L, sim, sim_cache_free_rcu(sim, h, a));
}

static int lslab_cache_shrink(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	uint64_t pages = 0;

	sim_cache_shrink(sim, h, &pages);
	lua_pushinteger(L, (lua_Integer)pages);
	return 1;
}

/* c:validate() -> errors (validate_slab_cache(), counted as slub_kunit does) */
static int lslab_cache_validate(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	unsigned errors = 0;

	sim_cache_validate(sim, h, &errors);
	lua_pushinteger(L, (lua_Integer)errors);
	return 1;
}

static int lslab_cache_destroy(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	struct sim_cache_info info;
	int rc;

	/* narrated like the other cache operations (--explain, --steps) */
	if (sim_has_sinks(sim) && sim_cache_get_info(sim, h, &info) == SIM_OK)
		sim_op(sim, "kmem_cache_destroy(%s)", info.name);
	rc = sim_cache_destroy(sim, h);
	lslab_tocache(L, 1)->closed = true;
	return lslab_pushfree(L, sim, rc);
}

static int lslab_cache_close(lua_State *L)
{
	struct lsim_cache *c = lslab_tocache(L, 1);

	if (c->closed)
		return 0;
	lua_getiuservalue(L, 1, 1);
	{
		struct lsim_sim *s = luaL_testudata(L, -1, LSIM_SIM_MT);

		/* a closed simulator has nothing left to destroy */
		if (s && s->sim && sim_cache_usable(s->sim, c->h)) {
			sim_cache_destroy(lsim_checksim(L, lua_gettop(L)), c->h);
		}
	}
	c->closed = true;
	return 0;
}

static int lslab_cache_tune(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_checkcache(L, 1, &h);
	int rc = sim_cache_tune(sim, h, (int)luaL_checkinteger(L, 2),
				(int)luaL_checkinteger(L, 3),
				(int)luaL_checkinteger(L, 4));

	if (rc == SIM_OK) {
		lua_pushboolean(L, 1);
		return 1;
	}
	return lsimL_pushfail(L, sim_last_reason(sim));
}

static int lslab_cache_name(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_getcache(L, 1, &h, false);
	struct sim_cache_info info;

	sim_cache_get_info(sim, h, &info);
	lua_pushstring(L, info.name);
	return 1;
}

static void lslab_push_fields(lua_State *L, const struct sim_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lsimL_rawfield(L, -1, f[i].name) == LUA_TNIL) {
			lua_pop(L, 1);
			lslab_setint(L, f[i].name, (lua_Integer)f[i].value);
		} else {
			lua_pop(L, 1);	/* a common field of that name wins */
		}
	}
}

static int lslab_cache_info(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_getcache(L, 1, &h, false);
	struct sim_cache_info in;
	char flags[512];
	const char *alias;

	sim_cache_get_info(sim, h, &in);
	sim_slab_flags_format(in.flags, flags, sizeof flags);
	lua_createtable(L, 0, 24 + (int)in.nr_fields);
	lua_pushstring(L, in.name);
	lua_setfield(L, -2, "name");
	lslab_setint(L, "object_size", in.object_size);
	lslab_setint(L, "size", in.size);
	lslab_setint(L, "align", in.align);
	lslab_setint(L, "order", in.order);
	lslab_setint(L, "objects_per_slab", in.objects_per_slab);
	lslab_setint(L, "pages_per_slab", in.pages_per_slab);
	lslab_setint(L, "min_partial", (lua_Integer)in.min_partial);
	lslab_setint(L, "cpu_partial", in.cpu_partial);
	lslab_setint(L, "cpu_partial_slabs", in.cpu_partial_slabs);
	lslab_setint(L, "inuse", in.inuse);
	lslab_setint(L, "offset", in.offset);
	lslab_setint(L, "red_left_pad", in.red_left_pad);
	lslab_setint(L, "sheaf_capacity", in.sheaf_capacity);
	lslab_setint(L, "refcount", in.refcount);
	lua_pushstring(L, flags);
	lua_setfield(L, -2, "flags");
	lslab_setbool(L, "kmalloc", in.kmalloc);
	lslab_setbool(L, "dead", in.dead);
	lua_createtable(L, (int)in.nr_aliases, 0);
	for (size_t i = 0; (alias = sim_cache_alias(sim, h, i)) != NULL; i++) {
		lua_pushstring(L, alias);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "aliases");
	lslab_push_fields(L, in.fields, in.nr_fields);
	return 1;
}

static void lslab_push_stats(lua_State *L, const struct sim_cache_stats *st)
{
	lslab_setint(L, "active_objs", (lua_Integer)st->active_objs);
	lslab_setint(L, "num_objs", (lua_Integer)st->num_objs);
	lslab_setint(L, "active_slabs", (lua_Integer)st->active_slabs);
	lslab_setint(L, "num_slabs", (lua_Integer)st->num_slabs);
	lslab_setint(L, "pages", (lua_Integer)st->pages);
	lslab_setint(L, "live", (lua_Integer)st->live);
	lslab_setint(L, "req_bytes", (lua_Integer)st->req_bytes);
	lslab_setint(L, "obj_bytes", (lua_Integer)st->obj_bytes);
	lslab_setint(L, "slot_bytes", (lua_Integer)st->slot_bytes);
	lslab_setint(L, "tail_bytes", (lua_Integer)st->tail_bytes);
	lslab_setint(L, "free_in_partial", (lua_Integer)st->free_in_partial);
	lslab_setint(L, "cached", (lua_Integer)st->cached);
	lslab_setint(L, "partial_slabs", (lua_Integer)st->partial_slabs);
	lslab_setint(L, "allocs", (lua_Integer)st->allocs);
	lslab_setint(L, "frees", (lua_Integer)st->frees);
	lslab_setint(L, "alloc_fails", (lua_Integer)st->alloc_fails);
	lslab_setint(L, "fastpath_allocs", (lua_Integer)st->fastpath_allocs);
	lslab_setint(L, "fastpath_frees", (lua_Integer)st->fastpath_frees);
	lslab_setint(L, "slabs_created", (lua_Integer)st->slabs_created);
	lslab_setint(L, "slabs_freed", (lua_Integer)st->slabs_freed);
	lslab_setint(L, "ctor_calls", (lua_Integer)st->ctor_calls);
}

static int lslab_cache_stats(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_getcache(L, 1, &h, false);
	struct sim_cache_stats st;

	sim_cache_get_stats(sim, h, &st);
	lua_createtable(L, 0, 24 + (int)st.nr_fields);
	lslab_push_stats(L, &st);
	lslab_push_fields(L, st.fields, st.nr_fields);
	return 1;
}

static int lslab_cache_dump(lua_State *L)
{
	sim_cache_t h;
	struct sim *sim = lslab_getcache(L, 1, &h, false);
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	sim_cache_dump(sim, h, lslab_text, &b);
	luaL_pushresult(&b);
	return 1;
}

/* ---- Simulator methods ---- */

static int lslab_cache_create(lua_State *L)
{
	static const char *const valid[] = {
		"align", "flags", "ctor", "sheaf_capacity", NULL
	};
	struct sim *sim = lsim_checksim(L, 1);
	const char *name = luaL_checkstring(L, 2);
	uint64_t size = lsimL_checksize(L, 3, UINT64_C(1) << 40);
	struct sim_cache_opts o = { 0 };
	sim_cache_t h;
	int rc;

	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TTABLE);
		lsimL_checkoptions(L, 4, valid);
		if (lsimL_rawfield(L, 4, "align") != LUA_TNIL)
			o.align = (unsigned)lsimL_tosize(L, -1, "option 'align'", 1u << 22);
		lua_pop(L, 1);
		switch (lsimL_rawfield(L, 4, "flags")) {
		case LUA_TNIL:
			break;
		case LUA_TNUMBER:
			o.flags = (uint32_t)luaL_checkinteger(L, -1);
			break;
		case LUA_TSTRING: {
			size_t len;
			const char *s = lua_tolstring(L, -1, &len);
			char err[768];

			if (sim_slab_flags_parse(s, len, &o.flags, err, sizeof err) != SIM_OK)
				return luaL_error(L, "option 'flags': %s", err);
			break;
		}
		default:
			return luaL_error(L, "option 'flags': string expected, got %s",
					  luaL_typename(L, -1));
		}
		lua_pop(L, 1);
		if (lsimL_rawfield(L, 4, "ctor") != LUA_TNIL) {
			if (!lua_isboolean(L, -1))
				return luaL_error(L, "option 'ctor': boolean expected, got %s",
						  luaL_typename(L, -1));
			o.ctor = lua_toboolean(L, -1);
		}
		lua_pop(L, 1);
		if (lsimL_rawfield(L, 4, "sheaf_capacity") != LUA_TNIL)
			o.sheaf_capacity = (unsigned)lsimL_tosize(L, -1,
						"option 'sheaf_capacity'", 1024);
		lua_pop(L, 1);
	}
	if (sim_has_sinks(sim)) {	/* --explain: the call as a module writes it */
		char f[512];

		if (o.flags)
			sim_slab_flags_format(o.flags, f, sizeof f);
		else
			snprintf(f, sizeof f, "0");
		sim_op(sim, "kmem_cache_create(\"%s\", %llu, %u, %s, %s)", name,
		       (unsigned long long)size, o.align, f, o.ctor ? "ctor" : "NULL");
	}
	rc = sim_cache_create(sim, name, size, &o, &h);
	if (rc != SIM_OK)
		return luaL_error(L, "cache_create: %s", sim_last_reason(sim));
	lslab_pushcache(L, 1, h, name);
	return 1;
}

static int lslab_sim_cache(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	const char *name = luaL_checkstring(L, 2);
	sim_cache_t h = sim_cache_find(sim, name);

	if (h == SIM_CACHE_NONE) {
		lua_pushnil(L);
		return 1;
	}
	lslab_pushcache(L, 1, h, name);
	return 1;
}

static int lslab_sim_caches(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	size_t n = sim_cache_count(sim);

	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		sim_cache_t h = sim_cache_at(sim, i);
		struct sim_cache_info info;

		sim_cache_get_info(sim, h, &info);
		lslab_pushcache(L, 1, h, info.name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int lslab_kmalloc_common(lua_State *L, bool zero)
{
	struct sim *sim = lsim_checksim(L, 1);
	uint64_t size = lsimL_checksize(L, 2, UINT64_C(1) << 62);
	gfp_t gfp = lslab_optgfp(L, 3, zero);
	sim_addr_t a = SIM_ADDR_NONE;
	int rc;

	lslab_op(sim, zero ? "kzalloc" : "kmalloc", NULL, size, gfp);
	rc = sim_kmalloc(sim, size, gfp, &a);
	return lslab_pushaddr(L, sim, rc, a);
}

static int lslab_kmalloc(lua_State *L)
{
	return lslab_kmalloc_common(L, false);
}

static int lslab_kzalloc(lua_State *L)
{
	return lslab_kmalloc_common(L, true);
}

static int lslab_kcalloc(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	uint64_t n = lsimL_checksize(L, 2, UINT64_MAX >> 1);
	uint64_t size = lsimL_checksize(L, 3, UINT64_MAX >> 1);
	gfp_t gfp = lslab_optgfp(L, 4, false);
	sim_addr_t a = SIM_ADDR_NONE;
	int rc = sim_kcalloc(sim, n, size, gfp, &a);

	return lslab_pushaddr(L, sim, rc, a);
}

static int lslab_krealloc(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	sim_addr_t p = lua_isnil(L, 2) ? 0 : lslab_checkaddr(L, 2);
	uint64_t size = lsimL_checksize(L, 3, UINT64_C(1) << 62);
	gfp_t gfp = lslab_optgfp(L, 4, false);
	sim_addr_t a = SIM_ADDR_NONE;
	int rc = sim_krealloc(sim, p, size, gfp, &a);

	return lslab_pushaddr(L, sim, rc, a);
}

static int lslab_kfree(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	sim_addr_t p = lua_isnoneornil(L, 2) ? 0 : lslab_checkaddr(L, 2);

	lslab_op_addr(sim, "kfree", NULL, p);
	return lslab_pushfree(L, sim, sim_kfree(sim, p));
}

/*
 * sim:slob_add_page(list, { {off, units}, ... }): a SLOB heap page with
 * exactly these free blocks (SLOB units from the page start, address
 * order), at the tail of list "small" | "medium" | "large" (or 0, 1, 2);
 * the used runs between them are live kmalloc objects.  Returns the page's
 * address, or nil and the reason when no page is left.
 */
static int lslab_slob_add_page(lua_State *L)
{
	static const char *const lists[] = { "small", "medium", "large", NULL };
	struct sim *sim = lsim_checksim(L, 1);
	struct sim_slob_block blk[1024];
	lua_Integer n;
	unsigned list;
	sim_addr_t addr;
	int rc;

	if (lua_type(L, 2) == LUA_TNUMBER)
		list = (unsigned)lsimL_checkrange(L, 2, 0, 2);
	else
		list = (unsigned)luaL_checkoption(L, 2, NULL, lists);
	luaL_checktype(L, 3, LUA_TTABLE);
	n = luaL_len(L, 3);
	if (n > (lua_Integer)(sizeof blk / sizeof blk[0]))
		return luaL_argerror(L, 3, lua_pushfstring(L,
				     "%I free blocks: a page holds at most %d",
				     n, (int)(sizeof blk / sizeof blk[0])));
	for (lua_Integer i = 1; i <= n; i++) {
		lua_Integer v[2];

		if (lua_geti(L, 3, i) != LUA_TTABLE)
			return luaL_argerror(L, 3, lua_pushfstring(L,
					     "block %I: {offset, units} expected, got %s",
					     i, luaL_typename(L, -1)));
		for (int k = 0; k < 2; k++) {
			int isnum;

			lua_geti(L, -1, k + 1);
			v[k] = lua_tointegerx(L, -1, &isnum);
			if (!isnum || v[k] < 0 || v[k] > 2048)
				return luaL_argerror(L, 3, lua_pushfstring(L,
						     "block %I: %s must be an integer in 0..2048 (SLOB units of 2 bytes)",
						     i, k ? "units" : "offset"));
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		blk[i - 1] = (struct sim_slob_block){ (uint16_t)v[0], (uint16_t)v[1] };
	}
	rc = sim_slob_add_page(sim, list, blk, (size_t)n, &addr);
	if (rc == SIM_OK) {
		lua_pushinteger(L, (lua_Integer)addr);
		return 1;
	}
	if (rc == SIM_EINVAL)
		return luaL_error(L, "slob_add_page: %s", sim_last_reason(sim));
	return lsimL_pushfail(L, sim_last_reason(sim));
}

/* sim:kfree_rcu(p): kfree() after a batched grace period */
static int lslab_kfree_rcu(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	sim_addr_t p = lua_isnoneornil(L, 2) ? 0 : lslab_checkaddr(L, 2);

	return lslab_pushfree(L, sim, sim_kfree_rcu(sim, p));
}

/* sim:rcu_barrier(): every pending RCU free, now */
static int lslab_rcu_barrier(lua_State *L)
{
	sim_rcu_barrier(lsim_checksim(L, 1));
	return 0;
}

/* sim:rcu(): what waits for RCU */
static int lslab_rcu(lua_State *L)
{
	struct sim_rcu_stats r;

	sim_rcu_get_stats(lsim_checksim(L, 1), &r);
	lua_createtable(L, 0, 5);
	lslab_setint(L, "queued", (lua_Integer)r.queued);
	lslab_setint(L, "waiting", (lua_Integer)r.waiting);
	lslab_setint(L, "waiting_slabs", (lua_Integer)r.waiting_slabs);
	lslab_setint(L, "freed", (lua_Integer)r.freed);
	lslab_setint(L, "slabs_freed", (lua_Integer)r.slabs_freed);
	return 1;
}

static int lslab_ksize(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);

	lua_pushinteger(L, (lua_Integer)sim_ksize(sim, lslab_checkaddr(L, 2)));
	return 1;
}

static int lslab_poke(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	sim_addr_t a = lslab_checkaddr(L, 2);
	uint64_t len = lsimL_checksize(L, 3, UINT64_C(1) << 32);

	lua_pushstring(L, sim_kmem_poke(sim, a, len));
	return 1;
}

static int lslab_slabinfo(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	luaL_Buffer b;
	int rc;

	luaL_buffinit(L, &b);
	rc = sim_slabinfo(sim, lslab_text, &b);
	luaL_pushresult(&b);
	if (rc != SIM_OK)
		return lsimL_pushfail(L, "no /proc/slabinfo with this slab policy");
	return 1;
}

static int lslab_slabtop(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	sim_slabtop(sim, lslab_text, &b);
	luaL_pushresult(&b);
	return 1;
}

static int lslab_summary(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	struct sim_slab_summary s;

	sim_slab_get_summary(sim, &s);
	lua_createtable(L, 0, 32);
	lslab_push_stats(L, &s.caches);
	lslab_setint(L, "nr_caches", (lua_Integer)s.nr_caches);
	lslab_setint(L, "large_objects", (lua_Integer)s.large_objects);
	lslab_setint(L, "large_pages", (lua_Integer)s.large_pages);
	lslab_setint(L, "large_req_bytes", (lua_Integer)s.large_req_bytes);
	lslab_setint(L, "nr_slab_reclaimable", (lua_Integer)s.nr_slab_reclaimable);
	lslab_setint(L, "nr_slab_unreclaimable", (lua_Integer)s.nr_slab_unreclaimable);
	lslab_setint(L, "peak_pages", (lua_Integer)s.peak_pages);
	lslab_push_fields(L, s.fields, s.nr_fields);	/* the policy's (SLOB: its heap) */
	return 1;
}

/* ---- Registration ---- */

static void lslab_createmeta(lua_State *L)
{
	static const luaL_Reg meth[] = {
		{ "alloc", lslab_cache_alloc },
		{ "zalloc", lslab_cache_zalloc },
		{ "free", lslab_cache_free },
		{ "free_rcu", lslab_cache_free_rcu },
		{ "info", lslab_cache_info },
		{ "stats", lslab_cache_stats },
		{ "shrink", lslab_cache_shrink },
		{ "validate", lslab_cache_validate },
		{ "destroy", lslab_cache_destroy },
		{ "tune", lslab_cache_tune },
		{ "dump", lslab_cache_dump },
		{ "name", lslab_cache_name },
		{ NULL, NULL },
	};
	static const luaL_Reg metameth[] = {
		{ "__index", NULL },
		{ "__tostring", lslab_cache_tostring },
		{ "__eq", lslab_cache_eq },
		{ "__gc", lslab_cache_gc },
		{ "__close", lslab_cache_close },
		{ NULL, NULL },
	};

	lsimL_newmeta(L, LSIM_CACHE_MT, metameth, meth);
}

void lsim_open_slab_methods(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "cache_create", lslab_cache_create },
		{ "cache", lslab_sim_cache },
		{ "caches", lslab_sim_caches },
		{ "kmalloc", lslab_kmalloc },
		{ "kzalloc", lslab_kzalloc },
		{ "kcalloc", lslab_kcalloc },
		{ "krealloc", lslab_krealloc },
		{ "kfree", lslab_kfree },
		{ "kfree_rcu", lslab_kfree_rcu },
		{ "slob_add_page", lslab_slob_add_page },
		{ "rcu_barrier", lslab_rcu_barrier },
		{ "rcu", lslab_rcu },
		{ "ksize", lslab_ksize },
		{ "poke", lslab_poke },
		{ "slabinfo", lslab_slabinfo },
		{ "slabtop", lslab_slabtop },
		{ "slab_summary", lslab_summary },
		{ NULL, NULL },
	};

	lslab_createmeta(L);
	luaL_setfuncs(L, methods, 0);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsimaux.c - argument helpers shared by the Lua bindings
 *
 * Every conversion from a Lua value to an engine value happens here, so the
 * same mistake gets the same message whichever method it was made in, and
 * every message points at the scenario line (luaL_argerror/luaL_error add
 * the location of the Lua caller).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lsimaux.h"

void lsim_write(lua_State *L, const char *s, size_t n)
{
	struct lsim_runtime *rt = lsim_runtime(L);

	rt->printed = true;
	if (rt->write)
		rt->write(rt->write_ud, s, n);
}

void lsimL_checkalive(lua_State *L, struct sim *sim)
{
	if (sim_check_alive(sim) != SIM_OK)
		luaL_error(L, "%s", sim_last_reason(sim));
}

int lsimL_pushfail(lua_State *L, const char *reason)
{
	luaL_pushfail(L);
	lua_pushstring(L, reason);
	return 2;
}

int lsimL_pushstatus(lua_State *L, struct sim *sim, int status)
{
	if (status == SIM_OK) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (status == SIM_ENOMEM)
		return lsimL_pushfail(L, sim_last_reason(sim));
	return luaL_error(L, "%s", sim_last_reason(sim)[0] ?
			  sim_last_reason(sim) : sim_strerror(status));
}

/* ---- Sizes ---- */

uint64_t lsimL_tosize(lua_State *L, int idx, const char *what, uint64_t max)
{
	uint64_t v;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		lua_Integer n;

		if (!lua_isinteger(L, idx)) {
			lua_Number d = lua_tonumber(L, idx);

			if (d < 0)
				luaL_error(L, "%s: size must not be negative, got %s",
					   what, lua_tostring(L, idx));
			if (d != d || d > (lua_Number)max ||
			    d != (lua_Number)(lua_Integer)d)
				luaL_error(L, "%s: size must be a whole number of bytes between 0 and %I",
					   what, (lua_Integer)max);
			n = (lua_Integer)d;
		} else {
			n = lua_tointeger(L, idx);
		}
		if (n < 0)
			luaL_error(L, "%s: size must not be negative, got %I", what, n);
		if ((uint64_t)n > max)
			luaL_error(L, "%s: size %I out of range (0..%I)", what, n,
				   (lua_Integer)max);
		return (uint64_t)n;
	}
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);

		if (sim_parse_size(s, max, &v) == SIM_OK)
			return v;
		luaL_error(L, "%s: bad size '%s' (expected bytes like 4096, \"512K\", \"256M\", \"4G\"; at most %I)",
			   what, s, (lua_Integer)max);
	}
	luaL_error(L, "%s: size expected, got %s", what, luaL_typename(L, idx));
	return 0;
}

uint64_t lsimL_checksize(lua_State *L, int arg, uint64_t max)
{
	char what[96];
	lua_Debug ar;

	/* luaL_argerror's words: a method's self is not counted */
	if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name) {
		bool method = strcmp(ar.namewhat, "method") == 0;

		snprintf(what, sizeof what, "bad argument #%d to '%s'",
			 method ? arg - 1 : arg, ar.name);
	} else {
		snprintf(what, sizeof what, "bad argument #%d", arg);
	}
	return lsimL_tosize(L, arg, what, max);
}

lua_Integer lsimL_checkrange(lua_State *L, int arg, lua_Integer lo,
			     lua_Integer hi)
{
	lua_Integer v = luaL_checkinteger(L, arg);

	if (v < lo || v > hi)
		luaL_argerror(L, arg, lua_pushfstring(L,
			      "value %I out of range (%I..%I)", v, lo, hi));
	return v;
}

/* ---- GFP ---- */

gfp_t lsimL_checkgfp(lua_State *L, int arg)
{
	gfp_t gfp;

	if (lua_type(L, arg) == LUA_TNUMBER) {
		lua_Integer v = luaL_checkinteger(L, arg);

		if (v < 0 || v > (lua_Integer)UINT32_MAX)
			luaL_argerror(L, arg, "GFP flags out of range");
		return (gfp_t)v;
	}
	if (lua_type(L, arg) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(L, arg, &len);
		char err[256];

		if (sim_gfp_parse(s, len, &gfp, err, sizeof err) != SIM_OK)
			luaL_argerror(L, arg, lua_pushstring(L, err));
		return gfp;
	}
	luaL_typeerror(L, arg, "GFP flags (string or integer)");
	return 0;
}

gfp_t lsimL_optgfp(lua_State *L, int arg, gfp_t def)
{
	return lua_isnoneornil(L, arg) ? def : lsimL_checkgfp(L, arg);
}

/* ---- Option tables ---- */

static int lsim_strcmp_sort(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void lsimL_checkoptions(lua_State *L, int idx, const char *const valid[])
{
	const char *bad[16];
	size_t nbad = 0;
	luaL_Buffer b;

	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		bool ok = false;

		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -1);

			for (size_t i = 0; valid[i]; i++)
				if (strcmp(k, valid[i]) == 0)
					ok = true;
			if (!ok && nbad < ARRAY_SIZE(bad))
				bad[nbad++] = k;	/* key stays alive in the table */
		} else if (nbad < ARRAY_SIZE(bad)) {
			bad[nbad++] = "(non-string key)";
		}
	}
	if (nbad == 0)
		return;
	/* sorted, so the message does not depend on table iteration order */
	qsort(bad, nbad, sizeof bad[0], lsim_strcmp_sort);
	luaL_buffinit(L, &b);
	luaL_where(L, 1);	/* the script's line, as luaL_error gives */
	luaL_addvalue(&b);
	luaL_addstring(&b, nbad > 1 ? "unknown options " : "unknown option ");
	for (size_t i = 0; i < nbad; i++) {
		const char *s = sim_suggest(bad[i], (const char *const *)valid, SIZE_MAX);

		if (i)
			luaL_addstring(&b, ", ");
		luaL_addchar(&b, '\'');
		luaL_addstring(&b, bad[i]);
		luaL_addchar(&b, '\'');
		if (s) {
			luaL_addstring(&b, " (did you mean '");
			luaL_addstring(&b, s);
			luaL_addstring(&b, "'?)");
		}
	}
	luaL_addstring(&b, "; valid: ");
	for (size_t i = 0; valid[i]; i++) {
		if (i)
			luaL_addstring(&b, ", ");
		luaL_addstring(&b, valid[i]);
	}
	luaL_pushresult(&b);
	lua_error(L);
}

int lsimL_rawfield(lua_State *L, int idx, const char *key)
{
	if (!lua_istable(L, idx)) {	/* a field of a non-table is nil */
		lua_pushnil(L);
		return LUA_TNIL;
	}
	idx = lua_absindex(L, idx);
	lua_pushstring(L, key);
	return lua_rawget(L, idx);
}

/* ---- Userdata types ---- */

void lsimL_newmeta(lua_State *L, const char *name, const luaL_Reg *metameth,
		   const luaL_Reg *meth)
{
	if (!luaL_newmetatable(L, name)) {	/* already registered */
		lua_pop(L, 1);
		return;
	}
	luaL_setfuncs(L, metameth, 0);
	lua_newtable(L);
	luaL_setfuncs(L, meth, 0);
	lua_setfield(L, -2, "__index");
	/* getmetatable() gives the name: no script can reach the methods */
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* luaref.c - run a Lua file with the stock Lua libraries (a reference)
 *
 * tests/strlib.sh runs the same script here and under `kmemsim run`, whose
 * sandbox replaces string.find, match, gmatch and gsub by its own matcher
 * (src/lsim_strlib.c, on the step budget): the outputs must be identical.
 */
#include <stdio.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int main(int argc, char **argv)
{
	lua_State *L;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: luaref FILE.lua\n");
		return 2;
	}
	L = luaL_newstate();
	if (!L)
		return 1;
	luaL_openlibs(L);
	if (luaL_dofile(L, argv[1]) != LUA_OK) {
		fprintf(stderr, "luaref: %s\n", lua_tostring(L, -1));
		rc = 1;
	}
	lua_close(L);
	return rc;
}

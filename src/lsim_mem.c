/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_mem.c - simulator methods of the physical memory layer
 *
 *   sim:alloc_pages(order [, gfp])   pfn, or nil and the reason
 *   sim:free_pages(pfn, order)       a bad free is a "BUG: Bad page state" record
 *   sim:page(pfn)                    {zone=, order=, migratetype=, state=, ...}
 *   sim:zones()                      every zone in /proc/zoneinfo order
 *   sim:buddyinfo(), sim:pagetypeinfo(), sim:zoneinfo(),
 *   sim:unusable_index(), sim:extfrag_index()   text as the kernel prints it
 *   sim:frag()                       both indices per zone and order, in thousandths
 *   sim:vmstat()                     every counter by its /proc/vmstat name
 *
 * Simulated failure (no memory; an order above 10, which the kernel
 * answers with a WARNING and NULL) is `nil, reason`; misuse of the API
 * (wrong types, unknown GFP flags, invalid zone modifiers, a negative
 * order, which the kernel's unsigned order cannot even express) raises an
 * error naming the scenario line.  Tables are built in a fixed order so output
 * never depends on hashing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "lsimaux.h"

/* ---- Helpers ---- */

static void lsim_setint(lua_State *L, const char *key, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, key);
}

static void lsim_setstr(lua_State *L, const char *key, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, key);
}

/*
 * an order argument: a negative one is the script's mistake (the kernel's
 * order is unsigned: there is no order -1 to warn about); one above
 * MAX_PAGE_ORDER is the engine's to report, as the kernel's WARNING, so it
 * is only clamped into int range
 */
static int lsim_checkorder(lua_State *L, int arg)
{
	lua_Integer v = luaL_checkinteger(L, arg);

	if (v < 0)
		luaL_argerror(L, arg, lua_pushfstring(L,
			      "order must not be negative, got %I", v));
	if (v > 1000000)
		v = 1000000;
	return (int)v;
}

static pfn_t lsim_checkpfn(lua_State *L, int arg)
{
	lua_Integer v = luaL_checkinteger(L, arg);

	return v < 0 ? SIM_PFN_NONE : (pfn_t)v;
}

static int lsim_pushproc(lua_State *L, const char *name)
{
	struct sim *sim = lsim_checksim(L, 1);
	char *text;
	int rc = sim_proc_read(sim, name, &text);

	if (rc != SIM_OK)
		return luaL_error(L, "%s: %s", name, sim_strerror(rc));
	lua_pushstring(L, text);
	free(text);
	return 1;
}

/* ---- Pages ---- */

static int lsim_sim_alloc_pages(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	int order = lsim_checkorder(L, 2);
	gfp_t gfp;
	pfn_t pfn;
	int rc;

	if (lua_isnoneornil(L, 3)) {
		char err[128];

		if (sim_gfp_parse("GFP_KERNEL", 10, &gfp, err, sizeof err) != SIM_OK)
			return luaL_error(L, "%s", err);
	} else {
		gfp = lsimL_checkgfp(L, 3);
	}
	if (sim_has_sinks(sim)) {	/* --explain: the operation, then its steps */
		char g[256];

		sim_gfp_format(gfp, g, sizeof g);
		sim_op(sim, "alloc_pages(%d, %s)", order, g);
	}
	rc = sim_alloc_pages(sim, order, gfp, &pfn);
	if (rc == SIM_OK) {
		lua_pushinteger(L, (lua_Integer)pfn);
		return 1;
	}
	/* no memory, or an order the kernel refuses: data, not an error */
	if (rc == SIM_ENOMEM || (rc == SIM_EINVAL && (order < 0 || order > SIM_MAX_ORDER)))
		return lsimL_pushfail(L, sim_last_reason(sim));
	return luaL_error(L, "alloc_pages: %s", sim_last_reason(sim));
}

static int lsim_sim_free_pages(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	pfn_t pfn = lsim_checkpfn(L, 2);
	int order = lsim_checkorder(L, 3);

	lsimL_checkalive(L, sim);
	sim_op(sim, "free_pages(0x%llx, %d)", (unsigned long long)pfn, order);
	sim_free_pages(sim, pfn, order);
	return 0;
}

static int lsim_sim_page(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	pfn_t pfn = lsim_checkpfn(L, 2);
	struct sim_page_info pi;

	if (sim_page_info(sim, pfn, &pi) != SIM_OK)
		return lsimL_pushfail(L, lua_pushfstring(L,
			"pfn %I is not a page of any zone", luaL_checkinteger(L, 2)));
	lua_createtable(L, 0, 10);
	lsim_setint(L, "pfn", (lua_Integer)pi.pfn);
	lsim_setint(L, "head", (lua_Integer)pi.head);
	lsim_setint(L, "order", pi.order);
	lsim_setint(L, "node", pi.node);
	lsim_setstr(L, "zone", pi.zone_name);
	lsim_setstr(L, "migratetype", pi.migratetype_name);
	lsim_setstr(L, "state", pi.state);
	lsim_setint(L, "owner", pi.owner);
	lsim_setint(L, "addr", (lua_Integer)pi.addr);
	return 1;
}

/* ---- Zones ---- */

static void lsim_push_array(lua_State *L, const uint64_t *v, int n)
{
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushinteger(L, (lua_Integer)v[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

static void lsim_push_intarray(lua_State *L, const int *v, int n)
{
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushinteger(L, v[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

static int lsim_sim_zones(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	size_t n = sim_zone_count(sim);

	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		struct sim_zone_info zi;
		const char *use;

		sim_zone_info(sim, i, &zi);
		lua_createtable(L, 0, 20);
		lsim_setint(L, "node", zi.node);
		lsim_setstr(L, "name", zi.name);
		lua_pushboolean(L, zi.populated);
		lua_setfield(L, -2, "populated");
		lsim_setint(L, "start_pfn", (lua_Integer)zi.start_pfn);
		lsim_setint(L, "spanned", (lua_Integer)zi.spanned);
		lsim_setint(L, "present", (lua_Integer)zi.present);
		lsim_setint(L, "managed", (lua_Integer)zi.managed);
		lsim_setint(L, "free", (lua_Integer)zi.free);
		lsim_setint(L, "min", (lua_Integer)zi.min);
		lsim_setint(L, "low", (lua_Integer)zi.low);
		lsim_setint(L, "high", (lua_Integer)zi.high);
		lsim_setint(L, "promo", (lua_Integer)zi.promo);
		lsim_setint(L, "boost", (lua_Integer)zi.boost);
		lsim_setint(L, "pcp", (lua_Integer)zi.pcp_pages);
		lsim_setint(L, "reserved_highatomic", (lua_Integer)zi.reserved_highatomic);
		lua_createtable(L, SIM_NR_ZONES, 0);
		for (int j = 0; j < SIM_NR_ZONES; j++) {
			lua_pushinteger(L, (lua_Integer)zi.protection[j]);
			lua_rawseti(L, -2, j + 1);
		}
		lua_setfield(L, -2, "protection");
		lsim_push_array(L, zi.nr_free, SIM_NR_ORDERS);
		lua_setfield(L, -2, "nr_free");
		lua_createtable(L, 0, SIM_NR_PAGE_USES);
		for (size_t u = 0; (use = sim_page_use_name(u)) != NULL; u++)
			lsim_setint(L, use, (lua_Integer)zi.pages_by_use[u]);
		lua_setfield(L, -2, "pages");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int lsim_sim_frag(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	size_t n = sim_zone_count(sim);
	lua_Integer k = 0;

	lua_newtable(L);
	for (size_t i = 0; i < n; i++) {
		struct sim_zone_info zi;

		sim_zone_info(sim, i, &zi);
		if (!zi.populated)	/* as the debugfs files */
			continue;
		lua_createtable(L, 0, 4);
		lsim_setint(L, "node", zi.node);
		lsim_setstr(L, "name", zi.name);
		lsim_push_intarray(L, zi.unusable_index, SIM_NR_ORDERS);
		lua_setfield(L, -2, "unusable");
		lsim_push_intarray(L, zi.fragmentation_index, SIM_NR_ORDERS);
		lua_setfield(L, -2, "extfrag");
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

/* ---- Text files and counters ---- */

/* sim:sysctl("vm.min_free_kbytes"): a vm sysctl as /proc/sys/vm shows it */
static int lsim_sim_sysctl(lua_State *L)
{
	static const char *const names[] = {
		"vm.min_free_kbytes", "vm.watermark_scale_factor", NULL
	};
	struct sim *sim = lsim_checksim(L, 1);
	int i = luaL_checkoption(L, 2, NULL, names);
	char path[64], *text;
	int rc;

	snprintf(path, sizeof path, "sys/vm/%s", names[i] + 3);
	rc = sim_proc_read(sim, path, &text);
	if (rc != SIM_OK)
		return luaL_error(L, "%s: %s", names[i], sim_strerror(rc));
	lua_pushinteger(L, (lua_Integer)strtoll(text, NULL, 10));
	free(text);
	return 1;
}

static int lsim_sim_buddyinfo(lua_State *L)
{
	return lsim_pushproc(L, "buddyinfo");
}

static int lsim_sim_pagetypeinfo(lua_State *L)
{
	return lsim_pushproc(L, "pagetypeinfo");
}

static int lsim_sim_zoneinfo(lua_State *L)
{
	return lsim_pushproc(L, "zoneinfo");
}

static int lsim_sim_unusable_index(lua_State *L)
{
	return lsim_pushproc(L, "extfrag/unusable_index");
}

static int lsim_sim_extfrag_index(lua_State *L)
{
	return lsim_pushproc(L, "extfrag/extfrag_index");
}

static int lsim_sim_vmstat(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	size_t nv = sim_vmstat_count(), ns = sim_stat_count();

	lua_createtable(L, 0, (int)(nv + ns));
	for (size_t i = 0; i < nv; i++)
		lsim_setint(L, sim_vmstat_name(i), (lua_Integer)sim_vmstat_value(sim, i));
	for (size_t i = 0; i < ns; i++)
		lsim_setint(L, sim_stat_name(i), (lua_Integer)sim_stat_value(sim, i));
	return 1;
}

void lsim_open_mem_methods(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "alloc_pages", lsim_sim_alloc_pages },
		{ "free_pages", lsim_sim_free_pages },
		{ "page", lsim_sim_page },
		{ "zones", lsim_sim_zones },
		{ "buddyinfo", lsim_sim_buddyinfo },
		{ "sysctl", lsim_sim_sysctl },
		{ "pagetypeinfo", lsim_sim_pagetypeinfo },
		{ "zoneinfo", lsim_sim_zoneinfo },
		{ "unusable_index", lsim_sim_unusable_index },
		{ "extfrag_index", lsim_sim_extfrag_index },
		{ "frag", lsim_sim_frag },
		{ "vmstat", lsim_sim_vmstat },
		{ NULL, NULL },
	};

	luaL_setfuncs(L, methods, 0);
}

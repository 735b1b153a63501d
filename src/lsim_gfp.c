/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_gfp.c - GFP semantics, reclaim, the OOM killer and mempools for scenarios
 *
 *   sim:slowpath([on])                 the allocation slow path on/off; old setting
 *   sim:last_alloc()                   how the last page allocation went
 *   sim:page_cache{clean=, dirty=}     file pages into the page cache: added [, reason]
 *   sim:drop_caches([what])            vm.drop_caches 1/2/3: pages freed
 *   sim:sync()                         write back dirty pages: pages written
 *   sim:swap(size)                     a swap device of size bytes: pages
 *   sim:meminfo()                      {file=, dirty=, anon=, swap_total=, ...}
 *   sim:compact_memory()               /proc/sys/vm/compact_memory
 *   sim:task{name=, anon=, oom_score_adj=}   a task; its anon pages faulted in
 *   sim:tasks()                        info of every task, in pid order
 *   sim:mempool_create(min_nr, {cache = c} | {kmalloc = size} | {order = n})
 *   sim:shrinker{name=, cache=, fs=, seeks=}  a shrinker-backed object cache
 *   sim:events(true | false)           start (clearing) / stop recording events
 *   sim:events()                       the recorded events, in order, and
 *                                      the number dropped beyond 1000000
 *
 *   task:fault(n)     n more anon pages: n, or faulted, reason
 *   task:info()       {pid=, name=, rss=, swap=, total_vm=, pgtables_bytes=,
 *                      oom_score_adj=, badness=, state=}
 *   task:exit()       frees its memory
 *   task:run(fn)      fn's results, with the task current (an OOM victim
 *                     among them exits when fn returns)
 *   task:pid()
 *   pool:alloc([gfp]), pool:free(addr [, delay]), pool:info(), pool:destroy()
 *   shrinker:alloc([gfp]), shrinker:free(addr), shrinker:info()
 *
 * Task, pool and shrinker userdata are handles ("kmemsim.task",
 * "kmemsim.mempool", "kmemsim.shrinker") with the simulator userdata in
 * user value 1, so the simulator outlives them.  __gc changes nothing in
 * the simulation; pools are destroyed explicitly or by <close>.  Simulated
 * failure is nil plus the reason; misuse raises an error.
 *
 * The event recorder is a sink kept in the registry, keyed by the
 * simulator userdata; it holds a copy of every event (and of the text of
 * OP and NOTE events) until sim:events(false), at most LSIM_EVENTS_MAX.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lsimaux.h"

#define LSIM_TASK_MT		"kmemsim.task"
#define LSIM_MEMPOOL_MT		"kmemsim.mempool"
#define LSIM_SHRINKER_MT	"kmemsim.shrinker"
#define LSIM_EVENTS_KEY		"kmemsim.events"		/* registry: simulator -> recorder */
#define LSIM_RECORDER_MT	"kmemsim.recorder"
#define LSIM_EVENTS_MAX		1000000

/* ---- Helpers ---- */

static void lgfp_setint(lua_State *L, const char *key, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, key);
}

static void lgfp_setstr(lua_State *L, const char *key, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, key);
}

static void lgfp_setbool(lua_State *L, const char *key, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, key);
}

static gfp_t lgfp_optgfp(lua_State *L, int arg)
{
	gfp_t gfp;
	char err[128];

	if (!lua_isnoneornil(L, arg))
		return lsimL_checkgfp(L, arg);
	if (sim_gfp_parse("GFP_KERNEL", 10, &gfp, err, sizeof err) != SIM_OK)
		luaL_error(L, "%s", err);
	return gfp;
}

/* a duration: integer ns or "500us", "2ms", "1.5s" */
static sim_time_t lgfp_checktime(lua_State *L, int arg)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	const char *s;
	char *end;
	double v;

	if (lua_type(L, arg) == LUA_TNUMBER) {
		lua_Integer n = luaL_checkinteger(L, arg);

		luaL_argcheck(L, n >= 0, arg, "time must not be negative");
		return (sim_time_t)n;
	}
	s = luaL_checkstring(L, arg);
	v = strtod(s, &end);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (end != s && strcmp(end, units[i].unit) == 0 && v >= 0 &&
		    v * units[i].ns < 1.8e19)
			return (sim_time_t)(v * units[i].ns + 0.5);
	luaL_argerror(L, arg, lua_pushfstring(L,
		"bad duration '%s' (expected e.g. 500, \"10us\", \"2ms\", \"1.5s\")", s));
	return 0;
}

/* the simulator behind a child handle at @arg (user value 1) */
static struct sim *lgfp_parent(lua_State *L, int arg)
{
	struct sim *sim;

	lua_getiuservalue(L, arg, 1);
	sim = lsim_checksim(L, -1);
	lua_pop(L, 1);
	return sim;
}

static void lgfp_newchild(lua_State *L, int simarg, size_t size, const char *mt)
{
	lua_newuserdatauv(L, size, 1);
	lua_pushvalue(L, simarg);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, mt);
}

/* ---- The slow path, page cache, swap ---- */

static int lgfp_sim_slowpath(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	bool old = sim_slowpath(sim);

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TBOOLEAN);
		sim_set_slowpath(sim, lua_toboolean(L, 2));
	}
	lua_pushboolean(L, old);
	return 1;
}

static int lgfp_sim_last_alloc(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	struct sim_alloc_info a;
	char buf[640];

	sim_last_alloc(sim, &a);
	sim_gfp_format(a.gfp, buf, sizeof buf);
	lua_createtable(L, 0, 14);
	lgfp_setint(L, "order", a.order);
	lgfp_setstr(L, "gfp", buf);
	lgfp_setbool(L, "ok", a.ok);
	lgfp_setbool(L, "slowpath", a.slowpath);
	lgfp_setstr(L, "reserve", sim_reserve_name(a.reserve));
	lgfp_setint(L, "alloc_flags", a.alloc_flags);
	lgfp_setbool(L, "slept", a.stall_ns > 0);
	lgfp_setint(L, "stall_ns", (lua_Integer)a.stall_ns);
	lgfp_setint(L, "reclaimed", (lua_Integer)a.reclaimed);
	lgfp_setint(L, "reclaim_runs", a.reclaim_runs);
	lgfp_setint(L, "compact_runs", a.compact_runs);
	lgfp_setint(L, "oom_kills", a.oom_kills);
	lgfp_setint(L, "retries", a.retries);
	lgfp_setbool(L, "kswapd_woken", a.kswapd_woken);
	return 1;
}

static uint64_t lgfp_optpages(lua_State *L, int idx, const char *key)
{
	uint64_t v = 0;

	if (lsimL_rawfield(L, idx, key) != LUA_TNIL) {
		lua_Integer n;
		int isnum;

		n = lua_tointegerx(L, -1, &isnum);
		if (!isnum || n < 0)
			luaL_error(L, "option '%s': a number of pages (>= 0) expected", key);
		v = (uint64_t)n;
	}
	lua_pop(L, 1);
	return v;
}

static int lgfp_sim_page_cache(lua_State *L)
{
	static const char *const opts[] = { "clean", "dirty", NULL };
	struct sim *sim = lsim_checksim(L, 1);
	uint64_t clean, dirty, added = 0;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	lsimL_checkoptions(L, 2, opts);
	clean = lgfp_optpages(L, 2, "clean");
	dirty = lgfp_optpages(L, 2, "dirty");
	rc = sim_page_cache_add(sim, clean, dirty, &added);
	if (rc == SIM_EBUDGET)
		lsim_work_stop(L, 1);
	lua_pushinteger(L, (lua_Integer)added);
	if (rc == SIM_OK)
		return 1;
	if (rc != SIM_ENOMEM)
		return luaL_error(L, "page_cache: %s", sim_last_reason(sim));
	lua_pushstring(L, sim_last_reason(sim));
	return 2;
}

static int lgfp_sim_drop_caches(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	int what = (int)luaL_optinteger(L, 2, 3);

	luaL_argcheck(L, what >= 1 && what <= 3, 2, "1 (page cache), 2 (slab objects) or 3");
	lsimL_checkalive(L, sim);
	lua_pushinteger(L, (lua_Integer)sim_drop_caches(sim, what));
	return 1;
}

static int lgfp_sim_sync(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);

	lsimL_checkalive(L, sim);
	lua_pushinteger(L, (lua_Integer)sim_sync(sim));
	return 1;
}

static int lgfp_sim_swap(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	uint64_t bytes = lsimL_checksize(L, 2, UINT64_C(1) << 44);

	if (sim_swap_set(sim, bytes >> 12) != SIM_OK)
		return luaL_error(L, "swap: %s", sim_last_reason(sim));
	lua_pushinteger(L, (lua_Integer)(bytes >> 12));
	return 1;
}

static int lgfp_sim_meminfo(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	struct sim_reclaim_info ri;

	sim_reclaim_get_info(sim, &ri);
	lua_createtable(L, 0, 8);
	lgfp_setint(L, "file", (lua_Integer)ri.file);
	lgfp_setint(L, "dirty", (lua_Integer)ri.dirty);
	lgfp_setint(L, "anon", (lua_Integer)ri.anon);
	lgfp_setint(L, "swap_total", (lua_Integer)ri.swap_total);
	lgfp_setint(L, "swap_free", (lua_Integer)(ri.swap_total - ri.swap_used));
	lgfp_setint(L, "shrinkable", (lua_Integer)ri.shrinkable);
	lgfp_setint(L, "tasks", (lua_Integer)ri.tasks);
	lgfp_setbool(L, "kswapd_running", ri.kswapd_running);
	return 1;
}

static int lgfp_sim_compact(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);

	lsimL_checkalive(L, sim);
	sim_compact_memory(sim);
	return 0;
}

/* ---- Tasks ---- */

struct lgfp_task {
	sim_pid_t pid;
};

static struct lgfp_task *lgfp_totask(lua_State *L, int arg)
{
	return luaL_checkudata(L, arg, LSIM_TASK_MT);
}

static void lgfp_pushtaskinfo(lua_State *L, struct sim *sim, sim_pid_t pid)
{
	struct sim_task_info ti;

	if (sim_task_get_info(sim, pid, &ti) != SIM_OK) {
		lua_pushnil(L);
		return;
	}
	lua_createtable(L, 0, 10);
	lgfp_setint(L, "pid", ti.pid);
	lgfp_setstr(L, "name", ti.name);
	lgfp_setint(L, "rss", (lua_Integer)ti.rss);
	lgfp_setint(L, "swap", (lua_Integer)ti.swapents);
	lgfp_setint(L, "total_vm", (lua_Integer)ti.total_vm);
	lgfp_setint(L, "pgtables_bytes", (lua_Integer)ti.pgtables_bytes);
	lgfp_setint(L, "oom_score_adj", ti.oom_score_adj);
	if (ti.badness == INT64_MIN)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)ti.badness);
	lua_setfield(L, -2, "badness");
	lgfp_setstr(L, "state", ti.state);
}

/* n, or n and the reason */
static int lgfp_pushfault(lua_State *L, struct sim *sim, int rc, uint64_t n)
{
	if (rc == SIM_EBUDGET)
		lsim_work_stop(L, 1);
	lua_pushinteger(L, (lua_Integer)n);
	if (rc == SIM_OK)
		return 1;
	if (rc != SIM_ENOMEM)
		return luaL_error(L, "%s", sim_last_reason(sim));
	lua_pushstring(L, sim_last_reason(sim));
	return 2;
}

static int lgfp_sim_task(lua_State *L)
{
	static const char *const opts[] = { "name", "anon", "oom_score_adj", NULL };
	struct sim *sim = lsim_checksim(L, 1);
	struct lgfp_task *t;
	const char *name = "task";
	lua_Integer adj = 0;
	uint64_t anon, n = 0;
	sim_pid_t pid;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	lsimL_checkoptions(L, 2, opts);
	if (lsimL_rawfield(L, 2, "name") != LUA_TNIL)
		name = luaL_checkstring(L, -1);
	lua_pop(L, 1);
	if (lsimL_rawfield(L, 2, "oom_score_adj") != LUA_TNIL) {
		int isnum;

		adj = lua_tointegerx(L, -1, &isnum);
		if (!isnum)
			luaL_error(L, "option 'oom_score_adj': integer expected");
	}
	lua_pop(L, 1);
	if (adj < -1000 || adj > 1000)
		return luaL_error(L, "option 'oom_score_adj': %I out of range (-1000..1000)", adj);
	anon = lgfp_optpages(L, 2, "anon");
	rc = sim_task_create(sim, name, (int)adj, &pid);
	if (rc != SIM_OK)
		return luaL_error(L, "task: %s", sim_last_reason(sim));
	lgfp_newchild(L, 1, sizeof *t, LSIM_TASK_MT);
	t = lua_touserdata(L, -1);
	t->pid = pid;
	rc = anon ? sim_task_fault(sim, pid, anon, &n) : SIM_OK;
	if (rc == SIM_EBUDGET)
		lsim_work_stop(L, 1);
	if (rc == SIM_OK)
		return 1;
	lua_pushstring(L, sim_last_reason(sim));
	return 2;
}

static int lgfp_sim_tasks(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	size_t n = sim_task_count(sim);

	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lgfp_pushtaskinfo(L, sim, sim_task_at(sim, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int lgfp_task_fault(lua_State *L)
{
	struct lgfp_task *t = lgfp_totask(L, 1);
	struct sim *sim = lgfp_parent(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	uint64_t done = 0;
	int rc;

	luaL_argcheck(L, n >= 0, 2, "a number of pages expected");
	rc = sim_task_fault(sim, t->pid, (uint64_t)n, &done);
	if (rc == SIM_ENOENT)
		return lsimL_pushfail(L, sim_last_reason(sim));
	return lgfp_pushfault(L, sim, rc, done);
}

static int lgfp_task_info(lua_State *L)
{
	struct lgfp_task *t = lgfp_totask(L, 1);

	lgfp_pushtaskinfo(L, lgfp_parent(L, 1), t->pid);
	return 1;
}

static int lgfp_task_exit(lua_State *L)
{
	struct lgfp_task *t = lgfp_totask(L, 1);
	struct sim *sim = lgfp_parent(L, 1);

	if (sim_task_exit(sim, t->pid) != SIM_OK)
		return lsimL_pushfail(L, sim_last_reason(sim));
	lua_pushboolean(L, 1);
	return 1;
}

static int lgfp_task_pid(lua_State *L)
{
	lua_pushinteger(L, lgfp_totask(L, 1)->pid);
	return 1;
}

static int lgfp_task_run(lua_State *L)
{
	struct lgfp_task *t = lgfp_totask(L, 1);
	struct sim *sim = lgfp_parent(L, 1);
	int base, status;
	sim_pid_t prev;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_settop(L, 2);
	lua_getiuservalue(L, 1, 1);	/* 3: the simulator, pinned meanwhile */
	if (sim_task_enter(sim, t->pid, &prev) != SIM_OK)
		return luaL_error(L, "task:run: %s", sim_last_reason(sim));
	base = lua_gettop(L);
	lua_pushvalue(L, 2);
	status = lsim_call_pinned(L, lsim_tosim(L, 3), "task:run()", 0,
				  LUA_MULTRET);
	sim_task_leave(sim, prev);
	if (status != LUA_OK)
		return lua_error(L);
	return lua_gettop(L) - base;
}

static int lgfp_task_tostring(lua_State *L)
{
	struct lgfp_task *t = lgfp_totask(L, 1);
	struct sim_task_info ti;
	struct sim *sim;

	lua_getiuservalue(L, 1, 1);
	sim = ((struct lsim_sim *)luaL_checkudata(L, -1, LSIM_SIM_MT))->sim;
	if (sim && sim_task_get_info(sim, t->pid, &ti) == SIM_OK)
		lua_pushfstring(L, "task<%s>#%d", ti.name, (int)t->pid);
	else
		lua_pushfstring(L, "task#%d", (int)t->pid);
	return 1;
}

/* ---- Mempools ---- */

struct lgfp_pool {
	sim_mempool_t h;
	bool destroyed;
};

static struct sim *lgfp_checkpool(lua_State *L, int arg, struct lgfp_pool **out)
{
	struct lgfp_pool *p = luaL_checkudata(L, arg, LSIM_MEMPOOL_MT);

	if (p->destroyed)
		luaL_error(L, "attempt to use a destroyed mempool");
	*out = p;
	return lgfp_parent(L, arg);
}

static int lgfp_sim_mempool_create(lua_State *L)
{
	static const char *const opts[] = { "cache", "kmalloc", "order", NULL };
	struct sim *sim = lsim_checksim(L, 1);
	lua_Integer min_nr = luaL_checkinteger(L, 2);
	struct sim_mempool_backing b = { .kind = SIM_MEMPOOL_SLAB };
	struct lgfp_pool *p;
	int kinds = 0, rc;
	sim_mempool_t h;

	luaL_argcheck(L, min_nr >= 0 && min_nr <= (1 << 20), 2, "min_nr out of range (0..1048576)");
	luaL_checktype(L, 3, LUA_TTABLE);
	lsimL_checkoptions(L, 3, opts);
	if (lsimL_rawfield(L, 3, "cache") != LUA_TNIL) {
		b.kind = SIM_MEMPOOL_SLAB;
		b.cache = lsimL_checkcache(L, 1, -1);
		kinds++;
	}
	lua_pop(L, 1);
	if (lsimL_rawfield(L, 3, "kmalloc") != LUA_TNIL) {
		b.kind = SIM_MEMPOOL_KMALLOC;
		b.size = lsimL_tosize(L, -1, "option 'kmalloc'", UINT64_C(1) << 32);
		kinds++;
	}
	lua_pop(L, 1);
	if (lsimL_rawfield(L, 3, "order") != LUA_TNIL) {
		lua_Integer o = luaL_checkinteger(L, -1);

		if (o < 0 || o > 10)
			return luaL_error(L, "option 'order': %I out of range (0..10)", o);
		b.kind = SIM_MEMPOOL_PAGES;
		b.order = (unsigned)o;
		kinds++;
	}
	lua_pop(L, 1);
	if (kinds != 1)
		return luaL_error(L, "mempool_create: give exactly one of cache=, kmalloc=, order=");
	rc = sim_mempool_create(sim, (int)min_nr, &b, &h);
	if (rc == SIM_ENOMEM)
		return lsimL_pushfail(L, sim_last_reason(sim));
	if (rc != SIM_OK)
		return luaL_error(L, "mempool_create: %s", sim_last_reason(sim));
	lgfp_newchild(L, 1, sizeof *p, LSIM_MEMPOOL_MT);
	p = lua_touserdata(L, -1);
	p->h = h;
	p->destroyed = false;
	return 1;
}

static int lgfp_pool_alloc(lua_State *L)
{
	struct lgfp_pool *p;
	struct sim *sim = lgfp_checkpool(L, 1, &p);
	gfp_t gfp = lgfp_optgfp(L, 2);
	sim_addr_t a;
	int rc = sim_mempool_alloc(sim, p->h, gfp, &a);

	if (rc == SIM_OK) {
		lua_pushinteger(L, (lua_Integer)a);
		return 1;
	}
	if (rc == SIM_ENOMEM)
		return lsimL_pushfail(L, sim_last_reason(sim));
	return luaL_error(L, "mempool: %s", sim_last_reason(sim));
}

static int lgfp_pool_free(lua_State *L)
{
	struct lgfp_pool *p;
	struct sim *sim = lgfp_checkpool(L, 1, &p);
	sim_addr_t a = (sim_addr_t)luaL_checkinteger(L, 2);
	sim_time_t delay = lua_isnoneornil(L, 3) ? 0 : lgfp_checktime(L, 3);
	int rc = sim_mempool_free(sim, p->h, a, delay);
	const struct sim_bug *b;

	if (rc == SIM_OK) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (rc != SIM_EBUG)
		return luaL_error(L, "mempool: %s", sim_last_reason(sim));
	lua_pushboolean(L, 0);
	b = sim_bug_at(sim, sim_nr_bugs(sim) - 1);
	lua_pushstring(L, b ? b->message : "bad free");
	return 2;
}

static int lgfp_pool_info(lua_State *L)
{
	static const char *const kinds[] = { "slab", "kmalloc", "page" };
	struct lgfp_pool *p;
	struct sim *sim = lgfp_checkpool(L, 1, &p);
	struct sim_mempool_info mi;

	sim_mempool_get_info(sim, p->h, &mi);
	lua_createtable(L, 0, 12);
	lgfp_setint(L, "min_nr", mi.min_nr);
	lgfp_setint(L, "curr_nr", mi.curr_nr);
	lgfp_setstr(L, "backing", kinds[mi.kind]);
	lgfp_setint(L, "outstanding", (lua_Integer)mi.outstanding);
	lgfp_setint(L, "allocs", (lua_Integer)mi.allocs);
	lgfp_setint(L, "from_reserve", (lua_Integer)mi.from_reserve);
	lgfp_setint(L, "waits", (lua_Integer)mi.waits);
	lgfp_setint(L, "failures", (lua_Integer)mi.failures);
	lgfp_setint(L, "frees", (lua_Integer)mi.frees);
	lgfp_setint(L, "refills", (lua_Integer)mi.refills);
	lgfp_setint(L, "pending_frees", (lua_Integer)mi.pending_frees);
	return 1;
}

static int lgfp_pool_destroy(lua_State *L)
{
	struct lgfp_pool *p = luaL_checkudata(L, 1, LSIM_MEMPOOL_MT);
	struct sim *sim;

	if (p->destroyed)
		return 0;
	sim = lgfp_parent(L, 1);
	sim_mempool_destroy(sim, p->h);
	p->destroyed = true;
	return 0;
}

/* __close: a pool of a closed simulator has nothing left to destroy */
static int lgfp_pool_close(lua_State *L)
{
	struct lgfp_pool *p = luaL_checkudata(L, 1, LSIM_MEMPOOL_MT);

	lua_getiuservalue(L, 1, 1);
	if (!lsim_tosim(L, -1)->sim)
		p->destroyed = true;
	lua_pop(L, 1);
	return lgfp_pool_destroy(L);
}

static int lgfp_pool_tostring(lua_State *L)
{
	struct lgfp_pool *p = luaL_checkudata(L, 1, LSIM_MEMPOOL_MT);

	lua_pushfstring(L, "mempool#%d%s", (int)(uint32_t)p->h,
			p->destroyed ? " (destroyed)" : "");
	return 1;
}

/* ---- Shrinkers ---- */

struct lgfp_shrinker {
	sim_shrinker_t h;
};

static int lgfp_sim_shrinker(lua_State *L)
{
	static const char *const opts[] = { "name", "cache", "fs", "seeks", NULL };
	struct sim *sim = lsim_checksim(L, 1);
	struct lgfp_shrinker *s;
	const char *name = "shrinker";
	sim_cache_t c;
	unsigned flags = 0;
	lua_Integer seeks = 2;
	sim_shrinker_t h;

	luaL_checktype(L, 2, LUA_TTABLE);
	lsimL_checkoptions(L, 2, opts);
	if (lsimL_rawfield(L, 2, "name") != LUA_TNIL)
		name = luaL_checkstring(L, -1);
	lua_pop(L, 1);
	if (lsimL_rawfield(L, 2, "cache") == LUA_TNIL)
		return luaL_error(L, "shrinker: option 'cache' is required");
	c = lsimL_checkcache(L, 1, -1);
	lua_pop(L, 1);
	if (lsimL_rawfield(L, 2, "fs") != LUA_TNIL && lua_toboolean(L, -1))
		flags |= SIM_SHRINKER_FS;
	lua_pop(L, 1);
	if (lsimL_rawfield(L, 2, "seeks") != LUA_TNIL)
		seeks = luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	if (seeks < 0 || seeks > 1000)
		return luaL_error(L, "option 'seeks': %I out of range (0..1000)", seeks);
	if (sim_shrinker_create(sim, name, c, flags, (int)seeks, &h) != SIM_OK)
		return luaL_error(L, "shrinker: %s", sim_last_reason(sim));
	lgfp_newchild(L, 1, sizeof *s, LSIM_SHRINKER_MT);
	s = lua_touserdata(L, -1);
	s->h = h;
	return 1;
}

static int lgfp_shrinker_alloc(lua_State *L)
{
	struct lgfp_shrinker *s = luaL_checkudata(L, 1, LSIM_SHRINKER_MT);
	struct sim *sim = lgfp_parent(L, 1);
	gfp_t gfp = lgfp_optgfp(L, 2);
	sim_addr_t a;
	int rc = sim_shrinker_alloc(sim, s->h, gfp, &a);

	if (rc == SIM_OK) {
		lua_pushinteger(L, (lua_Integer)a);
		return 1;
	}
	if (rc == SIM_ENOMEM)
		return lsimL_pushfail(L, sim_last_reason(sim));
	return luaL_error(L, "shrinker: %s", sim_last_reason(sim));
}

static int lgfp_shrinker_free(lua_State *L)
{
	struct lgfp_shrinker *s = luaL_checkudata(L, 1, LSIM_SHRINKER_MT);
	struct sim *sim = lgfp_parent(L, 1);
	sim_addr_t a = (sim_addr_t)luaL_checkinteger(L, 2);

	if (sim_shrinker_free(sim, s->h, a) != SIM_OK)
		return lsimL_pushfail(L, sim_last_reason(sim));
	lua_pushboolean(L, 1);
	return 1;
}

static int lgfp_shrinker_info(lua_State *L)
{
	struct lgfp_shrinker *s = luaL_checkudata(L, 1, LSIM_SHRINKER_MT);
	struct sim *sim = lgfp_parent(L, 1);
	struct sim_shrinker_info si;

	/* a handle outlives nothing it names today, but an unchecked miss
	 * would read @si uninitialised (GCC says so under -flto) */
	if (sim_shrinker_get_info(sim, s->h, &si) != SIM_OK)
		return lsimL_pushfail(L, "no such shrinker");
	lua_createtable(L, 0, 6);
	lgfp_setstr(L, "name", si.name);
	lgfp_setint(L, "objects", (lua_Integer)si.objects);
	lgfp_setint(L, "scanned", (lua_Integer)si.scanned);
	lgfp_setint(L, "freed", (lua_Integer)si.freed);
	lgfp_setint(L, "seeks", si.seeks);
	lgfp_setbool(L, "fs", si.fs);
	return 1;
}

static int lgfp_shrinker_tostring(lua_State *L)
{
	struct lgfp_shrinker *s = luaL_checkudata(L, 1, LSIM_SHRINKER_MT);

	lua_pushfstring(L, "shrinker#%d", (int)(uint32_t)s->h);
	return 1;
}

/* ---- The event recorder ---- */

struct lgfp_event {
	struct sim_event ev;
	char *str;		/* copy of ev.str, or NULL */
};

struct lgfp_recorder {
	struct lsim_sim *owner;	/* the simulator userdata (kept alive by the registry) */
	struct lgfp_event *evs;
	size_t nr, cap;
	uint64_t dropped;
	bool attached;
};

static void lgfp_record(void *ud, const struct sim_event *ev)
{
	struct lgfp_recorder *r = ud;
	struct lgfp_event *e;

	if (r->nr >= LSIM_EVENTS_MAX) {
		r->dropped++;
		return;
	}
	if (r->nr == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct lgfp_event *n = realloc(r->evs, cap * sizeof *n);

		if (!n) {
			r->dropped++;
			return;
		}
		r->evs = n;
		r->cap = cap;
	}
	e = &r->evs[r->nr++];
	e->ev = *ev;
	e->ev.str = NULL;
	e->str = ev->str ? strdup(ev->str) : NULL;
}

static void lgfp_recorder_clear(struct lgfp_recorder *r)
{
	for (size_t i = 0; i < r->nr; i++)
		free(r->evs[i].str);
	r->nr = 0;
	r->dropped = 0;
}

static void lgfp_recorder_detach(struct lgfp_recorder *r)
{
	if (r->attached && r->owner->sim)
		sim_sink_remove(r->owner->sim, lgfp_record, r);
	r->attached = false;
}

static int lgfp_recorder_gc(lua_State *L)
{
	struct lgfp_recorder *r = lua_touserdata(L, 1);

	lgfp_recorder_detach(r);
	lgfp_recorder_clear(r);
	free(r->evs);
	r->evs = NULL;
	r->cap = 0;
	return 0;
}

/* the recorder of the simulator at @arg, created on demand; NULL if none */
static struct lgfp_recorder *lgfp_recorder(lua_State *L, int arg, bool create)
{
	struct lgfp_recorder *r = NULL;

	arg = lua_absindex(L, arg);
	if (lua_getfield(L, LUA_REGISTRYINDEX, LSIM_EVENTS_KEY) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, LSIM_EVENTS_KEY);
	}
	lua_pushvalue(L, arg);
	if (lua_rawget(L, -2) == LUA_TUSERDATA) {
		r = lua_touserdata(L, -1);
	} else if (create) {
		lua_pop(L, 1);
		r = lua_newuserdatauv(L, sizeof *r, 0);
		memset(r, 0, sizeof *r);
		r->owner = luaL_checkudata(L, arg, LSIM_SIM_MT);
		if (luaL_newmetatable(L, LSIM_RECORDER_MT)) {
			lua_pushcfunction(L, lgfp_recorder_gc);
			lua_setfield(L, -2, "__gc");
		}
		lua_setmetatable(L, -2);
		lua_pushvalue(L, arg);
		lua_pushvalue(L, -2);
		lua_rawset(L, -4);
	}
	lua_pop(L, 2);
	return r;
}

/*
 * Named copies of the a..d fields, per event type, as the emitters fill
 * them (NULL: not set).  a..d stay in every event for completeness.
 */
static const char *const lgfp_evnames[SIM_NR_EVENTS][4] = {
	[SIM_EV_PAGE_ALLOC]	= { "pfn", "order", "gfp", "zone" },
	[SIM_EV_PAGE_FREE]	= { "pfn", "order", NULL, NULL },
	[SIM_EV_BUDDY_SPLIT]	= { "pfn", "from_order", "to_order", NULL },
	[SIM_EV_BUDDY_MERGE]	= { "pfn", "order", NULL, NULL },
	[SIM_EV_FALLBACK]	= { "pfn", "order", "start_mt", "fallback_mt" },
	[SIM_EV_PCP_REFILL]	= { "pcp_cpu", "order", "pages", "zone" },
	[SIM_EV_PCP_DRAIN]	= { "pcp_cpu", "pages", "zone", NULL },
	[SIM_EV_WMARK_CHECK]	= { "zone", "free", "mark", "ok" },
	[SIM_EV_SLOWPATH]	= { "order", "gfp", NULL, NULL },
	[SIM_EV_KSWAPD_WAKE]	= { "node", "order", "highest_zoneidx", NULL },
	[SIM_EV_RECLAIM]	= { "scanned", "reclaimed", "direct", "node" },
	[SIM_EV_COMPACT]	= { "zone", "order", "result", "priority" },
	[SIM_EV_STALL]		= { "ns", "order", "gfp", NULL },
	[SIM_EV_RESERVE]	= { "alloc_flags", "reserve", "pfn", NULL },
	[SIM_EV_OOM_KILL]	= { "pid", "rss", "swap", NULL },
	[SIM_EV_ALLOC_FAIL]	= { "order", "gfp", NULL, NULL },
	[SIM_EV_SLAB_ALLOC]	= { "addr", "cache_id", "size", NULL },
	[SIM_EV_SLAB_FREE]	= { "addr", "cache_id", NULL, NULL },
	[SIM_EV_SLAB_REFILL]	= { "cache_id", "objects", NULL, NULL },
	[SIM_EV_SLAB_NEW]	= { "cache_id", "pfn", "order", NULL },
	[SIM_EV_SLAB_DISCARD]	= { "cache_id", "pfn", "order", NULL },
	[SIM_EV_KMALLOC]	= { "addr", "requested", "allocated", "gfp" },
	[SIM_EV_KFREE]		= { "addr", NULL, NULL, NULL },
	[SIM_EV_MEMPOOL]	= { "pool", "what", "addr", "curr_nr" },
	[SIM_EV_BUG]		= { "kind", NULL, NULL, NULL },
};

/* the named fields of @e into the table on top of the stack */
static void lgfp_setevnames(lua_State *L, const struct lgfp_event *e)
{
	static const char *const pool_what[] = { "?", "alloc", "free", "wait" };
	const uint64_t v[4] = { e->ev.a, e->ev.b, e->ev.c, e->ev.d };
	const char *const *names = lgfp_evnames[e->ev.type];
	char buf[640];

	for (int i = 0; i < 4; i++) {
		if (!names[i])
			continue;
		if (strcmp(names[i], "gfp") == 0) {
			sim_gfp_format((gfp_t)v[i], buf, sizeof buf);
			lgfp_setstr(L, "gfp", buf);
		} else if (e->ev.type == SIM_EV_MEMPOOL && i == 1) {
			lgfp_setstr(L, "what", pool_what[v[i] <= 3 ? v[i] : 0]);
		} else if (e->ev.type == SIM_EV_BUG && i == 0) {
			lgfp_setstr(L, "kind", sim_bug_kind_name((enum sim_bug_kind)v[i]));
		} else if (e->ev.type == SIM_EV_RESERVE && i == 1) {
			lgfp_setstr(L, "reserve", sim_reserve_name((enum sim_reserve)v[i]));
		} else if (strcmp(names[i], "ok") == 0 || strcmp(names[i], "direct") == 0) {
			lgfp_setbool(L, names[i], v[i] != 0);
		} else {
			lgfp_setint(L, names[i], (lua_Integer)v[i]);
		}
	}
}

static int lgfp_sim_events(lua_State *L)
{
	struct sim *sim = lsim_checksim(L, 1);
	struct lgfp_recorder *r;

	if (lua_isboolean(L, 2)) {
		r = lgfp_recorder(L, 1, lua_toboolean(L, 2));
		if (!r)
			return 0;
		lgfp_recorder_detach(r);
		if (lua_toboolean(L, 2)) {
			lgfp_recorder_clear(r);
			if (sim_sink_add(sim, lgfp_record, r) != SIM_OK)
				return luaL_error(L, "events: out of host memory");
			r->attached = true;
		} else {
			/* forget it: the simulator may be collected again */
			lua_getfield(L, LUA_REGISTRYINDEX, LSIM_EVENTS_KEY);
			lua_pushvalue(L, 1);
			lua_pushnil(L);
			lua_rawset(L, -3);
			lua_pop(L, 1);
		}
		return 0;
	}
	luaL_argcheck(L, lua_isnoneornil(L, 2), 2, "boolean or nothing expected");
	r = lgfp_recorder(L, 1, false);
	lua_createtable(L, r ? (int)SIM_MIN(r->nr, (size_t)INT32_MAX) : 0, 0);
	for (size_t i = 0; r && i < r->nr; i++) {
		const struct lgfp_event *e = &r->evs[i];

		lua_createtable(L, 0, 12);
		lgfp_setstr(L, "type", sim_event_name(e->ev.type));
		lgfp_setint(L, "cpu", e->ev.cpu);
		lgfp_setint(L, "time", (lua_Integer)e->ev.time);
		lgfp_setint(L, "a", (lua_Integer)e->ev.a);
		lgfp_setint(L, "b", (lua_Integer)e->ev.b);
		lgfp_setint(L, "c", (lua_Integer)e->ev.c);
		lgfp_setint(L, "d", (lua_Integer)e->ev.d);
		lgfp_setevnames(L, e);
		if (e->str)
			lgfp_setstr(L, "str", e->str);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushinteger(L, r ? (lua_Integer)r->dropped : 0);
	return 2;
}

/* ---- Registration ---- */

void lsim_open_gfp_methods(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "slowpath", lgfp_sim_slowpath },
		{ "last_alloc", lgfp_sim_last_alloc },
		{ "page_cache", lgfp_sim_page_cache },
		{ "drop_caches", lgfp_sim_drop_caches },
		{ "sync", lgfp_sim_sync },
		{ "swap", lgfp_sim_swap },
		{ "meminfo", lgfp_sim_meminfo },
		{ "compact_memory", lgfp_sim_compact },
		{ "task", lgfp_sim_task },
		{ "tasks", lgfp_sim_tasks },
		{ "mempool_create", lgfp_sim_mempool_create },
		{ "shrinker", lgfp_sim_shrinker },
		{ "events", lgfp_sim_events },
		{ NULL, NULL },
	};
	static const luaL_Reg task_meth[] = {
		{ "fault", lgfp_task_fault },
		{ "info", lgfp_task_info },
		{ "exit", lgfp_task_exit },
		{ "run", lgfp_task_run },
		{ "pid", lgfp_task_pid },
		{ NULL, NULL },
	};
	static const luaL_Reg task_metameth[] = {
		{ "__tostring", lgfp_task_tostring },
		{ NULL, NULL },
	};
	static const luaL_Reg pool_meth[] = {
		{ "alloc", lgfp_pool_alloc },
		{ "free", lgfp_pool_free },
		{ "info", lgfp_pool_info },
		{ "destroy", lgfp_pool_destroy },
		{ NULL, NULL },
	};
	static const luaL_Reg pool_metameth[] = {
		{ "__close", lgfp_pool_close },
		{ "__tostring", lgfp_pool_tostring },
		{ NULL, NULL },
	};
	static const luaL_Reg shrinker_meth[] = {
		{ "alloc", lgfp_shrinker_alloc },
		{ "free", lgfp_shrinker_free },
		{ "info", lgfp_shrinker_info },
		{ NULL, NULL },
	};
	static const luaL_Reg shrinker_metameth[] = {
		{ "__tostring", lgfp_shrinker_tostring },
		{ NULL, NULL },
	};

	luaL_setfuncs(L, methods, 0);
	lsimL_newmeta(L, LSIM_TASK_MT, task_metameth, task_meth);
	lsimL_newmeta(L, LSIM_MEMPOOL_MT, pool_metameth, pool_meth);
	lsimL_newmeta(L, LSIM_SHRINKER_MT, shrinker_metameth, shrinker_meth);
}

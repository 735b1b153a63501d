/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsimaux.h - helpers shared by the Lua bindings (the project's lauxlib)
 *
 * Bindings include only sim.h, the Lua headers and this file.  The run-time
 * state of one Lua state (options from the command line, the output stream,
 * the instruction budget) lives in a struct lsim_runtime whose address is
 * kept in the state's extra space, so hooks and print find it in O(1).
 */
#ifndef SIM_LSIMAUX_H
#define SIM_LSIMAUX_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>
#include <lauxlib.h>

#include "sim.h"

/* ---- Embedded Lua sources (generated src/lua_modules.c) ---- */

struct lsim_embedded {
	const char *name;		/* "kmemsim.util" or "scenarios/x.lua" */
	const char *chunkname;		/* "@lua/kmemsim/util.lua" */
	const unsigned char *src;
	size_t len;
};
extern const struct lsim_embedded lsim_embedded[];

/* ---- Run time of one Lua state ---- */

typedef void (*lsim_write_fn)(void *ud, const char *s, size_t n);

struct lsim_param {
	const char *key;
	const char *value;
};

struct lsim_runtime {
	/* options */
	uint64_t seed;			/* --seed: default seed of kmemsim.new */
	const char *policy;		/* --policy: default policy */
	bool unsafe;			/* --unsafe: io, os, debug available */
	uint64_t max_steps;		/* --max-steps: VM instruction budget */
	const char *lua_path;		/* --lua-path: shadows embedded modules */
	const char *script_dir;		/* require searches here too */
	const struct lsim_param *params;/* --set key=value */
	size_t nr_params;
	const struct lsim_param *opts;	/* --opt key=value: override kmemsim.new{} */
	size_t nr_opts;
	/* output stream of print() and the kernel log */
	lsim_write_fn write;
	void *write_ud;
	uint64_t explain;		/* --explain[=N]: narrate N operations (0 off) */
	/* reports (the command line; NULL when unused) */
	const struct sim_sample_opts *sample;	/* --sample: sample every new simulator */
	/* called once per simulator the script created, just before its host
	 * memory goes (sim:close(), <close>, collection or lua_close()), so
	 * that the command line can report on it; @id is its creation number */
	void (*sim_closing)(void *ud, unsigned id, struct sim *sim);
	void *sim_closing_ud;
	/* progress of every simulator the script creates (sim_set_progress),
	 * labelled @progress_label; NULL: none */
	sim_progress_fn progress;
	void *progress_ud;
	const char *progress_label;
	/* state */
	uint64_t steps;			/* instructions executed (in hook units) */
	unsigned next_sim_id;		/* for stable __tostring of simulators */
	unsigned nr_sims;		/* simulators created by the script */
	bool printed;			/* the script printed something */
};

#define LSIM_DEFAULT_MAX_STEPS UINT64_C(20000000000)	/* 2e10 VM instructions */

/** lsim_runtime - the run time stored in @L's extra space */
static inline struct lsim_runtime *lsim_runtime(lua_State *L)
{
	return *(struct lsim_runtime **)lua_getextraspace(L);
}

/**
 * lsim_newstate - a sandboxed Lua state for one run
 * @rt: run time (must outlive the state)
 *
 * Opens base (without dofile/loadfile, load text only), table, string,
 * math (random from the seeded PRNG), utf8, coroutine and a package library
 * whose require sees only the embedded kmemsim.* modules and the scenario's
 * own directory; io, os and debug only with rt->unsafe.  Installs the
 * instruction budget hook.
 * Return: the state, or NULL (host OOM, or an embedded module failed).
 */
lua_State *lsim_newstate(struct lsim_runtime *rt);

/** lsim_write - write to the run's output stream */
void lsim_write(lua_State *L, const char *s, size_t n);

/* ---- Argument helpers ---- */

/**
 * lsimL_checksize - a size argument: a non-negative integer or a string with
 * an optional K/M/G/T suffix (binary units, optional "B"/"iB"): "4G", "512K".
 * Raises an error naming the argument on a malformed or absurd size.
 */
uint64_t lsimL_checksize(lua_State *L, int arg, uint64_t max);
uint64_t lsimL_tosize(lua_State *L, int idx, const char *what, uint64_t max);

/** lsimL_checkgfp - GFP flags as a string ("GFP_KERNEL|__GFP_ZERO") or an integer */
gfp_t lsimL_checkgfp(lua_State *L, int arg);
gfp_t lsimL_optgfp(lua_State *L, int arg, gfp_t def);

/** lsimL_checkinteger_range - an integer in [lo, hi] or an argument error */
lua_Integer lsimL_checkrange(lua_State *L, int arg, lua_Integer lo,
			     lua_Integer hi);

/**
 * lsimL_checkalive - raise "the simulated kernel panicked at ..." if @sim's
 * kernel has panicked; for methods whose engine call returns no status
 * (engine calls that do return SIM_EPANIC, and lsimL_pushstatus() raises)
 */
void lsimL_checkalive(lua_State *L, struct sim *sim);

/** lsimL_pushfail - push nil and a reason; returns 2 (for `return`) */
int lsimL_pushfail(lua_State *L, const char *reason);

/** lsimL_pushstatus - SIM_OK: push true; ENOMEM: nil, reason; other: raise */
int lsimL_pushstatus(lua_State *L, struct sim *sim, int status);

/**
 * lsimL_checkoptions - reject unknown keys in the options table at @idx
 * @valid: NULL-terminated list of accepted keys
 * The error lists the unknown keys (sorted) and the valid ones.
 */
void lsimL_checkoptions(lua_State *L, int idx, const char *const valid[]);

/**
 * lsimL_rawfield - push t[@key] of the table at @idx without metamethods
 * (lua_getfield's raw twin; nil if @idx is not a table); returns its type.  Bindings read option
 * tables with it: a binding that holds engine state never runs script code.
 */
int lsimL_rawfield(lua_State *L, int idx, const char *key);

/**
 * lsimL_newmeta - register the metatable @name of a userdata type (liolib's
 * createmeta): @metameth on the metatable, @meth as its __index table.
 * The metatable is protected: getmetatable() on the userdata gives @name.
 * Idempotent: a second call with the same name changes nothing.
 */
void lsimL_newmeta(lua_State *L, const char *name, const luaL_Reg *metameth,
		   const luaL_Reg *meth);

/**
 * lsimL_checkcache - a cache argument at @idx for the simulator at @simarg:
 * a cache handle of that simulator, or a cache name.  Read from the handle
 * itself, never through a method a script could replace.  Raises on
 * anything else, a destroyed cache or another simulator's cache.
 */
sim_cache_t lsimL_checkcache(lua_State *L, int simarg, int idx);

/* ---- The simulator userdata ("kmemsim.sim") ---- */

#define LSIM_SIM_MT "kmemsim.sim"

/*
 * Lifetime rules.  The engine's struct sim is freed by sim:close(), <close>
 * or collection; a binding never keeps it past a call back into Lua:
 *  - callbacks (sim:atomic(fn), on_cpu(i, fn), task:run(fn), on_phase, ...)
 *    run through lsim_call_pinned(), which marks the simulator busy: closing
 *    it meanwhile is refused with an error, so the scope can be undone after;
 *  - option tables are read raw (lsimL_rawfield), so no __index or __len
 *    metamethod of the script's runs in the middle of a binding;
 *  - the sandbox has no __gc finalizers (setmetatable refuses them), and a
 *    simulator is never usable from one (lsim_checksim refuses), so the
 *    collector cannot run script code that changes a simulator mid-call;
 *  - kmemsim's metatables are protected (__metatable): a script cannot
 *    replace a method with its own function.
 * A handle of a closed simulator raises "sim#N: simulator is closed".
 */
struct lsim_sim {
	struct sim *sim;	/* NULL once closed */
	unsigned id;		/* 1, 2, ... in creation order */
	struct lsim_runtime *rt;
	unsigned busy;		/* callbacks of this simulator now running */
	const char *busy_in;	/* the innermost one ("sim:atomic()") */
	bool explaining;	/* the narration sink is attached */
	uint64_t explain_left;	/* operations still to narrate */
	bool explain_muted;	/* the limit was reached mid-run */
};

/** lsim_checksim - the open simulator at @arg (and arm the bug-location hook) */
struct sim *lsim_checksim(lua_State *L, int arg);

/** lsim_tosim - the simulator userdata at @arg, open or closed (or an error) */
struct lsim_sim *lsim_tosim(lua_State *L, int arg);

/**
 * lsim_call_pinned - lua_pcall() with the simulator @s marked busy: a
 * callback cannot close it (sim:close() raises), so the caller may still
 * use s->sim afterwards.  @what names the callback in that error.
 * Return: lua_pcall()'s status; on error the message is on the stack (the
 * caller undoes its scope, then lua_error()s).
 */
int lsim_call_pinned(lua_State *L, struct lsim_sim *s, const char *what,
		     int nargs, int nresults);

/*
 * Method registration: each binding file adds its methods to the simulator's
 * method table at the top of the stack.
 */
void lsim_open_core_methods(lua_State *L);
/* the methods of the engine layers (memory, slab, ...), lsim_layers.c */
void lsim_open_layer_methods(lua_State *L);
/* physical memory: pages, zones, /proc files (lsim_mem.c) */
void lsim_open_mem_methods(lua_State *L);
/* object caches and kmalloc (lsim_slab.c) */
void lsim_open_slab_methods(lua_State *L);
/* GFP semantics: slow path, reclaim, tasks, mempools, events (lsim_gfp.c) */
void lsim_open_gfp_methods(lua_State *L);
/* the workload engine (lsim_workload.c) */
void lsim_open_workload_methods(lua_State *L);

int luaopen_kmemsim(lua_State *L);

#endif /* SIM_LSIMAUX_H */

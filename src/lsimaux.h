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
	uint64_t max_steps;		/* --max-steps: VM instruction budget (0: none) */
	uint64_t max_work;		/* --max-work: modelled kernel ns (0: none) */
	uint64_t max_memory;		/* --max-memory: host bytes (0: none) */
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
	/* called once per simulator the script creates, right after it is
	 * made (before the script sees it): the step-through page attaches
	 * its event sink there */
	void (*sim_created)(void *ud, unsigned id, struct sim *sim);
	void *sim_created_ud;
	/* progress of every simulator the script creates (sim_set_progress),
	 * labelled @progress_label; NULL: none */
	sim_progress_fn progress;
	void *progress_ud;
	const char *progress_label;
	/* state */
	uint64_t steps;			/* instructions executed (in hook units) */
	unsigned next_sim_id;		/* for stable __tostring of simulators */
	unsigned nr_sims;		/* simulators created by the script */
	unsigned nr_open;		/* ... and not yet closed or collected */
	bool printed;			/* the script printed something */
	struct sim_budget work;		/* every simulator of the run charges it */
	uint64_t mem_used;		/* bytes of the Lua heap */
	uint64_t sim_bytes;		/* host bytes of the open simulators */
	uint64_t mem_refused;		/* the largest request over --max-memory */
	bool stopped;			/* a budget ran out: the run is over */
	bool alloc_refused;		/* ... and the Lua heap may not grow */
	char stop_msg[320];		/* why, with the scenario line */
};

/*
 * --max-steps: about a second or two of a tight Lua loop on a 2020s core,
 * and 60 times what the biggest scenario of the test suite executes
 * (api_workload.lua, 1.5e7); per-operation Lua loops of a few million
 * kmalloc/kfree calls fit.  The engine's own work is not counted here.
 */
#define LSIM_DEFAULT_MAX_STEPS UINT64_C(1000000000)	/* 1e9 VM instructions */

/*
 * --max-work: the modelled kernel CPU time (sim_set_budget) all of a run's
 * simulators may be charged.  An hour: for SLUB and SLAB about as much
 * host time (some 5e10 workload operations), but SLOB's first-fit walk
 * is charged its O(n) kernel cost while the host finds the fit in
 * O(log n), so a SLOB run is charged far more than it costs: the default
 * scenario at 3M operations (issue 15's long compare) takes 2.4 s of host
 * time and was stopped by a one-minute budget.
 */
#define LSIM_DEFAULT_MAX_WORK (UINT64_C(3600) * 1000000000)	/* 1 h */

/*
 * --max-memory: the Lua heap (a custom lua_Alloc counts every byte) plus
 * the page metadata of the open simulators (sim_host_bytes).  4 GiB --
 * 40 times the test suite's largest run, room for sixty 16 GiB simulators
 * -- or half the host's RAM if that is less, so that a string.rep() or
 * table bomb ends with a clear error before the host's OOM killer acts.
 */
#define LSIM_DEFAULT_MAX_MEMORY (UINT64_C(4) << 30)

/** lsim_default_max_memory - LSIM_DEFAULT_MAX_MEMORY, or half the host's RAM */
uint64_t lsim_default_max_memory(void);

/**
 * lsim_mem_room - bytes the run may still allocate under --max-memory
 * (UINT64_MAX without a limit)
 */
uint64_t lsim_mem_room(const struct lsim_runtime *rt);

/*
 * Budgets.  Once a budget has run out the run is over: the error cannot be
 * caught for good -- after it, every Lua instruction raises it again, so a
 * pcall, xpcall, coroutine or load() reader that catches it fails at its
 * next instruction -- and lsim_outcome() reports it whatever the script
 * did with the error object.
 */

/**
 * lsim_budget_stop - a budget ran out: record why (with the location of the
 * function at stack @level, 1 for a binding's caller), then raise
 */
int lsim_budget_stop(lua_State *L, int level, const char *fmt, ...);

/**
 * lsim_work_stop - the simulators' work budget (--max-work) ran out: stop
 * the run (location: stack @level)
 */
int lsim_work_stop(lua_State *L, int level);

/** lsim_check_work - lsim_work_stop() if @sim's work budget has run out */
void lsim_check_work(lua_State *L, struct sim *sim);

/**
 * lsim_charge - count @n steps of work done in C on the script's behalf
 * (pattern matching) against --max-steps; raises when it runs out
 */
void lsim_charge(lua_State *L, uint64_t n);

/**
 * lsim_open_strlib - replace find, match, gmatch and gsub of the string
 * table on top of the stack by lsim_strlib.c's, whose pattern matching
 * counts against --max-steps (Lua's backtracking can take years in C)
 */
void lsim_open_strlib(lua_State *L);

/**
 * lsim_outcome - the outcome of the scenario's main call, which returned
 * @status with its error (if any) on the stack: LUA_OK, or an error status
 * with the message to print on the stack -- a budget's own message (and
 * the traceback) if one ran out, whatever the script did with the error
 */
int lsim_outcome(lua_State *L, int status);

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
	uint64_t host_bytes;	/* sim_host_bytes(), counted in rt->sim_bytes */
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

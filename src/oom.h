/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oom.h - simulated tasks and the OOM killer
 *
 * Glossary (the kernel's own words):
 *   task       a process with an address space (mm): anonymous pages that
 *              are resident (rss) or on swap (swapents), and page tables
 *   current    the task on whose behalf the running code allocates; pid 1,
 *              the scenario itself ("kmemsim"), when no task runs
 *   badness    oom_badness(): rss + swapents + page-table pages, plus
 *              oom_score_adj * totalpages / 1000; the largest is killed
 *   victim     a task the OOM killer chose (TIF_MEMDIE): it may dip into
 *              the reserves (ALLOC_OOM) until it exits
 *
 * Invariants: a task's rss == its anon pages on the LRUs; tasks[] is in pid
 * order; an exited or killed task holds no memory.
 */
#ifndef SIM_OOM_H
#define SIM_OOM_H

#include "sim.h"
#include "page_alloc.h"
#include "state.h"

/* ---- Types ---- */

enum task_state {
	TASK_LIVE,		/* running */
	TASK_OOM_VICTIM,	/* chosen while current: exits when it returns */
	TASK_KILLED,		/* killed by the OOM killer, memory freed */
	TASK_EXITED,		/* exited by itself */
};

#define TASK_COMM_LEN	16	/* include/linux/sched.h */

struct task {
	sim_pid_t pid;
	char comm[TASK_COMM_LEN];
	int oom_score_adj;
	enum task_state state;
	unsigned long rss;		/* MM_ANONPAGES */
	unsigned long swapents;		/* MM_SWAPENTS */
};

struct oom_state {
	struct task *tasks;		/* in pid order */
	size_t nr, cap;
	sim_pid_t next_pid;
	sim_pid_t current;		/* 1: the scenario */
	unsigned kills;			/* by the allocation under way */
	struct sim_ratelimit oom_rs;	/* oom_kill_process(): dump_header() */
};

/* ---- Prototypes ("oom.c") ---- */

/**
 * oom_out_of_memory - out_of_memory(): pick the task with the highest
 * badness and kill it (its memory is freed at once unless it is current).
 * Return: true for "progress": a task was killed, current was already
 * dying, or the request lacks __GFP_FS (no kill: the OOM killer does not
 * compensate for FS-less reclaim); false if no task could be killed
 * ("Out of memory and no killable processes", a panic in the kernel).
 */
bool oom_out_of_memory(struct sim *sim, gfp_t gfp, unsigned order);

/** oom_current_is_victim - tsk_is_oom_victim(current) */
bool oom_current_is_victim(const struct sim *sim);

/** oom_task - the task with @pid, NULL if none */
struct task *oom_task(const struct sim *sim, sim_pid_t pid);

/** oom_task_swapped - reclaim moved one of @pid's pages to swap */
void oom_task_swapped(struct sim *sim, sim_pid_t pid);

/** oom_badness - oom_badness() (INT64_MIN: never a victim) */
int64_t oom_badness(const struct sim *sim, const struct task *t,
		    unsigned long totalpages);

/** oom_totalpages - totalram_pages() + total_swap_pages */
unsigned long oom_totalpages(const struct sim *sim);

/** oom_live_tasks - tasks still holding memory */
size_t oom_live_tasks(const struct sim *sim);

int oom_init(struct sim *sim);
void oom_destroy(struct sim *sim);

/* ---- Constants ---- */

#define OOM_SCORE_ADJ_MIN	(-1000)
#define OOM_SCORE_ADJ_MAX	1000
#define SIM_FIRST_PID		1000	/* tasks' pids start here */
#define PTRS_PER_PTE		512	/* pages mapped by one page-table page */

#endif /* SIM_OOM_H */

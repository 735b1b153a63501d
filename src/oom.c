/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oom.c - simulated tasks and the OOM killer
 *
 * Stands in for mm/oom_kill.c (out_of_memory, select_bad_process,
 * oom_evaluate_task, oom_badness, dump_header, dump_tasks,
 * __oom_kill_process, mark_oom_victim) and for the part of the process
 * model the OOM killer looks at: tasks with anonymous memory.
 *
 * Tasks.  A task has a name (comm, 15 characters), an oom_score_adj and an
 * address space of anonymous pages: resident ones (rss) are order-0 pages
 * on the anon LRU of reclaim.c, owned by the task's pid; swapped-out ones
 * are only counted (swapents).  Page tables are not allocated; they are
 * counted as one PTE page per 512 mapped pages (pgtables_bytes), which is
 * what oom_badness() and the kill report need.  pid 1 is the scenario
 * itself ("kmemsim"): init, never a candidate.  Tasks are created with pids
 * from 1000 in creation order, which is also for_each_process() order.
 *
 * Choosing the victim (select_bad_process): every task with memory is
 * scored with oom_badness() = rss + swapents + pgtables_bytes / PAGE_SIZE +
 * oom_score_adj * (totalram + total swap) / 1000; oom_score_adj -1000 means
 * never.  The highest score wins; on a tie the later task in the process
 * list wins (the kernel replaces its choice unless the new score is lower).
 * A victim still exiting aborts the selection (it will free memory).
 *
 * Killing.  The victim gets SIGKILL and access to reserves (ALLOC_OOM).  A
 * task that is not running (not current) exits at once and its memory is
 * freed: the oom_reaper and the exit path, collapsed into one step.  If
 * the victim is current (its own page fault ran out of memory), it is
 * marked TASK_OOM_VICTIM: the allocation under way may dip into the
 * reserves, and the task exits when that operation returns.
 *
 * When not to kill (out_of_memory): the caller's context was checked by
 * the slow path (order, __GFP_RETRY_MAYFAIL, __GFP_THISNODE, lowmem).  Here:
 * a current task already dying just gets on with it; a request without
 * __GFP_FS kills nothing but reports progress (the OOM killer "does not
 * compensate for IO-less reclaim"), which makes GFP_NOFS and GFP_NOIO
 * callers loop in the kernel; and with no candidate at all the kernel
 * panics ("System is deadlocked on memory"): kmemsim reports that and the
 * allocation fails.
 *
 * Reports follow the kernel's printk formats: "<comm> invoked oom-killer:
 * gfp_mask=..., order=N, oom_score_adj=N", the task table, the oom-kill
 * summary line and "Out of memory: Killed process N (name) total-vm:...".
 * The last is recorded as a SIM_BUG_OOM report.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oom.h"
#include "reclaim.h"
#include "state.h"

#define K(pages)	((unsigned long)(pages) << (SIM_PAGE_SHIFT - 10))

/* ---- Tasks ---- */

struct task *oom_task(const struct sim *sim, sim_pid_t pid)
{
	const struct oom_state *o = sim->reclaim ? sim->reclaim->oom : NULL;

	if (!o || pid < SIM_FIRST_PID || pid - SIM_FIRST_PID >= o->nr)
		return NULL;
	return &o->tasks[pid - SIM_FIRST_PID];
}

static bool task_has_mm(const struct task *t)
{
	return t->state == TASK_LIVE || t->state == TASK_OOM_VICTIM;
}

static unsigned long task_total_vm(const struct task *t)
{
	return t->rss + t->swapents;
}

static unsigned long task_pgtables_bytes(const struct task *t)
{
	return SIM_DIV_ROUND_UP(task_total_vm(t), PTRS_PER_PTE) * SIM_PAGE_SIZE;
}

size_t oom_live_tasks(const struct sim *sim)
{
	const struct oom_state *o = sim->reclaim->oom;
	size_t n = 0;

	for (size_t i = 0; i < o->nr; i++)
		n += task_has_mm(&o->tasks[i]);
	return n;
}

/* exit_mmap(): give back every page and swap slot */
static void task_release_mm(struct sim *sim, struct task *t, enum task_state state)
{
	reclaim_free_task_pages(sim, t->pid);
	sim->reclaim->swap_used -= t->swapents;
	t->rss = 0;
	t->swapents = 0;
	t->state = state;
}

void oom_task_swapped(struct sim *sim, sim_pid_t pid)
{
	struct task *t = oom_task(sim, pid);

	if (t) {
		t->rss--;
		t->swapents++;
	}
}

bool oom_current_is_victim(const struct sim *sim)
{
	const struct task *t = oom_task(sim, reclaim_current_pid(sim));

	return t && t->state == TASK_OOM_VICTIM;
}

unsigned long oom_totalpages(const struct sim *sim)
{
	const struct pgalloc_state *pg = sim->pg;
	unsigned long total = sim->reclaim->swap_total;

	for (unsigned nid = 0; nid < pg->nr_nodes; nid++)
		for (int zi = 0; zi < SIM_NR_ZONES; zi++)
			total += pg->nodes[nid].zones[zi].managed;
	return total;
}

int64_t oom_badness(const struct sim *sim, const struct task *t,
		    unsigned long totalpages)
{
	int64_t points, adj = t->oom_score_adj;

	(void)sim;
	if (!task_has_mm(t) || adj == OOM_SCORE_ADJ_MIN)
		return INT64_MIN;
	points = (int64_t)(t->rss + t->swapents +
			   task_pgtables_bytes(t) / SIM_PAGE_SIZE);
	/* normalize to oom_score_adj units */
	adj *= (int64_t)(totalpages / 1000);
	return points + adj;
}

/* ---- The OOM killer ---- */

static void oom_mems_allowed(const struct sim *sim, char *buf, size_t len)
{
	unsigned n = sim->pg->nr_nodes;

	if (n == 1)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "0-%u", n - 1);
}

/* dump_oom_summary(): the one-line summary of a kill */
static void oom_dump_summary(struct sim *sim, const struct task *victim)
{
	char mems[32];

	oom_mems_allowed(sim, mems, sizeof mems);
	sim_printk(sim, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=%s,global_oom,task_memcg=/,task=%s,pid=%u,uid=0",
		   mems, victim->comm, victim->pid);
}

/*
 * dump_header() without the stack and show_mem(): the header, the tasks,
 * and the summary of the kill if there is a @victim
 */
static void oom_dump_header(struct sim *sim, gfp_t gfp, unsigned order,
			    const struct task *victim)
{
	const struct oom_state *o = sim->reclaim->oom;
	const struct task *cur = oom_task(sim, o->current);
	char gbuf[GFP_FORMAT_MAX];

	gfp_format(gfp, gbuf, sizeof gbuf);
	sim_printk(sim, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%u, oom_score_adj=%d",
		   reclaim_current_comm(sim), gfp, gbuf, order,
		   cur ? cur->oom_score_adj : 0);
	sim_printk(sim, "Tasks state (memory values in pages):");
	sim_printk(sim, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
	for (size_t i = 0; i < o->nr; i++) {
		const struct task *t = &o->tasks[i];

		if (!task_has_mm(t))
			continue;
		sim_printk(sim, "[%7u] %5d %5u %8lu %8lu %8lu %8lu         %5d %s",
			   t->pid, 0, t->pid, task_total_vm(t), t->rss,
			   task_pgtables_bytes(t), t->swapents, t->oom_score_adj,
			   t->comm);
	}
	if (victim)
		oom_dump_summary(sim, victim);
}

/* __oom_kill_process() */
static void oom_kill(struct sim *sim, struct task *victim)
{
	struct oom_state *o = sim->reclaim->oom;

	sim->stats.oom_kill++;
	SIM_EVENT(sim, OOM_KILL, victim->pid, victim->rss, victim->swapents, 0);
	sim_report_bug(sim, SIM_BUG_OOM,
		       "Out of memory: Killed process %u (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:%lukB oom_score_adj:%d",
		       victim->pid, victim->comm, K(task_total_vm(victim)),
		       K(victim->rss), task_pgtables_bytes(victim) >> 10,
		       victim->oom_score_adj);
	o->kills++;
	if (victim->pid == o->current) {
		/* it exits when its current operation returns */
		victim->state = TASK_OOM_VICTIM;
		SIM_NOTE(sim, "OOM: the victim is the current task: it may use ALLOC_OOM reserves, then exits");
	} else {
		unsigned long rss = victim->rss;

		task_release_mm(sim, victim, TASK_KILLED);
		SIM_NOTE(sim, "OOM: %s (pid %u) killed, %lu resident pages freed",
			 victim->comm, victim->pid, rss);
	}
}

bool oom_out_of_memory(struct sim *sim, gfp_t gfp, unsigned order)
{
	struct oom_state *o = sim->reclaim->oom;
	struct task *cur = oom_task(sim, o->current), *chosen = NULL;
	unsigned long totalpages = oom_totalpages(sim);
	int64_t chosen_points = INT64_MIN;

	/* current is dying anyway: let it have the reserves and go */
	if (cur && cur->state == TASK_OOM_VICTIM) {
		SIM_NOTE(sim, "OOM: current task %s is already dying", cur->comm);
		return true;
	}
	if (gfp && !(gfp & __GFP_FS)) {
		SIM_NOTE(sim, "OOM: no kill for a request without __GFP_FS; it keeps retrying");
		return true;
	}
	for (size_t i = 0; i < o->nr; i++) {
		struct task *t = &o->tasks[i];
		int64_t points;

		if (!task_has_mm(t))
			continue;
		if (t->state == TASK_OOM_VICTIM) {
			SIM_NOTE(sim, "OOM: victim %s still exiting: wait for it", t->comm);
			return true;	/* abort: memory is on its way back */
		}
		points = oom_badness(sim, t, totalpages);
		SIM_NOTE(sim, "OOM: %s (pid %u): rss %lu + swap %lu + page tables %lu, adj %d -> badness %lld",
			 t->comm, t->pid, t->rss, t->swapents,
			 task_pgtables_bytes(t) / SIM_PAGE_SIZE, t->oom_score_adj,
			 (long long)points);
		if (points == INT64_MIN || points < chosen_points)
			continue;
		chosen = t;
		chosen_points = points;
	}
	if (!chosen) {
		oom_dump_header(sim, gfp, order, NULL);
		sim_printk(sim, "Out of memory and no killable processes...");
		/* an allocation at the system level cannot survive this */
		sim_kernel_panic(sim, "System is deadlocked on memory");
		return false;
	}
	/* oom_kill_process(): the header at most 10 times per 5 s */
	if (sim_ratelimit(sim, &o->oom_rs, "oom_kill_process"))
		oom_dump_header(sim, gfp, order, chosen);
	oom_kill(sim, chosen);
	return true;
}

/* ---- sim.h: tasks ---- */

int sim_task_create(struct sim *sim, const char *name, int oom_score_adj,
		    sim_pid_t *pid)
{
	struct oom_state *o = sim->reclaim->oom;
	struct task *t;

	SIM_REFUSE_IF_PANICKED(sim);
	if (oom_score_adj < OOM_SCORE_ADJ_MIN || oom_score_adj > OOM_SCORE_ADJ_MAX)
		return sim_set_reason(sim, SIM_EINVAL,
				      "oom_score_adj %d out of range (-1000..1000)",
				      oom_score_adj);
	if (o->nr == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 8;
		struct task *n = sim_xrealloc(o->tasks, cap * sizeof *n);

		if (!n)
			return sim_set_reason(sim, SIM_ENOHOSTMEM, "out of host memory");
		o->tasks = n;
		o->cap = cap;
	}
	t = &o->tasks[o->nr++];
	memset(t, 0, sizeof *t);
	t->pid = o->next_pid++;
	snprintf(t->comm, sizeof t->comm, "%s", name && *name ? name : "task");
	t->oom_score_adj = oom_score_adj;
	t->state = TASK_LIVE;
	*pid = t->pid;
	return SIM_OK;
}

int sim_task_enter(struct sim *sim, sim_pid_t pid, sim_pid_t *prev)
{
	struct oom_state *o = sim->reclaim->oom;
	struct task *t = oom_task(sim, pid);

	if (pid > 1 && (!t || !task_has_mm(t)))
		return sim_set_reason(sim, SIM_ENOENT, "no live task with pid %u", pid);
	*prev = o->current;
	o->current = pid > 1 ? pid : 1;
	return SIM_OK;
}

void sim_task_leave(struct sim *sim, sim_pid_t prev)
{
	struct oom_state *o = sim->reclaim->oom;
	struct task *t = oom_task(sim, o->current);

	if (t && t->state == TASK_OOM_VICTIM && !sim->panicked) {
		SIM_NOTE(sim, "%s (pid %u) returns and dies of its SIGKILL", t->comm, t->pid);
		task_release_mm(sim, t, TASK_KILLED);
	}
	o->current = prev;
}

int sim_task_fault(struct sim *sim, sim_pid_t pid, uint64_t pages,
		   uint64_t *faulted)
{
	struct task *t = oom_task(sim, pid);
	sim_pid_t prev;
	uint64_t n = 0;
	int rc = SIM_OK;
	bool killed;

	if (faulted)
		*faulted = 0;
	SIM_REFUSE_IF_PANICKED(sim);
	if (!t || t->state != TASK_LIVE)
		return sim_set_reason(sim, SIM_ENOENT, "no live task with pid %u", pid);
	sim_task_enter(sim, pid, &prev);
	for (; n < pages; n++) {
		pfn_t pfn;

		if (sim_over_budget(sim)) {
			rc = sim_set_reason(sim, SIM_EBUDGET, "work budget exhausted "
					    "after %llu page faults", (unsigned long long)n);
			break;
		}
		/* do_anonymous_page(): a movable user page */
		rc = pgalloc_alloc(sim, 0, GFP_HIGHUSER_MOVABLE, &pfn);
		t = oom_task(sim, pid);
		if (rc != SIM_OK)
			break;
		reclaim_add_lru_page(sim, pfn, LRU_ANON, pid, false);
		t->rss++;
		if (t->state == TASK_OOM_VICTIM) {	/* SIGKILL pending */
			n++;
			break;
		}
	}
	killed = t->state == TASK_OOM_VICTIM;
	sim_task_leave(sim, prev);
	if (faulted)
		*faulted = n;
	if (sim->panicked)
		return SIM_EPANIC;
	if (killed)
		return sim_set_reason(sim, SIM_ENOMEM,
				      "%s (pid %u) was killed by the OOM killer after %llu of %llu pages",
				      t->comm, pid, (unsigned long long)n,
				      (unsigned long long)pages);
	return rc;
}

int sim_task_exit(struct sim *sim, sim_pid_t pid)
{
	struct task *t = oom_task(sim, pid);

	SIM_REFUSE_IF_PANICKED(sim);
	if (!t || !task_has_mm(t))
		return sim_set_reason(sim, SIM_ENOENT, "no live task with pid %u", pid);
	task_release_mm(sim, t, t->state == TASK_OOM_VICTIM ? TASK_KILLED : TASK_EXITED);
	return SIM_OK;
}

int sim_task_get_info(const struct sim *sim, sim_pid_t pid,
		      struct sim_task_info *out)
{
	static const char *const states[] = {
		[TASK_LIVE] = "running", [TASK_OOM_VICTIM] = "oom_victim",
		[TASK_KILLED] = "killed", [TASK_EXITED] = "exited",
	};
	const struct task *t = oom_task(sim, pid);

	if (!t)
		return SIM_ENOENT;
	out->pid = t->pid;
	out->name = t->comm;
	out->oom_score_adj = t->oom_score_adj;
	out->rss = t->rss;
	out->swapents = t->swapents;
	out->total_vm = task_total_vm(t);
	out->pgtables_bytes = task_pgtables_bytes(t);
	out->badness = oom_badness(sim, t, oom_totalpages(sim));
	out->state = states[t->state];
	return SIM_OK;
}

size_t sim_task_count(const struct sim *sim)
{
	return sim->reclaim->oom->nr;
}

sim_pid_t sim_task_at(const struct sim *sim, size_t i)
{
	const struct oom_state *o = sim->reclaim->oom;

	return i < o->nr ? o->tasks[i].pid : 0;
}

/* ---- The layer part ---- */

int oom_init(struct sim *sim)
{
	struct oom_state *o = sim_xcalloc(1, sizeof *o);

	if (!o)
		return SIM_ENOHOSTMEM;
	o->next_pid = SIM_FIRST_PID;
	o->current = 1;
	o->oom_rs = SIM_RATELIMIT_DEFAULT;
	sim->reclaim->oom = o;
	return SIM_OK;
}

void oom_destroy(struct sim *sim)
{
	struct oom_state *o = sim->reclaim->oom;

	if (!o)
		return;
	free(o->tasks);
	free(o);
	sim->reclaim->oom = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.h - record a workload's kmem events through a private tracefs instance
 *
 * The engine-free half of `kmemsim record` (the command, its options and
 * its output file are cmd_record.c): create a tracefs instance of our own,
 * enable the kmem tracepoints the replay understands, run a command (or
 * wait a duration, system-wide), stream the instance's trace_pipe text to
 * a callback, read the tracer's lost-event counters, and remove the
 * instance on every way out.  It stands in for `trace-cmd record -B`
 * (which this project must not run: it writes
 * /proc/sys/kernel/ftrace_enabled, refused on the build machines) and for
 * `perf record -e kmem:* -- COMMAND`.  The essay on why it works the way
 * it does is at the top of record.c.
 */
#ifndef SIM_RECORD_H
#define SIM_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Types ---- */

/* Here, not with the other constants, because the structs need it: the
 * names in RECORD_DEFAULT_EVENTS. */
#define RECORD_MAX_EVENTS	9

/* Receives recorded text: whole lines, in order.  Return 0, or -1 with
 * errno set to stop the recording (a full disk, a closed pipe). */
typedef int (*record_write_fn)(void *ud, const char *buf, size_t len);

struct record_config {
	const char *events;		/* comma-separated kmem event names;
					 * NULL: every replayable one this
					 * kernel has (RECORD_DEFAULT_EVENTS) */
	unsigned buffer_kb;		/* ring buffer per CPU; 0: default */
	char *const *argv;		/* COMMAND and its arguments (NULL with all) */
	bool all;			/* system-wide for duration_ns, no command */
	uint64_t duration_ns;		/* --all: how long (> 0) */
	record_write_fn write;
	void *write_ud;
};

/* What happened; filled as far as the recording got, even on failure. */
struct record_result {
	uint64_t events;		/* event lines written */
	uint64_t per_event[RECORD_MAX_EVENTS];	/* by enabled event, in
					 * the order of record_result.names */
	const char *names[RECORD_MAX_EVENTS];	/* enabled events (static) */
	unsigned nr_names;
	uint64_t lost;			/* overrun + dropped events over all CPUs
					 * (per_cpu/cpuN/stats), after the drain */
	uint64_t lost_lines;		/* of which trace_pipe announced, in
					 * "CPU:n [LOST m EVENTS]" lines */
	uint64_t bytes;			/* text written */
	bool started;			/* COMMAND was started (or --all began) */
	int cmd_status;			/* waitpid() status of COMMAND */
	bool cmd_done;			/* cmd_status is valid */
	int signal;			/* SIGINT/SIGTERM/SIGHUP that stopped us, or 0 */
	char instance[64];		/* the tracefs instance used */
	char kernel[80];		/* uname -r of the recorded kernel */
	char warning[256];		/* a problem that did not stop the recording */
};

/* ---- The recording ---- */

/**
 * record_run - record kmem events while COMMAND runs (or for a duration)
 * @cfg: what to record; @cfg->write receives the text
 * @res: filled in as the recording goes (zeroed first)
 * @err: on failure, what is missing and how to fix it; @errlen: its size
 *
 * Signals: SIGINT, SIGTERM and SIGHUP stop the recording (they are passed
 * on to COMMAND), the ring buffer is drained and the instance removed; the
 * signal is reported in @res->signal and the call still returns 0.  The
 * process signal mask and SIGCHLD handling are restored before returning.
 *
 * Return: 0 when a recording was made (whatever COMMAND's exit status),
 * -1 with @err filled when none could be: not root, no tracefs, lockdown,
 * no kmem events in this kernel, an unknown event, COMMAND not found, a
 * write error (the text written so far was written).  The instance is gone
 * in every case.
 */
int record_run(const struct record_config *cfg, struct record_result *res,
	       char *err, size_t errlen);

/**
 * record_check_events - validate a --events list without touching tracefs
 * @list: comma-separated names
 * @bad: on failure, the first unknown name is copied here; @badlen: its size
 *
 * Return: 0 when every name is a kmem event the replay understands, -1.
 */
int record_check_events(const char *list, char *bad, size_t badlen);

/* ---- Constants ---- */

/* the kmem tracepoints the replay reads (trace.h's enum trace_ev_type);
 * the *_node ones exist only before 6.1 and are skipped when absent */
#define RECORD_DEFAULT_EVENTS \
	"kmalloc,kmalloc_node,kfree,kmem_cache_alloc,kmem_cache_alloc_node," \
	"kmem_cache_free,mm_page_alloc,mm_page_free,mm_page_free_batched"
/* 8 MiB per CPU: ~140,000 kmem events of ring buffer, about a second of
 * a busy build on one CPU, while trace_pipe is drained continuously */
#define RECORD_DEFAULT_BUFFER_KB	8192u
#define RECORD_MAX_BUFFER_KB		(1024u * 1024u)	/* 1 GiB per CPU */
#define RECORD_POLL_MS			100	/* trace_pipe poll period */
#define RECORD_INSTANCE_PREFIX		"kmemsim-"	/* + pid */

#endif /* SIM_RECORD_H */

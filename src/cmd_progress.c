/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_progress.c - the progress line of run, compare and replay (stderr only)
 *
 * The engine never draws: it reports through sim.h's sim_progress_fn, and
 * this file is the command line's one implementation of it (struct
 * cmd_progress in cmd.h).  What is shown, for each kind of report:
 *
 *   run, compare   "kmemsim compare: [2/3 slub] steady 123456/270000 ops (45%), 1.2 s"
 *                  the run's label (compare: its policy, numbered), the
 *                  workload phase and its operations done/expected when
 *                  the workload engine said them (sim_progress_expect),
 *                  else the operations so far; the time since the run
 *                  began
 *   replay         "kmemsim replay: 123456 events, 1.23 M events/s, 45%"
 *                  the percentage of the input read, when its size is known
 *   sweep --run    "kmemsim sweep: 37/120 jobs done (31%), 2 failed, 12 s"
 *
 * On a terminal the line is rewritten in place (\r) at most every 0.1 s
 * and cleared before the command's own output; elsewhere (--progress into
 * a pipe or a file) a line is written at most once a second, and one when
 * a run ends ("... done: N ops in 1.2 s").  The times are wall-clock
 * elapsed times, on stderr only: nothing here reaches a report or stdout,
 * so outputs stay byte-identical with or without a progress line.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "sim.h"

#define PROGRESS_TTY_PERIOD	0.1	/* s between redraws on a terminal */
#define PROGRESS_LOG_PERIOD	1.0	/* s between lines into a pipe or file */

static double progress_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cmd_progress_start(struct cmd_progress *pg, const char *cmd,
			enum cmd_progress_mode mode)
{
	bool tty = isatty(STDERR_FILENO);

	memset(pg, 0, sizeof *pg);
	pg->cmd = cmd;
	pg->tty = tty;
	pg->on = mode == CMD_PROGRESS_ON || (mode == CMD_PROGRESS_AUTO && tty);
	pg->fresh = true;
	pg->t0 = pg->t_run = pg->last = progress_clock();
}

void cmd_progress_run(struct cmd_progress *pg, unsigned run, unsigned runs,
		      const char *label)
{
	pg->run = run;
	pg->runs = runs;
	pg->label = label;
	pg->t_run = progress_clock();
	pg->fresh = true;
	memset(&pg->p, 0, sizeof pg->p);
}

/* the line's text, without the leading \r or the trailing newline */
static void progress_text(const struct cmd_progress *pg, double now, char *buf,
			  size_t len)
{
	const struct sim_progress *p = &pg->p;
	double secs = now - pg->t_run;
	size_t n;

	n = (size_t)snprintf(buf, len, "kmemsim %s: ", pg->cmd);
	if (n >= len)
		return;
	if (p->label && strcmp(p->label, "sweep") == 0) {
		/* a sweep's jobs (cmd_sweep.c): @stage says how many failed */
		snprintf(buf + n, len - n, "%llu/%llu jobs done (%.0f%%)%s%s, %.0f s",
			 (unsigned long long)p->done, (unsigned long long)p->total,
			 p->total ? 100.0 * (double)p->done / (double)p->total : 0.0,
			 p->stage ? ", " : "", p->stage ? p->stage : "", secs);
		return;
	}
	if (p->bytes_total || p->bytes || (p->label && strcmp(p->label, "replay") == 0)) {
		/* a replay: events, their rate, the part of the input read */
		n += (size_t)snprintf(buf + n, len - n, "%llu events, %.2f M events/s",
				      (unsigned long long)p->done,
				      secs > 0 ? (double)p->done / secs / 1e6 : 0.0);
		if (n < len && p->bytes_total)
			snprintf(buf + n, len - n, ", %.0f%%",
				 100.0 * (double)p->bytes / (double)p->bytes_total);
		return;
	}
	if (pg->runs > 1)
		n += (size_t)snprintf(buf + n, len - n, "[%u/%u %s] ", pg->run, pg->runs,
				      pg->label ? pg->label : "?");
	if (n < len && p->stage)
		n += (size_t)snprintf(buf + n, len - n, "%s ", p->stage);
	if (n >= len)
		return;
	if (p->total && p->total >= p->done)
		snprintf(buf + n, len - n, "%llu/%llu ops (%.0f%%), %.1f s",
			 (unsigned long long)p->done, (unsigned long long)p->total,
			 100.0 * (double)p->done / (double)p->total, secs);
	else
		snprintf(buf + n, len - n, "%llu ops, %.1f s",
			 (unsigned long long)p->done, secs);
}

void cmd_progress_fn(void *ud, const struct sim_progress *p)
{
	struct cmd_progress *pg = ud;
	double now;
	char line[256];

	if (!pg->on)
		return;
	pg->p = *p;
	now = progress_clock();
	if (p->finished) {
		if (pg->tty) {
			if (pg->shown)
				fputs("\r\033[K", stderr);	/* leave the terminal clean */
			pg->shown = false;
		} else {
			if (p->label && strcmp(p->label, "replay") == 0)
				fprintf(stderr, "kmemsim %s: %llu events in %.2f s\n", pg->cmd,
					(unsigned long long)p->done, now - pg->t_run);
			else
				fprintf(stderr, "kmemsim %s: %s%s%llu ops in %.2f s\n", pg->cmd,
					pg->label ? pg->label : "", pg->label ? " done: " : "",
					(unsigned long long)p->done, now - pg->t_run);
		}
		fflush(stderr);
		return;
	}
	/*
	 * On a terminal a run's first report is drawn at once, so even a run
	 * shorter than the redraw period says it started; then at most one
	 * redraw per period.
	 */
	if (!(pg->tty && pg->fresh) &&
	    now - pg->last < (pg->tty ? PROGRESS_TTY_PERIOD : PROGRESS_LOG_PERIOD))
		return;
	pg->fresh = false;
	pg->last = now;
	progress_text(pg, now, line, sizeof line);
	if (pg->tty)
		fprintf(stderr, "\r%s\033[K", line);	/* \033[K: erase what was longer */
	else
		fprintf(stderr, "%s\n", line);
	fflush(stderr);
	pg->shown = pg->tty;
}

void cmd_progress_end(struct cmd_progress *pg)
{
	if (pg->on && pg->tty && pg->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pg->shown = false;
}

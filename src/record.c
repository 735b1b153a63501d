/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.c - record a workload's kmem events through a private tracefs instance
 *
 * What it does, in order
 * ----------------------
 *  1. Finds tracefs (libtracefs: /sys/kernel/tracing, mounting it there
 *     when root and it is not mounted yet) and checks that this kernel has
 *     the kmem tracepoints asked for (events/kmem/NAME).  The *_node events
 *     exist only before 6.1 and are skipped when absent; an event named in
 *     --events that the kernel lacks is an error.
 *  2. Removes instances named kmemsim-PID whose process is gone (a
 *     recorder killed by SIGKILL cannot clean up after itself), then
 *     creates its own, kmemsim-<our pid>.  Nothing outside that directory
 *     is written: the top-level buffer and other users' instances are never
 *     touched, so a trace-cmd or perf session running alongside is not
 *     disturbed, and this one is not disturbed by them.
 *  3. Sizes the instance's per-CPU ring buffer, and for a command sets
 *     set_event_pid to the command's pid with options/event-fork, so the
 *     command and every task it forks are traced (perf record -- COMMAND,
 *     trace-cmd record -F do the same) and nothing else is.  Kernel work
 *     done on the command's behalf by other tasks (kworkers, RCU callbacks
 *     in softirq of another task) is therefore not in the trace: objects
 *     that such work frees stay live at the end of the replay.  --all
 *     records every task.
 *  4. Runs the command: the child is forked first and waits on a pipe, so
 *     its pid can be filtered on and the events enabled before it execs;
 *     an exec failure comes back on a close-on-exec pipe and is an error
 *     (no trace of a command that never ran).
 *  5. Streams trace_pipe, the ring buffer's consuming text reader: the
 *     kernel formats each event with the formats it declares, which is the
 *     text the parser reads.  The descriptor is non-blocking and polled
 *     together with a signalfd, so one loop sees data, the command's exit
 *     (SIGCHLD) and Ctrl-C.  Only whole lines are handed to the writer.
 *  6. When the command exits, the time is up or a signal arrives: turns
 *     tracing_on off, drains what the buffer still holds, reads the lost
 *     event counters (per_cpu/cpuN/stats: "overrun" counts events the ring
 *     buffer overwrote before they were read, "dropped events" those
 *     refused by a full non-overwriting buffer), closes trace_pipe and
 *     removes the instance (rmdir), which disables its events.
 *
 * Signals
 * -------
 * SIGINT, SIGTERM, SIGHUP and SIGCHLD are blocked and read from a
 * signalfd for the duration, so no handler and no global flag is needed
 * and no signal can end the process before the instance is removed.  The
 * child gets the original mask and dispositions back before exec.  A
 * signal sent to kmemsim alone (kill: si_code SI_USER) is passed on to the
 * command; one from the terminal (Ctrl-C) already reached the command,
 * which is in the same process group.  SIGPIPE is ignored while recording,
 * so a closed output pipe is a write error (EPIPE) that tears down like
 * any other, not a death.  Signals still pending at the end are consumed,
 * so that unblocking them does not kill the process before its report.
 *
 * What is not done: the binary per-CPU buffers (trace_pipe_raw) are not
 * read (the text is what replay reads, and compresses about 10:1);
 * nothing is recorded from a kernel other than the running one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* signalfd, pipe2 */
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBTRACECMD
#include <tracefs.h>
#endif

#include "record.h"

static const char *const record_known[RECORD_MAX_EVENTS] = {
	"kmalloc", "kmalloc_node", "kfree", "kmem_cache_alloc",
	"kmem_cache_alloc_node", "kmem_cache_free", "mm_page_alloc",
	"mm_page_free", "mm_page_free_batched",
};

/* the known name equal to [s, s + n), or NULL */
static const char *record_known_name(const char *s, size_t n)
{
	for (unsigned i = 0; i < RECORD_MAX_EVENTS; i++)
		if (strlen(record_known[i]) == n && memcmp(record_known[i], s, n) == 0)
			return record_known[i];
	return NULL;
}

int record_check_events(const char *list, char *bad, size_t badlen)
{
	const char *s = list;

	if (!*list) {
		snprintf(bad, badlen, "(an empty list)");
		return -1;
	}
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (!record_known_name(s, n)) {
			snprintf(bad, badlen, "%.*s", (int)(n > 64 ? 64 : n), s);
			return -1;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

#ifdef HAVE_LIBTRACECMD

/* ---- Recording state ---- */

struct rec {
	const struct record_config *cfg;
	struct record_result *res;
	const char *dir;			/* tracefs mount point */
	struct tracefs_instance *inst;
	bool explicit_events;			/* --events given */
	int pipe_fd;				/* trace_pipe, non-blocking */
	int sig_fd;				/* signalfd */
	sigset_t old_mask;
	struct sigaction old_pipe;
	bool sig_blocked;
	pid_t child;
	char *buf;				/* read buffer: a partial line stays */
	size_t have;
	char *err;
	size_t errlen;
};

#define REC_BUF		(256u * 1024u)
#define REC_TURN	(4u * REC_BUF)	/* bytes read between deadline/signal checks */

static int rec_fail(struct rec *r, const char *fmt, const char *a, const char *b)
{
	if (r->err && r->errlen)
		snprintf(r->err, r->errlen, fmt, a ? a : "", b ? b : "");
	return -1;
}

/* "[confidentiality]" when the kernel is locked down against tracefs */
static bool rec_lockdown(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[confidentiality]") != NULL;
}

/* why tracefs said no, and what to do */
static int rec_denied(struct rec *r, const char *what, int errnum)
{
	char where[512];

	snprintf(where, sizeof where, "%s (%s)", what, strerror(errnum));
	if (geteuid() != 0)
		return rec_fail(r, "%s: recording kernel events needs root; run it as "
				"root, e.g. sudo kmemsim record -- COMMAND%s", where, NULL);
	if (rec_lockdown())
		return rec_fail(r, "%s: the kernel is locked down (lockdown=confidentiality "
				"forbids tracefs); boot with lockdown=integrity or none%s",
				where, NULL);
	return rec_fail(r, "%s%s", where, NULL);
}

/* ---- Instance ---- */

/* rmdir instances kmemsim-PID whose PID no longer exists */
static void rec_reap_stale(struct rec *r)
{
	char path[1024];
	DIR *d;
	struct dirent *de;
	size_t plen = strlen(RECORD_INSTANCE_PREFIX);

	snprintf(path, sizeof path, "%s/instances", r->dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, RECORD_INSTANCE_PREFIX, plen) != 0)
			continue;
		pid = strtol(de->d_name + plen, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;		/* alive (or not ours to judge) */
		snprintf(path, sizeof path, "%s/instances/%s", r->dir, de->d_name);
		rmdir(path);
	}
	closedir(d);
}

static int rec_write_file(struct rec *r, const char *file, const char *val)
{
	if (tracefs_instance_file_write(r->inst, file, val) < 0)
		return rec_denied(r, file, errno ? errno : EIO);
	return 0;
}

/* choose the events: every default one this kernel has, or exactly --events */
static int rec_events(struct rec *r)
{
	const char *list = r->cfg->events ? r->cfg->events : RECORD_DEFAULT_EVENTS;
	char path[1024];
	struct stat sb;
	const char *s = list;

	snprintf(path, sizeof path, "%s/events/kmem", r->dir);
	if (stat(path, &sb) != 0 && (errno == EACCES || errno == EPERM))
		return rec_denied(r, path, errno);
	if (stat(path, &sb) != 0)
		return rec_fail(r, "this kernel has no kmem tracepoints (%s is missing): "
				"it needs CONFIG_TRACEPOINTS and CONFIG_EVENT_TRACING%s",
				path, NULL);
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *name = record_known_name(s, n);

		if (!name)
			return rec_fail(r, "unknown kmem event in --events: %s%s", s, NULL);
		s += n;
		if (*s == ',')
			s++;
		snprintf(path, sizeof path, "%s/events/kmem/%s/enable", r->dir, name);
		if (stat(path, &sb) != 0) {
			if (r->explicit_events)
				return rec_fail(r, "this kernel has no kmem:%s tracepoint "
						"(see %s/events/kmem/)", name, r->dir);
			continue;	/* kmalloc_node and friends: before 6.1 only */
		}
		if (r->res->nr_names < RECORD_MAX_EVENTS)
			r->res->names[r->res->nr_names++] = name;
	}
	if (!r->res->nr_names)
		return rec_fail(r, "this kernel has none of the kmem tracepoints kmemsim "
				"replays (%s/events/kmem/)%s", r->dir, NULL);
	return 0;
}

static int rec_enable_events(struct rec *r)
{
	char file[128];

	for (unsigned i = 0; i < r->res->nr_names; i++) {
		snprintf(file, sizeof file, "events/kmem/%s/enable", r->res->names[i]);
		if (rec_write_file(r, file, "1") != 0)
			return -1;
	}
	return 0;
}

/* sum "overrun", "commit overrun" and "dropped events" over per_cpu/cpu* */
static uint64_t rec_lost(struct rec *r)
{
	char path[1200], line[128];
	uint64_t lost = 0;
	char *idir = tracefs_instance_get_dir(r->inst);
	DIR *d;
	struct dirent *de;

	if (!idir)
		return 0;
	snprintf(path, sizeof path, "%s/per_cpu", idir);
	d = opendir(path);
	while (d && (de = readdir(d)) != NULL) {
		FILE *f;

		if (strncmp(de->d_name, "cpu", 3) != 0)
			continue;
		snprintf(path, sizeof path, "%s/per_cpu/%s/stats", idir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f)) {
			unsigned long long v;

			if (sscanf(line, "overrun: %llu", &v) == 1 ||
			    sscanf(line, "commit overrun: %llu", &v) == 1 ||
			    sscanf(line, "dropped events: %llu", &v) == 1)
				lost += v;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	tracefs_put_tracing_file(idir);
	return lost;
}

/* ---- Streaming ---- */

/* Count one line: an event of ours, or a "CPU:n [LOST m EVENTS]" notice. */
static void rec_count_line(struct rec *r, const char *s, const char *e)
{
	const char *p, *t;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (e - s > 4 && memcmp(s, "CPU:", 4) == 0) {
		p = memchr(s, '[', (size_t)(e - s));
		if (p && e - p > 6 && memcmp(p, "[LOST ", 6) == 0)
			r->res->lost_lines += strtoull(p + 6, NULL, 10);
		return;
	}
	/* "comm-pid [cpu] flags ts: event: ..." : the event is the token
	 * after the first token that ends in ':' past the CPU column */
	p = memchr(s, ']', (size_t)(e - s));
	if (!p)
		return;
	for (p++; p < e; p++) {
		if (*p == ':' && (p + 1 == e || p[1] == ' '))
			break;
	}
	if (p >= e)
		return;
	p++;
	while (p < e && *p == ' ')
		p++;
	for (t = p; t < e && *t != ':' && *t != ' '; t++)
		;
	if (t >= e || *t != ':')
		return;
	for (unsigned i = 0; i < r->res->nr_names; i++) {
		const char *n = r->res->names[i];

		if (strlen(n) == (size_t)(t - p) && memcmp(n, p, (size_t)(t - p)) == 0) {
			r->res->events++;
			r->res->per_event[i]++;
			return;
		}
	}
}

/* hand the whole lines of the buffer to the writer; keep a partial one */
static int rec_flush_lines(struct rec *r)
{
	const char *s = r->buf, *e = r->buf + r->have, *nl, *last = r->buf;
	size_t n;

	while ((nl = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		rec_count_line(r, s, nl);
		s = nl + 1;
		last = s;
	}
	n = (size_t)(last - r->buf);
	if (n) {
		if (r->cfg->write(r->cfg->write_ud, r->buf, n) != 0)
			return rec_fail(r, "cannot write the trace: %s%s", strerror(errno), NULL);
		r->res->bytes += n;
		memmove(r->buf, last, r->have - n);
		r->have -= n;
	}
	if (r->have == REC_BUF) {
		/* a 256 KiB line: not trace_pipe text; pass it on as it is */
		if (r->cfg->write(r->cfg->write_ud, r->buf, r->have) != 0)
			return rec_fail(r, "cannot write the trace: %s%s", strerror(errno), NULL);
		r->res->bytes += r->have;
		r->have = 0;
	}
	return 0;
}

/*
 * Read trace_pipe until it is empty (EAGAIN), or until @limit bytes were
 * read (0: no limit); -1 on a read or write error.  While tracing is on,
 * a busy machine -- and the recorder's own writes, which allocate -- can
 * refill the pipe as fast as it is read, so the recording loop reads a
 * bounded amount per turn and still sees its deadline and signals; only
 * the last drain, with tracing_on already 0, reads to the end.
 */
static int rec_drain(struct rec *r, size_t limit)
{
	size_t done = 0;

	while (!limit || done < limit) {
		ssize_t got = read(r->pipe_fd, r->buf + r->have, REC_BUF - r->have);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return rec_fail(r, "cannot read trace_pipe: %s%s", strerror(errno), NULL);
		}
		if (got == 0)
			return 0;
		r->have += (size_t)got;
		done += (size_t)got;
		if (rec_flush_lines(r) != 0)
			return -1;
	}
	return 0;
}

/* ---- The command ---- */

/* fork COMMAND, stopped before exec until rec_go(); -1 on failure */
static int rec_spawn(struct rec *r, int *go_fd, int *exec_fd)
{
	int go[2], ex[2];

	if (pipe2(go, O_CLOEXEC) != 0)
		return rec_fail(r, "cannot create a pipe: %s%s", strerror(errno), NULL);
	if (pipe2(ex, O_CLOEXEC) != 0) {
		close(go[0]);
		close(go[1]);
		return rec_fail(r, "cannot create a pipe: %s%s", strerror(errno), NULL);
	}
	r->child = fork();
	if (r->child < 0) {
		close(go[0]);
		close(go[1]);
		close(ex[0]);
		close(ex[1]);
		r->child = 0;
		return rec_fail(r, "cannot fork: %s%s", strerror(errno), NULL);
	}
	if (r->child == 0) {
		char c;
		int e;

		/* the command gets the signals as kmemsim was given them */
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
		close(go[1]);
		close(ex[0]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		execvp(r->cfg->argv[0], r->cfg->argv);
		e = errno;
		if (write(ex[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	*go_fd = go[1];
	*exec_fd = ex[0];
	return 0;
}

/* let the child exec; -1 (child reaped) when exec failed */
static int rec_go(struct rec *r, int go_fd, int exec_fd)
{
	int e = 0;
	ssize_t got;

	if (write(go_fd, "g", 1) != 1) {
		close(go_fd);
		close(exec_fd);
		return rec_fail(r, "cannot start the command: %s%s", strerror(errno), NULL);
	}
	close(go_fd);
	do
		got = read(exec_fd, &e, sizeof e);
	while (got < 0 && errno == EINTR);
	close(exec_fd);
	if (got == (ssize_t)sizeof e) {
		waitpid(r->child, NULL, 0);
		r->child = 0;
		return rec_fail(r, "cannot run %s: %s", r->cfg->argv[0], strerror(e));
	}
	return 0;
}

/* the child has exited? (reaps it) */
static bool rec_child_done(struct rec *r)
{
	int st;
	pid_t p;

	if (r->child <= 0)
		return true;
	p = waitpid(r->child, &st, WNOHANG);
	if (p == r->child) {
		r->res->cmd_status = st;
		r->res->cmd_done = true;
		r->child = 0;
		return true;
	}
	return false;
}

static uint64_t rec_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Signals ---- */

static int rec_signals_block(struct rec *r)
{
	sigset_t set;
	struct sigaction ign;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &r->old_mask) != 0)
		return rec_fail(r, "cannot block signals: %s%s", strerror(errno), NULL);
	r->sig_blocked = true;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &r->old_pipe);
	r->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r->sig_fd < 0)
		return rec_fail(r, "cannot create a signalfd: %s%s", strerror(errno), NULL);
	return 0;
}

/* read pending signals; true when one asks to stop */
static bool rec_signals_read(struct rec *r)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(r->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (!r->res->signal)
			r->res->signal = (int)si.ssi_signo;
		/* sent to us alone (kill), not by the terminal: pass it on */
		if (r->child > 0 && si.ssi_code == SI_USER)
			kill(r->child, (int)si.ssi_signo);
		stop = true;
	}
	return stop;
}

static void rec_signals_restore(struct rec *r)
{
	if (r->sig_fd >= 0) {
		rec_signals_read(r);	/* consume: unblocking must not kill us */
		close(r->sig_fd);
		r->sig_fd = -1;
	}
	if (r->sig_blocked) {
		sigaction(SIGPIPE, &r->old_pipe, NULL);
		sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
		r->sig_blocked = false;
	}
}

/* ---- record_run ---- */

static int rec_loop(struct rec *r)
{
	uint64_t deadline = r->cfg->all ? rec_now_ns() + r->cfg->duration_ns : 0;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = r->pipe_fd, .events = POLLIN },
			{ .fd = r->sig_fd, .events = POLLIN },
		};
		int timeout = RECORD_POLL_MS;

		if (deadline) {
			uint64_t now = rec_now_ns();

			if (now >= deadline)
				return 0;
			if (deadline - now < (uint64_t)RECORD_POLL_MS * 1000000u)
				timeout = (int)((deadline - now) / 1000000u) + 1;
		}
		if (poll(pf, 2, timeout) < 0 && errno != EINTR)
			return rec_fail(r, "poll: %s%s", strerror(errno), NULL);
		if (rec_drain(r, REC_TURN) != 0)
			return -1;
		if (rec_signals_read(r))
			return 0;
		if (!r->cfg->all && rec_child_done(r))
			return 0;
	}
}

int record_run(const struct record_config *cfg, struct record_result *res,
	       char *err, size_t errlen)
{
	struct rec r = { .cfg = cfg, .res = res, .pipe_fd = -1, .sig_fd = -1,
			 .err = err, .errlen = errlen };
	struct utsname un;
	char name[64], val[32];
	int go_fd = -1, exec_fd = -1, rc = -1;

	memset(res, 0, sizeof *res);
	if (err && errlen)
		err[0] = '\0';
	if (uname(&un) == 0)
		snprintf(res->kernel, sizeof res->kernel, "%s", un.release);
	r.explicit_events = cfg->events != NULL;
	if (!cfg->all && (!cfg->argv || !cfg->argv[0]))
		return rec_fail(&r, "no command to record%s%s", NULL, NULL);

	errno = 0;
	r.dir = tracefs_tracing_dir();
	if (!r.dir) {
		if (geteuid() != 0)
			return rec_fail(&r, "tracefs is not available to this user: recording "
					"kernel events needs root; run it as root, e.g. sudo "
					"kmemsim record -- COMMAND%s%s", NULL, NULL);
		return rec_fail(&r, "tracefs is not mounted and could not be mounted: this "
				"kernel needs CONFIG_FTRACE (tracefs); try: mount -t tracefs "
				"nodev /sys/kernel/tracing%s%s", NULL, NULL);
	}
	if (rec_events(&r) != 0)
		return -1;
	rec_reap_stale(&r);

	snprintf(name, sizeof name, RECORD_INSTANCE_PREFIX "%ld", (long)getpid());
	snprintf(res->instance, sizeof res->instance, "%s", name);
	if (tracefs_instance_exists(name))
		return rec_fail(&r, "a tracefs instance named %s already exists; "
				"remove it (rmdir %s/instances/<name>) if it is stale", name, r.dir);
	errno = 0;
	r.inst = tracefs_instance_create(name);
	if (!r.inst || !tracefs_instance_exists(name)) {
		char what[512];

		snprintf(what, sizeof what, "cannot create the tracefs instance %s/instances/%s",
			 r.dir, name);
		rc = rec_denied(&r, what, errno ? errno : EPERM);
		if (r.inst) {
			tracefs_instance_free(r.inst);
			r.inst = NULL;
		}
		return rc;
	}
	rc = -1;
	r.buf = malloc(REC_BUF);
	if (!r.buf) {
		rec_fail(&r, "out of memory%s%s", NULL, NULL);
		goto out;
	}

	/* from here on, every way out goes through "out:" */
	if (rec_write_file(&r, "tracing_on", "0") != 0)
		goto out;
	snprintf(val, sizeof val, "%u", cfg->buffer_kb ? cfg->buffer_kb :
		 RECORD_DEFAULT_BUFFER_KB);
	if (rec_write_file(&r, "buffer_size_kb", val) != 0)
		goto out;
	/* close-on-exec: a command holding it open would keep the instance busy */
	r.pipe_fd = tracefs_instance_file_open(r.inst, "trace_pipe",
					       O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r.pipe_fd < 0) {
		rec_denied(&r, "cannot open trace_pipe", errno ? errno : EIO);
		goto out;
	}
	if (rec_signals_block(&r) != 0)
		goto out;
	if (!cfg->all) {
		if (rec_spawn(&r, &go_fd, &exec_fd) != 0)
			goto out;
		snprintf(val, sizeof val, "%ld", (long)r.child);
		if (rec_write_file(&r, "options/event-fork", "1") != 0 ||
		    rec_write_file(&r, "set_event_pid", val) != 0)
			goto out;
	}
	if (rec_enable_events(&r) != 0 || rec_write_file(&r, "tracing_on", "1") != 0)
		goto out;
	if (!cfg->all) {
		int g = go_fd, x = exec_fd;

		go_fd = exec_fd = -1;
		if (rec_go(&r, g, x) != 0)
			goto out;
	}
	res->started = true;
	rc = rec_loop(&r);
	/* stop, then take everything the buffer still holds */
	if (tracefs_instance_file_write(r.inst, "tracing_on", "0") < 0 && rc == 0)
		rc = rec_denied(&r, "tracing_on", errno ? errno : EIO);
	if (rec_drain(&r, 0) != 0)
		rc = -1;
	if (r.have) {	/* a last line without '\n' (cannot happen with trace_pipe) */
		r.buf[r.have++] = '\n';
		if (rec_flush_lines(&r) != 0)
			rc = -1;
	}
	res->lost = rec_lost(&r);
out:
	if (go_fd >= 0)
		close(go_fd);		/* the child reads EOF, execs, and is waited for */
	if (exec_fd >= 0)
		close(exec_fd);
	if (r.pipe_fd >= 0)
		close(r.pipe_fd);
	if (r.inst) {
		if (tracefs_instance_destroy(r.inst) != 0 && !res->warning[0])
			snprintf(res->warning, sizeof res->warning,
				 "could not remove the tracefs instance %s/instances/%s: %s",
				 r.dir, name, strerror(errno));
		tracefs_instance_free(r.inst);
	}
	/* the command: it has exited, or a signal stopped us; wait up to 2 s */
	for (int i = 0; r.child > 0 && i < 200; i++) {
		if (rec_child_done(&r))
			break;
		if (i == 0 && rc != 0 && !res->started)
			kill(r.child, SIGTERM);	/* never started: do not leave it */
		usleep(10000);
	}
	if (r.child > 0 && !res->warning[0])
		snprintf(res->warning, sizeof res->warning,
			 "%s (pid %ld) is still running; not waited for",
			 cfg->argv[0], (long)r.child);
	rec_signals_restore(&r);
	free(r.buf);
	return rc;
}

#else /* !HAVE_LIBTRACECMD */

int record_run(const struct record_config *cfg, struct record_result *res,
	       char *err, size_t errlen)
{
	(void)cfg;
	memset(res, 0, sizeof *res);
	snprintf(err, errlen, "kmemsim was built without libtracefs (configure "
		 "--without-tracecmd); install libtracefs-dev and libtracecmd-dev "
		 "(see ./bootstrap) and rebuild");
	return -1;
}

#endif

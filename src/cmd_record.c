/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record.c - the `kmemsim record` command
 *
 *   kmemsim record [-o FILE|-] [--events LIST] [--buffer-kb N] -- COMMAND [ARGS]
 *   kmemsim record --all [--duration 10s] [-o FILE|-] [--events LIST] [--buffer-kb N]
 *
 * The command is glue: it parses options, opens the output (compressed by
 * the file's extension: .xz, .gz, .zst, .bz2; "-" is standard output,
 * plain), lets record.c do the recording through a private tracefs
 * instance, and says what it got on stderr: events recorded by type, and
 * events lost (the tracer's overrun counters).  A file is written under a
 * temporary name in the same directory and renamed only when the recording
 * is complete, so a failure never leaves a partial file behind, and a
 * recording that could not be made (not root, no tracefs, lockdown, no
 * kmem events, COMMAND not found) leaves none at all.  Exit status: 0 the
 * trace was recorded and COMMAND exited 0 (with --all: the duration ran
 * out or Ctrl-C stopped it); 1 no trace could be recorded, or COMMAND
 * failed (its trace is still kept and said so); 2 usage error.
 *
 * cmd_record_spawn() is `kmemsim replay --record`'s half: the same
 * recording in a child process, streamed as plain text into a pipe that
 * the replay reads as it goes, with no file in between.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* pipe2 */
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codecs.h"
#include "sim.h"
#include "cmd.h"
#include "record.h"

#define EXIT_FAILED CMD_EXIT_FAILED
#define EXIT_USAGE CMD_EXIT_USAGE

#define REC_DEFAULT_DURATION_NS	(UINT64_C(10) * SIM_NSEC_PER_SEC)
#define REC_MAX_DURATION_NS	(UINT64_C(86400) * SIM_NSEC_PER_SEC)	/* a day */
/* compression levels: fast enough to keep up with trace_pipe on one core
 * (xz -3 about 10 MB/s of trace text, which is ~100k events/s) */
#define REC_XZ_PRESET	3
#define REC_GZ_LEVEL	6
#define REC_ZSTD_LEVEL	3
#define REC_OUT_BUF	(256u * 1024u)

enum {
	REC_K_EVENTS = CMD_K_OWN,
	REC_K_BUFFER_KB,
	REC_K_ALL,
	REC_K_DURATION,
};

static const struct cmd_option rec_options[] = {
	{ "output", CMD_K_OUTPUT, CMD_ARG_REQUIRED, "FILE", CMD_V_FILE,
	  "where the trace goes (default kmemsim.trace.xz); .xz, .gz,\n"
	  ".zst or .bz2 compress it; - is standard output (plain text)" },
	{ "events", REC_K_EVENTS, CMD_ARG_REQUIRED, "LIST", CMD_V_TEXT,
	  "comma-separated kmem events (default: those of\n"
	  RECORD_DEFAULT_EVENTS "\nthat this kernel has)" },
	{ "buffer-kb", REC_K_BUFFER_KB, CMD_ARG_REQUIRED, "N", CMD_V_TEXT,
	  "ring buffer per CPU in KiB (default 8192)" },
	{ "all", REC_K_ALL, CMD_ARG_NONE, NULL, CMD_V_TEXT,
	  "record every task, for --duration, instead of COMMAND" },
	{ "duration", REC_K_DURATION, CMD_ARG_REQUIRED, "T", CMD_V_TEXT,
	  "how long --all records: 500ms, 10s (default), 2min" },
	{ NULL }
};

static int rec_main(const struct cmd *cmd, int argc, char **argv);

const struct cmd cmd_record = {
	.name = "record",
	.synopsis = "[options] -- COMMAND [ARGS...]  |  --all [--duration T]",
	.summary = "record a workload's kernel kmem events (root) for replay",
	.description =
		"Records the kernel's kmem events (kmalloc, kfree, kmem_cache_alloc,\n"
		"kmem_cache_free, mm_page_alloc, mm_page_free, ...) while COMMAND runs,\n"
		"for `kmemsim replay`.  Needs root: it creates a tracefs instance of its\n"
		"own (never touching the top-level buffer or other instances), traces\n"
		"COMMAND and every task it forks, and removes the instance when done,\n"
		"also on Ctrl-C.  It reports the events recorded and lost on stderr.\n"
		"`kmemsim replay --record -- COMMAND` records and replays in one step.",
	.exit_status = "0 recorded (and COMMAND exited 0), 1 nothing could be\n"
		       "recorded or COMMAND failed (its trace is kept), 2 usage error",
	.options = rec_options,
	.operand = CMD_V_COMMAND,
	.main = rec_main,
};

struct record_opts {
	const char *output;
	struct record_config cfg;
};

/* ---- Options ---- */

/* Return: 0 to go on, -1 after --help, or the usage exit status */
static int rec_parse(const struct cmd *cmd, int argc, char **argv,
		     struct record_opts *o)
{
	struct cmd_getopt g;
	bool duration = false;
	const char *v;
	int key;

	memset(o, 0, sizeof *o);
	o->cfg.duration_ns = REC_DEFAULT_DURATION_NS;
	cmd_getopt_init(&g, cmd, argc, argv);
	/* stop at COMMAND: its own options are not ours ("+", POSIX order) */
	memmove(g.shortopts + 1, g.shortopts, strlen(g.shortopts) + 1);
	g.shortopts[0] = '+';
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		if (key == CMD_GETOPT_HELP)
			return -1;
		if (key == CMD_GETOPT_ERROR)
			return EXIT_USAGE;
		v = g.arg;
		switch (key) {
		case CMD_K_OUTPUT:
			if (!*v)
				return cmd_error(cmd, "-o needs a file name (or - for standard output)");
			o->output = v;
			break;
		case REC_K_EVENTS: {
			char bad[80];

			if (record_check_events(v, bad, sizeof bad) != 0)
				return cmd_error(cmd, "--events: '%s' is not a kmem event kmemsim "
						 "replays (" RECORD_DEFAULT_EVENTS ")", bad);
			o->cfg.events = v;
			break;
		}
		case REC_K_BUFFER_KB: {
			uint64_t n;

			if (cmd_parse_u64(v, &n) || n < 4 || n > RECORD_MAX_BUFFER_KB)
				return cmd_error(cmd, "--buffer-kb needs a number of KiB from 4 "
						 "to 1048576 (1 GiB per CPU)");
			o->cfg.buffer_kb = (unsigned)n;
			break;
		}
		case REC_K_ALL:
			o->cfg.all = true;
			break;
		case REC_K_DURATION:
			if (sim_parse_duration(v, false, &o->cfg.duration_ns) ||
			    o->cfg.duration_ns == 0 || o->cfg.duration_ns > REC_MAX_DURATION_NS)
				return cmd_error(cmd, "--duration needs a time from 1ms to 24h, "
						 "like 10s or 500ms");
			duration = true;
			break;
		default:
			return cmd_error(cmd, "option %s is not handled", g.spelled);
		}
	}
	if (g.optind < argc)
		o->cfg.argv = argv + g.optind;
	if (o->cfg.all && o->cfg.argv)
		return cmd_error(cmd, "--all records every task for --duration: it takes "
				 "no COMMAND (got '%s')", o->cfg.argv[0]);
	if (!o->cfg.all && !o->cfg.argv)
		return cmd_error(cmd, "missing COMMAND (kmemsim record -- COMMAND [ARGS]), "
				 "or --all");
	if (duration && !o->cfg.all)
		return cmd_error(cmd, "--duration goes with --all (a COMMAND is recorded "
				 "until it exits)");
	if (!o->output)
#ifdef HAVE_LIBLZMA
		o->output = "kmemsim.trace.xz";
#else
		o->output = "kmemsim.trace";
#endif
	return 0;
}

/* ---- Output: a file under a temporary name, compressed by extension ---- */

enum rec_comp { REC_PLAIN, REC_GZ, REC_XZ, REC_ZST, REC_BZ2 };

struct rec_out {
	const char *path;	/* "-": standard output */
	char *tmp;		/* temporary name, renamed to path at the end */
	int fd;
	enum rec_comp comp;
	unsigned char *buf;
	int err;		/* errno of the first write error */
#ifdef HAVE_ZLIB
	z_stream zs;
	bool zs_live;
#endif
#ifdef HAVE_LIBLZMA
	lzma_stream xs;
	bool xs_live;
#endif
#ifdef HAVE_LIBZSTD
	ZSTD_CStream *zc;
#endif
#ifdef HAVE_LIBBZ2
	bz_stream bs;
	bool bs_live;
#endif
};

static bool rec_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int rec_write_all(struct rec_out *o, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(o->fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (!o->err)
				o->err = errno;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* feed @n bytes (finish: flush the encoder's end too) */
static int rec_encode(struct rec_out *o, const char *p, size_t n, bool finish)
{
	switch (o->comp) {
	case REC_PLAIN:
		return rec_write_all(o, p, n);
#ifdef HAVE_ZLIB
	case REC_GZ:
		o->zs.next_in = (Bytef *)p;
		o->zs.avail_in = (uInt)n;
		for (;;) {
			int zrc;

			o->zs.next_out = o->buf;
			o->zs.avail_out = REC_OUT_BUF;
			zrc = deflate(&o->zs, finish ? Z_FINISH : Z_NO_FLUSH);
			if (zrc == Z_STREAM_ERROR)
				return errno = EIO, o->err = EIO, -1;
			if (rec_write_all(o, o->buf, REC_OUT_BUF - o->zs.avail_out) != 0)
				return -1;
			if (finish ? zrc == Z_STREAM_END : o->zs.avail_out != 0)
				return 0;
		}
#endif
#ifdef HAVE_LIBLZMA
	case REC_XZ:
		o->xs.next_in = (const uint8_t *)p;
		o->xs.avail_in = n;
		for (;;) {
			lzma_ret xrc;

			o->xs.next_out = o->buf;
			o->xs.avail_out = REC_OUT_BUF;
			xrc = lzma_code(&o->xs, finish ? LZMA_FINISH : LZMA_RUN);
			if (xrc != LZMA_OK && xrc != LZMA_STREAM_END)
				return errno = EIO, o->err = EIO, -1;
			if (rec_write_all(o, o->buf, REC_OUT_BUF - o->xs.avail_out) != 0)
				return -1;
			if (finish ? xrc == LZMA_STREAM_END :
			    (o->xs.avail_in == 0 && o->xs.avail_out != 0))
				return 0;
		}
#endif
#ifdef HAVE_LIBZSTD
	case REC_ZST: {
		ZSTD_inBuffer ib = { p, n, 0 };

		for (;;) {
			ZSTD_outBuffer ob = { o->buf, REC_OUT_BUF, 0 };
			size_t zrc = ZSTD_compressStream2(o->zc, &ob, &ib,
							  finish ? ZSTD_e_end : ZSTD_e_continue);

			if (ZSTD_isError(zrc))
				return errno = EIO, o->err = EIO, -1;
			if (rec_write_all(o, o->buf, ob.pos) != 0)
				return -1;
			if (finish ? zrc == 0 : ib.pos == ib.size)
				return 0;
		}
	}
#endif
#ifdef HAVE_LIBBZ2
	case REC_BZ2:
		o->bs.next_in = (char *)p;
		o->bs.avail_in = (unsigned)n;
		for (;;) {
			int brc;

			o->bs.next_out = (char *)o->buf;
			o->bs.avail_out = REC_OUT_BUF;
			brc = BZ2_bzCompress(&o->bs, finish ? BZ_FINISH : BZ_RUN);
			if (brc < 0)
				return errno = EIO, o->err = EIO, -1;
			if (rec_write_all(o, o->buf, REC_OUT_BUF - o->bs.avail_out) != 0)
				return -1;
			if (finish ? brc == BZ_STREAM_END : o->bs.avail_in == 0)
				return 0;
		}
#endif
	default:
		return errno = EINVAL, -1;
	}
}

static int rec_out_write(void *ud, const char *buf, size_t len)
{
	struct rec_out *o = ud;

	if (rec_encode(o, buf, len, false) != 0) {
		errno = o->err ? o->err : EIO;
		return -1;
	}
	return 0;
}

static void rec_out_free(struct rec_out *o)
{
#ifdef HAVE_ZLIB
	if (o->zs_live)
		deflateEnd(&o->zs);
#endif
#ifdef HAVE_LIBLZMA
	if (o->xs_live)
		lzma_end(&o->xs);
#endif
#ifdef HAVE_LIBZSTD
	ZSTD_freeCStream(o->zc);
	o->zc = NULL;
#endif
#ifdef HAVE_LIBBZ2
	if (o->bs_live)
		BZ2_bzCompressEnd(&o->bs);
#endif
	free(o->buf);
	free(o->tmp);
	o->buf = NULL;
	o->tmp = NULL;
}

/* Return: 0, or -1 with a message printed */
static int rec_out_open(struct rec_out *o, const char *path)
{
	const char *missing = NULL;
	size_t n;

	memset(o, 0, sizeof *o);
	o->path = path;
	o->fd = -1;
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	if (rec_ends_with(path, ".gz"))
		o->comp = REC_GZ;
	else if (rec_ends_with(path, ".xz"))
		o->comp = REC_XZ;
	else if (rec_ends_with(path, ".zst"))
		o->comp = REC_ZST;
	else if (rec_ends_with(path, ".bz2"))
		o->comp = REC_BZ2;
	o->buf = malloc(REC_OUT_BUF);
	if (!o->buf)
		goto nomem;
	switch (o->comp) {
	case REC_PLAIN:
		break;
	case REC_GZ:
#ifdef HAVE_ZLIB
		if (deflateInit2(&o->zs, REC_GZ_LEVEL, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			goto nomem;
		o->zs_live = true;
#else
		missing = "zlib";
#endif
		break;
	case REC_XZ:
#ifdef HAVE_LIBLZMA
	{
		lzma_stream init = LZMA_STREAM_INIT;

		o->xs = init;
		if (lzma_easy_encoder(&o->xs, REC_XZ_PRESET, LZMA_CHECK_CRC64) != LZMA_OK)
			goto nomem;
		o->xs_live = true;
	}
#else
		missing = "liblzma";
#endif
		break;
	case REC_ZST:
#ifdef HAVE_LIBZSTD
		o->zc = ZSTD_createCStream();
		if (!o->zc || ZSTD_isError(ZSTD_CCtx_setParameter(o->zc, ZSTD_c_compressionLevel,
								  REC_ZSTD_LEVEL)))
			goto nomem;
#else
		missing = "libzstd";
#endif
		break;
	case REC_BZ2:
#ifdef HAVE_LIBBZ2
		if (BZ2_bzCompressInit(&o->bs, 9, 0, 0) != BZ_OK)
			goto nomem;
		o->bs_live = true;
#else
		missing = "libbz2";
#endif
		break;
	}
	if (missing) {
		fprintf(stderr, "kmemsim record: %s: kmemsim was built without %s; "
			"install it (see ./bootstrap) and rebuild, or choose another "
			"extension\n", path, missing);
		rec_out_free(o);
		return -1;
	}
	n = strlen(path) + 32;
	o->tmp = malloc(n);
	if (!o->tmp)
		goto nomem;
	snprintf(o->tmp, n, "%s.tmp-%ld", path, (long)getpid());
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (o->fd < 0) {
		fprintf(stderr, "kmemsim record: cannot write %s: %s\n", path, strerror(errno));
		rec_out_free(o);
		return -1;
	}
	return 0;
nomem:
	fprintf(stderr, "kmemsim record: out of memory\n");
	rec_out_free(o);
	return -1;
}

/* end the stream and rename the file into place; -1 with a message */
static int rec_out_finish(struct rec_out *o)
{
	int rc = rec_encode(o, NULL, 0, true);

	if (o->fd != STDOUT_FILENO) {
		if (close(o->fd) != 0 && !o->err)
			o->err = errno;
		o->fd = -1;
		if (rc == 0 && !o->err && rename(o->tmp, o->path) != 0)
			o->err = errno;
		if (rc != 0 || o->err)
			unlink(o->tmp);
	}
	if (rc != 0 || o->err) {
		fprintf(stderr, "kmemsim record: cannot write %s: %s\n",
			strcmp(o->path, "-") ? o->path : "standard output",
			strerror(o->err ? o->err : EIO));
		rec_out_free(o);
		return -1;
	}
	rec_out_free(o);
	return 0;
}

/* drop the temporary file: nothing is left behind */
static void rec_out_abort(struct rec_out *o)
{
	if (o->fd >= 0 && o->fd != STDOUT_FILENO) {
		close(o->fd);
		unlink(o->tmp);
	}
	o->fd = -1;
	rec_out_free(o);
}

/* ---- The report on stderr ---- */

static void rec_header(struct rec_out *o, const struct record_config *cfg)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "# kmemsim record: %s",
			 cfg->all ? "--all (every task)" : "--");

	for (char *const *a = cfg->argv; a && *a && n < (int)sizeof line - 2; a++)
		n += snprintf(line + n, sizeof line - (size_t)n, " %s", *a);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	rec_out_write(o, line, (size_t)n);
}

static const char *rec_signame(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	case SIGPIPE: return "SIGPIPE";
	default: return "a signal";
	}
}

/* Print what was recorded; return the exit status it implies. */
static int rec_summary(const struct record_config *cfg, const struct record_result *res,
		       const char *where)
{
	int status = 0;

	fprintf(stderr, "kmemsim record: %llu events recorded, %llu lost, kernel %s, "
		"into %s\n", (unsigned long long)res->events,
		(unsigned long long)res->lost, res->kernel, where);
	fprintf(stderr, "kmemsim record:");
	for (unsigned i = 0; i < res->nr_names; i++)
		fprintf(stderr, " %s %llu%s", res->names[i],
			(unsigned long long)res->per_event[i],
			i + 1 < res->nr_names ? "," : "\n");
	if (res->lost)
		fprintf(stderr, "kmemsim record: %llu events were overwritten before they "
			"could be read (per_cpu/cpuN/stats overrun); a larger "
			"--buffer-kb (now %u) keeps more\n", (unsigned long long)res->lost,
			cfg->buffer_kb ? cfg->buffer_kb : RECORD_DEFAULT_BUFFER_KB);
	if (res->warning[0])
		fprintf(stderr, "kmemsim record: warning: %s\n", res->warning);
	if (res->signal)
		fprintf(stderr, "kmemsim record: stopped by %s; the trace covers the run "
			"up to then\n", rec_signame(res->signal));
	if (!cfg->all && res->cmd_done) {
		int st = res->cmd_status;

		if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
			fprintf(stderr, "kmemsim record: %s exited with status %d (its trace "
				"is kept)\n", cfg->argv[0], WEXITSTATUS(st));
			status = EXIT_FAILED;
		} else if (WIFSIGNALED(st)) {
			fprintf(stderr, "kmemsim record: %s was killed by %s (its trace is "
				"kept)\n", cfg->argv[0], rec_signame(WTERMSIG(st)));
			status = EXIT_FAILED;
		}
	} else if (!cfg->all) {
		status = EXIT_FAILED;		/* still running: not known to succeed */
	}
	return status;
}

/* ---- The commands ---- */

static int rec_main(const struct cmd *cmd, int argc, char **argv)
{
	struct record_opts o;
	struct record_result res;
	struct rec_out out;
	char err[768], trailer[160];
	int rc, status;

	rc = rec_parse(cmd, argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (rec_out_open(&out, o.output) != 0)
		return EXIT_FAILED;
	o.cfg.write = rec_out_write;
	o.cfg.write_ud = &out;
	rec_header(&out, &o.cfg);
	if (record_run(&o.cfg, &res, err, sizeof err) != 0) {
		fprintf(stderr, "kmemsim record: %s\n", err);
		if (res.warning[0])
			fprintf(stderr, "kmemsim record: warning: %s\n", res.warning);
		rec_out_abort(&out);
		return EXIT_FAILED;
	}
	snprintf(trailer, sizeof trailer, "# kmemsim record: %llu events, %llu lost, "
		 "kernel %s\n", (unsigned long long)res.events,
		 (unsigned long long)res.lost, res.kernel);
	rec_out_write(&out, trailer, strlen(trailer));
	if (rec_out_finish(&out) != 0)
		return EXIT_FAILED;
	status = rec_summary(&o.cfg, &res, strcmp(o.output, "-") ? o.output :
			     "standard output");
	return status;
}

static int rec_fd_write(void *ud, const char *buf, size_t len)
{
	int fd = *(int *)ud;

	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int cmd_record_spawn(char *const *argv, bool cmd_stdout_to_stderr, pid_t *pid, int *fd)
{
	int p[2];
	pid_t child;

	if (pipe2(p, O_CLOEXEC) != 0) {
		fprintf(stderr, "kmemsim replay: cannot create a pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "kmemsim replay: cannot fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (child == 0) {
		struct record_config cfg = { .argv = argv, .write = rec_fd_write,
					     .write_ud = &p[1] };
		struct record_result res;
		char err[768];
		int st;

		close(p[0]);
		/* the report owns standard output: COMMAND prints on stderr */
		if (cmd_stdout_to_stderr)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		if (record_run(&cfg, &res, err, sizeof err) != 0) {
			fprintf(stderr, "kmemsim record: %s\n", err);
			_exit(EXIT_FAILED);
		}
		close(p[1]);
		st = rec_summary(&cfg, &res, "the replay");
		fflush(stderr);
		_exit(st);
	}
	close(p[1]);
	*pid = child;
	*fd = p[0];
	return 0;
}

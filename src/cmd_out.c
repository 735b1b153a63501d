/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_out.c - output files written whole or not at all (cmd_out.h)
 *
 * A regular file (or a name not yet taken) is written as a temporary file
 * in the same directory, ".NAME.tmp-XXXXXX", and renamed onto NAME only
 * once everything was written, flushed and closed without error: rename()
 * within one file system is atomic, so a reader sees the old file or the
 * new one, and a failure (ENOSPC, EIO, a render error, a run that fails)
 * leaves the old one alone.  The new file gets the old one's permission
 * bits, or 0666 less the umask as fopen() would give it.  A symbolic link
 * is followed: the file it names is replaced, the link stays.
 *
 * What cannot be renamed onto is written directly: standard output, and an
 * existing path that is not a regular file (/dev/full, /dev/stdout, a
 * FIFO).  Errors there are reported the same way; what was written before
 * the error has gone out, as with any stream.
 *
 * stdio loses errno: a failed write inside fwrite() leaves only the error
 * flag, and a later fflush() succeeds with nothing to write.  So the first
 * failure's errno is kept in struct cmd_out at the write that saw it.
 */
#define _XOPEN_SOURCE 700	/* realpath() */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_out.h"

static void cmd_sigpipe(int sig)
{
	(void)sig;	/* the write that hit the closed pipe fails with EPIPE */
}

void cmd_out_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_sigpipe;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPIPE, &sa, NULL);
}

static bool cmd_out_is_stdout(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

static const char *cmd_out_name(const struct cmd_out *o)
{
	return cmd_out_is_stdout(o->path) ? "standard output" : o->path;
}

static int cmd_out_fail(struct cmd_out *o, int err)
{
	fprintf(stderr, "%s: cannot write %s: %s\n", o->who, cmd_out_name(o),
		strerror(err ? err : EIO));
	return -1;
}

/* the file a rename must replace: @path, or what its symlink names */
static char *cmd_out_target(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real)
			return real;	/* a dangling link: replace the link */
	}
	return strdup(path);
}

/* a temporary file next to @target, with the mode @target has or would get */
static FILE *cmd_out_tmpfile(const char *target, char **tmp)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
	const char *base = slash ? slash + 1 : target;
	struct stat st;
	mode_t mode, mask;
	FILE *f;
	int fd;

	*tmp = malloc(dirlen + strlen(base) + 16);
	if (!*tmp) {
		errno = ENOMEM;
		return NULL;
	}
	sprintf(*tmp, "%.*s.%s.tmp-XXXXXX", (int)dirlen, target, base);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	if (stat(target, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(fd, mode) != 0 || !(f = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		errno = e;
		return NULL;
	}
	return f;
}

int cmd_out_open(struct cmd_out *o, const char *path, const char *who)
{
	struct stat st;

	memset(o, 0, sizeof *o);
	o->path = path;
	o->who = who;
	if (cmd_out_is_stdout(path)) {
		o->f = stdout;
		return 0;
	}
	o->target = cmd_out_target(path);
	if (!o->target)
		return cmd_out_fail(o, ENOMEM);
	if (stat(o->target, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			free(o->target);
			o->target = NULL;
			return cmd_out_fail(o, EISDIR);
		}
		o->f = fopen(o->target, "w");	/* a device or FIFO: as it is */
	} else {
		o->f = cmd_out_tmpfile(o->target, &o->tmp);
	}
	if (!o->f) {
		int e = errno;

		free(o->target);
		o->target = NULL;
		return cmd_out_fail(o, e);
	}
	return 0;
}

void cmd_out_write(struct cmd_out *o, const void *s, size_t n)
{
	if (o->err || !o->f || !n)
		return;
	errno = 0;
	if (fwrite(s, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
}

void cmd_out_writer(void *ud, const char *s, size_t n)
{
	cmd_out_write(ud, s, n);
}

static void cmd_out_free(struct cmd_out *o)
{
	free(o->target);
	free(o->tmp);
	o->target = o->tmp = NULL;
	o->f = NULL;
}

int cmd_out_close(struct cmd_out *o)
{
	int err = o->err;

	if (!o->f)
		return -1;
	errno = 0;
	if (fflush(o->f) != 0 && !err)
		err = errno ? errno : EIO;
	if (ferror(o->f) && !err)
		err = EIO;
	if (o->f == stdout) {
		clearerr(stdout);	/* reported once, here */
	} else {
		errno = 0;
		if (fclose(o->f) != 0 && !err)
			err = errno ? errno : EIO;
		if (o->tmp) {
			if (!err && rename(o->tmp, o->target) != 0)
				err = errno;
			if (err)
				unlink(o->tmp);
		}
	}
	cmd_out_free(o);
	if (err)
		return cmd_out_fail(o, err);
	return 0;
}

void cmd_out_abort(struct cmd_out *o)
{
	if (o->f && o->f != stdout) {
		fclose(o->f);
		if (o->tmp)
			unlink(o->tmp);
	}
	cmd_out_free(o);
}

int cmd_stdout_finish(const char *who)
{
	struct cmd_out o;

	cmd_out_open(&o, NULL, who);
	return cmd_out_close(&o);
}

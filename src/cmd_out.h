/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_out.h - output files of the commands, written whole or not at all
 *
 * ARCHITECTURE.md: every output file is written to a temporary name and
 * renamed when complete.  struct cmd_out does that for the reports of run,
 * compare and replay (-o FILE, --series FILE): a run that fails, a full
 * disk or a write error leaves the previous file (or none) in place, never
 * half a report.  Where a rename cannot work the output is written
 * directly: standard output ("-"), and a path that exists and is not a
 * regular file (a device such as /dev/full or /dev/stdout, a FIFO).  Every
 * failure is reported on stderr with the file's name and the reason, and
 * the caller turns it into exit status 1.
 *
 * Standard output itself is checked at the end of a command
 * (cmd_stdout_finish): a print lost to a full disk or a closed pipe is an
 * error too, not a silent success.  cmd_out_init() makes a closed pipe a
 * write error (EPIPE) instead of a silent death by SIGPIPE.
 */
#ifndef SIM_CMD_OUT_H
#define SIM_CMD_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cmd_out {
	const char *path;	/* as given ("-" or NULL: standard output) */
	const char *who;	/* "kmemsim replay": the prefix of messages */
	char *target;		/* the file renamed onto (symlinks resolved) */
	char *tmp;		/* the temporary file; NULL when written directly */
	FILE *f;
	int err;		/* errno of the first failure, 0 if none */
};

/**
 * cmd_out_init - once per process: SIGPIPE returns EPIPE to the writer
 * (a handler, not SIG_IGN, so that programs the command starts get the
 * default back at exec)
 */
void cmd_out_init(void);

/**
 * cmd_out_open - start writing @path for @who ("kmemsim", "kmemsim replay")
 * Return: 0, or -1 after printing why (the directory is not writable, ...);
 * nothing is created then.
 */
int cmd_out_open(struct cmd_out *o, const char *path, const char *who);

/** cmd_out_write - append @n bytes; errors are kept for cmd_out_close() */
void cmd_out_write(struct cmd_out *o, const void *s, size_t n);

/** cmd_out_writer - a report_write_fn / lsim_write_fn: @ud is a struct cmd_out */
void cmd_out_writer(void *ud, const char *s, size_t n);

/**
 * cmd_out_close - finish: flush, close and rename into place
 * Return: 0, or -1 after printing why (the temporary file is removed and
 * the old file, if any, is untouched).
 */
int cmd_out_close(struct cmd_out *o);

/** cmd_out_abort - give up: remove the temporary file, print nothing */
void cmd_out_abort(struct cmd_out *o);

/**
 * cmd_stdout_finish - flush standard output at the end of a command
 * Return: 0, or -1 after printing "@who: cannot write standard output:
 * <reason>" (a full disk, a closed pipe: something printed was lost).
 */
int cmd_stdout_finish(const char *who);

#endif /* SIM_CMD_OUT_H */

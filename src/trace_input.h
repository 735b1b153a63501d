/* SPDX-License-Identifier: GPL-2.0-or-later */
/* trace_input.h - one trace input: format detection, decompression, trace.dat
 *
 * Glossary:
 *   input    where trace bytes come from: a file, standard input, a pipe
 *            (kmemsim record streaming into a replay) or a memory buffer
 *   format   what those bytes are, told by their first bytes (magic
 *            numbers), never by the file name: text, gzip, xz, zstd,
 *            bzip2 or trace-cmd's trace.dat.  perf.data and other known
 *            binary formats are recognised only to be refused by name.
 *   chunk    a run of decoded trace TEXT handed out by trace_input_pull()
 *
 * The pull interface.  An input is a source of chunks of text:
 *
 *     in = trace_input_open(path, err, sizeof err);     format detected here
 *     while ((rc = trace_input_pull(in, &p, &n)) == 1)  p[0..n) is text
 *             ...cut into lines...;
 *     rc == 0: end of input; rc == TRACE_READ_ERROR: trace_input_error(in)
 *     trace_input_close(in);
 *
 * A chunk is BORROWED: it stays valid, unchanged, until the next pull or
 * the close, and is owned by the input.  Chunks split the text anywhere,
 * even inside a line: the consumer (struct trace_reader in trace.c) keeps
 * a line that straddles two chunks.  Borrowing, not copying, is what lets
 * an implementation hand out a plain file mmap()ed whole as one chunk, or
 * a buffer that a decompressing thread filled while the previous chunk was
 * parsed (double buffering): neither changes this interface.  A
 * compressed regular file is decoded that way, on a second thread into a
 * ring of chunk buffers (trace_input.c says how the output stays the same
 * whatever the timing); everything else is decoded on the caller's thread
 * into one 1 MiB buffer.
 *
 * trace.dat is converted, not parsed: its records, from every CPU buffer
 * of the top-level buffer and of every instance, merged by timestamp (ties:
 * buffer, then CPU order), are printed as ftrace text lines
 * ("comm-pid [cpu] sec.nsec: event: fields") with the event formats stored
 * in the file (libtraceevent, no plugins), and a record that follows lost
 * events is preceded by "CPU:n [LOST m EVENTS]".  So one parser (trace.c)
 * reads every format, and a trace.dat gives exactly the events `trace-cmd
 * report` lists.
 *
 * Nothing here prints, exits or keeps global state.  Every function says
 * what it does on failure; nothing stays allocated or open after one.
 */
#ifndef SIM_TRACE_INPUT_H
#define SIM_TRACE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Types ---- */

enum trace_input_format {
	TRACE_INPUT_TEXT,	/* plain text (or anything unrecognised) */
	TRACE_INPUT_GZIP,	/* 1f 8b (zlib) */
	TRACE_INPUT_XZ,		/* fd 37 7a 58 5a 00 (liblzma) */
	TRACE_INPUT_ZSTD,	/* 28 b5 2f fd (libzstd) */
	TRACE_INPUT_BZIP2,	/* "BZh1".."BZh9" (libbz2) */
	TRACE_INPUT_TRACEDAT,	/* 17 08 44 "tracing" (libtracecmd) */
	TRACE_INPUT_NR_FORMATS
};

struct trace_input;	/* opaque */

/* ---- Opening ---- */

/**
 * trace_input_open - open a file ("-": standard input) and detect its format
 * @err: on failure, why, naming @path (may be NULL); @errlen: its size
 *
 * Refused with a message that says what the file is and what to do:
 * perf.data ("run perf script first"), ELF, zip, lz4, 7z and other known
 * binary formats, a trace.dat that is not a seekable file (a pipe) or that
 * is itself compressed, a compression whose library was not built in.
 * An empty input is NOT refused here (trace_input_bytes() tells).
 *
 * Return: the input, or NULL with @err filled.
 */
struct trace_input *trace_input_open(const char *path, char *err, size_t errlen);

/**
 * trace_input_open_fd - the same on an open descriptor (a pipe, a socket)
 * @fd: read from its current position; closed by trace_input_close() when
 *      @close_fd, and on failure too in that case
 * @name: how messages name the input
 */
struct trace_input *trace_input_open_fd(int fd, bool close_fd, const char *name,
					char *err, size_t errlen);

/**
 * trace_input_open_mem - text in memory, handed out as one chunk (no copy;
 * @buf must outlive the input)
 *
 * Return: the input, or NULL on host OOM.
 */
struct trace_input *trace_input_open_mem(const char *buf, size_t len);

/* ---- Reading ---- */

/**
 * trace_input_pull - the next chunk of text
 * @chunk: set to its first byte (borrowed, see above)
 * @len: set to its length (> 0)
 *
 * Return: 1 with a chunk, 0 at the end of the input, TRACE_READ_ERROR (from
 * trace.h) on an I/O, decompression or trace.dat error or host OOM: the
 * message is in trace_input_error(), and every later call fails the same.
 */
int trace_input_pull(struct trace_input *in, const char **chunk, size_t *len);

/** trace_input_close - release the input, closing what it opened (NULL ok) */
void trace_input_close(struct trace_input *in);

/* ---- Queries ---- */

enum trace_input_format trace_input_format(const struct trace_input *in);
/** trace_input_format_name - "text", "gzip", "xz", "zstd", "bzip2", "trace.dat" */
const char *trace_input_format_name(enum trace_input_format f);
/** trace_input_name - the name given at open ("-" for standard input) */
const char *trace_input_name(const struct trace_input *in);
/** trace_input_error - the message of the error that stopped it ("" if none) */
const char *trace_input_error(const struct trace_input *in);

/**
 * trace_input_progress - input consumed so far and its total size
 * @done: bytes of the input read (compressed bytes if compressed; for a
 *        trace.dat, bytes of ring-buffer data converted)
 * @total: the size in the same unit, 0 when unknown (a pipe)
 */
void trace_input_progress(const struct trace_input *in, uint64_t *done,
			  uint64_t *total);

/** trace_input_bytes - bytes read from the input itself so far (0: empty) */
uint64_t trace_input_bytes(const struct trace_input *in);

/**
 * trace_input_binary - whether the first text handed out looks binary
 *
 * True when the first TRACE_INPUT_SNIFF bytes of text hold a NUL byte or
 * more than one in TRACE_INPUT_CTRL_RATIO control characters (other than
 * tab, CR, LF, FF, VT).  Real trace text has none; random or compressed
 * bytes have dozens.  Only a hint for messages: the parser decides what
 * the bytes hold.  False before the first pull.
 */
bool trace_input_binary(const struct trace_input *in);

/* ---- Constants ---- */

#define TRACE_INPUT_CHUNK	(1024u * 1024u)	/* decoded text per chunk */
#define TRACE_INPUT_SNIFF	4096u		/* text bytes looked at by _binary() */
#define TRACE_INPUT_CTRL_RATIO	64u		/* 1 in 64 control bytes: binary */

#endif /* SIM_TRACE_INPUT_H */

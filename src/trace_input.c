/* SPDX-License-Identifier: GPL-2.0-or-later */
/* trace_input.c - one trace input: format detection, decompression, trace.dat
 *
 * The interface, and why chunks are borrowed, is described at the top of
 * trace_input.h; this is how each format is read.
 *
 * Detection
 * ---------
 * The first bytes decide, whatever the name says: a trace saved as
 * "trace.txt" that is really xz is read as xz, and a perf.data renamed
 * "trace.gz" is refused as perf.data.  trace_input_open_fd() reads until
 * it holds TIN_MAGIC_MAX bytes (a pipe may deliver fewer at once) or the
 * input ends, then compares them with the table tin_magics[]: the formats
 * read, and the known binary formats refused with a message naming them
 * and, where there is one, the command that turns them into text.  Anything
 * else is text.  What decompresses to a known binary format is refused the
 * same way after the first chunk ("a compressed trace.dat").
 *
 * Compressed text (gzip, xz, zstd, bzip2) is decoded from a 256 KiB input
 * buffer into 1 MiB chunk buffers, each filled whole before it is handed
 * out so that lines rarely straddle two chunks.  Concatenated streams (pigz, `cat a.gz b.gz`, pzstd, pbzip2) are
 * read to the end of the last one; input that ends inside a stream is an
 * error ("truncated"), reported after every byte before it was handed out.
 *
 * The decompression thread
 * ------------------------
 * Decompressing costs about as much CPU as parsing does (xz: more), so a
 * compressed regular file is decoded on a second thread while the caller
 * parses: the first chunk is decoded at open, on the caller's thread (that
 * is what detection looks at), then a producer thread keeps decoding the
 * next chunks into a ring of TIN_RING buffers -- a bounded buffer: it
 * waits when every buffer is full or lent, the caller waits when none is
 * ready.  Ownership: the producer alone touches the decoder state, the
 * input descriptor, in->out and the byte counters; the caller alone reads
 * the buffers it was handed; the ring's indexes, counts and the per-chunk
 * results (length, error, bytes read so far) are exchanged under one mutex.
 * The chunks come out in the order they were decoded and each is exactly
 * what one call of the decoder produced, whatever the threads' timing: the
 * text, the chunk boundaries, the error and the point where it is reported
 * are the same as with no thread, so the output is too.  Pipes keep the
 * single-threaded path: a producer blocked in read() on a pipe could not
 * be stopped when the caller closes early, and a pipe's writer (xz -dc, or
 * kmemsim record) already runs in parallel.  Signals are blocked in the
 * producer: handlers run on the caller's thread, as before.
 *
 * Plain text files are read(), not mapped
 * ---------------------------------------
 * mmap() of a plain file was tried and measured (issue 15; bench_trace's
 * "from file" line compares the file with memory): the file lent whole in
 * 4 MiB slices cut at line ends, no byte copied.  It won about 10% of the
 * parse's CPU time only on a file whose page cache held large folios
 * (written in one big write), and LOST 40% on files written the usual
 * way, a few KiB at a time (cp, `xz -dc >`, `cat trace_pipe >`): each
 * 4 KiB page must be mapped into the process (page faults, or
 * MADV_POPULATE_READ: the same), which on a virtual machine costs more
 * than read() copying the page into a 1 MiB buffer that stays in the CPU
 * cache.  read() it is.
 *
 * trace.dat
 * ---------
 * libtracecmd opens the file (it needs to seek: a trace.dat on a pipe is
 * refused) and reads the event formats stored in it, so the fields are
 * decoded the way the traced kernel declared them, not the way this
 * machine's kernel does.  Each buffer (the top level and every instance,
 * as `trace-cmd extract -B` or `-a` saves them) has per-CPU record streams;
 * one record is kept pending per (buffer, CPU) and the oldest is printed
 * next, ties going to the earlier buffer, then the lower CPU, so the text
 * is ordered like `trace-cmd report`'s and depends on the file only.  A
 * record is printed as an ftrace line: comm (from the file's saved
 * cmdlines, "<...>" when unknown), pid, CPU, the timestamp as seconds and
 * nine digits of nanoseconds (exact), the event name and, for the kmem
 * system, libtraceevent's rendering of the event's print format without
 * plugins (plugins would prefix the call site, and differ between
 * machines).  Other systems' events get the head only: the parser counts
 * them by name and never reads their fields.  A record after which the
 * kernel reported lost events is preceded by "CPU:n [LOST m EVENTS]", the
 * line trace_pipe prints, which the parser counts.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L	/* open, read, fstat, ssize_t */
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* madvise(), MADV_HUGEPAGE */
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_LIBTRACECMD
#include <trace-cmd.h>
#endif

#include "codecs.h"
#include "trace.h"
#include "trace_input.h"

/* ---- Tunables ---- */

#define TIN_IN_BUF	(256u * 1024u)	/* compressed bytes read at once */
#define TIN_MAGIC_MAX	16u		/* bytes the format table looks at */
/* trace.dat: stop filling a chunk when less than this is left; a kmem
 * line is under 400 bytes, so a line never has to be cut */
#define TIN_DAT_SLACK	(8u * 1024u)

/* chunk buffers of the decompression thread: one lent to the caller, one
 * being decoded, the rest ready -- enough for the two sides to run apart
 * when one is briefly slower, 4 MiB in all */
#define TIN_RING	4u

_Static_assert(TIN_IN_BUF >= TIN_MAGIC_MAX, "input buffer below the magic size");
_Static_assert(TIN_RING >= 2, "the producer needs a buffer the caller is not reading");

/* ---- Formats ---- */

/*
 * What the first bytes say.  @fmt is the format read, or -1 for a format
 * recognised only to be refused with @what (completed by the file name).
 */
struct tin_magic {
	const char *magic;
	unsigned len;
	int fmt;
	const char *what;
};

static const struct tin_magic tin_magics[] = {
	{ "\x1f\x8b", 2, TRACE_INPUT_GZIP, NULL },
	{ "\xfd" "7zXZ\0", 6, TRACE_INPUT_XZ, NULL },
	{ "\x28\xb5\x2f\xfd", 4, TRACE_INPUT_ZSTD, NULL },
	{ "BZh", 3, TRACE_INPUT_BZIP2, NULL },	/* + '1'..'9', checked below */
	{ "\x17\x08\x44tracing", 10, TRACE_INPUT_TRACEDAT, NULL },
	{ "PERFILE2", 8, -1,
	  "is a perf.data file (binary); turn it into text first: "
	  "perf script -i FILE > FILE.txt, then replay FILE.txt" },
	{ "PERFFILE", 8, -1,
	  "is an old-format perf.data file (binary); turn it into text first: "
	  "perf script -i FILE > FILE.txt, then replay FILE.txt" },
	{ "\x7f" "ELF", 4, -1, "is an ELF binary, not a trace" },
	{ "PK\x03\x04", 4, -1, "is a zip archive; unpack the trace first" },
	{ "\x04\x22\x4d\x18", 4, -1,
	  "is lz4-compressed, which kmemsim does not read; "
	  "decompress it first (lz4 -d), or use xz, gzip, zstd or bzip2" },
	{ "7z\xbc\xaf\x27\x1c", 6, -1, "is a 7-Zip archive; unpack the trace first" },
	{ "LZIP", 4, -1,
	  "is lzip-compressed, which kmemsim does not read; decompress it first" },
	{ "\x89PNG", 4, -1, "is a PNG image, not a trace" },
	{ "%PDF", 4, -1, "is a PDF document, not a trace" },
	{ "SQLite format 3", 15, -1, "is an SQLite database, not a trace" },
};

static const char *const tin_format_names[TRACE_INPUT_NR_FORMATS] = {
	[TRACE_INPUT_TEXT] = "text",
	[TRACE_INPUT_GZIP] = "gzip",
	[TRACE_INPUT_XZ] = "xz",
	[TRACE_INPUT_ZSTD] = "zstd",
	[TRACE_INPUT_BZIP2] = "bzip2",
	[TRACE_INPUT_TRACEDAT] = "trace.dat",
};

/* the library each format needs, for "built without" messages */
static const char *const tin_format_libs[TRACE_INPUT_NR_FORMATS] = {
	[TRACE_INPUT_GZIP] = "zlib",
	[TRACE_INPUT_XZ] = "liblzma",
	[TRACE_INPUT_ZSTD] = "libzstd",
	[TRACE_INPUT_BZIP2] = "libbz2",
	[TRACE_INPUT_TRACEDAT] = "libtracecmd",
};

#ifdef HAVE_LIBTRACECMD
/* one (buffer, CPU) record stream of a trace.dat */
struct tin_stream {
	struct tracecmd_input *h;	/* a handle of tin_dat.handles */
	struct tep_record *rec;		/* pending record, NULL when exhausted */
	int cpu;
};

struct tin_dat {
	struct tracecmd_input **handles;	/* [0] top level, then instances */
	int nr_handles;
	struct tin_stream *streams;
	int nr_streams;
	struct tep_handle *tep;
	struct trace_seq seq;
	bool seq_live;
};
#endif

/* one decoded chunk of the ring: what one tin_decode() call gave */
struct tin_slot {
	char *buf;		/* TRACE_INPUT_CHUNK bytes */
	long n;			/* bytes (> 0), 0 at the end, TRACE_READ_ERROR */
	uint64_t raw;		/* input bytes read when it was decoded */
};

/* the decompression thread and its bounded buffer (see the top) */
struct tin_ring {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* a slot filled, a slot freed, or stop */
	struct tin_slot slot[TIN_RING];
	unsigned head;		/* the next slot the caller takes */
	unsigned count;		/* slots filled and not given back */
	bool lent;		/* the caller holds slot[head] (a chunk > 0) */
	bool stop;		/* close: the producer must return */
	/* the caller's side, touched by the caller only */
	uint64_t raw;		/* input bytes behind the chunks it took */
	bool failed;		/* it was handed the producer's error */
};

struct trace_input {
	enum trace_input_format fmt;
	char *name;
	int fd;			/* -1 for memory */
	bool close_fd;
	unsigned char *in;	/* raw input [in_head, in_tail) */
	size_t in_head, in_tail;
	bool in_eof;		/* read() said end of input */
	char *out;		/* the chunk buffer (TRACE_INPUT_CHUNK) */
	const char *mem;	/* memory input, handed out once */
	size_t mem_len;
	bool done;		/* the decoder has handed out everything */
	bool failed;
	bool defer_fail;	/* fail at the next decode (after this chunk) */
	bool sniffed;		/* the first chunk was looked at */
	size_t pending;		/* the first chunk, decoded at open, not yet pulled */
	bool binary;
	uint64_t raw_bytes;	/* bytes read from fd (or the memory length) */
	uint64_t total;		/* file size, 0 when unknown */
	uint64_t dat_bytes;	/* trace.dat: record bytes converted */
	char err[320];
#ifdef HAVE_ZLIB
	z_stream zs;
	bool zs_live;
#endif
#ifdef HAVE_LIBLZMA
	lzma_stream xs;
	bool xs_live;
#endif
#ifdef HAVE_LIBZSTD
	ZSTD_DStream *zd;
	size_t zd_last;		/* last ZSTD_decompressStream() result: 0 = frame end */
#endif
#ifdef HAVE_LIBBZ2
	bz_stream bs;
	bool bs_live;
#endif
#ifdef HAVE_LIBTRACECMD
	struct tin_dat dat;
#endif
	struct tin_ring *ring;	/* the decompression thread, NULL without */
};

/* ---- Errors ---- */

static void tin_seterr(char *err, size_t errlen, const char *fmt, const char *name,
		       const char *detail)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, name, detail ? detail : "");
}

static int tin_fail(struct trace_input *in, const char *what, int errnum)
{
	if (!in->failed)
		snprintf(in->err, sizeof in->err, "%s%s%s", what,
			 errnum ? ": " : "", errnum ? strerror(errnum) : "");
	in->failed = true;
	return TRACE_READ_ERROR;
}

/* An error after @have bytes were decoded: hand those out first, fail on
 * the next call (every event before a corruption is replayed). */
static long tin_fail_after(struct trace_input *in, size_t have, const char *what,
			   int errnum)
{
	if (!have)
		return tin_fail(in, what, errnum);
	if (!in->err[0])
		snprintf(in->err, sizeof in->err, "%s%s%s", what,
			 errnum ? ": " : "", errnum ? strerror(errnum) : "");
	in->defer_fail = true;
	return (long)have;
}

/* ---- Raw bytes ---- */

/* read() into [dst, dst + n); retries EINTR; -1 on error. */
static ssize_t tin_read_fd(int fd, void *dst, size_t n)
{
	ssize_t got;

	do
		got = read(fd, dst, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Refill the raw input when it is empty; false on I/O error. */
static bool tin_fill_in(struct trace_input *in)
{
	ssize_t got;

	if (in->in_head < in->in_tail || in->in_eof)
		return true;
	got = tin_read_fd(in->fd, in->in, TIN_IN_BUF);
	if (got < 0)
		return false;
	in->in_head = 0;
	in->in_tail = (size_t)got;
	in->raw_bytes += (uint64_t)got;
	if (got == 0)
		in->in_eof = true;
	return true;
}

/* ---- Decoders: each fills in->out and says how much ---- */

#ifdef HAVE_LIBLZMA
/*
 * liblzma's memory.  The xz decoder's dictionary is as large as the
 * compressor's (8 MiB at the default level, 64 MiB at -9) and is read at
 * random offsets for every match, so on 4 KiB pages a decode spends its
 * time in TLB misses and, first, in one page fault per 4 KiB as the
 * dictionary fills (measured: a quarter of `xz -dc`'s CPU time on a
 * virtual machine, where faults are dear).  Blocks of TIN_HUGE or more are
 * therefore aligned to huge pages and offered to transparent huge pages
 * (MADV_HUGEPAGE: honoured when THP is "always" or "madvise", a no-op
 * otherwise).  The bytes decoded are the same either way.
 */
#define TIN_HUGE	(2u * 1024u * 1024u)

static void *tin_lzma_alloc(void *opaque, size_t nmemb, size_t size)
{
	size_t n, round;
	void *p;

	(void)opaque;
	if (size && nmemb > SIZE_MAX / size)
		return NULL;
	n = nmemb * size;
	if (n < TIN_HUGE)
		return malloc(n ? n : 1);
	if (n > SIZE_MAX - TIN_HUGE)
		return NULL;
	round = (n + TIN_HUGE - 1) / TIN_HUGE * TIN_HUGE;
	if (posix_memalign(&p, TIN_HUGE, round) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, round, MADV_HUGEPAGE);
#endif
	return p;
}

static void tin_lzma_free(void *opaque, void *ptr)
{
	(void)opaque;
	free(ptr);
}

static const lzma_allocator tin_lzma_allocator = {
	.alloc = tin_lzma_alloc, .free = tin_lzma_free, .opaque = NULL,
};
#endif

/* Return: bytes placed in out (> 0), 0 at the end, TRACE_READ_ERROR. */
static long tin_text(struct trace_input *in)
{
	ssize_t got;

	if (in->in_head < in->in_tail) {	/* what detection read */
		size_t n = in->in_tail - in->in_head;

		memcpy(in->out, in->in + in->in_head, n);
		in->in_head = in->in_tail;
		return (long)n;
	}
	if (in->in_eof)
		return 0;
	got = tin_read_fd(in->fd, in->out, TRACE_INPUT_CHUNK);
	if (got < 0)
		return tin_fail(in, "read error", errno);
	if (got == 0)
		in->in_eof = true;
	in->raw_bytes += (uint64_t)got;
	return (long)got;
}

#ifdef HAVE_ZLIB
static long tin_gzip(struct trace_input *in)
{
	size_t have = 0;

	while (have < TRACE_INPUT_CHUNK && !in->done) {
		int zrc;

		if (!tin_fill_in(in))
			return tin_fail_after(in, have, "read error", errno);
		if (in->in_head == in->in_tail && in->in_eof)
			return tin_fail_after(in, have, "gzip: truncated input (the file ends inside a stream)", 0);
		in->zs.next_in = in->in + in->in_head;
		in->zs.avail_in = (uInt)(in->in_tail - in->in_head);
		in->zs.next_out = (Bytef *)in->out + have;
		in->zs.avail_out = (uInt)(TRACE_INPUT_CHUNK - have);
		zrc = inflate(&in->zs, Z_NO_FLUSH);
		in->in_head = in->in_tail - in->zs.avail_in;
		have = TRACE_INPUT_CHUNK - in->zs.avail_out;
		if (zrc == Z_STREAM_END) {
			/* another gzip member may follow */
			if (!tin_fill_in(in))
				return tin_fail_after(in, have, "read error", errno);
			if (in->in_head == in->in_tail && in->in_eof)
				in->done = true;
			else if (inflateReset(&in->zs) != Z_OK)
				return tin_fail_after(in, have, "gzip: decoder reset failed", 0);
		} else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			return tin_fail_after(in, have, in->zs.msg ? in->zs.msg : "gzip: corrupt data", 0);
		}
	}
	return (long)have;
}
#endif

#ifdef HAVE_LIBLZMA
static long tin_xz(struct trace_input *in)
{
	size_t have = 0;

	while (have < TRACE_INPUT_CHUNK && !in->done) {
		lzma_ret xrc;

		if (!tin_fill_in(in))
			return tin_fail_after(in, have, "read error", errno);
		in->xs.next_in = in->in + in->in_head;
		in->xs.avail_in = in->in_tail - in->in_head;
		in->xs.next_out = (uint8_t *)in->out + have;
		in->xs.avail_out = TRACE_INPUT_CHUNK - have;
		xrc = lzma_code(&in->xs, in->in_eof ? LZMA_FINISH : LZMA_RUN);
		in->in_head = in->in_tail - in->xs.avail_in;
		have = TRACE_INPUT_CHUNK - in->xs.avail_out;
		if (xrc == LZMA_STREAM_END)
			in->done = true;
		else if (xrc != LZMA_OK)
			return tin_fail_after(in, have, xrc == LZMA_MEM_ERROR ? "xz: out of memory" :
					"xz: corrupt or truncated data", 0);
	}
	return (long)have;
}
#endif

#ifdef HAVE_LIBZSTD
static long tin_zstd(struct trace_input *in)
{
	size_t have = 0;

	while (have < TRACE_INPUT_CHUNK && !in->done) {
		ZSTD_inBuffer ib;
		ZSTD_outBuffer ob;
		size_t zrc;

		if (!tin_fill_in(in))
			return tin_fail_after(in, have, "read error", errno);
		if (in->in_head == in->in_tail && in->in_eof) {
			if (in->zd_last != 0)
				return tin_fail_after(in, have, "zstd: truncated input (the file ends inside a frame)", 0);
			in->done = true;
			break;
		}
		ib.src = in->in;
		ib.size = in->in_tail;
		ib.pos = in->in_head;
		ob.dst = in->out;
		ob.size = TRACE_INPUT_CHUNK;
		ob.pos = have;
		zrc = ZSTD_decompressStream(in->zd, &ob, &ib);
		if (ZSTD_isError(zrc)) {
			char msg[160];

			snprintf(msg, sizeof msg, "zstd: %s", ZSTD_getErrorName(zrc));
			return tin_fail_after(in, have, msg, 0);
		}
		in->zd_last = zrc;
		in->in_head = ib.pos;
		have = ob.pos;
	}
	return (long)have;
}
#endif

#ifdef HAVE_LIBBZ2
static long tin_bzip2(struct trace_input *in)
{
	size_t have = 0;

	while (have < TRACE_INPUT_CHUNK && !in->done) {
		int brc;

		if (!tin_fill_in(in))
			return tin_fail_after(in, have, "read error", errno);
		if (in->in_head == in->in_tail && in->in_eof)
			return tin_fail_after(in, have, "bzip2: truncated input (the file ends inside a stream)", 0);
		in->bs.next_in = (char *)in->in + in->in_head;
		in->bs.avail_in = (unsigned)(in->in_tail - in->in_head);
		in->bs.next_out = in->out + have;
		in->bs.avail_out = (unsigned)(TRACE_INPUT_CHUNK - have);
		brc = BZ2_bzDecompress(&in->bs);
		in->in_head = in->in_tail - in->bs.avail_in;
		have = TRACE_INPUT_CHUNK - in->bs.avail_out;
		if (brc == BZ_STREAM_END) {
			/* pbzip2 and cat write one stream after another */
			BZ2_bzDecompressEnd(&in->bs);
			in->bs_live = false;
			if (!tin_fill_in(in))
				return tin_fail_after(in, have, "read error", errno);
			if (in->in_head == in->in_tail && in->in_eof) {
				in->done = true;
			} else {
				memset(&in->bs, 0, sizeof in->bs);
				if (BZ2_bzDecompressInit(&in->bs, 0, 0) != BZ_OK)
					return tin_fail_after(in, have, "bzip2: decoder setup failed", 0);
				in->bs_live = true;
			}
		} else if (brc != BZ_OK) {
			return tin_fail_after(in, have, brc == BZ_MEM_ERROR ? "bzip2: out of memory" :
					"bzip2: corrupt data", 0);
		}
	}
	return (long)have;
}
#endif

/* ---- trace.dat ---- */

#ifdef HAVE_LIBTRACECMD
static void tin_dat_close(struct tin_dat *d)
{
	for (int i = 0; i < d->nr_streams; i++)
		if (d->streams[i].rec)
			tracecmd_free_record(d->streams[i].rec);
	free(d->streams);
	/* instance handles first: they hold a reference on the top one */
	for (int i = d->nr_handles - 1; i >= 0; i--)
		tracecmd_close(d->handles[i]);
	free(d->handles);
	if (d->seq_live)
		trace_seq_destroy(&d->seq);
	memset(d, 0, sizeof *d);
}

/*
 * Whether libtracecmd can open @path without crashing.  libtracecmd 1.3
 * (trace-cmd 3.1) dies with SIGSEGV inside tracecmd_open() on a trace.dat
 * cut inside its ring-buffer data (its error path frees a half-built
 * handle), so the first open is tried in a child process: one fork and a
 * header parse, a few milliseconds.  Once open, reading records is safe:
 * the open checked every CPU's data extent against the file.
 * Return: 0 when the child opened it, -1 otherwise.
 */
static int tin_dat_probe(const char *path, int flags)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;		/* cannot probe: take the risk */
	if (pid == 0)
		_exit(tracecmd_open(path, flags) ? 0 : 3);	/* no cleanup needed */
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Open @path (a seekable file) and prime one record per (buffer, CPU). */
static int tin_dat_open(struct tin_dat *d, const char *path, char *msg, size_t msglen)
{
	int flags = TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS;
	struct tracecmd_input *top;
	int ninst, ncpus, k = 0;

	/* the library reports problems on stderr; kmemsim reports its own */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	if (tin_dat_probe(path, flags) != 0) {
		snprintf(msg, msglen, "libtracecmd cannot open it: truncated or corrupt");
		return -1;
	}
	top = tracecmd_open(path, flags);
	if (!top) {
		snprintf(msg, msglen, "libtracecmd cannot read it (corrupt, truncated, or "
			 "a trace.dat version it does not know)");
		return -1;
	}
	d->tep = tracecmd_get_tep(top);
	ninst = tracecmd_buffer_instances(top);
	if (ninst < 0)
		ninst = 0;
	d->handles = calloc((size_t)ninst + 1, sizeof *d->handles);
	if (!d->handles) {
		tracecmd_close(top);
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	d->handles[d->nr_handles++] = top;
	for (int i = 0; i < ninst; i++) {
		struct tracecmd_input *h = tracecmd_buffer_instance_handle(top, i);

		if (!h) {
			snprintf(msg, msglen, "libtracecmd cannot read its buffer %s",
				 tracecmd_buffer_instance_name(top, i));
			return -1;
		}
		d->handles[d->nr_handles++] = h;
	}
	ncpus = tep_get_cpus(d->tep);
	if (ncpus < 0)
		ncpus = 0;
	d->streams = calloc((size_t)d->nr_handles * (size_t)ncpus + 1, sizeof *d->streams);
	if (!d->streams) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	for (int i = 0; i < d->nr_handles; i++) {
		for (int c = 0; c < ncpus; c++) {
			d->streams[k].h = d->handles[i];
			d->streams[k].cpu = c;
			d->streams[k].rec = tracecmd_read_data(d->handles[i], c);
			k++;
		}
	}
	d->nr_streams = k;
	trace_seq_init(&d->seq);
	d->seq_live = true;
	return 0;
}

/* the pending record that comes next: oldest, then buffer, then CPU order */
static struct tin_stream *tin_dat_next(struct tin_dat *d)
{
	struct tin_stream *best = NULL;

	for (int i = 0; i < d->nr_streams; i++) {
		struct tin_stream *s = &d->streams[i];

		if (s->rec && (!best || s->rec->ts < best->rec->ts))
			best = s;
	}
	return best;
}

/* print one record as an ftrace line into d->seq (no terminator) */
static void tin_dat_format(struct tin_dat *d, const struct tep_record *rec)
{
	struct tep_event *ev = tep_find_event_by_record(d->tep, (struct tep_record *)rec);
	struct trace_seq *s = &d->seq;
	int pid;

	trace_seq_reset(s);
	if (!ev) {
		/* the parser counts it as malformed and quotes it */
		trace_seq_printf(s, "trace.dat: CPU %d: a record of an event type the file "
				 "does not describe", rec->cpu);
		return;
	}
	pid = tep_data_pid(d->tep, (struct tep_record *)rec);
	trace_seq_printf(s, "%s-%d [%03d] %llu.%09llu: %s:",
			 tep_data_comm_from_pid(d->tep, pid), pid, rec->cpu,
			 rec->ts / 1000000000ull, rec->ts % 1000000000ull, ev->name);
	if (ev->system && strcmp(ev->system, "kmem") == 0) {
		trace_seq_putc(s, ' ');
		tep_print_event(d->tep, s, (struct tep_record *)rec, "%s", TEP_PRINT_INFO);
	}
}

static long tin_tracedat(struct trace_input *in)
{
	struct tin_dat *d = &in->dat;
	size_t have = 0;

	while (!in->done && TRACE_INPUT_CHUNK - have > TIN_DAT_SLACK) {
		struct tin_stream *s = tin_dat_next(d);
		const struct tep_record *rec;
		size_t n;

		if (!s) {
			in->done = true;
			break;
		}
		rec = s->rec;
		/* what trace_pipe prints when the ring buffer overwrote events */
		if (rec->missed_events > 0)
			have += (size_t)snprintf(in->out + have, 64, "CPU:%d [LOST %lld EVENTS]\n",
						 rec->cpu, rec->missed_events);
		else if (rec->missed_events < 0)
			have += (size_t)snprintf(in->out + have, 64, "CPU:%d [LOST EVENTS]\n",
						 rec->cpu);
		tin_dat_format(d, rec);
		trace_seq_terminate(&d->seq);
		if (d->seq.state != TRACE_SEQ__GOOD)
			return tin_fail(in, "trace.dat: out of memory formatting a record", 0);
		n = d->seq.len;
		if (n > TIN_DAT_SLACK - 128)
			n = TIN_DAT_SLACK - 128;	/* cut; the parser says so */
		/* one record, one line, even if a print format holds '\n' */
		for (size_t i = 0; i < n; i++) {
			char c = d->seq.buffer[i];

			in->out[have + i] = c == '\n' ? ' ' : c;
		}
		have += n;
		in->out[have++] = '\n';
		in->dat_bytes += (uint64_t)rec->record_size;
		tracecmd_free_record(s->rec);
		s->rec = tracecmd_read_data(s->h, s->cpu);
	}
	return (long)have;
}
#endif

static const struct tin_magic *tin_match(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < sizeof tin_magics / sizeof tin_magics[0]; i++) {
		const struct tin_magic *m = &tin_magics[i];

		if (n < m->len || memcmp(b, m->magic, m->len) != 0)
			continue;
		if (m->fmt == TRACE_INPUT_BZIP2 && (n < 4 || b[3] < '1' || b[3] > '9'))
			continue;
		return m;
	}
	return NULL;
}

/* 1 for the bytes that make text look binary: controls but \t \n \v \f \r,
 * and DEL (NUL is told apart before) */
static const unsigned char tin_ctrl[256] = {
	[0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, [0x7f] = 1,
};

/* Look at the first chunk of text: binary hint, compressed binary formats. */
static int tin_sniff(struct trace_input *in, const char *p, size_t n)
{
	size_t look = n < TRACE_INPUT_SNIFF ? n : TRACE_INPUT_SNIFF, ctrl = 0;
	const char *nul = memchr(p, 0, look);
	size_t upto = nul ? (size_t)(nul - p) : look;
	const struct tin_magic *m;

	in->sniffed = true;
	if (nul)
		in->binary = true;
	/* control bytes before any NUL, by table: one test a byte, not six
	 * (every input of the fuzz targets passes here) */
	for (size_t i = 0; i < upto; i++)
		ctrl += tin_ctrl[(unsigned char)p[i]];
	if (ctrl * TRACE_INPUT_CTRL_RATIO > look)
		in->binary = true;
	if (in->fmt == TRACE_INPUT_TEXT || in->fmt == TRACE_INPUT_TRACEDAT)
		return 0;
	m = tin_match((const unsigned char *)p, n);
	if (m && (m->fmt < 0 || m->fmt == TRACE_INPUT_TRACEDAT)) {
		char msg[300];

		if (m->fmt == TRACE_INPUT_TRACEDAT)
			snprintf(msg, sizeof msg, "a %s-compressed trace.dat: decompress "
				 "it to a file first (libtracecmd reads only files)",
				 tin_format_names[in->fmt]);
		else
			snprintf(msg, sizeof msg, "%s-compressed data that %s",
				 tin_format_names[in->fmt], m->what);
		return tin_fail(in, msg, 0);
	}
	return 0;
}

/* decode the next chunk into in->out: bytes (> 0), 0 at the end, or
 * TRACE_READ_ERROR */
static long tin_decode(struct trace_input *in)
{
	long n;

	if (in->defer_fail) {
		in->failed = true;
		return TRACE_READ_ERROR;
	}
	switch (in->fmt) {
	case TRACE_INPUT_TEXT:
		n = tin_text(in);
		break;
#ifdef HAVE_ZLIB
	case TRACE_INPUT_GZIP:
		n = tin_gzip(in);
		break;
#endif
#ifdef HAVE_LIBLZMA
	case TRACE_INPUT_XZ:
		n = tin_xz(in);
		break;
#endif
#ifdef HAVE_LIBZSTD
	case TRACE_INPUT_ZSTD:
		n = tin_zstd(in);
		break;
#endif
#ifdef HAVE_LIBBZ2
	case TRACE_INPUT_BZIP2:
		n = tin_bzip2(in);
		break;
#endif
#ifdef HAVE_LIBTRACECMD
	case TRACE_INPUT_TRACEDAT:
		n = tin_tracedat(in);
		break;
#endif
	default:
		n = tin_fail(in, "no decoder", 0);
		break;
	}
	return n;
}

/* ---- The decompression thread ---- */

/* The producer: decode chunk after chunk into free slots, in order, until
 * the end, an error or stop (see the top). */
static void *tin_ring_main(void *arg)
{
	struct trace_input *in = arg;
	struct tin_ring *r = in->ring;
	long n;

	do {
		unsigned tail;

		pthread_mutex_lock(&r->lock);
		while (r->count == TIN_RING && !r->stop)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		/* the slot after the filled and lent ones is free */
		tail = (r->head + r->count) % TIN_RING;
		pthread_mutex_unlock(&r->lock);

		in->out = r->slot[tail].buf;
		n = tin_decode(in);

		pthread_mutex_lock(&r->lock);
		r->slot[tail].n = n;
		r->slot[tail].raw = in->raw_bytes;
		r->count++;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	} while (n > 0);
	return NULL;
}

/*
 * Hand the rest of @in's decoding to a producer thread, the first chunk
 * (decoded at open, in->out[0..in->pending)) becoming the ring's first
 * slot.  On failure (host OOM, no thread) nothing changes: the input goes
 * on decoding on the caller's thread.
 */
static void tin_ring_start(struct trace_input *in)
{
	struct tin_ring *r = calloc(1, sizeof *r);
	sigset_t all, old;
	unsigned i;
	int rc;

	if (!r)
		return;
	for (i = 1; i < TIN_RING; i++) {
		r->slot[i].buf = malloc(TRACE_INPUT_CHUNK);
		if (!r->slot[i].buf)
			goto undo;
	}
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		goto undo;
	if (pthread_cond_init(&r->cond, NULL) != 0) {
		pthread_mutex_destroy(&r->lock);
		goto undo;
	}
	r->slot[0].buf = in->out;
	r->slot[0].n = (long)in->pending;
	r->slot[0].raw = in->raw_bytes;
	r->count = 1;
	r->raw = in->raw_bytes;
	in->pending = 0;
	in->ring = r;
	/* signals go to the caller's thread, whose handlers expect them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, tin_ring_main, in);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return;
	in->ring = NULL;
	in->pending = (size_t)r->slot[0].n;
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
undo:
	for (i = 1; i < TIN_RING; i++)
		free(r->slot[i].buf);
	free(r);
}

/* trace_input_pull() with a producer: give back the chunk lent last, wait
 * for the next one */
static int tin_ring_pull(struct trace_input *in, const char **chunk, size_t *len)
{
	struct tin_ring *r = in->ring;
	const struct tin_slot *sl;

	pthread_mutex_lock(&r->lock);
	if (r->lent) {
		r->lent = false;
		r->head = (r->head + 1) % TIN_RING;
		r->count--;
		pthread_cond_broadcast(&r->cond);
	}
	while (!r->count)
		pthread_cond_wait(&r->cond, &r->lock);
	sl = &r->slot[r->head];
	pthread_mutex_unlock(&r->lock);
	/* the producer does not touch a filled slot until it is given back */
	r->raw = sl->raw;
	if (sl->n > 0) {
		r->lent = true;
		*chunk = sl->buf;
		*len = (size_t)sl->n;
		return 1;
	}
	/* the end or an error stays at the head: every later pull says it
	 * again; the producer has returned, in->err is final */
	if (sl->n == 0)
		return 0;
	r->failed = true;
	return TRACE_READ_ERROR;
}

/* stop the producer (it returns between two chunks) and free the ring */
static void tin_ring_stop(struct trace_input *in)
{
	struct tin_ring *r = in->ring;

	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	for (unsigned i = 0; i < TIN_RING; i++)
		free(r->slot[i].buf);	/* slot 0 is the first in->out */
	in->out = NULL;
	in->ring = NULL;
	free(r);
}

/* ---- Opening ---- */

static struct trace_input *tin_alloc(const char *name)
{
	struct trace_input *in = calloc(1, sizeof *in);

	if (!in)
		return NULL;
	in->fd = -1;
	in->name = strdup(name ? name : "-");
	if (!in->name) {
		free(in);
		return NULL;
	}
	return in;
}


/* set up the decoder of in->fmt; -1 with @err filled */
static int tin_decoder_init(struct trace_input *in, char *err, size_t errlen)
{
	switch (in->fmt) {
	case TRACE_INPUT_TEXT:
		return 0;
#ifdef HAVE_ZLIB
	case TRACE_INPUT_GZIP:
		if (inflateInit2(&in->zs, 15 + 32) != Z_OK)
			break;
		in->zs_live = true;
		return 0;
#endif
#ifdef HAVE_LIBLZMA
	case TRACE_INPUT_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;

		in->xs = init;
		in->xs.allocator = &tin_lzma_allocator;
		if (lzma_stream_decoder(&in->xs, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			break;
		in->xs_live = true;
		return 0;
	}
#endif
#ifdef HAVE_LIBZSTD
	case TRACE_INPUT_ZSTD:
		in->zd = ZSTD_createDStream();
		if (!in->zd || ZSTD_isError(ZSTD_initDStream(in->zd)))
			break;
		return 0;
#endif
#ifdef HAVE_LIBBZ2
	case TRACE_INPUT_BZIP2:
		if (BZ2_bzDecompressInit(&in->bs, 0, 0) != BZ_OK)
			break;
		in->bs_live = true;
		return 0;
#endif
	default:
		if (err && errlen)
			snprintf(err, errlen, "%s: %s input, but kmemsim was built without "
				 "%s; install it (see ./bootstrap) and rebuild", in->name,
				 tin_format_names[in->fmt], tin_format_libs[in->fmt]);
		return -1;
	}
	if (err && errlen)
		snprintf(err, errlen, "%s: %s decoder setup failed (out of memory)",
			 in->name, tin_format_names[in->fmt]);
	return -1;
}

/* A trace.dat: libtracecmd reads it by name (it seeks and maps). */
static int tin_open_tracedat(struct trace_input *in, char *err, size_t errlen)
{
#ifdef HAVE_LIBTRACECMD
	struct stat sb;
	char path[64], msg[200];
	const char *p = in->name;

	if (fstat(in->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		tin_seterr(err, errlen, "%s: a trace.dat must be read from a file, not a "
			   "pipe (libtracecmd seeks in it); save it to a file first%s",
			   in->name, NULL);
		return -1;
	}
	/* the descriptor we hold, whatever its name ("-"): the same file */
	snprintf(path, sizeof path, "/proc/self/fd/%d", in->fd);
	if (access(path, R_OK) == 0)
		p = path;
	if (tin_dat_open(&in->dat, p, msg, sizeof msg) != 0) {
		tin_dat_close(&in->dat);
		tin_seterr(err, errlen, "%s: trace.dat: %s", in->name, msg);
		return -1;
	}
	in->total = (uint64_t)sb.st_size;
	return 0;
#else
	tin_seterr(err, errlen, "%s: a trace-cmd trace.dat, but kmemsim was built "
		   "without libtracecmd; install libtracecmd-dev (see ./bootstrap) and "
		   "rebuild, or replay the output of `trace-cmd report` instead%s",
		   in->name, NULL);
	return -1;
#endif
}

struct trace_input *trace_input_open_fd(int fd, bool close_fd, const char *name,
					char *err, size_t errlen)
{
	struct trace_input *in;
	const struct tin_magic *m;
	struct stat sb;

	if (err && errlen)
		err[0] = '\0';
	in = tin_alloc(name);
	if (!in) {
		if (close_fd)
			close(fd);
		tin_seterr(err, errlen, "%s: out of memory%s", name ? name : "-", NULL);
		return NULL;
	}
	in->fd = fd;
	in->close_fd = close_fd;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		in->total = (uint64_t)sb.st_size;
	in->in = malloc(TIN_IN_BUF);
	in->out = malloc(TRACE_INPUT_CHUNK);
	if (!in->in || !in->out) {
		tin_seterr(err, errlen, "%s: out of memory%s", in->name, NULL);
		goto fail;
	}

	/* enough bytes to see a magic number (a pipe may give fewer at once) */
	while (in->in_tail < TIN_MAGIC_MAX) {
		ssize_t got = tin_read_fd(fd, in->in + in->in_tail, TIN_IN_BUF - in->in_tail);

		if (got < 0) {
			if (err && errlen)
				snprintf(err, errlen, "cannot read %s: %s", in->name,
					 strerror(errno));
			goto fail;
		}
		if (got == 0) {
			in->in_eof = true;
			break;
		}
		in->in_tail += (size_t)got;
		in->raw_bytes += (uint64_t)got;
	}

	m = tin_match(in->in, in->in_tail);
	if (m && m->fmt < 0) {
		tin_seterr(err, errlen, "%s %s", in->name, m->what);
		goto fail;
	}
	in->fmt = m ? (enum trace_input_format)m->fmt : TRACE_INPUT_TEXT;
	if (in->fmt == TRACE_INPUT_TRACEDAT) {
		if (tin_open_tracedat(in, err, errlen) != 0)
			goto fail;
		in->in_head = in->in_tail;	/* the library reads the file itself */
		return in;
	}
	if (tin_decoder_init(in, err, errlen) != 0)
		goto fail;
	/* decode the first chunk now: what a compressed file holds (a
	 * trace.dat, a perf.data, garbage) is known before anything runs */
	{
		long n = tin_decode(in);

		if (n < 0 || (n > 0 && tin_sniff(in, in->out, (size_t)n) != 0)) {
			if (err && errlen)
				snprintf(err, errlen, "%s: %s", in->name, in->err);
			goto fail;
		}
		in->pending = (size_t)n;
	}
	/* decode the rest on a second thread while the caller parses; not
	 * from a pipe (see the top) */
	if (in->fmt != TRACE_INPUT_TEXT && in->pending && S_ISREG(sb.st_mode) &&
	    in->total)
		tin_ring_start(in);
	return in;
fail:
	trace_input_close(in);
	return NULL;
}

struct trace_input *trace_input_open(const char *path, char *err, size_t errlen)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return trace_input_open_fd(STDIN_FILENO, false, "-", err, errlen);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		if (err && errlen)
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	return trace_input_open_fd(fd, true, path, err, errlen);
}

struct trace_input *trace_input_open_mem(const char *buf, size_t len)
{
	struct trace_input *in = tin_alloc("(memory)");

	if (!in)
		return NULL;
	in->mem = buf ? buf : "";
	in->mem_len = len;
	in->raw_bytes = len;
	in->total = len;
	return in;
}

/* ---- Reading ---- */

int trace_input_pull(struct trace_input *in, const char **chunk, size_t *len)
{
	long n;

	if (in->ring)
		return tin_ring_pull(in, chunk, len);
	if (in->failed)
		return TRACE_READ_ERROR;
	if (in->mem) {
		if (in->done || in->mem_len == 0) {
			in->done = true;
			return 0;
		}
		in->done = true;
		*chunk = in->mem;
		*len = in->mem_len;
		if (!in->sniffed)
			tin_sniff(in, in->mem, in->mem_len);
		return 1;
	}
	if (in->pending) {
		*chunk = in->out;
		*len = in->pending;
		in->pending = 0;
		return 1;
	}
	n = tin_decode(in);
	if (n < 0)
		return TRACE_READ_ERROR;
	if (n == 0)
		return 0;
	if (!in->sniffed && tin_sniff(in, in->out, (size_t)n) != 0)
		return TRACE_READ_ERROR;
	*chunk = in->out;
	*len = (size_t)n;
	return 1;
}

void trace_input_close(struct trace_input *in)
{
	if (!in)
		return;
	if (in->ring)
		tin_ring_stop(in);	/* first: the producer uses the decoder */
#ifdef HAVE_ZLIB
	if (in->zs_live)
		inflateEnd(&in->zs);
#endif
#ifdef HAVE_LIBLZMA
	if (in->xs_live)
		lzma_end(&in->xs);
#endif
#ifdef HAVE_LIBZSTD
	ZSTD_freeDStream(in->zd);
#endif
#ifdef HAVE_LIBBZ2
	if (in->bs_live)
		BZ2_bzDecompressEnd(&in->bs);
#endif
#ifdef HAVE_LIBTRACECMD
	tin_dat_close(&in->dat);
#endif
	if (in->close_fd && in->fd >= 0)
		close(in->fd);
	free(in->in);
	free(in->out);
	free(in->name);
	free(in);
}

/* ---- Queries ---- */

enum trace_input_format trace_input_format(const struct trace_input *in)
{
	return in->fmt;
}

const char *trace_input_format_name(enum trace_input_format f)
{
	return (unsigned)f < TRACE_INPUT_NR_FORMATS ? tin_format_names[f] : "?";
}

const char *trace_input_name(const struct trace_input *in)
{
	return in->name;
}

const char *trace_input_error(const struct trace_input *in)
{
	/* with a producer, in->err is final only once it reported an error */
	if (in->ring && !in->ring->failed)
		return "";
	return in->err;
}

void trace_input_progress(const struct trace_input *in, uint64_t *done,
			  uint64_t *total)
{
	if (done)
		*done = in->fmt == TRACE_INPUT_TRACEDAT ? in->dat_bytes :
			in->mem ? (in->done ? in->mem_len : 0) :
			in->ring ? in->ring->raw : in->raw_bytes;
	if (total)
		*total = in->total;
}

uint64_t trace_input_bytes(const struct trace_input *in)
{
	return in->fmt == TRACE_INPUT_TRACEDAT ? in->total :
		in->ring ? in->ring->raw : in->raw_bytes;
}

bool trace_input_binary(const struct trace_input *in)
{
	return in->binary;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_trace_input.c - libFuzzer target: the compressed input formats
 *
 * trace_input.c tells the format by its magic bytes and decodes it (gzip,
 * xz, zstd, bzip2; trace.dat in fuzz_trace_dat.c) into text that trace.c
 * cuts into lines and parses.  The first byte of the fuzz input chooses how the rest
 * reaches it:
 *
 *   0 (and anything unlisted)  the bytes as a file: detection, refusals
 *                              (perf.data, ELF, ...), and corrupt streams
 *                              of every format the magic names
 *   1 gzip, 2 xz, 3 zstd, 4 bzip2
 *                              the bytes are trace text, compressed here
 *                              into a valid stream of that format first:
 *                              the decoder glue and the line cutting across
 *                              decoded chunks, with text the parser knows
 *
 * The file is a memfd, as the reader would get from a pipe or a file.
 * Lines and events are checked as in fuzz_trace_text.c; the reader may
 * fail (a corrupt stream) but must say why.  trace.dat has its own target
 * (fuzz_trace_dat.c): libtracecmd's opening costs milliseconds, which
 * would starve the decoders of executions here.
 */
#define _GNU_SOURCE		/* memfd_create() */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codecs.h"
#include "trace.h"
#include "trace_input.h"

#define FUZZ_CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* @in compressed as format @mode into a malloc'd buffer; NULL if not built in */
static unsigned char *fuzz_compress(int mode, const uint8_t *in, size_t n, size_t *out_n)
{
	size_t cap = n + n / 2 + 1024;
	unsigned char *out = malloc(cap);

	if (!out)
		return NULL;
	switch (mode) {
#ifdef HAVE_ZLIB
	case 1: {
		z_stream zs;

		memset(&zs, 0, sizeof zs);
		if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			break;
		zs.next_in = (unsigned char *)(uintptr_t)in;
		zs.avail_in = (uInt)n;
		zs.next_out = out;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END) {
			*out_n = zs.total_out;
			deflateEnd(&zs);
			return out;
		}
		deflateEnd(&zs);
		break;
	}
#endif
#ifdef HAVE_LIBLZMA
	case 2: {
		/* the smallest dictionary: a fast encoder, a cheap decoder */
		lzma_options_lzma opt;
		lzma_filter filters[2];
		size_t pos = 0;

		if (lzma_lzma_preset(&opt, 0))
			break;
		opt.dict_size = LZMA_DICT_SIZE_MIN;
		filters[0].id = LZMA_FILTER_LZMA2;
		filters[0].options = &opt;
		filters[1].id = LZMA_VLI_UNKNOWN;
		if (lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, in, n,
					      out, &pos, cap) == LZMA_OK) {
			*out_n = pos;
			return out;
		}
		break;
	}
#endif
#ifdef HAVE_LIBZSTD
	case 3: {
		size_t r = ZSTD_compress(out, cap, in, n, 1);

		if (!ZSTD_isError(r)) {
			*out_n = r;
			return out;
		}
		break;
	}
#endif
#ifdef HAVE_LIBBZ2
	case 4: {
		unsigned int len = (unsigned int)cap;

		if (BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)(uintptr_t)in,
					     (unsigned int)n, 1, 0, 0) == BZ_OK) {
			*out_n = len;
			return out;
		}
		break;
	}
#endif
	default:
		break;
	}
	free(out);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *body = size ? data + 1 : data;
	size_t n = size ? size - 1 : 0;
	unsigned char *packed = NULL;
	struct trace_parser *p = NULL;
	struct trace_reader *r = NULL;
	struct trace_input *in;
	struct trace_event ev;
	char err[512];
	int fd, rc, mode = size ? data[0] % 8 : 0;
	size_t plen;

	if (mode >= 1 && mode <= 4) {
		packed = fuzz_compress(mode, body, n, &plen);
		if (!packed)
			return 0;	/* that format is not built in */
		body = packed;
		n = plen;
	}
	fd = memfd_create("fuzz-trace", MFD_CLOEXEC);
	if (fd < 0)
		goto out;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, body + off, n - off);

		if (w <= 0) {
			close(fd);
			goto out;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		goto out;
	}
	err[0] = '\0';
	in = trace_input_open_fd(fd, true, "fuzz", err, sizeof err);
	if (!in) {
		FUZZ_CHECK(err[0] != '\0');	/* a refusal says why */
		goto out;
	}
	FUZZ_CHECK(trace_input_format(in) < TRACE_INPUT_NR_FORMATS);
	if (mode >= 1 && mode <= 4)
		FUZZ_CHECK((int)trace_input_format(in) == mode);
	r = trace_reader_open_input(in);
	p = trace_parser_new();
	if (!r || !p)
		goto out;
	while ((rc = trace_parse_next(p, r, &ev)) == 1) {
		FUZZ_CHECK(ev.type < TRACE_NR_TYPES);
		FUZZ_CHECK(ev.shape < TRACE_NR_SHAPES);
		if (ev.flags & TRACE_EVF_GFP_UNKNOWN)
			FUZZ_CHECK(ev.gfp == 0);
	}
	if (rc == TRACE_READ_ERROR)
		FUZZ_CHECK(trace_reader_error(r)[0] != '\0');
	else
		FUZZ_CHECK(rc == 0 || rc == TRACE_LINE_NOMEM);
	/* text compressed here decodes to itself: no decoder may fail on it */
	if (mode >= 1 && mode <= 4)
		FUZZ_CHECK(rc != TRACE_READ_ERROR);
out:
	trace_parser_free(p);
	trace_reader_close(r);
	free(packed);
	return 0;
}

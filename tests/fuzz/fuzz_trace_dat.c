/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_trace_dat.c - libFuzzer target: trace-cmd's trace.dat input
 *
 * A trace.dat is opened with libtracecmd and its records converted to
 * ftrace text lines (trace_input.c), which trace.c parses.  The input is
 * the file itself, in a memfd (trace.dat needs a seekable file).  The
 * seed is a real recording (tests/data/trace-ls.dat); mutations corrupt
 * its headers, event formats and ring-buffer pages.  Opening costs
 * milliseconds in libtracecmd, so this target runs for a fixed time
 * rather than a number of executions.  Crashes inside libtracecmd or
 * libtraceevent are reported upstream; kmemsim's part is to refuse or stop
 * with a message, never to crash itself.
 */
#define _GNU_SOURCE		/* memfd_create() */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trace.h"
#include "trace_input.h"

#define FUZZ_CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_parser *p = NULL;
	struct trace_reader *r = NULL;
	struct trace_input *in;
	struct trace_event ev;
	char err[512];
	int fd, rc;

	fd = memfd_create("fuzz-trace-dat", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0) {
			close(fd);
			return 0;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	err[0] = '\0';
	in = trace_input_open_fd(fd, true, "fuzz.dat", err, sizeof err);
	if (!in) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	r = trace_reader_open_input(in);
	p = trace_parser_new();
	if (r && p) {
		while ((rc = trace_parse_next(p, r, &ev)) == 1) {
			FUZZ_CHECK(ev.type < TRACE_NR_TYPES);
			if (ev.flags & TRACE_EVF_GFP_UNKNOWN)
				FUZZ_CHECK(ev.gfp == 0);
		}
		if (rc == TRACE_READ_ERROR)
			FUZZ_CHECK(trace_reader_error(r)[0] != '\0');
	}
	trace_parser_free(p);
	trace_reader_close(r);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_trace_text.c - libFuzzer target: the trace text parser (trace.c)
 *
 * The input is trace text in any of the shapes trace.c reads (ftrace,
 * trace-cmd report, perf script, mixed, or garbage).  It is cut into lines
 * by a memory reader and every line goes through trace_parse_line(); the
 * events then go through the streaming reorder buffer and the stable sort.
 * Beyond "no crash, no sanitizer report", the documented invariants of
 * struct trace_event and of the statistics are checked, and a broken one
 * aborts (a finding like any crash).
 *
 * Built with clang -fsanitize=fuzzer by `make fuzz`, and with the normal
 * compiler and tests/fuzz/driver.c for `make check`, which replays the seed
 * corpus and every input in tests/fuzz/regress/trace_text/.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define FUZZ_CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_event(const struct trace_parser *p, const struct trace_event *ev)
{
	FUZZ_CHECK(ev->type < TRACE_NR_TYPES);
	FUZZ_CHECK(ev->shape < TRACE_NR_SHAPES);
	if (ev->flags & TRACE_EVF_GFP_UNKNOWN)
		FUZZ_CHECK(ev->gfp == 0);
	if (ev->gfp_id == 0)
		FUZZ_CHECK(ev->gfp == 0);
	FUZZ_CHECK(trace_string(p, TRACE_STR_COMM, ev->comm) != NULL);
	FUZZ_CHECK(trace_string(p, TRACE_STR_CALLSITE, ev->call_site) != NULL);
	FUZZ_CHECK(trace_string(p, TRACE_STR_CACHE, ev->cache) != NULL);
	FUZZ_CHECK(trace_string(p, TRACE_STR_GFP, ev->gfp_id) != NULL);
	if (ev->flags & TRACE_EVF_NO_CPU)
		FUZZ_CHECK(ev->cpu == TRACE_CPU_UNKNOWN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_parser *p = trace_parser_new();
	struct trace_reader *r = trace_reader_open_mem((const char *)data, size);
	struct trace_reorder *q = trace_reorder_new(TRACE_REORDER_WINDOW_NS);
	struct trace_event ev, *all = NULL, out;
	size_t n = 0, cap = 0, popped = 0;
	const struct trace_stats *st;
	uint64_t last = 0;
	int rc;

	if (!p || !r || !q)
		goto out;
	while ((rc = trace_parse_next(p, r, &ev)) == 1) {
		fuzz_check_event(p, &ev);
		if (n == cap) {
			struct trace_event *m;

			cap = cap ? 2 * cap : 64;
			m = realloc(all, cap * sizeof *m);
			if (!m)
				goto out;
			all = m;
		}
		all[n++] = ev;
		if (trace_reorder_push(q, &ev) != 0)
			goto out;
		while (trace_reorder_pop(q, &out, false) == 1)
			popped++;
	}
	FUZZ_CHECK(rc == 0);	/* a memory reader never fails */
	while (trace_reorder_pop(q, &out, true) == 1)
		popped++;
	FUZZ_CHECK(popped == n);
	st = trace_parser_stats(p);
	/* lines == events + skipped + other_events + malformed */
	FUZZ_CHECK(st->lines == st->events + st->skipped + st->other_events + st->malformed);
	FUZZ_CHECK(st->events == n);
	for (unsigned i = 0; trace_parser_problem(p, i); i++)
		FUZZ_CHECK(i < TRACE_MAX_PROBLEMS);
	if (trace_events_sort(all, n) == 0) {
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(all[i].ts_ns >= last);
			last = all[i].ts_ns;
		}
		FUZZ_CHECK(trace_events_disorder(all, n) == 0);
	}
out:
	free(all);
	trace_reorder_free(q);
	trace_reader_close(r);
	trace_parser_free(p);
	return 0;
}

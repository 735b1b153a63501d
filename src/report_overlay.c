/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_overlay.c - one time series drawn over all the runs of a report
 *
 * A compare report holds one run report per policy, each with its own time
 * series (slab pages, free pages, fragmentation).  Seen one run at a time,
 * three charts with three y scales hide what differs; report_overlay()
 * builds one series with one line per run on one x axis and one y scale,
 * from the runs' series already in the document.
 *
 * Data decisions (a builder's, not a renderer's):
 *   - a run's value is one named line of its series, or the sum of all
 *     its lines (slab pages per cache add up to the slab total);
 *   - the x values are the union of the runs' x values; where a run has no
 *     sample at some x inside its own range, its last sample holds (the
 *     sampled state does not change between samples as far as the report
 *     knows); outside its range it has no value (a gap);
 *   - reference lines (watermarks) are copied from the first run that has
 *     them when every run has the same ones, and dropped otherwise.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

/* run @i's value of @ts at sample @k: line @line, or the sum of all */
static double ov_value(const struct report_series *ts, int line, size_t k)
{
	double sum = 0;
	bool any = false;

	if (line >= 0)
		return ts->lines[line].y[k];
	for (size_t l = 0; l < ts->nlines; l++) {
		double v = ts->lines[l].y[k];

		if (v == v) {
			sum += v;
			any = true;
		}
	}
	return any ? sum : NAN;
}

static bool ov_same_refs(const struct report_series *a,
			 const struct report_series *b)
{
	if (a->nrefs != b->nrefs)
		return false;
	for (size_t i = 0; i < a->nrefs; i++)
		if (strcmp(a->refs[i].name, b->refs[i].name) || a->refs[i].y != b->refs[i].y)
			return false;
	return true;
}

static int ov_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct report_series *report_overlay(struct report_section *s, const char *id,
				     const char *title, const struct report *r,
				     const char *path, const char *line)
{
	const struct report_series **src;
	int *lidx;
	size_t nsrc = 0, nx = 0, *at = NULL;
	uint64_t *xs = NULL;
	double *y = NULL;
	struct report_series *ts = NULL;
	const struct report_series *first = NULL;
	bool refs_ok = true;

	if (!s || !r || !path)
		return NULL;
	src = calloc(r->nruns ? r->nruns : 1, sizeof *src);
	lidx = calloc(r->nruns ? r->nruns : 1, sizeof *lidx);
	if (!src || !lidx)
		goto oom;
	for (size_t i = 0; i < r->nruns; i++) {
		struct rep_where w;

		src[i] = NULL;
		if (!rep_find_block(r->runs[i].report, path, &w) ||
		    w.block->type != REPORT_BLOCK_SERIES)
			continue;
		src[i] = (const struct report_series *)w.block;
		lidx[i] = -1;
		if (line) {
			for (size_t l = 0; l < src[i]->nlines; l++)
				if (!strcmp(src[i]->lines[l].name, line))
					lidx[i] = (int)l;
			if (lidx[i] < 0) {
				src[i] = NULL;
				continue;
			}
		}
		if (!first) {
			first = src[i];
		} else if (first->xaxis != src[i]->xaxis) {
			src[i] = NULL;	/* not on the same axis: left out */
			continue;
		} else if (!ov_same_refs(first, src[i])) {
			refs_ok = false;
		}
		nx += src[i]->nsamples;
		nsrc++;
	}
	if (!nsrc) {
		free(src);
		free(lidx);
		return NULL;	/* nothing to overlay: no block, no failure */
	}
	xs = malloc((nx ? nx : 1) * sizeof *xs);
	at = calloc(r->nruns, sizeof *at);
	y = malloc(r->nruns * sizeof *y);
	if (!xs || !at || !y)
		goto oom;
	nx = 0;
	for (size_t i = 0; i < r->nruns; i++)
		if (src[i]) {
			memcpy(xs + nx, src[i]->x, src[i]->nsamples * sizeof *xs);
			nx += src[i]->nsamples;
		}
	qsort(xs, nx, sizeof *xs, ov_u64_cmp);
	ts = report_series(s, id, title, first->xaxis, first->y_label,
			   first->y_unit, first->y_decimals);
	for (size_t i = 0; i < r->nruns; i++)
		if (src[i])
			report_series_line(ts, r->runs[i].label);
	if (refs_ok)
		for (size_t k = 0; k < first->nrefs; k++)
			report_series_ref(ts, first->refs[k].name, first->refs[k].y);
	for (size_t k = 0; k < nx; k++) {
		size_t n = 0;

		if (k && xs[k] == xs[k - 1])
			continue;
		for (size_t i = 0; i < r->nruns; i++) {
			const struct report_series *t = src[i];

			if (!t)
				continue;
			/* the last sample at or before xs[k] (sample and hold) */
			while (at[i] + 1 < t->nsamples && t->x[at[i] + 1] <= xs[k])
				at[i]++;
			if (!t->nsamples || xs[k] < t->x[0] || xs[k] > t->x[t->nsamples - 1])
				y[n++] = NAN;
			else
				y[n++] = ov_value(t, lidx[i], at[i]);
		}
		report_series_sample(ts, xs[k], y, n);
	}
	free(src);
	free(lidx);
	free(xs);
	free(at);
	free(y);
	return ts;
oom:
	free(src);
	free(lidx);
	free(xs);
	free(at);
	free(y);
	rep_oom(s->owner, id);
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_headline.c - the few figures that differ most, in words
 *
 * A compare or replay report holds dozens of figures per policy; a reader
 * wants to know first where the policies part ways.  report_headline()
 * reads a bar group already in the document (one category per metric,
 * one value per policy) and writes a small table whose rows are findings:
 * a sentence with the numbers, plus the numbers themselves as columns so
 * JSON readers need not parse the sentence.  Nothing is hard-coded: which
 * metrics lead, and what the sentence says, follow from the values.
 *
 * Ranking.  Policies that differ by a factor matter more than policies
 * that differ by a few per cent, whatever the unit, so findings are
 * ranked by the ratio of the highest to the lowest value (its logarithm,
 * largest first; ties in category order, so the choice is deterministic).
 * A policy with none of something (SLOB has no per-CPU caches, so no
 * objects cached in them) counts as REP_HEADLINE_NONE_RATIO: a real
 * difference, but a structural one that should not crowd out a 200-fold
 * latency; and only the first such finding is listed, since they tend to
 * say the same thing several ways.  Noise is left out: a spread ((highest
 * - lowest) / highest) under REP_HEADLINE_MIN_SPREAD, and for percentages
 * a gap under REP_HEADLINE_MIN_POINTS points (0.007 % against 0.002 %
 * internal fragmentation is a threefold ratio of nothing).  The @leads,
 * chosen by the command (the memory cost: peak, then final slab pages),
 * come first: the first of them that is not noise is listed before any
 * other finding.
 *
 * This sits at the document level (it reads and builds the model, like
 * any builder): renderers only draw the table, marked as the headline.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

#define REP_HEADLINE_MIN_SPREAD	0.01	/* 1 %: below that, "about equal" */
#define REP_HEADLINE_MIN_POINTS	0.5	/* percentage points */
#define REP_HEADLINE_NONE_RATIO	10.0	/* the rank of "x has none" */

struct hl_pick {
	size_t cat;
	double spread;		/* (highest - lowest) / max(|highest|, |lowest|) */
	double rank;		/* log of highest / lowest: the sort key */
	bool none;		/* the lowest is 0: "x has none" */
	size_t lo, hi;		/* series with the lowest, highest value */
};

/* the spread of category @c; false if it has fewer than two values */
static bool hl_measure(const struct report_bars *b, size_t c,
		       struct hl_pick *p)
{
	const struct rep_category *cat = &b->cats[c];
	size_t n = 0;

	p->cat = c;
	p->lo = p->hi = 0;
	for (size_t i = 0; i < b->nseries; i++) {
		double v = cat->values[i];

		if (v != v)
			continue;
		if (!n || v < cat->values[p->lo])
			p->lo = i;
		if (!n || v > cat->values[p->hi])
			p->hi = i;
		n++;
	}
	if (n < 2)
		return false;
	{
		double lo = cat->values[p->lo], hi = cat->values[p->hi];
		double big = fmax(fabs(lo), fabs(hi));

		p->spread = big > 0 ? (hi - lo) / big : 0;
		p->none = lo == 0 && hi > 0;
		if (p->none)
			p->rank = log(REP_HEADLINE_NONE_RATIO);
		else if (lo > 0)
			p->rank = log(hi / lo);
		else	/* negative values: no ratio, the spread ranks it */
			p->rank = log1p(p->spread);
	}
	return true;
}

static bool hl_noise(const struct report_bars *b, const struct hl_pick *p)
{
	const struct rep_category *cat = &b->cats[p->cat];

	if (p->spread < REP_HEADLINE_MIN_SPREAD)
		return true;
	return !strcmp(cat->unit, "%") &&
	       cat->values[p->hi] - cat->values[p->lo] < REP_HEADLINE_MIN_POINTS;
}

/* the finding's sentence into @o */
static void hl_sentence(struct rep_out *o, const struct report_bars *b,
			const struct hl_pick *p)
{
	const struct rep_category *cat = &b->cats[p->cat];
	double lo = cat->values[p->lo], hi = cat->values[p->hi];
	size_t *ord = malloc(b->nseries * sizeof *ord), n = 0;
	char num[REP_NUMBUF];

	if (!ord) {
		o->buf->failed = true;
		return;
	}
	/* the present values, ascending (stable: ties keep series order) */
	for (size_t i = 0; i < b->nseries; i++) {
		size_t k = n;

		if (cat->values[i] != cat->values[i])
			continue;
		while (k > 0 && cat->values[ord[k - 1]] > cat->values[i]) {
			ord[k] = ord[k - 1];
			k--;
		}
		ord[k] = i;
		n++;
	}
	rep_printf(o, "%s: ", cat->name);
	for (size_t k = 0; k < n; k++) {
		rep_fmt_amount(num, cat->values[ord[k]], cat->unit);
		rep_printf(o, "%s%s %s", k ? ", " : "", b->series[ord[k]], num);
	}
	if (lo == 0 && hi > 0) {
		size_t zeros = 0;

		rep_puts(o, " (");
		for (size_t k = 0; k < n && cat->values[ord[k]] == 0; k++)
			rep_printf(o, "%s%s", zeros++ ? " and " : "", b->series[ord[k]]);
		rep_printf(o, " %s none)", zeros > 1 ? "have" : "has");
	} else if (lo > 0 && hi / lo >= 2) {
		rep_fmt_sig(num, hi / lo, false);
		rep_printf(o, " (%s %sx %s)", b->series[p->hi], num,
			   b->series[p->lo]);
	} else {
		rep_fmt_sig(num, p->spread * 100, false);
		rep_printf(o, " (%s %s%% %s than %s)", b->series[p->lo], num,
			   lo >= 0 ? "lower" : "further below", b->series[p->hi]);
	}
	free(ord);
}

/* @name is one of @leads: its index, or -1 */
static int hl_lead(const char *const *leads, const char *name)
{
	for (int i = 0; leads && leads[i]; i++)
		if (!strcmp(leads[i], name))
			return i;
	return -1;
}

struct report_table *report_headline(struct report_section *s, const char *id,
				     const char *title,
				     const struct report_bars *from,
				     const char *const *leads, size_t max)
{
	struct report_table *t;
	struct hl_pick *picks;
	size_t n = 0;
	int lead = -1;		/* the index in @leads of the lead listed */
	bool had_none = false;

	if (!from) {
		/* the caller's bar group failed: that status is already set */
		return NULL;
	}
	t = report_table(s, id, title);
	if (!t)
		return NULL;
	t->headline = true;
	report_column(t, "finding", REPORT_TEXT, 0, NULL);
	report_column(t, "metric", REPORT_TEXT, 0, NULL);
	report_column(t, "unit", REPORT_TEXT, 0, NULL);
	report_column(t, "lowest", REPORT_TEXT, 0, NULL);
	report_column(t, "lowest value", REPORT_REAL, 3, NULL);
	report_column(t, "highest", REPORT_TEXT, 0, NULL);
	report_column(t, "highest value", REPORT_REAL, 3, NULL);
	report_column(t, "spread", REPORT_PERCENT, 1, NULL);
	picks = calloc(from->ncats ? from->ncats : 1, sizeof *picks);
	if (!picks) {
		rep_oom(t->b.owner, t->b.id);
		return t;
	}
	/* the first lead that is a finding */
	for (size_t c = 0; c < from->ncats; c++) {
		struct hl_pick p;
		int l = hl_lead(leads, from->cats[c].name);

		if (l >= 0 && (lead < 0 || l < lead) && hl_measure(from, c, &p) &&
		    p.spread > 0 && !hl_noise(from, &p))
			lead = l;
	}
	for (size_t c = 0; c < from->ncats; c++) {
		struct hl_pick p;
		int l = hl_lead(leads, from->cats[c].name);
		size_t k;

		if (!hl_measure(from, c, &p) || p.spread == 0 || hl_noise(from, &p))
			continue;
		if (l >= 0 && l == lead)
			p.rank = INFINITY;	/* first, whatever it is */
		/* insertion by rank, largest first; ties keep category order */
		for (k = n; k > 0 && picks[k - 1].rank < p.rank; k--)
			picks[k] = picks[k - 1];
		picks[k] = p;
		n++;
	}
	/* one "has none" finding at most (the lead aside) */
	{
		size_t kept = 0;

		for (size_t k = 0; k < n; k++) {
			if (picks[k].none && picks[k].rank != INFINITY) {
				if (had_none)
					continue;
				had_none = true;
			}
			picks[kept++] = picks[k];
		}
		n = kept;
	}
	if (n > max)
		n = max;
	for (size_t k = 0; k < n; k++) {
		const struct rep_category *cat = &from->cats[picks[k].cat];
		struct report_buf sb = REPORT_BUF_INIT;
		struct rep_out so = { &sb };
		double spread;

		hl_measure(from, picks[k].cat, &picks[k]);
		spread = picks[k].spread * 100;
		hl_sentence(&so, from, &picks[k]);
		if (sb.failed) {
			report_buf_release(&sb);
			rep_oom(t->b.owner, t->b.id);
			break;
		}
		REPORT_ROW(t, RV_TEXT(sb.data), RV_TEXT(cat->name), RV_TEXT(cat->unit),
			   RV_TEXT(from->series[picks[k].lo]),
			   RV_REAL(cat->values[picks[k].lo], 3),
			   RV_TEXT(from->series[picks[k].hi]),
			   RV_REAL(cat->values[picks[k].hi], 3),
			   RV_PERCENT(spread, 1));
		report_buf_release(&sb);
	}
	if (n == 0)
		REPORT_ROW(t, RV_TEXT("the policies agree: no figure differs by 1% or more"),
			   RV_NONE(REPORT_TEXT), RV_NONE(REPORT_TEXT),
			   RV_NONE(REPORT_TEXT), RV_NONE(REPORT_REAL),
			   RV_NONE(REPORT_TEXT), RV_NONE(REPORT_REAL),
			   RV_NONE(REPORT_PERCENT));
	free(picks);
	return t;
}

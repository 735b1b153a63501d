/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sampler.c - time series of a run: what memory looked like as it went
 *
 * How it works.  Once sim_sample_start() is called, every operation (each
 * call that records a modelled latency, see sim_lat_record()) and, in time
 * mode, a periodic timer ask "is a sample due?".  A sample reads, through
 * the public API where there is one, the free pages and watermarks of
 * every populated zone, the unusable free space index at one order, the
 * pages of every slab cache, and the cumulative stall and failure
 * counters.  The samples become the "timeline" section of the run report
 * (sampler_report()), one line chart per figure.
 *
 * Schedule.  Operation mode samples at operation counts that are
 * multiples of the interval, time mode at the first operation or timer
 * expiry at or after each multiple of the period (timers only run inside
 * sim_advance(), so a run that never lets time pass is still sampled at
 * its operations).  Both start with a sample at sim_sample_start().
 *
 * Bounded memory.  The sample arrays are allocated once, for max_samples.
 * When they are full, every other sample is dropped (the first is kept)
 * and the interval doubles, so whatever the length of the run the series
 * ends with max_samples / 2 .. max_samples evenly spaced samples.  "Auto"
 * is operation mode with an interval of 1: the interval finds the run's
 * length by itself.  Total work is O(max_samples * log(ops / max_samples))
 * samples.
 *
 * Peak.  The pages in slabs and large kmallocs are checked at every
 * operation (one O(1) read), not only at samples, so the peak is exact at
 * operation granularity.
 *
 * Ownership and ordering: the sampler only reads the simulator.  Its timer
 * runs no kernel work and charges no time, so a run with sampling and one
 * without are the same run (the determinism tests compare them).  A cache
 * is followed by name: a cache destroyed and created again continues its
 * line; a cache with no slab pages yet has no line.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "sampler.h"
#include "slab.h"
#include "state.h"

#define SAMPLER_DEF_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER: where fragmentation starts to hurt */
#define SAMPLER_DEF_TOP		8	/* caches drawn on their own: more is unreadable */
#define SAMPLER_DEF_MAX		256	/* samples: a chart's width in points */
#define SAMPLER_MIN_MAX		4	/* halving needs a few */
#define SAMPLER_MAX_ZONES	(SIM_MAX_NODES * SIM_NR_ZONES)

/* per zone and sample */
enum { ZV_FREE, ZV_MIN, ZV_LOW, ZV_HIGH, ZV_UNUSABLE, ZV_N };
/* cumulative counters per sample */
enum { EV_STALLS, EV_PAGE_FAILS, EV_SLAB_FAILS, EV_SLOWPATH, EV_OOM, EV_N };

static const char *const sampler_ev_names[EV_N] = {
	"allocation stalls", "page allocation failures",
	"slab allocation failures", "slow path entries", "OOM kills",
};

/* one cache's slab pages over the samples */
struct sampler_line {
	char *name;
	uint64_t seq;		/* creation number of the cache it follows now */
	uint64_t peak;		/* most pages at a sample */
	double *y;		/* cap values; NAN where the cache had no line or was gone */
};

struct sampler {
	struct sim_sample_opts opts;
	uint64_t every_ops;	/* the interval now (operation mode), else 0 */
	sim_time_t every_ns;	/* the period now (time mode), else 0 */
	uint64_t ops;		/* operations since the start */
	uint64_t next_op;	/* sample when ops reaches this */
	sim_time_t next_ns;	/* or when the clock does */
	uint64_t peak;		/* slab + large kmalloc pages */
	sim_time_t peak_time;
	bool failed;		/* host memory ran out: sampling stopped */

	size_t nzones;
	size_t zone_idx[SAMPLER_MAX_ZONES];	/* sim_zone_info() indices */
	char zone_name[SAMPLER_MAX_ZONES][24];	/* "Normal", "N1 Normal" */

	size_t n, cap;
	uint64_t *x_ops;
	sim_time_t *x_ns;
	uint64_t *zv;		/* [sample][zone][ZV_N] */
	uint64_t *ev;		/* [sample][EV_N] */
	uint64_t *slab_total;	/* NR_SLAB_* pages (slabs + large kmalloc) */
	uint64_t *large;	/* large kmalloc pages */

	struct sampler_line *lines;
	size_t nlines, cap_lines;
	size_t *hint;		/* list position -> line, from the last sample */
	size_t cap_hint;
};

/* ---- Options ---- */

void sim_sample_opts_init(struct sim_sample_opts *o)
{
	memset(o, 0, sizeof *o);
	o->order = SAMPLER_DEF_ORDER;
	o->top_caches = SAMPLER_DEF_TOP;
	o->max_samples = SAMPLER_DEF_MAX;
}

/* ---- Taking a sample ---- */

static void sampler_free(struct sampler *sp)
{
	if (!sp)
		return;
	for (size_t i = 0; i < sp->nlines; i++) {
		free(sp->lines[i].name);
		free(sp->lines[i].y);
	}
	free(sp->lines);
	free(sp->hint);
	free(sp->x_ops);
	free(sp->x_ns);
	free(sp->zv);
	free(sp->ev);
	free(sp->slab_total);
	free(sp->large);
	free(sp);
}

static uint64_t sampler_slab_pages(const struct sim *sim)
{
	uint64_t rec, unrec;

	sim_slab_vmstat(sim, &rec, &unrec);
	return rec + unrec;
}

static void sampler_peak(const struct sim *sim, struct sampler *sp)
{
	uint64_t pages = sampler_slab_pages(sim);

	if (pages > sp->peak) {
		sp->peak = pages;
		sp->peak_time = sim->now;
	}
}

/* drop every other sample (keeping the first) and double the interval */
static void sampler_halve(struct sim *sim, struct sampler *sp)
{
	size_t n = (sp->n + 1) / 2;

	for (size_t j = 1; j < n; j++) {
		size_t i = 2 * j;

		sp->x_ops[j] = sp->x_ops[i];
		sp->x_ns[j] = sp->x_ns[i];
		memcpy(&sp->zv[j * sp->nzones * ZV_N], &sp->zv[i * sp->nzones * ZV_N],
		       sp->nzones * ZV_N * sizeof *sp->zv);
		memcpy(&sp->ev[j * EV_N], &sp->ev[i * EV_N], EV_N * sizeof *sp->ev);
		sp->slab_total[j] = sp->slab_total[i];
		sp->large[j] = sp->large[i];
		for (size_t l = 0; l < sp->nlines; l++)
			sp->lines[l].y[j] = sp->lines[l].y[i];
	}
	sp->n = n;
	if (sp->every_ops) {
		sp->every_ops *= 2;
		sp->next_op = (sp->ops / sp->every_ops + 1) * sp->every_ops;
	} else {
		sp->every_ns *= 2;
		sp->next_ns = (sim->now / sp->every_ns + 1) * sp->every_ns;
	}
}

/* the line following the cache at list position @pos; creates it; NULL on OOM */
static struct sampler_line *sampler_line(struct sampler *sp, size_t pos,
					 const struct kmem_cache *s)
{
	struct sampler_line *l;
	size_t i;

	if (pos < sp->cap_hint && sp->hint[pos] < sp->nlines &&
	    sp->lines[sp->hint[pos]].seq == s->seq)
		return &sp->lines[sp->hint[pos]];
	for (i = 0; i < sp->nlines; i++)
		if (strcmp(sp->lines[i].name, s->name) == 0)
			break;
	if (i == sp->nlines) {
		if (sp->nlines == sp->cap_lines) {
			size_t cap = sp->cap_lines ? 2 * sp->cap_lines : 16;
			struct sampler_line *n = sim_xrealloc(sp->lines, cap * sizeof *n);

			if (!n)
				return NULL;
			sp->lines = n;
			sp->cap_lines = cap;
		}
		l = &sp->lines[i];
		memset(l, 0, sizeof *l);
		l->name = sim_xstrdup(s->name);
		l->y = sim_xcalloc(sp->cap, sizeof *l->y);
		if (!l->name || !l->y) {
			free(l->name);
			free(l->y);
			return NULL;
		}
		for (size_t k = 0; k < sp->cap; k++)
			l->y[k] = NAN;
		sp->nlines++;
	}
	if (pos >= sp->cap_hint) {
		size_t cap = pos + 16;
		size_t *h = sim_xrealloc(sp->hint, cap * sizeof *h);

		if (!h)
			return NULL;
		for (size_t k = sp->cap_hint; k < cap; k++)
			h[k] = SIZE_MAX;
		sp->hint = h;
		sp->cap_hint = cap;
	}
	sp->hint[pos] = i;
	sp->lines[i].seq = s->seq;
	return &sp->lines[i];
}

static int sampler_take(struct sim *sim, struct sampler *sp)
{
	const struct sim_stats *st = &sim->stats;
	uint64_t large = 0;
	size_t i;
	uint64_t *ev;

	if (sp->failed)
		return SIM_ENOHOSTMEM;
	if (sp->n == sp->cap)
		sampler_halve(sim, sp);
	i = sp->n;
	sp->x_ops[i] = sp->ops;
	sp->x_ns[i] = sim->now;
	for (size_t z = 0; z < sp->nzones; z++) {
		struct sim_zone_info zi;
		uint64_t *v = &sp->zv[(i * sp->nzones + z) * ZV_N];

		sim_zone_info(sim, sp->zone_idx[z], &zi);
		v[ZV_FREE] = zi.free;
		v[ZV_MIN] = zi.min;
		v[ZV_LOW] = zi.low;
		v[ZV_HIGH] = zi.high;
		v[ZV_UNUSABLE] = (uint64_t)(zi.unusable_index[sp->opts.order] < 0 ?
				 0 : zi.unusable_index[sp->opts.order]);
		large += zi.pages_by_use[PAGE_USE_KMALLOC_LARGE];
	}
	ev = &sp->ev[i * EV_N];
	ev[EV_STALLS] = st->allocstall_dma + st->allocstall_dma32 +
			st->allocstall_normal + st->allocstall_movable +
			st->allocstall_device;
	ev[EV_PAGE_FAILS] = st->alloc_fail;
	ev[EV_SLAB_FAILS] = st->slab_alloc_fail;
	ev[EV_SLOWPATH] = st->alloc_slowpath;
	ev[EV_OOM] = st->oom_kill;
	sp->slab_total[i] = sampler_slab_pages(sim);
	sp->large[i] = large < sp->slab_total[i] ? large : sp->slab_total[i];
	for (size_t l = 0; l < sp->nlines; l++)
		sp->lines[l].y[i] = NAN;
	for (size_t c = 0; c < slab_nr_caches(sim); c++) {
		const struct kmem_cache *s = slab_cache_at(sim, c);
		struct sampler_line *l;
		bool known = false;

		if (!s)
			continue;
		if (s->acct.pages == 0) {
			/* no line yet for an empty cache (most kmalloc classes) */
			for (size_t k = 0; k < sp->nlines && !known; k++)
				known = strcmp(sp->lines[k].name, s->name) == 0;
			if (!known)
				continue;
		}
		l = sampler_line(sp, c, s);
		if (!l) {
			sp->failed = true;
			return SIM_ENOHOSTMEM;
		}
		/* two caches of one name (a dead one and its successor) add up */
		l->y[i] = (l->y[i] != l->y[i] ? 0 : l->y[i]) + (double)s->acct.pages;
		if ((uint64_t)l->y[i] > l->peak)
			l->peak = (uint64_t)l->y[i];
	}
	sp->n++;
	sampler_peak(sim, sp);
	return SIM_OK;
}

/* ---- The schedule ---- */

static void sampler_due(struct sim *sim, struct sampler *sp)
{
	if (sp->every_ops) {
		if (sp->ops < sp->next_op)
			return;
		if (sampler_take(sim, sp) != SIM_OK)
			return;
		sp->next_op = (sp->ops / sp->every_ops + 1) * sp->every_ops;
	} else {
		if (sim->now < sp->next_ns)
			return;
		if (sampler_take(sim, sp) != SIM_OK)
			return;
		sp->next_ns = (sim->now / sp->every_ns + 1) * sp->every_ns;
	}
}

void sampler_op(struct sim *sim)
{
	struct sampler *sp = sim->sampler;

	sp->ops++;
	sampler_peak(sim, sp);
	sampler_due(sim, sp);
}

static void sampler_timer(struct sim *sim, void *arg)
{
	(void)arg;
	if (sim->sampler)
		sampler_due(sim, sim->sampler);
}

/* sim_timer_add_quiet()'s question: the timer only samples at next_ns (in
 * time mode; in operation mode, time passing never makes a sample due) */
static sim_time_t sampler_timer_quiet(struct sim *sim, void *arg)
{
	const struct sampler *sp = sim->sampler;

	(void)arg;
	if (!sp || sp->every_ops || sp->failed)
		return SIM_TIME_NEVER;
	return sp->next_ns;
}

/* ---- Public API ---- */

int sim_sample_start(struct sim *sim, const struct sim_sample_opts *o)
{
	struct sampler *sp;
	size_t cap;

	if (sim->sampler)
		return sim_set_reason(sim, SIM_EBUSY, "already sampling");
	if (o->every_ops && o->every_ns)
		return sim_set_reason(sim, SIM_EINVAL,
				      "sample every N operations or every T of time, not both");
	if (o->order > SIM_MAX_ORDER)
		return sim_set_reason(sim, SIM_EINVAL, "order %u out of range (0..%d)",
				      o->order, SIM_MAX_ORDER);
	if (o->max_samples < SAMPLER_MIN_MAX || o->max_samples > (1u << 20))
		return sim_set_reason(sim, SIM_EINVAL,
				      "max_samples %zu out of range (%d..%u)",
				      o->max_samples, SAMPLER_MIN_MAX, 1u << 20);
	sp = sim_xcalloc(1, sizeof *sp);
	if (!sp)
		return SIM_ENOHOSTMEM;
	sp->opts = *o;
	for (size_t z = 0; z < sim_zone_count(sim) && sp->nzones < SAMPLER_MAX_ZONES; z++) {
		struct sim_zone_info zi;

		if (sim_zone_info(sim, z, &zi) != SIM_OK || !zi.populated)
			continue;
		sp->zone_idx[sp->nzones] = z;
		if (sim_get_config(sim)->nodes > 1)
			snprintf(sp->zone_name[sp->nzones], sizeof sp->zone_name[0],
				 "N%u %s", zi.node, zi.name);
		else
			snprintf(sp->zone_name[sp->nzones], sizeof sp->zone_name[0],
				 "%s", zi.name);
		sp->nzones++;
	}
	cap = sp->cap = o->max_samples;
	sp->x_ops = sim_xcalloc(cap, sizeof *sp->x_ops);
	sp->x_ns = sim_xcalloc(cap, sizeof *sp->x_ns);
	sp->zv = sim_xcalloc(cap * (sp->nzones ? sp->nzones : 1) * ZV_N, sizeof *sp->zv);
	sp->ev = sim_xcalloc(cap * EV_N, sizeof *sp->ev);
	sp->slab_total = sim_xcalloc(cap, sizeof *sp->slab_total);
	sp->large = sim_xcalloc(cap, sizeof *sp->large);
	if (!sp->x_ops || !sp->x_ns || !sp->zv || !sp->ev || !sp->slab_total ||
	    !sp->large) {
		sampler_free(sp);
		return SIM_ENOHOSTMEM;
	}
	if (o->every_ns) {
		sp->every_ns = o->every_ns;
		sp->next_ns = (sim->now / sp->every_ns + 1) * sp->every_ns;
		/* the timer samples idle stretches (sim_advance); it is never
		 * removed, so it checks that the sampler is still there */
		if (sim_timer_add_quiet(sim, sp->next_ns - sim->now, sp->every_ns,
					sampler_timer, sampler_timer_quiet, NULL,
					NULL) != SIM_OK) {
			sampler_free(sp);
			return SIM_ENOHOSTMEM;
		}
	} else {
		sp->every_ops = o->every_ops ? o->every_ops : 1;
		sp->next_op = sp->every_ops;
	}
	sp->peak = sampler_slab_pages(sim);
	sp->peak_time = sim->now;
	if (sampler_take(sim, sp) != SIM_OK) {
		sampler_free(sp);
		return SIM_ENOHOSTMEM;
	}
	sim->sampler = sp;
	return SIM_OK;
}

int sim_sample_now(struct sim *sim)
{
	struct sampler *sp = sim->sampler;

	if (!sp)
		return SIM_ENOENT;
	if (sp->n && sp->x_ops[sp->n - 1] == sp->ops &&
	    sp->x_ns[sp->n - 1] == sim->now)
		sp->n--;	/* nothing happened since: retake it */
	return sampler_take(sim, sp);
}

int sim_sample_get_stats(const struct sim *sim, struct sim_sample_stats *out)
{
	const struct sampler *sp = sim->sampler;

	memset(out, 0, sizeof *out);
	if (!sp)
		return SIM_ENOENT;
	out->samples = sp->n;
	out->ops = sp->ops;
	out->every_ops = sp->every_ops;
	out->every_ns = sp->every_ns;
	out->peak_slab_pages = sp->peak;
	out->peak_time = sp->peak_time;
	return SIM_OK;
}

/* ---- Layer life cycle ---- */

int sampler_layer_init(struct sim *sim, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	sim->sampler = NULL;
	return SIM_OK;
}

void sampler_layer_destroy(struct sim *sim)
{
	sampler_free(sim->sampler);
	sim->sampler = NULL;
}

/* ---- The report ---- */

static uint64_t sampler_zv(const struct sampler *sp, size_t i, size_t z, int k)
{
	return sp->zv[(i * sp->nzones + z) * ZV_N + k];
}

/* "free-Normal", "free-N1-Normal": ids allow no spaces */
static void sampler_id(char *buf, size_t len, const char *prefix,
		       const char *zone)
{
	size_t n = (size_t)snprintf(buf, len, "%s-%s", prefix, zone);

	for (size_t i = 0; i < n && i < len; i++)
		if (buf[i] == ' ')
			buf[i] = '-';
}

static void sampler_report_zone(const struct sampler *sp, size_t z,
				struct report_section *s, enum report_xaxis xa)
{
	static const char *const wm[] = { "min", "low", "high" };
	struct report_series *ts;
	char id[64], title[96];
	bool moved = false;

	sampler_id(id, sizeof id, "free", sp->zone_name[z]);
	snprintf(title, sizeof title, "Free pages and watermarks: zone %s",
		 sp->zone_name[z]);
	ts = report_series(s, id, title, xa, "free", "pages", 0);
	report_series_line(ts, "free");
	for (size_t i = 1; i < sp->n && !moved; i++)
		for (int k = ZV_MIN; k <= ZV_HIGH; k++)
			if (sampler_zv(sp, i, z, k) != sampler_zv(sp, 0, z, k))
				moved = true;
	/* watermarks that never moved are reference lines; boosted ones are lines */
	for (int k = ZV_MIN; k <= ZV_HIGH; k++) {
		if (moved)
			report_series_line(ts, wm[k - ZV_MIN]);
		else if (sp->n)
			report_series_ref(ts, wm[k - ZV_MIN],
					  (double)sampler_zv(sp, 0, z, k));
	}
	for (size_t i = 0; i < sp->n; i++) {
		double y[4];

		for (int k = ZV_FREE; k <= ZV_HIGH; k++)
			y[k] = (double)sampler_zv(sp, i, z, k);
		report_series_sample(ts, xa == REPORT_X_OPS ? sp->x_ops[i] :
				     sp->x_ns[i], y, moved ? 4 : 1);
	}
}

/* the lines of the slab chart: the top caches by peak, in that order */
static size_t sampler_top(const struct sampler *sp, size_t *top, size_t max)
{
	size_t n = 0;

	for (size_t l = 0; l < sp->nlines; l++) {
		size_t j = n < max ? n++ : max;

		if (j == max) {
			/* full: replace the smallest if this one is larger */
			if (sp->lines[l].peak <= sp->lines[top[max - 1]].peak)
				continue;
			j = max - 1;
		}
		/* insertion sort by peak (desc), first seen first on ties */
		while (j > 0 && sp->lines[top[j - 1]].peak < sp->lines[l].peak) {
			top[j] = top[j - 1];
			j--;
		}
		top[j] = l;
	}
	return n;
}

static void sampler_report_slab(const struct sampler *sp,
				struct report_section *s, enum report_xaxis xa)
{
	struct report_series *ts;
	size_t *top = NULL, ntop = 0;
	bool other = false, large = false;
	double *y;

	if (sp->opts.top_caches && sp->nlines) {
		top = calloc(sp->opts.top_caches, sizeof *top);
		if (top)
			ntop = sampler_top(sp, top, sp->opts.top_caches);
	}
	y = calloc(ntop + 2, sizeof *y);
	if (!y) {
		free(top);
		return;
	}
	for (size_t i = 0; i < sp->n; i++) {
		double rest = (double)(sp->slab_total[i] - sp->large[i]);

		for (size_t t = 0; t < ntop; t++)
			if (sp->lines[top[t]].y[i] == sp->lines[top[t]].y[i])
				rest -= sp->lines[top[t]].y[i];
		if (rest > 0)
			other = true;
		if (sp->large[i])
			large = true;
	}
	ts = report_series(s, "slab", "Slab pages per cache", xa, "slab pages",
			   "pages", 0);
	for (size_t t = 0; t < ntop; t++)
		report_series_line(ts, sp->lines[top[t]].name);
	/* with no cache lines (SLOB: pages belong to no cache) the rest is all */
	other = other || !ntop;
	if (other)
		report_series_line(ts, ntop ? "other" : "slab pages");
	if (large)
		report_series_line(ts, "large kmalloc");
	for (size_t i = 0; i < sp->n; i++) {
		double rest = (double)(sp->slab_total[i] - sp->large[i]);
		size_t k = 0;

		for (size_t t = 0; t < ntop; t++) {
			y[k] = sp->lines[top[t]].y[i];
			if (y[k] == y[k])
				rest -= y[k];
			k++;
		}
		if (other)
			y[k++] = rest > 0 ? rest : 0;
		if (large)
			y[k++] = (double)sp->large[i];
		report_series_sample(ts, xa == REPORT_X_OPS ? sp->x_ops[i] :
				     sp->x_ns[i], y, k);
	}
	free(y);
	free(top);
}

static void sampler_report_unusable(const struct sampler *sp,
				    struct report_section *s,
				    enum report_xaxis xa)
{
	struct report_series *ts;
	char title[96];
	double y[SAMPLER_MAX_ZONES];

	snprintf(title, sizeof title,
		 "Unusable free space index at order %u (extfrag/unusable_index)",
		 sp->opts.order);
	ts = report_series(s, "unusable", title, xa, "unusable free space", "%", 1);
	for (size_t z = 0; z < sp->nzones; z++)
		report_series_line(ts, sp->zone_name[z]);
	for (size_t i = 0; i < sp->n; i++) {
		for (size_t z = 0; z < sp->nzones; z++)
			y[z] = (double)sampler_zv(sp, i, z, ZV_UNUSABLE) / 10.0;
		report_series_sample(ts, xa == REPORT_X_OPS ? sp->x_ops[i] :
				     sp->x_ns[i], y, sp->nzones);
	}
}

static void sampler_report_events(const struct sampler *sp,
				  struct report_section *s)
{
	struct report_series *ts;
	double y[EV_N];

	/* stalls are about time: this chart is always over virtual time */
	ts = report_series(s, "events", "Stalls and failures (cumulative)",
			   REPORT_X_TIME, "events", "", 0);
	for (int k = 0; k < EV_N; k++)
		report_series_line(ts, sampler_ev_names[k]);
	for (size_t i = 0; i < sp->n; i++) {
		for (int k = 0; k < EV_N; k++)
			y[k] = (double)sp->ev[i * EV_N + k];
		report_series_sample(ts, sp->x_ns[i], y, EV_N);
	}
}

int sampler_report(const struct sim *sim, struct report *r)
{
	const struct sampler *sp = sim->sampler;
	enum report_xaxis xa;
	struct report_section *s;
	struct report_kv *kv;

	if (!sp)
		return report_status(r);
	xa = sp->every_ops ? REPORT_X_OPS : REPORT_X_TIME;
	s = report_section(r, "timeline", "Time series");
	kv = report_kv(s, "sampling", "Sampling");
	if (sp->every_ops)
		report_kv_add(kv, "every", RV_INT((int64_t)sp->every_ops), "operations");
	else
		report_kv_add(kv, "every", RV_NS((int64_t)sp->every_ns), NULL);
	report_kv_add(kv, "samples", RV_INT((int64_t)sp->n), NULL);
	report_kv_add(kv, "operations", RV_INT((int64_t)sp->ops), NULL);
	report_kv_add(kv, "peak slab pages", RV_INT((int64_t)sp->peak), "pages");
	report_kv_add(kv, "peak at", RV_NS((int64_t)sp->peak_time), NULL);
	if (sp->failed)
		report_kv_add(kv, "note", RV_TEXT("sampling stopped: out of host memory"),
			      NULL);
	for (size_t z = 0; z < sp->nzones; z++)
		sampler_report_zone(sp, z, s, xa);
	sampler_report_slab(sp, s, xa);
	if (sp->nzones)
		sampler_report_unusable(sp, s, xa);
	sampler_report_events(sp, s);
	return report_status(r);
}

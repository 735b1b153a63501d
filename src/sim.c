/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim.c - the simulator instance: life cycle, clock, CPUs, log, bugs, events
 *
 * A struct sim is one simulated machine.  This file owns what every layer
 * shares and nothing layer specific:
 *
 *   configuration  copied at creation; strings are owned by the sim
 *   virtual clock  nanoseconds since boot.  Operations charge modelled costs
 *                  (sim_charge, no side effects); sim_advance() lets time pass
 *                  and fires periodic kernel work (timers) in time order,
 *                  ties broken by registration order, so background work is
 *                  as deterministic as the foreground.
 *   CPUs           each with a stack of contexts (process at the bottom;
 *                  atomic, softirq, hardirq pushed on top) and the scope
 *                  flags of the task running there (PF_MEMALLOC, NOIO, NOFS).
 *   kernel log     the lines the simulated kernel prints, in order, handed
 *                  to an optional log hook as they are printed.
 *   bug reports    what the simulated kernel would catch (double free, bad
 *                  page, sleeping in atomic context...).  Recording a bug
 *                  never changes allocator state; the caller keeps its own
 *                  state consistent and the run goes on.
 *   event stream   typed events to pluggable sinks.  With no sink attached
 *                  an emitter costs one predictable branch (SIM_EVENT).
 *
 * Layer order at creation: physical memory, reclaim, slab; destruction runs
 * the other way.  Host memory exhaustion anywhere makes sim_new() fail
 * cleanly.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "state.h"
#include "layers.h"
#include "sampler.h"

/* ---- Host memory ---- */

void *sim_xmalloc(size_t n)
{
	return malloc(n ? n : 1);
}

void *sim_xcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

void *sim_xrealloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

char *sim_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sim_xmalloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

sim_noret sim_panic(const char *file, int line, const char *func,
		    const char *cond)
{
	/* an engine invariant broke: this is kmemsim's bug, not the scenario's */
	fprintf(stderr, "kmemsim: internal error at %s:%d (%s): %s\n",
		file, line, func, cond);
	abort();
}

/* ---- Status codes ---- */

const char *sim_strerror(int status)
{
	switch (status) {
#define SIM_X_CASE(n, v, m) case v: return m;
	SIM_STATUS_LIST(SIM_X_CASE)
#undef SIM_X_CASE
	}
	return "unknown status";
}

/* ---- Policies ---- */

/* The slab policies in the order `compare` shows them. */
static const char *const sim_policy_names[] = { "slab", "slub", "slob" };

const char *sim_policy_name(size_t i)
{
	return i < ARRAY_SIZE(sim_policy_names) ? sim_policy_names[i] : NULL;
}

bool sim_policy_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sim_policy_names); i++)
		if (strcmp(name, sim_policy_names[i]) == 0)
			return true;
	return false;
}

/* ---- Kernel versions ---- */

static const char *const sim_kernel_names[] = {
	[SIM_KERNEL_6_1] = "6.1",
	[SIM_KERNEL_6_18] = "6.18",
};

const char *sim_kernel_name(enum sim_kernel k)
{
	return (size_t)k < ARRAY_SIZE(sim_kernel_names) ? sim_kernel_names[k] : NULL;
}

/* ---- Parsing sizes and durations ---- */

/* leading decimal digits; -1 if none or overflowing */
static int sim_parse_digits(const char **pp, uint64_t *out, unsigned *ndigits)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (ndigits)
		*ndigits = (unsigned)(p - *pp);
	*pp = p;
	*out = v;
	return 0;
}

int sim_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	const char *p = s;
	unsigned shift = 0;
	uint64_t v;

	while (*p == ' ')
		p++;
	if (sim_parse_digits(&p, &v, NULL))
		return SIM_EINVAL;
	while (*p == ' ')
		p++;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	default: break;
	}
	if (shift && *p == 'i')
		p++;
	if (*p == 'B' || *p == 'b')
		p++;
	if (*p || (shift && v > (UINT64_MAX >> shift)) || (v << shift) > max)
		return SIM_EINVAL;
	*out = v << shift;
	return SIM_OK;
}

int sim_parse_duration(const char *s, bool bare_ns, uint64_t *out)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", SIM_NSEC_PER_USEC }, { "ms", SIM_NSEC_PER_MSEC },
		{ "s", SIM_NSEC_PER_SEC },
	};
	const char *p = s;
	uint64_t whole, frac = 0, scale = 1;
	unsigned nd = 0;

	if (sim_parse_digits(&p, &whole, NULL))
		return SIM_EINVAL;
	if (*p == '.') {
		p++;
		if (sim_parse_digits(&p, &frac, &nd) || nd > 9)
			return SIM_EINVAL;
		while (nd--)
			scale *= 10;
	}
	if (!*p) {
		if (!bare_ns || scale != 1)
			return SIM_EINVAL;
		*out = whole;
		return SIM_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		uint64_t u = units[i].ns;

		if (strcmp(p, units[i].unit) != 0)
			continue;
		if (whole > (UINT64_MAX - u) / u)
			return SIM_EINVAL;
		/* frac/scale of a unit, rounded: frac < scale <= 1e9, u <= 1e9 */
		*out = whole * u + (uint64_t)(((unsigned __int128)frac * u + scale / 2) / scale);
		return SIM_OK;
	}
	return SIM_EINVAL;
}

/* ---- Configuration ---- */

void sim_config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->seed = 1;
	cfg->cpus = 2;
	cfg->nodes = 1;
	cfg->policy = "slub";		/* the only policy a 6.18 kernel has */
	cfg->kernel = SIM_KERNEL_6_18;
	cfg->smp = true;
	cfg->ram_bytes = UINT64_C(256) << 20;
	cfg->min_free_kbytes = -1;
	cfg->watermark_scale_factor = 10;	/* page_alloc.c default */
	cfg->watermark_boost_factor = 15000;	/* page_alloc.c default */
	cfg->pcp = true;
	cfg->thp = false;
	cfg->pageblock_order = SIM_PAGEBLOCK_ORDER;
	cfg->slub_min_order = 0;
	cfg->slub_max_order = SIM_COSTLY_ORDER;	/* PAGE_ALLOC_COSTLY_ORDER */
	cfg->slub_min_objects = 0;
	cfg->slab_max_order = -1;
	cfg->slab_nomerge = false;
	cfg->freelist_random = false;	/* Kconfig default n, off in the UML reference */
	cfg->memcg = true;		/* distribution kernels have CONFIG_MEMCG */
	cfg->slub_debug = NULL;
	cfg->debug_atomic_sleep = true;	/* kmemsim is a debugging kernel: docs/model.md */
}

static int sim_config_check(const struct sim_config *cfg, char *err,
			    size_t errlen)
{
	if (cfg->cpus < 1 || cfg->cpus > SIM_MAX_CPUS) {
		snprintf(err, errlen, "cpus must be between 1 and %d (got %u)",
			 SIM_MAX_CPUS, cfg->cpus);
		return SIM_EINVAL;
	}
	if (cfg->nodes < 1 || cfg->nodes > SIM_MAX_NODES ||
	    cfg->nodes > cfg->cpus) {
		snprintf(err, errlen,
			 "nodes must be between 1 and min(%d, cpus) (got %u)",
			 SIM_MAX_NODES, cfg->nodes);
		return SIM_EINVAL;
	}
	if (!sim_kernel_name(cfg->kernel)) {
		snprintf(err, errlen, "unknown kernel version %d (6.1, 6.18)",
			 (int)cfg->kernel);
		return SIM_EINVAL;
	}
	if (!cfg->smp && cfg->cpus != 1) {
		/* a !CONFIG_SMP kernel runs one CPU (NR_CPUS = 1) */
		snprintf(err, errlen, "smp = false runs 1 CPU, not %u: add cpus = 1",
			 cfg->cpus);
		return SIM_EINVAL;
	}
	if (cfg->pageblock_order < 1 || cfg->pageblock_order > SIM_MAX_ORDER) {
		snprintf(err, errlen, "pageblock_order must be between 1 and %d (got %u)",
			 SIM_MAX_ORDER, cfg->pageblock_order);
		return SIM_EINVAL;
	}
	if (!cfg->policy || !sim_policy_known(cfg->policy)) {
		snprintf(err, errlen, "unknown slab policy '%s' (slab, slub, slob)",
			 cfg->policy ? cfg->policy : "(null)");
		return SIM_EINVAL;
	}
	return SIM_OK;
}

/* copy the strings of cfg into one owned block */
static int sim_config_copy(struct sim *sim, const struct sim_config *cfg)
{
	size_t lp = strlen(cfg->policy) + 1;
	size_t ld = cfg->slub_debug ? strlen(cfg->slub_debug) + 1 : 0;
	char *p = sim_xmalloc(lp + ld);

	if (!p)
		return SIM_ENOHOSTMEM;
	sim->cfg = *cfg;
	memcpy(p, cfg->policy, lp);
	sim->cfg.policy = p;
	if (ld) {
		memcpy(p + lp, cfg->slub_debug, ld);
		sim->cfg.slub_debug = p + lp;
	}
	sim->cfg_strings = p;
	return SIM_OK;
}

/* ---- Life cycle ---- */

static void sim_progress_call(struct sim *sim, bool finished);

struct sim *sim_new(const struct sim_config *cfg, char *err, size_t errlen)
{
	return sim_new_within(cfg, 0, err, errlen);
}

struct sim *sim_new_within(const struct sim_config *cfg, uint64_t max_host,
			   char *err, size_t errlen)
{
	char dummy[1];
	struct sim *sim;
	int rc;

	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	if (sim_config_check(cfg, err, errlen) != SIM_OK)
		return NULL;
	sim = sim_xcalloc(1, sizeof *sim);
	if (!sim || sim_config_copy(sim, cfg) != SIM_OK) {
		free(sim);
		snprintf(err, errlen, "%s", sim_strerror(SIM_ENOHOSTMEM));
		return NULL;
	}
	rng_seed(&sim->rng, cfg->seed);
	sim->budget = &sim->own_budget;
	sim->host_limit = max_host;
	for (unsigned i = 0; i < SIM_MAX_CPUS; i++)
		sim->cpus[i].ctx[0] = SIM_CTX_PROCESS;
	sim->progress_left = sim->progress_every = UINT64_MAX;	/* no one listens */

	rc = sim_layers_init(sim, err, errlen);
	if (rc != SIM_OK) {
		if (!err[0])
			snprintf(err, errlen, "%s", sim_strerror(rc));
		sim_free(sim);
		return NULL;
	}
	return sim;
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	if (sim->progress_fn)
		sim_progress_call(sim, true);
	sim_layers_destroy(sim);
	for (size_t i = 0; i < sim->nr_bugs; i++) {
		free(sim->bugs[i].message);
		free(sim->bugs[i].where);
	}
	free(sim->bugs);
	free(sim->log);
	free(sim->timers);
	free(sim->sinks);
	free(sim->cfg_strings);
	free(sim);
}

const struct sim_config *sim_get_config(const struct sim *sim)
{
	return &sim->cfg;
}

const char *sim_last_reason(const struct sim *sim)
{
	return sim->reason;
}

int sim_set_reason(struct sim *sim, int status, const char *fmt, ...)
{
	va_list ap;

	if (sim->panicked)	/* the call that panicked fails for that reason */
		return status;
	va_start(ap, fmt);
	vsnprintf(sim->reason, sizeof sim->reason, fmt, ap);
	va_end(ap);
	return status;
}

/* ---- Randomness ---- */

uint64_t sim_rand_u64(struct sim *sim)
{
	return rng_next(&sim->rng);
}

int64_t sim_rand_range(struct sim *sim, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo;

	if (span == UINT64_MAX)
		return (int64_t)rng_next(&sim->rng);
	return (int64_t)((uint64_t)lo + rng_below(&sim->rng, span + 1));
}

double sim_rand_double(struct sim *sim)
{
	return rng_double(&sim->rng);
}

double sim_rand_normal(struct sim *sim, double mean, double stddev)
{
	return rng_normal(&sim->rng, mean, stddev);
}

double sim_rand_exponential(struct sim *sim, double mean)
{
	return rng_exponential(&sim->rng, mean);
}

double sim_rand_pareto(struct sim *sim, double xm, double alpha)
{
	return rng_pareto(&sim->rng, xm, alpha);
}

uint64_t sim_rand_zipf(struct sim *sim, uint64_t n, double s)
{
	return rng_zipf(&sim->rng, n, s);
}

/* ---- Virtual time and periodic work ---- */

sim_time_t sim_now(const struct sim *sim)
{
	return sim->now;
}

int sim_timer_add_quiet(struct sim *sim, sim_time_t first, sim_time_t period,
			void (*fn)(struct sim *sim, void *arg),
			sim_time_t (*quiet)(struct sim *sim, void *arg),
			void (*skip)(struct sim *sim, void *arg, sim_time_t first,
				     sim_time_t period, uint64_t n),
			void *arg)
{
	struct sim_timer *t;

	SIM_BUG_ON(period == 0);
	if (sim->nr_timers == sim->cap_timers) {
		size_t cap = sim->cap_timers ? 2 * sim->cap_timers : 8;
		struct sim_timer *n = sim_xrealloc(sim->timers, cap * sizeof *n);

		if (!n)
			return SIM_ENOHOSTMEM;
		sim->timers = n;
		sim->cap_timers = cap;
	}
	t = &sim->timers[sim->nr_timers++];
	t->due = first > SIM_TIME_NEVER - sim->now ? SIM_TIME_NEVER : sim->now + first;
	t->period = period;
	t->seq = sim->timer_seq++;
	t->fn = fn;
	t->quiet = quiet;
	t->skip = skip;
	t->arg = arg;
	return SIM_OK;
}

int sim_timer_add(struct sim *sim, sim_time_t first, sim_time_t period,
		  void (*fn)(struct sim *sim, void *arg), void *arg)
{
	return sim_timer_add_quiet(sim, first, period, fn, NULL, NULL, arg);
}

/* the timer due first, ties by registration order; NULL if none by @limit */
static struct sim_timer *sim_timer_next(struct sim *sim, sim_time_t limit)
{
	struct sim_timer *best = NULL;

	for (size_t i = 0; i < sim->nr_timers; i++) {
		struct sim_timer *t = &sim->timers[i];

		if (t->due > limit || t->due == SIM_TIME_NEVER)
			continue;
		if (!best || t->due < best->due ||
		    (t->due == best->due && t->seq < best->seq))
			best = t;
	}
	return best;
}

/* the first expiry of @t at or after @when (SIM_TIME_NEVER if beyond the clock) */
static sim_time_t sim_timer_first_at(const struct sim_timer *t, sim_time_t when)
{
	uint64_t k;

	if (when <= t->due)
		return t->due;
	if (when == SIM_TIME_NEVER)
		return SIM_TIME_NEVER;
	k = (when - t->due - 1) / t->period + 1;	/* ceil, without overflow */
	if (k > (SIM_TIME_NEVER - 1 - t->due) / t->period)
		return SIM_TIME_NEVER;
	return t->due + k * t->period;
}

/* the time an expiry of @t due now would run at: timers run late when the
 * work before them charged time past their expiry */
static sim_time_t sim_timer_runs_at(const struct sim *sim, const struct sim_timer *t)
{
	return t->due > sim->now ? t->due : sim->now;
}

/* skip @t's expiries before @next (every one up to @target if @next is
 * SIM_TIME_NEVER: the clock stops short of it), letting @skip account */
static void sim_timer_skip_to(struct sim *sim, struct sim_timer *t,
			      sim_time_t next, sim_time_t target)
{
	uint64_t k;

	if (next <= t->due)
		return;
	if (next == SIM_TIME_NEVER)
		k = target >= t->due ? (target - t->due) / t->period + 1 : 0;
	else
		k = (next - t->due) / t->period;
	if (t->skip) {
		/* expiries behind the clock would all have run at now */
		while (k && t->due < sim->now && t->due <= SIM_TIME_NEVER - t->period) {
			t->skip(sim, t->arg, sim->now, t->period, 1);
			t->due += t->period;
			k--;
		}
		if (k)
			t->skip(sim, t->arg, t->due, t->period, k);
	}
	t->due = next;
}

/*
 * The next expiry due is quiet: skip every expiry that would do nothing.
 *
 * Each timer says from when on it could work (@quiet); T is the earliest
 * expiry, over all timers, at or after that time.  Every expiry before T
 * is idle by its timer's own word, and since idle expiries change nothing,
 * nothing else can happen before T either: so they are all skipped at once
 * (@skip keeps what they would have counted) and at T a timer that may work
 * fires as usual.  When no timer would work by @target, every expiry up to
 * @target is skipped and the later ones are left alone: the caller may
 * change the state before the clock gets there.  Cost O(timers), whatever
 * the length of the stretch.
 */
static void sim_timer_fast_forward(struct sim *sim, sim_time_t target)
{
	sim_time_t T = SIM_TIME_NEVER;

	for (size_t i = 0; i < sim->nr_timers; i++) {
		struct sim_timer *t = &sim->timers[i];
		sim_time_t q, first;

		if (t->due == SIM_TIME_NEVER)
			continue;
		q = t->quiet ? t->quiet(sim, t->arg) : 0;
		first = q <= sim_timer_runs_at(sim, t) ? t->due : sim_timer_first_at(t, q);
		if (first < T)
			T = first;
	}
	for (size_t i = 0; i < sim->nr_timers; i++) {
		struct sim_timer *t = &sim->timers[i];

		if (T > target) {
			if (t->due <= target)
				sim_timer_skip_to(sim, t, sim_timer_first_at(t, target + 1),
						  target);
		} else if (t->due < T) {
			sim_timer_skip_to(sim, t, sim_timer_first_at(t, T), target);
		}
	}
}

void sim_advance(struct sim *sim, sim_time_t ns)
{
	sim_time_t target;
	struct sim_timer *t;

	if (sim->panicked)	/* a halted machine: time stands still */
		return;
	/* the clock saturates one short of SIM_TIME_NEVER (584 years) */
	target = ns >= SIM_TIME_NEVER - 1 - sim->now ? SIM_TIME_NEVER - 1 : sim->now + ns;
	if (sim->in_advance) {
		/* a timer's work may sleep: just move the clock */
		sim->now = target;
		return;
	}
	sim->in_advance = true;
	while ((t = sim_timer_next(sim, target)) != NULL) {
		if (t->quiet && !sim->timer_step &&
		    t->quiet(sim, t->arg) > sim_timer_runs_at(sim, t)) {
			sim_time_t due = t->due;

			sim_timer_fast_forward(sim, target);
			/* @t idle at T itself and first in line there: skip that one */
			if (t->due == due)
				sim_timer_skip_to(sim, t, sim_timer_first_at(t, due + 1),
						  target);
			continue;
		}
		if (t->due > sim->now)
			sim->now = t->due;
		t->due = sim_timer_first_at(t, t->due + 1);
		t->fn(sim, t->arg);
	}
	if (sim->now < target)
		sim->now = target;
	sim->in_advance = false;
}

/* ---- CPUs and contexts ---- */

static const char *const sim_context_names[SIM_NR_CONTEXTS] = {
	"process", "atomic", "softirq", "hardirq",
};

const char *sim_context_name(enum sim_context ctx)
{
	return (unsigned)ctx < SIM_NR_CONTEXTS ? sim_context_names[ctx] : "?";
}

unsigned sim_nr_cpus(const struct sim *sim)
{
	return sim->cfg.cpus;
}

unsigned sim_current_cpu(const struct sim *sim)
{
	return sim->cur_cpu;
}

int sim_set_cpu(struct sim *sim, unsigned cpu)
{
	if (cpu >= sim->cfg.cpus)
		return sim_set_reason(sim, SIM_EINVAL,
				      "cpu %u out of range (0..%u)", cpu,
				      sim->cfg.cpus - 1);
	sim->cur_cpu = cpu;
	return SIM_OK;
}

int sim_context_push(struct sim *sim, enum sim_context ctx)
{
	struct sim_cpu *c = sim_cpu_cur(sim);

	if ((unsigned)ctx >= SIM_NR_CONTEXTS || ctx == SIM_CTX_PROCESS)
		return sim_set_reason(sim, SIM_EINVAL, "bad context %d", ctx);
	if (c->depth + 1 >= SIM_CTX_DEPTH)
		return sim_set_reason(sim, SIM_ERANGE,
				      "contexts nested deeper than %d",
				      SIM_CTX_DEPTH - 1);
	c->ctx[++c->depth] = (uint8_t)ctx;
	return SIM_OK;
}

int sim_context_pop(struct sim *sim)
{
	struct sim_cpu *c = sim_cpu_cur(sim);

	if (c->depth == 0)
		return sim_set_reason(sim, SIM_EINVAL,
				      "not inside an atomic/softirq/irq section");
	c->depth--;
	return SIM_OK;
}

enum sim_context sim_context(const struct sim *sim)
{
	const struct sim_cpu *c = &sim->cpus[sim->cur_cpu];

	return (enum sim_context)c->ctx[c->depth];
}

bool sim_in_atomic(const struct sim *sim)
{
	return sim->cpus[sim->cur_cpu].depth > 0;
}

bool sim_in_interrupt(const struct sim *sim)
{
	const struct sim_cpu *c = &sim->cpus[sim->cur_cpu];

	/* in_interrupt(): any softirq or hardirq level on the stack */
	for (unsigned i = 1; i <= c->depth; i++)
		if (c->ctx[i] == SIM_CTX_SOFTIRQ || c->ctx[i] == SIM_CTX_HARDIRQ)
			return true;
	return false;
}

unsigned sim_scope_save(struct sim *sim, unsigned flags)
{
	struct sim_cpu *c = sim_cpu_cur(sim);
	unsigned old = c->scope;

	c->scope |= flags;
	return old;
}

void sim_scope_restore(struct sim *sim, unsigned old)
{
	sim_cpu_cur(sim)->scope = old;
}

unsigned sim_scope(const struct sim *sim)
{
	return sim->cpus[sim->cur_cpu].scope;
}

/* ---- Kernel log and bugs ---- */

void sim_set_log(struct sim *sim, sim_log_fn fn, void *ud)
{
	sim->log_fn = fn;
	sim->log_ud = ud;
}

void sim_set_where(struct sim *sim, sim_where_fn fn, void *ud)
{
	sim->where_fn = fn;
	sim->where_ud = ud;
}

/* ---- Work budget ---- */

void sim_set_budget(struct sim *sim, struct sim_budget *b)
{
	sim->budget = b ? b : &sim->own_budget;
}

bool sim_over_budget(const struct sim *sim)
{
	return sim->budget->limit && sim->budget->used > sim->budget->limit;
}

/*
 * The log is a window over the last SIM_LOG_BUF_LEN bytes: log_start moves
 * past the lines that fell out of it, and once twice that much is held the
 * window moves to the front of the buffer (one memmove per SIM_LOG_BUF_LEN
 * bytes logged, so appending stays O(1) per byte).
 */
static void sim_log_trim(struct sim *sim)
{
	while (sim->log_len - sim->log_start > SIM_LOG_BUF_LEN) {
		char *nl = memchr(sim->log + sim->log_start, '\n',
				  sim->log_len - sim->log_start);

		if (!nl)
			break;
		sim->log_start = (size_t)(nl - sim->log) + 1;
	}
	if (sim->log_start > SIM_LOG_BUF_LEN) {
		sim->log_len -= sim->log_start;
		memmove(sim->log, sim->log + sim->log_start, sim->log_len + 1);
		sim->log_start = 0;
	}
}

static void sim_log_append(struct sim *sim, const char *line, size_t len)
{
	size_t need = sim->log_len + len + 2;

	if (need > sim->log_cap) {
		size_t cap = sim->log_cap ? sim->log_cap : 1024;
		char *n;

		while (cap < need)
			cap *= 2;
		n = sim_xrealloc(sim->log, cap);
		if (!n)
			return;	/* the log is best effort; the hook still sees it */
		sim->log = n;
		sim->log_cap = cap;
	}
	memcpy(sim->log + sim->log_len, line, len);
	sim->log_len += len;
	sim->log[sim->log_len++] = '\n';
	sim->log[sim->log_len] = '\0';
	sim_log_trim(sim);
}

/* lines carry dmesg's "[seconds.micros] " prefix, from the virtual clock */
static void sim_vprintk(struct sim *sim, const char *fmt, va_list ap)
{
	char buf[1024];
	int p;

	if (sim->panicked)	/* nothing is printed after the panic */
		return;
	p = snprintf(buf, sizeof buf, "[%5llu.%06llu] ",
			 (unsigned long long)(sim->now / SIM_NSEC_PER_SEC),
			 (unsigned long long)(sim->now % SIM_NSEC_PER_SEC / 1000));
	int n = vsnprintf(buf + p, sizeof buf - (size_t)p, fmt, ap);

	if (n < 0)
		return;
	n += p;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	sim_log_append(sim, buf, (size_t)n);
	if (sim->log_fn)
		sim->log_fn(sim->log_ud, buf);
}

void sim_printk(struct sim *sim, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sim_vprintk(sim, fmt, ap);
	va_end(ap);
}

const char *sim_log_text(const struct sim *sim)
{
	return sim->log ? sim->log + sim->log_start : "";
}

bool sim_ratelimit(struct sim *sim, struct sim_ratelimit *rs, const char *func)
{
	uint64_t j = sim_jiffies(sim->now);

	if (!rs->interval)
		return true;
	if (!rs->started) {
		rs->started = true;
		rs->begin = j;
	}
	/* time_is_before_jiffies(begin + interval): the interval is over */
	if (j > rs->begin + rs->interval / SIM_TICK_NSEC) {
		if (rs->missed)
			sim_printk(sim, "%s: %u callbacks suppressed", func, rs->missed);
		rs->missed = 0;
		rs->begin = j;
		rs->printed = 0;
	}
	if (rs->burst > rs->printed) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	sim->stats.printk_suppressed++;
	return false;
}

/* ---- Panic ---- */

void sim_kernel_panic(struct sim *sim, const char *fmt, ...)
{
	char msg[sizeof sim->panic_msg];
	va_list ap;

	if (sim->panicked)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sim_report_bug(sim, SIM_BUG_PANIC, "Kernel panic - not syncing: %s", msg);
	sim_printk(sim, "---[ end Kernel panic - not syncing: %s ]---", msg);
	snprintf(sim->reason, sizeof sim->reason, "Kernel panic - not syncing: %.200s", msg);
	memcpy(sim->panic_msg, msg, sizeof msg);
	sim->panic_where[0] = '\0';
	if (sim->where_fn)
		sim->where_fn(sim->where_ud, sim->panic_where, sizeof sim->panic_where);
	sim->panic_time = sim->now;
	sim->panicked = true;
}

int sim_refuse_panicked(struct sim *sim)
{
	snprintf(sim->reason, sizeof sim->reason,
		 "the simulated kernel panicked at %llu.%06llu s%s%.60s%s (%.100s): nothing runs after a panic",
		 (unsigned long long)(sim->panic_time / SIM_NSEC_PER_SEC),
		 (unsigned long long)(sim->panic_time % SIM_NSEC_PER_SEC / 1000),
		 sim->panic_where[0] ? " (" : "", sim->panic_where,
		 sim->panic_where[0] ? ")" : "", sim->panic_msg);
	return SIM_EPANIC;
}

int sim_check_alive(struct sim *sim)
{
	SIM_REFUSE_IF_PANICKED(sim);
	return SIM_OK;
}

bool sim_panicked(const struct sim *sim)
{
	return sim->panicked;
}

const char *sim_panic_message(const struct sim *sim)
{
	return sim->panic_msg;
}

const char *sim_panic_where(const struct sim *sim)
{
	return sim->panic_where;
}

sim_time_t sim_panic_time(const struct sim *sim)
{
	return sim->panic_time;
}

static const char *const sim_bug_kind_names[SIM_NR_BUG_KINDS] = {
	[SIM_BUG_BAD_PAGE] = "bad_page",
	[SIM_BUG_DOUBLE_FREE] = "double_free",
	[SIM_BUG_INVALID_FREE] = "invalid_free",
	[SIM_BUG_WRONG_CACHE] = "wrong_cache",
	[SIM_BUG_CACHE_BUSY] = "cache_busy",
	[SIM_BUG_POISON] = "poison",
	[SIM_BUG_REDZONE] = "redzone",
	[SIM_BUG_SLEEP_ATOMIC] = "sleep_in_atomic",
	[SIM_BUG_ALLOC_FAIL] = "alloc_fail",
	[SIM_BUG_WARN] = "warning",
	[SIM_BUG_OOM] = "oom",
	[SIM_BUG_PANIC] = "panic",
};

const char *sim_bug_kind_name(enum sim_bug_kind kind)
{
	return (unsigned)kind < SIM_NR_BUG_KINDS ? sim_bug_kind_names[kind] : "?";
}

void sim_report_bug(struct sim *sim, enum sim_bug_kind kind,
		    const char *fmt, ...)
{
	char msg[512], where[256] = "";
	struct sim_bug_rec *rec;
	va_list ap;

	if (sim->panicked)	/* the machine has stopped: nothing is caught */
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sim->where_fn)
		sim->where_fn(sim->where_ud, where, sizeof where);

	sim_printk(sim, "%s", msg);
	if (where[0])
		sim_printk(sim, " scenario: %s", where);
	SIM_EVENT(sim, BUG, kind, 0, 0, 0);

	sim->nr_bugs_total++;
	if (sim->nr_bugs == SIM_BUGS_KEPT) {	/* full: the latest replaces the latest */
		rec = &sim->bugs[SIM_BUGS_KEPT - 1];
		free(rec->message);
		free(rec->where);
		sim->nr_bugs--;
	}
	if (sim->nr_bugs == sim->cap_bugs) {
		size_t cap = sim->cap_bugs ? 2 * sim->cap_bugs : 8;
		struct sim_bug_rec *n = sim_xrealloc(sim->bugs, cap * sizeof *n);

		if (!n)
			return;
		sim->bugs = n;
		sim->cap_bugs = cap;
	}
	rec = &sim->bugs[sim->nr_bugs];
	rec->kind = kind;
	rec->message = sim_xstrdup(msg);
	rec->where = sim_xstrdup(where);
	if (!rec->message || !rec->where) {
		free(rec->message);
		free(rec->where);
		return;
	}
	sim->nr_bugs++;
}

size_t sim_nr_bugs(const struct sim *sim)
{
	return sim->nr_bugs;
}

uint64_t sim_bugs_total(const struct sim *sim)
{
	return sim->nr_bugs_total;
}

const struct sim_bug *sim_bug_at(const struct sim *sim, size_t i)
{
	/* struct sim_bug_rec and struct sim_bug share their layout */
	_Static_assert(sizeof(struct sim_bug) == sizeof(struct sim_bug_rec),
		       "bug record layout");
	return i < sim->nr_bugs ? (const struct sim_bug *)&sim->bugs[i] : NULL;
}

/* ---- Events ---- */

static const char *const sim_event_names[SIM_NR_EVENTS] = {
#define SIM_X_EVNAME(n) #n,
	SIM_EVENT_LIST(SIM_X_EVNAME)
#undef SIM_X_EVNAME
};

const char *sim_event_name(enum sim_event_type type)
{
	return (unsigned)type < SIM_NR_EVENTS ? sim_event_names[type] : "?";
}

int sim_sink_add(struct sim *sim, sim_sink_fn fn, void *ud)
{
	struct sim_sink *n = sim_xrealloc(sim->sinks,
					  (sim->nr_sinks + 1) * sizeof *n);

	if (!n)
		return SIM_ENOHOSTMEM;
	n[sim->nr_sinks].fn = fn;
	n[sim->nr_sinks].ud = ud;
	sim->sinks = n;
	sim->nr_sinks++;
	return SIM_OK;
}

void sim_sink_remove(struct sim *sim, sim_sink_fn fn, void *ud)
{
	for (size_t i = 0; i < sim->nr_sinks; i++) {
		if (sim->sinks[i].fn == fn && sim->sinks[i].ud == ud) {
			memmove(&sim->sinks[i], &sim->sinks[i + 1],
				(sim->nr_sinks - i - 1) * sizeof *sim->sinks);
			if (--sim->nr_sinks == 0) {
				free(sim->sinks);
				sim->sinks = NULL;	/* back to the one-branch path */
			}
			return;
		}
	}
}

void sim_event_emit(struct sim *sim, enum sim_event_type type, uint64_t a,
		    uint64_t b, uint64_t c, uint64_t d, const char *str)
{
	struct sim_event ev = {
		.type = type, .cpu = sim->cur_cpu, .time = sim->now,
		.a = a, .b = b, .c = c, .d = d, .str = str,
	};

	for (size_t i = 0; i < sim->nr_sinks; i++)
		sim->sinks[i].fn(sim->sinks[i].ud, &ev);
}

void sim_note(struct sim *sim, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sim_event_emit(sim, SIM_EV_NOTE, 0, 0, 0, 0, buf);
}

bool sim_has_sinks(const struct sim *sim)
{
	return sim->sinks != NULL;
}

void sim_op(struct sim *sim, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!sim->sinks)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sim_event_emit(sim, SIM_EV_OP, 0, 0, 0, 0, buf);
}

/* ---- Modelled latency ---- */

/* buckets (sim_lat_bucket_of(), state.h): values < 8 map to themselves;
 * above, 8 sub-buckets per octave */

/* the largest value that falls into bucket b */
static sim_time_t sim_lat_bucket_max(unsigned b)
{
	unsigned octave = b >> SIM_LAT_SUB_BITS, sub = b & ((1u << SIM_LAT_SUB_BITS) - 1);
	unsigned shift;

	if (octave == 0)
		return b;
	shift = octave - 1;
	return ((((sim_time_t)((1u << SIM_LAT_SUB_BITS) + sub)) + 1) << shift) - 1;
}

void sim_lat_hist_record(struct sim_lat_hist *h, sim_time_t ns)
{
	sim_lat_hist_add(h, ns);
}

sim_time_t sim_lat_hist_percentile(const struct sim_lat_hist *h, double pct)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	/* nearest-rank: the smallest value with at least pct% at or below */
	rank = (uint64_t)(pct / 100.0 * (double)h->count + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned b = 0; b < SIM_LAT_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			sim_time_t hi = sim_lat_bucket_max(b);

			return hi < h->max ? hi : h->max;
		}
	}
	return h->max;
}

/* ---- Progress ---- */

static uint64_t sim_progress_done(const struct sim *sim)
{
	return sim->progress_ops + (sim->progress_every - sim->progress_left);
}

static void sim_progress_call(struct sim *sim, bool finished)
{
	struct sim_progress p = {
		.label = sim->progress_label,
		.stage = sim->progress_stage,
		.done = sim_progress_done(sim),
		.total = sim->progress_total,
		.finished = finished,
	};

	sim->progress_fn(sim->progress_ud, &p);
}

/* the countdown ran out: call back and start the next one (out of line:
 * sim_lat_record stays small) */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void sim_progress_tick(struct sim *sim)
{
	sim->progress_ops += sim->progress_every;
	sim->progress_left = sim->progress_every;
	sim_progress_call(sim, false);
}

void sim_set_progress(struct sim *sim, sim_progress_fn fn, void *ud,
		      const char *label, uint64_t every)
{
	sim->progress_fn = fn;
	sim->progress_ud = ud;
	sim->progress_label = label;
	sim->progress_stage = NULL;
	sim->progress_ops = 0;
	sim->progress_total = 0;
	sim->progress_every = fn ? (every ? every : SIM_PROGRESS_EVERY) : UINT64_MAX;
	sim->progress_left = sim->progress_every;
}

void sim_progress_expect(struct sim *sim, const char *stage, uint64_t n)
{
	if (!sim->progress_fn)
		return;
	sim->progress_stage = stage;
	sim->progress_total = n ? sim_progress_done(sim) + n : 0;
	sim_progress_call(sim, false);
}

void sim_lat_rare(struct sim *sim, bool tick)
{
	if (sim->sampler != NULL)	/* an operation ended: a sample due? */
		sampler_op(sim);
	if (tick)
		sim_progress_tick(sim);
}

void sim_lat_record(struct sim *sim, enum sim_lat_kind kind, sim_time_t ns)
{
	sim_lat_note(sim, kind, ns);
}

uint64_t sim_lat_count(const struct sim *sim, enum sim_lat_kind kind)
{
	return sim->lat[kind].count;
}

sim_time_t sim_lat_max(const struct sim *sim, enum sim_lat_kind kind)
{
	return sim->lat[kind].max;
}

sim_time_t sim_lat_percentile(const struct sim *sim, enum sim_lat_kind kind,
			      double pct)
{
	return sim_lat_hist_percentile(&sim->lat[kind], pct);
}

const char *sim_lat_kind_name(enum sim_lat_kind kind)
{
	static const char *const names[SIM_NR_LAT_KINDS] = {
		"alloc", "free", "page_alloc", "page_free",
	};

	return (unsigned)kind < SIM_NR_LAT_KINDS ? names[kind] : "?";
}

/* ---- Counters ---- */

static const char *const sim_stat_names[] = {
#define SIM_X_NAME(f, n) n,
	SIM_STAT_FIELDS(SIM_X_NAME)
#undef SIM_X_NAME
};

size_t sim_stat_count(void)
{
	return ARRAY_SIZE(sim_stat_names);
}

const char *sim_stat_name(size_t i)
{
	return i < ARRAY_SIZE(sim_stat_names) ? sim_stat_names[i] : NULL;
}

uint64_t sim_stat_value(const struct sim *sim, size_t i)
{
	static const size_t offsets[] = {
#define SIM_X_OFF(f, n) offsetof(struct sim_stats, f),
		SIM_STAT_FIELDS(SIM_X_OFF)
#undef SIM_X_OFF
	};

	if (i >= ARRAY_SIZE(offsets))
		return 0;
	return *(const uint64_t *)((const char *)&sim->stats + offsets[i]);
}

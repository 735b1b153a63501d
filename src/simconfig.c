/* SPDX-License-Identifier: GPL-2.0-or-later */
/* simconfig.c - the simulator's options: one table, one parser
 *
 * Every option of struct sim_config has one row in SIM_OPTIONS below: its
 * name (the key of kmemsim.new{} and of `--opt KEY=VALUE`), its type and
 * range, where it lives in struct sim_config, and a one-line help text.
 * Everything that names options reads this table: the Lua binding (which
 * keys kmemsim.new accepts, and their types), the command line (`--opt`,
 * `--kernel`, replay's base configuration, sweeps), the did-you-mean of an
 * unknown key, and the option lists of --help and the manual.  Adding an
 * option is one row here plus the field in struct sim_config.
 *
 * Values arrive as text (the command line) or as Lua values that the
 * binding turns into the same text, so there is exactly one parser and one
 * range check per option, and `--opt cpus=4` and `kmemsim.new{cpus = 4}`
 * cannot disagree.  Option values that are strings (policy, slub_debug)
 * are stored as the caller's pointer: they must live until sim_new(),
 * which copies them.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

enum sim_opt_ctype {		/* how the field is stored */
	SIM_CT_U64,
	SIM_CT_UINT,
	SIM_CT_INT,
	SIM_CT_LONG,
	SIM_CT_BOOL,
	SIM_CT_STR,
	SIM_CT_ZONES,		/* zone_pages[] (and ram_bytes = 0) */
	SIM_CT_KERNEL,		/* enum sim_kernel, by its name "6.1" */
};

struct sim_opt_row {
	struct sim_option pub;
	enum sim_opt_ctype ctype;
	size_t offset;		/* of the field in struct sim_config */
};

#define SIM_CFG_OFF(field) offsetof(struct sim_config, field)

/*
 * X(name, type, ctype, field, min, max, help).  For SIZE the range is in
 * bytes; for BOOL, STRING and ZONES it is unused.
 */
#define SIM_OPTIONS(X) \
	X("ram", SIZE, U64, ram_bytes, SIM_MIN_RAM, SIM_MAX_RAM, \
	  "simulated RAM, laid out in x86_64 zones (e.g. 256M, 4G)") \
	X("zones", ZONES, ZONES, zone_pages, 0, SIM_MAX_RAM >> SIM_PAGE_SHIFT, \
	  "managed pages per zone instead of ram (e.g. Normal=62973,DMA32=1000)") \
	X("cpus", INT, UINT, cpus, 1, SIM_MAX_CPUS, \
	  "simulated CPUs") \
	X("nodes", INT, UINT, nodes, 1, SIM_MAX_NODES, \
	  "NUMA nodes (at most cpus)") \
	X("seed", INT, U64, seed, 0, INT64_MAX, \
	  "seed of the simulator's PRNG") \
	X("policy", STRING, STR, policy, 0, 0, \
	  "slab allocator: slab, slub or slob") \
	X("kernel", STRING, KERNEL, kernel, 0, 0, \
	  "kernel version whose rules apply: 6.1 or 6.18") \
	X("smp", BOOL, BOOL, smp, 0, 0, \
	  "CONFIG_SMP (false: a uniprocessor kernel, needs cpus = 1)") \
	X("min_free_kbytes", INT, LONG, min_free_kbytes, -1, INT64_C(1) << 40, \
	  "vm.min_free_kbytes (-1: the kernel's boot-time default)") \
	X("watermark_scale_factor", INT, UINT, watermark_scale_factor, 1, 3000, \
	  "vm.watermark_scale_factor, in 1/10000 of the zone") \
	X("watermark_boost_factor", INT, UINT, watermark_boost_factor, 0, INT32_MAX, \
	  "vm.watermark_boost_factor, in 1/10000 of the high watermark") \
	X("pcp", BOOL, BOOL, pcp, 0, 0, \
	  "per-CPU page lists") \
	X("thp", BOOL, BOOL, thp, 0, 0, \
	  "transparent huge pages (khugepaged raises min_free_kbytes)") \
	X("pageblock_order", INT, UINT, pageblock_order, 1, SIM_MAX_ORDER, \
	  "pages per pageblock, as an order (x86_64: 9)") \
	X("slub_min_order", INT, INT, slub_min_order, 0, SIM_MAX_ORDER, \
	  "SLUB slab_min_order= boot option") \
	X("slub_max_order", INT, INT, slub_max_order, 0, SIM_MAX_ORDER, \
	  "SLUB slab_max_order= boot option") \
	X("slub_min_objects", INT, INT, slub_min_objects, 0, 32767, \
	  "SLUB slab_min_objects= (0: 4 * (fls(cpus) + 1))") \
	X("slab_max_order", INT, INT, slab_max_order, -1, SIM_MAX_ORDER - 1, \
	  "SLAB slab_max_order= (-1: the kernel's default)") \
	X("slab_nomerge", BOOL, BOOL, slab_nomerge, 0, 0, \
	  "slab_nomerge boot option: never merge caches") \
	X("slub_debug", STRING, STR, slub_debug, 0, 0, \
	  "slub_debug= boot option (e.g. FZPU, or FZ,cache_name)") \
	X("freelist_random", BOOL, BOOL, freelist_random, 0, 0, \
	  "CONFIG_SLAB_FREELIST_RANDOM: new slabs hand out objects in a random order (SLUB, SLAB)") \
	X("memcg", BOOL, BOOL, memcg, 0, 0, \
	  "CONFIG_MEMCG: kmalloc-cg-* caches and a slabobj_ext vector for every SLAB_ACCOUNT slab") \
	X("debug_atomic_sleep", BOOL, BOOL, debug_atomic_sleep, 0, 0, \
	  "CONFIG_DEBUG_ATOMIC_SLEEP: report blocking allocations in atomic context")

static const struct sim_opt_row sim_opt_rows[] = {
#define SIM_X_ROW(n, t, ct, f, lo, hi, h) \
	{ { n, SIM_OPT_##t, lo, hi, h }, SIM_CT_##ct, SIM_CFG_OFF(f) },
	SIM_OPTIONS(SIM_X_ROW)
#undef SIM_X_ROW
};

static const char *const sim_opt_names[] = {
#define SIM_X_NAME(n, t, ct, f, lo, hi, h) n,
	SIM_OPTIONS(SIM_X_NAME)
#undef SIM_X_NAME
	NULL
};

const char *const *sim_option_names(void)
{
	return sim_opt_names;
}

const struct sim_option *sim_option(size_t i)
{
	return i < ARRAY_SIZE(sim_opt_rows) ? &sim_opt_rows[i].pub : NULL;
}

static const struct sim_opt_row *sim_opt_row(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sim_opt_rows); i++)
		if (strcmp(sim_opt_rows[i].pub.name, name) == 0)
			return &sim_opt_rows[i];
	return NULL;
}

const struct sim_option *sim_option_find(const char *name)
{
	const struct sim_opt_row *r = sim_opt_row(name);

	return r ? &r->pub : NULL;
}

/* ---- Did you mean ---- */

/* Levenshtein distance of two short strings, capped at @cap + 1 */
static size_t sim_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (lb >= ARRAY_SIZE(row) || (la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *sim_suggest(const char *word, const char *const *candidates,
			size_t n)
{
	/* a third of the word's length, at least 1 and at most 3 edits */
	size_t cap = strlen(word) / 3, best = SIZE_MAX;
	const char *found = NULL;

	if (cap < 1)
		cap = 1;
	if (cap > 3)
		cap = 3;
	for (size_t i = 0; i < n && candidates[i]; i++) {
		size_t d = sim_edit_distance(word, candidates[i], cap);

		if (d <= cap && d < best) {	/* first of equals wins: stable */
			best = d;
			found = candidates[i];
		}
	}
	return found;
}

const char *sim_option_suggest(const char *name)
{
	return sim_suggest(name, sim_opt_names, SIZE_MAX);
}

/* ---- Parsing values ---- */

static int sim_opt_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = true;
			return SIM_OK;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = false;
			return SIM_OK;
		}
	}
	return SIM_EINVAL;
}

/* a decimal (or 0x hexadecimal) integer, never octal: "010" is ten */
int sim_parse_int(const char *s, int64_t *out)
{
	const char *p = s;
	bool neg = false;
	uint64_t v = 0;
	int base = 10;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return SIM_EINVAL;
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return SIM_EINVAL;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			return SIM_ERANGE;
		v = v * (unsigned)base + d;
	}
	if (v > (uint64_t)INT64_MAX + neg)
		return SIM_ERANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return SIM_OK;
}

static const char *const sim_zone_keys[SIM_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable", NULL,	/* Device: not configurable */
};

/* "Normal=62973,DMA32=1000": managed pages per zone */
static int sim_opt_zones(const char *v, uint64_t max, uint64_t pages[SIM_NR_ZONES],
			 char *err, size_t errlen)
{
	uint64_t z[SIM_NR_ZONES] = { 0 };
	const char *p = v;

	while (*p) {
		const char *eq = strchr(p, '='), *end = strchr(p, ',');
		char key[16], num[32];
		int64_t n;
		int zi = -1;

		if (!end)
			end = p + strlen(p);
		if (!eq || eq > end || (size_t)(eq - p) >= sizeof key ||
		    (size_t)(end - eq - 1) >= sizeof num) {
			snprintf(err, errlen, "option 'zones': expected ZONE=PAGES[,...], got '%s'", v);
			return SIM_EINVAL;
		}
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		memcpy(num, eq + 1, (size_t)(end - eq - 1));
		num[end - eq - 1] = '\0';
		for (int i = 0; i < SIM_NR_ZONES; i++)
			if (sim_zone_keys[i] && strcmp(sim_zone_keys[i], key) == 0)
				zi = i;
		if (zi < 0) {
			snprintf(err, errlen, "option 'zones': unknown zone '%s' (DMA, DMA32, Normal, Movable)", key);
			return SIM_EINVAL;
		}
		if (sim_parse_int(num, &n) != SIM_OK || n < 0 || (uint64_t)n > max) {
			snprintf(err, errlen, "option 'zones': %s=%s is not a page count between 0 and %llu",
				 key, num, (unsigned long long)max);
			return SIM_EINVAL;
		}
		z[zi] = (uint64_t)n;
		p = *end ? end + 1 : end;
	}
	memcpy(pages, z, sizeof z);
	return SIM_OK;
}

int sim_config_set(struct sim_config *cfg, const char *name, const char *value,
		   char *err, size_t errlen)
{
	const struct sim_opt_row *r = sim_opt_row(name);
	const struct sim_option *o;
	char *field;
	int64_t n = 0;
	uint64_t u = 0;
	bool b = false;

	if (!r) {
		const char *s = sim_option_suggest(name);

		if (s)
			snprintf(err, errlen, "unknown option '%s' (did you mean '%s'?)", name, s);
		else
			snprintf(err, errlen, "unknown option '%s'", name);
		return SIM_ENOENT;
	}
	o = &r->pub;
	field = (char *)cfg + r->offset;
	switch (o->type) {
	case SIM_OPT_INT:
		if (sim_parse_int(value, &n) != SIM_OK) {
			snprintf(err, errlen, "option '%s': '%s' is not an integer", name, value);
			return SIM_EINVAL;
		}
		if (n < o->min || n > o->max) {
			snprintf(err, errlen, "option '%s': %lld out of range (%lld..%lld)",
				 name, (long long)n, (long long)o->min, (long long)o->max);
			return SIM_ERANGE;
		}
		break;
	case SIM_OPT_SIZE:
		if (sim_parse_size(value, UINT64_MAX, &u) != SIM_OK) {
			snprintf(err, errlen, "option '%s': bad size '%s' (expected bytes like 4096, 512K, 256M, 4G)",
				 name, value);
			return SIM_EINVAL;
		}
		if (u < (uint64_t)o->min || u > (uint64_t)o->max) {
			snprintf(err, errlen, "option '%s': %s out of range (at most %lluT: "
				 "kmemsim keeps about 10 host bytes per simulated page)", name, value,
				 (unsigned long long)o->max >> 40);
			return SIM_ERANGE;
		}
		break;
	case SIM_OPT_BOOL:
		if (sim_opt_bool(value, &b) != SIM_OK) {
			snprintf(err, errlen, "option '%s': '%s' is not a boolean (true or false)", name, value);
			return SIM_EINVAL;
		}
		break;
	case SIM_OPT_STRING:
		if (r->offset == SIM_CFG_OFF(policy) && !sim_policy_known(value)) {
			snprintf(err, errlen, "option 'policy': unknown slab policy '%s' (slab, slub, slob)", value);
			return SIM_EINVAL;
		}
		if (r->ctype == SIM_CT_KERNEL) {
			for (n = 0; sim_kernel_name((enum sim_kernel)n); n++)
				if (strcmp(value, sim_kernel_name((enum sim_kernel)n)) == 0)
					break;
			if (!sim_kernel_name((enum sim_kernel)n)) {
				snprintf(err, errlen, "option 'kernel': unknown kernel version '%s' (6.1, 6.18)", value);
				return SIM_EINVAL;
			}
		}
		break;
	case SIM_OPT_ZONES:
		if (sim_opt_zones(value, (uint64_t)o->max, cfg->zone_pages, err, errlen))
			return SIM_EINVAL;
		cfg->ram_bytes = 0;	/* zones replace ram */
		return SIM_OK;
	}
	switch (r->ctype) {
	case SIM_CT_U64:
		*(uint64_t *)field = o->type == SIM_OPT_SIZE ? u : (uint64_t)n;
		if (r->offset == SIM_CFG_OFF(ram_bytes))	/* ram replaces zones */
			memset(cfg->zone_pages, 0, sizeof cfg->zone_pages);
		break;
	case SIM_CT_UINT:
		*(unsigned *)field = (unsigned)n;
		break;
	case SIM_CT_INT:
		*(int *)field = (int)n;
		break;
	case SIM_CT_LONG:
		*(long *)field = (long)n;
		break;
	case SIM_CT_BOOL:
		*(bool *)field = b;
		break;
	case SIM_CT_STR:
		*(const char **)field = value;
		break;
	case SIM_CT_KERNEL:
		*(enum sim_kernel *)field = (enum sim_kernel)n;
		break;
	case SIM_CT_ZONES:
		break;
	}
	return SIM_OK;
}

int sim_config_get(const struct sim_config *cfg, const char *name, char *buf,
		   size_t len)
{
	const struct sim_opt_row *r = sim_opt_row(name);
	const char *field;
	long long v = 0;

	if (!r)
		return SIM_ENOENT;
	field = (const char *)cfg + r->offset;
	switch (r->ctype) {
	case SIM_CT_U64:
		snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field);
		return SIM_OK;
	case SIM_CT_UINT:
		v = *(const unsigned *)field;
		break;
	case SIM_CT_INT:
		v = *(const int *)field;
		break;
	case SIM_CT_LONG:
		v = *(const long *)field;
		break;
	case SIM_CT_BOOL:
		snprintf(buf, len, "%s", *(const bool *)field ? "true" : "false");
		return SIM_OK;
	case SIM_CT_STR:
		snprintf(buf, len, "%s", *(const char *const *)field ?
			 *(const char *const *)field : "");
		return SIM_OK;
	case SIM_CT_KERNEL:
		snprintf(buf, len, "%s", sim_kernel_name(*(const enum sim_kernel *)field));
		return SIM_OK;
	case SIM_CT_ZONES: {
		size_t n = 0;

		buf[0] = '\0';
		for (int z = 0; z < SIM_NR_ZONES; z++)
			if (sim_zone_keys[z] && cfg->zone_pages[z] && n < len)
				n += (size_t)snprintf(buf + n, len - n, "%s%s=%llu",
					n ? "," : "", sim_zone_keys[z],
					(unsigned long long)cfg->zone_pages[z]);
		return SIM_OK;
	}
	}
	snprintf(buf, len, "%lld", v);
	return SIM_OK;
}

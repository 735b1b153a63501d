/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_scenario.c - running a scenario, for `kmemsim run` and `kmemsim compare`
 *
 * The skeleton is lua.c's: everything a scenario does runs inside one
 * protected call (pmain) with a message handler that adds a traceback, so
 * a scenario error comes back as "FILE:LINE: message" plus the traceback.
 * A fresh, sandboxed state is made for every run (lsim_newstate), so two
 * runs of compare share nothing but the seed and the options.
 *
 * Simulators are reported on when they go: the binding calls the run
 * time's sim_closing hook just before it frees a simulator, whether the
 * script closed it, the collector took it or the state was closed at the
 * end.  A simulator nobody can reach any more does not change, so the
 * report is the same whenever the collector happens to run.
 *
 * The headline figures (CMD_METRICS) are computed here from the public
 * API, once per simulator: compare puts them side by side, run's short
 * report lists them.  docs/reports.md defines each one.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "cmd.h"
#include "cmd_scenario.h"

#define CMD_DEFAULT_SCENARIO	"scenarios/default.lua"

const char cmd_run_usage[] =
	"usage: kmemsim run [FILE.lua|-] [options]\n"
	"       kmemsim compare [FILE.lua|-] [options]\n"
	"       kmemsim replay TRACE|- [options]   (see kmemsim replay --help)\n"
	"       kmemsim --help | --version\n"
	"\n"
	"Runs a Lua scenario against a simulated Linux kernel memory allocator\n"
	"(buddy allocator, GFP semantics, and the SLAB, SLUB or SLOB policy).\n"
	"`compare` runs it once per policy, each in a fresh simulator with the\n"
	"same seed, and prints the figures side by side.  Without FILE the\n"
	"bundled default scenario runs; `-` reads the scenario from standard input.\n"
	"\n"
	"options:\n"
	"  --seed N            seed of the simulator PRNG and math.random (default 1)\n"
	"  --policy P          run: default slab policy: slab, slub or slob (default slub)\n"
	"  --policies LIST     compare: comma-separated (default slab,slub,slob)\n"
	"  --set KEY=VALUE     scenario parameter, seen as kmemsim.params.KEY\n"
	"  --opt KEY=VALUE     simulator option, overriding kmemsim.new{KEY=...}\n"
	"                      in the script (e.g. --opt slub_min_objects=16)\n"
	"  --kernel V          --opt kernel=V: the rules of Linux 6.1 or 6.18\n"
	"  --format FMT        text, json, csv or html (svg needs --block): run writes\n"
	"                      the full report of each simulator, compare the table\n"
	"                      (text) or the table and every run (json, csv, html);\n"
	"                      default: from -o's extension, else text\n"
	"  -o, --output FILE   write the report to FILE instead of standard output\n"
	"  --block PATH        only that block of the report (e.g. memory/map)\n"
	"  --report            run: print the short end-of-run report even if the\n"
	"                      script printed something\n"
	"  --no-report         run: never print it\n"
	"  --sample S          time series: every N operations, every T of virtual\n"
	"                      time (500us, 10ms, 1s), auto (adaptive; the default\n"
	"                      with --format, -o and compare) or off\n"
	"  --max-steps N       stop a runaway script after N VM instructions\n"
	"  --explain[=N]       run: narrate each operation (only the first N) step by step\n"
	"  --unsafe            give the script io, os and debug\n"
	"  --lua-path DIR      load kmemsim.* modules from DIR/kmemsim/ first\n"
	"                      (also $KMEMSIM_LUA_PATH)\n"
	"\n"
	"exit status: 0 ok, 1 scenario error (compare: in any policy's run),\n"
	"2 usage error\n";

/* ---- Argument parsing ---- */

static int cmd_usage_error(const struct cmd_opts *o, const char *fmt,
			   const char *arg)
{
	fprintf(stderr, "kmemsim %s: ", o->kind == CMD_COMPARE ? "compare" : "run");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kmemsim --help'.\n");
	return CMD_EXIT_USAGE;
}

/* a non-negative decimal (or 0x) integer: "010" is ten, never octal */
static int cmd_parse_u64(const char *s, uint64_t *out)
{
	int64_t v;

	if (*s < '0' || *s > '9' || sim_parse_int(s, &v) != SIM_OK)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

const char *cmd_opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

bool cmd_opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int cmd_config_set_kv(struct sim_config *cfg, const char *kv, char *err,
		      size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[64];

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof key) {
		snprintf(err, errlen, "--opt needs KEY=VALUE, got '%s'", kv);
		return -1;
	}
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	return sim_config_set(cfg, key, eq + 1, err, errlen) == SIM_OK ? 0 : -1;
}

/* "auto", "off", "1000" (operations), "500us", "10ms", "1.5s", "250ns" */
static int cmd_parse_sample(const char *s, struct cmd_opts *o)
{
	char *end;
	unsigned long long n;

	sim_sample_opts_init(&o->sample);
	if (strcmp(s, "off") == 0) {
		o->sample_mode = CMD_SAMPLE_OFF;
		return 0;
	}
	o->sample_mode = CMD_SAMPLE_ON;
	if (strcmp(s, "auto") == 0)
		return 0;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		n = strtoull(s, &end, 10);
		if (!*end) {	/* a bare number: every N operations */
			if (errno || n == 0)
				return -1;
			o->sample.every_ops = n;
			return 0;
		}
	}
	if (sim_parse_duration(s, false, &o->sample.every_ns) != SIM_OK ||
	    o->sample.every_ns == 0)
		return -1;
	return 0;
}

/* "slab,slub": o->policies point into @list (argv) */
static int cmd_parse_policies(char *list, struct cmd_opts *o)
{
	char *save = NULL, *tok;

	o->nr_policies = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!sim_policy_known(tok))
			return cmd_usage_error(o, "unknown policy '%s' (slab, slub, slob)", tok);
		for (size_t i = 0; i < o->nr_policies; i++)
			if (strcmp(o->policies[i], tok) == 0)
				return cmd_usage_error(o, "policy '%s' given twice", tok);
		if (o->nr_policies == CMD_MAX_POLICIES)
			return cmd_usage_error(o, "%s", "too many policies");
		o->policies[o->nr_policies++] = tok;
	}
	if (!o->nr_policies)
		return cmd_usage_error(o, "%s", "--policies needs at least one policy");
	return 0;
}

/* the format -o's file name suggests, if any */
static bool cmd_format_of(const char *path, enum report_format *fmt)
{
	static const struct { const char *ext; enum report_format fmt; } exts[] = {
		{ ".json", REPORT_FMT_JSON }, { ".csv", REPORT_FMT_CSV },
		{ ".html", REPORT_FMT_HTML }, { ".htm", REPORT_FMT_HTML },
		{ ".svg", REPORT_FMT_SVG }, { ".txt", REPORT_FMT_TEXT },
	};
	size_t n = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i].ext);

		if (n > e && strcmp(path + n - e, exts[i].ext) == 0) {
			*fmt = exts[i].fmt;
			return true;
		}
	}
	return false;
}

static char *cmd_dir_of(const char *file)
{
	const char *slash;

	if (!file || strcmp(file, "-") == 0)
		return strdup(".");
	slash = strrchr(file, '/');
	if (!slash)
		return strdup(".");
	if (slash == file)
		return strdup("/");
	return strndup(file, (size_t)(slash - file));
}

static int cmd_parse_one(int argc, char **argv, int *ip, struct cmd_opts *o)
{
	const char *a = argv[*ip], *v;
	bool run = o->kind == CMD_RUN;

	if (cmd_opt_is(a, "--seed")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--seed")) ||
		    cmd_parse_u64(v, &o->rt.seed))
			return cmd_usage_error(o, "--seed needs a non-negative integer%s", "");
	} else if (run && cmd_opt_is(a, "--policy")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--policy")))
			return cmd_usage_error(o, "--policy needs a value%s", "");
		if (!sim_policy_known(v))
			return cmd_usage_error(o, "unknown policy '%s' (slab, slub, slob)", v);
		o->rt.policy = v;
	} else if (!run && cmd_opt_is(a, "--policies")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--policies")))
			return cmd_usage_error(o, "--policies needs a list%s", "");
		return cmd_parse_policies((char *)v, o);
	} else if (cmd_opt_is(a, "--set")) {
		const char *eq;
		char *key;

		if (!(v = cmd_opt_value(argc, argv, ip, "--set")) ||
		    !(eq = strchr(v, '=')) || eq == v)
			return cmd_usage_error(o, "--set needs KEY=VALUE%s", "");
		if (o->rt.nr_params == CMD_MAX_PARAMS)
			return cmd_usage_error(o, "too many --set options%s", "");
		key = strndup(v, (size_t)(eq - v));
		if (!key)
			return cmd_usage_error(o, "%s", "out of memory");
		o->params[o->rt.nr_params].key = key;
		o->params[o->rt.nr_params].value = eq + 1;
		o->rt.nr_params++;
	} else if (cmd_opt_is(a, "--opt") || cmd_opt_is(a, "--kernel")) {
		struct sim_config scratch;	/* checked now, applied by kmemsim.new */
		bool kernel = cmd_opt_is(a, "--kernel");	/* --opt kernel=V */
		char err[256];
		const char *eq;

		sim_config_init(&scratch);
		if (!(v = cmd_opt_value(argc, argv, ip, kernel ? "--kernel" : "--opt")))
			return cmd_usage_error(o, "%s", kernel ? "--kernel needs 6.1 or 6.18"
					       : "--opt needs KEY=VALUE");
		if (kernel ? sim_config_set(&scratch, "kernel", v, err, sizeof err)
			   : cmd_config_set_kv(&scratch, v, err, sizeof err))
			return cmd_usage_error(o, "%s", err);
		if (o->rt.nr_opts == CMD_MAX_PARAMS)
			return cmd_usage_error(o, "too many --opt options%s", "");
		eq = kernel ? NULL : strchr(v, '=');
		o->opts[o->rt.nr_opts].key = kernel ? strdup("kernel")
					   : strndup(v, (size_t)(eq - v));
		if (!o->opts[o->rt.nr_opts].key)
			return cmd_usage_error(o, "%s", "out of memory");
		o->opts[o->rt.nr_opts].value = kernel ? v : eq + 1;
		o->rt.nr_opts++;
	} else if (cmd_opt_is(a, "--format")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--format")) ||
		    report_format_parse(v, &o->format) != SIM_OK)
			return cmd_usage_error(o, "--format needs text, json, csv, html or svg%s", "");
		o->format_set = true;
	} else if (strcmp(a, "-o") == 0 || cmd_opt_is(a, "--output")) {
		if (strcmp(a, "-o") == 0)
			v = *ip + 1 < argc ? argv[++*ip] : NULL;
		else
			v = cmd_opt_value(argc, argv, ip, "--output");
		if (!v || !*v)
			return cmd_usage_error(o, "%s needs a file name", a);
		o->output = v;
	} else if (cmd_opt_is(a, "--block")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--block")) || !*v)
			return cmd_usage_error(o, "--block needs a block path%s", "");
		o->block = v;
	} else if (run && strcmp(a, "--report") == 0) {
		o->report = 1;
	} else if (run && strcmp(a, "--no-report") == 0) {
		o->report = 0;
	} else if (cmd_opt_is(a, "--sample")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--sample")) ||
		    cmd_parse_sample(v, o))
			return cmd_usage_error(o, "--sample needs N (operations), a duration "
					       "(500us, 10ms, 1s), auto or off%s", "");
	} else if (cmd_opt_is(a, "--max-steps")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--max-steps")) ||
		    cmd_parse_u64(v, &o->rt.max_steps))
			return cmd_usage_error(o, "--max-steps needs a non-negative integer%s", "");
	} else if (run && cmd_opt_is(a, "--explain")) {
		if (a[9] == '=') {
			if (cmd_parse_u64(a + 10, &o->rt.explain) || !o->rt.explain)
				return cmd_usage_error(o, "--explain=N needs a positive integer%s", "");
		} else {
			o->rt.explain = UINT64_MAX;
		}
	} else if (strcmp(a, "--unsafe") == 0) {
		o->rt.unsafe = true;
	} else if (cmd_opt_is(a, "--lua-path")) {
		if (!(v = cmd_opt_value(argc, argv, ip, "--lua-path")))
			return cmd_usage_error(o, "--lua-path needs a directory%s", "");
		o->rt.lua_path = v;
	} else if (a[0] == '-' && a[1] != '\0') {
		return cmd_usage_error(o, "unknown option '%s'", a);
	} else if (!o->file) {
		o->file = a;
	} else {
		return cmd_usage_error(o, "unexpected argument '%s'", a);
	}
	return 0;
}

/* the scenario from standard input, read once: compare runs it per policy */
static int cmd_read_stdin(struct cmd_opts *o)
{
	size_t cap = 0;
	char *p;

	for (;;) {
		size_t n;

		if (o->stdin_len == cap) {
			cap = cap ? 2 * cap : 4096;
			p = realloc(o->stdin_text, cap);
			if (!p)
				return -1;
			o->stdin_text = p;
		}
		n = fread(o->stdin_text + o->stdin_len, 1, cap - o->stdin_len, stdin);
		o->stdin_len += n;
		if (n == 0)
			return ferror(stdin) ? -1 : 0;
	}
}

int cmd_parse(int argc, char **argv, enum cmd_kind kind, struct cmd_opts *o)
{
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->rt.seed = 1;
	o->rt.policy = "slub";
	o->rt.max_steps = LSIM_DEFAULT_MAX_STEPS;
	o->rt.params = o->params;
	o->rt.opts = o->opts;
	o->rt.lua_path = getenv("KMEMSIM_LUA_PATH");
	o->format = REPORT_FMT_TEXT;
	o->report = -1;
	sim_sample_opts_init(&o->sample);
	for (int i = 1; i < argc; i++) {
		int rc;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(cmd_run_usage, stdout);
			return -1;
		}
		rc = cmd_parse_one(argc, argv, &i, o);
		if (rc)
			return rc;
	}
	if (kind == CMD_COMPARE && !o->nr_policies)
		for (size_t i = 0; sim_policy_name(i) && i < CMD_MAX_POLICIES; i++)
			o->policies[o->nr_policies++] = sim_policy_name(i);
	if (!o->format_set && o->output)
		o->format_set = cmd_format_of(o->output, &o->format);
	if (o->format == REPORT_FMT_SVG && !o->block)
		return cmd_usage_error(o, "an SVG is one chart: --block PATH names it%s", "");
	o->script_dir = cmd_dir_of(o->file);
	if (!o->script_dir)
		return cmd_usage_error(o, "%s", "out of memory");
	if (o->file && strcmp(o->file, "-") == 0 && cmd_read_stdin(o))
		return cmd_usage_error(o, "%s", "cannot read the scenario from standard input");
	o->rt.script_dir = o->script_dir;
	return 0;
}

void cmd_opts_free(struct cmd_opts *o)
{
	for (size_t i = 0; i < o->rt.nr_params; i++)
		free((char *)o->params[i].key);
	o->rt.nr_params = 0;
	for (size_t i = 0; i < o->rt.nr_opts; i++)
		free((char *)o->opts[i].key);
	o->rt.nr_opts = 0;
	free(o->script_dir);
	o->script_dir = NULL;
	free(o->stdin_text);
	o->stdin_text = NULL;
}

const char *cmd_scenario_name(const struct cmd_opts *o)
{
	if (!o->file)
		return CMD_DEFAULT_SCENARIO;
	if (strcmp(o->file, "-") == 0)
		return "stdin";
	return o->file;
}

/* ---- Running a scenario (lua.c's pmain/docall/msghandler) ---- */

static int cmd_msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") &&
		    lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)",
				      luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static int cmd_load(lua_State *L, const struct cmd_opts *o)
{
	const char *file = o->file;

	if (file == NULL) {
		for (const struct lsim_embedded *m = lsim_embedded; m->name; m++)
			if (strcmp(m->name, CMD_DEFAULT_SCENARIO) == 0)
				return luaL_loadbufferx(L, (const char *)m->src,
							m->len, m->chunkname, "t");
		lua_pushliteral(L, "the default scenario is not embedded");
		return LUA_ERRFILE;
	}
	if (strcmp(file, "-") == 0) {
		const char *text = o->stdin_text ? o->stdin_text : "";
		size_t len = o->stdin_len;

		if (len && text[0] == '#')	/* a "#!" line, as luaL_loadfilex skips it */
			while (len && *text != '\n') {
				text++;
				len--;
			}
		return luaL_loadbufferx(L, text, len, "=stdin", "t");
	}
	return luaL_loadfilex(L, file, "t");
}

static int cmd_pmain(lua_State *L)
{
	const struct cmd_opts *o = lua_touserdata(L, 1);

	if (cmd_load(L, o) != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 0);
	return 0;
}

bool cmd_run_scenario(const struct cmd_opts *o, struct lsim_runtime *rt,
		      char **error)
{
	lua_State *L;
	int status;

	*error = NULL;
	L = lsim_newstate(rt);
	if (!L) {
		*error = strdup("cannot create the Lua state");
		return false;
	}
	lua_pushcfunction(L, cmd_msghandler);
	lua_pushcfunction(L, cmd_pmain);
	lua_pushlightuserdata(L, (void *)o);
	status = lua_pcall(L, 1, 0, 1);
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		*error = strdup(msg ? msg : "(no message)");
	}
	lua_close(L);		/* every simulator meets rt->sim_closing here */
	return status == LUA_OK;
}

/* ---- Output ---- */

bool cmd_write_report(const struct report *r, enum report_format fmt,
		      const char *block, const char *path)
{
	struct report_opts ro = { block, REPORT_MAP_OWNER };
	struct report_buf buf = REPORT_BUF_INIT;
	FILE *f = stdout;
	bool ok;
	int rc;

	rc = report_render_buf(r, fmt, &ro, &buf);
	if (rc != SIM_OK || buf.failed) {
		fprintf(stderr, "kmemsim: cannot render the report: %s%s%s\n",
			sim_strerror(rc ? rc : SIM_ENOHOSTMEM),
			*report_error(r) ? ": " : "", report_error(r));
		report_buf_release(&buf);
		return false;
	}
	if (path && strcmp(path, "-") != 0) {
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "kmemsim: cannot write %s: %s\n", path,
				strerror(errno));
			report_buf_release(&buf);
			return false;
		}
	}
	ok = fwrite(buf.data ? buf.data : "", 1, buf.len, f) == buf.len;
	ok = (f == stdout ? fflush(f) == 0 && !ferror(f) : fclose(f) == 0) && ok;
	if (!ok)
		fprintf(stderr, "kmemsim: cannot write %s: %s\n",
			f == stdout ? "the report" : path, strerror(errno));
	report_buf_release(&buf);
	return ok;
}

/* ---- Headline figures ---- */

static const struct {
	const char *name, *unit;
	unsigned decimals;
	enum report_type type;
	bool brief;
} cmd_metric_defs[CMD_NR_METRICS] = {
#define CMD_X_DEF(id, n, u, d, t, b) { n, u, d, REPORT_##t, b },
	CMD_METRICS(CMD_X_DEF)
#undef CMD_X_DEF
};

const char *cmd_metric_name(enum cmd_metric i)
{
	return cmd_metric_defs[i].name;
}

const char *cmd_metric_unit(enum cmd_metric i)
{
	return cmd_metric_defs[i].unit;
}

unsigned cmd_metric_decimals(enum cmd_metric i)
{
	return cmd_metric_defs[i].decimals;
}

enum report_type cmd_metric_type(enum cmd_metric i)
{
	return cmd_metric_defs[i].type;
}

bool cmd_metric_brief(enum cmd_metric i)
{
	return cmd_metric_defs[i].brief;
}

struct report_value cmd_metric_value(const struct cmd_metrics *m,
				     enum cmd_metric i)
{
	enum report_type t = cmd_metric_defs[i].type;
	double v = m->v[i];

	if (v != v)
		return RV_NONE(t);
	switch (t) {
	case REPORT_PERCENT:
		return RV_PERCENT(v, cmd_metric_defs[i].decimals);
	case REPORT_BYTES:
		return RV_BYTES((int64_t)v);
	case REPORT_NS:
		return RV_NS((int64_t)v);
	default:
		return RV_INT((int64_t)v);
	}
}

static uint64_t cmd_stat(const struct sim *sim, const char *name)
{
	for (size_t i = 0; i < sim_stat_count(); i++)
		if (strcmp(sim_stat_name(i), name) == 0)
			return sim_stat_value(sim, i);
	return 0;
}

/* the share of @whole that is not @part, in percent */
static double cmd_waste(uint64_t part, uint64_t whole)
{
	return whole && part < whole ? 100.0 * (double)(whole - part) / (double)whole : 0.0;
}

/*
 * The unusable free space index of the whole machine at @order: the
 * kernel's unusable_free_index() over the free lists of all populated
 * zones together, in percent (100 with no free page, as the kernel).
 */
static double cmd_unusable(const struct sim *sim, unsigned order)
{
	uint64_t free = 0, suitable = 0;

	for (size_t i = 0; i < sim_zone_count(sim); i++) {
		struct sim_zone_info z;

		if (sim_zone_info(sim, i, &z) != SIM_OK || !z.populated)
			continue;
		for (unsigned o = 0; o < SIM_NR_ORDERS; o++) {
			free += z.nr_free[o] << o;
			if (o >= order)
				suitable += z.nr_free[o] << o;
		}
	}
	if (!free)
		return 100.0;
	/* the kernel's integer thousandths, so the figure matches the files */
	return (double)((free - suitable) * 1000 / free) / 10.0;
}

/* a policy-wide field of the slab summary, 0 if the policy has none */
static uint64_t cmd_field(const struct sim_slab_summary *sum, const char *name)
{
	for (size_t i = 0; i < sum->nr_fields; i++)
		if (strcmp(sum->fields[i].name, name) == 0)
			return sum->fields[i].value;
	return 0;
}

void cmd_metrics_collect(const struct sim *sim, struct cmd_metrics *m)
{
	struct sim_slab_summary *sum = calloc(1, sizeof *sum);
	double *v = m->v;
	uint64_t slab_pages, slab_bytes, alloc, live, req, slot;

	for (int i = 0; i < CMD_NR_METRICS; i++)
		v[i] = NAN;
	if (!sum)
		return;
	sim_slab_get_summary(sim, sum);
	slab_pages = sum->nr_slab_reclaimable + sum->nr_slab_unreclaimable;
	slab_bytes = (slab_pages - sum->large_pages) * SIM_PAGE_SIZE;
	/*
	 * Every live object: those of caches, large kmallocs and, under SLOB,
	 * the kmalloc blocks of its shared heap, which belong to no cache.
	 */
	live = sum->caches.live + sum->large_objects +
	       cmd_field(sum, "slob_kmalloc_objects");
	req = sum->caches.req_bytes + sum->large_req_bytes +
	      cmd_field(sum, "slob_kmalloc_req_bytes");
	slot = sum->caches.slot_bytes + cmd_field(sum, "slob_kmalloc_block_bytes");
	alloc = slot + sum->large_pages * SIM_PAGE_SIZE;
	v[CMD_M_SLAB_PEAK] = (double)sum->peak_pages;
	v[CMD_M_SLAB_PAGES] = (double)slab_pages;
	v[CMD_M_LIVE_OBJS] = (double)live;
	v[CMD_M_LIVE_BYTES] = (double)req;
	v[CMD_M_ALLOC_BYTES] = (double)alloc;
	v[CMD_M_INT_FRAG] = cmd_waste(req, alloc);
	v[CMD_M_OVERHEAD] = cmd_waste(slot, slab_bytes);
	v[CMD_M_TAILS] = (double)sum->caches.tail_bytes;
	v[CMD_M_FREE_PARTIAL] = (double)sum->caches.free_in_partial;
	v[CMD_M_CACHED] = (double)sum->caches.cached;
	v[CMD_M_UNUSABLE0] = cmd_unusable(sim, 0);
	v[CMD_M_UNUSABLE3] = cmd_unusable(sim, 3);
	v[CMD_M_UNUSABLE9] = cmd_unusable(sim, 9);
	v[CMD_M_PAGE_FAILS] = (double)cmd_stat(sim, "alloc_fail");
	v[CMD_M_SLAB_FAILS] = (double)cmd_stat(sim, "slab_alloc_fail");
	v[CMD_M_STALLS] = (double)(cmd_stat(sim, "allocstall_dma") +
				   cmd_stat(sim, "allocstall_dma32") +
				   cmd_stat(sim, "allocstall_normal") +
				   cmd_stat(sim, "allocstall_movable") +
				   cmd_stat(sim, "allocstall_device"));
	v[CMD_M_STALL_NS] = (double)cmd_stat(sim, "alloc_stall_ns");
	v[CMD_M_SLOWPATH] = (double)cmd_stat(sim, "alloc_slowpath");
	v[CMD_M_PGALLOC] = (double)(cmd_stat(sim, "pgalloc_dma") +
				    cmd_stat(sim, "pgalloc_dma32") +
				    cmd_stat(sim, "pgalloc_normal") +
				    cmd_stat(sim, "pgalloc_movable") +
				    cmd_stat(sim, "pgalloc_device"));
	v[CMD_M_PGFREE] = (double)cmd_stat(sim, "pgfree");
	v[CMD_M_SLAB_NEW] = (double)cmd_stat(sim, "slab_new");
	v[CMD_M_SLAB_FREED] = (double)cmd_stat(sim, "slab_discard");
	v[CMD_M_ALLOCS] = (double)sim_lat_count(sim, SIM_LAT_ALLOC);
	v[CMD_M_FREES] = (double)sim_lat_count(sim, SIM_LAT_FREE);
	if (sim_lat_count(sim, SIM_LAT_ALLOC)) {
		v[CMD_M_ALLOC_P50] = (double)sim_lat_percentile(sim, SIM_LAT_ALLOC, 50);
		v[CMD_M_ALLOC_P99] = (double)sim_lat_percentile(sim, SIM_LAT_ALLOC, 99);
	}
	if (sim_lat_count(sim, SIM_LAT_FREE)) {
		v[CMD_M_FREE_P50] = (double)sim_lat_percentile(sim, SIM_LAT_FREE, 50);
		v[CMD_M_FREE_P99] = (double)sim_lat_percentile(sim, SIM_LAT_FREE, 99);
	}
	v[CMD_M_VTIME] = (double)sim_now(sim);
	free(sum);
}

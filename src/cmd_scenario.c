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
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>

#include "cmd.h"
#include "cmd_out.h"
#include "cmd_scenario.h"

#define CMD_DEFAULT_SCENARIO	"scenarios/default.lua"

/* ---- Argument parsing ---- */

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

/* "KEY=VALUE" into @kv, the key copied (free() it) */
static int cmd_parse_kv(const struct cmd *cmd, const char *spelled,
			const char *v, struct lsim_param *kv)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return cmd_error(cmd, "%s needs KEY=VALUE, got '%s'", spelled, v);
	kv->key = strndup(v, (size_t)(eq - v));
	if (!kv->key)
		return cmd_error(cmd, "out of host memory");
	kv->value = eq + 1;
	return 0;
}

static int cmd_parse_one(struct cmd_getopt *g, int key, struct cmd_opts *o)
{
	const struct cmd *cmd = g->cmd;
	const char *v = g->arg;

	switch (key) {
	case CMD_K_SEED:
		if (cmd_parse_u64(v, &o->rt.seed))
			return cmd_error(cmd, "--seed needs a non-negative integer, got '%s'", v);
		break;
	case CMD_K_POLICY:
		if (!sim_policy_known(v))
			return cmd_error(cmd, "unknown policy '%s' (slab, slub, slob)", v);
		o->rt.policy = v;
		o->policy_given = true;
		break;
	case CMD_K_POLICIES:
		return cmd_parse_policies(cmd, (char *)v, o->policies,
					  CMD_MAX_POLICIES, &o->nr_policies);
	case CMD_K_SET:
		if (o->rt.nr_params == CMD_MAX_PARAMS)
			return cmd_error(cmd, "too many --set options");
		if (cmd_parse_kv(cmd, g->spelled, v, &o->params[o->rt.nr_params]))
			return CMD_EXIT_USAGE;
		o->rt.nr_params++;
		break;
	case CMD_K_OPT:
	case CMD_K_KERNEL: {
		struct sim_config scratch;	/* checked now, applied by kmemsim.new */
		char err[256];

		sim_config_init(&scratch);
		if (key == CMD_K_KERNEL	/* --kernel V is --opt kernel=V */
		    ? sim_config_set(&scratch, "kernel", v, err, sizeof err)
		    : cmd_config_set_kv(&scratch, v, err, sizeof err))
			return cmd_error(cmd, "%s", err);
		if (o->rt.nr_opts == CMD_MAX_PARAMS)
			return cmd_error(cmd, "too many --opt options");
		if (key == CMD_K_KERNEL) {
			o->opts[o->rt.nr_opts].key = strdup("kernel");
			o->opts[o->rt.nr_opts].value = v;
			if (!o->opts[o->rt.nr_opts].key)
				return cmd_error(cmd, "out of host memory");
		} else if (cmd_parse_kv(cmd, g->spelled, v, &o->opts[o->rt.nr_opts])) {
			return CMD_EXIT_USAGE;
		}
		o->rt.nr_opts++;
		break;
	}
	case CMD_K_FORMAT:
		if (report_format_parse(v, &o->format) != SIM_OK)
			return cmd_error(cmd, "unknown format '%s' (text, json, csv, html, svg)", v);
		o->format_set = true;
		break;
	case CMD_K_OUTPUT:
		if (!*v)
			return cmd_error(cmd, "%s needs a file name", g->spelled);
		o->output = v;
		break;
	case CMD_K_BLOCK:
		if (!*v)
			return cmd_error(cmd, "--block needs a block path");
		o->block = v;
		break;
	case CMD_K_REPORT:
		o->report = 1;
		break;
	case CMD_K_NO_REPORT:
		o->report = 0;
		break;
	case CMD_K_SAMPLE:
		if (cmd_parse_sample(v, o))
			return cmd_error(cmd, "--sample needs N (operations), a duration "
					 "(500us, 10ms, 1s), auto or off; got '%s'", v);
		break;
	case CMD_K_MAX_STEPS:
		if (cmd_parse_u64(v, &o->rt.max_steps))
			return cmd_error(cmd, "--max-steps needs a non-negative integer, got '%s'", v);
		break;
	case CMD_K_MAX_WORK:
		if (strcmp(v, "0") != 0 &&
		    (sim_parse_duration(v, false, &o->rt.max_work) != SIM_OK ||
		     !o->rt.max_work))
			return cmd_error(cmd, "--max-work needs a duration (90s, 10min is "
					 "600s) or 0, got '%s'", v);
		if (strcmp(v, "0") == 0)
			o->rt.max_work = 0;
		break;
	case CMD_K_MAX_MEMORY:
		if (sim_parse_size(v, UINT64_MAX >> 1, &o->rt.max_memory) != SIM_OK ||
		    (o->rt.max_memory && o->rt.max_memory < (UINT64_C(16) << 20)))
			return cmd_error(cmd, "--max-memory needs a size of at least 16M "
					 "(512M, 8G) or 0, got '%s'", v);
		break;
	case CMD_K_EXPLAIN:
		if (!v)
			o->rt.explain = UINT64_MAX;
		else if (cmd_parse_u64(v, &o->rt.explain) || !o->rt.explain)
			return cmd_error(cmd, "--explain=N needs a positive integer, got '%s'", v);
		break;
	case CMD_K_STEPS:
		if (!v) {
			o->steps = CMD_STEPS_DEFAULT;
		} else {
			uint64_t n;

			if (cmd_parse_u64(v, &n) || n < 1 || n > CMD_STEPS_MAX)
				return cmd_error(cmd, "--steps=N needs 1 to %u steps, got '%s'",
						 CMD_STEPS_MAX, v);
			o->steps = (unsigned)n;
		}
		break;
	case CMD_K_UNSAFE:
		o->rt.unsafe = true;
		break;
	case CMD_K_PROGRESS:
		o->progress = CMD_PROGRESS_ON;
		break;
	case CMD_K_QUIET:
		o->progress = CMD_PROGRESS_OFF;
		break;
	case CMD_K_LUA_PATH:
		o->rt.lua_path = v;
		break;
	default:	/* a row without a case: a bug, said as such */
		return cmd_error(cmd, "option %s is not handled", g->spelled);
	}
	return 0;
}

/* the scenario from standard input, read once: compare runs it per policy */
/*
 * The scenario on standard input, whole (it is parsed once per policy).
 * Its text counts against --max-memory like the Lua heap it becomes: an
 * endless stream ends with -2 instead of the host's OOM killer.
 */
static int cmd_read_stdin(struct cmd_opts *o)
{
	uint64_t max = o->rt.max_memory;
	size_t cap = 0;
	char *p;

	for (;;) {
		size_t n;

		if (max && o->stdin_len >= max)
			return -2;
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

/*
 * --block PATH is checked before the scenario runs: a typo must not cost a
 * whole run.  A path is "section/block", or "label/section/block" for one
 * run of several (run: sim1, sim2, ... when the script made several
 * simulators; compare: a policy).  The sections a report can have are
 * fixed (these lists; tests/cli.sh checks them against real reports); the
 * blocks of a section depend on what the run did (a series per zone, a
 * zoomed map only where it helps), so the block itself is looked up when
 * the report is written, whose message then lists the blocks there are.
 */
static const char *const cmd_run_sections[] = {
	"summary", "run", "memory", "gfp", "slab", "latency", "timeline",
	"vmstat", "bugs", "kernel-log", NULL
};
static const char *const cmd_compare_sections[] = {
	"headline", "compare", "aliases", "lesson", "overtime", NULL
};
static const char *const cmd_compare_run_sections[] = {	/* a policy's run */
	"summary", "run", "memory", "gfp", "slab", "latency", "timeline",
	"vmstat", "bugs", "kernel-log", "error", "output", NULL
};

/* "memory, gfp, ..." of @list into @buf */
static const char *cmd_join(char *buf, size_t len, const char *const *list)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; list[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", list[i]);
	return buf;
}

static int cmd_check_block(const struct cmd *cmd, const struct cmd_opts *o)
{
	const char *p = o->block, *seg[4];
	size_t len[4], nseg = 0;
	const char *const *sections;
	char sec[64], list[512];
	const char *hint;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (nseg == 4)
			break;
		seg[nseg] = p;
		len[nseg++] = n;
		if (!slash)
			break;
		p = slash + 1;
	}
	for (size_t i = 0; i < nseg; i++)
		if (!len[i])
			nseg = 0;
	if (nseg < 2 || nseg > 3)
		return cmd_error(cmd, "--block needs a path SECTION/BLOCK (e.g. memory/map; "
				 "LABEL/SECTION/BLOCK for one run of several), got '%s'",
				 o->block);
	if (nseg == 3) {
		size_t i = 0;

		if (o->kind == CMD_COMPARE) {
			while (i < o->nr_policies && (strlen(o->policies[i]) != len[0] ||
			       strncmp(o->policies[i], seg[0], len[0]) != 0))
				i++;
			if (i == o->nr_policies)
				return cmd_error(cmd, "--block %s: '%.*s' is none of the policies "
						 "compared (%s)", o->block, (int)len[0], seg[0],
						 cmd_join(list, sizeof list, o->policies));
		} else {
			i = 3;		/* "sim" and at least one digit, all digits */
			while (i < len[0] && seg[0][i] >= '0' && seg[0][i] <= '9')
				i++;
			if (len[0] < 4 || strncmp(seg[0], "sim", 3) != 0 || i != len[0])
				return cmd_error(cmd, "--block %s: '%.*s' names no run: a run of "
						 "several simulators has one per simulator, sim1, "
						 "sim2, ...", o->block, (int)len[0], seg[0]);
		}
	}
	if (o->kind == CMD_RUN)
		sections = cmd_run_sections;
	else
		sections = nseg == 3 ? cmd_compare_run_sections : cmd_compare_sections;
	snprintf(sec, sizeof sec, "%.*s", (int)len[nseg - 2], seg[nseg - 2]);
	for (size_t i = 0; sections[i]; i++)
		if (strcmp(sec, sections[i]) == 0)
			return 0;
	hint = sim_suggest(sec, sections, SIZE_MAX);
	return cmd_error(cmd, "--block %s: no section '%s' in %s%s%s%s; sections: %s",
			 o->block, sec, o->kind == CMD_RUN ? "a run's report" :
			 nseg == 3 ? "a policy's run" : "a comparison (a policy's run: "
			 "POLICY/SECTION/BLOCK)",
			 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
			 cmd_join(list, sizeof list, sections));
}

int cmd_parse(const struct cmd *cmd, int argc, char **argv, enum cmd_kind kind,
	      struct cmd_opts *o)
{
	struct cmd_getopt g;
	int key;

	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->rt.seed = 1;
	o->rt.policy = "slub";
	o->rt.max_steps = LSIM_DEFAULT_MAX_STEPS;
	o->rt.max_work = LSIM_DEFAULT_MAX_WORK;
	o->rt.max_memory = lsim_default_max_memory();
	o->rt.params = o->params;
	o->rt.opts = o->opts;
	o->rt.lua_path = getenv("KMEMSIM_LUA_PATH");
	o->format = REPORT_FMT_TEXT;
	o->report = -1;
	sim_sample_opts_init(&o->sample);
	cmd_getopt_init(&g, cmd, argc, argv);
	while ((key = cmd_getopt(&g)) != CMD_GETOPT_END) {
		int rc;

		if (key == CMD_GETOPT_HELP)
			return -1;
		if (key == CMD_GETOPT_ERROR)
			return CMD_EXIT_USAGE;
		rc = cmd_parse_one(&g, key, o);
		if (rc)
			return rc;
	}
	if (g.optind < argc)
		o->file = argv[g.optind];
	if (g.optind + 1 < argc)
		return cmd_error(cmd, "unexpected argument '%s' (one scenario at a time)",
				 argv[g.optind + 1]);
	if (kind == CMD_COMPARE && !o->nr_policies)
		for (size_t i = 0; sim_policy_name(i) && i < CMD_MAX_POLICIES; i++)
			o->policies[o->nr_policies++] = sim_policy_name(i);
	if (!o->format_set && o->output)
		o->format_set = cmd_format_of(o->output, &o->format);
	if (o->steps && o->block)
		return cmd_error(cmd, "--steps and --block: the page shows every step, not one block");
	if (o->steps && o->format_set && o->format != REPORT_FMT_HTML)
		return cmd_error(cmd, "--steps writes an HTML page (--format html, or -o FILE.html)");
	if (o->steps) {
		o->format = REPORT_FMT_HTML;
		o->format_set = true;
	}
	if (o->format == REPORT_FMT_SVG && !o->block)
		return cmd_error(cmd, "an SVG is one chart: --block PATH names it");
	if (o->block) {
		int rc = cmd_check_block(cmd, o);

		if (rc)
			return rc;
	}
	/* no FILE: the default; a name that is no file: a bundled scenario */
	if (!o->file)
		o->bundled = cmd_bundled_scenario("default");
	else if (strcmp(o->file, "-") != 0 && access(o->file, F_OK) != 0)
		o->bundled = cmd_bundled_scenario(o->file);
	o->script_dir = cmd_dir_of(o->bundled ? NULL : o->file);
	if (!o->script_dir)
		return cmd_error(cmd, "out of host memory");
	if (o->file && strcmp(o->file, "-") == 0) {
		int rc = cmd_read_stdin(o);

		if (rc == -2)
			return cmd_error(cmd, "the scenario on standard input is larger than "
					 "--max-memory (%llu MiB)",
					 (unsigned long long)(o->rt.max_memory >> 20));
		if (rc)
			return cmd_error(cmd, "cannot read the scenario from standard input");
	}
	o->rt.script_dir = o->script_dir;
	return cmd_scenario_policy(cmd, o);
}

/* ---- The policy a scenario teaches ("-- policy: NAME" in its header) ---- */

/*
 * A scenario about one policy's behaviour (SLOB's first fit, SLAB's
 * colouring) says so in its header comment, on a line of its own:
 *
 *   -- policy: slab   (anything after the name is a comment)
 *
 * `kmemsim run` then runs it under that policy unless --policy is given,
 * so that the lesson shows without knowing the option; compare runs every
 * policy as always and names the declared one in its report.  Read from
 * the header only (the leading comment lines), before Lua runs: nothing
 * the script does can change it.
 */
#define CMD_POLICY_TAG "-- policy:"

/*
 * cmd_policy_line - the declared policy's word in the header comment of
 * @len bytes at @src: true with the word at *@v (*@vn bytes, possibly 0 or
 * not a policy) and its line in *@line; false if the header has no tag
 */
static bool cmd_policy_line(const char *src, size_t len, const char **v,
			    size_t *vn, unsigned *line)
{
	const char *p = src, *end = src + len;
	const size_t tag = strlen(CMD_POLICY_TAG);

	*line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		++*line;
		if (n >= tag && strncmp(p, CMD_POLICY_TAG, tag) == 0) {
			*v = p + tag;
			*vn = n - tag;
			while (*vn && (**v == ' ' || **v == '\t')) {
				++*v;
				--*vn;
			}
			/* the first word: a comment may follow it */
			for (size_t k = 0; k < *vn; k++)
				if ((*v)[k] == ' ' || (*v)[k] == '\t' || (*v)[k] == '\r') {
					*vn = k;
					break;
				}
			return true;
		}
		/* the header comment ends at the first line of code */
		if (n && p[0] != '#' && strncmp(p, "--", 2) != 0)
			break;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

/* scan @len bytes of header at @src; 0, or CMD_EXIT_USAGE after the error */
static int cmd_policy_scan(const struct cmd *cmd, struct cmd_opts *o,
			   const char *src, size_t len)
{
	const char *v;
	size_t vn;
	unsigned line;

	if (!cmd_policy_line(src, len, &v, &vn, &line))
		return 0;
	if (vn > 0 && vn < sizeof o->declared_policy) {
		memcpy(o->declared_policy, v, vn);
		o->declared_policy[vn] = '\0';
		if (sim_policy_known(o->declared_policy))
			return 0;
	}
	o->declared_policy[0] = '\0';
	return cmd_error(cmd, "%s:%u: the header declares policy '%.*s' "
			 "(slab, slub or slob)", cmd_scenario_name(o), line,
			 (int)(vn > 32 ? 32 : vn), v);
}

const char *cmd_bundled_policy(const struct lsim_embedded *m, char *buf, size_t len)
{
	const char *v;
	size_t vn;
	unsigned line;

	if (!cmd_policy_line((const char *)m->src, m->len, &v, &vn, &line) ||
	    vn == 0 || vn >= len)
		return NULL;
	memcpy(buf, v, vn);
	buf[vn] = '\0';
	return sim_policy_known(buf) ? buf : NULL;
}

int cmd_scenario_policy(const struct cmd *cmd, struct cmd_opts *o)
{
	int rc = 0;

	o->declared_policy[0] = '\0';
	if (o->bundled) {
		rc = cmd_policy_scan(cmd, o, (const char *)o->bundled->src, o->bundled->len);
	} else if (o->file && strcmp(o->file, "-") == 0) {
		rc = cmd_policy_scan(cmd, o, o->stdin_text ? o->stdin_text : "", o->stdin_len);
	} else if (o->file) {
		/* the header only: its first 16 KiB are plenty */
		char buf[16384];
		FILE *f = fopen(o->file, "r");
		size_t n;

		if (!f)
			return 0;	/* running it says why, with the name */
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		rc = cmd_policy_scan(cmd, o, buf, n);
	}
	if (rc)
		return rc;
	if (o->declared_policy[0] && !o->policy_given)
		o->rt.policy = o->declared_policy;
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
	if (o->bundled)
		return o->bundled->name;
	if (!o->file)
		return CMD_DEFAULT_SCENARIO;
	if (strcmp(o->file, "-") == 0)
		return "stdin";
	return o->file;
}

/* ---- Bundled scenarios ---- */

#define CMD_SCENARIO_DIR "scenarios/"

const struct lsim_embedded *cmd_bundled_scenario(const char *name)
{
	char full[256];
	size_t n = strlen(name);

	if (strncmp(name, CMD_SCENARIO_DIR, strlen(CMD_SCENARIO_DIR)) == 0)
		name += strlen(CMD_SCENARIO_DIR);
	n = strlen(name);
	if (!n || strchr(name, '/'))
		return NULL;
	snprintf(full, sizeof full, CMD_SCENARIO_DIR "%s%s", name,
		 n > 4 && strcmp(name + n - 4, ".lua") == 0 ? "" : ".lua");
	for (const struct lsim_embedded *m = lsim_embedded; m->name; m++)
		if (strcmp(m->name, full) == 0)
			return m;
	return NULL;
}

/* the listing order: the default first, then by name */
static int cmd_bundled_cmp(const struct lsim_embedded *a,
			   const struct lsim_embedded *b)
{
	bool da = strcmp(a->name, CMD_DEFAULT_SCENARIO) == 0;
	bool db = strcmp(b->name, CMD_DEFAULT_SCENARIO) == 0;

	if (da != db)
		return da ? -1 : 1;
	return strcmp(a->name, b->name);
}

const struct lsim_embedded *cmd_bundled_next(const struct lsim_embedded *prev)
{
	const struct lsim_embedded *best = NULL;

	for (const struct lsim_embedded *m = lsim_embedded; m->name; m++) {
		if (strncmp(m->name, CMD_SCENARIO_DIR, strlen(CMD_SCENARIO_DIR)) != 0)
			continue;
		if (prev && cmd_bundled_cmp(m, prev) <= 0)
			continue;
		if (!best || cmd_bundled_cmp(m, best) < 0)
			best = m;
	}
	return best;
}

const char *cmd_bundled_name(const struct lsim_embedded *m, char *buf,
			     size_t len)
{
	const char *base = m->name + strlen(CMD_SCENARIO_DIR);

	snprintf(buf, len, "%.*s", (int)(strlen(base) - 4), base);	/* no .lua */
	return buf;
}

const char *cmd_bundled_summary(const struct lsim_embedded *m, char *buf,
				size_t len)
{
	const char *p = (const char *)m->src, *end = p + m->len;

	buf[0] = '\0';
	/* the first "-- " line that is not the SPDX tag nor a "#!" line */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 3 && strncmp(p, "-- ", 3) == 0 &&
		    strncmp(p, "-- SPDX-License-Identifier", 26) != 0) {
			const char *sp;
			size_t word;

			p += 3;
			n -= 3;
			/* "-- scenarios/NAME.lua: what it is": what it is */
			sp = memchr(p, ' ', n);
			word = sp ? (size_t)(sp - p) : n;
			if (word > 5 && strncmp(p + word - 5, ".lua:", 5) == 0 &&
			    word < n) {
				p += word + 1;
				n -= word + 1;
			}
			snprintf(buf, len, "%.*s", (int)n, p);
			return buf;
		}
		if (n && p[0] != '#' && strncmp(p, "--", 2) != 0)
			break;		/* code: the header comment is over */
		p += n + 1;
	}
	return buf;
}

/* ---- Running a scenario (lua.c's pmain/docall/msghandler) ---- */

/*
 * A traceback of the frames that help.  The message already names the
 * line where the error was raised ("FILE:LINE: ..."), and the frames above
 * that one are the machinery that raised it -- error(), the method that
 * refused its argument, an embedded module checking on the script's behalf
 * -- so the traceback starts at the frame the message names and keeps Lua
 * frames only: C frames (pcall, the CLI's own call of the chunk, the
 * "[C]: in ?" at the bottom) say nothing a scenario's author can act on.
 * A traceback whose one frame is the line the message names says nothing
 * either, and is left out.  A deep stack (a runaway recursion) shows its
 * first and last frames, as luaL_traceback does.
 */
#define CMD_TB_HEAD	12	/* levels looked at from the top ... */
#define CMD_TB_TAIL	10	/* ... and from the bottom of a deeper stack */

/* the number of the last level of @L's stack (luaL_traceback's search) */
static int cmd_tb_last_level(lua_State *L)
{
	lua_Debug ar;
	int li = 1, le = 1;

	/* lua_getstack() walks the stack from the top: find a bound by doubling */
	while (lua_getstack(L, le, &ar)) {
		li = le;
		le *= 2;
	}
	while (li < le) {
		int m = (li + le) / 2;

		if (lua_getstack(L, m, &ar))
			li = m + 1;
		else
			le = m;
	}
	return le - 1;
}

/* "local 'f'", "main chunk", "function <file:12>" */
static void cmd_tb_funcname(luaL_Buffer *b, const lua_Debug *ar)
{
	char buf[LUA_IDSIZE + 64];

	if (*ar->namewhat && strcmp(ar->namewhat, "global") == 0)
		snprintf(buf, sizeof buf, "function '%s'", ar->name);
	else if (*ar->namewhat)
		snprintf(buf, sizeof buf, "%s '%s'", ar->namewhat, ar->name);
	else if (*ar->what == 'm')
		snprintf(buf, sizeof buf, "main chunk");
	else
		snprintf(buf, sizeof buf, "function <%s:%d>", ar->short_src,
			 ar->linedefined);
	luaL_addstring(b, buf);
}

/* does @msg start with the "FILE:LINE:" of frame @ar? */
static bool cmd_tb_names(const char *msg, const lua_Debug *ar)
{
	char where[LUA_IDSIZE + 24];
	int n;

	if (ar->currentline <= 0)
		return false;
	n = snprintf(where, sizeof where, "%s:%d:", ar->short_src, ar->currentline);
	return n > 0 && strncmp(msg, where, (size_t)n) == 0;
}

static void cmd_traceback(lua_State *L, const char *msg)
{
	int last = cmd_tb_last_level(L), start = 1, shown = 0;
	bool named_only = false;	/* the one frame shown is the message's */
	luaL_Buffer b;
	lua_Debug ar;

	/* the frame the message names (looked for among the top levels) */
	for (int level = 1; level <= last && level <= CMD_TB_HEAD; level++)
		if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) &&
		    cmd_tb_names(msg, &ar)) {
			start = level;
			break;
		}
	luaL_buffinit(L, &b);
	luaL_addstring(&b, msg);
	luaL_addstring(&b, "\nstack traceback:");
	for (int level = start; level <= last; level++) {
		if (level == CMD_TB_HEAD + 1 && last > CMD_TB_HEAD + CMD_TB_TAIL) {
			char skip[64];

			snprintf(skip, sizeof skip, "\n\t...\t(skipping %d levels)",
				 last - CMD_TB_TAIL - CMD_TB_HEAD);
			luaL_addstring(&b, skip);
			level = last - CMD_TB_TAIL + 1;
		}
		if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Slnt", &ar) ||
		    *ar.what == 'C')
			continue;
		if (ar.currentline > 0) {
			char where[LUA_IDSIZE + 32];

			snprintf(where, sizeof where, "\n\t%s:%d: in ", ar.short_src,
				 ar.currentline);
			luaL_addstring(&b, where);
		} else {
			luaL_addstring(&b, "\n\t");
			luaL_addstring(&b, ar.short_src);
			luaL_addstring(&b, ": in ");
		}
		cmd_tb_funcname(&b, &ar);
		if (ar.istailcall)
			luaL_addstring(&b, "\n\t(...tail calls...)");
		named_only = shown == 0 && cmd_tb_names(msg, &ar) && !ar.istailcall;
		shown++;
	}
	luaL_pushresult(&b);
	if (shown == 0 || (shown == 1 && named_only))
		lua_pushstring(L, msg);		/* nothing the message does not say */
}

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
	cmd_traceback(L, msg);
	return 1;
}

static int cmd_load(lua_State *L, const struct cmd_opts *o)
{
	const char *file = o->file;
	int status;

	if (o->bundled)
		return luaL_loadbufferx(L, (const char *)o->bundled->src,
					o->bundled->len, o->bundled->chunkname, "t");
	if (file == NULL) {
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
	status = luaL_loadfilex(L, file, "t");
	if (status == LUA_ERRFILE && !strchr(file, '/'))
		lua_pushfstring(L, "%s (and no bundled scenario '%s': kmemsim list)",
				lua_tostring(L, -1), file);
	return status;
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
	status = lsim_outcome(L, lua_pcall(L, 1, 0, 1));
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		*error = strdup(msg ? msg : "(no message)");
	}
	lua_close(L);		/* every simulator meets rt->sim_closing here */
	return status == LUA_OK;
}

/* ---- Output ---- */

/* the blocks a report has, for a --block that names none of them */
struct cmd_blocks {
	const char *want;		/* the path asked for */
	size_t sec_len;			/* ... its "LABEL/SECTION/" prefix */
	char *paths[256];		/* of that section, or all if none is */
	size_t n, nsec;
	bool failed;
};

static void cmd_blocks_add(void *ud, const char *path,
			   enum report_block_type type)
{
	struct cmd_blocks *b = ud;

	(void)type;
	if (b->n == ARRAY_SIZE(b->paths))
		return;
	if (!(b->paths[b->n] = strdup(path))) {
		b->failed = true;
		return;
	}
	if (strncmp(path, b->want, b->sec_len) == 0)
		b->nsec++;
	b->n++;
}

static void cmd_no_block(const struct report *r, const char *block)
{
	struct cmd_blocks b = { .want = block };
	const char *slash = strrchr(block, '/');
	const char *hint;

	b.sec_len = slash ? (size_t)(slash - block) + 1 : 0;
	report_foreach_block(r, cmd_blocks_add, &b);
	hint = sim_suggest(block, (const char *const *)b.paths, b.n);
	fprintf(stderr, "kmemsim: the report has no block '%s'%s%s%s; %s:", block,
		hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
		b.nsec ? "its section has" : "it has");
	for (size_t i = 0; i < b.n; i++) {
		if (!b.nsec || strncmp(b.paths[i], block, b.sec_len) == 0)
			fprintf(stderr, " %s", b.paths[i]);
		free(b.paths[i]);
	}
	fputc('\n', stderr);
}

bool cmd_write_report(const struct report *r, enum report_format fmt,
		      const char *block, const char *path)
{
	struct report_opts ro = { block, REPORT_MAP_OWNER };
	struct report_buf buf = REPORT_BUF_INIT;
	struct cmd_out out;
	int rc;

	rc = report_render_buf(r, fmt, &ro, &buf);
	if (rc == SIM_ENOENT && block) {
		cmd_no_block(r, block);
		report_buf_release(&buf);
		return false;
	}
	if (rc != SIM_OK || buf.failed) {
		fprintf(stderr, "kmemsim: cannot render the report: %s%s%s\n",
			sim_strerror(rc ? rc : SIM_ENOHOSTMEM),
			*report_error(r) ? ": " : "", report_error(r));
		report_buf_release(&buf);
		return false;
	}
	/* a file is written under a temporary name and renamed when whole */
	if (cmd_out_open(&out, path, "kmemsim") != 0) {
		report_buf_release(&buf);
		return false;
	}
	cmd_out_write(&out, buf.data ? buf.data : "", buf.len);
	report_buf_release(&buf);
	return cmd_out_close(&out) == 0;
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

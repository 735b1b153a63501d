/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_report.c - the report model and its renderers, on synthetic reports
 *
 * No engine layer fills reports yet, so every document here is built by
 * hand: a small one whose renderings are pinned byte for byte in
 * tests/data/report-small.* and report-*.svg (each checked by eye once,
 * coordinates recomputed by hand for a few points), and a larger "demo"
 * compare report with realistic shapes for the browser test.
 *
 * The checkers are independent of the code under test: a small JSON parser
 * (RFC 8259 grammar, UTF-8 validation, escapes decoded), an XML/HTML
 * well-formedness checker (balanced tags, quoted attributes, entities, no
 * characters XML cannot carry) and, for tests/html-render.sh, a PNG reader
 * that counts colours.
 *
 * Extra modes (not tests):
 *   check_report --demo FILE [FORMAT [BLOCK [mt]]]
 *                                       write the demo report (html default),
 *                                       or one block of it ("mt": a memory
 *                                       map by migratetype)
 *   check_report --small FORMAT [BLOCK] write the small report to stdout;
 *                                       how the golden files were made
 *   check_report --png-stats FILE       "WxH colours=N nonbg=P" (exit 77
 *                                       when built without zlib)
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "report_impl.h"
#include "testutil.h"

/* ---- A tiny JSON parser ---- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	char *s;		/* J_STR: decoded UTF-8; J_NUM: the literal */
	bool b;
	size_t n;		/* children */
	struct jv *kids;
	char **keys;		/* J_OBJ */
};

struct jparser {
	const char *p;
	int depth;
	char err[128];
};

static bool jvalue(struct jparser *jp, struct jv *v);

static void jfree_in(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jfree_in(&v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->s);
}

static void jfree(struct jv *v)
{
	if (v) {
		jfree_in(v);
		free(v);
	}
}

static void jws(struct jparser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

static bool jfail(struct jparser *jp, const char *why)
{
	if (!*jp->err)
		snprintf(jp->err, sizeof jp->err, "%s at '%.20s'", why, jp->p);
	return false;
}

/* bytes of a valid UTF-8 sequence at s, 0 if invalid (test's own copy) */
static size_t jutf8(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

static void jput_utf8(char *d, size_t *n, unsigned long cp)
{
	if (cp < 0x80)
		d[(*n)++] = (char)cp;
	else if (cp < 0x800) {
		d[(*n)++] = (char)(0xC0 | (cp >> 6));
		d[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		d[(*n)++] = (char)(0xE0 | (cp >> 12));
		d[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		d[(*n)++] = (char)(0xF0 | (cp >> 18));
		d[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		d[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

static bool jhex4(const char *p, unsigned long *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
			c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return false;
		*out = *out * 16 + (unsigned long)d;
	}
	return true;
}

static bool jstring(struct jparser *jp, char **out)
{
	size_t cap = 16, n = 0;
	char *d = malloc(cap);

	if (*jp->p != '"')
		return free(d), jfail(jp, "string expected");
	jp->p++;
	for (;;) {
		unsigned char c = (unsigned char)*jp->p;

		if (n + 8 > cap)
			d = realloc(d, cap *= 2);
		if (c == '"') {
			jp->p++;
			break;
		}
		if (c < 0x20)
			return free(d), jfail(jp, "raw control character in string");
		if (c == '\\') {
			char e = jp->p[1];
			unsigned long cp, lo;

			jp->p += 2;
			switch (e) {
			case '"': d[n++] = '"'; break;
			case '\\': d[n++] = '\\'; break;
			case '/': d[n++] = '/'; break;
			case 'b': d[n++] = '\b'; break;
			case 'f': d[n++] = '\f'; break;
			case 'n': d[n++] = '\n'; break;
			case 'r': d[n++] = '\r'; break;
			case 't': d[n++] = '\t'; break;
			case 'u':
				if (!jhex4(jp->p, &cp))
					return free(d), jfail(jp, "bad \\u escape");
				jp->p += 4;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (jp->p[0] != '\\' || jp->p[1] != 'u' ||
					    !jhex4(jp->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
						return free(d), jfail(jp, "lone surrogate");
					jp->p += 6;
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
					return free(d), jfail(jp, "lone surrogate");
				}
				jput_utf8(d, &n, cp);
				break;
			default:
				return free(d), jfail(jp, "bad escape");
			}
			continue;
		}
		{
			size_t k = jutf8((const unsigned char *)jp->p);

			if (!k)
				return free(d), jfail(jp, "invalid UTF-8");
			memcpy(d + n, jp->p, k);
			n += k;
			jp->p += k;
		}
	}
	d[n] = '\0';
	*out = d;
	return true;
}

static bool jnumber(struct jparser *jp, struct jv *v)
{
	const char *s = jp->p;

	if (*jp->p == '-')
		jp->p++;
	if (*jp->p == '0')
		jp->p++;
	else if (*jp->p >= '1' && *jp->p <= '9')
		while (*jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	else
		return jfail(jp, "bad number");
	if (*jp->p == '.') {
		jp->p++;
		if (!(*jp->p >= '0' && *jp->p <= '9'))
			return jfail(jp, "bad fraction");
		while (*jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	if (*jp->p == 'e' || *jp->p == 'E') {
		jp->p++;
		if (*jp->p == '+' || *jp->p == '-')
			jp->p++;
		if (!(*jp->p >= '0' && *jp->p <= '9'))
			return jfail(jp, "bad exponent");
		while (*jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	v->t = J_NUM;
	v->s = strndup(s, (size_t)(jp->p - s));
	return true;
}

static bool jvalue(struct jparser *jp, struct jv *v)
{
	memset(v, 0, sizeof *v);
	jws(jp);
	if (++jp->depth > 64)
		return jfail(jp, "too deep");
	switch (*jp->p) {
	case '{':
	case '[': {
		bool obj = *jp->p == '{';
		char close = obj ? '}' : ']';
		size_t cap = 0;

		v->t = obj ? J_OBJ : J_ARR;
		jp->p++;
		jws(jp);
		if (*jp->p == close) {
			jp->p++;
			break;
		}
		for (;;) {
			char *key = NULL;

			if (v->n == cap) {
				cap = cap ? cap * 2 : 8;
				v->kids = realloc(v->kids, cap * sizeof *v->kids);
				if (obj)
					v->keys = realloc(v->keys, cap * sizeof *v->keys);
			}
			if (obj) {
				jws(jp);
				if (!jstring(jp, &key))
					return false;
				jws(jp);
				if (*jp->p != ':') {
					free(key);
					return jfail(jp, "':' expected");
				}
				jp->p++;
				v->keys[v->n] = key;
			}
			if (!jvalue(jp, &v->kids[v->n])) {
				v->n++;
				return false;
			}
			v->n++;
			jws(jp);
			if (*jp->p == ',') {
				jp->p++;
				continue;
			}
			if (*jp->p == close) {
				jp->p++;
				break;
			}
			return jfail(jp, "',' or close expected");
		}
		break;
	}
	case '"':
		v->t = J_STR;
		if (!jstring(jp, &v->s))
			return false;
		break;
	case 't':
	case 'f':
	case 'n':
		if (strncmp(jp->p, "true", 4) == 0) {
			v->t = J_BOOL, v->b = true, jp->p += 4;
		} else if (strncmp(jp->p, "false", 5) == 0) {
			v->t = J_BOOL, jp->p += 5;
		} else if (strncmp(jp->p, "null", 4) == 0) {
			v->t = J_NULL, jp->p += 4;
		} else {
			return jfail(jp, "bad literal");
		}
		break;
	default:
		if (!jnumber(jp, v))
			return false;
		break;
	}
	jp->depth--;
	return true;
}

/* parse a whole document; NULL (and a message in @err) if invalid */
static struct jv *jparse(const char *text, char *err, size_t errlen)
{
	struct jparser jp = { text, 0, "" };
	struct jv *v = calloc(1, sizeof *v);
	bool ok = jvalue(&jp, v);

	if (ok) {
		jws(&jp);
		ok = *jp.p == '\0' || jfail(&jp, "trailing data");
	}
	if (!ok) {
		snprintf(err, errlen, "%s", jp.err);
		jfree(v);
		return NULL;
	}
	return v;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	for (size_t i = 0; o && o->t == J_OBJ && i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->kids[i];
	return NULL;
}

static const struct jv *jat(const struct jv *a, size_t i)
{
	return a && a->t == J_ARR && i < a->n ? &a->kids[i] : NULL;
}

/* ---- A tiny XML / HTML well-formedness checker ---- */

struct xcount {
	char name[24];
	size_t n;
};

struct xml_result {
	bool ok;
	char err[160];
	size_t elements;
	struct xcount counts[48];
	size_t ncounts;
};

static size_t xcount(const struct xml_result *x, const char *name)
{
	for (size_t i = 0; i < x->ncounts; i++)
		if (strcmp(x->counts[i].name, name) == 0)
			return x->counts[i].n;
	return 0;
}

static void xcount_add(struct xml_result *x, const char *name, size_t len)
{
	for (size_t i = 0; i < x->ncounts; i++)
		if (strlen(x->counts[i].name) == len &&
		    memcmp(x->counts[i].name, name, len) == 0) {
			x->counts[i].n++;
			return;
		}
	if (x->ncounts < 48 && len < 24) {
		memcpy(x->counts[x->ncounts].name, name, len);
		x->counts[x->ncounts].name[len] = '\0';
		x->counts[x->ncounts++].n = 1;
	}
}

static bool xname_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		c == ':' || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* an entity reference at s ('&'); its length, 0 if invalid */
static size_t xentity(const char *s)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i = 2;

	for (size_t k = 0; k < 5; k++)
		if (strncmp(s, named[k], strlen(named[k])) == 0)
			return strlen(named[k]);
	if (s[1] != '#')
		return 0;
	if (s[2] == 'x') {
		for (i = 3; (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			    (s[i] >= 'A' && s[i] <= 'F'); i++)
			;
		return i > 3 && s[i] == ';' ? i + 1 : 0;
	}
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i > 2 && s[i] == ';' ? i + 1 : 0;
}

/* character data from *p up to '<' (or, raw, up to @stop) */
static bool xtext(const char **p, struct xml_result *x)
{
	while (**p && **p != '<') {
		unsigned char c = (unsigned char)**p;

		if (c == '&') {
			size_t k = xentity(*p);

			if (!k) {
				snprintf(x->err, sizeof x->err, "bad entity at '%.16s'", *p);
				return false;
			}
			*p += k;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			snprintf(x->err, sizeof x->err, "control character 0x%02x", c);
			return false;
		}
		{
			size_t k = jutf8((const unsigned char *)*p);

			if (!k) {
				snprintf(x->err, sizeof x->err, "invalid UTF-8");
				return false;
			}
			*p += k;
		}
	}
	return true;
}

static bool xml_void(const char *name, size_t len)
{
	static const char *const v[] = { "meta", "link", "br", "hr", "img", "input" };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (strlen(v[i]) == len && memcmp(v[i], name, len) == 0)
			return true;
	return false;
}

static struct xml_result xml_check(const char *s, bool html)
{
	struct xml_result x;
	const char *stack[256];
	size_t slen[256], depth = 0;
	bool root_done = false;
	const char *p = s;

	memset(&x, 0, sizeof x);
	if (strncmp(p, "<?xml ", 6) == 0) {
		p = strstr(p, "?>");
		if (!p) {
			snprintf(x.err, sizeof x.err, "unterminated XML declaration");
			return x;
		}
		p += 2;
	}
	while (*p) {
		if (*p != '<') {
			const char *t = p;

			if (!xtext(&p, &x))
				return x;
			if (depth == 0)
				for (; t < p; t++)
					if (!strchr(" \t\r\n", *t)) {
						snprintf(x.err, sizeof x.err, "text outside the root");
						return x;
					}
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			p = strstr(p + 4, "-->");
			if (!p) {
				snprintf(x.err, sizeof x.err, "unterminated comment");
				return x;
			}
			p += 3;
			continue;
		}
		if (strncmp(p, "<!DOCTYPE", 9) == 0 && html && depth == 0 && !root_done) {
			p = strchr(p, '>') + 1;
			continue;
		}
		if (p[1] == '/') {
			const char *n = p + 2;
			size_t len = 0;

			while (xname_char(n[len], len == 0))
				len++;
			if (depth == 0 || slen[depth - 1] != len ||
			    memcmp(stack[depth - 1], n, len) != 0) {
				snprintf(x.err, sizeof x.err, "mismatched end tag '%.*s'",
					 (int)len, n);
				return x;
			}
			p = n + len;
			while (*p == ' ' || *p == '\n')
				p++;
			if (*p != '>') {
				snprintf(x.err, sizeof x.err, "bad end tag");
				return x;
			}
			p++;
			if (--depth == 0)
				root_done = true;
			continue;
		}
		{
			const char *n = p + 1, *attrs[64];
			size_t len = 0, alen[64], nattrs = 0;
			bool empty = false;

			while (xname_char(n[len], len == 0))
				len++;
			if (!len) {
				snprintf(x.err, sizeof x.err, "bad tag at '%.16s'", p);
				return x;
			}
			if (depth == 0 && root_done) {
				snprintf(x.err, sizeof x.err, "second root element");
				return x;
			}
			p = n + len;
			for (;;) {
				const char *a;
				size_t al = 0;
				char q;

				while (*p == ' ' || *p == '\n' || *p == '\t')
					p++;
				if (*p == '>') {
					p++;
					break;
				}
				if (p[0] == '/' && p[1] == '>') {
					p += 2;
					empty = true;
					break;
				}
				a = p;
				while (xname_char(a[al], al == 0))
					al++;
				if (!al || a[al] != '=' || (a[al + 1] != '"' && a[al + 1] != '\'')) {
					snprintf(x.err, sizeof x.err, "bad attribute at '%.20s'", a);
					return x;
				}
				for (size_t k = 0; k < nattrs; k++)
					if (alen[k] == al && memcmp(attrs[k], a, al) == 0) {
						snprintf(x.err, sizeof x.err, "duplicate attribute '%.*s'",
							 (int)al, a);
						return x;
					}
				if (nattrs < 64) {
					attrs[nattrs] = a;
					alen[nattrs++] = al;
				}
				q = a[al + 1];
				p = a + al + 2;
				while (*p && *p != q) {
					if (*p == '<') {
						snprintf(x.err, sizeof x.err, "'<' in attribute");
						return x;
					}
					if (*p == '&') {
						size_t k = xentity(p);

						if (!k) {
							snprintf(x.err, sizeof x.err, "bad entity in attribute");
							return x;
						}
						p += k;
						continue;
					}
					p++;
				}
				if (!*p) {
					snprintf(x.err, sizeof x.err, "unterminated attribute");
					return x;
				}
				p++;
			}
			x.elements++;
			xcount_add(&x, n, len);
			if (empty || (html && xml_void(n, len))) {
				if (depth == 0)
					root_done = true;
				continue;
			}
			if (html && len == 5 && memcmp(n, "style", 5) == 0) {
				p = strstr(p, "</style>");	/* raw text */
				if (!p) {
					snprintf(x.err, sizeof x.err, "unterminated style");
					return x;
				}
			}
			if (depth == 256) {
				snprintf(x.err, sizeof x.err, "too deep");
				return x;
			}
			stack[depth] = n;
			slen[depth++] = len;
		}
	}
	if (depth) {
		snprintf(x.err, sizeof x.err, "unclosed <%.*s>", (int)slen[depth - 1],
			 stack[depth - 1]);
		return x;
	}
	if (!root_done) {
		snprintf(x.err, sizeof x.err, "no root element");
		return x;
	}
	x.ok = true;
	return x;
}

/* count occurrences of @needle in @hay */
static size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- Documents ---- */

/* The builders also run outside Check (--demo, --small), where ck_assert
 * cannot be used even when it passes. */
#define BUILD_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static char *render(const struct report *r, enum report_format fmt,
		    const char *block, enum report_map_mode mode, int *rc)
{
	struct report_opts opts = { block, mode };
	struct report_buf b = REPORT_BUF_INIT;

	*rc = report_render_buf(r, fmt, &opts, &b);
	if (*rc != SIM_OK) {
		report_buf_release(&b);
		return NULL;
	}
	if (!b.data)
		return strdup("");
	return b.data;
}

static char *render_ok(const struct report *r, enum report_format fmt,
		       const char *block, enum report_map_mode mode)
{
	int rc;
	char *s = render(r, fmt, block, mode, &rc);

	ck_assert_msg(rc == SIM_OK, "render %s %s: %s (%s)",
		      report_format_name(fmt), block ? block : "",
		      sim_strerror(rc), report_error(r));
	return s;
}

/*
 * The small report: every kind of block and value, awkward characters in
 * the title, a missing value, a gap in a series, a line that starts late, a
 * cell range outside every zone.  Its renderings are the golden files.
 */
static struct report *small_report(void)
{
	struct report *r = report_new(REPORT_RUN, "Small <report> & \"friends\"");
	struct report_section *s;
	struct report_kv *kv;
	struct report_table *t;
	struct report_series *ts;
	struct report_bars *b;
	struct report_memmap *m;
	int late, a, d;

	BUILD_CHECK(r != NULL);
	report_meta(r, "kmemsim", RV_TEXT("test"));
	report_meta(r, "seed", RV_INT(42));
	report_meta(r, "policy", RV_TEXT("slub"));

	s = report_section(r, "summary", "Summary");
	kv = report_kv(s, "run", "The run");
	report_kv_add(kv, "pages", RV_INT(65536), "pages");
	report_kv_add(kv, "RAM", RV_BYTES(INT64_C(256) << 20), NULL);
	report_kv_add(kv, "virtual time", RV_NS(1500000), NULL);
	report_kv_add(kv, "slab overhead", RV_PERCENT(12.345, 1), NULL);
	report_kv_add(kv, "fragmentation", RV_REAL(0.5, 3), NULL);
	report_kv_add(kv, "note", RV_TEXT("a, \"quoted\" note"), NULL);
	report_kv_add(kv, "stalls", RV_NONE(REPORT_INT), NULL);
	t = report_table(s, "zones", "Zones");
	report_column(t, "zone", REPORT_TEXT, 0, NULL);
	report_column(t, "free", REPORT_INT, 0, "pages");
	report_column(t, "managed", REPORT_BYTES, 0, NULL);
	report_column(t, "unusable", REPORT_PERCENT, 1, NULL);
	report_column(t, "index", REPORT_REAL, 3, NULL);
	report_column(t, "p99", REPORT_NS, 0, NULL);
	REPORT_ROW(t, RV_TEXT("DMA"), RV_INT(3), RV_BYTES(15 << 20),
		   RV_PERCENT(0, 0), RV_REAL(-0.25, 0), RV_NS(800));
	REPORT_ROW(t, RV_TEXT("DMA32"), RV_INT(12345), RV_BYTES(INT64_C(3) << 30),
		   RV_PERCENT(37.25, 0), RV_REAL(0.9375, 0), RV_NS(12500));
	REPORT_ROW(t, RV_TEXT("Normal"), RV_INT(-1), RV_NONE(REPORT_BYTES),
		   RV_PERCENT(100, 0), RV_NONE(REPORT_REAL), RV_NS(3200000));

	s = report_section(r, "memory", "Physical memory");
	report_pre(s, "buddyinfo", "/proc/buddyinfo",
		   "Node 0, zone      DMA      0      0      1 \n"
		   "Node 0, zone   Normal    810    551    390 \n");
	m = report_memmap(s, "map", "Memory map", 0x1000, 24, SIM_PAGEBLOCK_ORDER);
	report_memmap_zone(m, "DMA32", 0, 4);
	report_memmap_zone(m, "Normal", 8, 16);
	a = report_memmap_cache(m, "kmalloc-64");
	d = report_memmap_cache(m, "dentry");
	BUILD_CHECK(a == 0);
	BUILD_CHECK(d == 1);
	BUILD_CHECK(report_memmap_cache(m, "kmalloc-64") == 0);
	report_memmap_set(m, 0, 4, REPORT_OWNER_RESERVED, 0, MIGRATE_UNMOVABLE);
	report_memmap_set(m, 8, 6, REPORT_OWNER_FREE, 10, MIGRATE_MOVABLE);
	report_memmap_set(m, 14, 1, REPORT_OWNER_FREE, 3, MIGRATE_MOVABLE);
	report_memmap_set(m, 15, 3, REPORT_OWNER_SLAB, (unsigned)a, MIGRATE_UNMOVABLE);
	report_memmap_set(m, 18, 2, REPORT_OWNER_SLAB, (unsigned)d, MIGRATE_RECLAIMABLE);
	report_memmap_set(m, 20, 2, REPORT_OWNER_ANON, 0, MIGRATE_MOVABLE);
	report_memmap_set(m, 22, 1, REPORT_OWNER_PAGECACHE, 0, MIGRATE_MOVABLE);
	report_memmap_set(m, 23, 1, REPORT_OWNER_KERNEL, 0, MIGRATE_HIGHATOMIC);

	s = report_section(r, "timeline", "Timeline");
	ts = report_series(s, "free", "Free pages", REPORT_X_TIME, "free", "pages", 0);
	BUILD_CHECK(report_series_line(ts, "Normal") == 0);
	BUILD_CHECK(report_series_line(ts, "DMA32") == 1);
	report_series_ref(ts, "min", 100);
	report_series_ref(ts, "high", 150);
	report_series_sample(ts, 0, (const double[]){ 400, 500 }, 2);
	report_series_sample(ts, 250000, (const double[]){ 300, 480 }, 2);
	late = report_series_line(ts, "late");
	BUILD_CHECK(late == 2);
	report_series_sample(ts, 500000, (const double[]){ NAN, 470, 10 }, 3);
	report_series_sample(ts, 750000, (const double[]){ 180, 460, 20 }, 3);
	report_series_sample(ts, 1000000, (const double[]){ 220, 450 }, 2);
	b = report_bars(s, "policies", "Headline figures");
	report_bars_series(b, "slab");
	report_bars_series(b, "slub");
	report_bars_series(b, "slob");
	report_bars_category(b, "slab pages", "pages", 0,
			     (const double[]){ 120, 96, 64 }, 3);
	report_bars_category(b, "p99 latency", "ns", 0,
			     (const double[]){ 850, 420, 1900 }, 3);
	report_bars_category(b, "unusable index", "%", 1,
			     (const double[]){ 12.5, 8.25, NAN }, 3);
	BUILD_CHECK(report_status(r) == SIM_OK);
	return r;
}

/* deterministic pseudo-random numbers for the demo (not the sim's PRNG) */
static uint32_t demo_rand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* one policy's run report for the demo */
static struct report *demo_run(const char *policy, unsigned k)
{
	struct report *r = report_new(REPORT_RUN, "slub_fragmentation.lua");
	struct report_section *s;
	struct report_kv *kv;
	struct report_table *t;
	struct report_series *ts;
	struct report_memmap *m;
	static const char *const caches[] = {
		"kmalloc-64", "kmalloc-192", "dentry", "inode_cache",
		"buffer_head", "kmalloc-1k"
	};
	uint32_t seed = 7 + k;
	double wm[3] = { 1433, 1791, 2149 };

	report_meta(r, "kmemsim", RV_TEXT("demo"));
	report_meta(r, "seed", RV_INT(1));
	report_meta(r, "policy", RV_TEXT(policy));
	s = report_section(r, "summary", "Summary");
	kv = report_kv(s, "run", "The run");
	report_kv_add(kv, "policy", RV_TEXT(policy), NULL);
	report_kv_add(kv, "RAM", RV_BYTES(INT64_C(256) << 20), NULL);
	report_kv_add(kv, "virtual time", RV_NS(INT64_C(2400000000)), NULL);
	report_kv_add(kv, "operations", RV_INT(200000), NULL);
	report_kv_add(kv, "slab memory", RV_BYTES((int64_t)(9 + k) << 20), NULL);
	report_kv_add(kv, "allocation failures", RV_INT(k), NULL);

	s = report_section(r, "memory", "Physical memory");
	report_pre(s, "buddyinfo", "/proc/buddyinfo",
		   "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
		   "Node 0, zone    DMA32      2      2      4      2      5      4      3      3      4      2    752 \n"
		   "Node 0, zone   Normal    810    551    390    229     99     71     26     18      6      7     60 \n");
	/* 256 MiB in pageblocks: DMA 8, DMA32 120 */
	m = report_memmap(s, "map", "Physical memory map", 0, 128, SIM_PAGEBLOCK_ORDER);
	report_memmap_zone(m, "DMA", 0, 8);
	report_memmap_zone(m, "DMA32", 8, 120);
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++)
		report_memmap_cache(m, caches[i]);
	report_memmap_set(m, 0, 1, REPORT_OWNER_RESERVED, 0, MIGRATE_UNMOVABLE);
	report_memmap_set(m, 1, 7, REPORT_OWNER_FREE, 10, MIGRATE_MOVABLE);
	report_memmap_set(m, 8, 6, REPORT_OWNER_KERNEL, 0, MIGRATE_UNMOVABLE);
	for (uint64_t i = 14; i < 128; i++) {
		uint32_t v = demo_rand(&seed) % 100;

		if (v < 30 + 5 * k)
			report_memmap_set(m, i, 1, REPORT_OWNER_SLAB,
					  demo_rand(&seed) % ARRAY_SIZE(caches),
					  v % 3 ? MIGRATE_UNMOVABLE : MIGRATE_RECLAIMABLE);
		else if (v < 50)
			report_memmap_set(m, i, 1, REPORT_OWNER_ANON, 0, MIGRATE_MOVABLE);
		else if (v < 62)
			report_memmap_set(m, i, 1, REPORT_OWNER_PAGECACHE, 0, MIGRATE_MOVABLE);
		else if (v < 64)
			report_memmap_set(m, i, 1, REPORT_OWNER_KERNEL, 0, MIGRATE_HIGHATOMIC);
		else
			report_memmap_set(m, i, 1, REPORT_OWNER_FREE, 3 + v % 8,
					  MIGRATE_MOVABLE);
	}
	/* and the first 2 MiB page by page */
	m = report_memmap(s, "map-pages", "First 2 MiB, page by page", 0, 512, 0);
	report_memmap_zone(m, "DMA", 1, 511);
	report_memmap_set(m, 0, 1, REPORT_OWNER_RESERVED, 0, MIGRATE_TYPES);
	for (uint64_t i = 1; i < 512; i++) {
		uint32_t v = demo_rand(&seed) % 10;

		report_memmap_set(m, i, 1, v < 6 ? REPORT_OWNER_FREE : REPORT_OWNER_KERNEL,
				  v < 6 ? v : 0, MIGRATE_UNMOVABLE);
	}

	s = report_section(r, "slab", "Slab caches");
	t = report_table(s, "slabinfo", "Caches");
	report_column(t, "cache", REPORT_TEXT, 0, NULL);
	report_column(t, "objects", REPORT_INT, 0, NULL);
	report_column(t, "objsize", REPORT_BYTES, 0, NULL);
	report_column(t, "slab memory", REPORT_BYTES, 0, NULL);
	report_column(t, "utilisation", REPORT_PERCENT, 1, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++)
		REPORT_ROW(t, RV_TEXT(caches[i]), RV_INT(1000 * (int64_t)(i + 1) + k),
			   RV_BYTES(64 << (i % 4)), RV_BYTES((int64_t)(i + 1) << 18),
			   RV_PERCENT(60 + 5.5 * (double)i - 3 * k, 0));

	s = report_section(r, "timeline", "Over time");
	ts = report_series(s, "free", "Free pages and watermarks (Normal)",
			   REPORT_X_TIME, "free pages", "pages", 0);
	report_series_line(ts, "free");
	report_series_ref(ts, "min", wm[0]);
	report_series_ref(ts, "low", wm[1]);
	report_series_ref(ts, "high", wm[2]);
	for (unsigned i = 0; i <= 240; i++) {
		/* a sawtooth: allocation drives free pages down to low, kswapd
		 * reclaims back to high */
		double y = 6000 - (double)((i * (37 + 6 * k)) % 4600);

		if (y < wm[1])
			y = wm[2] + (double)(demo_rand(&seed) % 300);
		report_series_sample(ts, (uint64_t)i * 10000000u, &y, 1);
	}
	ts = report_series(s, "slab-pages", "Slab pages per cache", REPORT_X_OPS,
			   "slab pages", "pages", 0);
	for (size_t c = 0; c < ARRAY_SIZE(caches); c++)
		report_series_line(ts, caches[c]);
	for (unsigned i = 0; i <= 100; i++) {
		double y[ARRAY_SIZE(caches)];

		for (size_t c = 0; c < ARRAY_SIZE(caches); c++)
			y[c] = c == 5 && i < 40 ? NAN :
				(double)((c + 1) * i * (4 + k)) / 3.0 + (double)(c * 40);
		report_series_sample(ts, (uint64_t)i * 2000, y, ARRAY_SIZE(caches));
	}
	return r;
}

/* the demo: a compare report of three policies, for the browser test */
static struct report *demo_report(void)
{
	static const char *const pol[] = { "slab", "slub", "slob" };
	struct report *r = report_new(REPORT_COMPARE, "slub_fragmentation.lua under slab, slub and slob");
	struct report_section *s;
	struct report_bars *b;
	struct report_table *t;

	report_meta(r, "kmemsim", RV_TEXT("demo"));
	report_meta(r, "seed", RV_INT(1));
	report_meta(r, "scenario", RV_TEXT("scenarios/slub_fragmentation.lua"));
	report_meta(r, "policies", RV_TEXT("slab, slub, slob"));
	s = report_section(r, "compare", "Side by side");
	b = report_bars(s, "headline", "Headline figures");
	for (size_t i = 0; i < 3; i++)
		report_bars_series(b, pol[i]);
	report_bars_category(b, "slab memory", "MiB", 1, (const double[]){ 9.5, 8.25, 6.75 }, 3);
	report_bars_category(b, "internal waste", "%", 1, (const double[]){ 11.2, 9.8, 3.1 }, 3);
	report_bars_category(b, "p99 kmalloc latency", "ns", 0, (const double[]){ 420, 180, 2650 }, 3);
	report_bars_category(b, "unusable index (order 3)", "%", 1, (const double[]){ 18.5, 21.0, 34.25 }, 3);
	report_bars_category(b, "allocation stalls", "", 0, (const double[]){ 3, 2, 11 }, 3);
	t = report_table(s, "summary", "Summary");
	report_column(t, "policy", REPORT_TEXT, 0, NULL);
	report_column(t, "slab memory", REPORT_BYTES, 0, NULL);
	report_column(t, "p99 latency", REPORT_NS, 0, NULL);
	report_column(t, "failures", REPORT_INT, 0, NULL);
	for (size_t i = 0; i < 3; i++)
		REPORT_ROW(t, RV_TEXT(pol[i]), RV_BYTES((int64_t)(9 - i) << 20),
			   RV_NS(420 - 120 * (int64_t)i), RV_INT((int64_t)i));
	for (unsigned i = 0; i < 3; i++)
		BUILD_CHECK(report_add_run(r, pol[i], demo_run(pol[i], i)) == SIM_OK);
	BUILD_CHECK(report_status(r) == SIM_OK);
	return r;
}

/* ---- Golden files ---- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* the first differing line, for a readable failure */
static void first_diff(const char *a, const char *b, char *out, size_t len)
{
	int line = 1;
	const char *la = a, *lb = b;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++, b++;
	}
	snprintf(out, len, "line %d:\n  got:  %.120s\n  want: %.120s", line, la, lb);
	for (char *p = out; *p; p++)
		if (*p == '\n' && p[1] != ' ')
			*p = '|';
}

static void check_golden(const struct report *r, enum report_format fmt,
			 const char *block, const char *file)
{
	char path[1024], diff[512];
	char *got = render_ok(r, fmt, block, REPORT_MAP_OWNER);
	char *want = read_file(tu_data_path(file, 0, path, sizeof path));

	ck_assert_msg(want != NULL, "cannot read %s", path);
	if (strcmp(got, want) != 0) {
		first_diff(got, want, diff, sizeof diff);
		ck_abort_msg("%s differs from the render (regenerate with "
			     "check_report --small %s %s): %s", file,
			     report_format_name(fmt), block ? block : "", diff);
	}
	free(got);
	free(want);
}

START_TEST(test_golden_text)
{
	struct report *r = small_report();

	check_golden(r, REPORT_FMT_TEXT, NULL, "tests/data/report-small.txt");
	report_free(r);
}
END_TEST

START_TEST(test_golden_json)
{
	struct report *r = small_report();

	check_golden(r, REPORT_FMT_JSON, NULL, "tests/data/report-small.json");
	report_free(r);
}
END_TEST

START_TEST(test_golden_csv)
{
	struct report *r = small_report();

	check_golden(r, REPORT_FMT_CSV, NULL, "tests/data/report-small.csv");
	report_free(r);
}
END_TEST

START_TEST(test_golden_html)
{
	struct report *r = small_report();

	check_golden(r, REPORT_FMT_HTML, NULL, "tests/data/report-small.html");
	report_free(r);
}
END_TEST

START_TEST(test_golden_svg)
{
	struct report *r = small_report();

	check_golden(r, REPORT_FMT_SVG, "timeline/free", "tests/data/report-series.svg");
	check_golden(r, REPORT_FMT_SVG, "timeline/policies", "tests/data/report-bars.svg");
	check_golden(r, REPORT_FMT_SVG, "memory/map", "tests/data/report-memmap.svg");
	report_free(r);
}
END_TEST

/* ---- Numbers ---- */

static const char *fixed(double v, unsigned d)
{
	static char buf[REP_NUMBUF];

	rep_fmt_fixed(buf, v, d);
	return buf;
}

START_TEST(test_fmt_fixed)
{
	ck_assert_str_eq(fixed(0, 0), "0");
	ck_assert_str_eq(fixed(1.5, 0), "2");
	ck_assert_str_eq(fixed(2.5, 0), "3");	/* half away from zero */
	ck_assert_str_eq(fixed(-2.5, 0), "-3");
	ck_assert_str_eq(fixed(-1.25, 1), "-1.3");
	ck_assert_str_eq(fixed(0.125, 2), "0.13");
	ck_assert_str_eq(fixed(-0.001, 2), "0.00");	/* no "-0.00" */
	ck_assert_str_eq(fixed(12.345, 1), "12.3");
	ck_assert_str_eq(fixed(3.0, 3), "3.000");
	ck_assert_str_eq(fixed(0.05, 9), "0.050000000");
	ck_assert_str_eq(fixed(123456789.0, 0), "123456789");
	ck_assert_str_eq(fixed(1e20, 2), "100000000000000e6");
	ck_assert_str_eq(fixed(-1e20, 0), "-100000000000000e6");
	ck_assert_str_eq(fixed(NAN, 2), "nan");
	ck_assert_str_eq(fixed(INFINITY, 2), "inf");
	ck_assert_str_eq(fixed(-INFINITY, 2), "-inf");
	{
		char buf[REP_NUMBUF];

		rep_fmt_coord(buf, 12.5);
		ck_assert_str_eq(buf, "12.5");
		rep_fmt_coord(buf, 70);
		ck_assert_str_eq(buf, "70");
		rep_fmt_coord(buf, 1.005);	/* 1.00499999... in binary */
		ck_assert_str_eq(buf, "1");
		rep_fmt_coord(buf, -0.004);
		ck_assert_str_eq(buf, "0");
	}
}
END_TEST

START_TEST(test_fmt_units)
{
	static const struct { int64_t v; const char *bytes, *ns; } cases[] = {
		{ 0, "0 B", "0 ns" },
		{ 750, "750 B", "750 ns" },
		{ 999, "999 B", "999 ns" },
		{ 1000, "1000 B", "1.0 us" },
		{ 1023, "1023 B", "1.0 us" },
		{ 1024, "1.0 KiB", "1.0 us" },
		{ 1536, "1.5 KiB", "1.5 us" },
		{ 12500, "12.2 KiB", "12.5 us" },
		{ 1048575, "1024.0 KiB", "1.05 ms" },
		{ 1048576, "1.0 MiB", "1.05 ms" },
		{ 3200000, "3.1 MiB", "3.20 ms" },
		{ INT64_C(268435456), "256.0 MiB", "268.44 ms" },
		{ INT64_C(1500000000), "1.4 GiB", "1.500 s" },
		{ -2048, "-2.0 KiB", "-2.0 us" },
		{ INT64_MAX, "8.0 EiB", "9223372036.855 s" },
	};
	char buf[REP_NUMBUF];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rep_fmt_bytes(buf, cases[i].v);
		ck_assert_str_eq(buf, cases[i].bytes);
		rep_fmt_ns(buf, cases[i].v);
		ck_assert_str_eq(buf, cases[i].ns);
	}
}
END_TEST

/* ---- Chart scaling ---- */

static const char *tick(const struct rep_scale *s, int64_t k)
{
	static char buf[REP_NUMBUF];

	rep_tick_label(s, k, buf);
	return buf;
}

START_TEST(test_nice_scale_cases)
{
	struct rep_scale s;

	rep_nice_scale(0, 1234, 5, &s);
	ck_assert_uint_eq(s.mant, 5);
	ck_assert_int_eq(s.exp10, 2);
	ck_assert_int_eq(s.kmin, 0);
	ck_assert_int_eq(s.kmax, 3);
	ck_assert(s.hi == 1500);
	ck_assert_str_eq(tick(&s, 2), "1000");

	rep_nice_scale(0, 100, 5, &s);
	ck_assert(s.step == 20 && s.lo == 0 && s.hi == 100);

	rep_nice_scale(0, 0.3, 5, &s);	/* 0.3 / 0.1 is 2.9999999999999996 */
	ck_assert_int_eq(s.kmax, 3);
	ck_assert_str_eq(tick(&s, 0), "0");
	ck_assert_str_eq(tick(&s, 1), "0.1");
	ck_assert_str_eq(tick(&s, 3), "0.3");

	rep_nice_scale(0, 0, 5, &s);	/* nothing: 0..1 */
	ck_assert(s.lo == 0 && s.hi == 1);
	rep_nice_scale(5, 5, 5, &s);	/* flat: against zero */
	ck_assert(s.lo == 0 && s.hi == 5);
	rep_nice_scale(-5, -5, 5, &s);
	ck_assert(s.lo == -5 && s.hi == 0);
	ck_assert_str_eq(tick(&s, s.kmin), "-5");

	rep_nice_scale(-3, 7, 5, &s);
	ck_assert(s.step == 2 && s.lo == -4 && s.hi == 8);
	ck_assert_str_eq(tick(&s, -1), "-2");

	rep_nice_scale(0, 2.5e6, 5, &s);	/* 0.5M steps */
	ck_assert_str_eq(tick(&s, 0), "0");
	ck_assert_str_eq(tick(&s, 1), "0.5M");
	ck_assert_str_eq(tick(&s, 2), "1M");
	ck_assert_str_eq(tick(&s, 5), "2.5M");

	rep_nice_scale(0, 48000, 5, &s);
	ck_assert_str_eq(tick(&s, 1), "10k");
	ck_assert_str_eq(tick(&s, 5), "50k");

	rep_nice_scale(0, 6000, 5, &s);	/* below 10000: no suffix */
	ck_assert_str_eq(tick(&s, 2), "4000");
	ck_assert_int_eq(s.kmax, 3);

	rep_nice_scale(0, 0.0042, 4, &s);	/* 0.00105 a step: 0.002 */
	ck_assert_str_eq(tick(&s, 1), "0.002");
	ck_assert_str_eq(tick(&s, 3), "0.006");

	rep_nice_scale(0, 7e9, 5, &s);
	ck_assert_str_eq(tick(&s, 1), "2G");

	rep_nice_scale(NAN, 1, 5, &s);	/* garbage in: a sane axis out */
	ck_assert(s.lo == 0 && s.hi == 1);
}
END_TEST

START_TEST(test_nice_scale_properties)
{
	uint32_t seed = 12345;

	for (int i = 0; i < 20000; i++) {
		double a = (double)(demo_rand(&seed) % 2000000) / (1 + demo_rand(&seed) % 1000);
		double b = a + (double)(demo_rand(&seed) % 3000000) / (1 + demo_rand(&seed) % 997);
		double lo = demo_rand(&seed) % 3 == 0 ? -b : a;
		struct rep_scale s;
		int64_t n;

		rep_nice_scale(lo, b, 5, &s);
		n = s.kmax - s.kmin;
		ck_assert_msg(s.mant == 1 || s.mant == 2 || s.mant == 5, "mant %u", s.mant);
		ck_assert_msg(s.lo <= lo + 1e-9 * fabs(lo) && s.hi >= b - 1e-9 * fabs(b),
			      "[%g, %g] does not cover [%g, %g]", s.lo, s.hi, lo, b);
		ck_assert_msg(n >= 1 && n <= 12, "%lld intervals for [%g, %g]",
			      (long long)n, lo, b);
		/* one step less would not cover the data */
		ck_assert(s.lo + s.step > lo || s.hi - s.step < b || lo == b);
	}
}
END_TEST

START_TEST(test_chart_axis_in_svg)
{
	struct report *r = small_report();
	char *svg = render_ok(r, REPORT_FMT_SVG, "timeline/free", REPORT_MAP_OWNER);

	/* y: 0..500 in steps of 100 (data max 500, refs 100 and 150) */
	ck_assert_ptr_nonnull(strstr(svg, ">500</text>"));
	ck_assert_ptr_null(strstr(svg, ">600</text>"));
	/* x: virtual time up to 1 ms, labelled in ms */
	ck_assert_ptr_nonnull(strstr(svg, "virtual time (ms)"));
	ck_assert_ptr_nonnull(strstr(svg, ">0.2</text>"));
	/* the gap: Normal is two polylines; "late" has 2 points, one line */
	ck_assert_uint_eq(count_str(svg, "<polyline"), 4);
	ck_assert_ptr_nonnull(strstr(svg, ">min 100</text>"));
	free(svg);
	report_free(r);
}
END_TEST

/* ---- JSON ---- */

/* a string with everything an escaper can get wrong, and bad UTF-8 */
#define AWKWARD "q\"b\\s/ c\x01\x1f t\tn\nr\r \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 <&> bad\xff\xc0\x80!"
/* what the model stores: each invalid byte became U+FFFD */
#define AWKWARD_CLEAN "q\"b\\s/ c\x01\x1f t\tn\nr\r \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 <&> bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!"

static struct report *awkward_report(void)
{
	struct report *r = report_new(REPORT_REPLAY, AWKWARD);
	struct report_section *s = report_section(r, "s", AWKWARD);
	struct report_table *t = report_table(s, "t", AWKWARD);
	struct report_kv *kv = report_kv(s, "kv", NULL);
	struct report_series *ts = report_series(s, "ts", AWKWARD, REPORT_X_OPS,
						 AWKWARD, AWKWARD, 1);
	struct report_bars *b = report_bars(s, "b", AWKWARD);
	struct report_memmap *m = report_memmap(s, "m", AWKWARD, 0, 4, 0);

	report_meta(r, AWKWARD, RV_TEXT(AWKWARD));
	report_column(t, AWKWARD, REPORT_TEXT, 0, AWKWARD);
	REPORT_ROW(t, RV_TEXT(AWKWARD));
	report_kv_add(kv, AWKWARD, RV_TEXT(AWKWARD), AWKWARD);
	report_pre(s, "pre", AWKWARD, AWKWARD);
	report_series_line(ts, AWKWARD);
	report_series_ref(ts, AWKWARD, 1);
	report_series_sample(ts, 1, (const double[]){ 2 }, 1);
	report_series_sample(ts, 2, (const double[]){ 3 }, 1);
	report_bars_series(b, AWKWARD);
	report_bars_category(b, AWKWARD, AWKWARD, 0, (const double[]){ 1 }, 1);
	report_memmap_zone(m, AWKWARD, 0, 4);
	report_memmap_set(m, 0, 4, REPORT_OWNER_SLAB, (unsigned)report_memmap_cache(m, AWKWARD),
			  MIGRATE_UNMOVABLE);
	ck_assert_msg(report_status(r) == SIM_OK, "%s", report_error(r));
	return r;
}

START_TEST(test_json_escaping)
{
	struct report *r = awkward_report();
	char *json = render_ok(r, REPORT_FMT_JSON, NULL, REPORT_MAP_OWNER);
	char err[128];
	struct jv *doc = jparse(json, err, sizeof err);
	const struct jv *sec, *blk;

	ck_assert_msg(doc != NULL, "invalid JSON: %s", err);
	ck_assert_str_eq(jget(doc, "schema")->s, REPORT_SCHEMA_NAME);
	ck_assert_str_eq(jget(doc, "version")->s, "1");
	ck_assert_str_eq(jget(doc, "kind")->s, "replay");
	ck_assert_str_eq(jget(doc, "title")->s, AWKWARD_CLEAN);
	ck_assert_str_eq(jget(jget(doc, "meta"), AWKWARD_CLEAN)->s, AWKWARD_CLEAN);
	sec = jat(jget(doc, "sections"), 0);
	ck_assert_str_eq(jget(sec, "title")->s, AWKWARD_CLEAN);
	blk = jat(jget(sec, "blocks"), 0);
	ck_assert_str_eq(jget(blk, "type")->s, "table");
	ck_assert_str_eq(jget(jat(jget(blk, "columns"), 0), "name")->s, AWKWARD_CLEAN);
	ck_assert_str_eq(jat(jat(jget(blk, "rows"), 0), 0)->s, AWKWARD_CLEAN);
	blk = jat(jget(sec, "blocks"), 5);
	ck_assert_str_eq(jget(blk, "type")->s, "pre");
	ck_assert_str_eq(jget(blk, "text")->s, AWKWARD_CLEAN);
	blk = jat(jget(sec, "blocks"), 4);
	ck_assert_str_eq(jget(blk, "type")->s, "memmap");
	ck_assert_str_eq(jget(jat(jget(blk, "spans"), 0), "cache")->s, AWKWARD_CLEAN);
	/* control characters never appear raw */
	ck_assert_ptr_null(strchr(json, '\x01'));
	ck_assert_ptr_nonnull(strstr(json, "c\\u0001\\u001f t\\tn\\nr\\r"));
	jfree(doc);
	free(json);
	report_free(r);
}
END_TEST

START_TEST(test_json_structure)
{
	struct report *r = small_report();
	char *json = render_ok(r, REPORT_FMT_JSON, NULL, REPORT_MAP_OWNER);
	char err[128];
	struct jv *doc = jparse(json, err, sizeof err);
	const struct jv *secs, *blocks, *ts, *lines, *rows, *spans;

	ck_assert_msg(doc != NULL, "invalid JSON: %s", err);
	/* stable key order: schema, version first */
	ck_assert_str_eq(doc->keys[0], "schema");
	ck_assert_str_eq(doc->keys[1], "version");
	ck_assert_str_eq(jget(jget(doc, "meta"), "seed")->s, "42");
	secs = jget(doc, "sections");
	ck_assert_uint_eq(secs->n, 3);
	blocks = jget(jat(secs, 0), "blocks");
	rows = jget(jat(blocks, 1), "rows");
	ck_assert_uint_eq(rows->n, 3);
	/* types kept: bytes exact, percent and real with their decimals, null */
	ck_assert_str_eq(jat(jat(rows, 1), 2)->s, "3221225472");
	ck_assert_str_eq(jat(jat(rows, 1), 3)->s, "37.3");
	ck_assert_str_eq(jat(jat(rows, 1), 4)->s, "0.938");
	ck_assert_int_eq(jat(jat(rows, 2), 2)->t, J_NULL);
	ck_assert_str_eq(jat(jat(rows, 2), 1)->s, "-1");
	/* the series: NAN is null, the late line null before it began */
	ts = jat(jget(jat(secs, 2), "blocks"), 0);
	ck_assert_str_eq(jget(jget(ts, "x"), "kind")->s, "time_ns");
	lines = jget(ts, "lines");
	ck_assert_int_eq(jat(jget(jat(lines, 0), "values"), 2)->t, J_NULL);
	ck_assert_int_eq(jat(jget(jat(lines, 2), "values"), 0)->t, J_NULL);
	ck_assert_str_eq(jat(jget(jat(lines, 2), "values"), 2)->s, "10");
	ck_assert_int_eq(jat(jget(jat(lines, 2), "values"), 4)->t, J_NULL);
	ck_assert_uint_eq(jget(ts, "x_values")->n, 5);
	/* the map: runs of equal cells, in order, covering every cell */
	spans = jget(jat(jget(jat(secs, 1), "blocks"), 1), "spans");
	{
		unsigned long next = 0;

		for (size_t i = 0; i < spans->n; i++) {
			ck_assert_uint_eq(strtoul(jget(jat(spans, i), "first")->s, NULL, 10), next);
			next += strtoul(jget(jat(spans, i), "count")->s, NULL, 10);
		}
		ck_assert_uint_eq(next, 24);
	}
	ck_assert_str_eq(jget(jat(spans, 1), "owner")->s, "none");
	ck_assert_int_eq(jget(jat(spans, 1), "migratetype")->t, J_NULL);
	jfree(doc);
	free(json);
	report_free(r);
}
END_TEST

START_TEST(test_json_parser_rejects)
{
	static const char *const bad[] = {
		"", "{", "{\"a\" 1}", "[1,]", "[01]", "[1.]", "\"\x01\"", "\"\\x\"",
		"\"\\ud800\"", "[\"\xff\"]", "{} {}", "nul", "[-]", "[1e]",
	};
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"\\ud83d\\ude00\"", "[true,false,null]",
		"{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]}}",
	};
	char err[128];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct jv *v = jparse(bad[i], err, sizeof err);

		ck_assert_msg(v == NULL, "accepted bad JSON '%s'", bad[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct jv *v = jparse(good[i], err, sizeof err);

		ck_assert_msg(v != NULL, "rejected '%s': %s", good[i], err);
		jfree(v);
	}
}
END_TEST

/* ---- CSV ---- */

START_TEST(test_csv_quoting)
{
	struct report *r = report_new(REPORT_RUN, "csv");
	struct report_section *s = report_section(r, "s", NULL);
	struct report_table *t = report_table(s, "t", NULL);
	char *csv;

	report_column(t, "name, with comma", REPORT_TEXT, 0, NULL);
	report_column(t, "n", REPORT_INT, 0, "pages");
	report_column(t, "r", REPORT_REAL, 2, NULL);
	REPORT_ROW(t, RV_TEXT("plain"), RV_INT(1), RV_REAL(0.5, 0));
	REPORT_ROW(t, RV_TEXT("a,b"), RV_INT(-2), RV_NONE(REPORT_REAL));
	REPORT_ROW(t, RV_TEXT("say \"hi\""), RV_NONE(REPORT_INT), RV_REAL(1e-3, 0));
	REPORT_ROW(t, RV_TEXT("line\nbreak"), RV_INT(3), RV_REAL(2, 0));
	REPORT_ROW(t, RV_TEXT("cr\rhere"), RV_INT(4), RV_REAL(-2.345, 0));
	REPORT_ROW(t, RV_TEXT(""), RV_INT(5), RV_REAL(NAN, 0));
	csv = render_ok(r, REPORT_FMT_CSV, "s/t", REPORT_MAP_OWNER);
	ck_assert_str_eq(csv,
		"\"name, with comma\",n (pages),r\n"
		"plain,1,0.50\n"
		"\"a,b\",-2,\n"
		"\"say \"\"hi\"\"\",,0.00\n"
		"\"line\nbreak\",3,2.00\n"
		"\"cr\rhere\",4,-2.35\n"
		",5,\n");
	free(csv);
	report_free(r);
}
END_TEST

START_TEST(test_csv_blocks)
{
	struct report *r = small_report();
	char *csv;
	int rc;

	csv = render_ok(r, REPORT_FMT_CSV, "timeline/free", REPORT_MAP_OWNER);
	ck_assert_str_eq(csv,
		"time_ns,Normal,DMA32,late\n"
		"0,400,500,\n"
		"250000,300,480,\n"
		"500000,,470,10\n"
		"750000,180,460,20\n"
		"1000000,220,450,\n");
	free(csv);
	csv = render_ok(r, REPORT_FMT_CSV, "timeline/policies", REPORT_MAP_OWNER);
	ck_assert_str_eq(csv,
		"metric,unit,slab,slub,slob\n"
		"slab pages,pages,120,96,64\n"
		"p99 latency,ns,850,420,1900\n"
		"unusable index,%,12.5,8.3,\n");	/* 8.25 rounds half away */
	free(csv);
	ck_assert_ptr_null(render(r, REPORT_FMT_CSV, "memory/buddyinfo",
				  REPORT_MAP_OWNER, &rc));
	ck_assert_int_eq(rc, SIM_EINVAL);
	report_free(r);
}
END_TEST

/* ---- SVG and HTML ---- */

START_TEST(test_svg_wellformed)
{
	struct report *r = awkward_report();
	static const char *const blocks[] = { "s/ts", "s/b", "s/m" };

	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
		for (unsigned mode = 0; mode < REPORT_NR_MAP_MODES; mode++) {
			char *svg = render_ok(r, REPORT_FMT_SVG, blocks[i], mode);
			struct xml_result x = xml_check(svg, false);

			ck_assert_msg(x.ok, "%s: %s", blocks[i], x.err);
			ck_assert_uint_eq(xcount(&x, "svg"), 1);
			ck_assert(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
			/* the awkward title is there, escaped */
			ck_assert_ptr_nonnull(strstr(svg, "&lt;&amp;&gt;"));
			free(svg);
		}
	}
	report_free(r);
	r = demo_report();
	{
		const char *paths[] = { "compare/headline", "slub/timeline/free",
					"slub/timeline/slab-pages", "slob/memory/map",
					"slab/memory/map-pages" };

		for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
			char *svg = render_ok(r, REPORT_FMT_SVG, paths[i], REPORT_MAP_OWNER);
			struct xml_result x = xml_check(svg, false);

			ck_assert_msg(x.ok, "%s: %s", paths[i], x.err);
			free(svg);
		}
	}
	report_free(r);
}
END_TEST

START_TEST(test_html_wellformed)
{
	struct report *r = demo_report();
	char *html = render_ok(r, REPORT_FMT_HTML, NULL, REPORT_MAP_OWNER);
	struct xml_result x = xml_check(html, true);

	ck_assert_msg(x.ok, "%s", x.err);
	/* one chart for the bars, per run: 2 series + 2 maps x 2 colourings */
	ck_assert_uint_eq(xcount(&x, "svg"), 1 + 3 * (2 + 4));
	ck_assert_uint_eq(xcount(&x, "script"), 0);
	ck_assert_uint_eq(xcount(&x, "link"), 0);
	ck_assert_uint_eq(xcount(&x, "img"), 0);
	/* the comparison's section, then each run folded in a <details> */
	ck_assert_uint_eq(xcount(&x, "section"), 1 + 3 * 4);
	ck_assert_ptr_nonnull(strstr(html, "<details class=\"run\" id=\"run:slub\">"));
	/* nothing external: no URL other than the SVG namespace */
	ck_assert_uint_eq(count_str(html, "http"), count_str(html, "http://www.w3.org/2000/svg"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"blk:slub/timeline/free\""));
	ck_assert_ptr_nonnull(strstr(html, "href=\"#sec:slob/memory\""));
	free(html);
	report_free(r);

	r = awkward_report();
	html = render_ok(r, REPORT_FMT_HTML, NULL, REPORT_MAP_OWNER);
	x = xml_check(html, true);
	ck_assert_msg(x.ok, "%s", x.err);
	free(html);
	html = render_ok(r, REPORT_FMT_HTML, "s/t", REPORT_MAP_OWNER);
	x = xml_check(html, true);
	ck_assert_msg(x.ok, "%s", x.err);
	ck_assert_uint_eq(xcount(&x, "table"), 1);
	free(html);
	report_free(r);
}
END_TEST

START_TEST(test_xml_checker_rejects)
{
	static const char *const bad[] = {
		"<a>", "<a></b>", "<a><b></a></b>", "<a x=1/>", "<a x=\"<\"/>",
		"<a>&nope;</a>", "<a>\x01</a>", "<a/><b/>", "text<a/>", "<a x=\"1\" x=\"2\"/>",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(!xml_check(bad[i], false).ok, "accepted '%s'", bad[i]);
	ck_assert(xml_check("<?xml version=\"1.0\"?>\n<a x='1'><b/>&amp;&#39;&#x41;</a>\n",
			    false).ok);
}
END_TEST

/* ---- Memory maps ---- */

START_TEST(test_memmap_cells)
{
	struct report *r = small_report();
	char *svg = render_ok(r, REPORT_FMT_SVG, "memory/map", REPORT_MAP_OWNER);
	struct xml_result x = xml_check(svg, false);
	char *txt;

	ck_assert_msg(x.ok, "%s", x.err);
	/* 24 cells of 19x19 (20 px a cell, 32 a row) with tooltips */
	ck_assert_uint_eq(count_str(svg, " width=\"19\" height=\"19\""), 24);
	ck_assert_uint_eq(count_str(svg, "<title>pfn 0x"), 24);
	/* colours by owner: 4 reserved, 4 holes, 6 free order 10, 1 order 3,
	 * 3 kmalloc-64, 2 dentry, 2 anon, 1 page cache, 1 kernel; and one
	 * legend swatch for each */
	ck_assert_uint_eq(count_str(svg, "fill=\"#444444\""), 4 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#f0f0f0\""), 4 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#004529\""), 6 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#b5df90\""), 1 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#E69F00\""), 3 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#D55E00\""), 2 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#0072B2\""), 2 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#56B4E9\""), 1 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#999999\""), 1 + 1);
	/* three groups: DMA32, the gap, Normal; two boundary rules */
	ck_assert_ptr_nonnull(strstr(svg, ">DMA32</tspan>"));
	ck_assert_ptr_nonnull(strstr(svg, ">(no zone)</tspan>"));
	ck_assert_ptr_nonnull(strstr(svg, ">Normal</tspan><tspan fill=\"#555555\"> pfn 0x2000-0x3fff, 16 cells"));
	ck_assert_uint_eq(count_str(svg, "stroke-width=\"1.5\""), 2);
	ck_assert_ptr_nonnull(strstr(svg, ">slab dentry</text>"));
	free(svg);

	svg = render_ok(r, REPORT_FMT_SVG, "memory/map", REPORT_MAP_MIGRATETYPE);
	/* by migratetype: 7 unmovable (reserved + kmalloc-64), 10 movable,
	 * 2 reclaimable, 1 highatomic, 4 none */
	ck_assert_uint_eq(count_str(svg, "fill=\"#D55E00\""), 7 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#0072B2\""), 10 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#009E73\""), 2 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#CC79A7\""), 1 + 1);
	ck_assert_uint_eq(count_str(svg, "fill=\"#f0f0f0\""), 4 + 1);
	free(svg);

	txt = render_ok(r, REPORT_FMT_TEXT, "memory/map", REPORT_MAP_OWNER);
	ck_assert_ptr_nonnull(strstr(txt, "  0x2000  ......3sssssaack\n"));
	ck_assert_ptr_nonnull(strstr(txt, "  0x2000  MMMMMMMUUURRMMMH\n"));
	free(txt);
	report_free(r);
}
END_TEST

START_TEST(test_memmap_layouts)
{
	/* cell size shrinks with the map; the grid always fits the width */
	static const struct { uint64_t cells; const char *size; } cases[] = {
		{ 512, "width=\"19\"" }, { 513, "width=\"9\"" },
		{ 4097, "width=\"5\"" }, { 40000, "width=\"3\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct report *r = report_new(REPORT_RUN, "layout");
		struct report_memmap *m = report_memmap(report_section(r, "s", NULL),
							"m", NULL, 0, cases[i].cells, 0);
		char *svg;

		report_memmap_set(m, 0, cases[i].cells, REPORT_OWNER_FREE, 0, MIGRATE_MOVABLE);
		svg = render_ok(r, REPORT_FMT_SVG, "s/m", REPORT_MAP_OWNER);
		ck_assert_uint_eq(count_str(svg, cases[i].size), cases[i].cells);
		ck_assert_uint_eq(count_str(svg, "<title>pfn"),
				  cases[i].cells <= 1024 ? cases[i].cells : 0);
		ck_assert(xml_check(svg, false).ok);
		free(svg);
		report_free(r);
	}
}
END_TEST

/* ---- The model: failures, lookups, determinism ---- */

START_TEST(test_model_errors)
{
	struct report *r = report_new(REPORT_RUN, "errors");
	struct report_section *s = report_section(r, "s", NULL);
	struct report_table *t = report_table(s, "t", NULL);
	struct report_series *ts;
	struct report_memmap *m;
	struct report_buf b = REPORT_BUF_INIT;

	ck_assert_ptr_null(report_new((enum report_kind)7, "x"));
	ck_assert_int_eq(report_column(t, "a", REPORT_INT, 0, NULL), SIM_OK);
	ck_assert_int_eq(REPORT_ROW(t, RV_INT(1)), SIM_OK);
	ck_assert_int_eq(report_status(r), SIM_OK);

	/* a row of the wrong type changes nothing and spoils the report */
	ck_assert_int_eq(REPORT_ROW(t, RV_TEXT("x")), SIM_EINVAL);
	ck_assert_uint_eq(t->nrows, 1);
	ck_assert_int_eq(report_status(r), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(report_error(r), "table 't'"));
	ck_assert_ptr_nonnull(strstr(report_error(r), "text value in a int column"));
	/* later failures keep the first message */
	ck_assert_int_eq(REPORT_ROW(t, RV_INT(1), RV_INT(2)), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(report_error(r), "text value"));
	ck_assert_int_eq(report_render_buf(r, REPORT_FMT_TEXT, NULL, &b), SIM_EINVAL);
	ck_assert_uint_eq(b.len, 0);
	report_free(r);

	/* each misuse, on a fresh report */
#define EXPECT_SPOILED(stmt) do { \
		struct report *q = report_new(REPORT_RUN, "q"); \
		struct report_section *qs = report_section(q, "s", NULL); \
		(void)qs; \
		stmt; \
		ck_assert_msg(report_status(q) == SIM_EINVAL, "%s did not fail", #stmt); \
		report_free(q); \
	} while (0)
	EXPECT_SPOILED(report_section(q, "s", NULL));		/* duplicate */
	EXPECT_SPOILED(report_section(q, "a b", NULL));		/* bad id */
	EXPECT_SPOILED(report_section(q, "", NULL));
	EXPECT_SPOILED(report_section(q, "x/y", NULL));
	EXPECT_SPOILED(report_kv(qs, "k", NULL); report_kv(qs, "k", NULL));
	EXPECT_SPOILED(report_kv_add(report_kv(qs, "k", NULL), "", RV_INT(1), NULL));
	EXPECT_SPOILED(report_meta(q, "k", RV_REAL(INFINITY, 1)));
	EXPECT_SPOILED(report_meta(q, "k", RV_REAL(1, 10)));
	EXPECT_SPOILED(REPORT_ROW(report_table(qs, "t", NULL), RV_INT(1)));
	EXPECT_SPOILED({ struct report_table *qt = report_table(qs, "t", NULL);
			 report_column(qt, "a", REPORT_INT, 0, NULL);
			 REPORT_ROW(qt, RV_INT(1));
			 report_column(qt, "b", REPORT_INT, 0, NULL); });
	EXPECT_SPOILED({ struct report_series *qt = report_series(qs, "ts", NULL,
			 REPORT_X_OPS, "", "", 0);
			 report_series_line(qt, "a");
			 report_series_sample(qt, 5, (const double[]){ 1 }, 1);
			 report_series_sample(qt, 4, (const double[]){ 1 }, 1); });
	EXPECT_SPOILED(report_series_sample(report_series(qs, "ts", NULL,
			REPORT_X_OPS, "", "", 0), 1, (const double[]){ 1 }, 1));
	EXPECT_SPOILED(report_series_ref(report_series(qs, "ts", NULL,
			REPORT_X_OPS, "", "", 0), "r", NAN));
	EXPECT_SPOILED(report_series(qs, "ts", NULL, REPORT_X_OPS, "", "", 10));
	EXPECT_SPOILED({ struct report_bars *qb = report_bars(qs, "b", NULL);
			 report_bars_series(qb, "x");
			 report_bars_category(qb, "c", "", 0, (const double[]){ 1, 2 }, 2); });
	EXPECT_SPOILED({ struct report_bars *qb = report_bars(qs, "b", NULL);
			 report_bars_series(qb, "x");
			 report_bars_category(qb, "c", "", 0, (const double[]){ 1 }, 1);
			 report_bars_series(qb, "y"); });
	EXPECT_SPOILED(report_memmap(qs, "m", NULL, 0, 0, 0));
	EXPECT_SPOILED(report_memmap(qs, "m", NULL, 0, REPORT_MEMMAP_MAX_CELLS + 1, 0));
	EXPECT_SPOILED(report_memmap_set(report_memmap(qs, "m", NULL, 0, 4, 0),
					 0, 4, REPORT_OWNER_SLAB, 0, MIGRATE_MOVABLE));
	EXPECT_SPOILED(report_memmap_set(report_memmap(qs, "m", NULL, 0, 4, 0),
					 0, 4, REPORT_OWNER_FREE, 11, MIGRATE_MOVABLE));
	EXPECT_SPOILED(report_memmap_set(report_memmap(qs, "m", NULL, 0, 4, 0),
					 2, 3, REPORT_OWNER_ANON, 0, MIGRATE_MOVABLE));
	EXPECT_SPOILED(report_memmap_set(report_memmap(qs, "m", NULL, 0, 4, 0),
					 0, 1, REPORT_OWNER_ANON, 0, (enum migratetype)9));
	EXPECT_SPOILED({ struct report_memmap *qm = report_memmap(qs, "m", NULL, 0, 8, 0);
			 report_memmap_zone(qm, "a", 2, 4);
			 report_memmap_zone(qm, "b", 4, 2); });
	EXPECT_SPOILED(report_memmap_zone(report_memmap(qs, "m", NULL, 0, 8, 0), "a", 6, 3));
	EXPECT_SPOILED(report_add_run(q, "x", NULL));
	EXPECT_SPOILED(report_add_run(q, "x", q));
#undef EXPECT_SPOILED

	/* a NULL handle from a failed constructor is harmless */
	r = report_new(REPORT_RUN, "null");
	s = report_section(r, "bad id", NULL);
	ck_assert_ptr_null(s);
	ck_assert_ptr_null(report_table(s, "t", NULL));
	ck_assert_int_eq(report_column(NULL, "a", REPORT_INT, 0, NULL), SIM_EINVAL);
	ck_assert_int_eq(REPORT_ROW((struct report_table *)NULL, RV_INT(1)), SIM_EINVAL);
	ck_assert_int_eq(report_kv_add(NULL, "k", RV_INT(1), NULL), SIM_EINVAL);
	ck_assert_int_eq(report_pre_append(NULL, "x", 1), SIM_EINVAL);
	ck_assert_int_eq(report_series_line(NULL, "x"), SIM_EINVAL);
	ck_assert_int_eq(report_memmap_cache(NULL, "x"), SIM_EINVAL);
	ck_assert_ptr_nonnull(strstr(report_error(r), "bad section id 'bad id'"));
	report_free(r);

	/* valid edge cases */
	r = report_new(REPORT_RUN, NULL);
	s = report_section(r, "s", NULL);
	ts = report_series(s, "ts", NULL, REPORT_X_OPS, NULL, NULL, 0);
	ck_assert_int_eq(report_series_sample(ts, 3, NULL, 0), SIM_OK);	/* no lines yet */
	ck_assert_int_eq(report_series_line(ts, "a"), 0);
	ck_assert_int_eq(report_series_sample(ts, 3, (const double[]){ 1 }, 1), SIM_OK);
	m = report_memmap(s, "m", NULL, 0, 1, SIM_MAX_ORDER);
	ck_assert_int_eq(report_memmap_set(m, 0, 1, REPORT_OWNER_FREE, SIM_MAX_ORDER,
					   MIGRATE_TYPES), SIM_OK);
	ck_assert_int_eq(report_pre_append(report_pre(s, "p", NULL, NULL), "a\0b", 3),
			 SIM_OK);
	ck_assert_str_eq(((struct report_pre *)s->blocks[2])->text, "a\xef\xbf\xbd" "b");
	ck_assert_int_eq(report_status(r), SIM_OK);
	ck_assert_int_eq(report_validate(r), SIM_OK);
	report_free(r);
	report_free(NULL);
}
END_TEST

START_TEST(test_meta_order)
{
	struct report *r = report_new(REPORT_RUN, "meta");
	char *txt;

	report_meta(r, "zeta", RV_INT(1));
	report_meta(r, "alpha", RV_TEXT("a"));
	report_meta(r, "zeta", RV_INT(2));	/* replaced in place */
	ck_assert_uint_eq(r->nmeta, 2);
	txt = render_ok(r, REPORT_FMT_TEXT, NULL, REPORT_MAP_OWNER);
	ck_assert_str_eq(txt, "meta\n====\nkind   run\nzeta   2\nalpha  a\n");
	free(txt);
	report_free(r);
}
END_TEST

static void collect_paths(void *ud, const char *path, enum report_block_type type)
{
	struct report_buf *b = ud;

	report_buf_write(b, path, strlen(path));
	report_buf_write(b, ":", 1);
	report_buf_write(b, report_block_type_name(type), strlen(report_block_type_name(type)));
	report_buf_write(b, " ", 1);
}

START_TEST(test_block_paths)
{
	struct report *r = demo_report();
	struct report_buf b = REPORT_BUF_INIT;
	char *out;
	int rc;

	report_foreach_block(r, collect_paths, &b);
	ck_assert_str_eq(b.data,
		"compare/headline:bars compare/summary:table "
		"slab/summary/run:kv slab/memory/buddyinfo:pre slab/memory/map:memmap "
		"slab/memory/map-pages:memmap slab/slab/slabinfo:table "
		"slab/timeline/free:series slab/timeline/slab-pages:series "
		"slub/summary/run:kv slub/memory/buddyinfo:pre slub/memory/map:memmap "
		"slub/memory/map-pages:memmap slub/slab/slabinfo:table "
		"slub/timeline/free:series slub/timeline/slab-pages:series "
		"slob/summary/run:kv slob/memory/buddyinfo:pre slob/memory/map:memmap "
		"slob/memory/map-pages:memmap slob/slab/slabinfo:table "
		"slob/timeline/free:series slob/timeline/slab-pages:series ");
	report_buf_release(&b);

	out = render_ok(r, REPORT_FMT_TEXT, "slob/slab/slabinfo", REPORT_MAP_OWNER);
	{
		static const char want[] =
			"Caches:\n"
			"cache        objects  objsize  slab memory  utilisation\n"
			"kmalloc-64      1002     64 B    256.0 KiB        54.0%\n";

		ck_assert(strncmp(out, want, sizeof want - 1) == 0);
	}
	free(out);
	ck_assert_ptr_null(render(r, REPORT_FMT_TEXT, "nope/x", 0, &rc));
	ck_assert_int_eq(rc, SIM_ENOENT);
	ck_assert_ptr_null(render(r, REPORT_FMT_TEXT, "slob/slab", 0, &rc));
	ck_assert_int_eq(rc, SIM_ENOENT);
	ck_assert_ptr_null(render(r, REPORT_FMT_TEXT, "slab", 0, &rc));
	ck_assert_int_eq(rc, SIM_ENOENT);
	ck_assert_ptr_null(render(r, REPORT_FMT_TEXT, "x/slab/slabinfo", 0, &rc));
	ck_assert_int_eq(rc, SIM_ENOENT);
	ck_assert_ptr_null(render(r, REPORT_FMT_SVG, NULL, 0, &rc));
	ck_assert_int_eq(rc, SIM_EINVAL);
	ck_assert_ptr_null(render(r, REPORT_FMT_SVG, "compare/summary", 0, &rc));
	ck_assert_int_eq(rc, SIM_EINVAL);
	ck_assert_ptr_null(render(r, (enum report_format)9, NULL, 0, &rc));
	ck_assert_int_eq(rc, SIM_EINVAL);
	out = render_ok(r, REPORT_FMT_JSON, "slub/memory/map", REPORT_MAP_OWNER);
	ck_assert_ptr_nonnull(strstr(out, "\"path\": \"slub/memory/map\""));
	free(out);
	/* a label cannot be taken twice; on failure the caller keeps the child */
	{
		struct report *child = report_new(REPORT_RUN, "x");

		ck_assert_int_eq(report_add_run(r, "slub", child), SIM_EINVAL);
		ck_assert_int_eq(report_add_run(child, "y", report_new(REPORT_RUN, "y")) == SIM_OK &&
				 report_add_run(r, "other", child) == SIM_EINVAL, 1);
		report_free(child);
	}
	report_free(r);
}
END_TEST

START_TEST(test_formats_named)
{
	enum report_format f;

	for (unsigned i = 0; i < REPORT_NR_FORMATS; i++) {
		ck_assert_int_eq(report_format_parse(report_format_name(i), &f), SIM_OK);
		ck_assert_uint_eq(f, i);
	}
	ck_assert_int_eq(report_format_parse("pdf", &f), SIM_EINVAL);
	ck_assert_int_eq(report_format_parse(NULL, &f), SIM_EINVAL);
	ck_assert_ptr_null(report_format_name(REPORT_NR_FORMATS));
	ck_assert_str_eq(report_kind_name(REPORT_COMPARE), "compare");
	ck_assert_str_eq(report_block_type_name(REPORT_BLOCK_MEMMAP), "memmap");
}
END_TEST

static void sink_count(void *ud, const char *s, size_t n)
{
	(void)s;
	*(size_t *)ud += n;
}

START_TEST(test_determinism)
{
	for (unsigned f = 0; f < REPORT_NR_FORMATS; f++) {
		struct report *a = demo_report(), *b = demo_report();
		const char *block = f == REPORT_FMT_SVG ? "slab/memory/map" : NULL;
		char *x = render_ok(a, f, block, REPORT_MAP_OWNER);
		char *y = render_ok(a, f, block, REPORT_MAP_OWNER);
		char *z = render_ok(b, f, block, REPORT_MAP_OWNER);
		size_t n = 0;

		ck_assert_msg(strcmp(x, y) == 0, "%s: rendering twice differs",
			      report_format_name(f));
		ck_assert_msg(strcmp(x, z) == 0, "%s: building twice differs",
			      report_format_name(f));
		/* the sink gets exactly the buffer's bytes */
		{
			struct report_opts o = { block, REPORT_MAP_OWNER };

			ck_assert_int_eq(report_render(a, f, &o, sink_count, &n), SIM_OK);
		}
		ck_assert_uint_eq(n, strlen(x));
		free(x);
		free(y);
		free(z);
		report_free(a);
		report_free(b);
	}
}
END_TEST

START_TEST(test_text_layout)
{
	struct report *r = small_report();
	char *txt = render_ok(r, REPORT_FMT_TEXT, "summary/zones", REPORT_MAP_OWNER);

	/* numbers and their headers right-aligned, text left, no trailing blanks */
	ck_assert_str_eq(txt,
		"Zones:\n"
		"zone    free (pages)   managed  unusable   index      p99\n"
		"DMA                3  15.0 MiB      0.0%  -0.250   800 ns\n"
		"DMA32          12345   3.0 GiB     37.3%   0.938  12.5 us\n"
		"Normal            -1         -    100.0%       -  3.20 ms\n");
	free(txt);
	txt = render_ok(r, REPORT_FMT_TEXT, "memory/buddyinfo", REPORT_MAP_OWNER);
	ck_assert_str_eq(txt, "/proc/buddyinfo:\n"
			 "Node 0, zone      DMA      0      0      1 \n"
			 "Node 0, zone   Normal    810    551    390 \n");
	free(txt);
	report_free(r);
}
END_TEST

START_TEST(test_buf)
{
	struct report_buf b = REPORT_BUF_INIT;

	report_buf_write(&b, "ab", 2);
	report_buf_write(&b, "", 0);
	report_buf_write(&b, "cde", 3);
	ck_assert_str_eq(b.data, "abcde");
	ck_assert_uint_eq(b.len, 5);
	b.failed = true;	/* after a failure, nothing more is appended */
	report_buf_write(&b, "f", 1);
	ck_assert_uint_eq(b.len, 5);
	report_buf_release(&b);
	ck_assert_ptr_null(b.data);
	ck_assert(!b.failed);
}
END_TEST

START_TEST(test_sim_fill)
{
	struct sim *sim = tu_sim_new(0, 2);
	struct report *r = report_new(REPORT_RUN, "core");
	char *txt, *json, err[128];
	struct jv *doc;
	const struct jv *rows;

	sim_printk(sim, "hello from the simulated kernel");
	ck_assert_int_eq(sim_fill_report(sim, r), SIM_OK);
	ck_assert_ptr_nonnull(report_find_section(r, "summary"));
	ck_assert_ptr_nonnull(report_find_section(r, "vmstat"));
	ck_assert_ptr_null(report_find_section(r, "bugs"));
	ck_assert_ptr_nonnull(report_find_section(r, "kernel-log"));
	txt = render_ok(r, REPORT_FMT_TEXT, NULL, REPORT_MAP_OWNER);
	ck_assert_ptr_nonnull(strstr(txt, "\npolicy   slub\n"));
	ck_assert_ptr_nonnull(strstr(txt, "RAM                    256.0 MiB\n"));
	ck_assert_ptr_nonnull(strstr(txt, "hello from the simulated kernel"));
	json = render_ok(r, REPORT_FMT_JSON, NULL, REPORT_MAP_OWNER);
	doc = jparse(json, err, sizeof err);
	ck_assert_msg(doc != NULL, "%s", err);
	ck_assert_str_eq(jget(jget(doc, "meta"), "kmemsim")->s, PACKAGE_VERSION);
	ck_assert_str_eq(jget(jget(doc, "meta"), "ram")->s, "268435456");
	/* the layers' sections come between summary and vmstat: find it by id */
	{
		const struct jv *secs = jget(doc, "sections"), *vm = NULL;

		for (size_t i = 0; secs && i < secs->n && !vm; i++)
			if (strcmp(jget(jat(secs, i), "id")->s, "vmstat") == 0)
				vm = jat(secs, i);
		ck_assert_ptr_nonnull(vm);
		rows = jget(jat(jget(vm, "blocks"), 0), "rows");
	}
	ck_assert_uint_eq(rows->n, sim_stat_count());	/* no counter missing */
	ck_assert_str_eq(jat(jat(rows, 0), 0)->s, sim_stat_name(0));
	/* filling twice: the ids are taken */
	ck_assert_int_eq(sim_fill_report(sim, r), SIM_EINVAL);
	jfree(doc);
	free(txt);
	free(json);
	report_free(r);
	sim_free(sim);
}
END_TEST

/* ---- Headline, overlay, amounts (issue 13) ---- */

START_TEST(test_fmt_sig_amount)
{
	static const struct { double v; const char *unit, *want; } cases[] = {
		{ 0, "%", "0%" },
		{ 0.00738, "%", "0.00738%" },	/* never "0.0" for a non-zero value */
		{ 50.3, "%", "50.3%" },
		{ 11309, "pages", "11309 pages" },	/* counts stay exact below 10^6 */
		{ 2500000, "objects", "2.5M objects" },
		{ 1910475, "bytes", "1.82 MiB" },	/* 1910475 / 2^20 = 1.8219 */
		{ 96, "bytes", "96 B" },
		{ 511, "ns", "511 ns" },
		{ 98303, "ns", "98.3 us" },
		{ 1082785860, "ns", "1.08 s" },
	};
	char buf[REP_NUMBUF];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rep_fmt_amount(buf, cases[i].v, cases[i].unit);
		ck_assert_msg(strcmp(buf, cases[i].want) == 0, "%g %s: got \"%s\", want \"%s\"",
			      cases[i].v, cases[i].unit, buf, cases[i].want);
	}
	rep_fmt_sig(buf, 11309, true);
	ck_assert_str_eq(buf, "11.3k");
	rep_fmt_sig(buf, 0.000123456, false);
	ck_assert_str_eq(buf, "0.000123");
}
END_TEST

/* the bar group the headline reads: spreads computed by hand below */
static struct report_bars *hl_bars(struct report_section *s)
{
	struct report_bars *b = report_bars(s, "fig", "Figures");

	report_bars_series(b, "a");
	report_bars_series(b, "b");
	report_bars_series(b, "c");
	/* (120 - 80) / 120 = 33.3 %: the lead, named first whatever its rank */
	report_bars_category(b, "pages", "pages", 0, (const double[]){ 100, 80, 120 }, 3);
	/* a has none: spread 100 % */
	report_bars_category(b, "tails", "bytes", 0, (const double[]){ 0, 4096, 0 }, 3);
	/* equal: never a finding */
	report_bars_category(b, "same", "", 0, (const double[]){ 5, 5, 5 }, 3);
	/* 0.005 points apart: noise, though threefold */
	report_bars_category(b, "noise", "%", 3, (const double[]){ 0.007, 0.002, 0.003 }, 3);
	/* (1000 - 10) / 1000 = 99 %, b 100 times a */
	report_bars_category(b, "lat", "ns", 0, (const double[]){ 10, 1000, 20 }, 3);
	/* 0.5 %: below the 1 % threshold */
	report_bars_category(b, "tiny", "", 0, (const double[]){ 1000, 1005, 1000 }, 3);
	/* (60 - 40) / 60 = 33.3 %, one value missing */
	report_bars_category(b, "gap", "", 0, (const double[]){ 40, NAN, 60 }, 3);
	return b;
}

START_TEST(test_headline)
{
	struct report *r = report_new(REPORT_COMPARE, "h");
	struct report_section *hs = report_section(r, "headline", "In short");
	struct report_section *s = report_section(r, "s", NULL);
	struct report_bars *b = hl_bars(s);
	struct report_table *t = report_headline(hs, "findings", NULL, b,
						 (const char *const[]){ "tiny", "pages", NULL }, 10);
	/* "tiny" is noise, so "pages" leads; then by ratio: lat 100x, tails
	 * (none: ranked as 10x), gap 1.5x; "noise", "same" and "tiny" never */
	static const char *const order[] = { "pages", "lat", "tails", "gap" };
	char *json, *text;

	ck_assert_msg(report_status(r) == SIM_OK, "%s", report_error(r));
	ck_assert_ptr_nonnull(t);
	ck_assert(t->headline);
	ck_assert_uint_eq(t->nrows, ARRAY_SIZE(order));
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		ck_assert_str_eq(t->cells[i * t->ncols + 1].u.s, order[i]);
	/* lowest and highest of "tails": a (0) and b (4096) */
	ck_assert_str_eq(t->cells[2 * t->ncols + 3].u.s, "a");
	ck_assert(t->cells[2 * t->ncols + 4].u.d == 0);
	ck_assert_str_eq(t->cells[2 * t->ncols + 5].u.s, "b");
	ck_assert(t->cells[2 * t->ncols + 6].u.d == 4096);
	ck_assert(fabs(t->cells[2 * t->ncols + 7].u.d - 100) < 1e-9);
	/* the sentences, with the numbers in their units */
	ck_assert_str_eq(t->cells[0].u.s,
		"pages: b 80 pages, a 100 pages, c 120 pages (b 33.3% lower than c)");
	ck_assert_str_eq(t->cells[2 * t->ncols].u.s,
		"tails: a 0 B, c 0 B, b 4 KiB (a and c have none)");
	ck_assert_str_eq(t->cells[1 * t->ncols].u.s,
		"lat: a 10 ns, c 20 ns, b 1 us (b 100x a)");
	/* at most @max findings, and one "has none" at most */
	report_bars_category(b, "cached", "objects", 0, (const double[]){ 0, 0, 7 }, 3);
	t = report_headline(hs, "two", NULL, b, NULL, 3);
	ck_assert_uint_eq(t->nrows, 3);
	ck_assert_str_eq(t->cells[1].u.s, "lat");
	ck_assert_str_eq(t->cells[t->ncols + 1].u.s, "tails");
	ck_assert_str_eq(t->cells[2 * t->ncols + 1].u.s, "pages");
	/* renderings: JSON marks it, text lists the sentences */
	json = render_ok(r, REPORT_FMT_JSON, NULL, REPORT_MAP_OWNER);
	ck_assert_ptr_nonnull(strstr(json, "\"role\": \"headline\""));
	text = render_ok(r, REPORT_FMT_TEXT, NULL, REPORT_MAP_OWNER);
	ck_assert_ptr_nonnull(strstr(text, "\n* lat: a 10 ns, c 20 ns, b 1 us (b 100x a)\n"));
	free(json);
	free(text);
	report_free(r);
}
END_TEST

START_TEST(test_headline_agree)
{
	struct report *r = report_new(REPORT_COMPARE, "h");
	struct report_section *s = report_section(r, "s", NULL);
	struct report_bars *b = report_bars(s, "fig", NULL);
	struct report_table *t;

	report_bars_series(b, "a");
	report_bars_series(b, "b");
	report_bars_category(b, "x", "", 0, (const double[]){ 7, 7 }, 2);
	t = report_headline(s, "findings", NULL, b, (const char *const[]){ "x", NULL }, 4);
	ck_assert_uint_eq(t->nrows, 1);
	ck_assert(t->cells[1].missing);
	ck_assert_ptr_nonnull(strstr(t->cells[0].u.s, "agree"));
	report_free(r);
}
END_TEST

/* a run report with one series "t/s" */
static struct report *ov_run(const char *lines[], size_t nl, const uint64_t *x,
			     const double *y, size_t n, double ref)
{
	struct report *run = report_new(REPORT_RUN, "run");
	struct report_section *s = report_section(run, "t", NULL);
	struct report_series *ts = report_series(s, "s", "S", REPORT_X_OPS, "v", "pages", 0);

	for (size_t l = 0; l < nl; l++)
		report_series_line(ts, lines[l]);
	report_series_ref(ts, "min", ref);
	for (size_t i = 0; i < n; i++)
		report_series_sample(ts, x[i], y + i * nl, nl);
	return run;
}

START_TEST(test_overlay)
{
	struct report *r = report_new(REPORT_COMPARE, "o");
	struct report_section *s = report_section(r, "over", NULL);
	static const char *two[] = { "L1", "L2" }, *one[] = { "L1" };
	struct report_series *ts;
	/* A: 0 -> 1+2, 10 -> 3+4, 20 -> 5+6; B: 5 -> 7, 15 -> 8 */
	static const double ya[] = { 1, 2, 3, 4, 5, 6 }, yb[] = { 7, 8 };
	static const uint64_t xa[] = { 0, 10, 20 }, xb[] = { 5, 15 };
	static const uint64_t want_x[] = { 0, 5, 10, 15, 20 };
	/* A summed, held between its samples; B only inside its own range */
	static const double want_a[] = { 3, 3, 7, 7, 11 };
	static const double want_b[] = { NAN, 7, 7, 8, NAN };

	ck_assert_int_eq(report_add_run(r, "A", ov_run(two, 2, xa, ya, 3, 9)), SIM_OK);
	ck_assert_int_eq(report_add_run(r, "B", ov_run(one, 1, xb, yb, 2, 9)), SIM_OK);
	ts = report_overlay(s, "sum", "Sum", r, "t/s", NULL);
	ck_assert_msg(report_status(r) == SIM_OK, "%s", report_error(r));
	ck_assert_ptr_nonnull(ts);
	ck_assert_uint_eq(ts->nlines, 2);
	ck_assert_str_eq(ts->lines[0].name, "A");
	ck_assert_str_eq(ts->lines[1].name, "B");
	ck_assert_uint_eq(ts->nsamples, ARRAY_SIZE(want_x));
	for (size_t i = 0; i < ARRAY_SIZE(want_x); i++) {
		ck_assert_uint_eq(ts->x[i], want_x[i]);
		ck_assert(ts->lines[0].y[i] == want_a[i]);
		ck_assert(isnan(want_b[i]) ? isnan(ts->lines[1].y[i])
					   : ts->lines[1].y[i] == want_b[i]);
	}
	/* both runs have the same watermark: kept */
	ck_assert_uint_eq(ts->nrefs, 1);
	/* one named line: L2 exists only in A */
	ts = report_overlay(s, "l2", "L2", r, "t/s", "L2");
	ck_assert_uint_eq(ts->nlines, 1);
	ck_assert(ts->lines[0].y[ts->nsamples - 1] == 6);
	/* no run has it: nothing added, no failure */
	ck_assert_ptr_null(report_overlay(s, "none", NULL, r, "t/nope", NULL));
	ck_assert_int_eq(report_status(r), SIM_OK);
	report_free(r);
}
END_TEST

/* ---- Suite ---- */

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("numbers");
	tcase_add_test(tc, test_fmt_fixed);
	tcase_add_test(tc, test_fmt_units);
	tcase_add_test(tc, test_nice_scale_cases);
	tcase_add_test(tc, test_nice_scale_properties);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_fmt_sig_amount);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_test(tc, test_model_errors);
	tcase_add_test(tc, test_meta_order);
	tcase_add_test(tc, test_block_paths);
	tcase_add_test(tc, test_formats_named);
	tcase_add_test(tc, test_sim_fill);
	tcase_add_test(tc, test_headline);
	tcase_add_test(tc, test_headline_agree);
	tcase_add_test(tc, test_overlay);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_test(tc, test_text_layout);
	tcase_add_test(tc, test_json_parser_rejects);
	tcase_add_test(tc, test_json_structure);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_csv_quoting);
	tcase_add_test(tc, test_csv_blocks);
	tcase_add_test(tc, test_xml_checker_rejects);
	tcase_add_test(tc, test_svg_wellformed);
	tcase_add_test(tc, test_html_wellformed);
	tcase_add_test(tc, test_chart_axis_in_svg);
	tcase_add_test(tc, test_memmap_cells);
	tcase_add_test(tc, test_memmap_layouts);
	tcase_add_test(tc, test_determinism);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_test(tc, test_golden_text);
	tcase_add_test(tc, test_golden_json);
	tcase_add_test(tc, test_golden_csv);
	tcase_add_test(tc, test_golden_html);
	tcase_add_test(tc, test_golden_svg);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- Helper modes ---- */

#ifdef HAVE_ZLIB
static uint32_t png_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int png_paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* decode an 8-bit RGB/RGBA non-interlaced PNG; count colours */
static int png_stats(const char *path)
{
	size_t n = 0, cap = 0, zlen = 0, zcap = 0;
	unsigned char *f = NULL, *z = NULL, *raw;
	uint32_t w = 0, h = 0;
	unsigned bpp = 0;
	FILE *fp = fopen(path, "rb");
	uLongf rawlen;

	if (!fp) {
		fprintf(stderr, "png-stats: cannot open %s\n", path);
		return 1;
	}
	for (size_t k; (cap - n < 65536 ? (f = realloc(f, cap += 1 << 20)) : f) &&
		       (k = fread(f + n, 1, cap - n, fp)) > 0;)
		n += k;
	fclose(fp);
	if (n < 8 || memcmp(f, "\x89PNG\r\n\x1a\n", 8) != 0) {
		fprintf(stderr, "png-stats: not a PNG\n");
		return 1;
	}
	for (size_t at = 8; at + 12 <= n;) {
		uint32_t len = png_be32(f + at);
		const unsigned char *type = f + at + 4, *data = f + at + 8;

		if (at + 12 + len > n)
			break;
		if (memcmp(type, "IHDR", 4) == 0) {
			w = png_be32(data);
			h = png_be32(data + 4);
			if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0) {
				fprintf(stderr, "png-stats: unsupported PNG (depth %u type %u)\n",
					data[8], data[9]);
				return 1;
			}
			bpp = data[9] == 6 ? 4 : 3;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			if (zlen + len > zcap)
				z = realloc(z, zcap = (zlen + len) * 2);
			memcpy(z + zlen, data, len);
			zlen += len;
		}
		at += 12 + len;
	}
	rawlen = (uLongf)h * (1 + (uLongf)w * bpp);
	raw = malloc(rawlen);
	if (!w || !h || uncompress(raw, &rawlen, z, zlen) != Z_OK) {
		fprintf(stderr, "png-stats: cannot inflate\n");
		return 1;
	}
	/* undo the filters in place */
	for (uint32_t y = 0; y < h; y++) {
		unsigned char *row = raw + (size_t)y * (1 + w * bpp);
		unsigned char *cur = row + 1, *prev = y ? row - w * bpp : NULL;

		for (size_t i = 0; i < (size_t)w * bpp; i++) {
			int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
			int c = prev && i >= bpp ? prev[i - bpp] : 0;

			switch (row[0]) {
			case 1: cur[i] = (unsigned char)(cur[i] + a); break;
			case 2: cur[i] = (unsigned char)(cur[i] + b); break;
			case 3: cur[i] = (unsigned char)(cur[i] + (a + b) / 2); break;
			case 4: cur[i] = (unsigned char)(cur[i] + png_paeth(a, b, c)); break;
			default: break;
			}
		}
	}
	/* colours: an open-addressed table of RGB -> pixel count */
	{
		enum { SLOTS = 1 << 16 };
		uint32_t *key = calloc(SLOTS, sizeof *key), distinct = 0;
		uint64_t *cnt = calloc(SLOTS, sizeof *cnt), top = 0;

		for (uint32_t y = 0; y < h; y++) {
			const unsigned char *px = raw + (size_t)y * (1 + w * bpp) + 1;

			for (uint32_t x = 0; x < w; x++, px += bpp) {
				uint32_t rgb = 1u << 24 | (uint32_t)px[0] << 16 |
					(uint32_t)px[1] << 8 | px[2];
				uint32_t slot = (rgb * 2654435761u) >> 16;

				while (key[slot] && key[slot] != rgb)
					slot = (slot + 1) & (SLOTS - 1);
				if (!key[slot]) {
					if (distinct > SLOTS / 2)
						continue;	/* enough colours */
					key[slot] = rgb;
					distinct++;
				}
				if (++cnt[slot] > top)
					top = cnt[slot];
			}
		}
		printf("%ux%u colours=%u nonbg=%.1f\n", w, h, distinct,
		       100.0 * (double)((uint64_t)w * h - top) / ((double)w * h));
		free(key);
		free(cnt);
	}
	free(raw);
	free(z);
	free(f);
	return 0;
}
#else
static int png_stats(const char *path)
{
	(void)path;
	fprintf(stderr, "png-stats: built without zlib\n");
	return 77;
}
#endif

static void stdout_write(void *ud, const char *s, size_t n)
{
	fwrite(s, 1, n, ud);
}

int main(int argc, char **argv)
{
	enum report_format fmt = REPORT_FMT_HTML;

	if (argc >= 3 && strcmp(argv[1], "--png-stats") == 0)
		return png_stats(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "--demo") == 0) {
		FILE *f = strcmp(argv[2], "-") ? fopen(argv[2], "wb") : stdout;
		struct report *r;
		int rc;

		if (argc >= 4 && report_format_parse(argv[3], &fmt) != SIM_OK)
			return 2;
		if (!f)
			return 1;
		r = demo_report();
		{
			struct report_opts o = { argc >= 5 ? argv[4] : NULL,
						 argc >= 6 ? REPORT_MAP_MIGRATETYPE
							   : REPORT_MAP_OWNER };

			rc = report_render(r, fmt, &o, stdout_write, f);
		}
		report_free(r);
		if (f != stdout && fclose(f) != 0)
			return 1;
		return rc == SIM_OK ? 0 : 1;
	}
	if (argc >= 3 && strcmp(argv[1], "--small") == 0) {
		struct report *r;
		struct report_opts o = { argc >= 4 ? argv[3] : NULL, REPORT_MAP_OWNER };
		int rc;

		if (report_format_parse(argv[2], &fmt) != SIM_OK)
			return 2;
		r = small_report();
		rc = report_render(r, fmt, &o, stdout_write, stdout);
		report_free(r);
		return rc == SIM_OK ? 0 : 1;
	}
	return tu_run_suite(report_suite());
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.c - the report document: building, validating, finding
 *
 * The document is a tree of small host allocations: a report owns its
 * metadata, sections and runs; a section owns its blocks; a block owns its
 * rows, samples or cells.  Everything is kept in arrays in insertion order,
 * which is the order every renderer walks, so no output ever depends on a
 * hash or an address.
 *
 * Every builder is atomic: it checks its arguments, makes all the host
 * allocations it needs (growing arrays first; capacity is not state), and
 * only then links the new data in.  A failure records the first error in
 * the owning report (the sticky status) and returns it; the document is
 * still consistent, but renderers refuse a report whose status is not
 * SIM_OK, so half a report is never shown as a whole one.
 *
 * Strings are copied and made valid UTF-8 on the way in (each invalid byte
 * becomes U+FFFD, a NUL inside preformatted text too), so renderers can
 * escape without ever meeting a byte they cannot represent.
 *
 * This file is the bottom of the report layer: it knows no renderer.  The
 * renderers (report_text.c ... report_html.c) sit above it and read the
 * document through report_impl.h; report_render.c, above them all, binds a
 * format to its renderer (report_render(), report_render_buf()).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "state.h"
#include "report_impl.h"

/* ---- Names ---- */

static const char *const rep_kind_names[REPORT_NR_KINDS] = {
	"run", "compare", "replay"
};

static const char *const rep_type_names[REPORT_NR_TYPES] = {
#define REPORT_X_TYPE(n, s) s,
	REPORT_TYPE_LIST(REPORT_X_TYPE)
#undef REPORT_X_TYPE
};

static const char *const rep_owner_names[REPORT_NR_OWNERS] = {
#define REPORT_X_OWNER(n, s, c) s,
	REPORT_OWNER_LIST(REPORT_X_OWNER)
#undef REPORT_X_OWNER
};

static const char rep_owner_chars[REPORT_NR_OWNERS] = {
#define REPORT_X_OWNER(n, s, c) c,
	REPORT_OWNER_LIST(REPORT_X_OWNER)
#undef REPORT_X_OWNER
};

static const char *const rep_owner_labels[REPORT_NR_OWNERS] = {
	[REPORT_OWNER_NONE] = "hole (no page)",
	[REPORT_OWNER_FREE] = "free",
	[REPORT_OWNER_SLAB] = "slab",
	[REPORT_OWNER_PAGECACHE] = "page cache",
	[REPORT_OWNER_ANON] = "anonymous",
	[REPORT_OWNER_RESERVED] = "reserved",
	[REPORT_OWNER_KERNEL] = "kernel",
};

/* /proc/pagetypeinfo's spelling */
static const char *const rep_mt_names[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "Unmovable",
	[MIGRATE_MOVABLE] = "Movable",
	[MIGRATE_RECLAIMABLE] = "Reclaimable",
	[MIGRATE_HIGHATOMIC] = "HighAtomic",
};

static const char *const rep_format_names[REPORT_NR_FORMATS] = {
	"text", "json", "csv", "html", "svg"
};

static const char *const rep_block_names[REPORT_NR_BLOCK_TYPES] = {
	"kv", "table", "pre", "series", "bars", "memmap"
};

const char *report_kind_name(enum report_kind kind)
{
	return (unsigned)kind < REPORT_NR_KINDS ? rep_kind_names[kind] : NULL;
}

const char *rep_type_name(enum report_type type)
{
	return (unsigned)type < REPORT_NR_TYPES ? rep_type_names[type] : "?";
}

const char *rep_owner_name(enum report_owner owner)
{
	return (unsigned)owner < REPORT_NR_OWNERS ? rep_owner_names[owner] : "?";
}

char rep_owner_char(enum report_owner owner)
{
	return (unsigned)owner < REPORT_NR_OWNERS ? rep_owner_chars[owner] : '?';
}

const char *rep_owner_label(enum report_owner owner)
{
	return (unsigned)owner < REPORT_NR_OWNERS ? rep_owner_labels[owner] : "?";
}

const char *rep_mt_name(unsigned mt)
{
	return mt < MIGRATE_TYPES ? rep_mt_names[mt] : NULL;
}

const char *rep_xaxis_name(enum report_xaxis x)
{
	return x == REPORT_X_OPS ? "ops" : "time_ns";
}

const char *report_format_name(enum report_format fmt)
{
	return (unsigned)fmt < REPORT_NR_FORMATS ? rep_format_names[fmt] : NULL;
}

int report_format_parse(const char *name, enum report_format *fmt)
{
	for (unsigned i = 0; name && i < REPORT_NR_FORMATS; i++) {
		if (strcmp(name, rep_format_names[i]) == 0) {
			*fmt = (enum report_format)i;
			return SIM_OK;
		}
	}
	return SIM_EINVAL;
}

const char *report_block_type_name(enum report_block_type type)
{
	return (unsigned)type < REPORT_NR_BLOCK_TYPES ? rep_block_names[type] : NULL;
}

/* ---- Host memory and strings ---- */

/* Make room for @need elements of @size bytes in the array whose address
 * is @pp (a pointer to any object pointer), capacity *@cap.  The pointer is
 * read and written with memcpy, so any element type goes without aliasing
 * tricks.  On failure the array and *@cap are unchanged. */
static int rep_grow(void *pp, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *old, *np;

	if (need <= *cap)
		return SIM_OK;
	ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return SIM_ENOHOSTMEM;
		ncap *= 2;
	}
	memcpy(&old, pp, sizeof old);
	np = sim_xrealloc(old, ncap * size);
	if (!np)
		return SIM_ENOHOSTMEM;
	memcpy(pp, &np, sizeof np);
	*cap = ncap;
	return SIM_OK;
}

/* Copy @n bytes of @s as valid UTF-8: every byte that does not start a
 * valid sequence (and every NUL) becomes U+FFFD.  NULL on host OOM. */
static char *rep_strndup(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t out = 0, i = 0;
	char *d;

	/* the common case, plain ASCII: one scan and a copy (a report makes
	 * thousands of these strings, the /proc files among them) */
	while (i < n && u[i] && u[i] < 0x80)
		i++;
	if (i == n) {
		d = sim_xmalloc(n + 1);
		if (!d)
			return NULL;
		memcpy(d, s, n);
		d[n] = '\0';
		return d;
	}
	out = i;
	while (i < n) {
		size_t k = u[i] ? rep_utf8_seq(u + i, n - i) : 0;

		out += k ? k : 3;
		i += k ? k : 1;
	}
	d = sim_xmalloc(out + 1);
	if (!d)
		return NULL;
	for (i = 0, out = 0; i < n;) {
		size_t k = u[i] ? rep_utf8_seq(u + i, n - i) : 0;

		if (k) {
			memcpy(d + out, s + i, k);
			out += k;
			i += k;
		} else {
			memcpy(d + out, "\xEF\xBF\xBD", 3);
			out += 3;
			i++;
		}
	}
	d[out] = '\0';
	return d;
}

static char *rep_strdup(const char *s)
{
	return rep_strndup(s ? s : "", s ? strlen(s) : 0);
}

static bool rep_id_ok(const char *id)
{
	size_t n = 0;

	if (!id)
		return false;
	for (; id[n]; n++) {
		char c = id[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return n >= 1 && n <= REPORT_MAX_ID;
}

/* ---- Status ---- */

static int rep_fail(struct report *r, int status, const char *fmt, ...)
	sim_printf_like(3, 4);

/* Record the first failure of @r; returns @status. */
static int rep_fail(struct report *r, int status, const char *fmt, ...)
{
	va_list ap;

	if (r && r->status == SIM_OK) {
		r->status = status;
		va_start(ap, fmt);
		vsnprintf(r->error, sizeof r->error, fmt, ap);
		va_end(ap);
	}
	return status;
}

int rep_oom(struct report *r, const char *where)
{
	return rep_fail(r, SIM_ENOHOSTMEM, "%s: out of host memory", where);
}

int report_status(const struct report *r)
{
	return r ? r->status : SIM_EINVAL;
}

const char *report_error(const struct report *r)
{
	return r ? r->error : "no report";
}

enum report_kind report_kind(const struct report *r)
{
	return r->kind;
}

/* ---- Values ---- */

static void rep_value_free(struct rep_value *v)
{
	if (v->type == REPORT_TEXT)
		free(v->u.s);
	v->u.s = NULL;
}

/* Check @in and copy it into @out (allocating its text).
 * Return: SIM_OK, SIM_EINVAL (*why set) or SIM_ENOHOSTMEM. */
static int rep_value_copy(struct rep_value *out, const struct report_value *in,
			  const char **why)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)in->type >= REPORT_NR_TYPES) {
		*why = "bad value type";
		return SIM_EINVAL;
	}
	if (in->decimals > REPORT_MAX_DECIMALS) {
		*why = "too many decimals";
		return SIM_EINVAL;
	}
	out->type = (uint8_t)in->type;
	out->decimals = (uint8_t)in->decimals;
	out->missing = in->missing;
	if (in->missing)
		return SIM_OK;
	switch (in->type) {
	case REPORT_TEXT:
		out->u.s = rep_strdup(in->u.s);
		return out->u.s ? SIM_OK : SIM_ENOHOSTMEM;
	case REPORT_REAL:
	case REPORT_PERCENT:
		/* NAN is "no value"; infinities have no fixed form */
		if (isnan(in->u.d))
			out->missing = true;
		else if (!isfinite(in->u.d)) {
			*why = "infinite value";
			return SIM_EINVAL;
		}
		out->u.d = in->u.d;
		return SIM_OK;
	default:
		out->u.i = in->u.i;
		return SIM_OK;
	}
}

static void rep_item_free(struct rep_item *it)
{
	free(it->key);
	free(it->unit);
	rep_value_free(&it->v);
}

/* Fill @it from the arguments; all or nothing. */
static int rep_item_make(struct rep_item *it, const char *key,
			 const struct report_value *v, const char *unit,
			 const char **why)
{
	int rc;

	memset(it, 0, sizeof *it);
	if (!key || !*key) {
		*why = "empty key";
		return SIM_EINVAL;
	}
	rc = rep_value_copy(&it->v, v, why);
	if (rc != SIM_OK)
		return rc;
	it->key = rep_strdup(key);
	it->unit = rep_strdup(unit);
	if (!it->key || !it->unit) {
		rep_item_free(it);
		return SIM_ENOHOSTMEM;
	}
	return SIM_OK;
}

/* ---- Blocks: common part ---- */

static void rep_block_free(struct rep_block *b);

static void rep_section_free(struct report_section *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nblocks; i++)
		rep_block_free(s->blocks[i]);
	free(s->blocks);
	free(s->id);
	free(s->title);
	free(s);
}

/* Allocate a block of @size bytes and append it to @s; NULL on failure
 * (status recorded). */
static void *rep_block_new(struct report_section *s, size_t size,
			   enum report_block_type type, const char *id,
			   const char *title)
{
	struct rep_block *b;
	struct report *r;

	if (!s)
		return NULL;
	r = s->owner;
	if (!rep_id_ok(id)) {
		rep_fail(r, SIM_EINVAL, "section '%s': bad block id '%s'",
			 s->id, id ? id : "(null)");
		return NULL;
	}
	for (size_t i = 0; i < s->nblocks; i++) {
		if (strcmp(s->blocks[i]->id, id) == 0) {
			rep_fail(r, SIM_EINVAL, "section '%s': duplicate block id '%s'",
				 s->id, id);
			return NULL;
		}
	}
	if (rep_grow(&s->blocks, &s->cap, s->nblocks + 1, sizeof *s->blocks)) {
		rep_oom(r, s->id);
		return NULL;
	}
	b = sim_xcalloc(1, size);
	if (!b) {
		rep_oom(r, s->id);
		return NULL;
	}
	b->type = type;
	b->owner = r;
	b->id = rep_strdup(id);
	b->title = rep_strdup(title);
	if (!b->id || !b->title) {
		free(b->id);
		free(b->title);
		free(b);
		rep_oom(r, s->id);
		return NULL;
	}
	s->blocks[s->nblocks++] = b;
	return b;
}

/* ---- The document ---- */

struct report *report_new(enum report_kind kind, const char *title)
{
	struct report *r;

	if ((unsigned)kind >= REPORT_NR_KINDS)
		return NULL;
	r = sim_xcalloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->kind = kind;
	r->title = rep_strdup(title);
	if (!r->title) {
		free(r);
		return NULL;
	}
	r->status = SIM_OK;
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmeta; i++)
		rep_item_free(&r->meta[i]);
	free(r->meta);
	for (size_t i = 0; i < r->nsections; i++)
		rep_section_free(r->sections[i]);
	free(r->sections);
	for (size_t i = 0; i < r->nruns; i++) {
		free(r->runs[i].label);
		report_free(r->runs[i].report);
	}
	free(r->runs);
	free(r->title);
	free(r);
}

int report_meta(struct report *r, const char *key, struct report_value v)
{
	struct rep_item it;
	const char *why = "";
	int rc;

	if (!r)
		return SIM_EINVAL;
	rc = rep_item_make(&it, key, &v, NULL, &why);
	if (rc == SIM_EINVAL)
		return rep_fail(r, rc, "meta '%s': %s", key ? key : "", why);
	if (rc != SIM_OK)
		return rep_oom(r, "meta");
	for (size_t i = 0; i < r->nmeta; i++) {
		if (strcmp(r->meta[i].key, it.key) == 0) {
			rep_item_free(&r->meta[i]);
			r->meta[i] = it;
			return SIM_OK;
		}
	}
	if (rep_grow(&r->meta, &r->metacap, r->nmeta + 1, sizeof *r->meta)) {
		rep_item_free(&it);
		return rep_oom(r, "meta");
	}
	r->meta[r->nmeta++] = it;
	return SIM_OK;
}

struct report_section *report_find_section(struct report *r, const char *id)
{
	for (size_t i = 0; r && id && i < r->nsections; i++)
		if (strcmp(r->sections[i]->id, id) == 0)
			return r->sections[i];
	return NULL;
}

struct report_section *report_section(struct report *r, const char *id,
				      const char *title)
{
	struct report_section *s;

	if (!r)
		return NULL;
	if (!rep_id_ok(id)) {
		rep_fail(r, SIM_EINVAL, "bad section id '%s'", id ? id : "(null)");
		return NULL;
	}
	if (report_find_section(r, id)) {
		rep_fail(r, SIM_EINVAL, "duplicate section id '%s'", id);
		return NULL;
	}
	if (rep_grow(&r->sections, &r->seccap, r->nsections + 1,
		     sizeof *r->sections)) {
		rep_oom(r, id);
		return NULL;
	}
	s = sim_xcalloc(1, sizeof *s);
	if (!s) {
		rep_oom(r, id);
		return NULL;
	}
	s->owner = r;
	s->id = rep_strdup(id);
	s->title = rep_strdup(title ? title : id);
	if (!s->id || !s->title) {
		rep_section_free(s);
		rep_oom(r, id);
		return NULL;
	}
	r->sections[r->nsections++] = s;
	return s;
}

int report_add_run(struct report *parent, const char *label,
		   struct report *child)
{
	char *l;

	if (!parent)
		return SIM_EINVAL;
	if (parent->is_run)
		return rep_fail(parent, SIM_EINVAL,
				"run '%s': a run cannot have runs", label ? label : "");
	if (!child || child == parent || child->status != SIM_OK ||
	    child->nruns > 0)
		return rep_fail(parent, SIM_EINVAL,
				"run '%s': %s", label ? label : "",
				!child || child == parent ? "no report" :
				child->status != SIM_OK ? child->error :
				"a run cannot have runs");
	if (!rep_id_ok(label))
		return rep_fail(parent, SIM_EINVAL, "bad run label '%s'",
				label ? label : "(null)");
	for (size_t i = 0; i < parent->nruns; i++)
		if (strcmp(parent->runs[i].label, label) == 0)
			return rep_fail(parent, SIM_EINVAL,
					"duplicate run label '%s'", label);
	if (rep_grow(&parent->runs, &parent->runcap, parent->nruns + 1,
		     sizeof *parent->runs))
		return rep_oom(parent, label);
	l = rep_strdup(label);
	if (!l)
		return rep_oom(parent, label);
	child->is_run = true;
	parent->runs[parent->nruns].label = l;
	parent->runs[parent->nruns].report = child;
	parent->nruns++;
	return SIM_OK;
}

/* ---- Key-value lists ---- */

struct report_kv *report_kv(struct report_section *s, const char *id,
			    const char *title)
{
	return rep_block_new(s, sizeof(struct report_kv), REPORT_BLOCK_KV, id,
			     title);
}

int report_kv_add(struct report_kv *kv, const char *key,
		  struct report_value v, const char *unit)
{
	struct report *r;
	struct rep_item it;
	const char *why = "";
	int rc;

	if (!kv)
		return SIM_EINVAL;
	r = kv->b.owner;
	rc = rep_item_make(&it, key, &v, unit, &why);
	if (rc == SIM_EINVAL)
		return rep_fail(r, rc, "kv '%s', key '%s': %s", kv->b.id,
				key ? key : "", why);
	if (rc != SIM_OK)
		return rep_oom(r, kv->b.id);
	if (rep_grow(&kv->items, &kv->cap, kv->nitems + 1, sizeof *kv->items)) {
		rep_item_free(&it);
		return rep_oom(r, kv->b.id);
	}
	kv->items[kv->nitems++] = it;
	return SIM_OK;
}

/* ---- Tables ---- */

struct report_table *report_table(struct report_section *s, const char *id,
				  const char *title)
{
	return rep_block_new(s, sizeof(struct report_table), REPORT_BLOCK_TABLE,
			     id, title);
}

int report_column(struct report_table *t, const char *name,
		  enum report_type type, unsigned decimals, const char *unit)
{
	struct report *r;
	struct rep_column c;

	if (!t)
		return SIM_EINVAL;
	r = t->b.owner;
	if (t->nrows > 0)
		return rep_fail(r, SIM_EINVAL, "table '%s': column '%s' after rows",
				t->b.id, name ? name : "");
	if ((unsigned)type >= REPORT_NR_TYPES || decimals > REPORT_MAX_DECIMALS)
		return rep_fail(r, SIM_EINVAL, "table '%s': column '%s': bad type or decimals",
				t->b.id, name ? name : "");
	if (rep_grow(&t->cols, &t->colcap, t->ncols + 1, sizeof *t->cols))
		return rep_oom(r, t->b.id);
	c.name = rep_strdup(name);
	c.unit = rep_strdup(unit);
	c.type = (uint8_t)type;
	c.decimals = (uint8_t)decimals;
	if (!c.name || !c.unit) {
		free(c.name);
		free(c.unit);
		return rep_oom(r, t->b.id);
	}
	t->cols[t->ncols++] = c;
	return SIM_OK;
}

int report_row(struct report_table *t, const struct report_value *cells,
	       size_t n)
{
	struct report *r;
	struct rep_value *row;
	const char *why = "";
	size_t i;
	int rc = SIM_OK;

	if (!t)
		return SIM_EINVAL;
	r = t->b.owner;
	if (t->ncols == 0 || n != t->ncols || !cells)
		return rep_fail(r, SIM_EINVAL, "table '%s': row of %zu cells, %zu columns",
				t->b.id, n, t->ncols);
	for (i = 0; i < n; i++)
		if ((unsigned)cells[i].type != t->cols[i].type)
			return rep_fail(r, SIM_EINVAL,
					"table '%s': row %zu column '%s': %s value in a %s column",
					t->b.id, t->nrows, t->cols[i].name,
					rep_type_name(cells[i].type),
					rep_type_name(t->cols[i].type));
	if (rep_grow(&t->cells, &t->rowcap, t->nrows + 1, n * sizeof *t->cells))
		return rep_oom(r, t->b.id);
	row = t->cells + t->nrows * n;
	for (i = 0; i < n && rc == SIM_OK; i++)
		rc = rep_value_copy(&row[i], &cells[i], &why);
	if (rc != SIM_OK) {
		while (i-- > 0)
			rep_value_free(&row[i]);
		if (rc == SIM_EINVAL)
			return rep_fail(r, rc, "table '%s': row %zu: %s", t->b.id,
					t->nrows, why);
		return rep_oom(r, t->b.id);
	}
	t->nrows++;
	return SIM_OK;
}

/* ---- Preformatted text ---- */

struct report_pre *report_pre(struct report_section *s, const char *id,
			      const char *title, const char *text)
{
	struct report_pre *p;
	char *t = rep_strdup(text);

	if (!t) {
		if (s)
			rep_oom(s->owner, id ? id : "pre");
		return NULL;
	}
	p = rep_block_new(s, sizeof *p, REPORT_BLOCK_PRE, id, title);
	if (!p) {
		free(t);
		return NULL;
	}
	p->text = t;
	p->len = strlen(t);
	p->cap = p->len + 1;
	return p;
}

int report_pre_append(struct report_pre *p, const char *text, size_t len)
{
	char *t;
	size_t n;

	if (!p || (!text && len))
		return SIM_EINVAL;
	t = rep_strndup(text ? text : "", len);
	if (!t)
		return rep_oom(p->b.owner, p->b.id);
	n = strlen(t);
	if (rep_grow(&p->text, &p->cap, p->len + n + 1, 1)) {
		free(t);
		return rep_oom(p->b.owner, p->b.id);
	}
	memcpy(p->text + p->len, t, n + 1);
	p->len += n;
	free(t);
	return SIM_OK;
}

/* ---- Time series ---- */

struct report_series *report_series(struct report_section *s, const char *id,
				    const char *title, enum report_xaxis xaxis,
				    const char *y_label, const char *y_unit,
				    unsigned y_decimals)
{
	struct report_series *ts;
	char *yl, *yu;

	if (!s)
		return NULL;
	if ((unsigned)xaxis >= REPORT_NR_XAXES || y_decimals > REPORT_MAX_DECIMALS) {
		rep_fail(s->owner, SIM_EINVAL, "series '%s': bad x axis or decimals",
			 id ? id : "");
		return NULL;
	}
	yl = rep_strdup(y_label);
	yu = rep_strdup(y_unit);
	ts = yl && yu ? rep_block_new(s, sizeof *ts, REPORT_BLOCK_SERIES, id, title)
		      : NULL;
	if (!ts) {
		if (!yl || !yu)
			rep_oom(s->owner, id ? id : "series");
		free(yl);
		free(yu);
		return NULL;
	}
	ts->xaxis = xaxis;
	ts->y_label = yl;
	ts->y_unit = yu;
	ts->y_decimals = y_decimals;
	return ts;
}

/* Make sure x and every line's y hold @need samples. */
static int rep_series_reserve(struct report_series *ts, size_t need)
{
	size_t xcap = ts->cap;

	if (need <= ts->cap)
		return SIM_OK;
	if (rep_grow(&ts->x, &xcap, need, sizeof *ts->x))
		return SIM_ENOHOSTMEM;
	/* every array gets the same new capacity as x */
	for (size_t i = 0; i < ts->nlines; i++) {
		double *y = sim_xrealloc(ts->lines[i].y, xcap * sizeof(double));

		if (!y)
			return SIM_ENOHOSTMEM;	/* larger arrays are harmless */
		ts->lines[i].y = y;
	}
	ts->cap = xcap;
	return SIM_OK;
}

int report_series_line(struct report_series *ts, const char *name)
{
	struct report *r;
	struct rep_line l;

	if (!ts)
		return SIM_EINVAL;
	r = ts->b.owner;
	if (ts->nlines >= INT32_MAX)
		return rep_fail(r, SIM_EINVAL, "series '%s': too many lines", ts->b.id);
	if (rep_grow(&ts->lines, &ts->linecap, ts->nlines + 1, sizeof *ts->lines))
		return rep_oom(r, ts->b.id);
	l.name = rep_strdup(name);
	l.y = sim_xmalloc((ts->cap ? ts->cap : 1) * sizeof(double));
	if (!l.name || !l.y) {
		free(l.name);
		free(l.y);
		return rep_oom(r, ts->b.id);
	}
	for (size_t i = 0; i < ts->nsamples; i++)
		l.y[i] = NAN;
	ts->lines[ts->nlines] = l;
	return (int)ts->nlines++;
}

int report_series_ref(struct report_series *ts, const char *name, double y)
{
	struct report *r;
	char *n;

	if (!ts)
		return SIM_EINVAL;
	r = ts->b.owner;
	if (!isfinite(y))
		return rep_fail(r, SIM_EINVAL, "series '%s': reference '%s' not finite",
				ts->b.id, name ? name : "");
	if (rep_grow(&ts->refs, &ts->refcap, ts->nrefs + 1, sizeof *ts->refs))
		return rep_oom(r, ts->b.id);
	n = rep_strdup(name);
	if (!n)
		return rep_oom(r, ts->b.id);
	ts->refs[ts->nrefs].name = n;
	ts->refs[ts->nrefs].y = y;
	ts->nrefs++;
	return SIM_OK;
}

int report_series_sample(struct report_series *ts, uint64_t x,
			 const double *y, size_t n)
{
	struct report *r;

	if (!ts)
		return SIM_EINVAL;
	r = ts->b.owner;
	if (n > ts->nlines || (n && !y))
		return rep_fail(r, SIM_EINVAL, "series '%s': sample of %zu values, %zu lines",
				ts->b.id, n, ts->nlines);
	if (ts->nsamples && x < ts->x[ts->nsamples - 1])
		return rep_fail(r, SIM_EINVAL, "series '%s': x goes backwards", ts->b.id);
	for (size_t i = 0; i < n; i++)
		if (isinf(y[i]))
			return rep_fail(r, SIM_EINVAL, "series '%s': line '%s': infinite value",
					ts->b.id, ts->lines[i].name);
	if (rep_series_reserve(ts, ts->nsamples + 1))
		return rep_oom(r, ts->b.id);
	ts->x[ts->nsamples] = x;
	for (size_t i = 0; i < ts->nlines; i++)
		ts->lines[i].y[ts->nsamples] = i < n ? y[i] : NAN;
	ts->nsamples++;
	return SIM_OK;
}

/* ---- Bars ---- */

struct report_bars *report_bars(struct report_section *s, const char *id,
				const char *title)
{
	return rep_block_new(s, sizeof(struct report_bars), REPORT_BLOCK_BARS, id,
			     title);
}

int report_bars_series(struct report_bars *b, const char *name)
{
	struct report *r;
	char *n;

	if (!b)
		return SIM_EINVAL;
	r = b->b.owner;
	if (b->ncats)
		return rep_fail(r, SIM_EINVAL, "bars '%s': series '%s' after categories",
				b->b.id, name ? name : "");
	if (rep_grow(&b->series, &b->seriescap, b->nseries + 1, sizeof *b->series))
		return rep_oom(r, b->b.id);
	n = rep_strdup(name);
	if (!n)
		return rep_oom(r, b->b.id);
	b->series[b->nseries++] = n;
	return SIM_OK;
}

int report_bars_category(struct report_bars *b, const char *name,
			 const char *unit, unsigned decimals,
			 const double *values, size_t n)
{
	struct report *r;
	struct rep_category c;

	if (!b)
		return SIM_EINVAL;
	r = b->b.owner;
	if (b->nseries == 0 || n != b->nseries || !values ||
	    decimals > REPORT_MAX_DECIMALS)
		return rep_fail(r, SIM_EINVAL, "bars '%s': category '%s': %zu values, %zu series",
				b->b.id, name ? name : "", n, b->nseries);
	for (size_t i = 0; i < n; i++)
		if (isinf(values[i]))
			return rep_fail(r, SIM_EINVAL, "bars '%s': category '%s': infinite value",
					b->b.id, name ? name : "");
	if (rep_grow(&b->cats, &b->catcap, b->ncats + 1, sizeof *b->cats))
		return rep_oom(r, b->b.id);
	c.name = rep_strdup(name);
	c.unit = rep_strdup(unit);
	c.decimals = decimals;
	c.values = sim_xmalloc(n * sizeof(double));
	if (!c.name || !c.unit || !c.values) {
		free(c.name);
		free(c.unit);
		free(c.values);
		return rep_oom(r, b->b.id);
	}
	memcpy(c.values, values, n * sizeof(double));
	b->cats[b->ncats++] = c;
	return SIM_OK;
}

/* ---- Memory maps ---- */

struct report_memmap *report_memmap(struct report_section *s, const char *id,
				    const char *title, pfn_t start_pfn,
				    uint64_t nr_cells, unsigned cell_order)
{
	struct report_memmap *m;
	struct rep_cell *cells;

	if (!s)
		return NULL;
	if (nr_cells == 0 || nr_cells > REPORT_MEMMAP_MAX_CELLS ||
	    cell_order > SIM_MAX_ORDER) {
		rep_fail(s->owner, SIM_EINVAL, "memmap '%s': %llu cells of order %u",
			 id ? id : "", (unsigned long long)nr_cells, cell_order);
		return NULL;
	}
	cells = sim_xmalloc((size_t)nr_cells * sizeof *cells);
	if (!cells) {
		rep_oom(s->owner, id ? id : "memmap");
		return NULL;
	}
	m = rep_block_new(s, sizeof *m, REPORT_BLOCK_MEMMAP, id, title);
	if (!m) {
		free(cells);
		return NULL;
	}
	for (uint64_t i = 0; i < nr_cells; i++)
		cells[i] = (struct rep_cell){ REPORT_OWNER_NONE, MIGRATE_TYPES, 0 };
	m->start_pfn = start_pfn;
	m->cell_order = cell_order;
	m->ncells = nr_cells;
	m->cells = cells;
	return m;
}

int report_memmap_zone(struct report_memmap *m, const char *name,
		       uint64_t first, uint64_t count)
{
	struct report *r;
	char *n;

	if (!m)
		return SIM_EINVAL;
	r = m->b.owner;
	if (count == 0 || first >= m->ncells || count > m->ncells - first ||
	    (m->nzones && first < m->zones[m->nzones - 1].first +
				  m->zones[m->nzones - 1].count))
		return rep_fail(r, SIM_EINVAL, "memmap '%s': zone '%s' at cells %llu+%llu",
				m->b.id, name ? name : "", (unsigned long long)first,
				(unsigned long long)count);
	if (rep_grow(&m->zones, &m->zonecap, m->nzones + 1, sizeof *m->zones))
		return rep_oom(r, m->b.id);
	n = rep_strdup(name);
	if (!n)
		return rep_oom(r, m->b.id);
	m->zones[m->nzones++] = (struct rep_zone){ n, first, count };
	return SIM_OK;
}

int report_memmap_cache(struct report_memmap *m, const char *name)
{
	char *n;

	if (!m || !name)
		return SIM_EINVAL;
	for (size_t i = 0; i < m->ncaches; i++)
		if (strcmp(m->caches[i], name) == 0)
			return (int)i;
	if (m->ncaches > UINT16_MAX)
		return rep_fail(m->b.owner, SIM_EINVAL, "memmap '%s': too many caches",
				m->b.id);
	if (rep_grow(&m->caches, &m->cachecap, m->ncaches + 1, sizeof *m->caches))
		return rep_oom(m->b.owner, m->b.id);
	n = rep_strdup(name);
	if (!n)
		return rep_oom(m->b.owner, m->b.id);
	m->caches[m->ncaches] = n;
	return (int)m->ncaches++;
}

int report_memmap_set(struct report_memmap *m, uint64_t first, uint64_t count,
		      enum report_owner owner, unsigned detail,
		      enum migratetype mt)
{
	bool ok;

	if (!m)
		return SIM_EINVAL;
	switch (owner) {
	case REPORT_OWNER_FREE:
		ok = detail <= SIM_MAX_ORDER;
		break;
	case REPORT_OWNER_SLAB:
		ok = detail < m->ncaches;
		break;
	default:
		ok = (unsigned)owner < REPORT_NR_OWNERS && detail == 0;
		break;
	}
	if (!ok || (unsigned)mt > MIGRATE_TYPES ||
	    first >= m->ncells || count > m->ncells - first)
		return rep_fail(m->b.owner, SIM_EINVAL,
				"memmap '%s': cells %llu+%llu: bad owner %d/%u or migratetype %d",
				m->b.id, (unsigned long long)first,
				(unsigned long long)count, (int)owner, detail, (int)mt);
	for (uint64_t i = first; i < first + count; i++)
		m->cells[i] = (struct rep_cell){ (uint8_t)owner, (uint8_t)mt,
						 (uint16_t)detail };
	return SIM_OK;
}

size_t rep_memmap_groups(const struct report_memmap *m, struct rep_group *out)
{
	uint64_t at = 0;
	size_t n = 0;

	for (size_t i = 0; i < m->nzones; i++) {
		const struct rep_zone *z = &m->zones[i];

		if (z->first > at)
			out[n++] = (struct rep_group){ "", at, z->first - at };
		out[n++] = (struct rep_group){ z->name, z->first, z->count };
		at = z->first + z->count;
	}
	if (at < m->ncells)
		out[n++] = (struct rep_group){ "", at, m->ncells - at };
	return n;
}

/* ---- Freeing blocks ---- */

static void rep_block_free(struct rep_block *b)
{
	switch (b->type) {
	case REPORT_BLOCK_KV: {
		struct report_kv *kv = (struct report_kv *)b;

		for (size_t i = 0; i < kv->nitems; i++)
			rep_item_free(&kv->items[i]);
		free(kv->items);
		break;
	}
	case REPORT_BLOCK_TABLE: {
		struct report_table *t = (struct report_table *)b;

		for (size_t i = 0; i < t->nrows * t->ncols; i++)
			rep_value_free(&t->cells[i]);
		for (size_t i = 0; i < t->ncols; i++) {
			free(t->cols[i].name);
			free(t->cols[i].unit);
		}
		free(t->cells);
		free(t->cols);
		break;
	}
	case REPORT_BLOCK_PRE:
		free(((struct report_pre *)b)->text);
		break;
	case REPORT_BLOCK_SERIES: {
		struct report_series *ts = (struct report_series *)b;

		for (size_t i = 0; i < ts->nlines; i++) {
			free(ts->lines[i].name);
			free(ts->lines[i].y);
		}
		for (size_t i = 0; i < ts->nrefs; i++)
			free(ts->refs[i].name);
		free(ts->lines);
		free(ts->refs);
		free(ts->x);
		free(ts->y_label);
		free(ts->y_unit);
		break;
	}
	case REPORT_BLOCK_BARS: {
		struct report_bars *bb = (struct report_bars *)b;

		for (size_t i = 0; i < bb->nseries; i++)
			free(bb->series[i]);
		for (size_t i = 0; i < bb->ncats; i++) {
			free(bb->cats[i].name);
			free(bb->cats[i].unit);
			free(bb->cats[i].values);
		}
		free(bb->series);
		free(bb->cats);
		break;
	}
	case REPORT_BLOCK_MEMMAP: {
		struct report_memmap *m = (struct report_memmap *)b;

		for (size_t i = 0; i < m->ncaches; i++)
			free(m->caches[i]);
		for (size_t i = 0; i < m->nzones; i++)
			free(m->zones[i].name);
		free(m->caches);
		free(m->zones);
		free(m->cells);
		break;
	}
	default:
		break;
	}
	free(b->id);
	free(b->title);
	free(b);
}

/* ---- Validation ---- */

static bool rep_block_valid(const struct rep_block *b)
{
	switch (b->type) {
	case REPORT_BLOCK_TABLE: {
		const struct report_table *t = (const struct report_table *)b;

		for (size_t i = 0; i < t->nrows * t->ncols; i++)
			if (t->cells[i].type != t->cols[i % t->ncols].type)
				return false;
		return t->nrows == 0 || t->ncols > 0;
	}
	case REPORT_BLOCK_PRE: {
		const struct report_pre *p = (const struct report_pre *)b;

		return p->text && strlen(p->text) == p->len;
	}
	case REPORT_BLOCK_SERIES: {
		const struct report_series *ts = (const struct report_series *)b;

		for (size_t i = 1; i < ts->nsamples; i++)
			if (ts->x[i] < ts->x[i - 1])
				return false;
		for (size_t i = 0; i < ts->nrefs; i++)
			if (!isfinite(ts->refs[i].y))
				return false;
		return ts->nsamples <= ts->cap;
	}
	case REPORT_BLOCK_BARS: {
		const struct report_bars *bb = (const struct report_bars *)b;

		return bb->ncats == 0 || bb->nseries > 0;
	}
	case REPORT_BLOCK_MEMMAP: {
		const struct report_memmap *m = (const struct report_memmap *)b;
		uint64_t end = 0;

		for (size_t i = 0; i < m->nzones; i++) {
			if (m->zones[i].first < end || m->zones[i].count == 0 ||
			    m->zones[i].first + m->zones[i].count > m->ncells)
				return false;
			end = m->zones[i].first + m->zones[i].count;
		}
		for (uint64_t i = 0; i < m->ncells; i++) {
			const struct rep_cell *c = &m->cells[i];

			if (c->owner >= REPORT_NR_OWNERS || c->mt > MIGRATE_TYPES ||
			    (c->owner == REPORT_OWNER_FREE && c->detail > SIM_MAX_ORDER) ||
			    (c->owner == REPORT_OWNER_SLAB && c->detail >= m->ncaches))
				return false;
		}
		return true;
	}
	default:
		return (unsigned)b->type < REPORT_NR_BLOCK_TYPES;
	}
}

int report_validate(const struct report *r)
{
	for (size_t i = 0; i < r->nsections; i++) {
		const struct report_section *s = r->sections[i];

		if (!rep_id_ok(s->id))
			return SIM_EBUG;
		for (size_t j = 0; j < s->nblocks; j++)
			if (!rep_id_ok(s->blocks[j]->id) ||
			    s->blocks[j]->owner != r ||
			    !rep_block_valid(s->blocks[j]))
				return SIM_EBUG;
	}
	for (size_t i = 0; i < r->nruns; i++)
		if (r->runs[i].report->nruns ||
		    report_validate(r->runs[i].report) != SIM_OK)
			return SIM_EBUG;
	return SIM_OK;
}

/* ---- Finding blocks ---- */

/* @seg of length @n equals NUL-terminated @s */
static bool rep_seg_eq(const char *seg, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(seg, s, n) == 0;
}

static bool rep_find_in(const struct report *r, const char *sec, size_t nsec,
			const char *blk, struct rep_where *w)
{
	for (size_t i = 0; i < r->nsections; i++) {
		const struct report_section *s = r->sections[i];

		if (!rep_seg_eq(sec, nsec, s->id))
			continue;
		for (size_t j = 0; j < s->nblocks; j++) {
			if (strcmp(s->blocks[j]->id, blk) == 0) {
				w->section = s;
				w->block = s->blocks[j];
				return true;
			}
		}
	}
	return false;
}

bool rep_find_block(const struct report *r, const char *path,
		    struct rep_where *w)
{
	const char *a = path ? strchr(path, '/') : NULL;
	const char *b = a ? strchr(a + 1, '/') : NULL;

	memset(w, 0, sizeof *w);
	if (!a)
		return false;
	if (!b)
		return rep_find_in(r, path, (size_t)(a - path), a + 1, w);
	for (size_t i = 0; i < r->nruns; i++) {
		if (rep_seg_eq(path, (size_t)(a - path), r->runs[i].label) &&
		    rep_find_in(r->runs[i].report, a + 1, (size_t)(b - a - 1),
				b + 1, w)) {
			w->run = r->runs[i].report;
			w->run_label = r->runs[i].label;
			return true;
		}
	}
	return false;
}

void rep_block_path(const struct rep_where *w, char *buf)
{
	snprintf(buf, REP_PATHBUF, "%s%s%s/%s", w->run_label ? w->run_label : "",
		 w->run_label ? "/" : "", w->section->id, w->block->id);
}

void report_foreach_block(const struct report *r,
			  void (*fn)(void *ud, const char *path,
				     enum report_block_type type),
			  void *ud)
{
	struct rep_where w = { NULL, NULL, NULL, NULL };
	char path[REP_PATHBUF];

	for (size_t k = 0; k <= r->nruns; k++) {
		const struct report *cur = k == 0 ? r : r->runs[k - 1].report;

		w.run = k == 0 ? NULL : cur;
		w.run_label = k == 0 ? NULL : r->runs[k - 1].label;
		for (size_t i = 0; i < cur->nsections; i++) {
			w.section = cur->sections[i];
			for (size_t j = 0; j < w.section->nblocks; j++) {
				w.block = w.section->blocks[j];
				rep_block_path(&w, path);
				fn(ud, path, w.block->type);
			}
		}
	}
}

/* ---- Rendering ---- */

void report_buf_write(void *ud, const char *s, size_t n)
{
	struct report_buf *b = ud;

	if (b->failed || n == 0)
		return;
	if (rep_grow(&b->data, &b->cap, b->len + n + 1, 1)) {
		b->failed = true;
		return;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void report_buf_release(struct report_buf *buf)
{
	free(buf->data);
	*buf = (struct report_buf)REPORT_BUF_INIT;
}

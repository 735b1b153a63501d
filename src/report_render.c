/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_render.c - the renderer registry: report_render() and friends
 *
 * The top of the report module (see report_render.h): it knows the
 * document (report_impl.h) and every renderer, and binds a format to the
 * renderer that draws it through one const table.  The table is the
 * registration: a renderer is added here, above the document, so the
 * document itself (report.c) names no renderer.
 *
 * report_render() renders into a private buffer and hands the result to the
 * caller's sink only when it is complete: output is all or nothing.
 */
#include "config.h"

#include "report_render.h"

static const struct rep_renderer *const rep_renderers[REPORT_NR_FORMATS] = {
	[REPORT_FMT_TEXT] = &rep_text_renderer,
	[REPORT_FMT_JSON] = &rep_json_renderer,
	[REPORT_FMT_CSV] = &rep_csv_renderer,
	[REPORT_FMT_HTML] = &rep_html_renderer,
	[REPORT_FMT_SVG] = &rep_svg_renderer,
};

/* Render into @buf, which is complete only when SIM_OK comes back. */
static int rep_render(const struct report *r, enum report_format fmt,
		      const struct report_opts *opts, struct report_buf *buf)
{
	struct rep_out o = { buf };
	struct rep_where where, *only = NULL;
	enum report_map_mode mode = opts ? opts->map_mode : REPORT_MAP_OWNER;
	const struct rep_renderer *rr;

	if (!r || (unsigned)fmt >= REPORT_NR_FORMATS ||
	    (unsigned)mode >= REPORT_NR_MAP_MODES)
		return SIM_EINVAL;
	rr = rep_renderers[fmt];
	if (!rr || rr->fmt != fmt)
		return SIM_EINVAL;
	if (report_status(r) != SIM_OK)
		return report_status(r);
	SIM_ASSERT_EXPENSIVE(report_validate(r) == SIM_OK);
	if (opts && opts->block) {
		if (!rep_find_block(r, opts->block, &where))
			return SIM_ENOENT;
		only = &where;
	}
	if (!only && !rr->whole)
		return SIM_EINVAL;
	return rr->render(&o, r, only, mode);
}

int report_render(const struct report *r, enum report_format fmt,
		  const struct report_opts *opts, report_write_fn write,
		  void *ud)
{
	struct report_buf buf = REPORT_BUF_INIT;
	int rc;

	if (!write)
		return SIM_EINVAL;
	rc = rep_render(r, fmt, opts, &buf);
	if (rc == SIM_OK && buf.failed)
		rc = SIM_ENOHOSTMEM;
	if (rc == SIM_OK && buf.len)
		write(ud, buf.data, buf.len);
	report_buf_release(&buf);
	return rc;
}

int report_render_buf(const struct report *r, enum report_format fmt,
		      const struct report_opts *opts, struct report_buf *buf)
{
	struct report_buf tmp = REPORT_BUF_INIT;
	int rc;

	if (!buf)
		return SIM_EINVAL;
	rc = rep_render(r, fmt, opts, &tmp);
	if (rc == SIM_OK && tmp.failed)
		rc = SIM_ENOHOSTMEM;
	if (rc == SIM_OK && tmp.len) {
		report_buf_write(buf, tmp.data, tmp.len);
		if (buf->failed)
			rc = SIM_ENOHOSTMEM;
	}
	report_buf_release(&tmp);
	return rc;
}

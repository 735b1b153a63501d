/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_render.h - the renderers, as seen from the registry above them
 *
 * Layering of the report module, lowest first:
 *
 *   report.c, report_fmt.c    the document and the shared formatting
 *                             helpers (report_impl.h); they know no renderer
 *   report_svg.c              pictures of one block (charts, memory maps)
 *   report_text.c, _json.c,   one renderer per format; each exports exactly
 *   _csv.c, _html.c           one const struct rep_renderer and nothing else
 *                             a caller could use (HTML draws its charts
 *                             through report_svg.c)
 *   report_render.c           the registry: binds each format to its
 *                             renderer and implements report_render()
 *
 * So the document never depends on how it is drawn: a new format is a new
 * file and one line in the registry, and tests/layering.sh checks that
 * report.c includes neither this header nor calls a renderer.
 */
#ifndef SIM_REPORT_RENDER_H
#define SIM_REPORT_RENDER_H

#include "report_impl.h"

/*
 * struct rep_renderer - one output format
 * @fmt:    the format it draws
 * @whole:  draws a whole report (SVG draws single blocks only)
 * @render: write @r, or only the block @only (NULL: the whole report), to
 *          @o; @mode colours a memory map drawn on its own.  Returns
 *          SIM_OK, SIM_EINVAL (the format cannot show that block) or
 *          SIM_ENOHOSTMEM.
 */
struct rep_renderer {
	enum report_format fmt;
	bool whole;
	int (*render)(struct rep_out *o, const struct report *r,
		      const struct rep_where *only, enum report_map_mode mode);
};

extern const struct rep_renderer rep_text_renderer;
extern const struct rep_renderer rep_json_renderer;
extern const struct rep_renderer rep_csv_renderer;
extern const struct rep_renderer rep_html_renderer;
extern const struct rep_renderer rep_svg_renderer;

/** rep_svg_block - draw one series, bars or memmap block as a standalone
 * <svg> element (@xml_decl: with the XML declaration, for .svg files);
 * report_html.c puts these inline */
int rep_svg_block(struct rep_out *o, const struct rep_block *b,
		  enum report_map_mode mode, bool xml_decl);

#endif /* SIM_REPORT_RENDER_H */

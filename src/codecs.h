/* SPDX-License-Identifier: GPL-2.0-or-later */
/* codecs.h - the compression libraries this build has (configure's HAVE_*)
 *
 * Traces come compressed (.gz, .xz, .zst, .bz2): trace_input.c reads them,
 * `kmemsim record` writes them, and the fuzz target makes them.  Each
 * library is optional at build time; this header includes the ones
 * configure found, so the three agree on what "this build has" means.
 */
#ifndef KMEMSIM_CODECS_H
#define KMEMSIM_CODECS_H

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LIBLZMA
#include <lzma.h>
#endif
#ifdef HAVE_LIBZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LIBBZ2
#include <bzlib.h>
#endif

#endif /* KMEMSIM_CODECS_H */

/* fs-link-extract.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The links of a fetched page, for crawl mode: the strings of a top-level
 * JSON "links" array, and the href of every <a> and the src of every <img>
 * of an HTML page (libxml2's HTML parser, which recovers from broken markup;
 * a <base href> is honoured). Each is resolved against the page's final URL
 * (after redirects) and normalised by fs_url_normalize(); whatever does not
 * resolve to an http or https URL is left out.
 *
 * A body is read as JSON or HTML by its Content-Type, or, without one, by
 * its first character. A body of either kind that does not parse counts as
 * malformed (for HTML: any parse error but an element HTML 4 does not know,
 * such as <nav>, which is no fault of the page). Other types have no links.
 *
 * Threading: every function is reentrant and may run on any thread.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FS_LINK_FORMAT_NONE,
  FS_LINK_FORMAT_JSON,
  FS_LINK_FORMAT_HTML,
} FsLinkFormat;

char         *fs_url_normalize    (const char    *base,
                                   const char    *reference,
                                   char         **host,
                                   GError       **error);
FsLinkFormat  fs_link_format_for  (const char    *content_type,
                                   const guint8  *body,
                                   gsize          len);
GPtrArray    *fs_link_extract     (const char    *content_type,
                                   const char    *base_url,
                                   const guint8  *body,
                                   gsize          len,
                                   gboolean      *malformed);

G_END_DECLS

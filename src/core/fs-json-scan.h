/* fs-json-scan.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finding one's way through JSON text without building a tree: whitespace,
 * punctuation, member names and whole values are stepped over, so a caller
 * can cut a large part of a document out and parse it in pieces. It checks
 * structure (brackets, quotes, commas, colons), not every scalar: what it
 * passes must still go through a real parser. UTF-8 is the caller's to
 * check. Nothing is read past the text's end, and values nest at most
 * FS_JSON_SCAN_MAX_DEPTH deep. Scalars in their simplest form (whole
 * numbers, null, strings without escapes) can also be read, for the bulk
 * of a document whose every other form a real parser is left to judge.
 *
 * Threading: plain functions; any thread.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FS_JSON_SCAN_MAX_DEPTH 64

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
} FsJsonScan;

void     _fs_json_scan_init  (FsJsonScan  *scan,
                              const char  *text,
                              gsize        length,
                              gsize        pos);
gboolean _fs_json_scan_char  (FsJsonScan  *scan,
                              char         c);
gboolean _fs_json_scan_peek  (FsJsonScan  *scan,
                              char         c);
gboolean _fs_json_scan_key   (FsJsonScan  *scan,
                              const char  *name,
                              gboolean    *matches);
gboolean _fs_json_scan_value (FsJsonScan  *scan);
gboolean _fs_json_scan_end   (FsJsonScan  *scan);

gboolean _fs_json_scan_int          (FsJsonScan   *scan,
                                     gint64       *out);
gboolean _fs_json_scan_null         (FsJsonScan   *scan);
gboolean _fs_json_scan_plain_string (FsJsonScan   *scan,
                                     const char  **start,
                                     gsize        *length);

G_END_DECLS

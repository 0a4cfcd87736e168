/* fs-url-source.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fills an FsJobQueue from a URL list (a file, stdin or any GInputStream) or
 * from a demo preset, on a reader thread of its own, streaming: lines are read
 * only as fast as the queue drains. A bad line is reported with its line
 * number and skipped; the other lines still run. The queue is closed at the
 * end of input, at the limit, on a read error, or when the cancellable fires.
 *
 * Diagnostics carry the line number in their own field and a bare message
 * ("unsupported scheme “ftp” (only http and https)"), so a caller prints them
 * as "<display name>:<line>: <message>". A cancelled read is not an error.
 *
 * Threading: create, start and join on any one thread; the accessors are
 * thread-safe and may be called while the reader runs. Once the queue is
 * closed, the counters, diagnostics and error are final. Dropping the last
 * reference stops a reader that is still running (as if cancelled) and waits
 * for it, so keep the source until the queue is drained.
 */

#pragma once

#include <gio/gio.h>

#include "fs-job-queue.h"

G_BEGIN_DECLS

#define FS_URL_MAX_LENGTH        8192
#define FS_URL_MAX_DIAGNOSTICS   1000

typedef struct
{
  guint64  line;     /* 1-based; 0 for a problem not tied to a line */
  char    *message;  /* no line number, e.g. "unsupported scheme “ftp” (only http and https)" */
} FsUrlDiagnostic;

typedef struct
{
  const char *name;          /* "mixed" */
  const char *description;   /* one line, for --help and the UI; translate with _() */
  guint64     default_count;
} FsUrlPreset;

#define FS_TYPE_URL_SOURCE (fs_url_source_get_type ())

G_DECLARE_FINAL_TYPE (FsUrlSource, fs_url_source, FS, URL_SOURCE, GObject)

gboolean            fs_url_check                  (const char     *url,
                                                   GError        **error);
const FsUrlPreset  *fs_url_presets                (guint          *n_presets);
const FsUrlPreset  *fs_url_preset_lookup          (const char     *name);

FsUrlSource        *fs_url_source_new_for_stream  (GInputStream   *stream,
                                                   const char     *display_name);
FsUrlSource        *fs_url_source_new_for_path    (const char     *path,
                                                   GError        **error);
FsUrlSource        *fs_url_source_new_for_preset  (const char     *preset,
                                                   const char     *base_url,
                                                   guint64         count,
                                                   GError        **error);
void                fs_url_source_set_limit       (FsUrlSource    *self,
                                                   guint64         max_urls);
void                fs_url_source_start           (FsUrlSource    *self,
                                                   FsJobQueue     *queue,
                                                   GCancellable   *cancellable);
void                fs_url_source_join            (FsUrlSource    *self);
const char         *fs_url_source_get_display_name(FsUrlSource    *self);
guint64             fs_url_source_get_n_urls      (FsUrlSource    *self);
guint64             fs_url_source_get_n_bad_lines (FsUrlSource    *self);
gboolean            fs_url_source_is_done         (FsUrlSource    *self);
GPtrArray          *fs_url_source_dup_diagnostics (FsUrlSource    *self);
GError             *fs_url_source_dup_error       (FsUrlSource    *self);

void                fs_url_diagnostic_free        (FsUrlDiagnostic *diagnostic);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsUrlDiagnostic, fs_url_diagnostic_free)

G_END_DECLS

/* fs-csv-writer.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes one CSV row per terminal record, streaming, to a file that appears
 * atomically on close (a failed or abandoned write leaves no half file).
 *
 * Threading: one owner (the sink's consumer context).
 */

#pragma once

#include <gio/gio.h>

#include "fs-event.h"

G_BEGIN_DECLS

typedef struct _FsCsvWriter FsCsvWriter;

FsCsvWriter *fs_csv_writer_new    (const char     *path,
                                   gint64          t_zero,
                                   GError        **error);
gboolean     fs_csv_writer_add    (FsCsvWriter    *self,
                                   const FsEvent  *events,
                                   guint           n_events,
                                   GError        **error);
gboolean     fs_csv_writer_close  (FsCsvWriter    *self,
                                   GError        **error);
guint64      fs_csv_writer_get_n_rows (FsCsvWriter *self);
void         fs_csv_writer_free   (FsCsvWriter    *self);
const char  *fs_csv_writer_header (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsCsvWriter, fs_csv_writer_free)

G_END_DECLS

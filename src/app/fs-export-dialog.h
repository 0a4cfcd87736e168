/* fs-export-dialog.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Asks what to export — the whole dashboard or one chart — as which
 * format, at what size and pixel density. Its "export" response means the
 * caller may now ask where the file goes.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

#include "fs-chart-render.h"
#include "fs-export.h"

G_BEGIN_DECLS

/* What fs_export_dialog_get_kind() gives for the whole dashboard */
#define FS_EXPORT_DASHBOARD FS_N_CHARTS

#define FS_TYPE_EXPORT_DIALOG (fs_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FsExportDialog, fs_export_dialog, FS, EXPORT_DIALOG, AdwMessageDialog)

GtkWidget      *fs_export_dialog_new        (GtkWindow      *parent);
guint           fs_export_dialog_get_kind   (FsExportDialog *self);
FsExportFormat  fs_export_dialog_get_format (FsExportDialog *self);
void            fs_export_dialog_get_size   (FsExportDialog *self,
                                             int            *width,
                                             int            *height,
                                             double         *scale);
void            fs_export_dialog_set_size   (FsExportDialog *self,
                                             int             width,
                                             int             height,
                                             double          scale);
char           *fs_export_dialog_dup_file_name (FsExportDialog *self);

G_END_DECLS

/* fs-paste-dialog.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A dialog to paste a list of URLs into. It counts them as they are typed
 * and names the first lines that will be skipped; its "use" response is
 * enabled once there is a URL to fetch.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FS_TYPE_PASTE_DIALOG (fs_paste_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FsPasteDialog, fs_paste_dialog, FS, PASTE_DIALOG, AdwMessageDialog)

GtkWidget *fs_paste_dialog_new      (GtkWindow     *parent,
                                     const char    *text);
char      *fs_paste_dialog_dup_text (FsPasteDialog *self);
guint64    fs_paste_check           (const char    *text,
                                     char         **report);

G_END_DECLS

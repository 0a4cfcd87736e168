/* fs-window.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dashboard: the run's settings in a sidebar, its summary and charts
 * beside them. Each window starts its own demo server on 127.0.0.1 and
 * stops it when it goes away.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

#include "fs-application.h"
#include "fs-chart.h"
#include "fs-compare-session.h"
#include "fs-export.h"
#include "fs-run-controller.h"

G_BEGIN_DECLS

#define FS_TYPE_WINDOW (fs_window_get_type ())

/* What fs_window_file_job_async() does with its file. */
typedef enum
{
  FS_WINDOW_FILE_SAVE,
  FS_WINDOW_FILE_OPEN,
  FS_WINDOW_FILE_EXPORT_RECORDS,
} FsWindowFileJob;

G_DECLARE_FINAL_TYPE (FsWindow, fs_window, FS, WINDOW, AdwApplicationWindow)

FsWindow        *fs_window_new                (FsApplication *application);
FsRunController *fs_window_get_controller     (FsWindow      *self);
const char      *fs_window_get_demo_base_url  (FsWindow      *self);
const GError    *fs_window_get_demo_error     (FsWindow      *self);
gboolean         fs_window_select_preset      (FsWindow      *self,
                                               const char    *name,
                                               guint64        count);
gboolean         fs_window_select_strategy    (FsWindow      *self,
                                               FsStrategy     strategy);
FsChart         *fs_window_get_chart          (FsWindow      *self,
                                               FsChartKind    kind);
const char      *fs_window_get_status         (FsWindow      *self);
FsCompareSession *fs_window_get_session       (FsWindow      *self);
void             fs_window_show_problem       (FsWindow      *self,
                                               const char    *message);
void             fs_window_file_job_async     (FsWindow      *self,
                                               FsWindowFileJob kind,
                                               const char    *path,
                                               GAsyncReadyCallback callback,
                                               gpointer       user_data);
gboolean         fs_window_file_job_finish    (FsWindow      *self,
                                               GAsyncResult  *result,
                                               GError       **error);
gboolean         fs_window_save_runs          (FsWindow      *self,
                                               const char    *path,
                                               GError       **error);
gboolean         fs_window_open_runs          (FsWindow      *self,
                                               const char    *path,
                                               GError       **error);
gboolean         fs_window_export_records     (FsWindow      *self,
                                               const char    *path,
                                               GError       **error);
gboolean         fs_window_export             (FsWindow      *self,
                                               const char    *path,
                                               FsExportFormat format,
                                               guint          kind,
                                               int            width,
                                               int            height,
                                               double         scale,
                                               GError       **error);

G_END_DECLS

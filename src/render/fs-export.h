/* fs-export.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Charts and dashboards to files: PNG (an image surface of width × scale
 * by height × scale pixels, 2 for HiDPI), SVG and PDF (width × height
 * points, bitmaps inside the charts at twice the scale). Every file is
 * written to a temporary file beside it and renamed into place only once
 * cairo reports success: a failed write leaves no half file. A description
 * (the dashboard's footer) goes into the SVG's <title> and <desc> and the
 * PDF's metadata, so the file says what it shows in text too.
 *
 * Threading: any thread, as fs-chart-render.h.
 */

#pragma once

#include "fs-dashboard.h"

G_BEGIN_DECLS

typedef enum
{
  FS_EXPORT_PNG,
  FS_EXPORT_SVG,
  FS_EXPORT_PDF,
} FsExportFormat;

/* Draws into a @width × @height area at the origin. */
typedef void (*FsExportDrawFunc) (cairo_t  *cr,
                                  int       width,
                                  int       height,
                                  gpointer  user_data);

const char *fs_export_format_to_string   (FsExportFormat      format);
gboolean    fs_export_format_from_path   (const char         *path,
                                          FsExportFormat     *format);
gboolean    fs_export_draw               (const char         *path,
                                          FsExportFormat      format,
                                          int                 width,
                                          int                 height,
                                          double              scale,
                                          const char         *description,
                                          FsExportDrawFunc    draw,
                                          gpointer            user_data,
                                          GError            **error);
gboolean    fs_export_dashboard          (const char         *path,
                                          FsExportFormat      format,
                                          const FsDashboard  *dashboard,
                                          const FsChartStyle *style,
                                          int                 width,
                                          int                 height,
                                          double              scale,
                                          GError            **error);
gboolean    fs_export_chart              (const char         *path,
                                          FsExportFormat      format,
                                          FsChartKind         kind,
                                          const FsDashboard  *dashboard,
                                          const FsChartStyle *style,
                                          int                 width,
                                          int                 height,
                                          double              scale,
                                          GError            **error);

G_END_DECLS

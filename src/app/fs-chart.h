/* fs-chart.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One chart of a run, drawn by fs_chart_render() from the controller's
 * bounded aggregates. New data only marks the chart dirty; a tick callback
 * queues at most one draw per frame and goes away when nothing changes or
 * the chart is not on screen.
 *
 * Threading: main context only.
 */

#pragma once

#include <gtk/gtk.h>

#include "fs-chart-render.h"
#include "fs-compare-session.h"
#include "fs-run-controller.h"

G_BEGIN_DECLS

#define FS_TYPE_CHART (fs_chart_get_type ())

G_DECLARE_FINAL_TYPE (FsChart, fs_chart, FS, CHART, GtkWidget)

GtkWidget       *fs_chart_new             (FsChartKind      kind);
FsChartKind      fs_chart_get_kind        (FsChart         *self);
void             fs_chart_set_kind        (FsChart         *self,
                                           FsChartKind      kind);
FsRunController *fs_chart_get_controller  (FsChart         *self);
void             fs_chart_set_controller  (FsChart         *self,
                                           FsRunController *controller);
void             fs_chart_set_session     (FsChart         *self,
                                           FsCompareSession *session);
guint            fs_chart_get_lane_offset (FsChart         *self);
void             fs_chart_set_lane_offset (FsChart         *self,
                                           guint            lane_offset);
void             fs_chart_set_latency_view (FsChart        *self,
                                            gboolean        heatmap,
                                            gboolean        log_scale);
gboolean         fs_chart_has_data        (FsChart         *self);
void             fs_chart_get_draw_stats  (FsChart         *self,
                                           guint           *n_draws,
                                           gint64          *last_draw_us);
void             fs_chart_draw            (FsChart         *self,
                                           cairo_t         *cr,
                                           int              width,
                                           int              height);

G_END_DECLS

/* fs-window-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FsWindow's instance, shared by the files that implement it by concern:
 * fs-window.c (runs, the demo server, charts) and fs-window-files.c
 * (saving, opening and exporting what is shown).
 */

#pragma once

#include "fs-compare-table.h"
#include "fs-demo-process.h"
#include "fs-run-form.h"
#include "fs-summary-view.h"
#include "fs-window.h"

G_BEGIN_DECLS

struct _FsWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  FsRunForm            *run_form;
  GtkLabel             *form_error_label;
  GtkButton            *run_button;
  FsSummaryView        *summary_view;
  FsCompareTable       *compare_table;
  FsChart              *latency_chart;
  FsChart              *histogram_chart;
  FsChart              *throughput_chart;
  FsChart              *in_flight_chart;
  FsChart              *memory_chart;
  FsChart              *cpu_chart;
  FsChart              *swimlane_chart;
  GtkScrollbar         *lane_scrollbar;
  GtkAdjustment        *lane_adjustment;
  FsRunController      *controller;

  /* Owned */
  FsCompareSession     *session;
  char                 *urls_label;        /* the URL set of the run shown */
  char                 *opened_name;       /* the file the runs shown came from */
  FsDemoProcess        *demo;
  GCancellable         *demo_cancellable;
  GError               *demo_error;
  FsDemoState           demo_state;
  double                demo_time_scale;
  gboolean              latency_heatmap;
  gboolean              latency_log_scale;
  gboolean              autostart;
  guint                 n_file_jobs;      /* saving, opening or exporting on a thread */
  AdwToast             *file_toast;       /* says which */
};

void _fs_window_toast                  (FsWindow       *self,
                                        const char     *message);
void _fs_window_update_actions         (FsWindow       *self);
void _fs_window_update_file_actions    (FsWindow       *self);
void _fs_window_class_add_file_actions (GtkWidgetClass *widget_class);

G_END_DECLS

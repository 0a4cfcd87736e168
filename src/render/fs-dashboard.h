/* fs-dashboard.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole dashboard on one cairo context, for export: a title, the
 * summary (a table with a row per run, ranked by wall time, with speedups
 * for a comparison), every chart in a grid (three by two, the swimlanes
 * across the bottom) and a footer naming the strategies, the URL set, the
 * key settings, the date and the Fetchscope version. Several runs are
 * overlaid on each chart by fs_chart_render_compare(). Also one chart with
 * that footer under it.
 *
 * Threading: as fs-chart-render.h.
 */

#pragma once

#include "fs-chart-render.h"
#include "fs-run-config.h"
#include "fs-saved-run.h"

G_BEGIN_DECLS

/* The footer band's height, in the units the renderers draw in. */
#define FS_DASHBOARD_FOOTER_HEIGHT 28

typedef struct
{
  FsChartRun         chart;       /* aggregates, name and colour */
  FsSummary          summary;     /* as the runner measured it (wall time from its start) */
  const FsRunConfig *config;
  gboolean           complete;    /* FALSE: cancelled, partial results */
} FsDashboardRun;

typedef struct
{
  const FsDashboardRun *runs;
  guint                 n_runs;
  const char           *urls;       /* the URL set as named: "demo:cpu" */
  GDateTime            *date;       /* nullable: now */
  const char           *title;      /* nullable: one made of the strategies */
  int                   baseline;   /* the run speedups are relative to; -1: serial if it
                                     * ran, else the slowest */
} FsDashboard;

void  fs_dashboard_run_init      (FsDashboardRun       *run,
                                  const FsSavedRun     *saved,
                                  guint                 color);
void  fs_dashboard_init          (FsDashboard          *dashboard,
                                  const FsDashboardRun *runs,
                                  guint                 n_runs,
                                  const char           *urls);
char *fs_dashboard_dup_footer    (const FsDashboard    *dashboard);
void  fs_dashboard_render        (cairo_t              *cr,
                                  const FsDashboard    *dashboard,
                                  const FsChartStyle   *style,
                                  int                   width,
                                  int                   height);
void  fs_dashboard_render_chart  (cairo_t              *cr,
                                  FsChartKind           kind,
                                  const FsDashboard    *dashboard,
                                  const FsChartStyle   *style,
                                  int                   width,
                                  int                   height);
void  fs_dashboard_render_footer (cairo_t              *cr,
                                  const FsDashboard    *dashboard,
                                  const FsChartStyle   *style,
                                  int                   width,
                                  int                   height);

G_END_DECLS

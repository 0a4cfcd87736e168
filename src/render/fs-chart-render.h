/* fs-chart-render.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every chart is one pure function of bounded aggregates, drawn with cairo:
 * the dashboard calls it from its widgets and the exporters call it on an
 * image surface, so the screen and the file get the same pixels. Drawing
 * costs O(pixels), never O(requests).
 *
 * Threading: any thread, as long as the aggregates are not being fed
 * meanwhile (the dashboard draws on the main context, which feeds them).
 */

#pragma once

#include <cairo.h>

#include "fs-aggregator.h"
#include "fs-swimlane.h"

G_BEGIN_DECLS

typedef enum
{
  FS_CHART_LATENCY,      /* latency over time: points or heatmap, p50/p90/p99 lines */
  FS_CHART_HISTOGRAM,    /* latency histogram */
  FS_CHART_THROUGHPUT,   /* completed requests per second */
  FS_CHART_IN_FLIGHT,    /* requests in flight */
  FS_CHART_MEMORY,       /* RSS per process, stacked */
  FS_CHART_CPU,          /* busy share per lane */
  FS_CHART_SWIMLANE,     /* one lane per executor, coloured by phase */
  FS_N_CHARTS
} FsChartKind;

typedef struct
{
  FsAggregator *aggregator;   /* required */
  FsSwimlane   *swimlane;     /* required for FS_CHART_SWIMLANE */
  const char   *title;        /* nullable: the chart's own name when NULL */
} FsChartData;

typedef struct
{
  gboolean dark;              /* follow the desktop's dark style */
  gboolean log_scale;         /* latency axes */
  gboolean heatmap;           /* FS_CHART_LATENCY as a heatmap rather than points */
  double   t_min_s;           /* shared time axis, seconds since the run's start; */
  double   t_max_s;           /*   t_max_s <= t_min_s means "the whole run so far" */
  double   hover_x;           /* pointer x in pixels, or < 0: draw the value under it */
  guint    lane_offset;       /* FS_CHART_SWIMLANE: first lane shown (scrolling) */
} FsChartStyle;

const char *fs_chart_kind_to_string (FsChartKind         kind);   /* "latency", … */
const char *fs_chart_kind_title     (FsChartKind         kind);   /* "Latency over time", … */
gboolean    fs_chart_kind_from_string (const char       *text,
                                       FsChartKind      *kind);
void        fs_chart_style_init     (FsChartStyle       *style);
void        fs_chart_render         (cairo_t            *cr,
                                     FsChartKind         kind,
                                     const FsChartData  *data,
                                     const FsChartStyle *style,
                                     int                 width,
                                     int                 height);
gboolean    fs_chart_render_png     (const char         *path,
                                     FsChartKind         kind,
                                     const FsChartData  *data,
                                     const FsChartStyle *style,
                                     int                 width,
                                     int                 height,
                                     double              scale,
                                     GError            **error);

G_END_DECLS

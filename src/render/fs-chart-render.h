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
  FsSwimlane   *swimlane;     /* required for FS_CHART_SWIMLANE ("No data yet" without) */
  const char   *title;        /* nullable: the chart's own name when NULL */
} FsChartData;

/* The run starts (0 s) at the aggregator's first start. The whole run ends
 * at the end of the last bucket (or swimlane bin) in use, so every time
 * chart of one FsChartData shares one axis.
 *
 * The latency heatmap's bins are log-spaced, so its axis is a log one
 * whatever log_scale says; the histogram's latency axis is always log.
 *
 * Swimlane rows go executor by executor (the app's loops, its threads,
 * then worker processes, each by index), each loop followed by its slots;
 * lane_offset counts rows in that order. Rows that do not fit are left for
 * scrolling; the header then says which are shown. */
typedef struct
{
  gboolean dark;              /* follow the desktop's dark style */
  gboolean log_scale;         /* FS_CHART_LATENCY: a log latency axis */
  gboolean heatmap;           /* FS_CHART_LATENCY as a heatmap rather than points */
  double   t_min_s;           /* shared time axis, seconds since the run's start; */
  double   t_max_s;           /*   t_max_s <= t_min_s means "the whole run so far" */
  double   hover_x;           /* pointer x in user units, or < 0; time charts draw a line
                               * and the values there, the histogram its bar's count */
  guint    lane_offset;       /* FS_CHART_SWIMLANE: first row shown (scrolling) */
  double   raster_scale;      /* > 0: draw the bitmaps inside charts (lines, heatmap, swimlane
                               * cells) at this many pixels per unit, for SVG and PDF; 0: at
                               * the cairo context's own resolution */
} FsChartStyle;

/* One run of a comparison. */
typedef struct
{
  FsAggregator *aggregator;   /* required */
  FsSwimlane   *swimlane;     /* nullable */
  const char   *label;        /* its name in the legend: "threads + GIL" */
  guint         color;        /* its colour on every chart: an index into the palette's cycle */
} FsChartRun;

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
/* Several runs on one chart, each in its colour, with a legend naming
 * them. Time runs from each run's own start (0 s), so runs that ran one
 * after another overlay; the axis lasts as long as the longest run unless
 * the style sets a range. Latency: each run's p50, and its p99 fainter (the
 * heatmap is for single runs); histogram: an outline per run and its p50;
 * throughput, in flight, memory (all processes summed): a step line per
 * run; CPU: a bar per run, the mean share of its lanes; swimlanes: one
 * band per run, stacked, under the run's name, on a shared time axis.
 * Hover and lane_offset are ignored. One run is drawn by fs_chart_render ()
 * as it is, under @title. */
void        fs_chart_render_compare (cairo_t            *cr,
                                     FsChartKind         kind,
                                     const FsChartRun   *runs,
                                     guint               n_runs,
                                     const char         *title,
                                     const FsChartStyle *style,
                                     int                 width,
                                     int                 height);
/* An ARGB32 image of width × scale by height × scale pixels, drawn at
 * @scale and written through a temporary file renamed into place. */
gboolean    fs_chart_render_png     (const char         *path,
                                     FsChartKind         kind,
                                     const FsChartData  *data,
                                     const FsChartStyle *style,
                                     int                 width,
                                     int                 height,
                                     double              scale,
                                     GError            **error);

G_END_DECLS

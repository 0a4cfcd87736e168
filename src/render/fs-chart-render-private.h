/* fs-chart-render-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the chart files share: the drawing context of one chart, its axes,
 * and the helpers that lay out, label and map a plot. fs-chart-render.c
 * holds them and the entry points; fs-chart-series.c the time series and
 * the histogram; fs-chart-lanes.c the charts with a row per lane.
 *
 * Threading: as fs-chart-render.h.
 */

#pragma once

#include <math.h>

#include <pango/pangocairo.h>

#include "fs-chart-render.h"
#include "fs-chart-style.h"

G_BEGIN_DECLS

/* Here, not in fs-chart-render.h: GTK code includes that, and GTK defines
 * these too. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

#define FS_CHART_PAD        10.0
#define FS_CHART_TICK_GAP   6.0
#define FS_CHART_MAX_TICKS  48
#define FS_CHART_LABEL_LEN  48

typedef void (*FsChartFormatFunc) (double  value,
                                   double  step,
                                   char   *buf,
                                   gsize   size);

typedef struct
{
  double value;
  char   label[FS_CHART_LABEL_LEN];
} FsChartTick;

typedef struct
{
  gboolean log;
  double   lo;
  double   hi;
  double   log_lo;                   /* log10 (lo), log axes only */
  double   log_hi;
  FsChartTick     ticks[FS_CHART_MAX_TICKS];
  guint    n_ticks;
} FsChartAxis;

typedef enum
{
  FS_CHART_MARK_BOX,
  FS_CHART_MARK_LINE,
  FS_CHART_MARK_DOT,
} FsChartLegendMark;

typedef struct
{
  char           label[FS_CHART_LABEL_LEN];   /* an N_() msgid, translated when drawn */
  const FsColor *color;
  FsChartLegendMark     mark;
  gboolean       verbatim;                    /* @label is a name or already translated */
} FsChartLegendItem;

typedef struct
{
  cairo_t              *cr;
  const FsChartStyle   *style;
  const FsChartPalette *palette;
  FsAggregator         *aggregator;
  FsSwimlane           *swimlane;
  const char           *title;
  struct _FsTextCache  *text_cache;  /* this thread's shaped strings */
  PangoLayout          *layout;      /* for text drawn once, with a width */
  PangoFontDescription *font;
  PangoFontDescription *bold;
  double                width;
  double                height;
  double                line_h;      /* a line of label text */
  double                top;         /* below the header */
  double                scale_x;     /* device pixels per unit, for images */
  double                scale_y;

  /* The plot area and its axes */
  double                x;
  double                y;
  double                w;
  double                h;
  FsChartAxis                  xaxis;
  FsChartAxis                  yaxis;

  /* The time axis every time chart shares */
  gint64                run_start;   /* monotonic µs of 0 s */
  double                t_min;       /* s since run_start */
  double                t_max;

  /* A comparison: the runs, and each one's 0 s */
  const FsChartRun     *runs;
  guint                 n_runs;
  gint64               *run_starts;
} FsChartContext;

/* Consecutive buckets whose centres fall in one pixel column: a chart draws
 * at most one value, or one min/max pair, per group. */
typedef struct
{
  guint  first;
  guint  last;                       /* inclusive */
  double x0;                         /* the first bucket's start, in user units */
  double x1;                         /* the last bucket's end */
  double xc;                         /* where a point stands */
} FsChartGroup;

void             _fs_chart_measure             (FsChartContext *c,
                                                const char     *text,
                                                gboolean        bold,
                                                double         *width,
                                                double         *height);
void             _fs_chart_draw_text           (FsChartContext *c,
                                                const char     *text,
                                                double          x,
                                                double          y,
                                                double          ax,
                                                double          ay,
                                                const FsColor  *color,
                                                gboolean        bold);
void             _fs_chart_format_count        (double  value,
                                                double  step,
                                                char   *buf,
                                                gsize   size);
void             _fs_chart_format_duration     (double  us,
                                                double  step,
                                                char   *buf,
                                                gsize   size);
void             _fs_chart_format_bytes        (double  bytes,
                                                double  step,
                                                char   *buf,
                                                gsize   size);
void             _fs_chart_format_percent      (double  fraction,
                                                double  step,
                                                char   *buf,
                                                gsize   size);
void             _fs_chart_axis_add_tick       (FsChartAxis       *axis,
                                                double             value,
                                                double             step,
                                                FsChartFormatFunc  format);
void             _fs_chart_axis_linear         (FsChartAxis       *axis,
                                                double             lo,
                                                double             hi,
                                                double             length,
                                                FsChartFormatFunc  format);
void             _fs_chart_axis_log            (FsChartAxis       *axis,
                                                double             lo,
                                                double             hi,
                                                double             length,
                                                FsChartFormatFunc  format);
void             _fs_chart_axis_time           (FsChartContext *c);
void             _fs_chart_layout_header       (FsChartContext          *c,
                                                const char              *note,
                                                const FsChartLegendItem *items,
                                                guint                    n_items,
                                                gboolean                 draw);
void             _fs_chart_draw_header         (FsChartContext          *c,
                                                const char              *note,
                                                const FsChartLegendItem *items,
                                                guint                    n_items);
void             _fs_chart_layout_plot_rows    (FsChartContext *c);
void             _fs_chart_layout_plot_columns (FsChartContext *c,
                                                double          left_w);
double           _fs_chart_widest_label        (FsChartContext    *c,
                                                const FsChartAxis *axis);
gboolean         _fs_chart_plot_too_small      (FsChartContext *c);
void             _fs_chart_draw_grid           (FsChartContext *c,
                                                gboolean        horizontal,
                                                gboolean        vertical);
void             _fs_chart_draw_axis_line      (FsChartContext *c);
void             _fs_chart_draw_y_labels       (FsChartContext *c);
void             _fs_chart_draw_x_labels       (FsChartContext *c);
GArray          *_fs_chart_layout_time_plot    (FsChartContext *c);
void             _fs_chart_draw_axes           (FsChartContext *c);
void             _fs_chart_clip_to_plot        (FsChartContext *c);
void             _fs_chart_draw_no_data        (FsChartContext *c);
void             _fs_chart_draw_hover          (FsChartContext *c,
                                                const char     *text);
gboolean         _fs_chart_hover_in_plot       (FsChartContext *c);
void             _fs_chart_draw_time_hover     (FsChartContext *c,
                                                const char     *value);
void             _fs_chart_time_range          (FsChartContext *c);
gboolean         _fs_chart_visible_buckets     (FsChartContext *c,
                                                guint          *first,
                                                guint          *last);
GArray          *_fs_chart_group_buckets       (FsChartContext *c,
                                                double          min_px);
int              _fs_chart_hover_group         (FsChartContext *c,
                                                GArray         *groups);
cairo_surface_t *_fs_chart_create_plot_image   (FsChartContext *c,
                                                int             height);
void             _fs_chart_paint_plot_image    (FsChartContext  *c,
                                                cairo_surface_t *image,
                                                double           top,
                                                double           bottom);
void             _fs_chart_draw_lines          (FsChartContext        *c,
                                                const double          *xs,
                                                const double          *ys,
                                                guint                  n,
                                                guint                  n_lines,
                                                double                 thickness,
                                                const FsColor * const *colors);

static inline double
_fs_chart_snap (double v)
{
  return floor (v) + 0.5;
}

static double
_fs_chart_axis_fraction (const FsChartAxis *axis,
                         double             v)
{
  if (axis->log)
    return (log10 (MAX (v, axis->lo * 1e-3)) - axis->log_lo) / (axis->log_hi - axis->log_lo);

  return (v - axis->lo) / (axis->hi - axis->lo);
}

static inline double
_fs_chart_map_x (FsChartContext *c,
                 double          v)
{
  return c->x + _fs_chart_axis_fraction (&c->xaxis, v) * c->w;
}

static inline double
_fs_chart_map_y (FsChartContext *c,
                 double          v)
{
  return c->y + c->h - _fs_chart_axis_fraction (&c->yaxis, v) * c->h;
}

static inline double
_fs_chart_seconds (FsChartContext *c,
                   gint64          t)
{
  return (double) (t - c->run_start) / G_USEC_PER_SEC;
}

void             _fs_chart_begin               (FsChartContext     *c,
                                                cairo_t            *cr,
                                                const FsChartStyle *style,
                                                const char         *title,
                                                int                 width,
                                                int                 height);
void             _fs_chart_end                 (FsChartContext     *c);

/* Comparisons (fs-chart-compare.c) */
void             _fs_chart_use_run             (FsChartContext     *c,
                                                guint               run);
const FsColor   *_fs_chart_run_color           (FsChartContext     *c,
                                                guint               run);
FsChartLegendItem *_fs_chart_run_legend        (FsChartContext     *c,
                                                FsChartLegendMark   mark);
void             _fs_chart_fill_steps          (FsChartContext     *c,
                                                GArray             *groups,
                                                const double       *values,
                                                guint               stride,
                                                const FsColor      *color);
void             _fs_chart_fill_bands          (FsChartContext        *c,
                                                GArray                *groups,
                                                const double          *values,
                                                guint                  stride,
                                                guint                  n_bands,
                                                const FsColor * const *colors);

void _fs_chart_compare_latency   (FsChartContext *c);
void _fs_chart_compare_histogram (FsChartContext *c);
void _fs_chart_compare_steps     (FsChartContext *c,
                                  FsChartKind     kind);
void _fs_chart_compare_cpu       (FsChartContext *c);
void _fs_chart_compare_swimlane  (FsChartContext *c);

void _fs_chart_render_latency    (FsChartContext *c);
void _fs_chart_render_histogram  (FsChartContext *c);
void _fs_chart_render_throughput (FsChartContext *c);
void _fs_chart_render_in_flight  (FsChartContext *c);
void _fs_chart_render_memory     (FsChartContext *c);
void _fs_chart_render_cpu        (FsChartContext *c);
void _fs_chart_render_swimlane   (FsChartContext *c);

G_END_DECLS

/* fs-chart-style.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The charts' colours, light and dark, after the GNOME palette that
 * libadwaita uses: the same hue means the same thing on every chart.
 *
 * Threading: constant data; any thread.
 */

#pragma once

#include <cairo.h>

#include "fs-event.h"
#include "fs-swimlane.h"

G_BEGIN_DECLS

/* Series without a meaning of their own (processes, strategies) take these
 * in turn. */
#define FS_CHART_N_SERIES_COLORS 8

typedef struct
{
  double red;
  double green;
  double blue;
  double alpha;
} FsColor;

typedef enum
{
  FS_SERIES_P50,
  FS_SERIES_P90,
  FS_SERIES_P99,
  FS_SERIES_MEAN,
  FS_SERIES_MAX,
  FS_SERIES_IN_FLIGHT,
  FS_N_SERIES
} FsSeries;

typedef struct
{
  FsColor background;
  FsColor foreground;                        /* titles and labels */
  FsColor dim;                               /* tick labels, units */
  FsColor grid;
  FsColor axis;
  FsColor hover;                             /* the pointer's line */
  FsColor tooltip;                           /* behind the pointer's label */
  FsColor outcome[FS_N_OUTCOMES];
  FsColor phase[FS_N_PHASES];
  FsColor idle;                              /* a swimlane cell with nothing to do */
  FsColor series[FS_N_SERIES];
  FsColor cycle[FS_CHART_N_SERIES_COLORS];   /* processes, lanes, strategies */
  /* Greys, so the percentile lines' colours stand out on the heatmap */
  FsColor heat_low;                          /* heatmap: a few */
  FsColor heat_mid;
  FsColor heat_high;                         /* heatmap: the most in its column */
} FsChartPalette;

const FsChartPalette *fs_chart_palette_get     (gboolean       dark);
guint                 fs_chart_run_color_index (guint          run);
void                  fs_color_set_source      (cairo_t       *cr,
                                                const FsColor *color);
void                  fs_color_mix             (const FsColor *a,
                                                const FsColor *b,
                                                double         t,
                                                FsColor       *result);
guint32               fs_color_to_argb32       (const FsColor *color);

G_END_DECLS

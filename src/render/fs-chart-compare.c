/* fs-chart-compare.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-chart-render-private.h"

/* Points the context at run @run: its aggregates and its own 0 s. */
void
_fs_chart_use_run (FsChartContext *c,
                   guint           run)
{
  g_assert (run < c->n_runs);

  c->aggregator = c->runs[run].aggregator;
  c->swimlane = c->runs[run].swimlane;
  c->run_start = c->run_starts[run];
}

const FsColor *
_fs_chart_run_color (FsChartContext *c,
                     guint           run)
{
  g_assert (run < c->n_runs);

  return &c->palette->cycle[c->runs[run].color % FS_CHART_N_SERIES_COLORS];
}

/* Returns: (transfer full): an item per run, its name in its colour */
FsChartLegendItem *
_fs_chart_run_legend (FsChartContext    *c,
                      FsChartLegendMark  mark)
{
  FsChartLegendItem *items = g_new0 (FsChartLegendItem, MAX (c->n_runs, 1));

  for (guint i = 0; i < c->n_runs; i++)
    {
      g_strlcpy (items[i].label, c->runs[i].label != NULL ? c->runs[i].label : "", sizeof
                 items[i].label);
      items[i].color = _fs_chart_run_color (c, i);
      items[i].mark = mark;
    }

  return items;
}

/* Each run's 0 s, and one time axis for all: from 0 to the end of the
 * longest, unless the style sets a range. */
static void
compare_time_range (FsChartContext *c)
{
  const FsChartStyle *style = c->style;
  FsChartStyle whole = *style;
  double t_max = 0;

  whole.t_min_s = whole.t_max_s = 0;
  c->style = &whole;
  for (guint i = 0; i < c->n_runs; i++)
    {
      c->aggregator = c->runs[i].aggregator;
      c->swimlane = c->runs[i].swimlane;
      _fs_chart_time_range (c);
      c->run_starts[i] = c->run_start;
      t_max = MAX (t_max, c->t_max);
    }
  c->style = style;

  if (style->t_max_s > style->t_min_s)
    {
      c->t_min = style->t_min_s;
      c->t_max = style->t_max_s;
    }
  else
    {
      c->t_min = 0;
      c->t_max = t_max > 0 ? t_max : 1;
    }

  _fs_chart_use_run (c, 0);
}

void
fs_chart_render_compare (cairo_t            *cr,
                         FsChartKind         kind,
                         const FsChartRun   *runs,
                         guint               n_runs,
                         const char         *title,
                         const FsChartStyle *style,
                         int                 width,
                         int                 height)
{
  g_autofree gint64 *starts = NULL;
  FsChartContext c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (kind < FS_N_CHARTS);
  g_return_if_fail (runs != NULL && n_runs > 0);
  g_return_if_fail (style != NULL);

  for (guint i = 0; i < n_runs; i++)
    g_return_if_fail (runs[i].aggregator != NULL);

  if (n_runs == 1)
    {
      FsChartData data = { runs[0].aggregator, runs[0].swimlane, title };

      fs_chart_render (cr, kind, &data, style, width, height);
      return;
    }

  if (width <= 0 || height <= 0)
    return;

  starts = g_new0 (gint64, n_runs);
  _fs_chart_begin (&c, cr, style, title != NULL ? title : fs_chart_kind_title (kind), width,
                   height);
  c.runs = runs;
  c.n_runs = n_runs;
  c.run_starts = starts;
  compare_time_range (&c);

  switch (kind)
    {
    case FS_CHART_LATENCY:
      _fs_chart_compare_latency (&c);
      break;

    case FS_CHART_HISTOGRAM:
      _fs_chart_compare_histogram (&c);
      break;

    case FS_CHART_THROUGHPUT:
    case FS_CHART_IN_FLIGHT:
    case FS_CHART_MEMORY:
      _fs_chart_compare_steps (&c, kind);
      break;

    case FS_CHART_CPU:
      _fs_chart_compare_cpu (&c);
      break;

    case FS_CHART_SWIMLANE:
      _fs_chart_compare_swimlane (&c);
      break;

    case FS_N_CHARTS:
    default:
      g_assert_not_reached ();
    }

  _fs_chart_end (&c);
}

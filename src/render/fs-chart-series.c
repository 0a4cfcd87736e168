/* fs-chart-series.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-chart-render-private.h"
#include "fs-i18n.h"

/* Latency over time */

typedef struct
{
  guint64 count;
  double  quantile[3];               /* p50, p90, p99, µs */
  double  mean;
  double  max;
} LatencyColumn;

static const double latency_q[3] = { 0.5, 0.9, 0.99 };

static void
merge_latency_bins (FsAggregator       *aggregator,
                    const FsChartGroup *group,
                    guint32            *bins,
                    gint64             *sum_us,
                    gint64             *max_us)
{
  memset (bins, 0, FS_BUCKET_LATENCY_BINS * sizeof (guint32));
  *sum_us = 0;
  *max_us = 0;

  for (guint b = group->first; b <= group->last; b++)
    {
      const FsBucket *bucket = fs_aggregator_get_bucket (aggregator, b);

      for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
        bins[i] += bucket->latency_bins[i];
      *sum_us += bucket->latency_sum_us;
      *max_us = MAX (*max_us, bucket->latency_max_us);
    }
}

static void
draw_heatmap (FsChartContext *c,
              GArray         *groups)
{
  const FsChartPalette *palette = c->palette;
  int bin_lo = (int) floor (c->yaxis.log_lo * FS_BUCKET_LATENCY_BINS_PER_DECADE + 1e-6);
  int bin_hi = (int) ceil (c->yaxis.log_hi * FS_BUCKET_LATENCY_BINS_PER_DECADE - 1e-6);
  int n_rows = bin_hi - bin_lo;
  g_autoptr(cairo_surface_t) image = NULL;
  guint32 ramp[65];
  guint32 *pixels;
  guint32 most = 0;
  int stride;
  int width;

  if (n_rows <= 0)
    return;

  for (guint g = 0; g < groups->len; g++)
    {
      guint32 bins[FS_BUCKET_LATENCY_BINS];
      gint64 sum_us;
      gint64 max_us;

      merge_latency_bins (c->aggregator, &g_array_index (groups, FsChartGroup, g), bins, &sum_us,
                          &max_us);
      for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
        most = MAX (most, bins[i]);
    }
  if (most == 0)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (ramp); i++)
    {
      double t = i / 64.0;
      FsColor color;

      if (t < 0.5)
        fs_color_mix (&palette->heat_low, &palette->heat_mid, t * 2, &color);
      else
        fs_color_mix (&palette->heat_mid, &palette->heat_high, t * 2 - 1, &color);
      ramp[i] = fs_color_to_argb32 (&color);
    }

  image = _fs_chart_create_plot_image (c, n_rows);
  width = cairo_image_surface_get_width (image);
  stride = cairo_image_surface_get_stride (image) / 4;
  cairo_surface_flush (image);
  pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (image);

  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);
      guint32 bins[FS_BUCKET_LATENCY_BINS];
      gint64 sum_us;
      gint64 max_us;
      int col0 = (int) floor ((group->x0 - c->x) * c->scale_x);
      int col1 = (int) ceil ((group->x1 - c->x) * c->scale_x);

      col0 = MAX (col0, 0);
      col1 = MIN (col1, width);
      if (col0 >= col1)
        continue;

      merge_latency_bins (c->aggregator, group, bins, &sum_us, &max_us);

      /* Scaled to the busiest cell of the chart, so a quiet moment looks
       * quiet; the square root keeps a thin tail visible. */
      for (int row = 0; row < n_rows; row++)
        {
          int bin = bin_hi - 1 - row;
          guint32 pixel;

          if (bin < 0 || bin >= FS_BUCKET_LATENCY_BINS || bins[bin] == 0)
            continue;

          pixel = ramp[(guint) lround (sqrt ((double) bins[bin] / most) * 64)];
          for (int col = col0; col < col1; col++)
            pixels[row * stride + col] = pixel;
        }
    }

  /* Bins from bin_lo to bin_hi, which may reach past the axis' ends. */
  _fs_chart_paint_plot_image (c, image, _fs_chart_map_y (c, fs_bucket_latency_bin_lower (bin_hi)),
                              _fs_chart_map_y (c, fs_bucket_latency_bin_lower (bin_lo)));
}

/* p50, p90 and p99, with p50 on top. */
static void
draw_latency_lines (FsChartContext      *c,
                    const LatencyColumn *columns,
                    GArray              *groups)
{
  const guint n_lines = G_N_ELEMENTS (latency_q);
  g_autofree double *xs = g_new (double, MAX (groups->len, 1));
  g_autofree double *ys = g_new (double, MAX (groups->len, 1) * n_lines);
  const FsColor *colors[G_N_ELEMENTS (latency_q)];

  for (guint l = 0; l < n_lines; l++)
    {
      guint q = n_lines - 1 - l;

      colors[l] = &c->palette->series[FS_SERIES_P50 + q];
      for (guint g = 0; g < groups->len; g++)
        ys[l * groups->len + g] = columns[g].count > 0 ? _fs_chart_map_y (c, columns[g].quantile[q])
                                                       : NAN;
    }
  for (guint g = 0; g < groups->len; g++)
    xs[g] = g_array_index (groups, FsChartGroup, g).xc;

  _fs_chart_draw_lines (c, xs, ys, groups->len, n_lines, 1.5, colors);
}

static void
draw_latency_points (FsChartContext      *c,
                     const LatencyColumn *columns,
                     GArray              *groups,
                     gboolean             max)
{
  cairo_t *cr = c->cr;

  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);

      if (columns[g].count == 0)
        continue;

      /* Whole pixels: cairo fills aligned boxes without rasterising them. */
      cairo_rectangle (cr, round (group->xc) - 1, round (_fs_chart_map_y (c, max ? columns[g].max
                                                                          : columns[g].mean)) - 1,
                       3, 3);
    }

  fs_color_set_source (cr, &c->palette->series[max ? FS_SERIES_MAX : FS_SERIES_MEAN]);
  cairo_fill (cr);
}

static LatencyColumn *
latency_columns (FsChartContext *c,
                 GArray         *groups)
{
  LatencyColumn *columns = g_new0 (LatencyColumn, MAX (groups->len, 1));

  for (guint g = 0; g < groups->len; g++)
    {
      guint32 bins[FS_BUCKET_LATENCY_BINS];
      gint64 sum_us;
      gint64 max_us;
      LatencyColumn *column = &columns[g];

      merge_latency_bins (c->aggregator, &g_array_index (groups, FsChartGroup, g), bins, &sum_us,
                          &max_us);
      column->count = fs_bucket_bins_quantiles (bins, latency_q, G_N_ELEMENTS (latency_q),
                                                column->quantile);
      if (column->count == 0)
        continue;

      for (guint q = 0; q < G_N_ELEMENTS (latency_q); q++)
        column->quantile[q] = MIN (column->quantile[q], max_us);
      column->mean = (double) sum_us / column->count;
      column->max = max_us;
    }

  return columns;
}

void
_fs_chart_render_latency (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  const FsChartStyle *style = c->style;
  g_autoptr(GArray) groups = NULL;
  g_autofree LatencyColumn *columns = NULL;
  gboolean heatmap = style->heatmap;
  FsChartLegendItem legend[5];
  guint n_legend = 0;
  double lo = G_MAXDOUBLE;
  double hi = 0;
  guint64 total = 0;
  guint first = 0;
  guint last = 0;
  int shown;

  if (!heatmap)
    {
      legend[n_legend++] = (FsChartLegendItem) { N_("max"), &palette->series[FS_SERIES_MAX],
                                                 FS_CHART_MARK_DOT };
      legend[n_legend++] = (FsChartLegendItem) { N_("mean"), &palette->series[FS_SERIES_MEAN],
                                                 FS_CHART_MARK_DOT };
    }
  legend[n_legend++] = (FsChartLegendItem) { "p50", &palette->series[FS_SERIES_P50],
                                             FS_CHART_MARK_LINE };
  legend[n_legend++] = (FsChartLegendItem) { "p90", &palette->series[FS_SERIES_P90],
                                             FS_CHART_MARK_LINE };
  legend[n_legend++] = (FsChartLegendItem) { "p99", &palette->series[FS_SERIES_P99],
                                             FS_CHART_MARK_LINE };
  _fs_chart_draw_header (c, NULL, legend, n_legend);

  /* The value range, from the buckets in view. */
  if (_fs_chart_visible_buckets (c, &first, &last))
    for (guint b = first; b <= last; b++)
      {
        const FsBucket *bucket = fs_aggregator_get_bucket (c->aggregator, b);
        guint64 count = fs_bucket_bins_count (bucket->latency_bins);

        if (count == 0)
          continue;

        total += count;
        if (heatmap)
          {
            for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
              if (bucket->latency_bins[i] > 0)
                {
                  lo = MIN (lo, fs_bucket_latency_bin_lower (i));
                  hi = MAX (hi, fs_bucket_latency_bin_lower (i + 1));
                }
          }
        else
          {
            lo = MIN (lo, MIN ((double) bucket->latency_sum_us / count,
                               fs_bucket_latency_quantile (bucket, 0.5)));
            hi = MAX (hi, bucket->latency_max_us);
          }
      }

  if (total == 0)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  _fs_chart_layout_plot_rows (c);
  /* The heatmap's bins are log-spaced: its axis is always a log one. */
  if (heatmap || style->log_scale)
    _fs_chart_axis_log (&c->yaxis, MAX (lo, 1), hi, c->h, _fs_chart_format_duration);
  else
    _fs_chart_axis_linear (&c->yaxis, 0, hi, c->h, _fs_chart_format_duration);
  if (!(groups = _fs_chart_layout_time_plot (c)))
    return;
  columns = latency_columns (c, groups);

  _fs_chart_draw_grid (c, TRUE, TRUE);

  cairo_save (c->cr);
  _fs_chart_clip_to_plot (c);
  if (heatmap)
    {
      g_autoptr(GArray) cells = _fs_chart_group_buckets (c, 4);

      /* Cells a few pixels wide: a column of one pixel holds too few
       * requests for a distribution. */
      draw_heatmap (c, cells);
    }
  else
    {
      draw_latency_points (c, columns, groups, TRUE);
      draw_latency_points (c, columns, groups, FALSE);
    }
  draw_latency_lines (c, columns, groups);
  cairo_restore (c->cr);

  _fs_chart_draw_axes (c);

  if (_fs_chart_hover_in_plot (c))
    {
      char text[160];

      shown = _fs_chart_hover_group (c, groups);
      if (shown >= 0 && columns[shown].count > 0)
        {
          char p50[FS_CHART_LABEL_LEN];
          char p99[FS_CHART_LABEL_LEN];

          _fs_chart_format_duration (columns[shown].quantile[0], 0, p50, sizeof p50);
          _fs_chart_format_duration (columns[shown].quantile[2], 0, p99, sizeof p99);
          g_snprintf (text, sizeof text, "p50 %s · p99 %s", p50, p99);
        }
      _fs_chart_draw_time_hover (c, shown >= 0 && columns[shown].count > 0 ? text : NULL);
    }
}

/* Throughput */

/* A step area through each group's value (@values[g × @stride]), from the
 * baseline. */
void
_fs_chart_fill_steps (FsChartContext *c,
                      GArray         *groups,
                      const double   *values,
                      guint           stride,
                      const FsColor  *color)
{
  _fs_chart_fill_bands (c, groups, values, stride, 1, &color);
}

void
_fs_chart_render_throughput (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  double width_s = (double) fs_aggregator_get_bucket_us (c->aggregator) / G_USEC_PER_SEC;
  g_autoptr(GArray) groups = NULL;
  g_autofree double *stack = NULL;
  const FsColor *colors[3] = {
    &palette->outcome[FS_OUTCOME_OK], &palette->outcome[FS_OUTCOME_CANCELLED],
    &palette->outcome[FS_OUTCOME_TRANSPORT_ERROR],
  };
  FsChartLegendItem legend[3] = {
    { N_("ok"), &palette->outcome[FS_OUTCOME_OK], FS_CHART_MARK_BOX },
    { N_("errors"), &palette->outcome[FS_OUTCOME_TRANSPORT_ERROR], FS_CHART_MARK_BOX },
    { N_("cancelled"), &palette->outcome[FS_OUTCOME_CANCELLED], FS_CHART_MARK_BOX },
  };
  FsSummary summary;
  double hi = 0;

  fs_aggregator_get_summary (c->aggregator, &summary);
  _fs_chart_draw_header (c, _("requests/s"), legend,
                         summary.outcomes[FS_OUTCOME_CANCELLED] > 0 ? 3 : 2);
  if (summary.total == 0)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  /* Rates do not depend on the pixel columns: find the range per bucket. */
  _fs_chart_layout_plot_rows (c);
  {
    guint first;
    guint last;

    if (_fs_chart_visible_buckets (c, &first, &last))
      for (guint b = first; b <= last; b++)
        hi = MAX (hi, fs_aggregator_get_bucket (c->aggregator, b)->completed / width_s);
  }
  _fs_chart_axis_linear (&c->yaxis, 0, hi, c->h, _fs_chart_format_count);
  if (!(groups = _fs_chart_layout_time_plot (c)))
    return;
  /* Per group, stacked: what went well, then with the cancelled, then
   * with the errors, that is everything. */
  stack = g_new0 (double, MAX (groups->len, 1) * 3);
  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);
      double span_s = (group->last - group->first + 1) * width_s;
      double *row = &stack[g * 3];

      for (guint b = group->first; b <= group->last; b++)
        {
          const FsBucket *bucket = fs_aggregator_get_bucket (c->aggregator, b);

          row[0] += bucket->outcomes[FS_OUTCOME_OK];
          row[1] += bucket->outcomes[FS_OUTCOME_OK] + bucket->outcomes[FS_OUTCOME_CANCELLED];
          row[2] += bucket->completed;
        }
      for (guint k = 0; k < 3; k++)
        row[k] /= span_s;
    }

  _fs_chart_draw_grid (c, TRUE, TRUE);

  cairo_save (c->cr);
  _fs_chart_clip_to_plot (c);
  _fs_chart_fill_bands (c, groups, stack, 3, 3, colors);
  cairo_restore (c->cr);

  _fs_chart_draw_axes (c);

  if (_fs_chart_hover_in_plot (c))
    {
      int shown = _fs_chart_hover_group (c, groups);
      char text[160];

      if (shown >= 0)
        g_snprintf (text, sizeof text, _("%.0f req/s · %.0f errors/s"), stack[shown * 3 + 2],
                    stack[shown * 3 + 2] - stack[shown * 3 + 1]);
      _fs_chart_draw_time_hover (c, shown >= 0 ? text : NULL);
    }
}

/* In flight */

/* A step line through each group's value, from the left of the group to
 * its right. */
static void
stroke_steps (FsChartContext *c,
              GArray         *groups,
              const double   *values,
              const FsColor  *color)
{
  cairo_t *cr = c->cr;

  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);
      double y = _fs_chart_map_y (c, values[g]);

      if (g == 0)
        cairo_move_to (cr, group->x0, y);
      else
        cairo_line_to (cr, group->x0, y);
      cairo_line_to (cr, group->x1, y);
    }
  cairo_set_line_width (cr, 1.5);
  fs_color_set_source (cr, color);
  cairo_stroke (cr);
}

/* Crawl mode: the highest visited count or frontier size in buckets
 * @first to @last; 0 when the run was no crawl. */
static double
crawl_high (FsAggregator *aggregator,
            guint         first,
            guint         last)
{
  double hi = 0;

  for (guint b = first; b <= last; b++)
    {
      const FsBucket *bucket = fs_aggregator_get_bucket (aggregator, b);

      hi = MAX (hi, MAX (bucket->crawl_visited, bucket->crawl_frontier));
    }

  return hi;
}

/* The plot with a second value axis at its right, @right's labels there. */
static GArray *
layout_time_plot_with_right_axis (FsChartContext    *c,
                                  const FsChartAxis *right)
{
  _fs_chart_layout_plot_columns (c, _fs_chart_widest_label (c, &c->yaxis));
  c->w -= _fs_chart_widest_label (c, right) + FS_CHART_TICK_GAP;
  if (_fs_chart_plot_too_small (c))
    return NULL;
  _fs_chart_axis_time (c);

  return _fs_chart_group_buckets (c, 1);
}

static void
draw_right_labels (FsChartContext    *c,
                   const FsChartAxis *axis,
                   const FsColor     *color)
{
  cairo_t *cr = c->cr;
  double x = c->x + c->w;

  cairo_set_line_width (cr, 1);
  fs_color_set_source (cr, &c->palette->axis);
  cairo_move_to (cr, _fs_chart_snap (x), c->y);
  cairo_line_to (cr, _fs_chart_snap (x), c->y + c->h);
  cairo_stroke (cr);

  for (guint i = 0; i < axis->n_ticks; i++)
    {
      double y = c->y + c->h - _fs_chart_axis_fraction (axis, axis->ticks[i].value) * c->h;

      y = CLAMP (y, c->line_h / 2, c->height - c->line_h / 2);
      _fs_chart_draw_text (c, axis->ticks[i].label, x + FS_CHART_TICK_GAP, y, 0, 0.5, color,
                           FALSE);
    }
}

/* Requests in flight on the left axis; for a crawl also the pages visited
 * so far and the frontier's size, as lines on an axis of pages at the
 * right, so the work can be seen growing as it is done. */
void
_fs_chart_render_in_flight (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  const FsColor *color = &palette->series[FS_SERIES_IN_FLIGHT];
  const FsChartLegendItem legend[3] = {
    { N_("in flight"), color, FS_CHART_MARK_BOX },
    { N_("visited"), &palette->series[FS_SERIES_VISITED], FS_CHART_MARK_LINE },
    { N_("frontier"), &palette->series[FS_SERIES_FRONTIER], FS_CHART_MARK_LINE },
  };
  g_autoptr(GArray) groups = NULL;
  g_autofree double *values = NULL;
  g_autofree double *visited = NULL;
  g_autofree double *frontier = NULL;
  FsChartAxis pages = { 0 };
  FsColor fill;
  FsSummary summary;
  cairo_t *cr = c->cr;
  double hi = 0;
  double crawl_hi = 0;
  gboolean visible;
  guint first = 0;
  guint last = 0;

  fs_aggregator_get_summary (c->aggregator, &summary);
  visible = _fs_chart_visible_buckets (c, &first, &last);
  if (visible)
    crawl_hi = crawl_high (c->aggregator, first, last);
  if (crawl_hi > 0)
    _fs_chart_draw_header (c, _("requests · pages at the right"), legend, G_N_ELEMENTS (legend));
  else
    _fs_chart_draw_header (c, _("requests"), NULL, 0);
  if (summary.started == 0 || !visible)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  for (guint b = first; b <= last; b++)
    hi = MAX (hi, fs_aggregator_get_bucket (c->aggregator, b)->in_flight_max);

  _fs_chart_layout_plot_rows (c);
  _fs_chart_axis_linear (&c->yaxis, 0, MAX (hi, 1), c->h, _fs_chart_format_count);
  if (crawl_hi > 0)
    {
      _fs_chart_axis_linear (&pages, 0, crawl_hi, c->h, _fs_chart_format_count);
      groups = layout_time_plot_with_right_axis (c, &pages);
    }
  else
    groups = _fs_chart_layout_time_plot (c);
  if (groups == NULL)
    return;

  /* The highest level in each group: the series is a maximum already. */
  values = g_new0 (double, MAX (groups->len, 1));
  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);

      for (guint b = group->first; b <= group->last; b++)
        values[g] = MAX (values[g], fs_aggregator_get_bucket (c->aggregator, b)->in_flight_max);
    }

  _fs_chart_draw_grid (c, TRUE, TRUE);

  cairo_save (cr);
  _fs_chart_clip_to_plot (c);
  fill = *color;
  fill.alpha *= 0.2;
  _fs_chart_fill_steps (c, groups, values, 1, &fill);
  stroke_steps (c, groups, values, color);
  if (crawl_hi > 0)
    {
      FsChartAxis requests = c->yaxis;

      visited = g_new0 (double, MAX (groups->len, 1));
      frontier = g_new0 (double, MAX (groups->len, 1));
      for (guint g = 0; g < groups->len; g++)
        {
          const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);

          for (guint b = group->first; b <= group->last; b++)
            {
              const FsBucket *bucket = fs_aggregator_get_bucket (c->aggregator, b);

              visited[g] = MAX (visited[g], bucket->crawl_visited);
              frontier[g] = MAX (frontier[g], bucket->crawl_frontier);
            }
        }

      /* The lines map onto the pages' axis. */
      c->yaxis = pages;
      stroke_steps (c, groups, frontier, &palette->series[FS_SERIES_FRONTIER]);
      stroke_steps (c, groups, visited, &palette->series[FS_SERIES_VISITED]);
      c->yaxis = requests;
    }
  cairo_restore (cr);

  _fs_chart_draw_axes (c);
  if (crawl_hi > 0)
    draw_right_labels (c, &pages, &palette->dim);

  if (_fs_chart_hover_in_plot (c))
    {
      int shown = _fs_chart_hover_group (c, groups);
      char text[160];

      if (shown >= 0 && crawl_hi > 0)
        g_snprintf (text, sizeof text, _("%.0f in flight · %.0f visited · %.0f in the frontier"),
                    values[shown], visited[shown], frontier[shown]);
      else if (shown >= 0)
        g_snprintf (text, sizeof text, _("%.0f in flight"), values[shown]);
      _fs_chart_draw_time_hover (c, shown >= 0 ? text : NULL);
    }
}

/* Memory */

void
_fs_chart_render_memory (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  FsAggregator *aggregator = c->aggregator;
  guint n_processes = fs_aggregator_get_n_processes (aggregator);
  FsChartLegendItem legend[FS_AGGREGATOR_MAX_PROCESSES];
  const FsColor *colors[FS_AGGREGATOR_MAX_PROCESSES];
  g_autoptr(GArray) groups = NULL;
  g_autofree double *stacked = NULL;
  cairo_t *cr = c->cr;
  double hi = 0;
  guint first;
  guint last;

  for (guint p = 0; p < n_processes; p++)
    {
      GPid pid = fs_aggregator_get_process_pid (aggregator, p);

      legend[p].color = &palette->cycle[p % FS_CHART_N_SERIES_COLORS];
      legend[p].mark = FS_CHART_MARK_BOX;
      legend[p].verbatim = p > 0 && pid != 0;
      if (p == 0)
        g_strlcpy (legend[p].label, N_("app"), sizeof legend[p].label);
      else if (pid == 0)
        g_strlcpy (legend[p].label, N_("other workers"), sizeof legend[p].label);
      else
        g_snprintf (legend[p].label, sizeof legend[p].label, _("worker %d"), (int) pid);
    }
  _fs_chart_draw_header (c, "RSS", legend, n_processes);

  if (n_processes == 0 || !_fs_chart_visible_buckets (c, &first, &last))
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  for (guint b = first; b <= last; b++)
    {
      guint64 sum = 0;

      for (guint p = 0; p < n_processes; p++)
        sum += fs_aggregator_get_bucket_rss (aggregator, b, p);
      hi = MAX (hi, sum);
    }

  _fs_chart_layout_plot_rows (c);
  _fs_chart_axis_linear (&c->yaxis, 0, MAX (hi, 1e6), c->h, _fs_chart_format_bytes);
  if (!(groups = _fs_chart_layout_time_plot (c)))
    return;

  /* Per group, each process' highest value, summed up the stack. */
  stacked = g_new0 (double, MAX (groups->len, 1) * n_processes);
  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);
      double *row = &stacked[g * n_processes];

      for (guint b = group->first; b <= group->last; b++)
        for (guint p = 0; p < n_processes; p++)
          row[p] = MAX (row[p], fs_aggregator_get_bucket_rss (aggregator, b, p));
      for (guint p = 1; p < n_processes; p++)
        row[p] += row[p - 1];
    }

  _fs_chart_draw_grid (c, TRUE, TRUE);

  /* Each process' band on the one below it: the steps are each process'
   * highest level. */
  for (guint p = 0; p < n_processes; p++)
    colors[p] = legend[p].color;
  cairo_save (cr);
  _fs_chart_clip_to_plot (c);
  _fs_chart_fill_bands (c, groups, stacked, n_processes, n_processes, colors);
  cairo_restore (cr);

  _fs_chart_draw_axes (c);

  if (_fs_chart_hover_in_plot (c))
    {
      int shown = _fs_chart_hover_group (c, groups);
      char total[FS_CHART_LABEL_LEN];
      char text[160];

      if (shown >= 0)
        {
          _fs_chart_format_bytes (stacked[shown * n_processes + n_processes - 1], 0, total,
                                  sizeof total);
          g_snprintf (text, sizeof text, _("%s in all"), total);
        }
      _fs_chart_draw_time_hover (c, shown >= 0 ? text : NULL);
    }
}

/* Latency histogram */

void
_fs_chart_render_histogram (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  const FsHistogram *histogram = fs_aggregator_get_latency (c->aggregator);
  gsize n_bins = fs_histogram_get_n_bins (histogram);
  FsChartLegendItem legend[2] = {
    { "p50", &palette->series[FS_SERIES_P50], FS_CHART_MARK_LINE },
    { "p99", &palette->series[FS_SERIES_P99], FS_CHART_MARK_LINE },
  };
  const double marks[2] = { 0.5, 0.99 };
  g_autofree double *counts = NULL;
  cairo_t *cr = c->cr;
  double per_decade;
  guint n_bars;
  double hi = 0;
  FsColor bar;

  _fs_chart_draw_header (c, _("requests"), legend, G_N_ELEMENTS (legend));
  if (fs_histogram_get_count (histogram) == 0)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  /* Latency runs along x on whole decades; bars are log-spaced, about
   * 8 px wide, so the shape does not depend on the histogram's own bins. */
  _fs_chart_layout_plot_rows (c);
  _fs_chart_layout_plot_columns (c, 40);
  _fs_chart_axis_log (&c->xaxis, MAX (fs_histogram_get_min (histogram), 1),
                      MAX (fs_histogram_get_max (histogram), 2), c->w, _fs_chart_format_duration);
  per_decade = round (c->w / (c->xaxis.log_hi - c->xaxis.log_lo) / 8);
  per_decade = CLAMP (per_decade, 1, 50);
  n_bars = (guint) (per_decade * (c->xaxis.log_hi - c->xaxis.log_lo));
  counts = g_new0 (double, n_bars);

  for (gsize i = 0; i < n_bins; i++)
    {
      guint64 lower;
      guint64 upper;
      guint64 count;
      double mid;
      gint64 bar_index;

      if (!fs_histogram_get_bin (histogram, i, &lower, &upper, &count) || count == 0)
        continue;
      mid = MAX ((lower + upper) / 2.0, 1);
      bar_index = (gint64) floor ((log10 (mid) - c->xaxis.log_lo) * per_decade);
      counts[CLAMP (bar_index, 0, (gint64) n_bars - 1)] += count;
    }
  for (guint b = 0; b < n_bars; b++)
    hi = MAX (hi, counts[b]);

  _fs_chart_axis_linear (&c->yaxis, 0, hi, c->h, _fs_chart_format_count);
  _fs_chart_layout_plot_columns (c, _fs_chart_widest_label (c, &c->yaxis));
  if (_fs_chart_plot_too_small (c))
    return;
  /* The same decades, with ticks for the final width. */
  _fs_chart_axis_log (&c->xaxis, c->xaxis.lo, c->xaxis.hi, c->w, _fs_chart_format_duration);

  _fs_chart_draw_grid (c, TRUE, TRUE);

  for (guint b = 0; b < n_bars; b++)
    {
      double x0;
      double x1;
      double y;

      if (counts[b] == 0)
        continue;

      x0 = c->x + (double) b / n_bars * c->w;
      x1 = c->x + (double) (b + 1) / n_bars * c->w;
      y = _fs_chart_map_y (c, counts[b]);
      cairo_rectangle (cr, round (x0), round (y), MAX (round (x1) - round (x0) - 1, 1),
                       round (c->y + c->h) - round (y));
    }
  bar = palette->cycle[0];
  bar.alpha = 0.75;
  fs_color_set_source (cr, &bar);
  cairo_fill (cr);

  for (guint m = 0; m < G_N_ELEMENTS (marks); m++)
    {
      double value = fs_histogram_quantile (histogram, marks[m]);
      double x = _fs_chart_snap (_fs_chart_map_x (c, MAX (value, 1)));
      char label[FS_CHART_LABEL_LEN];
      char text[FS_CHART_LABEL_LEN + 8];
      double dashes[] = { 4, 3 };

      cairo_save (cr);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, x, c->y);
      cairo_line_to (cr, x, c->y + c->h);
      fs_color_set_source (cr, legend[m].color);
      cairo_stroke (cr);
      cairo_restore (cr);

      _fs_chart_format_duration (value, 0, label, sizeof label);
      g_snprintf (text, sizeof text, "%s %s", legend[m].label, label);
      _fs_chart_draw_text (c, text, x + 4, c->y + 2 + m * c->line_h, 0, 0, legend[m].color, FALSE);
    }

  _fs_chart_draw_axes (c);

  if (_fs_chart_hover_in_plot (c))
    {
      guint b = (guint) CLAMP ((c->style->hover_x - c->x) / c->w * n_bars, 0, n_bars - 1);
      char lower[FS_CHART_LABEL_LEN];
      char upper[FS_CHART_LABEL_LEN];
      char text[160];

      _fs_chart_format_duration (pow (10, c->xaxis.log_lo + b / per_decade), 0, lower,
                                 sizeof lower);
      _fs_chart_format_duration (pow (10, c->xaxis.log_lo + (b + 1) / per_decade), 0, upper,
                                 sizeof upper);
      g_snprintf (text, sizeof text, _("%s – %s · %.0f requests"), lower, upper, counts[b]);
      _fs_chart_draw_hover (c, text);
    }
}

/* Comparisons */

void
_fs_chart_compare_latency (FsChartContext *c)
{
  g_autofree FsChartLegendItem *legend = _fs_chart_run_legend (c, FS_CHART_MARK_LINE);
  g_autoptr(GArray) layout_groups = NULL;
  double lo = G_MAXDOUBLE;
  double hi = 0;
  guint64 total = 0;

  _fs_chart_draw_header (c, _("p50, and p99 fainter"), legend, c->n_runs);

  for (guint r = 0; r < c->n_runs; r++)
    {
      guint first;
      guint last;

      _fs_chart_use_run (c, r);
      if (!_fs_chart_visible_buckets (c, &first, &last))
        continue;
      for (guint b = first; b <= last; b++)
        {
          const FsBucket *bucket = fs_aggregator_get_bucket (c->aggregator, b);
          guint64 count = fs_bucket_bins_count (bucket->latency_bins);

          if (count == 0)
            continue;
          total += count;
          lo = MIN (lo, fs_bucket_latency_quantile (bucket, 0.5));
          hi = MAX (hi, fs_bucket_latency_quantile (bucket, 0.99));
        }
    }

  if (total == 0)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  _fs_chart_layout_plot_rows (c);
  if (c->style->log_scale)
    _fs_chart_axis_log (&c->yaxis, MAX (lo, 1), hi, c->h, _fs_chart_format_duration);
  else
    _fs_chart_axis_linear (&c->yaxis, 0, hi, c->h, _fs_chart_format_duration);
  if (!(layout_groups = _fs_chart_layout_time_plot (c)))
    return;

  _fs_chart_draw_grid (c, TRUE, TRUE);

  /* Every p99 first, so no run's p50 hides under another's p99. */
  cairo_save (c->cr);
  _fs_chart_clip_to_plot (c);
  for (guint pass = 0; pass < 2; pass++)
    for (guint r = 0; r < c->n_runs; r++)
      {
        g_autoptr(GArray) groups = NULL;
        g_autofree LatencyColumn *columns = NULL;
        g_autofree double *xs = NULL;
        g_autofree double *ys = NULL;
        FsColor color = *_fs_chart_run_color (c, r);
        const FsColor *colors[1] = { &color };

        _fs_chart_use_run (c, r);
        groups = _fs_chart_group_buckets (c, 1);
        columns = latency_columns (c, groups);
        xs = g_new (double, MAX (groups->len, 1));
        ys = g_new (double, MAX (groups->len, 1));
        for (guint g = 0; g < groups->len; g++)
          {
            xs[g] = g_array_index (groups, FsChartGroup, g).xc;
            ys[g] = columns[g].count > 0 ? _fs_chart_map_y (c, columns[g].quantile[pass == 0 ? 2
                                                                                      : 0])
                                         : NAN;
          }
        if (pass == 0)
          color.alpha *= 0.35;
        _fs_chart_draw_lines (c, xs, ys, groups->len, 1, pass == 0 ? 1.5 : 2.0, colors);
      }
  cairo_restore (c->cr);

  _fs_chart_draw_axes (c);
}

/* The value of bucket @b that a step chart of @kind shows; groups take
 * the highest (in flight, memory) or the mean rate (throughput). */
static double
step_value (FsAggregator *aggregator,
            FsChartKind   kind,
            guint         b)
{
  double sum = 0;

  switch (kind)
    {
    case FS_CHART_THROUGHPUT:
      return fs_aggregator_get_bucket (aggregator, b)->completed /
             ((double) fs_aggregator_get_bucket_us (aggregator) / G_USEC_PER_SEC);

    case FS_CHART_IN_FLIGHT:
      return fs_aggregator_get_bucket (aggregator, b)->in_flight_max;

    case FS_CHART_MEMORY:
      for (guint p = 0; p < fs_aggregator_get_n_processes (aggregator); p++)
        sum += fs_aggregator_get_bucket_rss (aggregator, b, p);
      return sum;

    case FS_CHART_LATENCY:
    case FS_CHART_HISTOGRAM:
    case FS_CHART_CPU:
    case FS_CHART_SWIMLANE:
    case FS_N_CHARTS:
    default:
      g_assert_not_reached ();
    }
}

/* Throughput, in flight and memory: a step line per run over a light
 * area of its colour. */
void
_fs_chart_compare_steps (FsChartContext *c,
                         FsChartKind     kind)
{
  g_autofree FsChartLegendItem *legend = _fs_chart_run_legend (c, FS_CHART_MARK_LINE);
  g_autoptr(GArray) layout_groups = NULL;
  const char *note = kind == FS_CHART_THROUGHPUT ? _("requests/s")
                   : kind == FS_CHART_IN_FLIGHT ? _("requests") : _("RSS, all processes");
  FsChartFormatFunc format = kind == FS_CHART_MEMORY ? _fs_chart_format_bytes
                                                     : _fs_chart_format_count;
  gboolean any = FALSE;
  double hi = 0;

  _fs_chart_draw_header (c, note, legend, c->n_runs);

  for (guint r = 0; r < c->n_runs; r++)
    {
      guint first;
      guint last;

      _fs_chart_use_run (c, r);
      if ((kind == FS_CHART_MEMORY && fs_aggregator_get_n_processes (c->aggregator) == 0) ||
          !_fs_chart_visible_buckets (c, &first, &last))
        continue;
      any = TRUE;
      for (guint b = first; b <= last; b++)
        hi = MAX (hi, step_value (c->aggregator, kind, b));
    }

  if (!any)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  _fs_chart_layout_plot_rows (c);
  _fs_chart_axis_linear (&c->yaxis, 0, MAX (hi, kind == FS_CHART_MEMORY ? 1e6 : 1), c->h, format);
  if (!(layout_groups = _fs_chart_layout_time_plot (c)))
    return;

  _fs_chart_draw_grid (c, TRUE, TRUE);

  cairo_save (c->cr);
  _fs_chart_clip_to_plot (c);
  for (guint r = 0; r < c->n_runs; r++)
    {
      g_autoptr(GArray) groups = NULL;
      g_autofree double *values = NULL;
      FsColor fill;

      _fs_chart_use_run (c, r);
      if (kind == FS_CHART_MEMORY && fs_aggregator_get_n_processes (c->aggregator) == 0)
        continue;
      groups = _fs_chart_group_buckets (c, 1);
      values = g_new0 (double, MAX (groups->len, 1));
      for (guint g = 0; g < groups->len; g++)
        {
          const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);

          for (guint b = group->first; b <= group->last; b++)
            {
              double v = step_value (c->aggregator, kind, b);

              values[g] = kind == FS_CHART_THROUGHPUT ? values[g] + v : MAX (values[g], v);
            }
          if (kind == FS_CHART_THROUGHPUT)
            values[g] /= (group->last - group->first + 1);
        }

      fill = *_fs_chart_run_color (c, r);
      fill.alpha *= 0.1;
      _fs_chart_fill_steps (c, groups, values, 1, &fill);
      stroke_steps (c, groups, values, _fs_chart_run_color (c, r));
    }
  cairo_restore (c->cr);

  _fs_chart_draw_axes (c);
}

/* The runs' latency distributions on shared log-spaced bars: an outline
 * per run, and its p50. */
void
_fs_chart_compare_histogram (FsChartContext *c)
{
  g_autofree FsChartLegendItem *legend = _fs_chart_run_legend (c, FS_CHART_MARK_LINE);
  g_autofree double *counts = NULL;
  cairo_t *cr = c->cr;
  guint64 lo = G_MAXUINT64;
  guint64 hi = 0;
  double per_decade;
  double top = 0;
  guint n_bars;

  _fs_chart_draw_header (c, _("requests, dashed: p50"), legend, c->n_runs);

  for (guint r = 0; r < c->n_runs; r++)
    {
      const FsHistogram *histogram = fs_aggregator_get_latency (c->runs[r].aggregator);

      if (fs_histogram_get_count (histogram) == 0)
        continue;
      lo = MIN (lo, fs_histogram_get_min (histogram));
      hi = MAX (hi, fs_histogram_get_max (histogram));
    }
  if (hi == 0 && lo == G_MAXUINT64)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  _fs_chart_layout_plot_rows (c);
  _fs_chart_layout_plot_columns (c, 40);
  _fs_chart_axis_log (&c->xaxis, MAX (lo, 1), MAX (hi, 2), c->w, _fs_chart_format_duration);
  per_decade = round (c->w / (c->xaxis.log_hi - c->xaxis.log_lo) / 8);
  per_decade = CLAMP (per_decade, 1, 50);
  n_bars = (guint) (per_decade * (c->xaxis.log_hi - c->xaxis.log_lo));
  counts = g_new0 (double, (gsize) n_bars * c->n_runs);

  for (guint r = 0; r < c->n_runs; r++)
    {
      const FsHistogram *histogram = fs_aggregator_get_latency (c->runs[r].aggregator);

      for (gsize i = 0; i < fs_histogram_get_n_bins (histogram); i++)
        {
          guint64 lower, upper, count;
          gint64 bar;

          if (!fs_histogram_get_bin (histogram, i, &lower, &upper, &count) || count == 0)
            continue;
          bar = (gint64) floor ((log10 (MAX ((lower + upper) / 2.0, 1)) - c->xaxis.log_lo) *
                                per_decade);
          counts[r * n_bars + CLAMP (bar, 0, (gint64) n_bars - 1)] += count;
        }
      for (guint b = 0; b < n_bars; b++)
        top = MAX (top, counts[r * n_bars + b]);
    }

  _fs_chart_axis_linear (&c->yaxis, 0, top, c->h, _fs_chart_format_count);
  _fs_chart_layout_plot_columns (c, _fs_chart_widest_label (c, &c->yaxis));
  if (_fs_chart_plot_too_small (c))
    return;
  _fs_chart_axis_log (&c->xaxis, c->xaxis.lo, c->xaxis.hi, c->w, _fs_chart_format_duration);

  _fs_chart_draw_grid (c, TRUE, TRUE);

  for (guint r = 0; r < c->n_runs; r++)
    {
      const FsHistogram *histogram = fs_aggregator_get_latency (c->runs[r].aggregator);
      const FsColor *color = _fs_chart_run_color (c, r);
      double base = round (c->y + c->h);
      double dashes[] = { 4, 3 };
      FsColor fill = *color;
      char label[FS_CHART_LABEL_LEN];
      char text[2 * FS_CHART_LABEL_LEN];
      double x;

      if (fs_histogram_get_count (histogram) == 0)
        continue;

      /* An outline over the bars, from the baseline and back to it. */
      cairo_move_to (cr, c->x, base);
      for (guint b = 0; b < n_bars; b++)
        {
          double y = round (_fs_chart_map_y (c, counts[r * n_bars + b]));

          cairo_line_to (cr, round (c->x + (double) b / n_bars * c->w), y);
          cairo_line_to (cr, round (c->x + (double) (b + 1) / n_bars * c->w), y);
        }
      cairo_line_to (cr, c->x + c->w, base);
      cairo_close_path (cr);
      fill.alpha *= 0.12;
      fs_color_set_source (cr, &fill);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.5);
      fs_color_set_source (cr, color);
      cairo_stroke (cr);

      x = _fs_chart_snap (_fs_chart_map_x (c, MAX (fs_histogram_quantile (histogram, 0.5), 1)));
      cairo_save (cr);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, x, c->y);
      cairo_line_to (cr, x, c->y + c->h);
      cairo_stroke (cr);
      cairo_restore (cr);

      _fs_chart_format_duration (fs_histogram_quantile (histogram, 0.5), 0, label, sizeof label);
      g_snprintf (text, sizeof text, "%s p50 %s", legend[r].label, label);
      _fs_chart_draw_text (c, text, x + 4, c->y + 2 + r * c->line_h, 0, 0, color, FALSE);
    }

  _fs_chart_draw_axes (c);
}

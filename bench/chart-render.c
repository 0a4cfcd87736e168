/* chart-render.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long each chart takes to draw at 1280x800 from the aggregates of a
 * synthetic run (200,000 records by default): the median of many draws, in
 * ms, against DESIGN.md's budget of 4 ms a redraw. With --png DIR it also
 * writes every chart, light and dark, to DIR to look at.
 *
 *   chart-render [--events N] [--rounds N] [--chart KIND] [--png DIR]
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fs-chart-render.h"
#include "fs-test-charts.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db ? 1 : 0;
}

static double
median_ms (cairo_t            *cr,
           FsChartKind         kind,
           const FsChartData  *data,
           const FsChartStyle *style,
           guint               rounds)
{
  g_autofree double *ms = g_new (double, rounds);

  for (guint i = 0; i < rounds; i++)
    {
      gint64 start = g_get_monotonic_time ();

      fs_chart_render (cr, kind, data, style, 1280, 800);
      cairo_surface_flush (cairo_get_target (cr));
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, rounds, sizeof *ms, compare_doubles);

  return ms[rounds / 2];
}

static gboolean
write_pngs (const char        *dir,
            const FsChartData *data,
            GError           **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not create “%s”", dir);
      return FALSE;
    }

  for (guint dark = 0; dark <= 1; dark++)
    for (guint kind = 0; kind < FS_N_CHARTS; kind++)
      for (guint variant = 0; variant < (kind == FS_CHART_LATENCY ? 3 : 1); variant++)
        {
          FsChartStyle style;
          g_autofree char *name = NULL;
          g_autofree char *path = NULL;

          fs_chart_style_init (&style);
          style.dark = dark;
          style.log_scale = variant == 1;
          style.heatmap = variant == 2;
          style.hover_x = 700;
          name = g_strdup_printf ("%s%s-%s.png", fs_chart_kind_to_string (kind),
                                  variant == 1 ? "-log" : variant == 2 ? "-heatmap" : "",
                                  dark ? "dark" : "light");
          path = g_build_filename (dir, name, NULL);
          if (!fs_chart_render_png (path, kind, data, &style, 1280, 800, 1, error))
            return FALSE;
          g_print ("%s\n", path);
        }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FsAggregator) aggregator = NULL;
  g_autoptr(FsSwimlane) swimlane = NULL;
  g_autofree char *png_dir = NULL;
  g_autofree char *only = NULL;
  FsChartKind only_kind = FS_N_CHARTS;
  gint64 n_events = 200000;
  int rounds = 50;
  int scale = 1;
  cairo_surface_t *surface;
  cairo_t *cr;
  FsChartData data = { NULL, NULL, NULL };
  FsChartStyle style;
  guint64 fed;
  gint64 start;
  const GOptionEntry entries[] = {
    { "events", 0, 0, G_OPTION_ARG_INT64, &n_events, "Records to feed", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Draws per chart", "N" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Device pixels per unit, as on a HiDPI screen (1 to 4)", "N" },
    { "chart", 0, 0, G_OPTION_ARG_STRING, &only, "Time only this chart", "KIND" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_dir, "Also write every chart to DIR", "DIR" },
    { NULL }
  };

  context = g_option_context_new ("- time the chart renderer");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_events <= 0 || rounds <= 0 ||
      scale < 1 || scale > 4)
    {
      g_printerr ("%s\n", error ? error->message
                                 : "--events and --rounds must be positive, --scale 1 to 4");
      return 2;
    }
  if (only != NULL && !fs_chart_kind_from_string (only, &only_kind))
    {
      g_printerr ("No chart called “%s”\n", only);
      return 2;
    }

  aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US, FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  swimlane = fs_swimlane_new (FS_AGGREGATOR_DEFAULT_BUCKET_US, 600);
  start = g_get_monotonic_time ();
  fed = fs_test_charts_feed (aggregator, swimlane, (guint64) n_events, 1);
  g_print ("fed %" G_GUINT64_FORMAT " records in %.0f ms: %u buckets of %.1f s, "
           "%u swimlane rows x %u bins\n",
           fed, (g_get_monotonic_time () - start) / 1000.0,
           fs_aggregator_get_n_buckets (aggregator),
           fs_aggregator_get_bucket_us (aggregator) / 1e6,
           fs_swimlane_get_n_rows (swimlane), fs_swimlane_get_n_bins (swimlane));

  data.aggregator = aggregator;
  data.swimlane = swimlane;

  if (png_dir != NULL && !write_pngs (png_dir, &data, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280 * scale, 800 * scale);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  fs_chart_style_init (&style);

  g_print ("median ms per draw at 1280x800%s over %d draws (budget 4 ms at 1x):\n",
           scale > 1 ? (scale == 2 ? " at 2x" : " at 3x or 4x") : "", rounds);
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      if (only != NULL && kind != only_kind)
        continue;
      g_print ("  %-12s %6.2f\n", fs_chart_kind_to_string (kind),
               median_ms (cr, kind, &data, &style, rounds));
      if (kind == FS_CHART_LATENCY)
        {
          style.heatmap = TRUE;
          g_print ("  %-12s %6.2f\n", "heatmap", median_ms (cr, kind, &data, &style, rounds));
          style.heatmap = FALSE;
        }
    }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  return 0;
}

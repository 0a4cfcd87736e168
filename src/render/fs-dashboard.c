/* fs-dashboard.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-chart-render-private.h"
#include "fs-dashboard.h"

#define GAP        12.0
#define RADIUS     8.0
#define ROW_PX     22.0
#define TITLE_PX   18.0

/* A run of the dashboard that borrows @saved's aggregates, in colour
 * @color of the palette's cycle. */
void
fs_dashboard_run_init (FsDashboardRun   *run,
                       const FsSavedRun *saved,
                       guint             color)
{
  g_return_if_fail (run != NULL);
  g_return_if_fail (saved != NULL && saved->aggregator != NULL);

  memset (run, 0, sizeof *run);
  run->chart.aggregator = saved->aggregator;
  run->chart.swimlane = saved->swimlane;
  run->chart.label = saved->label;
  run->chart.color = color;
  run->summary = saved->summary;
  run->config = saved->config;
  run->complete = saved->complete;
}

void
fs_dashboard_init (FsDashboard          *dashboard,
                   const FsDashboardRun *runs,
                   guint                 n_runs,
                   const char           *urls)
{
  g_return_if_fail (dashboard != NULL);

  memset (dashboard, 0, sizeof *dashboard);
  dashboard->runs = runs;
  dashboard->n_runs = n_runs;
  dashboard->urls = urls;
  dashboard->baseline = -1;
}

/* One value for every run, or "varies" when they differ. */
static void
append_setting (GString           *text,
                const FsDashboard *dashboard,
                char *           (*describe) (const FsRunConfig *config))
{
  g_autofree char *first = describe (dashboard->runs[0].config);

  for (guint i = 1; i < dashboard->n_runs; i++)
    {
      g_autofree char *other = describe (dashboard->runs[i].config);

      if (!g_str_equal (first, other))
        {
          g_autofree char *name = g_strdup (first);
          char *space = strrchr (name, ' ');

          /* "GIL on" and "GIL off": "GIL varies". */
          if (space != NULL)
            *space = '\0';
          g_string_append_printf (text, " · %s varies", name);
          return;
        }
    }

  g_string_append_printf (text, " · %s", first);
}

static char *
describe_concurrency (const FsRunConfig *config)
{
  return g_strdup_printf ("concurrency %u", config->concurrency);
}

static char *
describe_workers (const FsRunConfig *config)
{
  return config->workers > 0 ? g_strdup_printf ("workers %u", config->workers)
                             : g_strdup ("workers auto");
}

static char *
describe_cpu (const FsRunConfig *config)
{
  g_autofree char *work = fs_cpu_work_to_string (config->cpu_work, config->hash_rounds);

  return g_strdup_printf ("CPU stage %s", work);
}

static char *
describe_gil (const FsRunConfig *config)
{
  return g_strdup (config->gil ? "GIL on" : "GIL off");
}

/**
 * fs_dashboard_dup_footer:
 *
 * Returns: (transfer full): the line every exported image carries
 */
char *
fs_dashboard_dup_footer (const FsDashboard *dashboard)
{
  g_autoptr(GString) text = g_string_new ("Fetchscope " PACKAGE_VERSION " · ");
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date = NULL;
  guint64 requests = 0;

  g_return_val_if_fail (dashboard != NULL, NULL);

  for (guint i = 0; i < dashboard->n_runs; i++)
    {
      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                              dashboard->runs[i].chart.label != NULL
                              ? dashboard->runs[i].chart.label : "?");
      requests = MAX (requests, dashboard->runs[i].summary.total);
    }
  g_string_append_printf (text, " · %s · %" G_GUINT64_FORMAT " requests%s",
                          dashboard->urls != NULL ? dashboard->urls : "?", requests,
                          dashboard->n_runs > 1 ? " each" : "");

  if (dashboard->n_runs > 0 && dashboard->runs[0].config != NULL)
    {
      append_setting (text, dashboard, describe_concurrency);
      append_setting (text, dashboard, describe_workers);
      append_setting (text, dashboard, describe_cpu);
      append_setting (text, dashboard, describe_gil);
    }

  if (dashboard->date == NULL)
    now = g_date_time_new_now_local ();
  date = g_date_time_format (dashboard->date != NULL ? dashboard->date : now, "%Y-%m-%d %H:%M");
  g_string_append_printf (text, " · %s", date);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Text */

static void
draw_label (FsChartContext *c,
            const char     *text,
            double          x,
            double          y,
            double          ax,
            double          max_w,
            double          size_px,
            gboolean        bold,
            const FsColor  *color)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (bold ? c->bold : c->font);
  PangoRectangle logical;

  pango_font_description_set_absolute_size (font, size_px * PANGO_SCALE);
  pango_layout_set_font_description (c->layout, font);
  pango_layout_set_text (c->layout, text, -1);
  if (max_w > 0)
    {
      pango_layout_set_width (c->layout, (int) (max_w * PANGO_SCALE));
      pango_layout_set_ellipsize (c->layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_extents (c->layout, NULL, &logical);

  fs_color_set_source (c->cr, color);
  cairo_move_to (c->cr, round (x - ax * logical.width), round (y - logical.height / 2.0));
  pango_cairo_show_layout (c->cr, c->layout);

  pango_layout_set_width (c->layout, -1);
  pango_layout_set_ellipsize (c->layout, PANGO_ELLIPSIZE_NONE);
}

/* Cards */

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   w,
                   double   h)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - RADIUS, y + RADIUS, RADIUS, -G_PI / 2, 0);
  cairo_arc (cr, x + w - RADIUS, y + h - RADIUS, RADIUS, 0, G_PI / 2);
  cairo_arc (cr, x + RADIUS, y + h - RADIUS, RADIUS, G_PI / 2, G_PI);
  cairo_arc (cr, x + RADIUS, y + RADIUS, RADIUS, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
begin_card (FsChartContext *c,
            double          x,
            double          y,
            double          w,
            double          h)
{
  cairo_save (c->cr);
  rounded_rectangle (c->cr, x, y, w, h);
  fs_color_set_source (c->cr, &c->palette->background);
  cairo_fill_preserve (c->cr);
  cairo_clip (c->cr);
  cairo_translate (c->cr, round (x), round (y));
}

static void
end_card (FsChartContext *c,
          double          x,
          double          y,
          double          w,
          double          h)
{
  cairo_restore (c->cr);
  rounded_rectangle (c->cr, x + 0.5, y + 0.5, w - 1, h - 1);
  cairo_set_line_width (c->cr, 1);
  fs_color_set_source (c->cr, &c->palette->grid);
  cairo_stroke (c->cr);
}

static void
chart_card (FsChartContext    *c,
            const FsDashboard *dashboard,
            const FsChartRun  *runs,
            FsChartKind        kind,
            double             x,
            double             y,
            double             w,
            double             h)
{
  if (w < 1 || h < 1)
    return;

  begin_card (c, x, y, w, h);
  fs_chart_render_compare (c->cr, kind, runs, dashboard->n_runs, NULL, c->style,
                           (int) floor (w), (int) floor (h));
  end_card (c, x, y, w, h);
}

/* The summary */

static int
compare_wall (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const FsDashboardRun *runs = user_data;
  double wa = runs[*(const guint *) a].summary.wall_s;
  double wb = runs[*(const guint *) b].summary.wall_s;

  return (wa > wb) - (wa < wb);
}

static double
baseline_wall (const FsDashboard *dashboard)
{
  double wall = 0;

  if (dashboard->baseline >= 0 && (guint) dashboard->baseline < dashboard->n_runs)
    return dashboard->runs[dashboard->baseline].summary.wall_s;

  for (guint i = 0; i < dashboard->n_runs; i++)
    {
      const FsDashboardRun *run = &dashboard->runs[i];

      if (run->config != NULL && run->config->strategy == FS_STRATEGY_SERIAL)
        return run->summary.wall_s;
      wall = MAX (wall, run->summary.wall_s);
    }

  return wall;
}

typedef enum
{
  COL_RUN,
  COL_WALL,
  COL_SPEEDUP,
  COL_RPS,
  COL_P50,
  COL_P99,
  COL_RSS,
  COL_CPU,
  COL_ERRORS,
  N_COLS
} Column;

static const char * const column_titles[N_COLS] = {
  "run", "wall time", "speedup", "req/s", "p50", "p99", "peak RSS", "CPU time", "errors",
};

static void
format_cell (const FsDashboardRun *run,
             Column                column,
             double                baseline,
             char                 *buf,
             gsize                 size)
{
  const FsSummary *s = &run->summary;
  char value[FS_CHART_LABEL_LEN];

  switch (column)
    {
    case COL_RUN:
      g_snprintf (buf, size, "%s%s", run->chart.label != NULL ? run->chart.label : "?",
                  run->complete ? "" : " (cancelled)");
      break;

    case COL_WALL:
      g_snprintf (buf, size, "%.2f s", s->wall_s);
      break;

    case COL_SPEEDUP:
      g_snprintf (buf, size, "%.2f×", s->wall_s > 0 ? baseline / s->wall_s : 0.0);
      break;

    case COL_RPS:
      g_snprintf (buf, size, "%.1f", s->rps);
      break;

    case COL_P50:
      _fs_chart_format_duration (s->latency_ms_p50 * 1000, 0, buf, size);
      break;

    case COL_P99:
      _fs_chart_format_duration (s->latency_ms_p99 * 1000, 0, buf, size);
      break;

    case COL_RSS:
      _fs_chart_format_bytes (s->peak_rss_bytes, 0, value, sizeof value);
      g_strlcpy (buf, s->peak_rss_bytes > 0 ? value : "—", size);
      break;

    case COL_CPU:
      g_snprintf (buf, size, "%.2f s", s->cpu_s);
      break;

    case COL_ERRORS:
      g_snprintf (buf, size, "%" G_GUINT64_FORMAT, s->total - s->outcomes[FS_OUTCOME_OK]);
      break;

    case N_COLS:
    default:
      g_assert_not_reached ();
    }
}

static double
summary_height (const FsDashboard *dashboard)
{
  return ROW_PX * (dashboard->n_runs + 1) + 2 * FS_CHART_PAD;
}

/* A row per run, fastest first, the first column its colour and name. */
static void
draw_summary (FsChartContext    *c,
              const FsDashboard *dashboard,
              double             w)
{
  const FsChartPalette *palette = c->palette;
  g_autofree guint *order = g_new (guint, MAX (dashboard->n_runs, 1));
  double baseline = baseline_wall (dashboard);
  double col_w[N_COLS] = { 0 };
  double col_x[N_COLS];
  gboolean shown[N_COLS];
  double total_w = 0;
  double x = FS_CHART_PAD + 16;

  for (guint i = 0; i < dashboard->n_runs; i++)
    order[i] = i;
  g_qsort_with_data (order, dashboard->n_runs, sizeof *order, compare_wall,
                     (gpointer) dashboard->runs);

  for (guint col = 0; col < N_COLS; col++)
    {
      shown[col] = col != COL_SPEEDUP || dashboard->n_runs > 1;
      _fs_chart_measure (c, column_titles[col], FALSE, &col_w[col], NULL);
      for (guint i = 0; shown[col] && i < dashboard->n_runs; i++)
        {
          char cell[FS_CHART_LABEL_LEN * 2];
          double cell_w;

          format_cell (&dashboard->runs[i], col, baseline, cell, sizeof cell);
          _fs_chart_measure (c, cell, col == COL_RUN, &cell_w, NULL);
          col_w[col] = MAX (col_w[col], cell_w);
        }
      if (shown[col])
        total_w += col_w[col];
    }

  /* The name on the left, the numbers spread over the rest, right-aligned. */
  {
    double spare = MAX (w - 2 * FS_CHART_PAD - 16 - total_w, 0);
    guint n_gaps = 0;

    for (guint col = 1; col < N_COLS; col++)
      n_gaps += shown[col];
    for (guint col = 0; col < N_COLS; col++)
      {
        if (!shown[col])
          continue;
        if (col > 0)
          x += spare / MAX (n_gaps, 1);
        x += col_w[col];
        col_x[col] = x;
      }
  }

  for (guint col = 0; col < N_COLS; col++)
    if (shown[col])
      _fs_chart_draw_text (c, column_titles[col], col == COL_RUN ? FS_CHART_PAD + 16 : col_x[col],
                           FS_CHART_PAD + ROW_PX / 2, col == COL_RUN ? 0 : 1, 0.5, &palette->dim,
                           FALSE);

  cairo_set_line_width (c->cr, 1);
  fs_color_set_source (c->cr, &palette->grid);
  cairo_move_to (c->cr, FS_CHART_PAD, _fs_chart_snap (FS_CHART_PAD + ROW_PX));
  cairo_line_to (c->cr, w - FS_CHART_PAD, _fs_chart_snap (FS_CHART_PAD + ROW_PX));
  cairo_stroke (c->cr);

  for (guint r = 0; r < dashboard->n_runs; r++)
    {
      const FsDashboardRun *run = &dashboard->runs[order[r]];
      double cy = FS_CHART_PAD + ROW_PX * (r + 1.5);

      fs_color_set_source (c->cr, &palette->cycle[run->chart.color % FS_CHART_N_SERIES_COLORS]);
      cairo_rectangle (c->cr, FS_CHART_PAD, round (cy - 5), 10, 10);
      cairo_fill (c->cr);

      for (guint col = 0; col < N_COLS; col++)
        {
          char cell[FS_CHART_LABEL_LEN * 2];

          if (!shown[col])
            continue;
          format_cell (run, col, baseline, cell, sizeof cell);
          _fs_chart_draw_text (c, cell, col == COL_RUN ? FS_CHART_PAD + 16 : col_x[col], cy,
                               col == COL_RUN ? 0 : 1, 0.5, &palette->foreground, col == COL_RUN);
        }
    }
}

static void
fill_runs (const FsDashboard *dashboard,
           FsChartRun        *runs)
{
  for (guint i = 0; i < dashboard->n_runs; i++)
    runs[i] = dashboard->runs[i].chart;
}

static void
page_background (FsChartContext *c,
                 double          width,
                 double          height)
{
  FsColor page;

  /* A shade off the charts' own background, so the cards stand out. */
  fs_color_mix (&c->palette->background, &c->palette->foreground,
                c->style->dark ? 0.05 : 0.035, &page);
  page.alpha = 1;
  fs_color_set_source (c->cr, &page);
  cairo_rectangle (c->cr, 0, 0, width, height);
  cairo_fill (c->cr);
}

static void
draw_footer (FsChartContext    *c,
             const FsDashboard *dashboard,
             double             y,
             double             width)
{
  g_autofree char *footer = fs_dashboard_dup_footer (dashboard);

  cairo_set_line_width (c->cr, 1);
  fs_color_set_source (c->cr, &c->palette->axis);
  cairo_move_to (c->cr, GAP, _fs_chart_snap (y));
  cairo_line_to (c->cr, width - GAP, _fs_chart_snap (y));
  cairo_stroke (c->cr);
  draw_label (c, footer, GAP, y + FS_DASHBOARD_FOOTER_HEIGHT / 2.0, 0, width - 2 * GAP, 11,
              FALSE, &c->palette->dim);
}

void
fs_dashboard_render (cairo_t            *cr,
                     const FsDashboard  *dashboard,
                     const FsChartStyle *style,
                     int                 width,
                     int                 height)
{
  static const FsChartKind grid[6] = {
    FS_CHART_LATENCY, FS_CHART_HISTOGRAM, FS_CHART_THROUGHPUT,
    FS_CHART_IN_FLIGHT, FS_CHART_MEMORY, FS_CHART_CPU,
  };
  g_autofree FsChartRun *runs = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  FsChartContext c;
  double top;
  double table_h;
  double charts_h;
  double cell_w;
  double cell_h;
  double lanes_h;
  double footer_y = height - FS_DASHBOARD_FOOTER_HEIGHT;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (dashboard != NULL && dashboard->n_runs > 0);
  g_return_if_fail (style != NULL);

  if (width <= 0 || height <= 0)
    return;

  runs = g_new (FsChartRun, dashboard->n_runs);
  fill_runs (dashboard, runs);

  _fs_chart_begin (&c, cr, style, "", width, height);
  page_background (&c, width, height);

  /* Title: the strategies, and what they fetched */
  if (dashboard->title != NULL)
    {
      title = g_strdup (dashboard->title);
    }
  else
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < dashboard->n_runs; i++)
        g_string_append_printf (names, "%s%s", i == 0 ? "" : " vs ",
                                runs[i].label != NULL ? runs[i].label : "?");
      title = g_strdup (names->str);
    }
  g_string_append_printf (subtitle, "%s · %s", dashboard->urls != NULL ? dashboard->urls : "",
                          dashboard->n_runs > 1 ? "each run from its own 0 s"
                                                : "one run");
  draw_label (&c, title, GAP + 4, GAP + TITLE_PX / 2 + 4, 0, width * 0.6, TITLE_PX, TRUE,
              &c.palette->foreground);
  draw_label (&c, subtitle->str, width - GAP - 4, GAP + TITLE_PX / 2 + 4, 1, width * 0.38, 12,
              FALSE, &c.palette->dim);
  top = GAP + TITLE_PX + 16;

  /* The summary */
  table_h = summary_height (dashboard);
  begin_card (&c, GAP, top, width - 2 * GAP, table_h);
  draw_summary (&c, dashboard, width - 2 * GAP);
  end_card (&c, GAP, top, width - 2 * GAP, table_h);
  top += table_h + GAP;

  /* Charts: two rows of three, the swimlanes across the bottom, taller
   * with more runs to stack. */
  charts_h = footer_y - top - GAP;
  lanes_h = floor (charts_h * (dashboard->n_runs > 1 ? 0.4 : 0.32));
  cell_h = floor ((charts_h - lanes_h - 2 * GAP) / 2);
  cell_w = floor ((width - 4 * GAP) / 3);
  for (guint i = 0; i < G_N_ELEMENTS (grid); i++)
    chart_card (&c, dashboard, runs, grid[i], GAP + (i % 3) * (cell_w + GAP),
                top + (i / 3) * (cell_h + GAP), cell_w, cell_h);
  chart_card (&c, dashboard, runs, FS_CHART_SWIMLANE, GAP, top + 2 * (cell_h + GAP),
              width - 2 * GAP, lanes_h);

  draw_footer (&c, dashboard, footer_y, width);

  _fs_chart_end (&c);
}

/* The footer band alone, over @width × @height. */
void
fs_dashboard_render_footer (cairo_t            *cr,
                            const FsDashboard  *dashboard,
                            const FsChartStyle *style,
                            int                 width,
                            int                 height)
{
  FsChartContext c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (dashboard != NULL);
  g_return_if_fail (style != NULL);

  if (width <= 0 || height <= 0)
    return;

  _fs_chart_begin (&c, cr, style, "", width, height);
  draw_footer (&c, dashboard, 0, width);
  _fs_chart_end (&c);
}

/* One chart, every run overlaid, with the footer under it. */
void
fs_dashboard_render_chart (cairo_t            *cr,
                           FsChartKind         kind,
                           const FsDashboard  *dashboard,
                           const FsChartStyle *style,
                           int                 width,
                           int                 height)
{
  g_autofree FsChartRun *runs = NULL;
  int chart_h = height - FS_DASHBOARD_FOOTER_HEIGHT;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (kind < FS_N_CHARTS);
  g_return_if_fail (dashboard != NULL && dashboard->n_runs > 0);
  g_return_if_fail (style != NULL);

  if (width <= 0 || chart_h <= 0)
    return;

  runs = g_new (FsChartRun, dashboard->n_runs);
  fill_runs (dashboard, runs);
  fs_chart_render_compare (cr, kind, runs, dashboard->n_runs, dashboard->title, style, width,
                           chart_h);

  cairo_save (cr);
  cairo_translate (cr, 0, chart_h);
  fs_dashboard_render_footer (cr, dashboard, style, width, FS_DASHBOARD_FOOTER_HEIGHT);
  cairo_restore (cr);
}

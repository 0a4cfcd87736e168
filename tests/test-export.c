/* test-export.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fs-chart-style.h"
#include "fs-export.h"
#include "fs-test-charts.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

typedef struct
{
  GPtrArray      *runs;        /* FsSavedRun */
  FsDashboardRun  dashboard_runs[3];
  FsDashboard     dashboard;
  char           *dir;
} Fixture;

static FsSavedRun *
make_run (FsStrategy strategy,
          guint64    n_events,
          guint32    seed)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  FsSavedRun *run;

  config->strategy = strategy;
  config->cpu_work = FS_CPU_WORK_PUZZLE;
  run = fs_saved_run_new (NULL, config, "demo:cpu");
  run->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                       FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  run->swimlane = fs_swimlane_new (FS_SWIMLANE_DEFAULT_BIN_US, FS_SWIMLANE_DEFAULT_N_BINS);
  run->records = fs_record_log_new ();
  run->started_at = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  fs_test_charts_feed_full (run->aggregator, run->swimlane, run->records, n_events, seed);
  fs_aggregator_get_summary (run->aggregator, &run->summary);

  return run;
}

static void
use_runs (Fixture   *fixture,
          GPtrArray *runs,
          guint      n_runs)
{
  for (guint i = 0; i < n_runs; i++)
    fs_dashboard_run_init (&fixture->dashboard_runs[i], g_ptr_array_index (runs, i),
                           fs_chart_run_color_index (i));
  fs_dashboard_init (&fixture->dashboard, fixture->dashboard_runs, n_runs, "demo:cpu");
  fixture->dashboard.date = ((FsSavedRun *) g_ptr_array_index (runs, 0))->started_at;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);
  g_ptr_array_add (fixture->runs, make_run (FS_STRATEGY_LOOP, 3000, 1));
  g_ptr_array_add (fixture->runs, make_run (FS_STRATEGY_THREADS, 5000, 2));
  g_ptr_array_add (fixture->runs, make_run (FS_STRATEGY_PROCESSES, 4000, 3));
  use_runs (fixture, fixture->runs, 3);
  fixture->dir = g_dir_make_tmp ("fetchscope-export-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  fs_test_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->runs, g_ptr_array_unref);
}

/* Checks a PNG's signature and size; returns its pixels. */
static cairo_surface_t *
load_png (const char *path,
          int         width,
          int         height)
{
  const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *contents = NULL;
  cairo_surface_t *image;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, sizeof signature);
  g_assert_cmpmem (contents, sizeof signature, signature, sizeof signature);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, height);

  return image;
}

/* Pixels of rows [@y0, @y1) unlike @background. */
static guint64
count_drawn (cairo_surface_t *image,
             int              y0,
             int              y1,
             guint32          background)
{
  const guint8 *pixels = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  guint64 drawn = 0;

  for (int y = MAX (y0, 0); y < MIN (y1, cairo_image_surface_get_height (image)); y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        drawn += pixel != background;
      }

  return drawn;
}

static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  return cairo_image_surface_get_width (a) == cairo_image_surface_get_width (b) &&
         height == cairo_image_surface_get_height (b) &&
         stride == cairo_image_surface_get_stride (b) &&
         memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                 (gsize) stride * height) == 0;
}

typedef struct
{
  guint    depth;
  gboolean root_is_svg;
  gboolean in_desc;
  GString *desc;
} SvgCheck;

static void
svg_start_cb (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  SvgCheck *check = user_data;

  if (check->depth++ == 0)
    check->root_is_svg = g_str_equal (element, "svg");
  check->in_desc = g_str_equal (element, "desc");
}

static void
svg_end_cb (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  SvgCheck *check = user_data;

  check->depth--;
  check->in_desc = FALSE;
}

static void
svg_text_cb (GMarkupParseContext  *context,
             const char           *text,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  SvgCheck *check = user_data;

  if (check->in_desc)
    g_string_append_len (check->desc, text, length);
}

/* Well-formed XML, an <svg> root, the footer in its <desc>, and something
 * drawn: paths or images. */
static void
check_svg (const char *path,
           const char *footer)
{
  const GMarkupParser parser = { svg_start_cb, svg_end_cb, svg_text_cb, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) desc = g_string_new (NULL);
  g_autofree char *contents = NULL;
  SvgCheck check = { 0, FALSE, FALSE, desc };
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &check, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_true (check.root_is_svg);
  g_assert_cmpstr (desc->str, ==, footer);
  g_assert_true (strstr (contents, "<path") != NULL || strstr (contents, "<image") != NULL);
}

static gboolean
contains_bytes (const char *haystack,
                gsize       length,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

static void
check_pdf (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  /* Binary streams inside: compare bytes, not strings. */
  while (length > 0 && g_ascii_isspace (contents[length - 1]))
    length--;
  g_assert_cmpuint (length, >, 5);
  g_assert_cmpmem (contents + length - 5, 5, "%%EOF", 5);
  /* Its creator, in the metadata. */
  g_assert_true (contains_bytes (contents, length, "Fetchscope " PACKAGE_VERSION));
}

/* One chart or the dashboard in every format: @kind < 0 for the dashboard. */
static void
export_all_formats (Fixture *fixture,
                    int      kind,
                    gboolean dark,
                    double   scale)
{
  const char *name = kind < 0 ? "dashboard" : fs_chart_kind_to_string (kind);
  int width = kind < 0 ? 1280 : 640;
  int height = kind < 0 ? 960 : 400;
  g_autofree char *footer = fs_dashboard_dup_footer (&fixture->dashboard);
  FsChartStyle style;

  fs_chart_style_init (&style);
  style.dark = dark;

  for (guint format = FS_EXPORT_PNG; format <= FS_EXPORT_PDF; format++)
    {
      g_autofree char *file = g_strdup_printf ("%s-%u.%s", name, fixture->dashboard.n_runs,
                                               fs_export_format_to_string (format));
      g_autofree char *path = g_build_filename (fixture->dir, file, NULL);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (kind < 0)
        ok = fs_export_dashboard (path, format, &fixture->dashboard, &style, width, height, scale,
                                  &error);
      else
        ok = fs_export_chart (path, format, kind, &fixture->dashboard, &style, width, height,
                              scale, &error);
      g_assert_no_error (error);
      g_assert_true (ok);

      if (format == FS_EXPORT_PNG)
        {
          g_autoptr(cairo_surface_t) image = load_png (path, (int) (width * scale),
                                                       (int) (height * scale));
          const FsChartPalette *palette = fs_chart_palette_get (dark);
          guint32 background = fs_color_to_argb32 (&palette->background);
          int footer_top = (int) ((height - FS_DASHBOARD_FOOTER_HEIGHT) * scale);
          guint64 drawn = count_drawn (image, 0, footer_top, background);
          guint64 in_footer = count_drawn (image, footer_top + 2, (int) (height * scale),
                                        background);

          g_test_message ("%s: %" G_GUINT64_FORMAT " pixels drawn, %" G_GUINT64_FORMAT
                          " in the footer", file, drawn, in_footer);
          /* Not blank, and the footer's text is there. */
          g_assert_cmpuint (drawn * 50, >, (guint64) width * height * scale * scale);
          if (kind >= 0)
            g_assert_cmpuint (in_footer, >, 200 * scale * scale);
        }
      else if (format == FS_EXPORT_SVG)
        {
          check_svg (path, footer);
        }
      else
        {
          check_pdf (path);
        }
    }
}

static void
test_every_chart_every_format (Fixture       *fixture,
                               gconstpointer  user_data)
{
  for (guint n_runs = 1; n_runs <= 3; n_runs += 2)
    {
      use_runs (fixture, fixture->runs, n_runs);
      for (int kind = -1; kind < FS_N_CHARTS; kind++)
        export_all_formats (fixture, kind, FALSE, 1);
    }
}

/* The dashboard light and dark, and twice the pixels for HiDPI, and its
 * footer drawn in the bottom band. */
static void
test_dashboard (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "dashboard-3.png", NULL);
  g_autoptr(cairo_surface_t) image = NULL;
  g_autofree char *footer = fs_dashboard_dup_footer (&fixture->dashboard);
  const FsChartPalette *palette = fs_chart_palette_get (FALSE);
  FsColor page;

  g_assert_nonnull (strstr (footer, "loop, threads, processes · demo:cpu"));
  g_assert_nonnull (strstr (footer, "CPU stage puzzle · GIL off · 2026-01-02 03:04"));
  g_assert_nonnull (strstr (footer, "Fetchscope " PACKAGE_VERSION));

  export_all_formats (fixture, -1, TRUE, 2);
  export_all_formats (fixture, -1, FALSE, 1);

  /* The footer band of the dashboard has the page's colour, and text. */
  image = load_png (path, 1280, 960);
  fs_color_mix (&palette->background, &palette->foreground, 0.035, &page);
  page.alpha = 1;
  g_assert_cmpuint (count_drawn (image, 960 - FS_DASHBOARD_FOOTER_HEIGHT + 2, 960,
                                 fs_color_to_argb32 (&page)), >, 200);
}

/* Saved, loaded, drawn again: the same pixels, for one run and for three. */
static void
test_round_trip_pixels (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *saved = g_build_filename (fixture->dir, "runs.fetchscope.gz", NULL);

  for (guint n_runs = 1; n_runs <= 3; n_runs += 2)
    {
      g_autoptr(GPtrArray) loaded = NULL;
      g_autoptr(GError) error = NULL;
      FsDashboardRun loaded_runs[3];
      FsDashboard loaded_dashboard;
      FsChartStyle style;

      g_assert_true (fs_saved_runs_save (saved, (FsSavedRun **) fixture->runs->pdata, n_runs,
                                         FS_SAVED_RUN_COMPRESS, &error));
      g_assert_no_error (error);
      loaded = fs_saved_runs_load (saved, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (loaded->len, ==, n_runs);

      use_runs (fixture, fixture->runs, n_runs);
      for (guint i = 0; i < n_runs; i++)
        {
          fs_dashboard_run_init (&loaded_runs[i], g_ptr_array_index (loaded, i),
                                 fs_chart_run_color_index (i));
          g_assert_cmpmem (&loaded_runs[i].summary, sizeof (FsSummary),
                           &fixture->dashboard_runs[i].summary, sizeof (FsSummary));
        }
      fs_dashboard_init (&loaded_dashboard, loaded_runs, n_runs, "demo:cpu");
      loaded_dashboard.date = ((FsSavedRun *) g_ptr_array_index (loaded, 0))->started_at;

      fs_chart_style_init (&style);
      for (int kind = -1; kind < FS_N_CHARTS; kind++)
        {
          g_autofree char *a = g_build_filename (fixture->dir, "a.png", NULL);
          g_autofree char *b = g_build_filename (fixture->dir, "b.png", NULL);
          g_autoptr(cairo_surface_t) image_a = NULL;
          g_autoptr(cairo_surface_t) image_b = NULL;

          if (kind < 0)
            {
              g_assert_true (fs_export_dashboard (a, FS_EXPORT_PNG, &fixture->dashboard, &style,
                                                  1200, 900, 1, NULL));
              g_assert_true (fs_export_dashboard (b, FS_EXPORT_PNG, &loaded_dashboard, &style,
                                                  1200, 900, 1, NULL));
            }
          else
            {
              g_assert_true (fs_export_chart (a, FS_EXPORT_PNG, kind, &fixture->dashboard, &style,
                                              600, 400, 1, NULL));
              g_assert_true (fs_export_chart (b, FS_EXPORT_PNG, kind, &loaded_dashboard, &style,
                                              600, 400, 1, NULL));
            }
          image_a = load_png (a, kind < 0 ? 1200 : 600, kind < 0 ? 900 : 400);
          image_b = load_png (b, kind < 0 ? 1200 : 600, kind < 0 ? 900 : 400);
          g_assert_true (same_pixels (image_a, image_b));
        }
    }
}

/* One run through the comparison entry point is the single-run chart. */
static void
test_one_run_compare (Fixture       *fixture,
                      gconstpointer  user_data)
{
  FsSavedRun *run = g_ptr_array_index (fixture->runs, 1);
  FsChartRun chart_run = { run->aggregator, run->swimlane, "threads", 0 };
  FsChartData data = { run->aggregator, run->swimlane, NULL };
  g_autoptr(cairo_surface_t) a = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 400);
  g_autoptr(cairo_surface_t) b = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 400);

  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      cairo_t *cr_a = cairo_create (a);
      cairo_t *cr_b = cairo_create (b);
      FsChartStyle style;

      fs_chart_style_init (&style);
      fs_chart_render (cr_a, kind, &data, &style, 640, 400);
      fs_chart_render_compare (cr_b, kind, &chart_run, 1, NULL, &style, 640, 400);
      cairo_destroy (cr_a);
      cairo_destroy (cr_b);
      cairo_surface_flush (a);
      cairo_surface_flush (b);
      g_assert_true (same_pixels (a, b));
    }
}

/* Runs overlaid: each run's p50 line in its own colour, pixel for pixel. */
static void
test_overlay_colors (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(cairo_surface_t) image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 400);
  const FsChartPalette *palette = fs_chart_palette_get (FALSE);
  FsChartRun runs[3];
  FsChartStyle style;
  cairo_t *cr = cairo_create (image);
  guint64 seen[3] = { 0 };
  const guint8 *pixels;
  int stride;

  for (guint i = 0; i < 3; i++)
    runs[i] = fixture->dashboard_runs[i].chart;
  fs_chart_style_init (&style);
  fs_chart_render_compare (cr, FS_CHART_LATENCY, runs, 3, NULL, &style, 800, 400);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);

  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (int y = 40; y < 400; y++)
    for (int x = 0; x < 800; x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        for (guint r = 0; r < 3; r++)
          seen[r] += pixel == fs_color_to_argb32 (&palette->cycle[runs[r].color]);
      }

  for (guint r = 0; r < 3; r++)
    {
      g_test_message ("run %u: %" G_GUINT64_FORMAT " pixels of its colour", r, seen[r]);
      g_assert_cmpuint (seen[r], >, 100);
    }
}

/* Bad sizes and unwritable places: an error, and no file of any kind. */
static void
test_export_errors (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "no", "such.svg", NULL);
  g_autofree char *huge = g_build_filename (fixture->dir, "huge.png", NULL);
  g_autofree char *pdf = g_build_filename (fixture->dir, "x.pdf", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  FsExportFormat format;
  FsChartStyle style;

  fs_chart_style_init (&style);

  g_assert_true (fs_export_format_from_path ("a/b.PDF", &format));
  g_assert_cmpint (format, ==, FS_EXPORT_PDF);
  g_assert_false (fs_export_format_from_path ("a.b/c", NULL));
  g_assert_false (fs_export_format_from_path ("c.jpeg", NULL));

  for (guint f = FS_EXPORT_PNG; f <= FS_EXPORT_PDF; f++)
    {
      g_assert_false (fs_export_dashboard (missing, f, &fixture->dashboard, &style, 800, 600, 1,
                                           &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_clear_error (&error);

      g_assert_false (fs_export_dashboard (fixture->dir, f, &fixture->dashboard, &style, 800,
                                           600, 1, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }

  g_assert_false (fs_export_dashboard (huge, FS_EXPORT_PNG, &fixture->dashboard, &style, 20000,
                                       600, 2, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (fs_export_chart (pdf, FS_EXPORT_PDF, FS_CHART_CPU, &fixture->dashboard, &style,
                                   600, 20, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Fetchscope/Export/every-chart-every-format", Fixture, NULL,
              fixture_set_up, test_every_chart_every_format, fixture_tear_down);
  g_test_add ("/Fetchscope/Export/dashboard", Fixture, NULL,
              fixture_set_up, test_dashboard, fixture_tear_down);
  g_test_add ("/Fetchscope/Export/round-trip-pixels", Fixture, NULL,
              fixture_set_up, test_round_trip_pixels, fixture_tear_down);
  g_test_add ("/Fetchscope/Export/one-run-compare", Fixture, NULL,
              fixture_set_up, test_one_run_compare, fixture_tear_down);
  g_test_add ("/Fetchscope/Export/overlay-colors", Fixture, NULL,
              fixture_set_up, test_overlay_colors, fixture_tear_down);
  g_test_add ("/Fetchscope/Export/errors", Fixture, NULL,
              fixture_set_up, test_export_errors, fixture_tear_down);

  return g_test_run ();
}

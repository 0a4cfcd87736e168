/* test-chart-render.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fs-chart-render.h"
#include "fs-chart-render-private.h"
#include "fs-chart-style.h"
#include "fs-job-queue.h"
#include "fs-test-charts.h"


typedef struct
{
  FsAggregator *aggregator;
  FsSwimlane   *swimlane;
  char         *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                           FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  fixture->swimlane = fs_swimlane_new (FS_AGGREGATOR_DEFAULT_BUCKET_US, 600);
  fixture->dir = g_dir_make_tmp ("fetchscope-charts-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  fs_test_remove_dir (fixture->dir);

  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->aggregator, fs_aggregator_free);
  g_clear_pointer (&fixture->swimlane, fs_swimlane_free);
}

/* Pixels that are not the background, after drawing @kind to a PNG and
 * reading it back, which must have the size asked for. */
static guint64
render_and_count (Fixture            *fixture,
                  FsChartKind         kind,
                  const FsChartStyle *style,
                  int                 width,
                  int                 height,
                  double              scale,
                  guint64            *n_pixels)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  g_autofree char *name = g_strdup_printf ("%s-%s-%g.png", fs_chart_kind_to_string (kind),
                                           style->dark ? "dark" : "light", scale);
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(cairo_surface_t) image = NULL;
  g_autofree char *contents = NULL;
  const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint32 background = fs_color_to_argb32 (&fs_chart_palette_get (style->dark)->background);
  gsize length;
  const guint8 *pixels;
  int stride;
  guint64 differing = 0;

  g_assert_true (fs_chart_render_png (path, kind, &data, style, width, height, scale, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, sizeof signature);
  g_assert_cmpmem (contents, sizeof signature, signature, sizeof signature);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, (int) (width * scale));
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, (int) (height * scale));

  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (int y = 0; y < cairo_image_surface_get_height (image); y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        differing += pixel != background;
      }

  *n_pixels = (guint64) cairo_image_surface_get_width (image) * cairo_image_surface_get_height (image);

  return differing;
}

static void
test_kind_strings (void)
{
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      FsChartKind parsed = FS_N_CHARTS;

      g_assert_true (fs_chart_kind_from_string (fs_chart_kind_to_string (kind), &parsed));
      g_assert_cmpint (parsed, ==, kind);
      g_assert_cmpstr (fs_chart_kind_title (kind), !=, "");
    }
  g_assert_false (fs_chart_kind_from_string ("pie", NULL));
  g_assert_true (fs_chart_kind_from_string ("In-Flight", NULL));
}

/* Every chart, light and dark, at two scales: a PNG of the right size with
 * something drawn on more than 1 % of it. */
static void
test_every_chart (Fixture       *fixture,
                  gconstpointer  user_data)
{
  fs_test_charts_feed (fixture->aggregator, fixture->swimlane, 20000, 1);

  for (guint dark = 0; dark <= 1; dark++)
    for (guint kind = 0; kind < FS_N_CHARTS; kind++)
      for (guint s = 1; s <= 2; s++)
        {
          FsChartStyle style;
          guint64 n_pixels;
          guint64 drawn;

          fs_chart_style_init (&style);
          style.dark = dark;
          drawn = render_and_count (fixture, kind, &style, 640, 400, s, &n_pixels);
          g_test_message ("%s %s x%u: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " pixels drawn",
                          fs_chart_kind_to_string (kind), dark ? "dark" : "light", s,
                          drawn, n_pixels);
          g_assert_cmpuint (drawn * 100, >, n_pixels);
        }
}

/* The other ways to draw a chart: log axes, the heatmap, a zoomed time
 * range, the pointer, and sizes down to nothing. None may fail. */
static void
test_styles (Fixture       *fixture,
             gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, "A title of one’s own" };
  g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  cairo_t *cr = cairo_create (surface);
  const int sizes[][2] = { { 800, 500 }, { 300, 160 }, { 60, 40 }, { 1, 1 }, { 0, 0 } };

  fs_test_charts_feed (fixture->aggregator, fixture->swimlane, 5000, 2);

  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    for (guint variant = 0; variant < 6; variant++)
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          FsChartStyle style;

          fs_chart_style_init (&style);
          style.dark = variant % 2;
          style.log_scale = variant >= 2;
          style.heatmap = variant >= 4;
          style.hover_x = variant >= 2 ? sizes[i][0] / 2 : -1;
          if (variant == 3)
            {
              style.t_min_s = 2.5;
              style.t_max_s = 3.5;
            }
          if (variant == 5)
            {
              /* A range past the end of the run, and scrolled past the last lane. */
              style.t_min_s = 1000;
              style.t_max_s = 2000;
              style.lane_offset = 100000;
            }
          fs_chart_render (cr, kind, &data, &style, sizes[i][0], sizes[i][1]);
          g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        }

  cairo_destroy (cr);
}

/* Nothing fed: every chart draws its frame and says so, and the swimlane
 * copes without a swimlane at all. */
static void
test_empty (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(FsSwimlane) swimlane = g_steal_pointer (&fixture->swimlane);

  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      FsChartStyle style;
      guint64 n_pixels;
      guint64 drawn;

      fs_chart_style_init (&style);
      style.hover_x = 100;
      drawn = render_and_count (fixture, kind, &style, 400, 300, 1, &n_pixels);
      /* A title, a frame and "No data yet", and not much else. */
      g_assert_cmpuint (drawn, >, 0);
      g_assert_cmpuint (drawn * 10, <, n_pixels);
    }

  fixture->swimlane = g_steal_pointer (&swimlane);
}

/* A transfer on @lane from @t_started: @waiting_us to its first byte,
 * then @receiving_us. */
static void
add_lane_phases (Fixture      *fixture,
                 guint64       id,
                 const FsLane *lane,
                 gint64        t_started,
                 gint64        waiting_us,
                 gint64        receiving_us)
{
  FsJob job = { .id = id, .url_index = id, .t_queued = t_started };
  FsEvent event;

  fs_event_init_start (&event, &job, FS_STRATEGY_THREADS, lane, t_started);
  fs_aggregator_add (fixture->aggregator, &event);
  fs_swimlane_add (fixture->swimlane, &event);

  fs_event_init_terminal (&event, &job, FS_STRATEGY_THREADS, lane);
  event.outcome = FS_OUTCOME_OK;
  event.t_started = t_started;
  event.t_first_byte = t_started + waiting_us;
  event.t_done = t_started + waiting_us + receiving_us;
  fs_aggregator_add (fixture->aggregator, &event);
  fs_swimlane_add (fixture->swimlane, &event);
}

static void
add_lane_job (Fixture      *fixture,
              guint64       id,
              const FsLane *lane,
              gint64        t_started,
              gint64        duration_us)
{
  add_lane_phases (fixture, id, lane, t_started, duration_us / 2, duration_us - duration_us / 2);
}

static guint
count_distinct_rows (cairo_surface_t *image)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, NULL);
  const guint8 *pixels;
  int stride;
  int width;

  cairo_surface_flush (image);
  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  width = cairo_image_surface_get_width (image);

  for (int y = 0; y < cairo_image_surface_get_height (image); y++)
    g_hash_table_add (seen, g_bytes_new (pixels + y * stride, width * 4));

  return g_hash_table_size (seen);
}

/* 256 threads, each busy at a different moment: each gets a row of its
 * own, so the image has at least as many different pixel rows. */
static void
test_swimlane_256 (Fixture       *fixture,
                   gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                                   1280, 800);
  cairo_t *cr = cairo_create (surface);
  FsChartStyle style;
  guint distinct;
  guint64 id = 0;

  for (guint i = 0; i < 256; i++)
    {
      FsLane lane = { .index = i, .pid = 100, .tid = 1000 + i };

      /* Busy for 400 ms from i × 10 ms, then again for 100 ms later on. */
      add_lane_job (fixture, id++, &lane, FS_TEST_CHARTS_T0 + i * 10000, 400000);
      add_lane_job (fixture, id++, &lane, FS_TEST_CHARTS_T0 + 3000000 - i * 10000, 100000);
    }
  g_assert_cmpuint (fs_swimlane_get_n_rows (fixture->swimlane), ==, 256);

  fs_chart_style_init (&style);
  fs_chart_render (cr, FS_CHART_SWIMLANE, &data, &style, 1280, 800);
  distinct = count_distinct_rows (surface);
  g_test_message ("%u different pixel rows", distinct);
  g_assert_cmpuint (distinct, >=, 256);

  /* Scrolled by half: a different picture, still of many rows. */
  style.lane_offset = 128;
  fs_chart_render (cr, FS_CHART_SWIMLANE, &data, &style, 1280, 800);
  g_assert_cmpuint (count_distinct_rows (surface), >=, 128);

  /* The CPU chart has a bar for each of them too. */
  fs_chart_style_init (&style);
  fs_chart_render (cr, FS_CHART_CPU, &data, &style, 1280, 800);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  cairo_destroy (cr);
}

/* How many pixels of row @y are @color. */
static guint
count_in_row (cairo_surface_t *image,
              int              y,
              guint32          color)
{
  const guint8 *row = cairo_image_surface_get_data (image) + y * cairo_image_surface_get_stride (image);
  guint n = 0;

  for (int x = 0; x < cairo_image_surface_get_width (image); x++)
    {
      guint32 pixel;

      memcpy (&pixel, row + x * 4, sizeof pixel);
      n += pixel == color;
    }

  return n;
}

/* A swimlane cell in a thin row is its dominant phase, as strong as the
 * share of its time that was busy. 100 threads (rows too thin to stack
 * phases) over 100 s: thread 0 waiting for 50 s, then receiving for 50;
 * thread 1 busy half of every 100 ms, mostly waiting. At 1280 wide a bin
 * spans two or three columns, at 400 a column spans one or two bins: both
 * show thread 0's row half in full waiting and half in full receiving, and
 * thread 1's a waiting at half strength all along. */
static void
test_swimlane_shades (Fixture       *fixture,
                      gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  const FsChartPalette *palette = fs_chart_palette_get (FALSE);
  const int widths[] = { 1280, 400 };
  FsColor half;
  guint32 waiting = fs_color_to_argb32 (&palette->phase[FS_PHASE_WAITING]);
  guint32 receiving = fs_color_to_argb32 (&palette->phase[FS_PHASE_RECEIVING]);
  guint32 half_waiting;
  guint64 id = 0;

  fs_color_mix (&palette->idle, &palette->phase[FS_PHASE_WAITING], 0.5, &half);
  half_waiting = fs_color_to_argb32 (&half);

  for (guint i = 0; i < 100; i++)
    {
      FsLane lane = { .index = i, .pid = 100, .tid = 1000 + i };

      if (i == 0)
        add_lane_phases (fixture, id++, &lane, FS_TEST_CHARTS_T0, 50000000, 50000000);
      else if (i == 1)
        for (gint64 t = 0; t < 100000000; t += 100000)
          add_lane_phases (fixture, id++, &lane, FS_TEST_CHARTS_T0 + t, 40000, 10000);
      else
        add_lane_job (fixture, id++, &lane, FS_TEST_CHARTS_T0 + i * 500000, 20000);
    }
  g_assert_cmpuint (fs_swimlane_get_n_rows (fixture->swimlane), ==, 100);
  g_assert_cmpuint (fs_swimlane_get_n_bins (fixture->swimlane), >, 400);

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                                       widths[w], 800);
      cairo_t *cr = cairo_create (surface);
      FsChartStyle style;
      guint split_rows = 0;
      guint half_rows = 0;
      guint full = 0;

      fs_chart_style_init (&style);
      fs_chart_render (cr, FS_CHART_SWIMLANE, &data, &style, widths[w], 800);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      for (int y = 0; y < 800; y++)
        {
          guint n_waiting = count_in_row (surface, y, waiting);
          guint n_receiving = count_in_row (surface, y, receiving);

          if (n_waiting > 50 && n_receiving > 50)
            {
              /* The change at 50 s falls in the middle, give or take the
               * grid lines and the column whose centre is on it. */
              g_assert_cmpuint (ABS ((int) n_waiting - (int) n_receiving), <=,
                                (n_waiting + n_receiving) / 20);
              full = n_waiting + n_receiving;
              split_rows++;
            }
        }
      g_assert_cmpuint (split_rows, >=, 3);

      for (int y = 0; y < 800; y++)
        if (count_in_row (surface, y, half_waiting) >= full * 9 / 10)
          half_rows++;
      g_test_message ("%d wide: %u rows of thread 0 (%u cells), %u of thread 1", widths[w],
                      split_rows, full, half_rows);
      g_assert_cmpuint (half_rows, >=, 3);
    }
}

/* @raster_scale as the style's: 0 on screen and in PNGs, the scale itself
 * draws as for SVG and PDF, shapes where there would be pixels. */
static cairo_surface_t *
render_with (FsChartKind        kind,
             const FsChartData *data,
             double             scale,
             double             raster_scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640 * scale,
                                                         400 * scale);
  cairo_t *cr = cairo_create (surface);
  FsChartStyle style;

  fs_chart_style_init (&style);
  style.raster_scale = raster_scale;
  cairo_scale (cr, scale, scale);
  fs_chart_render (cr, kind, data, &style, 640, 400);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static cairo_surface_t *
render_at (FsChartKind        kind,
           const FsChartData *data,
           double             scale)
{
  return render_with (kind, data, scale, 0);
}

static gpointer
render_latency_thread (gpointer data)
{
  return render_at (FS_CHART_LATENCY, data, 1);
}

static gpointer
render_at_twice (gpointer data)
{
  return render_at (FS_CHART_LATENCY, data, 2);
}

static void
assert_same_pixels (cairo_surface_t *a,
                    cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  g_assert_cmpint (cairo_image_surface_get_width (a), ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (b));
  g_assert_cmpmem (cairo_image_surface_get_data (a), height * stride,
                   cairo_image_surface_get_data (b), height * stride);
}

/* Text is shaped once per thread and string, and the shapes follow the
 * surface: a chart drawn after every chart at twice the scale is the
 * chart drawn before them, and the chart a new thread draws, to the pixel. */
static void
test_text_cache (Fixture       *fixture,
                 gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  g_autoptr(cairo_surface_t) before = NULL;
  g_autoptr(cairo_surface_t) after = NULL;
  g_autoptr(cairo_surface_t) fresh = NULL;
  g_autoptr(cairo_surface_t) twice = NULL;
  g_autoptr(cairo_surface_t) twice_fresh = NULL;
  GThread *thread;

  fs_test_charts_feed (fixture->aggregator, fixture->swimlane, 20000, 5);

  before = render_at (FS_CHART_LATENCY, &data, 1);
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      cairo_surface_t *surface = render_at (kind, &data, 2);

      if (kind == FS_CHART_LATENCY)
        twice = surface;
      else
        cairo_surface_destroy (surface);
    }
  after = render_at (FS_CHART_LATENCY, &data, 1);

  thread = g_thread_new ("chart", render_latency_thread, &data);
  fresh = g_thread_join (thread);

  assert_same_pixels (before, after);
  assert_same_pixels (before, fresh);

  /* And at twice the scale, the same in a thread that drew nothing else. */
  thread = g_thread_new ("chart", render_at_twice, &data);
  twice_fresh = g_thread_join (thread);
  assert_same_pixels (twice, twice_fresh);

  /* One string, bold and regular: two shapes. */
  {
    cairo_t *cr = cairo_create (before);
    FsChartContext c;
    FsChartStyle style;
    double bold_w;
    double regular_w;
    double again_w;

    fs_chart_style_init (&style);
    _fs_chart_begin (&c, cr, &style, NULL, 640, 400);
    _fs_chart_measure (&c, "Throughput 1234", TRUE, &bold_w, NULL);
    _fs_chart_measure (&c, "Throughput 1234", FALSE, &regular_w, NULL);
    _fs_chart_measure (&c, "Throughput 1234", TRUE, &again_w, NULL);
    _fs_chart_end (&c);
    cairo_destroy (cr);

    g_assert_cmpfloat (bold_w, >, regular_w);
    g_assert_cmpfloat (again_w, ==, bold_w);
  }
}

/* The colours met going up a column of @surface at @x, from the bottom,
 * each once per run, that are among @colors: their indexes. */
static GArray *
colours_up (cairo_surface_t       *surface,
            int                    x,
            const FsColor * const *colors,
            guint                  n_colors)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint));
  const guint32 *pixels = (const guint32 *) (gpointer) cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface) / 4;
  guint last = G_MAXUINT;

  for (int y = cairo_image_surface_get_height (surface) - 1; y >= 0; y--)
    for (guint k = 0; k < n_colors; k++)
      if (pixels[y * stride + x] == fs_color_to_argb32 (colors[k]) && k != last)
        {
          g_array_append_val (found, k);
          last = k;
        }

  return found;
}

/* Stacked areas, throughput's outcomes and memory's processes, are each
 * band on the one below it in the legend's order, up the column; written
 * as pixels on screen and as boxes for SVG and PDF, the same to the pixel. */
static void
test_stacked_bands (Fixture       *fixture,
                    gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  const FsChartPalette *palette = fs_chart_palette_get (FALSE);
  const FsColor *outcomes[] = {
    &palette->outcome[FS_OUTCOME_OK], &palette->outcome[FS_OUTCOME_CANCELLED],
    &palette->outcome[FS_OUTCOME_TRANSPORT_ERROR],
  };
  const FsColor *processes[5];
  FsEvent e;

  fs_test_charts_feed (fixture->aggregator, fixture->swimlane, 40000, 9);
  /* Errors and cancellations in every bucket so far, for three bands. */
  for (gint64 t = FS_TEST_CHARTS_T0; t < FS_TEST_CHARTS_T0 + 60 * G_USEC_PER_SEC;
       t += G_USEC_PER_SEC / 20)
    for (guint outcome = FS_OUTCOME_TRANSPORT_ERROR; outcome <= FS_OUTCOME_CANCELLED;
         outcome += FS_OUTCOME_CANCELLED - FS_OUTCOME_TRANSPORT_ERROR)
      for (guint i = 0; i < 3; i++)
        {
          memset (&e, 0, sizeof e);
          e.kind = FS_EVENT_TERMINAL;
          e.outcome = outcome;
          e.t_queued = e.t_started = t;
          e.t_done = t + 1000;
          fs_aggregator_add (fixture->aggregator, &e);
        }
  g_assert_cmpuint (fs_aggregator_get_n_processes (fixture->aggregator), ==,
                    G_N_ELEMENTS (processes));
  for (guint p = 0; p < G_N_ELEMENTS (processes); p++)
    processes[p] = &palette->cycle[p];

  for (double scale = 1; scale <= 2; scale++)
    {
      g_autoptr(cairo_surface_t) pixels = render_with (FS_CHART_THROUGHPUT, &data, scale, 0);
      g_autoptr(cairo_surface_t) boxes = render_with (FS_CHART_THROUGHPUT, &data, scale, scale);
      g_autoptr(cairo_surface_t) memory = render_with (FS_CHART_MEMORY, &data, scale, 0);
      g_autoptr(cairo_surface_t) memory_boxes = render_with (FS_CHART_MEMORY, &data, scale, scale);
      g_autoptr(GArray) up = colours_up (pixels, 200 * scale, outcomes, 3);
      g_autoptr(GArray) memory_up = colours_up (memory, 320 * scale, processes, 5);

      assert_same_pixels (pixels, boxes);
      assert_same_pixels (memory, memory_boxes);

      g_assert_cmpuint (up->len, ==, 3);
      for (guint k = 0; k < up->len; k++)
        g_assert_cmpuint (g_array_index (up, guint, k), ==, k);
      g_assert_cmpuint (memory_up->len, ==, 5);
      for (guint k = 0; k < memory_up->len; k++)
        g_assert_cmpuint (g_array_index (memory_up, guint, k), ==, k);
    }
}

/* A million records: every chart draws from aggregates whose size does not
 * depend on that number, which is what keeps a redraw cheap (timed by
 * bench/chart-render, not here). */
static void
test_million (Fixture       *fixture,
              gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                                   1280, 800);
  cairo_t *cr = cairo_create (surface);
  FsSummary summary;

  fs_test_charts_feed (fixture->aggregator, fixture->swimlane, 1000000, 3);
  fs_aggregator_get_summary (fixture->aggregator, &summary);
  g_assert_cmpuint (summary.total, >, 400000);

  g_assert_cmpuint (fs_aggregator_get_n_buckets (fixture->aggregator), <=,
                    FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  g_assert_cmpuint (fs_aggregator_get_n_lanes (fixture->aggregator), ==, 1 + 8 + 4);
  g_assert_cmpuint (fs_aggregator_get_n_processes (fixture->aggregator), ==, 5);
  g_assert_cmpuint (fs_swimlane_get_n_bins (fixture->swimlane), <=, 600);
  g_assert_cmpuint (fs_swimlane_get_n_rows (fixture->swimlane), ==, 1 + 10 + 8 + 4);

  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      FsChartStyle style;

      fs_chart_style_init (&style);
      style.heatmap = kind == FS_CHART_LATENCY;
      fs_chart_render (cr, kind, &data, &style, 1280, 800);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
    }

  cairo_destroy (cr);
}

/* Pixels of exactly @color in rows @y0 to @y1. */
static guint
count_color (cairo_surface_t *image,
             const FsColor   *color,
             int              y0,
             int              y1)
{
  guint32 wanted = fs_color_to_argb32 (color);
  const guint8 *pixels;
  int stride;
  guint n = 0;

  cairo_surface_flush (image);
  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < cairo_image_surface_get_width (image); x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        n += pixel == wanted;
      }

  return n;
}

static guint
count_differing_rows_pixels (cairo_surface_t *a,
                             cairo_surface_t *b,
                             int              y0,
                             int              y1)
{
  const guint8 *pa;
  const guint8 *pb;
  int stride = cairo_image_surface_get_stride (a);
  guint n = 0;

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  pa = cairo_image_surface_get_data (a);
  pb = cairo_image_surface_get_data (b);
  for (int y = y0; y < y1; y++)
    n += memcmp (pa + y * stride, pb + y * stride, stride) != 0
         ? (guint) cairo_image_surface_get_width (a) : 0;

  return n;
}

static cairo_surface_t *
render_surface (FsChartKind   kind,
                FsAggregator *aggregator,
                FsSwimlane   *swimlane,
                gboolean      dark)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 400);
  cairo_t *cr = cairo_create (surface);
  FsChartData data = { aggregator, swimlane, NULL };
  FsChartStyle style;

  fs_chart_style_init (&style);
  style.dark = dark;
  fs_chart_render (cr, kind, &data, &style, 800, 400);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);

  return surface;
}

/* Crawl mode: the in-flight chart adds the pages visited and the frontier
 * on an axis of its own, each named in the legend, and the swimlane a band
 * of the frontier above its rows. A run with no crawl draws as before. */
static void
test_crawl_series (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(FsAggregator) plain = NULL;
  FsSummary summary;
  gint64 span;

  fs_test_charts_feed (fixture->aggregator, fixture->swimlane, 5000, 4);
  plain = fs_aggregator_copy (fixture->aggregator);
  fs_aggregator_get_summary (fixture->aggregator, &summary);
  span = summary.t_last - summary.t_first;
  g_assert_cmpint (span, >, 0);

  /* Visited grows to 1000; the frontier rises and empties again. */
  for (guint i = 0; i <= 50; i++)
    {
      gint64 t = summary.t_first + span * i / 50;
      guint64 visited = 1000 * i / 50;
      guint64 frontier = i <= 25 ? 16 * i : 16 * (50 - i);

      fs_aggregator_add_crawl (fixture->aggregator, t, visited, frontier, frontier);
    }

  for (guint dark = 0; dark <= 1; dark++)
    {
      const FsChartPalette *palette = fs_chart_palette_get (dark);
      g_autoptr(cairo_surface_t) with = NULL;
      g_autoptr(cairo_surface_t) without = NULL;
      guint legend_visited;
      guint legend_frontier;
      FsColor band;
      guint changed;

      with = render_surface (FS_CHART_IN_FLIGHT, fixture->aggregator, NULL, dark);
      without = render_surface (FS_CHART_IN_FLIGHT, plain, NULL, dark);

      /* The legend's marks, in the header. */
      legend_visited = count_color (with, &palette->series[FS_SERIES_VISITED], 0, 40);
      legend_frontier = count_color (with, &palette->series[FS_SERIES_FRONTIER], 0, 40);
      g_test_message ("legend: %u visited pixels, %u frontier pixels", legend_visited,
                      legend_frontier);
      g_assert_cmpuint (legend_visited, >=, 12);
      g_assert_cmpuint (legend_frontier, >=, 12);
      g_assert_cmpuint (count_color (without, &palette->series[FS_SERIES_VISITED], 0, 40), ==, 0);

      /* The series, and their axis at the right, change the plot. */
      changed = count_differing_rows_pixels (with, without, 60, 400);
      g_test_message ("in flight: %u pixels in changed rows", changed);
      g_assert_cmpuint (changed, >, 800 * 100);

      g_clear_pointer (&with, cairo_surface_destroy);
      g_clear_pointer (&without, cairo_surface_destroy);
      with = render_surface (FS_CHART_SWIMLANE, fixture->aggregator, fixture->swimlane, dark);
      without = render_surface (FS_CHART_SWIMLANE, plain, fixture->swimlane, dark);
      fs_color_mix (&palette->idle, &palette->series[FS_SERIES_FRONTIER], FS_CHART_BAND_SHARE,
                    &band);
      g_assert_cmpuint (count_color (with, &band, 40, 400), >, 100);
      g_assert_cmpuint (count_color (without, &band, 40, 400), ==, 0);
    }

  /* The pointer over the crawl's series, and sizes down to nothing. */
  {
    g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 400);
    cairo_t *cr = cairo_create (surface);
    FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
    const int sizes[][2] = { { 800, 400 }, { 200, 90 }, { 40, 30 }, { 0, 0 } };
    const FsChartKind kinds[] = { FS_CHART_IN_FLIGHT, FS_CHART_SWIMLANE };

    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          FsChartStyle style;

          fs_chart_style_init (&style);
          style.hover_x = sizes[i][0] / 2;
          fs_chart_render (cr, kinds[k], &data, &style, sizes[i][0], sizes[i][1]);
          g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        }
    cairo_destroy (cr);
  }
}

static void
test_png_errors (Fixture       *fixture,
                 gconstpointer  user_data)
{
  FsChartData data = { fixture->aggregator, fixture->swimlane, NULL };
  g_autofree char *missing = g_build_filename (fixture->dir, "no", "such", "chart.png", NULL);
  g_autofree char *huge = g_build_filename (fixture->dir, "huge.png", NULL);
  g_autoptr(GError) error = NULL;
  FsChartStyle style;

  fs_chart_style_init (&style);

  g_assert_false (fs_chart_render_png (missing, FS_CHART_LATENCY, &data, &style, 100, 100, 1,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (fs_chart_render_png (huge, FS_CHART_LATENCY, &data, &style, 20000, 100, 2,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (huge, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A folder where the file should go: no half file beside it either. */
  g_assert_false (fs_chart_render_png (fixture->dir, FS_CHART_LATENCY, &data, &style, 100, 100, 1,
                                       &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/ChartRender/kind-strings", test_kind_strings);
  g_test_add ("/Fetchscope/ChartRender/every-chart", Fixture, NULL,
              fixture_set_up, test_every_chart, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/styles", Fixture, NULL,
              fixture_set_up, test_styles, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/empty", Fixture, NULL,
              fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/swimlane-256", Fixture, NULL,
              fixture_set_up, test_swimlane_256, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/swimlane-shades", Fixture, NULL,
              fixture_set_up, test_swimlane_shades, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/text-cache", Fixture, NULL,
              fixture_set_up, test_text_cache, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/stacked-bands", Fixture, NULL,
              fixture_set_up, test_stacked_bands, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/million", Fixture, NULL,
              fixture_set_up, test_million, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/crawl-series", Fixture, NULL,
              fixture_set_up, test_crawl_series, fixture_tear_down);
  g_test_add ("/Fetchscope/ChartRender/png-errors", Fixture, NULL,
              fixture_set_up, test_png_errors, fixture_tear_down);

  return g_test_run ();
}

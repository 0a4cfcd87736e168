/* test-window.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fs-application.h"
#include "fs-chart-style.h"
#include "fs-compare-table.h"
#include "fs-export-dialog.h"
#include "fs-run-form.h"
#include "fs-settings.h"
#include "fs-test-server.h"
#include "fs-window.h"

/* Bounds on waiting, never expected durations. */
#define DEMO_WAIT_S   30
#define RUN_WAIT_S    90
#define CHART_WIDTH   480
#define CHART_HEIGHT  240

static FsApplication *app;

typedef gboolean (*Condition) (gpointer data);

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
iterate_until (Condition condition,
               gpointer  data,
               guint     timeout_s)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return !timed_out;
}

static gboolean
demo_settled (gpointer data)
{
  FsWindow *window = data;

  return fs_window_get_demo_base_url (window) != NULL || fs_window_get_demo_error (window) != NULL;
}

static gboolean
run_over (gpointer data)
{
  return !fs_run_controller_get_running (data);
}

static gboolean
run_has_started_requests (gpointer data)
{
  FsSummary summary;

  fs_run_controller_get_summary (data, &summary);
  return summary.started > 0;
}

static gboolean
frames_passed (gpointer data)
{
  guint *n = data;

  return --(*n) == 0;
}

static FsWindow *
new_window_with_demo (const char *time_scale)
{
  FsWindow *window;

  g_setenv ("FETCHSCOPE_DEMO_TIME_SCALE", time_scale, TRUE);
  window = fs_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (iterate_until (demo_settled, window, DEMO_WAIT_S));
  g_assert_no_error ((GError *) fs_window_get_demo_error (window));
  g_assert_true (g_str_has_prefix (fs_window_get_demo_base_url (window), "http://127.0.0.1:"));

  return window;
}

static void
assert_conserved (FsRunController *controller,
                  FsSummary       *summary)
{
  guint64 sum = 0;

  fs_run_controller_get_summary (controller, summary);
  for (guint i = 0; i < FS_N_OUTCOMES; i++)
    sum += summary->outcomes[i];

  /* Every job handed to the engine ended exactly once. */
  g_assert_cmpuint (sum, ==, summary->total);
  g_assert_cmpuint (summary->total, ==, fs_run_controller_get_jobs_pushed (controller));
  g_assert_cmpuint (summary->in_flight, ==, 0);
}

/* Once the run started has requests going, Stop: it ends cancelled, with
 * every job it handed out ended once. */
static void
stop_once_started (FsWindow  *window,
                   FsSummary *summary)
{
  FsRunController *controller = fs_window_get_controller (window);

  g_assert_true (iterate_until (run_has_started_requests, controller, RUN_WAIT_S));
  g_assert_true (fs_run_controller_get_running (controller));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.stop", NULL));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  g_assert_null (fs_run_controller_get_error (controller));
  g_assert_cmpint (fs_run_controller_get_state (controller), ==, FS_RUN_STATE_CANCELLED);
  g_assert_cmpstr (fs_window_get_status (window), ==, "Cancelled");

  assert_conserved (controller, summary);
}

static cairo_surface_t *
draw_chart (FsChart *chart)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         CHART_WIDTH, CHART_HEIGHT);
  cairo_t *cr = cairo_create (surface);

  fs_chart_draw (chart, cr, CHART_WIDTH, CHART_HEIGHT);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static guint
count_differing_pixels (cairo_surface_t *a,
                        cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  const guint8 *pa = cairo_image_surface_get_data (a);
  const guint8 *pb = cairo_image_surface_get_data (b);
  guint n = 0;

  for (int y = 0; y < CHART_HEIGHT; y++)
    {
      const guint32 *ra = (const guint32 *) (gconstpointer) (pa + y * stride);
      const guint32 *rb = (const guint32 *) (gconstpointer) (pb + y * stride);

      for (int x = 0; x < CHART_WIDTH; x++)
        n += ra[x] != rb[x];
    }

  return n;
}

static gboolean
is_blank (cairo_surface_t *surface)
{
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 first = *(const guint32 *) (gconstpointer) data;

  for (int y = 0; y < CHART_HEIGHT; y++)
    {
      const guint32 *row = (const guint32 *) (gconstpointer) (data + y * stride);

      for (int x = 0; x < CHART_WIDTH; x++)
        if (row[x] != first)
          return FALSE;
    }

  return TRUE;
}

/* Each chart plots the run: its aggregates hold data for it, and it draws
 * something other than what the same chart draws with no run at all. */
static void
assert_charts_have_data (FsWindow *window)
{
  g_autoptr(FsRunController) empty = fs_run_controller_new ();

  for (FsChartKind kind = 0; kind < FS_N_CHARTS; kind++)
    {
      FsChart *chart = fs_window_get_chart (window, kind);
      GtkWidget *reference = g_object_ref_sink (fs_chart_new (kind));
      cairo_surface_t *drawn, *nothing;

      g_test_message ("chart %s", fs_chart_kind_to_string (kind));
      g_assert_nonnull (chart);
      g_assert_cmpint (fs_chart_get_kind (chart), ==, kind);
      g_assert_true (fs_chart_has_data (chart));

      fs_chart_set_controller (FS_CHART (reference), empty);
      g_assert_false (fs_chart_has_data (FS_CHART (reference)));

      drawn = draw_chart (chart);
      nothing = draw_chart (FS_CHART (reference));
      g_assert_false (is_blank (drawn));
      g_assert_cmpuint (count_differing_pixels (drawn, nothing), >, 0);

      cairo_surface_destroy (drawn);
      cairo_surface_destroy (nothing);
      g_object_unref (reference);
    }
}

/* Spends @us of this thread's CPU time. */
static void
burn_cpu (gint64 us)
{
  struct timespec start, now;
  volatile guint32 x = 1;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &start);
  do
    {
      for (guint i = 0; i < 100000; i++)
        x = x * 1664525 + 1013904223;
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
    }
  while ((now.tv_sec - start.tv_sec) * G_USEC_PER_SEC + (now.tv_nsec - start.tv_nsec) / 1000 < us);
}

static double
self_cpu_s (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);

  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
test_run_finishes (void)
{
  FsWindow *window = new_window_with_demo ("0.01");
  FsRunController *controller = fs_window_get_controller (window);
  FsSummary summary;
  FsSummary again;
  guint frames = 5;
  double before;
  double process;

  g_assert_true (fs_window_select_preset (window, "mixed", 40));
  before = self_cpu_s ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (fs_run_controller_get_running (controller));

  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  g_assert_null (fs_run_controller_get_error (controller));
  g_assert_cmpint (fs_run_controller_get_state (controller), ==, FS_RUN_STATE_FINISHED);
  g_assert_cmpstr (fs_window_get_status (window), ==, "Finished");

  assert_conserved (controller, &summary);
  g_assert_cmpuint (summary.total, ==, 40);
  g_assert_cmpuint (summary.outcomes[FS_OUTCOME_OK], >, 0);
  g_assert_cmpuint (summary.outcomes[FS_OUTCOME_CANCELLED], ==, 0);
  g_assert_cmpuint (summary.peak_rss_bytes, >, 0);

  /* Let the charts draw on screen too. */
  iterate_until (frames_passed, &frames, 5);
  assert_charts_have_data (window);

  /* A second run's CPU time is its own: a second of the app's CPU spent
   * between the two runs is in neither. The two runs are disjoint slices
   * of the process's CPU time, which leave out that second: counted from
   * the process's start, the second run would hold the first and the
   * second burned again. No timing noise can make them add up to more. */
  burn_cpu (G_USEC_PER_SEC);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  assert_conserved (controller, &again);
  process = self_cpu_s () - before;
  g_assert_cmpuint (again.total, ==, 40);
  g_test_message ("CPU seconds: %.2f, then %.2f, of %.2f in the process with 1 burned",
                  summary.cpu_s, again.cpu_s, process);
  /* /proc counts in clock ticks: one each way per run. */
  g_assert_cmpfloat (summary.cpu_s + again.cpu_s, <=, process - 1.0 + 0.04);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_run_stopped (void)
{
  /* Slow pages at full time scale take 5 s each: the run is still going. */
  FsWindow *window = new_window_with_demo ("1");
  FsSummary summary;

  g_assert_true (fs_window_select_preset (window, "slow", 20));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  stop_once_started (window, &summary);
  g_assert_cmpuint (summary.total, >, 0);
  g_assert_cmpuint (summary.total, <=, 20);
  g_assert_cmpuint (summary.outcomes[FS_OUTCOME_CANCELLED], >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static const char * const crawl_keys[] = { "url-set", "crawl-url", "crawl-max-pages" };

/* A widget of the run settings in the sidebar */
static GObject *
form_child (FsWindow   *window,
            const char *name)
{
  GObject *form = gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW, "run_form");

  return gtk_widget_get_template_child (GTK_WIDGET (form), FS_TYPE_RUN_FORM, name);
}

static FsRunForm *
window_form (FsWindow *window)
{
  return FS_RUN_FORM (gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                     "run_form"));
}

/* A crawl from a URL of one's own: the start URL is checked by the CLI's
 * rules on its row, the bounds are kept in the settings, and a Stop ends
 * the crawl with every job it handed out accounted for. */
static void
test_crawl_url (void)
{
  /* At full time scale a regular page takes 500 ms: the crawl is still going. */
  FsWindow *window = new_window_with_demo ("1");
  FsRunController *controller = fs_window_get_controller (window);
  GSettings *settings = fs_settings_get ();
  GtkWidget *url_row = GTK_WIDGET (form_child (window, "crawl_url_row"));
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                                 "run_button"));
  g_autofree char *start = g_strdup_printf ("%s/api/0", fs_window_get_demo_base_url (window));
  g_autofree char *url_set = NULL;
  g_autofree char *kept_url = NULL;
  FsSummary summary;

  fs_run_form_select_crawl (window_form (window), "ftp://127.0.0.1/api/0");
  g_assert_true (gtk_widget_get_visible (url_row));
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (url_row)), "http"));
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (fs_run_form_get_problem (window_form (window)), "Start URL"));

  gtk_editable_set_text (GTK_EDITABLE (url_row), "127.0.0.1/api/0");
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  g_assert_false (gtk_widget_get_sensitive (button));

  gtk_editable_set_text (GTK_EDITABLE (url_row), start);
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_assert_null (fs_run_form_get_problem (window_form (window)));
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Kept as they change. */
  url_set = g_settings_get_string (settings, "url-set");
  g_assert_cmpstr (url_set, ==, "crawl:url");
  kept_url = g_settings_get_string (settings, "crawl-url");
  g_assert_cmpstr (kept_url, ==, start);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (form_child (window, "max_pages_spin")), 300);
  g_assert_cmpuint (g_settings_get_uint (settings, "crawl-max-pages"), ==, 300);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  /* Nothing lost: one terminal record per job the crawler handed out. */
  stop_once_started (window, &summary);
  g_assert_cmpuint (summary.total, >, 0);
  g_assert_cmpuint (summary.total, <=, 300);
  g_assert_cmpuint (fs_run_controller_get_total (controller, NULL), ==, summary.total);

  gtk_window_destroy (GTK_WINDOW (window));

  /* Restored on start. */
  window = new_window_with_demo ("1");
  url_row = GTK_WIDGET (form_child (window, "crawl_url_row"));
  g_assert_true (fs_run_form_get_crawl (window_form (window)));
  g_assert_true (gtk_widget_get_visible (url_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, start);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (form_child (window,
                                                                             "max_pages_spin"))),
                     ==, 300);
  gtk_window_destroy (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (crawl_keys); i++)
    g_settings_reset (settings, crawl_keys[i]);
}

/* The demo server's ground truth: how many pages /api/0 leads to. */
static guint
demo_reachable_from_0 (FsWindow *window)
{
  g_autoptr(GArray) ids = fs_test_dup_reachable_at (fs_window_get_demo_base_url (window), 0);

  return ids->len;
}

static gboolean
aggregator_has_crawl_data (FsAggregator *aggregator)
{
  guint n = fs_aggregator_get_n_buckets (aggregator);
  guint64 most_frontier = 0;

  for (guint b = 0; b < n; b++)
    most_frontier = MAX (most_frontier, fs_aggregator_get_bucket (aggregator, b)->crawl_frontier);

  return n > 0 && fs_aggregator_get_bucket (aggregator, n - 1)->crawl_visited > 0 &&
         most_frontier > 0;
}

/* Pixels of exactly @color in a chart's header: the legend's marks. */
static guint
count_color_in_header (cairo_surface_t *surface,
                       const FsColor   *color)
{
  guint32 wanted = fs_color_to_argb32 (color);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint n = 0;

  for (int y = 0; y < 40; y++)
    {
      const guint32 *row = (const guint32 *) (gconstpointer) (data + y * stride);

      for (int x = 0; x < CHART_WIDTH; x++)
        n += row[x] == wanted;
    }

  return n;
}

static cairo_surface_t *
render_in_flight (FsAggregator *aggregator)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         CHART_WIDTH, CHART_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  FsChartData data = { .aggregator = aggregator };
  FsChartStyle style;

  fs_chart_style_init (&style);
  fs_chart_render (cr, FS_CHART_IN_FLIGHT, &data, &style, CHART_WIDTH, CHART_HEIGHT);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

/* A crawl of the demo graph, started as a person would: it finds exactly
 * the pages the server says /api/0 leads to, each fetched once, and its
 * frontier and visited count reach the in-flight chart. */
static void
test_crawl_demo_graph (void)
{
  FsWindow *window = new_window_with_demo ("0.01");
  FsRunController *controller = fs_window_get_controller (window);
  GObject *count_row = form_child (window, "count_row");
  GObject *max_pages_row = form_child (window, "max_pages_row");
  const FsChartPalette *palette = fs_chart_palette_get (FALSE);
  cairo_surface_t *drawn;
  FsCrawlStats stats;
  FsSummary summary;
  guint truth = demo_reachable_from_0 (window);
  guint frames = 5;

  g_assert_cmpuint (truth, >, 100);

  fs_run_form_select_crawl (window_form (window), NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (count_row)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (max_pages_row)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (fs_run_controller_get_running (controller));
  g_assert_nonnull (fs_run_controller_get_crawler (controller));

  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  g_assert_null (fs_run_controller_get_error (controller));
  g_assert_cmpint (fs_run_controller_get_state (controller), ==, FS_RUN_STATE_FINISHED);
  g_assert_cmpstr (fs_window_get_status (window), ==, "Finished");

  /* The summary's total is the ground truth, every page fetched once. */
  assert_conserved (controller, &summary);
  g_assert_cmpuint (summary.total, ==, truth);
  fs_crawler_get_stats (fs_run_controller_get_crawler (controller), &stats);
  g_assert_true (stats.finished);
  g_assert_cmpuint (stats.visited, ==, truth);
  g_assert_cmpuint (stats.done, ==, truth);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.frontier, ==, 0);
  g_assert_cmpuint (fs_run_controller_get_total (controller, NULL), ==, truth);

  /* The in-flight chart has crawl data, and draws it. */
  g_assert_true (aggregator_has_crawl_data (fs_run_controller_get_aggregator (controller)));
  iterate_until (frames_passed, &frames, 5);
  assert_charts_have_data (window);

  /* The legend names the visited count and the frontier, in their colours. */
  drawn = render_in_flight (fs_run_controller_get_aggregator (controller));
  g_assert_cmpuint (count_color_in_header (drawn, &palette->series[FS_SERIES_VISITED]), >=, 12);
  g_assert_cmpuint (count_color_in_header (drawn, &palette->series[FS_SERIES_FRONTIER]), >=, 12);
  cairo_surface_destroy (drawn);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A value that cannot run is explained beside its control, and Start is off. */
static void
test_invalid_value (void)
{
  FsWindow *window = new_window_with_demo ("0.01");
  GtkWidget *spin = GTK_WIDGET (form_child (window, "concurrency_spin"));
  GtkWidget *row = GTK_WIDGET (form_child (window, "concurrency_row"));
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                                 "run_button"));

  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_false (gtk_widget_has_css_class (row, "fs-invalid"));

  gtk_editable_set_text (GTK_EDITABLE (spin), "0");
  g_assert_true (gtk_widget_has_css_class (row, "fs-invalid"));
  g_assert_true (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "1") != NULL);
  g_assert_false (gtk_widget_get_sensitive (button));

  gtk_editable_set_text (GTK_EDITABLE (spin), "12");
  g_assert_false (gtk_widget_has_css_class (row, "fs-invalid"));
  g_assert_true (gtk_widget_get_sensitive (button));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Past what fits, the swimlane scrolls through its lanes. */
static void
test_many_lanes (void)
{
  /* 100 ms a request, three for each thread: every thread gets some, even
   * on a busy machine, so each has its lane. */
  FsWindow *window = new_window_with_demo ("1");
  FsRunController *controller = fs_window_get_controller (window);
  FsChart *swimlane = fs_window_get_chart (window, FS_CHART_SWIMLANE);
  GObject *concurrency = form_child (window, "concurrency_spin");
  GObject *scrollbar = gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                      "lane_scrollbar");
  GObject *adjustment = gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                       "lane_adjustment");
  FsSummary summary;

  g_assert_true (fs_window_select_strategy (window, FS_STRATEGY_THREADS));
  g_assert_true (fs_window_select_preset (window, "delay", 900));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (concurrency), 300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  g_assert_cmpint (fs_run_controller_get_state (controller), ==, FS_RUN_STATE_FINISHED);
  assert_conserved (controller, &summary);
  g_assert_cmpuint (summary.total, ==, 900);

  g_assert_cmpuint (fs_swimlane_get_n_rows (fs_run_controller_get_swimlane (controller)), >=, 256);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (scrollbar)));
  gtk_adjustment_set_value (GTK_ADJUSTMENT (adjustment), 100);
  g_assert_cmpuint (fs_chart_get_lane_offset (swimlane), ==, 100);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window stops its run, which still ends every job. */
static void
test_close_while_running (void)
{
  FsWindow *window = new_window_with_demo ("1");
  g_autoptr(FsRunController) controller = g_object_ref (fs_window_get_controller (window));
  FsSummary summary;

  g_assert_true (fs_window_select_preset (window, "slow", 20));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (iterate_until (run_has_started_requests, controller, RUN_WAIT_S));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  g_assert_cmpint (fs_run_controller_get_state (controller), ==, FS_RUN_STATE_CANCELLED);
  assert_conserved (controller, &summary);
  g_assert_cmpuint (summary.outcomes[FS_OUTCOME_CANCELLED], >, 0);
}

static gboolean
comparison_over (gpointer data)
{
  return !fs_compare_session_get_running (data);
}

/* Three strategies one after another: each run kept and ranked, the charts
 * overlay them, and the comparison goes to a file and comes back. */
static void
test_compare (void)
{
  FsWindow *window = new_window_with_demo ("0.01");
  FsCompareSession *session = fs_window_get_session (window);
  GObject *form = gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW, "run_form");
  GObject *table = gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                  "compare_table");
  g_autofree char *dir = g_dir_make_tmp ("fetchscope-test-window-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (dir, "comparison.fetchscope", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.fetchscope", NULL);
  g_autofree char *png = g_build_filename (dir, "dashboard.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "latency.svg", NULL);
  g_autofree char *csv = g_build_filename (dir, "requests.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  FsVariant variants[3];
  FsWindow *reopened;
  GPtrArray *runs;
  gsize length;

  g_assert_true (fs_variant_parse ("loop", &variants[0], NULL));
  g_assert_true (fs_variant_parse ("threads", &variants[1], NULL));
  g_assert_true (fs_variant_parse ("threads+gil", &variants[2], NULL));
  fs_run_form_set_compare (FS_RUN_FORM (form), TRUE, variants, G_N_ELEMENTS (variants));
  g_assert_true (fs_window_select_preset (window, "cpu", 12));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (fs_compare_session_get_running (session));
  g_assert_true (iterate_until (comparison_over, session, RUN_WAIT_S));

  runs = fs_compare_session_get_runs (session);
  g_assert_cmpuint (runs->len, ==, 3);
  /* The card says so; the table has the figures. */
  g_assert_cmpstr (fs_window_get_status (window), ==, "Compared");
  for (guint i = 0; i < runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (runs, i);
      g_autofree char *name = fs_run_config_dup_label (run->config);

      g_assert_cmpstr (run->label, ==, name);
      g_assert_true (run->complete);
      g_assert_cmpuint (run->summary.total, ==, 12);
      g_assert_cmpint (run->config->strategy, ==, variants[i].strategy);
      g_assert_cmpint (run->config->gil, ==, variants[i].gil);
    }
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    g_assert_true (fs_chart_has_data (fs_window_get_chart (window, kind)));

  /* The table: a header and a row a run, the baseline at 1.00×. */
  text = fs_compare_table_dup_text (FS_COMPARE_TABLE (table));
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_nonnull (strstr (text, "threads + GIL"));
  g_assert_nonnull (strstr (text, "1.00×"));
  fs_compare_session_set_baseline (session, 1);
  g_assert_cmpuint (fs_compare_session_get_baseline (session), ==, 1);

  g_assert_true (fs_window_export (window, png, FS_EXPORT_PNG, FS_EXPORT_DASHBOARD, 1200, 800, 1,
                                   &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&contents, g_free);
  g_assert_true (fs_window_export (window, svg, FS_EXPORT_SVG, FS_CHART_LATENCY, 600, 400, 1,
                                   &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "<svg"));
  g_assert_nonnull (strstr (contents, "threads + GIL"));

  /* One CSV row per request of every run, below the header. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (fs_window_export_records (window, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  {
    g_auto(GStrv) rows = g_strsplit (g_strchomp (contents), "\n", -1);

    g_assert_cmpuint (g_strv_length (rows), ==, 1 + 3 * 12);
  }

  g_assert_true (fs_window_save_runs (window, saved, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Another window shows the comparison as it was, with no run of its own. */
  reopened = new_window_with_demo ("0.01");
  g_assert_true (fs_window_open_runs (reopened, saved, &error));
  g_assert_no_error (error);
  runs = fs_compare_session_get_runs (fs_window_get_session (reopened));
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpstr (fs_window_get_status (reopened), ==, "Opened");
  g_assert_cmpuint (((FsSavedRun *) g_ptr_array_index (runs, 2))->summary.total, ==, 12);
  g_assert_cmpstr (((FsSavedRun *) g_ptr_array_index (runs, 2))->label, ==, "threads + GIL");
  /* The requests came along. */
  g_assert_nonnull (((FsSavedRun *) g_ptr_array_index (runs, 2))->records);
  g_assert_cmpuint (fs_record_log_get_length (((FsSavedRun *) g_ptr_array_index (runs, 2))->records),
                    ==, 12);
  g_assert_true (fs_chart_has_data (fs_window_get_chart (reopened, FS_CHART_SWIMLANE)));

  /* A damaged file is refused and changes nothing. */
  g_assert_true (g_file_set_contents (garbage, "{\"format\": \"fetchscope-saved-run\", \"ver", -1,
                                      NULL));
  g_assert_false (fs_window_open_runs (reopened, garbage, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "garbage.fetchscope"));
  g_clear_error (&error);
  g_assert_cmpuint (fs_compare_session_get_runs (fs_window_get_session (reopened))->len, ==, 3);

  gtk_window_destroy (GTK_WINDOW (reopened));
  g_unlink (saved);
  g_unlink (garbage);
  g_unlink (png);
  g_unlink (svg);
  g_unlink (csv);
  g_rmdir (dir);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} FileJobResult;

static void
file_job_done_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FileJobResult *job = user_data;

  job->ok = fs_window_file_job_finish (FS_WINDOW (source_object), result, &job->error);
  job->done = TRUE;
}

static gboolean
file_job_done (gpointer data)
{
  return ((FileJobResult *) data)->done;
}

/* Starts @kind on @path on a thread; while it is under way, Start and
 * other file jobs wait; returns once it is done. */
static gboolean
run_file_job (FsWindow         *window,
              FsWindowFileJob   kind,
              const char       *path,
              GError          **error)
{
  FsRunController *controller = fs_window_get_controller (window);
  FileJobResult job = { FALSE, FALSE, NULL };
  g_autoptr(GError) busy = NULL;
  g_autofree char *other = g_strconcat (path, ".other", NULL);

  fs_window_file_job_async (window, kind, path, file_job_done_cb, &job);
  /* Under way: the job's result comes in a later main loop iteration. */
  g_assert_false (job.done);
  gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL);
  g_assert_false (fs_run_controller_get_running (controller));
  g_assert_false (fs_window_save_runs (window, other, &busy));
  g_assert_error (busy, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (iterate_until (file_job_done, &job, RUN_WAIT_S));
  if (job.error != NULL)
    g_propagate_error (error, job.error);

  return job.ok;
}

/* Save, open and export records on a thread, as the file actions do:
 * the same files and the same window as the calls that block, Start held
 * back meanwhile, and a file that cannot be read changes nothing. */
static void
test_file_jobs (void)
{
  FsWindow *window = new_window_with_demo ("0.01");
  FsRunController *controller = fs_window_get_controller (window);
  g_autofree char *dir = g_dir_make_tmp ("fetchscope-jobs-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (dir, "run.fetchscope", NULL);
  g_autofree char *csv = g_build_filename (dir, "requests.csv", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.fetchscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  FsWindow *reopened;
  GPtrArray *runs;

  /* Nothing to save yet: said without a thread. */
  {
    FileJobResult job = { FALSE, FALSE, NULL };

    fs_window_file_job_async (window, FS_WINDOW_FILE_SAVE, saved, file_job_done_cb, &job);
    g_assert_true (iterate_until (file_job_done, &job, RUN_WAIT_S));
    g_assert_false (job.ok);
    g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&job.error);
    g_assert_false (g_file_test (saved, G_FILE_TEST_EXISTS));
  }

  g_assert_true (fs_window_select_preset (window, "mixed", 30));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));

  g_assert_true (run_file_job (window, FS_WINDOW_FILE_SAVE, saved, &error));
  g_assert_no_error (error);
  g_assert_true (run_file_job (window, FS_WINDOW_FILE_EXPORT_RECORDS, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  {
    g_auto(GStrv) rows = g_strsplit (g_strchomp (contents), "\n", -1);

    g_assert_cmpuint (g_strv_length (rows), ==, 1 + 30);
  }

  /* Start works again once the jobs are done. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (fs_run_controller_get_running (controller));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  gtk_window_destroy (GTK_WINDOW (window));

  reopened = new_window_with_demo ("0.01");
  g_assert_true (run_file_job (reopened, FS_WINDOW_FILE_OPEN, saved, &error));
  g_assert_no_error (error);
  runs = fs_compare_session_get_runs (fs_window_get_session (reopened));
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpstr (fs_window_get_status (reopened), ==, "Opened");
  g_assert_cmpuint (fs_record_log_get_length (((FsSavedRun *) g_ptr_array_index (runs, 0))->records),
                    ==, 30);

  g_assert_true (g_file_set_contents (garbage, "{\"format\": \"fetchscope-saved-run\", \"ver", -1,
                                      NULL));
  g_assert_false (run_file_job (reopened, FS_WINDOW_FILE_OPEN, garbage, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "garbage.fetchscope"));
  g_clear_error (&error);
  g_assert_cmpuint (fs_compare_session_get_runs (fs_window_get_session (reopened))->len, ==, 1);
  g_assert_cmpstr (fs_window_get_status (reopened), ==, "Opened");

  /* Closed while a file is read: the job ends as it would have (and GLib
   * and GTK criticals, fatal here, say nothing). */
  {
    FileJobResult job = { FALSE, FALSE, NULL };

    fs_window_file_job_async (reopened, FS_WINDOW_FILE_OPEN, saved, file_job_done_cb, &job);
    gtk_window_destroy (GTK_WINDOW (reopened));
    g_assert_true (iterate_until (file_job_done, &job, RUN_WAIT_S));
    g_assert_true (job.ok);
  }

  g_unlink (saved);
  g_unlink (csv);
  g_unlink (garbage);
  g_rmdir (dir);
}

static char *quit_saved;

static void
quit_while_saving_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fs_window_file_job_finish (FS_WINDOW (source_object), result, &error));
  g_assert_no_error (error);
}

/* Once the run is over: Save on a thread, and Quit at once. */
static gboolean
save_and_quit_cb (gpointer user_data)
{
  FsWindow *window = user_data;

  if (fs_run_controller_get_running (fs_window_get_controller (window)))
    return G_SOURCE_CONTINUE;

  fs_window_file_job_async (window, FS_WINDOW_FILE_SAVE, quit_saved, quit_while_saving_cb, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

/* Quit while a file is saved: the application ends once the file is
 * complete, not half way through it. */
static void
test_quit_while_saving (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  FsWindow *window;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  dir = g_dir_make_tmp ("fetchscope-quit-XXXXXX", NULL);
  quit_saved = g_build_filename (dir, "run.fetchscope", NULL);

  /* Enough records that the save takes a while. */
  window = new_window_with_demo ("0.01");
  g_assert_true (fs_window_select_preset (window, "ping", 20000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_timeout_add (10, save_and_quit_cb, window);

  /* Returns once the application has ended. */
  g_application_run (G_APPLICATION (app), 0, NULL);

  g_assert_true (g_file_test (quit_saved, G_FILE_TEST_EXISTS));
  runs = fs_saved_runs_load (quit_saved, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fs_record_log_get_length (((FsSavedRun *) g_ptr_array_index (runs, 0))->records),
                    ==, 20000);
  /* Nothing else in the folder: no temporary file left. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "run.fetchscope");
  g_assert_null (g_dir_read_name (listing));

  g_unlink (quit_saved);
  g_rmdir (dir);
  g_clear_pointer (&quit_saved, g_free);
}

static void
test_actions (void)
{
  FsWindow *window = new_window_with_demo ("0.01");

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  /* The latency view toggles, from the primary menu. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chart.heatmap", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chart.log-scale", NULL));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "chart.no-such-view", NULL));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The memory backend starts every test program from the schema's
 * defaults; this test puts them back for the tests after it. */
static const char * const touched_keys[] = {
  "strategy", "concurrency", "url-set", "url-count", "request-timeout", "max-body",
  "latency-heatmap", "latency-log-scale", "window-width", "window-height",
};

static void
test_settings (void)
{
  GSettings *settings = fs_settings_get ();
  FsWindow *window;
  FsRunController *controller;
  const FsRunConfig *config;
  FsSummary summary;
  g_autofree char *strategy = NULL;
  g_autofree char *url_set = NULL;
  gboolean log_scale;

  g_assert_nonnull (settings);

  /* Restored on start: the last strategy, its settings and the URL set,
   * and the preferences a run takes. */
  g_settings_set_string (settings, "strategy", "threads");
  g_settings_set_uint (settings, "concurrency", 7);
  g_settings_set_string (settings, "url-set", "demo:regular");
  g_settings_set_uint (settings, "url-count", 12);
  g_settings_set_double (settings, "request-timeout", 12.5);
  g_settings_set_uint64 (settings, "max-body", 4096);

  window = new_window_with_demo ("0.01");
  controller = fs_window_get_controller (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL));
  g_assert_true (iterate_until (run_over, controller, RUN_WAIT_S));
  g_assert_null (fs_run_controller_get_error (controller));

  config = fs_run_controller_get_config (controller);
  g_assert_cmpint (config->strategy, ==, FS_STRATEGY_THREADS);
  g_assert_cmpuint (config->concurrency, ==, 7);
  g_assert_cmpuint (config->timeout_ms, ==, 12500);
  g_assert_cmpuint (config->max_body_bytes, ==, 4096);
  assert_conserved (controller, &summary);
  g_assert_cmpuint (summary.total, ==, 12);

  /* Kept as they change. */
  g_assert_true (fs_window_select_strategy (window, FS_STRATEGY_SERIAL));
  strategy = g_settings_get_string (settings, "strategy");
  g_assert_cmpstr (strategy, ==, "serial");
  g_assert_true (fs_window_select_preset (window, "cpu", 5));
  url_set = g_settings_get_string (settings, "url-set");
  g_assert_cmpstr (url_set, ==, "demo:cpu");
  g_assert_cmpuint (g_settings_get_uint (settings, "url-count"), ==, 5);
  /* The toggle flips the restored state, whatever earlier tests left. */
  log_scale = g_settings_get_boolean (settings, "latency-log-scale");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chart.log-scale", NULL));
  g_assert_cmpint (g_settings_get_boolean (settings, "latency-log-scale"), ==, !log_scale);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  gtk_window_destroy (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (touched_keys); i++)
    g_settings_reset (settings, touched_keys[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  adw_init ();

  app = fs_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/Fetchscope/Window/run-finishes", test_run_finishes);
  g_test_add_func ("/Fetchscope/Window/run-stopped", test_run_stopped);
  g_test_add_func ("/Fetchscope/Window/invalid-value", test_invalid_value);
  g_test_add_func ("/Fetchscope/Window/many-lanes", test_many_lanes);
  g_test_add_func ("/Fetchscope/Window/close-while-running", test_close_while_running);
  g_test_add_func ("/Fetchscope/Window/actions", test_actions);
  g_test_add_func ("/Fetchscope/Window/compare", test_compare);
  g_test_add_func ("/Fetchscope/Window/file-jobs", test_file_jobs);
  g_test_add_func ("/Fetchscope/Window/quit-while-saving", test_quit_while_saving);
  g_test_add_func ("/Fetchscope/Window/crawl-demo-graph", test_crawl_demo_graph);
  g_test_add_func ("/Fetchscope/Window/crawl-url", test_crawl_url);

  g_test_add_func ("/Fetchscope/Window/settings", test_settings);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}

/* window-load.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test: how the dashboard copes with a flood of
 * records. Run it on a display (bench/window-load starts Xvfb):
 *
 *   window-load feed [RATE] [SECONDS]
 *     A synthetic engine (no network) hands the window RATE requests a
 *     second (a start and a terminal record each) for SECONDS, through the
 *     same sink, controller, aggregates and charts as a real run. Reports
 *     the records delivered per second, frame times (the main thread's
 *     work per frame, and the time between frames), each chart's drawing
 *     time in the window and at 1280×800, the main loop's lag, and the
 *     backlog between records fed and records aggregated.
 *
 *   window-load stop [COUNT] [CONCURRENCY] [SAVE_FILE]
 *     A real demo:ping run of COUNT requests on the loop strategy against
 *     the window's own demo server, twice: once to the end (the app's RSS
 *     at the start and at the end), once stopped half way through its
 *     Stop button (how long until the window shows it stopping, and until
 *     every job has ended). With SAVE_FILE, the finished run is saved
 *     there, as Save Run does (on a thread), with the main loop's lag.
 *
 *   window-load open FILE
 *     Opens a saved run in the window, as Open Saved Run does (on a
 *     thread): how long that takes, the main loop's lag meanwhile, the
 *     app's RSS before and after, and its peak.
 *
 * Everything stays on 127.0.0.1 and ends by itself.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <adwaita.h>

#include "fs-application.h"
#include "fs-engine-private.h"
#include "fs-proc.h"
#include "fs-window.h"

#define WINDOW_WIDTH   1280
#define WINDOW_HEIGHT  800
#define WARMUP_US      (2 * G_USEC_PER_SEC)
#define PROBE_MS       10
#define DEMO_WAIT_S    30
#define FAKE_BASE_URL  "http://127.0.0.1:9"

/* A synthetic engine: requests that take a few milliseconds, ended at a
 * steady rate, spread over the slots of one loop. */

#define FS_TYPE_BENCH_ENGINE (fs_bench_engine_get_type ())

G_DECLARE_FINAL_TYPE (FsBenchEngine, fs_bench_engine, FS, BENCH_ENGINE, FsEngine)

struct _FsBenchEngine
{
  FsEngine  parent_instance;

  double    rate;      /* requests per second */
  guint     slots;
  gint      n_ended;   /* atomic: terminal records handed to the sink */
  GMutex    lock;
  gint64    t_first_unseen;  /* under lock: when the oldest batch the window has not
                              * folded in yet was handed over, or 0 */
};

G_DEFINE_FINAL_TYPE (FsBenchEngine, fs_bench_engine, FS_TYPE_ENGINE)

static void
fake_request (FsBenchEngine *self,
              const FsJob   *job,
              FsLane        *lane,
              GRand         *rand,
              gint64         now,
              GArray        *events)
{
  FsEvent start, end;
  /* Log-normal around 3 ms, with a slow tail. */
  double u1 = g_rand_double_range (rand, 1e-9, 1.0), u2 = g_rand_double (rand);
  double gauss = sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
  gint64 latency = (gint64) (3000 * exp (0.6 * gauss)) + 100;

  lane->slot = job->id % self->slots;
  fs_event_init_start (&start, job, FS_STRATEGY_LOOP, lane, now - latency);
  fs_event_init_terminal (&end, job, FS_STRATEGY_LOOP, lane);
  end.t_started = now - latency;
  end.t_connect = end.t_started + latency / 20;
  end.t_first_byte = end.t_started + latency * 9 / 10;
  end.t_done = now;
  end.bytes = 100;
  if (g_rand_int_range (rand, 0, 50) == 0)
    {
      end.outcome = FS_OUTCOME_HTTP_ERROR;
      end.http_status = 503;
    }
  else
    {
      end.outcome = FS_OUTCOME_OK;
      end.http_status = 200;
    }

  g_array_append_val (events, start);
  g_array_append_val (events, end);
}

static gboolean
fs_bench_engine_run (FsEngine      *engine,
                     FsJobQueue    *queue,
                     FsEventSink   *sink,
                     GCancellable  *cancellable,
                     GError       **error)
{
  FsBenchEngine *self = FS_BENCH_ENGINE (engine);
  FsLane lane = { .index = 0, .pid = getpid (), .tid = (gint32) syscall (SYS_gettid) };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GArray) events = g_array_sized_new (FALSE, FALSE, sizeof (FsEvent), 1024);
  gint64 t0 = g_get_monotonic_time ();
  guint64 n = 0;
  gboolean closed = FALSE;

  while (!closed && !g_cancellable_is_cancelled (cancellable))
    {
      gint64 now = g_get_monotonic_time ();
      guint64 due = (guint64) ((now - t0) * self->rate / G_USEC_PER_SEC);

      g_array_set_size (events, 0);
      while (n < due && events->len < 1024)
        {
          FsJob *job = NULL;
          FsJobQueueStatus status = fs_job_queue_try_pop (queue, &job);

          if (status == FS_JOB_QUEUE_CLOSED)
            closed = TRUE;
          if (status != FS_JOB_QUEUE_READY)
            break;

          fake_request (self, job, &lane, rand, now, events);
          fs_job_free (job);
          n++;
        }

      if (events->len > 0)
        {
          g_mutex_lock (&self->lock);
          if (self->t_first_unseen == 0)
            self->t_first_unseen = g_get_monotonic_time ();
          g_mutex_unlock (&self->lock);
          fs_event_sink_push_many (sink, (const FsEvent *) (gpointer) events->data, events->len);
          g_atomic_int_set (&self->n_ended, (gint) n);
        }
      else
        g_usleep (500);
    }

  _fs_engine_cancel_queued (engine, queue, sink);

  return TRUE;
}

static void fs_bench_engine_finalize (GObject *object);

static void
fs_bench_engine_class_init (FsBenchEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fs_bench_engine_finalize;
  FS_ENGINE_CLASS (klass)->run = fs_bench_engine_run;
}

static void
fs_bench_engine_finalize (GObject *object)
{
  g_mutex_clear (&FS_BENCH_ENGINE (object)->lock);

  G_OBJECT_CLASS (fs_bench_engine_parent_class)->finalize (object);
}

static void
fs_bench_engine_init (FsBenchEngine *self)
{
  g_mutex_init (&self->lock);
}

/* The oldest record handed over since the window last folded records in:
 * the one that has waited longest to reach the screen. */
static gint64
bench_engine_take_first_unseen (FsBenchEngine *self)
{
  gint64 t;

  g_mutex_lock (&self->lock);
  t = self->t_first_unseen;
  self->t_first_unseen = 0;
  g_mutex_unlock (&self->lock);

  return t;
}

static guint64
bench_engine_get_n_ended (FsBenchEngine *self)
{
  return (guint64) g_atomic_int_get (&self->n_ended);
}

/* Measurements on the main thread */

typedef struct
{
  FsWindow        *window;
  FsRunController *controller;
  GArray          *frame_work;      /* double ms: before-paint to after-paint */
  GArray          *frame_interval;  /* double ms: between frame starts */
  GArray          *lag;             /* double ms: a probe's lateness */
  GArray          *on_screen;       /* double ms: a record handed over → a frame showing it */
  FsBenchEngine   *engine;          /* feed mode */
  gint64           t_folded;        /* oldest record folded in, not yet painted */
  GArray          *draws[FS_N_CHARTS];
  guint            n_draws[FS_N_CHARTS];
  gint64           t_measure;       /* measure from here on */
  gint64           t_frame;
  gint64           t_prev_frame;
  gint64           t_probe;
  gboolean         painted;
  guint64          stop_at;         /* stop mode: requests ended before Stop */
} Probe;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
quantile (GArray *values,
          double  q)
{
  if (values->len == 0)
    return NAN;

  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, (guint) MIN (values->len - 1, q * values->len));
}

static void
append_ms (GArray *values,
           gint64  us)
{
  double ms = us / 1000.0;

  g_array_append_val (values, ms);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Probe         *probe)
{
  probe->t_prev_frame = probe->t_frame;
  probe->t_frame = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Probe         *probe)
{
  gint64 now = g_get_monotonic_time ();

  probe->painted = TRUE;
  if (probe->t_measure == 0 || probe->t_frame < probe->t_measure)
    return;

  append_ms (probe->frame_work, now - probe->t_frame);
  if (probe->t_folded != 0)
    {
      append_ms (probe->on_screen, now - probe->t_folded);
      probe->t_folded = 0;
    }
  if (probe->t_prev_frame >= probe->t_measure)
    append_ms (probe->frame_interval, probe->t_frame - probe->t_prev_frame);

  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      FsChart *chart = fs_window_get_chart (probe->window, kind);
      gint64 draw_us;
      guint n;

      fs_chart_get_draw_stats (chart, &n, &draw_us);
      if (n != probe->n_draws[kind])
        append_ms (probe->draws[kind], draw_us);
      probe->n_draws[kind] = n;
    }
}

static gboolean
lag_probe_cb (gpointer user_data)
{
  Probe *probe = user_data;
  gint64 now = g_get_monotonic_time ();

  if (probe->t_probe != 0 && probe->t_measure != 0 && now >= probe->t_measure)
    append_ms (probe->lag, MAX (0, now - probe->t_probe - PROBE_MS * 1000));
  probe->t_probe = now;

  return G_SOURCE_CONTINUE;
}

static Probe *
probe_new (FsWindow *window)
{
  Probe *probe = g_new0 (Probe, 1);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  probe->window = window;
  probe->controller = fs_window_get_controller (window);
  probe->frame_work = g_array_new (FALSE, FALSE, sizeof (double));
  probe->frame_interval = g_array_new (FALSE, FALSE, sizeof (double));
  probe->lag = g_array_new (FALSE, FALSE, sizeof (double));
  probe->on_screen = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    probe->draws[kind] = g_array_new (FALSE, FALSE, sizeof (double));

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), probe);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), probe);
  g_timeout_add (PROBE_MS, lag_probe_cb, probe);

  return probe;
}

static void
probe_reset (Probe *probe)
{
  g_array_set_size (probe->frame_work, 0);
  g_array_set_size (probe->frame_interval, 0);
  g_array_set_size (probe->lag, 0);
  g_array_set_size (probe->on_screen, 0);
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    g_array_set_size (probe->draws[kind], 0);
  probe->t_measure = g_get_monotonic_time ();
}

static void
print_distribution (const char *what,
                    GArray     *values)
{
  g_print ("  %-34s n %-6u p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", what, values->len,
           quantile (values, 0.5), quantile (values, 0.95), quantile (values, 1.0));
}

static void
print_probe (Probe *probe)
{
  print_distribution ("frame work (before→after paint)", probe->frame_work);
  print_distribution ("frame interval", probe->frame_interval);
  print_distribution ("main loop lag (10 ms timer)", probe->lag);
  if (probe->on_screen->len > 0)
    print_distribution ("record handed over → on screen", probe->on_screen);
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      FsChart *chart = fs_window_get_chart (probe->window, kind);
      g_autofree char *what = g_strdup_printf ("draw %s (%d×%d)", fs_chart_kind_to_string (kind),
                                               gtk_widget_get_width (GTK_WIDGET (chart)),
                                               gtk_widget_get_height (GTK_WIDGET (chart)));

      print_distribution (what, probe->draws[kind]);
    }
}

static void
iterate_for (gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
iterate_until (Condition condition,
               gpointer  data,
               gint64    timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (200);
    }

  return TRUE;
}

static gboolean
demo_settled (gpointer data)
{
  return fs_window_get_demo_base_url (data) != NULL || fs_window_get_demo_error (data) != NULL;
}

static gboolean
run_over (gpointer data)
{
  return !fs_run_controller_get_running (data);
}

static guint64
rss_kib (void)
{
  FsSample sample;

  if (!fs_proc_read_sample (getpid (), &sample, NULL))
    return 0;

  return sample.rss_bytes / 1024;
}

/* The process's peak RSS so far. */
static guint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nVmHWM:")) == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen ("\nVmHWM:"), NULL, 10);
}

static FsWindow *
open_window (FsApplication *app)
{
  FsWindow *window = fs_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (G_USEC_PER_SEC / 2);

  return window;
}

/* Each chart at 1280×800 from the aggregates as they are, on an image
 * surface: the export path, and what a full-window chart would cost. */
static void
print_full_size_redraws (FsWindow *window)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         WINDOW_WIDTH, WINDOW_HEIGHT);

  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *what = g_strdup_printf ("redraw %s at %d×%d", fs_chart_kind_to_string (kind),
                                               WINDOW_WIDTH, WINDOW_HEIGHT);

      /* Once untimed: the surface's first touch costs page faults, not drawing. */
      for (guint i = 0; i < 10; i++)
        {
          cairo_t *cr = cairo_create (surface);
          gint64 t = g_get_monotonic_time ();

          fs_chart_draw (fs_window_get_chart (window, kind), cr, WINDOW_WIDTH, WINDOW_HEIGHT);
          cairo_surface_flush (surface);
          if (i > 0)
            append_ms (times, g_get_monotonic_time () - t);
          cairo_destroy (cr);
        }
      print_distribution (what, times);
    }

  cairo_surface_destroy (surface);
}

/* The window has folded the records handed over so far into its
 * aggregates; the next frame shows them. */
static void
records_folded_cb (FsRunController *controller,
                   Probe           *probe)
{
  gint64 t = bench_engine_take_first_unseen (probe->engine);

  if (t != 0 && probe->t_measure != 0 && (probe->t_folded == 0 || t < probe->t_folded))
    probe->t_folded = t;
}

static int
run_feed (FsApplication *app,
          double         rate,
          double         seconds)
{
  FsWindow *window = open_window (app);
  FsRunController *controller = fs_window_get_controller (window);
  g_autoptr(FsBenchEngine) engine = g_object_new (FS_TYPE_BENCH_ENGINE, NULL);
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) backlog = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 count = (guint64) (rate * seconds);
  gint64 t_start, t_end, t_next_sample;
  guint64 fed_at_measure = 0;
  FsSummary summary;
  Probe *probe;

  config->strategy = FS_STRATEGY_LOOP;
  config->concurrency = 100;
  engine->rate = rate;
  engine->slots = config->concurrency;
  _fs_engine_configure (FS_ENGINE (engine), config);

  source = fs_url_source_new_for_preset ("ping", FAKE_BASE_URL, count, &error);
  g_assert_no_error (error);

  probe = probe_new (window);
  probe->engine = engine;
  g_signal_connect (controller, "updated", G_CALLBACK (records_folded_cb), probe);
  if (!fs_run_controller_start_with_engine (controller, FS_ENGINE (engine), source, count, &error))
    {
      g_printerr ("window-load: %s\n", error->message);
      return 1;
    }

  t_start = g_get_monotonic_time ();
  t_next_sample = t_start + WARMUP_US;
  while (fs_run_controller_get_running (controller))
    {
      gint64 now = g_get_monotonic_time ();

      if (probe->t_measure == 0 && now >= t_start + WARMUP_US)
        {
          probe_reset (probe);
          fed_at_measure = bench_engine_get_n_ended (engine);
        }

      /* Records the engine has handed over but the window has not yet
       * folded into its aggregates. */
      if (now >= t_next_sample)
        {
          double behind;

          fs_run_controller_get_summary (controller, &summary);
          behind = (double) bench_engine_get_n_ended (engine) - (double) summary.total;
          g_array_append_val (backlog, behind);
          t_next_sample += G_USEC_PER_SEC;
        }

      g_main_context_iteration (NULL, TRUE);
    }
  t_end = g_get_monotonic_time ();

  fs_run_controller_get_summary (controller, &summary);
  g_print ("window-load feed: %.0f requests/s asked for %.0f s, window %d×%d\n",
           rate, seconds, gtk_widget_get_width (GTK_WIDGET (window)),
           gtk_widget_get_height (GTK_WIDGET (window)));
  g_print ("  delivered %" G_GUINT64_FORMAT " requests in %.1f s: %.0f requests/s "
           "(%.0f records/s, a start and a terminal each) after warm-up\n",
           summary.total, (t_end - t_start) / 1e6,
           (summary.total - fed_at_measure) / ((t_end - probe->t_measure) / 1e6),
           2 * (summary.total - fed_at_measure) / ((t_end - probe->t_measure) / 1e6));
  print_probe (probe);
  g_print ("  backlog (fed − aggregated) once a second:");
  for (guint i = 0; i < backlog->len; i++)
    g_print (" %.0f", g_array_index (backlog, double, i));
  g_print ("\n");

  iterate_for (G_USEC_PER_SEC / 2);
  print_full_size_redraws (window);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (G_USEC_PER_SEC / 5);

  return summary.total == count ? 0 : 1;
}

static gboolean
summary_reached (gpointer data)
{
  Probe *probe = data;
  FsSummary summary;

  fs_run_controller_get_summary (probe->controller, &summary);
  return summary.total >= probe->stop_at;
}

static gboolean
painted (gpointer data)
{
  return ((Probe *) data)->painted;
}

static FsWindow *
open_demo_window (FsApplication *app)
{
  FsWindow *window = open_window (app);

  if (!iterate_until (demo_settled, window, DEMO_WAIT_S * G_USEC_PER_SEC) ||
      fs_window_get_demo_base_url (window) == NULL)
    {
      g_printerr ("window-load: the demo server did not start\n");
      exit (1);
    }

  return window;
}

typedef struct
{
  gboolean  done;
  GError   *error;
} FileJobWait;

static void
file_job_done_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FileJobWait *wait = user_data;

  fs_window_file_job_finish (FS_WINDOW (source_object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
file_job_done (gpointer data)
{
  return ((FileJobWait *) data)->done;
}

/* As the file actions do it: on a thread, the window drawing meanwhile.
 * Returns the seconds it took, or a negative number on failure. */
static double
run_file_job (FsWindow        *window,
              Probe           *probe,
              FsWindowFileJob  kind,
              const char      *path)
{
  FileJobWait wait = { FALSE, NULL };
  gint64 t_start = g_get_monotonic_time ();

  probe_reset (probe);
  fs_window_file_job_async (window, kind, path, file_job_done_cb, &wait);
  iterate_until (file_job_done, &wait, 600 * G_USEC_PER_SEC);
  if (wait.error != NULL)
    {
      g_printerr ("window-load: %s\n", wait.error->message);
      g_error_free (wait.error);
      return -1;
    }

  return (g_get_monotonic_time () - t_start) / 1e6;
}

static int
run_stop (FsApplication *app,
          guint64        count,
          guint          concurrency,
          const char    *save_path)
{
  g_autofree char *preset = g_strdup_printf ("ping:%" G_GUINT64_FORMAT, count);
  g_autofree char *concurrency_text = g_strdup_printf ("%u", concurrency);
  FsWindow *window;
  FsRunController *controller;
  GtkWidget *button;
  guint64 rss_start, rss_end;
  gint64 t_start, t_click, t_stopping, t_painted, t_cancelled;
  gboolean cancelled;
  FsSummary summary;
  Probe *probe;

  g_setenv ("FETCHSCOPE_STRATEGY", "loop", TRUE);
  g_setenv ("FETCHSCOPE_PRESET", preset, TRUE);
  g_setenv ("FETCHSCOPE_CONCURRENCY", concurrency_text, TRUE);

  /* To the end: the app's memory before and after. */
  window = open_demo_window (app);
  controller = fs_window_get_controller (window);
  probe = probe_new (window);
  iterate_for (G_USEC_PER_SEC / 2);
  rss_start = rss_kib ();
  probe_reset (probe);
  t_start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL);
  iterate_until (run_over, controller, 600 * G_USEC_PER_SEC);
  rss_end = rss_kib ();
  fs_run_controller_get_summary (controller, &summary);
  g_print ("window-load stop: demo:ping × %" G_GUINT64_FORMAT " on the loop, concurrency %u\n",
           count, concurrency);
  g_print ("  whole run: %" G_GUINT64_FORMAT " requests (%" G_GUINT64_FORMAT " ok) in %.1f s, "
           "%.0f req/s; app RSS %.1f MiB at the start, %.1f MiB at the end (%+.1f MiB)\n",
           summary.total, summary.outcomes[FS_OUTCOME_OK], (g_get_monotonic_time () - t_start) / 1e6,
           summary.rps, rss_start / 1024.0, rss_end / 1024.0, ((double) rss_end - rss_start) / 1024.0);
  print_distribution ("main loop lag during the run", probe->lag);
  print_distribution ("frame interval during the run", probe->frame_interval);
  if (save_path != NULL)
    {
      double seconds = run_file_job (window, probe, FS_WINDOW_FILE_SAVE, save_path);

      if (seconds < 0)
        return 1;
      g_print ("  saved to %s in %.2f s\n", save_path, seconds);
      print_distribution ("main loop lag while saving", probe->lag);
    }
  g_print ("  app peak RSS so far %.1f MiB\n", peak_rss_kib () / 1024.0);

  /* Again, stopped half way with the Stop button. */
  probe->stop_at = count / 2;
  gtk_widget_activate_action (GTK_WIDGET (window), "run.start", NULL);
  iterate_until (summary_reached, probe, 600 * G_USEC_PER_SEC);

  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FS_TYPE_WINDOW,
                                                      "run_button"));
  probe->painted = FALSE;
  t_click = g_get_monotonic_time ();
  /* What a pointer's release on the button does (its keyboard activation
   * would first animate the press for a quarter of a second). */
  g_signal_emit_by_name (button, "clicked");
  t_stopping = fs_run_controller_get_state (controller) == FS_RUN_STATE_STOPPING
               ? g_get_monotonic_time () : 0;
  iterate_until (painted, probe, 10 * G_USEC_PER_SEC);
  t_painted = g_get_monotonic_time ();
  iterate_until (run_over, controller, 60 * G_USEC_PER_SEC);
  t_cancelled = g_get_monotonic_time ();
  fs_run_controller_get_summary (controller, &summary);
  cancelled = fs_run_controller_get_state (controller) == FS_RUN_STATE_CANCELLED;

  g_print ("  stopped at %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT ": Stop → state Stopping %.2f ms, "
           "→ next frame painted %.1f ms, → every job ended (%s) %.1f ms; %" G_GUINT64_FORMAT
           " cancelled\n",
           summary.total - summary.outcomes[FS_OUTCOME_CANCELLED], count,
           t_stopping ? (t_stopping - t_click) / 1000.0 : NAN,
           (t_painted - t_click) / 1000.0, fs_window_get_status (window),
           (t_cancelled - t_click) / 1000.0, summary.outcomes[FS_OUTCOME_CANCELLED]);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (G_USEC_PER_SEC / 2);

  return t_stopping != 0 && cancelled ? 0 : 1;
}

static int
run_open (FsApplication *app,
          const char    *path)
{
  FsWindow *window = open_window (app);
  Probe *probe = probe_new (window);
  guint64 rss_before = rss_kib ();
  double seconds;

  if ((seconds = run_file_job (window, probe, FS_WINDOW_FILE_OPEN, path)) < 0)
    return 1;
  iterate_for (G_USEC_PER_SEC);

  g_print ("window-load open: %s in %.2f s; app RSS %.1f MiB before, %.1f MiB after "
           "(%+.1f MiB), peak %.1f MiB\n", path, seconds, rss_before / 1024.0,
           rss_kib () / 1024.0, ((double) rss_kib () - rss_before) / 1024.0,
           peak_rss_kib () / 1024.0);
  print_distribution ("main loop lag while opening", probe->lag);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (G_USEC_PER_SEC / 5);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FsApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *mode = argc > 1 ? argv[1] : "feed";

  if (!gtk_init_check ())
    {
      g_printerr ("window-load: no display (bench/window-load runs it under Xvfb)\n");
      return 1;
    }
  adw_init ();

  app = fs_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("window-load: %s\n", error->message);
      return 1;
    }

  if (g_str_equal (mode, "feed"))
    return run_feed (app, argc > 2 ? g_ascii_strtod (argv[2], NULL) : 50000,
                     argc > 3 ? g_ascii_strtod (argv[3], NULL) : 30);
  if (g_str_equal (mode, "stop"))
    return run_stop (app, argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 100000,
                     argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 50,
                     argc > 4 ? argv[4] : NULL);
  if (g_str_equal (mode, "open") && argc > 2)
    return run_open (app, argv[2]);

  g_printerr ("usage: window-load feed [RATE] [SECONDS] | stop [COUNT] [CONCURRENCY] "
              "[SAVE_FILE] | open FILE\n");
  return 2;
}

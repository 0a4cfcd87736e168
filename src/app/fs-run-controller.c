/* fs-run-controller.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fs-app-enums.h"
#include "fs-engine.h"
#include "fs-engine-subprocess.h"
#include "fs-error.h"
#include "fs-i18n.h"
#include "fs-proc.h"
#include "fs-run-controller.h"

#define SAMPLE_INTERVAL_MS  100
/* One frame: the sink hands over what arrived at most this often. */
#define SINK_INTERVAL_US    (16 * 1000)
/* Enough for a 1 s window of samples taken every SAMPLE_INTERVAL_MS. */
#define RATE_RING           12
#define RATE_WINDOW_US      G_USEC_PER_SEC
#define SWIMLANE_BIN_US     (20 * 1000)
#define SWIMLANE_N_BINS     1500
/* Per-request records kept for saving and CSV: 64 MB at most (64 bytes
 * each in an FsRecordLog), the most the run form asks for; a longer run (a
 * URL file or a crawl) keeps its aggregates only. Opening a saved million
 * again takes about 250 MB and a second and a half. */
#define MAX_RECORDS         1000000

typedef struct
{
  gint64  cpu_us;
  gboolean gone;
} WorkerProcess;

struct _FsRunController
{
  GObject        parent_instance;

  FsRunState     state;
  FsRunConfig   *config;
  FsUrlSource   *source;       /* one of these two */
  FsCrawler     *crawler;
  GError        *error;
  GPtrArray     *worker_failures;
  FsAggregator  *aggregator;
  FsSwimlane    *swimlane;
  FsRecordLog   *records;      /* NULL once over MAX_RECORDS */
  guint64        expected_total;
  guint64        jobs_pushed;
  gint64         t_begin;
  gint64         t_end;
  gint64         t_view;       /* "now" as the charts see it, frozen per update */
  gboolean       stop_requested;

  /* While running */
  FsEngine      *engine;
  FsJobQueue    *queue;
  FsEventSink   *sink;
  GCancellable  *cancellable;
  GHashTable    *workers;      /* pid → WorkerProcess */
  GPid           self_pid;
  gint64         cpu_base_us;  /* the app's CPU time when the run began */
  guint          sample_id;

  /* Completions over the last second, for "req/s now" */
  struct { gint64 t; guint64 total; } rate[RATE_RING];
  guint          rate_head;
  guint          rate_len;
};

G_DEFINE_FINAL_TYPE (FsRunController, fs_run_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_RUNNING,
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
state_is_running (FsRunState state)
{
  return state == FS_RUN_STATE_RUNNING || state == FS_RUN_STATE_STOPPING;
}

static void
set_state (FsRunController *self,
           FsRunState       state)
{
  gboolean was_running;

  g_assert (FS_IS_RUN_CONTROLLER (self));

  if (self->state == state)
    return;

  was_running = state_is_running (self->state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_running != state_is_running (state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
emit_updated (FsRunController *self)
{
  self->t_view = self->t_end ? self->t_end : g_get_monotonic_time ();
  g_signal_emit (self, signals[UPDATED], 0);
}

static void
add_sample (FsRunController *self,
            const FsSample  *sample)
{
  FsEvent event;

  fs_proc_sample_event (&event, sample);
  fs_aggregator_add (self->aggregator, &event);
}

/* The app itself, and every worker process still there; a worker that has
 * gone is recorded once with no memory, so the stacked total drops. */
static void
sample_processes (FsRunController *self)
{
  GHashTableIter iter;
  gpointer key, value;
  FsSample sample;

  if (fs_proc_read_sample (self->self_pid, &sample, NULL))
    {
      fs_proc_sample_since (&sample, &self->cpu_base_us);
      add_sample (self, &sample);
    }

  g_hash_table_iter_init (&iter, self->workers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WorkerProcess *worker = value;

      if (worker->gone)
        continue;

      if (fs_proc_read_sample (GPOINTER_TO_INT (key), &sample, NULL))
        worker->cpu_us = sample.cpu_us;
      else
        {
          memset (&sample, 0, sizeof sample);
          sample.pid = GPOINTER_TO_INT (key);
          sample.cpu_us = worker->cpu_us;
          sample.loop_lag_us = -1;
          worker->gone = TRUE;
        }
      add_sample (self, &sample);
    }
}

static void
record_rate (FsRunController *self)
{
  FsSummary summary;
  guint i;

  fs_aggregator_get_summary (self->aggregator, &summary);
  i = (self->rate_head + self->rate_len) % RATE_RING;
  if (self->rate_len == RATE_RING)
    self->rate_head = (self->rate_head + 1) % RATE_RING;
  else
    self->rate_len++;
  self->rate[i].t = g_get_monotonic_time ();
  self->rate[i].total = summary.total;
}

/* The crawl's levels go into the aggregates as memory does, by sample,
 * and with every batch of records. */
static void
sample_crawl (FsRunController *self)
{
  if (self->crawler != NULL)
    fs_crawler_add_reading (self->crawler, self->aggregator);
}

static gboolean
sample_cb (gpointer user_data)
{
  FsRunController *self = user_data;

  sample_processes (self);
  sample_crawl (self);
  record_rate (self);
  /* Time moves on even when no request ends: in flight, memory, the axis. */
  emit_updated (self);

  return G_SOURCE_CONTINUE;
}

static void
on_events (const FsEvent *events,
           guint          n_events,
           gpointer       user_data)
{
  FsRunController *self = user_data;

  fs_aggregator_add_many (self->aggregator, events, n_events);
  fs_swimlane_add_many (self->swimlane, events, n_events);
  /* A crawl moves with its records: a fast one may be over between samples. */
  sample_crawl (self);

  for (guint i = 0; i < n_events; i++)
    {
      GPid pid = events[i].lane.pid;

      if (events[i].kind == FS_EVENT_TERMINAL && self->records != NULL)
        {
          if (fs_record_log_get_length (self->records) < MAX_RECORDS)
            fs_record_log_add (self->records, &events[i]);
          else
            g_clear_pointer (&self->records, fs_record_log_unref);
        }

      if (events[i].kind == FS_EVENT_START && pid > 0 && pid != self->self_pid &&
          !g_hash_table_contains (self->workers, GINT_TO_POINTER (pid)))
        g_hash_table_insert (self->workers, GINT_TO_POINTER (pid), g_new0 (WorkerProcess, 1));
    }

  emit_updated (self);
}

static void
finish_run (FsRunController *self,
            GError          *error)
{
  FsSummary summary;

  g_assert (FS_IS_RUN_CONTROLLER (self));

  /* An engine that failed may have left the reader blocked on a full queue. */
  if (error != NULL)
    g_cancellable_cancel (self->cancellable);

  if (self->source != NULL)
    fs_url_source_join (self->source);
  fs_event_sink_drain (self->sink);
  self->jobs_pushed = fs_job_queue_get_pushed (self->queue);
  if (FS_IS_ENGINE_SUBPROCESS (self->engine))
    {
      g_clear_pointer (&self->worker_failures, g_ptr_array_unref);
      self->worker_failures = fs_engine_subprocess_dup_failures (FS_ENGINE_SUBPROCESS (self->engine));
    }

  g_clear_handle_id (&self->sample_id, g_source_remove);
  sample_processes (self);
  sample_crawl (self);
  self->t_end = g_get_monotonic_time ();

  g_clear_object (&self->engine);
  g_clear_pointer (&self->queue, fs_job_queue_unref);
  g_clear_pointer (&self->sink, fs_event_sink_unref);
  g_clear_object (&self->cancellable);

  /* The invariant everything else relies on: one terminal record per job. */
  fs_aggregator_get_summary (self->aggregator, &summary);
  if (error == NULL && summary.total != self->jobs_pushed)
    error = g_error_new (FS_ERROR, FS_ERROR_FAILED,
                         _("%llu jobs were handed to the engine but %llu ended"),
                         (unsigned long long) self->jobs_pushed,
                         (unsigned long long) summary.total);

  g_clear_error (&self->error);
  self->error = error;

  emit_updated (self);

  if (self->error != NULL)
    set_state (self, FS_RUN_STATE_FAILED);
  else if (self->stop_requested)
    set_state (self, FS_RUN_STATE_CANCELLED);
  else
    set_state (self, FS_RUN_STATE_FINISHED);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(FsRunController) self = user_data;
  GError *error = NULL;

  fs_engine_run_finish (FS_ENGINE (object), result, &error);
  finish_run (self, error);
}

static void
fs_run_controller_dispose (GObject *object)
{
  FsRunController *self = (FsRunController *) object;

  /* A run holds a reference until it ends, so nothing is running here. */
  g_assert (self->engine == NULL);

  g_clear_handle_id (&self->sample_id, g_source_remove);
  g_clear_object (&self->source);
  g_clear_object (&self->crawler);

  G_OBJECT_CLASS (fs_run_controller_parent_class)->dispose (object);
}

static void
fs_run_controller_finalize (GObject *object)
{
  FsRunController *self = (FsRunController *) object;

  g_clear_pointer (&self->config, fs_run_config_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->worker_failures, g_ptr_array_unref);
  g_clear_pointer (&self->aggregator, fs_aggregator_free);
  g_clear_pointer (&self->swimlane, fs_swimlane_free);
  g_clear_pointer (&self->records, fs_record_log_unref);
  g_clear_pointer (&self->workers, g_hash_table_unref);

  G_OBJECT_CLASS (fs_run_controller_parent_class)->finalize (object);
}

static void
fs_run_controller_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FsRunController *self = FS_RUN_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, fs_run_controller_get_state (self));
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, fs_run_controller_get_running (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_run_controller_class_init (FsRunControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_run_controller_dispose;
  object_class->finalize = fs_run_controller_finalize;
  object_class->get_property = fs_run_controller_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       FS_TYPE_RUN_STATE,
                       FS_RUN_STATE_IDLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FsRunController::updated:
   *
   * New records or samples were folded into the aggregates, or time moved
   * on during a run. At most about once a frame plus ten times a second.
   */
  signals[UPDATED] =
    g_signal_new ("updated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fs_run_controller_init (FsRunController *self)
{
  self->state = FS_RUN_STATE_IDLE;
  self->self_pid = getpid ();
  self->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                        FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  self->swimlane = fs_swimlane_new (SWIMLANE_BIN_US, SWIMLANE_N_BINS);
  self->workers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

FsRunController *
fs_run_controller_new (void)
{
  return g_object_new (FS_TYPE_RUN_CONTROLLER, NULL);
}

/* An engine for a new run, unless one is still going. */
static FsEngine *
new_engine (FsRunController    *self,
            const FsRunConfig  *config,
            GError            **error)
{
  if (state_is_running (self->state))
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_FAILED, _("A run is already going"));
      return NULL;
    }

  return fs_engine_new (config, error);
}

static gboolean start_run (FsRunController  *self,
                           FsEngine         *engine,
                           FsUrlSource      *source,
                           FsCrawler        *crawler,
                           guint64           expected_total,
                           GError          **error);

/**
 * fs_run_controller_start:
 * @config: how to fetch
 * @source: the URLs, not started yet
 * @expected_total: how many URLs @source will give, or 0 if not known
 *   before it has read them all (a file)
 *
 * Starts a run, replacing the aggregates of the last one. Fails if a run is
 * still going or the engine cannot be created, leaving the last run's
 * results in place.
 */
gboolean
fs_run_controller_start (FsRunController    *self,
                         const FsRunConfig  *config,
                         FsUrlSource        *source,
                         guint64             expected_total,
                         GError            **error)
{
  g_autoptr(FsEngine) engine = NULL;

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (FS_IS_URL_SOURCE (source), FALSE);

  if (!(engine = new_engine (self, config, error)))
    return FALSE;

  return fs_run_controller_start_with_engine (self, engine, source, expected_total, error);
}

/**
 * fs_run_controller_start_with_engine:
 * @engine: a configured engine that has not run yet
 *
 * As fs_run_controller_start(), on an engine the caller made: benchmarks
 * feed the dashboard from a synthetic one this way.
 */
gboolean
fs_run_controller_start_with_engine (FsRunController  *self,
                                     FsEngine         *engine,
                                     FsUrlSource      *source,
                                     guint64           expected_total,
                                     GError          **error)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), FALSE);
  g_return_val_if_fail (FS_IS_ENGINE (engine), FALSE);
  g_return_val_if_fail (FS_IS_URL_SOURCE (source), FALSE);

  return start_run (self, engine, source, NULL, expected_total, error);
}

/**
 * fs_run_controller_start_crawl:
 * @crawler: a crawler that has not started yet
 *
 * As fs_run_controller_start(), with the URLs found by @crawler as the
 * pages come in: the total is known only once the crawl is over.
 */
gboolean
fs_run_controller_start_crawl (FsRunController    *self,
                               const FsRunConfig  *config,
                               FsCrawler          *crawler,
                               GError            **error)
{
  g_autoptr(FsEngine) engine = NULL;

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (FS_IS_CRAWLER (crawler), FALSE);

  if (!(engine = new_engine (self, config, error)))
    return FALSE;

  return start_run (self, engine, NULL, crawler, 0, error);
}

static gboolean
start_run (FsRunController  *self,
           FsEngine         *engine,
           FsUrlSource      *source,
           FsCrawler        *crawler,
           guint64           expected_total,
           GError          **error)
{
  const FsRunConfig *config;

  g_assert (FS_IS_RUN_CONTROLLER (self));
  g_assert ((source == NULL) != (crawler == NULL));

  if (state_is_running (self->state))
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_FAILED, _("A run is already going"));
      return FALSE;
    }

  config = fs_engine_get_config (engine);

  g_clear_pointer (&self->config, fs_run_config_free);
  self->config = fs_run_config_copy (config);
  g_set_object (&self->source, source);
  g_set_object (&self->crawler, crawler);
  g_clear_error (&self->error);
  g_clear_pointer (&self->worker_failures, g_ptr_array_unref);
  g_clear_pointer (&self->aggregator, fs_aggregator_free);
  g_clear_pointer (&self->swimlane, fs_swimlane_free);
  self->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                        FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  self->swimlane = fs_swimlane_new (SWIMLANE_BIN_US, SWIMLANE_N_BINS);
  g_clear_pointer (&self->records, fs_record_log_unref);
  self->records = fs_record_log_new ();
  g_hash_table_remove_all (self->workers);
  self->expected_total = expected_total;
  self->jobs_pushed = 0;
  self->stop_requested = FALSE;
  self->rate_head = self->rate_len = 0;
  self->cpu_base_us = -1;
  self->t_begin = g_get_monotonic_time ();
  self->t_end = 0;

  self->engine = g_object_ref (engine);
  self->cancellable = g_cancellable_new ();
  /* Bounded, so a huge URL file is read only as fast as it is fetched. A
   * crawl's must not be: links are queued from the engine's own threads. */
  self->queue = fs_job_queue_new (crawler != NULL ? 0 : MAX (1024, config->concurrency * 4));
  self->sink = fs_event_sink_new (NULL, 0, on_events, self, NULL);
  fs_event_sink_set_interval (self->sink, SINK_INTERVAL_US);

  sample_processes (self);
  sample_crawl (self);
  record_rate (self);
  self->sample_id = g_timeout_add (SAMPLE_INTERVAL_MS, sample_cb, self);

  if (self->crawler != NULL)
    fs_crawler_start (self->crawler, self->queue, self->sink, self->cancellable);
  else
    fs_url_source_start (self->source, self->queue, self->cancellable);
  /* The run keeps us alive until it has ended every job. */
  fs_engine_run_async (self->engine, self->queue, self->sink, self->cancellable,
                       run_cb, g_object_ref (self));

  set_state (self, FS_RUN_STATE_RUNNING);
  emit_updated (self);

  return TRUE;
}

/**
 * fs_run_controller_stop:
 *
 * Cancels the run: every queued and in-flight job ends as cancelled, and
 * the state becomes %FS_RUN_STATE_CANCELLED once the engine has ended them
 * all. Does nothing when no run is going.
 */
void
fs_run_controller_stop (FsRunController *self)
{
  g_return_if_fail (FS_IS_RUN_CONTROLLER (self));

  if (self->state != FS_RUN_STATE_RUNNING)
    return;

  self->stop_requested = TRUE;
  set_state (self, FS_RUN_STATE_STOPPING);
  g_cancellable_cancel (self->cancellable);
}

FsRunState
fs_run_controller_get_state (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), FS_RUN_STATE_IDLE);

  return self->state;
}

gboolean
fs_run_controller_get_running (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), FALSE);

  return state_is_running (self->state);
}

/**
 * fs_run_controller_get_config:
 *
 * Returns: (nullable): the configuration of the current or last run
 */
const FsRunConfig *
fs_run_controller_get_config (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->config;
}

/**
 * fs_run_controller_get_source:
 *
 * Returns: (nullable) (transfer none): the URL source of the current or
 *   last run, with its diagnostics
 */
FsUrlSource *
fs_run_controller_get_source (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->source;
}

/**
 * fs_run_controller_get_crawler:
 *
 * Returns: (nullable) (transfer none): the crawler of the current or last
 *   run, if it was a crawl, with its stats
 */
FsCrawler *
fs_run_controller_get_crawler (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->crawler;
}

/**
 * fs_run_controller_get_error:
 *
 * Returns: (nullable): why the last run failed
 */
const GError *
fs_run_controller_get_error (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->error;
}

/**
 * fs_run_controller_get_aggregator:
 *
 * Returns: (transfer none): the aggregates of the current or last run
 *   (empty before the first); replaced when a run starts
 */
FsAggregator *
fs_run_controller_get_aggregator (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->aggregator;
}

/**
 * fs_run_controller_get_swimlane:
 *
 * Returns: (transfer none): as fs_run_controller_get_aggregator()
 */
FsSwimlane *
fs_run_controller_get_swimlane (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->swimlane;
}

/**
 * fs_run_controller_get_summary:
 *
 * The aggregator's summary, with wall time and rate taken over the whole
 * run (engine start to its end, or to now) rather than first start to
 * last end.
 */
void
fs_run_controller_get_summary (FsRunController *self,
                               FsSummary       *summary)
{
  double elapsed_s;

  g_return_if_fail (FS_IS_RUN_CONTROLLER (self));
  g_return_if_fail (summary != NULL);

  fs_aggregator_get_summary (self->aggregator, summary);

  elapsed_s = fs_run_controller_get_elapsed_s (self);
  if (elapsed_s > 0)
    {
      summary->wall_s = elapsed_s;
      summary->rps = summary->total / elapsed_s;
    }
}

/**
 * fs_run_controller_get_jobs_pushed:
 *
 * Returns: how many jobs the last finished run handed to its engine
 */
guint64
fs_run_controller_get_jobs_pushed (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), 0);

  return self->jobs_pushed;
}

/**
 * fs_run_controller_get_total:
 * @known: (out) (optional): whether the number is final
 *
 * Returns: how many URLs the run has: the expected number given to
 *   start(), or else how many the source has read so far; for a crawl,
 *   how many pages it has taken so far, final once it is over
 */
guint64
fs_run_controller_get_total (FsRunController *self,
                             gboolean        *known)
{
  gboolean done;
  guint64 n;

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), 0);

  if (self->crawler != NULL)
    {
      FsCrawlStats stats;

      /* A stopped crawl ends with what was handed to the engine. */
      fs_crawler_get_stats (self->crawler, &stats);
      if (known != NULL)
        *known = stats.finished || !state_is_running (self->state);
      return stats.finished || state_is_running (self->state) ? stats.visited : self->jobs_pushed;
    }

  if (self->source == NULL)
    {
      if (known != NULL)
        *known = FALSE;
      return 0;
    }

  done = fs_url_source_is_done (self->source);
  n = fs_url_source_get_n_urls (self->source);
  /* After a stop, what was read is all there will be. */
  if (self->expected_total > 0 && !done && !self->stop_requested)
    n = self->expected_total;

  if (known != NULL)
    *known = done || self->expected_total > 0;

  return n;
}

double
fs_run_controller_get_elapsed_s (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), 0);

  if (self->t_begin == 0)
    return 0;

  return ((self->t_end ? self->t_end : g_get_monotonic_time ()) - self->t_begin) / 1e6;
}

/**
 * fs_run_controller_get_rate_now:
 *
 * Returns: requests ended per second over about the last second; 0 when
 *   no run is going
 */
double
fs_run_controller_get_rate_now (FsRunController *self)
{
  guint newest, oldest;
  double dt;

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), 0);

  if (!state_is_running (self->state) || self->rate_len < 2)
    return 0;

  newest = (self->rate_head + self->rate_len - 1) % RATE_RING;
  oldest = self->rate_head;
  for (guint i = 0; i < self->rate_len; i++)
    {
      guint j = (self->rate_head + i) % RATE_RING;

      if (self->rate[newest].t - self->rate[j].t <= RATE_WINDOW_US)
        {
          oldest = j;
          break;
        }
    }

  dt = (self->rate[newest].t - self->rate[oldest].t) / 1e6;
  if (dt <= 0)
    return 0;

  return (self->rate[newest].total - self->rate[oldest].total) / dt;
}

/**
 * fs_run_controller_get_eta_s:
 *
 * Returns: seconds left at the average rate so far, or -1 when that
 *   cannot be told (no run, nothing ended yet, the total not known)
 */
double
fs_run_controller_get_eta_s (FsRunController *self)
{
  FsSummary summary;
  gboolean known;
  guint64 total;

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), -1);

  if (!state_is_running (self->state))
    return -1;

  total = fs_run_controller_get_total (self, &known);
  fs_run_controller_get_summary (self, &summary);
  if (!known || summary.rps <= 0 || summary.total > total)
    return -1;

  return (total - summary.total) / summary.rps;
}

/**
 * fs_run_controller_get_time_range:
 *
 * The time axis every time chart shares, in seconds since the first
 * request started (the renderer's origin), up to "now" as of the last
 * ::updated, so the axis moves on while nothing ends. Both are 0 (the
 * renderer's "the whole run so far") until a request has started.
 */
void
fs_run_controller_get_time_range (FsRunController *self,
                                  double          *t_min_s,
                                  double          *t_max_s)
{
  FsSummary summary;

  g_return_if_fail (FS_IS_RUN_CONTROLLER (self));

  fs_aggregator_get_summary (self->aggregator, &summary);

  *t_min_s = 0;
  *t_max_s = 0;
  if (summary.t_first > 0 && self->t_view > summary.t_first)
    *t_max_s = (self->t_view - summary.t_first) / 1e6;
}

/**
 * fs_run_controller_dup_worker_failures:
 *
 * Returns: (transfer full) (element-type utf8): what went wrong with the
 *   last run's worker processes, one sentence each
 */
GPtrArray *
fs_run_controller_dup_worker_failures (FsRunController *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), copy);

  for (guint i = 0; self->worker_failures != NULL && i < self->worker_failures->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (self->worker_failures, i)));

  return copy;
}

/**
 * fs_run_controller_get_records:
 *
 * Returns: (transfer none) (nullable): the current or last run's terminal
 *   records, in the order they ended; %NULL before the first run and for a
 *   run of more requests than are kept (the aggregates hold it all the same)
 */
FsRecordLog *
fs_run_controller_get_records (FsRunController *self)
{
  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (self), NULL);

  return self->records;
}

/* fs-headless-run.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fs-csv-writer.h"
#include "fs-engine.h"
#include "fs-engine-subprocess.h"
#include "fs-error.h"
#include "fs-headless-run.h"
#include "fs-i18n.h"
#include "fs-proc.h"

#define SAMPLE_INTERVAL_MS   100
#define PROGRESS_INTERVAL_MS 250

struct _FsHeadlessRun
{
  FsRunConfig   *config;
  FsUrlSource   *source;       /* one of these two */
  FsCrawler     *crawler;
  char          *urls_label;
  char          *csv_path;
  gboolean       progress;
  gboolean       discard;

  FsAggregator  *aggregator;
  guint64        discarded_outcomes[FS_N_OUTCOMES];
  FsSwimlane    *swimlane;
  FsRecordLog   *records;          /* when kept for saving */
  FsCsvWriter   *csv;
  GError        *csv_error;
  GDateTime     *started_at;
  gint64         cpu_base_us;      /* this process's CPU time when the run began */
  gint64         t_begin;
  gint64         t_end;
  guint64        jobs_pushed;
  gboolean       cancelled;
  gboolean       finished;
  GError        *engine_error;
  GPtrArray     *worker_failures;
  gsize          progress_width;
};

static FsHeadlessRun *
headless_run_new (const FsRunConfig *config,
                  const char        *urls_label)
{
  FsHeadlessRun *self = g_new0 (FsHeadlessRun, 1);

  self->config = fs_run_config_copy (config);
  self->urls_label = g_strdup (urls_label);
  self->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                        FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  self->swimlane = fs_swimlane_new (FS_SWIMLANE_DEFAULT_BIN_US, FS_SWIMLANE_DEFAULT_N_BINS);

  return self;
}

FsHeadlessRun *
fs_headless_run_new (const FsRunConfig *config,
                     FsUrlSource       *source,
                     const char        *urls_label)
{
  FsHeadlessRun *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (FS_IS_URL_SOURCE (source), NULL);

  self = headless_run_new (config, urls_label);
  self->source = g_object_ref (source);

  return self;
}

/**
 * fs_headless_run_new_for_crawl:
 * @crawler: a crawler not started yet; the run starts it
 *
 * Returns: (transfer full): a run that crawls from @crawler's start URL
 */
FsHeadlessRun *
fs_headless_run_new_for_crawl (const FsRunConfig *config,
                               FsCrawler         *crawler,
                               const char        *urls_label)
{
  FsHeadlessRun *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (FS_IS_CRAWLER (crawler), NULL);

  self = headless_run_new (config, urls_label);
  self->crawler = g_object_ref (crawler);

  return self;
}

void
fs_headless_run_free (FsHeadlessRun *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->config, fs_run_config_free);
  g_clear_object (&self->source);
  g_clear_object (&self->crawler);
  g_clear_pointer (&self->urls_label, g_free);
  g_clear_pointer (&self->csv_path, g_free);
  g_clear_pointer (&self->aggregator, fs_aggregator_free);
  g_clear_pointer (&self->swimlane, fs_swimlane_free);
  g_clear_pointer (&self->records, fs_record_log_unref);
  g_clear_pointer (&self->csv, fs_csv_writer_free);
  g_clear_error (&self->csv_error);
  g_clear_error (&self->engine_error);
  g_clear_pointer (&self->worker_failures, g_ptr_array_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_free (self);
}

void
fs_headless_run_set_csv_path (FsHeadlessRun *self,
                              const char    *path)
{
  g_return_if_fail (self != NULL);

  g_free (self->csv_path);
  self->csv_path = g_strdup (path);
}

void
fs_headless_run_set_progress (FsHeadlessRun *self,
                              gboolean       progress)
{
  g_return_if_fail (self != NULL);

  self->progress = !!progress;
}

/**
 * fs_headless_run_set_discard_records:
 *
 * A benchmark aid: the engines still make every record and hand it to the
 * sink, but the consumer only counts terminal records by outcome instead
 * of aggregating them (and writes no CSV). The summary then has counts,
 * wall time, rate, memory and CPU time, and no latency figures. Comparing
 * a run with and without it measures what recording and aggregation cost.
 */
void
fs_headless_run_set_discard_records (FsHeadlessRun *self,
                                     gboolean       discard)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->t_begin == 0);

  self->discard = !!discard;
}

/* Keeps every terminal record, for a saved run: the CLI's runs are
 * bounded by their URL lists. */
void
fs_headless_run_set_keep_records (FsHeadlessRun *self,
                                  gboolean       keep)
{
  g_return_if_fail (self != NULL);

  if (keep && self->records == NULL)
    self->records = fs_record_log_new ();
  else if (!keep)
    g_clear_pointer (&self->records, fs_record_log_unref);
}

static void
on_events (const FsEvent *events,
           guint          n_events,
           gpointer       user_data)
{
  FsHeadlessRun *self = user_data;

  fs_aggregator_add_many (self->aggregator, events, n_events);
  fs_swimlane_add_many (self->swimlane, events, n_events);
  for (guint i = 0; self->records != NULL && i < n_events; i++)
    if (events[i].kind == FS_EVENT_TERMINAL)
      fs_record_log_add (self->records, &events[i]);

  /* A failing CSV write stops the CSV, not the measurement. */
  if (self->csv != NULL && self->csv_error == NULL)
    fs_csv_writer_add (self->csv, events, n_events, &self->csv_error);
}

/* The sink's consumer of fs_headless_run_set_discard_records(): counts what
 * the "nothing lost" check and the rate need, and drops the rest. */
static void
on_events_discard (const FsEvent *events,
                   guint          n_events,
                   gpointer       user_data)
{
  FsHeadlessRun *self = user_data;

  for (guint i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_TERMINAL && events[i].outcome < FS_N_OUTCOMES)
      self->discarded_outcomes[events[i].outcome]++;
}

static void
sample_self (FsHeadlessRun *self)
{
  FsSample sample;
  FsEvent event;

  if (fs_proc_read_sample (getpid (), &sample, NULL))
    {
      fs_proc_sample_since (&sample, &self->cpu_base_us);
      fs_proc_sample_event (&event, &sample);
      fs_aggregator_add (self->aggregator, &event);
    }

  if (self->crawler != NULL)
    fs_crawler_add_reading (self->crawler, self->aggregator);
}

static gboolean
sample_cb (gpointer user_data)
{
  sample_self (user_data);

  return G_SOURCE_CONTINUE;
}

static void
print_progress (FsHeadlessRun *self,
                gboolean       final)
{
  g_autofree char *total = NULL;
  g_autofree char *line = NULL;
  FsSummary s;
  guint64 errors;

  fs_headless_run_get_summary (self, &s);
  errors = s.total - s.outcomes[FS_OUTCOME_OK];

  if (self->crawler != NULL)
    {
      FsCrawlStats stats;

      fs_crawler_get_stats (self->crawler, &stats);
      total = g_strdup_printf ("%" G_GUINT64_FORMAT "%s", stats.visited,
                               stats.finished ? "" : "+");
    }
  else if (fs_url_source_is_done (self->source))
    total = g_strdup_printf ("%" G_GUINT64_FORMAT, fs_url_source_get_n_urls (self->source));
  else
    total = g_strdup ("?");

  /* Translators: the progress line: done/total, in flight, errors, elapsed, median latency. */
  line = g_strdup_printf (_("  %llu/%s done, %llu in flight, %llu errors, %.1f s, p50 %.1f ms"),
                          (unsigned long long) s.total, total,
                          (unsigned long long) s.in_flight, (unsigned long long) errors,
                          (g_get_monotonic_time () - self->t_begin) / 1e6,
                          s.latency_ms_p50);
  fprintf (stderr, "\r%-*s%s", (int) self->progress_width, line, final ? "\n" : "");
  fflush (stderr);
  self->progress_width = MAX (self->progress_width, strlen (line));
}

static gboolean
progress_cb (gpointer user_data)
{
  print_progress (user_data, FALSE);

  return G_SOURCE_CONTINUE;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  FsHeadlessRun *self = user_data;

  fs_engine_run_finish (FS_ENGINE (object), result, &self->engine_error);
  self->finished = TRUE;
  g_main_context_wakeup (g_main_context_get_thread_default ());
}

/**
 * fs_headless_run_execute:
 *
 * Runs to completion or cancellation. After a cancel it still returns
 * %TRUE with partial results; %FALSE means the run could not be measured.
 */
gboolean
fs_headless_run_execute (FsHeadlessRun  *self,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = NULL;
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) source_error = NULL;
  GMainContext *context = g_main_context_get_thread_default ();
  guint sample_id = 0;
  guint progress_id = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->t_begin == 0, FALSE);

  if (!(engine = fs_engine_new (self->config, error)))
    return FALSE;

  self->started_at = g_date_time_new_now_local ();
  self->cpu_base_us = -1;
  self->t_begin = g_get_monotonic_time ();

  if (self->csv_path != NULL && !self->discard &&
      !(self->csv = fs_csv_writer_new (self->csv_path, self->t_begin, error)))
    return FALSE;

  /* Bounded, so a huge URL file is read only as fast as it is fetched. A
   * crawl's must not be: links are queued from the engine's own threads. */
  queue = fs_job_queue_new (self->crawler ? 0 : MAX (1024, self->config->concurrency * 4));
  sink = fs_event_sink_new (context, 0, self->discard ? on_events_discard : on_events, self, NULL);

  sample_self (self);
  sample_id = g_timeout_add (SAMPLE_INTERVAL_MS, sample_cb, self);
  if (self->progress)
    progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_cb, self);

  if (self->crawler != NULL)
    fs_crawler_start (self->crawler, queue, sink, cancellable);
  else
    fs_url_source_start (self->source, queue, cancellable);
  fs_engine_run_async (engine, queue, sink, cancellable, run_cb, self);

  while (!self->finished)
    g_main_context_iteration (context, TRUE);

  if (self->source != NULL)
    fs_url_source_join (self->source);
  fs_event_sink_drain (sink);
  self->t_end = g_get_monotonic_time ();
  self->jobs_pushed = fs_job_queue_get_pushed (queue);
  self->cancelled = g_cancellable_is_cancelled (cancellable);
  if (FS_IS_ENGINE_SUBPROCESS (engine))
    self->worker_failures = fs_engine_subprocess_dup_failures (FS_ENGINE_SUBPROCESS (engine));
  sample_self (self);

  g_clear_handle_id (&sample_id, g_source_remove);
  g_clear_handle_id (&progress_id, g_source_remove);
  if (self->progress)
    print_progress (self, TRUE);

  if (self->engine_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->engine_error));
      return FALSE;
    }

  if (self->source != NULL &&
      (source_error = fs_url_source_dup_error (self->source)) && !self->cancelled)
    g_printerr (_("fetchscope-cli: reading %s stopped early: %s\n"),
                self->urls_label, source_error->message);

  if (self->csv != NULL)
    {
      if (self->csv_error == NULL)
        fs_csv_writer_close (self->csv, &self->csv_error);
      g_clear_pointer (&self->csv, fs_csv_writer_free);
      if (self->csv_error != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&self->csv_error),
                                      _("Writing the CSV file failed: "));
          return FALSE;
        }
    }

  {
    FsSummary s;

    /* The invariant everything else relies on: one terminal per job. */
    fs_headless_run_get_summary (self, &s);
    if (s.total != self->jobs_pushed)
      {
        g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
                     _("%llu jobs were handed to the engine but %llu ended"),
                     (unsigned long long) self->jobs_pushed, (unsigned long long) s.total);
        return FALSE;
      }
  }

  return TRUE;
}

/**
 * fs_headless_run_get_summary:
 *
 * The aggregator's summary, with wall time and rate taken over the whole
 * run (engine start to last record) rather than first start to last end.
 */
void
fs_headless_run_get_summary (FsHeadlessRun *self,
                             FsSummary     *summary)
{
  gint64 t_end;

  g_return_if_fail (self != NULL);
  g_return_if_fail (summary != NULL);

  fs_aggregator_get_summary (self->aggregator, summary);

  if (self->discard)
    {
      summary->total = 0;
      for (guint i = 0; i < FS_N_OUTCOMES; i++)
        {
          summary->outcomes[i] = self->discarded_outcomes[i];
          summary->total += self->discarded_outcomes[i];
        }
    }

  t_end = self->t_end ? self->t_end : g_get_monotonic_time ();
  if (self->t_begin > 0 && t_end > self->t_begin)
    {
      summary->wall_s = (t_end - self->t_begin) / 1e6;
      summary->rps = summary->total / summary->wall_s;
    }
}

gboolean
fs_headless_run_was_cancelled (FsHeadlessRun *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->cancelled;
}

const FsRunConfig *
fs_headless_run_get_config (FsHeadlessRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->config;
}

/**
 * fs_headless_run_get_crawler:
 *
 * Returns: (transfer none) (nullable): the crawler of a crawl run
 */
FsCrawler *
fs_headless_run_get_crawler (FsHeadlessRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->crawler;
}

static guint64
n_bad_lines (FsHeadlessRun *self)
{
  return self->source != NULL ? fs_url_source_get_n_bad_lines (self->source) : 0;
}

/**
 * fs_headless_run_dup_worker_failures:
 *
 * Returns: (transfer full) (element-type utf8): what went wrong with the
 *   processes strategy's workers, one sentence each; empty for the others
 */
GPtrArray *
fs_headless_run_dup_worker_failures (FsHeadlessRun *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, copy);

  for (guint i = 0; self->worker_failures != NULL && i < self->worker_failures->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (self->worker_failures, i)));

  return copy;
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

void
fs_headless_run_print_summary (FsHeadlessRun *self,
                               FILE          *out)
{
  g_autofree char *rss = NULL;
  g_autofree char *bytes = NULL;
  FsSummary s;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  fs_headless_run_get_summary (self, &s);
  rss = format_bytes (s.peak_rss_bytes);
  bytes = format_bytes (s.bytes);

  /* Translators: the summary's first line: version, strategy, concurrency,
   * URL set, and maybe " (cancelled: partial results)". The lines after it
   * keep their values in one column: keep the labels 12 characters wide. */
  fprintf (out, _("Fetchscope %s: %s, concurrency %u, %s%s\n"),
           PACKAGE_VERSION, fs_strategy_to_string (self->config->strategy),
           self->config->concurrency, self->urls_label,
           self->cancelled ? _(" (cancelled: partial results)") : "");
  fprintf (out, _("  requests    %llu  ok %llu  http errors %llu  transport errors %llu"
                  "  timeouts %llu  cancelled %llu  worker lost %llu\n"),
           (unsigned long long) s.total,
           (unsigned long long) s.outcomes[FS_OUTCOME_OK],
           (unsigned long long) s.outcomes[FS_OUTCOME_HTTP_ERROR],
           (unsigned long long) s.outcomes[FS_OUTCOME_TRANSPORT_ERROR],
           (unsigned long long) s.outcomes[FS_OUTCOME_TIMEOUT],
           (unsigned long long) s.outcomes[FS_OUTCOME_CANCELLED],
           (unsigned long long) s.outcomes[FS_OUTCOME_WORKER_LOST]);
  fprintf (out, _("  wall time   %.3f s\n"), s.wall_s);
  fprintf (out, _("  throughput  %.1f req/s  (%s received)\n"), s.rps, bytes);
  fprintf (out, _("  latency     p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n"),
           s.latency_ms_p50, s.latency_ms_p90, s.latency_ms_p99, s.latency_ms_p999,
           s.latency_ms_max);
  fprintf (out, _("  peak RSS    %s  CPU %.2f s\n"), rss, s.cpu_s);
  if (s.loop_lag_max_us >= 0)
    fprintf (out, _("  loop lag    max %.2f ms\n"), s.loop_lag_max_us / 1000.0);
  if (s.cpu_stage_s > 0)
    fprintf (out, _("  CPU stage   %.2f s in all, %.2f s waiting for the GIL\n"),
             s.cpu_stage_s, s.gil_wait_s);
  if (self->config->strategy == FS_STRATEGY_HYBRID)
    fprintf (out, _("  routed      loop %llu  pool %llu\n"),
             (unsigned long long) s.routed[FS_ROUTE_LOOP],
             (unsigned long long) s.routed[FS_ROUTE_POOL]);
  if (n_bad_lines (self) > 0)
    fprintf (out, _("  bad lines   %llu skipped\n"), (unsigned long long) n_bad_lines (self));
  if (self->crawler != NULL)
    {
      FsCrawlStats c;

      fs_crawler_get_stats (self->crawler, &c);
      fprintf (out, _("  crawl       %llu pages visited  %llu duplicates  frontier %llu"
                      "  depth %u  %.1f pages/s%s\n"),
               (unsigned long long) c.visited, (unsigned long long) c.duplicates,
               (unsigned long long) c.frontier, c.max_depth,
               s.wall_s > 0 ? c.done / s.wall_s : 0.0,
               c.finished ? "" : _("  (not finished)"));
      fprintf (out, _("  links       %llu found  to visited pages %llu  offsite %llu"
                      "  too deep %llu  over --max-pages %llu  invalid %llu"
                      "  parse errors %llu\n"),
               (unsigned long long) c.links, (unsigned long long) c.known_links,
               (unsigned long long) c.offsite, (unsigned long long) c.too_deep,
               (unsigned long long) c.over_limit, (unsigned long long) c.invalid,
               (unsigned long long) c.parse_errors);
    }
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_boolean (JsonBuilder *b,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

/**
 * fs_headless_run_to_json:
 *
 * Returns: (transfer full): the summary as documented in README.md
 */
JsonNode *
fs_headless_run_to_json (FsHeadlessRun *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *started_at = NULL;
  g_autofree char *label = NULL;
  FsSummary s;

  g_return_val_if_fail (self != NULL, NULL);

  fs_headless_run_get_summary (self, &s);
  started_at = self->started_at ? g_date_time_format_iso8601 (self->started_at) : NULL;
  label = fs_run_config_dup_label (self->config);

  json_builder_begin_object (b);
  add_string (b, "fetchscope_version", PACKAGE_VERSION);
  add_string (b, "strategy", fs_strategy_to_string (self->config->strategy));
  add_string (b, "label", label);
  add_boolean (b, "gil", self->config->gil);
  if (self->config->strategy == FS_STRATEGY_PROCESSES)
    add_string (b, "worker_mode", fs_worker_mode_to_string (self->config->worker_mode));
  add_string (b, "urls", self->urls_label);
  add_string (b, "started_at", started_at);
  add_int (b, "concurrency", self->config->concurrency);
  add_double (b, "timeout_s", self->config->timeout_ms / 1000.0);
  add_boolean (b, "complete", !self->cancelled);

  add_int (b, "total", s.total);
  add_int (b, "ok", s.outcomes[FS_OUTCOME_OK]);
  add_int (b, "http_errors", s.outcomes[FS_OUTCOME_HTTP_ERROR]);
  add_int (b, "transport_errors", s.outcomes[FS_OUTCOME_TRANSPORT_ERROR]);
  add_int (b, "timeouts", s.outcomes[FS_OUTCOME_TIMEOUT]);
  add_int (b, "cancelled", s.outcomes[FS_OUTCOME_CANCELLED]);
  add_int (b, "worker_lost", s.outcomes[FS_OUTCOME_WORKER_LOST]);
  add_int (b, "bad_lines", n_bad_lines (self));

  add_double (b, "wall_s", s.wall_s);
  add_double (b, "rps", s.rps);
  add_int (b, "bytes", s.bytes);

  json_builder_set_member_name (b, "latency_ms");
  json_builder_begin_object (b);
  add_double (b, "p50", s.latency_ms_p50);
  add_double (b, "p90", s.latency_ms_p90);
  add_double (b, "p99", s.latency_ms_p99);
  add_double (b, "p999", s.latency_ms_p999);
  add_double (b, "max", s.latency_ms_max);
  add_double (b, "mean", s.latency_ms_mean);
  json_builder_end_object (b);

  add_int (b, "peak_rss_bytes", s.peak_rss_bytes);
  add_double (b, "cpu_s", s.cpu_s);
  add_double (b, "cpu_stage_s", s.cpu_stage_s);
  add_double (b, "gil_wait_s", s.gil_wait_s);
  if (self->config->strategy == FS_STRATEGY_HYBRID)
    {
      json_builder_set_member_name (b, "routed");
      json_builder_begin_object (b);
      add_int (b, "loop", s.routed[FS_ROUTE_LOOP]);
      add_int (b, "pool", s.routed[FS_ROUTE_POOL]);
      json_builder_end_object (b);
    }
  if (self->crawler != NULL)
    {
      FsCrawlStats c;

      fs_crawler_get_stats (self->crawler, &c);
      json_builder_set_member_name (b, "crawl");
      json_builder_begin_object (b);
      add_string (b, "start_url", fs_crawler_get_start_url (self->crawler));
      add_boolean (b, "finished", c.finished);
      add_int (b, "visited", c.visited);
      add_int (b, "pages_done", c.done);
      add_int (b, "frontier", c.frontier);
      add_int (b, "in_flight", c.in_flight);
      add_int (b, "duplicates", c.duplicates);
      add_int (b, "links", c.links);
      add_int (b, "links_to_visited", c.known_links);
      add_int (b, "offsite", c.offsite);
      add_int (b, "too_deep", c.too_deep);
      add_int (b, "over_limit", c.over_limit);
      add_int (b, "invalid", c.invalid);
      add_int (b, "parse_errors", c.parse_errors);
      add_int (b, "max_depth", c.max_depth);
      add_double (b, "pages_per_s", s.wall_s > 0 ? c.done / s.wall_s : 0.0);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "loop_lag_max_ms");
  if (s.loop_lag_max_us >= 0)
    json_builder_add_double_value (b, s.loop_lag_max_us / 1000.0);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * fs_headless_run_to_saved_run:
 *
 * A snapshot of the run to save or draw: its settings, summary, copies of
 * its aggregates, and its records if they were kept.
 *
 * Returns: (transfer full): the run as saved runs hold it
 */
FsSavedRun *
fs_headless_run_to_saved_run (FsHeadlessRun *self)
{
  FsSavedRun *saved;

  g_return_val_if_fail (self != NULL, NULL);

  saved = fs_saved_run_new (NULL, self->config, self->urls_label);
  saved->started_at = self->started_at ? g_date_time_ref (self->started_at) : NULL;
  saved->complete = !self->cancelled;
  fs_headless_run_get_summary (self, &saved->summary);
  saved->aggregator = fs_aggregator_copy (self->aggregator);
  saved->swimlane = fs_swimlane_copy (self->swimlane);
  saved->records = self->records ? fs_record_log_ref (self->records) : NULL;

  return saved;
}

/* Written atomically (temporary file + rename), with the user's umask. */
gboolean
fs_headless_write_json (JsonNode    *node,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize len;

  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &len);

  return g_file_set_contents_full (path, text, len, G_FILE_SET_CONTENTS_CONSISTENT, 0666, error);
}

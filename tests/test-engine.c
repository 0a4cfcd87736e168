/* test-engine.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every engine against the demo server on 127.0.0.1: the one-terminal-per-job
 * invariant, outcomes, timeouts, refusals, protocol limits and cancel.
 * Run once per strategy, and processes once per worker mode (the test paths
 * name them).
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "fs-aggregator.h"
#include "fs-engine.h"
#include "fs-engine-subprocess.h"
#include "fs-test-server.h"

#define TIME_SCALE 0.01

/* Two worker processes, so every run uses several even on one core. */
#define PROCESSES_WORKERS 2

static FsTestServer *server;

/* What a test path runs: a strategy, and for processes a worker mode. */
typedef struct
{
  char         *name;
  FsStrategy    strategy;
  FsWorkerMode  worker_mode;
  guint         workers;
} Variant;

typedef struct
{
  FsStrategy    strategy;
  FsWorkerMode  worker_mode;
  guint         workers;
  guint         concurrency;
  guint         timeout_ms;
  guint64       max_body_bytes;
  guint         cancel_after;   /* cancel once this many terminals arrived, 0 = never */
} RunSpec;

typedef struct
{
  GArray       *events;
  FsAggregator *aggregator;
  GHashTable   *starts;         /* job id → count */
  GHashTable   *terminals;      /* job id → count */
  GCancellable *cancellable;
  guint         cancel_after;
  guint         n_terminals;
  guint         in_flight;
  guint         max_in_flight;
  gboolean      finished;
  GError       *error;
} Collector;

static void
collect (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  Collector *c = user_data;

  g_array_append_vals (c->events, events, n_events);
  fs_aggregator_add_many (c->aggregator, events, n_events);

  for (guint i = 0; i < n_events; i++)
    {
      const FsEvent *e = &events[i];
      GHashTable *table = e->kind == FS_EVENT_START ? c->starts : c->terminals;
      gpointer key = GSIZE_TO_POINTER ((gsize) e->job_id);

      if (e->kind == FS_EVENT_SAMPLE)
        continue;

      g_hash_table_insert (table, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (table, key)) + 1));

      if (e->kind == FS_EVENT_START)
        {
          c->in_flight++;
          c->max_in_flight = MAX (c->max_in_flight, c->in_flight);
        }
      else if (e->kind == FS_EVENT_TERMINAL)
        {
          if (e->t_started > 0)
            c->in_flight--;
          if (++c->n_terminals == c->cancel_after)
            g_cancellable_cancel (c->cancellable);
        }
    }
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Collector *c = user_data;

  fs_engine_run_finish (FS_ENGINE (object), result, &c->error);
  c->finished = TRUE;
}

static void
collector_free (Collector *c)
{
  g_array_unref (c->events);
  fs_aggregator_free (c->aggregator);
  g_hash_table_unref (c->starts);
  g_hash_table_unref (c->terminals);
  g_clear_object (&c->cancellable);
  g_clear_error (&c->error);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

/* Runs @urls through an engine; the queue is closed only after the engine
 * has started, so engines must cope with a source that grows. */
static Collector *
run_urls (const RunSpec      *spec,
          const char * const *urls,
          guint               n_urls)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  Collector *c = g_new0 (Collector, 1);

  c->events = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  c->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US, 100);
  c->starts = g_hash_table_new (NULL, NULL);
  c->terminals = g_hash_table_new (NULL, NULL);
  c->cancellable = g_cancellable_new ();
  c->cancel_after = spec->cancel_after;

  config->strategy = spec->strategy;
  config->worker_mode = spec->worker_mode;
  config->workers = spec->workers;
  config->concurrency = spec->concurrency ? spec->concurrency : 4;
  config->timeout_ms = spec->timeout_ms ? spec->timeout_ms : 10000;
  if (spec->max_body_bytes)
    config->max_body_bytes = spec->max_body_bytes;

  engine = fs_engine_new (config, &error);
  g_assert_no_error (error);
  sink = fs_event_sink_new (NULL, 64, collect, c, NULL);

  fs_engine_run_async (engine, queue, sink, c->cancellable, run_done, c);

  for (guint i = 0; i < n_urls; i++)
    {
      g_autofree char *class = g_strdup_printf ("c%u", i % 3);
      fs_job_queue_push (queue, fs_job_new (i, urls[i], class), NULL);
      if (i == n_urls / 2)
        g_main_context_iteration (NULL, FALSE);
    }
  fs_job_queue_close (queue);

  while (!c->finished)
    g_main_context_iteration (NULL, TRUE);
  fs_event_sink_drain (sink);

  g_assert_no_error (c->error);

  /* Nothing in this suite gives a worker process any reason to fail. */
  if (FS_IS_ENGINE_SUBPROCESS (engine))
    {
      g_autoptr(GPtrArray) failures = NULL;

      failures = fs_engine_subprocess_dup_failures (FS_ENGINE_SUBPROCESS (engine));

      for (guint i = 0; i < failures->len; i++)
        g_printerr ("worker failure: %s\n", (const char *) g_ptr_array_index (failures, i));
      g_assert_cmpuint (failures->len, ==, 0);
    }

  return c;
}

static void
variant_free (gpointer data)
{
  Variant *v = data;

  g_free (v->name);
  g_free (v);
}

/* A RunSpec for the test's Variant, with the given fields set too. */
#define VARIANT_SPEC(data, ...) {                                  \
    .strategy = ((const Variant *) (data))->strategy,              \
    .worker_mode = ((const Variant *) (data))->worker_mode,        \
    .workers = ((const Variant *) (data))->workers,                \
    __VA_ARGS__ }

/* The most transfers that can run at once: a blocking worker process runs
 * one, so its children may be fewer than the concurrency. */
static guint
expected_max_in_flight (const RunSpec *spec)
{
  if (spec->strategy == FS_STRATEGY_SERIAL)
    return 1;

  if (spec->strategy == FS_STRATEGY_PROCESSES && spec->worker_mode == FS_WORKER_MODE_BLOCKING)
    return MIN (spec->workers, spec->concurrency);

  return spec->concurrency;
}

static char **
repeat_path (const char *path,
             guint       n)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *url = fs_test_server_url (server, path);
      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}

/* The invariant: every job has exactly one terminal and at most one start. */
static void
assert_one_terminal_each (Collector *c,
                          guint      n_jobs)
{
  GHashTableIter iter;
  gpointer key, value;
  FsSummary s;

  g_assert_cmpuint (g_hash_table_size (c->terminals), ==, n_jobs);
  g_hash_table_iter_init (&iter, c->terminals);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);

  g_hash_table_iter_init (&iter, c->starts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
      g_assert_true (g_hash_table_contains (c->terminals, key));
    }

  fs_aggregator_get_summary (c->aggregator, &s);
  g_assert_cmpuint (s.total, ==, n_jobs);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK] + s.outcomes[FS_OUTCOME_HTTP_ERROR] +
                    s.outcomes[FS_OUTCOME_TRANSPORT_ERROR] + s.outcomes[FS_OUTCOME_TIMEOUT] +
                    s.outcomes[FS_OUTCOME_CANCELLED] + s.outcomes[FS_OUTCOME_WORKER_LOST],
                    ==, n_jobs);
  g_assert_cmpuint (c->in_flight, ==, 0);
}

static const FsEvent *
terminal_for_index (Collector *c,
                    guint64    url_index)
{
  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && e->url_index == url_index)
        return e;
    }

  g_assert_not_reached ();
  return NULL;
}

static void
test_mixed_outcomes (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 8);
  const char *paths[] = { "/ping", "/page/regular/1", "/status/503", "/status/404",
                          "/bytes/5000", "/redirect/2", "/page/slow/3", "/status/200" };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) urls = NULL;
  g_autoptr(Collector) c = NULL;
  g_autoptr(GHashTable) pids = g_hash_table_new (NULL, NULL);
  guint n = 0;

  for (guint r = 0; r < 5; r++)
    for (guint i = 0; i < G_N_ELEMENTS (paths); i++, n++)
      {
        g_autofree char *url = fs_test_server_url (server, paths[i]);
        g_strv_builder_add (builder, url);
      }
  urls = g_strv_builder_end (builder);

  c = run_urls (&spec, (const char * const *) urls, n);
  assert_one_terminal_each (c, n);

  for (guint i = 0; i < n; i++)
    {
      const FsEvent *e = terminal_for_index (c, i);
      const char *path = paths[i % G_N_ELEMENTS (paths)];

      g_assert_cmpint (e->strategy, ==, spec.strategy);
      g_assert_true (e->t_started >= e->t_queued);
      g_assert_true (e->t_done >= e->t_started);
      g_assert_true (e->url_class == g_intern_string (i % 3 == 0 ? "c0" : i % 3 == 1 ? "c1" : "c2"));
      /* The processes strategy fetches in its children, every other here. */
      if (spec.strategy == FS_STRATEGY_PROCESSES)
        {
          g_assert_cmpint (e->lane.pid, >, 0);
          g_assert_cmpint (e->lane.pid, !=, getpid ());
          g_assert_cmpuint (e->lane.index, <, spec.workers);
          g_hash_table_add (pids, GINT_TO_POINTER (e->lane.pid));
        }
      else
        g_assert_cmpint (e->lane.pid, ==, getpid ());
      g_assert_cmpint (e->lane.tid, >, 0);
      g_assert_cmpuint (e->lane.slot, <, spec.concurrency);

      if (g_str_equal (path, "/status/503") || g_str_equal (path, "/status/404"))
        {
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_HTTP_ERROR);
          g_assert_cmpuint (e->http_status, ==, g_str_equal (path, "/status/503") ? 503 : 404);
          g_assert_nonnull (strstr (e->error, "HTTP"));
        }
      else
        {
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
          g_assert_cmpuint (e->http_status, ==, 200);
          g_assert_cmpstr (e->error, ==, "");
          g_assert_true (e->t_first_byte >= e->t_started);
        }

      if (g_str_equal (path, "/ping"))
        g_assert_cmpuint (e->bytes, ==, 100);
      if (g_str_equal (path, "/bytes/5000"))
        g_assert_cmpuint (e->bytes, ==, 5000);
      if (g_str_equal (path, "/redirect/2"))
        g_assert_cmpuint (e->bytes, ==, 100);   /* followed to /ping */
    }

  if (spec.strategy == FS_STRATEGY_PROCESSES)
    g_assert_cmpuint (g_hash_table_size (pids), <=, spec.workers);
}

static void
test_failing_pages (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 10);
  g_auto(GStrv) urls = repeat_path ("/page/failing/1", 60);
  g_autoptr(Collector) c = run_urls (&spec, (const char * const *) urls, 60);
  FsSummary s;

  assert_one_terminal_each (c, 60);
  fs_aggregator_get_summary (c->aggregator, &s);
  /* 90 % answer 5xx: the rest are ok, nothing else happens. */
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_HTTP_ERROR], >=, 40);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_HTTP_ERROR] + s.outcomes[FS_OUTCOME_OK], ==, 60);
}

static void
test_timeout (gconstpointer data)
{
  /* 100 s at this time scale is 1 s: far beyond the 150 ms timeout. */
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 3, .timeout_ms = 150);
  g_auto(GStrv) urls = repeat_path ("/delay/100000", 3);
  g_autoptr(Collector) c = run_urls (&spec, (const char * const *) urls, 3);

  assert_one_terminal_each (c, 3);
  for (guint i = 0; i < 3; i++)
    {
      const FsEvent *e = terminal_for_index (c, i);

      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TIMEOUT);
      g_assert_cmpint (e->curl_code, ==, 28);
      g_assert_cmpint (fs_event_latency_us (e), >=, 140 * 1000);
      g_assert_cmpstr (e->error, !=, "");
    }
}

static guint16
closed_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint16 port;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);   /* bound but never listening: connections are refused */

  return port;
}

static void
test_refused (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 2);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());
  const char *urls[] = { url, url, url };
  g_autoptr(Collector) c = run_urls (&spec, urls, G_N_ELEMENTS (urls));

  assert_one_terminal_each (c, 3);
  for (guint i = 0; i < 3; i++)
    {
      const FsEvent *e = terminal_for_index (c, i);

      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
      g_assert_cmpint (e->curl_code, ==, 7);   /* CURLE_COULDNT_CONNECT */
      g_assert_cmpuint (e->http_status, ==, 0);
      g_assert_cmpstr (e->error, !=, "");
    }
}

static void
test_protocols_refused (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 2);
  g_autofree char *redirect = fs_test_server_url (server, "/redirect-to?url=file:///etc/passwd");
  g_autofree char *redirect_gopher = fs_test_server_url (server, "/redirect-to?url=gopher://127.0.0.1/");
  const char *urls[] = { "file:///etc/passwd", "gopher://127.0.0.1/", redirect, redirect_gopher,
                         "ftp://127.0.0.1/" };
  g_autoptr(Collector) c = run_urls (&spec, urls, G_N_ELEMENTS (urls));

  assert_one_terminal_each (c, G_N_ELEMENTS (urls));
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const FsEvent *e = terminal_for_index (c, i);
      g_autofree char *lower = g_ascii_strdown (e->error, -1);

      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
      g_assert_cmpint (e->curl_code, ==, 1);   /* CURLE_UNSUPPORTED_PROTOCOL */
      g_assert_cmpuint (e->bytes, ==, 0);
      g_assert_nonnull (strstr (lower, "protocol"));
    }
}

static void
test_body_cap (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 2,
                               .max_body_bytes = 1000);
  g_autofree char *big = fs_test_server_url (server, "/bytes/200000");
  g_autofree char *small = fs_test_server_url (server, "/bytes/999");
  const char *urls[] = { big, small };
  g_autoptr(Collector) c = run_urls (&spec, urls, 2);
  const FsEvent *e;

  assert_one_terminal_each (c, 2);
  e = terminal_for_index (c, 0);
  g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
  g_assert_nonnull (strstr (e->error, "cap"));
  g_assert_cmpuint (e->bytes, <=, 1000);
  e = terminal_for_index (c, 1);
  g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
  g_assert_cmpuint (e->bytes, ==, 999);
}

static void
test_keep_alive_and_concurrency (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 4);
  FsStrategy strategy = spec.strategy;
  g_auto(GStrv) urls = repeat_path ("/delay/2000", 40);   /* 20 ms each */
  g_autoptr(Collector) c = run_urls (&spec, (const char * const *) urls, 40);
  guint connects = 0;

  assert_one_terminal_each (c, 40);
  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && e->t_connect > 0)
        connects++;
    }

  /* Connections are reused: about one new connection per transfer slot. */
  g_assert_cmpuint (connects, >=, 1);
  g_assert_cmpuint (connects, <=, spec.concurrency + 2);

  g_assert_cmpuint (c->max_in_flight, ==, expected_max_in_flight (&spec));

  /* The run lasts at least 10 × 20 ms: the loop's lag probe fires in it. */
  if (strategy == FS_STRATEGY_LOOP)
    {
      guint samples = 0;
      FsSummary s;

      for (guint i = 0; i < c->events->len; i++)
        {
          const FsEvent *e = &g_array_index (c->events, FsEvent, i);

          if (e->kind == FS_EVENT_SAMPLE)
            {
              samples++;
              g_assert_cmpint (e->sample.pid, ==, 0);
              g_assert_cmpint (e->sample.loop_lag_us, >=, 0);
              g_assert_cmpint (e->lane.tid, >, 0);
            }
        }
      g_assert_cmpuint (samples, >=, 1);
      fs_aggregator_get_summary (c->aggregator, &s);
      g_assert_cmpint (s.loop_lag_max_us, >=, 0);
    }
}

static void
test_cancel_keeps_totals (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 5, .cancel_after = 10);
  g_auto(GStrv) urls = repeat_path ("/delay/5000", 100);   /* 50 ms each */
  g_autoptr(Collector) c = run_urls (&spec, (const char * const *) urls, 100);
  FsSummary s;

  assert_one_terminal_each (c, 100);
  fs_aggregator_get_summary (c->aggregator, &s);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK], >=, 10);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_CANCELLED], >=, 50);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK] + s.outcomes[FS_OUTCOME_CANCELLED], ==, 100);

  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && e->outcome == FS_OUTCOME_CANCELLED)
        g_assert_nonnull (strstr (e->error, "cancelled"));
    }
}

/* 200 connections opened at once must all be accepted at once: a listen
 * backlog that is too short makes the kernel drop SYNs, retried after 1 s. */
static void
test_connect_burst (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data, .concurrency = 200);
  g_auto(GStrv) urls = repeat_path ("/delay/1000", 200);
  g_autoptr(Collector) c = run_urls (&spec, (const char * const *) urls, 200);

  assert_one_terminal_each (c, 200);
  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind != FS_EVENT_TERMINAL)
        continue;
      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
      if (e->t_connect > 0)
        g_assert_cmpint (e->t_connect - e->t_started, <, 900 * 1000);
    }
}

static void
test_empty_queue (gconstpointer data)
{
  RunSpec spec = VARIANT_SPEC (data);
  g_autoptr(Collector) c = run_urls (&spec, NULL, 0);

  assert_one_terminal_each (c, 0);

  /* Worker processes may still report their memory once. */
  for (guint i = 0; i < c->events->len; i++)
    g_assert_cmpint (g_array_index (c->events, FsEvent, i).kind, ==, FS_EVENT_SAMPLE);
  if (spec.strategy != FS_STRATEGY_PROCESSES)
    g_assert_cmpuint (c->events->len, ==, 0);
}

static void
add_engine_tests (const Variant *variant)
{
  static const struct {
    const char *name;
    GTestDataFunc func;
  } tests[] = {
    { "mixed-outcomes", test_mixed_outcomes },
    { "failing-pages", test_failing_pages },
    { "timeout", test_timeout },
    { "refused", test_refused },
    { "protocols-refused", test_protocols_refused },
    { "body-cap", test_body_cap },
    { "keep-alive-and-concurrency", test_keep_alive_and_concurrency },
    { "cancel-keeps-totals", test_cancel_keeps_totals },
    { "empty-queue", test_empty_queue },
  };

  if (variant->strategy != FS_STRATEGY_SERIAL)
    {
      g_autofree char *path = g_strdup_printf ("/Fetchscope/Engine/%s/connect-burst",
                                               variant->name);
      g_test_add_data_func (path, variant, test_connect_burst);
    }

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Fetchscope/Engine/%s/%s",
                                               variant->name, tests[i].name);
      g_test_add_data_func (path, variant, tests[i].func);
    }
}

/* One variant per available strategy, and processes in both worker modes. */
static GPtrArray *
make_variants (void)
{
  GPtrArray *variants = g_ptr_array_new_with_free_func (variant_free);

  for (guint s = 0; s < FS_N_STRATEGIES; s++)
    {
      Variant *v;

      if (!fs_engine_strategy_is_available (s))
        continue;

      v = g_new0 (Variant, 1);
      v->name = g_strdup (fs_strategy_to_string (s));
      v->strategy = s;
      g_ptr_array_add (variants, v);

      if (s == FS_STRATEGY_PROCESSES)
        {
          Variant *loop = g_new0 (Variant, 1);

          v->workers = PROCESSES_WORKERS;
          v->worker_mode = FS_WORKER_MODE_BLOCKING;
          loop->name = g_strdup ("processes-loop");
          loop->strategy = s;
          loop->workers = PROCESSES_WORKERS;
          loop->worker_mode = FS_WORKER_MODE_LOOP;
          g_ptr_array_add (variants, loop);
        }
    }

  return variants;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) variants = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fs_test_server_new (TIME_SCALE, 1);

  variants = make_variants ();
  for (guint i = 0; i < variants->len; i++)
    add_engine_tests (g_ptr_array_index (variants, i));

  ret = g_test_run ();

  fs_test_server_free (server);

  return ret;
}

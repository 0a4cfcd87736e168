/* fs-test-engine.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-engine-subprocess.h"
#include "fs-test-engine.h"

static void
collect (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  FsTestCollector *c = user_data;

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
  FsTestCollector *c = user_data;

  fs_engine_run_finish (FS_ENGINE (object), result, &c->error);
  c->finished = TRUE;
}

void
fs_test_collector_free (FsTestCollector *c)
{
  g_array_unref (c->events);
  fs_aggregator_free (c->aggregator);
  g_hash_table_unref (c->starts);
  g_hash_table_unref (c->terminals);
  g_clear_object (&c->cancellable);
  g_clear_error (&c->error);
  g_free (c);
}

/* Runs @urls through an engine; the queue is closed only after the engine
 * has started, so engines must cope with a source that grows. */
FsTestCollector *
fs_test_run_urls (const FsTestRunSpec      *spec,
          const char * const *urls,
          guint               n_urls)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  FsTestCollector *c = g_new0 (FsTestCollector, 1);

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
  FsTestVariant *v = data;

  g_free (v->name);
  g_free (v);
}

/* The invariant: every job has exactly one terminal and at most one start. */
void
fs_test_assert_one_terminal_each (FsTestCollector *c,
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

const FsEvent *
fs_test_terminal_for_index (FsTestCollector *c,
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

/* One variant per available strategy, and processes in both worker modes. */
GPtrArray *
fs_test_make_variants (guint processes_workers)
{
  GPtrArray *variants = g_ptr_array_new_with_free_func (variant_free);

  for (guint s = 0; s < FS_N_STRATEGIES; s++)
    {
      FsTestVariant *v;

      if (!fs_engine_strategy_is_available (s))
        continue;

      v = g_new0 (FsTestVariant, 1);
      v->name = g_strdup (fs_strategy_to_string (s));
      v->strategy = s;
      g_ptr_array_add (variants, v);

      if (s == FS_STRATEGY_PROCESSES)
        {
          FsTestVariant *loop = g_new0 (FsTestVariant, 1);

          v->workers = processes_workers;
          v->worker_mode = FS_WORKER_MODE_BLOCKING;
          loop->name = g_strdup ("processes-loop");
          loop->strategy = s;
          loop->workers = processes_workers;
          loop->worker_mode = FS_WORKER_MODE_LOOP;
          g_ptr_array_add (variants, loop);
        }
    }

  return variants;
}


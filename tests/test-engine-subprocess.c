/* test-engine-subprocess.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What only the processes engine has: children that die or lie, and how
 * jobs are spread over them. (test-engine runs the common suite on it.)
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fs-engine-subprocess-private.h"
#include "fs-test-server.h"

#define TIME_SCALE 0.01

static FsTestServer *server;

typedef struct
{
  FsWorkerMode  worker_mode;
  guint         workers;
  guint         concurrency;
  guint         kill_at_start;   /* SIGKILL the child of the Nth start record, 0 = never */
  const char   *corrupt_after;   /* FETCHSCOPE_WORKER_CORRUPT_AFTER for worker 0 */
} Spec;

typedef struct
{
  const Spec   *spec;
  GArray       *events;
  GHashTable   *terminals;      /* job id → count */
  GHashTable   *in_flight_by_pid;
  GPtrArray    *failures;
  guint         n_starts;
  guint         in_flight;
  guint         max_in_flight;
  guint         max_in_flight_per_pid;
  GPid          killed_pid;
  gboolean      finished;
  GError       *error;
} Run;

static void
run_free (Run *r)
{
  g_array_unref (r->events);
  g_hash_table_unref (r->terminals);
  g_hash_table_unref (r->in_flight_by_pid);
  g_clear_pointer (&r->failures, g_ptr_array_unref);
  g_clear_error (&r->error);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
increment (GHashTable *counts,
           gpointer    key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

  g_hash_table_insert (counts, key, GUINT_TO_POINTER (n + 1));
}

static void
adjust_pid (Run  *r,
            GPid  pid,
            int   delta)
{
  gpointer key = GINT_TO_POINTER (pid);
  int n = GPOINTER_TO_INT (g_hash_table_lookup (r->in_flight_by_pid, key)) + delta;

  g_hash_table_insert (r->in_flight_by_pid, key, GINT_TO_POINTER (n));
  r->max_in_flight_per_pid = MAX (r->max_in_flight_per_pid, (guint) MAX (n, 0));
}

static void
collect (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  Run *r = user_data;

  g_array_append_vals (r->events, events, n_events);

  for (guint i = 0; i < n_events; i++)
    {
      const FsEvent *e = &events[i];
      gpointer key = GSIZE_TO_POINTER ((gsize) e->job_id);

      if (e->kind == FS_EVENT_START)
        {
          r->in_flight++;
          r->max_in_flight = MAX (r->max_in_flight, r->in_flight);
          adjust_pid (r, e->lane.pid, 1);

          if (++r->n_starts == r->spec->kill_at_start)
            {
              g_assert_cmpint (e->lane.pid, >, 0);
              g_assert_cmpint (e->lane.pid, !=, getpid ());
              r->killed_pid = e->lane.pid;
              g_assert_cmpint (kill (r->killed_pid, SIGKILL), ==, 0);
            }
        }
      else if (e->kind == FS_EVENT_TERMINAL)
        {
          increment (r->terminals, key);
          if (e->t_started > 0)
            {
              r->in_flight--;
              adjust_pid (r, e->lane.pid, -1);
            }
        }
    }
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *r = user_data;

  fs_engine_run_finish (FS_ENGINE (object), result, &r->error);
  r->finished = TRUE;
}

static Run *
run_jobs (const Spec *spec,
          const char *path,
          guint       n_jobs)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fs_test_server_url (server, path);
  Run *r = g_new0 (Run, 1);

  r->spec = spec;
  r->events = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  r->terminals = g_hash_table_new (NULL, NULL);
  r->in_flight_by_pid = g_hash_table_new (NULL, NULL);

  config->strategy = FS_STRATEGY_PROCESSES;
  config->workers = spec->workers;
  config->worker_mode = spec->worker_mode;
  config->concurrency = spec->concurrency ? spec->concurrency : 8;
  config->timeout_ms = 10000;

  engine = fs_engine_new (config, &error);
  g_assert_no_error (error);
  g_assert_true (FS_IS_ENGINE_SUBPROCESS (engine));
  if (spec->corrupt_after != NULL)
    _fs_engine_subprocess_set_worker_env (FS_ENGINE_SUBPROCESS (engine), 0,
                                          "FETCHSCOPE_WORKER_CORRUPT_AFTER",
                                          spec->corrupt_after);

  sink = fs_event_sink_new (NULL, 64, collect, r, NULL);
  fs_engine_run_async (engine, queue, sink, NULL, run_done, r);

  for (guint i = 0; i < n_jobs; i++)
    fs_job_queue_push (queue, fs_job_new (i, url, "c"), NULL);
  fs_job_queue_close (queue);

  while (!r->finished)
    g_main_context_iteration (NULL, TRUE);
  fs_event_sink_drain (sink);
  g_assert_no_error (r->error);

  r->failures = fs_engine_subprocess_dup_failures (FS_ENGINE_SUBPROCESS (engine));

  return r;
}

/* Exactly one terminal per job, whatever happened. */
static void
assert_one_terminal_each (Run   *r,
                          guint  n_jobs)
{
  GHashTableIter iter;
  gpointer value;

  g_assert_cmpuint (g_hash_table_size (r->terminals), ==, n_jobs);
  g_hash_table_iter_init (&iter, r->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
  g_assert_cmpuint (r->in_flight, ==, 0);
}

static guint
count_outcome (Run       *r,
               FsOutcome  outcome)
{
  guint n = 0;

  for (guint i = 0; i < r->events->len; i++)
    {
      const FsEvent *e = &g_array_index (r->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && e->outcome == outcome)
        n++;
    }

  return n;
}

static GPid
pid_of_worker (Run   *r,
               guint  index)
{
  for (guint i = 0; i < r->events->len; i++)
    {
      const FsEvent *e = &g_array_index (r->events, FsEvent, i);

      if (e->kind == FS_EVENT_START && e->lane.index == index)
        return e->lane.pid;
    }

  return 0;
}

/* Every lost job names the child and why; the other jobs all succeeded. */
static void
assert_lost_to (Run        *r,
                guint       n_jobs,
                GPid        pid,
                const char *why)
{
  g_autofree char *expected = g_strdup_printf ("worker %d %s", (int) pid, why);
  guint lost = count_outcome (r, FS_OUTCOME_WORKER_LOST);
  guint ok_elsewhere = 0;

  assert_one_terminal_each (r, n_jobs);
  g_assert_cmpuint (lost, >=, 1);
  g_assert_cmpuint (count_outcome (r, FS_OUTCOME_OK) + lost, ==, n_jobs);

  for (guint i = 0; i < r->events->len; i++)
    {
      const FsEvent *e = &g_array_index (r->events, FsEvent, i);

      if (e->kind != FS_EVENT_TERMINAL)
        continue;

      g_assert_cmpint (e->strategy, ==, FS_STRATEGY_PROCESSES);
      g_assert_true (e->url_class == g_intern_string ("c"));

      if (e->outcome == FS_OUTCOME_WORKER_LOST)
        {
          g_assert_cmpint (e->lane.pid, ==, pid);
          if (!g_str_has_prefix (e->error, expected))
            g_error ("lost job says “%s”, not “%s…”", e->error, expected);
        }
      else if (e->lane.pid != pid)
        ok_elsewhere++;
    }

  /* The others carried on with the rest of the run. */
  g_assert_cmpuint (ok_elsewhere, >=, n_jobs / 2);

  g_assert_cmpuint (r->failures->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r->failures, 0), expected));
  g_assert_nonnull (strstr (g_ptr_array_index (r->failures, 0), "lost"));
}

static void
test_child_killed (gconstpointer data)
{
  Spec spec = { .worker_mode = GPOINTER_TO_UINT (data), .workers = 3, .kill_at_start = 5 };
  g_autoptr(Run) r = run_jobs (&spec, "/delay/5000", 40);   /* 50 ms each */

  g_assert_cmpint (r->killed_pid, >, 0);
  assert_lost_to (r, 40, r->killed_pid, "killed by signal 9");
}

static void
test_child_corrupt (gconstpointer data)
{
  /* Worker 0 writes garbage after its third record (start, end, start), so
   * it has a job in flight when it does. */
  Spec spec = { .worker_mode = GPOINTER_TO_UINT (data), .workers = 2, .corrupt_after = "3" };
  g_autoptr(Run) r = run_jobs (&spec, "/delay/2000", 30);   /* 20 ms each */
  GPid pid = pid_of_worker (r, 0);

  g_assert_cmpint (pid, >, 0);
  assert_lost_to (r, 30, pid, "sent an invalid frame: bad magic");
}

/* With its only child gone, the jobs still queued end as lost too. */
static void
test_all_children_lost (void)
{
  Spec spec = { .worker_mode = FS_WORKER_MODE_BLOCKING, .workers = 1, .corrupt_after = "1" };
  g_autoptr(Run) r = run_jobs (&spec, "/delay/1000", 20);
  guint no_worker_left = 0;

  assert_one_terminal_each (r, 20);
  g_assert_cmpuint (count_outcome (r, FS_OUTCOME_WORKER_LOST), ==, 20);
  for (guint i = 0; i < r->events->len; i++)
    {
      const FsEvent *e = &g_array_index (r->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && strstr (e->error, "no worker left"))
        no_worker_left++;
    }
  g_assert_cmpuint (no_worker_left, >=, 1);
  g_assert_cmpuint (r->failures->len, ==, 1);
}

/* Two blocking children, twenty 50 ms jobs: both work all along. */
static void
test_dispatch_fairness (void)
{
  Spec spec = { .worker_mode = FS_WORKER_MODE_BLOCKING, .workers = 2, .concurrency = 10 };
  g_autoptr(Run) r = run_jobs (&spec, "/delay/5000", 20);
  g_autoptr(GHashTable) per_pid = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) gone = NULL;
  guint samples = 0;
  GHashTableIter iter;
  gpointer key, value;

  assert_one_terminal_each (r, 20);
  g_assert_cmpuint (count_outcome (r, FS_OUTCOME_OK), ==, 20);
  g_assert_cmpuint (r->failures->len, ==, 0);
  g_assert_cmpuint (r->max_in_flight, ==, 2);
  g_assert_cmpuint (r->max_in_flight_per_pid, ==, 1);
  gone = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < r->events->len; i++)
    {
      const FsEvent *e = &g_array_index (r->events, FsEvent, i);
      gpointer pid = GINT_TO_POINTER (e->lane.pid);

      if (e->kind == FS_EVENT_TERMINAL)
        {
          g_assert_cmpint (e->lane.pid, !=, getpid ());
          increment (per_pid, pid);
        }
      else if (e->kind == FS_EVENT_SAMPLE && e->sample.pid > 0)
        {
          /* Each child samples itself; once it is gone, its memory is 0. */
          g_assert_cmpint (e->sample.pid, ==, e->lane.pid);
          g_assert_false (g_hash_table_contains (gone, pid));
          if (e->sample.rss_bytes == 0)
            g_hash_table_add (gone, pid);
          else
            samples++;
        }
    }

  g_assert_cmpuint (g_hash_table_size (gone), ==, 2);
  g_assert_cmpuint (g_hash_table_size (per_pid), ==, 2);
  g_hash_table_iter_init (&iter, per_pid);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (value), >=, 8);
  g_assert_cmpuint (samples, >=, 2);
}

/* Loop children share the concurrency: 3 + 3 of 6, never more. */
static void
test_loop_share (void)
{
  Spec spec = { .worker_mode = FS_WORKER_MODE_LOOP, .workers = 2, .concurrency = 6 };
  g_autoptr(Run) r = run_jobs (&spec, "/delay/5000", 36);

  assert_one_terminal_each (r, 36);
  g_assert_cmpuint (count_outcome (r, FS_OUTCOME_OK), ==, 36);
  g_assert_cmpuint (r->failures->len, ==, 0);
  g_assert_cmpuint (r->max_in_flight, ==, 6);
  g_assert_cmpuint (r->max_in_flight_per_pid, ==, 3);
  for (guint i = 0; i < r->events->len; i++)
    {
      const FsEvent *e = &g_array_index (r->events, FsEvent, i);

      if (e->kind != FS_EVENT_SAMPLE)
        g_assert_cmpuint (e->lane.slot, <, 3);
    }
}

/* An odd concurrency is still the cap over all children: 4 + 3 of 7. */
static void
test_loop_share_uneven (void)
{
  Spec spec = { .worker_mode = FS_WORKER_MODE_LOOP, .workers = 2, .concurrency = 7 };
  g_autoptr(Run) r = run_jobs (&spec, "/delay/5000", 35);

  assert_one_terminal_each (r, 35);
  g_assert_cmpuint (count_outcome (r, FS_OUTCOME_OK), ==, 35);
  g_assert_cmpuint (r->failures->len, ==, 0);
  g_assert_cmpuint (r->max_in_flight, ==, 7);
  g_assert_cmpuint (r->max_in_flight_per_pid, <=, 4);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fs_test_server_new (TIME_SCALE, 1);

  g_test_add_data_func ("/Fetchscope/EngineSubprocess/blocking/child-killed",
                        GUINT_TO_POINTER (FS_WORKER_MODE_BLOCKING), test_child_killed);
  g_test_add_data_func ("/Fetchscope/EngineSubprocess/loop/child-killed",
                        GUINT_TO_POINTER (FS_WORKER_MODE_LOOP), test_child_killed);
  g_test_add_data_func ("/Fetchscope/EngineSubprocess/blocking/child-corrupt",
                        GUINT_TO_POINTER (FS_WORKER_MODE_BLOCKING), test_child_corrupt);
  g_test_add_data_func ("/Fetchscope/EngineSubprocess/loop/child-corrupt",
                        GUINT_TO_POINTER (FS_WORKER_MODE_LOOP), test_child_corrupt);
  g_test_add_func ("/Fetchscope/EngineSubprocess/all-children-lost", test_all_children_lost);
  g_test_add_func ("/Fetchscope/EngineSubprocess/dispatch-fairness", test_dispatch_fairness);
  g_test_add_func ("/Fetchscope/EngineSubprocess/loop-share", test_loop_share);
  g_test_add_func ("/Fetchscope/EngineSubprocess/loop-share-uneven", test_loop_share_uneven);

  ret = g_test_run ();

  fs_test_server_free (server);

  return ret;
}

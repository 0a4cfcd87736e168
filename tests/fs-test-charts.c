/* fs-test-charts.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "fs-job-queue.h"
#include "fs-test-charts.h"

#define N_SLOTS    10
#define N_POOL     8
#define N_WORKERS  4
#define N_EXEC     (N_SLOTS + N_POOL + N_WORKERS)
#define APP_PID    1000
#define SAMPLE_US  (250 * 1000)

typedef enum
{
  EXEC_LOOP_SLOT,
  EXEC_POOL,
  EXEC_WORKER,
} ExecKind;

typedef enum
{
  STATE_IDLE,        /* next: its next start */
  STATE_RUNNING,     /* next: the transfer's end */
  STATE_COMPUTING,   /* next: the end of its CPU stage, when its record is written */
} ExecState;

typedef struct
{
  ExecKind  kind;
  ExecState state;
  FsLane    lane;
  gint64    next;
  gboolean  connected;
  FsEvent   terminal;
} Executor;

typedef struct
{
  FsAggregator *aggregator;
  FsSwimlane   *swimlane;
  FsRecordLog  *records;
  GRand        *rand;
  Executor      exec[N_EXEC];
  guint64       n_events;
  guint64       emitted;
  guint64       n_jobs;
  guint64       n_running;
  guint64       expected_jobs;
  gint64        loop_busy_until;  /* the loop thread is in a CPU stage until then */
  gint64        next_sample;
} Run;

static void
emit (Run           *run,
      const FsEvent *event)
{
  fs_aggregator_add (run->aggregator, event);
  if (run->swimlane != NULL)
    fs_swimlane_add (run->swimlane, event);
  if (run->records != NULL && event->kind == FS_EVENT_TERMINAL)
    fs_record_log_add (run->records, event);
  run->emitted++;
}

static double
uniform (Run    *run,
         double  lo,
         double  hi)
{
  return g_rand_double_range (run->rand, lo, hi);
}

/* exp (N (0, sigma)): a latency's long right tail. */
static double
lognormal (Run    *run,
           double  sigma)
{
  double u1 = g_rand_double_range (run->rand, 1e-12, 1.0);
  double u2 = g_rand_double (run->rand);

  return exp (sigma * sqrt (-2 * log (u1)) * cos (2 * G_PI * u2));
}

static void
start_job (Run      *run,
           Executor *e)
{
  FsJob job = { .id = run->n_jobs, .url_index = run->n_jobs };
  FsStrategy strategy = e->kind == EXEC_WORKER ? FS_STRATEGY_PROCESSES : FS_STRATEGY_HYBRID;
  double progress = (double) run->n_jobs / MAX (run->expected_jobs, 1);
  gboolean burst = progress >= 0.6 && progress < 0.63;
  double r = g_rand_double (run->rand);
  gint64 t = e->next;
  gint64 connect_us = 0;
  gint64 wait_us;
  gint64 cpu_us = 0;
  double base_ms;
  FsEvent start;

  if (e->kind == EXEC_LOOP_SLOT)
    job.route = FS_ROUTE_LOOP;
  else if (e->kind == EXEC_POOL)
    job.route = FS_ROUTE_POOL;
  job.t_queued = t;

  fs_event_init_start (&start, &job, strategy, &e->lane, t);
  emit (run, &start);
  run->n_jobs++;
  run->n_running++;

  fs_event_init_terminal (&e->terminal, &job, strategy, &e->lane);
  e->terminal.t_started = t;
  e->terminal.outcome = FS_OUTCOME_OK;
  e->terminal.http_status = 200;

  if (!e->connected || r < 0.05)
    {
      connect_us = (gint64) uniform (run, 500, 3000);
      e->terminal.t_connect = t + connect_us;
      e->connected = TRUE;
    }

  /* The server slows down and recovers three times over the run. */
  base_ms = (e->kind == EXEC_POOL ? 80 : 40) * (1 + 0.5 * sin (progress * 6 * G_PI));
  wait_us = (gint64) (base_ms * 1000 * lognormal (run, 0.5));

  r = g_rand_double (run->rand);
  if (burst ? r < 0.4 : r < 0.02)
    {
      e->terminal.outcome = FS_OUTCOME_HTTP_ERROR;
      e->terminal.http_status = 503;
      wait_us = (gint64) uniform (run, 2000, 8000);
    }
  else if (r < 0.024)
    {
      e->terminal.outcome = FS_OUTCOME_TIMEOUT;
      e->terminal.http_status = 0;
      e->terminal.curl_code = 28;
      e->terminal.t_done = t + connect_us + (gint64) uniform (run, 1500000, 2000000);
    }
  else if (r < 0.027)
    {
      e->terminal.outcome = FS_OUTCOME_TRANSPORT_ERROR;
      e->terminal.http_status = 0;
      e->terminal.curl_code = 7;
      e->terminal.t_connect = 0;
      e->terminal.t_done = t + (gint64) uniform (run, 200, 1500);
    }

  if (e->terminal.t_done == 0)
    {
      e->terminal.t_first_byte = t + connect_us + wait_us;
      e->terminal.t_done = e->terminal.t_first_byte + (gint64) uniform (run, 1000, 10000);
      e->terminal.bytes = 2000 + g_rand_int_range (run->rand, 0, 50000);
    }

  if (e->terminal.outcome == FS_OUTCOME_OK)
    {
      if (e->kind == EXEC_LOOP_SLOT)
        cpu_us = g_rand_int_range (run->rand, 0, 150) == 0 ? (gint64) uniform (run, 150000, 400000)
                                                          : (gint64) uniform (run, 200, 1000);
      else
        cpu_us = (gint64) uniform (run, 10000, 40000);
    }
  if (cpu_us > 0)
    {
      /* Pool threads share the simulated GIL: part of each stage is a wait. */
      e->terminal.gil_wait_us = e->kind == EXEC_POOL ? (gint64) (cpu_us * uniform (run, 0.3,
                                                                                   0.7)) : 0;
      e->terminal.t_cpu_start = e->terminal.t_done;
      e->terminal.t_cpu_end = e->terminal.t_done + cpu_us + e->terminal.gil_wait_us;
    }

  e->state = STATE_RUNNING;
  e->next = e->terminal.t_done;
}

/* The transfer is over. On the loop, nothing happens while its thread is
 * in another slot's CPU stage: the transfer waits for it. */
static void
end_transfer (Run      *run,
              Executor *e)
{
  if (e->kind == EXEC_LOOP_SLOT && e->next < run->loop_busy_until)
    {
      gint64 shift = run->loop_busy_until - e->next;

      e->terminal.t_done += shift;
      if (e->terminal.t_cpu_start > 0)
        {
          e->terminal.t_cpu_start += shift;
          e->terminal.t_cpu_end += shift;
        }
      e->next = e->terminal.t_done;
      return;
    }

  if (e->kind == EXEC_LOOP_SLOT && e->terminal.t_cpu_end > 0)
    run->loop_busy_until = MAX (run->loop_busy_until, e->terminal.t_cpu_end);

  e->state = STATE_COMPUTING;
  e->next = MAX (e->terminal.t_done, e->terminal.t_cpu_end);
}

static void
sample (Run *run)
{
  double done = (double) run->n_jobs;
  FsEvent event;

  for (guint p = 0; p <= N_WORKERS; p++)
    {
      double mb = p == 0 ? 80 + MIN (done / 2000, 120) : 30 + p * 4 + MIN (done / 20000, 10);

      memset (&event, 0, sizeof event);
      event.kind = FS_EVENT_SAMPLE;
      event.t_done = run->next_sample;
      event.sample.pid = p == 0 ? APP_PID : APP_PID + 1000 + (gint32) p;
      event.sample.rss_bytes = (guint64) ((mb + uniform (run, 0, 3)) * 1e6);
      event.sample.cpu_us = (gint64) done * 100;
      event.sample.loop_lag_us = -1;
      emit (run, &event);
    }

  run->next_sample += SAMPLE_US;
}

guint64
fs_test_charts_feed (FsAggregator *aggregator,
                     FsSwimlane   *swimlane,
                     guint64       n_events,
                     guint32       seed)
{
  return fs_test_charts_feed_full (aggregator, swimlane, NULL, n_events, seed);
}

guint64
fs_test_charts_feed_full (FsAggregator *aggregator,
                          FsSwimlane   *swimlane,
                          FsRecordLog  *records,
                          guint64       n_events,
                          guint32       seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree Run *run = g_new0 (Run, 1);

  g_return_val_if_fail (aggregator != NULL, 0);

  run->aggregator = aggregator;
  run->swimlane = swimlane;
  run->records = records;
  run->rand = rand;
  run->n_events = n_events;
  /* Five samples every 250 ms at about 350 requests a second. */
  run->expected_jobs = n_events / 2 * 350 / (350 + 10);
  run->next_sample = FS_TEST_CHARTS_T0;

  for (guint i = 0; i < N_EXEC; i++)
    {
      Executor *e = &run->exec[i];

      e->state = STATE_IDLE;
      e->next = FS_TEST_CHARTS_T0 + i * 500;
      if (i < N_SLOTS)
        {
          e->kind = EXEC_LOOP_SLOT;
          e->lane = (FsLane) { .index = 0, .slot = i, .pid = APP_PID, .tid = APP_PID + 1 };
        }
      else if (i < N_SLOTS + N_POOL)
        {
          e->kind = EXEC_POOL;
          e->lane = (FsLane) { .index = i - N_SLOTS, .pid = APP_PID, .tid = APP_PID + 10 + i };
        }
      else
        {
          guint w = i - N_SLOTS - N_POOL;

          e->kind = EXEC_WORKER;
          e->lane = (FsLane) { .index = w, .pid = APP_PID + 1001 + w, .tid = APP_PID + 1001 + w };
        }
    }

  for (;;)
    {
      Executor *e = NULL;
      gboolean may_start = run->emitted + 2 + run->n_running * 2 <= n_events;

      for (guint i = 0; i < N_EXEC; i++)
        {
          Executor *candidate = &run->exec[i];

          if (candidate->state == STATE_IDLE && !may_start)
            continue;
          if (e == NULL || candidate->next < e->next)
            e = candidate;
        }

      if (e == NULL)
        break;

      if (run->next_sample <= e->next && run->emitted + N_WORKERS + 1 <= n_events)
        {
          sample (run);
          continue;
        }

      switch (e->state)
        {
        case STATE_IDLE:
          if (e->kind == EXEC_LOOP_SLOT && e->next < run->loop_busy_until)
            e->next = run->loop_busy_until;
          else
            start_job (run, e);
          break;

        case STATE_RUNNING:
          end_transfer (run, e);
          break;

        case STATE_COMPUTING:
          emit (run, &e->terminal);
          run->n_running--;
          e->state = STATE_IDLE;
          e->next += (gint64) uniform (run, 50, 1000);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return run->emitted;
}

void
fs_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

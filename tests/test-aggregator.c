/* test-aggregator.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fs-aggregator.h"
#include "fs-job-queue.h"

/* Far from 0, which means "did not happen" in an FsEvent. */
#define T0 G_GINT64_CONSTANT (1000000000)

static const FsLane default_lane = { .index = 0, .slot = 0, .pid = 100, .tid = 101 };

static void
make_start (FsEvent      *event,
            guint64       job_id,
            const FsLane *lane,
            gint64        t_started)
{
  FsJob job = { .id = job_id, .url_index = job_id, .t_queued = t_started };

  fs_event_init_start (event, &job, FS_STRATEGY_LOOP, lane ? lane : &default_lane, t_started);
}

static void
make_terminal (FsEvent      *event,
               guint64       job_id,
               const FsLane *lane,
               FsOutcome     outcome,
               gint64        t_started,
               gint64        t_done,
               guint64       bytes)
{
  FsJob job = { .id = job_id, .url_index = job_id, .t_queued = t_started };

  fs_event_init_terminal (event, &job, FS_STRATEGY_LOOP, lane ? lane : &default_lane);
  event->outcome = outcome;
  event->t_started = t_started;
  event->t_done = t_done;
  event->bytes = bytes;
}

static void
add_start (FsAggregator *aggregator,
           guint64       job_id,
           const FsLane *lane,
           gint64        t_started)
{
  FsEvent event;

  make_start (&event, job_id, lane, t_started);
  fs_aggregator_add (aggregator, &event);
}

static void
add_terminal (FsAggregator *aggregator,
              guint64       job_id,
              const FsLane *lane,
              FsOutcome     outcome,
              gint64        t_started,
              gint64        t_done,
              guint64       bytes)
{
  FsEvent event;

  make_terminal (&event, job_id, lane, outcome, t_started, t_done, bytes);
  fs_aggregator_add (aggregator, &event);
}

static void
add_job (FsAggregator *aggregator,
         guint64       job_id,
         const FsLane *lane,
         FsOutcome     outcome,
         gint64        t_started,
         gint64        t_done)
{
  add_start (aggregator, job_id, lane, t_started);
  add_terminal (aggregator, job_id, lane, outcome, t_started, t_done, 100);
}

static void
add_sample (FsAggregator *aggregator,
            gint32        pid,
            guint64       rss_bytes,
            gint64        cpu_us,
            gint64        loop_lag_us)
{
  FsEvent event;

  memset (&event, 0, sizeof event);
  event.kind = FS_EVENT_SAMPLE;
  event.sample.pid = pid;
  event.sample.rss_bytes = rss_bytes;
  event.sample.cpu_us = cpu_us;
  event.sample.loop_lag_us = loop_lag_us;
  fs_aggregator_add (aggregator, &event);
}

static void
add_timed_sample (FsAggregator *aggregator,
                  gint32        pid,
                  guint64       rss_bytes,
                  gint64        t)
{
  FsEvent event;

  memset (&event, 0, sizeof event);
  event.kind = FS_EVENT_SAMPLE;
  event.t_done = t;
  event.sample.pid = pid;
  event.sample.rss_bytes = rss_bytes;
  event.sample.loop_lag_us = -1;
  fs_aggregator_add (aggregator, &event);
}

static guint64
sum_bucket_completed (FsAggregator *aggregator)
{
  guint64 sum = 0;

  for (guint i = 0; i < fs_aggregator_get_n_buckets (aggregator); i++)
    sum += fs_aggregator_get_bucket (aggregator, i)->completed;

  return sum;
}

static void
test_empty (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                                          FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  FsSummary summary;

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, 0);
  g_assert_cmpuint (summary.started, ==, 0);
  g_assert_cmpint (summary.t_first, ==, 0);
  g_assert_cmpint (summary.t_last, ==, 0);
  g_assert_cmpfloat (summary.wall_s, ==, 0.0);
  g_assert_cmpfloat (summary.rps, ==, 0.0);
  g_assert_cmpfloat (summary.latency_ms_p50, ==, 0.0);
  g_assert_cmpfloat (summary.latency_ms_max, ==, 0.0);
  g_assert_cmpuint (summary.peak_rss_bytes, ==, 0);
  g_assert_cmpint (summary.loop_lag_max_us, ==, -1);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 0);
  g_assert_cmpuint (fs_aggregator_get_n_lanes (aggregator), ==, 0);
  g_assert_cmpint (fs_aggregator_get_bucket_us (aggregator), ==, FS_AGGREGATOR_DEFAULT_BUCKET_US);
  g_assert_cmpuint (fs_histogram_get_count (fs_aggregator_get_latency (aggregator)), ==, 0);
}

static void
test_outcomes (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  guint64 expected[FS_N_OUTCOMES] = { 0 };
  guint64 sum = 0;
  FsSummary summary;

  for (guint i = 0; i < 600; i++)
    {
      FsOutcome outcome = i % 7 == 0 ? FS_OUTCOME_TIMEOUT : i % FS_N_OUTCOMES;

      add_job (aggregator, i, NULL, outcome, T0 + i * 100, T0 + i * 100 + 50);
      expected[outcome]++;
    }

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, 600);
  g_assert_cmpuint (summary.started, ==, 600);
  g_assert_cmpuint (summary.in_flight, ==, 0);
  g_assert_cmpuint (summary.bytes, ==, 600 * 100);
  for (guint i = 0; i < FS_N_OUTCOMES; i++)
    {
      g_assert_cmpuint (summary.outcomes[i], ==, expected[i]);
      sum += summary.outcomes[i];
    }
  g_assert_cmpuint (sum, ==, summary.total);
  g_assert_cmpuint (sum_bucket_completed (aggregator), ==, summary.total);

  /* Cancelled and lost jobs stay out of the latency. */
  g_assert_cmpuint (fs_histogram_get_count (fs_aggregator_get_latency (aggregator)), ==,
                    600 - expected[FS_OUTCOME_CANCELLED] - expected[FS_OUTCOME_WORKER_LOST]);
}

static void
test_terminal_without_start (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  const FsHistogram *latency = fs_aggregator_get_latency (aggregator);
  FsSummary summary;

  /* Three running, then one cancelled while still queued. */
  add_start (aggregator, 1, NULL, T0);
  add_start (aggregator, 2, NULL, T0 + 10);
  add_start (aggregator, 3, NULL, T0 + 20);
  add_terminal (aggregator, 4, NULL, FS_OUTCOME_CANCELLED, 0, T0 + 30, 0);

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, 1);
  g_assert_cmpuint (summary.outcomes[FS_OUTCOME_CANCELLED], ==, 1);
  g_assert_cmpuint (summary.started, ==, 3);
  g_assert_cmpuint (summary.in_flight, ==, 3);
  g_assert_cmpuint (fs_histogram_get_count (latency), ==, 0);
  g_assert_cmpuint (fs_aggregator_get_n_lanes (aggregator), ==, 0);

  /* Even an "ok" with no start has no latency to give. */
  add_terminal (aggregator, 5, NULL, FS_OUTCOME_OK, 0, T0 + 40, 10);
  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, 2);
  g_assert_cmpuint (summary.in_flight, ==, 3);
  g_assert_cmpuint (summary.bytes, ==, 10);
  g_assert_cmpuint (fs_histogram_get_count (latency), ==, 0);
  g_assert_cmpfloat (summary.latency_ms_max, ==, 0.0);

  /* A running job that is cancelled leaves flight but adds no latency. */
  add_terminal (aggregator, 1, NULL, FS_OUTCOME_CANCELLED, T0, T0 + 500, 0);
  add_terminal (aggregator, 2, NULL, FS_OUTCOME_OK, T0 + 10, T0 + 2010, 0);
  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, 4);
  g_assert_cmpuint (summary.in_flight, ==, 1);
  g_assert_cmpuint (fs_histogram_get_count (latency), ==, 1);
  g_assert_cmpuint (fs_histogram_get_max (latency), ==, 2000);
  g_assert_cmpfloat (summary.latency_ms_max, ==, 2.0);
}

static void
test_in_flight (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  FsSummary summary;

  /* Bucket 0: five start. Bucket 1: two end. Bucket 3: one ends. */
  for (guint i = 0; i < 5; i++)
    add_start (aggregator, i, NULL, T0 + i * 100);
  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.in_flight, ==, 5);

  add_terminal (aggregator, 0, NULL, FS_OUTCOME_OK, T0, T0 + 1100, 0);
  add_terminal (aggregator, 1, NULL, FS_OUTCOME_OK, T0 + 100, T0 + 1200, 0);
  add_terminal (aggregator, 2, NULL, FS_OUTCOME_OK, T0 + 200, T0 + 3500, 0);
  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.in_flight, ==, 2);
  g_assert_cmpuint (summary.started, ==, 5);
  g_assert_cmpuint (summary.total, ==, 3);

  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 4);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 0)->started, ==, 5);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 0)->in_flight_max, ==, 5);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 1)->in_flight_max, ==, 5);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 1)->completed, ==, 2);
  /* Nothing happened in bucket 2, but three requests ran through it. */
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 2)->in_flight_max, ==, 3);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 2)->completed, ==, 0);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 3)->in_flight_max, ==, 3);

  /* A terminal for a start the aggregator never saw cannot go below zero. */
  add_terminal (aggregator, 3, NULL, FS_OUTCOME_OK, T0 + 300, T0 + 3600, 0);
  add_terminal (aggregator, 4, NULL, FS_OUTCOME_OK, T0 + 400, T0 + 3700, 0);
  add_terminal (aggregator, 9, NULL, FS_OUTCOME_OK, T0 + 400, T0 + 3800, 0);
  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.in_flight, ==, 0);
  g_assert_cmpuint (summary.total, ==, 6);
}

static void
test_summary (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  const FsHistogram *latency = fs_aggregator_get_latency (aggregator);
  FsSummary summary;
  guint64 latency_sum = 0;

  /* Latencies 1 ms .. 1000 ms, all starting at T0 + i. */
  for (guint i = 1; i <= 1000; i++)
    {
      add_job (aggregator, i, NULL, FS_OUTCOME_OK, T0 + i, T0 + i + i * 1000);
      latency_sum += i * 1000;
    }

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (fs_histogram_get_count (latency), ==, 1000);
  g_assert_cmpfloat (summary.latency_ms_p50, ==, fs_histogram_quantile (latency, 0.5) / 1000.0);
  g_assert_cmpfloat (summary.latency_ms_p90, ==, fs_histogram_quantile (latency, 0.9) / 1000.0);
  g_assert_cmpfloat (summary.latency_ms_p99, ==, fs_histogram_quantile (latency, 0.99) / 1000.0);
  g_assert_cmpfloat (summary.latency_ms_p999, ==, fs_histogram_quantile (latency, 0.999) / 1000.0);
  g_assert_cmpfloat (summary.latency_ms_max, ==, 1000.0);
  g_assert_cmpfloat_with_epsilon (summary.latency_ms_mean, latency_sum / 1000.0 / 1000.0, 1e-9);

  /* Nearest rank: p50 is the 500th of 1000, p99 the 990th, within 1 %. */
  g_assert_cmpfloat_with_epsilon (summary.latency_ms_p50, 500.0, 5.0);
  g_assert_cmpfloat_with_epsilon (summary.latency_ms_p90, 900.0, 9.0);
  g_assert_cmpfloat_with_epsilon (summary.latency_ms_p99, 990.0, 9.9);
  g_assert_cmpfloat_with_epsilon (summary.latency_ms_p999, 999.0, 9.99);

  /* From the first start to the last end: T0 + 1 to T0 + 1000 + 1000000. */
  g_assert_cmpint (summary.t_first, ==, T0 + 1);
  g_assert_cmpint (summary.t_last, ==, T0 + 1001000);
  g_assert_cmpfloat_with_epsilon (summary.wall_s, 1.000999, 1e-9);
  g_assert_cmpfloat_with_epsilon (summary.rps, 1000 / 1.000999, 1e-6);
}

static void
test_bucket_placement (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 10);
  const FsBucket *bucket;

  add_job (aggregator, 1, NULL, FS_OUTCOME_OK, T0, T0 + 999);
  add_job (aggregator, 2, NULL, FS_OUTCOME_HTTP_ERROR, T0 + 1000, T0 + 5500);
  add_job (aggregator, 3, NULL, FS_OUTCOME_OK, T0 + 1999, T0 + 2000);
  /* Before the anchor: bucket 0. */
  add_job (aggregator, 4, NULL, FS_OUTCOME_OK, T0 - 5000, T0 - 4000);

  g_assert_cmpint (fs_aggregator_get_bucket_us (aggregator), ==, 1000);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (fs_aggregator_get_bucket (aggregator, i)->t_start, ==, T0 + i * 1000);

  bucket = fs_aggregator_get_bucket (aggregator, 0);
  g_assert_cmpuint (bucket->started, ==, 2);
  g_assert_cmpuint (bucket->completed, ==, 2);
  g_assert_cmpuint (bucket->outcomes[FS_OUTCOME_OK], ==, 2);
  g_assert_cmpint (bucket->latency_sum_us, ==, 999 + 1000);
  g_assert_cmpint (bucket->latency_max_us, ==, 1000);
  g_assert_cmpuint (bucket->bytes, ==, 200);

  bucket = fs_aggregator_get_bucket (aggregator, 1);
  g_assert_cmpuint (bucket->started, ==, 2);
  g_assert_cmpuint (bucket->completed, ==, 0);

  bucket = fs_aggregator_get_bucket (aggregator, 2);
  g_assert_cmpuint (bucket->started, ==, 0);
  g_assert_cmpuint (bucket->completed, ==, 1);
  g_assert_cmpint (bucket->latency_max_us, ==, 1);

  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 3)->completed, ==, 0);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 4)->completed, ==, 0);

  bucket = fs_aggregator_get_bucket (aggregator, 5);
  g_assert_cmpuint (bucket->completed, ==, 1);
  g_assert_cmpuint (bucket->outcomes[FS_OUTCOME_HTTP_ERROR], ==, 1);
  g_assert_cmpint (bucket->latency_sum_us, ==, 4500);
}

static void
test_ring_merge (void)
{
  const gint64 bucket_us = 1000;
  const guint n_buckets = 16;
  const gint64 run_us = 10 * n_buckets * bucket_us;
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (bucket_us, n_buckets);
  guint64 expected_completed[16] = { 0 };
  guint64 expected_started[16] = { 0 };
  guint64 n_jobs = 0;
  gint64 width;
  FsSummary summary;

  for (gint64 t = 0; t < run_us; t += 100)
    {
      add_job (aggregator, n_jobs++, NULL, FS_OUTCOME_OK, T0 + t, T0 + t + 50);

      /* Nothing fits in 16 buckets of 1 ms any more: the width must double. */
      g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), <=, n_buckets);
      g_assert_cmpint ((t + 50) / fs_aggregator_get_bucket_us (aggregator), <, n_buckets);
    }

  /* 160 ms over 16 buckets: 1 ms doubled four times, to 16 ms, is the first
   * width that holds it. */
  width = fs_aggregator_get_bucket_us (aggregator);
  g_assert_cmpint (width, ==, 16 * bucket_us);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 10);

  for (gint64 t = 0; t < run_us; t += 100)
    {
      expected_started[t / width]++;
      expected_completed[(t + 50) / width]++;
    }

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, n_jobs);
  g_assert_cmpuint (sum_bucket_completed (aggregator), ==, n_jobs);

  for (guint i = 0; i < fs_aggregator_get_n_buckets (aggregator); i++)
    {
      const FsBucket *bucket = fs_aggregator_get_bucket (aggregator, i);

      g_assert_cmpint (bucket->t_start, ==, T0 + i * width);
      g_assert_cmpuint (bucket->started, ==, expected_started[i]);
      g_assert_cmpuint (bucket->completed, ==, expected_completed[i]);
      g_assert_cmpuint (bucket->outcomes[FS_OUTCOME_OK], ==, expected_completed[i]);
      g_assert_cmpint (bucket->latency_sum_us, ==, 50 * expected_completed[i]);
      g_assert_cmpint (bucket->latency_max_us, ==, 50);
      g_assert_cmpuint (bucket->in_flight_max, ==, 1);
    }
}

static void
test_lanes (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  FsLane thread_a = { .index = 0, .slot = 0, .pid = 100, .tid = 101 };
  FsLane thread_b = { .index = 1, .slot = 0, .pid = 100, .tid = 102 };
  FsLane loop_slot_3 = { .index = 2, .slot = 3, .pid = 100, .tid = 103 };
  FsLane loop_slot_7 = { .index = 2, .slot = 7, .pid = 100, .tid = 103 };
  gboolean seen[3] = { FALSE, FALSE, FALSE };

  add_job (aggregator, 1, &thread_a, FS_OUTCOME_OK, T0, T0 + 300);
  add_job (aggregator, 2, &thread_a, FS_OUTCOME_TIMEOUT, T0 + 300, T0 + 1300);
  add_job (aggregator, 3, &thread_b, FS_OUTCOME_CANCELLED, T0, T0 + 50);
  add_job (aggregator, 4, &loop_slot_3, FS_OUTCOME_OK, T0, T0 + 200);
  add_job (aggregator, 5, &loop_slot_7, FS_OUTCOME_OK, T0 + 100, T0 + 400);
  /* Never ran: no lane. */
  add_terminal (aggregator, 6, &thread_b, FS_OUTCOME_CANCELLED, 0, T0 + 500, 0);

  g_assert_cmpuint (fs_aggregator_get_n_lanes (aggregator), ==, 3);

  for (guint i = 0; i < fs_aggregator_get_n_lanes (aggregator); i++)
    {
      const FsLaneStats *stats = fs_aggregator_get_lane (aggregator, i);

      g_assert_cmpint (stats->lane.pid, ==, 100);
      g_assert_cmpuint (stats->lane.slot, ==, 0);
      g_assert_cmpuint (stats->lane.index, <, 3);
      g_assert_false (seen[stats->lane.index]);
      seen[stats->lane.index] = TRUE;

      switch (stats->lane.index)
        {
        case 0:
          g_assert_true (stats->is_loop);
          g_assert_cmpint (stats->lane.tid, ==, 101);
          g_assert_cmpint (stats->busy_us, ==, 1300);
          g_assert_cmpuint (stats->completed, ==, 2);
          break;

        case 1:
          g_assert_cmpint (stats->lane.tid, ==, 102);
          g_assert_cmpint (stats->busy_us, ==, 50);
          g_assert_cmpuint (stats->completed, ==, 1);
          break;

        case 2:
          /* Two overlapping transfers on one loop thread. */
          g_assert_cmpint (stats->lane.tid, ==, 103);
          g_assert_cmpint (stats->busy_us, ==, 200 + 300);
          g_assert_cmpuint (stats->completed, ==, 2);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static void
test_samples (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  FsSummary summary;

  /* Sums over time: 100, 300, 500, 350, 350. The peak of the sum is 500,
   * not the sum of the peaks (300 + 200). */
  add_sample (aggregator, 10, 100, 1000000, -1);
  add_sample (aggregator, 20, 200, 500000, 300);
  add_sample (aggregator, 10, 300, 2000000, -1);
  add_sample (aggregator, 20, 50, 500000, 200);
  /* No process: only the loop lag counts. */
  add_sample (aggregator, 0, 1000000, 1000000, 250);

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.peak_rss_bytes, ==, 500);
  g_assert_cmpfloat_with_epsilon (summary.cpu_s, 2.5, 1e-9);
  g_assert_cmpint (summary.loop_lag_max_us, ==, 300);
  g_assert_cmpuint (summary.total, ==, 0);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 0);

  add_sample (aggregator, 30, 400, 0, -1);
  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.peak_rss_bytes, ==, 750);
}

static void
test_add_many (void)
{
  g_autoptr(FsAggregator) one = fs_aggregator_new (1000, 100);
  g_autoptr(FsAggregator) many = fs_aggregator_new (1000, 100);
  g_autofree FsEvent *events = g_new0 (FsEvent, 200);
  FsSummary summary_one;
  FsSummary summary_many;

  for (guint i = 0; i < 100; i++)
    {
      make_start (&events[2 * i], i, NULL, T0 + i * 37);
      make_terminal (&events[2 * i + 1], i, NULL, i % FS_N_OUTCOMES,
                     T0 + i * 37, T0 + i * 37 + i * 11, i);
      fs_aggregator_add (one, &events[2 * i]);
      fs_aggregator_add (one, &events[2 * i + 1]);
    }
  fs_aggregator_add_many (many, events, 200);
  fs_aggregator_add_many (many, NULL, 0);

  fs_aggregator_get_summary (one, &summary_one);
  fs_aggregator_get_summary (many, &summary_many);
  g_assert_cmpmem (&summary_one, sizeof summary_one, &summary_many, sizeof summary_many);
  g_assert_cmpuint (summary_many.total, ==, 100);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (one), ==, fs_aggregator_get_n_buckets (many));
}

/* A million records from 8 threads × 64 transfer slots over an hour: lanes and
 * buckets are bounded by executors and the ring, not by requests. */
static void
test_bounded (void)
{
  const guint n_jobs = 500000;
  const gint64 run_us = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                                          FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  guint64 lane_completed = 0;
  FsSummary summary;

  for (guint i = 0; i < n_jobs; i++)
    {
      FsLane lane = { .index = i % 8, .slot = i % 64, .pid = 4242, .tid = 5000 + i % 8 };
      gint64 t_started = T0 + (gint64) i * (run_us / n_jobs);
      gint64 t_done = t_started + g_rand_int_range (rand, 1000, 2000000);

      add_job (aggregator, i, &lane, FS_OUTCOME_OK, t_started, t_done);

      if (i % 50000 == 0)
        {
          g_assert_cmpuint (fs_aggregator_get_n_lanes (aggregator), <=, 8);
          g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), <=,
                            FS_AGGREGATOR_DEFAULT_N_BUCKETS);
        }
    }

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.total, ==, n_jobs);
  g_assert_cmpuint (summary.started, ==, n_jobs);
  g_assert_cmpuint (summary.in_flight, ==, 0);
  g_assert_cmpuint (fs_aggregator_get_n_lanes (aggregator), ==, 8);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), <=, FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  g_assert_cmpuint (sum_bucket_completed (aggregator), ==, n_jobs);
  g_assert_cmpuint (fs_histogram_get_n_bins (fs_aggregator_get_latency (aggregator)), <=,
                    FS_HISTOGRAM_N_BINS);

  /* An hour in 1200 buckets of 100 ms × 2^n: 100 ms × 32 = 3.2 s is the first
   * width that holds 3600 s. */
  g_assert_cmpint (fs_aggregator_get_bucket_us (aggregator), ==, 32 * FS_AGGREGATOR_DEFAULT_BUCKET_US);

  for (guint i = 0; i < fs_aggregator_get_n_lanes (aggregator); i++)
    lane_completed += fs_aggregator_get_lane (aggregator, i)->completed;
  g_assert_cmpuint (lane_completed, ==, n_jobs);
}

static void
test_latency_bins (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (G_USEC_PER_SEC * 10, 100);
  const FsBucket *bucket;
  const double q[] = { 0.5, 0.9, 0.99 };
  const double exact[] = { 500000, 900000, 990000 };
  guint32 empty[FS_BUCKET_LATENCY_BINS] = { 0 };

  g_assert_cmpuint (fs_bucket_latency_bin (0), ==, 0);
  g_assert_cmpuint (fs_bucket_latency_bin (1), ==, 0);
  g_assert_cmpuint (fs_bucket_latency_bin (9), ==, 7);
  g_assert_cmpuint (fs_bucket_latency_bin (10), ==, 8);
  g_assert_cmpuint (fs_bucket_latency_bin (999), ==, 23);
  g_assert_cmpuint (fs_bucket_latency_bin (1000), ==, 24);
  g_assert_cmpuint (fs_bucket_latency_bin (G_USEC_PER_SEC), ==, 48);
  g_assert_cmpuint (fs_bucket_latency_bin (99999999), ==, 63);
  g_assert_cmpuint (fs_bucket_latency_bin (100000000), ==, 63);
  g_assert_cmpuint (fs_bucket_latency_bin (G_MAXINT64), ==, 63);
  g_assert_cmpfloat_with_epsilon (fs_bucket_latency_bin_lower (24), 1000.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fs_bucket_latency_bin_lower (FS_BUCKET_LATENCY_BINS),
                                  1e8, 1e-3);
  g_assert_cmpfloat (fs_bucket_bins_quantile (empty, 0.5), ==, 0.0);

  /* Latencies 1 ms .. 1000 ms in one bucket, and a cancelled one that does
   * not count. */
  for (guint i = 1; i <= 1000; i++)
    add_job (aggregator, i, NULL, FS_OUTCOME_OK, T0 + i, T0 + i + i * 1000);
  add_job (aggregator, 1001, NULL, FS_OUTCOME_CANCELLED, T0, T0 + 5000000);

  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 1);
  bucket = fs_aggregator_get_bucket (aggregator, 0);
  g_assert_cmpuint (fs_bucket_bins_count (bucket->latency_bins), ==, 1000);
  g_assert_cmpuint (bucket->latency_bins[fs_bucket_latency_bin (1000)], ==, 1);

  /* Within a bin (a factor of 10^(1/8)) of the exact rank. */
  for (guint i = 0; i < G_N_ELEMENTS (q); i++)
    {
      double value = fs_bucket_latency_quantile (bucket, q[i]);

      g_assert_cmpfloat (fabs (log10 (value / exact[i])), <=, 1.0 / FS_BUCKET_LATENCY_BINS_PER_DECADE);
    }
  g_assert_cmpfloat (fs_bucket_latency_quantile (bucket, 1.0), <=, bucket->latency_max_us);
  g_assert_cmpfloat (fs_bucket_latency_quantile (bucket, 0.5), <,
                     fs_bucket_latency_quantile (bucket, 0.9));
}

/* The nearest-rank value of @q in @bins, counted out here. */
static double
reference_quantile (const guint32 *bins,
                    double         q)
{
  guint64 count = 0;
  guint64 rank;
  guint64 below = 0;

  for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
    count += bins[i];
  if (count == 0)
    return 0.0;

  rank = (guint64) ceil (CLAMP (q, 0.0, 1.0) * count - 1e-9);
  rank = CLAMP (rank, 1, count);
  for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
    {
      if (bins[i] > 0 && below + bins[i] >= rank)
        return pow (10.0, (i + (rank - below - 0.5) / bins[i]) / FS_BUCKET_LATENCY_BINS_PER_DECADE);
      below += bins[i];
    }

  g_assert_not_reached ();
}

/* Several quantiles in one pass are each the one asked for alone, on
 * sparse and full bins, with quantiles equal, at 0 and at 1. */
static void
test_latency_quantiles (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (21);
  const double q[] = { 0.0, 0.1, 0.5, 0.5, 0.9, 0.99, 0.999, 1.0 };
  double values[G_N_ELEMENTS (q)];

  for (guint round = 0; round < 2000; round++)
    {
      guint32 bins[FS_BUCKET_LATENCY_BINS] = { 0 };
      guint n_filled = g_rand_int_range (rand, 0, 6) == 0 ? 0 : g_rand_int_range (rand, 1, 65);
      guint64 count = 0;

      for (guint i = 0; i < n_filled; i++)
        bins[g_rand_int_range (rand, 0, FS_BUCKET_LATENCY_BINS)] += g_rand_int_range (rand, 1, 5000);
      for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
        count += bins[i];

      g_assert_cmpuint (fs_bucket_bins_quantiles (bins, q, G_N_ELEMENTS (q), values), ==, count);
      for (guint k = 0; k < G_N_ELEMENTS (q); k++)
        {
          g_assert_cmpfloat (values[k], ==, reference_quantile (bins, q[k]));
          g_assert_cmpfloat (values[k], ==, fs_bucket_bins_quantile (bins, q[k]));
        }
    }
}

/* Merging buckets adds their bins: nothing is lost as the ring halves. */
static void
test_latency_bins_merge (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 8);
  guint64 sum = 0;

  for (guint i = 0; i < 500; i++)
    add_job (aggregator, i, NULL, FS_OUTCOME_OK, T0 + i * 100, T0 + i * 100 + 10 + i);

  for (guint i = 0; i < fs_aggregator_get_n_buckets (aggregator); i++)
    sum += fs_bucket_bins_count (fs_aggregator_get_bucket (aggregator, i)->latency_bins);
  g_assert_cmpint (fs_aggregator_get_bucket_us (aggregator), >, 1000);
  g_assert_cmpuint (sum, ==, 500);
}

static void
test_memory_series (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  FsSummary summary;

  g_assert_cmpuint (fs_aggregator_get_n_processes (aggregator), ==, 0);

  add_timed_sample (aggregator, 10, 100, T0);
  add_timed_sample (aggregator, 20, 200, T0 + 500);
  add_timed_sample (aggregator, 10, 300, T0 + 1500);
  add_timed_sample (aggregator, 10, 150, T0 + 1700);
  add_timed_sample (aggregator, 20, 50, T0 + 3500);

  g_assert_cmpuint (fs_aggregator_get_n_processes (aggregator), ==, 2);
  g_assert_cmpint (fs_aggregator_get_process_pid (aggregator, 0), ==, 10);
  g_assert_cmpint (fs_aggregator_get_process_pid (aggregator, 1), ==, 20);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 4);

  /* The highest value in each bucket; a bucket with no sample of a process
   * keeps the level it had. */
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 0, 0), ==, 100);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 0, 1), ==, 200);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 1, 0), ==, 300);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 1, 1), ==, 200);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 2, 0), ==, 150);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 2, 1), ==, 200);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 3, 0), ==, 150);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 3, 1), ==, 200);
  g_assert_cmpuint (fs_aggregator_get_bucket (aggregator, 3)->rss_bytes[1], ==, 200);

  /* A later bucket starts at the current level: 150 + 50. */
  add_job (aggregator, 1, NULL, FS_OUTCOME_OK, T0 + 4100, T0 + 4200);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 4, 0), ==, 150);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 4, 1), ==, 50);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 4, 2), ==, 0);

  fs_aggregator_get_summary (aggregator, &summary);
  g_assert_cmpuint (summary.peak_rss_bytes, ==, 500);
}

/* Crawl progress over time: the highest levels in each bucket, carried
 * into buckets with no reading, kept when buckets merge. */
static void
test_crawl_series (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 4);
  const FsBucket *bucket;

  fs_aggregator_add_crawl (aggregator, T0, 1, 1, 1);
  fs_aggregator_add_crawl (aggregator, T0 + 400, 5, 4, 4);
  fs_aggregator_add_crawl (aggregator, T0 + 800, 6, 2, 2);
  fs_aggregator_add_crawl (aggregator, T0 + 2500, 9, 0, 0);

  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 3);
  bucket = fs_aggregator_get_bucket (aggregator, 0);
  g_assert_cmpuint (bucket->crawl_visited, ==, 6);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 4);
  bucket = fs_aggregator_get_bucket (aggregator, 1);
  g_assert_cmpuint (bucket->crawl_visited, ==, 6);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 2);
  bucket = fs_aggregator_get_bucket (aggregator, 2);
  g_assert_cmpuint (bucket->crawl_visited, ==, 9);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 2);

  /* A saved run keeps them. */
  {
    g_autoptr(JsonNode) node = fs_aggregator_to_json (aggregator);
    g_autoptr(FsAggregator) loaded = fs_aggregator_new_from_json (node, NULL);

    g_assert_nonnull (loaded);
    for (guint i = 0; i < fs_aggregator_get_n_buckets (aggregator); i++)
      {
        g_assert_cmpuint (fs_aggregator_get_bucket (loaded, i)->crawl_visited, ==,
                          fs_aggregator_get_bucket (aggregator, i)->crawl_visited);
        g_assert_cmpuint (fs_aggregator_get_bucket (loaded, i)->crawl_frontier, ==,
                          fs_aggregator_get_bucket (aggregator, i)->crawl_frontier);
      }
  }

  /* Past the ring: pairs merge, keeping the higher levels. */
  add_job (aggregator, 1, NULL, FS_OUTCOME_OK, T0 + 4100, T0 + 4200);
  g_assert_cmpint (fs_aggregator_get_bucket_us (aggregator), ==, 2000);
  bucket = fs_aggregator_get_bucket (aggregator, 0);
  g_assert_cmpuint (bucket->crawl_visited, ==, 6);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 4);
  bucket = fs_aggregator_get_bucket (aggregator, 2);
  g_assert_cmpuint (bucket->crawl_visited, ==, 9);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 0);
}

static void
test_memory_cap_and_merge (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 4);
  guint last = FS_AGGREGATOR_MAX_PROCESSES - 1;
  guint n;

  /* Twenty processes at 10 bytes each: the last slot sums the last five. */
  for (guint i = 0; i < 20; i++)
    add_timed_sample (aggregator, 100 + i, 10, T0 + i);

  g_assert_cmpuint (fs_aggregator_get_n_processes (aggregator), ==, FS_AGGREGATOR_MAX_PROCESSES);
  g_assert_cmpint (fs_aggregator_get_process_pid (aggregator, last - 1), ==, 100 + last - 1);
  g_assert_cmpint (fs_aggregator_get_process_pid (aggregator, last), ==, 0);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 0, 0), ==, 10);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 0, last), ==, 5 * 10);

  /* A peak in an early bucket survives the ring halving. */
  add_timed_sample (aggregator, 100, 1000, T0 + 1500);
  add_timed_sample (aggregator, 100, 20, T0 + 1600);
  add_timed_sample (aggregator, 100, 30, T0 + 9000);
  g_assert_cmpint (fs_aggregator_get_bucket_us (aggregator), ==, 4000);
  n = fs_aggregator_get_n_buckets (aggregator);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 0, 0), ==, 1000);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 1, 0), ==, 20);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 2, 0), ==, 30);
  g_assert_cmpuint (fs_aggregator_get_bucket_rss (aggregator, 2, last), ==, 5 * 10);
}

static void
test_lane_cpu (void)
{
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (1000, 100);
  const FsLaneStats *stats;
  FsEvent event;

  add_start (aggregator, 1, NULL, T0);
  make_terminal (&event, 1, NULL, FS_OUTCOME_OK, T0, T0 + 1000, 10);
  event.t_cpu_start = T0 + 1000;
  event.t_cpu_end = T0 + 3000;
  event.gil_wait_us = 500;
  event.strategy = FS_STRATEGY_THREADS;
  fs_aggregator_add (aggregator, &event);
  g_assert_false (fs_aggregator_get_lane (aggregator, 0)->is_loop);
  /* The same executor running a loop's transfer: a loop. */
  add_job (aggregator, 2, NULL, FS_OUTCOME_OK, T0 + 3000, T0 + 4000);
  g_assert_true (fs_aggregator_get_lane (aggregator, 0)->is_loop);

  g_assert_cmpuint (fs_aggregator_get_n_lanes (aggregator), ==, 1);
  stats = fs_aggregator_get_lane (aggregator, 0);
  g_assert_cmpint (stats->busy_us, ==, 2000);
  g_assert_cmpint (stats->cpu_us, ==, 2000);
  g_assert_cmpint (stats->gil_wait_us, ==, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Aggregator/empty", test_empty);
  g_test_add_func ("/Fetchscope/Aggregator/outcomes", test_outcomes);
  g_test_add_func ("/Fetchscope/Aggregator/terminal-without-start", test_terminal_without_start);
  g_test_add_func ("/Fetchscope/Aggregator/in-flight", test_in_flight);
  g_test_add_func ("/Fetchscope/Aggregator/summary", test_summary);
  g_test_add_func ("/Fetchscope/Aggregator/bucket-placement", test_bucket_placement);
  g_test_add_func ("/Fetchscope/Aggregator/ring-merge", test_ring_merge);
  g_test_add_func ("/Fetchscope/Aggregator/lanes", test_lanes);
  g_test_add_func ("/Fetchscope/Aggregator/samples", test_samples);
  g_test_add_func ("/Fetchscope/Aggregator/add-many", test_add_many);
  g_test_add_func ("/Fetchscope/Aggregator/bounded", test_bounded);
  g_test_add_func ("/Fetchscope/Aggregator/latency-quantiles", test_latency_quantiles);
  g_test_add_func ("/Fetchscope/Aggregator/latency-bins", test_latency_bins);
  g_test_add_func ("/Fetchscope/Aggregator/latency-bins-merge", test_latency_bins_merge);
  g_test_add_func ("/Fetchscope/Aggregator/memory-series", test_memory_series);
  g_test_add_func ("/Fetchscope/Aggregator/memory-cap-and-merge", test_memory_cap_and_merge);
  g_test_add_func ("/Fetchscope/Aggregator/crawl-series", test_crawl_series);
  g_test_add_func ("/Fetchscope/Aggregator/lane-cpu", test_lane_cpu);

  return g_test_run ();
}

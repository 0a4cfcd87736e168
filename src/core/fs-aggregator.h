/* fs-aggregator.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Folds records into bounded aggregates: a latency histogram, counts by
 * outcome, time buckets (100 ms by default) of completions, errors, bytes,
 * in-flight count and latency, busy time per lane, and per-process memory.
 * Its memory does not grow with the number of requests: when a run outlives
 * the bucket ring, neighbouring buckets are merged and the width doubles.
 *
 * Threading: not thread-safe; fed by the sink's consumer context only.
 */

#pragma once

#include <glib.h>

#include "fs-event.h"
#include "fs-histogram.h"

G_BEGIN_DECLS

#define FS_AGGREGATOR_DEFAULT_BUCKET_US  (100 * 1000)
#define FS_AGGREGATOR_DEFAULT_N_BUCKETS  1200

typedef struct
{
  gint64  t_start;                   /* monotonic µs of the bucket's start */
  guint32 started;
  guint32 completed;                 /* terminal records ending in it */
  guint32 outcomes[FS_N_OUTCOMES];
  guint64 bytes;
  gint64  latency_sum_us;
  gint64  latency_max_us;
  guint32 in_flight_max;
} FsBucket;

typedef struct
{
  FsLane  lane;
  gint64  busy_us;                   /* sum of (done - started) */
  guint64 completed;
} FsLaneStats;

struct _FsSummary
{
  guint64 total;                     /* terminal records */
  guint64 outcomes[FS_N_OUTCOMES];
  guint64 started;
  guint64 in_flight;
  guint64 bytes;
  gint64  t_first;                   /* first start, monotonic µs, 0 if none */
  gint64  t_last;                    /* last terminal */
  double  wall_s;                    /* t_last - t_first */
  double  rps;                       /* total / wall_s */
  double  latency_ms_p50;
  double  latency_ms_p90;
  double  latency_ms_p99;
  double  latency_ms_p999;
  double  latency_ms_max;
  double  latency_ms_mean;
  guint64 peak_rss_bytes;            /* peak of the sum over sampled processes */
  double  cpu_s;                     /* CPU time of sampled processes */
  gint64  loop_lag_max_us;
};

FsAggregator      *fs_aggregator_new           (gint64              bucket_us,
                                                guint               n_buckets);
void               fs_aggregator_free          (FsAggregator       *self);
void               fs_aggregator_add           (FsAggregator       *self,
                                                const FsEvent      *event);
void               fs_aggregator_add_many      (FsAggregator       *self,
                                                const FsEvent      *events,
                                                guint               n_events);
void               fs_aggregator_get_summary   (FsAggregator       *self,
                                                FsSummary          *summary);
const FsHistogram *fs_aggregator_get_latency   (FsAggregator       *self);
gint64             fs_aggregator_get_bucket_us (FsAggregator       *self);
guint              fs_aggregator_get_n_buckets (FsAggregator       *self);
const FsBucket    *fs_aggregator_get_bucket    (FsAggregator       *self,
                                                guint               index);
guint              fs_aggregator_get_n_lanes   (FsAggregator       *self);
const FsLaneStats *fs_aggregator_get_lane      (FsAggregator       *self,
                                                guint               index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsAggregator, fs_aggregator_free)

G_END_DECLS

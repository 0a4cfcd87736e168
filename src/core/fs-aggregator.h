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
 *
 * What each record counts:
 * - start: started, in flight, and the bucket of t_started (started,
 *   in_flight_max). t_first is the earliest t_started of any record.
 * - terminal: total, outcomes and bytes, always, and the bucket of t_done
 *   (or of "now" if t_done is 0); t_last is the latest such time. Only a
 *   terminal with t_started > 0 leaves the in-flight count (never below 0)
 *   and counts towards its lane, keyed by (index, pid, tid) with the slot set
 *   to 0: a job cancelled while queued never ran. Latency, in the histogram
 *   and in the buckets, is fs_event_latency_us() of terminals that started,
 *   have t_done >= t_started, and did not end CANCELLED or WORKER_LOST: those
 *   end at an arbitrary moment and would drag the percentiles.
 * - sample: the latest rss and CPU time of each pid > 0; peak_rss_bytes is
 *   the highest sum of those latest rss values (send rss 0 when a process
 *   exits), cpu_s the sum of the latest CPU times. loop_lag_max_us is the
 *   largest measured loop lag, or -1 if none was measured. A sample with
 *   t_done > 0 also lands in the bucket of t_done: see "Memory over time".
 *
 * Latency over time: each bucket also counts its latencies in
 * FS_BUCKET_LATENCY_BINS log-spaced bins, FS_BUCKET_LATENCY_BINS_PER_DECADE
 * per decade from 1 µs (the first bin also holds less, the last bin 100 s
 * and more), enough for per-bucket percentiles within a bin's width (33 %)
 * and a heatmap; merging buckets adds them.
 *
 * Memory over time: processes get a slot each in the order their first
 * sample arrives, up to FS_AGGREGATOR_MAX_PROCESSES; the last slot holds the
 * sum of every process past that. A bucket's rss_bytes[slot] is the highest
 * value the slot had during it, and a bucket first touched starts with each
 * slot's current value, so a level carries across buckets with no sample.
 * Merging buckets keeps the higher value. fs_aggregator_get_process_pid()
 * gives a slot's pid, or 0 for the last slot once it holds several.
 *
 * Crawl over time: fs_aggregator_add_crawl() records the crawl's visited
 * count and frontier size at a moment, with the frontier's peak since the
 * reading before; a bucket keeps the highest of each during it, and a
 * bucket first touched starts at the current levels (not the peak), as
 * memory does. Merging keeps the higher values.
 *
 * Bucket i covers [t0 + i × width, t0 + (i + 1) × width), where t0 is the
 * first time placed in a bucket; earlier times go in bucket 0. There are at
 * most n_buckets (>= 2) of them: past the last, pairs merge and width doubles,
 * and fs_aggregator_get_n_buckets() counts those in use. A bucket first
 * touched while requests are running starts with in_flight_max at that level.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fs-event.h"
#include "fs-histogram.h"

G_BEGIN_DECLS

#define FS_AGGREGATOR_DEFAULT_BUCKET_US  (100 * 1000)
#define FS_AGGREGATOR_DEFAULT_N_BUCKETS  1200
#define FS_AGGREGATOR_MAX_PROCESSES      16

#define FS_BUCKET_LATENCY_BINS            64
#define FS_BUCKET_LATENCY_BINS_PER_DECADE 8

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
  guint32 latency_bins[FS_BUCKET_LATENCY_BINS];
  guint64 rss_bytes[FS_AGGREGATOR_MAX_PROCESSES];
  guint64 crawl_visited;             /* crawl mode: URLs accepted so far */
  guint64 crawl_frontier;            /* crawl mode: highest frontier size */
} FsBucket;

typedef struct
{
  FsLane  lane;
  gint64  busy_us;                   /* sum of (done - started) */
  guint64 completed;
  gint64  cpu_us;                    /* sum of CPU stages, GIL waits included */
  gint64  gil_wait_us;               /* sum of GIL waits */
  gboolean is_loop;                  /* a record said it ran on a loop (strategy loop,
                                      * route loop, or a transfer slot above 0) */
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
  guint64 routed[FS_N_ROUTES];       /* terminals by FsRoute (hybrid) */
  double  cpu_stage_s;               /* sum of CPU stages */
  double  gil_wait_s;                /* sum of time spent waiting for the GIL */
};

FsAggregator      *fs_aggregator_new           (gint64              bucket_us,
                                                guint               n_buckets);
void               fs_aggregator_free          (FsAggregator       *self);
FsAggregator      *fs_aggregator_copy          (FsAggregator       *self);
void               fs_aggregator_add           (FsAggregator       *self,
                                                const FsEvent      *event);
void               fs_aggregator_add_many      (FsAggregator       *self,
                                                const FsEvent      *events,
                                                guint               n_events);
void               fs_aggregator_add_crawl     (FsAggregator       *self,
                                                gint64              t,
                                                guint64             visited,
                                                guint64             frontier,
                                                guint64             frontier_peak);
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
guint              fs_aggregator_get_n_processes (FsAggregator     *self);
GPid               fs_aggregator_get_process_pid (FsAggregator     *self,
                                                  guint             process);
guint64            fs_aggregator_get_bucket_rss  (FsAggregator     *self,
                                                  guint             bucket,
                                                  guint             process);

/* The whole state as JSON, and an aggregator rebuilt from it that draws,
 * sums up and goes on counting exactly as the original would: the totals,
 * the buckets in use (their latency bins with zeros folded), the lanes and
 * the processes' memory. fs_aggregator_new_from_json() checks every number
 * and gives %NULL (FS_ERROR_INVALID_DATA) for anything it would not have
 * made itself. */
JsonNode          *fs_aggregator_to_json         (FsAggregator     *self);
FsAggregator      *fs_aggregator_new_from_json   (JsonNode         *node,
                                                  GError          **error);

/* Per-bucket latency bins: which bin holds @latency_us, where bin @bin
 * starts (µs), how many latencies @bins hold, and the value of rank
 * ceil(q × count) in them, placed within its bin on a log scale (µs; 0 when
 * empty). fs_bucket_latency_quantile() also caps it at the bucket's max. */
guint              fs_bucket_latency_bin         (gint64            latency_us);
double             fs_bucket_latency_bin_lower   (guint             bin);
guint64            fs_bucket_bins_count          (const guint32    *bins);
double             fs_bucket_bins_quantile       (const guint32    *bins,
                                                  double            q);
guint64            fs_bucket_bins_quantiles      (const guint32    *bins,
                                                  const double     *q,
                                                  guint             n,
                                                  double           *values);
double             fs_bucket_latency_quantile    (const FsBucket   *bucket,
                                                  double            q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsAggregator, fs_aggregator_free)

G_END_DECLS

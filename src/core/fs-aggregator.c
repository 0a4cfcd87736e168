/* fs-aggregator.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fs-aggregator.h"
#include "fs-error.h"
#include "fs-json-private.h"

/* What identifies an executor; the transfer slot is left out on purpose. */
typedef struct
{
  guint32 index;
  gint32  pid;
  gint32  tid;
} LaneKey;

typedef struct
{
  gint32  pid;
  guint   slot;                      /* in FsBucket.rss_bytes */
  guint64 rss_bytes;
  gint64  cpu_us;
} ProcessState;

/* ceil (10^(k / FS_BUCKET_LATENCY_BINS_PER_DECADE)): the least whole µs in
 * bin k, and 100 s past the last bin. */
static const gint64 latency_bin_lower[FS_BUCKET_LATENCY_BINS + 1] = {
  1, 2, 2, 3, 4, 5, 6, 8, 10, 14, 18, 24, 32, 43, 57, 75,
  100, 134, 178, 238, 317, 422, 563, 750, 1000, 1334, 1779, 2372, 3163, 4217, 5624, 7499,
  10000, 13336, 17783, 23714, 31623, 42170, 56235, 74990,
  100000, 133353, 177828, 237138, 316228, 421697, 562342, 749895,
  1000000, 1333522, 1778280, 2371374, 3162278, 4216966, 5623414, 7498943,
  10000000, 13335215, 17782795, 23713738, 31622777, 42169651, 56234133, 74989421,
  100000000,
};

struct _FsAggregator
{
  /* Totals */
  FsHistogram *latency;
  guint64      total;
  guint64      outcomes[FS_N_OUTCOMES];
  guint64      routed[FS_N_ROUTES];
  gint64       cpu_stage_us;
  gint64       gil_wait_us;
  guint64      started;
  guint64      in_flight;
  guint64      bytes;
  gint64       t_first;
  gint64       t_last;

  /* Time buckets: a fixed ring, bucket i covers [t0 + i × bucket_us, + bucket_us) */
  FsBucket    *buckets;
  guint        n_buckets;
  guint        n_used;
  gint64       bucket_us;
  gint64       t0;

  /* Lanes: FsLaneStats, indexed by a LaneKey → position table */
  GArray      *lanes;
  GHashTable  *lane_index;

  /* Processes: ProcessState, few enough for a linear scan */
  GArray      *processes;
  guint64      slot_rss[FS_AGGREGATOR_MAX_PROCESSES];   /* current sum per slot */
  guint        n_slot_pids[FS_AGGREGATOR_MAX_PROCESSES];
  guint64      rss_sum;
  guint64      peak_rss_bytes;
  gint64       cpu_sum_us;
  gint64       loop_lag_max_us;

  /* Crawl mode: the latest levels */
  guint64      crawl_visited;
  guint64      crawl_frontier;
};

static guint
lane_key_hash (gconstpointer data)
{
  const LaneKey *key = data;
  guint hash = key->index;

  hash = hash * 31 + (guint) key->pid;
  hash = hash * 31 + (guint) key->tid;

  return hash;
}

static gboolean
lane_key_equal (gconstpointer a,
                gconstpointer b)
{
  const LaneKey *ka = a;
  const LaneKey *kb = b;

  return ka->index == kb->index && ka->pid == kb->pid && ka->tid == kb->tid;
}

FsAggregator *
fs_aggregator_new (gint64 bucket_us,
                   guint  n_buckets)
{
  FsAggregator *self;

  g_return_val_if_fail (bucket_us > 0, NULL);
  g_return_val_if_fail (n_buckets >= 2, NULL);

  self = g_new0 (FsAggregator, 1);
  self->latency = fs_histogram_new ();
  self->buckets = g_new0 (FsBucket, n_buckets);
  self->n_buckets = n_buckets;
  self->bucket_us = bucket_us;
  self->lanes = g_array_new (FALSE, FALSE, sizeof (FsLaneStats));
  self->lane_index = g_hash_table_new_full (lane_key_hash, lane_key_equal, g_free, NULL);
  self->processes = g_array_new (FALSE, FALSE, sizeof (ProcessState));
  self->loop_lag_max_us = -1;

  return self;
}

void
fs_aggregator_free (FsAggregator *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->latency, fs_histogram_free);
  g_clear_pointer (&self->buckets, g_free);
  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->lane_index, g_hash_table_unref);
  g_clear_pointer (&self->processes, g_array_unref);
  g_free (self);
}

static void
bucket_merge (FsBucket       *into,
              const FsBucket *from)
{
  g_assert (into != NULL);
  g_assert (from != NULL);

  into->started += from->started;
  into->completed += from->completed;
  for (guint i = 0; i < FS_N_OUTCOMES; i++)
    into->outcomes[i] += from->outcomes[i];
  into->bytes += from->bytes;
  into->latency_sum_us += from->latency_sum_us;
  into->latency_max_us = MAX (into->latency_max_us, from->latency_max_us);
  into->in_flight_max = MAX (into->in_flight_max, from->in_flight_max);
  for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
    into->latency_bins[i] += from->latency_bins[i];
  for (guint i = 0; i < FS_AGGREGATOR_MAX_PROCESSES; i++)
    into->rss_bytes[i] = MAX (into->rss_bytes[i], from->rss_bytes[i]);
  into->crawl_visited = MAX (into->crawl_visited, from->crawl_visited);
  into->crawl_frontier = MAX (into->crawl_frontier, from->crawl_frontier);
}

/* The run outlived the ring: fold neighbours together so the same number of
 * buckets covers twice the time. Bucket i reads 2i and 2i + 1, which are at or
 * after i, so merging in place never reads a bucket it already overwrote. */
static void
halve_resolution (FsAggregator *self)
{
  guint n_used;

  g_assert (self != NULL);
  g_assert (self->bucket_us <= G_MAXINT64 / 2);

  n_used = (self->n_used + 1) / 2;
  for (guint i = 0; i < n_used; i++)
    {
      FsBucket merged = self->buckets[2 * i];

      if (2 * i + 1 < self->n_used)
        bucket_merge (&merged, &self->buckets[2 * i + 1]);
      self->buckets[i] = merged;
    }

  memset (&self->buckets[n_used], 0, (self->n_buckets - n_used) * sizeof (FsBucket));
  self->n_used = n_used;
  self->bucket_us *= 2;
}

/* Buckets no event has touched yet start at the current in-flight level:
 * requests still running when a bucket begins are in flight during it, even
 * if nothing starts or ends there. */
static FsBucket *
get_bucket_for_time (FsAggregator *self,
                     gint64        t)
{
  gint64 offset;
  guint index;

  g_assert (self != NULL);

  if (self->n_used == 0)
    self->t0 = t;

  offset = MAX (t - self->t0, 0);
  while (offset / self->bucket_us >= self->n_buckets)
    halve_resolution (self);

  index = (guint) (offset / self->bucket_us);
  for (; self->n_used <= index; self->n_used++)
    {
      FsBucket *bucket = &self->buckets[self->n_used];

      bucket->t_start = self->t0 + (gint64) self->n_used * self->bucket_us;
      bucket->in_flight_max = (guint32) MIN (self->in_flight, G_MAXUINT32);
      memcpy (bucket->rss_bytes, self->slot_rss, sizeof bucket->rss_bytes);
      bucket->crawl_visited = self->crawl_visited;
      bucket->crawl_frontier = self->crawl_frontier;
    }

  return &self->buckets[index];
}

static FsLaneStats *
get_lane_stats (FsAggregator *self,
                const FsLane *lane)
{
  LaneKey key = { lane->index, lane->pid, lane->tid };
  gpointer position;
  FsLaneStats stats = { { 0 } };

  g_assert (self != NULL);
  g_assert (lane != NULL);

  if (g_hash_table_lookup_extended (self->lane_index, &key, NULL, &position))
    return &g_array_index (self->lanes, FsLaneStats, GPOINTER_TO_UINT (position));

  stats.lane = *lane;
  stats.lane.slot = 0;
  g_array_append_val (self->lanes, stats);
  g_hash_table_insert (self->lane_index,
                       g_memdup2 (&key, sizeof key),
                       GUINT_TO_POINTER (self->lanes->len - 1));

  return &g_array_index (self->lanes, FsLaneStats, self->lanes->len - 1);
}

static void
update_in_flight_max (FsBucket *bucket,
                      guint64   in_flight)
{
  g_assert (bucket != NULL);

  bucket->in_flight_max = MAX (bucket->in_flight_max, (guint32) MIN (in_flight, G_MAXUINT32));
}

static void
add_start (FsAggregator  *self,
           const FsEvent *event)
{
  FsBucket *bucket;

  g_assert (self != NULL);
  g_assert (event != NULL);

  self->started++;
  self->in_flight++;

  if (event->t_started <= 0)
    return;

  if (self->t_first == 0 || event->t_started < self->t_first)
    self->t_first = event->t_started;

  bucket = get_bucket_for_time (self, event->t_started);
  bucket->started++;
  update_in_flight_max (bucket, self->in_flight);
}

static gboolean
counts_in_latency (const FsEvent *event)
{
  g_assert (event != NULL);

  if (event->t_started <= 0 || event->t_done < event->t_started)
    return FALSE;

  switch ((FsOutcome) event->outcome)
    {
    case FS_OUTCOME_CANCELLED:
    case FS_OUTCOME_WORKER_LOST:
      return FALSE;

    case FS_OUTCOME_OK:
    case FS_OUTCOME_HTTP_ERROR:
    case FS_OUTCOME_TRANSPORT_ERROR:
    case FS_OUTCOME_TIMEOUT:
      return TRUE;

    case FS_N_OUTCOMES:
    default:
      return FALSE;
    }
}

static void
add_terminal (FsAggregator  *self,
              const FsEvent *event)
{
  FsBucket *bucket;
  gint64 t_done;

  g_assert (self != NULL);
  g_assert (event != NULL);
  g_assert (event->outcome < FS_N_OUTCOMES);

  t_done = event->t_done > 0 ? event->t_done : g_get_monotonic_time ();

  self->total++;
  self->outcomes[event->outcome]++;
  if (event->route < FS_N_ROUTES)
    self->routed[event->route]++;
  if (event->t_cpu_start > 0 && event->t_cpu_end > event->t_cpu_start)
    self->cpu_stage_us += event->t_cpu_end - event->t_cpu_start;
  self->gil_wait_us += MAX (0, event->gil_wait_us);
  self->bytes += event->bytes;
  self->t_last = MAX (self->t_last, t_done);

  if (event->t_started > 0 && (self->t_first == 0 || event->t_started < self->t_first))
    self->t_first = event->t_started;

  bucket = get_bucket_for_time (self, t_done);
  bucket->completed++;
  bucket->outcomes[event->outcome]++;
  bucket->bytes += event->bytes;

  /* A job cancelled while queued never ran: it was never in flight, has no
   * latency and no lane. */
  if (event->t_started <= 0)
    return;

  /* The request is in flight until this very moment. */
  update_in_flight_max (bucket, self->in_flight);
  if (self->in_flight > 0)
    self->in_flight--;

  if (counts_in_latency (event))
    {
      gint64 latency_us = fs_event_latency_us (event);

      fs_histogram_add (self->latency, (guint64) latency_us);
      bucket->latency_sum_us += latency_us;
      bucket->latency_max_us = MAX (bucket->latency_max_us, latency_us);
      bucket->latency_bins[fs_bucket_latency_bin (latency_us)]++;
    }

  if (event->t_done >= event->t_started)
    {
      FsLaneStats *stats = get_lane_stats (self, &event->lane);

      stats->busy_us += event->t_done - event->t_started;
      stats->completed++;
      if (event->t_cpu_start > 0 && event->t_cpu_end > event->t_cpu_start)
        stats->cpu_us += event->t_cpu_end - event->t_cpu_start;
      stats->gil_wait_us += MAX (0, event->gil_wait_us);
      stats->is_loop |= event->strategy == FS_STRATEGY_LOOP || event->route == FS_ROUTE_LOOP ||
                        event->lane.slot > 0;
    }
}

static void
add_sample (FsAggregator  *self,
            const FsEvent *event)
{
  const FsSample *sample = &event->sample;
  ProcessState *state = NULL;
  FsBucket *bucket = NULL;
  guint64 *slot_rss;

  g_assert (self != NULL);
  g_assert (event != NULL);

  if (sample->loop_lag_us >= 0)
    self->loop_lag_max_us = MAX (self->loop_lag_max_us, sample->loop_lag_us);

  if (sample->pid <= 0)
    return;

  for (guint i = 0; i < self->processes->len; i++)
    {
      ProcessState *candidate = &g_array_index (self->processes, ProcessState, i);

      if (candidate->pid == sample->pid)
        {
          state = candidate;
          break;
        }
    }

  if (state == NULL)
    {
      ProcessState empty = { sample->pid, 0, 0, 0 };

      /* Past the cap every process shares the last slot, summed. */
      empty.slot = MIN (self->processes->len, FS_AGGREGATOR_MAX_PROCESSES - 1);
      self->n_slot_pids[empty.slot]++;
      g_array_append_val (self->processes, empty);
      state = &g_array_index (self->processes, ProcessState, self->processes->len - 1);
    }

  /* The bucket first: buckets it opens in between keep the old level. */
  if (event->t_done > 0)
    bucket = get_bucket_for_time (self, event->t_done);

  slot_rss = &self->slot_rss[state->slot];
  *slot_rss = *slot_rss - state->rss_bytes + sample->rss_bytes;
  if (bucket != NULL)
    bucket->rss_bytes[state->slot] = MAX (bucket->rss_bytes[state->slot], *slot_rss);

  self->rss_sum = self->rss_sum - state->rss_bytes + sample->rss_bytes;
  self->cpu_sum_us = self->cpu_sum_us - state->cpu_us + sample->cpu_us;
  state->rss_bytes = sample->rss_bytes;
  state->cpu_us = sample->cpu_us;

  self->peak_rss_bytes = MAX (self->peak_rss_bytes, self->rss_sum);
}

void
fs_aggregator_add (FsAggregator  *self,
                   const FsEvent *event)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (event->kind != FS_EVENT_TERMINAL || event->outcome < FS_N_OUTCOMES);

  switch ((FsEventKind) event->kind)
    {
    case FS_EVENT_START:
      add_start (self, event);
      break;

    case FS_EVENT_TERMINAL:
      add_terminal (self, event);
      break;

    case FS_EVENT_SAMPLE:
      add_sample (self, event);
      break;

    default:
      g_return_if_reached ();
    }
}

void
fs_aggregator_add_many (FsAggregator  *self,
                        const FsEvent *events,
                        guint          n_events)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (events != NULL || n_events == 0);

  for (guint i = 0; i < n_events; i++)
    fs_aggregator_add (self, &events[i]);
}

/**
 * fs_aggregator_add_crawl:
 * @t: monotonic µs of the reading
 * @visited: URLs the crawl has accepted so far
 * @frontier: accepted URLs not started yet
 * @frontier_peak: the most there were since the reading before; a crawl's
 *   frontier can come and go between two readings
 *
 * One reading of a crawl's progress (crawl mode), for the charts.
 */
void
fs_aggregator_add_crawl (FsAggregator *self,
                         gint64        t,
                         guint64       visited,
                         guint64       frontier,
                         guint64       frontier_peak)
{
  FsBucket *bucket;

  g_return_if_fail (self != NULL);
  g_return_if_fail (t > 0);

  /* The bucket first: buckets it opens in between keep the old levels. */
  bucket = get_bucket_for_time (self, t);
  self->crawl_visited = visited;
  self->crawl_frontier = frontier;
  bucket->crawl_visited = MAX (bucket->crawl_visited, visited);
  bucket->crawl_frontier = MAX (bucket->crawl_frontier, MAX (frontier, frontier_peak));
}

void
fs_aggregator_get_summary (FsAggregator *self,
                           FsSummary    *summary)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (summary != NULL);

  memset (summary, 0, sizeof *summary);

  summary->total = self->total;
  memcpy (summary->outcomes, self->outcomes, sizeof summary->outcomes);
  summary->started = self->started;
  summary->in_flight = self->in_flight;
  summary->bytes = self->bytes;
  summary->t_first = self->t_first;
  summary->t_last = self->t_last;

  if (self->t_first > 0 && self->t_last > self->t_first)
    summary->wall_s = (double) (self->t_last - self->t_first) / G_USEC_PER_SEC;
  if (summary->wall_s > 0.0)
    summary->rps = (double) self->total / summary->wall_s;

  summary->latency_ms_p50 = fs_histogram_quantile (self->latency, 0.5) / 1000.0;
  summary->latency_ms_p90 = fs_histogram_quantile (self->latency, 0.9) / 1000.0;
  summary->latency_ms_p99 = fs_histogram_quantile (self->latency, 0.99) / 1000.0;
  summary->latency_ms_p999 = fs_histogram_quantile (self->latency, 0.999) / 1000.0;
  summary->latency_ms_max = fs_histogram_get_max (self->latency) / 1000.0;
  summary->latency_ms_mean = fs_histogram_get_mean (self->latency) / 1000.0;

  summary->peak_rss_bytes = self->peak_rss_bytes;
  summary->cpu_s = (double) self->cpu_sum_us / G_USEC_PER_SEC;
  summary->loop_lag_max_us = self->loop_lag_max_us;
  for (guint i = 0; i < FS_N_ROUTES; i++)
    summary->routed[i] = self->routed[i];
  summary->cpu_stage_s = self->cpu_stage_us / 1e6;
  summary->gil_wait_s = self->gil_wait_us / 1e6;
}

const FsHistogram *
fs_aggregator_get_latency (FsAggregator *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->latency;
}

gint64
fs_aggregator_get_bucket_us (FsAggregator *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->bucket_us;
}

guint
fs_aggregator_get_n_buckets (FsAggregator *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_used;
}

const FsBucket *
fs_aggregator_get_bucket (FsAggregator *self,
                          guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_used, NULL);

  return &self->buckets[index];
}

guint
fs_aggregator_get_n_lanes (FsAggregator *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->lanes->len;
}

const FsLaneStats *
fs_aggregator_get_lane (FsAggregator *self,
                        guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->lanes->len, NULL);

  return &g_array_index (self->lanes, FsLaneStats, index);
}

guint
fs_aggregator_get_n_processes (FsAggregator *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return MIN (self->processes->len, FS_AGGREGATOR_MAX_PROCESSES);
}

GPid
fs_aggregator_get_process_pid (FsAggregator *self,
                               guint         process)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (process < fs_aggregator_get_n_processes (self), 0);

  if (self->n_slot_pids[process] > 1)
    return 0;

  return g_array_index (self->processes, ProcessState, process).pid;
}

guint64
fs_aggregator_get_bucket_rss (FsAggregator *self,
                              guint         bucket,
                              guint         process)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (bucket < self->n_used, 0);
  g_return_val_if_fail (process < FS_AGGREGATOR_MAX_PROCESSES, 0);

  return self->buckets[bucket].rss_bytes[process];
}

guint
fs_bucket_latency_bin (gint64 latency_us)
{
  guint lo = 0;
  guint hi = FS_BUCKET_LATENCY_BINS;

  /* The answer is the last bin whose lower bound is at most the value. */
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (latency_us >= latency_bin_lower[mid])
        lo = mid;
      else
        hi = mid;
    }

  return lo;
}

/* From a table: the heatmap asks for every bin of every bucket in view at
 * each frame, and pow() was a tenth of the latency chart's time. */
double
fs_bucket_latency_bin_lower (guint bin)
{
  static double lower[FS_BUCKET_LATENCY_BINS + 1];
  static gsize initialised;

  g_return_val_if_fail (bin <= FS_BUCKET_LATENCY_BINS, 0.0);

  if (g_once_init_enter (&initialised))
    {
      for (guint i = 0; i <= FS_BUCKET_LATENCY_BINS; i++)
        lower[i] = pow (10.0, (double) i / FS_BUCKET_LATENCY_BINS_PER_DECADE);
      g_once_init_leave (&initialised, 1);
    }

  return lower[bin];
}

guint64
fs_bucket_bins_count (const guint32 *bins)
{
  guint64 count = 0;

  g_return_val_if_fail (bins != NULL, 0);

  for (guint i = 0; i < FS_BUCKET_LATENCY_BINS; i++)
    count += bins[i];

  return count;
}

/**
 * fs_bucket_bins_quantiles:
 * @q: (array length=n): quantiles, in increasing order
 * @values: (out caller-allocates) (array length=n): each one's value, as
 *   fs_bucket_bins_quantile() gives it
 *
 * Several quantiles of the same bins in one pass over them, which a chart
 * does for every column it draws.
 *
 * Returns: the count of @bins
 */
guint64
fs_bucket_bins_quantiles (const guint32 *bins,
                          const double  *q,
                          guint          n,
                          double        *values)
{
  guint64 count;
  guint64 below = 0;
  guint bin = 0;

  g_return_val_if_fail (bins != NULL, 0);
  g_return_val_if_fail (n == 0 || (q != NULL && values != NULL), 0);

  count = fs_bucket_bins_count (bins);

  for (guint k = 0; k < n; k++)
    {
      guint64 rank;
      double within;

      g_return_val_if_fail (k == 0 || q[k] >= q[k - 1], count);

      if (count == 0)
        {
          values[k] = 0.0;
          continue;
        }

      /* Nearest rank, as fs_histogram_quantile() counts it. */
      rank = (guint64) ceil (CLAMP (q[k], 0.0, 1.0) * count - 1e-9);
      rank = CLAMP (rank, 1, count);

      /* rank <= count: a bin holds it before the last one ends */
      while (below + bins[bin] < rank)
        below += bins[bin++];

      /* The bin's values are taken as spread evenly on a log scale. */
      within = (rank - below - 0.5) / bins[bin];
      values[k] = pow (10.0, (bin + within) / FS_BUCKET_LATENCY_BINS_PER_DECADE);
    }

  return count;
}

double
fs_bucket_bins_quantile (const guint32 *bins,
                         double         q)
{
  double value;

  g_return_val_if_fail (bins != NULL, 0.0);

  fs_bucket_bins_quantiles (bins, &q, 1, &value);

  return value;
}

double
fs_bucket_latency_quantile (const FsBucket *bucket,
                            double          q)
{
  g_return_val_if_fail (bucket != NULL, 0.0);

  return MIN (fs_bucket_bins_quantile (bucket->latency_bins, q), (double) bucket->latency_max_us);
}

/* Copies and saved state */

static gboolean
index_lanes (FsAggregator  *self,
             GError       **error)
{
  g_hash_table_remove_all (self->lane_index);

  for (guint i = 0; i < self->lanes->len; i++)
    {
      const FsLane *lane = &g_array_index (self->lanes, FsLaneStats, i).lane;
      LaneKey key = { lane->index, lane->pid, lane->tid };

      if (g_hash_table_contains (self->lane_index, &key))
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       "lane %u appears twice", lane->index);
          return FALSE;
        }
      g_hash_table_insert (self->lane_index, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (i));
    }

  return TRUE;
}

/**
 * fs_aggregator_copy:
 *
 * A snapshot that goes its own way: to save or export a run that is still
 * being fed.
 *
 * Returns: (transfer full): an aggregator with the same state
 */
FsAggregator *
fs_aggregator_copy (FsAggregator *self)
{
  FsAggregator *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = fs_aggregator_new (self->bucket_us, self->n_buckets);
  fs_histogram_free (copy->latency);
  g_free (copy->buckets);
  g_array_unref (copy->lanes);
  g_array_unref (copy->processes);

  {
    GHashTable *lane_index = copy->lane_index;

    *copy = *self;
    copy->lane_index = lane_index;
  }
  copy->latency = fs_histogram_copy (self->latency);
  copy->buckets = g_memdup2 (self->buckets, self->n_buckets * sizeof (FsBucket));
  copy->lanes = g_array_copy (self->lanes);
  copy->processes = g_array_copy (self->processes);
  index_lanes (copy, NULL);

  return copy;
}

/**
 * fs_aggregator_to_json:
 *
 * Returns: (transfer full): the aggregator's whole state
 */
JsonNode *
fs_aggregator_to_json (FsAggregator *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  _fs_json_add_uint64s (b, "totals", (guint64[]) {
                          self->total, self->started, self->in_flight, self->bytes,
                        }, 4);
  _fs_json_add_uint64s (b, "outcomes", self->outcomes, FS_N_OUTCOMES);
  _fs_json_add_uint64s (b, "routed", self->routed, FS_N_ROUTES);
  _fs_json_add_int (b, "cpu_stage_us", self->cpu_stage_us);
  _fs_json_add_int (b, "gil_wait_us", self->gil_wait_us);
  _fs_json_add_int (b, "t_first", self->t_first);
  _fs_json_add_int (b, "t_last", self->t_last);
  json_builder_set_member_name (b, "latency");
  json_builder_add_value (b, fs_histogram_to_json (self->latency));

  _fs_json_add_int (b, "n_buckets", self->n_buckets);
  _fs_json_add_int (b, "bucket_us", self->bucket_us);
  _fs_json_add_int (b, "t0", self->t0);
  json_builder_set_member_name (b, "buckets");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->n_used; i++)
    {
      const FsBucket *bucket = &self->buckets[i];

      json_builder_begin_object (b);
      _fs_json_add_int (b, "started", bucket->started);
      _fs_json_add_int (b, "completed", bucket->completed);
      _fs_json_add_uint32s (b, "outcomes", bucket->outcomes, FS_N_OUTCOMES);
      _fs_json_add_int (b, "bytes", (gint64) bucket->bytes);
      _fs_json_add_int (b, "latency_sum_us", bucket->latency_sum_us);
      _fs_json_add_int (b, "latency_max_us", bucket->latency_max_us);
      _fs_json_add_int (b, "in_flight_max", bucket->in_flight_max);
      _fs_json_add_uint32s (b, "latency_bins", bucket->latency_bins, FS_BUCKET_LATENCY_BINS);
      _fs_json_add_uint64s (b, "rss_bytes", bucket->rss_bytes, FS_AGGREGATOR_MAX_PROCESSES);
      /* Crawls only: files of other runs stay as they were. */
      if (bucket->crawl_visited > 0 || bucket->crawl_frontier > 0)
        {
          const guint64 crawl[] = { bucket->crawl_visited, bucket->crawl_frontier };

          _fs_json_add_uint64s (b, "crawl", crawl, G_N_ELEMENTS (crawl));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  /* [index, slot, pid, tid, busy_us, completed, cpu_us, gil_wait_us, is_loop] */
  json_builder_set_member_name (b, "lanes");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->lanes->len; i++)
    {
      const FsLaneStats *stats = &g_array_index (self->lanes, FsLaneStats, i);
      const gint64 fields[] = {
        stats->lane.index, stats->lane.slot, stats->lane.pid, stats->lane.tid, stats->busy_us,
        (gint64) stats->completed, stats->cpu_us, stats->gil_wait_us, !!stats->is_loop,
      };

      json_builder_begin_array (b);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        json_builder_add_int_value (b, fields[f]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);

  /* [pid, slot, rss_bytes, cpu_us] */
  json_builder_set_member_name (b, "processes");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->processes->len; i++)
    {
      const ProcessState *state = &g_array_index (self->processes, ProcessState, i);

      json_builder_begin_array (b);
      json_builder_add_int_value (b, state->pid);
      json_builder_add_int_value (b, state->slot);
      json_builder_add_int_value (b, (gint64) state->rss_bytes);
      json_builder_add_int_value (b, state->cpu_us);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  _fs_json_add_uint64s (b, "slot_rss", self->slot_rss, FS_AGGREGATOR_MAX_PROCESSES);
  _fs_json_add_uint32s (b, "slot_pids", self->n_slot_pids, FS_AGGREGATOR_MAX_PROCESSES);
  _fs_json_add_int (b, "rss_sum", (gint64) self->rss_sum);
  _fs_json_add_int (b, "peak_rss_bytes", (gint64) self->peak_rss_bytes);
  _fs_json_add_int (b, "cpu_sum_us", self->cpu_sum_us);
  _fs_json_add_int (b, "loop_lag_max_us", self->loop_lag_max_us);
  if (self->crawl_visited > 0 || self->crawl_frontier > 0)
    {
      const guint64 crawl[] = { self->crawl_visited, self->crawl_frontier };

      _fs_json_add_uint64s (b, "crawl", crawl, G_N_ELEMENTS (crawl));
    }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
read_bucket (JsonObject  *object,
             FsBucket    *bucket,
             GError     **error)
{
  guint64 started, completed, bytes, in_flight_max;
  gint64 latency_sum_us, latency_max_us;

  if (!_fs_json_get_uint (object, "started", G_MAXUINT32, &started, error) ||
      !_fs_json_get_uint (object, "completed", G_MAXUINT32, &completed, error) ||
      !_fs_json_get_uint32s (object, "outcomes", bucket->outcomes, FS_N_OUTCOMES, error) ||
      !_fs_json_get_uint (object, "bytes", G_MAXINT64, &bytes, error) ||
      !_fs_json_get_int (object, "latency_sum_us", 0, G_MAXINT64, &latency_sum_us, error) ||
      !_fs_json_get_int (object, "latency_max_us", 0, G_MAXINT64, &latency_max_us, error) ||
      !_fs_json_get_uint (object, "in_flight_max", G_MAXUINT32, &in_flight_max, error) ||
      !_fs_json_get_uint32s (object, "latency_bins", bucket->latency_bins,
                             FS_BUCKET_LATENCY_BINS, error) ||
      !_fs_json_get_uint64s (object, "rss_bytes", bucket->rss_bytes,
                             FS_AGGREGATOR_MAX_PROCESSES, error))
    return FALSE;

  /* [visited, frontier], crawls only */
  if (json_object_has_member (object, "crawl"))
    {
      guint64 crawl[2];

      if (!_fs_json_get_uint64s (object, "crawl", crawl, G_N_ELEMENTS (crawl), error))
        return FALSE;
      bucket->crawl_visited = crawl[0];
      bucket->crawl_frontier = crawl[1];
    }

  bucket->started = (guint32) started;
  bucket->completed = (guint32) completed;
  bucket->bytes = bytes;
  bucket->latency_sum_us = latency_sum_us;
  bucket->latency_max_us = latency_max_us;
  bucket->in_flight_max = (guint32) in_flight_max;

  return TRUE;
}

static gboolean
read_lanes (FsAggregator  *self,
            JsonArray     *lanes,
            GError       **error)
{
  for (guint i = 0; i < json_array_get_length (lanes); i++)
    {
      static const gint64 max[] = {
        G_MAXUINT32, G_MAXUINT32, G_MAXINT32, G_MAXINT32, G_MAXINT64, G_MAXINT64, G_MAXINT64,
        G_MAXINT64, 1,
      };
      gint64 v[G_N_ELEMENTS (max)];
      FsLaneStats stats = { { 0 } };
      JsonArray *fields;

      if (!_fs_json_array_get_array (lanes, i, G_N_ELEMENTS (max), &fields, error))
        return FALSE;
      for (guint f = 0; f < G_N_ELEMENTS (max); f++)
        if (!_fs_json_array_get_int (fields, f, max[f] == G_MAXINT32 ? G_MININT32 : 0, max[f],
                                     &v[f], error))
          {
            g_prefix_error (error, "lane %u: ", i);
            return FALSE;
          }

      stats.lane.index = (guint32) v[0];
      stats.lane.slot = (guint32) v[1];
      stats.lane.pid = (gint32) v[2];
      stats.lane.tid = (gint32) v[3];
      stats.busy_us = v[4];
      stats.completed = (guint64) v[5];
      stats.cpu_us = v[6];
      stats.gil_wait_us = v[7];
      stats.is_loop = v[8] != 0;
      g_array_append_val (self->lanes, stats);
    }

  return index_lanes (self, error);
}

static gboolean
read_processes (FsAggregator  *self,
                JsonArray     *processes,
                GError       **error)
{
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      ProcessState state;
      JsonArray *fields;
      gint64 pid, slot, rss, cpu;

      if (!_fs_json_array_get_array (processes, i, 4, &fields, error) ||
          !_fs_json_array_get_int (fields, 0, 1, G_MAXINT32, &pid, error) ||
          !_fs_json_array_get_int (fields, 1, 0, FS_AGGREGATOR_MAX_PROCESSES - 1, &slot, error) ||
          !_fs_json_array_get_int (fields, 2, 0, G_MAXINT64, &rss, error) ||
          !_fs_json_array_get_int (fields, 3, G_MININT64, G_MAXINT64, &cpu, error))
        {
          g_prefix_error (error, "process %u: ", i);
          return FALSE;
        }

      /* Slots go in order of arrival, the last one shared. */
      if (slot != MIN (i, FS_AGGREGATOR_MAX_PROCESSES - 1))
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       "process %u is in memory slot %" G_GINT64_FORMAT, i, slot);
          return FALSE;
        }

      state.pid = (gint32) pid;
      state.slot = (guint) slot;
      state.rss_bytes = (guint64) rss;
      state.cpu_us = cpu;
      g_array_append_val (self->processes, state);
    }

  return TRUE;
}

/**
 * fs_aggregator_new_from_json:
 *
 * Returns: (transfer full) (nullable): the aggregator @node describes, or
 *   %NULL with @error set
 */
FsAggregator *
fs_aggregator_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(FsAggregator) self = NULL;
  g_autoptr(FsHistogram) latency = NULL;
  JsonObject *object;
  JsonArray *buckets, *lanes, *processes;
  guint64 totals[4];
  gint64 n_buckets, bucket_us;
  guint64 rss_sum, peak_rss_bytes;
  gint64 loop_lag_max_us;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fs_json_node_get_object (node, "the aggregates", &object, error) ||
      !_fs_json_get_int (object, "n_buckets", 2, 1 << 20, &n_buckets, error) ||
      !_fs_json_get_int (object, "bucket_us", 1, G_MAXINT64 / 4 / (1 << 20), &bucket_us, error) ||
      !(latency = fs_histogram_new_from_json (json_object_get_member (object, "latency"), error)))
    goto fail;

  self = fs_aggregator_new (bucket_us, (guint) n_buckets);
  fs_histogram_free (self->latency);
  self->latency = g_steal_pointer (&latency);

  if (!_fs_json_get_uint64s (object, "totals", totals, G_N_ELEMENTS (totals), error) ||
      !_fs_json_get_uint64s (object, "outcomes", self->outcomes, FS_N_OUTCOMES, error) ||
      !_fs_json_get_uint64s (object, "routed", self->routed, FS_N_ROUTES, error) ||
      !_fs_json_get_int (object, "cpu_stage_us", 0, G_MAXINT64, &self->cpu_stage_us, error) ||
      !_fs_json_get_int (object, "gil_wait_us", 0, G_MAXINT64, &self->gil_wait_us, error) ||
      !_fs_json_get_int (object, "t_first", 0, G_MAXINT64, &self->t_first, error) ||
      !_fs_json_get_int (object, "t_last", G_MININT64, G_MAXINT64, &self->t_last, error) ||
      !_fs_json_get_int (object, "t0", G_MININT64 / 2, G_MAXINT64 / 2, &self->t0, error) ||
      !_fs_json_get_array (object, "buckets", &buckets, error) ||
      !_fs_json_get_array (object, "lanes", &lanes, error) ||
      !_fs_json_get_array (object, "processes", &processes, error) ||
      !_fs_json_get_uint64s (object, "slot_rss", self->slot_rss, FS_AGGREGATOR_MAX_PROCESSES,
                             error) ||
      !_fs_json_get_uint32s (object, "slot_pids", self->n_slot_pids,
                             FS_AGGREGATOR_MAX_PROCESSES, error) ||
      !_fs_json_get_uint (object, "rss_sum", G_MAXINT64, &rss_sum, error) ||
      !_fs_json_get_uint (object, "peak_rss_bytes", G_MAXINT64, &peak_rss_bytes, error) ||
      !_fs_json_get_int (object, "cpu_sum_us", G_MININT64, G_MAXINT64, &self->cpu_sum_us, error) ||
      !_fs_json_get_int (object, "loop_lag_max_us", -1, G_MAXINT64, &loop_lag_max_us, error))
    goto fail;

  self->total = totals[0];
  self->started = totals[1];
  self->in_flight = totals[2];
  self->bytes = totals[3];
  self->rss_sum = rss_sum;
  self->peak_rss_bytes = peak_rss_bytes;
  self->loop_lag_max_us = loop_lag_max_us;
  if (json_object_has_member (object, "crawl"))
    {
      guint64 crawl[2];

      if (!_fs_json_get_uint64s (object, "crawl", crawl, G_N_ELEMENTS (crawl), error))
        goto fail;
      self->crawl_visited = crawl[0];
      self->crawl_frontier = crawl[1];
    }

  if (json_array_get_length (buckets) > self->n_buckets ||
      self->t0 > G_MAXINT64 / 2 - (gint64) self->n_buckets * self->bucket_us)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   "%u buckets of %" G_GINT64_FORMAT " µs do not fit in %u",
                   json_array_get_length (buckets), self->bucket_us, self->n_buckets);
      goto fail;
    }

  for (guint i = 0; i < json_array_get_length (buckets); i++)
    {
      JsonObject *bucket;
      g_autofree char *what = g_strdup_printf ("bucket %u", i);

      if (!_fs_json_node_get_object (json_array_get_element (buckets, i), what, &bucket, error) ||
          !read_bucket (bucket, &self->buckets[i], error))
        {
          g_prefix_error (error, "bucket %u: ", i);
          goto fail;
        }
      self->buckets[i].t_start = self->t0 + (gint64) i * self->bucket_us;
      self->n_used++;
    }

  if (!read_lanes (self, lanes, error) || !read_processes (self, processes, error))
    goto fail;

  return g_steal_pointer (&self);

fail:
  g_prefix_error (error, "aggregates: ");
  return NULL;
}

/* test-swimlane.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-job-queue.h"
#include "fs-swimlane.h"

/* Far from 0, which means "did not happen" in an FsEvent. */
#define T0 G_GINT64_CONSTANT (1000000000)

static const FsLane thread_lane = { .index = 0, .slot = 0, .pid = 100, .tid = 101 };

static void
make_terminal (FsEvent      *event,
               FsStrategy    strategy,
               const FsLane *lane,
               gint64        t_started,
               gint64        t_done)
{
  FsJob job = { .id = 1, .url_index = 1, .t_queued = t_started };

  fs_event_init_terminal (event, &job, strategy, lane);
  event->outcome = FS_OUTCOME_OK;
  event->t_started = t_started;
  event->t_done = t_done;
}

/* Connecting 0..connect, waiting ..first_byte, receiving ..done, then an
 * optional CPU stage of cpu_us after done, of which gil_us waiting. */
static void
add_job (FsSwimlane   *swimlane,
         FsStrategy    strategy,
         const FsLane *lane,
         gint64        t_started,
         gint64        connect_us,
         gint64        first_byte_us,
         gint64        done_us,
         gint64        cpu_us,
         gint64        gil_us)
{
  FsEvent event;

  make_terminal (&event, strategy, lane, t_started, t_started + done_us);
  event.t_connect = t_started + connect_us;
  event.t_first_byte = t_started + first_byte_us;
  if (cpu_us > 0)
    {
      event.t_cpu_start = event.t_done;
      event.t_cpu_end = event.t_done + cpu_us;
      event.gil_wait_us = gil_us;
    }
  fs_swimlane_add (swimlane, &event);
}

static guint64
phase_total (FsSwimlane *swimlane,
             guint       row,
             FsPhase     phase)
{
  guint64 sum = 0;

  for (guint bin = 0; bin < fs_swimlane_get_n_bins (swimlane); bin++)
    sum += fs_swimlane_get_phase_us (swimlane, row, bin, phase);

  return sum;
}

static guint64
phase_total_all_rows (FsSwimlane *swimlane,
                      FsPhase     phase)
{
  guint64 sum = 0;

  for (guint row = 0; row < fs_swimlane_get_n_rows (swimlane); row++)
    sum += phase_total (swimlane, row, phase);

  return sum;
}

static void
test_empty (void)
{
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (1000, 10);

  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 0);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 0);
  g_assert_cmpint (fs_swimlane_get_bin_us (swimlane), ==, 1000);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CPU), ==, 0);
  g_assert_cmpstr (fs_phase_to_string (FS_PHASE_CONNECTING), ==, "connecting");
  g_assert_cmpstr (fs_phase_to_string (FS_PHASE_GIL), ==, "gil");
}

static void
test_phases (void)
{
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (G_USEC_PER_SEC, 10);
  const FsSwimlaneRow *row;
  FsEvent event;

  /* Every timestamp: DNS 100, TCP 300, TLS 500, first byte 2000, done 2500,
   * then 400 waiting for the GIL and 1000 computing. */
  make_terminal (&event, FS_STRATEGY_THREADS, &thread_lane, T0, T0 + 2500);
  event.t_dns = T0 + 100;
  event.t_connect = T0 + 300;
  event.t_tls = T0 + 500;
  event.t_first_byte = T0 + 2000;
  event.t_cpu_start = T0 + 2600;
  event.t_cpu_end = T0 + 4000;
  event.gil_wait_us = 400;
  fs_swimlane_add (swimlane, &event);

  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 1);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 1);
  g_assert_cmpint (fs_swimlane_get_t0 (swimlane), ==, T0);
  row = fs_swimlane_get_row (swimlane, 0);
  g_assert_cmpuint (row->parent_row, ==, G_MAXUINT);
  g_assert_false (row->is_loop);
  g_assert_false (row->folded);
  g_assert_cmpint (row->lane.tid, ==, 101);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CONNECTING), ==, 500);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_WAITING), ==, 1500);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_RECEIVING), ==, 500);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_GIL), ==, 400);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CPU), ==, 1000);

  /* Plain http on a reused connection: no DNS, TCP or TLS time, no CPU. */
  make_terminal (&event, FS_STRATEGY_THREADS, &thread_lane, T0 + 5000, T0 + 5300);
  event.t_first_byte = T0 + 5200;
  fs_swimlane_add (swimlane, &event);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CONNECTING), ==, 500);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_WAITING), ==, 1700);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_RECEIVING), ==, 600);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CPU), ==, 1000);

  /* No byte ever came (a timeout): it waited until the end. */
  make_terminal (&event, FS_STRATEGY_THREADS, &thread_lane, T0 + 6000, T0 + 9000);
  event.outcome = FS_OUTCOME_TIMEOUT;
  event.t_connect = T0 + 6100;
  fs_swimlane_add (swimlane, &event);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CONNECTING), ==, 600);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_WAITING), ==, 1700 + 2900);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_RECEIVING), ==, 600);

  /* A first byte before the connection (clock nonsense) gives a negative
   * waiting interval, which is left out; a CPU stage that did nothing, an
   * empty one. */
  make_terminal (&event, FS_STRATEGY_THREADS, &thread_lane, T0 + 10000, T0 + 10500);
  event.t_connect = T0 + 10300;
  event.t_first_byte = T0 + 10200;
  event.t_cpu_start = event.t_cpu_end = T0 + 10600;
  fs_swimlane_add (swimlane, &event);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CONNECTING), ==, 900);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_WAITING), ==, 4600);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_RECEIVING), ==, 900);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_CPU), ==, 1000);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_GIL), ==, 400);

  /* Cancelled while queued: it never ran, and makes no row. */
  make_terminal (&event, FS_STRATEGY_THREADS,
                 &(FsLane) { .index = 5, .pid = 100, .tid = 105 }, 0, T0 + 20000);
  event.outcome = FS_OUTCOME_CANCELLED;
  fs_swimlane_add (swimlane, &event);
  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 1);

  /* Starts and samples add no time. */
  memset (&event, 0, sizeof event);
  event.kind = FS_EVENT_SAMPLE;
  event.t_done = T0 + 30000;
  fs_swimlane_add (swimlane, &event);
  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 1);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 1);

  /* Past the end reads as idle. */
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 1, FS_PHASE_WAITING), ==, 0);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 1, 0, FS_PHASE_WAITING), ==, 0);
}

static void
test_bin_split (void)
{
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (1000, 10);
  FsJob job = { .id = 1 };
  FsEvent event;
  const guint32 *cells;

  fs_event_init_start (&event, &job, FS_STRATEGY_THREADS, &thread_lane, T0);
  fs_swimlane_add (swimlane, &event);
  g_assert_cmpint (fs_swimlane_get_t0 (swimlane), ==, T0);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 0);

  /* Waiting from 500 to 3200: 500 + 1000 + 1000 + 200. */
  add_job (swimlane, FS_STRATEGY_THREADS, &thread_lane, T0 + 500, 0, 2700, 2700, 0, 0);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 4);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 0, FS_PHASE_WAITING), ==, 500);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 1, FS_PHASE_WAITING), ==, 1000);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 2, FS_PHASE_WAITING), ==, 1000);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 3, FS_PHASE_WAITING), ==, 200);

  /* Ending exactly on a bin's start does not touch that bin. */
  add_job (swimlane, FS_STRATEGY_THREADS, &thread_lane, T0 + 3200, 0, 0, 800, 0, 0);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 4);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, 0, 3, FS_PHASE_RECEIVING), ==, 800);

  /* A transfer that began before t0 moves t0 back by whole bins. */
  add_job (swimlane, FS_STRATEGY_THREADS, &thread_lane, T0 - 1500, 0, 1000, 1500, 0, 0);
  g_assert_cmpint (fs_swimlane_get_t0 (swimlane), ==, T0 - 2000);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), ==, 6);
  cells = fs_swimlane_get_row_cells (swimlane, 0);
  g_assert_cmpuint (cells[0 * FS_N_PHASES + FS_PHASE_WAITING], ==, 500);
  g_assert_cmpuint (cells[1 * FS_N_PHASES + FS_PHASE_WAITING], ==, 500);
  g_assert_cmpuint (cells[1 * FS_N_PHASES + FS_PHASE_RECEIVING], ==, 500);
  g_assert_cmpuint (cells[2 * FS_N_PHASES + FS_PHASE_WAITING], ==, 500);
  g_assert_cmpuint (cells[5 * FS_N_PHASES + FS_PHASE_WAITING], ==, 200);
  g_assert_cmpuint (cells[5 * FS_N_PHASES + FS_PHASE_RECEIVING], ==, 800);
}

/* Random jobs over 100 bins' worth of time into 16 bins, some of them out of
 * order: whatever merges and moves happen, no µs of any phase is lost. */
static void
test_merge_conservation (void)
{
  const gint64 bin_us = 1000;
  const guint n_bins = 16;
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (bin_us, n_bins);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint64 expected[FS_N_PHASES] = { 0 };

  for (guint i = 0; i < 2000; i++)
    {
      FsLane lane = { .index = i % 4, .pid = 100, .tid = 200 + i % 4 };
      gint64 t_started = T0 + g_rand_int_range (rand, -2000, 100 * bin_us);
      gint64 connect_us = g_rand_int_range (rand, 0, 300);
      gint64 first_byte_us = connect_us + g_rand_int_range (rand, 0, 5000);
      gint64 done_us = first_byte_us + g_rand_int_range (rand, 0, 3000);
      gint64 cpu_us = g_rand_int_range (rand, 0, 2000);
      gint64 gil_us = cpu_us > 0 ? g_rand_int_range (rand, 0, (gint32) cpu_us + 1) : 0;

      add_job (swimlane, FS_STRATEGY_THREADS, &lane, t_started,
               connect_us, first_byte_us, done_us, cpu_us, gil_us);
      expected[FS_PHASE_CONNECTING] += connect_us;
      expected[FS_PHASE_WAITING] += first_byte_us - connect_us;
      expected[FS_PHASE_RECEIVING] += done_us - first_byte_us;
      expected[FS_PHASE_GIL] += gil_us;
      expected[FS_PHASE_CPU] += cpu_us - gil_us;

      g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), <=, n_bins);
    }

  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 4);
  /* About 100 ms in 16 bins of 1 ms × 2^k: 8 ms is the first width to hold it. */
  g_assert_cmpint (fs_swimlane_get_bin_us (swimlane), ==, 8 * bin_us);
  for (guint p = 0; p < FS_N_PHASES; p++)
    g_assert_cmpuint (phase_total_all_rows (swimlane, p), ==, expected[p]);
}

static void
test_loop_slots (void)
{
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (1000, 100);
  FsLane loop = { .index = 0, .slot = 0, .pid = 100, .tid = 300 };
  FsLane pool = { .index = 0, .slot = 0, .pid = 100, .tid = 301 };
  const FsSwimlaneRow *row;
  guint loop_row = G_MAXUINT;
  guint n_slot_rows = 0;

  /* Ten slots waiting together, then slot 4 computes for 2 ms. */
  for (guint slot = 0; slot < 10; slot++)
    {
      loop.slot = slot;
      add_job (swimlane, FS_STRATEGY_LOOP, &loop, T0, 100, 900, 1000,
               slot == 4 ? 2000 : 0, 0);
    }
  /* A pool thread of a hybrid run beside it. */
  add_job (swimlane, FS_STRATEGY_HYBRID, &pool, T0, 0, 500, 1000, 3000, 1000);

  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 1 + 10 + 1);
  for (guint i = 0; i < fs_swimlane_get_n_rows (swimlane); i++)
    {
      row = fs_swimlane_get_row (swimlane, i);
      if (row->lane.tid == 300 && row->parent_row == G_MAXUINT)
        {
          g_assert_true (row->is_loop);
          loop_row = i;
        }
    }
  g_assert_cmpuint (loop_row, !=, G_MAXUINT);

  for (guint i = 0; i < fs_swimlane_get_n_rows (swimlane); i++)
    {
      row = fs_swimlane_get_row (swimlane, i);
      if (row->lane.tid == 301)
        {
          g_assert_cmpuint (row->parent_row, ==, G_MAXUINT);
          g_assert_false (row->is_loop);
          g_assert_cmpuint (phase_total (swimlane, i, FS_PHASE_CPU), ==, 2000);
          g_assert_cmpuint (phase_total (swimlane, i, FS_PHASE_GIL), ==, 1000);
          continue;
        }
      if (i == loop_row)
        continue;

      n_slot_rows++;
      g_assert_cmpuint (row->parent_row, ==, loop_row);
      g_assert_false (row->is_loop);
      g_assert_cmpuint (phase_total (swimlane, i, FS_PHASE_CONNECTING), ==, 100);
      g_assert_cmpuint (phase_total (swimlane, i, FS_PHASE_WAITING), ==, 800);
      g_assert_cmpuint (phase_total (swimlane, i, FS_PHASE_RECEIVING), ==, 100);
      g_assert_cmpuint (phase_total (swimlane, i, FS_PHASE_CPU), ==,
                        row->lane.slot == 4 ? 2000 : 0);
    }
  g_assert_cmpuint (n_slot_rows, ==, 10);

  /* The loop's own row shows only the stall. */
  g_assert_cmpuint (phase_total (swimlane, loop_row, FS_PHASE_CPU), ==, 2000);
  g_assert_cmpuint (phase_total (swimlane, loop_row, FS_PHASE_CONNECTING), ==, 0);
  g_assert_cmpuint (phase_total (swimlane, loop_row, FS_PHASE_WAITING), ==, 0);
  g_assert_cmpuint (phase_total (swimlane, loop_row, FS_PHASE_RECEIVING), ==, 0);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, loop_row, 1, FS_PHASE_CPU), ==, 1000);
  g_assert_cmpuint (fs_swimlane_get_phase_us (swimlane, loop_row, 2, FS_PHASE_CPU), ==, 1000);
}

/* A processes child running a loop says so only by a slot above 0; what its
 * row held until then was slot 0's. */
static void
test_late_loop (void)
{
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (1000, 100);
  FsLane child = { .index = 2, .slot = 0, .pid = 4000, .tid = 4001 };
  const FsSwimlaneRow *row;

  add_job (swimlane, FS_STRATEGY_PROCESSES, &child, T0, 100, 600, 1000, 500, 0);
  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 1);
  g_assert_false (fs_swimlane_get_row (swimlane, 0)->is_loop);
  g_assert_cmpuint (phase_total (swimlane, 0, FS_PHASE_WAITING), ==, 500);

  child.slot = 3;
  add_job (swimlane, FS_STRATEGY_PROCESSES, &child, T0 + 2000, 100, 600, 1000, 0, 0);
  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 3);
  g_assert_true (fs_swimlane_get_row (swimlane, 0)->is_loop);

  row = fs_swimlane_get_row (swimlane, 1);
  g_assert_cmpuint (row->parent_row, ==, 0);
  g_assert_cmpuint (row->lane.slot, ==, 0);
  g_assert_cmpuint (phase_total (swimlane, 1, FS_PHASE_WAITING), ==, 500);
  g_assert_cmpuint (phase_total (swimlane, 1, FS_PHASE_CPU), ==, 500);

  row = fs_swimlane_get_row (swimlane, 2);
  g_assert_cmpuint (row->parent_row, ==, 0);
  g_assert_cmpuint (row->lane.slot, ==, 3);
  g_assert_cmpuint (phase_total (swimlane, 2, FS_PHASE_WAITING), ==, 500);

  g_assert_cmpuint (phase_total (swimlane, 0, FS_PHASE_WAITING), ==, 0);
  g_assert_cmpuint (phase_total (swimlane, 0, FS_PHASE_CPU), ==, 500);

  /* Back on slot 0: its row, not the loop's. */
  child.slot = 0;
  add_job (swimlane, FS_STRATEGY_PROCESSES, &child, T0 + 4000, 0, 100, 200, 0, 0);
  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 3);
  g_assert_cmpuint (phase_total (swimlane, 1, FS_PHASE_RECEIVING), ==, 400 + 100);
}

static void
test_row_cap (void)
{
  const guint n_lanes = FS_SWIMLANE_MAX_ROWS + 500;
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (1000, 100);
  const FsSwimlaneRow *row;

  for (guint i = 0; i < n_lanes; i++)
    {
      FsLane lane = { .index = i, .pid = 100, .tid = 1000 + i };

      add_job (swimlane, FS_STRATEGY_THREADS, &lane, T0, 0, 100, 300, 0, 0);
      if (i == FS_SWIMLANE_MAX_ROWS - 1)
        g_assert_false (fs_swimlane_get_row (swimlane, i)->folded);
    }

  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, FS_SWIMLANE_MAX_ROWS);
  row = fs_swimlane_get_row (swimlane, FS_SWIMLANE_MAX_ROWS - 1);
  g_assert_true (row->folded);
  g_assert_cmpuint (row->lane.index, ==, FS_SWIMLANE_MAX_ROWS - 1);
  g_assert_false (fs_swimlane_get_row (swimlane, 0)->folded);

  /* Nothing is lost: the last row holds its own lane and the 500 past the cap. */
  g_assert_cmpuint (phase_total (swimlane, FS_SWIMLANE_MAX_ROWS - 1, FS_PHASE_WAITING), ==,
                    501 * 100);
  g_assert_cmpuint (phase_total_all_rows (swimlane, FS_PHASE_RECEIVING), ==, n_lanes * 200);

  /* A loop showing up past the cap folds too, slots and all. */
  for (guint slot = 0; slot < 8; slot++)
    {
      FsLane lane = { .index = 0, .slot = slot, .pid = 200, .tid = 201 };

      add_job (swimlane, FS_STRATEGY_LOOP, &lane, T0, 0, 100, 300, 0, 0);
    }
  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, FS_SWIMLANE_MAX_ROWS);
  g_assert_cmpuint (phase_total_all_rows (swimlane, FS_PHASE_RECEIVING), ==, (n_lanes + 8) * 200);
}

/* A million records from 8 loops × 64 slots over an hour: rows are bounded by
 * executors and bins by the ring, not by the number of requests. */
static void
test_bounded (void)
{
  const guint n_jobs = 1000000;
  const gint64 run_us = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  g_autoptr(FsSwimlane) swimlane = fs_swimlane_new (100 * 1000, 600);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);

  for (guint i = 0; i < n_jobs; i++)
    {
      FsLane lane = { .index = i % 8, .slot = (i / 8) % 64, .pid = 4242, .tid = 5000 + i % 8 };
      gint64 t_started = T0 + (gint64) i * (run_us / n_jobs);
      gint64 done_us = g_rand_int_range (rand, 1000, 2000000);

      add_job (swimlane, FS_STRATEGY_LOOP, &lane, t_started, done_us / 10, done_us / 2, done_us,
               i % 100 == 0 ? 5000 : 0, 0);

      if (i % 100000 == 0)
        {
          g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), <=, 8 + 8 * 64);
          g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), <=, 600);
        }
    }

  g_assert_cmpuint (fs_swimlane_get_n_rows (swimlane), ==, 8 + 8 * 64);
  g_assert_cmpuint (fs_swimlane_get_n_bins (swimlane), <=, 600);
  /* An hour in 600 bins of 100 ms × 2^n: 6.4 s is the first width to hold it. */
  g_assert_cmpint (fs_swimlane_get_bin_us (swimlane), ==, 64 * 100 * 1000);
  g_assert_cmpuint (phase_total_all_rows (swimlane, FS_PHASE_CPU), ==, 2 * (n_jobs / 100) * 5000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Swimlane/empty", test_empty);
  g_test_add_func ("/Fetchscope/Swimlane/phases", test_phases);
  g_test_add_func ("/Fetchscope/Swimlane/bin-split", test_bin_split);
  g_test_add_func ("/Fetchscope/Swimlane/merge-conservation", test_merge_conservation);
  g_test_add_func ("/Fetchscope/Swimlane/loop-slots", test_loop_slots);
  g_test_add_func ("/Fetchscope/Swimlane/late-loop", test_late_loop);
  g_test_add_func ("/Fetchscope/Swimlane/row-cap", test_row_cap);
  g_test_add_func ("/Fetchscope/Swimlane/bounded", test_bounded);

  return g_test_run ();
}

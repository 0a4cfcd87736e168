/* test-record-log.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-record-log.h"

#define T0 G_GINT64_CONSTANT (86400000000)   /* a day of uptime, in µs */

/* A terminal record as the engines make one: zeroed, then filled. */
static void
make_event (FsEvent *e,
            guint64  job,
            GRand   *rand)
{
  static const char *classes[] = { NULL, "light", "cpu" };
  gint64 started = T0 + (gint64) job * 1000 + g_rand_int_range (rand, 0, 5000);

  memset (e, 0, sizeof *e);
  e->kind = FS_EVENT_TERMINAL;
  e->outcome = g_rand_int_range (rand, 0, FS_N_OUTCOMES);
  e->strategy = g_rand_int_range (rand, 0, FS_N_STRATEGIES);
  e->route = g_rand_int_range (rand, 0, FS_N_ROUTES);
  e->route_reason = g_rand_int_range (rand, 0, 5);
  e->http_status = g_rand_boolean (rand) ? 200 : 503;
  e->curl_code = g_rand_int_range (rand, 0, 99);
  e->job_id = job;
  e->url_index = job * 3;
  e->url_class = classes[job % G_N_ELEMENTS (classes)] ?
                 g_intern_static_string (classes[job % G_N_ELEMENTS (classes)]) : NULL;
  e->lane.index = job % 7;
  e->lane.slot = job % 100;
  e->lane.pid = 4000 + job % 3;
  e->lane.tid = 5000 + job % 7;
  e->t_queued = started - g_rand_int_range (rand, 0, 2000000);
  e->t_started = started;
  /* Some phases did not happen: 0 must come back as 0. */
  e->t_dns = g_rand_boolean (rand) ? started + 10 : 0;
  e->t_connect = g_rand_boolean (rand) ? started + 50 : 0;
  e->t_tls = 0;
  e->t_first_byte = started + g_rand_int_range (rand, 60, 100000);
  e->t_done = e->t_first_byte + g_rand_int_range (rand, 0, 100000);
  if (g_rand_boolean (rand))
    {
      e->t_cpu_start = e->t_done;
      e->gil_wait_us = g_rand_int_range (rand, 0, 3000);
      e->t_cpu_end = e->t_cpu_start + e->gil_wait_us + g_rand_int_range (rand, 1, 50000);
    }
  e->bytes = g_rand_int_range (rand, 0, 1 << 20);
}

static void
assert_same_event (const FsEvent *a,
                   const FsEvent *b)
{
  if (memcmp (a, b, sizeof *a) != 0)
    g_error ("record %" G_GUINT64_FORMAT " came back changed", a->job_id);
}

/* Ordinary records take 64 bytes and come back exactly, in order. */
static void
test_round_trip (void)
{
  g_autoptr(FsRecordLog) log = fs_record_log_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  const guint n = 100000;
  gsize size;

  g_array_set_size (events, n);
  for (guint i = 0; i < n; i++)
    {
      make_event (&g_array_index (events, FsEvent, i), i, rand);
      fs_record_log_add (log, &g_array_index (events, FsEvent, i));
    }

  g_assert_cmpuint (fs_record_log_get_length (log), ==, n);
  for (guint i = 0; i < n; i++)
    {
      FsEvent got;

      fs_record_log_get (log, i, &got);
      assert_same_event (&g_array_index (events, FsEvent, i), &got);
    }

  /* DESIGN.md: raw per-request storage ≤ 64 bytes, tables and the last
   * chunk's unused tail included. */
  size = fs_record_log_get_size (log);
  g_test_message ("%u records in %" G_GSIZE_FORMAT " bytes", n, size);
  g_assert_cmpuint (size, <=, (gsize) n * 64 + 64 * 1024);
}

/* What does not fit 64 bytes is kept whole, and still comes back exactly,
 * between ordinary records. */
static void
test_whole (void)
{
  g_autoptr(FsRecordLog) log = fs_record_log_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  FsEvent events[12];
  gsize size_before;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    make_event (&events[i], i, rand);

  fs_event_set_error (&events[1], "Connection refused to %s", "127.0.0.1");
  events[2].t_done = events[2].t_started + G_GINT64_CONSTANT (3000000000);   /* 50 minutes */
  events[3].t_queued = events[3].t_started - G_GINT64_CONSTANT (3000000000);
  events[4].bytes = G_GUINT64_CONSTANT (5) << 30;                            /* 5 GiB */
  events[5].job_id = G_GUINT64_CONSTANT (1) << 33;
  events[6].url_index = G_MAXUINT64;
  events[7].t_started = 0;                                                   /* never started */
  events[8].t_started = G_GINT64_CONSTANT (1) << 50;
  events[8].t_done = events[8].t_started + 10;
  events[9].gil_wait_us = -1;
  events[10].t_cpu_end = G_MAXINT64;
  /* events[0] and [11] are ordinary */

  size_before = fs_record_log_get_size (log);
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    fs_record_log_add (log, &events[i]);

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      FsEvent got;

      fs_record_log_get (log, i, &got);
      assert_same_event (&events[i], &got);
    }

  /* Ten of them are whole: an FsEvent each beyond the first chunk. */
  g_assert_cmpuint (fs_record_log_get_size (log) - size_before, ==,
                    1024 * 64 + 10 * sizeof (FsEvent) + 2 * sizeof (FsLane) +
                    1 * sizeof (gpointer));
}

/* Past 65,536 lanes and 255 classes the tables are full, and records on
 * new ones are kept whole; those on known ones still fit. */
static void
test_tables_full (void)
{
  g_autoptr(FsRecordLog) log = fs_record_log_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  const guint n_lanes = 65536 + 10;
  gsize empty = fs_record_log_get_size (log);
  guint n = 0;

  for (guint i = 0; i < n_lanes; i++, n++)
    {
      FsEvent e;

      make_event (&e, n, rand);
      e.lane.index = i;
      e.lane.slot = 0;
      e.url_class = NULL;
      fs_record_log_add (log, &e);
    }
  for (guint i = 0; i < 300; i++, n++)
    {
      g_autofree char *name = g_strdup_printf ("class-%u", i);
      FsEvent e;

      make_event (&e, n, rand);
      e.lane = (FsLane) { .index = 0, .slot = 0, .pid = 4000, .tid = 5000 };   /* the first lane */
      e.url_class = g_intern_string (name);
      fs_record_log_add (log, &e);
    }

  g_assert_cmpuint (fs_record_log_get_length (log), ==, n);

  /* Replay the same sequence and compare. */
  g_rand_set_seed (rand, 13);
  for (guint i = 0; i < n; i++)
    {
      FsEvent expected;
      FsEvent got;

      make_event (&expected, i, rand);
      expected.lane.slot = 0;
      if (i < n_lanes)
        {
          expected.lane.index = i;
          expected.url_class = NULL;
        }
      else
        {
          g_autofree char *name = g_strdup_printf ("class-%u", i - n_lanes);

          expected.lane = (FsLane) { .index = 0, .slot = 0, .pid = 4000, .tid = 5000 };
          expected.url_class = g_intern_string (name);
        }
      fs_record_log_get (log, i, &got);
      assert_same_event (&expected, &got);
    }

  /* The records on 10 lanes and 45 classes over the tables' sizes went
   * whole. */
  g_assert_cmpuint (fs_record_log_get_size (log) - empty, ==,
                    (gsize) (n + 1023) / 1024 * 1024 * 64 + 55 * sizeof (FsEvent) +
                    65536 * sizeof (FsLane) + 255 * sizeof (gpointer));
}

/* A reference outlives the owner's. */
static void
test_ref (void)
{
  FsRecordLog *log = fs_record_log_new ();
  FsRecordLog *held = fs_record_log_ref (log);
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  FsEvent e;
  FsEvent got;

  make_event (&e, 1, rand);
  fs_record_log_add (log, &e);
  fs_record_log_unref (log);

  g_assert_cmpuint (fs_record_log_get_length (held), ==, 1);
  fs_record_log_get (held, 0, &got);
  assert_same_event (&e, &got);
  fs_record_log_unref (held);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/RecordLog/round-trip", test_round_trip);
  g_test_add_func ("/Fetchscope/RecordLog/whole", test_whole);
  g_test_add_func ("/Fetchscope/RecordLog/tables-full", test_tables_full);
  g_test_add_func ("/Fetchscope/RecordLog/ref", test_ref);

  return g_test_run ();
}

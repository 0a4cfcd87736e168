/* test-gil.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-cpu-stage.h"
#include "fs-gil.h"

#define N_THREADS 4

/* Each thread hashes this many slices of 256 chained digests, a few tens of
 * ms in all: long enough for many 2 ms switch intervals. */
#define N_SLICES     150
#define SLICE_ROUNDS 256

typedef struct
{
  gint64 begin;
  gint64 end;
} Interval;

typedef struct
{
  FsGil      *gil;
  gint       *gate;         /* atomic: threads start together once it is 1 */
  guint       index;
  gint64      gil_wait_us;
  GArray     *held;         /* Interval: when this thread surely held the GIL */
} Runner;

static void
wait_for_gate (gint *gate)
{
  while (!g_atomic_int_get (gate))
    g_thread_yield ();
}

static void
hash_slice (guint8 digest[32])
{
  fs_cpu_hash_chain (digest, 32, SLICE_ROUNDS, NULL, digest);
}

/* Records [just after taking the GIL, just before a yield that dropped it or
 * the release]: inside the real holding interval, so if the GIL works these
 * never overlap between threads. Without a GIL, one interval per thread. */
static gpointer
runner_thread (gpointer data)
{
  Runner *runner = data;
  guint8 digest[32] = { (guint8) runner->index, };
  Interval interval;

  wait_for_gate (runner->gate);

  if (runner->gil != NULL)
    runner->gil_wait_us += fs_gil_acquire (runner->gil);
  interval.begin = g_get_monotonic_time ();

  for (guint i = 0; i < N_SLICES; i++)
    {
      hash_slice (digest);

      if (runner->gil != NULL)
        {
          gint64 before = g_get_monotonic_time ();
          gint64 waited = fs_gil_yield (runner->gil);

          if (waited > 0)
            {
              interval.end = before;
              g_array_append_val (runner->held, interval);
              runner->gil_wait_us += waited;
              interval.begin = g_get_monotonic_time ();
            }
        }
    }

  interval.end = g_get_monotonic_time ();
  if (runner->gil != NULL)
    fs_gil_release (runner->gil);
  g_array_append_val (runner->held, interval);

  return NULL;
}

static void
run_runners (FsGil  *gil,
             Runner  runners[N_THREADS])
{
  GThread *threads[N_THREADS];
  gint gate = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      runners[i].gil = gil;
      runners[i].gate = &gate;
      runners[i].index = i;
      runners[i].gil_wait_us = 0;
      runners[i].held = g_array_new (FALSE, FALSE, sizeof (Interval));
      threads[i] = g_thread_new ("test-runner", runner_thread, &runners[i]);
    }

  g_atomic_int_set (&gate, 1);

  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
}

static void
clear_runners (Runner runners[N_THREADS])
{
  for (guint i = 0; i < N_THREADS; i++)
    g_clear_pointer (&runners[i].held, g_array_unref);
}

static gboolean
overlap (const Interval *a,
         const Interval *b)
{
  return a->begin < b->end && b->begin < a->end;
}

static guint
count_overlaps (Runner runners[N_THREADS])
{
  guint n = 0;

  for (guint i = 0; i < N_THREADS; i++)
    for (guint j = i + 1; j < N_THREADS; j++)
      for (guint a = 0; a < runners[i].held->len; a++)
        for (guint b = 0; b < runners[j].held->len; b++)
          if (overlap (&g_array_index (runners[i].held, Interval, a),
                       &g_array_index (runners[j].held, Interval, b)))
            n++;

  return n;
}

static void
test_uncontended (void)
{
  g_autoptr(FsGil) gil = fs_gil_new (5000);

  g_assert_cmpint (fs_gil_get_switch_interval (gil), ==, 5000);
  g_assert_cmpint (fs_gil_acquire (gil), ==, 0);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpint (fs_gil_yield (gil), ==, 0);
  fs_gil_release (gil);
  g_assert_cmpint (fs_gil_acquire (gil), ==, 0);
  fs_gil_release (gil);
  g_assert_cmpuint (fs_gil_get_switches (gil), ==, 0);
}

static void
test_exclusive (void)
{
  g_autoptr(FsGil) gil = fs_gil_new (2000);
  Runner runners[N_THREADS];
  guint n_waited = 0;
  guint n_held = 0;

  run_runners (gil, runners);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_test_message ("thread %u: held the GIL %u times, waited %" G_GINT64_FORMAT " µs",
                      i, runners[i].held->len, runners[i].gil_wait_us);
      n_held += runners[i].held->len;
      if (runners[i].gil_wait_us > 0)
        n_waited++;
    }
  g_test_message ("%" G_GUINT64_FORMAT " switches", fs_gil_get_switches (gil));

  g_assert_cmpuint (count_overlaps (runners), ==, 0);
  g_assert_cmpuint (fs_gil_get_switches (gil), >, 0);
  g_assert_cmpuint (n_held, >, N_THREADS);
  g_assert_cmpuint (n_waited, >=, 3);

  clear_runners (runners);
}

static void
test_no_gil_overlaps (void)
{
  Runner runners[N_THREADS];

  run_runners (NULL, runners);

  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (runners[i].held->len, ==, 1);
  g_assert_cmpuint (count_overlaps (runners), >, 0);

  clear_runners (runners);
}

typedef struct
{
  FsGil   *gil;
  gint     waiting;       /* atomic */
  gint     taken;         /* atomic */
  gint64   wait_us;
} Waiter;

static gpointer
waiter_thread (gpointer data)
{
  Waiter *waiter = data;

  g_atomic_int_set (&waiter->waiting, 1);
  waiter->wait_us = fs_gil_acquire (waiter->gil);
  g_atomic_int_set (&waiter->taken, 1);
  fs_gil_release (waiter->gil);

  return NULL;
}

/* The holder keeps yielding while another thread waits: the hand-over comes
 * only once the waiter has waited a whole interval, and when the yield
 * returns the waiter has had the lock (FORCE_SWITCHING). */
static void
test_forced_switch (void)
{
  const gint64 interval_us = 3000;
  g_autoptr(FsGil) gil = fs_gil_new (interval_us);
  Waiter waiter = { .gil = gil };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint8 digest[32] = { 0, };
  GThread *thread;
  gint64 waited = 0;

  fs_gil_acquire (gil);
  thread = g_thread_new ("test-waiter", waiter_thread, &waiter);
  while (!g_atomic_int_get (&waiter.waiting))
    g_thread_yield ();

  while (waited == 0 && g_get_monotonic_time () < deadline)
    {
      hash_slice (digest);
      g_assert_false (g_atomic_int_get (&waiter.taken));
      waited = fs_gil_yield (gil);
    }

  g_assert_cmpint (waited, >, 0);
  g_assert_true (g_atomic_int_get (&waiter.taken));
  fs_gil_release (gil);
  g_thread_join (thread);

  /* A timed wait never ends before its deadline: the waiter cannot have
   * asked for the lock before a full interval. */
  g_assert_cmpint (waiter.wait_us, >=, interval_us);
  g_assert_cmpuint (fs_gil_get_switches (gil), ==, 1);
}

typedef struct
{
  FsGil   *gil;
  gint     polite;        /* atomic: the polite thread has had the lock */
  gint     done;          /* atomic: the polite thread has finished */
  gint64   deadline;
  gint     n_hammered;    /* atomic */
  guint    n_contended;   /* hammer turns once the polite thread was there */
  guint    n_polite;
} Starve;

#define N_POLITE 100

/* Releases and re-acquires at once, over and over, until the other thread
 * is done: the pattern that starves a waiter in a naive lock, as a woken
 * waiter is always slower than a thread already running. It never yields,
 * so drop requests do not help the other thread either. */
static gpointer
hammer_thread (gpointer data)
{
  Starve *starve = data;
  guint8 digest[32] = { 1, };

  while (!g_atomic_int_get (&starve->done) && g_get_monotonic_time () < starve->deadline)
    {
      gboolean contended = g_atomic_int_get (&starve->polite);

      fs_gil_acquire (starve->gil);
      hash_slice (digest);
      fs_gil_release (starve->gil);
      g_atomic_int_inc (&starve->n_hammered);
      if (contended)
        starve->n_contended++;
    }

  return NULL;
}

static gpointer
polite_thread (gpointer data)
{
  Starve *starve = data;
  guint8 digest[32] = { 2, };

  for (guint i = 0; i < N_POLITE && g_get_monotonic_time () < starve->deadline; i++)
    {
      fs_gil_acquire (starve->gil);
      g_atomic_int_set (&starve->polite, 1);
      hash_slice (digest);
      fs_gil_release (starve->gil);
      starve->n_polite++;
    }
  g_atomic_int_set (&starve->done, 1);

  return NULL;
}

static void
test_no_starvation (void)
{
  g_autoptr(FsGil) gil = fs_gil_new (1000);
  Starve starve = { .gil = gil };
  GThread *hammer;
  GThread *polite;

  /* Generous: without starvation this takes a few ms. */
  starve.deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  hammer = g_thread_new ("test-hammer", hammer_thread, &starve);
  while (g_atomic_int_get (&starve.n_hammered) == 0 &&
         g_get_monotonic_time () < starve.deadline)
    g_thread_yield ();
  polite = g_thread_new ("test-polite", polite_thread, &starve);

  g_thread_join (polite);
  g_thread_join (hammer);

  /* The polite thread only gives up at the deadline. While both want the
   * lock they take turns, so the hammer cannot have had it many more times;
   * a lock that merely lets the polite thread through now and then gives
   * the hammer tens or thousands of turns per polite one. */
  g_test_message ("hammer: %d turns, %u of them once the polite thread had had one; polite: %u",
                  starve.n_hammered, starve.n_contended, starve.n_polite);
  g_assert_cmpuint (starve.n_polite, ==, N_POLITE);
  g_assert_cmpint (starve.n_hammered, >, 0);
  g_assert_cmpuint (starve.n_contended, <=, 4 * N_POLITE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Gil/uncontended", test_uncontended);
  g_test_add_func ("/Fetchscope/Gil/exclusive", test_exclusive);
  g_test_add_func ("/Fetchscope/Gil/no-gil-overlaps", test_no_gil_overlaps);
  g_test_add_func ("/Fetchscope/Gil/forced-switch", test_forced_switch);
  g_test_add_func ("/Fetchscope/Gil/no-starvation", test_no_starvation);

  return g_test_run ();
}

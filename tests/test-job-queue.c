/* test-job-queue.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs-job-queue.h"

static void
test_order_and_close (void)
{
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  FsJob *job = NULL;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1/%u", i);
      g_assert_true (fs_job_queue_push (queue, fs_job_new (i, url, "regular"), NULL));
    }

  g_assert_cmpuint (fs_job_queue_get_length (queue), ==, 10);
  g_assert_cmpuint (fs_job_queue_get_pushed (queue), ==, 10);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(FsJob) owned = NULL;

      g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_READY);
      owned = job;
      g_assert_cmpuint (job->url_index, ==, i);
      g_assert_cmpuint (job->id, ==, i + 1);
      g_assert_true (job->t_queued > 0);
      g_assert_true (job->url_class == g_intern_static_string ("regular"));
    }

  g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_EMPTY);
  fs_job_queue_close (queue);
  g_assert_true (fs_job_queue_is_closed (queue));
  g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_CLOSED);
  g_assert_cmpint (fs_job_queue_pop (queue, NULL, &job), ==, FS_JOB_QUEUE_CLOSED);

  /* Pushing into a closed queue fails and frees the job. */
  g_assert_false (fs_job_queue_push (queue, fs_job_new (0, "http://127.0.0.1/", NULL), NULL));
}

typedef struct
{
  FsJobQueue *queue;
  guint       n;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < p->n; i++)
    fs_job_queue_push (p->queue, fs_job_new (i, "http://127.0.0.1/ping", NULL), NULL);
  fs_job_queue_close (p->queue);

  return NULL;
}

static void
test_capacity_blocks_producer (void)
{
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (4);
  Producer p = { queue, 1000 };
  GThread *thread = g_thread_new ("producer", producer_thread, &p);
  guint64 expected = 0;
  FsJob *job;

  /* The producer can never get more than 4 jobs ahead of us. */
  while (fs_job_queue_pop (queue, NULL, &job) == FS_JOB_QUEUE_READY)
    {
      g_assert_cmpuint (job->url_index, ==, expected);
      g_assert_cmpuint (fs_job_queue_get_length (queue), <=, 4);
      expected++;
      fs_job_free (job);
    }

  g_thread_join (thread);
  g_assert_cmpuint (expected, ==, 1000);
}

static void
test_cancel_unblocks (void)
{
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FsJob *job = NULL;

  g_assert_true (fs_job_queue_push (queue, fs_job_new (0, "http://127.0.0.1/", NULL), NULL));
  g_cancellable_cancel (cancellable);
  /* Full and cancelled: returns instead of blocking forever. */
  g_assert_false (fs_job_queue_push (queue, fs_job_new (1, "http://127.0.0.1/", NULL), cancellable));

  g_assert_cmpint (fs_job_queue_pop (queue, cancellable, &job), ==, FS_JOB_QUEUE_READY);
  fs_job_free (job);
  g_assert_cmpint (fs_job_queue_pop (queue, cancellable, &job), ==, FS_JOB_QUEUE_EMPTY);
}

typedef struct
{
  FsJobQueue       *queue;
  GCancellable     *cancellable;
  gint              tid;       /* atomic: 0 until the thread runs */
  FsJobQueueStatus  status;
} Idle;

static gpointer
idle_consumer_thread (gpointer data)
{
  Idle *idle = data;
  FsJob *job = NULL;

  g_atomic_int_set (&idle->tid, (gint) syscall (SYS_gettid));
  idle->status = fs_job_queue_pop (idle->queue, idle->cancellable, &job);
  g_assert_null (job);

  return NULL;
}

static guint64
voluntary_switches (gint tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/status", tid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nvoluntary_ctxt_switches:");
  g_assert_nonnull (line);

  return g_ascii_strtoull (line + strlen ("\nvoluntary_ctxt_switches:"), NULL, 10);
}

/* Consumers waiting on an empty queue sleep until something happens: no
 * timer wakes them to look at the cancellable (a hybrid's idle pool is a
 * hundred of them), and the cancel still reaches every one. */
static void
test_idle_consumers_sleep (void)
{
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Idle idle[8];
  GThread *threads[G_N_ELEMENTS (idle)];
  guint64 before[G_N_ELEMENTS (idle)];

  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    {
      idle[i] = (Idle) { queue, cancellable, 0, FS_JOB_QUEUE_READY };
      threads[i] = g_thread_new ("idle-consumer", idle_consumer_thread, &idle[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    while (g_atomic_int_get (&idle[i].tid) == 0)
      g_usleep (1000);

  /* Let each one reach its wait, then watch them for longer than the old
   * 50 ms re-check interval, eight times over. */
  g_usleep (100 * 1000);
  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    before[i] = voluntary_switches (idle[i].tid);
  g_usleep (400 * 1000);
  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    g_assert_cmpuint (voluntary_switches (idle[i].tid), ==, before[i]);

  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (idle[i].status, ==, FS_JOB_QUEUE_EMPTY);
    }
}

static gboolean
waker_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  guint *fired = user_data;

  g_source_set_ready_time (source, -1);
  (*fired)++;

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs waker_funcs = { NULL, NULL, NULL, NULL, NULL, NULL };

static gboolean
waker_cb (gpointer user_data)
{
  guint *fired = user_data;

  (*fired)++;

  return G_SOURCE_CONTINUE;
}

static void
test_waker (void)
{
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(GMainContext) context = g_main_context_new ();
  GSource *source;
  guint fired = 0;
  FsJob *job;

  waker_funcs.dispatch = waker_dispatch;
  source = g_source_new (&waker_funcs, sizeof (GSource));
  g_source_set_callback (source, waker_cb, &fired, NULL);
  g_source_attach (source, context);
  fs_job_queue_add_waker (queue, source);

  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (fired, ==, 0);

  fs_job_queue_push (queue, fs_job_new (0, "http://127.0.0.1/", NULL), NULL);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (fired, ==, 1);
  g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_READY);
  fs_job_free (job);

  /* Only the push that ends an empty queue fires: a consumer that has not
   * seen the queue empty is not waiting for it. */
  fs_job_queue_push (queue, fs_job_new (1, "http://127.0.0.1/", NULL), NULL);
  fs_job_queue_push (queue, fs_job_new (2, "http://127.0.0.1/", NULL), NULL);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (fired, ==, 2);
  g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_READY);
  fs_job_free (job);
  fs_job_queue_push (queue, fs_job_new (3, "http://127.0.0.1/", NULL), NULL);
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (fired, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_READY);
      fs_job_free (job);
    }
  g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_EMPTY);
  fs_job_queue_push (queue, fs_job_new (4, "http://127.0.0.1/", NULL), NULL);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (fired, ==, 3);
  g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_READY);
  fs_job_free (job);

  fs_job_queue_close (queue);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (fired, ==, 4);

  fs_job_queue_remove_waker (queue, source);
  g_source_destroy (source);
  g_source_unref (source);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/JobQueue/order-and-close", test_order_and_close);
  g_test_add_func ("/Fetchscope/JobQueue/capacity", test_capacity_blocks_producer);
  g_test_add_func ("/Fetchscope/JobQueue/cancel", test_cancel_unblocks);
  g_test_add_func ("/Fetchscope/JobQueue/waker", test_waker);
  g_test_add_func ("/Fetchscope/JobQueue/idle-consumers-sleep", test_idle_consumers_sleep);

  return g_test_run ();
}

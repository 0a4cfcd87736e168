/* fs-engine-thread-pool.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pool runs N long-lived tasks, one per thread, each pulling jobs from
 * the shared queue until it is closed: a work queue with N consumers, which
 * is what ThreadPoolExecutor is. A task per job would hand each job to an
 * arbitrary thread, and the easy handle, with its connection, would have to
 * travel with it.
 */

#include "config.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "fs-engine-thread-pool.h"
#include "fs-error.h"
#include "fs-transfer-private.h"

struct _FsEngineThreadPool
{
  FsEngine parent_instance;
};

G_DEFINE_FINAL_TYPE (FsEngineThreadPool, fs_engine_thread_pool, FS_TYPE_ENGINE)

typedef struct
{
  FsEngine     *engine;
  FsJobQueue   *queue;
  FsEventSink  *sink;
  GCancellable *cancellable;
  GMutex        mutex;
  GError       *error;     /* the first engine failure, under @mutex */
} Pool;

static void
worker (gpointer data,
        gpointer user_data)
{
  Pool *pool = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  g_autoptr(GError) error = NULL;
  FsTransfer transfer;

  if (!_fs_transfer_init (&transfer, fs_engine_get_config (pool->engine),
                          _fs_engine_get_record_strategy (pool->engine), &error))
    {
      g_mutex_lock (&pool->mutex);
      if (pool->error == NULL)
        pool->error = g_steal_pointer (&error);
      g_mutex_unlock (&pool->mutex);
      return;
    }

  transfer.cancellable = pool->cancellable;
  /* Threads can solve a multi-core page's four seeds at once (unless the GIL
   * serialises them again). */
  _fs_transfer_set_cpu_stage (&transfer, _fs_engine_get_gil (pool->engine), 4);
  transfer.lane.index = index;
  transfer.lane.pid = getpid ();
  transfer.lane.tid = (gint32) syscall (SYS_gettid);

  _fs_transfer_fetch_all (&transfer, pool->queue, pool->sink, pool->cancellable);

  _fs_transfer_clear (&transfer);
}

static gboolean
fs_engine_thread_pool_run (FsEngine      *engine,
                           FsJobQueue    *queue,
                           FsEventSink   *sink,
                           GCancellable  *cancellable,
                           GError       **error)
{
  const FsRunConfig *config = fs_engine_get_config (engine);
  g_autoptr(GCancellable) own_cancellable = NULL;
  guint n_threads = fs_run_config_get_workers (config);
  GThreadPool *threads;
  Pool pool = { 0 };
  gboolean ret = TRUE;

  if (!_fs_curl_init (error))
    {
      _fs_engine_cancel_queued (engine, queue, sink);
      return FALSE;
    }

  /* The transfers' progress callback watches it, so Stop interrupts them. */
  if (cancellable == NULL)
    cancellable = own_cancellable = g_cancellable_new ();

  pool.engine = engine;
  pool.queue = queue;
  pool.sink = sink;
  pool.cancellable = cancellable;
  g_mutex_init (&pool.mutex);

  threads = g_thread_pool_new (worker, &pool, n_threads, TRUE, error);
  if (threads == NULL)
    ret = FALSE;
  else
    {
      for (guint i = 0; i < n_threads; i++)
        g_thread_pool_push (threads, GUINT_TO_POINTER (i + 1), NULL);

      /* Waits for every worker to see the queue closed and drained. */
      g_thread_pool_free (threads, FALSE, TRUE);
    }

  /* Jobs left by a cancel, or by workers that could not start. */
  _fs_engine_cancel_queued (engine, queue, sink);

  if (ret && pool.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&pool.error));
      ret = FALSE;
    }

  g_clear_error (&pool.error);
  g_mutex_clear (&pool.mutex);

  return ret;
}

static void
fs_engine_thread_pool_class_init (FsEngineThreadPoolClass *klass)
{
  FsEngineClass *engine_class = FS_ENGINE_CLASS (klass);

  engine_class->run = fs_engine_thread_pool_run;
}

static void
fs_engine_thread_pool_init (FsEngineThreadPool *self)
{
}

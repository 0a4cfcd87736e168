/* fs-engine.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* SCHED_BATCH */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include "fs-i18n.h"
#include "fs-engine-curl-multi.h"
#include "fs-engine-private.h"
#include "fs-engine-hybrid.h"
#include "fs-engine-serial.h"
#include "fs-engine-thread-pool.h"
#include "fs-engine-subprocess.h"
#include "fs-error.h"

typedef struct
{
  FsRunConfig *config;
  FsStrategy   record_strategy;
  FsGil       *gil;          /* owned unless @gil_shared */
  gboolean     gil_shared;
  gboolean     running;
} FsEnginePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FsEngine, fs_engine, G_TYPE_OBJECT)

typedef struct
{
  FsJobQueue   *queue;
  FsEventSink  *sink;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_pointer (&data->queue, fs_job_queue_unref);
  g_clear_pointer (&data->sink, fs_event_sink_unref);
  g_free (data);
}

static void
fs_engine_finalize (GObject *object)
{
  FsEngine *self = (FsEngine *) object;
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_clear_pointer (&priv->config, fs_run_config_free);
  if (!priv->gil_shared)
    g_clear_pointer (&priv->gil, fs_gil_free);

  G_OBJECT_CLASS (fs_engine_parent_class)->finalize (object);
}

static void
fs_engine_class_init (FsEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fs_engine_finalize;
}

static void
fs_engine_init (FsEngine *self)
{
}

/**
 * fs_engine_new:
 * @config: the run's settings; copied
 *
 * Returns: (transfer full): the engine for @config->strategy, or %NULL with
 *   @error set when @config is invalid
 */
FsEngine *
fs_engine_new (const FsRunConfig  *config,
               GError            **error)
{
  FsEngine *self;
  GType type;

  g_return_val_if_fail (config != NULL, NULL);

  if (!fs_run_config_validate (config, error))
    return NULL;

  switch ((FsStrategy) config->strategy)
    {
    case FS_STRATEGY_SERIAL:
      type = FS_TYPE_ENGINE_SERIAL;
      break;

    case FS_STRATEGY_LOOP:
      type = FS_TYPE_ENGINE_CURL_MULTI;
      break;

    case FS_STRATEGY_THREADS:
      type = FS_TYPE_ENGINE_THREAD_POOL;
      break;

    case FS_STRATEGY_PROCESSES:
      type = FS_TYPE_ENGINE_SUBPROCESS;
      break;

    case FS_STRATEGY_HYBRID:
      type = FS_TYPE_ENGINE_HYBRID;
      break;

    case FS_N_STRATEGIES:
    default:
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   _("The “%s” strategy is not available in this build"),
                   fs_strategy_to_string (config->strategy));
      return NULL;
    }

  self = g_object_new (type, NULL);
  _fs_engine_configure (self, config);

  return self;
}

/**
 * _fs_engine_configure:
 * @config: a valid configuration; copied
 *
 * Gives a new engine its settings. fs_engine_new() calls it; an engine
 * made elsewhere (a benchmark's synthetic one) calls it once, before it
 * runs.
 */
void
_fs_engine_configure (FsEngine          *self,
                      const FsRunConfig *config)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_if_fail (FS_IS_ENGINE (self));
  g_return_if_fail (config != NULL);
  g_return_if_fail (priv->config == NULL);

  priv->config = fs_run_config_copy (config);
  priv->record_strategy = config->strategy;
  if (config->gil)
    priv->gil = fs_gil_new (config->switch_interval_us);
}

/**
 * fs_engine_strategy_is_available:
 *
 * Whether fs_engine_new() can run @strategy. Lists and menus show only
 * these.
 */
gboolean
fs_engine_strategy_is_available (FsStrategy strategy)
{
  switch (strategy)
    {
    case FS_STRATEGY_SERIAL:
    case FS_STRATEGY_LOOP:
    case FS_STRATEGY_THREADS:
    case FS_STRATEGY_PROCESSES:
    case FS_STRATEGY_HYBRID:
      return TRUE;

    case FS_N_STRATEGIES:
    default:
      return FALSE;
    }
}

const FsRunConfig *
fs_engine_get_config (FsEngine *self)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_val_if_fail (FS_IS_ENGINE (self), NULL);

  return priv->config;
}

FsStrategy
fs_engine_get_strategy (FsEngine *self)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_val_if_fail (FS_IS_ENGINE (self), FS_STRATEGY_SERIAL);

  return priv->config->strategy;
}

/* The strategy written into records. An engine that runs inside another
 * (the hybrid's loop and pool, a worker process's engine) speaks for that. */
void
_fs_engine_set_record_strategy (FsEngine   *self,
                                FsStrategy  strategy)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_if_fail (FS_IS_ENGINE (self));
  g_return_if_fail (strategy < FS_N_STRATEGIES);
  g_return_if_fail (!priv->running);

  priv->record_strategy = strategy;
}

FsStrategy
_fs_engine_get_record_strategy (FsEngine *self)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_val_if_fail (FS_IS_ENGINE (self), FS_STRATEGY_SERIAL);

  return priv->record_strategy;
}

/**
 * _fs_engine_get_gil:
 *
 * Returns: (nullable) (transfer none): the simulated GIL every CPU stage of
 *   this engine holds, or %NULL without one
 */
FsGil *
_fs_engine_get_gil (FsEngine *self)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_val_if_fail (FS_IS_ENGINE (self), NULL);

  return priv->gil;
}

/* Engines that run inside another (the hybrid's loop and pool) share its
 * GIL, as every thread of one CPython process does. @gil must outlive @self. */
void
_fs_engine_share_gil (FsEngine *self,
                      FsGil    *gil)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_if_fail (FS_IS_ENGINE (self));
  g_return_if_fail (!priv->running);

  if (!priv->gil_shared)
    g_clear_pointer (&priv->gil, fs_gil_free);
  priv->gil = gil;
  priv->gil_shared = TRUE;
}

typedef struct
{
  GSource       parent;
  GCancellable *cancellable;
  gulong        handler;
  gboolean      fired;
} CancelWatch;

static gboolean
cancel_watch_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  CancelWatch *watch = (CancelWatch *) source;

  g_source_set_ready_time (source, -1);
  if (watch->fired)
    return G_SOURCE_CONTINUE;

  watch->fired = TRUE;
  callback (user_data);

  return G_SOURCE_CONTINUE;
}

/* Waits for a handler running in another thread, so the source outlives it. */
static void
cancel_watch_finalize (GSource *source)
{
  CancelWatch *watch = (CancelWatch *) source;

  if (watch->handler != 0)
    g_cancellable_disconnect (watch->cancellable, watch->handler);
  g_clear_object (&watch->cancellable);
}

static GSourceFuncs cancel_watch_funcs = {
  .dispatch = cancel_watch_dispatch,
  .finalize = cancel_watch_finalize,
};

/* Runs in whichever thread cancels: only wake the engine's context. */
static void
cancel_watch_cancelled_cb (GCancellable *cancellable,
                           gpointer      user_data)
{
  g_source_set_ready_time (user_data, 0);
}

/**
 * _fs_engine_watch_cancellable:
 * @func: called once, on @context, when @cancellable fires
 *
 * Like g_cancellable_source_new(), which GLib 2.74 leaks when a cancel in
 * one thread races with the source's destruction in another.
 *
 * Returns: (transfer full): the attached source; destroy and unref it when
 *   done (it disconnects from @cancellable as it goes)
 */
GSource *
_fs_engine_watch_cancellable (GCancellable *cancellable,
                              GMainContext *context,
                              GSourceFunc   func,
                              gpointer      user_data)
{
  GSource *source = g_source_new (&cancel_watch_funcs, sizeof (CancelWatch));
  CancelWatch *watch = (CancelWatch *) source;

  g_source_set_static_name (source, "[fetchscope] cancel");
  g_source_set_callback (source, func, user_data, NULL);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, context);

  watch->cancellable = g_object_ref (cancellable);
  /* Calls back at once if already cancelled. */
  watch->handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_watch_cancelled_cb),
                                          source, NULL);

  return source;
}

/* Gives every job still in @queue its terminal "cancelled" record, waiting
 * for whoever fills the queue to close it (it must, on cancel). */
void
_fs_engine_cancel_queued (FsEngine    *self,
                          FsJobQueue  *queue,
                          FsEventSink *sink)
{
  FsStrategy strategy = _fs_engine_get_record_strategy (self);
  FsJob *job;

  while (fs_job_queue_pop (queue, NULL, &job) == FS_JOB_QUEUE_READY)
    {
      FsEvent event;

      fs_event_init_terminal (&event, job, strategy, NULL);
      event.outcome = FS_OUTCOME_CANCELLED;
      event.t_done = g_get_monotonic_time ();
      fs_event_set_error (&event, "cancelled before it started");
      fs_event_sink_push (sink, &event);
      fs_job_free (job);
    }
}

/* A run's threads do batch work, and say so: the scheduler never lets a
 * woken SCHED_BATCH thread preempt the one running, so an engine thread woken
 * by an answer waits its fair turn instead of cutting into the window, a
 * server on this machine, or a sibling half-way through its request. With a
 * hundred pool threads on two cores each answer woke one that preempted
 * nginx or another pool thread (alternating pairs against nginx: threads
 * × 1.22 req/s at × 0.88 CPU per request, the loop, processes and hybrid
 * × 1.06 to × 1.09; docs/performance.md, "Where the time goes"). The
 * threads a run starts (the pool's, the hybrid's, the CPU stage's solvers)
 * and the worker processes it spawns inherit the policy.
 * Only a SCHED_OTHER thread is changed (a policy the user chose with chrt
 * stands), and it gets SCHED_OTHER back when the run ends. */
static gboolean
enter_batch (void)
{
#ifdef SCHED_BATCH
  struct sched_param param = { 0 };
  int policy;
  int code;

  if (pthread_getschedparam (pthread_self (), &policy, &param) != 0 || policy != SCHED_OTHER)
    return FALSE;

  param.sched_priority = 0;
  if ((code = pthread_setschedparam (pthread_self (), SCHED_BATCH, &param)) != 0)
    {
      g_debug ("Could not run the engine as SCHED_BATCH: %s", g_strerror (code));
      return FALSE;
    }

  return TRUE;
#else
  return FALSE;
#endif
}

static void
leave_batch (gboolean entered)
{
  struct sched_param param = { 0 };
  int code;

  if (entered && (code = pthread_setschedparam (pthread_self (), SCHED_OTHER, &param)) != 0)
    g_debug ("Could not return the thread to SCHED_OTHER: %s", g_strerror (code));
}

static gboolean
run_as_batch (FsEngine      *self,
              FsJobQueue    *queue,
              FsEventSink   *sink,
              GCancellable  *cancellable,
              GError       **error)
{
  gboolean entered = enter_batch ();
  gboolean ret;

  ret = FS_ENGINE_GET_CLASS (self)->run (self, queue, sink, cancellable, error);
  leave_batch (entered);

  return ret;
}

/**
 * fs_engine_run:
 *
 * Runs the engine to completion on the calling thread, as SCHED_BATCH while
 * it runs (see enter_batch()). The sink's records are delivered whenever its
 * consumer context next runs (or on drain).
 */
gboolean
fs_engine_run (FsEngine      *self,
               FsJobQueue    *queue,
               FsEventSink   *sink,
               GCancellable  *cancellable,
               GError       **error)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);
  gboolean ret;

  g_return_val_if_fail (FS_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (queue != NULL, FALSE);
  g_return_val_if_fail (sink != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  if (priv->running)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_FAILED, _("The engine is already running"));
      return FALSE;
    }

  priv->running = TRUE;
  ret = run_as_batch (self, queue, sink, cancellable, error);
  priv->running = FALSE;

  return ret;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  FsEngine *self = source_object;
  RunData *data = task_data;
  g_autoptr(GError) error = NULL;

  if (run_as_batch (self, data->queue, data->sink, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static gpointer
engine_thread (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  run_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
              g_task_get_cancellable (task));

  return NULL;
}

/**
 * fs_engine_run_async:
 *
 * Runs the engine on a thread of its own; @callback is called on the
 * thread-default context of the caller once every job has its terminal
 * record in @sink (they may not have been delivered yet: drain the sink).
 */
/* Every transfer in flight holds a socket and every worker process three
 * pipes: at a concurrency of 1,000 the usual soft limit of 1,024 open files
 * is too few. Raise it, once per process, to the hard limit (worker
 * processes inherit it). Nothing here uses select(): libcurl and GLib poll. */
static gpointer
raise_fd_limit (gpointer data)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Could not raise the open files limit: %s", g_strerror (errno));
    }

  return NULL;
}

void
fs_engine_run_async (FsEngine            *self,
                     FsJobQueue          *queue,
                     FsEventSink         *sink,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  RunData *data;

  g_return_if_fail (FS_IS_ENGINE (self));
  g_return_if_fail (queue != NULL);
  g_return_if_fail (sink != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fs_engine_run_async);
  /* A cancelled run still ends well: every job got its record. */
  g_task_set_check_cancellable (task, FALSE);

  if (priv->running)
    {
      g_task_return_new_error (task, FS_ERROR, FS_ERROR_FAILED, _("The engine is already running"));
      return;
    }

  {
    static GOnce once = G_ONCE_INIT;

    g_once (&once, raise_fd_limit, NULL);
  }

  data = g_new0 (RunData, 1);
  data->queue = fs_job_queue_ref (queue);
  data->sink = fs_event_sink_ref (sink);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  /* A dedicated thread rather than GTask's pool: a run may last hours and
   * must not starve other GTask users. */
  priv->running = TRUE;
  thread = g_thread_try_new ("fs-engine", engine_thread, g_object_ref (task), &error);
  if (thread == NULL)
    {
      priv->running = FALSE;
      g_object_unref (task);
      g_task_return_error (task, g_steal_pointer (&error));
    }
}

gboolean
fs_engine_run_finish (FsEngine      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  FsEnginePrivate *priv = fs_engine_get_instance_private (self);

  g_return_val_if_fail (FS_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  priv->running = FALSE;

  return g_task_propagate_boolean (G_TASK (result), error);
}

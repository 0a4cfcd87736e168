/* fs-engine-hybrid.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three threads of our own: the loop engine's, the pool's (its threads), and
 * this engine's, which routes jobs from the run's queue into one queue per
 * side and watches every record on its way to the run's sink, to learn the
 * CPU cost of each path prefix from the records that carry a CPU stage.
 */

#include "config.h"

#include <string.h>

#include "fs-engine-hybrid.h"
#include "fs-error.h"

/* How often the router takes the records of both sides: every record that
 * ends a job lets it route another, and with the sink's default of 10 ms the
 * loop side ran dry between two batches (0.38 x wrk against nginx where the
 * loop alone reached 0.69 x). */
#define FORWARD_INTERVAL_US 1000

/* Weight of the newest sample in the moving average. */
#define COST_ALPHA 0.3

struct _FsEngineHybrid
{
  FsEngine parent_instance;
};

G_DEFINE_FINAL_TYPE (FsEngineHybrid, fs_engine_hybrid, FS_TYPE_ENGINE)

struct _FsHybridRouter
{
  GHashTable *cost_us;   /* interned prefix → double* moving average */
};

FsHybridRouter *
fs_hybrid_router_new (void)
{
  FsHybridRouter *self = g_new0 (FsHybridRouter, 1);

  self->cost_us = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  return self;
}

void
fs_hybrid_router_free (FsHybridRouter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->cost_us);
  g_free (self);
}

/**
 * fs_hybrid_url_prefix:
 *
 * The path without its last segment: "/page/cpu" for
 * "http://host/page/cpu/7?x=1", "/" for "http://host/ping".
 *
 * Returns: (transfer none): an interned string
 */
const char *
fs_hybrid_url_prefix (const char *url)
{
  g_autofree char *path = NULL;
  const char *start, *end, *slash;

  g_return_val_if_fail (url != NULL, NULL);

  /* Past "scheme://authority"; URLs here were checked by the URL source. */
  start = strstr (url, "://");
  start = start ? strchr (start + 3, '/') : NULL;
  if (start == NULL)
    return g_intern_static_string ("/");

  end = start + strcspn (start, "?#");
  for (slash = end - 1; slash > start && *slash != '/'; slash--)
    ;

  if (slash == start)
    return g_intern_static_string ("/");

  path = g_strndup (start, slash - start);

  return g_intern_string (path);
}

static gboolean
page_type_route (const char *url,
                 FsRoute    *route)
{
  static const struct {
    const char *prefix;
    FsRoute     route;
  } types[] = {
    { "/page/cpu", FS_ROUTE_POOL },
    { "/page/multicore", FS_ROUTE_POOL },
    { "/page/regular", FS_ROUTE_LOOP },
    { "/page/slow", FS_ROUTE_LOOP },
    { "/page/failing", FS_ROUTE_LOOP },
    { "/delay", FS_ROUTE_LOOP },
    { "/", FS_ROUTE_NONE },
  };
  const char *prefix = fs_hybrid_url_prefix (url);

  /* /ping has no prefix of its own: it is the demo server's tiny page. */
  if (g_str_equal (prefix, "/") && g_str_has_suffix (url, "/ping"))
    {
      *route = FS_ROUTE_LOOP;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (g_str_equal (prefix, types[i].prefix))
        {
          *route = types[i].route;
          return *route != FS_ROUTE_NONE;
        }
    }

  return FALSE;
}

/**
 * fs_hybrid_router_route:
 * @url_class: (nullable): the class the URL file gave
 *
 * Returns: where @url goes, with the reason in @reason
 */
FsRoute
fs_hybrid_router_route (FsHybridRouter *self,
                        const char     *url,
                        const char     *url_class,
                        FsRouteReason  *reason)
{
  FsRoute route;
  double *cost;

  g_return_val_if_fail (self != NULL, FS_ROUTE_LOOP);
  g_return_val_if_fail (url != NULL, FS_ROUTE_LOOP);
  g_return_val_if_fail (reason != NULL, FS_ROUTE_LOOP);

  if (url_class != NULL && (g_str_equal (url_class, "heavy") || g_str_equal (url_class, "light")))
    {
      *reason = FS_ROUTE_REASON_CLASS;
      return g_str_equal (url_class, "heavy") ? FS_ROUTE_POOL : FS_ROUTE_LOOP;
    }

  if (page_type_route (url, &route))
    {
      *reason = FS_ROUTE_REASON_PAGE_TYPE;
      return route;
    }

  cost = g_hash_table_lookup (self->cost_us, fs_hybrid_url_prefix (url));
  if (cost == NULL)
    {
      *reason = FS_ROUTE_REASON_DEFAULT;
      return FS_ROUTE_LOOP;
    }

  *reason = FS_ROUTE_REASON_LEARNED;
  return *cost >= FS_HYBRID_HEAVY_CPU_US ? FS_ROUTE_POOL : FS_ROUTE_LOOP;
}

/**
 * fs_hybrid_router_learn:
 * @prefix: an interned prefix from fs_hybrid_url_prefix()
 * @cpu_us: how long one CPU stage of it took
 */
void
fs_hybrid_router_learn (FsHybridRouter *self,
                        const char     *prefix,
                        gint64          cpu_us)
{
  double *cost;

  g_return_if_fail (self != NULL);
  g_return_if_fail (prefix != NULL);

  cost = g_hash_table_lookup (self->cost_us, prefix);
  if (cost == NULL)
    {
      cost = g_new (double, 1);
      *cost = cpu_us;
      g_hash_table_insert (self->cost_us, (gpointer) prefix, cost);
    }
  else
    *cost = COST_ALPHA * cpu_us + (1.0 - COST_ALPHA) * *cost;
}

/**
 * fs_hybrid_router_get_cost:
 *
 * Returns: the moving average of @prefix's CPU stage in µs, or -1 if unknown
 */
double
fs_hybrid_router_get_cost (FsHybridRouter *self,
                           const char     *prefix)
{
  double *cost;

  g_return_val_if_fail (self != NULL, -1);

  cost = g_hash_table_lookup (self->cost_us, prefix);

  return cost ? *cost : -1;
}

typedef struct
{
  FsEngine     *engine;
  FsJobQueue   *queue;
  FsJobQueue   *queues[2];     /* [0] loop, [1] pool */
  FsEngine     *engines[2];
  GThread      *threads[2];
  GError       *errors[2];
  FsEventSink  *sink;          /* the run's */
  FsEventSink  *inner;         /* the sides', consumed here */
  GCancellable *cancellable;
  FsHybridRouter *router;
  GHashTable   *prefixes;      /* job id → interned prefix, while in flight */
  GSource      *waker;
  GMainContext *context;
  guint         n_running;     /* atomic */
  guint         outstanding;   /* routed, not yet ended */
  guint         max_outstanding;
  gboolean      queue_closed;
} Hybrid;

typedef struct
{
  Hybrid *hybrid;
  guint   side;
} Side;

static void route_available (Hybrid *h);

static gpointer
side_thread (gpointer data)
{
  Side *side = data;
  Hybrid *h = side->hybrid;

  fs_engine_run (h->engines[side->side], h->queues[side->side], h->inner, h->cancellable,
                 &h->errors[side->side]);
  g_atomic_int_dec_and_test (&h->n_running);
  g_main_context_wakeup (h->context);
  g_free (side);

  return NULL;
}

/* Records from both sides pass through here on their way to the run's sink. */
static void
forward (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  Hybrid *h = user_data;

  for (guint i = 0; i < n_events; i++)
    {
      const FsEvent *e = &events[i];
      gpointer key = GSIZE_TO_POINTER ((gsize) e->job_id);
      const char *prefix;

      if (e->kind != FS_EVENT_TERMINAL)
        continue;

      prefix = g_hash_table_lookup (h->prefixes, key);
      if (prefix != NULL && e->t_cpu_end > e->t_cpu_start && e->t_cpu_start > 0)
        fs_hybrid_router_learn (h->router, prefix, e->t_cpu_end - e->t_cpu_start);
      if (g_hash_table_remove (h->prefixes, key))
        h->outstanding--;
    }

  fs_event_sink_push_many (h->sink, events, n_events);
  route_available (h);
}

/* Routes while fewer than max_outstanding jobs are between here and their
 * end. The sides' queues are unbounded, so this thread never blocks: it must
 * keep forwarding records, or they would pile up in the inner sink. */
static void
route_available (Hybrid *h)
{
  FsJobQueueStatus status = FS_JOB_QUEUE_EMPTY;
  FsJob *job;

  while (h->outstanding < h->max_outstanding &&
         (status = fs_job_queue_try_pop (h->queue, &job)) == FS_JOB_QUEUE_READY)
    {
      FsRouteReason reason;
      FsRoute route = fs_hybrid_router_route (h->router, job->url, job->url_class, &reason);

      job->route = route;
      job->route_reason = reason;
      g_hash_table_insert (h->prefixes, GSIZE_TO_POINTER ((gsize) job->id),
                           (gpointer) fs_hybrid_url_prefix (job->url));

      h->outstanding++;
      fs_job_queue_push (h->queues[route == FS_ROUTE_POOL ? 1 : 0], job, NULL);
    }

  if (status == FS_JOB_QUEUE_CLOSED && !h->queue_closed)
    {
      h->queue_closed = TRUE;
      fs_job_queue_close (h->queues[0]);
      fs_job_queue_close (h->queues[1]);
    }
}

static gboolean
waker_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  route_available (user_data);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs waker_funcs = { .dispatch = waker_dispatch };

/* Crawl mode: the sides' pages' links belong to the run's queue. The job
 * kept its id and URL index on the way through the router. */
static void
forward_links (const FsJob        *job,
               const char         *final_url,
               const char * const *links,
               guint               n_links,
               gboolean            malformed,
               gpointer            user_data)
{
  fs_job_queue_report_links (user_data, job, final_url, links, n_links, malformed);
}

static gboolean
fs_engine_hybrid_run (FsEngine      *engine,
                      FsJobQueue    *queue,
                      FsEventSink   *sink,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const FsRunConfig *config = fs_engine_get_config (engine);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(FsRunConfig) loop_config = fs_run_config_copy (config);
  g_autoptr(FsRunConfig) pool_config = fs_run_config_copy (config);
  g_autoptr(FsHybridRouter) router = fs_hybrid_router_new ();
  Hybrid h = { 0 };
  gboolean ret = TRUE;

  g_main_context_push_thread_default (context);

  loop_config->strategy = FS_STRATEGY_LOOP;
  pool_config->strategy = FS_STRATEGY_THREADS;
  pool_config->workers = fs_run_config_get_workers (config);

  h.engine = engine;
  h.queue = queue;
  h.sink = sink;
  h.cancellable = cancellable;
  h.context = context;
  h.router = router;
  /* Enough for both sides to stay busy, and a little to choose from. */
  h.max_outstanding = 2 * (config->concurrency + pool_config->workers);
  h.prefixes = g_hash_table_new (NULL, NULL);
  h.inner = fs_event_sink_new (context, 0, forward, &h, NULL);
  fs_event_sink_set_interval (h.inner, FORWARD_INTERVAL_US);

  for (guint i = 0; i < 2; i++)
    {
      h.queues[i] = fs_job_queue_new (0);
      if (fs_job_queue_wants_links (queue))
        fs_job_queue_set_links_func (h.queues[i], forward_links, fs_job_queue_ref (queue),
                                     (GDestroyNotify) fs_job_queue_unref);
      h.engines[i] = fs_engine_new (i == 0 ? loop_config : pool_config, error);
      if (h.engines[i] == NULL)
        {
          ret = FALSE;
          break;
        }
      _fs_engine_set_record_strategy (h.engines[i], FS_STRATEGY_HYBRID);
      /* One process, one GIL: the loop and the pool share it. */
      _fs_engine_share_gil (h.engines[i], _fs_engine_get_gil (engine));
    }

  if (ret)
    {
      h.waker = g_source_new (&waker_funcs, sizeof (GSource));
      g_source_set_callback (h.waker, NULL, &h, NULL);
      g_source_set_static_name (h.waker, "[fetchscope] hybrid router");
      g_source_attach (h.waker, context);
      fs_job_queue_add_waker (queue, h.waker);

      h.n_running = 2;
      for (guint i = 0; i < 2; i++)
        {
          Side *side = g_new0 (Side, 1);

          side->hybrid = &h;
          side->side = i;
          h.threads[i] = g_thread_new (i == 0 ? "fs-hybrid-loop" : "fs-hybrid-pool",
                                       side_thread, side);
        }

      while (g_atomic_int_get (&h.n_running) > 0)
        g_main_context_iteration (context, TRUE);

      for (guint i = 0; i < 2; i++)
        g_thread_join (h.threads[i]);

      fs_event_sink_drain (h.inner);
      fs_job_queue_remove_waker (queue, h.waker);
      g_source_destroy (h.waker);
      g_source_unref (h.waker);

      for (guint i = 0; i < 2 && ret; i++)
        {
          if (h.errors[i] != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&h.errors[i]));
              ret = FALSE;
            }
        }
    }
  else
    {
      _fs_engine_cancel_queued (engine, queue, sink);
    }

  for (guint i = 0; i < 2; i++)
    {
      g_clear_error (&h.errors[i]);
      g_clear_object (&h.engines[i]);
      g_clear_pointer (&h.queues[i], fs_job_queue_unref);
    }
  fs_event_sink_unref (h.inner);
  g_hash_table_unref (h.prefixes);
  g_main_context_pop_thread_default (context);

  return ret;
}

static void
fs_engine_hybrid_class_init (FsEngineHybridClass *klass)
{
  FsEngineClass *engine_class = FS_ENGINE_CLASS (klass);

  engine_class->run = fs_engine_hybrid_run;
}

static void
fs_engine_hybrid_init (FsEngineHybrid *self)
{
}

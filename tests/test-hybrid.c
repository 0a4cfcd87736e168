/* test-hybrid.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hybrid's routing: documented rules, learning, and the records.
 */

#include "config.h"

#include "fs-engine-hybrid.h"
#include "fs-test-server.h"

static void
test_prefix (void)
{
  g_assert_cmpstr (fs_hybrid_url_prefix ("http://h/page/cpu/7"), ==, "/page/cpu");
  g_assert_cmpstr (fs_hybrid_url_prefix ("http://h:8/page/cpu/7?x=/1#a/b"), ==, "/page/cpu");
  g_assert_cmpstr (fs_hybrid_url_prefix ("https://h/api/12"), ==, "/api");
  g_assert_cmpstr (fs_hybrid_url_prefix ("http://h/ping"), ==, "/");
  g_assert_cmpstr (fs_hybrid_url_prefix ("http://h"), ==, "/");
  g_assert_cmpstr (fs_hybrid_url_prefix ("http://h/a/b/"), ==, "/a/b");
  /* Interned: comparable by pointer. */
  g_assert_true (fs_hybrid_url_prefix ("http://x/a/1") == fs_hybrid_url_prefix ("http://y/a/2"));
}

static void
test_rules (void)
{
  g_autoptr(FsHybridRouter) router = fs_hybrid_router_new ();
  const struct {
    const char   *url;
    const char   *klass;
    FsRoute       route;
    FsRouteReason reason;
  } cases[] = {
    { "http://h/page/cpu/1", NULL, FS_ROUTE_POOL, FS_ROUTE_REASON_PAGE_TYPE },
    { "http://h/page/multicore/1", "multicore", FS_ROUTE_POOL, FS_ROUTE_REASON_PAGE_TYPE },
    { "http://h/page/regular/1", "regular", FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "http://h/page/slow/1", NULL, FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "http://h/page/failing/1", NULL, FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "http://h/delay/100", NULL, FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "http://h/ping", "ping", FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    /* The URL file's class wins over the page type. */
    { "http://h/page/cpu/1", "light", FS_ROUTE_LOOP, FS_ROUTE_REASON_CLASS },
    { "http://h/page/regular/1", "heavy", FS_ROUTE_POOL, FS_ROUTE_REASON_CLASS },
    /* Nothing known: the loop. */
    { "http://h/api/1", "api", FS_ROUTE_LOOP, FS_ROUTE_REASON_DEFAULT },
    { "http://h/other/1", NULL, FS_ROUTE_LOOP, FS_ROUTE_REASON_DEFAULT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FsRouteReason reason = FS_ROUTE_REASON_NONE;
      FsRoute route = fs_hybrid_router_route (router, cases[i].url, cases[i].klass, &reason);

      g_assert_cmpint (route, ==, cases[i].route);
      g_assert_cmpint (reason, ==, cases[i].reason);
    }
}

static void
test_learning (void)
{
  g_autoptr(FsHybridRouter) router = fs_hybrid_router_new ();
  const char *api = fs_hybrid_url_prefix ("http://h/api/1");
  FsRouteReason reason;

  g_assert_cmpfloat (fs_hybrid_router_get_cost (router, api), ==, -1);

  /* Cheap pages stay on the loop, now for a reason. */
  fs_hybrid_router_learn (router, api, 100);
  g_assert_cmpint (fs_hybrid_router_route (router, "http://h/api/2", NULL, &reason), ==,
                   FS_ROUTE_LOOP);
  g_assert_cmpint (reason, ==, FS_ROUTE_REASON_LEARNED);

  /* A moving average: one expensive page does not move the prefix… */
  fs_hybrid_router_learn (router, api, 3000);
  g_assert_cmpfloat (fs_hybrid_router_get_cost (router, api), <, FS_HYBRID_HEAVY_CPU_US);
  g_assert_cmpint (fs_hybrid_router_route (router, "http://h/api/3", NULL, &reason), ==,
                   FS_ROUTE_LOOP);

  /* …a run of them does. */
  for (guint i = 0; i < 10; i++)
    fs_hybrid_router_learn (router, api, 10000);
  g_assert_cmpfloat (fs_hybrid_router_get_cost (router, api), >=, FS_HYBRID_HEAVY_CPU_US);
  g_assert_cmpint (fs_hybrid_router_route (router, "http://h/api/4", NULL, &reason), ==,
                   FS_ROUTE_POOL);
  g_assert_cmpint (reason, ==, FS_ROUTE_REASON_LEARNED);

  /* Learning one prefix does not touch another. */
  g_assert_cmpint (fs_hybrid_router_route (router, "http://h/other/4", NULL, &reason), ==,
                   FS_ROUTE_LOOP);
  g_assert_cmpint (reason, ==, FS_ROUTE_REASON_DEFAULT);
}

typedef struct
{
  GArray   *terminals;
  gboolean  finished;
} Run;

static void
collect (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  Run *run = user_data;

  for (guint i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_TERMINAL)
      g_array_append_val (run->terminals, events[i]);
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fs_engine_run_finish (FS_ENGINE (object), result, &error));
  g_assert_no_error (error);
  run->finished = TRUE;
}

/* Each demo page type goes where the header says, and the record says so. */
static void
test_engine_routes (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (0.01, 1);
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  const struct {
    const char   *path;
    const char   *klass;
    FsRoute       route;
    FsRouteReason reason;
  } jobs[] = {
    { "/page/cpu/1", "cpu", FS_ROUTE_POOL, FS_ROUTE_REASON_PAGE_TYPE },
    { "/page/multicore/2", "multicore", FS_ROUTE_POOL, FS_ROUTE_REASON_PAGE_TYPE },
    { "/page/regular/3", "regular", FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "/page/slow/4", "slow", FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "/page/failing/5", "failing", FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "/ping", NULL, FS_ROUTE_LOOP, FS_ROUTE_REASON_PAGE_TYPE },
    { "/page/regular/6", "heavy", FS_ROUTE_POOL, FS_ROUTE_REASON_CLASS },
    { "/api/7", "api", FS_ROUTE_LOOP, FS_ROUTE_REASON_DEFAULT },
  };
  Run run = { g_array_new (FALSE, FALSE, sizeof (FsEvent)), FALSE };
  guint pool_tids = 0, loop_tids = 0;

  config->strategy = FS_STRATEGY_HYBRID;
  config->concurrency = 4;
  config->workers = 2;
  engine = fs_engine_new (config, &error);
  g_assert_no_error (error);
  sink = fs_event_sink_new (NULL, 0, collect, &run, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autofree char *url = fs_test_server_url (server, jobs[i].path);
      fs_job_queue_push (queue, fs_job_new (i, url, jobs[i].klass), NULL);
    }
  fs_job_queue_close (queue);

  fs_engine_run_async (engine, queue, sink, NULL, run_done, &run);
  while (!run.finished)
    g_main_context_iteration (NULL, TRUE);
  fs_event_sink_drain (sink);

  g_assert_cmpuint (run.terminals->len, ==, G_N_ELEMENTS (jobs));
  for (guint i = 0; i < run.terminals->len; i++)
    {
      const FsEvent *e = &g_array_index (run.terminals, FsEvent, i);

      g_assert_cmpint (e->strategy, ==, FS_STRATEGY_HYBRID);
      g_assert_cmpint (e->route, ==, jobs[e->url_index].route);
      g_assert_cmpint (e->route_reason, ==, jobs[e->url_index].reason);
      g_assert_cmpint (e->outcome, !=, FS_OUTCOME_TRANSPORT_ERROR);
      if (e->route == FS_ROUTE_POOL)
        pool_tids = e->lane.tid;
      else
        loop_tids = e->lane.tid;
    }

  /* The two sides are different threads. */
  g_assert_cmpint (pool_tids, !=, 0);
  g_assert_cmpint (loop_tids, !=, 0);
  g_assert_cmpint (pool_tids, !=, loop_tids);

  g_array_unref (run.terminals);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Hybrid/prefix", test_prefix);
  g_test_add_func ("/Fetchscope/Hybrid/rules", test_rules);
  g_test_add_func ("/Fetchscope/Hybrid/learning", test_learning);
  g_test_add_func ("/Fetchscope/Hybrid/engine-routes", test_engine_routes);

  return g_test_run ();
}

/* test-engine.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every engine against the demo server on 127.0.0.1: the one-terminal-per-job
 * invariant, outcomes, timeouts, refusals, protocol limits and cancel.
 * Run once per strategy, and processes once per worker mode (the test paths
 * name them).
 */

#define _GNU_SOURCE /* SCHED_BATCH */

#include "config.h"

#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "fs-test-engine.h"
#include "fs-test-server.h"

#define TIME_SCALE 0.01

/* Two worker processes, so every run uses several even on one core. */
#define PROCESSES_WORKERS 2

static FsTestServer *server;

/* The most transfers that can run at once: a blocking worker process runs
 * one, so its children may be fewer than the concurrency. */
static guint
expected_max_in_flight (const FsTestRunSpec *spec)
{
  if (spec->strategy == FS_STRATEGY_SERIAL)
    return 1;

  if (spec->strategy == FS_STRATEGY_PROCESSES && spec->worker_mode == FS_WORKER_MODE_BLOCKING)
    return MIN (spec->workers, spec->concurrency);

  return spec->concurrency;
}

static char **
repeat_path (const char *path,
             guint       n)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *url = fs_test_server_url (server, path);
      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}

static void
test_mixed_outcomes (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 8);
  const char *paths[] = { "/ping", "/page/regular/1", "/status/503", "/status/404",
                          "/bytes/5000", "/redirect/2", "/page/slow/3", "/status/200" };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) urls = NULL;
  g_autoptr(FsTestCollector) c = NULL;
  g_autoptr(GHashTable) pids = g_hash_table_new (NULL, NULL);
  guint n = 0;

  for (guint r = 0; r < 5; r++)
    for (guint i = 0; i < G_N_ELEMENTS (paths); i++, n++)
      {
        g_autofree char *url = fs_test_server_url (server, paths[i]);
        g_strv_builder_add (builder, url);
      }
  urls = g_strv_builder_end (builder);

  c = fs_test_run_urls (&spec, (const char * const *) urls, n);
  fs_test_assert_one_terminal_each (c, n);

  for (guint i = 0; i < n; i++)
    {
      const FsEvent *e = fs_test_terminal_for_index (c, i);
      const char *path = paths[i % G_N_ELEMENTS (paths)];

      g_assert_cmpint (e->strategy, ==, spec.strategy);
      g_assert_true (e->t_started >= e->t_queued);
      g_assert_true (e->t_done >= e->t_started);
      g_assert_true (e->url_class == g_intern_string (i % 3 == 0 ? "c0" : i % 3 == 1 ? "c1" : "c2"));
      /* The processes strategy fetches in its children, every other here. */
      if (spec.strategy == FS_STRATEGY_PROCESSES)
        {
          g_assert_cmpint (e->lane.pid, >, 0);
          g_assert_cmpint (e->lane.pid, !=, getpid ());
          g_assert_cmpuint (e->lane.index, <, spec.workers);
          g_hash_table_add (pids, GINT_TO_POINTER (e->lane.pid));
        }
      else
        g_assert_cmpint (e->lane.pid, ==, getpid ());
      g_assert_cmpint (e->lane.tid, >, 0);
      g_assert_cmpuint (e->lane.slot, <, spec.concurrency);

      if (g_str_equal (path, "/status/503") || g_str_equal (path, "/status/404"))
        {
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_HTTP_ERROR);
          g_assert_cmpuint (e->http_status, ==, g_str_equal (path, "/status/503") ? 503 : 404);
          g_assert_nonnull (strstr (e->error, "HTTP"));
        }
      else
        {
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
          g_assert_cmpuint (e->http_status, ==, 200);
          g_assert_cmpstr (e->error, ==, "");
          g_assert_true (e->t_first_byte >= e->t_started);
        }

      if (g_str_equal (path, "/ping"))
        g_assert_cmpuint (e->bytes, ==, 100);
      if (g_str_equal (path, "/bytes/5000"))
        g_assert_cmpuint (e->bytes, ==, 5000);
      if (g_str_equal (path, "/redirect/2"))
        g_assert_cmpuint (e->bytes, ==, 100);   /* followed to /ping */
    }

  if (spec.strategy == FS_STRATEGY_PROCESSES)
    g_assert_cmpuint (g_hash_table_size (pids), <=, spec.workers);
}

static void
test_failing_pages (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 10);
  g_auto(GStrv) urls = repeat_path ("/page/failing/1", 60);
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, (const char * const *) urls, 60);
  FsSummary s;

  fs_test_assert_one_terminal_each (c, 60);
  fs_aggregator_get_summary (c->aggregator, &s);
  /* 90 % answer 5xx: the rest are ok, nothing else happens. */
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_HTTP_ERROR], >=, 40);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_HTTP_ERROR] + s.outcomes[FS_OUTCOME_OK], ==, 60);
}

static void
test_timeout (gconstpointer data)
{
  /* 100 s at this time scale is 1 s: far beyond the 150 ms timeout. */
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 3, .timeout_ms = 150);
  g_auto(GStrv) urls = repeat_path ("/delay/100000", 3);
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, (const char * const *) urls, 3);

  fs_test_assert_one_terminal_each (c, 3);
  for (guint i = 0; i < 3; i++)
    {
      const FsEvent *e = fs_test_terminal_for_index (c, i);

      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TIMEOUT);
      g_assert_cmpint (e->curl_code, ==, 28);
      g_assert_cmpint (fs_event_latency_us (e), >=, 140 * 1000);
      g_assert_cmpstr (e->error, !=, "");
    }
}

static guint16
closed_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint16 port;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);   /* bound but never listening: connections are refused */

  return port;
}

static void
test_refused (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 2);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());
  const char *urls[] = { url, url, url };
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, urls, G_N_ELEMENTS (urls));

  fs_test_assert_one_terminal_each (c, 3);
  for (guint i = 0; i < 3; i++)
    {
      const FsEvent *e = fs_test_terminal_for_index (c, i);

      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
      g_assert_cmpint (e->curl_code, ==, 7);   /* CURLE_COULDNT_CONNECT */
      g_assert_cmpuint (e->http_status, ==, 0);
      g_assert_cmpstr (e->error, !=, "");
    }
}

static void
test_protocols_refused (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 2);
  g_autofree char *redirect = fs_test_server_url (server, "/redirect-to?url=file:///etc/passwd");
  g_autofree char *redirect_gopher = fs_test_server_url (server, "/redirect-to?url=gopher://127.0.0.1/");
  const char *urls[] = { "file:///etc/passwd", "gopher://127.0.0.1/", redirect, redirect_gopher,
                         "ftp://127.0.0.1/" };
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, urls, G_N_ELEMENTS (urls));

  fs_test_assert_one_terminal_each (c, G_N_ELEMENTS (urls));
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const FsEvent *e = fs_test_terminal_for_index (c, i);
      g_autofree char *lower = g_ascii_strdown (e->error, -1);

      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
      g_assert_cmpint (e->curl_code, ==, 1);   /* CURLE_UNSUPPORTED_PROTOCOL */
      g_assert_cmpuint (e->bytes, ==, 0);
      g_assert_nonnull (strstr (lower, "protocol"));
    }
}

static void
test_body_cap (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 2,
                               .max_body_bytes = 1000);
  g_autofree char *big = fs_test_server_url (server, "/bytes/200000");
  g_autofree char *small = fs_test_server_url (server, "/bytes/999");
  const char *urls[] = { big, small };
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, urls, 2);
  const FsEvent *e;

  fs_test_assert_one_terminal_each (c, 2);
  e = fs_test_terminal_for_index (c, 0);
  g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
  g_assert_nonnull (strstr (e->error, "cap"));
  g_assert_cmpuint (e->bytes, <=, 1000);
  e = fs_test_terminal_for_index (c, 1);
  g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
  g_assert_cmpuint (e->bytes, ==, 999);
}

static void
test_keep_alive_and_concurrency (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 4);
  FsStrategy strategy = spec.strategy;
  g_auto(GStrv) urls = repeat_path ("/delay/2000", 40);   /* 20 ms each */
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, (const char * const *) urls, 40);
  guint connects = 0;

  fs_test_assert_one_terminal_each (c, 40);
  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && e->t_connect > 0)
        connects++;
    }

  /* Connections are reused: about one new connection per transfer slot. */
  g_assert_cmpuint (connects, >=, 1);
  g_assert_cmpuint (connects, <=, spec.concurrency + 2);

  g_assert_cmpuint (c->max_in_flight, ==, expected_max_in_flight (&spec));

  /* The run lasts at least 10 × 20 ms: the loop's lag probe fires in it. */
  if (strategy == FS_STRATEGY_LOOP)
    {
      guint samples = 0;
      FsSummary s;

      for (guint i = 0; i < c->events->len; i++)
        {
          const FsEvent *e = &g_array_index (c->events, FsEvent, i);

          if (e->kind == FS_EVENT_SAMPLE)
            {
              samples++;
              g_assert_cmpint (e->sample.pid, ==, 0);
              g_assert_cmpint (e->sample.loop_lag_us, >=, 0);
              g_assert_cmpint (e->lane.tid, >, 0);
            }
        }
      g_assert_cmpuint (samples, >=, 1);
      fs_aggregator_get_summary (c->aggregator, &s);
      g_assert_cmpint (s.loop_lag_max_us, >=, 0);
    }
}

static void
test_cancel_keeps_totals (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 5, .cancel_after = 10);
  g_auto(GStrv) urls = repeat_path ("/delay/5000", 100);   /* 50 ms each */
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, (const char * const *) urls, 100);
  FsSummary s;

  fs_test_assert_one_terminal_each (c, 100);
  fs_aggregator_get_summary (c->aggregator, &s);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK], >=, 10);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_CANCELLED], >=, 50);
  g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK] + s.outcomes[FS_OUTCOME_CANCELLED], ==, 100);

  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL && e->outcome == FS_OUTCOME_CANCELLED)
        g_assert_nonnull (strstr (e->error, "cancelled"));
    }
}

/* 200 connections opened at once must all be accepted at once: a listen
 * backlog that is too short makes the kernel drop SYNs, retried after 1 s. */
static void
test_connect_burst (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 200);
  g_auto(GStrv) urls = repeat_path ("/delay/1000", 200);
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, (const char * const *) urls, 200);

  fs_test_assert_one_terminal_each (c, 200);
  for (guint i = 0; i < c->events->len; i++)
    {
      const FsEvent *e = &g_array_index (c->events, FsEvent, i);

      if (e->kind != FS_EVENT_TERMINAL)
        continue;
      g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
      if (e->t_connect > 0)
        g_assert_cmpint (e->t_connect - e->t_started, <, 900 * 1000);
    }
}

/* A concurrency the worker processes cannot split evenly: together they
 * still run exactly that many requests at once, not one more, even though
 * each child of worker mode loop is sent jobs ahead. */
static void
test_odd_concurrency (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data, .concurrency = 5);
  g_auto(GStrv) urls = repeat_path ("/delay/2000", 30);   /* 20 ms each */
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, (const char * const *) urls, 30);

  fs_test_assert_one_terminal_each (c, 30);
  g_assert_cmpuint (c->max_in_flight, ==, expected_max_in_flight (&spec));
}

static void
test_empty_queue (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data);
  g_autoptr(FsTestCollector) c = fs_test_run_urls (&spec, NULL, 0);

  fs_test_assert_one_terminal_each (c, 0);

  /* Worker processes may still report their memory once. */
  for (guint i = 0; i < c->events->len; i++)
    g_assert_cmpint (g_array_index (c->events, FsEvent, i).kind, ==, FS_EVENT_SAMPLE);
  if (spec.strategy != FS_STRATEGY_PROCESSES)
    g_assert_cmpuint (c->events->len, ==, 0);
}

/* A keep-alive server that closes a connection after IDLE_CLOSE_MS without a
 * request: what a real server does to idle keep-alive connections. */
#define IDLE_CLOSE_MS 20
#define IDLE_WAVES    4
#define IDLE_WAVE     6
#define IDLE_PAUSE_US (200 * 1000)

typedef struct
{
  int   listen_fd;
  guint n_connections;   /* atomic */
} IdleServer;

static gpointer
idle_connection_thread (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);
  static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  char buf[4096];
  gsize have = 0;

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gssize n;

      if (poll (&pfd, 1, IDLE_CLOSE_MS) <= 0)
        break;
      n = recv (fd, buf + have, sizeof buf - 1 - have, 0);
      if (n <= 0)
        break;
      have += n;
      buf[have] = '\0';
      /* One GET, no body, at a time: answer each complete head. */
      while (strstr (buf, "\r\n\r\n") != NULL)
        {
          char *end = strstr (buf, "\r\n\r\n") + 4;

          if (send (fd, reply, sizeof reply - 1, MSG_NOSIGNAL) != sizeof reply - 1)
            goto out;
          have -= end - buf;
          memmove (buf, end, have + 1);
        }
    }
out:
  close (fd);
  return NULL;
}

static gpointer
idle_server_thread (gpointer data)
{
  IdleServer *idle = data;
  int fd;

  while ((fd = accept (idle->listen_fd, NULL, NULL)) >= 0)
    {
      g_atomic_int_inc (&idle->n_connections);
      g_thread_unref (g_thread_new ("idle-conn", idle_connection_thread, GINT_TO_POINTER (fd)));
    }

  return NULL;
}

static void
idle_collect (const FsEvent *events,
              guint          n_events,
              gpointer       user_data)
{
  g_array_append_vals (user_data, events, n_events);
}

static void
idle_run_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fs_engine_run_finish (FS_ENGINE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The loop keeps an idle connection's socket watched between transfers. When
 * the server closes it meanwhile, the loop must stop watching it (a closed
 * socket stays readable: watching it would spin the loop), and the next
 * request must get a working connection. Jobs come in waves with pauses
 * longer than the server's idle timeout. */
static void
test_idle_close (gconstpointer data)
{
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (data);
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  IdleServer idle = { 0 };
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  GThread *thread;
  gboolean finished = FALSE;
  double idle_cpu = 0, idle_wall = 0;
  guint n_ok = 0;

  idle.listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (idle.listen_fd, >=, 0);
  g_assert_cmpint (bind (idle.listen_fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (idle.listen_fd, 64), ==, 0);
  g_assert_cmpint (getsockname (idle.listen_fd, (struct sockaddr *) &addr, &len), ==, 0);
  url = g_strdup_printf ("http://127.0.0.1:%u/", ntohs (addr.sin_port));
  thread = g_thread_new ("idle-server", idle_server_thread, &idle);

  config->strategy = spec.strategy;
  config->concurrency = 3;
  config->timeout_ms = 10000;
  engine = fs_engine_new (config, &error);
  g_assert_no_error (error);
  sink = fs_event_sink_new (NULL, 64, idle_collect, events, NULL);
  fs_engine_run_async (engine, queue, sink, NULL, idle_run_done, &finished);

  for (guint w = 0; w < IDLE_WAVES; w++)
    {
      gint64 t0;
      double cpu0;

      for (guint i = 0; i < IDLE_WAVE; i++)
        fs_job_queue_push (queue, fs_job_new (w * IDLE_WAVE + i, url, NULL), NULL);

      /* Past the wave (it takes a few ms) and the server's idle timeout. */
      g_usleep (IDLE_PAUSE_US / 2);
      t0 = g_get_monotonic_time ();
      cpu0 = cpu_seconds ();
      g_usleep (IDLE_PAUSE_US / 2);
      idle_cpu += cpu_seconds () - cpu0;
      idle_wall += (g_get_monotonic_time () - t0) / 1e6;
    }
  fs_job_queue_close (queue);

  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  fs_event_sink_drain (sink);

  for (guint i = 0; i < events->len; i++)
    {
      const FsEvent *e = &g_array_index (events, FsEvent, i);

      if (e->kind == FS_EVENT_TERMINAL)
        {
          if (e->outcome != FS_OUTCOME_OK)
            g_test_message ("job %" G_GUINT64_FORMAT ": %s", e->url_index, e->error);
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
          n_ok++;
        }
    }
  g_assert_cmpuint (n_ok, ==, IDLE_WAVES * IDLE_WAVE);
  /* Every pause closed the wave's connections: the next wave made new ones. */
  g_assert_cmpuint (g_atomic_int_get (&idle.n_connections), >=, IDLE_WAVES);
  /* A loop spinning on a closed socket would burn the whole pause. */
  g_assert_cmpfloat (idle_cpu, <, idle_wall / 2);

  shutdown (idle.listen_fd, SHUT_RDWR);
  close (idle.listen_fd);
  g_thread_join (thread);
}

/* A run through fs_engine_run() on a thread of its own, with @probe read on
 * that thread just before the run and just after it. */
typedef struct
{
  FsEngine    *engine;
  FsJobQueue  *queue;
  FsEventSink *sink;
  guint64    (*probe) (void);
  guint64      before;
  guint64      after;
} ThreadRun;

static gpointer
thread_run_func (gpointer data)
{
  ThreadRun *run = data;
  g_autoptr(GError) error = NULL;

  run->before = run->probe ();
  g_assert_true (fs_engine_run (run->engine, run->queue, run->sink, NULL, &error));
  g_assert_no_error (error);
  run->after = run->probe ();

  return NULL;
}

/* Queues @n_jobs jobs for the test server's /ping, then closes @queue. */
static void
queue_pings (FsJobQueue *queue,
             guint       n_jobs)
{
  g_autofree char *url = fs_test_server_url (server, "/ping");

  for (guint i = 0; i < n_jobs; i++)
    g_assert_true (fs_job_queue_push (queue, fs_job_new (i, url, NULL), NULL));
  fs_job_queue_close (queue);
}

/* The loop's thread makes no write() of its own per loop iteration: GLib 2.74
 * signals a context's eventfd after dispatching a source that has fds and
 * is blocked while dispatched (fs-engine-curl-multi.c), one write, read and
 * poll round per iteration. Here every job is queued before the run and the
 * sink's consumer is woken once, so that thread has next to no reason to
 * call write() at all: requests go out with sendto(), which is not one.
 * write() calls come from /proc/thread-self/io ("syscw"). */
#define WAKEUP_REQUESTS 1000

static guint64
thread_write_calls (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *line;

  g_file_get_contents ("/proc/thread-self/io", &text, NULL, &error);
  g_assert_no_error (error);
  line = strstr (text, "syscw: ");
  g_assert_nonnull (line);

  return g_ascii_strtoull (line + strlen ("syscw: "), NULL, 10);
}

static void
wakeup_count (const FsEvent *events,
              guint          n_events,
              gpointer       user_data)
{
  for (guint i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_TERMINAL && events[i].outcome == FS_OUTCOME_OK)
      (*(guint *) user_data)++;
}

static void
test_loop_no_self_wakeup (void)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  ThreadRun run = { .probe = thread_write_calls };
  guint64 writes;
  guint n_ok = 0;

  config->strategy = FS_STRATEGY_LOOP;
  config->concurrency = 10;
  run.engine = fs_engine_new (config, &error);
  g_assert_no_error (error);

  queue_pings (queue, WAKEUP_REQUESTS);

  /* Swapped out once, at the first record, then only by the drain below. */
  sink = fs_event_sink_new (NULL, 0, wakeup_count, &n_ok, NULL);
  fs_event_sink_set_interval (sink, 600 * G_USEC_PER_SEC);

  run.queue = queue;
  run.sink = sink;
  g_thread_join (g_thread_new ("wakeup-run", thread_run_func, &run));
  fs_event_sink_drain (sink);
  writes = run.after - run.before;

  g_assert_cmpuint (n_ok, ==, WAKEUP_REQUESTS);
  g_test_message ("the loop's thread: %" G_GUINT64_FORMAT " write() calls for %u requests",
                  writes, WAKEUP_REQUESTS);
  /* One per iteration would be hundreds: a batch of answers is at most 10. */
  g_assert_cmpuint (writes, <, WAKEUP_REQUESTS / 20);

  g_object_unref (run.engine);
}

/* Every engine thread runs as SCHED_BATCH (fs-engine.c, enter_batch()):
 * each push is checked on the thread that makes it, a worker process's
 * threads through /proc while the worker lives, and the thread that called
 * fs_engine_run() has SCHED_OTHER back afterwards. */
#define POLICY_REQUESTS 60

/* What the observer saw; atomic: the pool pushes from many threads. */
typedef struct
{
  int pushes;
  int pushes_not_batch;
  int workers_read;
  int workers_not_batch;
} PolicyWatch;

/* proc_pid_stat(5)'s field 41, the policy, or -1 if the thread is gone. */
static int
proc_thread_policy (gint32 pid,
                    gint32 tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/stat", pid, tid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return -1;

  /* From field 3 (the state) on: field 41 is the 39th. */
  fields = g_strsplit (end + 2, " ", 0);
  if (g_strv_length (fields) < 39)
    return -1;

  return atoi (fields[38]);
}

static void
policy_observe (const FsEvent *events,
                guint          n_events,
                gpointer       user_data)
{
  PolicyWatch *watch = user_data;

  g_atomic_int_inc (&watch->pushes);
  if (sched_getscheduler (0) != SCHED_BATCH)
    g_atomic_int_inc (&watch->pushes_not_batch);

  for (guint i = 0; i < n_events; i++)
    {
      int policy;

      if (events[i].lane.pid == 0 || events[i].lane.pid == getpid ())
        continue;

      policy = proc_thread_policy (events[i].lane.pid, events[i].lane.tid);
      if (policy < 0)
        continue;
      g_atomic_int_inc (&watch->workers_read);
      if (policy != SCHED_BATCH)
        g_atomic_int_inc (&watch->workers_not_batch);
    }
}

static void
policy_ignore (const FsEvent *events,
               guint          n_events,
               gpointer       user_data)
{
}

static guint64
thread_policy (void)
{
  return (guint64) sched_getscheduler (0);
}

static void
test_batch_policy (gconstpointer data)
{
  const FsTestVariant *variant = data;
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  ThreadRun run = { .probe = thread_policy };
  PolicyWatch watch = { 0 };

  config->strategy = variant->strategy;
  config->worker_mode = variant->worker_mode;
  config->workers = variant->workers;
  config->concurrency = 4;
  run.engine = fs_engine_new (config, &error);
  g_assert_no_error (error);

  queue_pings (queue, POLICY_REQUESTS);

  sink = fs_event_sink_new (NULL, 0, policy_ignore, NULL, NULL);
  fs_event_sink_set_observer (sink, policy_observe, &watch);
  run.queue = queue;
  run.sink = sink;
  g_thread_join (g_thread_new ("policy-run", thread_run_func, &run));
  fs_event_sink_drain (sink);

  g_test_message ("%d pushes, %d not SCHED_BATCH; %d worker threads read, %d not SCHED_BATCH",
                  watch.pushes, watch.pushes_not_batch, watch.workers_read,
                  watch.workers_not_batch);
  /* A start and a terminal each (processes add their workers' own records). */
  g_assert_cmpint (fs_event_sink_get_pushed (sink), >=, 2 * POLICY_REQUESTS);
  g_assert_cmpint (watch.pushes, >, 0);
  g_assert_cmpint (watch.pushes_not_batch, ==, 0);
  if (variant->strategy == FS_STRATEGY_PROCESSES)
    {
      g_assert_cmpint (watch.workers_read, >, 0);
      g_assert_cmpint (watch.workers_not_batch, ==, 0);
    }
  g_assert_cmpint (run.before, ==, SCHED_OTHER);
  g_assert_cmpint (run.after, ==, SCHED_OTHER);

  g_object_unref (run.engine);
}

static void
add_engine_tests (const FsTestVariant *variant)
{
  static const struct {
    const char *name;
    GTestDataFunc func;
  } tests[] = {
    { "mixed-outcomes", test_mixed_outcomes },
    { "failing-pages", test_failing_pages },
    { "timeout", test_timeout },
    { "refused", test_refused },
    { "protocols-refused", test_protocols_refused },
    { "body-cap", test_body_cap },
    { "keep-alive-and-concurrency", test_keep_alive_and_concurrency },
    { "odd-concurrency", test_odd_concurrency },
    { "cancel-keeps-totals", test_cancel_keeps_totals },
    { "empty-queue", test_empty_queue },
    { "batch-policy", test_batch_policy },
  };

  if (variant->strategy != FS_STRATEGY_SERIAL)
    {
      g_autofree char *path = g_strdup_printf ("/Fetchscope/Engine/%s/connect-burst",
                                               variant->name);
      g_test_add_data_func (path, variant, test_connect_burst);
    }

  /* The strategies that run the curl-multi loop in this process. */
  if (variant->strategy == FS_STRATEGY_LOOP || variant->strategy == FS_STRATEGY_HYBRID)
    {
      g_autofree char *path = g_strdup_printf ("/Fetchscope/Engine/%s/idle-close",
                                               variant->name);
      g_test_add_data_func (path, variant, test_idle_close);
    }

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Fetchscope/Engine/%s/%s",
                                               variant->name, tests[i].name);
      g_test_add_data_func (path, variant, tests[i].func);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) variants = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fs_test_server_new (TIME_SCALE, 1);

  variants = fs_test_make_variants (PROCESSES_WORKERS);
  for (guint i = 0; i < variants->len; i++)
    add_engine_tests (g_ptr_array_index (variants, i));
  g_test_add_func ("/Fetchscope/Engine/loop/no-self-wakeup", test_loop_no_self_wakeup);

  ret = g_test_run ();

  fs_test_server_free (server);

  return ret;
}

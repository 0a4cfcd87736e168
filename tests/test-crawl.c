/* test-crawl.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Crawl mode: link extraction and URL normalisation, the frontier's rules
 * and its termination driven by hand (no network), and every strategy
 * crawling the demo server's 1000-page graph (against its own ground truth)
 * and a static site this test generates, on 127.0.0.1.
 */

#include "config.h"

#include <string.h>

#include "fs-crawler.h"
#include "fs-engine.h"
#include "fs-error.h"
#include "fs-link-extract.h"
#include "fs-test-server.h"

#define TIME_SCALE        0.001
#define PROCESSES_WORKERS 2

static FsTestServer *graph_server;

typedef struct
{
  const char   *name;
  FsStrategy    strategy;
  FsWorkerMode  worker_mode;
} Variant;

static const Variant variants[] = {
  { "serial", FS_STRATEGY_SERIAL, FS_WORKER_MODE_LOOP },
  { "loop", FS_STRATEGY_LOOP, FS_WORKER_MODE_LOOP },
  { "threads", FS_STRATEGY_THREADS, FS_WORKER_MODE_LOOP },
  { "processes-loop", FS_STRATEGY_PROCESSES, FS_WORKER_MODE_LOOP },
  { "processes-blocking", FS_STRATEGY_PROCESSES, FS_WORKER_MODE_BLOCKING },
  { "hybrid", FS_STRATEGY_HYBRID, FS_WORKER_MODE_LOOP },
};

/* URL normalisation */

static void
test_normalize (void)
{
  static const struct {
    const char *base;
    const char *reference;
    const char *expected;   /* NULL: refused */
    const char *host;
  } cases[] = {
    { "http://h/a/b", "c", "http://h/a/c", "h" },
    { "http://h/a/b", "../c#frag", "http://h/c", "h" },
    { "http://h/a/b", "#top", "http://h/a/b", "h" },
    { "http://h/a/b", "", "http://h/a/b", "h" },
    { "http://h/a/b", "?q=1", "http://h/a/b?q=1", "h" },
    { "http://h/a/b", "//Other.Example/x", "http://other.example/x", "other.example" },
    { "http://h/a/b", "HTTP://WWW.Example.ORG:80", "http://www.example.org/", "www.example.org" },
    { "http://h/a/b", "https://x.y:443/p/./q/../r?z#f", "https://x.y/p/r?z", "x.y" },
    { "http://h/a/b", "http://x.y:8080/", "http://x.y:8080/", "x.y" },
    { "http://h/a/b", "  /spaced \n", "http://h/spaced", "h" },
    { "http://h/a/b", "/split\n/line", "http://h/split/line", "h" },
    { "http://h/a/b", "/p%2Fq", "http://h/p%2Fq", "h" },
    { "http://h/a/b", "/é", "http://h/%C3%A9", "h" },
    { "http://h/a/b", "http://[::1]:8080/x", "http://[::1]:8080/x", "::1" },
    { NULL, "http://127.0.0.1:1234/api/0", "http://127.0.0.1:1234/api/0", "127.0.0.1" },
    { "http://h/a/b", "mailto:someone@example.org", NULL, NULL },
    { "http://h/a/b", "javascript:void(0)", NULL, NULL },
    { "http://h/a/b", "ftp://h/file", NULL, NULL },
    { "http://h/a/b", "data:text/plain,x", NULL, NULL },
    { "http://h/a/b", "http://h:99999/x", NULL, NULL },
    { "http://h/a/b", "http:x", NULL, NULL },
    { NULL, "relative/only", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      g_autofree char *url = fs_url_normalize (cases[i].base, cases[i].reference, &host, &error);

      g_test_message ("%s + “%s” → %s", cases[i].base, cases[i].reference,
                      url ? url : error->message);
      g_assert_cmpstr (url, ==, cases[i].expected);
      g_assert_cmpstr (host, ==, cases[i].host);
      if (cases[i].expected == NULL)
        g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_URL);
      else
        g_assert_no_error (error);
    }

  /* Idempotent: the crawler normalises what engines send it once more. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *again = NULL;

      if (cases[i].expected == NULL)
        continue;
      again = fs_url_normalize (NULL, cases[i].expected, NULL, NULL);
      g_assert_cmpstr (again, ==, cases[i].expected);
    }
}

static void
test_host_normalize (void)
{
  static const struct {
    const char *host;
    const char *expected;   /* NULL: refused */
  } cases[] = {
    { "Example.ORG", "example.org" },
    { "127.0.0.1", "127.0.0.1" },
    { "[::1]", "::1" },
    { "localhost", "localhost" },
    { "", NULL },
    { "example.org:80", NULL },
    { "::1", NULL },
    { "example.org/path", NULL },
    { "user@example.org", NULL },
    { "two words", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = fs_crawl_host_normalize (cases[i].host, &error);

      g_assert_cmpstr (host, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);
      else
        g_assert_no_error (error);
    }
}

/* Link extraction */

static GPtrArray *
extract (const char *content_type,
         const char *base,
         const char *body,
         gboolean   *malformed)
{
  return fs_link_extract (content_type, base, (const guint8 *) body, strlen (body), malformed);
}

static void
assert_links (GPtrArray          *links,
              const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < links->len; i++)
    g_test_message ("link %u: %s", i, (const char *) g_ptr_array_index (links, i));

  g_assert_cmpuint (links->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (links, i), ==, expected[i]);
}

static void
test_extract_json (void)
{
  gboolean malformed = TRUE;
  g_autoptr(GPtrArray) links = NULL;
  const char *demo[] = { "http://127.0.0.1:9/api/17", "http://127.0.0.1:9/api/3", NULL };
  const char *mixed[] = { "http://h/dir/a", "https://other.example/b", "http://h/c", NULL };
  const char *none[] = { NULL };

  /* The demo server's pages, resolved against the page's final URL. */
  links = extract ("application/json", "http://127.0.0.1:9/api/0",
                   "{\"id\":0,\"type\":\"regular\",\"links\":[\"/api/17\",\"/api/3\"]}", &malformed);
  assert_links (links, demo);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* Strings only; fragments dropped; other schemes left out. */
  links = extract ("application/json; charset=utf-8", "http://h/dir/page",
                   "{\"links\":[\"a#x\",5,null,{\"href\":\"z\"},\"https://other.example/b\","
                   "\"mailto:x@y\",\"/c\"],\"other\":[\"/nope\"]}", &malformed);
  assert_links (links, mixed);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* Valid JSON without a links array has no links and is no error. */
  links = extract ("application/json", "http://h/", "[\"/a\", \"/b\"]", &malformed);
  assert_links (links, none);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);
  links = extract ("application/json", "http://h/", "{\"links\":\"/a\"}", &malformed);
  assert_links (links, none);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* Malformed JSON is counted. */
  links = extract ("application/json", "http://h/", "{\"links\": [\"/a\"", &malformed);
  assert_links (links, none);
  g_assert_true (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* No Content-Type: the first character decides. */
  links = extract (NULL, "http://h/dir/page", "  {\"links\":[\"a\"]}", &malformed);
  g_assert_cmpuint (links->len, ==, 1);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* A type with no links: not parsed, not malformed. */
  links = extract ("text/plain", "http://h/", "{\"links\":[\"/a\"]}", &malformed);
  assert_links (links, none);
  g_assert_false (malformed);
}

static void
test_extract_html (void)
{
  gboolean malformed = TRUE;
  g_autoptr(GPtrArray) links = NULL;
  const char *page[] = {
    "http://h/dir/a.html", "http://h/dir/a.html", "http://h/dir/page.html",
    "http://h/b", "http://other.example/x", "http://h/dir/img/logo.png",
    "http://h/dir/sub/deeper.html", NULL
  };
  const char *based[] = { "http://cdn.example/base/z.html", "http://cdn.example/i.png", NULL };
  const char *broken[] = { "http://h/x", "http://h/y", NULL };
  const char *none[] = { NULL };

  /* HTML5 elements are no fault of the page, even to an HTML 4 parser. */
  links = extract ("text/html; charset=utf-8", "http://h/dir/page.html",
                   "<!DOCTYPE html><html><head><title>t</title></head><body><nav>"
                   "<a href=\"a.html\">a</a><A HREF='a.html#frag'>again</A><a href=\"#top\">top</a>"
                   "<a href=\"/b\">b</a><a href=\"//other.example/x\">x</a>"
                   "<a href=\"mailto:someone@example.org\">m</a><a href=\"javascript:void(0)\">j</a>"
                   "<a name=\"anchor\">no href</a><img src=\"img/logo.png\">"
                   "<section><p><a href=\"sub/deeper.html\">deeper</a></p></section>"
                   "</nav></body></html>", &malformed);
  assert_links (links, page);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* <base href> applies to every link, also those before it. */
  links = extract ("text/html", "http://h/dir/page.html",
                   "<html><head><base href=\"http://cdn.example/base/\"></head><body>"
                   "<a href=\"z.html\">z</a><img src=\"/i.png\"></body></html>", &malformed);
  assert_links (links, based);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* Broken markup: counted, and whatever links the parser recovers kept. */
  links = extract ("text/html", "http://h/", "<html><body><p <<<< class=\"x\"> </b></i></div>"
                   "<a href=\"/x\">x</a><a href='/y'>y", &malformed);
  assert_links (links, broken);
  g_assert_true (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* Bytes that are no document at all. */
  links = extract ("text/html", "http://h/", "\x01\x02\x03", &malformed);
  assert_links (links, none);
  g_assert_true (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* No Content-Type, but it starts like markup. */
  links = extract (NULL, "http://h/", "<a href=\"/x\">x</a>", &malformed);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_false (malformed);
  g_clear_pointer (&links, g_ptr_array_unref);

  /* An image is not searched for links, whatever it holds. */
  links = extract ("image/png", "http://h/", "<a href=\"/x\">x</a>", &malformed);
  assert_links (links, none);
  g_assert_false (malformed);
}

/* The frontier, driven by hand: this test plays the engine. */

typedef struct
{
  FsCrawler   *crawler;
  FsJobQueue  *queue;
  FsEventSink *sink;
} Frontier;

static void
ignore_records (const FsEvent *events,
                guint          n_events,
                gpointer       user_data)
{
}

static void
frontier_init (Frontier   *f,
               const char *start_url)
{
  f->crawler = fs_crawler_new (start_url, NULL);
  g_assert_nonnull (f->crawler);
  f->queue = fs_job_queue_new (0);
  f->sink = fs_event_sink_new (NULL, 0, ignore_records, NULL, NULL);
}

static void
frontier_start (Frontier *f)
{
  fs_crawler_start (f->crawler, f->queue, f->sink, NULL);
}

static void
frontier_clear (Frontier *f)
{
  g_clear_pointer (&f->sink, fs_event_sink_unref);
  g_clear_pointer (&f->queue, fs_job_queue_unref);
  g_assert_finalize_object (f->crawler);
}

static FsJob *
frontier_pop (Frontier   *f,
              const char *expected_url)
{
  FsJob *job = NULL;

  g_assert_cmpint (fs_job_queue_try_pop (f->queue, &job), ==, FS_JOB_QUEUE_READY);
  g_assert_cmpstr (job->url, ==, expected_url);

  return job;
}

static void
frontier_push (Frontier    *f,
               const FsJob *job,
               FsEventKind  kind)
{
  FsEvent event;

  if (kind == FS_EVENT_START)
    fs_event_init_start (&event, job, FS_STRATEGY_SERIAL, NULL, g_get_monotonic_time ());
  else
    fs_event_init_terminal (&event, job, FS_STRATEGY_SERIAL, NULL);
  fs_event_sink_push (f->sink, &event);
}

static void
frontier_links (Frontier           *f,
                const FsJob        *job,
                const char * const *links)
{
  fs_job_queue_report_links (f->queue, job, NULL, links, g_strv_length ((char **) links), FALSE);
}

static void
assert_open (Frontier *f,
             guint     queued)
{
  g_assert_false (fs_job_queue_is_closed (f->queue));
  g_assert_false (fs_crawler_is_finished (f->crawler));
  g_assert_cmpuint (fs_job_queue_get_length (f->queue), ==, queued);
}

/* Visited on submit; the crawl ends only once the last page in flight has
 * ended, and links that page reports before its end keep it going. */
/* A reading carries the frontier's peak since the one before, so a crawl
 * whose frontier came and went between two readings still shows it; the
 * level carried into later buckets is the frontier as it is. */
static void
test_frontier_readings (void)
{
  Frontier f = { 0 };
  g_autoptr(FsAggregator) aggregator = fs_aggregator_new (G_USEC_PER_SEC, 100);
  g_autoptr(FsAggregator) again = fs_aggregator_new (G_USEC_PER_SEC, 100);
  g_autoptr(FsJob) job0 = NULL;
  g_autoptr(FsJob) job1 = NULL;
  g_autoptr(FsJob) job2 = NULL;
  const char *links0[] = { "http://h/1", "http://h/2", NULL };
  const FsBucket *bucket;
  FsEvent sample = { 0 };

  frontier_init (&f, "http://h/0");
  frontier_start (&f);

  /* The frontier goes 1 → 0 → 2 → 0 with no reading in between. */
  job0 = frontier_pop (&f, "http://h/0");
  frontier_push (&f, job0, FS_EVENT_START);
  frontier_links (&f, job0, links0);
  frontier_push (&f, job0, FS_EVENT_TERMINAL);
  job1 = frontier_pop (&f, "http://h/1");
  job2 = frontier_pop (&f, "http://h/2");
  frontier_push (&f, job1, FS_EVENT_START);
  frontier_push (&f, job2, FS_EVENT_START);

  fs_crawler_add_reading (f.crawler, aggregator);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (aggregator), ==, 1);
  bucket = fs_aggregator_get_bucket (aggregator, 0);
  g_assert_cmpuint (bucket->crawl_visited, ==, 3);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 2);

  /* A later bucket, opened by a memory sample, starts from the level as it
   * was read, 0, not from the peak. */
  sample.kind = FS_EVENT_SAMPLE;
  sample.t_done = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  sample.lane.pid = 1;
  sample.sample.pid = 1;
  sample.sample.loop_lag_us = -1;
  fs_aggregator_add (aggregator, &sample);
  bucket = fs_aggregator_get_bucket (aggregator, fs_aggregator_get_n_buckets (aggregator) - 1);
  g_assert_cmpuint (bucket->crawl_visited, ==, 3);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 0);

  /* The next reading starts again from the frontier as it was. */
  fs_crawler_add_reading (f.crawler, again);
  g_assert_cmpuint (fs_aggregator_get_n_buckets (again), ==, 1);
  bucket = fs_aggregator_get_bucket (again, 0);
  g_assert_cmpuint (bucket->crawl_visited, ==, 3);
  g_assert_cmpuint (bucket->crawl_frontier, ==, 0);

  frontier_push (&f, job1, FS_EVENT_TERMINAL);
  frontier_push (&f, job2, FS_EVENT_TERMINAL);
  g_assert_true (fs_crawler_is_finished (f.crawler));
  frontier_clear (&f);
}

static void
test_frontier_termination (void)
{
  Frontier f = { 0 };
  g_autoptr(FsJob) job0 = NULL;
  g_autoptr(FsJob) job1 = NULL;
  g_autoptr(FsJob) job2 = NULL;
  g_autoptr(FsJob) job3 = NULL;
  const char *links0[] = { "http://h/1", "http://h/2", "http://h/1", "http://h/0",
                           "http://other/x", "not a URL", NULL };
  const char *links2[] = { "http://h/1", "http://h/3#fragment", NULL };
  FsCrawlStats stats;
  FsJob *none = NULL;

  frontier_init (&f, "http://H/0");
  frontier_start (&f);

  assert_open (&f, 1);
  job0 = frontier_pop (&f, "http://h/0");
  frontier_push (&f, job0, FS_EVENT_START);
  frontier_links (&f, job0, links0);

  /* Queued at once, each only once, before the page has ended. */
  assert_open (&f, 2);
  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_cmpuint (stats.visited, ==, 3);
  g_assert_cmpuint (stats.frontier, ==, 2);
  g_assert_cmpuint (stats.in_flight, ==, 1);
  g_assert_cmpuint (stats.links, ==, 6);
  g_assert_cmpuint (stats.known_links, ==, 2);
  g_assert_cmpuint (stats.offsite, ==, 1);
  g_assert_cmpuint (stats.invalid, ==, 1);

  frontier_push (&f, job0, FS_EVENT_TERMINAL);
  assert_open (&f, 2);

  job1 = frontier_pop (&f, "http://h/1");
  job2 = frontier_pop (&f, "http://h/2");
  frontier_push (&f, job1, FS_EVENT_START);
  frontier_push (&f, job2, FS_EVENT_START);
  frontier_push (&f, job1, FS_EVENT_TERMINAL);
  assert_open (&f, 0);

  /* The last page in flight finds one more: not the end. */
  frontier_links (&f, job2, links2);
  frontier_push (&f, job2, FS_EVENT_TERMINAL);
  assert_open (&f, 1);

  /* Ending without a start (cancelled while queued) also ends it. */
  job3 = frontier_pop (&f, "http://h/3");
  frontier_push (&f, job3, FS_EVENT_TERMINAL);

  g_assert_true (fs_crawler_is_finished (f.crawler));
  g_assert_cmpint (fs_job_queue_try_pop (f.queue, &none), ==, FS_JOB_QUEUE_CLOSED);
  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_cmpuint (stats.visited, ==, 4);
  g_assert_cmpuint (stats.done, ==, 4);
  g_assert_cmpuint (stats.frontier, ==, 0);
  g_assert_cmpuint (stats.in_flight, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.known_links, ==, 3);
  g_assert_cmpuint (stats.max_depth, ==, 2);

  /* A second end of a page is a duplicate fetch, counted. */
  frontier_push (&f, job3, FS_EVENT_TERMINAL);
  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_cmpuint (stats.duplicates, ==, 1);

  frontier_clear (&f);
}

/* --per-host 1: one job per host in the engine's hands; allowed hosts
 * count separately. */
static void
test_frontier_per_host (void)
{
  Frontier f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FsJob) job0 = NULL;
  g_autoptr(FsJob) job1 = NULL;
  g_autoptr(FsJob) job2 = NULL;
  g_autoptr(FsJob) jobg = NULL;
  const char *links0[] = { "http://h/1", "http://h/2", "http://G/1", NULL };
  FsCrawlStats stats;

  frontier_init (&f, "http://h/0");
  fs_crawler_set_per_host (f.crawler, 1);
  g_assert_true (fs_crawler_add_allowed_host (f.crawler, "g", &error));
  g_assert_no_error (error);
  g_assert_false (fs_crawler_add_allowed_host (f.crawler, "g:80", &error));
  g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);
  frontier_start (&f);

  job0 = frontier_pop (&f, "http://h/0");
  frontier_push (&f, job0, FS_EVENT_START);
  frontier_links (&f, job0, links0);

  /* h/0 is still running: of h only it, of g one. */
  assert_open (&f, 1);
  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_cmpuint (stats.frontier, ==, 3);
  jobg = frontier_pop (&f, "http://g/1");

  frontier_push (&f, job0, FS_EVENT_TERMINAL);
  assert_open (&f, 1);
  job1 = frontier_pop (&f, "http://h/1");
  frontier_push (&f, job1, FS_EVENT_START);
  frontier_push (&f, jobg, FS_EVENT_START);
  frontier_push (&f, jobg, FS_EVENT_TERMINAL);
  assert_open (&f, 0);

  frontier_push (&f, job1, FS_EVENT_TERMINAL);
  assert_open (&f, 1);
  job2 = frontier_pop (&f, "http://h/2");
  frontier_push (&f, job2, FS_EVENT_START);
  frontier_push (&f, job2, FS_EVENT_TERMINAL);

  g_assert_true (fs_crawler_is_finished (f.crawler));
  frontier_clear (&f);
}

/* --max-depth and --max-pages leave links out, counted; a redirect's
 * target is marked visited. */
static void
test_frontier_bounds (void)
{
  Frontier f = { 0 };
  g_autoptr(FsJob) job0 = NULL;
  g_autoptr(FsJob) job1 = NULL;
  const char *links0[] = { "http://h/1", "http://h/2", "http://h/3", "http://h/final", NULL };
  const char *links1[] = { "http://h/deeper", NULL };
  FsCrawlStats stats;

  frontier_init (&f, "http://h/0");
  fs_crawler_set_max_depth (f.crawler, 1);
  fs_crawler_set_max_pages (f.crawler, 3);
  frontier_start (&f);

  job0 = frontier_pop (&f, "http://h/0");
  frontier_push (&f, job0, FS_EVENT_START);
  fs_job_queue_report_links (f.queue, job0, "http://h/final", links0, 4, TRUE);
  frontier_push (&f, job0, FS_EVENT_TERMINAL);

  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_cmpuint (stats.visited, ==, 3);
  g_assert_cmpuint (stats.over_limit, ==, 1);
  g_assert_cmpuint (stats.redirects, ==, 1);
  g_assert_cmpuint (stats.known_links, ==, 1);
  g_assert_cmpuint (stats.parse_errors, ==, 1);

  job1 = frontier_pop (&f, "http://h/1");
  frontier_push (&f, job1, FS_EVENT_START);
  frontier_links (&f, job1, links1);
  frontier_push (&f, job1, FS_EVENT_TERMINAL);
  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_cmpuint (stats.too_deep, ==, 1);

  frontier_clear (&f);
}

/* A cancel closes the queue at once; the crawl is not "finished". */
static void
test_frontier_cancel (void)
{
  Frontier f = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FsJob) job0 = NULL;
  const char *links0[] = { "http://h/1", NULL };
  FsCrawlStats stats;

  frontier_init (&f, "http://h/0");
  fs_crawler_start (f.crawler, f.queue, f.sink, cancellable);
  job0 = frontier_pop (&f, "http://h/0");
  g_cancellable_cancel (cancellable);
  g_assert_true (fs_job_queue_is_closed (f.queue));

  /* Late links are not queued any more. */
  frontier_links (&f, job0, links0);
  frontier_push (&f, job0, FS_EVENT_TERMINAL);
  g_assert_cmpuint (fs_job_queue_get_length (f.queue), ==, 0);
  fs_crawler_get_stats (f.crawler, &stats);
  g_assert_false (stats.finished);

  frontier_clear (&f);
}

/* Every strategy, for real */

typedef struct
{
  GArray       *terminals;    /* FsEvent */
  GCancellable *cancellable;
  guint         cancel_after;
  gboolean      finished;
  GError       *error;
} Crawl;

static void
crawl_free (Crawl *c)
{
  g_array_unref (c->terminals);
  g_clear_object (&c->cancellable);
  g_clear_error (&c->error);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Crawl, crawl_free)

static void
collect (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  Crawl *c = user_data;

  for (guint i = 0; i < n_events; i++)
    {
      if (events[i].kind != FS_EVENT_TERMINAL)
        continue;
      g_array_append_val (c->terminals, events[i]);
      if (c->terminals->len == c->cancel_after)
        g_cancellable_cancel (c->cancellable);
    }
}

static void
crawl_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Crawl *c = user_data;

  fs_engine_run_finish (FS_ENGINE (object), result, &c->error);
  c->finished = TRUE;
}

static Crawl *
run_crawl (const Variant *variant,
           FsCrawler     *crawler,
           guint          concurrency,
           guint          cancel_after)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsEngine) engine = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(FsEventSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  Crawl *c = g_new0 (Crawl, 1);

  c->terminals = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  c->cancellable = g_cancellable_new ();
  c->cancel_after = cancel_after;

  config->strategy = variant->strategy;
  config->worker_mode = variant->worker_mode;
  config->concurrency = concurrency;
  config->timeout_ms = 10000;
  if (variant->strategy == FS_STRATEGY_PROCESSES)
    config->workers = PROCESSES_WORKERS;
  else if (variant->strategy == FS_STRATEGY_THREADS || variant->strategy == FS_STRATEGY_HYBRID)
    config->workers = concurrency;

  engine = fs_engine_new (config, &error);
  g_assert_no_error (error);

  sink = fs_event_sink_new (NULL, 0, collect, c, NULL);
  fs_crawler_start (crawler, queue, sink, c->cancellable);
  fs_engine_run_async (engine, queue, sink, c->cancellable, crawl_done, c);

  while (!c->finished)
    g_main_context_iteration (NULL, TRUE);
  fs_event_sink_drain (sink);

  g_assert_no_error (c->error);
  /* One terminal per job handed to the engine, whatever happened. */
  g_assert_cmpuint (c->terminals->len, ==, fs_job_queue_get_pushed (queue));

  return c;
}

/* Every page fetched once: one terminal per URL index. */
static void
assert_each_once (Crawl     *c,
                  FsCrawler *crawler)
{
  g_autoptr(GPtrArray) visited = fs_crawler_dup_visited (crawler);
  g_autofree guint8 *seen = g_new0 (guint8, visited->len);

  g_assert_cmpuint (c->terminals->len, ==, visited->len);
  for (guint i = 0; i < c->terminals->len; i++)
    {
      const FsEvent *e = &g_array_index (c->terminals, FsEvent, i);

      g_assert_cmpuint (e->url_index, <, visited->len);
      g_assert_cmpuint (seen[e->url_index], ==, 0);
      seen[e->url_index] = 1;
    }
}

static void
test_graph (gconstpointer data)
{
  const Variant *variant = data;
  g_autoptr(GArray) truth = fs_test_server_dup_reachable (graph_server, 0);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *start = fs_test_server_url (graph_server, "/api/0");
  g_autoptr(FsCrawler) crawler = fs_crawler_new (start, NULL);
  g_autoptr(GPtrArray) visited = NULL;
  g_autoptr(Crawl) c = NULL;
  guint64 n_requests = fs_test_server_get_n_requests (graph_server);
  FsCrawlStats stats;

  for (guint i = 0; i < truth->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/%u", g_array_index (truth, guint, i));

      g_hash_table_add (expected, fs_test_server_url (graph_server, path));
    }

  c = run_crawl (variant, crawler, 8, 0);

  fs_crawler_get_stats (crawler, &stats);
  g_test_message ("%s: %" G_GUINT64_FORMAT " pages (truth %u), %" G_GUINT64_FORMAT
                  " links, %" G_GUINT64_FORMAT " to visited pages, depth %u", variant->name,
                  stats.visited, truth->len, stats.links, stats.known_links, stats.max_depth);

  /* Exactly the ground truth, each page once, and then it stopped. */
  g_assert_true (stats.finished);
  g_assert_cmpuint (stats.visited, ==, truth->len);
  g_assert_cmpuint (stats.done, ==, truth->len);
  g_assert_cmpuint (stats.frontier, ==, 0);
  g_assert_cmpuint (stats.in_flight, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.known_links, >, 0);
  g_assert_cmpuint (stats.parse_errors, ==, 0);
  g_assert_cmpuint (stats.offsite + stats.too_deep + stats.over_limit + stats.invalid, ==, 0);

  visited = fs_crawler_dup_visited (crawler);
  for (guint i = 0; i < visited->len; i++)
    g_assert_true (g_hash_table_contains (expected, g_ptr_array_index (visited, i)));
  assert_each_once (c, crawler);
  for (guint i = 0; i < c->terminals->len; i++)
    {
      FsOutcome outcome = g_array_index (c->terminals, FsEvent, i).outcome;

      g_assert_true (outcome == FS_OUTCOME_OK || outcome == FS_OUTCOME_HTTP_ERROR);
    }

  /* The server saw each page once, and nothing else. */
  g_assert_cmpuint (fs_test_server_get_n_requests (graph_server) - n_requests, ==, truth->len);
}

/* The site: a redirect first, so every relative link resolves against the
 * final URL; relative and absolute links, cycles, fragments, other hosts,
 * other schemes, a broken link, malformed HTML and JSON, a non-HTML type. */
static FsTestServer *
new_site (void)
{
  FsTestServer *site = fs_test_server_new_static ();
  const char *base = fs_test_server_get_base_url (site);
  guint port = fs_test_server_get_port (site);
  g_autofree char *index = NULL;

  index = g_strdup_printf (
    "<!DOCTYPE html><html><head><title>Index</title></head><body><nav>\n"
    "<a href=\"a.html\">a</a> <a href=\"a.html#part\">a, a fragment</a> <a href=\"#top\">top</a>\n"
    "<a href=\"%s/site/b.html\">b, absolute</a>\n"
    "<a href=\"HTTP://127.0.0.1:%u/site/c/\">c, upper-case scheme</a>\n"
    "<a href=\"//127.0.0.1:%u/site/data.json\">protocol-relative</a>\n"
    "<a href=\"http://localhost:%u/site/other-host.html\">same server, other host</a>\n"
    "<a href=\"http://other.invalid/x.html\">other host</a>\n"
    "<a href=\"mailto:someone@example.org\">mail</a> <a href=\"javascript:void(0)\">js</a>\n"
    "<a href=\"missing.html\">broken</a> <img src=\"img/logo.png\">\n"
    "</nav></body></html>\n", base, port, port, port);

  fs_test_server_add_page (site, "/start", 302, "text/plain", "/site/index.html", "moved\n");
  fs_test_server_add_page (site, "/site/index.html", 200, "text/html; charset=utf-8", NULL, index);
  fs_test_server_add_page (site, "/site/a.html", 200, "text/html", NULL,
                           "<html><body><a href=\"index.html\">back</a>"
                           "<a href=\"./c/../b.html#x\">b again</a></body></html>");
  fs_test_server_add_page (site, "/site/b.html", 200, "text/html", NULL,
                           "<html><body><p <<<< class=\"x\"> </b></i></div>"
                           "<a href=\"deep/1.html\">deep</a><a href='/site/a.html'>a");
  fs_test_server_add_page (site, "/site/c/", 200, "text/html", NULL,
                           "<a href=\"../index.html\">up</a> <a href=\"page.html\">page</a>");
  fs_test_server_add_page (site, "/site/c/page.html", 200, "text/html", NULL, "<p>leaf</p>");
  fs_test_server_add_page (site, "/site/data.json", 200, "application/json", NULL,
                           "{\"links\":[\"a.html\",\"json-child.html\",5,null,"
                           "\"ftp://127.0.0.1/f\"]}");
  fs_test_server_add_page (site, "/site/json-child.html", 200, "text/html", NULL,
                           "<a href=\"bad.json\">bad</a>");
  fs_test_server_add_page (site, "/site/bad.json", 200, "application/json", NULL,
                           "{\"links\": [\"never.html\"");
  fs_test_server_add_page (site, "/site/never.html", 200, "text/html", NULL, "<p>unreachable</p>");
  fs_test_server_add_page (site, "/site/img/logo.png", 200, "image/png", NULL,
                           "PNG <a href=\"/site/not-a-link.html\">");
  fs_test_server_add_page (site, "/site/not-a-link.html", 200, "text/html", NULL, "<p>no</p>");
  fs_test_server_add_page (site, "/site/deep/1.html", 200, "text/html", NULL,
                           "<a href=\"2.html\">2</a>");
  fs_test_server_add_page (site, "/site/deep/2.html", 200, "text/html", NULL,
                           "<a href=\"3.html\">3</a>");
  fs_test_server_add_page (site, "/site/deep/3.html", 200, "text/html", NULL,
                           "<a href=\"1.html\">1, a cycle</a>");
  fs_test_server_add_page (site, "/site/other-host.html", 200, "text/html", NULL, "<p>o</p>");

  return site;
}

/* The paths the server was asked for, each exactly once. */
static void
assert_site_hits (FsTestServer       *site,
                  const char * const *expected)
{
  g_autoptr(GPtrArray) paths = fs_test_server_dup_hit_paths (site);
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < paths->len; i++)
    g_test_message ("asked for %s", (const char *) g_ptr_array_index (paths, i));

  g_assert_cmpuint (paths->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (fs_test_server_get_hits (site, expected[i]), ==, 1);
}

static void
test_site (gconstpointer data)
{
  const Variant *variant = data;
  g_autoptr(FsTestServer) site = new_site ();
  g_autofree char *start = fs_test_server_url (site, "/start");
  g_autoptr(FsCrawler) crawler = fs_crawler_new (start, NULL);
  g_autoptr(Crawl) c = NULL;
  const char *expected[] = {
    "/start", "/site/index.html", "/site/a.html", "/site/b.html", "/site/c/",
    "/site/c/page.html", "/site/data.json", "/site/json-child.html", "/site/bad.json",
    "/site/missing.html", "/site/img/logo.png", "/site/deep/1.html", "/site/deep/2.html",
    "/site/deep/3.html", NULL
  };
  FsCrawlStats stats;
  guint n_not_found = 0;

  c = run_crawl (variant, crawler, 4, 0);

  fs_crawler_get_stats (crawler, &stats);
  g_assert_true (stats.finished);
  assert_site_hits (site, expected);
  assert_each_once (c, crawler);

  /* The redirect's target counts as visited: a.html's link to it is known. */
  g_assert_cmpuint (stats.visited, ==, g_strv_length ((char **) expected) - 1);
  g_assert_cmpuint (stats.redirects, ==, 1);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.offsite, ==, 2);
  g_assert_cmpuint (stats.parse_errors, ==, 2);
  g_assert_cmpuint (stats.max_depth, ==, 4);

  for (guint i = 0; i < c->terminals->len; i++)
    {
      const FsEvent *e = &g_array_index (c->terminals, FsEvent, i);

      if (e->http_status == 404)
        n_not_found++;
      else
        g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
    }
  g_assert_cmpuint (n_not_found, ==, 1);
}

/* --allow-host takes in the other host; --max-depth 2 leaves out the deep
 * end; neither changes what is fetched once. */
static void
test_site_bounds (void)
{
  const Variant *loop = &variants[1];
  g_autoptr(FsTestServer) site = new_site ();
  g_autofree char *start = fs_test_server_url (site, "/start");
  g_autoptr(FsCrawler) crawler = fs_crawler_new (start, NULL);
  g_autoptr(Crawl) c = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = {
    "/start", "/site/index.html", "/site/a.html", "/site/b.html", "/site/c/",
    "/site/c/page.html", "/site/data.json", "/site/json-child.html",
    "/site/missing.html", "/site/img/logo.png", "/site/deep/1.html", "/site/other-host.html",
    NULL
  };
  FsCrawlStats stats;

  g_assert_true (fs_crawler_add_allowed_host (crawler, "LocalHost", &error));
  g_assert_no_error (error);
  fs_crawler_set_max_depth (crawler, 2);

  c = run_crawl (loop, crawler, 4, 0);

  fs_crawler_get_stats (crawler, &stats);
  g_assert_true (stats.finished);
  assert_site_hits (site, expected);
  assert_each_once (c, crawler);
  g_assert_cmpuint (stats.offsite, ==, 1);
  g_assert_cmpuint (stats.too_deep, >=, 2);
}

static int
compare_edges (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Requests in flight at once, computed from the records' start and end. */
static guint
max_in_flight (GArray *terminals)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint current = 0, best = 0;

  /* An end at t sorts as 2t, a start as 2t + 1: at a tie, the end first. */
  for (guint i = 0; i < terminals->len; i++)
    {
      const FsEvent *e = &g_array_index (terminals, FsEvent, i);
      gint64 start = 2 * e->t_started + 1, end = 2 * e->t_done;

      g_assert_cmpint (e->t_started, >, 0);
      g_array_append_val (edges, start);
      g_array_append_val (edges, end);
    }
  g_array_sort (edges, compare_edges);

  for (guint i = 0; i < edges->len; i++)
    {
      if (g_array_index (edges, gint64, i) % 2 != 0)
        current++;
      else
        current--;
      best = MAX (best, current);
    }

  return best;
}

/* --per-host 2 on a loop of 16: never more than two requests at once. The
 * same crawl without the cap has more, or the check would prove nothing. */
static void
test_graph_per_host (void)
{
  const Variant *loop = &variants[1];
  g_autofree char *start = fs_test_server_url (graph_server, "/api/0");
  g_autoptr(FsCrawler) capped = fs_crawler_new (start, NULL);
  g_autoptr(FsCrawler) free_crawler = fs_crawler_new (start, NULL);
  g_autoptr(Crawl) c = NULL;
  g_autoptr(Crawl) d = NULL;
  FsCrawlStats stats;

  fs_crawler_set_per_host (capped, 2);
  fs_crawler_set_max_pages (capped, 200);
  c = run_crawl (loop, capped, 16, 0);
  fs_crawler_get_stats (capped, &stats);
  g_assert_true (stats.finished);
  g_assert_cmpuint (stats.visited, ==, 200);
  g_assert_cmpuint (stats.over_limit, >, 0);
  assert_each_once (c, capped);
  g_assert_cmpuint (max_in_flight (c->terminals), <=, 2);

  fs_crawler_set_max_pages (free_crawler, 200);
  d = run_crawl (loop, free_crawler, 16, 0);
  g_assert_cmpuint (max_in_flight (d->terminals), >, 2);
}

/* A cancel mid-crawl: every job handed over still ends once (run_crawl
 * checks), and the crawl is not reported finished. */
static void
test_graph_cancel (gconstpointer data)
{
  const Variant *variant = data;
  g_autofree char *start = fs_test_server_url (graph_server, "/api/0");
  g_autoptr(FsCrawler) crawler = fs_crawler_new (start, NULL);
  g_autoptr(Crawl) c = NULL;
  FsCrawlStats stats;

  c = run_crawl (variant, crawler, 4, 50);

  fs_crawler_get_stats (crawler, &stats);
  g_assert_false (stats.finished);
  g_assert_cmpuint (stats.done, >=, 50);
  g_assert_cmpuint (stats.in_flight, ==, 0);
  assert_each_once (c, crawler);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Crawl/normalize", test_normalize);
  g_test_add_func ("/Fetchscope/Crawl/host-normalize", test_host_normalize);
  g_test_add_func ("/Fetchscope/Crawl/extract/json", test_extract_json);
  g_test_add_func ("/Fetchscope/Crawl/extract/html", test_extract_html);
  g_test_add_func ("/Fetchscope/Crawl/frontier/termination", test_frontier_termination);
  g_test_add_func ("/Fetchscope/Crawl/frontier/readings", test_frontier_readings);
  g_test_add_func ("/Fetchscope/Crawl/frontier/per-host", test_frontier_per_host);
  g_test_add_func ("/Fetchscope/Crawl/frontier/bounds", test_frontier_bounds);
  g_test_add_func ("/Fetchscope/Crawl/frontier/cancel", test_frontier_cancel);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *graph = g_strdup_printf ("/Fetchscope/Crawl/graph/%s", variants[i].name);
      g_autofree char *site = g_strdup_printf ("/Fetchscope/Crawl/site/%s", variants[i].name);
      g_autofree char *cancel = g_strdup_printf ("/Fetchscope/Crawl/cancel/%s", variants[i].name);

      g_test_add_data_func (graph, &variants[i], test_graph);
      g_test_add_data_func (site, &variants[i], test_site);
      g_test_add_data_func (cancel, &variants[i], test_graph_cancel);
    }
  g_test_add_func ("/Fetchscope/Crawl/site/allow-host-and-depth", test_site_bounds);
  g_test_add_func ("/Fetchscope/Crawl/graph/per-host", test_graph_per_host);

  graph_server = fs_test_server_new (TIME_SCALE, 1);
  ret = g_test_run ();
  fs_test_server_free (graph_server);

  return ret;
}

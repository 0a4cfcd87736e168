/* test-faults.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every strategy against a server that breaks HTTP on purpose
 * (fs-fault-server.h): each job still ends in exactly one terminal record,
 * of the kind the fault calls for, with a readable error; totals add up;
 * redirects never leave http and https; the body cap holds; and after every
 * run the process has exactly as many file descriptors as before it.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fs-fault-server.h"
#include "fs-test-engine.h"

#define PROCESSES_WORKERS 2

/* Long enough for any broken-but-quick answer on a loaded machine, short
 * enough that the four stalling paths keep the suite quick. */
#define TIMEOUT_MS        800
#define BODY_CAP          (256 * 1024)
#define MIXED_REPEATS     8
#define RESTARTS          100
/* Generous: the allocator keeps freed memory, and thread stacks come and
 * go; a leak of even 1 KiB per run of the kinds this guards against (a
 * curl multi handle, a worker's buffers) would pass it only barely, a
 * leak per request not at all. */
#define RESTART_RSS_GROWTH_MAX  (20 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

typedef struct
{
  const char *path;
  FsOutcome   outcome;
  const char *error_part;   /* in the error text, lower-cased; NULL: anything */
  gboolean    stalls;       /* ends only by the timeout */
} Expectation;

static const Expectation expectations[] = {
  { "/ok", FS_OUTCOME_OK, NULL, FALSE },
  { "/status/503", FS_OUTCOME_HTTP_ERROR, "http 503", FALSE },
  { "/status/999", FS_OUTCOME_HTTP_ERROR, "http 999", FALSE },
  { "/reset", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/eof-mid-body", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/close-before-headers", FS_OUTCOME_TRANSPORT_ERROR, "empty reply", FALSE },
  { "/no-response", FS_OUTCOME_TIMEOUT, "timed out", TRUE },
  { "/bad-status-line", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/not-http", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/bad-content-length", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/nul-in-header", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/long-header", FS_OUTCOME_TRANSPORT_ERROR, "header", FALSE },
  { "/slow-headers", FS_OUTCOME_TIMEOUT, "timed out", TRUE },
  { "/stall-mid-body", FS_OUTCOME_TIMEOUT, "timed out", TRUE },
  { "/trickle-body", FS_OUTCOME_TIMEOUT, "timed out", TRUE },
  { "/over-cap", FS_OUTCOME_TRANSPORT_ERROR, "cap", FALSE },
  { "/over-cap-chunked", FS_OUTCOME_TRANSPORT_ERROR, "cap", FALSE },
  { "/bad-chunk-size", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/chunk-truncated", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/chunk-no-end", FS_OUTCOME_TRANSPORT_ERROR, NULL, FALSE },
  { "/redirect-loop", FS_OUTCOME_TRANSPORT_ERROR, "redirects", FALSE },
  { "/redirect-ok", FS_OUTCOME_OK, NULL, FALSE },
  { "/redirect-file", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  { "/redirect-file-short", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  { "/redirect-ftp", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  { "/redirect-gopher", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  { "/redirect-dict", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  { "/redirect-scp", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  { "/redirect-telnet", FS_OUTCOME_TRANSPORT_ERROR, "protocol", FALSE },
  /* Checked on its own in check_terminal(): it depends on decoding. */
  { "/gzip-bomb", FS_OUTCOME_OK, NULL, FALSE },
};

static FsFaultServer *server;
static guint baseline_fds;

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  /* Not the one GDir itself holds open. */
  return n - 1;
}

/* What is open, for the log of a failure. */
static void
list_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      g_test_message ("fd %s: %s", name, target ? target : "?");
    }
}

/* The server may accept a connection the client has already given up on a
 * little after the run ends; it is closed at once. A leak never settles. */
static void
assert_fds_back_to_baseline (void)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n;

  g_assert_true (fs_fault_server_wait_idle (server, 10 * 1000));

  while ((n = count_fds ()) != baseline_fds && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);

  if (n != baseline_fds)
    list_fds ();
  g_assert_cmpuint (n, ==, baseline_fds);
}

static gsize
rss_bytes (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  fields = g_strsplit (statm, " ", 0);
  if (g_strv_length (fields) < 2)
    return 0;

  return g_ascii_strtoull (fields[1], NULL, 10) * (gsize) sysconf (_SC_PAGESIZE);
}

static const Expectation *
expectation_for (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    {
      if (g_str_equal (expectations[i].path, path))
        return &expectations[i];
    }

  g_error ("no expectation for %s", path);
  return NULL;
}

/* Readable: UTF-8, printable, one line, and not truncated mid-character. */
static void
assert_readable_error (const FsEvent *e)
{
  g_assert_cmpuint (strlen (e->error), >, 0);
  g_assert_cmpuint (strlen (e->error), <, FS_EVENT_ERROR_LEN);
  g_assert_true (g_utf8_validate (e->error, -1, NULL));

  for (const char *p = e->error; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_true (g_unichar_isprint (g_utf8_get_char (p)));
}

static void
check_terminal (const FsEvent *e,
                const char    *path)
{
  const Expectation *x = expectation_for (path);
  g_autofree char *lower = NULL;

  g_test_message ("%s: outcome %d, curl %d, HTTP %u, %" G_GUINT64_FORMAT " bytes, “%s”",
                  path, e->outcome, e->curl_code, e->http_status, e->bytes, e->error);

  g_assert_cmpuint (e->bytes, <=, BODY_CAP);

  /* libcurl decodes gzip only if asked to (CURLOPT_ACCEPT_ENCODING): then the
   * 16 MiB it expands to must hit the cap; otherwise the compressed bytes
   * are counted as they came. Either way nothing near 16 MiB is kept. */
  if (g_str_equal (path, "/gzip-bomb"))
    {
      gsize decoded = 0;
      gsize sent = fs_fault_server_get_gzip_bomb_size (server, &decoded);

      g_assert_cmpuint (decoded, >, BODY_CAP);
      g_assert_cmpuint (sent, <, BODY_CAP);
      if (e->outcome == FS_OUTCOME_OK)
        g_assert_cmpuint (e->bytes, ==, sent);
      else
        {
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
          g_assert_nonnull (strstr (e->error, "cap"));
        }
      return;
    }

  g_assert_cmpint (e->outcome, ==, x->outcome);

  if (x->outcome == FS_OUTCOME_OK)
    {
      g_assert_cmpstr (e->error, ==, "");
      g_assert_cmpuint (e->http_status, ==, 200);
      g_assert_cmpuint (e->bytes, ==, 2);
      return;
    }

  assert_readable_error (e);
  lower = g_ascii_strdown (e->error, -1);

  /* On a loaded machine the loopback now and then resets a connection the
   * server has just answered and closed, before curl has read the 302. The
   * redirect was then not followed either: nothing was fetched, which is
   * what these faults are about. */
  if (g_str_has_prefix (path, "/redirect-") &&
      g_str_equal (x->error_part ? x->error_part : "", "protocol") &&
      e->curl_code == 56 /* CURLE_RECV_ERROR */ && strstr (lower, "reset") != NULL)
    {
      g_test_message ("%s: the connection was reset before the redirect was read", path);
      g_assert_cmpuint (e->bytes, ==, 0);
      return;
    }

  if (x->error_part != NULL && strstr (lower, x->error_part) == NULL)
    g_error ("%s: error “%s” does not mention “%s”", path, e->error, x->error_part);

  if (x->outcome == FS_OUTCOME_TIMEOUT)
    g_assert_cmpint (e->curl_code, ==, 28);   /* CURLE_OPERATION_TIMEDOUT */
  else if (x->outcome == FS_OUTCOME_TRANSPORT_ERROR)
    g_assert_cmpint (e->curl_code, !=, 0);

  /* Nothing but the 302 itself: the other scheme was never fetched. */
  if (g_str_has_prefix (path, "/redirect-") && x->outcome == FS_OUTCOME_TRANSPORT_ERROR)
    g_assert_cmpuint (e->bytes, ==, 0);
  if (g_str_equal (x->error_part ? x->error_part : "", "protocol"))
    g_assert_cmpint (e->curl_code, ==, 1);    /* CURLE_UNSUPPORTED_PROTOCOL */
}

static FsTestCollector *
run_paths (const FsTestRunSpec *spec,
           GPtrArray           *paths)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (urls, fs_fault_server_url (server, g_ptr_array_index (paths, i)));

  return fs_test_run_urls (spec, (const char * const *) urls->pdata, urls->len);
}

/* Checks every job's record against its path, and the totals by kind. */
static void
check_run (FsTestCollector *c,
           GPtrArray       *paths)
{
  guint expected[FS_N_OUTCOMES] = { 0 };
  FsSummary s;

  fs_test_assert_one_terminal_each (c, paths->len);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      const FsEvent *e = fs_test_terminal_for_index (c, i);

      check_terminal (e, path);
      expected[e->outcome]++;
      if (!g_str_equal (path, "/gzip-bomb"))
        g_assert_cmpint (e->outcome, ==, expectation_for (path)->outcome);
    }

  fs_aggregator_get_summary (c->aggregator, &s);
  for (guint o = 0; o < FS_N_OUTCOMES; o++)
    g_assert_cmpuint (s.outcomes[o], ==, expected[o]);
}

static void
run_and_check (const FsTestRunSpec *spec,
               GPtrArray           *paths)
{
  g_autoptr(FsTestCollector) c = run_paths (spec, paths);

  check_run (c, paths);
  g_clear_pointer (&c, fs_test_collector_free);

  assert_fds_back_to_baseline ();
}

static void
test_paths_covered (void)
{
  const FsFaultPath *paths;
  guint n_paths;

  paths = fs_fault_server_paths (&n_paths);
  g_assert_cmpuint (n_paths, ==, G_N_ELEMENTS (expectations));
  for (guint i = 0; i < n_paths; i++)
    g_assert_cmpstr (expectation_for (paths[i].path)->path, ==, paths[i].path);
}

static void
test_each_fault (gconstpointer data)
{
  const FsTestVariant *variant = data;
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (variant, .timeout_ms = TIMEOUT_MS,
                                             .max_body_bytes = BODY_CAP);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    g_ptr_array_add (paths, (gpointer) expectations[i].path);
  /* Every fault at once, so the stalls overlap. */
  spec.concurrency = paths->len;

  run_and_check (&spec, paths);
}

/* Many of every fault, shuffled, on fewer slots than jobs, so the faults
 * follow each other on the same transfer handles. */
static void
test_mixed (gconstpointer data)
{
  const FsTestVariant *variant = data;
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (variant, .timeout_ms = TIMEOUT_MS,
                                             .max_body_bytes = BODY_CAP, .concurrency = 8);
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    {
      /* Stalls cost a timeout each: once is enough to interleave them. */
      guint repeats = expectations[i].stalls ? 1 : MIXED_REPEATS;

      for (guint r = 0; r < repeats; r++)
        g_ptr_array_add (paths, (gpointer) expectations[i].path);
    }
  for (guint i = paths->len - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gpointer tmp = paths->pdata[i];

      paths->pdata[i] = paths->pdata[j];
      paths->pdata[j] = tmp;
    }

  run_and_check (&spec, paths);
}

/* Cancel a run while transfers hang on the server, start the next: 100
 * times in one process. Every run accounts for all its jobs, and neither
 * descriptors nor memory pile up. */
static void
test_cancel_restart (gconstpointer data)
{
  const FsTestVariant *variant = data;
  /* The trickle sends a byte every 20 ms, so even a blocking transfer sees
   * the cancel within a tick; the timeout is only a safety net. */
  const char *run_paths_list[] = { "/ok", "/trickle-body", "/trickle-body", "/trickle-body",
                                   "/ok", "/ok", "/ok", "/ok" };
  FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (variant, .timeout_ms = 30 * 1000,
                                             .max_body_bytes = BODY_CAP, .concurrency = 4,
                                             .cancel_after = 1);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  gsize rss_after_warmup = 0;

  for (guint i = 0; i < G_N_ELEMENTS (run_paths_list); i++)
    g_ptr_array_add (paths, (gpointer) run_paths_list[i]);

  for (guint run = 0; run < RESTARTS; run++)
    {
      g_autoptr(FsTestCollector) c = run_paths (&spec, paths);
      FsSummary s;

      fs_test_assert_one_terminal_each (c, paths->len);
      fs_aggregator_get_summary (c->aggregator, &s);
      g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK], >=, 1);
      g_assert_cmpuint (s.outcomes[FS_OUTCOME_CANCELLED], >=, 1);
      g_assert_cmpuint (s.outcomes[FS_OUTCOME_OK] + s.outcomes[FS_OUTCOME_CANCELLED], ==,
                        paths->len);

      if (run == 9)
        rss_after_warmup = rss_bytes ();
    }

  assert_fds_back_to_baseline ();

#ifdef UNDER_ASAN
  /* ASan's quarantine holds freed memory back on purpose; LeakSanitizer
   * checks for leaks in that build instead. */
  g_test_message ("AddressSanitizer build: RSS growth not checked");
#else
  {
    gsize rss_end = rss_bytes ();

    g_test_message ("RSS after 10 runs %" G_GSIZE_FORMAT " KiB, after %u runs %" G_GSIZE_FORMAT
                    " KiB", rss_after_warmup / 1024, RESTARTS, rss_end / 1024);
    g_assert_cmpuint (rss_after_warmup, >, 0);
    g_assert_cmpuint (rss_end, <, rss_after_warmup + RESTART_RSS_GROWTH_MAX);
  }
#endif
}

/* A worker process's pipes close when GLib reaps it, a moment after its
 * run has ended: the count is taken once it has held still for 1 s. */
static guint
count_settled_fds (void)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n = count_fds ();
  guint same = 0;

  while (same < 20 && g_get_monotonic_time () < deadline)
    {
      guint now;

      g_usleep (50 * 1000);
      now = count_fds ();
      same = now == n ? same + 1 : 0;
      n = now;
    }
  g_assert_cmpuint (same, ==, 20);

  return n;
}

/* Libraries open some descriptors once per process (libcurl's and GLib's
 * first use, GLib's child watch): one short run per variant first, so the
 * baseline counts them. */
static void
warm_up (GPtrArray *variants)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  g_ptr_array_add (paths, (gpointer) "/ok");
  g_ptr_array_add (paths, (gpointer) "/redirect-ok");

  for (guint i = 0; i < variants->len; i++)
    {
      FsTestRunSpec spec = FS_TEST_VARIANT_SPEC (g_ptr_array_index (variants, i),
                                                 .concurrency = 2, .timeout_ms = 30 * 1000);
      g_autoptr(FsTestCollector) c = run_paths (&spec, paths);

      fs_test_assert_one_terminal_each (c, paths->len);
    }

  g_assert_true (fs_fault_server_wait_idle (server, 10 * 1000));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) variants = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fs_fault_server_new (&error);
  g_assert_no_error (error);

  variants = fs_test_make_variants (PROCESSES_WORKERS);
  warm_up (variants);
  baseline_fds = count_settled_fds ();

  g_test_add_func ("/Fetchscope/Faults/paths-covered", test_paths_covered);
  for (guint i = 0; i < variants->len; i++)
    {
      const FsTestVariant *variant = g_ptr_array_index (variants, i);
      static const struct {
        const char *name;
        GTestDataFunc func;
      } tests[] = {
        { "each-fault", test_each_fault },
        { "mixed", test_mixed },
        { "cancel-restart", test_cancel_restart },
      };

      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/Fetchscope/Faults/%s/%s",
                                                   variant->name, tests[t].name);

          g_test_add_data_func (path, variant, tests[t].func);
        }
    }

  ret = g_test_run ();

  fs_fault_server_free (server);

  return ret;
}

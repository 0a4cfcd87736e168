/* test-cli.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

/* Demo delays shrink a hundredfold: a regular page takes 5 ms, a slow one 50 ms. */
#define TIME_SCALE        "0.01"
/* Generous: a healthy run here takes a few seconds. Only a hang trips it. */
#define CLI_TIMEOUT_S     90
/* How long the interrupt tests wait for the engine thread to appear. */
#define STARTUP_TIMEOUT_S 10

/* Must stay equal to CSV_HEADER in src/core/fs-csv-writer.c: scripts read it. */
#define CSV_HEADER \
  "job_id,url_index,url_class,strategy,lane,slot,pid,tid,outcome,http_status,curl_code," \
  "bytes,queued_us,started_us,dns_us,connect_us,tls_us,first_byte_us,done_us," \
  "cpu_start_us,cpu_end_us,gil_wait_us,latency_us,route,route_reason,error"

static const char * const outcome_members[] = {
  "ok", "http_errors", "transport_errors", "timeouts", "cancelled", "worker_lost",
};

static const char * const outcome_names[] = {
  "ok", "http_error", "transport_error", "timeout", "cancelled", "worker_lost",
};

typedef struct
{
  char               *tmpdir;
  const char * const *env;   /* extra variable, value, …, NULL for what it runs */
  rlim_t              nofile;  /* soft limit of open files for what it runs; 0 = as ours */
} Fixture;

typedef struct
{
  int   status;  /* the exit status, or -1 if a signal ended it */
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliResult, cli_result_clear)

typedef struct
{
  GSubprocess *proc;
  char        *base_url;
} DemoServer;

static void
demo_server_free (DemoServer *server)
{
  if (server == NULL)
    return;

  g_clear_object (&server->proc);
  g_free (server->base_url);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoServer, demo_server_free)

static const char *
cli_path (void)
{
  return g_getenv ("FETCHSCOPE_CLI");
}

/* Every test calls this first, so running the binary by hand without the
 * meson environment reports skips rather than failures. */
static gboolean
require_cli (void)
{
  if (cli_path () == NULL || g_getenv ("FETCHSCOPE_LIBEXECDIR") == NULL)
    {
      /* A misconfigured run fails: a skip here would read as a pass. */
      g_test_fail_printf ("FETCHSCOPE_CLI and FETCHSCOPE_LIBEXECDIR must be set "
                          "(run through meson test)");
      return FALSE;
    }

  return TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmpdir = g_dir_make_tmp ("fetchscope-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->tmpdir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* The CLI writes only plain files here (and its atomic temporaries). */
  dir = g_dir_open (f->tmpdir, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (f->tmpdir, name, NULL);

          g_assert_cmpint (g_unlink (path), ==, 0);
        }
    }

  g_assert_cmpint (g_rmdir (f->tmpdir), ==, 0);
  g_clear_pointer (&f->tmpdir, g_free);
}

static char *
tmp_path (Fixture    *f,
          const char *name)
{
  return g_build_filename (f->tmpdir, name, NULL);
}

static guint
count_dir_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* A child dies with the test, so a failed assertion leaves nothing running. */
static void
child_setup (gpointer user_data)
{
  const Fixture *f = user_data;

  prctl (PR_SET_PDEATHSIG, SIGKILL);

  if (f->nofile > 0)
    {
      struct rlimit limit;

      getrlimit (RLIMIT_NOFILE, &limit);
      limit.rlim_cur = f->nofile;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static GSubprocess *
spawnv_in (Fixture             *f,
           GSubprocessFlags     flags,
           const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  GSubprocess *proc;

  g_test_message ("running: %s", command);

  g_subprocess_launcher_set_cwd (launcher, f->tmpdir);
  for (guint i = 0; f->env != NULL && f->env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, f->env[i], f->env[i + 1], TRUE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, f, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (proc);

  return proc;
}

/* argv without the program: argv[0] is the first argument of the CLI. */
static GSubprocess *
spawn_cli (Fixture            *f,
           GSubprocessFlags    flags,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  return spawnv_in (f, flags, (const char * const *) argv->pdata);
}

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

/* Feeds @input (may be NULL), collects stdout and stderr, and waits for
 * the exit; a CLI still running after CLI_TIMEOUT_S fails the test. */
static void
communicate (GSubprocess *proc,
             const char  *input,
             CliResult   *result)
{
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (CLI_TIMEOUT_S, timed_out_cb, &timed_out);
  g_subprocess_communicate_utf8_async (proc, input, NULL, got_result_cb, &async_result);

  while (async_result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (async_result == NULL)
    {
      g_subprocess_force_exit (proc);
      g_error ("fetchscope-cli did not exit within %u s", CLI_TIMEOUT_S);
    }
  g_source_remove (timeout_id);

  g_subprocess_communicate_utf8_finish (proc, async_result, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->out);
  g_assert_nonnull (result->err);

  if (g_subprocess_get_if_exited (proc))
    result->status = g_subprocess_get_exit_status (proc);
  else
    result->status = -1;

  g_test_message ("exit status %d; stderr:\n%s", result->status, result->err);
}

static void
run_cli_with_input (Fixture            *f,
                    const char         *input,
                    const char * const *args,
                    CliResult          *result)
{
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr(GSubprocess) proc = NULL;

  flags |= input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  proc = spawn_cli (f, flags, args);
  communicate (proc, input, result);
}

static void
run_cli (Fixture            *f,
         const char * const *args,
         CliResult          *result)
{
  run_cli_with_input (f, NULL, args, result);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected \"%s\" in:\n%s", needle, haystack);
}

/* The demo server, started by the test itself for URL files and stdin. */
static DemoServer *
demo_server_start (Fixture *f)
{
  g_autoptr(DemoServer) server = g_new0 (DemoServer, 1);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exe = g_build_filename (g_getenv ("FETCHSCOPE_LIBEXECDIR"),
                                           "fetchscope-demo-server", NULL);
  const char * const argv[] = { exe, "--port", "0", "--time-scale", TIME_SCALE, NULL };

  server->proc = spawnv_in (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  server->base_url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server->base_url);
  g_assert_true (g_str_has_prefix (server->base_url, "http://127.0.0.1:"));

  return g_steal_pointer (&server);
}

static void
demo_server_stop (DemoServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server->proc, SIGTERM);
  g_subprocess_wait (server->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (server->proc), ==, 0);
}

static JsonNode *
load_json (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return node;
}

/* Runs the CLI, which must exit 0, and returns the summary it wrote. */
static JsonNode *
run_cli_summary (Fixture            *f,
                 const char * const *args,
                 const char         *json_path)
{
  g_auto(CliResult) r = { 0 };

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  return load_json (json_path);
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("JSON summary has no \"%s\"", name);

  return node;
}

static gint64
json_int (JsonObject *object,
          const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64);

  return json_node_get_int (node);
}

static double
json_double (JsonObject *object,
             const char *name)
{
  JsonNode *node = member (object, name);
  GType type;

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  type = json_node_get_value_type (node);
  g_assert_true (type == G_TYPE_DOUBLE || type == G_TYPE_INT64);

  return json_node_get_double (node);
}

static gboolean
json_bool (JsonObject *object,
           const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_BOOLEAN);

  return json_node_get_boolean (node);
}

static const char *
json_string (JsonObject *object,
             const char *name)
{
  JsonNode *node = member (object, name);

  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_STRING);

  return json_node_get_string (node);
}

/* "Nothing lost": the six outcomes partition the total. */
static void
assert_outcomes_add_up (JsonObject *summary,
                        gint64      total)
{
  gint64 sum = 0;

  g_assert_cmpint (json_int (summary, "total"), ==, total);
  for (guint i = 0; i < G_N_ELEMENTS (outcome_members); i++)
    {
      gint64 n = json_int (summary, outcome_members[i]);

      g_assert_cmpint (n, >=, 0);
      sum += n;
    }
  g_assert_cmpint (sum, ==, total);
}

static void
assert_latency_ordered (JsonObject *summary)
{
  JsonNode *node = member (summary, "latency_ms");
  JsonObject *latency;
  double p50, p90, p99, p999, max, mean;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  latency = json_node_get_object (node);

  p50 = json_double (latency, "p50");
  p90 = json_double (latency, "p90");
  p99 = json_double (latency, "p99");
  p999 = json_double (latency, "p999");
  max = json_double (latency, "max");
  mean = json_double (latency, "mean");

  g_assert_cmpfloat (p50, >, 0);
  g_assert_cmpfloat (p50, <=, p90);
  g_assert_cmpfloat (p90, <=, p99);
  g_assert_cmpfloat (p99, <=, p999);
  g_assert_cmpfloat (p999, <=, max);
  g_assert_cmpfloat (mean, >, 0);
  g_assert_cmpfloat (mean, <=, max);
}

/* The numbers of the "requests" line of the text summary. */
static void
parse_summary_line (const char *out,
                    gint64     *total,
                    gint64     *ok,
                    gint64     *http_errors)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *ok_text = NULL;
  g_autofree char *http_text = NULL;

  regex = g_regex_new ("^  requests +([0-9]+) +ok ([0-9]+) +http errors ([0-9]+) ",
                       G_REGEX_MULTILINE, 0, NULL);
  g_assert_nonnull (regex);
  if (!g_regex_match (regex, out, 0, &match))
    g_error ("no \"requests ... ok ... http errors ...\" line in the summary:\n%s", out);

  total_text = g_match_info_fetch (match, 1);
  ok_text = g_match_info_fetch (match, 2);
  http_text = g_match_info_fetch (match, 3);
  *total = g_ascii_strtoll (total_text, NULL, 10);
  *ok = g_ascii_strtoll (ok_text, NULL, 10);
  *http_errors = g_ascii_strtoll (http_text, NULL, 10);
}

/* @extra: more options, NULL-terminated, or NULL */
static void
check_mixed_run (Fixture            *f,
                 const char         *strategy,
                 const char         *count_text,
                 const char * const *extra)
{
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *json_path = tmp_path (f, "summary.json");
  gint64 count = g_ascii_strtoll (count_text, NULL, 10);
  JsonObject *summary;
  /* --demo-seed fixes which failing requests answer 5xx; serial fetches
   * them in a fixed order, so its two failing pages give a known result. */
  const char * const base_args[] = {
    "run", "--strategy", strategy, "--urls", "demo:mixed", "--count", count_text,
    "--concurrency", "50", "--json", json_path, "--demo-time-scale", TIME_SCALE,
    "--demo-seed", "1", NULL
  };

  for (guint i = 0; base_args[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) base_args[i]);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);

  run_cli (f, (const char * const *) args->pdata, &r);
  g_assert_cmpint (r.status, ==, 0);
  /* Worker processes that fail are reported on stderr. */
  g_assert_null (strstr (r.err, "worker"));

  root = load_json (json_path);
  summary = json_node_get_object (root);

  g_assert_cmpstr (json_string (summary, "fetchscope_version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_string (summary, "strategy"), ==, strategy);
  g_assert_cmpstr (json_string (summary, "urls"), ==, "demo:mixed");
  g_assert_cmpint (json_int (summary, "concurrency"), ==, 50);
  g_assert_true (json_bool (summary, "complete"));

  assert_outcomes_add_up (summary, count);
  /* One page in ten fails, 90 % of the time; the others always answer 200. */
  g_assert_cmpint (json_int (summary, "http_errors"), >=, 1);
  g_assert_cmpint (json_int (summary, "http_errors"), <=, count / 10);
  g_assert_cmpint (json_int (summary, "ok") + json_int (summary, "http_errors"), ==, count);
  g_assert_cmpint (json_int (summary, "bad_lines"), ==, 0);
  g_assert_cmpint (json_int (summary, "bytes"), >, 0);

  assert_latency_ordered (summary);
  g_assert_cmpint (json_int (summary, "peak_rss_bytes"), >, 0);
  g_assert_cmpfloat (json_double (summary, "cpu_s"), >=, 0);
  g_assert_cmpfloat (json_double (summary, "wall_s"), >, 0);
  g_assert_cmpfloat (json_double (summary, "rps"), >, 0);

  assert_contains (r.out, "Fetchscope " PACKAGE_VERSION ": ");
}

static void
test_run_mixed_json (Fixture       *f,
                     gconstpointer  data)
{
  if (!require_cli ())
    return;

  check_mixed_run (f, "loop", "200", NULL);
}

static void
test_run_serial_json (Fixture       *f,
                      gconstpointer  data)
{
  if (!require_cli ())
    return;

  check_mixed_run (f, "serial", "20", NULL);
}

/* The processes strategy in both worker modes: two children each. */
static void
test_run_processes_json (Fixture       *f,
                         gconstpointer  data)
{
  const char * const extra[] = { "--workers", "2", "--worker-mode", data, NULL };

  if (!require_cli ())
    return;

  check_mixed_run (f, "processes", "100", extra);
}

/* --discard-records: every record still reaches the sink and is counted
 * (the outcomes add up and the run checks that nothing was lost), but none
 * is aggregated, so the summary has a rate and no latency. */
static void
test_run_discard_records (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  const char * const args[] = {
    "run", "--strategy", data, "--urls", "demo:mixed", "--count", "100", "--concurrency", "20",
    "--json", json_path, "--demo-time-scale", TIME_SCALE, "--discard-records", "--quiet", NULL
  };
  JsonObject *summary, *latency;

  if (!require_cli ())
    return;

  root = run_cli_summary (f, args, json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 100);
  g_assert_cmpint (json_int (summary, "ok") + json_int (summary, "http_errors"), ==, 100);
  g_assert_cmpint (json_int (summary, "http_errors"), >=, 1);
  g_assert_cmpfloat (json_double (summary, "rps"), >, 0);
  g_assert_cmpint (json_int (summary, "peak_rss_bytes"), >, 0);
  /* Nothing was aggregated: no latency, no bytes. */
  latency = json_node_get_object (member (summary, "latency_ms"));
  g_assert_cmpfloat (json_double (latency, "p50"), ==, 0);
  g_assert_cmpfloat (json_double (latency, "max"), ==, 0);
  g_assert_cmpint (json_int (summary, "bytes"), ==, 0);
}

/* Workers that break the protocol (the worker's test-only switch makes
 * each write garbage after its first record) are named on stderr, and
 * their jobs count as lost: the run still adds up. */
static void
test_run_processes_worker_lost (Fixture       *f,
                                gconstpointer  data)
{
  const char * const env[] = { "FETCHSCOPE_WORKER_CORRUPT_AFTER", "1", NULL };
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  const char * const args[] = {
    "run", "--strategy", "processes", "--workers", "2", "--urls", "demo:ping",
    "--count", "40", "--json", json_path, "--demo-time-scale", TIME_SCALE, NULL
  };
  JsonObject *summary;

  if (!require_cli ())
    return;

  f->env = env;
  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 40);
  g_assert_cmpint (json_int (summary, "worker_lost"), ==, 40);

  assert_contains (r.err, "fetchscope-cli: worker ");
  assert_contains (r.err, "sent an invalid frame: bad magic");
  assert_contains (r.out, "worker lost 40");
}

/* One CSV line split into fields: quoted fields may hold commas and
 * doubled quotes. NULL when the line is malformed. */
static GPtrArray *
csv_split (const char *line)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  const char *p = line;

  for (;;)
    {
      g_autoptr(GString) field = g_string_new (NULL);

      if (*p == '"')
        {
          p++;
          for (;;)
            {
              if (*p == '\0')
                return NULL;
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                {
                  g_string_append_c (field, *p++);
                }
            }
          if (*p != ',' && *p != '\0')
            return NULL;
        }
      else
        {
          while (*p != ',' && *p != '\0')
            {
              if (*p == '"')
                return NULL;
              g_string_append_c (field, *p++);
            }
        }

      g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));

      if (*p == '\0')
        break;
      p++;
    }

  return g_steal_pointer (&fields);
}

static gint64
csv_int (GPtrArray *row,
         GPtrArray *header,
         const char *column)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;
  guint i;

  g_assert_true (g_ptr_array_find_with_equal_func (header, column, g_str_equal, &i));
  g_ascii_string_to_signed (g_ptr_array_index (row, i), 10, G_MININT64, G_MAXINT64,
                            &value, &error);
  g_assert_no_error (error);

  return value;
}

static const char *
csv_str (GPtrArray *row,
         GPtrArray *header,
         const char *column)
{
  guint i;

  g_assert_true (g_ptr_array_find_with_equal_func (header, column, g_str_equal, &i));

  return g_ptr_array_index (row, i);
}

static void
test_run_csv (Fixture       *f,
              gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GHashTable) job_ids = NULL;
  g_autoptr(GHashTable) url_indexes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *csv_path = tmp_path (f, "rows.csv");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 per_outcome[G_N_ELEMENTS (outcome_names)] = { 0 };
  const gint64 n = 100;
  JsonObject *summary;
  guint n_lines;
  const char * const args[] = {
    "run", "--strategy", "loop", "--urls", "demo:mixed", "--count", "100",
    "--concurrency", "20", "--json", json_path, "--csv", csv_path,
    "--demo-time-scale", TIME_SCALE, NULL
  };

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, n);

  g_file_get_contents (csv_path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));

  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  /* The header, n rows, and the empty string after the last newline. */
  g_assert_cmpuint (n_lines, ==, 1 + n + 1);
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
  g_assert_cmpstr (lines[0], ==, CSV_HEADER);

  header = csv_split (lines[0]);
  g_assert_nonnull (header);
  g_assert_cmpuint (header->len, ==, 26);

  job_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  url_indexes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 1; i < n_lines - 1; i++)
    {
      g_autoptr(GPtrArray) row = csv_split (lines[i]);
      const char *outcome;
      const char *url_class;
      const char *expected_class;
      gint64 *job_id;
      gint64 *url_index;
      gint64 status;
      gboolean known = FALSE;

      if (row == NULL || row->len != header->len)
        g_error ("CSV row %u does not have %u columns: %s", i, header->len, lines[i]);

      job_id = g_new (gint64, 1);
      *job_id = csv_int (row, header, "job_id");
      g_assert_false (g_hash_table_contains (job_ids, job_id));
      g_hash_table_add (job_ids, job_id);

      url_index = g_new (gint64, 1);
      *url_index = csv_int (row, header, "url_index");
      g_assert_cmpint (*url_index, >=, 0);
      g_assert_cmpint (*url_index, <, n);
      g_assert_false (g_hash_table_contains (url_indexes, url_index));
      g_hash_table_add (url_indexes, url_index);

      /* The mixed preset: in each block of ten, index 3 is slow and 7 failing. */
      url_class = csv_str (row, header, "url_class");
      expected_class = *url_index % 10 == 3 ? "slow" : *url_index % 10 == 7 ? "failing" : "regular";
      g_assert_cmpstr (url_class, ==, expected_class);
      g_assert_cmpstr (csv_str (row, header, "strategy"), ==, "loop");

      outcome = csv_str (row, header, "outcome");
      for (guint k = 0; k < G_N_ELEMENTS (outcome_names); k++)
        {
          if (g_str_equal (outcome, outcome_names[k]))
            {
              per_outcome[k]++;
              known = TRUE;
            }
        }
      if (!known)
        g_error ("unknown outcome \"%s\" in CSV row %u", outcome, i);

      status = csv_int (row, header, "http_status");
      if (g_str_equal (outcome, "ok"))
        {
          g_assert_cmpint (status, ==, 200);
          g_assert_cmpstr (csv_str (row, header, "error"), ==, "");
          g_assert_cmpint (csv_int (row, header, "latency_us"), >, 0);
          g_assert_cmpint (csv_int (row, header, "queued_us"), >=, 0);
          g_assert_cmpint (csv_int (row, header, "queued_us"), <=,
                           csv_int (row, header, "started_us"));
          g_assert_cmpint (csv_int (row, header, "started_us"), <=,
                           csv_int (row, header, "done_us"));
        }
      else if (g_str_equal (outcome, "http_error"))
        {
          g_assert_cmpstr (url_class, ==, "failing");
          g_assert_cmpint (status, >=, 500);
          g_assert_cmpint (status, <=, 599);
        }
    }

  g_assert_cmpuint (g_hash_table_size (job_ids), ==, n);
  g_assert_cmpuint (g_hash_table_size (url_indexes), ==, n);

  /* The rows and the summary describe the same requests. */
  for (guint k = 0; k < G_N_ELEMENTS (outcome_names); k++)
    g_assert_cmpint (per_outcome[k], ==, json_int (summary, outcome_members[k]));
}

static void
test_summary_text (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  JsonObject *summary;
  gint64 total, ok, http_errors;
  const char * const args[] = {
    "run", "--strategy", "loop", "--urls", "demo:mixed", "--count", "200",
    "--concurrency", "50", "--json", json_path, "--demo-time-scale", TIME_SCALE, NULL
  };

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  assert_contains (r.out, "Fetchscope " PACKAGE_VERSION ": loop, concurrency 50, demo:mixed\n");
  assert_contains (r.out, "  requests    200  ");
  assert_contains (r.out, "http errors");
  assert_contains (r.out, "  latency     p50 ");
  assert_contains (r.out, "  peak RSS    ");
  g_assert_null (strstr (r.out, "cancelled: partial results"));

  /* The table and the JSON come from the same run. */
  root = load_json (json_path);
  summary = json_node_get_object (root);
  parse_summary_line (r.out, &total, &ok, &http_errors);
  g_assert_cmpint (total, ==, 200);
  g_assert_cmpint (ok, ==, json_int (summary, "ok"));
  g_assert_cmpint (http_errors, ==, json_int (summary, "http_errors"));
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_url_file (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *urls_path = tmp_path (f, "urls.txt");
  g_autofree char *contents = NULL;
  JsonObject *summary;
  /* A relative name: the CLI runs in the temporary folder, and names the
   * file the way it was given. */
  const char * const args[] = {
    "run", "--urls", "urls.txt", "--json", json_path, "--concurrency", "4", NULL
  };

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  contents = g_strdup_printf ("# URLs for test-cli\n"                    /* 1 */
                              "\n"                                       /* 2 */
                              "%s/ping\n"                                /* 3 */
                              "%s/page/regular/1 regular\n"              /* 4 */
                              "   %s/bytes/10   # a trailing comment\n"  /* 5 */
                              "ftp://127.0.0.1/file.txt\n"               /* 6 */
                              "\t\n"                                     /* 7 */
                              "this-is-garbage\n"                        /* 8 */
                              "%s/delay/1 delay\n"                       /* 9 */
                              "  # an indented comment\n"                /* 10 */
                              "%s/status/200",                           /* 11, no newline */
                              server->base_url, server->base_url, server->base_url,
                              server->base_url, server->base_url);
  write_file (urls_path, contents);

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 5);
  g_assert_cmpint (json_int (summary, "ok"), ==, 5);
  g_assert_cmpint (json_int (summary, "bad_lines"), ==, 2);
  g_assert_true (json_bool (summary, "complete"));
  g_assert_cmpstr (json_string (summary, "urls"), ==, "urls.txt");

  assert_contains (r.err, "urls.txt:6: unsupported scheme");
  assert_contains (r.err, "urls.txt:8: not an absolute URL");
  g_assert_null (strstr (r.err, "urls.txt:1:"));
  g_assert_null (strstr (r.err, "urls.txt:4:"));
  g_assert_null (strstr (r.err, "urls.txt:5:"));
  assert_contains (r.out, "  requests    5  ");
  assert_contains (r.out, "  bad lines   2 skipped");

  demo_server_stop (server);
}

static void
test_url_stdin (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *input = NULL;
  JsonObject *summary;
  const char * const args[] = { "run", "--urls", "-", "--json", json_path, NULL };

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  input = g_strdup_printf ("# from stdin\n"
                           "%s/ping\n"
                           "mailto:someone@example.com\n"
                           "%s/page/regular/2\n"
                           "%s/bytes/100\n"
                           "%s/ping\n",
                           server->base_url, server->base_url, server->base_url,
                           server->base_url);

  run_cli_with_input (f, input, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 4);
  g_assert_cmpint (json_int (summary, "ok"), ==, 4);
  g_assert_cmpint (json_int (summary, "bad_lines"), ==, 1);
  g_assert_true (json_bool (summary, "complete"));
  assert_contains (r.err, "stdin:3: unsupported scheme");

  demo_server_stop (server);
}

/* compare: every strategy runs the same list; the table ranks them. */
static void
test_compare (Fixture       *f,
              gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "compare.json");
  const char * const args[] = { "compare", "--strategies", "serial,loop,threads,hybrid",
                                "--urls", "demo:mixed", "--count", "40", "--concurrency", "10",
                                "--demo-time-scale", TIME_SCALE, "--json", json_path, NULL };
  const char *expected[] = { "serial", "loop", "threads", "hybrid" };
  JsonArray *runs;

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "URL FETCHING PERFORMANCE COMPARISON");
  assert_contains (r.out, "speedup is relative to serial");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    assert_contains (r.out, expected[i]);

  root = load_json (json_path);
  g_assert_true (json_bool (json_node_get_object (root), "complete"));
  runs = json_object_get_array_member (json_node_get_object (root), "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);

      g_assert_cmpstr (json_string (run, "strategy"), ==, expected[i]);
      assert_outcomes_add_up (run, 40);
      g_assert_cmpint (json_int (run, "concurrency"), ==, 10);

      /* The hybrid counts both sides: mixed pages are all light. */
      if (g_str_equal (expected[i], "hybrid"))
        {
          JsonObject *routed = json_object_get_object_member (run, "routed");

          g_assert_nonnull (routed);
          g_assert_cmpint (json_int (routed, "loop"), ==, 40);
          g_assert_cmpint (json_int (routed, "pool"), ==, 0);
        }
      else
        g_assert_false (json_object_has_member (run, "routed"));
    }
}

static double
children_cpu_s (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &ru), ==, 0);

  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Each run's CPU time is its own: the runs' CPU seconds add up to no
 * more than the whole process used.  Counted from the process's start,
 * the second run would report the first run's seconds again, and the
 * sum would pass the process's total by about the first run.  Timing
 * noise cannot break this: the runs are disjoint slices of one counter. */
static void
test_compare_cpu (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "compare.json");
  const char * const args[] = { "compare", "--strategies", "serial,serial", "--urls", "demo:cpu",
                                "--count", "8", "--cpu-work", "puzzle", "--demo-time-scale",
                                TIME_SCALE, "--json", json_path, NULL };
  JsonArray *runs;
  double before;
  double process;
  double first;
  double second;

  if (!require_cli ())
    return;

  before = children_cpu_s ();
  run_cli (f, args, &r);
  process = children_cpu_s () - before;
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  runs = json_object_get_array_member (json_node_get_object (root), "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  first = json_double (json_array_get_object_element (runs, 0), "cpu_s");
  second = json_double (json_array_get_object_element (runs, 1), "cpu_s");
  g_test_message ("CPU seconds: %.2f, then %.2f, of %.2f in the process", first, second, process);

  /* Each run did its eight pages of work. */
  g_assert_cmpfloat (first, >, 0.1);
  g_assert_cmpfloat (second, >, 0.1);
  /* /proc counts in clock ticks: allow one per run. */
  g_assert_cmpfloat (first + second, <=, process + 0.02);
}

/* stdin is read once and replayed to every strategy. */
static void
test_compare_stdin (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "compare.json");
  g_autofree char *input = NULL;
  const char * const args[] = { "compare", "--strategies", "loop,threads+gil,processes+blocking",
                                "--urls", "-", "--json", json_path, "-q", NULL };
  const char * const labels[] = { "loop", "threads + GIL", "processes, blocking" };
  JsonArray *runs;

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  input = g_strdup_printf ("%s/ping\n%s/status/503\n%s/bytes/10\n",
                           server->base_url, server->base_url, server->base_url);
  run_cli_with_input (f, input, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  runs = json_object_get_array_member (json_node_get_object (root), "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);

      assert_outcomes_add_up (run, 3);
      g_assert_cmpint (json_int (run, "http_errors"), ==, 1);
      /* Each run is the variant it was asked for. */
      g_assert_cmpstr (json_string (run, "label"), ==, labels[i]);
      g_assert_cmpint (json_bool (run, "gil"), ==, i == 1);
    }
  g_assert_cmpstr (json_string (json_array_get_object_element (runs, 2), "worker_mode"), ==,
                   "blocking");

  demo_server_stop (server);
}

static void
test_compare_usage (Fixture       *f,
                    gconstpointer  data)
{
  const char * const unknown[] = { "compare", "--strategies", "loop,fibers", "--urls",
                                   "demo:ping", NULL };
  const char * const empty[] = { "compare", "--strategies", "", "--urls", "demo:ping", NULL };
  const char * const variant[] = { "compare", "--strategies", "loop,threads+blocking", "--urls",
                                   "demo:ping", NULL };
  g_auto(CliResult) r1 = { 0 };
  g_auto(CliResult) r2 = { 0 };
  g_auto(CliResult) r3 = { 0 };

  if (!require_cli ())
    return;

  run_cli (f, unknown, &r1);
  g_assert_cmpint (r1.status, ==, 2);
  assert_contains (r1.err, "unknown strategy");
  run_cli (f, empty, &r2);
  g_assert_cmpint (r2.status, ==, 2);
  run_cli (f, variant, &r3);
  g_assert_cmpint (r3.status, ==, 2);
  assert_contains (r3.err, "“blocking” in “threads+blocking” is not a variant");
}

static void
test_url_file_count (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *urls_path = tmp_path (f, "ten.txt");
  JsonObject *summary;
  const char * const args[] = {
    "run", "--urls", urls_path, "--count", "3", "--json", json_path, NULL
  };

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (contents, "%s/page/regular/%u\n", server->base_url, i);
  write_file (urls_path, contents->str);

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 3);
  g_assert_cmpint (json_int (summary, "ok"), ==, 3);
  g_assert_cmpint (json_int (summary, "bad_lines"), ==, 0);
  g_assert_true (json_bool (summary, "complete"));

  demo_server_stop (server);
}

typedef struct
{
  const char *args[12];
  const char *message;
} UsageCase;

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  /* "@JSON@" stands for a --json path in the temporary folder. */
  const UsageCase cases[] = {
    { { "run", "--strategy", "fibers", "--urls", "demo:mixed", "--json", "@JSON@" },
      "unknown strategy" },
    { { "run", "--urls", "demo:mixed", "--concurrency", "0", "--json", "@JSON@" },
      "--concurrency must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--concurrency", "-5", "--json", "@JSON@" },
      "--concurrency must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--concurrency", "abc", "--json", "@JSON@" },
      "--concurrency must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--timeout", "0", "--json", "@JSON@" },
      "--timeout must be a number" },
    { { "run", "--urls", "demo:mixed", "--count", "0", "--json", "@JSON@" },
      "--count must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--demo-time-scale", "0", "--json", "@JSON@" },
      "--demo-time-scale must be a number" },
    { { "run", "--strategy", "loop", "--json", "@JSON@" },
      "--urls is required" },
    { { "run", "--urls", "demo:mixed", "--no-such-option", "--json", "@JSON@" },
      "--no-such-option" },
    { { "frobnicate", "--urls", "demo:mixed", "--json", "@JSON@" },
      "unknown command" },
    { { "run", "--urls", "demo:nope", "--json", "@JSON@", "--demo-time-scale", TIME_SCALE },
      "unknown preset" },
    { { "run", "--urls", "demo:mixed", "--json", "@JSON@", "extra" },
      "unexpected argument" },
    { { "run", "--strategy", "processes", "--urls", "demo:mixed", "--workers", "0",
        "--json", "@JSON@" },
      "--workers must be a whole number" },
    { { "run", "--strategy", "processes", "--urls", "demo:mixed", "--workers", "5000",
        "--json", "@JSON@" },
      "--workers must be a whole number" },
    { { "run", "--strategy", "processes", "--urls", "demo:mixed", "--worker-mode", "fast",
        "--json", "@JSON@" },
      "--worker-mode must be blocking or loop" },
    { { "run", "--urls", "demo:mixed", "--discard-records" },
      "--discard-records needs --json" },
    { { "run", "--urls", "demo:mixed", "--discard-records", "--json", "@JSON@", "--csv", "x.csv" },
      "--discard-records needs --json" },
    /* Negative, huge and not-a-number values. */
    { { "run", "--urls", "demo:mixed", "--count", "-1", "--json", "@JSON@" },
      "--count must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--count", "99999999999999999999999", "--json", "@JSON@" },
      "--count must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--concurrency", "100001", "--json", "@JSON@" },
      "--concurrency must be a whole number from 1 to 100000" },
    { { "run", "--urls", "demo:mixed", "--concurrency", "4294967297", "--json", "@JSON@" },
      "--concurrency must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--concurrency", "", "--json", "@JSON@" },
      "--concurrency must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--timeout", "-1", "--json", "@JSON@" },
      "--timeout must be a number" },
    { { "run", "--urls", "demo:mixed", "--timeout", "nan", "--json", "@JSON@" },
      "--timeout must be a number" },
    { { "run", "--urls", "demo:mixed", "--timeout", "inf", "--json", "@JSON@" },
      "--timeout must be a number" },
    { { "run", "--urls", "demo:mixed", "--timeout", "1e300", "--json", "@JSON@" },
      "--timeout must be a number" },
    { { "run", "--urls", "demo:mixed", "--max-body", "0", "--json", "@JSON@" },
      "--max-body must be a whole number" },
    { { "run", "--strategy", "threads", "--urls", "demo:mixed", "--workers", "-1",
        "--json", "@JSON@" },
      "--workers must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--cpu-work", "hash:-1", "--json", "@JSON@" },
      "CPU work must be" },
    { { "run", "--strategy", "", "--urls", "demo:mixed", "--json", "@JSON@" },
      "unknown strategy" },
    { { "run", "--urls", "demo:mixed", "--png", "@JSON@", "--chart", "pie" }, "unknown chart" },
    { { "run", "--urls", "demo:mixed", "--chart", "latency", "--json", "@JSON@" },
      "need --png, --svg or --pdf" },
    { { "run", "--urls", "demo:mixed", "--png", "@JSON@", "--width", "10" },
      "--width must be a whole number" },
    { { "compare", "--urls", "demo:mixed", "--svg", "@JSON@", "--height", "abc" },
      "--height must be a whole number" },
    { { "run", "--urls", "demo:mixed", "--pdf", "@JSON@", "--scale", "0" },
      "--scale must be a number" },
    { { "run", "--urls", "demo:mixed", "--png", "@JSON@", "--width", "16000", "--scale", "4" },
      "pixels a side" },
    { { "render" }, "render needs a saved run" },
    { { "render", "@JSON@" }, "render needs --png, --svg or --pdf" },
    { { "render", "@JSON@", "--png", "@JSON@", "--chart", "pie" }, "unknown chart" },
    { { "run", "--urls", "demo:mixed", "--max-pages", "5", "--json", "@JSON@" },
      "are for crawls" },
    { { "run", "--urls", "crawl:ftp://127.0.0.1/", "--json", "@JSON@" },
      "A crawl starts from an http or https URL" },
    { { "run", "--urls", "crawl:/api/0", "--json", "@JSON@" },
      "A crawl starts from an http or https URL" },
    { { "run", "--urls", "crawl:http://127.0.0.1:1/", "--count", "5", "--json", "@JSON@" },
      "not --count" },
    { { "run", "--urls", "crawl:http://127.0.0.1:1/", "--max-pages", "0", "--json", "@JSON@" },
      "--max-pages must be a whole number" },
    { { "run", "--urls", "crawl:http://127.0.0.1:1/", "--per-host", "0", "--json", "@JSON@" },
      "--per-host must be a whole number" },
    { { "run", "--urls", "crawl:http://127.0.0.1:1/", "--allow-host", "a/b", "--json",
        "@JSON@" },
      "--allow-host: “a/b” is not a host name" },
  };
  g_autofree char *json_path = tmp_path (f, "summary.json");

  if (!require_cli ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CliResult) r = { 0 };
      const char *args[G_N_ELEMENTS (cases[i].args) + 1] = { NULL };

      for (guint k = 0; cases[i].args[k] != NULL; k++)
        args[k] = g_str_equal (cases[i].args[k], "@JSON@") ? json_path : cases[i].args[k];

      run_cli (f, args, &r);

      if (r.status != 2)
        g_error ("case %u (%s): exit status %d, expected 2", i, cases[i].message, r.status);
      assert_contains (r.err, "fetchscope-cli: ");
      assert_contains (r.err, cases[i].message);
      assert_contains (r.err, "--help");
      g_assert_cmpstr (r.out, ==, "");

      /* Nothing was run, so nothing was written, not even a temporary file. */
      g_assert_false (g_file_test (json_path, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (count_dir_entries (f->tmpdir), ==, 0);
    }
}

/* The message for an unknown preset lists the valid ones. */
static void
test_usage_unknown_preset (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  const char * const args[] = { "run", "--urls", "demo:nope", NULL };

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "unknown preset");
  assert_contains (r.err, "nope");
  assert_contains (r.err, "mixed");
  assert_contains (r.err, "ping");
  assert_contains (r.err, "slow");
}

static void
test_missing_url_file (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *missing = tmp_path (f, "no-such-list.txt");
  const char * const args[] = { "run", "--urls", missing, "--json", json_path, NULL };

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "fetchscope-cli: ");
  assert_contains (r.err, missing);
  g_assert_false (g_file_test (json_path, G_FILE_TEST_EXISTS));
}

static gboolean
has_thread_named (const char *pid,
                  const char *name)
{
  g_autofree char *task_dir = g_build_filename ("/proc", pid, "task", NULL);
  g_autoptr(GDir) dir = g_dir_open (task_dir, 0, NULL);
  const char *tid;

  if (dir == NULL)
    return FALSE;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename (task_dir, tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (comm_path, &comm, NULL, NULL) &&
          g_str_equal (g_strchomp (comm), name))
        return TRUE;
    }

  return FALSE;
}

/* Ctrl-C (or SIGTERM) in the middle of a run of slow pages: the run is
 * cancelled, exits 1, and still writes its partial results. */
static void
test_interrupt (Fixture       *f,
                gconstpointer  data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocess) proc = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *csv_path = tmp_path (f, "rows.csv");
  g_autofree char *csv = NULL;
  g_autofree char *pid = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *summary;
  gint64 deadline;
  /* Slow pages take 5 s each: at concurrency 5, 50 of them take 50 s. */
  const char * const args[] = {
    "run", "--strategy", "loop", "--urls", "demo:slow", "--count", "50",
    "--concurrency", "5", "--demo-time-scale", "1", "--json", json_path,
    "--csv", csv_path, NULL
  };

  if (!require_cli ())
    return;

  proc = spawn_cli (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, args);
  pid = g_strdup (g_subprocess_get_identifier (proc));
  g_assert_nonnull (pid);

  /* The engine thread starts after the demo server is up and the URL
   * reader has started; then the first five transfers go out at once. */
  deadline = g_get_monotonic_time () + STARTUP_TIMEOUT_S * G_USEC_PER_SEC;
  while (!has_thread_named (pid, "fs-engine"))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (proc);
          g_error ("fetchscope-cli did not start its engine within %u s", STARTUP_TIMEOUT_S);
        }
      g_assert_nonnull (g_subprocess_get_identifier (proc));
      g_usleep (G_USEC_PER_SEC / 50);
    }
  g_usleep (G_USEC_PER_SEC / 2);

  /* Still running: the signal interrupts the run, not its end. */
  g_assert_nonnull (g_subprocess_get_identifier (proc));
  g_subprocess_send_signal (proc, signum);
  communicate (proc, NULL, &r);

  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "cancelling");
  assert_contains (r.out, "(cancelled: partial results)");
  assert_contains (r.out, "  requests    50  ");

  root = load_json (json_path);
  summary = json_node_get_object (root);
  g_assert_false (json_bool (summary, "complete"));
  assert_outcomes_add_up (summary, 50);
  g_assert_cmpint (json_int (summary, "cancelled"), >=, 40);

  /* The CSV is partial results too: one row per request, none lost. */
  g_file_get_contents (csv_path, &csv, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 50 + 1);
  g_assert_cmpstr (lines[0], ==, CSV_HEADER);
}

/* Reads a whole HTTP/1.0 response from @base_url@path. */
static char *
http_get (const char *base_url,
          const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) reply = g_string_new (NULL);
  g_autofree char *request = NULL;
  const char *host_port = base_url + strlen ("http://");
  GInputStream *in;
  char buf[4096];
  gssize n;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_host (client, host_port, 80, NULL, &error);
  g_assert_no_error (error);

  request = g_strdup_printf ("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host_port);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    g_string_append_len (reply, buf, n);
  g_assert_no_error (error);

  return g_string_free (g_steal_pointer (&reply), FALSE);
}

/* The body of @path, which must answer 200. */
static char *
http_get_body (const char *base_url,
               const char *path)
{
  g_autofree char *reply = http_get (base_url, path);
  const char *body = strstr (reply, "\r\n\r\n");

  assert_contains (reply, " 200 ");
  g_assert_nonnull (body);

  return g_strdup (body + 4);
}

/* The issue's "Must show": each strategy crawls the graph from /api/0 and
 * reports exactly the pages the server says are reachable, none twice. */
static void
test_crawl_graph (Fixture       *f,
                  gconstpointer  data)
{
  const char *strategy = data;
  g_autoptr(DemoServer) server = NULL;
  g_autoptr(JsonNode) truth = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *reachable = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *json_path = tmp_path (f, "crawl.json");
  g_autofree char *expected_line = NULL;
  g_auto(CliResult) r = { 0 };
  JsonObject *summary, *crawl;
  gint64 count;

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  reachable = http_get_body (server->base_url, "/api/reachable?from=0");
  truth = json_from_string (reachable, NULL);
  g_assert_nonnull (truth);
  count = json_object_get_int_member (json_node_get_object (truth), "count");
  g_assert_cmpint (count, >, 100);

  urls = g_strdup_printf ("crawl:%s/api/0", server->base_url);
  {
    const char * const args[] = {
      "run", "--strategy", strategy, "--urls", urls, "--json", json_path,
      "--concurrency", "20", "--workers", "2", NULL
    };

    run_cli (f, args, &r);
  }
  demo_server_stop (server);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.err, "worker"));

  root = load_json (json_path);
  summary = json_node_get_object (root);
  g_assert_cmpstr (json_string (summary, "urls"), ==, urls);
  g_assert_true (json_bool (summary, "complete"));
  assert_outcomes_add_up (summary, count);
  g_assert_cmpint (json_int (summary, "ok") + json_int (summary, "http_errors"), ==, count);

  crawl = json_node_get_object (member (summary, "crawl"));
  g_assert_true (json_bool (crawl, "finished"));
  g_assert_cmpint (json_int (crawl, "visited"), ==, count);
  g_assert_cmpint (json_int (crawl, "pages_done"), ==, count);
  g_assert_cmpint (json_int (crawl, "duplicates"), ==, 0);
  g_assert_cmpint (json_int (crawl, "frontier"), ==, 0);
  g_assert_cmpint (json_int (crawl, "in_flight"), ==, 0);
  g_assert_cmpint (json_int (crawl, "links_to_visited"), >, 0);
  g_assert_cmpint (json_int (crawl, "parse_errors"), ==, 0);
  g_assert_cmpfloat (json_double (crawl, "pages_per_s"), >, 0);

  expected_line = g_strdup_printf ("  crawl       %" G_GINT64_FORMAT " pages visited  0 duplicates"
                                   "  frontier 0  ", count);
  assert_contains (r.out, expected_line);
}

/* crawl:demo starts the demo server itself; --max-pages bounds it. */
static void
test_crawl_demo_bounded (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *json_path = tmp_path (f, "crawl.json");
  g_autoptr(JsonNode) root = NULL;
  g_auto(CliResult) r = { 0 };
  JsonObject *summary, *crawl;
  const char * const args[] = {
    "run", "--urls", "crawl:demo", "--max-pages", "40", "--per-host", "3", "--json", json_path,
    "--demo-time-scale", TIME_SCALE, NULL
  };

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 40);
  crawl = json_node_get_object (member (summary, "crawl"));
  g_assert_true (g_str_has_suffix (json_string (crawl, "start_url"), "/api/0"));
  g_assert_true (json_bool (crawl, "finished"));
  g_assert_cmpint (json_int (crawl, "visited"), ==, 40);
  g_assert_cmpint (json_int (crawl, "over_limit"), >, 0);
  g_assert_cmpint (json_int (crawl, "duplicates"), ==, 0);
}

static void
test_serve (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;
  const char * const args[] = { "serve", "--port", "0", "--time-scale", TIME_SCALE, NULL };

  if (!require_cli ())
    return;

  proc = spawn_cli (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE, args);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "http://127.0.0.1:"));

  /* It serves the demo pages. */
  reply = http_get (line, "/ping");
  g_assert_true (g_str_has_prefix (reply, "HTTP/1."));
  assert_contains (reply, " 200 ");
  assert_contains (reply, "\r\n\r\npong");

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  const char * const run_help[] = { "run", "--help", NULL };
  const char * const help[] = { "--help", NULL };
  const char * const version[] = { "--version", NULL };
  const char * const nothing[] = { NULL };

  if (!require_cli ())
    return;

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, run_help, &r);
    g_assert_cmpint (r.status, ==, 0);
    assert_contains (r.out, "--strategy");
    assert_contains (r.out, "--urls");
    assert_contains (r.out, "--json");
    assert_contains (r.out, "--csv");
    assert_contains (r.out, "--png");
    assert_contains (r.out, "--chart");
    assert_contains (r.out, "--save");
    assert_contains (r.out, "demo:");
    assert_contains (r.out, "\n  mixed ");
    assert_contains (r.out, "\n  ping ");
  }

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, help, &r);
    g_assert_cmpint (r.status, ==, 0);
    assert_contains (r.out, "Usage:");
    assert_contains (r.out, "run");
    assert_contains (r.out, "serve");
    assert_contains (r.out, "render");
  }

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, version, &r);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, "fetchscope-cli " PACKAGE_VERSION "\n");
  }

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, nothing, &r);
    g_assert_cmpint (r.status, ==, 2);
    assert_contains (r.err, "Usage:");
    g_assert_cmpstr (r.out, ==, "");
  }
}

/* A JSON file that cannot be written fails the run, but the measurement
 * is already on stdout. */
static void
test_unwritable_json (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(CliResult) r = { 0 };
  /* A folder that does not exist cannot be written, even by root. */
  g_autofree char *json_path = g_build_filename (f->tmpdir, "no-such-dir", "x.json", NULL);
  const char * const args[] = {
    "run", "--urls", "demo:ping", "--count", "50", "--json", json_path,
    "--demo-time-scale", TIME_SCALE, NULL
  };

  if (!require_cli ())
    return;

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "fetchscope-cli: ");
  assert_contains (r.err, json_path);
  assert_contains (r.out, "  requests    50  ok 50  ");
  g_assert_cmpuint (count_dir_entries (f->tmpdir), ==, 0);
}

/* Whatever a URL file holds, each bad line is named and skipped, and every
 * good line around it is still measured: binary noise, a NUL byte, invalid
 * UTF-8 and a 10 MB line. The processes strategy, so the good URLs also
 * cross the worker protocol. */
static void
test_url_file_hostile (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *urls_path = tmp_path (f, "hostile.txt");
  g_autofree char *good = NULL;
  g_autofree char *huge = g_strnfill (10 * 1024 * 1024, 'a');
  static const char nul_line[] = "http://127.0.0.1/a\0b\n";
  JsonObject *summary;
  const char * const args[] = {
    "run", "--urls", "hostile.txt", "--json", json_path, "--strategy", "processes",
    "--workers", "2", NULL
  };

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  good = g_strdup_printf ("%s/ping\n", server->base_url);

  g_byte_array_append (contents, (const guint8 *) good, strlen (good));        /* 1 */
  for (guint i = 0; i < 300; i++)                                             /* 2 */
    {
      guint8 byte = g_rand_int_range (rand, 0x80, 0x100);

      g_byte_array_append (contents, &byte, 1);
    }
  g_byte_array_append (contents, (const guint8 *) "\n", 1);
  g_byte_array_append (contents, (const guint8 *) good, strlen (good));        /* 3 */
  g_byte_array_append (contents, (const guint8 *) nul_line, sizeof nul_line - 1); /* 4 */
  g_byte_array_append (contents, (const guint8 *) good, strlen (good));        /* 5 */
  g_byte_array_append (contents, (const guint8 *) "http://127.0.0.1/\xc3\x28\n", 21); /* 6 */
  g_byte_array_append (contents, (const guint8 *) huge, strlen (huge));        /* 7 */
  g_byte_array_append (contents, (const guint8 *) "\n", 1);
  g_byte_array_append (contents, (const guint8 *) good, strlen (good) - 1);    /* 8, no newline */
  g_file_set_contents (urls_path, (const char *) contents->data, contents->len, &error);
  g_assert_no_error (error);

  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 0);

  root = load_json (json_path);
  summary = json_node_get_object (root);
  assert_outcomes_add_up (summary, 4);
  g_assert_cmpint (json_int (summary, "ok"), ==, 4);
  g_assert_cmpint (json_int (summary, "bad_lines"), ==, 4);
  g_assert_true (json_bool (summary, "complete"));

  assert_contains (r.err, "hostile.txt:2: line is not valid UTF-8");
  assert_contains (r.err, "hostile.txt:4: line contains a NUL byte");
  assert_contains (r.err, "hostile.txt:6: line is not valid UTF-8");
  assert_contains (r.err, "hostile.txt:7: line too long");
  g_assert_true (g_utf8_validate (r.err, -1, NULL));
  /* The 10 MB line is not echoed back. */
  g_assert_cmpuint (strlen (r.err), <, 4096);

  g_assert_cmpint (g_unlink (urls_path), ==, 0);
  demo_server_stop (server);
}

/* Outputs are written whole or not at all (to a temporary, then renamed
 * over the old file) and with the user's umask, like any file they create. */
static void
test_outputs_atomic_umask (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_auto(CliResult) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *csv_path = tmp_path (f, "rows.csv");
  g_autofree char *urls = NULL;
  GStatBuf before;
  GStatBuf json_st;
  GStatBuf csv_st;
  mode_t old_umask;
  const char *args[] = {
    "run", "--urls", "-", "--json", json_path, "--csv", csv_path, NULL
  };

  if (!require_cli ())
    return;

  server = demo_server_start (f);
  urls = g_strdup_printf ("%s/ping\n%s/ping\n", server->base_url, server->base_url);

  /* An old summary, readable by its owner only: it is replaced, not rewritten. */
  write_file (json_path, "old");
  g_assert_cmpint (g_chmod (json_path, 0600), ==, 0);
  g_assert_cmpint (g_stat (json_path, &before), ==, 0);

  /* The child inherits it. */
  old_umask = umask (027);
  run_cli_with_input (f, urls, args, &r);
  umask (old_umask);
  g_assert_cmpint (r.status, ==, 0);

  g_assert_cmpint (g_stat (json_path, &json_st), ==, 0);
  g_assert_cmpint (g_stat (csv_path, &csv_st), ==, 0);
  g_assert_cmpint (json_st.st_mode & 0777, ==, 0640);
  g_assert_cmpint (csv_st.st_mode & 0777, ==, 0640);
  g_assert_true (json_st.st_ino != before.st_ino);

  root = load_json (json_path);
  assert_outcomes_add_up (json_node_get_object (root), 2);
  /* Nothing left over: no temporaries beside the two outputs. */
  g_assert_cmpuint (count_dir_entries (f->tmpdir), ==, 2);

  demo_server_stop (server);
}

/* Started with a soft limit of 256 open files, the CLI raises it to the hard
 * limit itself: 400 connections at once with the loop, and 100 blocking
 * worker processes (three pipes each) both need more. */
static void
test_fd_limit (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_autoptr(GString) urls = g_string_new (NULL);
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *urls_path = tmp_path (f, "urls.txt");
  const char * const loop_args[] = {
    "run", "--strategy", "loop", "--concurrency", "400", "--urls", "urls.txt",
    "--json", json_path, "--quiet", NULL
  };
  const char * const processes_args[] = {
    "run", "--strategy", "processes", "--worker-mode", "blocking", "--workers", "100",
    "--concurrency", "100", "--urls", "urls.txt", "--json", json_path, "--quiet", NULL
  };
  const char * const *runs[] = { loop_args, processes_args };
  struct rlimit limit;

  if (!require_cli ())
    return;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_max < 2048)
    {
      g_test_skip ("the hard limit of open files is below 2048");
      return;
    }

  server = demo_server_start (f);
  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (urls, "%s/ping\n", server->base_url);
  write_file (urls_path, urls->str);

  f->nofile = 256;
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(JsonNode) root = run_cli_summary (f, runs[i], json_path);
      JsonObject *summary = json_node_get_object (root);

      assert_outcomes_add_up (summary, 2000);
      g_assert_cmpint (json_int (summary, "ok"), ==, 2000);
    }
  f->nofile = 0;

  demo_server_stop (server);
}

/* Requests still go through a proxy named in the environment (libcurl is
 * told "no proxy" only when none is), and no_proxy still exempts hosts.
 * The proxy is a bound port nobody listens on, so using it fails. */
static void
test_proxy_environment (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(DemoServer) server = NULL;
  g_autoptr(GSocket) closed = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GString) urls = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *json_path = tmp_path (f, "summary.json");
  g_autofree char *urls_path = tmp_path (f, "urls.txt");
  const char * const args[] = {
    "run", "--strategy", "loop", "--concurrency", "4", "--urls", "urls.txt",
    "--json", json_path, "--quiet", NULL
  };

  if (!require_cli ())
    return;

  closed = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (closed, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (closed, &error);
  g_assert_no_error (error);
  proxy = g_strdup_printf ("http://127.0.0.1:%u",
                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  server = demo_server_start (f);
  for (guint i = 0; i < 20; i++)
    g_string_append_printf (urls, "%s/ping\n", server->base_url);
  write_file (urls_path, urls->str);

  for (guint exempt = 0; exempt < 2; exempt++)
    {
      const char * const env[] = {
        "http_proxy", proxy, "no_proxy", exempt ? "127.0.0.1" : "example.invalid", NULL
      };
      g_autoptr(JsonNode) root = NULL;
      JsonObject *summary;

      f->env = env;
      root = run_cli_summary (f, args, json_path);
      f->env = NULL;
      summary = json_node_get_object (root);
      assert_outcomes_add_up (summary, 20);
      g_assert_cmpint (json_int (summary, exempt ? "ok" : "transport_errors"), ==, 20);
    }

  demo_server_stop (server);
}

static void
assert_png (const char *path,
            guint32     width,
            guint32     height)
{
  const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 33);
  g_assert_cmpmem (contents, 8, signature, 8);
  /* IHDR: width and height, big-endian, right after the chunk's header. */
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (gpointer) (contents + 16)), ==, width);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (gpointer) (contents + 20)), ==, height);
}

static gboolean
same_file (const char *a,
           const char *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;
  gsize la, lb;

  g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
  g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));

  return la == lb && memcmp (ca, cb, la) == 0;
}

/* run draws the dashboard in three formats and saves the run; render
 * draws the saved run again, the same pixels, without a server. */
static void
test_export_and_render (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *png = tmp_path (f, "run.png");
  g_autofree char *svg = tmp_path (f, "run.svg");
  g_autofree char *pdf = tmp_path (f, "run.pdf");
  g_autofree char *saved = tmp_path (f, "run.fetchscope.gz");
  g_autofree char *again = tmp_path (f, "again.png");
  g_autofree char *chart = tmp_path (f, "chart.png");
  const char * const run_args[] = {
    "run", "--strategy", "threads", "--urls", "demo:cpu", "--count", "12", "--cpu-work",
    "puzzle", "--demo-time-scale", TIME_SCALE, "--png", png, "--svg", svg, "--pdf", pdf,
    "--save", saved, NULL
  };
  const char * const render_args[] = { "render", saved, "--png", again, NULL };
  const char * const chart_args[] = {
    "render", saved, "--png", chart, "--chart", "latency", "--width", "500", "--height", "300",
    "--scale", "2", "-q", NULL
  };

  if (!require_cli ())
    return;

  {
    g_auto(CliResult) r = { 0 };
    g_autofree char *text = NULL;

    run_cli (f, run_args, &r);
    g_assert_cmpint (r.status, ==, 0);
    assert_contains (r.err, "wrote ");
    assert_contains (r.err, "saved ");
    assert_png (png, 1600, 1200);
    g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
    assert_contains (text, "<svg");
    assert_contains (text, "<desc>Fetchscope " PACKAGE_VERSION " · threads · demo:cpu · 12 requests");
    g_clear_pointer (&text, g_free);
    g_assert_true (g_file_get_contents (pdf, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "%PDF-"));
  }

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, render_args, &r);
    g_assert_cmpint (r.status, ==, 0);
    assert_contains (r.out, "threads ");
    assert_contains (r.out, "demo:cpu, 12 requests");
    assert_png (again, 1600, 1200);
    g_assert_true (same_file (png, again));
  }

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, chart_args, &r);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    assert_png (chart, 1000, 600);
  }
}

/* compare overlays its runs on one chart; the saved comparison draws the
 * same chart again. */
static void
test_compare_export (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *png = tmp_path (f, "compare.png");
  g_autofree char *saved = tmp_path (f, "compare.fetchscope");
  g_autofree char *again = tmp_path (f, "again.png");
  const char * const args[] = {
    "compare", "--strategies", "loop,threads", "--urls", "demo:cpu", "--count", "8",
    "--cpu-work", "puzzle", "--demo-time-scale", TIME_SCALE, "--png", png, "--chart",
    "throughput", "--dark", "--save", saved, "-q", NULL
  };
  const char * const render_args[] = {
    "render", saved, "--png", again, "--chart", "throughput", "--dark", "-q", NULL
  };

  if (!require_cli ())
    return;

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, args, &r);
    g_assert_cmpint (r.status, ==, 0);
    assert_png (png, 960, 560);
  }

  {
    g_auto(CliResult) r = { 0 };

    run_cli (f, render_args, &r);
    g_assert_cmpint (r.status, ==, 0);
    assert_contains (r.out, "loop ");
    assert_contains (r.out, "threads ");
    g_assert_true (same_file (png, again));
  }
}

/* A damaged saved run: exit 1, a message naming it, no image. */
static void
test_render_damaged (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *saved = tmp_path (f, "damaged.fetchscope");
  g_autofree char *png = tmp_path (f, "out.png");
  const char * const args[] = { "render", saved, "--png", png, NULL };
  g_auto(CliResult) r = { 0 };

  if (!require_cli ())
    return;

  g_assert_true (g_file_set_contents (saved, "{\"format\": \"fetchscope-saved-run\", \"vers",
                                      -1, NULL));
  run_cli (f, args, &r);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, saved);
  assert_contains (r.err, "cut short");
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_dir_entries (f->tmpdir), ==, 1);
}

static void
add_test (const char    *path,
          gconstpointer  data,
          void         (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/Fetchscope/Cli/run-mixed-json", NULL, test_run_mixed_json);
  add_test ("/Fetchscope/Cli/run-serial-json", NULL, test_run_serial_json);
  add_test ("/Fetchscope/Cli/run-processes-json", "blocking", test_run_processes_json);
  add_test ("/Fetchscope/Cli/run-processes-loop-json", "loop", test_run_processes_json);
  add_test ("/Fetchscope/Cli/run-processes-worker-lost", NULL, test_run_processes_worker_lost);
  add_test ("/Fetchscope/Cli/run-discard-records", "loop", test_run_discard_records);
  add_test ("/Fetchscope/Cli/run-discard-records-processes", "processes",
            test_run_discard_records);
  add_test ("/Fetchscope/Cli/fd-limit", NULL, test_fd_limit);
  add_test ("/Fetchscope/Cli/proxy-environment", NULL, test_proxy_environment);
  add_test ("/Fetchscope/Cli/run-csv", NULL, test_run_csv);
  add_test ("/Fetchscope/Cli/summary-text", NULL, test_summary_text);
  add_test ("/Fetchscope/Cli/url-file", NULL, test_url_file);
  add_test ("/Fetchscope/Cli/url-stdin", NULL, test_url_stdin);
  add_test ("/Fetchscope/Cli/url-file-count", NULL, test_url_file_count);
  add_test ("/Fetchscope/Cli/url-file-hostile", NULL, test_url_file_hostile);
  add_test ("/Fetchscope/Cli/outputs-atomic-umask", NULL, test_outputs_atomic_umask);
  add_test ("/Fetchscope/Cli/compare", NULL, test_compare);
  add_test ("/Fetchscope/Cli/compare-cpu", NULL, test_compare_cpu);
  add_test ("/Fetchscope/Cli/compare-stdin", NULL, test_compare_stdin);
  add_test ("/Fetchscope/Cli/compare-usage", NULL, test_compare_usage);
  add_test ("/Fetchscope/Cli/usage-errors", NULL, test_usage_errors);
  add_test ("/Fetchscope/Cli/usage-unknown-preset", NULL, test_usage_unknown_preset);
  add_test ("/Fetchscope/Cli/missing-url-file", NULL, test_missing_url_file);
  add_test ("/Fetchscope/Cli/sigint", GINT_TO_POINTER (SIGINT), test_interrupt);
  add_test ("/Fetchscope/Cli/sigterm", GINT_TO_POINTER (SIGTERM), test_interrupt);
  add_test ("/Fetchscope/Cli/serve", NULL, test_serve);
  add_test ("/Fetchscope/Cli/crawl-loop", "loop", test_crawl_graph);
  add_test ("/Fetchscope/Cli/crawl-threads", "threads", test_crawl_graph);
  add_test ("/Fetchscope/Cli/crawl-processes", "processes", test_crawl_graph);
  add_test ("/Fetchscope/Cli/crawl-demo-bounded", NULL, test_crawl_demo_bounded);
  add_test ("/Fetchscope/Cli/help", NULL, test_help);
  add_test ("/Fetchscope/Cli/unwritable-json", NULL, test_unwritable_json);
  add_test ("/Fetchscope/Cli/export-and-render", NULL, test_export_and_render);
  add_test ("/Fetchscope/Cli/compare-export", NULL, test_compare_export);
  add_test ("/Fetchscope/Cli/render-damaged", NULL, test_render_damaged);

  return g_test_run ();
}

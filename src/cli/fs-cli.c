/* fs-cli.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "fs-demo-process.h"
#include "fs-engine.h"
#include "fs-headless-run.h"
#include "fs-url-source.h"

#define EXIT_USAGE 2

typedef struct
{
  char    *strategy;
  char    *urls;
  char    *count;
  char    *concurrency;
  char    *timeout;
  char    *max_body;
  char    *max_redirects;
  char    *workers;
  char    *worker_mode;
  char    *json_path;
  char    *csv_path;
  char    *demo_time_scale;
  char    *demo_seed;
  gboolean quiet;
} RunOptions;

static void
run_options_clear (RunOptions *o)
{
  g_free (o->strategy);
  g_free (o->urls);
  g_free (o->count);
  g_free (o->concurrency);
  g_free (o->timeout);
  g_free (o->max_body);
  g_free (o->max_redirects);
  g_free (o->workers);
  g_free (o->worker_mode);
  g_free (o->json_path);
  g_free (o->csv_path);
  g_free (o->demo_time_scale);
  g_free (o->demo_seed);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunOptions, run_options_clear)

G_GNUC_PRINTF (1, 2)
static int
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("fetchscope-cli: %s\n", message);
  g_printerr ("Try “fetchscope-cli --help” for more information.\n");

  return EXIT_USAGE;
}

static gboolean
parse_uint (const char *option,
            const char *text,
            guint64     min,
            guint64     max,
            guint64    *out,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be a whole number from %" G_GUINT64_FORMAT " to %"
                   G_GUINT64_FORMAT ", not “%s”", option, min, max, text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_double (const char *option,
              const char *text,
              double      min,
              double      max,
              double     *out,
              GError    **error)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return TRUE;

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(value >= min && value <= max))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be a number from %g to %g, not “%s”", option, min, max, text);
      return FALSE;
    }

  *out = value;

  return TRUE;
}

static char *
strategy_list (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < FS_N_STRATEGIES; i++)
    if (fs_engine_strategy_is_available (i))
      g_string_append_printf (s, "%s%s", s->len ? "|" : "", fs_strategy_to_string (i));

  return g_string_free (s, FALSE);
}

static char *
preset_help (void)
{
  GString *s = g_string_new ("Demo presets (--urls demo:NAME):\n");
  const FsUrlPreset *presets;
  guint n;

  presets = fs_url_presets (&n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "  %-9s %s\n", presets[i].name, presets[i].description);

  return g_string_free (s, FALSE);
}

static GCancellable *the_cancellable;

static gboolean
on_interrupt (gpointer user_data)
{
  g_printerr ("\nfetchscope-cli: cancelling; partial results follow\n");
  g_cancellable_cancel (the_cancellable);

  return G_SOURCE_CONTINUE;
}

static void
print_diagnostics (FsUrlSource *source)
{
  g_autoptr(GPtrArray) diagnostics = fs_url_source_dup_diagnostics (source);
  const char *name = fs_url_source_get_display_name (source);
  guint64 n_bad = fs_url_source_get_n_bad_lines (source);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const FsUrlDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_printerr ("%s:%" G_GUINT64_FORMAT ": %s\n", name, d->line, d->message);
    }

  if (n_bad > diagnostics->len)
    g_printerr ("%s: %" G_GUINT64_FORMAT " more bad lines not shown\n",
                name, n_bad - diagnostics->len);
}

static void
print_worker_failures (FsHeadlessRun *run)
{
  g_autoptr(GPtrArray) failures = fs_headless_run_dup_worker_failures (run);

  for (guint i = 0; i < failures->len; i++)
    g_printerr ("fetchscope-cli: %s\n", (const char *) g_ptr_array_index (failures, i));
}

static int
cmd_run (int    argc,
         char **argv)
{
  g_auto(RunOptions) o = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsDemoProcess) demo = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(FsHeadlessRun) run = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *strategies = strategy_list ();
  g_autofree char *strategy_desc = g_strdup_printf ("Fetch strategy: %s (default loop)", strategies);
  g_autofree char *presets = preset_help ();
  g_autofree char *label = NULL;
  guint64 count = 0, concurrency = config->concurrency, max_body = config->max_body_bytes;
  guint64 max_redirects = config->max_redirects, demo_seed = 1, workers = 0;
  double timeout_s = config->timeout_ms / 1000.0, demo_time_scale = 1.0;
  guint sigint_id, sigterm_id;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "strategy", 's', 0, G_OPTION_ARG_STRING, &o.strategy, strategy_desc, "NAME" },
    { "urls", 'u', 0, G_OPTION_ARG_STRING, &o.urls,
      "URL set: demo:PRESET, a file with one URL per line, or - for stdin", "SPEC" },
    { "count", 'n', 0, G_OPTION_ARG_STRING, &o.count,
      "Number of URLs (presets: default per preset; files: at most N)", "N" },
    { "concurrency", 'c', 0, G_OPTION_ARG_STRING, &o.concurrency,
      "Requests in flight at once (default 10)", "N" },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &o.timeout,
      "Per-request timeout in seconds (default 30)", "S" },
    { "max-body", 0, 0, G_OPTION_ARG_STRING, &o.max_body,
      "Largest body accepted, in bytes (default 16777216)", "BYTES" },
    { "max-redirects", 0, 0, G_OPTION_ARG_STRING, &o.max_redirects,
      "Redirects followed per request (default 5)", "N" },
    { "workers", 'w', 0, G_OPTION_ARG_STRING, &o.workers,
      "Worker processes of the processes strategy (default one per core)", "N" },
    { "worker-mode", 0, 0, G_OPTION_ARG_STRING, &o.worker_mode,
      "Each worker fetches blocking (one at a time, the default) or in a loop", "MODE" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &o.json_path, "Write the summary as JSON", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o.csv_path, "Write one CSV row per request", "FILE" },
    { "demo-time-scale", 0, 0, G_OPTION_ARG_STRING, &o.demo_time_scale,
      "Multiply the demo server's delays (default 1)", "X" },
    { "demo-seed", 0, 0, G_OPTION_ARG_STRING, &o.demo_seed,
      "Seed of the demo server's link graph (default 1)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress line", NULL },
    { NULL }
  };

  g_set_prgname ("fetchscope-cli run");
  context = g_option_context_new ("- fetch a URL set with one strategy");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, presets);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (argc > 1)
    return usage_error ("unexpected argument “%s”", argv[1]);

  if (o.urls == NULL || *o.urls == '\0')
    return usage_error ("--urls is required (e.g. --urls demo:mixed)");

  if (o.strategy != NULL &&
      (!fs_strategy_from_string (o.strategy, &config->strategy) ||
       !fs_engine_strategy_is_available (config->strategy)))
    return usage_error ("unknown strategy “%s” (choose %s)", o.strategy, strategies);

  if (!parse_uint ("--count", o.count, 1, G_MAXINT64, &count, &error) ||
      !parse_uint ("--concurrency", o.concurrency, 1, FS_RUN_CONFIG_MAX_CONCURRENCY,
                   &concurrency, &error) ||
      !parse_uint ("--max-body", o.max_body, 1, G_MAXINT64, &max_body, &error) ||
      !parse_uint ("--max-redirects", o.max_redirects, 0, 50, &max_redirects, &error) ||
      !parse_uint ("--demo-seed", o.demo_seed, 0, G_MAXUINT32, &demo_seed, &error) ||
      !parse_uint ("--workers", o.workers, 1, FS_RUN_CONFIG_MAX_WORKERS, &workers, &error) ||
      !parse_double ("--timeout", o.timeout, 0.001, 86400, &timeout_s, &error) ||
      !parse_double ("--demo-time-scale", o.demo_time_scale, 0.0001, 100,
                     &demo_time_scale, &error))
    return usage_error ("%s", error->message);

  if (o.worker_mode != NULL && !fs_worker_mode_from_string (o.worker_mode, &config->worker_mode))
    return usage_error ("--worker-mode must be blocking or loop, not “%s”", o.worker_mode);

  config->concurrency = concurrency;
  config->workers = workers;
  config->timeout_ms = MAX (1, (guint) (timeout_s * 1000.0 + 0.5));
  config->max_body_bytes = max_body;
  config->max_redirects = max_redirects;

  if (!fs_run_config_validate (config, &error))
    return usage_error ("%s", error->message);

  /* Before anything slow starts, so Ctrl-C always means "cancel". */
  the_cancellable = cancellable;
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, NULL);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, NULL);

  if (g_str_has_prefix (o.urls, "demo:"))
    {
      const char *preset = o.urls + strlen ("demo:");

      if (fs_url_preset_lookup (preset) == NULL)
        {
          source = fs_url_source_new_for_preset (preset, "http://127.0.0.1", count, &error);
          return usage_error ("%s", error ? error->message : "unknown preset");
        }

      demo = fs_demo_process_new (demo_time_scale, (guint32) demo_seed);
      if (!fs_demo_process_start (demo, cancellable, &error))
        {
          g_printerr ("fetchscope-cli: could not start the demo server: %s\n", error->message);
          return EXIT_FAILURE;
        }

      source = fs_url_source_new_for_preset (preset, fs_demo_process_get_base_url (demo),
                                             count, &error);
      count = 0;
    }
  else if (g_strcmp0 (o.urls, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      source = fs_url_source_new_for_stream (in, "stdin");
    }
  else
    {
      source = fs_url_source_new_for_path (o.urls, &error);
    }

  if (source == NULL)
    {
      g_printerr ("fetchscope-cli: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (count > 0)
    fs_url_source_set_limit (source, count);

  label = g_strdup (o.urls);
  run = fs_headless_run_new (config, source, label);
  fs_headless_run_set_csv_path (run, o.csv_path);
  fs_headless_run_set_progress (run, !o.quiet && isatty (STDERR_FILENO));

  ok = fs_headless_run_execute (run, cancellable, &error);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  the_cancellable = NULL;

  print_diagnostics (source);
  print_worker_failures (run);

  if (!ok)
    {
      g_printerr ("fetchscope-cli: %s\n", error->message);
      return EXIT_FAILURE;
    }

  fs_headless_run_print_summary (run, stdout);
  fflush (stdout);

  if (o.json_path != NULL)
    {
      g_autoptr(JsonNode) node = fs_headless_run_to_json (run);

      if (!fs_headless_write_json (node, o.json_path, &error))
        {
          g_printerr ("fetchscope-cli: could not write %s: %s\n", o.json_path, error->message);
          return EXIT_FAILURE;
        }
    }

  if (demo != NULL)
    fs_demo_process_stop (demo);

  return fs_headless_run_was_cancelled (run) ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fs_locate_helper ("fetchscope-demo-server", &error);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (path == NULL)
    {
      g_printerr ("fetchscope-cli: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* The server parses its own options (--port, --time-scale, --seed, …). */
  g_ptr_array_add (args, path);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  execv (path, (char **) args->pdata);

  g_printerr ("fetchscope-cli: could not run %s: %s\n", path, g_strerror (errno));
  return EXIT_FAILURE;
}

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  fetchscope-cli COMMAND [OPTION…]\n"
           "\n"
           "Fetch a URL set with a concurrency strategy and measure every request.\n"
           "\n"
           "Commands:\n"
           "  run      Fetch a URL set with one strategy and print a summary\n"
           "  serve    Run the demo server on 127.0.0.1 (--port, --time-scale, --seed)\n"
           "\n"
           "Options:\n"
           "  -h, --help     Show this help\n"
           "  --version      Show the version\n"
           "\n"
           "“fetchscope-cli COMMAND --help” describes a command’s options.\n"
           "Exit status: 0 ok, 1 the run failed or was cancelled, 2 bad usage.\n");
}

int
main (int   argc,
      char *argv[])
{
  const char *command;

  setlocale (LC_ALL, "");
  g_set_prgname ("fetchscope-cli");

  if (argc < 2)
    {
      print_help (stderr);
      return EXIT_USAGE;
    }

  command = argv[1];

  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      print_help (stdout);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (command, "--version"))
    {
      printf ("fetchscope-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (command, "run"))
    return cmd_run (argc - 1, argv + 1);

  if (g_str_equal (command, "serve"))
    return cmd_serve (argc - 1, argv + 1);

  return usage_error ("unknown command “%s” (run, serve)", command);
}

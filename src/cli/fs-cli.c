/* fs-cli.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "fs-crawler.h"
#include "fs-demo-process.h"
#include "fs-engine.h"
#include "fs-chart-style.h"
#include "fs-comparison.h"
#include "fs-export.h"
#include "fs-headless-run.h"
#include "fs-i18n.h"
#include "fs-locate.h"
#include "fs-saved-run.h"
#include "fs-url-source.h"

#define EXIT_USAGE 2

/* crawl:demo crawls the built-in demo server's link graph from here. */
#define CRAWL_DEMO_SPEC  "crawl:demo"
#define CRAWL_DEMO_START "/api/0"

/* The options run and compare share, as typed. Parsed into an FsRunConfig
 * and a UrlInput by parse_options(). */
typedef struct
{
  char    *strategy;
  char    *strategies;
  char    *urls;
  char    *count;
  char    *concurrency;
  char    *workers;
  char    *worker_mode;
  char    *timeout;
  char    *max_body;
  char    *max_redirects;
  char    *json_path;
  char    *csv_path;
  char    *demo_time_scale;
  char    *demo_seed;
  char    *cpu_work;
  char    *switch_interval;
  char    *max_pages;
  char    *max_depth;
  char    *per_host;
  char   **allow_hosts;
  gboolean gil;
  gboolean quiet;
  gboolean discard_records;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->strategy);
  g_free (o->strategies);
  g_free (o->urls);
  g_free (o->count);
  g_free (o->concurrency);
  g_free (o->workers);
  g_free (o->worker_mode);
  g_free (o->timeout);
  g_free (o->max_body);
  g_free (o->max_redirects);
  g_free (o->json_path);
  g_free (o->csv_path);
  g_free (o->demo_time_scale);
  g_free (o->demo_seed);
  g_free (o->cpu_work);
  g_free (o->switch_interval);
  g_free (o->max_pages);
  g_free (o->max_depth);
  g_free (o->per_host);
  g_strfreev (o->allow_hosts);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Where the URLs come from. A compare run replays the same list for every
 * strategy: presets and files are opened again, stdin is read once and kept. */
typedef struct
{
  char          *spec;
  char          *crawl_url;      /* crawl mode; NULL for crawl:demo until the server runs */
  gboolean       crawl;
  guint64        max_pages;
  guint64        max_depth;
  guint64        per_host;
  char         **allow_hosts;
  guint64        count;
  double         demo_time_scale;
  guint32        demo_seed;
  FsDemoProcess *demo;
  GBytes        *stdin_bytes;
} UrlInput;

static void
url_input_clear (UrlInput *input)
{
  g_free (input->spec);
  g_free (input->crawl_url);
  g_strfreev (input->allow_hosts);
  if (input->demo != NULL)
    fs_demo_process_stop (input->demo);
  g_clear_object (&input->demo);
  g_clear_pointer (&input->stdin_bytes, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UrlInput, url_input_clear)

/* What to draw and save once the runs are over (run, compare) or loaded
 * (render), as typed; parse_export() checks it before anything runs. */
typedef struct
{
  char    *png_path;
  char    *svg_path;
  char    *pdf_path;
  char    *chart;
  char    *width;
  char    *height;
  char    *scale;
  char    *save_path;
  gboolean dark;

  /* Parsed */
  gboolean    one_chart;
  FsChartKind kind;
  int         image_width;
  int         image_height;
  double      image_scale;
} Export;

static void
export_clear (Export *e)
{
  g_free (e->png_path);
  g_free (e->svg_path);
  g_free (e->pdf_path);
  g_free (e->chart);
  g_free (e->width);
  g_free (e->height);
  g_free (e->scale);
  g_free (e->save_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Export, export_clear)

#define DASHBOARD_WIDTH  1600
#define DASHBOARD_HEIGHT 1200
#define CHART_WIDTH      960
#define CHART_HEIGHT     560
#define MAX_IMAGE_SIDE   32767

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
  g_printerr (_("Try “fetchscope-cli --help” for more information.\n"));

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
  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s must be a whole number from %llu to %llu, not “%s”"),
                   option, (unsigned long long) min, (unsigned long long) max, text);
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
                   _("%s must be a number from %g to %g, not “%s”"), option, min, max, text);
      return FALSE;
    }

  *out = value;

  return TRUE;
}

static char *
strategy_list (const char *separator)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < FS_N_STRATEGIES; i++)
    if (fs_engine_strategy_is_available (i))
      g_string_append_printf (s, "%s%s", s->len ? separator : "", fs_strategy_to_string (i));

  return g_string_free (s, FALSE);
}

static gboolean
parse_strategy (const char  *text,
                FsStrategy  *strategy,
                GError     **error)
{
  if (!fs_strategy_from_string (text, strategy) || !fs_engine_strategy_is_available (*strategy))
    {
      g_autofree char *strategies = strategy_list ("|");

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown strategy “%s” (choose %s)"), text, strategies);
      return FALSE;
    }

  return TRUE;
}

static char *
preset_help (void)
{
  GString *s = g_string_new (_("Demo presets (--urls demo:NAME):\n"));
  const FsUrlPreset *presets;
  guint n;

  presets = fs_url_presets (&n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "  %-9s %s\n", presets[i].name, _(presets[i].description));

  return g_string_free (s, FALSE);
}

static GOptionContext *
new_option_context (const char        *command,
                    const char        *summary,
                    Options           *o,
                    const GOptionEntry *command_entries)
{
  g_autofree char *presets = preset_help ();
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "urls", 'u', 0, G_OPTION_ARG_STRING, &o->urls,
      N_("URL set: demo:PRESET, crawl:URL (or crawl:demo, the demo server's link graph), "
         "a file with one URL per line, or - for stdin"), "SPEC" },
    { "count", 'n', 0, G_OPTION_ARG_STRING, &o->count,
      N_("Number of URLs (presets: default per preset; files: at most N)"), "N" },
    { "concurrency", 'c', 0, G_OPTION_ARG_STRING, &o->concurrency,
      N_("Requests in flight at once (default 10)"), "N" },
    { "workers", 'w', 0, G_OPTION_ARG_STRING, &o->workers,
      N_("Threads of the threads strategy and the hybrid's pool (default: the concurrency); "
         "worker processes of the processes strategy (default: one per core)"), "N" },
    { "worker-mode", 0, 0, G_OPTION_ARG_STRING, &o->worker_mode,
      N_("Each worker process fetches in a loop of its own (the default) or blocking, one "
         "request at a time"), "MODE" },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &o->timeout,
      N_("Per-request timeout in seconds (default 30)"), "S" },
    { "max-body", 0, 0, G_OPTION_ARG_STRING, &o->max_body,
      N_("Largest body accepted, in bytes (default 16777216)"), "BYTES" },
    { "max-redirects", 0, 0, G_OPTION_ARG_STRING, &o->max_redirects,
      N_("Redirects followed per request (default 5)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json_path, N_("Write the summary as JSON"), "FILE" },
    { "cpu-work", 0, 0, G_OPTION_ARG_STRING, &o->cpu_work,
      N_("Process each body: none, hash:N (N rounds of SHA-256) or puzzle (solve the demo "
         "CPU pages' hash puzzles) (default none)"), "WORK" },
    { "gil", 0, 0, G_OPTION_ARG_NONE, &o->gil,
      N_("Simulate CPython's GIL: CPU stages hold one process-wide lock"), NULL },
    { "switch-interval", 0, 0, G_OPTION_ARG_STRING, &o->switch_interval,
      N_("How long a GIL holder keeps it when others wait, in ms (default 5)"), "MS" },
    { "demo-time-scale", 0, 0, G_OPTION_ARG_STRING, &o->demo_time_scale,
      N_("Multiply the demo server's delays (default 1)"), "X" },
    { "demo-seed", 0, 0, G_OPTION_ARG_STRING, &o->demo_seed,
      N_("Seed of the demo server's link graph (default 1)"), "N" },
    { "max-pages", 0, 0, G_OPTION_ARG_STRING, &o->max_pages,
      N_("Crawl: most pages fetched (default 10000)"), "N" },
    { "max-depth", 0, 0, G_OPTION_ARG_STRING, &o->max_depth,
      N_("Crawl: most links followed from the start URL (default no limit)"), "N" },
    { "per-host", 0, 0, G_OPTION_ARG_STRING, &o->per_host,
      N_("Crawl: most requests to one host at once (default no cap but the concurrency)"), "N" },
    { "allow-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->allow_hosts,
      N_("Crawl: follow links to HOST too, not only to the start URL's host (repeatable)"), "HOST" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("No progress line"), NULL },
    { NULL }
  };
  g_autofree char *prgname = g_strdup_printf ("fetchscope-cli %s", command);

  g_set_prgname (prgname);
  context = g_option_context_new (summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, command_entries, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, presets);

  return context;
}

/* Everything but the strategy: that differs between run and compare. */
static gboolean
parse_options (const Options  *o,
               FsRunConfig    *config,
               UrlInput       *input,
               GError        **error)
{
  guint64 concurrency = config->concurrency, workers = 0;
  guint64 max_body = config->max_body_bytes, max_redirects = config->max_redirects;
  guint64 demo_seed = 1;
  double timeout_s = config->timeout_ms / 1000.0;
  double switch_interval_ms = config->switch_interval_us / 1000.0;

  if (o->urls == NULL || *o->urls == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--urls is required (e.g. --urls demo:mixed)"));
      return FALSE;
    }

  input->demo_time_scale = 1.0;

  if (!parse_uint ("--count", o->count, 1, G_MAXINT64, &input->count, error) ||
      !parse_uint ("--concurrency", o->concurrency, 1, FS_RUN_CONFIG_MAX_CONCURRENCY,
                   &concurrency, error) ||
      !parse_uint ("--workers", o->workers, 1, FS_RUN_CONFIG_MAX_WORKERS, &workers, error) ||
      !parse_uint ("--max-body", o->max_body, 1, G_MAXINT64, &max_body, error) ||
      !parse_uint ("--max-redirects", o->max_redirects, 0, 50, &max_redirects, error) ||
      !parse_uint ("--demo-seed", o->demo_seed, 0, G_MAXUINT32, &demo_seed, error) ||
      !parse_double ("--timeout", o->timeout, 0.001, 86400, &timeout_s, error) ||
      !parse_double ("--demo-time-scale", o->demo_time_scale, 0.0001, 100,
                     &input->demo_time_scale, error) ||
      !parse_double ("--switch-interval", o->switch_interval, 0.1, 10000,
                     &switch_interval_ms, error))
    return FALSE;

  if (o->worker_mode != NULL && !fs_worker_mode_from_string (o->worker_mode, &config->worker_mode))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--worker-mode must be blocking or loop, not “%s”"), o->worker_mode);
      return FALSE;
    }

  if (o->cpu_work != NULL &&
      !fs_cpu_work_parse (o->cpu_work, &config->cpu_work, &config->hash_rounds, error))
    return FALSE;

  if (o->switch_interval != NULL && !o->gil)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--switch-interval needs --gil"));
      return FALSE;
    }

  input->crawl = g_str_has_prefix (o->urls, FS_CRAWL_SPEC_PREFIX);
  if (!input->crawl &&
      (o->max_pages != NULL || o->max_depth != NULL || o->per_host != NULL ||
       o->allow_hosts != NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--max-pages, --max-depth, --per-host and --allow-host are for "
                             "crawls (--urls crawl:URL)"));
      return FALSE;
    }

  if (input->crawl)
    {
      if (o->count != NULL)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("a crawl is bounded by --max-pages, not --count"));
          return FALSE;
        }

      input->max_pages = FS_CRAWL_DEFAULT_MAX_PAGES;
      input->max_depth = G_MAXUINT;
      if (!parse_uint ("--max-pages", o->max_pages, 1, G_MAXINT32, &input->max_pages, error) ||
          !parse_uint ("--max-depth", o->max_depth, 0, G_MAXUINT, &input->max_depth, error) ||
          !parse_uint ("--per-host", o->per_host, 1, FS_RUN_CONFIG_MAX_CONCURRENCY,
                       &input->per_host, error))
        return FALSE;

      if (!g_str_equal (o->urls, CRAWL_DEMO_SPEC) &&
          !fs_crawl_spec_parse (o->urls, &input->crawl_url, error))
        return FALSE;

      /* The hosts are checked now, so a typo is a usage error. */
      for (guint i = 0; o->allow_hosts != NULL && o->allow_hosts[i] != NULL; i++)
        {
          g_autofree char *host = fs_crawl_host_normalize (o->allow_hosts[i], error);

          if (host == NULL)
            {
              g_prefix_error (error, "--allow-host: ");
              return FALSE;
            }
        }
      input->allow_hosts = g_strdupv (o->allow_hosts);
    }

  if (g_str_has_prefix (o->urls, "demo:") &&
      fs_url_preset_lookup (o->urls + strlen ("demo:")) == NULL)
    {
      g_autoptr(FsUrlSource) none = NULL;

      none = fs_url_source_new_for_preset (o->urls + strlen ("demo:"), "http://127.0.0.1",
                                           0, error);
      g_assert (none == NULL);
      return FALSE;
    }

  config->concurrency = concurrency;
  config->workers = workers;
  config->timeout_ms = MAX (1, (guint) (timeout_s * 1000.0 + 0.5));
  config->max_body_bytes = max_body;
  config->max_redirects = max_redirects;
  config->gil = o->gil;
  config->switch_interval_us = (guint) (switch_interval_ms * 1000.0 + 0.5);
  input->spec = g_strdup (o->urls);
  input->demo_seed = (guint32) demo_seed;

  return fs_run_config_validate (config, error);
}

/* Starts the demo server if the URL set needs it, reads stdin if it must be
 * replayed. Done once, before the first run. */
static gboolean
url_input_prepare (UrlInput      *input,
                   gboolean       replay,
                   GCancellable  *cancellable,
                   GError       **error)
{
  if (g_str_has_prefix (input->spec, "demo:") || g_str_equal (input->spec, CRAWL_DEMO_SPEC))
    {
      input->demo = fs_demo_process_new (input->demo_time_scale, input->demo_seed);
      if (!fs_demo_process_start (input->demo, cancellable, error))
        {
          g_prefix_error (error, _("could not start the demo server: "));
          return FALSE;
        }
      if (input->crawl)
        input->crawl_url = g_strconcat (fs_demo_process_get_base_url (input->demo),
                                        CRAWL_DEMO_START, NULL);
    }
  else if (replay && g_str_equal (input->spec, "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                  cancellable, error) < 0)
        return FALSE;
      input->stdin_bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    }

  return TRUE;
}

static FsUrlSource *
url_input_open (UrlInput  *input,
                GError   **error)
{
  FsUrlSource *source;

  if (input->demo != NULL)
    return fs_url_source_new_for_preset (input->spec + strlen ("demo:"),
                                         fs_demo_process_get_base_url (input->demo),
                                         input->count, error);

  if (input->stdin_bytes != NULL)
    {
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (input->stdin_bytes);

      source = fs_url_source_new_for_stream (in, "stdin");
    }
  else if (g_str_equal (input->spec, "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      source = fs_url_source_new_for_stream (in, "stdin");
    }
  else if (!(source = fs_url_source_new_for_path (input->spec, error)))
    return NULL;

  if (input->count > 0)
    fs_url_source_set_limit (source, input->count);

  return source;
}

static char *
chart_names (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < FS_N_CHARTS; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", fs_chart_kind_to_string (i));

  return g_string_free (s, FALSE);
}

/* Kept for the option context, which does not copy descriptions. */
static const char *
chart_help (void)
{
  static char *chart_desc;

  if (chart_desc == NULL)
    {
      g_autofree char *names = chart_names ();

      chart_desc = g_strdup_printf (_("Export this one chart instead of the dashboard: %s"),
                                    names);
    }

  return chart_desc;
}

/* @with_save: run and compare save a run; render draws one that is saved. */
static void
add_export_entries (GOptionContext *context,
                    Export         *e,
                    gboolean        with_save)
{
  const GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &e->png_path,
      N_("Draw the dashboard (or --chart) as a PNG image"), "FILE" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &e->svg_path, N_("… as SVG"), "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &e->pdf_path, N_("… as PDF"), "FILE" },
    { "chart", 0, 0, G_OPTION_ARG_STRING, &e->chart, chart_help (), "NAME" },
    { "width", 0, 0, G_OPTION_ARG_STRING, &e->width,
      N_("Image width (default 1600 for the dashboard, 960 for a chart)"), "N" },
    { "height", 0, 0, G_OPTION_ARG_STRING, &e->height,
      N_("Image height (default 1200 for the dashboard, 560 for a chart)"), "N" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &e->scale,
      N_("Pixels per unit of a PNG, 2 for HiDPI (default 1); SVG and PDF keep their size and "
         "get sharper lines"), "X" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &e->dark, N_("Draw on a dark background"), NULL },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &e->save_path,
      N_("Save the runs (settings, summary, charts' data, every request) to reopen later; "
         "gzip-compressed if FILE ends in .gz"), "FILE" },
    { NULL }
  };

  /* The last entry before the terminator is --save: render leaves it out. */
  if (!with_save)
    {
      GOptionEntry trimmed[G_N_ELEMENTS (entries) - 1];

      memcpy (trimmed, entries, sizeof trimmed);
      trimmed[G_N_ELEMENTS (trimmed) - 1] = (GOptionEntry) { NULL };
      g_option_context_add_main_entries (context, trimmed, NULL);
      return;
    }

  g_option_context_add_main_entries (context, entries, NULL);
}

static gboolean
export_wanted (const Export *e)
{
  return e->png_path != NULL || e->svg_path != NULL || e->pdf_path != NULL;
}

static gboolean
parse_export (Export  *e,
              GError **error)
{
  guint64 width = 0, height = 0;

  e->image_scale = 1;

  if (e->chart != NULL && !fs_chart_kind_from_string (e->chart, &e->kind))
    {
      g_autofree char *names = chart_names ();

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown chart “%s” (choose %s)"), e->chart, names);
      return FALSE;
    }
  e->one_chart = e->chart != NULL;

  if ((e->chart != NULL || e->width != NULL || e->height != NULL || e->scale != NULL ||
       e->dark) && !export_wanted (e))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--chart, --width, --height, --scale and --dark need --png, --svg "
                             "or --pdf"));
      return FALSE;
    }

  if (!parse_uint ("--width", e->width, 64, 16384, &width, error) ||
      !parse_uint ("--height", e->height, e->one_chart ? FS_DASHBOARD_FOOTER_HEIGHT + 32 : 240,
                   16384, &height, error) ||
      !parse_double ("--scale", e->scale, 0.25, 8, &e->image_scale, error))
    return FALSE;

  e->image_width = width > 0 ? (int) width : e->one_chart ? CHART_WIDTH : DASHBOARD_WIDTH;
  e->image_height = height > 0 ? (int) height : e->one_chart ? CHART_HEIGHT : DASHBOARD_HEIGHT;
  if (e->png_path != NULL && (ceil (e->image_width * e->image_scale) > MAX_IMAGE_SIDE ||
                              ceil (e->image_height * e->image_scale) > MAX_IMAGE_SIDE))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("a PNG of %d × %d at scale %g is more than %d pixels a side"),
                   e->image_width, e->image_height, e->image_scale, MAX_IMAGE_SIDE);
      return FALSE;
    }

  return TRUE;
}

/* Saves and draws @runs (FsSavedRun) as asked; says what went wrong
 * itself. */
static gboolean
export_runs (const Export *e,
             GPtrArray    *runs,
             gboolean      quiet)
{
  g_autofree FsDashboardRun *dashboard_runs = g_new0 (FsDashboardRun, MAX (runs->len, 1));
  const char *paths[] = { e->png_path, e->svg_path, e->pdf_path };
  const FsExportFormat formats[] = { FS_EXPORT_PNG, FS_EXPORT_SVG, FS_EXPORT_PDF };
  FsDashboard dashboard;
  FsChartStyle style;
  gboolean ok = TRUE;

  if (e->save_path != NULL)
    {
      g_autoptr(GError) error = NULL;
      FsSavedRunFlags flags = g_str_has_suffix (e->save_path, ".gz") ? FS_SAVED_RUN_COMPRESS
                                                                       : FS_SAVED_RUN_NONE;

      if (!fs_saved_runs_save (e->save_path, (FsSavedRun **) runs->pdata, runs->len, flags,
                               &error))
        {
          g_printerr ("fetchscope-cli: %s\n", error->message);
          ok = FALSE;
        }
      else if (!quiet)
        {
          g_printerr (_("fetchscope-cli: saved %s\n"), e->save_path);
        }
    }

  if (runs->len == 0)
    return ok;

  for (guint i = 0; i < runs->len; i++)
    fs_dashboard_run_init (&dashboard_runs[i], g_ptr_array_index (runs, i),
                           fs_chart_run_color_index (i));
  fs_dashboard_init (&dashboard, dashboard_runs, runs->len,
                     ((FsSavedRun *) g_ptr_array_index (runs, 0))->urls);
  dashboard.date = ((FsSavedRun *) g_ptr_array_index (runs, 0))->started_at;
  fs_chart_style_init (&style);
  style.dark = e->dark;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean written;

      if (paths[i] == NULL)
        continue;

      if (e->one_chart)
        written = fs_export_chart (paths[i], formats[i], e->kind, &dashboard, &style,
                                   e->image_width, e->image_height, e->image_scale, &error);
      else
        written = fs_export_dashboard (paths[i], formats[i], &dashboard, &style, e->image_width,
                                       e->image_height, e->image_scale, &error);
      if (!written)
        {
          g_printerr ("fetchscope-cli: %s\n", error->message);
          ok = FALSE;
        }
      else if (!quiet)
        {
          g_printerr (_("fetchscope-cli: wrote %s\n"), paths[i]);
        }
    }

  return ok;
}

static GPtrArray *
saved_runs_of (GPtrArray *runs)
{
  GPtrArray *saved = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);

  for (guint i = 0; i < runs->len; i++)
    g_ptr_array_add (saved, fs_headless_run_to_saved_run (g_ptr_array_index (runs, i)));

  return saved;
}

static FsCrawler *
crawler_open (UrlInput  *input,
              GError   **error)
{
  g_autoptr(FsCrawler) crawler = NULL;

  if (!(crawler = fs_crawler_new (input->crawl_url, error)))
    return NULL;

  fs_crawler_set_max_pages (crawler, input->max_pages);
  fs_crawler_set_max_depth (crawler, (guint) input->max_depth);
  fs_crawler_set_per_host (crawler, (guint) input->per_host);
  for (guint i = 0; input->allow_hosts != NULL && input->allow_hosts[i] != NULL; i++)
    if (!fs_crawler_add_allowed_host (crawler, input->allow_hosts[i], error))
      return NULL;

  return g_steal_pointer (&crawler);
}

static GCancellable *the_cancellable;

static gboolean
on_interrupt (gpointer user_data)
{
  g_printerr (_("\nfetchscope-cli: cancelling; partial results follow\n"));
  g_cancellable_cancel (the_cancellable);

  return G_SOURCE_CONTINUE;
}

/* Ctrl-C and SIGTERM cancel @cancellable until the returned guard is
 * dropped; installed before anything slow starts. */
typedef struct
{
  guint sigint_id;
  guint sigterm_id;
} SignalGuard;

static void
signal_guard_clear (SignalGuard *guard)
{
  g_clear_handle_id (&guard->sigint_id, g_source_remove);
  g_clear_handle_id (&guard->sigterm_id, g_source_remove);
  the_cancellable = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignalGuard, signal_guard_clear)

static void
signal_guard_init (SignalGuard  *guard,
                   GCancellable *cancellable)
{
  the_cancellable = cancellable;
  guard->sigint_id = g_unix_signal_add (SIGINT, on_interrupt, NULL);
  guard->sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, NULL);
}

static void
print_worker_failures (FsHeadlessRun *run)
{
  g_autoptr(GPtrArray) failures = fs_headless_run_dup_worker_failures (run);

  for (guint i = 0; i < failures->len; i++)
    g_printerr ("fetchscope-cli: %s\n", (const char *) g_ptr_array_index (failures, i));
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
    g_printerr (_("%s: %llu more bad lines not shown\n"),
                name, (unsigned long long) (n_bad - diagnostics->len));
}

/* Takes @node; says what went wrong itself. */
static gboolean
write_json (JsonNode   *node,
            const char *path)
{
  g_autoptr(JsonNode) owned = node;
  g_autoptr(GError) error = NULL;

  if (!fs_headless_write_json (owned, path, &error))
    {
      g_printerr (_("fetchscope-cli: could not write %s: %s\n"), path, error->message);
      return FALSE;
    }

  return TRUE;
}

/* One measured run. Returns NULL, with @error set, only when the run could
 * not be measured at all; a cancelled run returns its partial results. */
static FsHeadlessRun *
run_one (const FsRunConfig  *config,
         UrlInput           *input,
         const char         *csv_path,
         gboolean            keep_records,
         gboolean            progress,
         gboolean            diagnostics,
         gboolean            discard_records,
         GCancellable       *cancellable,
         GError            **error)
{
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(FsCrawler) crawler = NULL;
  g_autoptr(FsHeadlessRun) run = NULL;
  gboolean ok;

  if (input->crawl)
    {
      if (!(crawler = crawler_open (input, error)))
        return NULL;
      run = fs_headless_run_new_for_crawl (config, crawler, input->spec);
    }
  else
    {
      if (!(source = url_input_open (input, error)))
        return NULL;
      run = fs_headless_run_new (config, source, input->spec);
    }

  fs_headless_run_set_csv_path (run, csv_path);
  fs_headless_run_set_progress (run, progress);
  fs_headless_run_set_keep_records (run, keep_records);
  fs_headless_run_set_discard_records (run, discard_records);

  ok = fs_headless_run_execute (run, cancellable, error);
  if (diagnostics && source != NULL)
    print_diagnostics (source);
  print_worker_failures (run);

  return ok ? g_steal_pointer (&run) : NULL;
}

static int
cmd_run (int    argc,
         char **argv)
{
  g_auto(Options) o = { 0 };
  g_auto(Export) export = { 0 };
  g_auto(UrlInput) input = { 0 };
  g_auto(SignalGuard) guard = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsHeadlessRun) run = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *strategies = strategy_list ("|");
  g_autofree char *strategy_desc = g_strdup_printf (_("Fetch strategy: %s (default loop)"), strategies);
  const GOptionEntry entries[] = {
    { "strategy", 's', 0, G_OPTION_ARG_STRING, &o.strategy, strategy_desc, "NAME" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o.csv_path, N_("Write one CSV row per request"), "FILE" },
    /* bench/run's measure of what recording costs: see README.md. */
    { "discard-records", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o.discard_records,
      "Count terminal records only; aggregate nothing (benchmark aid)", NULL },
    { NULL }
  };

  context = new_option_context ("run", _("- fetch a URL set with one strategy"), &o, entries);
  add_export_entries (context, &export, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (argc > 1)
    return usage_error (_("unexpected argument “%s”"), argv[1]);

  if ((o.strategy != NULL && !parse_strategy (o.strategy, &config->strategy, &error)) ||
      !parse_options (&o, config, &input, &error) ||
      !parse_export (&export, &error))
    return usage_error ("%s", error->message);

  if (o.discard_records &&
      (o.json_path == NULL || o.csv_path != NULL || export.save_path != NULL ||
       export.png_path != NULL || export.svg_path != NULL || export.pdf_path != NULL))
    return usage_error ("--discard-records needs --json and writes nothing else");

  signal_guard_init (&guard, cancellable);

  if (!url_input_prepare (&input, FALSE, cancellable, &error) ||
      !(run = run_one (config, &input, o.csv_path, export.save_path != NULL,
                       !o.quiet && isatty (STDERR_FILENO), TRUE, o.discard_records,
                       cancellable, &error)))
    {
      g_printerr ("fetchscope-cli: %s\n", error->message);
      return EXIT_FAILURE;
    }

  fs_headless_run_print_summary (run, stdout);
  fflush (stdout);

  if (o.json_path != NULL && !write_json (fs_headless_run_to_json (run), o.json_path))
    return EXIT_FAILURE;

  saved = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);
  g_ptr_array_add (saved, fs_headless_run_to_saved_run (run));
  if (!export_runs (&export, saved, o.quiet))
    return EXIT_FAILURE;

  return fs_headless_run_was_cancelled (run) ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int
compare_by_wall (gconstpointer a,
                 gconstpointer b)
{
  FsSummary sa, sb;

  fs_headless_run_get_summary (*(FsHeadlessRun **) a, &sa);
  fs_headless_run_get_summary (*(FsHeadlessRun **) b, &sb);

  return (sa.wall_s > sb.wall_s) - (sa.wall_s < sb.wall_s);
}

/* Like the write-ups' "URL FETCHING PERFORMANCE COMPARISON" table. */
static void
print_ranking (GPtrArray  *runs,
               const char *urls,
               guint       concurrency,
               FILE       *out)
{
  g_autoptr(GPtrArray) ranked = g_ptr_array_copy (runs, NULL, NULL);
  const char *baseline = _("slowest");
  double baseline_wall = 0;

  /* The copy borrows the runs; it would otherwise inherit their free func. */
  g_ptr_array_set_free_func (ranked, NULL);

  for (guint i = 0; i < runs->len; i++)
    {
      FsHeadlessRun *run = g_ptr_array_index (runs, i);
      FsSummary s;

      fs_headless_run_get_summary (run, &s);
      if (fs_headless_run_get_config (run)->strategy == FS_STRATEGY_SERIAL)
        {
          baseline = _("serial");
          baseline_wall = s.wall_s;
          break;
        }
      baseline_wall = MAX (baseline_wall, s.wall_s);
    }

  g_ptr_array_sort (ranked, compare_by_wall);

  fprintf (out, _("\nURL FETCHING PERFORMANCE COMPARISON: %s, concurrency %u\n"), urls, concurrency);
  fprintf (out, "%-4s  %-18s  %9s  %8s  %9s  %9s  %9s  %10s  %7s  %7s\n",
           /* Translators: the comparison table's column heads: keep them short. */
           _("rank"), _("strategy"), _("wall s"), _("speedup"), _("req/s"), _("p50 ms"),
           _("p99 ms"), _("peak RSS"), _("CPU s"), _("errors"));
  for (guint i = 0; i < ranked->len; i++)
    {
      FsHeadlessRun *run = g_ptr_array_index (ranked, i);
      g_autofree char *label = fs_run_config_dup_label (fs_headless_run_get_config (run));
      g_autofree char *rss = NULL;
      FsSummary s;

      fs_headless_run_get_summary (run, &s);
      rss = g_format_size_full (s.peak_rss_bytes, G_FORMAT_SIZE_IEC_UNITS);
      fprintf (out, "%-4u  %-18s  %9.3f  %7.2fx  %9.1f  %9.2f  %9.2f  %10s  %7.2f  %7" G_GUINT64_FORMAT "%s\n",
               i + 1, label,
               s.wall_s, s.wall_s > 0 ? baseline_wall / s.wall_s : 0.0, s.rps,
               s.latency_ms_p50, s.latency_ms_p99, rss, s.cpu_s,
               s.total - s.outcomes[FS_OUTCOME_OK],
               fs_headless_run_was_cancelled (run) ? _("  (cancelled)") : "");
    }
  fprintf (out, _("speedup is relative to %s; errors are every outcome but ok\n"), baseline);
}

static int
cmd_compare (int    argc,
             char **argv)
{
  g_auto(Options) o = { 0 };
  g_auto(Export) export = { 0 };
  g_auto(UrlInput) input = { 0 };
  g_auto(SignalGuard) guard = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_headless_run_free);
  g_autoptr(GArray) variants = g_array_new (FALSE, FALSE, sizeof (FsVariant));
  g_autoptr(GArray) modes_named = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *available = strategy_list (",");
  g_autofree char *strategies_desc = g_strdup_printf (_("Strategies to run one after another, "
                                                        "comma-separated, each optionally with "
                                                        "+gil, and processes with +blocking or "
                                                        "+loop (default %s)"), available);
  const GOptionEntry entries[] = {
    { "strategies", 's', 0, G_OPTION_ARG_STRING, &o.strategies, strategies_desc, "LIST" },
    { NULL }
  };

  context = new_option_context ("compare", _("- run several strategies on the same URL list"),
                                &o, entries);
  add_export_entries (context, &export, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (argc > 1)
    return usage_error (_("unexpected argument “%s”"), argv[1]);

  names = g_strsplit (o.strategies ? o.strategies : available, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      g_auto(GStrv) parts = g_strsplit (name, "+", 2);
      gboolean mode_named = strstr (name, "+blocking") != NULL || strstr (name, "+loop") != NULL;
      FsStrategy strategy;
      FsVariant variant;

      if (!parse_strategy (parts[0] ? parts[0] : "", &strategy, &error) ||
          !fs_variant_parse (name, &variant, &error))
        return usage_error ("%s", error->message);
      g_array_append_val (variants, variant);
      g_array_append_val (modes_named, mode_named);
    }
  if (variants->len == 0)
    return usage_error (_("--strategies names no strategy"));

  if (!parse_options (&o, config, &input, &error) || !parse_export (&export, &error))
    return usage_error ("%s", error->message);

  signal_guard_init (&guard, cancellable);

  if (!url_input_prepare (&input, TRUE, cancellable, &error))
    {
      g_printerr ("fetchscope-cli: %s\n", error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < variants->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autoptr(FsRunConfig) run_config = fs_run_config_copy (config);
      FsVariant variant = g_array_index (variants, FsVariant, i);
      g_autofree char *label = NULL;
      FsHeadlessRun *run;

      /* --gil and --worker-mode hold for every run that does not say otherwise. */
      variant.gil |= config->gil;
      if (!g_array_index (modes_named, gboolean, i))
        variant.worker_mode = config->worker_mode;
      fs_variant_apply (&variant, run_config);
      label = fs_run_config_dup_label (run_config);
      if (!o.quiet)
        g_printerr (_("fetchscope-cli: %s (%u of %u)\n"), label, i + 1, variants->len);

      if (!(run = run_one (run_config, &input, NULL, export.save_path != NULL,
                           !o.quiet && isatty (STDERR_FILENO), i == 0, FALSE,
                           cancellable, &error)))
        {
          g_printerr ("fetchscope-cli: %s: %s\n", label, error->message);
          return EXIT_FAILURE;
        }

      g_ptr_array_add (runs, run);
    }

  for (guint i = 0; i < runs->len; i++)
    {
      fs_headless_run_print_summary (g_ptr_array_index (runs, i), stdout);
      fputc ('\n', stdout);
    }
  print_ranking (runs, input.spec, config->concurrency, stdout);
  fflush (stdout);

  if (o.json_path != NULL)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "urls");
      json_builder_add_string_value (b, input.spec);
      json_builder_set_member_name (b, "complete");
      json_builder_add_boolean_value (b, !g_cancellable_is_cancelled (cancellable));
      json_builder_set_member_name (b, "runs");
      json_builder_begin_array (b);
      for (guint i = 0; i < runs->len; i++)
        json_builder_add_value (b, fs_headless_run_to_json (g_ptr_array_index (runs, i)));
      json_builder_end_array (b);
      json_builder_end_object (b);
      if (!write_json (json_builder_get_root (b), o.json_path))
        return EXIT_FAILURE;
    }

  saved = saved_runs_of (runs);
  if (!export_runs (&export, saved, o.quiet))
    return EXIT_FAILURE;

  return g_cancellable_is_cancelled (cancellable) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Draws (and summarises) a saved run or comparison: no network. */
static int
cmd_render (int    argc,
            char **argv)
{
  g_auto(Export) export = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Say nothing about the files written"),
      NULL },
    { NULL }
  };

  g_set_prgname ("fetchscope-cli render");
  context = g_option_context_new (_("SAVED - draw a saved run or comparison again, without "
                                    "fetching"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, NULL);
  add_export_entries (context, &export, FALSE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (argc < 2)
    return usage_error (_("render needs a saved run (from --save FILE)"));
  if (argc > 2)
    return usage_error (_("unexpected argument “%s”"), argv[2]);
  if (!parse_export (&export, &error))
    return usage_error ("%s", error->message);
  if (!export_wanted (&export))
    return usage_error (_("render needs --png, --svg or --pdf"));

  if (!(runs = fs_saved_runs_load (argv[1], &error)))
    {
      g_printerr ("fetchscope-cli: %s\n", error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (runs, i);
      g_autofree char *rss = g_format_size_full (run->summary.peak_rss_bytes,
                                                 G_FORMAT_SIZE_IEC_UNITS);

      /* Translators: a saved run: its label, URL set, requests, wall time,
       * throughput, latencies, peak memory and maybe " (cancelled)". */
      printf (_("%-16s %s, %llu requests, %.3f s, %.1f req/s, p50 %.2f ms, p99 %.2f ms, "
                "peak RSS %s%s\n"), run->label, run->urls,
              (unsigned long long) run->summary.total, run->summary.wall_s, run->summary.rps,
              run->summary.latency_ms_p50, run->summary.latency_ms_p99, rss,
              run->complete ? "" : _(" (cancelled)"));
    }
  fflush (stdout);

  return export_runs (&export, runs, quiet) ? EXIT_SUCCESS : EXIT_FAILURE;
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

  g_printerr (_("fetchscope-cli: could not run %s: %s\n"), path, g_strerror (errno));
  return EXIT_FAILURE;
}

static void
print_help (FILE *out)
{
  fputs (_("Usage:\n"
           "  fetchscope-cli COMMAND [OPTION…]\n"
           "\n"
           "Fetch a URL set with a concurrency strategy and measure every request.\n"
           "\n"
           "Commands:\n"
           "  run      Fetch a URL set with one strategy and print a summary\n"
           "  compare  Run several strategies on the same URL list and rank them\n"
           "  render   Draw a run saved with --save again, without fetching\n"
           "  serve    Run the demo server on 127.0.0.1 (--port, --time-scale, --seed)\n"
           "\n"
           "Options:\n"
           "  -h, --help     Show this help\n"
           "  --version      Show the version\n"
           "\n"
           "run and compare draw the dashboard (--png, --svg, --pdf; one chart with\n"
           "--chart NAME) and save the runs (--save FILE) for render.\n"
           "“fetchscope-cli COMMAND --help” describes a command’s options.\n"
           "Exit status: 0 ok, 1 the run failed or was cancelled, 2 bad usage.\n"), out);
}

int
main (int   argc,
      char *argv[])
{
  const char *command;

  fs_i18n_init ();
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

  if (g_str_equal (command, "compare"))
    return cmd_compare (argc - 1, argv + 1);

  if (g_str_equal (command, "render"))
    return cmd_render (argc - 1, argv + 1);

  if (g_str_equal (command, "serve"))
    return cmd_serve (argc - 1, argv + 1);

  return usage_error (_("unknown command “%s” (run, compare, render, serve)"), command);
}

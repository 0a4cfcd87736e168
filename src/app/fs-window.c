/* fs-window.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "fs-app-enums.h"
#include "fs-demo-process.h"
#include "fs-engine.h"
#include "fs-window.h"

#define SUMMARY_INTERVAL_MS 100
#define DEMO_SEED           1

typedef struct
{
  FsStrategy  strategy;
  const char *label;
  const char *description;
} StrategyInfo;

static const StrategyInfo strategy_info[] = {
  { FS_STRATEGY_SERIAL, N_("Serial"),
    N_("One request at a time: the baseline every speed-up is measured against") },
  { FS_STRATEGY_LOOP, N_("Event loop"),
    N_("One thread, many transfers in flight, like asyncio + aiohttp; CPU work stalls it") },
  { FS_STRATEGY_THREADS, N_("Threads"),
    N_("A pool of blocking threads, like ThreadPoolExecutor + requests; CPU work runs "
       "in parallel unless the GIL is on") },
  { FS_STRATEGY_PROCESSES, N_("Processes"),
    N_("Worker processes, like multiprocessing: CPU work in parallel, at a memory cost") },
  { FS_STRATEGY_HYBRID, N_("Hybrid"),
    N_("A loop for light pages and a thread pool for heavy ones, like run_in_executor") },
};

static const char * const cpu_descriptions[] = {
  N_("Bodies are only counted"),
  N_("Chained SHA-256 rounds over every body"),
  N_("Solve the hash puzzles of the demo’s CPU pages (the CPU and Graph sets)"),
};

static const char * const worker_mode_descriptions[] = {
  N_("An event loop in each process (multiprocessing + asyncio)"),
  N_("One request at a time per process (multiprocessing.Pool)"),
};

typedef enum
{
  STAT_OK,
  STAT_ERRORS,
  STAT_RATE_NOW,
  STAT_RATE_AVERAGE,
  STAT_P50,
  STAT_P99,
  STAT_PEAK_RSS,
  STAT_ELAPSED,
  STAT_ETA,
  N_STATS
} Stat;

static const char * const stat_captions[N_STATS] = {
  N_("OK"),
  N_("Errors"),
  N_("Req/s now"),
  N_("Req/s average"),
  N_("p50 latency"),
  N_("p99 latency"),
  N_("Peak memory"),
  N_("Elapsed"),
  N_("Time left"),
};

typedef enum
{
  DEMO_STARTING,
  DEMO_READY,
  DEMO_FAILED,
} DemoState;

struct _FsWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  AdwPreferencesGroup  *strategy_group;
  AdwComboRow          *strategy_row;
  AdwPreferencesGroup  *urls_group;
  AdwComboRow          *urls_row;
  AdwActionRow         *count_row;
  GtkSpinButton        *count_spin;
  AdwActionRow         *concurrency_row;
  GtkSpinButton        *concurrency_spin;
  AdwActionRow         *workers_row;
  GtkSpinButton        *workers_spin;
  AdwComboRow          *worker_mode_row;
  AdwComboRow          *cpu_row;
  AdwActionRow         *rounds_row;
  GtkSpinButton        *rounds_spin;
  GtkSwitch            *gil_switch;
  AdwActionRow         *interval_row;
  GtkSpinButton        *interval_spin;
  AdwActionRow         *timeout_row;
  GtkSpinButton        *timeout_spin;
  GtkLabel             *form_error_label;
  GtkButton            *run_button;
  GtkLabel             *status_label;
  GtkLabel             *run_label;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkLabel             *detail_label;
  GtkFlowBox           *stats_box;
  FsChart              *latency_chart;
  FsChart              *histogram_chart;
  gboolean              latency_heatmap;
  gboolean              latency_log_scale;
  FsChart              *throughput_chart;
  FsChart              *in_flight_chart;
  FsChart              *memory_chart;
  FsChart              *cpu_chart;
  FsChart              *swimlane_chart;
  GtkScrollbar         *lane_scrollbar;
  GtkAdjustment        *lane_adjustment;
  FsRunController      *controller;

  /* Owned */
  GArray               *strategies;        /* FsStrategy per strategy_row position */
  guint                 n_presets;
  FsDemoProcess        *demo;
  GCancellable         *demo_cancellable;
  GError               *demo_error;
  DemoState             demo_state;
  double                demo_time_scale;
  char                 *url_file_path;
  char                 *url_file_error;    /* why the chosen file could not be read */
  char                 *pasted_urls;
  guint64               pasted_count;
  char                 *run_description;
  GtkLabel             *stat_values[N_STATS];
  GtkLabel             *stat_details[N_STATS];
  guint                 summary_id;
  gboolean              form_valid;
  gboolean              autostart;
};

G_DEFINE_FINAL_TYPE (FsWindow, fs_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_form    (FsWindow *self);
static void update_summary (FsWindow *self);

/* Positions in urls_row after the presets */
static guint
urls_file_position (FsWindow *self)
{
  return self->n_presets;
}

static guint
urls_pasted_position (FsWindow *self)
{
  return self->n_presets + 1;
}

static const char *
preset_label (const char *name)
{
  static const struct { const char *name; const char *label; } labels[] = {
    { "mixed", N_("Mixed") },
    { "graph", N_("Graph") },
    { "cpu", N_("CPU") },
    { "slow", N_("Slow") },
    { "regular", N_("Regular") },
    { "failing", N_("Failing") },
    { "ping", N_("Ping") },
    { "delay", N_("Delay") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].name, name))
      return _(labels[i].label);

  return name;
}

static const FsUrlPreset *
selected_preset (FsWindow *self)
{
  const FsUrlPreset *presets;
  guint n, selected;

  presets = fs_url_presets (&n);
  selected = adw_combo_row_get_selected (self->urls_row);

  return selected < n ? &presets[selected] : NULL;
}

static FsStrategy
selected_strategy (FsWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->strategy_row);

  if (selected >= self->strategies->len)
    return FS_STRATEGY_LOOP;

  return g_array_index (self->strategies, FsStrategy, selected);
}

static const StrategyInfo *
lookup_strategy_info (FsStrategy strategy)
{
  for (guint i = 0; i < G_N_ELEMENTS (strategy_info); i++)
    if (strategy_info[i].strategy == strategy)
      return &strategy_info[i];

  return NULL;
}

/* Formatting */

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

static char *
format_rate (double rate)
{
  if (rate <= 0)
    return g_strdup ("0");
  if (rate < 100)
    return g_strdup_printf ("%.1f", rate);

  return g_strdup_printf ("%.0f", rate);
}

static char *
format_ms (double ms)
{
  if (ms <= 0)
    return g_strdup ("—");
  if (ms < 10)
    return g_strdup_printf (_("%.2f ms"), ms);
  if (ms < 1000)
    return g_strdup_printf (_("%.0f ms"), ms);

  return g_strdup_printf (_("%.2f s"), ms / 1000.0);
}

static char *
format_duration (double s)
{
  guint minutes;

  if (s < 0)
    return g_strdup ("—");
  if (s < 60)
    return g_strdup_printf (_("%.1f s"), s);

  minutes = (guint) (s / 60);
  return g_strdup_printf (_("%u min %02u s"), minutes, (guint) (s - minutes * 60));
}

static char *
format_number (double value,
               int    digits)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The spin buttons show numbers in the locale's format, so do we. */
  g_snprintf (buf, sizeof buf, "%.*f", digits, value);
  return g_strdup (buf);
}

/* Rows and their messages */

/* Subtitles and descriptions are markup: file names, URLs and messages
 * ("/api/<id>") must reach them as text. */
static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  adw_action_row_set_subtitle (row, escaped);
}

static void
set_description (AdwPreferencesGroup *group,
                 const char          *text)
{
  g_autofree char *escaped = text ? g_markup_escape_text (text, -1) : NULL;

  adw_preferences_group_set_description (group, escaped);
}

static void
set_row_message (AdwActionRow *row,
                 const char   *subtitle,
                 const char   *error)
{
  GtkWidget *widget = GTK_WIDGET (row);

  if (error != NULL)
    {
      set_subtitle (row, error);
      gtk_widget_add_css_class (widget, "fs-invalid");
    }
  else
    {
      set_subtitle (row, subtitle);
      gtk_widget_remove_css_class (widget, "fs-invalid");
    }
}

/* Reads what the user typed, not what the spin button will clamp it to,
 * so a wrong value is explained while it is on screen. */
static gboolean
read_spin (GtkSpinButton  *spin,
           double          min,
           double          max,
           gboolean        integer,
           double         *value,
           char          **why)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  g_autofree char *min_text = format_number (min, integer ? 0 : 1);
  g_autofree char *max_text = format_number (max, integer ? 0 : 1);
  char *end = NULL;
  double v;

  if (*text == '\0')
    {
      *why = g_strdup_printf (_("Enter a number from %s to %s"), min_text, max_text);
      return FALSE;
    }

  v = g_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    {
      *why = g_strdup_printf (_("“%s” is not a number"), text);
      return FALSE;
    }

  if (integer && v != floor (v))
    {
      *why = g_strdup_printf (_("Enter a whole number from %s to %s"), min_text, max_text);
      return FALSE;
    }

  if (v < min || v > max)
    {
      *why = g_strdup_printf (integer ? _("Enter a whole number from %s to %s")
                                      : _("Enter a number from %s to %s"),
                              min_text, max_text);
      return FALSE;
    }

  *value = v;
  return TRUE;
}

/* Checks one numeric row: its subtitle says what it is for, or what is
 * wrong with it. The first problem found is kept in @first_error. */
static double
check_spin_row (AdwActionRow   *row,
                GtkSpinButton  *spin,
                double          min,
                double          max,
                gboolean        integer,
                const char     *subtitle,
                gboolean        used,
                char          **first_error)
{
  g_autofree char *why = NULL;
  double value = min;

  if (!used || read_spin (spin, min, max, integer, &value, &why))
    {
      set_row_message (row, subtitle, NULL);
      return value;
    }

  set_row_message (row, subtitle, why);
  if (*first_error == NULL)
    *first_error = g_strdup_printf ("%s: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), why);

  return min;
}

/* Everything the form shows depends on everything else in it, so one
 * function brings it all up to date. */
static void
update_form (FsWindow *self)
{
  g_autofree char *first_error = NULL;
  g_autofree char *workers_subtitle = NULL;
  g_autofree char *count_subtitle = NULL;
  g_autofree char *urls_subtitle = NULL;
  const StrategyInfo *info;
  const FsUrlPreset *preset;
  const char *urls_error = NULL;
  const char *urls_error_detail = NULL;
  FsStrategy strategy;
  gboolean running;
  gboolean urls_ready = TRUE;
  guint urls_selected;
  guint cpu;
  guint n_cores = MAX (1, g_get_num_processors ());

  if (self->strategies == NULL)
    return;

  running = fs_run_controller_get_running (self->controller);
  strategy = selected_strategy (self);
  info = lookup_strategy_info (strategy);
  /* What a choice demonstrates goes above its row, whose own subtitle
   * would squeeze the chosen value in a sidebar this narrow. */
  set_description (self->strategy_group, info ? _(info->description) : NULL);

  /* URLs */
  preset = selected_preset (self);
  urls_selected = adw_combo_row_get_selected (self->urls_row);
  gtk_widget_set_visible (GTK_WIDGET (self->count_row), preset != NULL);
  if (preset != NULL)
    {
      set_description (self->urls_group, preset->description);
      if (self->demo_state == DEMO_STARTING)
        {
          urls_subtitle = g_strdup (_("Starting the demo server…"));
          urls_ready = FALSE;
        }
      else if (self->demo_state == DEMO_FAILED)
        {
          urls_error = _("The demo server is not running");
          urls_error_detail = self->demo_error ? self->demo_error->message : NULL;
          urls_ready = FALSE;
        }

      count_subtitle = g_strdup_printf (_("URLs to fetch (default %" G_GUINT64_FORMAT ")"),
                                        preset->default_count);
    }
  else if (urls_selected == urls_file_position (self))
    {
      set_description (self->urls_group, _("Your own list, one URL per line"));
      if (self->url_file_path != NULL)
        {
          urls_subtitle = g_filename_display_basename (self->url_file_path);
          if (self->url_file_error != NULL)
            {
              urls_error = _("The file could not be read");
              urls_error_detail = self->url_file_error;
              urls_ready = FALSE;
            }
        }
      else
        {
          /* Short: a long subtitle squeezes the chosen value beside it. */
          urls_error = _("No file chosen yet");
          urls_error_detail = _("choose one with “Open URL File…”");
          urls_ready = FALSE;
        }
    }
  else if (urls_selected == urls_pasted_position (self))
    {
      set_description (self->urls_group, _("Your own list, pasted"));
      if (self->pasted_urls != NULL && self->pasted_count > 0)
        urls_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GUINT64_FORMAT " pasted URL",
                                                      "%" G_GUINT64_FORMAT " pasted URLs",
                                                      self->pasted_count),
                                         self->pasted_count);
      else
        {
          urls_error = _("Nothing pasted yet");
          urls_error_detail = _("paste a list with “Paste URLs…”");
          urls_ready = FALSE;
        }
    }

  set_row_message (ADW_ACTION_ROW (self->urls_row), urls_subtitle, urls_error);
  if (urls_error != NULL)
    first_error = g_strdup_printf ("%s: %s%s%s", _("URL set"), urls_error,
                                   urls_error_detail ? ": " : "",
                                   urls_error_detail ? urls_error_detail : "");

  check_spin_row (self->count_row, self->count_spin, 1, 1000000, TRUE,
                  count_subtitle, preset != NULL, &first_error);

  /* Concurrency and workers */
  gtk_widget_set_sensitive (GTK_WIDGET (self->concurrency_row), strategy != FS_STRATEGY_SERIAL);
  check_spin_row (self->concurrency_row, self->concurrency_spin, 1, FS_RUN_CONFIG_MAX_CONCURRENCY,
                  TRUE,
                  strategy == FS_STRATEGY_SERIAL ? _("Serial fetches one request at a time")
                                                 : _("Requests in flight at once"),
                  strategy != FS_STRATEGY_SERIAL, &first_error);

  switch (strategy)
    {
    case FS_STRATEGY_THREADS:
      workers_subtitle = g_strdup (_("Threads in the pool; 0: one per concurrent request"));
      break;

    case FS_STRATEGY_HYBRID:
      workers_subtitle = g_strdup (_("Threads in the pool for heavy pages; 0: the concurrency"));
      break;

    case FS_STRATEGY_PROCESSES:
      workers_subtitle = g_strdup_printf (_("Worker processes; 0: one per core (%u)"), n_cores);
      break;

    case FS_STRATEGY_SERIAL:
    case FS_STRATEGY_LOOP:
    case FS_N_STRATEGIES:
    default:
      workers_subtitle = g_strdup (_("Not used by this strategy"));
      break;
    }
  {
    gboolean uses_workers = strategy == FS_STRATEGY_THREADS ||
                            strategy == FS_STRATEGY_HYBRID ||
                            strategy == FS_STRATEGY_PROCESSES;

    gtk_widget_set_sensitive (GTK_WIDGET (self->workers_row), uses_workers);
    check_spin_row (self->workers_row, self->workers_spin, 0, FS_RUN_CONFIG_MAX_WORKERS, TRUE,
                    workers_subtitle, uses_workers, &first_error);
  }

  gtk_widget_set_visible (GTK_WIDGET (self->worker_mode_row), strategy == FS_STRATEGY_PROCESSES);
  set_subtitle (ADW_ACTION_ROW (self->worker_mode_row),
                               _(worker_mode_descriptions[MIN (adw_combo_row_get_selected (self->worker_mode_row), 1)]));

  /* Processing */
  cpu = MIN (adw_combo_row_get_selected (self->cpu_row), G_N_ELEMENTS (cpu_descriptions) - 1);
  set_subtitle (ADW_ACTION_ROW (self->cpu_row), _(cpu_descriptions[cpu]));
  gtk_widget_set_visible (GTK_WIDGET (self->rounds_row), cpu == FS_CPU_WORK_HASH);
  check_spin_row (self->rounds_row, self->rounds_spin, 1, FS_RUN_CONFIG_MAX_HASH_ROUNDS, TRUE,
                  _("SHA-256 rounds per body"), cpu == FS_CPU_WORK_HASH, &first_error);
  check_spin_row (self->interval_row, self->interval_spin, 0.1, 10000, FALSE,
                  _("How long a holder keeps the GIL while others wait (CPython: 5 ms)"),
                  gtk_switch_get_active (self->gil_switch), &first_error);
  check_spin_row (self->timeout_row, self->timeout_spin, 0.1, 86400, FALSE,
                  _("Longest a request may take, from start to last byte"), TRUE, &first_error);

  self->form_valid = first_error == NULL;
  gtk_label_set_label (self->form_error_label, first_error ? first_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), first_error != NULL && !running);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.start",
                                 !running && self->form_valid && urls_ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.stop",
                                 fs_run_controller_get_state (self->controller) == FS_RUN_STATE_RUNNING);
}

static void
form_changed_cb (FsWindow *self)
{
  update_form (self);
}

static void
urls_changed_cb (FsWindow *self)
{
  const FsUrlPreset *preset = selected_preset (self);

  /* A preset's own size is the natural count to offer. */
  if (preset != NULL)
    gtk_spin_button_set_value (self->count_spin, preset->default_count);

  update_form (self);
}

static void
update_window_title (FsWindow *self)
{
  g_autofree char *subtitle = NULL;

  switch (self->demo_state)
    {
    case DEMO_STARTING:
      subtitle = g_strdup (_("Starting the demo server…"));
      break;

    case DEMO_READY:
      subtitle = g_strdup_printf (_("Demo server at %s"),
                                  fs_demo_process_get_base_url (self->demo) + strlen ("http://"));
      break;

    case DEMO_FAILED:
    default:
      subtitle = g_strdup (_("Demo server unavailable: your own URLs still work"));
      break;
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
toast (FsWindow   *self,
       const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Runs */

static FsRunConfig *
build_config (FsWindow  *self,
              GError   **error)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();

  config->strategy = selected_strategy (self);
  config->concurrency = (guint) gtk_spin_button_get_value (self->concurrency_spin);
  config->workers = (guint) gtk_spin_button_get_value (self->workers_spin);
  config->worker_mode = adw_combo_row_get_selected (self->worker_mode_row) == 1
                        ? FS_WORKER_MODE_BLOCKING : FS_WORKER_MODE_LOOP;
  config->cpu_work = MIN (adw_combo_row_get_selected (self->cpu_row), FS_CPU_WORK_PUZZLE);
  config->hash_rounds = (guint) gtk_spin_button_get_value (self->rounds_spin);
  config->gil = gtk_switch_get_active (self->gil_switch);
  config->switch_interval_us = (guint) (gtk_spin_button_get_value (self->interval_spin) * 1000 + 0.5);
  config->timeout_ms = MAX (1, (guint) (gtk_spin_button_get_value (self->timeout_spin) * 1000 + 0.5));

  if (!fs_run_config_validate (config, error))
    return NULL;

  return g_steal_pointer (&config);
}

static FsUrlSource *
build_source (FsWindow  *self,
              guint64   *expected_total,
              char     **label,
              GError   **error)
{
  const FsUrlPreset *preset = selected_preset (self);
  guint selected = adw_combo_row_get_selected (self->urls_row);
  FsUrlSource *source = NULL;

  *expected_total = 0;

  if (preset != NULL)
    {
      guint64 count = (guint64) gtk_spin_button_get_value (self->count_spin);

      if (self->demo_state != DEMO_READY)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The demo server is not running"));
          return NULL;
        }

      source = fs_url_source_new_for_preset (preset->name,
                                             fs_demo_process_get_base_url (self->demo),
                                             count, error);
      *expected_total = count;
      *label = g_strdup_printf (_("%s, %" G_GUINT64_FORMAT " URLs"),
                                preset_label (preset->name), count);
    }
  else if (selected == urls_file_position (self) && self->url_file_path != NULL)
    {
      g_autofree char *basename = g_filename_display_basename (self->url_file_path);

      source = fs_url_source_new_for_path (self->url_file_path, error);
      if (source == NULL)
        {
          /* Said beside the URL set until another file is chosen. */
          g_free (self->url_file_error);
          self->url_file_error = g_strdup ((*error)->message);
          update_form (self);
        }
      *label = g_steal_pointer (&basename);
    }
  else if (selected == urls_pasted_position (self) && self->pasted_urls != NULL)
    {
      g_autoptr(GInputStream) stream = NULL;

      stream = g_memory_input_stream_new_from_data (g_strdup (self->pasted_urls), -1, g_free);
      source = fs_url_source_new_for_stream (stream, _("pasted URLs"));
      *label = g_strdup (_("Pasted URLs"));
    }
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         _("Choose a URL set first"));

  return source;
}

static void
run_start_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  g_autoptr(FsRunConfig) config = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *urls_label = NULL;
  g_autofree char *cpu = NULL;
  const StrategyInfo *info;
  guint64 expected_total = 0;

  if (!(config = build_config (self, &error)) ||
      !(source = build_source (self, &expected_total, &urls_label, &error)) ||
      !fs_run_controller_start (self->controller, config, source, expected_total, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not start: %s"), error->message);

      toast (self, message);
      gtk_label_set_label (self->detail_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->detail_label), TRUE);
      return;
    }

  info = lookup_strategy_info (config->strategy);
  cpu = fs_cpu_work_to_string (config->cpu_work, config->hash_rounds);
  g_free (self->run_description);
  self->run_description =
    g_strdup_printf (_("%s · %u at once · %s%s%s%s"),
                     info ? _(info->label) : fs_strategy_to_string (config->strategy),
                     config->concurrency, urls_label,
                     config->cpu_work != FS_CPU_WORK_NONE ? " · " : "",
                     config->cpu_work != FS_CPU_WORK_NONE ? cpu : "",
                     config->gil ? _(" · GIL") : "");
}

static void
run_stop_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);

  fs_run_controller_stop (self->controller);
}

/* URL file and pasted URLs */

static void
file_chooser_response_cb (FsWindow             *self,
                          int                   response,
                          GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path == NULL)
        toast (self, _("Only local files can be opened"));
      else
        {
          g_free (self->url_file_path);
          self->url_file_path = g_steal_pointer (&path);
          g_clear_pointer (&self->url_file_error, g_free);
          adw_combo_row_set_selected (self->urls_row, urls_file_position (self));
        }
    }

  update_form (self);
  g_object_unref (native);
}

static void
urls_open_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) text_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Open URL File"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (text_filter, _("URL lists"));
  gtk_file_filter_add_mime_type (text_filter, "text/plain");
  gtk_file_filter_add_suffix (text_filter, "txt");
  gtk_file_filter_add_suffix (text_filter, "urls");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), text_filter);
  gtk_file_filter_set_name (all_filter, _("All files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all_filter);

  /* Released in the response handler. */
  g_signal_connect_object (native, "response", G_CALLBACK (file_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* What the pasted text holds: URLs counted, the first few bad lines named.
 * The source checks again when it reads them; this is for the dialog. */
static guint64
check_pasted (const char  *text,
              char       **report)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) problems = g_string_new (NULL);
  guint64 n_urls = 0, n_bad = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) fields = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;

      fields = g_strsplit_set (line, " \t", 2);
      if (fs_url_check (fields[0], &error))
        {
          n_urls++;
          continue;
        }

      if (n_bad++ < 3)
        g_string_append_printf (problems, _("Line %u: %s\n"), i + 1, error->message);
    }

  if (n_bad > 3)
    g_string_append_printf (problems, g_dngettext (GETTEXT_PACKAGE,
                                                   "and %" G_GUINT64_FORMAT " more line\n",
                                                   "and %" G_GUINT64_FORMAT " more lines\n",
                                                   n_bad - 3), n_bad - 3);

  if (n_bad > 0)
    g_string_prepend (problems,
                      g_dngettext (GETTEXT_PACKAGE, "This line will be skipped:\n",
                                   "These lines will be skipped:\n", n_bad));

  if (problems->len > 0 && problems->str[problems->len - 1] == '\n')
    g_string_truncate (problems, problems->len - 1);

  if (n_urls == 0 && n_bad == 0)
    *report = g_strdup (_("One http or https URL per line"));
  else if (n_bad == 0)
    *report = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GUINT64_FORMAT " URL",
                                            "%" G_GUINT64_FORMAT " URLs", n_urls), n_urls);
  else
    *report = g_string_free (g_steal_pointer (&problems), FALSE);

  return n_urls;
}

static char *
text_view_get_text (GtkTextView *text_view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
pasted_text_changed_cb (GtkTextBuffer    *buffer,
                        AdwMessageDialog *dialog)
{
  GtkTextView *text_view = g_object_get_data (G_OBJECT (dialog), "text-view");
  GtkLabel *label = g_object_get_data (G_OBJECT (dialog), "report-label");
  g_autofree char *text = text_view_get_text (text_view);
  g_autofree char *report = NULL;
  guint64 n_urls;

  n_urls = check_pasted (text, &report);
  gtk_label_set_label (label, report);
  if (strchr (report, '\n') != NULL || (n_urls == 0 && *g_strstrip (text) != '\0'))
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  adw_message_dialog_set_response_enabled (dialog, "use", n_urls > 0);
}

static void
paste_response_cb (FsWindow         *self,
                   const char       *response,
                   AdwMessageDialog *dialog)
{
  GtkTextView *text_view = g_object_get_data (G_OBJECT (dialog), "text-view");
  g_autofree char *text = NULL;
  g_autofree char *report = NULL;

  if (g_strcmp0 (response, "use") != 0)
    return;

  text = text_view_get_text (text_view);
  self->pasted_count = check_pasted (text, &report);
  g_free (self->pasted_urls);
  self->pasted_urls = g_steal_pointer (&text);
  adw_combo_row_set_selected (self->urls_row, urls_pasted_position (self));
  update_form (self);
}

static void
urls_paste_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *scroller;
  GtkWidget *text_view;
  GtkWidget *label;
  GtkTextBuffer *buffer;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Paste URLs"),
                                   _("One http or https URL per line. Lines starting with # are "
                                     "comments; a word after a URL names its class."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "use", _("_Use These URLs"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "use");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 200);
  gtk_widget_add_css_class (scroller, "card");
  text_view = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (text_view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text_view), GTK_WRAP_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("URLs"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), text_view);
  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  g_object_set_data (G_OBJECT (dialog), "text-view", text_view);
  g_object_set_data (G_OBJECT (dialog), "report-label", label);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  if (self->pasted_urls != NULL)
    gtk_text_buffer_set_text (buffer, self->pasted_urls, -1);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (pasted_text_changed_cb), dialog, 0);
  pasted_text_changed_cb (buffer, ADW_MESSAGE_DIALOG (dialog));

  g_signal_connect_object (dialog, "response", G_CALLBACK (paste_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (text_view);
}

/* The summary */

static void
set_stat (FsWindow   *self,
          Stat        stat,
          const char *value,
          const char *detail)
{
  gtk_label_set_label (self->stat_values[stat], value);
  gtk_label_set_label (self->stat_details[stat], detail ? detail : "");
}

static char *
describe_errors (const FsSummary *s)
{
  static const struct { FsOutcome outcome; const char *label; } kinds[] = {
    { FS_OUTCOME_HTTP_ERROR, N_("HTTP") },
    { FS_OUTCOME_TRANSPORT_ERROR, N_("transport") },
    { FS_OUTCOME_TIMEOUT, N_("timeout") },
    { FS_OUTCOME_CANCELLED, N_("cancelled") },
    { FS_OUTCOME_WORKER_LOST, N_("worker lost") },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (s->outcomes[kinds[i].outcome] == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, "%" G_GUINT64_FORMAT " %s",
                              s->outcomes[kinds[i].outcome], _(kinds[i].label));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The renderer shows as many lanes as fit at two pixels or more, below a
 * header and above an axis; past that, the scrollbar picks the first. */
#define SWIMLANE_CHROME_PX  90
#define SWIMLANE_ROW_MIN_PX 2

static void
update_lanes (FsWindow *self)
{
  guint n_rows = fs_swimlane_get_n_rows (fs_run_controller_get_swimlane (self->controller));
  int height = gtk_widget_get_height (GTK_WIDGET (self->swimlane_chart));
  guint fit = MAX (1, (height - SWIMLANE_CHROME_PX) / SWIMLANE_ROW_MIN_PX);
  gboolean scrolls = n_rows > fit;

  gtk_adjustment_configure (self->lane_adjustment,
                            scrolls ? MIN (gtk_adjustment_get_value (self->lane_adjustment),
                                           n_rows - fit) : 0,
                            0, scrolls ? n_rows : fit, 1, MAX (1, fit / 2), fit);
  gtk_widget_set_visible (GTK_WIDGET (self->lane_scrollbar), scrolls);
}

static void
update_summary (FsWindow *self)
{
  g_autofree char *progress = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *error_detail = NULL;
  g_autofree char *detail = NULL;
  FsRunState state = fs_run_controller_get_state (self->controller);
  gboolean running = fs_run_controller_get_running (self->controller);
  gboolean known;
  guint64 total, error_count;
  const char *status;
  FsSummary s;

  fs_run_controller_get_summary (self->controller, &s);
  total = fs_run_controller_get_total (self->controller, &known);

  switch (state)
    {
    case FS_RUN_STATE_RUNNING:
      status = _("Running");
      break;

    case FS_RUN_STATE_STOPPING:
      status = _("Stopping…");
      break;

    case FS_RUN_STATE_FINISHED:
      status = _("Finished");
      break;

    case FS_RUN_STATE_CANCELLED:
      status = _("Cancelled");
      break;

    case FS_RUN_STATE_FAILED:
      status = _("Failed");
      break;

    case FS_RUN_STATE_IDLE:
    default:
      status = _("Ready");
      break;
    }

  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->run_label,
                       self->run_description ? self->run_description
                                             : _("Pick a strategy and a URL set, then start"));

  if (state == FS_RUN_STATE_IDLE)
    {
      progress = g_strdup ("");
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  else if (known && total > 0)
    {
      progress = g_strdup_printf ("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, s.total, total);
      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) s.total / total));
    }
  else
    {
      progress = g_strdup_printf (_("%" G_GUINT64_FORMAT " / ?"), s.total);
      if (running)
        gtk_progress_bar_pulse (self->progress_bar);
      else
        gtk_progress_bar_set_fraction (self->progress_bar, 1);
    }
  gtk_label_set_label (self->progress_label, progress);

  error_count = s.total - s.outcomes[FS_OUTCOME_OK];
  errors = format_count (error_count);
  error_detail = describe_errors (&s);

  {
    g_autofree char *ok = format_count (s.outcomes[FS_OUTCOME_OK]);
    g_autofree char *rate_now = running ? format_rate (fs_run_controller_get_rate_now (self->controller))
                                        : g_strdup ("—");
    g_autofree char *rate_average = state != FS_RUN_STATE_IDLE ? format_rate (s.rps) : g_strdup ("—");
    g_autofree char *p50 = format_ms (s.total > 0 ? s.latency_ms_p50 : 0);
    g_autofree char *p99 = format_ms (s.total > 0 ? s.latency_ms_p99 : 0);
    g_autofree char *rss = s.peak_rss_bytes > 0
                           ? g_format_size_full (s.peak_rss_bytes, G_FORMAT_SIZE_IEC_UNITS)
                           : g_strdup ("—");
    g_autofree char *elapsed = state != FS_RUN_STATE_IDLE
                               ? format_duration (fs_run_controller_get_elapsed_s (self->controller))
                               : g_strdup ("—");
    g_autofree char *eta = format_duration (fs_run_controller_get_eta_s (self->controller));

    set_stat (self, STAT_OK, ok, NULL);
    set_stat (self, STAT_ERRORS, errors, error_detail);
    set_stat (self, STAT_RATE_NOW, rate_now, NULL);
    set_stat (self, STAT_RATE_AVERAGE, rate_average, NULL);
    set_stat (self, STAT_P50, p50, NULL);
    set_stat (self, STAT_P99, p99, NULL);
    set_stat (self, STAT_PEAK_RSS, rss, NULL);
    set_stat (self, STAT_ELAPSED, elapsed, NULL);
    set_stat (self, STAT_ETA, eta, NULL);
  }

  /* Whatever went wrong besides the requests themselves. */
  if (state == FS_RUN_STATE_FAILED && fs_run_controller_get_error (self->controller) != NULL)
    detail = g_strdup (fs_run_controller_get_error (self->controller)->message);
  else if (!running && state != FS_RUN_STATE_IDLE)
    {
      g_autoptr(GPtrArray) failures = fs_run_controller_dup_worker_failures (self->controller);
      FsUrlSource *source = fs_run_controller_get_source (self->controller);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < failures->len; i++)
        g_string_append_printf (text, "%s%s", text->len ? "\n" : "",
                                (char *) g_ptr_array_index (failures, i));

      if (source != NULL && fs_url_source_get_n_bad_lines (source) > 0)
        {
          g_autoptr(GPtrArray) diagnostics = fs_url_source_dup_diagnostics (source);
          guint64 n_bad = fs_url_source_get_n_bad_lines (source);

          g_string_append_printf (text, "%s", text->len ? "\n" : "");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                     "%" G_GUINT64_FORMAT " line was skipped",
                                                     "%" G_GUINT64_FORMAT " lines were skipped",
                                                     n_bad), n_bad);
          for (guint i = 0; diagnostics != NULL && i < MIN (diagnostics->len, 3); i++)
            {
              FsUrlDiagnostic *d = g_ptr_array_index (diagnostics, i);

              g_string_append_printf (text, _("; line %" G_GUINT64_FORMAT ": %s"),
                                      d->line, d->message);
            }
        }

      if (text->len > 0)
        detail = g_string_free (g_steal_pointer (&text), FALSE);
    }

  if (detail != NULL || state != FS_RUN_STATE_IDLE)
    {
      gtk_label_set_label (self->detail_label, detail ? detail : "");
      gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
    }
  if (state == FS_RUN_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "error");

  update_lanes (self);
}

static gboolean
summary_tick_cb (gpointer user_data)
{
  update_summary (user_data);

  return G_SOURCE_CONTINUE;
}

static void
update_run_button (FsWindow *self)
{
  GtkWidget *button = GTK_WIDGET (self->run_button);

  if (fs_run_controller_get_running (self->controller))
    {
      gtk_button_set_label (self->run_button, _("_Stop"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "run.stop");
      gtk_widget_set_tooltip_text (button, _("Stop the run (Escape)"));
      gtk_widget_remove_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "destructive-action");
    }
  else
    {
      gtk_button_set_label (self->run_button, _("_Start"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "run.start");
      gtk_widget_set_tooltip_text (button, _("Start the run (Ctrl+Enter)"));
      gtk_widget_remove_css_class (button, "destructive-action");
      gtk_widget_add_css_class (button, "suggested-action");
    }
}

static void
state_changed_cb (FsWindow        *self,
                  GParamSpec      *pspec,
                  FsRunController *controller)
{
  FsRunState state = fs_run_controller_get_state (controller);

  if (fs_run_controller_get_running (controller))
    {
      if (self->summary_id == 0)
        self->summary_id = g_timeout_add (SUMMARY_INTERVAL_MS, summary_tick_cb, self);
    }
  else
    g_clear_handle_id (&self->summary_id, g_source_remove);

  if (state == FS_RUN_STATE_FAILED)
    {
      g_autofree char *message = NULL;
      const GError *error = fs_run_controller_get_error (controller);

      message = g_strdup_printf (_("The run failed: %s"), error ? error->message : "");
      toast (self, message);
    }

  update_run_button (self);
  update_form (self);
  update_summary (self);
}

/* The demo server */

static void
demo_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fs_demo_process_start_finish (FS_DEMO_PROCESS (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_warning ("The demo server did not start: %s", error->message);
      self->demo_state = DEMO_FAILED;
      g_clear_error (&self->demo_error);
      self->demo_error = g_steal_pointer (&error);
    }
  else
    self->demo_state = DEMO_READY;

  update_window_title (self);
  update_form (self);

  if (self->autostart && self->demo_state == DEMO_READY)
    gtk_widget_activate_action (GTK_WIDGET (self), "run.start", NULL);
}

/* FETCHSCOPE_DEMO_TIME_SCALE shrinks the demo server's delays: a testing
 * aid, so a test's run takes a second rather than a minute. */
static double
demo_time_scale_from_env (void)
{
  const char *text = g_getenv ("FETCHSCOPE_DEMO_TIME_SCALE");
  char *end = NULL;
  double scale;

  if (text == NULL || *text == '\0')
    return 1.0;

  scale = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(scale >= 0.0001 && scale <= 100))
    {
      g_warning ("FETCHSCOPE_DEMO_TIME_SCALE must be a number from 0.0001 to 100, not “%s”", text);
      return 1.0;
    }

  return scale;
}

static void
start_demo_server (FsWindow *self)
{
  self->demo_time_scale = demo_time_scale_from_env ();
  self->demo = fs_demo_process_new (self->demo_time_scale, DEMO_SEED);
  self->demo_cancellable = g_cancellable_new ();
  self->demo_state = DEMO_STARTING;

  fs_demo_process_start_async (self->demo, self->demo_cancellable, demo_started_cb,
                               g_object_ref (self));
  update_window_title (self);
}

/* FETCHSCOPE_STRATEGY=NAME, FETCHSCOPE_PRESET=NAME[:COUNT] and
 * FETCHSCOPE_CONCURRENCY=N, FETCHSCOPE_CPU_WORK=none|hash:N|puzzle preselect
 * what FETCHSCOPE_AUTOSTART=1 then runs:
 * aids for demos and screenshots. */
static void
apply_environment (FsWindow *self)
{
  const char *strategy_name = g_getenv ("FETCHSCOPE_STRATEGY");
  const char *preset_spec = g_getenv ("FETCHSCOPE_PRESET");
  const char *concurrency = g_getenv ("FETCHSCOPE_CONCURRENCY");
  const char *cpu_work = g_getenv ("FETCHSCOPE_CPU_WORK");
  guint64 n;
  FsStrategy strategy;
  FsCpuWork work;
  guint rounds;

  if (strategy_name != NULL && fs_strategy_from_string (strategy_name, &strategy))
    fs_window_select_strategy (self, strategy);

  if (concurrency != NULL &&
      g_ascii_string_to_unsigned (concurrency, 10, 1, FS_RUN_CONFIG_MAX_CONCURRENCY, &n, NULL))
    gtk_spin_button_set_value (self->concurrency_spin, n);

  if (preset_spec != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (preset_spec, ":", 2);
      guint64 count = 0;

      if (parts[0] != NULL && parts[1] != NULL)
        g_ascii_string_to_unsigned (parts[1], 10, 1, 1000000, &count, NULL);
      if (parts[0] != NULL)
        fs_window_select_preset (self, parts[0], count);
    }

  if (cpu_work != NULL && fs_cpu_work_parse (cpu_work, &work, &rounds, NULL))
    {
      adw_combo_row_set_selected (self->cpu_row, work);
      if (work == FS_CPU_WORK_HASH)
        gtk_spin_button_set_value (self->rounds_spin, rounds);
    }

  self->autostart = g_strcmp0 (g_getenv ("FETCHSCOPE_AUTOSTART"), "1") == 0;
}

/* Lists */

static void
list_item_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 40);
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_add_css_class (description, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), description);
  gtk_list_item_set_child (item, box);
}

static void
list_item_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   GPtrArray                *descriptions)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *description = gtk_widget_get_next_sibling (title);
  GtkStringObject *string = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  const char *text = position < descriptions->len ? g_ptr_array_index (descriptions, position) : NULL;

  gtk_label_set_label (GTK_LABEL (title), gtk_string_object_get_string (string));
  gtk_label_set_label (GTK_LABEL (description), text ? text : "");
  gtk_widget_set_visible (description, text != NULL && *text != '\0');
}

/* A popup list whose items show a line of description under their name. */
static void
set_described_list (AdwComboRow *row,
                    GPtrArray   *descriptions)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (list_item_setup_cb), NULL);
  g_signal_connect_data (factory, "bind", G_CALLBACK (list_item_bind_cb),
                         g_ptr_array_ref (descriptions), (GClosureNotify) g_ptr_array_unref, 0);
  adw_combo_row_set_list_factory (row, factory);
}

static void
populate_strategies (FsWindow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) descriptions = g_ptr_array_new ();
  guint loop_position = 0;

  self->strategies = g_array_new (FALSE, FALSE, sizeof (FsStrategy));

  for (guint i = 0; i < G_N_ELEMENTS (strategy_info); i++)
    {
      if (!fs_engine_strategy_is_available (strategy_info[i].strategy))
        continue;

      if (strategy_info[i].strategy == FS_STRATEGY_LOOP)
        loop_position = self->strategies->len;
      g_array_append_val (self->strategies, strategy_info[i].strategy);
      gtk_string_list_append (model, _(strategy_info[i].label));
      g_ptr_array_add (descriptions, (gpointer) _(strategy_info[i].description));
    }

  adw_combo_row_set_model (self->strategy_row, G_LIST_MODEL (model));
  set_described_list (self->strategy_row, descriptions);
  adw_combo_row_set_selected (self->strategy_row, loop_position);
}

static void
populate_url_sets (FsWindow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) descriptions = g_ptr_array_new ();
  const FsUrlPreset *presets = fs_url_presets (&self->n_presets);
  guint default_position = 0;

  for (guint i = 0; i < self->n_presets; i++)
    {
      if (g_str_equal (presets[i].name, "mixed"))
        default_position = i;
      gtk_string_list_append (model, preset_label (presets[i].name));
      g_ptr_array_add (descriptions, (gpointer) presets[i].description);
    }

  gtk_string_list_append (model, _("URL file"));
  g_ptr_array_add (descriptions, (gpointer) _("A list of your own, from “Open URL File…”"));
  gtk_string_list_append (model, _("Pasted URLs"));
  g_ptr_array_add (descriptions, (gpointer) _("A list of your own, from “Paste URLs…”"));

  adw_combo_row_set_model (self->urls_row, G_LIST_MODEL (model));
  set_described_list (self->urls_row, descriptions);
  adw_combo_row_set_selected (self->urls_row, default_position);
  gtk_spin_button_set_value (self->count_spin, presets[default_position].default_count);
}

static void
build_stats (FsWindow *self)
{
  for (guint i = 0; i < N_STATS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *caption = gtk_label_new (_(stat_captions[i]));
      GtkWidget *detail = gtk_label_new (NULL);

      gtk_widget_add_css_class (box, "fs-stat");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_widget_add_css_class (value, "fs-stat-value");
      gtk_widget_add_css_class (value, "numeric");
      /* Captions may shrink, so the values decide how many fit a line. */
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 10);
      gtk_widget_add_css_class (caption, "caption-heading");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (detail), 10);
      gtk_widget_add_css_class (detail, "caption");
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (GTK_BOX (box), detail);
      gtk_flow_box_append (self->stats_box, box);

      self->stat_values[i] = GTK_LABEL (value);
      self->stat_details[i] = GTK_LABEL (detail);
    }
}

static void
lane_scrolled_cb (FsWindow      *self,
                  GtkAdjustment *adjustment)
{
  fs_chart_set_lane_offset (self->swimlane_chart,
                            (guint) MAX (0, gtk_adjustment_get_value (adjustment)));
}

static void
swimlane_scroll_cb (FsWindow                 *self,
                    double                    dx,
                    double                    dy,
                    GtkEventControllerScroll *scroll)
{
  gtk_adjustment_set_value (self->lane_adjustment,
                            gtk_adjustment_get_value (self->lane_adjustment) + dy * 3);
}

static void
fs_window_dispose (GObject *object)
{
  FsWindow *self = (FsWindow *) object;

  g_clear_handle_id (&self->summary_id, g_source_remove);

  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      fs_run_controller_stop (self->controller);
    }

  if (self->demo_cancellable != NULL)
    g_cancellable_cancel (self->demo_cancellable);
  if (self->demo != NULL)
    fs_demo_process_stop (self->demo);
  g_clear_object (&self->demo);
  g_clear_object (&self->demo_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), FS_TYPE_WINDOW);

  G_OBJECT_CLASS (fs_window_parent_class)->dispose (object);
}

static void
fs_window_finalize (GObject *object)
{
  FsWindow *self = (FsWindow *) object;

  g_clear_pointer (&self->strategies, g_array_unref);
  g_clear_error (&self->demo_error);
  g_clear_pointer (&self->url_file_path, g_free);
  g_clear_pointer (&self->url_file_error, g_free);
  g_clear_pointer (&self->pasted_urls, g_free);
  g_clear_pointer (&self->run_description, g_free);

  G_OBJECT_CLASS (fs_window_parent_class)->finalize (object);
}

static void
fs_window_class_init (FsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_window_dispose;
  object_class->finalize = fs_window_finalize;

  g_type_ensure (FS_TYPE_CHART);
  g_type_ensure (FS_TYPE_RUN_CONTROLLER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fetchscope/Fetchscope/fs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, strategy_group);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, strategy_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, urls_group);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, urls_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, count_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, count_spin);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, concurrency_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, workers_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, worker_mode_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, rounds_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, rounds_spin);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, gil_switch);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, interval_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, run_label);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, stats_box);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, latency_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, histogram_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, throughput_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, in_flight_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, memory_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, cpu_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, swimlane_chart);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, lane_scrollbar);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, lane_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, controller);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, urls_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, lane_scrolled_cb);

  gtk_widget_class_install_action (widget_class, "run.start", NULL, run_start_action);
  gtk_widget_class_install_action (widget_class, "run.stop", NULL, run_stop_action);
  gtk_widget_class_install_action (widget_class, "urls.open", NULL, urls_open_action);
  gtk_widget_class_install_action (widget_class, "urls.paste", NULL, urls_paste_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "run.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "run.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "run.stop", NULL);
}

/* The latency charts' view: points or heatmap, linear or log scale. */
static void
latency_view_changed_cb (GSimpleAction *action,
                         GVariant      *state,
                         gpointer       user_data)
{
  FsWindow *self = user_data;

  g_simple_action_set_state (action, state);
  if (g_str_equal (g_action_get_name (G_ACTION (action)), "heatmap"))
    self->latency_heatmap = g_variant_get_boolean (state);
  else
    self->latency_log_scale = g_variant_get_boolean (state);

  fs_chart_set_latency_view (self->latency_chart, self->latency_heatmap, self->latency_log_scale);
  fs_chart_set_latency_view (self->histogram_chart, FALSE, self->latency_log_scale);
}

static void
add_chart_actions (FsWindow *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  const char *names[] = { "heatmap", "log-scale" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSimpleAction) action =
        g_simple_action_new_stateful (names[i], NULL, g_variant_new_boolean (FALSE));

      g_signal_connect_object (action, "change-state", G_CALLBACK (latency_view_changed_cb),
                               self, 0);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
    }

  gtk_widget_insert_action_group (GTK_WIDGET (self), "chart", G_ACTION_GROUP (group));
}

static void
fs_window_init (FsWindow *self)
{
  GtkEventController *scroll;

  gtk_widget_init_template (GTK_WIDGET (self));
  add_chart_actions (self);

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  populate_strategies (self);
  populate_url_sets (self);
  build_stats (self);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (swimlane_scroll_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->swimlane_chart), scroll);

  g_signal_connect_object (self->controller, "notify::state", G_CALLBACK (state_changed_cb),
                           self, G_CONNECT_SWAPPED);

  apply_environment (self);
  start_demo_server (self);
  update_run_button (self);
  update_form (self);
  update_summary (self);
}

FsWindow *
fs_window_new (FsApplication *application)
{
  g_return_val_if_fail (!application || FS_IS_APPLICATION (application), NULL);

  return g_object_new (FS_TYPE_WINDOW, "application", application, NULL);
}

/**
 * fs_window_get_controller:
 *
 * Returns: (transfer none): the window's run
 */
FsRunController *
fs_window_get_controller (FsWindow *self)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);

  return self->controller;
}

/**
 * fs_window_get_demo_base_url:
 *
 * Returns: (nullable): the demo server's base URL once it is ready
 */
const char *
fs_window_get_demo_base_url (FsWindow *self)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);

  return self->demo_state == DEMO_READY ? fs_demo_process_get_base_url (self->demo) : NULL;
}

/**
 * fs_window_get_demo_error:
 *
 * Returns: (nullable): why the demo server did not start
 */
const GError *
fs_window_get_demo_error (FsWindow *self)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);

  return self->demo_error;
}

/**
 * fs_window_select_preset:
 * @count: how many URLs, or 0 for the preset's default
 *
 * Returns: whether @name is a demo preset
 */
gboolean
fs_window_select_preset (FsWindow   *self,
                         const char *name,
                         guint64     count)
{
  const FsUrlPreset *presets;
  guint n;

  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  presets = fs_url_presets (&n);
  for (guint i = 0; i < n; i++)
    {
      if (!g_str_equal (presets[i].name, name))
        continue;

      adw_combo_row_set_selected (self->urls_row, i);
      gtk_spin_button_set_value (self->count_spin, count ? count : presets[i].default_count);
      update_form (self);
      return TRUE;
    }

  return FALSE;
}

/**
 * fs_window_select_strategy:
 *
 * Returns: whether @strategy is offered
 */
gboolean
fs_window_select_strategy (FsWindow   *self,
                           FsStrategy  strategy)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);

  for (guint i = 0; i < self->strategies->len; i++)
    {
      if (g_array_index (self->strategies, FsStrategy, i) != strategy)
        continue;

      adw_combo_row_set_selected (self->strategy_row, i);
      update_form (self);
      return TRUE;
    }

  return FALSE;
}

/**
 * fs_window_get_chart:
 *
 * Returns: (transfer none): the chart of @kind
 */
FsChart *
fs_window_get_chart (FsWindow    *self,
                     FsChartKind  kind)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);

  switch (kind)
    {
    case FS_CHART_LATENCY:
      return self->latency_chart;

    case FS_CHART_HISTOGRAM:
      return self->histogram_chart;

    case FS_CHART_THROUGHPUT:
      return self->throughput_chart;

    case FS_CHART_IN_FLIGHT:
      return self->in_flight_chart;

    case FS_CHART_MEMORY:
      return self->memory_chart;

    case FS_CHART_CPU:
      return self->cpu_chart;

    case FS_CHART_SWIMLANE:
      return self->swimlane_chart;

    case FS_N_CHARTS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fs_window_get_status:
 *
 * Returns: what the summary's headline says ("Finished", "Cancelled", …)
 */
const char *
fs_window_get_status (FsWindow *self)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

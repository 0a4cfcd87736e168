/* fs-run-form.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "fs-comparison.h"
#include "fs-engine.h"
#include "fs-format.h"
#include "fs-paste-dialog.h"
#include "fs-run-form.h"

/* What a comparison can run, in the order of the list; the first ones are
 * checked at first: the talk the write-ups give. */
static const struct
{
  const char *name;      /* fs_variant_parse() */
  const char *label;
  gboolean    checked;
} variant_info[] = {
  { "serial", N_("Serial"), FALSE },
  { "loop", N_("Event loop"), TRUE },
  { "threads", N_("Threads"), TRUE },
  { "threads+gil", N_("Threads with the GIL"), TRUE },
  { "processes", N_("Processes"), TRUE },
  { "processes+blocking", N_("Processes, one request each"), FALSE },
  { "hybrid", N_("Hybrid"), FALSE },
};

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

struct _FsRunForm
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *strategy_group;
  AdwComboRow         *strategy_row;
  AdwExpanderRow      *compare_row;
  AdwPreferencesGroup *urls_group;
  AdwComboRow         *urls_row;
  AdwActionRow        *count_row;
  GtkSpinButton       *count_spin;
  AdwActionRow        *concurrency_row;
  GtkSpinButton       *concurrency_spin;
  AdwActionRow        *workers_row;
  GtkSpinButton       *workers_spin;
  AdwComboRow         *worker_mode_row;
  AdwComboRow         *cpu_row;
  AdwActionRow        *rounds_row;
  GtkSpinButton       *rounds_spin;
  GtkSwitch           *gil_switch;
  AdwActionRow        *interval_row;
  GtkSpinButton       *interval_spin;
  AdwActionRow        *timeout_row;
  GtkSpinButton       *timeout_spin;

  GArray              *strategies;      /* FsStrategy per strategy_row position */
  GArray              *variants;        /* FsVariant per compare check */
  GPtrArray           *variant_checks;  /* GtkCheckButton */
  guint                n_presets;
  FsDemoState          demo_state;
  char                *demo_base_url;
  char                *demo_error;
  char                *url_file_path;
  char                *url_file_error;  /* why the chosen file could not be read */
  char                *pasted_urls;
  guint64              pasted_count;
  char                *problem;         /* the first value that cannot be used */
  gboolean             ready;
};

G_DEFINE_FINAL_TYPE (FsRunForm, fs_run_form, ADW_TYPE_BIN)

enum {
  CHANGED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_form (FsRunForm *self);

/* Positions in urls_row after the presets */
static guint
urls_file_position (FsRunForm *self)
{
  return self->n_presets;
}

static guint
urls_pasted_position (FsRunForm *self)
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
selected_preset (FsRunForm *self)
{
  const FsUrlPreset *presets;
  guint n, selected;

  presets = fs_url_presets (&n);
  selected = adw_combo_row_get_selected (self->urls_row);

  return selected < n ? &presets[selected] : NULL;
}

static FsStrategy
selected_strategy (FsRunForm *self)
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
  g_autofree char *min_text = fs_format_number (min, integer ? 0 : 1);
  g_autofree char *max_text = fs_format_number (max, integer ? 0 : 1);
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
update_form (FsRunForm *self)
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
  gboolean urls_ready = TRUE;
  gboolean comparing;
  gboolean uses_concurrency, uses_workers, uses_gil;
  guint n_compared = 0;
  guint urls_selected;
  guint cpu;
  guint n_cores = MAX (1, g_get_num_processors ());

  if (self->strategies == NULL || self->variants == NULL)
    return;

  strategy = selected_strategy (self);
  info = lookup_strategy_info (strategy);
  uses_concurrency = strategy != FS_STRATEGY_SERIAL;
  uses_workers = strategy == FS_STRATEGY_THREADS || strategy == FS_STRATEGY_HYBRID ||
                 strategy == FS_STRATEGY_PROCESSES;
  uses_gil = gtk_switch_get_active (self->gil_switch);

  /* A comparison's variants decide the strategy and the GIL; the other
   * settings apply to each of them that uses them. */
  comparing = adw_expander_row_get_enable_expansion (self->compare_row);
  if (comparing)
    {
      uses_concurrency = uses_workers = uses_gil = FALSE;
      for (guint i = 0; i < self->variants->len; i++)
        {
          const FsVariant *v = &g_array_index (self->variants, FsVariant, i);

          if (!gtk_check_button_get_active (g_ptr_array_index (self->variant_checks, i)))
            continue;
          n_compared++;
          uses_concurrency |= v->strategy != FS_STRATEGY_SERIAL;
          uses_workers |= v->strategy == FS_STRATEGY_THREADS || v->strategy == FS_STRATEGY_HYBRID ||
                          v->strategy == FS_STRATEGY_PROCESSES;
          uses_gil |= v->gil;
        }
      if (n_compared < 2)
        first_error = g_strdup_printf ("%s: %s", _("Compare"), _("check two or more to compare"));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->strategy_row), !comparing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->gil_switch), !comparing);
  {
    g_autofree char *escaped =
      g_markup_escape_text (!comparing ? _("Run several one after another on the same URLs")
                            : n_compared < 2 ? _("Check two or more")
                            : _("Each checked one runs in turn on the same URLs"), -1);

    adw_expander_row_set_subtitle (self->compare_row, escaped);
    if (comparing && n_compared < 2)
      gtk_widget_add_css_class (GTK_WIDGET (self->compare_row), "fs-invalid");
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self->compare_row), "fs-invalid");
  }

  /* What a choice demonstrates goes above its row, whose own subtitle
   * would squeeze the chosen value in a sidebar this narrow. */
  set_description (self->strategy_group,
                   comparing ? _("The charts overlay the runs, each in its own colour, and a "
                                 "table ranks them")
                             : info ? _(info->description) : NULL);

  /* URLs */
  preset = selected_preset (self);
  urls_selected = adw_combo_row_get_selected (self->urls_row);
  gtk_widget_set_visible (GTK_WIDGET (self->count_row), preset != NULL);
  if (preset != NULL)
    {
      set_description (self->urls_group, preset->description);
      if (self->demo_state == FS_DEMO_STARTING)
        {
          urls_subtitle = g_strdup (_("Starting the demo server…"));
          urls_ready = FALSE;
        }
      else if (self->demo_state == FS_DEMO_FAILED)
        {
          urls_error = _("The demo server is not running");
          urls_error_detail = self->demo_error;
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
  gtk_widget_set_sensitive (GTK_WIDGET (self->concurrency_row), uses_concurrency);
  check_spin_row (self->concurrency_row, self->concurrency_spin, 1, FS_RUN_CONFIG_MAX_CONCURRENCY,
                  TRUE,
                  uses_concurrency ? _("Requests in flight at once")
                                   : _("Serial fetches one request at a time"),
                  uses_concurrency, &first_error);

  switch (comparing ? FS_N_STRATEGIES : strategy)
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

    case FS_N_STRATEGIES:
      workers_subtitle = g_strdup (uses_workers ? _("Threads or processes of those that have them; "
                                                    "0: each one’s default")
                                                : _("Not used by these strategies"));
      break;

    case FS_STRATEGY_SERIAL:
    case FS_STRATEGY_LOOP:
    default:
      workers_subtitle = g_strdup (_("Not used by this strategy"));
      break;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->workers_row), uses_workers);
  check_spin_row (self->workers_row, self->workers_spin, 0, FS_RUN_CONFIG_MAX_WORKERS, TRUE,
                  workers_subtitle, uses_workers, &first_error);

  gtk_widget_set_visible (GTK_WIDGET (self->worker_mode_row),
                          !comparing && strategy == FS_STRATEGY_PROCESSES);
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
                  uses_gil, &first_error);
  check_spin_row (self->timeout_row, self->timeout_spin, 0.1, 86400, FALSE,
                  _("Longest a request may take, from start to last byte"), TRUE, &first_error);

  g_free (self->problem);
  self->problem = g_steal_pointer (&first_error);
  self->ready = self->problem == NULL && urls_ready;

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
form_changed_cb (FsRunForm *self)
{
  update_form (self);
}

static void
urls_changed_cb (FsRunForm *self)
{
  const FsUrlPreset *preset = selected_preset (self);

  /* A preset's own size is the natural count to offer. */
  if (preset != NULL)
    gtk_spin_button_set_value (self->count_spin, preset->default_count);

  update_form (self);
}

/**
 * fs_run_form_build_config:
 *
 * Returns: (transfer full) (nullable): the settings as a run takes them,
 *   or %NULL with @error set when one cannot be used
 */
FsRunConfig *
fs_run_form_build_config (FsRunForm  *self,
                          GError    **error)
{
  g_autoptr(FsRunConfig) config = NULL;

  g_return_val_if_fail (FS_IS_RUN_FORM (self), NULL);

  config = fs_run_config_new ();

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

/**
 * fs_run_form_build_source:
 * @expected_total: (out): how many URLs the source will give, or 0 when
 *   that is known only once it has read them all
 * @label: (out) (transfer full): the URL set's name for the summary
 *
 * Returns: (transfer full) (nullable): a URL source, not started yet
 */
FsUrlSource *
fs_run_form_build_source (FsRunForm  *self,
                          guint64    *expected_total,
                          char      **label,
                          GError    **error)
{
  const FsUrlPreset *preset;
  FsUrlSource *source = NULL;
  guint selected;

  g_return_val_if_fail (FS_IS_RUN_FORM (self), NULL);

  preset = selected_preset (self);
  selected = adw_combo_row_get_selected (self->urls_row);

  *expected_total = 0;
  *label = NULL;

  if (preset != NULL)
    {
      guint64 count = (guint64) gtk_spin_button_get_value (self->count_spin);

      if (self->demo_state != FS_DEMO_READY)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The demo server is not running"));
          return NULL;
        }

      source = fs_url_source_new_for_preset (preset->name, self->demo_base_url, count, error);
      if (source == NULL)
        return NULL;
      *expected_total = count;
      *label = g_strdup_printf (_("%s, %" G_GUINT64_FORMAT " URLs"),
                                preset_label (preset->name), count);
    }
  else if (selected == urls_file_position (self) && self->url_file_path != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      source = fs_url_source_new_for_path (self->url_file_path, &local_error);
      if (source == NULL)
        {
          /* Said beside the URL set until another file is chosen. */
          g_free (self->url_file_error);
          self->url_file_error = g_strdup (local_error->message);
          update_form (self);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      *label = g_filename_display_basename (self->url_file_path);
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

/* URL file and pasted URLs */

static void
file_chooser_response_cb (FsRunForm            *self,
                          int                   response,
                          GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path == NULL)
        g_signal_emit (self, signals[MESSAGE], 0, _("Only local files can be opened"));
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
  FsRunForm *self = FS_RUN_FORM (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) text_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Open URL File"), GTK_WINDOW (gtk_widget_get_root (widget)),
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

static void
paste_response_cb (FsRunForm     *self,
                   const char    *response,
                   FsPasteDialog *dialog)
{
  g_autofree char *text = NULL;
  g_autofree char *report = NULL;

  if (g_strcmp0 (response, "use") != 0)
    return;

  text = fs_paste_dialog_dup_text (dialog);
  self->pasted_count = fs_paste_check (text, &report);
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
  FsRunForm *self = FS_RUN_FORM (widget);
  GtkWidget *dialog;

  dialog = fs_paste_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->pasted_urls);
  g_signal_connect_object (dialog, "response", G_CALLBACK (paste_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
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
populate_strategies (FsRunForm *self)
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
populate_variants (FsRunForm *self)
{
  self->variants = g_array_new (FALSE, FALSE, sizeof (FsVariant));
  self->variant_checks = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (variant_info); i++)
    {
      GtkWidget *row, *check;
      FsVariant variant;

      if (!fs_variant_parse (variant_info[i].name, &variant, NULL) ||
          !fs_engine_strategy_is_available (variant.strategy))
        continue;

      row = adw_action_row_new ();
      check = gtk_check_button_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(variant_info[i].label));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), variant_info[i].checked);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (form_changed_cb), self,
                               G_CONNECT_SWAPPED);
      adw_expander_row_add_row (self->compare_row, row);

      g_array_append_val (self->variants, variant);
      g_ptr_array_add (self->variant_checks, check);
    }
}

static void
populate_url_sets (FsRunForm *self)
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
fs_run_form_finalize (GObject *object)
{
  FsRunForm *self = (FsRunForm *) object;

  g_clear_pointer (&self->strategies, g_array_unref);
  g_clear_pointer (&self->variants, g_array_unref);
  g_clear_pointer (&self->variant_checks, g_ptr_array_unref);
  g_clear_pointer (&self->demo_base_url, g_free);
  g_clear_pointer (&self->demo_error, g_free);
  g_clear_pointer (&self->url_file_path, g_free);
  g_clear_pointer (&self->url_file_error, g_free);
  g_clear_pointer (&self->pasted_urls, g_free);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (fs_run_form_parent_class)->finalize (object);
}

static void
fs_run_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FS_TYPE_RUN_FORM);

  G_OBJECT_CLASS (fs_run_form_parent_class)->dispose (object);
}

static void
fs_run_form_class_init (FsRunFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_run_form_dispose;
  object_class->finalize = fs_run_form_finalize;

  /**
   * FsRunForm::changed:
   *
   * Something in the form changed; its readiness and problem may have.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * FsRunForm::message:
   * @text: one sentence for the user
   *
   * Something the user should hear about that belongs to no row.
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fetchscope/Fetchscope/fs-run-form.ui");
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, strategy_group);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, strategy_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, compare_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, urls_group);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, urls_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, count_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, count_spin);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, concurrency_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, workers_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, worker_mode_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, rounds_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, rounds_spin);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, gil_switch);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, interval_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, FsRunForm, timeout_spin);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, urls_changed_cb);

  gtk_widget_class_install_action (widget_class, "urls.open", NULL, urls_open_action);
  gtk_widget_class_install_action (widget_class, "urls.paste", NULL, urls_paste_action);
}

static void
fs_run_form_init (FsRunForm *self)
{
  self->demo_state = FS_DEMO_STARTING;

  gtk_widget_init_template (GTK_WIDGET (self));
  populate_strategies (self);
  populate_variants (self);
  populate_url_sets (self);
  update_form (self);
}

/**
 * fs_run_form_get_ready:
 *
 * Returns: whether a run can start with these settings
 */
gboolean
fs_run_form_get_ready (FsRunForm *self)
{
  g_return_val_if_fail (FS_IS_RUN_FORM (self), FALSE);

  return self->ready;
}

/**
 * fs_run_form_get_problem:
 *
 * Returns: (nullable): the first value that cannot be used, named with
 *   its row ("Concurrency: Enter a whole number from 1 to 10000"), or
 *   %NULL when there is none
 */
const char *
fs_run_form_get_problem (FsRunForm *self)
{
  g_return_val_if_fail (FS_IS_RUN_FORM (self), NULL);

  return self->problem;
}

/**
 * fs_run_form_set_demo:
 * @base_url: (nullable): the demo server's base URL once it is ready
 * @error: (nullable): why it did not start
 *
 * The demo presets need the demo server; the form says so while it is
 * starting or when it failed.
 */
void
fs_run_form_set_demo (FsRunForm    *self,
                      FsDemoState   state,
                      const char   *base_url,
                      const GError *error)
{
  g_return_if_fail (FS_IS_RUN_FORM (self));
  g_return_if_fail (state != FS_DEMO_READY || base_url != NULL);

  self->demo_state = state;
  g_free (self->demo_base_url);
  self->demo_base_url = g_strdup (base_url);
  g_free (self->demo_error);
  self->demo_error = error ? g_strdup (error->message) : NULL;
  update_form (self);
}

/**
 * fs_run_form_describe_run:
 * @urls_label: what fs_run_form_build_source() called the URL set
 *
 * Returns: (transfer full): one line on a run ("Event loop · 50 at once ·
 *   Mixed, 200 URLs · puzzle · GIL")
 */
char *
fs_run_form_describe_run (FsRunForm         *self,
                          const FsRunConfig *config,
                          const char        *urls_label)
{
  g_autofree char *cpu = NULL;
  const StrategyInfo *info;

  g_return_val_if_fail (FS_IS_RUN_FORM (self), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  info = lookup_strategy_info (config->strategy);
  cpu = fs_cpu_work_to_string (config->cpu_work, config->hash_rounds);

  return g_strdup_printf (_("%s · %u at once · %s%s%s%s"),
                          info ? _(info->label) : fs_strategy_to_string (config->strategy),
                          config->concurrency, urls_label ? urls_label : "",
                          config->cpu_work != FS_CPU_WORK_NONE ? " · " : "",
                          config->cpu_work != FS_CPU_WORK_NONE ? cpu : "",
                          config->gil ? _(" · GIL") : "");
}

/**
 * fs_run_form_select_preset:
 * @count: how many URLs, or 0 for the preset's default
 *
 * Returns: whether @name is a demo preset
 */
gboolean
fs_run_form_select_preset (FsRunForm  *self,
                           const char *name,
                           guint64     count)
{
  const FsUrlPreset *presets;
  guint n;

  g_return_val_if_fail (FS_IS_RUN_FORM (self), FALSE);
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
 * fs_run_form_select_strategy:
 *
 * Returns: whether @strategy is offered
 */
gboolean
fs_run_form_select_strategy (FsRunForm  *self,
                             FsStrategy  strategy)
{
  g_return_val_if_fail (FS_IS_RUN_FORM (self), FALSE);

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

void
fs_run_form_set_concurrency (FsRunForm *self,
                             guint      concurrency)
{
  g_return_if_fail (FS_IS_RUN_FORM (self));

  gtk_spin_button_set_value (self->concurrency_spin, concurrency);
}

/**
 * fs_run_form_set_cpu_work:
 * @hash_rounds: used with %FS_CPU_WORK_HASH only
 */
void
fs_run_form_set_cpu_work (FsRunForm *self,
                          FsCpuWork  work,
                          guint      hash_rounds)
{
  g_return_if_fail (FS_IS_RUN_FORM (self));
  g_return_if_fail (work <= FS_CPU_WORK_PUZZLE);

  adw_combo_row_set_selected (self->cpu_row, work);
  if (work == FS_CPU_WORK_HASH)
    gtk_spin_button_set_value (self->rounds_spin, hash_rounds);
}

/**
 * fs_run_form_dup_variants:
 *
 * Returns: (transfer full) (nullable) (element-type FsVariant): what to
 *   compare, in order, or %NULL when the form is set to one run
 */
GArray *
fs_run_form_dup_variants (FsRunForm *self)
{
  GArray *variants;

  g_return_val_if_fail (FS_IS_RUN_FORM (self), NULL);

  if (!adw_expander_row_get_enable_expansion (self->compare_row))
    return NULL;

  variants = g_array_new (FALSE, FALSE, sizeof (FsVariant));
  for (guint i = 0; i < self->variants->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->variant_checks, i)))
      g_array_append_val (variants, g_array_index (self->variants, FsVariant, i));

  return variants;
}

/**
 * fs_run_form_set_compare:
 * @variants: (nullable) (array length=n_variants): what to check, or
 *   %NULL to leave the checks as they are
 *
 * Turns comparing on or off.
 */
void
fs_run_form_set_compare (FsRunForm       *self,
                         gboolean         compare,
                         const FsVariant *variants,
                         guint            n_variants)
{
  g_return_if_fail (FS_IS_RUN_FORM (self));

  for (guint i = 0; variants != NULL && i < self->variants->len; i++)
    {
      const FsVariant *v = &g_array_index (self->variants, FsVariant, i);
      gboolean wanted = FALSE;

      for (guint j = 0; j < n_variants; j++)
        wanted |= v->strategy == variants[j].strategy && v->gil == variants[j].gil &&
                  v->worker_mode == variants[j].worker_mode;
      gtk_check_button_set_active (g_ptr_array_index (self->variant_checks, i), wanted);
    }

  adw_expander_row_set_enable_expansion (self->compare_row, compare);
  update_form (self);
}

/* fs-window.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-app-enums.h"
#include "fs-settings.h"
#include "fs-window-private.h"

#define DEMO_SEED 1


G_DEFINE_FINAL_TYPE (FsWindow, fs_window, ADW_TYPE_APPLICATION_WINDOW)

void
_fs_window_toast (FsWindow   *self,
                  const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_window_title (FsWindow *self)
{
  g_autofree char *subtitle = NULL;

  switch (self->demo_state)
    {
    case FS_DEMO_STARTING:
      subtitle = g_strdup (_("Starting the demo server…"));
      break;

    case FS_DEMO_READY:
      subtitle = g_strdup_printf (_("Demo server at %s"),
                                  fs_demo_process_get_base_url (self->demo) + strlen ("http://"));
      break;

    case FS_DEMO_FAILED:
    default:
      subtitle = g_strdup (_("Demo server unavailable: your own URLs still work"));
      break;
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
}


/* Runs */

/* What Start and Stop may do, and what the form says is wrong with it,
 * follow the form and the run. */
void
_fs_window_update_actions (FsWindow *self)
{
  gboolean running = fs_run_controller_get_running (self->controller);
  const char *problem = fs_run_form_get_problem (self->run_form);

  gtk_label_set_label (self->form_error_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), problem != NULL && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.start",
                                 !running && self->n_file_jobs == 0 &&
                                 fs_run_form_get_ready (self->run_form));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.stop",
                                 fs_run_controller_get_state (self->controller) == FS_RUN_STATE_RUNNING);

  _fs_window_update_file_actions (self);
}

static void
form_changed_cb (FsWindow *self)
{
  _fs_window_update_actions (self);
}

static void
form_message_cb (FsWindow   *self,
                 const char *message)
{
  _fs_window_toast (self, message);
}

static FsUrlSource *
comparison_source_cb (gpointer   user_data,
                      guint64   *expected_total,
                      char     **label,
                      GError   **error)
{
  FsWindow *self = user_data;

  return fs_run_form_build_source (self->run_form, expected_total, label, error);
}

static void
start_failed (FsWindow     *self,
              const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("Could not start: %s"), error->message);

  fs_window_show_problem (self, message);
}

static void
run_start_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  g_autoptr(FsRunConfig) config = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GArray) variants = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *urls_label = NULL;
  g_autofree char *description = NULL;
  guint64 expected_total = 0;

  if ((config = fs_run_form_build_config (self->run_form, &error)) != NULL &&
      fs_settings_get () != NULL)
    config->max_body_bytes = g_settings_get_uint64 (fs_settings_get (), "max-body");

  if (config == NULL)
    {
      start_failed (self, error);
      return;
    }

  g_clear_pointer (&self->opened_name, g_free);
  variants = fs_run_form_dup_variants (self->run_form);
  if (variants != NULL)
    {
      if (!fs_compare_session_start (self->session, config, (FsVariant *) (gpointer) variants->data,
                                     variants->len, comparison_source_cb, self, &error))
        start_failed (self, error);
      return;
    }

  if (fs_run_form_get_crawl (self->run_form))
    {
      g_autoptr(FsCrawler) crawler = NULL;

      if (!(crawler = fs_run_form_build_crawler (self->run_form, &urls_label, &error)) ||
          !fs_run_controller_start_crawl (self->controller, config, crawler, &error))
        {
          start_failed (self, error);
          return;
        }
    }
  else if (!(source = fs_run_form_build_source (self->run_form, &expected_total, &urls_label,
                                                &error)) ||
           !fs_run_controller_start (self->controller, config, source, expected_total, &error))
    {
      start_failed (self, error);
      return;
    }

  fs_compare_session_clear (self->session);
  g_free (self->urls_label);
  self->urls_label = g_strdup (urls_label);
  description = fs_run_form_describe_run (self->run_form, config, urls_label);
  fs_summary_view_set_run_description (self->summary_view, description);
}

static void
run_stop_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);

  fs_run_controller_stop (self->controller);
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
  if (fs_run_controller_get_state (controller) == FS_RUN_STATE_FAILED)
    {
      g_autofree char *message = NULL;
      const GError *error = fs_run_controller_get_error (controller);

      message = g_strdup_printf (_("The run failed: %s"), error ? error->message : "");
      _fs_window_toast (self, message);
    }

  update_run_button (self);
  _fs_window_update_actions (self);
}

/* Comparisons and files */

static void
session_changed_cb (FsWindow *self)
{
  GPtrArray *runs = fs_compare_session_get_runs (self->session);
  g_autofree char *description = NULL;

  if (fs_compare_session_get_running (self->session))
    description = g_strdup_printf (_("Comparing: %u of %u, %s"), runs->len + 1,
                                   fs_compare_session_get_n_planned (self->session),
                                   fs_compare_session_get_live_label (self->session));
  else if (runs->len > 0 && self->opened_name != NULL)
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u run", "%s: %u runs",
                                                runs->len),
                                   self->opened_name, runs->len);
  else if (runs->len > 0)
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run · %s",
                                                "%u runs · %s", runs->len),
                                   runs->len, ((FsSavedRun *) g_ptr_array_index (runs, 0))->urls);

  /* Once runs are kept, the table has every run's figures: the card says
   * where they came from instead of showing the last run's alone. */
  if (fs_compare_session_get_running (self->session) || runs->len == 0)
    fs_summary_view_show_opened (self->summary_view, NULL);
  else
    fs_summary_view_show_opened (self->summary_view,
                                 self->opened_name != NULL ? _("Opened") : _("Compared"));
  if (description != NULL)
    fs_summary_view_set_run_description (self->summary_view, description);
  _fs_window_update_actions (self);
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
      self->demo_state = FS_DEMO_FAILED;
      g_clear_error (&self->demo_error);
      self->demo_error = g_steal_pointer (&error);
    }
  else
    self->demo_state = FS_DEMO_READY;

  fs_run_form_set_demo (self->run_form, self->demo_state,
                        fs_window_get_demo_base_url (self), self->demo_error);
  update_window_title (self);

  if (self->autostart && self->demo_state == FS_DEMO_READY)
    gtk_widget_activate_action (GTK_WIDGET (self), "run.start", NULL);
}

/* FETCHSCOPE_DEMO_TIME_SCALE shrinks the demo server's delays: a testing
 * aid, so a test's run takes a second rather than a minute. Otherwise the
 * preference says. */
static double
demo_time_scale (void)
{
  const char *text = g_getenv ("FETCHSCOPE_DEMO_TIME_SCALE");
  GSettings *settings = fs_settings_get ();
  char *end = NULL;
  double scale;

  if (text == NULL || *text == '\0')
    return settings != NULL ? g_settings_get_double (settings, "demo-time-scale") : 1.0;

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
  self->demo_time_scale = demo_time_scale ();
  self->demo = fs_demo_process_new (self->demo_time_scale, DEMO_SEED);
  self->demo_cancellable = g_cancellable_new ();
  self->demo_state = FS_DEMO_STARTING;

  fs_demo_process_start_async (self->demo, self->demo_cancellable, demo_started_cb,
                               g_object_ref (self));
  update_window_title (self);
}

/* FETCHSCOPE_STRATEGY=NAME, FETCHSCOPE_PRESET=NAME[:COUNT] (or crawl for
 * the demo graph's crawl, crawl:URL for a crawl from URL) and
 * FETCHSCOPE_CONCURRENCY=N, FETCHSCOPE_CPU_WORK=none|hash:N|puzzle and
 * FETCHSCOPE_COMPARE=VARIANT,… (e.g. loop,threads,threads+gil) preselect
 * what FETCHSCOPE_AUTOSTART=1 then runs:
 * aids for demos and screenshots. */
static void
apply_environment (FsWindow *self)
{
  const char *strategy_name = g_getenv ("FETCHSCOPE_STRATEGY");
  const char *preset_spec = g_getenv ("FETCHSCOPE_PRESET");
  const char *concurrency = g_getenv ("FETCHSCOPE_CONCURRENCY");
  const char *cpu_work = g_getenv ("FETCHSCOPE_CPU_WORK");
  const char *compare = g_getenv ("FETCHSCOPE_COMPARE");
  guint64 n;
  FsStrategy strategy;
  FsCpuWork work;
  guint rounds;

  if (strategy_name != NULL && fs_strategy_from_string (strategy_name, &strategy))
    fs_run_form_select_strategy (self->run_form, strategy);

  if (concurrency != NULL &&
      g_ascii_string_to_unsigned (concurrency, 10, 1, FS_RUN_CONFIG_MAX_CONCURRENCY, &n, NULL))
    fs_run_form_set_concurrency (self->run_form, n);

  if (g_strcmp0 (preset_spec, "crawl") == 0)
    fs_run_form_select_crawl (self->run_form, NULL);
  else if (preset_spec != NULL && g_str_has_prefix (preset_spec, FS_CRAWL_SPEC_PREFIX))
    fs_run_form_select_crawl (self->run_form, preset_spec + strlen (FS_CRAWL_SPEC_PREFIX));
  else if (preset_spec != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (preset_spec, ":", 2);
      guint64 count = 0;

      if (parts[0] != NULL && parts[1] != NULL)
        g_ascii_string_to_unsigned (parts[1], 10, 1, 1000000, &count, NULL);
      if (parts[0] != NULL)
        fs_run_form_select_preset (self->run_form, parts[0], count);
    }

  if (cpu_work != NULL && fs_cpu_work_parse (cpu_work, &work, &rounds, NULL))
    fs_run_form_set_cpu_work (self->run_form, work, rounds);

  if (compare != NULL)
    {
      g_auto(GStrv) names = g_strsplit (compare, ",", -1);
      g_autoptr(GArray) variants = g_array_new (FALSE, FALSE, sizeof (FsVariant));

      for (guint i = 0; names[i] != NULL; i++)
        {
          FsVariant variant;

          if (fs_variant_parse (names[i], &variant, NULL))
            g_array_append_val (variants, variant);
        }
      fs_run_form_set_compare (self->run_form, variants->len > 0,
                               (FsVariant *) (gpointer) variants->data, variants->len);
    }

  self->autostart = g_strcmp0 (g_getenv ("FETCHSCOPE_AUTOSTART"), "1") == 0;
}

/* Charts */

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
run_updated_cb (FsWindow *self)
{
  update_lanes (self);
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

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      fs_compare_session_clear (self->session);
    }

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

  g_clear_object (&self->file_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), FS_TYPE_WINDOW);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fs_window_parent_class)->dispose (object);
}

static void
fs_window_finalize (GObject *object)
{
  FsWindow *self = (FsWindow *) object;

  g_clear_error (&self->demo_error);
  g_clear_pointer (&self->urls_label, g_free);
  g_clear_pointer (&self->opened_name, g_free);

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
  g_type_ensure (FS_TYPE_RUN_FORM);
  g_type_ensure (FS_TYPE_SUMMARY_VIEW);
  g_type_ensure (FS_TYPE_COMPARE_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fetchscope/Fetchscope/fs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, run_form);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, summary_view);
  gtk_widget_class_bind_template_child (widget_class, FsWindow, compare_table);
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
  gtk_widget_class_bind_template_callback (widget_class, form_message_cb);
  gtk_widget_class_bind_template_callback (widget_class, lane_scrolled_cb);

  gtk_widget_class_install_action (widget_class, "run.start", NULL, run_start_action);
  gtk_widget_class_install_action (widget_class, "run.stop", NULL, run_stop_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "run.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "run.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "run.stop", NULL);
  _fs_window_class_add_file_actions (widget_class);
}

/* The latency charts' view: points or heatmap, linear or log scale. */
static void
latency_view_changed_cb (GSimpleAction *action,
                         GVariant      *state,
                         gpointer       user_data)
{
  FsWindow *self = user_data;

  GSettings *settings = fs_settings_get ();
  const char *name = g_action_get_name (G_ACTION (action));

  g_simple_action_set_state (action, state);
  if (g_str_equal (name, "heatmap"))
    self->latency_heatmap = g_variant_get_boolean (state);
  else
    self->latency_log_scale = g_variant_get_boolean (state);

  if (settings != NULL)
    g_settings_set_boolean (settings, g_str_equal (name, "heatmap") ? "latency-heatmap"
                                                                    : "latency-log-scale",
                            g_variant_get_boolean (state));

  fs_chart_set_latency_view (self->latency_chart, self->latency_heatmap, self->latency_log_scale);
  fs_chart_set_latency_view (self->histogram_chart, FALSE, self->latency_log_scale);
}

static void
add_chart_actions (FsWindow *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  const char *names[] = { "heatmap", "log-scale" };
  const char *keys[] = { "latency-heatmap", "latency-log-scale" };
  GSettings *settings = fs_settings_get ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSimpleAction) action =
        g_simple_action_new_stateful (names[i], NULL, g_variant_new_boolean (FALSE));

      g_signal_connect_object (action, "change-state", G_CALLBACK (latency_view_changed_cb),
                               self, 0);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
      /* The last view, restored through the same path a menu click takes. */
      if (settings != NULL && g_settings_get_boolean (settings, keys[i]))
        g_action_change_state (G_ACTION (action), g_variant_new_boolean (TRUE));
    }

  gtk_widget_insert_action_group (GTK_WIDGET (self), "chart", G_ACTION_GROUP (group));
}

static void
fs_window_init (FsWindow *self)
{
  GtkEventController *scroll;

  gtk_widget_init_template (GTK_WIDGET (self));
  add_chart_actions (self);

  self->session = fs_compare_session_new (self->controller);
  fs_compare_table_set_session (self->compare_table, self->session);
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    fs_chart_set_session (fs_window_get_chart (self, kind), self->session);
  g_signal_connect_object (self->session, "changed", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (swimlane_scroll_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->swimlane_chart), scroll);

  g_signal_connect_object (self->controller, "notify::state", G_CALLBACK (state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "updated", G_CALLBACK (run_updated_cb),
                           self, G_CONNECT_SWAPPED);

  if (fs_settings_get () != NULL)
    {
      GSettings *settings = fs_settings_get ();

      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      fs_run_form_bind_settings (self->run_form, settings);
    }

  apply_environment (self);
  start_demo_server (self);
  update_run_button (self);
  _fs_window_update_actions (self);
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

  return self->demo_state == FS_DEMO_READY ? fs_demo_process_get_base_url (self->demo) : NULL;
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
  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);

  return fs_run_form_select_preset (self->run_form, name, count);
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

  return fs_run_form_select_strategy (self->run_form, strategy);
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
 * fs_window_show_problem:
 *
 * Says @message in a toast and under the summary's progress bar.
 */
void
fs_window_show_problem (FsWindow   *self,
                        const char *message)
{
  g_return_if_fail (FS_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  _fs_window_toast (self, message);
  fs_summary_view_show_problem (self->summary_view, message);
}

/**
 * fs_window_get_session:
 *
 * Returns: (transfer none): the runs the window compares
 */
FsCompareSession *
fs_window_get_session (FsWindow *self)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);

  return self->session;
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

  return fs_summary_view_get_status (self->summary_view);
}

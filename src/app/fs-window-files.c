/* fs-window-files.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's files: save and open runs and comparisons, export charts
 * and per-request records.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-csv-writer.h"
#include "fs-export-dialog.h"
#include "fs-settings.h"
#include "fs-window-private.h"

/* Whether a run or a comparison is on screen: one ran, or was opened. */
static gboolean
has_results (FsWindow *self)
{
  return fs_compare_session_get_runs (self->session)->len > 0 ||
         fs_run_controller_get_state (self->controller) != FS_RUN_STATE_IDLE;
}

/* Files take what is shown once it has stopped changing. */
void
_fs_window_update_file_actions (FsWindow *self)
{
  gboolean running = fs_run_controller_get_running (self->controller) ||
                     fs_compare_session_get_running (self->session);
  gboolean shown = !running && has_results (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "file.open", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "file.save", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "file.export", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "file.export-records", shown);
}

/* What is on screen as saved runs: the comparison's, or a snapshot of
 * the last run. */
static GPtrArray *
dup_shown_runs (FsWindow *self)
{
  GPtrArray *runs = fs_compare_session_get_runs (self->session);
  FsSavedRun *run;

  if (runs->len > 0)
    return g_ptr_array_ref (runs);

  runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);
  if (fs_run_controller_get_config (self->controller) == NULL)
    return runs;

  run = fs_saved_run_new (NULL, fs_run_controller_get_config (self->controller), self->urls_label);
  run->complete = fs_run_controller_get_state (self->controller) == FS_RUN_STATE_FINISHED;
  fs_run_controller_get_summary (self->controller, &run->summary);
  run->aggregator = fs_aggregator_copy (fs_run_controller_get_aggregator (self->controller));
  run->swimlane = fs_swimlane_copy (fs_run_controller_get_swimlane (self->controller));
  if (fs_run_controller_get_records (self->controller) != NULL)
    run->records = fs_record_log_ref (fs_run_controller_get_records (self->controller));
  g_ptr_array_add (runs, run);

  return runs;
}

static char *
chooser_path (GtkFileChooserNative *native)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

  return file != NULL ? g_file_get_path (file) : NULL;
}

static GtkFileChooserNative *
new_chooser (FsWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             const char           *pattern,
             const char           *pattern_name)
{
  GtkFileChooserNative *native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                              accept, _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, pattern_name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);

  return native;
}

/* What to do with the file a chooser gave, and what to say after. */
typedef gboolean (*FileFunc) (FsWindow    *self,
                              const char  *path,
                              gpointer     data,
                              GError     **error);

typedef struct
{
  FileFunc    func;
  gpointer    data;
  GDestroyNotify destroy;
  const char *done;      /* N_() with one %s, the path; NULL: say nothing */
  const char *failed;    /* N_() with one %s, the error */
} FileRequest;

static void
file_request_free (FileRequest *request)
{
  if (request->destroy != NULL)
    request->destroy (request->data);
  g_free (request);
}

static void
file_chosen_cb (FsWindow             *self,
                int                   response,
                GtkFileChooserNative *native)
{
  FileRequest *request = g_object_get_data (G_OBJECT (native), "request");
  g_autofree char *path = response == GTK_RESPONSE_ACCEPT ? chooser_path (native) : NULL;
  g_autoptr(GError) error = NULL;

  /* done and failed are N_() strings with one %s each, in this file; msgfmt
   * --check keeps their translations so. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  if (path != NULL && !request->func (self, path, request->data, &error))
    {
      g_autofree char *message = g_strdup_printf (_(request->failed), error->message);

      fs_window_show_problem (self, message);
    }
  else if (path != NULL && request->done != NULL)
    {
      g_autofree char *message = g_strdup_printf (_(request->done), path);

      _fs_window_toast (self, message);
    }
#pragma GCC diagnostic pop

  g_object_unref (native);
}

/* Shows @native; once a file is chosen, @func does the work. */
static void
choose_file (FsWindow             *self,
             GtkFileChooserNative *native,
             FileFunc              func,
             gpointer              data,
             GDestroyNotify        destroy,
             const char           *done,
             const char           *failed)
{
  FileRequest *request = g_new0 (FileRequest, 1);

  request->func = func;
  request->data = data;
  request->destroy = destroy;
  request->done = done;
  request->failed = failed;
  g_object_set_data_full (G_OBJECT (native), "request", request,
                          (GDestroyNotify) file_request_free);
  g_signal_connect_object (native, "response", G_CALLBACK (file_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static gboolean
save_file (FsWindow    *self,
           const char  *path,
           gpointer     data,
           GError     **error)
{
  return fs_window_save_runs (self, path, error);
}

static gboolean
open_file (FsWindow    *self,
           const char  *path,
           gpointer     data,
           GError     **error)
{
  return fs_window_open_runs (self, path, error);
}

static gboolean
export_records_file (FsWindow    *self,
                     const char  *path,
                     gpointer     data,
                     GError     **error)
{
  return fs_window_export_records (self, path, error);
}

/**
 * fs_window_save_runs:
 *
 * Saves what the window shows — the comparison, or the last run — to
 * @path (written atomically).
 */
gboolean
fs_window_save_runs (FsWindow    *self,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GPtrArray) runs = NULL;

  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  runs = dup_shown_runs (self);
  if (runs->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("There is no run to save yet"));
      return FALSE;
    }

  return fs_saved_runs_save (path, (FsSavedRun * const *) runs->pdata, runs->len,
                             FS_SAVED_RUN_COMPRESS, error);
}

/**
 * fs_window_open_runs:
 *
 * Shows the runs saved in @path, as they were. A file that cannot be
 * read changes nothing.
 */
gboolean
fs_window_open_runs (FsWindow    *self,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GPtrArray) runs = NULL;

  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (fs_run_controller_get_running (self->controller) ||
      fs_compare_session_get_running (self->session))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("Stop the run first"));
      return FALSE;
    }

  if (!(runs = fs_saved_runs_load (path, error)))
    return FALSE;

  g_free (self->opened_name);
  self->opened_name = g_filename_display_basename (path);
  fs_compare_session_set_runs (self->session, runs);

  return TRUE;
}

static void
file_save_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkFileChooserNative *native = new_chooser (self, _("Save Run"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                              _("_Save"), "*.fetchscope",
                                              _("Fetchscope runs"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native),
                                     fs_compare_session_get_runs (self->session)->len > 1
                                     ? "comparison.fetchscope" : "run.fetchscope");
  choose_file (self, native, save_file, NULL, NULL, N_("Saved to %s"), N_("Could not save: %s"));
}

static void
file_open_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkFileChooserNative *native = new_chooser (self, _("Open Saved Run"),
                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                              "*.fetchscope", _("Fetchscope runs"));

  choose_file (self, native, open_file, NULL, NULL, NULL, N_("Could not open: %s"));
}

/**
 * fs_window_export:
 * @kind: an FsChartKind, or %FS_EXPORT_DASHBOARD
 *
 * Draws what the window shows to @path, with the footer, by the same
 * renderers as the screen, in the window's light or dark style.
 */
gboolean
fs_window_export (FsWindow        *self,
                  const char      *path,
                  FsExportFormat   format,
                  guint            kind,
                  int              width,
                  int              height,
                  double           scale,
                  GError         **error)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree FsDashboardRun *dashboard_runs = NULL;
  FsDashboard dashboard;
  FsChartStyle style;

  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (kind <= FS_EXPORT_DASHBOARD, FALSE);

  runs = dup_shown_runs (self);
  if (runs->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("There is no run to export yet"));
      return FALSE;
    }

  dashboard_runs = g_new0 (FsDashboardRun, runs->len);
  for (guint i = 0; i < runs->len; i++)
    fs_dashboard_run_init (&dashboard_runs[i], g_ptr_array_index (runs, i), i);
  fs_dashboard_init (&dashboard, dashboard_runs, runs->len,
                     ((FsSavedRun *) g_ptr_array_index (runs, 0))->urls);
  if (runs == fs_compare_session_get_runs (self->session))
    dashboard.baseline = (int) fs_compare_session_get_baseline (self->session);

  fs_chart_style_init (&style);
  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  if (kind == FS_EXPORT_DASHBOARD)
    return fs_export_dashboard (path, format, &dashboard, &style, width, height, scale, error);

  return fs_export_chart (path, format, kind, &dashboard, &style, width, height, scale, error);
}

/**
 * fs_window_export_records:
 *
 * Writes one CSV row per request of what the window shows (every run of
 * a comparison, one after another, on one clock) to @path, atomically.
 */
gboolean
fs_window_export_records (FsWindow    *self,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(FsCsvWriter) writer = NULL;
  gint64 t_zero = G_MAXINT64;

  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  runs = dup_shown_runs (self);
  for (guint i = 0; i < runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (runs, i);

      if (run->records == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("“%s” kept no per-request records (runs of over 100,000 requests keep "
                         "their aggregates only; fetchscope-cli --csv writes any run)"),
                       run->label);
          return FALSE;
        }
      for (guint j = 0; j < fs_record_log_get_length (run->records); j++)
        {
          FsEvent event;

          fs_record_log_get (run->records, j, &event);
          t_zero = MIN (t_zero, event.t_started);
        }
    }

  if (runs->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("There is no run to export yet"));
      return FALSE;
    }

  if (!(writer = fs_csv_writer_new (path, t_zero == G_MAXINT64 ? 0 : t_zero, error)))
    return FALSE;

  for (guint i = 0; i < runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (runs, i);

      for (guint j = 0; j < fs_record_log_get_length (run->records); j++)
        {
          FsEvent event;

          fs_record_log_get (run->records, j, &event);
          if (!fs_csv_writer_add (writer, &event, 1, error))
            return FALSE;
        }
    }

  return fs_csv_writer_close (writer, error);
}

static void
file_export_records_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkFileChooserNative *native = new_chooser (self, _("Export Records"),
                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                              "*.csv", _("CSV files"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), "fetchscope-requests.csv");
  choose_file (self, native, export_records_file, NULL, NULL, N_("Exported to %s"),
               N_("Could not export: %s"));
}

typedef struct
{
  FsExportFormat format;
  guint          kind;
  int            width;
  int            height;
  double         scale;
} ExportRequest;

static gboolean
export_file (FsWindow    *self,
             const char  *path,
             gpointer     data,
             GError     **error)
{
  ExportRequest *request = data;

  return fs_window_export (self, path, request->format, request->kind, request->width,
                           request->height, request->scale, error);
}

static void
export_dialog_response_cb (FsWindow       *self,
                           const char     *response,
                           FsExportDialog *dialog)
{
  ExportRequest *request;
  GtkFileChooserNative *native;
  g_autofree char *name = NULL;
  g_autofree char *pattern = NULL;

  if (g_strcmp0 (response, "export") != 0)
    return;

  request = g_new0 (ExportRequest, 1);
  request->format = fs_export_dialog_get_format (dialog);
  request->kind = fs_export_dialog_get_kind (dialog);
  fs_export_dialog_get_size (dialog, &request->width, &request->height, &request->scale);

  name = fs_export_dialog_dup_file_name (dialog);
  pattern = g_strdup_printf ("*.%s", fs_export_format_to_string (request->format));
  native = new_chooser (self, _("Export Charts"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                        pattern, fs_export_format_to_string (request->format));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  choose_file (self, native, export_file, request, g_free, N_("Exported to %s"),
               N_("Could not export: %s"));
}

static void
file_export_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkWidget *dialog = fs_export_dialog_new (GTK_WINDOW (self));
  GSettings *settings = fs_settings_get ();

  /* The size the Preferences give exports. */
  if (settings != NULL)
    fs_export_dialog_set_size (FS_EXPORT_DIALOG (dialog),
                               g_settings_get_int (settings, "export-width"),
                               g_settings_get_int (settings, "export-height"),
                               g_settings_get_double (settings, "export-scale"));

  g_signal_connect_object (dialog, "response", G_CALLBACK (export_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_fs_window_class_add_file_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "file.open", NULL, file_open_action);
  gtk_widget_class_install_action (widget_class, "file.save", NULL, file_save_action);
  gtk_widget_class_install_action (widget_class, "file.export", NULL, file_export_action);
  gtk_widget_class_install_action (widget_class, "file.export-records", NULL,
                                   file_export_records_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "file.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "file.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "file.export", NULL);
}

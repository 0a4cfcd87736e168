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
  gboolean shown = !running && self->n_file_jobs == 0 && has_results (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "file.open",
                                 !running && self->n_file_jobs == 0);
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

/* Saving, opening and exporting records take time in proportion to the
 * records (a million: seconds), so the chooser's file is worked on a
 * thread: what is shown is taken here first (file_job_new), the file is
 * written or read on the thread (file_job_run), and a file read is shown
 * back here (file_job_show). While one is under way, Start and the file
 * actions wait, so what the thread reads stays as it was; and the task
 * holds the window, so a window closed meanwhile is not disposed (its
 * runs freed) until the thread is done with them. */
typedef struct
{
  FsWindowFileJob  kind;
  char            *path;
  GPtrArray       *runs;    /* save, export: what is shown; open: what was read */
} FileJob;

static void
file_job_free (FileJob *job)
{
  g_free (job->path);
  g_clear_pointer (&job->runs, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileJob, file_job_free)

static FileJob *
file_job_new (FsWindow         *self,
              FsWindowFileJob   kind,
              const char       *path,
              GError          **error)
{
  g_autoptr(FileJob) job = g_new0 (FileJob, 1);

  job->kind = kind;
  job->path = g_strdup (path);

  if (self->n_file_jobs > 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("Another file is being written or read"));
      return NULL;
    }

  if (kind == FS_WINDOW_FILE_OPEN)
    {
      if (fs_run_controller_get_running (self->controller) ||
          fs_compare_session_get_running (self->session))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("Stop the run first"));
          return NULL;
        }
      return g_steal_pointer (&job);
    }

  job->runs = dup_shown_runs (self);
  for (guint i = 0; kind == FS_WINDOW_FILE_EXPORT_RECORDS && i < job->runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (job->runs, i);

      if (run->records == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("“%s” kept no per-request records (runs of over 1,000,000 requests keep "
                         "their aggregates only; fetchscope-cli --csv writes any run)"),
                       run->label);
          return NULL;
        }
    }
  if (job->runs->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           kind == FS_WINDOW_FILE_SAVE ? _("There is no run to save yet")
                                                       : _("There is no run to export yet"));
      return NULL;
    }

  return g_steal_pointer (&job);
}

/* One CSV row per request of every run, on one clock. */
static gboolean
write_records (GPtrArray   *runs,
               const char  *path,
               GError     **error)
{
  g_autoptr(FsCsvWriter) writer = NULL;
  gint64 t_zero = G_MAXINT64;

  for (guint i = 0; i < runs->len; i++)
    {
      FsRecordLog *records = ((FsSavedRun *) g_ptr_array_index (runs, i))->records;

      for (guint j = 0; j < fs_record_log_get_length (records); j++)
        {
          FsEvent event;

          fs_record_log_get (records, j, &event);
          t_zero = MIN (t_zero, event.t_started);
        }
    }

  if (!(writer = fs_csv_writer_new (path, t_zero == G_MAXINT64 ? 0 : t_zero, error)))
    return FALSE;

  for (guint i = 0; i < runs->len; i++)
    {
      FsRecordLog *records = ((FsSavedRun *) g_ptr_array_index (runs, i))->records;

      for (guint j = 0; j < fs_record_log_get_length (records); j++)
        {
          FsEvent event;

          fs_record_log_get (records, j, &event);
          if (!fs_csv_writer_add (writer, &event, 1, error))
            return FALSE;
        }
    }

  return fs_csv_writer_close (writer, error);
}

/* Any thread. */
static gboolean
file_job_run (FileJob  *job,
              GError  **error)
{
  switch (job->kind)
    {
    case FS_WINDOW_FILE_SAVE:
      return fs_saved_runs_save (job->path, (FsSavedRun * const *) job->runs->pdata,
                                 job->runs->len, FS_SAVED_RUN_COMPRESS, error);

    case FS_WINDOW_FILE_OPEN:
      return (job->runs = fs_saved_runs_load (job->path, error)) != NULL;

    case FS_WINDOW_FILE_EXPORT_RECORDS:
      return write_records (job->runs, job->path, error);

    default:
      g_assert_not_reached ();
    }
}

static void
file_job_show (FsWindow *self,
               FileJob  *job)
{
  if (job->kind != FS_WINDOW_FILE_OPEN)
    return;

  g_free (self->opened_name);
  self->opened_name = g_filename_display_basename (job->path);
  fs_compare_session_set_runs (self->session, job->runs);
}

static gboolean
file_job_run_here (FsWindow         *self,
                   FsWindowFileJob   kind,
                   const char       *path,
                   GError          **error)
{
  g_autoptr(FileJob) job = file_job_new (self, kind, path, error);

  if (job == NULL || !file_job_run (job, error))
    return FALSE;
  file_job_show (self, job);

  return TRUE;
}

static void
file_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (file_job_run (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
file_job_done_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FsWindow *self = FS_WINDOW (source_object);
  g_autoptr(GTask) task = user_data;
  FileJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  self->n_file_jobs--;
  g_application_release (g_application_get_default ());
  if (self->file_toast != NULL)
    adw_toast_dismiss (self->file_toast);
  g_clear_object (&self->file_toast);

  g_task_propagate_boolean (G_TASK (result), &error);

  /* Shown before the caller hears of it. */
  if (error == NULL)
    file_job_show (self, job);
  _fs_window_update_actions (self);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fs_window_file_job_async:
 *
 * Saves what the window shows to @path, opens the runs saved in @path, or
 * exports the shown runs' records to @path as CSV, as fs_window_save_runs(),
 * fs_window_open_runs() and fs_window_export_records() do, but on a worker
 * thread: the window stays responsive, says what it is doing, and keeps
 * Start and the file actions off until the job is done. A file that
 * cannot be read changes nothing.
 */
void
fs_window_file_job_async (FsWindow            *self,
                          FsWindowFileJob      kind,
                          const char          *path,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  static const char * const doing[] = {
    [FS_WINDOW_FILE_SAVE] = N_("Saving %s…"),
    [FS_WINDOW_FILE_OPEN] = N_("Opening %s…"),
    [FS_WINDOW_FILE_EXPORT_RECORDS] = N_("Exporting to %s…"),
  };
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  GError *error = NULL;
  FileJob *job;

  g_return_if_fail (FS_IS_WINDOW (self));
  g_return_if_fail (kind <= FS_WINDOW_FILE_EXPORT_RECORDS);
  g_return_if_fail (path != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, fs_window_file_job_async);

  if (!(job = file_job_new (self, kind, path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The app stays up until the file is written, even with no window. */
  g_application_hold (g_application_get_default ());
  self->n_file_jobs++;
  _fs_window_update_actions (self);

  name = g_filename_display_basename (path);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  message = g_strdup_printf (_(doing[kind]), name);
#pragma GCC diagnostic pop
  self->file_toast = g_object_ref_sink (adw_toast_new (message));
  adw_toast_set_timeout (self->file_toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->file_toast));

  worker = g_task_new (self, NULL, file_job_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, file_job_thread);
  g_task_set_task_data (worker, job, (GDestroyNotify) file_job_free);
  g_task_run_in_thread (worker, file_job_thread);
}

gboolean
fs_window_file_job_finish (FsWindow      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fs_window_file_job_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What a chooser's file is for, and what to say after. */
typedef gboolean (*FileFunc) (FsWindow    *self,
                              const char  *path,
                              gpointer     data,
                              GError     **error);

typedef struct
{
  FileFunc    func;      /* NULL: the file job @job, on a thread */
  FsWindowFileJob job;
  gpointer    data;
  GDestroyNotify destroy;
  const char *done;      /* N_() with one %s, the path; NULL: say nothing */
  const char *failed;    /* N_() with one %s, the error */
  char       *path;
} FileRequest;

static void
file_request_free (FileRequest *request)
{
  if (request->destroy != NULL)
    request->destroy (request->data);
  g_free (request->path);
  g_free (request);
}

static void
file_request_say (FsWindow     *self,
                  FileRequest  *request,
                  const GError *error)
{
  /* done and failed are N_() strings with one %s each, in this file; msgfmt
   * --check keeps their translations so. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_(request->failed), error->message);

      fs_window_show_problem (self, message);
    }
  else if (request->done != NULL)
    {
      g_autofree char *message = g_strdup_printf (_(request->done), request->path);

      _fs_window_toast (self, message);
    }
#pragma GCC diagnostic pop
}

static void
file_request_done_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  FsWindow *self = FS_WINDOW (source_object);
  FileRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  fs_window_file_job_finish (self, result, &error);
  file_request_say (self, request, error);
  file_request_free (request);
}

static void
file_chosen_cb (FsWindow             *self,
                int                   response,
                GtkFileChooserNative *native)
{
  FileRequest *request = g_object_steal_data (G_OBJECT (native), "request");
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    request->path = chooser_path (native);
  g_object_unref (native);

  if (request->path == NULL)
    {
      file_request_free (request);
    }
  else if (request->func == NULL)
    {
      fs_window_file_job_async (self, request->job, request->path, file_request_done_cb, request);
    }
  else
    {
      request->func (self, request->path, request->data, &error);
      file_request_say (self, request, error);
      file_request_free (request);
    }
}

/* Shows @native; once a file is chosen, @func does the work, or without
 * @func, the file job @job. */
static void
choose_file (FsWindow             *self,
             GtkFileChooserNative *native,
             FileFunc              func,
             FsWindowFileJob       job,
             gpointer              data,
             GDestroyNotify        destroy,
             const char           *done,
             const char           *failed)
{
  FileRequest *request = g_new0 (FileRequest, 1);

  request->func = func;
  request->job = job;
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

/**
 * fs_window_save_runs:
 *
 * Saves what the window shows — the comparison, or the last run — to
 * @path (written atomically), here and now; the Save action does it on a
 * thread (fs_window_file_job_async()).
 */
gboolean
fs_window_save_runs (FsWindow    *self,
                     const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return file_job_run_here (self, FS_WINDOW_FILE_SAVE, path, error);
}

/**
 * fs_window_open_runs:
 *
 * Shows the runs saved in @path, as they were, read here and now. A file
 * that cannot be read changes nothing.
 */
gboolean
fs_window_open_runs (FsWindow    *self,
                     const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return file_job_run_here (self, FS_WINDOW_FILE_OPEN, path, error);
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
  choose_file (self, native, NULL, FS_WINDOW_FILE_SAVE, NULL, NULL, N_("Saved to %s"),
               N_("Could not save: %s"));
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

  choose_file (self, native, NULL, FS_WINDOW_FILE_OPEN, NULL, NULL, NULL,
               N_("Could not open: %s"));
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
 * a comparison, one after another, on one clock) to @path, atomically,
 * here and now.
 */
gboolean
fs_window_export_records (FsWindow    *self,
                          const char  *path,
                          GError     **error)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return file_job_run_here (self, FS_WINDOW_FILE_EXPORT_RECORDS, path, error);
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
  choose_file (self, native, NULL, FS_WINDOW_FILE_EXPORT_RECORDS, NULL, NULL,
               N_("Exported to %s"), N_("Could not export: %s"));
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
  choose_file (self, native, export_file, 0, request, g_free, N_("Exported to %s"),
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

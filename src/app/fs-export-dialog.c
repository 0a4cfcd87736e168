/* fs-export-dialog.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-export-dialog.h"

#define MIN_SIZE 200
#define MAX_SIZE 8000

struct _FsExportDialog
{
  AdwMessageDialog  parent_instance;

  AdwComboRow      *what_row;
  AdwComboRow      *format_row;
  GtkSpinButton    *width_spin;
  GtkSpinButton    *height_spin;
  AdwComboRow      *scale_row;
};

G_DEFINE_FINAL_TYPE (FsExportDialog, fs_export_dialog, ADW_TYPE_MESSAGE_DIALOG)

static const double scales[] = { 1, 2 };

static AdwComboRow *
add_combo_row (AdwPreferencesGroup *group,
               const char          *title,
               const char * const  *items)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new ((const char * const *) items);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_preferences_group_add (group, row);

  return ADW_COMBO_ROW (row);
}

static GtkSpinButton *
add_spin_row (AdwPreferencesGroup *group,
              const char          *title,
              int                  value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (MIN_SIZE, MAX_SIZE, 10);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (group, row);

  return GTK_SPIN_BUTTON (spin);
}

static void
fs_export_dialog_class_init (FsExportDialogClass *klass)
{
}

static void
fs_export_dialog_init (FsExportDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr(GPtrArray) what = g_ptr_array_new ();
  const char *formats[] = { "PNG", "SVG", "PDF", NULL };
  const char *scale_names[] = { N_("Normal (1×)"), N_("High resolution (2×)"), NULL };
  const char *scale_labels[G_N_ELEMENTS (scale_names)] = { 0 };

  adw_message_dialog_set_heading (dialog, _("Export Charts"));
  adw_message_dialog_set_body (dialog, _("Drawn as on the screen, with a footer that names "
                                         "the runs, the URL set, the settings and the date."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "export", _("_Export…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "export");
  adw_message_dialog_set_close_response (dialog, "cancel");

  g_ptr_array_add (what, (gpointer) _("The whole dashboard"));
  for (guint kind = 0; kind < FS_N_CHARTS; kind++)
    g_ptr_array_add (what, (gpointer) fs_chart_kind_title (kind));
  g_ptr_array_add (what, NULL);
  for (guint i = 0; scale_names[i] != NULL; i++)
    scale_labels[i] = _(scale_names[i]);

  self->what_row = add_combo_row (group, _("Export"), (const char * const *) what->pdata);
  self->format_row = add_combo_row (group, _("Format"), formats);
  self->width_spin = add_spin_row (group, _("Width"), 1600);
  self->height_spin = add_spin_row (group, _("Height"), 1000);
  self->scale_row = add_combo_row (group, _("Pixel density"), scale_labels);
  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (group));
}

GtkWidget *
fs_export_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (FS_TYPE_EXPORT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}

/**
 * fs_export_dialog_get_kind:
 *
 * Returns: the FsChartKind chosen, or %FS_EXPORT_DASHBOARD
 */
guint
fs_export_dialog_get_kind (FsExportDialog *self)
{
  guint selected;

  g_return_val_if_fail (FS_IS_EXPORT_DIALOG (self), FS_EXPORT_DASHBOARD);

  selected = adw_combo_row_get_selected (self->what_row);
  return selected == 0 || selected > FS_N_CHARTS ? FS_EXPORT_DASHBOARD : selected - 1;
}

FsExportFormat
fs_export_dialog_get_format (FsExportDialog *self)
{
  g_return_val_if_fail (FS_IS_EXPORT_DIALOG (self), FS_EXPORT_PNG);

  return MIN (adw_combo_row_get_selected (self->format_row), FS_EXPORT_PDF);
}

/**
 * fs_export_dialog_get_size:
 * @scale: (out): pixels per unit for PNG
 */
void
fs_export_dialog_get_size (FsExportDialog *self,
                           int            *width,
                           int            *height,
                           double         *scale)
{
  g_return_if_fail (FS_IS_EXPORT_DIALOG (self));

  *width = gtk_spin_button_get_value_as_int (self->width_spin);
  *height = gtk_spin_button_get_value_as_int (self->height_spin);
  *scale = scales[MIN (adw_combo_row_get_selected (self->scale_row), G_N_ELEMENTS (scales) - 1)];
}

void
fs_export_dialog_set_size (FsExportDialog *self,
                           int             width,
                           int             height,
                           double          scale)
{
  g_return_if_fail (FS_IS_EXPORT_DIALOG (self));

  gtk_spin_button_set_value (self->width_spin, width);
  gtk_spin_button_set_value (self->height_spin, height);
  adw_combo_row_set_selected (self->scale_row, scale >= 1.5 ? 1 : 0);
}

/**
 * fs_export_dialog_dup_file_name:
 *
 * Returns: (transfer full): a name for the file, e.g. "fetchscope-latency.svg"
 */
char *
fs_export_dialog_dup_file_name (FsExportDialog *self)
{
  guint kind;

  g_return_val_if_fail (FS_IS_EXPORT_DIALOG (self), NULL);

  kind = fs_export_dialog_get_kind (self);
  return g_strdup_printf ("fetchscope-%s.%s",
                          kind == FS_EXPORT_DASHBOARD ? "dashboard" : fs_chart_kind_to_string (kind),
                          fs_export_format_to_string (fs_export_dialog_get_format (self)));
}

/* fs-preferences-window.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-preferences-window.h"

#define MIB (1024.0 * 1024.0)

struct _FsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  GtkSpinButton        *timeout_spin;
  GtkSpinButton        *max_body_spin;
  GtkSpinButton        *interval_spin;
  GtkSpinButton        *time_scale_spin;
  GtkSpinButton        *export_width_spin;
  GtkSpinButton        *export_height_spin;
  GtkSpinButton        *export_scale_spin;
};

G_DEFINE_FINAL_TYPE (FsPreferencesWindow, fs_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The body cap is kept in bytes and shown in MiB. */
static gboolean
mib_from_bytes (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint64 (variant) / MIB);
  return TRUE;
}

static GVariant *
bytes_from_mib (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  return g_variant_new_uint64 ((guint64) (g_value_get_double (value) * MIB + 0.5));
}

static void
fs_preferences_window_class_init (FsPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fetchscope/Fetchscope/fs-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, max_body_spin);
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, time_scale_spin);
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, export_width_spin);
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, export_height_spin);
  gtk_widget_class_bind_template_child (widget_class, FsPreferencesWindow, export_scale_spin);
}

static void
fs_preferences_window_init (FsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * fs_preferences_window_new:
 * @settings: (nullable): the app's settings; without them every row is
 *   insensitive
 *
 * Returns: (transfer full): the window, transient for @parent
 */
FsPreferencesWindow *
fs_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  FsPreferencesWindow *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (!settings || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);

  if (settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (self))),
                                FALSE);
      return self;
    }

  g_settings_bind (settings, "request-timeout", self->timeout_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "max-body", self->max_body_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, mib_from_bytes, bytes_from_mib, NULL, NULL);
  g_settings_bind (settings, "switch-interval", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "demo-time-scale", self->time_scale_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-width", self->export_width_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-height", self->export_height_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-scale", self->export_scale_spin, "value", G_SETTINGS_BIND_DEFAULT);

  return self;
}

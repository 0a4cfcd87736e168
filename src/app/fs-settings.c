/* fs-settings.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "fs-locate.h"
#include "fs-settings.h"

static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) own = NULL;
  g_autofree char *dir = NULL;
  GSettingsSchema *schema;

  if (source != NULL &&
      (schema = g_settings_schema_source_lookup (source, FS_SETTINGS_SCHEMA_ID, TRUE)) != NULL)
    return schema;

  if ((dir = fs_locate_schema_dir ()) == NULL ||
      !(own = g_settings_schema_source_new_from_directory (dir, source, FALSE, NULL)))
    return NULL;

  return g_settings_schema_source_lookup (own, FS_SETTINGS_SCHEMA_ID, FALSE);
}

/* dconf writes through the session bus; without one (a bare X server, a
 * screenshot under Xvfb) every write fails and dconf reverts the key, so a
 * bound widget jumps back. Then keep the settings in memory for this run. */
static GSettingsBackend *
usable_backend (void)
{
  GSettingsBackend *backend = g_settings_backend_get_default ();
  g_autoptr(GDBusConnection) bus = NULL;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (backend), "DConfSettingsBackend") ||
      (bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL)) != NULL)
    return backend;

  g_message ("No session bus for dconf: settings are kept for this run only");
  g_object_unref (backend);
  return g_memory_settings_backend_new ();
}

/**
 * fs_settings_get:
 *
 * Without a compiled schema anywhere (an install whose schemas were never
 * compiled) the app runs on its defaults and remembers nothing.
 *
 * Returns: (transfer none) (nullable): the settings, or %NULL without a schema
 */
GSettings *
fs_settings_get (void)
{
  static GSettings *settings;
  static gboolean looked;

  if (!looked)
    {
      g_autoptr(GSettingsSchema) schema = lookup_schema ();

      looked = TRUE;
      if (schema != NULL)
        {
          g_autoptr(GSettingsBackend) backend = usable_backend ();

          settings = g_settings_new_full (schema, backend, NULL);
        }
      else
        g_message ("The GSettings schema %s is not installed; settings will not be kept",
                   FS_SETTINGS_SCHEMA_ID);
    }

  return settings;
}

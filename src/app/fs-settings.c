/* fs-settings.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
        settings = g_settings_new_full (schema, NULL, NULL);
      else
        g_message ("The GSettings schema %s is not installed; settings will not be kept",
                   FS_SETTINGS_SCHEMA_ID);
    }

  return settings;
}

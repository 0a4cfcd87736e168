/* fs-settings.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's GSettings (schema io.github.fetchscope.Fetchscope), found also
 * when the schema is not installed where GLib looks: in the build tree, or
 * under the prefix of a moved install (fs_locate_schema_dir()).
 *
 * Threading: main context only.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FS_SETTINGS_SCHEMA_ID "io.github.fetchscope.Fetchscope"

GSettings *fs_settings_get (void);

G_END_DECLS

/* fs-locate.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where our helper executables, translations and GSettings schemas are:
 * in the build tree when a program runs from it, under the prefix the
 * program was installed to (also when that tree was moved, as with
 * `meson install --destdir`), else where meson was told they would be.
 *
 * Threading: any thread.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *fs_locate_helper      (const char  *name,
                                   GError     **error);
gboolean    fs_locate_is_uninstalled (void);
char       *fs_locate_locale_dir  (void);
char       *fs_locate_schema_dir  (void);

G_END_DECLS

/* fs-preferences-window.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences: the defaults new runs start from (request timeout, body
 * cap, GIL switch interval, demo time scale) and the size of exported
 * charts, bound to GSettings.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FS_TYPE_PREFERENCES_WINDOW (fs_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (FsPreferencesWindow, fs_preferences_window, FS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

FsPreferencesWindow *fs_preferences_window_new (GtkWindow *parent,
                                                GSettings *settings);

G_END_DECLS

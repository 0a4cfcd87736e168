/* fs-application.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FS_TYPE_APPLICATION (fs_application_get_type ())

G_DECLARE_FINAL_TYPE (FsApplication, fs_application, FS, APPLICATION, AdwApplication)

FsApplication *fs_application_new (void);

G_END_DECLS

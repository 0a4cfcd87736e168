/* fs-error.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FS_ERROR (fs_error_quark ())

typedef enum
{
  FS_ERROR_FAILED,
  FS_ERROR_INVALID_ARGUMENT,
  FS_ERROR_INVALID_URL,
  FS_ERROR_CURL,
  FS_ERROR_SERVER,
  FS_ERROR_CANCELLED,
  FS_ERROR_INVALID_DATA,      /* a saved file that is damaged or not Fetchscope's */
} FsError;

GQuark fs_error_quark (void);

G_END_DECLS

/* fs-engine-serial.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The baseline: one easy handle, one blocking request at a time.
 */

#pragma once

#include "fs-engine-private.h"

G_BEGIN_DECLS

#define FS_TYPE_ENGINE_SERIAL (fs_engine_serial_get_type ())

G_DECLARE_FINAL_TYPE (FsEngineSerial, fs_engine_serial, FS, ENGINE_SERIAL, FsEngine)

G_END_DECLS

/* fs-engine-subprocess-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test hooks. Threading: before the engine runs, on the thread that made it.
 */

#pragma once

#include "fs-engine-subprocess.h"

G_BEGIN_DECLS

void _fs_engine_subprocess_set_worker_env (FsEngineSubprocess *self,
                                           guint               worker_index,
                                           const char         *variable,
                                           const char         *value);

G_END_DECLS

/* fs-engine-subprocess.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "processes" strategy: N fetchscope-worker children, jobs on their
 * stdin, records on their stdout (fs-worker-protocol.h); each child runs
 * one request at a time (worker mode blocking, like multiprocessing.Pool
 * with requests) or its own loop (worker mode loop, like multiprocessing
 * with asyncio). A child that dies or breaks the protocol is killed and its
 * jobs end as "worker lost"; the run goes on with the others.
 *
 * Threading: as FsEngine; fs_engine_subprocess_dup_failures() may be called
 * from any thread, also while the engine runs.
 */

#pragma once

#include "fs-engine-private.h"

G_BEGIN_DECLS

#define FS_TYPE_ENGINE_SUBPROCESS (fs_engine_subprocess_get_type ())

G_DECLARE_FINAL_TYPE (FsEngineSubprocess, fs_engine_subprocess, FS, ENGINE_SUBPROCESS, FsEngine)

GPtrArray *fs_engine_subprocess_dup_failures (FsEngineSubprocess *self);

G_END_DECLS

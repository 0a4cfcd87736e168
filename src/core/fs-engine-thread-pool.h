/* fs-engine-thread-pool.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "threads" strategy: a GThreadPool of N threads, each with its own
 * reused curl easy handle, each blocking on one request at a time (as
 * curl_easy_perform() does), like ThreadPoolExecutor + requests.
 */

#pragma once

#include "fs-engine-private.h"

G_BEGIN_DECLS

#define FS_TYPE_ENGINE_THREAD_POOL (fs_engine_thread_pool_get_type ())

G_DECLARE_FINAL_TYPE (FsEngineThreadPool, fs_engine_thread_pool, FS, ENGINE_THREAD_POOL, FsEngine)

G_END_DECLS

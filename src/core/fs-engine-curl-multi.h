/* fs-engine-curl-multi.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "loop" strategy: one thread running its own GMainContext, driving a
 * curl multi handle through the socket API (one fd source per socket and a
 * single timer), like asyncio + aiohttp.
 */

#pragma once

#include "fs-engine-private.h"

G_BEGIN_DECLS

#define FS_TYPE_ENGINE_CURL_MULTI (fs_engine_curl_multi_get_type ())

G_DECLARE_FINAL_TYPE (FsEngineCurlMulti, fs_engine_curl_multi, FS, ENGINE_CURL_MULTI, FsEngine)

G_END_DECLS

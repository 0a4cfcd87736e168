/* fs-engine-hybrid.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "hybrid" strategy: a loop for light URLs and a thread pool for heavy
 * ones, routed per URL, like asyncio with run_in_executor(). Routing, in
 * order: the class a URL file gives ("heavy" or "light"), the demo server's
 * page type from the URL path, and otherwise the learned CPU cost of the
 * URL's path prefix (a moving average; unknown prefixes start on the loop).
 * Each record says where its job went and why.
 */

#pragma once

#include "fs-engine-private.h"

G_BEGIN_DECLS

/* A prefix whose CPU stage averages this much or more goes to the pool. */
#define FS_HYBRID_HEAVY_CPU_US 2000

#define FS_TYPE_ENGINE_HYBRID (fs_engine_hybrid_get_type ())

G_DECLARE_FINAL_TYPE (FsEngineHybrid, fs_engine_hybrid, FS, ENGINE_HYBRID, FsEngine)

typedef struct _FsHybridRouter FsHybridRouter;

/* Routing decisions and what they learn. Not thread-safe: one owner. */
FsHybridRouter *fs_hybrid_router_new    (void);
void            fs_hybrid_router_free   (FsHybridRouter *self);
const char     *fs_hybrid_url_prefix    (const char     *url);
FsRoute         fs_hybrid_router_route  (FsHybridRouter *self,
                                         const char     *url,
                                         const char     *url_class,
                                         FsRouteReason  *reason);
void            fs_hybrid_router_learn  (FsHybridRouter *self,
                                         const char     *prefix,
                                         gint64          cpu_us);
double          fs_hybrid_router_get_cost (FsHybridRouter *self,
                                           const char     *prefix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsHybridRouter, fs_hybrid_router_free)

G_END_DECLS

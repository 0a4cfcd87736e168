/* fs-engine.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The abstract strategy. An engine pulls jobs from an FsJobQueue until the
 * queue is closed and drained and nothing is in flight, and writes one start
 * and exactly one terminal record per job into an FsEventSink. Cancelling
 * ends every in-flight and queued job with a "cancelled" record; whoever
 * fills the queue must close it when the same cancellable fires.
 *
 * Threading: create, run and finish on one thread (the caller's thread-default
 * context); the work itself happens on the engine's own threads.
 */

#pragma once

#include <gio/gio.h>

#include "fs-event-sink.h"
#include "fs-job-queue.h"
#include "fs-run-config.h"

G_BEGIN_DECLS

#define FS_TYPE_ENGINE (fs_engine_get_type ())

G_DECLARE_DERIVABLE_TYPE (FsEngine, fs_engine, FS, ENGINE, GObject)

gboolean           fs_engine_strategy_is_available (FsStrategy strategy);
FsEngine          *fs_engine_new          (const FsRunConfig   *config,
                                           GError             **error);
const FsRunConfig *fs_engine_get_config   (FsEngine            *self);
FsStrategy         fs_engine_get_strategy (FsEngine            *self);
void               fs_engine_run_async    (FsEngine            *self,
                                           FsJobQueue          *queue,
                                           FsEventSink         *sink,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean           fs_engine_run_finish   (FsEngine            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
gboolean           fs_engine_run          (FsEngine            *self,
                                           FsJobQueue          *queue,
                                           FsEventSink         *sink,
                                           GCancellable        *cancellable,
                                           GError             **error);

G_END_DECLS

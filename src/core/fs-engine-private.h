/* fs-engine-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fs-engine.h"
#include "fs-gil.h"

G_BEGIN_DECLS

struct _FsEngineClass
{
  GObjectClass parent_class;

  /* Called on a thread of the engine's own. Returns once every job popped
   * from @queue has a terminal record in @sink and @queue is closed and
   * drained. A GError means the engine itself failed (not a request). */
  gboolean (*run) (FsEngine     *self,
                   FsJobQueue   *queue,
                   FsEventSink  *sink,
                   GCancellable *cancellable,
                   GError      **error);
};

void       _fs_engine_configure           (FsEngine          *self,
                                           const FsRunConfig *config);
void       _fs_engine_cancel_queued       (FsEngine    *self,
                                           FsJobQueue  *queue,
                                           FsEventSink *sink);
void       _fs_engine_set_record_strategy (FsEngine    *self,
                                           FsStrategy   strategy);
FsStrategy _fs_engine_get_record_strategy (FsEngine    *self);
FsGil     *_fs_engine_get_gil             (FsEngine    *self);
void       _fs_engine_share_gil           (FsEngine    *self,
                                           FsGil       *gil);
GSource   *_fs_engine_watch_cancellable   (GCancellable *cancellable,
                                           GMainContext *context,
                                           GSourceFunc   func,
                                           gpointer      user_data);

G_END_DECLS

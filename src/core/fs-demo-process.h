/* fs-demo-process.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo server as a child process on 127.0.0.1 with an ephemeral port,
 * so its CPU and memory never mix with the client's. It stops with its
 * owner, and with the owner's death (PR_SET_PDEATHSIG).
 *
 * Threading: main context only; start it from the main thread, which
 * outlives the server (see fs_demo_process_start_async()).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FS_TYPE_DEMO_PROCESS (fs_demo_process_get_type ())

G_DECLARE_FINAL_TYPE (FsDemoProcess, fs_demo_process, FS, DEMO_PROCESS, GObject)

FsDemoProcess *fs_demo_process_new          (double          time_scale,
                                             guint32         seed);
gboolean       fs_demo_process_start        (FsDemoProcess  *self,
                                             GCancellable   *cancellable,
                                             GError        **error);
void           fs_demo_process_start_async  (FsDemoProcess       *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       fs_demo_process_start_finish (FsDemoProcess  *self,
                                             GAsyncResult   *result,
                                             GError        **error);
const char    *fs_demo_process_get_base_url (FsDemoProcess  *self);
GPid           fs_demo_process_get_pid      (FsDemoProcess  *self);
void           fs_demo_process_stop         (FsDemoProcess  *self);

G_END_DECLS

/* fs-fault-server.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A deliberately broken HTTP server on 127.0.0.1:0 for the fault tests. It
 * speaks raw bytes over GSocket (not libsoup, which would refuse to send
 * most of this): resets, early closes, malformed status lines and headers,
 * stalls, bodies far over any cap, chunked-encoding errors, redirect loops
 * and redirects to other schemes, a gzip bomb and a 1 MB header line. Every
 * connection answers one request and is then closed.
 *
 * Handlers that stall wait for the client to go away (or for free), never
 * longer than FS_FAULT_SERVER_MAX_STALL_S. Handlers that stream write until
 * the client stops reading, never more than FS_FAULT_SERVER_MAX_STREAM bytes.
 *
 * Threading: one accept thread and a pool of connection threads of its own;
 * every function may be called from any one thread.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FS_FAULT_SERVER_MAX_STALL_S  20
#define FS_FAULT_SERVER_MAX_STREAM   (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  const char *path;         /* "/reset" */
  const char *description;  /* one line, for the standalone server's listing */
} FsFaultPath;

typedef struct _FsFaultServer FsFaultServer;

const FsFaultPath *fs_fault_server_paths            (guint          *n_paths);
FsFaultServer     *fs_fault_server_new              (GError        **error);
const char        *fs_fault_server_get_base_url     (FsFaultServer  *self);
char              *fs_fault_server_url              (FsFaultServer  *self,
                                                     const char     *path);
gsize              fs_fault_server_get_gzip_bomb_size (FsFaultServer *self,
                                                       gsize         *decoded_size);
guint64            fs_fault_server_get_n_connections (FsFaultServer *self);
gboolean           fs_fault_server_wait_idle        (FsFaultServer  *self,
                                                     guint           timeout_ms);
void               fs_fault_server_free             (FsFaultServer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsFaultServer, fs_fault_server_free)

G_END_DECLS

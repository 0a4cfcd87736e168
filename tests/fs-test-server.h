/* fs-test-server.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An FsDemoServer on 127.0.0.1:0, served by its own thread and
 * GMainContext, so a test can block on requests from its own thread.
 * Every function may be called from the test's thread; free joins the
 * server thread and drops any response still waiting for its delay.
 *
 * A static server serves instead only the pages added to it (a site a test
 * generates), 404 for any other path, and counts requests per path.
 */

#pragma once

#include "fs-demo-server.h"

G_BEGIN_DECLS

typedef struct _FsTestServer FsTestServer;

FsTestServer *fs_test_server_new            (double                     time_scale,
                                             guint32                    seed);
FsTestServer *fs_test_server_new_full       (const FsDemoServerOptions *options);
const char   *fs_test_server_get_base_url   (FsTestServer              *self);
guint16       fs_test_server_get_port       (FsTestServer              *self);
char         *fs_test_server_url            (FsTestServer              *self,
                                             const char                *path);
guint64       fs_test_server_get_n_requests (FsTestServer              *self);
FsDemoServer *fs_test_server_get_demo_server (FsTestServer             *self);
GArray       *fs_test_dup_reachable_at      (const char                *base_url,
                                            guint                      from);
GArray       *fs_test_server_dup_reachable  (FsTestServer              *self,
                                             guint                      from);

FsTestServer *fs_test_server_new_static     (void);
void          fs_test_server_add_page       (FsTestServer              *self,
                                             const char                *path,
                                             guint                      status,
                                             const char                *content_type,
                                             const char                *location,
                                             const char                *body);
guint         fs_test_server_get_hits       (FsTestServer              *self,
                                             const char                *path);
GPtrArray    *fs_test_server_dup_hit_paths  (FsTestServer              *self);
void          fs_test_server_free           (FsTestServer              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsTestServer, fs_test_server_free)

G_END_DECLS

/* fs-demo-server-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the tests: what each serving thread has done.
 */

#pragma once

#include "fs-demo-server.h"

G_BEGIN_DECLS

guint64 _fs_demo_server_get_n_thread_requests (FsDemoServer *self,
                                               guint         index);

G_END_DECLS

/* fs-demo-server.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A loopback-only HTTP server (libsoup 3) with the page types of the
 * practice servers used by Python concurrency write-ups. GET (or HEAD):
 *
 *   /ping                 200, exactly 100 bytes of text/plain, no delay
 *   /bytes/N              N bytes (N ≤ 64 MiB), byte i = "A-Za-z0-9-_"[i % 64]
 *   /delay/MS             {"delay_ms":MS} after MS ms (MS ≤ 600000)
 *   /status/CODE          CODE, 200..599 (a 1xx cannot end an exchange)
 *   /redirect/N           302 to /redirect/N-1, /redirect/0 to /ping (N ≤ 100)
 *   /redirect-to?url=URL  302 with "Location: URL" as given
 *   /page/TYPE/ID         TYPE is regular (500 ms), slow (5 s), failing
 *                         (500 ms, then 500/502/503 90 % of the time), cpu
 *                         or multicore (100 ms, one or four puzzle seeds)
 *   /api/ID               ID < 1000: a page of the link graph, typed by
 *                         fs_demo_page_type_for_id(), with "links" (also
 *                         when it fails)
 *   /api/reachable?from=ID  the ids reachable from ID by links, sorted
 *   /                     an HTML index
 *
 * Delays are multiplied by time_scale; pages carry an
 * "X-Fetchscope-Page-Type" header; bad numbers get 400, unknown paths 404.
 *
 * Threading: an FsDemoServer belongs to the thread whose thread-default
 * GMainContext was current when fs_demo_server_listen() was called, and
 * must be disposed there. With options.n_threads above 1 the connections
 * are spread over that many threads (the others its own), and a request
 * and its delay run on the thread its connection went to; the failures
 * are one seeded sequence, in the order the requests are answered. Only
 * fs_demo_server_get_n_requests(),
 * fs_demo_server_get_port() and fs_demo_server_get_base_url() may be called
 * from other threads, once listen has returned. fs_demo_page_type_for_id()
 * is thread-safe.
 *
 * The hash puzzle carried by "cpu" (one seed) and "multicore" (four seeds)
 * pages: a seed is a string of 16 lowercase hex characters. Its solution is
 * the smallest nonce n >= 0 (a guint64) such that the SHA-256 digest of the
 * ASCII string "<seed>:<n in decimal>" (for example "0123456789abcdef:42",
 * no newline) starts with at least D zero bits, D being the page's
 * "difficulty" (FsDemoServerOptions.difficulty). Seeds depend only on
 * (options.seed, page type, page id), so a given page always carries the
 * same puzzle. The server never solves them.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FS_DEMO_GRAPH_SIZE         1000
#define FS_DEMO_MAX_BYTES          (64 * 1024 * 1024)
#define FS_DEMO_MAX_DELAY_MS       600000
#define FS_DEMO_MAX_REDIRECTS      100
#define FS_DEMO_MAX_THREADS        64
#define FS_DEMO_PING_BODY_LEN      100
#define FS_DEMO_PAGE_TYPE_HEADER   "X-Fetchscope-Page-Type"

typedef struct
{
  double  time_scale;  /* multiplies every delay; 0 means no delays. Default 1.0 */
  guint32 seed;        /* fixes the graph, the failures and the puzzles. Default 1 */
  guint   difficulty;  /* puzzle leading zero bits, 1..32. Default 16 */
  guint   n_threads;   /* threads that answer, 1..FS_DEMO_MAX_THREADS. Default 1 */
} FsDemoServerOptions;

#define FS_TYPE_DEMO_SERVER (fs_demo_server_get_type ())

G_DECLARE_FINAL_TYPE (FsDemoServer, fs_demo_server, FS, DEMO_SERVER, GObject)

void          fs_demo_server_options_init   (FsDemoServerOptions       *options);
FsDemoServer *fs_demo_server_new            (const FsDemoServerOptions *options);
gboolean      fs_demo_server_listen         (FsDemoServer              *self,
                                             guint16                    port,
                                             GError                   **error);
const char   *fs_demo_server_get_base_url   (FsDemoServer              *self);
guint16       fs_demo_server_get_port       (FsDemoServer              *self);
guint64       fs_demo_server_get_n_requests (FsDemoServer              *self);

const char   *fs_demo_page_type_for_id      (guint32                    seed,
                                             guint                      id);

G_END_DECLS

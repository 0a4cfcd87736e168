/* fs-cpu-stage.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What happens to a body once it has arrived: nothing, N rounds of SHA-256
 * chained over it ("hash:N"), or solving the demo server's hash puzzles
 * ("puzzle"; see fs-demo-server.h). Puzzle bodies are JSON objects with an
 * integer "difficulty" (1..32) and a "seeds" array of short strings: the
 * server's cpu and multicore pages and the /api/ID pages of those types.
 * Any body without "seeds" has nothing to solve.
 *
 * With a simulated GIL the work holds it, and yields to it every few hundred
 * hashes, so threads that share the GIL take turns as in CPython.
 *
 * Threading: every function is safe to call from any thread, concurrently,
 * and runs the work on the calling thread (plus, for fs_cpu_stage_run() with
 * @parallel > 1, helper threads it joins before returning). The #FsGil is
 * the one shared by all threads of the process; the caller must not hold it.
 */

#pragma once

#include <glib.h>

#include "fs-event.h"
#include "fs-gil.h"
#include "fs-types.h"

G_BEGIN_DECLS

#define FS_CPU_MAX_SEEDS      16   /* a page with more is refused */
#define FS_CPU_MAX_SEED_LEN   64
#define FS_CPU_MAX_DIFFICULTY 32

typedef struct
{
  guint64 hashes;                     /* SHA-256 digests computed */
  guint   puzzles_solved;
  guint   n_nonces;                   /* = puzzles_solved */
  guint64 nonces[FS_CPU_MAX_SEEDS];   /* in the order of "seeds" */
  guint8  digest[32];                 /* FS_CPU_WORK_HASH: the last digest */
} FsCpuResult;

gboolean fs_cpu_stage_run      (FsCpuWork      cpu_work,
                                guint          hash_rounds,
                                FsGil         *gil,
                                guint          parallel,
                                const guint8  *body,
                                gsize          body_len,
                                FsEvent       *event,
                                GError       **error);
gboolean fs_cpu_stage_run_full (FsCpuWork      cpu_work,
                                guint          hash_rounds,
                                FsGil         *gil,
                                guint          parallel,
                                const guint8  *body,
                                gsize          body_len,
                                FsEvent       *event,
                                FsCpuResult   *result,
                                GError       **error);
guint64  fs_cpu_solve_puzzle   (const char    *seed,
                                guint          difficulty,
                                FsGil         *gil);
void     fs_cpu_hash_chain     (const guint8  *body,
                                gsize          len,
                                guint          rounds,
                                FsGil         *gil,
                                guint8         digest[32]);

G_END_DECLS

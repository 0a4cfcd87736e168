/* fs-gil.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A simulated CPython GIL, after CPython's Python/ceval_gil.c: one lock that
 * CPU work holds, with the "new GIL" switching rules. A thread that has
 * waited a whole switch interval without the lock changing hands sets a drop
 * request; the holder sees it at its next fs_gil_yield() and hands the lock
 * over, then waits until another thread has taken it before it competes
 * again (FORCE_SWITCHING), so the hand-over really happens. A thread that
 * releases and at once re-acquires while others wait also steps back until
 * one of them has had it, so nobody starves.
 *
 * The lock is not recursive, and callers never hold it across network I/O:
 * engines take it around the CPU stage only.
 *
 * Threading: one FsGil is shared by all threads of a process; every function
 * may be called from any thread. fs_gil_yield() and fs_gil_release() only by
 * the holder. fs_gil_set_trace_func() before the lock is first used.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FsGil FsGil;

/* Called with the GIL's internal mutex held, so calls are totally ordered:
 * keep it short and never call back into the FsGil. @taken is TRUE when
 * @thread has just taken the lock, FALSE when it has just dropped it. */
typedef void (*FsGilTraceFunc) (GThread  *thread,
                                gboolean  taken,
                                gint64    time_us,
                                gpointer  user_data);

FsGil   *fs_gil_new                 (gint64          switch_interval_us);
void     fs_gil_free                (FsGil          *self);
gint64   fs_gil_get_switch_interval (FsGil          *self);
gint64   fs_gil_acquire             (FsGil          *self);
void     fs_gil_release             (FsGil          *self);
gint64   fs_gil_yield               (FsGil          *self);
guint64  fs_gil_get_switches        (FsGil          *self);
void     fs_gil_set_trace_func      (FsGil          *self,
                                     FsGilTraceFunc  func,
                                     gpointer        user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsGil, fs_gil_free)

G_END_DECLS

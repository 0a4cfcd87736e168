/* fs-proc.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Memory and CPU time of a process, from /proc. Thread-safe.
 */

#pragma once

#include <glib.h>

#include "fs-event.h"

G_BEGIN_DECLS

gboolean fs_proc_read_sample (GPid       pid,
                              FsSample  *sample,
                              GError   **error);
void     fs_proc_sample_event (FsEvent        *event,
                               const FsSample *sample);

/* The process's CPU time is counted from its start, and a process may run
 * several runs (compare, the window): @sample's from @base_us instead,
 * which the first call sets when it is negative. */
void     fs_proc_sample_since (FsSample       *sample,
                               gint64         *base_us);

G_END_DECLS

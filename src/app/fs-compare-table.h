/* fs-compare-table.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ranking of a comparison, like the write-ups' "performance
 * comparison" tables: fastest first, with wall time, speedup against the
 * baseline, req/s, p50 and p99, peak memory, CPU time and errors. Each
 * run's name carries its colour on the charts; a radio button pins a run
 * as the baseline, and the others show their difference to it.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

#include "fs-compare-session.h"

G_BEGIN_DECLS

#define FS_TYPE_COMPARE_TABLE (fs_compare_table_get_type ())

G_DECLARE_FINAL_TYPE (FsCompareTable, fs_compare_table, FS, COMPARE_TABLE, AdwBin)

GtkWidget        *fs_compare_table_new         (void);
FsCompareSession *fs_compare_table_get_session (FsCompareTable   *self);
void              fs_compare_table_set_session (FsCompareTable   *self,
                                                FsCompareSession *session);
char             *fs_compare_table_dup_text    (FsCompareTable   *self);

G_END_DECLS

/* fs-compare-session.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runs the dashboard compares: variants run one after another through
 * one FsRunController on the same URL set, each kept, once it has ended,
 * as an FsSavedRun (settings, summary and snapshots of its aggregates) —
 * or runs opened from a file. The charts overlay them and a table ranks
 * them against a baseline, which a user may pin.
 *
 * A run that is cancelled or fails ends the comparison; what has ended so
 * far is kept.
 *
 * Threading: main context only.
 */

#pragma once

#include "fs-comparison.h"
#include "fs-run-controller.h"
#include "fs-saved-run.h"

G_BEGIN_DECLS

/* A fresh source of the comparison's URLs for each run, in the same order,
 * and the URL set's name. */
typedef FsUrlSource *(*FsSourceFunc) (gpointer   user_data,
                                      guint64   *expected_total,
                                      char     **label,
                                      GError   **error);

#define FS_TYPE_COMPARE_SESSION (fs_compare_session_get_type ())

G_DECLARE_FINAL_TYPE (FsCompareSession, fs_compare_session, FS, COMPARE_SESSION, GObject)

FsCompareSession *fs_compare_session_new          (FsRunController   *controller);
gboolean          fs_compare_session_start        (FsCompareSession  *self,
                                                   const FsRunConfig *base,
                                                   const FsVariant   *variants,
                                                   guint              n_variants,
                                                   FsSourceFunc       source_func,
                                                   gpointer           user_data,
                                                   GError           **error);
void              fs_compare_session_clear        (FsCompareSession  *self);
void              fs_compare_session_set_runs     (FsCompareSession  *self,
                                                   GPtrArray         *runs);
GPtrArray        *fs_compare_session_get_runs     (FsCompareSession  *self);
gboolean          fs_compare_session_get_running  (FsCompareSession  *self);
guint             fs_compare_session_get_n_planned(FsCompareSession  *self);
const char       *fs_compare_session_get_live_label (FsCompareSession *self);
guint             fs_compare_session_get_baseline (FsCompareSession  *self);
void              fs_compare_session_set_baseline (FsCompareSession  *self,
                                                   guint              baseline);
FsRunController  *fs_compare_session_get_controller (FsCompareSession *self);

G_END_DECLS

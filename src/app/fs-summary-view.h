/* fs-summary-view.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summary card above the charts: what the run is doing (Ready,
 * Running, Finished, …), done of total with a progress bar, and the
 * figures a load tester shows — ok, errors by kind, req/s now and on
 * average, p50/p99, peak memory, elapsed and time left; for a crawl, pages
 * visited, the frontier and pages/s instead of the average rate and the
 * time left, which no one knows before the end. While a run goes
 * it refreshes ten times a second; after it, it says how the run ended
 * and anything that went wrong besides the requests themselves.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

#include "fs-run-controller.h"

G_BEGIN_DECLS

#define FS_TYPE_SUMMARY_VIEW (fs_summary_view_get_type ())

G_DECLARE_FINAL_TYPE (FsSummaryView, fs_summary_view, FS, SUMMARY_VIEW, AdwBin)

FsRunController *fs_summary_view_get_controller      (FsSummaryView   *self);
void             fs_summary_view_set_controller      (FsSummaryView   *self,
                                                      FsRunController *controller);
void             fs_summary_view_set_run_description (FsSummaryView   *self,
                                                      const char      *description);
void             fs_summary_view_show_problem        (FsSummaryView   *self,
                                                      const char      *message);
void             fs_summary_view_show_opened         (FsSummaryView   *self,
                                                      const char      *headline);
const char      *fs_summary_view_get_status          (FsSummaryView   *self);
void             fs_summary_view_update              (FsSummaryView   *self);

G_END_DECLS

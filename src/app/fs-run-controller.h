/* fs-run-controller.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run at a time for the dashboard: a URL source fills a job queue (or
 * a crawler does, from the pages' links as they come in), an engine works
 * through it on its own threads, and its records come back
 * through a sink, drained in bounded batches at most about once a frame,
 * into an FsAggregator and an FsSwimlane. While it runs it samples the
 * memory and CPU time of this process and of every worker process seen in
 * the records. Widgets read the bounded aggregates, never the records.
 *
 * Threading: main context only. Every signal and notification is emitted
 * there.
 */

#pragma once

#include <gio/gio.h>

#include "fs-aggregator.h"
#include "fs-crawler.h"
#include "fs-record-log.h"
#include "fs-engine.h"
#include "fs-run-config.h"
#include "fs-swimlane.h"
#include "fs-url-source.h"

G_BEGIN_DECLS

typedef enum
{
  FS_RUN_STATE_IDLE,       /* nothing has run yet */
  FS_RUN_STATE_RUNNING,
  FS_RUN_STATE_STOPPING,   /* cancelled, waiting for the engine to end every job */
  FS_RUN_STATE_FINISHED,
  FS_RUN_STATE_CANCELLED,
  FS_RUN_STATE_FAILED,     /* the run could not be measured; see get_error() */
} FsRunState;

#define FS_TYPE_RUN_CONTROLLER (fs_run_controller_get_type ())

G_DECLARE_FINAL_TYPE (FsRunController, fs_run_controller, FS, RUN_CONTROLLER, GObject)

FsRunController   *fs_run_controller_new            (void);
gboolean           fs_run_controller_start          (FsRunController    *self,
                                                     const FsRunConfig  *config,
                                                     FsUrlSource        *source,
                                                     guint64             expected_total,
                                                     GError            **error);
gboolean           fs_run_controller_start_with_engine (FsRunController *self,
                                                     FsEngine           *engine,
                                                     FsUrlSource        *source,
                                                     guint64             expected_total,
                                                     GError            **error);
gboolean           fs_run_controller_start_crawl    (FsRunController    *self,
                                                     const FsRunConfig  *config,
                                                     FsCrawler          *crawler,
                                                     GError            **error);
void               fs_run_controller_stop           (FsRunController    *self);
FsRunState         fs_run_controller_get_state      (FsRunController    *self);
gboolean           fs_run_controller_get_running    (FsRunController    *self);
const FsRunConfig *fs_run_controller_get_config     (FsRunController    *self);
FsUrlSource       *fs_run_controller_get_source     (FsRunController    *self);
FsCrawler         *fs_run_controller_get_crawler    (FsRunController    *self);
const GError      *fs_run_controller_get_error      (FsRunController    *self);
FsAggregator      *fs_run_controller_get_aggregator (FsRunController    *self);
FsSwimlane        *fs_run_controller_get_swimlane   (FsRunController    *self);
void               fs_run_controller_get_summary    (FsRunController    *self,
                                                     FsSummary          *summary);
guint64            fs_run_controller_get_jobs_pushed(FsRunController    *self);
guint64            fs_run_controller_get_total      (FsRunController    *self,
                                                     gboolean           *known);
double             fs_run_controller_get_elapsed_s  (FsRunController    *self);
double             fs_run_controller_get_rate_now   (FsRunController    *self);
double             fs_run_controller_get_eta_s      (FsRunController    *self);
void               fs_run_controller_get_time_range (FsRunController    *self,
                                                     double             *t_min_s,
                                                     double             *t_max_s);
FsRecordLog       *fs_run_controller_get_records    (FsRunController    *self);
GPtrArray         *fs_run_controller_dup_worker_failures (FsRunController *self);

G_END_DECLS

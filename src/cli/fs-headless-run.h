/* fs-headless-run.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run without a display: a URL source or a crawler feeds an engine, whose records
 * go through a sink into an aggregator (and, if asked, a CSV file), while
 * this process samples its own memory and CPU time.
 *
 * Threading: main context only; execute() iterates the thread-default
 * context until the run is over.
 */

#pragma once

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "fs-aggregator.h"
#include "fs-crawler.h"
#include "fs-run-config.h"
#include "fs-saved-run.h"
#include "fs-url-source.h"

G_BEGIN_DECLS

typedef struct _FsHeadlessRun FsHeadlessRun;

FsHeadlessRun *fs_headless_run_new           (const FsRunConfig  *config,
                                              FsUrlSource        *source,
                                              const char         *urls_label);
FsHeadlessRun *fs_headless_run_new_for_crawl (const FsRunConfig  *config,
                                              FsCrawler          *crawler,
                                              const char         *urls_label);
void           fs_headless_run_free          (FsHeadlessRun      *self);
void           fs_headless_run_set_csv_path  (FsHeadlessRun      *self,
                                              const char         *path);
void           fs_headless_run_set_progress  (FsHeadlessRun      *self,
                                              gboolean            progress);
void           fs_headless_run_set_discard_records (FsHeadlessRun *self,
                                                    gboolean       discard);
void           fs_headless_run_set_keep_records (FsHeadlessRun   *self,
                                                 gboolean         keep);
gboolean       fs_headless_run_execute       (FsHeadlessRun      *self,
                                              GCancellable       *cancellable,
                                              GError            **error);
void           fs_headless_run_get_summary   (FsHeadlessRun      *self,
                                              FsSummary          *summary);
gboolean       fs_headless_run_was_cancelled (FsHeadlessRun      *self);
const FsRunConfig *fs_headless_run_get_config (FsHeadlessRun     *self);
FsCrawler     *fs_headless_run_get_crawler   (FsHeadlessRun      *self);
GPtrArray     *fs_headless_run_dup_worker_failures (FsHeadlessRun *self);
void           fs_headless_run_print_summary (FsHeadlessRun      *self,
                                              FILE               *out);
JsonNode      *fs_headless_run_to_json       (FsHeadlessRun      *self);
FsSavedRun    *fs_headless_run_to_saved_run  (FsHeadlessRun      *self);
gboolean       fs_headless_write_json        (JsonNode           *node,
                                              const char         *path,
                                              GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsHeadlessRun, fs_headless_run_free)

G_END_DECLS

/* fs-saved-run.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run, or the runs of a comparison, in one file that can be reopened
 * without a network and drawn exactly as it was: each run's settings, its
 * summary, the aggregates every chart reads (FsAggregator, FsSwimlane) and
 * its per-request terminal records.
 *
 * The file is JSON, gzip-compressed with FS_SAVED_RUN_COMPRESS (loading
 * tells by the first bytes):
 *
 *   { "format": "fetchscope-saved-run", "version": 1,
 *     "fetchscope_version": "0.1.0", "saved_at": ISO 8601,
 *     "runs": [ { "label", "urls", "started_at", "complete",
 *                 "settings": { FsRunConfig },
 *                 "summary": { FsSummary, as the runner measured it },
 *                 "aggregates": fs_aggregator_to_json (),
 *                 "swimlanes": fs_swimlane_to_json () or null,
 *                 "records": { "t_zero", "fields": [ names ],
 *                              "rows": [ [ one per terminal record ] ] } or null
 *               }, … ] }
 *
 * Record times are µs after t_zero, or null for "did not happen" (0 in an
 * FsEvent). Loading checks everything, and a file that is truncated,
 * damaged, of another format or of a newer version gives %NULL and an
 * FS_ERROR_INVALID_DATA (or a GIOError) that names the file and what is
 * wrong; nothing of it is kept.
 *
 * Saving only reads the runs: a caller may fill an FsSavedRun on the stack
 * with borrowed pointers to live aggregates, as long as it does not free it
 * (fs_aggregator_copy() and fs_swimlane_copy() make a snapshot instead).
 *
 * Threading: any thread, one owner; the aggregates must not be fed while
 * they are saved.
 */

#pragma once

#include <gio/gio.h>

#include "fs-aggregator.h"
#include "fs-record-log.h"
#include "fs-run-config.h"
#include "fs-swimlane.h"

G_BEGIN_DECLS

#define FS_SAVED_RUN_FORMAT  "fetchscope-saved-run"
#define FS_SAVED_RUN_VERSION 1

typedef enum
{
  FS_SAVED_RUN_NONE     = 0,
  FS_SAVED_RUN_COMPRESS = 1 << 0,   /* gzip the JSON */
} FsSavedRunFlags;

typedef struct
{
  char         *label;       /* the legend's and the table's name: "threads + GIL" */
  FsRunConfig  *config;
  char         *urls;        /* the URL set as named: "demo:cpu", a file's path */
  GDateTime    *started_at;  /* nullable */
  gboolean      complete;    /* FALSE: cancelled, partial results */
  FsSummary     summary;     /* as the runner measured it (wall time from the engine's start) */
  FsAggregator *aggregator;
  FsSwimlane   *swimlane;    /* nullable */
  FsRecordLog  *records;     /* nullable */
} FsSavedRun;

FsSavedRun *fs_saved_run_new   (const char         *label,
                                const FsRunConfig  *config,
                                const char         *urls);
void        fs_saved_run_free  (FsSavedRun         *self);

gboolean    fs_saved_runs_save (const char         *path,
                                FsSavedRun * const *runs,
                                guint               n_runs,
                                FsSavedRunFlags     flags,
                                GError            **error);
GPtrArray  *fs_saved_runs_load (const char         *path,
                                GError            **error);
GPtrArray  *fs_saved_runs_load_bytes (GBytes       *bytes,
                                      const char   *name,
                                      GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSavedRun, fs_saved_run_free)

G_END_DECLS

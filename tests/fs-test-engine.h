/* fs-test-engine.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the engine suites share: one variant per strategy (processes once per
 * worker mode), a run of a URL list through an engine with every record
 * collected, and the one-terminal-per-job check.
 *
 * Threading: the test's main thread; runs iterate the default main context.
 */

#pragma once

#include "fs-aggregator.h"
#include "fs-engine.h"

G_BEGIN_DECLS

/* What a test path runs: a strategy, and for processes a worker mode. */
typedef struct
{
  char         *name;
  FsStrategy    strategy;
  FsWorkerMode  worker_mode;
  guint         workers;
} FsTestVariant;

typedef struct
{
  FsStrategy    strategy;
  FsWorkerMode  worker_mode;
  guint         workers;
  guint         concurrency;
  guint         timeout_ms;
  guint64       max_body_bytes;
  guint         cancel_after;   /* cancel once this many terminals arrived, 0 = never */
} FsTestRunSpec;

typedef struct
{
  GArray       *events;
  FsAggregator *aggregator;
  GHashTable   *starts;         /* job id → count */
  GHashTable   *terminals;      /* job id → count */
  GCancellable *cancellable;
  guint         cancel_after;
  guint         n_terminals;
  guint         in_flight;
  guint         max_in_flight;
  gboolean      finished;
  GError       *error;
} FsTestCollector;

/* An FsTestRunSpec for the test's FsTestVariant, with the given fields set too. */
#define FS_TEST_VARIANT_SPEC(data, ...) {                                \
    .strategy = ((const FsTestVariant *) (data))->strategy,              \
    .worker_mode = ((const FsTestVariant *) (data))->worker_mode,        \
    .workers = ((const FsTestVariant *) (data))->workers,                \
    __VA_ARGS__ }

GPtrArray       *fs_test_make_variants            (guint                processes_workers);
FsTestCollector *fs_test_run_urls                 (const FsTestRunSpec *spec,
                                                   const char * const  *urls,
                                                   guint                n_urls);
void             fs_test_collector_free           (FsTestCollector     *c);
void             fs_test_assert_one_terminal_each (FsTestCollector     *c,
                                                   guint                n_jobs);
const FsEvent   *fs_test_terminal_for_index       (FsTestCollector     *c,
                                                   guint64              url_index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsTestCollector, fs_test_collector_free)

G_END_DECLS

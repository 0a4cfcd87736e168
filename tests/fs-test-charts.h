/* fs-test-charts.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Synthetic runs for the chart tests and benchmark: records as the engines
 * write them, in time order, without a network.
 *
 * Threading: one caller.
 */

#pragma once

#include "fs-aggregator.h"
#include "fs-record-log.h"
#include "fs-swimlane.h"

G_BEGIN_DECLS

#define FS_TEST_CHARTS_T0 G_GINT64_CONSTANT (1000000000)

/* About @n_events records (starts, terminals and samples) of one run: a loop
 * of 10 transfer slots that stalls on CPU now and then, 8 pool threads with a
 * simulated GIL, 4 worker processes, memory samples of the app and each
 * worker, and errors of every kind, with a burst of them after 60 % of the
 * run. Each record goes to @aggregator and, if not %NULL, @swimlane.
 * Returns how many records were fed. */
guint64 fs_test_charts_feed (FsAggregator *aggregator,
                             FsSwimlane   *swimlane,
                             guint64       n_events,
                             guint32       seed);
/* The same, also appending each terminal record to @records. */
guint64 fs_test_charts_feed_full (FsAggregator *aggregator,
                                  FsSwimlane   *swimlane,
                                  FsRecordLog  *records,
                                  guint64       n_events,
                                  guint32       seed);

/* Deletes a scratch folder that holds only files, and the files. */
void    fs_test_remove_dir (const char *dir);

G_END_DECLS

/* fs-comparison.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a comparison runs and how it ranks the runs.
 *
 * A variant is a strategy with what the write-ups vary besides it: the
 * simulated GIL ("threads+gil") and, for processes, the worker mode
 * ("processes+blocking"). It overrides those settings of a base
 * configuration and leaves the rest alone, so every run of a comparison
 * fetches the same URLs the same way.
 *
 * The ranking is the write-ups' table: fastest wall time first, each
 * run's speedup against a baseline — serial when it ran, else the
 * slowest — unless the caller pins another.
 *
 * Threading: any thread; no state.
 */

#pragma once

#include <glib.h>

#include "fs-aggregator.h"
#include "fs-run-config.h"

G_BEGIN_DECLS

typedef struct
{
  FsStrategy   strategy;
  gboolean     gil;
  FsWorkerMode worker_mode;   /* FS_STRATEGY_PROCESSES only */
} FsVariant;

#define FS_COMPARISON_AUTO_BASELINE G_MAXUINT

gboolean  fs_variant_parse       (const char        *text,
                                  FsVariant         *variant,
                                  GError           **error);
char     *fs_variant_to_string   (const FsVariant   *variant);
void      fs_variant_apply       (const FsVariant   *variant,
                                  FsRunConfig       *config);
void      fs_variant_from_config (FsVariant         *variant,
                                  const FsRunConfig *config);

guint     fs_comparison_baseline (const FsStrategy  *strategies,
                                  const FsSummary   *summaries,
                                  guint              n_runs);
void      fs_comparison_order    (const FsSummary   *summaries,
                                  guint              n_runs,
                                  guint             *order);
double    fs_comparison_speedup  (const FsSummary   *run,
                                  const FsSummary   *baseline);

G_END_DECLS

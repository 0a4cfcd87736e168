/* fs-types.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FsEvent       FsEvent;
typedef struct _FsJob         FsJob;
typedef struct _FsJobQueue    FsJobQueue;
typedef struct _FsEventSink   FsEventSink;
typedef struct _FsRunConfig   FsRunConfig;
typedef struct _FsHistogram   FsHistogram;
typedef struct _FsAggregator  FsAggregator;
typedef struct _FsSummary     FsSummary;

typedef enum
{
  FS_EVENT_START,
  FS_EVENT_TERMINAL,
  FS_EVENT_SAMPLE,
} FsEventKind;

/* The terminal outcome of one job. Exactly one per job, whatever happens. */
typedef enum
{
  FS_OUTCOME_OK,
  FS_OUTCOME_HTTP_ERROR,
  FS_OUTCOME_TRANSPORT_ERROR,
  FS_OUTCOME_TIMEOUT,
  FS_OUTCOME_CANCELLED,
  FS_OUTCOME_WORKER_LOST,
  FS_N_OUTCOMES
} FsOutcome;

typedef enum
{
  FS_STRATEGY_SERIAL,
  FS_STRATEGY_LOOP,
  FS_N_STRATEGIES
} FsStrategy;

G_END_DECLS

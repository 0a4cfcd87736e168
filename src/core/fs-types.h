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
  FS_STRATEGY_THREADS,
  FS_STRATEGY_PROCESSES,
  FS_STRATEGY_HYBRID,
  FS_N_STRATEGIES
} FsStrategy;

/* How each child of the processes strategy fetches. */
typedef enum
{
  FS_WORKER_MODE_BLOCKING,   /* one request at a time: multiprocessing.Pool + requests */
  FS_WORKER_MODE_LOOP,       /* its own loop engine: multiprocessing + asyncio */
} FsWorkerMode;

/* What happens to a body once it has arrived. */
typedef enum
{
  FS_CPU_WORK_NONE,
  FS_CPU_WORK_HASH,          /* N rounds of SHA-256 chained over the body */
  FS_CPU_WORK_PUZZLE,        /* solve the demo CPU and multi-core pages' puzzles */
} FsCpuWork;

/* Where the hybrid strategy sent a request, and why. */
typedef enum
{
  FS_ROUTE_NONE,             /* not a hybrid run */
  FS_ROUTE_LOOP,
  FS_ROUTE_POOL,
  FS_N_ROUTES
} FsRoute;

typedef enum
{
  FS_ROUTE_REASON_NONE,
  FS_ROUTE_REASON_CLASS,      /* the URL file named a class */
  FS_ROUTE_REASON_PAGE_TYPE,  /* the demo server's page type, from the URL */
  FS_ROUTE_REASON_LEARNED,    /* the measured CPU cost of its path prefix */
  FS_ROUTE_REASON_DEFAULT,    /* nothing known yet: the loop */
} FsRouteReason;

G_END_DECLS

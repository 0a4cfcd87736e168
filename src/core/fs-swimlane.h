/* fs-swimlane.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each executor was doing over time, bounded: one row per lane (a pool
 * thread, a worker process, a loop, and for loops one row per transfer slot
 * under it), one column per time bin, and in each cell the µs spent in each
 * phase. Bins merge pairwise when a run outlives them, as FsAggregator's do,
 * and the number of rows is capped, so memory never depends on the number
 * of requests.
 *
 * Threading: not thread-safe; fed by the sink's consumer context only.
 */

#pragma once

#include "fs-event.h"

G_BEGIN_DECLS

#define FS_SWIMLANE_MAX_ROWS 1024

typedef enum
{
  FS_PHASE_CONNECTING,   /* DNS, TCP and TLS */
  FS_PHASE_WAITING,      /* request sent, waiting for the first byte */
  FS_PHASE_RECEIVING,    /* first byte to last */
  FS_PHASE_CPU,          /* the CPU stage, holding the GIL if any */
  FS_PHASE_GIL,          /* waiting for the simulated GIL */
  FS_N_PHASES            /* the rest of a cell is idle */
} FsPhase;

typedef struct _FsSwimlane FsSwimlane;

typedef struct
{
  FsLane  lane;          /* which executor (and slot) this row is */
  guint   parent_row;    /* for a slot row, its loop's row; G_MAXUINT otherwise */
} FsSwimlaneRow;

FsSwimlane          *fs_swimlane_new          (gint64          bin_us,
                                               guint           n_bins);
void                 fs_swimlane_free         (FsSwimlane     *self);
void                 fs_swimlane_add          (FsSwimlane     *self,
                                               const FsEvent  *event);
void                 fs_swimlane_add_many     (FsSwimlane     *self,
                                               const FsEvent  *events,
                                               guint           n_events);
gint64               fs_swimlane_get_t0       (FsSwimlane     *self);
gint64               fs_swimlane_get_bin_us   (FsSwimlane     *self);
guint                fs_swimlane_get_n_bins   (FsSwimlane     *self);
guint                fs_swimlane_get_n_rows   (FsSwimlane     *self);
const FsSwimlaneRow *fs_swimlane_get_row      (FsSwimlane     *self,
                                               guint           row);
/* µs of @phase in (@row, @bin); 0 past the end */
guint32              fs_swimlane_get_phase_us (FsSwimlane     *self,
                                               guint           row,
                                               guint           bin,
                                               FsPhase         phase);
const char          *fs_phase_to_string       (FsPhase         phase);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSwimlane, fs_swimlane_free)

G_END_DECLS

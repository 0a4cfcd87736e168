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
 * of requests: at most FS_SWIMLANE_MAX_ROWS × n_bins × FS_N_PHASES guint32.
 *
 * Threading: not thread-safe; fed by the sink's consumer context only.
 *
 * Rows: an executor is keyed by (lane.pid, lane.tid, lane.index) and gets a
 * row when its first terminal record arrives. It is a loop once one of its
 * records says so (strategy loop, hybrid route loop, or lane.slot > 0, which
 * is how a processes child running a loop shows itself); from then on each
 * transfer slot has its own row, whose parent_row is the loop's row. What the
 * loop's row held before it was known to be a loop moves to its slot 0 row.
 * Rows keep the order in which they were created. Lanes past
 * FS_SWIMLANE_MAX_ROWS are folded into the last row, which then says so.
 *
 * Phases of a terminal record, in monotonic µs, each an interval [a, b):
 * connecting [t_started, max (t_dns, t_connect, t_tls)], waiting [that,
 * t_first_byte] (or to t_done if no byte came: a request that timed out was
 * waiting all along), receiving [t_first_byte, t_done], GIL [t_cpu_start,
 * + gil_wait_us] and CPU [the GIL's end, t_cpu_end]. Empty intervals and
 * those with a 0 timestamp are left out. A loop's slot row gets every phase
 * of its transfers, and the loop's own row gets their CPU and GIL phases as
 * well: the loop thread is the one that stalls while a slot computes.
 *
 * Bins: bin i covers [t0 + i × bin_us, t0 + (i + 1) × bin_us). t0 is the
 * first start or terminal time seen; an interval that begins earlier moves
 * t0 back by whole bins. Past the last bin, pairs merge and bin_us doubles.
 * A cell saturates at G_MAXUINT32 µs, which only a folded row can reach.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fs-event.h"

G_BEGIN_DECLS

#define FS_SWIMLANE_MAX_ROWS 1024
/* What the dashboard and the command line use: 20 ms bins, 30 s before
 * the first merge. */
#define FS_SWIMLANE_DEFAULT_BIN_US (20 * 1000)
#define FS_SWIMLANE_DEFAULT_N_BINS 1500

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
  FsLane   lane;         /* which executor (and slot) this row is */
  guint    parent_row;   /* for a slot row, its loop's row; G_MAXUINT otherwise */
  gboolean is_loop;      /* an executor row with slot rows under it */
  gboolean folded;       /* the last row, holding lanes past the cap as well */
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
/* A row's cells, fs_swimlane_get_n_bins() × FS_N_PHASES, bin after bin:
 * the µs of phase p in bin b is cells[b * FS_N_PHASES + p]. Valid until the
 * next add. For drawing, which reads every cell of every visible row. */
const guint32       *fs_swimlane_get_row_cells (FsSwimlane    *self,
                                                guint          row);
const char          *fs_phase_to_string       (FsPhase         phase);

/* A snapshot, and the whole state as JSON and back, as FsAggregator has:
 * the rows with their lanes and cells (zeros folded), bins in use only.
 * fs_swimlane_new_from_json() checks every number and gives %NULL
 * (FS_ERROR_INVALID_DATA) for anything it would not have made itself. */
FsSwimlane          *fs_swimlane_copy          (FsSwimlane    *self);
JsonNode            *fs_swimlane_to_json       (FsSwimlane    *self);
FsSwimlane          *fs_swimlane_new_from_json (JsonNode      *node,
                                                GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSwimlane, fs_swimlane_free)

G_END_DECLS

/* fs-swimlane.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-swimlane.h"

/* The slot of an executor's own row in a RowKey: no transfer slot has it. */
#define EXECUTOR_SLOT G_MAXUINT32

typedef struct
{
  gint32  pid;
  gint32  tid;
  guint32 index;
  guint32 slot;
} RowKey;

typedef struct
{
  FsSwimlaneRow  info;
  guint32       *cells;              /* n_bins × FS_N_PHASES */
} Row;

typedef struct
{
  FsPhase phase;
  gint64  a;
  gint64  b;
} Interval;

struct _FsSwimlane
{
  gint64      bin_us;
  guint       n_bins;
  guint       n_used;
  gint64      t0;
  gboolean    anchored;

  Row        *rows;                  /* FS_SWIMLANE_MAX_ROWS, the first n_rows in use */
  guint       n_rows;
  GHashTable *row_index;             /* RowKey → row + 1; never holds folded lanes */
};

static guint
row_key_hash (gconstpointer data)
{
  const RowKey *key = data;
  guint hash = key->index;

  hash = hash * 31 + (guint) key->pid;
  hash = hash * 31 + (guint) key->tid;
  hash = hash * 31 + key->slot;

  return hash;
}

static gboolean
row_key_equal (gconstpointer a,
               gconstpointer b)
{
  const RowKey *ka = a;
  const RowKey *kb = b;

  return ka->index == kb->index && ka->pid == kb->pid &&
         ka->tid == kb->tid && ka->slot == kb->slot;
}

FsSwimlane *
fs_swimlane_new (gint64 bin_us,
                 guint  n_bins)
{
  FsSwimlane *self;

  g_return_val_if_fail (bin_us > 0, NULL);
  g_return_val_if_fail (n_bins >= 2, NULL);
  g_return_val_if_fail (n_bins <= G_MAXUINT / FS_N_PHASES, NULL);

  self = g_new0 (FsSwimlane, 1);
  self->bin_us = bin_us;
  self->n_bins = n_bins;
  self->rows = g_new0 (Row, FS_SWIMLANE_MAX_ROWS);
  self->row_index = g_hash_table_new_full (row_key_hash, row_key_equal, g_free, NULL);

  return self;
}

void
fs_swimlane_free (FsSwimlane *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_rows; i++)
    g_free (self->rows[i].cells);
  g_free (self->rows);
  g_clear_pointer (&self->row_index, g_hash_table_unref);
  g_free (self);
}

static inline guint32
add_saturated (guint32 a,
               guint64 b)
{
  return (guint32) MIN ((guint64) a + b, G_MAXUINT32);
}

/* As FsAggregator does: fold neighbours so the same bins cover twice the
 * time. Bin i reads 2i and 2i + 1, at or after i, so in place is safe. */
static void
halve_resolution (FsSwimlane *self)
{
  guint n_used = (self->n_used + 1) / 2;

  g_assert (self->bin_us <= G_MAXINT64 / 2);

  for (guint r = 0; r < self->n_rows; r++)
    {
      guint32 *cells = self->rows[r].cells;

      for (guint i = 0; i < n_used; i++)
        for (guint p = 0; p < FS_N_PHASES; p++)
          {
            guint32 sum = cells[2 * i * FS_N_PHASES + p];

            if (2 * i + 1 < self->n_used)
              sum = add_saturated (sum, cells[(2 * i + 1) * FS_N_PHASES + p]);
            cells[i * FS_N_PHASES + p] = sum;
          }

      memset (&cells[n_used * FS_N_PHASES], 0,
              (gsize) (self->n_used - n_used) * FS_N_PHASES * sizeof (guint32));
    }

  self->n_used = n_used;
  self->bin_us *= 2;
}

/* A transfer that started before the first one to end: move t0 back by
 * whole bins (merging first if they would not fit), so no time is lost. */
static void
extend_back (FsSwimlane *self,
             gint64      t)
{
  gint64 shift;

  g_assert (t < self->t0);

  for (;;)
    {
      shift = (self->t0 - t + self->bin_us - 1) / self->bin_us;
      if ((guint64) self->n_used + (guint64) shift <= self->n_bins)
        break;
      halve_resolution (self);
    }

  for (guint r = 0; r < self->n_rows; r++)
    {
      guint32 *cells = self->rows[r].cells;

      memmove (&cells[shift * FS_N_PHASES], cells,
               (gsize) self->n_used * FS_N_PHASES * sizeof (guint32));
      memset (cells, 0, (gsize) shift * FS_N_PHASES * sizeof (guint32));
    }

  self->t0 -= shift * self->bin_us;
  self->n_used += (guint) shift;
}

static void
anchor (FsSwimlane *self,
        gint64      t)
{
  if (!self->anchored)
    {
      self->t0 = t;
      self->anchored = TRUE;
    }
}

/* Makes bins for [a, b), b > a. */
static void
cover (FsSwimlane *self,
       gint64      a,
       gint64      b)
{
  guint last;

  g_assert (b > a);

  anchor (self, a);
  if (a < self->t0)
    extend_back (self, a);

  while ((b - 1 - self->t0) / self->bin_us >= self->n_bins)
    halve_resolution (self);

  last = (guint) ((b - 1 - self->t0) / self->bin_us);
  self->n_used = MAX (self->n_used, last + 1);
}

static void
add_interval (FsSwimlane *self,
              Row        *row,
              FsPhase     phase,
              gint64      a,
              gint64      b)
{
  guint first = (guint) ((a - self->t0) / self->bin_us);
  guint last = (guint) ((b - 1 - self->t0) / self->bin_us);

  g_assert (a >= self->t0);
  g_assert (last < self->n_used);

  for (guint bin = first; bin <= last; bin++)
    {
      gint64 lo = MAX (a, self->t0 + (gint64) bin * self->bin_us);
      gint64 hi = MIN (b, self->t0 + (gint64) (bin + 1) * self->bin_us);
      guint32 *cell = &row->cells[bin * FS_N_PHASES + phase];

      *cell = add_saturated (*cell, (guint64) (hi - lo));
    }
}

/* Returns the row for @key, creating it, or the last row once they are all
 * taken. */
static guint
get_row (FsSwimlane   *self,
         const RowKey *key,
         guint         parent_row)
{
  gpointer position;
  Row *row;

  if (g_hash_table_lookup_extended (self->row_index, key, NULL, &position))
    return GPOINTER_TO_UINT (position) - 1;

  if (self->n_rows == FS_SWIMLANE_MAX_ROWS)
    {
      self->rows[self->n_rows - 1].info.folded = TRUE;
      return self->n_rows - 1;
    }

  row = &self->rows[self->n_rows];
  row->info.lane.index = key->index;
  row->info.lane.slot = key->slot == EXECUTOR_SLOT ? 0 : key->slot;
  row->info.lane.pid = key->pid;
  row->info.lane.tid = key->tid;
  row->info.parent_row = parent_row;
  row->cells = g_new0 (guint32, (gsize) self->n_bins * FS_N_PHASES);
  g_hash_table_insert (self->row_index, g_memdup2 (key, sizeof *key),
                       GUINT_TO_POINTER (self->n_rows + 1));

  return self->n_rows++;
}

static gboolean
is_loop_record (const FsEvent *event)
{
  return event->strategy == FS_STRATEGY_LOOP ||
         event->route == FS_ROUTE_LOOP ||
         event->lane.slot > 0;
}

/* The executor turned out to be a loop: what it did so far was one slot's
 * work (a slot above 0 would have told us sooner), so it moves to slot 0,
 * and the loop's row keeps only the CPU and GIL phases, as for any loop. */
static void
become_loop (FsSwimlane *self,
             guint       exec_row,
             const RowKey *exec_key)
{
  RowKey key = *exec_key;
  guint slot_row;
  guint32 *cells;

  self->rows[exec_row].info.is_loop = TRUE;

  key.slot = 0;
  slot_row = get_row (self, &key, exec_row);
  if (slot_row == exec_row || self->rows[slot_row].info.folded)
    return;

  cells = self->rows[exec_row].cells;
  memcpy (self->rows[slot_row].cells, cells,
          (gsize) self->n_used * FS_N_PHASES * sizeof (guint32));
  for (guint bin = 0; bin < self->n_used; bin++)
    {
      cells[bin * FS_N_PHASES + FS_PHASE_CONNECTING] = 0;
      cells[bin * FS_N_PHASES + FS_PHASE_WAITING] = 0;
      cells[bin * FS_N_PHASES + FS_PHASE_RECEIVING] = 0;
    }
}

static guint
get_intervals (const FsEvent *event,
               Interval       intervals[FS_N_PHASES])
{
  guint n = 0;
  gint64 connected;

  if (event->t_started > 0)
    {
      connected = MAX (event->t_started, MAX (event->t_dns, MAX (event->t_connect, event->t_tls)));
      intervals[n++] = (Interval) { FS_PHASE_CONNECTING, event->t_started, connected };

      if (event->t_first_byte > 0)
        {
          intervals[n++] = (Interval) { FS_PHASE_WAITING, connected, event->t_first_byte };
          if (event->t_done > 0)
            intervals[n++] = (Interval) { FS_PHASE_RECEIVING, event->t_first_byte, event->t_done };
        }
      else if (event->t_done > 0)
        {
          intervals[n++] = (Interval) { FS_PHASE_WAITING, connected, event->t_done };
        }
    }

  if (event->t_cpu_start > 0 && event->t_cpu_end > 0)
    {
      gint64 gil_end = MIN (event->t_cpu_start + MAX (event->gil_wait_us, 0), event->t_cpu_end);

      intervals[n++] = (Interval) { FS_PHASE_GIL, event->t_cpu_start, gil_end };
      intervals[n++] = (Interval) { FS_PHASE_CPU, gil_end, event->t_cpu_end };
    }

  g_assert (n <= FS_N_PHASES);

  return n;
}

static void
add_terminal (FsSwimlane    *self,
              const FsEvent *event)
{
  Interval intervals[FS_N_PHASES];
  guint n_all;
  guint n = 0;
  gint64 a = G_MAXINT64;
  gint64 b = G_MININT64;
  RowKey key = { event->lane.pid, event->lane.tid, event->lane.index, EXECUTOR_SLOT };
  guint exec_row;
  guint slot_row;

  n_all = get_intervals (event, intervals);
  for (guint i = 0; i < n_all; i++)
    {
      if (intervals[i].b <= intervals[i].a)
        continue;
      intervals[n++] = intervals[i];
      a = MIN (a, intervals[i].a);
      b = MAX (b, intervals[i].b);
    }

  if (n == 0)
    return;

  cover (self, a, b);

  exec_row = get_row (self, &key, G_MAXUINT);
  slot_row = exec_row;
  if (!self->rows[exec_row].info.folded)
    {
      if (is_loop_record (event) && !self->rows[exec_row].info.is_loop)
        become_loop (self, exec_row, &key);

      if (self->rows[exec_row].info.is_loop)
        {
          key.slot = event->lane.slot;
          slot_row = get_row (self, &key, exec_row);
        }
    }

  for (guint i = 0; i < n; i++)
    {
      add_interval (self, &self->rows[slot_row], intervals[i].phase, intervals[i].a,
                    intervals[i].b);

      if (slot_row != exec_row &&
          (intervals[i].phase == FS_PHASE_CPU || intervals[i].phase == FS_PHASE_GIL))
        add_interval (self, &self->rows[exec_row], intervals[i].phase,
                      intervals[i].a, intervals[i].b);
    }
}

void
fs_swimlane_add (FsSwimlane    *self,
                 const FsEvent *event)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);

  switch ((FsEventKind) event->kind)
    {
    case FS_EVENT_START:
      /* Starts come first: anchoring on them saves moving t0 back later. */
      if (event->t_started > 0)
        anchor (self, event->t_started);
      break;

    case FS_EVENT_TERMINAL:
      add_terminal (self, event);
      break;

    case FS_EVENT_SAMPLE:
      break;

    default:
      g_return_if_reached ();
    }
}

void
fs_swimlane_add_many (FsSwimlane    *self,
                      const FsEvent *events,
                      guint          n_events)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (events != NULL || n_events == 0);

  for (guint i = 0; i < n_events; i++)
    fs_swimlane_add (self, &events[i]);
}

gint64
fs_swimlane_get_t0 (FsSwimlane *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->t0;
}

gint64
fs_swimlane_get_bin_us (FsSwimlane *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->bin_us;
}

guint
fs_swimlane_get_n_bins (FsSwimlane *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_used;
}

guint
fs_swimlane_get_n_rows (FsSwimlane *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

const FsSwimlaneRow *
fs_swimlane_get_row (FsSwimlane *self,
                     guint       row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);

  return &self->rows[row].info;
}

guint32
fs_swimlane_get_phase_us (FsSwimlane *self,
                          guint       row,
                          guint       bin,
                          FsPhase     phase)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (phase < FS_N_PHASES, 0);

  if (row >= self->n_rows || bin >= self->n_used)
    return 0;

  return self->rows[row].cells[bin * FS_N_PHASES + phase];
}

/**
 * fs_swimlane_get_row_cells:
 *
 * Returns: (transfer none): the row's cells, or %NULL for a row past the end
 */
const guint32 *
fs_swimlane_get_row_cells (FsSwimlane *self,
                           guint       row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);

  return self->rows[row].cells;
}

const char *
fs_phase_to_string (FsPhase phase)
{
  static const char * const names[FS_N_PHASES] = {
    "connecting", "waiting", "receiving", "cpu", "gil",
  };

  g_return_val_if_fail (phase < FS_N_PHASES, "unknown");

  return names[phase];
}

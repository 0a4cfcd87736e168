/* fs-swimlane.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-error.h"
#include "fs-json-private.h"
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

/* Copies and saved state */

static gboolean
index_rows (FsSwimlane  *self,
            GError     **error)
{
  g_hash_table_remove_all (self->row_index);

  for (guint r = 0; r < self->n_rows; r++)
    {
      const FsSwimlaneRow *info = &self->rows[r].info;
      RowKey key = {
        info->lane.pid, info->lane.tid, info->lane.index,
        info->parent_row == G_MAXUINT ? EXECUTOR_SLOT : info->lane.slot,
      };

      if (g_hash_table_contains (self->row_index, &key))
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       "row %u is a lane that has a row already", r);
          return FALSE;
        }
      g_hash_table_insert (self->row_index, g_memdup2 (&key, sizeof key),
                           GUINT_TO_POINTER (r + 1));
    }

  return TRUE;
}

/**
 * fs_swimlane_copy:
 *
 * Returns: (transfer full): a swimlane with the same rows and cells
 */
FsSwimlane *
fs_swimlane_copy (FsSwimlane *self)
{
  FsSwimlane *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = fs_swimlane_new (self->bin_us, self->n_bins);
  copy->n_used = self->n_used;
  copy->t0 = self->t0;
  copy->anchored = self->anchored;
  copy->n_rows = self->n_rows;
  for (guint r = 0; r < self->n_rows; r++)
    {
      copy->rows[r].info = self->rows[r].info;
      copy->rows[r].cells = g_memdup2 (self->rows[r].cells,
                                       (gsize) self->n_bins * FS_N_PHASES * sizeof (guint32));
    }
  index_rows (copy, NULL);

  return copy;
}

/**
 * fs_swimlane_to_json:
 *
 * Returns: (transfer full): the swimlane's whole state
 */
JsonNode *
fs_swimlane_to_json (FsSwimlane *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  _fs_json_add_int (b, "n_bins", self->n_bins);
  _fs_json_add_int (b, "bin_us", self->bin_us);
  _fs_json_add_int (b, "n_used", self->n_used);
  _fs_json_add_int (b, "t0", self->t0);
  _fs_json_add_boolean (b, "anchored", self->anchored);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint r = 0; r < self->n_rows; r++)
    {
      const FsSwimlaneRow *info = &self->rows[r].info;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "lane");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, info->lane.index);
      json_builder_add_int_value (b, info->lane.slot);
      json_builder_add_int_value (b, info->lane.pid);
      json_builder_add_int_value (b, info->lane.tid);
      json_builder_end_array (b);
      _fs_json_add_int (b, "parent_row",
                        info->parent_row == G_MAXUINT ? -1 : (gint64) info->parent_row);
      _fs_json_add_boolean (b, "is_loop", info->is_loop);
      _fs_json_add_boolean (b, "folded", info->folded);
      _fs_json_add_uint32s (b, "cells", self->rows[r].cells, (gsize) self->n_used * FS_N_PHASES);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
read_row (FsSwimlane  *self,
          JsonObject  *object,
          guint        r,
          GError     **error)
{
  Row *row = &self->rows[r];
  JsonArray *lane;
  gint64 index, slot, pid, tid, parent;

  if (!_fs_json_get_array (object, "lane", &lane, error) ||
      !_fs_json_array_get_int (lane, 0, 0, G_MAXUINT32, &index, error) ||
      !_fs_json_array_get_int (lane, 1, 0, G_MAXUINT32 - 1, &slot, error) ||
      !_fs_json_array_get_int (lane, 2, G_MININT32, G_MAXINT32, &pid, error) ||
      !_fs_json_array_get_int (lane, 3, G_MININT32, G_MAXINT32, &tid, error) ||
      !_fs_json_get_int (object, "parent_row", -1, (gint64) r - 1, &parent, error) ||
      !_fs_json_get_boolean (object, "is_loop", &row->info.is_loop, error) ||
      !_fs_json_get_boolean (object, "folded", &row->info.folded, error))
    return FALSE;

  row->info.lane.index = (guint32) index;
  row->info.lane.slot = (guint32) slot;
  row->info.lane.pid = (gint32) pid;
  row->info.lane.tid = (gint32) tid;
  row->info.parent_row = parent < 0 ? G_MAXUINT : (guint) parent;
  row->cells = g_new0 (guint32, (gsize) self->n_bins * FS_N_PHASES);

  /* A slot row hangs under a loop's executor row, which came first. */
  if (parent >= 0 && (self->rows[parent].info.parent_row != G_MAXUINT ||
                      !self->rows[parent].info.is_loop))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   "its parent, row %" G_GINT64_FORMAT ", is not a loop", parent);
      return FALSE;
    }

  return _fs_json_get_uint32s (object, "cells", row->cells, (gsize) self->n_used * FS_N_PHASES,
                               error);
}

/**
 * fs_swimlane_new_from_json:
 *
 * Returns: (transfer full) (nullable): the swimlane @node describes, or
 *   %NULL with @error set
 */
FsSwimlane *
fs_swimlane_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(FsSwimlane) self = NULL;
  JsonObject *object;
  JsonArray *rows;
  gint64 n_bins, bin_us, n_used, t0;
  gboolean anchored;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fs_json_node_get_object (node, "the swimlanes", &object, error) ||
      !_fs_json_get_int (object, "n_bins", 2, 1 << 20, &n_bins, error) ||
      !_fs_json_get_int (object, "bin_us", 1, G_MAXINT64 / 4 / (1 << 20), &bin_us, error) ||
      !_fs_json_get_int (object, "n_used", 0, n_bins, &n_used, error) ||
      !_fs_json_get_int (object, "t0", G_MININT64 / 4, G_MAXINT64 / 4, &t0, error) ||
      !_fs_json_get_boolean (object, "anchored", &anchored, error) ||
      !_fs_json_get_array (object, "rows", &rows, error))
    goto fail;

  if (json_array_get_length (rows) > FS_SWIMLANE_MAX_ROWS)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, "there are more than %d rows",
                   FS_SWIMLANE_MAX_ROWS);
      goto fail;
    }

  self = fs_swimlane_new (bin_us, (guint) n_bins);
  self->n_used = (guint) n_used;
  self->t0 = t0;
  self->anchored = anchored;

  for (guint r = 0; r < json_array_get_length (rows); r++)
    {
      JsonObject *row;
      g_autofree char *what = g_strdup_printf ("row %u", r);

      self->n_rows++;
      if (!_fs_json_node_get_object (json_array_get_element (rows, r), what, &row, error) ||
          !read_row (self, row, r, error))
        {
          g_prefix_error (error, "row %u: ", r);
          goto fail;
        }
    }

  if (!index_rows (self, error))
    goto fail;

  return g_steal_pointer (&self);

fail:
  g_prefix_error (error, "swimlanes: ");
  return NULL;
}

/* fs-record-log.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-record-log.h"

/* 64 KiB a chunk: the log grows without copying what it holds. */
#define CHUNK_RECORDS 1024
#define NO_TIME       G_MININT32
#define STARTED_LIMIT (G_GINT64_CONSTANT (1) << 48)

typedef struct
{
  guint32 started_lo;
  guint16 started_hi;   /* t_started, 48 bits */
  guint16 lane;         /* index in lanes */
  guint32 job_id;       /* when whole: the index in the log's whole events */
  guint32 url_index;
  /* µs after t_started, or NO_TIME for 0 ("did not happen") */
  gint32  queued;
  gint32  dns;
  gint32  connect;
  gint32  tls;
  gint32  first_byte;
  gint32  done;
  gint32  cpu_start;
  gint32  cpu_end;
  guint32 gil_wait_us;
  guint32 bytes;
  guint16 http_status;
  gint16  curl_code;
  guint8  url_class;    /* 0 for NULL, else the index in classes + 1 */
  guint8  outcome  : 4;
  guint8  strategy : 4;
  guint8  route        : 2;
  guint8  route_reason : 5;
  guint8  whole        : 1;
  guint8  _pad;
} Record;

G_STATIC_ASSERT (sizeof (Record) == 64);
G_STATIC_ASSERT (FS_N_OUTCOMES <= 16);
G_STATIC_ASSERT (FS_N_STRATEGIES <= 16);
G_STATIC_ASSERT (FS_N_ROUTES <= 4);

struct _FsRecordLog
{
  GPtrArray  *chunks;       /* Record[CHUNK_RECORDS] each */
  guint       length;
  GArray     *whole;        /* FsEvent: the records that do not fit a Record */
  GPtrArray  *lanes;        /* FsLane *, owned */
  GHashTable *lane_index;   /* FsLane * → index + 1 */
  GPtrArray  *classes;      /* interned strings */
  GHashTable *class_index;  /* interned string → index + 1 */
};

static guint
lane_hash (gconstpointer key)
{
  const FsLane *lane = key;

  return lane->index * 2654435761u ^ lane->slot * 40503u ^ (guint) lane->pid * 31u ^ (guint) lane->tid;
}

static gboolean
lane_equal (gconstpointer a,
            gconstpointer b)
{
  const FsLane *x = a;
  const FsLane *y = b;

  return x->index == y->index && x->slot == y->slot && x->pid == y->pid && x->tid == y->tid;
}

/**
 * fs_record_log_new:
 *
 * Returns: (transfer full): an empty log
 */
FsRecordLog *
fs_record_log_new (void)
{
  FsRecordLog *self = g_atomic_rc_box_new0 (FsRecordLog);

  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->whole = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  self->lanes = g_ptr_array_new_with_free_func (g_free);
  self->lane_index = g_hash_table_new (lane_hash, lane_equal);
  self->classes = g_ptr_array_new ();
  self->class_index = g_hash_table_new (NULL, NULL);

  return self;
}

FsRecordLog *
fs_record_log_ref (FsRecordLog *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
fs_record_log_clear (FsRecordLog *self)
{
  g_ptr_array_unref (self->chunks);
  g_array_unref (self->whole);
  g_hash_table_unref (self->lane_index);
  g_ptr_array_unref (self->lanes);
  g_hash_table_unref (self->class_index);
  g_ptr_array_unref (self->classes);
}

void
fs_record_log_unref (FsRecordLog *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) fs_record_log_clear);
}

static gboolean
pack_time (gint64  t,
           gint64  started,
           gint32 *out)
{
  /* started is in [0, 2^48): neither bound overflows */
  if (t == 0)
    *out = NO_TIME;
  else if (t > started + NO_TIME && t <= started + G_MAXINT32)
    *out = (gint32) (t - started);
  else
    return FALSE;

  return TRUE;
}

static gint64
unpack_time (gint32 offset,
             gint64 started)
{
  return offset == NO_TIME ? 0 : started + offset;
}

static gboolean
find_lane (FsRecordLog  *self,
           const FsLane *lane,
           guint16      *out)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->lane_index, lane));

  if (index == 0)
    {
      if (self->lanes->len > G_MAXUINT16)
        return FALSE;
      g_ptr_array_add (self->lanes, g_memdup2 (lane, sizeof *lane));
      index = self->lanes->len;
      g_hash_table_insert (self->lane_index, self->lanes->pdata[index - 1], GUINT_TO_POINTER (index));
    }
  *out = index - 1;

  return TRUE;
}

static gboolean
find_class (FsRecordLog *self,
            const char  *url_class,
            guint8      *out)
{
  guint index;

  if (url_class == NULL)
    {
      *out = 0;
      return TRUE;
    }

  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->class_index, url_class));
  if (index == 0)
    {
      if (self->classes->len >= G_MAXUINT8)
        return FALSE;
      g_ptr_array_add (self->classes, (gpointer) url_class);
      index = self->classes->len;
      g_hash_table_insert (self->class_index, (gpointer) url_class, GUINT_TO_POINTER (index));
    }
  *out = index;

  return TRUE;
}

static gboolean
pack (FsRecordLog   *self,
      const FsEvent *e,
      Record        *r)
{
  static const FsSample no_sample = { 0, };
  gint64 started = e->t_started;

  if (e->error[0] != '\0' ||
      memcmp (&e->sample, &no_sample, sizeof no_sample) != 0 ||
      started < 0 || started >= STARTED_LIMIT ||
      e->job_id > G_MAXUINT32 || e->url_index > G_MAXUINT32 ||
      e->gil_wait_us < 0 || e->gil_wait_us > G_MAXUINT32 ||
      e->bytes > G_MAXUINT32 ||
      e->outcome >= 16 || e->strategy >= 16 || e->route >= 4 || e->route_reason >= 32)
    return FALSE;

  if (!pack_time (e->t_queued, started, &r->queued) ||
      !pack_time (e->t_dns, started, &r->dns) ||
      !pack_time (e->t_connect, started, &r->connect) ||
      !pack_time (e->t_tls, started, &r->tls) ||
      !pack_time (e->t_first_byte, started, &r->first_byte) ||
      !pack_time (e->t_done, started, &r->done) ||
      !pack_time (e->t_cpu_start, started, &r->cpu_start) ||
      !pack_time (e->t_cpu_end, started, &r->cpu_end))
    return FALSE;

  /* Tables last: a record that goes whole for its values adds nothing to them. */
  if (!find_lane (self, &e->lane, &r->lane) ||
      !find_class (self, e->url_class, &r->url_class))
    return FALSE;

  r->started_lo = (guint32) started;
  r->started_hi = (guint16) (started >> 32);
  r->job_id = e->job_id;
  r->url_index = e->url_index;
  r->gil_wait_us = e->gil_wait_us;
  r->bytes = e->bytes;
  r->http_status = e->http_status;
  r->curl_code = e->curl_code;
  r->outcome = e->outcome;
  r->strategy = e->strategy;
  r->route = e->route;
  r->route_reason = e->route_reason;

  return TRUE;
}

static Record *
record_at (FsRecordLog *self,
           guint        index)
{
  Record *chunk = g_ptr_array_index (self->chunks, index / CHUNK_RECORDS);

  return &chunk[index % CHUNK_RECORDS];
}

/**
 * fs_record_log_add:
 * @event: a terminal record
 *
 * Appends a copy of @event.
 */
void
fs_record_log_add (FsRecordLog   *self,
                   const FsEvent *event)
{
  Record *r;

  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (event->kind == FS_EVENT_TERMINAL);
  g_return_if_fail (self->length < G_MAXUINT);

  if (self->length == self->chunks->len * CHUNK_RECORDS)
    g_ptr_array_add (self->chunks, g_new (Record, CHUNK_RECORDS));

  r = record_at (self, self->length);
  memset (r, 0, sizeof *r);
  if (!pack (self, event, r))
    {
      memset (r, 0, sizeof *r);
      r->whole = TRUE;
      r->job_id = self->whole->len;
      g_array_append_vals (self->whole, event, 1);
    }
  self->length++;
}

guint
fs_record_log_get_length (FsRecordLog *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->length;
}

/**
 * fs_record_log_get:
 * @index: less than fs_record_log_get_length()
 * @event: (out caller-allocates): the record as it was added
 */
void
fs_record_log_get (FsRecordLog *self,
                   guint        index,
                   FsEvent     *event)
{
  const Record *r;
  gint64 started;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->length);
  g_return_if_fail (event != NULL);

  r = record_at (self, index);
  if (r->whole)
    {
      *event = g_array_index (self->whole, FsEvent, r->job_id);
      return;
    }

  started = (gint64) r->started_hi << 32 | r->started_lo;

  memset (event, 0, sizeof *event);
  event->kind = FS_EVENT_TERMINAL;
  event->outcome = r->outcome;
  event->strategy = r->strategy;
  event->route = r->route;
  event->route_reason = r->route_reason;
  event->http_status = r->http_status;
  event->curl_code = r->curl_code;
  event->job_id = r->job_id;
  event->url_index = r->url_index;
  event->url_class = r->url_class > 0 ? g_ptr_array_index (self->classes, r->url_class - 1) : NULL;
  event->lane = *(const FsLane *) g_ptr_array_index (self->lanes, r->lane);
  event->t_queued = unpack_time (r->queued, started);
  event->t_started = started;
  event->t_dns = unpack_time (r->dns, started);
  event->t_connect = unpack_time (r->connect, started);
  event->t_tls = unpack_time (r->tls, started);
  event->t_first_byte = unpack_time (r->first_byte, started);
  event->t_done = unpack_time (r->done, started);
  event->t_cpu_start = unpack_time (r->cpu_start, started);
  event->t_cpu_end = unpack_time (r->cpu_end, started);
  event->gil_wait_us = r->gil_wait_us;
  event->bytes = r->bytes;
}

/**
 * fs_record_log_get_size:
 *
 * Returns: the bytes the log holds, its tables included
 */
gsize
fs_record_log_get_size (FsRecordLog *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return sizeof *self +
         (gsize) self->chunks->len * CHUNK_RECORDS * sizeof (Record) +
         (gsize) self->whole->len * sizeof (FsEvent) +
         (gsize) self->lanes->len * sizeof (FsLane) +
         (gsize) self->classes->len * sizeof (gpointer);
}

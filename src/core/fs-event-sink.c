/* fs-event-sink.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-event-sink.h"

#define DEFAULT_MAX_BATCH 4096

/* Producers append to @incoming under @mutex. The consumer swaps it with its
 * own, empty, @draining array in O(1) and delivers from that without holding
 * the lock, so a producer waits at most for one memcpy, never for the
 * consumer's aggregation or drawing. Swaps are at least @interval_us apart:
 * waking another thread's context costs an eventfd write and a poll round,
 * too much to pay per record at 50,000 records a second. */
/* Allocated with g_atomic_rc_box_new0(): GLib does the reference counting. */
struct _FsEventSink
{
  GMutex           mutex;
  GArray          *incoming;
  guint64          pushed;
  gint64           next_swap;   /* earliest time the consumer takes a batch */
  gint64           interval_us;

  /* Set before any producer runs, then read-only */
  FsEventSinkFunc  observer;
  gpointer         observer_data;

  /* Consumer context only */
  GArray          *draining;
  guint            drain_pos;
  guint64          delivered;
  guint            max_batch;
  GSource         *source;
  FsEventSinkFunc  func;
  gpointer         user_data;
  GDestroyNotify   destroy;
};

typedef struct
{
  GSource      parent;
  FsEventSink *sink;   /* borrowed: the sink destroys the source first */
} SinkSource;

static gboolean
deliver (FsEventSink *self,
         guint        max_events)
{
  guint n;

  g_assert (self != NULL);

  if (self->drain_pos >= self->draining->len)
    {
      GArray *swap;

      g_array_set_size (self->draining, 0);
      self->drain_pos = 0;

      g_mutex_lock (&self->mutex);
      swap = self->incoming;
      self->incoming = self->draining;
      self->draining = swap;
      self->next_swap = g_get_monotonic_time () + self->interval_us;
      g_mutex_unlock (&self->mutex);

      if (self->draining->len == 0)
        return FALSE;
    }

  n = MIN (max_events, self->draining->len - self->drain_pos);
  self->func (&g_array_index (self->draining, FsEvent, self->drain_pos), n, self->user_data);
  self->drain_pos += n;
  self->delivered += n;

  return TRUE;
}

static gboolean
sink_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  FsEventSink *self = ((SinkSource *) source)->sink;

  /* Reset before looking, so a push racing with us re-arms the source. */
  g_source_set_ready_time (source, -1);

  if (deliver (self, self->max_batch) &&
      self->drain_pos < self->draining->len)
    g_source_set_ready_time (source, 0);
  else
    {
      g_mutex_lock (&self->mutex);
      if (self->incoming->len > 0)
        g_source_set_ready_time (source, self->next_swap);
      g_mutex_unlock (&self->mutex);
    }

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs sink_source_funcs = {
  .dispatch = sink_source_dispatch,
};

/**
 * fs_event_sink_new:
 * @context: (nullable): the consumer context, or %NULL for the thread default
 * @max_batch: most records per call of @func, or 0 for the default
 * @func: called on @context with batches of records
 *
 * Returns: (transfer full): a new sink
 */
FsEventSink *
fs_event_sink_new (GMainContext    *context,
                   guint            max_batch,
                   FsEventSinkFunc  func,
                   gpointer         user_data,
                   GDestroyNotify   destroy)
{
  FsEventSink *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_atomic_rc_box_new0 (FsEventSink);
  g_mutex_init (&self->mutex);
  self->incoming = g_array_sized_new (FALSE, FALSE, sizeof (FsEvent), 1024);
  self->draining = g_array_sized_new (FALSE, FALSE, sizeof (FsEvent), 1024);
  self->max_batch = max_batch ? max_batch : DEFAULT_MAX_BATCH;
  self->interval_us = FS_EVENT_SINK_DEFAULT_INTERVAL_US;
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;

  self->source = g_source_new (&sink_source_funcs, sizeof (SinkSource));
  ((SinkSource *) self->source)->sink = self;
  g_source_set_static_name (self->source, "[fetchscope] event sink");
  g_source_set_priority (self->source, G_PRIORITY_LOW);
  g_source_set_ready_time (self->source, -1);
  g_source_attach (self->source,
                   context ? context : g_main_context_get_thread_default ());

  return self;
}

FsEventSink *
fs_event_sink_ref (FsEventSink *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
fs_event_sink_clear (FsEventSink *self)
{
  g_source_destroy (self->source);
  g_source_unref (self->source);
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_array_unref (self->incoming);
  g_array_unref (self->draining);
  g_mutex_clear (&self->mutex);
}

void
fs_event_sink_unref (FsEventSink *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) fs_event_sink_clear);
}

/**
 * fs_event_sink_push_many:
 *
 * Copies @events into the sink. Callable from any thread; never blocks on
 * the consumer.
 */
void
fs_event_sink_push_many (FsEventSink   *self,
                         const FsEvent *events,
                         guint          n_events)
{
  gboolean was_empty;
  gint64 ready_time;

  g_return_if_fail (self != NULL);
  g_return_if_fail (events != NULL || n_events == 0);

  if (n_events == 0)
    return;

  if (self->observer != NULL)
    self->observer (events, n_events, self->observer_data);

  g_mutex_lock (&self->mutex);
  was_empty = self->incoming->len == 0;
  g_array_append_vals (self->incoming, events, n_events);
  self->pushed += n_events;
  ready_time = self->next_swap;
  g_mutex_unlock (&self->mutex);

  if (was_empty)
    g_source_set_ready_time (self->source, ready_time);
}

void
fs_event_sink_push (FsEventSink   *self,
                    const FsEvent *event)
{
  fs_event_sink_push_many (self, event, 1);
}

/**
 * fs_event_sink_drain:
 *
 * Delivers everything pushed so far, now, on the calling thread, which must
 * own the consumer context. Used at the end of a run.
 */
void
fs_event_sink_drain (FsEventSink *self)
{
  g_return_if_fail (self != NULL);

  while (deliver (self, self->max_batch))
    ;
}

guint64
fs_event_sink_get_pushed (FsEventSink *self)
{
  guint64 pushed;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  pushed = self->pushed;
  g_mutex_unlock (&self->mutex);

  return pushed;
}

guint64
fs_event_sink_get_delivered (FsEventSink *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->delivered;
}

/**
 * fs_event_sink_set_interval:
 * @interval_us: least time between two batches taken by the consumer;
 *   0 delivers as soon as the consumer context runs
 *
 * Bounds the consumer's wakeups, and so how late a record may be seen.
 */
void
fs_event_sink_set_interval (FsEventSink *self,
                            gint64       interval_us)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (interval_us >= 0);

  g_mutex_lock (&self->mutex);
  self->interval_us = interval_us;
  self->next_swap = 0;
  g_mutex_unlock (&self->mutex);
}

void
fs_event_sink_set_priority (FsEventSink *self,
                            int          priority)
{
  g_return_if_fail (self != NULL);

  g_source_set_priority (self->source, priority);
}

/**
 * fs_event_sink_set_observer:
 * @func: (nullable): called on each producer's thread with every batch it
 *   pushes, before the batch is queued; it must not push to this sink
 *
 * Set it before any producer runs.
 */
void
fs_event_sink_set_observer (FsEventSink     *self,
                            FsEventSinkFunc  func,
                            gpointer         user_data)
{
  g_return_if_fail (self != NULL);

  self->observer = func;
  self->observer_data = user_data;
}

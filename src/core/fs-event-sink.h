/* fs-event-sink.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Carries records from any number of producer threads to one consumer
 * GMainContext. Producers only append under a short lock and never wait on
 * the consumer; the consumer drains in bounded batches from a GSource woken
 * by ready-time. Nothing is ever dropped, and records from one producer
 * arrive in the order it pushed them.
 *
 * An observer, if set, sees every batch on the producer's thread as it is
 * pushed: crawl mode counts terminal records there, so it learns that a job
 * ended without waiting for the consumer.
 *
 * Threading: fs_event_sink_push() from any thread; everything else from the
 * thread that owns the consumer context. Set the observer before any
 * producer runs; it is called from every producer thread.
 */

#pragma once

#include <glib.h>

#include "fs-event.h"

G_BEGIN_DECLS

/* A record waits at most this long (plus the consumer's own work). */
#define FS_EVENT_SINK_DEFAULT_INTERVAL_US (10 * 1000)

typedef void (*FsEventSinkFunc) (const FsEvent *events,
                                 guint          n_events,
                                 gpointer       user_data);

FsEventSink *fs_event_sink_new          (GMainContext   *context,
                                         guint           max_batch,
                                         FsEventSinkFunc func,
                                         gpointer        user_data,
                                         GDestroyNotify  destroy);
FsEventSink *fs_event_sink_ref          (FsEventSink    *self);
void         fs_event_sink_unref        (FsEventSink    *self);
void         fs_event_sink_push         (FsEventSink    *self,
                                         const FsEvent  *event);
void         fs_event_sink_push_many    (FsEventSink    *self,
                                         const FsEvent  *events,
                                         guint           n_events);
void         fs_event_sink_drain        (FsEventSink    *self);
guint64      fs_event_sink_get_pushed   (FsEventSink    *self);
guint64      fs_event_sink_get_delivered(FsEventSink    *self);
void         fs_event_sink_set_interval (FsEventSink    *self,
                                         gint64          interval_us);
void         fs_event_sink_set_priority (FsEventSink    *self,
                                         int             priority);
void         fs_event_sink_set_observer (FsEventSink    *self,
                                         FsEventSinkFunc func,
                                         gpointer        user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsEventSink, fs_event_sink_unref)

G_END_DECLS

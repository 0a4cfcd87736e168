/* test-event-sink.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-event-sink.h"

#define N_PRODUCERS 4
#define N_PER_PRODUCER 250000
#define MAX_BATCH 1000

typedef struct
{
  guint64 next[N_PRODUCERS];
  guint64 received;
  guint   n_batches;
  guint   largest_batch;
  gboolean out_of_order;
} Consumer;

static void
consume (const FsEvent *events,
         guint          n_events,
         gpointer       user_data)
{
  Consumer *c = user_data;

  c->n_batches++;
  c->largest_batch = MAX (c->largest_batch, n_events);

  for (guint i = 0; i < n_events; i++)
    {
      const FsEvent *e = &events[i];

      g_assert_cmpuint (e->lane.index, <, N_PRODUCERS);
      if (e->job_id != c->next[e->lane.index])
        c->out_of_order = TRUE;
      c->next[e->lane.index] = e->job_id + 1;
      c->received++;
    }
}

typedef struct
{
  FsEventSink *sink;
  guint        index;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *p = data;
  FsEvent event = { .kind = FS_EVENT_TERMINAL };

  event.lane.index = p->index;

  for (guint64 i = 0; i < N_PER_PRODUCER; i++)
    {
      event.job_id = i;
      event.bytes = i * 3;
      fs_event_sink_push (p->sink, &event);
    }

  return NULL;
}

static void
test_many_producers (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(FsEventSink) sink = NULL;
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  Consumer consumer = { 0 };
  guint joined = 0;

  g_main_context_push_thread_default (context);
  sink = fs_event_sink_new (NULL, MAX_BATCH, consume, &consumer, NULL);

  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { sink, i };
      threads[i] = g_thread_new ("producer", produce, &producers[i]);
    }

  /* Consume while they produce: the consumer sees batches, never all at once. */
  while (consumer.received < (guint64) N_PRODUCERS * N_PER_PRODUCER)
    g_main_context_iteration (context, TRUE);

  for (; joined < N_PRODUCERS; joined++)
    g_thread_join (threads[joined]);

  /* Nothing more arrives, and nothing is pending. */
  while (g_main_context_iteration (context, FALSE))
    ;

  g_assert_false (consumer.out_of_order);
  g_assert_cmpuint (consumer.received, ==, (guint64) N_PRODUCERS * N_PER_PRODUCER);
  for (guint i = 0; i < N_PRODUCERS; i++)
    g_assert_cmpuint (consumer.next[i], ==, N_PER_PRODUCER);
  g_assert_cmpuint (consumer.largest_batch, <=, MAX_BATCH);
  g_assert_cmpuint (consumer.n_batches, >=, (N_PRODUCERS * N_PER_PRODUCER) / MAX_BATCH);
  g_assert_cmpuint (fs_event_sink_get_pushed (sink), ==, consumer.received);
  g_assert_cmpuint (fs_event_sink_get_delivered (sink), ==, consumer.received);

  g_main_context_pop_thread_default (context);
}

static void
test_drain (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(FsEventSink) sink = NULL;
  Consumer consumer = { 0 };
  FsEvent events[10] = { 0 };

  sink = fs_event_sink_new (context, 3, consume, &consumer, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    events[i].job_id = i;
  fs_event_sink_push_many (sink, events, 5);
  fs_event_sink_push_many (sink, events + 5, 5);
  g_assert_cmpuint (consumer.received, ==, 0);

  /* One dispatch delivers one bounded batch. */
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (consumer.received, ==, 3);

  fs_event_sink_drain (sink);
  g_assert_cmpuint (consumer.received, ==, 10);
  g_assert_cmpuint (consumer.largest_batch, ==, 3);
  g_assert_false (consumer.out_of_order);

  /* Once drained the source sleeps. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_cmpuint (consumer.received, ==, 10);
}

static void
test_interval (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(FsEventSink) sink = NULL;
  Consumer consumer = { 0 };
  FsEvent event = { 0 };

  sink = fs_event_sink_new (context, 0, consume, &consumer, NULL);
  fs_event_sink_set_interval (sink, 10 * G_USEC_PER_SEC);

  /* The first batch goes at once; the next waits for the interval. */
  fs_event_sink_push (sink, &event);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (consumer.received, ==, 1);

  event.job_id = 1;
  fs_event_sink_push (sink, &event);
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (consumer.received, ==, 1);

  /* Draining ignores the interval: nothing is ever held back at the end. */
  fs_event_sink_drain (sink);
  g_assert_cmpuint (consumer.received, ==, 2);

  fs_event_sink_set_interval (sink, 0);
  event.job_id = 2;
  fs_event_sink_push (sink, &event);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (consumer.received, ==, 3);
  g_assert_false (consumer.out_of_order);
}

static void
destroy_cb (gpointer data)
{
  gboolean *destroyed = data;

  *destroyed = TRUE;
}

static void
noop_consume (const FsEvent *events,
              guint          n_events,
              gpointer       user_data)
{
}

static void
test_destroy_notify (void)
{
  gboolean destroyed = FALSE;
  FsEventSink *sink = fs_event_sink_new (NULL, 0, noop_consume, &destroyed, destroy_cb);
  FsEvent event = { 0 };

  fs_event_sink_push (sink, &event);
  fs_event_sink_ref (sink);
  fs_event_sink_unref (sink);
  g_assert_false (destroyed);
  fs_event_sink_unref (sink);
  g_assert_true (destroyed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/EventSink/many-producers", test_many_producers);
  g_test_add_func ("/Fetchscope/EventSink/drain", test_drain);
  g_test_add_func ("/Fetchscope/EventSink/interval", test_interval);
  g_test_add_func ("/Fetchscope/EventSink/destroy-notify", test_destroy_notify);

  return g_test_run ();
}

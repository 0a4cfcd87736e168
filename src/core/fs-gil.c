/* fs-gil.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-gil.h"

struct _FsGil
{
  GMutex          mutex;
  GCond           released;     /* the lock became free */
  GCond           switched;     /* a thread took the lock */
  gint64          interval_us;

  /* Under mutex */
  GThread        *holder;       /* the holder, or the last one once released;
                                 * only compared, never dereferenced */
  gint64          held_since;
  guint64         n_takes;      /* CPython's gil->switch_number */
  guint64         switches;     /* hand-overs forced by a drop request */
  guint           n_waiters;    /* threads blocked in take () */
  gboolean        locked;
  FsGilTraceFunc  trace_func;
  gpointer        trace_data;

  /* Set by a waiter under the mutex, but read without it by fs_gil_yield(),
   * which the holder calls every few hundred hashes. */
  gint            drop_request;
};

/**
 * fs_gil_new:
 * @switch_interval_us: how long a waiter lets the holder run before asking
 *   it to drop the lock; CPython's default is 5000
 *
 * Returns: (transfer full): a released GIL
 */
FsGil *
fs_gil_new (gint64 switch_interval_us)
{
  FsGil *self;

  g_return_val_if_fail (switch_interval_us > 0, NULL);

  self = g_new0 (FsGil, 1);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->released);
  g_cond_init (&self->switched);
  self->interval_us = switch_interval_us;

  return self;
}

void
fs_gil_free (FsGil *self)
{
  if (self == NULL)
    return;

  g_return_if_fail (!self->locked);
  g_return_if_fail (self->n_waiters == 0);

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->released);
  g_cond_clear (&self->switched);
  g_free (self);
}

gint64
fs_gil_get_switch_interval (FsGil *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->interval_us;
}

/* Mutex held. */
static void
trace (FsGil    *self,
       gboolean  taken,
       gint64    time_us)
{
  g_assert (self->holder != NULL);

  if (self->trace_func != NULL)
    self->trace_func (self->holder, taken, time_us, self->trace_data);
}

/* Mutex held; the caller is the holder. */
static void
drop (FsGil  *self,
      gint64  now)
{
  g_assert (self->locked);

  self->locked = FALSE;
  trace (self, FALSE, now);
  g_cond_signal (&self->released);
}

/* Mutex held; @thread does not hold the lock. Blocks until it does, and
 * returns whether it had to wait. Sets self->held_since to the time taken. */
static gboolean
take (FsGil   *self,
      GThread *thread)
{
  gboolean step_back;
  gboolean waited;

  g_assert (thread != NULL);
  g_assert (!self->locked || self->holder != thread);

  /* The last holder, coming back while others wait, lets one of them have
   * the lock first. After a forced drop this is CPython's FORCE_SWITCHING;
   * after a plain release it stops a thread that releases and re-acquires
   * in a loop from starving the others, since a woken waiter is always
   * slower than a thread that is already running. Every drop wakes a waiter
   * and nobody leaves the wait without taking the lock, so this ends. */
  step_back = !self->locked && self->holder == thread && self->n_waiters > 0;
  waited = step_back || self->locked;

  /* Stepping back counts as waiting, so that the thread it stepped back
   * for steps back in turn when it comes back, and the two alternate even
   * when this one is slow to wake up. */
  if (waited)
    self->n_waiters++;

  while (step_back && self->holder == thread)
    g_cond_wait (&self->switched, &self->mutex);

  if (self->locked)
    {
      guint64 seen = self->n_takes;
      gint64 deadline = g_get_monotonic_time () + self->interval_us;

      while (self->locked)
        {
          gboolean timed_out = !g_cond_wait_until (&self->released, &self->mutex, deadline);

          /* A full interval under one holder: ask it to drop the lock. If the
           * lock changed hands meanwhile, the new holder gets its own full
           * interval first, as in CPython. */
          if (timed_out && self->locked && self->n_takes == seen)
            g_atomic_int_set (&self->drop_request, 1);

          if (timed_out || self->n_takes != seen)
            {
              seen = self->n_takes;
              deadline = g_get_monotonic_time () + self->interval_us;
            }
        }
    }

  if (waited)
    self->n_waiters--;

  self->locked = TRUE;
  self->holder = thread;
  self->held_since = g_get_monotonic_time ();
  self->n_takes++;
  /* Any request was aimed at the previous holder; waiters still waiting
   * will ask again once this one has had a full interval. */
  g_atomic_int_set (&self->drop_request, 0);
  g_cond_broadcast (&self->switched);
  trace (self, TRUE, self->held_since);

  return waited;
}

/**
 * fs_gil_acquire:
 * @self: a #FsGil
 *
 * Blocks until the calling thread holds the lock. The lock is not recursive.
 *
 * Returns: how many µs the caller waited, 0 if it did not have to wait
 */
gint64
fs_gil_acquire (FsGil *self)
{
  GThread *thread = g_thread_self ();
  gboolean waited;
  gint64 start;
  gint64 end;

  g_return_val_if_fail (self != NULL, 0);

  start = g_get_monotonic_time ();
  g_mutex_lock (&self->mutex);

  if (self->locked && self->holder == thread)
    {
      g_mutex_unlock (&self->mutex);
      g_critical ("%s: the calling thread already holds the GIL", G_STRFUNC);
      return 0;
    }

  waited = take (self, thread);
  end = self->held_since;
  g_mutex_unlock (&self->mutex);

  return waited ? MAX (1, end - start) : 0;
}

void
fs_gil_release (FsGil *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);

  if (!self->locked || self->holder != g_thread_self ())
    {
      g_mutex_unlock (&self->mutex);
      g_critical ("%s: the calling thread does not hold the GIL", G_STRFUNC);
      return;
    }

  drop (self, g_get_monotonic_time ());
  g_mutex_unlock (&self->mutex);
}

/**
 * fs_gil_yield:
 * @self: a #FsGil held by the calling thread
 *
 * Called often by the holder during CPU work. If another thread has asked
 * for the lock and the caller has held it for at least the switch interval,
 * hands the lock over and blocks until it holds it again; another thread is
 * sure to have taken it in between.
 *
 * Returns: how many µs the caller was without the lock, at least 1 if it
 *   handed it over, 0 if it kept it
 */
gint64
fs_gil_yield (FsGil *self)
{
  GThread *thread;
  gint64 start;
  gint64 end;

  g_return_val_if_fail (self != NULL, 0);

  /* The common case costs one atomic read: nobody is asking. */
  if (G_LIKELY (!g_atomic_int_get (&self->drop_request)))
    return 0;

  thread = g_thread_self ();
  g_mutex_lock (&self->mutex);

  if (!self->locked || self->holder != thread)
    {
      g_mutex_unlock (&self->mutex);
      g_critical ("%s: the calling thread does not hold the GIL", G_STRFUNC);
      return 0;
    }

  start = g_get_monotonic_time ();
  if (self->n_waiters == 0 || start - self->held_since < self->interval_us)
    {
      g_mutex_unlock (&self->mutex);
      return 0;
    }

  self->switches++;
  drop (self, start);
  take (self, thread);
  end = self->held_since;
  g_mutex_unlock (&self->mutex);

  return MAX (1, end - start);
}

/**
 * fs_gil_get_switches:
 * @self: a #FsGil
 *
 * Returns: how many times a holder handed the lock over in fs_gil_yield()
 */
guint64
fs_gil_get_switches (FsGil *self)
{
  guint64 switches;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  switches = self->switches;
  g_mutex_unlock (&self->mutex);

  return switches;
}

/**
 * fs_gil_set_trace_func:
 * @self: a #FsGil
 * @func: (nullable): called each time a thread takes or drops the lock
 * @user_data: passed to @func
 *
 * For tests and diagnostics. @func runs with the GIL's internal mutex held.
 */
void
fs_gil_set_trace_func (FsGil          *self,
                       FsGilTraceFunc  func,
                       gpointer        user_data)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->trace_func = func;
  self->trace_data = user_data;
  g_mutex_unlock (&self->mutex);
}

/* fs-job-queue.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-job-queue.h"

/* A producer blocked on a full queue re-checks its cancellable this often
 * (there is one producer, the URL reader, and it blocks only when ahead). */
#define PUSH_POLL_US (50 * 1000)

/* Allocated with g_atomic_rc_box_new0(): GLib does the reference counting. */
struct _FsJobQueue
{
  GMutex           mutex;
  GCond            not_empty;
  GCond            not_full;
  GQueue           jobs;
  GPtrArray       *wakers;
  guint            capacity;
  guint            low_water;   /* a blocked producer resumes below this */
  guint            n_blocked;
  guint            n_waiting;   /* consumers blocked in fs_job_queue_pop() */
  guint64          next_id;
  guint64          pushed;
  guint            closed : 1;

  /* Set before any engine runs, then read-only */
  FsJobLinksFunc   links_func;
  gpointer         links_data;
  GDestroyNotify   links_destroy;
};

FsJob *
fs_job_new (guint64     url_index,
            const char *url,
            const char *url_class)
{
  FsJob *job;

  g_return_val_if_fail (url != NULL, NULL);

  job = g_new0 (FsJob, 1);
  job->url_index = url_index;
  job->url = g_strdup (url);
  job->url_class = url_class ? g_intern_string (url_class) : NULL;

  return job;
}

void
fs_job_free (FsJob *job)
{
  if (job == NULL)
    return;

  g_free (job->url);
  g_free (job);
}

/**
 * fs_job_queue_new:
 * @capacity: how many jobs may wait at once, or 0 for no limit
 *
 * Returns: (transfer full): a new queue
 */
FsJobQueue *
fs_job_queue_new (guint capacity)
{
  FsJobQueue *self = g_atomic_rc_box_new0 (FsJobQueue);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->not_empty);
  g_cond_init (&self->not_full);
  g_queue_init (&self->jobs);
  self->wakers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->capacity = capacity;
  self->low_water = capacity / 2;
  self->next_id = 1;

  return self;
}

FsJobQueue *
fs_job_queue_ref (FsJobQueue *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
fs_job_queue_clear (FsJobQueue *self)
{
  g_queue_clear_full (&self->jobs, (GDestroyNotify) fs_job_free);
  if (self->links_destroy != NULL)
    self->links_destroy (self->links_data);
  g_ptr_array_unref (self->wakers);
  g_cond_clear (&self->not_empty);
  g_cond_clear (&self->not_full);
  g_mutex_clear (&self->mutex);
}

void
fs_job_queue_unref (FsJobQueue *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) fs_job_queue_clear);
}

static void
wake_locked (FsJobQueue *self)
{
  for (guint i = 0; i < self->wakers->len; i++)
    g_source_set_ready_time (g_ptr_array_index (self->wakers, i), 0);
}

/**
 * fs_job_queue_push:
 * @job: (transfer full): the job; a new job (id 0) gets its id and queue
 *   time here
 *
 * Blocks while the queue is at capacity. Returns %FALSE, and frees @job,
 * if the queue was closed or @cancellable fired before there was room.
 */
gboolean
fs_job_queue_push (FsJobQueue   *self,
                   FsJob        *job,
                   GCancellable *cancellable)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (job != NULL, FALSE);

  g_mutex_lock (&self->mutex);

  /* Once full, wait until the queue is half empty, so producer and consumer
   * trade places once per half queue rather than once per job. */
  if (self->capacity > 0 && self->jobs.length >= self->capacity)
    {
      self->n_blocked++;
      while (!self->closed &&
             self->jobs.length > self->low_water &&
             !g_cancellable_is_cancelled (cancellable))
        {
          gint64 deadline = g_get_monotonic_time () + PUSH_POLL_US;

          g_cond_wait_until (&self->not_full, &self->mutex, deadline);
        }
      self->n_blocked--;
    }

  if (self->closed || g_cancellable_is_cancelled (cancellable))
    {
      g_mutex_unlock (&self->mutex);
      fs_job_free (job);
      return FALSE;
    }

  /* A job passed on from another queue (the hybrid's router) keeps both. */
  if (job->id == 0)
    job->id = self->next_id++;
  if (job->t_queued == 0)
    job->t_queued = g_get_monotonic_time ();
  g_queue_push_tail (&self->jobs, job);
  self->pushed++;
  /* Signal and wake only who can be waiting: g_cond_signal() is a futex
   * call even with no waiter, and setting a waker's ready time takes its
   * context's lock. A waker's consumer waits only after it saw the queue
   * empty, and the push that ends that fires it. */
  if (self->n_waiting > 0)
    g_cond_signal (&self->not_empty);
  if (self->jobs.length == 1)
    wake_locked (self);

  g_mutex_unlock (&self->mutex);

  return TRUE;
}

void
fs_job_queue_close (FsJobQueue *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->closed = TRUE;
  g_cond_broadcast (&self->not_empty);
  g_cond_broadcast (&self->not_full);
  wake_locked (self);
  g_mutex_unlock (&self->mutex);
}

gboolean
fs_job_queue_is_closed (FsJobQueue *self)
{
  gboolean closed;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  closed = self->closed;
  g_mutex_unlock (&self->mutex);

  return closed;
}

static FsJobQueueStatus
pop_locked (FsJobQueue  *self,
            FsJob      **job)
{
  *job = g_queue_pop_head (&self->jobs);

  if (*job != NULL)
    {
      if (self->n_blocked > 0 && self->jobs.length <= self->low_water)
        g_cond_broadcast (&self->not_full);
      return FS_JOB_QUEUE_READY;
    }

  return self->closed ? FS_JOB_QUEUE_CLOSED : FS_JOB_QUEUE_EMPTY;
}

/**
 * fs_job_queue_try_pop:
 * @job: (out) (transfer full): the job when %FS_JOB_QUEUE_READY is returned
 *
 * Never blocks. After %FS_JOB_QUEUE_EMPTY, the wakers fire when a job is
 * pushed or the queue is closed.
 */
FsJobQueueStatus
fs_job_queue_try_pop (FsJobQueue  *self,
                      FsJob      **job)
{
  FsJobQueueStatus status;

  g_return_val_if_fail (self != NULL, FS_JOB_QUEUE_CLOSED);
  g_return_val_if_fail (job != NULL, FS_JOB_QUEUE_CLOSED);

  g_mutex_lock (&self->mutex);
  status = pop_locked (self, job);
  g_mutex_unlock (&self->mutex);

  return status;
}

static void
interrupt_cb (GCancellable *cancellable,
              FsJobQueue   *self)
{
  g_mutex_lock (&self->mutex);
  g_cond_broadcast (&self->not_empty);
  g_mutex_unlock (&self->mutex);
}

/**
 * fs_job_queue_pop:
 * @job: (out) (transfer full): the job when %FS_JOB_QUEUE_READY is returned
 *
 * Blocks until a job arrives or the queue is closed and drained. Returns
 * %FS_JOB_QUEUE_EMPTY only when @cancellable fired first.
 */
FsJobQueueStatus
fs_job_queue_pop (FsJobQueue    *self,
                  GCancellable  *cancellable,
                  FsJob        **job)
{
  FsJobQueueStatus status;
  gulong handler = 0;

  g_return_val_if_fail (self != NULL, FS_JOB_QUEUE_CLOSED);
  g_return_val_if_fail (job != NULL, FS_JOB_QUEUE_CLOSED);

  g_mutex_lock (&self->mutex);

  while ((status = pop_locked (self, job)) == FS_JOB_QUEUE_EMPTY &&
         !g_cancellable_is_cancelled (cancellable))
    {
      /* A consumer that waits is woken by a push, a close or the cancel,
       * never by a timer: a hybrid's idle pool of 100 threads waking every
       * 50 ms to look at the cancellable made 2,000 context switches a
       * second. Connected without the lock, since a cancellable already
       * cancelled runs the handler at once; then everything is looked at
       * again. */
      if (cancellable != NULL && handler == 0)
        {
          g_mutex_unlock (&self->mutex);
          handler = g_cancellable_connect (cancellable, G_CALLBACK (interrupt_cb), self, NULL);
          g_mutex_lock (&self->mutex);
          continue;
        }

      self->n_waiting++;
      g_cond_wait (&self->not_empty, &self->mutex);
      self->n_waiting--;
    }

  g_mutex_unlock (&self->mutex);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  return status;
}

/**
 * fs_job_queue_add_waker:
 * @source: a #GSource whose ready time is set to 0 on every push and on close
 */
void
fs_job_queue_add_waker (FsJobQueue *self,
                        GSource    *source)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (source != NULL);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->wakers, g_source_ref (source));
  if (self->jobs.length > 0 || self->closed)
    g_source_set_ready_time (source, 0);
  g_mutex_unlock (&self->mutex);
}

void
fs_job_queue_remove_waker (FsJobQueue *self,
                           GSource    *source)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (source != NULL);

  g_mutex_lock (&self->mutex);
  g_ptr_array_remove (self->wakers, source);
  g_mutex_unlock (&self->mutex);
}

guint64
fs_job_queue_get_pushed (FsJobQueue *self)
{
  guint64 pushed;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  pushed = self->pushed;
  g_mutex_unlock (&self->mutex);

  return pushed;
}

guint
fs_job_queue_get_length (FsJobQueue *self)
{
  guint length;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  length = self->jobs.length;
  g_mutex_unlock (&self->mutex);

  return length;
}

/**
 * fs_job_queue_set_links_func:
 * @func: (nullable): called with each fetched page's links
 *
 * Asks engines for the links of every page they fetch (crawl mode). Set it
 * before the queue is given to an engine, and only once.
 */
void
fs_job_queue_set_links_func (FsJobQueue     *self,
                             FsJobLinksFunc  func,
                             gpointer        user_data,
                             GDestroyNotify  destroy)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->links_func == NULL);

  self->links_func = func;
  self->links_data = user_data;
  self->links_destroy = destroy;
}

gboolean
fs_job_queue_wants_links (FsJobQueue *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->links_func != NULL;
}

/**
 * fs_job_queue_report_links:
 * @job: the job whose page held the links
 * @final_url: (nullable): the page's URL after redirects
 * @links: (array length=n_links): normalised URLs
 * @malformed: the page's HTML or JSON did not parse
 *
 * Hands a fetched page's links to whoever fills the queue; does nothing
 * when nobody asked. Call it before the job's terminal record is pushed.
 */
void
fs_job_queue_report_links (FsJobQueue         *self,
                           const FsJob        *job,
                           const char         *final_url,
                           const char * const *links,
                           guint               n_links,
                           gboolean            malformed)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (job != NULL);
  g_return_if_fail (links != NULL || n_links == 0);

  if (self->links_func != NULL)
    self->links_func (job, final_url, links, n_links, malformed, self->links_data);
}

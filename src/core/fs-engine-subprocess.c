/* fs-engine-subprocess.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything happens on the engine thread's own GMainContext: one source
 * reads each child's stdout (a GPollableInputStream), one writes its stdin
 * when a write would block, a waker fires when the job queue changes, and
 * GSubprocess reports each child's exit there.
 *
 * Dispatch: a child may hold at most its credit of jobs (sent, not yet
 * ended): BLOCKING_CREDIT in worker mode blocking (and all children
 * together at most the concurrency); in worker mode loop, twice its share of
 * the concurrency, which is what its loop runs at once: the other half waits
 * in the child, so a slot whose transfer ended starts the next one at once
 * instead of idling for our round trip (records out, jobs in). Requests in
 * flight stay within the concurrency either way. A job is popped only when some child has credit,
 * and it goes to the child holding the fewest, so no child idles while
 * another has a job waiting. Each terminal record returns one credit.
 *
 * A child is lost when it exits or is killed without having been told to
 * stop, exits with jobs unfinished, closes its stdout, or sends a frame
 * that fails validation (it is then killed). Its unfinished jobs end with a
 * "worker lost" record naming its pid and why. They are not handed to
 * another child: a job that kills one worker would likely kill the next,
 * and a request may have reached the server already, so running it again
 * could repeat a side effect and count it twice. The run carries on with
 * the remaining children; once none is left, queued jobs end as lost too.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "fs-demo-process.h"
#include "fs-engine-private.h"
#include "fs-engine-subprocess.h"
#include "fs-engine-subprocess-private.h"
#include "fs-error.h"
#include "fs-i18n.h"
#include "fs-locate.h"
#include "fs-proc.h"
#include "fs-worker-protocol.h"

/* Jobs sent ahead to a blocking child: with 2, the next job is already in
 * its queue when a request ends, so it never waits for our round trip. */
#define BLOCKING_CREDIT     2
#define READ_CHUNK          (64 * 1024)
#define READS_PER_DISPATCH  4
#define CANCEL_GRACE_MS     5000
#define HELLO_GRACE_MS      10000
#define LINGER_GRACE_MS     2000

struct _FsEngineSubprocess
{
  FsEngine    parent_instance;

  GMutex      mutex;
  GPtrArray  *failures;    /* char *, under @mutex */
  GPtrArray  *worker_env;  /* test hook: WorkerEnv, before the run only */
};

G_DEFINE_FINAL_TYPE (FsEngineSubprocess, fs_engine_subprocess, FS_TYPE_ENGINE)

typedef struct
{
  guint  worker_index;
  char  *variable;
  char  *value;
} WorkerEnv;

typedef struct _Run Run;

/* A job sent to a child and not yet ended. */
typedef struct
{
  FsJob  *job;
  FsLane  lane;        /* from its start record */
  gint64  t_started;   /* 0 until it started */
} Pending;

typedef struct
{
  Run           *run;
  guint          index;
  GPid           pid;
  GSubprocess   *subprocess;
  int            stdin_fd;      /* the subprocess owns it; non-blocking */
  int            stdout_fd;     /* likewise */
  GByteArray    *output;        /* frames not yet written to its stdin */
  GSource       *write_source;
  GSource       *read_source;
  GSource       *linger_timer;
  FsFrameReader *reader;
  GHashTable    *pending;       /* job id → Pending */
  guint          credit;
  FsSample       last_sample;   /* its latest report of itself */
  char          *failure;       /* why it is lost, once known */
  gboolean       linger_output_closed; /* lingering: it closed its output, not its input */

  guint          hello : 1;
  guint          told_to_stop : 1;  /* CLOSE or CANCEL sent */
  guint          stdin_broken : 1;
  guint          reading_done : 1;
  guint          truncated : 1;     /* its output ended inside a frame */
  guint          exited : 1;
  guint          finished : 1;
} Child;

struct _Run
{
  FsEngineSubprocess *self;
  FsJobQueue         *queue;
  FsEventSink        *sink;
  GMainContext       *context;
  const FsRunConfig  *config;

  Child              *children;
  guint               n_children;
  guint               n_unfinished;
  guint               n_outstanding;    /* jobs sent and not ended, all children */
  guint               max_outstanding;

  GSource            *waker;
  GSource            *cancel_watch;
  GSource            *cancel_timer;
  GSource            *hello_timer;
  GArray             *records;          /* gathered during one dispatch */
  guint8             *read_buffer;

  guint               queue_closed : 1;
  guint               cancelled : 1;
};

static void settle (Run *run);

static void
worker_env_free (WorkerEnv *env)
{
  g_free (env->variable);
  g_free (env->value);
  g_free (env);
}

static void
pending_free (Pending *p)
{
  fs_job_free (p->job);
  g_free (p);
}

static FsEvent *
next_record (Run *run)
{
  g_array_set_size (run->records, run->records->len + 1);
  return &g_array_index (run->records, FsEvent, run->records->len - 1);
}

static void
flush_records (Run *run)
{
  if (run->records->len > 0)
    {
      fs_event_sink_push_many (run->sink, &g_array_index (run->records, FsEvent, 0),
                               run->records->len);
      g_array_set_size (run->records, 0);
    }
}

static void
add_failure (Run        *run,
             const char *failure)
{
  g_mutex_lock (&run->self->mutex);
  g_ptr_array_add (run->self->failures, g_strdup (failure));
  g_mutex_unlock (&run->self->mutex);
}

/* The terminal record of a job that will never be reported by a child. */
static void
lose_job (Run           *run,
          const FsJob   *job,
          const Pending *p,
          const FsLane  *lane,
          const char    *reason)
{
  FsEvent *event = next_record (run);

  fs_event_init_terminal (event, job, FS_STRATEGY_PROCESSES,
                          p != NULL && p->t_started > 0 ? &p->lane : lane);
  event->t_started = p != NULL ? p->t_started : 0;
  event->t_done = g_get_monotonic_time ();
  event->outcome = FS_OUTCOME_WORKER_LOST;
  fs_event_set_error (event, "%s", reason);
}

static gboolean
child_accepts_jobs (Child *child)
{
  return !child->finished && !child->reading_done && child->failure == NULL &&
         !child->told_to_stop && !child->stdin_broken;
}

/* SIGPIPE is delivered to the writing thread and would end the whole
 * process. Blocking it here, and taking a pending one back after EPIPE,
 * keeps a library from changing the process's signal dispositions. */
static gssize
write_no_sigpipe (int         fd,
                  const void *data,
                  gsize       len)
{
  sigset_t pipe_set, old_set;
  gssize n;
  int errsv;

  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_set, &old_set);

  n = write (fd, data, len);
  errsv = errno;

  if (n < 0 && errsv == EPIPE && !sigismember (&old_set, SIGPIPE))
    {
      const struct timespec zero = { 0, 0 };

      while (sigtimedwait (&pipe_set, NULL, &zero) < 0 && errno == EINTR)
        ;
    }

  pthread_sigmask (SIG_SETMASK, &old_set, NULL);
  errno = errsv;

  return n;
}

static void
child_kill (Child *child)
{
  if (!child->exited)
    g_subprocess_force_exit (child->subprocess);
}

/* Gives up on a child: it is killed, and its jobs end once it is reaped. */
static void
child_fail (Child      *child,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
child_fail (Child      *child,
            const char *format,
            ...)
{
  va_list args;

  if (child->failure == NULL)
    {
      va_start (args, format);
      child->failure = g_strdup_vprintf (format, args);
      va_end (args);
    }

  child_kill (child);
}

static gboolean child_write_cb (int fd, GIOCondition condition, gpointer user_data);

static void
child_flush (Child *child)
{
  while (child->output->len > 0 && !child->stdin_broken)
    {
      gssize n = write_no_sigpipe (child->stdin_fd, child->output->data, child->output->len);

      if (n > 0)
        g_byte_array_remove_range (child->output, 0, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        {
          if (child->write_source == NULL)
            {
              child->write_source = g_unix_fd_source_new (child->stdin_fd, G_IO_OUT);
              g_source_set_callback (child->write_source, G_SOURCE_FUNC (child_write_cb),
                                     child, NULL);
              g_source_set_static_name (child->write_source, "[fetchscope] worker stdin");
              g_source_attach (child->write_source, child->run->context);
            }
          return;
        }
      else
        {
          /* It is gone or has closed its stdin; its exit (or the linger
           * timer, should it not exit) will say which. */
          child->stdin_broken = TRUE;
          g_byte_array_set_size (child->output, 0);
        }
    }

  if (child->write_source != NULL)
    {
      g_source_destroy (child->write_source);
      g_clear_pointer (&child->write_source, g_source_unref);
    }
}

static gboolean
child_write_cb (int           fd,
                GIOCondition  condition,
                gpointer      user_data)
{
  Child *child = user_data;

  child_flush (child);
  settle (child->run);

  return G_SOURCE_CONTINUE;
}

static gboolean
child_linger_cb (gpointer user_data)
{
  Child *child = user_data;

  g_clear_pointer (&child->linger_timer, g_source_unref);
  if (child->linger_output_closed)
    child_fail (child, _("worker %d closed its output but did not exit"), (int) child->pid);
  else
    child_fail (child, _("worker %d stopped reading its input"), (int) child->pid);
  settle (child->run);

  return G_SOURCE_REMOVE;
}

/* A child that has closed its end of a pipe should be exiting: give it a
 * moment, then kill it. */
static void
child_expect_exit (Child    *child,
                   gboolean  output_closed)
{
  if (child->exited || child->linger_timer != NULL)
    return;

  child->linger_output_closed = output_closed;
  child->linger_timer = g_timeout_source_new (LINGER_GRACE_MS);
  g_source_set_callback (child->linger_timer, child_linger_cb, child, NULL);
  g_source_set_static_name (child->linger_timer, "[fetchscope] worker linger");
  g_source_attach (child->linger_timer, child->run->context);
}

static void
child_stop_reading (Child *child)
{
  child->reading_done = TRUE;

  if (child->read_source != NULL)
    {
      g_source_destroy (child->read_source);
      g_clear_pointer (&child->read_source, g_source_unref);
    }
}

static char *
exit_reason (Child *child)
{
  GSubprocess *sp = child->subprocess;
  guint n_pending = g_hash_table_size (child->pending);

  if (child->failure != NULL)
    return g_strdup (child->failure);

  if (g_subprocess_get_if_signaled (sp))
    return g_strdup_printf (_("worker %d killed by signal %d"), (int) child->pid,
                            g_subprocess_get_term_sig (sp));

  if (g_subprocess_get_if_exited (sp) && g_subprocess_get_exit_status (sp) != 0)
    return g_strdup_printf (_("worker %d exited with status %d"), (int) child->pid,
                            g_subprocess_get_exit_status (sp));

  if (child->truncated)
    return g_strdup_printf (_("worker %d sent an invalid frame: output ended inside a frame"),
                            (int) child->pid);

  if (n_pending > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "worker %d exited with %u job unfinished",
                                         "worker %d exited with %u jobs unfinished", n_pending),
                            (int) child->pid, n_pending);

  if (!child->told_to_stop)
    return g_strdup_printf (_("worker %d exited before it was asked to"), (int) child->pid);

  return NULL;
}

/* Once it has exited and its output is read: whatever it did not report
 * is lost. */
static void
child_finish (Child *child)
{
  Run *run = child->run;
  g_autofree char *reason = NULL;
  GHashTableIter iter;
  Pending *p;
  guint n_lost;

  if (child->finished || !child->exited || !child->reading_done)
    return;

  child->finished = TRUE;
  run->n_unfinished--;

  /* Gone, so it holds no memory any more; the CPU time it used stays. */
  if (child->last_sample.pid != 0)
    {
      FsSample gone = child->last_sample;
      FsEvent *event = next_record (run);

      gone.rss_bytes = 0;
      fs_proc_sample_event (event, &gone);
      event->strategy = FS_STRATEGY_PROCESSES;
      event->lane.index = child->index;
    }

  if (child->linger_timer != NULL)
    {
      g_source_destroy (child->linger_timer);
      g_clear_pointer (&child->linger_timer, g_source_unref);
    }
  if (child->write_source != NULL)
    {
      g_source_destroy (child->write_source);
      g_clear_pointer (&child->write_source, g_source_unref);
    }
  g_byte_array_set_size (child->output, 0);

  n_lost = g_hash_table_size (child->pending);
  if (!(reason = exit_reason (child)))
    return;

  g_hash_table_iter_init (&iter, child->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    {
      FsLane lane = { .index = child->index, .pid = child->pid };

      lose_job (run, p->job, p, &lane, reason);
    }
  g_hash_table_remove_all (child->pending);
  run->n_outstanding -= n_lost;

  if (n_lost > 0)
    {
      /* Translators: %s is why the worker is lost, e.g. "worker 42 killed by signal 9". */
      g_autofree char *failure = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s; %u job lost",
                                                               "%s; %u jobs lost", n_lost),
                                                  reason, n_lost);
      add_failure (run, failure);
    }
  else
    add_failure (run, reason);
}

static void
child_wait_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Child *child = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  child->exited = TRUE;

  /* What it wrote before it went is still in the pipe: read it first. */
  child_finish (child);
  settle (child->run);
}

static gboolean
handle_event (Child    *child,
              FsFrame  *frame,
              GError  **error)
{
  Run *run = child->run;
  FsEvent *event = &frame->event;
  const char *job_class;
  Pending *p;

  if (event->strategy != FS_STRATEGY_PROCESSES || event->lane.index != child->index)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_FAILED, "record for lane %s/%u",
                   fs_strategy_to_string (event->strategy), event->lane.index);
      return FALSE;
    }

  if (event->kind == FS_EVENT_SAMPLE)
    {
      /* pid 0: its loop's lag, not a process. */
      if (event->sample.pid != 0 && event->sample.pid != child->pid)
        {
          g_set_error (error, FS_ERROR, FS_ERROR_FAILED, "sample of pid %d", event->sample.pid);
          return FALSE;
        }
      if (event->sample.pid != 0)
        child->last_sample = event->sample;
      *next_record (run) = *event;
      return TRUE;
    }

  if (!(p = g_hash_table_lookup (child->pending, &event->job_id)))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
                   "record for job %" G_GUINT64_FORMAT ", not one of its own", event->job_id);
      return FALSE;
    }

  /* A job cancelled before it started ran nowhere: no pid. */
  if (event->lane.pid != child->pid &&
      !(event->lane.pid == 0 && event->kind == FS_EVENT_TERMINAL && p->t_started == 0))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_FAILED, "record from pid %d", event->lane.pid);
      return FALSE;
    }

  job_class = p->job->url_class;
  if (event->url_index != p->job->url_index || event->t_queued != p->job->t_queued ||
      g_strcmp0 (frame->url_class ? frame->url_class : "", job_class ? job_class : "") != 0)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
                   "record that does not match job %" G_GUINT64_FORMAT, event->job_id);
      return FALSE;
    }

  if (event->kind == FS_EVENT_START)
    {
      if (p->t_started > 0)
        {
          g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
                       "second start of job %" G_GUINT64_FORMAT, event->job_id);
          return FALSE;
        }
      p->t_started = MAX (event->t_started, 1);
      p->lane = event->lane;
    }

  /* A pointer cannot cross processes: the class is the job's own. */
  event->url_class = job_class;
  *next_record (run) = *event;

  if (event->kind == FS_EVENT_TERMINAL)
    {
      g_hash_table_remove (child->pending, &event->job_id);
      run->n_outstanding--;
    }

  return TRUE;
}

/* Crawl mode: a page's links, extracted in the child, before its end. */
static gboolean
handle_links (Child    *child,
              FsFrame  *frame,
              GError  **error)
{
  Run *run = child->run;
  Pending *p;

  if (!fs_job_queue_wants_links (run->queue))
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_FAILED, "links it was not asked for");
      return FALSE;
    }

  p = g_hash_table_lookup (child->pending, &frame->job_id);
  if (p == NULL || p->t_started == 0)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
                   "links for job %" G_GUINT64_FORMAT ", not one it is running", frame->job_id);
      return FALSE;
    }

  fs_job_queue_report_links (run->queue, p->job, frame->url,
                             (const char * const *) frame->links->pdata,
                             frame->links->len, frame->malformed);

  return TRUE;
}

static gboolean
handle_frame (Child    *child,
              FsFrame  *frame,
              GError  **error)
{
  if (!child->hello)
    {
      if (frame->type != FS_FRAME_HELLO || frame->pid != child->pid)
        {
          g_set_error (error, FS_ERROR, FS_ERROR_FAILED, "%s before HELLO",
                       fs_frame_type_to_string (frame->type));
          return FALSE;
        }
      child->hello = TRUE;
      return TRUE;
    }

  if (frame->type == FS_FRAME_EVENT)
    return handle_event (child, frame, error);

  if (frame->type == FS_FRAME_LINKS)
    return handle_links (child, frame, error);

  g_set_error (error, FS_ERROR, FS_ERROR_FAILED, "unexpected %s frame",
               fs_frame_type_to_string (frame->type));
  return FALSE;
}

static gboolean
child_read_cb (int           fd,
               GIOCondition  condition,
               gpointer      user_data)
{
  Child *child = user_data;
  Run *run = child->run;

  for (guint i = 0; i < READS_PER_DISPATCH && !child->reading_done; i++)
    {
      g_autoptr(GError) error = NULL;
      gssize n = read (fd, run->read_buffer, READ_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0 && errno == EAGAIN)
        break;

      if (n < 0)
        {
          child_fail (child, _("worker %d: reading its output failed: %s"),
                      (int) child->pid, g_strerror (errno));
          child_stop_reading (child);
          break;
        }

      if (n == 0)
        {
          child->truncated = fs_frame_reader_get_buffered (child->reader) > 0;
          child_stop_reading (child);
          child_expect_exit (child, TRUE);
          child_finish (child);
          break;
        }

      fs_frame_reader_feed (child->reader, run->read_buffer, n);

      for (;;)
        {
          g_auto(FsFrame) frame = { 0 };
          FsFrameStatus status = fs_frame_reader_pop (child->reader, &frame, &error);

          if (status == FS_FRAME_STATUS_NEED_MORE)
            break;

          if (status == FS_FRAME_STATUS_INVALID || !handle_frame (child, &frame, &error))
            {
              child_fail (child, _("worker %d sent an invalid frame: %s"),
                          (int) child->pid, error->message);
              child_stop_reading (child);
              break;
            }
        }

      /* A short read emptied the pipe: the next read would only say so. */
      if (n < READ_CHUNK)
        break;
    }

  settle (run);

  return child->read_source != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
child_send_stop (Child    *child,
                 gboolean  cancel)
{
  if (child->finished || child->stdin_broken || child->failure != NULL)
    return;

  if (cancel)
    fs_frame_append_cancel (child->output);
  else if (!child->told_to_stop)
    fs_frame_append_close (child->output);
  child->told_to_stop = TRUE;
  child_flush (child);
}

/* The least loaded child with credit left, or NULL. */
static Child *
pick_child (Run *run)
{
  Child *best = NULL;
  guint best_load = G_MAXUINT;

  if (run->n_outstanding >= run->max_outstanding)
    return NULL;

  for (guint i = 0; i < run->n_children; i++)
    {
      Child *child = &run->children[i];
      guint load;

      if (!child_accepts_jobs (child))
        continue;

      load = g_hash_table_size (child->pending);
      if (load < child->credit && load < best_load)
        {
          best = child;
          best_load = load;
        }
    }

  return best;
}

static gboolean
any_child_accepts_jobs (Run *run)
{
  for (guint i = 0; i < run->n_children; i++)
    if (child_accepts_jobs (&run->children[i]))
      return TRUE;

  return FALSE;
}

static void
send_job (Run   *run,
          Child *child,
          FsJob *job)
{
  g_autoptr(GError) error = NULL;
  Pending *p;

  if (!fs_frame_append_job (child->output, job, &error))
    {
      FsEvent *event = next_record (run);

      fs_event_init_terminal (event, job, FS_STRATEGY_PROCESSES, NULL);
      event->t_done = g_get_monotonic_time ();
      event->outcome = FS_OUTCOME_TRANSPORT_ERROR;
      fs_event_set_error (event, "%s", error->message);
      fs_job_free (job);
      return;
    }

  p = g_new0 (Pending, 1);
  p->job = job;
  g_hash_table_insert (child->pending, &job->id, p);
  run->n_outstanding++;
}

/* Hands queued jobs to children with credit; once the queue is closed and
 * drained, tells every child to finish. */
static void
dispatch (Run *run)
{
  gboolean any_sent = FALSE;

  while (!run->cancelled && !run->queue_closed)
    {
      gboolean any_alive = any_child_accepts_jobs (run);
      Child *child = NULL;
      FsJob *job = NULL;

      if (any_alive && !(child = pick_child (run)))
        break;

      switch (fs_job_queue_try_pop (run->queue, &job))
        {
        case FS_JOB_QUEUE_READY:
          break;

        case FS_JOB_QUEUE_CLOSED:
          run->queue_closed = TRUE;
          for (guint i = 0; i < run->n_children; i++)
            child_send_stop (&run->children[i], FALSE);
          continue;

        case FS_JOB_QUEUE_EMPTY:
        default:
          goto out;
        }

      if (child == NULL)
        {
          FsLane lane = { 0 };
          g_autofree char *reason = g_strdup_printf (_("no worker left (all %u lost)"),
                                                     run->n_children);

          lose_job (run, job, NULL, &lane, reason);
          fs_job_free (job);
          continue;
        }

      send_job (run, child, job);
      any_sent = TRUE;
    }

out:
  if (any_sent)
    for (guint i = 0; i < run->n_children; i++)
      if (run->children[i].output->len > 0)
        child_flush (&run->children[i]);
}

static void
settle (Run *run)
{
  dispatch (run);

  for (guint i = 0; i < run->n_children; i++)
    {
      Child *child = &run->children[i];

      if (child->stdin_broken && !child->exited)
        child_expect_exit (child, FALSE);
    }

  flush_records (run);
}

static gboolean
is_done (Run *run)
{
  return (run->queue_closed || run->cancelled) && run->n_unfinished == 0;
}

static gboolean
waker_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  settle (user_data);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs waker_funcs = { .dispatch = waker_dispatch };

static gboolean
cancel_timer_cb (gpointer user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->cancel_timer, g_source_unref);

  for (guint i = 0; i < run->n_children; i++)
    if (!run->children[i].finished)
      child_fail (&run->children[i], _("worker %d did not stop within %d s of a cancel"),
                  (int) run->children[i].pid, CANCEL_GRACE_MS / 1000);

  settle (run);

  return G_SOURCE_REMOVE;
}

static gboolean
hello_timer_cb (gpointer user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->hello_timer, g_source_unref);

  for (guint i = 0; i < run->n_children; i++)
    if (!run->children[i].hello && !run->children[i].finished)
      child_fail (&run->children[i], _("worker %d did not start within %d s"),
                  (int) run->children[i].pid, HELLO_GRACE_MS / 1000);

  settle (run);

  return G_SOURCE_REMOVE;
}

static GSource *
add_timer (Run         *run,
           guint        interval_ms,
           GSourceFunc  func,
           const char  *name)
{
  GSource *source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, func, run, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, run->context);

  return source;
}

static gboolean
cancelled_cb (gpointer user_data)
{
  Run *run = user_data;

  run->cancelled = TRUE;

  for (guint i = 0; i < run->n_children; i++)
    child_send_stop (&run->children[i], TRUE);

  if (run->n_unfinished > 0)
    run->cancel_timer = add_timer (run, CANCEL_GRACE_MS, cancel_timer_cb,
                                   "[fetchscope] worker cancel grace");
  settle (run);

  return G_SOURCE_CONTINUE;
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  /* Its own process group, so a terminal's Ctrl-C reaches only the parent,
   * which then cancels cleanly through the protocol. */
  setpgid (0, 0);

  /* Dies with the thread that forked it (this engine thread, which outlives
   * every child), and never outlives a parent that died before this line. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (127);
}

static GSubprocess *
spawn_worker (Run         *run,
              guint        index,
              const char  *path,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  GSubprocess *subprocess;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup,
                                         GINT_TO_POINTER ((int) getpid ()), NULL);

  for (guint i = 0; i < run->self->worker_env->len; i++)
    {
      WorkerEnv *env = g_ptr_array_index (run->self->worker_env, i);

      if (env->worker_index == index)
        g_subprocess_launcher_setenv (launcher, env->variable, env->value, TRUE);
    }

  subprocess = g_subprocess_launcher_spawn (launcher, &local_error, path, NULL);
  if (subprocess == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                _("Could not start worker %u: "), index);

  return subprocess;
}

static gboolean
run_start (Run      *run,
           GError  **error)
{
  const FsRunConfig *config = run->config;
  g_autoptr(FsRunConfig) child_config = fs_run_config_copy (config);
  g_autofree char *path = NULL;
  guint n = fs_run_config_get_workers (config);
  guint share = (config->concurrency + n - 1) / n;
  /* Exact shares, so the loops together run no more than the concurrency;
   * with more workers than that, each runs one and jobs are not sent ahead. */
  gboolean ahead = config->worker_mode == FS_WORKER_MODE_LOOP && n <= config->concurrency;

  if (!(path = fs_locate_helper ("fetchscope-worker", error)))
    return FALSE;

  run->children = g_new0 (Child, n);
  run->max_outstanding = config->concurrency;
  run->records = g_array_sized_new (FALSE, FALSE, sizeof (FsEvent), 256);
  run->read_buffer = g_malloc (READ_CHUNK);

  /* All of them first, so a failure leaves nothing but processes to reap. */
  for (guint i = 0; i < n; i++)
    {
      Child *child = &run->children[i];
      const char *id;

      child->run = run;
      child->index = i;
      child->output = g_byte_array_new ();
      child->reader = fs_frame_reader_new ();
      child->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                              (GDestroyNotify) pending_free);
      run->n_children++;

      if (!(child->subprocess = spawn_worker (run, i, path, error)))
        return FALSE;

      /* NULL once it has been reaped: it died at once, and will say so. */
      if ((id = g_subprocess_get_identifier (child->subprocess)))
        child->pid = (GPid) g_ascii_strtoll (id, NULL, 10);
      run->n_unfinished++;
    }

  child_config->extract_links = fs_job_queue_wants_links (run->queue);
  if (config->worker_mode == FS_WORKER_MODE_LOOP)
    child_config->concurrency = share;
  else
    child_config->concurrency = 1;

  for (guint i = 0; i < n; i++)
    {
      Child *child = &run->children[i];
      GOutputStream *in = g_subprocess_get_stdin_pipe (child->subprocess);
      GInputStream *out = g_subprocess_get_stdout_pipe (child->subprocess);

      if (ahead)
        {
          child_config->concurrency = config->concurrency / n + (i < config->concurrency % n);
          child->credit = 2 * child_config->concurrency;
          run->max_outstanding += child_config->concurrency;
        }
      else
        child->credit = config->worker_mode == FS_WORKER_MODE_LOOP ? share : BLOCKING_CREDIT;
      child->stdin_fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (in));
      g_unix_set_fd_nonblocking (child->stdin_fd, TRUE, NULL);

      child->stdout_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out));
      g_unix_set_fd_nonblocking (child->stdout_fd, TRUE, NULL);

      /* A plain fd source, not a GPollableInputStream's: that one polls
       * before each read, and its child fd source cannot be left unblocked
       * while dispatched, so GLib 2.74 would signal our own eventfd after
       * each dispatch (see fs-engine-curl-multi.c). */
      child->read_source = g_unix_fd_source_new (child->stdout_fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
      g_source_set_callback (child->read_source, G_SOURCE_FUNC (child_read_cb), child, NULL);
      g_source_set_can_recurse (child->read_source, TRUE);
      g_source_set_static_name (child->read_source, "[fetchscope] worker stdout");
      g_source_attach (child->read_source, run->context);

      g_subprocess_wait_async (child->subprocess, NULL, child_wait_cb, child);

      fs_frame_append_config (child->output, child_config, i);
      child_flush (child);
    }

  run->hello_timer = add_timer (run, HELLO_GRACE_MS, hello_timer_cb,
                                "[fetchscope] worker hello");

  return TRUE;
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
run_clear (Run *run)
{
  if (run->waker != NULL)
    fs_job_queue_remove_waker (run->queue, run->waker);
  destroy_source (&run->waker);
  destroy_source (&run->cancel_watch);
  destroy_source (&run->cancel_timer);
  destroy_source (&run->hello_timer);

  for (guint i = 0; i < run->n_children; i++)
    {
      Child *child = &run->children[i];

      /* Only after a failed start are there children still running. */
      if (child->subprocess != NULL && !child->exited)
        {
          g_subprocess_force_exit (child->subprocess);
          g_subprocess_wait (child->subprocess, NULL, NULL);
        }

      destroy_source (&child->read_source);
      destroy_source (&child->write_source);
      destroy_source (&child->linger_timer);
      g_clear_object (&child->subprocess);
      g_clear_pointer (&child->output, g_byte_array_unref);
      g_clear_pointer (&child->reader, fs_frame_reader_free);
      g_clear_pointer (&child->pending, g_hash_table_unref);
      g_clear_pointer (&child->failure, g_free);
    }

  g_clear_pointer (&run->children, g_free);
  g_clear_pointer (&run->records, g_array_unref);
  g_clear_pointer (&run->read_buffer, g_free);
}

static gboolean
fs_engine_subprocess_run (FsEngine      *engine,
                          FsJobQueue    *queue,
                          FsEventSink   *sink,
                          GCancellable  *cancellable,
                          GError       **error)
{
  FsEngineSubprocess *self = FS_ENGINE_SUBPROCESS (engine);
  g_autoptr(GMainContext) context = g_main_context_new ();
  Run run = {
    .self = self,
    .queue = queue,
    .sink = sink,
    .context = context,
    .config = fs_engine_get_config (engine),
  };

  g_mutex_lock (&self->mutex);
  g_ptr_array_set_size (self->failures, 0);
  g_mutex_unlock (&self->mutex);

  /* GSubprocess reports exits on the thread-default context. */
  g_main_context_push_thread_default (context);

  if (!run_start (&run, error))
    {
      run_clear (&run);
      g_main_context_pop_thread_default (context);
      _fs_engine_cancel_queued (engine, queue, sink);
      return FALSE;
    }

  if (cancellable != NULL)
    run.cancel_watch = _fs_engine_watch_cancellable (cancellable, context, cancelled_cb, &run);

  run.waker = g_source_new (&waker_funcs, sizeof (GSource));
  g_source_set_static_name (run.waker, "[fetchscope] job waker");
  g_source_set_callback (run.waker, NULL, &run, NULL);
  g_source_set_ready_time (run.waker, -1);
  g_source_attach (run.waker, context);
  fs_job_queue_add_waker (queue, run.waker);

  while (!is_done (&run))
    g_main_context_iteration (context, TRUE);

  flush_records (&run);
  run_clear (&run);
  g_main_context_pop_thread_default (context);

  /* Whatever the children never got: the producer closes the queue on
   * cancel, so this ends. */
  _fs_engine_cancel_queued (engine, queue, sink);

  return TRUE;
}

static void
fs_engine_subprocess_finalize (GObject *object)
{
  FsEngineSubprocess *self = (FsEngineSubprocess *) object;

  g_clear_pointer (&self->failures, g_ptr_array_unref);
  g_clear_pointer (&self->worker_env, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (fs_engine_subprocess_parent_class)->finalize (object);
}

static void
fs_engine_subprocess_class_init (FsEngineSubprocessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FsEngineClass *engine_class = FS_ENGINE_CLASS (klass);

  object_class->finalize = fs_engine_subprocess_finalize;
  engine_class->run = fs_engine_subprocess_run;
}

static void
fs_engine_subprocess_init (FsEngineSubprocess *self)
{
  g_mutex_init (&self->mutex);
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->worker_env = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_env_free);
}

/**
 * fs_engine_subprocess_dup_failures:
 *
 * What went wrong with children in the current or last run, one sentence
 * each, e.g. "worker 1234 killed by signal 9; 3 jobs lost".
 *
 * Returns: (transfer full) (element-type utf8): the failures, possibly none
 */
GPtrArray *
fs_engine_subprocess_dup_failures (FsEngineSubprocess *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (FS_IS_ENGINE_SUBPROCESS (self), NULL);

  g_mutex_lock (&self->mutex);
  copy = g_ptr_array_new_full (self->failures->len, g_free);
  for (guint i = 0; i < self->failures->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (self->failures, i)));
  g_mutex_unlock (&self->mutex);

  return copy;
}

/* Sets an environment variable for one child only, e.g. the worker's
 * test-only FETCHSCOPE_WORKER_CORRUPT_AFTER. */
void
_fs_engine_subprocess_set_worker_env (FsEngineSubprocess *self,
                                      guint               worker_index,
                                      const char         *variable,
                                      const char         *value)
{
  WorkerEnv *env;

  g_return_if_fail (FS_IS_ENGINE_SUBPROCESS (self));
  g_return_if_fail (variable != NULL);

  env = g_new0 (WorkerEnv, 1);
  env->worker_index = worker_index;
  env->variable = g_strdup (variable);
  env->value = g_strdup (value);
  g_ptr_array_add (self->worker_env, env);
}

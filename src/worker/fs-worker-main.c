/* fs-worker-main.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fetchscope-worker: one child of the processes strategy. It reads frames
 * (fs-worker-protocol.h) from stdin and writes frames to stdout, and nothing
 * else ever goes to stdout: diagnostics go to stderr.
 *
 * After HELLO it waits for CONFIG, then runs the serial engine (worker mode
 * blocking) or the loop engine with its share of the concurrency (worker
 * mode loop) on a thread of its own, fed with the JOB frames read here
 * on the main thread. Every record comes back through an FsEventSink on the
 * main context and leaves as an EVENT frame, with the strategy "processes"
 * and this child's worker index in its lane; in crawl mode a page's links
 * go out as LINKS frames just before its terminal record (the engine thread
 * leaves them in a table the main thread empties as that record passes).
 * Every 100 ms it also sends a
 * sample of its own memory and CPU time. CLOSE or the end of stdin: finish
 * what was sent, then exit 0. CANCEL: every job ends "cancelled", then exit 0.
 * A frame that does not validate, or stdin ending inside one: exit 1 at once.
 * The parent's child setup arranges SIGKILL should the parent die.
 *
 * Test only: FETCHSCOPE_WORKER_CORRUPT_AFTER=N makes it write garbage after
 * its Nth start or terminal record, so tests can check that the parent
 * detects a corrupt stream. Nothing else reads it.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixoutputstream.h>

#include "fs-engine.h"
#include "fs-i18n.h"
#include "fs-proc.h"
#include "fs-worker-protocol.h"

#define SAMPLE_INTERVAL_MS 100
#define READ_CHUNK         (64 * 1024)

/* How the parent named a job; the child's own queue renumbers it. */
typedef struct
{
  guint64 local_index;   /* key: the URL index the child's engine sees */
  guint64 job_id;
  guint64 url_index;
  gint64  t_queued;
} JobInfo;

/* A page's links, from the engine thread, until its terminal record. */
typedef struct
{
  char      *final_url;
  GPtrArray *links;
  gboolean   malformed;
} PageLinks;

typedef struct
{
  GMainLoop     *loop;
  GMainContext  *main_context;
  GOutputStream *output;
  GSource       *input_source;
  FsFrameReader *reader;
  GByteArray    *out;
  guint          sample_id;
  guint8        *read_buffer;

  guint32        worker_index;
  FsEngine      *engine;
  GThread       *engine_thread;
  GError        *engine_error;  /* written by the engine thread before it ends */
  FsJobQueue    *queue;
  FsEventSink   *sink;
  GCancellable  *cancellable;
  GHashTable    *jobs;          /* local index → JobInfo */
  guint64        next_local_index;
  GMutex         links_mutex;
  GHashTable    *links;         /* local index → PageLinks, under links_mutex */

  guint64        corrupt_after; /* test only; 0 = never */
  guint64        n_records;

  gboolean       input_closed;  /* CLOSE, CANCEL or end of stdin */
  int            status;
} Worker;

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
static void
die (const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* The engine thread may be inside curl: leave without running exit
   * handlers under its feet. The parent reports the jobs as lost. */
  g_printerr ("fetchscope-worker[%d]: %s\n", (int) getpid (), message);
  _exit (EXIT_FAILURE);
}

static void
flush (Worker *w)
{
  g_autoptr(GError) error = NULL;

  if (w->out->len == 0)
    return;

  /* Blocking is fine here: the parent reads whenever there is output. */
  if (!g_output_stream_write_all (w->output, w->out->data, w->out->len, NULL, NULL, &error))
    die ("the parent stopped reading: %s", error->message);

  g_byte_array_set_size (w->out, 0);
}

static void
append_sample (Worker *w)
{
  FsSample sample;
  FsEvent event;

  if (!fs_proc_read_sample (getpid (), &sample, NULL))
    return;

  fs_proc_sample_event (&event, &sample);
  event.strategy = FS_STRATEGY_PROCESSES;
  event.lane.index = w->worker_index;
  fs_frame_append_event (w->out, &event);
}

static gboolean
sample_cb (gpointer user_data)
{
  Worker *w = user_data;

  append_sample (w);
  flush (w);

  return G_SOURCE_CONTINUE;
}

static void
page_links_free (PageLinks *page)
{
  g_free (page->final_url);
  g_ptr_array_unref (page->links);
  g_free (page);
}

/* On the engine thread, before the job's terminal record is pushed. */
static void
links_cb (const FsJob        *job,
          const char         *final_url,
          const char * const *links,
          guint               n_links,
          gboolean            malformed,
          gpointer            user_data)
{
  Worker *w = user_data;
  PageLinks *page;

  g_mutex_lock (&w->links_mutex);
  if (!(page = g_hash_table_lookup (w->links, &job->url_index)))
    {
      guint64 *key = g_memdup2 (&job->url_index, sizeof job->url_index);

      page = g_new0 (PageLinks, 1);
      page->links = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (w->links, key, page);
    }
  if (page->final_url == NULL)
    page->final_url = g_strdup (final_url);
  for (guint i = 0; i < n_links; i++)
    g_ptr_array_add (page->links, g_strdup (links[i]));
  page->malformed |= malformed;
  g_mutex_unlock (&w->links_mutex);
}

/* The links go ahead of the record that ends their page. */
static void
append_links (Worker  *w,
              guint64  local_index,
              guint64  job_id)
{
  PageLinks *page = NULL;
  gpointer key = NULL;

  g_mutex_lock (&w->links_mutex);
  if (g_hash_table_steal_extended (w->links, &local_index, &key, (gpointer *) &page))
    g_free (key);
  g_mutex_unlock (&w->links_mutex);

  if (page != NULL)
    {
      fs_frame_append_links (w->out, job_id, page->final_url,
                             (const char * const *) page->links->pdata,
                             page->links->len, page->malformed);
      page_links_free (page);
    }
}

/* Records as the parent knows them: its job ids and queue times, our lane. */
static void
events_cb (const FsEvent *events,
           guint          n_events,
           gpointer       user_data)
{
  Worker *w = user_data;

  for (guint i = 0; i < n_events; i++)
    {
      FsEvent event = events[i];

      event.strategy = FS_STRATEGY_PROCESSES;
      event.lane.index = w->worker_index;

      if (event.kind != FS_EVENT_SAMPLE)
        {
          guint64 local_index = event.url_index;
          JobInfo *info = g_hash_table_lookup (w->jobs, &local_index);

          if (info == NULL)
            die ("a record for a job that was never received (%" G_GUINT64_FORMAT ")",
                 local_index);

          event.job_id = info->job_id;
          event.url_index = info->url_index;
          event.t_queued = info->t_queued;
          if (event.kind == FS_EVENT_TERMINAL)
            {
              append_links (w, local_index, info->job_id);
              g_hash_table_remove (w->jobs, &local_index);
            }

          w->n_records++;
        }

      fs_frame_append_event (w->out, &event);

      if (w->corrupt_after > 0 && w->n_records == w->corrupt_after)
        {
          static const char garbage[] = "this is not a frame, it is a test";

          g_byte_array_append (w->out, (const guint8 *) garbage, sizeof garbage);
          w->corrupt_after = 0;
        }
    }

  flush (w);
}

static gboolean
engine_done_cb (gpointer user_data)
{
  Worker *w = user_data;

  /* Joined, not just finished: libcurl's TLS library frees its per-thread
   * state as the thread exits, which must happen before we do. */
  g_thread_join (g_steal_pointer (&w->engine_thread));

  if (w->engine_error != NULL)
    {
      g_printerr ("fetchscope-worker[%d]: %s\n", (int) getpid (), w->engine_error->message);
      w->status = EXIT_FAILURE;
    }

  fs_event_sink_drain (w->sink);
  append_sample (w);
  flush (w);
  g_main_loop_quit (w->loop);

  return G_SOURCE_REMOVE;
}

static gpointer
engine_thread (gpointer user_data)
{
  Worker *w = user_data;
  GSource *done;

  fs_engine_run (w->engine, w->queue, w->sink, w->cancellable, &w->engine_error);

  done = g_idle_source_new ();
  g_source_set_callback (done, engine_done_cb, w, NULL);
  g_source_set_static_name (done, "[fetchscope-worker] engine done");
  g_source_attach (done, w->main_context);
  g_source_unref (done);

  return NULL;
}

static void
start_engine (Worker  *w,
              FsFrame *frame)
{
  g_autoptr(FsRunConfig) config = g_steal_pointer (&frame->config);
  g_autoptr(GError) error = NULL;

  w->worker_index = frame->worker_index;

  if (config->worker_mode == FS_WORKER_MODE_LOOP)
    config->strategy = FS_STRATEGY_LOOP;
  else
    {
      config->strategy = FS_STRATEGY_SERIAL;
      config->concurrency = 1;
    }

  if (!(w->engine = fs_engine_new (config, &error)))
    die ("%s", error->message);

  w->queue = fs_job_queue_new (0);
  if (config->extract_links)
    fs_job_queue_set_links_func (w->queue, links_cb, w, NULL);
  w->cancellable = g_cancellable_new ();
  w->sink = fs_event_sink_new (NULL, 0, events_cb, w, NULL);
  /* Each record is a round trip the parent waits on before it hands out
   * the next job: do not hold them back to batch them. */
  fs_event_sink_set_interval (w->sink, config->worker_mode == FS_WORKER_MODE_LOOP ? 1000 : 0);
  fs_event_sink_set_priority (w->sink, G_PRIORITY_DEFAULT);

  w->engine_thread = g_thread_new ("fs-worker-engine", engine_thread, w);

  append_sample (w);
  flush (w);
  w->sample_id = g_timeout_add (SAMPLE_INTERVAL_MS, sample_cb, w);
}

static void
push_job (Worker  *w,
          FsFrame *frame)
{
  JobInfo *info = g_new0 (JobInfo, 1);
  FsJob *job;

  info->local_index = w->next_local_index++;
  info->job_id = frame->job_id;
  info->url_index = frame->url_index;
  info->t_queued = frame->t_queued;
  g_hash_table_add (w->jobs, info);

  /* Our queue assigns its own ids and queue times: the URL index, which
   * every engine copies into its records untouched, carries ours. */
  job = fs_job_new (info->local_index, frame->url, frame->url_class);
  if (!fs_job_queue_push (w->queue, job, NULL))
    die ("could not queue a job");
}

/* No more jobs: whatever was sent is finished, then we exit. */
static void
close_input (Worker   *w,
             gboolean  cancel)
{
  if (cancel && w->cancellable != NULL)
    g_cancellable_cancel (w->cancellable);

  if (w->input_closed)
    return;

  w->input_closed = TRUE;

  if (w->queue != NULL)
    fs_job_queue_close (w->queue);
  else
    g_main_loop_quit (w->loop);
}

static void
handle_frame (Worker  *w,
              FsFrame *frame)
{
  switch (frame->type)
    {
    case FS_FRAME_CONFIG:
      if (w->engine != NULL || w->input_closed)
        die ("CONFIG frame out of order");
      start_engine (w, frame);
      break;

    case FS_FRAME_JOB:
      if (w->engine == NULL || w->input_closed)
        die ("JOB frame before CONFIG or after CLOSE");
      push_job (w, frame);
      break;

    case FS_FRAME_CLOSE:
      close_input (w, FALSE);
      break;

    case FS_FRAME_CANCEL:
      close_input (w, TRUE);
      break;

    case FS_FRAME_HELLO:
    case FS_FRAME_EVENT:
    case FS_FRAME_LINKS:
    default:
      die ("unexpected %s frame from the parent", fs_frame_type_to_string (frame->type));
    }
}

static gboolean
input_cb (int           fd,
          GIOCondition  condition,
          gpointer      user_data)
{
  Worker *w = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  do
    n = read (fd, w->read_buffer, READ_CHUNK);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      if (errno == EAGAIN)
        return G_SOURCE_CONTINUE;
      die ("reading stdin: %s", g_strerror (errno));
    }

  if (n == 0)
    {
      gsize buffered = fs_frame_reader_get_buffered (w->reader);

      /* Half a frame: the parent is broken, so nothing it sent is trusted. */
      if (buffered > 0)
        die ("stdin ended inside a frame (%" G_GSIZE_FORMAT " bytes of it)", buffered);

      /* The parent closed our stdin: as good as CLOSE. */
      g_clear_pointer (&w->input_source, g_source_unref);
      close_input (w, FALSE);
      return G_SOURCE_REMOVE;
    }

  fs_frame_reader_feed (w->reader, w->read_buffer, n);

  for (;;)
    {
      g_auto(FsFrame) frame = { 0 };

      switch (fs_frame_reader_pop (w->reader, &frame, &error))
        {
        case FS_FRAME_STATUS_READY:
          handle_frame (w, &frame);
          break;

        case FS_FRAME_STATUS_INVALID:
          die ("invalid frame from the parent: %s", error->message);

        case FS_FRAME_STATUS_NEED_MORE:
        default:
          return G_SOURCE_CONTINUE;
        }
    }
}

static void
worker_clear (Worker *w)
{
  if (w->input_source != NULL)
    g_source_destroy (w->input_source);
  g_clear_pointer (&w->input_source, g_source_unref);
  g_clear_handle_id (&w->sample_id, g_source_remove);
  g_clear_pointer (&w->sink, fs_event_sink_unref);
  g_clear_object (&w->engine);
  g_clear_pointer (&w->queue, fs_job_queue_unref);
  g_clear_object (&w->cancellable);
  g_clear_pointer (&w->jobs, g_hash_table_unref);
  g_clear_pointer (&w->links, g_hash_table_unref);
  g_mutex_clear (&w->links_mutex);
  g_clear_error (&w->engine_error);
  g_clear_pointer (&w->reader, fs_frame_reader_free);
  g_clear_pointer (&w->out, g_byte_array_unref);
  g_clear_pointer (&w->read_buffer, g_free);
  g_clear_object (&w->output);
  g_clear_pointer (&w->loop, g_main_loop_unref);
}

int
main (int   argc,
      char *argv[])
{
  Worker w = { 0 };
  const char *corrupt_after;
  int out_fd;

  if (argc > 1)
    {
      gboolean help = g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h");
      const char *usage;

      fs_i18n_init ();
      if (g_str_equal (argv[1], "--version"))
        {
          g_print ("fetchscope-worker %s\n", PACKAGE_VERSION);
          return EXIT_SUCCESS;
        }
      usage = _("Usage:\n"
                "  fetchscope-worker\n"
                "\n"
                "One child of Fetchscope's processes strategy: it reads jobs and writes\n"
                "events as binary frames on stdin and stdout, and takes no options.\n"
                "\n"
                "Options:\n"
                "  -h, --help     Show this help\n"
                "  --version      Show the version\n");
      if (help)
        {
          g_print ("%s", usage);
          return EXIT_SUCCESS;
        }
      g_printerr ("%s", usage);
      return 2;
    }

  /* Frames come from the parent through a pipe. A terminal would get the
   * non-blocking mode set below too, and keep it after we exit. */
  if (isatty (STDIN_FILENO))
    {
      fs_i18n_init ();
      g_printerr ("%s", _("fetchscope-worker: stdin is a terminal. It reads binary frames "
                          "from Fetchscope's processes strategy and is not run by hand.\n"));
      return 2;
    }

  /* A parent that is gone shows up as EPIPE from write(), not a signal. */
  signal (SIGPIPE, SIG_IGN);

  /* Keep the real stdout for frames, and point fd 1 at stderr, so nothing
   * printed by a library (GLib sends debug messages to stdout) can ever
   * corrupt the stream. */
  out_fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (out_fd < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    {
      g_printerr ("fetchscope-worker: could not set up stdout: %s\n", g_strerror (errno));
      return EXIT_FAILURE;
    }

  corrupt_after = g_getenv ("FETCHSCOPE_WORKER_CORRUPT_AFTER");
  if (corrupt_after != NULL)
    g_ascii_string_to_unsigned (corrupt_after, 10, 1, G_MAXUINT64, &w.corrupt_after, NULL);

  w.main_context = g_main_context_default ();
  w.loop = g_main_loop_new (w.main_context, FALSE);
  w.output = g_unix_output_stream_new (out_fd, TRUE);
  w.reader = fs_frame_reader_new ();
  w.out = g_byte_array_sized_new (64 * 1024);
  w.read_buffer = g_malloc (READ_CHUNK);
  w.jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_mutex_init (&w.links_mutex);
  w.links = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify) page_links_free);

  /* A plain fd source, not a GPollableInputStream's: that one checks with a
   * poll() before each read, and its child fd source cannot be left
   * unblocked while dispatched, so GLib 2.74 would signal our own eventfd
   * after each dispatch (see fs-engine-curl-multi.c). */
  if (!g_unix_set_fd_nonblocking (STDIN_FILENO, TRUE, NULL))
    {
      g_printerr ("fetchscope-worker: could not set up stdin: %s\n", g_strerror (errno));
      return EXIT_FAILURE;
    }
  w.input_source = g_unix_fd_source_new (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (w.input_source, G_SOURCE_FUNC (input_cb), &w, NULL);
  g_source_set_can_recurse (w.input_source, TRUE);
  g_source_set_static_name (w.input_source, "[fetchscope-worker] stdin");
  g_source_attach (w.input_source, NULL);

  fs_frame_append_hello (w.out, (gint32) getpid ());
  flush (&w);

  g_main_loop_run (w.loop);

  flush (&w);
  worker_clear (&w);

  return w.status;
}

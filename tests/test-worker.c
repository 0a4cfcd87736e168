/* test-worker.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fetchscope-worker on its own, fed by hand rather than by the processes
 * engine: frames that do not validate (wrong version, too large, truncated,
 * out of order, noise) make it exit 1 with a message, and the URLs it is
 * sent are held to http and https by the worker itself, before and after
 * redirects, whatever its parent let through.
 */

#include "config.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fs-demo-process.h"
#include "fs-fault-server.h"
#include "fs-locate.h"
#include "fs-test-bytes.h"
#include "fs-worker-protocol.h"

typedef struct
{
  int         status;   /* exit status; -1 for a signal */
  GByteArray *out;
  char       *err;
} WorkerResult;

static void
worker_result_clear (WorkerResult *result)
{
  g_clear_pointer (&result->out, g_byte_array_unref);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WorkerResult, worker_result_clear)

typedef struct
{
  GOutputStream    *stdin_pipe;
  const GByteArray *input;
} Feeder;

/* g_subprocess_communicate() gives up on everything at the first EPIPE,
 * and a worker that refuses its input stops reading it: feed it apart. */
static gpointer
feed_thread (gpointer data)
{
  Feeder *feeder = data;

  g_output_stream_write_all (feeder->stdin_pipe, feeder->input->data, feeder->input->len,
                             NULL, NULL, NULL);
  g_output_stream_close (feeder->stdin_pipe, NULL, NULL);

  return NULL;
}

static GByteArray *
read_to_end (GInputStream *stream)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 buffer[16 * 1024];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_byte_array_append (bytes, buffer, n);

  return bytes;
}

/* Runs a worker with @input as its whole stdin. */
static void
run_worker (const GByteArray *input,
            WorkerResult     *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *worker = fs_locate_helper ("fetchscope-worker", &error);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GByteArray) err = NULL;
  Feeder feeder = { .input = input };
  GThread *thread;

  g_assert_no_error (error);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, worker, NULL);
  g_assert_no_error (error);

  feeder.stdin_pipe = g_subprocess_get_stdin_pipe (proc);
  thread = g_thread_new ("feeder", feed_thread, &feeder);
  /* The worker writes a line or two to stderr at most: stdout first is safe. */
  result->out = read_to_end (g_subprocess_get_stdout_pipe (proc));
  err = read_to_end (g_subprocess_get_stderr_pipe (proc));
  g_thread_join (thread);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);

  result->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  result->err = g_strndup ((const char *) err->data, err->len);

  g_test_message ("worker exit %d, stderr: %s", result->status, result->err);
}

/* Every frame of @out, which must all validate. */
static GArray *
decode_all (GByteArray *out)
{
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (FsFrame));

  g_array_set_clear_func (frames, (GDestroyNotify) fs_frame_clear);
  fs_frame_reader_feed (reader, out->data, out->len);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      FsFrame frame = { 0 };
      FsFrameStatus status = fs_frame_reader_pop (reader, &frame, &error);

      g_assert_no_error (error);
      if (status != FS_FRAME_STATUS_READY)
        break;
      g_array_append_val (frames, frame);
    }
  g_assert_cmpuint (fs_frame_reader_get_buffered (reader), ==, 0);

  return frames;
}

static void
append_config (GByteArray   *bytes,
               FsWorkerMode  mode)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();

  config->strategy = FS_STRATEGY_PROCESSES;
  config->worker_mode = mode;
  config->concurrency = 4;
  config->timeout_ms = 10 * 1000;
  config->max_redirects = 5;
  fs_frame_append_config (bytes, config, 0);
}

static void
assert_refused (GByteArray *input,
                const char *message)
{
  g_auto(WorkerResult) r = { 0 };
  g_autoptr(GArray) frames = NULL;

  run_worker (input, &r);

  g_assert_cmpint (r.status, ==, 1);
  if (strstr (r.err, message) == NULL)
    g_error ("expected “%s” in the worker's stderr: %s", message, r.err);
  g_assert_true (g_str_has_prefix (r.err, "fetchscope-worker["));

  /* What it wrote before it stopped is still a clean stream of frames. */
  frames = decode_all (r.out);
  g_assert_cmpuint (frames->len, >=, 1);
  g_assert_cmpint (g_array_index (frames, FsFrame, 0).type, ==, FS_FRAME_HELLO);
}

static void
test_reject_version (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();

  append_config (input, FS_WORKER_MODE_LOOP);
  {
    g_autofree char *expected = g_strdup_printf ("protocol version %u (expected %u)",
                                                 FS_WORKER_PROTOCOL_VERSION + 1,
                                                 FS_WORKER_PROTOCOL_VERSION);

    fs_test_set_u16 (input, 4, FS_WORKER_PROTOCOL_VERSION + 1);
    assert_refused (input, expected);
  }
}

static void
test_reject_magic (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();

  append_config (input, FS_WORKER_MODE_LOOP);
  input->data[0] = 'X';
  assert_refused (input, "bad magic");
}

/* Refused from the header alone: the worker does not wait for 4 GiB. */
static void
test_reject_too_large (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();

  fs_frame_append_close (input);
  fs_test_set_u32 (input, 8, G_MAXUINT32);
  assert_refused (input, "payload of 4294967295 bytes (limit 65536)");
}

static void
test_reject_truncated (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();

  append_config (input, FS_WORKER_MODE_LOOP);
  g_byte_array_set_size (input, input->len - 3);
  assert_refused (input, "stdin ended inside a frame");
}

static void
test_reject_out_of_order (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(FsJob) job = fs_job_new (0, "http://127.0.0.1/", NULL);

  g_assert_true (fs_frame_append_job (input, job, NULL));
  assert_refused (input, "JOB frame before CONFIG");

  g_byte_array_set_size (input, 0);
  fs_frame_append_hello (input, 1);
  assert_refused (input, "unexpected HELLO frame");
}

static void
test_reject_noise (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);

  for (guint i = 0; i < 1024 * 1024; i++)
    {
      guint8 byte = g_rand_int_range (rand, 0, 256);

      g_byte_array_append (input, &byte, 1);
    }
  assert_refused (input, "invalid frame from the parent");
}

/* The parent checks URLs before it sends them; the worker must not rely on
 * that. Direct and redirected, only http and https are fetched. */
static void
test_schemes (gconstpointer data)
{
  FsWorkerMode mode = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(FsFaultServer) server = fs_fault_server_new (&error);
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_auto(WorkerResult) r = { 0 };
  g_autoptr(GArray) frames = NULL;
  guint n_terminals = 0;

  g_assert_no_error (error);
  g_ptr_array_add (urls, fs_fault_server_url (server, "/ok"));
  g_ptr_array_add (urls, g_strdup ("file:///etc/passwd"));
  g_ptr_array_add (urls, g_strdup ("FILE:///etc/passwd"));
  g_ptr_array_add (urls, g_strdup ("ftp://127.0.0.1/etc/passwd"));
  g_ptr_array_add (urls, g_strdup ("gopher://127.0.0.1/"));
  g_ptr_array_add (urls, g_strdup ("dict://127.0.0.1/d:x"));
  g_ptr_array_add (urls, g_strdup ("/etc/passwd"));
  g_ptr_array_add (urls, fs_fault_server_url (server, "/redirect-file"));
  g_ptr_array_add (urls, fs_fault_server_url (server, "/redirect-ftp"));
  g_ptr_array_add (urls, fs_fault_server_url (server, "/redirect-gopher"));

  append_config (input, mode);
  for (guint i = 0; i < urls->len; i++)
    {
      g_autoptr(FsJob) job = fs_job_new (i, g_ptr_array_index (urls, i), NULL);

      job->id = 100 + i;
      g_assert_true (fs_frame_append_job (input, job, NULL));
    }
  fs_frame_append_close (input);

  run_worker (input, &r);
  g_assert_cmpint (r.status, ==, 0);

  frames = decode_all (r.out);
  for (guint i = 0; i < frames->len; i++)
    {
      const FsFrame *frame = &g_array_index (frames, FsFrame, i);
      const FsEvent *e = &frame->event;
      const char *url;

      if (frame->type != FS_FRAME_EVENT || e->kind != FS_EVENT_TERMINAL)
        continue;

      n_terminals++;
      g_assert_cmpuint (e->url_index, <, urls->len);
      g_assert_cmpuint (e->job_id, ==, 100 + e->url_index);
      url = g_ptr_array_index (urls, e->url_index);
      g_test_message ("%s: outcome %d, curl %d, “%s”", url, e->outcome, e->curl_code, e->error);

      if (e->url_index == 0)
        {
          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_OK);
          g_assert_cmpuint (e->bytes, ==, 2);
        }
      else
        {
          g_autofree char *lower = g_ascii_strdown (e->error, -1);

          g_assert_cmpint (e->outcome, ==, FS_OUTCOME_TRANSPORT_ERROR);
          g_assert_cmpuint (e->bytes, ==, 0);
          /* A bare path has no host to guess a scheme for. */
          if (g_str_equal (url, "/etc/passwd"))
            g_assert_cmpint (e->curl_code, ==, 3);   /* CURLE_URL_MALFORMAT */
          else
            {
              g_assert_cmpint (e->curl_code, ==, 1);   /* CURLE_UNSUPPORTED_PROTOCOL */
              g_assert_nonnull (strstr (lower, "protocol"));
            }
        }
    }
  g_assert_cmpuint (n_terminals, ==, urls->len);
}

/* Hangs up a pseudo-terminal after 5 s unless told the test is done first:
 * a worker that went on to wait for frames on it then ends too. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean done;
  int      master;
} Hangup;

static gpointer
hangup_thread (gpointer data)
{
  Hangup *hangup = data;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_mutex_lock (&hangup->mutex);
  while (!hangup->done)
    if (!g_cond_wait_until (&hangup->cond, &hangup->mutex, end))
      break;
  g_mutex_unlock (&hangup->mutex);
  close (hangup->master);

  return NULL;
}

/* Started by hand, with a terminal for stdin: a clear refusal, exit 2, and
 * the terminal's file flags as they were (the worker makes its stdin
 * non-blocking, which would outlive it on a terminal). */
static void
test_refuse_terminal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *worker = fs_locate_helper ("fetchscope-worker", &error);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *err = NULL;
  Hangup hangup = { 0 };
  GThread *thread;
  int slave, flags;

  g_assert_no_error (error);
  g_assert_cmpint (openpty (&hangup.master, &slave, NULL, NULL, NULL), ==, 0);
  flags = fcntl (slave, F_GETFL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_take_stdin_fd (launcher, dup (slave));
  proc = g_subprocess_launcher_spawn (launcher, &error, worker, NULL);
  g_assert_no_error (error);

  thread = g_thread_new ("hangup", hangup_thread, &hangup);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_mutex_lock (&hangup.mutex);
  hangup.done = TRUE;
  g_cond_signal (&hangup.cond);
  g_mutex_unlock (&hangup.mutex);
  g_thread_join (thread);
  g_assert_no_error (error);

  g_test_message ("worker stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_nonnull (strstr (err, "stdin is a terminal"));
  g_assert_cmpint (fcntl (slave, F_GETFL), ==, flags);

  close (slave);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A worker that refuses its input exits before reading all of it. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/Fetchscope/Worker/reject/version", test_reject_version);
  g_test_add_func ("/Fetchscope/Worker/reject/magic", test_reject_magic);
  g_test_add_func ("/Fetchscope/Worker/reject/too-large", test_reject_too_large);
  g_test_add_func ("/Fetchscope/Worker/reject/truncated", test_reject_truncated);
  g_test_add_func ("/Fetchscope/Worker/reject/out-of-order", test_reject_out_of_order);
  g_test_add_func ("/Fetchscope/Worker/reject/noise", test_reject_noise);
  g_test_add_func ("/Fetchscope/Worker/refuse-terminal", test_refuse_terminal);
  g_test_add_data_func ("/Fetchscope/Worker/schemes/blocking",
                        GINT_TO_POINTER (FS_WORKER_MODE_BLOCKING), test_schemes);
  g_test_add_data_func ("/Fetchscope/Worker/schemes/loop",
                        GINT_TO_POINTER (FS_WORKER_MODE_LOOP), test_schemes);

  return g_test_run ();
}

/* test-url-source.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "fs-error.h"
#include "fs-url-source-private.h"

#define BASE_URL "http://127.0.0.1:4321"

typedef struct
{
  const char *url;
  const char *url_class;
} ExpectedJob;

typedef struct
{
  guint64     line;
  const char *message;
} ExpectedDiagnostic;

/* A stream of head, then filler_len bytes of 'x' made up on the fly, then
 * tail, then EOF or an error. It never holds the filler, so a huge line
 * costs the test nothing, and it records the biggest read it was asked for. */
#define TEST_TYPE_STREAM (test_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestStream, test_stream, TEST, STREAM, GInputStream)

struct _TestStream
{
  GInputStream  parent_instance;
  GBytes       *head;
  GBytes       *tail;
  guint64       filler_len;
  guint64       pos;
  gsize         max_count;
  gboolean      fail_at_end;
};

G_DEFINE_FINAL_TYPE (TestStream, test_stream, G_TYPE_INPUT_STREAM)

static gssize
test_stream_read (GInputStream  *stream,
                  void          *buffer,
                  gsize          count,
                  GCancellable  *cancellable,
                  GError       **error)
{
  TestStream *self = TEST_STREAM (stream);
  gsize head_len = g_bytes_get_size (self->head);
  guint64 filler_end = head_len + self->filler_len;
  guint64 end = filler_end + g_bytes_get_size (self->tail);
  char *out = buffer;
  gsize n = 0;

  self->max_count = MAX (self->max_count, count);

  while (n < count && self->pos < end)
    {
      gsize take;

      if (self->pos < head_len)
        {
          take = MIN (count - n, head_len - self->pos);
          memcpy (out + n, (const char *) g_bytes_get_data (self->head, NULL) + self->pos, take);
        }
      else if (self->pos < filler_end)
        {
          take = MIN (count - n, filler_end - self->pos);
          memset (out + n, 'x', take);
        }
      else
        {
          take = MIN (count - n, end - self->pos);
          memcpy (out + n,
                  (const char *) g_bytes_get_data (self->tail, NULL) + (self->pos - filler_end),
                  take);
        }

      n += take;
      self->pos += take;
    }

  if (n == 0 && self->fail_at_end)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "simulated read failure");
      return -1;
    }

  return n;
}

static void
test_stream_finalize (GObject *object)
{
  TestStream *self = TEST_STREAM (object);

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);

  G_OBJECT_CLASS (test_stream_parent_class)->finalize (object);
}

static void
test_stream_class_init (TestStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = test_stream_finalize;
  stream_class->read_fn = test_stream_read;
}

static void
test_stream_init (TestStream *self)
{
}

static TestStream *
test_stream_new (const char *head,
                 guint64     filler_len,
                 const char *tail,
                 gboolean    fail_at_end)
{
  TestStream *self = g_object_new (TEST_TYPE_STREAM, NULL);

  self->head = g_bytes_new (head, strlen (head));
  self->tail = g_bytes_new (tail, strlen (tail));
  self->filler_len = filler_len;
  self->fail_at_end = fail_at_end;

  return self;
}

static char *
make_url_file (const char *contents,
               gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fetchscope-test-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, "urls.txt", NULL);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);

  return path;
}

static void
remove_url_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static FsUrlSource *
source_for_data (const char *data,
                 gsize       len)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, len, NULL);

  return fs_url_source_new_for_stream (stream, "pasted");
}

/* Starts @source, pops every job until the queue is closed, and checks that
 * the source ended cleanly and counted what it pushed. */
static GPtrArray *
run_to_end (FsUrlSource *source,
            guint        capacity)
{
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (capacity);
  GPtrArray *jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_job_free);
  FsJob *job;

  fs_url_source_start (source, queue, NULL);
  while (fs_job_queue_pop (queue, NULL, &job) == FS_JOB_QUEUE_READY)
    g_ptr_array_add (jobs, job);
  fs_url_source_join (source);

  g_assert_true (fs_url_source_is_done (source));
  g_assert_true (fs_job_queue_is_closed (queue));
  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, jobs->len);

  for (guint i = 0; i < jobs->len; i++)
    {
      FsJob *j = g_ptr_array_index (jobs, i);

      g_assert_cmpuint (j->url_index, ==, i);
    }

  return jobs;
}

static void
assert_jobs (GPtrArray         *jobs,
             const ExpectedJob *expected,
             guint              n_expected)
{
  g_assert_cmpuint (jobs->len, ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      FsJob *job = g_ptr_array_index (jobs, i);

      g_assert_cmpstr (job->url, ==, expected[i].url);
      g_assert_cmpstr (job->url_class, ==, expected[i].url_class);
      if (job->url_class != NULL)
        g_assert_true (job->url_class == g_intern_string (expected[i].url_class));
    }
}

static void
assert_diagnostics (FsUrlSource              *source,
                    const ExpectedDiagnostic *expected,
                    guint                     n_expected)
{
  g_autoptr(GPtrArray) diagnostics = fs_url_source_dup_diagnostics (source);

  g_assert_cmpuint (fs_url_source_get_n_bad_lines (source), ==, n_expected);
  g_assert_cmpuint (diagnostics->len, ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      FsUrlDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

      g_assert_cmpuint (diagnostic->line, ==, expected[i].line);
      g_assert_cmpstr (diagnostic->message, ==, expected[i].message);
    }
}

static void
assert_no_error (FsUrlSource *source)
{
  g_autoptr(GError) error = fs_url_source_dup_error (source);

  g_assert_no_error (error);
}

static void
wait_for_queue_length (FsJobQueue *queue,
                       guint       length)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fs_job_queue_get_length (queue) < length)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static void
test_check (void)
{
  static const char *good[] = {
    "http://example.com",
    "https://example.com/a/b?c=d&e=f#g",
    "HTTP://EXAMPLE.COM/",
    "hTTpS://example.com",
    "http://127.0.0.1:8080/ping",
    "http://localhost",
    "http://[::1]:8080/delay/100",
    "https://[2001:db8::1]/",
    "http://user:secret@example.com/",
    "http://example.com/search?q=a%20b&lang=en",
    "http://example.com/caf\xc3\xa9",
  };
  static const struct {
    const char *url;
    const char *message;
  } bad[] = {
    { "", "empty URL" },
    { "ftp://example.com/", "unsupported scheme “ftp” (only http and https)" },
    { "file:///etc/passwd", "unsupported scheme “file” (only http and https)" },
    { "gopher://example.com/", "unsupported scheme “gopher” (only http and https)" },
    { "javascript:alert(1)", "unsupported scheme “javascript” (only http and https)" },
    { "/relative/path", "not an absolute URL (expected http:// or https://)" },
    { "example.com/page", "not an absolute URL (expected http:// or https://)" },
    { "//example.com/page", "not an absolute URL (expected http:// or https://)" },
    { "http://", "missing host" },
    { "http:///path", "missing host" },
    { "http:page", "missing host" },
    { "http://exa mple.com/", "URL contains whitespace" },
    { "http://example.com/a\tb", "URL contains whitespace" },
    { "http://example.com/\xc2\xa0", "URL contains whitespace" },
    { "http://example.com/\x01", "URL contains a control character" },
    { "http://example.com/\x7f", "URL contains a control character" },
    { "http://example.com/\xc2\x85", "URL contains a control character" },
    { "http://example.com/\xff", "URL is not valid UTF-8" },
    { "http://example.com/\xc0\xaf", "URL is not valid UTF-8" },
    { "http://example.com:99999/", "invalid port" },
    { "http://example.com:port/", "invalid port" },
    { "http://[::1/", "invalid host" },
    { "http://example.com/%zz", "invalid path (bad %-encoding?)" },
  };
  g_autoptr(GString) long_url = g_string_new ("http://example.com/");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (fs_url_check (good[i], &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (fs_url_check (bad[i].url, &error));
      g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_URL);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_assert_false (fs_url_check (bad[i].url, NULL));
    }

  /* Exactly at the limit is fine; one byte more is not. */
  while (long_url->len < FS_URL_MAX_LENGTH)
    g_string_append_c (long_url, 'a');
  g_assert_true (fs_url_check (long_url->str, NULL));
  g_string_append_c (long_url, 'a');
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fs_url_check (long_url->str, &error));
    g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_URL);
    g_assert_cmpstr (error->message, ==, "URL too long (over 8192 bytes)");
  }
}

static void
test_file (void)
{
  static const char contents[] =
    "# Fetchscope test list\n"                                  /* 1 */
    "\n"                                                        /* 2 */
    "http://example.com/a\n"                                    /* 3 */
    "  https://example.com/b  regular  \r\n"                    /* 4 */
    "ftp://example.com/c\n"                                     /* 5 */
    "http://example.com/d # trailing comment\r\n"               /* 6 */
    "garbage\n"                                                 /* 7 */
    "http://example.com/e slow extra\n"                         /* 8 */
    "http://example.com/f bad!class\n"                          /* 9 */
    "\t \r\n"                                                   /* 10 */
    "   # indented comment\n"                                   /* 11 */
    "HTTP://Example.com:8080/g?x=1&y=2#top cpu-heavy_2\n"       /* 12 */
    "http://example.com/h\tslow # comment after a class\n"      /* 13 */
    "http://example.com/i ccccccccccccccccccccccccccccccccc\n"  /* 14 */
    "http:// regular\n"                                         /* 15 */
    "http://[::1]:8080/j\n"                                     /* 16 */
    "http://example.com/last";                                  /* 17, no newline */
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/a", NULL },
    { "https://example.com/b", "regular" },
    { "http://example.com/d", NULL },
    { "HTTP://Example.com:8080/g?x=1&y=2#top", "cpu-heavy_2" },
    { "http://example.com/h", "slow" },
    { "http://[::1]:8080/j", NULL },
    { "http://example.com/last", NULL },
  };
  static const ExpectedDiagnostic expected_diagnostics[] = {
    { 5, "unsupported scheme “ftp” (only http and https)" },
    { 7, "not an absolute URL (expected http:// or https://)" },
    { 8, "too many columns (expected a URL and an optional class)" },
    { 9, "invalid class “bad!class” (only letters, digits, ‘-’ and ‘_’)" },
    { 14, "class too long (over 32 characters)" },
    { 15, "missing host" },
  };
  g_autofree char *path = make_url_file (contents, sizeof contents - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_path (path, &error);
  g_autoptr(GPtrArray) jobs = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (fs_url_source_get_display_name (source), ==, path);
  g_assert_false (fs_url_source_is_done (source));

  jobs = run_to_end (source, 4);
  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, expected_diagnostics, G_N_ELEMENTS (expected_diagnostics));
  assert_no_error (source);

  g_assert_finalize_object (g_steal_pointer (&source));
  remove_url_file (path);
}

static void
test_byte_order_mark (void)
{
  static const char contents[] = "\xef\xbb\xbfhttp://example.com/a\nhttp://example.com/b\n";
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/a", NULL },
    { "http://example.com/b", NULL },
  };
  g_autoptr(FsUrlSource) source = source_for_data (contents, sizeof contents - 1);
  g_autoptr(GPtrArray) jobs = run_to_end (source, 0);

  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, NULL, 0);
}

static void
test_long_line (void)
{
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/1", NULL },
    { "http://example.com/2", NULL },
    { NULL, NULL },   /* the URL of exactly FS_URL_MAX_LENGTH bytes */
    { "http://example.com/3", NULL },
  };
  static const ExpectedDiagnostic expected_diagnostics[] = {
    { 2, "line too long (over 8192 bytes)" },
    { 4, "line too long (over 8192 bytes)" },
  };
  g_autoptr(GString) contents = g_string_new ("http://example.com/1\n");
  g_autoptr(GString) max_url = g_string_new ("http://example.com/");
  g_autoptr(GError) error = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autofree char *path = NULL;
  ExpectedJob expected[G_N_ELEMENTS (expected_jobs)];

  while (max_url->len < FS_URL_MAX_LENGTH)
    g_string_append_c (max_url, 'm');

  for (guint i = 0; i < 10 * 1024 * 1024; i++)
    g_string_append_c (contents, 'a');
  g_string_append (contents, "\nhttp://example.com/2\n");
  for (guint i = 0; i < FS_URL_MAX_LENGTH + 1; i++)
    g_string_append_c (contents, 'b');
  g_string_append_printf (contents, "\n%s\r\nhttp://example.com/3", max_url->str);

  memcpy (expected, expected_jobs, sizeof expected);
  expected[2].url = max_url->str;

  path = make_url_file (contents->str, contents->len);
  source = fs_url_source_new_for_path (path, &error);
  g_assert_no_error (error);

  jobs = run_to_end (source, 2);
  assert_jobs (jobs, expected, G_N_ELEMENTS (expected));
  assert_diagnostics (source, expected_diagnostics, G_N_ELEMENTS (expected_diagnostics));
  assert_no_error (source);

  remove_url_file (path);
}

static gsize
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  if ((line = strstr (status, "\nVmHWM:")) == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen ("\nVmHWM:"), NULL, 10);
}

/* A 256 MiB line that exists nowhere: if the reader kept a whole line, the
 * peak RSS of this process would grow by at least that much. */
static void
test_huge_line_bounded (void)
{
  const guint64 filler_len = 256 * 1024 * 1024;
  const char *head = "http://example.com/1\n";
  const char *tail = "\nhttp://example.com/2\n";
  g_autoptr(TestStream) stream = test_stream_new (head, filler_len, tail, FALSE);
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_stream (G_INPUT_STREAM (stream), "huge");
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/1", NULL },
    { "http://example.com/2", NULL },
  };
  static const ExpectedDiagnostic expected_diagnostics[] = {
    { 2, "line too long (over 8192 bytes)" },
  };
  g_autoptr(GPtrArray) jobs = NULL;
  gsize peak_before = peak_rss_kb ();
  gsize peak_after;

  jobs = run_to_end (source, 1);
  peak_after = peak_rss_kb ();

  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, expected_diagnostics, G_N_ELEMENTS (expected_diagnostics));
  assert_no_error (source);
  g_assert_cmpuint (stream->pos, ==, strlen (head) + filler_len + strlen (tail));
  g_assert_cmpuint (stream->max_count, <=, 1024 * 1024);

  if (peak_before == 0 || peak_after == 0)
    g_test_message ("no /proc/self/status: peak memory not checked");
  else
    g_assert_cmpuint (peak_after - peak_before, <, 32 * 1024);
}

static void
test_nul_bytes (void)
{
  static const char contents[] =
    "http://example.com/1\n"
    "http://exa\0mple.com/2\n"
    "\0\n"
    "http://example.com/3 cl\0ss\n"
    "http://example.com/4\n";
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/1", NULL },
    { "http://example.com/4", NULL },
  };
  static const ExpectedDiagnostic expected_diagnostics[] = {
    { 2, "line contains a NUL byte" },
    { 3, "line contains a NUL byte" },
    { 4, "line contains a NUL byte" },
  };
  g_autoptr(FsUrlSource) source = source_for_data (contents, sizeof contents - 1);
  g_autoptr(GPtrArray) jobs = run_to_end (source, 0);

  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, expected_diagnostics, G_N_ELEMENTS (expected_diagnostics));
  assert_no_error (source);
}

static void
test_invalid_utf8 (void)
{
  static const char contents[] =
    "http://example.com/\xff\xfe\n"
    "http://example.com/\xc0\xaf\n"
    "http://example.com/ok \xe2\x82\n"
    "http://example.com/caf\xc3\xa9 r\xc3\xa9gular\n"
    "http://example.com/caf\xc3\xa9\n";
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/caf\xc3\xa9", NULL },
  };
  static const ExpectedDiagnostic expected_diagnostics[] = {
    { 1, "line is not valid UTF-8" },
    { 2, "line is not valid UTF-8" },
    { 3, "line is not valid UTF-8" },
    { 4, "invalid class “r\xc3\xa9gular” (only letters, digits, ‘-’ and ‘_’)" },
  };
  g_autoptr(FsUrlSource) source = source_for_data (contents, sizeof contents - 1);
  g_autoptr(GPtrArray) jobs = run_to_end (source, 0);

  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, expected_diagnostics, G_N_ELEMENTS (expected_diagnostics));
}

static void
check_garbage (const char *data,
               gsize       len)
{
  g_autoptr(FsUrlSource) source = source_for_data (data, len);
  g_autoptr(GPtrArray) jobs = run_to_end (source, 8);
  g_autoptr(GPtrArray) diagnostics = fs_url_source_dup_diagnostics (source);
  guint64 n_lines = 1;

  for (gsize i = 0; i < len; i++)
    n_lines += data[i] == '\n';

  assert_no_error (source);
  g_assert_cmpuint (jobs->len + fs_url_source_get_n_bad_lines (source), <=, n_lines);
  g_assert_cmpuint (diagnostics->len, <=, FS_URL_MAX_DIAGNOSTICS);

  for (guint i = 0; i < jobs->len; i++)
    {
      FsJob *job = g_ptr_array_index (jobs, i);

      g_assert_true (fs_url_check (job->url, NULL));
    }

  for (guint i = 0; i < diagnostics->len; i++)
    {
      FsUrlDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

      g_assert_cmpuint (diagnostic->line, >=, 1);
      g_assert_cmpuint (diagnostic->line, <=, n_lines);
      g_assert_true (g_utf8_validate (diagnostic->message, -1, NULL));
      g_assert_cmpuint (strlen (diagnostic->message), <, 200);
      if (i > 0)
        {
          FsUrlDiagnostic *previous = g_ptr_array_index (diagnostics, i - 1);

          g_assert_cmpuint (diagnostic->line, >, previous->line);
        }
    }
}

static void
test_garbage (void)
{
  /* Pieces that reach every branch of the line parser when shuffled. */
  static const char *pieces[] = {
    "http://", "https://", "ftp://", "h", "e", ".", ":", "/", "[", "]", "%", "%4", "#", " ",
    "\t", "\r", "\n", "\r\n", "\0", "\x01", "\xff", "\xc3\xa9", "\xe2\x82", "-", "_", "?", "=",
    "@", "80", "99999", "::1",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  /* Pure binary noise. */
  for (guint i = 0; i < 4 * 1024 * 1024; i++)
    {
      guint8 byte = g_rand_int_range (rand, 0, 256);

      g_byte_array_append (bytes, &byte, 1);
    }
  check_garbage ((const char *) bytes->data, bytes->len);

  /* Noise made of URL fragments, so that some lines almost parse. */
  g_byte_array_set_size (bytes, 0);
  for (guint i = 0; i < 200000; i++)
    {
      const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

      g_byte_array_append (bytes, (const guint8 *) piece, MAX (strlen (piece), 1));
    }
  check_garbage ((const char *) bytes->data, bytes->len);
}

static void
test_too_many_diagnostics (void)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;

  for (guint i = 0; i < 1500; i++)
    g_string_append (contents, "ftp://example.com/\n");
  g_string_append (contents, "http://example.com/\n");

  source = source_for_data (contents->str, contents->len);
  jobs = run_to_end (source, 0);
  diagnostics = fs_url_source_dup_diagnostics (source);

  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpuint (fs_url_source_get_n_bad_lines (source), ==, 1500);
  g_assert_cmpuint (diagnostics->len, ==, FS_URL_MAX_DIAGNOSTICS);
  g_assert_cmpuint (((FsUrlDiagnostic *) diagnostics->pdata[FS_URL_MAX_DIAGNOSTICS - 1])->line,
                    ==, FS_URL_MAX_DIAGNOSTICS);
}

/* A 1,000,000-line file, every 1000th line bad, read through a bounded
 * queue: every good line becomes a job in order, every bad one is counted,
 * and the diagnostics stop at their cap while the counting goes on. */
static void
test_million_lines (void)
{
  const guint n_lines = 1000000;
  g_autoptr(GString) contents = g_string_sized_new (n_lines * 32);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (1024);
  g_autoptr(GPtrArray) diagnostics = NULL;
  guint64 n_jobs = 0;
  FsJob *job;

  for (guint i = 1; i <= n_lines; i++)
    {
      if (i % 1000 == 0)
        g_string_append_printf (contents, "ftp://example.com/%u\n", i);
      else
        g_string_append_printf (contents, "http://example.com/%u\n", i);
    }

  stream = g_memory_input_stream_new_from_data (contents->str, contents->len, NULL);
  source = fs_url_source_new_for_stream (stream, "million");
  fs_url_source_start (source, queue, NULL);

  while (fs_job_queue_pop (queue, NULL, &job) == FS_JOB_QUEUE_READY)
    {
      guint64 line = n_jobs + 1 + n_jobs / 999;

      /* Checked by hand, not by g_assert_cmpstr: a million of those is slow. */
      if (job->url_index != n_jobs ||
          g_ascii_strtoull (job->url + strlen ("http://example.com/"), NULL, 10) != line)
        g_error ("job %" G_GUINT64_FORMAT " is %s", n_jobs, job->url);
      n_jobs++;
      fs_job_free (job);
    }
  fs_url_source_join (source);

  assert_no_error (source);
  g_assert_cmpuint (n_jobs, ==, n_lines - n_lines / 1000);
  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, n_jobs);
  g_assert_cmpuint (fs_url_source_get_n_bad_lines (source), ==, n_lines / 1000);
  diagnostics = fs_url_source_dup_diagnostics (source);
  g_assert_cmpuint (diagnostics->len, ==, MIN (n_lines / 1000, FS_URL_MAX_DIAGNOSTICS));
  g_assert_cmpuint (((FsUrlDiagnostic *) g_ptr_array_index (diagnostics, 0))->line, ==, 1000);
}

/* The fuzzer's entry point parses like the reader thread does, however
 * the input is split into reads. */
static void
test_parse_buffer_chunks (void)
{
  static const char contents[] =
    "\xef\xbb\xbfhttp://example.com/1 regular\r\n"
    "# comment\n"
    "ftp://example.com/\n"
    "   http://example.com/2#top   # comment\n"
    "http://exa\0mple.com/\n"
    "http://example.com/\xff\n"
    "http://example.com/3 a b\n"
    "https://example.com/4";
  static const gsize chunk_sizes[] = { 0, 1, 2, 3, 7, 64, 1000 };
  g_autoptr(FsUrlSource) threaded = source_for_data (contents, sizeof contents - 1);
  g_autoptr(GPtrArray) expected_jobs = run_to_end (threaded, 0);
  g_autoptr(GPtrArray) expected_diagnostics = fs_url_source_dup_diagnostics (threaded);

  g_assert_cmpuint (expected_jobs->len, ==, 3);
  g_assert_cmpuint (expected_diagnostics->len, ==, 4);

  for (guint c = 0; c < G_N_ELEMENTS (chunk_sizes); c++)
    {
      g_autoptr(GInputStream) unused = g_memory_input_stream_new ();
      g_autoptr(FsUrlSource) source = fs_url_source_new_for_stream (unused, "buffer");
      g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
      g_autoptr(GPtrArray) diagnostics = NULL;
      FsJob *job;
      guint n = 0;

      _fs_url_source_parse_buffer (source, queue, contents, sizeof contents - 1, chunk_sizes[c]);
      g_assert_true (fs_url_source_is_done (source));

      while (fs_job_queue_try_pop (queue, &job) == FS_JOB_QUEUE_READY)
        {
          g_autoptr(FsJob) owned = job;
          FsJob *expected = g_ptr_array_index (expected_jobs, n++);

          g_assert_cmpstr (job->url, ==, expected->url);
          g_assert_true (job->url_class == expected->url_class);
        }
      g_assert_cmpuint (n, ==, expected_jobs->len);

      diagnostics = fs_url_source_dup_diagnostics (source);
      g_assert_cmpuint (diagnostics->len, ==, expected_diagnostics->len);
      for (guint i = 0; i < diagnostics->len; i++)
        {
          FsUrlDiagnostic *d = g_ptr_array_index (diagnostics, i);
          FsUrlDiagnostic *e = g_ptr_array_index (expected_diagnostics, i);

          g_assert_cmpuint (d->line, ==, e->line);
          g_assert_cmpstr (d->message, ==, e->message);
        }
    }
}

/* The reader skips the full check for URLs on the origin of the last one
 * it accepted: it must accept and refuse exactly what fs_url_check() does,
 * with the same message, whatever follows the origin. */
static void
test_same_origin (void)
{
  static const char *lines[] = {
    "http://example.com:8080/a",
    "http://example.com:8080/%zz",
    "http://example.com:8080/b?c=%zz",
    "http://example.com:8080/b#frag",
    "http://example.com:8080/b#%zz",
    "http://example.com:8080",
    "http://example.com:8080?q=1&r=(2)",
    "http://example.com:80800/",
    "http://example.com:8080.evil/",
    "http://example.com:8080:1/",
    "http://example.com:8080/caf\xc3\xa9",
    "http://example.com:8080/caf\xc2\xa0",
    "http://example.com:8080/a\x7f",
    "http://example.com:8080/a%20b",
    "http://example.com:8080/[x]",
    "http://example.com:8080/a\\b",
    "http://example.com:8080/<x>{y}|`^\"",
    "http://example.com:8080@evil.com/",
    "http://example.com:8080/x",
    "http://example.com:8080/-._~!$&'()*+,;=:@/?/?",
    "https://example.com:8080/a",
    "HTTP://example.com:8080/a",
    "http://example.com/",
    "http://example.com/a/../../b",
    "http://example.com//a",
  };
  g_autoptr(GInputStream) unused = g_memory_input_stream_new ();
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_stream (unused, "buffer");
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GString) contents = g_string_new (NULL);
  guint n_good = 0, n_bad = 0;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_string_append_printf (contents, "%s\n", lines[i]);

  _fs_url_source_parse_buffer (source, queue, contents->str, contents->len, 0);
  g_assert_true (fs_url_source_is_done (source));
  diagnostics = fs_url_source_dup_diagnostics (source);

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = NULL;

      if (fs_url_check (lines[i], &error))
        {
          g_autoptr(FsJob) job = NULL;

          g_assert_cmpint (fs_job_queue_try_pop (queue, &job), ==, FS_JOB_QUEUE_READY);
          g_assert_cmpstr (job->url, ==, lines[i]);
          n_good++;
        }
      else
        {
          FsUrlDiagnostic *d;

          g_assert_cmpuint (n_bad, <, diagnostics->len);
          d = g_ptr_array_index (diagnostics, n_bad++);
          g_assert_cmpuint (d->line, ==, i + 1);
          g_assert_cmpstr (d->message, ==, error->message);
        }
    }

  g_assert_cmpuint (diagnostics->len, ==, n_bad);
  /* Both kinds, many of each, or this tests nothing. */
  g_assert_cmpuint (n_good, >=, 12);
  g_assert_cmpuint (n_bad, >=, 8);
}

/* Classes are interned for the life of the process, so one list may name
 * at most FS_URL_MAX_CLASSES of them; lines with a class beyond that are
 * bad lines, lines with a class already seen are not. */
static void
test_too_many_classes (void)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;

  for (guint i = 0; i < FS_URL_MAX_CLASSES + 5; i++)
    g_string_append_printf (contents, "http://example.com/%u class%u\n", i, i);
  g_string_append (contents, "http://example.com/again class7\n");

  source = source_for_data (contents->str, contents->len);
  jobs = run_to_end (source, 0);
  diagnostics = fs_url_source_dup_diagnostics (source);

  g_assert_cmpuint (jobs->len, ==, FS_URL_MAX_CLASSES + 1);
  g_assert_cmpstr (((FsJob *) g_ptr_array_index (jobs, FS_URL_MAX_CLASSES))->url_class, ==,
                   "class7");
  g_assert_cmpuint (fs_url_source_get_n_bad_lines (source), ==, 5);
  g_assert_cmpuint (((FsUrlDiagnostic *) diagnostics->pdata[0])->line, ==, FS_URL_MAX_CLASSES + 1);
  g_assert_cmpstr (((FsUrlDiagnostic *) diagnostics->pdata[0])->message, ==,
                   "too many classes (at most 1000 in one list)");
}

static void
test_empty (void)
{
  static const char *contents[] = { "", "\n\n", "# only a comment", "  \r\n# x\r\n\t\n" };

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autofree char *path = make_url_file (contents[i], strlen (contents[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(FsUrlSource) source = fs_url_source_new_for_path (path, &error);
      g_autoptr(GPtrArray) jobs = NULL;

      g_assert_no_error (error);
      jobs = run_to_end (source, 1);
      g_assert_cmpuint (jobs->len, ==, 0);
      assert_diagnostics (source, NULL, 0);
      assert_no_error (source);
      remove_url_file (path);
    }
}

static void
test_missing_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fetchscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "no-such-urls.txt", NULL);
  FsUrlSource *source;

  g_assert_no_error (error);

  source = fs_url_source_new_for_path (path, &error);
  g_assert_null (source);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* GIO names the canonical path; the message must still name the one given. */
  source = fs_url_source_new_for_path ("./no-such-dir/../no-such-urls.txt", &error);
  g_assert_null (source);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "./no-such-dir/../no-such-urls.txt"));
  g_clear_error (&error);

  source = fs_url_source_new_for_path (dir, &error);
  g_assert_null (source);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  source = fs_url_source_new_for_path ("", &error);
  g_assert_null (source);
  g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);

  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The reader must stay a bounded distance ahead of the consumer: with a
 * capacity of 16, it has read 16 URLs of the million when the first is popped. */
static void
test_streaming (void)
{
  const guint n_lines = 1000000;
  g_autoptr(GError) error = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (16);
  g_autoptr(FsUrlSource) source = NULL;
  g_autofree char *path = NULL;
  guint64 expected = 0;
  FILE *file;
  FsJob *job;
  int fd;

  fd = g_file_open_tmp ("fetchscope-urls-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  file = fdopen (fd, "w");
  g_assert_nonnull (file);
  for (guint i = 0; i < n_lines; i++)
    fprintf (file, "http://127.0.0.1/page/regular/%u regular\n", i);
  g_assert_cmpint (fclose (file), ==, 0);

  source = fs_url_source_new_for_path (path, &error);
  g_assert_no_error (error);
  fs_url_source_start (source, queue, NULL);

  wait_for_queue_length (queue, 16);
  /* Time for a reader that ignored the capacity to run far ahead. */
  g_usleep (200 * 1000);
  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, 16);
  g_assert_false (fs_url_source_is_done (source));

  g_assert_cmpint (fs_job_queue_pop (queue, NULL, &job), ==, FS_JOB_QUEUE_READY);
  g_assert_cmpuint (job->url_index, ==, 0);
  g_assert_cmpstr (job->url, ==, "http://127.0.0.1/page/regular/0");
  fs_job_free (job);
  expected++;

  g_usleep (50 * 1000);
  g_assert_cmpuint (fs_url_source_get_n_urls (source), <=, 16 + 2);

  while (fs_job_queue_pop (queue, NULL, &job) == FS_JOB_QUEUE_READY)
    {
      g_assert_cmpuint (job->url_index, ==, expected);
      expected++;
      fs_job_free (job);
    }

  fs_url_source_join (source);
  g_assert_cmpuint (expected, ==, n_lines);
  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, n_lines);
  g_assert_cmpuint (fs_url_source_get_n_bad_lines (source), ==, 0);
  assert_no_error (source);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_limit (void)
{
  static const char contents[] =
    "http://example.com/1\n"
    "ftp://example.com/bad\n"
    "http://example.com/2\n"
    "http://example.com/3\n"
    "ftp://example.com/never-read\n"
    "http://example.com/4\n";
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/1", NULL },
    { "http://example.com/2", NULL },
    { "http://example.com/3", NULL },
  };
  static const ExpectedDiagnostic expected_diagnostics[] = {
    { 2, "unsupported scheme “ftp” (only http and https)" },
  };
  g_autoptr(FsUrlSource) source = source_for_data (contents, sizeof contents - 1);
  g_autoptr(FsUrlSource) preset = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  fs_url_source_set_limit (source, 3);
  jobs = run_to_end (source, 0);
  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, expected_diagnostics, G_N_ELEMENTS (expected_diagnostics));
  g_clear_pointer (&jobs, g_ptr_array_unref);

  preset = fs_url_source_new_for_preset ("mixed", BASE_URL, 0, &error);
  g_assert_no_error (error);
  fs_url_source_set_limit (preset, 15);
  jobs = run_to_end (preset, 4);
  g_assert_cmpuint (jobs->len, ==, 15);
  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_clear_object (&preset);

  /* A limit above the count changes nothing; 0 means no limit. */
  preset = fs_url_source_new_for_preset ("regular", BASE_URL, 10, &error);
  g_assert_no_error (error);
  fs_url_source_set_limit (preset, 1000);
  jobs = run_to_end (preset, 0);
  g_assert_cmpuint (jobs->len, ==, 10);
}

/* Cancelling a reader blocked on a full queue ends it and closes the queue. */
static void
test_cancel_blocked_on_queue (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (16);
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_preset ("ping", BASE_URL, 1000000, &error);
  FsJob *job;
  guint n_popped = 0;

  g_assert_no_error (error);
  fs_url_source_start (source, queue, cancellable);
  wait_for_queue_length (queue, 16);
  g_assert_false (fs_url_source_is_done (source));

  g_cancellable_cancel (cancellable);
  fs_url_source_join (source);

  g_assert_true (fs_url_source_is_done (source));
  g_assert_true (fs_job_queue_is_closed (queue));
  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, 16);
  assert_no_error (source);

  while (fs_job_queue_pop (queue, NULL, &job) == FS_JOB_QUEUE_READY)
    {
      n_popped++;
      fs_job_free (job);
    }
  g_assert_cmpuint (n_popped, ==, 16);
}

/* Cancelling a reader blocked in read (stdin with nothing to say) ends it. */
static void
test_cancel_blocked_on_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (16);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(FsJob) first = NULL;
  const char line[] = "http://example.com/first class\n";
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  stream = g_unix_input_stream_new (fds[0], TRUE);
  source = fs_url_source_new_for_stream (stream, "stdin");
  g_assert_cmpstr (fs_url_source_get_display_name (source), ==, "stdin");

  fs_url_source_start (source, queue, cancellable);

  /* A line arrives without EOF: it is a job at once. */
  g_assert_cmpint (write (fds[1], line, strlen (line)), ==, strlen (line));
  g_assert_cmpint (fs_job_queue_pop (queue, NULL, &first), ==, FS_JOB_QUEUE_READY);
  g_assert_cmpstr (first->url, ==, "http://example.com/first");
  g_assert_cmpstr (first->url_class, ==, "class");

  g_usleep (20 * 1000);
  g_assert_false (fs_url_source_is_done (source));
  g_cancellable_cancel (cancellable);
  fs_url_source_join (source);

  g_assert_true (fs_url_source_is_done (source));
  g_assert_true (fs_job_queue_is_closed (queue));
  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, 1);
  assert_no_error (source);

  close (fds[1]);
}

/* Dropping a running source stops its reader instead of leaking or hanging. */
static void
test_unref_while_running (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (2);
  g_autoptr(GInputStream) stream = NULL;
  FsUrlSource *source;
  FsJob *job;
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  stream = g_unix_input_stream_new (fds[0], TRUE);
  source = fs_url_source_new_for_stream (stream, "stdin");
  fs_url_source_start (source, queue, NULL);
  g_assert_false (fs_job_queue_is_closed (queue));

  g_assert_finalize_object (source);
  g_assert_true (fs_job_queue_is_closed (queue));
  g_assert_cmpint (fs_job_queue_pop (queue, NULL, &job), ==, FS_JOB_QUEUE_CLOSED);

  /* Also when blocked on a full queue nobody drains. */
  source = fs_url_source_new_for_preset ("ping", BASE_URL, 1000000, &error);
  g_assert_no_error (error);
  g_clear_pointer (&queue, fs_job_queue_unref);
  queue = fs_job_queue_new (2);
  fs_url_source_start (source, queue, NULL);
  wait_for_queue_length (queue, 2);
  g_assert_finalize_object (source);
  g_assert_true (fs_job_queue_is_closed (queue));

  close (fds[1]);
}

static void
test_read_error (void)
{
  g_autoptr(TestStream) stream = test_stream_new ("http://example.com/1\nhttp://example.com/2\n"
                                                  "http://example.com/partial",
                                                  0, "", TRUE);
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_stream (G_INPUT_STREAM (stream), "broken");
  static const ExpectedJob expected_jobs[] = {
    { "http://example.com/1", NULL },
    { "http://example.com/2", NULL },
  };
  g_autoptr(GPtrArray) jobs = run_to_end (source, 0);
  g_autoptr(GError) error = fs_url_source_dup_error (source);

  /* The line cut short by the error is not run. */
  assert_jobs (jobs, expected_jobs, G_N_ELEMENTS (expected_jobs));
  assert_diagnostics (source, NULL, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "error reading broken: simulated read failure");
}

static GPtrArray *
run_preset (const char *name,
            guint64     count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_preset (name, BASE_URL, count, &error);
  GPtrArray *jobs;

  g_assert_no_error (error);
  jobs = run_to_end (source, 64);
  assert_diagnostics (source, NULL, 0);
  assert_no_error (source);

  return jobs;
}

static guint
count_class (GPtrArray  *jobs,
             const char *url_class)
{
  guint n = 0;

  for (guint i = 0; i < jobs->len; i++)
    n += ((FsJob *) jobs->pdata[i])->url_class == g_intern_string (url_class);

  return n;
}

static void
assert_job (GPtrArray  *jobs,
            guint       i,
            const char *path,
            const char *url_class)
{
  FsJob *job = g_ptr_array_index (jobs, i);
  g_autofree char *url = g_strconcat (BASE_URL, path, NULL);

  g_assert_cmpstr (job->url, ==, url);
  g_assert_cmpstr (job->url_class, ==, url_class);
}

static void
test_presets (void)
{
  guint n_presets = 0;
  const FsUrlPreset *presets = fs_url_presets (&n_presets);

  g_assert_cmpuint (n_presets, ==, 8);

  for (guint i = 0; i < n_presets; i++)
    {
      g_autoptr(GPtrArray) jobs = run_preset (presets[i].name, 0);

      g_assert_true (fs_url_preset_lookup (presets[i].name) == &presets[i]);
      g_assert_cmpuint (strlen (presets[i].description), >, 10);
      g_assert_null (strchr (presets[i].description, '\n'));
      g_assert_cmpuint (jobs->len, ==, presets[i].default_count);

      for (guint j = 0; j < jobs->len; j++)
        g_assert_true (fs_url_check (((FsJob *) jobs->pdata[j])->url, NULL));
    }
  g_assert_null (fs_url_preset_lookup ("nope"));

  {
    g_autoptr(GPtrArray) jobs = run_preset ("mixed", 0);

    g_assert_cmpuint (jobs->len, ==, 200);
    g_assert_cmpuint (count_class (jobs, "regular"), ==, 160);
    g_assert_cmpuint (count_class (jobs, "slow"), ==, 20);
    g_assert_cmpuint (count_class (jobs, "failing"), ==, 20);
    assert_job (jobs, 0, "/page/regular/0", "regular");
    assert_job (jobs, 3, "/page/slow/3", "slow");
    assert_job (jobs, 7, "/page/failing/7", "failing");
    assert_job (jobs, 9, "/page/regular/9", "regular");
    assert_job (jobs, 193, "/page/slow/193", "slow");
    assert_job (jobs, 199, "/page/regular/199", "regular");
  }

  {
    g_autoptr(GPtrArray) jobs = run_preset ("graph", 2500);

    g_assert_cmpuint (jobs->len, ==, 2500);
    g_assert_cmpuint (count_class (jobs, "api"), ==, 2500);
    assert_job (jobs, 0, "/api/0", "api");
    assert_job (jobs, 999, "/api/999", "api");
    assert_job (jobs, 1000, "/api/0", "api");
    assert_job (jobs, 2499, "/api/499", "api");
  }

  {
    g_autoptr(GPtrArray) jobs = run_preset ("cpu", 0);

    g_assert_cmpuint (count_class (jobs, "cpu"), ==, 30);
    g_assert_cmpuint (count_class (jobs, "multicore"), ==, 10);
    assert_job (jobs, 0, "/page/cpu/0", "cpu");
    assert_job (jobs, 3, "/page/multicore/3", "multicore");
    assert_job (jobs, 39, "/page/multicore/39", "multicore");
  }

  {
    static const char *simple[] = { "slow", "regular", "failing" };

    for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
      {
        g_autoptr(GPtrArray) jobs = run_preset (simple[i], 7);
        g_autofree char *last = g_strdup_printf ("/page/%s/6", simple[i]);

        g_assert_cmpuint (jobs->len, ==, 7);
        g_assert_cmpuint (count_class (jobs, simple[i]), ==, 7);
        assert_job (jobs, 6, last, simple[i]);
      }
  }

  {
    g_autoptr(GPtrArray) jobs = run_preset ("ping", 0);

    g_assert_cmpuint (count_class (jobs, "ping"), ==, 10000);
    assert_job (jobs, 9999, "/ping", "ping");
  }

  {
    g_autoptr(GPtrArray) jobs = run_preset ("delay", 0);

    g_assert_cmpuint (count_class (jobs, "delay"), ==, 2000);
    assert_job (jobs, 1999, "/delay/100", "delay");
  }
}

static void
test_preset_errors (void)
{
  static const struct {
    const char *base_url;
    const char *message;
  } bad[] = {
    { "", "invalid base URL: empty URL" },
    { "ftp://127.0.0.1:4321", "invalid base URL: unsupported scheme “ftp” (only http and https)" },
    { "127.0.0.1:4321", "invalid base URL: not an absolute URL (expected http:// or https://)" },
    { "http://", "invalid base URL: missing host" },
    { "http://127.0.0.1:4321/?x=1", "invalid base URL: no query or fragment allowed" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FsUrlSource) source = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  guint n_presets;
  const FsUrlPreset *presets = fs_url_presets (&n_presets);

  source = fs_url_source_new_for_preset ("nope", BASE_URL, 0, &error);
  g_assert_null (source);
  g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message, "unknown preset “nope” (valid: mixed, "));
  for (guint i = 0; i < n_presets; i++)
    g_assert_nonnull (strstr (error->message, presets[i].name));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      source = fs_url_source_new_for_preset ("mixed", bad[i].base_url, 0, &error);
      g_assert_null (source);
      g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_URL);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_clear_error (&error);
    }

  /* A trailing slash does not double the slash in the URLs. */
  source = fs_url_source_new_for_preset ("ping", BASE_URL "/", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fs_url_source_get_display_name (source), ==, "ping preset");
  jobs = run_to_end (source, 0);
  assert_job (jobs, 1, "/ping", "ping");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/UrlSource/check", test_check);
  g_test_add_func ("/Fetchscope/UrlSource/file", test_file);
  g_test_add_func ("/Fetchscope/UrlSource/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/Fetchscope/UrlSource/long-line", test_long_line);
  g_test_add_func ("/Fetchscope/UrlSource/huge-line-bounded", test_huge_line_bounded);
  g_test_add_func ("/Fetchscope/UrlSource/nul-bytes", test_nul_bytes);
  g_test_add_func ("/Fetchscope/UrlSource/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/Fetchscope/UrlSource/garbage", test_garbage);
  g_test_add_func ("/Fetchscope/UrlSource/too-many-diagnostics", test_too_many_diagnostics);
  g_test_add_func ("/Fetchscope/UrlSource/empty", test_empty);
  g_test_add_func ("/Fetchscope/UrlSource/million-lines", test_million_lines);
  g_test_add_func ("/Fetchscope/UrlSource/too-many-classes", test_too_many_classes);
  g_test_add_func ("/Fetchscope/UrlSource/parse-buffer-chunks", test_parse_buffer_chunks);
  g_test_add_func ("/Fetchscope/UrlSource/same-origin", test_same_origin);
  g_test_add_func ("/Fetchscope/UrlSource/missing-path", test_missing_path);
  g_test_add_func ("/Fetchscope/UrlSource/streaming", test_streaming);
  g_test_add_func ("/Fetchscope/UrlSource/limit", test_limit);
  g_test_add_func ("/Fetchscope/UrlSource/cancel-blocked-on-queue", test_cancel_blocked_on_queue);
  g_test_add_func ("/Fetchscope/UrlSource/cancel-blocked-on-read", test_cancel_blocked_on_read);
  g_test_add_func ("/Fetchscope/UrlSource/unref-while-running", test_unref_while_running);
  g_test_add_func ("/Fetchscope/UrlSource/read-error", test_read_error);
  g_test_add_func ("/Fetchscope/UrlSource/presets", test_presets);
  g_test_add_func ("/Fetchscope/UrlSource/preset-errors", test_preset_errors);

  return g_test_run ();
}

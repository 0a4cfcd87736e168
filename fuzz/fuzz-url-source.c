/* fuzz-url-source.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer harness for the URL list reader: any bytes as a URL file, fed
 * in pieces whose size the first byte picks (reads split lines anywhere).
 * Beyond not crashing, what comes out must hold: every job a URL that
 * fs_url_check() accepts, jobs numbered in order, no more jobs and bad
 * lines than lines, diagnostics in line order, in UTF-8 and short.
 */

#include "config.h"

#include <string.h>

#include "fs-url-source-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GInputStream) unused = g_memory_input_stream_new ();
  g_autoptr(FsUrlSource) source = fs_url_source_new_for_stream (unused, "fuzz");
  g_autoptr(FsJobQueue) queue = fs_job_queue_new (0);
  g_autoptr(GPtrArray) diagnostics = NULL;
  guint64 n_lines = 1;
  guint64 n_jobs = 0;
  gsize chunk_size = 0;
  FsJob *job;

  if (size > 0)
    {
      chunk_size = data[0] % 64;
      data++;
      size--;
    }

  for (gsize i = 0; i < size; i++)
    n_lines += data[i] == '\n';

  _fs_url_source_parse_buffer (source, queue, (const char *) data, size, chunk_size);

  g_assert_true (fs_job_queue_is_closed (queue));
  while (fs_job_queue_try_pop (queue, &job) == FS_JOB_QUEUE_READY)
    {
      g_assert_cmpuint (job->url_index, ==, n_jobs);
      g_assert_true (fs_url_check (job->url, NULL));
      g_assert_true (job->url_class == NULL || job->url_class == g_intern_string (job->url_class));
      n_jobs++;
      fs_job_free (job);
    }

  g_assert_cmpuint (fs_url_source_get_n_urls (source), ==, n_jobs);
  g_assert_cmpuint (n_jobs + fs_url_source_get_n_bad_lines (source), <=, n_lines);

  diagnostics = fs_url_source_dup_diagnostics (source);
  g_assert_cmpuint (diagnostics->len, <=, FS_URL_MAX_DIAGNOSTICS);
  g_assert_cmpuint (diagnostics->len, <=, fs_url_source_get_n_bad_lines (source));
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const FsUrlDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_assert_cmpuint (d->line, >=, 1);
      g_assert_cmpuint (d->line, <=, n_lines);
      g_assert_true (g_utf8_validate (d->message, -1, NULL));
      g_assert_cmpuint (strlen (d->message), <, 200);
      if (i > 0)
        g_assert_cmpuint (d->line, >, ((const FsUrlDiagnostic *) diagnostics->pdata[i - 1])->line);
    }

  return 0;
}

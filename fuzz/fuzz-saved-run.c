/* fuzz-saved-run.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer harness for the saved-run loader: any bytes as a saved file,
 * plain or gzipped. Loading either fails with an FS_ERROR_INVALID_DATA (or
 * GIOError) message that names the file, or gives runs whose parts hang
 * together: a config that validates, aggregates to draw, records of kind
 * terminal. A loaded file saved again must load again.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fs-error.h"
#include "fs-saved-run.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = fs_saved_runs_load_bytes (bytes, "fuzz.fetchscope", &error);
  if (runs == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_nonnull (strstr (error->message, "fuzz.fetchscope"));
      return 0;
    }

  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (runs, i);
      FsSummary summary;

      g_assert_nonnull (run->config);
      g_assert_true (fs_run_config_validate (run->config, NULL));
      g_assert_nonnull (run->aggregator);
      g_assert_nonnull (run->label);
      fs_aggregator_get_summary (run->aggregator, &summary);
      for (guint j = 0; run->records != NULL && j < fs_record_log_get_length (run->records); j++)
        {
          FsEvent event;

          fs_record_log_get (run->records, j, &event);
          g_assert_cmpint (event.kind, ==, FS_EVENT_TERMINAL);
        }
    }

  /* What loaded saves and loads again. */
  if (runs->len > 0)
    {
      g_autofree char *path = NULL;
      g_autoptr(GPtrArray) again = NULL;
      int fd = g_file_open_tmp ("fuzz-saved-run-XXXXXX", &path, NULL);

      g_assert_cmpint (fd, >=, 0);
      close (fd);
      g_assert_true (fs_saved_runs_save (path, (FsSavedRun * const *) runs->pdata, runs->len,
                                         FS_SAVED_RUN_NONE, NULL));
      again = fs_saved_runs_load (path, NULL);
      g_unlink (path);
      g_assert_nonnull (again);
      g_assert_cmpuint (again->len, ==, runs->len);
    }

  return 0;
}

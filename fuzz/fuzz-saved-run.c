/* fuzz-saved-run.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer harness for the saved-run loader: any bytes as a saved file,
 * plain or gzipped. Loading either fails with an FS_ERROR_INVALID_DATA (or
 * GIOError) message that names the file, or gives runs whose parts hang
 * together: a config that validates, aggregates to draw, records of kind
 * terminal. A loaded file saved again must load again. And the record rows
 * read straight from the text, with the pages of the unpacked text given
 * back as they are read (a page at a time here, so that small inputs do
 * it), give what json-glib gives reading every row with every page kept:
 * the same runs and records, or the same message.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fs-error.h"
#include "fs-saved-run.h"
#include "fs-saved-run-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
assert_same_as_parsed (GBytes    *bytes,
                       GPtrArray *runs,
                       GError    *error)
{
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) parsed_error = NULL;

  _fs_saved_runs_set_plain_rows (FALSE);
  _fs_saved_runs_set_release_step (G_MAXSIZE / 2);
  parsed = fs_saved_runs_load_bytes (bytes, "fuzz.fetchscope", &parsed_error);
  _fs_saved_runs_set_plain_rows (TRUE);
  _fs_saved_runs_set_release_step (1);

  if (runs == NULL)
    {
      g_assert_null (parsed);
      g_assert_cmpstr (parsed_error->message, ==, error->message);
      return;
    }

  g_assert_nonnull (parsed);
  g_assert_cmpuint (parsed->len, ==, runs->len);
  for (guint i = 0; i < runs->len; i++)
    {
      FsSavedRun *run = g_ptr_array_index (runs, i);
      FsSavedRun *other = g_ptr_array_index (parsed, i);
      guint n = run->records != NULL ? fs_record_log_get_length (run->records) : 0;

      g_assert_cmpint (run->records == NULL, ==, other->records == NULL);
      g_assert_cmpuint (n, ==, other->records != NULL ? fs_record_log_get_length (other->records)
                                                      : 0);
      for (guint j = 0; j < n; j++)
        {
          FsEvent a, b;

          /* Both from zeroed memory, padding included. */
          fs_record_log_get (run->records, j, &a);
          fs_record_log_get (other->records, j, &b);
          g_assert_true (memcmp (&a, &b, sizeof a) == 0);
        }
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  _fs_saved_runs_set_release_step (1);
  runs = fs_saved_runs_load_bytes (bytes, "fuzz.fetchscope", &error);
  assert_same_as_parsed (bytes, runs, error);
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

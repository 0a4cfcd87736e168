/* fs-csv-writer.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-atomic-file.h"
#include "fs-csv-writer.h"

#define CSV_HEADER \
  "job_id,url_index,url_class,strategy,lane,slot,pid,tid,outcome,http_status,curl_code," \
  "bytes,queued_us,started_us,dns_us,connect_us,tls_us,first_byte_us,done_us," \
  "cpu_start_us,cpu_end_us,gil_wait_us,latency_us,route,route_reason,error\n"

struct _FsCsvWriter
{
  FsAtomicFile  *file;
  GOutputStream *stream;   /* owned by @file */
  gint64         t_zero;
  guint64        n_rows;
  GString       *line;
};

const char *
fs_csv_writer_header (void)
{
  return CSV_HEADER;
}

/**
 * fs_csv_writer_new:
 * @t_zero: monotonic µs that times in the file are relative to
 *
 * Returns: (transfer full): a writer, or %NULL with @error set
 */
FsCsvWriter *
fs_csv_writer_new (const char  *path,
                   gint64       t_zero,
                   GError     **error)
{
  g_autoptr(FsAtomicFile) file = NULL;
  FsCsvWriter *self;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(file = fs_atomic_file_new (path, error)))
    return NULL;

  self = g_new0 (FsCsvWriter, 1);
  self->file = g_steal_pointer (&file);
  self->stream = fs_atomic_file_get_stream (self->file);
  self->t_zero = t_zero;
  self->line = g_string_sized_new (256);

  if (!g_output_stream_write_all (self->stream, CSV_HEADER, strlen (CSV_HEADER),
                                  NULL, NULL, error))
    {
      fs_csv_writer_free (self);
      return NULL;
    }

  return self;
}

static gint64
rel (FsCsvWriter *self,
     gint64       t)
{
  return t > 0 ? t - self->t_zero : -1;
}

static void
append_quoted (GString    *line,
               const char *text)
{
  g_string_append_c (line, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      /* A row is one line, whatever an error text contains. */
      g_string_append_c (line, (*p == '\n' || *p == '\r') ? ' ' : *p);
    }
  g_string_append_c (line, '"');
}

gboolean
fs_csv_writer_add (FsCsvWriter    *self,
                   const FsEvent  *events,
                   guint           n_events,
                   GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->stream != NULL, FALSE);

  for (guint i = 0; i < n_events; i++)
    {
      const FsEvent *e = &events[i];
      GString *line = self->line;

      if (e->kind != FS_EVENT_TERMINAL)
        continue;

      g_string_truncate (line, 0);
      g_string_append_printf (line,
                              "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%s,%s,%u,%u,%d,%d,%s,%u,%d,"
                              "%" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                              ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                              ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                              ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                              ",%s,%s,",
                              e->job_id, e->url_index,
                              e->url_class ? e->url_class : "",
                              fs_strategy_to_string (e->strategy),
                              e->lane.index, e->lane.slot, e->lane.pid, e->lane.tid,
                              fs_outcome_to_string (e->outcome),
                              e->http_status, e->curl_code, e->bytes,
                              rel (self, e->t_queued), rel (self, e->t_started),
                              rel (self, e->t_dns), rel (self, e->t_connect),
                              rel (self, e->t_tls), rel (self, e->t_first_byte),
                              rel (self, e->t_done), rel (self, e->t_cpu_start),
                              rel (self, e->t_cpu_end), e->gil_wait_us,
                              fs_event_latency_us (e),
                              fs_route_to_string (e->route),
                              fs_route_reason_to_string (e->route_reason));
      append_quoted (line, e->error);
      g_string_append_c (line, '\n');

      if (!g_output_stream_write_all (self->stream, line->str, line->len, NULL, NULL, error))
        return FALSE;

      self->n_rows++;
    }

  return TRUE;
}

guint64
fs_csv_writer_get_n_rows (FsCsvWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

/**
 * fs_csv_writer_close:
 *
 * Flushes and moves the file into place. On failure nothing is left behind.
 */
gboolean
fs_csv_writer_close (FsCsvWriter  *self,
                     GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->stream != NULL, FALSE);

  self->stream = NULL;

  return fs_atomic_file_commit (self->file, error);
}

/* Without a successful close the temporary file is discarded. */
void
fs_csv_writer_free (FsCsvWriter *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->file, fs_atomic_file_free);
  g_string_free (self->line, TRUE);
  g_free (self);
}

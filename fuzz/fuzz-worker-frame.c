/* fuzz-worker-frame.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer harness for the worker protocol's decoder: any bytes as the
 * stream between the processes engine and a worker, fed to an
 * FsFrameReader in pieces whose size the first byte picks. Every frame it
 * accepts must encode again and decode to the same frame; once it refuses
 * the stream it must keep refusing it; nothing it buffers outgrows one
 * frame.
 */

#include "config.h"

#include <string.h>

#include "fs-worker-protocol.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* Encodes @frame again and checks that it decodes to the same thing. */
static void
check_round_trip (const FsFrame *frame)
{
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(FsFrame) again = { 0 };

  switch (frame->type)
    {
    case FS_FRAME_HELLO:
      fs_frame_append_hello (bytes, frame->pid);
      break;

    case FS_FRAME_CONFIG:
      fs_frame_append_config (bytes, frame->config, frame->worker_index);
      break;

    case FS_FRAME_JOB:
      {
        g_autoptr(FsJob) job = fs_job_new (frame->url_index, frame->url, frame->url_class);

        job->id = frame->job_id;
        job->t_queued = frame->t_queued;
        g_assert_true (fs_frame_append_job (bytes, job, &error));
        g_assert_no_error (error);
      }
      break;

    case FS_FRAME_CLOSE:
      fs_frame_append_close (bytes);
      break;

    case FS_FRAME_CANCEL:
      fs_frame_append_cancel (bytes);
      break;

    case FS_FRAME_EVENT:
      {
        FsEvent event = frame->event;

        event.url_class = frame->url_class;
        fs_frame_append_event (bytes, &event);
      }
      break;

    case FS_FRAME_LINKS:
      fs_frame_append_links (bytes, frame->job_id, frame->url,
                             (const char * const *) frame->links->pdata, frame->links->len,
                             frame->malformed);
      break;

    default:
      g_assert_not_reached ();
    }

  fs_frame_reader_feed (reader, bytes->data, bytes->len);
  g_assert_cmpint (fs_frame_reader_pop (reader, &again, &error), ==, FS_FRAME_STATUS_READY);
  g_assert_no_error (error);
  g_assert_cmpuint (fs_frame_reader_get_buffered (reader), ==, 0);

  g_assert_cmpint (again.type, ==, frame->type);
  g_assert_cmpstr (again.url, ==, frame->url);
  g_assert_cmpstr (again.url_class, ==, frame->url_class);
  g_assert_cmpuint (again.job_id, ==, frame->job_id);
  g_assert_cmpint (again.pid, ==, frame->pid);
  g_assert_cmpuint (again.event.job_id, ==, frame->event.job_id);
  g_assert_cmpuint (again.event.bytes, ==, frame->event.bytes);
  g_assert_cmpstr (again.event.error, ==, frame->event.error);
  if (frame->type == FS_FRAME_LINKS)
    {
      g_assert_cmpuint (again.links->len, ==, frame->links->len);
      g_assert_cmpint (again.malformed, ==, frame->malformed);
      for (guint i = 0; i < frame->links->len; i++)
        g_assert_cmpstr (g_ptr_array_index (again.links, i), ==, g_ptr_array_index (frame->links, i));
    }
  if (frame->type == FS_FRAME_CONFIG)
    {
      g_assert_cmpuint (again.config->concurrency, ==, frame->config->concurrency);
      g_assert_cmpuint (again.config->max_body_bytes, ==, frame->config->max_body_bytes);
      g_assert_cmpstr (again.config->user_agent, ==, frame->config->user_agent);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  gsize chunk_size = 1;
  gboolean refused = FALSE;

  if (size > 0)
    {
      chunk_size = 1 + data[0] % 128;
      data++;
      size--;
    }

  for (gsize offset = 0; offset < size && !refused; offset += chunk_size)
    {
      fs_frame_reader_feed (reader, data + offset, MIN (chunk_size, size - offset));

      for (;;)
        {
          g_autoptr(GError) error = NULL;
          g_auto(FsFrame) frame = { 0 };
          FsFrameStatus status = fs_frame_reader_pop (reader, &frame, &error);

          if (status == FS_FRAME_STATUS_READY)
            {
              g_assert_no_error (error);
              check_round_trip (&frame);
              continue;
            }

          if (status == FS_FRAME_STATUS_INVALID)
            {
              g_autoptr(GError) again = NULL;
              g_auto(FsFrame) unused = { 0 };

              g_assert_nonnull (error);
              g_assert_true (g_utf8_validate (error->message, -1, NULL));
              g_assert_cmpint (fs_frame_reader_pop (reader, &unused, &again), ==,
                               FS_FRAME_STATUS_INVALID);
              g_assert_nonnull (again);
              refused = TRUE;
            }
          else
            {
              g_assert_no_error (error);
              g_assert_cmpuint (fs_frame_reader_get_buffered (reader), <,
                                FS_FRAME_HEADER_SIZE + FS_FRAME_MAX_PAYLOAD);
            }
          break;
        }
    }

  return 0;
}

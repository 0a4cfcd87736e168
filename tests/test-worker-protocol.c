/* test-worker-protocol.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The frames between the processes engine and its workers: every type
 * round-trips, a stream may arrive in any split, and whatever is malformed
 * is refused with a clear error, oversized frames before any allocation.
 */

#include "config.h"

#include <string.h>

#include "fs-test-bytes.h"
#include "fs-worker-protocol.h"

/* Feeds @bytes and expects exactly one frame back. */
static void
decode_one (GByteArray *bytes,
            FsFrame    *frame)
{
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(GError) error = NULL;
  FsFrame extra;

  fs_frame_reader_feed (reader, bytes->data, bytes->len);
  g_assert_cmpint (fs_frame_reader_pop (reader, frame, &error), ==, FS_FRAME_STATUS_READY);
  g_assert_no_error (error);
  g_assert_cmpint (fs_frame_reader_pop (reader, &extra, &error), ==, FS_FRAME_STATUS_NEED_MORE);
  g_assert_no_error (error);
  g_assert_cmpuint (fs_frame_reader_get_buffered (reader), ==, 0);
}

/* Feeds @bytes and expects the stream to be refused with @code. */
static void
assert_refused (const guint8 *bytes,
                gsize         len,
                FsFrameError  code,
                const char   *message_part)
{
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  FsFrame frame;

  fs_frame_reader_feed (reader, bytes, len);
  g_assert_cmpint (fs_frame_reader_pop (reader, &frame, &error), ==, FS_FRAME_STATUS_INVALID);
  g_assert_error (error, FS_FRAME_ERROR, code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);

  /* Broken for good: a stream cannot be resynchronised. */
  g_assert_cmpint (fs_frame_reader_pop (reader, &frame, &again), ==, FS_FRAME_STATUS_INVALID);
  g_assert_error (again, FS_FRAME_ERROR, code);
}

static void
fill_event (FsEvent *e)
{
  memset (e, 0, sizeof *e);
  e->kind = FS_EVENT_TERMINAL;
  e->outcome = FS_OUTCOME_HTTP_ERROR;
  e->strategy = FS_STRATEGY_PROCESSES;
  e->route = FS_ROUTE_POOL;
  e->route_reason = FS_ROUTE_REASON_LEARNED;
  e->http_status = 503;
  e->curl_code = -7;
  e->job_id = G_GUINT64_CONSTANT (0x0123456789abcdef);
  e->url_index = G_GUINT64_CONSTANT (0xfedcba9876543210);
  e->url_class = "crème brûlée ☕";
  e->lane.index = 3;
  e->lane.slot = 17;
  e->lane.pid = 4321;
  e->lane.tid = 4322;
  e->t_queued = 1000001;
  e->t_started = 1000002;
  e->t_dns = 1000003;
  e->t_connect = 1000004;
  e->t_tls = 1000005;
  e->t_first_byte = 1000006;
  e->t_done = G_MAXINT64;
  e->t_cpu_start = 1000008;
  e->t_cpu_end = 1000009;
  e->gil_wait_us = -5;
  e->bytes = G_MAXUINT64;
  e->sample.pid = -1;
  e->sample.rss_bytes = 123456789;
  e->sample.cpu_us = 987654321;
  e->sample.loop_lag_us = -1;
  fs_event_set_error (e, "HTTP 503 — “service unavailable”");
}

/* Field by field: a struct compare would also compare padding. */
static void
assert_events_equal (const FsEvent *a,
                     const FsEvent *b)
{
  g_assert_cmpuint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->outcome, ==, b->outcome);
  g_assert_cmpuint (a->strategy, ==, b->strategy);
  g_assert_cmpuint (a->route, ==, b->route);
  g_assert_cmpuint (a->route_reason, ==, b->route_reason);
  g_assert_cmpuint (a->http_status, ==, b->http_status);
  g_assert_cmpint (a->curl_code, ==, b->curl_code);
  g_assert_cmpuint (a->job_id, ==, b->job_id);
  g_assert_cmpuint (a->url_index, ==, b->url_index);
  g_assert_cmpuint (a->lane.index, ==, b->lane.index);
  g_assert_cmpuint (a->lane.slot, ==, b->lane.slot);
  g_assert_cmpint (a->lane.pid, ==, b->lane.pid);
  g_assert_cmpint (a->lane.tid, ==, b->lane.tid);
  g_assert_cmpint (a->t_queued, ==, b->t_queued);
  g_assert_cmpint (a->t_started, ==, b->t_started);
  g_assert_cmpint (a->t_dns, ==, b->t_dns);
  g_assert_cmpint (a->t_connect, ==, b->t_connect);
  g_assert_cmpint (a->t_tls, ==, b->t_tls);
  g_assert_cmpint (a->t_first_byte, ==, b->t_first_byte);
  g_assert_cmpint (a->t_done, ==, b->t_done);
  g_assert_cmpint (a->t_cpu_start, ==, b->t_cpu_start);
  g_assert_cmpint (a->t_cpu_end, ==, b->t_cpu_end);
  g_assert_cmpint (a->gil_wait_us, ==, b->gil_wait_us);
  g_assert_cmpuint (a->bytes, ==, b->bytes);
  g_assert_cmpint (a->sample.pid, ==, b->sample.pid);
  g_assert_cmpuint (a->sample.rss_bytes, ==, b->sample.rss_bytes);
  g_assert_cmpint (a->sample.cpu_us, ==, b->sample.cpu_us);
  g_assert_cmpint (a->sample.loop_lag_us, ==, b->sample.loop_lag_us);
  g_assert_cmpstr (a->error, ==, b->error);
}

static void
test_round_trip_event (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  FsEventKind kinds[] = { FS_EVENT_START, FS_EVENT_TERMINAL, FS_EVENT_SAMPLE };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_auto(FsFrame) frame = { 0 };
      FsEvent in;

      fill_event (&in);
      in.kind = kinds[i];
      g_byte_array_set_size (bytes, 0);
      fs_frame_append_event (bytes, &in);
      decode_one (bytes, &frame);

      g_assert_cmpint (frame.type, ==, FS_FRAME_EVENT);
      g_assert_cmpstr (frame.url_class, ==, "crème brûlée ☕");
      g_assert_null (frame.event.url_class);
      assert_events_equal (&frame.event, &in);
    }
}

static void
test_round_trip_event_long_error (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *long_text = g_strnfill (500, 'y');
  g_auto(FsFrame) frame = { 0 };
  FsEvent in;

  /* 94 ASCII bytes and half of a two-byte character, as snprintf leaves a
   * text it cut: only the valid part is sent. */
  fill_event (&in);
  in.url_class = NULL;
  memset (in.error, 'e', FS_EVENT_ERROR_LEN - 2);
  memcpy (in.error + FS_EVENT_ERROR_LEN - 2, "\xc3", 2);   /* half of "é" and the NUL */
  fs_frame_append_event (bytes, &in);
  decode_one (bytes, &frame);
  g_assert_cmpuint (strlen (frame.event.error), ==, FS_EVENT_ERROR_LEN - 2);
  g_assert_null (frame.url_class);
  g_clear_pointer (&bytes, g_byte_array_unref);
  fs_frame_clear (&frame);

  /* Text set through fs_event_set_error() stops at FS_EVENT_ERROR_LEN - 1. */
  bytes = g_byte_array_new ();
  fs_event_set_error (&in, "%s", long_text);
  fs_frame_append_event (bytes, &in);
  decode_one (bytes, &frame);
  g_assert_cmpuint (strlen (frame.event.error), ==, FS_EVENT_ERROR_LEN - 1);
  g_assert_true (strspn (frame.event.error, "y") == FS_EVENT_ERROR_LEN - 1);
}

static void
test_round_trip_control (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(GError) error = NULL;
  FsFrameType expected[] = { FS_FRAME_HELLO, FS_FRAME_CLOSE, FS_FRAME_CANCEL };

  fs_frame_append_hello (bytes, 4242);
  fs_frame_append_close (bytes);
  fs_frame_append_cancel (bytes);

  /* CLOSE and CANCEL are headers alone. */
  g_assert_cmpuint (bytes->len, ==, (FS_FRAME_HEADER_SIZE + 6) + 2 * FS_FRAME_HEADER_SIZE);

  /* Several frames in one chunk. */
  fs_frame_reader_feed (reader, bytes->data, bytes->len);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(FsFrame) frame = { 0 };

      g_assert_cmpint (fs_frame_reader_pop (reader, &frame, &error), ==, FS_FRAME_STATUS_READY);
      g_assert_no_error (error);
      g_assert_cmpint (frame.type, ==, expected[i]);
      if (frame.type == FS_FRAME_HELLO)
        {
          g_assert_cmpint (frame.pid, ==, 4242);
          g_assert_cmpuint (frame.version, ==, FS_WORKER_PROTOCOL_VERSION);
        }
    }
}

static void
test_round_trip_config (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_auto(FsFrame) frame = { 0 };

  config->strategy = FS_STRATEGY_PROCESSES;
  config->concurrency = 25;
  config->timeout_ms = 1234;
  config->connect_timeout_ms = 567;
  config->max_body_bytes = G_GUINT64_CONSTANT (1) << 40;
  config->max_redirects = 7;
  config->workers = 4;
  config->worker_mode = FS_WORKER_MODE_LOOP;
  config->cpu_work = FS_CPU_WORK_HASH;
  config->hash_rounds = 5000;
  config->gil = TRUE;
  config->switch_interval_us = 2500;
  config->extract_links = TRUE;
  g_free (config->user_agent);
  config->user_agent = g_strdup ("Fetchscope/test (ünïcode)");

  fs_frame_append_config (bytes, config, 3);
  decode_one (bytes, &frame);

  g_assert_cmpint (frame.type, ==, FS_FRAME_CONFIG);
  g_assert_cmpuint (frame.worker_index, ==, 3);
  g_assert_nonnull (frame.config);
  g_assert_cmpint (frame.config->strategy, ==, FS_STRATEGY_PROCESSES);
  g_assert_cmpuint (frame.config->concurrency, ==, 25);
  g_assert_cmpuint (frame.config->timeout_ms, ==, 1234);
  g_assert_cmpuint (frame.config->connect_timeout_ms, ==, 567);
  g_assert_cmpuint (frame.config->max_body_bytes, ==, G_GUINT64_CONSTANT (1) << 40);
  g_assert_cmpuint (frame.config->max_redirects, ==, 7);
  g_assert_cmpint (frame.config->worker_mode, ==, FS_WORKER_MODE_LOOP);
  g_assert_cmpint (frame.config->cpu_work, ==, FS_CPU_WORK_HASH);
  g_assert_cmpuint (frame.config->hash_rounds, ==, 5000);
  g_assert_true (frame.config->gil);
  g_assert_cmpuint (frame.config->switch_interval_us, ==, 2500);
  g_assert_true (frame.config->extract_links);
  g_assert_cmpstr (frame.config->user_agent, ==, "Fetchscope/test (ünïcode)");
}

/* Pops every frame of @bytes: all LINKS of @job_id, each within the limit. */
static GPtrArray *
decode_links (GByteArray *bytes,
              guint64     job_id,
              const char *final_url,
              gboolean    malformed,
              guint      *n_frames)
{
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
  gsize offset = 0;

  *n_frames = 0;
  fs_frame_reader_feed (reader, bytes->data, bytes->len);

  for (;;)
    {
      g_auto(FsFrame) frame = { 0 };
      g_autoptr(GError) error = NULL;
      FsFrameType type;
      guint32 payload_len;

      if (fs_frame_reader_pop (reader, &frame, &error) == FS_FRAME_STATUS_NEED_MORE)
        break;
      g_assert_no_error (error);

      g_assert_true (fs_frame_parse_header (bytes->data + offset, &type, &payload_len, NULL));
      g_assert_cmpuint (payload_len, <=, FS_FRAME_MAX_PAYLOAD);
      offset += FS_FRAME_HEADER_SIZE + payload_len;

      g_assert_cmpint (frame.type, ==, FS_FRAME_LINKS);
      g_assert_cmpuint (frame.job_id, ==, job_id);
      g_assert_cmpint (frame.malformed, ==, malformed);
      g_assert_cmpstr (frame.url, ==, final_url);
      g_assert_nonnull (frame.links);
      for (guint i = 0; i < frame.links->len; i++)
        g_ptr_array_add (links, g_strdup (g_ptr_array_index (frame.links, i)));
      (*n_frames)++;
    }

  g_assert_cmpuint (offset, ==, bytes->len);

  return links;
}

/* A page's links, in as many frames as the limit needs, in order. */
static void
test_round_trip_links (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *too_long = g_strnfill (FS_FRAME_MAX_URL + 1, 'x');
  const char *few[] = { "http://127.0.0.1:1/a", "https://exämple.org/ü?q=1" };
  guint n_frames;

  /* None: still one frame, which carries the flag. */
  fs_frame_append_links (bytes, 7, "http://127.0.0.1:1/final", NULL, 0, TRUE);
  got = decode_links (bytes, 7, "http://127.0.0.1:1/final", TRUE, &n_frames);
  g_assert_cmpuint (n_frames, ==, 1);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);
  g_byte_array_set_size (bytes, 0);

  fs_frame_append_links (bytes, G_MAXUINT64, NULL, few, G_N_ELEMENTS (few), FALSE);
  got = decode_links (bytes, G_MAXUINT64, NULL, FALSE, &n_frames);
  g_assert_cmpuint (n_frames, ==, 1);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (got, 0), ==, few[0]);
  g_assert_cmpstr (g_ptr_array_index (got, 1), ==, few[1]);
  g_clear_pointer (&got, g_ptr_array_unref);
  g_byte_array_set_size (bytes, 0);

  /* 400 kB of links, and two no worker could be sent, which are left out. */
  for (guint i = 0; i < 4000; i++)
    g_ptr_array_add (sent, g_strdup_printf ("http://127.0.0.1:8080/%096u", i));
  g_ptr_array_insert (sent, 10, g_strdup (too_long));
  g_ptr_array_insert (sent, 20, g_strdup ("http://bad/\xff"));
  ((char *) g_ptr_array_index (sent, 20))[11] = (char) 0xff;
  fs_frame_append_links (bytes, 42, "https://exämple.org/", (const char * const *) sent->pdata, sent->len, FALSE);
  got = decode_links (bytes, 42, "https://exämple.org/", FALSE, &n_frames);
  g_assert_cmpuint (n_frames, >=, 4000 * 100 / FS_FRAME_MAX_PAYLOAD);
  g_assert_cmpuint (got->len, ==, 4000);
  g_ptr_array_remove_index (sent, 20);
  g_ptr_array_remove_index (sent, 10);
  for (guint i = 0; i < 4000; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (sent, i));
}

/* What a child may not send in a LINKS frame. */
static void
test_reject_links (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const char *one[] = { "http://127.0.0.1/x" };
  const gsize flags_at = FS_FRAME_HEADER_SIZE + 8;
  const gsize count_at = flags_at + 1 + 4;   /* past an empty final URL */
  const gsize first_at = count_at + 4;

  fs_frame_append_links (bytes, 1, NULL, one, 1, FALSE);

  /* Unknown flags */
  bytes->data[flags_at] = 2;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "flags");
  bytes->data[flags_at] = 0;

  /* A count the payload cannot hold, refused before anything is allocated */
  fs_test_set_u32 (bytes, count_at, G_MAXUINT32);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "count");
  fs_test_set_u32 (bytes, count_at, 2);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "truncated");
  fs_test_set_u32 (bytes, count_at, 0);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "stray");
  fs_test_set_u32 (bytes, count_at, 1);

  /* A link longer than the payload, and one that is not UTF-8 */
  fs_test_set_u32 (bytes, first_at, 100000);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "past the payload");
  fs_test_set_u32 (bytes, first_at, strlen (one[0]));
  bytes->data[first_at + 4] = 0xc3;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "UTF-8");
  g_byte_array_set_size (bytes, 0);

  /* An empty link */
  fs_frame_append_links (bytes, 1, NULL, NULL, 0, FALSE);
  g_byte_array_append (bytes, (const guint8 *) "\0\0\0\0", 4);
  fs_test_set_u32 (bytes, count_at, 1);
  fs_test_set_u32 (bytes, 8, bytes->len - FS_FRAME_HEADER_SIZE);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "empty link");
}

static void
test_round_trip_job (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FsJob) job = fs_job_new (77, "http://127.0.0.1:8080/päge?q=1", "héavy");
  g_autoptr(FsJob) plain = fs_job_new (78, "http://127.0.0.1/", NULL);
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(GError) error = NULL;
  g_auto(FsFrame) frame = { 0 };
  g_auto(FsFrame) frame2 = { 0 };

  job->id = 9;
  job->t_queued = 123456789;
  plain->id = 10;
  g_assert_true (fs_frame_append_job (bytes, job, &error));
  g_assert_true (fs_frame_append_job (bytes, plain, &error));
  g_assert_no_error (error);

  fs_frame_reader_feed (reader, bytes->data, bytes->len);
  g_assert_cmpint (fs_frame_reader_pop (reader, &frame, &error), ==, FS_FRAME_STATUS_READY);
  g_assert_cmpint (fs_frame_reader_pop (reader, &frame2, &error), ==, FS_FRAME_STATUS_READY);
  g_assert_no_error (error);

  g_assert_cmpint (frame.type, ==, FS_FRAME_JOB);
  g_assert_cmpuint (frame.job_id, ==, 9);
  g_assert_cmpuint (frame.url_index, ==, 77);
  g_assert_cmpint (frame.t_queued, ==, 123456789);
  g_assert_cmpstr (frame.url, ==, "http://127.0.0.1:8080/päge?q=1");
  g_assert_cmpstr (frame.url_class, ==, "héavy");

  g_assert_cmpuint (frame2.job_id, ==, 10);
  g_assert_null (frame2.url_class);
}

static void
test_job_refused_by_encoder (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *long_url = g_strnfill (FS_FRAME_MAX_URL + 1, 'a');
  g_autoptr(FsJob) too_long = fs_job_new (1, long_url, NULL);
  g_autoptr(FsJob) not_utf8 = fs_job_new (2, "http://x/\xff", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (fs_frame_append_job (bytes, too_long, &error));
  g_assert_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (fs_frame_append_job (bytes, not_utf8, &error));
  g_assert_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (bytes->len, ==, 0);
}

static void
mark_end (GArray     *ends,
          GByteArray *bytes)
{
  gsize end = bytes->len;

  g_array_append_val (ends, end);
}

/* One byte at a time: nothing comes out until a frame is whole. */
static void
test_split_delivery (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(FsJob) job = fs_job_new (5, "http://127.0.0.1/x", "c1");
  g_autoptr(GError) error = NULL;
  FsEvent event;
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint n_frames = 0;

  fill_event (&event);
  fs_frame_append_hello (bytes, 1);
  mark_end (ends, bytes);
  fs_frame_append_event (bytes, &event);
  mark_end (ends, bytes);
  g_assert_true (fs_frame_append_job (bytes, job, NULL));
  mark_end (ends, bytes);
  fs_frame_append_close (bytes);
  mark_end (ends, bytes);

  for (gsize i = 0; i < bytes->len; i++)
    {
      g_auto(FsFrame) frame = { 0 };
      FsFrameStatus status;

      fs_frame_reader_feed (reader, bytes->data + i, 1);
      status = fs_frame_reader_pop (reader, &frame, &error);
      g_assert_no_error (error);

      if (i + 1 == g_array_index (ends, gsize, n_frames))
        {
          g_assert_cmpint (status, ==, FS_FRAME_STATUS_READY);
          n_frames++;
        }
      else
        g_assert_cmpint (status, ==, FS_FRAME_STATUS_NEED_MORE);
    }

  g_assert_cmpuint (n_frames, ==, 4);
  g_assert_cmpuint (fs_frame_reader_get_buffered (reader), ==, 0);
  g_array_unref (ends);
}

/* Many frames in one chunk, and a chunk that ends inside the next frame. */
static void
test_many_in_one_chunk (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
  g_autoptr(GError) error = NULL;
  FsEvent event;
  guint n = 0;
  gsize cut;

  fill_event (&event);
  for (guint i = 0; i < 1000; i++)
    {
      event.job_id = i;
      fs_frame_append_event (bytes, &event);
    }

  cut = bytes->len - 7;
  fs_frame_reader_feed (reader, bytes->data, cut);
  for (;;)
    {
      g_auto(FsFrame) frame = { 0 };
      FsFrameStatus status = fs_frame_reader_pop (reader, &frame, &error);

      g_assert_no_error (error);
      if (status != FS_FRAME_STATUS_READY)
        break;
      g_assert_cmpuint (frame.event.job_id, ==, n);
      n++;
    }
  g_assert_cmpuint (n, ==, 999);
  g_assert_cmpuint (fs_frame_reader_get_buffered (reader), >, 0);

  fs_frame_reader_feed (reader, bytes->data + cut, bytes->len - cut);
  {
    g_auto(FsFrame) frame = { 0 };

    g_assert_cmpint (fs_frame_reader_pop (reader, &frame, &error), ==, FS_FRAME_STATUS_READY);
    g_assert_cmpuint (frame.event.job_id, ==, 999);
  }
  g_assert_cmpuint (fs_frame_reader_get_buffered (reader), ==, 0);
}

static void
test_reject_header (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  fs_frame_append_close (bytes);

  /* Bad magic */
  bytes->data[0] = 'X';
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_BAD_MAGIC, "bad magic");
  bytes->data[0] = 'F';

  /* Version 1, from before LINKS frames, and one from the future */
  fs_test_set_u16 (bytes, 4, 1);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_BAD_VERSION, "version 1");
  fs_test_set_u16 (bytes, 4, FS_WORKER_PROTOCOL_VERSION + 1);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_BAD_VERSION, "version 3");
  fs_test_set_u16 (bytes, 4, FS_WORKER_PROTOCOL_VERSION);

  /* Unknown types, on both sides of the known ones */
  fs_test_set_u16 (bytes, 6, 0);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_UNKNOWN_TYPE, "type 0");
  fs_test_set_u16 (bytes, 6, 99);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_UNKNOWN_TYPE, "type 99");
}

/* Only the 12 header bytes are ever fed: the reader refuses the frame from
 * its header alone, without waiting for (or allocating) 4 GiB. */
static void
test_reject_oversized (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  fs_frame_append_close (bytes);
  g_assert_cmpuint (bytes->len, ==, FS_FRAME_HEADER_SIZE);

  fs_test_set_u32 (bytes, 8, FS_FRAME_MAX_PAYLOAD + 1);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_TOO_LARGE, "65537");
  fs_test_set_u32 (bytes, 8, G_MAXUINT32);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_TOO_LARGE, NULL);

  /* Exactly the limit is a header like any other: it waits for more. */
  {
    g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
    g_autoptr(GError) error = NULL;
    FsFrame frame;

    fs_test_set_u16 (bytes, 6, FS_FRAME_EVENT);
    fs_test_set_u32 (bytes, 8, FS_FRAME_MAX_PAYLOAD);
    fs_frame_reader_feed (reader, bytes->data, bytes->len);
    g_assert_cmpint (fs_frame_reader_pop (reader, &frame, &error), ==, FS_FRAME_STATUS_NEED_MORE);
    g_assert_no_error (error);
  }
}

static void
test_reject_payload (void)
{
  g_autoptr(FsJob) job = fs_job_new (1, "http://127.0.0.1/abc", "cls");
  g_autoptr(GByteArray) good = g_byte_array_new ();
  g_autoptr(GByteArray) bytes = NULL;
  /* Offsets in a JOB frame: header, 3 × 8 bytes, URL length, URL, class length. */
  const gsize url_len_at = FS_FRAME_HEADER_SIZE + 24;
  const gsize url_at = url_len_at + 4;

  g_assert_true (fs_frame_append_job (good, job, NULL));

  /* Truncated payload: the header promises more than the frame holds; the
   * stream then ends, so the reader can only wait... */
  {
    g_autoptr(FsFrameReader) reader = fs_frame_reader_new ();
    FsFrame frame;

    fs_frame_reader_feed (reader, good->data, good->len - 1);
    g_assert_cmpint (fs_frame_reader_pop (reader, &frame, NULL), ==, FS_FRAME_STATUS_NEED_MORE);
    g_assert_cmpuint (fs_frame_reader_get_buffered (reader), ==, good->len - 1);
  }

  /* ...while a header whose length is too short for its fields is refused. */
  bytes = g_byte_array_new ();
  g_byte_array_append (bytes, good->data, FS_FRAME_HEADER_SIZE + 20);
  fs_test_set_u32 (bytes, 8, 20);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "truncated JOB");
  g_clear_pointer (&bytes, g_byte_array_unref);

  /* Invalid UTF-8 in a string */
  bytes = g_byte_array_new ();
  g_byte_array_append (bytes, good->data, good->len);
  bytes->data[url_at + 3] = 0xff;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "UTF-8");

  /* ...and a NUL inside one */
  bytes->data[url_at + 3] = 0;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "UTF-8");
  g_clear_pointer (&bytes, g_byte_array_unref);

  /* A string length beyond the payload */
  bytes = g_byte_array_new ();
  g_byte_array_append (bytes, good->data, good->len);
  fs_test_set_u32 (bytes, url_len_at, 1000);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "past the payload");
  fs_test_set_u32 (bytes, url_len_at, G_MAXUINT32);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "past the payload");
  g_clear_pointer (&bytes, g_byte_array_unref);

  /* Stray bytes after the last field */
  bytes = g_byte_array_new ();
  g_byte_array_append (bytes, good->data, good->len);
  g_byte_array_append (bytes, (const guint8 *) "!", 1);
  fs_test_set_u32 (bytes, 8, good->len - FS_FRAME_HEADER_SIZE + 1);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "stray");
  g_clear_pointer (&bytes, g_byte_array_unref);

  /* A payload on a frame that has none */
  bytes = g_byte_array_new ();
  fs_frame_append_close (bytes);
  g_byte_array_append (bytes, (const guint8 *) "!", 1);
  fs_test_set_u32 (bytes, 8, 1);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "stray");
}

static void
test_reject_counts (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  const gsize kind_at = FS_FRAME_HEADER_SIZE;
  FsEvent event;

  fill_event (&event);
  fs_frame_append_event (bytes, &event);

  /* Enums out of range: kind, outcome, strategy */
  bytes->data[kind_at] = FS_EVENT_SAMPLE + 1;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "kind");
  bytes->data[kind_at] = FS_EVENT_START;
  bytes->data[kind_at + 1] = FS_N_OUTCOMES;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "outcome");
  bytes->data[kind_at + 1] = FS_OUTCOME_OK;
  bytes->data[kind_at + 2] = FS_N_STRATEGIES;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "strategy");
  g_byte_array_set_size (bytes, 0);

  /* A CONFIG that does not validate: concurrency 0 */
  config->concurrency = 0;
  fs_frame_append_config (bytes, config, 0);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "oncurrency");
  g_byte_array_set_size (bytes, 0);

  /* ...an unknown worker mode */
  config->concurrency = 1;
  fs_frame_append_config (bytes, config, 0);
  bytes->data[FS_FRAME_HEADER_SIZE + 8] = 7;
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "worker mode");
  g_byte_array_set_size (bytes, 0);

  /* A HELLO from pid 0 */
  fs_frame_append_hello (bytes, 0);
  assert_refused (bytes->data, bytes->len, FS_FRAME_ERROR_MALFORMED, "pid");
}

/* An error string longer than an FsEvent can hold is refused, not cut. */
static void
test_reject_long_error (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GByteArray) forged = g_byte_array_new ();
  FsEvent event;
  gsize error_len_at;
  guint32 long_len = FS_EVENT_ERROR_LEN;
  g_autofree char *text = g_strnfill (long_len, 'z');

  fill_event (&event);
  event.url_class = NULL;
  event.error[0] = '\0';
  fs_frame_append_event (bytes, &event);

  /* The empty error string is the payload's last 4 bytes. */
  error_len_at = bytes->len - 4;
  g_byte_array_append (forged, bytes->data, error_len_at);
  {
    guint32 le = GUINT32_TO_LE (long_len);
    g_byte_array_append (forged, (const guint8 *) &le, 4);
  }
  g_byte_array_append (forged, (const guint8 *) text, long_len);
  fs_test_set_u32 (forged, 8, forged->len - FS_FRAME_HEADER_SIZE);
  assert_refused (forged->data, forged->len, FS_FRAME_ERROR_MALFORMED, "limit");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/WorkerProtocol/round-trip/event", test_round_trip_event);
  g_test_add_func ("/Fetchscope/WorkerProtocol/round-trip/event-long-error",
                   test_round_trip_event_long_error);
  g_test_add_func ("/Fetchscope/WorkerProtocol/round-trip/control", test_round_trip_control);
  g_test_add_func ("/Fetchscope/WorkerProtocol/round-trip/config", test_round_trip_config);
  g_test_add_func ("/Fetchscope/WorkerProtocol/round-trip/job", test_round_trip_job);
  g_test_add_func ("/Fetchscope/WorkerProtocol/round-trip/links", test_round_trip_links);
  g_test_add_func ("/Fetchscope/WorkerProtocol/encoder-refuses-job", test_job_refused_by_encoder);
  g_test_add_func ("/Fetchscope/WorkerProtocol/split-delivery", test_split_delivery);
  g_test_add_func ("/Fetchscope/WorkerProtocol/many-in-one-chunk", test_many_in_one_chunk);
  g_test_add_func ("/Fetchscope/WorkerProtocol/reject/header", test_reject_header);
  g_test_add_func ("/Fetchscope/WorkerProtocol/reject/oversized", test_reject_oversized);
  g_test_add_func ("/Fetchscope/WorkerProtocol/reject/payload", test_reject_payload);
  g_test_add_func ("/Fetchscope/WorkerProtocol/reject/counts", test_reject_counts);
  g_test_add_func ("/Fetchscope/WorkerProtocol/reject/long-error", test_reject_long_error);
  g_test_add_func ("/Fetchscope/WorkerProtocol/reject/links", test_reject_links);

  return g_test_run ();
}

/* fs-worker-protocol.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every field is written and read one at a time in a fixed little-endian
 * layout, never as a struct memcpy: the two ends are built from the same
 * source, but padding, enum sizes and pointers are not part of any contract,
 * and a record from a child is only trusted once each field has been checked.
 */

#include "config.h"

#include <string.h>

#include "fs-worker-protocol.h"

static const guint8 frame_magic[4] = { 'F', 'S', 'W', 'K' };

G_DEFINE_QUARK (fs-frame-error-quark, fs_frame_error)

const char *
fs_frame_type_to_string (FsFrameType type)
{
  switch (type)
    {
    case FS_FRAME_HELLO:
      return "HELLO";
    case FS_FRAME_CONFIG:
      return "CONFIG";
    case FS_FRAME_JOB:
      return "JOB";
    case FS_FRAME_CLOSE:
      return "CLOSE";
    case FS_FRAME_CANCEL:
      return "CANCEL";
    case FS_FRAME_EVENT:
      return "EVENT";
    case FS_FRAME_LINKS:
      return "LINKS";
    default:
      return "unknown";
    }
}

/* Encoding */

static void
put_u8 (GByteArray *out,
        guint8      value)
{
  g_byte_array_append (out, &value, 1);
}

static void
put_u16 (GByteArray *out,
         guint16     value)
{
  guint16 le = GUINT16_TO_LE (value);

  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
put_u64 (GByteArray *out,
         guint64     value)
{
  guint64 le = GUINT64_TO_LE (value);

  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
put_bytes (GByteArray *out,
           const char *str,
           gsize       len)
{
  put_u32 (out, (guint32) len);
  g_byte_array_append (out, (const guint8 *) str, len);
}

/* Writes the longest prefix of @str that is valid UTF-8 and at most @max
 * bytes. Texts from curl or a truncating snprintf may end in half a
 * character; the reader would rightly refuse them whole. */
static void
put_string_prefix (GByteArray *out,
                   const char *str,
                   gsize       max)
{
  const char *end = NULL;
  gsize len;

  if (str == NULL)
    {
      put_u32 (out, 0);
      return;
    }

  len = strnlen (str, max);
  g_utf8_validate_len (str, len, &end);
  put_bytes (out, str, end - str);
}

/* Starts a frame; frame_end() fills in the payload length. */
static gsize
frame_begin (GByteArray  *out,
             FsFrameType  type)
{
  gsize start = out->len;

  g_byte_array_append (out, frame_magic, sizeof frame_magic);
  put_u16 (out, FS_WORKER_PROTOCOL_VERSION);
  put_u16 (out, type);
  put_u32 (out, 0);

  return start;
}

static void
frame_end (GByteArray *out,
           gsize       start)
{
  gsize payload_len = out->len - start - FS_FRAME_HEADER_SIZE;
  guint32 le;

  /* Every encoder bounds its strings, so this cannot happen. */
  g_assert (payload_len <= FS_FRAME_MAX_PAYLOAD);

  le = GUINT32_TO_LE ((guint32) payload_len);
  memcpy (out->data + start + 8, &le, sizeof le);
}

void
fs_frame_append_hello (GByteArray *out,
                       gint32      pid)
{
  gsize start;

  g_return_if_fail (out != NULL);

  start = frame_begin (out, FS_FRAME_HELLO);
  put_u32 (out, (guint32) pid);
  put_u16 (out, FS_WORKER_PROTOCOL_VERSION);
  frame_end (out, start);
}

/**
 * fs_frame_append_config:
 * @config: the run's settings; the child takes from it only what a child
 *   needs (its share of the concurrency must already be in @config)
 * @worker_index: which child this is, for its records' lanes
 */
void
fs_frame_append_config (GByteArray        *out,
                        const FsRunConfig *config,
                        guint32            worker_index)
{
  gsize start;

  g_return_if_fail (out != NULL);
  g_return_if_fail (config != NULL);

  start = frame_begin (out, FS_FRAME_CONFIG);
  put_u32 (out, worker_index);
  put_u32 (out, config->concurrency);
  put_u8 (out, (guint8) config->worker_mode);
  put_u8 (out, (guint8) config->cpu_work);
  put_u8 (out, config->gil ? 1 : 0);
  put_u8 (out, config->extract_links ? 1 : 0);
  put_u32 (out, config->hash_rounds);
  put_u32 (out, config->switch_interval_us);
  put_u32 (out, config->timeout_ms);
  put_u32 (out, config->connect_timeout_ms);
  put_u64 (out, config->max_body_bytes);
  put_u32 (out, config->max_redirects);
  put_string_prefix (out, config->user_agent, FS_FRAME_MAX_USER_AGENT);
  frame_end (out, start);
}

/**
 * fs_frame_append_job:
 *
 * Unlike texts, a URL cannot be shortened to fit: a URL that is not valid
 * UTF-8 or is longer than %FS_FRAME_MAX_URL is refused, and @out is left
 * as it was.
 */
gboolean
fs_frame_append_job (GByteArray   *out,
                     const FsJob  *job,
                     GError      **error)
{
  gsize url_len;
  gsize start;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (job != NULL && job->url != NULL, FALSE);

  url_len = strlen (job->url);
  if (url_len > FS_FRAME_MAX_URL)
    {
      g_set_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_INVALID_ARGUMENT,
                   "URL too long for a worker (over %u bytes)", FS_FRAME_MAX_URL);
      return FALSE;
    }

  if (!g_utf8_validate_len (job->url, url_len, NULL))
    {
      g_set_error_literal (error, FS_FRAME_ERROR, FS_FRAME_ERROR_INVALID_ARGUMENT,
                           "URL is not valid UTF-8");
      return FALSE;
    }

  start = frame_begin (out, FS_FRAME_JOB);
  put_u64 (out, job->id);
  put_u64 (out, job->url_index);
  put_u64 (out, (guint64) job->t_queued);
  put_bytes (out, job->url, url_len);
  put_string_prefix (out, job->url_class, FS_FRAME_MAX_CLASS);
  frame_end (out, start);

  return TRUE;
}

void
fs_frame_append_close (GByteArray *out)
{
  g_return_if_fail (out != NULL);

  frame_end (out, frame_begin (out, FS_FRAME_CLOSE));
}

void
fs_frame_append_cancel (GByteArray *out)
{
  g_return_if_fail (out != NULL);

  frame_end (out, frame_begin (out, FS_FRAME_CANCEL));
}

void
fs_frame_append_event (GByteArray    *out,
                       const FsEvent *event)
{
  gsize start;

  g_return_if_fail (out != NULL);
  g_return_if_fail (event != NULL);

  start = frame_begin (out, FS_FRAME_EVENT);
  put_u8 (out, event->kind);
  put_u8 (out, event->outcome);
  put_u8 (out, event->strategy);
  put_u8 (out, event->route);
  put_u8 (out, event->route_reason);
  put_u16 (out, event->http_status);
  put_u16 (out, (guint16) event->curl_code);
  put_u64 (out, event->job_id);
  put_u64 (out, event->url_index);
  put_u32 (out, event->lane.index);
  put_u32 (out, event->lane.slot);
  put_u32 (out, (guint32) event->lane.pid);
  put_u32 (out, (guint32) event->lane.tid);
  put_u64 (out, (guint64) event->t_queued);
  put_u64 (out, (guint64) event->t_started);
  put_u64 (out, (guint64) event->t_dns);
  put_u64 (out, (guint64) event->t_connect);
  put_u64 (out, (guint64) event->t_tls);
  put_u64 (out, (guint64) event->t_first_byte);
  put_u64 (out, (guint64) event->t_done);
  put_u64 (out, (guint64) event->t_cpu_start);
  put_u64 (out, (guint64) event->t_cpu_end);
  put_u64 (out, (guint64) event->gil_wait_us);
  put_u64 (out, event->bytes);
  put_u32 (out, (guint32) event->sample.pid);
  put_u64 (out, event->sample.rss_bytes);
  put_u64 (out, (guint64) event->sample.cpu_us);
  put_u64 (out, (guint64) event->sample.loop_lag_us);
  put_string_prefix (out, event->url_class, FS_FRAME_MAX_CLASS);
  put_string_prefix (out, event->error, FS_FRAME_MAX_ERROR);
  frame_end (out, start);
}

/**
 * fs_frame_append_links:
 * @final_url: (nullable): where the job's URL led after redirects
 * @links: (array length=n_links): the page's links
 * @malformed: the page's body did not parse
 *
 * Appends as many LINKS frames as the payload limit needs, at least one.
 * A link no worker could be sent (see fs_frame_append_job()) is left out.
 */
void
fs_frame_append_links (GByteArray         *out,
                       guint64             job_id,
                       const char         *final_url,
                       const char * const *links,
                       guint               n_links,
                       gboolean            malformed)
{
  gsize final_len = final_url != NULL ? strlen (final_url) : 0;
  guint next = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (links != NULL || n_links == 0);

  if (final_len > FS_FRAME_MAX_URL || !g_utf8_validate_len (final_url, final_len, NULL))
    final_len = 0;

  do
    {
      gsize start = frame_begin (out, FS_FRAME_LINKS);
      gsize count_at;
      guint32 count = 0, le;

      put_u64 (out, job_id);
      put_u8 (out, malformed ? 1 : 0);
      put_bytes (out, final_url, final_len);
      count_at = out->len;
      put_u32 (out, 0);

      for (; next < n_links; next++)
        {
          gsize len = strlen (links[next]);

          if (len == 0 || len > FS_FRAME_MAX_URL || !g_utf8_validate_len (links[next], len, NULL))
            continue;
          if (out->len - start - FS_FRAME_HEADER_SIZE + 4 + len > FS_FRAME_MAX_PAYLOAD)
            break;

          put_bytes (out, links[next], len);
          count++;
        }

      le = GUINT32_TO_LE (count);
      memcpy (out->data + count_at, &le, sizeof le);
      frame_end (out, start);
    }
  while (next < n_links);
}

/* Decoding */

typedef struct
{
  const guint8 *p;
  gsize         left;
  const char   *field;   /* the first field that did not parse */
} Cursor;

static gboolean
take (Cursor       *c,
      gsize         n,
      const char   *field,
      const guint8 **bytes)
{
  if (c->field != NULL)
    return FALSE;

  if (c->left < n)
    {
      c->field = field;
      return FALSE;
    }

  *bytes = c->p;
  c->p += n;
  c->left -= n;

  return TRUE;
}

static guint8
get_u8 (Cursor     *c,
        const char *field)
{
  const guint8 *b;

  return take (c, 1, field, &b) ? b[0] : 0;
}

static guint16
get_u16 (Cursor     *c,
         const char *field)
{
  const guint8 *b;
  guint16 v;

  if (!take (c, sizeof v, field, &b))
    return 0;
  memcpy (&v, b, sizeof v);

  return GUINT16_FROM_LE (v);
}

static guint32
get_u32 (Cursor     *c,
         const char *field)
{
  const guint8 *b;
  guint32 v;

  if (!take (c, sizeof v, field, &b))
    return 0;
  memcpy (&v, b, sizeof v);

  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (Cursor     *c,
         const char *field)
{
  const guint8 *b;
  guint64 v;

  if (!take (c, sizeof v, field, &b))
    return 0;
  memcpy (&v, b, sizeof v);

  return GUINT64_FROM_LE (v);
}

static gboolean
malformed (GError    **error,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError    **error,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, FS_FRAME_ERROR, FS_FRAME_ERROR_MALFORMED, message);

  return FALSE;
}

/* Reads a string into a new allocation; an empty one is NULL when
 * @empty_is_null. The count is checked against what is left before
 * anything is copied. */
static gboolean
get_string (Cursor      *c,
            const char  *field,
            gsize        max,
            gboolean     empty_is_null,
            char       **out,
            GError     **error)
{
  const guint8 *bytes;
  guint32 len;

  *out = NULL;
  len = get_u32 (c, field);
  if (c->field != NULL)
    return FALSE;

  if (len > c->left)
    return malformed (error, "%s length %u runs past the payload", field, len);
  if (len > max)
    return malformed (error, "%s is %u bytes, over its limit of %" G_GSIZE_FORMAT,
                      field, len, max);

  take (c, len, field, &bytes);
  if (!g_utf8_validate_len ((const char *) bytes, len, NULL))
    return malformed (error, "%s is not valid UTF-8", field);

  if (len > 0 || !empty_is_null)
    *out = g_strndup ((const char *) bytes, len);

  return TRUE;
}

/**
 * fs_frame_parse_header:
 * @header: %FS_FRAME_HEADER_SIZE bytes
 *
 * Checks magic, version, type and length: a length over
 * %FS_FRAME_MAX_PAYLOAD is refused here, before anything is allocated.
 */
gboolean
fs_frame_parse_header (const guint8  *header,
                       FsFrameType   *type,
                       guint32       *payload_len,
                       GError       **error)
{
  Cursor c = { header + sizeof frame_magic, FS_FRAME_HEADER_SIZE - sizeof frame_magic, NULL };
  guint16 version, raw_type;
  guint32 len;

  g_return_val_if_fail (header != NULL, FALSE);

  if (memcmp (header, frame_magic, sizeof frame_magic) != 0)
    {
      g_set_error_literal (error, FS_FRAME_ERROR, FS_FRAME_ERROR_BAD_MAGIC, "bad magic");
      return FALSE;
    }

  version = get_u16 (&c, "version");
  raw_type = get_u16 (&c, "type");
  len = get_u32 (&c, "length");

  if (version != FS_WORKER_PROTOCOL_VERSION)
    {
      g_set_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_BAD_VERSION,
                   "protocol version %u (expected %u)", version, FS_WORKER_PROTOCOL_VERSION);
      return FALSE;
    }

  if (raw_type < FS_FRAME_HELLO || raw_type > FS_FRAME_LINKS)
    {
      g_set_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_UNKNOWN_TYPE,
                   "unknown frame type %u", raw_type);
      return FALSE;
    }

  if (len > FS_FRAME_MAX_PAYLOAD)
    {
      g_set_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_TOO_LARGE,
                   "payload of %u bytes (limit %u)", len, FS_FRAME_MAX_PAYLOAD);
      return FALSE;
    }

  if (type != NULL)
    *type = raw_type;
  if (payload_len != NULL)
    *payload_len = len;

  return TRUE;
}

static gboolean
decode_hello (Cursor   *c,
              FsFrame  *frame,
              GError  **error)
{
  frame->pid = (gint32) get_u32 (c, "pid");
  frame->version = get_u16 (c, "version");
  if (c->field != NULL)
    return FALSE;

  if (frame->pid <= 0)
    return malformed (error, "HELLO with pid %d", frame->pid);
  if (frame->version != FS_WORKER_PROTOCOL_VERSION)
    return malformed (error, "HELLO for protocol version %u", frame->version);

  return TRUE;
}

static gboolean
decode_config (Cursor   *c,
               FsFrame  *frame,
               GError  **error)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(GError) local_error = NULL;
  guint8 worker_mode, cpu_work, gil, flags;

  frame->worker_index = get_u32 (c, "worker index");
  config->strategy = FS_STRATEGY_PROCESSES;
  config->concurrency = get_u32 (c, "concurrency");
  worker_mode = get_u8 (c, "worker mode");
  cpu_work = get_u8 (c, "CPU work");
  gil = get_u8 (c, "GIL");
  flags = get_u8 (c, "flags");
  config->hash_rounds = get_u32 (c, "hash rounds");
  config->switch_interval_us = get_u32 (c, "switch interval");
  config->timeout_ms = get_u32 (c, "timeout");
  config->connect_timeout_ms = get_u32 (c, "connect timeout");
  config->max_body_bytes = get_u64 (c, "max body");
  config->max_redirects = get_u32 (c, "max redirects");
  if (c->field != NULL)
    return FALSE;

  g_clear_pointer (&config->user_agent, g_free);
  if (!get_string (c, "user agent", FS_FRAME_MAX_USER_AGENT, FALSE, &config->user_agent, error))
    return FALSE;

  if (worker_mode > FS_WORKER_MODE_LOOP)
    return malformed (error, "unknown worker mode %u", worker_mode);
  if (cpu_work > FS_CPU_WORK_PUZZLE)
    return malformed (error, "unknown CPU work %u", cpu_work);
  if (gil > 1 || flags > 1)
    return malformed (error, "bad CONFIG flags");

  config->worker_mode = worker_mode;
  config->cpu_work = cpu_work;
  config->gil = gil;
  config->extract_links = flags & 1;

  if (!fs_run_config_validate (config, &local_error))
    return malformed (error, "CONFIG: %s", local_error->message);

  frame->config = g_steal_pointer (&config);

  return TRUE;
}

static gboolean
decode_job (Cursor   *c,
            FsFrame  *frame,
            GError  **error)
{
  frame->job_id = get_u64 (c, "job id");
  frame->url_index = get_u64 (c, "URL index");
  frame->t_queued = (gint64) get_u64 (c, "queue time");
  if (c->field != NULL)
    return FALSE;

  return get_string (c, "URL", FS_FRAME_MAX_URL, FALSE, &frame->url, error) &&
         get_string (c, "class", FS_FRAME_MAX_CLASS, TRUE, &frame->url_class, error);
}

static gboolean
decode_event (Cursor   *c,
              FsFrame  *frame,
              GError  **error)
{
  FsEvent *e = &frame->event;
  g_autofree char *error_text = NULL;

  memset (e, 0, sizeof *e);
  e->kind = get_u8 (c, "kind");
  e->outcome = get_u8 (c, "outcome");
  e->strategy = get_u8 (c, "strategy");
  e->route = get_u8 (c, "route");
  e->route_reason = get_u8 (c, "route reason");
  e->http_status = get_u16 (c, "HTTP status");
  e->curl_code = (gint16) get_u16 (c, "curl code");
  e->job_id = get_u64 (c, "job id");
  e->url_index = get_u64 (c, "URL index");
  e->lane.index = get_u32 (c, "lane");
  e->lane.slot = get_u32 (c, "slot");
  e->lane.pid = (gint32) get_u32 (c, "pid");
  e->lane.tid = (gint32) get_u32 (c, "tid");
  e->t_queued = (gint64) get_u64 (c, "t_queued");
  e->t_started = (gint64) get_u64 (c, "t_started");
  e->t_dns = (gint64) get_u64 (c, "t_dns");
  e->t_connect = (gint64) get_u64 (c, "t_connect");
  e->t_tls = (gint64) get_u64 (c, "t_tls");
  e->t_first_byte = (gint64) get_u64 (c, "t_first_byte");
  e->t_done = (gint64) get_u64 (c, "t_done");
  e->t_cpu_start = (gint64) get_u64 (c, "t_cpu_start");
  e->t_cpu_end = (gint64) get_u64 (c, "t_cpu_end");
  e->gil_wait_us = (gint64) get_u64 (c, "gil_wait_us");
  e->bytes = get_u64 (c, "bytes");
  e->sample.pid = (gint32) get_u32 (c, "sample pid");
  e->sample.rss_bytes = get_u64 (c, "sample RSS");
  e->sample.cpu_us = (gint64) get_u64 (c, "sample CPU");
  e->sample.loop_lag_us = (gint64) get_u64 (c, "sample loop lag");
  if (c->field != NULL)
    return FALSE;

  if (!get_string (c, "class", FS_FRAME_MAX_CLASS, TRUE, &frame->url_class, error) ||
      !get_string (c, "error", FS_FRAME_MAX_ERROR, FALSE, &error_text, error))
    return FALSE;

  if (e->kind > FS_EVENT_SAMPLE)
    return malformed (error, "unknown event kind %u", e->kind);
  if (e->outcome >= FS_N_OUTCOMES)
    return malformed (error, "unknown outcome %u", e->outcome);
  if (e->strategy >= FS_N_STRATEGIES)
    return malformed (error, "unknown strategy %u", e->strategy);
  if (e->route > FS_ROUTE_POOL || e->route_reason > FS_ROUTE_REASON_DEFAULT)
    return malformed (error, "unknown route %u/%u", e->route, e->route_reason);

  memcpy (e->error, error_text, strlen (error_text) + 1);

  return TRUE;
}

static gboolean
decode_links (Cursor   *c,
              FsFrame  *frame,
              GError  **error)
{
  guint8 flags;
  guint32 count;

  frame->job_id = get_u64 (c, "job id");
  flags = get_u8 (c, "flags");
  if (c->field != NULL ||
      !get_string (c, "final URL", FS_FRAME_MAX_URL, TRUE, &frame->url, error))
    return FALSE;
  count = get_u32 (c, "count");
  if (c->field != NULL)
    return FALSE;

  if (flags > 1)
    return malformed (error, "bad LINKS flags %u", flags);
  /* Every string takes at least its 4-byte length: refuse a count the
   * payload cannot hold before allocating for it. */
  if (count > c->left / 4)
    return malformed (error, "LINKS count %u runs past the payload", count);

  frame->malformed = flags & 1;
  frame->links = g_ptr_array_new_full (count, g_free);

  for (guint32 i = 0; i < count; i++)
    {
      char *url;

      if (!get_string (c, "link", FS_FRAME_MAX_URL, TRUE, &url, error))
        return FALSE;
      if (url == NULL)
        return malformed (error, "empty link");
      g_ptr_array_add (frame->links, url);
    }

  return TRUE;
}

/**
 * fs_frame_decode:
 * @payload: exactly @payload_len bytes
 * @frame: (out caller-allocates): cleared with fs_frame_clear() whether or
 *   not this succeeds
 *
 * Parses and checks one payload: every string valid UTF-8 within its bound,
 * every enum in range, nothing left over.
 */
gboolean
fs_frame_decode (FsFrameType    type,
                 const guint8  *payload,
                 gsize          payload_len,
                 FsFrame       *frame,
                 GError       **error)
{
  Cursor c = { payload, payload_len, NULL };
  gboolean ok;

  g_return_val_if_fail (payload != NULL || payload_len == 0, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  memset (frame, 0, sizeof *frame);
  frame->type = type;

  if (payload_len > FS_FRAME_MAX_PAYLOAD)
    {
      g_set_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_TOO_LARGE,
                   "payload of %" G_GSIZE_FORMAT " bytes (limit %u)",
                   payload_len, FS_FRAME_MAX_PAYLOAD);
      return FALSE;
    }

  switch (type)
    {
    case FS_FRAME_HELLO:
      ok = decode_hello (&c, frame, error);
      break;

    case FS_FRAME_CONFIG:
      ok = decode_config (&c, frame, error);
      break;

    case FS_FRAME_JOB:
      ok = decode_job (&c, frame, error);
      break;

    case FS_FRAME_EVENT:
      ok = decode_event (&c, frame, error);
      break;

    case FS_FRAME_LINKS:
      ok = decode_links (&c, frame, error);
      break;

    case FS_FRAME_CLOSE:
    case FS_FRAME_CANCEL:
      ok = TRUE;
      break;

    default:
      g_set_error (error, FS_FRAME_ERROR, FS_FRAME_ERROR_UNKNOWN_TYPE,
                   "unknown frame type %u", (guint) type);
      return FALSE;
    }

  /* A decoder that ran out of bytes set c.field and left @error unset. */
  if (!ok && c.field != NULL && (error == NULL || *error == NULL))
    malformed (error, "truncated %s frame at %s", fs_frame_type_to_string (type), c.field);
  else if (ok && c.left > 0)
    ok = malformed (error, "%" G_GSIZE_FORMAT " stray bytes after a %s frame",
                    c.left, fs_frame_type_to_string (type));

  if (!ok)
    fs_frame_clear (frame);

  return ok;
}

void
fs_frame_clear (FsFrame *frame)
{
  g_return_if_fail (frame != NULL);

  g_clear_pointer (&frame->config, fs_run_config_free);
  g_clear_pointer (&frame->url, g_free);
  g_clear_pointer (&frame->url_class, g_free);
  g_clear_pointer (&frame->links, g_ptr_array_unref);
}

/* The reader */

/* Bytes arrive in @buffer; frames are taken from @pos on, and the consumed
 * head is dropped only once it is the larger part, so a chunk holding many
 * small frames costs one memmove, not one per frame. */
struct _FsFrameReader
{
  GByteArray *buffer;
  gsize       pos;
  GError     *error;   /* sticky: a broken stream cannot be resynchronised */
};

FsFrameReader *
fs_frame_reader_new (void)
{
  FsFrameReader *self = g_new0 (FsFrameReader, 1);

  self->buffer = g_byte_array_new ();

  return self;
}

void
fs_frame_reader_free (FsFrameReader *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->buffer);
  g_clear_error (&self->error);
  g_free (self);
}

void
fs_frame_reader_feed (FsFrameReader *self,
                      const guint8  *data,
                      gsize          len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);

  if (self->error != NULL || len == 0)
    return;

  if (self->pos > 0 && self->pos >= self->buffer->len / 2)
    {
      g_byte_array_remove_range (self->buffer, 0, self->pos);
      self->pos = 0;
    }

  g_byte_array_append (self->buffer, data, len);
}

/**
 * fs_frame_reader_pop:
 * @frame: (out caller-allocates): the frame when %FS_FRAME_STATUS_READY is
 *   returned; release it with fs_frame_clear()
 *
 * A header is checked as soon as its 12 bytes are in, so an oversized or
 * foreign frame is refused without waiting for (or allocating) its payload.
 */
FsFrameStatus
fs_frame_reader_pop (FsFrameReader  *self,
                     FsFrame        *frame,
                     GError        **error)
{
  const guint8 *start;
  gsize available;
  FsFrameType type;
  guint32 payload_len;

  g_return_val_if_fail (self != NULL, FS_FRAME_STATUS_INVALID);
  g_return_val_if_fail (frame != NULL, FS_FRAME_STATUS_INVALID);

  memset (frame, 0, sizeof *frame);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FS_FRAME_STATUS_INVALID;
    }

  start = self->buffer->data + self->pos;
  available = self->buffer->len - self->pos;

  if (available < FS_FRAME_HEADER_SIZE)
    return FS_FRAME_STATUS_NEED_MORE;

  if (!fs_frame_parse_header (start, &type, &payload_len, &self->error))
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FS_FRAME_STATUS_INVALID;
    }

  if (available - FS_FRAME_HEADER_SIZE < payload_len)
    return FS_FRAME_STATUS_NEED_MORE;

  if (!fs_frame_decode (type, start + FS_FRAME_HEADER_SIZE, payload_len, frame, &self->error))
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FS_FRAME_STATUS_INVALID;
    }

  self->pos += FS_FRAME_HEADER_SIZE + payload_len;
  if (self->pos == self->buffer->len)
    {
      g_byte_array_set_size (self->buffer, 0);
      self->pos = 0;
    }

  return FS_FRAME_STATUS_READY;
}

/**
 * fs_frame_reader_get_buffered:
 *
 * Bytes fed but not yet returned as frames: at the end of a stream, more
 * than zero means it ended inside a frame.
 */
gsize
fs_frame_reader_get_buffered (FsFrameReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->buffer->len - self->pos;
}

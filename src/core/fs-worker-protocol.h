/* fs-worker-protocol.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames between the processes engine and its fetchscope-worker children,
 * over the child's stdin (parent → child) and stdout (child → parent).
 *
 * A frame is a 12-byte header and a payload, all little-endian:
 *
 *   magic "FSWK" (4 bytes) | version u16 (= 2) | type u16 | payload length u32
 *
 * Payload lengths above FS_FRAME_MAX_PAYLOAD are refused as soon as the
 * header is seen, before anything is allocated for them. A string is a u32
 * byte count and that many bytes of UTF-8 with no NUL; every string has its
 * own bound, and a payload must be consumed exactly. Payloads, by type:
 *
 *   HELLO  (child → parent, first)  pid i32, protocol version u16
 *   CONFIG (parent → child, once)   worker index u32, concurrency u32,
 *                                   worker mode u8, CPU work u8, GIL u8,
 *                                   flags u8 (bit 0: report links),
 *                                   hash rounds u32, switch interval µs u32,
 *                                   timeout ms u32, connect timeout ms u32,
 *                                   max body bytes u64, max redirects u32,
 *                                   user agent string
 *   JOB    (parent → child)         job id u64, URL index u64, t_queued i64,
 *                                   URL string, class string ("" = none)
 *   CLOSE  (parent → child)         empty: no more jobs; finish, then exit 0
 *   CANCEL (parent → child)         empty: cancel everything now, then exit 0
 *   EVENT  (child → parent)         kind u8, outcome u8, strategy u8, route u8,
 *                                   route reason u8, HTTP status u16,
 *                                   curl code i16, job id u64, URL index u64,
 *                                   lane index u32, slot u32, pid i32, tid i32,
 *                                   t_queued, t_started, t_dns, t_connect,
 *                                   t_tls, t_first_byte, t_done, t_cpu_start,
 *                                   t_cpu_end, gil_wait_us (i64 each),
 *                                   bytes u64, sample pid i32, sample RSS u64,
 *                                   sample CPU µs i64, sample loop lag µs i64,
 *                                   class string, error string
 *   LINKS  (child → parent)         job id u64, flags u8 (bit 0: the page
 *                                   did not parse), final URL string (""
 *                                   = none), count u32, that many URL
 *                                   strings
 *
 * Version 2 added LINKS and the CONFIG flags (crawl mode): a child told to
 * report links sends a page's links in one or more LINKS frames, each
 * within the payload limit, before that job's terminal EVENT, so the parent
 * has the new jobs before it sees the page end.
 *
 * A child's memory and CPU samples are EVENT frames of kind sample: there is
 * no separate frame type for them.
 *
 * Everything here is pure (no I/O, no global state besides g_intern_string
 * in callers), so a fuzzer can feed FsFrameReader arbitrary bytes.
 *
 * Threading: an FsFrameReader belongs to one thread at a time; the other
 * functions are reentrant.
 */

#pragma once

#include <glib.h>

#include "fs-event.h"
#include "fs-job-queue.h"
#include "fs-run-config.h"

G_BEGIN_DECLS

#define FS_WORKER_PROTOCOL_VERSION 2
#define FS_FRAME_HEADER_SIZE       12
#define FS_FRAME_MAX_PAYLOAD       (64 * 1024)

/* Longest strings, in bytes. */
#define FS_FRAME_MAX_URL           16384
#define FS_FRAME_MAX_CLASS         256
#define FS_FRAME_MAX_USER_AGENT    1024
#define FS_FRAME_MAX_ERROR         (FS_EVENT_ERROR_LEN - 1)

#define FS_FRAME_ERROR (fs_frame_error_quark ())

typedef enum
{
  FS_FRAME_ERROR_BAD_MAGIC,
  FS_FRAME_ERROR_BAD_VERSION,
  FS_FRAME_ERROR_UNKNOWN_TYPE,
  FS_FRAME_ERROR_TOO_LARGE,
  FS_FRAME_ERROR_MALFORMED,     /* the payload does not parse */
  FS_FRAME_ERROR_INVALID_ARGUMENT,  /* the encoder was given something unsendable */
} FsFrameError;

typedef enum
{
  FS_FRAME_HELLO = 1,
  FS_FRAME_CONFIG,
  FS_FRAME_JOB,
  FS_FRAME_CLOSE,
  FS_FRAME_CANCEL,
  FS_FRAME_EVENT,
  FS_FRAME_LINKS,
} FsFrameType;

typedef enum
{
  FS_FRAME_STATUS_NEED_MORE,   /* no complete frame yet: feed more bytes */
  FS_FRAME_STATUS_READY,       /* a frame was decoded */
  FS_FRAME_STATUS_INVALID,     /* the stream is broken; every later pop fails too */
} FsFrameStatus;

/* One decoded frame. Only the members of its type are set; the strings are
 * owned and freed by fs_frame_clear(). */
typedef struct
{
  FsFrameType  type;

  /* HELLO */
  gint32       pid;
  guint16      version;

  /* CONFIG: strategy is FS_STRATEGY_PROCESSES, workers 0 */
  FsRunConfig *config;
  guint32      worker_index;

  /* JOB (LINKS: job_id, and in url the page's final URL, NULL if none) */
  guint64      job_id;
  guint64      url_index;
  gint64       t_queued;
  char        *url;

  /* JOB and EVENT: NULL when there is none */
  char        *url_class;

  /* LINKS (also job_id) */
  GPtrArray   *links;       /* element-type utf8 */
  gboolean     malformed;

  /* EVENT: event.url_class is always NULL, since a pointer means nothing in
   * another process; the class is in @url_class. */
  FsEvent      event;
} FsFrame;

typedef struct _FsFrameReader FsFrameReader;

GQuark         fs_frame_error_quark     (void);
const char    *fs_frame_type_to_string  (FsFrameType        type);

void           fs_frame_append_hello    (GByteArray        *out,
                                         gint32             pid);
void           fs_frame_append_config   (GByteArray        *out,
                                         const FsRunConfig *config,
                                         guint32            worker_index);
gboolean       fs_frame_append_job      (GByteArray        *out,
                                         const FsJob       *job,
                                         GError           **error);
void           fs_frame_append_close    (GByteArray        *out);
void           fs_frame_append_cancel   (GByteArray        *out);
void           fs_frame_append_event    (GByteArray        *out,
                                         const FsEvent     *event);
void           fs_frame_append_links    (GByteArray        *out,
                                         guint64            job_id,
                                         const char        *final_url,
                                         const char * const *links,
                                         guint              n_links,
                                         gboolean           malformed);

gboolean       fs_frame_parse_header    (const guint8      *header,
                                         FsFrameType       *type,
                                         guint32           *payload_len,
                                         GError           **error);
gboolean       fs_frame_decode          (FsFrameType        type,
                                         const guint8      *payload,
                                         gsize              payload_len,
                                         FsFrame           *frame,
                                         GError           **error);
void           fs_frame_clear           (FsFrame           *frame);

FsFrameReader *fs_frame_reader_new      (void);
void           fs_frame_reader_free     (FsFrameReader     *self);
void           fs_frame_reader_feed     (FsFrameReader     *self,
                                         const guint8      *data,
                                         gsize              len);
FsFrameStatus  fs_frame_reader_pop      (FsFrameReader     *self,
                                         FsFrame           *frame,
                                         GError           **error);
gsize          fs_frame_reader_get_buffered (FsFrameReader *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FsFrame, fs_frame_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsFrameReader, fs_frame_reader_free)

G_END_DECLS

/* fs-event.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain records, not GObjects: they are copied by value through the sink and
 * may be written by any thread. All timestamps are g_get_monotonic_time() µs.
 */

#pragma once

#include "fs-types.h"

G_BEGIN_DECLS

#define FS_EVENT_ERROR_LEN 96

/* Which executor ran a request: a thread, a process or a loop, and for loops
 * the transfer slot inside it, so a swimlane can draw overlapping transfers. */
typedef struct
{
  guint32 index;
  guint32 slot;
  gint32  pid;
  gint32  tid;
} FsLane;

typedef struct
{
  gint32 pid;
  guint32 _pad;
  guint64 rss_bytes;
  gint64  cpu_us;        /* utime + stime of the process */
  gint64  loop_lag_us;   /* -1 when not measured */
} FsSample;

struct _FsEvent
{
  guint8      kind;        /* FsEventKind */
  guint8      outcome;     /* FsOutcome, terminal records only */
  guint8      strategy;    /* FsStrategy */
  guint8      route;       /* FsRoute, hybrid only */
  guint8      route_reason;/* FsRouteReason */
  guint8      _pad[3];
  guint16     http_status;
  gint16      curl_code;   /* CURLcode, 0 when none */
  guint64     job_id;
  guint64     url_index;
  const char *url_class;   /* interned (g_intern_string) or NULL */
  FsLane      lane;

  /* Monotonic µs. 0 means "did not happen" (e.g. no TLS on http://). */
  gint64      t_queued;
  gint64      t_started;
  gint64      t_dns;
  gint64      t_connect;
  gint64      t_tls;
  gint64      t_first_byte;
  gint64      t_done;
  gint64      t_cpu_start;
  gint64      t_cpu_end;
  gint64      gil_wait_us;

  guint64     bytes;
  FsSample    sample;      /* FS_EVENT_SAMPLE only */
  char        error[FS_EVENT_ERROR_LEN];
};

const char *fs_outcome_to_string  (FsOutcome   outcome);
const char *fs_strategy_to_string (FsStrategy  strategy);
const char *fs_route_to_string    (FsRoute     route);
const char *fs_route_reason_to_string (FsRouteReason reason);
gboolean    fs_lookup_name         (const char * const *names,
                                    guint               n_names,
                                    const char         *text,
                                    guint              *index);
gboolean    fs_strategy_from_string (const char *str,
                                     FsStrategy *strategy);
void        fs_event_init_start    (FsEvent       *event,
                                    const FsJob   *job,
                                    FsStrategy     strategy,
                                    const FsLane  *lane,
                                    gint64         t_started);
void        fs_event_init_terminal (FsEvent       *event,
                                    const FsJob   *job,
                                    FsStrategy     strategy,
                                    const FsLane  *lane);
void        fs_event_set_error     (FsEvent       *event,
                                    const char    *format,
                                    ...) G_GNUC_PRINTF (2, 3);
gint64      fs_event_latency_us    (const FsEvent *event);

G_END_DECLS

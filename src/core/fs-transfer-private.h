/* fs-transfer-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One reusable curl easy handle and the state of the job it is running.
 * Every engine fetches through this, so every transfer gets the same rules:
 * http and https only (also after redirects), bounded redirects, a timeout,
 * a body cap, keep-alive, HTTP/1.1 and Fetchscope's User-Agent.
 *
 * Threading: owned by one engine thread at a time.
 */

#pragma once

#include <curl/curl.h>

#include "fs-event-sink.h"
#include "fs-event.h"
#include "fs-gil.h"
#include "fs-job-queue.h"
#include "fs-run-config.h"

G_BEGIN_DECLS

typedef struct
{
  CURL          *easy;
  FsJob         *job;            /* owned while running */
  FsLane         lane;
  FsStrategy     strategy;
  gint64         t_started;
  guint64        bytes;
  guint64        max_body_bytes;
  GCancellable  *cancellable;    /* borrowed; checked by blocking engines */
  GByteArray    *body;           /* kept only for a CPU stage or a crawl */
  FsJobQueue    *links_queue;    /* borrowed; set when crawling: pages' links go there */
  FsCpuWork      cpu_work;
  guint          hash_rounds;
  guint          cpu_parallel;   /* threads a multi-core page may be solved on */
  FsGil         *gil;            /* borrowed, nullable */
  guint          over_cap : 1;
  char           errbuf[CURL_ERROR_SIZE];
} FsTransfer;

gboolean _fs_curl_init        (GError          **error);
gboolean _fs_transfer_init    (FsTransfer       *self,
                               const FsRunConfig *config,
                               FsStrategy        strategy,
                               GError          **error);
void     _fs_transfer_set_cpu_stage (FsTransfer *self,
                                     FsGil      *gil,
                                     guint       parallel);
void     _fs_transfer_set_links_queue (FsTransfer *self,
                                      FsJobQueue *queue);
void     _fs_transfer_clear   (FsTransfer       *self);
void     _fs_transfer_begin   (FsTransfer       *self,
                               FsJob            *job,
                               FsEvent          *start_event);
void     _fs_transfer_end     (FsTransfer       *self,
                               CURLcode          code,
                               FsEvent          *terminal_event);
void     _fs_transfer_abandon (FsTransfer       *self,
                               FsEvent          *terminal_event);
void     _fs_transfer_fetch_all (FsTransfer     *self,
                                 FsJobQueue     *queue,
                                 FsEventSink    *sink,
                                 GCancellable   *cancellable);

G_END_DECLS

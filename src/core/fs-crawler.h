/* fs-crawler.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Crawl mode's job source: it owns the frontier and the visited set, and
 * feeds an engine's FsJobQueue while the engine runs. It starts from one
 * URL; every fetched page's links come back through the queue
 * (fs_job_queue_report_links(), from whichever thread or process fetched
 * it) and every new URL becomes a job at once, no batch waited for.
 *
 * The rules:
 * - A URL is marked visited when it is accepted, before it is fetched, so
 *   no URL is ever fetched twice. Where a URL led after redirects is marked
 *   visited too, once known, so a later link there is not fetched again.
 * - Links are kept only on the start URL's host or a host added with
 *   fs_crawler_add_allowed_host() (host names compare without port), and
 *   only up to the maximum depth (the start URL is depth 0) and until the
 *   maximum number of pages has been accepted.
 * - With a per-host cap, at most that many of a host's jobs are in the
 *   engine's hands (queued or running) at once; the rest wait here.
 * - The crawl is over when the frontier is empty and nothing is in flight:
 *   every accepted URL has its terminal record. Engines report a page's
 *   links before its terminal record, and the crawler counts terminal
 *   records as they are pushed into the run's sink (an observer on the
 *   producer's thread), so the last page cannot end the crawl while its
 *   links are still on their way. It then closes the queue; a cancel closes
 *   it at once.
 *
 * The frontier is every accepted URL whose fetch has not started: those
 * held back by the per-host cap and those queued in the engine.
 *
 * Threading: create, configure and start on one thread; keep the crawler
 * until the engine's run has finished. The stats and page accessors are
 * thread-safe and may be called at any time.
 */

#pragma once

#include <gio/gio.h>

#include "fs-aggregator.h"
#include "fs-event-sink.h"
#include "fs-job-queue.h"

G_BEGIN_DECLS

#define FS_CRAWL_SPEC_PREFIX       "crawl:"
#define FS_CRAWL_DEFAULT_MAX_PAGES 10000

typedef struct
{
  guint64  visited;       /* URLs accepted: each fetched once */
  guint64  frontier;      /* accepted, not started: held by the per-host cap or queued */
  guint64  in_flight;     /* started, not ended */
  guint64  done;          /* ended, whatever the outcome */
  guint64  duplicates;    /* fetches of a page that had already ended: 0, by the
                           * rules above, and counted from the records */
  guint64  links;         /* links reported by fetched pages */
  guint64  known_links;   /* links to a URL already visited */
  guint64  offsite;       /* links to a host not allowed */
  guint64  too_deep;      /* links past the maximum depth */
  guint64  over_limit;    /* new URLs left out once the maximum of pages was reached */
  guint64  invalid;       /* links that are no http or https URL */
  guint64  redirects;     /* pages that led elsewhere: their final URLs, marked visited */
  guint64  parse_errors;  /* pages whose HTML or JSON did not parse */
  guint    max_depth;     /* the deepest level accepted */
  gboolean finished;      /* frontier empty and nothing in flight */
} FsCrawlStats;

#define FS_TYPE_CRAWLER (fs_crawler_get_type ())

G_DECLARE_FINAL_TYPE (FsCrawler, fs_crawler, FS, CRAWLER, GObject)

gboolean    fs_crawl_spec_parse           (const char    *spec,
                                           char         **start_url,
                                           GError       **error);
char       *fs_crawl_host_normalize       (const char    *host,
                                           GError       **error);
FsCrawler  *fs_crawler_new                (const char    *start_url,
                                           GError       **error);
const char *fs_crawler_get_start_url      (FsCrawler     *self);
void        fs_crawler_set_max_pages      (FsCrawler     *self,
                                           guint64        max_pages);
void        fs_crawler_set_max_depth      (FsCrawler     *self,
                                           guint          max_depth);
void        fs_crawler_set_per_host       (FsCrawler     *self,
                                           guint          per_host);
gboolean    fs_crawler_add_allowed_host   (FsCrawler     *self,
                                           const char    *host,
                                           GError       **error);
void        fs_crawler_start              (FsCrawler     *self,
                                           FsJobQueue    *queue,
                                           FsEventSink   *sink,
                                           GCancellable  *cancellable);
void        fs_crawler_get_stats          (FsCrawler     *self,
                                           FsCrawlStats  *stats);
void        fs_crawler_add_reading        (FsCrawler     *self,
                                           FsAggregator  *aggregator);
gboolean    fs_crawler_is_finished        (FsCrawler     *self);
char       *fs_crawler_dup_url            (FsCrawler     *self,
                                           guint64        url_index);
gboolean    fs_crawler_get_page           (FsCrawler     *self,
                                           guint64        url_index,
                                           guint         *depth,
                                           guint64       *parent);
GPtrArray  *fs_crawler_dup_visited        (FsCrawler     *self);

G_END_DECLS

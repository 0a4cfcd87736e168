/* fs-job-queue.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The source of jobs an engine pulls from. Thread-safe: any thread may push,
 * any thread may pop. It may still grow while an engine runs (crawl mode);
 * it is finished only once closed and drained. With a capacity, push blocks
 * while full, so a 1,000,000-line file is read as fast as it is fetched.
 *
 * Crawl mode: whoever fills the queue may also want each fetched page's
 * links. An engine that sees fs_job_queue_wants_links() keeps bodies, and
 * reports a page's links with fs_job_queue_report_links() on whatever thread
 * fetched it, before it pushes that job's terminal record, so the filler
 * knows of every new job before it learns that the page is done.
 */

#pragma once

#include <gio/gio.h>

#include "fs-types.h"

G_BEGIN_DECLS

struct _FsJob
{
  guint64     id;
  guint64     url_index;
  char       *url;
  const char *url_class;   /* interned or NULL */
  gint64      t_queued;
  guint8      route;       /* FsRoute: set by the hybrid's router */
  guint8      route_reason;/* FsRouteReason */
};

/* Called on an engine thread; possibly several times for one job.
 * @final_url is where the job's URL led after redirects, or NULL. */
typedef void (*FsJobLinksFunc) (const FsJob        *job,
                                const char         *final_url,
                                const char * const *links,
                                guint               n_links,
                                gboolean            malformed,
                                gpointer            user_data);

typedef enum
{
  FS_JOB_QUEUE_READY,   /* a job was returned */
  FS_JOB_QUEUE_EMPTY,   /* nothing now; more may come (wakers will fire) */
  FS_JOB_QUEUE_CLOSED,  /* closed and drained: no job will ever come */
} FsJobQueueStatus;

FsJob            *fs_job_new               (guint64           url_index,
                                            const char       *url,
                                            const char       *url_class);
void              fs_job_free              (FsJob            *job);

FsJobQueue       *fs_job_queue_new         (guint             capacity);
FsJobQueue       *fs_job_queue_ref         (FsJobQueue       *self);
void              fs_job_queue_unref       (FsJobQueue       *self);
gboolean          fs_job_queue_push        (FsJobQueue       *self,
                                            FsJob            *job,
                                            GCancellable     *cancellable);
void              fs_job_queue_close       (FsJobQueue       *self);
gboolean          fs_job_queue_is_closed   (FsJobQueue       *self);
FsJobQueueStatus  fs_job_queue_try_pop     (FsJobQueue       *self,
                                            FsJob           **job);
FsJobQueueStatus  fs_job_queue_pop         (FsJobQueue       *self,
                                            GCancellable     *cancellable,
                                            FsJob           **job);
void              fs_job_queue_add_waker   (FsJobQueue       *self,
                                            GSource          *source);
void              fs_job_queue_remove_waker(FsJobQueue       *self,
                                            GSource          *source);
guint64           fs_job_queue_get_pushed  (FsJobQueue       *self);
guint             fs_job_queue_get_length  (FsJobQueue       *self);
void              fs_job_queue_set_links_func (FsJobQueue     *self,
                                               FsJobLinksFunc  func,
                                               gpointer        user_data,
                                               GDestroyNotify  destroy);
gboolean          fs_job_queue_wants_links (FsJobQueue       *self);
void              fs_job_queue_report_links(FsJobQueue       *self,
                                            const FsJob      *job,
                                            const char       *final_url,
                                            const char * const *links,
                                            guint             n_links,
                                            gboolean          malformed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsJob, fs_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsJobQueue, fs_job_queue_unref)

G_END_DECLS

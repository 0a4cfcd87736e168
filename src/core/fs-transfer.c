/* fs-transfer.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-i18n.h"
#include "fs-cpu-stage.h"
#include "fs-error.h"
#include "fs-link-extract.h"
#include "fs-transfer-private.h"

static CURLcode global_init_code = CURLE_OK;
static gboolean proxy_in_environment;

static gpointer
curl_global_init_once (gpointer data)
{
  /* Every variable libcurl 7.88 reads to pick a proxy for http or https. */
  static const char * const proxy_variables[] = {
    "http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
  };

  global_init_code = curl_global_init (CURL_GLOBAL_DEFAULT);

  for (guint i = 0; i < G_N_ELEMENTS (proxy_variables); i++)
    if (g_getenv (proxy_variables[i]) != NULL)
      proxy_in_environment = TRUE;

  return NULL;
}

/* curl_global_init() is not thread-safe on every build of libcurl: do it once,
 * before the first engine thread exists. */
gboolean
_fs_curl_init (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, curl_global_init_once, NULL);

  if (global_init_code != CURLE_OK)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_CURL,
                   _("Could not initialise libcurl: %s"), curl_easy_strerror (global_init_code));
      return FALSE;
    }

  return TRUE;
}

/* The body is only counted, never copied. */
static size_t
write_cb (char   *ptr,
          size_t  size,
          size_t  nmemb,
          void   *userdata)
{
  FsTransfer *self = userdata;
  size_t n = size * nmemb;

  self->bytes += n;
  if (self->bytes > self->max_body_bytes)
    {
      self->over_cap = TRUE;
      return 0;
    }

  if (self->body != NULL)
    g_byte_array_append (self->body, (const guint8 *) ptr, n);

  return n;
}

static int
xferinfo_cb (void       *clientp,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  FsTransfer *self = clientp;

  return g_cancellable_is_cancelled (self->cancellable) ? 1 : 0;
}

gboolean
_fs_transfer_init (FsTransfer        *self,
                   const FsRunConfig *config,
                   FsStrategy         strategy,
                   GError           **error)
{
  CURL *easy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  memset (self, 0, sizeof *self);

  if (!_fs_curl_init (error))
    return FALSE;

  if (!(easy = curl_easy_init ()))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_CURL, _("Could not create a curl handle"));
      return FALSE;
    }

  self->easy = easy;
  self->strategy = strategy;
  self->max_body_bytes = config->max_body_bytes;
  self->cpu_work = config->cpu_work;
  self->hash_rounds = config->hash_rounds;
  self->cpu_parallel = 1;
  if (config->cpu_work != FS_CPU_WORK_NONE)
    self->body = g_byte_array_new ();

  /* Options set once: they survive every request this handle makes. */
  if (curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
      curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_CURL,
                   _("This libcurl cannot restrict protocols to http and https"));
      _fs_transfer_clear (self);
      return FALSE;
    }

  curl_easy_setopt (easy, CURLOPT_PRIVATE, self);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, config->max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt (easy, CURLOPT_MAXREDIRS, (long) config->max_redirects);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) config->timeout_ms);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS,
                    (long) MIN (config->connect_timeout_ms, config->timeout_ms));
  curl_easy_setopt (easy, CURLOPT_USERAGENT, config->user_agent);
  curl_easy_setopt (easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  curl_easy_setopt (easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) config->max_body_bytes);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, self);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, self->errbuf);
  curl_easy_setopt (easy, CURLOPT_TCP_NODELAY, 1L);
  /* Without a proxy variable in the environment, libcurl would still look
   * for one in it (five getenv() calls) on every request: say "no proxy"
   * once instead, which is what it would find. */
  if (!proxy_in_environment)
    {
      curl_easy_setopt (easy, CURLOPT_PROXY, "");
      curl_easy_setopt (easy, CURLOPT_NOPROXY, "");
    }

  return TRUE;
}

/**
 * _fs_transfer_set_cpu_stage:
 * @gil: (nullable): the simulated GIL every CPU stage of the run holds
 * @parallel: how many threads a multi-core page's seeds may be solved on
 */
void
_fs_transfer_set_cpu_stage (FsTransfer *self,
                            FsGil      *gil,
                            guint       parallel)
{
  self->gil = gil;
  self->cpu_parallel = MAX (1, parallel);
}

/**
 * _fs_transfer_set_links_queue:
 * @queue: the queue the jobs come from
 *
 * When @queue wants links (a crawl), keeps every body and reports its
 * links to @queue before the job's terminal record is made. Otherwise
 * nothing changes: bodies are still only counted.
 */
void
_fs_transfer_set_links_queue (FsTransfer *self,
                              FsJobQueue *queue)
{
  if (!fs_job_queue_wants_links (queue))
    return;

  self->links_queue = queue;
  if (self->body == NULL)
    self->body = g_byte_array_new ();
}

/* Before the terminal record exists, so the crawl has the new jobs before
 * it can see this one end. */
static void
report_links (FsTransfer *self)
{
  g_autoptr(GPtrArray) links = NULL;
  const char *content_type = NULL;
  const char *final_url = NULL;
  gboolean malformed = FALSE;

  curl_easy_getinfo (self->easy, CURLINFO_CONTENT_TYPE, &content_type);
  if (curl_easy_getinfo (self->easy, CURLINFO_EFFECTIVE_URL, &final_url) != CURLE_OK ||
      final_url == NULL)
    final_url = self->job->url;

  links = fs_link_extract (content_type, final_url, self->body->data, self->body->len,
                           &malformed);
  fs_job_queue_report_links (self->links_queue, self->job, final_url,
                             (const char * const *) links->pdata, links->len, malformed);
}

void
_fs_transfer_clear (FsTransfer *self)
{
  g_clear_pointer (&self->easy, curl_easy_cleanup);
  g_clear_pointer (&self->job, fs_job_free);
  g_clear_pointer (&self->body, g_byte_array_unref);
}

void
_fs_transfer_begin (FsTransfer *self,
                    FsJob      *job,
                    FsEvent    *start_event)
{
  g_assert (self->job == NULL);

  self->job = job;
  self->bytes = 0;
  if (self->body != NULL)
    g_byte_array_set_size (self->body, 0);
  self->over_cap = FALSE;
  self->errbuf[0] = '\0';
  self->t_started = g_get_monotonic_time ();

  curl_easy_setopt (self->easy, CURLOPT_URL, job->url);

  if (self->cancellable != NULL)
    {
      curl_easy_setopt (self->easy, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt (self->easy, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
      curl_easy_setopt (self->easy, CURLOPT_XFERINFODATA, self);
    }

  fs_event_init_start (start_event, job, self->strategy, &self->lane, self->t_started);
}

static gint64
offset_us (CURL     *easy,
           CURLINFO  info,
           gint64    base)
{
  curl_off_t value = 0;

  if (curl_easy_getinfo (easy, info, &value) != CURLE_OK || value <= 0)
    return 0;

  return base + value;
}

static FsOutcome
classify (FsTransfer *self,
          CURLcode    code,
          long        status)
{
  switch ((int) code)
    {
    case CURLE_OK:
      return status >= 400 ? FS_OUTCOME_HTTP_ERROR : FS_OUTCOME_OK;

    case CURLE_OPERATION_TIMEDOUT:
      return FS_OUTCOME_TIMEOUT;

    case CURLE_ABORTED_BY_CALLBACK:
      if (g_cancellable_is_cancelled (self->cancellable))
        return FS_OUTCOME_CANCELLED;
      return FS_OUTCOME_TRANSPORT_ERROR;

    default:
      return FS_OUTCOME_TRANSPORT_ERROR;
    }
}

void
_fs_transfer_end (FsTransfer *self,
                  CURLcode    code,
                  FsEvent    *event)
{
  long status = 0;

  g_assert (self->job != NULL);

  fs_event_init_terminal (event, self->job, self->strategy, &self->lane);
  event->t_started = self->t_started;
  event->t_done = g_get_monotonic_time ();
  event->bytes = MIN (self->bytes, self->max_body_bytes);
  event->curl_code = code;

  curl_easy_getinfo (self->easy, CURLINFO_RESPONSE_CODE, &status);
  event->http_status = CLAMP (status, 0, G_MAXUINT16);

  event->t_dns = offset_us (self->easy, CURLINFO_NAMELOOKUP_TIME_T, self->t_started);
  event->t_connect = offset_us (self->easy, CURLINFO_CONNECT_TIME_T, self->t_started);
  event->t_tls = offset_us (self->easy, CURLINFO_APPCONNECT_TIME_T, self->t_started);
  event->t_first_byte = offset_us (self->easy, CURLINFO_STARTTRANSFER_TIME_T, self->t_started);

  event->outcome = classify (self, code, status);

  if (self->over_cap || code == CURLE_FILESIZE_EXCEEDED)
    fs_event_set_error (event, "body exceeds the cap of %" G_GUINT64_FORMAT " bytes",
                        self->max_body_bytes);
  else if (event->outcome == FS_OUTCOME_CANCELLED)
    fs_event_set_error (event, "cancelled");
  else if (event->outcome == FS_OUTCOME_HTTP_ERROR)
    fs_event_set_error (event, "HTTP %ld", status);
  else if (code == CURLE_OUT_OF_MEMORY && self->errbuf[0] == '\0')
    /* libcurl 7.88 fails a header line over its 100 KB limit this way,
     * with nothing in the error buffer: a server did it, not our memory. */
    fs_event_set_error (event, "out of memory, or a response header over libcurl's limit");
  else if (code != CURLE_OK)
    fs_event_set_error (event, "%s",
                        self->errbuf[0] ? self->errbuf : curl_easy_strerror (code));

  /* An error page is still a page: its links count (a failing demo page
   * lists them too). A body cut off at the cap is not parsed. */
  if (self->links_queue != NULL &&
      (event->outcome == FS_OUTCOME_OK || event->outcome == FS_OUTCOME_HTTP_ERROR))
    report_links (self);

  /* The CPU stage runs here, on whatever thread ran the transfer: on the
   * loop's thread it stalls every other transfer of the loop, as it must. */
  if (event->outcome == FS_OUTCOME_OK && self->cpu_work != FS_CPU_WORK_NONE)
    {
      g_autoptr(GError) error = NULL;

      if (!fs_cpu_stage_run (self->cpu_work, self->hash_rounds, self->gil, self->cpu_parallel,
                             self->body->data, self->body->len, event, &error))
        fs_event_set_error (event, "CPU stage: %s", error->message);
    }

  g_clear_pointer (&self->job, fs_job_free);
}

/* For a transfer stopped from outside (cancel): its record says so. */
void
_fs_transfer_abandon (FsTransfer *self,
                      FsEvent    *event)
{
  g_assert (self->job != NULL);

  fs_event_init_terminal (event, self->job, self->strategy, &self->lane);
  event->t_started = self->t_started;
  event->t_done = g_get_monotonic_time ();
  event->bytes = MIN (self->bytes, self->max_body_bytes);
  event->outcome = FS_OUTCOME_CANCELLED;
  fs_event_set_error (event, "cancelled while in flight");

  g_clear_pointer (&self->job, fs_job_free);
}

/* What curl_easy_perform() does with @easy, on a multi handle of the
 * caller's (whose connection cache the thread keeps), less one poll() per
 * request: curl_easy_perform() polls before it first runs the transfer,
 * when the transfer has no socket yet and the poll can only time out at
 * once (five poll() calls per request, now four). It still blocks, in
 * curl_multi_wait(), until its one transfer can go on. */
static CURLcode
perform (CURLM *multi,
         CURL  *easy)
{
  /* Not OK until curl says so: a transfer that ended without its message
   * must not pass for a success. */
  CURLcode result = CURLE_FAILED_INIT;
  CURLMcode mcode;
  CURLMsg *msg;
  int running = 1;
  int n_left;

  if (multi == NULL || curl_multi_add_handle (multi, easy) != CURLM_OK)
    return CURLE_OUT_OF_MEMORY;

  do
    {
      mcode = curl_multi_perform (multi, &running);
      if (mcode == CURLM_OK && running > 0)
        mcode = curl_multi_wait (multi, NULL, 0, 1000, NULL);
    }
  while (mcode == CURLM_OK && running > 0);

  /* As curl_easy_perform() maps them. */
  if (mcode != CURLM_OK)
    result = mcode == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_BAD_FUNCTION_ARGUMENT;
  else if ((msg = curl_multi_info_read (multi, &n_left)) != NULL && msg->msg == CURLMSG_DONE)
    result = msg->data.result;

  curl_multi_remove_handle (multi, easy);

  return result;
}

/**
 * _fs_transfer_fetch_all:
 *
 * The blocking engines' loop: one job at a time from @queue, each transfer
 * blocking this thread until it ends, until the queue is closed and drained
 * or @cancellable fires. Jobs left in the queue after a cancel are the
 * caller's to end.
 */
void
_fs_transfer_fetch_all (FsTransfer   *self,
                        FsJobQueue   *queue,
                        FsEventSink  *sink,
                        GCancellable *cancellable)
{
  FsJob *job;
  CURLM *multi = NULL;

  _fs_transfer_set_links_queue (self, queue);

  while (!g_cancellable_is_cancelled (cancellable) &&
         fs_job_queue_pop (queue, cancellable, &job) == FS_JOB_QUEUE_READY)
    {
      FsEvent event;

      /* Made with the first job, as curl_easy_perform() would: a hybrid's
       * pool threads may never get one. */
      if (multi == NULL)
        multi = curl_multi_init ();

      _fs_transfer_begin (self, job, &event);
      fs_event_sink_push (sink, &event);
      _fs_transfer_end (self, perform (multi, self->easy), &event);
      fs_event_sink_push (sink, &event);
    }

  /* Closes the connections this thread kept. */
  g_clear_pointer (&multi, curl_multi_cleanup);
}

/* fs-crawler.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One mutex guards everything: links arrive on engine threads, terminal
 * records on whichever thread pushes them, and both are short. Links are
 * normalised before the lock is taken, since GUri is the costly part.
 */

#include "config.h"

#include <string.h>

#include "fs-crawler.h"
#include "fs-error.h"
#include "fs-i18n.h"
#include "fs-event.h"
#include "fs-link-extract.h"

#define NO_PARENT G_MAXUINT64

typedef enum
{
  PAGE_HELD,      /* accepted, waiting for its host's cap */
  PAGE_QUEUED,    /* in the engine's queue */
  PAGE_STARTED,
  PAGE_ENDED,
} PageState;

typedef struct
{
  char    *url;
  guint64  parent;
  guint    depth;
  guint    host;
  guint8   state;       /* PageState */
  guint8   malformed;
} Page;

typedef struct
{
  char   *name;
  guint   handed;       /* queued or running in the engine */
  GQueue  held;         /* page indices, as GSIZE_TO_POINTER */
} Host;

struct _FsCrawler
{
  GObject       parent_instance;

  /* Set before start, then read-only */
  char         *start_url;
  char         *start_host;
  guint64       max_pages;
  guint         max_depth;
  guint         per_host;
  GHashTable   *allowed;       /* host names, besides the start URL's */

  GMutex        mutex;
  FsJobQueue   *queue;
  GCancellable *cancellable;
  gulong        cancelled_id;
  GArray       *pages;         /* Page, indexed by URL index */
  GHashTable   *visited;       /* URL (owned by its Page, or @aliases) → index + 1 */
  GPtrArray    *aliases;       /* final URLs of redirected pages */
  GPtrArray    *hosts;         /* Host */
  GHashTable   *host_index;    /* name (owned by its Host) → index + 1 */
  FsCrawlStats  stats;
  guint64       frontier_peak;   /* since the last fs_crawler_add_reading () */
  gboolean      closed;
};

G_DEFINE_FINAL_TYPE (FsCrawler, fs_crawler, G_TYPE_OBJECT)

static void
host_free (Host *host)
{
  g_free (host->name);
  g_queue_clear (&host->held);
  g_free (host);
}

static void
page_clear (Page *page)
{
  g_free (page->url);
}

static void
fs_crawler_dispose (GObject *object)
{
  FsCrawler *self = (FsCrawler *) object;

  /* Waits for a cancel handler running on another thread. */
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->queue, fs_job_queue_unref);

  G_OBJECT_CLASS (fs_crawler_parent_class)->dispose (object);
}

static void
fs_crawler_finalize (GObject *object)
{
  FsCrawler *self = (FsCrawler *) object;

  g_clear_pointer (&self->visited, g_hash_table_unref);
  g_clear_pointer (&self->aliases, g_ptr_array_unref);
  g_clear_pointer (&self->host_index, g_hash_table_unref);
  g_clear_pointer (&self->hosts, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_array_unref);
  g_clear_pointer (&self->allowed, g_hash_table_unref);
  g_free (self->start_url);
  g_free (self->start_host);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (fs_crawler_parent_class)->finalize (object);
}

static void
fs_crawler_class_init (FsCrawlerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_crawler_dispose;
  object_class->finalize = fs_crawler_finalize;
}

static void
fs_crawler_init (FsCrawler *self)
{
  g_mutex_init (&self->mutex);
  self->max_pages = FS_CRAWL_DEFAULT_MAX_PAGES;
  self->max_depth = G_MAXUINT;
  self->allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  g_array_set_clear_func (self->pages, (GDestroyNotify) page_clear);
  self->visited = g_hash_table_new (g_str_hash, g_str_equal);
  self->aliases = g_ptr_array_new_with_free_func (g_free);
  self->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) host_free);
  self->host_index = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * fs_crawl_spec_parse:
 * @spec: a URL set as typed, e.g. "crawl:http://127.0.0.1:8080/api/0"
 * @start_url: (out) (optional) (transfer full): the normalised start URL
 *
 * Returns: %TRUE if @spec is a crawl with a valid start URL; %FALSE with
 *   @error set for a crawl with a bad one, and without for other URL sets
 */
gboolean
fs_crawl_spec_parse (const char  *spec,
                     char       **start_url,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *url;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!g_str_has_prefix (spec, FS_CRAWL_SPEC_PREFIX))
    return FALSE;

  url = fs_url_normalize (NULL, spec + strlen (FS_CRAWL_SPEC_PREFIX), NULL, &local_error);
  if (url == NULL)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_URL,
                   _("A crawl starts from an http or https URL (crawl:URL): %s"),
                   local_error->message);
      return FALSE;
    }

  if (start_url != NULL)
    *start_url = url;
  else
    g_free (url);

  return TRUE;
}

/**
 * fs_crawler_new:
 * @start_url: an absolute http or https URL
 *
 * Returns: (transfer full): a crawler, or %NULL with @error set
 */
FsCrawler *
fs_crawler_new (const char  *start_url,
                GError     **error)
{
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;
  FsCrawler *self;

  g_return_val_if_fail (start_url != NULL, NULL);

  if (!(url = fs_url_normalize (NULL, start_url, &host, error)))
    return NULL;

  self = g_object_new (FS_TYPE_CRAWLER, NULL);
  self->start_url = g_steal_pointer (&url);
  self->start_host = g_steal_pointer (&host);

  return self;
}

const char *
fs_crawler_get_start_url (FsCrawler *self)
{
  g_return_val_if_fail (FS_IS_CRAWLER (self), NULL);

  return self->start_url;
}

/* @max_pages: how many URLs may be accepted, at least 1 */
void
fs_crawler_set_max_pages (FsCrawler *self,
                          guint64    max_pages)
{
  g_return_if_fail (FS_IS_CRAWLER (self));
  g_return_if_fail (max_pages >= 1);
  g_return_if_fail (self->queue == NULL);

  self->max_pages = max_pages;
}

/* @max_depth: how many links from the start URL a page may be; G_MAXUINT
 * for no limit (the default) */
void
fs_crawler_set_max_depth (FsCrawler *self,
                          guint      max_depth)
{
  g_return_if_fail (FS_IS_CRAWLER (self));
  g_return_if_fail (self->queue == NULL);

  self->max_depth = max_depth;
}

/* @per_host: jobs of one host in the engine's hands at once; 0 for no cap */
void
fs_crawler_set_per_host (FsCrawler *self,
                         guint      per_host)
{
  g_return_if_fail (FS_IS_CRAWLER (self));
  g_return_if_fail (self->queue == NULL);

  self->per_host = per_host;
}

/**
 * fs_crawl_host_normalize:
 * @host: a host name or address, no port ("Example.org", "[::1]")
 *
 * Returns: (transfer full): @host as links' hosts are compared (lower
 *   case, no brackets), or %NULL with @error set when it is not a host
 */
char *
fs_crawl_host_normalize (const char  *host,
                         GError     **error)
{
  g_autofree char *url = NULL;
  g_autofree char *normal = NULL;
  char *name = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  /* No port, path or user; a colon only inside an IPv6 address's brackets.
   * GUri then checks it as it would any host of a link, and lowers its case. */
  if (*host != '\0' && strpbrk (host, "/?#@ \t") == NULL &&
      (strchr (host, ':') == NULL || (host[0] == '[' && g_str_has_suffix (host, "]"))))
    {
      url = g_strconcat ("http://", host, "/", NULL);
      normal = fs_url_normalize (NULL, url, &name, NULL);
    }

  if (normal == NULL)
    g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a host name (e.g. example.org, 127.0.0.1 or [::1])"), host);

  return name;
}

/**
 * fs_crawler_add_allowed_host:
 * @host: a host name or address, any port; see fs_crawl_host_normalize()
 *
 * Follows links to @host too, not only to the start URL's host.
 */
gboolean
fs_crawler_add_allowed_host (FsCrawler   *self,
                             const char  *host,
                             GError     **error)
{
  char *name;

  g_return_val_if_fail (FS_IS_CRAWLER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (self->queue == NULL, FALSE);

  if (!(name = fs_crawl_host_normalize (host, error)))
    return FALSE;

  g_hash_table_add (self->allowed, name);

  return TRUE;
}

static gboolean
host_allowed (FsCrawler  *self,
              const char *host)
{
  return g_str_equal (host, self->start_host) || g_hash_table_contains (self->allowed, host);
}

static Host *
get_host (FsCrawler  *self,
          const char *name,
          guint      *index)
{
  gpointer position = g_hash_table_lookup (self->host_index, name);
  Host *host;

  if (position != NULL)
    {
      *index = GPOINTER_TO_UINT (position) - 1;
      return g_ptr_array_index (self->hosts, *index);
    }

  host = g_new0 (Host, 1);
  host->name = g_strdup (name);
  g_queue_init (&host->held);
  g_ptr_array_add (self->hosts, host);
  *index = self->hosts->len - 1;
  g_hash_table_insert (self->host_index, host->name, GUINT_TO_POINTER (self->hosts->len));

  return host;
}

static inline Page *
page_at (FsCrawler *self,
         guint64    index)
{
  return &g_array_index (self->pages, Page, index);
}

/* Hands a host's held pages to the engine while its cap allows. */
static void
pump_locked (FsCrawler *self,
             Host      *host)
{
  while (!self->closed && host->held.length > 0 &&
         (self->per_host == 0 || host->handed < self->per_host))
    {
      guint64 index = GPOINTER_TO_SIZE (g_queue_pop_head (&host->held));
      Page *page = page_at (self, index);

      page->state = PAGE_QUEUED;
      host->handed++;
      /* Unbounded, so this never blocks an engine thread that reports links. */
      fs_job_queue_push (self->queue, fs_job_new (index, page->url, NULL), NULL);
    }
}

/* Marks @url visited and puts it in the frontier, or says why not. */
static void
accept_locked (FsCrawler  *self,
               char       *url,
               const char *host_name,
               guint       depth,
               guint64     parent)
{
  Page page = { 0 };
  Host *host;
  guint64 index;

  /* Cancelled: nothing new is fetched, so nothing new is visited. */
  if (self->closed)
    {
      g_free (url);
      return;
    }

  if (!host_allowed (self, host_name))
    {
      self->stats.offsite++;
      g_free (url);
      return;
    }

  if (g_hash_table_contains (self->visited, url))
    {
      self->stats.known_links++;
      g_free (url);
      return;
    }

  if (depth > self->max_depth)
    {
      self->stats.too_deep++;
      g_free (url);
      return;
    }

  if (self->pages->len >= self->max_pages)
    {
      self->stats.over_limit++;
      g_free (url);
      return;
    }

  host = get_host (self, host_name, &page.host);
  page.url = url;
  page.depth = depth;
  page.parent = parent;
  page.state = PAGE_HELD;
  g_array_append_val (self->pages, page);
  index = self->pages->len - 1;
  g_hash_table_insert (self->visited, url, GSIZE_TO_POINTER (index + 1));

  self->stats.visited++;
  self->stats.frontier++;
  self->frontier_peak = MAX (self->frontier_peak, self->stats.frontier);
  self->stats.max_depth = MAX (self->stats.max_depth, depth);

  g_queue_push_tail (&host->held, GSIZE_TO_POINTER (index));
  pump_locked (self, host);
}

static void
close_locked (FsCrawler *self)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  fs_job_queue_close (self->queue);
}

/* On an engine thread, before @job's terminal record is pushed. */
static void
links_cb (const FsJob        *job,
          const char         *final_url,
          const char * const *links,
          guint               n_links,
          gboolean            malformed,
          gpointer            user_data)
{
  FsCrawler *self = user_data;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_full (n_links, g_free);
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_full (n_links, g_free);
  g_autofree char *final = NULL;
  g_autofree char *final_host = NULL;
  Page *parent;
  guint n_invalid = 0;

  if (final_url != NULL)
    final = fs_url_normalize (NULL, final_url, &final_host, NULL);

  /* From a worker process too: checked like any link. */
  for (guint i = 0; i < n_links; i++)
    {
      char *host = NULL;
      char *url = fs_url_normalize (NULL, links[i], &host, NULL);

      if (url == NULL)
        {
          n_invalid++;
          continue;
        }
      g_ptr_array_add (urls, url);
      g_ptr_array_add (hosts, host);
    }

  g_mutex_lock (&self->mutex);

  self->stats.links += n_links;
  self->stats.invalid += n_invalid;

  if (job->url_index >= self->pages->len ||
      (parent = page_at (self, job->url_index))->state == PAGE_ENDED)
    {
      g_mutex_unlock (&self->mutex);
      g_warning ("Links for a page the crawl is not fetching (%" G_GUINT64_FORMAT ")",
                 job->url_index);
      return;
    }

  if (malformed && !parent->malformed)
    {
      parent->malformed = TRUE;
      self->stats.parse_errors++;
    }

  /* A redirect's target is as good as fetched. */
  if (final != NULL && !g_str_equal (final, parent->url) && host_allowed (self, final_host) &&
      !g_hash_table_contains (self->visited, final))
    {
      g_hash_table_insert (self->visited, final, GSIZE_TO_POINTER (job->url_index + 1));
      g_ptr_array_add (self->aliases, g_steal_pointer (&final));
      self->stats.redirects++;
    }

  for (guint i = 0; i < urls->len; i++)
    {
      guint depth = parent->depth + 1;

      /* Accepting may grow the page array: @parent may move. */
      accept_locked (self, g_steal_pointer (&urls->pdata[i]), hosts->pdata[i], depth,
                     job->url_index);
      parent = page_at (self, job->url_index);
    }

  g_mutex_unlock (&self->mutex);
}

/* On every producer thread, with every batch of records it pushes. */
static void
records_cb (const FsEvent *events,
            guint          n_events,
            gpointer       user_data)
{
  FsCrawler *self = user_data;

  g_mutex_lock (&self->mutex);

  for (guint i = 0; i < n_events; i++)
    {
      const FsEvent *event = &events[i];
      Page *page;

      if (event->kind == FS_EVENT_SAMPLE || event->url_index >= self->pages->len)
        continue;

      page = page_at (self, event->url_index);

      if (event->kind == FS_EVENT_START && page->state == PAGE_QUEUED)
        {
          page->state = PAGE_STARTED;
          self->stats.frontier--;
          self->stats.in_flight++;
        }
      else if (event->kind == FS_EVENT_TERMINAL && page->state == PAGE_ENDED)
        {
          self->stats.duplicates++;
        }
      else if (event->kind == FS_EVENT_TERMINAL && page->state != PAGE_HELD)
        {
          Host *host = g_ptr_array_index (self->hosts, page->host);

          if (page->state == PAGE_STARTED)
            self->stats.in_flight--;
          else
            self->stats.frontier--;
          page->state = PAGE_ENDED;
          self->stats.done++;
          host->handed--;
          pump_locked (self, host);
        }
    }

  /* Every page accepted has ended, and the links of each were in before
   * its end: nothing can come any more. */
  if (self->stats.done == self->stats.visited && !self->closed)
    {
      self->stats.finished = TRUE;
      close_locked (self);
    }

  g_mutex_unlock (&self->mutex);
}

/* Any thread: the engine ends whatever was queued. */
static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  FsCrawler *self = user_data;

  g_mutex_lock (&self->mutex);
  close_locked (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * fs_crawler_start:
 * @queue: the engine's queue, unbounded (capacity 0), not yet given to
 *   the engine; the crawler closes it
 * @sink: the sink the engine pushes its records into
 * @cancellable: (nullable): closes @queue when it fires
 *
 * Queues the start URL. Call it once, before the engine runs.
 */
void
fs_crawler_start (FsCrawler    *self,
                  FsJobQueue   *queue,
                  FsEventSink  *sink,
                  GCancellable *cancellable)
{
  g_autofree char *url = NULL;

  g_return_if_fail (FS_IS_CRAWLER (self));
  g_return_if_fail (queue != NULL);
  g_return_if_fail (sink != NULL);
  g_return_if_fail (self->queue == NULL);

  self->queue = fs_job_queue_ref (queue);
  fs_job_queue_set_links_func (queue, links_cb, self, NULL);
  fs_event_sink_set_observer (sink, records_cb, self);

  g_mutex_lock (&self->mutex);
  accept_locked (self, g_strdup (self->start_url), self->start_host, 0, NO_PARENT);
  g_mutex_unlock (&self->mutex);

  /* Calls back at once if it already fired. */
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                  self, NULL);
    }
}

void
fs_crawler_get_stats (FsCrawler    *self,
                      FsCrawlStats *stats)
{
  g_return_if_fail (FS_IS_CRAWLER (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->mutex);
  *stats = self->stats;
  g_mutex_unlock (&self->mutex);
}

/**
 * fs_crawler_add_reading:
 *
 * Adds one reading of the crawl's progress to @aggregator, now: the pages
 * visited, and the frontier as it is and at its largest since the last
 * reading. A fast crawl's frontier can come and go between two readings
 * when the thread that takes them is slow to run; its peak still shows.
 */
void
fs_crawler_add_reading (FsCrawler    *self,
                        FsAggregator *aggregator)
{
  gint64 now = g_get_monotonic_time ();
  guint64 visited, frontier, peak;

  g_return_if_fail (FS_IS_CRAWLER (self));
  g_return_if_fail (aggregator != NULL);

  g_mutex_lock (&self->mutex);
  visited = self->stats.visited;
  frontier = self->stats.frontier;
  peak = MAX (self->frontier_peak, frontier);
  self->frontier_peak = frontier;
  g_mutex_unlock (&self->mutex);

  fs_aggregator_add_crawl (aggregator, now, visited, frontier, peak);
}

/* Whether the frontier ran empty with nothing in flight (not a cancel). */
gboolean
fs_crawler_is_finished (FsCrawler *self)
{
  gboolean finished;

  g_return_val_if_fail (FS_IS_CRAWLER (self), FALSE);

  g_mutex_lock (&self->mutex);
  finished = self->stats.finished;
  g_mutex_unlock (&self->mutex);

  return finished;
}

/**
 * fs_crawler_dup_url:
 * @url_index: a record's URL index
 *
 * Returns: (transfer full) (nullable): the URL of that page
 */
char *
fs_crawler_dup_url (FsCrawler *self,
                    guint64    url_index)
{
  char *url = NULL;

  g_return_val_if_fail (FS_IS_CRAWLER (self), NULL);

  g_mutex_lock (&self->mutex);
  if (url_index < self->pages->len)
    url = g_strdup (page_at (self, url_index)->url);
  g_mutex_unlock (&self->mutex);

  return url;
}

/**
 * fs_crawler_get_page:
 * @depth: (out) (optional): links from the start URL
 * @parent: (out) (optional): the URL index of the page that linked to it
 *   first, or G_MAXUINT64 for the start URL
 *
 * How a page was discovered.
 *
 * Returns: whether @url_index is a page of the crawl
 */
gboolean
fs_crawler_get_page (FsCrawler *self,
                     guint64    url_index,
                     guint     *depth,
                     guint64   *parent)
{
  gboolean found;

  g_return_val_if_fail (FS_IS_CRAWLER (self), FALSE);

  g_mutex_lock (&self->mutex);
  found = url_index < self->pages->len;
  if (found && depth != NULL)
    *depth = page_at (self, url_index)->depth;
  if (found && parent != NULL)
    *parent = page_at (self, url_index)->parent;
  g_mutex_unlock (&self->mutex);

  return found;
}

/**
 * fs_crawler_dup_visited:
 *
 * Returns: (transfer full) (element-type utf8): every URL accepted so far,
 *   in the order they were, which is their URL index
 */
GPtrArray *
fs_crawler_dup_visited (FsCrawler *self)
{
  GPtrArray *urls;

  g_return_val_if_fail (FS_IS_CRAWLER (self), NULL);

  g_mutex_lock (&self->mutex);
  urls = g_ptr_array_new_full (self->pages->len, g_free);
  for (guint i = 0; i < self->pages->len; i++)
    g_ptr_array_add (urls, g_strdup (page_at (self, i)->url));
  g_mutex_unlock (&self->mutex);

  return urls;
}

/* fs-test-server.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fs-test-server.h"

#define MAX_DRAIN_ITERATIONS 1000

struct _FsTestServer
{
  FsDemoServerOptions  options;
  GThread             *thread;
  GMainContext        *context;
  FsDemoServer        *server;     /* owned by the server thread */
  char                *base_url;
  guint16              port;
  gint                 stop;       /* atomic */

  GMutex               mutex;
  GCond                cond;
  gboolean             ready;
  GError              *error;

  /* A static server: under @mutex */
  gboolean             is_static;
  GHashTable          *pages;      /* path → Page */
  GHashTable          *hits;       /* path → count */
  guint64              n_static_requests;
};

typedef struct
{
  guint  status;
  char  *content_type;
  char  *location;
  char  *body;
} Page;

static void
page_free (Page *page)
{
  g_free (page->content_type);
  g_free (page->location);
  g_free (page->body);
  g_free (page);
}

static void
static_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FsTestServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Page *page;

  g_mutex_lock (&self->mutex);
  self->n_static_requests++;
  g_hash_table_replace (self->hits, g_strdup (path),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->hits,
                                                                                 path)) + 1));
  page = g_hash_table_lookup (self->pages, path);
  if (page == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, "not found\n", 10);
    }
  else
    {
      soup_server_message_set_status (msg, page->status, NULL);
      if (page->location != NULL)
        soup_message_headers_replace (headers, "Location", page->location);
      soup_server_message_set_response (msg, page->content_type, SOUP_MEMORY_COPY,
                                        page->body, strlen (page->body));
    }
  g_mutex_unlock (&self->mutex);
}

static gboolean
listen_static (FsTestServer *self,
               SoupServer   *server,
               GError      **error)
{
  GSList *uris;

  soup_server_add_handler (server, NULL, static_cb, self, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  self->port = g_uri_get_port (uris->data);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

static gpointer
server_thread_func (gpointer data)
{
  FsTestServer *self = data;
  g_autoptr(FsDemoServer) server = NULL;
  g_autoptr(SoupServer) static_server = NULL;
  GError *error = NULL;

  g_main_context_push_thread_default (self->context);

  if (self->is_static)
    {
      static_server = soup_server_new ("server-header", "fetchscope-test-site", NULL);
      listen_static (self, static_server, &error);
    }
  else
    {
      server = fs_demo_server_new (&self->options);
    }

  if (server != NULL && fs_demo_server_listen (server, 0, &error))
    {
      self->server = server;
      self->base_url = g_strdup (fs_demo_server_get_base_url (server));
      self->port = fs_demo_server_get_port (server);
    }

  g_mutex_lock (&self->mutex);
  self->error = error;
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  /* An atomic flag rather than g_main_loop_quit(), which is lost when it
   * comes before g_main_loop_run(). */
  if (error == NULL)
    {
      while (!g_atomic_int_get (&self->stop))
        g_main_context_iteration (self->context, TRUE);
    }

  g_clear_object (&server);
  if (static_server != NULL)
    soup_server_disconnect (static_server);
  g_clear_object (&static_server);
  for (guint i = 0; i < MAX_DRAIN_ITERATIONS && g_main_context_pending (self->context); i++)
    g_main_context_iteration (self->context, FALSE);

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * fs_test_server_new_full:
 * @options: options for the FsDemoServer
 *
 * Starts the server thread and returns once it listens. Aborts the test
 * when the server cannot listen.
 *
 * Returns: (transfer full): a running server
 */
static FsTestServer *
test_server_start (const FsDemoServerOptions *options,
                   gboolean                   is_static)
{
  FsTestServer *self;

  self = g_new0 (FsTestServer, 1);
  if (options != NULL)
    self->options = *options;
  self->is_static = is_static;
  self->pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) page_free);
  self->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->context = g_main_context_new ();
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  self->thread = g_thread_new ("fs-test-server", server_thread_func, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  if (self->error != NULL)
    g_error ("fs-test-server: cannot listen on 127.0.0.1: %s", self->error->message);

  return self;
}

FsTestServer *
fs_test_server_new_full (const FsDemoServerOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return test_server_start (options, FALSE);
}

/**
 * fs_test_server_new_static:
 *
 * Returns: (transfer full): a running server with no pages yet
 */
FsTestServer *
fs_test_server_new_static (void)
{
  return test_server_start (NULL, TRUE);
}

/**
 * fs_test_server_add_page:
 * @path: the request path, e.g. "/a/b.html"
 * @content_type: (nullable): the Content-Type, or none
 * @location: (nullable): a Location header (for redirects)
 *
 * Serves @body with @status for @path from now on.
 */
void
fs_test_server_add_page (FsTestServer *self,
                         const char   *path,
                         guint         status,
                         const char   *content_type,
                         const char   *location,
                         const char   *body)
{
  Page *page;

  g_return_if_fail (self != NULL && self->is_static);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (body != NULL);

  page = g_new0 (Page, 1);
  page->status = status;
  page->content_type = g_strdup (content_type);
  page->location = g_strdup (location);
  page->body = g_strdup (body);

  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->pages, g_strdup (path), page);
  g_mutex_unlock (&self->mutex);
}

/* How often a static server was asked for @path. */
guint
fs_test_server_get_hits (FsTestServer *self,
                         const char   *path)
{
  guint hits;

  g_return_val_if_fail (self != NULL && self->is_static, 0);

  g_mutex_lock (&self->mutex);
  hits = GPOINTER_TO_UINT (g_hash_table_lookup (self->hits, path));
  g_mutex_unlock (&self->mutex);

  return hits;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * fs_test_server_dup_hit_paths:
 *
 * Returns: (transfer full) (element-type utf8): every path a static server
 *   was asked for, sorted
 */
GPtrArray *
fs_test_server_dup_hit_paths (FsTestServer *self)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (self != NULL && self->is_static, paths);

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->hits);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (paths, g_strdup (key));
  g_mutex_unlock (&self->mutex);

  g_ptr_array_sort (paths, compare_paths);

  return paths;
}

FsTestServer *
fs_test_server_new (double  time_scale,
                    guint32 seed)
{
  FsDemoServerOptions options;

  fs_demo_server_options_init (&options);
  options.time_scale = time_scale;
  options.seed = seed;

  return fs_test_server_new_full (&options);
}

const char *
fs_test_server_get_base_url (FsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_url;
}

guint16
fs_test_server_get_port (FsTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

/**
 * fs_test_server_url:
 * @self: a test server
 * @path: an absolute path, such as "/ping"
 *
 * Returns: (transfer full): the base URL followed by @path
 */
char *
fs_test_server_url (FsTestServer *self,
                    const char   *path)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_strconcat (self->base_url, path, NULL);
}

/**
 * fs_test_server_get_demo_server:
 * @self: a server that is not static
 *
 * Only what FsDemoServer lets other threads call may be called on it.
 *
 * Returns: (transfer none): the server the server thread runs
 */
FsDemoServer *
fs_test_server_get_demo_server (FsTestServer *self)
{
  g_return_val_if_fail (self != NULL && !self->is_static, NULL);

  return self->server;
}

guint64
fs_test_server_get_n_requests (FsTestServer *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);

  if (!self->is_static)
    return fs_demo_server_get_n_requests (self->server);

  g_mutex_lock (&self->mutex);
  n = self->n_static_requests;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * fs_test_server_dup_reachable:
 * @from: a graph page id
 *
 * Asks the demo server for its ground truth: /api/reachable?from=@from.
 * The request counts in fs_test_server_get_n_requests().
 *
 * Returns: (transfer full) (element-type guint): the ids, sorted
 */
GArray *
fs_test_server_dup_reachable (FsTestServer *self,
                              guint         from)
{
  g_return_val_if_fail (self != NULL && !self->is_static, NULL);

  return fs_test_dup_reachable_at (self->base_url, from);
}

/**
 * fs_test_dup_reachable_at:
 * @base_url: a demo server's, wherever it runs (a fetchscope-demo-server
 *   process, too)
 *
 * As fs_test_server_dup_reachable().
 */
GArray *
fs_test_dup_reachable_at (const char *base_url,
                          guint       from)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  JsonArray *ids;
  GArray *result;

  g_return_val_if_fail (base_url != NULL, NULL);

  url = g_strdup_printf ("%s/api/reachable?from=%u", base_url, from);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  ids = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "ids");

  result = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      guint id = (guint) json_array_get_int_element (ids, i);

      g_array_append_val (result, id);
    }

  return result;
}

void
fs_test_server_free (FsTestServer *self)
{
  if (self == NULL)
    return;

  g_atomic_int_set (&self->stop, TRUE);
  g_main_context_wakeup (self->context);
  g_thread_join (self->thread);

  g_clear_error (&self->error);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->hits, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

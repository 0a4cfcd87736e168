/* fs-test-server.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
};

static gpointer
server_thread_func (gpointer data)
{
  FsTestServer *self = data;
  g_autoptr(FsDemoServer) server = NULL;
  GError *error = NULL;

  g_main_context_push_thread_default (self->context);

  server = fs_demo_server_new (&self->options);
  if (fs_demo_server_listen (server, 0, &error))
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
FsTestServer *
fs_test_server_new_full (const FsDemoServerOptions *options)
{
  FsTestServer *self;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_new0 (FsTestServer, 1);
  self->options = *options;
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

guint64
fs_test_server_get_n_requests (FsTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return fs_demo_server_get_n_requests (self->server);
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
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

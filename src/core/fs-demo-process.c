/* fs-demo-process.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fs-demo-process.h"
#include "fs-error.h"
#include "fs-i18n.h"
#include "fs-locate.h"

struct _FsDemoProcess
{
  GObject      parent_instance;

  GSubprocess *subprocess;
  char        *base_url;
  double       time_scale;
  guint32      seed;
};

G_DEFINE_FINAL_TYPE (FsDemoProcess, fs_demo_process, G_TYPE_OBJECT)

static void
fs_demo_process_finalize (GObject *object)
{
  FsDemoProcess *self = (FsDemoProcess *) object;

  fs_demo_process_stop (self);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (fs_demo_process_parent_class)->finalize (object);
}

static void
fs_demo_process_class_init (FsDemoProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fs_demo_process_finalize;
}

static void
fs_demo_process_init (FsDemoProcess *self)
{
  self->time_scale = 1.0;
  self->seed = 1;
}

FsDemoProcess *
fs_demo_process_new (double  time_scale,
                     guint32 seed)
{
  FsDemoProcess *self = g_object_new (FS_TYPE_DEMO_PROCESS, NULL);

  self->time_scale = time_scale;
  self->seed = seed;

  return self;
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer user_data)
{
  /* Its own process group, so a terminal's Ctrl-C reaches only us and we
   * cancel cleanly while the server keeps answering. */
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_server (FsDemoProcess  *self,
              GError        **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *path = NULL;
  char scale[G_ASCII_DTOSTR_BUF_SIZE];
  char seed[16];

  if (!(path = fs_locate_helper ("fetchscope-demo-server", error)))
    return NULL;

  g_ascii_dtostr (scale, sizeof scale, self->time_scale);
  g_snprintf (seed, sizeof seed, "%u", self->seed);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  return g_subprocess_launcher_spawn (launcher, error, path,
                                      "--port", "0",
                                      "--time-scale", scale,
                                      "--seed", seed,
                                      NULL);
}

/* Takes @line (the server's first line, or NULL on error) and keeps
 * @subprocess if it is the base URL; otherwise stops the server. */
static gboolean
accept_first_line (FsDemoProcess  *self,
                   GSubprocess    *subprocess,
                   char           *line,
                   GError        **error)
{
  g_autofree char *owned_line = line;

  if (owned_line == NULL)
    {
      g_subprocess_force_exit (subprocess);
      g_subprocess_wait (subprocess, NULL, NULL);
      if (error != NULL && *error == NULL)
        g_set_error (error, FS_ERROR, FS_ERROR_SERVER,
                     _("The demo server exited before it was ready"));
      return FALSE;
    }

  g_strstrip (owned_line);
  if (!g_str_has_prefix (owned_line, "http://127.0.0.1:"))
    {
      g_subprocess_force_exit (subprocess);
      g_subprocess_wait (subprocess, NULL, NULL);
      g_set_error (error, FS_ERROR, FS_ERROR_SERVER,
                   _("The demo server printed “%s” instead of its URL"), owned_line);
      return FALSE;
    }

  self->base_url = g_steal_pointer (&owned_line);
  self->subprocess = g_object_ref (subprocess);

  return TRUE;
}

/**
 * fs_demo_process_start:
 *
 * Spawns the server and waits for the base URL it prints.
 */
gboolean
fs_demo_process_start (FsDemoProcess  *self,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GDataInputStream) stdout_stream = NULL;
  GError *local_error = NULL;
  char *line;

  g_return_val_if_fail (FS_IS_DEMO_PROCESS (self), FALSE);
  g_return_val_if_fail (self->subprocess == NULL, FALSE);

  if (!(subprocess = spawn_server (self, error)))
    return FALSE;

  stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (subprocess));
  line = g_data_input_stream_read_line_utf8 (stdout_stream, NULL, cancellable, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);

  return accept_first_line (self, subprocess, line, error);
}

typedef struct
{
  GSubprocess      *subprocess;
  GDataInputStream *stdout_stream;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_object (&data->subprocess);
  g_clear_object (&data->stdout_stream);
  g_free (data);
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FsDemoProcess *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  GError *error = NULL;
  char *line;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                    NULL, &error);
  if (accept_first_line (self, data->subprocess, line, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * fs_demo_process_start_async:
 *
 * Spawns the server from the calling thread and reads the base URL it
 * prints without blocking. Call it from a thread that lives as long as the
 * server (the main thread): the server's parent-death signal fires when the
 * thread that spawned it exits, and a pool thread exits when idle.
 */
void
fs_demo_process_start_async (FsDemoProcess       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  StartData *data;

  g_return_if_fail (FS_IS_DEMO_PROCESS (self));
  g_return_if_fail (self->subprocess == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fs_demo_process_start_async);

  data = g_new0 (StartData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);

  if (!(data->subprocess = spawn_server (self, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  data->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (data->subprocess));
  g_data_input_stream_read_line_async (data->stdout_stream, G_PRIORITY_DEFAULT, cancellable,
                                       read_line_cb, g_steal_pointer (&task));
}

gboolean
fs_demo_process_start_finish (FsDemoProcess  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (FS_IS_DEMO_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
fs_demo_process_get_base_url (FsDemoProcess *self)
{
  g_return_val_if_fail (FS_IS_DEMO_PROCESS (self), NULL);

  return self->base_url;
}

GPid
fs_demo_process_get_pid (FsDemoProcess *self)
{
  const char *id;

  g_return_val_if_fail (FS_IS_DEMO_PROCESS (self), 0);

  if (self->subprocess == NULL || !(id = g_subprocess_get_identifier (self->subprocess)))
    return 0;

  return (GPid) g_ascii_strtoll (id, NULL, 10);
}

/**
 * fs_demo_process_stop:
 *
 * Asks the server to stop (SIGTERM) and reaps it. Safe to call twice.
 */
void
fs_demo_process_stop (FsDemoProcess *self)
{
  g_return_if_fail (FS_IS_DEMO_PROCESS (self));

  if (self->subprocess == NULL)
    return;

  g_subprocess_send_signal (self->subprocess, SIGTERM);
  g_subprocess_wait (self->subprocess, NULL, NULL);
  g_clear_object (&self->subprocess);
}

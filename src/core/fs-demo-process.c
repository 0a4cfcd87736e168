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

struct _FsDemoProcess
{
  GObject      parent_instance;

  GSubprocess *subprocess;
  char        *base_url;
  double       time_scale;
  guint32      seed;
};

G_DEFINE_FINAL_TYPE (FsDemoProcess, fs_demo_process, G_TYPE_OBJECT)

/**
 * fs_locate_helper:
 * @name: an executable of ours, e.g. "fetchscope-demo-server"
 *
 * Finds it, in order: `$FETCHSCOPE_LIBEXECDIR/<name>`, beside this executable
 * or in the build tree's `src/server` and `src/worker` next to it, in
 * `../libexec` from it, then the configured libexecdir.
 *
 * Returns: (transfer full): the path, or %NULL with @error set
 */
char *
fs_locate_helper (const char  *name,
                  GError     **error)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *self_dir = self_exe ? g_path_get_dirname (self_exe) : NULL;
  const char *env_dir = g_getenv ("FETCHSCOPE_LIBEXECDIR");
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (name != NULL, NULL);

  if (env_dir != NULL && *env_dir != '\0')
    g_ptr_array_add (candidates, g_build_filename (env_dir, name, NULL));
  if (self_dir != NULL)
    {
      g_ptr_array_add (candidates, g_build_filename (self_dir, name, NULL));
      g_ptr_array_add (candidates, g_build_filename (self_dir, "..", "server", name, NULL));
      g_ptr_array_add (candidates, g_build_filename (self_dir, "..", "worker", name, NULL));
      g_ptr_array_add (candidates, g_build_filename (self_dir, "..", "src", "server", name, NULL));
      g_ptr_array_add (candidates, g_build_filename (self_dir, "..", "src", "worker", name, NULL));
      /* An installed tree moved elsewhere (meson install --destdir, a bundle). */
      g_ptr_array_add (candidates, g_build_filename (self_dir, "..", "libexec", name, NULL));
    }
  g_ptr_array_add (candidates, g_build_filename (LIBEXECDIR, name, NULL));

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *path = g_ptr_array_index (candidates, i);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_canonicalize_filename (path, NULL);
    }

  g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
               "Could not find “%s” (looked beside the program and in %s; "
               "set FETCHSCOPE_LIBEXECDIR to its folder)", name, LIBEXECDIR);
  return NULL;
}

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
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GDataInputStream) stdout_stream = NULL;
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  char scale[G_ASCII_DTOSTR_BUF_SIZE];
  char seed[16];

  g_return_val_if_fail (FS_IS_DEMO_PROCESS (self), FALSE);
  g_return_val_if_fail (self->subprocess == NULL, FALSE);

  if (!(path = fs_locate_helper ("fetchscope-demo-server", error)))
    return FALSE;

  g_ascii_dtostr (scale, sizeof scale, self->time_scale);
  g_snprintf (seed, sizeof seed, "%u", self->seed);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  subprocess = g_subprocess_launcher_spawn (launcher, error, path,
                                            "--port", "0",
                                            "--time-scale", scale,
                                            "--seed", seed,
                                            NULL);
  if (subprocess == NULL)
    return FALSE;

  stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (subprocess));
  line = g_data_input_stream_read_line_utf8 (stdout_stream, NULL, cancellable, error);
  if (line == NULL)
    {
      g_subprocess_force_exit (subprocess);
      g_subprocess_wait (subprocess, NULL, NULL);
      if (error != NULL && *error == NULL)
        g_set_error (error, FS_ERROR, FS_ERROR_SERVER,
                     "The demo server exited before it was ready");
      return FALSE;
    }

  g_strstrip (line);
  if (!g_str_has_prefix (line, "http://127.0.0.1:"))
    {
      g_subprocess_force_exit (subprocess);
      g_subprocess_wait (subprocess, NULL, NULL);
      g_set_error (error, FS_ERROR, FS_ERROR_SERVER,
                   "The demo server printed “%s” instead of its URL", line);
      return FALSE;
    }

  self->base_url = g_steal_pointer (&line);
  self->subprocess = g_steal_pointer (&subprocess);

  return TRUE;
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

/* fs-fault-server-main.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fs-fault-server: the fault tests' broken HTTP server, standalone, for
 * trying a fault by hand ("curl -v $BASE/reset"). Loopback only; Ctrl-C
 * stops it.
 */

#include "config.h"

#include <glib-unix.h>

#include "fs-fault-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FsFaultServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const FsFaultPath *paths;
  guint n_paths;

  if (argc > 1)
    {
      g_printerr ("Usage: %s\nServes broken HTTP on 127.0.0.1 until interrupted.\n", argv[0]);
      return 2;
    }

  if (!(server = fs_fault_server_new (&error)))
    {
      g_printerr ("fs-fault-server: %s\n", error->message);
      return 1;
    }

  g_print ("%s\n", fs_fault_server_get_base_url (server));
  paths = fs_fault_server_paths (&n_paths);
  for (guint i = 0; i < n_paths; i++)
    g_print ("  %-22s %s\n", paths[i].path, paths[i].description);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  return 0;
}

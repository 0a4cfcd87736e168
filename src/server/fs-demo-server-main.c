/* fs-demo-server-main.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fetchscope-demo-server: prints its base URL as the first line on stdout,
 * then serves until SIGINT or SIGTERM. Exit status: 0 after a signal,
 * 1 when it cannot listen, 2 on bad usage.
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "fs-demo-server.h"

/* The messages below name it. */
G_STATIC_ASSERT (FS_DEMO_MAX_THREADS == 64);

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
usage_error (const char *message)
{
  g_printerr ("%s: %s\n", g_get_prgname (), message);
  g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(FsDemoServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  FsDemoServerOptions options;
  gint port = 0;
  double time_scale = 1.0;
  gint64 seed = 1;
  gint difficulty = 16;
  gint n_threads = (gint) MIN (g_get_num_processors (), FS_DEMO_MAX_THREADS);
  gboolean version = FALSE;
  guint sigint_id;
  guint sigterm_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("TCP port on 127.0.0.1, 0 for an ephemeral one (default 0)"), "N" },
    { "time-scale", 't', 0, G_OPTION_ARG_DOUBLE, &time_scale,
      N_("Multiply every delay by X, 0 < X ≤ 100 (default 1)"), "X" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      N_("Seed of the link graph, failures and puzzles (default 1)"), "N" },
    { "difficulty", 'd', 0, G_OPTION_ARG_INT, &difficulty,
      N_("Leading zero bits of the hash puzzles, 1..32 (default 16)"), "D" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &n_threads,
      N_("Threads that answer requests, 1..64 (default: one per core)"), "N" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  /* Only GLib and libsoup here, not fs-core: the installed translations. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_set_prgname ("fetchscope-demo-server");

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Serve the Fetchscope demo pages on 127.0.0.1 "
                                           "and print the base URL."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (version)
    {
      printf ("fetchscope-demo-server %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (argc > 1)
    return usage_error (_("unexpected argument"));
  if (port < 0 || port > G_MAXUINT16)
    return usage_error (_("--port must be between 0 and 65535"));
  if (!(time_scale > 0.0 && time_scale <= 100.0))
    return usage_error (_("--time-scale must be greater than 0 and at most 100"));
  if (seed < 0 || seed > G_MAXUINT32)
    return usage_error (_("--seed must be between 0 and 4294967295"));
  if (difficulty < 1 || difficulty > 32)
    return usage_error (_("--difficulty must be between 1 and 32"));
  if (n_threads < 1 || n_threads > FS_DEMO_MAX_THREADS)
    return usage_error (_("--threads must be between 1 and 64"));

  fs_demo_server_options_init (&options);
  options.time_scale = time_scale;
  options.seed = (guint32) seed;
  options.difficulty = (guint) difficulty;
  options.n_threads = (guint) n_threads;

  /* Before the URL goes out, so a parent that signals right after
   * reading it still gets a clean exit. */
  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);

  server = fs_demo_server_new (&options);
  if (!fs_demo_server_listen (server, (guint16) port, &error))
    {
      g_printerr (_("%s: cannot listen on 127.0.0.1:%d: %s\n"),
                  g_get_prgname (), port, error->message);
      g_source_remove (sigint_id);
      g_source_remove (sigterm_id);
      return 1;
    }

  /* A parent process reads this line to learn the port. */
  printf ("%s\n", fs_demo_server_get_base_url (server));
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  return EXIT_SUCCESS;
}

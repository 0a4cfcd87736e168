/* test-demo-process.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "fs-demo-process.h"

static void
check_running (FsDemoProcess *demo)
{
  GPid pid = fs_demo_process_get_pid (demo);

  g_assert_true (g_str_has_prefix (fs_demo_process_get_base_url (demo), "http://127.0.0.1:"));
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, 0);
}

static void
test_start_sync (void)
{
  g_autoptr(FsDemoProcess) demo = fs_demo_process_new (0.01, 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (fs_demo_process_start (demo, NULL, &error));
  g_assert_no_error (error);
  check_running (demo);

  fs_demo_process_stop (demo);
  g_assert_cmpint (fs_demo_process_get_pid (demo), ==, 0);
  fs_demo_process_stop (demo);
}

static void
start_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_start_async (void)
{
  g_autoptr(FsDemoProcess) demo = fs_demo_process_new (0.01, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPid pid;

  fs_demo_process_start_async (demo, NULL, start_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (fs_demo_process_start_finish (demo, result, &error));
  g_assert_no_error (error);
  check_running (demo);

  pid = fs_demo_process_get_pid (demo);
  /* The result holds the task, which holds the process. */
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&demo));
  /* Stopped and reaped with its owner. */
  g_assert_cmpint (kill (pid, 0), ==, -1);
}

static void
test_start_async_cancelled (void)
{
  g_autoptr(FsDemoProcess) demo = fs_demo_process_new (0.01, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fs_demo_process_start_async (demo, cancellable, start_cb, &result);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (fs_demo_process_start_finish (demo, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (fs_demo_process_get_base_url (demo));
  g_assert_cmpint (fs_demo_process_get_pid (demo), ==, 0);
}

/* The sockets the process listens on, as "address:port" in /proc's hex,
 * from /proc/<pid>/net/tcp and tcp6 (which list the whole namespace's; only
 * the ones whose inode is one of the process's descriptors count). */
static GPtrArray *
listening_sockets (GPid pid)
{
  g_autofree char *fd_dir_path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) fd_dir = g_dir_open (fd_dir_path, 0, NULL);
  g_autoptr(GHashTable) inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *listening = g_ptr_array_new_with_free_func (g_free);
  const char *tables[] = { "tcp", "tcp6" };
  const char *name;

  g_assert_nonnull (fd_dir);
  while ((name = g_dir_read_name (fd_dir)) != NULL)
    {
      g_autofree char *link_path = g_build_filename (fd_dir_path, name, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:["))
        g_hash_table_add (inodes, g_strndup (target + 8, strlen (target) - 9));
    }

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/net/%s", (int) pid, tables[t]);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;   /* no IPv6 in this kernel */
      lines = g_strsplit (text, "\n", -1);

      /* sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode */
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) columns = g_ptr_array_new ();

          for (guint k = 0; fields[k] != NULL; k++)
            if (*fields[k] != '\0')
              g_ptr_array_add (columns, fields[k]);

          if (columns->len < 10 || !g_str_equal (columns->pdata[3], "0A"))
            continue;
          if (g_hash_table_contains (inodes, columns->pdata[9]))
            g_ptr_array_add (listening, g_strdup_printf ("%s %s", tables[t],
                                                         (char *) columns->pdata[1]));
        }
    }

  return listening;
}

/* It serves this machine only: every socket it listens on is 127.0.0.1,
 * none is a wildcard or IPv6 address. */
static void
test_loopback_only (void)
{
  g_autoptr(FsDemoProcess) demo = fs_demo_process_new (0.01, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listening = NULL;
  g_autofree char *port = NULL;
  const char *base_url;

  g_assert_true (fs_demo_process_start (demo, NULL, &error));
  g_assert_no_error (error);

  base_url = fs_demo_process_get_base_url (demo);
  port = g_strdup_printf (":%04X", (guint) g_ascii_strtoull (strrchr (base_url, ':') + 1, NULL, 10));
  listening = listening_sockets (fs_demo_process_get_pid (demo));
  g_assert_cmpuint (listening->len, >=, 1);
  for (guint i = 0; i < listening->len; i++)
    {
      const char *socket = g_ptr_array_index (listening, i);

      g_test_message ("listening: %s", socket);
      g_assert_true (g_str_has_prefix (socket, "tcp 0100007F:"));
      g_assert_true (g_str_has_suffix (socket, port));
    }

  fs_demo_process_stop (demo);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/DemoProcess/start-sync", test_start_sync);
  g_test_add_func ("/Fetchscope/DemoProcess/start-async", test_start_async);
  g_test_add_func ("/Fetchscope/DemoProcess/start-async-cancelled", test_start_async_cancelled);
  g_test_add_func ("/Fetchscope/DemoProcess/loopback-only", test_loopback_only);

  return g_test_run ();
}

/* test-demo-process.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/DemoProcess/start-sync", test_start_sync);
  g_test_add_func ("/Fetchscope/DemoProcess/start-async", test_start_async);
  g_test_add_func ("/Fetchscope/DemoProcess/start-async-cancelled", test_start_async_cancelled);

  return g_test_run ();
}

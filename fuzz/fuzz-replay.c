/* fuzz-replay.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A main for a fuzz harness in ordinary builds: every file in the folders
 * given on the command line (the seed corpus and the inputs that once
 * crashed) goes through LLVMFuzzerTestOneInput() once, as one test case.
 * So every crash the fuzzer found stays a regression test in `meson test`,
 * sanitizer build included, without clang or libFuzzer.
 */

#include "config.h"

#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
replay_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const guint8 *) contents, len), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *harness = NULL;
  guint n_files = 0;

  g_test_init (&argc, &argv, NULL);

  harness = g_path_get_basename (argv[0]);
  if (g_str_has_suffix (harness, "-replay"))
    harness[strlen (harness) - strlen ("-replay")] = '\0';

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      g_autofree char *folder = g_path_get_basename (argv[i]);
      const char *name;

      /* A harness need not have regressions yet. */
      if (dir == NULL)
        continue;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *test_path = g_strdup_printf ("/Fetchscope/Fuzz/%s/%s/%s",
                                                        harness, folder, name);
          char *path = g_build_filename (argv[i], name, NULL);

          g_ptr_array_add (paths, path);
          g_test_add_data_func (test_path, path, replay_file);
          n_files++;
        }
    }

  /* A harness without a single seed is a mistake, not a pass. */
  if (n_files == 0)
    g_error ("no inputs in the folders given");

  return g_test_run ();
}

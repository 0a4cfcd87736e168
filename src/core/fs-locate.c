/* fs-locate.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-error.h"
#include "fs-i18n.h"
#include "fs-locate.h"

/* The running program's folder, or NULL where /proc is missing. */
static const char *
self_dir (void)
{
  static char *dir;

  if (g_once_init_enter (&dir))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      char *found = exe != NULL ? g_path_get_dirname (exe) : g_strdup ("");

      g_once_init_leave (&dir, found);
    }

  return *dir != '\0' ? dir : NULL;
}

/**
 * fs_locate_is_uninstalled:
 *
 * Returns: whether this program runs from the build tree it was built in
 */
gboolean
fs_locate_is_uninstalled (void)
{
  const char *dir = self_dir ();

  return dir != NULL &&
         (g_str_equal (dir, BUILD_ROOT) || g_str_has_prefix (dir, BUILD_ROOT "/"));
}

/* The prefix this program is installed under, found from its own folder
 * (bindir or libexecdir), so a tree moved elsewhere still finds its files.
 * NULL when it runs from elsewhere. */
static char *
installed_prefix (void)
{
  const char * const subdirs[] = { BINDIR_REL, LIBEXECDIR_REL };
  const char *dir = self_dir ();

  if (dir == NULL || fs_locate_is_uninstalled ())
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *suffix = g_strconcat ("/", subdirs[i], NULL);

      /* An absolute bindir outside the prefix says nothing about it. */
      if (g_path_is_absolute (subdirs[i]))
        continue;
      if (g_str_has_suffix (dir, suffix))
        return g_strndup (dir, strlen (dir) - strlen (suffix));
    }

  return NULL;
}

/* @relative under the installed prefix, if that exists; else @configured. */
static char *
installed_path (const char *relative,
                const char *configured)
{
  g_autofree char *prefix = installed_prefix ();

  if (prefix != NULL && !g_path_is_absolute (relative))
    {
      g_autofree char *path = g_build_filename (prefix, relative, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&path);
    }

  return g_strdup (configured);
}

/**
 * fs_locate_helper:
 * @name: an executable of ours, e.g. "fetchscope-demo-server"
 *
 * Finds it, in order: `$FETCHSCOPE_LIBEXECDIR/<name>`, the build tree's
 * `src/server` and `src/worker` when running from it, the libexecdir of the
 * prefix this program is installed under, beside this program, then the
 * configured libexecdir.
 *
 * Returns: (transfer full): the path, or %NULL with @error set
 */
char *
fs_locate_helper (const char  *name,
                  GError     **error)
{
  const char *env_dir = g_getenv ("FETCHSCOPE_LIBEXECDIR");
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *libexecdir = installed_path (LIBEXECDIR_REL, LIBEXECDIR);

  g_return_val_if_fail (name != NULL, NULL);

  if (env_dir != NULL && *env_dir != '\0')
    g_ptr_array_add (candidates, g_build_filename (env_dir, name, NULL));
  if (fs_locate_is_uninstalled ())
    {
      g_ptr_array_add (candidates, g_build_filename (BUILD_ROOT, "src", "server", name, NULL));
      g_ptr_array_add (candidates, g_build_filename (BUILD_ROOT, "src", "worker", name, NULL));
    }
  g_ptr_array_add (candidates, g_build_filename (libexecdir, name, NULL));
  if (self_dir () != NULL)
    g_ptr_array_add (candidates, g_build_filename (self_dir (), name, NULL));

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *path = g_ptr_array_index (candidates, i);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_canonicalize_filename (path, NULL);
    }

  g_set_error (error, FS_ERROR, FS_ERROR_FAILED,
               _("Could not find “%s” (looked in %s and beside the program; "
                 "set FETCHSCOPE_LIBEXECDIR to its folder)"), name, libexecdir);
  return NULL;
}

/**
 * fs_locate_locale_dir:
 *
 * Returns: (transfer full): the folder to bind the text domain to: the
 *   build tree's `po` when running from it, else the installed localedir
 */
char *
fs_locate_locale_dir (void)
{
  if (fs_locate_is_uninstalled ())
    return g_build_filename (BUILD_ROOT, "po", NULL);

  return installed_path (LOCALEDIR_REL, LOCALEDIR);
}

/**
 * fs_locate_schema_dir:
 *
 * Where our compiled GSettings schema is when the default schema source
 * may not know it: the build tree's `data` when running from it, else the
 * schemas folder of the prefix this program is installed under.
 *
 * Returns: (transfer full) (nullable): a folder with gschemas.compiled, or
 *   %NULL when there is none besides the default ones
 */
char *
fs_locate_schema_dir (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *compiled = NULL;

  if (fs_locate_is_uninstalled ())
    dir = g_build_filename (BUILD_ROOT, "data", NULL);
  else
    {
      g_autofree char *datadir = installed_path (DATADIR_REL, DATADIR);

      dir = g_build_filename (datadir, "glib-2.0", "schemas", NULL);
    }

  compiled = g_build_filename (dir, "gschemas.compiled", NULL);

  return g_file_test (compiled, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&dir) : NULL;
}

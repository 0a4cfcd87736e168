/* test-potfiles.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * po/POTFILES.in must list every file under src/, ui/ and data/ that has
 * translatable strings, sorted, and nothing that does not exist: a string
 * in a file missing from it is silently never translated.
 */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

static const char * const scanned_dirs[] = { "src", "ui", "data" };

/* Whether xgettext would find a message in @path: _("…"), N_("…"),
 * C_("…", …) or NC_ in C, translatable="yes" in a .ui file; the desktop
 * file, the metainfo and the schema always have some. */
static gboolean
has_translatable (const char *path)
{
  static GRegex *c_marker;
  g_autofree char *contents = NULL;

  if (g_str_has_suffix (path, ".desktop.in") || g_str_has_suffix (path, ".metainfo.xml.in") ||
      g_str_has_suffix (path, ".gschema.xml"))
    return TRUE;

  if (!g_str_has_suffix (path, ".c") && !g_str_has_suffix (path, ".h") &&
      !g_str_has_suffix (path, ".ui"))
    return FALSE;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));

  if (g_str_has_suffix (path, ".ui"))
    return strstr (contents, "translatable=\"yes\"") != NULL;

  if (c_marker == NULL)
    c_marker = g_regex_new ("(?<![A-Za-z0-9_])(?:N|C|NC)?_\\s*\\(\\s*\"", G_REGEX_OPTIMIZE, 0, NULL);

  return g_regex_match (c_marker, contents, 0, NULL);
}

static void
collect (const char *root,
         const char *relative,
         GPtrArray  *found)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (relative, name, NULL);
      g_autofree char *child_path = g_build_filename (root, child, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        collect (root, child, found);
      else if (has_translatable (child_path))
        g_ptr_array_add (found, g_steal_pointer (&child));
    }
}

/* Returns every problem with @root's po/POTFILES.in, one per line, or
 * NULL if there is none. */
static char *
check_potfiles (const char *root)
{
  g_autofree char *potfiles_path = g_build_filename (root, "po", "POTFILES.in", NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *previous = NULL;

  if (!g_file_get_contents (potfiles_path, &contents, NULL, NULL))
    return g_strdup ("po/POTFILES.in is missing");

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      g_autofree char *path = NULL;

      if (*line == '\0' || *line == '#')
        continue;

      path = g_build_filename (root, line, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_string_append_printf (problems, "%s is listed but does not exist\n", line);
      if (previous != NULL && strcmp (previous, line) >= 0)
        g_string_append_printf (problems, "%s is not sorted after %s\n", line, previous);
      g_hash_table_add (listed, (gpointer) line);
      previous = line;
    }

  for (guint i = 0; i < G_N_ELEMENTS (scanned_dirs); i++)
    collect (root, scanned_dirs[i], found);

  for (guint i = 0; i < found->len; i++)
    if (!g_hash_table_contains (listed, g_ptr_array_index (found, i)))
      g_string_append_printf (problems, "%s has translatable strings but is not in POTFILES.in\n",
                              (const char *) g_ptr_array_index (found, i));

  return problems->len > 0 ? g_string_free (g_steal_pointer (&problems), FALSE) : NULL;
}

static void
test_source_tree (void)
{
  g_autofree char *root = g_path_get_dirname (g_test_get_dir (G_TEST_DIST));
  g_autofree char *problems = check_potfiles (root);

  if (problems != NULL)
    g_test_message ("%s", problems);
  g_assert_null (problems);
}

/* A scratch tree: @files alternate names and contents. */
static char *
make_tree (const char * const *files)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("fs-potfiles-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; files[i] != NULL; i += 2)
    {
      g_autofree char *path = g_build_filename (root, files[i], NULL);
      g_autofree char *dir = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (path, files[i + 1], -1, NULL));
    }

  return root;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static char *
check_scratch (const char * const *files)
{
  g_autofree char *root = make_tree (files);
  char *problems = check_potfiles (root);

  remove_tree (root);

  return problems;
}

static void
test_complete (void)
{
  const char * const files[] = {
    "po/POTFILES.in", "# comment\n\nsrc/a.c\nsrc/b/c.c\nui/w.ui\n",
    "src/a.c", "x = _(\"Hello\");\n",
    "src/b/c.c", "y = C_(\"menu\", \"Open\");\n",
    "src/plain.c", "/* _() marks strings */ fs_chart_(x); g_strdup_printf (\"%s\", s);\n",
    "ui/w.ui", "<property name=\"label\" translatable=\"yes\">Run</property>\n",
    "ui/v.ui", "<property name=\"label\">1</property>\n",
    NULL
  };
  g_autofree char *problems = check_scratch (files);

  g_assert_null (problems);
}

static void
test_missing (void)
{
  const struct { const char *name; const char *contents; } cases[] = {
    { "src/core/x.c", "return _(\"Could not\");" },
    { "src/cli/x.c", "static const char *s = N_ (\"Later\");" },
    { "src/app/x.h", "#define L C_(\"ctx\", \"Label\")" },
    { "ui/x.ui", "<property name=\"title\" translatable=\"yes\">T</property>" },
    { "ui/gtk/x.ui", "<attribute name=\"label\" translatable=\"yes\">T</attribute>" },
    { "data/x.desktop.in", "[Desktop Entry]\nName=X\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const files[] = {
        "po/POTFILES.in", "src/listed.c\n",
        "src/listed.c", "_(\"x\")",
        cases[i].name, cases[i].contents,
        NULL
      };
      g_autofree char *problems = check_scratch (files);

      g_assert_nonnull (problems);
      g_assert_nonnull (strstr (problems, cases[i].name));
      g_assert_nonnull (strstr (problems, "is not in POTFILES.in"));
    }
}

static void
test_unsorted (void)
{
  const char * const files[] = {
    "po/POTFILES.in", "src/b.c\nsrc/a.c\n",
    "src/a.c", "_(\"a\")",
    "src/b.c", "_(\"b\")",
    NULL
  };
  g_autofree char *problems = check_scratch (files);

  g_assert_cmpstr (problems, ==, "src/a.c is not sorted after src/b.c\n");
}

static void
test_nonexistent (void)
{
  const char * const files[] = {
    "po/POTFILES.in", "src/a.c\nsrc/gone.c\n",
    "src/a.c", "_(\"a\")",
    NULL
  };
  g_autofree char *problems = check_scratch (files);

  g_assert_cmpstr (problems, ==, "src/gone.c is listed but does not exist\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/potfiles/source-tree", test_source_tree);
  g_test_add_func ("/potfiles/complete", test_complete);
  g_test_add_func ("/potfiles/missing", test_missing);
  g_test_add_func ("/potfiles/unsorted", test_unsorted);
  g_test_add_func ("/potfiles/nonexistent", test_nonexistent);

  return g_test_run ();
}

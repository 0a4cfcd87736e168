/* test-flatpak-manifest.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Flatpak manifests in flatpak/: valid JSON, named after the app id
 * they build, with the sandbox the app needs (network, Wayland with an X11
 * fallback, the GPU, no home folder), and every module's local sources
 * present, so flatpak-builder has what it builds.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define BASE_ID "io.github.fetchscope.Fetchscope"

static const char * const required_args[] = {
  "--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
};

static const char * const forbidden_args[] = {
  "--filesystem=home", "--filesystem=host", "--filesystem=host:rw", "--filesystem=home:rw",
};

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;

  return FALSE;
}

static void
check_modules (JsonArray  *modules,
               const char *dir,
               GString    *problems)
{
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonNode *node = json_array_get_element (modules, i);
      JsonObject *module;
      JsonArray *sources;

      /* A string names a module file beside the manifest. */
      if (JSON_NODE_HOLDS_VALUE (node))
        {
          g_autofree char *path = g_build_filename (dir, json_node_get_string (node), NULL);

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            g_string_append_printf (problems, "module file %s does not exist\n",
                                    json_node_get_string (node));
          continue;
        }

      module = json_node_get_object (node);
      if (!json_object_has_member (module, "name"))
        g_string_append (problems, "a module has no name\n");
      if (!json_object_has_member (module, "sources") ||
          json_array_get_length (json_object_get_array_member (module, "sources")) == 0)
        g_string_append_printf (problems, "module %s has no sources\n",
                                json_object_get_string_member_with_default (module, "name", "?"));

      sources = json_object_has_member (module, "sources") ?
        json_object_get_array_member (module, "sources") : NULL;
      for (guint j = 0; sources != NULL && j < json_array_get_length (sources); j++)
        {
          JsonObject *source = json_array_get_object_element (sources, j);
          const char *type = json_object_get_string_member_with_default (source, "type", "");
          const char *rel = json_object_get_string_member_with_default (source, "path", NULL);
          g_autofree char *path = NULL;

          /* Remote sources (git, archive with a url) are fetched, not checked. */
          if (rel == NULL)
            continue;

          path = g_build_filename (dir, rel, NULL);
          if (g_str_equal (type, "dir"))
            {
              g_autofree char *meson_build = g_build_filename (path, "meson.build", NULL);

              if (!g_file_test (path, G_FILE_TEST_IS_DIR))
                g_string_append_printf (problems, "source folder %s does not exist\n", rel);
              else if (g_strcmp0 (json_object_get_string_member_with_default (module, "buildsystem", ""),
                                  "meson") == 0 &&
                       !g_file_test (meson_build, G_FILE_TEST_IS_REGULAR))
                g_string_append_printf (problems, "source folder %s has no meson.build\n", rel);
            }
          else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            g_string_append_printf (problems, "source file %s does not exist\n", rel);
        }

      if (json_object_has_member (module, "modules"))
        check_modules (json_object_get_array_member (module, "modules"), dir, problems);
    }
}

/* Returns every problem with the manifest at @path, one per line, or NULL. */
static char *
check_manifest (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *expected_name = NULL;
  JsonObject *manifest;
  const char *id;
  JsonArray *finish_args;

  if (!json_parser_load_from_file (parser, path, &error))
    return g_strdup_printf ("not valid JSON: %s\n", error->message);

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("not a JSON object\n");
  manifest = json_node_get_object (json_parser_get_root (parser));

  id = json_object_get_string_member_with_default (manifest, "id",
         json_object_get_string_member_with_default (manifest, "app-id", NULL));
  if (g_strcmp0 (id, BASE_ID) != 0 && g_strcmp0 (id, BASE_ID ".Devel") != 0)
    g_string_append_printf (problems, "app id is %s, not " BASE_ID "\n", id ? id : "missing");
  expected_name = g_strconcat (id ? id : "?", ".json", NULL);
  if (!g_str_equal (basename, expected_name))
    g_string_append_printf (problems, "the file is not named after its app id (%s)\n", expected_name);

  if (!g_str_has_prefix (json_object_get_string_member_with_default (manifest, "runtime", ""),
                         "org.gnome.Platform"))
    g_string_append (problems, "the runtime is not org.gnome.Platform\n");
  if (g_strcmp0 (json_object_get_string_member_with_default (manifest, "command", NULL),
                 "fetchscope") != 0)
    g_string_append (problems, "the command is not fetchscope\n");

  finish_args = json_object_has_member (manifest, "finish-args") ?
    json_object_get_array_member (manifest, "finish-args") : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (required_args); i++)
    if (!array_has_string (finish_args, required_args[i]))
      g_string_append_printf (problems, "finish-args lack %s\n", required_args[i]);
  for (guint i = 0; i < G_N_ELEMENTS (forbidden_args); i++)
    if (array_has_string (finish_args, forbidden_args[i]))
      g_string_append_printf (problems, "finish-args have %s\n", forbidden_args[i]);

  if (!json_object_has_member (manifest, "modules") ||
      json_array_get_length (json_object_get_array_member (manifest, "modules")) == 0)
    g_string_append (problems, "no modules\n");
  else
    check_modules (json_object_get_array_member (manifest, "modules"), dir, problems);

  return problems->len > 0 ? g_string_free (g_steal_pointer (&problems), FALSE) : NULL;
}

static void
test_shipped (gconstpointer data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "flatpak", data, NULL);
  g_autofree char *problems = check_manifest (path);

  if (problems != NULL)
    g_test_message ("%s", problems);
  g_assert_null (problems);
}

/* Writes @json as @name into a scratch folder beside an empty "app" folder
 * with a meson.build, and checks it. */
static char *
check_scratch (const char *name,
               const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("fs-flatpak-XXXXXX", &error);
  g_autofree char *app = g_build_filename (root, "app", NULL);
  g_autofree char *meson_build = g_build_filename (app, "meson.build", NULL);
  g_autofree char *path = g_build_filename (root, name, NULL);
  char *problems;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (app, 0700), ==, 0);
  g_assert_true (g_file_set_contents (meson_build, "project('x')\n", -1, NULL));
  g_assert_true (g_file_set_contents (path, json, -1, NULL));

  problems = check_manifest (path);

  g_unlink (path);
  g_unlink (meson_build);
  g_rmdir (app);
  g_rmdir (root);

  return problems;
}

#define GOOD_ARGS "\"finish-args\": [\"--share=network\", \"--socket=wayland\", " \
                  "\"--socket=fallback-x11\", \"--device=dri\"]"
#define HEAD(id) "{\"id\": \"" id "\", \"runtime\": \"org.gnome.Platform\", " \
                 "\"command\": \"fetchscope\", "

static void
test_scratch (void)
{
  const struct { const char *json; const char *problem; } cases[] = {
    { HEAD (BASE_ID) GOOD_ARGS ", \"modules\": [{\"name\": \"f\", \"buildsystem\": \"meson\", "
      "\"sources\": [{\"type\": \"dir\", \"path\": \"app\"}]}]}", NULL },
    { HEAD (BASE_ID) GOOD_ARGS ", \"modules\": [", "not valid JSON" },
    { HEAD ("org.example.Other") GOOD_ARGS ", \"modules\": [{\"name\": \"f\", "
      "\"sources\": [{\"type\": \"dir\", \"path\": \"app\"}]}]}", "app id is org.example.Other" },
    { HEAD (BASE_ID) GOOD_ARGS ", \"modules\": [{\"name\": \"f\", "
      "\"sources\": [{\"type\": \"dir\", \"path\": \"gone\"}]}]}", "source folder gone does not exist" },
    { HEAD (BASE_ID) GOOD_ARGS ", \"modules\": [{\"name\": \"f\", \"sources\": [{\"type\": \"dir\", "
      "\"path\": \"app\"}], \"modules\": [{\"name\": \"g\", \"sources\": [{\"type\": \"file\", "
      "\"path\": \"gone.patch\"}]}]}]}", "source file gone.patch does not exist" },
    { HEAD (BASE_ID) GOOD_ARGS ", \"modules\": [\"shared-modules/gone.json\"]}",
      "module file shared-modules/gone.json does not exist" },
    { HEAD (BASE_ID) GOOD_ARGS ", \"modules\": []}", "no modules" },
    { HEAD (BASE_ID) "\"finish-args\": [\"--socket=wayland\", \"--socket=fallback-x11\", "
      "\"--device=dri\", \"--filesystem=home\"], \"modules\": [{\"name\": \"f\", "
      "\"sources\": [{\"type\": \"dir\", \"path\": \"app\"}]}]}",
      "finish-args lack --share=network\nfinish-args have --filesystem=home" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *problems = check_scratch (BASE_ID ".json", cases[i].json);

      if (cases[i].problem == NULL)
        g_assert_null (problems);
      else
        {
          g_assert_nonnull (problems);
          g_assert_nonnull (strstr (problems, cases[i].problem));
        }
    }
}

static void
test_misnamed (void)
{
  g_autofree char *problems =
    check_scratch ("manifest.json",
                   HEAD (BASE_ID) GOOD_ARGS ", \"modules\": [{\"name\": \"f\", "
                   "\"sources\": [{\"type\": \"dir\", \"path\": \"app\"}]}]}");

  g_assert_cmpstr (problems, ==, "the file is not named after its app id (" BASE_ID ".json)\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/flatpak/manifest", BASE_ID ".json", test_shipped);
  g_test_add_data_func ("/flatpak/manifest-devel", BASE_ID ".Devel.json", test_shipped);
  g_test_add_func ("/flatpak/scratch", test_scratch);
  g_test_add_func ("/flatpak/misnamed", test_misnamed);

  return g_test_run ();
}

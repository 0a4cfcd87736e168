/* fs-application.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-application.h"
#include "fs-preferences-window.h"
#include "fs-settings.h"
#include "fs-window.h"

struct _FsApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (FsApplication, fs_application, ADW_TYPE_APPLICATION)

static void
fs_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (fs_window_new (FS_APPLICATION (app)));

  gtk_window_present (window);
}

static void
show_open_problem (FsWindow     *window,
                   const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("Could not open: %s"), error->message);

  fs_window_show_problem (window, message);
}

static void
opened_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  FsWindow *window = FS_WINDOW (source_object);
  g_autoptr(GError) error = NULL;

  if (!fs_window_file_job_finish (window, result, &error))
    show_open_problem (window, error);
}

/* `fetchscope FILE…`: each saved run or comparison in a window of its own,
 * as it was, read on a thread; one that cannot be read says why in its
 * window. */
static void
fs_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      FsWindow *window = fs_window_new (FS_APPLICATION (app));
      g_autofree char *path = g_file_get_path (files[i]);

      gtk_window_present (GTK_WINDOW (window));
      if (path == NULL)
        {
          g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                         _("Only local files can be opened"));

          show_open_problem (window, error);
        }
      else
        {
          fs_window_file_job_async (window, FS_WINDOW_FILE_OPEN, path, opened_cb, NULL);
        }
    }
}

/* FETCHSCOPE_COLOR_SCHEME=dark|light forces a style, for screenshots and
 * tests: libadwaita 1.2 has no debug variable of its own for it. */
static void
apply_color_scheme_override (void)
{
  const char *scheme = g_getenv ("FETCHSCOPE_COLOR_SCHEME");
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  if (g_strcmp0 (scheme, "dark") == 0)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else if (g_strcmp0 (scheme, "light") == 0)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
fs_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (fs_application_parent_class)->startup (app);

  apply_color_scheme_override ();
  gtk_window_set_default_icon_name ("io.github.fetchscope.Fetchscope");
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
}

static int
fs_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  return G_APPLICATION_CLASS (fs_application_parent_class)->handle_local_options (app, options);
}

static void
fs_application_class_init (FsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = fs_application_activate;
  app_class->open = fs_application_open;
  app_class->startup = fs_application_startup;
  app_class->handle_local_options = fs_application_handle_local_options;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Fetchscope authors", NULL };
  FsApplication *self = user_data;

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Fetchscope"),
                         "application-icon", "io.github.fetchscope.Fetchscope",
                         "version", PACKAGE_VERSION,
                         "comments", _("See concurrency: fetch URLs with an event loop, "
                                       "threads, processes or a hybrid, and watch latency, "
                                       "throughput, memory and every worker live."),
                         "developer-name", "The Fetchscope authors",
                         "developers", developers,
                         "copyright", "© 2026 The Fetchscope authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FsApplication *self = user_data;
  FsPreferencesWindow *window;

  window = fs_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                      fs_settings_get ());
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FsApplication *self = user_data;
  GList *windows;

  /* Closing the windows stops their runs and demo servers first. With the
   * last window gone the application ends, as it does when the user closes
   * it; a file still being saved holds it until the file is complete
   * (g_application_quit() would end it at once, and the file with it). */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (windows->data);
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
fs_application_init (FsApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

FsApplication *
fs_application_new (void)
{
  /* The base path does not follow a .Devel id: the resources stay where they are. */
  return g_object_new (FS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/fetchscope/Fetchscope",
                       NULL);
}

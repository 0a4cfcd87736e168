/* fs-paste-dialog.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fs-paste-dialog.h"
#include "fs-url-source.h"

/* The first bad lines the dialog names; the rest are counted. */
#define MAX_NAMED_PROBLEMS 3

struct _FsPasteDialog
{
  AdwMessageDialog  parent_instance;

  GtkTextView      *text_view;
  GtkLabel         *report_label;
};

G_DEFINE_FINAL_TYPE (FsPasteDialog, fs_paste_dialog, ADW_TYPE_MESSAGE_DIALOG)

/**
 * fs_paste_check:
 * @report: (out): what the text holds, for the user: the URLs counted, or
 *   the first lines that will be skipped, one a line
 *
 * The URL source checks each line again when it reads them; this is for
 * the dialog and its caller.
 *
 * Returns: how many URLs @text holds
 */
guint64
fs_paste_check (const char  *text,
                char       **report)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) problems = g_string_new (NULL);
  guint64 n_urls = 0, n_bad = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) fields = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;

      fields = g_strsplit_set (line, " \t", 2);
      if (fs_url_check (fields[0], &error))
        {
          n_urls++;
          continue;
        }

      if (n_bad++ < MAX_NAMED_PROBLEMS)
        g_string_append_printf (problems, _("Line %u: %s\n"), i + 1, error->message);
    }

  if (n_bad > MAX_NAMED_PROBLEMS)
    g_string_append_printf (problems, g_dngettext (GETTEXT_PACKAGE,
                                                   "and %llu more line\n",
                                                   "and %llu more lines\n",
                                                   n_bad - MAX_NAMED_PROBLEMS),
                            (unsigned long long) (n_bad - MAX_NAMED_PROBLEMS));

  if (n_bad > 0)
    g_string_prepend (problems,
                      g_dngettext (GETTEXT_PACKAGE, "This line will be skipped:\n",
                                   "These lines will be skipped:\n", n_bad));

  if (problems->len > 0 && problems->str[problems->len - 1] == '\n')
    g_string_truncate (problems, problems->len - 1);

  if (n_urls == 0 && n_bad == 0)
    *report = g_strdup (_("One http or https URL per line"));
  else if (n_bad == 0)
    *report = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu URL", "%llu URLs", n_urls),
                               (unsigned long long) n_urls);
  else
    *report = g_string_free (g_steal_pointer (&problems), FALSE);

  return n_urls;
}

static void
text_changed_cb (FsPasteDialog *self)
{
  g_autofree char *text = fs_paste_dialog_dup_text (self);
  g_autofree char *report = NULL;
  guint64 n_urls;

  n_urls = fs_paste_check (text, &report);
  gtk_label_set_label (self->report_label, report);
  if (strchr (report, '\n') != NULL || (n_urls == 0 && *g_strstrip (text) != '\0'))
    gtk_widget_add_css_class (GTK_WIDGET (self->report_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->report_label), "error");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "use", n_urls > 0);
}

static void
fs_paste_dialog_class_init (FsPasteDialogClass *klass)
{
}

static void
fs_paste_dialog_init (FsPasteDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *text_view = gtk_text_view_new ();
  GtkWidget *label = gtk_label_new (NULL);

  adw_message_dialog_set_heading (dialog, _("Paste URLs"));
  adw_message_dialog_set_body (dialog,
                               _("One http or https URL per line. Lines starting with # are "
                                 "comments; a word after a URL names its class."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "use", _("_Use These URLs"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "use", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "use");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_default_size (GTK_WINDOW (self), 560, -1);

  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 200);
  gtk_widget_add_css_class (scroller, "card");
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (text_view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text_view), GTK_WRAP_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("URLs"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), text_view);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box), label);
  adw_message_dialog_set_extra_child (dialog, box);

  self->text_view = GTK_TEXT_VIEW (text_view);
  self->report_label = GTK_LABEL (label);

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (text_changed_cb), self, G_CONNECT_SWAPPED);
  text_changed_cb (self);
}

/**
 * fs_paste_dialog_new:
 * @text: (nullable): what was pasted last time, to edit
 */
GtkWidget *
fs_paste_dialog_new (GtkWindow  *parent,
                     const char *text)
{
  FsPasteDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (FS_TYPE_PASTE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  if (text != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));

  return GTK_WIDGET (self);
}

/**
 * fs_paste_dialog_dup_text:
 *
 * Returns: (transfer full): the text as it stands
 */
char *
fs_paste_dialog_dup_text (FsPasteDialog *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (FS_IS_PASTE_DIALOG (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

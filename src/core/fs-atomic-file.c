/* fs-atomic-file.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>

#include "fs-i18n.h"
#include "fs-atomic-file.h"

struct _FsAtomicFile
{
  char          *path;
  char          *tmp_path;
  GOutputStream *raw;
  GOutputStream *stream;
};

static gboolean
set_errno_error (GError     **error,
                 int          errsv,
                 gboolean     creating,
                 const char  *path)
{
  g_autofree char *what = creating ? g_strdup_printf (_("Could not create “%s”"), path)
                                   : g_strdup_printf (_("Could not write “%s”"), path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "%s: %s", what, g_strerror (errsv));
  return FALSE;
}

/**
 * fs_atomic_file_new:
 *
 * Returns: (transfer full): a file to write, or %NULL with @error set
 */
FsAtomicFile *
fs_atomic_file_new (const char  *path,
                    GError     **error)
{
  g_autofree char *tmp_path = NULL;
  FsAtomicFile *self;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Could not write “%s”: it is a folder"), path);
      return NULL;
    }

  tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  /* open() applies the umask to 0666, as for any file the user creates. */
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      set_errno_error (error, errno, TRUE, path);
      return NULL;
    }

  self = g_new0 (FsAtomicFile, 1);
  self->path = g_strdup (path);
  self->tmp_path = g_steal_pointer (&tmp_path);
  self->raw = g_unix_output_stream_new (fd, TRUE);
  self->stream = g_buffered_output_stream_new_sized (self->raw, 64 * 1024);

  return self;
}

/**
 * fs_atomic_file_get_stream:
 *
 * Returns: (transfer none): where to write; do not close it
 */
GOutputStream *
fs_atomic_file_get_stream (FsAtomicFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->stream;
}

gboolean
fs_atomic_file_commit (FsAtomicFile  *self,
                       GError       **error)
{
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->stream != NULL, FALSE);

  if (!g_output_stream_flush (self->stream, NULL, error))
    return FALSE;

  fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (self->raw));
  if (fsync (fd) != 0)
    return set_errno_error (error, errno, FALSE, self->path);

  if (!g_output_stream_close (self->stream, NULL, error))
    return FALSE;
  g_clear_object (&self->stream);
  g_clear_object (&self->raw);

  if (g_rename (self->tmp_path, self->path) != 0)
    return set_errno_error (error, errno, FALSE, self->path);

  g_clear_pointer (&self->tmp_path, g_free);

  return TRUE;
}

void
fs_atomic_file_free (FsAtomicFile *self)
{
  if (self == NULL)
    return;

  if (self->stream != NULL)
    {
      /* Close the file first, so the buffer's flush on dispose goes nowhere. */
      g_output_stream_close (self->raw, NULL, NULL);
    }
  g_clear_object (&self->stream);
  g_clear_object (&self->raw);

  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);

  g_free (self->tmp_path);
  g_free (self->path);
  g_free (self);
}

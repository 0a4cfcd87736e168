/* fs-atomic-file.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file written through a temporary file beside it and renamed into place
 * on commit, with the mode the user's umask gives. Freed without a commit,
 * the temporary file is removed: a failed write leaves no half file.
 *
 * Threading: one owner.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FsAtomicFile FsAtomicFile;

FsAtomicFile  *fs_atomic_file_new        (const char    *path,
                                          GError       **error);
GOutputStream *fs_atomic_file_get_stream (FsAtomicFile  *self);
gboolean       fs_atomic_file_commit     (FsAtomicFile  *self,
                                          GError       **error);
void           fs_atomic_file_free       (FsAtomicFile  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsAtomicFile, fs_atomic_file_free)

G_END_DECLS

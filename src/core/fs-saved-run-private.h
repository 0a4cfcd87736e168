/* fs-saved-run-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests: how many loads so far parsed the whole text as one tree,
 * because cutting the record rows out of it did not work; how many record
 * rows were read straight from the text; how many bytes of text already
 * read were given back to the system, and how many at a time (4 MiB;
 * smaller files for tests); and a switch that sends every
 * row through json-glib instead, to compare the two.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint _fs_saved_runs_get_n_whole_parses (void);
guint _fs_saved_runs_get_n_plain_rows    (void);
gsize _fs_saved_runs_get_n_released_bytes (void);
void  _fs_saved_runs_set_release_step    (gsize bytes);
void  _fs_saved_runs_set_plain_rows      (gboolean enabled);

G_END_DECLS

/* fs-saved-run-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests: how many loads so far parsed the whole text as one tree,
 * because cutting the record rows out of it did not work.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint _fs_saved_runs_get_n_whole_parses (void);

G_END_DECLS

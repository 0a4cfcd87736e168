/* fs-i18n.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gettext for every layer, GTK or not: _() and N_() look strings up in
 * our own text domain (GETTEXT_PACKAGE from config.h), whatever domain
 * the program set as its default. Include config.h first.
 *
 * Threading: call fs_i18n_init() once, from main(), before any thread.
 */

#pragma once

#ifndef GETTEXT_PACKAGE
# error "config.h must be included before fs-i18n.h"
#endif

#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

void fs_i18n_init (void);

G_END_DECLS

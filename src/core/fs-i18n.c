/* fs-i18n.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "fs-i18n.h"
#include "fs-locate.h"

/**
 * fs_i18n_init:
 *
 * Sets the locale from the environment and binds our text domain to the
 * translations of the build tree or the installed prefix
 * (fs_locate_locale_dir()), in UTF-8, as the program's default domain.
 */
void
fs_i18n_init (void)
{
  g_autofree char *locale_dir = fs_locate_locale_dir ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

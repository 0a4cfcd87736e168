/* main.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-application.h"
#include "fs-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FsApplication) app = NULL;

  fs_i18n_init ();

  app = fs_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

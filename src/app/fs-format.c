/* fs-format.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-format.h"

char *
fs_format_count (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

char *
fs_format_rate (double rate)
{
  if (rate <= 0)
    return g_strdup ("0");
  if (rate < 100)
    return g_strdup_printf ("%.1f", rate);

  return g_strdup_printf ("%.0f", rate);
}

char *
fs_format_ms (double ms)
{
  if (ms <= 0)
    return g_strdup ("—");
  if (ms < 10)
    return g_strdup_printf (_("%.2f ms"), ms);
  if (ms < 1000)
    return g_strdup_printf (_("%.0f ms"), ms);

  return g_strdup_printf (_("%.2f s"), ms / 1000.0);
}

/* @s < 0: not known */
char *
fs_format_duration (double s)
{
  guint minutes;

  if (s < 0)
    return g_strdup ("—");
  if (s < 60)
    return g_strdup_printf (_("%.1f s"), s);

  minutes = (guint) (s / 60);
  return g_strdup_printf (_("%u min %02u s"), minutes, (guint) (s - minutes * 60));
}

char *
fs_format_number (double value,
                  int    digits)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The spin buttons show numbers in the locale's format, so do we. */
  g_snprintf (buf, sizeof buf, "%.*f", digits, value);
  return g_strdup (buf);
}

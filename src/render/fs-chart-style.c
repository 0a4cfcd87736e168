/* fs-chart-style.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fs-chart-style.h"

#define RGBA(hex, a) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, \
                       ((hex) & 0xff) / 255.0, (a) }
#define RGB(hex)     RGBA (hex, 1.0)

/* On white the palette's darker shades (3–5) keep their contrast; on the
 * dark background its lighter ones (1–3) do. */
static const FsChartPalette light_palette = {
  .background = RGB (0xffffff),
  .foreground = RGBA (0x000000, 0.8),
  .dim = RGBA (0x000000, 0.55),
  .grid = RGBA (0x000000, 0.08),
  .axis = RGBA (0x000000, 0.3),
  .hover = RGBA (0x000000, 0.6),
  .tooltip = RGBA (0xfafafa, 0.94),
  .outcome = {
    [FS_OUTCOME_OK] = RGB (0x2ec27e),
    [FS_OUTCOME_HTTP_ERROR] = RGB (0xff7800),
    [FS_OUTCOME_TRANSPORT_ERROR] = RGB (0xe01b24),
    [FS_OUTCOME_TIMEOUT] = RGB (0x9141ac),
    [FS_OUTCOME_CANCELLED] = RGB (0x9a9996),
    [FS_OUTCOME_WORKER_LOST] = RGB (0x865e3c),
  },
  .phase = {
    [FS_PHASE_CONNECTING] = RGB (0x9141ac),
    [FS_PHASE_WAITING] = RGB (0x3584e4),
    [FS_PHASE_RECEIVING] = RGB (0x2ec27e),
    [FS_PHASE_CPU] = RGB (0xff7800),
    [FS_PHASE_GIL] = RGB (0xe01b24),
  },
  .idle = RGB (0xf0f0f0),
  .series = {
    [FS_SERIES_P50] = RGB (0x3584e4),
    [FS_SERIES_P90] = RGB (0xff7800),
    [FS_SERIES_P99] = RGB (0xe01b24),
    [FS_SERIES_MEAN] = RGB (0x9141ac),
    [FS_SERIES_MAX] = RGBA (0x000000, 0.3),
    [FS_SERIES_IN_FLIGHT] = RGB (0x3584e4),
  },
  .cycle = {
    RGB (0x3584e4), RGB (0x2ec27e), RGB (0xf5c211), RGB (0xff7800),
    RGB (0xe01b24), RGB (0x9141ac), RGB (0x865e3c), RGB (0x5e5c64),
  },
  .heat_low = RGB (0xebebeb),
  .heat_mid = RGB (0x9a9996),
  .heat_high = RGB (0x241f31),
};

static const FsChartPalette dark_palette = {
  .background = RGB (0x1e1e1e),
  .foreground = RGB (0xffffff),
  .dim = RGBA (0xffffff, 0.6),
  .grid = RGBA (0xffffff, 0.08),
  .axis = RGBA (0xffffff, 0.3),
  .hover = RGBA (0xffffff, 0.7),
  .tooltip = RGBA (0x303030, 0.94),
  .outcome = {
    [FS_OUTCOME_OK] = RGB (0x33d17a),
    [FS_OUTCOME_HTTP_ERROR] = RGB (0xffa348),
    [FS_OUTCOME_TRANSPORT_ERROR] = RGB (0xed333b),
    [FS_OUTCOME_TIMEOUT] = RGB (0xc061cb),
    [FS_OUTCOME_CANCELLED] = RGB (0x77767b),
    [FS_OUTCOME_WORKER_LOST] = RGB (0xb5835a),
  },
  .phase = {
    [FS_PHASE_CONNECTING] = RGB (0xc061cb),
    [FS_PHASE_WAITING] = RGB (0x3584e4),
    [FS_PHASE_RECEIVING] = RGB (0x33d17a),
    [FS_PHASE_CPU] = RGB (0xff7800),
    [FS_PHASE_GIL] = RGB (0xed333b),
  },
  .idle = RGB (0x2a2a2a),
  .series = {
    [FS_SERIES_P50] = RGB (0x62a0ea),
    [FS_SERIES_P90] = RGB (0xffa348),
    [FS_SERIES_P99] = RGB (0xed333b),
    [FS_SERIES_MEAN] = RGB (0xc061cb),
    [FS_SERIES_MAX] = RGBA (0xffffff, 0.35),
    [FS_SERIES_IN_FLIGHT] = RGB (0x62a0ea),
  },
  .cycle = {
    RGB (0x3584e4), RGB (0x33d17a), RGB (0xf6d32d), RGB (0xff7800),
    RGB (0xe01b24), RGB (0x9141ac), RGB (0x986a44), RGB (0x9a9996),
  },
  .heat_low = RGB (0x303030),
  .heat_mid = RGB (0x77767b),
  .heat_high = RGB (0xffffff),
};

/**
 * fs_chart_palette_get:
 *
 * Returns: (transfer none): the palette for a light or dark background
 */
const FsChartPalette *
fs_chart_palette_get (gboolean dark)
{
  return dark ? &dark_palette : &light_palette;
}

/**
 * fs_chart_run_color_index:
 *
 * The colour (an index into the palette's cycle) of a comparison's @run-th
 * run: blue, green and purple first, which neither the yellow nor the
 * phases' orange and red are mistaken for.
 */
guint
fs_chart_run_color_index (guint run)
{
  static const guint order[FS_CHART_N_SERIES_COLORS] = { 0, 1, 5, 3, 4, 6, 7, 2 };

  return order[run % FS_CHART_N_SERIES_COLORS];
}

void
fs_color_set_source (cairo_t       *cr,
                     const FsColor *color)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (color != NULL);

  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

void
fs_color_mix (const FsColor *a,
              const FsColor *b,
              double         t,
              FsColor       *result)
{
  g_return_if_fail (a != NULL);
  g_return_if_fail (b != NULL);
  g_return_if_fail (result != NULL);

  t = CLAMP (t, 0.0, 1.0);
  result->red = a->red + (b->red - a->red) * t;
  result->green = a->green + (b->green - a->green) * t;
  result->blue = a->blue + (b->blue - a->blue) * t;
  result->alpha = a->alpha + (b->alpha - a->alpha) * t;
}

/* Premultiplied, as CAIRO_FORMAT_ARGB32 stores it. */
guint32
fs_color_to_argb32 (const FsColor *color)
{
  double a;

  g_return_val_if_fail (color != NULL, 0);

  a = CLAMP (color->alpha, 0.0, 1.0);

  return (guint32) lround (a * 255) << 24 |
         (guint32) lround (CLAMP (color->red, 0.0, 1.0) * a * 255) << 16 |
         (guint32) lround (CLAMP (color->green, 0.0, 1.0) * a * 255) << 8 |
         (guint32) lround (CLAMP (color->blue, 0.0, 1.0) * a * 255);
}

/* fs-format.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the dashboard writes numbers: counts, rates, latencies, durations,
 * and numbers as the spin buttons show them. Each returns a new string;
 * a value that cannot be told (≤ 0 where that means "none yet") is "—".
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *fs_format_count    (guint64 n);
char *fs_format_rate     (double  rate);
char *fs_format_ms       (double  ms);
char *fs_format_duration (double  s);
char *fs_format_number   (double  value,
                          int     digits);

G_END_DECLS

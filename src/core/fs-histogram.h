/* fs-histogram.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A log-linear histogram of non-negative integer values (latencies in µs):
 * exact below 2^FS_HISTOGRAM_SUB_BITS, then 2^FS_HISTOGRAM_SUB_BITS linear
 * sub-buckets per power of two, so any reported quantile is within 1 % of
 * the true sample value. Fixed size whatever the number of samples.
 *
 * Threading: not thread-safe; one owner.
 */

#pragma once

#include <glib.h>

#include "fs-types.h"

G_BEGIN_DECLS

#define FS_HISTOGRAM_SUB_BITS 7

FsHistogram *fs_histogram_new        (void);
void         fs_histogram_free       (FsHistogram       *self);
void         fs_histogram_reset      (FsHistogram       *self);
void         fs_histogram_add        (FsHistogram       *self,
                                      guint64            value);
void         fs_histogram_merge      (FsHistogram       *self,
                                      const FsHistogram *other);
guint64      fs_histogram_get_count  (const FsHistogram *self);
guint64      fs_histogram_get_min    (const FsHistogram *self);
guint64      fs_histogram_get_max    (const FsHistogram *self);
double       fs_histogram_get_mean   (const FsHistogram *self);
guint64      fs_histogram_quantile   (const FsHistogram *self,
                                      double             q);
gsize        fs_histogram_get_n_bins (const FsHistogram *self);
gboolean     fs_histogram_get_bin    (const FsHistogram *self,
                                      gsize              index,
                                      guint64           *lower,
                                      guint64           *upper,
                                      guint64           *count);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsHistogram, fs_histogram_free)

G_END_DECLS

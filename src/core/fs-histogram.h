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

#include <json-glib/json-glib.h>

#include "fs-types.h"

G_BEGIN_DECLS

#define FS_HISTOGRAM_SUB_BITS 7

/* Bins 0 .. 2^(SUB_BITS+1)-1 hold one value each; every power of two
 * [2^k, 2^(k+1)) above that, up to k = 63, is cut into 2^SUB_BITS bins of
 * width 2^(k-SUB_BITS). A bin is therefore never wider than 1/128 of its lower
 * bound, and the histogram is this many counters, whatever it is fed. */
#define FS_HISTOGRAM_N_BINS ((65 - FS_HISTOGRAM_SUB_BITS) << FS_HISTOGRAM_SUB_BITS)

/* fs_histogram_quantile() uses the nearest-rank definition: the value of rank
 * ceil(q × count) (at least 1; a product within rounding error of an integer
 * is that integer) in sorted order, reported as the midpoint of its
 * bin clamped to [min, max], so it is within 1/256 of the exact sample. q = 0
 * gives the exact minimum, q = 1 the exact maximum, an empty histogram 0.
 *
 * fs_histogram_get_n_bins() counts every bin from the one holding the minimum
 * to the one holding the maximum, empty ones included (0 when empty), and
 * fs_histogram_get_bin() returns them in increasing order with inclusive
 * bounds, so a chart can walk them in O(bins) without gaps. */

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

/* An exact copy, and the state as JSON and back: {"sub_bits", "count",
 * "min", "max", "sum", "bins": [[index, count], …]} with only the bins in
 * use. fs_histogram_new_from_json() checks every number (FS_ERROR_INVALID_DATA)
 * and gives %NULL rather than a histogram it would not have made. */
FsHistogram *fs_histogram_copy          (const FsHistogram *self);
JsonNode    *fs_histogram_to_json       (const FsHistogram *self);
FsHistogram *fs_histogram_new_from_json (JsonNode          *node,
                                         GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsHistogram, fs_histogram_free)

G_END_DECLS

/* fs-histogram.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "fs-error.h"
#include "fs-histogram.h"
#include "fs-json-private.h"

#define SUB_COUNT (G_GUINT64_CONSTANT (1) << FS_HISTOGRAM_SUB_BITS)

struct _FsHistogram
{
  guint64 count;
  guint64 min;
  guint64 max;
  double  sum;
  guint64 counts[FS_HISTOGRAM_N_BINS];
};

static inline guint
highest_bit (guint64 value)
{
  g_assert (value != 0);

#ifdef __GNUC__
  return 63 - __builtin_clzll (value);
#else
  {
    guint bit = 0;

    while (value >>= 1)
      bit++;

    return bit;
  }
#endif
}

/* Below 2^SUB_BITS a value is its own bin. Above, the top SUB_BITS + 1 bits
 * of the value, m in [2^SUB_BITS, 2^(SUB_BITS+1)), pick the bin within its
 * power of two k; the formula lines up with the exact bins for k = SUB_BITS,
 * where the shift is zero. */
static inline guint
bin_index (guint64 value)
{
  guint shift;

  if (value < SUB_COUNT)
    return value;

  shift = highest_bit (value) - FS_HISTOGRAM_SUB_BITS;

  return (shift << FS_HISTOGRAM_SUB_BITS) + (guint) (value >> shift);
}

static inline void
bin_bounds (guint    index,
            guint64 *lower,
            guint64 *upper)
{
  guint shift;
  guint64 m;

  g_assert (index < FS_HISTOGRAM_N_BINS);

  if (index < SUB_COUNT)
    {
      *lower = *upper = index;
      return;
    }

  shift = (index >> FS_HISTOGRAM_SUB_BITS) - 1;
  m = SUB_COUNT + (index & (SUB_COUNT - 1));
  *lower = m << shift;
  *upper = *lower + ((G_GUINT64_CONSTANT (1) << shift) - 1);
}

/* ceil (q × count), except that a product within rounding error of an
 * integer is that integer: 0.07 × 100 is 7.000000000000001 in doubles, and
 * the caller meant rank 7, not 8. */
static guint64
nearest_rank (double  q,
              guint64 count)
{
  double product = q * (double) count;
  double nearest = round (product);
  guint64 rank;

  g_assert (count > 0);

  if (fabs (product - nearest) <= 4 * DBL_EPSILON * nearest)
    rank = (guint64) nearest;
  else
    rank = (guint64) ceil (product);

  return CLAMP (rank, 1, count);
}

FsHistogram *
fs_histogram_new (void)
{
  FsHistogram *self = g_new0 (FsHistogram, 1);

  self->min = G_MAXUINT64;

  return self;
}

void
fs_histogram_free (FsHistogram *self)
{
  g_free (self);
}

void
fs_histogram_reset (FsHistogram *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  self->min = G_MAXUINT64;
}

void
fs_histogram_add (FsHistogram *self,
                  guint64      value)
{
  g_return_if_fail (self != NULL);

  self->counts[bin_index (value)]++;
  self->count++;
  self->sum += (double) value;
  self->min = MIN (self->min, value);
  self->max = MAX (self->max, value);
}

void
fs_histogram_merge (FsHistogram       *self,
                    const FsHistogram *other)
{
  guint first;
  guint last;

  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  if (other->count == 0)
    return;

  /* Only the occupied range of @other can be non-zero. */
  first = bin_index (other->min);
  last = bin_index (other->max);
  for (guint i = first; i <= last; i++)
    self->counts[i] += other->counts[i];

  self->count += other->count;
  self->sum += other->sum;
  self->min = MIN (self->min, other->min);
  self->max = MAX (self->max, other->max);
}

guint64
fs_histogram_get_count (const FsHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count;
}

guint64
fs_histogram_get_min (const FsHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count > 0 ? self->min : 0;
}

guint64
fs_histogram_get_max (const FsHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max;
}

double
fs_histogram_get_mean (const FsHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->count == 0)
    return 0.0;

  return self->sum / (double) self->count;
}

guint64
fs_histogram_quantile (const FsHistogram *self,
                       double             q)
{
  guint64 rank;
  guint64 seen = 0;
  guint first;
  guint last;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (q >= 0.0 && q <= 1.0, 0);

  if (self->count == 0)
    return 0;
  if (q == 0.0)
    return self->min;
  if (q == 1.0)
    return self->max;

  rank = nearest_rank (q, self->count);

  first = bin_index (self->min);
  last = bin_index (self->max);
  for (guint i = first; i <= last; i++)
    {
      seen += self->counts[i];

      if (seen >= rank)
        {
          guint64 lower;
          guint64 upper;
          guint64 mid;

          bin_bounds (i, &lower, &upper);
          mid = lower + (upper - lower) / 2;

          return CLAMP (mid, self->min, self->max);
        }
    }

  g_assert_not_reached ();
  return self->max;
}

gsize
fs_histogram_get_n_bins (const FsHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->count == 0)
    return 0;

  return bin_index (self->max) - bin_index (self->min) + 1;
}

gboolean
fs_histogram_get_bin (const FsHistogram *self,
                      gsize              index,
                      guint64           *lower,
                      guint64           *upper,
                      guint64           *count)
{
  guint64 bin_lower;
  guint64 bin_upper;
  guint bin;

  g_return_val_if_fail (self != NULL, FALSE);

  if (index >= fs_histogram_get_n_bins (self))
    return FALSE;

  bin = bin_index (self->min) + (guint) index;
  bin_bounds (bin, &bin_lower, &bin_upper);

  if (lower != NULL)
    *lower = bin_lower;
  if (upper != NULL)
    *upper = bin_upper;
  if (count != NULL)
    *count = self->counts[bin];

  return TRUE;
}

/**
 * fs_histogram_copy:
 *
 * Returns: (transfer full): a histogram with the same counts
 */
FsHistogram *
fs_histogram_copy (const FsHistogram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

/**
 * fs_histogram_to_json:
 *
 * Returns: (transfer full): the histogram's state
 */
JsonNode *
fs_histogram_to_json (const FsHistogram *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  _fs_json_add_int (b, "sub_bits", FS_HISTOGRAM_SUB_BITS);
  _fs_json_add_int (b, "count", (gint64) self->count);
  _fs_json_add_int (b, "min", self->count > 0 ? (gint64) self->min : 0);
  _fs_json_add_int (b, "max", (gint64) self->max);
  _fs_json_add_double (b, "sum", self->sum);
  json_builder_set_member_name (b, "bins");
  json_builder_begin_array (b);
  for (guint i = 0; i < FS_HISTOGRAM_N_BINS; i++)
    if (self->counts[i] > 0)
      {
        json_builder_begin_array (b);
        json_builder_add_int_value (b, i);
        json_builder_add_int_value (b, (gint64) self->counts[i]);
        json_builder_end_array (b);
      }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * fs_histogram_new_from_json:
 *
 * Returns: (transfer full) (nullable): the histogram @node describes, or
 *   %NULL with @error set
 */
FsHistogram *
fs_histogram_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(FsHistogram) self = fs_histogram_new ();
  JsonObject *object;
  JsonArray *bins;
  gint64 sub_bits;
  guint64 count, min, max, total = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fs_json_node_get_object (node, "the latency histogram", &object, error) ||
      !_fs_json_get_int (object, "sub_bits", 0, 64, &sub_bits, error) ||
      !_fs_json_get_uint (object, "count", G_MAXINT64, &count, error) ||
      !_fs_json_get_uint (object, "min", G_MAXINT64, &min, error) ||
      !_fs_json_get_uint (object, "max", G_MAXINT64, &max, error) ||
      !_fs_json_get_double (object, "sum", &self->sum, error) ||
      !_fs_json_get_array (object, "bins", &bins, error))
    goto fail;

  if (sub_bits != FS_HISTOGRAM_SUB_BITS)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   "its bins are of another layout (%" G_GINT64_FORMAT " sub-bits, not %d)",
                   sub_bits, FS_HISTOGRAM_SUB_BITS);
      goto fail;
    }
  if (count > 0 && min > max)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, "its minimum is above its maximum");
      goto fail;
    }

  for (guint i = 0; i < json_array_get_length (bins); i++)
    {
      JsonArray *pair;
      gint64 index;
      gint64 n;

      if (!_fs_json_array_get_array (bins, i, 2, &pair, error) ||
          !_fs_json_array_get_int (pair, 0, 0, FS_HISTOGRAM_N_BINS - 1, &index, error) ||
          !_fs_json_array_get_int (pair, 1, 1, G_MAXINT64, &n, error))
        {
          g_prefix_error (error, "“bins”: ");
          goto fail;
        }
      /* Walks go from the minimum's bin to the maximum's: nothing outside. */
      if (count == 0 || (guint) index < bin_index (min) || (guint) index > bin_index (max) ||
          self->counts[index] != 0)
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       "“bins”: bin %" G_GINT64_FORMAT " is out of place", index);
          goto fail;
        }
      self->counts[index] = (guint64) n;
      total += (guint64) n;
    }

  if (total != count)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   "its bins hold %" G_GUINT64_FORMAT " values, not %" G_GUINT64_FORMAT,
                   total, count);
      goto fail;
    }

  self->count = count;
  self->min = count > 0 ? min : G_MAXUINT64;
  self->max = max;

  return g_steal_pointer (&self);

fail:
  g_prefix_error (error, "latency histogram: ");
  return NULL;
}

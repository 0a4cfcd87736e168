/* test-histogram.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "fs-histogram.h"

/* In per mille, so the reference rank is computed in integers. */
static const guint quantiles_pm[] = { 500, 900, 990, 999, 1000 };
static const double quantiles[] = { 0.5, 0.9, 0.99, 0.999, 1.0 };

static int
compare_guint64 (const void *a,
                 const void *b)
{
  guint64 va = *(const guint64 *) a;
  guint64 vb = *(const guint64 *) b;

  return (va > vb) - (va < vb);
}

/* Nearest rank on a sorted array, the definition fs_histogram_quantile()
 * follows: rank ceil (q × n), at least 1, for q = pm / 1000. */
static guint64
exact_quantile (const guint64 *sorted,
                gsize          n,
                guint          pm)
{
  guint64 rank = ((guint64) pm * n + 999) / 1000;

  return sorted[MAX (rank, 1) - 1];
}

static guint64
abs_diff (guint64 a,
          guint64 b)
{
  return a > b ? a - b : b - a;
}

static void
assert_within_percent (guint64 got,
                       guint64 exact)
{
  if (abs_diff (got, exact) > 0.01 * (double) exact)
    g_error ("reported %" G_GUINT64_FORMAT ", exact %" G_GUINT64_FORMAT
             ": more than 1 %% off", got, exact);
}

static void
check_against_exact (guint64 *values,
                     gsize    n)
{
  g_autoptr(FsHistogram) histogram = fs_histogram_new ();
  double sum = 0.0;

  g_assert_cmpuint (n, >, 0);

  for (gsize i = 0; i < n; i++)
    {
      fs_histogram_add (histogram, values[i]);
      sum += (double) values[i];
    }

  qsort (values, n, sizeof *values, compare_guint64);

  g_assert_cmpuint (fs_histogram_get_count (histogram), ==, n);
  g_assert_cmpuint (fs_histogram_get_min (histogram), ==, values[0]);
  g_assert_cmpuint (fs_histogram_get_max (histogram), ==, values[n - 1]);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 0.0), ==, values[0]);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 1.0), ==, values[n - 1]);
  g_assert_cmpfloat_with_epsilon (fs_histogram_get_mean (histogram), sum / n,
                                  1e-9 * (sum / n) + 1e-9);

  for (guint i = 0; i < G_N_ELEMENTS (quantiles_pm); i++)
    assert_within_percent (fs_histogram_quantile (histogram, quantiles_pm[i] / 1000.0),
                           exact_quantile (values, n, quantiles_pm[i]));

  /* Every per mille, not just the usual ones. */
  for (guint pm = 1; pm <= 1000; pm++)
    assert_within_percent (fs_histogram_quantile (histogram, pm / 1000.0),
                           exact_quantile (values, n, pm));
}

static double
normal (GRand *rand)
{
  double u1 = g_rand_double (rand);
  double u2 = g_rand_double (rand);

  /* Box-Muller; 1 - u1 is in (0, 1], so the log is finite. */
  return sqrt (-2.0 * log (1.0 - u1)) * cos (2.0 * G_PI * u2);
}

static void
test_uniform (void)
{
  const gsize n = 100000;
  g_autofree guint64 *values = g_new (guint64, n);

  /* Added in a scrambled order: the histogram must not care. */
  for (gsize i = 0; i < n; i++)
    values[i] = (i * 7919) % n + 1;

  check_against_exact (values, n);
}

static void
test_log_normal (void)
{
  const gsize n = 200000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint64 *values = g_new (guint64, n);

  for (gsize i = 0; i < n; i++)
    values[i] = (guint64) llround (exp (log (20000.0) + 1.0 * normal (rand)));

  check_against_exact (values, n);
}

static void
test_constant (void)
{
  const gsize n = 50000;
  g_autofree guint64 *values = g_new (guint64, n);

  for (gsize i = 0; i < n; i++)
    values[i] = 12345;

  check_against_exact (values, n);
}

static void
test_single (void)
{
  guint64 value = 777777;
  g_autoptr(FsHistogram) histogram = fs_histogram_new ();

  check_against_exact (&value, 1);

  fs_histogram_add (histogram, 777777);
  for (guint i = 0; i < G_N_ELEMENTS (quantiles); i++)
    g_assert_cmpuint (fs_histogram_quantile (histogram, quantiles[i]), ==, 777777);
  g_assert_cmpfloat (fs_histogram_get_mean (histogram), ==, 777777.0);
}

static void
test_wide_range (void)
{
  const gsize n = 100000;
  const double hour_us = 3600.0 * G_USEC_PER_SEC;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree guint64 *values = g_new (guint64, n);

  /* Log-uniform from 1 µs to 1 h, with both ends present. */
  for (gsize i = 0; i < n; i++)
    values[i] = (guint64) llround (exp (g_rand_double (rand) * log (hour_us)));
  values[0] = 1;
  values[1] = (guint64) hour_us;

  check_against_exact (values, n);
}

static void
test_boundaries (void)
{
  static const guint64 boundaries[] = {
    127, 128, 129, 255, 256, 257,
    (1 << 20) - 1, 1 << 20, (1 << 20) + 1,
  };
  const gsize n = G_N_ELEMENTS (boundaries) * 100;
  g_autofree guint64 *values = g_new (guint64, n);

  for (gsize i = 0; i < n; i++)
    values[i] = boundaries[i % G_N_ELEMENTS (boundaries)];

  check_against_exact (values, n);
}

/* Values below 2^(SUB_BITS+1) have a bin each, so the quantile is exactly the
 * nearest-rank value, with no off-by-one from rounding in q × count. */
static void
test_rank (void)
{
  static const guint64 sizes[] = { 1, 2, 7, 10, 100, 200, 255 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(FsHistogram) histogram = fs_histogram_new ();
      g_autofree guint64 *values = g_new (guint64, sizes[s]);

      for (guint64 v = 0; v < sizes[s]; v++)
        {
          values[v] = v + 1;
          fs_histogram_add (histogram, v + 1);
        }

      for (guint pm = 0; pm <= 1000; pm++)
        g_assert_cmpuint (fs_histogram_quantile (histogram, pm / 1000.0), ==,
                          exact_quantile (values, sizes[s], pm));
    }
}

/* One value between a 0 and a G_MAXUINT64 is reported as its bin's midpoint,
 * with no clamping to help: that must be within 1/256 of it, for every kind of
 * value up to the top of the range. */
static void
check_one_value (guint64 value)
{
  g_autoptr(FsHistogram) histogram = fs_histogram_new ();
  guint64 got;

  fs_histogram_add (histogram, 0);
  for (guint i = 0; i < 3; i++)
    fs_histogram_add (histogram, value);
  fs_histogram_add (histogram, G_MAXUINT64);

  got = fs_histogram_quantile (histogram, 0.5);
  if ((double) abs_diff (got, value) * 256.0 > (double) value)
    g_error ("%" G_GUINT64_FORMAT " reported as %" G_GUINT64_FORMAT, value, got);
}

static void
test_sweep (void)
{
  for (guint64 v = 0; v <= 4096; v++)
    check_one_value (v);

  for (guint k = 1; k < 64; k++)
    {
      guint64 power = G_GUINT64_CONSTANT (1) << k;

      check_one_value (power - 1);
      check_one_value (power);
      check_one_value (power + 1);
      check_one_value (power + power / 2);
    }

  for (double v = 4096.0; v < 1.8e19; v *= 1.0037)
    check_one_value ((guint64) v);

  check_one_value (G_MAXUINT64 - 1);
}

static void
test_bins (void)
{
  const gsize n = 50000;
  g_autoptr(FsHistogram) histogram = fs_histogram_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree guint64 *values = g_new (guint64, n);
  guint64 previous_upper = 0;
  guint64 total = 0;
  gsize next = 0;
  gsize n_bins;

  for (gsize i = 0; i < n; i++)
    {
      values[i] = (guint64) llround (exp (g_rand_double (rand) * log (1e8)));
      fs_histogram_add (histogram, values[i]);
    }
  qsort (values, n, sizeof *values, compare_guint64);

  n_bins = fs_histogram_get_n_bins (histogram);
  g_assert_cmpuint (n_bins, >, 0);
  g_assert_cmpuint (n_bins, <=, FS_HISTOGRAM_N_BINS);

  for (gsize i = 0; i < n_bins; i++)
    {
      guint64 lower;
      guint64 upper;
      guint64 count;
      guint64 expected = 0;

      g_assert_true (fs_histogram_get_bin (histogram, i, &lower, &upper, &count));
      g_assert_cmpuint (lower, <=, upper);
      if (i == 0)
        g_assert_cmpuint (lower, <=, values[0]);
      else
        g_assert_cmpuint (lower, ==, previous_upper + 1);
      g_assert_cmpuint ((upper - lower) * 128, <=, lower);

      for (; next < n && values[next] <= upper; next++)
        expected++;
      g_assert_cmpuint (count, ==, expected);

      total += count;
      previous_upper = upper;
    }

  g_assert_cmpuint (next, ==, n);
  g_assert_cmpuint (previous_upper, >=, values[n - 1]);
  g_assert_cmpuint (total, ==, n);
  g_assert_false (fs_histogram_get_bin (histogram, n_bins, NULL, NULL, NULL));
}

static void
assert_same (const FsHistogram *a,
             const FsHistogram *b)
{
  g_assert_cmpuint (fs_histogram_get_count (a), ==, fs_histogram_get_count (b));
  g_assert_cmpuint (fs_histogram_get_min (a), ==, fs_histogram_get_min (b));
  g_assert_cmpuint (fs_histogram_get_max (a), ==, fs_histogram_get_max (b));
  g_assert_cmpfloat_with_epsilon (fs_histogram_get_mean (a), fs_histogram_get_mean (b),
                                  1e-9 * fs_histogram_get_mean (a) + 1e-9);
  g_assert_cmpuint (fs_histogram_get_n_bins (a), ==, fs_histogram_get_n_bins (b));

  for (gsize i = 0; i < fs_histogram_get_n_bins (a); i++)
    {
      guint64 lower_a, upper_a, count_a;
      guint64 lower_b, upper_b, count_b;

      g_assert_true (fs_histogram_get_bin (a, i, &lower_a, &upper_a, &count_a));
      g_assert_true (fs_histogram_get_bin (b, i, &lower_b, &upper_b, &count_b));
      g_assert_cmpuint (lower_a, ==, lower_b);
      g_assert_cmpuint (upper_a, ==, upper_b);
      g_assert_cmpuint (count_a, ==, count_b);
    }

  for (guint i = 0; i < G_N_ELEMENTS (quantiles); i++)
    g_assert_cmpuint (fs_histogram_quantile (a, quantiles[i]), ==,
                      fs_histogram_quantile (b, quantiles[i]));
}

static void
test_merge (void)
{
  g_autoptr(FsHistogram) all = fs_histogram_new ();
  g_autoptr(FsHistogram) low = fs_histogram_new ();
  g_autoptr(FsHistogram) high = fs_histogram_new ();
  g_autoptr(FsHistogram) merged = fs_histogram_new ();
  g_autoptr(FsHistogram) empty = fs_histogram_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < 20000; i++)
    {
      guint64 value = g_rand_int_range (rand, 1, 5000);

      fs_histogram_add (all, value);
      fs_histogram_add (low, value);
    }
  for (guint i = 0; i < 30000; i++)
    {
      guint64 value = g_rand_int_range (rand, 3000, 2000000);

      fs_histogram_add (all, value);
      fs_histogram_add (high, value);
    }

  /* Into an empty one, then the rest, then nothing. */
  fs_histogram_merge (merged, high);
  assert_same (merged, high);
  fs_histogram_merge (merged, low);
  fs_histogram_merge (merged, empty);
  assert_same (merged, all);
  g_assert_cmpuint (fs_histogram_get_count (merged), ==, 50000);
  g_assert_cmpuint (fs_histogram_get_count (empty), ==, 0);
}

static void
test_reset (void)
{
  g_autoptr(FsHistogram) histogram = fs_histogram_new ();

  g_assert_cmpuint (fs_histogram_get_count (histogram), ==, 0);
  g_assert_cmpuint (fs_histogram_get_n_bins (histogram), ==, 0);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 0.5), ==, 0);

  for (guint64 v = 1000; v < 100000; v += 7)
    fs_histogram_add (histogram, v);
  g_assert_cmpuint (fs_histogram_get_count (histogram), >, 0);

  fs_histogram_reset (histogram);
  g_assert_cmpuint (fs_histogram_get_count (histogram), ==, 0);
  g_assert_cmpuint (fs_histogram_get_min (histogram), ==, 0);
  g_assert_cmpuint (fs_histogram_get_max (histogram), ==, 0);
  g_assert_cmpfloat (fs_histogram_get_mean (histogram), ==, 0.0);
  g_assert_cmpuint (fs_histogram_get_n_bins (histogram), ==, 0);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 0.0), ==, 0);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 0.99), ==, 0);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 1.0), ==, 0);

  /* Nothing of the old data survives. */
  fs_histogram_add (histogram, 42);
  fs_histogram_add (histogram, 43);
  g_assert_cmpuint (fs_histogram_get_count (histogram), ==, 2);
  g_assert_cmpuint (fs_histogram_get_min (histogram), ==, 42);
  g_assert_cmpuint (fs_histogram_get_max (histogram), ==, 43);
  g_assert_cmpuint (fs_histogram_quantile (histogram, 0.5), ==, 42);
  g_assert_cmpuint (fs_histogram_get_n_bins (histogram), ==, 2);
}

/* The counters are one fixed array: the whole guint64 range fits in
 * FS_HISTOGRAM_N_BINS bins, however many values are added. */
static void
test_fixed_size (void)
{
  g_autoptr(FsHistogram) histogram = fs_histogram_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  guint64 lower;
  guint64 upper;
  guint64 count;

  fs_histogram_add (histogram, 0);
  fs_histogram_add (histogram, G_MAXUINT64);
  g_assert_cmpuint (fs_histogram_get_n_bins (histogram), ==, FS_HISTOGRAM_N_BINS);

  for (guint i = 0; i < 1000000; i++)
    {
      guint64 value = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

      fs_histogram_add (histogram, value >> g_rand_int_range (rand, 0, 64));
    }

  g_assert_cmpuint (fs_histogram_get_count (histogram), ==, 1000002);
  g_assert_cmpuint (fs_histogram_get_n_bins (histogram), ==, FS_HISTOGRAM_N_BINS);
  g_assert_true (fs_histogram_get_bin (histogram, 0, &lower, &upper, &count));
  g_assert_cmpuint (lower, ==, 0);
  g_assert_cmpuint (upper, ==, 0);
  g_assert_true (fs_histogram_get_bin (histogram, FS_HISTOGRAM_N_BINS - 1, &lower, &upper, &count));
  g_assert_cmpuint (upper, ==, G_MAXUINT64);
  g_assert_cmpuint (upper - lower + 1, ==, G_GUINT64_CONSTANT (1) << (63 - FS_HISTOGRAM_SUB_BITS));
  g_assert_false (fs_histogram_get_bin (histogram, FS_HISTOGRAM_N_BINS, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Histogram/uniform", test_uniform);
  g_test_add_func ("/Fetchscope/Histogram/log-normal", test_log_normal);
  g_test_add_func ("/Fetchscope/Histogram/constant", test_constant);
  g_test_add_func ("/Fetchscope/Histogram/single", test_single);
  g_test_add_func ("/Fetchscope/Histogram/wide-range", test_wide_range);
  g_test_add_func ("/Fetchscope/Histogram/boundaries", test_boundaries);
  g_test_add_func ("/Fetchscope/Histogram/rank", test_rank);
  g_test_add_func ("/Fetchscope/Histogram/sweep", test_sweep);
  g_test_add_func ("/Fetchscope/Histogram/bins", test_bins);
  g_test_add_func ("/Fetchscope/Histogram/merge", test_merge);
  g_test_add_func ("/Fetchscope/Histogram/reset", test_reset);
  g_test_add_func ("/Fetchscope/Histogram/fixed-size", test_fixed_size);

  return g_test_run ();
}

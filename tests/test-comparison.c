/* test-comparison.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-comparison.h"
#include "fs-error.h"

static void
test_variant_round_trip (void)
{
  const char *names[] = {
    "serial", "loop", "threads", "threads+gil", "processes", "processes+blocking",
    "processes+gil+blocking", "hybrid+gil",
  };
  const char *canonical[] = {
    "serial", "loop", "threads", "threads+gil", "processes", "processes+blocking",
    "processes+gil+blocking", "hybrid+gil",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      FsVariant variant;

      g_assert_true (fs_variant_parse (names[i], &variant, &error));
      g_assert_no_error (error);
      text = fs_variant_to_string (&variant);
      g_assert_cmpstr (text, ==, canonical[i]);
    }
}

static void
test_variant_apply (void)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  FsVariant variant, back;

  config->gil = TRUE;
  config->worker_mode = FS_WORKER_MODE_BLOCKING;
  config->concurrency = 7;

  /* What the variant names is set, and nothing else changes. */
  g_assert_true (fs_variant_parse ("threads", &variant, NULL));
  fs_variant_apply (&variant, config);
  g_assert_cmpint (config->strategy, ==, FS_STRATEGY_THREADS);
  g_assert_false (config->gil);
  g_assert_cmpint (config->worker_mode, ==, FS_WORKER_MODE_BLOCKING);
  g_assert_cmpuint (config->concurrency, ==, 7);

  g_assert_true (fs_variant_parse ("processes+loop+gil", &variant, NULL));
  fs_variant_apply (&variant, config);
  g_assert_cmpint (config->strategy, ==, FS_STRATEGY_PROCESSES);
  g_assert_true (config->gil);
  g_assert_cmpint (config->worker_mode, ==, FS_WORKER_MODE_LOOP);

  fs_variant_from_config (&back, config);
  g_assert_cmpint (back.strategy, ==, variant.strategy);
  g_assert_cmpint (back.gil, ==, variant.gil);
  g_assert_cmpint (back.worker_mode, ==, variant.worker_mode);
}

static void
test_variant_errors (void)
{
  const char *bad[] = { "", "fast", "threads+blocking", "loop+loop", "threads+gil+gil",
                        "processes+blocking+loop", "threads+" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      FsVariant variant = { .strategy = FS_STRATEGY_HYBRID };

      g_assert_false (fs_variant_parse (bad[i], &variant, &error));
      g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);
      /* The message quotes what was given. */
      g_assert_nonnull (strstr (error->message, bad[i]));
      /* Nothing is set on failure. */
      g_assert_cmpint (variant.strategy, ==, FS_STRATEGY_HYBRID);
    }
}

static void
test_ranking (void)
{
  FsStrategy strategies[] = { FS_STRATEGY_LOOP, FS_STRATEGY_THREADS, FS_STRATEGY_SERIAL,
                              FS_STRATEGY_PROCESSES };
  FsSummary summaries[4] = { { 0 } };
  guint order[4];

  summaries[0].wall_s = 2.0;
  summaries[1].wall_s = 1.0;
  summaries[2].wall_s = 8.0;
  summaries[3].wall_s = 1.0;

  fs_comparison_order (summaries, 4, order);
  g_assert_cmpuint (order[0], ==, 1);   /* ties keep their order */
  g_assert_cmpuint (order[1], ==, 3);
  g_assert_cmpuint (order[2], ==, 0);
  g_assert_cmpuint (order[3], ==, 2);

  /* Serial when it ran, wherever it is. */
  g_assert_cmpuint (fs_comparison_baseline (strategies, summaries, 4), ==, 2);
  g_assert_cmpfloat_with_epsilon (fs_comparison_speedup (&summaries[1], &summaries[2]), 8.0, 1e-9);

  /* Else the slowest. */
  strategies[2] = FS_STRATEGY_HYBRID;
  summaries[2].wall_s = 1.5;
  g_assert_cmpuint (fs_comparison_baseline (strategies, summaries, 4), ==, 0);
  g_assert_cmpfloat_with_epsilon (fs_comparison_speedup (&summaries[3], &summaries[0]), 2.0, 1e-9);

  /* A run that took no time has no speedup. */
  summaries[3].wall_s = 0;
  g_assert_cmpfloat (fs_comparison_speedup (&summaries[3], &summaries[0]), ==, 0);
  g_assert_cmpuint (fs_comparison_baseline (strategies, summaries, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Comparison/variant-round-trip", test_variant_round_trip);
  g_test_add_func ("/Fetchscope/Comparison/variant-apply", test_variant_apply);
  g_test_add_func ("/Fetchscope/Comparison/variant-errors", test_variant_errors);
  g_test_add_func ("/Fetchscope/Comparison/ranking", test_ranking);

  return g_test_run ();
}

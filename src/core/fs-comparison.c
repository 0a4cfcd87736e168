/* fs-comparison.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-comparison.h"
#include "fs-error.h"
#include "fs-event.h"

/**
 * fs_variant_parse:
 * @text: a strategy's name, then optionally "+gil" and, for processes,
 *   "+blocking" or "+loop": "threads+gil", "processes+blocking"
 *
 * Returns: whether @text names a variant; @error says what is wrong
 */
gboolean
fs_variant_parse (const char  *text,
                  FsVariant   *variant,
                  GError     **error)
{
  g_auto(GStrv) parts = NULL;
  FsVariant v = { .worker_mode = FS_WORKER_MODE_LOOP };
  gboolean mode_given = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (variant != NULL, FALSE);

  parts = g_strsplit (text, "+", -1);
  if (parts[0] == NULL || !fs_strategy_from_string (g_strstrip (parts[0]), &v.strategy))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "unknown strategy “%s” in “%s”", parts[0] ? parts[0] : "", text);
      return FALSE;
    }

  for (guint i = 1; parts[i] != NULL; i++)
    {
      const char *option = g_strstrip (parts[i]);
      FsWorkerMode mode;

      if (g_str_equal (option, "gil") && !v.gil)
        v.gil = TRUE;
      else if (v.strategy == FS_STRATEGY_PROCESSES && !mode_given &&
               fs_worker_mode_from_string (option, &mode))
        {
          v.worker_mode = mode;
          mode_given = TRUE;
        }
      else
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                       v.strategy == FS_STRATEGY_PROCESSES
                       ? "“%s” in “%s” is not a variant (gil, blocking or loop)"
                       : "“%s” in “%s” is not a variant (gil)",
                       option, text);
          return FALSE;
        }
    }

  *variant = v;
  return TRUE;
}

/**
 * fs_variant_to_string:
 *
 * Returns: (transfer full): the name fs_variant_parse() reads back, and
 *   the label of the variant's run: "threads+gil", "processes+blocking"
 */
char *
fs_variant_to_string (const FsVariant *variant)
{
  GString *text;

  g_return_val_if_fail (variant != NULL, NULL);

  text = g_string_new (fs_strategy_to_string (variant->strategy));
  if (variant->gil)
    g_string_append (text, "+gil");
  if (variant->strategy == FS_STRATEGY_PROCESSES && variant->worker_mode != FS_WORKER_MODE_LOOP)
    g_string_append_printf (text, "+%s", fs_worker_mode_to_string (variant->worker_mode));

  return g_string_free (text, FALSE);
}

/**
 * fs_variant_apply:
 *
 * Sets what @variant decides in @config: the strategy, the GIL and, for
 * processes, the worker mode.
 */
void
fs_variant_apply (const FsVariant *variant,
                  FsRunConfig     *config)
{
  g_return_if_fail (variant != NULL);
  g_return_if_fail (config != NULL);

  config->strategy = variant->strategy;
  config->gil = variant->gil;
  if (variant->strategy == FS_STRATEGY_PROCESSES)
    config->worker_mode = variant->worker_mode;
}

/**
 * fs_variant_from_config:
 *
 * The variant that @config runs.
 */
void
fs_variant_from_config (FsVariant         *variant,
                        const FsRunConfig *config)
{
  g_return_if_fail (variant != NULL);
  g_return_if_fail (config != NULL);

  variant->strategy = config->strategy;
  variant->gil = config->gil;
  variant->worker_mode = config->strategy == FS_STRATEGY_PROCESSES ? config->worker_mode
                                                                    : FS_WORKER_MODE_LOOP;
}

/**
 * fs_comparison_baseline:
 *
 * Returns: the run the others are measured against: the first serial
 *   one, else the slowest; 0 when there are no runs
 */
guint
fs_comparison_baseline (const FsStrategy *strategies,
                        const FsSummary  *summaries,
                        guint             n_runs)
{
  guint slowest = 0;

  g_return_val_if_fail (n_runs == 0 || (strategies != NULL && summaries != NULL), 0);

  for (guint i = 0; i < n_runs; i++)
    {
      if (strategies[i] == FS_STRATEGY_SERIAL)
        return i;
      if (summaries[i].wall_s > summaries[slowest].wall_s)
        slowest = i;
    }

  return slowest;
}

/**
 * fs_comparison_order:
 * @order: (out caller-allocates) (array length=n_runs): run indexes,
 *   fastest first; runs as fast as each other keep their order
 */
void
fs_comparison_order (const FsSummary *summaries,
                     guint            n_runs,
                     guint           *order)
{
  g_return_if_fail (n_runs == 0 || (summaries != NULL && order != NULL));

  /* Insertion sort: a comparison has a handful of runs, and it is stable. */
  for (guint i = 0; i < n_runs; i++)
    {
      guint j = i;

      while (j > 0 && summaries[order[j - 1]].wall_s > summaries[i].wall_s)
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = i;
    }
}

/**
 * fs_comparison_speedup:
 *
 * Returns: how many times faster @run was than @baseline (wall time), or
 *   0 when either took no time
 */
double
fs_comparison_speedup (const FsSummary *run,
                       const FsSummary *baseline)
{
  g_return_val_if_fail (run != NULL && baseline != NULL, 0);

  if (run->wall_s <= 0 || baseline->wall_s <= 0)
    return 0;

  return baseline->wall_s / run->wall_s;
}

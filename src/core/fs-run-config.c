/* fs-run-config.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-error.h"
#include "fs-run-config.h"

FsRunConfig *
fs_run_config_new (void)
{
  FsRunConfig *self = g_new0 (FsRunConfig, 1);

  self->strategy = FS_STRATEGY_LOOP;
  self->concurrency = 10;
  self->timeout_ms = 30 * 1000;
  self->connect_timeout_ms = 10 * 1000;
  self->max_body_bytes = 16 * 1024 * 1024;
  self->max_redirects = 5;
  self->user_agent = g_strdup ("Fetchscope/" PACKAGE_VERSION);

  return self;
}

FsRunConfig *
fs_run_config_copy (const FsRunConfig *self)
{
  FsRunConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->user_agent = g_strdup (self->user_agent);

  return copy;
}

void
fs_run_config_free (FsRunConfig *self)
{
  if (self == NULL)
    return;

  g_free (self->user_agent);
  g_free (self);
}

gboolean
fs_run_config_validate (const FsRunConfig *self,
                        GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->strategy >= FS_N_STRATEGIES)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT, "Unknown strategy");
      return FALSE;
    }

  if (self->concurrency < 1 || self->concurrency > FS_RUN_CONFIG_MAX_CONCURRENCY)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "Concurrency must be between 1 and %u, not %u",
                   FS_RUN_CONFIG_MAX_CONCURRENCY, self->concurrency);
      return FALSE;
    }

  if (self->timeout_ms < 1)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "The request timeout must be at least 1 ms");
      return FALSE;
    }

  if (self->max_body_bytes < 1)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "The body size cap must be at least 1 byte");
      return FALSE;
    }

  if (self->max_redirects > 50)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "At most 50 redirects may be followed, not %u", self->max_redirects);
      return FALSE;
    }

  return TRUE;
}

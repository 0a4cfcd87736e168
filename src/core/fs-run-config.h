/* fs-run-config.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fs-types.h"

G_BEGIN_DECLS

#define FS_RUN_CONFIG_MAX_CONCURRENCY 100000

struct _FsRunConfig
{
  FsStrategy strategy;
  guint      concurrency;      /* transfers in flight at once */
  guint      timeout_ms;       /* whole request */
  guint      connect_timeout_ms;
  guint64    max_body_bytes;   /* bigger bodies fail as transport errors */
  guint      max_redirects;
  char      *user_agent;
};

FsRunConfig *fs_run_config_new      (void);
FsRunConfig *fs_run_config_copy     (const FsRunConfig *self);
void         fs_run_config_free     (FsRunConfig       *self);
gboolean     fs_run_config_validate (const FsRunConfig *self,
                                     GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsRunConfig, fs_run_config_free)

G_END_DECLS

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
#define FS_RUN_CONFIG_MAX_WORKERS     1024
#define FS_RUN_CONFIG_MAX_HASH_ROUNDS 100000000
#define FS_RUN_CONFIG_DEFAULT_SWITCH_INTERVAL_US 5000   /* CPython's sys.getswitchinterval() */

struct _FsRunConfig
{
  FsStrategy strategy;
  guint      concurrency;      /* transfers in flight at once */
  guint      timeout_ms;       /* whole request */
  guint      connect_timeout_ms;
  guint64    max_body_bytes;   /* bigger bodies fail as transport errors */
  guint      max_redirects;
  char      *user_agent;

  guint        workers;           /* threads or processes; 0 = the strategy's default */
  FsWorkerMode worker_mode;       /* processes only */
  FsCpuWork    cpu_work;
  guint        hash_rounds;       /* FS_CPU_WORK_HASH */
  gboolean     gil;               /* every CPU stage holds one process-wide lock */
  guint        switch_interval_us;
};

FsRunConfig *fs_run_config_new      (void);
FsRunConfig *fs_run_config_copy     (const FsRunConfig *self);
void         fs_run_config_free     (FsRunConfig       *self);
gboolean     fs_run_config_validate (const FsRunConfig *self,
                                     GError           **error);
guint        fs_run_config_get_workers (const FsRunConfig *self);
char        *fs_run_config_dup_label   (const FsRunConfig *self);
gboolean     fs_cpu_work_parse      (const char        *text,
                                     FsCpuWork         *cpu_work,
                                     guint             *hash_rounds,
                                     GError           **error);
char        *fs_cpu_work_to_string  (FsCpuWork          cpu_work,
                                     guint              hash_rounds);
const char  *fs_worker_mode_to_string   (FsWorkerMode   mode);
gboolean     fs_worker_mode_from_string (const char    *text,
                                         FsWorkerMode  *mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsRunConfig, fs_run_config_free)

G_END_DECLS

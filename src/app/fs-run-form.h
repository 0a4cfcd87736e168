/* fs-run-form.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The run's settings, in the dashboard's sidebar: strategy (each with a
 * line on what it demonstrates), URL set (demo presets with a count, a URL
 * file, a pasted list), concurrency, workers, worker mode, CPU stage,
 * simulated GIL and its switch interval, timeout. Every value is checked
 * as it is typed and a wrong one is explained on its own row; the form is
 * ready when every value is usable and the URLs can be had.
 *
 * Signals: ::changed after anything in the form changed (its readiness
 * may have); ::message with a sentence for the user that belongs in a
 * toast.
 *
 * Threading: main context only.
 */

#pragma once

#include <adwaita.h>

#include "fs-comparison.h"
#include "fs-run-config.h"
#include "fs-url-source.h"

G_BEGIN_DECLS

typedef enum
{
  FS_DEMO_STARTING,
  FS_DEMO_READY,
  FS_DEMO_FAILED,
} FsDemoState;

#define FS_TYPE_RUN_FORM (fs_run_form_get_type ())

G_DECLARE_FINAL_TYPE (FsRunForm, fs_run_form, FS, RUN_FORM, AdwBin)

gboolean     fs_run_form_get_ready        (FsRunForm          *self);
const char  *fs_run_form_get_problem      (FsRunForm          *self);
void         fs_run_form_set_demo         (FsRunForm          *self,
                                           FsDemoState         state,
                                           const char         *base_url,
                                           const GError       *error);
FsRunConfig *fs_run_form_build_config     (FsRunForm          *self,
                                           GError            **error);
FsUrlSource *fs_run_form_build_source     (FsRunForm          *self,
                                           guint64            *expected_total,
                                           char              **label,
                                           GError            **error);
char        *fs_run_form_describe_run     (FsRunForm          *self,
                                           const FsRunConfig  *config,
                                           const char         *urls_label);
gboolean     fs_run_form_select_preset    (FsRunForm          *self,
                                           const char         *name,
                                           guint64             count);
gboolean     fs_run_form_select_strategy  (FsRunForm          *self,
                                           FsStrategy          strategy);
void         fs_run_form_set_concurrency  (FsRunForm          *self,
                                           guint               concurrency);
void         fs_run_form_set_cpu_work     (FsRunForm          *self,
                                           FsCpuWork           work,
                                           guint               hash_rounds);

GArray      *fs_run_form_dup_variants     (FsRunForm          *self);
void         fs_run_form_set_compare      (FsRunForm          *self,
                                           gboolean            compare,
                                           const FsVariant    *variants,
                                           guint               n_variants);

G_END_DECLS

/* fs-compare-session.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-compare-session.h"
#include "fs-error.h"
#include "fs-i18n.h"

struct _FsCompareSession
{
  GObject          parent_instance;

  FsRunController *controller;
  GPtrArray       *runs;          /* FsSavedRun: ended or opened */
  guint            baseline;      /* index into runs, or FS_COMPARISON_AUTO_BASELINE */

  /* While comparing */
  FsRunConfig     *base;
  GArray          *variants;      /* FsVariant still to run, the first one running */
  char            *urls_label;
  FsSourceFunc     source_func;
  gpointer         source_data;
  GDateTime       *started_at;
  guint            n_planned;
  guint            next_id;
};

G_DEFINE_FINAL_TYPE (FsCompareSession, fs_compare_session, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (FsCompareSession *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
end_comparison (FsCompareSession *self)
{
  g_clear_handle_id (&self->next_id, g_source_remove);
  g_clear_pointer (&self->variants, g_array_unref);
  g_clear_pointer (&self->base, fs_run_config_free);
  g_clear_pointer (&self->urls_label, g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  self->source_func = NULL;
  self->source_data = NULL;
}

static gboolean
start_next (FsCompareSession  *self,
            GError           **error)
{
  g_autoptr(FsRunConfig) config = fs_run_config_copy (self->base);
  g_autoptr(FsUrlSource) source = NULL;
  guint64 expected_total = 0;

  fs_variant_apply (&g_array_index (self->variants, FsVariant, 0), config);
  g_clear_pointer (&self->urls_label, g_free);
  if (!(source = self->source_func (self->source_data, &expected_total, &self->urls_label, error)))
    return FALSE;

  g_clear_pointer (&self->started_at, g_date_time_unref);
  self->started_at = g_date_time_new_now_local ();

  return fs_run_controller_start (self->controller, config, source, expected_total, error);
}

static gboolean
start_next_cb (gpointer user_data)
{
  FsCompareSession *self = user_data;
  g_autoptr(GError) error = NULL;

  self->next_id = 0;
  if (!start_next (self, &error))
    {
      g_warning ("The comparison could not go on: %s", error->message);
      end_comparison (self);
    }
  emit_changed (self);

  return G_SOURCE_REMOVE;
}

/* A run of the comparison ended: keep a snapshot, go on to the next. */
static void
keep_run (FsCompareSession *self,
          FsRunState        state)
{
  FsSavedRun *run = fs_saved_run_new (NULL, fs_run_controller_get_config (self->controller),
                                      self->urls_label);

  run->started_at = g_date_time_ref (self->started_at);
  run->complete = state == FS_RUN_STATE_FINISHED;
  fs_run_controller_get_summary (self->controller, &run->summary);
  run->aggregator = fs_aggregator_copy (fs_run_controller_get_aggregator (self->controller));
  run->swimlane = fs_swimlane_copy (fs_run_controller_get_swimlane (self->controller));
  /* The next run gets a log of its own. */
  if (fs_run_controller_get_records (self->controller) != NULL)
    run->records = fs_record_log_ref (fs_run_controller_get_records (self->controller));
  g_ptr_array_add (self->runs, run);

  g_array_remove_index (self->variants, 0);
  if (state != FS_RUN_STATE_FINISHED || self->variants->len == 0)
    end_comparison (self);
  else
    /* After this notification has reached everyone else. */
    self->next_id = g_idle_add (start_next_cb, self);

  emit_changed (self);
}

static void
state_changed_cb (FsCompareSession *self,
                  GParamSpec       *pspec,
                  FsRunController  *controller)
{
  FsRunState state = fs_run_controller_get_state (controller);

  if (self->variants == NULL || self->next_id != 0)
    return;

  if (state == FS_RUN_STATE_FINISHED || state == FS_RUN_STATE_CANCELLED ||
      state == FS_RUN_STATE_FAILED)
    keep_run (self, state);
}

static void
fs_compare_session_dispose (GObject *object)
{
  FsCompareSession *self = (FsCompareSession *) object;

  end_comparison (self);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);

  G_OBJECT_CLASS (fs_compare_session_parent_class)->dispose (object);
}

static void
fs_compare_session_finalize (GObject *object)
{
  FsCompareSession *self = (FsCompareSession *) object;

  g_clear_pointer (&self->runs, g_ptr_array_unref);

  G_OBJECT_CLASS (fs_compare_session_parent_class)->finalize (object);
}

static void
fs_compare_session_class_init (FsCompareSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_compare_session_dispose;
  object_class->finalize = fs_compare_session_finalize;

  /**
   * FsCompareSession::changed:
   *
   * A run ended or began, runs were opened or cleared, or the baseline
   * moved.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fs_compare_session_init (FsCompareSession *self)
{
  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);
  self->baseline = FS_COMPARISON_AUTO_BASELINE;
}

FsCompareSession *
fs_compare_session_new (FsRunController *controller)
{
  FsCompareSession *self;

  g_return_val_if_fail (FS_IS_RUN_CONTROLLER (controller), NULL);

  self = g_object_new (FS_TYPE_COMPARE_SESSION, NULL);
  self->controller = g_object_ref (controller);
  g_signal_connect_object (controller, "notify::state", G_CALLBACK (state_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/**
 * fs_compare_session_start:
 * @base: the settings every variant starts from
 * @variants: (array length=n_variants): what to run, in order
 * @source_func: gives each run its URLs; called once a run, with @user_data,
 *   which must outlive the comparison
 *
 * Forgets the runs kept so far and starts the first variant. Fails, and
 * changes nothing, when a run is going or the first cannot start.
 */
gboolean
fs_compare_session_start (FsCompareSession  *self,
                          const FsRunConfig *base,
                          const FsVariant   *variants,
                          guint              n_variants,
                          FsSourceFunc       source_func,
                          gpointer           user_data,
                          GError           **error)
{
  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), FALSE);
  g_return_val_if_fail (base != NULL, FALSE);
  g_return_val_if_fail (variants != NULL && n_variants > 0, FALSE);
  g_return_val_if_fail (source_func != NULL, FALSE);

  if (fs_run_controller_get_running (self->controller) || self->variants != NULL)
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_FAILED, _("A run is already going"));
      return FALSE;
    }

  self->base = fs_run_config_copy (base);
  self->variants = g_array_new (FALSE, FALSE, sizeof (FsVariant));
  g_array_append_vals (self->variants, variants, n_variants);
  self->source_func = source_func;
  self->source_data = user_data;
  self->n_planned = n_variants;

  if (!start_next (self, error))
    {
      end_comparison (self);
      return FALSE;
    }

  g_ptr_array_set_size (self->runs, 0);
  self->baseline = FS_COMPARISON_AUTO_BASELINE;
  emit_changed (self);

  return TRUE;
}

/**
 * fs_compare_session_clear:
 *
 * Forgets every run kept; a comparison still going stops going on after
 * its current run.
 */
void
fs_compare_session_clear (FsCompareSession *self)
{
  g_return_if_fail (FS_IS_COMPARE_SESSION (self));

  end_comparison (self);
  g_ptr_array_set_size (self->runs, 0);
  self->baseline = FS_COMPARISON_AUTO_BASELINE;
  emit_changed (self);
}

/**
 * fs_compare_session_set_runs:
 * @runs: (transfer none) (element-type FsSavedRun): runs opened from a file;
 *   taken over (the array is emptied)
 */
void
fs_compare_session_set_runs (FsCompareSession *self,
                             GPtrArray        *runs)
{
  g_return_if_fail (FS_IS_COMPARE_SESSION (self));
  g_return_if_fail (runs != NULL);

  end_comparison (self);
  g_ptr_array_set_size (self->runs, 0);
  for (guint i = 0; i < runs->len; i++)
    g_ptr_array_add (self->runs, g_ptr_array_steal_index (runs, i--));
  self->baseline = FS_COMPARISON_AUTO_BASELINE;
  emit_changed (self);
}

/**
 * fs_compare_session_get_runs:
 *
 * Returns: (transfer none) (element-type FsSavedRun): the runs that ended
 *   or were opened, in the order they ran
 */
GPtrArray *
fs_compare_session_get_runs (FsCompareSession *self)
{
  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), NULL);

  return self->runs;
}

/**
 * fs_compare_session_get_running:
 *
 * Returns: whether a comparison is going: a run of it is, or the next is
 *   about to start
 */
gboolean
fs_compare_session_get_running (FsCompareSession *self)
{
  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), FALSE);

  return self->variants != NULL;
}

guint
fs_compare_session_get_n_planned (FsCompareSession *self)
{
  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), 0);

  return self->variants != NULL ? self->n_planned : self->runs->len;
}

/**
 * fs_compare_session_get_live_label:
 *
 * Returns: (nullable): the name of the variant running, e.g. "threads + GIL"
 */
const char *
fs_compare_session_get_live_label (FsCompareSession *self)
{
  g_autoptr(FsRunConfig) config = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), NULL);

  if (self->variants == NULL || self->variants->len == 0)
    return NULL;

  config = fs_run_config_copy (self->base);
  fs_variant_apply (&g_array_index (self->variants, FsVariant, 0), config);
  label = fs_run_config_dup_label (config);
  return g_intern_string (label);
}

/**
 * fs_compare_session_get_baseline:
 *
 * Returns: the run the others are measured against: the pinned one, else
 *   serial when it ran, else the slowest; 0 when there are no runs
 */
guint
fs_compare_session_get_baseline (FsCompareSession *self)
{
  g_autofree FsStrategy *strategies = NULL;
  g_autofree FsSummary *summaries = NULL;

  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), 0);

  if (self->baseline < self->runs->len)
    return self->baseline;

  strategies = g_new0 (FsStrategy, MAX (1, self->runs->len));
  summaries = g_new0 (FsSummary, MAX (1, self->runs->len));
  for (guint i = 0; i < self->runs->len; i++)
    {
      const FsSavedRun *run = g_ptr_array_index (self->runs, i);

      strategies[i] = run->config->strategy;
      summaries[i] = run->summary;
    }

  return fs_comparison_baseline (strategies, summaries, self->runs->len);
}

/**
 * fs_compare_session_set_baseline:
 * @baseline: a run's index, or %FS_COMPARISON_AUTO_BASELINE
 *
 * Pins the run the others are measured against.
 */
void
fs_compare_session_set_baseline (FsCompareSession *self,
                                 guint             baseline)
{
  g_return_if_fail (FS_IS_COMPARE_SESSION (self));

  if (self->baseline == baseline)
    return;

  self->baseline = baseline;
  emit_changed (self);
}

/**
 * fs_compare_session_get_controller:
 *
 * Returns: (transfer none): the controller the runs go through
 */
FsRunController *
fs_compare_session_get_controller (FsCompareSession *self)
{
  g_return_val_if_fail (FS_IS_COMPARE_SESSION (self), NULL);

  return self->controller;
}

/* fs-summary-view.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-format.h"
#include "fs-summary-view.h"

#define REFRESH_INTERVAL_MS 100

typedef enum
{
  STAT_OK,
  STAT_ERRORS,
  STAT_RATE_NOW,
  STAT_RATE_AVERAGE,
  STAT_P50,
  STAT_P99,
  STAT_PEAK_RSS,
  STAT_ELAPSED,
  STAT_ETA,
  STAT_VISITED,        /* crawls only, as are the next two */
  STAT_FRONTIER,
  STAT_PAGE_RATE,
  N_STATS
} Stat;

static const char * const stat_captions[N_STATS] = {
  N_("OK"),
  N_("Errors"),
  N_("Req/s now"),
  N_("Req/s average"),
  N_("p50 latency"),
  N_("p99 latency"),
  N_("Peak memory"),
  N_("Elapsed"),
  N_("Time left"),
  N_("Pages visited"),
  N_("Frontier"),
  N_("Pages/s"),
};

struct _FsSummaryView
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkLabel        *status_label;
  GtkLabel        *run_label;
  GtkLabel        *progress_label;
  GtkProgressBar  *progress_bar;
  GtkLabel        *detail_label;
  GtkFlowBox      *stats_box;

  GtkWidget       *stat_tiles[N_STATS];
  GtkLabel        *stat_values[N_STATS];
  GtkLabel        *stat_details[N_STATS];
  FsRunController *controller;
  char            *run_description;
  char            *headline;          /* instead of the run's state */
  guint            refresh_id;
};

G_DEFINE_FINAL_TYPE (FsSummaryView, fs_summary_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_stat (FsSummaryView *self,
          Stat           stat,
          const char    *value,
          const char    *detail)
{
  gtk_label_set_label (self->stat_values[stat], value);
  gtk_label_set_label (self->stat_details[stat], detail ? detail : "");
}

static char *
describe_errors (const FsSummary *s)
{
  static const struct { FsOutcome outcome; const char *label; } kinds[] = {
    { FS_OUTCOME_HTTP_ERROR, N_("HTTP") },
    { FS_OUTCOME_TRANSPORT_ERROR, N_("transport") },
    { FS_OUTCOME_TIMEOUT, N_("timeout") },
    { FS_OUTCOME_CANCELLED, N_("cancelled") },
    { FS_OUTCOME_WORKER_LOST, N_("worker lost") },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (s->outcomes[kinds[i].outcome] == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, "%" G_GUINT64_FORMAT " %s",
                              s->outcomes[kinds[i].outcome], _(kinds[i].label));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
describe_state (FsRunState state)
{
  switch (state)
    {
    case FS_RUN_STATE_RUNNING:
      return _("Running");

    case FS_RUN_STATE_STOPPING:
      return _("Stopping…");

    case FS_RUN_STATE_FINISHED:
      return _("Finished");

    case FS_RUN_STATE_CANCELLED:
      return _("Cancelled");

    case FS_RUN_STATE_FAILED:
      return _("Failed");

    case FS_RUN_STATE_IDLE:
    default:
      return _("Ready");
    }
}

static void
update_progress (FsSummaryView   *self,
                 FsRunState       state,
                 const FsSummary *s)
{
  g_autofree char *progress = NULL;
  gboolean known;
  guint64 total = fs_run_controller_get_total (self->controller, &known);

  if (state == FS_RUN_STATE_IDLE)
    {
      progress = g_strdup ("");
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  else if (known && total > 0)
    {
      progress = g_strdup_printf ("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, s->total, total);
      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) s->total / total));
    }
  else
    {
      progress = g_strdup_printf (_("%llu / ?"), (unsigned long long) s->total);
      if (fs_run_controller_get_running (self->controller))
        gtk_progress_bar_pulse (self->progress_bar);
      else
        gtk_progress_bar_set_fraction (self->progress_bar, 1);
    }

  gtk_label_set_label (self->progress_label, progress);
}

static void
update_stats (FsSummaryView   *self,
              FsRunState       state,
              const FsSummary *s)
{
  gboolean running = fs_run_controller_get_running (self->controller);
  gboolean idle = state == FS_RUN_STATE_IDLE;
  g_autofree char *ok = fs_format_count (s->outcomes[FS_OUTCOME_OK]);
  g_autofree char *errors = fs_format_count (s->total - s->outcomes[FS_OUTCOME_OK]);
  g_autofree char *error_detail = describe_errors (s);
  g_autofree char *rate_now = running ? fs_format_rate (fs_run_controller_get_rate_now (self->controller))
                                      : g_strdup ("—");
  g_autofree char *rate_average = !idle ? fs_format_rate (s->rps) : g_strdup ("—");
  g_autofree char *p50 = fs_format_ms (s->total > 0 ? s->latency_ms_p50 : 0);
  g_autofree char *p99 = fs_format_ms (s->total > 0 ? s->latency_ms_p99 : 0);
  g_autofree char *rss = s->peak_rss_bytes > 0
                         ? g_format_size_full (s->peak_rss_bytes, G_FORMAT_SIZE_IEC_UNITS)
                         : g_strdup ("—");
  g_autofree char *elapsed = !idle ? fs_format_duration (fs_run_controller_get_elapsed_s (self->controller))
                                   : g_strdup ("—");
  g_autofree char *eta = fs_format_duration (fs_run_controller_get_eta_s (self->controller));

  set_stat (self, STAT_OK, ok, NULL);
  set_stat (self, STAT_ERRORS, errors, error_detail);
  set_stat (self, STAT_RATE_NOW, rate_now, NULL);
  set_stat (self, STAT_RATE_AVERAGE, rate_average, NULL);
  set_stat (self, STAT_P50, p50, NULL);
  set_stat (self, STAT_P99, p99, NULL);
  set_stat (self, STAT_PEAK_RSS, rss, NULL);
  set_stat (self, STAT_ELAPSED, elapsed, NULL);
  set_stat (self, STAT_ETA, eta, NULL);
}

/* A crawl's own figures take the place of the average rate (pages/s is
 * that, by page) and of the time left, which nobody knows. */
static void
update_crawl_stats (FsSummaryView *self)
{
  FsCrawler *crawler = fs_run_controller_get_crawler (self->controller);
  gboolean crawling = crawler != NULL && self->headline == NULL;
  g_autofree char *visited = NULL;
  g_autofree char *frontier = NULL;
  g_autofree char *in_flight = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *depth = NULL;
  FsCrawlStats stats;
  double elapsed_s;

  gtk_widget_set_visible (self->stat_tiles[STAT_RATE_AVERAGE], !crawling);
  gtk_widget_set_visible (self->stat_tiles[STAT_ETA], !crawling);
  gtk_widget_set_visible (self->stat_tiles[STAT_VISITED], crawling);
  gtk_widget_set_visible (self->stat_tiles[STAT_FRONTIER], crawling);
  gtk_widget_set_visible (self->stat_tiles[STAT_PAGE_RATE], crawling);
  if (!crawling)
    return;

  fs_crawler_get_stats (crawler, &stats);
  elapsed_s = fs_run_controller_get_elapsed_s (self->controller);
  visited = fs_format_count (stats.visited);
  frontier = fs_format_count (stats.frontier);
  rate = fs_format_rate (elapsed_s > 0 ? stats.done / elapsed_s : 0);
  /* Translators: how far a crawl got from its start URL, in links. */
  depth = g_strdup_printf (_("depth %u"), stats.max_depth);
  in_flight = g_strdup_printf (_("%llu in flight"), (unsigned long long) stats.in_flight);

  set_stat (self, STAT_VISITED, visited, depth);
  set_stat (self, STAT_FRONTIER, frontier, in_flight);
  set_stat (self, STAT_PAGE_RATE, rate, stats.finished ? _("crawl complete") : NULL);
}

/* Whatever went wrong besides the requests themselves: the run's own
 * failure, lost worker processes, skipped lines. NULL when nothing did. */
static char *
describe_problems (FsSummaryView *self,
                   FsRunState     state)
{
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GString) text = NULL;
  FsUrlSource *source;

  if (state == FS_RUN_STATE_FAILED && fs_run_controller_get_error (self->controller) != NULL)
    return g_strdup (fs_run_controller_get_error (self->controller)->message);

  if (fs_run_controller_get_running (self->controller) || state == FS_RUN_STATE_IDLE)
    return NULL;

  failures = fs_run_controller_dup_worker_failures (self->controller);
  source = fs_run_controller_get_source (self->controller);
  text = g_string_new (NULL);

  for (guint i = 0; i < failures->len; i++)
    g_string_append_printf (text, "%s%s", text->len ? "\n" : "",
                            (char *) g_ptr_array_index (failures, i));

  if (source != NULL && fs_url_source_get_n_bad_lines (source) > 0)
    {
      g_autoptr(GPtrArray) diagnostics = fs_url_source_dup_diagnostics (source);
      guint64 n_bad = fs_url_source_get_n_bad_lines (source);

      g_string_append (text, text->len ? "\n" : "");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%llu line was skipped",
                                                 "%llu lines were skipped",
                                                 n_bad), (unsigned long long) n_bad);
      for (guint i = 0; diagnostics != NULL && i < MIN (diagnostics->len, 3); i++)
        {
          FsUrlDiagnostic *d = g_ptr_array_index (diagnostics, i);

          g_string_append_printf (text, _("; line %llu: %s"),
                                  (unsigned long long) d->line, d->message);
        }
    }

  if (text->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * fs_summary_view_update:
 *
 * Brings every figure up to date with the controller.
 */
void
fs_summary_view_update (FsSummaryView *self)
{
  g_autofree char *problems = NULL;
  FsRunState state;
  FsSummary s;

  g_return_if_fail (FS_IS_SUMMARY_VIEW (self));

  if (self->controller == NULL)
    return;

  state = fs_run_controller_get_state (self->controller);
  fs_run_controller_get_summary (self->controller, &s);

  gtk_label_set_label (self->status_label, self->headline ? self->headline : describe_state (state));
  gtk_label_set_label (self->run_label,
                       self->run_description ? self->run_description
                                             : _("Pick a strategy and a URL set, then start"));
  update_progress (self, state, &s);
  update_stats (self, state, &s);
  update_crawl_stats (self);

  /* Before the first run, a message from a start that failed stays. */
  problems = describe_problems (self, state);
  if (problems != NULL || state != FS_RUN_STATE_IDLE)
    {
      gtk_label_set_label (self->detail_label, problems ? problems : "");
      gtk_widget_set_visible (GTK_WIDGET (self->detail_label), problems != NULL);
    }
  if (state == FS_RUN_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "error");
}

static gboolean
refresh_cb (gpointer user_data)
{
  fs_summary_view_update (user_data);

  return G_SOURCE_CONTINUE;
}

static void
state_changed_cb (FsSummaryView   *self,
                  GParamSpec      *pspec,
                  FsRunController *controller)
{
  if (fs_run_controller_get_running (controller))
    {
      if (self->refresh_id == 0)
        self->refresh_id = g_timeout_add (REFRESH_INTERVAL_MS, refresh_cb, self);
    }
  else
    g_clear_handle_id (&self->refresh_id, g_source_remove);

  fs_summary_view_update (self);
}

static void
build_stats (FsSummaryView *self)
{
  for (guint i = 0; i < N_STATS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *caption = gtk_label_new (_(stat_captions[i]));
      GtkWidget *detail = gtk_label_new (NULL);

      gtk_widget_add_css_class (box, "fs-stat");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_widget_add_css_class (value, "fs-stat-value");
      gtk_widget_add_css_class (value, "numeric");
      /* Captions may shrink, so the values decide how many fit a line. */
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 10);
      gtk_widget_add_css_class (caption, "caption-heading");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (detail), 10);
      gtk_widget_add_css_class (detail, "caption");
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (GTK_BOX (box), detail);
      gtk_flow_box_append (self->stats_box, box);

      self->stat_tiles[i] = gtk_widget_get_parent (box);
      self->stat_values[i] = GTK_LABEL (value);
      self->stat_details[i] = GTK_LABEL (detail);
    }
}

static void
fs_summary_view_dispose (GObject *object)
{
  FsSummaryView *self = (FsSummaryView *) object;

  fs_summary_view_set_controller (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FS_TYPE_SUMMARY_VIEW);

  G_OBJECT_CLASS (fs_summary_view_parent_class)->dispose (object);
}

static void
fs_summary_view_finalize (GObject *object)
{
  FsSummaryView *self = (FsSummaryView *) object;

  g_clear_pointer (&self->run_description, g_free);
  g_clear_pointer (&self->headline, g_free);

  G_OBJECT_CLASS (fs_summary_view_parent_class)->finalize (object);
}

static void
fs_summary_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FsSummaryView *self = FS_SUMMARY_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, fs_summary_view_get_controller (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_summary_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FsSummaryView *self = FS_SUMMARY_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      fs_summary_view_set_controller (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_summary_view_class_init (FsSummaryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_summary_view_dispose;
  object_class->finalize = fs_summary_view_finalize;
  object_class->get_property = fs_summary_view_get_property;
  object_class->set_property = fs_summary_view_set_property;

  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL,
                         FS_TYPE_RUN_CONTROLLER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fetchscope/Fetchscope/fs-summary-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FsSummaryView, status_label);
  gtk_widget_class_bind_template_child (widget_class, FsSummaryView, run_label);
  gtk_widget_class_bind_template_child (widget_class, FsSummaryView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FsSummaryView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FsSummaryView, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FsSummaryView, stats_box);
}

static void
fs_summary_view_init (FsSummaryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_stats (self);
}

/**
 * fs_summary_view_get_controller:
 *
 * Returns: (transfer none) (nullable): the run shown
 */
FsRunController *
fs_summary_view_get_controller (FsSummaryView *self)
{
  g_return_val_if_fail (FS_IS_SUMMARY_VIEW (self), NULL);

  return self->controller;
}

void
fs_summary_view_set_controller (FsSummaryView   *self,
                                FsRunController *controller)
{
  g_return_if_fail (FS_IS_SUMMARY_VIEW (self));
  g_return_if_fail (!controller || FS_IS_RUN_CONTROLLER (controller));

  if (self->controller == controller)
    return;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);

  if (controller != NULL)
    {
      g_signal_connect_object (controller, "notify::state", G_CALLBACK (state_changed_cb),
                               self, G_CONNECT_SWAPPED);
      state_changed_cb (self, NULL, controller);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

/**
 * fs_summary_view_set_run_description:
 * @description: (nullable): one line on what runs ("Event loop · 50 at
 *   once · Mixed, 200 URLs"), or %NULL for a hint on how to start one
 */
void
fs_summary_view_set_run_description (FsSummaryView *self,
                                     const char    *description)
{
  g_return_if_fail (FS_IS_SUMMARY_VIEW (self));

  g_free (self->run_description);
  self->run_description = g_strdup (description);
  fs_summary_view_update (self);
}

/**
 * fs_summary_view_show_problem:
 *
 * Shows @message under the progress bar until the next run ends, e.g.
 * why a run could not start.
 */
void
fs_summary_view_show_problem (FsSummaryView *self,
                              const char    *message)
{
  g_return_if_fail (FS_IS_SUMMARY_VIEW (self));
  g_return_if_fail (message != NULL);

  gtk_label_set_label (self->detail_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), TRUE);
}

/**
 * fs_summary_view_get_status:
 *
 * Returns: what the headline says ("Finished", "Cancelled", …)
 */
const char *
fs_summary_view_get_status (FsSummaryView *self)
{
  g_return_val_if_fail (FS_IS_SUMMARY_VIEW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

/**
 * fs_summary_view_show_opened:
 * @headline: (nullable): what the card says instead of the run's state
 *   ("Opened"), with no progress or figures of a run of its own; %NULL to
 *   show the controller's run again
 *
 * For runs opened from a file, whose figures the comparison table shows.
 */
void
fs_summary_view_show_opened (FsSummaryView *self,
                             const char    *headline)
{
  g_return_if_fail (FS_IS_SUMMARY_VIEW (self));

  g_free (self->headline);
  self->headline = g_strdup (headline);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), headline == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), headline == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->stats_box), headline == NULL);
  fs_summary_view_update (self);
}

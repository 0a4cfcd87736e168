/* fs-chart.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "fs-app-enums.h"
#include "fs-chart.h"

/* Frames without news before the tick callback goes away. */
#define MAX_IDLE_FRAMES 10

struct _FsChart
{
  GtkWidget        parent_instance;

  FsRunController *controller;
  gulong           updated_id;
  FsCompareSession *session;
  FsChartKind      kind;
  guint            lane_offset;
  double           hover_x;
  gboolean         heatmap;
  gboolean         log_scale;

  guint            tick_id;
  guint            idle_frames;
  gboolean         dirty;

  /* What drawing costs, for benchmarks */
  guint            n_draws;
  gint64           last_draw_us;
};

G_DEFINE_FINAL_TYPE (FsChart, fs_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KIND,
  PROP_CONTROLLER,
  PROP_LANE_OFFSET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  FsChart *self = FS_CHART (widget);

  if (self->dirty)
    {
      self->dirty = FALSE;
      self->idle_frames = 0;
      gtk_widget_queue_draw (widget);
      return G_SOURCE_CONTINUE;
    }

  if (++self->idle_frames < MAX_IDLE_FRAMES)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
invalidate (FsChart *self)
{
  self->dirty = TRUE;
  self->idle_frames = 0;

  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static void
updated_cb (FsChart         *self,
            FsRunController *controller)
{
  invalidate (self);
}

static void
dark_changed_cb (FsChart         *self,
                 GParamSpec      *pspec,
                 AdwStyleManager *style_manager)
{
  invalidate (self);
}

static void
motion_cb (FsChart                  *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->hover_x = x;
  invalidate (self);
}

static void
leave_cb (FsChart                  *self,
          GtkEventControllerMotion *motion)
{
  self->hover_x = -1;
  invalidate (self);
}

static void
fill_style (FsChart      *self,
            FsChartStyle *style)
{
  fs_chart_style_init (style);
  style->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  style->hover_x = self->hover_x;
  style->lane_offset = self->lane_offset;
  style->heatmap = self->heatmap;
  style->log_scale = self->log_scale;
  if (self->controller != NULL)
    fs_run_controller_get_time_range (self->controller, &style->t_min_s, &style->t_max_s);
}

/**
 * fs_chart_set_latency_view:
 * @heatmap: latency over time as a heatmap rather than points
 * @log_scale: latency axes on a log scale
 */
void
fs_chart_set_latency_view (FsChart  *self,
                           gboolean  heatmap,
                           gboolean  log_scale)
{
  g_return_if_fail (FS_IS_CHART (self));

  heatmap = !!heatmap;
  log_scale = !!log_scale;
  if (self->heatmap == heatmap && self->log_scale == log_scale)
    return;

  self->heatmap = heatmap;
  self->log_scale = log_scale;
  invalidate (self);
}

/* Comparing: the runs kept, then the one going, if any. */
static gboolean
is_comparing (FsChart *self)
{
  return self->session != NULL &&
         (fs_compare_session_get_runs (self->session)->len > 0 ||
          fs_compare_session_get_running (self->session));
}

static void
draw_comparison (FsChart      *self,
                 cairo_t      *cr,
                 FsChartStyle *style,
                 int           width,
                 int           height)
{
  GPtrArray *saved = fs_compare_session_get_runs (self->session);
  g_autofree FsChartRun *runs = g_new0 (FsChartRun, saved->len + 1);
  guint n = 0;

  for (; n < saved->len; n++)
    {
      FsSavedRun *run = g_ptr_array_index (saved, n);

      runs[n].aggregator = run->aggregator;
      runs[n].swimlane = run->swimlane;
      runs[n].label = run->label;
      runs[n].color = n;
    }

  if (fs_compare_session_get_running (self->session) && self->controller != NULL &&
      fs_run_controller_get_running (self->controller))
    {
      runs[n].aggregator = fs_run_controller_get_aggregator (self->controller);
      runs[n].swimlane = fs_run_controller_get_swimlane (self->controller);
      runs[n].label = fs_compare_session_get_live_label (self->session);
      runs[n].color = n;
      n++;
    }

  /* Each run on its own time, as long as the longest. */
  style->t_min_s = style->t_max_s = 0;
  style->hover_x = -1;
  if (n > 0)
    fs_chart_render_compare (cr, self->kind, runs, n, NULL, style, width, height);
}

/**
 * fs_chart_draw:
 *
 * Draws what the widget shows, at any size, on any cairo context: the
 * widget's snapshot, and tests, use it.
 */
void
fs_chart_draw (FsChart *self,
               cairo_t *cr,
               int      width,
               int      height)
{
  FsChartData data = { 0 };
  FsChartStyle style;

  g_return_if_fail (FS_IS_CHART (self));
  g_return_if_fail (cr != NULL);

  if (self->controller == NULL || width <= 0 || height <= 0)
    return;

  fill_style (self, &style);
  if (is_comparing (self))
    {
      draw_comparison (self, cr, &style, width, height);
      return;
    }

  data.aggregator = fs_run_controller_get_aggregator (self->controller);
  data.swimlane = fs_run_controller_get_swimlane (self->controller);

  fs_chart_render (cr, self->kind, &data, &style, width, height);
}

static void
fs_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  FsChart *self = FS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gint64 t_begin;
  cairo_t *cr;

  if (self->controller == NULL || width <= 0 || height <= 0)
    return;

  t_begin = g_get_monotonic_time ();
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  fs_chart_draw (self, cr, width, height);
  cairo_destroy (cr);
  self->last_draw_us = g_get_monotonic_time () - t_begin;
  self->n_draws++;
}

static void
fs_chart_map (GtkWidget *widget)
{
  FsChart *self = FS_CHART (widget);

  GTK_WIDGET_CLASS (fs_chart_parent_class)->map (widget);

  /* Mapping draws anyway; the tick only has to follow what comes next. */
  if (self->dirty)
    invalidate (self);
}

static void
fs_chart_unmap (GtkWidget *widget)
{
  FsChart *self = FS_CHART (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }

  GTK_WIDGET_CLASS (fs_chart_parent_class)->unmap (widget);
}

static void
fs_chart_dispose (GObject *object)
{
  FsChart *self = (FsChart *) object;

  fs_chart_set_controller (self, NULL);
  fs_chart_set_session (self, NULL);

  G_OBJECT_CLASS (fs_chart_parent_class)->dispose (object);
}

static void
fs_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  FsChart *self = FS_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, fs_chart_get_kind (self));
      break;

    case PROP_CONTROLLER:
      g_value_set_object (value, fs_chart_get_controller (self));
      break;

    case PROP_LANE_OFFSET:
      g_value_set_uint (value, fs_chart_get_lane_offset (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  FsChart *self = FS_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      fs_chart_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_CONTROLLER:
      fs_chart_set_controller (self, g_value_get_object (value));
      break;

    case PROP_LANE_OFFSET:
      fs_chart_set_lane_offset (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_chart_class_init (FsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_chart_dispose;
  object_class->get_property = fs_chart_get_property;
  object_class->set_property = fs_chart_set_property;

  widget_class->snapshot = fs_chart_snapshot;
  widget_class->map = fs_chart_map;
  widget_class->unmap = fs_chart_unmap;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       FS_TYPE_CHART_KIND,
                       FS_CHART_LATENCY,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL,
                         FS_TYPE_RUN_CONTROLLER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LANE_OFFSET] =
    g_param_spec_uint ("lane-offset", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "fs-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fs_chart_init (FsChart *self)
{
  GtkEventController *motion;

  self->hover_x = -1;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, fs_chart_kind_title (self->kind),
                                  -1);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
fs_chart_new (FsChartKind kind)
{
  return g_object_new (FS_TYPE_CHART, "kind", kind, NULL);
}

FsChartKind
fs_chart_get_kind (FsChart *self)
{
  g_return_val_if_fail (FS_IS_CHART (self), FS_CHART_LATENCY);

  return self->kind;
}

void
fs_chart_set_kind (FsChart     *self,
                   FsChartKind  kind)
{
  g_return_if_fail (FS_IS_CHART (self));
  g_return_if_fail (kind < FS_N_CHARTS);

  if (self->kind == kind)
    return;

  self->kind = kind;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, fs_chart_kind_title (kind),
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
  invalidate (self);
}

/**
 * fs_chart_get_controller:
 *
 * Returns: (nullable) (transfer none): the run this chart shows
 */
FsRunController *
fs_chart_get_controller (FsChart *self)
{
  g_return_val_if_fail (FS_IS_CHART (self), NULL);

  return self->controller;
}

void
fs_chart_set_controller (FsChart         *self,
                         FsRunController *controller)
{
  g_return_if_fail (FS_IS_CHART (self));
  g_return_if_fail (!controller || FS_IS_RUN_CONTROLLER (controller));

  if (self->controller == controller)
    return;

  if (self->controller != NULL)
    g_clear_signal_handler (&self->updated_id, self->controller);

  g_set_object (&self->controller, controller);

  if (controller != NULL)
    self->updated_id = g_signal_connect_object (controller, "updated",
                                                G_CALLBACK (updated_cb), self,
                                                G_CONNECT_SWAPPED);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
  invalidate (self);
}

guint
fs_chart_get_lane_offset (FsChart *self)
{
  g_return_val_if_fail (FS_IS_CHART (self), 0);

  return self->lane_offset;
}

/**
 * fs_chart_set_lane_offset:
 *
 * The first lane a swimlane chart shows, for scrolling through many.
 */
void
fs_chart_set_lane_offset (FsChart *self,
                          guint    lane_offset)
{
  g_return_if_fail (FS_IS_CHART (self));

  if (self->lane_offset == lane_offset)
    return;

  self->lane_offset = lane_offset;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANE_OFFSET]);
  invalidate (self);
}

/**
 * fs_chart_has_data:
 *
 * Whether the aggregates hold anything this chart plots (not just axes).
 */
gboolean
fs_chart_has_data (FsChart *self)
{
  FsAggregator *aggregator;
  FsSummary summary;

  g_return_val_if_fail (FS_IS_CHART (self), FALSE);

  if (self->controller == NULL)
    return FALSE;

  if (is_comparing (self))
    return TRUE;

  aggregator = fs_run_controller_get_aggregator (self->controller);
  fs_aggregator_get_summary (aggregator, &summary);

  switch (self->kind)
    {
    case FS_CHART_LATENCY:
    case FS_CHART_HISTOGRAM:
      return fs_histogram_get_count (fs_aggregator_get_latency (aggregator)) > 0;

    case FS_CHART_THROUGHPUT:
      return summary.total > 0 && fs_aggregator_get_n_buckets (aggregator) > 0;

    case FS_CHART_IN_FLIGHT:
      return summary.started > 0 && fs_aggregator_get_n_buckets (aggregator) > 0;

    case FS_CHART_MEMORY:
      return summary.peak_rss_bytes > 0;

    case FS_CHART_CPU:
      return fs_aggregator_get_n_lanes (aggregator) > 0;

    case FS_CHART_SWIMLANE:
      return fs_swimlane_get_n_rows (fs_run_controller_get_swimlane (self->controller)) > 0;

    case FS_N_CHARTS:
    default:
      return FALSE;
    }
}

/**
 * fs_chart_get_draw_stats:
 * @n_draws: (out) (optional): how often the widget has drawn itself
 * @last_draw_us: (out) (optional): how long its last drawing took, in µs
 *
 * For benchmarks: what the chart's drawing costs on screen.
 */
void
fs_chart_get_draw_stats (FsChart *self,
                         guint   *n_draws,
                         gint64  *last_draw_us)
{
  g_return_if_fail (FS_IS_CHART (self));

  if (n_draws != NULL)
    *n_draws = self->n_draws;
  if (last_draw_us != NULL)
    *last_draw_us = self->last_draw_us;
}

static void
session_changed_cb (FsChart          *self,
                    FsCompareSession *session)
{
  invalidate (self);
}

/**
 * fs_chart_set_session:
 * @session: (nullable): a comparison to overlay while it has runs
 *
 * While @session has runs, kept or going, the chart draws them all, each
 * in its colour, rather than the controller's run alone.
 */
void
fs_chart_set_session (FsChart          *self,
                      FsCompareSession *session)
{
  g_return_if_fail (FS_IS_CHART (self));
  g_return_if_fail (!session || FS_IS_COMPARE_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self,
                             G_CONNECT_SWAPPED);

  invalidate (self);
}

/* fs-chart-render.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-chart-render-private.h"
#include "fs-export.h"
#include "fs-i18n.h"

#define FONT_PX  11.0
#define TITLE_PX 13.0

static const char * const kind_names[FS_N_CHARTS] = {
  "latency", "histogram", "throughput", "in-flight", "memory", "cpu", "swimlane",
};

static const char * const kind_titles[FS_N_CHARTS] = {
  N_("Latency over time"), N_("Latency histogram"), N_("Throughput"), N_("In flight"),
  N_("Memory"), N_("CPU per lane"), N_("Swimlanes"),
};

const char *
fs_chart_kind_to_string (FsChartKind kind)
{
  g_return_val_if_fail (kind < FS_N_CHARTS, "unknown");

  return kind_names[kind];
}

const char *
fs_chart_kind_title (FsChartKind kind)
{
  g_return_val_if_fail (kind < FS_N_CHARTS, "Unknown");

  return _(kind_titles[kind]);
}

gboolean
fs_chart_kind_from_string (const char  *text,
                           FsChartKind *kind)
{
  guint index;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!fs_lookup_name (kind_names, FS_N_CHARTS, text, &index))
    return FALSE;

  if (kind != NULL)
    *kind = index;

  return TRUE;
}

void
fs_chart_style_init (FsChartStyle *style)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->hover_x = -1.0;
}

/* Text */

/* Charts draw the same few strings at every frame (tick labels, legends,
 * row names), and shaping them again cost more than drawing the data:
 * each thread keeps one Pango context and a layout per string and weight,
 * shaped once (at most TEXT_CACHE_MAX of each weight). The context follows
 * the cairo context drawn on (its scale and font options), and Pango lays
 * out again what a change there changes. */
#define TEXT_CACHE_MAX 512

typedef struct _FsTextCache
{
  PangoContext         *context;
  GHashTable           *layouts[2];    /* regular, bold: text → PangoLayout */
  cairo_matrix_t        matrix;        /* what the context was set up for */
  cairo_font_options_t *surface_options;
  cairo_font_options_t *options;
} TextCache;

static void
text_cache_free (gpointer data)
{
  TextCache *cache = data;

  g_hash_table_unref (cache->layouts[0]);
  g_hash_table_unref (cache->layouts[1]);
  g_object_unref (cache->context);
  g_clear_pointer (&cache->surface_options, cairo_font_options_destroy);
  g_clear_pointer (&cache->options, cairo_font_options_destroy);
  g_free (cache);
}

static GPrivate text_cache_key = G_PRIVATE_INIT (text_cache_free);

/* pango_cairo_update_context() marks the context changed whenever the
 * matrix is not the identity, and every layout would be shaped again: it
 * is called only when what it reads (the matrix less its translation, the
 * surface's and the cairo context's font options) differs. */
static void
text_cache_follow (TextCache *cache,
                   cairo_t   *cr)
{
  cairo_font_options_t *surface_options = cairo_font_options_create ();
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_matrix_t matrix;

  cairo_get_matrix (cr, &matrix);
  cairo_surface_get_font_options (cairo_get_target (cr), surface_options);
  cairo_get_font_options (cr, options);

  if (cache->options != NULL &&
      matrix.xx == cache->matrix.xx && matrix.yx == cache->matrix.yx &&
      matrix.xy == cache->matrix.xy && matrix.yy == cache->matrix.yy &&
      cairo_font_options_equal (surface_options, cache->surface_options) &&
      cairo_font_options_equal (options, cache->options))
    {
      cairo_font_options_destroy (surface_options);
      cairo_font_options_destroy (options);
      return;
    }

  g_clear_pointer (&cache->surface_options, cairo_font_options_destroy);
  g_clear_pointer (&cache->options, cairo_font_options_destroy);
  cache->surface_options = surface_options;
  cache->options = options;
  cache->matrix = matrix;
  pango_cairo_update_context (cr, cache->context);
}

static TextCache *
text_cache_get (cairo_t *cr)
{
  TextCache *cache = g_private_get (&text_cache_key);

  if (cache == NULL)
    {
      cache = g_new0 (TextCache, 1);
      cache->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      for (guint i = 0; i < G_N_ELEMENTS (cache->layouts); i++)
        cache->layouts[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   g_object_unref);
      g_private_set (&text_cache_key, cache);
    }
  text_cache_follow (cache, cr);

  return cache;
}

static PangoLayout *
text_layout (FsChartContext *c,
             const char     *text,
             gboolean        bold)
{
  GHashTable *layouts = c->text_cache->layouts[bold ? 1 : 0];
  PangoLayout *layout = g_hash_table_lookup (layouts, text);

  if (layout != NULL)
    return layout;

  if (g_hash_table_size (layouts) >= TEXT_CACHE_MAX)
    g_hash_table_remove_all (layouts);
  layout = pango_layout_new (c->text_cache->context);
  pango_layout_set_font_description (layout, bold ? c->bold : c->font);
  pango_layout_set_text (layout, text, -1);
  g_hash_table_insert (layouts, g_strdup (text), layout);

  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *width,
             double      *height)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);

  if (width != NULL)
    *width = logical.width;
  if (height != NULL)
    *height = logical.height;
}

void
_fs_chart_measure (FsChartContext *c,
                   const char     *text,
                   gboolean        bold,
                   double         *width,
                   double         *height)
{
  layout_size (text_layout (c, text, bold), width, height);
}

/* Draws @text so that the point (@ax, @ay) of its box, in fractions of its
 * size (0 left or top, 1 right or bottom), lands on (@x, @y). */
void
_fs_chart_draw_text (FsChartContext *c,
                     const char     *text,
                     double          x,
                     double          y,
                     double          ax,
                     double          ay,
                     const FsColor  *color,
                     gboolean        bold)
{
  PangoLayout *layout = text_layout (c, text, bold);
  double w;
  double h;

  layout_size (layout, &w, &h);
  fs_color_set_source (c->cr, color);
  cairo_move_to (c->cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (c->cr, layout);
}

/* Number formats: tick values are round, so %g gives clean labels. */

void
_fs_chart_format_count (double  value,
                        double  step,
                        char   *buf,
                        gsize   size)
{
  if (value == 0)
    g_strlcpy (buf, "0", size);
  else if (fabs (value) >= 1e6)
    g_snprintf (buf, size, "%gM", value / 1e6);
  else if (fabs (value) >= 1e4)
    g_snprintf (buf, size, "%gk", value / 1e3);
  else if (step >= 1 || step <= 0)
    g_snprintf (buf, size, "%.0f", value);
  else
    g_snprintf (buf, size, "%g", value);
}

void
_fs_chart_format_duration (double  us,
                           double  step,
                           char   *buf,
                           gsize   size)
{
  if (us == 0)
    g_strlcpy (buf, "0", size);
  else if (us >= 1e6)
    g_snprintf (buf, size, "%.3g s", us / 1e6);
  else if (us >= 1e3)
    g_snprintf (buf, size, "%.3g ms", us / 1e3);
  else
    g_snprintf (buf, size, "%.3g µs", us);
}

void
_fs_chart_format_bytes (double  bytes,
                        double  step,
                        char   *buf,
                        gsize   size)
{
  if (bytes == 0)
    g_strlcpy (buf, "0", size);
  else if (bytes >= 1e9)
    g_snprintf (buf, size, "%.3g GB", bytes / 1e9);
  else if (bytes >= 1e6)
    g_snprintf (buf, size, "%.3g MB", bytes / 1e6);
  else if (bytes >= 1e3)
    g_snprintf (buf, size, "%.3g kB", bytes / 1e3);
  else
    g_snprintf (buf, size, "%.0f B", bytes);
}

void
_fs_chart_format_percent (double  fraction,
                          double  step,
                          char   *buf,
                          gsize   size)
{
  g_snprintf (buf, size, "%.0f %%", fraction * 100);
}

/* Seconds, or m:ss once steps are minutes or times pass ten minutes. */
static void
format_time (double  t,
             double  step,
             char   *buf,
             gsize   size)
{
  const char *sign = t < 0 ? "−" : "";
  double abs_t = fabs (t);

  if (step >= 60 || abs_t >= 600)
    {
      guint64 total = (guint64) llround (abs_t);

      if (total >= 3600)
        g_snprintf (buf, size, "%s%" G_GUINT64_FORMAT ":%02u:%02u", sign, total / 3600,
                    (guint) (total / 60 % 60), (guint) (total % 60));
      else
        g_snprintf (buf, size, "%s%u:%02u", sign, (guint) (total / 60), (guint) (total % 60));
    }
  else if (step >= 1 || step <= 0)
    {
      g_snprintf (buf, size, "%s%.0f s", sign, abs_t);
    }
  else
    {
      int decimals = (int) ceil (-log10 (step) - 1e-9);

      g_snprintf (buf, size, "%s%.*f s", sign, CLAMP (decimals, 1, 6), abs_t);
    }
}

/* Axes */

static double
nice_step (double range,
           double max_ticks)
{
  double raw = range / MAX (max_ticks, 1.0);
  double magnitude;
  double f;

  if (!(raw > 0))
    return 1.0;

  magnitude = pow (10, floor (log10 (raw)));
  f = raw / magnitude;

  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
}

void
_fs_chart_axis_add_tick (FsChartAxis       *axis,
                         double             value,
                         double             step,
                         FsChartFormatFunc  format)
{
  FsChartTick *tick;

  if (axis->n_ticks == FS_CHART_MAX_TICKS)
    return;

  tick = &axis->ticks[axis->n_ticks++];
  tick->value = value;
  format (value, step, tick->label, sizeof tick->label);
}

/* From 0 (or @lo) to @hi rounded up to a whole step, with a few percent of
 * headroom so the highest point does not touch the frame. */
void
_fs_chart_axis_linear (FsChartAxis       *axis,
                       double             lo,
                       double             hi,
                       double             length,
                       FsChartFormatFunc  format)
{
  double step;

  memset (axis, 0, sizeof *axis);

  if (!(hi > lo))
    hi = lo + 1;
  hi = lo + (hi - lo) * 1.04;

  step = nice_step (hi - lo, length / 40);
  axis->lo = floor (lo / step) * step;
  axis->hi = ceil (hi / step) * step;

  for (double v = axis->lo; v <= axis->hi + step / 2; v += step)
    _fs_chart_axis_add_tick (axis, fabs (v) < step / 1e6 ? 0 : v, step, format);
}

/* From the 1, 2 or 5 × 10^k at or under @lo to the one at or over @hi;
 * ticks on decades, and on 2s and 5s when there is room. */
void
_fs_chart_axis_log (FsChartAxis       *axis,
                    double             lo,
                    double             hi,
                    double             length,
                    FsChartFormatFunc  format)
{
  static const double mantissas[] = { 1, 2, 5 };
  double per_decade;
  int every;

  memset (axis, 0, sizeof *axis);
  axis->log = TRUE;

  lo = MAX (lo, 1e-9);
  hi = MAX (hi, lo * 1.0001);
  axis->lo = pow (10, floor (log10 (lo) + 1e-9));
  for (guint i = G_N_ELEMENTS (mantissas); i-- > 0;)
    if (axis->lo * mantissas[i] <= lo * (1 + 1e-9))
      {
        axis->lo *= mantissas[i];
        break;
      }
  axis->hi = pow (10, ceil (log10 (hi) - 1e-9));
  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    if (axis->hi / 10 * mantissas[i] >= hi * (1 - 1e-9))
      {
        axis->hi = axis->hi / 10 * mantissas[i];
        break;
      }
  axis->log_lo = log10 (axis->lo);
  axis->log_hi = log10 (axis->hi);

  per_decade = length / (axis->log_hi - axis->log_lo);
  every = per_decade >= 24 ? 1 : (int) ceil (24 / MAX (per_decade, 1));

  for (int d = (int) floor (axis->log_lo + 1e-9); d <= (int) ceil (axis->log_hi - 1e-9); d++)
    for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
      {
        double v = pow (10, d) * mantissas[i];

        if (v < axis->lo * (1 - 1e-9) || v > axis->hi * (1 + 1e-9))
          continue;
        if (i == 0 ? d % every == 0 : per_decade >= 90)
          _fs_chart_axis_add_tick (axis, v, 0, format);
      }
}

/* The time axis: steps a reader counts in, wide enough for their labels. */
void
_fs_chart_axis_time (FsChartContext *c)
{
  static const double steps[] = {
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
    60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400,
  };
  FsChartAxis *axis = &c->xaxis;
  double range = c->t_max - c->t_min;
  double step = steps[G_N_ELEMENTS (steps) - 1];
  char widest[FS_CHART_LABEL_LEN];
  double label_w;

  memset (axis, 0, sizeof *axis);
  axis->lo = c->t_min;
  axis->hi = c->t_max;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      double px = steps[i] / range * c->w;

      if (px < 50)
        continue;
      format_time (MAX (fabs (c->t_min), fabs (c->t_max)), steps[i], widest, sizeof widest);
      _fs_chart_measure (c, widest, FALSE, &label_w, NULL);
      if (px >= label_w + 20)
        {
          step = steps[i];
          break;
        }
    }

  for (double v = ceil (c->t_min / step - 1e-9) * step; v <= c->t_max + step * 1e-6; v += step)
    _fs_chart_axis_add_tick (axis, fabs (v) < step / 1e6 ? 0 : v, step, format_time);
}

/* Layout */

static const char *
legend_item_label (const FsChartLegendItem *item)
{
  return item->verbatim ? item->label : _(item->label);
}

static double
legend_item_width (FsChartContext          *c,
                   const FsChartLegendItem *item)
{
  double w;

  _fs_chart_measure (c, legend_item_label (item), FALSE, &w, NULL);

  return 14 + 5 + w;
}

static void
draw_legend_item (FsChartContext          *c,
                  const FsChartLegendItem *item,
                  double                   x,
                  double                   y)
{
  cairo_t *cr = c->cr;
  double cy = y + c->line_h / 2;

  fs_color_set_source (cr, item->color);
  switch (item->mark)
    {
    case FS_CHART_MARK_BOX:
      cairo_rectangle (cr, x + 2, round (cy - 5), 10, 10);
      cairo_fill (cr);
      break;

    case FS_CHART_MARK_LINE:
      cairo_rectangle (cr, x, round (cy - 1), 14, 2);
      cairo_fill (cr);
      break;

    case FS_CHART_MARK_DOT:
      cairo_arc (cr, x + 7, cy, 3, 0, 2 * G_PI);
      cairo_fill (cr);
      break;

    default:
      g_assert_not_reached ();
    }

  _fs_chart_draw_text (c, legend_item_label (item), x + 19, y, 0, 0, &c->palette->foreground,
                       FALSE);
}

/* The title, a dim note after it (a unit, a row range), and the legend:
 * beside the title when it fits, else in up to two rows under it. Sets
 * c->top below it all; draws only if @draw. */
void
_fs_chart_layout_header (FsChartContext          *c,
                         const char              *note,
                         const FsChartLegendItem *items,
                         guint                    n_items,
                         gboolean                 draw)
{
  const double gap = 16;
  double title_w;
  double title_h;
  double note_w = 0;
  double legend_w = 0;
  double x;
  double y;
  guint row = 0;

  _fs_chart_measure (c, c->title, TRUE, &title_w, &title_h);
  if (draw)
    _fs_chart_draw_text (c, c->title, FS_CHART_PAD, FS_CHART_PAD, 0, 0, &c->palette->foreground,
                         TRUE);

  if (note != NULL && note[0] != '\0')
    {
      _fs_chart_measure (c, note, FALSE, &note_w, NULL);
      if (draw)
        _fs_chart_draw_text (c, note, FS_CHART_PAD + title_w + 8, FS_CHART_PAD + title_h, 0, 1,
                             &c->palette->dim, FALSE);
      note_w += 8;
    }

  c->top = FS_CHART_PAD + title_h + 8;
  if (n_items == 0)
    return;

  for (guint i = 0; i < n_items; i++)
    legend_w += legend_item_width (c, &items[i]) + (i > 0 ? gap : 0);

  if (FS_CHART_PAD + title_w + note_w + 24 + legend_w <= c->width - FS_CHART_PAD)
    {
      x = c->width - FS_CHART_PAD - legend_w;
      y = FS_CHART_PAD + (title_h - c->line_h) / 2;
      for (guint i = 0; draw && i < n_items; i++)
        {
          draw_legend_item (c, &items[i], x, y);
          x += legend_item_width (c, &items[i]) + gap;
        }
      return;
    }

  x = FS_CHART_PAD;
  y = c->top - 4;
  for (guint i = 0; i < n_items; i++)
    {
      double item_w = legend_item_width (c, &items[i]);

      if (x > FS_CHART_PAD && x + item_w > c->width - FS_CHART_PAD)
        {
          if (++row == 2)
            {
              char more[FS_CHART_LABEL_LEN];
              double more_w;

              g_snprintf (more, sizeof more, _("+%u more"), n_items - i);
              _fs_chart_measure (c, more, FALSE, &more_w, NULL);
              if (draw && x + more_w <= c->width - FS_CHART_PAD)
                _fs_chart_draw_text (c, more, x, y, 0, 0, &c->palette->dim, FALSE);
              break;
            }
          x = FS_CHART_PAD;
          y += c->line_h + 2;
        }
      if (draw)
        draw_legend_item (c, &items[i], x, y);
      x += item_w + gap;
    }

  c->top = y + c->line_h + 6;
}

void
_fs_chart_draw_header (FsChartContext          *c,
                       const char              *note,
                       const FsChartLegendItem *items,
                       guint                    n_items)
{
  _fs_chart_layout_header (c, note, items, n_items, TRUE);
}

/* The plot's height, from the header down to the time axis' labels. */
void
_fs_chart_layout_plot_rows (FsChartContext *c)
{
  c->y = c->top + c->line_h / 2;
  c->h = c->height - FS_CHART_PAD - c->line_h - FS_CHART_TICK_GAP - c->y;
}

/* The plot's width, once the widest label on the left is known. */
void
_fs_chart_layout_plot_columns (FsChartContext *c,
                               double          left_w)
{
  double right_w = 0;

  if (c->xaxis.n_ticks > 0)
    _fs_chart_measure (c, c->xaxis.ticks[c->xaxis.n_ticks - 1].label, FALSE, &right_w, NULL);

  c->x = FS_CHART_PAD + (left_w > 0 ? left_w + FS_CHART_TICK_GAP : 0);
  c->w = c->width - FS_CHART_PAD - c->x - MAX (right_w / 2 - FS_CHART_PAD, 0);
}

double
_fs_chart_widest_label (FsChartContext    *c,
                        const FsChartAxis *axis)
{
  double widest = 0;

  for (guint i = 0; i < axis->n_ticks; i++)
    {
      double w;

      _fs_chart_measure (c, axis->ticks[i].label, FALSE, &w, NULL);
      widest = MAX (widest, w);
    }

  return widest;
}

gboolean
_fs_chart_plot_too_small (FsChartContext *c)
{
  return c->w < 24 || c->h < 16;
}

void
_fs_chart_draw_grid (FsChartContext *c,
                     gboolean        horizontal,
                     gboolean        vertical)
{
  cairo_t *cr = c->cr;

  cairo_set_line_width (cr, 1);
  fs_color_set_source (cr, &c->palette->grid);

  if (horizontal)
    for (guint i = 0; i < c->yaxis.n_ticks; i++)
      {
        double y = _fs_chart_snap (_fs_chart_map_y (c, c->yaxis.ticks[i].value));

        cairo_move_to (cr, c->x, y);
        cairo_line_to (cr, c->x + c->w, y);
      }

  if (vertical)
    for (guint i = 0; i < c->xaxis.n_ticks; i++)
      {
        double x = _fs_chart_snap (_fs_chart_map_x (c, c->xaxis.ticks[i].value));

        cairo_move_to (cr, x, c->y);
        cairo_line_to (cr, x, c->y + c->h);
      }

  cairo_stroke (cr);
}

void
_fs_chart_draw_axis_line (FsChartContext *c)
{
  cairo_t *cr = c->cr;
  double y = _fs_chart_snap (c->y + c->h);

  cairo_set_line_width (cr, 1);
  fs_color_set_source (cr, &c->palette->axis);
  cairo_move_to (cr, c->x, y);
  cairo_line_to (cr, c->x + c->w, y);
  cairo_stroke (cr);
}

void
_fs_chart_draw_y_labels (FsChartContext *c)
{
  for (guint i = 0; i < c->yaxis.n_ticks; i++)
    {
      double y = _fs_chart_map_y (c, c->yaxis.ticks[i].value);

      y = CLAMP (y, c->line_h / 2, c->height - c->line_h / 2);
      _fs_chart_draw_text (c, c->yaxis.ticks[i].label, c->x - FS_CHART_TICK_GAP, y, 1, 0.5,
                           &c->palette->dim, FALSE);
    }
}

void
_fs_chart_draw_x_labels (FsChartContext *c)
{
  double y = c->y + c->h + FS_CHART_TICK_GAP;

  for (guint i = 0; i < c->xaxis.n_ticks; i++)
    {
      const char *label = c->xaxis.ticks[i].label;
      double x = _fs_chart_map_x (c, c->xaxis.ticks[i].value);
      double w;

      _fs_chart_measure (c, label, FALSE, &w, NULL);
      x = CLAMP (x, w / 2 + 2, c->width - w / 2 - 2);
      _fs_chart_draw_text (c, label, x, y, 0.5, 0, &c->palette->dim, FALSE);
    }
}

/* Once the y axis is set: the plot's width, the time axis, and the
 * buckets in view by pixel column; NULL if the plot is too small to draw. */
GArray *
_fs_chart_layout_time_plot (FsChartContext *c)
{
  _fs_chart_layout_plot_columns (c, _fs_chart_widest_label (c, &c->yaxis));
  if (_fs_chart_plot_too_small (c))
    return NULL;
  _fs_chart_axis_time (c);

  return _fs_chart_group_buckets (c, 1);
}

void
_fs_chart_draw_axes (FsChartContext *c)
{
  _fs_chart_draw_axis_line (c);
  _fs_chart_draw_y_labels (c);
  _fs_chart_draw_x_labels (c);
}

void
_fs_chart_clip_to_plot (FsChartContext *c)
{
  cairo_rectangle (c->cr, c->x, c->y, c->w, c->h);
  cairo_clip (c->cr);
}

void
_fs_chart_draw_no_data (FsChartContext *c)
{
  cairo_t *cr = c->cr;
  double x = FS_CHART_PAD;
  double y = c->top;
  double w = c->width - 2 * FS_CHART_PAD;
  double h = c->height - c->top - FS_CHART_PAD;

  if (w > 2 && h > 2)
    {
      cairo_set_line_width (cr, 1);
      fs_color_set_source (cr, &c->palette->grid);
      cairo_rectangle (cr, _fs_chart_snap (x), _fs_chart_snap (y), floor (w) - 1, floor (h) - 1);
      cairo_stroke (cr);
    }

  _fs_chart_draw_text (c, _("No data yet"), c->width / 2, y + MAX (h, 0) / 2, 0.5, 0.5,
                       &c->palette->dim, FALSE);
}

/* Pointer */

/* A line at the pointer and, beside it, a label box with @text. */
void
_fs_chart_draw_hover (FsChartContext *c,
                      const char     *text)
{
  cairo_t *cr = c->cr;
  double hx = c->style->hover_x;
  double w;
  double h;
  double bx;
  double by = c->y + 4;

  cairo_set_line_width (cr, 1);
  fs_color_set_source (cr, &c->palette->hover);
  cairo_move_to (cr, _fs_chart_snap (hx), c->y);
  cairo_line_to (cr, _fs_chart_snap (hx), c->y + c->h);
  cairo_stroke (cr);

  _fs_chart_measure (c, text, FALSE, &w, &h);
  bx = hx + 8;
  if (bx + w + 12 > c->x + c->w)
    bx = hx - 8 - w - 12;
  bx = MAX (bx, 0);

  fs_color_set_source (cr, &c->palette->tooltip);
  cairo_rectangle (cr, round (bx), round (by), ceil (w + 12), ceil (h + 6));
  cairo_fill_preserve (cr);
  fs_color_set_source (cr, &c->palette->grid);
  cairo_stroke (cr);
  _fs_chart_draw_text (c, text, bx + 6, by + 3, 0, 0, &c->palette->foreground, FALSE);
}

gboolean
_fs_chart_hover_in_plot (FsChartContext *c)
{
  return c->style->hover_x >= c->x && c->style->hover_x <= c->x + c->w;
}

static double
hover_seconds (FsChartContext *c)
{
  return c->t_min + (c->style->hover_x - c->x) / c->w * (c->t_max - c->t_min);
}

/* On a time chart: the time under the pointer, and @value (nullable). */
void
_fs_chart_draw_time_hover (FsChartContext *c,
                           const char     *value)
{
  char t[FS_CHART_LABEL_LEN];
  char text[160];

  format_time (hover_seconds (c), 0.1, t, sizeof t);
  if (value != NULL)
    g_snprintf (text, sizeof text, "%s · %s", t, value);
  else
    g_strlcpy (text, t, sizeof text);
  _fs_chart_draw_hover (c, text);
}

/* Time */

void
_fs_chart_time_range (FsChartContext *c)
{
  FsAggregator *aggregator = c->aggregator;
  guint n_buckets = fs_aggregator_get_n_buckets (aggregator);
  FsSummary summary;
  gint64 end;

  fs_aggregator_get_summary (aggregator, &summary);

  c->run_start = summary.t_first;
  if (c->run_start == 0 && n_buckets > 0)
    c->run_start = fs_aggregator_get_bucket (aggregator, 0)->t_start;
  if (c->run_start == 0 && c->swimlane != NULL && fs_swimlane_get_n_bins (c->swimlane) > 0)
    c->run_start = fs_swimlane_get_t0 (c->swimlane);

  end = summary.t_last;
  if (n_buckets > 0)
    end = MAX (end, fs_aggregator_get_bucket (aggregator, n_buckets - 1)->t_start +
               fs_aggregator_get_bucket_us (aggregator));
  if (c->swimlane != NULL && fs_swimlane_get_n_bins (c->swimlane) > 0)
    end = MAX (end, fs_swimlane_get_t0 (c->swimlane) +
               fs_swimlane_get_n_bins (c->swimlane) * fs_swimlane_get_bin_us (c->swimlane));

  if (c->style->t_max_s > c->style->t_min_s)
    {
      c->t_min = c->style->t_min_s;
      c->t_max = c->style->t_max_s;
    }
  else
    {
      c->t_min = 0;
      c->t_max = (double) (end - c->run_start) / G_USEC_PER_SEC;
      if (!(c->t_max > 0))
        c->t_max = 1;
    }
}

/* The buckets in view, and one either side so lines reach the edges. */
gboolean
_fs_chart_visible_buckets (FsChartContext *c,
                           guint          *first,
                           guint          *last)
{
  FsAggregator *aggregator = c->aggregator;
  guint n = fs_aggregator_get_n_buckets (aggregator);
  gint64 width_us = fs_aggregator_get_bucket_us (aggregator);
  gint64 t0;
  double lo;
  double hi;

  if (n == 0)
    return FALSE;

  t0 = fs_aggregator_get_bucket (aggregator, 0)->t_start;
  lo = (c->t_min * G_USEC_PER_SEC + (double) (c->run_start - t0)) / width_us;
  hi = (c->t_max * G_USEC_PER_SEC + (double) (c->run_start - t0)) / width_us;
  if (hi < 0 || lo >= n)
    return FALSE;

  *first = lo <= 1 ? 0 : (guint) lo - 1;
  *last = hi + 1 >= n ? n - 1 : (guint) hi + 1;

  return TRUE;
}

/* The buckets in view, gathered by columns @min_px wide. */
GArray *
_fs_chart_group_buckets (FsChartContext *c,
                         double          min_px)
{
  FsAggregator *aggregator = c->aggregator;
  gint64 width_us = fs_aggregator_get_bucket_us (aggregator);
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (FsChartGroup));
  gint64 last_column = G_MININT64;
  gint64 t0;
  guint first;
  guint last;

  if (!_fs_chart_visible_buckets (c, &first, &last))
    return groups;

  t0 = fs_aggregator_get_bucket (aggregator, 0)->t_start;
  for (guint i = first; i <= last; i++)
    {
      gint64 t_start = t0 + (gint64) i * width_us;
      double x0 = _fs_chart_map_x (c, _fs_chart_seconds (c, t_start));
      double x1 = _fs_chart_map_x (c, _fs_chart_seconds (c, t_start + width_us));
      gint64 column = (gint64) floor ((x0 + x1) / 2 / min_px);

      if (column == last_column)
        {
          FsChartGroup *group = &g_array_index (groups, FsChartGroup, groups->len - 1);

          group->last = i;
          group->x1 = x1;
          group->xc = (group->x0 + x1) / 2;
        }
      else
        {
          FsChartGroup group = { i, i, x0, x1, (x0 + x1) / 2 };

          g_array_append_val (groups, group);
          last_column = column;
        }
    }

  return groups;
}

/* The group under the pointer, or -1. */
int
_fs_chart_hover_group (FsChartContext *c,
                       GArray         *groups)
{
  double hx = c->style->hover_x;
  int best = -1;
  double best_d = G_MAXDOUBLE;

  for (guint i = 0; i < groups->len; i++)
    {
      const FsChartGroup *g = &g_array_index (groups, FsChartGroup, i);
      double d = hx < g->x0 ? g->x0 - hx : hx > g->x1 ? hx - g->x1 : 0;

      if (d < best_d)
        {
          best = i;
          best_d = d;
        }
    }

  return best_d <= 2 ? best : -1;
}

/* An image the size of the plot in device pixels, to fill pixel by pixel
 * rather than with thousands of cairo rectangles. */
cairo_surface_t *
_fs_chart_create_plot_image (FsChartContext *c,
                             int             height)
{
  int width = (int) ceil (c->w * c->scale_x);

  return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1), MAX (height, 1));
}

/* Paints @image over the plot's width, from @top to @bottom. */
void
_fs_chart_paint_plot_image (FsChartContext  *c,
                            cairo_surface_t *image,
                            double           top,
                            double           bottom)
{
  cairo_t *cr = c->cr;
  cairo_pattern_t *pattern;
  int width = cairo_image_surface_get_width (image);
  int height = cairo_image_surface_get_height (image);

  cairo_surface_mark_dirty (image);

  cairo_save (cr);
  cairo_translate (cr, c->x, top);
  /* An image made at the device's resolution is painted as it is: the
   * plot's fraction of a pixel more or less is not worth a matrix that
   * makes pixman sample every pixel (1,130 × 700: 1.2 ms against 0.3).
   * Any other, the heatmap's bins, is stretched. */
  if (fabs (c->w * c->scale_x - width) < 1 && fabs ((bottom - top) * c->scale_y - height) < 1)
    cairo_scale (cr, 1 / c->scale_x, 1 / c->scale_y);
  else
    cairo_scale (cr, c->w / width, (bottom - top) / height);
  cairo_set_source_surface (cr, image, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The row in device pixels from the plot's top of a user-space @y rounded
 * to a whole pixel first, as the grid's lines are. */
static int
plot_row (FsChartContext *c,
          double          y,
          int             plot_h)
{
  return (int) CLAMP (lround ((round (y) - c->y) * c->scale_y), 0, plot_h);
}

/* Band @k's boxes on whole units, a box per run of adjacent groups at the
 * same height: added to @cr's path if it is not %NULL. @tops holds each
 * group's band tops, k = 0 first, each at most the one before (@base for
 * the band below band 0). */
static guint
band_boxes (FsChartContext *c,
            GArray         *groups,
            const double   *tops,
            guint           n_bands,
            guint           k,
            double          base,
            cairo_t        *cr)
{
  guint n_boxes = 0;
  double run_x0 = 0;
  double run_x1 = 0;
  double run_top = 0;
  double run_below = 0;
  gboolean open = FALSE;

  for (guint g = 0; g <= groups->len; g++)
    {
      double x0 = 0;
      double x1 = 0;
      double top = 0;
      double below = 0;
      gboolean empty = TRUE;

      if (g < groups->len)
        {
          const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);

          x0 = round (group->x0);
          x1 = round (group->x1);
          top = tops[g * n_bands + k];
          below = k > 0 ? tops[g * n_bands + k - 1] : base;
          empty = !(x1 > x0 && top < below);
        }

      if (open && !empty && x0 == run_x1 && top == run_top && below == run_below)
        {
          run_x1 = x1;
          continue;
        }
      if (open)
        {
          if (cr != NULL)
            cairo_rectangle (cr, run_x0, run_top, run_x1 - run_x0, run_below - run_top);
          n_boxes++;
        }
      open = !empty;
      run_x0 = x0;
      run_x1 = x1;
      run_top = top;
      run_below = below;
    }

  return n_boxes;
}

/* Stacked step areas, one step per group: band k from band k - 1's top
 * (the baseline for k = 0) up to @values[g × @stride + k], in @colors[k],
 * the values rising with k, each pixel in one band only.
 *
 * As boxes, a run of groups at one height in each, cairo fills them
 * scanline by scanline: about 0.5 µs a tall box on this project's VMs,
 * 3 ms for five bands over 1,200 columns at 1280×800. Past IMAGE_MIN_BOXES
 * the pixels are written into one image instead, which costs about 1 ms
 * whatever the data (bench/chart-render, bench/window-load). At a scale
 * of 2 an image has four times the pixels and boxes twice the rows, and
 * boxes win (bench/chart-render --scale 2, memory: 9 ms against 13). SVG
 * and PDF always get boxes, which stay shapes in the file. */
#define IMAGE_MIN_BOXES 700

void
_fs_chart_fill_bands (FsChartContext        *c,
                      GArray                *groups,
                      const double          *values,
                      guint                  stride,
                      guint                  n_bands,
                      const FsColor * const *colors)
{
  cairo_t *cr = c->cr;
  double base = round (c->y + c->h);
  int n_columns = (int) ceil (c->w * c->scale_x);
  int plot_h = (int) ceil (c->h * c->scale_y);
  g_autofree double *tops = NULL;
  g_autofree guint32 *argb = NULL;
  g_autoptr(cairo_surface_t) image = NULL;
  guint32 *pixels;
  int stride_px;
  guint n_boxes = 0;

  if (n_columns <= 0 || plot_h <= 0 || n_bands == 0 || groups->len == 0)
    return;

  tops = g_new (double, (gsize) groups->len * n_bands);
  for (guint g = 0; g < groups->len; g++)
    {
      double below = base;

      for (guint k = 0; k < n_bands; k++)
        {
          below = MIN (round (_fs_chart_map_y (c, values[g * stride + k])), below);
          tops[g * n_bands + k] = below;
        }
    }

  for (guint k = 0; k < n_bands; k++)
    n_boxes += band_boxes (c, groups, tops, n_bands, k, base, NULL);

  if (c->style->raster_scale > 0 || c->scale_x * c->scale_y > 2 || n_boxes < IMAGE_MIN_BOXES)
    {
      for (guint k = 0; k < n_bands; k++)
        {
          if (band_boxes (c, groups, tops, n_bands, k, base, cr) == 0)
            continue;
          fs_color_set_source (cr, colors[k]);
          cairo_fill (cr);
        }
      return;
    }

  argb = g_new (guint32, n_bands);
  for (guint k = 0; k < n_bands; k++)
    argb[k] = fs_color_to_argb32 (colors[k]);

  image = _fs_chart_create_plot_image (c, plot_h);
  cairo_surface_flush (image);
  pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (image);
  stride_px = cairo_image_surface_get_stride (image) / 4;

  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);
      int col0 = (int) CLAMP (lround ((round (group->x0) - c->x) * c->scale_x), 0, n_columns);
      int col1 = (int) CLAMP (lround ((round (group->x1) - c->x) * c->scale_x), 0, n_columns);
      int below = plot_row (c, base, plot_h);

      for (guint k = 0; k < n_bands && col0 < col1; k++)
        {
          int top = MIN (plot_row (c, tops[g * n_bands + k], plot_h), below);

          for (int col = col0; col < col1; col++)
            {
              guint32 *p = &pixels[(gsize) top * stride_px + col];

              for (int n = below - top; n > 0; n--, p += stride_px)
                *p = argb[k];
            }
          below = top;
        }
    }

  _fs_chart_paint_plot_image (c, image, c->y, c->y + c->h);
}

/* Polylines through (@xs[i], @ys[l × @n + i]) for each line l, NAN in @ys
 * breaking them, each as one vertical span per device pixel column, drawn
 * into an image that is painted once, later lines over earlier ones. Cairo
 * rasterises a stroked zigzag (a p99 line jumping between 50 ms and 2 s in
 * every column) edge by edge, at 15 ms a frame; even as boxes on whole
 * pixels it takes milliseconds. Pixels written directly take a fraction. */
void
_fs_chart_draw_lines (FsChartContext        *c,
                      const double          *xs,
                      const double          *ys,
                      guint                  n,
                      guint                  n_lines,
                      double                 thickness,
                      const FsColor * const *colors)
{
  int n_columns = (int) ceil (c->w * c->scale_x);
  int plot_h = (int) ceil (c->h * c->scale_y);
  double half = thickness * c->scale_y / 2;
  g_autofree int *lo = g_new (int, (gsize) n_columns * n_lines);
  g_autofree int *hi = g_new (int, (gsize) n_columns * n_lines);
  g_autoptr(cairo_surface_t) image = NULL;
  guint32 *pixels;
  int stride;
  int top = plot_h;
  int bottom = -1;

  if (n_columns <= 0 || plot_h <= 0)
    return;

  for (guint l = 0; l < n_lines; l++)
    {
      int *line_lo = &lo[l * n_columns];
      int *line_hi = &hi[l * n_columns];
      const double *line_ys = &ys[l * n];

      for (int k = 0; k < n_columns; k++)
        {
          line_lo[k] = G_MAXINT;
          line_hi[k] = G_MININT;
        }

      for (guint i = 0; i < n; i++)
        {
          gboolean alone;
          double xa;
          double xb;
          double ya;
          double yb;
          int k0;
          int k1;

          if (isnan (line_ys[i]))
            continue;

          /* In device pixels from the plot's corner. */
          alone = (i == 0 || isnan (line_ys[i - 1])) && (i + 1 == n || isnan (line_ys[i + 1]));
          xa = (xs[i] - c->x) * c->scale_x;
          ya = (line_ys[i] - c->y) * c->scale_y;
          if (alone)
            {
              xb = xa + 1;
              xa -= 1;
              yb = ya;
            }
          else if (i + 1 < n && !isnan (line_ys[i + 1]))
            {
              xb = (xs[i + 1] - c->x) * c->scale_x;
              yb = (line_ys[i + 1] - c->y) * c->scale_y;
            }
          else
            {
              continue;
            }

          k0 = MAX ((int) floor (xa), 0);
          k1 = MIN ((int) floor (xb), n_columns - 1);
          for (int k = k0; k <= k1; k++)
            {
              double x0 = MAX (xa, k);
              double x1 = MIN (xb, k + 1);
              double y0 = xb > xa ? ya + (yb - ya) * (x0 - xa) / (xb - xa) : ya;
              double y1 = xb > xa ? ya + (yb - ya) * (x1 - xa) / (xb - xa) : yb;
              int span_lo = (int) CLAMP (lround (MIN (y0, y1) - half), 0, plot_h - 1);
              int span_hi = (int) CLAMP (lround (MAX (y0, y1) + half) - 1, 0, plot_h - 1);

              line_lo[k] = MIN (line_lo[k], span_lo);
              line_hi[k] = MAX (line_hi[k], MAX (span_hi, span_lo));
              top = MIN (top, line_lo[k]);
              bottom = MAX (bottom, line_hi[k]);
            }
        }
    }

  if (bottom < top)
    return;

  /* Only the band the lines cross. */
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, n_columns, bottom - top + 1);
  cairo_surface_flush (image);
  pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image) / 4;

  for (guint l = 0; l < n_lines; l++)
    {
      guint32 color = fs_color_to_argb32 (colors[l]);

      for (int k = 0; k < n_columns; k++)
        for (int y = lo[l * n_columns + k]; y <= hi[l * n_columns + k]; y++)
          pixels[(y - top) * stride + k] = color;
    }

  cairo_surface_mark_dirty (image);
  cairo_save (c->cr);
  cairo_translate (c->cr, c->x, c->y + top / c->scale_y);
  cairo_scale (c->cr, 1 / c->scale_x, 1 / c->scale_y);
  cairo_set_source_surface (c->cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (c->cr), CAIRO_FILTER_NEAREST);
  cairo_paint (c->cr);
  cairo_restore (c->cr);
}

/* Entry points */

/* The context of one chart of @width × @height at the origin, its fonts,
 * and its background painted; _fs_chart_end() undoes it. */
void
_fs_chart_begin (FsChartContext     *c,
                 cairo_t            *cr,
                 const FsChartStyle *style,
                 const char         *title,
                 int                 width,
                 int                 height)
{
  PangoFontDescription *font;
  PangoFontDescription *bold;
  double sx = 1;
  double sy = 1;

  font = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (font, FONT_PX * PANGO_SCALE);
  bold = pango_font_description_copy (font);
  pango_font_description_set_weight (bold, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (bold, TITLE_PX * PANGO_SCALE);

  /* Vector surfaces have no pixels of their own: there the style says how
   * fine the bitmaps inside a chart should be. */
  if (style->raster_scale > 0)
    sx = sy = style->raster_scale;
  else
    cairo_user_to_device_distance (cr, &sx, &sy);

  memset (c, 0, sizeof *c);
  c->cr = cr;
  c->style = style;
  c->palette = fs_chart_palette_get (style->dark);
  c->title = title;
  c->text_cache = text_cache_get (cr);
  c->layout = pango_layout_new (c->text_cache->context);
  c->font = font;
  c->bold = bold;
  c->width = width;
  c->height = height;
  c->scale_x = CLAMP (fabs (sx), 0.25, 8);
  c->scale_y = CLAMP (fabs (sy), 0.25, 8);
  _fs_chart_measure (c, "0", FALSE, NULL, &c->line_h);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  fs_color_set_source (cr, &c->palette->background);
  cairo_paint (cr);
}

void
_fs_chart_end (FsChartContext *c)
{
  cairo_restore (c->cr);
  g_clear_object (&c->layout);
  g_clear_pointer (&c->font, pango_font_description_free);
  g_clear_pointer (&c->bold, pango_font_description_free);
}

void
fs_chart_render (cairo_t            *cr,
                 FsChartKind         kind,
                 const FsChartData  *data,
                 const FsChartStyle *style,
                 int                 width,
                 int                 height)
{
  FsChartContext c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (kind < FS_N_CHARTS);
  g_return_if_fail (data != NULL);
  g_return_if_fail (data->aggregator != NULL);
  g_return_if_fail (style != NULL);

  if (width <= 0 || height <= 0)
    return;

  _fs_chart_begin (&c, cr, style, data->title != NULL ? data->title : fs_chart_kind_title (kind),
                   width, height);
  c.aggregator = data->aggregator;
  c.swimlane = data->swimlane;

  _fs_chart_time_range (&c);

  switch (kind)
    {
    case FS_CHART_LATENCY:
      _fs_chart_render_latency (&c);
      break;

    case FS_CHART_HISTOGRAM:
      _fs_chart_render_histogram (&c);
      break;

    case FS_CHART_THROUGHPUT:
      _fs_chart_render_throughput (&c);
      break;

    case FS_CHART_IN_FLIGHT:
      _fs_chart_render_in_flight (&c);
      break;

    case FS_CHART_MEMORY:
      _fs_chart_render_memory (&c);
      break;

    case FS_CHART_CPU:
      _fs_chart_render_cpu (&c);
      break;

    case FS_CHART_SWIMLANE:
      _fs_chart_render_swimlane (&c);
      break;

    case FS_N_CHARTS:
    default:
      g_assert_not_reached ();
    }

  _fs_chart_end (&c);
}

typedef struct
{
  FsChartKind        kind;
  const FsChartData *data;
  const FsChartStyle *style;
} ChartDraw;

static void
draw_chart_cb (cairo_t  *cr,
               int       width,
               int       height,
               gpointer  user_data)
{
  const ChartDraw *draw = user_data;

  fs_chart_render (cr, draw->kind, draw->data, draw->style, width, height);
}

gboolean
fs_chart_render_png (const char          *path,
                     FsChartKind          kind,
                     const FsChartData   *data,
                     const FsChartStyle  *style,
                     int                  width,
                     int                  height,
                     double               scale,
                     GError             **error)
{
  ChartDraw draw = { kind, data, style };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (kind < FS_N_CHARTS, FALSE);
  g_return_val_if_fail (data != NULL && data->aggregator != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fs_export_draw (path, FS_EXPORT_PNG, width, height, scale, NULL, draw_chart_cb, &draw,
                         error);
}

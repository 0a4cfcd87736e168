/* fs-chart-lanes.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fs-chart-render-private.h"
#include "fs-i18n.h"

/* Swimlane and CPU rows: the least height that still reads as a row, the
 * most that still looks like a row rather than a bar chart, and the height
 * from which a row gets its label. */
#define ROW_MIN_PX     2.0
#define ROW_MAX_PX     26.0
#define ROW_LABEL_PX   10.0
#define SLOT_ROW_SHARE 0.6

/* Lanes */

static int
compare_pids (const void *a,
              const void *b)
{
  gint32 pa = *(const gint32 *) a;
  gint32 pb = *(const gint32 *) b;

  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/* Which pid is the app's: the first process sampled, or else the pid most
 * lanes share; 0 when every lane has a pid of its own (all are workers). */
static gint32
app_pid (FsChartContext *c,
         const gint32   *pids,
         guint           n_pids)
{
  g_autofree gint32 *sorted = NULL;
  gint32 best = 0;
  guint best_run = 1;
  guint run = 0;

  if (fs_aggregator_get_n_processes (c->aggregator) > 0)
    return fs_aggregator_get_process_pid (c->aggregator, 0);
  if (n_pids == 1)
    return pids[0];

  sorted = g_memdup2 (pids, n_pids * sizeof (gint32));
  qsort (sorted, n_pids, sizeof (gint32), compare_pids);
  for (guint i = 0; i < n_pids; i++)
    {
      run = i > 0 && sorted[i] == sorted[i - 1] ? run + 1 : 1;
      if (run > best_run)
        {
          best = sorted[i];
          best_run = run;
        }
    }

  return best;
}

/* Names an executor as the run would: threads and loops of the app, and
 * worker processes, which may run a loop of their own. */
static void
lane_label (const FsLane *lane,
            gboolean      is_loop,
            gint32        app,
            char         *buf,
            gsize         size)
{
  if (lane->pid != app)
    g_snprintf (buf, size, is_loop ? _("worker %u · loop") : _("worker %u"), lane->index);
  else
    g_snprintf (buf, size, is_loop ? _("loop %u") : _("thread %u"), lane->index);
}

/* The app's loops, then its threads, then the workers, each by index. */
static int
compare_executors (const FsLane *a,
                   gboolean      a_loop,
                   const FsLane *b,
                   gboolean      b_loop,
                   gint32        app)
{
  gboolean a_worker = a->pid != app;
  gboolean b_worker = b->pid != app;

  if (a_worker != b_worker)
    return a_worker ? 1 : -1;
  if (a_loop != b_loop)
    return a_loop ? -1 : 1;
  if (a->index != b->index)
    return a->index < b->index ? -1 : 1;
  if (a->pid != b->pid)
    return a->pid < b->pid ? -1 : 1;
  if (a->tid != b->tid)
    return a->tid < b->tid ? -1 : 1;

  return 0;
}

static int
compare_lanes (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const FsLaneStats *la = *(const FsLaneStats * const *) a;
  const FsLaneStats *lb = *(const FsLaneStats * const *) b;

  return compare_executors (&la->lane, la->is_loop, &lb->lane, lb->is_loop,
                            GPOINTER_TO_INT (user_data));
}

/* Labels down the left, each at least a line apart: every row when rows
 * are tall, every few when they are not. */
typedef struct
{
  double next_y;
} LabelSpacer;

static gboolean
label_fits (FsChartContext *c,
            LabelSpacer    *spacer,
            double          row_y,
            double          row_h)
{
  double centre = row_y + row_h / 2;

  if (centre - c->line_h / 2 < spacer->next_y)
    return FALSE;

  spacer->next_y = centre + c->line_h / 2 + 1;

  return TRUE;
}

/* CPU per lane: what share of the run's wall time each executor spent in
 * the CPU stage, waiting for the GIL, and on transfers. A loop's transfers
 * overlap, so its transfer share is capped at what the CPU leaves. */
void
_fs_chart_render_cpu (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  FsAggregator *aggregator = c->aggregator;
  guint n_lanes = fs_aggregator_get_n_lanes (aggregator);
  FsChartLegendItem legend[3] = {
    { N_("CPU"), &palette->phase[FS_PHASE_CPU], FS_CHART_MARK_BOX },
    { N_("GIL wait"), &palette->phase[FS_PHASE_GIL], FS_CHART_MARK_BOX },
    { N_("transfers"), &palette->phase[FS_PHASE_WAITING], FS_CHART_MARK_BOX },
  };
  const FsColor *colors[3] = {
    &palette->phase[FS_PHASE_CPU], &palette->phase[FS_PHASE_GIL], &palette->phase[FS_PHASE_WAITING],
  };
  g_autofree const FsLaneStats **lanes = NULL;
  g_autofree gint32 *pids = NULL;
  g_autofree double *shares = NULL;
  cairo_t *cr = c->cr;
  FsSummary summary;
  double wall_us;
  gint32 app;
  guint per_row;
  guint n_rows;
  double row_h;
  double label_w = 0;
  double value_w = 0;
  gboolean values;
  LabelSpacer spacer = { 0 };

  fs_aggregator_get_summary (aggregator, &summary);
  _fs_chart_draw_header (c, _("share of wall time"), legend, G_N_ELEMENTS (legend));
  wall_us = summary.wall_s * G_USEC_PER_SEC;
  if (n_lanes == 0 || !(wall_us > 0))
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  lanes = g_new (const FsLaneStats *, n_lanes);
  pids = g_new (gint32, n_lanes);
  for (guint i = 0; i < n_lanes; i++)
    {
      lanes[i] = fs_aggregator_get_lane (aggregator, i);
      pids[i] = lanes[i]->lane.pid;
    }
  app = app_pid (c, pids, n_lanes);
  g_qsort_with_data (lanes, n_lanes, sizeof *lanes, compare_lanes, GINT_TO_POINTER (app));

  /* Rows of at least ROW_MIN_PX: past that many lanes, neighbours share a
   * row and its bar is their mean. */
  _fs_chart_layout_plot_rows (c);
  per_row = (guint) ceil (n_lanes * ROW_MIN_PX / MAX (c->h, 1));
  per_row = MAX (per_row, 1);
  n_rows = (n_lanes + per_row - 1) / per_row;
  row_h = MIN (c->h / n_rows, ROW_MAX_PX);
  c->h = n_rows * row_h;
  values = row_h >= c->line_h && c->width >= 480;

  for (guint r = 0; r < n_rows; r++)
    {
      char label[FS_CHART_LABEL_LEN];
      double w;

      lane_label (&lanes[r * per_row]->lane, lanes[r * per_row]->is_loop, app, label,
                  sizeof label);
      _fs_chart_measure (c, label, FALSE, &w, NULL);
      label_w = MAX (label_w, w);
    }
  if (per_row > 1)
    label_w += 30;
  label_w = MIN (label_w, c->width * 0.3);
  if (values)
    {
      _fs_chart_measure (c, _("busy 100 % · CPU 100 % · GIL 100 %"), FALSE, &value_w, NULL);
      value_w += 8;
    }

  /* 0 to 100 % along x. */
  memset (&c->xaxis, 0, sizeof c->xaxis);
  c->xaxis.hi = 1;
  c->x = FS_CHART_PAD + label_w + FS_CHART_TICK_GAP;
  c->w = c->width - FS_CHART_PAD - c->x - value_w;
  if (_fs_chart_plot_too_small (c))
    return;
  for (double v = 0; v <= 1.0001; v += c->w >= 240 ? 0.25 : 0.5)
    _fs_chart_axis_add_tick (&c->xaxis, v, 0.25, _fs_chart_format_percent);

  _fs_chart_draw_grid (c, FALSE, TRUE);

  shares = g_new0 (double, n_rows * 3);
  for (guint r = 0; r < n_rows; r++)
    {
      double *share = &shares[r * 3];
      guint n = MIN (per_row, n_lanes - r * per_row);

      for (guint i = r * per_row; i < r * per_row + n; i++)
        {
          double cpu = (double) (lanes[i]->cpu_us - lanes[i]->gil_wait_us) / wall_us;
          double gil = (double) lanes[i]->gil_wait_us / wall_us;
          double io = (double) lanes[i]->busy_us / wall_us;

          cpu = CLAMP (cpu, 0, 1);
          gil = CLAMP (gil, 0, 1 - cpu);
          share[0] += cpu / n;
          share[1] += gil / n;
          share[2] += CLAMP (io, 0, 1 - cpu - gil) / n;
        }
    }

  /* One path per colour, every box on whole pixels: a few fills, whatever
   * the number of lanes, and thin bars that stay sharp. */
  for (guint s = 0; s < 3; s++)
    {
      for (guint r = 0; r < n_rows; r++)
        {
          double *share = &shares[r * 3];
          double bar_h = row_h >= 6 ? row_h * 0.72 : MAX (row_h - 1, 1);
          double bar_y = c->y + r * row_h + (row_h - bar_h) / 2;
          double x0 = c->x + (s > 0 ? share[0] : 0) * c->w + (s > 1 ? share[1] : 0) * c->w;
          double x1 = x0 + share[s] * c->w;
          double y0 = round (bar_y);
          double y1 = MAX (round (bar_y + bar_h), y0 + 1);

          if (round (x1) > round (x0))
            cairo_rectangle (cr, round (x0), y0, round (x1) - round (x0), y1 - y0);
        }
      fs_color_set_source (cr, colors[s]);
      cairo_fill (cr);
    }

  for (guint r = 0; r < n_rows; r++)
    {
      double *share = &shares[r * 3];
      double y = c->y + r * row_h;
      guint n = MIN (per_row, n_lanes - r * per_row);

      if (label_fits (c, &spacer, y, row_h))
        {
          char label[FS_CHART_LABEL_LEN + 24];

          lane_label (&lanes[r * per_row]->lane, lanes[r * per_row]->is_loop, app, label,
                      sizeof label);
          if (n > 1)
            {
              char more[16];

              g_snprintf (more, sizeof more, " +%u", n - 1);
              g_strlcat (label, more, sizeof label);
            }
          _fs_chart_draw_text (c, label, c->x - FS_CHART_TICK_GAP, y + row_h / 2, 1, 0.5,
                               &palette->foreground, FALSE);
        }

      if (values)
        {
          char text[FS_CHART_LABEL_LEN + 24];
          double busy = share[0] + share[1] + share[2];

          if (share[1] >= 0.005)
            g_snprintf (text, sizeof text, _("busy %.0f %% · CPU %.0f %% · GIL %.0f %%"),
                        busy * 100, share[0] * 100, share[1] * 100);
          else
            g_snprintf (text, sizeof text, _("busy %.0f %% · CPU %.0f %%"), busy * 100,
                        share[0] * 100);
          _fs_chart_draw_text (c, text, c->x + c->w + 8, y + row_h / 2, 0, 0.5, &palette->dim,
                               FALSE);
        }
    }

  _fs_chart_draw_axis_line (c);
  _fs_chart_draw_x_labels (c);
}

/* Swimlanes */

typedef struct
{
  FsSwimlane *swimlane;
  gint32      app;
} OrderContext;

static int
compare_exec_rows (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const OrderContext *context = user_data;
  const FsSwimlaneRow *ra = fs_swimlane_get_row (context->swimlane, *(const guint *) a);
  const FsSwimlaneRow *rb = fs_swimlane_get_row (context->swimlane, *(const guint *) b);

  /* Lanes past the cap go last, whatever the lane that opened their row. */
  if (ra->folded != rb->folded)
    return ra->folded ? 1 : -1;

  return compare_executors (&ra->lane, ra->is_loop, &rb->lane, rb->is_loop, context->app);
}

static int
compare_slot_rows (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const FsSwimlaneRow *ra = fs_swimlane_get_row (user_data, *(const guint *) a);
  const FsSwimlaneRow *rb = fs_swimlane_get_row (user_data, *(const guint *) b);

  if (ra->parent_row != rb->parent_row)
    return ra->parent_row < rb->parent_row ? -1 : 1;
  if (ra->lane.slot != rb->lane.slot)
    return ra->lane.slot < rb->lane.slot ? -1 : 1;

  return 0;
}

/* Executors in lane order, each followed by its slots in slot order. */
static guint *
swimlane_order (FsSwimlane *swimlane,
                guint       n_rows,
                gint32      app)
{
  OrderContext context = { swimlane, app };
  g_autofree guint *execs = g_new (guint, n_rows);
  g_autofree guint *slots = g_new (guint, n_rows);
  g_autofree guint *first_slot = g_new (guint, n_rows);
  guint *order = g_new (guint, n_rows);
  guint n_execs = 0;
  guint n_slots = 0;
  guint n = 0;

  for (guint r = 0; r < n_rows; r++)
    {
      if (fs_swimlane_get_row (swimlane, r)->parent_row == G_MAXUINT)
        execs[n_execs++] = r;
      else
        slots[n_slots++] = r;
    }
  g_qsort_with_data (execs, n_execs, sizeof *execs, compare_exec_rows, &context);
  g_qsort_with_data (slots, n_slots, sizeof *slots, compare_slot_rows, swimlane);

  /* Slots sorted by their loop's row: where each loop's run of them starts. */
  for (guint r = 0; r < n_rows; r++)
    first_slot[r] = G_MAXUINT;
  for (guint i = n_slots; i-- > 0;)
    first_slot[fs_swimlane_get_row (swimlane, slots[i])->parent_row] = i;

  for (guint e = 0; e < n_execs; e++)
    {
      order[n++] = execs[e];
      if (first_slot[execs[e]] == G_MAXUINT)
        continue;
      for (guint i = first_slot[execs[e]];
           i < n_slots && fs_swimlane_get_row (swimlane, slots[i])->parent_row == execs[e];
           i++)
        order[n++] = slots[i];
    }

  g_assert (n == n_rows);

  return order;
}

static void
swimlane_row_label (const FsSwimlaneRow *row,
                    gint32               app,
                    char                *buf,
                    gsize                size)
{
  if (row->folded)
    g_snprintf (buf, size, _("more lanes"));
  else if (row->parent_row != G_MAXUINT)
    g_snprintf (buf, size, _("slot %u"), row->lane.slot);
  else
    lane_label (&row->lane, row->is_loop, app, buf, size);
}

/* Which bins each image column reads: those whose centres fall in it, or
 * when bins are wider than columns, the one under its centre. first > last
 * for a column outside the bins. */
static void
swimlane_columns (FsChartContext *c,
                  int             width,
                  int            *first,
                  int            *last)
{
  FsSwimlane *swimlane = c->swimlane;
  double bin_us = fs_swimlane_get_bin_us (swimlane);
  int n_bins = (int) fs_swimlane_get_n_bins (swimlane);
  double offset_us = (double) (c->run_start - fs_swimlane_get_t0 (swimlane));

  for (int col = 0; col < width; col++)
    {
      double ta = c->t_min + (c->t_max - c->t_min) * col / width;
      double tb = c->t_min + (c->t_max - c->t_min) * (col + 1) / width;
      double ua = (ta * G_USEC_PER_SEC + offset_us) / bin_us;
      double ub = (tb * G_USEC_PER_SEC + offset_us) / bin_us;
      double b0 = ceil (ua - 0.5);
      double b1 = ceil (ub - 0.5) - 1;

      if (b0 > b1)
        b0 = b1 = floor ((ua + ub) / 2);

      first[col] = (int) CLAMP (b0, 0, n_bins);
      last[col] = (int) CLAMP (b1, -1, n_bins - 1);
    }
}

/* Premultiplied colours of each phase at each share of a cell, over idle. */
#define SHADES 32

static void
phase_shades (FsChartContext   *c,
              guint32  shades[FS_N_PHASES][SHADES + 1])
{
  for (guint p = 0; p < FS_N_PHASES; p++)
    for (guint s = 0; s <= SHADES; s++)
      {
        FsColor color;

        fs_color_mix (&c->palette->idle, &c->palette->phase[p], (double) s / SHADES, &color);
        shades[p][s] = fs_color_to_argb32 (&color);
      }
}

/* One row of cells, each its dominant phase, as strong as the share of the
 * cell's time that was busy. */
static void
paint_row_dominant (const guint32 *cells,
                    double         bin_us,
                    int            width,
                    const int     *first,
                    const int     *last,
                    guint32        shades[FS_N_PHASES][SHADES + 1],
                    guint32        idle,
                    guint32       *line)
{
  for (int col = 0; col < width; col++)
    {
      guint64 sum[FS_N_PHASES] = { 0 };
      guint64 busy = 0;
      guint dominant = 0;
      double share;

      if (first[col] > last[col])
        {
          line[col] = 0;
          continue;
        }

      for (int b = first[col]; b <= last[col]; b++)
        for (guint p = 0; p < FS_N_PHASES; p++)
          sum[p] += cells[b * FS_N_PHASES + p];

      for (guint p = 0; p < FS_N_PHASES; p++)
        {
          busy += sum[p];
          if (sum[p] > sum[dominant])
            dominant = p;
        }

      if (busy == 0)
        {
          line[col] = idle;
          continue;
        }

      share = busy / ((last[col] - first[col] + 1) * bin_us);
      line[col] = shades[dominant][(guint) lround (MIN (share, 1.0) * SHADES)];
    }
}

/* A tall row: each cell a stack of its phases, from the bottom, each as
 * tall as its share of the cell's time. */
static void
paint_row_stacked (const guint32 *cells,
                   double         bin_us,
                   int            width,
                   const int     *first,
                   const int     *last,
                   const guint32 *colors,
                   guint32        idle,
                   guint32       *pixels,
                   int            stride,
                   int            y0,
                   int            y1)
{
  static const FsPhase stack[FS_N_PHASES] = {
    FS_PHASE_CPU, FS_PHASE_GIL, FS_PHASE_RECEIVING, FS_PHASE_WAITING, FS_PHASE_CONNECTING,
  };
  int height = y1 - y0;

  for (int col = 0; col < width; col++)
    {
      guint64 sum[FS_N_PHASES] = { 0 };
      double capacity;
      double filled = 0;
      int y = y1;

      if (first[col] > last[col])
        continue;

      for (int b = first[col]; b <= last[col]; b++)
        for (guint p = 0; p < FS_N_PHASES; p++)
          sum[p] += cells[b * FS_N_PHASES + p];
      capacity = (last[col] - first[col] + 1) * bin_us;

      for (guint i = 0; i < FS_N_PHASES; i++)
        {
          int top;

          filled += sum[stack[i]] / capacity;
          top = y1 - (int) lround (MIN (filled, 1.0) * height);
          for (; y > top; y--)
            pixels[(y - 1) * stride + col] = colors[stack[i]];
        }
      for (; y > y0; y--)
        pixels[(y - 1) * stride + col] = idle;
    }
}

void
_fs_chart_render_swimlane (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  FsSwimlane *swimlane = c->swimlane;
  FsChartLegendItem legend[FS_N_PHASES + 1] = {
    { N_("connecting"), &palette->phase[FS_PHASE_CONNECTING], FS_CHART_MARK_BOX },
    { N_("waiting"), &palette->phase[FS_PHASE_WAITING], FS_CHART_MARK_BOX },
    { N_("receiving"), &palette->phase[FS_PHASE_RECEIVING], FS_CHART_MARK_BOX },
    { N_("CPU"), &palette->phase[FS_PHASE_CPU], FS_CHART_MARK_BOX },
    { N_("GIL wait"), &palette->phase[FS_PHASE_GIL], FS_CHART_MARK_BOX },
    { N_("idle"), &palette->idle, FS_CHART_MARK_BOX },
  };
  guint n_rows = swimlane != NULL ? fs_swimlane_get_n_rows (swimlane) : 0;
  g_autofree guint *order = NULL;
  g_autofree gint32 *pids = NULL;
  g_autofree double *row_y = NULL;
  g_autofree double *row_h = NULL;
  g_autofree int *first = NULL;
  g_autofree int *last = NULL;
  g_autofree guint32 *line = NULL;
  g_autoptr(cairo_surface_t) image = NULL;
  guint32 shades[FS_N_PHASES][SHADES + 1];
  guint32 colors[FS_N_PHASES];
  guint32 idle;
  guint32 *pixels;
  char note[FS_CHART_LABEL_LEN] = "";
  guint offset;
  guint n_exec = 0;
  guint n_slot = 0;
  guint n_shown = 0;
  gint32 app;
  double exec_h;
  double slot_h;
  double label_w = 0;
  double bin_us;
  double y;
  int width;
  int height;
  int stride;
  LabelSpacer spacer = { 0 };

  if (n_rows == 0 || fs_swimlane_get_n_bins (swimlane) == 0)
    {
      _fs_chart_draw_header (c, NULL, legend, G_N_ELEMENTS (legend));
      _fs_chart_draw_no_data (c);
      return;
    }

  pids = g_new (gint32, n_rows);
  for (guint r = 0; r < n_rows; r++)
    pids[r] = fs_swimlane_get_row (swimlane, r)->lane.pid;
  app = app_pid (c, pids, n_rows);
  order = swimlane_order (swimlane, n_rows, app);
  offset = MIN (c->style->lane_offset, n_rows - 1);
  for (guint i = 0; i < n_rows; i++)
    {
      const FsSwimlaneRow *row = fs_swimlane_get_row (swimlane, order[i]);

      if (i < offset)
        continue;
      if (row->parent_row != G_MAXUINT)
        n_slot++;
      else
        n_exec++;
    }

  /* Slot rows are thinner than executor rows; rows that do not fit are
   * left for scrolling (lane_offset). The header, with the longest note
   * it may get, says where they start. */
  _fs_chart_layout_header (c, _("rows 1024–1024 of 1024"), legend, G_N_ELEMENTS (legend), FALSE);
  _fs_chart_layout_plot_rows (c);
  exec_h = c->h / (n_exec + SLOT_ROW_SHARE * n_slot);
  exec_h = CLAMP (exec_h, ROW_MIN_PX, ROW_MAX_PX);
  slot_h = MAX (exec_h * SLOT_ROW_SHARE, ROW_MIN_PX);

  row_y = g_new (double, n_rows);
  row_h = g_new (double, n_rows);
  y = 0;
  for (guint i = offset; i < n_rows; i++)
    {
      const FsSwimlaneRow *row = fs_swimlane_get_row (swimlane, order[i]);
      double h = row->parent_row != G_MAXUINT ? slot_h : exec_h;

      if (y + h > c->h + 0.01)
        break;
      row_y[n_shown] = y;
      row_h[n_shown] = h;
      n_shown++;
      y += h;
    }

  if (offset > 0 || offset + n_shown < n_rows)
    g_snprintf (note, sizeof note, _("rows %u–%u of %u"), offset + 1, offset + n_shown, n_rows);

  /* The plot ends with the last row, and the time axis right under it. */
  _fs_chart_draw_header (c, note, legend, G_N_ELEMENTS (legend));
  _fs_chart_layout_plot_rows (c);
  c->h = MIN (c->h, y);

  for (guint i = 0; i < n_shown; i++)
    {
      const FsSwimlaneRow *row = fs_swimlane_get_row (swimlane, order[offset + i]);
      char label[FS_CHART_LABEL_LEN];
      double w;

      if (row_h[i] < ROW_LABEL_PX && row->parent_row != G_MAXUINT)
        continue;
      swimlane_row_label (row, app, label, sizeof label);
      _fs_chart_measure (c, label, FALSE, &w, NULL);
      label_w = MAX (label_w, w + (row->parent_row != G_MAXUINT ? 12 : 0));
    }
  label_w = MIN (label_w, c->width * 0.25);

  _fs_chart_layout_plot_columns (c, label_w);
  if (_fs_chart_plot_too_small (c))
    return;
  _fs_chart_axis_time (c);

  /* The cells, pixel by pixel, in an image at the device's resolution. */
  image = _fs_chart_create_plot_image (c, (int) ceil (c->h * c->scale_y));
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  stride = cairo_image_surface_get_stride (image) / 4;
  cairo_surface_flush (image);
  pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (image);

  first = g_new (int, width);
  last = g_new (int, width);
  line = g_new (guint32, width);
  swimlane_columns (c, width, first, last);
  phase_shades (c, shades);
  for (guint p = 0; p < FS_N_PHASES; p++)
    colors[p] = shades[p][SHADES];
  idle = fs_color_to_argb32 (&palette->idle);
  bin_us = fs_swimlane_get_bin_us (swimlane);

  for (guint i = 0; i < n_shown; i++)
    {
      const guint32 *cells = fs_swimlane_get_row_cells (swimlane, order[offset + i]);
      double gap = row_h[i] >= 8 ? 1 : 0;
      int y0 = (int) lround (row_y[i] * c->scale_y);
      int y1 = (int) lround ((row_y[i] + row_h[i] - gap) * c->scale_y);

      y1 = MIN (MAX (y1, y0 + 1), height);
      if (y0 >= y1)
        continue;

      if (row_h[i] >= 12)
        {
          paint_row_stacked (cells, bin_us, width, first, last, colors, idle,
                             pixels, stride, y0, y1);
        }
      else
        {
          paint_row_dominant (cells, bin_us, width, first, last, shades, idle, line);
          for (int py = y0; py < y1; py++)
            memcpy (&pixels[py * stride], line, width * sizeof (guint32));
        }
    }

  _fs_chart_paint_plot_image (c, image, c->y, c->y + c->h);
  _fs_chart_draw_grid (c, FALSE, TRUE);

  for (guint i = 0; i < n_shown; i++)
    {
      const FsSwimlaneRow *row = fs_swimlane_get_row (swimlane, order[offset + i]);
      gboolean is_slot = row->parent_row != G_MAXUINT;
      char label[FS_CHART_LABEL_LEN];

      if (is_slot && row_h[i] < ROW_LABEL_PX)
        continue;
      if (!label_fits (c, &spacer, c->y + row_y[i], row_h[i]))
        continue;
      swimlane_row_label (row, app, label, sizeof label);
      _fs_chart_draw_text (c, label, is_slot ? FS_CHART_PAD + 12 : FS_CHART_PAD,
                           c->y + row_y[i] + row_h[i] / 2, 0, 0.5,
                           is_slot ? &palette->dim : &palette->foreground, FALSE);
    }

  _fs_chart_draw_x_labels (c);

  if (_fs_chart_hover_in_plot (c))
    _fs_chart_draw_time_hover (c, NULL);
}

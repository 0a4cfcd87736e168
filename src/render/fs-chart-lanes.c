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
/* Crawl mode: the band above the rows that shows the frontier */
#define DISCOVERY_BAND_PX 18.0

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

/* 0 to 100 % along x, between the row labels and the values at the
 * right: FALSE when no plot fits. */
static gboolean
draw_share_axis (FsChartContext *c,
                 double          label_w,
                 double          value_w)
{
  memset (&c->xaxis, 0, sizeof c->xaxis);
  c->xaxis.hi = 1;
  c->x = FS_CHART_PAD + label_w + FS_CHART_TICK_GAP;
  c->w = c->width - FS_CHART_PAD - c->x - value_w;
  if (_fs_chart_plot_too_small (c))
    return FALSE;
  for (double v = 0; v <= 1.0001; v += c->w >= 240 ? 0.25 : 0.5)
    _fs_chart_axis_add_tick (&c->xaxis, v, 0.25, _fs_chart_format_percent);

  _fs_chart_draw_grid (c, FALSE, TRUE);
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
      char widest[FS_CHART_LABEL_LEN + 24];

      g_snprintf (widest, sizeof widest, _("busy %.0f %% · CPU %.0f %% · GIL %.0f %%"),
                  100.0, 100.0, 100.0);
      _fs_chart_measure (c, widest, FALSE, &value_w, NULL);
      value_w += 8;
    }

  if (!draw_share_axis (c, label_w, value_w))
    return;

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
 * cell's time that was busy; @shade_per_us is the column's SHADES over the
 * time its bins span. */
static void
paint_row_dominant (const guint32 *cells,
                    int            width,
                    const int     *first,
                    const int     *last,
                    const double  *shade_per_us,
                    guint32        shades[FS_N_PHASES][SHADES + 1],
                    guint32        idle,
                    guint32       *line)
{
  for (int col = 0; col < width; col++)
    {
      guint64 sum[FS_N_PHASES] = { 0 };
      guint64 busy = 0;
      guint dominant = 0;
      double shade;

      if (first[col] > last[col])
        {
          line[col] = 0;
          continue;
        }
      /* Bins wider than columns: neighbours read the same bin. */
      if (col > 0 && first[col] == first[col - 1] && last[col] == last[col - 1])
        {
          line[col] = line[col - 1];
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

      /* A multiply and a truncation: this runs for every cell on screen. */
      shade = (double) busy * shade_per_us[col] + 0.5;
      line[col] = shades[dominant][shade >= SHADES ? SHADES : (guint) shade];
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

/* Which rows of a swimlane are shown, in order, and where, in a plot of
 * a given height; and which pid is the app's. */
typedef struct
{
  FsSwimlane *swimlane;
  guint      *order;
  gint32      app;
  guint       n_rows;
  guint       offset;
  guint       n_shown;
  double     *row_y;                 /* from the top of the rows */
  double     *row_h;
  double      height;                /* of the rows shown */
} SwimlanePlan;

/* Slot rows are thinner than executor rows; rows that do not fit in
 * @avail_h are left for scrolling (@offset). */
static void
swimlane_plan_init (SwimlanePlan   *plan,
                    FsChartContext *c,
                    FsSwimlane     *swimlane,
                    guint           offset,
                    double          avail_h)
{
  g_autofree gint32 *pids = NULL;
  guint n_exec = 0;
  guint n_slot = 0;
  double exec_h;
  double slot_h;
  double y = 0;

  memset (plan, 0, sizeof *plan);
  plan->swimlane = swimlane;
  plan->n_rows = fs_swimlane_get_n_rows (swimlane);
  g_assert (plan->n_rows > 0);

  pids = g_new (gint32, plan->n_rows);
  for (guint r = 0; r < plan->n_rows; r++)
    pids[r] = fs_swimlane_get_row (swimlane, r)->lane.pid;
  plan->app = app_pid (c, pids, plan->n_rows);
  plan->order = swimlane_order (swimlane, plan->n_rows, plan->app);
  plan->offset = MIN (offset, plan->n_rows - 1);
  for (guint i = plan->offset; i < plan->n_rows; i++)
    {
      if (fs_swimlane_get_row (swimlane, plan->order[i])->parent_row != G_MAXUINT)
        n_slot++;
      else
        n_exec++;
    }

  exec_h = avail_h / (n_exec + SLOT_ROW_SHARE * n_slot);
  exec_h = CLAMP (exec_h, ROW_MIN_PX, ROW_MAX_PX);
  slot_h = MAX (exec_h * SLOT_ROW_SHARE, ROW_MIN_PX);

  plan->row_y = g_new (double, plan->n_rows);
  plan->row_h = g_new (double, plan->n_rows);
  for (guint i = plan->offset; i < plan->n_rows; i++)
    {
      const FsSwimlaneRow *row = fs_swimlane_get_row (swimlane, plan->order[i]);
      double h = row->parent_row != G_MAXUINT ? slot_h : exec_h;

      if (y + h > avail_h + 0.01)
        break;
      plan->row_y[plan->n_shown] = y;
      plan->row_h[plan->n_shown] = h;
      plan->n_shown++;
      y += h;
    }
  plan->height = y;
}

static void
swimlane_plan_clear (SwimlanePlan *plan)
{
  g_clear_pointer (&plan->order, g_free);
  g_clear_pointer (&plan->row_y, g_free);
  g_clear_pointer (&plan->row_h, g_free);
}

static const FsSwimlaneRow *
swimlane_plan_row (SwimlanePlan *plan,
                   guint         shown)
{
  return fs_swimlane_get_row (plan->swimlane, plan->order[plan->offset + shown]);
}

static double
swimlane_plan_label_width (FsChartContext *c,
                           SwimlanePlan   *plan)
{
  double label_w = 0;

  for (guint i = 0; i < plan->n_shown; i++)
    {
      const FsSwimlaneRow *row = swimlane_plan_row (plan, i);
      char label[FS_CHART_LABEL_LEN];
      double w;

      if (plan->row_h[i] < ROW_LABEL_PX && row->parent_row != G_MAXUINT)
        continue;
      swimlane_row_label (row, plan->app, label, sizeof label);
      _fs_chart_measure (c, label, FALSE, &w, NULL);
      label_w = MAX (label_w, w + (row->parent_row != G_MAXUINT ? 12 : 0));
    }

  return label_w;
}

/* The cells of the rows shown, from @top down, pixel by pixel in an image
 * at the device's resolution; c->swimlane and c->run_start must be the
 * plan's run's. */
static void
swimlane_plan_paint_cells (FsChartContext *c,
                           SwimlanePlan   *plan,
                           double          top)
{
  const FsChartPalette *palette = c->palette;
  g_autofree int *first = NULL;
  g_autofree int *last = NULL;
  g_autofree guint32 *line = NULL;
  g_autofree double *shade_per_us = NULL;
  g_autoptr(cairo_surface_t) image = NULL;
  guint32 shades[FS_N_PHASES][SHADES + 1];
  guint32 colors[FS_N_PHASES];
  guint32 idle;
  guint32 *pixels;
  double bin_us;
  int width;
  int height;
  int stride;

  image = _fs_chart_create_plot_image (c, (int) ceil (plan->height * c->scale_y));
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  stride = cairo_image_surface_get_stride (image) / 4;
  cairo_surface_flush (image);
  pixels = (guint32 *) (gpointer) cairo_image_surface_get_data (image);

  first = g_new (int, width);
  last = g_new (int, width);
  line = g_new (guint32, width);
  shade_per_us = g_new (double, width);
  swimlane_columns (c, width, first, last);
  phase_shades (c, shades);
  for (guint p = 0; p < FS_N_PHASES; p++)
    colors[p] = shades[p][SHADES];
  idle = fs_color_to_argb32 (&palette->idle);
  bin_us = fs_swimlane_get_bin_us (plan->swimlane);
  for (int col = 0; col < width; col++)
    shade_per_us[col] = first[col] <= last[col] ? SHADES / ((last[col] - first[col] + 1) * bin_us) : 0;

  for (guint i = 0; i < plan->n_shown; i++)
    {
      const guint32 *cells = fs_swimlane_get_row_cells (plan->swimlane,
                                                        plan->order[plan->offset + i]);
      double gap = plan->row_h[i] >= 8 ? 1 : 0;
      int y0 = (int) lround (plan->row_y[i] * c->scale_y);
      int y1 = (int) lround ((plan->row_y[i] + plan->row_h[i] - gap) * c->scale_y);

      y1 = MIN (MAX (y1, y0 + 1), height);
      if (y0 >= y1)
        continue;

      if (plan->row_h[i] >= 12)
        {
          paint_row_stacked (cells, bin_us, width, first, last, colors, idle,
                             pixels, stride, y0, y1);
        }
      else
        {
          paint_row_dominant (cells, width, first, last, shade_per_us, shades, idle, line);
          for (int py = y0; py < y1; py++)
            memcpy (&pixels[py * stride], line, width * sizeof (guint32));
        }
    }

  _fs_chart_paint_plot_image (c, image, top, top + plan->height);
}

static void
swimlane_plan_paint_labels (FsChartContext *c,
                            SwimlanePlan   *plan,
                            double          top,
                            LabelSpacer    *spacer)
{
  for (guint i = 0; i < plan->n_shown; i++)
    {
      const FsSwimlaneRow *row = swimlane_plan_row (plan, i);
      gboolean is_slot = row->parent_row != G_MAXUINT;
      char label[FS_CHART_LABEL_LEN];

      if (is_slot && plan->row_h[i] < ROW_LABEL_PX)
        continue;
      if (!label_fits (c, spacer, top + plan->row_y[i], plan->row_h[i]))
        continue;
      swimlane_row_label (row, plan->app, label, sizeof label);
      _fs_chart_draw_text (c, label, is_slot ? FS_CHART_PAD + 12 : FS_CHART_PAD,
                           top + plan->row_y[i] + plan->row_h[i] / 2, 0, 0.5,
                           is_slot ? &c->palette->dim : &c->palette->foreground, FALSE);
    }
}

static void
swimlane_legend (FsChartContext    *c,
                 FsChartLegendItem  legend[FS_N_PHASES + 1])
{
  static const char * const labels[FS_N_PHASES] = {
    N_("connecting"), N_("waiting"), N_("receiving"), N_("CPU"), N_("GIL wait"),
  };

  for (guint p = 0; p < FS_N_PHASES; p++)
    {
      g_strlcpy (legend[p].label, labels[p], sizeof legend[p].label);
      legend[p].color = &c->palette->phase[p];
      legend[p].mark = FS_CHART_MARK_BOX;
      legend[p].verbatim = FALSE;
    }
  g_strlcpy (legend[FS_N_PHASES].label, N_("idle"), sizeof legend[FS_N_PHASES].label);
  legend[FS_N_PHASES].color = &c->palette->idle;
  legend[FS_N_PHASES].mark = FS_CHART_MARK_BOX;
  legend[FS_N_PHASES].verbatim = FALSE;
}

static gboolean
has_crawl_data (FsAggregator *aggregator)
{
  guint n = fs_aggregator_get_n_buckets (aggregator);

  return n > 0 && fs_aggregator_get_bucket (aggregator, n - 1)->crawl_visited > 0;
}

/* Crawl mode: records say nothing of where a page was found, but the
 * crawl's levels over time do. A band from @top, @h high, on the rows'
 * time axis, filled up to the frontier's size at each moment (scaled to
 * its largest in view): the work waiting, as the fetches shown below
 * discover it and take it. */
static void
draw_discovery_band (FsChartContext *c,
                     double          top,
                     double          h)
{
  const FsColor *color = &c->palette->series[FS_SERIES_FRONTIER];
  double saved_y = c->y;
  double saved_h = c->h;
  FsChartAxis saved_axis = c->yaxis;
  g_autoptr(GArray) groups = NULL;
  g_autofree double *values = NULL;
  FsColor fill;
  double hi = 0;

  cairo_rectangle (c->cr, c->x, top, c->w, h);
  fs_color_set_source (c->cr, &c->palette->idle);
  cairo_fill (c->cr);

  groups = _fs_chart_group_buckets (c, 1);
  values = g_new0 (double, MAX (groups->len, 1));
  for (guint g = 0; g < groups->len; g++)
    {
      const FsChartGroup *group = &g_array_index (groups, FsChartGroup, g);

      for (guint b = group->first; b <= group->last; b++)
        values[g] = MAX (values[g], fs_aggregator_get_bucket (c->aggregator, b)->crawl_frontier);
      hi = MAX (hi, values[g]);
    }

  memset (&c->yaxis, 0, sizeof c->yaxis);
  c->yaxis.hi = MAX (hi, 1);
  c->y = top;
  c->h = h;
  cairo_save (c->cr);
  _fs_chart_clip_to_plot (c);
  /* Opaque and on whole 8-bit steps, so every renderer paints one colour. */
  fs_color_mix (&c->palette->idle, color, FS_CHART_BAND_SHARE, &fill);
  fill.red = lround (fill.red * 255) / 255.0;
  fill.green = lround (fill.green * 255) / 255.0;
  fill.blue = lround (fill.blue * 255) / 255.0;
  _fs_chart_fill_steps (c, groups, values, 1, &fill);
  cairo_restore (c->cr);
  c->y = saved_y;
  c->h = saved_h;
  c->yaxis = saved_axis;

  _fs_chart_draw_text (c, _("frontier"), FS_CHART_PAD, top + h / 2, 0, 0.5, &c->palette->dim,
                       FALSE);
}

void
_fs_chart_render_swimlane (FsChartContext *c)
{
  FsSwimlane *swimlane = c->swimlane;
  FsChartLegendItem legend[FS_N_PHASES + 1];
  SwimlanePlan plan;
  char note[FS_CHART_LABEL_LEN] = "";
  char widest[FS_CHART_LABEL_LEN];
  LabelSpacer spacer = { 0 };
  double label_w;
  double band_h;

  swimlane_legend (c, legend);

  if (swimlane == NULL || fs_swimlane_get_n_rows (swimlane) == 0 ||
      fs_swimlane_get_n_bins (swimlane) == 0)
    {
      _fs_chart_draw_header (c, NULL, legend, G_N_ELEMENTS (legend));
      _fs_chart_draw_no_data (c);
      return;
    }

  /* The header, with the longest note it may get, says where the rows
   * shown start. */
  g_snprintf (widest, sizeof widest, _("rows %u–%u of %u"), 1024, 1024, 1024);
  _fs_chart_layout_header (c, widest, legend, G_N_ELEMENTS (legend), FALSE);
  _fs_chart_layout_plot_rows (c);
  band_h = has_crawl_data (c->aggregator) && c->h > 4 * DISCOVERY_BAND_PX ? DISCOVERY_BAND_PX : 0;
  swimlane_plan_init (&plan, c, swimlane, c->style->lane_offset, c->h - band_h);

  if (plan.offset > 0 || plan.offset + plan.n_shown < plan.n_rows)
    g_snprintf (note, sizeof note, _("rows %u–%u of %u"), plan.offset + 1,
                plan.offset + plan.n_shown, plan.n_rows);

  /* The plot ends with the last row, and the time axis right under it. */
  _fs_chart_draw_header (c, note, legend, G_N_ELEMENTS (legend));
  _fs_chart_layout_plot_rows (c);
  c->h = MIN (c->h - band_h, plan.height);

  label_w = swimlane_plan_label_width (c, &plan);
  if (band_h > 0)
    {
      double w;

      /* The rows start under the band. */
      c->y += band_h;
      _fs_chart_measure (c, _("frontier"), FALSE, &w, NULL);
      label_w = MAX (label_w, w);
    }
  label_w = MIN (label_w, c->width * 0.25);
  _fs_chart_layout_plot_columns (c, label_w);
  if (_fs_chart_plot_too_small (c))
    {
      swimlane_plan_clear (&plan);
      return;
    }
  _fs_chart_axis_time (c);

  swimlane_plan_paint_cells (c, &plan, c->y);
  _fs_chart_draw_grid (c, FALSE, TRUE);
  swimlane_plan_paint_labels (c, &plan, c->y, &spacer);
  swimlane_plan_clear (&plan);
  if (band_h > 0)
    draw_discovery_band (c, c->y - band_h, band_h - 2);

  _fs_chart_draw_x_labels (c);

  if (_fs_chart_hover_in_plot (c))
    _fs_chart_draw_time_hover (c, NULL);
}

/* Comparisons */

/* "busy 80 % · CPU 40 % · GIL 20 % · 4 lanes", from @share: CPU, GIL
 * wait and transfers. */
static void
format_shares (const double *share,
               guint         n_lanes,
               char         *buf,
               gsize         size)
{
  double busy = (share[0] + share[1] + share[2]) * 100;
  g_autofree char *lanes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u lane", "%u lanes",
                                                         n_lanes), n_lanes);

  if (share[1] >= 0.005)
    g_snprintf (buf, size, _("busy %.0f %% · CPU %.0f %% · GIL %.0f %% · %s"), busy,
                share[0] * 100, share[1] * 100, lanes);
  else
    g_snprintf (buf, size, _("busy %.0f %% · CPU %.0f %% · %s"), busy, share[0] * 100, lanes);
}

/* A bar per run: the mean over its lanes of the shares CPU per lane
 * shows, so runs with one lane and with fifty read alike. */
void
_fs_chart_compare_cpu (FsChartContext *c)
{
  const FsChartPalette *palette = c->palette;
  FsChartLegendItem legend[3] = {
    { N_("CPU"), &palette->phase[FS_PHASE_CPU], FS_CHART_MARK_BOX },
    { N_("GIL wait"), &palette->phase[FS_PHASE_GIL], FS_CHART_MARK_BOX },
    { N_("transfers"), &palette->phase[FS_PHASE_WAITING], FS_CHART_MARK_BOX },
  };
  const FsColor *colors[3] = {
    &palette->phase[FS_PHASE_CPU], &palette->phase[FS_PHASE_GIL], &palette->phase[FS_PHASE_WAITING],
  };
  g_autofree double *shares = g_new0 (double, c->n_runs * 3);
  cairo_t *cr = c->cr;
  double label_w = 0;
  double value_w = 0;
  double row_h;
  gboolean any = FALSE;

  _fs_chart_draw_header (c, _("mean share of wall time per lane"), legend,
                         G_N_ELEMENTS (legend));

  for (guint r = 0; r < c->n_runs; r++)
    {
      FsAggregator *aggregator = c->runs[r].aggregator;
      guint n_lanes = fs_aggregator_get_n_lanes (aggregator);
      double *share = &shares[r * 3];
      FsSummary summary;
      double wall_us;
      double w;

      fs_aggregator_get_summary (aggregator, &summary);
      wall_us = summary.wall_s * G_USEC_PER_SEC;
      _fs_chart_measure (c, c->runs[r].label != NULL ? c->runs[r].label : "", FALSE, &w, NULL);
      label_w = MAX (label_w, w + 14);
      if (n_lanes == 0 || !(wall_us > 0))
        continue;

      any = TRUE;
      for (guint i = 0; i < n_lanes; i++)
        {
          const FsLaneStats *lane = fs_aggregator_get_lane (aggregator, i);
          double cpu = CLAMP ((double) (lane->cpu_us - lane->gil_wait_us) / wall_us, 0, 1);
          double gil = CLAMP ((double) lane->gil_wait_us / wall_us, 0, 1 - cpu);
          double io = CLAMP ((double) lane->busy_us / wall_us, 0, 1 - cpu - gil);

          share[0] += cpu / n_lanes;
          share[1] += gil / n_lanes;
          share[2] += io / n_lanes;
        }
    }

  if (!any)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  _fs_chart_layout_plot_rows (c);
  row_h = MIN (c->h / c->n_runs, ROW_MAX_PX * 1.5);
  c->h = row_h * c->n_runs;
  label_w = MIN (label_w, c->width * 0.3);
  if (c->width >= 480)
    {
      char widest[FS_CHART_LABEL_LEN * 2];
      const double full[3] = { 1, 1, 1 };

      format_shares (full, 1024, widest, sizeof widest);
      _fs_chart_measure (c, widest, FALSE, &value_w, NULL);
      value_w += 8;
    }

  if (!draw_share_axis (c, label_w, value_w))
    return;

  for (guint s = 0; s < 3; s++)
    {
      for (guint r = 0; r < c->n_runs; r++)
        {
          double *share = &shares[r * 3];
          double bar_y = c->y + r * row_h + row_h * 0.14;
          double x0 = c->x + (s > 0 ? share[0] : 0) * c->w + (s > 1 ? share[1] : 0) * c->w;
          double x1 = x0 + share[s] * c->w;
          double y0 = round (bar_y);
          double y1 = MAX (round (bar_y + row_h * 0.72), y0 + 1);

          if (round (x1) > round (x0))
            cairo_rectangle (cr, round (x0), y0, round (x1) - round (x0), y1 - y0);
        }
      fs_color_set_source (cr, colors[s]);
      cairo_fill (cr);
    }

  for (guint r = 0; r < c->n_runs; r++)
    {
      double *share = &shares[r * 3];
      double cy = c->y + r * row_h + row_h / 2;
      guint n_lanes = fs_aggregator_get_n_lanes (c->runs[r].aggregator);

      fs_color_set_source (cr, _fs_chart_run_color (c, r));
      cairo_rectangle (cr, FS_CHART_PAD, round (cy - 5), 10, 10);
      cairo_fill (cr);
      _fs_chart_draw_text (c, c->runs[r].label != NULL ? c->runs[r].label : "",
                           FS_CHART_PAD + 14, cy, 0, 0.5, &palette->foreground, FALSE);

      if (value_w > 0 && row_h >= c->line_h)
        {
          char text[FS_CHART_LABEL_LEN * 2];

          format_shares (share, n_lanes, text, sizeof text);
          _fs_chart_draw_text (c, text, c->x + c->w + 8, cy, 0, 0.5, &palette->dim, FALSE);
        }
    }

  _fs_chart_draw_axis_line (c);
  _fs_chart_draw_x_labels (c);
}

/* One band per run, stacked, each under a line with the run's name in its
 * colour; the rows of a band are laid out as a single run's would be in
 * the band's height, and every band shares the time axis at the bottom. */
void
_fs_chart_compare_swimlane (FsChartContext *c)
{
  FsChartLegendItem legend[FS_N_PHASES + 1];
  g_autofree SwimlanePlan *plans = g_new0 (SwimlanePlan, c->n_runs);
  g_autofree double *tops = g_new0 (double, c->n_runs);
  double band_h;
  double title_h = c->line_h + 4;
  double label_w = 0;
  double y;
  gboolean any = FALSE;

  swimlane_legend (c, legend);
  _fs_chart_draw_header (c, NULL, legend, G_N_ELEMENTS (legend));
  _fs_chart_layout_plot_rows (c);
  band_h = c->h / c->n_runs - title_h;

  for (guint r = 0; r < c->n_runs; r++)
    {
      FsSwimlane *swimlane = c->runs[r].swimlane;

      if (swimlane == NULL || fs_swimlane_get_n_rows (swimlane) == 0 ||
          fs_swimlane_get_n_bins (swimlane) == 0 || band_h < ROW_MIN_PX)
        continue;
      _fs_chart_use_run (c, r);
      swimlane_plan_init (&plans[r], c, swimlane, 0, band_h);
      label_w = MAX (label_w, swimlane_plan_label_width (c, &plans[r]));
      any = TRUE;
    }

  if (!any)
    {
      _fs_chart_draw_no_data (c);
      return;
    }

  /* Bands as tall as their rows, the axis under the last. */
  y = c->y;
  for (guint r = 0; r < c->n_runs; r++)
    {
      tops[r] = y + title_h;
      y = tops[r] + (plans[r].n_shown > 0 ? plans[r].height : ROW_MIN_PX * 4) + 2;
    }
  c->h = y - 2 - c->y;

  _fs_chart_layout_plot_columns (c, MIN (label_w, c->width * 0.25));
  if (_fs_chart_plot_too_small (c))
    goto out;
  _fs_chart_axis_time (c);

  for (guint r = 0; r < c->n_runs; r++)
    if (plans[r].n_shown > 0)
      {
        _fs_chart_use_run (c, r);
        swimlane_plan_paint_cells (c, &plans[r], tops[r]);
      }
  _fs_chart_draw_grid (c, FALSE, TRUE);

  for (guint r = 0; r < c->n_runs; r++)
    {
      LabelSpacer spacer = { tops[r] - 4 };
      const char *label = c->runs[r].label != NULL ? c->runs[r].label : "";
      double cy = tops[r] - title_h / 2;

      fs_color_set_source (c->cr, _fs_chart_run_color (c, r));
      cairo_rectangle (c->cr, FS_CHART_PAD, round (cy - 5), 10, 10);
      cairo_fill (c->cr);
      _fs_chart_draw_text (c, label, FS_CHART_PAD + 14, cy, 0, 0.5, &c->palette->foreground,
                           TRUE);
      if (plans[r].n_shown > 0)
        swimlane_plan_paint_labels (c, &plans[r], tops[r], &spacer);
      else
        _fs_chart_draw_text (c, _("No data"), c->x + 4, tops[r], 0, 0, &c->palette->dim, FALSE);
    }

  _fs_chart_draw_x_labels (c);

out:
  for (guint r = 0; r < c->n_runs; r++)
    swimlane_plan_clear (&plans[r]);
}

/* fs-compare-table.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fs-chart-style.h"
#include "fs-compare-table.h"
#include "fs-format.h"

typedef enum
{
  COLUMN_BASELINE,
  COLUMN_RANK,
  COLUMN_RUN,
  COLUMN_WALL,
  COLUMN_SPEEDUP,
  COLUMN_RPS,
  COLUMN_P50,
  COLUMN_P99,
  COLUMN_RSS,
  COLUMN_CPU,
  COLUMN_ERRORS,
  N_COLUMNS
} Column;

static const char * const column_titles[N_COLUMNS] = {
  N_("Baseline"),
  N_("Rank"),
  N_("Strategy"),
  N_("Wall time"),
  N_("Speedup"),
  N_("Req/s"),
  N_("p50"),
  N_("p99"),
  N_("Peak memory"),
  N_("CPU time"),
  N_("Errors"),
};

struct _FsCompareTable
{
  AdwBin            parent_instance;

  GtkGrid          *grid;
  FsCompareSession *session;
  gboolean          rebuilding;
};

G_DEFINE_FINAL_TYPE (FsCompareTable, fs_compare_table, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "+12 %", against the baseline; NULL for the baseline itself */
static char *
difference (double value,
            double baseline)
{
  if (baseline <= 0 || value < 0)
    return NULL;

  return g_strdup_printf ("%+.0f %%", (value / baseline - 1) * 100);
}

static GtkWidget *
cell (const char *value,
      const char *detail,
      gboolean    numeric)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1 : 0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);

  if (detail != NULL)
    {
      GtkWidget *caption = gtk_label_new (detail);

      gtk_label_set_xalign (GTK_LABEL (caption), numeric ? 1 : 0);
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_widget_add_css_class (caption, "numeric");
      gtk_box_append (GTK_BOX (box), caption);
    }

  return box;
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const FsChartPalette *palette =
    fs_chart_palette_get (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  guint color = GPOINTER_TO_UINT (user_data);

  fs_color_set_source (cr, &palette->cycle[color % FS_CHART_N_SERIES_COLORS]);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static GtkWidget *
run_cell (const FsSavedRun *run,
          guint             color)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (run->label);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 10);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 10);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  GUINT_TO_POINTER (color), NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  if (!run->complete)
    {
      GtkWidget *partial = gtk_label_new (_("(partial)"));

      gtk_widget_add_css_class (partial, "dim-label");
      gtk_box_append (GTK_BOX (box), partial);
    }

  return box;
}

static void
baseline_toggled_cb (GtkCheckButton *button,
                     FsCompareTable *self)
{
  if (self->rebuilding || !gtk_check_button_get_active (button))
    return;

  fs_compare_session_set_baseline (self->session,
                                   GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button),
                                                                        "run")));
}

static void
clear_grid (FsCompareTable *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
}

static void
rebuild (FsCompareTable *self)
{
  g_autofree guint *order = NULL;
  g_autofree FsSummary *summaries = NULL;
  GtkCheckButton *group = NULL;
  const FsSavedRun *base;
  GPtrArray *runs;
  guint baseline;

  clear_grid (self);
  if (self->session == NULL || (runs = fs_compare_session_get_runs (self->session))->len == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  self->rebuilding = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkWidget *title = gtk_label_new (_(column_titles[c]));

      gtk_label_set_xalign (GTK_LABEL (title), c >= COLUMN_WALL ? 1 : 0);
      gtk_widget_add_css_class (title, "caption-heading");
      gtk_widget_add_css_class (title, "dim-label");
      gtk_grid_attach (self->grid, title, c, 0, 1, 1);
    }

  summaries = g_new0 (FsSummary, runs->len);
  order = g_new0 (guint, runs->len);
  for (guint i = 0; i < runs->len; i++)
    summaries[i] = ((FsSavedRun *) g_ptr_array_index (runs, i))->summary;
  fs_comparison_order (summaries, runs->len, order);
  baseline = fs_compare_session_get_baseline (self->session);
  base = g_ptr_array_index (runs, baseline);

  for (guint rank = 0; rank < runs->len; rank++)
    {
      guint i = order[rank];
      const FsSavedRun *run = g_ptr_array_index (runs, i);
      const FsSummary *s = &run->summary;
      gboolean is_base = i == baseline;
      GtkWidget *radio = gtk_check_button_new ();
      g_autofree char *rank_text = g_strdup_printf ("%u", rank + 1);
      g_autofree char *wall = fs_format_duration (s->wall_s);
      g_autofree char *speedup = g_strdup_printf ("%.2f×", fs_comparison_speedup (s, &base->summary));
      g_autofree char *rps = fs_format_rate (s->rps);
      g_autofree char *p50 = fs_format_ms (s->latency_ms_p50);
      g_autofree char *p99 = fs_format_ms (s->latency_ms_p99);
      g_autofree char *rss = g_format_size_full (s->peak_rss_bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *cpu = g_strdup_printf (_("%.2f s"), s->cpu_s);
      g_autofree char *errors = fs_format_count (s->total - s->outcomes[FS_OUTCOME_OK]);
      g_autofree char *wall_diff = is_base ? NULL : difference (s->wall_s, base->summary.wall_s);
      g_autofree char *rps_diff = is_base ? NULL : difference (s->rps, base->summary.rps);
      g_autofree char *p50_diff = is_base ? NULL : difference (s->latency_ms_p50,
                                                               base->summary.latency_ms_p50);
      g_autofree char *p99_diff = is_base ? NULL : difference (s->latency_ms_p99,
                                                               base->summary.latency_ms_p99);
      g_autofree char *rss_diff = is_base ? NULL : difference (s->peak_rss_bytes,
                                                               base->summary.peak_rss_bytes);
      g_autofree char *cpu_diff = is_base ? NULL : difference (s->cpu_s, base->summary.cpu_s);

      gtk_check_button_set_group (GTK_CHECK_BUTTON (radio), group);
      group = group ? group : GTK_CHECK_BUTTON (radio);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (radio), is_base);
      gtk_widget_set_tooltip_text (radio, _("Measure the others against this run"));
      g_object_set_data (G_OBJECT (radio), "run", GUINT_TO_POINTER (i));
      g_signal_connect (radio, "toggled", G_CALLBACK (baseline_toggled_cb), self);

      gtk_grid_attach (self->grid, radio, COLUMN_BASELINE, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (rank_text, NULL, FALSE), COLUMN_RANK, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, run_cell (run, i), COLUMN_RUN, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (wall, wall_diff, TRUE), COLUMN_WALL, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (speedup, NULL, TRUE), COLUMN_SPEEDUP, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (rps, rps_diff, TRUE), COLUMN_RPS, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (p50, p50_diff, TRUE), COLUMN_P50, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (p99, p99_diff, TRUE), COLUMN_P99, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (rss, rss_diff, TRUE), COLUMN_RSS, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (cpu, cpu_diff, TRUE), COLUMN_CPU, rank + 1, 1, 1);
      gtk_grid_attach (self->grid, cell (errors, NULL, TRUE), COLUMN_ERRORS, rank + 1, 1, 1);
    }

  self->rebuilding = FALSE;
}

static void
session_changed_cb (FsCompareTable *self)
{
  rebuild (self);
}

static void
fs_compare_table_dispose (GObject *object)
{
  FsCompareTable *self = (FsCompareTable *) object;

  fs_compare_table_set_session (self, NULL);

  G_OBJECT_CLASS (fs_compare_table_parent_class)->dispose (object);
}

static void
fs_compare_table_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FsCompareTable *self = FS_COMPARE_TABLE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, fs_compare_table_get_session (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_compare_table_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FsCompareTable *self = FS_COMPARE_TABLE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      fs_compare_table_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_compare_table_class_init (FsCompareTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_compare_table_dispose;
  object_class->get_property = fs_compare_table_get_property;
  object_class->set_property = fs_compare_table_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         FS_TYPE_COMPARE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fs_compare_table_init (FsCompareTable *self)
{
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->grid, 18);
  gtk_grid_set_row_spacing (self->grid, 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_add_css_class (GTK_WIDGET (self), "fs-compare-table");
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->grid));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
fs_compare_table_new (void)
{
  return g_object_new (FS_TYPE_COMPARE_TABLE, NULL);
}

/**
 * fs_compare_table_get_session:
 *
 * Returns: (transfer none) (nullable): the comparison shown
 */
FsCompareSession *
fs_compare_table_get_session (FsCompareTable *self)
{
  g_return_val_if_fail (FS_IS_COMPARE_TABLE (self), NULL);

  return self->session;
}

void
fs_compare_table_set_session (FsCompareTable   *self,
                              FsCompareSession *session)
{
  g_return_if_fail (FS_IS_COMPARE_TABLE (self));
  g_return_if_fail (!session || FS_IS_COMPARE_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self,
                             G_CONNECT_SWAPPED);

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* The labels in @widget, in order, separated by spaces */
static void
append_labels (GString   *text,
               GtkWidget *widget)
{
  if (widget == NULL)
    return;

  if (GTK_IS_LABEL (widget))
    {
      if (text->len > 0 && text->str[text->len - 1] != '\t' && text->str[text->len - 1] != '\n')
        g_string_append_c (text, ' ');
      g_string_append (text, gtk_label_get_label (GTK_LABEL (widget)));
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_labels (text, child);
}

/**
 * fs_compare_table_dup_text:
 *
 * Returns: (transfer full): the table as the screen shows it, a row a
 *   line and cells separated by tabs: for tests and the clipboard
 */
char *
fs_compare_table_dup_text (FsCompareTable *self)
{
  GString *text = g_string_new (NULL);
  int n_rows = 0;

  g_return_val_if_fail (FS_IS_COMPARE_TABLE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int row;

      gtk_grid_query_child (self->grid, child, NULL, &row, NULL, NULL);
      n_rows = MAX (n_rows, row + 1);
    }

  for (int row = 0; row < n_rows; row++)
    {
      for (int column = COLUMN_RANK; column < N_COLUMNS; column++)
        {
          if (column > COLUMN_RANK)
            g_string_append_c (text, '\t');
          append_labels (text, gtk_grid_get_child_at (self->grid, column, row));
        }
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

/* fs-export.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "fs-atomic-file.h"
#include "fs-chart-render-private.h"
#include "fs-export.h"

/* cairo's image surfaces stop at 32767 pixels a side. */
#define MAX_PIXELS 32767
#define MAX_SCALE  8.0

static const char * const format_names[] = { "png", "svg", "pdf" };

const char *
fs_export_format_to_string (FsExportFormat format)
{
  g_return_val_if_fail (format <= FS_EXPORT_PDF, "png");

  return format_names[format];
}

/* By the file's extension, in any case. */
gboolean
fs_export_format_from_path (const char     *path,
                            FsExportFormat *format)
{
  const char *dot;
  guint index;

  g_return_val_if_fail (path != NULL, FALSE);

  dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL ||
      !fs_lookup_name (format_names, G_N_ELEMENTS (format_names), dot + 1, &index))
    return FALSE;

  if (format != NULL)
    *format = index;

  return TRUE;
}

typedef struct
{
  GOutputStream *stream;     /* or, if NULL, into buffer */
  GByteArray    *buffer;
  GError        *error;
} Writer;

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  Writer *writer = closure;

  if (writer->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;

  if (writer->stream == NULL)
    {
      g_byte_array_append (writer->buffer, data, length);
      return CAIRO_STATUS_SUCCESS;
    }

  if (!g_output_stream_write_all (writer->stream, data, length, NULL, NULL, &writer->error))
    return CAIRO_STATUS_WRITE_ERROR;

  return CAIRO_STATUS_SUCCESS;
}

static gboolean
check_status (const char      *path,
              cairo_status_t   status,
              Writer          *writer,
              GError         **error)
{
  if (writer->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&writer->error),
                                  "Could not write “%s”: ", path);
      return FALSE;
    }

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not draw “%s”: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

/* cairo 1.16 writes no title: one goes right after the <svg> tag. */
static GBytes *
svg_with_description (GByteArray *svg,
                      const char *description)
{
  g_autoptr(GString) text = g_string_new_len ((const char *) svg->data, svg->len);
  const char *tag = strstr (text->str, "<svg");
  const char *end = tag != NULL ? strchr (tag, '>') : NULL;

  if (description != NULL && end != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (description, -1);
      g_autofree char *insert = g_strdup_printf ("\n<title>%s</title>\n<desc>%s</desc>",
                                                 escaped, escaped);

      g_string_insert (text, end + 1 - text->str, insert);
    }

  return g_string_free_to_bytes (g_steal_pointer (&text));
}

static cairo_surface_t *
create_vector_surface (FsExportFormat  format,
                       Writer         *writer,
                       int             width,
                       int             height,
                       const char     *description)
{
  cairo_surface_t *surface;

  if (format == FS_EXPORT_SVG)
    {
      surface = cairo_svg_surface_create_for_stream (write_cb, writer, width, height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      return surface;
    }

  surface = cairo_pdf_surface_create_for_stream (write_cb, writer, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "Fetchscope " PACKAGE_VERSION);
  if (description != NULL)
    {
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, description);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, description);
    }

  return surface;
}

/**
 * fs_export_draw:
 * @scale: PNG: device pixels per unit; SVG and PDF: ignored by the page,
 *   which is @width × @height (the caller's style says how fine bitmaps are)
 * @description: (nullable): what the file shows, in words
 *
 * Draws with @draw into a new file at @path, atomically.
 */
gboolean
fs_export_draw (const char        *path,
                FsExportFormat     format,
                int                width,
                int                height,
                double             scale,
                const char        *description,
                FsExportDrawFunc   draw,
                gpointer           user_data,
                GError           **error)
{
  g_autoptr(cairo_surface_t) surface = NULL;
  g_autoptr(cairo_t) cr = NULL;
  g_autoptr(FsAtomicFile) file = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  Writer writer = { NULL, NULL, NULL };
  double device_w = ceil (width * scale);
  double device_h = ceil (height * scale);
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format <= FS_EXPORT_PDF, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (width <= 0 || height <= 0 || !(scale > 0) || scale > MAX_SCALE ||
      device_w > MAX_PIXELS || device_h > MAX_PIXELS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot draw an image of %d × %d at scale %g", width, height, scale);
      return FALSE;
    }

  if (format == FS_EXPORT_PNG)
    {
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) device_w, (int) device_h);
      cr = cairo_create (surface);
      cairo_scale (cr, scale, scale);
      draw (cr, width, height, user_data);
      if (!check_status (path, cairo_status (cr), &writer, error))
        return FALSE;
      cairo_surface_flush (surface);

      if (!(file = fs_atomic_file_new (path, error)))
        return FALSE;
      writer.stream = fs_atomic_file_get_stream (file);
      status = cairo_surface_write_to_png_stream (surface, write_cb, &writer);
      if (!check_status (path, status, &writer, error))
        return FALSE;

      return fs_atomic_file_commit (file, error);
    }

  /* Vector: PDF streams into the file; SVG is kept to add its title. */
  if (format == FS_EXPORT_PDF)
    {
      if (!(file = fs_atomic_file_new (path, error)))
        return FALSE;
      writer.stream = fs_atomic_file_get_stream (file);
    }
  else
    {
      buffer = g_byte_array_new ();
      writer.buffer = buffer;
    }

  surface = create_vector_surface (format, &writer, width, height, description);
  cr = cairo_create (surface);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  g_clear_pointer (&cr, cairo_destroy);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  if (!check_status (path, status, &writer, error))
    return FALSE;

  if (format == FS_EXPORT_SVG)
    {
      g_autoptr(GBytes) bytes = svg_with_description (buffer, description);

      if (!(file = fs_atomic_file_new (path, error)) ||
          !g_output_stream_write_all (fs_atomic_file_get_stream (file),
                                      g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      NULL, NULL, error))
        return FALSE;
    }

  return fs_atomic_file_commit (file, error);
}

typedef struct
{
  const FsDashboard *dashboard;
  FsChartStyle       style;
  FsChartKind        kind;
  gboolean           whole;
} DashboardDraw;

static void
draw_dashboard_cb (cairo_t  *cr,
                   int       width,
                   int       height,
                   gpointer  user_data)
{
  DashboardDraw *draw = user_data;

  if (draw->whole)
    fs_dashboard_render (cr, draw->dashboard, &draw->style, width, height);
  else
    fs_dashboard_render_chart (cr, draw->kind, draw->dashboard, &draw->style, width, height);
}

static gboolean
export_dashboard (const char         *path,
                  FsExportFormat      format,
                  DashboardDraw      *draw,
                  int                 width,
                  int                 height,
                  double              scale,
                  GError            **error)
{
  g_autofree char *footer = fs_dashboard_dup_footer (draw->dashboard);

  /* Lines and swimlane cells are bitmaps: sharp at twice the page's size. */
  if (format != FS_EXPORT_PNG)
    draw->style.raster_scale = CLAMP (2 * scale, 2, MAX_SCALE);

  return fs_export_draw (path, format, width, height, scale, footer, draw_dashboard_cb, draw,
                         error);
}

/**
 * fs_export_dashboard:
 *
 * The whole dashboard of @dashboard's runs, with its footer.
 */
gboolean
fs_export_dashboard (const char         *path,
                     FsExportFormat      format,
                     const FsDashboard  *dashboard,
                     const FsChartStyle *style,
                     int                 width,
                     int                 height,
                     double              scale,
                     GError            **error)
{
  DashboardDraw draw = { dashboard, *style, FS_CHART_LATENCY, TRUE };

  g_return_val_if_fail (dashboard != NULL && dashboard->n_runs > 0, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);

  return export_dashboard (path, format, &draw, width, height, scale, error);
}

/**
 * fs_export_chart:
 *
 * One chart of @dashboard's runs (overlaid if several), with the footer.
 */
gboolean
fs_export_chart (const char         *path,
                 FsExportFormat      format,
                 FsChartKind         kind,
                 const FsDashboard  *dashboard,
                 const FsChartStyle *style,
                 int                 width,
                 int                 height,
                 double              scale,
                 GError            **error)
{
  DashboardDraw draw = { dashboard, *style, kind, FALSE };

  g_return_val_if_fail (kind < FS_N_CHARTS, FALSE);
  g_return_val_if_fail (dashboard != NULL && dashboard->n_runs > 0, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);

  if (height <= FS_DASHBOARD_FOOTER_HEIGHT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A chart needs to be taller than its footer (%d)", FS_DASHBOARD_FOOTER_HEIGHT);
      return FALSE;
    }

  return export_dashboard (path, format, &draw, width, height, scale, error);
}

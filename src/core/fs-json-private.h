/* fs-json-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading and writing the JSON of saved runs: getters that check a member's
 * type and range and say what is wrong (FS_ERROR_INVALID_DATA) rather than
 * take a default, so a damaged file is rejected, never half believed; and
 * runs of guint32 counters written with their zeros folded (a negative
 * number -k stands for k zeros), which keeps sparse bins and cells small.
 *
 * Threading: plain functions; any thread.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void     _fs_json_add_int        (JsonBuilder    *builder,
                                  const char     *member,
                                  gint64          value);
void     _fs_json_add_double     (JsonBuilder    *builder,
                                  const char     *member,
                                  double          value);
void     _fs_json_add_boolean    (JsonBuilder    *builder,
                                  const char     *member,
                                  gboolean        value);
void     _fs_json_add_string     (JsonBuilder    *builder,
                                  const char     *member,
                                  const char     *value);
void     _fs_json_add_uint32s    (JsonBuilder    *builder,
                                  const char     *member,
                                  const guint32  *values,
                                  gsize           n_values);
void     _fs_json_add_uint64s    (JsonBuilder    *builder,
                                  const char     *member,
                                  const guint64  *values,
                                  gsize           n_values);

gboolean _fs_json_get_object     (JsonObject     *object,
                                  const char     *member,
                                  JsonObject    **out,
                                  GError        **error);
gboolean _fs_json_get_array      (JsonObject     *object,
                                  const char     *member,
                                  JsonArray     **out,
                                  GError        **error);
gboolean _fs_json_get_int        (JsonObject     *object,
                                  const char     *member,
                                  gint64          min,
                                  gint64          max,
                                  gint64         *out,
                                  GError        **error);
gboolean _fs_json_get_uint       (JsonObject     *object,
                                  const char     *member,
                                  guint64         max,
                                  guint64        *out,
                                  GError        **error);
gboolean _fs_json_get_double     (JsonObject     *object,
                                  const char     *member,
                                  double         *out,
                                  GError        **error);
gboolean _fs_json_get_boolean    (JsonObject     *object,
                                  const char     *member,
                                  gboolean       *out,
                                  GError        **error);
gboolean _fs_json_get_string     (JsonObject     *object,
                                  const char     *member,
                                  gboolean        nullable,
                                  const char    **out,
                                  GError        **error);
gboolean _fs_json_array_get_int  (JsonArray      *array,
                                  guint           index,
                                  gint64          min,
                                  gint64          max,
                                  gint64         *out,
                                  GError        **error);
gboolean _fs_json_check_item_int (gboolean      is_int,
                                  gint64         value,
                                  guint          index,
                                  gint64         min,
                                  gint64         max,
                                  gint64        *out,
                                  GError       **error);
gboolean _fs_json_array_get_array (JsonArray     *array,
                                   guint          index,
                                   guint          length,
                                   JsonArray    **out,
                                   GError       **error);
gboolean _fs_json_get_uint32s    (JsonObject     *object,
                                  const char     *member,
                                  guint32        *values,
                                  gsize           n_values,
                                  GError        **error);
gboolean _fs_json_get_uint64s    (JsonObject     *object,
                                  const char     *member,
                                  guint64        *values,
                                  gsize           n_values,
                                  GError        **error);
gboolean _fs_json_node_get_object (JsonNode      *node,
                                   const char    *what,
                                   JsonObject   **out,
                                   GError       **error);

G_END_DECLS

/* fs-json.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fs-error.h"
#include "fs-json-private.h"

void
_fs_json_add_int (JsonBuilder *builder,
                  const char  *member,
                  gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
_fs_json_add_double (JsonBuilder *builder,
                     const char  *member,
                     double       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, isfinite (value) ? value : 0.0);
}

void
_fs_json_add_boolean (JsonBuilder *builder,
                      const char  *member,
                      gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

void
_fs_json_add_string (JsonBuilder *builder,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
_fs_json_add_uint64s (JsonBuilder   *builder,
                      const char    *member,
                      const guint64 *values,
                      gsize          n_values)
{
  gint64 zeros = 0;

  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (gsize i = 0; i < n_values; i++)
    {
      if (values[i] == 0)
        {
          zeros++;
          continue;
        }
      if (zeros > 0)
        json_builder_add_int_value (builder, -zeros);
      zeros = 0;
      json_builder_add_int_value (builder, (gint64) MIN (values[i], (guint64) G_MAXINT64));
    }
  if (zeros > 0)
    json_builder_add_int_value (builder, -zeros);
  json_builder_end_array (builder);
}

void
_fs_json_add_uint32s (JsonBuilder   *builder,
                      const char    *member,
                      const guint32 *values,
                      gsize          n_values)
{
  g_autofree guint64 *wide = g_new (guint64, MAX (n_values, 1));

  for (gsize i = 0; i < n_values; i++)
    wide[i] = values[i];
  _fs_json_add_uint64s (builder, member, wide, n_values);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_DATA, message);

  return FALSE;
}

static JsonNode *
get_member (JsonObject  *object,
            const char  *member,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    invalid (error, "“%s” is missing", member);

  return node;
}

gboolean
_fs_json_node_get_object (JsonNode    *node,
                          const char  *what,
                          JsonObject **out,
                          GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "%s should be an object", what);

  *out = json_node_get_object (node);

  return TRUE;
}

gboolean
_fs_json_get_object (JsonObject  *object,
                     const char  *member,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node;
  g_autofree char *what = g_strdup_printf ("“%s”", member);

  if (!(node = get_member (object, member, error)))
    return FALSE;

  return _fs_json_node_get_object (node, what, out, error);
}

gboolean
_fs_json_get_array (JsonObject  *object,
                    const char  *member,
                    JsonArray  **out,
                    GError     **error)
{
  JsonNode *node;

  if (!(node = get_member (object, member, error)))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "“%s” should be an array", member);

  *out = json_node_get_array (node);

  return TRUE;
}

static gboolean
check_int (gboolean     is_int,
           gint64       value,
           const char  *what,
           gint64       min,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  if (!is_int)
    return invalid (error, "%s should be a whole number", what);
  if (value < min || value > max)
    return invalid (error, "%s is %" G_GINT64_FORMAT ", out of range (%" G_GINT64_FORMAT
                    " to %" G_GINT64_FORMAT ")", what, value, min, max);

  *out = value;

  return TRUE;
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_get_int (JsonNode    *node,
              const char  *what,
              gint64       min,
              gint64       max,
              gint64      *out,
              GError     **error)
{
  gboolean is_int = node_is_int (node);

  return check_int (is_int, is_int ? json_node_get_int (node) : 0, what, min, max, out, error);
}

/**
 * _fs_json_check_item_int:
 * @is_int: whether item @index of an array is a whole number
 * @value: its value, if it is
 *
 * What _fs_json_array_get_int() checks and says, for an item read some
 * other way than from a #JsonArray; the message is made only when needed.
 */
gboolean
_fs_json_check_item_int (gboolean   is_int,
                         gint64     value,
                         guint      index,
                         gint64     min,
                         gint64     max,
                         gint64    *out,
                         GError   **error)
{
  g_autofree char *what = NULL;

  if (is_int && value >= min && value <= max)
    {
      *out = value;
      return TRUE;
    }

  what = g_strdup_printf ("item %u", index);

  return check_int (is_int, value, what, min, max, out, error);
}

gboolean
_fs_json_get_int (JsonObject  *object,
                  const char  *member,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  g_autofree char *what = g_strdup_printf ("“%s”", member);
  JsonNode *node;

  if (!(node = get_member (object, member, error)))
    return FALSE;

  return node_get_int (node, what, min, max, out, error);
}

gboolean
_fs_json_get_uint (JsonObject  *object,
                   const char  *member,
                   guint64      max,
                   guint64     *out,
                   GError     **error)
{
  gint64 value;

  if (!_fs_json_get_int (object, member, 0, (gint64) MIN (max, (guint64) G_MAXINT64), &value,
                         error))
    return FALSE;

  *out = (guint64) value;

  return TRUE;
}

gboolean
_fs_json_get_double (JsonObject  *object,
                     const char  *member,
                     double      *out,
                     GError     **error)
{
  JsonNode *node;
  GType type;

  if (!(node = get_member (object, member, error)))
    return FALSE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return invalid (error, "“%s” should be a number", member);

  *out = json_node_get_double (node);

  return TRUE;
}

gboolean
_fs_json_get_boolean (JsonObject  *object,
                      const char  *member,
                      gboolean    *out,
                      GError     **error)
{
  JsonNode *node;

  if (!(node = get_member (object, member, error)))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, "“%s” should be true or false", member);

  *out = json_node_get_boolean (node);

  return TRUE;
}

gboolean
_fs_json_get_string (JsonObject  *object,
                     const char  *member,
                     gboolean     nullable,
                     const char **out,
                     GError     **error)
{
  JsonNode *node;

  if (!(node = get_member (object, member, error)))
    return FALSE;

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "“%s” should be a string", member);

  *out = json_node_get_string (node);

  return TRUE;
}

gboolean
_fs_json_array_get_int (JsonArray  *array,
                        guint       index,
                        gint64      min,
                        gint64      max,
                        gint64     *out,
                        GError    **error)
{
  JsonNode *node;
  gboolean is_int;

  if (index >= json_array_get_length (array))
    return invalid (error, "item %u is missing", index);

  node = json_array_get_element (array, index);
  is_int = node_is_int (node);

  return _fs_json_check_item_int (is_int, is_int ? json_node_get_int (node) : 0, index, min,
                                  max, out, error);
}

/* An array of @length items (any length if 0). */
gboolean
_fs_json_array_get_array (JsonArray  *array,
                          guint       index,
                          guint       length,
                          JsonArray **out,
                          GError    **error)
{
  JsonNode *node;

  if (index >= json_array_get_length (array))
    return invalid (error, "item %u is missing", index);

  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "item %u should be an array", index);
  if (length > 0 && json_array_get_length (json_node_get_array (node)) != length)
    return invalid (error, "item %u should have %u items, not %u", index, length,
                    json_array_get_length (json_node_get_array (node)));

  *out = json_node_get_array (node);

  return TRUE;
}

static gboolean
get_counts (JsonObject  *object,
            const char  *member,
            guint64      max,
            guint64     *values,
            gsize        n_values,
            GError     **error)
{
  JsonArray *array;
  gsize filled = 0;
  guint length;

  if (!_fs_json_get_array (object, member, &array, error))
    return FALSE;

  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      gint64 value;

      if (!_fs_json_array_get_int (array, i, -(gint64) MIN (n_values, (gsize) G_MAXINT64),
                                   (gint64) MIN (max, (guint64) G_MAXINT64), &value, error))
        {
          g_prefix_error (error, "“%s”: ", member);
          return FALSE;
        }

      if (value < 0)
        {
          if ((guint64) -value > n_values - filled)
            break;
          for (gint64 z = 0; z < -value; z++)
            values[filled++] = 0;
        }
      else
        {
          if (filled == n_values)
            {
              filled = n_values + 1;
              break;
            }
          values[filled++] = (guint64) value;
        }
    }

  if (filled != n_values)
    return invalid (error, "“%s” should hold %" G_GSIZE_FORMAT " counts", member, n_values);

  return TRUE;
}

gboolean
_fs_json_get_uint64s (JsonObject  *object,
                      const char  *member,
                      guint64     *values,
                      gsize        n_values,
                      GError     **error)
{
  return get_counts (object, member, G_MAXINT64, values, n_values, error);
}

gboolean
_fs_json_get_uint32s (JsonObject  *object,
                      const char  *member,
                      guint32     *values,
                      gsize        n_values,
                      GError     **error)
{
  g_autofree guint64 *wide = g_new (guint64, MAX (n_values, 1));

  if (!get_counts (object, member, G_MAXUINT32, wide, n_values, error))
    return FALSE;

  for (gsize i = 0; i < n_values; i++)
    values[i] = (guint32) wide[i];

  return TRUE;
}

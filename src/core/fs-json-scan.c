/* fs-json-scan.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-json-scan.h"

void
_fs_json_scan_init (FsJsonScan *scan,
                    const char *text,
                    gsize       length,
                    gsize       pos)
{
  scan->text = text;
  scan->length = length;
  scan->pos = MIN (pos, length);
}

static void
skip_space (FsJsonScan *scan)
{
  while (scan->pos < scan->length &&
         (scan->text[scan->pos] == ' ' || scan->text[scan->pos] == '\t' ||
          scan->text[scan->pos] == '\n' || scan->text[scan->pos] == '\r'))
    scan->pos++;
}

/* After whitespace: is @c next? */
gboolean
_fs_json_scan_peek (FsJsonScan *scan,
                    char        c)
{
  skip_space (scan);

  return scan->pos < scan->length && scan->text[scan->pos] == c;
}

/* After whitespace, steps over @c if it is next. */
gboolean
_fs_json_scan_char (FsJsonScan *scan,
                    char        c)
{
  if (!_fs_json_scan_peek (scan, c))
    return FALSE;
  scan->pos++;

  return TRUE;
}

/* A string: *start and *end bound what is between its quotes. */
static gboolean
scan_string (FsJsonScan *scan,
             gsize      *start,
             gsize      *end)
{
  if (!_fs_json_scan_char (scan, '"'))
    return FALSE;

  *start = scan->pos;
  while (scan->pos < scan->length)
    {
      char c = scan->text[scan->pos];

      if (c == '"')
        {
          *end = scan->pos++;
          return TRUE;
        }
      scan->pos += c == '\\' ? 2 : 1;
    }
  scan->pos = scan->length;

  return FALSE;
}

/**
 * _fs_json_scan_key:
 * @matches: (out): whether the member's name is @name, written as is (a
 *   name spelled with escapes does not match)
 *
 * Steps over a member's name and its colon.
 */
gboolean
_fs_json_scan_key (FsJsonScan *scan,
                   const char *name,
                   gboolean   *matches)
{
  gsize start, end;

  if (!scan_string (scan, &start, &end) || !_fs_json_scan_char (scan, ':'))
    return FALSE;
  *matches = end - start == strlen (name) && memcmp (scan->text + start, name, end - start) == 0;

  return TRUE;
}

static gboolean
scan_value (FsJsonScan *scan,
            guint       depth)
{
  gsize start, end;

  if (depth > FS_JSON_SCAN_MAX_DEPTH)
    return FALSE;

  skip_space (scan);
  if (scan->pos >= scan->length)
    return FALSE;

  switch (scan->text[scan->pos])
    {
    case '"':
      return scan_string (scan, &start, &end);

    case '{':
      scan->pos++;
      if (_fs_json_scan_char (scan, '}'))
        return TRUE;
      do
        {
          gboolean unused;

          if (!_fs_json_scan_key (scan, "", &unused) || !scan_value (scan, depth + 1))
            return FALSE;
        }
      while (_fs_json_scan_char (scan, ','));
      return _fs_json_scan_char (scan, '}');

    case '[':
      scan->pos++;
      if (_fs_json_scan_char (scan, ']'))
        return TRUE;
      do
        {
          if (!scan_value (scan, depth + 1))
            return FALSE;
        }
      while (_fs_json_scan_char (scan, ','));
      return _fs_json_scan_char (scan, ']');

    default:
      /* a number, true, false or null, checked by the parser later */
      start = scan->pos;
      while (scan->pos < scan->length &&
             (g_ascii_isalnum (scan->text[scan->pos]) || scan->text[scan->pos] == '-' ||
              scan->text[scan->pos] == '+' || scan->text[scan->pos] == '.'))
        scan->pos++;
      return scan->pos > start;
    }
}

/* Steps over one whole value and the whitespace before it. */
gboolean
_fs_json_scan_value (FsJsonScan *scan)
{
  return scan_value (scan, 0);
}

/* Only whitespace is left. */
gboolean
_fs_json_scan_end (FsJsonScan *scan)
{
  skip_space (scan);

  return scan->pos == scan->length;
}

/* After a scalar: what may follow one in JSON. */
static gboolean
at_scalar_end (FsJsonScan *scan)
{
  char c;

  if (scan->pos >= scan->length)
    return TRUE;
  c = scan->text[scan->pos];

  return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/**
 * _fs_json_scan_int:
 * @out: (out): the number
 *
 * Reads a whole number as JSON writes one (an optional minus, then 0 or
 * digits that do not start with 0; no fraction, no exponent) that fits in
 * a #gint64. Anything else, this one does not read: it leaves @scan where
 * it was (whitespace aside) and returns %FALSE, for a real parser to judge.
 */
gboolean
_fs_json_scan_int (FsJsonScan *scan,
                   gint64     *out)
{
  gsize start;
  gboolean negative;
  guint64 magnitude = 0;
  guint64 limit;

  skip_space (scan);
  start = scan->pos;
  negative = scan->pos < scan->length && scan->text[scan->pos] == '-';
  if (negative)
    scan->pos++;
  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;

  if (scan->pos >= scan->length || !g_ascii_isdigit (scan->text[scan->pos]))
    goto not_read;
  if (scan->text[scan->pos] == '0')
    scan->pos++;
  else
    while (scan->pos < scan->length && g_ascii_isdigit (scan->text[scan->pos]))
      {
        guint digit = (guint) (scan->text[scan->pos++] - '0');

        if (magnitude > (limit - digit) / 10)
          goto not_read;
        magnitude = magnitude * 10 + digit;
      }
  if (!at_scalar_end (scan))
    goto not_read;

  *out = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;

  return TRUE;

not_read:
  scan->pos = start;
  return FALSE;
}

/* Reads the literal null; as _fs_json_scan_int() with anything else. */
gboolean
_fs_json_scan_null (FsJsonScan *scan)
{
  skip_space (scan);
  if (scan->length - scan->pos < 4 || memcmp (scan->text + scan->pos, "null", 4) != 0)
    return FALSE;
  scan->pos += 4;
  if (at_scalar_end (scan))
    return TRUE;
  scan->pos -= 4;

  return FALSE;
}

/**
 * _fs_json_scan_plain_string:
 * @start: (out): where the string's text starts, after its opening quote
 * @length: (out): the length of its text, in bytes
 *
 * Reads a string that needs no unescaping: no backslash, no control
 * character; its text is then @length bytes at @start as they stand. With
 * anything else, as _fs_json_scan_int().
 */
gboolean
_fs_json_scan_plain_string (FsJsonScan  *scan,
                            const char **start,
                            gsize       *length)
{
  gsize from, pos;

  skip_space (scan);
  if (scan->pos >= scan->length || scan->text[scan->pos] != '"')
    return FALSE;

  from = scan->pos + 1;
  for (pos = from; pos < scan->length; pos++)
    {
      guchar c = (guchar) scan->text[pos];

      if (c == '"')
        {
          *start = scan->text + from;
          *length = pos - from;
          scan->pos = pos + 1;
          return TRUE;
        }
      if (c == '\\' || c < 0x20)
        return FALSE;
    }

  return FALSE;
}

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

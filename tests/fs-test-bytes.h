/* fs-test-bytes.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Overwrites little-endian fields in an encoded frame, for tests that forge
 * broken ones.
 */

#pragma once

#include <string.h>

#include <glib.h>

static inline void
fs_test_set_u16 (GByteArray *bytes,
                 gsize       offset,
                 guint16     value)
{
  guint16 le = GUINT16_TO_LE (value);

  g_assert (offset + sizeof le <= bytes->len);
  memcpy (bytes->data + offset, &le, sizeof le);
}

static inline void
fs_test_set_u32 (GByteArray *bytes,
                 gsize       offset,
                 guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_assert (offset + sizeof le <= bytes->len);
  memcpy (bytes->data + offset, &le, sizeof le);
}

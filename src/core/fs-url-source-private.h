/* fs-url-source-private.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threading: as for fs_url_source_start(), but everything happens on the
 * calling thread.
 */

#pragma once

#include "fs-url-source.h"

G_BEGIN_DECLS

void _fs_url_source_parse_buffer (FsUrlSource *self,
                                  FsJobQueue  *queue,
                                  const char  *data,
                                  gsize        len,
                                  gsize        chunk_size);

G_END_DECLS

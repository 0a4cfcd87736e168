/* fs-error.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fs-error.h"

G_DEFINE_QUARK (fs-error-quark, fs_error)

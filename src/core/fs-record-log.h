/* fs-record-log.h
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run's terminal records, kept for saving and CSV in 64 bytes each where
 * an FsEvent takes 264: the start time in 48 bits, the other times as
 * 32-bit µs after the start, the lane and URL class as indexes into small
 * tables. A record that does not fit (an error text, a time more than
 * 35 minutes from its start, a body over 4 GiB, more than 65,536 lanes or
 * 255 classes) is kept whole beside the others, so nothing is lost: what
 * fs_record_log_get() gives back is the FsEvent that was added, byte for
 * byte, padding zeroed.
 *
 * Threading: any thread, one writer; readers once it is no longer written.
 * Reference counted atomically, so a saved run may hold a run's log while
 * the runner starts the next one with a new log.
 */

#pragma once

#include "fs-event.h"

G_BEGIN_DECLS

typedef struct _FsRecordLog FsRecordLog;

FsRecordLog *fs_record_log_new        (void);
FsRecordLog *fs_record_log_ref        (FsRecordLog   *self);
void         fs_record_log_unref      (FsRecordLog   *self);
void         fs_record_log_add        (FsRecordLog   *self,
                                       const FsEvent *event);
guint        fs_record_log_get_length (FsRecordLog   *self);
void         fs_record_log_get        (FsRecordLog   *self,
                                       guint          index,
                                       FsEvent       *event);
gsize        fs_record_log_get_size   (FsRecordLog   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsRecordLog, fs_record_log_unref)

G_END_DECLS

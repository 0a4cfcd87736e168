/* fs-engine-serial.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "fs-engine-private.h"
#include "fs-engine-serial.h"
#include "fs-transfer-private.h"

struct _FsEngineSerial
{
  FsEngine parent_instance;
};

G_DEFINE_FINAL_TYPE (FsEngineSerial, fs_engine_serial, FS_TYPE_ENGINE)

static gboolean
fs_engine_serial_run (FsEngine      *engine,
                      FsJobQueue    *queue,
                      FsEventSink   *sink,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const FsRunConfig *config = fs_engine_get_config (engine);
  g_autoptr(GCancellable) own_cancellable = NULL;
  FsTransfer transfer;

  if (!_fs_transfer_init (&transfer, config,
                          _fs_engine_get_record_strategy (engine), error))
    {
      _fs_engine_cancel_queued (engine, queue, sink);
      return FALSE;
    }

  /* The progress callback checks it, so Stop interrupts a long transfer. */
  if (cancellable == NULL)
    cancellable = own_cancellable = g_cancellable_new ();
  transfer.cancellable = cancellable;
  _fs_transfer_set_cpu_stage (&transfer, _fs_engine_get_gil (engine), 1);
  transfer.lane.pid = getpid ();
  transfer.lane.tid = (gint32) syscall (SYS_gettid);

  _fs_transfer_fetch_all (&transfer, queue, sink, cancellable);

  _fs_engine_cancel_queued (engine, queue, sink);
  _fs_transfer_clear (&transfer);

  return TRUE;
}

static void
fs_engine_serial_class_init (FsEngineSerialClass *klass)
{
  FsEngineClass *engine_class = FS_ENGINE_CLASS (klass);

  engine_class->run = fs_engine_serial_run;
}

static void
fs_engine_serial_init (FsEngineSerial *self)
{
}

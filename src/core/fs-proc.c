/* fs-proc.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <fcntl.h>
#include <stdio.h>

#include "fs-proc.h"

/* Reads a small /proc file into @buf without allocating. */
static gssize
read_proc_file (const char  *path,
                char        *buf,
                gsize        size,
                GError     **error)
{
  gssize n;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not open %s: %s", path, g_strerror (errsv));
      return -1;
    }

  do
    n = read (fd, buf, size - 1);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not read %s: %s", path, g_strerror (errsv));
    }
  else
    buf[n] = '\0';

  close (fd);

  return n;
}

/**
 * fs_proc_read_sample:
 * @pid: a process id
 * @sample: (out): its resident set size and user + system CPU time
 */
gboolean
fs_proc_read_sample (GPid       pid,
                     FsSample  *sample,
                     GError   **error)
{
  static gsize initialised;
  static long page_size;
  static long clock_ticks;
  char path[64];
  char buf[1024];
  const char *p;
  guint64 utime = 0, stime = 0, resident = 0;

  g_return_val_if_fail (sample != NULL, FALSE);

  if (g_once_init_enter (&initialised))
    {
      clock_ticks = sysconf (_SC_CLK_TCK);
      page_size = sysconf (_SC_PAGESIZE);
      g_once_init_leave (&initialised, 1);
    }

  memset (sample, 0, sizeof *sample);
  sample->pid = pid;
  sample->loop_lag_us = -1;

  g_snprintf (path, sizeof path, "/proc/%d/statm", (int) pid);
  if (read_proc_file (path, buf, sizeof buf, error) < 0)
    return FALSE;
  if (sscanf (buf, "%*u %" G_GUINT64_FORMAT, &resident) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Unexpected %s", path);
      return FALSE;
    }
  sample->rss_bytes = resident * (guint64) page_size;

  /* The command name may contain spaces and parentheses: skip past the last ')'. */
  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_proc_file (path, buf, sizeof buf, error) < 0)
    return FALSE;
  if (!(p = strrchr (buf, ')')) ||
      sscanf (p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT, &utime, &stime) != 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Unexpected %s", path);
      return FALSE;
    }
  sample->cpu_us = (gint64) ((utime + stime) * G_USEC_PER_SEC / (guint64) clock_ticks);

  return TRUE;
}

void
fs_proc_sample_event (FsEvent        *event,
                      const FsSample *sample)
{
  g_return_if_fail (event != NULL);
  g_return_if_fail (sample != NULL);

  memset (event, 0, sizeof *event);
  event->kind = FS_EVENT_SAMPLE;
  event->t_done = g_get_monotonic_time ();
  event->lane.pid = sample->pid;
  event->sample = *sample;
}

void
fs_proc_sample_since (FsSample *sample,
                      gint64   *base_us)
{
  g_return_if_fail (sample != NULL);
  g_return_if_fail (base_us != NULL);

  if (*base_us < 0)
    *base_us = sample->cpu_us;
  sample->cpu_us = MAX (sample->cpu_us - *base_us, 0);
}

/* fs-event.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fs-event.h"
#include "fs-job-queue.h"

static const char * const outcome_names[FS_N_OUTCOMES] = {
  [FS_OUTCOME_OK] = "ok",
  [FS_OUTCOME_HTTP_ERROR] = "http_error",
  [FS_OUTCOME_TRANSPORT_ERROR] = "transport_error",
  [FS_OUTCOME_TIMEOUT] = "timeout",
  [FS_OUTCOME_CANCELLED] = "cancelled",
  [FS_OUTCOME_WORKER_LOST] = "worker_lost",
};

static const char * const strategy_names[FS_N_STRATEGIES] = {
  [FS_STRATEGY_SERIAL] = "serial",
  [FS_STRATEGY_LOOP] = "loop",
  [FS_STRATEGY_THREADS] = "threads",
  [FS_STRATEGY_PROCESSES] = "processes",
  [FS_STRATEGY_HYBRID] = "hybrid",
};

const char *
fs_outcome_to_string (FsOutcome outcome)
{
  g_return_val_if_fail (outcome < FS_N_OUTCOMES, "unknown");

  return outcome_names[outcome];
}

const char *
fs_route_to_string (FsRoute route)
{
  static const char * const names[FS_N_ROUTES] = { "", "loop", "pool" };

  return route < FS_N_ROUTES ? names[route] : "";
}

const char *
fs_route_reason_to_string (FsRouteReason reason)
{
  static const char * const names[] = { "", "class", "page_type", "learned", "default" };

  return reason < G_N_ELEMENTS (names) ? names[reason] : "";
}

const char *
fs_strategy_to_string (FsStrategy strategy)
{
  g_return_val_if_fail (strategy < FS_N_STRATEGIES, "unknown");

  return strategy_names[strategy];
}

/**
 * fs_lookup_name:
 * @names: (array length=n_names): a table of names, indexed by an enum
 * @index: (out) (optional): the index of @text in @names
 *
 * Finds @text in @names, ignoring ASCII case.
 */
gboolean
fs_lookup_name (const char * const *names,
                guint               n_names,
                const char         *text,
                guint              *index)
{
  g_return_val_if_fail (names != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < n_names; i++)
    {
      if (names[i] != NULL && g_ascii_strcasecmp (text, names[i]) == 0)
        {
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
fs_strategy_from_string (const char *str,
                         FsStrategy *strategy)
{
  guint index;

  g_return_val_if_fail (str != NULL, FALSE);

  if (!fs_lookup_name (strategy_names, FS_N_STRATEGIES, str, &index))
    return FALSE;

  if (strategy != NULL)
    *strategy = index;

  return TRUE;
}

static void
event_init_from_job (FsEvent      *event,
                     FsEventKind   kind,
                     const FsJob  *job,
                     FsStrategy    strategy,
                     const FsLane *lane)
{
  memset (event, 0, sizeof *event);
  event->kind = kind;
  event->strategy = strategy;
  event->job_id = job->id;
  event->url_index = job->url_index;
  event->url_class = job->url_class;
  event->t_queued = job->t_queued;
  event->route = job->route;
  event->route_reason = job->route_reason;
  if (lane != NULL)
    event->lane = *lane;
}

void
fs_event_init_start (FsEvent      *event,
                     const FsJob  *job,
                     FsStrategy    strategy,
                     const FsLane *lane,
                     gint64        t_started)
{
  g_return_if_fail (event != NULL);
  g_return_if_fail (job != NULL);

  event_init_from_job (event, FS_EVENT_START, job, strategy, lane);
  event->t_started = t_started;
}

void
fs_event_init_terminal (FsEvent      *event,
                        const FsJob  *job,
                        FsStrategy    strategy,
                        const FsLane *lane)
{
  g_return_if_fail (event != NULL);
  g_return_if_fail (job != NULL);

  event_init_from_job (event, FS_EVENT_TERMINAL, job, strategy, lane);
}

void
fs_event_set_error (FsEvent    *event,
                    const char *format,
                    ...)
{
  va_list args;

  g_return_if_fail (event != NULL);

  va_start (args, format);
  g_vsnprintf (event->error, sizeof event->error, format, args);
  va_end (args);
}

/* Latency as the user feels it: from pick-up to the end of the transfer. */
gint64
fs_event_latency_us (const FsEvent *event)
{
  g_return_val_if_fail (event != NULL, 0);

  if (event->t_started <= 0 || event->t_done < event->t_started)
    return 0;

  return event->t_done - event->t_started;
}

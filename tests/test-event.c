/* test-event.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-error.h"
#include "fs-event.h"
#include "fs-job-queue.h"
#include "fs-run-config.h"

static void
test_strategy_names (void)
{
  FsStrategy strategy = FS_N_STRATEGIES;

  for (guint i = 0; i < FS_N_STRATEGIES; i++)
    {
      g_assert_true (fs_strategy_from_string (fs_strategy_to_string (i), &strategy));
      g_assert_cmpint (strategy, ==, i);
    }

  g_assert_true (fs_strategy_from_string ("LOOP", &strategy));
  g_assert_cmpint (strategy, ==, FS_STRATEGY_LOOP);
  g_assert_false (fs_strategy_from_string ("fibers", &strategy));
  g_assert_false (fs_strategy_from_string ("", &strategy));
}

static void
test_outcome_names (void)
{
  g_assert_cmpstr (fs_outcome_to_string (FS_OUTCOME_OK), ==, "ok");
  g_assert_cmpstr (fs_outcome_to_string (FS_OUTCOME_HTTP_ERROR), ==, "http_error");
  g_assert_cmpstr (fs_outcome_to_string (FS_OUTCOME_WORKER_LOST), ==, "worker_lost");
}

static void
test_event_init (void)
{
  FsJob job = { .id = 7, .url_index = 3, .url = (char *) "http://127.0.0.1/",
                .url_class = "regular", .t_queued = 10 };
  FsLane lane = { .index = 1, .slot = 2, .pid = 3, .tid = 4 };
  FsEvent event;

  fs_event_init_start (&event, &job, FS_STRATEGY_LOOP, &lane, 100);
  g_assert_cmpint (event.kind, ==, FS_EVENT_START);
  g_assert_cmpuint (event.job_id, ==, 7);
  g_assert_cmpuint (event.url_index, ==, 3);
  g_assert_cmpint (event.t_queued, ==, 10);
  g_assert_cmpint (event.t_started, ==, 100);
  g_assert_cmpuint (event.lane.slot, ==, 2);

  fs_event_init_terminal (&event, &job, FS_STRATEGY_SERIAL, NULL);
  g_assert_cmpint (event.kind, ==, FS_EVENT_TERMINAL);
  g_assert_cmpuint (event.lane.index, ==, 0);
  g_assert_cmpint (fs_event_latency_us (&event), ==, 0);
  event.t_started = 100;
  event.t_done = 350;
  g_assert_cmpint (fs_event_latency_us (&event), ==, 250);

  fs_event_set_error (&event, "%s %d", "code", 7);
  g_assert_cmpstr (event.error, ==, "code 7");
  fs_event_set_error (&event, "%0200d", 1);
  g_assert_cmpuint (strlen (event.error), ==, FS_EVENT_ERROR_LEN - 1);
}

static void
test_run_config_validate (void)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  g_autoptr(FsRunConfig) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fs_run_config_validate (config, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (config->user_agent, "Fetchscope/"));

  config->concurrency = 0;
  g_assert_false (fs_run_config_validate (config, &error));
  g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Concurrency"));
  g_clear_error (&error);

  config->concurrency = FS_RUN_CONFIG_MAX_CONCURRENCY + 1;
  g_assert_false (fs_run_config_validate (config, &error));
  g_clear_error (&error);

  config->concurrency = 5;
  config->timeout_ms = 0;
  g_assert_false (fs_run_config_validate (config, &error));
  g_clear_error (&error);

  config->timeout_ms = 1000;
  copy = fs_run_config_copy (config);
  g_assert_cmpuint (copy->concurrency, ==, 5);
  g_assert_cmpstr (copy->user_agent, ==, config->user_agent);
  g_assert_true (copy->user_agent != config->user_agent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/Event/strategy-names", test_strategy_names);
  g_test_add_func ("/Fetchscope/Event/outcome-names", test_outcome_names);
  g_test_add_func ("/Fetchscope/Event/init", test_event_init);
  g_test_add_func ("/Fetchscope/RunConfig/validate", test_run_config_validate);

  return g_test_run ();
}

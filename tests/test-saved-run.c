/* test-saved-run.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fs-error.h"
#include "fs-json-scan.h"
#include "fs-saved-run.h"
#include "fs-saved-run-private.h"
#include "fs-test-charts.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("fetchscope-saved-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  fs_test_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static guint
count_files (Fixture *fixture)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* A synthetic run of about @n_events records, as a runner would hand it to
 * the saver. */
static FsSavedRun *
make_run (FsStrategy strategy,
          guint64    n_events,
          guint32    seed)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  FsSavedRun *run;

  config->strategy = strategy;
  config->concurrency = 17;
  config->cpu_work = FS_CPU_WORK_HASH;
  config->hash_rounds = 250;
  config->gil = strategy == FS_STRATEGY_THREADS;

  run = fs_saved_run_new (NULL, config, "demo:cpu");
  run->aggregator = fs_aggregator_new (FS_AGGREGATOR_DEFAULT_BUCKET_US,
                                       FS_AGGREGATOR_DEFAULT_N_BUCKETS);
  run->swimlane = fs_swimlane_new (20 * 1000, 300);
  run->records = fs_record_log_new ();
  run->started_at = g_date_time_new_utc (2026, 3, 4, 5, 6, 7.5);
  fs_test_charts_feed_full (run->aggregator, run->swimlane, run->records, n_events, seed);
  fs_aggregator_get_summary (run->aggregator, &run->summary);
  run->summary.wall_s += 0.125;
  run->summary.rps = run->summary.total / run->summary.wall_s;

  return run;
}

static void
assert_same_summary (const FsSummary *a,
                     const FsSummary *b)
{
  g_assert_cmpmem (a, sizeof *a, b, sizeof *b);
}

static void
assert_same_records (FsRecordLog *a,
                     FsRecordLog *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (fs_record_log_get_length (a), ==, fs_record_log_get_length (b));

  for (guint i = 0; i < fs_record_log_get_length (a); i++)
    {
      FsEvent x;
      FsEvent y;

      /* Both come back from zeroed memory, so padding matches too. */
      fs_record_log_get (a, i, &x);
      fs_record_log_get (b, i, &y);
      g_assert_cmpmem (&x, sizeof x, &y, sizeof y);
    }
}

static void
assert_same_aggregates (FsSavedRun *a,
                        FsSavedRun *b)
{
  FsSummary sa, sb;
  const FsHistogram *ha = fs_aggregator_get_latency (a->aggregator);
  const FsHistogram *hb = fs_aggregator_get_latency (b->aggregator);

  fs_aggregator_get_summary (a->aggregator, &sa);
  fs_aggregator_get_summary (b->aggregator, &sb);
  assert_same_summary (&sa, &sb);

  g_assert_cmpuint (fs_histogram_get_n_bins (ha), ==, fs_histogram_get_n_bins (hb));
  for (gsize i = 0; i < fs_histogram_get_n_bins (ha); i++)
    {
      guint64 la, ua, ca, lb, ub, cb;

      g_assert_true (fs_histogram_get_bin (ha, i, &la, &ua, &ca));
      g_assert_true (fs_histogram_get_bin (hb, i, &lb, &ub, &cb));
      g_assert_cmpuint (la, ==, lb);
      g_assert_cmpuint (ca, ==, cb);
    }

  g_assert_cmpint (fs_aggregator_get_bucket_us (a->aggregator), ==,
                   fs_aggregator_get_bucket_us (b->aggregator));
  g_assert_cmpuint (fs_aggregator_get_n_buckets (a->aggregator), ==,
                    fs_aggregator_get_n_buckets (b->aggregator));
  for (guint i = 0; i < fs_aggregator_get_n_buckets (a->aggregator); i++)
    g_assert_cmpmem (fs_aggregator_get_bucket (a->aggregator, i), sizeof (FsBucket),
                     fs_aggregator_get_bucket (b->aggregator, i), sizeof (FsBucket));

  g_assert_cmpuint (fs_aggregator_get_n_lanes (a->aggregator), ==,
                    fs_aggregator_get_n_lanes (b->aggregator));
  for (guint i = 0; i < fs_aggregator_get_n_lanes (a->aggregator); i++)
    g_assert_cmpmem (fs_aggregator_get_lane (a->aggregator, i), sizeof (FsLaneStats),
                     fs_aggregator_get_lane (b->aggregator, i), sizeof (FsLaneStats));

  g_assert_cmpuint (fs_aggregator_get_n_processes (a->aggregator), ==,
                    fs_aggregator_get_n_processes (b->aggregator));
  for (guint i = 0; i < fs_aggregator_get_n_processes (a->aggregator); i++)
    g_assert_cmpint (fs_aggregator_get_process_pid (a->aggregator, i), ==,
                     fs_aggregator_get_process_pid (b->aggregator, i));

  g_assert_cmpint (fs_swimlane_get_t0 (a->swimlane), ==, fs_swimlane_get_t0 (b->swimlane));
  g_assert_cmpint (fs_swimlane_get_bin_us (a->swimlane), ==, fs_swimlane_get_bin_us (b->swimlane));
  g_assert_cmpuint (fs_swimlane_get_n_bins (a->swimlane), ==, fs_swimlane_get_n_bins (b->swimlane));
  g_assert_cmpuint (fs_swimlane_get_n_rows (a->swimlane), ==, fs_swimlane_get_n_rows (b->swimlane));
  for (guint r = 0; r < fs_swimlane_get_n_rows (a->swimlane); r++)
    {
      g_assert_cmpmem (fs_swimlane_get_row (a->swimlane, r), sizeof (FsSwimlaneRow),
                       fs_swimlane_get_row (b->swimlane, r), sizeof (FsSwimlaneRow));
      g_assert_cmpmem (fs_swimlane_get_row_cells (a->swimlane, r),
                       fs_swimlane_get_n_bins (a->swimlane) * FS_N_PHASES * sizeof (guint32),
                       fs_swimlane_get_row_cells (b->swimlane, r),
                       fs_swimlane_get_n_bins (b->swimlane) * FS_N_PHASES * sizeof (guint32));
    }
}

static void
assert_same_run (FsSavedRun *a,
                 FsSavedRun *b)
{
  g_autofree char *cpu_a = fs_cpu_work_to_string (a->config->cpu_work, a->config->hash_rounds);
  g_autofree char *cpu_b = fs_cpu_work_to_string (b->config->cpu_work, b->config->hash_rounds);

  g_assert_cmpstr (a->label, ==, b->label);
  g_assert_cmpstr (a->urls, ==, b->urls);
  g_assert_cmpint (a->complete, ==, b->complete);
  g_assert_true (g_date_time_equal (a->started_at, b->started_at));
  g_assert_cmpint (a->config->strategy, ==, b->config->strategy);
  g_assert_cmpuint (a->config->concurrency, ==, b->config->concurrency);
  g_assert_cmpint (a->config->gil, ==, b->config->gil);
  g_assert_cmpstr (cpu_a, ==, cpu_b);
  g_assert_cmpstr (a->config->user_agent, ==, b->config->user_agent);
  assert_same_summary (&a->summary, &b->summary);
  assert_same_aggregates (a, b);
  assert_same_records (a->records, b->records);
}

/* Saved and loaded, plain and gzipped: the same run, down to every bucket,
 * cell and record; and the copy goes on counting as the original does. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_HYBRID, 30000, 7);

  g_assert_cmpuint (fs_record_log_get_length (run->records), >, 1000);

  for (guint compress = 0; compress <= 1; compress++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, compress ? "run.fetchscope.gz"
                                                                       : "run.fetchscope", NULL);
      g_autoptr(GPtrArray) loaded = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *head = NULL;
      gsize length;

      g_assert_true (fs_saved_runs_save (path, &run, 1,
                                         compress ? FS_SAVED_RUN_COMPRESS : FS_SAVED_RUN_NONE,
                                         &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &head, &length, NULL));
      if (compress)
        g_assert_cmpmem (head, 2, "\x1f\x8b", 2);
      else
        g_assert_true (g_str_has_prefix (head, "{\"format\":\"fetchscope-saved-run\""));

      loaded = fs_saved_runs_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (loaded->len, ==, 1);
      assert_same_run (run, g_ptr_array_index (loaded, 0));
    }
}

/* Texts in records come back as they were, whatever characters they
 * hold; bytes that are not UTF-8 come back as '?', the text as long. */
static void
test_record_texts (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const struct
  {
    const char *url_class;
    const char *error;
    const char *error_back;
  } cases[] = {
    { "light", "plain", "plain" },
    { "quote\"back\\slash", "Failed: \"x\"\\y", "Failed: \"x\"\\y" },
    { "tab\tnew\nline", "ctrl \x01\x1f end\r\n", "ctrl \x01\x1f end\r\n" },
    { "grüße ☃", "Schnee ☃ 💡 ünd", "Schnee ☃ 💡 ünd" },
    { NULL, "bad \xff\xfe utf8 \xc3", "bad ?? utf8 ?" },
    { "/", "</script>", "</script>" },
  };
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_LOOP, 200, 5);
  g_autofree char *path = g_build_filename (fixture->dir, "texts.fetchscope", NULL);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint n_before = fs_record_log_get_length (run->records);
  g_autofree char *text = NULL;
  gsize length;
  FsRecordLog *back;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FsEvent e;

      fs_record_log_get (run->records, 0, &e);
      e.url_class = cases[i].url_class ? g_intern_string (cases[i].url_class) : NULL;
      g_strlcpy (e.error, cases[i].error, sizeof e.error);
      fs_record_log_add (run->records, &e);
    }

  g_assert_true (fs_saved_runs_save (path, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_no_error (error);
  /* Strict JSON, for any reader: control characters only as escapes. */
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] < 0x20)
      g_error ("a raw control character 0x%02x at byte %" G_GSIZE_FORMAT, text[i], i);
  loaded = fs_saved_runs_load (path, &error);
  g_assert_no_error (error);
  back = ((FsSavedRun *) g_ptr_array_index (loaded, 0))->records;
  g_assert_cmpuint (fs_record_log_get_length (back), ==, n_before + G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FsEvent e;

      fs_record_log_get (back, n_before + i, &e);
      g_assert_cmpstr (e.url_class, ==, cases[i].url_class);
      g_assert_cmpstr (e.error, ==, cases[i].error_back);
    }
}

static void
test_continues (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_LOOP, 4000, 11);
  g_autofree char *path = g_build_filename (fixture->dir, "run.fetchscope", NULL);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FsAggregator) copy = fs_aggregator_copy (run->aggregator);
  g_autoptr(FsSwimlane) swimlane_copy = fs_swimlane_copy (run->swimlane);
  FsSavedRun *back;
  FsSavedRun copied = *run;

  g_assert_true (fs_saved_runs_save (path, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_no_error (error);
  loaded = fs_saved_runs_load (path, &error);
  g_assert_no_error (error);
  back = g_ptr_array_index (loaded, 0);

  /* A second, later run fed into the loaded aggregates, the original ones
   * and a copy of them: the bins merge, and all three must agree. */
  fs_test_charts_feed (run->aggregator, run->swimlane, 200000, 12);
  fs_test_charts_feed (back->aggregator, back->swimlane, 200000, 12);
  fs_test_charts_feed (copy, swimlane_copy, 200000, 12);
  assert_same_aggregates (run, back);
  copied.aggregator = copy;
  copied.swimlane = swimlane_copy;
  assert_same_aggregates (run, &copied);
}

/* Three runs of a comparison come back in order, each itself. */
static void
test_comparison (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "compare.fetchscope", NULL);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (runs, make_run (FS_STRATEGY_LOOP, 3000, 1));
  g_ptr_array_add (runs, make_run (FS_STRATEGY_THREADS, 5000, 2));
  g_ptr_array_add (runs, make_run (FS_STRATEGY_PROCESSES, 4000, 3));
  /* No swimlane and no records are allowed too. */
  g_clear_pointer (&((FsSavedRun *) runs->pdata[2])->records, fs_record_log_unref);
  ((FsSavedRun *) runs->pdata[1])->complete = FALSE;

  g_assert_true (fs_saved_runs_save (path, (FsSavedRun **) runs->pdata, runs->len,
                                     FS_SAVED_RUN_COMPRESS, &error));
  g_assert_no_error (error);
  loaded = fs_saved_runs_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);

  for (guint i = 0; i < 2; i++)
    assert_same_run (g_ptr_array_index (runs, i), g_ptr_array_index (loaded, i));
  g_assert_cmpstr (((FsSavedRun *) loaded->pdata[1])->label, ==, "threads + GIL");
  g_assert_null (((FsSavedRun *) loaded->pdata[2])->records);
  assert_same_aggregates (g_ptr_array_index (runs, 2), g_ptr_array_index (loaded, 2));
}

static void
assert_rejected (const char *path,
                 const char *contents,
                 gssize      length,
                 const char *expected)
{
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  loaded = fs_saved_runs_load (path, &error);
  g_assert_null (loaded);
  g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  /* It says which file, and what is wrong with it. */
  g_assert_nonnull (strstr (error->message, path));
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
}

/* Damaged and foreign files: rejected with a message naming the file and
 * the fault, and nothing returned. */
static void
test_rejects (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_THREADS, 2000, 5);
  g_autofree char *good = g_build_filename (fixture->dir, "good.fetchscope", NULL);
  g_autofree char *good_gz = g_build_filename (fixture->dir, "good.fetchscope.gz", NULL);
  g_autofree char *bad = g_build_filename (fixture->dir, "bad.fetchscope", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.fetchscope", NULL);
  g_autofree char *text = NULL;
  g_autofree char *gz = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const char garbage[] = "\x00\x01\x02PNG\xff\xfe garbage";
  gsize length, gz_length;

  g_assert_true (fs_saved_runs_save (good, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_true (fs_saved_runs_save (good_gz, &run, 1, FS_SAVED_RUN_COMPRESS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (good, &text, &length, NULL));
  g_assert_true (g_file_get_contents (good_gz, &gz, &gz_length, NULL));

  loaded = fs_saved_runs_load (missing, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  assert_rejected (bad, "", 0, "is empty");
  assert_rejected (bad, garbage, sizeof garbage, "not text");
  assert_rejected (bad, "just some words", -1, "not a saved run");
  /* Cut short anywhere: half, or all but the last brace. */
  assert_rejected (bad, text, length / 2, "cut short");
  assert_rejected (bad, text, length - 1, "cut short");
  assert_rejected (bad, gz, gz_length / 2, "gzip data is damaged");
  assert_rejected (bad, gz, 10, "gzip data is damaged");
  assert_rejected (bad, "{\"hello\": \"world\"}", -1, "not a Fetchscope saved run");
  assert_rejected (bad, "[1, 2, 3]", -1, "not a Fetchscope saved run");
  assert_rejected (bad, "{\"format\": \"fetchscope-saved-run\", \"version\": 99, \"runs\": []}",
                   -1, "newer Fetchscope");
  assert_rejected (bad, "{\"format\": \"fetchscope-saved-run\", \"version\": 1, \"runs\": []}",
                   -1, "holds no run");

  /* Well-formed JSON with a number out of place. */
  edited = g_strdup (text);
  g_assert_nonnull (strstr (edited, "\"concurrency\":17"));
  memcpy (strstr (edited, "\"concurrency\":17"), "\"concurrency\":-1", 16);
  assert_rejected (bad, edited, -1, "“concurrency” is -1");
  g_free (edited);

  edited = g_strdup (text);
  memcpy (strstr (edited, "\"n_buckets\":1200"), "\"n_buckets\":\"12\"", 16);
  assert_rejected (bad, edited, -1, "aggregates: “n_buckets” should be a whole number");
  g_free (edited);

  edited = g_strdup (text);
  memcpy (strstr (edited, "\"format\":\"fetchscope-saved-run\""),
          "\"format\":\"fetchscope-saved-ruX\"", 31);
  assert_rejected (bad, edited, -1, "not a Fetchscope saved run");
  g_free (edited);

  edited = g_strdup (text);
  memcpy (strstr (edited, "\"fields\":[\"job_id\""), "\"fields\":[\"job_ID\"", 18);
  assert_rejected (bad, edited, -1, "records: the fields are not those of version 1");
  g_clear_pointer (&edited, g_free);
}

/* Where row @k of the records begins: after the k-th "],[" of the rows. */
static char *
find_row (char  *text,
          guint  k)
{
  char *p = strstr (text, "\"rows\":[[");

  g_assert_nonnull (p);
  p += strlen ("\"rows\":[[");
  for (guint i = 0; i < k; i++)
    {
      p = strstr (p, "],[");
      g_assert_nonnull (p);
      p += 3;
    }

  return p;
}

/* The rows of the records are read apart from the tree of the rest; a
 * file they cannot be cut out of is read whole, with the same result, and
 * a damaged one gives the same messages. */
static void
test_rows_in_chunks (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_LOOP, 30000, 3);
  g_autofree char *path = g_build_filename (fixture->dir, "run.fetchscope", NULL);
  g_autofree char *bad = g_build_filename (fixture->dir, "bad.fetchscope", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *escaped = NULL;
  char *edited, *row, *p;
  gsize length;
  guint whole;

  /* Rows past 2048: past the chunks of 1024 they were once parsed in. */
  g_assert_cmpuint (fs_record_log_get_length (run->records), >, 2048);
  g_assert_true (fs_saved_runs_save (path, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));

  /* As saved, and pretty-printed: cut, not parsed whole. */
  whole = _fs_saved_runs_get_n_whole_parses ();
  {
    g_autoptr(GPtrArray) loaded = fs_saved_runs_load (path, &error);

    g_assert_no_error (error);
    assert_same_run (run, g_ptr_array_index (loaded, 0));
  }
  g_assert_true (json_parser_load_from_data (parser, text, (gssize) length, NULL));
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_set_pretty (generator, TRUE);
  pretty = json_generator_to_data (generator, NULL);
  g_assert_nonnull (strstr (pretty, "\n"));
  g_assert_true (g_file_set_contents (path, pretty, -1, NULL));
  {
    g_autoptr(GPtrArray) loaded = fs_saved_runs_load (path, &error);

    g_assert_no_error (error);
    assert_same_run (run, g_ptr_array_index (loaded, 0));
  }
  g_assert_cmpuint (_fs_saved_runs_get_n_whole_parses (), ==, whole);

  /* "rows" written with an escape is the same name to JSON: read whole. */
  p = strstr (text, "\"rows\":[[");
  escaped = g_strdup_printf ("%.*s\"\\u0072ows\"%s", (int) (p - text), text,
                             p + strlen ("\"rows\""));
  g_assert_true (g_file_set_contents (path, escaped, -1, NULL));
  {
    g_autoptr(GPtrArray) loaded = fs_saved_runs_load (path, &error);

    g_assert_no_error (error);
    assert_same_run (run, g_ptr_array_index (loaded, 0));
  }
  g_assert_cmpuint (_fs_saved_runs_get_n_whole_parses (), ==, whole + 1);

  /* A broken word in row 2100: read whole, which says what is wrong. */
  edited = g_strdup (text);
  row = find_row (edited, 2100);
  p = strstr (row, "null");
  g_assert_nonnull (p);
  g_assert_true (p < strstr (row, "]"));
  memcpy (p, "nulx", 4);
  assert_rejected (bad, edited, -1, "cut short");
  g_assert_cmpuint (_fs_saved_runs_get_n_whole_parses (), ==, whole + 2);
  g_free (edited);

  /* A row short of a field, counted from the first row of all. */
  edited = g_strdup (text);
  row = find_row (edited, 2100);
  p = strchr (row, ',');
  memmove (row, p + 1, strlen (p + 1) + 1);
  assert_rejected (bad, edited, -1, "records: record 2100: it should be an array of 25 items");
  g_assert_cmpuint (_fs_saved_runs_get_n_whole_parses (), ==, whole + 2);
  g_free (edited);
}

/* Loads @path with record rows read straight from the text, then with
 * every row through json-glib; returns whether the first loaded. */
static gboolean
assert_same_either_way (const char *path)
{
  g_autoptr(GPtrArray) plain = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) plain_error = NULL;
  g_autoptr(GError) parsed_error = NULL;

  plain = fs_saved_runs_load (path, &plain_error);
  _fs_saved_runs_set_plain_rows (FALSE);
  parsed = fs_saved_runs_load (path, &parsed_error);
  _fs_saved_runs_set_plain_rows (TRUE);

  if (plain == NULL)
    {
      g_assert_null (parsed);
      g_assert_nonnull (plain_error);
      g_assert_nonnull (parsed_error);
      g_test_message ("%s", plain_error->message);
      g_assert_cmpstr (plain_error->message, ==, parsed_error->message);
      return FALSE;
    }

  g_assert_no_error (parsed_error);
  g_assert_cmpuint (plain->len, ==, parsed->len);
  for (guint i = 0; i < plain->len; i++)
    assert_same_run (g_ptr_array_index (plain, i), g_ptr_array_index (parsed, i));

  return TRUE;
}

/* Rows in the form Fetchscope writes are read straight from the text, and
 * any other row through json-glib: a file loads, or is refused with its
 * message, the same either way, whatever form its items take. */
static void
test_plain_rows (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const struct
  {
    guint       field;
    const char *item;
    gboolean    plain;    /* read straight from the text */
    gboolean    loads;
    gboolean    whole;    /* the whole file goes through json-glib */
  } cases[] = {
    { 0, "5", TRUE, TRUE, FALSE },
    { 0, "9223372036854775807", TRUE, TRUE, FALSE },
    { 0, "9223372036854775808", FALSE, FALSE, FALSE },    /* json-glib wraps it */
    { 0, "18446744073709551617", FALSE, FALSE, FALSE },
    { 0, "-1", TRUE, FALSE, FALSE },
    { 22, "-9223372036854775808", TRUE, TRUE, FALSE },
    { 22, "-9223372036854775809", FALSE, TRUE, FALSE },    /* json-glib wraps it */
    { 6, "-0", TRUE, TRUE, FALSE },
    { 6, "0200", FALSE, TRUE, FALSE },    /* json-glib takes it as 200 */
    { 6, "200.0", FALSE, FALSE, FALSE },
    { 6, "2e2", FALSE, FALSE, FALSE },
    { 6, "true", FALSE, FALSE, FALSE },
    { 6, "\"200\"", TRUE, FALSE, FALSE },
    { 6, "null", TRUE, FALSE, FALSE },
    { 6, " \n\t200\r\n ", TRUE, TRUE, FALSE },
    { 2, "99", TRUE, FALSE, FALSE },
    { 8, "\"page\"", TRUE, TRUE, FALSE },
    { 8, "\"\"", TRUE, TRUE, FALSE },
    { 8, "\"päge ✓\"", TRUE, TRUE, FALSE },
    { 8, "\"p\\u00e4ge\"", FALSE, TRUE, FALSE },
    { 8, "\"a]b,c[d\"", TRUE, TRUE, FALSE },
    { 8, "7", TRUE, FALSE, FALSE },
    { 8, "[\"page\"]", FALSE, FALSE, FALSE },
    { 15, "null", TRUE, TRUE, FALSE },
    { 15, "12", TRUE, TRUE, FALSE },
    { 15, "9007199254740993", TRUE, FALSE, FALSE },
    { 15, "nul", FALSE, FALSE, FALSE },
    { 15, "nullx", FALSE, FALSE, FALSE },
    { 15, "{}", FALSE, FALSE, FALSE },
    { 24, "\"a \\\"quoted\\\" error\\n\"", FALSE, TRUE, FALSE },
    { 24, "\"cut\\u0000here\"", FALSE, TRUE, FALSE },
    { 24, "\"raw\ttab\"", FALSE, TRUE, FALSE },    /* json-glib takes it */
    { 24, "\"unterminated", FALSE, FALSE, TRUE },
    { 24, "\"" "0123456789012345678901234567890123456789012345678901234567890123456789"
          "0123456789012345678901234567890123456789012345678901234567890123456789"
          "0123456789012345678901234567890123456789012345678901234567890123456789"
          "0123456789012345678901234567890123456789\"", TRUE, FALSE, FALSE },
  };
  static const char * const base[] = {
    "5", "5", "0", "1", "0", "0", "200", "0", "\"page\"", "0", "1", "100", "101", "0", "10",
    "null", "null", "null", "20", "30", "null", "null", "0", "100", "null",
  };
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_LOOP, 300, 4);
  g_autofree char *path = g_build_filename (fixture->dir, "run.fetchscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *row, *row_end;
  guint n_rows, before;

  G_STATIC_ASSERT (G_N_ELEMENTS (base) == 25);

  g_assert_true (fs_saved_runs_save (path, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  n_rows = fs_record_log_get_length (run->records);
  g_assert_cmpuint (n_rows, >, 10);

  /* As saved: every row straight from the text. */
  before = _fs_saved_runs_get_n_plain_rows ();
  g_assert_true (assert_same_either_way (path));
  g_assert_cmpuint (_fs_saved_runs_get_n_plain_rows () - before, ==, n_rows);

  /* Row 3 replaced by one whose item @field is written as the case says. */
  row = find_row (text, 3);
  row_end = strstr (row, "],[");
  g_assert_nonnull (row_end);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GString) edited = g_string_new_len (text, row - text);
      gboolean loaded;

      for (guint f = 0; f < G_N_ELEMENTS (base); f++)
        g_string_append_printf (edited, "%s%s", f > 0 ? "," : "",
                                f == cases[c].field ? cases[c].item : base[f]);
      g_string_append (edited, row_end);
      g_test_message ("item %u as %s", cases[c].field, cases[c].item);
      g_assert_true (g_file_set_contents (path, edited->str, (gssize) edited->len, NULL));

      before = _fs_saved_runs_get_n_plain_rows ();
      loaded = assert_same_either_way (path);
      g_assert_cmpint (loaded, ==, cases[c].loads);
      if (loaded)
        g_assert_cmpuint (_fs_saved_runs_get_n_plain_rows () - before, ==,
                          n_rows - (cases[c].plain ? 0 : 1));
      else if (!cases[c].whole)
        /* the first three rows, and this one if it is refused as read */
        g_assert_cmpuint (_fs_saved_runs_get_n_plain_rows () - before, ==,
                          3 + (cases[c].plain ? 1 : 0));
    }
}

/* A file of many records, plain and gzipped: the pages of the rows already
 * read are given back as reading goes on, and the runs come back all the
 * same; a row found damaged after that still gets the message of a file
 * read whole, its text unpacked or read again. */
static void
test_release_read_text (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_LOOP, 30000, 11);
  g_autofree char *plain = g_build_filename (fixture->dir, "run.fetchscope", NULL);
  g_autofree char *packed = g_build_filename (fixture->dir, "run.fetchscope.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_assert_true (fs_saved_runs_save (plain, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (fs_saved_runs_save (packed, &run, 1, FS_SAVED_RUN_COMPRESS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (plain, &text, &length, NULL));
  /* Rows enough for many steps, small ones to keep the file small. */
  _fs_saved_runs_set_release_step (64 * 1024);
  g_assert_cmpuint (length, >, 1024 * 1024);

  for (guint compress = 0; compress <= 1; compress++)
    {
      const char *path = compress ? packed : plain;
      gsize released = _fs_saved_runs_get_n_released_bytes ();
      guint n_whole = _fs_saved_runs_get_n_whole_parses ();
      g_autoptr(GPtrArray) loaded = fs_saved_runs_load (path, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (_fs_saved_runs_get_n_released_bytes () - released, >=,
                        length - 512 * 1024);
      /* Read as cut, nothing given back too soon: no need to read it whole. */
      g_assert_cmpuint (_fs_saved_runs_get_n_whole_parses (), ==, n_whole);
      assert_same_run (run, g_ptr_array_index (loaded, 0));
    }

  /* A word broken in a row well past the pages given back. */
  {
    g_autofree char *edited = g_strdup (text);
    char *row = find_row (edited, fs_record_log_get_length (run->records) - 10);
    char *p = strstr (row, "null");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GPtrArray) whole = NULL;
    g_autoptr(GError) expected = NULL;
    g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
    g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
    g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (gzip));

    g_assert_nonnull (p);
    g_assert_cmpuint (p - edited, >, length - 4096);
    memcpy (p, "nulx", 4);

    /* What the message is with every page kept. */
    bytes = g_bytes_new_static (edited, length);
    whole = fs_saved_runs_load_bytes (bytes, plain, &expected);
    g_assert_null (whole);
    g_assert_nonnull (strstr (expected->message, "nulx"));

    g_assert_true (g_file_set_contents (plain, edited, (gssize) length, NULL));
    g_assert_true (g_output_stream_write_all (out, edited, length, NULL, NULL, NULL));
    g_assert_true (g_output_stream_close (out, NULL, NULL));
    g_assert_true (g_file_set_contents (packed,
                                        g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                                        (gssize) g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)),
                                        NULL));

    for (guint compress = 0; compress <= 1; compress++)
      {
        const char *path = compress ? packed : plain;
        gsize released = _fs_saved_runs_get_n_released_bytes ();
        guint n_whole = _fs_saved_runs_get_n_whole_parses ();
        g_autoptr(GPtrArray) loaded = fs_saved_runs_load (path, &error);
        g_autofree char *message = NULL;

        g_assert_null (loaded);
        g_assert_nonnull (error);
        g_assert_cmpuint (_fs_saved_runs_get_n_released_bytes () - released, >=,
                          length - 512 * 1024);
        g_assert_cmpuint (_fs_saved_runs_get_n_whole_parses (), ==, n_whole + 1);
        /* The same words; only the file's name differs. */
        message = g_strdup (error->message);
        if (compress)
          {
            char *name = strstr (message, ".gz");

            g_assert_nonnull (name);
            memmove (name, name + 3, strlen (name + 3) + 1);
          }
        g_assert_cmpstr (message, ==, expected->message);
        g_clear_error (&error);
      }
  }

  _fs_saved_runs_set_release_step (4 * 1024 * 1024);
}

/* The scanner reads a scalar only in its simplest form and otherwise
 * leaves the text where it was, for json-glib to judge. */
static void
test_scan_scalars (void)
{
  static const struct
  {
    const char *text;
    gboolean    is_int;
    gint64      value;
    gboolean    is_null;
    gboolean    is_string;
  } cases[] = {
    { "0", TRUE, 0 },
    { " -17,", TRUE, -17 },
    { "42]", TRUE, 42 },
    { "9223372036854775807", TRUE, G_MAXINT64 },
    { "-9223372036854775808 ", TRUE, G_MININT64 },
    { "9223372036854775808" },
    { "-9223372036854775809" },
    { "007" },
    { "200.0" },
    { "2e2" },
    { "-" },
    { "+1" },
    { "12x" },
    { "null", .is_null = TRUE },
    { "null}", .is_null = TRUE },
    { "nul" },
    { "nullx" },
    { "\"a]b\"", .is_string = TRUE },
    { "\"\"", .is_string = TRUE },
    { "\"a\\\"b\"" },
    { "\"a\tb\"" },
    { "\"open" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const char *text = cases[c].text;
      gsize length = strlen (text);
      FsJsonScan scan;
      const char *start;
      gsize string_length;
      gint64 value = 1;

      g_test_message ("%s", text);
      _fs_json_scan_init (&scan, text, length, 0);
      g_assert_cmpint (_fs_json_scan_int (&scan, &value), ==, cases[c].is_int);
      if (cases[c].is_int)
        {
          g_assert_cmpint (value, ==, cases[c].value);
          continue;
        }
      g_assert_cmpint (_fs_json_scan_null (&scan), ==, cases[c].is_null);
      if (cases[c].is_null)
        {
          g_assert_cmpuint (scan.pos, ==, strspn (text, " ") + 4);
          continue;
        }
      g_assert_cmpint (_fs_json_scan_plain_string (&scan, &start, &string_length), ==,
                       cases[c].is_string);
      if (cases[c].is_string)
        {
          g_assert_true (start == text + 1);
          g_assert_cmpuint (string_length, ==, length - 2);
          g_assert_cmpuint (scan.pos, ==, length);
          continue;
        }
      /* Not read: only whitespace was stepped over. */
      g_assert_cmpuint (scan.pos, ==, strspn (text, " "));
    }
}

/* A failed save leaves nothing behind: no half file, no temporary one. */
static void
test_save_fails (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(FsSavedRun) run = make_run (FS_STRATEGY_LOOP, 500, 9);
  g_autofree char *missing = g_build_filename (fixture->dir, "no", "such.fetchscope", NULL);
  g_autofree char *good = g_build_filename (fixture->dir, "keep.fetchscope", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (fs_saved_runs_save (missing, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (fs_saved_runs_save (fixture->dir, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (fixture), ==, 0);

  g_assert_true (fs_saved_runs_save (good, &run, 1, FS_SAVED_RUN_NONE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (fixture), ==, 1);
  g_assert_true (g_file_get_contents (good, &before, NULL, NULL));
  g_assert_true (g_str_has_suffix (before, "}"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Fetchscope/SavedRun/round-trip", Fixture, NULL,
              fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/record-texts", Fixture, NULL,
              fixture_set_up, test_record_texts, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/continues", Fixture, NULL,
              fixture_set_up, test_continues, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/comparison", Fixture, NULL,
              fixture_set_up, test_comparison, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/rejects", Fixture, NULL,
              fixture_set_up, test_rejects, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/rows-in-chunks", Fixture, NULL,
              fixture_set_up, test_rows_in_chunks, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/plain-rows", Fixture, NULL,
              fixture_set_up, test_plain_rows, fixture_tear_down);
  g_test_add_func ("/Fetchscope/SavedRun/scan-scalars", test_scan_scalars);
  g_test_add ("/Fetchscope/SavedRun/release-read-text", Fixture, NULL,
              fixture_set_up, test_release_read_text, fixture_tear_down);
  g_test_add ("/Fetchscope/SavedRun/save-fails", Fixture, NULL,
              fixture_set_up, test_save_fails, fixture_tear_down);

  return g_test_run ();
}

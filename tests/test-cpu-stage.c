/* test-cpu-stage.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-cpu-stage.h"
#include "fs-error.h"

#define SEED "00000000deadbeef"

/* The same four seeds as a multicore page of the demo server. */
static const char *multicore_seeds[] = {
  "0123456789abcdef", "fedcba9876543210", "00000000deadbeef", "a5a5a5a5a5a5a5a5",
};

/* Independent of the code under test: plain GChecksum, one at a time. */
static void
sha256 (const guint8 *data,
        gsize         len,
        guint8        digest[32])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = 32;

  g_checksum_update (checksum, data, len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  g_assert_cmpuint (digest_len, ==, 32);
}

static guint
leading_zero_bits (const guint8 digest[32])
{
  guint bits = 0;

  for (guint i = 0; i < 32; i++)
    {
      for (int bit = 7; bit >= 0; bit--)
        {
          if (digest[i] & (1u << bit))
            return bits;
          bits++;
        }
    }

  return bits;
}

static guint
nonce_zero_bits (const char *seed,
                 guint64     nonce)
{
  g_autofree char *text = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, seed, nonce);
  guint8 digest[32];

  sha256 ((const guint8 *) text, strlen (text), digest);

  return leading_zero_bits (digest);
}

static void
assert_smallest_nonce (const char *seed,
                       guint       difficulty,
                       guint64     nonce)
{
  g_assert_cmpuint (nonce_zero_bits (seed, nonce), >=, difficulty);
  for (guint64 smaller = 0; smaller < nonce; smaller++)
    g_assert_cmpuint (nonce_zero_bits (seed, smaller), <, difficulty);
}

static void
test_hash_chain (void)
{
  static const char abc_hex[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  guint8 expected[32];
  guint8 digest[32];
  g_autofree char *hex = NULL;
  g_autofree guint8 *big = NULL;
  gsize big_len = 200 * 1000 + 7;   /* several 64 KiB slices and a tail */

  /* Round 1 is SHA-256 of the body, which is the FIPS 180-2 vector. */
  fs_cpu_hash_chain ((const guint8 *) "abc", 3, 1, NULL, digest);
  sha256 ((const guint8 *) "abc", 3, expected);
  g_assert_cmpmem (digest, 32, expected, 32);
  hex = g_malloc (2 * 32 + 1);
  for (guint i = 0; i < 32; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  g_assert_cmpstr (hex, ==, abc_hex);

  /* Round 2 hashes the raw 32-byte digest, not its hex. */
  sha256 (expected, 32, expected);
  fs_cpu_hash_chain ((const guint8 *) "abc", 3, 2, NULL, digest);
  g_assert_cmpmem (digest, 32, expected, 32);

  for (guint i = 2; i < 1000; i++)
    sha256 (expected, 32, expected);
  fs_cpu_hash_chain ((const guint8 *) "abc", 3, 1000, NULL, digest);
  g_assert_cmpmem (digest, 32, expected, 32);

  fs_cpu_hash_chain (NULL, 0, 1, NULL, digest);
  sha256 ((const guint8 *) "", 0, expected);
  g_assert_cmpmem (digest, 32, expected, 32);

  big = g_malloc (big_len);
  for (gsize i = 0; i < big_len; i++)
    big[i] = (guint8) (i * 7);
  fs_cpu_hash_chain (big, big_len, 1, NULL, digest);
  sha256 (big, big_len, expected);
  g_assert_cmpmem (digest, 32, expected, 32);
}

static void
test_puzzle (void)
{
  guint64 nonce = fs_cpu_solve_puzzle (SEED, 8, NULL);

  g_test_message ("nonce for %s at difficulty 8: %" G_GUINT64_FORMAT, SEED, nonce);
  assert_smallest_nonce (SEED, 8, nonce);

  for (guint difficulty = 1; difficulty <= 12; difficulty++)
    assert_smallest_nonce ("0123456789abcdef", difficulty,
                           fs_cpu_solve_puzzle ("0123456789abcdef", difficulty, NULL));

  g_assert_cmpuint (fs_cpu_solve_puzzle (SEED, 0, NULL), ==, 0);
}

static GBytes *
puzzle_body (const char  *type,
             guint        difficulty,
             const char **seeds,
             guint        n_seeds)
{
  GString *json = g_string_new (NULL);

  /* The demo server's own layout, links after the seeds as on /api/ID. */
  g_string_append_printf (json, "{\"id\":7,\"type\":\"%s\",\"difficulty\":%u,\"seeds\":[",
                          type, difficulty);
  for (guint i = 0; i < n_seeds; i++)
    g_string_append_printf (json, "%s\"%s\"", i > 0 ? "," : "", seeds[i]);
  g_string_append (json, "],\"links\":[\"/api/1\",\"/api/2\"]}");

  return g_string_free_to_bytes (json);
}

static gboolean
run_stage (FsCpuWork     cpu_work,
           guint         hash_rounds,
           FsGil        *gil,
           guint         parallel,
           const char   *body,
           FsEvent      *event,
           FsCpuResult  *result,
           GError      **error)
{
  memset (event, 0xff, sizeof *event);

  return fs_cpu_stage_run_full (cpu_work, hash_rounds, gil, parallel,
                                (const guint8 *) body, body ? strlen (body) : 0,
                                event, result, error);
}

static void
test_stage_cpu_page (void)
{
  const char *seeds[] = { SEED };
  g_autoptr(GBytes) body = puzzle_body ("cpu", 8, seeds, 1);
  g_autoptr(GError) error = NULL;
  FsCpuResult result;
  FsEvent event;

  g_assert_true (run_stage (FS_CPU_WORK_PUZZLE, 0, NULL, 1,
                            g_bytes_get_data (body, NULL), &event, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_nonces, ==, 1);
  g_assert_cmpuint (result.puzzles_solved, ==, 1);
  g_assert_cmpuint (result.nonces[0], ==, fs_cpu_solve_puzzle (SEED, 8, NULL));
  g_assert_cmpuint (result.hashes, ==, result.nonces[0] + 1);
  g_assert_cmpint (event.t_cpu_start, >, 0);
  g_assert_cmpint (event.t_cpu_end, >=, event.t_cpu_start);
  g_assert_cmpint (event.gil_wait_us, ==, 0);

  /* The plain entry point gives the same times without a result. */
  memset (&event, 0, sizeof event);
  g_assert_true (fs_cpu_stage_run (FS_CPU_WORK_PUZZLE, 0, NULL, 1,
                                   g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   &event, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.t_cpu_end, >=, event.t_cpu_start);
  g_assert_cmpint (event.t_cpu_start, >, 0);
}

static void
test_stage_multicore_page (void)
{
  g_autoptr(GBytes) body = puzzle_body ("multicore", 10, multicore_seeds, 4);
  g_autoptr(GError) error = NULL;
  FsCpuResult serial;
  FsCpuResult parallel;
  FsEvent event;

  g_assert_true (run_stage (FS_CPU_WORK_PUZZLE, 0, NULL, 1,
                            g_bytes_get_data (body, NULL), &event, &serial, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (serial.n_nonces, ==, 4);
  g_assert_cmpuint (serial.puzzles_solved, ==, 4);
  for (guint i = 0; i < 4; i++)
    assert_smallest_nonce (multicore_seeds[i], 10, serial.nonces[i]);

  /* Four threads, and two for four seeds: same nonces, in seed order. */
  for (guint threads = 2; threads <= 4; threads += 2)
    {
      g_assert_true (run_stage (FS_CPU_WORK_PUZZLE, 0, NULL, threads,
                                g_bytes_get_data (body, NULL), &event, &parallel, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (parallel.n_nonces, ==, 4);
      g_assert_cmpmem (parallel.nonces, 4 * sizeof (guint64), serial.nonces, 4 * sizeof (guint64));
      g_assert_cmpuint (parallel.hashes, ==, serial.hashes);
      g_assert_cmpint (event.t_cpu_end, >=, event.t_cpu_start);
      g_assert_cmpint (event.gil_wait_us, ==, 0);
    }
}

static void
test_stage_not_a_puzzle (void)
{
  static const char *bodies[] = {
    "",
    "   ",
    "<!DOCTYPE html><html><body>hello</body></html>",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    "{not json at all",
    "[\"seeds\"]",
    "{\"id\":3,\"type\":\"regular\",\"links\":[\"/api/4\"]}",
    "{\"delay_ms\":20}",
    "{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      FsCpuResult result;
      FsEvent event;

      g_assert_true (run_stage (FS_CPU_WORK_PUZZLE, 0, NULL, 4, bodies[i], &event, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpint (event.t_cpu_start, >, 0);
      g_assert_cmpint (event.t_cpu_end, ==, event.t_cpu_start);
      g_assert_cmpint (event.gil_wait_us, ==, 0);
      g_assert_cmpuint (result.n_nonces, ==, 0);
      g_assert_cmpuint (result.hashes, ==, 0);
    }

  /* NULL with no length is an empty body. */
  {
    FsEvent event;

    g_assert_true (fs_cpu_stage_run (FS_CPU_WORK_PUZZLE, 0, NULL, 1, NULL, 0, &event, NULL));
    g_assert_cmpint (event.t_cpu_end, ==, event.t_cpu_start);
  }
}

static void
test_stage_bad_puzzle (void)
{
  g_autofree char *long_seed = g_strnfill (FS_CPU_MAX_SEED_LEN + 1, 'a');
  g_autofree char *long_seed_body =
    g_strdup_printf ("{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":[\"%s\"]}", long_seed);
  g_autoptr(GString) many = g_string_new ("{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":[");
  const char *bodies[] = {
    "{\"type\":\"cpu\",\"difficulty\":0,\"seeds\":[\"" SEED "\"]}",
    "{\"type\":\"cpu\",\"difficulty\":33,\"seeds\":[\"" SEED "\"]}",
    "{\"type\":\"cpu\",\"difficulty\":-1,\"seeds\":[\"" SEED "\"]}",
    "{\"type\":\"cpu\",\"difficulty\":\"8\",\"seeds\":[\"" SEED "\"]}",
    "{\"type\":\"cpu\",\"difficulty\":8.5,\"seeds\":[\"" SEED "\"]}",
    "{\"type\":\"cpu\",\"seeds\":[\"" SEED "\"]}",
    "{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":\"" SEED "\"}",
    "{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":[42]}",
    "{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":[\"\"]}",
    "{\"type\":\"cpu\",\"difficulty\":8,\"seeds\":[[\"" SEED "\"]]}",
    long_seed_body,
    NULL,
  };

  for (guint i = 0; i <= FS_CPU_MAX_SEEDS; i++)
    g_string_append_printf (many, "%s\"%s\"", i > 0 ? "," : "", SEED);
  g_string_append (many, "]}");
  bodies[G_N_ELEMENTS (bodies) - 1] = many->str;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      FsCpuResult result;
      FsEvent event;

      g_assert_false (run_stage (FS_CPU_WORK_PUZZLE, 0, NULL, 1, bodies[i], &event, &result, &error));
      g_assert_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s", error->message);
      g_assert_cmpint (event.t_cpu_end, ==, event.t_cpu_start);
      g_assert_cmpuint (result.hashes, ==, 0);
    }
}

static void
test_stage_hash (void)
{
  g_autoptr(GError) error = NULL;
  guint8 expected[32];
  FsCpuResult result;
  FsEvent event;

  sha256 ((const guint8 *) "abc", 3, expected);
  sha256 (expected, 32, expected);

  g_assert_true (run_stage (FS_CPU_WORK_HASH, 2, NULL, 1, "abc", &event, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (result.digest, 32, expected, 32);
  g_assert_cmpuint (result.hashes, ==, 2);
  g_assert_cmpint (event.t_cpu_start, >, 0);
  g_assert_cmpint (event.t_cpu_end, >=, event.t_cpu_start);
  g_assert_cmpint (event.gil_wait_us, ==, 0);

  /* A puzzle body is just bytes to hash:N. */
  g_assert_true (run_stage (FS_CPU_WORK_HASH, 5000, NULL, 1,
                            "{\"difficulty\":0,\"seeds\":[1]}", &event, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.hashes, ==, 5000);

  /* No CPU work: the stage did not happen. */
  g_assert_true (run_stage (FS_CPU_WORK_NONE, 0, NULL, 1, "abc", &event, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.t_cpu_start, ==, 0);
  g_assert_cmpint (event.t_cpu_end, ==, 0);
  g_assert_cmpint (event.gil_wait_us, ==, 0);
  g_assert_cmpuint (result.hashes, ==, 0);
}

/* A GIL nobody else wants costs no wait and is released afterwards. */
static void
test_stage_uncontended_gil (void)
{
  g_autoptr(FsGil) gil = fs_gil_new (5000);
  g_autoptr(GBytes) body = puzzle_body ("multicore", 8, multicore_seeds, 4);
  g_autoptr(GError) error = NULL;
  FsCpuResult result;
  FsEvent event;

  g_assert_true (run_stage (FS_CPU_WORK_HASH, 3000, gil, 1, "abc", &event, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.gil_wait_us, ==, 0);

  g_assert_true (run_stage (FS_CPU_WORK_PUZZLE, 0, gil, 1,
                            g_bytes_get_data (body, NULL), &event, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.gil_wait_us, ==, 0);
  g_assert_cmpuint (result.n_nonces, ==, 4);

  g_assert_cmpint (fs_gil_acquire (gil), ==, 0);
  fs_gil_release (gil);
}

typedef struct
{
  GThread  *thread;
  gboolean  taken;
  gint64    time_us;
} Trace;

static void
record_trace (GThread  *thread,
              gboolean  taken,
              gint64    time_us,
              gpointer  user_data)
{
  Trace trace = { thread, taken, time_us };

  /* Called under the GIL's own mutex, so no other lock is needed. */
  g_array_append_val ((GArray *) user_data, trace);
}

/* Four solver threads under one GIL: the trace, kept by the GIL in the order
 * things happened, shows every thread taking it, and each take following the
 * previous holder's drop, so no two holding intervals overlap. */
static void
test_stage_parallel_gil (void)
{
  g_autoptr(FsGil) gil = fs_gil_new (1000);
  g_autoptr(GArray) traces = g_array_new (FALSE, FALSE, sizeof (Trace));
  g_autoptr(GBytes) body = puzzle_body ("multicore", 14, multicore_seeds, 4);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GThread *holder = NULL;
  gint64 last = 0;
  FsCpuResult result;
  FsEvent event;

  fs_gil_set_trace_func (gil, record_trace, traces);
  g_assert_true (run_stage (FS_CPU_WORK_PUZZLE, 0, gil, 4,
                            g_bytes_get_data (body, NULL), &event, &result, &error));
  g_assert_no_error (error);
  fs_gil_set_trace_func (gil, NULL, NULL);

  g_assert_cmpuint (result.n_nonces, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (result.nonces[i], ==, fs_cpu_solve_puzzle (multicore_seeds[i], 14, NULL));

  g_test_message ("%u takes and drops, %" G_GUINT64_FORMAT " switches, %" G_GINT64_FORMAT
                  " µs waited", traces->len, fs_gil_get_switches (gil), event.gil_wait_us);

  g_assert_cmpuint (traces->len % 2, ==, 0);
  for (guint i = 0; i < traces->len; i++)
    {
      const Trace *trace = &g_array_index (traces, Trace, i);

      g_assert_cmpint (trace->time_us, >=, last);
      g_assert_cmpint (trace->time_us, >=, event.t_cpu_start);
      g_assert_cmpint (trace->time_us, <=, event.t_cpu_end);
      last = trace->time_us;

      if (i % 2 == 0)
        {
          g_assert_true (trace->taken);
          holder = trace->thread;
          if (!g_ptr_array_find (threads, holder, NULL))
            g_ptr_array_add (threads, holder);
        }
      else
        {
          g_assert_false (trace->taken);
          g_assert_true (trace->thread == holder);
        }
    }

  g_assert_cmpuint (threads->len, ==, 4);
  g_assert_cmpuint (fs_gil_get_switches (gil), >, 0);
  g_assert_cmpint (event.gil_wait_us, >, 0);
  g_assert_cmpint (event.gil_wait_us, <, 4 * (event.t_cpu_end - event.t_cpu_start));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/CpuStage/hash-chain", test_hash_chain);
  g_test_add_func ("/Fetchscope/CpuStage/puzzle", test_puzzle);
  g_test_add_func ("/Fetchscope/CpuStage/cpu-page", test_stage_cpu_page);
  g_test_add_func ("/Fetchscope/CpuStage/multicore-page", test_stage_multicore_page);
  g_test_add_func ("/Fetchscope/CpuStage/not-a-puzzle", test_stage_not_a_puzzle);
  g_test_add_func ("/Fetchscope/CpuStage/bad-puzzle", test_stage_bad_puzzle);
  g_test_add_func ("/Fetchscope/CpuStage/hash", test_stage_hash);
  g_test_add_func ("/Fetchscope/CpuStage/uncontended-gil", test_stage_uncontended_gil);
  g_test_add_func ("/Fetchscope/CpuStage/parallel-gil", test_stage_parallel_gil);

  return g_test_run ();
}

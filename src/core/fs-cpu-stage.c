/* fs-cpu-stage.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fs-cpu-stage.h"
#include "fs-error.h"

/* About 100–300 µs of hashing between two looks at the GIL: well under the
 * 5 ms switch interval, and the look itself is one atomic read. */
#define YIELD_EVERY 256

/* A large body is hashed in slices, so hashing it does not hold the GIL for
 * much longer than a switch interval either. */
#define BODY_SLICE (64 * 1024)

#define DIGEST_LEN 32

/* One thread's share of a CPU stage. */
typedef struct
{
  GChecksum *checksum;      /* reused: g_checksum_reset, never a new one per hash */
  FsGil     *gil;
  gint64     gil_wait_us;
  guint64    hashes;
} Worker;

typedef struct
{
  guint       difficulty;
  guint       n_seeds;
  const char *seeds[FS_CPU_MAX_SEEDS];   /* borrowed from the JsonParser */
} Puzzle;

/* What the threads solving one page share. */
typedef struct
{
  const Puzzle *puzzle;
  FsGil        *gil;
  guint         n_solvers;
  guint64       nonces[FS_CPU_MAX_SEEDS];   /* each written by one solver */
} Page;

typedef struct
{
  Page    *page;
  guint    index;
  Worker   worker;
  guint    solved;
} Solver;

static void
worker_init (Worker *worker,
             FsGil  *gil)
{
  worker->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  worker->gil = gil;
  worker->gil_wait_us = 0;
  worker->hashes = 0;
}

static void
worker_clear (Worker *worker)
{
  g_clear_pointer (&worker->checksum, g_checksum_free);
}

static inline void
worker_yield (Worker *worker)
{
  if (worker->gil != NULL)
    worker->gil_wait_us += fs_gil_yield (worker->gil);
}

static inline void
finish_digest (Worker *worker,
               guint8  digest[DIGEST_LEN])
{
  gsize len = DIGEST_LEN;

  g_checksum_get_digest (worker->checksum, digest, &len);
  g_assert (len == DIGEST_LEN);
  worker->hashes++;
}

static void
hash_chain (Worker       *worker,
            const guint8 *body,
            gsize         len,
            guint         rounds,
            guint8        digest[DIGEST_LEN])
{
  g_assert (rounds >= 1);
  g_assert (body != NULL || len == 0);

  g_checksum_reset (worker->checksum);
  for (gsize offset = 0; offset < len; offset += BODY_SLICE)
    {
      g_checksum_update (worker->checksum, body + offset, MIN (BODY_SLICE, len - offset));
      worker_yield (worker);
    }
  finish_digest (worker, digest);

  for (guint i = 1; i < rounds; i++)
    {
      g_checksum_reset (worker->checksum);
      g_checksum_update (worker->checksum, digest, DIGEST_LEN);
      finish_digest (worker, digest);

      if (i % YIELD_EVERY == 0)
        worker_yield (worker);
    }
}

static inline gboolean
has_leading_zero_bits (const guint8 digest[DIGEST_LEN],
                       guint        bits)
{
  guint32 head = ((guint32) digest[0] << 24 | (guint32) digest[1] << 16 |
                  (guint32) digest[2] << 8 | (guint32) digest[3]);

  g_assert (bits <= FS_CPU_MAX_DIFFICULTY);

  /* A shift by 32 would be undefined. */
  return bits == 0 || (head >> (32 - bits)) == 0;
}

/* Writes @value in decimal, without a terminator; returns the length. */
static inline gsize
format_decimal (char    *out,
                guint64  value)
{
  char reversed[20];
  gsize len = 0;

  do
    {
      reversed[len++] = '0' + (char) (value % 10);
      value /= 10;
    }
  while (value != 0);

  for (gsize i = 0; i < len; i++)
    out[i] = reversed[len - 1 - i];

  return len;
}

static guint64
solve_puzzle (Worker     *worker,
              const char *seed,
              guint       difficulty)
{
  gsize prefix_len = strlen (seed);
  g_autofree char *text = g_malloc (prefix_len + 1 + 20);

  memcpy (text, seed, prefix_len);
  text[prefix_len++] = ':';

  for (guint64 nonce = 0; ; nonce++)
    {
      guint8 digest[DIGEST_LEN];
      gsize len = prefix_len + format_decimal (text + prefix_len, nonce);

      g_checksum_reset (worker->checksum);
      g_checksum_update (worker->checksum, (const guint8 *) text, len);
      finish_digest (worker, digest);

      if (has_leading_zero_bits (digest, difficulty))
        return nonce;

      if ((nonce + 1) % YIELD_EVERY == 0)
        worker_yield (worker);
    }
}

/**
 * fs_cpu_solve_puzzle:
 * @seed: a puzzle seed
 * @difficulty: how many leading zero bits the digest needs, 0..32
 * @gil: (nullable): the GIL to yield to every few hundred hashes; the
 *   caller holds it
 *
 * Returns: the smallest nonce n >= 0 such that SHA-256("<seed>:<n>") starts
 *   with @difficulty zero bits
 */
guint64
fs_cpu_solve_puzzle (const char *seed,
                     guint       difficulty,
                     FsGil      *gil)
{
  Worker worker;
  guint64 nonce;

  g_return_val_if_fail (seed != NULL, 0);
  g_return_val_if_fail (difficulty <= FS_CPU_MAX_DIFFICULTY, 0);

  worker_init (&worker, gil);
  nonce = solve_puzzle (&worker, seed, difficulty);
  worker_clear (&worker);

  return nonce;
}

/**
 * fs_cpu_hash_chain:
 * @body: (array length=len) (nullable): the bytes to hash
 * @len: the length of @body
 * @rounds: how many digests to chain, at least 1
 * @gil: (nullable): the GIL to yield to every few hundred hashes; the
 *   caller holds it
 * @digest: (out caller-allocates): where the last digest goes
 *
 * h1 = SHA-256(@body), h(i+1) = SHA-256(h(i)); writes h(@rounds).
 */
void
fs_cpu_hash_chain (const guint8 *body,
                   gsize         len,
                   guint         rounds,
                   FsGil        *gil,
                   guint8        digest[32])
{
  Worker worker;

  g_return_if_fail (body != NULL || len == 0);
  g_return_if_fail (rounds >= 1);
  g_return_if_fail (digest != NULL);

  worker_init (&worker, gil);
  hash_chain (&worker, body, len, rounds, digest);
  worker_clear (&worker);
}

/* Returns FALSE with @error for a puzzle that cannot be solved, TRUE with
 * puzzle->n_seeds == 0 for a body that is not a puzzle at all. */
static gboolean
parse_puzzle (JsonParser    *parser,
              const guint8  *body,
              gsize          len,
              Puzzle        *puzzle,
              GError       **error)
{
  JsonObject *object;
  JsonNode *root;
  JsonNode *seeds;
  JsonNode *difficulty;
  JsonArray *array;
  gsize start = 0;
  guint n_seeds;
  gint64 value;

  g_assert (JSON_IS_PARSER (parser));
  g_assert (puzzle != NULL);

  puzzle->n_seeds = 0;
  puzzle->difficulty = 0;

  /* Most bodies (HTML, /bytes/N, /ping) are not JSON objects: leave them
   * before the parser sees them. */
  while (start < len && g_ascii_isspace (body[start]))
    start++;
  if (start == len || body[start] != '{' || len > G_MAXSSIZE)
    return TRUE;

  if (!json_parser_load_from_data (parser, (const char *) body, len, NULL))
    return TRUE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;

  object = json_node_get_object (root);
  seeds = json_object_get_member (object, "seeds");
  if (seeds == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (seeds))
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                           "The puzzle's “seeds” is not an array");
      return FALSE;
    }

  array = json_node_get_array (seeds);
  n_seeds = json_array_get_length (array);
  if (n_seeds > FS_CPU_MAX_SEEDS)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "The puzzle has %u seeds, more than the %u allowed",
                   n_seeds, FS_CPU_MAX_SEEDS);
      return FALSE;
    }

  difficulty = json_object_get_member (object, "difficulty");
  if (difficulty == NULL || !JSON_NODE_HOLDS_VALUE (difficulty) ||
      json_node_get_value_type (difficulty) != G_TYPE_INT64)
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                           "The puzzle has no integer “difficulty”");
      return FALSE;
    }

  value = json_node_get_int (difficulty);
  if (value < 1 || value > FS_CPU_MAX_DIFFICULTY)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   "The puzzle's difficulty must be between 1 and %u bits, not %" G_GINT64_FORMAT,
                   FS_CPU_MAX_DIFFICULTY, value);
      return FALSE;
    }

  for (guint i = 0; i < n_seeds; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *seed = NULL;
      gsize seed_len = 0;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          seed = json_node_get_string (node);
          seed_len = strlen (seed);
        }

      if (seed == NULL || seed_len == 0 || seed_len > FS_CPU_MAX_SEED_LEN)
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                       "Puzzle seed %u is not a string of 1 to %u characters",
                       i + 1, FS_CPU_MAX_SEED_LEN);
          return FALSE;
        }

      puzzle->seeds[i] = seed;
    }

  puzzle->difficulty = (guint) value;
  puzzle->n_seeds = n_seeds;

  return TRUE;
}

/* Solver i takes seeds i, i + n, i + 2n… of its page, so each thread has its
 * own seeds whenever it starts, and holds the GIL (if any) from its first
 * seed to its last. */
static void
solver_run (Solver *solver)
{
  Page *page = solver->page;
  const Puzzle *puzzle = page->puzzle;

  g_assert (solver->worker.checksum != NULL);
  g_assert (solver->index < puzzle->n_seeds);

  if (page->gil != NULL)
    solver->worker.gil_wait_us += fs_gil_acquire (page->gil);

  for (guint i = solver->index; i < puzzle->n_seeds; i += page->n_solvers)
    {
      page->nonces[i] = solve_puzzle (&solver->worker, puzzle->seeds[i], puzzle->difficulty);
      solver->solved++;
    }

  if (page->gil != NULL)
    fs_gil_release (page->gil);
}

static gpointer
solver_thread (gpointer data)
{
  solver_run (data);

  return NULL;
}

static void
solve_page (const Puzzle *puzzle,
            FsGil        *gil,
            guint         parallel,
            gint64       *gil_wait_us,
            FsCpuResult  *result)
{
  Page page = { .puzzle = puzzle, .gil = gil };
  Solver solvers[FS_CPU_MAX_SEEDS];
  GThread *threads[FS_CPU_MAX_SEEDS] = { NULL, };

  g_assert (puzzle->n_seeds > 0);

  page.n_solvers = MAX (1, MIN (parallel, puzzle->n_seeds));
  g_assert (page.n_solvers <= FS_CPU_MAX_SEEDS);

  for (guint i = 0; i < page.n_solvers; i++)
    {
      solvers[i].page = &page;
      solvers[i].index = i;
      solvers[i].solved = 0;
      worker_init (&solvers[i].worker, gil);
    }

  /* The calling thread is solver 0, and also runs the share of any helper
   * thread that could not be created: slower, but still correct. */
  for (guint i = 1; i < page.n_solvers; i++)
    threads[i] = g_thread_try_new ("fs-cpu-solver", solver_thread, &solvers[i], NULL);
  solver_run (&solvers[0]);
  for (guint i = 1; i < page.n_solvers; i++)
    {
      if (threads[i] == NULL)
        solver_run (&solvers[i]);
    }

  for (guint i = 0; i < page.n_solvers; i++)
    {
      if (threads[i] != NULL)
        g_thread_join (threads[i]);

      *gil_wait_us += solvers[i].worker.gil_wait_us;
      result->hashes += solvers[i].worker.hashes;
      result->puzzles_solved += solvers[i].solved;
      worker_clear (&solvers[i].worker);
    }

  g_assert (result->puzzles_solved == puzzle->n_seeds);

  memcpy (result->nonces, page.nonces, puzzle->n_seeds * sizeof page.nonces[0]);
  result->n_nonces = puzzle->n_seeds;
}

/**
 * fs_cpu_stage_run_full:
 * @cpu_work: what to do with the body
 * @hash_rounds: the N of "hash:N"
 * @gil: (nullable): the process's simulated GIL, or %NULL for none
 * @parallel: on how many threads the seeds of one page may be solved at
 *   once: 1 solves them one after another on the calling thread; with more,
 *   each thread holds @gil around its own work, so with a GIL they take turns
 * @body: (array length=body_len) (nullable): the response body
 * @body_len: the length of @body
 * @event: the terminal record to fill in
 * @result: (out caller-allocates) (optional): what was computed
 * @error: return location for a #GError
 *
 * Runs the CPU stage on @body. Fills @event's t_cpu_start and t_cpu_end, an
 * interval that includes the wait for @gil, and gil_wait_us, the µs spent
 * waiting for it in all. With %FS_CPU_WORK_NONE both times are 0 (the stage
 * did not happen); with nothing to do (hash:0, a body that is not a puzzle)
 * they are equal.
 *
 * Returns: %FALSE with @error only for a puzzle body that cannot be solved
 */
gboolean
fs_cpu_stage_run_full (FsCpuWork      cpu_work,
                       guint          hash_rounds,
                       FsGil         *gil,
                       guint          parallel,
                       const guint8  *body,
                       gsize          body_len,
                       FsEvent       *event,
                       FsCpuResult   *result,
                       GError       **error)
{
  g_autoptr(JsonParser) parser = NULL;
  FsCpuResult local_result;
  Puzzle puzzle;
  gint64 gil_wait_us = 0;

  g_return_val_if_fail (body != NULL || body_len == 0, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (result == NULL)
    result = &local_result;
  memset (result, 0, sizeof *result);

  event->t_cpu_start = 0;
  event->t_cpu_end = 0;
  event->gil_wait_us = 0;

  switch (cpu_work)
    {
    case FS_CPU_WORK_NONE:
      return TRUE;

    case FS_CPU_WORK_HASH:
      event->t_cpu_start = event->t_cpu_end = g_get_monotonic_time ();
      if (hash_rounds > 0)
        {
          Worker worker;

          worker_init (&worker, gil);
          if (gil != NULL)
            worker.gil_wait_us += fs_gil_acquire (gil);
          hash_chain (&worker, body, body_len, hash_rounds, result->digest);
          if (gil != NULL)
            fs_gil_release (gil);

          gil_wait_us = worker.gil_wait_us;
          result->hashes = worker.hashes;
          worker_clear (&worker);
          event->t_cpu_end = g_get_monotonic_time ();
        }
      break;

    case FS_CPU_WORK_PUZZLE:
      event->t_cpu_start = event->t_cpu_end = g_get_monotonic_time ();
      parser = json_parser_new_immutable ();
      if (!parse_puzzle (parser, body, body_len, &puzzle, error))
        return FALSE;

      if (puzzle.n_seeds > 0)
        {
          solve_page (&puzzle, gil, parallel, &gil_wait_us, result);
          event->t_cpu_end = g_get_monotonic_time ();
        }
      break;

    default:
      g_return_val_if_reached (FALSE);
    }

  event->gil_wait_us = gil_wait_us;

  return TRUE;
}

/**
 * fs_cpu_stage_run:
 *
 * fs_cpu_stage_run_full() without the result.
 */
gboolean
fs_cpu_stage_run (FsCpuWork      cpu_work,
                  guint          hash_rounds,
                  FsGil         *gil,
                  guint          parallel,
                  const guint8  *body,
                  gsize          body_len,
                  FsEvent       *event,
                  GError       **error)
{
  return fs_cpu_stage_run_full (cpu_work, hash_rounds, gil, parallel,
                                body, body_len, event, NULL, error);
}

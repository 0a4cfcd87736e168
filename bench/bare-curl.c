/* bare-curl.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libcurl with nothing around it: the reference bench/run holds each
 * strategy against, measured in the same round. It fetches one URL N times
 * the way a strategy does, with the same transfer options (fs-transfer.c),
 * and records nothing but each request's total time: no records, no sink,
 * no aggregates, no GLib. A strategy's rate divided by this one's is what
 * Fetchscope adds to, or takes from, the library it is built on.
 *
 *   bare-curl loop [--processes P] CONCURRENCY REQUESTS URL
 *       one thread per process on curl's multi socket API and epoll, as
 *       curl's own examples drive it (a socket leaves the epoll set when
 *       curl says REMOVE); P processes share the concurrency and requests
 *   bare-curl pool THREADS REQUESTS URL
 *       THREADS threads, each with its own easy handle in a
 *       curl_easy_perform() loop
 *
 * Every thread runs as SCHED_BATCH, as the engines' threads do. It prints
 * one line: requests, ok, wall seconds, req/s, p50 and p99 in ms; it exits
 * 0 when every request got a 2xx answer, 1 otherwise, 2 on bad usage.
 */

#define _GNU_SOURCE

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 256

typedef struct
{
  const char     *url;
  long            total;      /* requests in all */
  curl_off_t     *latency_us; /* one slot per request, shared between processes */
  atomic_long    *next;       /* pool: the next request index to take */
  atomic_long    *ok;
  atomic_bool     reported;   /* the first failure was printed (per process) */
} Bench;

typedef struct
{
  CURL *easy;
  long  index;                /* the request this handle is running */
} Slot;

typedef struct
{
  Bench *bench;
  CURLM *multi;
  int    epfd;
  long   timeout_ms;          /* what curl asked for last, -1 = none */
  double timer_set_at;
} Loop;

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
run_as_batch (void)
{
  struct sched_param param = { 0 };

  pthread_setschedparam (pthread_self (), SCHED_BATCH, &param);
}

static size_t
discard_cb (char   *ptr,
            size_t  size,
            size_t  nmemb,
            void   *userdata)
{
  return size * nmemb;
}

/* The options every Fetchscope transfer sets once (fs-transfer.c). */
static CURL *
new_easy (void)
{
  CURL *easy = curl_easy_init ();

  if (easy == NULL)
    {
      fprintf (stderr, "bare-curl: curl_easy_init failed\n");
      exit (1);
    }

  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (easy, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, BARE_USER_AGENT);
  curl_easy_setopt (easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt (easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt (easy, CURLOPT_PROXY, "");
  curl_easy_setopt (easy, CURLOPT_NOPROXY, "");

  return easy;
}

/* Records how request @index ended. */
static void
finish (Bench    *bench,
        CURL     *easy,
        long      index,
        CURLcode  code)
{
  curl_off_t total_us = 0;
  long status = 0;

  curl_easy_getinfo (easy, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
  bench->latency_us[index] = total_us;
  if (code == CURLE_OK && status >= 200 && status < 300)
    atomic_fetch_add (bench->ok, 1);
  else if (!atomic_exchange (&bench->reported, true))
    fprintf (stderr, "bare-curl: request %ld: %s (HTTP %ld)\n",
             index + 1, curl_easy_strerror (code), status);
}

static void *
pool_thread (void *data)
{
  Bench *bench = data;
  CURL *easy = new_easy ();
  long index;

  run_as_batch ();

  while ((index = atomic_fetch_add (bench->next, 1)) < bench->total)
    {
      curl_easy_setopt (easy, CURLOPT_URL, bench->url);
      finish (bench, easy, index, curl_easy_perform (easy));
    }

  curl_easy_cleanup (easy);
  return NULL;
}

static int
run_pool (Bench *bench,
          long   n_threads)
{
  pthread_t *threads = calloc (n_threads, sizeof *threads);

  for (long i = 0; i < n_threads; i++)
    if (pthread_create (&threads[i], NULL, pool_thread, bench) != 0)
      {
        fprintf (stderr, "bare-curl: could not start thread %ld\n", i + 1);
        return 1;
      }

  for (long i = 0; i < n_threads; i++)
    pthread_join (threads[i], NULL);

  free (threads);
  return 0;
}

static int
socket_cb (CURL          *easy,
           curl_socket_t  fd,
           int            what,
           void          *userp,
           void          *socketp)
{
  Loop *loop = userp;
  struct epoll_event ev = { .data.fd = fd };

  if (what == CURL_POLL_REMOVE)
    {
      epoll_ctl (loop->epfd, EPOLL_CTL_DEL, fd, NULL);
      curl_multi_assign (loop->multi, fd, NULL);
      return 0;
    }

  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
  if (socketp != NULL)
    epoll_ctl (loop->epfd, EPOLL_CTL_MOD, fd, &ev);
  else
    {
      epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev);
      curl_multi_assign (loop->multi, fd, loop);
    }

  return 0;
}

static int
timer_cb (CURLM *multi,
          long   timeout_ms,
          void  *userp)
{
  Loop *loop = userp;

  loop->timeout_ms = timeout_ms;
  loop->timer_set_at = now_s ();
  return 0;
}

static void
start (Loop *loop,
       Slot *slot,
       long  index)
{
  slot->index = index;
  curl_easy_setopt (slot->easy, CURLOPT_URL, loop->bench->url);
  curl_multi_add_handle (loop->multi, slot->easy);
}

/* Runs requests [@first, @first + @count) at @concurrency on one thread. */
static int
run_loop (Bench *bench,
          long   concurrency,
          long   first,
          long   count)
{
  struct epoll_event events[MAX_EVENTS];
  Loop loop = { .bench = bench, .timeout_ms = -1 };
  long next = first, end = first + count, done = 0;
  Slot *slots;
  int running = 0;

  run_as_batch ();

  loop.epfd = epoll_create1 (EPOLL_CLOEXEC);
  loop.multi = curl_multi_init ();
  curl_multi_setopt (loop.multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt (loop.multi, CURLMOPT_SOCKETDATA, &loop);
  curl_multi_setopt (loop.multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt (loop.multi, CURLMOPT_TIMERDATA, &loop);

  slots = calloc (concurrency, sizeof *slots);
  for (long i = 0; i < concurrency && next < end; i++)
    {
      slots[i].easy = new_easy ();
      curl_easy_setopt (slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
      start (&loop, &slots[i], next++);
    }

  while (done < count)
    {
      int wait_ms = -1;
      int n;
      CURLMsg *msg;
      int n_left;

      if (loop.timeout_ms >= 0)
        {
          double left = loop.timer_set_at + loop.timeout_ms / 1e3 - now_s ();

          wait_ms = left > 0 ? (int) (left * 1e3) + 1 : 0;
        }

      n = epoll_wait (loop.epfd, events, MAX_EVENTS, wait_ms);
      if (n < 0 && errno != EINTR)
        {
          perror ("bare-curl: epoll_wait");
          return 1;
        }

      for (int i = 0; i < n; i++)
        {
          int mask = ((events[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                     ((events[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                     ((events[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);

          curl_multi_socket_action (loop.multi, events[i].data.fd, mask, &running);
        }

      if (loop.timeout_ms >= 0 &&
          now_s () >= loop.timer_set_at + loop.timeout_ms / 1e3)
        {
          loop.timeout_ms = -1;
          curl_multi_socket_action (loop.multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }

      while ((msg = curl_multi_info_read (loop.multi, &n_left)) != NULL)
        {
          Slot *slot = NULL;

          if (msg->msg != CURLMSG_DONE)
            continue;

          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
          finish (bench, slot->easy, slot->index, msg->data.result);
          curl_multi_remove_handle (loop.multi, slot->easy);
          done++;
          if (next < end)
            start (&loop, slot, next++);
        }
    }

  for (long i = 0; i < concurrency; i++)
    if (slots[i].easy != NULL)
      curl_easy_cleanup (slots[i].easy);
  free (slots);
  curl_multi_cleanup (loop.multi);
  close (loop.epfd);

  return 0;
}

/* Each process runs its share of the requests at its share of the
 * concurrency; the latency array and the counter live in shared memory. */
static int
run_processes (Bench *bench,
               long   concurrency,
               long   n_processes)
{
  long first = 0;
  int failed = 0;

  for (long p = 0; p < n_processes; p++)
    {
      long count = bench->total / n_processes + (p < bench->total % n_processes);
      long share = concurrency / n_processes + (p < concurrency % n_processes);
      pid_t pid = fork ();

      if (pid < 0)
        {
          perror ("bare-curl: fork");
          return 1;
        }
      if (pid == 0)
        {
          int code;

          curl_global_init (CURL_GLOBAL_DEFAULT);
          code = run_loop (bench, share > 0 ? share : 1, first, count);
          curl_global_cleanup ();
          _exit (code);
        }
      first += count;
    }

  for (long p = 0; p < n_processes; p++)
    {
      int status;

      if (wait (&status) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        failed = 1;
    }

  return failed;
}

static int
compare_off (const void *a,
             const void *b)
{
  curl_off_t x = *(const curl_off_t *) a, y = *(const curl_off_t *) b;

  return (x > y) - (x < y);
}

static long
positive (const char *text,
          const char *what)
{
  char *end;
  long value;

  errno = 0;
  value = strtol (text, &end, 10);
  if (errno != 0 || *end != '\0' || value < 1 || value > 100000000)
    {
      fprintf (stderr, "bare-curl: %s must be a whole number from 1 to 100000000, not “%s”\n",
               what, text);
      exit (2);
    }

  return value;
}

static void *
shared_alloc (size_t size)
{
  void *mem = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

  if (mem == MAP_FAILED)
    {
      perror ("bare-curl: mmap");
      exit (1);
    }

  return mem;
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { 0 };
  long n_processes = 1;
  long concurrency;
  double t0, wall;
  int argi = 2;
  int code;
  int pool;

  if (argc >= 2 && strcmp (argv[1], "loop") == 0 && argc >= 4 &&
      strcmp (argv[2], "--processes") == 0)
    {
      n_processes = positive (argv[3], "--processes");
      argi = 4;
    }

  if (argc - argi != 3 || (strcmp (argv[1], "loop") != 0 && strcmp (argv[1], "pool") != 0))
    {
      fprintf (stderr,
               "usage: bare-curl loop [--processes P] CONCURRENCY REQUESTS URL\n"
               "       bare-curl pool THREADS REQUESTS URL\n");
      return 2;
    }

  pool = strcmp (argv[1], "pool") == 0;
  concurrency = positive (argv[argi], pool ? "THREADS" : "CONCURRENCY");
  bench.total = positive (argv[argi + 1], "REQUESTS");
  bench.url = argv[argi + 2];
  if (strncmp (bench.url, "http://", 7) != 0 && strncmp (bench.url, "https://", 8) != 0)
    {
      fprintf (stderr, "bare-curl: the URL must be http:// or https://, not “%s”\n", bench.url);
      return 2;
    }
  if (n_processes > concurrency)
    {
      fprintf (stderr, "bare-curl: more processes (%ld) than the concurrency (%ld)\n",
               n_processes, concurrency);
      return 2;
    }

  bench.latency_us = shared_alloc (bench.total * sizeof (curl_off_t));
  bench.next = shared_alloc (sizeof (atomic_long));
  bench.ok = shared_alloc (sizeof (atomic_long));

  t0 = now_s ();
  if (pool)
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      code = run_pool (&bench, concurrency);
    }
  else if (n_processes > 1)
    code = run_processes (&bench, concurrency, n_processes);
  else
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      code = run_loop (&bench, concurrency, 0, bench.total);
    }
  wall = now_s () - t0;

  qsort (bench.latency_us, bench.total, sizeof (curl_off_t), compare_off);
  printf ("requests %ld ok %ld wall %.6f rps %.1f p50_ms %.3f p99_ms %.3f\n",
          bench.total, atomic_load (bench.ok), wall, bench.total / wall,
          bench.latency_us[bench.total / 2] / 1e3,
          bench.latency_us[(long) (bench.total * 0.99)] / 1e3);

  return code != 0 ? code : atomic_load (bench.ok) == bench.total ? 0 : 1;
}

/* fs-demo-server.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "fs-demo-server.h"
#include "fs-demo-server-private.h"

#define MAX_LINKS        8
#define N_UNLINKED       50      /* graph pages that no page links to */
#define BYTES_BLOCK_LEN  65536
#define REAP_INTERVAL_S  1

typedef enum
{
  PAGE_REGULAR,
  PAGE_SLOW,
  PAGE_FAILING,
  PAGE_CPU,
  PAGE_MULTICORE,
  N_PAGE_TYPES
} PageType;

static const struct
{
  const char *name;
  guint       delay_ms;
  guint       n_seeds;
  guint       graph_count;   /* pages of this type among the FS_DEMO_GRAPH_SIZE */
} page_types[N_PAGE_TYPES] = {
  [PAGE_REGULAR]   = { "regular",    500, 0, 600 },
  [PAGE_SLOW]      = { "slow",      5000, 0, 100 },
  [PAGE_FAILING]   = { "failing",    500, 0, 100 },
  [PAGE_CPU]       = { "cpu",        100, 1, 100 },
  [PAGE_MULTICORE] = { "multicore",  100, 4, 100 },
};

static const guint failure_codes[] = { 500, 502, 503 };

/* Served as is: /ping must cost libsoup's own work and nothing more. */
static const char ping_body[] =
  "pong\nfetchscope demo server /ping: "
  "this body is exactly one hundred bytes long, for load tests. Bye\n";
G_STATIC_ASSERT (sizeof ping_body - 1 == FS_DEMO_PING_BODY_LEN);

static const char index_body[] =
  "<!DOCTYPE html>\n"
  "<html><head><meta charset=\"utf-8\"><title>Fetchscope demo server</title></head>\n"
  "<body><h1>Fetchscope demo server</h1><ul>\n"
  "<li><a href=\"/ping\">/ping</a> 100 bytes, no delay</li>\n"
  "<li><a href=\"/bytes/1024\">/bytes/N</a> N bytes</li>\n"
  "<li><a href=\"/delay/100\">/delay/MS</a> answers after MS ms</li>\n"
  "<li><a href=\"/status/418\">/status/CODE</a> answers CODE (200..599)</li>\n"
  "<li><a href=\"/redirect/3\">/redirect/N</a> N redirects, then /ping</li>\n"
  "<li><a href=\"/redirect-to?url=/ping\">/redirect-to?url=URL</a> redirects to URL</li>\n"
  "<li><a href=\"/page/regular/1\">/page/regular/ID</a> 500 ms</li>\n"
  "<li><a href=\"/page/slow/1\">/page/slow/ID</a> 5 s</li>\n"
  "<li><a href=\"/page/failing/1\">/page/failing/ID</a> 5xx 90 % of the time</li>\n"
  "<li><a href=\"/page/cpu/1\">/page/cpu/ID</a> one hash puzzle</li>\n"
  "<li><a href=\"/page/multicore/1\">/page/multicore/ID</a> four hash puzzles</li>\n"
  "<li><a href=\"/api/0\">/api/ID</a> link graph of 1000 pages</li>\n"
  "<li><a href=\"/api/reachable?from=0\">/api/reachable?from=ID</a> pages reachable from ID</li>\n"
  "</ul></body></html>\n";

typedef struct
{
  guint8  n_links;
  guint16 links[MAX_LINKS];
} GraphPage;

/* A response that waits for its timer while the message is paused. It
 * holds a ref on the message. libsoup 3.2 does not watch a paused
 * connection, so when the client leaves early the timer usually fires and
 * the write fails quietly; but should libsoup end the message first
 * ("finished", "disconnected") the timer goes, so a dead message is never
 * unpaused. */
typedef struct _Shard Shard;

typedef struct
{
  GList              link;   /* in Shard.delays, data = the Delay */
  Shard             *shard;
  SoupServerMessage *msg;
  GSource           *source;
  gulong             finished_id;
  gulong             disconnected_id;
} Delay;

/* libsoup 3.2 leaks a keep-alive connection that the client closes while
 * it is idle: it reads the EOF, stops polling, and never closes the socket,
 * so each one keeps a file descriptor for good (3.3.0 no longer does, see
 * upstream commit d20c6601). We follow each client socket (as qdata, so the
 * record goes away with the socket) and close those found idle at EOF by
 * two reaps in a row: by then libsoup has long stopped using them. The
 * objects libsoup dropped stay leaked, about 2 KiB per connection. */
typedef struct
{
  GList         link;     /* in Shard.connections, data = the Connection */
  Shard        *shard;
  GSocket      *socket;   /* unowned: the Connection is the socket's qdata */
  guint         busy : 1; /* between request-started and request-finished */
  guint         at_eof : 1;
} Connection;

/* One thread's part of the serving: a SoupServer with listening sockets
 * of its own on the common port (the kernel spreads connections over
 * every socket of the port, SO_REUSEPORT), and the delays and connections
 * it serves. Shard 0 runs on the context that was the thread-default one
 * at listen time; each other shard on a thread of its own. A shard's
 * fields are touched only from its thread, but for @stop. */
struct _Shard
{
  FsDemoServer  *owner;
  guint          index;
  SoupServer    *server;
  GMainContext  *context;
  GThread       *thread;     /* NULL for shard 0 */
  GPtrArray     *sockets;    /* to listen on, until the shard listens */
  GQueue         delays;
  GQueue         connections;
  GSource       *reap_source;
  GError        *error;      /* from a shard thread's listen */
  gint           stop;       /* atomic: its thread leaves its loop */
  _Atomic guint64 n_requests;
};

struct _FsDemoServer
{
  GObject              parent_instance;

  FsDemoServerOptions  options;
  Shard               *shards;
  guint                n_shards;
  char                *base_url;
  guint16              port;

  /* A shard thread says here that it listens, or could not. */
  GMutex               start_mutex;
  GCond                start_cond;
  guint                n_started;

  /* One sequence of failures for the whole server, in the order the
   * requests are answered. */
  GMutex               failure_mutex;
  GRand               *failure_rand;

  guint8               types[FS_DEMO_GRAPH_SIZE];
  GraphPage            graph[FS_DEMO_GRAPH_SIZE];
};

G_DEFINE_FINAL_TYPE (FsDemoServer, fs_demo_server, G_TYPE_OBJECT)

static GQuark connection_quark;

/* Stream tags, so the graph, the types and the failures draw from
 * independent sequences of the same seed. */
#define STREAM_TYPES    0x54595045u
#define STREAM_LINKS    0x4c494e4bu
#define STREAM_FAILURES 0x4641494cu

static GRand *
rand_for_stream (guint32 seed,
                 guint32 stream)
{
  const guint32 key[] = { seed, stream };

  return g_rand_new_with_seed_array (key, G_N_ELEMENTS (key));
}

static void
build_type_table (guint32 seed,
                  guint8  types[FS_DEMO_GRAPH_SIZE])
{
  g_autoptr(GRand) grand = rand_for_stream (seed, STREAM_TYPES);
  guint n = 0;

  for (guint t = 0; t < N_PAGE_TYPES; t++)
    for (guint k = 0; k < page_types[t].graph_count; k++)
      types[n++] = t;
  g_assert (n == FS_DEMO_GRAPH_SIZE);

  /* Fisher–Yates: exact counts per type, shuffled by the seed. */
  for (guint i = FS_DEMO_GRAPH_SIZE - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (grand, 0, i + 1);
      guint8 tmp = types[i];

      types[i] = types[j];
      types[j] = tmp;
    }
}

G_LOCK_DEFINE_STATIC (type_cache);
static gboolean type_cache_valid;
static guint32 type_cache_seed;
static guint8 type_cache[FS_DEMO_GRAPH_SIZE];

/**
 * fs_demo_page_type_for_id:
 * @seed: the server's options.seed
 * @id: a graph page id
 *
 * Returns: (nullable): the type of `/api/<id>` ("regular", "slow",
 *   "failing", "cpu" or "multicore"), or %NULL when @id is not in the graph.
 */
const char *
fs_demo_page_type_for_id (guint32 seed,
                          guint   id)
{
  PageType type;

  if (id >= FS_DEMO_GRAPH_SIZE)
    return NULL;

  G_LOCK (type_cache);
  if (!type_cache_valid || type_cache_seed != seed)
    {
      build_type_table (seed, type_cache);
      type_cache_seed = seed;
      type_cache_valid = TRUE;
    }
  type = type_cache[id];
  G_UNLOCK (type_cache);

  return page_types[type].name;
}

static gboolean
page_has_link (const GraphPage *page,
               guint            target)
{
  for (guint i = 0; i < page->n_links; i++)
    if (page->links[i] == target)
      return TRUE;
  return FALSE;
}

/* Random out-links (0..8 per page, 3..8 for page 0), never to the
 * N_UNLINKED pages picked first, so those stay unreachable from anywhere
 * else; page 0 and its first link always form a cycle. */
static void
build_graph (guint32   seed,
             GraphPage graph[FS_DEMO_GRAPH_SIZE])
{
  g_autoptr(GRand) grand = rand_for_stream (seed, STREAM_LINKS);
  gboolean unlinked[FS_DEMO_GRAPH_SIZE] = { FALSE, };
  guint16 targets[FS_DEMO_GRAPH_SIZE];
  guint n_targets = 0;
  guint n_unlinked = 0;
  GraphPage *first;

  while (n_unlinked < N_UNLINKED)
    {
      guint id = g_rand_int_range (grand, 1, FS_DEMO_GRAPH_SIZE);

      if (!unlinked[id])
        {
          unlinked[id] = TRUE;
          n_unlinked++;
        }
    }

  for (guint id = 0; id < FS_DEMO_GRAPH_SIZE; id++)
    if (!unlinked[id])
      targets[n_targets++] = id;

  for (guint id = 0; id < FS_DEMO_GRAPH_SIZE; id++)
    {
      GraphPage *page = &graph[id];
      guint n = g_rand_int_range (grand, id == 0 ? 3 : 0, MAX_LINKS + 1);

      page->n_links = 0;
      while (page->n_links < n)
        {
          guint target = targets[g_rand_int_range (grand, 0, n_targets)];

          if (target != id && !page_has_link (page, target))
            page->links[page->n_links++] = target;
        }
    }

  first = &graph[graph[0].links[0]];
  if (!page_has_link (first, 0))
    {
      if (first->n_links < MAX_LINKS)
        first->n_links++;
      first->links[first->n_links - 1] = 0;
    }
}

/* splitmix64's finaliser */
static guint64
mix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static void
append_puzzle (GString  *out,
               guint32   seed,
               guint     difficulty,
               PageType  type,
               guint     id)
{
  guint64 base = mix64 (mix64 (mix64 (seed) ^ (guint64) type) ^ (guint64) id);

  g_string_append_printf (out, ",\"difficulty\":%u,\"seeds\":[", difficulty);
  for (guint k = 0; k < page_types[type].n_seeds; k++)
    g_string_append_printf (out, "%s\"%016" G_GINT64_MODIFIER "x\"",
                            k > 0 ? "," : "", mix64 (base ^ k));
  g_string_append_c (out, ']');
}

static gboolean
parse_uint (const char *str,
            guint64     max,
            guint64    *out_value)
{
  guint64 value = 0;

  if (str == NULL || *str == '\0')
    return FALSE;

  for (const char *p = str; *p != '\0'; p++)
    {
      guint digit;

      if (!g_ascii_isdigit (*p))
        return FALSE;
      digit = *p - '0';
      if (digit > max || value > (max - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }

  *out_value = value;
  return TRUE;
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status)
{
  g_autofree char *text = g_strdup_printf ("%u %s\n", status, soup_status_get_phrase (status));

  respond_text (msg, status, text);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              GString           *json)
{
  gsize len = json->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (json, FALSE), len);
}

static void respond_json_printf (SoupServerMessage *msg,
                                 guint              status,
                                 const char        *format,
                                 ...) G_GNUC_PRINTF (3, 4);

static void
respond_json_printf (SoupServerMessage *msg,
                     guint              status,
                     const char        *format,
                     ...)
{
  char *json;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json, strlen (json));
}

static void
delay_finish (Delay    *delay,
              gboolean  unpause)
{
  g_queue_unlink (&delay->shard->delays, &delay->link);
  g_clear_signal_handler (&delay->finished_id, delay->msg);
  g_clear_signal_handler (&delay->disconnected_id, delay->msg);
  g_source_destroy (delay->source);
  g_clear_pointer (&delay->source, g_source_unref);

  if (unpause)
    soup_server_message_unpause (delay->msg);

  g_clear_object (&delay->msg);
  g_free (delay);
}

static gboolean
delay_timeout_cb (gpointer user_data)
{
  delay_finish (user_data, TRUE);
  return G_SOURCE_REMOVE;
}

static void
delay_aborted_cb (Delay             *delay,
                  SoupServerMessage *msg)
{
  delay_finish (delay, FALSE);
}

/* The response is already set; hold it back for @delay_ms × time_scale
 * (rounded up to whole ms) without blocking the loop. */
static void
respond_later (Shard             *shard,
               SoupServerMessage *msg,
               guint              delay_ms)
{
  guint64 delay_us = (guint64) (delay_ms * 1000.0 * shard->owner->options.time_scale + 0.5);
  guint timeout_ms = (guint) ((delay_us + 999) / 1000);
  Delay *delay;

  if (timeout_ms == 0)
    return;

  delay = g_new0 (Delay, 1);
  delay->link.data = delay;
  delay->shard = shard;
  delay->msg = g_object_ref (msg);
  delay->source = g_timeout_source_new (timeout_ms);
  g_source_set_static_name (delay->source, "[fetchscope] demo server delay");
  g_source_set_callback (delay->source, delay_timeout_cb, delay, NULL);
  g_source_attach (delay->source, shard->context);
  delay->finished_id = g_signal_connect_swapped (msg, "finished",
                                                 G_CALLBACK (delay_aborted_cb), delay);
  delay->disconnected_id = g_signal_connect_swapped (msg, "disconnected",
                                                     G_CALLBACK (delay_aborted_cb), delay);
  g_queue_push_tail_link (&shard->delays, &delay->link);

  soup_server_message_pause (msg);
}

static void
respond_page (Shard             *shard,
              SoupServerMessage *msg,
              PageType           type,
              guint              id,
              const GraphPage   *page)
{
  FsDemoServer *self = shard->owner;
  GString *json = g_string_new (NULL);
  guint status = SOUP_STATUS_OK;

  if (type == PAGE_FAILING)
    {
      g_mutex_lock (&self->failure_mutex);
      if (g_rand_int_range (self->failure_rand, 0, 10) < 9)
        status = failure_codes[g_rand_int_range (self->failure_rand, 0,
                                                 G_N_ELEMENTS (failure_codes))];
      g_mutex_unlock (&self->failure_mutex);
    }

  g_string_append_printf (json, "{\"id\":%u,\"type\":\"%s\"", id, page_types[type].name);
  if (status != SOUP_STATUS_OK)
    g_string_append (json, ",\"error\":\"simulated failure\"");
  else if (page_types[type].n_seeds > 0)
    append_puzzle (json, self->options.seed, self->options.difficulty, type, id);

  /* A failing graph page still lists its links, as a site's error page
   * keeps its navigation: a crawl can reach every page /api/reachable
   * names, whichever pages happen to fail. */
  if (page != NULL)
    {
      g_string_append (json, ",\"links\":[");
      for (guint i = 0; i < page->n_links; i++)
        g_string_append_printf (json, "%s\"/api/%u\"", i > 0 ? "," : "", page->links[i]);
      g_string_append_c (json, ']');
    }
  g_string_append_c (json, '}');

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                FS_DEMO_PAGE_TYPE_HEADER, page_types[type].name);
  respond_json (msg, status, json);
  respond_later (shard, msg, page_types[type].delay_ms);
}

static GBytes *
get_bytes_block (void)
{
  static GBytes *block = NULL;

  if (g_once_init_enter (&block))
    {
      static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      guint8 *data = g_malloc (BYTES_BLOCK_LEN);

      G_STATIC_ASSERT (sizeof alphabet - 1 == 64);
      G_STATIC_ASSERT (BYTES_BLOCK_LEN % 64 == 0);

      for (guint i = 0; i < BYTES_BLOCK_LEN; i++)
        data[i] = alphabet[i % 64];
      g_once_init_leave (&block, g_bytes_new_take (data, BYTES_BLOCK_LEN));
    }

  return block;
}

/* Byte i of the body is "A-Za-z0-9-_"[i % 64]; the body shares one
 * block instead of copying it. */
static void
respond_bytes (SoupServerMessage *msg,
               guint64            n_bytes)
{
  GBytes *block = get_bytes_block ();
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "application/octet-stream", NULL);
  for (guint64 offset = 0; offset < n_bytes; offset += BYTES_BLOCK_LEN)
    {
      gsize len = MIN (n_bytes - offset, BYTES_BLOCK_LEN);

      if (len == BYTES_BLOCK_LEN)
        {
          soup_message_body_append_bytes (body, block);
        }
      else
        {
          g_autoptr(GBytes) part = g_bytes_new_from_bytes (block, 0, len);

          soup_message_body_append_bytes (body, part);
        }
    }
}

static void
respond_status (SoupServerMessage *msg,
                guint              status)
{
  /* These carry no body (RFC 9110 §6.4.1). */
  if (status == 204 || status == 304)
    {
      soup_server_message_set_status (msg, status, NULL);
      return;
    }

  respond_json_printf (msg, status, "{\"status\":%u}", status);
}

static void
respond_redirect (SoupServerMessage *msg,
                  const char        *location)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Location", location);
  respond_text (msg, SOUP_STATUS_FOUND, "302 Found\n");
}

static gboolean
is_valid_header_value (const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static void
respond_reachable (FsDemoServer      *self,
                   SoupServerMessage *msg,
                   GHashTable        *query)
{
  const char *from_str = query != NULL ? g_hash_table_lookup (query, "from") : NULL;
  gboolean seen[FS_DEMO_GRAPH_SIZE] = { FALSE, };
  guint16 queue[FS_DEMO_GRAPH_SIZE];
  guint head = 0;
  guint tail = 0;
  guint64 from = 0;
  GString *json;

  if (from_str != NULL && !parse_uint (from_str, FS_DEMO_GRAPH_SIZE - 1, &from))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST);
      return;
    }

  seen[from] = TRUE;
  queue[tail++] = from;
  while (head < tail)
    {
      const GraphPage *page = &self->graph[queue[head++]];

      for (guint i = 0; i < page->n_links; i++)
        {
          if (!seen[page->links[i]])
            {
              seen[page->links[i]] = TRUE;
              queue[tail++] = page->links[i];
            }
        }
    }

  json = g_string_sized_new (16 + 4 * tail);
  g_string_append_printf (json, "{\"from\":%u,\"count\":%u,\"ids\":[", (guint) from, tail);
  for (guint id = 0, n = 0; id < FS_DEMO_GRAPH_SIZE; id++)
    if (seen[id])
      g_string_append_printf (json, "%s%u", n++ > 0 ? "," : "", id);
  g_string_append (json, "]}");

  respond_json (msg, SOUP_STATUS_OK, json);
}

static gboolean
page_type_from_name (const char *name,
                     PageType   *type)
{
  for (guint t = 0; t < N_PAGE_TYPES; t++)
    {
      if (strcmp (name, page_types[t].name) == 0)
        {
          *type = t;
          return TRUE;
        }
    }
  return FALSE;
}

static void
handle_request (Shard             *shard,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query)
{
  FsDemoServer *self = shard->owner;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = NULL;
  const char *name;
  guint n_parts;
  guint64 value;

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  if (path[0] != '/')
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }

  if (path[1] == '\0')
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        index_body, sizeof index_body - 1);
      return;
    }

  parts = g_strsplit (path + 1, "/", 4);
  n_parts = g_strv_length (parts);
  name = parts[0];

  if (n_parts == 1 && strcmp (name, "redirect-to") == 0)
    {
      const char *url = query != NULL ? g_hash_table_lookup (query, "url") : NULL;

      if (url == NULL || *url == '\0' || !is_valid_header_value (url))
        respond_error (msg, SOUP_STATUS_BAD_REQUEST);
      else
        respond_redirect (msg, url);
    }
  else if (n_parts == 2 && strcmp (name, "bytes") == 0)
    {
      if (!parse_uint (parts[1], FS_DEMO_MAX_BYTES, &value))
        respond_error (msg, SOUP_STATUS_BAD_REQUEST);
      else
        respond_bytes (msg, value);
    }
  else if (n_parts == 2 && strcmp (name, "delay") == 0)
    {
      if (!parse_uint (parts[1], FS_DEMO_MAX_DELAY_MS, &value))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST);
        }
      else
        {
          respond_json_printf (msg, SOUP_STATUS_OK, "{\"delay_ms\":%u}", (guint) value);
          respond_later (shard, msg, (guint) value);
        }
    }
  else if (n_parts == 2 && strcmp (name, "status") == 0)
    {
      /* A 1xx cannot end an exchange: given one as the final status,
       * libsoup 3.2 writes "100 Continue" until the client leaves. */
      if (!parse_uint (parts[1], 599, &value) || value < 200)
        respond_error (msg, SOUP_STATUS_BAD_REQUEST);
      else
        respond_status (msg, (guint) value);
    }
  else if (n_parts == 2 && strcmp (name, "redirect") == 0)
    {
      if (!parse_uint (parts[1], FS_DEMO_MAX_REDIRECTS, &value))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST);
        }
      else
        {
          g_autofree char *location = NULL;

          if (value == 0)
            location = g_strdup ("/ping");
          else
            location = g_strdup_printf ("/redirect/%u", (guint) value - 1);
          respond_redirect (msg, location);
        }
    }
  else if (n_parts == 3 && strcmp (name, "page") == 0)
    {
      PageType type;

      if (!page_type_from_name (parts[1], &type))
        respond_error (msg, SOUP_STATUS_NOT_FOUND);
      else if (!parse_uint (parts[2], G_MAXUINT32, &value))
        respond_error (msg, SOUP_STATUS_BAD_REQUEST);
      else
        respond_page (shard, msg, type, (guint) value, NULL);
    }
  else if (n_parts == 2 && strcmp (name, "api") == 0)
    {
      if (strcmp (parts[1], "reachable") == 0)
        respond_reachable (self, msg, query);
      else if (!parse_uint (parts[1], G_MAXUINT32, &value))
        respond_error (msg, SOUP_STATUS_BAD_REQUEST);
      else if (value >= FS_DEMO_GRAPH_SIZE)
        respond_error (msg, SOUP_STATUS_NOT_FOUND);
      else
        respond_page (shard, msg, self->types[value], (guint) value, &self->graph[value]);
    }
  else
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND);
    }
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Shard *shard = user_data;

  atomic_fetch_add_explicit (&shard->n_requests, 1, memory_order_relaxed);
  handle_request (shard, msg, path, query);
}

static void
ping_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Shard *shard = user_data;
  const char *method;

  atomic_fetch_add_explicit (&shard->n_requests, 1, memory_order_relaxed);

  /* libsoup also routes /ping/… here */
  method = soup_server_message_get_method (msg);
  if (G_UNLIKELY ((method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) ||
                  strcmp (path, "/ping") != 0))
    {
      handle_request (shard, msg, path, query);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
                                    ping_body, FS_DEMO_PING_BODY_LEN);
}

static void
connection_free (gpointer data)
{
  Connection *conn = data;

  g_queue_unlink (&conn->shard->connections, &conn->link);
  g_free (conn);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    Shard             *shard)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *conn;

  if (socket == NULL)
    return;

  conn = g_object_get_qdata (G_OBJECT (socket), connection_quark);
  if (conn == NULL)
    {
      conn = g_new0 (Connection, 1);
      conn->link.data = conn;
      conn->shard = shard;
      conn->socket = socket;
      g_queue_push_tail_link (&shard->connections, &conn->link);
      g_object_set_qdata_full (G_OBJECT (socket), connection_quark, conn, connection_free);
    }

  conn->busy = TRUE;
  conn->at_eof = FALSE;
}

static void
request_ended_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  Shard             *shard)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *conn;

  if (socket == NULL)
    return;

  conn = g_object_get_qdata (G_OBJECT (socket), connection_quark);
  if (conn != NULL)
    conn->busy = FALSE;
}

static void
connection_close (Connection *conn)
{
  GSocket *socket = conn->socket;

  /* Frees conn. */
  g_object_set_qdata (G_OBJECT (socket), connection_quark, NULL);
  if (!g_socket_is_closed (socket))
    g_socket_close (socket, NULL);
}

static gboolean
reap_cb (gpointer user_data)
{
  Shard *shard = user_data;
  GList *next;

  for (GList *l = shard->connections.head; l != NULL; l = next)
    {
      Connection *conn = l->data;
      gboolean at_eof = FALSE;
      char c;

      next = l->next;

      if (g_socket_is_closed (conn->socket))
        {
          g_object_set_qdata (G_OBJECT (conn->socket), connection_quark, NULL);
          continue;
        }

      if (!conn->busy)
        {
          gssize n = recv (g_socket_get_fd (conn->socket), &c, 1, MSG_PEEK | MSG_DONTWAIT);

          at_eof = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        }

      if (at_eof && conn->at_eof)
        connection_close (conn);
      else
        conn->at_eof = at_eof;
    }

  return G_SOURCE_CONTINUE;
}

/* On the shard's thread, its context the thread-default one: serve on
 * the sockets made for it. */
static gboolean
shard_listen (Shard   *shard,
              GError **error)
{
  shard->context = g_main_context_ref_thread_default ();
  shard->server = g_object_new (SOUP_TYPE_SERVER, NULL);
  soup_server_add_handler (shard->server, "/ping", ping_cb, shard, NULL);
  soup_server_add_handler (shard->server, NULL, server_cb, shard, NULL);
  g_signal_connect (shard->server, "request-started", G_CALLBACK (request_started_cb), shard);
  g_signal_connect (shard->server, "request-finished", G_CALLBACK (request_ended_cb), shard);
  g_signal_connect (shard->server, "request-aborted", G_CALLBACK (request_ended_cb), shard);

  for (guint i = 0; i < shard->sockets->len; i++)
    if (!soup_server_listen_socket (shard->server, g_ptr_array_index (shard->sockets, i), 0, error))
      return FALSE;
  g_clear_pointer (&shard->sockets, g_ptr_array_unref);

  shard->reap_source = g_timeout_source_new_seconds (REAP_INTERVAL_S);
  g_source_set_static_name (shard->reap_source, "[fetchscope] demo server reaper");
  g_source_set_callback (shard->reap_source, reap_cb, shard, NULL);
  g_source_attach (shard->reap_source, shard->context);

  return TRUE;
}

/* On the shard's thread: answers nothing more, and lets every connection go. */
static void
shard_close (Shard *shard)
{
  while (shard->delays.head != NULL)
    delay_finish (shard->delays.head->data, FALSE);

  if (shard->reap_source != NULL)
    g_source_destroy (shard->reap_source);
  g_clear_pointer (&shard->reap_source, g_source_unref);

  if (shard->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (shard->server, shard);
      soup_server_disconnect (shard->server);
    }
  g_clear_object (&shard->server);

  /* What libsoup let go of without closing. */
  while (shard->connections.head != NULL)
    connection_close (shard->connections.head->data);

  g_clear_pointer (&shard->sockets, g_ptr_array_unref);
}

static gpointer
shard_thread_func (gpointer data)
{
  Shard *shard = data;
  FsDemoServer *self = shard->owner;
  g_autoptr(GMainContext) context = g_main_context_new ();
  GError *error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (context);

  listening = shard_listen (shard, &error);

  g_mutex_lock (&self->start_mutex);
  shard->error = error;
  self->n_started++;
  g_cond_broadcast (&self->start_cond);
  g_mutex_unlock (&self->start_mutex);

  /* An atomic flag rather than g_main_loop_quit(), which is lost when it
   * comes before g_main_loop_run(). */
  while (listening && !g_atomic_int_get (&shard->stop))
    g_main_context_iteration (context, TRUE);

  shard_close (shard);

  /* Let the closed connections' sources see it, as the main thread's
   * loop would. */
  for (guint i = 0; i < 100 && g_main_context_pending (context); i++)
    g_main_context_iteration (context, FALSE);

  g_main_context_pop_thread_default (context);

  return NULL;
}

static void
shard_stop_thread (Shard *shard)
{
  g_atomic_int_set (&shard->stop, TRUE);
  g_main_context_wakeup (shard->context);
  g_thread_join (g_steal_pointer (&shard->thread));
}

static void
fs_demo_server_setup (FsDemoServer *self)
{
  g_clear_pointer (&self->failure_rand, g_rand_free);
  self->failure_rand = rand_for_stream (self->options.seed, STREAM_FAILURES);
  build_type_table (self->options.seed, self->types);
  build_graph (self->options.seed, self->graph);
}

/* Stops the shard threads, then closes shard 0 on the calling thread. */
static void
stop_shards (FsDemoServer *self)
{
  for (guint i = 1; i < self->n_shards; i++)
    if (self->shards[i].thread != NULL)
      shard_stop_thread (&self->shards[i]);

  /* Each shard thread closed its own. */
  if (self->n_shards > 0)
    shard_close (&self->shards[0]);

  for (guint i = 0; i < self->n_shards; i++)
    {
      Shard *shard = &self->shards[i];

      g_clear_pointer (&shard->sockets, g_ptr_array_unref);
      g_clear_error (&shard->error);
      g_clear_pointer (&shard->context, g_main_context_unref);
    }
}

static void
fs_demo_server_dispose (GObject *object)
{
  FsDemoServer *self = (FsDemoServer *) object;

  stop_shards (self);

  G_OBJECT_CLASS (fs_demo_server_parent_class)->dispose (object);
}

static void
fs_demo_server_finalize (GObject *object)
{
  FsDemoServer *self = (FsDemoServer *) object;

  g_clear_pointer (&self->shards, g_free);
  g_clear_pointer (&self->failure_rand, g_rand_free);
  g_clear_pointer (&self->base_url, g_free);
  g_mutex_clear (&self->start_mutex);
  g_cond_clear (&self->start_cond);
  g_mutex_clear (&self->failure_mutex);

  G_OBJECT_CLASS (fs_demo_server_parent_class)->finalize (object);
}

static void
fs_demo_server_class_init (FsDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_demo_server_dispose;
  object_class->finalize = fs_demo_server_finalize;

  connection_quark = g_quark_from_static_string ("fs-demo-server-connection");
}

static void
fs_demo_server_init (FsDemoServer *self)
{
  fs_demo_server_options_init (&self->options);
  g_mutex_init (&self->start_mutex);
  g_cond_init (&self->start_cond);
  g_mutex_init (&self->failure_mutex);

  fs_demo_server_setup (self);
}

void
fs_demo_server_options_init (FsDemoServerOptions *options)
{
  g_return_if_fail (options != NULL);

  options->time_scale = 1.0;
  options->seed = 1;
  options->difficulty = 16;
  options->n_threads = 1;
}

/**
 * fs_demo_server_new:
 * @options: (nullable): options, or %NULL for the defaults
 *
 * The server does nothing until fs_demo_server_listen().
 *
 * Returns: (transfer full): a new server
 */
FsDemoServer *
fs_demo_server_new (const FsDemoServerOptions *options)
{
  FsDemoServer *self;

  g_return_val_if_fail (options == NULL ||
                        (options->time_scale >= 0.0 && options->time_scale <= 100.0), NULL);
  g_return_val_if_fail (options == NULL ||
                        (options->difficulty >= 1 && options->difficulty <= 32), NULL);
  g_return_val_if_fail (options == NULL ||
                        (options->n_threads >= 1 && options->n_threads <= FS_DEMO_MAX_THREADS),
                        NULL);

  self = g_object_new (FS_TYPE_DEMO_SERVER, NULL);
  if (options != NULL)
    {
      self->options = *options;
      fs_demo_server_setup (self);
    }

  return self;
}

#define LISTEN_BACKLOG 4096
/* libsoup 3.2 accepts one connection per listening socket per main-loop
 * iteration, at the priority of the requests it already serves: a burst of
 * 1,000 connects waits in the kernel's queue for seconds, some past a
 * client's timeout. Several sockets on one port (SO_REUSEPORT; the kernel
 * spreads new connections over them) accept that many per iteration. */
#define N_LISTENERS    8

static GSocket *
new_listener (GSocketAddress  *address,
              GError         **error)
{
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* Our own socket, for its backlog: GLib's default of 10 makes the kernel
   * drop connection attempts beyond it, and a client opening 100 at once
   * sees some of them retried a whole second later. */
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);

  /* Bound by hand: g_socket_bind() turns SO_REUSEPORT off for TCP. */
  {
    struct sockaddr_storage native;
    gsize len = g_socket_address_get_native_size (address);

    if (!g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
        !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error) ||
        !g_socket_address_to_native (address, &native, sizeof native, error))
      return NULL;

    if (bind (g_socket_get_fd (socket), (struct sockaddr *) &native, len) != 0)
      {
        int saved_errno = errno;
        g_autofree char *where = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     "Error binding to address %s: %s", where, g_strerror (saved_errno));
        return NULL;
      }
  }

  if (!g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

/**
 * fs_demo_server_listen:
 * @self: a server
 * @port: a TCP port, or 0 for an ephemeral one
 * @error: return location for an error
 *
 * Listens on 127.0.0.1 only. The first of the options' n_threads serves
 * from the calling thread's thread-default main context, each other one
 * from a thread of its own, started here and stopped when @self is
 * disposed. Can be called once.
 *
 * Returns: %TRUE once listening
 */
gboolean
fs_demo_server_listen (FsDemoServer  *self,
                       guint16        port,
                       GError       **error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  guint n_threads = 0;

  g_return_val_if_fail (FS_IS_DEMO_SERVER (self), FALSE);
  g_return_val_if_fail (self->shards == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);

  /* A port another process holds is refused, as with one socket: the
   * others must not quietly share it. */
  if (port != 0)
    {
      g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, error);

      if (probe == NULL || !g_socket_bind (probe, address, TRUE, error))
        return FALSE;
      g_socket_close (probe, NULL);
    }

  self->n_shards = self->options.n_threads;
  self->shards = g_new0 (Shard, self->n_shards);
  for (guint i = 0; i < self->n_shards; i++)
    {
      Shard *shard = &self->shards[i];

      shard->owner = self;
      shard->index = i;
      g_queue_init (&shard->delays);
      g_queue_init (&shard->connections);
      atomic_init (&shard->n_requests, 0);
      shard->sockets = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint k = 0; k < N_LISTENERS; k++)
        {
          GSocket *socket = new_listener (local ? local : address, error);

          if (socket == NULL)
            goto failed;
          g_ptr_array_add (shard->sockets, socket);

          /* The others join the first one's port, ephemeral or not. */
          if (local == NULL && !(local = g_socket_get_local_address (socket, error)))
            goto failed;
        }
    }

  if (!shard_listen (&self->shards[0], error))
    goto failed;

  for (n_threads = 0; n_threads + 1 < self->n_shards; n_threads++)
    {
      Shard *shard = &self->shards[n_threads + 1];
      g_autofree char *name = g_strdup_printf ("fs-demo-serve-%u", shard->index);

      shard->thread = g_thread_try_new (name, shard_thread_func, shard, error);
      if (shard->thread == NULL)
        break;
    }

  g_mutex_lock (&self->start_mutex);
  while (self->n_started < n_threads)
    g_cond_wait (&self->start_cond, &self->start_mutex);
  g_mutex_unlock (&self->start_mutex);

  if (n_threads + 1 < self->n_shards)
    goto failed;
  for (guint i = 1; i < self->n_shards; i++)
    {
      if (self->shards[i].error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&self->shards[i].error));
          goto failed;
        }
    }

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);

  return TRUE;

failed:
  stop_shards (self);
  g_clear_pointer (&self->shards, g_free);
  self->n_shards = 0;

  return FALSE;
}

/**
 * fs_demo_server_get_base_url:
 * @self: a server
 *
 * Returns: (nullable): "http://127.0.0.1:PORT", without a trailing slash,
 *   or %NULL before fs_demo_server_listen() succeeded
 */
const char *
fs_demo_server_get_base_url (FsDemoServer *self)
{
  g_return_val_if_fail (FS_IS_DEMO_SERVER (self), NULL);

  return self->base_url;
}

guint16
fs_demo_server_get_port (FsDemoServer *self)
{
  g_return_val_if_fail (FS_IS_DEMO_SERVER (self), 0);

  return self->port;
}

/**
 * fs_demo_server_get_n_requests:
 * @self: a server
 *
 * Counts every request that reached a handler, whatever its answer.
 * Can be called from any thread.
 *
 * Returns: the number of requests handled so far
 */
guint64
fs_demo_server_get_n_requests (FsDemoServer *self)
{
  guint64 n = 0;

  g_return_val_if_fail (FS_IS_DEMO_SERVER (self), 0);

  for (guint i = 0; i < self->n_shards; i++)
    n += atomic_load_explicit (&self->shards[i].n_requests, memory_order_relaxed);

  return n;
}

/**
 * _fs_demo_server_get_n_thread_requests:
 * @self: a listening server
 * @index: a serving thread, below the options' n_threads
 *
 * Can be called from any thread.
 *
 * Returns: the requests that thread has handled so far
 */
guint64
_fs_demo_server_get_n_thread_requests (FsDemoServer *self,
                                       guint         index)
{
  g_return_val_if_fail (FS_IS_DEMO_SERVER (self), 0);
  g_return_val_if_fail (index < self->n_shards, 0);

  return atomic_load_explicit (&self->shards[index].n_requests, memory_order_relaxed);
}

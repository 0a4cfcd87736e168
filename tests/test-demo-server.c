/* test-demo-server.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "fs-demo-server-private.h"
#include "fs-test-server.h"

/* Small enough for a fast suite, big enough that delays are measurable. */
#define TIME_SCALE     0.02
/* Timing bounds are generous: at least the scaled delay, less than that plus this. */
#define SLACK_US       (2 * G_USEC_PER_SEC)
#define MAX_RETRIES    500

static const char * const type_names[] = { "regular", "slow", "failing", "cpu", "multicore" };

static SoupSession *
new_session (void)
{
  SoupSession *session = soup_session_new ();

  /* Loopback only: never go through a proxy from the environment. */
  soup_session_set_proxy_resolver (session, NULL);
  soup_session_set_timeout (session, 30);

  return session;
}

static SoupMessage *
fetch_full (SoupSession       *session,
            const char        *method,
            const char        *url,
            SoupMessageFlags   flags,
            GBytes           **out_body,
            gint64            *out_elapsed_us)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_assert_nonnull (msg);
  soup_message_set_flags (msg, flags);

  start = g_get_monotonic_time ();
  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (out_elapsed_us != NULL)
    *out_elapsed_us = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_nonnull (body);

  if (out_body != NULL)
    *out_body = g_steal_pointer (&body);

  return g_steal_pointer (&msg);
}

static SoupMessage *
fetch (SoupSession   *session,
       FsTestServer  *server,
       const char    *path,
       GBytes       **out_body,
       gint64        *out_elapsed_us)
{
  g_autofree char *url = fs_test_server_url (server, path);

  return fetch_full (session, "GET", url, 0, out_body, out_elapsed_us);
}

static guint
fetch_status (SoupSession  *session,
              FsTestServer *server,
              const char   *path)
{
  g_autoptr(SoupMessage) msg = fetch (session, server, path, NULL, NULL);

  return soup_message_get_status (msg);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return data != NULL ? g_strndup (data, len) : g_strdup ("");
}

static const char *
response_header (SoupMessage *msg,
                 const char  *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (msg), name);
}

static const char *
page_type_header (SoupMessage *msg)
{
  return response_header (msg, FS_DEMO_PAGE_TYPE_HEADER);
}

static const char *
content_type (SoupMessage *msg)
{
  return soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
}

/* All captures of group 1 of @pattern in @text, in order. */
static GPtrArray *
match_all (const char *pattern,
           const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (regex);
  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_ptr_array_add (found, g_match_info_fetch (match, 1));
      g_match_info_next (match, NULL);
    }

  return found;
}

static char *
match_one (const char *pattern,
           const char *text)
{
  g_autoptr(GPtrArray) found = match_all (pattern, text);

  if (found->len != 1)
    return NULL;
  return g_strdup (g_ptr_array_index (found, 0));
}

/* The link ids of "links":[…] in a graph page body, or NULL without one. */
static GArray *
parse_links (const char *json)
{
  g_autofree char *list = match_one ("\"links\":\\[([^\\]]*)\\]", json);
  g_autoptr(GPtrArray) ids = NULL;
  GArray *links;

  if (list == NULL)
    return NULL;

  ids = match_all ("\"/api/([0-9]+)\"", list);
  links = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < ids->len; i++)
    {
      guint id = (guint) g_ascii_strtoull (g_ptr_array_index (ids, i), NULL, 10);

      g_array_append_val (links, id);
    }

  return links;
}

/* Fetches /api/ID until it is not a simulated failure, and returns its
 * body. Failing pages succeed 10 % of the time, so this ends quickly. */
static char *
fetch_graph_page (SoupSession  *session,
                  FsTestServer *server,
                  guint         id,
                  char        **out_type)
{
  g_autofree char *path = g_strdup_printf ("/api/%u", id);

  for (guint attempt = 0; attempt < MAX_RETRIES; attempt++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = fetch (session, server, path, &body, NULL);
      guint status = soup_message_get_status (msg);

      if (status == SOUP_STATUS_OK)
        {
          if (out_type != NULL)
            *out_type = g_strdup (page_type_header (msg));
          return bytes_to_string (body);
        }

      g_assert_cmpstr (page_type_header (msg), ==, "failing");
      g_assert_cmpuint (status, >=, 500);
    }

  g_assert_not_reached ();
}

static void
test_ping (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  guint64 before = fs_test_server_get_n_requests (server);
  gsize len;
  const char *data;

  g_assert_true (g_str_has_prefix (fs_test_server_get_base_url (server), "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (fs_test_server_get_base_url (server), "/"));
  g_assert_cmpuint (fs_test_server_get_port (server), >, 0);

  msg = fetch (session, server, "/ping", &body, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  data = g_bytes_get_data (body, &len);
  g_assert_cmpuint (len, ==, FS_DEMO_PING_BODY_LEN);
  g_assert_cmpuint (len, ==, 100);
  g_assert_true (g_str_has_prefix (data, "pong"));
  g_assert_cmpstr (content_type (msg), ==, "text/plain");
  g_assert_null (page_type_header (msg));
  g_assert_cmpuint (fs_test_server_get_n_requests (server), ==, before + 1);

  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (fetch_status (session, server, "/ping"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fs_test_server_get_n_requests (server), ==, before + 21);
}

static void
test_index (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = fetch (session, server, "/", &body, NULL);
  g_autofree char *html = bytes_to_string (body);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_true (g_str_has_prefix (content_type (msg), "text/html"));
  g_assert_nonnull (strstr (html, "<a href=\"/ping\">"));
  g_assert_nonnull (strstr (html, "<a href=\"/api/0\">"));
}

static void
test_bytes (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const guint64 sizes[] = { 0, 1, 100, 65535, 65536, 65537, 200001 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bytes/%" G_GUINT64_FORMAT, sizes[i]);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = fetch (session, server, path, &body, NULL);
      const guint8 *data;
      gsize len;

      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
      data = g_bytes_get_data (body, &len);
      g_assert_cmpuint (len, ==, sizes[i]);
      for (gsize k = 0; k < len; k++)
        {
          if (data[k] != (guint8) alphabet[k % 64])
            g_error ("/bytes/%" G_GUINT64_FORMAT ": unexpected byte at %" G_GSIZE_FORMAT,
                     sizes[i], k);
        }
    }

  g_assert_cmpuint (fetch_status (session, server, "/bytes/67108865"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/bytes/99999999999999999999999"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/bytes/-1"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/bytes/12abc"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/bytes/"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/bytes"), ==, 404);
}

static void
test_bytes_max (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = fetch (session, server, "/bytes/67108864", &body, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (body), ==, FS_DEMO_MAX_BYTES);
}

static void
test_delay (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *json = NULL;
  gint64 expected_us = (gint64) (2000 * 1000 * TIME_SCALE);
  gint64 elapsed_us;

  msg = fetch (session, server, "/delay/2000", &body, &elapsed_us);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  json = bytes_to_string (body);
  g_assert_cmpstr (json, ==, "{\"delay_ms\":2000}");
  g_assert_cmpint (elapsed_us, >=, expected_us);
  g_assert_cmpint (elapsed_us, <, expected_us + SLACK_US);

  g_assert_cmpuint (fetch_status (session, server, "/delay/0"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fetch_status (session, server, "/delay/600001"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/delay/x"), ==, 400);
}

/* Delays of several requests overlap: the server does not block on one. */
static void
test_delay_concurrent (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  GSocketConnection *conns[8] = { NULL, };
  const char request[] =
    "GET /delay/10000 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  gint64 expected_us = (gint64) (10000 * 1000 * TIME_SCALE);
  gint64 start;
  gint64 elapsed_us;

  g_socket_client_set_enable_proxy (client, FALSE);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      g_autoptr(GError) error = NULL;

      conns[i] = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                  fs_test_server_get_port (server), NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conns[i])),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) reply = g_string_new (NULL);
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conns[i]));
      char buf[512];
      gssize n;

      while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
        g_string_append_len (reply, buf, n);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (reply->str, "HTTP/1.1 200"));
      g_clear_object (&conns[i]);
    }
  elapsed_us = g_get_monotonic_time () - start;

  /* Eight sequential delays would take 8 × expected_us. */
  g_assert_cmpint (elapsed_us, >=, expected_us);
  g_assert_cmpint (elapsed_us, <, expected_us + SLACK_US);
  g_assert_cmpint (elapsed_us, <, 4 * expected_us);
}

static void
test_status (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  const guint codes[] = { 200, 201, 204, 404, 418, 500, 503, 599 };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/status/%u", codes[i]);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = fetch (session, server, path, &body, NULL);
      g_autofree char *json = bytes_to_string (body);
      g_autofree char *expected = g_strdup_printf ("{\"status\":%u}", codes[i]);

      g_assert_cmpuint (soup_message_get_status (msg), ==, codes[i]);
      if (codes[i] == 204)
        g_assert_cmpstr (json, ==, "");
      else
        g_assert_cmpstr (json, ==, expected);
    }

  g_assert_cmpuint (fetch_status (session, server, "/status/99"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/status/100"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/status/199"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/status/600"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/status/abc"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/status/+200"), ==, 400);
}

static void
test_redirect (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *path = g_strdup ("/redirect/3");
  const char * const chain[] = { "/redirect/2", "/redirect/1", "/redirect/0", "/ping" };
  guint64 before;

  /* One hop at a time. */
  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      g_autofree char *url = fs_test_server_url (server, path);
      g_autoptr(SoupMessage) hop = fetch_full (session, "GET", url, SOUP_MESSAGE_NO_REDIRECT,
                                               NULL, NULL);

      g_assert_cmpuint (soup_message_get_status (hop), ==, SOUP_STATUS_FOUND);
      g_assert_cmpstr (response_header (hop, "Location"), ==, chain[i]);
      g_free (path);
      path = g_strdup (chain[i]);
    }

  /* Followed by the client: 3 + 1 redirects, then /ping. */
  before = fs_test_server_get_n_requests (server);
  msg = fetch (session, server, "/redirect/3", &body, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (body), ==, FS_DEMO_PING_BODY_LEN);
  g_assert_true (g_str_has_suffix (g_uri_get_path (soup_message_get_uri (msg)), "/ping"));
  g_assert_cmpuint (fs_test_server_get_n_requests (server), ==, before + 5);

  g_assert_cmpuint (fetch_status (session, server, "/redirect/101"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/redirect/x"), ==, 400);
}

static void
test_redirect_to (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  const struct {
    const char *query;
    const char *location;
  } cases[] = {
    { "url=file:///etc/passwd", "file:///etc/passwd" },
    { "url=file%3A%2F%2F%2Fetc%2Fpasswd", "file:///etc/passwd" },
    { "url=http%3A%2F%2Fexample.invalid%2Fa%3Fb%3Dc%26d", "http://example.invalid/a?b=c&d" },
    { "url=/ping", "/ping" },
  };

  /* Never followed: the locations are not all loopback. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/redirect-to?%s", cases[i].query);
      g_autofree char *url = fs_test_server_url (server, path);
      g_autoptr(SoupMessage) msg = fetch_full (session, "GET", url, SOUP_MESSAGE_NO_REDIRECT,
                                               NULL, NULL);

      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_FOUND);
      g_assert_cmpstr (response_header (msg, "Location"), ==, cases[i].location);
    }

  g_assert_cmpuint (fetch_status (session, server, "/redirect-to"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/redirect-to?url="), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/redirect-to?other=1"), ==, 400);
  g_assert_cmpuint (fetch_status (session, server, "/redirect-to?url=a%0D%0AX-Injected:%201"),
                    ==, 400);
}

static void
test_not_found (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  const char * const not_found[] = {
    "/nope", "/ping/extra", "/ping2", "/api", "/api/1000", "/api/4294967295", "/page/unknown/1",
    "/page/regular", "/page/regular/1/2", "/delay/1/2", "/index.html",
  };
  const char * const bad_request[] = {
    "/page/regular/x", "/page/cpu/-1", "/page/slow/4294967296", "/api/x", "/api/-3",
    "/api/99999999999999999999", "/api/reachable?from=1000", "/api/reachable?from=x",
  };
  g_autofree char *ping_url = fs_test_server_url (server, "/ping");
  g_autoptr(SoupMessage) post = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (not_found); i++)
    {
      if (fetch_status (session, server, not_found[i]) != 404)
        g_error ("%s: expected 404", not_found[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_request); i++)
    {
      if (fetch_status (session, server, bad_request[i]) != 400)
        g_error ("%s: expected 400", bad_request[i]);
    }

  post = fetch_full (session, "POST", ping_url, 0, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (post), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
}

static void
test_page_types (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  const guint delays_ms[] = { 500, 5000, 500, 100, 100 };
  const guint n_seeds[] = { 0, 0, 0, 1, 4 };

  for (guint t = 0; t < G_N_ELEMENTS (type_names); t++)
    {
      g_autofree char *path = g_strdup_printf ("/page/%s/42", type_names[t]);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autofree char *json = NULL;
      g_autofree char *id = NULL;
      g_autofree char *type = NULL;
      g_autoptr(GPtrArray) seeds = NULL;
      gint64 expected_us = (gint64) (delays_ms[t] * 1000 * TIME_SCALE);
      gint64 elapsed_us;
      guint status;

      msg = fetch (session, server, path, &body, &elapsed_us);
      status = soup_message_get_status (msg);
      json = bytes_to_string (body);
      g_test_message ("%s: %u in %" G_GINT64_FORMAT " µs: %s", path, status, elapsed_us, json);

      g_assert_cmpint (elapsed_us, >=, expected_us);
      g_assert_cmpint (elapsed_us, <, expected_us + SLACK_US);
      g_assert_cmpstr (page_type_header (msg), ==, type_names[t]);
      g_assert_cmpstr (content_type (msg), ==, "application/json");

      id = match_one ("^\\{\"id\":([0-9]+),", json);
      type = match_one ("\"type\":\"([a-z]+)\"", json);
      g_assert_cmpstr (id, ==, "42");
      g_assert_cmpstr (type, ==, type_names[t]);
      g_assert_true (g_str_has_suffix (json, "}"));
      g_assert_null (strstr (json, "links"));

      if (g_str_equal (type_names[t], "failing"))
        {
          g_assert_true (status == 200 || status == 500 || status == 502 || status == 503);
          continue;
        }

      g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
      seeds = match_all ("\"([0-9a-f]{16})\"", json);
      g_assert_cmpuint (seeds->len, ==, n_seeds[t]);
      if (n_seeds[t] == 0)
        {
          g_autofree char *expected = g_strdup_printf ("{\"id\":42,\"type\":\"%s\"}",
                                                       type_names[t]);

          g_assert_cmpstr (json, ==, expected);
        }
      else
        {
          g_autofree char *difficulty = match_one ("\"difficulty\":([0-9]+)", json);

          g_assert_cmpstr (difficulty, ==, "16");
        }
    }
}

static void
test_failing_rate (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  guint n_failed = 0;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *path = g_strdup_printf ("/page/failing/%u", i);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = fetch (session, server, path, &body, NULL);
      g_autofree char *json = bytes_to_string (body);
      guint status = soup_message_get_status (msg);

      g_assert_cmpstr (page_type_header (msg), ==, "failing");
      if (status == SOUP_STATUS_OK)
        {
          g_autofree char *expected = g_strdup_printf ("{\"id\":%u,\"type\":\"failing\"}", i);

          g_assert_cmpstr (json, ==, expected);
        }
      else
        {
          g_assert_true (status == 500 || status == 502 || status == 503);
          n_failed++;
        }
    }

  g_test_message ("%u of 100 failed", n_failed);
  g_assert_cmpuint (n_failed, >=, 70);
  g_assert_cmpuint (n_failed, <=, 100);
}

static void
test_graph_types (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (0.0, 7);
  g_autoptr(SoupSession) session = new_session ();
  const guint32 seeds[] = { 1, 2, 7, 12345 };
  const guint expected[] = { 600, 100, 100, 100, 100 };
  guint n_different = 0;

  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      guint counts[G_N_ELEMENTS (type_names)] = { 0, };

      for (guint id = 0; id < FS_DEMO_GRAPH_SIZE; id++)
        {
          const char *type = fs_demo_page_type_for_id (seeds[s], id);
          gboolean known = FALSE;

          g_assert_nonnull (type);
          for (guint t = 0; t < G_N_ELEMENTS (type_names); t++)
            {
              if (g_str_equal (type, type_names[t]))
                {
                  counts[t]++;
                  known = TRUE;
                }
            }
          g_assert_true (known);
        }

      for (guint t = 0; t < G_N_ELEMENTS (type_names); t++)
        g_assert_cmpuint (counts[t], ==, expected[t]);
      g_assert_null (fs_demo_page_type_for_id (seeds[s], FS_DEMO_GRAPH_SIZE));
    }

  for (guint id = 0; id < FS_DEMO_GRAPH_SIZE; id++)
    if (!g_str_equal (fs_demo_page_type_for_id (1, id), fs_demo_page_type_for_id (2, id)))
      n_different++;
  g_assert_cmpuint (n_different, >, 100);

  /* The server serves the types that the function announces. */
  for (guint id = 0; id < 60; id++)
    {
      g_autofree char *path = g_strdup_printf ("/api/%u", id);
      g_autoptr(SoupMessage) msg = fetch (session, server, path, NULL, NULL);

      g_assert_cmpstr (page_type_header (msg), ==, fs_demo_page_type_for_id (7, id));
    }
}

static void
collect_links (FsTestServer  *server,
               SoupSession   *session,
               guint          n_pages,
               GPtrArray    **out_links)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint id = 0; id < n_pages; id++)
    {
      g_autofree char *json = fetch_graph_page (session, server, id, NULL);
      GArray *links = parse_links (json);

      g_assert_nonnull (links);
      g_assert_cmpuint (links->len, <=, 8);
      g_ptr_array_add (all, links);
    }

  *out_links = all;
}

static gboolean
links_equal (GPtrArray *a,
             GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      GArray *la = g_ptr_array_index (a, i);
      GArray *lb = g_ptr_array_index (b, i);

      if (la->len != lb->len ||
          (la->len > 0 && memcmp (la->data, lb->data, la->len * sizeof (guint)) != 0))
        return FALSE;
    }
  return TRUE;
}

static void
test_graph_determinism (void)
{
  g_autoptr(FsTestServer) one = fs_test_server_new (0.0, 1);
  g_autoptr(FsTestServer) same = fs_test_server_new (0.0, 1);
  g_autoptr(FsTestServer) other = fs_test_server_new (0.0, 2);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GPtrArray) links_one = NULL;
  g_autoptr(GPtrArray) links_same = NULL;
  g_autoptr(GPtrArray) links_other = NULL;
  g_autofree char *puzzle_one = NULL;
  g_autofree char *puzzle_same = NULL;
  g_autofree char *puzzle_other = NULL;
  guint n_links = 0;

  collect_links (one, session, 100, &links_one);
  collect_links (same, session, 100, &links_same);
  collect_links (other, session, 100, &links_other);

  g_assert_true (links_equal (links_one, links_same));
  g_assert_false (links_equal (links_one, links_other));

  for (guint i = 0; i < links_one->len; i++)
    n_links += ((GArray *) g_ptr_array_index (links_one, i))->len;
  g_assert_cmpuint (n_links, >, 100);

  puzzle_one = fetch_graph_page (session, one, 0, NULL);
  puzzle_same = fetch_graph_page (session, same, 0, NULL);
  puzzle_other = fetch_graph_page (session, other, 0, NULL);
  g_assert_cmpstr (puzzle_one, ==, puzzle_same);
  g_assert_cmpstr (puzzle_one, !=, puzzle_other);
}

/* A failing graph page's error body still lists the page's links, the
 * same as when it succeeds, so a crawl reaches what /api/reachable names. */
static void
test_graph_failing_links (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (0.0, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *ok_page = NULL;
  g_autoptr(GArray) ok_links = NULL;
  g_autofree char *path = NULL;
  guint id = 1;
  gboolean failed = FALSE;

  while (!g_str_equal (fs_demo_page_type_for_id (1, id), "failing"))
    id++;
  path = g_strdup_printf ("/api/%u", id);
  ok_page = fetch_graph_page (session, server, id, NULL);
  ok_links = parse_links (ok_page);
  g_assert_nonnull (ok_links);

  for (guint attempt = 0; attempt < MAX_RETRIES && !failed; attempt++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(SoupMessage) msg = fetch (session, server, path, &body, NULL);
      g_autofree char *json = bytes_to_string (body);
      g_autoptr(GArray) links = NULL;

      if (soup_message_get_status (msg) < 500)
        continue;

      failed = TRUE;
      g_assert_nonnull (strstr (json, "\"error\":\"simulated failure\""));
      links = parse_links (json);
      g_assert_nonnull (links);
      g_assert_cmpuint (links->len, ==, ok_links->len);
      g_assert_cmpmem (links->data, links->len * sizeof (guint),
                       ok_links->data, ok_links->len * sizeof (guint));
    }
  g_assert_true (failed);
}

static void
test_graph_reachable (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (0.0, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *json = NULL;
  g_autofree char *count = NULL;
  g_autofree char *id_list = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  gboolean seen[FS_DEMO_GRAPH_SIZE] = { FALSE, };
  guint queue[FS_DEMO_GRAPH_SIZE];
  guint head = 0;
  guint tail = 0;
  guint n_back_to_start = 0;

  /* BFS by fetching pages, as a crawler would. */
  seen[0] = TRUE;
  queue[tail++] = 0;
  while (head < tail)
    {
      guint id = queue[head++];
      g_autofree char *type = NULL;
      g_autofree char *page = fetch_graph_page (session, server, id, &type);
      g_autoptr(GArray) links = parse_links (page);

      g_assert_nonnull (links);
      g_assert_cmpstr (type, ==, fs_demo_page_type_for_id (1, id));
      for (guint i = 0; i < links->len; i++)
        {
          guint target = g_array_index (links, guint, i);

          g_assert_cmpuint (target, <, FS_DEMO_GRAPH_SIZE);
          g_assert_cmpuint (target, !=, id);
          if (target == 0)
            n_back_to_start++;
          if (!seen[target])
            {
              seen[target] = TRUE;
              queue[tail++] = target;
            }
        }
    }

  g_test_message ("%u pages reachable from /api/0", tail);
  g_assert_cmpuint (tail, >, 100);
  g_assert_cmpuint (tail, <, FS_DEMO_GRAPH_SIZE);
  g_assert_cmpuint (n_back_to_start, >, 0);

  msg = fetch (session, server, "/api/reachable?from=0", &body, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  json = bytes_to_string (body);

  g_string_append (expected, "{\"from\":0,\"count\":");
  g_string_append_printf (expected, "%u,\"ids\":[", tail);
  for (guint id = 0, n = 0; id < FS_DEMO_GRAPH_SIZE; id++)
    if (seen[id])
      g_string_append_printf (expected, "%s%u", n++ > 0 ? "," : "", id);
  g_string_append (expected, "]}");
  g_assert_cmpstr (json, ==, expected->str);

  count = match_one ("\"count\":([0-9]+)", json);
  id_list = match_one ("\"ids\":\\[([0-9,]*)\\]", json);
  ids = match_all ("([0-9]+)", id_list);
  g_assert_cmpuint (g_ascii_strtoull (count, NULL, 10), ==, ids->len);

  /* An unreachable page reaches at least itself. */
  for (guint id = 1; id < FS_DEMO_GRAPH_SIZE; id++)
    {
      if (!seen[id])
        {
          g_autofree char *path = g_strdup_printf ("/api/reachable?from=%u", id);
          g_autoptr(GBytes) other_body = NULL;
          g_autoptr(SoupMessage) other = fetch (session, server, path, &other_body, NULL);
          g_autofree char *other_json = bytes_to_string (other_body);
          g_autofree char *prefix = g_strdup_printf ("{\"from\":%u,\"count\":", id);

          g_assert_cmpuint (soup_message_get_status (other), ==, SOUP_STATUS_OK);
          g_assert_true (g_str_has_prefix (other_json, prefix));
          break;
        }
    }
}

static guint
leading_zero_bits (const guint8 *digest,
                   gsize         len)
{
  guint bits = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (digest[i] == 0)
        {
          bits += 8;
          continue;
        }
      for (guint8 mask = 0x80; (digest[i] & mask) == 0; mask >>= 1)
        bits++;
      break;
    }

  return bits;
}

static guint
puzzle_bits (GChecksum  *checksum,
             const char *seed,
             guint64     nonce)
{
  char input[64];
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  int len = g_snprintf (input, sizeof input, "%s:%" G_GUINT64_FORMAT, seed, nonce);

  g_checksum_reset (checksum);
  g_checksum_update (checksum, (const guchar *) input, len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  g_assert_cmpuint (digest_len, ==, 32);

  return leading_zero_bits (digest, digest_len);
}

static guint64
solve_puzzle (const char *seed,
              guint       difficulty)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint64 nonce = 0; nonce < (G_GUINT64_CONSTANT (1) << 24); nonce++)
    if (puzzle_bits (checksum, seed, nonce) >= difficulty)
      return nonce;

  g_assert_not_reached ();
}

static void
test_puzzle (void)
{
  g_autoptr(FsTestServer) server = NULL;
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) again_body = NULL;
  g_autoptr(GBytes) multi_body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) again = NULL;
  g_autoptr(SoupMessage) multi = NULL;
  g_autoptr(GPtrArray) seeds = NULL;
  g_autoptr(GPtrArray) multi_seeds = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again_json = NULL;
  g_autofree char *multi_json = NULL;
  g_autofree char *difficulty = NULL;
  FsDemoServerOptions options;
  const char *seed;
  guint64 nonce;

  fs_demo_server_options_init (&options);
  options.time_scale = TIME_SCALE;
  options.difficulty = 8;
  server = fs_test_server_new_full (&options);

  msg = fetch (session, server, "/page/cpu/7", &body, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  json = bytes_to_string (body);
  difficulty = match_one ("\"difficulty\":([0-9]+)", json);
  g_assert_cmpstr (difficulty, ==, "8");
  seeds = match_all ("\"seeds\":\\[\"([0-9a-f]{16})\"\\]", json);
  g_assert_cmpuint (seeds->len, ==, 1);
  seed = g_ptr_array_index (seeds, 0);

  nonce = solve_puzzle (seed, 8);
  g_test_message ("seed %s solved by %" G_GUINT64_FORMAT, seed, nonce);
  g_assert_cmpuint (puzzle_bits (checksum, seed, nonce), >=, 8);
  for (guint64 n = 0; n < nonce; n++)
    g_assert_cmpuint (puzzle_bits (checksum, seed, n), <, 8);

  /* Same page, same puzzle. */
  again = fetch (session, server, "/page/cpu/7", &again_body, NULL);
  again_json = bytes_to_string (again_body);
  g_assert_cmpstr (again_json, ==, json);

  multi = fetch (session, server, "/page/multicore/7", &multi_body, NULL);
  multi_json = bytes_to_string (multi_body);
  multi_seeds = match_all ("\"([0-9a-f]{16})\"", multi_json);
  g_assert_cmpuint (multi_seeds->len, ==, 4);
  for (guint i = 0; i < multi_seeds->len; i++)
    {
      const char *multi_seed = g_ptr_array_index (multi_seeds, i);

      g_assert_cmpstr (multi_seed, !=, seed);
      for (guint k = i + 1; k < multi_seeds->len; k++)
        g_assert_cmpstr (multi_seed, !=, g_ptr_array_index (multi_seeds, k));
      g_assert_cmpuint (puzzle_bits (checksum, multi_seed, solve_puzzle (multi_seed, 8)), >=, 8);
    }
}

static void
wait_for_requests (FsTestServer *server,
                   guint64       n_requests)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (fs_test_server_get_n_requests (server) < n_requests)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static GSocketConnection *
send_request (FsTestServer *server,
              const char   *path,
              const char   *headers)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n",
                                              path, headers);

  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", fs_test_server_get_port (server),
                                          NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&conn);
}

static GSocketConnection *
send_raw_request (FsTestServer *server,
                  const char   *path)
{
  return send_request (server, path, "");
}

static void
test_disconnect_during_delay (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GError) error = NULL;
  guint64 before = fs_test_server_get_n_requests (server);
  gint64 delay_us = (gint64) (5000 * 1000 * TIME_SCALE);

  /* The client leaves before the timer fires: a plain close and a reset. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GSocketConnection) conn = send_raw_request (server, "/delay/5000");

      wait_for_requests (server, before + 1);
      before++;
      if (round == 1)
        {
          struct linger reset = { .l_onoff = 1, .l_linger = 0 };

          g_assert_cmpint (setsockopt (g_socket_get_fd (g_socket_connection_get_socket (conn)),
                                       SOL_SOCKET, SO_LINGER, &reset, sizeof reset), ==, 0);
        }
      g_io_stream_close (G_IO_STREAM (conn), NULL, &error);
      g_assert_no_error (error);
    }

  /* Let both timers fire on dead messages. */
  g_usleep (delay_us * 3);

  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (fetch_status (session, server, "/ping"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fetch_status (session, server, "/delay/100"), ==, SOUP_STATUS_OK);
}

#define N_DELAYED_CONNS 12

/* Freed while requests wait for their delays, on every serving thread. */
static void
free_during_delay (guint n_threads)
{
  g_autoptr(FsTestServer) server = NULL;
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  FsDemoServerOptions options;
  guint n_serving = 0;

  fs_demo_server_options_init (&options);
  options.time_scale = TIME_SCALE;
  options.n_threads = n_threads;
  server = fs_test_server_new_full (&options);

  /* 600000 ms × 0.02: twelve seconds, far longer than the test. */
  for (guint i = 0; i < N_DELAYED_CONNS; i++)
    g_ptr_array_add (conns, send_raw_request (server, i % 2 ? "/page/slow/1" : "/delay/600000"));
  wait_for_requests (server, N_DELAYED_CONNS);
  for (guint i = 0; i < n_threads; i++)
    n_serving += _fs_demo_server_get_n_thread_requests (fs_test_server_get_demo_server (server),
                                                        i) > 0;
  g_assert_cmpuint (n_serving, >=, MIN (n_threads, 2));

  g_clear_pointer (&server, fs_test_server_free);

  /* The server went away: the client sees the connection end. */
  for (guint i = 0; i < conns->len; i++)
    {
      GSocketConnection *conn = g_ptr_array_index (conns, i);
      g_autoptr(GError) error = NULL;
      char buf[64];
      gssize n;

      n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                               buf, sizeof buf, NULL, &error);
      g_assert_true (n == 0 || error != NULL);
    }
}

static void
test_free_during_delay (void)
{
  free_during_delay (1);
  free_during_delay (3);
}

/* Sends GET @path on a new connection that the server closes after its
 * answer; returns the connection, to read with read_to_close(). */
static GSocketConnection *
send_closing_request (FsTestServer *server,
                      const char   *path)
{
  return send_request (server, path, "Connection: close\r\n");
}

/* Returns: the whole answer, status line first */
static char *
read_to_close (GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GString *reply = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buf[512];
  gssize n;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    g_string_append_len (reply, buf, n);
  g_assert_no_error (error);

  return g_string_free (reply, FALSE);
}

static guint
status_of (const char *reply)
{
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (reply + strlen ("HTTP/1.1 "), NULL, 10);
}

#define N_SERVE_THREADS  3
#define N_SPREAD_CONNS   48
#define N_FAILING_FETCHES 40

/* Connections are spread over the serving threads; a delay is kept on the
 * thread that took its request, and every thread draws the failures from
 * the one seeded sequence. */
static void
test_threads (void)
{
  g_autoptr(FsTestServer) server = NULL;
  g_autoptr(FsTestServer) single = NULL;
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  guint64 before[N_SERVE_THREADS];
  guint64 sum = 0;
  guint n_serving = 0;
  FsDemoServerOptions options;
  FsDemoServer *demo;
  GString *statuses = g_string_new (NULL);
  GString *single_statuses = g_string_new (NULL);

  fs_demo_server_options_init (&options);
  options.time_scale = TIME_SCALE;
  options.n_threads = N_SERVE_THREADS;
  server = fs_test_server_new_full (&options);
  demo = fs_test_server_get_demo_server (server);

  /* All sent before any is read: the delays run at once, on every thread. */
  for (guint i = 0; i < N_SPREAD_CONNS; i++)
    g_ptr_array_add (conns, send_closing_request (server, "/delay/100"));
  for (guint i = 0; i < conns->len; i++)
    {
      g_autofree char *reply = read_to_close (g_ptr_array_index (conns, i));

      g_assert_cmpuint (status_of (reply), ==, SOUP_STATUS_OK);
      g_assert_nonnull (strstr (reply, "{\"delay_ms\":100}"));
    }

  g_assert_cmpuint (fs_demo_server_get_n_requests (demo), ==, N_SPREAD_CONNS);
  for (guint i = 0; i < N_SERVE_THREADS; i++)
    {
      guint64 n = _fs_demo_server_get_n_thread_requests (demo, i);

      g_test_message ("thread %u answered %" G_GUINT64_FORMAT, i, n);
      sum += n;
      n_serving += n > 0;
      before[i] = n;
    }
  g_assert_cmpuint (sum, ==, N_SPREAD_CONNS);
  /* 48 connections on one thread of three by chance: 3 × 3⁻⁴⁸. */
  g_assert_cmpuint (n_serving, >=, 2);

  /* One request at a time, each on a new connection: whichever thread
   * takes it, the sequence of answers is the one-thread server's. */
  options.n_threads = 1;
  single = fs_test_server_new_full (&options);
  for (guint i = 0; i < N_FAILING_FETCHES; i++)
    {
      g_autoptr(GSocketConnection) conn = send_closing_request (server, "/page/failing/1");
      g_autoptr(GSocketConnection) single_conn = send_closing_request (single, "/page/failing/1");
      g_autofree char *reply = read_to_close (conn);
      g_autofree char *single_reply = read_to_close (single_conn);

      g_string_append_printf (statuses, " %u", status_of (reply));
      g_string_append_printf (single_statuses, " %u", status_of (single_reply));
    }
  g_test_message ("statuses:%s", statuses->str);
  g_assert_cmpstr (statuses->str, ==, single_statuses->str);
  g_assert_nonnull (strstr (statuses->str, " 200"));
  n_serving = 0;
  for (guint i = 0; i < N_SERVE_THREADS; i++)
    n_serving += _fs_demo_server_get_n_thread_requests (demo, i) > before[i];
  g_assert_cmpuint (n_serving, >=, 2);

  g_string_free (statuses, TRUE);
  g_string_free (single_statuses, TRUE);
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* libsoup 3.2 never closes a keep-alive connection that the client closes
 * while it is idle; the server closes those itself within two seconds. */
static void
test_idle_connections_closed (void)
{
  g_autoptr(FsTestServer) server = fs_test_server_new (TIME_SCALE, 1);
  g_autoptr(SoupSession) session = new_session ();
  guint baseline = count_open_fds ();
  gint64 deadline;
  guint n_open;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GSocketConnection) conn = send_raw_request (server, "/ping");
      g_autoptr(GString) reply = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
      const char *body = NULL;

      /* Read the whole response, so the connection is idle when it closes. */
      while (body == NULL || strlen (body) < FS_DEMO_PING_BODY_LEN)
        {
          char buf[256];
          gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpint (n, >, 0);
          g_string_append_len (reply, buf, n);
          body = strstr (reply->str, "\r\n\r\n");
          if (body != NULL)
            body += 4;
        }
      g_assert_true (g_str_has_prefix (reply->str, "HTTP/1.1 200"));
    }

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((n_open = count_open_fds ()) > baseline)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
  g_test_message ("%u descriptors open, %u before", n_open, baseline);

  g_assert_cmpuint (fetch_status (session, server, "/ping"), ==, SOUP_STATUS_OK);
}

static GSubprocess *
spawn_demo_server (GSubprocessFlags    flags,
                   GError            **error,
                   ...) G_GNUC_NULL_TERMINATED;

/* The child dies with the test, so a failed assertion leaves no server behind. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn_demo_server (GSubprocessFlags   flags,
                   GError           **error,
                   ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *path = g_getenv ("FS_DEMO_SERVER");
  const char *arg;
  va_list args;

  g_assert_nonnull (path);
  g_ptr_array_add (argv, (gpointer) path);
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

static void
test_executable (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocess) clash = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *line = NULL;
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  g_autofree char *clash_err = NULL;
  gsize len;

  if (g_getenv ("FS_DEMO_SERVER") == NULL)
    {
      g_test_skip ("FS_DEMO_SERVER is not set");
      return;
    }

  proc = spawn_demo_server (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            "--port", "0", "--time-scale", "0.01", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, &len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);

  regex = g_regex_new ("^http://127\\.0\\.0\\.1:([0-9]+)$", 0, 0, NULL);
  g_assert_true (g_regex_match (regex, line, 0, &match));
  port = g_match_info_fetch (match, 1);
  g_assert_cmpuint (g_ascii_strtoull (port, NULL, 10), >, 0);

  url = g_strconcat (line, "/ping", NULL);
  msg = fetch_full (session, "GET", url, 0, &body, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (body), ==, FS_DEMO_PING_BODY_LEN);

  /* The same port again cannot be bound: exit status 1, with a message. */
  clash = spawn_demo_server (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, "--port", port, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (clash, NULL, NULL, NULL, &clash_err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (clash));
  g_assert_cmpint (g_subprocess_get_exit_status (clash), ==, 1);
  g_assert_nonnull (strstr (clash_err, "cannot listen"));

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_executable_sigint (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (g_getenv ("FS_DEMO_SERVER") == NULL)
    {
      g_test_skip ("FS_DEMO_SERVER is not set");
      return;
    }

  proc = spawn_demo_server (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            "--seed", "3", "--difficulty", "4", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "http://127.0.0.1:"));

  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_executable_usage (void)
{
  const char * const bad[][3] = {
    { "--time-scale", "-1", NULL },
    { "--time-scale", "0", NULL },
    { "--time-scale", "101", NULL },
    { "--time-scale", "nan", NULL },
    { "--difficulty", "0", NULL },
    { "--difficulty", "33", NULL },
    { "--threads", "0", NULL },
    { "--threads", "65", NULL },
    { "--port", "70000", NULL },
    { "--seed", "-1", NULL },
    { "--no-such-option", NULL, NULL },
    { "extra", NULL, NULL },
  };

  if (g_getenv ("FS_DEMO_SERVER") == NULL)
    {
      g_test_skip ("FS_DEMO_SERVER is not set");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;

      proc = spawn_demo_server (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error, bad[i][0], bad[i][1], NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (proc));
      if (g_subprocess_get_exit_status (proc) != 2)
        g_error ("%s %s: exit status %d, expected 2", bad[i][0], bad[i][1],
                 g_subprocess_get_exit_status (proc));
      g_assert_cmpstr (err, !=, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Fetchscope/DemoServer/ping", test_ping);
  g_test_add_func ("/Fetchscope/DemoServer/index", test_index);
  g_test_add_func ("/Fetchscope/DemoServer/bytes", test_bytes);
  g_test_add_func ("/Fetchscope/DemoServer/bytes-max", test_bytes_max);
  g_test_add_func ("/Fetchscope/DemoServer/delay", test_delay);
  g_test_add_func ("/Fetchscope/DemoServer/delay-concurrent", test_delay_concurrent);
  g_test_add_func ("/Fetchscope/DemoServer/status", test_status);
  g_test_add_func ("/Fetchscope/DemoServer/redirect", test_redirect);
  g_test_add_func ("/Fetchscope/DemoServer/redirect-to", test_redirect_to);
  g_test_add_func ("/Fetchscope/DemoServer/not-found", test_not_found);
  g_test_add_func ("/Fetchscope/DemoServer/page-types", test_page_types);
  g_test_add_func ("/Fetchscope/DemoServer/failing-rate", test_failing_rate);
  g_test_add_func ("/Fetchscope/DemoServer/graph-types", test_graph_types);
  g_test_add_func ("/Fetchscope/DemoServer/graph-determinism", test_graph_determinism);
  g_test_add_func ("/Fetchscope/DemoServer/graph-reachable", test_graph_reachable);
  g_test_add_func ("/Fetchscope/DemoServer/puzzle", test_puzzle);
  g_test_add_func ("/Fetchscope/DemoServer/disconnect-during-delay", test_disconnect_during_delay);
  g_test_add_func ("/Fetchscope/DemoServer/graph-failing-links", test_graph_failing_links);
  g_test_add_func ("/Fetchscope/DemoServer/free-during-delay", test_free_during_delay);
  g_test_add_func ("/Fetchscope/DemoServer/idle-connections-closed", test_idle_connections_closed);
  g_test_add_func ("/Fetchscope/DemoServer/threads", test_threads);
  g_test_add_func ("/Fetchscope/DemoServer/executable", test_executable);
  g_test_add_func ("/Fetchscope/DemoServer/executable-sigint", test_executable_sigint);
  g_test_add_func ("/Fetchscope/DemoServer/executable-usage", test_executable_usage);

  return g_test_run ();
}

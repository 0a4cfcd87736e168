/* fs-fault-server.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "fs-fault-server.h"

#define MAX_REQUEST      (16 * 1024)
#define STREAM_CHUNK     (64 * 1024)
#define LONG_HEADER_LEN  (1024 * 1024)
#define GZIP_BOMB_SIZE   (16 * 1024 * 1024)
#define TRICKLE_MS       20

struct _FsFaultServer
{
  GSocket      *listener;
  char         *base_url;
  GThread      *accept_thread;
  GThreadPool  *connections;
  GCancellable *cancellable;

  /* Read-only once listening */
  GBytes       *gzip_bomb;
  gsize         gzip_bomb_decoded;
  char         *long_header;

  gint          n_active;        /* atomic */
  guint64       n_connections;   /* under @mutex */
  GMutex        mutex;
};

typedef struct
{
  FsFaultServer *server;
  GSocket       *socket;
} Connection;

typedef void (*Handler) (Connection *c);

static gboolean
send_all (Connection *c,
          const void *data,
          gsize       len)
{
  const char *p = data;

  while (len > 0)
    {
      gssize n = g_socket_send (c->socket, p, len, c->server->cancellable, NULL);

      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }

  return TRUE;
}

static gboolean
send_str (Connection *c,
          const char *text)
{
  return send_all (c, text, strlen (text));
}

/* Waits @ms; FALSE as soon as the client sends anything or goes away (its
 * timeout fired), or the server is being freed. */
static gboolean
pause_ms (Connection *c,
          guint       ms)
{
  g_autoptr(GError) error = NULL;

  if (g_socket_condition_timed_wait (c->socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                     (gint64) ms * 1000, c->server->cancellable, &error))
    return FALSE;

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* A slow loris: holds the connection until the client gives up. */
static void
wait_for_client_to_leave (Connection *c)
{
  char buffer[4096];

  /* The socket's own timeout bounds this. */
  while (g_socket_receive (c->socket, buffer, sizeof buffer, c->server->cancellable, NULL) > 0)
    ;
}

/* Sends the zero bytes of a body until the client stops reading. */
static void
stream_zeros (Connection *c,
              gboolean    chunked)
{
  g_autofree char *zeros = g_malloc0 (STREAM_CHUNK);
  g_autofree char *chunk_head = g_strdup_printf ("%x\r\n", STREAM_CHUNK);

  for (guint64 sent = 0; sent < FS_FAULT_SERVER_MAX_STREAM; sent += STREAM_CHUNK)
    {
      if (chunked && !send_str (c, chunk_head))
        return;
      if (!send_all (c, zeros, STREAM_CHUNK))
        return;
      if (chunked && !send_str (c, "\r\n"))
        return;
    }
}

static void
handle_ok (Connection *c)
{
  send_str (c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
}

static void
handle_status_503 (Connection *c)
{
  send_str (c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n"
               "Connection: close\r\n\r\nbusy");
}

static void
handle_status_999 (Connection *c)
{
  send_str (c, "HTTP/1.1 999 Nonsense\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

static void
handle_reset (Connection *c)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };
  g_autofree char *half = g_strnfill (1000, 'r');

  send_str (c, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
  send_all (c, half, 1000);
  /* Lingering for 0 s makes close() send RST instead of FIN. */
  setsockopt (g_socket_get_fd (c->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
}

static void
handle_eof_mid_body (Connection *c)
{
  send_str (c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b");
}

static void
handle_close_before_headers (Connection *c)
{
}

static void
handle_no_response (Connection *c)
{
  wait_for_client_to_leave (c);
}

static void
handle_bad_status_line (Connection *c)
{
  send_str (c, "HTTP/1.1 two hundred OK\r\nContent-Length: 2\r\n\r\nok");
}

static void
handle_not_http (Connection *c)
{
  send_str (c, "SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP\r\n\r\n");
}

static void
handle_bad_content_length (Connection *c)
{
  send_str (c, "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nhello");
}

static void
handle_nul_in_header (Connection *c)
{
  static const char response[] = "HTTP/1.1 200 OK\r\nX-Bad: a\0b\r\nContent-Length: 2\r\n\r\nok";

  send_all (c, response, sizeof response - 1);
}

static void
handle_long_header (Connection *c)
{
  if (send_str (c, "HTTP/1.1 200 OK\r\nX-Long: "))
    if (send_str (c, c->server->long_header))
      send_str (c, "\r\nContent-Length: 2\r\n\r\nok");
}

static void
handle_slow_headers (Connection *c)
{
  if (!send_str (c, "HTTP/1.1 200 OK\r\n"))
    return;

  for (guint i = 0; i < FS_FAULT_SERVER_MAX_STALL_S * 1000 / TRICKLE_MS; i++)
    {
      g_autofree char *line = g_strdup_printf ("X-Loris-%u: still here\r\n", i);

      if (!send_str (c, line) || !pause_ms (c, TRICKLE_MS))
        return;
    }
}

static void
handle_stall_mid_body (Connection *c)
{
  if (send_str (c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst ten "))
    wait_for_client_to_leave (c);
}

static void
handle_trickle_body (Connection *c)
{
  if (!send_str (c, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"))
    return;

  for (guint i = 0; i < FS_FAULT_SERVER_MAX_STALL_S * 1000 / TRICKLE_MS; i++)
    {
      if (!send_str (c, "x") || !pause_ms (c, TRICKLE_MS))
        return;
    }
}

static void
handle_over_cap (Connection *c)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Length: %" G_GUINT64_FORMAT
                                           "\r\n\r\n", FS_FAULT_SERVER_MAX_STREAM);

  if (send_str (c, head))
    stream_zeros (c, FALSE);
}

static void
handle_over_cap_chunked (Connection *c)
{
  if (send_str (c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
    stream_zeros (c, TRUE);
}

static void
handle_bad_chunk_size (Connection *c)
{
  send_str (c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
}

static void
handle_chunk_truncated (Connection *c)
{
  send_str (c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\nonly ten b");
}

static void
handle_chunk_no_end (Connection *c)
{
  send_str (c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
}

static void
redirect (Connection *c,
          const char *location)
{
  g_autofree char *response = g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: %s\r\n"
                                               "Content-Length: 0\r\nConnection: close\r\n\r\n",
                                               location);

  send_str (c, response);
}

static void
handle_redirect_loop (Connection *c)
{
  redirect (c, "/redirect-loop");
}

static void
handle_redirect_ok (Connection *c)
{
  redirect (c, "/ok");
}

static void
handle_redirect_file (Connection *c)
{
  redirect (c, "file:///etc/passwd");
}

static void
handle_redirect_file_short (Connection *c)
{
  redirect (c, "file:/etc/passwd");
}

static void
handle_redirect_ftp (Connection *c)
{
  redirect (c, "ftp://127.0.0.1/etc/passwd");
}

static void
handle_redirect_gopher (Connection *c)
{
  redirect (c, "gopher://127.0.0.1/");
}

static void
handle_redirect_dict (Connection *c)
{
  redirect (c, "dict://127.0.0.1/d:passwd");
}

static void
handle_redirect_scp (Connection *c)
{
  redirect (c, "scp://127.0.0.1/etc/passwd");
}

static void
handle_redirect_telnet (Connection *c)
{
  redirect (c, "telnet://127.0.0.1/");
}

static void
handle_gzip_bomb (Connection *c)
{
  GBytes *bomb = c->server->gzip_bomb;
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                                           "Content-Type: text/plain\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           g_bytes_get_size (bomb));

  if (send_str (c, head))
    send_all (c, g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb));
}

static const FsFaultPath paths[] = {
  { "/ok", "200 with a 2-byte body (the control)" },
  { "/status/503", "a well-formed 503" },
  { "/status/999", "a well-formed response with status 999" },
  { "/reset", "1000 of 100000 body bytes, then a TCP reset" },
  { "/eof-mid-body", "10 of 1000 body bytes, then the connection closes" },
  { "/close-before-headers", "reads the request, closes without a byte" },
  { "/no-response", "reads the request, never answers" },
  { "/bad-status-line", "\"HTTP/1.1 two hundred OK\"" },
  { "/not-http", "an SSH banner instead of a status line" },
  { "/bad-content-length", "\"Content-Length: 12abc\"" },
  { "/nul-in-header", "a NUL byte inside a header" },
  { "/long-header", "one 1 MiB header line" },
  { "/slow-headers", "one more header line every 20 ms, forever (slow loris)" },
  { "/stall-mid-body", "10 of 1000 body bytes, then silence" },
  { "/trickle-body", "one body byte every 20 ms of a 100 kB body" },
  { "/over-cap", "Content-Length 1 GiB, and zeros for as long as it is read" },
  { "/over-cap-chunked", "chunked zeros for as long as they are read" },
  { "/bad-chunk-size", "a chunk size that is not hexadecimal" },
  { "/chunk-truncated", "a 1000-byte chunk cut after 10 bytes" },
  { "/chunk-no-end", "chunks without the final zero-size chunk, then close" },
  { "/redirect-loop", "redirects to itself" },
  { "/redirect-ok", "redirects to /ok (the control)" },
  { "/redirect-file", "redirects to file:///etc/passwd" },
  { "/redirect-file-short", "redirects to file:/etc/passwd" },
  { "/redirect-ftp", "redirects to ftp://" },
  { "/redirect-gopher", "redirects to gopher://" },
  { "/redirect-dict", "redirects to dict://" },
  { "/redirect-scp", "redirects to scp://" },
  { "/redirect-telnet", "redirects to telnet://" },
  { "/gzip-bomb", "Content-Encoding: gzip, 16 MiB of zeros in about 16 KiB" },
};

/* In the order of paths[]. */
static const Handler handlers[] = {
  handle_ok,
  handle_status_503,
  handle_status_999,
  handle_reset,
  handle_eof_mid_body,
  handle_close_before_headers,
  handle_no_response,
  handle_bad_status_line,
  handle_not_http,
  handle_bad_content_length,
  handle_nul_in_header,
  handle_long_header,
  handle_slow_headers,
  handle_stall_mid_body,
  handle_trickle_body,
  handle_over_cap,
  handle_over_cap_chunked,
  handle_bad_chunk_size,
  handle_chunk_truncated,
  handle_chunk_no_end,
  handle_redirect_loop,
  handle_redirect_ok,
  handle_redirect_file,
  handle_redirect_file_short,
  handle_redirect_ftp,
  handle_redirect_gopher,
  handle_redirect_dict,
  handle_redirect_scp,
  handle_redirect_telnet,
  handle_gzip_bomb,
};

G_STATIC_ASSERT (G_N_ELEMENTS (paths) == G_N_ELEMENTS (handlers));

/**
 * fs_fault_server_paths:
 * @n_paths: (out): how many
 *
 * Returns: (transfer none) (array length=n_paths): every path it answers
 */
const FsFaultPath *
fs_fault_server_paths (guint *n_paths)
{
  g_return_val_if_fail (n_paths != NULL, NULL);

  *n_paths = G_N_ELEMENTS (paths);

  return paths;
}

/* Reads the request head and returns its path, or NULL. */
static char *
read_request_path (Connection *c)
{
  g_autofree char *buffer = g_malloc (MAX_REQUEST + 1);
  gsize len = 0;
  const char *start;
  const char *end;

  while (len < MAX_REQUEST)
    {
      gssize n = g_socket_receive (c->socket, buffer + len, MAX_REQUEST - len,
                                   c->server->cancellable, NULL);

      if (n <= 0)
        return NULL;
      len += n;
      buffer[len] = '\0';
      if (strstr (buffer, "\r\n\r\n") != NULL)
        break;
    }

  if (!g_str_has_prefix (buffer, "GET ") || (end = strchr (buffer + 4, ' ')) == NULL)
    return NULL;
  start = buffer + 4;

  return g_strndup (start, end - start);
}

static void
connection_func (gpointer data,
                 gpointer user_data)
{
  Connection *c = data;
  g_autofree char *path = NULL;

  g_socket_set_timeout (c->socket, FS_FAULT_SERVER_MAX_STALL_S);

  path = read_request_path (c);
  if (path != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          if (g_str_equal (path, paths[i].path))
            {
              handlers[i] (c);
              break;
            }
        }
      if (i == G_N_ELEMENTS (paths))
        send_str (c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

  g_socket_close (c->socket, NULL);
  g_object_unref (c->socket);
  g_atomic_int_dec_and_test (&c->server->n_active);
  g_free (c);
}

static gpointer
accept_thread_func (gpointer data)
{
  FsFaultServer *self = data;

  for (;;)
    {
      GSocket *socket = g_socket_accept (self->listener, self->cancellable, NULL);
      Connection *c;

      if (socket == NULL)
        {
          if (g_cancellable_is_cancelled (self->cancellable))
            break;
          continue;
        }

      c = g_new0 (Connection, 1);
      c->server = self;
      c->socket = socket;

      g_mutex_lock (&self->mutex);
      self->n_connections++;
      g_mutex_unlock (&self->mutex);
      g_atomic_int_inc (&self->n_active);

      g_thread_pool_push (self->connections, c, NULL);
    }

  return NULL;
}

static GBytes *
make_gzip_bomb (gsize decoded_size)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) gzip = g_converter_output_stream_new (memory,
                                                                 G_CONVERTER (compressor));
  g_autofree char *zeros = g_malloc0 (STREAM_CHUNK);

  for (gsize done = 0; done < decoded_size; done += STREAM_CHUNK)
    g_output_stream_write_all (gzip, zeros, STREAM_CHUNK, NULL, NULL, NULL);
  g_output_stream_close (gzip, NULL, NULL);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/**
 * fs_fault_server_new:
 *
 * Listens on 127.0.0.1 on a free port and starts answering.
 *
 * Returns: (transfer full) (nullable): a running server, or %NULL with @error set
 */
FsFaultServer *
fs_fault_server_new (GError **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  FsFaultServer *self;

  self = g_new0 (FsFaultServer, 1);
  g_mutex_init (&self->mutex);
  self->cancellable = g_cancellable_new ();
  self->gzip_bomb_decoded = GZIP_BOMB_SIZE;
  self->gzip_bomb = make_gzip_bomb (GZIP_BOMB_SIZE);
  self->long_header = g_strnfill (LONG_HEADER_LEN, 'a');

  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL)
    goto failed;

  /* Tests open many connections at once: a short backlog drops SYNs. */
  g_socket_set_listen_backlog (self->listener, 1024);
  if (!g_socket_bind (self->listener, address, TRUE, error) ||
      !g_socket_listen (self->listener, error) ||
      !(bound = g_socket_get_local_address (self->listener, error)))
    goto failed;

  self->base_url = g_strdup_printf ("http://127.0.0.1:%u",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  /* Unbounded: a stalled connection holds a thread, and must not keep a
   * later one from being answered. */
  self->connections = g_thread_pool_new (connection_func, self, -1, FALSE, error);
  if (self->connections == NULL)
    goto failed;

  self->accept_thread = g_thread_new ("fs-fault-server", accept_thread_func, self);

  return self;

failed:
  fs_fault_server_free (self);
  return NULL;
}

const char *
fs_fault_server_get_base_url (FsFaultServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_url;
}

/**
 * fs_fault_server_url:
 * @path: an absolute path, such as "/reset"
 *
 * Returns: (transfer full): the base URL followed by @path
 */
char *
fs_fault_server_url (FsFaultServer *self,
                     const char    *path)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_strconcat (self->base_url, path, NULL);
}

/**
 * fs_fault_server_get_gzip_bomb_size:
 * @decoded_size: (out) (optional): what it decompresses to
 *
 * Returns: the size of /gzip-bomb's body as sent
 */
gsize
fs_fault_server_get_gzip_bomb_size (FsFaultServer *self,
                                    gsize         *decoded_size)
{
  g_return_val_if_fail (self != NULL, 0);

  if (decoded_size != NULL)
    *decoded_size = self->gzip_bomb_decoded;

  return g_bytes_get_size (self->gzip_bomb);
}

guint64
fs_fault_server_get_n_connections (FsFaultServer *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n = self->n_connections;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * fs_fault_server_wait_idle:
 * @timeout_ms: the longest to wait
 *
 * Waits until every connection accepted so far has been closed: a handler
 * that streams may still be writing after the client has given up.
 *
 * Returns: whether it is idle
 */
gboolean
fs_fault_server_wait_idle (FsFaultServer *self,
                           guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  g_return_val_if_fail (self != NULL, FALSE);

  while (g_atomic_int_get (&self->n_active) > 0)
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (5000);
    }

  return TRUE;
}

void
fs_fault_server_free (FsFaultServer *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  if (self->accept_thread != NULL)
    g_thread_join (self->accept_thread);
  /* Waits for every connection handler: the cancellable ends their waits. */
  if (self->connections != NULL)
    g_thread_pool_free (self->connections, FALSE, TRUE);

  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->gzip_bomb, g_bytes_unref);
  g_clear_pointer (&self->long_header, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/* fs-url-source.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fs-i18n.h"
#include "fs-error.h"
#include "fs-url-source-private.h"

/* The reader never holds more than one chunk and one line of at most
 * FS_URL_MAX_LENGTH bytes: a 10 MB line is skipped, not buffered, which is why
 * it does not use GDataInputStream (its read_line allocates the whole line). */
#define READ_CHUNK_SIZE   (64 * 1024)
#define MAX_CLASS_LENGTH  32
#define MAX_SCHEME_SHOWN  32

/* In the order of the presets table below. */
typedef enum
{
  PRESET_MIXED,
  PRESET_GRAPH,
  PRESET_CPU,
  PRESET_SLOW,
  PRESET_REGULAR,
  PRESET_FAILING,
  PRESET_PING,
  PRESET_DELAY,
} PresetKind;

static const FsUrlPreset presets[] = {
  { "mixed",
    /* xgettext:no-c-format */
    N_("200 mixed pages: 80 % regular (500 ms), 10 % slow (5 s), 10 % failing (90 % 5xx)"),
    200 },
  { "graph",
    /* xgettext:no-c-format */
    N_("1000 pages of the /api/<id> link graph: 60 % regular, "
       "10 % each slow, failing, CPU, multi-core"),
    1000 },
  { "cpu",
    N_("40 CPU pages with a hash seed to solve, every 4th multi-core (four seeds)"),
    40 },
  { "slow", N_("20 slow pages (5 s each)"), 20 },
  { "regular", N_("100 regular pages (500 ms each)"), 100 },
  /* xgettext:no-c-format */
  { "failing", N_("100 failing pages (90 % answer 5xx)"), 100 },
  { "ping", N_("10000 tiny /ping requests, for throughput"), 10000 },
  { "delay", N_("2000 × /delay/100 (100 ms each): the latency-bound set"), 2000 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (presets) == PRESET_DELAY + 1);

struct _FsUrlSource
{
  GObject            parent_instance;

  /* Set at construction, read-only afterwards */
  char              *display_name;
  GInputStream      *stream;
  const FsUrlPreset *preset;
  char              *base_url;
  guint64            preset_count;
  guint64            max_urls;
  gboolean           owns_stream;

  /* The reader thread's: every class seen so far, interned; the scheme and
   * authority of the last URL that passed fs_url_check() */
  GHashTable        *classes;
  GString           *origin;

  /* Owned by the thread that calls start and join */
  GThread           *thread;
  FsJobQueue        *queue;
  GCancellable      *cancellable;         /* ours; fired by the caller's or by dispose */
  GCancellable      *caller_cancellable;
  gulong             cancelled_id;
  gboolean           started;

  /* Guarded by mutex */
  GMutex             mutex;
  GPtrArray         *diagnostics;
  GError            *error;
  guint64            n_urls;
  guint64            n_bad_lines;
  gboolean           done;
};

G_DEFINE_FINAL_TYPE (FsUrlSource, fs_url_source, G_TYPE_OBJECT)

/* One line being assembled by the reader thread. */
typedef struct
{
  guint64  number;
  gsize    len;
  gboolean too_long;
  /* FS_URL_MAX_LENGTH bytes, a '\r' before the newline and a NUL */
  char     text[FS_URL_MAX_LENGTH + 2];
} LineBuffer;

void
fs_url_diagnostic_free (FsUrlDiagnostic *diagnostic)
{
  if (diagnostic == NULL)
    return;

  g_free (diagnostic->message);
  g_free (diagnostic);
}

static FsUrlDiagnostic *
diagnostic_copy (const FsUrlDiagnostic *diagnostic)
{
  FsUrlDiagnostic *copy = g_new0 (FsUrlDiagnostic, 1);

  g_assert (diagnostic != NULL);

  copy->line = diagnostic->line;
  copy->message = g_strdup (diagnostic->message);

  return copy;
}

static gboolean
is_printable (const char *text)
{
  g_assert (text != NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isprint (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
set_url_error (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_URL, message);
  return FALSE;
}

static const char *
uri_error_message (const GError *error)
{
  g_assert (error != NULL);

  if (error->domain != G_URI_ERROR)
    return _("not a valid URL");

  switch (error->code)
    {
    case G_URI_ERROR_BAD_HOST:
      return _("invalid host");
    case G_URI_ERROR_BAD_PORT:
      return _("invalid port");
    case G_URI_ERROR_BAD_USER:
    case G_URI_ERROR_BAD_PASSWORD:
    case G_URI_ERROR_BAD_AUTH_PARAMS:
      return _("invalid user name or password");
    case G_URI_ERROR_BAD_PATH:
      /* xgettext:no-c-format */
      return _("invalid path (bad %-encoding?)");
    case G_URI_ERROR_BAD_QUERY:
      /* xgettext:no-c-format */
      return _("invalid query (bad %-encoding?)");
    case G_URI_ERROR_BAD_FRAGMENT:
      /* xgettext:no-c-format */
      return _("invalid fragment (bad %-encoding?)");
    default:
      return _("not a valid URL");
    }
}

/**
 * fs_url_check:
 * @url: a URL, already trimmed
 *
 * Accepts absolute http:// and https:// URLs with a host. The error is in
 * %FS_ERROR_INVALID_URL, with a short lower-case message and no line number.
 *
 * Returns: whether @url may be fetched
 */
gboolean
fs_url_check (const char  *url,
              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;
  gsize len;

  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = strlen (url);

  if (len == 0)
    return set_url_error (error, _("empty URL"));

  if (len > FS_URL_MAX_LENGTH)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_URL,
                   _("URL too long (over %u bytes)"), FS_URL_MAX_LENGTH);
      return FALSE;
    }

  if (!g_utf8_validate_len (url, len, NULL))
    return set_url_error (error, _("URL is not valid UTF-8"));

  for (const char *p = url; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c;

      /* Printable ASCII, nearly every byte of a URL, is neither; the
       * Unicode tables cost more per URL than fetching it. */
      if (*p > 0x20 && *p < 0x7f)
        continue;

      c = g_utf8_get_char (p);
      if (g_unichar_isspace (c))
        return set_url_error (error, _("URL contains whitespace"));
      if (g_unichar_iscntrl (c))
        return set_url_error (error, _("URL contains a control character"));
    }

  /* Peeking first names the scheme even for URLs GUri would not parse
   * ("javascript:…"), and rejects relative references with a clear message. */
  scheme = g_uri_peek_scheme (url);
  if (scheme == NULL)
    return set_url_error (error, _("not an absolute URL (expected http:// or https://)"));

  if (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https"))
    {
      if (strlen (scheme) > MAX_SCHEME_SHOWN)
        return set_url_error (error, _("unsupported scheme (only http and https)"));

      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_URL,
                   _("unsupported scheme “%s” (only http and https)"), scheme);
      return FALSE;
    }

  /* ENCODED keeps %-escapes as written, as curl sends them, but still
   * rejects malformed ones. */
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &local_error);
  if (uri == NULL)
    return set_url_error (error, uri_error_message (local_error));

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return set_url_error (error, _("missing host"));

  return TRUE;
}

/**
 * fs_url_presets:
 * @n_presets: (out) (optional): the number of presets
 *
 * Returns: (transfer none) (array length=n_presets): the demo presets
 */
const FsUrlPreset *
fs_url_presets (guint *n_presets)
{
  if (n_presets != NULL)
    *n_presets = G_N_ELEMENTS (presets);

  return presets;
}

/**
 * fs_url_preset_lookup:
 *
 * Returns: (transfer none) (nullable): the preset called @name
 */
const FsUrlPreset *
fs_url_preset_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      if (g_str_equal (presets[i].name, name))
        return &presets[i];
    }

  return NULL;
}

static void
join_thread (FsUrlSource *self)
{
  g_assert (FS_IS_URL_SOURCE (self));

  if (self->thread != NULL)
    {
      g_assert (self->thread != g_thread_self ());
      g_thread_join (g_steal_pointer (&self->thread));
    }

  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (self->caller_cancellable, self->cancelled_id);
      self->cancelled_id = 0;
    }
}

static void
fs_url_source_dispose (GObject *object)
{
  FsUrlSource *self = FS_URL_SOURCE (object);

  /* Nobody can read the results any more, and the consumer may never drain
   * the queue: stop the reader rather than wait for it forever. */
  if (self->thread != NULL)
    g_cancellable_cancel (self->cancellable);
  join_thread (self);

  g_clear_pointer (&self->queue, fs_job_queue_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->stream);

  G_OBJECT_CLASS (fs_url_source_parent_class)->dispose (object);
}

static void
fs_url_source_finalize (GObject *object)
{
  FsUrlSource *self = FS_URL_SOURCE (object);

  g_assert (self->thread == NULL);

  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->classes, g_hash_table_unref);
  if (self->origin != NULL)
    g_string_free (g_steal_pointer (&self->origin), TRUE);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (fs_url_source_parent_class)->finalize (object);
}

static void
fs_url_source_class_init (FsUrlSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_url_source_dispose;
  object_class->finalize = fs_url_source_finalize;
}

static void
fs_url_source_init (FsUrlSource *self)
{
  g_mutex_init (&self->mutex);
  self->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_url_diagnostic_free);
  self->classes = g_hash_table_new (g_str_hash, g_str_equal);
  self->origin = g_string_new (NULL);
}

/**
 * fs_url_source_new_for_stream:
 * @stream: the URL list; a reference is taken, and it is read on the reader thread
 * @display_name: (nullable): how messages name the input, e.g. "stdin";
 *   "input" if %NULL
 *
 * Returns: (transfer full): a new source
 */
FsUrlSource *
fs_url_source_new_for_stream (GInputStream *stream,
                              const char   *display_name)
{
  FsUrlSource *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_object_new (FS_TYPE_URL_SOURCE, NULL);
  self->stream = g_object_ref (stream);
  self->display_name = g_strdup (display_name != NULL ? display_name : "input");

  return self;
}

/**
 * fs_url_source_new_for_path:
 * @path: a file name in the GLib file name encoding
 *
 * Opens the file now, so a missing file is reported before anything starts;
 * the error names @path.
 *
 * Returns: (transfer full) (nullable): a new source, or %NULL with @error set
 */
FsUrlSource *
fs_url_source_new_for_path (const char  *path,
                            GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display_name = NULL;
  FsUrlSource *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*path == '\0')
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                           _("empty URL file name"));
      return NULL;
    }

  display_name = g_filename_display_name (path);
  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);

  if (stream == NULL)
    {
      /* GIO names the canonical path, which may not be what the user typed. */
      if (strstr (local_error->message, display_name) == NULL)
        g_prefix_error (&local_error, "%s: ", display_name);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self = fs_url_source_new_for_stream (G_INPUT_STREAM (stream), display_name);
  self->owns_stream = TRUE;

  return self;
}

/**
 * fs_url_source_new_for_preset:
 * @preset: a preset name, see fs_url_presets()
 * @base_url: the demo server, like "http://127.0.0.1:8080"
 * @count: how many URLs, or 0 for the preset's default
 *
 * Returns: (transfer full) (nullable): a new source, or %NULL with @error set
 */
FsUrlSource *
fs_url_source_new_for_preset (const char  *preset,
                              const char  *base_url,
                              guint64      count,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = NULL;
  const FsUrlPreset *found;
  FsUrlSource *self;
  gsize len;

  g_return_val_if_fail (preset != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  found = fs_url_preset_lookup (preset);
  if (found == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", presets[i].name);

      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   _("unknown preset “%s” (valid: %s)"),
                   is_printable (preset) ? preset : "?", names->str);
      return NULL;
    }

  if (!fs_url_check (base_url, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("invalid base URL: "));
      return NULL;
    }

  uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL);
  g_assert (uri != NULL);
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_URL,
                           _("invalid base URL: no query or fragment allowed"));
      return NULL;
    }

  self = g_object_new (FS_TYPE_URL_SOURCE, NULL);
  self->preset = found;
  self->preset_count = count > 0 ? count : found->default_count;
  self->display_name = g_strdup_printf ("%s preset", found->name);

  /* Paths are appended as "/page/…", so "http://host/" must not give "//page". */
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);

  return self;
}

/**
 * fs_url_source_set_limit:
 * @max_urls: stop after this many good URLs; 0 for no limit
 *
 * Call before fs_url_source_start().
 */
void
fs_url_source_set_limit (FsUrlSource *self,
                         guint64      max_urls)
{
  g_return_if_fail (FS_IS_URL_SOURCE (self));
  g_return_if_fail (!self->started);

  self->max_urls = max_urls;
}

static void
add_diagnostic (FsUrlSource *self,
                guint64      line,
                const char  *message)
{
  g_assert (FS_IS_URL_SOURCE (self));
  g_assert (message != NULL);

  g_mutex_lock (&self->mutex);

  self->n_bad_lines++;
  if (self->diagnostics->len < FS_URL_MAX_DIAGNOSTICS)
    {
      FsUrlDiagnostic *diagnostic = g_new0 (FsUrlDiagnostic, 1);

      diagnostic->line = line;
      diagnostic->message = g_strdup (message);
      g_ptr_array_add (self->diagnostics, diagnostic);
    }

  g_mutex_unlock (&self->mutex);
}

/* Characters a path or query may hold that GUri has nothing to check in:
 * RFC 3986's unreserved and sub-delims, ':', '@', '/' and '?'. Not '%',
 * whose escapes GUri validates, nor '#'. */
static const guint8 plain_chars[128] = {
  ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['0' ... '9'] = 1,
  ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1,
  ['!'] = 1, ['$'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1,
  ['*'] = 1, ['+'] = 1, [','] = 1, [';'] = 1, ['='] = 1,
  [':'] = 1, ['@'] = 1, ['/'] = 1, ['?'] = 1,
};

/* The scheme and authority of @url, which fs_url_check() accepted: up to
 * the path, the query or the fragment. */
static void
remember_origin (FsUrlSource *self,
                 const char  *url)
{
  const char *authority = strstr (url, "://");

  g_string_truncate (self->origin, 0);
  if (authority != NULL)
    g_string_append_len (self->origin, url,
                         authority + 3 + strcspn (authority + 3, "/?#") - url);
}

/* fs_url_check(), made cheap for what URL lists mostly are: many URLs on one
 * host. A URL that starts with the last accepted URL's scheme and authority,
 * followed by nothing, or by a path and query of plain characters only, is
 * accepted without parsing it again: GUri accepted that origin, and such a
 * path and query give it nothing to refuse. Anything else gets the full
 * check, and its error. callgrind, 3,000 URLs of one host: the reader
 * thread's instructions per URL 5,800 -> 1,700, the whole run's per request
 * (the loop against nginx) 89,700 -> 85,400. */
static gboolean
check_url (FsUrlSource  *self,
           const char   *url,
           GError      **error)
{
  if (self->origin->len > 0 && strncmp (url, self->origin->str, self->origin->len) == 0)
    {
      const guchar *p = (const guchar *) url + self->origin->len;

      if (*p == '\0' || *p == '/' || *p == '?')
        {
          while (*p < G_N_ELEMENTS (plain_chars) && plain_chars[*p])
            p++;
          if (*p == '\0')
            return TRUE;
        }
    }

  if (!fs_url_check (url, error))
    return FALSE;

  remember_origin (self, url);
  return TRUE;
}

/* Returns FALSE when the reader must stop: the limit is reached, or the
 * queue was closed or the cancellable fired while it waited for room. */
static gboolean
push_url (FsUrlSource *self,
          const char  *url,
          const char  *url_class)
{
  guint64 n_urls;

  g_assert (FS_IS_URL_SOURCE (self));
  g_assert (url != NULL);

  /* Only this thread writes n_urls, so reading it unlocked here is safe. */
  if (!fs_job_queue_push (self->queue,
                          fs_job_new (self->n_urls, url, url_class),
                          self->cancellable))
    return FALSE;

  g_mutex_lock (&self->mutex);
  n_urls = ++self->n_urls;
  g_mutex_unlock (&self->mutex);

  return self->max_urls == 0 || n_urls < self->max_urls;
}

static gboolean
check_class (const char  *url_class,
             GError     **error)
{
  g_assert (url_class != NULL);

  if (strlen (url_class) > MAX_CLASS_LENGTH)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                   _("class too long (over %u characters)"), MAX_CLASS_LENGTH);
      return FALSE;
    }

  for (const char *p = url_class; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_')
        continue;

      if (is_printable (url_class))
        g_set_error (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                     _("invalid class “%s” (only letters, digits, ‘-’ and ‘_’)"), url_class);
      else
        g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_ARGUMENT,
                             _("invalid class (only letters, digits, ‘-’ and ‘_’)"));
      return FALSE;
    }

  return TRUE;
}

/* Splits @text in place at ASCII whitespace. Stops counting past
 * @max_columns, so a return value of @max_columns may mean "more". */
static guint
split_columns (char  *text,
               char **columns,
               guint  max_columns)
{
  guint n_columns = 0;
  char *p = text;

  g_assert (text != NULL);
  g_assert (columns != NULL);

  while (n_columns < max_columns)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      columns[n_columns++] = p;

      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      if (*p != '\0')
        *p++ = '\0';
    }

  return n_columns;
}

/* A '#' starting the line or following whitespace starts a comment; a '#'
 * inside a URL ("…/page#top") does not. */
static void
strip_comment (char *text)
{
  g_assert (text != NULL);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '#' && (p == text || g_ascii_isspace (p[-1])))
        {
          *p = '\0';
          return;
        }
    }
}

/* Returns FALSE when the reader must stop. */
static gboolean
handle_line (FsUrlSource *self,
             LineBuffer  *line)
{
  g_autoptr(GError) error = NULL;
  const char *url_class = NULL;
  char *columns[3];
  guint n_columns;
  char *text = line->text;
  gsize len = line->len;

  g_assert (FS_IS_URL_SOURCE (self));
  g_assert (line != NULL);

  if (len > 0 && text[len - 1] == '\r')
    len--;

  if (line->too_long || len > FS_URL_MAX_LENGTH)
    {
      g_autofree char *message = g_strdup_printf (_("line too long (over %u bytes)"),
                                                  FS_URL_MAX_LENGTH);

      add_diagnostic (self, line->number, message);
      return TRUE;
    }

  if (memchr (text, '\0', len) != NULL)
    {
      add_diagnostic (self, line->number, _("line contains a NUL byte"));
      return TRUE;
    }

  text[len] = '\0';

  if (!g_utf8_validate_len (text, len, NULL))
    {
      add_diagnostic (self, line->number, _("line is not valid UTF-8"));
      return TRUE;
    }

  /* Editors on Windows start UTF-8 files with a byte order mark. */
  if (line->number == 1 && g_str_has_prefix (text, "\xef\xbb\xbf"))
    text += 3;

  strip_comment (text);
  n_columns = split_columns (text, columns, G_N_ELEMENTS (columns));

  if (n_columns == 0)
    return TRUE;

  if (n_columns > 2)
    {
      add_diagnostic (self, line->number,
                      _("too many columns (expected a URL and an optional class)"));
      return TRUE;
    }

  if (!check_url (self, columns[0], &error) ||
      (n_columns == 2 && !check_class (columns[1], &error)))
    {
      add_diagnostic (self, line->number, error->message);
      return TRUE;
    }

  if (n_columns == 2)
    {
      /* Interned strings live as long as the process: a file of a million
       * distinct classes must not keep a million of them. */
      if (!g_hash_table_contains (self->classes, columns[1]) &&
          g_hash_table_size (self->classes) >= FS_URL_MAX_CLASSES)
        {
          g_autofree char *message = g_strdup_printf ("too many classes (at most %u in one list)",
                                                      FS_URL_MAX_CLASSES);

          add_diagnostic (self, line->number, message);
          return TRUE;
        }
      url_class = g_intern_string (columns[1]);
      g_hash_table_add (self->classes, (gpointer) url_class);
    }

  return push_url (self, columns[0], url_class);
}

static void
line_append (LineBuffer *line,
             const char *data,
             gsize       len)
{
  g_assert (line != NULL);

  if (line->too_long)
    return;

  if (len > sizeof line->text - 1 - line->len)
    {
      line->too_long = TRUE;
      return;
    }

  memcpy (line->text + line->len, data, len);
  line->len += len;
}

static void
line_reset (LineBuffer *line)
{
  g_assert (line != NULL);

  line->len = 0;
  line->too_long = FALSE;
}

/* Splits @len bytes of input at newlines and handles every line completed;
 * the rest stays in @line for the next chunk. Returns FALSE when the reader
 * must stop. */
static gboolean
feed_chunk (FsUrlSource *self,
            LineBuffer  *line,
            const char  *data,
            gsize        len)
{
  const char *p = data;
  const char *end = data + len;

  while (p < end)
    {
      const char *newline = memchr (p, '\n', end - p);

      line_append (line, p, (newline != NULL ? newline : end) - p);
      if (newline == NULL)
        break;

      line->number++;
      if (!handle_line (self, line))
        return FALSE;
      line_reset (line);
      p = newline + 1;
    }

  return TRUE;
}

/* The last line may lack its newline. */
static void
feed_end (FsUrlSource *self,
          LineBuffer  *line)
{
  if (line->len > 0 || line->too_long)
    {
      line->number++;
      handle_line (self, line);
    }
}

/* Returns FALSE with @error set on a read error; a cancelled read counts as
 * one. Stopping early (limit, closed queue) is a success. */
static gboolean
read_stream (FsUrlSource  *self,
             GError      **error)
{
  g_autofree char *chunk = g_malloc (READ_CHUNK_SIZE);
  g_autofree LineBuffer *line = g_new0 (LineBuffer, 1);

  g_assert (FS_IS_URL_SOURCE (self));

  for (;;)
    {
      gssize n_read;

      /* Not every stream checks its cancellable (GMemoryInputStream does not),
       * and a file of bad lines never blocks in push. */
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      if (fs_job_queue_is_closed (self->queue))
        return TRUE;

      n_read = g_input_stream_read (self->stream, chunk, READ_CHUNK_SIZE,
                                    self->cancellable, error);
      if (n_read < 0)
        return FALSE;
      if (n_read == 0)
        break;

      if (!feed_chunk (self, line, chunk, n_read))
        return TRUE;
    }

  feed_end (self, line);

  return TRUE;
}

/**
 * _fs_url_source_parse_buffer:
 * @queue: the queue to fill; unbounded, or it may block; closed at the end
 * @data: (array length=len): a whole URL list
 * @chunk_size: feed @data in pieces of this many bytes, as reads would; 0 for one piece
 *
 * The reader's line parsing on the calling thread, with no stream and no
 * thread: for the fuzzer. Use instead of fs_url_source_start(), on a source
 * that was never started; the counters and diagnostics are then final.
 */
void
_fs_url_source_parse_buffer (FsUrlSource *self,
                             FsJobQueue  *queue,
                             const char  *data,
                             gsize        len,
                             gsize        chunk_size)
{
  g_autofree LineBuffer *line = g_new0 (LineBuffer, 1);
  gboolean go_on = TRUE;

  g_return_if_fail (FS_IS_URL_SOURCE (self));
  g_return_if_fail (queue != NULL);
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->queue = fs_job_queue_ref (queue);

  if (chunk_size == 0)
    chunk_size = MAX (len, 1);
  for (gsize offset = 0; go_on && offset < len; offset += chunk_size)
    go_on = feed_chunk (self, line, data + offset, MIN (chunk_size, len - offset));
  if (go_on)
    feed_end (self, line);

  g_mutex_lock (&self->mutex);
  self->done = TRUE;
  g_mutex_unlock (&self->mutex);

  fs_job_queue_close (queue);
}

static const char *
preset_url (const FsUrlSource *self,
            guint64            i,
            GString           *url)
{
  const char *url_class = NULL;

  g_assert (self->preset != NULL);

  switch ((PresetKind) (self->preset - presets))
    {
    case PRESET_MIXED:
      /* Slow and failing pages sit inside each block of ten, not at its end,
       * so they overlap with regular ones from the start. */
      if (i % 10 == 3)
        url_class = "slow";
      else if (i % 10 == 7)
        url_class = "failing";
      else
        url_class = "regular";
      g_string_printf (url, "%s/page/%s/%" G_GUINT64_FORMAT, self->base_url, url_class, i);
      break;

    case PRESET_GRAPH:
      url_class = "api";
      g_string_printf (url, "%s/api/%" G_GUINT64_FORMAT, self->base_url, i % 1000);
      break;

    case PRESET_CPU:
      url_class = i % 4 == 3 ? "multicore" : "cpu";
      g_string_printf (url, "%s/page/%s/%" G_GUINT64_FORMAT, self->base_url, url_class, i);
      break;

    case PRESET_SLOW:
    case PRESET_REGULAR:
    case PRESET_FAILING:
      url_class = self->preset->name;
      g_string_printf (url, "%s/page/%s/%" G_GUINT64_FORMAT, self->base_url, url_class, i);
      break;

    case PRESET_PING:
      url_class = "ping";
      g_string_printf (url, "%s/ping", self->base_url);
      break;

    case PRESET_DELAY:
      url_class = "delay";
      g_string_printf (url, "%s/delay/100", self->base_url);
      break;

    default:
      g_assert_not_reached ();
    }

  return g_intern_static_string (url_class);
}

static void
generate_preset (FsUrlSource *self)
{
  g_autoptr(GString) url = g_string_new (NULL);

  g_assert (FS_IS_URL_SOURCE (self));

  for (guint64 i = 0; i < self->preset_count; i++)
    {
      const char *url_class = preset_url (self, i, url);

      if (!push_url (self, url->str, url_class))
        break;
    }
}

static gpointer
reader_thread (gpointer data)
{
  FsUrlSource *self = data;
  g_autoptr(GError) error = NULL;

  if (self->preset != NULL)
    generate_preset (self);
  else if (!read_stream (self, &error))
    {
      /* Whoever cancelled knows; only a real read error is worth reporting. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_clear_error (&error);
      else
        g_prefix_error (&error, _("error reading %s: "), self->display_name);
    }

  if (self->owns_stream)
    g_input_stream_close (self->stream, NULL, NULL);

  g_mutex_lock (&self->mutex);
  self->error = g_steal_pointer (&error);
  self->done = TRUE;
  g_mutex_unlock (&self->mutex);

  /* Last, so that a consumer that sees the queue closed sees final counts. */
  fs_job_queue_close (self->queue);

  return NULL;
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/**
 * fs_url_source_start:
 * @queue: the queue to fill; it is closed when the reader stops, whatever the reason
 * @cancellable: (nullable): stops the reader
 *
 * Starts the reader thread. Call once.
 */
void
fs_url_source_start (FsUrlSource  *self,
                     FsJobQueue   *queue,
                     GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FS_IS_URL_SOURCE (self));
  g_return_if_fail (queue != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->queue = fs_job_queue_ref (queue);
  self->cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable,
                                                  G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (self->cancellable),
                                                  g_object_unref);
    }

  self->thread = g_thread_try_new ("fs-url-source", reader_thread, self, &error);

  if (self->thread == NULL)
    {
      g_mutex_lock (&self->mutex);
      self->error = g_steal_pointer (&error);
      self->done = TRUE;
      g_mutex_unlock (&self->mutex);
      fs_job_queue_close (queue);
    }
}

/**
 * fs_url_source_join:
 *
 * Waits for the reader thread to end. It ends by itself at the end of the
 * input, at the limit, on a read error, on cancel, or when the queue is closed.
 */
void
fs_url_source_join (FsUrlSource *self)
{
  g_return_if_fail (FS_IS_URL_SOURCE (self));

  join_thread (self);
}

const char *
fs_url_source_get_display_name (FsUrlSource *self)
{
  g_return_val_if_fail (FS_IS_URL_SOURCE (self), NULL);

  return self->display_name;
}

/**
 * fs_url_source_get_n_urls:
 *
 * Returns: how many good URLs were pushed into the queue so far
 */
guint64
fs_url_source_get_n_urls (FsUrlSource *self)
{
  guint64 n_urls;

  g_return_val_if_fail (FS_IS_URL_SOURCE (self), 0);

  g_mutex_lock (&self->mutex);
  n_urls = self->n_urls;
  g_mutex_unlock (&self->mutex);

  return n_urls;
}

/**
 * fs_url_source_get_n_bad_lines:
 *
 * Returns: how many bad lines were skipped, including those beyond
 *   %FS_URL_MAX_DIAGNOSTICS that have no diagnostic
 */
guint64
fs_url_source_get_n_bad_lines (FsUrlSource *self)
{
  guint64 n_bad_lines;

  g_return_val_if_fail (FS_IS_URL_SOURCE (self), 0);

  g_mutex_lock (&self->mutex);
  n_bad_lines = self->n_bad_lines;
  g_mutex_unlock (&self->mutex);

  return n_bad_lines;
}

gboolean
fs_url_source_is_done (FsUrlSource *self)
{
  gboolean done;

  g_return_val_if_fail (FS_IS_URL_SOURCE (self), FALSE);

  g_mutex_lock (&self->mutex);
  done = self->done;
  g_mutex_unlock (&self->mutex);

  return done;
}

/**
 * fs_url_source_dup_diagnostics:
 *
 * Returns: (transfer full) (element-type FsUrlDiagnostic): a copy of the
 *   diagnostics so far, in line order, at most %FS_URL_MAX_DIAGNOSTICS
 */
GPtrArray *
fs_url_source_dup_diagnostics (FsUrlSource *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (FS_IS_URL_SOURCE (self), NULL);

  g_mutex_lock (&self->mutex);
  copy = g_ptr_array_new_full (self->diagnostics->len,
                               (GDestroyNotify) fs_url_diagnostic_free);
  for (guint i = 0; i < self->diagnostics->len; i++)
    g_ptr_array_add (copy, diagnostic_copy (g_ptr_array_index (self->diagnostics, i)));
  g_mutex_unlock (&self->mutex);

  return copy;
}

/**
 * fs_url_source_dup_error:
 *
 * Returns: (transfer full) (nullable): the read error that stopped the
 *   reader; its message names the input. %NULL after a cancel.
 */
GError *
fs_url_source_dup_error (FsUrlSource *self)
{
  GError *error;

  g_return_val_if_fail (FS_IS_URL_SOURCE (self), NULL);

  g_mutex_lock (&self->mutex);
  error = self->error != NULL ? g_error_copy (self->error) : NULL;
  g_mutex_unlock (&self->mutex);

  return error;
}

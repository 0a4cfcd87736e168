/* fs-link-extract.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

#include "fs-error.h"
#include "fs-i18n.h"
#include "fs-link-extract.h"
#include "fs-url-source.h"

/* ENCODED keeps %2F and friends as they were written: decoding them would
 * name another resource. SCHEME_NORMALIZE drops :80 and :443 and turns an
 * empty path into "/". */
#define URI_FLAGS (G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_SCHEME_NORMALIZE)

static char *
invalid_url (GError    **error,
             const char *reference,
             const char *why)
{
  g_set_error (error, FS_ERROR, FS_ERROR_INVALID_URL, "“%s”: %s", reference, why);
  return NULL;
}

/* As the URL standard does: no ASCII whitespace at either end, and no tab
 * or newline anywhere (an href split over two lines). */
static char *
clean_reference (const char *reference)
{
  GString *s = g_string_new (NULL);

  for (const char *p = reference; *p != '\0'; p++)
    if (*p != '\t' && *p != '\n' && *p != '\r')
      g_string_append_c (s, *p);

  g_strstrip (s->str);
  s->len = strlen (s->str);

  /* What a URI may not hold as it is (spaces, "<", non-ASCII bytes, …) is
   * percent-encoded, as a browser does; GLib 2.74 resolves some such
   * references into a broken join and returns neither a URL nor an error
   * (found by fuzz-link-extract). Existing escapes stay. */
  {
    g_autofree char *raw = g_string_free (s, FALSE);

    return g_uri_escape_string (raw, ":/?#[]@!$&'()*+,;=%~", FALSE);
  }
}

/**
 * fs_url_normalize:
 * @base: (nullable): the URL @reference is relative to, or %NULL when it
 *   must be absolute
 * @reference: a link as written, e.g. "../b.html#top"
 * @host: (out) (optional) (transfer full): the host, lower case
 *
 * Resolves @reference against @base and normalises the result: scheme and
 * host in lower case, no default port, "/" for an empty path, no fragment.
 * Percent-encoding is left as it is.
 *
 * Returns: (transfer full): the URL, or %NULL with @error set when it is not
 *   an http or https URL with a host
 */
char *
fs_url_normalize (const char  *base,
                  const char  *reference,
                  char       **host,
                  GError     **error)
{
  g_autofree char *cleaned = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *lower_host = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) normal = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  char *result;

  g_return_val_if_fail (reference != NULL, NULL);

  cleaned = clean_reference (reference);

  /* A reference with a scheme is absolute (RFC 3986, strictly): GLib 2.74
   * would resolve "http:./x" against an http base and fail an assertion
   * inside, returning no URL and no error (found by fuzz-link-extract). */
  {
    g_autofree char *ref_scheme = g_uri_parse_scheme (cleaned);

    g_autofree char *base_scheme = base ? g_uri_parse_scheme (base) : NULL;

    if (ref_scheme != NULL || base == NULL)
      resolved = g_strdup (cleaned);
    /* "//host/path" takes the base's scheme and nothing else of it: parsed
     * whole, rather than joined with the base (GLib 2.74 trips over some). */
    else if (g_str_has_prefix (cleaned, "//") && base_scheme != NULL)
      resolved = g_strconcat (base_scheme, ":", cleaned, NULL);
    else
      resolved = g_uri_resolve_relative (base, cleaned, URI_FLAGS, &local_error);
  }
  if (resolved == NULL || !(uri = g_uri_parse (resolved, URI_FLAGS, &local_error)))
    return invalid_url (error, cleaned, local_error ? local_error->message : _("cannot be resolved"));

  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return invalid_url (error, cleaned, _("not an http or https URL"));

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return invalid_url (error, cleaned, _("no host"));

  /* With a host, a path is empty or absolute; GLib's relaxed parser can
   * give another, which g_uri_to_string() then refuses. */
  if (*g_uri_get_path (uri) != '\0' && *g_uri_get_path (uri) != '/')
    return invalid_url (error, cleaned, _("no valid path"));

  lower_host = g_ascii_strdown (g_uri_get_host (uri), -1);
  normal = g_uri_build (URI_FLAGS, scheme, g_uri_get_userinfo (uri), lower_host,
                        g_uri_get_port (uri), g_uri_get_path (uri), g_uri_get_query (uri),
                        NULL);
  result = g_uri_to_string (normal);

  if (strlen (result) > FS_URL_MAX_LENGTH)
    {
      g_free (result);
      return invalid_url (error, cleaned, _("too long"));
    }

  if (host != NULL)
    *host = g_steal_pointer (&lower_host);

  return result;
}

static gboolean
media_type_is (const char *content_type,
               const char *type)
{
  gsize len = strlen (type);

  return g_ascii_strncasecmp (content_type, type, len) == 0 &&
         (content_type[len] == '\0' || content_type[len] == ';' || content_type[len] == ' ');
}

/**
 * fs_link_format_for:
 * @content_type: (nullable): the response's Content-Type
 *
 * Returns: how to look for links in a body
 */
FsLinkFormat
fs_link_format_for (const char   *content_type,
                    const guint8 *body,
                    gsize         len)
{
  g_return_val_if_fail (body != NULL || len == 0, FS_LINK_FORMAT_NONE);

  if (content_type != NULL && *content_type != '\0')
    {
      const char *semicolon = strchr (content_type, ';');
      gsize type_len = semicolon ? (gsize) (semicolon - content_type) : strlen (content_type);
      g_autofree char *type = g_strstrip (g_strndup (content_type, type_len));

      if (media_type_is (type, "application/json") || media_type_is (type, "text/json") ||
          g_str_has_suffix (type, "+json"))
        return FS_LINK_FORMAT_JSON;
      if (media_type_is (type, "text/html") || media_type_is (type, "application/xhtml+xml"))
        return FS_LINK_FORMAT_HTML;

      return FS_LINK_FORMAT_NONE;
    }

  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isspace (body[i]))
        continue;
      if (body[i] == '{' || body[i] == '[')
        return FS_LINK_FORMAT_JSON;
      if (body[i] == '<')
        return FS_LINK_FORMAT_HTML;
      break;
    }

  return FS_LINK_FORMAT_NONE;
}

static void
add_link (GPtrArray  *links,
          const char *base,
          const char *reference)
{
  char *url;

  if (reference != NULL && (url = fs_url_normalize (base, reference, NULL, NULL)))
    g_ptr_array_add (links, url);
}

static gboolean
extract_json (const char   *base_url,
              const guint8 *body,
              gsize         len,
              GPtrArray    *links)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root, *member;
  JsonArray *array;

  if (len > G_MAXSSIZE ||
      !json_parser_load_from_data (parser, (const char *) body, (gssize) len, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;

  member = json_object_get_member (json_node_get_object (root), "links");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return TRUE;

  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        add_link (links, base_url, json_node_get_string (element));
    }

  return TRUE;
}

static gpointer
init_libxml (gpointer data)
{
  xmlInitParser ();
  return NULL;
}

/* libxml2 reports HTML errors only to the thread's structured handler. */
static void
html_error_cb (void        *user_data,
               xmlErrorPtr  error)
{
  gboolean *malformed = user_data;

  /* HTML 4 knows no <nav> or <section>: that is no fault of the page. */
  if (error->level >= XML_ERR_ERROR && error->code != XML_HTML_UNKNOWN_TAG)
    *malformed = TRUE;
}

/* libxml2 takes any encoding it knows; others would fail the whole parse. */
static char *
html_charset (const char *content_type)
{
  const char *p;
  g_autofree char *charset = NULL;
  xmlCharEncodingHandlerPtr handler;

  if (content_type == NULL)
    return NULL;

  for (p = content_type; *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, "charset=", 8) == 0)
      break;
  if (*p == '\0')
    return NULL;

  p += 8;
  charset = g_strndup (p + (*p == '"'), strcspn (p + (*p == '"'), "\"; "));
  if (!(handler = xmlFindCharEncodingHandler (charset)))
    return NULL;
  xmlCharEncCloseFunc (handler);

  return g_steal_pointer (&charset);
}

static xmlNode *
next_node (xmlNode *node)
{
  if (node->children != NULL)
    return node->children;

  while (node != NULL && node->next == NULL)
    node = node->parent;

  return node != NULL ? node->next : NULL;
}

static const char *
attribute (xmlNode    *node,
           const char *element,
           const char *name,
           xmlChar   **value)
{
  g_clear_pointer (value, xmlFree);

  if (node->type != XML_ELEMENT_NODE || g_ascii_strcasecmp ((const char *) node->name, element) != 0)
    return NULL;

  *value = xmlGetProp (node, (const xmlChar *) name);

  return (const char *) *value;
}

static gboolean
extract_html (const char   *content_type,
              const char   *base_url,
              const guint8 *body,
              gsize         len,
              GPtrArray    *links)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *charset = html_charset (content_type);
  g_autofree char *base = g_strdup (base_url);
  xmlStructuredErrorFunc old_handler;
  void *old_context;
  htmlParserCtxtPtr ctxt;
  htmlDocPtr doc;
  xmlChar *value = NULL;
  gboolean malformed = FALSE;

  g_once (&once, init_libxml, NULL);

  if (len > G_MAXINT)
    return FALSE;

  if (!(ctxt = htmlNewParserCtxt ()))
    return FALSE;

  old_handler = xmlStructuredError;
  old_context = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc (&malformed, html_error_cb);
  doc = htmlCtxtReadMemory (ctxt, (const char *) body, (int) len, base_url, charset,
                            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                            HTML_PARSE_RECOVER);
  xmlSetStructuredErrorFunc (old_context, old_handler);
  htmlFreeParserCtxt (ctxt);

  if (doc == NULL)
    return FALSE;

  /* The first <base href> applies to every link, also those before it. */
  for (xmlNode *node = xmlDocGetRootElement (doc); node != NULL; node = next_node (node))
    {
      char *resolved;

      if (attribute (node, "base", "href", &value) &&
          (resolved = fs_url_normalize (base_url, (const char *) value, NULL, NULL)))
        {
          g_free (base);
          base = resolved;
          break;
        }
    }

  for (xmlNode *node = xmlDocGetRootElement (doc); node != NULL; node = next_node (node))
    {
      add_link (links, base, attribute (node, "a", "href", &value));
      add_link (links, base, attribute (node, "img", "src", &value));
    }

  g_clear_pointer (&value, xmlFree);
  xmlFreeDoc (doc);

  return !malformed;
}

/**
 * fs_link_extract:
 * @content_type: (nullable): the response's Content-Type
 * @base_url: the page's final URL, after redirects
 * @malformed: (out): whether the body is JSON or HTML that does not parse
 *
 * Returns: (transfer full) (element-type utf8): the normalised links, in
 *   the order they appear, duplicates included; whatever could be had from
 *   a malformed page
 */
GPtrArray *
fs_link_extract (const char   *content_type,
                 const char   *base_url,
                 const guint8 *body,
                 gsize         len,
                 gboolean     *malformed)
{
  GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;

  g_return_val_if_fail (base_url != NULL, links);
  g_return_val_if_fail (body != NULL || len == 0, links);
  g_return_val_if_fail (malformed != NULL, links);

  switch (len > 0 ? fs_link_format_for (content_type, body, len) : FS_LINK_FORMAT_NONE)
    {
    case FS_LINK_FORMAT_JSON:
      ok = extract_json (base_url, body, len, links);
      break;

    case FS_LINK_FORMAT_HTML:
      ok = extract_html (content_type, base_url, body, len, links);
      break;

    case FS_LINK_FORMAT_NONE:
    default:
      break;
    }

  *malformed = !ok;

  return links;
}

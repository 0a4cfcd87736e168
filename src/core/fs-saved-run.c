/* fs-saved-run.c
 *
 * Copyright 2026 The Fetchscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fs-atomic-file.h"
#include "fs-error.h"
#include "fs-event.h"
#include "fs-i18n.h"
#include "fs-json-private.h"
#include "fs-json-scan.h"
#include "fs-saved-run.h"
#include "fs-saved-run-private.h"

/* Larger files are not ours: nothing Fetchscope saves comes near. */
#define MAX_FILE_BYTES (G_GINT64_CONSTANT (1) << 30)
/* Record times are offsets a double holds exactly. */
#define MAX_OFFSET_US  (G_GINT64_CONSTANT (1) << 53)

static const char * const record_fields[] = {
  "job_id", "url_index", "outcome", "strategy", "route", "route_reason", "http_status",
  "curl_code", "url_class", "lane_index", "lane_slot", "pid", "tid", "t_queued", "t_started",
  "t_dns", "t_connect", "t_tls", "t_first_byte", "t_done", "t_cpu_start", "t_cpu_end",
  "gil_wait_us", "bytes", "error",
};

enum
{
  F_JOB_ID, F_URL_INDEX, F_OUTCOME, F_STRATEGY, F_ROUTE, F_ROUTE_REASON, F_HTTP_STATUS,
  F_CURL_CODE, F_URL_CLASS, F_LANE_INDEX, F_LANE_SLOT, F_PID, F_TID, F_T_QUEUED, F_T_STARTED,
  F_T_DNS, F_T_CONNECT, F_T_TLS, F_T_FIRST_BYTE, F_T_DONE, F_T_CPU_START, F_T_CPU_END,
  F_GIL_WAIT_US, F_BYTES, F_ERROR, N_FIELDS
};

G_STATIC_ASSERT (G_N_ELEMENTS (record_fields) == N_FIELDS);

/**
 * fs_saved_run_new:
 *
 * A run with no aggregates yet: set them (transfer full) before saving.
 *
 * Returns: (transfer full): a new saved run
 */
FsSavedRun *
fs_saved_run_new (const char        *label,
                  const FsRunConfig *config,
                  const char        *urls)
{
  FsSavedRun *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_new0 (FsSavedRun, 1);
  self->config = fs_run_config_copy (config);
  self->label = label != NULL ? g_strdup (label) : fs_run_config_dup_label (config);
  self->urls = g_strdup (urls != NULL ? urls : "");
  self->complete = TRUE;
  self->summary.loop_lag_max_us = -1;

  return self;
}

void
fs_saved_run_free (FsSavedRun *self)
{
  if (self == NULL)
    return;

  g_free (self->label);
  g_clear_pointer (&self->config, fs_run_config_free);
  g_free (self->urls);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->aggregator, fs_aggregator_free);
  g_clear_pointer (&self->swimlane, fs_swimlane_free);
  g_clear_pointer (&self->records, fs_record_log_unref);
  g_free (self);
}

/* Writing */

static void
add_settings (JsonBuilder       *b,
              const FsRunConfig *config)
{
  g_autofree char *cpu_work = fs_cpu_work_to_string (config->cpu_work, config->hash_rounds);

  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  _fs_json_add_string (b, "strategy", fs_strategy_to_string (config->strategy));
  _fs_json_add_int (b, "concurrency", config->concurrency);
  _fs_json_add_int (b, "timeout_ms", config->timeout_ms);
  _fs_json_add_int (b, "connect_timeout_ms", config->connect_timeout_ms);
  _fs_json_add_int (b, "max_body_bytes", (gint64) config->max_body_bytes);
  _fs_json_add_int (b, "max_redirects", config->max_redirects);
  _fs_json_add_string (b, "user_agent", config->user_agent);
  _fs_json_add_int (b, "workers", config->workers);
  _fs_json_add_string (b, "worker_mode", fs_worker_mode_to_string (config->worker_mode));
  _fs_json_add_string (b, "cpu_work", cpu_work);
  _fs_json_add_boolean (b, "gil", config->gil);
  _fs_json_add_int (b, "switch_interval_us", config->switch_interval_us);
  json_builder_end_object (b);
}

static void
add_summary (JsonBuilder     *b,
             const FsSummary *s)
{
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  _fs_json_add_int (b, "total", (gint64) s->total);
  _fs_json_add_uint64s (b, "outcomes", s->outcomes, FS_N_OUTCOMES);
  _fs_json_add_int (b, "started", (gint64) s->started);
  _fs_json_add_int (b, "in_flight", (gint64) s->in_flight);
  _fs_json_add_int (b, "bytes", (gint64) s->bytes);
  _fs_json_add_int (b, "t_first", s->t_first);
  _fs_json_add_int (b, "t_last", s->t_last);
  _fs_json_add_double (b, "wall_s", s->wall_s);
  _fs_json_add_double (b, "rps", s->rps);
  _fs_json_add_double (b, "latency_ms_p50", s->latency_ms_p50);
  _fs_json_add_double (b, "latency_ms_p90", s->latency_ms_p90);
  _fs_json_add_double (b, "latency_ms_p99", s->latency_ms_p99);
  _fs_json_add_double (b, "latency_ms_p999", s->latency_ms_p999);
  _fs_json_add_double (b, "latency_ms_max", s->latency_ms_max);
  _fs_json_add_double (b, "latency_ms_mean", s->latency_ms_mean);
  _fs_json_add_int (b, "peak_rss_bytes", (gint64) s->peak_rss_bytes);
  _fs_json_add_double (b, "cpu_s", s->cpu_s);
  _fs_json_add_int (b, "loop_lag_max_us", s->loop_lag_max_us);
  _fs_json_add_uint64s (b, "routed", s->routed, FS_N_ROUTES);
  _fs_json_add_double (b, "cpu_stage_s", s->cpu_stage_s);
  _fs_json_add_double (b, "gil_wait_s", s->gil_wait_s);
  json_builder_end_object (b);
}

/* The records are written as text, a row at a time: a JSON tree of them
 * would take about 2.5 KB a record. */
#define FLUSH_BYTES (64 * 1024)

/* Error texts and classes are UTF-8 when they come from Fetchscope; any
 * other byte becomes '?', so the text keeps its length and loads again. */
static void
append_json_string (GString    *buf,
                    const char *text)
{
  gboolean valid = g_utf8_validate (text, -1, NULL);

  g_string_append_c (buf, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (buf, '\\');
          g_string_append_c (buf, *p);
        }
      else if (*p < 0x20)
        g_string_append_printf (buf, "\\u%04x", *p);
      else
        g_string_append_c (buf, (valid || *p < 0x80) ? *p : '?');
    }
  g_string_append_c (buf, '"');
}

static void
append_time (GString *buf,
             gint64   t,
             gint64   t_zero)
{
  if (t == 0)
    g_string_append (buf, ",null");
  else
    g_string_append_printf (buf, ",%" G_GINT64_FORMAT, t - t_zero);
}

static void
append_record (GString       *buf,
               const FsEvent *e,
               gint64         t_zero)
{
  g_string_append_printf (buf, "[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%u,%u,%u,%u,%d,",
                          (gint64) MIN (e->job_id, (guint64) G_MAXINT64),
                          (gint64) MIN (e->url_index, (guint64) G_MAXINT64),
                          e->outcome, e->strategy, e->route, e->route_reason, e->http_status,
                          e->curl_code);
  if (e->url_class != NULL)
    append_json_string (buf, e->url_class);
  else
    g_string_append (buf, "null");
  g_string_append_printf (buf, ",%u,%u,%d,%d", e->lane.index, e->lane.slot, e->lane.pid,
                          e->lane.tid);
  append_time (buf, e->t_queued, t_zero);
  append_time (buf, e->t_started, t_zero);
  append_time (buf, e->t_dns, t_zero);
  append_time (buf, e->t_connect, t_zero);
  append_time (buf, e->t_tls, t_zero);
  append_time (buf, e->t_first_byte, t_zero);
  append_time (buf, e->t_done, t_zero);
  append_time (buf, e->t_cpu_start, t_zero);
  append_time (buf, e->t_cpu_end, t_zero);
  g_string_append_printf (buf, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", e->gil_wait_us,
                          (gint64) MIN (e->bytes, (guint64) G_MAXINT64));
  if (e->error[0] != '\0')
    append_json_string (buf, e->error);
  else
    g_string_append (buf, "null");
  g_string_append_c (buf, ']');
}

static gboolean
flush (GOutputStream  *out,
       GString        *buf,
       gsize           above,
       GError        **error)
{
  if (buf->len <= above)
    return TRUE;
  if (!g_output_stream_write_all (out, buf->str, buf->len, NULL, NULL, error))
    return FALSE;
  g_string_truncate (buf, 0);

  return TRUE;
}

static gboolean
write_records (GOutputStream  *out,
               GString        *buf,
               FsRecordLog    *records,
               gint64          t_zero,
               GError        **error)
{
  if (records == NULL)
    {
      g_string_append (buf, "null");
      return TRUE;
    }

  g_string_append_printf (buf, "{\"t_zero\":%" G_GINT64_FORMAT ",\"fields\":[", t_zero);
  for (guint f = 0; f < N_FIELDS; f++)
    g_string_append_printf (buf, "%s\"%s\"", f > 0 ? "," : "", record_fields[f]);
  g_string_append (buf, "],\"rows\":[");

  for (guint i = 0; i < fs_record_log_get_length (records); i++)
    {
      FsEvent e;

      fs_record_log_get (records, i, &e);
      if (i > 0)
        g_string_append_c (buf, ',');
      append_record (buf, &e, t_zero);
      if (!flush (out, buf, FLUSH_BYTES, error))
        return FALSE;
    }
  g_string_append (buf, "]}");

  return TRUE;
}

/* An object as compact JSON without its closing brace, for members that
 * follow as text. */
static void
append_open_object (GString     *buf,
                    JsonBuilder *b)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  g_assert (length > 0 && text[length - 1] == '}');
  g_string_append_len (buf, text, length - 1);
}

/* A run's object, up to its records. */
static void
append_run_head (GString          *buf,
                 const FsSavedRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *started_at = NULL;

  if (run->started_at != NULL)
    started_at = g_date_time_format_iso8601 (run->started_at);

  json_builder_begin_object (b);
  _fs_json_add_string (b, "label", run->label);
  _fs_json_add_string (b, "urls", run->urls);
  _fs_json_add_string (b, "started_at", started_at);
  _fs_json_add_boolean (b, "complete", run->complete);
  add_settings (b, run->config);
  add_summary (b, &run->summary);
  json_builder_set_member_name (b, "aggregates");
  json_builder_add_value (b, fs_aggregator_to_json (run->aggregator));
  json_builder_set_member_name (b, "swimlanes");
  if (run->swimlane != NULL)
    json_builder_add_value (b, fs_swimlane_to_json (run->swimlane));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  append_open_object (buf, b);
}

static gboolean
write_runs (GOutputStream       *out,
            FsSavedRun * const  *runs,
            guint                n_runs,
            GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *saved_at = g_date_time_format_iso8601 (now);
  g_autoptr(GString) buf = g_string_sized_new (FLUSH_BYTES + 4096);

  json_builder_begin_object (b);
  _fs_json_add_string (b, "format", FS_SAVED_RUN_FORMAT);
  _fs_json_add_int (b, "version", FS_SAVED_RUN_VERSION);
  _fs_json_add_string (b, "fetchscope_version", PACKAGE_VERSION);
  _fs_json_add_string (b, "saved_at", saved_at);
  json_builder_end_object (b);
  append_open_object (buf, b);
  g_string_append (buf, ",\"runs\":[");

  for (guint i = 0; i < n_runs; i++)
    {
      if (i > 0)
        g_string_append_c (buf, ',');
      append_run_head (buf, runs[i]);
      g_string_append (buf, ",\"records\":");
      if (!write_records (out, buf, runs[i]->records, runs[i]->summary.t_first, error))
        return FALSE;
      g_string_append_c (buf, '}');
    }
  g_string_append (buf, "]}");

  return flush (out, buf, 0, error);
}

/**
 * fs_saved_runs_save:
 * @runs: (array length=n_runs): the runs, in the order they ran
 *
 * Writes @runs to @path through a temporary file renamed into place: a
 * failed write leaves no half file and the old file, if any, as it was.
 */
gboolean
fs_saved_runs_save (const char         *path,
                    FsSavedRun * const *runs,
                    guint               n_runs,
                    FsSavedRunFlags     flags,
                    GError            **error)
{
  g_autoptr(FsAtomicFile) file = NULL;
  g_autoptr(GOutputStream) out = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (runs != NULL || n_runs == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_runs; i++)
    g_return_val_if_fail (runs[i] != NULL && runs[i]->config != NULL &&
                          runs[i]->aggregator != NULL, FALSE);

  if (!(file = fs_atomic_file_new (path, error)))
    return FALSE;

  if (flags & FS_SAVED_RUN_COMPRESS)
    {
      g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);

      out = g_converter_output_stream_new (fs_atomic_file_get_stream (file), G_CONVERTER (gzip));
      g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (out), FALSE);
    }
  else
    {
      out = g_object_ref (fs_atomic_file_get_stream (file));
    }

  if (!write_runs (out, runs, n_runs, error) ||
      ((flags & FS_SAVED_RUN_COMPRESS) && !g_output_stream_close (out, NULL, error)) ||
      !fs_atomic_file_commit (file, error))
    {
      g_prefix_error (error, _("Could not save “%s”: "), path);
      return FALSE;
    }

  return TRUE;
}

/* Reading */

/* Opening a file of many records: json-glib would build a tree of every
 * value in it, about 2.5 KB a record, and takes some 20 µs a row. So each
 * run's record rows are cut out of the text first, the rest is parsed as a
 * tree, and the rows are read straight from the text; a row in any form
 * but the one Fetchscope writes goes through json-glib alone. Whatever the
 * cutting does not expect (a syntax error, a member twice, a name written
 * with escapes) sends the whole text through json-glib instead, which then
 * says what is wrong. */

typedef struct
{
  gsize start;   /* the rows array, brackets included; end 0: not cut */
  gsize end;
} RowsCut;

/* The text being read. With @release, it is a mapping of the loader's own
 * (the unpacked text, or the file's), and the pages of the rows already
 * read are given back as reading goes on, release_step at a time: a million
 * records are 131 MB of text for 64 MB of records. Pages given back from
 * the file come back from it if touched again; unpacked ones do not
 * (@unpacked), so reading the text whole after that unpacks it
 * again. */
typedef struct
{
  const char *data;
  gsize       length;
  gboolean    release;
  gboolean    unpacked;
  gsize       released;            /* [0, released) given back */
} LoadText;

static gsize release_step = 4 * 1024 * 1024;

static GQuark
rescan_quark (void)
{
  return g_quark_from_static_string ("fs-saved-run-rescan");
}

static guint n_whole_parses;
static guint n_plain_rows;
static gsize n_released_bytes;
static gint plain_rows = TRUE;

guint
_fs_saved_runs_get_n_whole_parses (void)
{
  return g_atomic_int_get (&n_whole_parses);
}

guint
_fs_saved_runs_get_n_plain_rows (void)
{
  return g_atomic_int_get (&n_plain_rows);
}

gsize
_fs_saved_runs_get_n_released_bytes (void)
{
  return (gsize) g_atomic_pointer_get (&n_released_bytes);
}

void
_fs_saved_runs_set_release_step (gsize bytes)
{
  g_atomic_pointer_set (&release_step, bytes);
}

void
_fs_saved_runs_set_plain_rows (gboolean enabled)
{
  g_atomic_int_set (&plain_rows, enabled);
}

static gboolean
rescan (GError **error)
{
  g_set_error_literal (error, rescan_quark (), 0, "parse the whole text");

  return FALSE;
}

typedef gboolean (*ScanFunc) (FsJsonScan *scan,
                              gpointer    data);

/* An object, whose member @name (at most once) @func steps over. */
static gboolean
scan_object (FsJsonScan *scan,
             const char *name,
             ScanFunc    func,
             gpointer    data)
{
  gboolean seen = FALSE;

  if (!_fs_json_scan_char (scan, '{'))
    return FALSE;
  if (_fs_json_scan_char (scan, '}'))
    return TRUE;

  do
    {
      gboolean matches;

      if (!_fs_json_scan_key (scan, name, &matches) || (matches && seen))
        return FALSE;
      seen |= matches;
      if (!(matches ? func (scan, data) : _fs_json_scan_value (scan)))
        return FALSE;
    }
  while (_fs_json_scan_char (scan, ','));

  return _fs_json_scan_char (scan, '}');
}

static gboolean
scan_rows (FsJsonScan *scan,
           gpointer    data)
{
  RowsCut *cut = data;

  if (!_fs_json_scan_peek (scan, '['))
    return _fs_json_scan_value (scan);

  cut->start = scan->pos;
  if (!_fs_json_scan_value (scan))
    return FALSE;
  cut->end = scan->pos;

  return TRUE;
}

static gboolean
scan_records (FsJsonScan *scan,
              gpointer    data)
{
  if (!_fs_json_scan_peek (scan, '{'))
    return _fs_json_scan_value (scan);

  return scan_object (scan, "rows", scan_rows, data);
}

static gboolean
scan_runs (FsJsonScan *scan,
           gpointer    data)
{
  GArray *cuts = data;

  if (!_fs_json_scan_peek (scan, '['))
    return _fs_json_scan_value (scan);

  scan->pos++;
  if (_fs_json_scan_char (scan, ']'))
    return TRUE;

  do
    {
      RowsCut cut = { 0, 0 };

      if (!(_fs_json_scan_peek (scan, '{') ? scan_object (scan, "records", scan_records, &cut)
                                           : _fs_json_scan_value (scan)))
        return FALSE;
      g_array_append_val (cuts, cut);
    }
  while (_fs_json_scan_char (scan, ','));

  return _fs_json_scan_char (scan, ']');
}

/* Where each run's rows are, or %NULL when there is nothing to cut or the
 * text is not as expected. */
static GArray *
find_rows (const char *text,
           gsize       length)
{
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (RowsCut));
  FsJsonScan scan;

  _fs_json_scan_init (&scan, text, length, 0);
  if (!scan_object (&scan, "runs", scan_runs, cuts) || !_fs_json_scan_end (&scan))
    return NULL;

  for (guint i = 0; i < cuts->len; i++)
    if (g_array_index (cuts, RowsCut, i).end > 0)
      return g_steal_pointer (&cuts);

  return NULL;
}

/* The text with each run's rows as [] */
static char *
cut_rows (const char *text,
          gsize       length,
          GArray     *cuts,
          gsize      *out_length)
{
  GString *rest = g_string_sized_new (length / 16);
  gsize from = 0;

  for (guint i = 0; i < cuts->len; i++)
    {
      const RowsCut *cut = &g_array_index (cuts, RowsCut, i);

      if (cut->end == 0)
        continue;
      g_string_append_len (rest, text + from, (gssize) (cut->start - from));
      g_string_append (rest, "[]");
      from = cut->end;
    }
  g_string_append_len (rest, text + from, (gssize) (length - from));
  *out_length = rest->len;

  return g_string_free (rest, FALSE);
}

static gboolean
read_settings (JsonObject   *object,
               FsRunConfig **out,
               GError      **error)
{
  g_autoptr(FsRunConfig) config = fs_run_config_new ();
  JsonObject *settings;
  const char *strategy, *user_agent, *worker_mode, *cpu_work;
  guint64 concurrency, timeout_ms, connect_timeout_ms, max_body_bytes, max_redirects, workers;
  guint64 switch_interval_us;

  if (!_fs_json_get_object (object, "settings", &settings, error) ||
      !_fs_json_get_string (settings, "strategy", FALSE, &strategy, error) ||
      !_fs_json_get_uint (settings, "concurrency", G_MAXUINT, &concurrency, error) ||
      !_fs_json_get_uint (settings, "timeout_ms", G_MAXUINT, &timeout_ms, error) ||
      !_fs_json_get_uint (settings, "connect_timeout_ms", G_MAXUINT, &connect_timeout_ms,
                          error) ||
      !_fs_json_get_uint (settings, "max_body_bytes", G_MAXINT64, &max_body_bytes, error) ||
      !_fs_json_get_uint (settings, "max_redirects", G_MAXUINT, &max_redirects, error) ||
      !_fs_json_get_string (settings, "user_agent", TRUE, &user_agent, error) ||
      !_fs_json_get_uint (settings, "workers", G_MAXUINT, &workers, error) ||
      !_fs_json_get_string (settings, "worker_mode", FALSE, &worker_mode, error) ||
      !_fs_json_get_string (settings, "cpu_work", FALSE, &cpu_work, error) ||
      !_fs_json_get_boolean (settings, "gil", &config->gil, error) ||
      !_fs_json_get_uint (settings, "switch_interval_us", G_MAXUINT, &switch_interval_us, error))
    goto fail;

  /* By name, whether or not this build can run the strategy. */
  if (!fs_strategy_from_string (strategy, &config->strategy))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, _("unknown strategy “%s”"), strategy);
      goto fail;
    }
  if (!fs_worker_mode_from_string (worker_mode, &config->worker_mode))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, _("unknown worker mode “%s”"),
                   worker_mode);
      goto fail;
    }
  if (!fs_cpu_work_parse (cpu_work, &config->cpu_work, &config->hash_rounds, error))
    goto invalid;

  config->concurrency = (guint) concurrency;
  config->timeout_ms = (guint) timeout_ms;
  config->connect_timeout_ms = (guint) connect_timeout_ms;
  config->max_body_bytes = max_body_bytes;
  config->max_redirects = (guint) max_redirects;
  g_free (config->user_agent);
  config->user_agent = g_strdup (user_agent);
  config->workers = (guint) workers;
  config->switch_interval_us = (guint) switch_interval_us;

  if (!fs_run_config_validate (config, error))
    goto invalid;

  *out = g_steal_pointer (&config);

  return TRUE;

invalid:
  /* The run's checks speak of arguments; here it is the file that is wrong. */
  if (error != NULL && *error != NULL)
    {
      (*error)->domain = FS_ERROR;
      (*error)->code = FS_ERROR_INVALID_DATA;
    }
fail:
  g_prefix_error (error, "settings: ");
  return FALSE;
}

static gboolean
read_summary (JsonObject  *object,
              FsSummary   *s,
              GError     **error)
{
  JsonObject *summary;

  memset (s, 0, sizeof *s);

  if (!_fs_json_get_object (object, "summary", &summary, error) ||
      !_fs_json_get_uint (summary, "total", G_MAXINT64, &s->total, error) ||
      !_fs_json_get_uint64s (summary, "outcomes", s->outcomes, FS_N_OUTCOMES, error) ||
      !_fs_json_get_uint (summary, "started", G_MAXINT64, &s->started, error) ||
      !_fs_json_get_uint (summary, "in_flight", G_MAXINT64, &s->in_flight, error) ||
      !_fs_json_get_uint (summary, "bytes", G_MAXINT64, &s->bytes, error) ||
      !_fs_json_get_int (summary, "t_first", 0, G_MAXINT64, &s->t_first, error) ||
      !_fs_json_get_int (summary, "t_last", G_MININT64, G_MAXINT64, &s->t_last, error) ||
      !_fs_json_get_double (summary, "wall_s", &s->wall_s, error) ||
      !_fs_json_get_double (summary, "rps", &s->rps, error) ||
      !_fs_json_get_double (summary, "latency_ms_p50", &s->latency_ms_p50, error) ||
      !_fs_json_get_double (summary, "latency_ms_p90", &s->latency_ms_p90, error) ||
      !_fs_json_get_double (summary, "latency_ms_p99", &s->latency_ms_p99, error) ||
      !_fs_json_get_double (summary, "latency_ms_p999", &s->latency_ms_p999, error) ||
      !_fs_json_get_double (summary, "latency_ms_max", &s->latency_ms_max, error) ||
      !_fs_json_get_double (summary, "latency_ms_mean", &s->latency_ms_mean, error) ||
      !_fs_json_get_uint (summary, "peak_rss_bytes", G_MAXINT64, &s->peak_rss_bytes, error) ||
      !_fs_json_get_double (summary, "cpu_s", &s->cpu_s, error) ||
      !_fs_json_get_int (summary, "loop_lag_max_us", -1, G_MAXINT64, &s->loop_lag_max_us,
                         error) ||
      !_fs_json_get_uint64s (summary, "routed", s->routed, FS_N_ROUTES, error) ||
      !_fs_json_get_double (summary, "cpu_stage_s", &s->cpu_stage_s, error) ||
      !_fs_json_get_double (summary, "gil_wait_s", &s->gil_wait_s, error))
    {
      g_prefix_error (error, "summary: ");
      return FALSE;
    }

  return TRUE;
}

/* One item of a record row, from a json-glib tree or straight from the
 * text; a string from the text is not NUL-terminated. */
typedef enum
{
  ITEM_OTHER,
  ITEM_INT,
  ITEM_NULL,
  ITEM_STRING,
} ItemType;

typedef struct
{
  ItemType    type;
  gint64      value;
  const char *string;
  gsize       length;
} Item;

static gboolean
read_int (const Item  *items,
          guint        field,
          gint64       min,
          gint64       max,
          gint64      *out,
          GError     **error)
{
  return _fs_json_check_item_int (items[field].type == ITEM_INT, items[field].value, field, min,
                                  max, out, error);
}

static gboolean
read_time (const Item  *items,
           guint        field,
           gint64       t_zero,
           gint64      *out,
           GError     **error)
{
  gint64 offset;

  if (items[field].type == ITEM_NULL)
    {
      *out = 0;
      return TRUE;
    }

  if (!read_int (items, field, -MAX_OFFSET_US, MAX_OFFSET_US, &offset, error))
    return FALSE;

  *out = t_zero + offset;

  return TRUE;
}

static gboolean
check_string (const Item  *items,
              guint        field,
              GError     **error)
{
  if (items[field].type == ITEM_NULL || items[field].type == ITEM_STRING)
    return TRUE;

  g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, "item %u should be a string or null",
               field);

  return FALSE;
}

static const char *
intern_item (const Item *item)
{
  char buf[128];
  g_autofree char *copy = NULL;

  if (item->type != ITEM_STRING)
    return NULL;
  if (item->length < sizeof buf)
    {
      memcpy (buf, item->string, item->length);
      buf[item->length] = '\0';
      return g_intern_string (buf);
    }
  copy = g_strndup (item->string, item->length);

  return g_intern_string (copy);
}

static gboolean
read_record (const Item  *items,
             gint64       t_zero,
             FsEvent     *e,
             GError     **error)
{
  static const gint64 lo[F_T_QUEUED] = {
    0, 0, 0, 0, 0, 0, 0, G_MININT16, 0, 0, 0, G_MININT32, G_MININT32,
  };
  static const gint64 hi[F_T_QUEUED] = {
    G_MAXINT64, G_MAXINT64, FS_N_OUTCOMES - 1, FS_N_STRATEGIES - 1, FS_N_ROUTES - 1,
    FS_ROUTE_REASON_DEFAULT, G_MAXUINT16, G_MAXINT16, 0, G_MAXUINT32, G_MAXUINT32, G_MAXINT32,
    G_MAXINT32,
  };
  gint64 v[F_T_QUEUED];
  gint64 *times[] = {
    &e->t_queued, &e->t_started, &e->t_dns, &e->t_connect, &e->t_tls, &e->t_first_byte,
    &e->t_done, &e->t_cpu_start, &e->t_cpu_end,
  };
  const Item *text = &items[F_ERROR];
  gint64 bytes;

  G_STATIC_ASSERT (G_N_ELEMENTS (times) == F_GIL_WAIT_US - F_T_QUEUED);

  memset (e, 0, sizeof *e);
  e->kind = FS_EVENT_TERMINAL;

  for (guint f = 0; f < F_T_QUEUED; f++)
    if (f != F_URL_CLASS && !read_int (items, f, lo[f], hi[f], &v[f], error))
      return FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (times); t++)
    if (!read_time (items, F_T_QUEUED + t, t_zero, times[t], error))
      return FALSE;
  if (!check_string (items, F_URL_CLASS, error) ||
      !read_int (items, F_GIL_WAIT_US, G_MININT64, G_MAXINT64, &e->gil_wait_us, error) ||
      !read_int (items, F_BYTES, 0, G_MAXINT64, &bytes, error) ||
      !check_string (items, F_ERROR, error))
    return FALSE;

  if (text->type == ITEM_STRING && text->length >= sizeof e->error)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, "its error text is too long");
      return FALSE;
    }

  e->job_id = (guint64) v[F_JOB_ID];
  e->url_index = (guint64) v[F_URL_INDEX];
  e->outcome = (guint8) v[F_OUTCOME];
  e->strategy = (guint8) v[F_STRATEGY];
  e->route = (guint8) v[F_ROUTE];
  e->route_reason = (guint8) v[F_ROUTE_REASON];
  e->http_status = (guint16) v[F_HTTP_STATUS];
  e->curl_code = (gint16) v[F_CURL_CODE];
  e->url_class = intern_item (&items[F_URL_CLASS]);
  e->lane.index = (guint32) v[F_LANE_INDEX];
  e->lane.slot = (guint32) v[F_LANE_SLOT];
  e->lane.pid = (gint32) v[F_PID];
  e->lane.tid = (gint32) v[F_TID];
  e->bytes = (guint64) bytes;
  if (text->type == ITEM_STRING)
    memcpy (e->error, text->string, text->length);

  return TRUE;
}

static gboolean
add_record (const Item    *items,
            guint          index,
            gint64         t_zero,
            FsRecordLog   *records,
            GError       **error)
{
  FsEvent event;

  if (!read_record (items, t_zero, &event, error))
    {
      g_prefix_error (error, "record %u: ", index);
      return FALSE;
    }
  fs_record_log_add (records, &event);

  return TRUE;
}

/* A row of a json-glib tree; json-glib has already unescaped its strings,
 * whose length is then up to the first NUL, as C sees them. */
static gboolean
read_row (JsonNode      *node,
          guint          index,
          gint64         t_zero,
          FsRecordLog   *records,
          GError       **error)
{
  Item items[N_FIELDS];
  JsonArray *row;

  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (row = json_node_get_array (node)) != N_FIELDS)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   "record %u: it should be an array of %u items", index, N_FIELDS);
      return FALSE;
    }

  for (guint f = 0; f < N_FIELDS; f++)
    {
      JsonNode *item = json_array_get_element (row, f);
      GType type = JSON_NODE_HOLDS_VALUE (item) ? json_node_get_value_type (item) : G_TYPE_NONE;

      items[f] = (Item) { .type = ITEM_OTHER };
      if (JSON_NODE_HOLDS_NULL (item))
        items[f].type = ITEM_NULL;
      else if (type == G_TYPE_INT64)
        items[f] = (Item) { .type = ITEM_INT, .value = json_node_get_int (item) };
      else if (type == G_TYPE_STRING)
        items[f] = (Item) {
          .type = ITEM_STRING,
          .string = json_node_get_string (item),
          .length = strlen (json_node_get_string (item)),
        };
    }

  return add_record (items, index, t_zero, records, error);
}

/* A row straight from the text, when it has the form Fetchscope writes:
 * whole numbers, nulls, and strings without escapes, N_FIELDS of them. */
static gboolean
scan_plain_row (FsJsonScan *scan,
                Item       *items)
{
  if (!_fs_json_scan_char (scan, '['))
    return FALSE;

  for (guint f = 0; f < N_FIELDS; f++)
    {
      Item *item = &items[f];

      if (f > 0 && !_fs_json_scan_char (scan, ','))
        return FALSE;
      if (_fs_json_scan_int (scan, &item->value))
        item->type = ITEM_INT;
      else if (_fs_json_scan_null (scan))
        item->type = ITEM_NULL;
      else if (_fs_json_scan_plain_string (scan, &item->string, &item->length))
        item->type = ITEM_STRING;
      else
        return FALSE;
    }

  return _fs_json_scan_char (scan, ']');
}

/* Gives back the whole pages of @text before @upto, release_step at a time:
 * nothing before the row being read is needed again (the rest of the text
 * went to json-glib as a copy), unless the text is read whole after all. */
static void
release_read_text (LoadText *text,
                   gsize     upto)
{
  gsize page, end;

  if (!text->release || upto < text->released + g_atomic_pointer_get (&release_step))
    return;

  page = (gsize) sysconf (_SC_PAGESIZE);
  end = upto / page * page;

  if (madvise ((char *) text->data + text->released, end - text->released, MADV_DONTNEED) == 0)
    {
      g_atomic_pointer_add (&n_released_bytes, end - text->released);
      text->released = end;
    }
  else
    {
      text->release = FALSE;
    }
}

/* Rows cut out of the text (RowsCut) are read from it as they stand; a row
 * in any other form, and only that row, goes through json-glib. */
static gboolean
read_cut_rows (LoadText      *text,
               const RowsCut *cut,
               gint64        t_zero,
               FsRecordLog  *records,
               GError      **error)
{
  FsJsonScan scan;
  guint index = 0;

  _fs_json_scan_init (&scan, text->data, cut->end, cut->start);
  if (!_fs_json_scan_char (&scan, '['))
    return rescan (error);
  if (_fs_json_scan_char (&scan, ']'))
    return TRUE;

  do
    {
      Item items[N_FIELDS];
      gsize start = scan.pos;

      release_read_text (text, start);
      if (g_atomic_int_get (&plain_rows) && scan_plain_row (&scan, items))
        {
          g_atomic_int_inc (&n_plain_rows);
          if (!add_record (items, index, t_zero, records, error))
            return FALSE;
        }
      else
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();

          scan.pos = start;
          if (!_fs_json_scan_value (&scan) ||
              !json_parser_load_from_data (parser, text->data + start, (gssize) (scan.pos - start),
                                           NULL))
            return rescan (error);
          if (!read_row (json_parser_get_root (parser), index, t_zero, records, error))
            return FALSE;
        }
      index++;
    }
  while (_fs_json_scan_char (&scan, ','));

  return _fs_json_scan_char (&scan, ']') ? TRUE : rescan (error);
}

static gboolean
read_records (JsonObject     *object,
              LoadText       *text,
              const RowsCut  *cut,
              FsRecordLog   **out,
              GError        **error)
{
  g_autoptr(FsRecordLog) records = NULL;
  JsonNode *node = json_object_get_member (object, "records");
  JsonObject *section;
  JsonArray *fields, *rows;
  gint64 t_zero;

  *out = NULL;
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!_fs_json_get_object (object, "records", &section, error) ||
      !_fs_json_get_int (section, "t_zero", -(G_GINT64_CONSTANT (1) << 60),
                         G_GINT64_CONSTANT (1) << 60, &t_zero, error) ||
      !_fs_json_get_array (section, "fields", &fields, error) ||
      !_fs_json_get_array (section, "rows", &rows, error))
    goto fail;

  /* Version 1 has these fields in this order, and no others. */
  for (guint f = 0; f < MAX (N_FIELDS, json_array_get_length (fields)); f++)
    {
      JsonNode *name = f < json_array_get_length (fields) ? json_array_get_element (fields, f)
                                                          : NULL;

      if (f >= N_FIELDS || name == NULL || !JSON_NODE_HOLDS_VALUE (name) ||
          json_node_get_value_type (name) != G_TYPE_STRING ||
          g_strcmp0 (json_node_get_string (name), record_fields[f]) != 0)
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       _("the fields are not those of version %d"), FS_SAVED_RUN_VERSION);
          goto fail;
        }
    }

  records = fs_record_log_new ();
  if (cut != NULL && cut->end > 0)
    {
      if (!read_cut_rows (text, cut, t_zero, records, error))
        goto fail;
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (rows); i++)
        if (!read_row (json_array_get_element (rows, i), i, t_zero, records, error))
          goto fail;
    }

  *out = g_steal_pointer (&records);

  return TRUE;

fail:
  g_prefix_error (error, "records: ");
  return FALSE;
}

static FsSavedRun *
read_run (JsonNode       *node,
          LoadText       *text,
          const RowsCut  *cut,
          GError        **error)
{
  g_autoptr(FsSavedRun) run = g_new0 (FsSavedRun, 1);
  JsonObject *object;
  JsonNode *swimlanes;
  const char *label, *urls, *started_at;

  if (!_fs_json_node_get_object (node, "a run", &object, error) ||
      !_fs_json_get_string (object, "label", FALSE, &label, error) ||
      !_fs_json_get_string (object, "urls", FALSE, &urls, error) ||
      !_fs_json_get_string (object, "started_at", TRUE, &started_at, error) ||
      !_fs_json_get_boolean (object, "complete", &run->complete, error) ||
      !read_settings (object, &run->config, error) ||
      !read_summary (object, &run->summary, error) ||
      !(run->aggregator = fs_aggregator_new_from_json (json_object_get_member (object,
                                                                               "aggregates"),
                                                       error)))
    return NULL;

  if (started_at != NULL && !(run->started_at = g_date_time_new_from_iso8601 (started_at, NULL)))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   "“started_at” is not a date: “%s”", started_at);
      return NULL;
    }

  swimlanes = json_object_get_member (object, "swimlanes");
  if (swimlanes == NULL)
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_DATA, "“swimlanes” is missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_NULL (swimlanes) &&
      !(run->swimlane = fs_swimlane_new_from_json (swimlanes, error)))
    return NULL;

  if (!read_records (object, text, cut, &run->records, error))
    return NULL;

  run->label = g_strdup (label);
  run->urls = g_strdup (urls);

  return g_steal_pointer (&run);
}

static GPtrArray *
read_root (JsonNode    *root,
           LoadText    *text,
           GArray      *cuts,
           GError     **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_saved_run_free);
  JsonObject *object;
  JsonArray *array;
  const char *format;
  gint64 version;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !(object = json_node_get_object (root)) ||
      !json_object_has_member (object, "format") ||
      !_fs_json_get_string (object, "format", FALSE, &format, NULL) ||
      !g_str_equal (format, FS_SAVED_RUN_FORMAT))
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                           _("it is JSON, but not a Fetchscope saved run"));
      return NULL;
    }

  if (!_fs_json_get_int (object, "version", 1, G_MAXINT64, &version, error))
    return NULL;
  if (version > FS_SAVED_RUN_VERSION)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   _("it was saved in format version %lld by a newer Fetchscope; this one "
                     "reads version %d"),
                   (long long) version, FS_SAVED_RUN_VERSION);
      return NULL;
    }

  if (!_fs_json_get_array (object, "runs", &array, error))
    return NULL;
  if (json_array_get_length (array) == 0)
    {
      g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_DATA, _("it holds no run"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FsSavedRun *run;

      const RowsCut *cut = cuts != NULL && i < cuts->len ? &g_array_index (cuts, RowsCut, i)
                                                         : NULL;

      if (!(run = read_run (json_array_get_element (array, i), text, cut, error)))
        {
          g_prefix_error (error, _("run %u: "), i + 1);
          return NULL;
        }
      g_ptr_array_add (runs, run);
    }

  return g_steal_pointer (&runs);
}

static void
unmap_unpacked (gpointer data)
{
  munmap (data, MAX_FILE_BYTES);
}

/* Unpacked into a mapping of its own, reserved at the largest size taken
 * (its pages come as they are written), so that release_read_text() may
 * give them back; where the system will not reserve that much, into the
 * heap, *mapped then FALSE. */
static GBytes *
gunzip (GBytes    *bytes,
        gboolean  *mapped,
        GError   **error)
{
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GZlibDecompressor) gzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (gzip));
  g_autoptr(GByteArray) heap = NULL;
  char *out = mmap (NULL, MAX_FILE_BYTES, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  gsize length = 0;

  *mapped = out != MAP_FAILED;
  if (!*mapped)
    heap = g_byte_array_new ();

  for (;;)
    {
      guint8 probe[64 * 1024];
      guint8 *to = *mapped && length < MAX_FILE_BYTES ? (guint8 *) out + length : probe;
      gsize room = to == probe ? sizeof probe : MIN (sizeof probe, MAX_FILE_BYTES - length);
      gssize n = g_input_stream_read (in, to, room, NULL, error);

      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      if (length + (guint64) n > MAX_FILE_BYTES)
        {
          g_set_error_literal (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                               _("it unpacks to more than 1 GiB"));
          goto fail;
        }
      if (heap != NULL)
        g_byte_array_append (heap, probe, (guint) n);
      length += (gsize) n;
    }

  if (heap != NULL)
    return g_byte_array_free_to_bytes (g_steal_pointer (&heap));

  return g_bytes_new_with_free_func (out, length, unmap_unpacked, out);

fail:
  if (*mapped)
    munmap (out, MAX_FILE_BYTES);
  return NULL;
}

/* With @cuts, the rows they name are left out of the tree and read from
 * the text a row at a time; a rescan_quark() error then asks for a try
 * without. */
static GPtrArray *
parse_runs (LoadText    *text,
            GArray      *cuts,
            const char  *name,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *rest = NULL;
  GPtrArray *runs;
  gboolean parsed;

  if (cuts != NULL)
    {
      gsize rest_length;

      rest = cut_rows (text->data, text->length, cuts, &rest_length);
      parsed = json_parser_load_from_data (parser, rest, (gssize) rest_length, &local_error);
      g_clear_pointer (&rest, g_free);
      if (!parsed)
        {
          rescan (error);
          return NULL;
        }
    }
  else
    {
      g_atomic_int_inc (&n_whole_parses);
      if (!json_parser_load_from_data (parser, text->data, (gssize) text->length, &local_error))
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       _("“%s” is not a saved run, or it is cut short: %s"), name,
                       local_error->message);
          return NULL;
        }
    }

  if (!(runs = read_root (json_parser_get_root (parser), text, cuts, error)))
    {
      g_prefix_error (error, _("“%s” cannot be opened: "), name);
      return NULL;
    }

  return runs;
}

/* @file_mapping: @bytes is a private mapping of the file, whose pages the
 * reading may give back (they come back from the file). */
static GPtrArray *
load_bytes (GBytes      *bytes,
            gboolean     file_mapping,
            const char  *name,
            GError     **error)
{
  g_autoptr(GBytes) unpacked = NULL;
  g_autoptr(GArray) cuts = NULL;
  g_autoptr(GError) local_error = NULL;
  LoadText text = { NULL, 0, file_mapping, FALSE, 0 };
  GPtrArray *runs;
  const guint8 *data;
  gsize size;

  data = g_bytes_get_data (bytes, &size);
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      if (!(unpacked = gunzip (bytes, &text.release, &local_error)))
        {
          g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                       _("“%s” is not a saved run: its gzip data is damaged (%s)"),
                       name, local_error->message);
          return NULL;
        }
      text.unpacked = TRUE;
      /* The file's pages are not needed again unless it is unpacked again,
       * when they come back from it. */
      if (file_mapping)
        madvise ((void *) data, size, MADV_DONTNEED);
      data = g_bytes_get_data (unpacked, &size);
    }

  if (size == 0)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA, _("“%s” is empty"), name);
      return NULL;
    }

  if (size > G_MAXSSIZE || !g_utf8_validate ((const char *) data, (gssize) size, NULL))
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   _("“%s” is not a saved run: it is not text"), name);
      return NULL;
    }

  text.data = (const char *) data;
  text.length = size;
  cuts = find_rows (text.data, text.length);
  runs = parse_runs (&text, cuts, name, &local_error);
  if (runs == NULL && g_error_matches (local_error, rescan_quark (), 0))
    {
      g_clear_error (&local_error);
      /* Unpacked pages given back are gone: unpack again (as before). */
      if (text.unpacked && text.released > 0)
        {
          gboolean mapped;

          g_clear_pointer (&unpacked, g_bytes_unref);
          if (!(unpacked = gunzip (bytes, &mapped, error)))
            return NULL;
          text.data = g_bytes_get_data (unpacked, NULL);
        }
      text.release = FALSE;
      runs = parse_runs (&text, NULL, name, &local_error);
    }
  if (runs == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return runs;
}

/**
 * fs_saved_runs_load_bytes:
 * @name: what to call the file in messages
 *
 * Returns: (transfer full) (element-type FsSavedRun): the runs, in the order
 *   they were saved, or %NULL with @error set
 */
GPtrArray *
fs_saved_runs_load_bytes (GBytes      *bytes,
                          const char  *name,
                          GError     **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_bytes (bytes, FALSE, name, error);
}

/**
 * fs_saved_runs_load:
 *
 * Returns: (transfer full) (element-type FsSavedRun): the runs, in the order
 *   they were saved, or %NULL with @error set
 */
GPtrArray *
fs_saved_runs_load (const char  *path,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf buf;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_stat (path, &buf) == 0 && (gint64) buf.st_size > MAX_FILE_BYTES)
    {
      g_set_error (error, FS_ERROR, FS_ERROR_INVALID_DATA,
                   _("“%s” is not a saved run: it is larger than 1 GiB"), path);
      return NULL;
    }

  if (!(mapped = g_mapped_file_new (path, FALSE, &local_error)))
    {
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code),
                           local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);

  return load_bytes (bytes, TRUE, path, error);
}

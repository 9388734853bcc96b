/*
 * The `secret` detector: every regular file of every layer, and the image config, through the
 * secret engine (secrets.c). A file is binary when its first block holds a NUL byte; binaries
 * are scanned for the rules that carry a literal prefix and a validating check only. Identical
 * content in several layers is scanned once: later copies reuse the findings of the first.
 */
#include "lib/secrets/content_cache.h"
#include "lib/detect.h"
#include "lib/error.h"
#include "lib/config.h"
#include "lib/policy.h"
#include "lib/secrets/secrets.h"
#include "util/buf.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct lsc_detector_ops lsc_detect_secrets;

#define BINARY_SNIFF 8192
/*
 * Files of REUSE_MIN to REUSE_MAX bytes arrive whole at entry_end, are keyed by content and
 * scanned once per scan (content_cache.h); bigger ones stream through the engine, smaller ones
 * cost less to scan than to look up.
 */
#define REUSE_MIN 64
#define REUSE_MAX LSC_MAX_PREFIX
#define CACHE_RECORDS (1u << 16) /* about 5 MiB of slots when full */
#define CACHE_BYTES (8u << 20)
#define RECORD_MAX (64u << 10) /* a file with more findings than this is not cached */

struct state {
	struct lsc_secrets_scanner *sc;
	struct lsc_content_cache *cache; /* the scan's, shared by every layer; may be NULL */
	struct lsc_content_hasher *hasher;
	struct lsc_buf record; /* the current file's hits, encoded for the cache */
	bool record_full;
	struct lsc_layer *layer;
	const struct lsc_tar_entry *entry; /* valid from entry_begin to entry_end */
	bool started, binary, whole;
};

/*
 * A cached record: the binary flag (1 byte), then per hit the rule (a pointer into the
 * engine's rules: static, or a policy's custom rule, which outlives the scan's cache), the
 * severity (1 byte), the line (8 bytes), the secret's length (4 bytes) and bytes.
 */
static void record_add(struct state *st, const struct lsc_secret_hit *h)
{
	uint8_t sev = (uint8_t)h->severity;
	uint32_t len = (uint32_t)h->len;

	if (st->record_full || h->len > UINT32_MAX ||
	    lsc_buf_append(&st->record, &h->rule, sizeof(h->rule)) < 0 ||
	    lsc_buf_append(&st->record, &sev, 1) < 0 ||
	    lsc_buf_append(&st->record, &h->line, sizeof(h->line)) < 0 ||
	    lsc_buf_append(&st->record, &len, sizeof(len)) < 0 ||
	    lsc_buf_append(&st->record, h->secret, h->len) < 0) {
		st->record_full = true;
	}
	/* an incomplete scan: then the rule it names and the count */
	if (!st->record_full && h->rule == &lsc_secrets_incomplete &&
	    (lsc_buf_append(&st->record, &h->of, sizeof(h->of)) < 0 ||
	     lsc_buf_append(&st->record, &h->unconfirmed, sizeof(h->unconfirmed)) < 0)) {
		st->record_full = true;
	}
}

/* A secret-scan-incomplete hit: a finding at the file naming the rule and the count. */
static int emit_incomplete(struct state *st, const struct lsc_secret_hit *h)
{
	return lsc_emit_finding(st->layer, st->entry, h->rule->rule, h->severity, 0, NULL,
				"%s: %llu hits of rule %s not confirmed or not reported (over the "
				"confirmation budget for the file's size, or over 1000 findings in "
				"the file)%s",
				h->rule->rule->title, (unsigned long long)h->unconfirmed,
				h->of->rule->id, st->binary ? " (in a binary file)" : "");
}

static int emit_file(const struct lsc_secret_hit *h, void *payload)
{
	struct state *st = payload;
	char *secret = strndup(h->secret, h->len);
	int rc;

	if (!secret) {
		return -ENOMEM;
	}
	if (st->whole) {
		record_add(st, h);
	}
	if (h->rule == &lsc_secrets_incomplete) {
		free(secret);
		return emit_incomplete(st, h);
	}
	rc = lsc_emit_finding(st->layer, st->entry, h->rule->rule, h->severity, (long)h->line,
			      secret, "%s%s", h->rule->rule->title,
			      st->binary ? " (in a binary file)" : "");
	free(secret);
	return rc;
}

/* The findings of a record, as emit_file() reported them when the content was scanned. */
static int replay(struct state *st, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	int rc = 0;

	st->binary = n > 0 && p[0];
	for (p += n > 0; rc == 0 && p < end;) {
		struct lsc_secret_hit h = {0};
		uint8_t sev;
		uint32_t len;

		memcpy(&h.rule, p, sizeof(h.rule));
		p += sizeof(h.rule);
		sev = *p++;
		memcpy(&h.line, p, sizeof(h.line));
		p += sizeof(h.line);
		memcpy(&len, p, sizeof(len));
		p += sizeof(len);
		h.severity = (enum lsc_severity)sev;
		h.secret = (const char *)p;
		h.len = len;
		p += len;
		if (h.rule == &lsc_secrets_incomplete) {
			memcpy(&h.of, p, sizeof(h.of));
			p += sizeof(h.of);
			memcpy(&h.unconfirmed, p, sizeof(h.unconfirmed));
			p += sizeof(h.unconfirmed);
		}
		rc = emit_file(&h, st);
	}
	return rc;
}

/* What every layer of a scan shares. */
struct shared {
	struct lsc_content_cache *cache;
	struct lsc_secrets *own; /* built-ins + the policy's custom rules, or NULL: the built-ins */
};

/* The scan's engine: its own with a policy's custom rules, else the process-wide one. */
static int engine(const struct lsc_secrets **out, const struct shared *sh)
{
	if (sh && sh->own) {
		*out = sh->own;
		return 0;
	}
	return lsc_secrets_builtin(out);
}

static void sec_scan_free(void *shared)
{
	struct shared *sh = shared;

	if (sh) {
		lsc_content_cache_free(sh->cache);
		lsc_secrets_free(sh->own);
		free(sh);
	}
}

static int sec_scan_new(void **out, const struct lsc_stage *s)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	int rc;

	*out = NULL;
	if (!sh) {
		return -ENOMEM;
	}
	rc = lsc_content_cache_new(&sh->cache, CACHE_RECORDS, CACHE_BYTES);
	if (rc == 0 && s->policy && s->policy->ncustom) {
		/* the policy outlives the engine: both belong to the scan, the policy freed last */
		rc = lsc_secrets_new(&sh->own, s->policy->custom_rules, s->policy->ncustom);
	}
	if (rc < 0) {
		sec_scan_free(sh);
		return rc;
	}
	*out = sh;
	return 0;
}

static void sec_scan_stats(void *shared, struct lsc_report *r)
{
	struct shared *sh = shared;
	struct lsc_content_cache_stats st;

	lsc_content_cache_stats(sh->cache, &st);
	r->reused_files += st.hits;
	r->reused_bytes += st.hit_bytes;
}

static int sec_layer_new(void **out, void *shared)
{
	struct state *st = calloc(1, sizeof(*st));
	const struct lsc_secrets *e;
	int rc;

	*out = NULL;
	if (!st) {
		return -ENOMEM;
	}
	lsc_buf_init(&st->record, RECORD_MAX);
	rc = engine(&e, shared);
	if (rc == 0) {
		rc = lsc_secrets_scanner_new(&st->sc, e);
	}
	if (rc == 0 && shared) {
		st->cache = ((struct shared *)shared)->cache;
		rc = lsc_content_hasher_new(&st->hasher, st->cache);
	}
	if (rc < 0) {
		lsc_secrets_scanner_free(st->sc);
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

static void sec_layer_free(void *state)
{
	struct state *st = state;

	lsc_secrets_scanner_free(st->sc);
	lsc_content_hasher_free(st->hasher);
	lsc_buf_dispose(&st->record);
	free(st);
}

struct name_ctx {
	struct state *st;
	const char *where; /* "the file name", "the link target" */
};

static int emit_name(const struct lsc_secret_hit *h, void *payload)
{
	struct name_ctx *c = payload;
	char *secret = strndup(h->secret, h->len);
	int rc;

	if (!secret) {
		return -ENOMEM;
	}
	rc = lsc_emit_finding(c->st->layer, c->st->entry, h->rule->rule, h->severity, 0, secret,
			      "%s in %s", h->rule->rule->title, c->where);
	free(secret);
	return rc;
}

/*
 * A name is image text like any other: a file named after a token ships the token, and every
 * output must know it to redact it wherever the path is printed. Only the last component is
 * scanned (a directory's own entry covers its name; scanning whole paths would scan each
 * directory once per file below it), and only its first NAME_SCAN bytes: no token is longer,
 * and the engine's cost per keyword stays bounded by the layer's bytes as for file contents.
 */
#define NAME_SCAN 512

static int scan_names(struct state *st, const struct lsc_tar_entry *e)
{
	struct name_ctx c = {.st = st, .where = "the file name"};
	const char *base = lsc_path_base(e->path);
	int rc = lsc_secrets_scan(st->sc, (const uint8_t *)base, strnlen(base, NAME_SCAN), false,
				  emit_name, &c);

	if (rc == 0 && e->type == LSC_TAR_SYMLINK && e->link) {
		c.where = "the link target";
		rc = lsc_secrets_scan(st->sc, (const uint8_t *)e->link, strnlen(e->link, NAME_SCAN),
				      false, emit_name, &c);
	}
	return rc;
}

static int sec_entry_begin(struct lsc_want *want, void *state, struct lsc_layer *layer,
			   const struct lsc_tar_entry *e)
{
	struct state *st = state;
	int rc;

	st->started = false;
	st->whole = false;
	st->layer = layer;
	st->entry = e;
	rc = scan_names(st, e);
	if (rc < 0 || e->type != LSC_TAR_REG || e->size <= 0) {
		return rc;
	}
	if (st->cache && e->size >= REUSE_MIN && e->size <= REUSE_MAX) {
		want->prefix = (size_t)e->size;
	} else {
		want->stream = true;
	}
	return 0;
}

static int sec_entry_data(void *state, struct lsc_layer *layer, const uint8_t *p, size_t n)
{
	struct state *st = state;

	if (!st->started) {
		st->binary = memchr(p, 0, n < BINARY_SNIFF ? n : BINARY_SNIFF) != NULL;
		st->started = true;
		lsc_secrets_begin(st->sc, st->binary);
	}
	return lsc_secrets_feed(st->sc, p, n, emit_file, st);
}

/* A whole file of REUSE_MIN..REUSE_MAX bytes: the findings of the same content, or a scan. */
static int scan_whole(struct state *st, const uint8_t *p, size_t n)
{
	struct lsc_content_key k;
	const void *rec;
	size_t reclen;
	uint8_t flag;
	int rc = lsc_content_key_of(st->hasher, &k, p, n);

	if (rc < 0) {
		return rc;
	}
	if (lsc_content_cache_get(st->cache, &k, &rec, &reclen)) {
		return replay(st, rec, reclen);
	}
	st->binary = memchr(p, 0, n < BINARY_SNIFF ? n : BINARY_SNIFF) != NULL;
	flag = st->binary;
	lsc_buf_reset(&st->record);
	st->record_full = lsc_buf_append(&st->record, &flag, 1) < 0;
	st->whole = true;
	rc = lsc_secrets_scan(st->sc, p, n, st->binary, emit_file, st);
	st->whole = false;
	if (rc == 0 && !st->record_full) {
		rc = lsc_content_cache_put(st->cache, &k, st->record.data, st->record.len);
	}
	return rc;
}

static int sec_entry_end(void *state, struct lsc_layer *layer, const struct lsc_tar_entry *e,
			 const uint8_t *prefix, size_t n, bool whole)
{
	struct state *st = state;
	int rc = 0;

	(void)layer;
	if (st->started) {
		rc = lsc_secrets_end(st->sc, emit_file, st);
		st->started = false;
	} else if (n > 0 && whole) {
		rc = scan_whole(st, prefix, n);
	} else if (n > 0) {
		/* the content ended short of the header's size: a tar error follows */
		rc = lsc_secrets_scan(st->sc, prefix, n, false, emit_file, st);
	}
	(void)e;
	return rc;
}

/* --- the image config ---------------------------------------------------------------------- */

struct config_ctx {
	struct lsc_stage *st;
	enum lsc_location where;
	const char *what; /* "Env DB_URL", "history[3]", "label x" */
};

static int emit_config(const struct lsc_secret_hit *h, void *payload)
{
	struct config_ctx *c = payload;
	char *secret = strndup(h->secret, h->len);
	int rc;

	if (!secret) {
		return -ENOMEM;
	}
	rc = lsc_stage_emit(c->st, h->rule->rule, h->severity, c->where, NULL, secret, "%s in %s",
			    h->rule->rule->title, c->what);
	free(secret);
	return rc;
}

static int scan_value(struct lsc_secrets_scanner *sc, struct config_ctx *c, const char *text)
{
	return lsc_secrets_scan(sc, (const uint8_t *)text, strlen(text), false, emit_config, c);
}

static int scan_object(struct lsc_secrets_scanner *sc, struct config_ctx *c, json_t *obj,
		       const char *label)
{
	const char *key;
	json_t *v;
	char what[256];

	json_object_foreach(obj, key, v)
	{
		const char *val = json_string_value(v);
		char *kv;
		int rc;

		if (!val) {
			continue;
		}
		/* key=value, so that rules keyed on the name (password=...) see it */
		if (asprintf(&kv, "%s=%s", key, val) < 0) {
			return -ENOMEM;
		}
		snprintf(what, sizeof(what), "%s %.200s", label, key);
		c->what = what;
		rc = scan_value(sc, c, kv);
		free(kv);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int sec_image(struct lsc_stage *st, void *shared)
{
	const struct lsc_config *cfg = st->config;
	struct lsc_secrets_scanner *sc = NULL;
	const struct lsc_secrets *e;
	struct config_ctx c = {.st = st};
	char what[256];
	json_t *env, *labels;
	const struct shared *sh = shared;
	int rc;

	rc = engine(&e, sh);
	if (rc == 0) {
		rc = lsc_secrets_scanner_new(&sc, e);
	}
	if (rc < 0) {
		return rc;
	}
	env = cfg->container ? json_object_get(cfg->container, "Env") : NULL;
	c.where = LSC_LOC_CONFIG_ENV;
	for (size_t i = 0; rc == 0 && json_is_array(env) && i < json_array_size(env); i++) {
		const char *v = json_string_value(json_array_get(env, i));

		if (!v) {
			continue;
		}
		snprintf(what, sizeof(what), "Env %.*s",
			 (int)(strcspn(v, "=") < 200 ? strcspn(v, "=") : 200), v);
		c.what = what;
		rc = scan_value(sc, &c, v);
	}
	c.where = LSC_LOC_CONFIG_HISTORY;
	for (size_t i = 0; rc == 0 && i < cfg->nhistory; i++) {
		if (!cfg->history[i].created_by) {
			continue;
		}
		snprintf(what, sizeof(what), "history[%zu]", i);
		c.what = what;
		rc = scan_value(sc, &c, cfg->history[i].created_by);
	}
	/* the image's own name (a RepoTags entry, ref.name) is image text that every output shows
	 */
	c.where = LSC_LOC_IMAGE;
	if (rc == 0 && st->report->reference) {
		c.what = "the image name";
		rc = scan_value(sc, &c, st->report->reference);
	}
	c.where = LSC_LOC_CONFIG_USER;
	if (rc == 0 && cfg->user && cfg->user[0]) {
		c.what = "User";
		rc = scan_value(sc, &c, cfg->user);
	}
	labels = cfg->container ? json_object_get(cfg->container, "Labels") : NULL;
	c.where = LSC_LOC_CONFIG_LABELS;
	if (rc == 0 && json_is_object(labels)) {
		rc = scan_object(sc, &c, labels, "label");
	}
	c.where = LSC_LOC_ANNOTATIONS;
	if (rc == 0 && st->annotations) {
		rc = scan_object(sc, &c, st->annotations, "annotation");
	}
	lsc_secrets_scanner_free(sc);
	return rc;
}

const struct lsc_detector_ops lsc_detect_secrets = {
    .name = "secret",
    .rules = lsc_secret_rule_info,
    .nrules_ref = &lsc_secret_ninfo,
    .scan_new = sec_scan_new,
    .scan_free = sec_scan_free,
    .scan_stats = sec_scan_stats,
    .layer_new = sec_layer_new,
    .layer_free = sec_layer_free,
    .entry_begin = sec_entry_begin,
    .entry_data = sec_entry_data,
    .entry_end = sec_entry_end,
    .image = sec_image,
};

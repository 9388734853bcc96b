/*
 * The `secret` detector: every regular file of every layer, and the image config, through the
 * secret engine (secrets.c). A file is binary when its first block holds a NUL byte; binaries
 * are scanned for the rules that carry a literal prefix and a validating check only. Identical
 * content in several layers is scanned once: later copies reuse the findings of the first.
 *
 * Where a value sits changes what it means (issue 14):
 *   - in an env file, a compose file or a Kubernetes manifest, or in the image config's Env, a
 *     value is deployed: a high-entropy one under a password/secret/token/key name (a generic
 *     rule's hit) is at least medium;
 *   - in an example file (*.example.*, *.examples.json), in the examples, test or docs
 *     directories or the documents (README.md, *.rst, ...) of a third-party package
 *     (node_modules, site-packages, dist-packages, vendor, gems), or in a documentation comment
 *     of a package's code (or of any .d.ts), a provider's value is a
 *     sample: it is reported only when it carries a checksum that holds, and then with the note
 *     "looks like an example", at the severity of its rule;
 *   - in a package's code, source maps or JSON data, a generic rule's hit is no finding (the
 *     package's defaults, test values and minified code); provider rules still apply;
 *   - a private key in a package's tests is info, with a note saying so.
 */
#include "lib/secrets/content_cache.h"
#include "package_place.h"
#include "lib/detect.h"
#include "util/error.h"
#include "lib/config.h"
#include "lib/policy.h"
#include "lib/secrets/secrets.h"
#include "lib/secrets/encoded.h"
#include "lib/emit.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/str.h"

#include <errno.h>
#include <fnmatch.h>
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

/* What a file's place says about the values in it (see the top of this file). */
struct place {
	bool deploy;   /* env or compose file by name, or a manifest by content */
	bool yaml;     /* *.yaml / *.yml: a manifest when its first block says so */
	bool examples; /* an example file, or a package's examples or tests */
	bool comments; /* code whose comments may hold documentation samples */
	bool hash;     /* '#' starts a comment (Python, Ruby, shell) */
	bool python;   /* docstrings are comments too */
	bool pkg_code; /* a third-party package's code, source map or JSON data */
	bool fixtures; /* a third-party package's tests and their fixtures */
	bool package;  /* a file of a third-party package */
};

/* The docstring state of a Python file, kept across its hits (they come mostly in order). */
struct docstrings {
	size_t pos;	   /* scanned up to here */
	char quote;	   /* inside a triple-quoted string of this quote, or 0 */
	unsigned restarts; /* scans restarted from the top: bounded, then no docstring is known */
};

struct state {
	struct lsc_secrets_scanner *sc;
	struct lsc_content_cache *cache; /* the scan's, shared by every layer; may be NULL */
	struct lsc_content_hasher *hasher;
	struct lsc_buf record; /* the current file's hits, encoded for the cache */
	bool record_full;
	struct lsc_layer *layer;
	const struct lsc_tar_entry *entry; /* valid from entry_begin to entry_end */
	bool started, binary, whole;
	struct place place;
	const uint8_t *content; /* the whole file while scan_whole() runs, else NULL */
	size_t ncontent;
	struct docstrings doc;
};

/* ---- where a value sits ---- */

#define NOTE_EXAMPLE "looks like an example"
#define NOTE_FIXTURE LSC_NOTE_PACKAGE_FIXTURE
#define DEPLOY_MIN_LEN 16
#define DEPLOY_MIN_ENTROPY 3.5
#define SNIFF_MANIFEST 4096 /* bytes of a YAML file searched for apiVersion: and kind: */
#define DOC_RESTARTS 8
#define LINE_BACK 8192 /* bytes of a whole file searched back for a hit's line start */

static bool name_any(const char *base, const char *const *globs)
{
	for (size_t i = 0; globs[i]; i++) {
		if (fnmatch(globs[i], base, 0) == 0) {
			return true;
		}
	}
	return false;
}

/* The names env-file reports (detect_sensitive_files.c): dotenv files and compose's env_file. */
static bool env_name(const char *base)
{
	static const char *const env[] = {".env", ".env.*", "*.env", "*.env.*", NULL};
	static const char *const not_env[] = {
	    "*.example",     "*.sample",    "*.template", "*.dist",	  "*.defaults",
	    "*.schema",	     "?*.env.js",   "?*.env.mjs", "?*.env.cjs",	  "?*.env.ts",
	    "?*.env.*.ts",   "?*.env.json", "?*.env.py",  "?*.env.rb",	  "?*.env.go",
	    "?*.env.txt",    "?*.env.md",   "?*.env.bak", "*example.env", "*sample.env",
	    "*template.env", NULL};

	return name_any(base, env) && !name_any(base, not_env);
}

/* The extension of base ("js" of "a.min.js"), "" when none. */
static const char *extension(const char *base)
{
	const char *dot = strrchr(base, '.');

	return dot && dot != base ? dot + 1 : "";
}

static bool word_in(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++) {
		if (strcmp(w, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * Every regular file of every layer comes past here: a cheap test on the name (a substring, the
 * extension) comes before any fnmatch, so most names cost a few string scans.
 */
static void place_of(struct place *out, const char *path)
{
	static const char *const compose[] = {
	    "docker-compose*.yml", "docker-compose*.yaml", "compose.yml", "compose.yaml",
	    "compose.*.yml",	   "compose.*.yaml",	   NULL};
	static const char *const examples[] = {"*.example.*", "*.examples.json", "*.example", NULL};
	static const char *const code[] = {"js",  "mjs", "cjs",	 "jsx", "ts",  "mts",
					   "cts", "tsx", "java", "go",	"php", "c",
					   "h",	  "cc",	 "cpp",	 "hpp", NULL};
	static const char *const hash[] = {"py", "pyi", "rb", NULL};
	static const char *const docs[] = {"md", "markdown", "mdx", "rst", "adoc", "txt", NULL};
	const char *base = lsc_path_base(path), *ext = extension(base);
	size_t n = strlen(base);

	memset(out, 0, sizeof(*out));
	out->deploy = (strstr(base, ".env") && env_name(base)) ||
		      (strstr(base, "compose") && name_any(base, compose));
	out->yaml = !out->deploy && (strcmp(ext, "yaml") == 0 || strcmp(ext, "yml") == 0);
	out->fixtures = lsc_place_package_tests(path);
	out->package = lsc_place_in_package(path);
	out->examples = (strstr(base, ".example") && name_any(base, examples)) || out->fixtures ||
			lsc_place_package_samples(path) ||
			(word_in(ext, docs) && lsc_place_in_package(path));
	out->hash = word_in(ext, hash);
	out->python = out->hash && ext[0] == 'p';
	out->pkg_code = (out->hash || word_in(ext, code) || strcmp(ext, "map") == 0 ||
			 strcmp(ext, "json") == 0) &&
			lsc_place_in_package(path);
	out->comments = (out->pkg_code && strcmp(ext, "map") != 0 && strcmp(ext, "json") != 0) ||
			(n > 5 && strcmp(base + n - 5, ".d.ts") == 0);
}

/* A Kubernetes manifest: a line starting "apiVersion:" and one starting "kind:", early on. */
static bool manifest_like(const uint8_t *p, size_t n)
{
	bool api = false, kind = false;

	if (n > SNIFF_MANIFEST) {
		n = SNIFF_MANIFEST;
	}
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || p[i - 1] == '\n') {
			api = api || (n - i >= 11 && memcmp(p + i, "apiVersion:", 11) == 0);
			kind = kind || (n - i >= 5 && memcmp(p + i, "kind:", 5) == 0);
		}
	}
	return api && kind;
}

/* A generic rule's hit: a value found by the name it is assigned to. */
static bool generic_rule(const struct lsc_secret_rule *r)
{
	return strncmp(r->rule->id, "generic-", 8) == 0;
}

/*
 * A random-looking value: at least 16 characters at 3.5 bits each or more. 16 random characters
 * of base64's or base62's alphabet reach 3.5 bits in nearly every draw (their mean is about
 * 3.7, the most 4); words, dates, versions and repeated patterns stay far below.
 */
static bool random_value(const char *p, size_t n)
{
	lsc_ascii_trim_quotes(&p, &n);
	return n >= DEPLOY_MIN_LEN && lsc_secret_entropy(p, n) >= DEPLOY_MIN_ENTROPY;
}

static enum lsc_severity deployed_severity(const struct lsc_secret_hit *h, bool deploy)
{
	if (deploy && generic_rule(h->rule) && h->severity < LSC_SEV_MEDIUM &&
	    random_value(h->secret, h->len)) {
		return LSC_SEV_MEDIUM;
	}
	return h->severity;
}

/*
 * A check that proves the value is a provider's, not one shaped like it: an embedded checksum
 * or a signed structure that a sample does not carry by chance. Shape checks (a JWT's JSON, a
 * key id's alphabet) and the generic checks do not count.
 */
static bool validates(const struct lsc_secret_hit *h)
{
	switch (h->rule->check) {
	case LSC_CHECK_GITHUB:
	case LSC_CHECK_NPM:
	case LSC_CHECK_PYPI:
	case LSC_CHECK_PEM:
		return lsc_secret_check_run(h->rule->check, h->secret, h->len) == 1;
	default:
		return false;
	}
}

/*
 * The bytes of the hit's line before its secret: from the whole file when the detector has it,
 * else from what the engine lets the hit read. false when the line's start is out of reach.
 */
static bool line_before(const uint8_t **out, size_t *n, const struct state *st,
			const struct lsc_secret_hit *h)
{
	const uint8_t *end, *lo, *p;
	bool top; /* lo is the file's first byte */

	if (st->content && h->offset <= st->ncontent) {
		end = st->content + h->offset;
		lo = h->offset > LINE_BACK ? end - LINE_BACK : st->content;
		top = lo == st->content;
	} else if (h->before > 0) {
		end = (const uint8_t *)h->secret;
		lo = end - h->before;
		top = h->before == h->offset;
	} else {
		return false;
	}
	for (p = end; p > lo && p[-1] != '\n'; p--) {
	}
	if (p == lo && !top) {
		return false; /* no newline within reach, and not the file's first line */
	}
	*out = p;
	*n = (size_t)(end - p);
	return true;
}

/* A comment line: its text before the value starts with a comment marker. */
static bool comment_line(const struct state *st, const struct lsc_secret_hit *h)
{
	const uint8_t *p;
	size_t n, i = 0;

	if (!line_before(&p, &n, st, h)) {
		return false;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t')) {
		i++;
	}
	if (i < n && st->place.hash) {
		return p[i] == '#';
	}
	return i < n &&
	       (p[i] == '*' || (i + 1 < n && p[i] == '/' && (p[i + 1] == '/' || p[i + 1] == '*')));
}

/*
 * Inside a triple-quoted string of a Python file (a docstring, or a string that reads like
 * one): the quotes are counted from the top, without the single-quoted strings and comments a
 * tokenizer would skip. Only for whole files; a scan that has to restart from the top more
 * than DOC_RESTARTS times gives up (the hits of a file come in order but for a window's worth).
 */
static bool in_docstring(struct state *st, const struct lsc_secret_hit *h)
{
	struct docstrings *d = &st->doc;
	const uint8_t *p = st->content;
	size_t end = (size_t)h->offset;

	if (!p || h->offset > st->ncontent) {
		return false;
	}
	if (end < d->pos) {
		if (++d->restarts > DOC_RESTARTS) {
			return false;
		}
		d->pos = 0;
		d->quote = 0;
	}
	for (size_t i = d->pos; i + 3 <= end;) {
		if ((p[i] == '"' || p[i] == '\'') && p[i + 1] == p[i] && p[i + 2] == p[i] &&
		    (d->quote == 0 || d->quote == (char)p[i])) {
			d->quote = d->quote ? 0 : (char)p[i];
			i += 3;
			d->pos = i;
			continue;
		}
		i++;
		d->pos = i;
	}
	return d->quote != 0;
}

static bool sample(struct state *st, const struct lsc_secret_hit *h)
{
	if (st->place.examples) {
		return true;
	}
	return st->place.comments &&
	       (comment_line(st, h) || (st->place.python && in_docstring(st, h)));
}

/*
 * A cached record: the binary flag (1 byte), then per hit the rule (a pointer into the
 * engine's rules: static, or a policy's custom rule, which outlives the scan's cache), the
 * severity (1 byte), the line and the offset (8 bytes each), the secret's length (4 bytes) and
 * bytes. What depends on the file's path (its place) is decided again at each replay.
 */
static void record_add(struct state *st, const struct lsc_secret_hit *h)
{
	uint8_t sev = (uint8_t)h->severity;
	uint32_t len = (uint32_t)h->len;

	if (st->record_full || h->len > UINT32_MAX ||
	    lsc_buf_append(&st->record, &h->rule, sizeof(h->rule)) < 0 ||
	    lsc_buf_append(&st->record, &sev, 1) < 0 ||
	    lsc_buf_append(&st->record, &h->line, sizeof(h->line)) < 0 ||
	    lsc_buf_append(&st->record, &h->offset, sizeof(h->offset)) < 0 ||
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
	if (st->place.pkg_code && generic_rule(h->rule)) {
		/*
		 * a value under a secret-like name in a package's code or data is the package's own
		 * (a default, a test value, minified code): not the image owner's secret. Provider
		 * rules, which know their token, still apply there
		 */
		free(secret);
		return 0;
	}
	if (sample(st, h)) {
		/*
		 * a documentation sample: only a value that proves itself is reported, as such; a
		 * key in a package's test fixtures is the tests' own (info, never hidden)
		 */
		bool pem = h->rule->check == LSC_CHECK_PEM;
		bool fixture_key = st->place.fixtures && pem;
		/* and one in a package's documents or doc strings is the package's sample: info */
		bool doc_key = !fixture_key && pem && st->place.package;
		const char *note = fixture_key ? NOTE_FIXTURE
				   : doc_key   ? LSC_NOTE_PACKAGE_DOC
					       : NOTE_EXAMPLE;

		rc = validates(h)
			 ? lsc_emit_noted(st->layer, st->entry, h->rule->rule,
					  fixture_key || doc_key ? LSC_SEV_INFO : h->severity,
					  (long)h->line, secret, note, "%s%s", h->rule->rule->title,
					  st->binary ? " (in a binary file)" : "")
			 : 0;
		free(secret);
		return rc;
	}
	rc = lsc_emit_finding(st->layer, st->entry, h->rule->rule,
			      deployed_severity(h, st->place.deploy), (long)h->line, secret, "%s%s",
			      h->rule->rule->title, st->binary ? " (in a binary file)" : "");
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
		memcpy(&h.offset, p, sizeof(h.offset));
		p += sizeof(h.offset);
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
	st->content = NULL;
	memset(&st->place, 0, sizeof(st->place));
	memset(&st->doc, 0, sizeof(st->doc));
	rc = scan_names(st, e); /* a name is no sample and no deployment */
	if (e->type == LSC_TAR_REG) {
		place_of(&st->place, e->path);
	}
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
		st->place.deploy = st->place.deploy || (st->place.yaml && manifest_like(p, n));
		st->started = true;
		lsc_secrets_begin(st->sc, st->binary);
	}
	return lsc_secrets_feed(st->sc, p, n, emit_file, st);
}

/* --- encoded values (encoded.h): decoded, scanned as KEY=VALUE at the key's line ------------ */

struct encoded_ctx {
	struct state *st;
	const struct lsc_encoded_value *v;
	uint64_t spans[LSC_ENCODED_MAX_VALUES][2]; /* the encoded values' [start, end) */
	unsigned nspans;
};

static int emit_decoded(const struct lsc_secret_hit *h, void *payload)
{
	struct encoded_ctx *c = payload;
	struct lsc_secret_hit d = *h;

	if (h->rule != &lsc_secrets_incomplete) {
		d.line = c->v->line;
		d.offset = c->v->offset;
		d.before = 0;
	}
	return emit_file(&d, c->st);
}

static int on_encoded(const struct lsc_encoded_value *v, void *payload)
{
	struct encoded_ctx *c = payload;

	if (c->nspans < LSC_ENCODED_MAX_VALUES) {
		c->spans[c->nspans][0] = v->offset;
		c->spans[c->nspans][1] = v->offset + v->enclen;
		c->nspans++;
	}
	c->v = v;
	return lsc_secrets_scan(c->st->sc, (const uint8_t *)v->text, v->len, false, emit_decoded,
				c);
}

/*
 * A hit of the file itself: a generic rule's on an encoded value was judged on its decoding, and
 * so was jwt-base64's, whose check decodes that same base64 (the decoding's jwt finding stands).
 */
static int emit_raw(const struct lsc_secret_hit *h, void *payload)
{
	struct encoded_ctx *c = payload;

	if (h->rule != &lsc_secrets_incomplete &&
	    (h->rule->confidence == LSC_CONF_LOW || h->rule->check == LSC_CHECK_JWT_BASE64)) {
		for (unsigned i = 0; i < c->nspans; i++) {
			if (h->offset < c->spans[i][1] && h->offset + h->len > c->spans[i][0]) {
				return 0;
			}
		}
	}
	return emit_file(h, c->st);
}

/*
 * A text file's encoded values, then the file. Binaries and the files of third-party packages
 * (node_modules, site-packages, ...: published code, most of an application image's text) are
 * scanned as they are: the decoding is for what the image's owner deployed.
 */
static int scan_encoded(struct state *st, const uint8_t *p, size_t n)
{
	struct encoded_ctx c = {.st = st};
	bool decode = !st->binary && !(st->entry && lsc_place_in_package(st->entry->path));
	int rc = decode ? lsc_encoded_foreach(p, n, on_encoded, &c) : 0;

	if (rc < 0) {
		return rc;
	}
	if (c.nspans == 0) {
		return lsc_secrets_scan(st->sc, p, n, st->binary, emit_file, st);
	}
	return lsc_secrets_scan(st->sc, p, n, st->binary, emit_raw, &c);
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
	st->place.deploy = st->place.deploy || (st->place.yaml && manifest_like(p, n));
	st->content = p;
	st->ncontent = n;
	if (lsc_content_cache_get(st->cache, &k, &rec, &reclen)) {
		rc = replay(st, rec, reclen);
		st->content = NULL;
		return rc;
	}
	st->binary = memchr(p, 0, n < BINARY_SNIFF ? n : BINARY_SNIFF) != NULL;
	flag = st->binary;
	lsc_buf_reset(&st->record);
	st->record_full = lsc_buf_append(&st->record, &flag, 1) < 0;
	st->whole = true;
	rc = scan_encoded(st, p, n);
	st->whole = false;
	st->content = NULL;
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
	/* an Env value is deployed with every container of the image */
	rc = lsc_stage_emit(c->st, h->rule->rule,
			    deployed_severity(h, c->where == LSC_LOC_CONFIG_ENV), c->where, NULL,
			    secret, "%s in %s", h->rule->rule->title, c->what);
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

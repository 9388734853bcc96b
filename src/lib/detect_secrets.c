/*
 * The `secret` detector: every regular file of every layer, and the image config, through the
 * secret engine (secrets.c). A file is binary when its first block holds a NUL byte; binaries
 * are scanned for the rules that carry a literal prefix and a validating check only.
 */
#include "detect.h"
#include "error.h"
#include "image.h"
#include "scan.h"
#include "secrets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINARY_SNIFF 8192

struct state {
	struct lsc_secrets_scanner *sc;
	struct lsc_layer *layer;
	const struct lsc_tar_entry *entry; /* valid from entry_begin to entry_end */
	bool started, binary;
};

static int emit_file(const struct lsc_secret_hit *h, void *payload)
{
	struct state *st = payload;
	char *secret = strndup(h->secret, h->len);
	int rc;

	if (!secret) {
		return -ENOMEM;
	}
	rc = lsc_layer_emit(st->layer, st->entry, h->rule->rule, h->severity, (long)h->line, secret,
			    "%s%s", h->rule->rule->title, st->binary ? " (in a binary file)" : "");
	free(secret);
	return rc;
}

static int sec_layer_new(void **out)
{
	struct state *st = calloc(1, sizeof(*st));
	const struct lsc_secrets *e;
	int rc;

	*out = NULL;
	if (!st) {
		return -ENOMEM;
	}
	rc = lsc_secrets_builtin(&e);
	if (rc == 0) {
		rc = lsc_secrets_scanner_new(&st->sc, e);
	}
	if (rc < 0) {
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
	free(st);
}

static int sec_entry_begin(struct lsc_want *want, void *state, struct lsc_layer *layer,
			   const struct lsc_tar_entry *e)
{
	struct state *st = state;

	st->started = false;
	if (e->type != LSC_TAR_REG || e->size <= 0) {
		return 0;
	}
	st->layer = layer;
	st->entry = e;
	want->stream = true;
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

static int sec_entry_end(void *state, struct lsc_layer *layer, const struct lsc_tar_entry *e,
			 const uint8_t *prefix, size_t n, bool whole)
{
	struct state *st = state;
	int rc = 0;

	if (st->started) {
		rc = lsc_secrets_end(st->sc, emit_file, st);
		st->started = false;
	}
	return rc;
}

/* --- the image config ---------------------------------------------------------------------- */

struct config_ctx {
	struct lsc_scan *scan;
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
	rc = lsc_scan_emit(c->scan, h->rule->rule, h->severity, c->where, NULL, secret, "%s in %s",
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

	json_object_foreach(obj, key, v) {
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

static int sec_image(struct lsc_scan *scan)
{
	const struct lsc_config *cfg = lsc_scan_config(scan);
	struct lsc_secrets_scanner *sc = NULL;
	const struct lsc_secrets *e;
	struct config_ctx c = {.scan = scan};
	char what[256];
	json_t *env, *labels;
	int rc;

	rc = lsc_secrets_builtin(&e);
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
		snprintf(what, sizeof(what), "Env %.*s", (int)(strcspn(v, "=") < 200 ?
							       strcspn(v, "=") : 200), v);
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
	labels = cfg->container ? json_object_get(cfg->container, "Labels") : NULL;
	c.where = LSC_LOC_CONFIG_LABELS;
	if (rc == 0 && json_is_object(labels)) {
		rc = scan_object(sc, &c, labels, "label");
	}
	c.where = LSC_LOC_ANNOTATIONS;
	if (rc == 0 && scan->annotations) {
		rc = scan_object(sc, &c, scan->annotations, "annotation");
	}
	lsc_secrets_scanner_free(sc);
	return rc;
}

const struct lsc_detector_ops lsc_detect_secrets = {
	.name = "secret",
	.rules = lsc_secret_rule_info,
	.nrules_ref = &lsc_secret_nrules,
	.layer_new = sec_layer_new,
	.layer_free = sec_layer_free,
	.entry_begin = sec_entry_begin,
	.entry_data = sec_entry_data,
	.entry_end = sec_entry_end,
	.image = sec_image,
};

/*
 * Image configs: the OCI/Docker config document (platform, user, diff_ids, history), parsed from
 * a bounded buffer with every field checked; the whole document stays reachable for the
 * detectors that read more of it.
 */
#ifndef LSC_LIB_CONFIG_H
#define LSC_LIB_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define LSC_MAX_CONFIG (8u << 20) /* image configs */

struct lsc_history {
	char *created;
	char *created_by;
	bool empty_layer;
};

struct lsc_config {
	char *os, *arch, *variant;
	char *created;
	char *user; /* "" when unset */
	char **diff_ids;
	size_t ndiff_ids;
	struct lsc_history *history;
	size_t nhistory;
	json_t *json;	   /* the whole document, owned reference */
	json_t *container; /* its "config" object, borrowed from json, may be NULL */
};

/*
 * Parses an image config of n bytes (at most LSC_MAX_CONFIG, else -LSC_E_TOO_LARGE), name naming
 * it in errors. On success *out is the caller's to release with lsc_config_dispose(); on failure
 * nothing is left to release.
 */
int lsc_config_parse(struct lsc_config *out, const void *p, size_t n, const char *name);
void lsc_config_dispose(struct lsc_config *c);

/* The created_by of the history entry that made layer i (empty_layer entries skipped), or NULL. */
const char *lsc_config_layer_created_by(const struct lsc_config *c, size_t i);

#endif

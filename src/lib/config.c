#include "config.h"
#include "digest.h"
#include "util/error.h"
#include "json.h"
#include "manifest.h" /* LSC_MAX_LAYERS */
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HISTORY 10000u

void lsc_config_dispose(struct lsc_config *c)
{
	free(c->os);
	free(c->arch);
	free(c->variant);
	free(c->created);
	free(c->user);
	for (size_t i = 0; i < c->ndiff_ids; i++) {
		free(c->diff_ids[i]);
	}
	free(c->diff_ids);
	for (size_t i = 0; i < c->nhistory; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
	}
	free(c->history);
	if (c->json) {
		json_decref(c->json);
	}
	memset(c, 0, sizeof(*c));
}

int lsc_config_parse(struct lsc_config *out, const void *p, size_t n, const char *name)
{
	json_t *j = NULL, *rootfs, *ids, *hist;
	const char *s, *type;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > LSC_MAX_CONFIG) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: image config larger than %u bytes", name,
				 LSC_MAX_CONFIG);
	}
	rc = lsc_json_parse(&j, p, n, name);
	if (rc < 0) {
		return rc;
	}
	out->json = j;
	if (!json_is_object(j)) {
		rc = lsc_error(LSC_E_FORMAT, "%s: image config is not a JSON object", name);
		goto out;
	}
	rc = lsc_json_get_str(&s, j, "os", true, name);
	if (rc < 0) {
		goto out;
	}
	out->os = lsc_strdup(s);
	rc = lsc_json_get_str(&s, j, "architecture", true, name);
	if (rc < 0) {
		goto out;
	}
	out->arch = lsc_strdup(s);
	rc = lsc_json_get_str(&s, j, "variant", true, name);
	if (rc < 0) {
		goto out;
	}
	out->variant = lsc_strdup(s);
	rc = lsc_json_get_str(&s, j, "created", true, name);
	if (rc < 0) {
		goto out;
	}
	out->created = lsc_strdup(s);
	rc = lsc_json_get_obj(&out->container, j, "config", true, name);
	if (rc < 0) {
		goto out;
	}
	if (out->container) {
		rc = lsc_json_get_str(&s, out->container, "User", true, name);
		if (rc < 0) {
			goto out;
		}
	}
	out->user = strdup(out->container && s ? s : "");
	rc = lsc_json_get_obj(&rootfs, j, "rootfs", false, name);
	if (rc < 0) {
		goto out;
	}
	rc = lsc_json_get_str(&type, rootfs, "type", false, name);
	if (rc < 0) {
		goto out;
	}
	if (strcmp(type, "layers") != 0) {
		rc = lsc_error(LSC_E_FORMAT, "%s: rootfs.type must be \"layers\"", name);
		goto out;
	}
	rc = lsc_json_get_arr(&ids, rootfs, "diff_ids", false, name);
	if (rc < 0) {
		goto out;
	}
	if (json_array_size(ids) > LSC_MAX_LAYERS) {
		rc = lsc_error(LSC_E_TOO_LARGE, "%s: more than %u layers", name, LSC_MAX_LAYERS);
		goto out;
	}
	out->diff_ids = calloc(json_array_size(ids) + 1, sizeof(char *));
	if (!out->diff_ids) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(ids); i++) {
		const char *d = json_string_value(json_array_get(ids, i));

		if (!d || lsc_digest_check(d) < 0) {
			rc = lsc_error(LSC_E_FORMAT,
				       "%s: rootfs.diff_ids[%zu] is not a sha256 digest", name, i);
			goto out;
		}
		out->diff_ids[i] = strdup(d);
		out->ndiff_ids = i + 1;
	}
	rc = lsc_json_get_arr(&hist, j, "history", true, name);
	if (rc < 0) {
		goto out;
	}
	if (hist) {
		if (json_array_size(hist) > MAX_HISTORY) {
			rc = lsc_error(LSC_E_TOO_LARGE, "%s: more than %u history entries", name,
				       MAX_HISTORY);
			goto out;
		}
		out->history = calloc(json_array_size(hist) + 1, sizeof(*out->history));
		if (!out->history) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < json_array_size(hist); i++) {
			json_t *h = json_array_get(hist, i);
			struct lsc_history *o = &out->history[i];

			if (!json_is_object(h)) {
				rc = lsc_error(LSC_E_FORMAT, "%s: history[%zu] is not an object",
					       name, i);
				goto out;
			}
			o->created = lsc_strdup(lsc_json_str(h, "created"));
			o->created_by = lsc_strdup(lsc_json_str(h, "created_by"));
			o->empty_layer = json_is_true(json_object_get(h, "empty_layer"));
			out->nhistory = i + 1;
		}
	}
out:
	if (rc < 0) {
		lsc_config_dispose(out);
	}
	return rc;
}

const char *lsc_config_layer_created_by(const struct lsc_config *c, size_t i)
{
	size_t k = 0;

	for (size_t h = 0; h < c->nhistory; h++) {
		if (c->history[h].empty_layer) {
			continue;
		}
		if (k == i) {
			return c->history[h].created_by;
		}
		k++;
	}
	return NULL;
}

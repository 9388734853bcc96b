#include "save_manifest.h"
#include "util/error.h"
#include "json.h"
#include "manifest.h" /* LSC_MAX_MANIFEST, LSC_MAX_LAYERS */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void lsc_save_manifest_dispose(struct lsc_save_manifest *m)
{
	for (size_t i = 0; i < m->nimages; i++) {
		struct lsc_save_image *im = &m->images[i];

		free(im->config);
		for (size_t k = 0; k < im->nlayers; k++) {
			free(im->layers[k]);
		}
		free(im->layers);
		for (size_t k = 0; k < im->nrepo_tags; k++) {
			free(im->repo_tags[k]);
		}
		free(im->repo_tags);
	}
	free(m->images);
	memset(m, 0, sizeof(*m));
}

static int string_array(char ***out, size_t *n, json_t *arr, size_t max, const char *name,
			const char *what)
{
	*out = NULL;
	*n = 0;
	if (json_array_size(arr) > max) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: more than %zu %s", name, max, what);
	}
	*out = calloc(json_array_size(arr) + 1, sizeof(char *));
	if (!*out) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (!s) {
			return lsc_error(LSC_E_FORMAT, "%s: %s[%zu] must be a string", name, what,
					 i);
		}
		(*out)[i] = strdup(s);
		if (!(*out)[i]) {
			return -ENOMEM;
		}
		*n = i + 1;
	}
	return 0;
}

int lsc_save_manifest_parse(struct lsc_save_manifest *out, const void *p, size_t n,
			    const char *name)
{
	json_t *j = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > LSC_MAX_MANIFEST) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: larger than %u bytes", name,
				 LSC_MAX_MANIFEST);
	}
	rc = lsc_json_parse(&j, p, n, name);
	if (rc < 0) {
		return rc;
	}
	if (!json_is_array(j) || json_array_size(j) == 0) {
		rc = lsc_error(LSC_E_FORMAT, "%s: expected a non-empty JSON array of images", name);
		goto out;
	}
	if (json_array_size(j) > 1024) {
		rc = lsc_error(LSC_E_TOO_LARGE, "%s: more than 1024 images", name);
		goto out;
	}
	out->images = calloc(json_array_size(j), sizeof(*out->images));
	if (!out->images) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *e = json_array_get(j, i), *arr;
		struct lsc_save_image *im = &out->images[i];
		const char *cfg;

		out->nimages = i + 1;
		rc = lsc_json_get_str(&cfg, e, "Config", false, name);
		if (rc < 0) {
			goto out;
		}
		im->config = strdup(cfg);
		rc = lsc_json_get_arr(&arr, e, "Layers", false, name);
		if (rc < 0) {
			goto out;
		}
		rc = string_array(&im->layers, &im->nlayers, arr, LSC_MAX_LAYERS, name, "Layers");
		if (rc < 0) {
			goto out;
		}
		rc = lsc_json_get_arr(&arr, e, "RepoTags", true, name);
		if (rc < 0) {
			goto out;
		}
		if (arr) {
			rc = string_array(&im->repo_tags, &im->nrepo_tags, arr, 1024, name,
					  "RepoTags");
			if (rc < 0) {
				goto out;
			}
		}
	}
out:
	json_decref(j);
	if (rc < 0) {
		lsc_save_manifest_dispose(out);
	}
	return rc;
}

#include "baseline.h"
#include "util/error.h"
#include "util/strmap.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct lsc_baseline {
	struct lsc_strmap fingerprints;
};

static bool is_fingerprint(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

static int add_all(struct lsc_baseline *b, json_t *arr, const char *path)
{
	size_t i;
	json_t *f;

	if (arr && !json_is_array(arr)) {
		return lsc_error(LSC_E_USAGE,
				 "%s: not a layerscan JSON report (findings is not an "
				 "array)",
				 path);
	}
	json_array_foreach(arr, i, f)
	{
		const char *fp = json_string_value(json_object_get(f, "fingerprint"));
		uintptr_t *v;
		int rc;

		if (!is_fingerprint(fp)) {
			return lsc_error(LSC_E_USAGE, "%s: finding %zu has no valid fingerprint",
					 path, i);
		}
		rc = lsc_strmap_get(&v, &b->fingerprints, fp, 1);
		if (rc == -EFBIG) {
			return lsc_error(LSC_E_USAGE, "%s: more than %u findings", path,
					 LSC_BASELINE_MAX_FINDINGS);
		}
		if (rc < 0) {
			return rc;
		}
		*v = 1;
	}
	return 0;
}

int lsc_baseline_load(struct lsc_baseline **out, const char *path)
{
	struct lsc_baseline *b;
	struct stat st;
	json_error_t jerr;
	json_t *j;
	const char *schema;
	int rc;

	*out = NULL;
	if (stat(path, &st) != 0) {
		return lsc_error(LSC_E_USAGE, "--baseline %s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > LSC_BASELINE_MAX_BYTES) {
		return lsc_error(LSC_E_USAGE, "--baseline %s: not a regular file of at most %u MiB",
				 path, LSC_BASELINE_MAX_BYTES >> 20);
	}
	j = json_load_file(path, 0, &jerr);
	if (!j) {
		return lsc_error(LSC_E_USAGE, "--baseline %s: line %d: %s", path, jerr.line,
				 jerr.text);
	}
	schema = json_string_value(json_object_get(j, "schema"));
	if (!json_is_object(j) || !schema || strncmp(schema, "layerscan/report/", 17) != 0) {
		json_decref(j);
		return lsc_error(LSC_E_USAGE,
				 "--baseline %s: not a layerscan JSON report (no "
				 "\"schema\": \"layerscan/report/v1\")",
				 path);
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		json_decref(j);
		return -ENOMEM;
	}
	lsc_strmap_init(&b->fingerprints, LSC_BASELINE_MAX_FINDINGS);
	rc = add_all(b, json_object_get(j, "findings"), path);
	if (rc == 0) {
		rc = add_all(b, json_object_get(j, "ignored"), path);
	}
	json_decref(j);
	if (rc < 0) {
		lsc_baseline_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

void lsc_baseline_free(struct lsc_baseline *b)
{
	if (!b) {
		return;
	}
	lsc_strmap_dispose(&b->fingerprints);
	free(b);
}

bool lsc_baseline_has(const struct lsc_baseline *b, const char *fingerprint)
{
	return b && fingerprint && lsc_strmap_value(&b->fingerprints, fingerprint, 0) != 0;
}

size_t lsc_baseline_count(const struct lsc_baseline *b)
{
	return b ? b->fingerprints.count : 0;
}

#include "json.h"
#include "util/error.h"

int lsc_json_parse(json_t **out, const void *p, size_t n, const char *name)
{
	json_error_t jerr;

	*out = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out) {
		return lsc_error(LSC_E_FORMAT, "%s: invalid JSON at line %d column %d: %s", name,
				 jerr.line, jerr.column, jerr.text);
	}
	return 0;
}

const char *lsc_json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int get(json_t **out, const json_t *obj, const char *key, bool optional, const char *name,
	       json_type type, const char *what)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (optional) {
			return 0;
		}
		return lsc_error(LSC_E_FORMAT, "%s: missing %s", name, key);
	}
	if (json_typeof(v) != type) {
		return lsc_error(LSC_E_FORMAT, "%s: %s must be %s", name, key, what);
	}
	*out = v;
	return 0;
}

int lsc_json_get_str(const char **out, const json_t *obj, const char *key, bool optional,
		     const char *name)
{
	json_t *v;
	int rc = get(&v, obj, key, optional, name, JSON_STRING, "a string");

	*out = v ? json_string_value(v) : NULL;
	return rc;
}

int lsc_json_get_obj(json_t **out, const json_t *obj, const char *key, bool optional,
		     const char *name)
{
	return get(out, obj, key, optional, name, JSON_OBJECT, "an object");
}

int lsc_json_get_arr(json_t **out, const json_t *obj, const char *key, bool optional,
		     const char *name)
{
	return get(out, obj, key, optional, name, JSON_ARRAY, "an array");
}

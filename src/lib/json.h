/* JSON through jansson, with its errors mapped once, here, to LSC_E_FORMAT and a detail. */
#ifndef LSC_LIB_JSON_H
#define LSC_LIB_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Parses the n bytes at p (duplicate keys rejected). *out is the caller's to json_decref().
 * name names the document in the error detail.
 */
int lsc_json_parse(json_t **out, const void *p, size_t n, const char *name);

/* A string member, or NULL when absent or not a string. Borrowed from obj. */
const char *lsc_json_str(const json_t *obj, const char *key);

/*
 * Type checks that report "NAME: KEY must be ..." with LSC_E_FORMAT. A NULL member passes when
 * optional is set. *out is borrowed from obj.
 */
int lsc_json_get_str(const char **out, const json_t *obj, const char *key, bool optional,
		     const char *name);
int lsc_json_get_obj(json_t **out, const json_t *obj, const char *key, bool optional,
		     const char *name);
int lsc_json_get_arr(json_t **out, const json_t *obj, const char *key, bool optional,
		     const char *name);

#endif

/* lib/config: image configs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/config.h"
#include "lib/manifest.h" /* LSC_MAX_LAYERS */

#define H64(c)                                                                                     \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
	    c c c c c c c c c c c c c c c c c c c
#define DA "sha256:" H64("a")
#define DB "sha256:" H64("b")
#define DC "sha256:" H64("c")

static void detail_has(const char *what)
{
	cr_assert_not_null(strstr(lsc_error_last(), what), "detail \"%s\" lacks \"%s\"",
			   lsc_error_last(), what);
}

static int cparse(struct lsc_config *c, const char *json)
{
	return lsc_config_parse(c, json, strlen(json), "config-under-test");
}

static const char *full_config =
    "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\","
    "\"created\":\"2026-10-01T12:00:00Z\","
    "\"config\":{\"User\":\"app\",\"Env\":[\"PATH=/usr/bin\"]},"
    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DA "\",\"" DB "\",\"" DC "\"]},"
    "\"history\":["
    "{\"created\":\"2026-09-01T00:00:00Z\",\"created_by\":\"/bin/sh -c #(nop) ADD file:x in /\"},"
    "{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"sh\\\"]\",\"empty_layer\":true},"
    "{\"created_by\":\"RUN apk add curl\"},"
    "{\"created_by\":\"ENV A=b\",\"empty_layer\":true},"
    "{\"created_by\":\"COPY . /app\",\"empty_layer\":false}]}";

Test(config, config_full)
{
	struct lsc_config c;

	cr_assert_eq(cparse(&c, full_config), 0, "%s", lsc_error_last());
	cr_assert_str_eq(c.os, "linux");
	cr_assert_str_eq(c.arch, "arm64");
	cr_assert_str_eq(c.variant, "v8");
	cr_assert_str_eq(c.created, "2026-10-01T12:00:00Z");
	cr_assert_str_eq(c.user, "app");
	cr_assert_eq(c.ndiff_ids, 3);
	cr_assert_str_eq(c.diff_ids[0], DA);
	cr_assert_str_eq(c.diff_ids[2], DC);
	cr_assert_eq(c.nhistory, 5);
	cr_assert(c.history[1].empty_layer);
	cr_assert_not(c.history[4].empty_layer);
	cr_assert_str_eq(c.history[0].created, "2026-09-01T00:00:00Z");
	cr_assert_null(c.history[2].created);
	cr_assert_not_null(c.json);
	cr_assert_not_null(c.container);
	cr_assert_eq(json_array_size(json_object_get(c.container, "Env")), 1);
	lsc_config_dispose(&c);
	cr_assert_null(c.json);
}

Test(config, config_layer_created_by_skips_empty_layers)
{
	struct lsc_config c;

	cr_assert_eq(cparse(&c, full_config), 0);
	cr_assert_str_eq(lsc_config_layer_created_by(&c, 0), "/bin/sh -c #(nop) ADD file:x in /");
	cr_assert_str_eq(lsc_config_layer_created_by(&c, 1), "RUN apk add curl");
	cr_assert_str_eq(lsc_config_layer_created_by(&c, 2), "COPY . /app");
	cr_assert_null(lsc_config_layer_created_by(&c, 3));
	lsc_config_dispose(&c);
}

Test(config, config_minimal)
{
	struct lsc_config c;
	const char *j = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

	cr_assert_eq(cparse(&c, j), 0, "%s", lsc_error_last());
	cr_assert_null(c.os);
	cr_assert_null(c.created);
	cr_assert_str_eq(c.user, "", "no config object: User is empty");
	cr_assert_eq(c.ndiff_ids, 0);
	cr_assert_eq(c.nhistory, 0);
	cr_assert_null(c.container);
	cr_assert_null(lsc_config_layer_created_by(&c, 0));
	lsc_config_dispose(&c);
}

Test(config, config_user_absent_or_null)
{
	struct lsc_config c;

	cr_assert_eq(cparse(&c, "{\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
		     0);
	cr_assert_str_eq(c.user, "");
	lsc_config_dispose(&c);
	cr_assert_eq(cparse(&c, "{\"config\":{\"User\":null},\"rootfs\":{\"type\":\"layers\","
				"\"diff_ids\":[]}}"),
		     0);
	cr_assert_str_eq(c.user, "");
	lsc_config_dispose(&c);
	cr_assert_eq(cparse(&c, "{\"config\":null,\"created\":\"2026-01-01T00:00:00Z\","
				"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
		     0);
	cr_assert_str_eq(c.user, "", "not the created string of an earlier field");
	lsc_config_dispose(&c);
	cr_assert_eq(cparse(&c, "{\"config\":{\"User\":\"0:0\"},\"rootfs\":{\"type\":\"layers\","
				"\"diff_ids\":[]}}"),
		     0);
	cr_assert_str_eq(c.user, "0:0");
	lsc_config_dispose(&c);
}

Test(config, config_rejects)
{
	struct lsc_config c;

	cr_assert_eq(cparse(&c, "[]"), -LSC_E_FORMAT);
	detail_has("not a JSON object");
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"type\":\"layers\"}}"), -LSC_E_FORMAT);
	detail_has("diff_ids");
	cr_assert_eq(cparse(&c, "{}"), -LSC_E_FORMAT);
	detail_has("rootfs");
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"type\":\"squashfs\",\"diff_ids\":[]}}"),
		     -LSC_E_FORMAT);
	detail_has("rootfs.type");
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"diff_ids\":[]}}"), -LSC_E_FORMAT);
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DA "\","
				"\"sha256:short\"]}}"),
		     -LSC_E_FORMAT);
	detail_has("rootfs.diff_ids[1]");
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[7]}}"),
		     -LSC_E_FORMAT);
	detail_has("rootfs.diff_ids[0]");
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha512:ab\"]}}"),
		     -LSC_E_FORMAT);
	cr_assert_eq(cparse(&c, "{\"config\":{\"User\":0},\"rootfs\":{\"type\":\"layers\","
				"\"diff_ids\":[]}}"),
		     -LSC_E_FORMAT);
	detail_has("User");
	cr_assert_eq(cparse(&c, "{\"config\":[],\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
		     -LSC_E_FORMAT);
	cr_assert_eq(cparse(&c, "{\"created\":5,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
		     -LSC_E_FORMAT);
	detail_has("created");
	cr_assert_eq(
	    cparse(&c, "{\"history\":[1],\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
	    -LSC_E_FORMAT);
	detail_has("history[0]");
	cr_assert_eq(
	    cparse(&c, "{\"history\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
	    -LSC_E_FORMAT);
	cr_assert_eq(cparse(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}"),
		     -LSC_E_FORMAT);
	/* everything is released on failure */
	cr_assert_null(c.json);
	cr_assert_null(c.diff_ids);
}

Test(config, config_too_many_diff_ids)
{
	struct lsc_config c;
	size_t cap = 100 + (LSC_MAX_LAYERS + 1) * 80, off;
	char *j = malloc(cap);

	off = (size_t)snprintf(j, cap, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	for (size_t i = 0; i <= LSC_MAX_LAYERS; i++) {
		off += (size_t)snprintf(j + off, cap - off, "%s\"" DA "\"", i ? "," : "");
	}
	snprintf(j + off, cap - off, "]}}");
	cr_assert_eq(cparse(&c, j), -LSC_E_TOO_LARGE);
	free(j);
}

/* the bounds: the document's size and the history entries (10000) */
Test(config, config_bounds)
{
	struct lsc_config c;
	size_t cap = 100 + 10001 * 4, off;
	char *big = malloc(LSC_MAX_CONFIG + 1);
	char *j = malloc(cap);

	cr_assert_not_null(big);
	cr_assert_not_null(j);
	memset(big, ' ', LSC_MAX_CONFIG + 1);
	cr_assert_eq(lsc_config_parse(&c, big, LSC_MAX_CONFIG + 1, "config-under-test"),
		     -LSC_E_TOO_LARGE);
	detail_has("larger than");
	free(big);

	off = (size_t)snprintf(j, cap,
			       "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"history\":[");
	for (size_t i = 0; i < 10001; i++) {
		off += (size_t)snprintf(j + off, cap - off, "%s{}", i ? "," : "");
	}
	snprintf(j + off, cap - off, "]}");
	cr_assert_eq(cparse(&c, j), -LSC_E_TOO_LARGE);
	detail_has("more than 10000 history entries");
	cr_assert_null(c.json);
	/* 10000 entries are taken */
	off = (size_t)snprintf(j, cap,
			       "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"history\":[");
	for (size_t i = 0; i < 10000; i++) {
		off += (size_t)snprintf(j + off, cap - off, "%s{}", i ? "," : "");
	}
	snprintf(j + off, cap - off, "]}");
	cr_assert_eq(cparse(&c, j), 0, "%s", lsc_error_last());
	cr_assert_eq(c.nhistory, 10000);
	lsc_config_dispose(&c);
	free(j);
}

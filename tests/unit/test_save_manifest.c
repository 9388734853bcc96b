/* lib/save_manifest: docker save's manifest.json. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/manifest.h" /* LSC_MAX_MANIFEST, LSC_MAX_LAYERS */
#include "lib/save_manifest.h"

#define H64(c)                                                                                     \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
	    c c c c c c c c c c c c c c c c c c c

static void detail_has(const char *what)
{
	cr_assert_not_null(strstr(lsc_error_last(), what), "detail \"%s\" lacks \"%s\"",
			   lsc_error_last(), what);
}

Test(save_manifest, save_manifest)
{
	struct lsc_save_manifest m;
	const char *j = "[{\"Config\":\"abc.json\",\"RepoTags\":[\"app:1\",\"registry.example.com/"
			"team/app:1.4\"],\"Layers\":[\"l1/layer.tar\",\"blobs/sha256/" H64(
			    "b") "\"]},"
				 "{\"Config\":\"def.json\",\"RepoTags\":null,\"Layers\":[]}]";

	cr_assert_eq(lsc_save_manifest_parse(&m, j, strlen(j), "manifest.json"), 0, "%s",
		     lsc_error_last());
	cr_assert_eq(m.nimages, 2);
	cr_assert_str_eq(m.images[0].config, "abc.json");
	cr_assert_eq(m.images[0].nlayers, 2);
	cr_assert_str_eq(m.images[0].layers[0], "l1/layer.tar");
	cr_assert_str_eq(m.images[0].layers[1], "blobs/sha256/" H64("b"));
	cr_assert_eq(m.images[0].nrepo_tags, 2);
	cr_assert_str_eq(m.images[0].repo_tags[1], "registry.example.com/team/app:1.4");
	cr_assert_str_eq(m.images[1].config, "def.json");
	cr_assert_eq(m.images[1].nlayers, 0);
	cr_assert_eq(m.images[1].nrepo_tags, 0);
	lsc_save_manifest_dispose(&m);
	cr_assert_eq(m.nimages, 0);
}

Test(save_manifest, save_manifest_rejects)
{
	struct lsc_save_manifest m;
	const char *bad[] = {
	    "[]",
	    "{}",
	    "[{\"Layers\":[]}]",
	    "[{\"Config\":\"a.json\"}]",
	    "[{\"Config\":\"a.json\",\"Layers\":[1]}]",
	    "[{\"Config\":\"a.json\",\"Layers\":[],\"RepoTags\":[null]}]",
	    "[{\"Config\":5,\"Layers\":[]}]",
	    "[5]",
	    "[{\"Config\":\"a.json\",\"Layers\":[]}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(lsc_save_manifest_parse(&m, bad[i], strlen(bad[i]), "manifest.json"),
			     -LSC_E_FORMAT, "%s", bad[i]);
		detail_has("manifest.json");
		cr_assert_null(m.images);
	}
}

/* the bounds: the document's size, the images, an image's layers and tags */
Test(save_manifest, save_manifest_bounds)
{
	struct lsc_save_manifest m;
	size_t cap = 64 + (LSC_MAX_LAYERS + 1) * 8, off;
	char *j = malloc(cap);
	char *big = malloc(LSC_MAX_MANIFEST + 1);

	cr_assert_not_null(j);
	cr_assert_not_null(big);
	memset(big, ' ', LSC_MAX_MANIFEST + 1);
	cr_assert_eq(lsc_save_manifest_parse(&m, big, LSC_MAX_MANIFEST + 1, "manifest.json"),
		     -LSC_E_TOO_LARGE);
	detail_has("larger than");
	cr_assert_null(m.images);
	free(big);

	off = (size_t)snprintf(j, cap, "[{\"Config\":\"c.json\",\"Layers\":[");
	for (size_t i = 0; i <= LSC_MAX_LAYERS; i++) {
		off += (size_t)snprintf(j + off, cap - off, "%s\"l\"", i ? "," : "");
	}
	snprintf(j + off, cap - off, "]}]");
	cr_assert_eq(lsc_save_manifest_parse(&m, j, strlen(j), "manifest.json"), -LSC_E_TOO_LARGE);
	detail_has("more than 1024 Layers");
	cr_assert_null(m.images);

	off = (size_t)snprintf(j, cap, "[{\"Config\":\"c.json\",\"Layers\":[],\"RepoTags\":[");
	for (size_t i = 0; i <= 1024; i++) {
		off += (size_t)snprintf(j + off, cap - off, "%s\"t\"", i ? "," : "");
	}
	snprintf(j + off, cap - off, "]}]");
	cr_assert_eq(lsc_save_manifest_parse(&m, j, strlen(j), "manifest.json"), -LSC_E_TOO_LARGE);
	detail_has("more than 1024 RepoTags");
	free(j);

	cap = 16 + 1025 * 40;
	j = malloc(cap);
	cr_assert_not_null(j);
	off = (size_t)snprintf(j, cap, "[");
	for (size_t i = 0; i <= 1024; i++) {
		off += (size_t)snprintf(j + off, cap - off, "%s{\"Config\":\"c\",\"Layers\":[]}",
					i ? "," : "");
	}
	snprintf(j + off, cap - off, "]");
	cr_assert_eq(lsc_save_manifest_parse(&m, j, strlen(j), "manifest.json"), -LSC_E_TOO_LARGE);
	detail_has("more than 1024 images");
	cr_assert_null(m.images);
	free(j);
}

/* lib/manifest: manifests, indexes, choosing an entry, resolving an index. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/manifest.h"

#define H64(c)                                                                                     \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
	    c c c c c c c c c c c c c c c c c c c
#define DA "sha256:" H64("a")
#define DB "sha256:" H64("b")
#define DC "sha256:" H64("c")
#define DD "sha256:" H64("d")
#define DE "sha256:" H64("e")

#define OCI_CONFIG_MT "application/vnd.oci.image.config.v1+json"
#define DOCKER_CONFIG_MT "application/vnd.docker.container.image.v1+json"

static int parse(struct lsc_manifest *m, const char *json)
{
	return lsc_manifest_parse(m, json, strlen(json), "manifest-under-test");
}

static void detail_has(const char *what)
{
	cr_assert_not_null(strstr(lsc_error_last(), what), "detail \"%s\" lacks \"%s\"",
			   lsc_error_last(), what);
}

/* --- manifests --------------------------------------------------------------------------- */

Test(manifest, oci_manifest)
{
	struct lsc_manifest m;
	const char *j =
	    "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
	    "\"config\":{\"mediaType\":\"" OCI_CONFIG_MT "\",\"digest\":\"" DA "\",\"size\":1234},"
	    "\"layers\":["
	    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" DB
	    "\",\"size\":100},"
	    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"" DC
	    "\",\"size\":0}],"
	    "\"annotations\":{\"org.opencontainers.image.base.name\":\"docker.io/library/"
	    "alpine:3.20\"}}";

	cr_assert_eq(parse(&m, j), 0, "%s", lsc_error_last());
	cr_assert_eq(m.kind, LSC_MANIFEST_IMAGE);
	cr_assert_str_eq(m.media_type, LSC_MT_OCI_MANIFEST);
	cr_assert_str_eq(m.config.digest, DA);
	cr_assert_str_eq(m.config.media_type, OCI_CONFIG_MT);
	cr_assert_eq(m.config.size, 1234);
	cr_assert_eq(m.nlayers, 2);
	cr_assert_str_eq(m.layers[0].digest, DB);
	cr_assert_str_eq(m.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
	cr_assert_eq(m.layers[0].size, 100);
	cr_assert_str_eq(m.layers[1].digest, DC);
	cr_assert_eq(m.layers[1].size, 0);
	cr_assert_eq(m.nmanifests, 0);
	cr_assert_not_null(m.annotations);
	cr_assert_str_eq(
	    json_string_value(json_object_get(m.annotations, "org.opencontainers.image.base.name")),
	    "docker.io/library/alpine:3.20");
	lsc_manifest_dispose(&m);
	cr_assert_eq(m.nlayers, 0);
	cr_assert_null(m.layers);
}

Test(manifest, docker_v2_manifest)
{
	struct lsc_manifest m;
	const char *j =
	    "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_DOCKER_MANIFEST "\","
	    "\"config\":{\"mediaType\":\"" DOCKER_CONFIG_MT "\",\"digest\":\"" DA "\",\"size\":7},"
	    "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
	    "\"digest\":\"" DB "\",\"size\":42}]}";

	cr_assert_eq(parse(&m, j), 0, "%s", lsc_error_last());
	cr_assert_eq(m.kind, LSC_MANIFEST_IMAGE);
	cr_assert_str_eq(m.media_type, LSC_MT_DOCKER_MANIFEST);
	cr_assert_str_eq(m.config.media_type, DOCKER_CONFIG_MT);
	cr_assert_eq(m.nlayers, 1);
	cr_assert_str_eq(m.layers[0].digest, DB);
	cr_assert_eq(m.layers[0].size, 42);
	cr_assert_null(m.annotations);
	lsc_manifest_dispose(&m);
}

Test(manifest, manifest_without_media_types_by_shape)
{
	struct lsc_manifest m;
	const char *j = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" DA "\"},"
			"\"layers\":[{\"digest\":\"" DB "\"}]}";

	cr_assert_eq(parse(&m, j), 0, "%s", lsc_error_last());
	cr_assert_eq(m.kind, LSC_MANIFEST_IMAGE);
	cr_assert_null(m.media_type);
	cr_assert_null(m.config.media_type);
	cr_assert_eq(m.config.size, -1, "an absent size is unknown");
	cr_assert_eq(m.nlayers, 1);
	cr_assert_null(m.layers[0].media_type);
	cr_assert_eq(m.layers[0].size, -1);
	lsc_manifest_dispose(&m);
}

Test(manifest, index_without_media_type_by_shape)
{
	struct lsc_manifest m;
	const char *j = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DA "\",\"size\":5,"
			"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

	cr_assert_eq(parse(&m, j), 0, "%s", lsc_error_last());
	cr_assert_eq(m.kind, LSC_MANIFEST_INDEX);
	cr_assert_eq(m.nmanifests, 1);
	cr_assert_str_eq(m.manifests[0].platform_os, "linux");
	cr_assert_str_eq(m.manifests[0].platform_arch, "amd64");
	cr_assert_null(m.manifests[0].platform_variant);
	lsc_manifest_dispose(&m);
}

static const char *multi_index =
    "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"manifests\":["
    "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"" DA "\",\"size\":1,"
    " \"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},"
    " \"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}},"
    "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"" DB "\",\"size\":2,"
    " \"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"},"
    " \"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0-arm\"}},"
    "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"" DC "\",\"size\":3,"
    " \"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
    "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"" DD "\",\"size\":4,"
    " \"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
    " \"annotations\":{\"vnd.docker.reference.digest\":\"" DA "\","
    "   \"vnd.docker.reference.type\":\"attestation-manifest\"}}"
    "]}";

Test(manifest, oci_index)
{
	struct lsc_manifest m;

	cr_assert_eq(parse(&m, multi_index), 0, "%s", lsc_error_last());
	cr_assert_eq(m.kind, LSC_MANIFEST_INDEX);
	cr_assert_str_eq(m.media_type, LSC_MT_OCI_INDEX);
	cr_assert_eq(m.nmanifests, 4);
	cr_assert_eq(m.nlayers, 0);
	cr_assert_str_eq(m.manifests[0].digest, DA);
	cr_assert_str_eq(m.manifests[0].ref_name, "1.0");
	cr_assert_not(m.manifests[0].attestation);
	cr_assert_str_eq(m.manifests[1].platform_variant, "v8");
	cr_assert_str_eq(m.manifests[1].ref_name, "1.0-arm");
	cr_assert_null(m.manifests[2].ref_name);
	cr_assert_eq(m.manifests[2].size, 3);
	cr_assert(m.manifests[3].attestation);
	lsc_manifest_dispose(&m);
}

Test(manifest, docker_manifest_list)
{
	struct lsc_manifest m;
	const char *j =
	    "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_DOCKER_LIST "\",\"manifests\":["
	    "{\"mediaType\":\"" LSC_MT_DOCKER_MANIFEST "\",\"digest\":\"" DA "\",\"size\":528,"
	    " \"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
	    "{\"mediaType\":\"" LSC_MT_DOCKER_MANIFEST "\",\"digest\":\"" DB "\",\"size\":528,"
	    " \"platform\":{\"architecture\":\"s390x\",\"os\":\"linux\"}}]}";

	cr_assert_eq(parse(&m, j), 0, "%s", lsc_error_last());
	cr_assert_eq(m.kind, LSC_MANIFEST_INDEX);
	cr_assert_str_eq(m.media_type, LSC_MT_DOCKER_LIST);
	cr_assert_eq(m.nmanifests, 2);
	cr_assert_str_eq(m.manifests[1].platform_arch, "s390x");
	cr_assert_str_eq(m.manifests[1].media_type, LSC_MT_DOCKER_MANIFEST);
	lsc_manifest_dispose(&m);
}

Test(manifest, schema1_is_unsupported)
{
	struct lsc_manifest m;
	const char *signed_v1 =
	    "{\"schemaVersion\":1,\"mediaType\":"
	    "\"application/vnd.docker.distribution.manifest.v1+prettyjws\",\"name\":\"x\","
	    "\"tag\":\"latest\",\"fsLayers\":[{\"blobSum\":\"" DA "\"}],\"history\":[]}";
	const char *bare_v1 = "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"latest\","
			      "\"fsLayers\":[{\"blobSum\":\"" DA "\"}]}";

	cr_assert_eq(parse(&m, signed_v1), -LSC_E_UNSUPPORTED);
	detail_has("schema 1");
	detail_has("manifest-under-test");
	cr_assert_eq(parse(&m, bare_v1), -LSC_E_UNSUPPORTED);
	detail_has("schema 1");
}

Test(manifest, artifact_config_is_unsupported)
{
	struct lsc_manifest m;
	const char *j =
	    "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
	    "\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
	    "\"digest\":\"" DA "\",\"size\":10},"
	    "\"layers\":[{\"mediaType\":\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\","
	    "\"digest\":\"" DB "\",\"size\":10}]}";

	cr_assert_eq(parse(&m, j), -LSC_E_UNSUPPORTED);
	detail_has("not a container image");
	detail_has("application/vnd.cncf.helm.config.v1+json");
	cr_assert_null(m.layers, "a failed parse leaves nothing to dispose");
	cr_assert_null(m.media_type);
}

Test(manifest, unknown_manifest_media_type_is_unsupported)
{
	struct lsc_manifest m;
	const char *j = "{\"mediaType\":\"application/vnd.example.thing+json\","
			"\"config\":{\"digest\":\"" DA "\"},\"layers\":[]}";

	cr_assert_eq(parse(&m, j), -LSC_E_UNSUPPORTED);
	detail_has("application/vnd.example.thing+json");
}

Test(manifest, bad_digests)
{
	struct lsc_manifest m;
	const char *upper = "{\"config\":{\"digest\":\"sha256:" H64("A") "\"},\"layers\":[]}";
	const char *short_layer =
	    "{\"config\":{\"digest\":\"" DA "\"},\"layers\":[{\"digest\":\"sha256:abc\"}]}";
	const char *sha512 =
	    "{\"config\":{\"digest\":\"" DA "\"},\"layers\":[{\"digest\":\"sha512:abcd\"}]}";
	const char *traversal = "{\"config\":{\"digest\":\"../../../etc/passwd\"},\"layers\":[]}";
	const char *missing = "{\"config\":{\"size\":3},\"layers\":[]}";
	const char *not_string = "{\"config\":{\"digest\":5},\"layers\":[]}";

	cr_assert_eq(parse(&m, upper), -LSC_E_FORMAT);
	detail_has("malformed digest");
	detail_has("config");
	cr_assert_eq(parse(&m, short_layer), -LSC_E_FORMAT);
	detail_has("layers[0]");
	cr_assert_eq(parse(&m, sha512), -LSC_E_UNSUPPORTED);
	detail_has("sha512:abcd");
	cr_assert_eq(parse(&m, traversal), -LSC_E_FORMAT);
	cr_assert_eq(parse(&m, missing), -LSC_E_FORMAT);
	detail_has("digest");
	cr_assert_eq(parse(&m, not_string), -LSC_E_FORMAT);
}

Test(manifest, bad_sizes)
{
	struct lsc_manifest m;
	const char *negative = "{\"config\":{\"digest\":\"" DA "\",\"size\":-1},\"layers\":[]}";
	const char *neg_layer = "{\"config\":{\"digest\":\"" DA "\"},"
				"\"layers\":[{\"digest\":\"" DB "\",\"size\":-5}]}";
	const char *string = "{\"config\":{\"digest\":\"" DA "\",\"size\":\"10\"},\"layers\":[]}";
	const char *real = "{\"config\":{\"digest\":\"" DA "\",\"size\":1.5},\"layers\":[]}";

	cr_assert_eq(parse(&m, negative), -LSC_E_FORMAT);
	detail_has("size");
	cr_assert_eq(parse(&m, neg_layer), -LSC_E_FORMAT);
	detail_has("layers[0]");
	cr_assert_eq(parse(&m, string), -LSC_E_FORMAT);
	cr_assert_eq(parse(&m, real), -LSC_E_FORMAT);
}

static char *manifest_with_layers(size_t n)
{
	size_t cap = 200 + n * 100, off;
	char *j = malloc(cap);

	off = (size_t)snprintf(j, cap,
			       "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
			       "\"config\":{\"digest\":\"" DA "\"},\"layers\":[");
	for (size_t i = 0; i < n; i++) {
		off += (size_t)snprintf(j + off, cap - off,
					"%s{\"digest\":\"" DB "\",\"size\":%zu}", i ? "," : "", i);
	}
	snprintf(j + off, cap - off, "]}");
	return j;
}

Test(manifest, too_many_layers)
{
	struct lsc_manifest m;
	char *ok = manifest_with_layers(LSC_MAX_LAYERS),
	     *over = manifest_with_layers(LSC_MAX_LAYERS + 1);

	cr_assert_eq(parse(&m, ok), 0, "%s", lsc_error_last());
	cr_assert_eq(m.nlayers, LSC_MAX_LAYERS);
	cr_assert_eq(m.layers[LSC_MAX_LAYERS - 1].size, LSC_MAX_LAYERS - 1);
	lsc_manifest_dispose(&m);
	cr_assert_eq(parse(&m, over), -LSC_E_TOO_LARGE);
	detail_has("layers");
	free(ok);
	free(over);
}

Test(manifest, non_object_and_bad_json)
{
	struct lsc_manifest m;

	cr_assert_eq(parse(&m, "[]"), -LSC_E_FORMAT);
	detail_has("not a JSON object");
	cr_assert_eq(parse(&m, "\"manifest\""), -LSC_E_FORMAT);
	cr_assert_eq(parse(&m, "42"), -LSC_E_FORMAT);
	cr_assert_eq(parse(&m, "{\"config\":"), -LSC_E_FORMAT);
	detail_has("invalid JSON");
	cr_assert_eq(parse(&m, ""), -LSC_E_FORMAT);
	cr_assert_eq(parse(&m, "{\"mediaType\":1}"), -LSC_E_FORMAT);
	/* duplicate keys are rejected: two parsers must never see two different manifests */
	cr_assert_eq(parse(&m, "{\"config\":{\"digest\":\"" DA "\"},\"config\":{\"digest\":\"" DB
			       "\"},\"layers\":[]}"),
		     -LSC_E_FORMAT);
}

Test(manifest, missing_pieces)
{
	struct lsc_manifest m;

	cr_assert_eq(parse(&m, "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"layers\":[]}"),
		     -LSC_E_FORMAT);
	detail_has("config");
	cr_assert_eq(parse(&m, "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
			       "\"config\":{\"digest\":\"" DA "\"}}"),
		     -LSC_E_FORMAT);
	detail_has("layers");
	cr_assert_eq(parse(&m, "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
			       "\"config\":{\"digest\":\"" DA "\"},\"layers\":{}}"),
		     -LSC_E_FORMAT);
	cr_assert_eq(parse(&m, "{\"mediaType\":\"" LSC_MT_OCI_INDEX "\"}"), -LSC_E_FORMAT);
	detail_has("manifests");
	cr_assert_eq(parse(&m, "{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
			       "\"config\":{\"digest\":\"" DA "\"},\"layers\":[5]}"),
		     -LSC_E_FORMAT);
	detail_has("not an object");
	cr_assert_eq(parse(&m, "{}"), -LSC_E_FORMAT, "neither shape");
}

Test(manifest, manifest_over_the_size_bound)
{
	struct lsc_manifest m;
	size_t n = LSC_MAX_MANIFEST + 1;
	char *big = malloc(n);

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	cr_assert_eq(lsc_manifest_parse(&m, big, n, "big"), -LSC_E_TOO_LARGE);
	free(big);
}

/* --- selecting from an index ------------------------------------------------------------- */

static const struct lsc_descriptor *select_ok(const struct lsc_manifest *idx, const char *plat,
					      const char *tag)
{
	struct lsc_platform p;
	const struct lsc_descriptor *d = NULL;

	cr_assert_eq(lsc_platform_parse(&p, plat), 0);
	cr_assert_eq(lsc_manifest_select(&d, idx, &p, tag, "index.json"), 0, "%s",
		     lsc_error_last());
	cr_assert_not_null(d);
	return d;
}

Test(manifest, select_by_platform)
{
	struct lsc_manifest m;

	cr_assert_eq(parse(&m, multi_index), 0);
	cr_assert_str_eq(select_ok(&m, NULL, NULL)->digest, DA, "default linux/amd64");
	cr_assert_str_eq(select_ok(&m, "linux/amd64", NULL)->digest, DA);
	cr_assert_str_eq(select_ok(&m, "linux/arm64/v8", NULL)->digest, DB);
	/* arm64 with no variant is v8 */
	cr_assert_str_eq(select_ok(&m, "linux/arm64", NULL)->digest, DB);
	cr_assert_str_eq(select_ok(&m, "linux/arm/v6", NULL)->digest, DC);
	lsc_manifest_dispose(&m);
}

Test(manifest, select_arm64_entry_without_variant)
{
	struct lsc_manifest m;
	const char *j =
	    "{\"manifests\":["
	    "{\"digest\":\"" DA "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
	    "{\"digest\":\"" DB "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
	    "{\"digest\":\"" DC "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\"}}]}";
	struct lsc_platform p;
	const struct lsc_descriptor *d;

	cr_assert_eq(parse(&m, j), 0);
	cr_assert_str_eq(select_ok(&m, "linux/arm64/v8", NULL)->digest, DB);
	cr_assert_str_eq(select_ok(&m, "linux/arm64", NULL)->digest, DB);
	/* arm with no variant is v7 */
	cr_assert_str_eq(select_ok(&m, "linux/arm/v7", NULL)->digest, DC);
	cr_assert_eq(lsc_platform_parse(&p, "linux/arm/v6"), 0);
	cr_assert_eq(lsc_manifest_select(&d, &m, &p, NULL, "index.json"), -LSC_E_NOT_FOUND);
	cr_assert_eq(lsc_platform_parse(&p, "linux/arm64/v9"), 0);
	cr_assert_eq(lsc_manifest_select(&d, &m, &p, NULL, "index.json"), -LSC_E_NOT_FOUND);
	lsc_manifest_dispose(&m);
}

Test(manifest, select_not_found_lists_platforms)
{
	struct lsc_manifest m;
	struct lsc_platform p;
	const struct lsc_descriptor *d = (const struct lsc_descriptor *)1;

	cr_assert_eq(parse(&m, multi_index), 0);
	cr_assert_eq(lsc_platform_parse(&p, "linux/s390x"), 0);
	cr_assert_eq(lsc_manifest_select(&d, &m, &p, NULL, "index.json"), -LSC_E_NOT_FOUND);
	cr_assert_null(d);
	detail_has("index.json");
	detail_has("linux/s390x");
	detail_has("linux/amd64");
	detail_has("linux/arm64/v8");
	detail_has("linux/arm/v6");
	cr_assert_null(strstr(lsc_error_last(), "unknown"), "attestations are not images: %s",
		       lsc_error_last());
	lsc_manifest_dispose(&m);
}

Test(manifest, select_skips_attestations)
{
	struct lsc_manifest m;
	const char *j =
	    "{\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"manifests\":["
	    "{\"digest\":\"" DD
	    "\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
	    "{\"digest\":\"" DE "\",\"annotations\":{\"vnd.docker.reference.type\":"
	    "\"attestation-manifest\"}},"
	    "{\"digest\":\"" DA "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

	cr_assert_eq(parse(&m, j), 0);
	cr_assert(m.manifests[0].attestation);
	cr_assert(m.manifests[1].attestation);
	cr_assert_not(m.manifests[2].attestation);
	cr_assert_str_eq(select_ok(&m, NULL, NULL)->digest, DA);
	lsc_manifest_dispose(&m);
}

Test(manifest, select_single_entry_without_platform)
{
	struct lsc_manifest m;
	const char *j = "{\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"manifests\":["
			"{\"digest\":\"" DE "\",\"annotations\":{\"vnd.docker.reference.type\":"
			"\"attestation-manifest\"}},"
			"{\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"" DA "\"}]}";

	cr_assert_eq(parse(&m, j), 0);
	/* the one image of an OCI layout written without platforms is taken, whatever --platform */
	cr_assert_str_eq(select_ok(&m, "linux/arm64", NULL)->digest, DA);
	lsc_manifest_dispose(&m);
}

Test(manifest, select_two_entries_without_platform_is_not_found)
{
	struct lsc_manifest m;
	struct lsc_platform p;
	const struct lsc_descriptor *d;
	const char *j = "{\"manifests\":[{\"digest\":\"" DA "\"},{\"digest\":\"" DB "\"}]}";

	cr_assert_eq(parse(&m, j), 0);
	cr_assert_eq(lsc_platform_parse(&p, NULL), 0);
	cr_assert_eq(lsc_manifest_select(&d, &m, &p, NULL, "index.json"), -LSC_E_NOT_FOUND);
	detail_has("none with a platform");
	lsc_manifest_dispose(&m);
}

Test(manifest, select_empty_index)
{
	struct lsc_manifest m;
	struct lsc_platform p;
	const struct lsc_descriptor *d;

	cr_assert_eq(parse(&m, "{\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"manifests\":[]}"), 0);
	cr_assert_eq(lsc_platform_parse(&p, NULL), 0);
	cr_assert_eq(lsc_manifest_select(&d, &m, &p, NULL, "index.json"), -LSC_E_NOT_FOUND);
	detail_has("no image");
	lsc_manifest_dispose(&m);
}

Test(manifest, select_by_tag)
{
	struct lsc_manifest m;
	struct lsc_platform p;
	const struct lsc_descriptor *d;

	cr_assert_eq(parse(&m, multi_index), 0);
	/* the tag wins over the platform */
	cr_assert_str_eq(select_ok(&m, "linux/amd64", "1.0-arm")->digest, DB);
	cr_assert_str_eq(select_ok(&m, "linux/arm64", "1.0")->digest, DA);
	cr_assert_eq(lsc_platform_parse(&p, NULL), 0);
	cr_assert_eq(lsc_manifest_select(&d, &m, &p, "2.0", "index.json"), -LSC_E_NOT_FOUND);
	detail_has("2.0");
	cr_assert_null(d);
	lsc_manifest_dispose(&m);
}

/* --- resolving an index (lsc_manifest_resolve) --------------------------------------------- */

#define IMAGE_MANIFEST(cfg)                                                                        \
	"{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","                          \
	"\"config\":{\"mediaType\":\"" OCI_CONFIG_MT "\",\"digest\":\"" cfg "\",\"size\":2},"      \
	"\"layers\":[]}"
#define INDEX_ENTRY(dg, arch)                                                                      \
	"{\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"digest\":\"" dg "\",\"size\":10,"               \
	"\"platform\":{\"os\":\"linux\",\"architecture\":\"" arch "\"}}"

/* Documents by digest, as a source's store would hand them out (digests not checked here). */
static const char *const store[][2] = {
    {DB, "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"manifests\":[{"
	 "\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"" DC "\",\"size\":10,"
	 "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}"},
    {DC, IMAGE_MANIFEST(DE)},
    {DD, IMAGE_MANIFEST(DA)},
};

static int store_get(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	int *calls = payload;

	(void)max;
	(*calls)++;
	for (size_t i = 0; i < sizeof(store) / sizeof(store[0]); i++) {
		if (strcmp(store[i][0], digest) == 0) {
			return lsc_buf_append(out, store[i][1], strlen(store[i][1]));
		}
	}
	return lsc_error(LSC_E_NOT_FOUND, "blob %s missing", digest);
}

static int resolve_str(struct lsc_manifest_choice *c, const char *json, const char *plat,
		       const char *tag, int *calls)
{
	struct lsc_blob_getter g = {store_get, calls};
	struct lsc_platform p;

	cr_assert_eq(lsc_platform_parse(&p, plat), 0);
	return lsc_manifest_resolve(c, json, strlen(json), "index.json", &p, tag, &g);
}

Test(manifest, resolve_image_manifest_as_is)
{
	struct lsc_manifest_choice c;
	int calls = 0;

	cr_assert_eq(resolve_str(&c, IMAGE_MANIFEST(DA), "linux/amd64", NULL, &calls), 0);
	cr_assert_eq(calls, 0);
	cr_assert_str_empty(c.digest);
	cr_assert_str_eq(c.manifest.config.digest, DA);
	cr_assert_null(c.ref_name);
	lsc_manifest_choice_dispose(&c);
}

/*
 * An index whose platform entry is itself an index: the sources always followed it; the
 * stale-base detector's own resolver used to refuse it ("nested index"). Both resolve it now.
 */
Test(manifest, resolve_nested_index)
{
	struct lsc_manifest_choice c;
	int calls = 0;
	const char *top =
	    "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_INDEX "\","
	    "\"manifests\":[" INDEX_ENTRY(
		DD, "arm64") ","
			     "{\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"digest\":\"" DB
			     "\",\"size\":10,"
			     "\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"},"
			     "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

	cr_assert_eq(resolve_str(&c, top, "linux/amd64", NULL, &calls), 0, "%s", lsc_error_last());
	cr_assert_eq(calls, 2);
	cr_assert_str_eq(c.digest, DC);
	cr_assert_eq(c.manifest.kind, LSC_MANIFEST_IMAGE);
	cr_assert_str_eq(c.manifest.config.digest, DE);
	cr_assert_str_eq(c.ref_name, "1.0");
	lsc_manifest_choice_dispose(&c);

	calls = 0;
	cr_assert_eq(resolve_str(&c, top, "linux/arm64", NULL, &calls), 0, "%s", lsc_error_last());
	cr_assert_eq(calls, 1);
	cr_assert_str_eq(c.digest, DD);
	cr_assert_str_eq(c.manifest.config.digest, DA);
	lsc_manifest_choice_dispose(&c);
}

Test(manifest, resolve_by_tag_then_platform)
{
	struct lsc_manifest_choice c;
	int calls = 0;
	const char *top = "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_INDEX "\","
			  "\"manifests\":[{\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"digest\":\"" DB
			  "\",\"size\":10,"
			  "\"annotations\":{\"org.opencontainers.image.ref.name\":\"2.0\"}}]}";

	cr_assert_eq(resolve_str(&c, top, "linux/amd64", "2.0", &calls), 0, "%s", lsc_error_last());
	cr_assert_str_eq(c.digest, DC);
	cr_assert_str_eq(c.ref_name, "2.0");
	lsc_manifest_choice_dispose(&c);
	cr_assert_eq(resolve_str(&c, top, "linux/amd64", "3.0", &calls), -LSC_E_NOT_FOUND);
	detail_has("no image tagged 3.0");
}

Test(manifest, resolve_missing_child_and_depth)
{
	struct lsc_manifest_choice c;
	int calls = 0;
	const char *missing = "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_INDEX "\","
			      "\"manifests\":[" INDEX_ENTRY(DA, "amd64") "]}";

	cr_assert_eq(resolve_str(&c, missing, "linux/amd64", NULL, &calls), -LSC_E_NOT_FOUND);
	detail_has("missing");
	cr_assert_null(c.ref_name);
	cr_assert_null(c.manifest.layers);
}

/* lib/source_oci_layout: an OCI layout made in a temp dir, read into an intake alone. */
#include <sys/stat.h>

#include "testutil.h"

#include "util/error.h"
#include "lib/manifest.h"
#include "lib/source.h"

static void put(const char *dir, const char *rel, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* A blob under blobs/sha256; its digest into dg. */
static void put_blob(char dg[LSC_DIGEST_MAX], const char *dir, const void *p, size_t n)
{
	char rel[128];

	lsc_digest_buf(dg, p, n);
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", lsc_digest_hex(dg));
	put(dir, rel, p, n);
}

Test(source_oci_layout, index_manifest_config_layer)
{
	struct tu_entry e[] = {{"etc/os-release", "ID=test\n", 0, NULL, 0}};
	struct tu_buf tar = tu_tar(e, 1), gz = tu_gzip(&tar);
	char dir[] = "/tmp/lsc-oci-XXXXXX", sub[600], target[600];
	char diff_id[LSC_DIGEST_MAX], layer[LSC_DIGEST_MAX], cfg_dg[LSC_DIGEST_MAX];
	char man_dg[LSC_DIGEST_MAX], cfg[1024], man[2048], index[2048];
	struct lsc_intake in;
	struct lsc_target t;
	struct lsc_platform p;
	struct lsc_layer_limits lim = {.max_entries = 1000, .max_uncompressed = 1 << 20};

	cr_assert_not_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/blobs", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/blobs/sha256", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	put(dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
	lsc_digest_buf(diff_id, tar.p, tar.n);
	put_blob(layer, dir, gz.p, gz.n);
	snprintf(cfg, sizeof(cfg),
		 "{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{},"
		 "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
		 diff_id);
	put_blob(cfg_dg, dir, cfg, strlen(cfg));
	snprintf(man, sizeof(man),
		 "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\","
		 "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		 "\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":"
		 "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%zu}],"
		 "\"annotations\":{\"org.opencontainers.image.base.name\":\"debian:12\"}}",
		 cfg_dg, strlen(cfg), layer, gz.n);
	put_blob(man_dg, dir, man, strlen(man));
	snprintf(index, sizeof(index),
		 "{\"schemaVersion\":2,\"mediaType\":\"" LSC_MT_OCI_INDEX "\",\"manifests\":[{"
		 "\"mediaType\":\"" LSC_MT_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":%zu,"
		 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"},"
		 "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}",
		 man_dg, strlen(man));
	put(dir, "index.json", index, strlen(index));

	snprintf(target, sizeof(target), "oci:%s:1.0", dir);
	cr_assert_eq(lsc_target_parse(&t, target), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_platform_parse(&p, "linux/arm64"), 0);
	lsc_intake_init(&in);
	in.target = &t;
	in.platform = &p;
	in.limits = &lim;
	in.jobs = 2;
	cr_assert_eq(lsc_source_for(t.transport), &lsc_source_oci_layout);
	cr_assert_eq(lsc_source_oci_layout.read(&in), 0, "%s", lsc_error_last());
	cr_assert_str_eq(in.transport, "oci");
	cr_assert_str_eq(in.reference, "1.0");
	cr_assert_str_eq(in.manifest_digest, man_dg);
	cr_assert_str_eq(in.config_digest, cfg_dg);
	cr_assert_str_eq(in.config.arch, "arm64");
	cr_assert_not_null(json_object_get(in.annotations, "org.opencontainers.image.base.name"));
	cr_assert_eq(in.nlayers, 1);
	cr_assert_str_eq(in.layers[0].expect_digest, layer);
	cr_assert_eq(in.layers[0].expect_size, (int64_t)gz.n);
	cr_assert_str_eq(in.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
	cr_assert_not_null(in.layers[0].layer);
	cr_assert_str_eq(in.layers[0].layer->digest, layer);
	cr_assert_str_eq(in.layers[0].layer->diff_id, diff_id);
	lsc_intake_dispose(&in);

	/* a tag the index does not name */
	lsc_target_dispose(&t);
	snprintf(target, sizeof(target), "oci:%s:2.0", dir);
	cr_assert_eq(lsc_target_parse(&t, target), 0, "%s", lsc_error_last());
	lsc_intake_init(&in);
	in.target = &t;
	in.platform = &p;
	in.limits = &lim;
	cr_assert_eq(lsc_source_oci_layout.read(&in), -LSC_E_NOT_FOUND);
	cr_assert_not_null(strstr(lsc_error_last(), "no image tagged 2.0"));
	lsc_intake_dispose(&in);
	lsc_target_dispose(&t);
	snprintf(sub, sizeof(sub), "rm -rf '%s'", dir);
	cr_assert_eq(system(sub), 0);
	tu_free(&tar);
	tu_free(&gz);
}

/* What every source does with an image's metadata (pull.h). */
#include "pull.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <string.h>

const char *lsc_pull_media_type(enum lsc_compression c)
{
	switch (c) {
	case LSC_COMP_GZIP:
		return "application/vnd.docker.image.rootfs.diff.tar.gzip";
	case LSC_COMP_ZSTD:
		return "application/vnd.oci.image.layer.v1.tar+zstd";
	default:
		return LSC_MT_DOCKER_LAYER;
	}
}

int lsc_pull_resolve_index(struct lsc_manifest *manifest, struct lsc_intake *in,
			   const void *index_json, size_t n, const char *index_name,
			   const char *tag, const struct lsc_blob_getter *g)
{
	struct lsc_manifest_choice c;
	int rc;

	memset(manifest, 0, sizeof(*manifest));
	rc = lsc_manifest_resolve(&c, index_json, n, index_name, in->platform, tag, g);
	if (rc < 0) {
		return rc;
	}
	if (c.ref_name && !in->reference) {
		rc = lsc_intake_set_str(&in->reference, c.ref_name);
	}
	if (rc == 0 && c.index_annotations && !in->index_annotations) {
		in->index_annotations = json_incref(c.index_annotations);
	}
	if (rc == 0 && c.digest[0]) {
		rc = lsc_intake_set_str(&in->manifest_digest, c.digest);
	}
	if (rc == 0) {
		*manifest = c.manifest;
		memset(&c.manifest, 0, sizeof(c.manifest));
	}
	lsc_manifest_choice_dispose(&c);
	return rc;
}

int lsc_pull_use_manifest(struct lsc_intake *in, const struct lsc_manifest *m,
			  const struct lsc_blob_getter *g)
{
	struct lsc_buf buf;
	char name[LSC_DIGEST_MAX + 16];
	int rc;

	if (m->annotations && !in->annotations) {
		in->annotations = json_incref(m->annotations);
	}
	lsc_buf_init(&buf, LSC_MAX_CONFIG);
	rc = g->get(&buf, m->config.digest, LSC_MAX_CONFIG, g->payload);
	if (rc == 0) {
		snprintf(name, sizeof(name), "config %s", m->config.digest);
		rc = lsc_intake_set_config(in, buf.data, buf.len, name, m->config.digest);
	}
	lsc_buf_dispose(&buf);
	if (rc == 0) {
		rc = lsc_intake_set_layers(in, m->nlayers);
	}
	for (size_t i = 0; rc == 0 && i < m->nlayers; i++) {
		struct lsc_image_layer *il = &in->layers[i];

		snprintf(il->expect_digest, sizeof(il->expect_digest), "%s", m->layers[i].digest);
		il->expect_size = m->layers[i].size;
		rc = lsc_intake_set_str(&il->media_type, m->layers[i].media_type);
	}
	return rc;
}

size_t lsc_pull_first_of(const struct lsc_manifest *m, size_t i)
{
	for (size_t k = 0; k < i; k++) {
		if (strcmp(m->layers[k].digest, m->layers[i].digest) == 0) {
			return k;
		}
	}
	return i;
}

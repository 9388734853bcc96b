/*
 * docker://REF and bare references: an image in a registry. The manifest (through an index, by
 * --platform) and the config are fetched whole, bounded and verified; layers stream from the
 * network into the layer pipeline, in parallel, and nothing is written to disk.
 */
#include "util/error.h"
#include "lib/registry/reference.h"
#include "lib/registry/registry.h"
#include "source.h"
#include "pull.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct remote {
	struct lsc_registry *reg;
	const struct lsc_reference *ref;
	const struct lsc_manifest *m;
};

/* Child manifests of an index, by digest. */
static int get_manifest(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	struct remote *rm = payload;
	char got[LSC_DIGEST_MAX];

	(void)max; /* out's bound */
	return lsc_registry_manifest(rm->reg, digest, out, got);
}

static int get_blob(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	struct remote *rm = payload;

	(void)max;
	return lsc_registry_blob(rm->reg, digest, out);
}

static int layer_job(struct lsc_intake *in, size_t i, void *payload)
{
	struct remote *rm = payload;
	const struct lsc_descriptor *d = &rm->m->layers[i];
	struct lsc_istream *blob;
	char name[LSC_REFERENCE_NAME_MAX + LSC_DIGEST_MAX + 2];
	int rc;

	if (lsc_pull_first_of(rm->m, i) != i) {
		return 0; /* the same blob again: fetched and scanned once */
	}
	rc = lsc_registry_blob_open(&blob, rm->reg, d->digest, d->size);
	if (rc < 0) {
		return rc;
	}
	/* every message about the layer names the registry, the repository and the digest */
	snprintf(name, sizeof(name), "%s/%s@%s", rm->ref->registry, rm->ref->repository, d->digest);
	return lsc_intake_blob(&in->layers[i].layer, in, blob, name);
}

static int registry_read(struct lsc_intake *in)
{
	/* the scanned image's own registry: the one LAYERSCAN_USERNAME/PASSWORD are for */
	struct lsc_registry_options o = {
	    .authfile = in->authfile, .insecure = in->insecure, .env_credentials = true};
	struct lsc_reference ref;
	struct remote rm = {0};
	struct lsc_blob_getter manifests = {get_manifest, &rm}, blobs = {get_blob, &rm};
	struct lsc_manifest m;
	struct lsc_buf buf;
	char digest[LSC_DIGEST_MAX], name[600], *canon = NULL;
	int rc;

	rc = lsc_reference_parse(&ref, in->target->ref);
	if (rc < 0) {
		return rc;
	}
	rm.ref = &ref;
	rc = lsc_registry_new(&rm.reg, &ref, &o);
	if (rc < 0) {
		lsc_reference_dispose(&ref);
		return rc;
	}
	lsc_buf_init(&buf, LSC_MAX_MANIFEST);
	rc = lsc_intake_set_str(&in->transport, "registry");
	if (rc == 0) {
		rc = lsc_reference_string(&canon, &ref);
	}
	if (rc == 0) {
		rc = lsc_intake_set_str(&in->reference, canon);
		free(canon);
	}
	if (rc == 0) {
		rc = lsc_registry_manifest(rm.reg, lsc_reference_manifest_ref(&ref), &buf, digest);
	}
	if (rc == 0) {
		/* the top level's digest; an index replaces it with the chosen image's */
		rc = lsc_intake_set_str(&in->manifest_digest, digest);
	}
	if (rc == 0) {
		snprintf(name, sizeof(name), "registry %s: manifest %s of %s", ref.registry,
			 lsc_reference_manifest_ref(&ref), ref.repository);
		rc = lsc_pull_resolve_index(&m, in, buf.data, buf.len, name, NULL, &manifests);
	}
	lsc_buf_dispose(&buf);
	if (rc == 0) {
		rm.m = &m;
		rc = lsc_pull_use_manifest(in, &m, &blobs);
		if (rc == 0) {
			rc = lsc_intake_parallel(in, m.nlayers, layer_job, &rm);
		}
		for (size_t i = 0; rc == 0 && i < m.nlayers; i++) {
			in->layers[i].layer = in->layers[lsc_pull_first_of(&m, i)].layer;
		}
		lsc_manifest_dispose(&m);
	}
	lsc_registry_free(rm.reg);
	lsc_reference_dispose(&ref);
	return rc;
}

const struct lsc_source_ops lsc_source_registry = {"registry", registry_read};

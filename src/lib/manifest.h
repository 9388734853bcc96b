/*
 * Manifests: OCI and Docker image manifests and indexes, their descriptors, the choice of an
 * index entry, and the one OCI index resolution every source and the stale-base detector share.
 * Parsed from bounded buffers with every field checked.
 */
#ifndef LSC_LIB_MANIFEST_H
#define LSC_LIB_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "platform.h"
#include "util/buf.h"

#define LSC_MAX_MANIFEST (4u << 20) /* manifests, indexes, manifest.json */
#define LSC_MAX_LAYERS 1024u	    /* layers per image: manifest, config, manifest.json */
#define LSC_MAX_INDEX_DEPTH 4

#define LSC_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define LSC_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define LSC_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define LSC_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define LSC_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"

struct lsc_descriptor {
	char *media_type; /* may be NULL */
	char digest[LSC_DIGEST_MAX];
	int64_t size;					      /* -1 when unknown */
	char *platform_os, *platform_arch, *platform_variant; /* index entries only, may be NULL */
	char *ref_name;	  /* org.opencontainers.image.ref.name, may be NULL */
	bool attestation; /* an attestation manifest (BuildKit's), never an image to scan */
};

void lsc_descriptor_dispose(struct lsc_descriptor *d);

enum lsc_manifest_kind { LSC_MANIFEST_IMAGE = 1, LSC_MANIFEST_INDEX };

struct lsc_manifest {
	enum lsc_manifest_kind kind;
	char *media_type;
	/* image manifest */
	struct lsc_descriptor config;
	struct lsc_descriptor *layers;
	size_t nlayers;
	/* index */
	struct lsc_descriptor *manifests;
	size_t nmanifests;
	json_t *annotations; /* owned reference, may be NULL */
};

/*
 * Parses an OCI or Docker image manifest or index (mediaType, or the shape when it is absent).
 * Schema 1 and artifacts are -LSC_E_UNSUPPORTED. name names the document in errors.
 */
int lsc_manifest_parse(struct lsc_manifest *out, const void *p, size_t n, const char *name);
void lsc_manifest_dispose(struct lsc_manifest *m);

/*
 * Picks the index entry to scan: the one whose ref name is tag when tag is set, else the one for
 * the platform (attestations skipped); an index with a single image entry and no platform is
 * taken as is. *out is borrowed from the index. -LSC_E_NOT_FOUND (detail lists what there is).
 */
int lsc_manifest_select(const struct lsc_descriptor **out, const struct lsc_manifest *index,
			const struct lsc_platform *want, const char *tag, const char *name);

/* Reads the whole blob `digest` (at most max bytes) into out, verified against the digest. */
struct lsc_blob_getter {
	int (*get)(struct lsc_buf *out, const char *digest, size_t max, void *payload);
	void *payload;
};

/* What lsc_manifest_resolve() chose. */
struct lsc_manifest_choice {
	struct lsc_manifest manifest; /* the image manifest to scan */
	char digest[LSC_DIGEST_MAX];  /* its digest; "" when the document was that manifest */
	char *ref_name;		      /* the top-level entry's ref name, owned, may be NULL */
	json_t *index_annotations;    /* the top-level index's, owned reference, may be NULL */
};

/*
 * The one OCI index resolution, for the sources and the stale-base detector alike: from a
 * manifest or index document (json, n bytes, named name in errors) to the image manifest for
 * want, through nested indexes (at most LSC_MAX_INDEX_DEPTH), each level chosen by
 * lsc_manifest_select() (tag, when set, names an entry of the top-level index only). Child
 * documents are read through g, bounded by LSC_MAX_MANIFEST; nothing else is touched. *out is
 * the caller's to dispose with lsc_manifest_choice_dispose(), on success only.
 */
int lsc_manifest_resolve(struct lsc_manifest_choice *out, const void *json, size_t n,
			 const char *name, const struct lsc_platform *want, const char *tag,
			 const struct lsc_blob_getter *g);
void lsc_manifest_choice_dispose(struct lsc_manifest_choice *c);

#endif

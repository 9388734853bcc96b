/*
 * The image model: OCI and Docker manifests, indexes, image configs, and docker save's
 * manifest.json, parsed from bounded buffers with every field checked. Sources fill these; the
 * scan and the detectors read them.
 */
#ifndef LSC_LIB_IMAGE_H
#define LSC_LIB_IMAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "util/buf.h"

#define LSC_MAX_MANIFEST (4u << 20) /* manifests, indexes, manifest.json */
#define LSC_MAX_CONFIG (8u << 20)   /* image configs */
#define LSC_MAX_LAYERS 1024u
#define LSC_MAX_INDEX_DEPTH 4

#define LSC_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define LSC_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define LSC_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define LSC_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define LSC_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"

struct lsc_platform {
	char os[32];
	char arch[32];
	char variant[32]; /* "" when none */
};

/* "os/arch[/variant]"; NULL or "" is linux/amd64. -LSC_E_USAGE on a malformed value. */
int lsc_platform_parse(struct lsc_platform *out, const char *s);
/* Matching as docker does: arm64 with no variant matches v8, arm with no variant matches v7. */
bool lsc_platform_match(const struct lsc_platform *want, const char *os, const char *arch,
			const char *variant);
void lsc_platform_format(char *out, size_t n, const struct lsc_platform *p);

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

struct lsc_history {
	char *created;
	char *created_by;
	bool empty_layer;
};

struct lsc_config {
	char *os, *arch, *variant;
	char *created;
	char *user; /* "" when unset */
	char **diff_ids;
	size_t ndiff_ids;
	struct lsc_history *history;
	size_t nhistory;
	json_t *json;	   /* the whole document, owned reference */
	json_t *container; /* its "config" object, borrowed from json, may be NULL */
};

int lsc_config_parse(struct lsc_config *out, const void *p, size_t n, const char *name);
void lsc_config_dispose(struct lsc_config *c);

/* The created_by of the history entry that made layer i (empty_layer entries skipped), or NULL. */
const char *lsc_config_layer_created_by(const struct lsc_config *c, size_t i);

/* One image of docker save's manifest.json. */
struct lsc_save_image {
	char *config;  /* archive path of the config */
	char **layers; /* archive paths of the layers, in order */
	size_t nlayers;
	char **repo_tags;
	size_t nrepo_tags;
};

struct lsc_save_manifest {
	struct lsc_save_image *images;
	size_t nimages;
};

int lsc_save_manifest_parse(struct lsc_save_manifest *out, const void *p, size_t n,
			    const char *name);
void lsc_save_manifest_dispose(struct lsc_save_manifest *m);

#endif

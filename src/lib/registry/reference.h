/*
 * Image references ("alpine", "ghcr.io/org/app:1.2", "127.0.0.1:5000/team/app@sha256:..."), with
 * the grammar of distribution/reference that docker and skopeo share, normalised the way docker
 * normalises Docker Hub names.
 */
#ifndef LSC_LIB_REFERENCE_H
#define LSC_LIB_REFERENCE_H

/* Bounds of the grammar. */
#define LSC_REFERENCE_NAME_MAX 255 /* registry + "/" + repository, after normalisation */
#define LSC_REFERENCE_TAG_MAX 128
#define LSC_REFERENCE_INPUT_MAX 1024 /* the whole string, "docker://" prefix included */

/* Every member is owned by the reference and freed by lsc_reference_dispose(). */
struct lsc_reference {
	char *registry; /* "docker.io" (normalised for Docker Hub), "ghcr.io", "127.0.0.1:5000",
			   "localhost", "[::1]:5000": as written otherwise */
	char *host;	/* where to connect: "registry-1.docker.io" for docker.io, else registry */
	char *repository; /* "library/alpine", "team/app" (lowercase, as validated) */
	char *tag;	  /* "latest" when neither tag nor digest is given; NULL when only a digest
			     is */
	char *digest;	  /* "sha256:<64 lowercase hex>", or NULL */
};

/*
 * Parses s, with or without a "docker://" prefix. The first path component is the registry when
 * it contains '.' or ':' or is exactly "localhost"; otherwise the registry is docker.io, and a
 * one-component repository there gets "library/". "index.docker.io" and "registry-1.docker.io"
 * are spelled "docker.io". On success every member of *out is the caller's, freed with
 * lsc_reference_dispose(); on failure *out holds nothing to free.
 * -LSC_E_USAGE (detail says why) on an empty or malformed reference: uppercase or otherwise bad
 * repository path components, a bad registry host or port, a bad or empty tag (over 128
 * characters), a name over 255 characters, a 64-hex-digit name (an image ID, as docker rejects),
 * a malformed digest (sha256 needs 64 lowercase hex digits). -LSC_E_UNSUPPORTED for a
 * well-formed digest of another algorithm (sha512, md5, ...).
 */
int lsc_reference_parse(struct lsc_reference *out, const char *s);

/* Frees every member and sets it to NULL; disposing twice is harmless. */
void lsc_reference_dispose(struct lsc_reference *r);

/*
 * The canonical form: "docker.io/library/alpine:3.20", "REGISTRY/REPO@sha256:...", or
 * "REGISTRY/REPO:TAG@sha256:..." when both are set. *out is the caller's to free(). 0 or -ENOMEM.
 */
int lsc_reference_string(char **out, const struct lsc_reference *r);

/*
 * The ref to ask the registry's manifest endpoint for: the digest when there is one, else the
 * tag. Borrowed from r.
 */
const char *lsc_reference_manifest_ref(const struct lsc_reference *r);

#endif

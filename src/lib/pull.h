/*
 * What every source does with an image's metadata, below the source table (source.c) so that no
 * source calls back up into it: from an index to an image manifest, config and layer list, over
 * whatever stores the blobs (an archive already read, a directory, a registry).
 */
#ifndef LSC_LIB_PULL_H
#define LSC_LIB_PULL_H

#include "manifest.h"
#include "intake.h"
#include "util/buf.h"

/*
 * From an OCI index (index_json, n bytes): the image manifest to scan, by ref name (tag) or
 * --platform, through nested indexes (lsc_manifest_resolve()). Parses it into *manifest (the
 * caller's to dispose) and records its digest and the reference in the intake.
 */
int lsc_pull_resolve_index(struct lsc_manifest *manifest, struct lsc_intake *in,
			   const void *index_json, size_t n, const char *index_name,
			   const char *tag, const struct lsc_blob_getter *g);

/*
 * From an image manifest: fetches and verifies the config, and sizes in->layers with the
 * digests, sizes and media types the manifest promises. The source then sets each ->layer.
 */
int lsc_pull_use_manifest(struct lsc_intake *in, const struct lsc_manifest *m,
			  const struct lsc_blob_getter *g);

/*
 * The first position in m of the layer at position i's digest: a blob that several layers share
 * is read and scanned once, at its first position, and attached to the others.
 */
size_t lsc_pull_first_of(const struct lsc_manifest *m, size_t i);

/* The layer media type for a blob read without a manifest descriptor (docker save). */
const char *lsc_pull_media_type(enum lsc_compression c);

#endif

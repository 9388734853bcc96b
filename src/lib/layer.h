/*
 * One layer blob through the pipeline:
 *
 *   blob -> sha256 (digest) -> decompress by magic -> sha256 (diff_id) -> tar walk -> detectors
 *
 * The result holds what the rest of the scan needs once the layer's place in the image is known:
 * its digests, its overlay record, its findings (with entry positions, for the overlay), the
 * final-image files detectors asked to capture, and the per-layer state of each detector.
 * Nothing of the layer's content is kept beyond those bounded captures.
 */
#ifndef LSC_LIB_LAYER_H
#define LSC_LIB_LAYER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "detect.h"
#include "digest.h"
#include "util/error.h"
#include "overlay.h"
#include "compression.h"
#include "stream.h"
#include "util/buf.h"

#define LSC_MAX_CAPTURE (512u << 10) /* /etc/passwd, os-release and the like */

/*
 * A finding of one layer. f.path is borrowed from the layer (its fpaths arena: one copy per
 * distinct path); f.match and f.detail are owned. A slot whose f.rule is NULL holds no finding
 * (dropped over a cap).
 */
struct lsc_found {
	struct lsc_finding f; /* layer_index, layer_digest, in_final_image filled at assembly */
	uint64_t seq;	      /* the entry's index in its layer */
	bool dir;	      /* about a directory tree, not one file's content */
	size_t next; /* index + 1 of the next slot of the same severity, or free; 0: none */
};

struct lsc_capture {
	const char *path; /* static, from a detector's capture list */
	uint64_t seq;
	struct lsc_buf data;
	bool truncated;
	bool present;
};

/*
 * Findings kept per layer by default, and the bytes of their text (paths, details, matches):
 * whichever is reached first. A finding costs about 250 bytes here and 2 KB on its way out (the
 * report's copy, the JSON tree, the formatted text), and its text about four times over: 10,000
 * findings or 4 MiB of text stay well under 64 MiB (measured: README, "Limits").
 */
#define LSC_LAYER_MAX_FINDINGS 10000u
#define LSC_LAYER_MAX_FINDING_TEXT (4u << 20)

struct lsc_layer_limits {
	uint64_t max_entries;	   /* tar entries per layer */
	uint64_t max_uncompressed; /* bytes per layer: decompression bombs */
	uint64_t max_findings;	   /* findings kept per layer; 0: LSC_LAYER_MAX_FINDINGS */
	/*
	 * The findings (and bytes of their text) kept by all the layers of a scan, updated
	 * atomically by each, and their bounds: over one, a layer only replaces its own findings
	 * of a lower severity. NULL: no bound across layers.
	 */
	size_t *scan_found, *scan_text;
	size_t max_scan_found, max_scan_text;
};

/*
 * Findings kept by all the layers of one scan, before the report's own cap: 1024 layers could
 * otherwise keep 10,000 each. About 6 MiB of storage here.
 */
#define LSC_SCAN_MAX_FINDINGS 25000u
#define LSC_SCAN_MAX_FINDING_TEXT (16u << 20)

struct lsc_layer {
	char *name; /* the blob's name in its source: an archive path or a digest */
	char digest[LSC_DIGEST_MAX];  /* of the blob bytes, once read to the end */
	char diff_id[LSC_DIGEST_MAX]; /* of the uncompressed tar */
	uint64_t size, bytes_uncompressed, files;
	enum lsc_compression compression;
	struct lsc_overlay_layer ov;
	struct lsc_found *found;
	size_t nfound, capfound;
	/*
	 * Past max_found findings (or LSC_LAYER_MAX_FINDING_TEXT bytes of their text), a finding
	 * replaces kept ones of a lower severity or is dropped: either way each one gone is counted
	 * in truncated, and truncated_severity is the highest severity among them. Kept findings
	 * are always the layer's most severe.
	 */
	size_t max_found, nlive;
	size_t text, max_text;
	size_t *scan_found, *scan_text; /* lim's, borrowed */
	size_t max_scan_found, max_scan_text;
	uint64_t truncated;
	enum lsc_severity truncated_severity;
	size_t sev_head[LSC_SEV_CRITICAL + 1]; /* kept findings of each severity: a stack */
	size_t free_head;		       /* slots that hold none: a stack */
	struct lsc_strmap fpaths;	       /* the paths of findings (interned) */
	struct lsc_strmap folds; /* hash of rule, severity, path, value -> index + 1 (emit.c) */
	struct lsc_capture *captures;
	size_t ncaptures;
	void *dstate[LSC_MAX_DETECTORS];
	int err; /* 0, or why the pipeline failed */
	char errmsg[LSC_ERRMSG_MAX];
};

typedef void (*lsc_layer_progress_cb)(const struct lsc_layer *l, uint64_t bytes, bool done,
				      void *payload);

/*
 * *out is the caller's to free with lsc_layer_free(). shared: the scan's per-detector shared
 * states (borrowed, LSC_MAX_DETECTORS of them, must outlive the layer), or NULL.
 */
int lsc_layer_new(struct lsc_layer **out, const char *name, const struct lsc_layer_limits *lim,
		  void *const *shared);
void lsc_layer_free(struct lsc_layer *l);

/*
 * Runs the pipeline over blob (owned: closed here, whatever happens) and reads it to its end.
 * On failure l->err and l->errmsg say why (the message names the blob) and the code is returned.
 */
int lsc_layer_scan(struct lsc_layer *l, struct lsc_istream *blob,
		   const struct lsc_layer_limits *lim, lsc_layer_progress_cb progress,
		   void *payload);

/*
 * The capture of path in this layer, or NULL. Inline: the image stage (stage.c), which the
 * detectors call, reads captures without calling back into layer.c.
 */
static inline const struct lsc_capture *lsc_layer_capture(const struct lsc_layer *l,
							  const char *path)
{
	for (size_t i = 0; i < l->ncaptures; i++) {
		if (strcmp(l->captures[i].path, path) == 0) {
			return &l->captures[i];
		}
	}
	return NULL;
}

#endif

/*
 * The scan: what a source fills in, and the assembly that turns scanned layers into a report.
 *
 * A source (source_*.c) reads the target, parses manifest and config into s->config, scans layer
 * blobs with lsc_scan_blob() (in parallel with lsc_scan_parallel() where it can), and lists the
 * image's layers in order in s->ilayers with the digests its manifest promised. Assembly then
 * verifies every digest and diff_id, resolves the overlay, runs the image stage of every
 * detector and builds the report: no finding of a layer is published unless its digests verified.
 */
#ifndef LSC_LIB_SCAN_H
#define LSC_LIB_SCAN_H

#include <pthread.h>
#include <stdatomic.h>

#include "detect.h"
#include "image.h"
#include "layer.h"
#include "policy.h"
#include "target.h"

struct lsc_image_layer {
	struct lsc_layer *layer;           /* borrowed from s->owned; two positions may share one */
	char expect_digest[LSC_DIGEST_MAX]; /* "" when the source knows none */
	int64_t expect_size;               /* -1 when unknown */
	char *media_type;                  /* owned */
};

struct lsc_scan {
	char *target_str, *platform_str, *authfile_str, *base_str, *policy_str, *baseline_str;
	char *creds_for_str;
	struct lsc_baseline *baseline; /* --baseline, loaded when the scan runs */
	struct lsc_policy *policy; /* loaded from opts.policy by lsc_scan_run(), or NULL; owned */
	struct lsc_scan_options opts; /* strings point at the copies above */
	struct lsc_target target;
	struct lsc_platform platform;
	unsigned jobs;
	struct lsc_layer_limits limits;
	size_t layer_found, layer_text; /* findings kept by all layers (limits.scan_*, atomic) */
	char errmsg[LSC_ERRMSG_MAX];
	bool ran, ok;
	struct lsc_report report;

	/* filled by the source */
	struct lsc_config config;
	bool have_config;
	struct lsc_image_layer *ilayers;
	size_t nilayers;
	struct lsc_layer **owned;
	size_t nowned, capowned;
	pthread_mutex_t lock; /* owned[] and progress from worker threads */
	atomic_bool cancel;

	json_t *annotations; /* the image manifest's, owned reference, may be NULL */
	json_t *index_annotations; /* the top-level index's when there is one, owned, may be NULL */
	void *dshared[LSC_MAX_DETECTORS]; /* each detector's scan_new() state, owned */

	/* the image stage */
	struct lsc_overlay_layer **ovl;
	struct lsc_finding *ifound;
	size_t nifound, capifound;
	/* image-stage findings past MAX_IMAGE_FINDINGS: counted, never kept, never silent */
	uint64_t itruncated;
	enum lsc_severity itruncated_sev;
};

/* Sources: a table like the detectors' (source.c). */
struct lsc_source_ops {
	const char *name;
	/* fills the scan from s->target; returns 0 or a negative code with the detail set */
	int (*read)(struct lsc_scan *s);
};

/* The source for a transport, or NULL. */
const struct lsc_source_ops *lsc_source_for(enum lsc_transport t);

/*
 * Runs blob (owned) through the layer pipeline. *out is owned by the scan (freed with it), set
 * even when the pipeline fails: then (*out)->err and errmsg say why, and the code is returned.
 */
int lsc_scan_blob(struct lsc_layer **out, struct lsc_scan *s, struct lsc_istream *blob,
		  const char *name);

/*
 * Frees l, a layer of lsc_scan_blob() that the image turned out not to use (an archive member
 * its manifest does not name), so that what a scan retains is only what it may report.
 */
void lsc_scan_blob_drop(struct lsc_scan *s, struct lsc_layer *l);

/*
 * Runs job(s, i, payload) for i in [0, n) on up to s->jobs threads. Returns the error of the
 * lowest-numbered job that failed (its detail set on this thread), else 0; once a job fails, jobs
 * not yet started are skipped.
 */
int lsc_scan_parallel(struct lsc_scan *s, size_t n,
		      int (*job)(struct lsc_scan *s, size_t i, void *payload), void *payload);

/* Sizes the image layer list; entries zeroed, expect_size -1. */
int lsc_scan_set_layers(struct lsc_scan *s, size_t n);

/* Parses and keeps the config (n bytes at p); records its digest. */
int lsc_scan_set_config(struct lsc_scan *s, const void *p, size_t n, const char *name,
			const char *digest);

void lsc_scan_log(struct lsc_scan *s, enum lsc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets a report string field (copied; NULL clears). */
int lsc_scan_set_str(char **field, const char *value);

/* For the os detector. */
void lsc_scan_set_os(struct lsc_scan *s, struct lsc_os_info *os);

#endif

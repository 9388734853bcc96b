/*
 * The intake: the one thing a source (source_*.c) is given. The orchestrator (scan.c) sets what
 * the source may read (the target, the platform, registry options, the layer limits and the
 * detectors' shared states, the callbacks), runs the source, then assembles the report from what
 * the source left here: the config, the image's layers in order with the digests its manifest
 * promised, the identity of the image, and the layers scanned (owned here).
 *
 * A source parses manifest and config into the intake (lsc_intake_set_config), scans layer blobs
 * with lsc_intake_blob() (in parallel with lsc_intake_parallel() where it can), and lists the
 * layers with lsc_intake_set_layers(). Nothing here verifies a layer: assembly does.
 */
#ifndef LSC_LIB_INTAKE_H
#define LSC_LIB_INTAKE_H

#include <pthread.h>
#include <stdatomic.h>

#include "config.h"
#include "platform.h"
#include "layer.h"
#include "target.h"

struct lsc_image_layer {
	struct lsc_layer *layer;	    /* borrowed from owned; two positions may share one */
	char expect_digest[LSC_DIGEST_MAX]; /* "" when the source knows none */
	int64_t expect_size;		    /* -1 when unknown */
	char *media_type;		    /* owned */
};

struct lsc_intake {
	/* set before the source runs, read only there; all borrowed from the orchestrator */
	const struct lsc_target *target;
	const struct lsc_platform *platform; /* --platform parsed (linux/amd64 when none) */
	const char *platform_opt;	     /* --platform as given, NULL when none */
	const char *authfile;
	bool insecure;
	unsigned jobs; /* lsc_intake_parallel()'s threads, 1..64 */
	const struct lsc_layer_limits *limits;
	void *const *dshared;	  /* the detectors' scan_new() states, LSC_MAX_DETECTORS */
	lsc_log_cb log;		  /* may be NULL */
	lsc_progress_cb progress; /* may be NULL */
	void *payload;

	/* filled by the source; all owned */
	char *transport, *reference, *manifest_digest, *config_digest;
	struct lsc_config config;
	bool have_config;
	json_t *annotations;	   /* the image manifest's, may be NULL */
	json_t *index_annotations; /* the top-level index's, may be NULL */
	struct lsc_image_layer *layers;
	size_t nlayers;
	struct lsc_layer **owned; /* every layer of lsc_intake_blob() not dropped */
	size_t nowned, capowned;
	pthread_mutex_t lock; /* owned[] and progress, from worker threads */
	atomic_bool cancel;
};

/* Caller-owned storage: zeroed, the lock made. */
void lsc_intake_init(struct lsc_intake *in);
/* Frees what the source filled in and every owned layer. */
void lsc_intake_dispose(struct lsc_intake *in);

/*
 * Runs blob (owned) through the layer pipeline. *out is owned by the intake (freed with it), set
 * even when the pipeline fails: then (*out)->err and errmsg say why, and the code is returned.
 */
int lsc_intake_blob(struct lsc_layer **out, struct lsc_intake *in, struct lsc_istream *blob,
		    const char *name);

/*
 * Frees l, a layer of lsc_intake_blob() that the image turned out not to use (an archive member
 * its manifest does not name), so that what a scan retains is only what it may report.
 */
void lsc_intake_blob_drop(struct lsc_intake *in, struct lsc_layer *l);

/*
 * Runs job(in, i, payload) for i in [0, n) on up to in->jobs threads. Returns the error of the
 * lowest-numbered job that failed (its detail set on this thread), else 0; once a job fails, jobs
 * not yet started are skipped.
 */
int lsc_intake_parallel(struct lsc_intake *in, size_t n,
			int (*job)(struct lsc_intake *in, size_t i, void *payload), void *payload);

/* Sizes the image layer list; entries zeroed, expect_size -1. */
int lsc_intake_set_layers(struct lsc_intake *in, size_t n);

/* Parses and keeps the config (n bytes at p), checked against digest when set; records its own. */
int lsc_intake_set_config(struct lsc_intake *in, const void *p, size_t n, const char *name,
			  const char *digest);

void lsc_intake_log(struct lsc_intake *in, enum lsc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets a string field (copied; NULL clears): 0 or -ENOMEM. */
int lsc_intake_set_str(char **field, const char *value);

#endif

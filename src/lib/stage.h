/*
 * The image stage: what a detector's scan_new() and image() are given (detect.h), and where
 * image() reports. The scan (scan.c) owns one, fills its read-only half as it learns the image
 * (the options and policy before scan_new(), the config, annotations, layers and overlay before
 * image()), and takes the findings out of it when it builds the report. A detector reads the
 * fields and calls the functions below; it never sees the scan.
 */
#ifndef LSC_LIB_STAGE_H
#define LSC_LIB_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "layerscan/layerscan.h"
#include "tar.h"

struct lsc_config;
struct lsc_image_layer;
struct lsc_overlay_layer;
struct lsc_policy;
struct lsc_target;

#define LSC_STAGE_MAX_FINDINGS 100000u /* image-stage findings kept; past it counted only */

struct lsc_stage {
	/* read only for the detectors; all borrowed from the scan */
	const struct lsc_scan_options *opts; /* base, authfile, insecure, offline, creds_for */
	const struct lsc_policy *policy;     /* or NULL */
	const struct lsc_target *target;
	/* from here on set before the first image(), not yet at scan_new() */
	const struct lsc_config *config;
	json_t *annotations;	   /* the image manifest's, may be NULL */
	json_t *index_annotations; /* the top-level index's when there is one, may be NULL */
	/* the report being made: its identity (reference) and report.os (lsc_stage_set_os) */
	const struct lsc_report *report;
	const struct lsc_image_layer *layers;
	size_t nlayers;
	struct lsc_overlay_layer **ovl; /* nlayers entries */

	/* the scan's, and what lsc_stage_set_os() writes; not the detectors' to touch */
	struct lsc_os_info *os;
	lsc_log_cb log;
	void *payload;
	/* the findings image() reported, owned until the scan moves them into the report */
	struct lsc_finding *found;
	size_t nfound, capfound;
	/* findings past LSC_STAGE_MAX_FINDINGS: counted, never kept, never silent */
	uint64_t truncated;
	enum lsc_severity truncated_sev;
};

/* Disposes the findings still held (the borrowed fields are the scan's). */
void lsc_stage_dispose(struct lsc_stage *st);

void lsc_stage_log(const struct lsc_stage *st, enum lsc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For the os detector: *os moves into the report (its strings are taken, *os zeroed). */
void lsc_stage_set_os(struct lsc_stage *st, struct lsc_os_info *os);

/* Reports a finding about the image: its config, annotations, or the image as a whole. */
int lsc_stage_emit(struct lsc_stage *st, const struct lsc_rule *rule, enum lsc_severity sev,
		   enum lsc_location src, const char *path, const char *match, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/*
 * Reports a finding about a regular file of the final image that image() found with
 * lsc_stage_final_lookup(): path (as resolved) in layer `layer`, in_final_image true.
 */
int lsc_stage_emit_final(struct lsc_stage *st, const struct lsc_rule *rule, enum lsc_severity sev,
			 size_t layer, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Whether path is a regular file of the final image (symlinks followed), without its content:
 * 0 with *layer, the layer whose file is seen there, and resolved (LSC_PATH_MAX bytes) its path;
 * -LSC_E_NOT_FOUND when nothing, or no regular file, is there.
 */
int lsc_stage_final_lookup(size_t *layer, char resolved[LSC_PATH_MAX], const struct lsc_stage *st,
			   const char *path);

/*
 * The content of path as a container of the final image sees it (symlinks followed), if a
 * detector listed it in capture. *p is borrowed from the scan. -LSC_E_NOT_FOUND when absent.
 * *truncated says the file was larger than the capture bound.
 */
int lsc_stage_final_file(const uint8_t **p, size_t *n, bool *truncated, const struct lsc_stage *st,
			 const char *path);

#endif

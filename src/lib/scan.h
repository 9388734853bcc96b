/*
 * The scan: the orchestrator. It makes an intake (intake.h), hands it to the source for the
 * target (source.h), which fills it, then assembles the report from it: verifies every digest and
 * diff_id, resolves the overlay, runs the image stage of every detector and builds the report.
 * No finding of a layer is published unless its digests verified.
 */
#ifndef LSC_LIB_SCAN_H
#define LSC_LIB_SCAN_H

#include "detect.h"
#include "config.h"
#include "platform.h"
#include "intake.h"
#include "layer.h"
#include "policy.h"
#include "stage.h"
#include "target.h"

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

	/* what the source filled in: the layers stay in the intake, owned there */
	struct lsc_intake in;
	/* taken over from the intake once the source is done, for the detectors; owned */
	struct lsc_config config;
	bool have_config;
	json_t *annotations;		  /* the image manifest's, may be NULL */
	json_t *index_annotations;	  /* the top-level index's when there is one, may be NULL */
	void *dshared[LSC_MAX_DETECTORS]; /* each detector's scan_new() state, owned */

	/* the image stage: what the detectors read (filled as the scan goes), and what image()
	   reported */
	struct lsc_stage stage;
	struct lsc_overlay_layer **ovl;
};

void lsc_scan_log(struct lsc_scan *s, enum lsc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

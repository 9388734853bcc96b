/*
 * Detectors: small ops structs listed in one static table (detect.c), like curl's content
 * decoders. A detector sees the entries of every layer as they stream by (entry_begin, then
 * optionally every data block, then entry_end with a bounded prefix of the content), and the
 * whole image once every layer is verified (image). It reports through lsc_emit_finding() and
 * lsc_stage_emit(); it never prints. What it may read of the scan is the image stage it is handed
 * (stage.h: the options, the policy, the target, the config, the annotations, the layers); it
 * never sees struct lsc_scan.
 *
 * The walker reads each entry once and hands the same blocks to every detector that asked for
 * them: one read, many consumers, instead of one stream per detector.
 *
 * Threads: entry callbacks of different layers run in parallel, each with its own layer state
 * from layer_new(); image() runs once, on the scan's thread. State that every layer of a scan
 * shares (scan_new(), handed to each layer_new()) is the detector's to lock.
 */
#ifndef LSC_LIB_DETECT_H
#define LSC_LIB_DETECT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layerscan/layerscan.h"
#include "emit.h"
#include "stage.h"
#include "tar.h"

struct lsc_layer;

#define LSC_MAX_PREFIX (1u << 20) /* the most content any detector gets at entry_end */

struct lsc_want {
	size_t prefix; /* bytes of content wanted at entry_end (capped at LSC_MAX_PREFIX) */
	bool stream;   /* entry_data receives every block of the entry */
};

struct lsc_detector_ops {
	const char *name;
	const struct lsc_rule *rules;
	size_t nrules;
	const size_t *nrules_ref; /* instead of nrules, for a generated table of unknown size */
	/* NULL-terminated paths whose final-image content image() reads, or NULL */
	const char *const *capture;
	/*
	 * NULL-terminated names of the detectors whose image() must have run before this one's
	 * (what they fill in the report, this one reads), or NULL. The table lists them earlier;
	 * lsc_detect_order() checks it.
	 */
	const char *const *needs;

	/* all optional */
	/* once per scan, before its first layer; *shared goes to every layer_new() of the scan */
	/* st: the image stage, of which only opts, policy and target are set yet */
	int (*scan_new)(void **shared, const struct lsc_stage *st);
	void (*scan_free)(void *shared);
	/* the detector's share of the report's stats, once every layer is scanned */
	void (*scan_stats)(void *shared, struct lsc_report *r);
	/* shared: from scan_new(), or NULL (no scan_new, or a layer scanned on its own) */
	int (*layer_new)(void **state, void *shared);
	void (*layer_free)(void *state);
	/* every entry but whiteouts; leave *want zeroed to see no content */
	int (*entry_begin)(struct lsc_want *want, void *state, struct lsc_layer *layer,
			   const struct lsc_tar_entry *e);
	int (*entry_data)(void *state, struct lsc_layer *layer, const uint8_t *p, size_t n);
	/* prefix: the first n bytes of the content; whole: n is the entire content */
	int (*entry_end)(void *state, struct lsc_layer *layer, const struct lsc_tar_entry *e,
			 const uint8_t *prefix, size_t n, bool whole);
	/* once the layer's last entry is walked (not when the walk failed) */
	int (*layer_end)(void *state, struct lsc_layer *layer);
	/* st: the image stage, every field set; shared: from scan_new(), or NULL */
	int (*image)(struct lsc_stage *st, void *shared);
};

/* The detector table, NULL-terminated, in report order. */
extern const struct lsc_detector_ops *const lsc_detectors[];

/*
 * 0 when every detector's needs come before it in the table; else -LSC_E_INTERNAL, with a detail
 * naming the detector and the need that is missing or later.
 */
int lsc_detect_order(const struct lsc_detector_ops *const *table);

#define LSC_MAX_DETECTORS 16

#endif

/*
 * Baselines (--baseline REPORT.json): the fingerprints of an earlier JSON report. A finding whose
 * fingerprint is in the baseline is known: it is still reported (marked known) but does not fail
 * the scan. Fingerprints are stable across runs, formats and layer recompression (finding.c), so
 * a rescan of the same image passes and a new secret fails it.
 */
#ifndef LSC_LIB_BASELINE_H
#define LSC_LIB_BASELINE_H

#include <stddef.h>

#include "layerscan/layerscan.h"

#define LSC_BASELINE_MAX_BYTES (64u << 20) /* the earlier report */
#define LSC_BASELINE_MAX_FINDINGS 1000000

struct lsc_baseline;

/*
 * Reads the JSON report at path (its `findings` and `ignored` arrays). -LSC_E_USAGE naming the
 * file when it is missing, too large, or not a layerscan report. *out is the caller's to free.
 */
int lsc_baseline_load(struct lsc_baseline **out, const char *path);
void lsc_baseline_free(struct lsc_baseline *b);

/* Whether fingerprint (32 hex digits) is in the baseline. */
bool lsc_baseline_has(const struct lsc_baseline *b, const char *fingerprint);

/* How many fingerprints the baseline holds. */
size_t lsc_baseline_count(const struct lsc_baseline *b);

#endif

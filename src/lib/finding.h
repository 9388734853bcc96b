/* Findings: names of their enums, redaction, fingerprints, and ownership. */
#ifndef LSC_LIB_FINDING_H
#define LSC_LIB_FINDING_H

#include "layerscan/layerscan.h"

/*
 * Computes f->fingerprint from what identifies a finding whatever the run or the format: rule,
 * location source, the layer's diff_id (so recompressing a layer keeps it), path, and a hash of
 * the matched value (so two secrets in one file differ). Line numbers are left out: editing a
 * file above a secret does not make it a new finding.
 */
void lsc_finding_fingerprint(struct lsc_finding *f);

/* Frees the strings a finding owns (path, match, detail), not the finding. */
void lsc_finding_dispose(struct lsc_finding *f);

/* Deep copy of src into dst; dst's strings are the caller's (lsc_finding_dispose). */
int lsc_finding_copy(struct lsc_finding *dst, const struct lsc_finding *src);

/* Report order: severity (highest first), layer, path, line, rule id. For qsort. */
int lsc_finding_cmp(const void *a, const void *b);

#endif

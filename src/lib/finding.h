/* Findings: names of their enums, redaction, fingerprints, and ownership. */
#ifndef LSC_LIB_FINDING_H
#define LSC_LIB_FINDING_H

#include <stdarg.h>

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

/*
 * The one constructor of a finding, for a layer's (lsc_emit_finding) and the image's
 * (lsc_stage_emit) alike; each keeps its own caps. Sets rule, severity, where (src), line, path and
 * match (both copied; NULL for none: a layer then sets its interned path), detail formatted from
 * fmt (NULL: none; left NULL if formatting fails). layer_index -1, in_final_image false, no
 * fingerprint: the caller makes it once the layer is known. *out's strings are the caller's
 * (lsc_finding_dispose). 0, or -ENOMEM with nothing left to free.
 */
int lsc_finding_init(struct lsc_finding *out, const struct lsc_rule *rule, enum lsc_severity sev,
		     enum lsc_location src, const char *path, long line, const char *match,
		     const char *fmt, va_list ap);

#endif

/*
 * How a detector reports a finding in a file of a layer: into the layer's finding store (the
 * caps of layer.h: the most severe kept, the rest counted, paths interned), written by emit.c.
 */
#ifndef LSC_LIB_EMIT_H
#define LSC_LIB_EMIT_H

#include "layerscan/layerscan.h"
#include "tar.h"

struct lsc_layer;

/*
 * Reports a finding in a file of a layer. e is the entry the finding is in (an entry of type
 * LSC_TAR_DIR makes it a finding about that directory tree, for the overlay); line 0 when none;
 * match (the secret in clear, copied) may be NULL; detail is a printf format (may be NULL).
 *
 * A finding with a match that repeats a kept one of the layer (same rule, severity, path and
 * match) is folded into it: the kept one counts it in f.repeats and keeps the lowest line and
 * the first detail. Folded repeats take no slot and are not counted as truncated.
 */
int lsc_emit_finding(struct lsc_layer *l, const struct lsc_tar_entry *e,
		     const struct lsc_rule *rule, enum lsc_severity sev, long line,
		     const char *match, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/*
 * lsc_emit_finding() with a note (static text, borrowed for good: "looks like an example") on
 * the finding. Folded with an identical finding that has none, the note is dropped.
 */
int lsc_emit_noted(struct lsc_layer *l, const struct lsc_tar_entry *e, const struct lsc_rule *rule,
		   enum lsc_severity sev, long line, const char *match, const char *note,
		   const char *fmt, ...) __attribute__((format(printf, 8, 9)));

#endif

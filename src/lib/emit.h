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
 */
int lsc_emit_finding(struct lsc_layer *l, const struct lsc_tar_entry *e,
		     const struct lsc_rule *rule, enum lsc_severity sev, long line,
		     const char *match, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#endif

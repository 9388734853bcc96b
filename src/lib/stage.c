/* The image stage: what the detectors' image() read and where they report (stage.h). */
#include "stage.h"
#include "util/error.h"
#include "finding.h"
#include "intake.h"
#include "layer.h"
#include "overlay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lsc_stage_dispose(struct lsc_stage *st)
{
	for (size_t i = 0; i < st->nfound; i++) {
		lsc_finding_dispose(&st->found[i]);
	}
	free(st->found);
	st->found = NULL;
	st->nfound = st->capfound = 0;
}

void lsc_stage_log(const struct lsc_stage *st, enum lsc_log_level level, const char *fmt, ...)
{
	char msg[LSC_ERRMSG_MAX];
	va_list ap;

	if (!st->log) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->log(level, msg, st->payload);
}

void lsc_stage_set_os(struct lsc_stage *st, struct lsc_os_info *os)
{
	free(st->os->id);
	free(st->os->version_id);
	free(st->os->pretty_name);
	*st->os = *os;
	memset(os, 0, sizeof(*os));
}

static int vemit(struct lsc_stage *st, const struct lsc_rule *rule, enum lsc_severity sev,
		 enum lsc_location src, int layer, const char *path, const char *match,
		 const char *fmt, va_list ap)
{
	struct lsc_finding *f;
	int rc;

	if (st->nfound >= LSC_STAGE_MAX_FINDINGS) {
		/* counted into summary.truncated_findings (with the highest severity dropped, so
		   the gate still fails on them) instead of kept */
		if (st->truncated == 0 || sev > st->truncated_sev) {
			st->truncated_sev = sev;
		}
		st->truncated++;
		return 0;
	}
	if (st->nfound == st->capfound) {
		size_t cap = st->capfound ? st->capfound * 2 : 16;

		f = realloc(st->found, cap * sizeof(*f));
		if (!f) {
			return -ENOMEM;
		}
		st->found = f;
		st->capfound = cap;
	}
	f = &st->found[st->nfound];
	rc = lsc_finding_init(f, rule, sev, src, path, 0, match, fmt, ap);
	if (rc < 0) {
		return rc;
	}
	f->layer_index =
	    layer; /* its digests are set, and the fingerprint made again, at assembly */
	f->in_final_image = true;
	lsc_finding_fingerprint(f);
	st->nfound++;
	return 0;
}

int lsc_stage_emit(struct lsc_stage *st, const struct lsc_rule *rule, enum lsc_severity sev,
		   enum lsc_location src, const char *path, const char *match, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vemit(st, rule, sev, src, -1, path, match, fmt, ap);
	va_end(ap);
	return rc;
}

int lsc_stage_emit_final(struct lsc_stage *st, const struct lsc_rule *rule, enum lsc_severity sev,
			 size_t layer, const char *path, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (layer >= st->nlayers) {
		return lsc_error(LSC_E_INTERNAL, "a finding in layer %zu of %zu", layer,
				 st->nlayers);
	}
	va_start(ap, fmt);
	rc = vemit(st, rule, sev, LSC_LOC_FILE, (int)layer, path, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int lsc_stage_final_lookup(size_t *layer, char resolved[LSC_PATH_MAX], const struct lsc_stage *st,
			   const char *path)
{
	return lsc_overlay_final_file(layer, resolved, st->ovl, st->nlayers, path);
}

int lsc_stage_final_file(const uint8_t **p, size_t *n, bool *truncated, const struct lsc_stage *st,
			 const char *path)
{
	char resolved[LSC_PATH_MAX];
	const struct lsc_capture *c;
	size_t layer;
	int rc;

	rc = lsc_overlay_final_file(&layer, resolved, st->ovl, st->nlayers, path);
	if (rc < 0) {
		return rc;
	}
	c = lsc_layer_capture(st->layers[layer].layer, resolved);
	if (!c || !c->present) {
		return -LSC_E_NOT_FOUND;
	}
	*p = c->data.data ? c->data.data : (const uint8_t *)"";
	*n = c->data.len;
	*truncated = c->truncated;
	return 0;
}

#include "finding.h"
#include "digest.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const severities[] = {"info", "low", "medium", "high", "critical", "never"};
static const char *const categories[] = {"secret",     "sensitive-file", "user",
					 "stale-base", "config",	 "permissions"};
static const char *const locations[] = {"file",		 "config.env",	"config.history",
					"config.labels", "config.user", "config.volumes",
					"annotations",	 "image",	"config.exposed_ports"};

const char *lsc_severity_name(enum lsc_severity s)
{
	return (unsigned)s <= LSC_SEV_NEVER ? severities[s] : "?";
}

int lsc_severity_parse(enum lsc_severity *out, const char *name)
{
	for (unsigned i = 0; i <= LSC_SEV_NEVER; i++) {
		if (strcmp(name, severities[i]) == 0) {
			*out = (enum lsc_severity)i;
			return 0;
		}
	}
	return -LSC_E_USAGE;
}

const char *lsc_category_name(enum lsc_category c)
{
	return (unsigned)c <= LSC_CAT_PERMISSIONS ? categories[c] : "?";
}

const char *lsc_location_name(enum lsc_location l)
{
	return (unsigned)l <= LSC_LOC_CONFIG_EXPOSED_PORTS ? locations[l] : "?";
}

void lsc_redact(char *dst, const char *secret)
{
	size_t n = strlen(secret);
	size_t keep = n >= 16 ? 4 : n / 4; /* never more than a quarter on each side */

	for (size_t i = 0; i < n; i++) {
		dst[i] = (i < keep || i >= n - keep) ? secret[i] : '*';
	}
	dst[n] = 0;
}

static void part(struct lsc_sha256 *h, const char *s)
{
	static const char z = 0;

	if (s) {
		lsc_sha256_update(h, s, strlen(s));
	}
	lsc_sha256_update(h, &z, 1);
}

void lsc_finding_fingerprint(struct lsc_finding *f)
{
	struct lsc_sha256 *h;
	char out[LSC_DIGEST_MAX], mh[LSC_DIGEST_MAX] = "";

	if (f->match) {
		lsc_digest_buf(mh, f->match, strlen(f->match));
	}
	if (lsc_sha256_new(&h) < 0) {
		memset(f->fingerprint, '0', 32);
		f->fingerprint[32] = 0;
		return;
	}
	part(h, f->rule->id);
	part(h, lsc_location_name(f->source));
	part(h, f->layer_diff_id);
	part(h, f->path);
	part(h, mh);
	lsc_sha256_final(out, h);
	lsc_sha256_free(h);
	memcpy(f->fingerprint, out + 7, 32);
	f->fingerprint[32] = 0;
}

void lsc_finding_dispose(struct lsc_finding *f)
{
	free(f->path);
	free(f->match);
	free(f->detail);
	f->path = f->match = f->detail = NULL;
}

int lsc_finding_copy(struct lsc_finding *dst, const struct lsc_finding *src)
{
	*dst = *src;
	dst->path = lsc_strdup(src->path);
	dst->match = lsc_strdup(src->match);
	dst->detail = lsc_strdup(src->detail);
	if ((src->path && !dst->path) || (src->match && !dst->match) ||
	    (src->detail && !dst->detail)) {
		lsc_finding_dispose(dst);
		return -ENOMEM;
	}
	return 0;
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b) {
		return (a != NULL) - (b != NULL);
	}
	return strcmp(a, b);
}

int lsc_finding_cmp(const void *pa, const void *pb)
{
	const struct lsc_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity) {
		return a->severity > b->severity ? -1 : 1;
	}
	if (a->layer_index != b->layer_index) {
		return a->layer_index < b->layer_index ? -1 : 1;
	}
	c = strcmp_null(a->path, b->path);
	if (c != 0) {
		return c;
	}
	if (a->line != b->line) {
		return a->line < b->line ? -1 : 1;
	}
	c = strcmp(a->rule->id, b->rule->id);
	if (c != 0) {
		return c;
	}
	return strcmp(a->fingerprint, b->fingerprint);
}

int lsc_finding_init(struct lsc_finding *out, const struct lsc_rule *rule, enum lsc_severity sev,
		     enum lsc_location src, const char *path, long line, const char *match,
		     const char *fmt, va_list ap)
{
	memset(out, 0, sizeof(*out));
	out->rule = rule;
	out->severity = sev;
	out->source = src;
	out->layer_index = -1;
	out->line = line;
	out->path = lsc_strdup(path);
	out->match = lsc_strdup(match);
	if (fmt && vasprintf(&out->detail, fmt, ap) < 0) {
		out->detail = NULL;
	}
	if ((path && !out->path) || (match && !out->match)) {
		lsc_finding_dispose(out);
		return -ENOMEM;
	}
	return 0;
}

/* The detector table: the one place that says which detectors run, in which order. */
#include "detect.h"
#include "util/error.h"
#include "lib/secrets/secret_rules.h"

#include <string.h>

extern const struct lsc_detector_ops lsc_detect_os;
extern const struct lsc_detector_ops lsc_detect_user;
extern const struct lsc_detector_ops lsc_detect_sensitive_files;
extern const struct lsc_detector_ops lsc_detect_secrets;
extern const struct lsc_detector_ops lsc_detect_stale;
extern const struct lsc_detector_ops lsc_detect_permissions;
extern const struct lsc_detector_ops lsc_detect_accounts;
extern const struct lsc_detector_ops lsc_detect_hygiene;

/* one detector a line */
/* clang-format off */
const struct lsc_detector_ops *const lsc_detectors[] = {
	&lsc_detect_os,
	&lsc_detect_user,
	&lsc_detect_sensitive_files,
	&lsc_detect_secrets,
	&lsc_detect_stale,
	&lsc_detect_permissions,
	&lsc_detect_accounts,
	&lsc_detect_hygiene,
	NULL,
};
/* clang-format on */

_Static_assert(sizeof(lsc_detectors) / sizeof(lsc_detectors[0]) <= LSC_MAX_DETECTORS + 1,
	       "raise LSC_MAX_DETECTORS");

int lsc_detect_order(const struct lsc_detector_ops *const *table)
{
	for (size_t d = 0; table[d]; d++) {
		for (size_t n = 0; table[d]->needs && table[d]->needs[n]; n++) {
			size_t e = 0;

			while (e < d && strcmp(table[e]->name, table[d]->needs[n]) != 0) {
				e++;
			}
			if (e == d) {
				return lsc_error(
				    LSC_E_INTERNAL,
				    "detector %s needs %s, which is not listed before it",
				    table[d]->name, table[d]->needs[n]);
			}
		}
	}
	return 0;
}

static size_t rule_count(const struct lsc_detector_ops *d)
{
	return d->nrules_ref ? *d->nrules_ref : d->nrules;
}

size_t lsc_rules_count(void)
{
	size_t n = 0;

	for (size_t d = 0; lsc_detectors[d]; d++) {
		n += rule_count(lsc_detectors[d]);
	}
	return n;
}

const struct lsc_rule *lsc_rules_get(size_t i)
{
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (i < rule_count(lsc_detectors[d])) {
			return &lsc_detectors[d]->rules[i];
		}
		i -= rule_count(lsc_detectors[d]);
	}
	return NULL;
}

const char *lsc_rule_family(const struct lsc_rule *r)
{
	const char *f = lsc_secret_rule_family(r);

	return f ? f : r->detector;
}

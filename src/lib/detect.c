/* The detector table: the one place that says which detectors run, in which order. */
#include "detect.h"

extern const struct lsc_detector_ops lsc_detect_os;
extern const struct lsc_detector_ops lsc_detect_user;
extern const struct lsc_detector_ops lsc_detect_sensitive_files;
extern const struct lsc_detector_ops lsc_detect_secrets;
extern const struct lsc_detector_ops lsc_detect_stale;
extern const struct lsc_detector_ops lsc_detect_permissions;
extern const struct lsc_detector_ops lsc_detect_accounts;
extern const struct lsc_detector_ops lsc_detect_hygiene;

const struct lsc_detector_ops *const lsc_detectors[] = {
	&lsc_detect_os,
	&lsc_detect_user,
	&lsc_detect_sensitive_files,
	&lsc_detect_secrets,
	&lsc_detect_stale, /* after os: it reads image.os */
	&lsc_detect_permissions,
	&lsc_detect_accounts,
	&lsc_detect_hygiene,
	NULL,
};

_Static_assert(sizeof(lsc_detectors) / sizeof(lsc_detectors[0]) <= LSC_MAX_DETECTORS + 1,
	       "raise LSC_MAX_DETECTORS");

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

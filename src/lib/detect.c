/* The detector table: the one place that says which detectors run, in which order. */
#include "detect.h"

extern const struct lsc_detector_ops lsc_detect_os;
extern const struct lsc_detector_ops lsc_detect_user;
extern const struct lsc_detector_ops lsc_detect_sensitive_files;

const struct lsc_detector_ops *const lsc_detectors[] = {
	&lsc_detect_os,
	&lsc_detect_user,
	&lsc_detect_sensitive_files,
	NULL,
};

_Static_assert(sizeof(lsc_detectors) / sizeof(lsc_detectors[0]) <= LSC_MAX_DETECTORS + 1,
	       "raise LSC_MAX_DETECTORS");

size_t lsc_rules_count(void)
{
	size_t n = 0;

	for (size_t d = 0; lsc_detectors[d]; d++) {
		n += lsc_detectors[d]->nrules;
	}
	return n;
}

const struct lsc_rule *lsc_rules_get(size_t i)
{
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (i < lsc_detectors[d]->nrules) {
			return &lsc_detectors[d]->rules[i];
		}
		i -= lsc_detectors[d]->nrules;
	}
	return NULL;
}

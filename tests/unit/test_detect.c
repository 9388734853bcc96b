/* The detector table: its order honours every detector's needs (os before stale-base). */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/detect.h"
#include "util/error.h"

Test(detect, the_table_honours_needs)
{
	size_t os = 0, stale = 0;

	cr_assert_eq(lsc_detect_order(lsc_detectors), 0, "%s", lsc_error_last());
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (strcmp(lsc_detectors[d]->name, "os") == 0) {
			os = d + 1;
		}
		if (strcmp(lsc_detectors[d]->name, "stale-base") == 0) {
			stale = d + 1;
			cr_assert_not_null(lsc_detectors[d]->needs);
			cr_assert_str_eq(lsc_detectors[d]->needs[0], "os");
		}
	}
	cr_assert(os && stale && os < stale);
}

Test(detect, a_need_listed_later_or_absent_is_refused)
{
	static const char *const needs_os[] = {"os", NULL};
	static const struct lsc_detector_ops os = {.name = "os"};
	static const struct lsc_detector_ops stale = {.name = "stale-base", .needs = needs_os};
	const struct lsc_detector_ops *const later[] = {&stale, &os, NULL};
	const struct lsc_detector_ops *const absent[] = {&stale, NULL};
	const struct lsc_detector_ops *const right[] = {&os, &stale, NULL};

	cr_assert_eq(lsc_detect_order(later), -LSC_E_INTERNAL);
	cr_assert(strstr(lsc_error_last(), "stale-base needs os"), "%s", lsc_error_last());
	cr_assert_eq(lsc_detect_order(absent), -LSC_E_INTERNAL);
	cr_assert_eq(lsc_detect_order(right), 0);
}

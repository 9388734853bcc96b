/*
 * The clock's day arithmetic (lsc_time_parse and lsc_now have their cases in test_eol.c, where
 * they were written against the release table's dates).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "layerscan/layerscan.h"
#include "util/clock.h"

Test(clock, day_rounds_down)
{
	cr_assert_eq(lsc_clock_day(0), 0);
	cr_assert_eq(lsc_clock_day(86399), 0);
	cr_assert_eq(lsc_clock_day(86400), 1);
	cr_assert_eq(lsc_clock_day(-1), -1);
	cr_assert_eq(lsc_clock_day(-86400), -1);
	cr_assert_eq(lsc_clock_day(-86401), -2);
}

Test(clock, civil_round_trips_through_parse)
{
	static const char *const days[] = {"1970-01-01", "1969-12-31", "2000-02-29", "2024-06-30",
					   "0000-01-01", "9999-12-31", "1900-03-01"};

	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		time_t t;
		int y, m, d;
		char back[11];

		cr_assert_eq(lsc_time_parse(&t, days[i]), 0, "%s", days[i]);
		lsc_clock_civil(lsc_clock_day(t), &y, &m, &d);
		snprintf(back, sizeof(back), "%04d-%02d-%02d", y, m, d);
		cr_assert_str_eq(back, days[i]);
	}
}

Test(clock, now_reads_layerscan_now)
{
	time_t t;

	setenv("LAYERSCAN_NOW", "2026-12-04T00:00:00Z", 1);
	cr_assert_eq(lsc_now(&t), 0);
	cr_assert_eq(lsc_clock_day(t), 20791);
	setenv("LAYERSCAN_NOW", "yesterday", 1);
	cr_assert_eq(lsc_now(&t), -LSC_E_USAGE);
	unsetenv("LAYERSCAN_NOW");
}

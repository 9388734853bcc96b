/*
 * The clock and the time stamps it reads: proleptic Gregorian day arithmetic (H. Hinnant's
 * algorithms), RFC 3339 parsing, LAYERSCAN_NOW.
 */
#include "util/clock.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TIME_TEXT_MAX 64

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void lsc_clock_civil(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t lsc_clock_day(time_t t)
{
	int64_t s = (int64_t)t;

	return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* n decimal digits at s into *v; false when one of them is not a digit. */
static bool digits(int *v, const char *s, int n)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int lsc_time_parse(time_t *out, const char *s)
{
	/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:60Z: what "YYYY" can name */
	const int64_t min = days_from_civil(0, 1, 1) * 86400;
	const int64_t max = days_from_civil(9999, 12, 31) * 86400 + 86400;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	const char *p;
	int64_t t;

	if (strnlen(s, TIME_TEXT_MAX + 1) > TIME_TEXT_MAX) {
		return -LSC_E_FORMAT;
	}
	if (!digits(&y, s, 4) || s[4] != '-' || !digits(&mo, s + 5, 2) || s[7] != '-' ||
	    !digits(&d, s + 8, 2)) {
		return -LSC_E_FORMAT;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo)) {
		return -LSC_E_FORMAT;
	}
	p = s + 10;
	if (*p != 0) {
		if (*p != 'T' && *p != 't' && *p != ' ') {
			return -LSC_E_FORMAT;
		}
		if (!digits(&h, p + 1, 2) || p[3] != ':' || !digits(&mi, p + 4, 2) || p[6] != ':' ||
		    !digits(&sec, p + 7, 2)) {
			return -LSC_E_FORMAT;
		}
		if (h > 23 || mi > 59 || sec > 60) {
			return -LSC_E_FORMAT;
		}
		p += 9;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9') {
				return -LSC_E_FORMAT;
			}
			while (*p >= '0' && *p <= '9') {
				p++;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '+' ? 1 : -1;
			if (!digits(&oh, p + 1, 2) || p[3] != ':' || !digits(&om, p + 4, 2) ||
			    oh > 23 || om > 59) {
				return -LSC_E_FORMAT;
			}
			p += 6;
		} else {
			return -LSC_E_FORMAT;
		}
		if (*p != 0) {
			return -LSC_E_FORMAT;
		}
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	if (t < min || t > max || (int64_t)(time_t)t != t) {
		return -LSC_E_FORMAT;
	}
	*out = (time_t)t;
	return 0;
}

int lsc_now(time_t *out)
{
	const char *v = getenv("LAYERSCAN_NOW");
	time_t t;

	if (v && v[0]) {
		if (lsc_time_parse(out, v) < 0) {
			return lsc_error(
			    LSC_E_USAGE,
			    "LAYERSCAN_NOW: \"%.64s\" is not a date (YYYY-MM-DD) or an "
			    "RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)",
			    v);
		}
		return 0;
	}
	t = time(NULL);
	if (t == (time_t)-1) {
		return lsc_error(LSC_E_INTERNAL, "the system clock is not available");
	}
	*out = t;
	return 0;
}

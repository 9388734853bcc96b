/*
 * The clock: the time now (LAYERSCAN_NOW, for reproducible reports, else the system clock), time
 * stamps in the forms images and policies write them, and whole UTC days. Below every module that
 * asks what time it is (the scan, the policy's expiries, the stale-base and end-of-life checks).
 */
#ifndef LSC_UTIL_CLOCK_H
#define LSC_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

/*
 * Parses "YYYY-MM-DD" (midnight UTC) or RFC 3339 "YYYY-MM-DDTHH:MM:SS(.frac)(Z|+hh:mm|-hh:mm)"
 * ('t', 'z' and a space for 'T' accepted; the fraction is dropped; second 60 is accepted as a
 * leap second) into seconds since the epoch, UTC. -LSC_E_FORMAT for anything else: out-of-range
 * fields, trailing bytes, over 64 characters. Sets no error detail (the caller names the value).
 */
int lsc_time_parse(time_t *out, const char *s);

/*
 * The clock: LAYERSCAN_NOW from the environment when set and not empty (lsc_time_parse's
 * formats), else time(NULL). -LSC_E_USAGE, with a detail naming LAYERSCAN_NOW, when it is
 * malformed.
 */
int lsc_now(time_t *out);

/* The UTC day of t: days since 1970-01-01, rounded down (day -1 is 1969-12-31). */
int64_t lsc_clock_day(time_t t);

/* The proleptic Gregorian date of day z (lsc_clock_day's numbering). */
void lsc_clock_civil(int64_t z, int *y, int *m, int *d);

#endif

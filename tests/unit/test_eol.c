/* lib/eol: the release table, the verdict at fixed dates, the time parser and the clock. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "lib/detectors/eol.h"
#include "util/error.h"
#include "util/clock.h"

static time_t at(const char *s)
{
	time_t t = 0;
	int rc = lsc_time_parse(&t, s);

	cr_assert_eq(rc, 0, "lsc_time_parse(\"%s\"): %d", s, rc);
	return t;
}

/* The verdict for ID/VERSION_ID/PRETTY_NAME (any may be NULL) at now. */
static struct lsc_eol_verdict check(const char *id, const char *version, const char *pretty,
				    const char *support_end, const char *now)
{
	struct lsc_os_info os = {(char *)id, (char *)version, (char *)pretty};
	struct lsc_eol_verdict v;

	cr_assert_eq(lsc_eol_check(&v, &os, support_end, at(now)), 0);
	return v;
}

static void is(const struct lsc_eol_verdict *v, enum lsc_eol_status status, const char *product,
	       const char *support_end, const char *extended_end, long days)
{
	cr_assert_eq(v->status, status, "%s: status %d, want %d", product, v->status, status);
	cr_assert_str_eq(v->product, product);
	cr_assert_str_eq(v->support_end, support_end, "%s", product);
	cr_assert_str_eq(v->extended_end, extended_end, "%s", product);
	cr_assert_eq(v->days, days, "%s: days %ld, want %ld", product, v->days, days);
}

/* --- the table ---------------------------------------------------------------------------- */

Test(eol, every_row_is_well_formed)
{
	size_t n;
	const struct lsc_eol_cycle *t = lsc_eol_table(&n);

	cr_assert_gt(n, 60);
	for (size_t i = 0; i < n; i++) {
		time_t end, ext;

		cr_assert(t[i].id && t[i].cycle && t[i].product && t[i].support_end, "row %zu", i);
		cr_assert_lt(strlen(t[i].product), sizeof(((struct lsc_eol_verdict *)0)->product));
		cr_assert_eq(strlen(t[i].support_end), 10, "%s", t[i].product);
		cr_assert_eq(lsc_time_parse(&end, t[i].support_end), 0, "%s", t[i].product);
		if (t[i].extended_end) {
			cr_assert_eq(strlen(t[i].extended_end), 10, "%s", t[i].product);
			cr_assert_eq(lsc_time_parse(&ext, t[i].extended_end), 0, "%s",
				     t[i].product);
			cr_assert_gt(ext, end, "%s: extended support ends before free support",
				     t[i].product);
		}
		/* no two rows answer the same release */
		for (size_t j = 0; j < i; j++) {
			bool same_pretty =
			    (!t[i].pretty && !t[j].pretty) ||
			    (t[i].pretty && t[j].pretty && strcmp(t[i].pretty, t[j].pretty) == 0);

			cr_assert(strcmp(t[i].id, t[j].id) != 0 ||
				      strcmp(t[i].cycle, t[j].cycle) != 0 || !same_pretty,
				  "rows %zu and %zu: %s %s", j, i, t[i].id, t[i].cycle);
		}
	}
}

Test(eol, every_row_is_found_by_its_own_version)
{
	size_t n;
	const struct lsc_eol_cycle *t = lsc_eol_table(&n);

	for (size_t i = 0; i < n; i++) {
		struct lsc_eol_verdict v =
		    check(t[i].id, t[i].cycle, t[i].pretty, NULL, "2026-11-23");

		cr_assert_str_eq(v.product, t[i].product);
		cr_assert_str_eq(v.support_end, t[i].support_end, "%s", t[i].product);
		cr_assert_str_eq(v.extended_end, t[i].extended_end ? t[i].extended_end : "");
		cr_assert_str_eq(v.source, "release table");
	}
}

Test(eol, the_families_the_caller_relies_on_are_there)
{
	static const char *const want[][2] = {
	    {"debian", "9"},	       {"debian", "13"},    {"ubuntu", "14.04"},
	    {"ubuntu", "25.10"},       {"ubuntu", "26.04"}, {"alpine", "3.12"},
	    {"alpine", "3.23"},	       {"rhel", "7"},	    {"rhel", "10"},
	    {"centos", "7"},	       {"centos", "10"},    {"rocky", "8"},
	    {"rocky", "10"},	       {"almalinux", "8"},  {"almalinux", "10"},
	    {"amzn", "2018.03"},       {"amzn", "2"},	    {"amzn", "2023"},
	    {"fedora", "38"},	       {"fedora", "43"},    {"opensuse-leap", "15.6"},
	    {"opensuse-leap", "16.0"}, {"sles", "12.5"},    {"sles", "15.7"},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct lsc_eol_verdict v = check(want[i][0], want[i][1], NULL, NULL, "2026-11-23");

		cr_assert_neq(v.status, LSC_EOL_UNKNOWN, "%s %s", want[i][0], want[i][1]);
	}
}

/* --- statuses at fixed dates -------------------------------------------------------------- */

Test(eol, debian_10_lts_end_boundary)
{
	struct lsc_eol_verdict v;

	v = check("debian", "10", NULL, NULL, "2024-03-01");
	is(&v, LSC_EOL_SUPPORTED, "Debian 10 (buster)", "2024-06-30", "2029-06-30", 121);
	cr_assert_str_eq(v.source, "release table");
	/* 90 days before the last day: ending soon; 91: not yet */
	v = check("debian", "10", NULL, NULL, "2024-04-01");
	is(&v, LSC_EOL_ENDING_SOON, "Debian 10 (buster)", "2024-06-30", "2029-06-30", 90);
	v = check("debian", "10", NULL, NULL, "2024-03-31T23:59:59Z");
	is(&v, LSC_EOL_SUPPORTED, "Debian 10 (buster)", "2024-06-30", "2029-06-30", 91);
	v = check("debian", "10", NULL, NULL, "2024-06-29");
	is(&v, LSC_EOL_ENDING_SOON, "Debian 10 (buster)", "2024-06-30", "2029-06-30", 1);
	/* the last day is a whole day of support */
	v = check("debian", "10", NULL, NULL, "2024-06-30T23:59:59Z");
	is(&v, LSC_EOL_ENDING_SOON, "Debian 10 (buster)", "2024-06-30", "2029-06-30", 0);
	/* then only Freexian's paid ELTS */
	v = check("debian", "10", NULL, NULL, "2024-07-01");
	is(&v, LSC_EOL_EXTENDED_ONLY, "Debian 10 (buster)", "2024-06-30", "2029-06-30", -1);
	v = check("debian", "10", NULL, NULL, "2029-06-30T12:00:00Z");
	cr_assert_eq(v.status, LSC_EOL_EXTENDED_ONLY);
	v = check("debian", "10", NULL, NULL, "2029-07-01");
	cr_assert_eq(v.status, LSC_EOL_ENDED);
}

Test(eol, debian_today)
{
	struct lsc_eol_verdict v;

	v = check("debian", "11", "Debian GNU/Linux 11 (bullseye)", NULL, "2026-11-23");
	is(&v, LSC_EOL_EXTENDED_ONLY, "Debian 11 (bullseye)", "2026-08-31", "2031-06-30", -84);
	v = check("debian", "12", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Debian 12 (bookworm)", "2028-06-30", "", 585);
	/* no extended row: ended the day after */
	v = check("debian", "12", NULL, NULL, "2028-07-01");
	is(&v, LSC_EOL_ENDED, "Debian 12 (bookworm)", "2028-06-30", "", -1);
}

Test(eol, ubuntu_esm_and_interim_releases)
{
	struct lsc_eol_verdict v;

	v = check("ubuntu", "20.04", "Ubuntu 20.04.6 LTS", NULL, "2026-11-23");
	is(&v, LSC_EOL_EXTENDED_ONLY, "Ubuntu 20.04 LTS", "2025-05-31", "2030-04-02", -541);
	v = check("ubuntu", "20.04", NULL, NULL, "2030-04-03");
	cr_assert_eq(v.status, LSC_EOL_ENDED);
	v = check("ubuntu", "22.04", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Ubuntu 22.04 LTS", "2027-04-01", "2032-04-09", 129);
	v = check("ubuntu", "22.04", NULL, NULL, "2027-01-01");
	cr_assert_eq(v.status, LSC_EOL_ENDING_SOON);
	/* interim releases have no ESM: straight from supported to ended */
	v = check("ubuntu", "24.10", NULL, NULL, "2025-07-11");
	is(&v, LSC_EOL_ENDED, "Ubuntu 24.10", "2025-07-10", "", -1);
	v = check("ubuntu", "25.10", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_ENDED);
	v = check("ubuntu", "14.04", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_ENDED);
	v = check("ubuntu", "24.04", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Ubuntu 24.04 LTS", "2029-05-31", "2034-04-25", 920);
}

Test(eol, alpine_within_90_days)
{
	struct lsc_eol_verdict v;

	v = check("alpine", "3.19.1", NULL, NULL, "2025-09-01");
	is(&v, LSC_EOL_ENDING_SOON, "Alpine Linux 3.19", "2025-11-01", "", 61);
	v = check("alpine", "3.19.1", NULL, NULL, "2025-08-02");
	is(&v, LSC_EOL_SUPPORTED, "Alpine Linux 3.19", "2025-11-01", "", 91);
	v = check("alpine", "3.19.1", NULL, NULL, "2025-11-02");
	is(&v, LSC_EOL_ENDED, "Alpine Linux 3.19", "2025-11-01", "", -1);
	/* today: 3.21 just ended, 3.22 fine */
	v = check("alpine", "3.21.3", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_ENDED);
	v = check("alpine", "3.22.0", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Alpine Linux 3.22", "2027-05-01", "", 159);
}

Test(eol, rpm_families_today)
{
	struct lsc_eol_verdict v;

	v = check("rhel", "7.9", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_EXTENDED_ONLY, "Red Hat Enterprise Linux 7", "2024-06-30", "2028-06-30",
	   -876);
	v = check("rhel", "8.10", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_SUPPORTED);
	cr_assert_str_eq(v.product, "Red Hat Enterprise Linux 8");
	v = check("centos", "7", "CentOS Linux 7 (Core)", NULL, "2026-11-23");
	is(&v, LSC_EOL_ENDED, "CentOS Linux 7", "2024-06-30", "", -876);
	v = check("amzn", "2", "Amazon Linux 2", NULL, "2026-11-23");
	is(&v, LSC_EOL_ENDED, "Amazon Linux 2", "2026-06-30", "", -146);
	v = check("amzn", "2023", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_SUPPORTED);
	v = check("fedora", "43", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_ENDING_SOON, "Fedora Linux 43", "2026-12-09", "", 16);
	v = check("rocky", "9.3", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Rocky Linux 9", "2032-05-31", "", 2016);
	v = check("almalinux", "8.10", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "AlmaLinux 8", "2029-03-01", "", 829);
}

Test(eol, centos_8_linux_or_stream_by_pretty_name)
{
	struct lsc_eol_verdict v;

	v = check("centos", "8", "CentOS Linux 8", NULL, "2026-11-23");
	is(&v, LSC_EOL_ENDED, "CentOS Linux 8", "2021-12-31", "", -1788);
	v = check("centos", "8", "CentOS Stream 8", NULL, "2024-05-01");
	is(&v, LSC_EOL_ENDING_SOON, "CentOS Stream 8", "2024-05-31", "", 30);
	/* without a PRETTY_NAME: the Stream row, the one without a filter */
	v = check("centos", "8", NULL, NULL, "2024-05-01");
	cr_assert_str_eq(v.product, "CentOS Stream 8");
}

Test(eol, sles_ltss_by_service_pack)
{
	struct lsc_eol_verdict v;

	v = check("sles", "15.5", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_EXTENDED_ONLY, "SUSE Linux Enterprise Server 15 SP5", "2024-12-31",
	   "2027-12-31", -692);
	v = check("sles", "15.4", NULL, NULL, "2027-01-01");
	cr_assert_eq(v.status, LSC_EOL_ENDED);
	v = check("sles", "15", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_ENDED, "SUSE Linux Enterprise Server 15", "2019-12-31", "2022-12-31", -2519);
	v = check("sles", "12.5", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_EXTENDED_ONLY);
	v = check("opensuse-leap", "15.6", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_ENDED, "openSUSE Leap 15.6", "2026-04-30", "", -207);
}

/* --- matching ----------------------------------------------------------------------------- */

Test(eol, version_prefix_at_a_component_boundary)
{
	struct lsc_eol_verdict v;

	v = check("alpine", "3.19.1", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Alpine Linux 3.19");
	v = check("alpine", "3.19", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Alpine Linux 3.19");
	/* "3.1" is not a release of the table, and "3.1" is not a component prefix of "3.12" */
	v = check("alpine", "3.1", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	v = check("alpine", "3.120", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	/* edge snapshots are not releases */
	v = check("alpine", "3.20_alpha20240315", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	v = check("rhel", "8.10", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Red Hat Enterprise Linux 8");
	v = check("rhel", "80", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	v = check("debian", "12", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Debian 12 (bookworm)");
	v = check("debian", "1", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	v = check("ubuntu", "22.04", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Ubuntu 22.04 LTS");
	v = check("ubuntu", "22", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	/* SLES: the service pack's row; "15" alone is 15 GA, and an unknown SP is unknown */
	v = check("sles", "15.5", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "SUSE Linux Enterprise Server 15 SP5");
	v = check("sles", "15.8", NULL, NULL, "2024-01-01");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
	cr_assert_str_eq(v.product, "sles 15.8");
	v = check("opensuse-leap", "15.5", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "openSUSE Leap 15.5");
	v = check("amzn", "2018.03", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Amazon Linux AMI 2018.03");
	v = check("amzn", "2023", NULL, NULL, "2024-01-01");
	cr_assert_str_eq(v.product, "Amazon Linux 2023");
}

Test(eol, unknown_id_version_and_os)
{
	struct lsc_eol_verdict v;
	struct lsc_os_info empty = {0};

	v = check("arch", NULL, "Arch Linux", NULL, "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "Arch Linux", "", "", 0);
	cr_assert_null(v.source);
	v = check("wolfi", "20230201", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "wolfi 20230201", "", "", 0);
	v = check("debian", "7", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "debian 7", "", "", 0);
	v = check("ubuntu", "23.10", "Ubuntu 23.10", NULL, "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "Ubuntu 23.10", "", "", 0);
	/* debian testing/sid: no VERSION_ID */
	v = check("debian", NULL, "Debian GNU/Linux trixie/sid", NULL, "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "Debian GNU/Linux trixie/sid", "", "", 0);
	v = check("debian", "", NULL, NULL, "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "debian", "", "", 0);
	/* ID matching is exact */
	v = check("Debian", "12", NULL, NULL, "2026-11-23");
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);

	cr_assert_eq(lsc_eol_check(&v, &empty, NULL, at("2026-11-23")), 0);
	is(&v, LSC_EOL_UNKNOWN, "", "", "", 0);
	cr_assert_eq(lsc_eol_check(&v, NULL, NULL, at("2026-11-23")), 0);
	is(&v, LSC_EOL_UNKNOWN, "", "", "", 0);
	/* no ID: unknown even with a SUPPORT_END */
	cr_assert_eq(lsc_eol_check(&v, &empty, "2030-01-01", at("2026-11-23")), 0);
	cr_assert_eq(v.status, LSC_EOL_UNKNOWN);
}

Test(eol, long_pretty_name_is_cut)
{
	char pretty[300];
	struct lsc_eol_verdict v;

	memset(pretty, 'x', sizeof(pretty) - 1);
	pretty[sizeof(pretty) - 1] = 0;
	v = check("someos", "1", pretty, NULL, "2026-11-23");
	cr_assert_eq(strlen(v.product), sizeof(v.product) - 1);
}

/* --- SUPPORT_END -------------------------------------------------------------------------- */

Test(eol, support_end_overrides_the_table)
{
	struct lsc_eol_verdict v;

	/* a vendor that extended free support past the table's date */
	v = check("debian", "10", NULL, "2030-01-01", "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Debian 10 (buster)", "2030-01-01", "2029-06-30", 1135);
	cr_assert_str_eq(v.source, "SUPPORT_END in os-release");
	/* and one that ends it earlier; the table's extended support still counts */
	v = check("ubuntu", "24.04", NULL, "2026-01-01", "2026-11-23");
	is(&v, LSC_EOL_EXTENDED_ONLY, "Ubuntu 24.04 LTS", "2026-01-01", "2034-04-25", -326);
	/* a release the table does not know */
	v = check("fedora", "44", "Fedora Linux 44 (Container Image)", "2027-05-19", "2026-11-23");
	is(&v, LSC_EOL_SUPPORTED, "Fedora Linux 44 (Container Image)", "2027-05-19", "", 177);
	cr_assert_str_eq(v.source, "SUPPORT_END in os-release");
	v = check("wolfi", NULL, NULL, "2026-12-01", "2026-11-23");
	is(&v, LSC_EOL_ENDING_SOON, "wolfi", "2026-12-01", "", 8);
	v = check("wolfi", NULL, NULL, "2026-11-22", "2026-11-23");
	is(&v, LSC_EOL_ENDED, "wolfi", "2026-11-22", "", -1);
	/* an RFC 3339 value names its UTC day */
	v = check("wolfi", NULL, NULL, "2026-12-01T23:30:00-02:00", "2026-11-23");
	is(&v, LSC_EOL_ENDING_SOON, "wolfi", "2026-12-02", "", 9);
}

Test(eol, malformed_support_end_is_ignored)
{
	struct lsc_eol_verdict v;

	v = check("debian", "10", NULL, "soon", "2026-11-23");
	is(&v, LSC_EOL_EXTENDED_ONLY, "Debian 10 (buster)", "2024-06-30", "2029-06-30", -876);
	cr_assert_str_eq(v.source, "release table");
	v = check("debian", "10", NULL, "", "2026-11-23");
	cr_assert_str_eq(v.source, "release table");
	v = check("wolfi", NULL, NULL, "2026-13-01", "2026-11-23");
	is(&v, LSC_EOL_UNKNOWN, "wolfi", "", "", 0);
}

/* --- lsc_time_parse ----------------------------------------------------------------------- */

static void parses(const char *s, long long want)
{
	time_t t = 0;
	int rc = lsc_time_parse(&t, s);

	cr_assert_eq(rc, 0, "\"%s\": %d", s, rc);
	cr_assert_eq((long long)t, want, "\"%s\": %lld, want %lld", s, (long long)t, want);
}

static void rejects(const char *s)
{
	time_t t = 12345;

	cr_assert_eq(lsc_time_parse(&t, s), -LSC_E_FORMAT, "\"%s\" parsed", s);
	cr_assert_eq(t, 12345, "\"%s\": out written on failure", s);
}

Test(eol, time_parse_formats)
{
	parses("1970-01-01", 0);
	parses("1970-01-01T00:00:00Z", 0);
	parses("2024-06-30", 1719705600);
	parses("2024-06-30T12:34:56Z", 1719705600 + 45296);
	parses("2024-06-30t12:34:56z", 1719705600 + 45296);
	parses("2024-06-30 12:34:56Z", 1719705600 + 45296);
	parses("2024-06-30T12:34:56.123456789Z", 1719705600 + 45296);
	parses("2024-06-30T12:34:56+02:00", 1719705600 + 45296 - 7200);
	parses("2024-06-30T12:34:56-05:30", 1719705600 + 45296 + 19800);
	parses("2024-06-30T12:34:56.5+00:00", 1719705600 + 45296);
	parses("2024-02-29", 1709164800);
	parses("2000-02-29", 951782400);
	parses("1969-12-31T23:59:59Z", -1);
	parses("2016-12-31T23:59:60Z", 1483228800);
	parses("0000-01-01", -62167219200LL);
	parses("9999-12-31T23:59:59Z", 253402300799LL);
}

Test(eol, time_parse_rejects_garbage)
{
	rejects("");
	rejects("2024");
	rejects("2024-06");
	rejects("2024-6-30");
	rejects("24-06-30");
	rejects("2024/06/30");
	rejects("2024-06-30 ");
	rejects(" 2024-06-30");
	rejects("2024-06-30x");
	rejects("2024-00-10");
	rejects("2024-13-10");
	rejects("2024-06-00");
	rejects("2024-06-31");
	rejects("2023-02-29");
	rejects("1900-02-29");
	rejects("2024-06-30T");
	rejects("2024-06-30T12:34Z");
	rejects("2024-06-30T12:34:56");
	rejects("2024-06-30T24:00:00Z");
	rejects("2024-06-30T12:60:00Z");
	rejects("2024-06-30T12:34:61Z");
	rejects("2024-06-30T12:34:56.Z");
	rejects("2024-06-30T12:34:56+0200");
	rejects("2024-06-30T12:34:56+02");
	rejects("2024-06-30T12:34:56+24:00");
	rejects("2024-06-30T12:34:56+02:60");
	rejects("2024-06-30T12:34:56ZZ");
	rejects("2024-06-30T12:34:56Z ");
	rejects("-001-01-01");
	rejects("+2024-06-30");
	rejects("１９７０-01-01");
	rejects("9999-12-31T23:59:59-01:00");
	rejects("0000-01-01T00:00:00+01:00");
	/* bounded: an overlong fraction is refused, not scanned without end */
	rejects("2024-06-30T12:34:56."
		"0000000000000000000000000000000000000000000000000000000000Z");
}

/* --- lsc_now ------------------------------------------------------------------------------ */

Test(eol, now_from_the_environment)
{
	time_t t = 0;

	cr_assert_eq(setenv("LAYERSCAN_NOW", "2026-11-23T10:00:00Z", 1), 0);
	cr_assert_eq(lsc_now(&t), 0);
	cr_assert_eq(t, at("2026-11-23T10:00:00Z"));
	cr_assert_eq(setenv("LAYERSCAN_NOW", "2024-06-29", 1), 0);
	cr_assert_eq(lsc_now(&t), 0);
	cr_assert_eq(t, at("2024-06-29"));
	unsetenv("LAYERSCAN_NOW");
}

Test(eol, now_malformed_names_the_variable)
{
	time_t t = 7;

	lsc_error_clear();
	cr_assert_eq(setenv("LAYERSCAN_NOW", "yesterday", 1), 0);
	cr_assert_eq(lsc_now(&t), -LSC_E_USAGE);
	cr_assert_eq(t, 7);
	cr_assert(strstr(lsc_error_last(), "LAYERSCAN_NOW"), "%s", lsc_error_last());
	cr_assert(strstr(lsc_error_last(), "yesterday"), "%s", lsc_error_last());
	unsetenv("LAYERSCAN_NOW");
}

Test(eol, now_from_the_clock)
{
	time_t t = 0, before, after;

	unsetenv("LAYERSCAN_NOW");
	before = time(NULL);
	cr_assert_eq(lsc_now(&t), 0);
	after = time(NULL);
	cr_assert(t >= before && t <= after);
	/* set but empty: the clock too */
	cr_assert_eq(setenv("LAYERSCAN_NOW", "", 1), 0);
	cr_assert_eq(lsc_now(&t), 0);
	cr_assert(t >= before);
	unsetenv("LAYERSCAN_NOW");
}

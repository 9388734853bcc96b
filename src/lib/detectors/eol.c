#include "eol.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/clock.h"

/*
 * The release table: data, one row per release cycle, from the vendors' published lifecycles
 * (as of 2026-11). support_end is the last day of *free* security updates: Debian's LTS (the free
 * community effort after the security team's 3 years), Ubuntu's standard support, RHEL's
 * maintenance support (UBI images get those updates without a subscription), SLES's general
 * support. extended_end is the last day of what costs money: Freexian ELTS, Ubuntu Pro ESM (not
 * the Legacy add-on), RHEL ELS, SLES LTSS. A release the vendors' pages do not settle is left out,
 * so it reads as unknown rather than as a guess. Within an ID, rows with a pretty filter come
 * before the row they refine.
 */
/* clang-format off */
static const struct lsc_eol_cycle table[] = {
	/* https://wiki.debian.org/LTS, https://www.freexian.com/lts/extended/ */
	{"debian", "9", false, NULL, "Debian 9 (stretch)", "2022-06-30", "2027-06-30"},
	{"debian", "10", false, NULL, "Debian 10 (buster)", "2024-06-30", "2029-06-30"},
	{"debian", "11", false, NULL, "Debian 11 (bullseye)", "2026-08-31", "2031-06-30"},
	{"debian", "12", false, NULL, "Debian 12 (bookworm)", "2028-06-30", NULL},
	{"debian", "13", false, NULL, "Debian 13 (trixie)", "2030-06-30", NULL},

	/* https://ubuntu.com/about/release-cycle: standard support, then Ubuntu Pro ESM */
	{"ubuntu", "14.04", false, NULL, "Ubuntu 14.04 LTS", "2019-04-02", "2024-04-02"},
	{"ubuntu", "16.04", false, NULL, "Ubuntu 16.04 LTS", "2021-04-02", "2026-04-02"},
	{"ubuntu", "18.04", false, NULL, "Ubuntu 18.04 LTS", "2023-05-31", "2028-04-01"},
	{"ubuntu", "20.04", false, NULL, "Ubuntu 20.04 LTS", "2025-05-31", "2030-04-02"},
	{"ubuntu", "22.04", false, NULL, "Ubuntu 22.04 LTS", "2027-04-01", "2032-04-09"},
	{"ubuntu", "24.04", false, NULL, "Ubuntu 24.04 LTS", "2029-05-31", "2034-04-25"},
	{"ubuntu", "24.10", false, NULL, "Ubuntu 24.10", "2025-07-10", NULL},
	{"ubuntu", "25.04", false, NULL, "Ubuntu 25.04", "2026-01-17", NULL},
	{"ubuntu", "25.10", false, NULL, "Ubuntu 25.10", "2026-07-01", NULL},
	{"ubuntu", "26.04", false, NULL, "Ubuntu 26.04 LTS", "2031-04-30", "2036-04-30"},

	/* https://alpinelinux.org/releases/ ("end of support"; nothing paid after it) */
	{"alpine", "3.12", false, NULL, "Alpine Linux 3.12", "2022-05-01", NULL},
	{"alpine", "3.13", false, NULL, "Alpine Linux 3.13", "2022-11-01", NULL},
	{"alpine", "3.14", false, NULL, "Alpine Linux 3.14", "2023-05-01", NULL},
	{"alpine", "3.15", false, NULL, "Alpine Linux 3.15", "2023-11-01", NULL},
	{"alpine", "3.16", false, NULL, "Alpine Linux 3.16", "2024-05-23", NULL},
	{"alpine", "3.17", false, NULL, "Alpine Linux 3.17", "2024-11-22", NULL},
	{"alpine", "3.18", false, NULL, "Alpine Linux 3.18", "2025-05-09", NULL},
	{"alpine", "3.19", false, NULL, "Alpine Linux 3.19", "2025-11-01", NULL},
	{"alpine", "3.20", false, NULL, "Alpine Linux 3.20", "2026-04-01", NULL},
	{"alpine", "3.21", false, NULL, "Alpine Linux 3.21", "2026-11-01", NULL},
	{"alpine", "3.22", false, NULL, "Alpine Linux 3.22", "2027-05-01", NULL},
	{"alpine", "3.23", false, NULL, "Alpine Linux 3.23", "2027-11-01", NULL},

	/* https://access.redhat.com/support/policy/updates/errata: maintenance, then ELS */
	{"rhel", "7", false, NULL, "Red Hat Enterprise Linux 7", "2024-06-30", "2028-06-30"},
	{"rhel", "8", false, NULL, "Red Hat Enterprise Linux 8", "2029-05-31", "2032-05-31"},
	{"rhel", "9", false, NULL, "Red Hat Enterprise Linux 9", "2032-05-31", "2035-05-31"},
	{"rhel", "10", false, NULL, "Red Hat Enterprise Linux 10", "2035-05-31", "2038-05-31"},

	/* CentOS Linux and CentOS Stream share ID=centos and VERSION_ID=8: NAME tells them apart */
	{"centos", "6", false, NULL, "CentOS Linux 6", "2020-11-30", NULL},
	{"centos", "7", false, NULL, "CentOS Linux 7", "2024-06-30", NULL},
	{"centos", "8", false, "CentOS Linux", "CentOS Linux 8", "2021-12-31", NULL},
	{"centos", "8", false, NULL, "CentOS Stream 8", "2024-05-31", NULL},
	{"centos", "9", false, NULL, "CentOS Stream 9", "2027-05-31", NULL},
	{"centos", "10", false, NULL, "CentOS Stream 10", "2030-01-01", NULL},

	/* https://wiki.rockylinux.org/rocky/version/ (end of security support) */
	{"rocky", "8", false, NULL, "Rocky Linux 8", "2029-05-31", NULL},
	{"rocky", "9", false, NULL, "Rocky Linux 9", "2032-05-31", NULL},
	{"rocky", "10", false, NULL, "Rocky Linux 10", "2035-05-31", NULL},

	/* https://wiki.almalinux.org/release-notes/ (end of security support) */
	{"almalinux", "8", false, NULL, "AlmaLinux 8", "2029-03-01", NULL},
	{"almalinux", "9", false, NULL, "AlmaLinux 9", "2032-05-31", NULL},
	{"almalinux", "10", false, NULL, "AlmaLinux 10", "2035-05-31", NULL},

	/* AWS: end of maintenance support (security updates) */
	{"amzn", "2018.03", false, NULL, "Amazon Linux AMI 2018.03", "2023-12-31", NULL},
	{"amzn", "2", false, NULL, "Amazon Linux 2", "2026-06-30", NULL},
	{"amzn", "2023", false, NULL, "Amazon Linux 2023", "2029-06-30", NULL},

	/* https://docs.fedoraproject.org/en-US/releases/ (four weeks after release N+2) */
	{"fedora", "38", false, NULL, "Fedora Linux 38", "2024-05-21", NULL},
	{"fedora", "39", false, NULL, "Fedora Linux 39", "2024-11-26", NULL},
	{"fedora", "40", false, NULL, "Fedora Linux 40", "2025-05-13", NULL},
	{"fedora", "41", false, NULL, "Fedora Linux 41", "2025-12-15", NULL},
	{"fedora", "42", false, NULL, "Fedora Linux 42", "2026-05-13", NULL},
	{"fedora", "43", false, NULL, "Fedora Linux 43", "2026-12-09", NULL},

	/* https://en.opensuse.org/Lifetime */
	{"opensuse-leap", "15.0", false, NULL, "openSUSE Leap 15.0", "2019-12-03", NULL},
	{"opensuse-leap", "15.1", false, NULL, "openSUSE Leap 15.1", "2021-02-02", NULL},
	{"opensuse-leap", "15.2", false, NULL, "openSUSE Leap 15.2", "2022-01-04", NULL},
	{"opensuse-leap", "15.3", false, NULL, "openSUSE Leap 15.3", "2022-12-31", NULL},
	{"opensuse-leap", "15.4", false, NULL, "openSUSE Leap 15.4", "2023-12-07", NULL},
	{"opensuse-leap", "15.5", false, NULL, "openSUSE Leap 15.5", "2024-12-31", NULL},
	{"opensuse-leap", "15.6", false, NULL, "openSUSE Leap 15.6", "2026-04-30", NULL},
	{"opensuse-leap", "16.0", false, NULL, "openSUSE Leap 16.0", "2027-10-31", NULL},

	/*
	 * https://www.suse.com/lifecycle/: general support, then LTSS, per service pack. VERSION_ID
	 * "15" is 15 GA (SP0), so it matches exactly: an SP the table lacks ("15.8") stays unknown
	 * instead of taking GA's dates.
	 */
	{"sles", "12.5", false, NULL, "SUSE Linux Enterprise Server 12 SP5", "2024-10-31",
	 "2027-10-31"},
	{"sles", "15", true, NULL, "SUSE Linux Enterprise Server 15", "2019-12-31", "2022-12-31"},
	{"sles", "15.1", false, NULL, "SUSE Linux Enterprise Server 15 SP1", "2021-01-31",
	 "2024-01-31"},
	{"sles", "15.2", false, NULL, "SUSE Linux Enterprise Server 15 SP2", "2021-12-31",
	 "2024-12-31"},
	{"sles", "15.3", false, NULL, "SUSE Linux Enterprise Server 15 SP3", "2022-12-31",
	 "2025-12-31"},
	{"sles", "15.4", false, NULL, "SUSE Linux Enterprise Server 15 SP4", "2023-12-31",
	 "2026-12-31"},
	{"sles", "15.5", false, NULL, "SUSE Linux Enterprise Server 15 SP5", "2024-12-31",
	 "2027-12-31"},
	{"sles", "15.6", false, NULL, "SUSE Linux Enterprise Server 15 SP6", "2025-12-31",
	 "2028-12-31"},
	{"sles", "15.7", false, NULL, "SUSE Linux Enterprise Server 15 SP7", "2031-07-31",
	 "2034-07-31"},
};
/* clang-format on */

const struct lsc_eol_cycle *lsc_eol_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

/* "YYYY-MM-DD" of the UTC day of t; lsc_time_parse keeps t within years 0000 to 9999. */
static void format_day(char out[11], time_t t)
{
	int y, m, d;

	lsc_clock_civil(lsc_clock_day(t), &y, &m, &d);
	if (y < 0 || y > 9999) {
		out[0] = 0;
		return;
	}
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

/* --- the verdict -------------------------------------------------------------------------- */

/* VERSION_ID is cycle, or cycle followed by more "."-separated components. */
static bool version_matches(const struct lsc_eol_cycle *c, const char *version)
{
	size_t n = strlen(c->cycle);

	if (strncmp(version, c->cycle, n) != 0) {
		return false;
	}
	return version[n] == 0 || (!c->exact && version[n] == '.');
}

/* The row of os with the longest matching cycle; the first of equals. NULL when none. */
static const struct lsc_eol_cycle *find(const struct lsc_os_info *os)
{
	const struct lsc_eol_cycle *best = NULL;
	size_t best_len = 0;

	if (!os->version_id || !os->version_id[0]) {
		return NULL;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct lsc_eol_cycle *c = &table[i];
		size_t len = strlen(c->cycle);

		if (strcmp(c->id, os->id) != 0 || !version_matches(c, os->version_id)) {
			continue;
		}
		if (c->pretty && (!os->pretty_name || !strstr(os->pretty_name, c->pretty))) {
			continue;
		}
		if (len > best_len) {
			best = c;
			best_len = len;
		}
	}
	return best;
}

int lsc_eol_check(struct lsc_eol_verdict *out, const struct lsc_os_info *os,
		  const char *support_end, time_t now)
{
	const struct lsc_eol_cycle *row;
	time_t end, ext;
	bool have_ext = false;

	assert(out);
	memset(out, 0, sizeof(*out));
	if (!os || !os->id || !os->id[0]) {
		return 0;
	}
	row = find(os);
	if (row) {
		snprintf(out->product, sizeof(out->product), "%s", row->product);
	} else if (os->pretty_name && os->pretty_name[0]) {
		snprintf(out->product, sizeof(out->product), "%s", os->pretty_name);
	} else if (os->version_id && os->version_id[0]) {
		snprintf(out->product, sizeof(out->product), "%s %s", os->id, os->version_id);
	} else {
		snprintf(out->product, sizeof(out->product), "%s", os->id);
	}

	if (support_end && lsc_time_parse(&end, support_end) == 0) {
		out->source = "SUPPORT_END in os-release";
	} else if (row && lsc_time_parse(&end, row->support_end) == 0) {
		out->source = "release table";
	} else {
		/* a table date that does not parse is a bug the unit test catches */
		assert(!row);
		return 0;
	}
	if (row && row->extended_end && lsc_time_parse(&ext, row->extended_end) == 0) {
		have_ext = true;
		format_day(out->extended_end, ext);
	}
	format_day(out->support_end, end);
	out->days = (long)(lsc_clock_day(end) - lsc_clock_day(now));

	if (out->days > LSC_EOL_SOON_DAYS) {
		out->status = LSC_EOL_SUPPORTED;
	} else if (out->days >= 0) {
		out->status = LSC_EOL_ENDING_SOON;
	} else if (have_ext && lsc_clock_day(ext) >= lsc_clock_day(now)) {
		out->status = LSC_EOL_EXTENDED_ONLY;
	} else {
		out->status = LSC_EOL_ENDED;
	}
	return 0;
}

/* lib/baseline: the fingerprints of an earlier JSON report. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/baseline.h"
#include "util/error.h"

static char path[64];

static const char *write_tmp(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/lsc-baseline-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

Test(baseline, loads_findings_and_ignored)
{
	struct lsc_baseline *b;
	const char *p = write_tmp(
	    "{\"schema\": \"layerscan/report/v1\", \"findings\": ["
	    "{\"rule_id\": \"x\", \"fingerprint\": \"0123456789abcdef0123456789abcdef\"}],"
	    " \"ignored\": [{\"fingerprint\": \"ffffffffffffffffffffffffffffffff\"}]}");

	cr_assert_eq(lsc_baseline_load(&b, p), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_baseline_count(b), 2);
	cr_assert(lsc_baseline_has(b, "0123456789abcdef0123456789abcdef"));
	cr_assert(lsc_baseline_has(b, "ffffffffffffffffffffffffffffffff"));
	cr_assert_not(lsc_baseline_has(b, "00000000000000000000000000000000"));
	cr_assert_not(lsc_baseline_has(b, NULL));
	lsc_baseline_free(b);
	unlink(p);
}

Test(baseline, rejects_what_is_not_a_report)
{
	struct {
		const char *text, *why;
	} bad[] = {
	    {"not json", "line 1"},
	    {"{\"findings\": []}", "not a layerscan JSON report"},
	    {"{\"schema\": \"layerscan/report/v1\", \"findings\": {}}", "not an array"},
	    {"{\"schema\": \"layerscan/report/v1\", \"findings\": [{\"rule_id\": \"x\"}]}",
	     "no valid fingerprint"},
	    {"{\"schema\": \"layerscan/report/v1\", \"findings\": [{\"fingerprint\": \"XYZ\"}]}",
	     "no valid fingerprint"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lsc_baseline *b = (struct lsc_baseline *)1;
		const char *p = write_tmp(bad[i].text);

		cr_assert_eq(lsc_baseline_load(&b, p), -LSC_E_USAGE, "%s", bad[i].text);
		cr_assert_null(b);
		cr_assert(strstr(lsc_error_last(), bad[i].why) && strstr(lsc_error_last(), p),
			  "%s: %s", bad[i].text, lsc_error_last());
		unlink(p);
	}
	cr_assert_eq(lsc_baseline_load(&(struct lsc_baseline *){NULL}, "/nonexistent/report.json"),
		     -LSC_E_USAGE);
	cr_assert(strstr(lsc_error_last(), "/nonexistent/report.json"));
}

Test(baseline, empty_report_is_an_empty_baseline)
{
	struct lsc_baseline *b;
	const char *p = write_tmp("{\"schema\": \"layerscan/report/v1\", \"findings\": []}");

	cr_assert_eq(lsc_baseline_load(&b, p), 0);
	cr_assert_eq(lsc_baseline_count(b), 0);
	lsc_baseline_free(b);
	unlink(p);
}

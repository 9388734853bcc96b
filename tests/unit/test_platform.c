/* lib/platform: parsing, formatting and matching --platform values. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/platform.h"

static void detail_has(const char *what)
{
	cr_assert_not_null(strstr(lsc_error_last(), what), "detail \"%s\" lacks \"%s\"",
			   lsc_error_last(), what);
}

Test(platform, platform_parse_and_format)
{
	struct lsc_platform p;
	char s[100];

	cr_assert_eq(lsc_platform_parse(&p, NULL), 0);
	cr_assert_str_eq(p.os, "linux");
	cr_assert_str_eq(p.arch, "amd64");
	cr_assert_str_eq(p.variant, "");
	cr_assert_eq(lsc_platform_parse(&p, ""), 0);
	cr_assert_str_eq(p.arch, "amd64");
	cr_assert_eq(lsc_platform_parse(&p, "linux/arm64/v8"), 0);
	cr_assert_str_eq(p.os, "linux");
	cr_assert_str_eq(p.arch, "arm64");
	cr_assert_str_eq(p.variant, "v8");
	lsc_platform_format(s, sizeof(s), &p);
	cr_assert_str_eq(s, "linux/arm64/v8");
	cr_assert_eq(lsc_platform_parse(&p, "windows/amd64"), 0);
	lsc_platform_format(s, sizeof(s), &p);
	cr_assert_str_eq(s, "windows/amd64");
	cr_assert_eq(lsc_platform_parse(&p, "linux/ppc64le"), 0);
	cr_assert_str_eq(p.arch, "ppc64le");
}

Test(platform, platform_parse_rejects)
{
	struct lsc_platform p;
	const char *bad[] = {"linux",
			     "linux/",
			     "/amd64",
			     "linux//v8",
			     "linux/amd64/",
			     "Linux/amd64",
			     "linux/amd64/v8/extra",
			     "linux/amd 64",
			     "linux/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(lsc_platform_parse(&p, bad[i]), -LSC_E_USAGE, "\"%s\"", bad[i]);
		detail_has(bad[i]);
	}
}

Test(platform, platform_match)
{
	struct lsc_platform p;

	cr_assert_eq(lsc_platform_parse(&p, "linux/arm64"), 0);
	cr_assert(lsc_platform_match(&p, "linux", "arm64", NULL));
	cr_assert(lsc_platform_match(&p, "linux", "arm64", ""));
	cr_assert(lsc_platform_match(&p, "linux", "arm64", "v8"));
	cr_assert_not(lsc_platform_match(&p, "linux", "arm64", "v9"));
	cr_assert_not(lsc_platform_match(&p, "linux", "amd64", NULL));
	cr_assert_not(lsc_platform_match(&p, "windows", "arm64", NULL));
	cr_assert_not(lsc_platform_match(&p, NULL, "arm64", NULL));
	cr_assert_not(lsc_platform_match(&p, "linux", NULL, NULL));
	cr_assert_eq(lsc_platform_parse(&p, "linux/amd64"), 0);
	cr_assert(lsc_platform_match(&p, "linux", "amd64", NULL));
	cr_assert_not(lsc_platform_match(&p, "linux", "amd64", "v3"));
	cr_assert_eq(lsc_platform_parse(&p, "linux/amd64/v3"), 0);
	cr_assert_not(lsc_platform_match(&p, "linux", "amd64", NULL));
	cr_assert(lsc_platform_match(&p, "linux", "amd64", "v3"));
}

/* lib/finding: enum names, redaction, fingerprints, report order. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "lib/finding.h"

static const struct lsc_rule rule_a = {
    "github-pat", LSC_CAT_SECRET, LSC_SEV_CRITICAL, "GitHub personal access token", "d", "secrets"};
static const struct lsc_rule rule_b = {
    "env-file", LSC_CAT_SENSITIVE_FILE, LSC_SEV_HIGH, "Environment file", "d", "sensitive-files"};

#define DIFF1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define DIFF2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define BLOB1 "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BLOB2 "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char *redact(const char *s)
{
	char *out = malloc(strlen(s) + 1);

	lsc_redact(out, s);
	return out;
}

static void redact_is(const char *in, const char *want)
{
	char *got = redact(in);

	cr_assert_str_eq(got, want, "redact(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	cr_assert_eq(strlen(got), strlen(in), "length preserved");
	free(got);
}

Test(finding, redact_github_token)
{
	const char *tok = "ghp_0123456789abcdefghijklmnopqrstuvWXYZ";

	cr_assert_eq(strlen(tok), 40);
	redact_is(tok, "ghp_********************************WXYZ");
}

Test(finding, redact_long_values_keep_four_each_side)
{
	redact_is("0123456789abcdef", "0123********cdef");
	redact_is("AKIAIOSFODNN7EXAMPLE", "AKIA************MPLE");
}

Test(finding, redact_short_values_keep_at_most_a_quarter)
{
	redact_is("0123456789abcde", "012*********cde");
	redact_is("12345678", "12****78");
	redact_is("1234567", "1*****7");
	redact_is("1234", "1**4");
	redact_is("123", "***");
	redact_is("ab", "**");
	redact_is("x", "*");
	redact_is("", "");
}

Test(finding, redact_never_shows_more_than_half)
{
	char s[65];

	for (size_t n = 1; n <= 64; n++) {
		char *r;
		size_t clear = 0;

		memset(s, 'S', n);
		s[n] = 0;
		r = redact(s);
		for (size_t i = 0; i < n; i++) {
			clear += r[i] == 'S';
		}
		cr_assert_leq(clear * 2, n, "n=%zu: %zu characters in clear", n, clear);
		cr_assert_leq(clear, 8, "n=%zu", n);
		free(r);
	}
}

Test(finding, severity_names_round_trip)
{
	const char *names[] = {"info", "low", "medium", "high", "critical", "never"};

	for (int s = LSC_SEV_INFO; s <= LSC_SEV_NEVER; s++) {
		enum lsc_severity got = (enum lsc_severity)99;

		cr_assert_str_eq(lsc_severity_name((enum lsc_severity)s), names[s]);
		cr_assert_eq(lsc_severity_parse(&got, names[s]), 0);
		cr_assert_eq(got, (enum lsc_severity)s);
	}
	cr_assert_eq(LSC_SEV_NEVER, 5);
}

Test(finding, severity_parse_rejects)
{
	enum lsc_severity s = LSC_SEV_LOW;

	cr_assert_eq(lsc_severity_parse(&s, "HIGH"), -LSC_E_USAGE);
	cr_assert_eq(lsc_severity_parse(&s, "hi"), -LSC_E_USAGE);
	cr_assert_eq(lsc_severity_parse(&s, ""), -LSC_E_USAGE);
	cr_assert_eq(lsc_severity_parse(&s, "high "), -LSC_E_USAGE);
	cr_assert_eq(lsc_severity_parse(&s, "none"), -LSC_E_USAGE);
	cr_assert_eq(s, LSC_SEV_LOW, "unchanged on failure");
	cr_assert_str_eq(lsc_severity_name((enum lsc_severity)42), "?");
}

Test(finding, category_and_location_names)
{
	cr_assert_str_eq(lsc_category_name(LSC_CAT_SECRET), "secret");
	cr_assert_str_eq(lsc_category_name(LSC_CAT_SENSITIVE_FILE), "sensitive-file");
	cr_assert_str_eq(lsc_category_name(LSC_CAT_USER), "user");
	cr_assert_str_eq(lsc_category_name(LSC_CAT_STALE_BASE), "stale-base");
	cr_assert_str_eq(lsc_category_name(LSC_CAT_CONFIG), "config");
	cr_assert_str_eq(lsc_category_name(LSC_CAT_PERMISSIONS), "permissions");
	cr_assert_str_eq(lsc_category_name((enum lsc_category)17), "?");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_FILE), "file");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_CONFIG_ENV), "config.env");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_CONFIG_HISTORY), "config.history");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_CONFIG_LABELS), "config.labels");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_CONFIG_USER), "config.user");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_CONFIG_VOLUMES), "config.volumes");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_ANNOTATIONS), "annotations");
	cr_assert_str_eq(lsc_location_name(LSC_LOC_IMAGE), "image");
	cr_assert_str_eq(lsc_location_name((enum lsc_location)99), "?");
}

/* --- fingerprints ------------------------------------------------------------------------ */

static struct lsc_finding base_finding(void)
{
	struct lsc_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = &rule_a;
	f.severity = LSC_SEV_CRITICAL;
	f.source = LSC_LOC_FILE;
	f.layer_index = 2;
	f.layer_digest = BLOB1;
	f.layer_diff_id = DIFF1;
	f.path = "/app/config.yaml";
	f.line = 14;
	f.match = "ghp_0123456789abcdefghijklmnopqrstuvWXYZ";
	f.detail = "a token";
	return f;
}

static void fp(struct lsc_finding *f, char out[33])
{
	lsc_finding_fingerprint(f);
	memcpy(out, f->fingerprint, 33);
}

Test(finding, fingerprint_shape_and_stability)
{
	struct lsc_finding a = base_finding(), b = base_finding();
	char fa[33], fb[33];

	fp(&a, fa);
	cr_assert_eq(strlen(fa), 32);
	for (int i = 0; i < 32; i++) {
		cr_assert((fa[i] >= '0' && fa[i] <= '9') || (fa[i] >= 'a' && fa[i] <= 'f'));
	}
	/* same inputs, separately built strings */
	b.path = strdup("/app/config.yaml");
	b.match = strdup(a.match);
	fp(&b, fb);
	cr_assert_str_eq(fa, fb);
	fp(&a, fb);
	cr_assert_str_eq(fa, fb, "recomputing gives the same value");
	free(b.path);
	free(b.match);
}

Test(finding, fingerprint_ignores_line_layer_digest_index_severity_detail)
{
	struct lsc_finding a = base_finding(), b = base_finding();
	char fa[33], fb[33];

	fp(&a, fa);
	b.line = 200;
	b.layer_digest = BLOB2; /* the layer recompressed: same diff_id, new blob digest */
	b.layer_index = 5;
	b.severity = LSC_SEV_LOW;
	b.detail = "other words";
	b.in_final_image = true;
	fp(&b, fb);
	cr_assert_str_eq(fa, fb);
}

Test(finding, fingerprint_depends_on_identity)
{
	struct lsc_finding a = base_finding(), b;
	char fa[33], fb[33];

	fp(&a, fa);

	b = base_finding();
	b.match = "ghp_0123456789abcdefghijklmnopqrstuvWXYY";
	fp(&b, fb);
	cr_assert_str_neq(fa, fb, "match");

	b = base_finding();
	b.match = NULL;
	fp(&b, fb);
	cr_assert_str_neq(fa, fb, "no match");

	b = base_finding();
	b.path = "/app/config.yml";
	fp(&b, fb);
	cr_assert_str_neq(fa, fb, "path");

	b = base_finding();
	b.rule = &rule_b;
	fp(&b, fb);
	cr_assert_str_neq(fa, fb, "rule");

	b = base_finding();
	b.layer_diff_id = DIFF2;
	fp(&b, fb);
	cr_assert_str_neq(fa, fb, "diff_id");

	b = base_finding();
	b.source = LSC_LOC_CONFIG_ENV;
	fp(&b, fb);
	cr_assert_str_neq(fa, fb, "location source");
}

Test(finding, fingerprint_fields_do_not_run_together)
{
	struct lsc_finding a = base_finding(), b = base_finding();
	char fa[33], fb[33];

	/* the same string moved from one field to the next: the separators keep them apart */
	a.layer_diff_id = NULL;
	a.path = "/x";
	b.layer_diff_id = "/x";
	b.path = NULL;
	fp(&a, fa);
	fp(&b, fb);
	cr_assert_str_neq(fa, fb);
}

/* --- copy and order ---------------------------------------------------------------------- */

Test(finding, copy_is_deep)
{
	struct lsc_finding src = base_finding(), dst;

	lsc_finding_fingerprint(&src);
	cr_assert_eq(lsc_finding_copy(&dst, &src), 0);
	cr_assert_neq(dst.path, src.path);
	cr_assert_neq(dst.match, src.match);
	cr_assert_neq(dst.detail, src.detail);
	cr_assert_str_eq(dst.path, src.path);
	cr_assert_str_eq(dst.match, src.match);
	cr_assert_str_eq(dst.detail, src.detail);
	cr_assert_str_eq(dst.fingerprint, src.fingerprint);
	cr_assert_eq(dst.rule, src.rule);
	cr_assert_eq(dst.line, 14);
	lsc_finding_dispose(&dst);
	cr_assert_null(dst.path);
	cr_assert_null(dst.match);
	cr_assert_null(dst.detail);

	src.path = NULL;
	src.match = NULL;
	src.detail = NULL;
	cr_assert_eq(lsc_finding_copy(&dst, &src), 0);
	cr_assert_null(dst.path);
	cr_assert_null(dst.match);
	lsc_finding_dispose(&dst);
}

static struct lsc_finding ord(enum lsc_severity sev, int layer, const char *path, long line,
			      const struct lsc_rule *rule)
{
	struct lsc_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.severity = sev;
	f.layer_index = layer;
	f.path = (char *)path;
	f.line = line;
	strcpy(f.fingerprint, "00000000000000000000000000000000");
	return f;
}

Test(finding, cmp_order)
{
	struct lsc_finding f[] = {
	    ord(LSC_SEV_LOW, 0, "/a", 1, &rule_a),   ord(LSC_SEV_CRITICAL, 3, "/z", 9, &rule_a),
	    ord(LSC_SEV_HIGH, 1, "/b", 2, &rule_a),  ord(LSC_SEV_HIGH, 1, "/b", 1, &rule_a),
	    ord(LSC_SEV_HIGH, 1, "/a", 5, &rule_a),  ord(LSC_SEV_HIGH, 0, "/z", 1, &rule_a),
	    ord(LSC_SEV_HIGH, -1, NULL, 0, &rule_a), ord(LSC_SEV_HIGH, 1, "/b", 1, &rule_b),
	    ord(LSC_SEV_HIGH, 1, NULL, 0, &rule_a),  ord(LSC_SEV_INFO, 0, "/a", 1, &rule_a),
	};
	/* severity desc, then layer (-1 first), path (NULL first), line, rule id */
	const struct {
		enum lsc_severity sev;
		int layer;
		const char *path;
		long line;
		const char *rule;
	} want[] = {
	    {LSC_SEV_CRITICAL, 3, "/z", 9, "github-pat"}, {LSC_SEV_HIGH, -1, NULL, 0, "github-pat"},
	    {LSC_SEV_HIGH, 0, "/z", 1, "github-pat"},	  {LSC_SEV_HIGH, 1, NULL, 0, "github-pat"},
	    {LSC_SEV_HIGH, 1, "/a", 5, "github-pat"},	  {LSC_SEV_HIGH, 1, "/b", 1, "env-file"},
	    {LSC_SEV_HIGH, 1, "/b", 1, "github-pat"},	  {LSC_SEV_HIGH, 1, "/b", 2, "github-pat"},
	    {LSC_SEV_LOW, 0, "/a", 1, "github-pat"},	  {LSC_SEV_INFO, 0, "/a", 1, "github-pat"},
	};
	size_t n = sizeof(f) / sizeof(f[0]);

	qsort(f, n, sizeof(f[0]), lsc_finding_cmp);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(f[i].severity, want[i].sev, "position %zu", i);
		cr_assert_eq(f[i].layer_index, want[i].layer, "position %zu", i);
		if (want[i].path) {
			cr_assert_str_eq(f[i].path, want[i].path, "position %zu", i);
		} else {
			cr_assert_null(f[i].path, "position %zu", i);
		}
		cr_assert_eq(f[i].line, want[i].line, "position %zu", i);
		cr_assert_str_eq(f[i].rule->id, want[i].rule, "position %zu", i);
	}
}

Test(finding, cmp_equal_and_fingerprint_tiebreak)
{
	struct lsc_finding a = ord(LSC_SEV_HIGH, 1, "/a", 1, &rule_a);
	struct lsc_finding b = ord(LSC_SEV_HIGH, 1, "/a", 1, &rule_a);

	cr_assert_eq(lsc_finding_cmp(&a, &b), 0);
	b.fingerprint[0] = '1';
	cr_assert_lt(lsc_finding_cmp(&a, &b), 0);
	cr_assert_gt(lsc_finding_cmp(&b, &a), 0);
}

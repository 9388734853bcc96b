/* The secret engine: keyword prefilter, PCRE2 confirmation, streaming, lines, checks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/secrets/secrets.h"

static const struct lsc_rule info[] = {
    {"t-token", LSC_CAT_SECRET, LSC_SEV_HIGH, "test token", "d", "secret"},
    {"t-aws", LSC_CAT_SECRET, LSC_SEV_CRITICAL, "aws id", "d", "secret"},
    {"t-aws-lower", LSC_CAT_SECRET, LSC_SEV_CRITICAL, "aws id lowered", "d", "secret"},
    {"t-entropy", LSC_CAT_SECRET, LSC_SEV_LOW, "entropy", "d", "secret"},
    {"t-bin", LSC_CAT_SECRET, LSC_SEV_HIGH, "binary", "d", "secret"},
};
static const char *const kw_tok[] = {"tok_"};
static const char *const kw_aws[] = {"AKIA"};
static const char *const kw_pw[] = {"passwd"};
static const char *const kw_bin[] = {"BIN_"};

static const struct lsc_secret_rule rules[] = {
    {.rule = &info[0],
     .pattern = "(?<secret>tok_[a-z0-9]{20})\\b",
     .keywords = kw_tok,
     .nkeywords = 1,
     .confidence = LSC_CONF_HIGH},
    {.rule = &info[1],
     .pattern = "\\b(AKIA[A-Z0-9]{16})\\b",
     .keywords = kw_aws,
     .nkeywords = 1,
     .check = LSC_CHECK_AWS_KEY_ID,
     .drop_on_fail = true,
     .confidence = LSC_CONF_HIGH},
    {.rule = &info[2],
     .pattern = "\\bkey=(AKIA[A-Z0-9]{16})\\b",
     .keywords = kw_aws,
     .nkeywords = 1,
     .check = LSC_CHECK_AWS_KEY_ID,
     .fail_severity = LSC_SEV_INFO,
     .confidence = LSC_CONF_HIGH},
    {.rule = &info[3],
     .pattern = "passwd\\s*=\\s*(\\S+)",
     .keywords = kw_pw,
     .nkeywords = 1,
     .min_entropy = 3.0,
     .caseless = true,
     .confidence = LSC_CONF_HIGH},
    {.rule = &info[4],
     .pattern = "(BIN_[A-Z]{8})",
     .keywords = kw_bin,
     .nkeywords = 1,
     .binary = true,
     .confidence = LSC_CONF_HIGH},
};

struct seen {
	char id[32];
	char secret[128];
	uint64_t line, offset;
	enum lsc_severity sev;
};

struct hits {
	struct seen v[4096];
	size_t n;
};

static int collect(const struct lsc_secret_hit *h, void *payload)
{
	struct hits *hs = payload;
	struct seen *s = &hs->v[hs->n++];

	cr_assert(hs->n < 4096);
	snprintf(s->id, sizeof(s->id), "%s", h->rule->rule->id);
	snprintf(s->secret, sizeof(s->secret), "%.*s", (int)h->len, h->secret);
	s->line = h->line;
	s->offset = h->offset;
	s->sev = h->severity;
	return 0;
}

static struct lsc_secrets *engine;
static struct lsc_secrets_scanner *sc;

static void setup(void)
{
	int rc = lsc_secrets_new(&engine, rules, sizeof(rules) / sizeof(rules[0]));

	cr_assert_eq(rc, 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_secrets_scanner_new(&sc, engine), 0);
}

static void teardown(void)
{
	lsc_secrets_scanner_free(sc);
	lsc_secrets_free(engine);
}

/* Feeds text in chunks of `chunk` bytes (0: one buffer). */
static void scan(struct hits *h, const char *text, size_t n, size_t chunk, bool binary)
{
	h->n = 0;
	if (chunk == 0) {
		cr_assert_eq(lsc_secrets_scan(sc, (const uint8_t *)text, n, binary, collect, h), 0);
		return;
	}
	cr_assert_eq(lsc_secrets_begin(sc, binary), 0);
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;

		cr_assert_eq(lsc_secrets_feed(sc, (const uint8_t *)text + off, k, collect, h), 0);
	}
	cr_assert_eq(lsc_secrets_end(sc, collect, h), 0);
}

static size_t count(const struct hits *h, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++) {
		n += strcmp(h->v[i].id, id) == 0;
	}
	return n;
}

TestSuite(secrets, .init = setup, .fini = teardown);

Test(secrets, finds_with_exact_line_and_offset)
{
	const char *t = "line one\nline two\nvalue: tok_k3v9q2m7x1p8z4r6t0w5 end\n";
	struct hits h;

	scan(&h, t, strlen(t), 0, false);
	cr_assert_eq(count(&h, "t-token"), 1);
	cr_assert_str_eq(h.v[0].secret, "tok_k3v9q2m7x1p8z4r6t0w5");
	cr_assert_eq(h.v[0].line, 3);
	cr_assert_eq(h.v[0].offset, (uint64_t)(strstr(t, "tok_") - t));
}

Test(secrets, every_chunking_gives_the_same_result)
{
	static char t[300000];
	static struct hits ref, h;
	uint64_t seed = 42;
	size_t n = 0;
	const size_t chunks[] = {1, 2, 3, 7, 64, 4095, 4096, 65537, 262144, 300000};

	/* secrets at both sides of many boundaries, CRLF lines, a very long line */
	for (int i = 0; i < 200; i++) {
		n += (size_t)sprintf(t + n, "row %d\r\nk=tok_", i);
		for (int c = 0; c < 20; c++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			t[n++] = "abcdefghijklmnopqrstuvwxyz0123456789"[(seed >> 33) % 36];
		}
		n += (size_t)sprintf(t + n, "\r\n");
	}
	memset(t + n, 'a', 100000);
	n += 100000;
	n += (size_t)sprintf(t + n, " tok_q8w2n5b7c1x4z9v3m6k0\n");
	scan(&ref, t, n, 0, false);
	cr_assert_eq(count(&ref, "t-token"), 201);
	cr_assert_eq(ref.v[0].line, 2);
	cr_assert_eq(ref.v[199].line, 400);
	cr_assert_eq(ref.v[200].line, 401, "the long line's secret is on line %llu",
		     (unsigned long long)ref.v[200].line);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		scan(&h, t, n, chunks[c], false);
		cr_assert_eq(h.n, ref.n, "chunk %zu: %zu hits, want %zu", chunks[c], h.n, ref.n);
		for (size_t i = 0; i < h.n; i++) {
			cr_assert_str_eq(h.v[i].secret, ref.v[i].secret);
			cr_assert_eq(h.v[i].line, ref.v[i].line, "chunk %zu hit %zu", chunks[c], i);
			cr_assert_eq(h.v[i].offset, ref.v[i].offset);
		}
	}
}

Test(secrets, keyword_straddling_a_chunk_boundary)
{
	const char *t = "xxxxxxxxxtok_k3v9q2m7x1p8z4r6t0w5";
	struct hits h;

	for (size_t split = 1; split < strlen(t); split++) {
		h.n = 0;
		lsc_secrets_begin(sc, false);
		lsc_secrets_feed(sc, (const uint8_t *)t, split, collect, &h);
		lsc_secrets_feed(sc, (const uint8_t *)t + split, strlen(t) - split, collect, &h);
		lsc_secrets_end(sc, collect, &h);
		cr_assert_eq(count(&h, "t-token"), 1, "split at %zu", split);
	}
}

Test(secrets, keywords_are_caseless_patterns_are_not)
{
	const char *t = "TOK_K3V9Q2M7X1P8Z4R6T0W5 and tok_k3v9q2m7x1p8z4r6t0w5";
	struct hits h;

	scan(&h, t, strlen(t), 0, false);
	cr_assert_eq(count(&h, "t-token"), 1);
}

Test(secrets, check_drops_or_lowers)
{
	/* AKIA + 16 of [A-Z2-7] passes; a digit 0/1/8/9 fails the base32 check */
	const char *good = "key=AKIAZ4Q7JN2KVX5MWB3T\n";
	const char *bad = "key=AKIAZ4Q7JN2KVX5MWB01\n";
	struct hits h;

	scan(&h, good, strlen(good), 0, false);
	cr_assert_eq(count(&h, "t-aws"), 1);
	cr_assert_eq(count(&h, "t-aws-lower"), 1);
	scan(&h, bad, strlen(bad), 0, false);
	cr_assert_eq(count(&h, "t-aws"), 0, "a failed check drops t-aws");
	cr_assert_eq(count(&h, "t-aws-lower"), 1);
	cr_assert_eq(h.v[0].sev, LSC_SEV_INFO, "a failed check lowers t-aws-lower");
}

Test(secrets, back_bounds_the_match_start)
{
	/* the match starts 6 bytes before its keyword "=AKIA" */
	static const struct lsc_rule ri[] = {
	    {"t-back", LSC_CAT_SECRET, LSC_SEV_HIGH, "back", "d", "secret"},
	};
	static const char *const kw[] = {"=AKIA"};
	struct lsc_secret_rule r = {.rule = &ri[0],
				    .pattern = "\\bsecret=AKIA[A-Z2-7]{16}\\b",
				    .keywords = kw,
				    .nkeywords = 1,
				    .back_set = true,
				    .confidence = LSC_CONF_HIGH};
	const char *t = "x secret=AKIAZ4Q7JN2KVX5MWB3T\n";
	unsigned backs[] = {0, 5, 6, 7, 1024};
	size_t want[] = {0, 0, 1, 1, 1};

	for (size_t i = 0; i < sizeof(backs) / sizeof(backs[0]); i++) {
		struct lsc_secrets *e;
		struct lsc_secrets_scanner *s2;
		struct hits h = {.n = 0};

		r.back = backs[i];
		cr_assert_eq(lsc_secrets_new(&e, &r, 1), 0, "%s", lsc_error_last());
		cr_assert_eq(lsc_secrets_scanner_new(&s2, e), 0);
		lsc_secrets_scan(s2, (const uint8_t *)t, strlen(t), false, collect, &h);
		cr_assert_eq(count(&h, "t-back"), want[i], "back = %u", backs[i]);
		lsc_secrets_scanner_free(s2);
		lsc_secrets_free(e);
	}
}

Test(secrets, low_confidence_hits_yield_to_overlapping_ones)
{
	/* a generic rule (low) and a provider rule (high) on the same value; a low one elsewhere */
	static const struct lsc_rule ri[] = {
	    {"t-generic", LSC_CAT_SECRET, LSC_SEV_LOW, "generic", "d", "secret"},
	    {"t-provider", LSC_CAT_SECRET, LSC_SEV_HIGH, "provider", "d", "secret"},
	    {"t-generic-2", LSC_CAT_SECRET, LSC_SEV_LOW, "generic", "d", "secret"},
	};
	static const char *const kw_g[] = {"tkn"}, *const kw_p[] = {"prv_"},
				 *const kw_g2[] = {"key"};
	const struct lsc_secret_rule r[] = {
	    {.rule = &ri[0],
	     .pattern = "tkn\\w*\\s*=\\s*(\\S+)",
	     .keywords = kw_g,
	     .nkeywords = 1,
	     .caseless = true,
	     .confidence = LSC_CONF_LOW},
	    {.rule = &ri[1],
	     .pattern = "(prv_[a-z0-9]{12})",
	     .keywords = kw_p,
	     .nkeywords = 1,
	     .confidence = LSC_CONF_HIGH},
	    {.rule = &ri[2],
	     .pattern = "key\\w*\\s*=\\s*(\\S+)",
	     .keywords = kw_g2,
	     .nkeywords = 1,
	     .caseless = true,
	     .confidence = LSC_CONF_LOW},
	};
	/* the generic hit comes first in the text: it must still yield */
	const char *t = "TKN_A = prv_k3v9q2m7x1p8\nTKN_B = Zq8vN3kP0wLx\n"
			"TKN_KEY = Yx7cB2nM9qWe\n";
	struct lsc_secrets *e;
	struct lsc_secrets_scanner *s2;
	struct hits h = {.n = 0};

	cr_assert_eq(lsc_secrets_new(&e, r, 3), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_secrets_scanner_new(&s2, e), 0);
	/* fed byte by byte: deferral holds across chunks */
	lsc_secrets_begin(s2, false);
	for (size_t i = 0; i < strlen(t); i++) {
		lsc_secrets_feed(s2, (const uint8_t *)t + i, 1, collect, &h);
	}
	lsc_secrets_end(s2, collect, &h);
	cr_assert_eq(count(&h, "t-provider"), 1);
	cr_assert_eq(count(&h, "t-generic"), 2, "TKN_B and TKN_KEY, not TKN_A");
	cr_assert_eq(count(&h, "t-generic-2"), 0, "TKN_KEY's value is already t-generic's");
	for (size_t i = 0; i < h.n; i++) {
		if (strcmp(h.v[i].id, "t-generic") == 0) {
			cr_assert(h.v[i].line == 2 || h.v[i].line == 3, "line %llu",
				  (unsigned long long)h.v[i].line);
		}
	}
	lsc_secrets_scanner_free(s2);
	lsc_secrets_free(e);
}

Test(secrets, placeholders_and_entropy)
{
	const char *t = "PASSWD = ${DB_PASSWORD}\npasswd = aaaaaaaaaaaa\npasswd = k9#Lm2$vQ8!zR4\n";
	struct hits h;

	scan(&h, t, strlen(t), 0, false);
	cr_assert_eq(count(&h, "t-entropy"), 1);
	cr_assert_str_eq(h.v[0].secret, "k9#Lm2$vQ8!zR4");
	cr_assert_eq(h.v[0].line, 3);
}

Test(secrets, binary_mode_runs_binary_rules_only)
{
	const char t[] = "\x7f"
			 "ELF\0\0BIN_QKZMRTVW\0tok_k3v9q2m7x1p8z4r6t0w5\0";
	struct hits h;

	scan(&h, t, sizeof(t) - 1, 0, true);
	cr_assert_eq(count(&h, "t-bin"), 1);
	cr_assert_eq(count(&h, "t-token"), 0);
	scan(&h, t, sizeof(t) - 1, 0, false);
	cr_assert_eq(count(&h, "t-token"), 1);
}

Test(secrets, repeated_secret_each_occurrence_once)
{
	const char *t =
	    "tok_k3v9q2m7x1p8z4r6t0w5 tok_k3v9q2m7x1p8z4r6t0w5\ntok_k3v9q2m7x1p8z4r6t0w5";
	struct hits h;

	scan(&h, t, strlen(t), 0, false);
	cr_assert_eq(count(&h, "t-token"), 3);
	cr_assert_eq(h.v[2].line, 2);
}

Test(secrets, keyword_flood_is_bounded)
{
	size_t n = 8u << 20;
	char *t = malloc(n);
	struct hits *h = malloc(sizeof(*h));

	for (size_t i = 0; i < n; i++) {
		t[i] = "tok_"[i % 4];
	}
	scan(h, t, n, 65536, false);
	cr_assert_eq(h->n, 0);
	free(t);
	free(h);
}

Test(secrets, bad_custom_rule_is_named)
{
	static const struct lsc_rule bi = {"broken-rule", LSC_CAT_SECRET, LSC_SEV_LOW, "b",
					   "d",		  "secret"};
	static const struct lsc_secret_rule bad = {
	    .rule = &bi, .pattern = "(unclosed", .keywords = kw_tok, .nkeywords = 1};
	struct lsc_secrets *e = NULL;

	cr_assert_eq(lsc_secrets_new(&e, &bad, 1), -LSC_E_FORMAT);
	cr_assert(strstr(lsc_error_last(), "broken-rule") != NULL);
	cr_assert_null(e);
}

/* --- the confirmation budget (issue 12) ---------------------------------------------------- */

static const struct lsc_rule flood_info[] = {
    {"t-assign", LSC_CAT_SECRET, LSC_SEV_LOW, "assignment", "d", "secret"},
    {"t-pfx", LSC_CAT_SECRET, LSC_SEV_HIGH, "prefix", "d", "secret"},
};
static const char *const kw_key[] = {"key="};
static const char *const kw_pfx[] = {"pfx_"};

/* a generic NAME=value rule (every hit needs PCRE2) and a prefix rule (refused by hand) */
static const struct lsc_secret_rule flood_rules[] = {
    {.rule = &flood_info[0],
     .pattern = "key=(?<secret>[A-Z][a-z0-9]{11})(?![A-Za-z0-9])",
     .keywords = kw_key,
     .nkeywords = 1,
     .confidence = LSC_CONF_HIGH,
     .back_set = true,
     .back = 0},
    {.rule = &flood_info[1],
     .pattern = "(?<![A-Za-z0-9_])(?<secret>pfx_[A-Za-z0-9]{24})"
		"(?![A-Za-z0-9_])",
     .keywords = kw_pfx,
     .nkeywords = 1,
     .confidence = LSC_CONF_HIGH},
};

/* n bytes of unit repeated, then tail; the caller frees it */
static char *flood(size_t n, const char *unit, const char *tail, size_t *len)
{
	size_t u = strlen(unit), t = strlen(tail);
	char *p = malloc(n + t + 1);

	cr_assert_not_null(p);
	for (size_t i = 0; i < n; i++) {
		p[i] = unit[i % u];
	}
	memcpy(p + n, tail, t + 1);
	*len = n + t;
	return p;
}

static void flood_scan(struct hits *h, const char *t, size_t n, size_t chunk)
{
	struct lsc_secrets *e;
	struct lsc_secrets_scanner *s;

	cr_assert_eq(lsc_secrets_new(&e, flood_rules, 2), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_secrets_scanner_new(&s, e), 0);
	h->n = 0;
	if (chunk == 0) {
		cr_assert_eq(lsc_secrets_scan(s, (const uint8_t *)t, n, false, collect, h), 0);
	} else {
		cr_assert_eq(lsc_secrets_begin(s, false), 0);
		for (size_t off = 0; off < n; off += chunk) {
			size_t k = n - off < chunk ? n - off : chunk;

			cr_assert_eq(lsc_secrets_feed(s, (const uint8_t *)t + off, k, collect, h),
				     0);
		}
		cr_assert_eq(lsc_secrets_end(s, collect, h), 0);
	}
	lsc_secrets_scanner_free(s);
	lsc_secrets_free(e);
}

Test(secrets, prefix_token_after_decoys_is_found)
{
	size_t n;
	char *t = flood(8u << 20, "pfx_", "\nPFX=pfx_Ab3dE5fG7hJ9kL1mN3pQ5rS7\n", &n);
	struct hits *h = malloc(sizeof(*h));

	flood_scan(h, t, n, 65536);
	cr_assert_eq(count(h, "t-pfx"), 1);
	cr_assert_eq(count(h, "secret-scan-incomplete"), 0,
		     "decoys refused by hand cost no budget");
	free(t);
	free(h);
}

/*
 * A guarded rule whose secret has two shapes (no prefix shape) but starts at its keyword
 * (back 0): a keyword right after a guard byte is refused by hand, so base64 that holds the
 * keyword all over (a source map, a bundle) spends no budget and the scan stays complete.
 */
static void guard_flood(bool back0, size_t *incomplete, size_t *found)
{
	static const struct lsc_rule ginfo = {"t-guard", LSC_CAT_SECRET, LSC_SEV_HIGH, "g",
					      "d",	 "secret"};
	static const char *const kw[] = {"EAAQ", "gx-"};
	struct lsc_secret_rule rule = {
	    .rule = &ginfo,
	    .pattern = "(?<![A-Za-z0-9_-])(?<secret>EAAQ[A-Za-z0-9_-]{30}|gx-[0-9]{10})"
		       "(?![A-Za-z0-9_-])",
	    .keywords = kw,
	    .nkeywords = 2,
	    .confidence = LSC_CONF_HIGH,
	    .back_set = back0,
	    .back = 0};
	size_t n;
	char *t = flood(4u << 20, "xEAAQ", "\nT=EAAQb3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1y\n", &n);
	struct hits *h = malloc(sizeof(*h));
	struct lsc_secrets *e;
	struct lsc_secrets_scanner *s;

	cr_assert_eq(lsc_secrets_new(&e, &rule, 1), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_secrets_scanner_new(&s, e), 0);
	h->n = 0;
	cr_assert_eq(lsc_secrets_scan(s, (const uint8_t *)t, n, false, collect, h), 0);
	*incomplete = count(h, "secret-scan-incomplete");
	*found = count(h, "t-guard");
	lsc_secrets_scanner_free(s);
	lsc_secrets_free(e);
	free(t);
	free(h);
}

Test(secrets, guard_refuses_keyword_floods_by_hand)
{
	size_t incomplete, found;

	guard_flood(true, &incomplete, &found);
	cr_assert_eq(incomplete, 0, "keywords after a guard byte cost no budget");
	cr_assert_eq(found, 1);
	/* the same rule allowed to start before its keyword: every hit is a PCRE2 call */
	guard_flood(false, &incomplete, &found);
	cr_assert_eq(incomplete, 1);
}

Test(secrets, budget_exhausted_is_reported)
{
	size_t n;
	/* every hit is a PCRE2 call that fails: far more than the budget allows */
	char *t = flood(4u << 20, "key=", "\nkey=Xb3d9f7h1k5m\n", &n);
	struct hits *h = malloc(sizeof(*h));
	const struct seen *inc = NULL;

	for (int pass = 0; pass < 2; pass++) {
		flood_scan(h, t, n, pass ? 0 : 4096);
		cr_assert_eq(count(h, "secret-scan-incomplete"), 1);
		for (size_t i = 0; i < h->n; i++) {
			if (strcmp(h->v[i].id, "secret-scan-incomplete") == 0) {
				inc = &h->v[i];
			}
		}
		cr_assert_eq(inc->sev, LSC_SEV_MEDIUM);
		cr_assert_eq(inc->line, 0);
		cr_assert_eq(count(h, "t-pfx"), 0);
	}
	free(t);
	free(h);
}

static int incomplete_of(const struct lsc_secret_hit *hit, void *payload)
{
	if (hit->rule == &lsc_secrets_incomplete) {
		cr_assert_str_eq(hit->of->rule->id, "t-assign");
		cr_assert_gt(hit->unconfirmed, 100000);
		*(int *)payload += 1;
	}
	return 0;
}

Test(secrets, incomplete_names_rule_and_count)
{
	size_t n;
	char *t = flood(2u << 20, "key=", "", &n);
	struct lsc_secrets *e;
	struct lsc_secrets_scanner *s;
	int seen = 0;

	cr_assert_eq(lsc_secrets_new(&e, flood_rules, 2), 0);
	cr_assert_eq(lsc_secrets_scanner_new(&s, e), 0);
	cr_assert_eq(lsc_secrets_scan(s, (const uint8_t *)t, n, false, incomplete_of, &seen), 0);
	cr_assert_eq(seen, 1);
	/* the next file starts with a fresh budget */
	seen = 0;
	cr_assert_eq(lsc_secrets_scan(s, (const uint8_t *)"key=Xb3d9f7h1k5m\n", 17, false,
				      incomplete_of, &seen),
		     0);
	cr_assert_eq(seen, 0);
	lsc_secrets_scanner_free(s);
	lsc_secrets_free(e);
	free(t);
}

Test(secrets, real_density_within_budget)
{
	/* a secret-looking assignment every 64 bytes (denser than any lockfile): all confirmed */
	size_t n = 1u << 20, k = 0;
	char *t = malloc(n + 1);
	struct hits *h = malloc(sizeof(*h));

	for (size_t i = 0; i + 64 <= n; i += 64, k++) {
		snprintf(t + i, 65, "%-63s\n", k % 512 == 0 ? "key=Xb3d9f7h1k5m" : "key=value");
	}
	flood_scan(h, t, n, 0);
	cr_assert_eq(count(h, "secret-scan-incomplete"), 0);
	cr_assert_eq(count(h, "t-assign"), (k + 511) / 512);
	free(t);
	free(h);
}

/* Over 1000 findings in one file, the rest are not dropped silently: secret-scan-incomplete. */
Test(secrets, findings_over_the_file_cap_are_reported_incomplete)
{
	const size_t ntok = 1500;
	char *t = malloc(ntok * 32 + 1);
	struct hits *h = malloc(sizeof(*h));
	size_t n = 0;

	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < ntok; i++) {
		char body[21];

		for (int k = 0; k < 20; k++) { /* xorshift: random-looking, not placeholder-like */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			body[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[x % 36];
		}
		body[20] = 0;
		n += (size_t)sprintf(t + n, "x tok_%s y\n", body);
	}
	for (int pass = 0; pass < 2; pass++) {
		scan(h, t, n, pass ? 4096 : 0, false);
		cr_assert_eq(count(h, "t-token"), 1000, "pass %d: %zu t-token, %zu hits", pass,
			     count(h, "t-token"), h->n);
		cr_assert_eq(count(h, "secret-scan-incomplete"), 1, "the excess is reported");
	}
	free(t);
	free(h);
}

/*
 * Every built-in secret rule against its own examples, through the real engine: each positive
 * must give exactly one finding of its rule, each negative none of it. A rule is data; this is
 * the test that keeps the data honest.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "lib/secrets/secrets.h"

struct tally {
	const struct lsc_secret_rule *rule;
	size_t hits; /* at the rule's own severity: the check passed */
	size_t any;  /* at any severity, lowered ones included */
	char secret[256];
};

static int on_hit(const struct lsc_secret_hit *h, void *payload)
{
	struct tally *t = payload;

	if (h->rule == t->rule) {
		t->any++;
		t->hits += h->severity == t->rule->rule->severity;
		snprintf(t->secret, sizeof(t->secret), "%.*s", (int)h->len, h->secret);
	}
	return 0;
}

static void run(struct lsc_secrets_scanner *sc, const struct lsc_secret_rule *r,
		const char *example, struct tally *t, bool binary)
{
	memset(t, 0, sizeof(*t));
	t->rule = r;
	cr_assert_eq(
	    lsc_secrets_scan(sc, (const uint8_t *)example, strlen(example), binary, on_hit, t), 0);
}

Test(secret_rules, at_least_150_rules_with_examples)
{
	cr_assert_geq(lsc_secret_nrules, 150);
	for (size_t i = 0; i < lsc_secret_nrules; i++) {
		const struct lsc_secret_rule *r = &lsc_secret_rules[i];

		cr_assert_geq(r->npositives, 2, "%s", r->rule->id);
		cr_assert_geq(r->nnegatives, 2, "%s", r->rule->id);
		cr_assert_gt(r->nkeywords, 0, "%s", r->rule->id);
		cr_assert_eq(r->rule->category, LSC_CAT_SECRET);
		cr_assert(!r->binary || r->check != LSC_CHECK_NONE, "%s: binary without a check",
			  r->rule->id);
		for (size_t k = i + 1; k < lsc_secret_nrules; k++) {
			cr_assert_str_neq(r->rule->id, lsc_secret_rules[k].rule->id);
		}
	}
}

Test(secret_rules, every_example)
{
	const struct lsc_secrets *e;
	struct lsc_secrets_scanner *sc;
	struct tally t;
	size_t failures = 0;

	cr_assert_eq(lsc_secrets_builtin(&e), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_secrets_scanner_new(&sc, e), 0);
	for (size_t i = 0; i < lsc_secret_nrules; i++) {
		const struct lsc_secret_rule *r = &lsc_secret_rules[i];

		for (size_t k = 0; k < r->npositives; k++) {
			run(sc, r, r->positives[k], &t, false);
			if (t.hits != 1) {
				cr_log_error("%s: positive %zu gave %zu findings: %s", r->rule->id,
					     k, t.hits, r->positives[k]);
				failures++;
			}
			if (r->binary) {
				/* a binary rule finds its token between NUL bytes too */
				char bin[4096];
				size_t n = strlen(r->positives[k]);

				if (n + 8 < sizeof(bin)) {
					memset(bin, 0, sizeof(bin));
					memcpy(bin + 4, r->positives[k], n);
					memset(&t, 0, sizeof(t));
					t.rule = r;
					lsc_secrets_scan(sc, (const uint8_t *)bin, n + 8, true,
							 on_hit, &t);
					if (t.hits != 1) {
						cr_log_error(
						    "%s: positive %zu not found in a binary",
						    r->rule->id, k);
						failures++;
					}
				}
			}
		}
		for (size_t k = 0; k < r->nnegatives; k++) {
			run(sc, r, r->negatives[k], &t, false);
			if (t.any != 0) {
				cr_log_error("%s: negative %zu gave a finding (%s): %s",
					     r->rule->id, k, t.secret, r->negatives[k]);
				failures++;
			}
		}
	}
	lsc_secrets_scanner_free(sc);
	cr_assert_eq(failures, 0, "%zu examples failed (see the log)", failures);
}

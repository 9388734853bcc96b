/* lib/policy: the strict parser (one case per kind of bad input, with its line), globs, apply. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "lib/finding.h"
#include "lib/policy.h"
#include "util/clock.h"

static char path[64];

static void write_policy(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/lsc-policy-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static struct lsc_policy *load_ok(const char *text)
{
	struct lsc_policy *p = NULL;
	int rc;

	write_policy(text);
	lsc_error_clear();
	rc = lsc_policy_load(&p, path);
	unlink(path);
	cr_assert_eq(rc, 0, "load: %d %s", rc, lsc_error_last());
	cr_assert_not_null(p);
	return p;
}

/* Loading text fails with -LSC_E_USAGE and a detail "PATH:LINE: ...needle...". */
static void load_bad(const char *text, unsigned line, const char *needle)
{
	struct lsc_policy *p = (struct lsc_policy *)1;
	char want[128];
	int rc;

	write_policy(text);
	lsc_error_clear();
	rc = lsc_policy_load(&p, path);
	unlink(path);
	cr_assert_eq(rc, -LSC_E_USAGE, "rc %d for:\n%s", rc, text);
	cr_assert_null(p);
	snprintf(want, sizeof(want), "%s:%u: ", path, line);
	cr_assert(strncmp(lsc_error_last(), want, strlen(want)) == 0, "want prefix %s, got: %s",
		  want, lsc_error_last());
	cr_assert(strstr(lsc_error_last(), needle) != NULL, "want \"%s\" in: %s", needle,
		  lsc_error_last());
}

/* The CONTRACT.md example, with a realistic positive example (a sequence is a placeholder). */
static const char *const full =
    "fail-on: high                      # as --fail-on; the command line wins\n"
    "max-image-age-days: 90\n"
    "allowed-base-registries:\n"
    "  - docker.io\n"
    "  - registry.example.com\n"
    "rules:\n"
    "  disable: [generic-password]\n"
    "  severity:\n"
    "    aws-access-key-id: critical\n"
    "  custom:\n"
    "    - id: acme-api-token\n"
    "      title: ACME internal API token\n"
    "      severity: high\n"
    "      pattern: 'acme_[a-z0-9]{32}'\n"
    "      keywords: [acme_]\n"
    "      examples:\n"
    "        positive: ['acme_q8x2m4k9z7w1v5n3b6c0l2p8r4t7y9ab']\n"
    "        negative: ['acme_short']\n"
    "ignore:\n"
    "  - rule: env-file\n"
    "    path: /srv/app/*.env\n"
    "    layer: sha256:1111111111111111111111111111111111111111111111111111111111111111\n"
    "    fingerprint: 0123abcd\n"
    "    reason: rotated 2026-11-20, file removed in the next release\n"
    "    expires: 2026-12-31\n"
    "  - rule: acme-api-token\n"
    "    reason: test fixture\n";

Test(policy, full_contract_example)
{
	struct lsc_policy *p = load_ok(full);

	cr_assert(p->have_fail_on);
	cr_assert_eq(p->fail_on, LSC_SEV_HIGH);
	cr_assert_eq(p->max_image_age_days, 90);
	cr_assert(p->have_registries);
	cr_assert_eq(p->nregistries, 2);
	cr_assert_str_eq(p->registries[1], "registry.example.com");
	cr_assert_eq(p->ndisabled, 1);
	cr_assert_str_eq(p->disabled[0], "generic-password");
	cr_assert_eq(p->noverrides, 1);
	cr_assert_str_eq(p->overrides[0].rule, "aws-access-key-id");
	cr_assert_eq(p->overrides[0].severity, LSC_SEV_CRITICAL);
	cr_assert_eq(p->ncustom, 1);
	cr_assert_str_eq(p->custom[0].info.id, "acme-api-token");
	cr_assert_str_eq(p->custom[0].info.title, "ACME internal API token");
	cr_assert_eq(p->custom[0].info.severity, LSC_SEV_HIGH);
	cr_assert_eq(p->custom[0].info.category, LSC_CAT_SECRET);
	cr_assert_str_eq(p->custom_rules[0].pattern, "acme_[a-z0-9]{32}");
	cr_assert_eq(p->custom_rules[0].nkeywords, 1);
	cr_assert_str_eq(p->custom_rules[0].keywords[0], "acme_");
	cr_assert_eq(p->custom_rules[0].rule, &p->custom[0].info);
	cr_assert_eq(p->nignores, 2);
	cr_assert_str_eq(p->ignores[0].rule, "env-file");
	cr_assert_str_eq(p->ignores[0].path, "/srv/app/*.env");
	cr_assert_str_eq(p->ignores[0].fingerprint, "0123abcd");
	cr_assert_str_eq(p->ignores[0].expires, "2026-12-31");
	cr_assert_eq(p->ignores[0].line, 20);
	cr_assert_str_eq(p->ignores[1].rule, "acme-api-token");
	cr_assert_str_eq(p->ignores[1].expires, "");
	lsc_policy_free(p);
}

Test(policy, empty_file_is_an_empty_policy)
{
	struct lsc_policy *p = load_ok("# nothing\n");

	cr_assert(!p->have_fail_on);
	cr_assert_eq(p->nignores, 0);
	lsc_policy_free(p);
	lsc_policy_free(NULL);
}

Test(policy, fail_on_never)
{
	struct lsc_policy *p = load_ok("fail-on: never\n");

	cr_assert_eq(p->fail_on, LSC_SEV_NEVER);
	lsc_policy_free(p);
}

Test(policy, bad_inputs_name_the_line)
{
	load_bad("fail-on: high\nfial-on: low\n", 2, "unknown key \"fial-on\"");
	load_bad("fail-on: severe\n", 1, "unknown severity \"severe\"");
	load_bad("fail-on: [high]\n", 1, "expected a string, got a list");
	load_bad("max-image-age-days: ninety\n", 1, "max-image-age-days");
	load_bad("max-image-age-days: 0\n", 1, "max-image-age-days");
	load_bad("max-image-age-days: '90'\n", 1, "max-image-age-days");
	load_bad("allowed-base-registries: docker.io\n", 1, "expected a list");
	load_bad("rules:\n  disable: [generic-password, no-such-rule]\n", 2,
		 "unknown rule \"no-such-rule\"");
	load_bad("rules:\n  severity:\n    no-such-rule: high\n", 3, "unknown rule");
	load_bad("rules:\n  severity:\n    root-user: urgent\n", 3, "unknown severity");
	load_bad("rules:\n  severity:\n    root-user: never\n", 3, "unknown severity");
	load_bad("rules:\n  enable: [root-user]\n", 2, "unknown key \"enable\"");
	load_bad("ignore:\n  - rule: nope\n    reason: x\n", 2, "unknown rule \"nope\"");
	load_bad("ignore:\n  - path: /a\n    reason: x\n    expires: 2026-13-01\n", 4,
		 "not a date");
	load_bad("ignore:\n  - path: /a\n    reason: x\n    expires: 2026-12-31T00:00:00Z\n", 4,
		 "not a date");
	load_bad("ignore:\n  - reason: no selector\n", 2, "at least one of");
	load_bad("ignore:\n  - rule: root-user\n", 2, "needs a reason");
	load_bad("ignore:\n  - rule: root-user\n    reason: ''\n", 3, "empty");
	load_bad("ignore:\n  - rule: root-user\n    reason: x\n    why: y\n", 4,
		 "unknown key \"why\"");
	load_bad("ignore:\n  - layer: abc\n    reason: x\n", 2, "expected a digest");
	load_bad("ignore:\n  - path: /a\n    reason: x\n    expires: 2026-02-30\n", 4,
		 "not a date");
	load_bad("ignore:\n  - reason: x\n    layer: sha256:"
		 "000000000000000000000000000000000000000000000000000000000000000Z\n",
		 3, "expected a digest");
	load_bad("ignore:\n  rule: root-user\n", 2, "expected a list");
	load_bad("fail-on: high\nfail-on: low\n", 2, "duplicate key");
	load_bad("- a\n- b\n", 1, "expected a mapping");
	load_bad("fail-on: high\n  bad: [\n", 2, "");
	load_bad("fail-on: high\n---\nfail-on: low\n", 2, "more than one YAML document");
}

Test(policy, bad_custom_rules)
{
	const char *head = "rules:\n  custom:\n";
	char buf[1024];

	snprintf(buf, sizeof(buf),
		 "%s    - id: root-user\n      pattern: 'x'\n"
		 "      keywords: [x]\n",
		 head);
	load_bad(buf, 3, "a built-in rule has this id");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'acme_[a-z]{8}'\n"
		 "      keywords: [acme_]\n    - id: acme\n      pattern: 'x'\n"
		 "      keywords: [x]\n",
		 head);
	load_bad(buf, 6, "another custom rule has this id");
	snprintf(buf, sizeof(buf), "%s    - id: Bad_Id\n      pattern: 'x'\n      keywords: [x]\n",
		 head);
	load_bad(buf, 3, "only a-z");
	snprintf(buf, sizeof(buf), "%s    - id: acme\n      pattern: 'x'\n", head);
	load_bad(buf, 3, "needs id, pattern and keywords");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'x'\n      keywords: [x]\n"
		 "      severity: severe\n",
		 head);
	load_bad(buf, 6, "unknown severity");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'acme_[a-z]{8}'\n"
		 "      keywords: [acme_]\n      examples:\n        positive: ['acme_qzwxrtpl']\n"
		 "        negative: ['acme_kdjfhgyt']\n",
		 head);
	load_bad(buf, 3, "the negative example \"acme_kdjfhgyt\" matches");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'acme_[0-9]{8}'\n"
		 "      keywords: [acme_]\n      examples:\n        positive: ['acme_qzwxrtpl']\n",
		 head);
	load_bad(buf, 3, "positive example \"acme_qzwxrtpl\" does not match");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'acme_[0-9a-f]{16}'\n"
		 "      keywords: [acme_]\n      examples:\n"
		 "        positive: ['acme_0123456789abcdef']\n",
		 head);
	load_bad(buf, 3, "placeholder");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'acme_[a-z'\n"
		 "      keywords: [acme_]\n",
		 head);
	load_bad(buf, 3, "acme");
	snprintf(buf, sizeof(buf),
		 "%s    - id: acme\n      pattern: 'x'\n      keywords: [x]\n"
		 "      examples:\n        maybe: [x]\n",
		 head);
	load_bad(buf, 7, "unknown key \"maybe\"");
}

Test(policy, custom_ids_usable_in_disable_severity_ignore)
{
	struct lsc_policy *p =
	    load_ok("ignore:\n  - rule: acme\n    reason: r\n"
		    "rules:\n  disable: [acme]\n  severity: {acme: low}\n  custom:\n"
		    "    - id: acme\n      pattern: 'acme_[a-z]{8}'\n      keywords: [acme_]\n");

	cr_assert_eq(p->ncustom, 1);
	cr_assert_str_eq(p->ignores[0].rule, "acme");
	lsc_policy_free(p);
}

Test(policy, unreadable_and_too_large)
{
	struct lsc_policy *p;
	FILE *f;

	cr_assert_eq(lsc_policy_load(&p, "/nonexistent/policy.yaml"), -ENOENT);
	cr_assert(strstr(lsc_error_last(), "/nonexistent/policy.yaml") != NULL);
	snprintf(path, sizeof(path), "/tmp/lsc-policy-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	for (unsigned i = 0; i < (LSC_POLICY_MAX_BYTES / 16) + 1; i++) {
		fputs("# 0123456789abc\n", f);
	}
	fclose(f);
	cr_assert_eq(lsc_policy_load(&p, path), -LSC_E_TOO_LARGE);
	unlink(path);
}

Test(policy, glob)
{
	cr_assert(lsc_policy_glob("/srv/app/*.env", "/srv/app/prod.env"));
	cr_assert(lsc_policy_glob("/srv/app/*.env", "/srv/app/.env"));
	cr_assert(!lsc_policy_glob("/srv/app/*.env", "/srv/app/sub/prod.env"));
	cr_assert(lsc_policy_glob("/srv/**.env", "/srv/app/sub/prod.env"));
	cr_assert(lsc_policy_glob("/srv/**/x", "/srv/x"));
	cr_assert(lsc_policy_glob("/srv/**/x", "/srv/a/b/x"));
	cr_assert(!lsc_policy_glob("/srv/**/x", "/srv/a/b/y"));
	cr_assert(lsc_policy_glob("/a?c", "/abc"));
	cr_assert(!lsc_policy_glob("/a?c", "/a/c"));
	cr_assert(lsc_policy_glob("/a\\*", "/a*"));
	cr_assert(!lsc_policy_glob("/a\\*", "/ab"));
	cr_assert(!lsc_policy_glob("/app", "/app/x"));
}

/* --- apply ------------------------------------------------------------------------------------ */

static const struct lsc_rule *rule(const char *id)
{
	for (size_t i = 0; i < lsc_rules_count(); i++) {
		if (strcmp(lsc_rules_get(i)->id, id) == 0) {
			return lsc_rules_get(i);
		}
	}
	cr_assert_fail("no rule %s", id);
	return NULL;
}

static void add(struct lsc_report *r, const char *id, const char *fpath, const char *layer)
{
	struct lsc_finding *f = &r->findings[r->nfindings++];

	memset(f, 0, sizeof(*f));
	f->rule = rule(id);
	f->severity = f->rule->severity;
	f->layer_index = layer ? 0 : -1;
	f->layer_digest = layer;
	f->path = fpath ? strdup(fpath) : NULL;
	lsc_finding_fingerprint(f);
}

static unsigned nwarn;
static char lastwarn[512];

static void warn(const char *msg, void *payload)
{
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
	(void)payload;
}

Test(policy, apply)
{
	static const char layer[] =
	    "sha256:2222222222222222222222222222222222222222222222222222222222222222";
	struct lsc_policy *p = load_ok(
	    "rules:\n  disable: [root-user]\n  severity:\n    env-file: critical\n"
	    "ignore:\n"
	    "  - path: /srv/*.env\n    reason: still valid\n    expires: 2026-02-01\n"
	    "  - rule: private-key\n    reason: expired\n    expires: 2026-01-31\n"
	    "  - layer: sha256:2222222222222222222222222222222222222222222222222222222222222222\n"
	    "    rule: git-credentials\n    reason: by layer\n");
	struct lsc_report r = {0};
	time_t now;

	r.findings = calloc(8, sizeof(*r.findings));
	add(&r, "root-user", NULL, NULL);
	add(&r, "env-file", "/srv/.env", layer);
	add(&r, "env-file", "/srv/a/.env", layer);
	add(&r, "private-key", "/k.pem", layer);
	add(&r, "git-credentials", "/root/.git-credentials", layer);
	cr_assert_eq(lsc_time_parse(&now, "2026-02-01T23:59:59Z"), 0);
	nwarn = 0;
	cr_assert_eq(lsc_policy_apply(p, &r, now, warn, NULL), 0);
	/* root-user dropped; /srv/.env ignored (expires today: still applies); private-key kept */
	cr_assert_eq(r.nfindings, 2);
	cr_assert_str_eq(r.findings[0].rule->id, "env-file");
	cr_assert_str_eq(r.findings[0].path, "/srv/a/.env");
	cr_assert_eq(r.findings[0].severity, LSC_SEV_CRITICAL);
	cr_assert_str_eq(r.findings[1].rule->id, "private-key");
	cr_assert_eq(r.nignored, 2);
	cr_assert_str_eq(r.ignored[0].f.path, "/srv/.env");
	cr_assert_eq(r.ignored[0].f.severity, LSC_SEV_CRITICAL);
	cr_assert_str_eq(r.ignored[0].reason, "still valid");
	cr_assert_str_eq(r.ignored[0].expires, "2026-02-01");
	cr_assert_str_eq(r.ignored[1].f.rule->id, "git-credentials");
	cr_assert_null(r.ignored[1].expires);
	cr_assert_eq(nwarn, 1);
	cr_assert(strstr(lastwarn, ":9: ignore entry expired on 2026-01-31") != NULL, "%s",
		  lastwarn);
	cr_assert(strstr(lastwarn, "expired") != NULL);
	/* the day after, the first entry expires too */
	for (size_t i = 0; i < r.nfindings; i++) {
		lsc_finding_dispose(&r.findings[i]);
	}
	for (size_t i = 0; i < r.nignored; i++) {
		lsc_finding_dispose(&r.ignored[i].f);
		free(r.ignored[i].reason);
		free(r.ignored[i].expires);
	}
	free(r.findings);
	free(r.ignored);
	memset(&r, 0, sizeof(r));
	r.findings = calloc(2, sizeof(*r.findings));
	add(&r, "env-file", "/srv/.env", layer);
	cr_assert_eq(lsc_time_parse(&now, "2026-02-02T00:00:00Z"), 0);
	nwarn = 0;
	cr_assert_eq(lsc_policy_apply(p, &r, now, warn, NULL), 0);
	cr_assert_eq(r.nfindings, 1);
	cr_assert_eq(r.nignored, 0);
	cr_assert_eq(nwarn, 2);
	lsc_finding_dispose(&r.findings[0]);
	free(r.findings);
	free(r.ignored);
	lsc_policy_free(p);
}

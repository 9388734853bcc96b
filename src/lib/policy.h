/*
 * The policy file (.layerscan.yaml, --policy FILE; CONTRACT.md "Policy file"): parsed strictly
 * with libyaml, then applied to a report once every finding is known (disabled rules dropped,
 * severities overridden, ignored findings moved aside with their reason).
 */
#ifndef LSC_LIB_POLICY_H
#define LSC_LIB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "layerscan/layerscan.h"
#include "lib/secrets/secret_rules.h"

#define LSC_POLICY_MAX_BYTES (1u << 20) /* the file */
#define LSC_POLICY_MAX_ITEMS 1024	/* entries of any one list */
#define LSC_POLICY_MAX_STR 4096		/* any one string */

struct lsc_policy_override {
	char *rule;
	enum lsc_severity severity;
};

struct lsc_policy_ignore {
	char *rule;  /* each selector NULL when not given; at least one is */
	char *path;  /* glob: '*' and '?' stay within one path component, '**' crosses '/' */
	char *layer; /* a layer digest or diff_id */
	char *fingerprint;
	char *reason;	   /* required */
	char expires[11];  /* "YYYY-MM-DD", "" when none */
	time_t expires_at; /* the first second after the expiry day (UTC), 0 when none */
	unsigned long line;
};

/* A custom secret rule: info and rule point into the policy, valid for its lifetime. */
struct lsc_policy_custom {
	struct lsc_rule info;
	struct lsc_secret_rule rule;
	char **keywords, **positives, **negatives; /* what rule's arrays point at */
	unsigned long line;
};

struct lsc_policy {
	char *path;
	bool have_fail_on;
	enum lsc_severity fail_on;
	long max_image_age_days; /* 0 when not set */
	bool have_registries;
	char **registries;
	size_t nregistries;
	char **disabled;
	size_t ndisabled;
	struct lsc_policy_override *overrides;
	size_t noverrides;
	struct lsc_policy_custom *custom;
	size_t ncustom;
	struct lsc_secret_rule
	    *custom_rules; /* ncustom entries, contiguous, for lsc_secrets_new() */
	struct lsc_policy_ignore *ignores;
	size_t nignores;
};

/*
 * Reads and validates the policy at path. *out is the caller's to free with lsc_policy_free().
 * Every problem is -LSC_E_USAGE with the detail "PATH:LINE: what": an unknown key, a wrong
 * type, a bad value (severity, date, count), an unknown rule id (built-in or custom), an ignore
 * entry without a selector or a reason, a custom rule id that is taken, a custom rule whose
 * pattern does not compile or whose examples do not behave. A file over LSC_POLICY_MAX_BYTES is
 * -LSC_E_TOO_LARGE; an unreadable one a negated errno, both naming the path.
 */
int lsc_policy_load(struct lsc_policy **out, const char *path);

void lsc_policy_free(struct lsc_policy *p);

/*
 * Whether a glob of the policy matches path: '*' and '?' match within one component, '**'
 * matches any run of characters including '/', '\' escapes the next character.
 */
bool lsc_policy_glob(const char *glob, const char *path);

typedef void (*lsc_policy_warn_cb)(const char *msg, void *payload);

/*
 * Applies p to r's findings (before they are sorted and counted): drops findings of disabled
 * rules, sets overridden severities, and moves the findings an unexpired ignore entry matches to
 * r->ignored (reason and expires copied, owned by the report). An entry whose expiry day is over
 * at now applies to nothing and is reported through warn (may be NULL), naming its line and its
 * reason. Returns 0 or -ENOMEM (r stays consistent and disposable).
 */
int lsc_policy_apply(const struct lsc_policy *p, struct lsc_report *r, time_t now,
		     lsc_policy_warn_cb warn, void *payload);

#endif

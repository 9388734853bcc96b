/*
 * The built-in secret rules: data in src/lib/secrets/rules/secrets.toml, turned into C at build
 * time by src/lib/secrets/rules/gen_rules.py (secret_rules.c in the build directory). A new rule
 * is a new [[rule]] table in that file, with its examples; nothing here changes.
 */
#ifndef LSC_LIB_SECRET_RULES_H
#define LSC_LIB_SECRET_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "layerscan/layerscan.h"
#include "secret_check.h"

/* The furthest before its keyword that any rule's match may start. */
#define LSC_SECRET_BACK 1024

enum lsc_confidence { LSC_CONF_LOW = 0, LSC_CONF_MEDIUM, LSC_CONF_HIGH };

struct lsc_secret_rule {
	const struct lsc_rule *rule; /* id, title, severity, description for reports and `rules` */
	/*
	 * PCRE2 pattern (UTF-8 off, no anchoring assumptions): it must match the secret in
	 * context. The secret is the named group "secret" when present, else group 1, else the
	 * whole match.
	 */
	const char *pattern;
	bool caseless; /* the pattern is compiled with PCRE2_CASELESS */
	/*
	 * Literal anchors, ASCII, matched case-insensitively: a rule is only tried where one of
	 * them occurs; the match must start at most `back` bytes before that keyword and may end up
	 * to LSC_SECRET_WINDOW bytes after it. At least one per rule.
	 */
	const char *const *keywords;
	size_t nkeywords;
	enum lsc_secret_check check;	 /* offline validation, LSC_CHECK_NONE when none */
	bool drop_on_fail;		 /* a failed check drops the finding ... */
	enum lsc_severity fail_severity; /* ... or lowers it to this severity */
	double min_entropy;		 /* Shannon bits per char of the secret; 0 for no check */
	enum lsc_confidence confidence;
	/* scanned in binary files too: only rules with a literal prefix and a validating check */
	bool binary;
	/*
	 * With back_set, the most bytes the match may start before the keyword that found it
	 * (at most LSC_SECRET_BACK); without, LSC_SECRET_BACK. It bounds where PCRE2 tries a
	 * match, so a tight value keeps rules with common keywords cheap; gen_rules.py checks it
	 * on the positives.
	 */
	bool back_set;
	unsigned back;
	/*
	 * The secret is a published default (a framework's shipped placeholder): the finding is
	 * that a known value is in use, so the engine's placeholder filter does not drop it.
	 */
	bool known_value;
	const char *const *positives; /* each must produce exactly this rule's finding */
	size_t npositives;
	const char *const *negatives; /* each must produce no finding of this rule */
	size_t nnegatives;
};

extern const struct lsc_secret_rule lsc_secret_rules[];
extern const size_t lsc_secret_nrules;
/* The struct lsc_rule of every secret rule, in the same order (for `layerscan rules`). */
extern const struct lsc_rule lsc_secret_rule_info[];
/*
 * The provider family of a TOML rule ("aws", "github", ...: its `family`, by default the id's
 * first word) when r is one of lsc_secret_rule_info's, else NULL. Static.
 */
const char *lsc_secret_rule_family(const struct lsc_rule *r);

#endif

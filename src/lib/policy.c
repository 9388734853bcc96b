/*
 * The policy file. libyaml loads the document into a node tree (every node carries its line);
 * the walk below accepts exactly the keys and shapes of CONTRACT.md and names PATH:LINE for
 * anything else, so a typo in a reviewed exception never silently widens or narrows it.
 */
#include "policy.h"
#include "util/error.h"
#include "finding.h"
#include "lib/secrets/placeholder.h"
#include "lib/secrets/secrets.h"
#include "util/clock.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define CUSTOM_ID_MAX 64

struct ctx {
	struct lsc_policy *p;
	yaml_document_t *doc;
	const char *path;
};

static unsigned long line_of(const yaml_node_t *n)
{
	return (unsigned long)n->start_mark.line + 1;
}

static int bad(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[LSC_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lsc_error(LSC_E_USAGE, "%s:%lu: %s", c->path, line_of(n), msg);
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* A scalar's text (NUL-terminated by libyaml), or an error naming what was expected. */
static int scalar(const char **out, struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		return bad(c, n, "%s: expected a string, got %s", what, kind_name(n));
	}
	if (n->data.scalar.length > LSC_POLICY_MAX_STR ||
	    strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		return bad(c, n, "%s: value too long or not text", what);
	}
	*out = (const char *)n->data.scalar.value;
	return 0;
}

static int dup_scalar(char **out, struct ctx *c, const yaml_node_t *n, const char *what)
{
	const char *s = NULL;
	int rc = scalar(&s, c, n, what);

	if (rc < 0) {
		return rc;
	}
	if (!*s) {
		return bad(c, n, "%s: empty", what);
	}
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int severity(enum lsc_severity *out, struct ctx *c, const yaml_node_t *n, const char *what,
		    bool never_ok)
{
	const char *s = NULL;
	int rc = scalar(&s, c, n, what);

	if (rc < 0) {
		return rc;
	}
	if (lsc_severity_parse(out, s) < 0 || (!never_ok && *out == LSC_SEV_NEVER)) {
		return bad(c, n,
			   "%s: unknown severity \"%.64s\" (critical, high, medium, low, info%s)",
			   what, s, never_ok ? ", never" : "");
	}
	return 0;
}

/* A list of non-empty strings, each copied into *out (an array of n). */
static int str_list(char ***out, size_t *n, struct ctx *c, const yaml_node_t *node,
		    const char *what)
{
	yaml_node_item_t *it;
	size_t count;
	int rc;

	if (node->type != YAML_SEQUENCE_NODE) {
		return bad(c, node, "%s: expected a list, got %s", what, kind_name(node));
	}
	count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	if (count > LSC_POLICY_MAX_ITEMS) {
		return bad(c, node, "%s: more than %u entries", what, LSC_POLICY_MAX_ITEMS);
	}
	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out) {
		return -ENOMEM;
	}
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		rc = dup_scalar(&(*out)[*n], c, yaml_document_get_node(c->doc, *it), what);
		if (rc < 0) {
			return rc;
		}
		(*n)++;
	}
	return 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; l && i < n; i++) {
		free(l[i]);
	}
	free(l);
}

/*
 * Walks a mapping: for each pair, the key (a string, not seen before in this mapping) and its
 * value node. keys lists the accepted keys; an unknown one is an error naming them.
 */
typedef int (*pair_cb)(struct ctx *c, const char *key, const yaml_node_t *keynode,
		       const yaml_node_t *value, void *arg);

static int mapping(struct ctx *c, const yaml_node_t *n, const char *what, const char *const *keys,
		   pair_cb cb, void *arg)
{
	yaml_node_pair_t *pr, *q;
	int rc;

	if (n->type != YAML_MAPPING_NODE) {
		return bad(c, n, "%s: expected a mapping, got %s", what, kind_name(n));
	}
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start > LSC_POLICY_MAX_ITEMS) {
		return bad(c, n, "%s: more than %u keys", what, LSC_POLICY_MAX_ITEMS);
	}
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
		const char *key;
		bool known = keys == NULL;

		rc = scalar(&key, c, k, what);
		if (rc < 0) {
			return rc;
		}
		for (size_t i = 0; keys && keys[i]; i++) {
			known = known || strcmp(key, keys[i]) == 0;
		}
		if (!known) {
			char list[512] = "";
			size_t o = 0;

			for (size_t i = 0; keys[i] && o < sizeof(list) - 1; i++) {
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
						      i ? ", " : "", keys[i]);
			}
			return bad(c, k, "%s: unknown key \"%.64s\" (expected %s)", what, key,
				   list);
		}
		for (q = n->data.mapping.pairs.start; q < pr; q++) {
			const yaml_node_t *k2 = yaml_document_get_node(c->doc, q->key);

			if (k2->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)k2->data.scalar.value, key) == 0) {
				return bad(c, k, "%s: duplicate key \"%.64s\"", what, key);
			}
		}
		rc = cb(c, key, k, v, arg);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* --- rule ids ------------------------------------------------------------------------------ */

static bool builtin_rule(const char *id)
{
	for (size_t i = 0; i < lsc_rules_count(); i++) {
		if (strcmp(lsc_rules_get(i)->id, id) == 0) {
			return true;
		}
	}
	return false;
}

static bool known_rule(const struct lsc_policy *p, const char *id)
{
	if (builtin_rule(id)) {
		return true;
	}
	for (size_t i = 0; i < p->ncustom; i++) {
		if (strcmp(p->custom[i].info.id, id) == 0) {
			return true;
		}
	}
	return false;
}

static int rule_id(char **out, struct ctx *c, const yaml_node_t *n, const char *what)
{
	int rc = dup_scalar(out, c, n, what);

	if (rc == 0 && !known_rule(c->p, *out)) {
		rc = bad(c, n, "%s: unknown rule \"%.64s\" (see `layerscan rules`)", what, *out);
	}
	return rc;
}

/* --- custom secret rules ------------------------------------------------------------------ */

static int custom_examples(struct ctx *c, const char *key, const yaml_node_t *k,
			   const yaml_node_t *v, void *arg)
{
	struct lsc_policy_custom *cu = arg;

	if (strcmp(key, "positive") == 0) {
		return str_list(&cu->positives, &cu->rule.npositives, c, v, "examples.positive");
	}
	return str_list(&cu->negatives, &cu->rule.nnegatives, c, v, "examples.negative");
}

static int custom_pair(struct ctx *c, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		       void *arg)
{
	static const char *const ekeys[] = {"positive", "negative", NULL};
	struct lsc_policy_custom *cu = arg;
	int rc;

	if (strcmp(key, "id") == 0) {
		char *id;

		rc = dup_scalar(&id, c, v, "rules.custom.id");
		if (rc < 0) {
			return rc;
		}
		cu->info.id = id;
		if (strlen(id) > CUSTOM_ID_MAX) {
			return bad(c, v, "rules.custom.id: longer than %d characters",
				   CUSTOM_ID_MAX);
		}
		for (const char *p = id; *p; p++) {
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
			    *p != '-') {
				return bad(c, v, "rules.custom.id \"%s\": only a-z, 0-9 and '-'",
					   id);
			}
		}
		if (known_rule(c->p, id)) {
			return bad(c, v, "rules.custom.id \"%s\": %s rule has this id", id,
				   builtin_rule(id) ? "a built-in" : "another custom");
		}
		return 0;
	}
	if (strcmp(key, "title") == 0) {
		return dup_scalar((char **)&cu->info.title, c, v, "rules.custom.title");
	}
	if (strcmp(key, "severity") == 0) {
		return severity(&cu->info.severity, c, v, "rules.custom.severity", false);
	}
	if (strcmp(key, "pattern") == 0) {
		return dup_scalar((char **)&cu->rule.pattern, c, v, "rules.custom.pattern");
	}
	if (strcmp(key, "keywords") == 0) {
		rc = str_list(&cu->keywords, &cu->rule.nkeywords, c, v, "rules.custom.keywords");
		cu->rule.keywords = (const char *const *)cu->keywords;
		return rc;
	}
	return mapping(c, v, "rules.custom.examples", ekeys, custom_examples, cu);
}

static int hit_count(const struct lsc_secret_hit *h, void *payload)
{
	const struct lsc_rule *want = ((const struct lsc_rule **)payload)[0];
	size_t *n = ((size_t **)payload)[1];

	if (h->rule->rule == want) {
		(*n)++;
	}
	return 0;
}

/*
 * Every positive example of every custom rule yields that rule's finding, no negative does (as
 * gen_rules.py checks the built-ins), in one engine with the built-ins, as scans compile it.
 */
static int custom_check(struct ctx *c)
{
	struct lsc_policy *p = c->p;
	struct lsc_secrets *e = NULL;
	struct lsc_secrets_scanner *sc = NULL;
	int rc;

	rc = lsc_secrets_new(&e, p->custom_rules, p->ncustom);
	if (rc < 0) {
		char why[LSC_ERRMSG_MAX];
		unsigned long line = p->custom[0].line;

		/* secrets.c names the rule (copied: lsc_error() rewrites the detail) */
		snprintf(why, sizeof(why), "%s", lsc_error_last());
		for (size_t i = 0; i < p->ncustom; i++) {
			if (strstr(why, p->custom[i].info.id)) {
				line = p->custom[i].line;
			}
		}
		rc = lsc_error(LSC_E_USAGE, "%s:%lu: rules.custom: %s", c->path, line, why);
		goto out;
	}
	rc = lsc_secrets_scanner_new(&sc, e);
	for (size_t r = 0; rc == 0 && r < p->ncustom; r++) {
		const struct lsc_policy_custom *cu = &p->custom[r];

		for (int neg = 0; rc == 0 && neg < 2; neg++) {
			char *const *ex = neg ? cu->negatives : cu->positives;
			size_t nex = neg ? cu->rule.nnegatives : cu->rule.npositives;

			for (size_t i = 0; rc == 0 && i < nex; i++) {
				size_t hits = 0;
				const void *payload[2] = {&cu->info, &hits};

				rc = lsc_secrets_scan(sc, (const uint8_t *)ex[i], strlen(ex[i]),
						      false, hit_count, payload);
				if (rc == 0 && (neg ? hits != 0 : hits == 0)) {
					bool ph = !neg && lsc_placeholder_is(ex[i], strlen(ex[i]));

					rc = lsc_error(LSC_E_USAGE,
						       "%s:%lu: rules.custom \"%s\": the "
						       "%s example \"%.80s\" %s",
						       c->path, cu->line, cu->info.id,
						       neg ? "negative" : "positive", ex[i],
						       neg  ? "matches"
						       : ph ? "looks like a placeholder "
							      "(a sequence, repeated "
							      "characters, \"example\"), "
							      "which is never a finding: "
							      "use a realistic value"
							    : "does not match");
				}
			}
		}
	}
out:
	lsc_secrets_scanner_free(sc);
	lsc_secrets_free(e);
	return rc;
}

static int custom_list(struct ctx *c, const yaml_node_t *v)
{
	static const char *const keys[] = {"id",       "title",	   "severity", "pattern",
					   "keywords", "examples", NULL};
	struct lsc_policy *p = c->p;
	yaml_node_item_t *it;
	size_t count;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE) {
		return bad(c, v, "rules.custom: expected a list, got %s", kind_name(v));
	}
	count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (count > LSC_POLICY_MAX_ITEMS) {
		return bad(c, v, "rules.custom: more than %u rules", LSC_POLICY_MAX_ITEMS);
	}
	p->custom = calloc(count ? count : 1, sizeof(*p->custom));
	if (!p->custom) {
		return -ENOMEM;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *n = yaml_document_get_node(c->doc, *it);
		struct lsc_policy_custom *cu = &p->custom[p->ncustom];

		cu->line = line_of(n);
		cu->info.category = LSC_CAT_SECRET;
		cu->info.severity = LSC_SEV_HIGH;
		cu->info.detector = "secret";
		cu->info.description = "A custom secret rule of the policy file.";
		cu->rule.check = LSC_CHECK_NONE;
		cu->rule.confidence = LSC_CONF_HIGH;
		cu->rule.fail_severity = LSC_SEV_INFO;
		rc = mapping(c, n, "rules.custom", keys, custom_pair, cu);
		/* counted even when incomplete, so lsc_policy_free() frees what it holds */
		p->ncustom++;
		if (rc < 0) {
			return rc;
		}
		if (!cu->info.id || !cu->rule.pattern || !cu->rule.nkeywords) {
			return bad(c, n, "rules.custom: an entry needs id, pattern and keywords");
		}
		if (!cu->info.title) {
			cu->info.title = strdup(cu->info.id);
			if (!cu->info.title) {
				return -ENOMEM;
			}
		}
		cu->rule.positives = (const char *const *)cu->positives;
		cu->rule.negatives = (const char *const *)cu->negatives;
	}
	if (p->ncustom == 0) {
		return 0;
	}
	p->custom_rules = calloc(p->ncustom, sizeof(*p->custom_rules));
	if (!p->custom_rules) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->ncustom; i++) {
		p->custom[i].rule.rule = &p->custom[i].info;
		p->custom_rules[i] = p->custom[i].rule;
	}
	return custom_check(c);
}

/* --- rules: disable, severity, custom ----------------------------------------------------- */

static int override_pair(struct ctx *c, const char *key, const yaml_node_t *k, const yaml_node_t *v,
			 void *arg)
{
	struct lsc_policy *p = c->p;
	struct lsc_policy_override *o = &p->overrides[p->noverrides];
	int rc;

	if (!known_rule(p, key)) {
		return bad(c, k, "rules.severity: unknown rule \"%.64s\" (see `layerscan rules`)",
			   key);
	}
	rc = severity(&o->severity, c, v, "rules.severity", false);
	if (rc < 0) {
		return rc;
	}
	o->rule = strdup(key);
	if (!o->rule) {
		return -ENOMEM;
	}
	p->noverrides++;
	return 0;
}

static int rules_pair(struct ctx *c, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		      void *arg)
{
	const yaml_node_t **later = arg;

	/* custom first, whatever the order in the file: disable and severity may name them */
	if (strcmp(key, "custom") == 0) {
		return custom_list(c, v);
	}
	if (strcmp(key, "disable") == 0) {
		later[0] = v;
	} else {
		later[1] = v;
	}
	return 0;
}

static int rules_section(struct ctx *c, const yaml_node_t *v)
{
	static const char *const keys[] = {"disable", "severity", "custom", NULL};
	struct lsc_policy *p = c->p;
	const yaml_node_t *later[2] = {NULL, NULL};
	int rc;

	rc = mapping(c, v, "rules", keys, rules_pair, later);
	if (rc == 0 && later[0]) {
		rc = str_list(&p->disabled, &p->ndisabled, c, later[0], "rules.disable");
		for (size_t i = 0; rc == 0 && i < p->ndisabled; i++) {
			if (!known_rule(p, p->disabled[i])) {
				const yaml_node_t *n = yaml_document_get_node(
				    c->doc, later[0]->data.sequence.items.start[i]);

				rc = bad(c, n,
					 "rules.disable: unknown rule \"%.64s\" (see "
					 "`layerscan rules`)",
					 p->disabled[i]);
			}
		}
	}
	if (rc == 0 && later[1]) {
		if (later[1]->type == YAML_MAPPING_NODE) {
			size_t n = (size_t)(later[1]->data.mapping.pairs.top -
					    later[1]->data.mapping.pairs.start);

			p->overrides = calloc(n ? n : 1, sizeof(*p->overrides));
			if (!p->overrides) {
				return -ENOMEM;
			}
		}
		rc = mapping(c, later[1], "rules.severity", NULL, override_pair, NULL);
	}
	return rc;
}

/* --- ignore --------------------------------------------------------------------------------- */

static int ignore_pair(struct ctx *c, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		       void *arg)
{
	struct lsc_policy_ignore *ig = arg;
	const char *s = NULL;
	time_t t;
	int rc;

	if (strcmp(key, "rule") == 0) {
		return rule_id(&ig->rule, c, v, "ignore.rule");
	}
	if (strcmp(key, "path") == 0) {
		return dup_scalar(&ig->path, c, v, "ignore.path");
	}
	if (strcmp(key, "layer") == 0) {
		rc = dup_scalar(&ig->layer, c, v, "ignore.layer");
		if (rc == 0 && (strncmp(ig->layer, "sha256:", 7) != 0 || strlen(ig->layer) != 71 ||
				strspn(ig->layer + 7, "0123456789abcdef") != 64)) {
			rc = bad(c, v, "ignore.layer: expected a digest sha256:<64 hex>");
		}
		return rc;
	}
	if (strcmp(key, "fingerprint") == 0) {
		return dup_scalar(&ig->fingerprint, c, v, "ignore.fingerprint");
	}
	if (strcmp(key, "reason") == 0) {
		return dup_scalar(&ig->reason, c, v, "ignore.reason");
	}
	rc = scalar(&s, c, v, "ignore.expires");
	if (rc < 0) {
		return rc;
	}
	if (strlen(s) != 10 || lsc_time_parse(&t, s) < 0) {
		return bad(c, v, "ignore.expires: \"%.64s\" is not a date YYYY-MM-DD", s);
	}
	snprintf(ig->expires, sizeof(ig->expires), "%s", s);
	ig->expires_at = t + 86400;
	return 0;
}

static int ignore_list(struct ctx *c, const yaml_node_t *v)
{
	static const char *const keys[] = {"rule",   "path",	"layer", "fingerprint",
					   "reason", "expires", NULL};
	struct lsc_policy *p = c->p;
	yaml_node_item_t *it;
	size_t count;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE) {
		return bad(c, v, "ignore: expected a list, got %s", kind_name(v));
	}
	count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (count > LSC_POLICY_MAX_ITEMS) {
		return bad(c, v, "ignore: more than %u entries", LSC_POLICY_MAX_ITEMS);
	}
	p->ignores = calloc(count ? count : 1, sizeof(*p->ignores));
	if (!p->ignores) {
		return -ENOMEM;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *n = yaml_document_get_node(c->doc, *it);
		struct lsc_policy_ignore *ig = &p->ignores[p->nignores++];

		ig->line = line_of(n);
		rc = mapping(c, n, "ignore", keys, ignore_pair, ig);
		if (rc < 0) {
			return rc;
		}
		if (!ig->rule && !ig->path && !ig->layer && !ig->fingerprint) {
			return bad(c, n,
				   "ignore: an entry needs at least one of rule, path, layer, "
				   "fingerprint");
		}
		if (!ig->reason) {
			return bad(c, n, "ignore: an entry needs a reason");
		}
	}
	return 0;
}

/* --- top level ------------------------------------------------------------------------------- */

static int top_pair(struct ctx *c, const char *key, const yaml_node_t *k, const yaml_node_t *v,
		    void *arg)
{
	const yaml_node_t **later = arg;
	struct lsc_policy *p = c->p;

	if (strcmp(key, "fail-on") == 0) {
		p->have_fail_on = true;
		return severity(&p->fail_on, c, v, "fail-on", true);
	}
	if (strcmp(key, "max-image-age-days") == 0) {
		const char *s;
		char *end;
		long d;
		int rc = scalar(&s, c, v, "max-image-age-days");

		if (rc < 0) {
			return rc;
		}
		errno = 0;
		d = strtol(s, &end, 10);
		if (!*s || *end || errno || d < 1 || d > 36500 ||
		    v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
			return bad(c, v,
				   "max-image-age-days: expected a whole number of days from 1 "
				   "to 36500, got \"%.64s\"",
				   s);
		}
		p->max_image_age_days = d;
		return 0;
	}
	if (strcmp(key, "allowed-base-registries") == 0) {
		p->have_registries = true;
		return str_list(&p->registries, &p->nregistries, c, v, "allowed-base-registries");
	}
	/* rules before ignore, whatever the order: ignore.rule may name a custom rule */
	later[strcmp(key, "rules") == 0 ? 0 : 1] = v;
	return 0;
}

static int load_doc(struct ctx *c, const char *text, size_t len)
{
	static const char *const keys[] = {
	    "fail-on", "max-image-age-days", "allowed-base-registries", "rules", "ignore", NULL};
	yaml_parser_t parser;
	yaml_document_t doc;
	const yaml_node_t *root, *later[2] = {NULL, NULL};
	int rc;

	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = lsc_error(LSC_E_USAGE, "%s:%lu: %s%s%s", c->path,
			       (unsigned long)parser.problem_mark.line + 1,
			       parser.problem ? parser.problem : "malformed YAML",
			       parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return rc;
	}
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	rc = 0;
	if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
		rc = mapping(c, root, "policy", keys, top_pair, later);
		if (rc == 0 && later[0]) {
			rc = rules_section(c, later[0]);
		}
		if (rc == 0 && later[1]) {
			rc = ignore_list(c, later[1]);
		}
	}
	if (rc == 0) {
		/* one document: a second one would be silently ignored */
		yaml_document_t more;

		if (!yaml_parser_load(&parser, &more)) {
			rc = lsc_error(LSC_E_USAGE, "%s:%lu: %s", c->path,
				       (unsigned long)parser.problem_mark.line + 1,
				       parser.problem ? parser.problem : "malformed YAML");
		} else {
			if (yaml_document_get_root_node(&more)) {
				rc = lsc_error(LSC_E_USAGE, "%s:%lu: more than one YAML document",
					       c->path, (unsigned long)more.start_mark.line + 1);
			}
			yaml_document_delete(&more);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int lsc_policy_load(struct lsc_policy **out, const char *path)
{
	struct lsc_policy *p = calloc(1, sizeof(*p));
	struct ctx c = {.p = p, .path = path};
	char *text = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int rc = 0;

	*out = NULL;
	if (!p) {
		return -ENOMEM;
	}
	p->path = strdup(path);
	text = malloc(LSC_POLICY_MAX_BYTES + 1);
	if (!p->path || !text) {
		rc = -ENOMEM;
		goto out;
	}
	f = fopen(path, "rb");
	if (!f) {
		rc = lsc_error(-errno, "policy %s: %s", path, strerror(errno));
		goto out;
	}
	len = fread(text, 1, LSC_POLICY_MAX_BYTES + 1, f);
	if (ferror(f)) {
		rc = lsc_error(-EIO, "policy %s: read error", path);
		goto out;
	}
	if (len > LSC_POLICY_MAX_BYTES) {
		rc = lsc_error(LSC_E_TOO_LARGE, "policy %s: larger than %u bytes", path,
			       LSC_POLICY_MAX_BYTES);
		goto out;
	}
	if (memchr(text, 0, len)) {
		rc = lsc_error(LSC_E_USAGE, "%s: not a text file (NUL byte)", path);
		goto out;
	}
	text[len] = 0;
	rc = load_doc(&c, text, len);
out:
	if (f) {
		fclose(f);
	}
	free(text);
	if (rc < 0) {
		lsc_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void lsc_policy_free(struct lsc_policy *p)
{
	if (!p) {
		return;
	}
	free(p->path);
	free_list(p->registries, p->nregistries);
	free_list(p->disabled, p->ndisabled);
	for (size_t i = 0; i < p->noverrides; i++) {
		free(p->overrides[i].rule);
	}
	free(p->overrides);
	for (size_t i = 0; i < p->ncustom; i++) {
		struct lsc_policy_custom *cu = &p->custom[i];

		free((char *)cu->info.id);
		free((char *)cu->info.title);
		free((char *)cu->rule.pattern);
		free_list(cu->keywords, cu->rule.nkeywords);
		free_list(cu->positives, cu->rule.npositives);
		free_list(cu->negatives, cu->rule.nnegatives);
	}
	free(p->custom);
	free(p->custom_rules);
	for (size_t i = 0; i < p->nignores; i++) {
		struct lsc_policy_ignore *ig = &p->ignores[i];

		free(ig->rule);
		free(ig->path);
		free(ig->layer);
		free(ig->fingerprint);
		free(ig->reason);
	}
	free(p->ignores);
	free(p);
}

/* --- application ------------------------------------------------------------------------------ */

bool lsc_policy_glob(const char *g, const char *s)
{
	for (;;) {
		if (*g == '*' && g[1] == '*') {
			g += 2;
			/* a double star then a slash also matches zero directories: a/b for a, **,
			 * /b */
			if (*g == '/' && lsc_policy_glob(g + 1, s)) {
				return true;
			}
			for (const char *t = s;; t++) {
				if (lsc_policy_glob(g, t)) {
					return true;
				}
				if (!*t) {
					return false;
				}
			}
		}
		if (*g == '*') {
			g++;
			for (const char *t = s;; t++) {
				if (lsc_policy_glob(g, t)) {
					return true;
				}
				if (!*t || *t == '/') {
					return false;
				}
			}
		}
		if (!*g) {
			return !*s;
		}
		if (*g == '?') {
			if (!*s || *s == '/') {
				return false;
			}
		} else {
			if (*g == '\\' && g[1]) {
				g++;
			}
			if (*g != *s) {
				return false;
			}
		}
		g++;
		s++;
	}
}

static bool ignore_matches(const struct lsc_policy_ignore *ig, const struct lsc_finding *f)
{
	if (ig->rule && strcmp(ig->rule, f->rule->id) != 0) {
		return false;
	}
	if (ig->path && (!f->path || !lsc_policy_glob(ig->path, f->path))) {
		return false;
	}
	if (ig->layer && !((f->layer_digest && strcmp(ig->layer, f->layer_digest) == 0) ||
			   (f->layer_diff_id && strcmp(ig->layer, f->layer_diff_id) == 0))) {
		return false;
	}
	if (ig->fingerprint && strcmp(ig->fingerprint, f->fingerprint) != 0) {
		return false;
	}
	return true;
}

static bool listed(char *const *l, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i], id) == 0) {
			return true;
		}
	}
	return false;
}

int lsc_policy_apply(const struct lsc_policy *p, struct lsc_report *r, time_t now,
		     lsc_policy_warn_cb warn, void *payload)
{
	struct lsc_ignored *ign;
	size_t keep = 0;

	for (size_t i = 0; i < p->nignores && warn; i++) {
		const struct lsc_policy_ignore *ig = &p->ignores[i];
		char msg[LSC_ERRMSG_MAX];

		if (ig->expires_at && now >= ig->expires_at) {
			snprintf(msg, sizeof(msg),
				 "%s:%lu: ignore entry expired on %s, it no longer "
				 "applies (reason: %.300s)",
				 p->path, ig->line, ig->expires, ig->reason);
			warn(msg, payload);
		}
	}
	ign = realloc(r->ignored, (r->nignored + r->nfindings + 1) * sizeof(*ign));
	if (!ign) {
		return -ENOMEM;
	}
	r->ignored = ign;
	for (size_t i = 0; i < r->nfindings; i++) {
		struct lsc_finding *f = &r->findings[i];
		const struct lsc_policy_ignore *hit = NULL;

		if (listed(p->disabled, p->ndisabled, f->rule->id)) {
			lsc_finding_dispose(f);
			continue;
		}
		for (size_t k = 0; k < p->noverrides; k++) {
			if (strcmp(p->overrides[k].rule, f->rule->id) == 0) {
				f->severity = p->overrides[k].severity;
			}
		}
		for (size_t k = 0; k < p->nignores && !hit; k++) {
			const struct lsc_policy_ignore *ig = &p->ignores[k];

			if ((!ig->expires_at || now < ig->expires_at) && ignore_matches(ig, f)) {
				hit = ig;
			}
		}
		if (hit) {
			struct lsc_ignored *g = &r->ignored[r->nignored];

			g->reason = strdup(hit->reason);
			g->expires = hit->expires[0] ? strdup(hit->expires) : NULL;
			if (!g->reason || (hit->expires[0] && !g->expires)) {
				free(g->reason);
				free(g->expires);
				/* keep the rest consistent: this finding stays a finding */
				r->findings[keep++] = *f;
				for (size_t j = i + 1; j < r->nfindings; j++) {
					r->findings[keep++] = r->findings[j];
				}
				r->nfindings = keep;
				return -ENOMEM;
			}
			g->f = *f;
			r->nignored++;
			continue;
		}
		r->findings[keep++] = *f;
	}
	r->nfindings = keep;
	qsort(r->ignored, r->nignored, sizeof(*r->ignored), lsc_finding_cmp);
	return 0;
}

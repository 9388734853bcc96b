/*
 * What every report format shares (report_json.c, report_sarif.c, report_junit.c, and the CLI's
 * table): text from the image made safe to print, redaction, the rules a report evaluated, and
 * whether a report fails its gate.
 */
#include "report.h"
#include "finding.h"
#include "util/str.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Paths and values come from the image and need not be UTF-8: an invalid byte is written as the
 * four characters \xNN, so the report stays valid JSON and still says which bytes were there.
 */
json_t *lsc_report_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	char *clean;
	json_t *j;

	j = json_string(s);
	if (j) {
		return j;
	}
	clean = malloc(len * 4 + 1);
	if (!clean) {
		return json_null();
	}
	while (*p) {
		size_t n = lsc_utf8_len(p);

		if (n == 0) {
			o += (size_t)sprintf(clean + o, "\\x%02x", *p);
			p++;
			continue;
		}
		memcpy(clean + o, p, n);
		o += n;
		p += n;
	}
	clean[o] = 0;
	j = json_string(clean);
	free(clean);
	return j ? j : json_null();
}

json_t *lsc_report_image_text(const struct lsc_redactor *x, const char *s, unsigned flags)
{
	char *red;
	json_t *j;

	if (!s) {
		return json_null();
	}
	red = lsc_redactor_text(x, s, flags | LSC_TEXT_UTF8_ONLY);
	j = red ? lsc_report_text(red) : json_null();
	free(red);
	return j;
}

char *lsc_report_match(const struct lsc_finding *f, unsigned flags)
{
	char *m;

	if (!f->match) {
		return NULL;
	}
	if (flags & LSC_REPORT_SHOW_SECRETS) {
		return strdup(f->match);
	}
	m = malloc(strlen(f->match) + 1);
	if (m) {
		lsc_redact(m, f->match);
	}
	return m;
}

size_t lsc_report_rule_index(const struct lsc_rule *const *rules, size_t n,
			     const struct lsc_rule *rule)
{
	for (size_t i = 0; i < n; i++) {
		if (rules[i] == rule) {
			return i;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rules[i]->id, rule->id) == 0) {
			return i;
		}
	}
	return n;
}

size_t lsc_report_rules(const struct lsc_rule ***out, const struct lsc_report *r)
{
	size_t n = lsc_rules_count(), len = 0;
	const struct lsc_rule **rules =
	    malloc((n + r->nfindings + r->nignored + 1) * sizeof(*rules));

	*out = rules;
	if (!rules) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		rules[len++] = lsc_rules_get(i);
	}
	/* custom rules (a policy's) of findings and of ignored findings */
	for (size_t i = 0; i < r->nfindings + r->nignored; i++) {
		const struct lsc_rule *rule =
		    i < r->nfindings ? r->findings[i].rule : r->ignored[i - r->nfindings].f.rule;

		if (lsc_report_rule_index(rules, len, rule) == len) {
			rules[len++] = rule;
		}
	}
	return len;
}

bool lsc_report_fails(const struct lsc_report *r, enum lsc_severity fail_on)
{
	if (fail_on == LSC_SEV_NEVER) {
		return false;
	}
	/* what the caps dropped is not known to be baselined or ignored: it fails as it would */
	if (r->truncated_findings && r->truncated_severity >= fail_on) {
		return true;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].severity >= fail_on && !r->findings[i].known) {
			return true;
		}
	}
	return false;
}

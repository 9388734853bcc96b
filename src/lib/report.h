/*
 * What the report formats (report_json.c, report_sarif.c, report_junit.c) share, in report.c:
 * text from the image made safe to print, redaction, the list of rules a report evaluated, and
 * lsc_report_fails() (declared in layerscan.h: the CLI's exit code and every format's verdict).
 */
#ifndef LSC_LIB_REPORT_H
#define LSC_LIB_REPORT_H

#include "layerscan/layerscan.h"

#include <jansson.h>
#include <stddef.h>

/*
 * A JSON string of s. Text from the image need not be UTF-8: an invalid byte is written as the
 * four characters \xNN. Returns a new reference, json_null() when memory runs out.
 */
json_t *lsc_report_text(const char *s);

/*
 * A JSON string of s, text from the image: every secret the redactor x knows redacted (unless
 * flags has LSC_REPORT_SHOW_SECRETS), invalid UTF-8 as \xNN (lsc_report_text). json_null() for
 * a NULL s or when memory runs out; a new reference.
 */
json_t *lsc_report_image_text(const struct lsc_redactor *x, const char *s, unsigned flags);

/*
 * The value to print for f's match: in clear with LSC_REPORT_SHOW_SECRETS, else redacted
 * (lsc_redact). NULL when the finding has no match or memory runs out; else the caller's to
 * free().
 */
char *lsc_report_match(const struct lsc_finding *f, unsigned flags);

/*
 * The rules a report evaluated: every built-in rule in lsc_rules_get() order, then any rule of
 * a finding that is not one of them, once each. *out is the caller's to free() (the rules are
 * borrowed); returns their number, or 0 with *out NULL when memory runs out.
 */
size_t lsc_report_rules(const struct lsc_rule ***out, const struct lsc_report *r);

/* The index of rule in rules (pointer or id), or n when it is not there. */
size_t lsc_report_rule_index(const struct lsc_rule *const *rules, size_t n,
			     const struct lsc_rule *rule);

#endif

/*
 * The JUnit XML report (CONTRACT.md, "SARIF and JUnit") for GitLab, Jenkins and the like: one
 * test suite, one test case per rule evaluated, failing when the rule found something at or
 * above the --fail-on threshold. The failure lists those findings; findings below the
 * threshold are listed in the test case's system-out.
 */
#include "redactor.h"
#include "report.h"
#include "util/str.h"
#include "util/buf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JUNIT_MAX ((size_t)1 << 30) /* the report's own size; findings are bounded upstream */

/*
 * Appends s XML-escaped. Bytes XML 1.0 cannot carry (control characters, invalid UTF-8,
 * U+FFFE and U+FFFF) are written as the four characters \xNN, as in the JSON report. In an
 * attribute, tab and newlines are character references so that parsers keep them.
 */
static int esc_xml(struct lsc_buf *b, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;

	while (*p && rc == 0) {
		size_t n = lsc_utf8_len(p);

		if (n == 3 && p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
			n = 0;
		}
		if (n == 0) {
			rc = lsc_buf_printf(b, "\\x%02x", *p);
			p++;
			continue;
		}
		if (n > 1) {
			rc = lsc_buf_append(b, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '&':
			rc = lsc_buf_append(b, "&amp;", 5);
			break;
		case '<':
			rc = lsc_buf_append(b, "&lt;", 4);
			break;
		case '>':
			rc = lsc_buf_append(b, "&gt;", 4);
			break;
		case '"':
			rc = lsc_buf_append(b, "&quot;", 6);
			break;
		case '\'':
			rc = lsc_buf_append(b, "&apos;", 6);
			break;
		case '\t':
		case '\n':
		case '\r':
			rc = attr ? lsc_buf_printf(b, "&#%u;", *p) : lsc_buf_appendc(b, (char)*p);
			break;
		default:
			if (*p < 0x20) {
				rc = lsc_buf_printf(b, "\\x%02x", *p);
			} else {
				rc = lsc_buf_appendc(b, (char)*p);
			}
		}
		p++;
	}
	return rc;
}

/*
 * Appends s made safe (lsc_str_safe: C0 and C1 controls, bidi overrides and invalid UTF-8 as
 * escapes, since CI pages show this text to people), then XML-escaped.
 */
static int esc(struct lsc_buf *b, const char *s, bool attr)
{
	char *safe = lsc_str_safe_dup(s, 0);
	int rc;

	if (!safe) {
		return -ENOMEM;
	}
	rc = esc_xml(b, safe, attr);
	free(safe);
	return rc;
}

/* Escapes s after redacting the secrets of x in it (unless flags show them). */
static int esc_image(struct lsc_buf *b, const struct lsc_redactor *x, const char *s, unsigned flags,
		     bool attr)
{
	char *red = lsc_redactor_raw(x, s, flags);
	int rc;

	if (!red) {
		return -ENOMEM;
	}
	rc = esc(b, red, attr);
	free(red);
	return rc;
}

/* Appends the XML attribute ` name="value"`, value escaped. */
static int attr(struct lsc_buf *b, const char *name, const char *value)
{
	int rc = lsc_buf_printf(b, " %s=\"", name);

	if (rc == 0) {
		rc = esc(b, value, true);
	}
	return rc ? rc : lsc_buf_appendc(b, '"');
}

/* Seconds with milliseconds, without printf's locale-dependent decimal point. */
static int time_attr(struct lsc_buf *b, uint64_t ms)
{
	return lsc_buf_printf(b, " time=\"%llu.%03u\"", (unsigned long long)(ms / 1000),
			      (unsigned)(ms % 1000));
}

static int property(struct lsc_buf *b, const char *name, const char *value,
		    const struct lsc_redactor *x, unsigned flags)
{
	char *red;
	int rc;

	if (!value) {
		return 0;
	}
	rc = lsc_buf_printf(b, "      <property");
	if (rc == 0) {
		rc = attr(b, "name", name);
	}
	red = lsc_redactor_raw(x, value, flags);
	if (rc == 0) {
		rc = red ? attr(b, "value", red) : -ENOMEM;
	}
	free(red);
	return rc ? rc : lsc_buf_printf(b, "/>\n");
}

/*
 * One line for a finding: "critical /app/config.yaml:14 (layer 2 sha256:..., not in the final
 * image): detail; match: ghp_****abcd", the match redacted unless flags say otherwise.
 */
static int finding_line(struct lsc_buf *b, const struct lsc_finding *f,
			const struct lsc_redactor *x, unsigned flags)
{
	char *m = lsc_report_match(f, flags);
	int rc;

	if (f->match && !m) {
		return -ENOMEM;
	}
	rc = lsc_buf_printf(b, "%s ", lsc_severity_name(f->severity));
	if (rc == 0) {
		rc =
		    esc_image(b, x, f->path ? f->path : lsc_location_name(f->source), flags, false);
	}
	if (rc == 0 && f->path && f->line > 0) {
		rc = lsc_buf_printf(b, ":%ld", f->line);
	}
	if (rc == 0 && f->layer_index >= 0) {
		rc = lsc_buf_printf(b, " (layer %d", f->layer_index);
		if (rc == 0 && f->layer_digest) {
			rc = lsc_buf_appendc(b, ' ');
			if (rc == 0) {
				rc = esc(b, f->layer_digest, false);
			}
		}
		if (rc == 0) {
			rc = lsc_buf_printf(b, "%s)",
					    f->in_final_image ? "" : ", not in the final image");
		}
	}
	if (rc == 0 && f->detail) {
		rc = lsc_buf_printf(b, ": ");
		if (rc == 0) {
			rc = esc_image(b, x, f->detail, flags, false);
		}
	}
	if (rc == 0 && m) {
		rc = lsc_buf_printf(b, "; match: ");
		if (rc == 0) {
			rc = esc(b, m, false);
		}
	}
	if (rc == 0 && f->repeats > 0) {
		rc = lsc_buf_printf(b, " (%llu times)", (unsigned long long)f->repeats + 1);
	}
	if (rc == 0 && f->note) {
		rc = lsc_buf_printf(b, " (");
		if (rc == 0) {
			rc = esc(b, f->note, false);
		}
		if (rc == 0) {
			rc = lsc_buf_appendc(b, ')');
		}
	}
	if (rc == 0) {
		rc = lsc_buf_appendc(b, '\n');
	}
	free(m);
	return rc;
}

static bool fails(const struct lsc_finding *f, enum lsc_severity fail_on)
{
	return fail_on != LSC_SEV_NEVER && f->severity >= fail_on;
}

/* The test case of rules[ri]; ridx[i] is the index in rules of finding i's rule. */
static int testcase(struct lsc_buf *b, const struct lsc_report *r, const struct lsc_rule *rule,
		    size_t ri, const size_t *ridx, enum lsc_severity fail_on,
		    const struct lsc_redactor *x, unsigned flags)
{
	unsigned nfail = 0, nother = 0;
	enum lsc_severity top = LSC_SEV_INFO;
	char msg[160];
	int rc;

	for (size_t i = 0; i < r->nfindings; i++) {
		if (ridx[i] != ri) {
			continue;
		}
		if (fails(&r->findings[i], fail_on)) {
			nfail++;
			top = r->findings[i].severity > top ? r->findings[i].severity : top;
		} else {
			nother++;
		}
	}
	rc = lsc_buf_printf(b, "    <testcase");
	if (rc == 0) {
		rc = attr(b, "classname", lsc_category_name(rule->category));
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, " name=\"");
	}
	if (rc == 0) {
		rc = esc(b, rule->id, true);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, ": ");
	}
	if (rc == 0) {
		rc = esc(b, rule->title, true);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, "\" time=\"0.000\"%s\n", nfail || nother ? ">" : "/>");
	}
	if (rc == 0 && nfail) {
		snprintf(msg, sizeof(msg), "%u finding%s at or above %s", nfail,
			 nfail == 1 ? "" : "s", lsc_severity_name(fail_on));
		rc = lsc_buf_printf(b, "      <failure");
		if (rc == 0) {
			rc = attr(b, "message", msg);
		}
		if (rc == 0) {
			rc = attr(b, "type", lsc_severity_name(top));
		}
		if (rc == 0) {
			rc = lsc_buf_printf(b, ">");
		}
		for (size_t i = 0; i < r->nfindings && rc == 0; i++) {
			if (ridx[i] == ri && fails(&r->findings[i], fail_on)) {
				rc = finding_line(b, &r->findings[i], x, flags);
			}
		}
		if (rc == 0) {
			rc = lsc_buf_printf(b, "</failure>\n");
		}
	}
	if (rc == 0 && nother) {
		rc = lsc_buf_printf(b, "      <system-out>");
		for (size_t i = 0; i < r->nfindings && rc == 0; i++) {
			if (ridx[i] == ri && !fails(&r->findings[i], fail_on)) {
				rc = finding_line(b, &r->findings[i], x, flags);
			}
		}
		if (rc == 0) {
			rc = lsc_buf_printf(b, "</system-out>\n");
		}
	}
	if (rc == 0 && (nfail || nother)) {
		rc = lsc_buf_printf(b, "    </testcase>\n");
	}
	return rc;
}

static int report_junit(struct lsc_buf *b, const struct lsc_report *r,
			const struct lsc_rule *const *rules, size_t nrules, const size_t *ridx,
			enum lsc_severity fail_on, const struct lsc_redactor *x, unsigned flags)
{
	size_t nfailed = 0;
	char name[64];
	int rc;

	for (size_t ri = 0; ri < nrules; ri++) {
		for (size_t i = 0; i < r->nfindings; i++) {
			if (ridx[i] == ri && fails(&r->findings[i], fail_on)) {
				nfailed++;
				break;
			}
		}
	}
	rc = lsc_buf_printf(b,
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<testsuites name=\"layerscan\" tests=\"%zu\" failures=\"%zu\" "
			    "errors=\"0\"",
			    nrules, nfailed);
	if (rc == 0) {
		rc = time_attr(b, r->duration_ms);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, ">\n  <testsuite name=\"layerscan: ");
	}
	if (rc == 0) {
		rc = esc_image(b, x, r->input ? r->input : "image", flags, true);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b,
				    "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\"",
				    nrules, nfailed);
	}
	if (rc == 0) {
		rc = time_attr(b, r->duration_ms);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, ">\n    <properties>\n");
	}
	if (rc == 0) {
		rc = property(b, "input", r->input, x, flags);
	}
	if (rc == 0) {
		rc = property(b, "reference", r->reference, x, flags);
	}
	if (rc == 0) {
		rc = property(b, "manifest_digest", r->manifest_digest, x, flags);
	}
	if (rc == 0) {
		rc = property(b, "config_digest", r->config_digest, x, flags);
	}
	if (rc == 0) {
		rc = property(b, "platform", r->platform, x, flags);
	}
	for (size_t i = 0; i < r->nlayers && rc == 0; i++) {
		snprintf(name, sizeof(name), "layer.%zu.digest", i);
		rc = property(b, name, r->layers[i].digest, x, flags);
		if (rc == 0) {
			snprintf(name, sizeof(name), "layer.%zu.diff_id", i);
			rc = property(b, name, r->layers[i].diff_id, x, flags);
		}
	}
	if (rc == 0) {
		rc = property(b, "fail_on", lsc_severity_name(fail_on), x, flags);
	}
	if (rc == 0) {
		rc =
		    property(b, "result", lsc_report_fails(r, fail_on) ? "fail" : "pass", x, flags);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, "    </properties>\n");
	}
	for (size_t ri = 0; ri < nrules && rc == 0; ri++) {
		rc = testcase(b, r, rules[ri], ri, ridx, fail_on, x, flags);
	}
	if (rc == 0) {
		rc = lsc_buf_printf(b, "  </testsuite>\n</testsuites>\n");
	}
	return rc;
}

int lsc_report_junit(char **out, const struct lsc_report *r, enum lsc_severity fail_on,
		     unsigned flags)
{
	const struct lsc_rule **rules;
	size_t nrules = lsc_report_rules(&rules, r);
	size_t *ridx = malloc((r->nfindings + 1) * sizeof(*ridx));
	struct lsc_redactor *x = NULL;
	struct lsc_buf b;
	int rc = -ENOMEM;

	*out = NULL;
	lsc_buf_init(&b, JUNIT_MAX);
	if (!rules || !ridx || lsc_redactor_new(&x, r) < 0) {
		goto out;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		ridx[i] = lsc_report_rule_index(rules, nrules, r->findings[i].rule);
	}
	rc = report_junit(&b, r, rules, nrules, ridx, fail_on, x, flags);
	if (rc == 0) {
		rc = lsc_buf_detach(out, &b);
	}
out:
	lsc_redactor_free(x);
	lsc_buf_dispose(&b);
	free(ridx);
	free(rules);
	return rc;
}

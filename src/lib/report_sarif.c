/*
 * The SARIF 2.1.0 report (CONTRACT.md, "SARIF and JUnit"): one run, every rule in
 * tool.driver.rules, one result per finding. It validates against the official schema and is
 * what GitHub code scanning accepts: every result has a physical location, the path in the
 * image as a relative URI, or "image" for findings about the image config or the whole image.
 */
#include "redactor.h"
#include "report.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INFO_URI "https://github.com/layerscan/layerscan"
#define FINGERPRINT_KEY "layerscanFingerprint/v1"
#define IMAGE_URI "image" /* the artifact of findings that have no path in the image */

static const char *level(enum lsc_severity s)
{
	switch (s) {
	case LSC_SEV_CRITICAL:
	case LSC_SEV_HIGH:
		return "error";
	case LSC_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub's security-severity: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
static const char *security_severity(enum lsc_severity s)
{
	static const char *const scores[] = {"1.0", "3.0", "5.0", "7.0", "9.0"};

	return (unsigned)s <= LSC_SEV_CRITICAL ? scores[s] : "1.0";
}

static json_t *message(const char *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", lsc_report_text(s));
	return o;
}

/* "github-pat" -> "GithubPat": SARIF's reportingDescriptor.name is an identifier-like name. */
static json_t *camel(const char *id)
{
	size_t n = strlen(id), o = 0;
	char *s = malloc(n + 1);
	bool up = true;
	json_t *j;

	if (!s) {
		return json_null();
	}
	for (const char *p = id; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			up = true;
			continue;
		}
		s[o++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = false;
	}
	s[o] = 0;
	j = lsc_report_text(s);
	free(s);
	return j;
}

static json_t *rule_json(const struct lsc_rule *rule)
{
	json_t *o = json_object(), *conf = json_object(), *props = json_object();
	json_t *tags = json_array();
	const char *cat = lsc_category_name(rule->category);

	json_object_set_new(o, "id", lsc_report_text(rule->id));
	json_object_set_new(o, "name", camel(rule->id));
	json_object_set_new(o, "shortDescription", message(rule->title));
	json_object_set_new(o, "fullDescription",
			    message(rule->description ? rule->description : rule->title));
	json_object_set_new(o, "help",
			    message(rule->description ? rule->description : rule->title));
	json_object_set_new(conf, "level", json_string(level(rule->severity)));
	json_object_set_new(o, "defaultConfiguration", conf);
	json_object_set_new(props, "category", json_string(cat));
	json_object_set_new(props, "severity", json_string(lsc_severity_name(rule->severity)));
	json_object_set_new(props, "security-severity",
			    json_string(security_severity(rule->severity)));
	json_array_append_new(tags, json_string("security"));
	json_array_append_new(tags, json_string(cat));
	json_object_set_new(props, "tags", tags);
	json_object_set_new(o, "properties", props);
	return o;
}

/*
 * The path in the image as a relative URI reference: the leading "/" dropped, every byte but
 * the unreserved characters and "/" percent-encoded, so spaces, "%", ":" (which would read as a
 * scheme), non-ASCII and invalid UTF-8 all survive. NULL when memory runs out.
 */
static char *path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	char *s, *o;

	while (*p == '/') {
		p++;
	}
	if (!*p) {
		return strdup(IMAGE_URI);
	}
	s = malloc(strlen((const char *)p) * 3 + 1);
	if (!s) {
		return NULL;
	}
	o = s;
	for (; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		}
	}
	*o = 0;
	return s;
}

static json_t *str_or_null(const char *s)
{
	return s ? lsc_report_text(s) : json_null();
}

static json_t *image_props(const struct lsc_report *r, const struct lsc_redactor *x, unsigned flags)
{
	json_t *o = json_object();

	json_object_set_new(o, "manifest_digest", str_or_null(r->manifest_digest));
	json_object_set_new(o, "config_digest", str_or_null(r->config_digest));
	json_object_set_new(o, "reference", lsc_report_image_text(x, r->reference, flags));
	json_object_set_new(o, "platform", lsc_report_image_text(x, r->platform, flags));
	return o;
}

static json_t *location_json(const struct lsc_finding *f, const struct lsc_redactor *x,
			     unsigned flags)
{
	json_t *loc = json_object(), *phys = json_object(), *art = json_object();
	const char *src = lsc_location_name(f->source);

	if (f->path) {
		char *red = lsc_redactor_raw(x, f->path, flags);
		char *uri = red ? path_uri(red) : NULL;

		json_object_set_new(art, "uri", uri ? json_string(uri) : json_string(IMAGE_URI));
		free(uri);
		free(red);
	} else {
		json_t *logical = json_array(), *l = json_object();
		char desc[96];

		json_object_set_new(art, "uri", json_string(IMAGE_URI));
		snprintf(desc, sizeof(desc), "the image, not a file in it: %s", src);
		json_object_set_new(art, "description", message(desc));
		json_object_set_new(l, "name", json_string(src));
		json_object_set_new(l, "kind", json_string("object"));
		json_array_append_new(logical, l);
		json_object_set_new(loc, "logicalLocations", logical);
	}
	json_object_set_new(phys, "artifactLocation", art);
	if (f->line > 0) {
		json_t *region = json_object();

		json_object_set_new(region, "startLine", json_integer(f->line));
		json_object_set_new(phys, "region", region);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	return loc;
}

/*
 * "title: detail (match: ab**cd)", the match redacted unless flags say otherwise; a detail that
 * only repeats the title is left out.
 */
static json_t *result_message(const struct lsc_finding *f, const struct lsc_redactor *x,
			      unsigned flags)
{
	char *m = lsc_report_match(f, flags);
	char *red = f->detail ? lsc_redactor_raw(x, f->detail, flags) : NULL;
	const char *d = red && strcmp(red, f->rule->title) != 0 ? red : "";
	size_t n = strlen(f->rule->title) + strlen(d) + (m ? strlen(m) : 0) +
		   (f->note ? strlen(f->note) : 0) + 96;
	char *s = malloc(n), *safe;
	json_t *j;

	if (!s) {
		free(m);
		free(red);
		return message(f->rule->title);
	}
	snprintf(s, n, "%s%s%s%s%s%s", f->rule->title, *d ? ": " : "", d, m ? " (match: " : "",
		 m ? m : "", m ? ")" : "");
	if (f->repeats > 0) {
		size_t len = strlen(s);

		snprintf(s + len, n - len, " (%llu times in the file)",
			 (unsigned long long)f->repeats + 1);
	}
	if (f->note) {
		size_t len = strlen(s);

		snprintf(s + len, n - len, " (%s)", f->note);
	}
	/* the message is what code scanning shows people: no control character, no bidi override */
	safe = lsc_str_safe_dup(s, 0);
	j = message(safe ? safe : f->rule->title);
	free(safe);
	free(s);
	free(m);
	free(red);
	return j;
}

static json_t *result_json(const struct lsc_finding *f, bool have_baseline, size_t rule_index,
			   json_t *image, const struct lsc_redactor *x, unsigned flags)
{
	json_t *o = json_object(), *locs = json_array(), *fp = json_object(),
	       *props = json_object();

	json_object_set_new(o, "ruleId", lsc_report_text(f->rule->id));
	json_object_set_new(o, "ruleIndex", json_integer((json_int_t)rule_index));
	json_object_set_new(o, "level", json_string(level(f->severity)));
	json_object_set_new(o, "message", result_message(f, x, flags));
	json_array_append_new(locs, location_json(f, x, flags));
	json_object_set_new(o, "locations", locs);
	json_object_set_new(fp, FINGERPRINT_KEY, json_string(f->fingerprint));
	json_object_set_new(o, "partialFingerprints", fp);
	if (have_baseline) {
		/* SARIF's own word for a finding the earlier report already had */
		json_object_set_new(o, "baselineState",
				    json_string(f->known ? "unchanged" : "new"));
	}
	json_object_set_new(props, "source", json_string(lsc_location_name(f->source)));
	json_object_set_new(props, "layer_index",
			    f->layer_index >= 0 ? json_integer(f->layer_index) : json_null());
	json_object_set_new(props, "layer_digest", str_or_null(f->layer_digest));
	json_object_set_new(props, "layer_diff_id", str_or_null(f->layer_diff_id));
	json_object_set_new(props, "path", lsc_report_image_text(x, f->path, flags));
	json_object_set_new(props, "in_final_image", json_boolean(f->in_final_image));
	json_object_set_new(props, "image", json_incref(image));
	json_object_set_new(props, "category", json_string(lsc_category_name(f->rule->category)));
	json_object_set_new(props, "severity", json_string(lsc_severity_name(f->severity)));
	if (f->repeats > 0) {
		json_object_set_new(props, "count", json_integer((json_int_t)(f->repeats + 1)));
	}
	if (f->note) {
		json_object_set_new(props, "note", json_string(f->note));
	}
	json_object_set_new(o, "properties", props);
	return o;
}

static json_t *run_props(const struct lsc_report *r, enum lsc_severity fail_on,
			 const struct lsc_redactor *x, unsigned flags)
{
	json_t *o = json_object(), *image = image_props(r, x, flags), *layers = json_array();
	json_t *summary = json_object();
	unsigned total = 0;

	json_object_set_new(image, "input", lsc_report_image_text(x, r->input, flags));
	json_object_set_new(image, "transport", str_or_null(r->transport));
	json_object_set_new(image, "user", lsc_report_image_text(x, r->user ? r->user : "", flags));
	json_object_set_new(image, "created", lsc_report_image_text(x, r->created, flags));
	for (size_t i = 0; i < r->nlayers; i++) {
		const struct lsc_layer_info *l = &r->layers[i];
		json_t *lo = json_object();

		json_object_set_new(lo, "index", json_integer(l->index));
		json_object_set_new(lo, "digest", json_string(l->digest));
		json_object_set_new(lo, "diff_id", json_string(l->diff_id));
		json_array_append_new(layers, lo);
	}
	json_object_set_new(image, "layers", layers);
	json_object_set_new(o, "image", image);
	for (int s = LSC_SEV_CRITICAL; s >= LSC_SEV_INFO; s--) {
		json_object_set_new(summary, lsc_severity_name((enum lsc_severity)s),
				    json_integer(r->summary[s]));
		total += r->summary[s];
	}
	json_object_set_new(summary, "total", json_integer(total));
	json_object_set_new(o, "summary", summary);
	json_object_set_new(o, "fail_on", json_string(lsc_severity_name(fail_on)));
	json_object_set_new(o, "result",
			    json_string(lsc_report_fails(r, fail_on) ? "fail" : "pass"));
	return o;
}

static json_t *report_sarif(const struct lsc_report *r, enum lsc_severity fail_on, unsigned flags,
			    const struct lsc_redactor *x)
{
	json_t *root, *runs, *run, *tool, *driver, *rules_json, *results, *invocations, *inv;
	json_t *image;
	const struct lsc_rule **rules;
	size_t nrules = lsc_report_rules(&rules, r);

	if (!rules) {
		return NULL;
	}
	root = json_object();
	runs = json_array();
	run = json_object();
	tool = json_object();
	driver = json_object();
	rules_json = json_array();
	results = json_array();
	invocations = json_array();
	inv = json_object();
	image = image_props(r, x, flags);

	json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("layerscan"));
	json_object_set_new(driver, "version", json_string(LSC_VERSION));
	json_object_set_new(driver, "semanticVersion", json_string(LSC_VERSION));
	json_object_set_new(driver, "informationUri", json_string(INFO_URI));
	for (size_t i = 0; i < nrules; i++) {
		json_array_append_new(rules_json, rule_json(rules[i]));
	}
	json_object_set_new(driver, "rules", rules_json);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_object_set_new(inv, "executionSuccessful", json_true());
	json_array_append_new(invocations, inv);
	json_object_set_new(run, "invocations", invocations);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct lsc_finding *f = &r->findings[i];
		size_t idx = lsc_report_rule_index(rules, nrules, f->rule);

		json_array_append_new(results,
				      result_json(f, r->have_baseline, idx, image, x, flags));
	}
	/* a policy's ignored findings stay visible, as results suppressed with the entry's reason
	 */
	for (size_t i = 0; i < r->nignored; i++) {
		const struct lsc_ignored *ig = &r->ignored[i];
		size_t idx = lsc_report_rule_index(rules, nrules, ig->f.rule);
		json_t *res = result_json(&ig->f, r->have_baseline, idx, image, x, flags);
		json_t *sup = json_object(), *sups = json_array();

		json_object_set_new(sup, "kind", json_string("external"));
		json_object_set_new(sup, "status", json_string("accepted"));
		json_object_set_new(sup, "justification",
				    lsc_report_text(ig->reason ? ig->reason : ""));
		if (ig->expires) {
			json_t *props = json_object();

			json_object_set_new(props, "expires", json_string(ig->expires));
			json_object_set_new(sup, "properties", props);
		}
		json_array_append_new(sups, sup);
		json_object_set_new(res, "suppressions", sups);
		json_array_append_new(results, res);
	}
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "properties", run_props(r, fail_on, x, flags));
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	json_decref(image);
	free(rules);
	return root;
}

int lsc_report_sarif(char **out, const struct lsc_report *r, enum lsc_severity fail_on,
		     unsigned flags)
{
	struct lsc_redactor *x = NULL;
	json_t *root;

	*out = NULL;
	if (lsc_redactor_new(&x, r) < 0) {
		return -ENOMEM;
	}
	root = report_sarif(r, fail_on, flags, x);
	*out = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	lsc_redactor_free(x);
	return *out ? 0 : -ENOMEM;
}

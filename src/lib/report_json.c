/* The JSON report, schema layerscan/report/v1 (CONTRACT.md). */
#include "util/error.h"
#include "finding.h"
#include "json.h"
#include "report.h"
#include "util/str.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *text(const char *s)
{
	return lsc_report_text(s);
}

static json_t *str_or_null(const char *s)
{
	return s ? text(s) : json_null();
}

static json_t *finding_json(const struct lsc_finding *f, const struct lsc_redactor *x,
			    unsigned flags)
{
	json_t *o = json_object(), *loc = json_object();
	char *m = lsc_report_match(f, flags);
	json_t *match = m ? text(m) : json_null();

	free(m);
	json_object_set_new(loc, "source", json_string(lsc_location_name(f->source)));
	json_object_set_new(loc, "layer_index",
			    f->layer_index >= 0 ? json_integer(f->layer_index) : json_null());
	json_object_set_new(loc, "layer_digest", str_or_null(f->layer_digest));
	json_object_set_new(loc, "path", lsc_report_image_text(x, f->path, flags));
	json_object_set_new(loc, "line", f->line > 0 ? json_integer(f->line) : json_null());
	json_object_set_new(o, "rule_id", json_string(f->rule->id));
	json_object_set_new(o, "category", json_string(lsc_category_name(f->rule->category)));
	json_object_set_new(o, "severity", json_string(lsc_severity_name(f->severity)));
	json_object_set_new(o, "title", json_string(f->rule->title));
	json_object_set_new(o, "detail", lsc_report_image_text(x, f->detail, flags));
	json_object_set_new(o, "location", loc);
	json_object_set_new(o, "in_final_image", json_boolean(f->in_final_image));
	json_object_set_new(o, "match", match ? match : json_null());
	json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
	json_object_set_new(o, "known", json_boolean(f->known));
	/* only when they say something, so reports without folds or notes stay as they were */
	if (f->repeats > 0) {
		json_object_set_new(o, "count", json_integer((json_int_t)(f->repeats + 1)));
	}
	if (f->note) {
		json_object_set_new(o, "note", json_string(f->note));
	}
	return o;
}

/*
 * Every string that can hold text from the image goes through the redactor x (NULL: redaction
 * off, with --show-secrets or when memory ran out, which lsc_report_json() refuses).
 */
static json_t *report_json(const struct lsc_report *r, enum lsc_severity fail_on, unsigned flags,
			   const struct lsc_redactor *x)
{
	json_t *root = json_object(), *tool = json_object(), *target = json_object();
	json_t *image = json_object(), *os = json_object(), *layers = json_array();
	json_t *findings = json_array(), *summary = json_object(), *stats = json_object();
	json_t *ignored = json_array();
	unsigned total = 0;

	json_object_set_new(root, "schema", json_string("layerscan/report/v1"));
	json_object_set_new(tool, "name", json_string("layerscan"));
	json_object_set_new(tool, "version", json_string(LSC_VERSION));
	json_object_set_new(root, "tool", tool);

	json_object_set_new(target, "input", lsc_report_image_text(x, r->input, flags));
	json_object_set_new(target, "transport", str_or_null(r->transport));
	json_object_set_new(target, "reference", lsc_report_image_text(x, r->reference, flags));
	json_object_set_new(target, "manifest_digest", str_or_null(r->manifest_digest));
	json_object_set_new(target, "config_digest", str_or_null(r->config_digest));
	json_object_set_new(target, "platform", lsc_report_image_text(x, r->platform, flags));
	json_object_set_new(root, "target", target);

	json_object_set_new(image, "user", lsc_report_image_text(x, r->user ? r->user : "", flags));
	json_object_set_new(image, "created", lsc_report_image_text(x, r->created, flags));
	if (r->os.id || r->os.version_id || r->os.pretty_name) {
		json_object_set_new(os, "id", lsc_report_image_text(x, r->os.id, flags));
		json_object_set_new(os, "version_id",
				    lsc_report_image_text(x, r->os.version_id, flags));
		json_object_set_new(os, "pretty_name",
				    lsc_report_image_text(x, r->os.pretty_name, flags));
		json_object_set_new(image, "os", os);
	} else {
		json_decref(os);
		json_object_set_new(image, "os", json_null());
	}
	for (size_t i = 0; i < r->nlayers; i++) {
		const struct lsc_layer_info *l = &r->layers[i];
		json_t *o = json_object();

		json_object_set_new(o, "index", json_integer(l->index));
		json_object_set_new(o, "digest", json_string(l->digest));
		json_object_set_new(o, "diff_id", json_string(l->diff_id));
		json_object_set_new(o, "media_type",
				    lsc_report_image_text(x, l->media_type, flags));
		json_object_set_new(o, "size", json_integer(l->size));
		json_object_set_new(o, "created_by",
				    lsc_report_image_text(x, l->created_by, flags));
		json_object_set_new(o, "findings_truncated",
				    json_integer((json_int_t)l->findings_truncated));
		json_array_append_new(layers, o);
	}
	json_object_set_new(image, "layers", layers);
	json_object_set_new(root, "image", image);

	for (size_t i = 0; i < r->nfindings; i++) {
		json_array_append_new(findings, finding_json(&r->findings[i], x, flags));
	}
	json_object_set_new(root, "findings", findings);
	for (int s = LSC_SEV_CRITICAL; s >= LSC_SEV_INFO; s--) {
		json_object_set_new(summary, lsc_severity_name((enum lsc_severity)s),
				    json_integer(r->summary[s]));
		total += r->summary[s];
	}
	json_object_set_new(summary, "total", json_integer(total));
	json_object_set_new(summary, "ignored", json_integer((json_int_t)r->nignored));
	json_object_set_new(summary, "known", json_integer((json_int_t)r->known));
	json_object_set_new(summary, "truncated_findings",
			    json_integer((json_int_t)r->truncated_findings));
	json_object_set_new(root, "summary", summary);
	for (size_t i = 0; i < r->nignored; i++) {
		json_t *o = finding_json(&r->ignored[i].f, x, flags);

		json_object_set_new(o, "reason", text(r->ignored[i].reason));
		json_object_set_new(o, "expires", str_or_null(r->ignored[i].expires));
		json_array_append_new(ignored, o);
	}
	json_object_set_new(root, "ignored", ignored);
	json_object_set_new(stats, "layers", json_integer((json_int_t)r->nlayers));
	json_object_set_new(stats, "files", json_integer((json_int_t)r->files));
	json_object_set_new(stats, "bytes_uncompressed",
			    json_integer((json_int_t)r->bytes_uncompressed));
	json_object_set_new(stats, "duration_ms", json_integer((json_int_t)r->duration_ms));
	json_object_set_new(stats, "reused_files", json_integer((json_int_t)r->reused_files));
	json_object_set_new(stats, "reused_bytes", json_integer((json_int_t)r->reused_bytes));
	json_object_set_new(root, "stats", stats);
	json_object_set_new(root, "result",
			    json_string(lsc_report_fails(r, fail_on) ? "fail" : "pass"));
	return root;
}

int lsc_report_json(char **out, const struct lsc_report *r, enum lsc_severity fail_on,
		    unsigned flags)
{
	struct lsc_redactor *x = NULL;
	json_t *root;

	*out = NULL;
	if (lsc_redactor_new(&x, r) < 0) {
		return -ENOMEM;
	}
	root = report_json(r, fail_on, flags, x);
	*out = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	lsc_redactor_free(x);
	return *out ? 0 : -ENOMEM;
}

int lsc_rules_json(char **out)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < lsc_rules_count(); i++) {
		const struct lsc_rule *r = lsc_rules_get(i);
		json_t *o = json_object();

		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "category", json_string(lsc_category_name(r->category)));
		json_object_set_new(o, "severity", json_string(lsc_severity_name(r->severity)));
		json_object_set_new(o, "title", json_string(r->title));
		json_object_set_new(o, "description", json_string(r->description));
		json_object_set_new(o, "detector", json_string(r->detector));
		json_object_set_new(o, "family", json_string(lsc_rule_family(r)));
		json_array_append_new(arr, o);
	}
	*out = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	return *out ? 0 : -ENOMEM;
}

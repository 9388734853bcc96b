/* lib/report_json: the JSON report of CONTRACT.md (schema layerscan/report/v1), read back with
 * jansson. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "layerscan/layerscan.h"
#include "lib/finding.h"

#define SECRET "ghp_0123456789abcdefghijklmnopqrstuvWXYZ"
#define REDACTED "ghp_********************************WXYZ"
#define DIG(c)                                                                                     \
	"sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
	    c c c c c c c c c c c c c c c c c c c c c c c c

static const struct lsc_rule pat_rule = {"github-pat",	   LSC_CAT_SECRET,
					 LSC_SEV_CRITICAL, "GitHub personal access token",
					 "A token.",	   "secrets"};
static const struct lsc_rule root_rule = {"root-user",		LSC_CAT_USER, LSC_SEV_HIGH,
					  "Image runs as root", "Root.",      "user"};

static struct lsc_layer_info layers[2];
static struct lsc_finding findings[2];
static struct lsc_report rep;

static void setup(void)
{
	memset(layers, 0, sizeof(layers));
	memset(findings, 0, sizeof(findings));
	memset(&rep, 0, sizeof(rep));

	layers[0].index = 0;
	strcpy(layers[0].digest, DIG("a"));
	strcpy(layers[0].diff_id, DIG("1"));
	layers[0].media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
	layers[0].size = 123;
	layers[0].created_by = "/bin/sh -c #(nop) ADD file:abc in /";
	layers[1].index = 1;
	strcpy(layers[1].digest, DIG("b"));
	strcpy(layers[1].diff_id, DIG("2"));
	layers[1].media_type = NULL;
	layers[1].size = 456;
	layers[1].created_by = NULL;

	findings[0].rule = &pat_rule;
	findings[0].severity = LSC_SEV_CRITICAL;
	findings[0].source = LSC_LOC_FILE;
	findings[0].layer_index = 1;
	findings[0].layer_digest = DIG("b");
	findings[0].layer_diff_id = DIG("2");
	findings[0].path = "/app/config.yaml";
	findings[0].line = 14;
	findings[0].in_final_image = false;
	findings[0].match = SECRET;
	findings[0].detail = "token in a config file";
	lsc_finding_fingerprint(&findings[0]);

	findings[1].rule = &root_rule;
	findings[1].severity = LSC_SEV_HIGH;
	findings[1].source = LSC_LOC_CONFIG_USER;
	findings[1].layer_index = -1;
	findings[1].in_final_image = true;
	findings[1].detail = "no USER";
	lsc_finding_fingerprint(&findings[1]);

	rep.input = "docker-archive:app.tar";
	rep.transport = "docker-archive";
	rep.reference = "registry.example.com/team/app:1.4";
	rep.manifest_digest = DIG("c");
	rep.config_digest = DIG("d");
	rep.platform = "linux/amd64";
	rep.user = "";
	rep.created = "2026-10-01T12:00:00Z";
	rep.os.id = "debian";
	rep.os.version_id = "12";
	rep.os.pretty_name = "Debian GNU/Linux 12 (bookworm)";
	rep.layers = layers;
	rep.nlayers = 2;
	rep.findings = findings;
	rep.nfindings = 2;
	rep.files = 1234;
	rep.bytes_uncompressed = 45678;
	rep.duration_ms = 321;
	rep.summary[LSC_SEV_CRITICAL] = 1;
	rep.summary[LSC_SEV_HIGH] = 1;
}

TestSuite(report_json, .init = setup);

static json_t *render(enum lsc_severity fail_on, unsigned flags, char **text)
{
	char *out = NULL;
	json_error_t err;
	json_t *j;

	cr_assert_eq(lsc_report_json(&out, &rep, fail_on, flags), 0);
	cr_assert_not_null(out);
	j = json_loads(out, JSON_REJECT_DUPLICATES, &err);
	cr_assert_not_null(j, "not JSON: %s", err.text);
	if (text) {
		*text = out;
	} else {
		free(out);
	}
	return j;
}

static const char *str(json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);

	cr_assert(json_is_string(v), "%s is not a string", path);
	return json_string_value(v);
}

static json_int_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert(json_is_integer(v), "%s is not an integer", key);
	return json_integer_value(v);
}

static void is_null(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert_not_null(v, "%s is absent (it must be present and null)", key);
	cr_assert(json_is_null(v), "%s is not null", key);
}

Test(report_json, schema_tool_target)
{
	json_t *j = render(LSC_SEV_HIGH, 0, NULL), *tool, *target;

	cr_assert_str_eq(str(j, "schema"), "layerscan/report/v1");
	tool = json_object_get(j, "tool");
	cr_assert_str_eq(str(tool, "name"), "layerscan");
	cr_assert_str_eq(str(tool, "version"), LSC_VERSION);
	target = json_object_get(j, "target");
	cr_assert_str_eq(str(target, "input"), "docker-archive:app.tar");
	cr_assert_str_eq(str(target, "transport"), "docker-archive");
	cr_assert_str_eq(str(target, "reference"), "registry.example.com/team/app:1.4");
	cr_assert_str_eq(str(target, "manifest_digest"), DIG("c"));
	cr_assert_str_eq(str(target, "config_digest"), DIG("d"));
	cr_assert_str_eq(str(target, "platform"), "linux/amd64");
	json_decref(j);
}

Test(report_json, target_nulls)
{
	json_t *j, *target;

	rep.reference = NULL;
	rep.manifest_digest = NULL;
	j = render(LSC_SEV_HIGH, 0, NULL);
	target = json_object_get(j, "target");
	is_null(target, "reference");
	is_null(target, "manifest_digest");
	json_decref(j);
}

Test(report_json, image_and_layers)
{
	json_t *j = render(LSC_SEV_HIGH, 0, NULL), *image, *os, *ls, *l;

	image = json_object_get(j, "image");
	cr_assert_str_eq(str(image, "user"), "");
	cr_assert_str_eq(str(image, "created"), "2026-10-01T12:00:00Z");
	os = json_object_get(image, "os");
	cr_assert_str_eq(str(os, "id"), "debian");
	cr_assert_str_eq(str(os, "version_id"), "12");
	cr_assert_str_eq(str(os, "pretty_name"), "Debian GNU/Linux 12 (bookworm)");
	ls = json_object_get(image, "layers");
	cr_assert_eq(json_array_size(ls), 2);
	l = json_array_get(ls, 0);
	cr_assert_eq(num(l, "index"), 0);
	cr_assert_str_eq(str(l, "digest"), DIG("a"));
	cr_assert_str_eq(str(l, "diff_id"), DIG("1"));
	cr_assert_str_eq(str(l, "media_type"), "application/vnd.oci.image.layer.v1.tar+gzip");
	cr_assert_eq(num(l, "size"), 123);
	cr_assert_str_eq(str(l, "created_by"), "/bin/sh -c #(nop) ADD file:abc in /");
	l = json_array_get(ls, 1);
	cr_assert_eq(num(l, "index"), 1);
	cr_assert_eq(num(l, "size"), 456);
	is_null(l, "media_type");
	is_null(l, "created_by");
	json_decref(j);
}

Test(report_json, unknown_os_and_user)
{
	json_t *j, *image;

	memset(&rep.os, 0, sizeof(rep.os));
	rep.user = NULL;
	rep.created = NULL;
	j = render(LSC_SEV_HIGH, 0, NULL);
	image = json_object_get(j, "image");
	is_null(image, "os");
	is_null(image, "created");
	cr_assert_str_eq(str(image, "user"), "");
	json_decref(j);
}

Test(report_json, file_finding_fields)
{
	json_t *j = render(LSC_SEV_HIGH, 0, NULL), *fs, *f, *loc;

	fs = json_object_get(j, "findings");
	cr_assert_eq(json_array_size(fs), 2);
	f = json_array_get(fs, 0);
	cr_assert_str_eq(str(f, "rule_id"), "github-pat");
	cr_assert_str_eq(str(f, "category"), "secret");
	cr_assert_str_eq(str(f, "severity"), "critical");
	cr_assert_str_eq(str(f, "title"), "GitHub personal access token");
	cr_assert(json_is_false(json_object_get(f, "in_final_image")));
	cr_assert_str_eq(str(f, "fingerprint"), findings[0].fingerprint);
	cr_assert_eq(strlen(str(f, "fingerprint")), 32);
	loc = json_object_get(f, "location");
	cr_assert_str_eq(str(loc, "source"), "file");
	cr_assert_eq(num(loc, "layer_index"), 1);
	cr_assert_str_eq(str(loc, "layer_digest"), DIG("b"));
	cr_assert_str_eq(str(loc, "path"), "/app/config.yaml");
	cr_assert_eq(num(loc, "line"), 14);
	json_decref(j);
}

Test(report_json, image_finding_has_null_layer_fields)
{
	json_t *j = render(LSC_SEV_HIGH, 0, NULL), *f, *loc;

	f = json_array_get(json_object_get(j, "findings"), 1);
	cr_assert_str_eq(str(f, "rule_id"), "root-user");
	cr_assert_str_eq(str(f, "category"), "user");
	cr_assert_str_eq(str(f, "severity"), "high");
	cr_assert(json_is_true(json_object_get(f, "in_final_image")));
	is_null(f, "match");
	loc = json_object_get(f, "location");
	cr_assert_str_eq(str(loc, "source"), "config.user");
	is_null(loc, "layer_index");
	is_null(loc, "layer_digest");
	is_null(loc, "path");
	is_null(loc, "line");
	json_decref(j);
}

Test(report_json, layer_zero_is_not_null)
{
	json_t *j, *loc;

	findings[0].layer_index = 0;
	findings[0].line = 1;
	j = render(LSC_SEV_HIGH, 0, NULL);
	loc = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "location");
	cr_assert_eq(num(loc, "layer_index"), 0);
	cr_assert_eq(num(loc, "line"), 1);
	json_decref(j);
}

Test(report_json, match_redacted_by_default)
{
	char *text;
	json_t *j = render(LSC_SEV_HIGH, 0, &text), *f;

	f = json_array_get(json_object_get(j, "findings"), 0);
	cr_assert_str_eq(str(f, "match"), REDACTED);
	cr_assert_null(strstr(text, SECRET), "the clear secret appears in the redacted report");
	/* not even its redacted-away middle */
	cr_assert_null(strstr(text, "0123456789abcdefghijklmnopqrstuv"));
	cr_assert_null(strstr(text, "abcdefghij"));
	free(text);
	json_decref(j);
}

Test(report_json, match_clear_with_show_secrets)
{
	char *text;
	json_t *j = render(LSC_SEV_HIGH, LSC_REPORT_SHOW_SECRETS, &text), *f;

	f = json_array_get(json_object_get(j, "findings"), 0);
	cr_assert_str_eq(str(f, "match"), SECRET);
	cr_assert_not_null(strstr(text, SECRET));
	free(text);
	json_decref(j);
}

Test(report_json, summary_and_stats)
{
	json_t *j, *s, *st;

	rep.summary[LSC_SEV_LOW] = 3;
	rep.summary[LSC_SEV_INFO] = 2;
	j = render(LSC_SEV_HIGH, 0, NULL);
	s = json_object_get(j, "summary");
	cr_assert_eq(num(s, "critical"), 1);
	cr_assert_eq(num(s, "high"), 1);
	cr_assert_eq(num(s, "medium"), 0);
	cr_assert_eq(num(s, "low"), 3);
	cr_assert_eq(num(s, "info"), 2);
	cr_assert_eq(num(s, "total"), 7);
	cr_assert_eq(num(s, "ignored"), 0);
	cr_assert(json_is_array(json_object_get(j, "ignored")));
	cr_assert_eq(json_array_size(json_object_get(j, "ignored")), 0);
	st = json_object_get(j, "stats");
	cr_assert_eq(num(st, "layers"), 2);
	cr_assert_eq(num(st, "files"), 1234);
	cr_assert_eq(num(st, "bytes_uncompressed"), 45678);
	cr_assert_eq(num(st, "duration_ms"), 321);
	json_decref(j);
}

static const char *result_at(enum lsc_severity fail_on)
{
	static char buf[8];
	json_t *j = render(fail_on, 0, NULL);

	snprintf(buf, sizeof(buf), "%s", str(j, "result"));
	json_decref(j);
	return buf;
}

Test(report_json, result_against_fail_on)
{
	/* one critical and one high finding */
	cr_assert_str_eq(result_at(LSC_SEV_INFO), "fail");
	cr_assert_str_eq(result_at(LSC_SEV_HIGH), "fail");
	cr_assert_str_eq(result_at(LSC_SEV_CRITICAL), "fail");
	cr_assert_str_eq(result_at(LSC_SEV_NEVER), "pass");
	cr_assert(lsc_report_fails(&rep, LSC_SEV_HIGH));
	cr_assert_not(lsc_report_fails(&rep, LSC_SEV_NEVER));

	/* known from a baseline: reported, never failing */
	for (size_t i = 0; i < rep.nfindings; i++) {
		rep.findings[i].known = true;
	}
	cr_assert_str_eq(result_at(LSC_SEV_INFO), "pass");
	cr_assert_not(lsc_report_fails(&rep, LSC_SEV_INFO));
	for (size_t i = 0; i < rep.nfindings; i++) {
		rep.findings[i].known = false;
	}

	/* only medium ones */
	memset(rep.summary, 0, sizeof(rep.summary));
	rep.summary[LSC_SEV_MEDIUM] = (unsigned)rep.nfindings;
	for (size_t i = 0; i < rep.nfindings; i++) {
		rep.findings[i].severity = LSC_SEV_MEDIUM;
	}
	cr_assert_str_eq(result_at(LSC_SEV_HIGH), "pass");
	cr_assert_str_eq(result_at(LSC_SEV_CRITICAL), "pass");
	cr_assert_str_eq(result_at(LSC_SEV_MEDIUM), "fail");
	cr_assert_str_eq(result_at(LSC_SEV_LOW), "fail");
	cr_assert_not(lsc_report_fails(&rep, LSC_SEV_HIGH));
	cr_assert(lsc_report_fails(&rep, LSC_SEV_MEDIUM));
}

Test(report_json, empty_report_passes)
{
	json_t *j, *s;

	rep.nfindings = 0;
	rep.findings = NULL;
	rep.nlayers = 0;
	rep.layers = NULL;
	memset(rep.summary, 0, sizeof(rep.summary));
	j = render(LSC_SEV_INFO, 0, NULL);
	cr_assert_str_eq(str(j, "result"), "pass");
	cr_assert_eq(json_array_size(json_object_get(j, "findings")), 0);
	cr_assert(json_is_array(json_object_get(j, "findings")));
	cr_assert_eq(json_array_size(json_object_get(json_object_get(j, "image"), "layers")), 0);
	s = json_object_get(j, "summary");
	cr_assert_eq(num(s, "total"), 0);
	json_decref(j);
}

Test(report_json, required_top_level_fields)
{
	const char *keys[] = {"schema",	  "tool",    "target", "image",
			      "findings", "summary", "stats",  "result"};
	const char *floc[] = {"source", "layer_index", "layer_digest", "path", "line"};
	const char *fkeys[] = {"rule_id",  "category",	     "severity", "title",
			       "location", "in_final_image", "match",	 "fingerprint"};
	json_t *j = render(LSC_SEV_HIGH, 0, NULL);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cr_assert_not_null(json_object_get(j, keys[i]), "%s", keys[i]);
	}
	for (size_t k = 0; k < 2; k++) {
		json_t *f = json_array_get(json_object_get(j, "findings"), k);

		for (size_t i = 0; i < sizeof(fkeys) / sizeof(fkeys[0]); i++) {
			cr_assert_not_null(json_object_get(f, fkeys[i]), "finding %zu: %s", k,
					   fkeys[i]);
		}
		for (size_t i = 0; i < sizeof(floc) / sizeof(floc[0]); i++) {
			cr_assert_not_null(json_object_get(json_object_get(f, "location"), floc[i]),
					   "finding %zu: location.%s", k, floc[i]);
		}
	}
	json_decref(j);
}

Test(report_json, strings_are_escaped)
{
	json_t *j, *f;

	findings[0].path = "/app/we\"ird\\\n\x01name";
	j = render(LSC_SEV_HIGH, 0, NULL);
	f = json_array_get(json_object_get(j, "findings"), 0);
	cr_assert_str_eq(str(json_object_get(f, "location"), "path"), "/app/we\"ird\\\n\x01name");
	json_decref(j);
}

Test(report_json, invalid_utf8_stays_valid_json)
{
	json_t *j, *f;
	char *text;

	/* a Latin-1 file name and a secret with a stray byte, as an image may well carry them */
	findings[0].path = "/app/caf\xe9.env";
	findings[0].match = "ghp_0123456789abcdef\xffhijklmnopqrstuvWXYZ";
	j = render(LSC_SEV_HIGH, LSC_REPORT_SHOW_SECRETS, &text);
	f = json_array_get(json_object_get(j, "findings"), 0);
	cr_assert_str_eq(str(json_object_get(f, "location"), "path"), "/app/caf\\xe9.env");
	cr_assert_str_eq(str(f, "match"), "ghp_0123456789abcdef\\xffhijklmnopqrstuvWXYZ");
	/* the rest of the report is all there */
	cr_assert_eq(json_array_size(json_object_get(j, "findings")), 2);
	cr_assert_str_eq(str(j, "result"), "fail");
	free(text);
	json_decref(j);
}

/* --- rules ------------------------------------------------------------------------------- */

Test(report_json, rules_json_lists_every_rule)
{
	char *out = NULL;
	json_t *arr;
	json_error_t err;
	bool root_user = false;

	cr_assert_eq(lsc_rules_json(&out), 0);
	arr = json_loads(out, 0, &err);
	cr_assert_not_null(arr, "%s", err.text);
	cr_assert(json_is_array(arr));
	cr_assert_gt(lsc_rules_count(), 0);
	cr_assert_eq(json_array_size(arr), lsc_rules_count());
	for (size_t i = 0; i < lsc_rules_count(); i++) {
		const struct lsc_rule *r = lsc_rules_get(i);
		json_t *o = json_array_get(arr, i);
		enum lsc_severity sev;

		cr_assert_str_eq(str(o, "id"), r->id);
		cr_assert_str_eq(str(o, "category"), lsc_category_name(r->category));
		cr_assert_str_eq(str(o, "severity"), lsc_severity_name(r->severity));
		cr_assert_str_eq(str(o, "title"), r->title);
		cr_assert_str_eq(str(o, "description"), r->description);
		cr_assert_str_eq(str(o, "detector"), r->detector);
		cr_assert_eq(lsc_severity_parse(&sev, str(o, "severity")), 0);
		cr_assert_neq(sev, LSC_SEV_NEVER, "a rule's severity is a real one");
		cr_assert_str_neq(str(o, "category"), "?");
		if (strcmp(r->id, "root-user") == 0) {
			root_user = true;
			cr_assert_str_eq(str(o, "category"), "user");
			cr_assert_str_eq(str(o, "severity"), "high");
		}
		/* ids are unique */
		for (size_t k = 0; k < i; k++) {
			cr_assert_str_neq(lsc_rules_get(k)->id, r->id);
		}
	}
	cr_assert(root_user, "the user detector's root-user rule is listed");
	cr_assert_null(lsc_rules_get(lsc_rules_count()));
	json_decref(arr);
	free(out);
}

Test(report_json, a_secret_is_redacted_in_every_field_that_shows_it)
{
	json_t *j, *f0;
	char *text;

	/* the token of findings[0] also sits in a history line, a path, a detail and the user */
	layers[0].created_by = "RUN curl -H 'Authorization: token " SECRET "' https://x";
	findings[1].path = "/app/" SECRET ".txt";
	findings[1].detail = "USER " SECRET " is root";
	rep.user = SECRET;
	j = render(LSC_SEV_HIGH, 0, &text);
	cr_assert_null(strstr(text, SECRET), "printed in clear: %s", text);
	cr_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_object_get(j, "image"), "layers"), 0),
		"created_by")),
	    "RUN curl -H 'Authorization: token " REDACTED "' https://x");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "image"), "user")),
			 REDACTED);
	f0 = json_array_get(json_object_get(j, "findings"), 1);
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(f0, "location"), "path")),
	    "/app/" REDACTED ".txt");
	cr_assert_str_eq(json_string_value(json_object_get(f0, "detail")),
			 "USER " REDACTED " is root");
	free(text);
	json_decref(j);
	j = render(LSC_SEV_HIGH, LSC_REPORT_SHOW_SECRETS, &text);
	cr_assert_not_null(strstr(text, "token " SECRET "'"));
	cr_assert_not_null(strstr(text, "/app/" SECRET ".txt"));
	free(text);
	json_decref(j);
}

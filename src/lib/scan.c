#include "scan.h"
#include "baseline.h"
#include "util/error.h"
#include "finding.h"
#include "manifest.h"
#include "source.h"
#include "util/clock.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_ENTRIES 2000000ULL
#define DEFAULT_MAX_UNCOMPRESSED (64ULL << 30)
/*
 * Findings in one report, all layers and the image stage together, and the bytes of their text:
 * past either the most severe are kept and the rest counted (summary.truncated_findings). A
 * finding costs about 4 KB in the JSON writer's tree and 7 KB in SARIF's (measured), so 5,000 keep
 * what the report and its formats hold of findings near 20 MiB in JSON (README, "Limits").
 */
#define MAX_REPORT_FINDINGS 5000u
#define MAX_REPORT_TEXT (4u << 20)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void lsc_scan_log(struct lsc_scan *s, enum lsc_log_level level, const char *fmt, ...)
{
	char msg[LSC_ERRMSG_MAX];
	va_list ap;

	if (!s->opts.log) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->opts.log(level, msg, s->opts.payload);
}

int lsc_scan_new(struct lsc_scan **out, const struct lsc_scan_options *opts)
{
	struct lsc_scan *s = calloc(1, sizeof(*s));
	long cores;

	*out = NULL;
	if (!s) {
		return -ENOMEM;
	}
	s->opts = *opts;
	s->target_str = lsc_strdup(opts->target);
	s->platform_str = lsc_strdup(opts->platform);
	s->authfile_str = lsc_strdup(opts->authfile);
	s->base_str = lsc_strdup(opts->base);
	s->baseline_str = lsc_strdup(opts->baseline);
	s->opts.baseline = s->baseline_str;
	s->policy_str = lsc_strdup(opts->policy);
	s->opts.base = s->base_str;
	s->opts.policy = s->policy_str;
	s->opts.target = s->target_str;
	s->opts.platform = s->platform_str;
	s->opts.authfile = s->authfile_str;
	s->creds_for_str = lsc_strdup(opts->creds_for);
	s->opts.creds_for = s->creds_for_str;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	s->jobs = opts->jobs ? opts->jobs : (cores > 0 ? (unsigned)cores : 1);
	if (s->jobs > 64) {
		s->jobs = 64;
	}
	s->limits.max_entries = DEFAULT_MAX_ENTRIES;
	s->limits.max_uncompressed = DEFAULT_MAX_UNCOMPRESSED;
	s->limits.max_findings = LSC_LAYER_MAX_FINDINGS;
	s->limits.scan_found = &s->layer_found;
	s->limits.scan_text = &s->layer_text;
	s->limits.max_scan_found = LSC_SCAN_MAX_FINDINGS;
	s->limits.max_scan_text = LSC_SCAN_MAX_FINDING_TEXT;
	lsc_intake_init(&s->in);
	if ((opts->target && !s->target_str) || (opts->platform && !s->platform_str) ||
	    (opts->authfile && !s->authfile_str) || (opts->base && !s->base_str) ||
	    (opts->baseline && !s->baseline_str) || (opts->policy && !s->policy_str) ||
	    (opts->creds_for && !s->creds_for_str)) {
		lsc_scan_free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

static void report_dispose(struct lsc_report *r)
{
	free(r->input);
	free(r->transport);
	free(r->reference);
	free(r->manifest_digest);
	free(r->config_digest);
	free(r->platform);
	free(r->user);
	free(r->created);
	free(r->os.id);
	free(r->os.version_id);
	free(r->os.pretty_name);
	for (size_t i = 0; i < r->nlayers; i++) {
		free(r->layers[i].media_type);
		free(r->layers[i].created_by);
	}
	free(r->layers);
	for (size_t i = 0; i < r->nfindings; i++) {
		lsc_finding_dispose(&r->findings[i]);
	}
	free(r->findings);
	for (size_t i = 0; i < r->nignored; i++) {
		lsc_finding_dispose(&r->ignored[i].f);
		free(r->ignored[i].reason);
		free(r->ignored[i].expires);
	}
	free(r->ignored);
	memset(r, 0, sizeof(*r));
}

void lsc_scan_free(struct lsc_scan *s)
{
	if (!s) {
		return;
	}
	report_dispose(&s->report);
	lsc_config_dispose(&s->config);
	if (s->annotations) {
		json_decref(s->annotations);
	}
	if (s->index_annotations) {
		json_decref(s->index_annotations);
	}
	lsc_intake_dispose(&s->in); /* its layers before the detectors' shared states */
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (s->dshared[d] && lsc_detectors[d]->scan_free) {
			lsc_detectors[d]->scan_free(s->dshared[d]);
		}
	}
	lsc_stage_dispose(&s->stage);
	free(s->ovl);
	lsc_target_dispose(&s->target);
	free(s->target_str);
	free(s->platform_str);
	free(s->authfile_str);
	free(s->creds_for_str);
	free(s->base_str);
	free(s->baseline_str);
	lsc_baseline_free(s->baseline);
	free(s->policy_str);
	lsc_policy_free(s->policy);
	free(s);
}

const struct lsc_report *lsc_scan_report(const struct lsc_scan *s)
{
	return s->ok ? &s->report : NULL;
}

int lsc_scan_policy_fail_on(const struct lsc_scan *s, enum lsc_severity *out)
{
	if (!s->policy || !s->policy->have_fail_on) {
		return -LSC_E_NOT_FOUND;
	}
	*out = s->policy->fail_on;
	return 0;
}

const char *lsc_scan_errmsg(const struct lsc_scan *s)
{
	return s->errmsg;
}

/* --- assembly --------------------------------------------------------------------------------- */

static int verify_layers(struct lsc_scan *s)
{
	if (s->in.nlayers != s->config.ndiff_ids) {
		return lsc_error(LSC_E_FORMAT,
				 "config %s: the manifest lists %zu layers but the config has %zu "
				 "diff_ids",
				 s->report.config_digest ? s->report.config_digest : "(no digest)",
				 s->in.nlayers, s->config.ndiff_ids);
	}
	for (size_t i = 0; i < s->in.nlayers; i++) {
		const struct lsc_image_layer *il = &s->in.layers[i];
		const struct lsc_layer *l = il->layer;

		if (!l) {
			return lsc_error(LSC_E_NOT_FOUND, "layer %zu is missing", i);
		}
		if (l->err) {
			return lsc_error(l->err, "%s", l->errmsg);
		}
		if (il->expect_digest[0] && strcmp(il->expect_digest, l->digest) != 0) {
			return lsc_error(LSC_E_DIGEST_MISMATCH,
					 "layer %zu (%s): digest mismatch: expected %s, got %s", i,
					 l->name, il->expect_digest, l->digest);
		}
		if (il->expect_size >= 0 && (uint64_t)il->expect_size != l->size) {
			return lsc_error(
			    LSC_E_DIGEST_MISMATCH,
			    "layer %zu (%s): size mismatch: the manifest says %lld bytes, "
			    "the blob has %llu",
			    i, l->name, (long long)il->expect_size, (unsigned long long)l->size);
		}
		if (strcmp(s->config.diff_ids[i], l->diff_id) != 0) {
			return lsc_error(
			    LSC_E_DIFFID_MISMATCH,
			    "layer %zu (%s): diff_id mismatch: the config says %s, the "
			    "uncompressed layer is %s",
			    i, l->name, s->config.diff_ids[i], l->diff_id);
		}
	}
	return 0;
}

static void policy_warn(const char *msg, void *payload)
{
	lsc_scan_log(payload, LSC_LOG_WARN, "%s", msg);
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Orders findings (by index) so that repeats of one permissions finding sit together. */
static int cmp_repeat(const void *pa, const void *pb, void *payload)
{
	const struct lsc_finding *fs = payload;
	const struct lsc_finding *a = &fs[*(const size_t *)pa], *b = &fs[*(const size_t *)pb];
	int c = strcmp(a->rule->id, b->rule->id);

	if (c == 0) {
		c = cmp_str(a->path, b->path);
	}
	if (c == 0) {
		c = cmp_str(a->detail, b->detail);
	}
	if (c == 0) {
		c = (int)a->severity - (int)b->severity;
	}
	return c ? c : a->layer_index - b->layer_index;
}

/*
 * A permissions finding is about an entry's metadata. A directory that a later layer lists again
 * with the same mode (the layers that add files to it carry it along) makes the same finding
 * there; the earlier one, no longer what the final image has, says nothing more and is dropped,
 * so one world-writable directory is one finding. A finding whose mode a later layer changed
 * stays: it has no repeat.
 */
static int drop_repeats(struct lsc_report *r)
{
	size_t *idx, n = 0, kept = 0;
	bool *drop;

	idx = malloc((r->nfindings ? r->nfindings : 1) * sizeof(*idx));
	drop = calloc(r->nfindings ? r->nfindings : 1, sizeof(*drop));
	if (!idx || !drop) {
		free(idx);
		free(drop);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].rule->category == LSC_CAT_PERMISSIONS &&
		    r->findings[i].layer_index >= 0) {
			idx[n++] = i;
		}
	}
	qsort_r(idx, n, sizeof(*idx), cmp_repeat, r->findings);
	for (size_t k = 0; k + 1 < n; k++) {
		const struct lsc_finding *a = &r->findings[idx[k]], *b = &r->findings[idx[k + 1]];

		/* equal but for the layer, and b (a later layer) is the one the image shows */
		if (!a->in_final_image && strcmp(a->rule->id, b->rule->id) == 0 &&
		    cmp_str(a->path, b->path) == 0 && cmp_str(a->detail, b->detail) == 0 &&
		    a->severity == b->severity && b->layer_index > a->layer_index) {
			drop[idx[k]] = true;
		}
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		if (drop[i]) {
			lsc_finding_dispose(&r->findings[i]);
		} else {
			r->findings[kept++] = r->findings[i];
		}
	}
	r->nfindings = kept;
	free(idx);
	free(drop);
	return 0;
}

static void note_truncated(struct lsc_report *r, uint64_t n, enum lsc_severity sev)
{
	if (r->truncated_findings == 0 || sev > r->truncated_severity) {
		r->truncated_severity = sev;
	}
	r->truncated_findings += n;
}

static size_t finding_text(const struct lsc_finding *f)
{
	return (f->path ? strlen(f->path) + 1 : 0) + (f->match ? strlen(f->match) + 1 : 0) +
	       (f->detail ? strlen(f->detail) + 1 : 0);
}

struct ref {
	unsigned sev;
	size_t layer, k; /* layer == nlayers: s->stage.found[k] */
};

static int cmp_ref(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;

	if (a->sev != b->sev) {
		return a->sev > b->sev ? -1 : 1;
	}
	if (a->layer != b->layer) {
		return a->layer < b->layer ? -1 : 1;
	}
	return a->k < b->k ? -1 : a->k > b->k;
}

/*
 * Over MAX_REPORT_FINDINGS in all, keeps the most severe (then the lowest layers, the image
 * stage last): a dropped layer finding is marked by a NULL rule, a dropped image finding is
 * disposed and removed; both are counted. n log n in the findings.
 */
static int cap_image(struct lsc_scan *s, size_t total)
{
	struct lsc_report *r = &s->report;
	struct ref *refs;
	size_t n = 0, kept = 0, text = 0;
	uint64_t dropped = 0;

	for (size_t i = 0; i < s->in.nlayers; i++) {
		text += s->in.layers[i].layer->text;
	}
	for (size_t k = 0; k < s->stage.nfound; k++) {
		text += finding_text(&s->stage.found[k]);
	}
	if (total <= MAX_REPORT_FINDINGS && text <= MAX_REPORT_TEXT) {
		return 0;
	}
	text = 0;
	refs = malloc((total ? total : 1) * sizeof(*refs));
	if (!refs) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->in.nlayers; i++) {
		for (size_t k = 0; k < s->in.layers[i].layer->nfound; k++) {
			const struct lsc_found *f = &s->in.layers[i].layer->found[k];

			if (f->f.rule) { /* not a slot left empty by the layer's caps */
				refs[n++] = (struct ref){f->f.severity, i, k};
			}
		}
	}
	for (size_t k = 0; k < s->stage.nfound; k++) {
		refs[n++] = (struct ref){s->stage.found[k].severity, s->in.nlayers, k};
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t j = 0; j < n; j++) {
		const struct ref *x = &refs[j];
		const struct lsc_finding *f = x->layer < s->in.nlayers
						  ? &s->in.layers[x->layer].layer->found[x->k].f
						  : &s->stage.found[x->k];

		text += finding_text(f);
		if (j < MAX_REPORT_FINDINGS && text <= MAX_REPORT_TEXT) {
			continue; /* kept */
		}
		if (x->layer < s->in.nlayers) {
			struct lsc_found *lf = &s->in.layers[x->layer].layer->found[x->k];

			free(lf->f.match);
			free(lf->f.detail);
			lf->f.match = lf->f.detail = NULL;
			lf->f.rule = NULL;
			r->layers[x->layer].findings_truncated++;
		} else {
			lsc_finding_dispose(&s->stage.found[x->k]);
			s->stage.found[x->k].rule = NULL;
		}
		note_truncated(r, 1, (enum lsc_severity)x->sev);
		dropped++;
	}
	for (size_t k = 0; k < s->stage.nfound; k++) {
		if (s->stage.found[k].rule) {
			s->stage.found[kept++] = s->stage.found[k];
		}
	}
	s->stage.nfound = kept;
	free(refs);
	lsc_scan_log(
	    s, LSC_LOG_WARN,
	    "%llu findings truncated: more than %u in the image (or %u MiB of their text), "
	    "the most severe kept",
	    (unsigned long long)dropped, MAX_REPORT_FINDINGS, MAX_REPORT_TEXT >> 20);
	return 0;
}

static int fill_report(struct lsc_scan *s)
{
	struct lsc_report *r = &s->report;
	char plat[100];
	size_t total = s->stage.nfound;
	uint64_t truncated_before;
	int rc;

	r->layers = calloc(s->in.nlayers ? s->in.nlayers : 1, sizeof(*r->layers));
	if (!r->layers) {
		return -ENOMEM;
	}
	r->nlayers = s->in.nlayers;
	for (size_t i = 0; i < s->in.nlayers; i++) {
		struct lsc_layer_info *li = &r->layers[i];
		const struct lsc_layer *l = s->in.layers[i].layer;
		const char *mt = s->in.layers[i].media_type;

		li->index = (int)i;
		snprintf(li->digest, sizeof(li->digest), "%s", l->digest);
		snprintf(li->diff_id, sizeof(li->diff_id), "%s", l->diff_id);
		li->media_type = strdup(mt ? mt : LSC_MT_DOCKER_LAYER);
		li->size = (int64_t)l->size;
		li->bytes_uncompressed = l->bytes_uncompressed;
		li->files = l->files;
		li->created_by = lsc_strdup(lsc_config_layer_created_by(&s->config, i));
		r->files += l->files;
		r->bytes_uncompressed += l->bytes_uncompressed;
		total += l->nlive;
		if (l->truncated) {
			li->findings_truncated = l->truncated;
			note_truncated(r, l->truncated, l->truncated_severity);
			lsc_scan_log(
			    s, LSC_LOG_WARN,
			    "layer %zu (%s): %llu findings truncated: over the caps (%zu in "
			    "a layer, %u in all layers), the most severe kept",
			    i, l->name, (unsigned long long)l->truncated, l->max_found,
			    LSC_SCAN_MAX_FINDINGS);
		}
	}
	if (s->stage.truncated) {
		note_truncated(r, s->stage.truncated, s->stage.truncated_sev);
		lsc_scan_log(
		    s, LSC_LOG_WARN,
		    "%llu findings about the image truncated: more than %u, the first kept",
		    (unsigned long long)s->stage.truncated, LSC_STAGE_MAX_FINDINGS);
	}
	truncated_before = r->truncated_findings;
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (s->dshared[d] && lsc_detectors[d]->scan_stats) {
			lsc_detectors[d]->scan_stats(s->dshared[d], r);
		}
	}
	snprintf(plat, sizeof(plat), "%s/%s%s%s", s->config.os ? s->config.os : "unknown",
		 s->config.arch ? s->config.arch : "unknown", s->config.variant ? "/" : "",
		 s->config.variant ? s->config.variant : "");
	rc = lsc_intake_set_str(&r->platform, plat);
	if (rc == 0) {
		rc = lsc_intake_set_str(&r->user, s->config.user);
	}
	if (rc == 0) {
		rc = lsc_intake_set_str(&r->created, s->config.created);
	}
	if (rc == 0) {
		rc = lsc_intake_set_str(&r->input, s->opts.target);
	}
	if (rc < 0) {
		return rc;
	}
	rc = cap_image(s, total);
	if (rc < 0) {
		return rc;
	}
	total -= r->truncated_findings - truncated_before;
	r->findings = calloc(total ? total : 1, sizeof(*r->findings));
	if (!r->findings) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->in.nlayers; i++) {
		struct lsc_layer *l = s->in.layers[i].layer;

		for (size_t k = 0; k < l->nfound; k++) {
			struct lsc_finding *f = &r->findings[r->nfindings];

			if (!l->found[k].f.rule) {
				continue; /* over the image's cap (cap_image) */
			}
			/* moved: the report owns match and detail from here; the path is the
			 * layer's */
			*f = l->found[k].f;
			l->found[k].f.match = l->found[k].f.detail = NULL;
			f->path = lsc_strdup(l->found[k].f.path);
			if (l->found[k].f.path && !f->path) {
				lsc_finding_dispose(f);
				return -ENOMEM;
			}
			r->nfindings++;
			f->layer_index = (int)i;
			f->layer_digest = r->layers[i].digest;
			f->layer_diff_id = r->layers[i].diff_id;
			f->in_final_image =
			    l->found[k].dir
				? lsc_overlay_visible_dir(s->ovl, s->in.nlayers, i, f->path)
				: lsc_overlay_visible(s->ovl, s->in.nlayers, i, f->path,
						      l->found[k].seq);
			lsc_finding_fingerprint(f);
		}
	}
	rc = drop_repeats(r);
	if (rc < 0) {
		return rc;
	}
	for (size_t i = 0; i < s->stage.nfound; i++) {
		struct lsc_finding *f = &r->findings[r->nfindings++];

		*f = s->stage.found[i];
		if (f->layer_index >= 0) { /* a file of the final image (lsc_stage_emit_final) */
			f->layer_digest = r->layers[f->layer_index].digest;
			f->layer_diff_id = r->layers[f->layer_index].diff_id;
			lsc_finding_fingerprint(f);
		}
	}
	s->stage.nfound = 0; /* moved into the report */
	if (s->policy) {
		time_t now;

		rc = lsc_now(&now);
		if (rc == 0) {
			rc = lsc_policy_apply(s->policy, r, now, policy_warn, s);
		}
		if (rc < 0) {
			return rc;
		}
	}
	qsort(r->findings, r->nfindings, sizeof(*r->findings), lsc_finding_cmp);
	for (size_t i = 0; i < r->nfindings; i++) {
		r->findings[i].known = lsc_baseline_has(s->baseline, r->findings[i].fingerprint);
		r->summary[r->findings[i].severity]++;
		r->known += r->findings[i].known;
	}
	r->have_baseline = s->baseline != NULL;
	return 0;
}

static int assemble(struct lsc_scan *s)
{
	int rc;

	if (!s->have_config) {
		return lsc_error(LSC_E_FORMAT, "the image has no config");
	}
	rc = verify_layers(s);
	if (rc < 0) {
		return rc;
	}
	s->ovl = calloc(s->in.nlayers ? s->in.nlayers : 1, sizeof(*s->ovl));
	if (!s->ovl) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->in.nlayers; i++) {
		s->ovl[i] = &s->in.layers[i].layer->ov;
	}
	s->stage.config = &s->config;
	s->stage.annotations = s->annotations;
	s->stage.index_annotations = s->index_annotations;
	s->stage.layers = s->in.layers;
	s->stage.nlayers = s->in.nlayers;
	s->stage.ovl = s->ovl;
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (lsc_detectors[d]->image) {
			rc = lsc_detectors[d]->image(&s->stage, s->dshared[d]);
			if (rc < 0) {
				return rc;
			}
		}
	}
	return fill_report(s);
}

/*
 * Hands the source the intake, with what it may read of the scan, and takes over what the
 * detectors read (the config, the annotations) and the image's identity for the report.
 */
static int read_source(struct lsc_scan *s, const struct lsc_source_ops *src)
{
	struct lsc_intake *in = &s->in;
	struct lsc_report *r = &s->report;
	int rc;

	in->target = &s->target;
	in->platform = &s->platform;
	in->platform_opt = s->opts.platform;
	in->authfile = s->opts.authfile;
	in->insecure = s->opts.insecure;
	in->jobs = s->jobs;
	in->limits = &s->limits;
	in->dshared = s->dshared;
	in->log = s->opts.log;
	in->progress = s->opts.progress;
	in->payload = s->opts.payload;
	rc = src->read(in);
	s->config = in->config;
	memset(&in->config, 0, sizeof(in->config));
	s->have_config = in->have_config;
	s->annotations = in->annotations;
	s->index_annotations = in->index_annotations;
	in->annotations = in->index_annotations = NULL;
	free(r->transport);
	free(r->reference);
	free(r->manifest_digest);
	free(r->config_digest);
	r->transport = in->transport;
	r->reference = in->reference;
	r->manifest_digest = in->manifest_digest;
	r->config_digest = in->config_digest;
	in->transport = in->reference = in->manifest_digest = in->config_digest = NULL;
	return rc;
}

int lsc_scan_run(struct lsc_scan *s)
{
	const struct lsc_source_ops *src;
	uint64_t start = now_ms();
	int rc;

	if (s->ran) {
		return lsc_error(LSC_E_USAGE, "a scan runs once");
	}
	s->ran = true;
	lsc_error_clear();
	rc = lsc_platform_parse(&s->platform, s->opts.platform);
	if (rc == 0 && s->opts.policy) {
		rc = lsc_policy_load(&s->policy, s->opts.policy);
	}
	if (rc == 0 && s->opts.baseline) {
		rc = lsc_baseline_load(&s->baseline, s->opts.baseline);
	}
	if (rc == 0) {
		rc = lsc_target_parse(&s->target, s->opts.target);
	}
	if (rc == 0) {
		rc = lsc_detect_order(lsc_detectors);
	}
	s->stage.opts = &s->opts;
	s->stage.policy = s->policy;
	s->stage.target = &s->target;
	s->stage.report = &s->report;
	s->stage.os = &s->report.os;
	s->stage.log = s->opts.log;
	s->stage.payload = s->opts.payload;
	for (size_t d = 0; rc == 0 && lsc_detectors[d]; d++) {
		if (lsc_detectors[d]->scan_new) {
			rc = lsc_detectors[d]->scan_new(&s->dshared[d], &s->stage);
		}
	}
	if (rc == 0) {
		src = lsc_source_for(s->target.transport);
		rc = src ? read_source(s, src)
			 : lsc_error(LSC_E_UNSUPPORTED, "%s: no source for this transport",
				     s->opts.target);
	}
	if (rc == 0) {
		rc = assemble(s);
	}
	if (rc < 0) {
		const char *msg = lsc_error_last();

		snprintf(s->errmsg, sizeof(s->errmsg), "%s", msg[0] ? msg : lsc_strerror(rc));
		return rc;
	}
	s->report.duration_ms = now_ms() - start;
	s->ok = true;
	return 0;
}

/*
 * The `stale-base` detector, once every layer is verified:
 *
 *  - the base image: named by --base, else the manifest's (or its index's) annotations
 *    org.opencontainers.image.base.name / .digest, else the same keys as config labels; with no
 *    base known, an info finding. A base name that is a near miss of a popular official image is
 *    a typosquat (typosquat.h).
 *  - freshness: the base reference resolved now, in its registry, for the image's platform. The
 *    base is current when the recorded base digest is the current index or platform manifest
 *    digest, or when the current base's diff_ids are a prefix of the image's; otherwise stale,
 *    with both build dates and the lag in days. Annotations are hints: a recorded digest whose
 *    layers are not the image's first layers is reported as a mismatch.
 *  - the distribution's end of life (eol.h), from image.os and os-release's SUPPORT_END;
 *  - the image's age, from config.created, against the policy's max-image-age-days, else
 *    LSC_MAX_AGE_DAYS;
 *  - with a policy's allowed-base-registries, a base from any other registry.
 *
 * The clock is lsc_now(): LAYERSCAN_NOW when set, for reproducible reports.
 */
#include "lib/registry/credentials.h"
#include "lib/detect.h"
#include "eol.h"
#include "util/error.h"
#include "lib/config.h"
#include "lib/manifest.h"
#include "lib/platform.h"
#include "osrelease.h"
#include "lib/policy.h"
#include "lib/registry/reference.h"
#include "lib/registry/registry.h"
#include "lib/target.h"
#include "typosquat.h"
#include "util/clock.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LSC_MAX_AGE_DAYS 90
#define ANN_BASE_NAME "org.opencontainers.image.base.name"
#define ANN_BASE_DIGEST "org.opencontainers.image.base.digest"

enum {
	R_OUTDATED,
	R_FRESHNESS_UNKNOWN,
	R_NO_BASE,
	R_ANNOTATION_MISMATCH,
	R_TYPOSQUAT,
	R_DISTRO_EOL,
	R_DISTRO_EXTENDED,
	R_DISTRO_EOL_SOON,
	R_DISTRO_UNKNOWN,
	R_TOO_OLD,
	R_AGE_UNKNOWN,
	R_REGISTRY_NOT_ALLOWED,
	R_LATEST_TAG,
	NRULES
};

static const struct lsc_rule rules[NRULES] = {
    [R_OUTDATED] =
	{"base-outdated", LSC_CAT_STALE_BASE, LSC_SEV_HIGH, "Base image has moved on",
	 "The base image's tag now points at other layers than the ones this image was "
	 "built on: the security fixes of the rebuilt base are not in this image until it "
	 "is rebuilt.",
	 "stale-base"},
    [R_FRESHNESS_UNKNOWN] = {"base-freshness-unknown", LSC_CAT_STALE_BASE, LSC_SEV_INFO,
			     "Base image freshness unknown",
			     "The base image is known but could not be compared with its registry "
			     "(offline, unreachable, not found, or a reference without a tag).",
			     "stale-base"},
    [R_NO_BASE] = {"base-unknown", LSC_CAT_STALE_BASE, LSC_SEV_INFO, "Base image unknown",
		   "Neither --base nor the org.opencontainers.image.base.name annotation or "
		   "label names the base image, so its freshness cannot be checked.",
		   "stale-base"},
    [R_ANNOTATION_MISMATCH] = {"base-annotation-mismatch", LSC_CAT_STALE_BASE, LSC_SEV_LOW,
			       "Base annotations do not match the layers",
			       "The recorded base digest names an image whose layers are not this "
			       "image's first layers: the base annotations or labels are wrong "
			       "(often inherited from a parent image).",
			       "stale-base"},
    [R_TYPOSQUAT] =
	{"base-typosquat", LSC_CAT_STALE_BASE, LSC_SEV_HIGH,
	 "Base image name is a near miss of a popular image",
	 "The base repository's name is one or two letters away from a popular official "
	 "image (pyhton, ubunut): typosquatted images are how poisoned bases spread.",
	 "stale-base"},
    [R_DISTRO_EOL] = {"distro-eol", LSC_CAT_STALE_BASE, LSC_SEV_HIGH, "Distribution is end-of-life",
		      "The distribution release no longer gets security updates, free or paid.",
		      "stale-base"},
    [R_DISTRO_EXTENDED] = {"distro-extended-support-only", LSC_CAT_STALE_BASE, LSC_SEV_MEDIUM,
			   "Distribution only has extended support left",
			   "Free security support for the release is over; only extended or "
			   "paid support (Ubuntu ESM, RHEL ELS, SLES LTSS, Debian ELTS) remains.",
			   "stale-base"},
    [R_DISTRO_EOL_SOON] = {"distro-eol-soon", LSC_CAT_STALE_BASE, LSC_SEV_LOW,
			   "Distribution support ends within 90 days",
			   "Free security support for the release ends within 90 days.",
			   "stale-base"},
    [R_DISTRO_UNKNOWN] = {"distro-eol-unknown", LSC_CAT_STALE_BASE, LSC_SEV_INFO,
			  "Distribution support status unknown",
			  "The distribution or its release is not in the built-in release table "
			  "(or the image has none), so its end of life is not known.",
			  "stale-base"},
    [R_TOO_OLD] = {"image-too-old", LSC_CAT_STALE_BASE, LSC_SEV_MEDIUM, "Image is old",
		   "The image was built more than 90 days ago: whatever its base, it misses every "
		   "security fix published since.",
		   "stale-base"},
    [R_AGE_UNKNOWN] = {"image-age-unknown", LSC_CAT_STALE_BASE, LSC_SEV_INFO, "Image age unknown",
		       "The image config has no usable created date (missing, zero or "
		       "malformed), so its age is not known.",
		       "stale-base"},
    [R_REGISTRY_NOT_ALLOWED] = {"base-registry-not-allowed", LSC_CAT_STALE_BASE, LSC_SEV_HIGH,
				"Base image from a registry the policy does not allow",
				"The base image comes from a registry that is not in the policy's "
				"allowed-base-registries: an unexpected source for the base is how "
				"dependency confusion and poisoned bases get in.",
				"stale-base"},
    [R_LATEST_TAG] = {"base-latest-tag", LSC_CAT_CONFIG, LSC_SEV_LOW,
		      "Base image named by the latest tag",
		      "The image records its base as \"latest\" (or with no tag, which means "
		      "latest): a rebuild takes whatever the tag points at that day, another "
		      "major version included. Name a version tag, or pin a digest.",
		      "stale-base"},
};

static const char *const capture[] = {"/etc/os-release", "/usr/lib/os-release", NULL};

static void ymd(char out[11], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* --- age ------------------------------------------------------------------------------------ */

static int check_age(struct lsc_stage *s, time_t now)
{
	const char *created = s->config->created;
	time_t t;
	char day[11];
	long max_days = s->policy && s->policy->max_image_age_days ? s->policy->max_image_age_days
								   : LSC_MAX_AGE_DAYS;

	/* a zero date: 1970-01-01 (reproducible builds' SOURCE_DATE_EPOCH=0) or Go's 0001-01-01 */
	if (!created || !*created || lsc_time_parse(&t, created) < 0 || t <= 86400) {
		return lsc_stage_emit(s, &rules[R_AGE_UNKNOWN], LSC_SEV_INFO, LSC_LOC_IMAGE, NULL,
				      NULL, "created is %s%.40s%s", created && *created ? "\"" : "",
				      created && *created ? created : "missing",
				      created && *created ? "\"" : "");
	}
	if (now - t > (time_t)max_days * 86400) {
		ymd(day, t);
		return lsc_stage_emit(s, &rules[R_TOO_OLD], LSC_SEV_MEDIUM, LSC_LOC_IMAGE, NULL,
				      NULL, "built %s, %lld days ago (more than %ld)", day,
				      (long long)((now - t) / 86400), max_days);
	}
	return 0;
}

/* --- end of life ------------------------------------------------------------------------------ */

static int check_eol(struct lsc_stage *s, time_t now)
{
	const struct lsc_os_info *os = &s->report->os;
	struct lsc_eol_verdict v;
	char *support_end = NULL;
	const uint8_t *p;
	size_t n;
	bool truncated;
	int rc;

	if (lsc_stage_final_file(&p, &n, &truncated, s, "/etc/os-release") == 0 ||
	    lsc_stage_final_file(&p, &n, &truncated, s, "/usr/lib/os-release") == 0) {
		support_end = lsc_osrelease_get((const char *)p, n, "SUPPORT_END");
	}
	rc = lsc_eol_check(&v, os, support_end, now);
	free(support_end);
	if (rc < 0) {
		return rc;
	}
	switch (v.status) {
	case LSC_EOL_ENDED:
		return lsc_stage_emit(s, &rules[R_DISTRO_EOL], LSC_SEV_HIGH, LSC_LOC_IMAGE, NULL,
				      NULL, "%s: security support ended %s%s%s (%s)", v.product,
				      v.extended_end[0] ? v.extended_end : v.support_end,
				      v.extended_end[0] ? ", free support " : "",
				      v.extended_end[0] ? v.support_end : "", v.source);
	case LSC_EOL_EXTENDED_ONLY:
		return lsc_stage_emit(
		    s, &rules[R_DISTRO_EXTENDED], LSC_SEV_MEDIUM, LSC_LOC_IMAGE, NULL, NULL,
		    "%s: free security support ended %s; extended "
		    "support until %s (%s)",
		    v.product, v.support_end, v.extended_end[0] ? v.extended_end : "?", v.source);
	case LSC_EOL_ENDING_SOON:
		return lsc_stage_emit(s, &rules[R_DISTRO_EOL_SOON], LSC_SEV_LOW, LSC_LOC_IMAGE,
				      NULL, NULL,
				      "%s: free security support ends %s, in %ld days (%s)",
				      v.product, v.support_end, v.days, v.source);
	case LSC_EOL_UNKNOWN:
		return lsc_stage_emit(
		    s, &rules[R_DISTRO_UNKNOWN], LSC_SEV_INFO, LSC_LOC_IMAGE, NULL, NULL,
		    "%s%s%s: not in the release table", os->id ? os->id : "no distribution found",
		    os->version_id ? " " : "", os->version_id ? os->version_id : "");
	default:
		return 0;
	}
}

/* --- the base ------------------------------------------------------------------------------- */

struct base {
	const char *name;   /* as given */
	const char *digest; /* recorded digest, or NULL */
	const char *source; /* "--base", "manifest annotations", ... */
};

static const char *ann(json_t *obj, const char *key)
{
	const char *v = obj ? json_string_value(json_object_get(obj, key)) : NULL;

	return v && *v ? v : NULL;
}

static bool find_base(struct base *b, struct lsc_stage *s)
{
	json_t *labels =
	    s->config->container ? json_object_get(s->config->container, "Labels") : NULL;
	struct {
		json_t *obj;
		const char *what;
	} where[] = {
	    {s->annotations, "manifest annotations"},
	    {s->index_annotations, "index annotations"},
	    {json_is_object(labels) ? labels : NULL, "config labels"},
	};

	memset(b, 0, sizeof(*b));
	if (s->opts->base && *s->opts->base) {
		b->name = s->opts->base;
		b->source = "--base";
		return true;
	}
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if (ann(where[i].obj, ANN_BASE_NAME)) {
			b->name = ann(where[i].obj, ANN_BASE_NAME);
			b->digest = ann(where[i].obj, ANN_BASE_DIGEST);
			b->source = where[i].what;
			return true;
		}
	}
	return false;
}

/* The current base, resolved in its registry for the image's platform. */
struct current {
	char top[LSC_DIGEST_MAX];      /* what the tag points at: an index or a manifest */
	char platform[LSC_DIGEST_MAX]; /* the platform's image manifest */
	struct lsc_config config;
	bool have_config;
};

/* Child manifests of the base's index, by digest. */
static int get_manifest(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	char got[LSC_DIGEST_MAX];

	(void)max; /* out's bound */
	return lsc_registry_manifest(payload, digest, out, got);
}

/*
 * Image manifest and config of ref_or_digest, its index resolved for platform p by the same
 * rules as the scan's sources (lsc_manifest_resolve(): nested indexes followed).
 */
static int resolve(struct lsc_registry *reg, const char *ref, const struct lsc_platform *p,
		   char top[LSC_DIGEST_MAX], char platform[LSC_DIGEST_MAX], struct lsc_config *cfg)
{
	struct lsc_blob_getter g = {get_manifest, reg};
	struct lsc_manifest_choice c;
	struct lsc_buf buf;
	int rc;

	lsc_buf_init(&buf, LSC_MAX_MANIFEST);
	rc = lsc_registry_manifest(reg, ref, &buf, top);
	if (rc == 0) {
		rc = lsc_manifest_resolve(&c, buf.data, buf.len, ref, p, NULL, &g);
	}
	lsc_buf_dispose(&buf);
	if (rc < 0) {
		return rc;
	}
	snprintf(platform, LSC_DIGEST_MAX, "%s", c.digest[0] ? c.digest : top);
	lsc_buf_init(&buf, LSC_MAX_CONFIG);
	rc = lsc_registry_blob(reg, c.manifest.config.digest, &buf);
	lsc_manifest_choice_dispose(&c);
	if (rc == 0) {
		rc = lsc_config_parse(cfg, buf.data, buf.len, ref);
	}
	lsc_buf_dispose(&buf);
	return rc;
}

static bool diff_ids_prefix(const struct lsc_config *base, const struct lsc_config *img)
{
	if (base->ndiff_ids == 0 || base->ndiff_ids > img->ndiff_ids) {
		return false;
	}
	for (size_t i = 0; i < base->ndiff_ids; i++) {
		if (strcmp(base->diff_ids[i], img->diff_ids[i]) != 0) {
			return false;
		}
	}
	return true;
}

/* The day a config was created, "unknown" when it does not say. */
static void created_day(char out[11], const char *created, time_t *t)
{
	*t = 0;
	if (created && lsc_time_parse(t, created) == 0 && *t > 86400) {
		ymd(out, *t);
	} else {
		snprintf(out, 11, "unknown");
		*t = 0;
	}
}

static int freshness_unknown(struct lsc_stage *s, const struct base *b, const char *why)
{
	return lsc_stage_emit(s, &rules[R_FRESHNESS_UNKNOWN], LSC_SEV_INFO, LSC_LOC_IMAGE, NULL,
			      NULL, "base %.300s (from %s): %.500s", b->name, b->source, why);
}

/* Docker Hub's other spellings, as reference.c normalises them. */
static bool same_registry(const char *allowed, const char *reg)
{
	static const char *const hub[] = {"docker.io", "index.docker.io", "registry-1.docker.io",
					  NULL};
	bool a = false, r = false;

	if (strcasecmp(allowed, reg) == 0) {
		return true;
	}
	for (size_t i = 0; hub[i]; i++) {
		a = a || strcasecmp(allowed, hub[i]) == 0;
		r = r || strcasecmp(reg, hub[i]) == 0;
	}
	return a && r;
}

/* Whether the policy lets the base come from ref's registry (true without such a list). */
static bool registry_allowed(const struct lsc_stage *s, const struct lsc_reference *ref)
{
	const struct lsc_policy *p = s->policy;

	if (!p || !p->have_registries) {
		return true;
	}
	for (size_t i = 0; i < p->nregistries; i++) {
		if (same_registry(p->registries[i], ref->registry)) {
			return true;
		}
	}
	return false;
}

static int check_registry(struct lsc_stage *s, const struct base *b,
			  const struct lsc_reference *ref)
{
	if (registry_allowed(s, ref)) {
		return 0;
	}
	return lsc_stage_emit(s, &rules[R_REGISTRY_NOT_ALLOWED], LSC_SEV_HIGH, LSC_LOC_IMAGE, NULL,
			      NULL,
			      "base %.300s (from %s) is from %.200s, not in the policy's "
			      "allowed-base-registries",
			      b->name, b->source, ref->registry);
}

/*
 * The image names its base by the mutable latest tag (written, or implied by no tag), not pinned
 * by a digest in the name. A --base on the command line is the user's choice of what to compare
 * with, not something the image says.
 */
static int check_latest(struct lsc_stage *s, const struct base *b, const struct lsc_reference *ref)
{
	const char *name_end = strrchr(b->name, '/');
	bool implied;

	if (strcmp(b->source, "--base") == 0 || !ref->tag || ref->digest ||
	    strcmp(ref->tag, "latest") != 0) {
		return 0;
	}
	implied = !strchr(name_end ? name_end : b->name, ':');
	return lsc_stage_emit(s, &rules[R_LATEST_TAG], rules[R_LATEST_TAG].severity,
			      strcmp(b->source, "config labels") == 0 ? LSC_LOC_CONFIG_LABELS
								      : LSC_LOC_ANNOTATIONS,
			      NULL, NULL, "base %.300s (from %s)%s", b->name, b->source,
			      implied ? ": no tag, which means latest" : "");
}

/*
 * The registry of the scanned image into out when the target is a registry reference (the only
 * registry the environment's credentials are for by default); out is "" otherwise.
 */
static const char *scanned_registry(char *out, size_t n, const struct lsc_stage *s)
{
	struct lsc_reference ref;

	out[0] = 0;
	if (s->target->transport != LSC_TRANSPORT_REGISTRY || !s->target->ref) {
		return out;
	}
	if (lsc_reference_parse(&ref, s->target->ref) < 0) {
		lsc_error_clear();
		return out;
	}
	snprintf(out, n, "%s", ref.registry);
	lsc_reference_dispose(&ref);
	return out;
}

static int check_base(struct lsc_stage *s)
{
	struct base b;
	struct lsc_reference ref;
	struct lsc_registry *reg = NULL;
	struct lsc_registry_options o = {.authfile = s->opts->authfile,
					 .insecure = s->opts->insecure};
	struct lsc_platform plat;
	struct current cur = {0};
	struct lsc_config old = {0};
	bool have_old = false;
	const char *recorded;
	const char *near;
	char pstr[100], cur_day[11], old_day[11], old_top[LSC_DIGEST_MAX], old_plat[LSC_DIGEST_MAX];
	char scanned[LSC_REFERENCE_NAME_MAX + 1];
	time_t cur_t, old_t;
	int rc;

	if (!find_base(&b, s)) {
		return lsc_stage_emit(s, &rules[R_NO_BASE], LSC_SEV_INFO, LSC_LOC_IMAGE, NULL, NULL,
				      "no --base, and no %s annotation or label", ANN_BASE_NAME);
	}
	if (lsc_reference_parse(&ref, b.name) < 0) {
		char why[600];

		snprintf(why, sizeof(why), "not a valid reference: %s", lsc_error_last());
		lsc_error_clear();
		return freshness_unknown(s, &b, why);
	}
	if (lsc_typosquat_check(ref.repository, &near)) {
		rc = lsc_stage_emit(
		    s, &rules[R_TYPOSQUAT], LSC_SEV_HIGH, LSC_LOC_IMAGE, NULL, NULL,
		    "base %.300s (from %s): \"%.100s\" is one or two letters away from "
		    "the official image \"%s\"",
		    b.name, b.source,
		    strrchr(ref.repository, '/') ? strrchr(ref.repository, '/') + 1
						 : ref.repository,
		    near);
		if (rc < 0) {
			lsc_reference_dispose(&ref);
			return rc;
		}
	}
	rc = check_latest(s, &b, &ref);
	if (rc == 0) {
		rc = check_registry(s, &b, &ref);
	}
	if (rc < 0) {
		lsc_reference_dispose(&ref);
		return rc;
	}
	/* a digest inside the name is the recorded digest; the tag is what moves */
	recorded = b.digest ? b.digest : ref.digest;
	if (s->opts->offline) {
		rc = freshness_unknown(s, &b, "not compared with the registry (--offline)");
		lsc_reference_dispose(&ref);
		return rc;
	}
	if (!ref.tag) {
		rc = freshness_unknown(s, &b,
				       "the reference has a digest and no tag: there is no "
				       "\"current\" to compare with");
		lsc_reference_dispose(&ref);
		return rc;
	}
	if (!registry_allowed(s, &ref)) {
		/* the image chose that registry: never contacted, not even anonymously */
		lsc_stage_log(s, LSC_LOG_INFO,
			      "base image: not asking registry %s for %s:%s: not in "
			      "the policy's allowed-base-registries",
			      ref.registry, ref.repository, ref.tag);
		rc = freshness_unknown(s, &b,
				       "not compared with its registry: not in the policy's "
				       "allowed-base-registries");
		lsc_reference_dispose(&ref);
		return rc;
	}
	o.env_credentials = lsc_credentials_env_applies(
	    ref.registry, scanned_registry(scanned, sizeof(scanned), s), s->opts->creds_for);
	lsc_stage_log(s, LSC_LOG_INFO, "base image: asking registry %s for %s:%s (%s)",
		      ref.registry, ref.repository, ref.tag,
		      o.env_credentials
			  ? "LAYERSCAN_USERNAME/PASSWORD allowed for it"
			  : "only its own auth file entry or credential helper, if any");
	snprintf(pstr, sizeof(pstr), "%s/%s%s%s", s->config->os ? s->config->os : "linux",
		 s->config->arch ? s->config->arch : "amd64", s->config->variant ? "/" : "",
		 s->config->variant ? s->config->variant : "");
	rc = lsc_platform_parse(&plat, pstr);
	if (rc == 0) {
		rc = lsc_registry_new(&reg, &ref, &o); /* the client names refs itself */
	}
	if (rc == 0) {
		rc = resolve(reg, ref.tag, &plat, cur.top, cur.platform, &cur.config);
		cur.have_config = rc == 0;
	}
	if (rc < 0) {
		char why[LSC_ERRMSG_MAX];

		snprintf(why, sizeof(why), "%s",
			 lsc_error_last()[0] ? lsc_error_last() : lsc_strerror(rc));
		lsc_error_clear();
		rc = freshness_unknown(s, &b, why);
		goto out;
	}
	/* the recorded base, when it is still in the registry: its layers and date */
	if (recorded && strcmp(recorded, cur.top) != 0 && strcmp(recorded, cur.platform) != 0) {
		int orc = resolve(reg, recorded, &plat, old_top, old_plat, &old);

		have_old = orc == 0;
		lsc_error_clear();
		if (orc == -LSC_E_NOT_FOUND) {
			rc = lsc_stage_emit(s, &rules[R_ANNOTATION_MISMATCH], LSC_SEV_LOW,
					    LSC_LOC_IMAGE, NULL, NULL,
					    "base %.300s@%.80s (from %s): the recorded digest "
					    "is not in %s (a wrong annotation, or deleted since)",
					    b.name, recorded, b.source, ref.repository);
			if (rc < 0) {
				goto out;
			}
		}
		if (have_old && !diff_ids_prefix(&old, s->config)) {
			rc = lsc_stage_emit(s, &rules[R_ANNOTATION_MISMATCH], LSC_SEV_LOW,
					    LSC_LOC_IMAGE, NULL, NULL,
					    "base %.300s@%.80s (from %s): its %zu layers "
					    "are not this image's first layers",
					    b.name, recorded, b.source, old.ndiff_ids);
			if (rc < 0) {
				goto out;
			}
		}
	}
	if ((recorded && (strcmp(recorded, cur.top) == 0 || strcmp(recorded, cur.platform) == 0)) ||
	    diff_ids_prefix(&cur.config, s->config)) {
		rc = 0; /* current */
		goto out;
	}
	created_day(cur_day, cur.config.created, &cur_t);
	if (have_old) {
		created_day(old_day, old.created, &old_t);
	} else {
		/* without the recorded base: the image's own build is the latest its base can be */
		created_day(old_day, s->config->created, &old_t);
	}
	if (cur_t && old_t && cur_t > old_t) {
		rc = lsc_stage_emit(s, &rules[R_OUTDATED], LSC_SEV_HIGH, LSC_LOC_IMAGE, NULL, NULL,
				    "base %.300s (from %s) is now %s, built %s; this image's base "
				    "was built %s%s, %lld days behind",
				    b.name, b.source, cur.top, cur_day, old_day,
				    have_old ? "" : " or earlier",
				    (long long)((cur_t - old_t) / 86400));
	} else {
		rc = lsc_stage_emit(s, &rules[R_OUTDATED], LSC_SEV_HIGH, LSC_LOC_IMAGE, NULL, NULL,
				    "base %.300s (from %s) is now %s, built %s; this image's base "
				    "layers are not its layers (image base built %s)",
				    b.name, b.source, cur.top, cur_day, old_day);
	}
out:
	if (cur.have_config) {
		lsc_config_dispose(&cur.config);
	}
	if (have_old) {
		lsc_config_dispose(&old);
	}
	lsc_registry_free(reg);
	lsc_reference_dispose(&ref);
	return rc;
}

static int stale_image(struct lsc_stage *s, void *shared)
{
	time_t now;
	int rc = lsc_now(&now);

	(void)shared;
	if (rc == 0) {
		rc = check_age(s, now);
	}
	if (rc == 0) {
		rc = check_eol(s, now);
	}
	if (rc == 0) {
		rc = check_base(s);
	}
	return rc;
}

/* check_eol() reads report.os, which detect_os's image() fills */
static const char *const needs[] = {"os", NULL};

const struct lsc_detector_ops lsc_detect_stale = {
    .name = "stale-base",
    .rules = rules,
    .nrules = NRULES,
    .capture = capture,
    .needs = needs,
    .image = stale_image,
};

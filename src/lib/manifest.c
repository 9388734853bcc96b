#include "manifest.h"
#include "util/error.h"
#include "json.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDEX_ENTRIES 4096u

void lsc_descriptor_dispose(struct lsc_descriptor *d)
{
	free(d->media_type);
	free(d->platform_os);
	free(d->platform_arch);
	free(d->platform_variant);
	free(d->ref_name);
	memset(d, 0, sizeof(*d));
}

static int parse_descriptor(struct lsc_descriptor *d, json_t *j, const char *name, const char *what)
{
	const char *mt, *dg;
	json_t *size, *plat, *ann;
	int rc;

	memset(d, 0, sizeof(*d));
	d->size = -1;
	if (!json_is_object(j)) {
		return lsc_error(LSC_E_FORMAT, "%s: %s is not an object", name, what);
	}
	rc = lsc_json_get_str(&mt, j, "mediaType", true, name);
	if (rc < 0) {
		return rc;
	}
	rc = lsc_json_get_str(&dg, j, "digest", false, name);
	if (rc < 0) {
		return lsc_error_wrap(rc, "%s: ", what);
	}
	rc = lsc_digest_check(dg);
	if (rc == -LSC_E_UNSUPPORTED) {
		return lsc_error(rc, "%s: %s: digest algorithm of %s not supported", name, what,
				 dg);
	}
	if (rc < 0) {
		return lsc_error(rc, "%s: %s: malformed digest \"%.80s\"", name, what, dg);
	}
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	size = json_object_get(j, "size");
	if (size) {
		if (!json_is_integer(size) || json_integer_value(size) < 0) {
			return lsc_error(LSC_E_FORMAT,
					 "%s: %s: size must be a non-negative integer", name, what);
		}
		d->size = json_integer_value(size);
	}
	plat = json_object_get(j, "platform");
	if (json_is_object(plat)) {
		d->platform_os = lsc_strdup(lsc_json_str(plat, "os"));
		d->platform_arch = lsc_strdup(lsc_json_str(plat, "architecture"));
		d->platform_variant = lsc_strdup(lsc_json_str(plat, "variant"));
	}
	ann = json_object_get(j, "annotations");
	if (json_is_object(ann)) {
		const char *t = lsc_json_str(ann, "vnd.docker.reference.type");

		d->ref_name = lsc_strdup(lsc_json_str(ann, "org.opencontainers.image.ref.name"));
		d->attestation = t && strcmp(t, "attestation-manifest") == 0;
	}
	if (d->platform_os && strcmp(d->platform_os, "unknown") == 0 && d->platform_arch &&
	    strcmp(d->platform_arch, "unknown") == 0) {
		d->attestation = true;
	}
	d->media_type = lsc_strdup(mt);
	return 0;
}

void lsc_manifest_dispose(struct lsc_manifest *m)
{
	lsc_descriptor_dispose(&m->config);
	for (size_t i = 0; i < m->nlayers; i++) {
		lsc_descriptor_dispose(&m->layers[i]);
	}
	for (size_t i = 0; i < m->nmanifests; i++) {
		lsc_descriptor_dispose(&m->manifests[i]);
	}
	free(m->layers);
	free(m->manifests);
	free(m->media_type);
	if (m->annotations) {
		json_decref(m->annotations);
	}
	memset(m, 0, sizeof(*m));
}

static int parse_list(struct lsc_descriptor **out, size_t *n, json_t *arr, size_t max,
		      const char *name, const char *what)
{
	size_t count = json_array_size(arr);
	char label[64];

	*out = NULL;
	*n = 0;
	if (count > max) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: more than %zu %s", name, max, what);
	}
	if (count == 0) {
		return 0;
	}
	*out = calloc(count, sizeof(**out));
	if (!*out) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		int rc;

		snprintf(label, sizeof(label), "%s[%zu]", what, i);
		rc = parse_descriptor(&(*out)[i], json_array_get(arr, i), name, label);
		*n = i + 1;
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int lsc_manifest_parse(struct lsc_manifest *out, const void *p, size_t n, const char *name)
{
	json_t *j = NULL, *arr, *cfg;
	const char *mt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > LSC_MAX_MANIFEST) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: manifest larger than %u bytes", name,
				 LSC_MAX_MANIFEST);
	}
	rc = lsc_json_parse(&j, p, n, name);
	if (rc < 0) {
		return rc;
	}
	if (!json_is_object(j)) {
		rc = lsc_error(LSC_E_FORMAT, "%s: manifest is not a JSON object", name);
		goto out;
	}
	rc = lsc_json_get_str(&mt, j, "mediaType", true, name);
	if (rc < 0) {
		goto out;
	}
	if ((mt && strstr(mt, "distribution.manifest.v1")) || json_object_get(j, "fsLayers")) {
		rc =
		    lsc_error(LSC_E_UNSUPPORTED,
			      "%s: Docker image manifest schema 1 is deprecated and not supported; "
			      "push the image again with a current client",
			      name);
		goto out;
	}
	out->media_type = lsc_strdup(mt);
	arr = json_object_get(j, "manifests");
	if ((mt && (strcmp(mt, LSC_MT_OCI_INDEX) == 0 || strcmp(mt, LSC_MT_DOCKER_LIST) == 0)) ||
	    (!mt && arr)) {
		out->kind = LSC_MANIFEST_INDEX;
		rc = lsc_json_get_arr(&arr, j, "manifests", false, name);
		if (rc < 0) {
			goto out;
		}
		rc = parse_list(&out->manifests, &out->nmanifests, arr, MAX_INDEX_ENTRIES, name,
				"manifests");
		goto out;
	}
	if (mt && strcmp(mt, LSC_MT_OCI_MANIFEST) != 0 && strcmp(mt, LSC_MT_DOCKER_MANIFEST) != 0) {
		rc = lsc_error(LSC_E_UNSUPPORTED, "%s: unsupported manifest media type %.100s",
			       name, mt);
		goto out;
	}
	out->kind = LSC_MANIFEST_IMAGE;
	rc = lsc_json_get_obj(&cfg, j, "config", false, name);
	if (rc < 0) {
		goto out;
	}
	rc = parse_descriptor(&out->config, cfg, name, "config");
	if (rc < 0) {
		goto out;
	}
	if (out->config.media_type &&
	    strcmp(out->config.media_type, "application/vnd.oci.image.config.v1+json") != 0 &&
	    strcmp(out->config.media_type, "application/vnd.docker.container.image.v1+json") != 0) {
		rc = lsc_error(LSC_E_UNSUPPORTED,
			       "%s: not a container image (config media type %.100s)", name,
			       out->config.media_type);
		goto out;
	}
	rc = lsc_json_get_arr(&arr, j, "layers", false, name);
	if (rc < 0) {
		goto out;
	}
	rc = parse_list(&out->layers, &out->nlayers, arr, LSC_MAX_LAYERS, name, "layers");
	if (rc < 0) {
		goto out;
	}
	if (json_is_object(json_object_get(j, "annotations"))) {
		out->annotations = json_incref(json_object_get(j, "annotations"));
	}
out:
	json_decref(j);
	if (rc < 0) {
		lsc_manifest_dispose(out);
	}
	return rc;
}

int lsc_manifest_select(const struct lsc_descriptor **out, const struct lsc_manifest *index,
			const struct lsc_platform *want, const char *tag, const char *name)
{
	char seen[512] = "", plat[100];
	size_t images = 0, off = 0;
	const struct lsc_descriptor *only = NULL;

	*out = NULL;
	for (size_t i = 0; i < index->nmanifests; i++) {
		const struct lsc_descriptor *d = &index->manifests[i];

		if (tag) {
			if (d->ref_name && strcmp(d->ref_name, tag) == 0) {
				*out = d;
				return 0;
			}
			continue;
		}
		if (d->attestation) {
			continue;
		}
		images++;
		only = d;
		if (lsc_platform_match(want, d->platform_os, d->platform_arch,
				       d->platform_variant)) {
			*out = d;
			return 0;
		}
		if (d->platform_os && off < sizeof(seen) - 1) {
			off += (size_t)snprintf(seen + off, sizeof(seen) - off, "%s%s/%s%s%s",
						off ? ", " : "", d->platform_os,
						d->platform_arch ? d->platform_arch : "?",
						d->platform_variant ? "/" : "",
						d->platform_variant ? d->platform_variant : "");
			if (off >= sizeof(seen)) {
				off = sizeof(seen) - 1;
			}
		}
	}
	if (tag) {
		return lsc_error(LSC_E_NOT_FOUND, "%s: no image tagged %s", name, tag);
	}
	if (images == 1 && !only->platform_os) {
		*out = only;
		return 0;
	}
	lsc_platform_format(plat, sizeof(plat), want);
	if (images == 0) {
		return lsc_error(LSC_E_NOT_FOUND, "%s: the index lists no image", name);
	}
	return lsc_error(LSC_E_NOT_FOUND, "%s: no image for platform %s (available: %s)", name,
			 plat, seen[0] ? seen : "none with a platform");
}

int lsc_manifest_resolve(struct lsc_manifest_choice *out, const void *json, size_t n,
			 const char *name, const struct lsc_platform *want, const char *tag,
			 const struct lsc_blob_getter *g)
{
	struct lsc_manifest cur;
	struct lsc_buf buf;
	char where[LSC_DIGEST_MAX + 16];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lsc_manifest_parse(&cur, json, n, name);
	if (rc < 0) {
		return rc;
	}
	lsc_buf_init(&buf, LSC_MAX_MANIFEST);
	snprintf(where, sizeof(where), "%s", name);
	for (int depth = 0;; depth++) {
		const struct lsc_descriptor *d;
		char digest[LSC_DIGEST_MAX];

		if (cur.kind == LSC_MANIFEST_IMAGE) {
			out->manifest = cur;
			memset(&cur, 0, sizeof(cur));
			rc = 0;
			break;
		}
		if (depth >= LSC_MAX_INDEX_DEPTH) {
			rc = lsc_error(LSC_E_TOO_LARGE, "%s: indexes nested deeper than %d", where,
				       LSC_MAX_INDEX_DEPTH);
			break;
		}
		rc = lsc_manifest_select(&d, &cur, want, depth == 0 ? tag : NULL, where);
		if (rc < 0) {
			break;
		}
		if (depth == 0 && d->ref_name) {
			out->ref_name = strdup(d->ref_name);
			if (!out->ref_name) {
				rc = -ENOMEM;
				break;
			}
		}
		if (depth == 0 && cur.annotations) {
			out->index_annotations = json_incref(cur.annotations);
		}
		snprintf(digest, sizeof(digest), "%s", d->digest);
		lsc_buf_reset(&buf);
		rc = g->get(&buf, digest, LSC_MAX_MANIFEST, g->payload);
		if (rc < 0) {
			break;
		}
		lsc_manifest_dispose(&cur);
		snprintf(where, sizeof(where), "manifest %s", digest);
		rc = lsc_manifest_parse(&cur, buf.data, buf.len, where);
		if (rc < 0) {
			memset(&cur, 0, sizeof(cur));
			break;
		}
		memcpy(out->digest, digest, sizeof(digest));
	}
	lsc_manifest_dispose(&cur);
	lsc_buf_dispose(&buf);
	if (rc < 0) {
		lsc_manifest_choice_dispose(out);
	}
	return rc;
}

void lsc_manifest_choice_dispose(struct lsc_manifest_choice *c)
{
	lsc_manifest_dispose(&c->manifest);
	free(c->ref_name);
	if (c->index_annotations) {
		json_decref(c->index_annotations);
	}
	memset(c, 0, sizeof(*c));
}

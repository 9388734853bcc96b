#include "registry_int.h"
#include "util/error.h"
#include "util/str.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCEPT_MANIFESTS                                                                           \
	"Accept: application/vnd.oci.image.index.v1+json, "                                        \
	"application/vnd.oci.image.manifest.v1+json, "                                             \
	"application/vnd.docker.distribution.manifest.list.v2+json, "                              \
	"application/vnd.docker.distribution.manifest.v2+json"

static bool is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || lsc_str_starts(host, "localhost:") ||
	       lsc_str_starts(host, "127.") || lsc_str_starts(host, "[::1]");
}

int lsc_registry_new(struct lsc_registry **out, const struct lsc_reference *ref,
		     const struct lsc_registry_options *o)
{
	struct lsc_registry *r;
	const char *cafile = getenv("SSL_CERT_FILE"), *cadir = getenv("SSL_CERT_DIR");
	int rc;

	*out = NULL;
	rc = lsc_registry_http_global_init();
	if (rc < 0) {
		return rc;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	r->ref = ref;
	lsc_registry_http_limits(&r->lim);
	r->insecure = o && o->insecure;
	r->env_credentials = o && o->env_credentials;
	r->loopback = is_loopback(ref->host);
	r->authfile = o && o->authfile ? strdup(o->authfile) : NULL;
	r->cainfo = cafile && *cafile ? strdup(cafile) : NULL;
	r->capath = cadir && *cadir ? strdup(cadir) : NULL;
	pthread_mutex_init(&r->lock, NULL);
	if ((o && o->authfile && !r->authfile) || (cafile && *cafile && !r->cainfo) ||
	    (cadir && *cadir && !r->capath)) {
		lsc_registry_free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void lsc_registry_free(struct lsc_registry *r)
{
	if (!r) {
		return;
	}
	if (r->authz) {
		OPENSSL_cleanse(r->authz, strlen(r->authz));
		free(r->authz);
	}
	if (r->cred_loaded) {
		lsc_credential_dispose(&r->cred);
	}
	lsc_auth_challenge_dispose(&r->ch);
	free(r->authfile);
	free(r->cainfo);
	free(r->capath);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

const char *lsc_registry_name(const struct lsc_registry *r)
{
	return r->ref->registry;
}

/* --- ping ------------------------------------------------------------------------------------ */

static int ping_locked(struct lsc_registry *r)
{
	const char *schemes[2] = {"https", "http"};
	int nschemes = r->insecure || r->loopback ? 2 : 1;
	struct lsc_registry_resp rs;
	struct lsc_registry_retry rt;
	char url[600];
	int rc = 0;

	lsc_registry_http_resp_init(&rs, NULL);
	lsc_registry_http_retry_init(&rt, &r->lim, true);
	rs.deadline = rt.deadline;
	for (int attempt = 1;; attempt++) {
		CURLcode cc = CURLE_OK;
		int si;

		for (si = 0; si < nschemes; si++) {
			CURL *e;

			snprintf(url, sizeof(url), "%s://%s/v2/", schemes[si], r->ref->host);
			lsc_registry_http_resp_reset(&rs);
			e = lsc_registry_http_easy_new(r, url, NULL, &rs);
			if (!e) {
				rc = -ENOMEM;
				goto out;
			}
			cc = curl_easy_perform(e);
			rs.status = lsc_registry_http_status(&rs);
			curl_easy_cleanup(e);
			if (cc == CURLE_OK ||
			    !(si + 1 < nschemes && lsc_registry_http_no_tls(cc))) {
				break;
			}
		}
		if (si == nschemes) {
			si = nschemes - 1;
		}
		if (cc == CURLE_OK && !lsc_registry_http_retryable_status(rs.status)) {
			snprintf(r->base, sizeof(r->base), "%s://%s", schemes[si], r->ref->host);
			break;
		}
		if (((cc != CURLE_OK && lsc_registry_http_retryable_curl(cc)) || cc == CURLE_OK) &&
		    lsc_registry_http_may_retry(&rt, &r->lim, attempt + 1,
						cc == CURLE_OK ? rs.retry_after : -1, &rs)) {
			continue;
		}
		if (cc != CURLE_OK) {
			char why[300];

			if (lsc_registry_http_bound_failure(why, sizeof(why), &rs, cc)) {
				rc = lsc_error(LSC_E_NETWORK, "registry %s: ping %s: %s%s",
					       r->ref->registry, url, why, rt.why);
			} else {
				rc = lsc_error(LSC_E_NETWORK, "registry %s: cannot reach %s: %s%s",
					       r->ref->registry, url,
					       rs.errbuf[0] ? rs.errbuf : curl_easy_strerror(cc),
					       rt.why);
			}
		} else {
			rc = lsc_error(LSC_E_NETWORK, "registry %s: %s answered HTTP %ld%s",
				       r->ref->registry, url, rs.status, rt.why);
		}
		goto out;
	}
	if (rs.status == 401) {
		rc = lsc_auth_challenge_parse(&r->ch, rs.www_auth);
		if (rc < 0 || r->ch.scheme == LSC_AUTH_NONE) {
			lsc_auth_challenge_dispose(&r->ch);
			memset(&r->ch, 0, sizeof(r->ch));
			rc = lsc_error(LSC_E_AUTH,
				       "registry %s: authentication failed: %s asks for "
				       "authentication without a usable WWW-Authenticate challenge",
				       r->ref->registry, url);
		}
	} else if (rs.status == 404) {
		rc = lsc_error(LSC_E_NOT_FOUND,
			       "registry %s: %s: not found: not a registry (no v2 "
			       "API)",
			       r->ref->registry, url);
	} else if (rs.status < 200 || rs.status >= 300) {
		char why[300];

		lsc_registry_http_error_text(why, sizeof(why), &rs);
		rc = lsc_error(LSC_E_NETWORK, "registry %s: %s answered %s", r->ref->registry, url,
			       why);
	}
	if (rc == 0) {
		r->pinged = true;
	}
out:
	lsc_registry_http_resp_dispose(&rs);
	return rc;
}

int lsc_registry_ping(struct lsc_registry *r)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (!r->pinged) {
		rc = ping_locked(r);
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* --- whole requests -------------------------------------------------------------------------- */

/*
 * GET base + path into out (bounded by out's max), with auth, redirects and retries. what names
 * the request in messages ("manifest 1.4", "config sha256:...").
 */
static int request(struct lsc_registry *r, const char *path, const char *accept,
		   struct lsc_buf *out, struct lsc_registry_resp *rs, const char *what)
{
	char url[LSC_REGISTRY_MAX_URL], next[LSC_REGISTRY_MAX_URL];
	bool renewed = false;
	struct lsc_registry_retry rt;
	int rc = lsc_registry_ping(r);

	lsc_registry_http_retry_init(&rt, &r->lim, true);
	rs->deadline = rt.deadline;
	for (int attempt = 1; rc == 0; attempt++) {
		char *authz = NULL;
		unsigned gen;
		bool to_registry = true;
		CURLcode cc = CURLE_OK;

		rc = lsc_registry_auth_get(r, &authz, &gen);
		if (rc < 0) {
			break;
		}
		snprintf(url, sizeof(url), "%s%s", r->base, path);
		for (int redirects = 0;; redirects++) {
			struct curl_slist *h = NULL;
			CURL *e;

			if (accept) {
				h = curl_slist_append(h, accept);
			}
			if (authz && to_registry) {
				h = curl_slist_append(h, authz);
			}
			lsc_registry_http_resp_reset(rs);
			e = lsc_registry_http_easy_new(r, url, h, rs);
			if (!e) {
				curl_slist_free_all(h);
				rc = -ENOMEM;
				break;
			}
			cc = curl_easy_perform(e);
			rs->status = lsc_registry_http_status(rs);
			curl_easy_cleanup(e);
			curl_slist_free_all(h);
			if (cc != CURLE_OK || rs->status < 300 || rs->status >= 400 ||
			    !rs->location[0]) {
				break;
			}
			if (redirects >= LSC_REGISTRY_MAX_REDIRECTS ||
			    lsc_registry_http_resolve_location(next, sizeof(next), url,
							       rs->location) < 0) {
				rc = lsc_error(LSC_E_NETWORK, "registry %s: %s: %s",
					       r->ref->registry, what,
					       redirects >= LSC_REGISTRY_MAX_REDIRECTS
						   ? "too many redirects"
						   : "redirected to an unusable location");
				break;
			}
			/* credentials only ever go to the registry's own scheme, host and port */
			to_registry = to_registry && lsc_registry_http_same_origin(next, r->base);
			strcpy(url, next);
		}
		lsc_registry_auth_free(authz);
		if (rc < 0) {
			break;
		}
		if (cc != CURLE_OK) {
			if (rs->too_large) {
				rc = lsc_error(LSC_E_TOO_LARGE,
					       "registry %s: %s: larger than %zu bytes",
					       r->ref->registry, what, out ? out->max : 0);
				break;
			}
			if (lsc_registry_http_retryable_curl(cc) &&
			    lsc_registry_http_may_retry(&rt, &r->lim, attempt + 1, -1, rs)) {
				continue;
			}
			{
				char why[300];

				lsc_registry_http_transfer_text(why, sizeof(why), rs, cc);
				rc = lsc_error(LSC_E_NETWORK, "registry %s: %s: %s%s",
					       r->ref->registry, what, why, rt.why);
			}
			break;
		}
		if (rs->status >= 200 && rs->status < 300) {
			break;
		}
		if (rs->status == 401 && !renewed &&
		    lsc_registry_auth_renew(r, gen, authz != NULL) > 0) {
			renewed = true;
			attempt--;
			continue;
		}
		if (rs->status == 401 || rs->status == 403) {
			rc = lsc_registry_auth_failed(r, rs, what);
			break;
		}
		if (lsc_registry_http_retryable_status(rs->status) &&
		    lsc_registry_http_may_retry(&rt, &r->lim, attempt + 1, rs->retry_after, rs)) {
			continue;
		}
		{
			char why[300];

			lsc_registry_http_error_text(why, sizeof(why), rs);
			rc = lsc_error(rs->status == 404 ? LSC_E_NOT_FOUND : LSC_E_NETWORK,
				       "registry %s: %s: %s%s%s", r->ref->registry, what,
				       rs->status == 404 ? "not found: " : "", why, rt.why);
		}
		break;
	}
	return rc;
}

int lsc_registry_manifest(struct lsc_registry *r, const char *ref, struct lsc_buf *out,
			  char digest[LSC_DIGEST_MAX])
{
	char path[1024], what[600];
	struct lsc_registry_resp rs;
	int rc;

	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->ref->repository, ref);
	snprintf(what, sizeof(what), "manifest %s of %s", ref, r->ref->repository);
	lsc_registry_http_resp_init(&rs, out);
	rc = request(r, path, ACCEPT_MANIFESTS, out, &rs, what);
	if (rc == 0 && strstr(rs.content_type, "distribution.manifest.v1")) {
		rc = lsc_error(LSC_E_UNSUPPORTED,
			       "registry %s: %s: Docker image manifest schema 1 "
			       "(%s) is deprecated and not supported",
			       r->ref->registry, what, rs.content_type);
	}
	if (rc == 0) {
		rc = lsc_digest_buf(digest, out->data ? (void *)out->data : "", out->len);
	}
	if (rc == 0 && lsc_str_starts(ref, "sha256:") && strcmp(digest, ref) != 0) {
		rc = lsc_error(LSC_E_DIGEST_MISMATCH, "registry %s: %s: digest mismatch: got %s",
			       r->ref->registry, what, digest);
	}
	if (rc == 0 && rs.docker_digest[0] && lsc_str_starts(rs.docker_digest, "sha256:") &&
	    strcmp(digest, rs.docker_digest) != 0) {
		rc = lsc_error(LSC_E_DIGEST_MISMATCH,
			       "registry %s: %s: digest mismatch: the body is "
			       "%s, Docker-Content-Digest says %.80s",
			       r->ref->registry, what, digest, rs.docker_digest);
	}
	lsc_registry_http_resp_dispose(&rs);
	return rc;
}

int lsc_registry_blob(struct lsc_registry *r, const char *digest, struct lsc_buf *out)
{
	char path[1024], what[300], got[LSC_DIGEST_MAX];
	struct lsc_registry_resp rs;
	int rc;

	if (lsc_digest_check(digest) < 0) {
		return lsc_error(LSC_E_UNSUPPORTED, "registry %s: blob %.100s: unsupported digest",
				 r->ref->registry, digest);
	}
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->ref->repository, digest);
	snprintf(what, sizeof(what), "blob %s", digest);
	lsc_registry_http_resp_init(&rs, out);
	rc = request(r, path, NULL, out, &rs, what);
	lsc_registry_http_resp_dispose(&rs);
	if (rc == 0) {
		lsc_digest_buf(got, out->data ? (void *)out->data : "", out->len);
		if (strcmp(got, digest) != 0) {
			rc = lsc_error(LSC_E_DIGEST_MISMATCH,
				       "registry %s: blob %s: digest mismatch: "
				       "got %s",
				       r->ref->registry, digest, got);
		}
	}
	return rc;
}

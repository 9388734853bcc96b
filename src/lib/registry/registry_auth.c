#include "registry_int.h"
#include "util/error.h"
#include "util/str.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TOKEN_BODY (1u << 20)
#define TOKEN_MARGIN 10 /* seconds before expiry a token is renewed */

/* --- auth ------------------------------------------------------------------------------------ */

static int load_cred_locked(struct lsc_registry *r)
{
	int rc;

	if (r->cred_loaded) {
		return 0;
	}
	rc = lsc_credentials_find(&r->cred, r->ref->registry, r->authfile, r->env_credentials);
	if (rc < 0) {
		return rc;
	}
	r->cred_loaded = true;
	r->have_cred = rc > 0;
	return 0;
}

static char *basic_header(const char *user, const char *pass)
{
	size_t n = strlen(user) + 1 + strlen(pass);
	unsigned char *plain = malloc(n + 1);
	char *b64 = malloc(4 * ((n + 2) / 3) + 1), *out = NULL;

	if (plain && b64) {
		snprintf((char *)plain, n + 1, "%s:%s", user, pass);
		EVP_EncodeBlock((unsigned char *)b64, plain, (int)n);
		if (asprintf(&out, "Authorization: Basic %s", b64) < 0) {
			out = NULL;
		}
		OPENSSL_cleanse(plain, n);
		OPENSSL_cleanse(b64, strlen(b64));
	}
	free(plain);
	free(b64);
	return out;
}

static const char *cred_source(const struct lsc_registry *r)
{
	return r->have_cred && r->cred.source[0] ? r->cred.source : "no credentials";
}

/* A bearer token for repository:<repo>:pull from the challenge's realm. */
static int fetch_token_locked(struct lsc_registry *r)
{
	struct lsc_buf body;
	struct lsc_registry_resp rs;
	struct lsc_registry_retry rt;
	struct curl_slist *hdrs = NULL;
	char *scope = NULL, *url = NULL, *esc_scope = NULL, *esc_service = NULL, *form = NULL;
	char *basic = NULL, *esc_tok = NULL;
	const char *realm = r->ch.realm;
	json_t *j = NULL;
	int rc = 0;

	if (!realm || !(lsc_str_starts(realm, "https://") || lsc_str_starts(realm, "http://"))) {
		return lsc_error(LSC_E_AUTH,
				 "registry %s: authentication failed: the token realm "
				 "is not an http(s) URL",
				 r->ref->registry);
	}
	if (lsc_str_starts(realm, "http://") && !r->insecure && !r->loopback) {
		char origin[600];

		if (!lsc_registry_http_origin(realm, origin, sizeof(origin)) ||
		    !(strstr(origin, "://localhost:") || strstr(origin, "://127.") ||
		      strstr(origin, "://[::1]:"))) {
			return lsc_error(LSC_E_AUTH,
					 "registry %s: authentication failed: the token "
					 "realm is plain HTTP (use --insecure to allow it)",
					 r->ref->registry);
		}
	}
	lsc_buf_init(&body, MAX_TOKEN_BODY);
	lsc_registry_http_resp_init(&rs, &body);
	if (asprintf(&scope, "repository:%s:pull", r->ref->repository) < 0) {
		scope = NULL;
		rc = -ENOMEM;
		goto out;
	}
	esc_scope = curl_easy_escape(NULL, scope, 0);
	esc_service = r->ch.service ? curl_easy_escape(NULL, r->ch.service, 0) : NULL;
	if (!esc_scope || (r->ch.service && !esc_service)) {
		rc = -ENOMEM;
		goto out;
	}
	if (r->have_cred && r->cred.identity_token) {
		/* OAuth2 refresh token, as docker does with an identitytoken */
		esc_tok = curl_easy_escape(NULL, r->cred.identity_token, 0);
		if (!esc_tok || asprintf(&form,
					 "grant_type=refresh_token&client_id=layerscan&"
					 "scope=%s%s%s&refresh_token=%s",
					 esc_scope, esc_service ? "&service=" : "",
					 esc_service ? esc_service : "", esc_tok) < 0) {
			form = NULL;
			rc = -ENOMEM;
			goto out;
		}
		url = strdup(realm);
	} else {
		if (asprintf(&url, "%s%s%s%s%sscope=%s", realm, strchr(realm, '?') ? "&" : "?",
			     esc_service ? "service=" : "", esc_service ? esc_service : "",
			     esc_service ? "&" : "", esc_scope) < 0) {
			url = NULL;
		}
		if (r->have_cred && r->cred.username && r->cred.password) {
			basic = basic_header(r->cred.username, r->cred.password);
			if (!basic) {
				rc = -ENOMEM;
				goto out;
			}
			hdrs = curl_slist_append(hdrs, basic);
		}
	}
	if (!url) {
		rc = -ENOMEM;
		goto out;
	}
	lsc_registry_http_retry_init(&rt, &r->lim, true);
	rs.deadline = rt.deadline;
	for (int attempt = 1;; attempt++) {
		CURL *e;
		CURLcode cc;

		lsc_registry_http_resp_reset(&rs);
		e = lsc_registry_http_easy_new(r, url, hdrs, &rs);
		if (!e) {
			rc = -ENOMEM;
			goto out;
		}
		if (form) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, form);
		}
		cc = curl_easy_perform(e);
		rs.status = lsc_registry_http_status(&rs);
		curl_easy_cleanup(e);
		if (cc == CURLE_OK && rs.status == 200) {
			break;
		}
		if (((cc != CURLE_OK && lsc_registry_http_retryable_curl(cc)) ||
		     (cc == CURLE_OK && lsc_registry_http_retryable_status(rs.status))) &&
		    lsc_registry_http_may_retry(&rt, &r->lim, attempt + 1,
						cc == CURLE_OK ? rs.retry_after : -1, &rs)) {
			continue;
		}
		if (cc != CURLE_OK) {
			char why[300];

			lsc_registry_http_transfer_text(why, sizeof(why), &rs, cc);
			rc = lsc_error(rs.too_large ? LSC_E_TOO_LARGE : LSC_E_NETWORK,
				       "registry %s: token (%.200s): %s%s", r->ref->registry, realm,
				       rs.too_large ? "answer too large" : why, rt.why);
		} else if (rs.status == 401 || rs.status == 403) {
			rc = lsc_error(LSC_E_AUTH,
				       "registry %s: authentication failed: the token "
				       "server refused %s (HTTP %ld)",
				       r->ref->registry,
				       r->have_cred ? r->cred.source : "anonymous access",
				       rs.status);
		} else {
			char why[300];

			lsc_registry_http_error_text(why, sizeof(why), &rs);
			rc = lsc_error(LSC_E_AUTH,
				       "registry %s: authentication failed: the token "
				       "server answered %s%s",
				       r->ref->registry, why, rt.why);
		}
		goto out;
	}
	j = json_loadb((const char *)body.data, body.len, 0, NULL);
	{
		const char *tok = json_string_value(json_object_get(j, "token"));
		json_int_t ttl = json_integer_value(json_object_get(j, "expires_in"));

		if (!tok || !*tok) {
			tok = json_string_value(json_object_get(j, "access_token"));
		}
		if (!tok || !*tok || strlen(tok) > 64 * 1024 || strpbrk(tok, "\r\n")) {
			rc = lsc_error(LSC_E_AUTH,
				       "registry %s: authentication failed: the token "
				       "server's answer holds no token",
				       r->ref->registry);
			goto out;
		}
		if (r->authz) {
			OPENSSL_cleanse(r->authz, strlen(r->authz));
			free(r->authz);
		}
		if (asprintf(&r->authz, "Authorization: Bearer %s", tok) < 0) {
			r->authz = NULL;
			rc = -ENOMEM;
			goto out;
		}
		/* the distribution spec: 60 seconds when the server does not say */
		if (ttl < 60) {
			ttl = 60;
		}
		r->authz_expiry = time(NULL) + (time_t)ttl - TOKEN_MARGIN;
	}
out:
	json_decref(j);
	if (body.data) {
		OPENSSL_cleanse(body.data, body.len);
	}
	lsc_buf_dispose(&body);
	lsc_registry_http_resp_dispose(&rs);
	curl_slist_free_all(hdrs);
	if (basic) {
		OPENSSL_cleanse(basic, strlen(basic));
	}
	free(basic);
	if (form) {
		OPENSSL_cleanse(form, strlen(form));
	}
	free(form);
	curl_free(esc_tok);
	curl_free(esc_scope);
	curl_free(esc_service);
	free(scope);
	free(url);
	return rc;
}

/* A copy of the Authorization header for the registry (NULL: none), and its generation. */
int lsc_registry_auth_get(struct lsc_registry *r, char **out, unsigned *gen)
{
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&r->lock);
	*gen = r->authz_gen;
	if (r->ch.scheme == LSC_AUTH_NONE) {
		goto out;
	}
	rc = load_cred_locked(r);
	if (rc < 0) {
		goto out;
	}
	if (r->ch.scheme == LSC_AUTH_BASIC) {
		if (!r->authz && r->have_cred && r->cred.username && r->cred.password) {
			r->authz = basic_header(r->cred.username, r->cred.password);
			if (!r->authz) {
				rc = -ENOMEM;
			}
		}
	} else if (!r->authz || (r->authz_expiry && time(NULL) >= r->authz_expiry)) {
		rc = fetch_token_locked(r);
	}
	if (rc == 0 && r->authz) {
		*out = strdup(r->authz);
		if (!*out) {
			rc = -ENOMEM;
		}
	}
out:
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/*
 * After a 401 with header generation gen: a new bearer token, once per generation. 1 when there
 * is one to try, 0 when a retry cannot help (Basic, or the token was just fetched).
 */
int lsc_registry_auth_renew(struct lsc_registry *r, unsigned gen, bool had_authz)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (r->ch.scheme == LSC_AUTH_BEARER && had_authz) {
		if (r->authz_gen == gen) {
			r->authz_gen++;
			r->authz_expiry = 1; /* expired: the next lsc_registry_auth_get fetches */
		}
		rc = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void lsc_registry_auth_free(char *a)
{
	if (a) {
		OPENSSL_cleanse(a, strlen(a));
		free(a);
	}
}

int lsc_registry_auth_failed(struct lsc_registry *r, const struct lsc_registry_resp *rs,
			     const char *what)
{
	char why[300];
	bool anon;

	lsc_registry_http_error_text(why, sizeof(why), rs);
	pthread_mutex_lock(&r->lock);
	anon = !r->have_cred;
	pthread_mutex_unlock(&r->lock);
	return lsc_error(LSC_E_AUTH, "registry %s: authentication failed: %s: %s (%s)",
			 r->ref->registry, what, why,
			 anon ? "no credentials found for it" : cred_source(r));
}

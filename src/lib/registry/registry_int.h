/*
 * What the registry client's modules share, not part of any public header: the client object,
 * one HTTP response as the curl callbacks see it, the retry budget of one request, and the
 * functions each module gives the others. The modules, each using only those below it:
 *
 *   registry.c        the client (new, free), ping, whole requests, manifests, config blobs
 *   registry_blob.c   a layer blob as a stream (curl multi, bounded buffer, Range resume)
 *   registry_auth.c   Basic and Bearer: credentials, token requests, the Authorization header
 *   registry_http.c   one exchange over libcurl: handles, limits, rate windows, retries,
 *                     header and body bounds, error texts, redirects' origins
 *
 * Nothing here puts a credential or a token in a message.
 */
#ifndef LSC_LIB_REGISTRY_INT_H
#define LSC_LIB_REGISTRY_INT_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "challenge.h"
#include "credentials.h"
#include "lib/digest.h"
#include "registry.h"
#include "util/buf.h"

#define LSC_REGISTRY_MAX_REDIRECTS 10
#define LSC_REGISTRY_MAX_URL 8192
#define LSC_REGISTRY_MAX_ERROR_BODY (16u << 10) /* of a non-2xx body, kept for the message */

/*
 * The client. ref is borrowed; authfile, cainfo, capath, cred and authz are owned and freed by
 * lsc_registry_free(); the fields below lock are read and written only under it.
 */
struct lsc_registry {
	const struct lsc_reference *ref;
	struct lsc_registry_limits lim;
	bool insecure, loopback, env_credentials;
	char *authfile, *cainfo, *capath;
	pthread_mutex_t lock; /* everything below */
	bool pinged;
	char base[512]; /* "https://host[:port]" once pinged */
	struct lsc_auth_challenge ch;
	bool cred_loaded, have_cred;
	struct lsc_credential cred;
	char *authz;	     /* "Authorization: ..." for the registry, or NULL */
	time_t authz_expiry; /* bearer tokens: renew after this; 0 never */
	unsigned authz_gen;  /* bumped at each renewal: one 401 renews once */
};

/* One response: what the header and body callbacks saw. */
struct lsc_registry_resp {
	CURL *easy;
	const struct lsc_registry_limits *lim;
	long status;
	char content_type[256];
	char docker_digest[LSC_DIGEST_MAX];
	char www_auth[LSC_AUTH_CHALLENGE_MAX + 1];
	char location[LSC_REGISTRY_MAX_URL];
	long retry_after; /* seconds, or -1 */
	char content_range[128];
	struct lsc_buf *body; /* 2xx bodies go here; NULL: dropped */
	struct lsc_buf err;   /* other bodies, bounded, for messages */
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
	/* the rate and deadline of this attempt (on_progress), the header bounds */
	uint64_t deadline;		/* absolute, ms; 0: none */
	uint64_t att_start;		/* when the attempt began */
	uint64_t win_start;		/* the current rate window */
	uint64_t win_bytes;		/* header and body bytes received in it */
	uint64_t rate_start;		/* the current sustained-rate window (rate_window_ms) */
	uint64_t rate_bytes;		/* bytes received in it */
	uint64_t hdr_bytes;		/* header bytes of the attempt */
	uint64_t stall_bytes, stall_ms; /* what the window that stalled received, its length */
	bool stalled, expired, body_seen;
	bool slow;		 /* stalled over the sustained-rate window, not the short one */
	const char *long_header; /* "WWW-Authenticate", "Location": over our bound; or NULL */
	bool headers_too_large;
};

/* Retries of one request: attempts, waits and the deadline. */
struct lsc_registry_retry {
	uint64_t deadline; /* absolute, ms; 0: none (a layer stream) */
	unsigned waited_ms;
	char why[160]; /* why no retry was made, for the message; "" */
};

/* ---- registry_http.c ---- */

/* curl_global_init once per process: 0, or -LSC_E_INTERNAL with libcurl's message. */
int lsc_registry_http_global_init(void);

/* The limits for a new client: lsc_registry_set_limits()'s, then LAYERSCAN_REGISTRY_LIMITS. */
void lsc_registry_http_limits(struct lsc_registry_limits *out);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t lsc_registry_http_now_ms(void);

/* A retry budget; whole: the request has a deadline (request_ms from now), else none. */
void lsc_registry_http_retry_init(struct lsc_registry_retry *rt,
				  const struct lsc_registry_limits *lim, bool whole);

/*
 * Whether try number attempt (2, 3, ...) may start after the response rs, and if so, waits for
 * it: Retry-After (seconds, or -1) when given, else exponential backoff. false with rt->why set
 * (or "" when there were simply no attempts left).
 */
bool lsc_registry_http_may_retry(struct lsc_registry_retry *rt,
				 const struct lsc_registry_limits *lim, int attempt,
				 long retry_after, const struct lsc_registry_resp *rs);

/* body (borrowed, may be NULL: 2xx bodies dropped) receives 2xx bodies; rs owns its err buffer,
   freed by lsc_registry_http_resp_dispose(). reset forgets a response, keeping the buffers. */
void lsc_registry_http_resp_init(struct lsc_registry_resp *rs, struct lsc_buf *body);
void lsc_registry_http_resp_reset(struct lsc_registry_resp *rs);
void lsc_registry_http_resp_dispose(struct lsc_registry_resp *rs);

/* The HTTP status of rs->easy's last response (0 when none). */
long lsc_registry_http_status(struct lsc_registry_resp *rs);

/*
 * A new easy handle for url with hdrs (borrowed: freed by the caller after the transfer), its
 * callbacks writing into rs, TLS as r says, the attempt's clock started. The caller's to
 * curl_easy_cleanup(); NULL when out of memory.
 */
CURL *lsc_registry_http_easy_new(struct lsc_registry *r, const char *url, struct curl_slist *hdrs,
				 struct lsc_registry_resp *rs);

/* Connection-level failures and statuses worth another try (408, 429, 500, 502, 503, 504). */
bool lsc_registry_http_retryable_curl(CURLcode c);
bool lsc_registry_http_retryable_status(long s);

/*
 * Why an attempt failed when it was one of our bounds (stall, slow, deadline, a long header, all
 * headers) or libcurl's header line limit: true with out filled, else false.
 */
bool lsc_registry_http_bound_failure(char *out, size_t cap, const struct lsc_registry_resp *rs,
				     CURLcode cc);

/* The text of a failed transfer: our bound's, or libcurl's error. */
void lsc_registry_http_transfer_text(char *out, size_t cap, const struct lsc_registry_resp *rs,
				     CURLcode cc);

/* An HTTPS attempt that failed the way it does against a plain HTTP server. */
bool lsc_registry_http_no_tls(CURLcode c);

/* "CODE: message" from a registry's JSON error body, or "HTTP <status>"; printable ASCII. */
void lsc_registry_http_error_text(char *out, size_t cap, const struct lsc_registry_resp *rs);

/* "scheme://host:port" of url, lowercase, the default port filled in; false when unparsable. */
bool lsc_registry_http_origin(const char *url, char *out, size_t cap);
bool lsc_registry_http_same_origin(const char *a, const char *b);

/* The absolute http(s) URL of location relative to url into out: 0, or -1 (unusable, too long). */
int lsc_registry_http_resolve_location(char *out, size_t cap, const char *url,
				       const char *location);

/* ---- registry_auth.c ---- */

/*
 * A copy of the Authorization header line for the registry (*out NULL: none), fetching a token
 * when the one held is missing or expired, and its generation. *out is the caller's to
 * lsc_registry_auth_free(), which wipes it.
 */
int lsc_registry_auth_get(struct lsc_registry *r, char **out, unsigned *gen);

/*
 * After a 401 with header generation gen: a new bearer token, once per generation. 1 when there
 * is one to try, 0 when a retry cannot help (Basic, or the token was just fetched).
 */
int lsc_registry_auth_renew(struct lsc_registry *r, unsigned gen, bool had_authz);

/* Wipes and frees a header from lsc_registry_auth_get(); NULL is a no-op. */
void lsc_registry_auth_free(char *authz);

/* -LSC_E_AUTH for a 401/403 to what, naming where the credential came from, never the secret. */
int lsc_registry_auth_failed(struct lsc_registry *r, const struct lsc_registry_resp *rs,
			     const char *what);

/* ---- registry.c ---- */

/* GET /v2/ once per client (under its lock): the scheme and the auth challenge. 0 or an error. */
int lsc_registry_ping(struct lsc_registry *r);

#endif

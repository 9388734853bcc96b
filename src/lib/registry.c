#include "registry.h"
#include "challenge.h"
#include "credentials.h"
#include "error.h"
#include "image.h"
#include "util/str.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_REDIRECTS 10
#define MAX_ATTEMPTS 5            /* tries of one request or transfer: 4 retries */
#define MAX_RETRY_AFTER 60        /* seconds of Retry-After honoured (within the wait budget) */
#define MAX_BACKOFF_MS 8000u
#define MAX_TOKEN_BODY (1u << 20)
#define MAX_ERROR_BODY (16u << 10)
#define MAX_URL 8192
#define STREAM_BUF (1u << 20)     /* blob bytes received and not read yet */
#define TOKEN_MARGIN 10           /* seconds before expiry a token is renewed */

#define ACCEPT_MANIFESTS                                                                       \
	"Accept: application/vnd.oci.image.index.v1+json, "                                      \
	"application/vnd.oci.image.manifest.v1+json, "                                           \
	"application/vnd.docker.distribution.manifest.list.v2+json, "                            \
	"application/vnd.docker.distribution.manifest.v2+json"

static atomic_uint backoff_first_ms = 250;

static const struct lsc_registry_limits default_limits = {
	LSC_REGISTRY_WINDOW_MS,	    LSC_REGISTRY_MIN_BYTES,	 LSC_REGISTRY_REQUEST_MS,
	LSC_REGISTRY_RETRY_WAIT_MS, LSC_REGISTRY_MAX_BLOB,	 LSC_REGISTRY_RATE_WINDOW_MS,
	LSC_REGISTRY_RATE_MIN_BYTES};
static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lsc_registry_limits limits = {
	LSC_REGISTRY_WINDOW_MS,	    LSC_REGISTRY_MIN_BYTES,	 LSC_REGISTRY_REQUEST_MS,
	LSC_REGISTRY_RETRY_WAIT_MS, LSC_REGISTRY_MAX_BLOB,	 LSC_REGISTRY_RATE_WINDOW_MS,
	LSC_REGISTRY_RATE_MIN_BYTES};

void lsc_registry_set_backoff_ms(unsigned ms)
{
	atomic_store(&backoff_first_ms, ms);
}

void lsc_registry_set_limits(const struct lsc_registry_limits *l)
{
	pthread_mutex_lock(&limits_lock);
	limits = l ? *l : default_limits;
	pthread_mutex_unlock(&limits_lock);
}

/* The limits for a new client: the defaults (or the test hook's), then the test variable. */
static void limits_get(struct lsc_registry_limits *out)
{
	const char *env = getenv("LAYERSCAN_REGISTRY_LIMITS");

	pthread_mutex_lock(&limits_lock);
	*out = limits;
	pthread_mutex_unlock(&limits_lock);
	while (env && *env) {
		const char *comma = strchr(env, ',');
		size_t n = comma ? (size_t)(comma - env) : strlen(env);
		unsigned long long v;
		char key[32], *end;
		const char *eq = memchr(env, '=', n);

		if (eq && (size_t)(eq - env) < sizeof(key)) {
			memcpy(key, env, (size_t)(eq - env));
			key[eq - env] = 0;
			errno = 0;
			v = strtoull(eq + 1, &end, 10);
			if (errno == 0 && end == env + n && end > eq + 1 && v > 0 &&
			    v <= UINT32_MAX) {
				if (strcmp(key, "window_ms") == 0) {
					out->window_ms = (unsigned)v;
				} else if (strcmp(key, "min_bytes") == 0) {
					out->min_bytes = (unsigned)v;
				} else if (strcmp(key, "request_ms") == 0) {
					out->request_ms = (unsigned)v;
				} else if (strcmp(key, "retry_wait_ms") == 0) {
					out->retry_wait_ms = (unsigned)v;
				} else if (strcmp(key, "max_blob") == 0) {
					out->max_blob = v;
				} else if (strcmp(key, "rate_window_ms") == 0) {
					out->rate_window_ms = (unsigned)v;
				} else if (strcmp(key, "rate_min_bytes") == 0) {
					out->rate_min_bytes = (unsigned)v;
				}
			}
		}
		env = comma ? comma + 1 : NULL;
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct lsc_registry {
	const struct lsc_reference *ref;
	struct lsc_registry_limits lim;
	bool insecure, loopback, env_credentials;
	char *authfile, *cainfo, *capath;
	pthread_mutex_t lock; /* everything below */
	bool pinged;
	char base[512];       /* "https://host[:port]" once pinged */
	struct lsc_auth_challenge ch;
	bool cred_loaded, have_cred;
	struct lsc_credential cred;
	char *authz;          /* "Authorization: ..." for the registry, or NULL */
	time_t authz_expiry;  /* bearer tokens: renew after this; 0 never */
	unsigned authz_gen;   /* bumped at each renewal: one 401 renews once */
};

/* One response: what the header and body callbacks saw. */
struct resp {
	CURL *easy;
	const struct lsc_registry_limits *lim;
	long status;
	char content_type[256];
	char docker_digest[LSC_DIGEST_MAX];
	char www_auth[LSC_AUTH_CHALLENGE_MAX + 1];
	char location[MAX_URL];
	long retry_after; /* seconds, or -1 */
	char content_range[128];
	struct lsc_buf *body; /* 2xx bodies go here; NULL: dropped */
	struct lsc_buf err;   /* other bodies, bounded, for messages */
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
	/* the rate and deadline of this attempt (on_progress), the header bounds */
	uint64_t deadline;    /* absolute, ms; 0: none */
	uint64_t att_start;   /* when the attempt began */
	uint64_t win_start;   /* the current rate window */
	uint64_t win_bytes;   /* header and body bytes received in it */
	uint64_t rate_start;  /* the current sustained-rate window (rate_window_ms) */
	uint64_t rate_bytes;  /* bytes received in it */
	uint64_t hdr_bytes;   /* header bytes of the attempt */
	uint64_t stall_bytes, stall_ms; /* what the window that stalled received, its length */
	bool stalled, expired, body_seen;
	bool slow; /* stalled over the sustained-rate window, not the short one */
	const char *long_header; /* "WWW-Authenticate", "Location": over our bound; or NULL */
	bool headers_too_large;
};

/* Retries of one request: attempts, waits and the deadline. */
struct retry {
	uint64_t deadline; /* absolute, ms; 0: none (a layer stream) */
	unsigned waited_ms;
	char why[160];     /* why no retry was made, for the message; "" */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static void retry_init(struct retry *rt, const struct lsc_registry_limits *lim, bool whole)
{
	memset(rt, 0, sizeof(*rt));
	rt->deadline = whole ? now_ms() + lim->request_ms : 0;
}

/*
 * Whether try number `attempt` (2, 3, ...) may start after the response rs, and if so, waits
 * for it: Retry-After when given, else exponential backoff. Never past MAX_ATTEMPTS, the wait
 * budget or the deadline, never after the deadline expired, and never after a stall of a
 * transfer that had not been receiving for two windows. false with rt->why set (or "" when
 * there were simply no attempts left).
 */
static bool may_retry(struct retry *rt, const struct lsc_registry_limits *lim, int attempt,
		      long retry_after, const struct resp *rs)
{
	unsigned ms = atomic_load(&backoff_first_ms);
	uint64_t now = now_ms();

	rt->why[0] = 0;
	if (attempt > MAX_ATTEMPTS) {
		return false;
	}
	if (rs->expired || rs->headers_too_large || rs->long_header) {
		return false;
	}
	if (rs->stalled && rs->win_start - rs->att_start < lim->window_ms) {
		return false; /* it never got going: a retry would drip the same */
	}
	if (rs->slow) {
		return false; /* slow for a whole sustained-rate window: a retry would be too */
	}
	for (int i = 2; i < attempt && ms < MAX_BACKOFF_MS; i++) {
		ms *= 2;
	}
	if (ms > MAX_BACKOFF_MS) {
		ms = MAX_BACKOFF_MS;
	}
	if (retry_after >= 0) {
		ms = (unsigned)(retry_after > MAX_RETRY_AFTER ? MAX_RETRY_AFTER : retry_after) * 1000u;
	}
	if (rt->waited_ms + ms > lim->retry_wait_ms ||
	    (rt->deadline && now + ms + lim->window_ms / 5 >= rt->deadline)) {
		if (retry_after >= 0) {
			snprintf(rt->why, sizeof(rt->why),
				 " (Retry-After %ld s: more than the %u s "
				 "a request may wait)",
				 retry_after, lim->retry_wait_ms / 1000);
		} else {
			snprintf(rt->why, sizeof(rt->why), " (no retry: the request's %u s of "
				 "waiting for retries are spent)", lim->retry_wait_ms / 1000);
		}
		return false;
	}
	sleep_ms(ms);
	rt->waited_ms += ms;
	return true;
}

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

	*out = NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		return lsc_error(LSC_E_INTERNAL, "libcurl: %s", curl_easy_strerror(curl_init_rc));
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	r->ref = ref;
	limits_get(&r->lim);
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

/* --- one HTTP exchange --------------------------------------------------------------------- */

static void resp_init(struct resp *rs, struct lsc_buf *body)
{
	memset(rs, 0, sizeof(*rs));
	rs->body = body;
	rs->retry_after = -1;
	lsc_buf_init(&rs->err, MAX_ERROR_BODY);
}

/* Forgets the previous response (a redirect, a retry), keeping the buffers. */
static void resp_reset(struct resp *rs)
{
	rs->status = 0;
	rs->content_type[0] = rs->docker_digest[0] = rs->www_auth[0] = rs->location[0] = 0;
	rs->content_range[0] = 0;
	rs->retry_after = -1;
	rs->too_large = false;
	rs->errbuf[0] = 0;
	lsc_buf_reset(&rs->err);
	if (rs->body) {
		lsc_buf_reset(rs->body);
	}
}

static void resp_dispose(struct resp *rs)
{
	lsc_buf_dispose(&rs->err);
}

static void copy_value(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
	}
	memcpy(dst, v, n);
	dst[n] = 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct resp *rs = ud;
	size_t len = size * nmemb, nlen, vlen;
	const char *colon, *v;

	rs->win_bytes += len;
	rs->rate_bytes += len;
	rs->hdr_bytes += len;
	if (rs->hdr_bytes > LSC_REGISTRY_HEADERS_MAX) {
		/* libcurl 7.x keeps every header line it hands over, without a total bound */
		rs->headers_too_large = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue, say): forget the headers of the last */
		rs->content_type[0] = rs->docker_digest[0] = rs->www_auth[0] = 0;
		rs->location[0] = rs->content_range[0] = 0;
		rs->retry_after = -1;
		return len;
	}
	colon = memchr(p, ':', len);
	if (!colon) {
		return len;
	}
	nlen = (size_t)(colon - p);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' ')) {
		vlen--;
	}
#define IS(name) (nlen == strlen(name) && strncasecmp(p, name, nlen) == 0)
	if (IS("content-type")) {
		copy_value(rs->content_type, sizeof(rs->content_type), v, vlen);
	} else if (IS("docker-content-digest")) {
		copy_value(rs->docker_digest, sizeof(rs->docker_digest), v, vlen);
	} else if (IS("www-authenticate")) {
		if (vlen > LSC_AUTH_CHALLENGE_MAX) {
			rs->long_header = "WWW-Authenticate";
			return 0;
		}
		copy_value(rs->www_auth, sizeof(rs->www_auth), v, vlen);
	} else if (IS("location")) {
		if (vlen >= MAX_URL) {
			rs->long_header = "Location";
			return 0;
		}
		copy_value(rs->location, sizeof(rs->location), v, vlen);
	} else if (IS("content-range")) {
		copy_value(rs->content_range, sizeof(rs->content_range), v, vlen);
	} else if (IS("retry-after")) {
		char tmp[64];

		copy_value(tmp, sizeof(tmp), v, vlen);
		if (tmp[0] >= '0' && tmp[0] <= '9') {
			rs->retry_after = strtol(tmp, NULL, 10);
		} else {
			time_t at = curl_getdate(tmp, NULL), now = time(NULL);

			rs->retry_after = at > now ? (long)(at - now) : (at > 0 ? 0 : -1);
		}
	}
#undef IS
	return len;
}

static long status_of(struct resp *rs)
{
	long code = 0;

	curl_easy_getinfo(rs->easy, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct resp *rs = ud;
	size_t len = size * nmemb;
	long code = status_of(rs);

	rs->win_bytes += len;
	rs->rate_bytes += len;
	rs->body_seen = true;
	if (code >= 200 && code < 300) {
		if (rs->body && lsc_buf_append(rs->body, p, len) < 0) {
			rs->too_large = true;
			return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
		}
	} else if (rs->err.len < MAX_ERROR_BODY) {
		size_t k = MAX_ERROR_BODY - rs->err.len;

		lsc_buf_append(&rs->err, p, len < k ? len : k);
	}
	return len;
}

/*
 * libcurl's progress callback, at least once a second: the attempt's deadline and its rate over
 * the window (the window restarts each time it is over with enough bytes).
 */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct resp *rs = ud;
	uint64_t now = now_ms();

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (rs->deadline && now >= rs->deadline) {
		rs->expired = true;
		return 1; /* CURLE_ABORTED_BY_CALLBACK */
	}
	if (rs->lim->rate_window_ms && now >= rs->rate_start &&
	    now - rs->rate_start >= rs->lim->rate_window_ms) {
		/* a server that sends just enough for the short window, for ever */
		if (rs->rate_bytes < rs->lim->rate_min_bytes) {
			rs->stalled = rs->slow = true;
			rs->stall_bytes = rs->rate_bytes;
			rs->stall_ms = now - rs->rate_start;
			return 1;
		}
		rs->rate_start = now;
		rs->rate_bytes = 0;
	}
	if (now < rs->win_start || now - rs->win_start < rs->lim->window_ms) {
		return 0;
	}
	if (rs->win_bytes < rs->lim->min_bytes) {
		rs->stalled = true;
		rs->stall_bytes = rs->win_bytes;
		rs->stall_ms = now - rs->win_start;
		return 1;
	}
	rs->win_start = now;
	rs->win_bytes = 0;
	return 0;
}

/* Starts the clock of a new attempt (rs->deadline is the request's, set by the caller). */
static void attempt_begin(struct resp *rs)
{
	rs->att_start = rs->win_start = rs->rate_start = now_ms();
	rs->win_bytes = rs->rate_bytes = rs->hdr_bytes = rs->stall_bytes = rs->stall_ms = 0;
	rs->slow = false;
	rs->stalled = rs->expired = rs->body_seen = rs->headers_too_large = false;
	rs->long_header = NULL;
}

static CURL *easy_new(struct lsc_registry *r, const char *url, struct curl_slist *hdrs,
		      struct resp *rs)
{
	CURL *e = curl_easy_init();
	bool verify = !r->insecure;

	if (!e) {
		return NULL;
	}
	rs->easy = e;
	rs->lim = &r->lim;
	attempt_begin(rs);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, rs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, rs);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, rs->errbuf);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* connecting and the TLS handshake are part of the first window */
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)r->lim.window_ms + 1000L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, rs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "layerscan/" LSC_VERSION);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
	if (r->cainfo) {
		curl_easy_setopt(e, CURLOPT_CAINFO, r->cainfo);
	}
	if (r->capath) {
		curl_easy_setopt(e, CURLOPT_CAPATH, r->capath);
	}
	if (rs->deadline) {
		/* a backstop: on_progress stops it first, with a message saying so */
		uint64_t now = now_ms();

		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
				 (long)(rs->deadline > now ? rs->deadline - now : 1) + 2000L);
	}
	return e;
}

static bool retryable_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool retryable_status(long s)
{
	return s == 429 || s == 500 || s == 502 || s == 503 || s == 504 || s == 408;
}

static void fmt_bytes(char *out, size_t cap, uint64_t n)
{
	if (n >= 1024 && n % 1024 == 0) {
		snprintf(out, cap, "%llu KiB", (unsigned long long)(n / 1024));
	} else {
		snprintf(out, cap, "%llu bytes", (unsigned long long)n);
	}
}

/* "5 s", "2.5 s": tenths of a second, which is what the progress callback can tell apart */
static void fmt_secs(char *out, size_t cap, uint64_t ms)
{
	uint64_t tenths = (ms + 50) / 100;

	if (tenths % 10 == 0) {
		snprintf(out, cap, "%llu s", (unsigned long long)(tenths / 10));
	} else {
		snprintf(out, cap, "%llu.%llu s", (unsigned long long)(tenths / 10),
			 (unsigned long long)(tenths % 10));
	}
}

/*
 * Why an attempt failed at the transfer level, when it was one of our bounds or libcurl's header
 * limit (which it reports as running out of memory): true with out filled, else false.
 */
static bool bound_failure(char *out, size_t cap, const struct resp *rs, CURLcode cc)
{
	char a[32], b[32], c[32];

	if (rs->stalled) {
		/* bytes as the callbacks saw them: complete header lines and body */
		fmt_bytes(a, sizeof(a), rs->slow ? rs->lim->rate_min_bytes : rs->lim->min_bytes);
		fmt_secs(b, sizeof(b), rs->stall_ms);
		fmt_secs(c, sizeof(c), rs->slow ? rs->lim->rate_window_ms : rs->lim->window_ms);
		snprintf(out, cap, "stalled: sent %llu bytes in %s: slower than %s per %s",
			 (unsigned long long)rs->stall_bytes, b, a, c);
	} else if (rs->expired) {
		fmt_secs(a, sizeof(a), rs->lim->request_ms);
		snprintf(out, cap, "no complete answer within %s (retries included)", a);
	} else if (rs->long_header) {
		unsigned max = strcmp(rs->long_header, "Location") == 0 ? MAX_URL
									 : LSC_AUTH_CHALLENGE_MAX;

		snprintf(out, cap, "response header %s over %u KiB", rs->long_header, max / 1024);
	} else if (rs->headers_too_large) {
		snprintf(out, cap, "response headers over %u KiB in all",
			 LSC_REGISTRY_HEADERS_MAX / 1024);
	} else if ((cc == CURLE_OUT_OF_MEMORY || cc == CURLE_RECV_ERROR) && !rs->body_seen &&
		   (cc == CURLE_OUT_OF_MEMORY || strstr(rs->errbuf, "eader"))) {
		snprintf(out, cap, "a response header line over libcurl's 100 KiB limit");
	} else {
		return false;
	}
	return true;
}

/* The text of a failed transfer: our bound's, or libcurl's error. */
static void transfer_text(char *out, size_t cap, const struct resp *rs, CURLcode cc)
{
	if (!bound_failure(out, cap, rs, cc)) {
		snprintf(out, cap, "%s", rs->errbuf[0] ? rs->errbuf : curl_easy_strerror(cc));
	}
}

/*
 * An HTTPS attempt that failed as it does against a plain HTTP server (the handshake, not the
 * certificate: a certificate that does not verify is never a reason to drop TLS).
 */
static bool no_tls_there(CURLcode c)
{
	return c == CURLE_SSL_CONNECT_ERROR || c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING;
}

/* "MANIFEST_UNKNOWN: manifest unknown" from a registry's JSON error body, or the status line. */
static void error_text(char *out, size_t cap, const struct resp *rs)
{
	json_t *j = rs->err.len ? json_loadb((const char *)rs->err.data, rs->err.len, 0, NULL)
				: NULL;
	json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e0, "code"));
	const char *msg = json_string_value(json_object_get(e0, "message"));

	if (code || msg) {
		snprintf(out, cap, "%.60s%s%.200s", code ? code : "", code && msg ? ": " : "",
			 msg ? msg : "");
	} else {
		snprintf(out, cap, "HTTP %ld", rs->status);
	}
	/* printable ASCII only: the text is the server's */
	for (char *p = out; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			*p = '?';
		}
	}
	json_decref(j);
}

/* scheme, host and port of a URL, lowercase, default ports filled in */
static bool origin_of(const char *url, char *out, size_t cap)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = false;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		snprintf(out, cap, "%s://%s:%s", scheme, host, port);
		for (char *p = out; *p; p++) {
			if (*p >= 'A' && *p <= 'Z') {
				*p = (char)(*p + 32);
			}
		}
		ok = true;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

static bool same_origin(const char *a, const char *b)
{
	char oa[600], ob[600];

	return origin_of(a, oa, sizeof(oa)) && origin_of(b, ob, sizeof(ob)) && strcmp(oa, ob) == 0;
}

/* The absolute URL of a Location relative to url; only http and https. */
static int resolve_location(char *out, size_t cap, const char *url, const char *location)
{
	CURLU *u = curl_url();
	char *abs = NULL, *scheme = NULL;
	int rc = -1;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
	    curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK && strlen(abs) < cap) {
		strcpy(out, abs);
		rc = 0;
	}
	curl_free(abs);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

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
	struct resp rs;
	struct retry rt;
	struct curl_slist *hdrs = NULL;
	char *scope = NULL, *url = NULL, *esc_scope = NULL, *esc_service = NULL, *form = NULL;
	char *basic = NULL, *esc_tok = NULL;
	const char *realm = r->ch.realm;
	json_t *j = NULL;
	int rc = 0;

	if (!realm || !(lsc_str_starts(realm, "https://") || lsc_str_starts(realm, "http://"))) {
		return lsc_error(LSC_E_AUTH, "registry %s: authentication failed: the token realm "
				 "is not an http(s) URL", r->ref->registry);
	}
	if (lsc_str_starts(realm, "http://") && !r->insecure && !r->loopback) {
		char origin[600];

		if (!origin_of(realm, origin, sizeof(origin)) ||
		    !(strstr(origin, "://localhost:") || strstr(origin, "://127.") ||
		      strstr(origin, "://[::1]:"))) {
			return lsc_error(LSC_E_AUTH, "registry %s: authentication failed: the token "
					 "realm is plain HTTP (use --insecure to allow it)",
					 r->ref->registry);
		}
	}
	lsc_buf_init(&body, MAX_TOKEN_BODY);
	resp_init(&rs, &body);
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
		if (!esc_tok || asprintf(&form, "grant_type=refresh_token&client_id=layerscan&"
					 "scope=%s%s%s&refresh_token=%s", esc_scope,
					 esc_service ? "&service=" : "",
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
	retry_init(&rt, &r->lim, true);
	rs.deadline = rt.deadline;
	for (int attempt = 1;; attempt++) {
		CURL *e;
		CURLcode cc;

		resp_reset(&rs);
		e = easy_new(r, url, hdrs, &rs);
		if (!e) {
			rc = -ENOMEM;
			goto out;
		}
		if (form) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, form);
		}
		cc = curl_easy_perform(e);
		rs.status = status_of(&rs);
		curl_easy_cleanup(e);
		if (cc == CURLE_OK && rs.status == 200) {
			break;
		}
		if (((cc != CURLE_OK && retryable_curl(cc)) ||
		     (cc == CURLE_OK && retryable_status(rs.status))) &&
		    may_retry(&rt, &r->lim, attempt + 1, cc == CURLE_OK ? rs.retry_after : -1,
			      &rs)) {
			continue;
		}
		if (cc != CURLE_OK) {
			char why[300];

			transfer_text(why, sizeof(why), &rs, cc);
			rc = lsc_error(rs.too_large ? LSC_E_TOO_LARGE : LSC_E_NETWORK,
				       "registry %s: token (%.200s): %s%s", r->ref->registry, realm,
				       rs.too_large ? "answer too large" : why, rt.why);
		} else if (rs.status == 401 || rs.status == 403) {
			rc = lsc_error(LSC_E_AUTH, "registry %s: authentication failed: the token "
				       "server refused %s (HTTP %ld)", r->ref->registry,
				       r->have_cred ? r->cred.source : "anonymous access",
				       rs.status);
		} else {
			char why[300];

			error_text(why, sizeof(why), &rs);
			rc = lsc_error(LSC_E_AUTH, "registry %s: authentication failed: the token "
				       "server answered %s%s", r->ref->registry, why, rt.why);
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
			rc = lsc_error(LSC_E_AUTH, "registry %s: authentication failed: the token "
				       "server's answer holds no token", r->ref->registry);
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
	resp_dispose(&rs);
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
static int authz_get(struct lsc_registry *r, char **out, unsigned *gen)
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
	if (rc == 0 && r->authz && !(*out = strdup(r->authz))) {
		rc = -ENOMEM;
	}
out:
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/*
 * After a 401 with header generation gen: a new bearer token, once per generation. 1 when there
 * is one to try, 0 when a retry cannot help (Basic, or the token was just fetched).
 */
static int authz_renew(struct lsc_registry *r, unsigned gen, bool had_authz)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (r->ch.scheme == LSC_AUTH_BEARER && had_authz) {
		if (r->authz_gen == gen) {
			r->authz_gen++;
			r->authz_expiry = 1; /* expired: the next authz_get fetches */
		}
		rc = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static void free_authz(char *a)
{
	if (a) {
		OPENSSL_cleanse(a, strlen(a));
		free(a);
	}
}

static int auth_failed(struct lsc_registry *r, const struct resp *rs, const char *what)
{
	char why[300];
	bool anon;

	error_text(why, sizeof(why), rs);
	pthread_mutex_lock(&r->lock);
	anon = !r->have_cred;
	pthread_mutex_unlock(&r->lock);
	return lsc_error(LSC_E_AUTH, "registry %s: authentication failed: %s: %s (%s)",
			 r->ref->registry, what, why,
			 anon ? "no credentials found for it" : cred_source(r));
}

/* --- ping ------------------------------------------------------------------------------------ */

static int ping_locked(struct lsc_registry *r)
{
	const char *schemes[2] = {"https", "http"};
	int nschemes = r->insecure || r->loopback ? 2 : 1;
	struct resp rs;
	struct retry rt;
	char url[600];
	int rc = 0;

	resp_init(&rs, NULL);
	retry_init(&rt, &r->lim, true);
	rs.deadline = rt.deadline;
	for (int attempt = 1;; attempt++) {
		CURLcode cc = CURLE_OK;
		int si;

		for (si = 0; si < nschemes; si++) {
			CURL *e;

			snprintf(url, sizeof(url), "%s://%s/v2/", schemes[si], r->ref->host);
			resp_reset(&rs);
			e = easy_new(r, url, NULL, &rs);
			if (!e) {
				rc = -ENOMEM;
				goto out;
			}
			cc = curl_easy_perform(e);
			rs.status = status_of(&rs);
			curl_easy_cleanup(e);
			if (cc == CURLE_OK || !(si + 1 < nschemes && no_tls_there(cc))) {
				break;
			}
		}
		if (si == nschemes) {
			si = nschemes - 1;
		}
		if (cc == CURLE_OK && !retryable_status(rs.status)) {
			snprintf(r->base, sizeof(r->base), "%s://%s", schemes[si], r->ref->host);
			break;
		}
		if (((cc != CURLE_OK && retryable_curl(cc)) || cc == CURLE_OK) &&
		    may_retry(&rt, &r->lim, attempt + 1, cc == CURLE_OK ? rs.retry_after : -1,
			      &rs)) {
			continue;
		}
		if (cc != CURLE_OK) {
			char why[300];

			if (bound_failure(why, sizeof(why), &rs, cc)) {
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
			rc = lsc_error(LSC_E_AUTH, "registry %s: authentication failed: %s asks for "
				       "authentication without a usable WWW-Authenticate challenge",
				       r->ref->registry, url);
		}
	} else if (rs.status == 404) {
		rc = lsc_error(LSC_E_NOT_FOUND, "registry %s: %s: not found: not a registry (no v2 "
			       "API)", r->ref->registry, url);
	} else if (rs.status < 200 || rs.status >= 300) {
		char why[300];

		error_text(why, sizeof(why), &rs);
		rc = lsc_error(LSC_E_NETWORK, "registry %s: %s answered %s", r->ref->registry, url,
			       why);
	}
	if (rc == 0) {
		r->pinged = true;
	}
out:
	resp_dispose(&rs);
	return rc;
}

static int ping(struct lsc_registry *r)
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
		   struct lsc_buf *out, struct resp *rs, const char *what)
{
	char url[MAX_URL], next[MAX_URL];
	bool renewed = false;
	struct retry rt;
	int rc = ping(r);

	retry_init(&rt, &r->lim, true);
	rs->deadline = rt.deadline;
	for (int attempt = 1; rc == 0; attempt++) {
		char *authz = NULL;
		unsigned gen;
		bool to_registry = true;
		CURLcode cc = CURLE_OK;

		rc = authz_get(r, &authz, &gen);
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
			resp_reset(rs);
			e = easy_new(r, url, h, rs);
			if (!e) {
				curl_slist_free_all(h);
				rc = -ENOMEM;
				break;
			}
			cc = curl_easy_perform(e);
			rs->status = status_of(rs);
			curl_easy_cleanup(e);
			curl_slist_free_all(h);
			if (cc != CURLE_OK || rs->status < 300 || rs->status >= 400 ||
			    !rs->location[0]) {
				break;
			}
			if (redirects >= MAX_REDIRECTS ||
			    resolve_location(next, sizeof(next), url, rs->location) < 0) {
				rc = lsc_error(LSC_E_NETWORK, "registry %s: %s: %s", r->ref->registry,
					       what, redirects >= MAX_REDIRECTS
							     ? "too many redirects"
							     : "redirected to an unusable location");
				break;
			}
			/* credentials only ever go to the registry's own scheme, host and port */
			to_registry = to_registry && same_origin(next, r->base);
			strcpy(url, next);
		}
		free_authz(authz);
		if (rc < 0) {
			break;
		}
		if (cc != CURLE_OK) {
			if (rs->too_large) {
				rc = lsc_error(LSC_E_TOO_LARGE, "registry %s: %s: larger than %zu bytes",
					       r->ref->registry, what, out ? out->max : 0);
				break;
			}
			if (retryable_curl(cc) && may_retry(&rt, &r->lim, attempt + 1, -1, rs)) {
				continue;
			}
			{
				char why[300];

				transfer_text(why, sizeof(why), rs, cc);
				rc = lsc_error(LSC_E_NETWORK, "registry %s: %s: %s%s",
					       r->ref->registry, what, why, rt.why);
			}
			break;
		}
		if (rs->status >= 200 && rs->status < 300) {
			break;
		}
		if (rs->status == 401 && !renewed && authz_renew(r, gen, authz != NULL) > 0) {
			renewed = true;
			attempt--;
			continue;
		}
		if (rs->status == 401 || rs->status == 403) {
			rc = auth_failed(r, rs, what);
			break;
		}
		if (retryable_status(rs->status) &&
		    may_retry(&rt, &r->lim, attempt + 1, rs->retry_after, rs)) {
			continue;
		}
		{
			char why[300];

			error_text(why, sizeof(why), rs);
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
	struct resp rs;
	int rc;

	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->ref->repository, ref);
	snprintf(what, sizeof(what), "manifest %s of %s", ref, r->ref->repository);
	resp_init(&rs, out);
	rc = request(r, path, ACCEPT_MANIFESTS, out, &rs, what);
	if (rc == 0 && strstr(rs.content_type, "distribution.manifest.v1")) {
		rc = lsc_error(LSC_E_UNSUPPORTED, "registry %s: %s: Docker image manifest schema 1 "
			       "(%s) is deprecated and not supported", r->ref->registry, what,
			       rs.content_type);
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
		rc = lsc_error(LSC_E_DIGEST_MISMATCH, "registry %s: %s: digest mismatch: the body is "
			       "%s, Docker-Content-Digest says %.80s", r->ref->registry, what,
			       digest, rs.docker_digest);
	}
	resp_dispose(&rs);
	return rc;
}

int lsc_registry_blob(struct lsc_registry *r, const char *digest, struct lsc_buf *out)
{
	char path[1024], what[300], got[LSC_DIGEST_MAX];
	struct resp rs;
	int rc;

	if (lsc_digest_check(digest) < 0) {
		return lsc_error(LSC_E_UNSUPPORTED, "registry %s: blob %.100s: unsupported digest",
				 r->ref->registry, digest);
	}
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->ref->repository, digest);
	snprintf(what, sizeof(what), "blob %s", digest);
	resp_init(&rs, out);
	rc = request(r, path, NULL, out, &rs, what);
	resp_dispose(&rs);
	if (rc == 0) {
		lsc_digest_buf(got, out->data ? (void *)out->data : "", out->len);
		if (strcmp(got, digest) != 0) {
			rc = lsc_error(LSC_E_DIGEST_MISMATCH, "registry %s: blob %s: digest mismatch: "
				       "got %s", r->ref->registry, digest, got);
		}
	}
	return rc;
}

/* --- blob streams ---------------------------------------------------------------------------- */

struct blob_stream {
	struct lsc_istream base;
	struct lsc_registry *r;
	char digest[LSC_DIGEST_MAX];
	char what[LSC_DIGEST_MAX + 16];
	int64_t size;
	CURLM *multi;
	CURL *easy;
	struct curl_slist *hdrs;
	struct resp rs;
	uint8_t *buf;
	size_t off, len;  /* buf[off, len): received, not read yet */
	uint64_t got;     /* bytes read by the pipeline, over every attempt */
	uint64_t start;   /* offset the current response starts at */
	uint64_t skip;    /* bytes of the current response to drop (a Range answered with 200) */
	bool active, done, paused, range_ok, overflow, bad_range;
	uint64_t idle_since; /* when the pipeline last took bytes and stopped waiting; 0: waiting */
	struct retry rt;
	int attempts, redirects;
	bool to_registry, renewed;
	char *authz;
	unsigned gen;
	char url[MAX_URL];
};

static size_t bs_on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct blob_stream *bs = ud;
	size_t len = size * nmemb, skip, need;
	long code = status_of(&bs->rs);

	if (code < 200 || code >= 300) {
		bs->rs.win_bytes += len;
		bs->rs.rate_bytes += len;
		if (bs->rs.err.len < MAX_ERROR_BODY) {
			size_t k = MAX_ERROR_BODY - bs->rs.err.len;

			lsc_buf_append(&bs->rs.err, p, len < k ? len : k);
		}
		return len;
	}
	if (!bs->range_ok) {
		/* first body bytes of this response: does it start where we asked? */
		if (code == 206) {
			unsigned long long a = 0;

			if (sscanf(bs->rs.content_range, "bytes %llu-", &a) != 1 || a != bs->start) {
				bs->bad_range = true;
				return 0;
			}
			bs->skip = 0;
		} else {
			bs->skip = bs->start; /* the whole blob again: drop what we have */
		}
		bs->range_ok = true;
	}
	skip = bs->skip < len ? (size_t)bs->skip : len;
	need = len - skip;
	if (need > STREAM_BUF - bs->len) {
		if (bs->off > 0) {
			memmove(bs->buf, bs->buf + bs->off, bs->len - bs->off);
			bs->len -= bs->off;
			bs->off = 0;
		}
		if (need > STREAM_BUF - bs->len) {
			bs->paused = true;
			return CURL_WRITEFUNC_PAUSE; /* delivered again once the reader has caught up */
		}
	}
	if (bs->size >= 0 && bs->got + (bs->len - bs->off) + need > (uint64_t)bs->size) {
		bs->overflow = true;
		return 0;
	}
	if (bs->size < 0 && bs->got + (bs->len - bs->off) + need > bs->r->lim.max_blob) {
		bs->overflow = true; /* no size in the descriptor: the layer bound */
		return 0;
	}
	bs->rs.win_bytes += len;
	bs->rs.rate_bytes += len;
	bs->rs.body_seen = true;
	bs->skip -= skip;
	memcpy(bs->buf + bs->len, p + skip, need);
	bs->len += need;
	return len;
}

static void bs_stop(struct blob_stream *bs)
{
	if (bs->easy) {
		curl_multi_remove_handle(bs->multi, bs->easy);
		curl_easy_cleanup(bs->easy);
		bs->easy = NULL;
	}
	curl_slist_free_all(bs->hdrs);
	bs->hdrs = NULL;
	bs->active = false;
	bs->paused = false;
}

/* Starts a request for the rest of the blob: at bs->url, or at the registry on a new attempt. */
static int bs_start(struct blob_stream *bs, bool fresh)
{
	struct lsc_registry *r = bs->r;
	uint64_t from = bs->got + (bs->len - bs->off);
	char range[64];
	int rc;

	if (fresh) {
		free_authz(bs->authz);
		bs->authz = NULL;
		rc = authz_get(r, &bs->authz, &bs->gen);
		if (rc < 0) {
			return rc;
		}
		snprintf(bs->url, sizeof(bs->url), "%s/v2/%s/blobs/%s", r->base, r->ref->repository,
			 bs->digest);
		bs->to_registry = true;
		bs->redirects = 0;
	}
	if (bs->authz && bs->to_registry) {
		bs->hdrs = curl_slist_append(bs->hdrs, bs->authz);
	}
	if (from > 0) {
		snprintf(range, sizeof(range), "Range: bytes=%llu-", (unsigned long long)from);
		bs->hdrs = curl_slist_append(bs->hdrs, range);
	}
	resp_reset(&bs->rs);
	bs->start = from;
	bs->skip = 0;
	bs->range_ok = false;
	bs->bad_range = false;
	bs->easy = easy_new(r, bs->url, bs->hdrs, &bs->rs);
	if (!bs->easy) {
		return -ENOMEM;
	}
	curl_easy_setopt(bs->easy, CURLOPT_WRITEFUNCTION, bs_on_body);
	curl_easy_setopt(bs->easy, CURLOPT_WRITEDATA, bs);
	if (curl_multi_add_handle(bs->multi, bs->easy) != CURLM_OK) {
		return -ENOMEM;
	}
	bs->active = true;
	return 0;
}

/* A transfer ended with cc: done, or the next request to make, or the error. */
static int bs_finish(struct blob_stream *bs, CURLcode cc)
{
	struct lsc_registry *r = bs->r;
	uint64_t have;
	long status = status_of(&bs->rs);
	char next[MAX_URL];

	bs->rs.status = status;
	bs_stop(bs);
	have = bs->got + (bs->len - bs->off);
	if (bs->overflow && bs->size < 0) {
		return lsc_error(LSC_E_TOO_LARGE,
				 "registry %s: %s: its descriptor gives no size, and "
				 "it is larger than %llu bytes (the layer bound)",
				 r->ref->registry, bs->what, (unsigned long long)r->lim.max_blob);
	}
	if (bs->overflow) {
		return lsc_error(LSC_E_TOO_LARGE, "registry %s: %s: more bytes than the %lld its "
				 "descriptor says", r->ref->registry, bs->what, (long long)bs->size);
	}
	if (bs->bad_range) {
		return lsc_error(LSC_E_NETWORK, "registry %s: %s: a resumed transfer does not start "
				 "at byte %llu (Content-Range: %.60s)", r->ref->registry, bs->what,
				 (unsigned long long)bs->start, bs->rs.content_range);
	}
	if (cc == CURLE_OK && status >= 300 && status < 400 && bs->rs.location[0]) {
		if (bs->redirects >= MAX_REDIRECTS ||
		    resolve_location(next, sizeof(next), bs->url, bs->rs.location) < 0) {
			return lsc_error(LSC_E_NETWORK, "registry %s: %s: %s", r->ref->registry,
					 bs->what, bs->redirects >= MAX_REDIRECTS
							   ? "too many redirects"
							   : "redirected to an unusable location");
		}
		bs->redirects++;
		bs->to_registry = bs->to_registry && same_origin(next, r->base);
		strcpy(bs->url, next);
		return bs_start(bs, false);
	}
	if (cc == CURLE_OK && status >= 200 && status < 300) {
		if (bs->size < 0 || have >= (uint64_t)bs->size) {
			bs->done = true;
			return 0;
		}
		cc = CURLE_PARTIAL_FILE; /* a clean end short of the size: resume */
	}
	if (cc == CURLE_OK && status == 401 && !bs->renewed &&
	    authz_renew(r, bs->gen, bs->authz != NULL) > 0) {
		bs->renewed = true;
		return bs_start(bs, true);
	}
	if (cc == CURLE_OK && (status == 401 || status == 403)) {
		return auth_failed(r, &bs->rs, bs->what);
	}
	++bs->attempts;
	if (((cc != CURLE_OK && retryable_curl(cc)) ||
	     (cc == CURLE_OK && retryable_status(status))) &&
	    may_retry(&bs->rt, &r->lim, bs->attempts + 1, cc == CURLE_OK ? bs->rs.retry_after : -1,
		      &bs->rs)) {
		return bs_start(bs, true);
	}
	if (cc != CURLE_OK) {
		char why[300];

		transfer_text(why, sizeof(why), &bs->rs, cc);
		if (bs->size >= 0) {
			return lsc_error(LSC_E_NETWORK,
					 "registry %s: %s: %s after %llu of %lld bytes%s",
					 r->ref->registry, bs->what, why, (unsigned long long)have,
					 (long long)bs->size, bs->rt.why);
		}
		return lsc_error(LSC_E_NETWORK, "registry %s: %s: %s after %llu bytes%s",
				 r->ref->registry, bs->what, why, (unsigned long long)have,
				 bs->rt.why);
	}
	{
		char why[300];

		error_text(why, sizeof(why), &bs->rs);
		return lsc_error(status == 404 ? LSC_E_NOT_FOUND : LSC_E_NETWORK,
				 "registry %s: %s: %s%s%s", r->ref->registry, bs->what,
				 status == 404 ? "not found: " : "", why, bs->rt.why);
	}
}

static ssize_t bs_read(struct lsc_istream *is, void *p, size_t n)
{
	struct blob_stream *bs = (struct blob_stream *)is;

	for (;;) {
		CURLMsg *m;
		int still = 0, left, rc;

		if (bs->len > bs->off) {
			size_t k = bs->len - bs->off < n ? bs->len - bs->off : n;

			memcpy(p, bs->buf + bs->off, k);
			bs->off += k;
			bs->got += k;
			if (!bs->idle_since) {
				bs->idle_since = now_ms();
			}
			if (bs->off == bs->len) {
				bs->off = bs->len = 0;
			}
			if (bs->paused && bs->easy) {
				bs->paused = false;
				curl_easy_pause(bs->easy, CURLPAUSE_CONT);
			}
			return (ssize_t)k;
		}
		if (bs->done) {
			return 0;
		}
		if (!bs->active) {
			rc = bs_start(bs, true);
			if (rc < 0) {
				return rc;
			}
			continue;
		}
		if (bs->idle_since) {
			/* the time the pipeline spent on the last bytes is not the network's */
			uint64_t now = now_ms();

			if (now > bs->idle_since) {
				bs->rs.win_start += now - bs->idle_since;
				bs->rs.rate_start += now - bs->idle_since;
			}
			bs->idle_since = 0;
		}
		if (curl_multi_perform(bs->multi, &still) != CURLM_OK) {
			return lsc_error(LSC_E_NETWORK, "registry %s: %s: transfer failed",
					 bs->r->ref->registry, bs->what);
		}
		while ((m = curl_multi_info_read(bs->multi, &left))) {
			if (m->msg == CURLMSG_DONE && m->easy_handle == bs->easy) {
				rc = bs_finish(bs, m->data.result);
				if (rc < 0) {
					return rc;
				}
				break; /* bs_finish may have replaced the handle */
			}
		}
		if (bs->len == bs->off && bs->active && still) {
			curl_multi_poll(bs->multi, NULL, 0, 1000, NULL);
		}
	}
}

static int bs_close(struct lsc_istream *is)
{
	struct blob_stream *bs = (struct blob_stream *)is;
	int err = is->err;

	bs_stop(bs);
	curl_multi_cleanup(bs->multi);
	resp_dispose(&bs->rs);
	free_authz(bs->authz);
	free(bs->buf);
	free(bs);
	return err;
}

static const struct lsc_istream_ops blob_ops = {"registry blob", bs_read, bs_close};

int lsc_registry_blob_open(struct lsc_istream **out, struct lsc_registry *r, const char *digest,
			   int64_t size)
{
	struct blob_stream *bs;
	int rc;

	*out = NULL;
	if (lsc_digest_check(digest) < 0) {
		return lsc_error(LSC_E_UNSUPPORTED, "registry %s: layer %.100s: unsupported digest",
				 r->ref->registry, digest);
	}
	rc = ping(r);
	if (rc < 0) {
		return rc;
	}
	bs = calloc(1, sizeof(*bs));
	if (!bs || !(bs->buf = malloc(STREAM_BUF)) || !(bs->multi = curl_multi_init())) {
		if (bs) {
			free(bs->buf);
		}
		free(bs);
		return -ENOMEM;
	}
	bs->base.ops = &blob_ops;
	bs->r = r;
	retry_init(&bs->rt, &r->lim, false);
	bs->size = size;
	snprintf(bs->digest, sizeof(bs->digest), "%s", digest);
	snprintf(bs->what, sizeof(bs->what), "layer %s", digest);
	resp_init(&bs->rs, NULL);
	*out = &bs->base;
	return 0;
}

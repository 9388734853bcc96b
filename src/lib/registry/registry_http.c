#include "registry_int.h"
#include "util/error.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_ATTEMPTS 5	   /* tries of one request or transfer: 4 retries */
#define MAX_RETRY_AFTER 60 /* seconds of Retry-After honoured (within the wait budget) */
#define MAX_BACKOFF_MS 8000u

static atomic_uint backoff_first_ms = 250;

static const struct lsc_registry_limits default_limits = {
    LSC_REGISTRY_WINDOW_MS,	LSC_REGISTRY_MIN_BYTES, LSC_REGISTRY_REQUEST_MS,
    LSC_REGISTRY_RETRY_WAIT_MS, LSC_REGISTRY_MAX_BLOB,	LSC_REGISTRY_RATE_WINDOW_MS,
    LSC_REGISTRY_RATE_MIN_BYTES};
static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lsc_registry_limits limits = {LSC_REGISTRY_WINDOW_MS,	LSC_REGISTRY_MIN_BYTES,
					    LSC_REGISTRY_REQUEST_MS,	LSC_REGISTRY_RETRY_WAIT_MS,
					    LSC_REGISTRY_MAX_BLOB,	LSC_REGISTRY_RATE_WINDOW_MS,
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
void lsc_registry_http_limits(struct lsc_registry_limits *out)
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

uint64_t lsc_registry_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int lsc_registry_http_global_init(void)
{
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		return lsc_error(LSC_E_INTERNAL, "libcurl: %s", curl_easy_strerror(curl_init_rc));
	}
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

void lsc_registry_http_retry_init(struct lsc_registry_retry *rt,
				  const struct lsc_registry_limits *lim, bool whole)
{
	memset(rt, 0, sizeof(*rt));
	rt->deadline = whole ? lsc_registry_http_now_ms() + lim->request_ms : 0;
}

/*
 * Whether try number `attempt` (2, 3, ...) may start after the response rs, and if so, waits
 * for it: Retry-After when given, else exponential backoff. Never past MAX_ATTEMPTS, the wait
 * budget or the deadline, never after the deadline expired, and never after a stall of a
 * transfer that had not been receiving for two windows. false with rt->why set (or "" when
 * there were simply no attempts left).
 */
bool lsc_registry_http_may_retry(struct lsc_registry_retry *rt,
				 const struct lsc_registry_limits *lim, int attempt,
				 long retry_after, const struct lsc_registry_resp *rs)
{
	unsigned ms = atomic_load(&backoff_first_ms);
	uint64_t now = lsc_registry_http_now_ms();

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
		ms = (unsigned)(retry_after > MAX_RETRY_AFTER ? MAX_RETRY_AFTER : retry_after) *
		     1000u;
	}
	if (rt->waited_ms + ms > lim->retry_wait_ms ||
	    (rt->deadline && now + ms + lim->window_ms / 5 >= rt->deadline)) {
		if (retry_after >= 0) {
			snprintf(rt->why, sizeof(rt->why),
				 " (Retry-After %ld s: more than the %u s "
				 "a request may wait)",
				 retry_after, lim->retry_wait_ms / 1000);
		} else {
			snprintf(rt->why, sizeof(rt->why),
				 " (no retry: the request's %u s of "
				 "waiting for retries are spent)",
				 lim->retry_wait_ms / 1000);
		}
		return false;
	}
	sleep_ms(ms);
	rt->waited_ms += ms;
	return true;
}

/* --- one HTTP exchange --------------------------------------------------------------------- */

void lsc_registry_http_resp_init(struct lsc_registry_resp *rs, struct lsc_buf *body)
{
	memset(rs, 0, sizeof(*rs));
	rs->body = body;
	rs->retry_after = -1;
	lsc_buf_init(&rs->err, LSC_REGISTRY_MAX_ERROR_BODY);
}

/* Forgets the previous response (a redirect, a retry), keeping the buffers. */
void lsc_registry_http_resp_reset(struct lsc_registry_resp *rs)
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

void lsc_registry_http_resp_dispose(struct lsc_registry_resp *rs)
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
	struct lsc_registry_resp *rs = ud;
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
		if (vlen >= LSC_REGISTRY_MAX_URL) {
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

long lsc_registry_http_status(struct lsc_registry_resp *rs)
{
	long code = 0;

	curl_easy_getinfo(rs->easy, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct lsc_registry_resp *rs = ud;
	size_t len = size * nmemb;
	long code = lsc_registry_http_status(rs);

	rs->win_bytes += len;
	rs->rate_bytes += len;
	rs->body_seen = true;
	if (code >= 200 && code < 300) {
		if (rs->body && lsc_buf_append(rs->body, p, len) < 0) {
			rs->too_large = true;
			return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
		}
	} else if (rs->err.len < LSC_REGISTRY_MAX_ERROR_BODY) {
		size_t k = LSC_REGISTRY_MAX_ERROR_BODY - rs->err.len;

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
	struct lsc_registry_resp *rs = ud;
	uint64_t now = lsc_registry_http_now_ms();

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
static void attempt_begin(struct lsc_registry_resp *rs)
{
	rs->att_start = rs->win_start = rs->rate_start = lsc_registry_http_now_ms();
	rs->win_bytes = rs->rate_bytes = rs->hdr_bytes = rs->stall_bytes = rs->stall_ms = 0;
	rs->slow = false;
	rs->stalled = rs->expired = rs->body_seen = rs->headers_too_large = false;
	rs->long_header = NULL;
}

CURL *lsc_registry_http_easy_new(struct lsc_registry *r, const char *url, struct curl_slist *hdrs,
				 struct lsc_registry_resp *rs)
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
		uint64_t now = lsc_registry_http_now_ms();

		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
				 (long)(rs->deadline > now ? rs->deadline - now : 1) + 2000L);
	}
	return e;
}

bool lsc_registry_http_retryable_curl(CURLcode c)
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

bool lsc_registry_http_retryable_status(long s)
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
bool lsc_registry_http_bound_failure(char *out, size_t cap, const struct lsc_registry_resp *rs,
				     CURLcode cc)
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
		unsigned max = strcmp(rs->long_header, "Location") == 0 ? LSC_REGISTRY_MAX_URL
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
void lsc_registry_http_transfer_text(char *out, size_t cap, const struct lsc_registry_resp *rs,
				     CURLcode cc)
{
	if (!lsc_registry_http_bound_failure(out, cap, rs, cc)) {
		snprintf(out, cap, "%s", rs->errbuf[0] ? rs->errbuf : curl_easy_strerror(cc));
	}
}

/*
 * An HTTPS attempt that failed as it does against a plain HTTP server (the handshake, not the
 * certificate: a certificate that does not verify is never a reason to drop TLS).
 */
bool lsc_registry_http_no_tls(CURLcode c)
{
	return c == CURLE_SSL_CONNECT_ERROR || c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING;
}

/* "MANIFEST_UNKNOWN: manifest unknown" from a registry's JSON error body, or the status line. */
void lsc_registry_http_error_text(char *out, size_t cap, const struct lsc_registry_resp *rs)
{
	json_t *j =
	    rs->err.len ? json_loadb((const char *)rs->err.data, rs->err.len, 0, NULL) : NULL;
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
bool lsc_registry_http_origin(const char *url, char *out, size_t cap)
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

bool lsc_registry_http_same_origin(const char *a, const char *b)
{
	char oa[600], ob[600];

	return lsc_registry_http_origin(a, oa, sizeof(oa)) &&
	       lsc_registry_http_origin(b, ob, sizeof(ob)) && strcmp(oa, ob) == 0;
}

/* The absolute URL of a Location relative to url; only http and https. */
int lsc_registry_http_resolve_location(char *out, size_t cap, const char *url, const char *location)
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

/*
 * lib/registry_http: the parts of one registry exchange that need no server: the limits and
 * LAYERSCAN_REGISTRY_LIMITS, which failures are retried, the texts of our bounds and of a
 * registry's error body, origins and redirect targets. The transfers themselves are the
 * registry suite's (test_registry.py against docker-registry behind a fault proxy).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/registry/registry_int.h"

TestSuite(registry_http);

static void limits_with(struct lsc_registry_limits *out, const char *env)
{
	lsc_registry_set_limits(NULL);
	if (env) {
		setenv("LAYERSCAN_REGISTRY_LIMITS", env, 1);
	} else {
		unsetenv("LAYERSCAN_REGISTRY_LIMITS");
	}
	lsc_registry_http_limits(out);
	unsetenv("LAYERSCAN_REGISTRY_LIMITS");
}

Test(registry_http, default_limits)
{
	struct lsc_registry_limits l;

	limits_with(&l, NULL);
	cr_assert_eq(l.window_ms, LSC_REGISTRY_WINDOW_MS);
	cr_assert_eq(l.min_bytes, LSC_REGISTRY_MIN_BYTES);
	cr_assert_eq(l.request_ms, LSC_REGISTRY_REQUEST_MS);
	cr_assert_eq(l.retry_wait_ms, LSC_REGISTRY_RETRY_WAIT_MS);
	cr_assert_eq(l.max_blob, LSC_REGISTRY_MAX_BLOB);
	cr_assert_eq(l.rate_window_ms, LSC_REGISTRY_RATE_WINDOW_MS);
	cr_assert_eq(l.rate_min_bytes, LSC_REGISTRY_RATE_MIN_BYTES);
}

Test(registry_http, limits_from_the_environment)
{
	struct lsc_registry_limits l;

	limits_with(&l, "window_ms=2000,min_bytes=10,max_blob=1048576,rate_window_ms=7");
	cr_assert_eq(l.window_ms, 2000);
	cr_assert_eq(l.min_bytes, 10);
	cr_assert_eq(l.max_blob, 1048576);
	cr_assert_eq(l.rate_window_ms, 7);
	cr_assert_eq(l.request_ms, LSC_REGISTRY_REQUEST_MS);
}

Test(registry_http, malformed_limits_ignored)
{
	struct lsc_registry_limits l;

	/* zero, not a number, trailing garbage, over 32 bits, no '=', an unknown key */
	limits_with(&l, "window_ms=0,min_bytes=x,request_ms=5s,retry_wait_ms=4294967296,max_blob,"
			"nope=3,=4");
	cr_assert_eq(l.window_ms, LSC_REGISTRY_WINDOW_MS);
	cr_assert_eq(l.min_bytes, LSC_REGISTRY_MIN_BYTES);
	cr_assert_eq(l.request_ms, LSC_REGISTRY_REQUEST_MS);
	cr_assert_eq(l.retry_wait_ms, LSC_REGISTRY_RETRY_WAIT_MS);
	cr_assert_eq(l.max_blob, LSC_REGISTRY_MAX_BLOB);
}

Test(registry_http, set_limits_hook)
{
	struct lsc_registry_limits want = {1, 2, 3, 4, 5, 6, 7}, l;

	lsc_registry_set_limits(&want);
	unsetenv("LAYERSCAN_REGISTRY_LIMITS");
	lsc_registry_http_limits(&l);
	lsc_registry_set_limits(NULL);
	cr_assert_eq(memcmp(&l, &want, sizeof(l)), 0);
}

Test(registry_http, what_is_retried)
{
	long yes[] = {408, 429, 500, 502, 503, 504};
	long no[] = {200, 206, 301, 400, 401, 403, 404, 501, 505};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		cr_assert(lsc_registry_http_retryable_status(yes[i]), "%ld", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		cr_assert_not(lsc_registry_http_retryable_status(no[i]), "%ld", no[i]);
	}
	cr_assert(lsc_registry_http_retryable_curl(CURLE_COULDNT_CONNECT));
	cr_assert(lsc_registry_http_retryable_curl(CURLE_PARTIAL_FILE));
	cr_assert(lsc_registry_http_retryable_curl(CURLE_RECV_ERROR));
	cr_assert_not(lsc_registry_http_retryable_curl(CURLE_PEER_FAILED_VERIFICATION));
	cr_assert_not(lsc_registry_http_retryable_curl(CURLE_WRITE_ERROR));
	/* a certificate that does not verify is never a reason to drop TLS */
	cr_assert(lsc_registry_http_no_tls(CURLE_SSL_CONNECT_ERROR));
	cr_assert_not(lsc_registry_http_no_tls(CURLE_PEER_FAILED_VERIFICATION));
}

static void error_body(const char *body, long status, const char *want)
{
	struct lsc_registry_resp rs;
	char out[300];

	lsc_registry_http_resp_init(&rs, NULL);
	rs.status = status;
	cr_assert_eq(lsc_buf_append(&rs.err, body, strlen(body)), 0);
	lsc_registry_http_error_text(out, sizeof(out), &rs);
	cr_assert_str_eq(out, want);
	lsc_registry_http_resp_dispose(&rs);
}

Test(registry_http, error_texts)
{
	error_body(
	    "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}", 404,
	    "MANIFEST_UNKNOWN: manifest unknown");
	error_body("{\"errors\":[{\"code\":\"DENIED\"}]}", 403, "DENIED");
	error_body("not json", 502, "HTTP 502");
	error_body("", 500, "HTTP 500");
	/* the server's text, printable ASCII only */
	error_body("{\"errors\":[{\"message\":\"a\\nb\\u00e9\"}]}", 400, "a?b??");
}

Test(registry_http, bound_texts)
{
	struct lsc_registry_limits l = {5000, 1024, 30000, 6000, 1, 30000, 300 << 10};
	struct lsc_registry_resp rs;
	char out[300];

	lsc_registry_http_resp_init(&rs, NULL);
	rs.lim = &l;
	cr_assert_not(
	    lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_COULDNT_CONNECT));
	rs.stalled = true;
	rs.stall_bytes = 10;
	rs.stall_ms = 5049;
	cr_assert(
	    lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_ABORTED_BY_CALLBACK));
	cr_assert_str_eq(out, "stalled: sent 10 bytes in 5 s: slower than 1 KiB per 5 s");
	rs.slow = true;
	rs.stall_ms = 30250;
	lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_ABORTED_BY_CALLBACK);
	cr_assert_str_eq(out, "stalled: sent 10 bytes in 30.3 s: slower than 300 KiB per 30 s");
	rs.stalled = rs.slow = false;
	rs.expired = true;
	lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_ABORTED_BY_CALLBACK);
	cr_assert_str_eq(out, "no complete answer within 30 s (retries included)");
	rs.expired = false;
	rs.long_header = "Location";
	lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_WRITE_ERROR);
	cr_assert_str_eq(out, "response header Location over 8 KiB");
	rs.long_header = NULL;
	rs.headers_too_large = true;
	lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_WRITE_ERROR);
	cr_assert_str_eq(out, "response headers over 256 KiB in all");
	rs.headers_too_large = false;
	lsc_registry_http_bound_failure(out, sizeof(out), &rs, CURLE_OUT_OF_MEMORY);
	cr_assert_str_eq(out, "a response header line over libcurl's 100 KiB limit");
	snprintf(rs.errbuf, sizeof(rs.errbuf), "Connection refused");
	lsc_registry_http_transfer_text(out, sizeof(out), &rs, CURLE_COULDNT_CONNECT);
	cr_assert_str_eq(out, "Connection refused");
	lsc_registry_http_resp_dispose(&rs);
}

Test(registry_http, origins)
{
	char o[600];

	cr_assert(lsc_registry_http_origin("HTTPS://Registry.Example:443/v2/", o, sizeof(o)));
	cr_assert_str_eq(o, "https://registry.example:443");
	cr_assert(lsc_registry_http_origin("http://127.0.0.1/v2/", o, sizeof(o)));
	cr_assert_str_eq(o, "http://127.0.0.1:80");
	cr_assert(lsc_registry_http_same_origin("https://r.io/v2/a", "https://r.io:443"));
	cr_assert_not(lsc_registry_http_same_origin("https://r.io/v2/a", "http://r.io"));
	cr_assert_not(lsc_registry_http_same_origin("https://r.io:5000/", "https://r.io"));
	cr_assert_not(lsc_registry_http_same_origin("https://cdn.r.io/", "https://r.io"));
}

Test(registry_http, redirect_targets)
{
	char out[LSC_REGISTRY_MAX_URL];

	cr_assert_eq(lsc_registry_http_resolve_location(
			 out, sizeof(out), "https://r.io/v2/a/blobs/x", "/storage/x?sig=1"),
		     0);
	cr_assert_str_eq(out, "https://r.io/storage/x?sig=1");
	cr_assert_eq(lsc_registry_http_resolve_location(out, sizeof(out), "https://r.io/v2/",
							"http://cdn.example/x"),
		     0);
	cr_assert_str_eq(out, "http://cdn.example/x");
	cr_assert_eq(lsc_registry_http_resolve_location(out, sizeof(out), "https://r.io/v2/",
							"file:///etc/passwd"),
		     -1);
	cr_assert_eq(lsc_registry_http_resolve_location(out, sizeof(out), "https://r.io/v2/",
							"ftp://r.io/x"),
		     -1);
	cr_assert_eq(lsc_registry_http_resolve_location(out, 16, "https://r.io/v2/",
							"https://r.io/a/long/path"),
		     -1);
}

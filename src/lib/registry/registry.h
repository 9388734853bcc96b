/*
 * A client of the OCI distribution API (docker's "registry v2"), over libcurl: what a scan needs
 * to read one image, the way docker pull and skopeo do it.
 *
 *  - Ping (GET /v2/) picks the scheme and learns the auth challenge. HTTPS is verified against the
 *    system CA store or $SSL_CERT_FILE / $SSL_CERT_DIR unless `insecure`. Plain HTTP is used
 *    after an HTTPS handshake failed (the server speaks no TLS) with `insecure`, or for a
 *    loopback registry (localhost, 127.0.0.0/8, ::1), as docker allows for those; a
 *    certificate that does not verify is an error, never a reason to fall back.
 *  - Auth: Basic with the credential from credentials.h; Bearer through the challenge's realm
 *    (anonymous, with the username and password, or with an identity token as an OAuth2 refresh
 *    token), one token per client reused until it expires, renewed once on a 401.
 *  - Redirects are followed by hand, at most 10, and the Authorization header goes only to the
 *    registry's own scheme, host and port.
 *  - Connection errors, 5xx and 429 are retried with exponential backoff (Retry-After honoured,
 *    capped); a blob transfer cut short resumes with a Range request.
 *  - Every request has a connect timeout and a stall timeout; every body has a size bound.
 *  - No credential or token is ever put in an error message or log.
 *
 * One client per scan, shared by the layer threads: token state is locked; each request and each
 * blob stream has its own curl handle.
 */
#ifndef LSC_LIB_REGISTRY_H
#define LSC_LIB_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/digest.h"
#include "reference.h"
#include "lib/stream.h"
#include "util/buf.h"

struct lsc_registry_options {
	const char *authfile; /* --authfile, or NULL (borrowed) */
	bool insecure;	      /* plain HTTP and unverified TLS are allowed */
	/* LAYERSCAN_USERNAME/LAYERSCAN_PASSWORD may go to this registry (the caller decides with
	   lsc_credentials_env_applies()); otherwise only the auth file's entry and the credential
	   helper for this registry are used, or nothing */
	bool env_credentials;
};

struct lsc_registry;

/*
 * A client for ref's registry and repository (ref is borrowed and must outlive the client). Does
 * no I/O: the first request pings. *out is the caller's to free with lsc_registry_free().
 */
int lsc_registry_new(struct lsc_registry **out, const struct lsc_reference *ref,
		     const struct lsc_registry_options *o);
void lsc_registry_free(struct lsc_registry *r);

/*
 * GET /v2/<repo>/manifests/<ref> (a tag or a digest), accepting OCI and Docker manifests and
 * indexes. The body (at most LSC_MAX_MANIFEST bytes) goes to out, its sha256 to digest. The body
 * must match `ref` when it is a digest, and the Docker-Content-Digest header when there is one
 * (-LSC_E_DIGEST_MISMATCH).
 */
int lsc_registry_manifest(struct lsc_registry *r, const char *ref, struct lsc_buf *out,
			  char digest[LSC_DIGEST_MAX]);

/* A whole blob (a config) into out, at most out's bound, verified against its digest. */
int lsc_registry_blob(struct lsc_registry *r, const char *digest, struct lsc_buf *out);

/*
 * A blob as a stream, bytes as they arrive, for the layer pipeline (which verifies the digest).
 * size is the descriptor's: more bytes are an error, fewer a cut transfer that is resumed.
 */
int lsc_registry_blob_open(struct lsc_istream **out, struct lsc_registry *r, const char *digest,
			   int64_t size);

/* The registry as users name it ("docker.io", "127.0.0.1:5000"), for messages. */
const char *lsc_registry_name(const struct lsc_registry *r);

/* Test hook: the first backoff delay in milliseconds (default 250), doubling up to 8 s. */
void lsc_registry_set_backoff_ms(unsigned ms);

/*
 * Time and size limits of every registry request, so that no server can hold a scan: a request is
 * one ping, manifest, config blob or token request with all its attempts, redirects and waits,
 * or one layer blob stream with its resumed transfers.
 *
 *  - rate: in every window of window_ms an unfinished transfer receives at least min_bytes
 *    (header and body bytes; connecting and the TLS handshake count as time), or it is stopped
 *    as stalled. A layer's window only runs while the pipeline waits for bytes.
 *  - a total deadline: request_ms for a whole request (a layer stream has none: its size and the
 *    rate bound it);
 *  - retries (connection errors, cut transfers, 5xx, 429) at most 4, waiting at most
 *    retry_wait_ms in all (a Retry-After beyond that is not waited for), never past the
 *    deadline; a stalled transfer is retried only when it had been receiving for at least two
 *    windows (a connection that died, not a server that drips);
 *  - response headers: at most LSC_REGISTRY_HEADERS_MAX bytes in all;
 *  - a layer blob whose descriptor gives no size: at most max_blob bytes.
 */
#define LSC_REGISTRY_WINDOW_MS 5000u
#define LSC_REGISTRY_MIN_BYTES 1024u
#define LSC_REGISTRY_REQUEST_MS 30000u
#define LSC_REGISTRY_RETRY_WAIT_MS 6000u
#define LSC_REGISTRY_HEADERS_MAX (256u << 10)
#define LSC_REGISTRY_MAX_BLOB (64ULL << 30) /* as the layer's uncompressed bound */
/* the sustained rate: a transfer must average 10 KiB/s over every 30 s it runs */
#define LSC_REGISTRY_RATE_WINDOW_MS 30000u
#define LSC_REGISTRY_RATE_MIN_BYTES (300u << 10)

struct lsc_registry_limits {
	unsigned window_ms, min_bytes, request_ms, retry_wait_ms;
	uint64_t max_blob;
	unsigned rate_window_ms, rate_min_bytes; /* rate_window_ms 0: no sustained-rate check */
};

/*
 * Test hook: the limits of clients created afterwards (NULL restores the defaults above). The
 * environment variable LAYERSCAN_REGISTRY_LIMITS (documented for users: a slow pull-through cache;
 * tests shorten them) overrides them per process:
 * "window_ms=2000,min_bytes=1024,request_ms=30000,retry_wait_ms=6000,max_blob=1048576,
 * rate_window_ms=30000,rate_min_bytes=307200" (any
 * subset; malformed entries are ignored).
 */
void lsc_registry_set_limits(const struct lsc_registry_limits *l);

#endif

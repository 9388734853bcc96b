#include "registry_int.h"
#include "util/error.h"
#include "lib/stream.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAM_BUF (1u << 20) /* blob bytes received and not read yet */

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
	struct lsc_registry_resp rs;
	uint8_t *buf;
	size_t off, len; /* buf[off, len): received, not read yet */
	uint64_t got;	 /* bytes read by the pipeline, over every attempt */
	uint64_t start;	 /* offset the current response starts at */
	uint64_t skip;	 /* bytes of the current response to drop (a Range answered with 200) */
	bool active, done, paused, range_ok, overflow, bad_range;
	uint64_t idle_since; /* when the pipeline last took bytes and stopped waiting; 0: waiting */
	struct lsc_registry_retry rt;
	int attempts, redirects;
	bool to_registry, renewed;
	char *authz;
	unsigned gen;
	char url[LSC_REGISTRY_MAX_URL];
};

static size_t bs_on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct blob_stream *bs = ud;
	size_t len = size * nmemb, skip, need;
	long code = lsc_registry_http_status(&bs->rs);

	if (code < 200 || code >= 300) {
		bs->rs.win_bytes += len;
		bs->rs.rate_bytes += len;
		if (bs->rs.err.len < LSC_REGISTRY_MAX_ERROR_BODY) {
			size_t k = LSC_REGISTRY_MAX_ERROR_BODY - bs->rs.err.len;

			lsc_buf_append(&bs->rs.err, p, len < k ? len : k);
		}
		return len;
	}
	if (!bs->range_ok) {
		/* first body bytes of this response: does it start where we asked? */
		if (code == 206) {
			unsigned long long a = 0;

			if (sscanf(bs->rs.content_range, "bytes %llu-", &a) != 1 ||
			    a != bs->start) {
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
			return CURL_WRITEFUNC_PAUSE; /* delivered again once the reader has caught
							up */
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
		lsc_registry_auth_free(bs->authz);
		bs->authz = NULL;
		rc = lsc_registry_auth_get(r, &bs->authz, &bs->gen);
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
	lsc_registry_http_resp_reset(&bs->rs);
	bs->start = from;
	bs->skip = 0;
	bs->range_ok = false;
	bs->bad_range = false;
	bs->easy = lsc_registry_http_easy_new(r, bs->url, bs->hdrs, &bs->rs);
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
	long status = lsc_registry_http_status(&bs->rs);
	char next[LSC_REGISTRY_MAX_URL];

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
		return lsc_error(LSC_E_TOO_LARGE,
				 "registry %s: %s: more bytes than the %lld its "
				 "descriptor says",
				 r->ref->registry, bs->what, (long long)bs->size);
	}
	if (bs->bad_range) {
		return lsc_error(LSC_E_NETWORK,
				 "registry %s: %s: a resumed transfer does not start "
				 "at byte %llu (Content-Range: %.60s)",
				 r->ref->registry, bs->what, (unsigned long long)bs->start,
				 bs->rs.content_range);
	}
	if (cc == CURLE_OK && status >= 300 && status < 400 && bs->rs.location[0]) {
		if (bs->redirects >= LSC_REGISTRY_MAX_REDIRECTS ||
		    lsc_registry_http_resolve_location(next, sizeof(next), bs->url,
						       bs->rs.location) < 0) {
			return lsc_error(LSC_E_NETWORK, "registry %s: %s: %s", r->ref->registry,
					 bs->what,
					 bs->redirects >= LSC_REGISTRY_MAX_REDIRECTS
					     ? "too many redirects"
					     : "redirected to an unusable location");
		}
		bs->redirects++;
		bs->to_registry = bs->to_registry && lsc_registry_http_same_origin(next, r->base);
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
	    lsc_registry_auth_renew(r, bs->gen, bs->authz != NULL) > 0) {
		bs->renewed = true;
		return bs_start(bs, true);
	}
	if (cc == CURLE_OK && (status == 401 || status == 403)) {
		return lsc_registry_auth_failed(r, &bs->rs, bs->what);
	}
	++bs->attempts;
	if (((cc != CURLE_OK && lsc_registry_http_retryable_curl(cc)) ||
	     (cc == CURLE_OK && lsc_registry_http_retryable_status(status))) &&
	    lsc_registry_http_may_retry(&bs->rt, &r->lim, bs->attempts + 1,
					cc == CURLE_OK ? bs->rs.retry_after : -1, &bs->rs)) {
		return bs_start(bs, true);
	}
	if (cc != CURLE_OK) {
		char why[300];

		lsc_registry_http_transfer_text(why, sizeof(why), &bs->rs, cc);
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

		lsc_registry_http_error_text(why, sizeof(why), &bs->rs);
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
				bs->idle_since = lsc_registry_http_now_ms();
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
			uint64_t now = lsc_registry_http_now_ms();

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
		for (m = curl_multi_info_read(bs->multi, &left); m;
		     m = curl_multi_info_read(bs->multi, &left)) {
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
	lsc_registry_http_resp_dispose(&bs->rs);
	lsc_registry_auth_free(bs->authz);
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
	rc = lsc_registry_ping(r);
	if (rc < 0) {
		return rc;
	}
	bs = calloc(1, sizeof(*bs));
	if (bs) {
		bs->buf = malloc(STREAM_BUF);
	}
	if (bs && bs->buf) {
		bs->multi = curl_multi_init();
	}
	if (!bs || !bs->buf || !bs->multi) {
		if (bs) {
			free(bs->buf);
		}
		free(bs);
		return -ENOMEM;
	}
	bs->base.ops = &blob_ops;
	bs->r = r;
	lsc_registry_http_retry_init(&bs->rt, &r->lim, false);
	bs->size = size;
	snprintf(bs->digest, sizeof(bs->digest), "%s", digest);
	snprintf(bs->what, sizeof(bs->what), "layer %s", digest);
	lsc_registry_http_resp_init(&bs->rs, NULL);
	*out = &bs->base;
	return 0;
}

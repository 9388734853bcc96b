#include "util/error.h"
#include "stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct digest_stream {
	struct lsc_istream base;
	struct lsc_istream *inner;
	struct lsc_sha256 *h;
	char *result;
	uint64_t *bytes;
	bool done;
};

static ssize_t digest_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct digest_stream *s = (struct digest_stream *)base;
	ssize_t r = lsc_istream_read(s->inner, buf, n);

	if (r > 0) {
		lsc_sha256_update(s->h, buf, (size_t)r);
		if (s->bytes) {
			/* one writer; progress may read it from another thread */
			__atomic_store_n(s->bytes, *s->bytes + (uint64_t)r, __ATOMIC_RELAXED);
		}
	} else if (r == 0 && !s->done) {
		lsc_sha256_final(s->result, s->h);
		s->done = true;
	}
	return r;
}

static int digest_close(struct lsc_istream *base)
{
	struct digest_stream *s = (struct digest_stream *)base;
	int rc = lsc_istream_close(s->inner);

	if (base->err && !rc) {
		rc = base->err;
	}
	lsc_sha256_free(s->h);
	free(s);
	return rc;
}

static const struct lsc_istream_ops digest_ops = {"digest", digest_read, digest_close};

int lsc_istream_digest_open(struct lsc_istream **out, struct lsc_istream *inner,
			    char result[LSC_DIGEST_MAX], uint64_t *bytes)
{
	struct digest_stream *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s) {
		lsc_istream_close(inner);
		return -ENOMEM;
	}
	rc = lsc_sha256_new(&s->h);
	if (rc < 0) {
		free(s);
		lsc_istream_close(inner);
		return rc;
	}
	s->base.ops = &digest_ops;
	s->inner = inner;
	s->result = result;
	result[0] = 0;
	s->bytes = bytes;
	*out = &s->base;
	return 0;
}

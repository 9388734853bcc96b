/*
 * zstd with libzstd's streaming decoder; concatenated frames and skippable frames (skipped, their
 * bytes counted: compressed input is bounded by the output, lsc_compression_max_in).
 */
#include "util/error.h"
#include "stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct zstd_stream {
	struct lsc_istream base;
	struct lsc_istream *inner;
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer in;
	uint8_t *inbuf;
	size_t insize;
	char *name;
	uint64_t out_total, max_out;
	uint64_t in_read; /* bytes read from inner; consumed = in_read - (in.size - in.pos) */
	size_t last_hint; /* 0 after a complete frame */
	bool eof_in;
};

static ssize_t zstd_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct zstd_stream *s = (struct zstd_stream *)base;

	for (;;) {
		ZSTD_outBuffer out = {buf, n, 0};
		size_t hint;

		if (s->in.pos == s->in.size && !s->eof_in) {
			ssize_t r = lsc_istream_read(s->inner, s->inbuf, s->insize);

			if (r < 0) {
				return r;
			}
			if (r == 0) {
				s->eof_in = true;
			}
			s->in_read += (uint64_t)r;
			s->in.src = s->inbuf;
			s->in.size = (size_t)r;
			s->in.pos = 0;
		}
		if (s->in.pos == s->in.size && s->eof_in) {
			if (s->last_hint != 0) {
				return lsc_error(LSC_E_TRUNCATED, "%s: truncated zstd stream",
						 s->name);
			}
			return 0;
		}
		hint = ZSTD_decompressStream(s->dctx, &out, &s->in);
		if (ZSTD_isError(hint)) {
			return lsc_error(LSC_E_FORMAT, "%s: corrupt zstd stream (%s)", s->name,
					 ZSTD_getErrorName(hint));
		}
		s->last_hint = hint;
		s->out_total += out.pos;
		if (s->in_read - (s->in.size - s->in.pos) > lsc_compression_max_in(s->out_total)) {
			return lsc_error(
			    LSC_E_TOO_LARGE,
			    "%s: %llu compressed bytes for %llu bytes of output: not a zstd "
			    "stream a compressor writes",
			    s->name, (unsigned long long)(s->in_read - (s->in.size - s->in.pos)),
			    (unsigned long long)s->out_total);
		}
		if (s->max_out && s->out_total > s->max_out) {
			return lsc_error(LSC_E_TOO_LARGE,
					 "%s: decompresses to more than %llu bytes", s->name,
					 (unsigned long long)s->max_out);
		}
		if (out.pos > 0) {
			return (ssize_t)out.pos;
		}
	}
}

static int zstd_close(struct lsc_istream *base)
{
	struct zstd_stream *s = (struct zstd_stream *)base;
	int rc = lsc_istream_close(s->inner);

	if (base->err) {
		rc = base->err;
	}
	ZSTD_freeDCtx(s->dctx);
	free(s->inbuf);
	free(s->name);
	free(s);
	return rc;
}

static const struct lsc_istream_ops zstd_ops = {"zstd", zstd_read, zstd_close};

int lsc_istream_zstd_open(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
			  uint64_t max_out)
{
	struct zstd_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		lsc_istream_close(inner);
		return -ENOMEM;
	}
	s->insize = ZSTD_DStreamInSize();
	s->inbuf = malloc(s->insize);
	s->dctx = ZSTD_createDCtx();
	s->name = strdup(name ? name : "stream");
	if (!s->inbuf || !s->dctx || !s->name) {
		ZSTD_freeDCtx(s->dctx);
		free(s->inbuf);
		free(s->name);
		free(s);
		lsc_istream_close(inner);
		return -ENOMEM;
	}
	/* a window above 128 MiB (zstd --long=27) is the most a layer legitimately uses */
	ZSTD_DCtx_setParameter(s->dctx, ZSTD_d_windowLogMax, 27);
	s->base.ops = &zstd_ops;
	s->inner = inner;
	s->max_out = max_out;
	s->last_hint = 1;
	*out = &s->base;
	return 0;
}

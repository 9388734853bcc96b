/*
 * gzip with ISA-L's inflate (about four times zlib's speed); multi-member streams. Every byte read
 * counts: the compressed bytes against the output (lsc_compression_max_in), zero padding after the
 * last member against LSC_GZIP_MAX_PADDING.
 */
#include "util/error.h"
#include "stream.h"

#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>

#define IN_SIZE (256 * 1024)

struct gzip_stream {
	struct lsc_istream base;
	struct lsc_istream *inner;
	struct inflate_state st;
	char *name;
	uint64_t out_total, max_out;
	uint64_t in_read; /* bytes read from inner; consumed = in_read - st.avail_in */
	uint64_t padding; /* zero bytes after the last member */
	bool eof_in, finished;
	bool member_end; /* a member ended: look for the next one at the next read */
	uint8_t in[IN_SIZE];
};

static int fill(struct gzip_stream *s)
{
	ssize_t r;

	if (s->st.avail_in > 0 || s->eof_in) {
		return 0;
	}
	r = lsc_istream_read(s->inner, s->in, sizeof(s->in));
	if (r < 0) {
		return (int)r;
	}
	if (r == 0) {
		s->eof_in = true;
	}
	s->in_read += (uint64_t)r;
	s->st.next_in = s->in;
	s->st.avail_in = (uint32_t)r;
	return 0;
}

/* Consumed compressed bytes beyond what the output can justify: empty members, huge headers. */
static int check_in(struct gzip_stream *s)
{
	uint64_t used = s->in_read - s->st.avail_in;

	if (used > lsc_compression_max_in(s->out_total)) {
		return lsc_error(LSC_E_TOO_LARGE,
				 "%s: %llu compressed bytes for %llu bytes of output: not a gzip "
				 "stream a compressor writes",
				 s->name, (unsigned long long)used,
				 (unsigned long long)s->out_total);
	}
	return 0;
}

/* After a member: another member, zero padding (bounded), or garbage. */
static int next_member(struct gzip_stream *s)
{
	for (;;) {
		int rc = fill(s);

		if (rc < 0) {
			return rc;
		}
		if (s->st.avail_in == 0) {
			s->finished = true;
			return 0;
		}
		if (s->st.next_in[0] == 0x1f) {
			isal_inflate_reset(&s->st);
			s->st.crc_flag = ISAL_GZIP;
			return 1;
		}
		/* zero padding after the last member is tolerated, anything else is not */
		while (s->st.avail_in > 0 && s->st.next_in[0] == 0) {
			s->st.next_in++;
			s->st.avail_in--;
			if (++s->padding > LSC_GZIP_MAX_PADDING) {
				return lsc_error(LSC_E_TOO_LARGE,
						 "%s: more than %u bytes of padding after the gzip "
						 "stream",
						 s->name, LSC_GZIP_MAX_PADDING);
			}
		}
		if (s->st.avail_in > 0) {
			return lsc_error(LSC_E_FORMAT, "%s: garbage after the gzip stream",
					 s->name);
		}
	}
}

static ssize_t gzip_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct gzip_stream *s = (struct gzip_stream *)base;

	if (n > UINT32_MAX) {
		n = UINT32_MAX;
	}
	while (!s->finished) {
		int rc;
		size_t produced;

		if (s->member_end) {
			/* after the bytes of the member went out, so an error after it loses none
			 */
			s->member_end = false;
			rc = next_member(s);
			if (rc < 0) {
				return rc;
			}
			continue;
		}
		rc = fill(s);
		if (rc < 0) {
			return rc;
		}
		if (s->st.avail_in == 0 && s->eof_in) {
			return lsc_error(LSC_E_TRUNCATED, "%s: truncated gzip stream", s->name);
		}
		s->st.next_out = buf;
		s->st.avail_out = (uint32_t)n;
		rc = isal_inflate(&s->st);
		if (rc < 0) {
			return lsc_error(LSC_E_FORMAT, "%s: corrupt gzip stream (%s)", s->name,
					 rc == ISAL_INCORRECT_CHECKSUM ? "checksum mismatch"
					 : rc == ISAL_INVALID_WRAPPER  ? "bad header"
								       : "invalid deflate data");
		}
		produced = n - s->st.avail_out;
		s->out_total += produced;
		if (s->max_out && s->out_total > s->max_out) {
			return lsc_error(LSC_E_TOO_LARGE,
					 "%s: decompresses to more than %llu bytes", s->name,
					 (unsigned long long)s->max_out);
		}
		rc = check_in(s);
		if (rc < 0) {
			return rc;
		}
		if (s->st.block_state == ISAL_BLOCK_FINISH) {
			s->member_end = true;
		}
		if (produced > 0) {
			return (ssize_t)produced;
		}
	}
	return 0;
}

static int gzip_close(struct lsc_istream *base)
{
	struct gzip_stream *s = (struct gzip_stream *)base;
	int rc = lsc_istream_close(s->inner);

	if (base->err) {
		rc = base->err;
	}
	free(s->name);
	free(s);
	return rc;
}

static const struct lsc_istream_ops gzip_ops = {"gzip", gzip_read, gzip_close};

int lsc_istream_gzip_open(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
			  uint64_t max_out)
{
	struct gzip_stream *s = malloc(sizeof(*s));

	*out = NULL;
	if (s) {
		s->name = strdup(name ? name : "stream");
	}
	if (!s || !s->name) {
		free(s);
		lsc_istream_close(inner);
		return -ENOMEM;
	}
	memset(&s->base, 0, sizeof(s->base));
	s->base.ops = &gzip_ops;
	s->inner = inner;
	isal_inflate_init(&s->st);
	s->st.crc_flag = ISAL_GZIP;
	s->st.avail_in = 0;
	s->out_total = 0;
	s->in_read = 0;
	s->padding = 0;
	s->max_out = max_out;
	s->eof_in = false;
	s->finished = false;
	s->member_end = false;
	*out = &s->base;
	return 0;
}

#include "stream.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t lsc_istream_read(struct lsc_istream *s, void *buf, size_t n)
{
	ssize_t r;

	if (s->err) {
		return s->err;
	}
	r = s->ops->read(s, buf, n);
	if (r < 0) {
		s->err = (int)r;
	}
	return r;
}

ssize_t lsc_istream_read_full(struct lsc_istream *s, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = lsc_istream_read(s, (uint8_t *)buf + got, n - got);

		if (r < 0) {
			return r;
		}
		if (r == 0) {
			break;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int lsc_istream_drain(struct lsc_istream *s)
{
	static _Thread_local uint8_t sink[64 * 1024];
	uint64_t total = 0;

	for (;;) {
		ssize_t r = lsc_istream_read(s, sink, sizeof(sink));

		if (r <= 0) {
			return (int)r;
		}
		total += (uint64_t)r;
		if (total > LSC_DRAIN_MAX) {
			s->err = lsc_error(LSC_E_TOO_LARGE,
					   "more than %u bytes after the end of the tar stream",
					   LSC_DRAIN_MAX);
			return s->err;
		}
	}
}

int lsc_istream_close(struct lsc_istream *s)
{
	return s ? s->ops->close(s) : 0;
}

/* --- file descriptor --------------------------------------------------------------------- */

struct fd_stream {
	struct lsc_istream base;
	int fd;
	bool own;
	char *name;
};

static ssize_t fd_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct fd_stream *s = (struct fd_stream *)base;

	for (;;) {
		ssize_t r = read(s->fd, buf, n);

		if (r >= 0) {
			return r;
		}
		if (errno != EINTR) {
			return lsc_error(-errno, "%s: read: %s", s->name, strerror(errno));
		}
	}
}

static int fd_close(struct lsc_istream *base)
{
	struct fd_stream *s = (struct fd_stream *)base;
	int rc = base->err;

	if (s->own) {
		close(s->fd);
	}
	free(s->name);
	free(s);
	return rc;
}

static const struct lsc_istream_ops fd_ops = {"fd", fd_read, fd_close};

int lsc_istream_fd_open(struct lsc_istream **out, int fd, bool own, const char *name)
{
	struct fd_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s) {
		s->name = strdup(name ? name : "input");
	}
	if (!s || !s->name) {
		free(s);
		if (own) {
			close(fd);
		}
		return -ENOMEM;
	}
	s->base.ops = &fd_ops;
	s->fd = fd;
	s->own = own;
	*out = &s->base;
	return 0;
}

/* --- memory ------------------------------------------------------------------------------ */

struct mem_stream {
	struct lsc_istream base;
	const uint8_t *p;
	size_t n, off;
};

static ssize_t mem_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct mem_stream *s = (struct mem_stream *)base;
	size_t left = s->n - s->off;

	if (n > left) {
		n = left;
	}
	memcpy(buf, s->p + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static int mem_close(struct lsc_istream *base)
{
	int rc = base->err;

	free(base);
	return rc;
}

static const struct lsc_istream_ops mem_ops = {"mem", mem_read, mem_close};

int lsc_istream_mem_open(struct lsc_istream **out, const void *p, size_t n)
{
	struct mem_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		return -ENOMEM;
	}
	s->base.ops = &mem_ops;
	s->p = p;
	s->n = n;
	*out = &s->base;
	return 0;
}

/* --- prepend ----------------------------------------------------------------------------- */

struct prepend_stream {
	struct lsc_istream base;
	struct lsc_istream *inner;
	size_t n, off;
	uint8_t pre[LSC_PREPEND_MAX];
};

static ssize_t prepend_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct prepend_stream *s = (struct prepend_stream *)base;

	if (s->off < s->n) {
		size_t k = s->n - s->off;

		if (k > n) {
			k = n;
		}
		memcpy(buf, s->pre + s->off, k);
		s->off += k;
		return (ssize_t)k;
	}
	return lsc_istream_read(s->inner, buf, n);
}

static int prepend_close(struct lsc_istream *base)
{
	struct prepend_stream *s = (struct prepend_stream *)base;
	int rc = lsc_istream_close(s->inner);

	if (base->err && !rc) {
		rc = base->err;
	}
	free(s);
	return rc;
}

static const struct lsc_istream_ops prepend_ops = {"prepend", prepend_read, prepend_close};

int lsc_istream_prepend_open(struct lsc_istream **out, struct lsc_istream *inner, const void *p,
			     size_t n)
{
	struct prepend_stream *s;

	*out = NULL;
	if (n > sizeof(s->pre)) {
		lsc_istream_close(inner);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		lsc_istream_close(inner);
		return -ENOMEM;
	}
	s->base.ops = &prepend_ops;
	s->inner = inner;
	memcpy(s->pre, p, n);
	s->n = n;
	*out = &s->base;
	return 0;
}

/* --- a byte bound ------------------------------------------------------------------------- */

struct limit_stream {
	struct lsc_istream base;
	struct lsc_istream *inner;
	uint64_t left, max;
	char *name;
};

static ssize_t limit_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct limit_stream *s = (struct limit_stream *)base;
	ssize_t r = lsc_istream_read(s->inner, buf, n);

	if (r > 0) {
		if ((uint64_t)r > s->left) {
			return lsc_error(LSC_E_TOO_LARGE, "%s: larger than %llu bytes", s->name,
					 (unsigned long long)s->max);
		}
		s->left -= (uint64_t)r;
	}
	return r;
}

static int limit_close(struct lsc_istream *base)
{
	struct limit_stream *s = (struct limit_stream *)base;
	int rc = lsc_istream_close(s->inner);

	if (base->err) {
		rc = base->err;
	}
	free(s->name);
	free(s);
	return rc;
}

static const struct lsc_istream_ops limit_ops = {"limit", limit_read, limit_close};

int lsc_istream_limit_open(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
			   uint64_t max)
{
	struct limit_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s) {
		s->name = strdup(name ? name : "stream");
	}
	if (!s || !s->name) {
		free(s);
		lsc_istream_close(inner);
		return -ENOMEM;
	}
	s->base.ops = &limit_ops;
	s->inner = inner;
	s->left = max;
	s->max = max;
	*out = &s->base;
	return 0;
}

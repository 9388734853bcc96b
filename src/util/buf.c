#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lsc_buf_init(struct lsc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void lsc_buf_dispose(struct lsc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void lsc_buf_reset(struct lsc_buf *b)
{
	b->len = 0;
	if (b->data) {
		b->data[0] = 0;
	}
}

static int reserve(struct lsc_buf *b, size_t n)
{
	size_t need, cap;
	uint8_t *p;

	if (n > b->max || b->len > b->max - n) {
		return -EFBIG;
	}
	need = b->len + n + 1;
	if (need <= b->cap) {
		return 0;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	}
	if (b->max < SIZE_MAX && cap > b->max + 1) {
		cap = b->max + 1;
	}
	p = realloc(b->data, cap);
	if (!p) {
		return -ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int lsc_buf_append(struct lsc_buf *b, const void *p, size_t n)
{
	int rc = reserve(b, n);

	if (rc < 0) {
		return rc;
	}
	if (n) {
		memcpy(b->data + b->len, p, n);
	}
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int lsc_buf_appendc(struct lsc_buf *b, char c)
{
	return lsc_buf_append(b, &c, 1);
}

int lsc_buf_printf(struct lsc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return -EINVAL;
	}
	rc = reserve(b, (size_t)n);
	if (rc < 0) {
		return rc;
	}
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int lsc_buf_detach(char **out, struct lsc_buf *b)
{
	if (!b->data) {
		int rc = reserve(b, 0);

		if (rc < 0) {
			return rc;
		}
		b->data[0] = 0;
	}
	*out = (char *)b->data;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return 0;
}

/*
 * A growable byte buffer with a hard maximum (curl's dynbuf). Bytes from an image always go
 * through one of these, so that no image-controlled size can grow memory without bound.
 */
#ifndef LSC_UTIL_BUF_H
#define LSC_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct lsc_buf {
	uint8_t *data; /* owned; NUL-terminated after every append (not counted in len) */
	size_t len;
	size_t cap;
	size_t max; /* appends past max fail with -EFBIG and leave the buffer unchanged */
};

/* Caller-owned storage; no allocation until the first append. */
void lsc_buf_init(struct lsc_buf *b, size_t max);
void lsc_buf_dispose(struct lsc_buf *b);
void lsc_buf_reset(struct lsc_buf *b);

/* 0, -ENOMEM, or -EFBIG when len + n would exceed max. */
int lsc_buf_append(struct lsc_buf *b, const void *p, size_t n);
int lsc_buf_appendc(struct lsc_buf *b, char c);
int lsc_buf_printf(struct lsc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the bytes to the caller (free()), leaving the buffer empty. Never NULL on success. */
int lsc_buf_detach(char **out, struct lsc_buf *b);

#endif

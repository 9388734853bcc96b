/*
 * The one base64 decoder (RFC 4648): the standard and URL alphabets, strict or lenient padding
 * and trailing bits, optional whitespace between characters, fed in one call or piece by piece
 * (a PEM body line by line). Dependency-free; never allocates.
 */
#ifndef LSC_UTIL_BASE64_H
#define LSC_UTIL_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	LSC_BASE64_STD = 1 << 0, /* '+' and '/' (section 4) */
	LSC_BASE64_URL = 1 << 1, /* '-' and '_' (section 5); never mixed with STD in a value */
	LSC_BASE64_ANY = LSC_BASE64_STD | LSC_BASE64_URL,
	LSC_BASE64_SPACE = 1 << 2, /* skip ASCII whitespace anywhere (line-wrapped bodies) */
	LSC_BASE64_PAD = 1 << 3,   /* padding, when present, completes the last group of four */
	LSC_BASE64_BITS = 1 << 4,  /* the unused bits of the last character are zero */
	LSC_BASE64_STRICT = LSC_BASE64_PAD | LSC_BASE64_BITS,
};

/*
 * Always: padding is optional, at most two '=' and nothing but '=' (and whitespace, with SPACE)
 * after the first; a lone character in the last group of four is an error.
 */
struct lsc_base64 {
	uint8_t *out; /* borrowed; bytes past cap are counted in total but not stored */
	size_t cap;
	size_t total; /* decoded bytes so far */
	uint32_t acc;
	unsigned bits; /* undecoded bits in acc */
	size_t nchar, npad;
	int flags, seen;
	bool bad;
};

/* Caller-owned storage; out (cap bytes, may be NULL with cap 0) receives the first bytes. */
void lsc_base64_init(struct lsc_base64 *d, int flags, uint8_t *out, size_t cap);

/* Decodes n more bytes of text; an error sticks until the end. */
void lsc_base64_feed(struct lsc_base64 *d, const void *s, size_t n);

/* The decoded length of everything fed (stored or not), or -1 when it is not valid base64. */
long lsc_base64_finish(const struct lsc_base64 *d);

/* Bytes enough to hold the decoding of n characters of text. */
size_t lsc_base64_room(size_t n);

/*
 * Decodes s (n bytes) into out (cap bytes, at least lsc_base64_room(n) to hold it all). The decoded
 * length, or -1 when s is not valid base64 under flags or does not fit in cap.
 */
long lsc_base64_decode(uint8_t *out, size_t cap, const void *s, size_t n, int flags);

#endif

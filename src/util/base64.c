/* util/base64: the one base64 decoder. */
#include "util/base64.h"

static bool space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The value of c in either alphabet, the alphabet it belongs to in *seen; -1 for no digit. */
static int value(unsigned char c, int *seen)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+' || c == '/') {
		*seen |= LSC_BASE64_STD;
		return c == '+' ? 62 : 63;
	}
	if (c == '-' || c == '_') {
		*seen |= LSC_BASE64_URL;
		return c == '-' ? 62 : 63;
	}
	return -1;
}

void lsc_base64_init(struct lsc_base64 *d, int flags, uint8_t *out, size_t cap)
{
	*d = (struct lsc_base64){.out = out, .cap = cap, .flags = flags};
}

void lsc_base64_feed(struct lsc_base64 *d, const void *s, size_t n)
{
	const unsigned char *p = s;
	int alphabets = d->flags & LSC_BASE64_ANY;

	for (size_t i = 0; i < n && !d->bad; i++) {
		int v;

		if ((d->flags & LSC_BASE64_SPACE) && space(p[i])) {
			continue;
		}
		if (p[i] == '=') {
			d->npad++;
			d->bad = d->npad > 2;
			continue;
		}
		v = value(p[i], &d->seen);
		if (v < 0 || d->npad > 0 || (d->seen & ~alphabets) != 0 ||
		    d->seen == LSC_BASE64_ANY) {
			d->bad = true;
			return;
		}
		d->acc = (d->acc << 6) | (uint32_t)v;
		d->bits += 6;
		d->nchar++;
		if (d->bits >= 8) {
			d->bits -= 8;
			if (d->total < d->cap) {
				d->out[d->total] = (uint8_t)(d->acc >> d->bits);
			}
			d->total++;
		}
	}
}

long lsc_base64_finish(const struct lsc_base64 *d)
{
	if (d->bad || d->nchar % 4 == 1) {
		return -1;
	}
	if ((d->flags & LSC_BASE64_PAD) && d->npad > 0 && (d->nchar + d->npad) % 4 != 0) {
		return -1;
	}
	if ((d->flags & LSC_BASE64_BITS) && d->bits > 0 && (d->acc & ((1u << d->bits) - 1)) != 0) {
		return -1;
	}
	return (long)d->total;
}

size_t lsc_base64_room(size_t n)
{
	return n / 4 * 3 + 3;
}

long lsc_base64_decode(uint8_t *out, size_t cap, const void *s, size_t n, int flags)
{
	struct lsc_base64 d;
	long len;

	lsc_base64_init(&d, flags, out, cap);
	lsc_base64_feed(&d, s, n);
	len = lsc_base64_finish(&d);
	if (len > 0 && (size_t)len > cap) {
		return -1;
	}
	return len;
}

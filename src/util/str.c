#include "str.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *lsc_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *lsc_strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

bool lsc_str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool lsc_str_ends(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lf = strlen(suffix);

	return ls >= lf && memcmp(s + ls - lf, suffix, lf) == 0;
}

const char *lsc_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool lsc_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

int lsc_path_clean(char *out, size_t outlen, const char *path)
{
	size_t o = 0;
	const char *p = path;

	if (outlen < 2) {
		return -ENAMETOOLONG;
	}
	out[o++] = '/';
	out[o] = 0;
	while (*p) {
		const char *start;
		size_t n;

		while (*p == '/') {
			p++;
		}
		start = p;
		while (*p && *p != '/') {
			p++;
		}
		n = (size_t)(p - start);
		if (n == 0 || (n == 1 && start[0] == '.')) {
			continue;
		}
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			/* back to the previous '/', never above the root */
			while (o > 1 && out[o - 1] != '/') {
				o--;
			}
			if (o > 1) {
				o--;
			}
			out[o] = 0;
			continue;
		}
		if (o > 1) {
			if (o + 1 >= outlen) {
				return -ENAMETOOLONG;
			}
			out[o++] = '/';
		}
		if (o + n >= outlen) {
			return -ENAMETOOLONG;
		}
		memcpy(out + o, start, n);
		o += n;
		out[o] = 0;
	}
	return 0;
}

int lsc_path_resolve_link(char *out, size_t outlen, const char *link_path, const char *target)
{
	char *tmp;
	size_t dl, tl;
	const char *slash;
	int rc;

	if (target[0] == '/') {
		return lsc_path_clean(out, outlen, target);
	}
	slash = strrchr(link_path, '/');
	dl = slash ? (size_t)(slash - link_path) : 0;
	tl = strlen(target);
	tmp = malloc(dl + tl + 2);
	if (!tmp) {
		return -ENOMEM;
	}
	memcpy(tmp, link_path, dl);
	tmp[dl] = '/';
	memcpy(tmp + dl + 1, target, tl + 1);
	rc = lsc_path_clean(out, outlen, tmp);
	free(tmp);
	return rc;
}

uint64_t lsc_hash(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void lsc_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

bool lsc_is_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == 0) {
			return false;
		}
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) {
			return false;
		}
	}
	return true;
}

const uint8_t *lsc_memcasemem(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	if (m == 0) {
		return hay;
	}
	if (m > n) {
		return NULL;
	}
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;

		while (j < m && tolower(hay[i + j]) == tolower((unsigned char)needle[j])) {
			j++;
		}
		if (j == m) {
			return hay + i;
		}
	}
	return NULL;
}

size_t lsc_utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80) {
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0;
	}
	return n;
}

static uint32_t utf8_cp(const unsigned char *p, size_t n)
{
	static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = p[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++) {
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	return cp;
}

/*
 * The escape for the character of n bytes at p (or for the byte at p when n is 0) into esc (at
 * least 7 bytes); 0 when it is copied as it is.
 */
static size_t escape_of(char *esc, const unsigned char *p, size_t n, unsigned flags)
{
	uint32_t cp;

	if (n == 0) {
		return (size_t)snprintf(esc, 7, "\\x%02x", p[0]);
	}
	if (flags & LSC_SAFE_UTF8_ONLY) {
		return 0;
	}
	cp = utf8_cp(p, n);
	if (cp == '\t' || cp == '\n' || cp == '\r') {
		esc[0] = '\\';
		esc[1] = cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r';
		esc[2] = 0;
		return 2;
	}
	if (cp < 0x20 || cp == 0x7f) {
		return (size_t)snprintf(esc, 7, "\\x%02x", (unsigned)cp);
	}
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069)) {
		return (size_t)snprintf(esc, 7, "\\u%04x", (unsigned)cp);
	}
	return 0;
}

int lsc_str_safe(char *out, size_t outlen, const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p) {
		size_t n = lsc_utf8_len(p), elen;
		char esc[8];

		elen = escape_of(esc, p, n, flags);
		if (o + (elen ? elen : n) >= outlen) {
			out[o] = 0;
			return -ENOBUFS;
		}
		if (elen) {
			memcpy(out + o, esc, elen);
			o += elen;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n ? n : 1;
	}
	out[o] = 0;
	return 0;
}

char *lsc_str_safe_dup(const char *s, unsigned flags)
{
	/* the worst case is 6 characters (\u0085) for 2 bytes, or 4 (\x1b) for 1 */
	size_t len = strlen(s) * 4 + 1;
	char *out = malloc(len);

	if (out) {
		lsc_str_safe(out, len, s, flags);
	}
	return out;
}

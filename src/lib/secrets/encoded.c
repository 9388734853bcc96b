/*
 * Encoded secrets (encoded.h): a line walk for `key: <base64>` and a search for Docker's
 * `"auth": "<base64>"`, each bounded, neither building a tree of the input.
 */
#include "lib/secrets/encoded.h"

#include "util/ascii.h"
#include "util/base64.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DECODED_MAX ((LSC_ENCODED_MAX_LEN / 4) * 3)
#define AUTH_SEARCH_MAX (16u << 10) /* the most bytes of a one-line registry config */

struct walk {
	lsc_encoded_cb cb;
	void *payload;
	unsigned count;
	uint8_t *dec;  /* a value decoded once */
	uint8_t *dec2; /* a registry auth inside dec, decoded a second time */
	char *text;    /* KEY=DECODED */
	bool auth_key; /* a line of the input is "auth": <base64> */
};

static bool b64_char(unsigned char c)
{
	return lsc_ascii_is_alnum(c) || c == '+' || c == '/';
}

static bool key_char(unsigned char c)
{
	return lsc_ascii_is_alnum(c) || c == '_' || c == '.' || c == '-';
}

static bool blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Printable ASCII and line breaks only: what a password, a token or a key file decodes to. */
static bool text_only(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((p[i] < 0x20 || p[i] > 0x7e) && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
			return false;
		}
	}
	return true;
}

/* A key whose value is a credential by its name. */
static bool secret_name(const char *k, size_t n)
{
	static const char *const words[] = {"password", "passwd",  "secret",  "token",
					    "apikey",	"api_key", "api-key", "credential",
					    "private",	"auth",	   NULL};

	for (size_t i = 0; words[i]; i++) {
		if (lsc_ascii_find(k, n, words[i], true)) {
			return true;
		}
	}
	return false;
}

/* The length of the base64 value at p (at most n bytes): its characters, then up to two '='. */
static size_t b64_run(const uint8_t *p, size_t n)
{
	size_t i = 0, pad = 0;

	while (i < n && i <= LSC_ENCODED_MAX_LEN && b64_char(p[i])) {
		i++;
	}
	while (i < n && pad < 2 && p[i] == '=') {
		i++;
		pad++;
	}
	return i;
}

/* Decodes s (strict, padded, standard alphabet) into out as text; its length, or -1. */
static long decode_text(uint8_t *out, const uint8_t *s, size_t n)
{
	long len;

	if (n < LSC_ENCODED_MIN_LEN || n > LSC_ENCODED_MAX_LEN || n % 4 != 0) {
		return -1;
	}
	len = lsc_base64_decode(out, DECODED_MAX, s, n, LSC_BASE64_STD | LSC_BASE64_STRICT);
	if (len <= 0 || !text_only(out, (size_t)len)) {
		return -1;
	}
	return len;
}

static int buffers(struct walk *w)
{
	if (!w->dec) {
		w->dec = malloc(DECODED_MAX);
		w->dec2 = malloc(DECODED_MAX);
		w->text = malloc(LSC_ENCODED_MAX_KEY + 1 + DECODED_MAX);
		if (!w->dec || !w->dec2 || !w->text) {
			return -ENOMEM;
		}
	}
	return 0;
}

static int emit(struct walk *w, const char *key, size_t keylen, const uint8_t *val, size_t n,
		uint64_t line, uint64_t offset, size_t enclen, bool auth)
{
	struct lsc_encoded_value v = {.line = line, .offset = offset, .enclen = enclen};

	if (w->count >= LSC_ENCODED_MAX_VALUES) {
		return 0;
	}
	w->count++;
	memcpy(w->text, key, keylen);
	w->text[keylen] = '=';
	memmove(w->text + keylen + 1, val, n);
	v.text = w->text;
	v.len = keylen + 1 + n;
	v.value_at = keylen + 1;
	v.registry_auth = auth;
	return w->cb(&v, w->payload);
}

/*
 * Each `"auth": "<base64>"` of b (n bytes): a user:password with a non-empty user and
 * password gives password=PASSWORD. line 0: b is the input, each value is reported at its own
 * line and span; else b was decoded from the value at line and span (offset, enclen), and dec
 * is the second decoding.
 */
static int auths(struct walk *w, const uint8_t *b, size_t n, uint64_t line, uint64_t offset,
		 size_t enclen, uint8_t *dec)
{
	static const char needle[] = "\"auth\"";
	const size_t nl = sizeof(needle) - 1;
	size_t pos = 0, counted = 0;
	uint64_t at_line = 1;
	int rc = 0;

	while (rc == 0 && w->count < LSC_ENCODED_MAX_VALUES && pos + nl <= n) {
		const uint8_t *hit = memmem(b + pos, n - pos, needle, nl);
		size_t i, vstart, vlen;
		long len;
		const uint8_t *colon;

		if (!hit) {
			break;
		}
		i = (size_t)(hit - b) + nl;
		pos = i;
		while (i < n && blank(b[i])) {
			i++;
		}
		if (i >= n || b[i] != ':') {
			continue;
		}
		for (i++; i < n && blank(b[i]); i++) {
		}
		if (i >= n || b[i] != '"') {
			continue;
		}
		vstart = i + 1;
		vlen = b64_run(b + vstart, n - vstart);
		if (vstart + vlen >= n || b[vstart + vlen] != '"') {
			continue;
		}
		len = decode_text(dec, b + vstart, vlen);
		if (len < 0) {
			continue;
		}
		colon = memchr(dec, ':', (size_t)len);
		if (!colon || colon == dec || colon + 1 == dec + len) {
			continue; /* not user:password, or an empty user or password */
		}
		if (line == 0) {
			for (; counted < vstart; counted++) {
				at_line += b[counted] == '\n';
			}
		}
		rc =
		    emit(w, "password", 8, colon + 1, (size_t)(dec + len - (colon + 1)),
			 line ? line : at_line, line ? offset : vstart, line ? enclen : vlen, true);
	}
	return rc;
}

bool lsc_encoded_k8s_secret(const uint8_t *p, size_t n)
{
	size_t pos = 0;

	while (pos + 6 <= n) {
		const uint8_t *hit = memmem(p + pos, n - pos, "Secret", 6);
		size_t i;

		if (!hit) {
			return false;
		}
		i = (size_t)(hit - p);
		pos = i + 6;
		/* the quote of "Secret", then blanks, ':', blanks, the quote of "kind" */
		if (i > 0 && p[i - 1] == '"' && pos < n && p[pos] == '"') {
			i--;
		} else if (pos < n && !lsc_ascii_is_space(p[pos])) {
			continue;
		}
		while (i > 0 && blank(p[i - 1])) {
			i--;
		}
		if (i == 0 || p[i - 1] != ':') {
			continue;
		}
		i--;
		while (i > 0 && blank(p[i - 1])) {
			i--;
		}
		if (i > 0 && p[i - 1] == '"') {
			i--;
		}
		if (i >= 4 && memcmp(p + i - 4, "kind", 4) == 0 &&
		    (i == 4 || !key_char(p[i - 5]))) {
			return true;
		}
	}
	return false;
}

/* One line: [blanks] ["]key["] blanks (:|=) blanks ["]base64["] blanks [,] blanks end. */
static int line_value(struct walk *w, const uint8_t *p, size_t n, size_t base, uint64_t line,
		      bool k8s)
{
	size_t i = 0, key, keylen, vstart, vlen;
	unsigned char q = 0;
	long len;
	int rc;

	while (i < n && blank(p[i])) {
		i++;
	}
	if (i < n && (p[i] == '"' || p[i] == '\'')) {
		q = p[i++];
	}
	for (key = i; i < n && i - key <= LSC_ENCODED_MAX_KEY && key_char(p[i]); i++) {
	}
	keylen = i - key;
	if (keylen == 0 || keylen > LSC_ENCODED_MAX_KEY || (q && (i >= n || p[i++] != q))) {
		return 0;
	}
	while (i < n && blank(p[i])) {
		i++;
	}
	if (i >= n || (p[i] != ':' && p[i] != '=')) {
		return 0;
	}
	for (i++; i < n && blank(p[i]); i++) {
	}
	q = 0;
	if (i < n && (p[i] == '"' || p[i] == '\'')) {
		q = p[i++];
	}
	vstart = i;
	vlen = b64_run(p + i, n - i);
	i += vlen;
	if (q && (i >= n || p[i++] != q)) {
		return 0;
	}
	while (i < n && (blank(p[i]) || p[i] == ',' || p[i] == '\r')) {
		i++;
	}
	if (i != n || vlen < LSC_ENCODED_MIN_LEN) {
		return 0;
	}
	/* a registry's auth is the auth search's; other names only in a Secret or by name */
	if (keylen == 4 && memcmp(p + key, "auth", 4) == 0) {
		w->auth_key = true;
		return 0;
	}
	if (!(k8s || secret_name((const char *)p + key, keylen))) {
		return 0;
	}
	rc = buffers(w);
	if (rc < 0) {
		return rc;
	}
	len = decode_text(w->dec, p + vstart, vlen);
	if (len < 0) {
		return 0;
	}
	if (lsc_ascii_eq_nocase((const char *)p + key, keylen, ".dockerconfigjson") ||
	    lsc_ascii_eq_nocase((const char *)p + key, keylen, ".dockercfg") ||
	    lsc_ascii_find((const char *)w->dec, (size_t)len, "\"auths\"", false)) {
		return auths(w, w->dec, (size_t)len, line, base + vstart, vlen, w->dec2);
	}
	return emit(w, (const char *)p + key, keylen, w->dec, (size_t)len, line, base + vstart,
		    vlen, false);
}

/*
 * A line that can end in a base64 value: after its '\r', blanks, commas and a closing quote,
 * its last byte is of base64 (most lines of code and prose end otherwise).
 */
static bool ends_like_value(const uint8_t *p, size_t n)
{
	while (n > 0 && (blank(p[n - 1]) || p[n - 1] == '\r' || p[n - 1] == ',')) {
		n--;
	}
	if (n > 0 && (p[n - 1] == '"' || p[n - 1] == '\'')) {
		n--;
	}
	return n > 0 && (b64_char(p[n - 1]) || p[n - 1] == '=');
}

int lsc_encoded_foreach(const uint8_t *p, size_t n, lsc_encoded_cb cb, void *payload)
{
	struct walk w = {.cb = cb, .payload = payload};
	int k8s = -1; /* asked at the first line that can hold a value */
	uint64_t line = 1;
	size_t pos = 0;
	int rc = 0;

	while (rc == 0 && pos < n && w.count < LSC_ENCODED_MAX_VALUES) {
		const uint8_t *nl = memchr(p + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - p) : n;

		/* a line shorter than "k: " plus the shortest value cannot hold one */
		if (end - pos >= LSC_ENCODED_MIN_LEN + 2 && ends_like_value(p + pos, end - pos)) {
			if (k8s < 0) {
				k8s = lsc_encoded_k8s_secret(p, n);
			}
			rc = line_value(&w, p + pos, end - pos, pos, line, k8s == 1);
		}
		pos = end + 1;
		line++;
	}
	/* Docker writes its config indented (an auth line of its own); a file written in one line
	 * is small, and only then searched */
	if (rc == 0 && (w.auth_key || (n <= AUTH_SEARCH_MAX && memmem(p, n, "\"auth\"", 6)))) {
		rc = buffers(&w);
		if (rc == 0) {
			rc = auths(&w, p, n, 0, 0, 0, w.dec);
		}
	}
	free(w.dec);
	free(w.dec2);
	free(w.text);
	return rc;
}

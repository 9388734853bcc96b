/*
 * Token structure checks: what a provider's token carries that a random string does not.
 *
 * Checksum schemes, as the providers and the tools that verify them define them:
 *   - GitHub classic and npm tokens: prefix + 30 random base62 characters + 6 characters that
 *     are the CRC32 (zlib's) of those 30 characters only (not of the prefix), written in base62
 *     with the alphabet 0-9A-Za-z, most significant digit first, zero-padded to 6.
 *   - JWTs: header and payload base64url-decode to JSON objects; pypi macaroons v2; AWS key ids.
 * Pure functions over n bytes that may hold anything; the only allocations are decode buffers
 * no larger than the input. Each returns 1 (looks real) or 0.
 */
#include "check_token.h"
#include "placeholder.h"
#include "util/ascii.h"
#include "util/base64.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct span {
	size_t off;
	size_t len;
};

/* ---- base64 decoding, shared by the jwt, pypi and base64 checks ---- */

/*
 * Decodes strict base64 (padding right when present, unused bits zero, as every encoder writes
 * them) into a new buffer in *out, the caller's to free() (also on failure). flags add the
 * alphabets and LSC_BASE64_SPACE. The decoded length, or -1.
 */
static long b64_decode_alloc(uint8_t **out, const char *s, size_t n, int flags)
{
	size_t room = lsc_base64_room(n);

	*out = malloc(room);
	if (!*out) {
		return -1;
	}
	return lsc_base64_decode(*out, room, s, n, flags | LSC_BASE64_STRICT);
}

/* ---- github / npm: base62 CRC32 ---- */

static int base62_value(unsigned char c)
{
	if (lsc_ascii_is_digit(c)) {
		return c - '0';
	}
	if (lsc_ascii_is_upper(c)) {
		return c - 'A' + 10;
	}
	if (lsc_ascii_is_lower(c)) {
		return c - 'a' + 36;
	}
	return -1;
}

/*
 * prefix + 30 base62 characters + their CRC32 in 6 base62 digits (0-9A-Za-z, zero-padded).
 * Decoding the 6 digits and comparing numbers accepts exactly the padded encoding.
 */
static int crc_token(const char *s, size_t n, size_t prefix_len)
{
	const char *body = s + prefix_len;
	uint64_t want = 0;
	uLong got;

	if (n != prefix_len + 36) {
		return 0;
	}
	for (size_t i = 0; i < 36; i++) {
		if (base62_value((unsigned char)body[i]) < 0) {
			return 0;
		}
	}
	for (size_t i = 30; i < 36; i++) {
		want = want * 62 + (uint64_t)base62_value((unsigned char)body[i]);
	}
	got = crc32(0L, (const Bytef *)body, 30);
	return want == (uint64_t)got ? 1 : 0;
}

static bool all_alnum(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!lsc_ascii_is_alnum((unsigned char)p[i])) {
			return false;
		}
	}
	return true;
}

int lsc_check_github(const char *s, size_t n)
{
	static const char *const prefixes[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (lsc_ascii_has_prefix(s, n, prefixes[i])) {
			return crc_token(s, n, 4);
		}
	}
	/*
	 * Fine-grained tokens carry no checksum anyone outside GitHub can verify; a rule that
	 * points this check at them must not lower real tokens, so their shape is the check.
	 */
	if (n == 93 && lsc_ascii_has_prefix(s, n, "github_pat_") && s[33] == '_') {
		return all_alnum(s + 11, 22) && all_alnum(s + 34, 59) ? 1 : 0;
	}
	return 0;
}

int lsc_check_npm(const char *s, size_t n)
{
	return lsc_ascii_has_prefix(s, n, "npm_") ? crc_token(s, n, 4) : 0;
}

/* ---- jwt ---- */

/* base64url of a JSON object (JWS segments carry no padding), or NULL. json_decref() it. */
static json_t *b64url_json_object(const char *s, size_t n)
{
	uint8_t *buf = NULL;
	json_t *j = NULL;
	json_error_t err;
	long len;

	if (n == 0 || memchr(s, '=', n)) {
		return NULL;
	}
	len = b64_decode_alloc(&buf, s, n, LSC_BASE64_URL);
	if (len >= 2) {
		j = json_loadb((const char *)buf, (size_t)len, JSON_REJECT_DUPLICATES, &err);
	}
	free(buf);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

int lsc_check_jwt(const char *s, size_t n)
{
	const char *d1 = memchr(s, '.', n), *d2;
	json_t *header = NULL, *payload = NULL;
	const char *alg;
	size_t siglen;
	int ok = 0;

	if (!d1) {
		return 0;
	}
	d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - s));
	if (!d2 || memchr(d2 + 1, '.', n - (size_t)(d2 + 1 - s))) {
		return 0;
	}
	siglen = n - (size_t)(d2 + 1 - s);
	header = b64url_json_object(s, (size_t)(d1 - s));
	if (!header) {
		goto out;
	}
	alg = json_string_value(json_object_get(header, "alg"));
	if (!alg || alg[0] == 0) {
		goto out;
	}
	payload = b64url_json_object(d1 + 1, (size_t)(d2 - d1 - 1));
	if (!payload) {
		goto out;
	}
	/* RFC 7518 3.6: "none" means an empty signature, and only "none" has one. */
	if (strcmp(alg, "none") == 0) {
		ok = siglen == 0;
	} else if (siglen > 0 && !memchr(d2 + 1, '=', siglen)) {
		uint8_t *sig = NULL;
		long len = b64_decode_alloc(&sig, d2 + 1, siglen, LSC_BASE64_URL);

		ok = len >= 16;
		free(sig);
	}
out:
	json_decref(header);
	json_decref(payload);
	return ok;
}

/*
 * A JWT wrapped in base64 once more (ZXlK... is base64 of eyJ...), as Kubernetes Secret data and
 * config stores hold tokens: strict standard base64 whose bytes, less the newline `echo | base64`
 * adds, pass check_jwt. The decode buffer is no larger than the input.
 */
int lsc_check_jwt_base64(const char *s, size_t n)
{
	uint8_t *buf = NULL;
	const char *p;
	size_t len;
	long got;
	int ok = 0;

	got = b64_decode_alloc(&buf, s, n, LSC_BASE64_STD);
	if (got > 0) {
		p = (const char *)buf;
		len = (size_t)got;
		lsc_ascii_trim(&p, &len);
		ok = lsc_check_jwt(p, len);
	}
	free(buf);
	return ok;
}

/* ---- pypi: macaroon v2 ---- */

/* A varint (LEB128) that fits in 32 bits; advances *i. false when truncated or too large. */
static bool varint(uint32_t *out, const uint8_t *p, size_t n, size_t *i)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 35; shift += 7) {
		uint8_t b;

		if (*i >= n) {
			return false;
		}
		b = p[(*i)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (v > UINT32_MAX) {
				return false;
			}
			*out = (uint32_t)v;
			return true;
		}
	}
	return false;
}

enum { MAC_EOS = 0, MAC_LOCATION = 1, MAC_IDENTIFIER = 2, MAC_VID = 4, MAC_SIGNATURE = 6 };

/* One field: type, then (unless EOS) a length and that many bytes. */
static bool mac_field(uint32_t *type, struct span *data, const uint8_t *p, size_t n, size_t *i)
{
	uint32_t len;

	if (!varint(type, p, n, i)) {
		return false;
	}
	if (*type == MAC_EOS) {
		data->off = *i;
		data->len = 0;
		return true;
	}
	if (!varint(&len, p, n, i) || len > n - *i) {
		return false;
	}
	data->off = *i;
	data->len = len;
	*i += len;
	return true;
}

/*
 * The v2 binary format (libmacaroons, pymacaroons): 0x02; [location]; identifier; EOS; then
 * caveats, each [location] identifier [vid] EOS; EOS; signature of 32 bytes; nothing after.
 */
static int macaroon_v2(const uint8_t *p, size_t n)
{
	struct span loc, data;
	uint32_t type;
	size_t i = 1;
	int caveats = 0;

	if (n < 2 || p[0] != 0x02) {
		return 0;
	}
	if (!mac_field(&type, &loc, p, n, &i) || type != MAC_LOCATION) {
		return 0;
	}
	if (!((loc.len == 8 && memcmp(p + loc.off, "pypi.org", 8) == 0) ||
	      (loc.len == 13 && memcmp(p + loc.off, "test.pypi.org", 13) == 0))) {
		return 0;
	}
	if (!mac_field(&type, &data, p, n, &i) || type != MAC_IDENTIFIER || data.len == 0) {
		return 0;
	}
	if (!mac_field(&type, &data, p, n, &i) || type != MAC_EOS) {
		return 0;
	}
	for (;;) {
		if (!mac_field(&type, &data, p, n, &i)) {
			return 0;
		}
		if (type == MAC_EOS) {
			break;
		}
		caveats++;
		if (caveats > 1024) {
			return 0;
		}
		if (type == MAC_LOCATION && !mac_field(&type, &data, p, n, &i)) {
			return 0;
		}
		if (type != MAC_IDENTIFIER || !mac_field(&type, &data, p, n, &i)) {
			return 0;
		}
		if (type == MAC_VID && !mac_field(&type, &data, p, n, &i)) {
			return 0;
		}
		if (type != MAC_EOS) {
			return 0;
		}
	}
	if (!mac_field(&type, &data, p, n, &i) || type != MAC_SIGNATURE || data.len != 32) {
		return 0;
	}
	return i == n ? 1 : 0;
}

int lsc_check_pypi(const char *s, size_t n)
{
	uint8_t *buf = NULL;
	long len;
	int ok = 0;

	/* Tokens are written unpadded, as JWS segments are. */
	if (!lsc_ascii_has_prefix(s, n, "pypi-") || n < 5 + 16 || memchr(s, '=', n)) {
		return 0;
	}
	len = b64_decode_alloc(&buf, s + 5, n - 5, LSC_BASE64_URL);
	if (len > 0) {
		ok = macaroon_v2(buf, (size_t)len);
	}
	free(buf);
	return ok;
}

/* ---- base64 check ---- */

int lsc_check_base64(const char *s, size_t n)
{
	uint8_t *buf = NULL;
	long len;
	int ok = 0;

	len = b64_decode_alloc(&buf, s, n, LSC_BASE64_ANY);
	if (len >= 16) {
		ok = 0;
		for (long i = 1; i < len; i++) {
			if (buf[i] != buf[0]) {
				ok = 1;
				break;
			}
		}
	}
	free(buf);
	return ok;
}

/* ---- aws ---- */

int lsc_check_aws_key_id(const char *s, size_t n)
{
	static const char *const prefixes[] = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA",
					       "AROA", "AIPA", "ANPA", "ANVA", "APKA"};
	bool known = false;

	if (n != 20) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		known = known || memcmp(s, prefixes[i], 4) == 0;
	}
	if (!known) {
		return 0;
	}
	for (size_t i = 4; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!lsc_ascii_is_upper(c) && !(c >= '2' && c <= '7')) {
			return 0;
		}
	}
	/* AKIAIOSFODNN7EXAMPLE and its kin in AWS's documentation. */
	if (lsc_ascii_has_suffix(s, n, "EXAMPLE") || lsc_placeholder_is(s + 4, n - 4)) {
		return 0;
	}
	return 1;
}

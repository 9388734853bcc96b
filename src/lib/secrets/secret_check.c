/*
 * Offline checks of secret candidates. Every function here is pure: no global mutable state, no
 * I/O, input is n bytes that may hold anything (NULs, invalid UTF-8), and the only allocations are
 * decode buffers no larger than the input. Checks return 1 (looks real) or 0.
 *
 * Checksum schemes, as the providers and the tools that verify them define them:
 *   - GitHub classic and npm tokens: prefix + 30 random base62 characters + 6 characters that
 *     are the CRC32 (zlib's) of those 30 characters only (not of the prefix), written in base62
 *     with the alphabet 0-9A-Za-z, most significant digit first, zero-padded to 6.
 *   - age identities: bech32 (BIP-173 constant 1, not bech32m) with HRP "age-secret-key-".
 *   - OpenPGP armor: the optional "=XXXX" line is the CRC24 of the decoded body (RFC 4880 6.1).
 */
#include "secret_check.h"
#include "util/ascii.h"
#include "lib/digest.h"
#include "keys.h"
#include "placeholder.h"
#include "words.h"
#include "util/base64.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct span {
	size_t off;
	size_t len;
};

static const char *const check_names[LSC_CHECK_MAX] = {
    [LSC_CHECK_NONE] = "none",
    [LSC_CHECK_GITHUB] = "github",
    [LSC_CHECK_NPM] = "npm",
    [LSC_CHECK_JWT] = "jwt",
    [LSC_CHECK_PYPI] = "pypi",
    [LSC_CHECK_BASE64] = "base64",
    [LSC_CHECK_PEM] = "pem",
    [LSC_CHECK_URL_PASSWORD] = "url-password",
    [LSC_CHECK_AWS_KEY_ID] = "aws-key-id",
    [LSC_CHECK_GENERIC] = "generic",
    [LSC_CHECK_JWT_BASE64] = "jwt-base64",
};

int lsc_secret_check_parse(const char *name)
{
	if (!name) {
		return -1;
	}
	for (int i = 0; i < LSC_CHECK_MAX; i++) {
		if (strcmp(name, check_names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

const char *lsc_secret_check_name(enum lsc_secret_check c)
{
	if ((int)c < 0 || c >= LSC_CHECK_MAX) {
		return NULL;
	}
	return check_names[c];
}

/* ---- ASCII helpers: never the locale's ctype, the bytes are arbitrary ---- */

static bool is_hex(unsigned char c)
{
	return lsc_ascii_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_value(unsigned char c)
{
	if (lsc_ascii_is_digit(c)) {
		return c - '0';
	}
	c = lsc_ascii_to_lower(c);
	return c - 'a' + 10;
}

static bool suffix_nocase(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && lsc_ascii_eq_nocase(p + n - l, l, lit);
}

/* ---- base64 ---- */

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

static int check_github(const char *s, size_t n)
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

static int check_npm(const char *s, size_t n)
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

static int check_jwt(const char *s, size_t n)
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
static int check_jwt_base64(const char *s, size_t n)
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
		ok = check_jwt(p, len);
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

static int check_pypi(const char *s, size_t n)
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

/* ---- base64 ---- */

static int check_base64(const char *s, size_t n)
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

/* ---- pem and the other private key containers ---- */

/* The next line of t[*i..n) without its '\n' (and '\r'); false at the end. */
static bool next_line(struct span *line, const char *t, size_t n, size_t *i)
{
	const char *nl;

	if (*i >= n) {
		return false;
	}
	line->off = *i;
	nl = memchr(t + *i, '\n', n - *i);
	line->len = nl ? (size_t)(nl - (t + *i)) : n - *i;
	*i = nl ? (size_t)(nl - t) + 1 : n;
	if (line->len > 0 && t[line->off + line->len - 1] == '\r') {
		line->len--;
	}
	return true;
}

/* openssh-key-v1, its whole structure (keys.c) */
static bool openssh_key(const uint8_t *p, size_t n)
{
	struct lsc_keys_openssh k;

	return lsc_keys_openssh_parse(&k, p, n, n) && k.complete;
}

static uint32_t crc24(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xB704CEu;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (int b = 0; b < 8; b++) {
			crc <<= 1;
			if (crc & 0x1000000u) {
				crc ^= 0x1864CFBu;
			}
		}
	}
	return crc & 0xFFFFFFu;
}

/*
 * The armored body of a PGP private key block: optional "Key: value" headers and a blank line,
 * base64 lines, an optional "=XXXX" CRC24 that must match. The first packet is a secret key
 * (tag 5), in the old (0x94-0x97) or the new (0xC5) packet format.
 */
static bool pgp_body(const char *t, size_t n)
{
	struct span line;
	size_t i = 0, b64_start = 0, b64_end = 0, crc_off = 0;
	bool headers = true, have_crc = false, ok = false;
	uint8_t *buf = NULL, crcbuf[6];
	long len;

	while (i < n && lsc_ascii_is_space((unsigned char)t[i])) {
		i++;
	}
	while (next_line(&line, t, n, &i)) {
		const char *l = t + line.off;
		size_t ll = line.len;

		lsc_ascii_trim(&l, &ll);
		if (headers) {
			/* Armor headers are "Key: value"; base64 never holds a ':'. */
			if (ll > 0 && memchr(l, ':', ll)) {
				continue;
			}
			headers = false;
			b64_start = line.off;
			if (ll == 0) {
				b64_start = i;
				continue;
			}
		}
		if (ll == 5 && l[0] == '=') {
			have_crc = true;
			crc_off = (size_t)(l - t);
			b64_end = line.off;
			if (i < n) {
				const char *rest = t + i;
				size_t rl = n - i;

				lsc_ascii_trim(&rest, &rl);
				if (rl > 0) {
					return false;
				}
			}
			break;
		}
		b64_end = i;
	}
	if (b64_end <= b64_start) {
		return false;
	}
	len = b64_decode_alloc(&buf, t + b64_start, b64_end - b64_start,
			       LSC_BASE64_STD | LSC_BASE64_SPACE);
	if (len >= 32 && ((buf[0] >= 0x94 && buf[0] <= 0x97) || buf[0] == 0xC5)) {
		ok = true;
		if (have_crc) {
			uint32_t want;

			ok = lsc_base64_decode(crcbuf, sizeof(crcbuf), t + crc_off + 1, 4,
					       LSC_BASE64_STD | LSC_BASE64_STRICT) == 3;
			want = (uint32_t)crcbuf[0] << 16 | (uint32_t)crcbuf[1] << 8 | crcbuf[2];
			ok = ok && want == crc24(buf, (size_t)len);
		}
	}
	free(buf);
	return ok;
}

/*
 * Legacy encrypted PEM (RFC 1421 headers): "Proc-Type: 4,ENCRYPTED", "DEK-Info: CIPHER,HEXIV",
 * a blank line, then ciphertext: whole cipher blocks, so no DER to look into.
 */
static bool legacy_encrypted(const char *t, size_t n)
{
	struct span line;
	size_t i = 0, body = 0;
	bool proc = false, dek = false, ok = false;
	uint8_t *buf = NULL;
	long len;

	while (i < n && lsc_ascii_is_space((unsigned char)t[i])) {
		i++;
	}
	while (next_line(&line, t, n, &i)) {
		const char *l = t + line.off;
		size_t ll = line.len;
		const char *comma;

		lsc_ascii_trim(&l, &ll);
		if (ll == 0) {
			body = i;
			break;
		}
		if (lsc_ascii_has_prefix(l, ll, "Proc-Type:")) {
			proc = lsc_ascii_find(l, ll, "4,ENCRYPTED", false) != NULL;
		} else if (lsc_ascii_has_prefix(l, ll, "DEK-Info:")) {
			comma = memchr(l, ',', ll);
			dek = comma && (size_t)(l + ll - comma - 1) >= 16;
			for (const char *c = comma ? comma + 1 : l + ll; c < l + ll; c++) {
				dek = dek && is_hex((unsigned char)*c);
			}
		} else if (!memchr(l, ':', ll)) {
			return false;
		}
	}
	if (!proc || !dek || body == 0) {
		return false;
	}
	len = b64_decode_alloc(&buf, t + body, n - body, LSC_BASE64_STD | LSC_BASE64_SPACE);
	ok = len >= 64 && len % 8 == 0;
	free(buf);
	return ok;
}

/*
 * Private keys that libraries publish and ship for their own self-tests (GnuTLS's FIPS power-on
 * tests in libgnutls.so.30, Debian 12). Every copy of the library carries them: they are nobody's
 * secret, and reporting them would put a critical finding on every image with GnuTLS.
 * SHA-256 of the DER body.
 */
static const char *const published_test_keys[] = {
    "87e288dc7dbc29a24241b596ec8c84f949d9f09f34fc0cf69242481fb2274770",
    "d245e52c341a76645e1b0e56c58dc964cd4f3ecaea64a9c6d6db9897d4948a8a",
    "0294b4406902e33bb02f89eaf4c691328790d7a9cd01b873d68edac994f310a1",
    "60c323abe4854b03743005874156ef6e0343bc9c05c09a2a43335cdda19342b3",
    "995b8d5b08ac126a74f39d812fc8cce270d026093d810f366de923bb0fe47f60",
    "09416ba3e0782523c56225fb168cd58cda7796e938db1b53f79b6abbaed2bbc7",
    "7e38af7715bbb425a6aa8060b7c0af60aeb81d39975c55e83edcb9eae7a5e9f8",
    "458022ddcb5598b39253bc027eb02c4f3dba00e2bdbaef239a35bc91c9bd4f3a",
    "09f1c1a4680df80b9e8e6e587d3a787de7402a919e366426ad807a1c0f8c98c1",
    "2859ff03b44c8f0e4f96604b8cced325ef4d01ca935422b2041d88d8809f8fa1",
};

static bool published_test_key(const uint8_t *der, size_t n)
{
	char d[LSC_DIGEST_MAX];

	if (lsc_digest_buf(d, der, n) < 0) {
		return false;
	}
	for (size_t i = 0; i < sizeof(published_test_keys) / sizeof(published_test_keys[0]); i++) {
		if (strcmp(d + 7, published_test_keys[i]) == 0) {
			return true;
		}
	}
	return false;
}

static int pem_armored(const char *t, size_t n)
{
	static const char *const der_labels[] = {"RSA PRIVATE KEY", "EC PRIVATE KEY",
						 "DSA PRIVATE KEY", "PRIVATE KEY",
						 "ENCRYPTED PRIVATE KEY"};
	const char *label = t + 11, *dash, *body, *end;
	char endline[96];
	size_t ll, bl;
	uint8_t *buf = NULL;
	long len;
	int ok = 0;

	dash = lsc_ascii_find(label, n - 11, "-----", false);
	if (!dash || dash == label || (size_t)(dash - label) > 64) {
		return 0;
	}
	ll = (size_t)(dash - label);
	for (size_t i = 0; i < ll; i++) {
		if (!lsc_ascii_is_upper((unsigned char)label[i]) &&
		    !lsc_ascii_is_digit((unsigned char)label[i]) && label[i] != ' ') {
			return 0;
		}
	}
	body = dash + 5;
	snprintf(endline, sizeof(endline), "-----END %.*s-----", (int)ll, label);
	end = lsc_ascii_find(body, n - (size_t)(body - t), endline, false);
	if (!end || end + strlen(endline) != t + n) {
		return 0;
	}
	bl = (size_t)(end - body);
	if (ll == 19 && memcmp(label, "OPENSSH PRIVATE KEY", ll) == 0) {
		len = b64_decode_alloc(&buf, body, bl, LSC_BASE64_STD | LSC_BASE64_SPACE);
		ok = len > 0 && openssh_key(buf, (size_t)len);
		free(buf);
		return ok;
	}
	if (ll == 21 && memcmp(label, "PGP PRIVATE KEY BLOCK", ll) == 0) {
		return pgp_body(body, bl) ? 1 : 0;
	}
	for (size_t k = 0; k < sizeof(der_labels) / sizeof(der_labels[0]); k++) {
		if (ll != strlen(der_labels[k]) || memcmp(label, der_labels[k], ll) != 0) {
			continue;
		}
		if (lsc_ascii_find(body, bl, "Proc-Type:", false)) {
			return k < 3 && legacy_encrypted(body, bl) ? 1 : 0;
		}
		len = b64_decode_alloc(&buf, body, bl, LSC_BASE64_STD | LSC_BASE64_SPACE);
		ok = len > 0 &&
		     lsc_keys_der_sequence(buf, (size_t)len, (size_t)len, k == 4 ? 0x30 : 0x02) &&
		     !published_test_key(buf, (size_t)len);
		free(buf);
		return ok;
	}
	return 0;
}

/* "Name: value" where value is a decimal count in 1..max; 0 when not. */
static unsigned header_count(const char *l, size_t ll, const char *name, unsigned max)
{
	size_t nl = strlen(name);
	unsigned v = 0;

	if (ll <= nl + 1 || memcmp(l, name, nl) != 0 || l[nl] != ':') {
		return 0;
	}
	l += nl + 1;
	ll -= nl + 1;
	lsc_ascii_trim(&l, &ll);
	if (ll == 0 || ll > 4) {
		return 0;
	}
	for (size_t i = 0; i < ll; i++) {
		if (!lsc_ascii_is_digit((unsigned char)l[i])) {
			return 0;
		}
		v = v * 10 + (unsigned)(l[i] - '0');
	}
	return v <= max ? v : 0;
}

/* count lines of base64 from *i; false when one is missing or does not decode. */
static bool putty_lines(const char *t, size_t n, size_t *i, unsigned count, size_t *decoded)
{
	struct span line;
	uint8_t buf[128];

	*decoded = 0;
	for (unsigned k = 0; k < count; k++) {
		long len;

		if (!next_line(&line, t, n, i) || line.len == 0 || line.len > 160) {
			return false;
		}
		len = lsc_base64_decode(buf, sizeof(buf), t + line.off, line.len,
					LSC_BASE64_STD | LSC_BASE64_STRICT);
		if (len <= 0) {
			return false;
		}
		*decoded += (size_t)len;
	}
	return true;
}

/*
 * PuTTY-User-Key-File-2/3: "PuTTY-User-Key-File-N: algorithm", headers, Public-Lines and
 * Private-Lines sections of base64, then a Private-MAC of 40 (v2, SHA-1) or 64 (v3) hex digits.
 */
static int putty_key(const char *t, size_t n)
{
	struct span line;
	size_t i = 0, pub = 0, priv = 0;
	bool have_pub = false, have_priv = false, encrypted = false;
	unsigned count;
	int version;

	if (!next_line(&line, t, n, &i) || line.len < 24) {
		return 0;
	}
	version = t[20] - '0';
	if ((version != 2 && version != 3) || t[21] != ':' || t[22] != ' ' ||
	    !lsc_ascii_is_alpha((unsigned char)t[23])) {
		return 0;
	}
	while (next_line(&line, t, n, &i)) {
		const char *l = t + line.off;
		size_t ll = line.len;

		if (lsc_ascii_has_prefix(l, ll, "Encryption: ")) {
			encrypted = !lsc_ascii_has_suffix(l, ll, ": none");
		} else if (lsc_ascii_has_prefix(l, ll, "Public-Lines:")) {
			count = header_count(l, ll, "Public-Lines", 256);
			have_pub = count > 0 && putty_lines(t, n, &i, count, &pub);
			if (!have_pub) {
				return 0;
			}
		} else if (lsc_ascii_has_prefix(l, ll, "Private-Lines:")) {
			count = header_count(l, ll, "Private-Lines", 256);
			have_priv = count > 0 && putty_lines(t, n, &i, count, &priv);
			if (!have_priv || priv < 16 || (encrypted && priv % 16 != 0)) {
				return 0;
			}
		} else if (lsc_ascii_has_prefix(l, ll, "Private-MAC: ")) {
			const char *mac = l + 13;
			size_t ml = ll - 13;

			if (!have_pub || !have_priv || ml != (version == 2 ? 40u : 64u)) {
				return 0;
			}
			for (size_t k = 0; k < ml; k++) {
				if (!is_hex((unsigned char)mac[k])) {
					return 0;
				}
			}
			return 1;
		}
	}
	return 0;
}

static uint32_t bech32_polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
					0x2a1462b3u};
	uint32_t top = chk >> 25;

	chk = ((chk & 0x1ffffffu) << 5) ^ v;
	for (int k = 0; k < 5; k++) {
		if ((top >> k) & 1) {
			chk ^= gen[k];
		}
	}
	return chk;
}

/*
 * AGE-SECRET-KEY-1 + 58 characters: bech32 (BIP-173) with HRP "age-secret-key-", 52 data
 * characters (a 32-byte X25519 key and 4 zero padding bits) and a 6-character checksum. Upper
 * case as age writes it, or all lower case; never mixed (BIP-173).
 */
static int age_key(const char *t, size_t n)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	static const char hrp[] = "age-secret-key-";
	bool upper = false, lower = false;
	uint32_t chk = 1;
	unsigned last = 0;

	if (n != 16 + 58 || !lsc_ascii_prefix_nocase(t, n, "AGE-SECRET-KEY-1")) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		upper = upper || lsc_ascii_is_upper((unsigned char)t[i]);
		lower = lower || lsc_ascii_is_lower((unsigned char)t[i]);
	}
	if (upper && lower) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(hrp) - 1; i++) {
		chk = bech32_polymod_step(chk, (unsigned char)hrp[i] >> 5);
	}
	chk = bech32_polymod_step(chk, 0);
	for (size_t i = 0; i < sizeof(hrp) - 1; i++) {
		chk = bech32_polymod_step(chk, (unsigned char)hrp[i] & 31);
	}
	for (size_t i = 16; i < n; i++) {
		const char *c = memchr(charset, lsc_ascii_to_lower((unsigned char)t[i]), 32);

		if (!c) {
			return 0;
		}
		chk = bech32_polymod_step(chk, (unsigned)(c - charset));
		if (i == 16 + 51) {
			last = (unsigned)(c - charset);
		}
	}
	/* 52 * 5 = 260 bits: the 4 bits past the 32 bytes are padding and must be zero. */
	return chk == 1 && (last & 0xf) == 0 ? 1 : 0;
}

/*
 * Secrets reach us as they were written: JSON and env files escape newlines as "\n". The key
 * formats are line based, so turn escapes into real newlines (into out, n bytes) first.
 */
static size_t unescape_newlines(char *out, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
			if (s[i + 1] == 'n') {
				out[o++] = '\n';
			}
			i++;
			continue;
		}
		if (s[i] != '\r') {
			out[o++] = s[i];
		}
	}
	return o;
}

static int check_pem(const char *s, size_t n)
{
	char *t;
	const char *p;
	size_t m;
	int ok = 0;

	t = malloc(n + 1);
	if (!t) {
		return 0;
	}
	m = unescape_newlines(t, s, n);
	p = t;
	lsc_ascii_trim(&p, &m);
	if (lsc_ascii_has_prefix(p, m, "-----BEGIN ")) {
		ok = pem_armored(p, m);
	} else if (lsc_ascii_has_prefix(p, m, "PuTTY-User-Key-File-")) {
		ok = putty_key(p, m);
	} else if (lsc_ascii_prefix_nocase(p, m, "AGE-SECRET-KEY-1")) {
		ok = age_key(p, m);
	}
	free(t);
	return ok;
}

/*
 * log2(x) for x >= 1 without libm, which the library does not link: halve x into [1, 2), then
 * ln(m) = 2 atanh((m - 1) / (m + 1)), whose series converges fast there (|y| <= 1/3).
 */
static double log2_of(double x)
{
	double y, y2, term, sum = 0.0;
	int e = 0;

	while (x >= 2.0) {
		x /= 2.0;
		e++;
	}
	y = (x - 1.0) / (x + 1.0);
	y2 = y * y;
	term = y;
	for (int k = 0; k < 40; k++) {
		sum += term / (double)(2 * k + 1);
		term *= y2;
	}
	return (double)e + 2.0 * sum / 0.69314718055994530942;
}

/* H = log2(n) - (1/n) sum(c log2 c), over byte counts c: no division inside the logarithms. */
double lsc_secret_entropy(const char *s, size_t n)
{
	size_t counts[256] = {0};
	double sum = 0.0, h;

	if (!s || n == 0) {
		return 0.0;
	}
	for (size_t i = 0; i < n; i++) {
		counts[(unsigned char)s[i]]++;
	}
	for (size_t c = 0; c < 256; c++) {
		if (counts[c] > 1) {
			sum += (double)counts[c] * log2_of((double)counts[c]);
		}
	}
	h = log2_of((double)n) - sum / (double)n;
	return h < 0.0 ? 0.0 : h;
}

/* ---- url-password ---- */

/* RFC 2606 / 6761 names that never reach a real server: example.{com,net,org}, *.example,
 * *.invalid and *.test. */
static bool reserved_host(const char *h, size_t n)
{
	static const char *const domains[] = {"example.com", "example.net", "example.org", NULL};
	static const char *const tlds[] = {"example", "invalid", "test", NULL};

	if (n > 0 && h[n - 1] == '.') {
		n--;
	}
	for (size_t i = 0; domains[i]; i++) {
		size_t l = strlen(domains[i]);

		if (lsc_ascii_eq_nocase(h, n, domains[i]) ||
		    (n > l && suffix_nocase(h, n, domains[i]) && h[n - l - 1] == '.')) {
			return true;
		}
	}
	for (size_t i = 0; tlds[i]; i++) {
		size_t l = strlen(tlds[i]);

		if (lsc_ascii_eq_nocase(h, n, tlds[i]) ||
		    (n > l && suffix_nocase(h, n, tlds[i]) && h[n - l - 1] == '.')) {
			return true;
		}
	}
	return false;
}

/* A dotted IPv4 address of four decimal octets (each 0..255, at most 3 digits) into a. */
static bool ipv4_parse(unsigned a[4], const char *h, size_t n)
{
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && i - start < 4 && lsc_ascii_is_digit((unsigned char)h[i])) {
			v = v * 10 + (unsigned)(h[i] - '0');
			i++;
		}
		if (i == start || i - start > 3 || v > 255) {
			return false;
		}
		a[k] = v;
		if (k < 3) {
			if (i >= n || h[i] != '.') {
				return false;
			}
			i++;
		}
	}
	return i == n;
}

/*
 * Hosts that are this machine or no machine: localhost and *.localhost (RFC 6761), 127.0.0.0/8,
 * ::1 and 0.0.0.0 (the unspecified address a test server listens on). A password to one of them
 * is a test's or a local sidecar's, and the URL parsers' test suites are full of them.
 */
static bool loopback_host(const char *h, size_t n)
{
	static const char *const v6[] = {"::1", "0:0:0:0:0:0:0:1", "::", NULL};
	unsigned a[4];

	if (n > 0 && h[n - 1] == '.') {
		n--;
	}
	if (lsc_ascii_eq_nocase(h, n, "localhost") ||
	    (n > 10 && suffix_nocase(h, n, ".localhost"))) {
		return true;
	}
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
		for (size_t i = 0; v6[i]; i++) {
			if (lsc_ascii_eq_nocase(h, n, v6[i])) {
				return true;
			}
		}
		return false;
	}
	if (lsc_ascii_eq_nocase(h, n, "::1")) {
		return true;
	}
	return ipv4_parse(a, h, n) && (a[0] == 127 || (a[0] | a[1] | a[2] | a[3]) == 0);
}

/* The scheme's length when p starts with "scheme://" ("jdbc:mysql://" too), else 0. */
static size_t url_scheme(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !lsc_ascii_is_alpha((unsigned char)p[0])) {
		return 0;
	}
	while (i < n &&
	       (lsc_ascii_is_alnum((unsigned char)p[i]) || p[i] == '+' || p[i] == '-' ||
		p[i] == '.' || (p[i] == ':' && !lsc_ascii_has_prefix(p + i, n - i, "://")))) {
		i++;
	}
	return lsc_ascii_has_prefix(p + i, n - i, "://") ? i : 0;
}

/* Percent-decodes p into out (n bytes); an invalid escape stays as it is. */
static size_t percent_decode(char *out, const char *p, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && is_hex((unsigned char)p[i + 1]) &&
		    is_hex((unsigned char)p[i + 2])) {
			out[o++] = (char)(hex_value((unsigned char)p[i + 1]) << 4 |
					  hex_value((unsigned char)p[i + 2]));
			i += 2;
			continue;
		}
		out[o++] = p[i];
	}
	return o;
}

static bool weak_password(const char *p, size_t n, const char *user, size_t ul)
{
	static const char *const words[] = {"password", "pass", "passwd", "pwd",      "secret",
					    "xxx",	"****", "***",	  "changeme", NULL};

	if (n == 0 || lsc_words_in_list(p, n, words) || lsc_placeholder_is(p, n)) {
		return true;
	}
	if (n == ul && memcmp(p, user, n) == 0) {
		return true;
	}
	/* Templates the placeholder test lets through inside a URL: $VAR..., {}, {name}. */
	return p[0] == '$' || memchr(p, '{', n) != NULL || memchr(p, '}', n) != NULL;
}

/*
 * scheme://user:password@host[:port][/...]: the authority ends at the first '/', '?' or '#',
 * the user information at its last '@' (RFC 3986 3.2). The password must be real and the host
 * must be one that exists and is not this machine: reserved example names and loopback
 * addresses fail the check.
 */
static int check_url_password(const char *s, size_t n)
{
	size_t sl = url_scheme(s, n), a, aend, at = SIZE_MAX, colon, hl, pl;
	const char *host, *port;
	char *buf;
	int ok;

	if (sl == 0) {
		return 0;
	}
	a = sl + 3;
	aend = a;
	while (aend < n && s[aend] != '/' && s[aend] != '?' && s[aend] != '#') {
		if (s[aend] == '@') {
			at = aend;
		}
		if (lsc_ascii_is_space((unsigned char)s[aend])) {
			return 0;
		}
		aend++;
	}
	if (at == SIZE_MAX) {
		return 0;
	}
	colon = a;
	while (colon < at && s[colon] != ':') {
		colon++;
	}
	if (colon == at) {
		return 0;
	}
	host = s + at + 1;
	hl = aend - at - 1;
	if (hl > 0 && host[0] == '[') {
		const char *rb = memchr(host, ']', hl);

		if (!rb) {
			return 0;
		}
		hl = (size_t)(rb - host) + 1;
	} else {
		port = memchr(host, ':', hl);
		if (port) {
			hl = (size_t)(port - host);
		}
	}
	if (hl == 0 || reserved_host(host, hl) || loopback_host(host, hl)) {
		return 0;
	}
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)host[i];

		if (!lsc_ascii_is_alnum(c) && c != '.' && c != '-' && c != '_' && c != '[' &&
		    c != ']' && c != ':' && c != '%' && c < 0x80) {
			return 0;
		}
	}
	pl = at - colon - 1;
	buf = malloc(pl + (colon - a) + 1);
	if (!buf) {
		return 0;
	}
	{
		size_t dl = percent_decode(buf, s + colon + 1, pl);
		size_t ul = percent_decode(buf + dl, s + a, colon - a);

		ok = weak_password(buf, dl, buf + dl, ul) ? 0 : 1;
	}
	free(buf);
	return ok;
}

/* ---- aws ---- */

static int check_aws_key_id(const char *s, size_t n)
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

/* ---- generic ---- */

/*
 * A number as code and config write them: [+-]digits, groups joined by single '.', '_' or ','
 * (3.14, 1_000_000, 1.2.3, 10.0.0.1), an optional exponent. Not hex: 12e4e567 is no number.
 */
static bool number_like(const char *p, size_t n)
{
	size_t i = 0;

	if (i < n && (p[i] == '+' || p[i] == '-')) {
		i++;
	}
	for (;;) {
		size_t start = i;

		while (i < n && lsc_ascii_is_digit((unsigned char)p[i])) {
			i++;
		}
		if (i == start) {
			return false;
		}
		if (i < n && (p[i] == '.' || p[i] == '_' || p[i] == ',')) {
			i++;
			continue;
		}
		break;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t start;

		i++;
		if (i < n && (p[i] == '+' || p[i] == '-')) {
			i++;
		}
		start = i;
		while (i < n && lsc_ascii_is_digit((unsigned char)p[i])) {
			i++;
		}
		if (i == start) {
			return false;
		}
	}
	return i == n;
}

static bool keyword_value(const char *p, size_t n)
{
	static const char *const words[] = {"true", "false", "yes",   "no",   "on",
					    "off",  "null",  "nil",   "none", "undefined",
					    "nan",  "inf",   "empty", NULL};

	return lsc_words_in_list(p, n, words);
}

/*
 * An identifier as code names things: alphanumerics joined by '_', '-' or '.' or camelCase,
 * at most 5 words that are all wordlike, digits only as the last word. "currentPassword",
 * "password_hash", "getToken", "DB_PASSWORD2", "hunter".
 */
static bool code_identifier(const char *p, size_t n)
{
	struct lsc_words_span words[LSC_WORDS_MAX];
	size_t count, abbrevs = 0;
	bool long_word = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!lsc_ascii_is_alnum(c) && c != '_' && c != '-' && c != '.') {
			return false;
		}
	}
	count = lsc_words_split(words, LSC_WORDS_MAX, p, n);
	if (count == 0 || count > 5) {
		return false;
	}
	for (size_t k = 0; k < count; k++) {
		const char *w = p + words[k].off;
		size_t wl = words[k].len;

		if (lsc_ascii_is_digit((unsigned char)w[0])) {
			if (k + 1 < count || wl > 8) {
				return false;
			}
		} else if (lsc_words_wordlike(w, wl)) {
			/* A real word anchors abbreviations; an acronym (all capitals) does not. */
			long_word =
			    long_word ||
			    (wl >= 4 && (lsc_ascii_is_lower((unsigned char)w[1]) || wl > 4));
		} else {
			abbrevs++;
			if (wl < 2 || wl > 3 || abbrevs > 2 || !lsc_words_english_pairs(w, wl)) {
				return false;
			}
		}
	}
	/* Abbreviations (db, cfg, pwd) count only next to a real word: "dbPassword", "cfg_path". */
	for (size_t k = 0; k < count && !long_word; k++) {
		const char *w = p + words[k].off;

		if (!lsc_ascii_is_digit((unsigned char)w[0]) &&
		    !lsc_words_wordlike(w, words[k].len)) {
			return false;
		}
	}
	return true;
}

/* A path: /x, ./x, ../x, ~/x or C:\x, each component made of words ("/run/secrets/db_pass"). */
static bool path_like(const char *p, size_t n)
{
	size_t i = 0;

	if (lsc_ascii_has_prefix(p, n, "./") || lsc_ascii_has_prefix(p, n, "~/")) {
		i = 2;
	} else if (lsc_ascii_has_prefix(p, n, "../")) {
		i = 3;
	} else if (n >= 3 && lsc_ascii_is_alpha((unsigned char)p[0]) && p[1] == ':' &&
		   (p[2] == '\\' || p[2] == '/')) {
		i = 3;
	} else if (n >= 2 && p[0] == '/') {
		i = 1;
	} else {
		return false;
	}
	while (i < n) {
		size_t start = i;
		struct lsc_words_span words[LSC_WORDS_MAX];
		size_t count;

		while (i < n && p[i] != '/' && p[i] != '\\') {
			i++;
		}
		if (i > start) {
			for (size_t k = start; k < i; k++) {
				unsigned char c = (unsigned char)p[k];

				if (!lsc_ascii_is_alnum(c) && c != '.' && c != '_' && c != '-' &&
				    c != '@') {
					return false;
				}
			}
			count = lsc_words_split(words, LSC_WORDS_MAX, p + start, i - start);
			if (count > LSC_WORDS_MAX) {
				return false;
			}
			for (size_t k = 0; k < count; k++) {
				const char *w = p + start + words[k].off;
				size_t wl = words[k].len;

				/* Short names like etc, usr, ssl, db, id_rsa's "rsa" are fine. */
				if (!lsc_words_wordlike(w, wl) && !(wl >= 2 && wl <= 3)) {
					return false;
				}
			}
		}
		i++;
	}
	return true;
}

/*
 * Code that fetches the secret instead of holding it: calls (getPassword(), vault.read("x"),
 * Secret::get(...)), member chains (this.password, settings.SECRET_KEY, $this->token) with
 * optional subscripts (request.form['password']), @ivars and :symbols.
 */
static bool code_lookup(const char *p, size_t n)
{
	struct lsc_words_span words[LSC_WORDS_MAX];
	size_t i = 0, parts = 0;
	bool sep = false;

	if (n >= 2 && (p[0] == '@' || p[0] == ':') && lsc_words_identifier(p + 1, n - 1)) {
		return true;
	}
	if (n >= 2 && p[0] == '$') {
		i = 1;
	}
	while (i < n) {
		size_t start = i;

		while (i < n && (lsc_ascii_is_ident((unsigned char)p[i]) || p[i] == '$')) {
			i++;
		}
		if (i == start || !lsc_ascii_is_ident_start((unsigned char)p[start])) {
			return false;
		}
		if (!lsc_words_wordy(words, p + start, i - start)) {
			return false;
		}
		parts++;
		if (i < n && p[i] == '.') {
			i++;
		} else if (i + 1 < n &&
			   ((p[i] == '-' && p[i + 1] == '>') || (p[i] == ':' && p[i + 1] == ':'))) {
			i += 2;
		} else {
			break;
		}
		sep = true;
	}
	if (i == n) {
		return sep && parts >= 2;
	}
	/* What follows the chain: (...) and [...] groups, then an optional ';' or ','. */
	while (i < n && (p[i] == '(' || p[i] == '[')) {
		char close = p[i] == '(' ? ')' : ']';
		const char *c = memchr(p + i, close, n - i);

		if (!c) {
			return false;
		}
		i = (size_t)(c - p) + 1;
	}
	if (i < n && (p[i] == ';' || p[i] == ',')) {
		i++;
	}
	return i == n && (p[n - 1] == ')' || p[n - 1] == ']' || p[n - 1] == ';' || p[n - 1] == ',');
}

/* A pointer into a secret manager, not the secret: vault:..., arn:aws:..., op://... */
static bool secret_reference(const char *p, size_t n)
{
	static const char *const prefixes[] = {
	    "vault:",  "arn:aws:", "arn:aws-",	      "op://",	   "ssm:",
	    "ssm://",  "sm://",	   "gsm://",	      "awssm:",	   "akv://",
	    "azkv://", "ref+",	   "secretsmanager:", "projects/", NULL};

	for (size_t i = 0; prefixes[i]; i++) {
		if (lsc_ascii_prefix_nocase(p, n, prefixes[i])) {
			return true;
		}
	}
	return false;
}

/* Optional chaining or a call: the value is code (config?.x, getKey()), not a literal. */
static bool code_expression(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if ((p[i] == '?' && p[i + 1] == '.') || (p[i] == '(' && i > 0)) {
			return true;
		}
	}
	return false;
}

/*
 * A type name made of capitalised words and digits (Uint8Array, HttpHeaders, Int32List): what a
 * typed declaration (`SECRET: Uint8Array;`) puts where a value would be.
 */
static bool type_name(const char *p, size_t n)
{
	size_t i = 0, words = 0;

	while (i < n) {
		if (p[i] >= 'A' && p[i] <= 'Z') {
			size_t k = i + 1;

			while (k < n && p[k] >= 'a' && p[k] <= 'z') {
				k++;
			}
			if (k - i < 3) {
				return false; /* a capital needs a lowercase word after it */
			}
			words++;
			i = k;
		} else if (p[i] >= '0' && p[i] <= '9' && i > 0) {
			i++;
		} else {
			return false;
		}
	}
	return words >= 2;
}

/*
 * A UUID, 8-4-4-4-12 hex digits in any case: an identifier (AWS's ChangeToken, request and
 * resource ids, idempotency keys), never a generic secret: a provider whose secrets have this
 * shape needs a rule of its own, keyed on the provider's name.
 */
static bool uuid_like(const char *p, size_t n)
{
	if (n != 36) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (p[i] != '-') {
				return false;
			}
		} else if (!is_hex((unsigned char)p[i])) {
			return false;
		}
	}
	return true;
}

static int check_generic(const char *s, size_t n)
{
	const char *p = s;

	lsc_ascii_trim_quotes(&p, &n);
	if (n == 0 || lsc_placeholder_is(p, n)) {
		return 0;
	}
	if (n < 20 && lsc_secret_entropy(p, n) < 2.5) {
		return 0;
	}
	if (uuid_like(p, n) || number_like(p, n) || keyword_value(p, n) || code_identifier(p, n) ||
	    path_like(p, n) || code_lookup(p, n) || secret_reference(p, n) ||
	    code_expression(p, n) || type_name(p, n)) {
		return 0;
	}
	if (url_scheme(p, n) > 0) {
		return check_url_password(p, n);
	}
	return 1;
}

int lsc_secret_check_run(enum lsc_secret_check c, const char *secret, size_t n)
{
	const char *p = secret;

	if (!secret) {
		return c == LSC_CHECK_NONE ? 1 : 0;
	}
	if (c != LSC_CHECK_PEM) {
		lsc_ascii_trim(&p, &n);
	}
	switch (c) {
	case LSC_CHECK_NONE:
		return 1;
	case LSC_CHECK_GITHUB:
		return check_github(p, n);
	case LSC_CHECK_NPM:
		return check_npm(p, n);
	case LSC_CHECK_JWT:
		return check_jwt(p, n);
	case LSC_CHECK_PYPI:
		return check_pypi(p, n);
	case LSC_CHECK_BASE64:
		return check_base64(p, n);
	case LSC_CHECK_PEM:
		return check_pem(p, n);
	case LSC_CHECK_URL_PASSWORD:
		return check_url_password(p, n);
	case LSC_CHECK_AWS_KEY_ID:
		return check_aws_key_id(p, n);
	case LSC_CHECK_GENERIC:
		return check_generic(p, n);
	case LSC_CHECK_JWT_BASE64:
		return check_jwt_base64(p, n);
	case LSC_CHECK_MAX:
		break;
	}
	return 0;
}

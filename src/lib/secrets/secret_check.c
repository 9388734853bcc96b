/*
 * Offline checks of secret candidates. Every function here is pure: no global mutable state, no
 * I/O, input is n bytes that may hold anything (NULs, invalid UTF-8), and the only allocations are
 * decode buffers no larger than the input. Checks return 1 (looks real) or 0.
 *
 * Checksum schemes, as the providers and the tools that verify them define them:
 *   - GitHub classic and npm tokens: prefix + 30 random base62 characters + 6 characters that
 *     are the CRC32 (zlib's) of those 30 characters only (not of the prefix), written in base62
 *     with the alphabet 0-9A-Za-z, most significant digit first, zero-padded to 6.
 *   - age identities (bech32) and OpenPGP armour (CRC24): keys.c, with the other key containers.
 */
#include "secret_check.h"
#include "util/ascii.h"
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

/* ---- pem and the other private key containers (keys.c parses them) ---- */

/*
 * A key as it was written: real newlines, CRLF, or "\n" escapes (JSON, .env), blanks around it.
 * A PEM block must end the candidate; a published self-test key is no secret.
 */
static int check_pem(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	struct lsc_keys_block k;
	size_t i = lsc_keys_skip_blank(p, n, 0);

	if (lsc_ascii_has_prefix(s + i, n - i, "-----BEGIN ")) {
		if (lsc_keys_pem_parse(&k, p, n, i) < 0) {
			return 0;
		}
		return k.holds && lsc_keys_skip_blank(p, n, k.end) == n ? 1 : 0;
	}
	if (lsc_ascii_has_prefix(s + i, n - i, "PuTTY-User-Key-File-")) {
		return lsc_keys_putty_parse(&k, p, n, i) == 0 && k.holds ? 1 : 0;
	}
	if (lsc_ascii_prefix_nocase(s + i, n - i, "AGE-SECRET-KEY-1")) {
		return lsc_keys_age_parse(&k, p + i, n - i) == 0 && k.holds ? 1 : 0;
	}
	return 0;
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

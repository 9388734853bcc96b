/*
 * lib/secrets/check_token: provider checksums (GitHub, npm), structural decoding (JWT, PyPI
 * macaroons, base64) and AWS key ids, through the check table. Valid values are built here,
 * independently of the code under test: checksums with zlib's crc32(), JWTs from JSON.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/secrets/check_token.h"
#include "lib/secrets/secret_check.h"

#include "check_testutil.h"

/* ---- helpers ---- */

static const char b62_basex[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* n base62 digits of v, most significant first, zero-padded. */
static void base62(char *out, uint32_t v, const char *alphabet, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		out[i - 1] = alphabet[v % 62];
		v /= 62;
	}
}

/*
 * prefix + 30 random base62 characters + base62(crc32(...)). with_prefix puts the prefix under
 * the CRC too, which is not the scheme: the check must reject that.
 */
static void make_token(char *out, const char *prefix, uint32_t *seed, const char *alphabet,
		       bool with_prefix)
{
	size_t pl = strlen(prefix);
	uLong crc;

	memcpy(out, prefix, pl);
	for (size_t i = 0; i < 30; i++) {
		out[pl + i] = b62_gmp[rnd(seed) % 62];
	}
	if (with_prefix) {
		crc = crc32(0L, (const Bytef *)out, (uInt)(pl + 30));
	} else {
		crc = crc32(0L, (const Bytef *)out + pl, 30);
	}
	base62(out + pl + 30, (uint32_t)crc, alphabet, 6);
	out[pl + 36] = 0;
}

/* ---- github / npm ---- */

Test(check_token, github_tokens_built_with_zlib_crc32_pass)
{
	static const char *const prefixes[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
	uint32_t seed = 1;
	char tok[64];

	for (size_t p = 0; p < 5; p++) {
		for (int k = 0; k < 50; k++) {
			make_token(tok, prefixes[p], &seed, b62_gmp, false);
			cr_assert_eq(strlen(tok), 40);
			pass(LSC_CHECK_GITHUB, tok);
		}
	}
}

Test(check_token, github_published_vectors)
{
	/* Generated with therootcompany/base62-token.js, as used by DataDog's scanner tests. */
	pass(LSC_CHECK_GITHUB, "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");
	pass(LSC_CHECK_GITHUB, "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");
	pass(LSC_CHECK_GITHUB, "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");
	pass(LSC_CHECK_GITHUB, "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");
	fail(LSC_CHECK_GITHUB, "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3");
	/* Surrounding whitespace is not part of the token. */
	pass(LSC_CHECK_GITHUB, "  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\n");
}

Test(check_token, github_checksum_with_leading_zero_is_zero_padded)
{
	uint32_t seed = 7;
	char tok[64];
	int found = 0;

	for (int k = 0; k < 2000 && found < 5; k++) {
		make_token(tok, "ghp_", &seed, b62_gmp, false);
		if (tok[34] == '0') {
			pass(LSC_CHECK_GITHUB, tok);
			found++;
		}
	}
	cr_assert_eq(found, 5);
}

Test(check_token, github_every_single_character_change_fails)
{
	static const char others[] = "0aZ9";
	uint32_t seed = 3;
	char tok[64];

	make_token(tok, "ghp_", &seed, b62_gmp, false);
	pass(LSC_CHECK_GITHUB, tok);
	for (size_t i = 0; i < 40; i++) {
		for (size_t o = 0; o < sizeof(others) - 1; o++) {
			char m[64];

			memcpy(m, tok, sizeof(m));
			if (m[i] == others[o] || (i == 2 && strchr("ousr", others[o]))) {
				continue;
			}
			m[i] = others[o];
			fail(LSC_CHECK_GITHUB, m);
		}
	}
}

Test(check_token, github_rejects_other_schemes_and_shapes)
{
	uint32_t seed = 11;
	char tok[64], m[64];

	/* The other base62 alphabet (0-9a-zA-Z). */
	for (int k = 0; k < 20; k++) {
		make_token(tok, "ghp_", &seed, b62_basex, false);
		make_token(m, "ghp_", &(uint32_t){seed}, b62_gmp, false);
		if (strcmp(tok + 34, m + 34) != 0) {
			fail(LSC_CHECK_GITHUB, tok);
		}
	}
	/* The CRC over the prefix too. */
	for (int k = 0; k < 20; k++) {
		make_token(tok, "ghp_", &seed, b62_gmp, true);
		fail(LSC_CHECK_GITHUB, tok);
	}
	make_token(tok, "ghp_", &seed, b62_gmp, false);
	pass(LSC_CHECK_GITHUB, tok);
	/* Length, prefix and alphabet. */
	memcpy(m, tok, sizeof(m));
	m[39] = 0;
	fail(LSC_CHECK_GITHUB, m);
	snprintf(m, sizeof(m), "%.40sA", tok);
	fail(LSC_CHECK_GITHUB, m);
	snprintf(m, sizeof(m), "ghx_%s", tok + 4);
	fail(LSC_CHECK_GITHUB, m);
	snprintf(m, sizeof(m), "npm_%s", tok + 4);
	fail(LSC_CHECK_GITHUB, m);
	snprintf(m, sizeof(m), "GHP_%s", tok + 4);
	fail(LSC_CHECK_GITHUB, m);
	memcpy(m, tok, sizeof(m));
	m[10] = '-';
	fail(LSC_CHECK_GITHUB, m);
	fail(LSC_CHECK_GITHUB, "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	fail(LSC_CHECK_GITHUB, "ghp_");
	/* 6 base62 digits can exceed 2^32: "zzzzzz" must not wrap onto a CRC. */
	memcpy(m, tok, sizeof(m));
	memcpy(m + 34, "zzzzzz", 6);
	fail(LSC_CHECK_GITHUB, m);
}

Test(check_token, github_fine_grained_tokens_pass_on_shape)
{
	char tok[128];
	uint32_t seed = 5;

	strcpy(tok, "github_pat_");
	for (int i = 0; i < 22; i++) {
		tok[11 + i] = b62_gmp[rnd(&seed) % 62];
	}
	tok[33] = '_';
	for (int i = 0; i < 59; i++) {
		tok[34 + i] = b62_gmp[rnd(&seed) % 62];
	}
	tok[93] = 0;
	pass(LSC_CHECK_GITHUB, tok);
	tok[33] = 'x';
	fail(LSC_CHECK_GITHUB, tok);
	tok[33] = '_';
	tok[92] = 0;
	fail(LSC_CHECK_GITHUB, tok);
}

Test(check_token, npm_tokens)
{
	uint32_t seed = 21;
	char tok[64], m[64];

	for (int k = 0; k < 100; k++) {
		make_token(tok, "npm_", &seed, b62_gmp, false);
		pass(LSC_CHECK_NPM, tok);
		/* The same body under a GitHub prefix is a GitHub token, not an npm one. */
		snprintf(m, sizeof(m), "ghp_%s", tok + 4);
		fail(LSC_CHECK_NPM, m);
		pass(LSC_CHECK_GITHUB, m);
		make_token(m, "npm_", &seed, b62_gmp, true);
		fail(LSC_CHECK_NPM, m);
	}
	/* secretlint's published dummy: its checksum starts with a zero. */
	pass(LSC_CHECK_NPM, "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");
	fail(LSC_CHECK_NPM, "npm_qkJaB6MffYVzZXWqmcoF49yrUxP3wf0lSAKp");
	fail(LSC_CHECK_NPM, "npm_qkJaB6MffYVzZXWqmcoF49yrUxP3wf0LsakQ");
	fail(LSC_CHECK_NPM, "npm_qkJaB6MffYVzZXWqmcoF49yrUxP3wg0LsakP");
	fail(LSC_CHECK_NPM, "npm_qkJaB6MffYVzZXWqmcoF49yrUxP3wf0LsakP0");
	fail(LSC_CHECK_NPM, "npm_qkJaB6MffYVzZXWqmcoF49yrUxP3w0LsakP");
	fail(LSC_CHECK_NPM, "NPM_qkJaB6MffYVzZXWqmcoF49yrUxP3wf0LsakP");
	fail(LSC_CHECK_NPM, "npm_00000000-0000-0000-0000-000000000000");
}

/* ---- jwt ---- */

static const uint8_t sig32[32] = {0x49, 0xf9, 0x4a, 0xc7, 0x04, 0x49, 0x48, 0xc7, 0x8a, 0x28, 0x5d,
				  0x90, 0x4f, 0x87, 0xf0, 0xa4, 0xc7, 0x89, 0x7f, 0x7e, 0x8f, 0x3a,
				  0x4e, 0xb2, 0x25, 0x5f, 0xda, 0x75, 0x0b, 0x2c, 0xc3, 0x97};

Test(check_token, jwt_built_from_json_passes)
{
	static const char *const headers[] = {"{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
					      "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"k1\"}",
					      "{ \"alg\" : \"ES256\" }", "{\"alg\":\"EdDSA\"}"};
	char *t;

	for (size_t i = 0; i < 4; i++) {
		t = jwt(headers[i], "{\"sub\":\"1234567890\",\"name\":\"Ann\",\"iat\":1516239022}",
			sig32, sizeof(sig32));
		pass(LSC_CHECK_JWT, t);
		free(t);
	}
	/* The one on jwt.io, made by someone else's encoder. */
	pass(LSC_CHECK_JWT,
	     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
	     "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"
	     "_adQssw5c");
	/* Truncated signature: the last character's spare bits are no longer zero. */
	fail(LSC_CHECK_JWT,
	     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
	     "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"
	     "_adQssw5");
}

Test(check_token, jwt_alg_none_has_an_empty_signature)
{
	char *t = jwt("{\"alg\":\"none\"}", "{\"sub\":\"x\"}", "", 0);

	cr_assert(t[strlen(t) - 1] == '.');
	pass(LSC_CHECK_JWT, t);
	free(t);
	t = jwt("{\"alg\":\"none\"}", "{\"sub\":\"x\"}", sig32, sizeof(sig32));
	fail(LSC_CHECK_JWT, t);
	free(t);
	t = jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}", "", 0);
	fail(LSC_CHECK_JWT, t);
	free(t);
	/* A signature too short for any algorithm. */
	t = jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}", sig32, 8);
	fail(LSC_CHECK_JWT, t);
	free(t);
}

Test(check_token, jwt_base64_decodes_then_checks_the_jwt)
{
	char *t = jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		      "{\"sub\":\"svc-ci\",\"iat\":1767225600}", sig32, sizeof(sig32));
	char *nl = malloc(strlen(t) + 2);
	char *w;

	sprintf(nl, "%s\n", t);
	/* as base64(1) writes it: standard alphabet, padded, with and without echo's newline */
	w = b64(t, strlen(t), false, true);
	cr_assert(strncmp(w, "ZXlK", 4) == 0);
	pass(LSC_CHECK_JWT_BASE64, w);
	free(w);
	w = b64(nl, strlen(nl), false, true);
	pass(LSC_CHECK_JWT_BASE64, w);
	free(w);
	/* the JWT itself is no base64 of a JWT, and the jwt check does not take the wrapped one */
	fail(LSC_CHECK_JWT_BASE64, t);
	w = b64(t, strlen(t), false, true);
	fail(LSC_CHECK_JWT, w);
	/* a character outside the alphabet */
	w[10] = '!';
	fail(LSC_CHECK_JWT_BASE64, w);
	free(w);
	free(t);
	/* base64 of something JWT-shaped whose parts are no JSON */
	w = b64("eyJhYmNkZWZnaGlqa2xt.eyJub3Bxcn0.c2lnbmF0dXJlc2lnbmF0dXJl", 57, false, true);
	fail(LSC_CHECK_JWT_BASE64, w);
	free(w);
	/* an alg "none" JWT with a signature fails inside the wrapper as it does outside */
	t = jwt("{\"alg\":\"none\"}", "{\"sub\":\"x\"}", sig32, sizeof(sig32));
	w = b64(t, strlen(t), false, true);
	fail(LSC_CHECK_JWT_BASE64, w);
	free(w);
	free(t);
	free(nl);
	fail(LSC_CHECK_JWT_BASE64, "");
	fail(LSC_CHECK_JWT_BASE64, "ZXlK");
}

Test(check_token, jwt_rejects_bad_headers_and_payloads)
{
	static const char *const bad_headers[] = {"[\"alg\",\"HS256\"]",
						  "\"HS256\"",
						  "{\"typ\":\"JWT\"}",
						  "{\"alg\":256}",
						  "{\"alg\":\"\"}",
						  "{\"alg\":null}",
						  "{\"alg\":\"HS256\"",
						  "{\"alg\":\"HS256\",\"alg\":\"none\"}",
						  "42",
						  "{}"};
	static const char *const bad_payloads[] = {
	    "[1,2,3]", "\"sub\"", "{\"sub\":", "", "null", "{\"a\":1}x"};
	char *t;

	for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
		t = jwt(bad_headers[i], "{\"sub\":\"x\"}", sig32, sizeof(sig32));
		fail(LSC_CHECK_JWT, t);
		free(t);
	}
	for (size_t i = 0; i < sizeof(bad_payloads) / sizeof(bad_payloads[0]); i++) {
		t = jwt("{\"alg\":\"HS256\"}", bad_payloads[i], sig32, sizeof(sig32));
		fail(LSC_CHECK_JWT, t);
		free(t);
	}
}

Test(check_token, jwt_single_character_changes_fail)
{
	char *t = jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"1234567890\"}", sig32,
		      sizeof(sig32));
	char *d1 = strchr(t, '.'), *d2 = strchr(d1 + 1, '.');

	pass(LSC_CHECK_JWT, t);
	/* "eyJ" is '{"': e -> f turns '{' into 0x7f. */
	t[0] = 'f';
	fail(LSC_CHECK_JWT, t);
	t[0] = 'e';
	d1[1] = 'f';
	fail(LSC_CHECK_JWT, t);
	d1[1] = 'e';
	*d1 = '_';
	fail(LSC_CHECK_JWT, t);
	*d1 = '.';
	*d2 = 'A';
	fail(LSC_CHECK_JWT, t);
	*d2 = '.';
	d2[3] = '+';
	fail(LSC_CHECK_JWT, t);
	d2[3] = '*';
	fail(LSC_CHECK_JWT, t);
	free(t);
	fail(LSC_CHECK_JWT, "eyJhbGciOiJIUzI1NiJ9");
	fail(LSC_CHECK_JWT, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0");
	fail(LSC_CHECK_JWT, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.abc.def");
	fail(LSC_CHECK_JWT, "..");
	fail(LSC_CHECK_JWT, "a.b.c");
	/* Padding is not base64url as JWS writes it. */
	t = jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"x\"}", sig32, sizeof(sig32));
	d1 = strchr(t, '.');
	{
		char *padded = malloc(strlen(t) + 3);

		sprintf(padded, "%.*s==%s", (int)(d1 - t), t, d1);
		fail(LSC_CHECK_JWT, padded);
		free(padded);
	}
	free(t);
}

/* ---- pypi ---- */

/* A macaroon v2: 0x02, location, identifier, EOS, caveats, EOS, signature. */
static size_t macaroon(uint8_t *out, const char *location, const char *const *caveats,
		       size_t siglen)
{
	static const char id[] = "1fde3a9c-7c0a-4e0e-b5e4-3fbd6f0a41e7";
	size_t n = 0;

	out[n++] = 0x02;
	if (location) {
		out[n++] = 0x01;
		out[n++] = (uint8_t)strlen(location);
		memcpy(out + n, location, strlen(location));
		n += strlen(location);
	}
	out[n++] = 0x02;
	out[n++] = (uint8_t)strlen(id);
	memcpy(out + n, id, strlen(id));
	n += strlen(id);
	out[n++] = 0x00;
	for (size_t i = 0; caveats && caveats[i]; i++) {
		out[n++] = 0x02;
		out[n++] = (uint8_t)strlen(caveats[i]);
		memcpy(out + n, caveats[i], strlen(caveats[i]));
		n += strlen(caveats[i]);
		out[n++] = 0x00;
	}
	out[n++] = 0x00;
	out[n++] = 0x06;
	out[n++] = (uint8_t)siglen;
	for (size_t i = 0; i < siglen; i++) {
		out[n++] = (uint8_t)(i * 37 + 11);
	}
	return n;
}

static char *pypi_token(const uint8_t *m, size_t n)
{
	char *body = b64(m, n, true, false);
	char *out = malloc(strlen(body) + 6);

	sprintf(out, "pypi-%s", body);
	free(body);
	return out;
}

Test(check_token, pypi_macaroons_pass)
{
	static const char *const caveats[] = {"{\"version\": 1, \"permissions\": \"user\"}",
					      "[1,[\"my-project\"]]", NULL};
	uint8_t m[512];
	size_t n;
	char *t;

	/* Serialised by pymacaroons (MACAROON_V2), as warehouse does. */
	pass(
	    LSC_CHECK_PYPI,
	    "pypi-AgEIcHlwaS5vcmcCJDFmZGUzYTljLTdjMGEtNGUwZS1iNWU0LTNmYmQ2ZjBhNDFlNwACJXsidmVyc2lvb"
	    "iI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIn0AAAYgvflbB5AVn9ftRSHMiBVD3gl2Ov-LTPSQj4BU-wU-"
	    "804");
	n = macaroon(m, "pypi.org", caveats, 32);
	t = pypi_token(m, n);
	cr_assert(strncmp(t, "pypi-AgEIcHlwaS5vcmc", 20) == 0, "%s", t);
	pass(LSC_CHECK_PYPI, t);
	free(t);
	n = macaroon(m, "test.pypi.org", NULL, 32);
	t = pypi_token(m, n);
	pass(LSC_CHECK_PYPI, t);
	free(t);
}

Test(check_token, pypi_rejects_other_macaroons_and_broken_ones)
{
	static const char *const caveats[] = {"[1,[\"p\"]]", NULL};
	uint8_t m[512];
	size_t n;
	char *t;

	fail(LSC_CHECK_PYPI, "pypi-AgEIcHlwaS5vcmc");
	fail(LSC_CHECK_PYPI,
	     "pypi-AgEIcHlwaS5vcmcabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx");
	fail(LSC_CHECK_PYPI, "pypi-");
	fail(LSC_CHECK_PYPI, "pypi-your-token-here");

	n = macaroon(m, "pypi.org.evil", caveats, 32);
	t = pypi_token(m, n);
	fail(LSC_CHECK_PYPI, t);
	free(t);
	n = macaroon(m, NULL, caveats, 32);
	t = pypi_token(m, n);
	fail(LSC_CHECK_PYPI, t);
	free(t);
	n = macaroon(m, "pypi.org", caveats, 31);
	t = pypi_token(m, n);
	fail(LSC_CHECK_PYPI, t);
	free(t);

	n = macaroon(m, "pypi.org", caveats, 32);
	t = pypi_token(m, n);
	pass(LSC_CHECK_PYPI, t);
	free(t);
	/* Version 1, a trailing byte, a missing byte, a byte of the location. */
	m[0] = 0x01;
	t = pypi_token(m, n);
	fail(LSC_CHECK_PYPI, t);
	free(t);
	m[0] = 0x02;
	m[n] = 0x00;
	t = pypi_token(m, n + 1);
	fail(LSC_CHECK_PYPI, t);
	free(t);
	t = pypi_token(m, n - 1);
	fail(LSC_CHECK_PYPI, t);
	free(t);
	m[5] = 'q';
	t = pypi_token(m, n);
	fail(LSC_CHECK_PYPI, t);
	free(t);
	m[5] = 'p';
	/* One character of the text form: 'pypi' -> 'pypj'. */
	t = pypi_token(m, n);
	t[13] = (char)(t[13] == 'a' ? 'b' : 'a');
	fail(LSC_CHECK_PYPI, t);
	free(t);
	/* The standard alphabet or padding is not how tokens are written. */
	t = pypi_token(m, n);
	{
		char *plus = strchr(t + 5, '-');
		char *padded = malloc(strlen(t) + 3);

		sprintf(padded, "%s==", t);
		fail(LSC_CHECK_PYPI, padded);
		free(padded);
		if (plus) {
			*plus = '+';
			fail(LSC_CHECK_PYPI, t);
		}
	}
	free(t);
}

/* ---- base64 ---- */

Test(check_token, base64_values)
{
	uint8_t data[48];
	uint32_t seed = 99;
	char *s;

	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)rnd(&seed);
	}
	for (size_t len = 16; len <= 48; len++) {
		s = b64(data, len, false, true);
		pass(LSC_CHECK_BASE64, s);
		free(s);
		s = b64(data, len, false, false);
		pass(LSC_CHECK_BASE64, s);
		free(s);
		s = b64(data, len, true, false);
		pass(LSC_CHECK_BASE64, s);
		free(s);
	}
	for (size_t len = 1; len < 16; len++) {
		s = b64(data, len, false, true);
		fail(LSC_CHECK_BASE64, s);
		free(s);
	}
	memset(data, 0, sizeof(data));
	s = b64(data, 32, false, true);
	fail(LSC_CHECK_BASE64, s);
	free(s);
	memset(data, 0xab, sizeof(data));
	s = b64(data, 32, false, true);
	fail(LSC_CHECK_BASE64, s);
	free(s);
}

Test(check_token, base64_rejects_bad_encodings)
{
	pass(LSC_CHECK_BASE64, "c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
	/* Mixed alphabets. */
	pass(LSC_CHECK_BASE64, "ab+cdEFghIJklMNopQRstUVw");
	pass(LSC_CHECK_BASE64, "ab-cdEFghIJklMNopQRstUVw");
	fail(LSC_CHECK_BASE64, "ab+cdEFghIJklMNopQRst_Vw");
	/* Bad padding, or padding in the middle. */
	fail(LSC_CHECK_BASE64, "c2VjcmV0LXNlY3JldC1zZWNyZXQ==");
	fail(LSC_CHECK_BASE64, "c2VjcmV0LXNlY3JldC1zZWNyZXQ===");
	fail(LSC_CHECK_BASE64, "c2VjcmV0LXNl=Y3JldC1zZWNyZXQ");
	/* A length no encoder writes, and spare bits that are not zero. */
	fail(LSC_CHECK_BASE64, "c2VjcmV0LXNlY3JldC1zZWNyZXQxx");
	fail(LSC_CHECK_BASE64, "c2VjcmV0LXNlY3JldC1zZWNyZXR=");
	/* Not base64 at all. */
	fail(LSC_CHECK_BASE64, "c2VjcmV0LXNlY3JldC1zZWNyZXQ!");
	fail(LSC_CHECK_BASE64, "c2VjcmV0 LXNlY3JldC1zZWNyZXQ=");
	fail(LSC_CHECK_BASE64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
}

/* ---- aws ---- */

Test(check_token, aws_key_ids)
{
	static const char *const prefixes[] = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA",
					       "AROA", "AIPA", "ANPA", "ANVA", "APKA"};
	char k[32];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(k, sizeof(k), "%sY3RDPQXO6WJQ2ZKM", prefixes[i]);
		pass(LSC_CHECK_AWS_KEY_ID, k);
	}
	pass(LSC_CHECK_AWS_KEY_ID, "AKIA2E7AZF3B244C7Q6W");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAIOSFODNN7EXAMPLE");
	fail(LSC_CHECK_AWS_KEY_ID, "ASIAIOSFODNN7EXAMPLE");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAXXXXXXXXXXXXXXXX");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAAAAAAAAAAAAAAAAA");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAABCDEFGHIJKLMNOP");
	/* One character off: a digit outside base32, lower case, the prefix, the length. */
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZK1");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZK8");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZK9");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZKm");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZK-");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIBY3RDPQXO6WJQ2ZKM");
	fail(LSC_CHECK_AWS_KEY_ID, "akiaY3RDPQXO6WJQ2ZKM");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZK");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIAY3RDPQXO6WJQ2ZKMQ");
	fail(LSC_CHECK_AWS_KEY_ID, "AKIA");
}

/* ---- the module's own functions, without the table's trimming ---- */

Test(check_token, direct_calls_agree_with_the_table)
{
	static const char aws_key[] = "AKIA2E7AZF3B244C7Q6W";
	static const char spaced_key[] = " AKIA2E7AZF3B244C7Q6W\n";
	static const char b64_value[] = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
	uint32_t seed = 4242;
	char gh[64], npm[64];

	cr_assert_eq(lsc_check_aws_key_id(aws_key, strlen(aws_key)), 1);
	cr_assert_eq(lsc_check_aws_key_id("AKIAIOSFODNN7EXAMPLE", 20), 0);
	cr_assert_eq(lsc_check_aws_key_id(spaced_key, strlen(spaced_key)), 0);
	cr_assert_eq(run(LSC_CHECK_AWS_KEY_ID, spaced_key), 1);
	cr_assert_eq(lsc_check_base64(b64_value, strlen(b64_value)), 1);
	cr_assert_eq(lsc_check_base64("c2VjcmV0", 8), 0); /* 6 bytes: under 16 */
	make_token(gh, "ghp_", &seed, b62_gmp, false);
	make_token(npm, "npm_", &seed, b62_gmp, false);
	cr_assert_eq(lsc_check_github(gh, strlen(gh)), 1);
	cr_assert_eq(lsc_check_npm(npm, strlen(npm)), 1);
	cr_assert_eq(lsc_check_npm(gh, strlen(gh)), 0);
	{
		char *t = jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"42\"}", sig32, 32);
		char *t64 = b64(t, strlen(t), false, true);

		cr_assert_eq(lsc_check_jwt(t, strlen(t)), 1);
		cr_assert_eq(lsc_check_jwt_base64(t64, strlen(t64)), 1);
		cr_assert_eq(lsc_check_jwt(t64, strlen(t64)), 0);
		free(t64);
		free(t);
	}
	cr_assert_eq(lsc_check_pypi("pypi-AgE", 8), 0);
}

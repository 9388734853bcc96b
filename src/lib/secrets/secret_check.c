/*
 * The check table: a rule's check by name, and the dispatch from a check to the module that
 * runs it (check_token.c, check_url.c, check_generic.c; pem here, over keys.c's parsers).
 * Every check is pure: no global mutable state, no I/O, input is n bytes that may hold anything
 * (NULs, invalid UTF-8). Checks return 1 (looks real) or 0.
 * age identities (bech32) and OpenPGP armour (CRC24): keys.c, with the other key containers.
 */
#include "secret_check.h"
#include "check_generic.h"
#include "check_token.h"
#include "check_url.h"
#include "keys.h"
#include "util/ascii.h"

#include <stdint.h>
#include <string.h>

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
		return lsc_check_github(p, n);
	case LSC_CHECK_NPM:
		return lsc_check_npm(p, n);
	case LSC_CHECK_JWT:
		return lsc_check_jwt(p, n);
	case LSC_CHECK_PYPI:
		return lsc_check_pypi(p, n);
	case LSC_CHECK_BASE64:
		return lsc_check_base64(p, n);
	case LSC_CHECK_PEM:
		return check_pem(p, n);
	case LSC_CHECK_URL_PASSWORD:
		return lsc_check_url_password(p, n);
	case LSC_CHECK_AWS_KEY_ID:
		return lsc_check_aws_key_id(p, n);
	case LSC_CHECK_GENERIC:
		return lsc_check_generic(p, n);
	case LSC_CHECK_JWT_BASE64:
		return lsc_check_jwt_base64(p, n);
	case LSC_CHECK_MAX:
		break;
	}
	return 0;
}

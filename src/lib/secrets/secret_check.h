/*
 * Offline validation of secret candidates: checksums some providers embed in their tokens,
 * structural decoding, placeholder and entropy checks. Pure functions over bytes; no I/O.
 */
#ifndef LSC_LIB_SECRET_CHECK_H
#define LSC_LIB_SECRET_CHECK_H

#include "check_generic.h" /* lsc_secret_entropy, for the rules' min_entropy */

#include <stdbool.h>
#include <stddef.h>

enum lsc_secret_check {
	LSC_CHECK_NONE = 0,
	LSC_CHECK_GITHUB,	/* ghp_/gho_/ghu_/ghs_/ghr_: base62 CRC32 of the token body */
	LSC_CHECK_NPM,		/* npm_: the same checksum scheme */
	LSC_CHECK_JWT,		/* header and payload base64url-decode to JSON objects, "alg" set */
	LSC_CHECK_PYPI,		/* pypi-AgE...: base64url macaroon whose location is pypi.org */
	LSC_CHECK_BASE64,	/* the secret is base64 that decodes to at least 16 bytes */
	LSC_CHECK_PEM,		/* a PEM/OpenSSH/PuTTY/age/PGP key whose body decodes */
	LSC_CHECK_URL_PASSWORD, /* scheme://user:password@host with a real password */
	LSC_CHECK_AWS_KEY_ID,	/* AKIA/ASIA/AGPA...: 16 base32 characters after the prefix */
	LSC_CHECK_GENERIC,	/* generic assignments: not a placeholder, code lookup or word */
	LSC_CHECK_JWT_BASE64,	/* standard base64 whose decoded bytes pass the jwt check */
	LSC_CHECK_MAX
};

/* The check named name ("github", "npm", "jwt", ...), or -1. For the rule generator's names. */
int lsc_secret_check_parse(const char *name);
const char *lsc_secret_check_name(enum lsc_secret_check c);

/* 1 when secret (n bytes) passes check, 0 when it fails. */
int lsc_secret_check_run(enum lsc_secret_check c, const char *secret, size_t n);

#endif

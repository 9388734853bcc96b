/*
 * Token structure checks (check_token.c): the checksums and encodings providers put in their
 * tokens. Each takes n bytes (already trimmed) and returns 1 when they look real, 0 otherwise.
 */
#ifndef LSC_LIB_CHECK_TOKEN_H
#define LSC_LIB_CHECK_TOKEN_H

#include <stddef.h>

/* ghp_/gho_/ghu_/ghs_/ghr_: base62 CRC32 of the body; github_pat_ on shape. */
int lsc_check_github(const char *s, size_t n);
/* npm_: the same checksum scheme as GitHub's classic tokens. */
int lsc_check_npm(const char *s, size_t n);
/* header and payload base64url-decode to JSON objects, "alg" set. */
int lsc_check_jwt(const char *s, size_t n);
/* standard base64 whose decoded bytes pass lsc_check_jwt. */
int lsc_check_jwt_base64(const char *s, size_t n);
/* pypi-AgE...: a base64url macaroon v2 whose location is pypi.org. */
int lsc_check_pypi(const char *s, size_t n);
/* strict base64 that decodes to at least 16 bytes, not all the same. */
int lsc_check_base64(const char *s, size_t n);
/* AKIA/ASIA/AGPA...: 16 base32 characters after a known prefix, not AWS's examples. */
int lsc_check_aws_key_id(const char *s, size_t n);

#endif

/* Content digests: "sha256:<64 lowercase hex>", the only algorithm images use in practice. */
#ifndef LSC_LIB_DIGEST_H
#define LSC_LIB_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LSC_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL, rounded */

struct lsc_sha256;

/* *out is the caller's to free with lsc_sha256_free(). */
int lsc_sha256_new(struct lsc_sha256 **out);
void lsc_sha256_update(struct lsc_sha256 *h, const void *p, size_t n);
/* Writes "sha256:<hex>" into out; the hasher may not be updated afterwards. */
void lsc_sha256_final(char out[LSC_DIGEST_MAX], struct lsc_sha256 *h);
void lsc_sha256_free(struct lsc_sha256 *h);

/* "sha256:<hex>" of n bytes. */
int lsc_digest_buf(char out[LSC_DIGEST_MAX], const void *p, size_t n);

/*
 * 0 when s is a well-formed sha256 digest; -LSC_E_UNSUPPORTED for another well-formed algorithm
 * (sha512:...), -LSC_E_FORMAT otherwise. Sets no error detail: callers name the field.
 */
int lsc_digest_check(const char *s);

/* The hex part of a valid digest, borrowed from s. */
const char *lsc_digest_hex(const char *s);

#endif

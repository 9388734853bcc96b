#include "digest.h"
#include "layerscan/layerscan.h"
#include "util/str.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

struct lsc_sha256 {
	EVP_MD_CTX *md;
};

int lsc_sha256_new(struct lsc_sha256 **out)
{
	struct lsc_sha256 *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h) {
		return -ENOMEM;
	}
	h->md = EVP_MD_CTX_new();
	if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h->md);
		free(h);
		return -ENOMEM;
	}
	*out = h;
	return 0;
}

void lsc_sha256_update(struct lsc_sha256 *h, const void *p, size_t n)
{
	if (n) {
		EVP_DigestUpdate(h->md, p, n);
	}
}

void lsc_sha256_final(char out[LSC_DIGEST_MAX], struct lsc_sha256 *h)
{
	uint8_t md[32];
	unsigned int len = sizeof(md);

	EVP_DigestFinal_ex(h->md, md, &len);
	memcpy(out, "sha256:", 7);
	lsc_hex(out + 7, md, 32);
}

void lsc_sha256_free(struct lsc_sha256 *h)
{
	if (!h) {
		return;
	}
	EVP_MD_CTX_free(h->md);
	free(h);
}

int lsc_digest_buf(char out[LSC_DIGEST_MAX], const void *p, size_t n)
{
	uint8_t md[32];
	unsigned int len = sizeof(md);

	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1) {
		return -LSC_E_INTERNAL;
	}
	memcpy(out, "sha256:", 7);
	lsc_hex(out + 7, md, 32);
	return 0;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return s[n] == 0;
}

int lsc_digest_check(const char *s)
{
	const char *colon;

	if (!s) {
		return -LSC_E_FORMAT;
	}
	if (lsc_str_starts(s, "sha256:")) {
		return strlen(s) == 71 && is_hex(s + 7, 64) ? 0 : -LSC_E_FORMAT;
	}
	colon = strchr(s, ':');
	if (colon && colon > s && colon[1]) {
		for (const char *p = s; p < colon; p++) {
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '+' ||
			      *p == '.' || *p == '_' || *p == '-')) {
				return -LSC_E_FORMAT;
			}
		}
		return -LSC_E_UNSUPPORTED;
	}
	return -LSC_E_FORMAT;
}

const char *lsc_digest_hex(const char *s)
{
	const char *colon = strchr(s, ':');

	return colon ? colon + 1 : s;
}

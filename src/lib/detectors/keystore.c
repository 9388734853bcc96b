/* keystore: the JKS/JCEKS entry walk (the format of sun.security.provider.JavaKeyStore). */
#include "keystore.h"

#include <stdbool.h>

struct reader {
	const uint8_t *p;
	size_t n, i;
};

static bool rd_u32(struct reader *r, uint32_t *v)
{
	if (r->n - r->i < 4) {
		return false;
	}
	*v = (uint32_t)r->p[r->i] << 24 | (uint32_t)r->p[r->i + 1] << 16 |
	     (uint32_t)r->p[r->i + 2] << 8 | r->p[r->i + 3];
	r->i += 4;
	return true;
}

static bool rd_skip(struct reader *r, size_t k)
{
	if (r->n - r->i < k) {
		return false;
	}
	r->i += k;
	return true;
}

/* A Java modified-UTF-8 string: a 16-bit length, then the bytes. */
static bool rd_utf(struct reader *r, const uint8_t **s, size_t *len)
{
	if (r->n - r->i < 2) {
		return false;
	}
	*len = (size_t)r->p[r->i] << 8 | r->p[r->i + 1];
	*s = r->p + r->i + 2;
	return rd_skip(r, 2 + *len);
}

/* A certificate: (version 2) its type, then a 32-bit length and the DER. */
static bool rd_cert(struct reader *r, uint32_t version)
{
	const uint8_t *s;
	size_t sn;
	uint32_t len;

	if (version == 2 && !rd_utf(r, &s, &sn)) {
		return false;
	}
	return rd_u32(r, &len) && rd_skip(r, len);
}

uint32_t lsc_keystore_magic(const uint8_t *p, size_t n)
{
	if (n < 4) {
		return 0;
	}
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum lsc_keystore_result lsc_keystore_jks_parse(const uint8_t **alias, size_t *alias_len,
						const uint8_t *p, size_t n)
{
	struct reader r = {p, n, 0};
	uint32_t magic, version, count, tag;
	const uint8_t *a;
	size_t an;

	*alias = NULL;
	*alias_len = 0;
	if (!rd_u32(&r, &magic) || !rd_u32(&r, &version) || !rd_u32(&r, &count)) {
		return LSC_KEYSTORE_SHORT;
	}
	if ((version != 1 && version != 2) || count > 1000000) {
		return LSC_KEYSTORE_MALFORMED;
	}
	for (uint32_t e = 0; e < count; e++) {
		if (!rd_u32(&r, &tag) || !rd_utf(&r, &a, &an) || !rd_skip(&r, 8)) {
			return LSC_KEYSTORE_SHORT;
		}
		*alias = a;
		*alias_len = an;
		if (tag == 1) {
			return LSC_KEYSTORE_PRIVATE_KEY;
		}
		if (tag == 3 && magic == LSC_KEYSTORE_JCEKS_MAGIC) {
			return LSC_KEYSTORE_SECRET_KEY;
		}
		if (tag != 2) {
			return LSC_KEYSTORE_MALFORMED;
		}
		if (!rd_cert(&r, version)) {
			return LSC_KEYSTORE_SHORT;
		}
	}
	/* what follows is the store's SHA-1, of no interest here */
	return LSC_KEYSTORE_TRUSTED_ONLY;
}

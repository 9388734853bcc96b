/* keys: private-key container structure checks (DER, openssh-key-v1). */
#include "keys.h"

#include <string.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool lsc_keys_der_sequence(const uint8_t *p, size_t n, size_t total, uint8_t inner)
{
	size_t hdr, len = 0;

	if (total < LSC_KEYS_DER_MIN || n < 2 || n > total || p[0] != 0x30) {
		return false;
	}
	if (p[1] < 0x80) {
		hdr = 2;
		len = p[1];
	} else {
		size_t k = p[1] & 0x7f;

		if (k == 0 || k > 4 || n < 2 + k) {
			return false;
		}
		for (size_t i = 0; i < k; i++) {
			len = (len << 8) | p[2 + i];
		}
		hdr = 2 + k;
	}
	return hdr < n && hdr + len == total && p[hdr] == inner;
}

bool lsc_keys_ssh_string(const uint8_t **s, uint32_t *len, const uint8_t *p, size_t n, size_t *i)
{
	uint32_t l;

	if (*i > n || n - *i < 4) {
		return false;
	}
	l = be32(p + *i);
	if (l > n - *i - 4) {
		return false;
	}
	*s = p + *i + 4;
	*len = l;
	*i += 4 + (size_t)l;
	return true;
}

/* The public keys and the private block from *i: the structure of a whole body. */
static bool complete(const uint8_t *p, size_t n, size_t i)
{
	const uint8_t *s;
	uint32_t nkeys, len;

	if (n - i < 4) {
		return false;
	}
	nkeys = be32(p + i);
	i += 4;
	if (nkeys == 0 || nkeys > 64) {
		return false;
	}
	for (uint32_t k = 0; k < nkeys; k++) {
		if (!lsc_keys_ssh_string(&s, &len, p, n, &i) || len == 0) {
			return false;
		}
	}
	if (!lsc_keys_ssh_string(&s, &len, p, n, &i) || len < 8 || len % 8 != 0) {
		return false;
	}
	return i == n;
}

bool lsc_keys_openssh_parse(struct lsc_keys_openssh *out, const uint8_t *p, size_t n, size_t total)
{
	static const char magic[] = "openssh-key-v1"; /* with its NUL */
	const uint8_t *kdf, *opts;
	uint32_t kn, on;
	size_t i = sizeof(magic);

	memset(out, 0, sizeof(*out));
	if (total < LSC_KEYS_OPENSSH_MIN || n > total || n < sizeof(magic) ||
	    memcmp(p, magic, sizeof(magic)) != 0) {
		return false;
	}
	if (!lsc_keys_ssh_string(&out->cipher, &out->cipher_len, p, n, &i) ||
	    out->cipher_len == 0 || !lsc_keys_ssh_string(&kdf, &kn, p, n, &i) ||
	    !lsc_keys_ssh_string(&opts, &on, p, n, &i)) {
		return false;
	}
	out->complete = n == total && complete(p, n, i);
	/* the first public key blob may run past the n bytes: only its type string is wanted */
	if (n - i >= 8) {
		size_t j = 0;

		if (!lsc_keys_ssh_string(&out->type, &out->type_len, p + i + 8, n - i - 8, &j)) {
			out->type = NULL;
			out->type_len = 0;
		}
	}
	return true;
}

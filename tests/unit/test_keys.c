/* keys: the DER and openssh-key-v1 structure checks both key readers share. */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/secrets/keys.h"

/* A DER SEQUENCE of total bytes with a length field of lenlen bytes (0: short form). */
static size_t der(uint8_t *out, size_t total, size_t lenlen, uint8_t inner)
{
	size_t hdr = 2 + lenlen, body = total - hdr;

	memset(out, 0x41, total);
	out[0] = 0x30;
	if (lenlen == 0) {
		out[1] = (uint8_t)body;
	} else {
		out[1] = (uint8_t)(0x80 | lenlen);
		for (size_t i = 0; i < lenlen; i++) {
			out[2 + i] = (uint8_t)(body >> (8 * (lenlen - 1 - i)));
		}
	}
	out[hdr] = inner;
	return total;
}

Test(keys, der_sequence_spans_exactly_the_body)
{
	uint8_t b[600];

	cr_assert(lsc_keys_der_sequence(b, der(b, 48, 0, 0x02), 48, 0x02));
	cr_assert_not(lsc_keys_der_sequence(b, der(b, 48, 0, 0x02), 48, 0x30), "wrong inner tag");
	cr_assert_not(lsc_keys_der_sequence(b, 48, 49, 0x02), "a byte after the sequence");
	cr_assert(lsc_keys_der_sequence(b, der(b, 300, 2, 0x02), 300, 0x02));
	/* only the first bytes at hand, the total known: the sensitive-file reader's case */
	cr_assert(lsc_keys_der_sequence(b, 256, der(b, 300, 2, 0x02), 0x02));
	b[0] = 0x31;
	cr_assert_not(lsc_keys_der_sequence(b, 256, 300, 0x02), "not a SEQUENCE");
}

/*
 * The two copies disagreed: detect_sensitive_files took at most 3 length bytes and bodies of 8
 * bytes up, secret_check 4 length bytes and 32 bytes up. Now both: 4 (OpenSSL reads such a key)
 * and 32 (no real DER private key is under 48 bytes).
 */
Test(keys, der_bounds_that_used_to_differ)
{
	uint8_t b[600];

	cr_assert(lsc_keys_der_sequence(b, der(b, 300, 4, 0x02), 300, 0x02), "4 length bytes");
	cr_assert(lsc_keys_der_sequence(b, der(b, 300, 3, 0x02), 300, 0x02), "3 length bytes");
	cr_assert_not(lsc_keys_der_sequence(b, der(b, 300, 5, 0x02), 300, 0x02), "5 length bytes");
	cr_assert(lsc_keys_der_sequence(b, der(b, 32, 0, 0x02), 32, 0x02));
	cr_assert_not(lsc_keys_der_sequence(b, der(b, 31, 0, 0x02), 31, 0x02), "under 32 bytes");
	cr_assert_not(lsc_keys_der_sequence(b, der(b, 8, 0, 0x02), 8, 0x02), "8 bytes");
	b[1] = 0x80;
	cr_assert_not(lsc_keys_der_sequence(b, 32, 32, 0x02), "indefinite length");
}

Test(keys, ssh_string_stays_inside)
{
	const uint8_t p[] = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 9, 'x'};
	const uint8_t *s;
	uint32_t len;
	size_t i = 0;

	cr_assert(lsc_keys_ssh_string(&s, &len, p, sizeof(p), &i));
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(s, "abc", 3), 0);
	cr_assert_eq(i, 7);
	cr_assert_not(lsc_keys_ssh_string(&s, &len, p, sizeof(p), &i), "runs past the end");
	i = sizeof(p) - 2;
	cr_assert_not(lsc_keys_ssh_string(&s, &len, p, sizeof(p), &i), "no room for the length");
}

static size_t put_str(uint8_t *p, size_t i, const void *s, uint32_t len)
{
	p[i] = (uint8_t)(len >> 24);
	p[i + 1] = (uint8_t)(len >> 16);
	p[i + 2] = (uint8_t)(len >> 8);
	p[i + 3] = (uint8_t)len;
	memcpy(p + i + 4, s, len);
	return i + 4 + len;
}

/* openssh-key-v1 with cipher, one public key blob "\0\0\0\x0bssh-ed25519" + pad, a private block.
 */
static size_t openssh(uint8_t *p, const char *cipher, uint32_t privlen)
{
	uint8_t pub[64], priv[256];
	size_t i = 15, pl;

	memcpy(p, "openssh-key-v1", 15);
	i = put_str(p, i, cipher, (uint32_t)strlen(cipher));
	i = put_str(p, i, "none", 4);
	i = put_str(p, i, "", 0);
	p[i] = 0;
	p[i + 1] = 0;
	p[i + 2] = 0;
	p[i + 3] = 1;
	i += 4;
	pl = put_str(pub, 0, "ssh-ed25519", 11);
	memset(pub + pl, 0x55, 36);
	i = put_str(p, i, pub, (uint32_t)pl + 36);
	memset(priv, 0x66, sizeof(priv));
	return put_str(p, i, priv, privlen);
}

Test(keys, openssh_whole_body)
{
	uint8_t p[512];
	size_t n = openssh(p, "none", 160);
	struct lsc_keys_openssh k;

	cr_assert(lsc_keys_openssh_parse(&k, p, n, n));
	cr_assert(k.complete);
	cr_assert_eq(k.cipher_len, 4);
	cr_assert_eq(memcmp(k.cipher, "none", 4), 0);
	cr_assert_eq(k.type_len, 11);
	cr_assert_eq(memcmp(k.type, "ssh-ed25519", 11), 0);

	n = openssh(p, "aes256-ctr", 161);
	cr_assert(lsc_keys_openssh_parse(&k, p, n, n));
	cr_assert_not(k.complete, "private block not whole cipher blocks");
	cr_assert(lsc_keys_openssh_parse(&k, p, n - 1, n));
	cr_assert_not(k.complete, "only the head at hand");
	cr_assert_eq(memcmp(k.cipher, "aes256-ctr", 10), 0);
}

Test(keys, openssh_rejects)
{
	uint8_t p[512];
	size_t n = openssh(p, "none", 160);
	struct lsc_keys_openssh k;

	cr_assert_not(lsc_keys_openssh_parse(&k, p, 40, 40), "under 64 bytes");
	cr_assert_not(lsc_keys_openssh_parse(&k, p, 20, n), "the names past the bytes at hand");
	n = openssh(p, "", 160);
	cr_assert_not(lsc_keys_openssh_parse(&k, p, n, n), "empty cipher name");
	p[0] = 'O';
	cr_assert_not(lsc_keys_openssh_parse(&k, p, n, n), "wrong magic");
}

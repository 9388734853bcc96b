/* lib/keystore: the JKS/JCEKS entry walk, on stores built here byte by byte. */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/detectors/keystore.h"

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* An entry header: tag, alias, an 8-byte timestamp. */
static size_t entry(uint8_t *p, uint32_t tag, const char *alias)
{
	size_t i = put32(p, tag), an = strlen(alias);

	p[i++] = (uint8_t)(an >> 8);
	p[i++] = (uint8_t)an;
	memcpy(p + i, alias, an);
	i += an;
	memset(p + i, 0, 8);
	return i + 8;
}

/* A version 2 trusted certificate: its type, then 32-bit length and 3 bytes of "DER". */
static size_t cert(uint8_t *p)
{
	size_t i = 0;

	p[i++] = 0;
	p[i++] = 5;
	memcpy(p + i, "X.509", 5);
	i += 5;
	i += put32(p + i, 3);
	memcpy(p + i, "\x30\x01\x00", 3);
	return i + 3;
}

static size_t store(uint8_t *p, uint32_t magic, uint32_t count)
{
	size_t i = put32(p, magic);

	i += put32(p + i, 2);
	return i + put32(p + i, count);
}

Test(keystore, trusted_certificates_only)
{
	uint8_t b[256];
	const uint8_t *a;
	size_t an, n = store(b, LSC_KEYSTORE_JKS_MAGIC, 2);

	n += entry(b + n, 2, "root-ca");
	n += cert(b + n);
	n += entry(b + n, 2, "intermediate");
	n += cert(b + n);
	cr_assert_eq(lsc_keystore_magic(b, n), LSC_KEYSTORE_JKS_MAGIC);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_TRUSTED_ONLY);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n - 1), LSC_KEYSTORE_SHORT, "cut short");
}

Test(keystore, first_key_entry_and_its_alias)
{
	uint8_t b[256];
	const uint8_t *a;
	size_t an, n = store(b, LSC_KEYSTORE_JCEKS_MAGIC, 3);

	n += entry(b + n, 2, "root-ca");
	n += cert(b + n);
	n += entry(b + n, 3, "db-aes");
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_SECRET_KEY);
	cr_assert_eq(an, 6);
	cr_assert(memcmp(a, "db-aes", 6) == 0);
	put32(b, LSC_KEYSTORE_JKS_MAGIC);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_MALFORMED,
		     "tag 3 is JCEKS only");
	n = store(b, LSC_KEYSTORE_JKS_MAGIC, 1);
	n += entry(b + n, 1, "server");
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_PRIVATE_KEY);
	cr_assert_eq(an, 6);
}

Test(keystore, headers_no_store_has)
{
	uint8_t b[64];
	const uint8_t *a;
	size_t an, n = store(b, LSC_KEYSTORE_JKS_MAGIC, 0);

	cr_assert_eq(lsc_keystore_magic(b, 3), 0);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, 11), LSC_KEYSTORE_SHORT);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_TRUSTED_ONLY);
	cr_assert_null(a);
	put32(b + 4, 3);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_MALFORMED, "version 3");
	put32(b + 4, 2);
	put32(b + 8, 1000001);
	cr_assert_eq(lsc_keystore_jks_parse(&a, &an, b, n), LSC_KEYSTORE_MALFORMED, "count");
}

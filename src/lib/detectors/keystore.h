/*
 * Java keystores (JKS, JCEKS): the entry walk that tells a store of trusted certificates from one
 * that holds a key, for the sensitive-file detector. PKCS#12 and BKS need a password and are
 * known by name only. Pure functions over bytes (the first bytes of a file may be all there is).
 */
#ifndef LSC_LIB_KEYSTORE_H
#define LSC_LIB_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#define LSC_KEYSTORE_JKS_MAGIC 0xfeedfeedu
#define LSC_KEYSTORE_JCEKS_MAGIC 0xcecececeu

enum lsc_keystore_result {
	LSC_KEYSTORE_TRUSTED_ONLY, /* only trusted certificate entries */
	LSC_KEYSTORE_PRIVATE_KEY,  /* a private key entry (tag 1) */
	LSC_KEYSTORE_SECRET_KEY,   /* a JCEKS secret key entry (tag 3) */
	LSC_KEYSTORE_MALFORMED,	   /* a version, count or tag no store has */
	LSC_KEYSTORE_SHORT,	   /* the n bytes ended before the last entry */
};

/* The big-endian 32-bit magic of the n bytes at p, 0 when n < 4. */
uint32_t lsc_keystore_magic(const uint8_t *p, size_t n);

/*
 * Walks the entries of a JKS or JCEKS store (the n bytes at p, magic first) up to the first key
 * entry. *alias and *alias_len (borrowed from p, NULL/0 until an entry is read) name the last
 * entry read: the key entry for PRIVATE_KEY and SECRET_KEY.
 */
enum lsc_keystore_result lsc_keystore_jks_parse(const uint8_t **alias, size_t *alias_len,
						const uint8_t *p, size_t n);

#endif

/*
 * Private-key containers: the structure checks that tell a real key from a placeholder or a
 * truncated paste, shared by the sensitive-file detector (which keeps only the first bytes of a
 * body) and the secret checks (which hold the whole body). Pure functions over decoded bytes.
 */
#ifndef LSC_LIB_KEYS_H
#define LSC_LIB_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The smallest DER key body taken: PKCS#8 Ed25519 (48 bytes) is the smallest real one. */
#define LSC_KEYS_DER_MIN 32
/* The smallest openssh-key-v1 body taken: an unencrypted Ed25519 key decodes to ~230 bytes. */
#define LSC_KEYS_OPENSSH_MIN 64

/*
 * Whether a body of total bytes, whose first n bytes are at p, is one DER SEQUENCE whose definite
 * length covers exactly all total bytes and whose first member has tag inner. Rejects bodies under
 * LSC_KEYS_DER_MIN and lengths of more than 4 bytes (as OpenSSL's reader takes up to 4 bytes on
 * 32-bit lengths, a 4-byte length is still a key it loads).
 */
bool lsc_keys_der_sequence(const uint8_t *p, size_t n, size_t total, uint8_t inner);

/*
 * An SSH wire string at *i of the n bytes at p: a 32-bit big-endian length, then the bytes, which
 * must lie within n. *s (borrowed from p) and *len the string; *i moves past it.
 */
bool lsc_keys_ssh_string(const uint8_t **s, uint32_t *len, const uint8_t *p, size_t n, size_t *i);

struct lsc_keys_openssh {
	const uint8_t *cipher; /* borrowed from the body; never empty */
	uint32_t cipher_len;
	const uint8_t *type; /* the first public key's type, NULL when past the n bytes */
	uint32_t type_len;
	/*
	 * The whole body was at hand (n == total) and its whole structure holds: 1 to 64 keys, each
	 * public key non-empty, the private block whole cipher blocks of 8, nothing after it.
	 */
	bool complete;
};

/*
 * Parses openssh-key-v1 (PROTOCOL.key): the magic, cipher name, KDF name and options, then what
 * the first n bytes hold of a body of total bytes. false when total is under LSC_KEYS_OPENSSH_MIN,
 * the magic is wrong, or the names do not fit in the n bytes.
 */
bool lsc_keys_openssh_parse(struct lsc_keys_openssh *out, const uint8_t *p, size_t n, size_t total);

#endif

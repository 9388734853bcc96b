/*
 * Private-key containers: the one parser of PEM armour (RFC 7468 and the RFC 1421 headers of
 * legacy encrypted keys), OpenPGP secret key blocks, openssh-key-v1, PuTTY key files and age
 * identities, and the structure checks that tell a real key from a placeholder or a truncated
 * paste. The sensitive-file detector (every key of a file) and the secret checks (one candidate)
 * both call it. Pure functions: no global mutable state, no I/O; the only allocation is a decode
 * buffer no larger than the block.
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
	 * public key non-empty, the private block whole cipher blocks of 8, nothing after it but
	 * the 16-byte tag of an AEAD cipher (chacha20-poly1305, aes*-gcm@openssh.com).
	 */
	bool complete;
};

/*
 * Parses openssh-key-v1 (PROTOCOL.key): the magic, cipher name, KDF name and options, then what
 * the first n bytes hold of a body of total bytes. false when total is under LSC_KEYS_OPENSSH_MIN,
 * the magic is wrong, or the names do not fit in the n bytes.
 */
bool lsc_keys_openssh_parse(struct lsc_keys_openssh *out, const uint8_t *p, size_t n, size_t total);

/* The longest PEM label read ("RSA PRIVATE KEY"); a longer one is no key. */
#define LSC_KEYS_LABEL_MAX 64
/* The longest block taken, BEGIN to END: a 16384-bit RSA key is ~12 KiB, a PGP key block with
 * subkeys and a photo a few tens. */
#define LSC_KEYS_BLOCK_MAX (256u << 10)
/* Lines of base64 a PuTTY section may declare (Public-Lines, Private-Lines). */
#define LSC_KEYS_PUTTY_LINES_MAX 256

enum lsc_keys_kind {
	LSC_KEYS_NONE,		  /* not a private key container (or a label that names none) */
	LSC_KEYS_TRADITIONAL,	  /* "RSA PRIVATE KEY", "EC PRIVATE KEY", any "X PRIVATE KEY" */
	LSC_KEYS_PKCS8,		  /* "PRIVATE KEY" */
	LSC_KEYS_PKCS8_ENCRYPTED, /* "ENCRYPTED PRIVATE KEY" */
	LSC_KEYS_OPENSSH,	  /* "OPENSSH PRIVATE KEY" */
	LSC_KEYS_PGP,		  /* "PGP PRIVATE KEY BLOCK" */
	LSC_KEYS_PUTTY,		  /* PuTTY-User-Key-File-2 or -3 */
	LSC_KEYS_AGE,		  /* AGE-SECRET-KEY-1... */
};

/*
 * One key container in a text. Offsets are into the text given to the parser.
 */
struct lsc_keys_block {
	enum lsc_keys_kind kind;
	char label[LSC_KEYS_LABEL_MAX + 1]; /* the PEM label, "PuTTY-User-Key-File-3", "age" */
	size_t start;			    /* the BEGIN marker, the PuTTY header, the age key */
	size_t end; /* just past the END marker, the Private-MAC line, the key; 0 when none */
	/*
	 * A real private key: the armour, the decoded body and its structure hold (see the parsers
	 * below) and it is no key published for self-tests (published).
	 */
	bool holds;
	bool published; /* the structure holds, but the key ships in a library for its self-tests */
	bool encrypted;
	/* when holds: "unencrypted RSA private key (PEM)", "encrypted OpenSSH private key
	 * (aes256-ctr, ssh-ed25519)", "unencrypted PuTTY private key (ssh-rsa)", ... */
	char desc[128];
};

/*
 * The PEM block whose "-----BEGIN " marker is at p + at (n bytes of text in all). Lines end at a
 * newline, CRLF, or a literal "\n" (a key pasted into a JSON string or an .env value); lines are
 * trimmed. Reads the label (A-Z, 0-9, space, '.'; at most LSC_KEYS_LABEL_MAX), and, when it names
 * a private key, finds "-----END <label>-----" within LSC_KEYS_BLOCK_MAX, walks the armour
 * headers and decodes the body:
 *   - "PRIVATE KEY": a DER SEQUENCE of at least 48 bytes (Ed25519, the smallest real one) whose
 *     first member is an INTEGER, spanning exactly the body;
 *   - "ENCRYPTED PRIVATE KEY": a DER SEQUENCE of at least 64 bytes whose first member is a
 *     SEQUENCE (the algorithm);
 *   - any other "X PRIVATE KEY": without headers, a DER SEQUENCE of at least 48 bytes whose first
 *     member is an INTEGER; with "Proc-Type: 4,ENCRYPTED", a "DEK-Info: CIPHER,IV" of at least
 *     16 hex digits, a blank line, then ciphertext of whole 8-byte blocks, at least 64 bytes;
 *   - "OPENSSH PRIVATE KEY": openssh-key-v1 whose whole structure holds;
 *   - "PGP PRIVATE KEY BLOCK": at least 64 bytes whose first packet is a secret key (tag 5), and
 *     when an armour checksum "=XXXX" is there, it is the CRC24 of the body and only blank lines
 *     follow it.
 * A Proc-Type header on any other label, or one other than 4,ENCRYPTED, is no key.
 * 0 with *out filled (out->kind LSC_KEYS_NONE when the label names no private key, out->end 0
 * when no END marker was found), or -ENOMEM.
 */
int lsc_keys_pem_parse(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t at);

/*
 * The PuTTY key file whose "PuTTY-User-Key-File-" header is at p + at (version 2 or 3, then
 * ':' and the algorithm). Lines as for PEM. Holds when, within 64 header lines, there are an
 * Encryption header, Public-Lines and Private-Lines of 1 to LSC_KEYS_PUTTY_LINES_MAX lines of
 * base64 each (the private part at least 16 bytes, whole AES blocks when encrypted), then a
 * Private-MAC of 40 (version 2, SHA-1) or 64 (version 3, SHA-256) hex digits. 0 or -ENOMEM.
 */
int lsc_keys_putty_parse(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t at);

/*
 * The age identity that is exactly the n bytes at p: "AGE-SECRET-KEY-1" and 58 characters of
 * bech32 (BIP-173, HRP "age-secret-key-"), 32 bytes of key and 4 zero bits, the checksum right,
 * all upper or all lower case. Always 0.
 */
int lsc_keys_age_parse(struct lsc_keys_block *out, const uint8_t *p, size_t n);

/*
 * The next real PEM key (lsc_keys_pem_parse) at or after *pos of the n bytes at p: 1 with *out
 * and *pos moved past it, 0 when there is none (*pos = n), -ENOMEM. A marker whose label names a
 * private key spends one of *budget, so that thousands of BEGIN lines cost no more than a few
 * keys; none is parsed once it is 0.
 */
int lsc_keys_next_pem(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t *pos,
		      unsigned *budget);

/* The same for PuTTY key files, whose header starts a line; each header spends one of *budget. */
int lsc_keys_next_putty(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t *pos,
			unsigned *budget);

/*
 * Offset of the first byte at or after i of the n bytes at p that is neither ASCII whitespace
 * nor a literal "\n" or "\r" escape; n when the rest is blank.
 */
size_t lsc_keys_skip_blank(const uint8_t *p, size_t n, size_t i);

#endif

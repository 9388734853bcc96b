/*
 * keys: the one parser of private-key containers (PEM armour, OpenPGP, openssh-key-v1, PuTTY,
 * age) and their structure checks.
 *
 * The sensitive-file detector and the secret checks each had a copy of this until issue 13; where
 * the copies disagreed, the bound here is what real keys always satisfy and placeholders or
 * truncated pastes do not (tests/unit/test_keys.c names each case).
 */
#include "keys.h"
#include "lib/digest.h"
#include "util/ascii.h"
#include "util/base64.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The smallest decoded bodies taken, by form (see keys.h). */
#define DER_KEY_MIN 48	     /* PKCS#8 Ed25519 / X25519, the smallest real DER key */
#define DER_ENCRYPTED_MIN 64 /* the PBES2 algorithm identifier alone is ~80 bytes */
#define LEGACY_MIN 64	     /* the smallest SEC1 EC key (secp112r1), padded */
#define PGP_MIN 64	     /* a v4 Ed25519 secret key packet alone is ~90 bytes */
#define DEK_IV_MIN 16	     /* hex digits of the IV: 8 bytes for DES, 16 for AES */
#define PUTTY_HEADER_LINES 64
#define PUTTY_LINE_MAX 160 /* PuTTY writes 64 characters a line */

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

/*
 * The public keys and the private block from *i: the structure of a whole body. The AEAD ciphers
 * (chacha20-poly1305, AES-GCM) append their 16-byte tag after the private block (sshkey.c).
 */
static bool complete(const uint8_t *p, size_t n, size_t i, bool aead)
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
	return i == n || (aead && n - i == 16);
}

static bool aead_cipher(const uint8_t *c, uint32_t n)
{
	static const char *const names[] = {"chacha20-poly1305@openssh.com",
					    "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (n == strlen(names[k]) && memcmp(c, names[k], n) == 0) {
			return true;
		}
	}
	return false;
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
	out->complete = n == total && complete(p, n, i, aead_cipher(out->cipher, out->cipher_len));
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

/* ---- text ---- */

static bool ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

size_t lsc_keys_skip_blank(const uint8_t *p, size_t n, size_t i)
{
	while (i < n) {
		if (ws(p[i])) {
			i++;
		} else if (p[i] == '\\' && i + 1 < n && (p[i + 1] == 'n' || p[i + 1] == 'r')) {
			i += 2;
		} else {
			break;
		}
	}
	return i;
}

/*
 * The next line of p[*i, end): lines end at a newline or at a literal "\n" (keys pasted into a
 * JSON string or an .env value). [*ls, *le) is the line, blanks and a literal "\r" trimmed.
 */
static bool next_line(const uint8_t *p, size_t end, size_t *i, size_t *ls, size_t *le)
{
	size_t j;

	if (*i >= end) {
		return false;
	}
	for (j = *i; j < end; j++) {
		if (p[j] == '\n' || (p[j] == '\\' && j + 1 < end && p[j + 1] == 'n')) {
			break;
		}
	}
	*ls = *i;
	*le = j;
	*i = j < end ? j + (p[j] == '\n' ? 1 : 2) : end;
	while (*ls < *le && ws(p[*ls])) {
		(*ls)++;
	}
	while (*le > *ls && ws(p[*le - 1])) {
		(*le)--;
	}
	if (*le - *ls >= 2 && p[*le - 2] == '\\' && p[*le - 1] == 'r') {
		*le -= 2;
	}
	return true;
}

/* Copies up to cap - 1 bytes of s into dst, control characters replaced, for a description. */
static void printable(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++) {
		dst[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	}
	dst[i] = 0;
}

static bool is_hex(uint8_t c)
{
	return lsc_ascii_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool prefix_nocase(const uint8_t *p, size_t n, const char *lit)
{
	return lsc_ascii_prefix_nocase((const char *)p, n, lit);
}

/* "Name: value" line [a, b): the value, blanks skipped, or NULL when the line is another header. */
static const uint8_t *header_value(const uint8_t *p, size_t a, size_t b, const char *name,
				   size_t *vn)
{
	size_t nl = strlen(name);

	if (b - a < nl || memcmp(p + a, name, nl) != 0) {
		return NULL;
	}
	a += nl;
	while (a < b && ws(p[a])) {
		a++;
	}
	*vn = b - a;
	return p + a;
}

/* ---- checks on decoded bodies ---- */

/*
 * Private keys that libraries publish and ship for their own self-tests (GnuTLS's FIPS power-on
 * tests in libgnutls.so.30, Debian 12). Every copy of the library carries them: they are nobody's
 * secret, and reporting them would put a critical finding on every image with GnuTLS.
 * SHA-256 of the DER body.
 */
static const char *const published_test_keys[] = {
    "87e288dc7dbc29a24241b596ec8c84f949d9f09f34fc0cf69242481fb2274770",
    "d245e52c341a76645e1b0e56c58dc964cd4f3ecaea64a9c6d6db9897d4948a8a",
    "0294b4406902e33bb02f89eaf4c691328790d7a9cd01b873d68edac994f310a1",
    "60c323abe4854b03743005874156ef6e0343bc9c05c09a2a43335cdda19342b3",
    "995b8d5b08ac126a74f39d812fc8cce270d026093d810f366de923bb0fe47f60",
    "09416ba3e0782523c56225fb168cd58cda7796e938db1b53f79b6abbaed2bbc7",
    "7e38af7715bbb425a6aa8060b7c0af60aeb81d39975c55e83edcb9eae7a5e9f8",
    "458022ddcb5598b39253bc027eb02c4f3dba00e2bdbaef239a35bc91c9bd4f3a",
    "09f1c1a4680df80b9e8e6e587d3a787de7402a919e366426ad807a1c0f8c98c1",
    "2859ff03b44c8f0e4f96604b8cced325ef4d01ca935422b2041d88d8809f8fa1",
};

static bool published_test_key(const uint8_t *der, size_t n)
{
	char d[LSC_DIGEST_MAX];

	if (lsc_digest_buf(d, der, n) < 0) {
		return false;
	}
	for (size_t i = 0; i < sizeof(published_test_keys) / sizeof(published_test_keys[0]); i++) {
		if (strcmp(d + 7, published_test_keys[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* PKCS#8 algorithm identifiers, as DER OIDs, to name the key in the description. */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t oid[11];
} pkcs8_algs[] = {
    {"RSA", 11, {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}},
    {"RSA-PSS", 11, {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}},
    {"EC", 9, {0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}},
    {"DSA", 9, {0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01}},
    {"Ed25519", 5, {0x06, 0x03, 0x2b, 0x65, 0x70}},
    {"Ed448", 5, {0x06, 0x03, 0x2b, 0x65, 0x71}},
    {"X25519", 5, {0x06, 0x03, 0x2b, 0x65, 0x6e}},
    {"X448", 5, {0x06, 0x03, 0x2b, 0x65, 0x6f}},
};

static const char *pkcs8_alg(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < sizeof(pkcs8_algs) / sizeof(pkcs8_algs[0]); i++) {
		if (memmem(d, n < 32 ? n : 32, pkcs8_algs[i].oid, pkcs8_algs[i].len)) {
			return pkcs8_algs[i].name;
		}
	}
	return NULL;
}

static uint32_t crc24(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xB704CEu;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (int b = 0; b < 8; b++) {
			crc <<= 1;
			if (crc & 0x1000000u) {
				crc ^= 0x1864CFBu;
			}
		}
	}
	return crc & 0xFFFFFFu;
}

/* ---- PEM ---- */

/* What the armour walk saw besides the body. */
struct armour {
	bool proc_type;	    /* a Proc-Type header */
	bool proc_enc;	    /* ... that says 4,ENCRYPTED */
	bool dek;	    /* a DEK-Info: CIPHER,HEXIV with at least DEK_IV_MIN hex digits */
	bool headers;	    /* any header line before the body */
	bool blank;	    /* a blank line between the headers and the body */
	size_t crc;	    /* the OpenPGP "=XXXX" line, 0 when none */
	bool after_crc;	    /* something but blank lines after it */
	const uint8_t *txt; /* the text, for crc */
};

static bool label_char(uint8_t c)
{
	return lsc_ascii_is_upper(c) || lsc_ascii_is_digit(c) || c == ' ' || c == '.';
}

static enum lsc_keys_kind kind_of(const char *label)
{
	size_t n = strlen(label), tail = strlen(" PRIVATE KEY");

	if (strcmp(label, "PRIVATE KEY") == 0) {
		return LSC_KEYS_PKCS8;
	}
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0) {
		return LSC_KEYS_PKCS8_ENCRYPTED;
	}
	if (strcmp(label, "OPENSSH PRIVATE KEY") == 0) {
		return LSC_KEYS_OPENSSH;
	}
	if (strcmp(label, "PGP PRIVATE KEY BLOCK") == 0) {
		return LSC_KEYS_PGP;
	}
	if (n > tail && strcmp(label + n - tail, " PRIVATE KEY") == 0) {
		return LSC_KEYS_TRADITIONAL;
	}
	return LSC_KEYS_NONE;
}

/*
 * The label after the "-----BEGIN " at p + at, into out->label and out->kind; the offset past its
 * closing "-----", or 0 when there is no label closed by "-----" there.
 */
static size_t read_label(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t at)
{
	static const char begin[] = "-----BEGIN ";
	size_t ls = at + sizeof(begin) - 1, le;

	if (at > n || n - at < sizeof(begin) - 1 || memcmp(p + at, begin, sizeof(begin) - 1) != 0) {
		return 0;
	}
	le = ls;
	while (le < n && le - ls < LSC_KEYS_LABEL_MAX && label_char(p[le])) {
		le++;
	}
	if (n - le < 5 || memcmp(p + le, "-----", 5) != 0) {
		return 0;
	}
	memcpy(out->label, p + ls, le - ls);
	out->label[le - ls] = 0;
	out->kind = kind_of(out->label);
	return le + 5;
}

/* One armour header line [a, b). */
static void header(struct armour *ar, const uint8_t *p, size_t a, size_t b)
{
	const uint8_t *comma;

	ar->headers = true;
	if (prefix_nocase(p + a, b - a, "Proc-Type:")) {
		ar->proc_type = true;
		ar->proc_enc =
		    lsc_ascii_find((const char *)p + a, b - a, "4,ENCRYPTED", true) != NULL;
	} else if (prefix_nocase(p + a, b - a, "DEK-Info:")) {
		comma = memchr(p + a, ',', b - a);
		ar->dek = comma && (size_t)(p + b - comma - 1) >= DEK_IV_MIN;
		for (const uint8_t *c = comma ? comma + 1 : p + b; c < p + b; c++) {
			ar->dek = ar->dek && is_hex(*c);
		}
	}
}

/*
 * Walks the lines of [i, bend): armour headers (lines with a ':' before the body), blank lines,
 * the body fed to d, an OpenPGP checksum line when pgp. false when the body is not base64.
 */
static bool walk(struct armour *ar, struct lsc_base64 *d, const uint8_t *p, size_t i, size_t bend,
		 bool pgp)
{
	size_t a, b;
	bool data = false;

	while (next_line(p, bend, &i, &a, &b)) {
		if (a == b) {
			if (ar->headers && !data) {
				ar->blank = true;
			}
			continue;
		}
		if (ar->crc) {
			ar->after_crc = true;
			continue;
		}
		if (!data && memchr(p + a, ':', b - a)) {
			header(ar, p, a, b);
			continue;
		}
		if (pgp && b - a == 5 && p[a] == '=' && p[a + 1] != '=') {
			ar->crc = a;
			continue;
		}
		data = true;
		lsc_base64_feed(d, p + a, b - a);
		if (d->bad) {
			return false;
		}
	}
	return true;
}

static bool der_key(const uint8_t *d, size_t n, size_t min, uint8_t inner)
{
	return n >= min && lsc_keys_der_sequence(d, n, n, inner);
}

static bool openssh_key(struct lsc_keys_block *out, const uint8_t *d, size_t n)
{
	struct lsc_keys_openssh o;
	char cname[33], tname[33] = "unknown type";

	if (!lsc_keys_openssh_parse(&o, d, n, n) || !o.complete) {
		return false;
	}
	if (o.type) {
		printable(tname, sizeof(tname), o.type, o.type_len);
	}
	printable(cname, sizeof(cname), o.cipher, o.cipher_len);
	out->encrypted = strcmp(cname, "none") != 0;
	if (out->encrypted) {
		snprintf(out->desc, sizeof(out->desc), "encrypted OpenSSH private key (%s, %s)",
			 cname, tname);
	} else {
		snprintf(out->desc, sizeof(out->desc), "unencrypted OpenSSH private key (%s)",
			 tname);
	}
	return true;
}

/* The first packet is a secret key (tag 5), old or new format; the checksum, when there, holds. */
static bool pgp_key(struct lsc_keys_block *out, const struct armour *ar, const uint8_t *d, size_t n)
{
	uint8_t b = d[0], crc[3];
	unsigned tag = (b & 0x40) ? (b & 0x3fu) : ((b >> 2) & 0x0fu);

	if (n < PGP_MIN || !(b & 0x80) || tag != 5 || ar->after_crc) {
		return false;
	}
	if (ar->crc) {
		if (lsc_base64_decode(crc, sizeof(crc), ar->txt + ar->crc + 1, 4,
				      LSC_BASE64_STD | LSC_BASE64_STRICT) != 3 ||
		    ((uint32_t)crc[0] << 16 | (uint32_t)crc[1] << 8 | crc[2]) != crc24(d, n)) {
			return false;
		}
	}
	snprintf(out->desc, sizeof(out->desc), "OpenPGP secret key block");
	return true;
}

/* Whether the decoded body d (n bytes) is a key of out->kind; sets encrypted, published, desc. */
static bool classify(struct lsc_keys_block *out, const struct armour *ar, const uint8_t *d,
		     size_t n)
{
	const char *alg;

	if (ar->proc_type && (out->kind != LSC_KEYS_TRADITIONAL || !ar->proc_enc)) {
		return false;
	}
	switch (out->kind) {
	case LSC_KEYS_TRADITIONAL:
		if (ar->proc_enc) {
			/* the body is CBC ciphertext: whole cipher blocks, no DER to look into */
			if (!ar->dek || !ar->blank || n < LEGACY_MIN || n % 8 != 0) {
				return false;
			}
			out->encrypted = true;
			snprintf(out->desc, sizeof(out->desc),
				 "encrypted %.*s private key (PEM, Proc-Type 4,ENCRYPTED)",
				 (int)(strlen(out->label) - strlen(" PRIVATE KEY")), out->label);
			return true;
		}
		if (!der_key(d, n, DER_KEY_MIN, 0x02)) {
			return false;
		}
		out->published = published_test_key(d, n);
		snprintf(out->desc, sizeof(out->desc), "unencrypted %.*s private key (PEM)",
			 (int)(strlen(out->label) - strlen(" PRIVATE KEY")), out->label);
		return !out->published;
	case LSC_KEYS_PKCS8:
		if (!der_key(d, n, DER_KEY_MIN, 0x02)) {
			return false;
		}
		out->published = published_test_key(d, n);
		alg = pkcs8_alg(d, n);
		snprintf(out->desc, sizeof(out->desc), "unencrypted %s%sprivate key (PKCS#8)",
			 alg ? alg : "", alg ? " " : "");
		return !out->published;
	case LSC_KEYS_PKCS8_ENCRYPTED:
		if (!der_key(d, n, DER_ENCRYPTED_MIN, 0x30)) {
			return false;
		}
		out->published = published_test_key(d, n);
		out->encrypted = true;
		snprintf(out->desc, sizeof(out->desc), "encrypted private key (PKCS#8)");
		return !out->published;
	case LSC_KEYS_OPENSSH:
		return openssh_key(out, d, n);
	case LSC_KEYS_PGP:
		return pgp_key(out, ar, d, n);
	case LSC_KEYS_NONE:
	case LSC_KEYS_PUTTY:
	case LSC_KEYS_AGE:
		break;
	}
	return false;
}

int lsc_keys_pem_parse(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t at)
{
	char endmark[LSC_KEYS_LABEL_MAX + 16];
	struct armour ar = {.txt = p};
	struct lsc_base64 d;
	const uint8_t *endp;
	size_t i, limit, bend, room;
	uint8_t *buf;
	long len;
	int elen;

	memset(out, 0, sizeof(*out));
	out->start = at;
	i = read_label(out, p, n, at);
	if (i == 0 || out->kind == LSC_KEYS_NONE) {
		return 0;
	}
	elen = snprintf(endmark, sizeof(endmark), "-----END %s-----", out->label);
	limit = n - at > LSC_KEYS_BLOCK_MAX ? at + LSC_KEYS_BLOCK_MAX : n;
	endp = memmem(p + i, limit - i, endmark, (size_t)elen);
	if (!endp) {
		return 0;
	}
	bend = (size_t)(endp - p);
	out->end = bend + (size_t)elen;
	/* the body decodes to fewer bytes than it has: the buffer is never larger than the block */
	room = lsc_base64_room(bend - i);
	buf = malloc(room + 1);
	if (!buf) {
		return -ENOMEM;
	}
	lsc_base64_init(&d, LSC_BASE64_STD | LSC_BASE64_SPACE, buf, room);
	if (walk(&ar, &d, p, i, bend, out->kind == LSC_KEYS_PGP)) {
		len = lsc_base64_finish(&d);
		out->holds = len > 0 && (size_t)len <= room && classify(out, &ar, buf, (size_t)len);
	}
	free(buf);
	if (!out->holds) {
		out->encrypted = false;
		out->desc[0] = 0;
	}
	return 0;
}

int lsc_keys_next_pem(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t *pos,
		      unsigned *budget)
{
	static const char begin[] = "-----BEGIN ";
	struct lsc_keys_block label;
	int rc;

	while (*pos < n) {
		const uint8_t *m = memmem(p + *pos, n - *pos, begin, sizeof(begin) - 1);
		size_t at;

		if (!m) {
			*pos = n;
			return 0;
		}
		at = (size_t)(m - p);
		*pos = at + sizeof(begin) - 1;
		memset(&label, 0, sizeof(label));
		if (read_label(&label, p, n, at) == 0 || label.kind == LSC_KEYS_NONE ||
		    *budget == 0) {
			continue;
		}
		(*budget)--;
		rc = lsc_keys_pem_parse(out, p, n, at);
		if (rc < 0) {
			return rc;
		}
		if (out->holds) {
			*pos = out->end;
			return 1;
		}
	}
	return 0;
}

/* ---- PuTTY ---- */

/* "Name: N" where N is a decimal count in 1..max; 0 when not. */
static unsigned header_count(const uint8_t *p, size_t a, size_t b, const char *name, unsigned max)
{
	size_t vn;
	const uint8_t *v = header_value(p, a, b, name, &vn);
	unsigned c = 0;

	if (!v || vn == 0 || vn > 4) {
		return 0;
	}
	for (size_t j = 0; j < vn; j++) {
		if (!lsc_ascii_is_digit(v[j])) {
			return 0;
		}
		c = c * 10 + (unsigned)(v[j] - '0');
	}
	return c <= max ? c : 0;
}

/* count lines of base64 from *i; false when one is missing or does not decode. */
static bool putty_lines(const uint8_t *p, size_t n, size_t *i, unsigned count, size_t *decoded)
{
	uint8_t buf[PUTTY_LINE_MAX];
	size_t a, b;

	*decoded = 0;
	for (unsigned k = 0; k < count; k++) {
		long len;

		if (!next_line(p, n, i, &a, &b) || a == b || b - a > PUTTY_LINE_MAX) {
			return false;
		}
		len = lsc_base64_decode(buf, sizeof(buf), p + a, b - a,
					LSC_BASE64_STD | LSC_BASE64_STRICT);
		if (len <= 0) {
			return false;
		}
		*decoded += (size_t)len;
	}
	return true;
}

int lsc_keys_putty_parse(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t at)
{
	static const char hdr[] = "PuTTY-User-Key-File-";
	const uint8_t *v, *enc = NULL, *type;
	size_t i = at, a, b, vn, encn = 0, tn, pub = 0, priv = 0, t;
	bool have_pub = false, have_priv = false;
	char tname[33], ename[33];
	unsigned count, version;

	memset(out, 0, sizeof(*out));
	out->start = at;
	if (at > n || !next_line(p, n, &i, &a, &b) || b - a < sizeof(hdr) + 1 ||
	    memcmp(p + a, hdr, sizeof(hdr) - 1) != 0 || (p[a + 20] != '2' && p[a + 20] != '3') ||
	    p[a + 21] != ':') {
		return 0;
	}
	version = (unsigned)(p[a + 20] - '0');
	out->kind = LSC_KEYS_PUTTY;
	snprintf(out->label, sizeof(out->label), "PuTTY-User-Key-File-%u", version);
	type = p + a + 22;
	tn = b - a - 22;
	for (t = 0; t < tn && ws(type[t]); t++) {
	}
	if (t == tn || !lsc_ascii_is_alpha(type[t])) {
		return 0;
	}
	for (int lines = 0; lines < PUTTY_HEADER_LINES && next_line(p, n, &i, &a, &b); lines++) {
		v = header_value(p, a, b, "Encryption:", &vn);
		if (v) {
			enc = v;
			encn = vn;
			continue;
		}
		if (header_value(p, a, b, "Public-Lines:", &vn)) {
			count = header_count(p, a, b, "Public-Lines:", LSC_KEYS_PUTTY_LINES_MAX);
			if (count == 0 || !putty_lines(p, n, &i, count, &pub)) {
				goto done;
			}
			have_pub = true;
			continue;
		}
		if (header_value(p, a, b, "Private-Lines:", &vn)) {
			count = header_count(p, a, b, "Private-Lines:", LSC_KEYS_PUTTY_LINES_MAX);
			if (!enc || encn == 0 || count == 0 ||
			    !putty_lines(p, n, &i, count, &priv)) {
				goto done;
			}
			printable(ename, sizeof(ename), enc, encn);
			out->encrypted = strcmp(ename, "none") != 0;
			/* the private blob is padded to whole AES blocks when encrypted */
			if (priv < 16 || (out->encrypted && priv % 16 != 0)) {
				goto done;
			}
			have_priv = true;
			continue;
		}
		v = header_value(p, a, b, "Private-MAC:", &vn);
		if (v) {
			if (!have_pub || !have_priv || vn != (version == 2 ? 40u : 64u)) {
				break;
			}
			for (size_t k = 0; k < vn; k++) {
				if (!is_hex(v[k])) {
					goto done;
				}
			}
			out->holds = true;
			out->end = i;
			break;
		}
	}
done:
	if (!out->holds) {
		out->encrypted = false;
		return 0;
	}
	printable(tname, sizeof(tname), type, tn);
	while (tname[0] == ' ') {
		memmove(tname, tname + 1, strlen(tname));
	}
	if (out->encrypted) {
		snprintf(out->desc, sizeof(out->desc), "encrypted PuTTY private key (%s, %s)",
			 ename, tname);
	} else {
		snprintf(out->desc, sizeof(out->desc), "unencrypted PuTTY private key (%s)", tname);
	}
	return 0;
}

int lsc_keys_next_putty(struct lsc_keys_block *out, const uint8_t *p, size_t n, size_t *pos,
			unsigned *budget)
{
	static const char hdr[] = "PuTTY-User-Key-File-";
	int rc;

	while (*pos<n && * budget> 0) {
		const uint8_t *m = memmem(p + *pos, n - *pos, hdr, sizeof(hdr) - 1);
		size_t at;

		if (!m) {
			*pos = n;
			return 0;
		}
		at = (size_t)(m - p);
		*pos = at + sizeof(hdr) - 1;
		if (at == 0 || p[at - 1] == '\n') {
			(*budget)--;
			rc = lsc_keys_putty_parse(out, p, n, at);
			if (rc < 0) {
				return rc;
			}
			if (out->holds) {
				return 1;
			}
		}
	}
	return 0;
}

/* ---- age ---- */

static uint32_t bech32_polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
					0x2a1462b3u};
	uint32_t top = chk >> 25;

	chk = ((chk & 0x1ffffffu) << 5) ^ v;
	for (int k = 0; k < 5; k++) {
		if ((top >> k) & 1) {
			chk ^= gen[k];
		}
	}
	return chk;
}

/* The 74 bytes at t: bech32 under "age-secret-key-", 52 data characters and 6 of checksum. */
static bool age_bech32(const uint8_t *t, size_t n)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	static const char hrp[] = "age-secret-key-";
	bool upper = false, lower = false;
	uint32_t chk = 1;
	unsigned last = 0;

	for (size_t i = 0; i < n; i++) {
		upper = upper || lsc_ascii_is_upper(t[i]);
		lower = lower || lsc_ascii_is_lower(t[i]);
	}
	if (upper && lower) {
		return false;
	}
	for (size_t i = 0; i < sizeof(hrp) - 1; i++) {
		chk = bech32_polymod_step(chk, (unsigned char)hrp[i] >> 5);
	}
	chk = bech32_polymod_step(chk, 0);
	for (size_t i = 0; i < sizeof(hrp) - 1; i++) {
		chk = bech32_polymod_step(chk, (unsigned char)hrp[i] & 31);
	}
	for (size_t i = 16; i < n; i++) {
		const char *c = t[i] ? memchr(charset, lsc_ascii_to_lower(t[i]), 32) : NULL;

		if (!c) {
			return false;
		}
		chk = bech32_polymod_step(chk, (unsigned)(c - charset));
		if (i == 16 + 51) {
			last = (unsigned)(c - charset);
		}
	}
	/* 52 * 5 = 260 bits: the 4 bits past the 32 bytes are padding and must be zero. */
	return chk == 1 && (last & 0xf) == 0;
}

int lsc_keys_age_parse(struct lsc_keys_block *out, const uint8_t *p, size_t n)
{
	static const size_t len = 16 + 58;

	memset(out, 0, sizeof(*out));
	if (!prefix_nocase(p, n, "AGE-SECRET-KEY-1")) {
		return 0;
	}
	out->kind = LSC_KEYS_AGE;
	snprintf(out->label, sizeof(out->label), "age");
	if (n < len || lsc_keys_skip_blank(p, n, len) != n || !age_bech32(p, len)) {
		return 0;
	}
	out->holds = true;
	out->end = len;
	snprintf(out->desc, sizeof(out->desc), "age secret key (X25519)");
	return 0;
}

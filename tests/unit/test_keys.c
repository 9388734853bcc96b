/* keys: the DER and openssh-key-v1 structure checks both key readers share. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- the one parser of key containers ---- */

/* Throwaway keys generated for this file (openssl 3, ssh-keygen 9, gpg 2.2). */
static const char ec_sec1[] = "-----BEGIN EC PRIVATE KEY-----\n"
			      "MHcCAQEEIGMFW6HOLK/zMzdmqJTMLu2ML51u26YO7XRwFLhPxBgOoAoGCCqGSM49\n"
			      "AwEHoUQDQgAEzmowsOuDPSAFPwZTQiLyx2e4iqC39382i70HVIn2QAGutgufYIdu\n"
			      "5S4S5S6veebE+UMjtBUurKZOushrtR6wiw==\n"
			      "-----END EC PRIVATE KEY-----\n";

static const char ed25519_pkcs8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIDt5FAf8t8btD7WvrkRusXxMq91rNR34zBJZVeyXDMlm\n"
    "-----END PRIVATE KEY-----\n";

static const char ec_legacy_encrypted[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "Proc-Type: 4,ENCRYPTED\n"
    "DEK-Info: AES-128-CBC,40412034BFA28655B3B1A2010D8D702C\n"
    "\n"
    "XJzr+3KqAyJ1czmwVEUMMr3H5to0Rzah9+RTbAEGDErLUwha06Ftcg09yAYrd2pC\n"
    "qcnlMMwjImIGgqr8tILmh2M1upmSX+kojOQ5rcsEOUgl2dDmV6vi/oAwayROGYWZ\n"
    "zJHrePpoiFth2gMY3llrOIMMdeawv6cYzmDJ6AMF3QU=\n"
    "-----END EC PRIVATE KEY-----\n";

static const char openssh_plain[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACD0lWwAIJoh2nf8xU5jPc4glPoo6jMKz49zN8it0f3/kgAAAIjBzR87wc0f\n"
    "OwAAAAtzc2gtZWQyNTUxOQAAACD0lWwAIJoh2nf8xU5jPc4glPoo6jMKz49zN8it0f3/kg\n"
    "AAAEB86xFZVEhg64IfDjfndpatZXVLUm/fkEV8wDa4d+UU3fSVbAAgmiHad/zFTmM9ziCU\n"
    "+ijqMwrPj3M3yK3R/f+SAAAAAXQBAgME\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -Z chacha20-poly1305@openssh.com: the AEAD tag follows the private block */
static const char openssh_chacha[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAAHWNoYWNoYTIwLXBvbHkxMzA1QG9wZW5zc2guY29tAAAABm\n"
    "JjcnlwdAAAABgAAAAQYvWNB7l64yo7wPVB6d1T8gAAABAAAAABAAAAMwAAAAtzc2gtZWQy\n"
    "NTUxOQAAACBv7pvaum4nszjURTJjiV2J7ZqsQyTlvYz56qofWMW3/gAAAIhUAWFeARFg32\n"
    "4y/TWSCu/qeFqKZKWZSCQWVspIvmb4Tz8WlbZBM4fmUFixmw2+8bxcxzj7ryHfLtL71T3h\n"
    "nWBmCUIjrLYAWU8XXmlyOJw49WSN2eLWOw6fjRhcPW2a+b/zIqOtnem3cEv/Im/zZGd/8u\n"
    "IFBd7ms3kZsAAAFtTVk/AMV6I3pQXG3baJ5ty5kpt/kZ209DGAbQ==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

static const char pgp_secret[] =
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
    "\n"
    "lFgEaxMuGBYJKwYBBAHaRw8BAQdAE6g6qvy7ObnxEuZYF3M1HtYQq85U4Vx1y2oN\n"
    "ZS3ifvQAAQDArui5OH6JpvYtUgjd1Hl8SL4LsIScuygSe/Gj0vPPvBJNtBVUIDx0\n"
    "QGV4YW1wbGUuaW52YWxpZD6IkAQTFggAOBYhBFeFfHcP2vSQw/C226Lts70gwq1/\n"
    "BQJrEy4YAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEKLts70gwq1/d2wB\n"
    "AK1T2JX+k0068Nb9/dD0cQ6P+I7ENARF40rKA2y5k0BnAP9ObAWb1ZyievWbkmFs\n"
    "u2v3NDao3Nt9XVkCqGMzKxtKCA==\n"
    "=aptU\n"
    "-----END PGP PRIVATE KEY BLOCK-----\n";

/* A copy of s with the first from replaced by to; the caller frees it. */
static char *replaced(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	cr_assert(at, "'%s' not in the text", from);
	out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	memcpy(out, s, (size_t)(at - s));
	strcpy(out + (at - s), to);
	strcat(out, at + strlen(from));
	return out;
}

/* lsc_keys_pem_parse over the whole string, the marker at its start. */
static struct lsc_keys_block pem(const char *s)
{
	struct lsc_keys_block k;

	cr_assert_eq(lsc_keys_pem_parse(&k, (const uint8_t *)s, strlen(s), 0), 0);
	return k;
}

static bool pem_holds(const char *s)
{
	return pem(s).holds;
}

static bool pem_holds_replaced(const char *s, const char *from, const char *to)
{
	char *t = replaced(s, from, to);
	bool ok = pem_holds(t);

	free(t);
	return ok;
}

/* Standard base64 with padding, lines of 64: written here, apart from the code under test. */
static void b64(char *out, const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, col = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		v |= i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0;
		v |= i + 2 < n ? p[i + 2] : 0;
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
		col += 4;
		if (col == 64) {
			out[o++] = '\n';
			col = 0;
		}
	}
	if (col) {
		out[o++] = '\n';
	}
	out[o] = 0;
}

/* A PEM block of label around the n bytes at p, with headers (or "") before the body. */
static char *armour(const char *label, const char *headers, const uint8_t *p, size_t n)
{
	char *out = malloc(2 * n + 512), body[1400];

	cr_assert(n < 1000);
	b64(body, p, n);
	sprintf(out, "-----BEGIN %s-----\n%s%s-----END %s-----\n", label, headers, body, label);
	return out;
}

static bool armour_holds(const char *label, const char *headers, const uint8_t *p, size_t n)
{
	char *s = armour(label, headers, p, n);
	bool ok = pem_holds(s);

	free(s);
	return ok;
}

Test(keys, pem_real_keys_and_their_descriptions)
{
	struct lsc_keys_block k = pem(ec_sec1);

	cr_assert(k.holds);
	cr_assert_eq(k.kind, LSC_KEYS_TRADITIONAL);
	cr_assert_str_eq(k.label, "EC PRIVATE KEY");
	cr_assert_not(k.encrypted);
	cr_assert_str_eq(k.desc, "unencrypted EC private key (PEM)");
	cr_assert_eq(k.start, 0);
	cr_assert_eq(k.end, strlen(ec_sec1) - 1, "just past the END marker");

	k = pem(ed25519_pkcs8);
	cr_assert(k.holds);
	cr_assert_eq(k.kind, LSC_KEYS_PKCS8);
	cr_assert_str_eq(k.desc, "unencrypted Ed25519 private key (PKCS#8)");

	k = pem(ec_legacy_encrypted);
	cr_assert(k.holds);
	cr_assert(k.encrypted);
	cr_assert_str_eq(k.desc, "encrypted EC private key (PEM, Proc-Type 4,ENCRYPTED)");

	k = pem(openssh_plain);
	cr_assert(k.holds);
	cr_assert_eq(k.kind, LSC_KEYS_OPENSSH);
	cr_assert_str_eq(k.desc, "unencrypted OpenSSH private key (ssh-ed25519)");

	k = pem(openssh_chacha);
	cr_assert(k.holds, "the 16-byte AEAD tag after the private block is part of the key");
	cr_assert(k.encrypted);
	cr_assert_str_eq(
	    k.desc, "encrypted OpenSSH private key (chacha20-poly1305@openssh.com, ssh-ed25519)");

	k = pem(pgp_secret);
	cr_assert(k.holds);
	cr_assert_eq(k.kind, LSC_KEYS_PGP);
	cr_assert_str_eq(k.desc, "OpenPGP secret key block");
}

/* The same key with CRLF, with "\n" and "\r\n" escapes (JSON, .env), indented (YAML). */
Test(keys, pem_line_forms)
{
	static const char *const forms[][2] = {
	    {"\n", "\r\n"}, {"\n", "\\n"}, {"\n", "\\r\\n"}, {"\n", "\n    "}};
	const char *keys[] = {ec_sec1, ec_legacy_encrypted, openssh_plain, pgp_secret};

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			char *t = strdup(keys[i]), *u;

			while (strstr(t, forms[f][0]) && !strstr(t, "\x01")) {
				u = replaced(t, forms[f][0], "\x01");
				free(t);
				t = u;
			}
			while (strstr(t, "\x01")) {
				u = replaced(t, "\x01", forms[f][1]);
				free(t);
				t = u;
			}
			cr_assert(pem_holds(t), "form %zu of key %zu: %s", f, i, t);
			free(t);
		}
	}
}

/*
 * The copies disagreed on the smallest DER body: secret_check took 32 bytes of every form,
 * detect_sensitive_files 48 (traditional), 40 (PKCS#8) and 64 (encrypted PKCS#8). Now 48, 48 and
 * 64: Ed25519 and X25519 PKCS#8 (48 bytes) are the smallest real keys, and the PBES2 algorithm of
 * an encrypted one alone is ~80.
 */
Test(keys, der_minimum_by_form_used_to_differ)
{
	uint8_t b[600];

	cr_assert_not(armour_holds("RSA PRIVATE KEY", "", b, der(b, 40, 0, 0x02)), "40 bytes");
	cr_assert_not(armour_holds("RSA PRIVATE KEY", "", b, der(b, 47, 0, 0x02)), "47 bytes");
	cr_assert(armour_holds("RSA PRIVATE KEY", "", b, der(b, 48, 0, 0x02)));
	cr_assert_not(armour_holds("PRIVATE KEY", "", b, der(b, 44, 0, 0x02)), "44 bytes");
	cr_assert(armour_holds("PRIVATE KEY", "", b, der(b, 48, 0, 0x02)));
	cr_assert_not(armour_holds("ENCRYPTED PRIVATE KEY", "", b, der(b, 56, 0, 0x30)),
		      "56 bytes");
	cr_assert(armour_holds("ENCRYPTED PRIVATE KEY", "", b, der(b, 64, 0, 0x30)));
	cr_assert(armour_holds("ENCRYPTED PRIVATE KEY", "", b, der(b, 300, 2, 0x30)));
	cr_assert_not(armour_holds("ENCRYPTED PRIVATE KEY", "", b, der(b, 300, 2, 0x02)),
		      "an INTEGER first: not the algorithm");
}

/*
 * secret_check took a PGP body of 32 bytes and checked the armour's CRC24; the sensitive-file
 * detector took 64 and never looked at the CRC. Now 64 (a v4 Ed25519 secret key packet alone is
 * ~90 bytes) and the CRC, when there, must hold (gpg writes it right or not at all).
 */
Test(keys, pgp_minimum_and_checksum_used_to_differ)
{
	uint8_t b[128];

	memset(b, 0x5a, sizeof(b));
	b[0] = 0x94; /* old format, tag 5 */
	cr_assert_not(armour_holds("PGP PRIVATE KEY BLOCK", "\n", b, 48), "48 bytes");
	cr_assert(armour_holds("PGP PRIVATE KEY BLOCK", "\n", b, 64));
	b[0] = 0xc5; /* new format, tag 5 */
	cr_assert(armour_holds("PGP PRIVATE KEY BLOCK", "\n", b, 64));
	b[0] = 0x98; /* tag 6: a public key */
	cr_assert_not(armour_holds("PGP PRIVATE KEY BLOCK", "\n", b, 64));

	cr_assert_not(pem_holds_replaced(pgp_secret, "=aptU", "=aptV"), "a wrong CRC24");
	cr_assert_not(pem_holds_replaced(pgp_secret, "ZS3ifvQAAQDA", "ZS3ifvQAAQDB"),
		      "a body byte changed under the CRC24");
	cr_assert(pem_holds_replaced(pgp_secret, "=aptU\n", ""), "no CRC line");
	cr_assert(pem_holds_replaced(pgp_secret, "BLOCK-----\n\n", "BLOCK-----\nVersion: 2\n\n"),
		  "armour headers");
	cr_assert_not(pem_holds_replaced(pgp_secret, "=aptU\n", "=aptU\nAAAA\n"),
		      "base64 after the CRC");
}

/*
 * Legacy encrypted PEM: secret_check wanted DEK-Info (CIPHER,IV of 16 hex digits or more), the
 * blank line and 64 bytes or more of ciphertext; the sensitive-file detector only a Proc-Type
 * that says ENCRYPTED and 32 bytes. OpenSSL writes and needs the DEK-Info and the blank line, and
 * the smallest traditional key (SEC1, secp112r1) pads to 64 bytes: secret_check's bounds.
 */
Test(keys, legacy_encrypted_used_to_differ)
{
	uint8_t b[64];
	const char *hdr = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
			  "40412034BFA28655B3B1A2010D8D702C\n\n";

	cr_assert(pem_holds(ec_legacy_encrypted));
	cr_assert_not(pem_holds_replaced(ec_legacy_encrypted,
					 "DEK-Info: AES-128-CBC,40412034BFA28655B3B1A2010D8D702C\n",
					 ""),
		      "no DEK-Info");
	cr_assert_not(pem_holds_replaced(ec_legacy_encrypted, "40412034BFA28655B3B1A2010D8D702C",
					 "40412034BFA2865"),
		      "an IV of 15 hex digits");
	cr_assert_not(pem_holds_replaced(ec_legacy_encrypted, "D702C\n\n", "D702C\n"),
		      "no blank line after the headers");
	cr_assert_not(pem_holds_replaced(ec_legacy_encrypted, "4,ENCRYPTED", "4,MIC-ONLY"));
	memset(b, 0xa7, sizeof(b));
	cr_assert_not(armour_holds("RSA PRIVATE KEY", hdr, b, 40), "40 bytes of ciphertext");
	cr_assert_not(armour_holds("RSA PRIVATE KEY", hdr, b, 60), "not whole blocks");
	cr_assert(armour_holds("RSA PRIVATE KEY", hdr, b, 64));
	/* a Proc-Type belongs to the traditional labels only */
	cr_assert_not(armour_holds("PRIVATE KEY", hdr, b, 64));
	cr_assert_not(armour_holds("ENCRYPTED PRIVATE KEY", hdr, b, 64));
}

/*
 * An unknown "X PRIVATE KEY" label: the sensitive-file detector took it (a traditional key named
 * X), secret_check did not. Taken: the DER structure tells the key, not the name a tool gave it.
 * Label characters: the detector took '.', secret_check did not (RFC 7468 allows it); at most 64.
 */
Test(keys, unknown_labels_and_label_characters_used_to_differ)
{
	char *a = replaced(ec_sec1, "BEGIN EC", "BEGIN ECDSA"),
	     *b = replaced(a, "END EC", "END ECDSA");
	struct lsc_keys_block k = pem(b);
	char label[80];
	uint8_t d[64];

	cr_assert(k.holds);
	cr_assert_str_eq(k.desc, "unencrypted ECDSA private key (PEM)");
	free(a);
	free(b);
	cr_assert(armour_holds("X9.62 EC PRIVATE KEY", "", d, der(d, 48, 0, 0x02)));
	cr_assert_not(armour_holds("ec PRIVATE KEY", "", d, der(d, 48, 0, 0x02)), "lower case");
	cr_assert_not(armour_holds("EC_X PRIVATE KEY", "", d, der(d, 48, 0, 0x02)));
	memset(label, 'A', sizeof(label));
	strcpy(label + 64 - strlen(" PRIVATE KEY"), " PRIVATE KEY");
	cr_assert(armour_holds(label, "", d, der(d, 48, 0, 0x02)), "64 characters");
	memset(label, 'A', sizeof(label));
	strcpy(label + 65 - strlen(" PRIVATE KEY"), " PRIVATE KEY");
	cr_assert_not(armour_holds(label, "", d, der(d, 48, 0, 0x02)), "65 characters");
	/* labels that name no private key are not parsed */
	k = pem("-----BEGIN SECRET KEY-----\nAAAA\n-----END SECRET KEY-----\n");
	cr_assert_eq(k.kind, LSC_KEYS_NONE);
	cr_assert_eq(k.end, 0);
	cr_assert_eq(pem("-----BEGIN CERTIFICATE-----\n").kind, LSC_KEYS_NONE);
}

/*
 * openssh-key-v1: the sensitive-file detector read only the head (magic, cipher, first key type),
 * secret_check the whole structure. A real key always has the whole of it; a paste cut short
 * does not.
 */
Test(keys, openssh_head_only_used_to_differ)
{
	cr_assert(pem_holds(openssh_plain));
	cr_assert_not(pem_holds_replaced(openssh_plain, "+ijqMwrPj3M3yK3R/f+SAAAAAXQBAgME\n", ""),
		      "the last line gone");
	cr_assert_not(
	    pem_holds_replaced(
		openssh_plain,
		"OwAAAAtzc2gtZWQyNTUxOQAAACD0lWwAIJoh2nf8xU5jPc4glPoo6jMKz49zN8it0f3/kg\n", ""),
	    "a middle line gone");
	cr_assert_not(pem_holds_replaced(
			  openssh_chacha, "IFBd7ms3kZsAAAFtTVk/AMV6I3pQXG3baJ5ty5kpt/kZ209DGAbQ==",
			  "IFBd7ms3kZsAAAFtTVk/AMV6I3pQXG3baJ5ty5kpt/kZ209DGAbQAA=="),
		      "a byte past the AEAD tag");
}

/*
 * GnuTLS's self-test keys (SHA-256 of the DER): secret_check excluded them, the sensitive-file
 * detector reported them. Excluded for both: every copy of libgnutls carries them.
 */
Test(keys, published_test_keys_used_to_differ)
{
	const char *gnutls_key =
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MEgCAQAwHwYIKoUDBwEBAQEwEwYHKoUDAgIjAQYIKoUDBwEBAgIEIgQgKOF96tom\n"
	    "D61rhSnzKjyrmO3fv0gdlHei+6ovrc8SnBk=\n"
	    "-----END PRIVATE KEY-----";
	struct lsc_keys_block k = pem(gnutls_key);
	char *other;
	size_t pos = 0;
	unsigned budget = 4;

	cr_assert(k.published);
	cr_assert_not(k.holds);
	cr_assert_eq(
	    lsc_keys_next_pem(&k, (const uint8_t *)gnutls_key, strlen(gnutls_key), &pos, &budget),
	    0);
	other = replaced(gnutls_key, "KOF96tom", "LOF96tom");
	k = pem(other);
	free(other);
	cr_assert(k.holds, "the same structure with another key");
	cr_assert_not(k.published);
}

static const char putty_v3[] = "PuTTY-User-Key-File-3: ssh-ed25519\n"
			       "Encryption: none\n"
			       "Comment: build@ci\n"
			       "Public-Lines: 2\n"
			       "AAAAC3NzaC1lZDI1NTE5AAAAIPSVbAAgmiHad/zFTmM9ziCU+ijqMwrPj3M3yK3R\n"
			       "/f+S\n"
			       "Private-Lines: 1\n"
			       "AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTd\n"
			       "Private-MAC: "
			       "3f1c9a0d5e7b2468ace13579bdf02468ace13579bdf02468ace13579bdf02468\n";

static struct lsc_keys_block putty(const char *s)
{
	struct lsc_keys_block k;

	cr_assert_eq(lsc_keys_putty_parse(&k, (const uint8_t *)s, strlen(s), 0), 0);
	return k;
}

static bool putty_holds_replaced(const char *s, const char *from, const char *to)
{
	char *t = replaced(s, from, to);
	bool ok = putty(t).holds;

	free(t);
	return ok;
}

/*
 * PuTTY: the sensitive-file detector wanted Encryption and Private-Lines, secret_check
 * Public-Lines, Private-Lines and a Private-MAC of the version's length. Every file puttygen
 * writes has all four; a paste cut short lacks the MAC.
 */
Test(keys, putty_sections_used_to_differ)
{
	struct lsc_keys_block k = putty(putty_v3);
	char *enc, *padded;

	cr_assert(k.holds);
	cr_assert_eq(k.kind, LSC_KEYS_PUTTY);
	cr_assert_str_eq(k.label, "PuTTY-User-Key-File-3");
	cr_assert_str_eq(k.desc, "unencrypted PuTTY private key (ssh-ed25519)");
	cr_assert_eq(k.end, strlen(putty_v3));
	cr_assert_not(putty_holds_replaced(putty_v3, "Private-MAC: ", "Comment: "), "no MAC");
	cr_assert_not(putty_holds_replaced(putty_v3, "Encryption: none\n", ""), "no Encryption");
	cr_assert_not(putty_holds_replaced(putty_v3,
					   "Public-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIPSVbAAgmiHad/"
					   "zFTmM9ziCU+ijqMwrPj3M3yK3R\n/f+S\n",
					   ""),
		      "no Public-Lines");
	cr_assert_not(putty_holds_replaced(putty_v3, "File-3", "File-2"), "a v2 MAC is 40 digits");
	cr_assert_not(putty_holds_replaced(putty_v3, "Private-Lines: 1", "Private-Lines: 257"));
	cr_assert_not(putty_holds_replaced(putty_v3, "File-3: ssh", "File-3: -ssh"));
	/* encrypted: whole AES blocks of private data */
	enc = replaced(putty_v3, "Encryption: none", "Encryption: aes256-cbc");
	cr_assert_not(putty(enc).holds, "36 bytes are not whole AES blocks");
	cr_assert(putty_holds_replaced(enc, "AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTd",
				       "AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTdAAAAAAAA"
				       "AAAAAAAA"));
	padded = replaced(enc, "AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTd",
			  "AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTdAAAAAAAAAAAAAAAA");
	k = putty(padded);
	cr_assert(k.holds);
	cr_assert(k.encrypted);
	cr_assert_str_eq(k.desc, "encrypted PuTTY private key (aes256-cbc, ssh-ed25519)");
	free(padded);
	free(enc);
}

Test(keys, age_identities)
{
	static const char age[] =
	    "AGE-SECRET-KEY-1Z0TLNJAU2E2CX23YQNCFQXSUREZR6NP7T0ZHENCG7HZ2VQ252MWQEMLEF6";
	char t[100];
	struct lsc_keys_block k;

	cr_assert_eq(lsc_keys_age_parse(&k, (const uint8_t *)age, strlen(age)), 0);
	cr_assert(k.holds);
	cr_assert_eq(k.kind, LSC_KEYS_AGE);
	cr_assert_eq(k.end, strlen(age));
	snprintf(t, sizeof(t), "%s\\n", age);
	lsc_keys_age_parse(&k, (const uint8_t *)t, strlen(t));
	cr_assert(k.holds, "an escaped newline after it");
	snprintf(t, sizeof(t), "%sQ", age);
	lsc_keys_age_parse(&k, (const uint8_t *)t, strlen(t));
	cr_assert_not(k.holds, "a character more");
	snprintf(t, sizeof(t), "%s", age);
	t[20] = (char)(t[20] - 'A' + 'a');
	lsc_keys_age_parse(&k, (const uint8_t *)t, strlen(t));
	cr_assert_not(k.holds, "mixed case");
	snprintf(t, sizeof(t), "%s", age);
	t[30] = t[30] == 'Q' ? 'P' : 'Q';
	lsc_keys_age_parse(&k, (const uint8_t *)t, strlen(t));
	cr_assert_not(k.holds, "the checksum");
}

/* Every key of a text, at its offset; labels of no key cost nothing; the budget bounds parses. */
Test(keys, next_pem_and_next_putty_walk_a_text)
{
	char text[4096];
	struct lsc_keys_block k;
	size_t pos = 0, second;
	unsigned budget = 8;

	snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE-----\nx\n%s\nkey: |\n  %s%s",
		 ed25519_pkcs8, openssh_plain, putty_v3);
	cr_assert_eq(lsc_keys_next_pem(&k, (const uint8_t *)text, strlen(text), &pos, &budget), 1);
	cr_assert_eq(k.start, (size_t)(strstr(text, "-----BEGIN PRIVATE") - text));
	cr_assert_eq(budget, 7, "the certificate spent nothing");
	cr_assert_eq(lsc_keys_next_pem(&k, (const uint8_t *)text, strlen(text), &pos, &budget), 1);
	second = (size_t)(strstr(text, "-----BEGIN OPENSSH") - text);
	cr_assert_eq(k.start, second);
	cr_assert_eq(lsc_keys_next_pem(&k, (const uint8_t *)text, strlen(text), &pos, &budget), 0);
	cr_assert_eq(pos, strlen(text));
	pos = 0;
	budget = 1;
	lsc_keys_next_pem(&k, (const uint8_t *)text, strlen(text), &pos, &budget);
	cr_assert_eq(budget, 0);
	cr_assert_eq(lsc_keys_next_pem(&k, (const uint8_t *)text, strlen(text), &pos, &budget), 0,
		     "no budget left");
	pos = 0;
	budget = 8;
	cr_assert_eq(lsc_keys_next_putty(&k, (const uint8_t *)text, strlen(text), &pos, &budget),
		     1);
	cr_assert_eq(k.start, (size_t)(strstr(text, "PuTTY-User") - text));
	/* a PuTTY header inside a line is prose, not a key file */
	snprintf(text, sizeof(text), "see %s", putty_v3);
	pos = 0;
	cr_assert_eq(lsc_keys_next_putty(&k, (const uint8_t *)text, strlen(text), &pos, &budget),
		     0);
}

/* Bounds: a block longer than LSC_KEYS_BLOCK_MAX is not read; END past it is not found. */
Test(keys, pem_block_bound)
{
	size_t fill = LSC_KEYS_BLOCK_MAX, n;
	char *t = malloc(fill + 128);
	struct lsc_keys_block k;

	n = (size_t)sprintf(t, "-----BEGIN PRIVATE KEY-----\n");
	memset(t + n, 'A', fill);
	strcpy(t + n + fill, "\n-----END PRIVATE KEY-----\n");
	cr_assert_eq(lsc_keys_pem_parse(&k, (const uint8_t *)t, strlen(t), 0), 0);
	cr_assert_eq(k.end, 0);
	cr_assert_not(k.holds);
	free(t);
	/* a marker cut anywhere is no block */
	for (size_t cut = 0; cut < strlen(ec_sec1) - 1; cut++) {
		cr_assert_eq(lsc_keys_pem_parse(&k, (const uint8_t *)ec_sec1, cut, 0), 0);
		cr_assert_not(k.holds, "cut at %zu", cut);
	}
}

/* Found by fuzz_keys: sections in another order, the later one broken: no key, not encrypted. */
Test(keys, putty_that_fails_late_is_not_encrypted)
{
	static const char t[] = "PuTTY-User-Key-File-3: ssh-ed25519\n"
				"Encryption: aes256-cbc\n"
				"Private-Lines: 1\n"
				"AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTdAAAAAAAAAAAAAAAA\n"
				"Public-Lines: 1\n"
				"<public key>\n";
	struct lsc_keys_block k;

	cr_assert_eq(lsc_keys_putty_parse(&k, (const uint8_t *)t, strlen(t), 0), 0);
	cr_assert_not(k.holds);
	cr_assert_not(k.encrypted);
	cr_assert_str_eq(k.desc, "");
}

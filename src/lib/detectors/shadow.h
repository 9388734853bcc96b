/*
 * passwd(5) and shadow(5) text as an image ships it: hostile bytes (no NUL terminator, NUL bytes
 * inside, CRLF, lines of any length, missing fields, non-numeric uids). The parsers take a
 * length, never allocate and never write into the text: every field they hand out is a borrowed
 * slice of it. The password classifier says which crypt(5) scheme a password field uses, and
 * lsc_shadow_guess() tries a short list of well-known passwords against a hash with libxcrypt.
 */
#ifndef LSC_LIB_SHADOW_H
#define LSC_LIB_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One account line; the slices point into the text given to lsc_shadow_foreach(). */
struct lsc_shadow_entry {
	const char *name; /* never empty */
	size_t name_len;
	const char *password; /* the second field; may be empty */
	size_t password_len;
	int64_t uid; /* passwd only: the third field; -1 when absent, not digits or over 2^32-1 */
	long line;   /* 1-based */
};

/*
 * The callback returns 0 to go on, or a negative code to stop the walk (returned by
 * lsc_shadow_foreach).
 */
typedef int (*lsc_shadow_entry_cb)(const struct lsc_shadow_entry *e, void *payload);

/*
 * Calls cb for each account line of the n bytes of passwd (passwd true) or shadow text, in
 * order. Lines end at "\n"; a "\r" before it is dropped. Skipped, as libc's files backend
 * and pam_unix never treat them as accounts: lines with no ':' or an empty name, comments
 * ('#') and NIS compat lines ('+' or '-' first). When partial is true the text is a prefix of a
 * longer file, so its last line, which may be cut, is skipped unless it ends with "\n".
 * Returns 0 or the callback's code.
 */
int lsc_shadow_foreach(const char *text, size_t n, bool passwd, bool partial,
		       lsc_shadow_entry_cb cb, void *payload);

enum lsc_shadow_scheme {
	LSC_SHADOW_EMPTY = 0,	  /* "": no password at all */
	LSC_SHADOW_LOCKED,	  /* starts with '!' or '*': "!", "!!", "*", "!$6$...", "*LK*" */
	LSC_SHADOW_SEE_SHADOW,	  /* "x": in passwd, see shadow; in shadow, as good as locked */
	LSC_SHADOW_INVALID,	  /* fits no crypt output: no password can match it */
	LSC_SHADOW_DES,		  /* 13 chars of [./0-9A-Za-z] */
	LSC_SHADOW_BSDI,	  /* "_" + 4 count + 4 salt + 11 hash */
	LSC_SHADOW_MD5,		  /* $1$ */
	LSC_SHADOW_NT,		  /* $3$ */
	LSC_SHADOW_BCRYPT_OLD,	  /* $2$ */
	LSC_SHADOW_BCRYPT_X,	  /* $2x$: the buggy sign-extension variant */
	LSC_SHADOW_BCRYPT,	  /* $2a$ $2b$ $2y$ */
	LSC_SHADOW_SHA1,	  /* $sha1$ (NetBSD) */
	LSC_SHADOW_SHA256,	  /* $5$ */
	LSC_SHADOW_SHA512,	  /* $6$ */
	LSC_SHADOW_YESCRYPT,	  /* $y$ */
	LSC_SHADOW_GOST_YESCRYPT, /* $gy$ */
	LSC_SHADOW_SCRYPT,	  /* $7$ */
	LSC_SHADOW_SUNMD5,	  /* $md5$ or $md5,rounds=N$ */
	LSC_SHADOW_UNKNOWN,	  /* "$id$..." with an id none of the above */
	LSC_SHADOW_NSCHEMES
};

struct lsc_shadow_hash {
	enum lsc_shadow_scheme scheme;
	/*
	 * The scheme's cost parameter as written, UINT64_MAX when it does not parse: rounds for
	 * SHA256, SHA512 (5000 when absent), SHA1, SUNMD5 (extra rounds, 0 when absent), the
	 * iteration count for BSDI, log2 rounds for bcrypt, log2 N for yescrypt, gost-yescrypt
	 * and scrypt. 0 for the other schemes.
	 */
	uint64_t cost;
};

/* Classifies the n bytes of a password field. Never fails. */
void lsc_shadow_classify(struct lsc_shadow_hash *out, const char *field, size_t n);

/* "sha512", "md5", ... for a scheme; static. */
const char *lsc_shadow_scheme_name(enum lsc_shadow_scheme s);

/*
 * A scheme that must not protect an account today: DES, BSDi, MD5, NT, bcrypt $2$ and $2x$,
 * SHA1 (NetBSD), sunmd5, and unknown schemes (nothing vouches for them).
 */
bool lsc_shadow_scheme_weak(enum lsc_shadow_scheme s);

/*
 * What one crypt() of this hash costs, in units of about 0.1 ms of CPU, or 0 when
 * lsc_shadow_guess() does not try it: a lock, an empty or invalid field, scrypt (64 MiB and half
 * a second at its default), and any hash whose cost parameter is above its scheme's default
 * (sha-crypt rounds > 5000, bcrypt cost > 12, yescrypt N > 2^12 or r > 32, BSDi count > 5000,
 * sunmd5 extra rounds, sha1crypt rounds > 50000). Each of them costs an attacker the same,
 * so what is cheap for us to try is what is cheap to crack.
 */
unsigned lsc_shadow_guess_cost(const struct lsc_shadow_hash *h);

/* How many passwords lsc_shadow_guess() tries at most (the list, plus the account's name). */
size_t lsc_shadow_guess_tries(void);

/*
 * Tries each well-known password (and the account's name, name_len bytes) against the n-byte
 * hash with crypt_rn(). Returns 1 with *out set to the password (static, or "(the account's
 * name)") on a match, 0 on none, or a negative code (-ENOMEM). The hash must be one that
 * lsc_shadow_guess_cost() prices above 0; others return 0 untried.
 */
int lsc_shadow_guess(const char **out, const char *hash, size_t n, const char *name,
		     size_t name_len);

#endif

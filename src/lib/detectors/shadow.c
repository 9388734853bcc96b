/*
 * passwd and shadow text, the way glibc's files backend and pam_unix read it, from bytes an image
 * controls. Nothing here allocates per byte or per line: fields are slices of the caller's text.
 */
#include "shadow.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- lines and fields ----------------------------------------------------------------------- */

/* The field after the ':' at *p, up to the next ':' or end; *p moves past it. */
static void next_field(const char **f, size_t *flen, const char **p, const char *end)
{
	const char *c = memchr(*p, ':', (size_t)(end - *p));

	*f = *p;
	*flen = (size_t)((c ? c : end) - *p);
	*p = c ? c + 1 : end;
}

/* The uid field of passwd: digits only, at most 2^32 - 1 (uid_t), else -1. */
static int64_t parse_uid(const char *s, size_t n)
{
	int64_t v = 0;

	if (n == 0 || n > 20) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
		if (v > (int64_t)UINT32_MAX) {
			return -1;
		}
	}
	return v;
}

int lsc_shadow_foreach(const char *text, size_t n, bool passwd, bool partial,
		       lsc_shadow_entry_cb cb, void *payload)
{
	const char *p = text, *end = text + n;
	long line = 0;
	int rc;

	if (!text) {
		return 0;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		const char *q = p, *colon;
		struct lsc_shadow_entry e = {.uid = -1};
		const char *f;
		size_t flen;

		line++;
		if (!eol && partial) {
			break; /* cut by the prefix bound: its fields may be cut too */
		}
		if (le > p && le[-1] == '\r') {
			le--;
		}
		p = eol ? eol + 1 : end;
		colon = memchr(q, ':', (size_t)(le - q));
		if (!colon || colon == q || *q == '#' || *q == '+' || *q == '-') {
			continue;
		}
		e.name = q;
		e.name_len = (size_t)(colon - q);
		e.line = line;
		q = colon + 1;
		next_field(&e.password, &e.password_len, &q, le);
		if (passwd) {
			/* fewer fields still name an account for pam; its uid is unknown */
			if (e.password + e.password_len < le) {
				next_field(&f, &flen, &q, le);
				e.uid = parse_uid(f, flen);
			}
		}
		rc = cb(&e, payload);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* --- the classifier ------------------------------------------------------------------------- */

/* The value of a crypt base-64 character, or -1. */
static int a64(char c)
{
	if (c == '.') {
		return 0;
	}
	if (c == '/') {
		return 1;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 2;
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 12;
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 38;
	}
	return -1;
}

static bool all_a64(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a64(s[i]) < 0) {
			return false;
		}
	}
	return true;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* Decimal digits at s (up to end) as a number; UINT64_MAX when none or too long. */
static uint64_t decimal(const char *s, const char *end)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; s + i < end && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= 12) {
			return UINT64_MAX; /* above any scheme's range: do not bother */
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return i == 0 ? UINT64_MAX : v;
}

/* sha-crypt: "$5$[rounds=N$]salt$hash"; glibc's default is 5000 when rounds= is absent. */
static uint64_t sha_rounds(const char *s, size_t n)
{
	const char *end = s + n;

	if (!starts(s + 3, n - 3, "rounds=")) {
		return 5000;
	}
	return decimal(s + 10, end);
}

/*
 * yescrypt "$y$PARAMS$salt$hash": PARAMS is "j" (the flavour), one char for log2 N - 1 and one
 * for r - 1 at libxcrypt's costs 1 to 11 ("j9T" is the default, cost 5: N 2^12, r 32). Longer
 * params (p, t, g, ROM) are not what any distribution writes: UINT64_MAX, so never tried.
 */
static uint64_t yescrypt_cost(const char *params, const char *end)
{
	int nl, r;

	if (end - params < 4 || params[0] != 'j' || params[3] != '$') {
		return UINT64_MAX;
	}
	nl = a64(params[1]);
	r = a64(params[2]);
	if (nl < 0 || r < 0 || r > a64('T')) {
		return UINT64_MAX;
	}
	return (uint64_t)nl + 1;
}

static void classify_dollar(struct lsc_shadow_hash *out, const char *s, size_t n)
{
	const char *end = s + n;

	out->scheme = LSC_SHADOW_UNKNOWN;
	if (starts(s, n, "$1$")) {
		out->scheme = LSC_SHADOW_MD5;
	} else if (starts(s, n, "$3$")) {
		out->scheme = LSC_SHADOW_NT;
	} else if (starts(s, n, "$2$")) {
		out->scheme = LSC_SHADOW_BCRYPT_OLD;
		out->cost = decimal(s + 3, end);
	} else if (starts(s, n, "$2a$") || starts(s, n, "$2b$") || starts(s, n, "$2y$")) {
		out->scheme = LSC_SHADOW_BCRYPT;
		out->cost = decimal(s + 4, end);
	} else if (starts(s, n, "$2x$")) {
		out->scheme = LSC_SHADOW_BCRYPT_X;
		out->cost = decimal(s + 4, end);
	} else if (starts(s, n, "$5$")) {
		out->scheme = LSC_SHADOW_SHA256;
		out->cost = sha_rounds(s, n);
	} else if (starts(s, n, "$6$")) {
		out->scheme = LSC_SHADOW_SHA512;
		out->cost = sha_rounds(s, n);
	} else if (starts(s, n, "$y$")) {
		out->scheme = LSC_SHADOW_YESCRYPT;
		out->cost = yescrypt_cost(s + 3, end);
	} else if (starts(s, n, "$gy$")) {
		out->scheme = LSC_SHADOW_GOST_YESCRYPT;
		out->cost = yescrypt_cost(s + 4, end);
	} else if (starts(s, n, "$7$")) {
		out->scheme = LSC_SHADOW_SCRYPT;
		out->cost = n > 3 && a64(s[3]) >= 0 ? (uint64_t)a64(s[3]) : UINT64_MAX;
	} else if (starts(s, n, "$md5$")) {
		out->scheme = LSC_SHADOW_SUNMD5;
	} else if (starts(s, n, "$md5,rounds=")) {
		out->scheme = LSC_SHADOW_SUNMD5;
		out->cost = decimal(s + 12, end);
	} else if (starts(s, n, "$sha1$")) {
		out->scheme = LSC_SHADOW_SHA1;
		out->cost = decimal(s + 6, end);
	}
}

void lsc_shadow_classify(struct lsc_shadow_hash *out, const char *field, size_t n)
{
	out->scheme = LSC_SHADOW_INVALID;
	out->cost = 0;
	if (n == 0) {
		out->scheme = LSC_SHADOW_EMPTY;
	} else if (field[0] == '!' || field[0] == '*') {
		out->scheme = LSC_SHADOW_LOCKED;
	} else if (n == 1 && field[0] == 'x') {
		out->scheme = LSC_SHADOW_SEE_SHADOW;
	} else if (field[0] == '$') {
		classify_dollar(out, field, n);
	} else if (field[0] == '_' && n == 20 && all_a64(field + 1, 19)) {
		out->scheme = LSC_SHADOW_BSDI;
		out->cost = (uint64_t)a64(field[1]) | (uint64_t)a64(field[2]) << 6 |
			    (uint64_t)a64(field[3]) << 12 | (uint64_t)a64(field[4]) << 18;
	} else if (n == 13 && all_a64(field, 13)) {
		out->scheme = LSC_SHADOW_DES;
	}
}

static const char *const scheme_names[LSC_SHADOW_NSCHEMES] = {
    [LSC_SHADOW_EMPTY] = "empty",
    [LSC_SHADOW_LOCKED] = "locked",
    [LSC_SHADOW_SEE_SHADOW] = "shadowed",
    [LSC_SHADOW_INVALID] = "invalid",
    [LSC_SHADOW_DES] = "des",
    [LSC_SHADOW_BSDI] = "bsdi-des",
    [LSC_SHADOW_MD5] = "md5",
    [LSC_SHADOW_NT] = "nt",
    [LSC_SHADOW_BCRYPT_OLD] = "bcrypt-2",
    [LSC_SHADOW_BCRYPT_X] = "bcrypt-2x",
    [LSC_SHADOW_BCRYPT] = "bcrypt",
    [LSC_SHADOW_SHA1] = "sha1crypt",
    [LSC_SHADOW_SHA256] = "sha256",
    [LSC_SHADOW_SHA512] = "sha512",
    [LSC_SHADOW_YESCRYPT] = "yescrypt",
    [LSC_SHADOW_GOST_YESCRYPT] = "gost-yescrypt",
    [LSC_SHADOW_SCRYPT] = "scrypt",
    [LSC_SHADOW_SUNMD5] = "sunmd5",
    [LSC_SHADOW_UNKNOWN] = "unknown",
};

const char *lsc_shadow_scheme_name(enum lsc_shadow_scheme s)
{
	return (unsigned)s < LSC_SHADOW_NSCHEMES ? scheme_names[s] : "unknown";
}

bool lsc_shadow_scheme_weak(enum lsc_shadow_scheme s)
{
	switch (s) {
	case LSC_SHADOW_DES:
	case LSC_SHADOW_BSDI:
	case LSC_SHADOW_MD5:
	case LSC_SHADOW_NT:
	case LSC_SHADOW_BCRYPT_OLD:
	case LSC_SHADOW_BCRYPT_X:
	case LSC_SHADOW_SHA1:
	case LSC_SHADOW_SUNMD5:
	case LSC_SHADOW_UNKNOWN:
		return true;
	default:
		return false;
	}
}

/* --- guessing ------------------------------------------------------------------------------- */

/*
 * Passwords that images get from Dockerfiles ("echo root:root | chpasswd") and base-image
 * defaults; "" is a hash of the empty password, which logs in like an empty field does.
 */
static const char *const guesses[] = {
    "",	      "root", "toor",	"password", "admin",  "changeme", "123456", "12345678",
    "docker", "test", "secret", "letmein",  "qwerty", "ubuntu",	  "pass",
};

#define NGUESSES (sizeof(guesses) / sizeof(guesses[0]))
#define NAME_GUESS_MAX 64 /* a longer account name is not tried as its own password */

static bool in_list(const char *w)
{
	for (size_t i = 0; i < NGUESSES; i++) {
		if (strcmp(guesses[i], w) == 0) {
			return true;
		}
	}
	return false;
}

size_t lsc_shadow_guess_tries(void)
{
	return NGUESSES + 1;
}

unsigned lsc_shadow_guess_cost(const struct lsc_shadow_hash *h)
{
	/* measured on a 2020s x86-64 core; the units only need to be right within a factor 2 */
	switch (h->scheme) {
	case LSC_SHADOW_DES:
	case LSC_SHADOW_MD5:
	case LSC_SHADOW_NT:
		return 1;
	case LSC_SHADOW_BSDI:
		return h->cost <= 5000 ? 1 + (unsigned)(h->cost / 1000) : 0;
	case LSC_SHADOW_SHA256:
	case LSC_SHADOW_SHA512:
		return h->cost <= 5000 ? 2 + (unsigned)(h->cost / 400) : 0;
	case LSC_SHADOW_BCRYPT:
	case LSC_SHADOW_BCRYPT_X:
		/* cost 5: 1.8 ms, doubling with each step; glibc-era tools default to 5 to 12 */
		if (h->cost < 4 || h->cost > 12) {
			return 0;
		}
		return h->cost == 4 ? 9 : 18u << (h->cost - 5);
	case LSC_SHADOW_YESCRYPT:
	case LSC_SHADOW_GOST_YESCRYPT:
		/* the default ("j9T", N 2^12) takes 60 ms: halve per step of N below it */
		return h->cost >= 1 && h->cost <= 12 ? 1 + (600u >> (12 - h->cost)) : 0;
	case LSC_SHADOW_SUNMD5:
		return h->cost == 0 ? 60 : 0; /* 4096 rounds */
	case LSC_SHADOW_SHA1:
		return h->cost <= 50000 ? 1 + (unsigned)(h->cost / 170) : 0;
	default:
		return 0;
	}
}

int lsc_shadow_guess(const char **out, const char *hash, size_t n, const char *name,
		     size_t name_len)
{
	struct lsc_shadow_hash h;
	struct crypt_data *cd = NULL;
	char setting[CRYPT_OUTPUT_SIZE];
	char word[NAME_GUESS_MAX + 1];
	int rc = 0;

	*out = NULL;
	lsc_shadow_classify(&h, hash, n);
	/* crypt_rn takes the whole hash as its setting and a NUL-terminated string */
	if (lsc_shadow_guess_cost(&h) == 0 || n >= sizeof(setting) || memchr(hash, 0, n)) {
		return 0;
	}
	memcpy(setting, hash, n);
	setting[n] = 0;
	/* 32 KiB: too large for the stack of a layer thread that already holds a walk */
	cd = calloc(1, sizeof(*cd));
	if (!cd) {
		return -ENOMEM;
	}
	for (size_t i = 0; i <= NGUESSES && rc == 0; i++) {
		const char *pw = i < NGUESSES ? guesses[i] : NULL;
		const char *res;

		if (!pw) {
			if (name_len == 0 || name_len > NAME_GUESS_MAX ||
			    memchr(name, 0, name_len)) {
				break;
			}
			memcpy(word, name, name_len);
			word[name_len] = 0;
			pw = word;
			if (in_list(word)) {
				break; /* tried already */
			}
		}
		res = crypt_rn(pw, setting, cd, (int)sizeof(*cd));
		/* a failed crypt_rn returns NULL or a "*" string that no hash equals */
		if (res && res[0] != '*' && strlen(res) == n && memcmp(res, setting, n) == 0) {
			*out = i < NGUESSES ? guesses[i] : "(the account's name)";
			rc = 1;
		}
	}
	free(cd);
	return rc;
}

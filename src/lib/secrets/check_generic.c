/*
 * The generic check, for values a generic assignment rule found (password = ..., token: ...):
 * not a placeholder, a number, a keyword, an identifier, a path, a code lookup, a reference into
 * a secret manager, a type name or a UUID, and random enough when short. Also the entropy every
 * rule's min_entropy uses. Pure functions over n bytes that may hold anything.
 */
#include "check_generic.h"
#include "check_url.h"
#include "placeholder.h"
#include "util/ascii.h"
#include "words.h"

#include <stdint.h>
#include <string.h>

/* ---- entropy ---- */

/*
 * log2(x) for x >= 1 without libm, which the library does not link: halve x into [1, 2), then
 * ln(m) = 2 atanh((m - 1) / (m + 1)), whose series converges fast there (|y| <= 1/3).
 */
static double log2_of(double x)
{
	double y, y2, term, sum = 0.0;
	int e = 0;

	while (x >= 2.0) {
		x /= 2.0;
		e++;
	}
	y = (x - 1.0) / (x + 1.0);
	y2 = y * y;
	term = y;
	for (int k = 0; k < 40; k++) {
		sum += term / (double)(2 * k + 1);
		term *= y2;
	}
	return (double)e + 2.0 * sum / 0.69314718055994530942;
}

/* H = log2(n) - (1/n) sum(c log2 c), over byte counts c: no division inside the logarithms. */
double lsc_secret_entropy(const char *s, size_t n)
{
	size_t counts[256] = {0};
	double sum = 0.0, h;

	if (!s || n == 0) {
		return 0.0;
	}
	for (size_t i = 0; i < n; i++) {
		counts[(unsigned char)s[i]]++;
	}
	for (size_t c = 0; c < 256; c++) {
		if (counts[c] > 1) {
			sum += (double)counts[c] * log2_of((double)counts[c]);
		}
	}
	h = log2_of((double)n) - sum / (double)n;
	return h < 0.0 ? 0.0 : h;
}

/* ---- generic ---- */

/*
 * A number as code and config write them: [+-]digits, groups joined by single '.', '_' or ','
 * (3.14, 1_000_000, 1.2.3, 10.0.0.1), an optional exponent. Not hex: 12e4e567 is no number.
 */
static bool number_like(const char *p, size_t n)
{
	size_t i = 0;

	if (i < n && (p[i] == '+' || p[i] == '-')) {
		i++;
	}
	for (;;) {
		size_t start = i;

		while (i < n && lsc_ascii_is_digit((unsigned char)p[i])) {
			i++;
		}
		if (i == start) {
			return false;
		}
		if (i < n && (p[i] == '.' || p[i] == '_' || p[i] == ',')) {
			i++;
			continue;
		}
		break;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t start;

		i++;
		if (i < n && (p[i] == '+' || p[i] == '-')) {
			i++;
		}
		start = i;
		while (i < n && lsc_ascii_is_digit((unsigned char)p[i])) {
			i++;
		}
		if (i == start) {
			return false;
		}
	}
	return i == n;
}

static bool keyword_value(const char *p, size_t n)
{
	static const char *const words[] = {"true", "false", "yes",   "no",   "on",
					    "off",  "null",  "nil",   "none", "undefined",
					    "nan",  "inf",   "empty", NULL};

	return lsc_words_in_list(p, n, words);
}

/*
 * An identifier as code names things: alphanumerics joined by '_', '-' or '.' or camelCase,
 * at most 5 words that are all wordlike, digits only as the last word. "currentPassword",
 * "password_hash", "getToken", "DB_PASSWORD2", "hunter".
 */
static bool code_identifier(const char *p, size_t n)
{
	struct lsc_words_span words[LSC_WORDS_MAX];
	size_t count, abbrevs = 0;
	bool long_word = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!lsc_ascii_is_alnum(c) && c != '_' && c != '-' && c != '.') {
			return false;
		}
	}
	count = lsc_words_split(words, LSC_WORDS_MAX, p, n);
	if (count == 0 || count > 5) {
		return false;
	}
	for (size_t k = 0; k < count; k++) {
		const char *w = p + words[k].off;
		size_t wl = words[k].len;

		if (lsc_ascii_is_digit((unsigned char)w[0])) {
			if (k + 1 < count || wl > 8) {
				return false;
			}
		} else if (lsc_words_wordlike(w, wl)) {
			/* A real word anchors abbreviations; an acronym (all capitals) does not. */
			long_word =
			    long_word ||
			    (wl >= 4 && (lsc_ascii_is_lower((unsigned char)w[1]) || wl > 4));
		} else {
			abbrevs++;
			if (wl < 2 || wl > 3 || abbrevs > 2 || !lsc_words_english_pairs(w, wl)) {
				return false;
			}
		}
	}
	/* Abbreviations (db, cfg, pwd) count only next to a real word: "dbPassword", "cfg_path". */
	for (size_t k = 0; k < count && !long_word; k++) {
		const char *w = p + words[k].off;

		if (!lsc_ascii_is_digit((unsigned char)w[0]) &&
		    !lsc_words_wordlike(w, words[k].len)) {
			return false;
		}
	}
	return true;
}

/* A path: /x, ./x, ../x, ~/x or C:\x, each component made of words ("/run/secrets/db_pass"). */
static bool path_like(const char *p, size_t n)
{
	size_t i = 0;

	if (lsc_ascii_has_prefix(p, n, "./") || lsc_ascii_has_prefix(p, n, "~/")) {
		i = 2;
	} else if (lsc_ascii_has_prefix(p, n, "../")) {
		i = 3;
	} else if (n >= 3 && lsc_ascii_is_alpha((unsigned char)p[0]) && p[1] == ':' &&
		   (p[2] == '\\' || p[2] == '/')) {
		i = 3;
	} else if (n >= 2 && p[0] == '/') {
		i = 1;
	} else {
		return false;
	}
	while (i < n) {
		size_t start = i;
		struct lsc_words_span words[LSC_WORDS_MAX];
		size_t count;

		while (i < n && p[i] != '/' && p[i] != '\\') {
			i++;
		}
		if (i > start) {
			for (size_t k = start; k < i; k++) {
				unsigned char c = (unsigned char)p[k];

				if (!lsc_ascii_is_alnum(c) && c != '.' && c != '_' && c != '-' &&
				    c != '@') {
					return false;
				}
			}
			count = lsc_words_split(words, LSC_WORDS_MAX, p + start, i - start);
			if (count > LSC_WORDS_MAX) {
				return false;
			}
			for (size_t k = 0; k < count; k++) {
				const char *w = p + start + words[k].off;
				size_t wl = words[k].len;

				/* Short names like etc, usr, ssl, db, id_rsa's "rsa" are fine. */
				if (!lsc_words_wordlike(w, wl) && !(wl >= 2 && wl <= 3)) {
					return false;
				}
			}
		}
		i++;
	}
	return true;
}

/*
 * Code that fetches the secret instead of holding it: calls (getPassword(), vault.read("x"),
 * Secret::get(...)), member chains (this.password, settings.SECRET_KEY, $this->token) with
 * optional subscripts (request.form['password']), @ivars and :symbols.
 */
static bool code_lookup(const char *p, size_t n)
{
	struct lsc_words_span words[LSC_WORDS_MAX];
	size_t i = 0, parts = 0;
	bool sep = false;

	if (n >= 2 && (p[0] == '@' || p[0] == ':') && lsc_words_identifier(p + 1, n - 1)) {
		return true;
	}
	if (n >= 2 && p[0] == '$') {
		i = 1;
	}
	while (i < n) {
		size_t start = i;

		while (i < n && (lsc_ascii_is_ident((unsigned char)p[i]) || p[i] == '$')) {
			i++;
		}
		if (i == start || !lsc_ascii_is_ident_start((unsigned char)p[start])) {
			return false;
		}
		if (!lsc_words_wordy(words, p + start, i - start)) {
			return false;
		}
		parts++;
		if (i < n && p[i] == '.') {
			i++;
		} else if (i + 1 < n &&
			   ((p[i] == '-' && p[i + 1] == '>') || (p[i] == ':' && p[i + 1] == ':'))) {
			i += 2;
		} else {
			break;
		}
		sep = true;
	}
	if (i == n) {
		return sep && parts >= 2;
	}
	/* What follows the chain: (...) and [...] groups, then an optional ';' or ','. */
	while (i < n && (p[i] == '(' || p[i] == '[')) {
		char close = p[i] == '(' ? ')' : ']';
		const char *c = memchr(p + i, close, n - i);

		if (!c) {
			return false;
		}
		i = (size_t)(c - p) + 1;
	}
	if (i < n && (p[i] == ';' || p[i] == ',')) {
		i++;
	}
	return i == n && (p[n - 1] == ')' || p[n - 1] == ']' || p[n - 1] == ';' || p[n - 1] == ',');
}

/* A pointer into a secret manager, not the secret: vault:..., arn:aws:..., op://... */
static bool secret_reference(const char *p, size_t n)
{
	static const char *const prefixes[] = {
	    "vault:",  "arn:aws:", "arn:aws-",	      "op://",	   "ssm:",
	    "ssm://",  "sm://",	   "gsm://",	      "awssm:",	   "akv://",
	    "azkv://", "ref+",	   "secretsmanager:", "projects/", NULL};

	for (size_t i = 0; prefixes[i]; i++) {
		if (lsc_ascii_prefix_nocase(p, n, prefixes[i])) {
			return true;
		}
	}
	return false;
}

/* Optional chaining or a call: the value is code (config?.x, getKey()), not a literal. */
static bool code_expression(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if ((p[i] == '?' && p[i + 1] == '.') || (p[i] == '(' && i > 0)) {
			return true;
		}
	}
	return false;
}

/*
 * A type name made of capitalised words and digits (Uint8Array, HttpHeaders, Int32List): what a
 * typed declaration (`SECRET: Uint8Array;`) puts where a value would be.
 */
static bool type_name(const char *p, size_t n)
{
	size_t i = 0, words = 0;

	while (i < n) {
		if (p[i] >= 'A' && p[i] <= 'Z') {
			size_t k = i + 1;

			while (k < n && p[k] >= 'a' && p[k] <= 'z') {
				k++;
			}
			if (k - i < 3) {
				return false; /* a capital needs a lowercase word after it */
			}
			words++;
			i = k;
		} else if (p[i] >= '0' && p[i] <= '9' && i > 0) {
			i++;
		} else {
			return false;
		}
	}
	return words >= 2;
}

/*
 * A UUID, 8-4-4-4-12 hex digits in any case: an identifier (AWS's ChangeToken, request and
 * resource ids, idempotency keys), never a generic secret: a provider whose secrets have this
 * shape needs a rule of its own, keyed on the provider's name.
 */
static bool uuid_like(const char *p, size_t n)
{
	if (n != 36) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (p[i] != '-') {
				return false;
			}
		} else if (!lsc_ascii_is_hex((unsigned char)p[i])) {
			return false;
		}
	}
	return true;
}

int lsc_check_generic(const char *s, size_t n)
{
	const char *p = s;

	lsc_ascii_trim_quotes(&p, &n);
	if (n == 0 || lsc_placeholder_is(p, n)) {
		return 0;
	}
	if (n < 20 && lsc_secret_entropy(p, n) < 2.5) {
		return 0;
	}
	if (uuid_like(p, n) || number_like(p, n) || keyword_value(p, n) || code_identifier(p, n) ||
	    path_like(p, n) || code_lookup(p, n) || secret_reference(p, n) ||
	    code_expression(p, n) || type_name(p, n)) {
		return 0;
	}
	if (lsc_check_url_scheme(p, n) > 0) {
		return lsc_check_url_password(p, n);
	}
	return 1;
}

/*
 * placeholder: the one test of "this value only stands for a secret", asked by the secret engine,
 * the secret checks, the sensitive-file detector and the policy's examples. Pure functions over
 * bytes; ASCII only, never the locale's ctype.
 */
#include "placeholder.h"
#include "util/ascii.h"
#include "words.h"

#include <string.h>

/* b follows a in the alphabet or the digits (9 then 0), either case, ascending. */
static bool seq_next(unsigned char a, unsigned char b)
{
	a = lsc_ascii_to_lower(a);
	b = lsc_ascii_to_lower(b);
	if (lsc_ascii_is_digit(a) && lsc_ascii_is_digit(b)) {
		return b == (a == '9' ? '0' : a + 1);
	}
	return lsc_ascii_is_lower(a) && lsc_ascii_is_lower(b) && b == a + 1;
}

/*
 * Covered by at most 3 runs of 3 or more consecutive characters of the alphabet, the digits or
 * a keyboard row, forwards or backwards: 123456789, abcdef, abc123, qwerty, 987654.
 */
static bool sequence(const char *p, size_t n)
{
	static const char *const seqs[] = {"abcdefghijklmnopqrstuvwxyz",
					   "zyxwvutsrqponmlkjihgfedcba",
					   "01234567890",
					   "09876543210",
					   "qwertyuiop",
					   "poiuytrewq",
					   "asdfghjkl",
					   "lkjhgfdsa",
					   "zxcvbnm",
					   "mnbvcxz",
					   NULL};
	size_t i = 0, runs = 0;

	if (n < 6) {
		return false;
	}
	while (i < n) {
		size_t best = 0;

		for (size_t k = 0; seqs[k]; k++) {
			size_t sl = strlen(seqs[k]);

			for (size_t s = 0; s < sl; s++) {
				size_t l = 0;

				while (i + l < n && s + l < sl &&
				       lsc_ascii_to_lower((unsigned char)p[i + l]) ==
					   (unsigned char)seqs[k][s + l]) {
					l++;
				}
				if (l > best) {
					best = l;
				}
			}
		}
		if (best < 3 || ++runs > 3) {
			return false;
		}
		i += best;
	}
	return true;
}

/*
 * Runs of 4 or more consecutive characters make up more than 60% of a value of 12 or more:
 * "ghp_abcdefghijklmnopqrstuvwxyz1234567890" behind its prefix.
 */
static bool mostly_sequences(const char *p, size_t n)
{
	size_t covered = 0, i = 0;

	if (n < 12) {
		return false;
	}
	while (i < n) {
		size_t l = 1;

		while (i + l < n &&
		       seq_next((unsigned char)p[i + l - 1], (unsigned char)p[i + l])) {
			l++;
		}
		if (l >= 4) {
			covered += l;
		}
		i += l;
	}
	return covered * 10 > n * 6;
}

/* Runs of 4+ of x/X, *, ., 0 or # (masks and fill) make up more than half of the value. */
static bool masked(const char *p, size_t n)
{
	size_t covered = 0, i = 0;

	while (i < n) {
		unsigned char c = lsc_ascii_to_lower((unsigned char)p[i]);
		size_t l = 1;

		while (i + l < n && lsc_ascii_to_lower((unsigned char)p[i + l]) == c) {
			l++;
		}
		if (l >= 4 && (c == 'x' || c == '*' || c == '.' || c == '0' || c == '#')) {
			covered += l;
		}
		i += l;
	}
	return covered * 2 > n;
}

static bool low_diversity(const char *p, size_t n)
{
	bool seen[256] = {false};
	size_t distinct = 0;

	for (size_t i = 0; i < n; i++) {
		if (!seen[(unsigned char)p[i]]) {
			seen[(unsigned char)p[i]] = true;
			distinct++;
		}
	}
	return distinct <= 1 || (n >= 4 && distinct <= 2) || (n >= 8 && distinct <= 3);
}

/* Variables and templates: ${X}, $X, $(cmd), {{ x }}, #{x}, {x}, %(x)s, %s, %X%, @X@, <x>, [x]. */
static bool template_value(const char *p, size_t n)
{
	const char *q;

	if ((p[0] == '<' && p[n - 1] == '>') || (p[0] == '[' && p[n - 1] == ']')) {
		return true;
	}
	if (lsc_ascii_find(p, n, "${", false) || lsc_ascii_find(p, n, "{{", false) ||
	    lsc_ascii_find(p, n, "$(", false) || lsc_ascii_find(p, n, "#{", false) ||
	    lsc_ascii_find(p, n, "%s", false) || lsc_ascii_find(p, n, "%v", false)) {
		return true;
	}
	if (p[0] == '$' && lsc_words_identifier(p + 1, n - 1)) {
		return true;
	}
	if (n >= 3 && ((p[0] == '%' && p[n - 1] == '%') || (p[0] == '@' && p[n - 1] == '@')) &&
	    lsc_words_identifier(p + 1, n - 2)) {
		return true;
	}
	if (n >= 5 && lsc_ascii_has_prefix(p, n, "__") && lsc_ascii_has_suffix(p, n, "__") &&
	    lsc_words_identifier(p, n)) {
		return true;
	}
	for (q = p; q < p + n; q++) {
		const char *r = q + 1;

		if (*q == '%' && r < p + n && *r == '(') {
			r++;
			while (r < p + n && (lsc_ascii_is_ident((unsigned char)*r) || *r == '.')) {
				r++;
			}
			if (r + 1 < p + n && r[0] == ')' &&
			    lsc_ascii_is_alpha((unsigned char)r[1])) {
				return true;
			}
		}
		if (*q == '{') {
			while (r < p + n && (lsc_ascii_is_ident((unsigned char)*r) || *r == '.' ||
					     *r == ' ' || *r == ':')) {
				r++;
			}
			if (r < p + n && *r == '}') {
				return true;
			}
		}
	}
	return false;
}

static bool env_lookup(const char *p, size_t n)
{
	static const char *const exact[] = {"os.environ",
					    "process.env",
					    "ENV[",
					    "ENV.fetch",
					    "Environment.GetEnvironmentVariable",
					    "$_ENV[",
					    "$ENV{",
					    "env::var",
					    "Deno.env",
					    "import.meta.env",
					    NULL};
	/*
	 * Every needle holds a character base64 never does ('.', '[', '(', ':'), so no key body
	 * or token matches one by chance; "${{ secrets.X }}" is a template already.
	 */
	static const char *const nocase[] = {"getenv(", NULL};

	for (size_t i = 0; exact[i]; i++) {
		if (lsc_ascii_find(p, n, exact[i], false)) {
			return true;
		}
	}
	for (size_t i = 0; nocase[i]; i++) {
		if (lsc_ascii_find(p, n, nocase[i], true)) {
			return true;
		}
	}
	/* Laravel and friends: env('APP_KEY'), config('x'). */
	return lsc_ascii_prefix_nocase(p, n, "env(") || lsc_ascii_prefix_nocase(p, n, "env.");
}

static bool is_separator(unsigned char c)
{
	return c == '-' || c == '_' || c == '.' || c == ' ' || c == ':' || c == ',' || c == ';' ||
	       c == '/' || c == '\\' || c == '|' || c == '@';
}

/*
 * One of list stands between separators (or the ends) somewhere in the value: "dummy-token-1",
 * "sk_fake_...". Not camelCase humps: inside base64 a "Fake" between other letters is chance,
 * and the engine asks this of whole key bodies.
 */
static bool delimited_word(const char *p, size_t n, const char *const *list)
{
	size_t i = 0;

	while (i < n) {
		size_t start = i;

		while (i < n && !is_separator((unsigned char)p[i])) {
			i++;
		}
		if (lsc_words_in_list(p + start, i - start, list)) {
			return true;
		}
		i++;
	}
	return false;
}

/* Words set apart by a separator or a camelCase hump, not only by letter/digit changes. */
static bool separated(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!lsc_ascii_is_alnum(c) ||
		    (i > 0 && lsc_ascii_is_lower((unsigned char)p[i - 1]) &&
		     lsc_ascii_is_upper(c))) {
			return true;
		}
	}
	return false;
}

/*
 * Words that say "placeholder": markers found anywhere (like "example"), words that count when
 * they stand as a delimited word, and common words that count only when the whole value is
 * made of words ("test" in "test-token", never in "sk_test_4eC39HqLyjWD...").
 */
static bool placeholder_words(const char *p, size_t n)
{
	static const char *const markers[] = {
	    "changeme",	   "change_me", "change-me",  "replaceme",    "replace_me", "replace-me",
	    "placeholder", "redacted",	"notasecret", "not_a_secret", NULL};
	static const char *const strong[] = {"dummy",	 "fake", "sample", "mock",
					     "redacted", "todo", "fixme",  NULL};
	static const char *const weak[] = {
	    "test",   "testing",     "tests", "secret",	   "secrets", "password", "passwd",
	    "pwd",    "pass",	     "token", "key",	   "apikey",  "api",	  "here",
	    "insert", "enter",	     "put",   "your",	   "my",      "demo",	  "default",
	    "value",  "foo",	     "bar",   "baz",	   "foobar",  "qwerty",	  "letmein",
	    "none",   "null",	     "nil",   "undefined", "empty",   "abc",	  "xyz",
	    "xxx",    "credentials", "pat",   "pw",	   NULL};
	static const char *const whole[] = {
	    "yourkey",	  "yourtoken", "yoursecret", "yourpassword", "yourapikey", "mysecret",
	    "mypassword", "mytoken",   "secretkey",  "na",	     "n/a",	   "-",
	    "tbd",	  "xx",	       "***",	     "...",	     NULL};
	struct lsc_words_span words[LSC_WORDS_MAX];
	size_t all;

	for (size_t i = 0; markers[i]; i++) {
		if (lsc_ascii_find(p, n, markers[i], true)) {
			return true;
		}
	}
	if (lsc_words_in_list(p, n, whole)) {
		return true;
	}
	if (delimited_word(p, n, strong)) {
		return true;
	}
	all = lsc_words_wordy(words, p, n);
	if (all == 0) {
		return false;
	}
	for (size_t k = 0; k < all; k++) {
		if (lsc_words_in_list(p + words[k].off, words[k].len, strong)) {
			return true;
		}
	}
	/*
	 * Letters and digits in one case and nothing between them (TEST2KEY5ABC) is how random
	 * base32 looks: words count there only when the value is one word and a number.
	 */
	if (!(all == 1 || (all == 2 && lsc_ascii_is_digit((unsigned char)p[words[1].off]))) &&
	    !separated(p, n)) {
		return false;
	}
	if (lsc_ascii_prefix_nocase(p, n, "your") || lsc_ascii_prefix_nocase(p, n, "my_") ||
	    lsc_ascii_prefix_nocase(p, n, "my-")) {
		return true;
	}
	for (size_t k = 0; k < all; k++) {
		if (lsc_words_in_list(p + words[k].off, words[k].len, weak)) {
			return true;
		}
	}
	return false;
}

/*
 * What the sensitive-file detector's copy added (credential files: .netrc, .pgpass, .env, ...):
 * a mask anywhere (xxxxx, *****, ...), %ANYTHING%, $ and an identifier from a digit on, a value
 * that reads "your..." once separators are dropped, and filler words spelt with separators
 * ("pass-word", "api.key"). They hold for a secret rule's value as much as for a file's.
 */
static bool filler(const char *p, size_t n)
{
	static const char *const masks[] = {"xxxxx", "*****", "...", NULL};
	static const char *const words[] = {
	    "changeme",	 "changeit", "replaceme", "placeholder", "redacted", "secret", "password",
	    "passwd",	 "pass",     "token",	  "apikey",	 "none",     "null",   "nil",
	    "undefined", "todo",     "tbd",	  "dummy",	 "fake",     "sample", NULL,
	};
	char norm[64];
	size_t i, k = 0;

	for (i = 0; masks[i]; i++) {
		if (lsc_ascii_find(p, n, masks[i], true)) {
			return true;
		}
	}
	if (n >= 2 && p[0] == '%' && p[n - 1] == '%') {
		return true;
	}
	if (n > 1 && p[0] == '$') {
		for (i = 1; i < n && lsc_ascii_is_ident((unsigned char)p[i]); i++) {
		}
		if (i == n) {
			return true;
		}
	}
	if (n >= sizeof(norm)) {
		return false;
	}
	for (i = 0; i < n; i++) {
		if (p[i] != '_' && p[i] != '-' && p[i] != ' ' && p[i] != '.') {
			norm[k++] = (char)lsc_ascii_to_lower((unsigned char)p[i]);
		}
	}
	return (k >= 4 && memcmp(norm, "your", 4) == 0) || lsc_words_in_list(norm, k, words);
}

/*
 * RFC 2307's {SCHEME} before a password or its hash (htpasswd, LDAP userPassword): the scheme is
 * no {template}, what follows it is the value to judge. Nothing is skipped when nothing follows.
 */
static void scheme_prefix(const char **p, size_t *n)
{
	static const char *const schemes[] = {"{SHA}",	  "{SSHA}",    "{SHA256}", "{SSHA256}",
					      "{SHA512}", "{SSHA512}", "{MD5}",	   "{SMD5}",
					      "{CRYPT}",  "{PLAIN}",   NULL};

	for (size_t i = 0; schemes[i]; i++) {
		size_t l = strlen(schemes[i]);

		if (*n > l && lsc_ascii_prefix_nocase(*p, *n, schemes[i])) {
			*p += l;
			*n -= l;
			return;
		}
	}
}

bool lsc_placeholder_is(const char *s, size_t n)
{
	const char *p = s;

	if (!s) {
		return true;
	}
	lsc_ascii_trim_quotes(&p, &n);
	if (n == 0) {
		return true;
	}
	scheme_prefix(&p, &n);
	if (lsc_ascii_find(p, n, "example", true)) {
		return true;
	}
	return env_lookup(p, n) || template_value(p, n) || masked(p, n) || low_diversity(p, n) ||
	       sequence(p, n) || mostly_sequences(p, n) || placeholder_words(p, n) || filler(p, n);
}

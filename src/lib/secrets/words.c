/*
 * words: telling words a person wrote from random characters (camelCase and digit splits,
 * English letter pairs, identifiers), for the placeholder check and the generic secret check.
 * Pure functions over bytes; ASCII only, never the locale's ctype.
 */
#include "words.h"
#include "util/ascii.h"

#include <string.h>

/*
 * Splits p[0..n) into words: runs of letters or of digits, cut at every non-alphanumeric byte
 * and at camelCase humps ("getAPIKey2" -> get API Key 2). Returns the count, or max + 1 when
 * there are more than max.
 */
size_t lsc_words_split(struct lsc_words_span *out, size_t max, const char *p, size_t n)
{
	size_t count = 0, i = 0;

	while (i < n) {
		size_t start;

		while (i < n && !lsc_ascii_is_alnum((unsigned char)p[i])) {
			i++;
		}
		if (i >= n) {
			break;
		}
		start = i++;
		while (i < n && lsc_ascii_is_alnum((unsigned char)p[i])) {
			unsigned char a = (unsigned char)p[i - 1], b = (unsigned char)p[i];

			if (lsc_ascii_is_digit(a) != lsc_ascii_is_digit(b) ||
			    (lsc_ascii_is_lower(a) && lsc_ascii_is_upper(b))) {
				break;
			}
			if (lsc_ascii_is_upper(a) && lsc_ascii_is_upper(b) && i + 1 < n &&
			    lsc_ascii_is_lower((unsigned char)p[i + 1])) {
				break;
			}
			i++;
		}
		if (count == max) {
			return max + 1;
		}
		out[count].off = start;
		out[count].len = i - start;
		count++;
	}
	return count;
}

static bool is_vowel(unsigned char c)
{
	c = lsc_ascii_to_lower(c);
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/*
 * Letter pairs that occur in English: bit b of row a is set when "ab" is in at least 10 words of
 * Debian's wamerican list or in a list of technical words (mysql, kafka, nginx, oauth, ...).
 * Random letters hit a missing pair quickly: 4% of random 12-letter strings pass, 99.3% of
 * dictionary words do.
 */
static const uint32_t bigrams[26] = {
    0x3ffffff, 0x13effbf, 0x11fcdbf, 0x1fefbff, 0x3ffffff, 0x19e6d73, 0x15efdf7,
    0x15ef9bf, 0x2ffffff, 0x0544111, 0x15efdff, 0x1fefdff, 0x11ff97f, 0x3ffffff,
    0x3ffffff, 0x15efdff, 0x0548801, 0x17fffff, 0x17fffff, 0x3def9ff, 0x3befd7f,
    0x130c115, 0x11efdff, 0x1bcd195, 0x2def9ff, 0x3104911,
};

bool lsc_words_english_pairs(const char *p, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		unsigned a = (unsigned)(lsc_ascii_to_lower((unsigned char)p[i - 1]) - 'a');
		unsigned b = (unsigned)(lsc_ascii_to_lower((unsigned char)p[i]) - 'a');

		if (a >= 26 || b >= 26 || !(bigrams[a] >> b & 1)) {
			return false;
		}
	}
	return true;
}

/*
 * A word a person wrote: a number of up to 8 digits, an acronym of up to 4 capitals (SSH, AWS;
 * from 3 letters on made of English pairs, as below), or 2 to
 * 20 letters in one case (or Capitalised) with a vowel, no run of more than 4 consonants or
 * 3 vowels, and only letter pairs English uses. Random characters rarely pass: their camelCase
 * split leaves single letters, and their pairs are not English.
 */
bool lsc_words_wordlike(const char *p, size_t n)
{
	size_t upper = 0, lower = 0, crun = 0, vrun = 0, vowels = 0;

	if (n == 0) {
		return false;
	}
	if (lsc_ascii_is_digit((unsigned char)p[0])) {
		return n <= 8;
	}
	if (n < 2 || n > 20) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (lsc_ascii_is_upper(c)) {
			upper++;
		} else {
			lower++;
		}
		if (is_vowel(c)) {
			vowels++;
			vrun++;
			crun = 0;
		} else {
			crun++;
			vrun = 0;
		}
		if (crun > 4 || vrun > 3) {
			return upper == n && n <= 4 && lsc_words_english_pairs(p, n);
		}
	}
	if (upper == n && n <= 4) {
		return n == 2 || lsc_words_english_pairs(p, n);
	}
	if (upper > 1 && lower > 0) {
		return false;
	}
	return vowels > 0 && lsc_words_english_pairs(p, n);
}

/*
 * The value is made of words: only alphanumerics and the separators people put between words,
 * and every word is wordlike. Word spans go to words (max LSC_WORDS_MAX); the count is returned,
 * 0 when the value is not wordy.
 */
size_t lsc_words_wordy(struct lsc_words_span *words, const char *p, size_t n)
{
	size_t count;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!lsc_ascii_is_alnum(c) && c != ' ' && c != '_' && c != '-' && c != '.' &&
		    c != '/' && c != ':' && c != ',') {
			return 0;
		}
	}
	count = lsc_words_split(words, LSC_WORDS_MAX, p, n);
	if (count == 0 || count > LSC_WORDS_MAX) {
		return 0;
	}
	for (size_t k = 0; k < count; k++) {
		if (!lsc_words_wordlike(p + words[k].off, words[k].len)) {
			return 0;
		}
	}
	return count;
}

bool lsc_words_in_list(const char *p, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++) {
		if (lsc_ascii_eq_nocase(p, n, list[i])) {
			return true;
		}
	}
	return false;
}

/* ^[A-Za-z_][A-Za-z0-9_]*$ */
bool lsc_words_identifier(const char *p, size_t n)
{
	if (n == 0 || !lsc_ascii_is_ident_start((unsigned char)p[0])) {
		return false;
	}
	for (size_t i = 1; i < n; i++) {
		if (!lsc_ascii_is_ident((unsigned char)p[i])) {
			return false;
		}
	}
	return true;
}

/*
 * Words a person wrote, told from random characters: the splitting and word tests the placeholder
 * check and the generic secret check share. Pure functions over bytes (any bytes, NULs
 * included); ASCII only.
 */
#ifndef LSC_LIB_WORDS_H
#define LSC_LIB_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most words one value is split into; a value with more is not made of words. */
#define LSC_WORDS_MAX 64

struct lsc_words_span {
	size_t off;
	size_t len;
};

/*
 * Splits p[0..n) into words: runs of letters or of digits, cut at every non-alphanumeric byte
 * and at camelCase humps ("getAPIKey2" -> get API Key 2). The spans go to out (max of them);
 * returns their count, or max + 1 when there are more than max.
 */
size_t lsc_words_split(struct lsc_words_span *out, size_t max, const char *p, size_t n);

/* Every adjacent pair of letters in p[0..n) is one English uses (letters only). */
bool lsc_words_english_pairs(const char *p, size_t n);

/*
 * A word a person wrote: a number of up to 8 digits, an acronym of up to 4 capitals, or 2 to 20
 * letters in one case (or Capitalised) with a vowel and only English letter pairs.
 */
bool lsc_words_wordlike(const char *p, size_t n);

/*
 * The value is only alphanumerics and the separators people put between words, and every word
 * is wordlike: the word spans go to words (LSC_WORDS_MAX of them), the count is returned; 0 when
 * the value is not made of words.
 */
size_t lsc_words_wordy(struct lsc_words_span *words, const char *p, size_t n);

/* p[0..n) equals one of the NULL-terminated list, ignoring ASCII case. */
bool lsc_words_in_list(const char *p, size_t n, const char *const *list);

/* ^[A-Za-z_][A-Za-z0-9_]*$ */
bool lsc_words_identifier(const char *p, size_t n);

#endif

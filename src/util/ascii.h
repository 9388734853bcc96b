/*
 * ASCII character classes, case-insensitive compares and trimming over (pointer, length) text.
 * Image text is bytes: never the locale's classes, never NUL-terminated unless said.
 */
#ifndef LSC_UTIL_ASCII_H
#define LSC_UTIL_ASCII_H

#include <stdbool.h>
#include <stddef.h>

static inline bool lsc_ascii_is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool lsc_ascii_is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool lsc_ascii_is_alpha(unsigned char c)
{
	return lsc_ascii_is_lower(c) || lsc_ascii_is_upper(c);
}

static inline bool lsc_ascii_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool lsc_ascii_is_alnum(unsigned char c)
{
	return lsc_ascii_is_alpha(c) || lsc_ascii_is_digit(c);
}

static inline bool lsc_ascii_is_hex(unsigned char c)
{
	return lsc_ascii_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool lsc_ascii_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool lsc_ascii_is_ident_start(unsigned char c)
{
	return lsc_ascii_is_alpha(c) || c == '_';
}

static inline bool lsc_ascii_is_ident(unsigned char c)
{
	return lsc_ascii_is_alnum(c) || c == '_';
}

static inline unsigned char lsc_ascii_to_lower(unsigned char c)
{
	return lsc_ascii_is_upper(c) ? (unsigned char)(c - 'A' + 'a') : c;
}

/* p[0..n) is lit (NUL-terminated), ASCII letters compared without case. */
bool lsc_ascii_eq_nocase(const char *p, size_t n, const char *lit);
/* p[0..n) starts with lit, without case. */
bool lsc_ascii_prefix_nocase(const char *p, size_t n, const char *lit);
/* p[0..n) starts with lit, exactly. */
bool lsc_ascii_has_prefix(const char *p, size_t n, const char *lit);
/* p[0..n) ends with lit, exactly. */
bool lsc_ascii_has_suffix(const char *p, size_t n, const char *lit);
/* The first occurrence of lit in p[0..n) (without case when nocase), or NULL; p for "". */
const char *lsc_ascii_find(const char *p, size_t n, const char *lit, bool nocase);
/* Moves *p and shortens *n past ASCII whitespace at both ends. */
void lsc_ascii_trim(const char **p, size_t *n);
/* Whitespace, then one pair of matching quotes around the value, then whitespace again. */
void lsc_ascii_trim_quotes(const char **p, size_t *n);

#endif

/* Dependency-free string and path helpers. */
#ifndef LSC_UTIL_STR_H
#define LSC_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* strdup that accepts NULL (returns NULL). The result is the caller's to free(). */
char *lsc_strdup(const char *s);
char *lsc_strndup(const char *s, size_t n);

bool lsc_str_starts(const char *s, const char *prefix);
bool lsc_str_ends(const char *s, const char *suffix);

/* The part after the last '/', borrowed from path. */
const char *lsc_path_base(const char *path);

/*
 * path is dir or anything below it ("/etc" and "/etc/ssh" are under "/etc", "/etcx" is not). Both
 * clean, without a trailing slash; dir "/" matches only the root itself.
 */
bool lsc_path_under(const char *path, const char *dir);

/*
 * Normalises a path from an archive into an absolute, clean path: leading "./" and "/" removed,
 * "." and empty components dropped, ".." resolved without ever going above the root (as container
 * runtimes do), no trailing slash. "/" for the root. Writes into out (outlen bytes).
 * 0, or -ENAMETOOLONG when it does not fit.
 */
int lsc_path_clean(char *out, size_t outlen, const char *path);

/*
 * Joins a symlink target to the directory of the link and cleans it: an absolute target is taken
 * from the root. 0 or -ENAMETOOLONG.
 */
int lsc_path_resolve_link(char *out, size_t outlen, const char *link_path, const char *target);

/* 64-bit FNV-1a. */
uint64_t lsc_hash(const void *p, size_t n);

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void lsc_hex(char *out, const uint8_t *p, size_t n);

/*
 * True when the n bytes look like text: no NUL and no control character but tab, newline, CR, form
 * feed and escape. Bytes from 0x80 up pass (UTF-8, Latin-1): this tells text from binary, it does
 * not validate an encoding.
 */
bool lsc_is_text(const uint8_t *p, size_t n);

/* Case-insensitive search of needle in the n bytes of hay; NULL when absent. */
const uint8_t *lsc_memcasemem(const uint8_t *hay, size_t n, const char *needle);

/*
 * Length of the valid UTF-8 sequence at p (1 to 4), or 0 when it is not valid UTF-8: overlong
 * forms, surrogates and code points above U+10FFFF are invalid. p is NUL-terminated; a sequence
 * cut by the NUL is invalid and nothing past the NUL is read.
 */
size_t lsc_utf8_len(const unsigned char *p);

/* lsc_str_safe() flags */
#define LSC_SAFE_UTF8_ONLY 0x1u /* escape invalid UTF-8 only (a JSON string escapes the rest) */

/*
 * Writes into out (outlen bytes, at least 1) the NUL-terminated form of s that is safe to show on
 * a terminal, in a message or in a report: tab, newline and CR become \t, \n, \r; every other C0
 * control and DEL becomes \xNN; C1 controls (U+0080..U+009F) and the bidi overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069) become \uNNNN; a byte that is not part of valid UTF-8 becomes
 * \xNN. Everything else, valid UTF-8 included, is copied. A backslash is kept as it is, so the
 * result of an earlier call passes through unchanged. With LSC_SAFE_UTF8_ONLY, only invalid bytes
 * are escaped.
 * 0, or -ENOBUFS when the result did not fit: out then holds the longest prefix of whole
 * characters and whole escapes that fits (never half a UTF-8 sequence or half an escape).
 */
int lsc_str_safe(char *out, size_t outlen, const char *s, unsigned flags);

/* lsc_str_safe() into a new string of the size needed: the caller's to free(); NULL on ENOMEM. */
char *lsc_str_safe_dup(const char *s, unsigned flags);

#endif

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

/* The value of c in the standard base64 alphabet (RFC 4648 section 4), or -1. */
int lsc_b64_value(unsigned char c);

#endif

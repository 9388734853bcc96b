/* ASCII compares and trimming (ascii.h). */
#include "util/ascii.h"

#include <string.h>

bool lsc_ascii_eq_nocase(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	if (n != l) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (lsc_ascii_to_lower((unsigned char)p[i]) !=
		    lsc_ascii_to_lower((unsigned char)lit[i])) {
			return false;
		}
	}
	return true;
}

bool lsc_ascii_prefix_nocase(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && lsc_ascii_eq_nocase(p, l, lit);
}

bool lsc_ascii_has_prefix(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(p, lit, l) == 0;
}

bool lsc_ascii_has_suffix(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(p + n - l, lit, l) == 0;
}

const char *lsc_ascii_find(const char *p, size_t n, const char *lit, bool nocase)
{
	size_t l = strlen(lit);

	if (l == 0 || n < l) {
		return l == 0 ? p : NULL;
	}
	for (size_t i = 0; i + l <= n; i++) {
		if (nocase ? lsc_ascii_eq_nocase(p + i, l, lit) : memcmp(p + i, lit, l) == 0) {
			return p + i;
		}
	}
	return NULL;
}

void lsc_ascii_trim(const char **p, size_t *n)
{
	while (*n > 0 && lsc_ascii_is_space((unsigned char)(*p)[0])) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && lsc_ascii_is_space((unsigned char)(*p)[*n - 1])) {
		(*n)--;
	}
}

void lsc_ascii_trim_quotes(const char **p, size_t *n)
{
	lsc_ascii_trim(p, n);
	if (*n >= 2 && ((*p)[0] == '"' || (*p)[0] == '\'' || (*p)[0] == '`') &&
	    (*p)[*n - 1] == (*p)[0]) {
		(*p)++;
		*n -= 2;
		lsc_ascii_trim(p, n);
	}
}

#include "osrelease.h"

#include <stdlib.h>
#include <string.h>

char *lsc_osrelease_get(const char *text, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text, *end = text + n;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		while (p < le && (*p == ' ' || *p == '\t')) {
			p++;
		}
		if ((size_t)(le - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1;
			char quote = 0, *out = malloc((size_t)(le - v) + 1), *o = out;

			if (!out) {
				return NULL;
			}
			if (v < le && (*v == '"' || *v == '\'')) {
				quote = *v++;
			}
			while (v < le && *v != quote && !(quote == 0 && (*v == ' ' || *v == '\r'))) {
				if (*v == '\\' && quote != '\'' && v + 1 < le) {
					v++;
				}
				*o++ = *v++;
			}
			*o = 0;
			return out;
		}
		p = le + 1;
	}
	return NULL;
}

void lsc_osrelease_parse(struct lsc_os_info *out, const char *text, size_t n)
{
	out->id = lsc_osrelease_get(text, n, "ID");
	out->version_id = lsc_osrelease_get(text, n, "VERSION_ID");
	out->pretty_name = lsc_osrelease_get(text, n, "PRETTY_NAME");
}

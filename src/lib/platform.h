/*
 * Platforms: the --platform value (os/arch[/variant]) and docker's rules for matching it against
 * an index entry's or a config's platform. Pure functions on caller-owned storage.
 */
#ifndef LSC_LIB_PLATFORM_H
#define LSC_LIB_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

struct lsc_platform {
	char os[32];
	char arch[32];
	char variant[32]; /* "" when none */
};

/* "os/arch[/variant]"; NULL or "" is linux/amd64. -LSC_E_USAGE on a malformed value. */
int lsc_platform_parse(struct lsc_platform *out, const char *s);
/* Matching as docker does: arm64 with no variant matches v8, arm with no variant matches v7. */
bool lsc_platform_match(const struct lsc_platform *want, const char *os, const char *arch,
			const char *variant);
void lsc_platform_format(char *out, size_t n, const struct lsc_platform *p);

#endif

/* os-release(5) parsing: the distribution of the final image. */
#ifndef LSC_LIB_OSRELEASE_H
#define LSC_LIB_OSRELEASE_H

#include <stddef.h>

#include "layerscan/layerscan.h"

/*
 * The value of key in os-release text (n bytes), unquoted and unescaped, or NULL. The result is
 * the caller's to free().
 */
char *lsc_osrelease_get(const char *text, size_t n, const char *key);

/* ID, VERSION_ID and PRETTY_NAME into out (members the caller's to free, NULL when absent). */
void lsc_osrelease_parse(struct lsc_os_info *out, const char *text, size_t n);

#endif

/*
 * Placeholder recognition: the one answer to "does this value only stand for a secret?", shared
 * by the secret engine, the secret checks, the policy's examples and the sensitive-file detector.
 * Pure functions over bytes; no I/O.
 */
#ifndef LSC_LIB_PLACEHOLDER_H
#define LSC_LIB_PLACEHOLDER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True for values that are not secrets whatever the rule: EXAMPLE keys, xxxx..., changeme,
 * ${VAR}, $VAR, %(var)s, {{ var }}, <your key>, your_..._here, REPLACE_ME, dummy/fake/sample,
 * repeated characters, sequences (123456, abcdef), and environment lookups in code
 * (os.environ[...], process.env.X, getenv(...), ENV[...]). s may be NULL (a placeholder) and
 * hold any bytes; blanks and one pair of quotes around the value are ignored.
 */
bool lsc_placeholder_is(const char *s, size_t n);

#endif

/*
 * Typosquatting: an image name one slip away from a popular Docker official image ("pyhton",
 * "ubunut", "nginxx"), the kind of name that is pushed to catch a mistyped `docker pull`.
 */
#ifndef LSC_LIB_TYPOSQUAT_H
#define LSC_LIB_TYPOSQUAT_H

#include <stdbool.h>
#include <stddef.h>

/* Longer last components are never compared (no official image name comes near). */
#define LSC_TYPOSQUAT_NAME_MAX 64

/*
 * True when repository ("library/pyhton", "pyhton", "someone/ubunut", a reference's repository
 * path) is a near miss of a popular official image name without being that name; *near (when near
 * is not NULL) is then the real name ("python"), static; NULL otherwise. Only the last path
 * component is compared, lowercased; anything from a ':' or '@' on is dropped.
 *
 * A near miss, against the real name R:
 *   - R of 8 or more characters: optimal-string-alignment Damerau-Levenshtein distance 1 or 2
 *     (one or two insertions, deletions, substitutions or adjacent transpositions);
 *   - R of 4 to 7 characters: distance 1;
 *   - R of 3 characters ("php", "gcc", "ros"): only one adjacent transposition ("hpp") or one
 *     doubled letter ("phpp"); a dropped letter would leave two-letter names that mean anything.
 * Not near misses, so never flagged:
 *   - a name of the list itself: where two real names are within the distance of each other
 *     ("mongo" and "mono", "ruby" and "jruby"), neither is a typo of the other;
 *   - R followed only by digits and dots, a version in the name ("python3", "node18",
 *     "postgres16.2"); the digits are dropped before comparing, so "pyhton3" is still flagged;
 *   - a few real, unrelated names that happen to be near one ("compose" from docker/compose,
 *     "postgis", "mssql", "kubuntu", ...), listed in typosquat.c;
 *   - names that only start with R ("alpine-base", "node-red", "nginx-proxy"): the whole name
 *     is compared, and those are far from R.
 * When a name is near several real ones, *near is the closest, the first listed of equals.
 */
bool lsc_typosquat_check(const char *repository, const char **near);

/* The popular official image names (*n of them), borrowed, static. */
const char *const *lsc_typosquat_names(size_t *n);

#endif

/*
 * The generic check (check_generic.c) for values generic assignment rules find, and the
 * Shannon entropy rules' min_entropy is measured with.
 */
#ifndef LSC_LIB_CHECK_GENERIC_H
#define LSC_LIB_CHECK_GENERIC_H

#include <stddef.h>

/* 1 when s (n bytes) is not a placeholder, code lookup, identifier, path, word or UUID. */
int lsc_check_generic(const char *s, size_t n);

/* Shannon entropy in bits per character. */
double lsc_secret_entropy(const char *s, size_t n);

#endif

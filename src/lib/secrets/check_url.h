/*
 * The url-password check (check_url.c): scheme://user:password@host with a real password on a
 * host that exists and is not this machine.
 */
#ifndef LSC_LIB_CHECK_URL_H
#define LSC_LIB_CHECK_URL_H

#include <stddef.h>

/* The scheme's length when p starts with "scheme://" ("jdbc:mysql://" too), else 0. */
size_t lsc_check_url_scheme(const char *p, size_t n);

/* 1 when s (n bytes) is a URL whose password is real and whose host is not reserved/loopback. */
int lsc_check_url_password(const char *s, size_t n);

#endif

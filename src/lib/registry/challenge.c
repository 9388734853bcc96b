#include "challenge.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_token68(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~+/", c));
}

static void skip_ows(const char **p)
{
	while (**p == ' ' || **p == '\t') {
		(*p)++;
	}
}

void lsc_auth_challenge_dispose(struct lsc_auth_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

/*
 * A parameter value at *p: a quoted-string (unescaped) or, leniently, any run of visible
 * characters but '"' and ',' (some registries leave URLs unquoted). *out is new; 0, -EINVAL,
 * -ENOMEM.
 */
static int param_value(char **out, const char **p)
{
	const char *s = *p;
	char *v, *o;

	*out = NULL;
	if (*s != '"') {
		while ((unsigned char)*s > 0x20 && *s != 0x7f && *s != ',' && *s != '"') {
			s++;
		}
		if (s == *p) {
			return -EINVAL;
		}
		*out = lsc_strndup(*p, (size_t)(s - *p));
		*p = s;
		return *out ? 0 : -ENOMEM;
	}
	v = malloc(strlen(s));
	if (!v) {
		return -ENOMEM;
	}
	o = v;
	for (s++; *s != '"'; s++) {
		if (*s == '\\') {
			s++;
		}
		if (!*s || ((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f) {
			free(v);
			return -EINVAL;
		}
		*o++ = *s;
	}
	*o = 0;
	*p = s + 1;
	*out = v;
	return 0;
}

static int set_param(struct lsc_auth_challenge *c, const char *name, size_t n, char *value)
{
	char **slot = NULL;

	if (n == 5 && strncasecmp(name, "realm", 5) == 0) {
		slot = &c->realm;
	} else if (n == 7 && strncasecmp(name, "service", 7) == 0) {
		slot = &c->service;
	} else if (n == 5 && strncasecmp(name, "scope", 5) == 0) {
		slot = &c->scope;
	}
	if (slot) {
		free(*slot);
		*slot = value;
	} else {
		free(value);
	}
	return 0;
}

/* "name = value" at *p into c. 0, -EINVAL, -ENOMEM. */
static int param(struct lsc_auth_challenge *c, const char **p)
{
	const char *name = *p, *s = *p;
	char *value;
	size_t n;
	int rc;

	while (is_tchar(*s)) {
		s++;
	}
	n = (size_t)(s - name);
	skip_ows(&s);
	if (n == 0 || *s != '=') {
		return -EINVAL;
	}
	s++;
	skip_ows(&s);
	rc = param_value(&value, &s);
	if (rc < 0) {
		return rc;
	}
	*p = s;
	return set_param(c, name, n, value);
}

int lsc_auth_challenge_parse(struct lsc_auth_challenge *out, const char *value)
{
	struct lsc_auth_challenge bearer, basic, other, *cur = NULL;
	const char *p = value, *why = NULL;
	char first[33] = "";
	bool token68 = false; /* the current challenge has a token68: no parameters may follow */
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&bearer, 0, sizeof(bearer));
	memset(&basic, 0, sizeof(basic));
	memset(&other, 0, sizeof(other));
	if (!value) {
		return lsc_error(LSC_E_FORMAT, "WWW-Authenticate: empty");
	}
	if (strnlen(value, LSC_AUTH_CHALLENGE_MAX + 1) > LSC_AUTH_CHALLENGE_MAX) {
		return lsc_error(LSC_E_TOO_LARGE, "WWW-Authenticate: longer than %d bytes",
				 LSC_AUTH_CHALLENGE_MAX);
	}
	for (;;) {
		const char *tok, *q;
		size_t n;

		skip_ows(&p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p) {
			break;
		}
		tok = p;
		while (is_tchar(*p)) {
			p++;
		}
		n = (size_t)(p - tok);
		if (n == 0) {
			why = "unexpected character";
			goto bad;
		}
		q = p;
		skip_ows(&q);
		if (*q == '=') {
			/* another auth-param of the current challenge */
			if (!cur) {
				why = "parameter before any scheme";
				goto bad;
			}
			if (token68) {
				why = "parameter after a token68";
				goto bad;
			}
			p = tok;
			rc = param(cur, &p);
			if (rc < 0) {
				goto param_failed;
			}
		} else {
			/* a new challenge */
			if (n == 6 && strncasecmp(tok, "bearer", 6) == 0 && !bearer.scheme) {
				cur = &bearer;
				cur->scheme = LSC_AUTH_BEARER;
			} else if (n == 5 && strncasecmp(tok, "basic", 5) == 0 && !basic.scheme) {
				cur = &basic;
				cur->scheme = LSC_AUTH_BASIC;
			} else {
				lsc_auth_challenge_dispose(&other);
				cur = &other;
			}
			token68 = false;
			if (!first[0]) {
				snprintf(first, sizeof(first), "%.*s", (int)(n < 32 ? n : 32), tok);
			}
			if (*p && *p != ',' && *p != ' ' && *p != '\t') {
				why = "unexpected character after the scheme";
				goto bad;
			}
			skip_ows(&p);
			if (*p && *p != ',') {
				/* token68, or the first auth-param */
				const char *e = p, *f;

				while (is_token68(*e)) {
					e++;
				}
				f = e;
				while (*f == '=') {
					f++;
				}
				q = f;
				skip_ows(&q);
				if (e > p && (!*q || *q == ',')) {
					p = q;
					token68 = true;
				} else {
					rc = param(cur, &p);
					if (rc < 0) {
						goto param_failed;
					}
				}
			}
		}
		skip_ows(&p);
		if (*p && *p != ',') {
			why = "expected ',' between parameters";
			goto bad;
		}
	}
	lsc_auth_challenge_dispose(&other);
	if (bearer.scheme) {
		*out = bearer;
		lsc_auth_challenge_dispose(&basic);
		return 0;
	}
	if (basic.scheme) {
		*out = basic;
		return 0;
	}
	if (!first[0]) {
		return lsc_error(LSC_E_FORMAT, "WWW-Authenticate: empty");
	}
	return lsc_error(
	    LSC_E_UNSUPPORTED,
	    "WWW-Authenticate: the registry asks for %s authentication (only Basic and "
	    "Bearer are supported)",
	    first);

param_failed:
	if (rc == -ENOMEM) {
		goto fail;
	}
	why = "malformed parameter";
bad:
	rc =
	    lsc_error(LSC_E_FORMAT, "WWW-Authenticate: %s at offset %zu", why, (size_t)(p - value));
fail:
	lsc_auth_challenge_dispose(&bearer);
	lsc_auth_challenge_dispose(&basic);
	lsc_auth_challenge_dispose(&other);
	return rc;
}

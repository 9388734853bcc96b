/*
 * The WWW-Authenticate challenge a registry answers 401 with (RFC 7235), parsed into the scheme
 * and the parameters a registry client uses. No I/O; the caller owns what it gets.
 */
#ifndef LSC_LIB_CHALLENGE_H
#define LSC_LIB_CHALLENGE_H

#define LSC_AUTH_CHALLENGE_MAX 8192 /* a WWW-Authenticate value */

enum lsc_auth_scheme { LSC_AUTH_NONE = 0, LSC_AUTH_BASIC, LSC_AUTH_BEARER };

/* Strings owned by the challenge, freed by lsc_auth_challenge_dispose(). */
struct lsc_auth_challenge {
	enum lsc_auth_scheme scheme;
	char *realm, *service, *scope; /* unquoted and unescaped; NULL when absent */
};

/*
 * Parses a WWW-Authenticate header value (RFC 7235): `Bearer realm="https://auth.docker.io/token",
 * service="registry.docker.io",scope="repository:library/alpine:pull"` or
 * `Basic realm="Registry Realm"`. Quoted values may hold commas and backslash escapes; unquoted
 * values run to the next space or comma (so an unquoted URL works); parameters come in any order;
 * scheme and parameter names are case-insensitive; other parameters (error="invalid_token") and a
 * token68 are skipped; a repeated parameter keeps its last value. With several challenges in one
 * value, the first Bearer wins, else the first Basic. A Bearer without realm is returned as is
 * (realm NULL): the caller decides. On success *out is the caller's to
 * lsc_auth_challenge_dispose(); on failure it is zeroed. -LSC_E_FORMAT on an empty or malformed
 * value, -LSC_E_TOO_LARGE over LSC_AUTH_CHALLENGE_MAX bytes, -LSC_E_UNSUPPORTED when no challenge
 * is Basic or Bearer (the detail names the first scheme).
 */
int lsc_auth_challenge_parse(struct lsc_auth_challenge *out, const char *value);
void lsc_auth_challenge_dispose(struct lsc_auth_challenge *c);

#endif

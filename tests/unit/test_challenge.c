/*
 * lib/challenge: the WWW-Authenticate parser (RFC 7235) over the values registries send, and the
 * malformed, oversized and unsupported ones a hostile server may send instead.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/registry/challenge.h"
#include "util/error.h"

TestSuite(challenge);

static void challenge_ok(const char *value, enum lsc_auth_scheme scheme, const char *realm,
			 const char *service, const char *scope)
{
	struct lsc_auth_challenge c;
	int rc = lsc_auth_challenge_parse(&c, value);

	cr_assert_eq(rc, 0, "%s: %d %s", value, rc, lsc_error_last());
	cr_assert_eq(c.scheme, scheme, "%s: scheme %d", value, c.scheme);
	if (realm) {
		cr_assert_str_eq(c.realm, realm, "%s", value);
	} else {
		cr_assert_null(c.realm, "%s: realm %s", value, c.realm);
	}
	if (service) {
		cr_assert_str_eq(c.service, service, "%s", value);
	} else {
		cr_assert_null(c.service, "%s: service %s", value, c.service);
	}
	if (scope) {
		cr_assert_str_eq(c.scope, scope, "%s", value);
	} else {
		cr_assert_null(c.scope, "%s: scope %s", value, c.scope);
	}
	lsc_auth_challenge_dispose(&c);
	cr_assert_null(c.realm);
	cr_assert_eq(c.scheme, LSC_AUTH_NONE);
}

static void challenge_bad(const char *value, int code, const char *want)
{
	struct lsc_auth_challenge c;
	int rc = lsc_auth_challenge_parse(&c, value);

	cr_assert_eq(rc, -code, "%s: %d %s", value, rc, lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), want), "\"%s\" lacks \"%s\"", lsc_error_last(),
			   want);
	cr_assert_eq(c.scheme, LSC_AUTH_NONE);
	cr_assert_null(c.realm);
	cr_assert_null(c.service);
	cr_assert_null(c.scope);
}

Test(challenge, docker_hub)
{
	challenge_ok("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		     "scope=\"repository:library/alpine:pull\"",
		     LSC_AUTH_BEARER, "https://auth.docker.io/token", "registry.docker.io",
		     "repository:library/alpine:pull");
}

Test(challenge, basic)
{
	challenge_ok("Basic realm=\"Registry Realm\"", LSC_AUTH_BASIC, "Registry Realm", NULL,
		     NULL);
	challenge_ok("Basic", LSC_AUTH_BASIC, NULL, NULL, NULL);
	challenge_ok("basic realm=\"r\", charset=\"UTF-8\"", LSC_AUTH_BASIC, "r", NULL, NULL);
}

Test(challenge, bearer_without_parameters)
{
	challenge_ok("Bearer", LSC_AUTH_BEARER, NULL, NULL, NULL);
	challenge_ok("  Bearer  ", LSC_AUTH_BEARER, NULL, NULL, NULL);
}

Test(challenge, case_insensitive_names)
{
	challenge_ok("BEARER REALM=\"r\",Service=\"s\",sCoPe=\"x\"", LSC_AUTH_BEARER, "r", "s",
		     "x");
	challenge_ok("bAsIc Realm=\"R\"", LSC_AUTH_BASIC, "R", NULL, NULL);
}

Test(challenge, quoted_values)
{
	/* commas inside quotes, escaped quotes and backslashes */
	challenge_ok("Bearer realm=\"https://a/token\",scope=\"repository:a/b:pull,push\"",
		     LSC_AUTH_BEARER, "https://a/token", NULL, "repository:a/b:pull,push");
	challenge_ok("Bearer realm=\"say \\\"hi\\\", \\\\ ok\"", LSC_AUTH_BEARER,
		     "say \"hi\", \\ ok", NULL, NULL);
	challenge_ok("Bearer realm=\"\"", LSC_AUTH_BEARER, "", NULL, NULL);
	challenge_ok("Basic realm=\"tab\there\"", LSC_AUTH_BASIC, "tab\there", NULL, NULL);
}

Test(challenge, order_spaces_and_tokens)
{
	challenge_ok("Bearer  scope=\"s\" , realm = \"r\",service=\"v\"", LSC_AUTH_BEARER, "r", "v",
		     "s");
	challenge_ok("Bearer realm=https://auth.example/token,service=reg,scope=repo:a:pull",
		     LSC_AUTH_BEARER, "https://auth.example/token", "reg", "repo:a:pull");
	challenge_ok("Bearer service=reg", LSC_AUTH_BEARER, NULL, "reg", NULL);
	/* empty list elements are allowed */
	challenge_ok(", Bearer realm=\"r\",,service=\"s\",", LSC_AUTH_BEARER, "r", "s", NULL);
	/* a repeated parameter keeps its last value */
	challenge_ok("Bearer realm=\"a\",realm=\"b\"", LSC_AUTH_BEARER, "b", NULL, NULL);
}

Test(challenge, extra_parameters_ignored)
{
	challenge_ok("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		     "scope=\"repository:library/alpine:pull\",error=\"insufficient_scope\","
		     "error_description=\"a, b\"",
		     LSC_AUTH_BEARER, "https://auth.docker.io/token", "registry.docker.io",
		     "repository:library/alpine:pull");
	challenge_ok("Bearer error=\"invalid_token\", realm=\"r\"", LSC_AUTH_BEARER, "r", NULL,
		     NULL);
}

Test(challenge, several_challenges_prefer_bearer)
{
	challenge_ok("Basic realm=\"b\", Bearer realm=\"r\",service=\"s\"", LSC_AUTH_BEARER, "r",
		     "s", NULL);
	challenge_ok("Bearer realm=\"r\", Basic realm=\"b\"", LSC_AUTH_BEARER, "r", NULL, NULL);
	challenge_ok("Negotiate abc+/def==, Basic realm=\"b\"", LSC_AUTH_BASIC, "b", NULL, NULL);
	challenge_ok("Negotiate, NTLM, Basic realm=\"b\"", LSC_AUTH_BASIC, "b", NULL, NULL);
	/* the first of each scheme counts, and the parameters of others do not leak into it */
	challenge_ok("Bearer realm=\"one\", Bearer realm=\"two\",service=\"x\"", LSC_AUTH_BEARER,
		     "one", NULL, NULL);
	challenge_ok("Digest realm=\"d\",nonce=\"n\", Basic", LSC_AUTH_BASIC, NULL, NULL, NULL);
	challenge_ok("Basic realm=\"b\", Digest realm=\"d\"", LSC_AUTH_BASIC, "b", NULL, NULL);
}

Test(challenge, token68_skipped)
{
	challenge_ok("Basic dXNlcjpwYXNz==", LSC_AUTH_BASIC, NULL, NULL, NULL);
	challenge_ok("Negotiate a/b+c=, Bearer realm=\"r\"", LSC_AUTH_BEARER, "r", NULL, NULL);
}

Test(challenge, unsupported_schemes)
{
	challenge_bad("Negotiate", LSC_E_UNSUPPORTED, "Negotiate");
	challenge_bad("Digest realm=\"d\", nonce=\"x\"", LSC_E_UNSUPPORTED, "Digest");
}

Test(challenge, garbage)
{
	challenge_bad("", LSC_E_FORMAT, "empty");
	challenge_bad("   ", LSC_E_FORMAT, "empty");
	challenge_bad(",,", LSC_E_FORMAT, "empty");
	challenge_bad(NULL, LSC_E_FORMAT, "empty");
	challenge_bad("=", LSC_E_FORMAT, "WWW-Authenticate");
	challenge_bad("\"Bearer\"", LSC_E_FORMAT, "unexpected character");
	challenge_bad("realm=\"x\"", LSC_E_FORMAT, "parameter before any scheme");
	challenge_bad("Bearer realm=\"unterminated", LSC_E_FORMAT, "malformed parameter");
	challenge_bad("Bearer realm=\"x\" service=\"y\"", LSC_E_FORMAT, "expected ','");
	challenge_bad("Bearer realm=\"a\x01\"", LSC_E_FORMAT, "malformed parameter");
	challenge_bad("Bearer realm=\"a\\", LSC_E_FORMAT, "malformed parameter");
	challenge_bad("Bearer realm=\"x\"junk", LSC_E_FORMAT, "expected ','");
	/* a token68 ("realm=") takes the place of parameters */
	challenge_bad("Bearer realm=,service=\"s\"", LSC_E_FORMAT, "parameter after a token68");
	challenge_bad("Basic abc==, realm=\"x\"", LSC_E_FORMAT, "parameter after a token68");
	challenge_bad("Bearer realm=\"x\",service=", LSC_E_FORMAT, "malformed parameter");
	challenge_bad("Bearer; realm=\"x\"", LSC_E_FORMAT, "after the scheme");
	challenge_bad("\x01\x02", LSC_E_FORMAT, "unexpected character");
	challenge_bad("Bearer realm=\"r\", \xff", LSC_E_FORMAT, "unexpected character");
}

Test(challenge, size_bound)
{
	size_t n = LSC_AUTH_CHALLENGE_MAX + 1;
	char *big = malloc(n + 1);

	memcpy(big, "Bearer realm=\"", 14);
	memset(big + 14, 'a', n - 15);
	big[n - 1] = '"';
	big[n] = 0;
	challenge_bad(big, LSC_E_TOO_LARGE, "longer than 8192");
	/* at the bound it parses */
	big[n - 2] = '"';
	big[n - 1] = 0;
	{
		struct lsc_auth_challenge c;

		cr_assert_eq(lsc_auth_challenge_parse(&c, big), 0, "%s", lsc_error_last());
		cr_assert_eq(strlen(c.realm), LSC_AUTH_CHALLENGE_MAX - 15);
		lsc_auth_challenge_dispose(&c);
	}
	free(big);
}

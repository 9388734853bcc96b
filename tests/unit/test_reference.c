/* lib/reference: the distribution/reference grammar, docker's normalisation, and what it rejects.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/registry/reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIGEST "sha256:" HEX64

static void parse_ok(const char *s, const char *registry, const char *host, const char *repo,
		     const char *tag, const char *digest, const char *canonical)
{
	struct lsc_reference r;
	char *str = NULL;
	int rc = lsc_reference_parse(&r, s);

	cr_assert_eq(rc, 0, "\"%s\": %d %s", s, rc, lsc_error_last());
	cr_assert_str_eq(r.registry, registry, "\"%s\"", s);
	cr_assert_str_eq(r.host, host, "\"%s\"", s);
	cr_assert_str_eq(r.repository, repo, "\"%s\"", s);
	if (tag) {
		cr_assert_str_eq(r.tag, tag, "\"%s\"", s);
	} else {
		cr_assert_null(r.tag, "\"%s\": tag %s", s, r.tag);
	}
	if (digest) {
		cr_assert_str_eq(r.digest, digest, "\"%s\"", s);
		cr_assert_str_eq(lsc_reference_manifest_ref(&r), digest);
	} else {
		cr_assert_null(r.digest, "\"%s\": digest %s", s, r.digest);
		cr_assert_str_eq(lsc_reference_manifest_ref(&r), tag);
	}
	cr_assert_eq(lsc_reference_string(&str, &r), 0);
	cr_assert_str_eq(str, canonical, "\"%s\"", s);
	free(str);
	lsc_reference_dispose(&r);
	cr_assert_null(r.registry);
	cr_assert_null(r.repository);
}

static void parse_bad(const char *s, int code, const char *why)
{
	struct lsc_reference r;
	int rc = lsc_reference_parse(&r, s);

	cr_assert_eq(rc, -code, "\"%s\": %d (%s)", s, rc, lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), why), "\"%s\": \"%s\" lacks \"%s\"", s,
			   lsc_error_last(), why);
	cr_assert_null(r.registry);
	cr_assert_null(r.host);
	cr_assert_null(r.repository);
	cr_assert_null(r.tag);
	cr_assert_null(r.digest);
}

Test(reference, docker_hub_official)
{
	parse_ok("alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", NULL,
		 "docker.io/library/alpine:latest");
	parse_ok("alpine:3.20", "docker.io", "registry-1.docker.io", "library/alpine", "3.20", NULL,
		 "docker.io/library/alpine:3.20");
	parse_ok("library/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest",
		 NULL, "docker.io/library/alpine:latest");
	parse_ok("docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine",
		 "latest", NULL, "docker.io/library/alpine:latest");
	parse_ok("docker.io/library/alpine:3.20", "docker.io", "registry-1.docker.io",
		 "library/alpine", "3.20", NULL, "docker.io/library/alpine:3.20");
}

Test(reference, docker_hub_legacy_names)
{
	parse_ok("index.docker.io/library/alpine", "docker.io", "registry-1.docker.io",
		 "library/alpine", "latest", NULL, "docker.io/library/alpine:latest");
	parse_ok("index.docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine",
		 "latest", NULL, "docker.io/library/alpine:latest");
	parse_ok("registry-1.docker.io/alpine:edge", "docker.io", "registry-1.docker.io",
		 "library/alpine", "edge", NULL, "docker.io/library/alpine:edge");
}

Test(reference, docker_hub_user_repo)
{
	parse_ok("user/repo", "docker.io", "registry-1.docker.io", "user/repo", "latest", NULL,
		 "docker.io/user/repo:latest");
	parse_ok("docker.io/user/repo:v1", "docker.io", "registry-1.docker.io", "user/repo", "v1",
		 NULL, "docker.io/user/repo:v1");
	/* more than two components are kept as written */
	parse_ok("a/b/c", "docker.io", "registry-1.docker.io", "a/b/c", "latest", NULL,
		 "docker.io/a/b/c:latest");
}

Test(reference, other_registries)
{
	parse_ok("ghcr.io/org/app:1.2", "ghcr.io", "ghcr.io", "org/app", "1.2", NULL,
		 "ghcr.io/org/app:1.2");
	/* no "library/" outside Docker Hub */
	parse_ok("ghcr.io/app", "ghcr.io", "ghcr.io", "app", "latest", NULL, "ghcr.io/app:latest");
	parse_ok("localhost/app", "localhost", "localhost", "app", "latest", NULL,
		 "localhost/app:latest");
	parse_ok("localhost:5000/app", "localhost:5000", "localhost:5000", "app", "latest", NULL,
		 "localhost:5000/app:latest");
	parse_ok("127.0.0.1:5000/team/app:1.4", "127.0.0.1:5000", "127.0.0.1:5000", "team/app",
		 "1.4", NULL, "127.0.0.1:5000/team/app:1.4");
	parse_ok("[::1]:5000/app", "[::1]:5000", "[::1]:5000", "app", "latest", NULL,
		 "[::1]:5000/app:latest");
	parse_ok("[fe80::1]/app:x", "[fe80::1]", "[fe80::1]", "app", "x", NULL, "[fe80::1]/app:x");
	parse_ok("my-registry.example.com:443/a.b/c_d/e__f/g-h---i:T_1.x-y",
		 "my-registry.example.com:443", "my-registry.example.com:443",
		 "a.b/c_d/e__f/g-h---i", "T_1.x-y", NULL,
		 "my-registry.example.com:443/a.b/c_d/e__f/g-h---i:T_1.x-y");
	/* a registry host keeps its case; only the repository must be lowercase */
	parse_ok("Registry.Example.com/app", "Registry.Example.com", "Registry.Example.com", "app",
		 "latest", NULL, "Registry.Example.com/app:latest");
}

Test(reference, first_component_without_dot_or_colon_is_a_path)
{
	/* "registry/app" is a Docker Hub user "registry", as docker reads it */
	parse_ok("registry/app", "docker.io", "registry-1.docker.io", "registry/app", "latest",
		 NULL, "docker.io/registry/app:latest");
	/* "localhost:5000" alone is the image localhost with the tag 5000 (docker agrees) */
	parse_ok("localhost:5000", "docker.io", "registry-1.docker.io", "library/localhost", "5000",
		 NULL, "docker.io/library/localhost:5000");
	/* "localhostx" is not "localhost" */
	parse_ok("localhostx/app", "docker.io", "registry-1.docker.io", "localhostx/app", "latest",
		 NULL, "docker.io/localhostx/app:latest");
}

Test(reference, digests)
{
	parse_ok("app@" DIGEST, "docker.io", "registry-1.docker.io", "library/app", NULL, DIGEST,
		 "docker.io/library/app@" DIGEST);
	parse_ok("app:tag@" DIGEST, "docker.io", "registry-1.docker.io", "library/app", "tag",
		 DIGEST, "docker.io/library/app:tag@" DIGEST);
	parse_ok("127.0.0.1:5000/team/app@" DIGEST, "127.0.0.1:5000", "127.0.0.1:5000", "team/app",
		 NULL, DIGEST, "127.0.0.1:5000/team/app@" DIGEST);
	parse_ok("docker://ghcr.io/org/app:1@" DIGEST, "ghcr.io", "ghcr.io", "org/app", "1", DIGEST,
		 "ghcr.io/org/app:1@" DIGEST);
}

Test(reference, docker_transport_prefix)
{
	parse_ok("docker://alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest",
		 NULL, "docker.io/library/alpine:latest");
	parse_ok("docker://127.0.0.1:5000/team/app:1.4", "127.0.0.1:5000", "127.0.0.1:5000",
		 "team/app", "1.4", NULL, "127.0.0.1:5000/team/app:1.4");
	parse_bad("docker://", LSC_E_USAGE, "empty image reference");
}

Test(reference, empty)
{
	parse_bad("", LSC_E_USAGE, "empty image reference");
	parse_bad(NULL, LSC_E_USAGE, "empty image reference");
}

Test(reference, uppercase_repository)
{
	parse_bad("Upper/case", LSC_E_USAGE, "must be lowercase");
	parse_bad("Alpine", LSC_E_USAGE, "must be lowercase");
	parse_bad("ghcr.io/Org/app", LSC_E_USAGE, "must be lowercase");
	/* the detail quotes the input */
	parse_bad("Upper/case", LSC_E_USAGE, "\"Upper/case\"");
}

Test(reference, bad_tags)
{
	char tag[300], canonical[400];

	parse_bad("app:", LSC_E_USAGE, "empty tag");
	parse_bad("app:-x", LSC_E_USAGE, "bad tag");
	parse_bad("app:.x", LSC_E_USAGE, "bad tag");
	parse_bad("app:a+b", LSC_E_USAGE, "bad tag");
	parse_bad("app:a:b", LSC_E_USAGE, "bad tag");
	parse_bad("app:tag@", LSC_E_USAGE, "empty digest");

	/* 128 characters is the longest tag */
	memset(tag, 'x', sizeof(tag));
	memcpy(tag, "app:", 4);
	tag[4 + 128] = 0;
	snprintf(canonical, sizeof(canonical), "docker.io/library/app:%s", tag + 4);
	parse_ok(tag, "docker.io", "registry-1.docker.io", "library/app", tag + 4, NULL, canonical);
	tag[4 + 129] = 0;
	tag[4 + 128] = 'x';
	parse_bad(tag, LSC_E_USAGE, "longer than 128");
	memset(tag + 4, 'y', 200);
	tag[204] = 0;
	parse_bad(tag, LSC_E_USAGE, "longer than 128");
}

Test(reference, missing_name)
{
	parse_bad(":tag", LSC_E_USAGE, "missing repository name");
	parse_bad("@" DIGEST, LSC_E_USAGE, "missing repository name");
	parse_bad("ghcr.io/", LSC_E_USAGE, "missing repository name");
	parse_bad("ghcr.io/:tag", LSC_E_USAGE, "missing repository name");
}

Test(reference, bad_digests)
{
	parse_bad("app@sha256:short", LSC_E_USAGE, "bad digest");
	parse_bad("app@sha256:0123456789abcdef0123456789abcdef", LSC_E_USAGE, "64 hex digits");
	parse_bad("app@sha256:" HEX64 "00", LSC_E_USAGE, "64 hex digits");
	parse_bad("app@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		  LSC_E_USAGE, "lowercase");
	parse_bad("app@sha256", LSC_E_USAGE, "bad digest");
	parse_bad("app@:" HEX64, LSC_E_USAGE, "bad digest algorithm");
	parse_bad("app@1sha:" HEX64, LSC_E_USAGE, "bad digest algorithm");
	parse_bad("app@md5:..", LSC_E_USAGE, "bad digest");
	parse_bad("app@" DIGEST "@" DIGEST, LSC_E_USAGE, "bad digest");
	parse_bad("app@", LSC_E_USAGE, "empty digest");
}

Test(reference, other_digest_algorithms_are_unsupported)
{
	parse_bad("app@md5:0123456789abcdef0123456789abcdef", LSC_E_UNSUPPORTED, "only sha256");
	parse_bad("app@sha512:" HEX64 HEX64, LSC_E_UNSUPPORTED, "only sha256");
	parse_bad("app@multihash+base58:" HEX64, LSC_E_UNSUPPORTED, "only sha256");
}

Test(reference, path_component_rules)
{
	parse_bad("a//b", LSC_E_USAGE, "empty path component");
	parse_bad("-app", LSC_E_USAGE, "bad path component");
	parse_bad("app-", LSC_E_USAGE, "bad path component");
	parse_bad("a/b/", LSC_E_USAGE, "empty path component");
	parse_bad("/app", LSC_E_USAGE, "empty path component");
	parse_bad("a..b", LSC_E_USAGE, "bad path component");
	parse_bad("a___b", LSC_E_USAGE, "bad path component");
	parse_bad("a._b", LSC_E_USAGE, "bad path component");
	parse_bad("_app", LSC_E_USAGE, "bad path component");
	parse_bad("a b", LSC_E_USAGE, "bad path component");
	parse_bad("ghcr.io/org/ap%p", LSC_E_USAGE, "bad path component");
	parse_ok("a__b", "docker.io", "registry-1.docker.io", "library/a__b", "latest", NULL,
		 "docker.io/library/a__b:latest");
	parse_ok("a---b", "docker.io", "registry-1.docker.io", "library/a---b", "latest", NULL,
		 "docker.io/library/a---b:latest");
}

Test(reference, registry_rules)
{
	parse_bad("-bad.io/app", LSC_E_USAGE, "bad host name");
	parse_bad("bad-.io/app", LSC_E_USAGE, "bad host name");
	parse_bad("a..io/app", LSC_E_USAGE, "bad host name");
	parse_bad("host_x.io/app", LSC_E_USAGE, "bad host name");
	parse_bad(":5000/app", LSC_E_USAGE, "bad host name");
	parse_bad("localhost:/app", LSC_E_USAGE, "empty port");
	parse_bad("localhost:50a/app", LSC_E_USAGE, "bad port");
	parse_bad("[::1/app", LSC_E_USAGE, "IPv6");
	parse_bad("[]:5000/app", LSC_E_USAGE, "IPv6");
	parse_bad("[::g]/app", LSC_E_USAGE, "IPv6");
	parse_bad("[::1]x/app", LSC_E_USAGE, "IPv6");
}

Test(reference, name_length)
{
	char s[400];

	/* docker.io/library/ + 237 = 255 */
	memset(s, 'a', sizeof(s));
	s[237] = 0;
	{
		struct lsc_reference r;

		cr_assert_eq(lsc_reference_parse(&r, s), 0, "%s", lsc_error_last());
		cr_assert_eq(strlen(r.registry) + 1 + strlen(r.repository), 255);
		lsc_reference_dispose(&r);
	}
	s[237] = 'a';
	s[238] = 0;
	parse_bad(s, LSC_E_USAGE, "longer than 255");
	memset(s, 'a', sizeof(s));
	s[sizeof(s) - 1] = 0;
	parse_bad(s, LSC_E_USAGE, "longer than 255");
}

Test(reference, input_bound)
{
	char *s = malloc(LSC_REFERENCE_INPUT_MAX + 2);

	memset(s, 'a', LSC_REFERENCE_INPUT_MAX + 1);
	s[LSC_REFERENCE_INPUT_MAX + 1] = 0;
	parse_bad(s, LSC_E_USAGE, "longer than 1024");
	free(s);
}

Test(reference, image_id_is_not_a_name)
{
	parse_bad(HEX64, LSC_E_USAGE, "image ID");
	/* with a user in front it is a name again */
	parse_ok("user/" HEX64, "docker.io", "registry-1.docker.io", "user/" HEX64, "latest", NULL,
		 "docker.io/user/" HEX64 ":latest");
}

Test(reference, dispose_twice)
{
	struct lsc_reference r;

	cr_assert_eq(lsc_reference_parse(&r, "alpine"), 0);
	lsc_reference_dispose(&r);
	lsc_reference_dispose(&r);
	cr_assert_null(r.tag);
}

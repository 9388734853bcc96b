/* lib/target: every TARGET form of CONTRACT.md, against real temporary files and directories. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "lib/target.h"

static char dir[64];
static char file[128];	 /* DIR/image.tar */
static char layout[128]; /* DIR/layout (a directory) */

static void touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	cr_assert(fd >= 0, "%s", path);
	close(fd);
}

static void setup(void)
{
	strcpy(dir, "/tmp/lsc-target-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/image.tar", dir);
	touch(file);
	snprintf(layout, sizeof(layout), "%s/layout", dir);
	cr_assert_eq(mkdir(layout, 0755), 0);
}

static void rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
	rm_rf(dir);
}

TestSuite(target, .init = setup, .fini = teardown);

static void parse_ok(struct lsc_target *t, const char *s, enum lsc_transport tr, const char *path,
		     const char *ref)
{
	int rc = lsc_target_parse(t, s);

	cr_assert_eq(rc, 0, "\"%s\": %d %s", s, rc, lsc_error_last());
	cr_assert_eq(t->transport, tr, "\"%s\": transport %s", s, lsc_transport_name(t->transport));
	if (path) {
		cr_assert_str_eq(t->path, path, "\"%s\"", s);
	} else {
		cr_assert_null(t->path, "\"%s\": path %s", s, t->path);
	}
	if (ref) {
		cr_assert_str_eq(t->ref, ref, "\"%s\"", s);
	} else {
		cr_assert_null(t->ref, "\"%s\": ref %s", s, t->ref);
	}
}

Test(target, stdin)
{
	struct lsc_target t;

	parse_ok(&t, "-", LSC_TRANSPORT_DOCKER_ARCHIVE, "-", NULL);
	lsc_target_dispose(&t);
	parse_ok(&t, "docker-archive:-", LSC_TRANSPORT_DOCKER_ARCHIVE, "-", NULL);
	lsc_target_dispose(&t);
}

Test(target, docker_archive_path)
{
	struct lsc_target t;
	char s[256];

	snprintf(s, sizeof(s), "docker-archive:%s", file);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, file, NULL);
	lsc_target_dispose(&t);
	cr_assert_null(t.path);
}

Test(target, docker_archive_path_with_repo_tag)
{
	struct lsc_target t;
	char s[256];

	snprintf(s, sizeof(s), "docker-archive:%s:registry.example.com/team/app:1.4", file);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, file, "registry.example.com/team/app:1.4");
	lsc_target_dispose(&t);
	snprintf(s, sizeof(s), "docker-archive:%s:app:latest", file);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, file, "app:latest");
	lsc_target_dispose(&t);
	/* a registry with a port has one colon more */
	snprintf(s, sizeof(s), "docker-archive:%s:127.0.0.1:5000/team/app:1.4", file);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, file, "127.0.0.1:5000/team/app:1.4");
	lsc_target_dispose(&t);
}

Test(target, docker_archive_missing_file)
{
	struct lsc_target t;
	char s[256];

	snprintf(s, sizeof(s), "docker-archive:%s/nope.tar", dir);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
	cr_assert_not_null(strstr(lsc_error_last(), "nope.tar"), "%s", lsc_error_last());
	snprintf(s, sizeof(s), "docker-archive:%s/nope.tar:app:1", dir);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
	/* a directory is not an archive */
	snprintf(s, sizeof(s), "docker-archive:%s", layout);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
	/* an existing path followed by an empty reference */
	snprintf(s, sizeof(s), "docker-archive:%s:", file);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
	lsc_target_dispose(&t);
}

Test(target, transport_without_path_is_usage)
{
	struct lsc_target t;

	cr_assert_eq(lsc_target_parse(&t, "docker-archive:"), -LSC_E_USAGE);
	cr_assert_not_null(strstr(lsc_error_last(), "missing path"), "%s", lsc_error_last());
	cr_assert_eq(lsc_target_parse(&t, "oci:"), -LSC_E_USAGE);
	cr_assert_eq(lsc_target_parse(&t, "oci-archive:"), -LSC_E_USAGE);
}

Test(target, oci_dir)
{
	struct lsc_target t;
	char s[256];

	snprintf(s, sizeof(s), "oci:%s", layout);
	parse_ok(&t, s, LSC_TRANSPORT_OCI, layout, NULL);
	lsc_target_dispose(&t);
	snprintf(s, sizeof(s), "oci:%s:v1.2", layout);
	parse_ok(&t, s, LSC_TRANSPORT_OCI, layout, "v1.2");
	lsc_target_dispose(&t);
	/* a file is not a layout */
	snprintf(s, sizeof(s), "oci:%s", file);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
	cr_assert_not_null(strstr(lsc_error_last(), "directory"), "%s", lsc_error_last());
	snprintf(s, sizeof(s), "oci:%s/missing:tag", dir);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
}

Test(target, oci_archive)
{
	struct lsc_target t;
	char s[256];

	snprintf(s, sizeof(s), "oci-archive:%s", file);
	parse_ok(&t, s, LSC_TRANSPORT_OCI_ARCHIVE, file, NULL);
	lsc_target_dispose(&t);
	snprintf(s, sizeof(s), "oci-archive:%s:latest", file);
	parse_ok(&t, s, LSC_TRANSPORT_OCI_ARCHIVE, file, "latest");
	lsc_target_dispose(&t);
	snprintf(s, sizeof(s), "oci-archive:%s/missing.tar:latest", dir);
	cr_assert_eq(lsc_target_parse(&t, s), -LSC_E_NOT_FOUND);
}

Test(target, path_with_colon_that_exists_whole)
{
	struct lsc_target t;
	char colon[256], s[300];

	snprintf(colon, sizeof(colon), "%s/app:1.4.tar", dir);
	touch(colon);
	snprintf(s, sizeof(s), "docker-archive:%s", colon);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, colon, NULL);
	lsc_target_dispose(&t);
	snprintf(s, sizeof(s), "docker-archive:%s:app:1.4", colon);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, colon, "app:1.4");
	lsc_target_dispose(&t);
	/* bare */
	parse_ok(&t, colon, LSC_TRANSPORT_ARCHIVE, colon, NULL);
	lsc_target_dispose(&t);
	/* an OCI layout directory with a colon */
	snprintf(colon, sizeof(colon), "%s/lay:out", dir);
	cr_assert_eq(mkdir(colon, 0755), 0);
	snprintf(s, sizeof(s), "oci:%s", colon);
	parse_ok(&t, s, LSC_TRANSPORT_OCI, colon, NULL);
	lsc_target_dispose(&t);
	snprintf(s, sizeof(s), "oci:%s:tag", colon);
	parse_ok(&t, s, LSC_TRANSPORT_OCI, colon, "tag");
	lsc_target_dispose(&t);
}

/*
 * Regression: split_path tried the colons from the left, so with both DIR/x and DIR/x:y existing,
 * "docker-archive:DIR/x:y:tag" opened DIR/x with the reference "y:tag". The longest existing
 * prefix wins.
 */
Test(target, longest_existing_prefix_wins)
{
	struct lsc_target t;
	char x[256], xy[256], s[300];

	snprintf(x, sizeof(x), "%s/x", dir);
	snprintf(xy, sizeof(xy), "%s/x:y", dir);
	touch(x);
	touch(xy);
	snprintf(s, sizeof(s), "docker-archive:%s:tag", xy);
	parse_ok(&t, s, LSC_TRANSPORT_DOCKER_ARCHIVE, xy, "tag");
	lsc_target_dispose(&t);
}

Test(target, bare_existing_file_and_dir)
{
	struct lsc_target t;

	parse_ok(&t, file, LSC_TRANSPORT_ARCHIVE, file, NULL);
	lsc_target_dispose(&t);
	parse_ok(&t, layout, LSC_TRANSPORT_OCI, layout, NULL);
	lsc_target_dispose(&t);
}

Test(target, bare_relative_existing_path)
{
	struct lsc_target t;
	char cwd[4096];

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(dir), 0);
	parse_ok(&t, "image.tar", LSC_TRANSPORT_ARCHIVE, "image.tar", NULL);
	lsc_target_dispose(&t);
	parse_ok(&t, "./image.tar", LSC_TRANSPORT_ARCHIVE, "./image.tar", NULL);
	lsc_target_dispose(&t);
	parse_ok(&t, "layout", LSC_TRANSPORT_OCI, "layout", NULL);
	lsc_target_dispose(&t);
	cr_assert_eq(chdir(cwd), 0);
}

Test(target, registry_references)
{
	struct lsc_target t;

	parse_ok(&t, "docker://alpine:3.20", LSC_TRANSPORT_REGISTRY, NULL, "alpine:3.20");
	lsc_target_dispose(&t);
	parse_ok(&t, "docker://127.0.0.1:5000/team/app:1.4", LSC_TRANSPORT_REGISTRY, NULL,
		 "127.0.0.1:5000/team/app:1.4");
	lsc_target_dispose(&t);
	parse_ok(&t, "alpine:3.20", LSC_TRANSPORT_REGISTRY, NULL, "alpine:3.20");
	lsc_target_dispose(&t);
	parse_ok(&t, "alpine", LSC_TRANSPORT_REGISTRY, NULL, "alpine");
	lsc_target_dispose(&t);
	parse_ok(&t,
		 "ghcr.io/org/app@sha256:"
		 "0123456789abcdef0123456789abcdef"
		 "0123456789abcdef0123456789abcdef",
		 LSC_TRANSPORT_REGISTRY, NULL,
		 "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef"
		 "0123456789abcdef0123456789abcdef");
	lsc_target_dispose(&t);
	parse_ok(&t, "127.0.0.1:5000/team/app:1.4", LSC_TRANSPORT_REGISTRY, NULL,
		 "127.0.0.1:5000/team/app:1.4");
	lsc_target_dispose(&t);
}

Test(target, missing_file_names_are_not_references)
{
	struct lsc_target t;
	const char *missing[] = {"./missing.tar", "missing.tar", "/nonexistent/img.tar",
				 "app.tar.gz",	  "app.tgz",	 "app.tar.zst",
				 "../up.tar"};

	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		cr_assert_eq(lsc_target_parse(&t, missing[i]), -LSC_E_NOT_FOUND, "%s", missing[i]);
		cr_assert_not_null(strstr(lsc_error_last(), missing[i]), "%s", lsc_error_last());
		cr_assert_null(t.path);
		cr_assert_null(t.ref);
	}
}

Test(target, empty_is_usage)
{
	struct lsc_target t;

	cr_assert_eq(lsc_target_parse(&t, ""), -LSC_E_USAGE);
	cr_assert_not_null(strstr(lsc_error_last(), "empty target"), "%s", lsc_error_last());
	cr_assert_eq(lsc_target_parse(&t, NULL), -LSC_E_USAGE);
}

Test(target, transport_names)
{
	cr_assert_str_eq(lsc_transport_name(LSC_TRANSPORT_ARCHIVE), "archive");
	cr_assert_str_eq(lsc_transport_name(LSC_TRANSPORT_DOCKER_ARCHIVE), "docker-archive");
	cr_assert_str_eq(lsc_transport_name(LSC_TRANSPORT_OCI_ARCHIVE), "oci-archive");
	cr_assert_str_eq(lsc_transport_name(LSC_TRANSPORT_OCI), "oci");
	cr_assert_str_eq(lsc_transport_name(LSC_TRANSPORT_REGISTRY), "docker");
}

Test(target, dispose_twice)
{
	struct lsc_target t;

	parse_ok(&t, "docker://alpine", LSC_TRANSPORT_REGISTRY, NULL, "alpine");
	lsc_target_dispose(&t);
	lsc_target_dispose(&t);
	cr_assert_null(t.ref);
}

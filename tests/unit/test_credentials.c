/*
 * lib/credentials: where docker and skopeo look for registry credentials (environment, auth
 * files, credential helpers run from PATH), against real temporary files and helper scripts. No
 * detail may quote a secret. The WWW-Authenticate parser is test_challenge.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/registry/credentials.h"
#include "util/error.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char dir[64];
static char home[128];	  /* DIR/home; HOME */
static char homecfg[320]; /* DIR/home/.docker/config.json */
static char bin[128];	  /* DIR/bin, first on PATH */

static const char *saved_names[] = {
    "HOME", "DOCKER_CONFIG",	 "REGISTRY_AUTH_FILE", "LAYERSCAN_USERNAME", "LAYERSCAN_PASSWORD",
    "PATH", "LAYERSCAN_REGISTRY"};
static char *saved[7];

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
	size_t n = strlen(content);

	cr_assert(fd >= 0, "%s", path);
	cr_assert_eq(write(fd, content, n), (ssize_t)n);
	close(fd);
	chmod(path, mode);
}

static void home_config(const char *content)
{
	write_file(homecfg, content, 0600);
}

/* DIR/bin/docker-credential-NAME, a /bin/sh script with body. */
static void helper(const char *name, const char *body)
{
	char path[256], script[4096];

	snprintf(path, sizeof(path), "%s/docker-credential-%s", bin, name);
	snprintf(script, sizeof(script), "#!/bin/sh\n%s\n", body);
	write_file(path, script, 0755);
}

static void setup(void)
{
	char path[4096], sub[256];

	for (size_t i = 0; i < 7; i++) {
		const char *v = getenv(saved_names[i]);

		saved[i] = v ? strdup(v) : NULL;
		if (i != 0 && i != 5) {
			unsetenv(saved_names[i]);
		}
	}
	strcpy(dir, "/tmp/lsc-cred-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(home, sizeof(home), "%s/home", dir);
	cr_assert_eq(mkdir(home, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/.docker", home);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(homecfg, sizeof(homecfg), "%s/config.json", sub);
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	cr_assert_eq(mkdir(bin, 0755), 0);
	setenv("HOME", home, 1);
	snprintf(path, sizeof(path), "%s:%s", bin, saved[5] ? saved[5] : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	lsc_error_clear();
}

static void teardown(void)
{
	char cmd[256];

	for (size_t i = 0; i < 7; i++) {
		if (saved[i]) {
			setenv(saved_names[i], saved[i], 1);
		} else {
			unsetenv(saved_names[i]);
		}
		free(saved[i]);
		saved[i] = NULL;
	}
	lsc_credentials_set_helper_timeout_ms(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(credentials, .init = setup, .fini = teardown);

static void find_ok(struct lsc_credential *c, const char *registry, const char *authfile,
		    const char *user, const char *pass, const char *token, const char *source)
{
	int rc = lsc_credentials_find(c, registry, authfile, true);

	cr_assert_eq(rc, 1, "%s: %d %s", registry, rc, lsc_error_last());
	if (user) {
		cr_assert_str_eq(c->username, user, "%s", registry);
	} else {
		cr_assert_null(c->username, "%s: username %s", registry, c->username);
	}
	if (pass) {
		cr_assert_str_eq(c->password, pass, "%s", registry);
	} else {
		cr_assert_null(c->password, "%s: a password", registry);
	}
	if (token) {
		cr_assert_str_eq(c->identity_token, token, "%s", registry);
	} else {
		cr_assert_null(c->identity_token, "%s: a token", registry);
	}
	cr_assert_str_eq(c->source, source, "%s", registry);
	lsc_credential_dispose(c);
	cr_assert_null(c->username);
	cr_assert_null(c->password);
	cr_assert_null(c->identity_token);
	cr_assert_eq(c->source[0], 0);
}

static void find_none(const char *registry, const char *authfile)
{
	struct lsc_credential c;
	int rc = lsc_credentials_find(&c, registry, authfile, true);

	cr_assert_eq(rc, 0, "%s: %d %s", registry, rc, lsc_error_last());
	cr_assert_null(c.username);
	cr_assert_null(c.password);
	cr_assert_null(c.identity_token);
	cr_assert_eq(c.source[0], 0);
}

/* A failure whose detail holds want and none of the secrets (NULL-terminated). */
static void find_fails(const char *registry, const char *authfile, int code, const char *want,
		       const char *const *secrets)
{
	struct lsc_credential c;
	int rc = lsc_credentials_find(&c, registry, authfile, true);

	cr_assert_eq(rc, -code, "%s: %d %s", registry, rc, lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), want), "\"%s\" lacks \"%s\"", lsc_error_last(),
			   want);
	for (size_t i = 0; secrets && secrets[i]; i++) {
		cr_assert_null(strstr(lsc_error_last(), secrets[i]), "\"%s\" quotes \"%s\"",
			       lsc_error_last(), secrets[i]);
	}
	cr_assert_null(c.username);
	cr_assert_null(c.password);
	cr_assert_null(c.identity_token);
}

/* ---- environment and file precedence ---- */

Test(credentials, nothing_anywhere)
{
	find_none("docker.io", NULL);
	find_none("127.0.0.1:5000", NULL);
}

Test(credentials, environment_wins)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
	setenv("LAYERSCAN_USERNAME", "envuser", 1);
	setenv("LAYERSCAN_PASSWORD", "envpass", 1);
	find_ok(&c, "127.0.0.1:5000", NULL, "envuser", "envpass", NULL, "LAYERSCAN_USERNAME");
	/* for any registry, and over an explicit auth file */
	find_ok(&c, "ghcr.io", homecfg, "envuser", "envpass", NULL, "LAYERSCAN_USERNAME");
}

Test(credentials, environment_only_where_it_applies)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"127.0.0.1:5001\":{\"auth\":\"Yi11c2VyOmItcGFzcw==\"}}}");
	setenv("LAYERSCAN_USERNAME", "envuser", 1);
	setenv("LAYERSCAN_PASSWORD", "envpass", 1);
	/* another registry: its own auth file entry, never the environment's */
	cr_assert_eq(lsc_credentials_find(&c, "127.0.0.1:5001", NULL, false), 1);
	cr_assert_str_eq(c.username, "b-user");
	cr_assert_str_eq(c.password, "b-pass");
	cr_assert_str_eq(c.source, homecfg);
	lsc_credential_dispose(&c);
	/* no entry: nothing at all */
	cr_assert_eq(lsc_credentials_find(&c, "attacker.example", NULL, false), 0);
	cr_assert_null(c.username);
	cr_assert_null(c.password);
	/* and with the environment allowed, it wins as before */
	find_ok(&c, "127.0.0.1:5001", NULL, "envuser", "envpass", NULL, "LAYERSCAN_USERNAME");
}

Test(credentials, host_lists)
{
	cr_assert(lsc_credentials_host_listed("127.0.0.1:5001", "127.0.0.1:5001"));
	cr_assert(lsc_credentials_host_listed("a.io, 127.0.0.1:5001 ,b.io", "127.0.0.1:5001"));
	cr_assert(lsc_credentials_host_listed("https://R.Example.com/", "r.example.com"));
	cr_assert(lsc_credentials_host_listed("http://r.example.com:5000", "r.example.com:5000"));
	/* the port is part of the name, both ways */
	cr_assert_not(lsc_credentials_host_listed("127.0.0.1", "127.0.0.1:5001"));
	cr_assert_not(lsc_credentials_host_listed("127.0.0.1:5001", "127.0.0.1"));
	cr_assert_not(lsc_credentials_host_listed("127.0.0.1:50011", "127.0.0.1:5001"));
	/* no prefix, suffix or substring matches */
	cr_assert_not(lsc_credentials_host_listed("example.com", "evil-example.com"));
	cr_assert_not(lsc_credentials_host_listed("r.example.com", "r.example.com.evil.io"));
	cr_assert_not(lsc_credentials_host_listed("r.example.com.evil.io", "r.example.com"));
	cr_assert_not(lsc_credentials_host_listed("r.io/team", "r.io"));
	/* Docker Hub's spellings are one registry */
	cr_assert(lsc_credentials_host_listed("index.docker.io", "docker.io"));
	cr_assert(lsc_credentials_host_listed("https://index.docker.io/v1/", "docker.io") == false);
	cr_assert(lsc_credentials_host_listed("Registry-1.Docker.io", "docker.io"));
	cr_assert_not(lsc_credentials_host_listed("docker.io", "ghcr.io"));
	/* empty lists and entries name nothing */
	cr_assert_not(lsc_credentials_host_listed(NULL, "r.io"));
	cr_assert_not(lsc_credentials_host_listed("", "r.io"));
	cr_assert_not(lsc_credentials_host_listed(" , ,", "r.io"));
	cr_assert_not(lsc_credentials_host_listed("r.io", ""));
}

Test(credentials, environment_applies_to)
{
	unsetenv("LAYERSCAN_REGISTRY");
	/* the scanned image's registry */
	cr_assert(lsc_credentials_env_applies("127.0.0.1:5000", "127.0.0.1:5000", NULL));
	/* a base on another registry, or any registry for a local target: no */
	cr_assert_not(lsc_credentials_env_applies("127.0.0.1:5001", "127.0.0.1:5000", NULL));
	cr_assert_not(lsc_credentials_env_applies("127.0.0.1:5001", NULL, NULL));
	cr_assert_not(lsc_credentials_env_applies("127.0.0.1:5001", "", NULL));
	/* a scanned "registry" is one name, never a list */
	cr_assert_not(lsc_credentials_env_applies("b.io", "a.io,b.io", NULL));
	/* --creds-for and LAYERSCAN_REGISTRY name more */
	cr_assert(lsc_credentials_env_applies("127.0.0.1:5001", NULL, "127.0.0.1:5001"));
	cr_assert(lsc_credentials_env_applies("127.0.0.1:5001", "a.io", "x.io,127.0.0.1:5001"));
	setenv("LAYERSCAN_REGISTRY", "ghcr.io,127.0.0.1:5001", 1);
	cr_assert(lsc_credentials_env_applies("127.0.0.1:5001", NULL, NULL));
	cr_assert(lsc_credentials_env_applies("ghcr.io", "a.io", NULL));
	cr_assert_not(lsc_credentials_env_applies("127.0.0.1:5002", NULL, NULL));
	cr_assert_not(lsc_credentials_env_applies("", "", "x"));
}

Test(credentials, environment_needs_both)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
	setenv("LAYERSCAN_USERNAME", "envuser", 1);
	find_ok(&c, "127.0.0.1:5000", NULL, "user", "pass", NULL, homecfg);
	unsetenv("LAYERSCAN_USERNAME");
	setenv("LAYERSCAN_PASSWORD", "envpass", 1);
	find_ok(&c, "127.0.0.1:5000", NULL, "user", "pass", NULL, homecfg);
	setenv("LAYERSCAN_USERNAME", "", 1);
	find_ok(&c, "127.0.0.1:5000", NULL, "user", "pass", NULL, homecfg);
}

Test(credentials, file_precedence)
{
	struct lsc_credential c;
	char authfile[256], regfile[256], dcdir[256], dcfile[300];

	snprintf(authfile, sizeof(authfile), "%s/auth.json", dir);
	snprintf(regfile, sizeof(regfile), "%s/registry-auth.json", dir);
	snprintf(dcdir, sizeof(dcdir), "%s/dockerconfig", dir);
	snprintf(dcfile, sizeof(dcfile), "%s/config.json", dcdir);
	cr_assert_eq(mkdir(dcdir, 0700), 0);
	write_file(authfile, "{\"auths\":{\"r.io\":{\"username\":\"a\",\"password\":\"1\"}}}",
		   0600);
	write_file(regfile, "{\"auths\":{\"r.io\":{\"username\":\"b\",\"password\":\"2\"}}}", 0600);
	write_file(dcfile, "{\"auths\":{\"r.io\":{\"username\":\"c\",\"password\":\"3\"}}}", 0600);
	home_config("{\"auths\":{\"r.io\":{\"username\":\"d\",\"password\":\"4\"}}}");

	find_ok(&c, "r.io", NULL, "d", "4", NULL, homecfg);
	setenv("DOCKER_CONFIG", dcdir, 1);
	find_ok(&c, "r.io", NULL, "c", "3", NULL, dcfile);
	setenv("REGISTRY_AUTH_FILE", regfile, 1);
	find_ok(&c, "r.io", NULL, "b", "2", NULL, regfile);
	find_ok(&c, "r.io", authfile, "a", "1", NULL, authfile);
	/* an empty REGISTRY_AUTH_FILE counts as unset */
	setenv("REGISTRY_AUTH_FILE", "", 1);
	find_ok(&c, "r.io", NULL, "c", "3", NULL, dcfile);
}

Test(credentials, docker_config_without_file_does_not_fall_back_to_home)
{
	char dcdir[256];

	snprintf(dcdir, sizeof(dcdir), "%s/empty", dir);
	cr_assert_eq(mkdir(dcdir, 0700), 0);
	home_config("{\"auths\":{\"r.io\":{\"username\":\"d\",\"password\":\"4\"}}}");
	setenv("DOCKER_CONFIG", dcdir, 1);
	find_none("r.io", NULL);
}

Test(credentials, explicit_files_must_exist)
{
	char missing[256];

	snprintf(missing, sizeof(missing), "%s/nope.json", dir);
	find_fails("r.io", missing, LSC_E_NOT_FOUND, missing, NULL);
	setenv("REGISTRY_AUTH_FILE", missing, 1);
	find_fails("r.io", NULL, LSC_E_NOT_FOUND, missing, NULL);
}

Test(credentials, no_entry_for_registry)
{
	home_config("{\"auths\":{\"other.io\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
	find_none("r.io", NULL);
	home_config("{}");
	find_none("r.io", NULL);
	home_config("{\"auths\":null,\"credHelpers\":null,\"credsStore\":null}");
	find_none("r.io", NULL);
}

/* ---- auths entries ---- */

Test(credentials, auth_field)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"dXNlcjpwYXNz\"},"
		    "\"colons.io\":{\"auth\":\"dTpwOndpdGg6Y29sb25z\"},"
		    "\"nopad.io\":{\"auth\":\"YWxpY2U6aHVudGVyMi1zZWNyZXQ\"}}}");
	find_ok(&c, "127.0.0.1:5000", NULL, "user", "pass", NULL, homecfg);
	/* the password is everything after the first colon */
	find_ok(&c, "colons.io", NULL, "u", "p:with:colons", NULL, homecfg);
	/* padding is optional */
	find_ok(&c, "nopad.io", NULL, "alice", "hunter2-secret", NULL, homecfg);
}

Test(credentials, username_password_fields)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"r.io\":{\"username\":\"bob\",\"password\":\"pw\"},"
		    "\"both.io\":{\"auth\":\"dXNlcjpwYXNz\",\"username\":\"bob\","
		    "\"password\":\"pw\"},"
		    "\"emptyauth.io\":{\"auth\":\"\",\"username\":\"bob\",\"password\":\"pw\"}}}");
	find_ok(&c, "r.io", NULL, "bob", "pw", NULL, homecfg);
	/* "auth" wins over the separate fields, as in docker */
	find_ok(&c, "both.io", NULL, "user", "pass", NULL, homecfg);
	/* an empty "auth" is no auth */
	find_ok(&c, "emptyauth.io", NULL, "bob", "pw", NULL, homecfg);
}

Test(credentials, identity_token)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNz\",\"identitytoken\":\"rt-1\"},"
		    "\"t.io\":{\"identitytoken\":\"rt-2\"}}}");
	find_ok(&c, "r.io", NULL, "user", "pass", "rt-1", homecfg);
	find_ok(&c, "t.io", NULL, NULL, NULL, "rt-2", homecfg);
}

Test(credentials, empty_entry_is_no_credential)
{
	home_config("{\"auths\":{\"r.io\":{},\"e.io\":{\"auth\":\"\",\"identitytoken\":\"\"}}}");
	find_none("r.io", NULL);
	find_none("e.io", NULL);
}

Test(credentials, docker_hub_key_spellings)
{
	struct lsc_credential c;
	const char *keys[] = {"https://index.docker.io/v1/",  "index.docker.io",
			      "registry-1.docker.io",	      "docker.io",
			      "https://index.docker.io/v2/",  "http://docker.io",
			      "https://registry-1.docker.io", "index.docker.io/v1/"};
	char cfg[512];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(cfg, sizeof(cfg),
			 "{\"auths\":{\"ghcr.io\":{\"auth\":\"Om9ubHlwYXNz\"},"
			 "\"%s\":{\"auth\":\"dXNlcjpwYXNz\"}}}",
			 keys[i]);
		home_config(cfg);
		find_ok(&c, "docker.io", NULL, "user", "pass", NULL, homecfg);
	}
	/* look-alikes are other hosts */
	home_config("{\"auths\":{\"docker.io.evil.com\":{\"auth\":\"dXNlcjpwYXNz\"},"
		    "\"https://index.docker.io.x/v1/\":{\"auth\":\"dXNlcjpwYXNz\"},"
		    "\"evil.com/docker.io\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
	find_none("docker.io", NULL);
}

Test(credentials, docker_hub_official_key_wins)
{
	struct lsc_credential c;

	/* "index.docker.io" comes first in the file, but the key docker writes wins */
	home_config("{\"auths\":{\"index.docker.io\":{\"username\":\"old\",\"password\":\"o\"},"
		    "\"https://index.docker.io/v1/\":{\"username\":\"new\",\"password\":\"n\"}}}");
	find_ok(&c, "docker.io", NULL, "new", "n", NULL, homecfg);
	/* a Docker Hub key is not another registry's */
	find_none("ghcr.io", NULL);
}

Test(credentials, registry_key_spellings)
{
	struct lsc_credential c;
	const char *keys[] = {"https://127.0.0.1:5000", "http://127.0.0.1:5000/v1/",
			      "127.0.0.1:5000/v2/", "https://127.0.0.1:5000/"};
	char cfg[512];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(cfg, sizeof(cfg), "{\"auths\":{\"%s\":{\"auth\":\"dXNlcjpwYXNz\"}}}",
			 keys[i]);
		home_config(cfg);
		find_ok(&c, "127.0.0.1:5000", NULL, "user", "pass", NULL, homecfg);
	}
	home_config("{\"auths\":{\"127.0.0.1:50000\":{\"auth\":\"dXNlcjpwYXNz\"},"
		    "\"127.0.0.1\":{\"auth\":\"dXNlcjpwYXNz\"},"
		    "\"ftp://127.0.0.1:5000\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
	find_none("127.0.0.1:5000", NULL);
	/* the exact key wins over an earlier prefixed one */
	home_config("{\"auths\":{\"https://r.io/v1/\":{\"username\":\"old\",\"password\":\"o\"},"
		    "\"r.io\":{\"username\":\"new\",\"password\":\"n\"}}}");
	find_ok(&c, "r.io", NULL, "new", "n", NULL, homecfg);
}

Test(credentials, malformed_auth_never_quoted)
{
	const char *secrets[] = {"hunter2", "aHVudGVy", NULL};

	/* not base64 */
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"hunter2!!aHVudGVy\"}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "auths[\"r.io\"].auth is not valid base64", secrets);
	find_fails("r.io", NULL, LSC_E_FORMAT, homecfg, secrets);
	/* base64 of "nocolon" */
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "does not decode to user:password", secrets);
	/* base64 of ":onlypass": docker wants a user name */
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"Om9ubHlwYXNz\"}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "does not decode to user:password", secrets);
	/* bad length, padding in the middle */
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"dXNlc\"}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "not valid base64", secrets);
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"dX=lcjpwYXNz\"}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "not valid base64", secrets);
	/* an entry for another registry is not looked at */
	home_config("{\"auths\":{\"other.io\":{\"auth\":\"hunter2!!\"}}}");
	find_none("r.io", NULL);
}

Test(credentials, malformed_file_never_quoted)
{
	const char *secrets[] = {"hunter2", "YWxpY2U6aHVudGVyMi1zZWNyZXQ", NULL};

	/* jansson's own message would quote the token near the error */
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"YWxpY2U6aHVudGVyMi1zZWNyZXQ\" hunter2}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "invalid JSON at line 1", secrets);
	home_config("{\"auths\":{\"r.io\":{\"password\":hunter2}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "invalid JSON", secrets);
	home_config("[\"hunter2\"]");
	find_fails("r.io", NULL, LSC_E_FORMAT, "not a JSON object", secrets);
	home_config("{\"auths\":[\"hunter2\"]}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "auths must be an object", secrets);
	home_config("{\"auths\":{\"r.io\":\"hunter2\"}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "auths[\"r.io\"] must be an object", secrets);
	home_config("{\"auths\":{\"r.io\":{\"username\":\"u\",\"password\":[\"hunter2\"]}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "auths[\"r.io\"].password must be a string",
		   secrets);
	home_config("{\"auths\":{\"r.io\":{\"auth\":7}}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, ".auth must be a string", secrets);
	home_config("{\"credHelpers\":\"x\"}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "credHelpers must be an object", secrets);
	home_config("{\"credsStore\":{}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "credsStore must be a string", secrets);
	home_config("");
	find_fails("r.io", NULL, LSC_E_FORMAT, "invalid JSON", secrets);
}

Test(credentials, file_size_bound)
{
	size_t n = LSC_CREDENTIALS_FILE_MAX + 10;
	char *big = malloc(n + 1);

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = 0;
	home_config(big);
	find_fails("r.io", NULL, LSC_E_TOO_LARGE, homecfg, NULL);
	/* just under the bound is read */
	big[LSC_CREDENTIALS_FILE_MAX - 1] = '}';
	big[LSC_CREDENTIALS_FILE_MAX] = 0;
	home_config(big);
	find_none("r.io", NULL);
	free(big);
}

Test(credentials, auth_file_is_a_directory)
{
	find_fails("r.io", home, EISDIR, home, NULL);
}

Test(credentials, unreadable_auth_file)
{
	char f[256];

	if (geteuid() == 0) {
		cr_skip_test("root reads any file");
	}
	snprintf(f, sizeof(f), "%s/locked.json", dir);
	write_file(f, "{}", 0000);
	find_fails("r.io", f, EACCES, f, NULL);
}

/* ---- credential helpers ---- */

/* Echoes what it got on stdin in the Username, refuses anything but "get". */
#define ECHO_HELPER                                                                                \
	"[ \"$1\" = get ] || exit 3\n"                                                             \
	"url=$(cat)\n"                                                                             \
	"printf '{\"ServerURL\":\"%s\",\"Username\":\"u-%s\",\"Secret\":\"s3cret\"}' \"$url\" "    \
	"\"$url\""

Test(credentials, cred_helper_for_registry)
{
	struct lsc_credential c;

	helper("echo", ECHO_HELPER);
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNz\"}},"
		    "\"credHelpers\":{\"r.io\":\"echo\",\"docker.io\":\"echo\"}}");
	/* credHelpers wins over auths; the registry is the server URL */
	find_ok(&c, "r.io", NULL, "u-r.io", "s3cret", NULL,
		"credential helper docker-credential-echo");
	/* Docker Hub's server URL is the v1 index URL */
	find_ok(&c, "docker.io", NULL, "u-https://index.docker.io/v1/", "s3cret", NULL,
		"credential helper docker-credential-echo");
	/* a registry without a helper falls to auths, then nothing */
	find_none("other.io", NULL);
}

Test(credentials, cred_helper_docker_hub_key)
{
	struct lsc_credential c;

	helper("echo", ECHO_HELPER);
	home_config("{\"credHelpers\":{\"https://index.docker.io/v1/\":\"echo\"}}");
	find_ok(&c, "docker.io", NULL, "u-https://index.docker.io/v1/", "s3cret", NULL,
		"credential helper docker-credential-echo");
}

Test(credentials, creds_store)
{
	struct lsc_credential c;

	helper("store", ECHO_HELPER);
	/* docker login with a credsStore leaves an empty entry behind */
	home_config("{\"auths\":{\"https://index.docker.io/v1/\":{}},\"credsStore\":\"store\"}");
	find_ok(&c, "docker.io", NULL, "u-https://index.docker.io/v1/", "s3cret", NULL,
		"credential helper docker-credential-store");
	find_ok(&c, "127.0.0.1:5000", NULL, "u-127.0.0.1:5000", "s3cret", NULL,
		"credential helper docker-credential-store");
	/* an auths entry with a credential comes before the store */
	home_config("{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNz\"}},\"credsStore\":\"store\"}");
	find_ok(&c, "r.io", NULL, "user", "pass", NULL, homecfg);
}

Test(credentials, helper_identity_token)
{
	struct lsc_credential c;

	helper("tok", "cat >/dev/null\n"
		      "echo '{\"ServerURL\":\"r.io\",\"Username\":\"<token>\",\"Secret\":\"rt\"}'");
	home_config("{\"credsStore\":\"tok\"}");
	find_ok(&c, "r.io", NULL, NULL, NULL, "rt", "credential helper docker-credential-tok");
}

Test(credentials, helper_not_found_message)
{
	/* as docker-credential-helpers answer: on stdout, status 1 */
	helper("none", "cat >/dev/null\necho 'credentials not found in native keychain'\nexit 1");
	home_config("{\"credsStore\":\"none\"}");
	find_none("r.io", NULL);
	/* some say it on stderr */
	helper("none", "cat >/dev/null\necho 'Credentials not found' >&2\nexit 1");
	find_none("r.io", NULL);
	/* an empty answer with status 0 */
	helper("none",
	       "cat >/dev/null\necho '{\"ServerURL\":\"\",\"Username\":\"\",\"Secret\":\"\"}'");
	find_none("r.io", NULL);
}

Test(credentials, helper_hangs_is_killed)
{
	struct timespec a, b;
	long ms;

	helper("hang", "exec sleep 30");
	home_config("{\"credsStore\":\"hang\"}");
	lsc_credentials_set_helper_timeout_ms(300);
	clock_gettime(CLOCK_MONOTONIC, &a);
	find_fails("r.io", NULL, LSC_E_AUTH, "docker-credential-hang: no answer within 300 ms",
		   NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	cr_assert(ms >= 250 && ms < 5000, "took %ld ms", ms);
}

Test(credentials, helper_that_reads_nothing_and_hangs)
{
	helper("hang", "sleep 30");
	home_config("{\"credsStore\":\"hang\"}");
	lsc_credentials_set_helper_timeout_ms(200);
	find_fails("r.io", NULL, LSC_E_AUTH, "no answer within 200 ms", NULL);
}

Test(credentials, helper_closes_its_output_and_hangs)
{
	helper("hang", "cat >/dev/null\nexec >&- 2>&-\nexec sleep 30");
	home_config("{\"credsStore\":\"hang\"}");
	lsc_credentials_set_helper_timeout_ms(300);
	find_fails("r.io", NULL, LSC_E_AUTH, "no answer within 300 ms", NULL);
}

static int count_fds(void)
{
	int n = 0;
	char path[64];

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

Test(credentials, helper_runs_leave_no_descriptor_or_child)
{
	struct lsc_credential c;
	int before = count_fds();

	helper("ok", "cat >/dev/null\necho '{\"Username\":\"u\",\"Secret\":\"s\"}'");
	helper("hang", "exec sleep 30");
	helper("fail", "exit 1");
	helper("big", "head -c 200000 /dev/zero");
	lsc_credentials_set_helper_timeout_ms(100);
	for (int i = 0; i < 3; i++) {
		home_config("{\"credsStore\":\"ok\"}");
		cr_assert_eq(lsc_credentials_find(&c, "r.io", NULL, true), 1, "%s",
			     lsc_error_last());
		lsc_credential_dispose(&c);
		home_config("{\"credsStore\":\"hang\"}");
		cr_assert_eq(lsc_credentials_find(&c, "r.io", NULL, true), -LSC_E_AUTH);
		home_config("{\"credsStore\":\"fail\"}");
		cr_assert_eq(lsc_credentials_find(&c, "r.io", NULL, true), -LSC_E_AUTH);
		home_config("{\"credsStore\":\"big\"}");
		cr_assert_eq(lsc_credentials_find(&c, "r.io", NULL, true), -LSC_E_AUTH);
		home_config("{\"credsStore\":\"missing\"}");
		cr_assert_eq(lsc_credentials_find(&c, "r.io", NULL, true), -LSC_E_AUTH);
	}
	cr_assert_eq(count_fds(), before);
	/* every helper was reaped */
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
	cr_assert_eq(errno, ECHILD);
}

Test(credentials, helper_leaves_a_child_holding_the_pipes)
{
	struct lsc_credential c;
	struct timespec a, b;
	long ms;

	/* the answer is complete when the helper exits, even if a grandchild keeps stdout open */
	helper("bg", "cat >/dev/null\n"
		     "echo '{\"ServerURL\":\"r.io\",\"Username\":\"u\",\"Secret\":\"s\"}'\n"
		     "sleep 3 &\n"
		     "exit 0");
	home_config("{\"credsStore\":\"bg\"}");
	clock_gettime(CLOCK_MONOTONIC, &a);
	find_ok(&c, "r.io", NULL, "u", "s", NULL, "credential helper docker-credential-bg");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	cr_assert(ms < 2500, "took %ld ms", ms);
}

Test(credentials, helper_garbage_never_quoted)
{
	const char *secrets[] = {"hunter2", NULL};

	helper("junk", "cat >/dev/null\necho '{\"Username\":\"u\",\"Secret\":\"hunter2\"'");
	home_config("{\"credsStore\":\"junk\"}");
	find_fails("r.io", NULL, LSC_E_AUTH, "docker-credential-junk: answer is not a JSON object",
		   secrets);
	helper("junk", "cat >/dev/null\necho 'hunter2 garbage'");
	find_fails("r.io", NULL, LSC_E_AUTH, "not a JSON object", secrets);
	helper("junk", "cat >/dev/null\necho '[\"hunter2\"]'");
	find_fails("r.io", NULL, LSC_E_AUTH, "not a JSON object", secrets);
	helper("junk", "cat >/dev/null");
	find_fails("r.io", NULL, LSC_E_AUTH, "not a JSON object", secrets);
	helper("junk", "cat >/dev/null\necho '{\"Username\":\"u\",\"Secret\":7}'");
	find_fails("r.io", NULL, LSC_E_AUTH, "no Secret string", secrets);
}

Test(credentials, helper_failure_shows_first_stderr_line_only)
{
	const char *secrets[] = {"hunter2", NULL};

	helper("fail", "cat >/dev/null\n"
		       "echo '{\"Secret\":\"hunter2\"}'\n"
		       "printf 'gpg: decryption failed\\nhunter2 on the second line\\n' >&2\n"
		       "exit 2");
	home_config("{\"credsStore\":\"fail\"}");
	find_fails("r.io", NULL, LSC_E_AUTH,
		   "credential helper docker-credential-fail: exited with status 2: gpg: "
		   "decryption failed",
		   secrets);
	/* a long first line is cut */
	helper("fail", "cat >/dev/null\nhead -c 5000 /dev/zero | tr '\\0' x >&2\nexit 1");
	find_fails("r.io", NULL, LSC_E_AUTH, "exited with status 1: xxxx", secrets);
	cr_assert_lt(strlen(lsc_error_last()), 300, "%s", lsc_error_last());
	/* control characters do not reach a terminal */
	helper("fail", "cat >/dev/null\nprintf 'bad\\033[2Jthing' >&2\nexit 1");
	find_fails("r.io", NULL, LSC_E_AUTH, "bad?[2Jthing", secrets);
	/* killed by a signal */
	helper("fail", "cat >/dev/null\nkill -9 $$");
	find_fails("r.io", NULL, LSC_E_AUTH, "killed by signal 9", secrets);
}

Test(credentials, helper_answer_bound)
{
	helper("big", "cat >/dev/null\nhead -c 200000 /dev/zero | tr '\\0' a");
	home_config("{\"credsStore\":\"big\"}");
	find_fails("r.io", NULL, LSC_E_AUTH, "answer larger than 65536 bytes", NULL);
}

Test(credentials, helper_that_does_not_read_stdin)
{
	struct lsc_credential c;

	/* exits before reading: writing its stdin must not raise SIGPIPE in us */
	helper("deaf", "exec echo '{\"ServerURL\":\"r.io\",\"Username\":\"u\",\"Secret\":\"s\"}'");
	home_config("{\"credsStore\":\"deaf\"}");
	for (int i = 0; i < 20; i++) {
		find_ok(&c, "r.io", NULL, "u", "s", NULL,
			"credential helper docker-credential-deaf");
	}
}

Test(credentials, helper_missing_from_path)
{
	home_config("{\"credsStore\":\"does-not-exist\"}");
	find_fails("r.io", NULL, LSC_E_AUTH, "docker-credential-does-not-exist: not found on PATH",
		   NULL);
}

Test(credentials, helper_names_are_names)
{
	char outside[256];

	/* a name with a slash would run a program by path */
	snprintf(outside, sizeof(outside), "%s/docker-credential-x", dir);
	write_file(outside, "#!/bin/sh\necho pwned\n", 0755);
	home_config("{\"credsStore\":\"../docker-credential-x\"}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "credsStore must name a helper", NULL);
	home_config("{\"credHelpers\":{\"r.io\":\"a b\"}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "credHelpers[\"r.io\"] must name a helper", NULL);
	home_config("{\"credHelpers\":{\"r.io\":3}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "must name a helper", NULL);
	home_config("{\"credHelpers\":{\"r.io\":\"\"}}");
	find_fails("r.io", NULL, LSC_E_FORMAT, "must name a helper", NULL);
	/* an empty credsStore is none */
	home_config("{\"credsStore\":\"\"}");
	find_none("r.io", NULL);
}

Test(credentials, bad_registry_argument)
{
	struct lsc_credential c;

	cr_assert_eq(lsc_credentials_find(&c, "", NULL, true), -LSC_E_USAGE);
	cr_assert_eq(lsc_credentials_find(&c, NULL, NULL, true), -LSC_E_USAGE);
}

Test(credentials, dispose_twice)
{
	struct lsc_credential c;

	home_config("{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNz\",\"identitytoken\":\"t\"}}}");
	cr_assert_eq(lsc_credentials_find(&c, "r.io", NULL, true), 1);
	lsc_credential_dispose(&c);
	lsc_credential_dispose(&c);
	cr_assert_null(c.password);
}
